//! openFDA drug-event JSON (`results[]` of `/drug/event`): one case per
//! report, mapped with openFDA's own code lists, every item keeping the JSON
//! pointer it came from and every assumption written as a case note.

use super::{Imported, drug_id, text};
use serde_json::{Value, json};

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
