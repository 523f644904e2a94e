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
                // `+ 0.0` writes an age of -0 as 0.
                let age = super::super::openfda::rounded(n * per_unit) + 0.0;
                if n >= 0.0 && (0.0..=130.0).contains(&age) {
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
/// exposure of it (with the reaction it caused, D.8.r.7, if any), unless its
/// dates do not surely come before the exposures assessed (then it is only
/// noted); any other past drug with a reaction becomes a previous reaction of
/// the patient.
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
                // A dated entry of a drug under assessment may be the very course
                // assessed, listed again with the reaction assessed: it is an
                // earlier exposure only when its dates surely come before that course.
                if let Some(why) = not_surely_earlier(&drugs[k], &when, &reaction_date) {
                    let dates = [
                        when.clone(),
                        reaction_date.as_ref().map(|d| format!("reaction {d}")),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ");
                    let reaction = reaction_term
                        .as_ref()
                        .map(|t| format!(" with {t}"))
                        .unwrap_or_default();
                    notes.push(format!(
                        "past drug {name}{reaction} (D.8.r, {dates}) {why}: it may be the course under assessment, so it is listed here only, not read as an earlier exposure or a previous reaction"
                    ));
                    continue;
                }
                let mut earlier = json!({
                    "outcome": if reaction_term.is_some() { "reaction" } else { "unknown" },
                });
                if let Some(term) = &reaction_term {
                    earlier["reaction"] = json!(term);
                }
                if let Some(when) = when {
                    earlier["when"] = json!(when);
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

/// Why a dated D.8.r entry of a case drug cannot be placed before the drug's
/// exposures in the report, or `None` when every date it gives (the course,
/// the reaction) comes before the first of them. An undated entry is taken as
/// D.8 defines it, the patient's past: nothing in the report says otherwise.
fn not_surely_earlier(
    drug: &Value,
    when: &Option<String>,
    reaction_date: &Option<String>,
) -> Option<String> {
    let given: Vec<&String> = when.iter().chain(reaction_date.iter()).collect();
    if given.is_empty() {
        return None;
    }
    let first_start = drug["exposures"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| absolute(&e["start"]))
        .map(|d| d.earliest)
        .min();
    let Some(first_start) = first_start else {
        return Some(
            "cannot be placed before the exposure to it under assessment, whose start the report does not date"
                .to_owned(),
        );
    };
    let before = given
        .iter()
        .all(|d| absolute(&json!(d)).is_some_and(|d| d.latest < first_start));
    (!before).then(|| {
        format!("does not come before the exposure to it under assessment (started {first_start})")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(d: &str) -> Option<String> {
        Some(d.to_owned())
    }

    #[test]
    fn a_past_drug_is_earlier_only_when_every_date_it_gives_comes_before_the_course() {
        let dated = json!({"exposures": [{"start": "2020-01-10"}, {"start": "2019-12"}]});
        // Before the first start (the month 2019-12 may begin on the 1st).
        assert_eq!(
            not_surely_earlier(&dated, &date("2019-06-01..2019-06-10"), &None),
            None
        );
        assert_eq!(not_surely_earlier(&dated, &None, &date("2019-11-30")), None);
        // The same course, or a reaction dated within it.
        for (when, reaction) in [
            (date("2020-01-10..2020-01-12"), None),
            (date("2019-11"), date("2020-01-12")),
            (None, date("2019-12-15")),
            (date("2019"), None),
        ] {
            assert!(
                not_surely_earlier(&dated, &when, &reaction)
                    .is_some_and(|why| why.starts_with("does not come before")),
                "{when:?} {reaction:?}"
            );
        }
        // A course the report does not date (or dates only by an interval) cannot be compared.
        for undated in [
            json!({"exposures": [{}]}),
            json!({"exposures": [{"start": "10 days before r1"}]}),
        ] {
            assert!(
                not_surely_earlier(&undated, &date("2019-06-01"), &None)
                    .is_some_and(|why| why.contains("does not date")),
            );
        }
        // An undated entry is the past D.8 says it is.
        assert_eq!(not_surely_earlier(&dated, &None, &None), None);
    }
}
