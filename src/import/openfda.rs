//! openFDA drug-event JSON (`results[]` of `/drug/event`): one case per
//! report, mapped with openFDA's own code lists, every item keeping the JSON
//! pointer it came from and every assumption written as a case note.
//!
//! The entries of one active substance (`activesubstance.activesubstancename`,
//! else `openfda.generic_name`, else the product name) are one drug: a product
//! listed twice is one suspect with both entries as its exposures, never its
//! own alternative cause. A report whose lists or dates cannot be read, that
//! does not name a drug or reaction, or that gives an impossible age is
//! refused with the reason, never turned into a case with less in it; a
//! response without reports is refused as a whole.

mod file;
pub use file::{is_openfda, openfda_cases};

use super::{Imported, Refused, checked_date, drug_id, text};
use serde_json::{Map, Value, json};

/// The text of an optional field: `None` when absent, null or blank; `Err`
/// when it holds something other than text (openFDA writes every value as text).
fn field<'a>(obj: &'a Map<String, Value>, key: &str, at: &str) -> Result<Option<&'a str>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim()).filter(|s| !s.is_empty())),
        Some(other) => Err(format!("`{at}/{key}` is {}, not text", kind_of(other))),
    }
}

/// An optional object: `None` when absent or null, `Err` when it is something else.
fn object<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<Option<&'a Map<String, Value>>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(other) => Err(format!("`{at}/{key}` is {}, not an object", kind_of(other))),
    }
}

/// An optional list of objects: empty when absent or null; `Err` when it is
/// not a list or an entry is not an object.
fn objects<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<Vec<&'a Map<String, Value>>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, x)| {
                x.as_object()
                    .ok_or_else(|| format!("`{at}/{key}/{i}` is {}, not an object", kind_of(x)))
            })
            .collect(),
        Some(other) => Err(format!("`{at}/{key}` is {}, not a list", kind_of(other))),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// How a text field that gives nothing is missing, for a refusal: absent or blank.
fn missing(obj: &Map<String, Value>, key: &str) -> String {
    match obj.get(key) {
        Some(Value::String(_)) => format!("`{key}` is blank"),
        _ => format!("no `{key}`"),
    }
}

/// openFDA date formats: 102 = CCYYMMDD, 610 = CCYYMM, 602 = CCYY; without a
/// format, the length says which. `Err` for a date its format cannot read or
/// the calendar does not have (20181399).
fn openfda_date(obj: &Map<String, Value>, key: &str, at: &str) -> Result<Option<String>, String> {
    let Some(d) = field(obj, key, at)? else {
        return Ok(None);
    };
    let format = field(obj, &format!("{key}format"), at)?;
    let digits = |n: usize| d.len() == n && d.chars().all(|c| c.is_ascii_digit());
    let written = match format.unwrap_or(match d.len() {
        8 => "102",
        6 => "610",
        _ => "602",
    }) {
        "102" if digits(8) => format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..]),
        "610" if digits(6) => format!("{}-{}", &d[..4], &d[4..]),
        "602" if digits(4) => d.to_owned(),
        f => {
            return Err(format!(
                "`{at}/{key}` `{d}` cannot be read as date format {f} (102 CCYYMMDD, 610 CCYYMM, 602 CCYY)"
            ));
        }
    };
    checked_date(written, &format!("`{at}/{key}`"), d).map(Some)
}

/// Every report of an openFDA drug-event response, each a case or refused with the reason.
pub fn openfda(doc: &Value) -> Result<Vec<Result<Imported, Refused>>, String> {
    // openFDA answers a query that matched nothing, or a bad one, with an error object.
    if let Some(error) = doc.get("error").filter(|_| doc.get("results").is_none()) {
        let code = error.get("code").and_then(Value::as_str).unwrap_or("error");
        let message = error.get("message").and_then(Value::as_str).unwrap_or("");
        return Err(format!(
            "the file is an openFDA error response, not reports: {code}: {message}"
        ));
    }
    let results = match doc.get("results") {
        Some(Value::Array(r)) => r,
        Some(other) => {
            return Err(format!(
                "`results` is {}, where openFDA gives a list of reports",
                kind_of(other)
            ));
        }
        None => return Err("no `results`: not an openFDA drug-event response".to_owned()),
    };
    if results.is_empty() {
        return Err("the openFDA response holds no reports (`results` is empty): the query that gave it matched nothing".to_owned());
    }
    Ok(results
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let pointer = format!("/results/{i}");
            match r.as_object() {
                Some(r) => openfda_report(r, &pointer),
                None => Err(format!(
                    "`{pointer}` is {}, not a report object",
                    kind_of(r)
                )),
            }
            .map(|case| Imported {
                pointer: pointer.clone(),
                case,
            })
            .map_err(|reason| Refused {
                position: pointer,
                reason,
            })
        })
        .collect())
}

/// One drug entry (`patient.drug[k]`) as read, before entries are merged.
struct Entry<'a> {
    pointer: String,
    product: Option<&'a str>,
    /// The active substance, the generic name or the product name, as written.
    name: String,
    /// What entries of one drug share (the substance, uppercase); `None` when nothing names it.
    key: Option<String>,
    role: &'static str,
    action: Option<&'static str>,
    indication: Option<&'a str>,
    exposure: Value,
    recurrence: Option<&'a str>,
}

/// One drug entry as read; `Ok(Err(why))` for an entry that names no drug, so
/// that every such entry of a report can be named at once.
fn entry<'a>(
    d: &'a Map<String, Value>,
    pointer: String,
) -> Result<Result<Entry<'a>, String>, String> {
    let at = pointer.as_str();
    let substance = match object(d, "activesubstance", at)? {
        Some(a) => field(a, "activesubstancename", &format!("{at}/activesubstance"))?,
        None => None,
    };
    let generic = match object(d, "openfda", at)? {
        Some(o) => match o.get("generic_name") {
            None | Some(Value::Null) => None,
            Some(Value::Array(names)) => names.first().and_then(text),
            Some(other) => {
                return Err(format!(
                    "`{at}/openfda/generic_name` is {}, not a list",
                    kind_of(other)
                ));
            }
        },
        None => None,
    };
    let product = field(d, "medicinalproduct", at)?;
    let key = substance.or(generic).or(product).map(str::to_uppercase);
    // openFDA separates the substances of a combination with a backslash.
    let Some(name) = generic.or(substance).or(product) else {
        return Ok(Err(format!(
            "`{at}` names no drug ({}, and no `activesubstance/activesubstancename` or `openfda/generic_name`)",
            missing(d, "medicinalproduct")
        )));
    };
    let name = name.replace('\\', " + ").to_lowercase();
    let role = match field(d, "drugcharacterization", at)? {
        Some("1") => "suspect",
        Some("3") => "interacting",
        _ => "concomitant",
    };
    // openFDA actiondrug: 1 withdrawn, 2 reduced, 3 increased, 4 not changed, 5 unknown, 6 not applicable.
    let action = match field(d, "actiondrug", at)? {
        Some("1") => Some("withdrawn"),
        Some("2") => Some("dose-reduced"),
        Some("3") => Some("dose-increased"),
        Some("4") => Some("dose-not-changed"),
        Some("5") => Some("unknown"),
        Some("6") => Some("not-applicable"),
        _ => None,
    };
    let start = openfda_date(d, "drugstartdate", at)?;
    let stop = openfda_date(d, "drugenddate", at)?;
    if let (Some(a), Some(b)) = (&start, &stop)
        && let (Ok(a_days), Ok(b_days)) = (crate::time::parse_date(a), crate::time::parse_date(b))
        && b_days.latest < a_days.earliest
    {
        return Err(format!(
            "`{at}` ends ({b}) before it starts ({a}): the dates cannot both hold"
        ));
    }
    let mut exposure = json!({});
    if let Some(s) = start {
        exposure["start"] = json!(s);
    }
    if let Some(s) = stop {
        exposure["stop"] = json!(s);
    }
    Ok(Ok(Entry {
        product,
        name,
        key,
        role,
        action,
        indication: field(d, "drugindication", at)?,
        exposure,
        recurrence: field(d, "drugrecurreadministration", at)?,
        pointer,
    }))
}

/// Ages in openFDA's units (`patientonsetageunit`: 800 decade, 801 year, 802
/// month, 803 week, 804 day, 805 hour) in years, with the unit's name.
fn years(age: f64, unit: Option<&str>) -> Option<(f64, &'static str)> {
    match unit.unwrap_or("801") {
        "800" => Some((age * 10.0, "decades")),
        "801" => Some((age, "years")),
        "802" => Some((age / 12.0, "months")),
        "803" => Some((age * 7.0 / 365.25, "weeks")),
        "804" => Some((age / 365.25, "days")),
        "805" => Some((age / (24.0 * 365.25), "hours")),
        _ => None,
    }
}

/// A number of years rounded to two decimals, as notes and case files show it.
pub(super) fn rounded(years: f64) -> f64 {
    (years * 100.0).round() / 100.0
}

fn openfda_report(r: &Map<String, Value>, base: &str) -> Result<Value, String> {
    let report_id = field(r, "safetyreportid", base)?;
    let id = report_id.map_or_else(
        || format!("openfda-{}", base.trim_start_matches("/results/")),
        |s| format!("openfda-{s}"),
    );
    let mut notes: Vec<String> = Vec::new();
    let empty = Map::new();
    let at = format!("{base}/patient");
    let patient = object(r, "patient", base)?.unwrap_or(&empty);
    let mut p = json!({});
    if let Some(age) = field(patient, "patientonsetage", &at)? {
        let unit = field(patient, "patientonsetageunit", &at)?;
        let number = age
            .parse::<f64>()
            .map_err(|_| format!("`{at}/patientonsetage` `{age}` is not a number"))?;
        let (value, unit_name) = years(number, unit).ok_or_else(|| {
            format!(
                "`{at}/patientonsetageunit` `{}` is not an openFDA age unit (800 to 805)",
                unit.unwrap_or_default()
            )
        })?;
        // `+ 0.0` writes an age of -0 as 0.
        let value = rounded(value) + 0.0;
        if number < 0.0 || !(0.0..=130.0).contains(&value) {
            return Err(format!(
                "`{at}/patientonsetage` {age} {unit_name} is not a possible age"
            ));
        }
        if unit_name != "years" {
            notes.push(format!(
                "the patient's age is given as {age} {unit_name}: read as {value} years"
            ));
        }
        p["age"] = json!(value);
    }
    if let Some(sex) = match field(patient, "patientsex", &at)? {
        Some("1") => Some("male"),
        Some("2") => Some("female"),
        Some(_) => Some("unknown"),
        None => None,
    } {
        p["sex"] = json!(sex);
    }
    if let Some(w) = field(patient, "patientweight", &at)? {
        let kg = w
            .parse::<f64>()
            .ok()
            .filter(|kg| (0.0..=700.0).contains(kg))
            .ok_or_else(|| format!("`{at}/patientweight` `{w}` is not a weight in kilograms"))?;
        p["weight"] = json!(kg);
    }
    let mut reactions = Vec::new();
    // Reactions and drugs without a name: a pair cannot be assessed without both.
    let mut unnamed = Vec::new();
    for (j, x) in objects(patient, "reaction", &at)?.into_iter().enumerate() {
        let pointer = format!("{at}/reaction/{j}");
        let Some(term) = field(x, "reactionmeddrapt", &pointer)? else {
            unnamed.push(format!(
                "`{pointer}` names no reaction ({})",
                missing(x, "reactionmeddrapt")
            ));
            continue;
        };
        let mut reaction = json!({
            "id": format!("r{}", j + 1),
            "term": term,
            "source_ref": pointer,
        });
        // openFDA reactionoutcome: 1 recovered, 2 recovering, 3 not recovered, 4 sequelae, 5 fatal, 6 unknown.
        if let Some(o) = match field(x, "reactionoutcome", &pointer)? {
            Some("1") => Some("recovered"),
            Some("2") => Some("recovering"),
            Some("3") => Some("not-recovered"),
            Some("4") => Some("recovered-with-sequelae"),
            Some("5") => Some("fatal"),
            Some("6") => Some("unknown"),
            _ => None,
        } {
            reaction["outcome"] = json!(o);
        }
        reactions.push(reaction);
    }
    if !reactions.is_empty() {
        notes.push(
            "openFDA gives no reaction onset date: findings that need one answer unknown"
                .to_owned(),
        );
    }
    seriousness(r, base, &mut reactions, &mut notes)?;
    let mut entries: Vec<Entry> = Vec::new();
    for (k, d) in objects(patient, "drug", &at)?.into_iter().enumerate() {
        match entry(d, format!("{at}/drug/{k}"))? {
            Ok(e) => entries.push(e),
            Err(why) => unnamed.push(why),
        }
    }
    if !unnamed.is_empty() {
        return Err(format!(
            "{}: a drug or reaction the report does not name cannot be assessed",
            unnamed.join("; ")
        ));
    }
    let (drugs, rechallenges) = drugs(&entries, &reactions, &mut notes);
    let mut case = json!({
        "id": id,
        "source": format!("openFDA drug event report {}", report_id.unwrap_or("without id")),
        "patient": p,
        "drugs": drugs,
        "reactions": reactions,
        "notes": notes,
    });
    if !rechallenges.is_empty() {
        case["rechallenges"] = json!(rechallenges);
    }
    let mut report = json!({});
    // openFDA reporttype: 1 spontaneous, 2 study, 3 other, 4 not available to the sender.
    if let Some(kind) = match field(r, "reporttype", base)? {
        Some("1") => Some("spontaneous"),
        Some("2") => Some("study"),
        Some("3") => Some("other"),
        Some("4") => Some("not-available"),
        _ => None,
    } {
        report["type"] = json!(kind);
    }
    if let Some(summary) = object(patient, "summary", &at)?
        && let Some(text) = field(
            summary,
            "narrativeincludeclinical",
            &format!("{at}/summary"),
        )?
    {
        report["narrative"] = json!(text);
    }
    if report.as_object().is_some_and(|o| !o.is_empty()) {
        case["report"] = report;
    }
    Ok(case)
}

/// openFDA's seriousness flags (`seriousnessdeath` and the others, `1` when
/// met) are given for the report as a whole: they are the reaction's own only
/// when the report has one reaction; otherwise a note names them.
fn seriousness(
    r: &Map<String, Value>,
    base: &str,
    reactions: &mut [Value],
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let mut met = Vec::new();
    for (key, criterion) in [
        ("seriousnessdeath", "death"),
        ("seriousnesslifethreatening", "life-threatening"),
        ("seriousnesshospitalization", "hospitalization"),
        ("seriousnessdisabling", "disability"),
        ("seriousnesscongenitalanomali", "congenital-anomaly"),
        ("seriousnessother", "other-medically-important"),
    ] {
        if field(r, key, base)? == Some("1") {
            met.push(criterion);
        }
    }
    match reactions {
        _ if met.is_empty() => {}
        [only] => only["seriousness"] = json!(met),
        _ => notes.push(format!(
            "openFDA gives the report's seriousness ({}) for the report as a whole, not for one of its {} reactions: no reaction is marked with it",
            met.join(", "),
            reactions.len()
        )),
    }
    Ok(())
}

/// The case's drugs, one per active substance, and the rechallenges their
/// `drugrecurreadministration` gives.
fn drugs(
    entries: &[Entry],
    reactions: &[Value],
    notes: &mut Vec<String>,
) -> (Vec<Value>, Vec<Value>) {
    // Entries of one substance, in the order each substance first appears.
    let mut groups: Vec<Vec<&Entry>> = Vec::new();
    for e in entries {
        match groups
            .iter_mut()
            .find(|g| e.key.is_some() && g[0].key == e.key)
        {
            Some(g) => g.push(e),
            None => groups.push(vec![e]),
        }
    }
    let mut drugs: Vec<Value> = Vec::new();
    let mut rechallenges = Vec::new();
    for group in groups {
        let first = group[0];
        let id = drug_id(&first.name, &drugs);
        let pointers: Vec<&str> = group.iter().map(|e| e.pointer.as_str()).collect();
        let role = ["suspect", "interacting", "concomitant"]
            .into_iter()
            .find(|r| group.iter().any(|e| e.role == *r))
            .unwrap_or("concomitant");
        // The product names as reported, kept beside the pointers: the drug is named by its substance.
        let mut products: Vec<&str> = Vec::new();
        for p in group.iter().filter_map(|e| e.product) {
            if !products.contains(&p) && !p.eq_ignore_ascii_case(&first.name) {
                products.push(p);
            }
        }
        let mut source_ref = pointers.join(" and ");
        if !products.is_empty() {
            source_ref.push_str(&format!(", product {}", products.join(", ")));
        }
        let mut drug = json!({
            "id": id,
            "name": first.name,
            "role": role,
            "source_ref": source_ref,
        });
        if group.len() > 1 {
            notes.push(format!(
                "{} entries of the report ({}) name one active substance: read as one drug, {}, with each entry as one of its exposures",
                group.len(),
                pointers.join(", "),
                first.name
            ));
            let roles: Vec<&str> = group.iter().map(|e| e.role).collect();
            if roles.iter().any(|r| *r != role) {
                notes.push(format!(
                    "the entries of {} give different roles ({}): the drug is read as {role}",
                    first.name,
                    roles.join(", ")
                ));
            }
        }
        let actions: Vec<&str> = group.iter().filter_map(|e| e.action).collect();
        match actions.first() {
            Some(a) if actions.iter().all(|x| x == a) => drug["action_taken"] = json!(a),
            Some(_) => notes.push(format!(
                "the entries of {} give different actions taken ({}): none is used",
                first.name,
                actions.join(", ")
            )),
            None => {}
        }
        let mut indications: Vec<&str> = Vec::new();
        for i in group.iter().filter_map(|e| e.indication) {
            if !indications.contains(&i) {
                indications.push(i);
            }
        }
        if !indications.is_empty() {
            drug["indication"] = json!(indications.join("; "));
        }
        // One exposure per entry that dates it; one undated exposure when none does.
        let dated: Vec<&Value> = group
            .iter()
            .map(|e| &e.exposure)
            .filter(|x| x.as_object().is_some_and(|o| !o.is_empty()))
            .collect();
        drug["exposures"] = if dated.is_empty() {
            json!([{}])
        } else {
            json!(dated)
        };
        let name = &first.name;
        let said = |code: &str| -> Vec<&str> {
            group
                .iter()
                .filter(|e| e.recurrence == Some(code))
                .map(|e| e.pointer.as_str())
                .collect()
        };
        let yes = said("1");
        if !yes.is_empty() {
            // The report does not link the recurrence to a reaction.
            let steps: Vec<Value> = reactions
                .iter()
                .map(|r| json!({"outcome": "recurrence", "reaction": r["id"]}))
                .collect();
            rechallenges.push(json!({"drug": id, "kind": "full-dose", "steps": steps}));
            notes.push(format!("{}: drugrecurreadministration = 1 (yes) is read as a recurrence of every reaction of the report on re-administration of {name}", yes.join(", ")));
        }
        let no = said("2");
        if !no.is_empty() {
            notes.push(format!(
                "{}: drugrecurreadministration = 2 (no) is not read as a negative rechallenge: openFDA cannot tell whether {name} was given again without recurrence or the field was left at its default",
                no.join(", ")
            ));
        }
        drugs.push(drug);
    }
    (drugs, rechallenges)
}
