//! Writes assessments back into E2B(R3) ICSRs.
//!
//! `causa export e2b` reads each ICSR of a file as `causa assess` does, assesses
//! it, and adds one G.k.9.i.2.r relatedness assessment (`causalityAssessment`
//! with code 39) per assessed drug x reaction pair and method, after the
//! assessments the ICSR already holds. Source (G.k.9.i.2.r.1) is `causa` and
//! its version, or the assessing organisation or person given as `source`
//! (then the method field carries causa's version); method (.r.2) the method
//! id and rule version, result (.r.3) the category and score (`Probable, score
//! 6`); the reaction and the drug are referenced by their XML ids (`subject1`,
//! `subject2`), as in the assessments already there. A pair whose drug or
//! reaction has no XML id of its own cannot be referenced; an ICSR with pairs
//! to assess of which none can be is listed in `Exported::failures` with why.
//!
//! The new elements, written with quick-xml, are spliced into the original
//! text at one point per ICSR, so every other byte of the input stays as it
//! was. An assessment the file already holds (same source, method, result,
//! reaction and drug) is not added again: exporting an exported file changes
//! nothing.

use crate::Error;
use crate::diagnostic::{Diagnostics, SourceFile};
use crate::eval::{self, CaseAssessment, Options};
use crate::import::{self, E2B_CODES, E2bLinks, Relatedness, e2b_code, hl7, is_hl7};
use crate::rules::RuleSet;
use quick_xml::Writer;
use quick_xml::events::{BytesText, Event};

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// ICH E2B(R3) allows 60 characters for G.k.9.i.2.r.1, .r.2 and .r.3.
const MAX_FIELD: usize = 60;

/// An ICSR file with assessments added.
#[derive(Debug)]
pub struct Exported {
    pub xml: String,
    /// ICSRs in the file.
    pub messages: usize,
    /// Assessments added.
    pub added: usize,
    /// Assessments not added because the file already holds them.
    pub present: usize,
    /// Assessments not added because their drug or reaction has no XML id
    /// naming it alone (none, empty, or repeated), so no entry could point at it.
    pub unlinked: usize,
    /// ICSRs that had pairs to assess, none of which could be referenced: why, one line each.
    pub failures: Vec<String>,
}

/// Where new assessments go in one ICSR, and what goes there.
struct Insertion {
    at: usize,
    text: String,
}

/// Adds the assessments of every ICSR of `text` (the content of `file`).
/// `source` names who assesses (G.k.9.i.2.r.1); by default causa itself.
pub fn e2b(
    file: &str,
    text: &str,
    rules: &RuleSet,
    options: &Options,
    source: Option<&str>,
) -> Result<Exported, Error> {
    let invalid = |d: crate::diagnostic::Diagnostic| Error::Invalid(d.into());
    if !import::looks_like_xml(text) && !import::is_e2b(text) {
        return Err(invalid(crate::diagnostic::xml::not_xml(file, text)));
    }
    let doc = roxmltree::Document::parse(text)
        .map_err(|e| invalid(crate::diagnostic::xml::not_well_formed(file, text, &e)))?;
    let messages = import::e2b_messages(&doc).map_err(|_| {
        invalid(crate::diagnostic::xml::not_e2b(
            file,
            text,
            doc.root_element(),
        ))
    })?;
    // Read and check every ICSR first, so every problem is shown at once.
    let mut problems = Diagnostics::default();
    let mut read = Vec::new();
    for (m, msg) in messages.iter().enumerate() {
        let pointer = import::message_pointer(m);
        let name = format!("{file}#{pointer}");
        let (value, links) = match import::e2b_case(*msg, &pointer) {
            Ok(read) => read,
            Err(reason) => {
                problems.push(
                    import::Refused {
                        position: name,
                        reason,
                    }
                    .diagnostic(),
                );
                continue;
            }
        };
        let source = SourceFile {
            name,
            text: serde_json::to_string_pretty(&value).unwrap_or_default(),
        };
        match rules.load_case(&source) {
            Ok(case) => read.push((*msg, pointer, links, case)),
            Err(d) => problems.extend(d),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let mut insertions = Vec::new();
    let (mut added, mut present, mut unlinked) = (0, 0, 0);
    let mut failures = Vec::new();
    for (msg, pointer, links, case) in &read {
        let assessment = eval::assess(rules, case, options);
        let place = msg
            .descendants()
            .find(|n| is_hl7(n, "adverseEventAssessment"));
        let existing: Vec<Relatedness> = place
            .iter()
            .flat_map(|p| hl7(*p, "component"))
            .filter_map(|c| import::child(c, "causalityAssessment"))
            .filter(|ca| e2b_code(*ca) == Some("39"))
            .map(import::relatedness)
            .collect();
        let (ours, without_ids) = ours(&assessment, links, source);
        unlinked += without_ids.len();
        if ours.is_empty() && !without_ids.is_empty() {
            let mut reasons: Vec<&str> = Vec::new();
            for w in &without_ids {
                if !reasons.contains(&w.as_str()) {
                    reasons.push(w);
                }
            }
            failures.push(format!(
                "{pointer} (case {}): none of its {} assessment(s) can be added, as {}",
                case.id,
                without_ids.len(),
                reasons.join("; ")
            ));
        }
        let mut new = Vec::new();
        for r in ours {
            if existing.contains(&r) || new.contains(&r) {
                present += 1;
            } else {
                new.push(r);
            }
        }
        if new.is_empty() {
            continue;
        }
        let Some(place) = place else {
            return Err(Error::Usage {
                message: format!(
                    "`{file}` {pointer}: no adverseEventAssessment (the G.k.9.i drug-reaction matrix) to add assessments to"
                ),
                help: Some("an ICSR needs its adverseEventAssessment with the primary role (subject1); check that the file is complete".into()),
            });
        };
        added += new.len();
        let Some(insertion) = insertion(text, place, &assessment, &new) else {
            return Err(Error::Usage {
                message: format!(
                    "`{file}` {pointer}: the adverseEventAssessment has no primary role (subject1) after which to add assessments"
                ),
                help: Some("check that the ICSR is complete: E2B(R3) requires subject1 in adverseEventAssessment".into()),
            });
        };
        insertions.push(insertion);
    }
    let mut xml =
        String::with_capacity(text.len() + insertions.iter().map(|i| i.text.len()).sum::<usize>());
    let mut from = 0;
    for i in &insertions {
        xml.push_str(&text[from..i.at]);
        xml.push_str(&i.text);
        from = i.at;
    }
    xml.push_str(&text[from..]);
    Ok(Exported {
        xml,
        messages: read.len(),
        added,
        present,
        unlinked,
        failures,
    })
}

/// Our assessments of an ICSR, one per applicable drug x reaction pair and
/// method, and for each pair that could not be linked to XML ids, why (each
/// reason once).
fn ours(
    assessment: &CaseAssessment,
    links: &E2bLinks,
    source: Option<&str>,
) -> (Vec<Relatedness>, Vec<String>) {
    let engine = format!("causa {}", assessment.engine_version);
    let (source, method_suffix) = match source.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => (fit(s.to_owned()), format!(" ({engine})")),
        None => (fit(engine), String::new()),
    };
    let mut unlinked = Vec::new();
    let mut out = Vec::new();
    for a in assessment
        .assessments
        .iter()
        .filter(|a| a.not_applicable.is_none())
    {
        let drug = links.drugs.iter().find(|(id, _)| *id == a.drug);
        let reaction = links.reactions.iter().find(|(_, id)| *id == a.reaction);
        let (Some(drug), Some(reaction)) = (drug, reaction) else {
            let why = |id: &str| {
                links.unusable.iter().find(|(x, _)| x == id).map_or_else(
                    || format!("`{id}` has no XML id of its own"),
                    |(_, w)| w.clone(),
                )
            };
            let mut reasons = Vec::new();
            if drug.is_none() {
                reasons.push(why(&a.drug));
            }
            if reaction.is_none() {
                reasons.push(why(&a.reaction));
            }
            unlinked.push(reasons.join(" and "));
            continue;
        };
        let mut score = a.score.map(|s| format!(", score {s}")).unwrap_or_default();
        // What a reader of the report sees beside the result goes with it.
        let flags: Vec<&str> = [
            a.insufficient.then_some("insufficient"),
            (!a.provisional.is_empty()).then_some("provisional"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !flags.is_empty() {
            score.push_str(&format!("; {}", flags.join(", ")));
        }
        let mut result = format!("{}{score}", a.category_label);
        if result.chars().count() > MAX_FIELD {
            result = format!("{}{score}", a.category);
        }
        out.push(Relatedness {
            source: source.clone(),
            method: fit(format!("{} {}{method_suffix}", a.method, a.method_version)),
            result: fit(result),
            reaction: reaction.0.clone(),
            drug: drug.1.clone(),
        });
    }
    (out, unlinked)
}

/// A text cut to the 60 characters ICH allows, marked with an ellipsis when cut.
fn fit(text: String) -> String {
    if text.chars().count() <= MAX_FIELD {
        return text;
    }
    let mut cut: String = text.chars().take(MAX_FIELD - 1).collect();
    cut.push('…');
    cut
}

/// The text to insert after the last assessment of `place` (or after its
/// primary role when it has none), indented like its neighbours.
fn insertion(
    text: &str,
    place: roxmltree::Node,
    assessment: &CaseAssessment,
    new: &[Relatedness],
) -> Option<Insertion> {
    let after = place
        .children()
        .rev()
        .find(|c| is_hl7(c, "component"))
        .or_else(|| place.children().rev().find(|c| is_hl7(c, "subject1")))?;
    let indent: String = after
        .prev_sibling()
        .filter(|p| p.is_text())
        .and_then(|p| p.text())
        .map(|t| t.rsplit('\n').next().unwrap_or_default())
        .filter(|t| t.chars().all(|c| c == ' ' || c == '\t'))
        .unwrap_or_default()
        .to_owned();
    // Elements take the prefix of the element they go into; `xsi:type` needs the XSI prefix in scope.
    let raw = &text[place.range()];
    let prefix = raw[1..]
        .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .next()
        .and_then(|q| q.split_once(':'))
        .map(|(p, _)| format!("{p}:"))
        .unwrap_or_default();
    let xsi = place.lookup_prefix(XSI);
    let (step, size) = if indent.contains('\t') {
        (b'\t', 1)
    } else {
        (b' ', 2)
    };
    let mut w = Writer::new_with_indent(Vec::new(), step, size);
    let stamp = format!(
        " G.k.9.i.2.r added by causa {}: rules {}{}, case {}, policy {} ",
        assessment.engine_version,
        assessment.rules_digest,
        assessment
            .listedness
            .as_ref()
            .map_or(String::new(), |t| format!(", listedness {}", t.digest)),
        assessment.case_digest,
        assessment
            .policy
            .iter()
            .map(|p| format!("{}={}", p.switch, p.value))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let name = |local: &str| format!("{prefix}{local}");
    let written: std::io::Result<()> = (|| {
        w.write_event(Event::Comment(BytesText::from_escaped(comment_text(
            &stamp,
        ))))?;
        for r in new {
            w.create_element(name("component"))
                .with_attribute(("typeCode", "COMP"))
                .write_inner_content(|w| {
                    w.create_element(name("causalityAssessment"))
                        .with_attributes([("classCode", "OBS"), ("moodCode", "EVN")])
                        .write_inner_content(|w| write_relatedness(w, r, &name, xsi))?;
                    Ok(())
                })?;
        }
        Ok(())
    })();
    written.ok()?;
    let body = String::from_utf8(w.into_inner()).ok()?;
    // Line breaks as the file writes them.
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::new();
    for line in body.lines() {
        out.push_str(newline);
        out.push_str(&indent);
        out.push_str(line);
    }
    Some(Insertion {
        at: after.range().end,
        text: out,
    })
}

/// Text that may stand in an XML comment: no `--` inside, no `-` at the end.
fn comment_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '-' && out.ends_with('-') {
            out.push(' ');
        }
        out.push(c);
    }
    if out.ends_with('-') {
        out.push(' ');
    }
    out
}

fn write_relatedness(
    w: &mut Writer<Vec<u8>>,
    r: &Relatedness,
    name: &dyn Fn(&str) -> String,
    xsi: Option<&str>,
) -> std::io::Result<()> {
    w.create_element(name("code"))
        .with_attributes([
            ("code", "39"),
            ("codeSystem", E2B_CODES),
            ("displayName", "causality"),
        ])
        .write_empty()?;
    // G.k.9.i.2.r.3: result of assessment.
    let value = w.create_element(name("value"));
    let value = match xsi {
        Some(p) if !p.is_empty() => value.with_attribute((format!("{p}:type").as_str(), "ST")),
        _ => value
            .with_attribute(("xmlns:xsi", XSI))
            .with_attribute(("xsi:type", "ST")),
    };
    value.write_text_content(BytesText::new(&r.result))?;
    // G.k.9.i.2.r.2: method of assessment.
    w.create_element(name("methodCode"))
        .write_inner_content(|w| {
            w.create_element(name("originalText"))
                .write_text_content(BytesText::new(&r.method))?;
            Ok(())
        })?;
    // G.k.9.i.2.r.1: source of assessment.
    w.create_element(name("author"))
        .with_attribute(("typeCode", "AUT"))
        .write_inner_content(|w| {
            w.create_element(name("assignedEntity"))
                .with_attribute(("classCode", "ASSIGNED"))
                .write_inner_content(|w| {
                    w.create_element(name("code")).write_inner_content(|w| {
                        w.create_element(name("originalText"))
                            .write_text_content(BytesText::new(&r.source))?;
                        Ok(())
                    })?;
                    Ok(())
                })?;
            Ok(())
        })?;
    for (subject, reference, class, id) in [
        ("subject1", "adverseEffectReference", "OBS", &r.reaction),
        ("subject2", "productUseReference", "SBADM", &r.drug),
    ] {
        w.create_element(name(subject))
            .with_attribute(("typeCode", "SUBJ"))
            .write_inner_content(|w| {
                w.create_element(name(reference))
                    .with_attributes([("classCode", class), ("moodCode", "EVN")])
                    .write_inner_content(|w| {
                        w.create_element(name("id"))
                            .with_attribute(("root", id.as_str()))
                            .write_empty()?;
                        Ok(())
                    })?;
                Ok(())
            })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_text_never_holds_a_double_hyphen_or_ends_in_one() {
        for raw in ["a--b", "a---b", "policy x=---", "-", "--", "plain"] {
            let t = comment_text(raw);
            assert!(!t.contains("--") && !t.ends_with('-'), "{raw:?} -> {t:?}");
            assert_eq!(
                t.replace(' ', ""),
                raw.replace(' ', ""),
                "only spaces are added"
            );
        }
    }

    #[test]
    fn fields_longer_than_ich_allows_are_cut_and_marked() {
        assert_eq!(fit("naranjo 1.0.0".to_owned()), "naranjo 1.0.0");
        let long = fit("x".repeat(80));
        assert_eq!(long.chars().count(), MAX_FIELD);
        assert!(long.ends_with('…'));
    }
}
