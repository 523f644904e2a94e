//! The patient of an ICSR (section D): age at onset (D.2.2) in years, body
//! weight (D.3), sex (D.5), relevant medical history (D.7) as conditions, and
//! relevant past drug history (D.8) as earlier exposures of the case's drugs
//! or as previous reactions to other drugs.

use super::super::hl7::{child, e2b_code, hl7, is_hl7};
use super::super::intervals::absolute;
use super::{date, is_organizer, value_text};
use serde_json::{Value, json};

/// The case's `patient` section, adding D.8 entries of the case's own drugs to
/// their `earlier_exposures`. `names` holds, per drug, the names it may be
/// written under (product and substances).
pub(super) fn patient(
    msg: roxmltree::Node,
    drugs: &mut [Value],
    names: &[Vec<String>],
    notes: &mut Vec<String>,
    problems: &mut Vec<String>,
) -> Value {
    let mut p = json!({});
    let Some(role) = msg.descendants().find(|n| is_hl7(n, "primaryRole")) else {
        return p;
    };
    // D.5 sex (ISO 5218: 1 male, 2 female, 0 not known, 9 not applicable); a null flavour says nothing.
    if let Some(code) = child(role, "player1")
        .and_then(|p| child(p, "administrativeGenderCode"))
        .and_then(|g| g.attribute("code"))
    {
        p["sex"] = json!(match code {
            "1" => "male",
            "2" => "female",
            _ => "unknown",
        });
    }
    let observation = |code: &str| {
        hl7(role, "subjectOf2")
            .filter_map(|s| child(s, "observation"))
            .find(|o| e2b_code(*o) == Some(code))
            .and_then(|o| child(o, "value"))
    };
    // D.2.2 age at onset: value and UCUM unit.
    if let Some(v) = observation("3")
        && let Some(value) = v.attribute("value")
    {
        let unit = v.attribute("unit").unwrap_or("a");
        match (value.trim().parse::<f64>().ok(), years(unit)) {
            (Some(n), Some((per_unit, unit_name))) => {
                let age = super::super::openfda::rounded(n * per_unit);
                if (0.0..=130.0).contains(&age) {
                    if unit != "a" {
                        notes.push(format!(
                            "the patient's age (D.2.2) is given as {value} {unit_name}: read as {age} years"
                        ));
                    }
                    p["age"] = json!(age);
                } else {
                    problems.push(format!(
                        "the patient's age (D.2.2) {value} {unit} is not a possible age"
                    ));
                }
            }
            _ => notes.push(format!(
                "the patient's age (D.2.2) `{value}` `{unit}` cannot be read as a number of years, so it is not used"
            )),
        }
    }
    // D.3 body weight, in kilograms.
    if let Some(v) = observation("7")
        && let Some(value) = v.attribute("value")
    {
        let kg = match (value.trim().parse::<f64>().ok(), v.attribute("unit")) {
            (Some(n), Some("kg") | None) => Some(n),
            (Some(n), Some("g")) => Some(n / 1000.0),
            _ => None,
        };
        match kg {
            Some(kg) if (0.0..=700.0).contains(&kg) => p["weight"] = json!(kg),
            Some(_) => problems.push(format!(
                "the patient's weight (D.3) {value} is not a possible weight in kilograms"
            )),
            None => notes.push(format!(
                "the patient's weight (D.3) `{value}` `{}` cannot be read in kilograms, so it is not used",
                v.attribute("unit").unwrap_or_default()
            )),
        }
    }
    let organizer = |code: &str| {
        hl7(role, "subjectOf2")
            .filter_map(|s| child(s, "organizer"))
            .find(|o| is_organizer(*o, code))
    };
    if let Some(history) = organizer("1") {
        let conditions = medical_history(history, notes, problems);
        if !conditions.is_empty() {
            p["conditions"] = json!(conditions);
        }
    }
    if let Some(history) = organizer("2") {
        let previous = drug_history(history, drugs, names, notes, problems);
        if !previous.is_empty() {
            p["previous_reactions"] = json!(previous);
        }
    }
    p
}

/// Years per unit of D.2.2 (UCUM), with the unit's name.
fn years(unit: &str) -> Option<(f64, &'static str)> {
    match unit {
        "a" => Some((1.0, "years")),
        "10.a" => Some((10.0, "decades")),
        "mo" => Some((1.0 / 12.0, "months")),
        "wk" => Some((7.0 / 365.25, "weeks")),
        "d" => Some((1.0 / 365.25, "days")),
        "h" => Some((1.0 / (24.0 * 365.25), "hours")),
        _ => None,
    }
}

/// D.7.1.r: each medical history item a condition (its MedDRA term, start and
/// end at their precision; no end while it continues); family history is not
/// the patient's and is only noted; D.7.2, the history as text, is a note.
fn medical_history(
    history: roxmltree::Node,
    notes: &mut Vec<String>,
    problems: &mut Vec<String>,
) -> Vec<Value> {
    let mut conditions = Vec::new();
    for obs in hl7(history, "component").filter_map(|c| child(c, "observation")) {
        let flag = |relationship: &str, code: &str| {
            hl7(obs, relationship)
                .filter_map(|r| child(r, "observation"))
                .find(|o| e2b_code(*o) == Some(code))
                .and_then(|o| child(o, "value"))
                .and_then(|v| v.attribute("value"))
                == Some("true")
        };
        match e2b_code(obs) {
            // D.7.2: text for relevant medical history and concurrent conditions.
            Some("18") => {
                if let Some(text) = child(obs, "value").and_then(value_text) {
                    notes.push(format!("medical history as written (D.7.2): {text}"));
                }
                continue;
            }
            Some(_) => continue,
            None => {}
        }
        let Some(name) = child(obs, "code").and_then(value_text) else {
            continue;
        };
        if flag("outboundRelationship2", "38") {
            notes.push(format!(
                "medical history {name} is family history (D.7.1.r.6): not read as a condition of the patient"
            ));
            continue;
        }
        let n = conditions.len() + 1;
        let mut c = json!({"id": format!("history-{n}"), "name": name});
        let time = child(obs, "effectiveTime");
        let bound = |which: &str| {
            time.and_then(|t| child(t, which))
                .and_then(|b| b.attribute("value"))
        };
        let onset = date(
            bound("low"),
            &format!("D.7.1.r.2 (start) of medical history {name}"),
            problems,
        );
        let end = date(
            bound("high"),
            &format!("D.7.1.r.4 (end) of medical history {name}"),
            problems,
        );
        if let Some(d) = &onset {
            c["onset"] = json!(d);
        }
        let continuing = flag("inboundRelationship", "13");
        match (end, continuing) {
            (Some(end), true) => notes.push(format!(
                "medical history {name} is continuing (D.7.1.r.3) and ends {end} (D.7.1.r.4): the end is not used"
            )),
            (Some(end), false) => {
                let before = |a: &str, b: &str| {
                    match (absolute(&json!(a)), absolute(&json!(b))) {
                        (Some(a), Some(b)) => b.latest < a.earliest,
                        _ => false,
                    }
                };
                if onset.as_deref().is_some_and(|o| before(o, &end)) {
                    notes.push(format!(
                        "medical history {name} ends ({end}) before it starts: the end is not used"
                    ));
                } else {
                    c["end"] = json!(end);
                }
            }
            (None, _) => {}
        }
        conditions.push(c);
    }
    conditions
}

/// D.8.r: a past drug that is one of the case's drugs becomes an earlier
/// exposure of it (with the reaction it caused, D.8.r.7, if any); any other
/// past drug with a reaction becomes a previous reaction of the patient.
fn drug_history(
    history: roxmltree::Node,
    drugs: &mut [Value],
    names: &[Vec<String>],
    notes: &mut Vec<String>,
    problems: &mut Vec<String>,
) -> Vec<Value> {
    let mut previous = Vec::new();
    for sa in hl7(history, "component").filter_map(|c| child(c, "substanceAdministration")) {
        let Some(name) = child(sa, "consumable")
            .and_then(|c| child(c, "instanceOfKind"))
            .and_then(|i| child(i, "kindOfProduct"))
            .and_then(|k| child(k, "name"))
            .and_then(|n| n.text())
            .map(str::trim)
            .filter(|n| !n.is_empty())
        else {
            continue;
        };
        let time = child(sa, "effectiveTime");
        let bound = |which: &str| {
            time.and_then(|t| child(t, which))
                .and_then(|b| b.attribute("value"))
        };
        let start = date(
            bound("low"),
            &format!("D.8.r.4 (start) of past drug {name}"),
            problems,
        );
        let end = date(
            bound("high"),
            &format!("D.8.r.5 (end) of past drug {name}"),
            problems,
        );
        let reaction = hl7(sa, "outboundRelationship2")
            .filter_map(|r| child(r, "observation"))
            .find(|o| e2b_code(*o) == Some("29"));
        let reaction_term = reaction
            .and_then(|o| child(o, "value"))
            .and_then(value_text);
        let reaction_date = reaction.and_then(|o| {
            let t = child(o, "effectiveTime")?;
            date(
                child(t, "low")
                    .and_then(|l| l.attribute("value"))
                    .or(t.attribute("value")),
                &format!("D.8.r.7 reaction date of past drug {name}"),
                problems,
            )
        });
        let when = match (&start, &end) {
            (Some(a), Some(b)) if a != b => Some(format!("{a}..{b}")),
            (Some(a), _) => Some(a.clone()),
            (None, Some(b)) => Some(b.clone()),
            (None, None) => None,
        };
        let same = |n: &String| n.trim().eq_ignore_ascii_case(name);
        match names.iter().position(|ns| ns.iter().any(same)) {
            Some(k) => {
                let mut earlier = json!({
                    "outcome": if reaction_term.is_some() { "reaction" } else { "unknown" },
                });
                if let Some(term) = &reaction_term {
                    earlier["reaction"] = json!(term);
                }
                if let Some(when) = when {
                    // An earlier exposure comes before those under assessment; a date that does not is left out.
                    let first_start = drugs[k]["exposures"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|e| absolute(&e["start"]))
                        .map(|d| d.earliest)
                        .min();
                    let before = match (absolute(&json!(when)), first_start) {
                        (Some(w), Some(s)) => w.latest < s,
                        (Some(_), None) => true,
                        (None, _) => false,
                    };
                    if before {
                        earlier["when"] = json!(when);
                    } else {
                        notes.push(format!(
                            "past drug {name} (D.8.r, {when}) does not come before the exposures to it under assessment: read as an earlier exposure of unknown date"
                        ));
                    }
                }
                let drug = &mut drugs[k];
                match drug["earlier_exposures"].as_array_mut() {
                    Some(list) => list.push(earlier),
                    None => drug["earlier_exposures"] = json!([earlier]),
                }
            }
            None => match reaction_term {
                Some(term) => {
                    let mut r = json!({"drug": name, "reaction": term});
                    if let Some(d) = reaction_date {
                        r["date"] = json!(d);
                    }
                    previous.push(r);
                }
                None => notes.push(format!(
                    "past drug {name} (D.8.r{}) is given without a reaction: listed here only",
                    when.map(|w| format!(", {w}")).unwrap_or_default()
                )),
            },
        }
    }
    previous
}
