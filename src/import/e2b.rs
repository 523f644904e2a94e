//! E2B(R3) ICSRs (HL7 v3 XML): one case per `PORR_IN049016UV` message, with
//! its reactions, drugs and roles, dosage dates (a null flavour stays
//! unknown), action taken, G.k.9.i.4 rechallenges and G.k.9.i.3 intervals,
//! linked through XML ids, and the relatedness assessments it already holds,
//! kept verbatim.

use super::drug_id;
use super::hl7::{HL7, child, e2b_code, hl7, hl7_date, id_root, relatedness};
use super::intervals::{Interval, apply_intervals};
use serde_json::{Value, json};

/// Every ICSR of an E2B(R3) file, one case each, or refused with the reason.
pub fn e2b(file: &str, text: &str) -> Result<Vec<super::Report>, String> {
    let doc = roxmltree::Document::parse(text).map_err(|e| format!("not well-formed XML: {e}"))?;
    Ok(e2b_messages(&doc)?
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

/// One ICSR as a case (JSON value), with the XML ids its drugs and reactions
/// came from; `Err` says why the ICSR cannot be read as a case.
pub(crate) fn e2b_case(msg: roxmltree::Node, pointer: &str) -> Result<(Value, E2bLinks), String> {
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
    Ok((case, links))
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
