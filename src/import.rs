//! Importers: other formats turned into the case format.
//!
//! openFDA drug-event JSON (`results[]` of `/drug/event`) becomes one case per
//! report. Codes are mapped with openFDA's own code lists (they differ from
//! E2B(R3)'s); every case item keeps a JSON pointer to the element it came
//! from (`source_ref`), and the assumptions the mapping makes are written into
//! the case as notes, which reports show.
//!
//! E2B(R3) ICSRs (HL7 v3 XML) become one case per `PORR_IN049016UV` message:
//! reactions, drugs with their roles, dosage dates (a null flavour stays
//! unknown), action taken, G.k.9.i.4 rechallenges and G.k.9.i.3 intervals,
//! linked through XML ids, and the relatedness assessments the ICSR already
//! holds, kept verbatim. `export` reuses the element helpers and the links.

use crate::time::DayRange;
use serde_json::{Value, json};

/// One imported report: its case (in the case format, as JSON) and where it came from.
pub struct Imported {
    pub pointer: String,
    pub case: Value,
}

/// A readable drug id from its name, numbered when the report lists the same drug twice.
fn drug_id(name: &str, drugs: &[Value]) -> String {
    let slug: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug = if slug.is_empty() {
        "drug".to_owned()
    } else {
        slug
    };
    let numbered = |x: &str| {
        x.strip_prefix(&format!("{slug}-"))
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
    };
    let taken = drugs
        .iter()
        .filter(|d| d["id"].as_str().is_some_and(|x| x == slug || numbered(x)))
        .count();
    if taken == 0 {
        slug
    } else {
        format!("{slug}-{}", taken + 1)
    }
}

/// openFDA date formats: 102 = CCYYMMDD, 610 = CCYYMM, 602 = CCYY.
fn openfda_date(date: Option<&str>, format: Option<&str>) -> Option<String> {
    let d = date?.trim();
    let ok = |n: usize| d.len() == n && d.chars().all(|c| c.is_ascii_digit());
    match format.unwrap_or(match d.len() {
        8 => "102",
        6 => "610",
        _ => "602",
    }) {
        "102" if ok(8) => Some(format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..])),
        "610" if ok(6) => Some(format!("{}-{}", &d[..4], &d[4..])),
        "602" if ok(4) => Some(d.to_owned()),
        _ => None,
    }
}

fn text(v: &Value) -> Option<&str> {
    v.as_str().filter(|s| !s.trim().is_empty())
}

/// Every report of an openFDA drug-event response.
pub fn openfda(doc: &Value) -> Result<Vec<Imported>, String> {
    let results = doc
        .get("results")
        .and_then(Value::as_array)
        .ok_or("no `results` array: not an openFDA drug-event response")?;
    Ok(results
        .iter()
        .enumerate()
        .map(|(i, r)| openfda_report(r, i))
        .collect())
}

fn openfda_report(r: &Value, i: usize) -> Imported {
    let base = format!("/results/{i}");
    let id = text(&r["safetyreportid"])
        .map_or_else(|| format!("openfda-{i}"), |s| format!("openfda-{s}"));
    let mut notes: Vec<String> = Vec::new();
    let patient = &r["patient"];
    let mut p = json!({});
    // Unit 801 is years; other units are left out rather than converted.
    if text(&patient["patientonsetageunit"]) == Some("801")
        && let Some(age) = text(&patient["patientonsetage"]).and_then(|a| a.parse::<f64>().ok())
    {
        p["age"] = json!(age);
    }
    if let Some(sex) = match text(&patient["patientsex"]) {
        Some("1") => Some("male"),
        Some("2") => Some("female"),
        Some(_) => Some("unknown"),
        None => None,
    } {
        p["sex"] = json!(sex);
    }
    let reactions: Vec<Value> = patient["reaction"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .enumerate()
                .map(|(j, x)| {
                    let mut reaction = json!({
                        "id": format!("r{}", j + 1),
                        "term": text(&x["reactionmeddrapt"]).unwrap_or("not given"),
                        "source_ref": format!("{base}/patient/reaction/{j}"),
                    });
                    // openFDA reactionoutcome: 1 recovered, 2 recovering, 3 not recovered, 4 sequelae, 5 fatal, 6 unknown.
                    let outcome = match text(&x["reactionoutcome"]) {
                        Some("1") => Some("recovered"),
                        Some("2") => Some("recovering"),
                        Some("3") => Some("not-recovered"),
                        Some("4") => Some("recovered-with-sequelae"),
                        Some("5") => Some("fatal"),
                        Some("6") => Some("unknown"),
                        _ => None,
                    };
                    if let Some(o) = outcome {
                        reaction["outcome"] = json!(o);
                    }
                    reaction
                })
                .collect()
        })
        .unwrap_or_default();
    if !reactions.is_empty() {
        notes.push(
            "openFDA gives no reaction onset date: findings that need one answer unknown"
                .to_owned(),
        );
    }
    let mut drugs = Vec::new();
    let mut rechallenges = Vec::new();
    for (k, d) in patient["drug"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let pointer = format!("{base}/patient/drug/{k}");
        let name = d["openfda"]["generic_name"]
            .get(0)
            .and_then(text)
            .or_else(|| text(&d["medicinalproduct"]))
            .unwrap_or("not given");
        let role = match text(&d["drugcharacterization"]) {
            Some("1") => "suspect",
            Some("3") => "interacting",
            _ => "concomitant",
        };
        let id = drug_id(name, &drugs);
        let mut drug =
            json!({"id": id, "name": name.to_lowercase(), "role": role, "source_ref": pointer});
        // openFDA actiondrug: 1 withdrawn, 2 reduced, 3 increased, 4 not changed, 5 unknown, 6 not applicable.
        if let Some(a) = match text(&d["actiondrug"]) {
            Some("1") => Some("withdrawn"),
            Some("2") => Some("dose-reduced"),
            Some("3") => Some("dose-increased"),
            Some("4") => Some("dose-not-changed"),
            Some("5") => Some("unknown"),
            Some("6") => Some("not-applicable"),
            _ => None,
        } {
            drug["action_taken"] = json!(a);
        }
        if let Some(ind) = text(&d["drugindication"]) {
            drug["indication"] = json!(ind);
        }
        let start = openfda_date(text(&d["drugstartdate"]), text(&d["drugstartdateformat"]));
        let stop = openfda_date(text(&d["drugenddate"]), text(&d["drugenddateformat"]));
        let mut exposure = json!({});
        if let Some(s) = &start {
            exposure["start"] = json!(s);
        }
        if let Some(s) = &stop {
            exposure["stop"] = json!(s);
        }
        drug["exposures"] = json!([exposure]);
        match text(&d["drugrecurreadministration"]) {
            Some("1") => {
                // The report does not link the recurrence to a reaction.
                let steps: Vec<Value> = reactions.iter().map(|r| json!({"outcome": "recurrence", "reaction": r["id"]})).collect();
                rechallenges.push(json!({"drug": id, "kind": "full-dose", "steps": steps}));
                notes.push(format!("{pointer}/drugrecurreadministration = 1 (yes) is read as a recurrence of every reaction of the report on re-administration of {}", name.to_lowercase()));
            }
            Some("2") => notes.push(format!(
                "{pointer}/drugrecurreadministration = 2 (no) is not read as a negative rechallenge: openFDA cannot tell whether {} was given again without recurrence or the field was left at its default",
                name.to_lowercase()
            )),
            _ => {}
        }
        drugs.push(drug);
    }
    let mut case = json!({
        "id": id,
        "source": format!("openFDA drug event report {}", text(&r["safetyreportid"]).unwrap_or("without id")),
        "patient": p,
        "drugs": drugs,
        "reactions": reactions,
        "notes": notes,
    });
    if !rechallenges.is_empty() {
        case["rechallenges"] = json!(rechallenges);
    }
    Imported {
        pointer: base,
        case,
    }
}

/// What an input file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum InputFormat {
    /// Decide from the content: openFDA JSON, E2B(R3) XML, or else a case file
    #[default]
    Auto,
    /// A case file (YAML, or JSON with the same structure)
    Case,
    /// openFDA drug-event JSON (`results[]` of /drug/event)
    Openfda,
    /// An E2B(R3) ICSR (HL7 v3 XML)
    E2b,
}

/// The cases of one file as (name, case text): the file itself when it is a
/// case file, one per report of an openFDA or E2B(R3) file. `Err` says why
/// the file cannot be read as the format given (or detected).
pub fn cases_of(
    file: &str,
    text: String,
    format: InputFormat,
) -> Result<Vec<(String, String)>, String> {
    let format = match format {
        InputFormat::Auto if is_e2b(&text) => InputFormat::E2b,
        InputFormat::Auto if is_openfda(&text) => InputFormat::Openfda,
        InputFormat::Auto => InputFormat::Case,
        f => f,
    };
    match format {
        InputFormat::E2b => e2b(file, &text),
        InputFormat::Openfda => openfda_cases(file, &text),
        _ => Ok(vec![(file.to_owned(), text)]),
    }
}

/// Whether a file's text is an openFDA drug-event response rather than a case.
pub fn is_openfda(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('{') && t.contains("\"results\"") && t.contains("\"patient\"")
}

/// The cases of an openFDA file as (name, case JSON text), each named `FILE#/results/i`.
pub fn openfda_cases(file: &str, text: &str) -> Result<Vec<(String, String)>, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    Ok(openfda(&doc)?
        .into_iter()
        .map(|i| {
            (
                format!("{file}#{}", i.pointer),
                serde_json::to_string_pretty(&i.case).unwrap_or_default(),
            )
        })
        .collect())
}

pub(crate) const HL7: &str = "urn:hl7-org:v3";
/// The E2B(R3) code system of observation and assessment codes.
pub(crate) const E2B_CODES: &str = "2.16.840.1.113883.3.989.2.1.1.19";

/// Whether a file's text is an E2B(R3) ICSR (HL7 v3 XML).
pub fn is_e2b(text: &str) -> bool {
    let head: String = text.chars().take(4000).collect();
    head.contains(HL7) && (head.contains("MCCI_IN200100UV01") || head.contains("PORR_IN049016UV"))
}

/// Whether a node is the HL7 v3 element `name`.
pub(crate) fn is_hl7(n: &roxmltree::Node, name: &str) -> bool {
    n.is_element() && n.tag_name().name() == name && n.tag_name().namespace() == Some(HL7)
}

/// The HL7 v3 children named `name`.
pub(crate) fn hl7<'a, 'i, 'n>(
    n: roxmltree::Node<'a, 'i>,
    name: &'n str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + use<'a, 'i, 'n> {
    n.children().filter(move |c| is_hl7(c, name))
}

/// The first HL7 v3 child named `name`.
pub(crate) fn child<'a, 'i>(
    n: roxmltree::Node<'a, 'i>,
    name: &str,
) -> Option<roxmltree::Node<'a, 'i>> {
    hl7(n, name).next()
}

/// The E2B code of an observation-like element (`<code code=".." codeSystem="..19"/>`).
pub(crate) fn e2b_code<'a>(n: roxmltree::Node<'a, '_>) -> Option<&'a str> {
    child(n, "code")
        .filter(|c| c.attribute("codeSystem") == Some(E2B_CODES))
        .and_then(|c| c.attribute("code"))
}

fn id_root<'a>(n: roxmltree::Node<'a, '_>) -> Option<&'a str> {
    child(n, "id").and_then(|i| i.attribute("root"))
}

/// An HL7 TS value (`CCYY[MM[DD[hh...]]]`) at the precision it was given; `None` for a null flavour.
fn hl7_date(v: Option<&str>) -> Option<String> {
    let d: String = v?.chars().take_while(char::is_ascii_digit).collect();
    match d.len() {
        4 | 5 => Some(d[..4].to_owned()),
        6 | 7 => Some(format!("{}-{}", &d[..4], &d[4..6])),
        n if n >= 8 => Some(format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..8])),
        _ => None,
    }
}

/// Every ICSR of an E2B(R3) file, one case each.
pub fn e2b(file: &str, text: &str) -> Result<Vec<(String, String)>, String> {
    let doc = roxmltree::Document::parse(text).map_err(|e| format!("not well-formed XML: {e}"))?;
    Ok(e2b_messages(&doc)?
        .iter()
        .enumerate()
        .map(|(m, msg)| {
            let pointer = message_pointer(m);
            (
                format!("{file}#{pointer}"),
                serde_json::to_string_pretty(&e2b_case(*msg, &pointer).0).unwrap_or_default(),
            )
        })
        .collect())
}

/// How reports and notes name the `m`-th message (from 0) of an E2B file.
pub(crate) fn message_pointer(m: usize) -> String {
    format!("PORR_IN049016UV[{}]", m + 1)
}

/// The ICSRs (`PORR_IN049016UV` messages) of an E2B(R3) document, in document order.
pub(crate) fn e2b_messages<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
) -> Result<Vec<roxmltree::Node<'a, 'i>>, String> {
    let root = doc.root_element();
    let messages: Vec<roxmltree::Node> = if root.tag_name().name() == "PORR_IN049016UV" {
        vec![root]
    } else {
        root.descendants()
            .filter(|n| n.is_element() && n.tag_name().name() == "PORR_IN049016UV")
            .collect()
    };
    if messages.is_empty() {
        return Err("no PORR_IN049016UV message: not an E2B(R3) ICSR".to_owned());
    }
    Ok(messages)
}

/// Which XML element ids (`id/@root`) the case's drugs and reactions came from.
#[derive(Debug, Default)]
pub(crate) struct E2bLinks {
    /// (case drug id, G.k substanceAdministration id)
    pub drugs: Vec<(String, String)>,
    /// (XML reaction id, case reaction id)
    pub reactions: Vec<(String, String)>,
}

/// One ICSR as a case (JSON value), with the XML ids its drugs and reactions came from.
pub(crate) fn e2b_case(msg: roxmltree::Node, pointer: &str) -> (Value, E2bLinks) {
    let mut notes = Vec::new();
    let elements = || {
        msg.descendants()
            .filter(|n| n.is_element() && n.tag_name().namespace() == Some(HL7))
    };
    // E.i: reactions (observation with code 29), keyed by their id.
    let mut reaction_ids: Vec<(String, String)> = Vec::new();
    let mut reactions = Vec::new();
    // Only the case's own reactions (under subjectOf2), not those of the drug history.
    let is_reaction = |n: &roxmltree::Node| {
        n.tag_name().name() == "observation"
            && e2b_code(*n) == Some("29")
            && n.parent_element()
                .is_some_and(|p| p.tag_name().name() == "subjectOf2")
    };
    for (j, obs) in elements().filter(is_reaction).enumerate() {
        let id = format!("r{}", j + 1);
        let xml_id = id_root(obs).unwrap_or_default().to_owned();
        reaction_ids.push((xml_id.clone(), id.clone()));
        let related = |code: &str| {
            hl7(obs, "outboundRelationship2")
                .filter_map(|r| child(r, "observation"))
                .find(|o| e2b_code(*o) == Some(code))
        };
        let value = child(obs, "value");
        let term = value
            .and_then(|v| child(v, "originalText"))
            .and_then(|t| t.text())
            .or_else(|| {
                related("30")
                    .and_then(|o| child(o, "value"))
                    .and_then(|v| v.text())
            })
            .map(|t| t.trim().to_owned())
            .or_else(|| {
                value
                    .and_then(|v| v.attribute("code"))
                    .map(|c| format!("MedDRA {c}"))
            })
            .unwrap_or_else(|| "not given".to_owned());
        let mut r = json!({"id": id, "term": term, "source_ref": format!("{pointer} E.i reaction id {xml_id}")});
        if let Some(code) = value.and_then(|v| v.attribute("code")) {
            r["meddra_code"] = json!(code);
        }
        if let Some(time) = child(obs, "effectiveTime") {
            if let Some(d) = hl7_date(
                child(time, "low")
                    .and_then(|l| l.attribute("value"))
                    .or(time.attribute("value")),
            ) {
                r["onset"] = json!(d);
            }
            if let Some(d) = hl7_date(child(time, "high").and_then(|l| l.attribute("value"))) {
                r["end"] = json!(d);
            }
        }
        // E.i.7 outcome: 1 recovered, 2 recovering, 3 not recovered, 4 sequelae, 5 fatal, 0 unknown.
        if let Some(o) = related("27")
            .and_then(|o| child(o, "value"))
            .and_then(|v| v.attribute("code"))
        {
            let outcome = match o {
                "1" => "recovered",
                "2" => "recovering",
                "3" => "not-recovered",
                "4" => "recovered-with-sequelae",
                "5" => "fatal",
                _ => "unknown",
            };
            r["outcome"] = json!(outcome);
        }
        reactions.push(r);
    }
    // Links by id need ids that name one reaction: an empty or repeated id links nothing.
    usable_ids(&mut reaction_ids, "reaction", &mut notes);
    let reaction_of = |xml_id: &str| {
        reaction_ids
            .iter()
            .find(|(x, _)| x == xml_id)
            .map(|(_, id)| id.clone())
    };
    // G.k.1 roles, by product id.
    let mut roles: Vec<(String, &str)> = Vec::new();
    for ca in elements()
        .filter(|n| n.tag_name().name() == "causalityAssessment" && e2b_code(*n) == Some("20"))
    {
        let role = match child(ca, "value").and_then(|v| v.attribute("code")) {
            Some("1") => "suspect",
            Some("3") => "interacting",
            Some("4") => "not-administered",
            _ => "concomitant",
        };
        if let Some(pid) = child(ca, "subject2")
            .and_then(|s| child(s, "productUseReference"))
            .and_then(id_root)
            .filter(|p| !p.is_empty())
        {
            roles.push((pid.to_owned(), role));
        }
    }
    // G.k: drugs, the substanceAdministrations of the drugInformation organizer (code 4 of the .20 system).
    let mut drugs = Vec::new();
    let mut rechallenges = Vec::new();
    let mut drug_ids: Vec<(String, String)> = Vec::new();
    let mut intervals = Vec::new();
    let organizers = elements().filter(|n| {
        n.tag_name().name() == "organizer"
            && child(*n, "code").is_some_and(|c| {
                c.attribute("code") == Some("4")
                    && c.attribute("codeSystem") == Some("2.16.840.1.113883.3.989.2.1.1.20")
            })
    });
    for org in organizers {
        for sa in hl7(org, "component").filter_map(|c| child(c, "substanceAdministration")) {
            let xml_id = id_root(sa).unwrap_or_default().to_owned();
            let name = child(sa, "consumable")
                .and_then(|c| child(c, "instanceOfKind"))
                .and_then(|i| child(i, "kindOfProduct"))
                .and_then(|k| child(k, "name"))
                .and_then(|n| n.text())
                .unwrap_or("not given")
                .trim()
                .to_owned();
            let id = drug_id(&name, &drugs);
            drug_ids.push((xml_id.clone(), id.clone()));
            let role = roles
                .iter()
                .find(|(p, _)| *p == xml_id)
                .map_or("concomitant", |r| r.1);
            let mut drug = json!({"id": id, "name": name, "role": role, "source_ref": format!("{pointer} G.k substanceAdministration id {xml_id}")});
            // G.k.4.r dosages: their effectiveTime (IVL_TS low/high; a nullFlavor stays unknown).
            let mut exposures = Vec::new();
            for dose in
                hl7(sa, "outboundRelationship2").filter_map(|r| child(r, "substanceAdministration"))
            {
                let mut e = json!({});
                if let Some(time) = child(dose, "effectiveTime") {
                    let low = child(time, "low")
                        .or_else(|| child(time, "comp").and_then(|c| child(c, "low")));
                    let high = child(time, "high")
                        .or_else(|| child(time, "comp").and_then(|c| child(c, "high")));
                    if let Some(d) = hl7_date(low.and_then(|l| l.attribute("value"))) {
                        e["start"] = json!(d);
                    }
                    if let Some(d) = hl7_date(high.and_then(|h| h.attribute("value"))) {
                        e["stop"] = json!(d);
                    }
                }
                exposures.push(e);
            }
            if exposures.is_empty() {
                exposures.push(json!({}));
            }
            drug["exposures"] = json!(exposures);
            // G.k.8 action taken, R3 codes: 1 withdrawn, 2 reduced, 3 increased, 4 not changed, 0 unknown, 9 not applicable.
            let action = hl7(sa, "inboundRelationship")
                .filter(|r| r.attribute("typeCode") == Some("CAUS"))
                .filter_map(|r| child(r, "act"))
                .find_map(|a| child(a, "code").and_then(|c| c.attribute("code")));
            if let Some(a) = action {
                let a = match a {
                    "1" => "withdrawn",
                    "2" => "dose-reduced",
                    "3" => "dose-increased",
                    "4" => "dose-not-changed",
                    "9" => "not-applicable",
                    _ => "unknown",
                };
                drug["action_taken"] = json!(a);
            }
            // G.k.9.i.4 per reaction, linked by the reaction's id: 1 recurred, 2 did not recur, 3 outcome unknown, 4 not rechallenged.
            let mut episodes = Vec::new();
            for obs in hl7(sa, "outboundRelationship2")
                .filter_map(|r| child(r, "observation"))
                .filter(|o| e2b_code(*o) == Some("31"))
            {
                let linked = child(obs, "outboundRelationship1")
                    .and_then(|r| child(r, "actReference"))
                    .and_then(id_root)
                    .and_then(reaction_of);
                let code = child(obs, "value").and_then(|v| v.attribute("code"));
                let step = match (code, linked) {
                    (Some("1"), Some(r)) => Some(json!({"outcome": "recurrence", "reaction": r})),
                    (Some("2"), Some(r)) => Some(json!({"outcome": "tolerated", "reaction": r})),
                    (Some("3"), Some(r)) => Some(json!({"outcome": "unknown", "reaction": r})),
                    _ => None,
                };
                if let Some(step) = step {
                    episodes.push(json!({"drug": id, "kind": "full-dose", "steps": [step]}));
                }
            }
            if !episodes.is_empty() {
                notes.push(format!("G.k.9.i.4 for {name} is read as one full-dose re-administration per reaction it names"));
                rechallenges.extend(episodes);
            }
            // G.k.9.i.3.1 (typeCode SAS: from the drug's start) and G.k.9.i.3.2 (SAE: from its last dose) to the reaction's start.
            for rel in hl7(sa, "outboundRelationship1") {
                let from_last_dose = match rel.attribute("typeCode") {
                    Some("SAS") => false,
                    Some("SAE") => true,
                    _ => continue,
                };
                let Some(q) = child(rel, "pauseQuantity") else {
                    continue;
                };
                let reaction = child(rel, "actReference")
                    .and_then(id_root)
                    .and_then(reaction_of);
                let which = if from_last_dose { "3.2" } else { "3.1" };
                match (q.attribute("value"), reaction) {
                    (Some(value), Some(reaction)) => intervals.push(Interval {
                        drug: drugs.len(),
                        reaction,
                        from_last_dose,
                        value: value.to_owned(),
                        unit: q.attribute("unit").unwrap_or("d").to_owned(),
                    }),
                    (None, _) => notes.push(format!(
                        "G.k.9.i.{which} of {name} gives no value, so it is not used"
                    )),
                    (Some(_), None) => notes.push(format!(
                        "G.k.9.i.{which} of {name} names no reaction of the report by a usable id, so it is not used"
                    )),
                }
            }
            drugs.push(drug);
        }
    }
    usable_ids(&mut drug_ids, "drug", &mut notes);
    apply_intervals(&intervals, &mut drugs, &mut reactions, &mut notes);
    // G.k.9.i.2.r: existing relatedness assessments, kept verbatim and never mapped onto ours.
    let mut reported = Vec::new();
    for ca in elements()
        .filter(|n| n.tag_name().name() == "causalityAssessment" && e2b_code(*n) == Some("39"))
    {
        let r = relatedness(ca);
        let mut x = json!({
            "result": if r.result.is_empty() { "not given" } else { &r.result },
            "source_ref": format!("{pointer} G.k.9.i.2.r causalityAssessment of reaction {} and drug {}", r.reaction, r.drug),
        });
        if let Some(drug) = drug_ids.iter().find(|(x, _)| *x == r.drug) {
            x["drug"] = json!(drug.1);
        }
        if let Some(reaction) = reaction_of(&r.reaction) {
            x["reaction"] = json!(reaction);
        }
        for (key, value) in [("source", &r.source), ("method", &r.method)] {
            if !value.is_empty() {
                x[key] = json!(value);
            }
        }
        reported.push(x);
    }
    let id = elements()
        .find(|n| {
            n.tag_name().name() == "id"
                && n.attribute("root") == Some("2.16.840.1.113883.3.989.2.1.3.1")
        })
        .and_then(|n| n.attribute("extension"))
        .map_or_else(|| pointer.to_owned(), str::to_owned);
    let mut case = json!({
        "id": format!("e2b-{}", id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect::<String>()),
        "source": format!("E2B(R3) ICSR {id}"),
        "drugs": drugs,
        "reactions": reactions,
        "notes": notes,
    });
    if !rechallenges.is_empty() {
        case["rechallenges"] = json!(rechallenges);
    }
    if !reported.is_empty() {
        case["reported_assessments"] = json!(reported);
    }
    let links = E2bLinks {
        drugs: drug_ids.into_iter().map(|(x, id)| (id, x)).collect(),
        reactions: reaction_ids,
    };
    (case, links)
}

/// Drops the (XML id, case id) links whose XML id is empty or given to more
/// than one element, with a note for each repeated id: such an id cannot say
/// which element another part of the report means.
fn usable_ids(links: &mut Vec<(String, String)>, what: &str, notes: &mut Vec<String>) {
    let repeated: Vec<String> = links
        .iter()
        .filter(|(x, _)| !x.is_empty() && links.iter().filter(|(y, _)| y == x).count() > 1)
        .map(|(x, _)| x.clone())
        .collect();
    let mut noted: Vec<&String> = Vec::new();
    for x in &repeated {
        if !noted.contains(&x) {
            let ids: Vec<&str> = links
                .iter()
                .filter(|(y, _)| y == x)
                .map(|(_, id)| id.as_str())
                .collect();
            notes.push(format!(
                "{what} id {x} is given to {}: what the report links to it (assessments, intervals, rechallenges) is not used",
                ids.join(" and ")
            ));
            noted.push(x);
        }
    }
    links.retain(|(x, _)| !x.is_empty() && !repeated.contains(x));
}

/// A G.k.9.i.2.r relatedness assessment as written, with the XML ids
/// (`id/@root`) of the reaction and the drug it is about; empty when not given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Relatedness {
    pub source: String,
    pub method: String,
    pub result: String,
    pub reaction: String,
    pub drug: String,
}

/// Reads a `causalityAssessment` (code 39): source (.r.1), method (.r.2) and
/// result (.r.3) as free text, or a coded value's display name or code.
pub(crate) fn relatedness(ca: roxmltree::Node) -> Relatedness {
    let text = |n: Option<roxmltree::Node>| {
        n.and_then(|n| {
            n.text()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .or_else(|| child(n, "originalText").and_then(|t| t.text()))
                .or(n.attribute("displayName"))
                .or(n.attribute("code"))
        })
        .unwrap_or_default()
        .trim()
        .to_owned()
    };
    let id = |subject: &str, reference: &str| {
        child(ca, subject)
            .and_then(|s| child(s, reference))
            .and_then(id_root)
            .unwrap_or_default()
            .to_owned()
    };
    Relatedness {
        source: text(
            child(ca, "author")
                .and_then(|a| child(a, "assignedEntity"))
                .and_then(|e| child(e, "code")),
        ),
        method: text(child(ca, "methodCode")),
        result: text(child(ca, "value")),
        reaction: id("subject1", "adverseEffectReference"),
        drug: id("subject2", "productUseReference"),
    }
}

/// A G.k.9.i.3 interval: from a drug's start (or its last dose) to a reaction's start.
struct Interval {
    /// Index of the drug in the case's drug list.
    drug: usize,
    /// The reaction's case id.
    reaction: String,
    from_last_dose: bool,
    value: String,
    /// UCUM unit as given: `a`, `mo`, `wk`, `d`, `h`, `min`, `s`.
    unit: String,
}

/// The whole calendar days an interval of `value` `unit` may span: an
/// interval under a day may cross midnight, months and years vary in length.
fn interval_days(value: &str, unit: &str) -> Option<(i64, i64)> {
    let v: f64 = value.trim().parse().ok()?;
    if !(0.0..=36_600.0 * 24.0 * 3600.0).contains(&v) {
        return None;
    }
    let exact = |days: f64| -> (i64, i64) {
        if days.fract() == 0.0 {
            (days as i64, days as i64)
        } else {
            (days.floor() as i64, days.floor() as i64 + 1)
        }
    };
    let span = match unit {
        "d" => exact(v),
        "wk" => exact(v * 7.0),
        "h" => exact(v / 24.0),
        "min" => exact(v / 1440.0),
        "s" => exact(v / 86_400.0),
        "mo" => ((v * 28.0).floor() as i64, (v * 31.0).ceil() as i64),
        "a" => ((v * 365.0).floor() as i64, (v * 366.0).ceil() as i64),
        _ => return None,
    };
    (span.1 <= 36_600).then_some(span)
}

fn days_text((min, max): (i64, i64)) -> String {
    if min == max && min == 1 {
        "1 day".to_owned()
    } else if min == max {
        format!("{min} days")
    } else {
        format!("{min}-{max} days")
    }
}

/// The days a time written by an importer may be: a date at its precision.
fn absolute(v: &Value) -> Option<DayRange> {
    match crate::time::parse_time(v.as_str()?) {
        Ok(crate::time::TimeExpr::Absolute(r)) => Some(r),
        _ => None,
    }
}

/// What the dates of a drug's exposures are, as given or as derived here.
#[derive(Default, Clone)]
struct ExposureDays {
    start: Option<DayRange>,
    stop: Option<DayRange>,
}

/// Uses G.k.9.i.3 intervals to date what the report leaves undated: a
/// reaction's onset from a dated drug start (or last dose), or a drug's start
/// (or last dose) from a dated reaction. Dates given in the report always win,
/// and a derived time that cannot fit them (an onset after the reaction's end,
/// a start after the drug's stop) is set aside; every interval used or set
/// aside is named in the notes. Drug times are only derived from reactions
/// dated in the report, so no two times refer to each other.
fn apply_intervals(
    intervals: &[Interval],
    drugs: &mut [Value],
    reactions: &mut [Value],
    notes: &mut Vec<String>,
) {
    let field = |from_last_dose: bool| if from_last_dose { "stop" } else { "start" };
    // Every exposure's days, as the report gives them; derived ones are added as they are set.
    let mut days: Vec<Vec<ExposureDays>> = drugs
        .iter()
        .map(|d| {
            d["exposures"]
                .as_array()
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|e| ExposureDays {
                    start: absolute(&e["start"]),
                    stop: absolute(&e["stop"]),
                })
                .collect()
        })
        .collect();
    let onset_in_report: Vec<(String, DayRange)> = reactions
        .iter()
        .filter_map(|r| Some((r["id"].as_str()?.to_owned(), absolute(&r["onset"])?)))
        .collect();
    let onset_of = |id: &str| {
        onset_in_report
            .iter()
            .find(|(r, _)| r == id)
            .map(|(_, d)| *d)
    };
    // A drug's start is its earliest exposure start; its end, the latest stop once every exposure has one.
    let drug_days = |exposures: &[ExposureDays], from_last_dose: bool| -> Option<DayRange> {
        if from_last_dose {
            let stops: Option<Vec<DayRange>> = exposures.iter().map(|e| e.stop).collect();
            stops?.into_iter().reduce(|a, b| DayRange {
                earliest: a.earliest.max(b.earliest),
                latest: a.latest.max(b.latest),
            })
        } else {
            exposures
                .iter()
                .filter_map(|e| e.start)
                .reduce(|a, b| DayRange {
                    earliest: a.earliest.min(b.earliest),
                    latest: a.latest.min(b.latest),
                })
        }
    };
    let describe = |i: &Interval, drug: &Value| {
        format!(
            "G.k.9.i.3.{} gives {} {} from the {} of {} to {}",
            if i.from_last_dose { 2 } else { 1 },
            i.value,
            i.unit,
            if i.from_last_dose {
                "last dose"
            } else {
                "start"
            },
            drug["name"].as_str().unwrap_or("the drug"),
            i.reaction
        )
    };
    let mut pending = Vec::new();
    // First the drugs' dates, from reactions the report dates.
    for i in intervals {
        let Some(drug) = drugs.get_mut(i.drug) else {
            continue;
        };
        let what = describe(i, drug);
        let Some(span) = interval_days(&i.value, &i.unit) else {
            notes.push(format!(
                "{what}: the unit or value cannot be read, so it is not used"
            ));
            continue;
        };
        if drug_days(&days[i.drug], i.from_last_dose).is_some() {
            pending.push((i, span));
            continue;
        }
        let Some(onset) = onset_of(&i.reaction) else {
            pending.push((i, span));
            continue;
        };
        let count = days[i.drug].len();
        let target = match i.from_last_dose {
            false if count > 0 => Some(0),
            true if count == 1 => Some(0),
            _ => None,
        };
        let Some(e) = target else {
            notes.push(format!(
                "{what}: the drug has several dosages, so the interval cannot say which one it counts from"
            ));
            continue;
        };
        let Some(derived) = onset.shift(crate::time::DaySpan {
            min: -span.1,
            max: -span.0,
        }) else {
            notes.push(format!(
                "{what}: it reaches outside the calendar, so it is not used"
            ));
            continue;
        };
        let other = &days[i.drug][e];
        let conflict = if i.from_last_dose {
            other.start.is_some_and(|s| derived.latest < s.earliest)
        } else {
            other.stop.is_some_and(|s| s.latest < derived.earliest)
        };
        if conflict {
            notes.push(format!(
                "{what}: that would put the drug's {} at {derived}, which the dosage's other date rules out, so it is not used",
                if i.from_last_dose { "last dose" } else { "start" }
            ));
            continue;
        }
        if let Some(exposure) = drug["exposures"].get_mut(e) {
            exposure[field(i.from_last_dose)] =
                json!(format!("{} before {}", days_text(span), i.reaction));
        }
        if i.from_last_dose {
            days[i.drug][e].stop = Some(derived);
        } else {
            days[i.drug][e].start = Some(derived);
        }
        notes.push(format!(
            "{what}: the drug's {} is counted back from the reaction",
            if i.from_last_dose {
                "last dose"
            } else {
                "start"
            }
        ));
    }
    // Then the reactions' onsets, from drugs now dated.
    let mut dated_by_interval: Vec<String> = Vec::new();
    for (i, span) in pending {
        let drug = &drugs[i.drug];
        let what = describe(i, drug);
        let Some(reaction) = reactions
            .iter_mut()
            .find(|r| r["id"].as_str() == Some(i.reaction.as_str()))
        else {
            continue;
        };
        if reaction.get("onset").is_some() {
            let why = if dated_by_interval.contains(&i.reaction) {
                "another interval already dates the reaction"
            } else {
                "the report's dates are used"
            };
            notes.push(format!("{what}: {why}"));
            continue;
        }
        let Some(anchor_days) = drug_days(&days[i.drug], i.from_last_dose) else {
            notes.push(format!(
                "{what}: neither is dated in the report, so it dates nothing"
            ));
            continue;
        };
        let Some(onset) = anchor_days.shift(crate::time::DaySpan {
            min: span.0,
            max: span.1,
        }) else {
            notes.push(format!(
                "{what}: it reaches outside the calendar, so it is not used"
            ));
            continue;
        };
        if absolute(&reaction["end"]).is_some_and(|end| end.latest < onset.earliest) {
            notes.push(format!(
                "{what}: that would put the onset at {onset}, after the reaction's end, so it is not used"
            ));
            continue;
        }
        let anchor = drug["id"].as_str().unwrap_or_default();
        let anchor = if i.from_last_dose {
            format!("{anchor}.end")
        } else {
            anchor.to_owned()
        };
        reaction["onset"] = json!(format!("{} after {anchor}", days_text(span)));
        notes.push(format!(
            "{what}: the reaction's onset is counted from the drug"
        ));
        dated_by_interval.push(i.reaction.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_become_whole_day_spans() {
        assert_eq!(interval_days("10", "d"), Some((10, 10)));
        assert_eq!(interval_days("2", "wk"), Some((14, 14)));
        // Under a day: the same day or, across midnight, the next.
        assert_eq!(interval_days("10", "min"), Some((0, 1)));
        assert_eq!(interval_days("36", "h"), Some((1, 2)));
        assert_eq!(interval_days("0", "h"), Some((0, 0)));
        // Months and years vary in length.
        assert_eq!(interval_days("2", "mo"), Some((56, 62)));
        assert_eq!(interval_days("1", "a"), Some((365, 366)));
        for (value, unit) in [
            ("ten", "d"),
            ("-1", "d"),
            ("3", "fortnight"),
            ("1e9", "a"),
            ("NaN", "d"),
        ] {
            assert_eq!(interval_days(value, unit), None, "{value} {unit}");
        }
    }

    fn interval(drug: usize, reaction: &str, from_last_dose: bool, value: &str) -> Interval {
        Interval {
            drug,
            reaction: reaction.to_owned(),
            from_last_dose,
            value: value.to_owned(),
            unit: "d".to_owned(),
        }
    }

    #[test]
    fn report_dates_win_and_derived_times_never_refer_to_each_other() {
        let mut drugs = vec![
            json!({"id": "a", "name": "A", "exposures": [{"start": "2020-01-01", "stop": "2020-01-20"}]}),
            json!({"id": "b", "name": "B", "exposures": [{}]}),
        ];
        let mut reactions = vec![
            json!({"id": "r1", "onset": "2020-01-15"}),
            json!({"id": "r2"}),
            json!({"id": "r3"}),
        ];
        let mut notes = Vec::new();
        apply_intervals(
            &[
                interval(0, "r1", false, "3"), // both dated: the report's dates stand
                interval(0, "r2", true, "2"),  // r2 from A's last dose
                interval(1, "r1", false, "5"), // B's start from r1
                interval(1, "r3", false, "1"), // r3 from B's derived start
                interval(1, "r2", false, "9"), // r2 is already dated by an interval
            ],
            &mut drugs,
            &mut reactions,
            &mut notes,
        );
        assert_eq!(drugs[0]["exposures"][0]["start"], "2020-01-01");
        assert_eq!(reactions[0]["onset"], "2020-01-15");
        assert_eq!(reactions[1]["onset"], "2 days after a.end");
        assert_eq!(drugs[1]["exposures"][0]["start"], "5 days before r1");
        assert_eq!(reactions[2]["onset"], "1 day after b");
        assert_eq!(notes.len(), 5, "{notes:?}");
        assert!(
            notes
                .iter()
                .any(|n| n.contains("3 d from the start of A to r1: the report's dates are used")),
            "{notes:?}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.contains("another interval already dates"))
        );
    }
}
