//! E2B(R3) ICSRs (HL7 v3 XML): one case per `PORR_IN049016UV` message, with
//! what causality needs. The case is the report's C.1.1 (its worldwide id
//! C.1.8.1, type C.1.3, narrative and comments H.1 to H.4 in `report`); the
//! patient (age D.2.2 in years, weight D.3, sex D.5, medical history D.7 as
//! conditions, past drugs D.8 as earlier exposures or previous reactions); the
//! reactions (E.i: term, MedDRA code, dates, seriousness E.i.3.2, outcome
//! E.i.7); the drugs (G.k: roles, G.k.2.3 active substances as the name the
//! knowledge base is asked about, dosage dates with null flavours left
//! unknown, action taken, G.k.9.i.4 rechallenges and G.k.9.i.3 intervals,
//! linked through XML ids); and the relatedness assessments it already holds,
//! kept verbatim. A date the calendar does not have refuses the ICSR.

mod patient;
mod report;

use super::drug_id;
use super::hl7::{HL7, child, e2b_code, hl7, hl7_date, id_root, relatedness};
use super::intervals::{Interval, apply_intervals};
use crate::diagnostic::Diagnostic;
use serde_json::{Value, json};

/// Every ICSR of an E2B(R3) file, one case each, or refused with the reason.
pub fn e2b(file: &str, text: &str) -> Result<Vec<super::Report>, Box<Diagnostic>> {
    if !super::looks_like_xml(text) && !super::is_e2b(text) {
        return Err(Box::new(crate::diagnostic::xml::not_xml(file, text)));
    }
    let doc = roxmltree::Document::parse(text)
        .map_err(|e| Box::new(crate::diagnostic::xml::not_well_formed(file, text, &e)))?;
    let messages = e2b_messages(&doc).map_err(|_| {
        Box::new(crate::diagnostic::xml::not_e2b(
            file,
            text,
            doc.root_element(),
        ))
    })?;
    Ok(messages
        .iter()
        .enumerate()
        .map(|(m, msg)| {
            let pointer = message_pointer(m);
            let position = format!("{file}#{pointer}");
            match e2b_case(*msg, &pointer) {
                Ok((case, _)) => Ok((
                    position,
                    serde_json::to_string_pretty(&case).unwrap_or_default(),
                )),
                Err(reason) => Err(super::Refused { position, reason }),
            }
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
    // Only in HL7 v3's namespace: an element of the same name elsewhere is not an ICSR.
    let messages: Vec<roxmltree::Node> = root
        .descendants()
        .filter(|n| super::hl7::is_hl7(n, "PORR_IN049016UV"))
        .collect();
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
    /// Why a drug or reaction of the case has no usable XML id: (case id, why).
    pub unusable: Vec<(String, String)>,
}

/// A date of the ICSR at its precision, checked as the case reader will
/// check it: a null flavour or no value is `None`, a value the calendar does
/// not have (`20181399`) is recorded in `problems` and left out.
pub(super) fn date(v: Option<&str>, what: &str, problems: &mut Vec<String>) -> Option<String> {
    let written = hl7_date(v)?;
    match super::checked_date(written, what, v.unwrap_or_default()) {
        Ok(d) => Some(d),
        Err(why) => {
            problems.push(why);
            None
        }
    }
}

/// The text of a coded or free-text value: its original text, its text, its
/// display name, or `MedDRA CODE` for a MedDRA code alone.
pub(super) fn value_text(v: roxmltree::Node) -> Option<String> {
    child(v, "originalText")
        .and_then(|t| t.text())
        .or_else(|| v.text())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .or(v.attribute("displayName"))
        .map(str::to_owned)
        .or_else(|| v.attribute("code").map(|c| format!("MedDRA {c}")))
}

/// One ICSR as a case (JSON value), with the XML ids its drugs and reactions
/// came from; `Err` says why the ICSR cannot be read as a case.
pub(crate) fn e2b_case(msg: roxmltree::Node, pointer: &str) -> Result<(Value, E2bLinks), String> {
    let mut notes = Vec::new();
    let mut problems = Vec::new();
    let elements = || {
        msg.descendants()
            .filter(|n| n.is_element() && n.tag_name().namespace() == Some(HL7))
    };
    let (mut reactions, mut reaction_ids) = reactions(msg, pointer, &mut problems);
    // Links by id need ids that name one reaction: an empty or repeated id links nothing.
    let mut unusable = usable_ids(&mut reaction_ids, "reaction", &mut notes);
    let reaction_of = |xml_id: &str| {
        reaction_ids
            .iter()
            .find(|(x, _)| x == xml_id)
            .map(|(_, id)| id.clone())
    };
    // G.k.1 roles, by product id: 1 suspect, 2 concomitant, 3 interacting, 4 drug not administered.
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
    // The names each drug may be written under elsewhere in the report (D.8): product and substances.
    let mut drug_names: Vec<Vec<String>> = Vec::new();
    let mut kb_names: Vec<String> = Vec::new();
    let mut intervals = Vec::new();
    let organizers = elements().filter(|n| is_organizer(*n, "4"));
    for org in organizers {
        for sa in hl7(org, "component").filter_map(|c| child(c, "substanceAdministration")) {
            let xml_id = id_root(sa).unwrap_or_default().to_owned();
            let product = child(sa, "consumable")
                .and_then(|c| child(c, "instanceOfKind"))
                .and_then(|i| child(i, "kindOfProduct"));
            // G.k.2.2, the product name as reported; G.k.2.3.r.1, its active substances.
            let product_name = product
                .and_then(|k| child(k, "name"))
                .and_then(|n| n.text())
                .map(str::trim)
                .filter(|n| !n.is_empty());
            let substances: Vec<&str> = product
                .iter()
                .flat_map(|k| hl7(*k, "ingredient"))
                .filter_map(|i| child(i, "ingredientSubstance"))
                .filter_map(|s| child(s, "name"))
                .filter_map(|n| n.text())
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .collect();
            let label = product_name
                .map(str::to_owned)
                .unwrap_or_else(|| substances.join(" + "));
            let label = if label.is_empty() {
                "not given".to_owned()
            } else {
                label
            };
            // The knowledge base is asked about the substances; the id and the reader keep the product's name.
            let name = if substances.is_empty() {
                label.clone()
            } else {
                substances.join(" + ")
            };
            let id = drug_id(&label, &drugs);
            drug_ids.push((xml_id.clone(), id.clone()));
            drug_names.push(
                std::iter::once(label.clone())
                    .chain(substances.iter().map(|s| (*s).to_owned()))
                    .collect(),
            );
            let named_no_exposure = {
                let l = label.to_lowercase();
                l.contains("no drug exposure") || l.contains("not administered")
            };
            let role = match roles.iter().find(|(p, _)| *p == xml_id) {
                Some((_, role)) => *role,
                // Nothing but the name tells: read it, and say so.
                None if named_no_exposure => {
                    notes.push(format!(
                        "{label} has no role (G.k.1) and its name says it was not taken: read as not administered"
                    ));
                    "not-administered"
                }
                None => "concomitant",
            };
            let mut source_ref = format!("{pointer} G.k substanceAdministration id {xml_id}");
            if name != label {
                source_ref.push_str(&format!(", product {label}"));
            }
            // Notes name the drug as the report does until every note is written.
            let mut drug = json!({"id": id, "name": label, "role": role, "source_ref": source_ref});
            kb_names.push(name);
            // G.k.4.r dosages: their effectiveTime (IVL_TS low/high; a nullFlavor stays unknown).
            let mut exposures = Vec::new();
            for dose in dosages(sa) {
                let mut e = json!({});
                if let Some(time) = child(dose, "effectiveTime") {
                    // An SXPR_TS holds the dates in one of its `comp`s (after a PIVL_TS frequency, say).
                    let period = if child(time, "low").is_some() || child(time, "high").is_some() {
                        Some(time)
                    } else {
                        hl7(time, "comp")
                            .find(|c| child(*c, "low").is_some() || child(*c, "high").is_some())
                    };
                    let low = period.and_then(|p| child(p, "low"));
                    let high = period.and_then(|p| child(p, "high"));
                    let what = |which: &str| format!("G.k.4.r.{which} of {label}");
                    if let Some(d) = date(
                        low.and_then(|l| l.attribute("value")),
                        &what("4 (start)"),
                        &mut problems,
                    ) {
                        e["start"] = json!(d);
                    }
                    if let Some(d) = date(
                        high.and_then(|h| h.attribute("value")),
                        &what("5 (last administration)"),
                        &mut problems,
                    ) {
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
                notes.push(format!("G.k.9.i.4 for {label} is read as one full-dose re-administration per reaction it names"));
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
                        "G.k.9.i.{which} of {label} gives no value, so it is not used"
                    )),
                    (Some(_), None) => notes.push(format!(
                        "G.k.9.i.{which} of {label} names no reaction of the report by a usable id, so it is not used"
                    )),
                }
            }
            drugs.push(drug);
        }
    }
    unusable.extend(usable_ids(&mut drug_ids, "drug", &mut notes));
    apply_intervals(&intervals, &mut drugs, &mut reactions, &mut notes);
    let patient = patient::patient(msg, &mut drugs, &drug_names, &mut notes, &mut problems);
    for (drug, name) in drugs.iter_mut().zip(kb_names) {
        drug["name"] = json!(name);
    }
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
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    let summary = report::summary(msg, pointer);
    let id = summary.case_id;
    let mut case = json!({
        "id": format!("e2b-{}", id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect::<String>()),
        "source": format!("E2B(R3) ICSR {id}"),
        "drugs": drugs,
        "reactions": reactions,
        "notes": notes,
    });
    if patient.as_object().is_some_and(|p| !p.is_empty()) {
        case["patient"] = patient;
    }
    if !rechallenges.is_empty() {
        case["rechallenges"] = json!(rechallenges);
    }
    if !reported.is_empty() {
        case["reported_assessments"] = json!(reported);
    }
    if summary.report.as_object().is_some_and(|r| !r.is_empty()) {
        case["report"] = summary.report;
    }
    let links = E2bLinks {
        drugs: drug_ids.into_iter().map(|(x, id)| (id, x)).collect(),
        reactions: reaction_ids,
        unusable,
    };
    Ok((case, links))
}

/// G.k.4.r: the dosages of a drug, the `substanceAdministration`s its
/// `outboundRelationship2 typeCode="COMP"` hold, as events: an intended dose
/// (`moodCode="INT"`, such as FDA's FLFS relationship) was not given.
fn dosages<'a, 'i>(
    sa: roxmltree::Node<'a, 'i>,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + use<'a, 'i> {
    hl7(sa, "outboundRelationship2")
        .filter(|r| r.attribute("typeCode") == Some("COMP"))
        .filter_map(|r| child(r, "substanceAdministration"))
        .filter(|d| d.attribute("moodCode") != Some("INT"))
}

/// Whether a node is the `organizer` of E2B category `code` (system .20):
/// 1 medical history, 2 drug history, 3 tests, 4 drug information.
pub(super) fn is_organizer(n: roxmltree::Node, code: &str) -> bool {
    n.tag_name().name() == "organizer"
        && child(n, "code").is_some_and(|c| {
            c.attribute("code") == Some(code)
                && c.attribute("codeSystem") == Some("2.16.840.1.113883.3.989.2.1.1.20")
        })
}

/// E.i: the reactions (observations with code 29 under the primary role's
/// `subjectOf2`, not those of the drug history), and their (XML id, case id).
fn reactions(
    msg: roxmltree::Node,
    pointer: &str,
    problems: &mut Vec<String>,
) -> (Vec<Value>, Vec<(String, String)>) {
    let is_reaction = |n: &roxmltree::Node| {
        n.is_element()
            && n.tag_name().namespace() == Some(HL7)
            && n.tag_name().name() == "observation"
            && e2b_code(*n) == Some("29")
            && n.parent_element()
                .is_some_and(|p| p.tag_name().name() == "subjectOf2")
    };
    let mut reaction_ids = Vec::new();
    let mut reactions = Vec::new();
    for (j, obs) in msg.descendants().filter(is_reaction).enumerate() {
        let id = format!("r{}", j + 1);
        let xml_id = id_root(obs).unwrap_or_default().to_owned();
        reaction_ids.push((xml_id.clone(), id.clone()));
        let related = |code: &str| {
            hl7(obs, "outboundRelationship2")
                .filter_map(|r| child(r, "observation"))
                .find(|o| e2b_code(*o) == Some(code))
        };
        let value = child(obs, "value");
        // E.i.1.1a in the reporter's own language, E.i.1.2 for translation.
        let native = value
            .and_then(|v| child(v, "originalText"))
            .and_then(|t| t.text().map(|x| (x.trim(), t.attribute("language"))))
            .filter(|(t, _)| !t.is_empty());
        let translation = related("30")
            .and_then(|o| child(o, "value"))
            .and_then(|v| v.text())
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let code = value.and_then(|v| v.attribute("code"));
        // The term for translation is read first (the knowledge base's names are
        // mostly English); the reporter's own words stay beside the element.
        let term = translation
            .or(native.map(|n| n.0))
            .map(str::to_owned)
            .or_else(|| code.map(|c| format!("MedDRA {c}")))
            .unwrap_or_else(|| "not given".to_owned());
        let mut source_ref = format!("{pointer} E.i reaction id {xml_id}");
        if let (Some(_), Some((words, language))) = (translation, native) {
            source_ref.push_str(&format!(
                ", as reported: {words}{}",
                language.map(|l| format!(" ({l})")).unwrap_or_default()
            ));
        }
        let mut r = json!({"id": id, "term": term, "source_ref": source_ref});
        if let Some(code) = code {
            r["meddra_code"] = json!(code);
        }
        if let Some(time) = child(obs, "effectiveTime") {
            if let Some(d) = date(
                child(time, "low")
                    .and_then(|l| l.attribute("value"))
                    .or(time.attribute("value")),
                &format!("E.i.4 (start) of reaction {id}"),
                problems,
            ) {
                r["onset"] = json!(d);
            }
            if let Some(d) = date(
                child(time, "high").and_then(|l| l.attribute("value")),
                &format!("E.i.5 (end) of reaction {id}"),
                problems,
            ) {
                r["end"] = json!(d);
            }
        }
        // E.i.3.2 seriousness criteria, each a boolean (a null flavour is not met).
        let seriousness: Vec<&str> = [
            ("34", "death"),
            ("21", "life-threatening"),
            ("33", "hospitalization"),
            ("35", "disability"),
            ("12", "congenital-anomaly"),
            ("26", "other-medically-important"),
        ]
        .into_iter()
        .filter(|(code, _)| {
            related(code)
                .and_then(|o| child(o, "value"))
                .and_then(|v| v.attribute("value"))
                == Some("true")
        })
        .map(|(_, criterion)| criterion)
        .collect();
        if !seriousness.is_empty() {
            r["seriousness"] = json!(seriousness);
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
    (reactions, reaction_ids)
}

/// Drops the (XML id, case id) links whose XML id is empty or given to more
/// than one element, with a note for each repeated id: such an id cannot say
/// which element another part of the report means. Returns, for each case id
/// left without a link, why.
fn usable_ids(
    links: &mut Vec<(String, String)>,
    what: &str,
    notes: &mut Vec<String>,
) -> Vec<(String, String)> {
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
    let mut unusable = Vec::new();
    for (x, id) in links.iter() {
        if x.is_empty() {
            unusable.push((id.clone(), format!("{what} `{id}` has no XML id")));
        } else if repeated.contains(x) {
            unusable.push((
                id.clone(),
                format!("{what} `{id}` shares its XML id {x} with another {what}"),
            ));
        }
    }
    links.retain(|(x, _)| !x.is_empty() && !repeated.contains(x));
    unusable
}
