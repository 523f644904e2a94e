//! What a case says about causes, factors and results: alternative causes,
//! contributing factors, assessor answers and the assessments the source
//! report already holds. They refer to drugs, conditions and reactions by id.

use super::{Item, Names, Validator, pos_of};
use crate::case::doc::CaseDoc;
use crate::case::{AlternativeCause, AssessorAnswer, CaseItem, Factor, ReportedAssessment};
use crate::diagnostic::Diagnostic;

/// Everything in a case that refers to other items and has no time of its own.
pub(super) struct References {
    pub alternative_causes: Vec<AlternativeCause>,
    pub contributing_factors: Option<Vec<Factor>>,
    pub assessor_answers: Vec<AssessorAnswer>,
    pub reported_assessments: Vec<ReportedAssessment>,
}

pub(super) fn references<'a>(v: &mut Validator<'a>, doc: &'a CaseDoc, names: &Names) -> References {
    let (drug_ids, condition_ids) = (&names.drugs, &names.conditions);
    let drug_names: Vec<&str> = drug_ids.iter().map(String::as_str).collect();
    let reaction_names: Vec<&str> = names.reactions.iter().map(String::as_str).collect();
    let conditions_doc = doc
        .patient
        .as_ref()
        .map(|p| p.conditions.as_slice())
        .unwrap_or(&[]);
    let mut alternative_causes = Vec::new();
    for (i, x) in doc.alternative_causes.iter().enumerate() {
        let reaction = v.find("reaction", &x.value.reaction, &reaction_names);
        let refers_to = match &x.value.refers_to {
            Some(r) => {
                let id = r.value.trim();
                if let Some(j) = drug_ids.iter().position(|d| d == id) {
                    Some(CaseItem::Drug(j))
                } else if let Some(j) = conditions_doc.iter().position(|c| {
                    c.value
                        .id
                        .as_ref()
                        .is_some_and(|cid| cid.value.trim() == id)
                }) {
                    Some(CaseItem::Condition(j))
                } else {
                    let candidates: Vec<&str> = drug_ids
                        .iter()
                        .chain(condition_ids.iter())
                        .map(String::as_str)
                        .collect();
                    let d = Diagnostic::new(
                        "case::unknown-reference",
                        v.file,
                        pos_of(r),
                        format!("no drug or condition `{id}` in this case"),
                    )
                    .with_suggestion(id, candidates.iter().copied());
                    v.diags.push(d);
                    None
                }
            }
            None => None,
        };
        if let Some(reaction) = reaction {
            v.known_since(
                Item::Alternative(alternative_causes.len()),
                x.value.known_since.as_ref(),
                &format!("alternative_causes[{i}]"),
            );
            alternative_causes.push(AlternativeCause {
                cause: x.value.cause.value.trim().to_owned(),
                refers_to,
                reaction,
                plausibility: x.value.plausibility,
                evidence_for: x.value.evidence_for.clone(),
                evidence_against: x.value.evidence_against.clone(),
                path: format!("alternative_causes[{i}]"),
                known: None,
            });
        }
    }

    let contributing_factors = doc.contributing_factors.as_ref().map(|list| {
        list.iter()
            .enumerate()
            .map(|(i, x)| Factor {
                factor: x.value.factor.value.trim().to_owned(),
                drug: x
                    .value
                    .drug
                    .as_ref()
                    .and_then(|r| v.find("drug", r, &drug_names)),
                reaction: x
                    .value
                    .reaction
                    .as_ref()
                    .and_then(|r| v.find("reaction", r, &reaction_names)),
                path: format!("contributing_factors[{i}]"),
                known: {
                    v.known_since(
                        Item::Factor(i),
                        x.value.known_since.as_ref(),
                        &format!("contributing_factors[{i}]"),
                    );
                    None
                },
            })
            .collect()
    });

    let mut assessor_answers = Vec::new();
    for (i, x) in doc.assessor_answers.iter().enumerate() {
        let a = &x.value;
        let drug = a.drug.as_ref().and_then(|r| v.find("drug", r, &drug_names));
        let reaction = a
            .reaction
            .as_ref()
            .and_then(|r| v.find("reaction", r, &reaction_names));
        for (what, t) in [
            ("justification", &a.justification),
            ("assessor", &a.assessor),
        ] {
            if t.value.trim().is_empty() {
                v.error(
                    "case::missing-field",
                    pos_of(t),
                    format!("an assessor answer needs a non-empty `{what}`"),
                )
                .help = Some(
                    "say why the answer was given and who gave it; both appear in the report"
                        .into(),
                );
            }
        }
        v.known_since(
            Item::Answer(i),
            a.known_since.as_ref(),
            &format!("assessor_answers[{i}]"),
        );
        assessor_answers.push(AssessorAnswer {
            method: a.method.value.trim().to_owned(),
            question: a.question.value.trim().to_owned(),
            answer: a.answer.value.trim().to_owned(),
            drug,
            reaction,
            justification: a.justification.value.trim().to_owned(),
            assessor: a.assessor.value.trim().to_owned(),
            path: format!("assessor_answers[{i}]"),
            positions: [pos_of(&a.method), pos_of(&a.question), pos_of(&a.answer)],
            known: None,
        });
    }

    let reported_assessments = doc
        .reported_assessments
        .iter()
        .map(|x| {
            let a = &x.value;
            if a.result.value.trim().is_empty() {
                v.error(
                    "case::missing-field",
                    pos_of(&a.result),
                    "a reported assessment needs its `result` as written",
                )
                .help =
                    Some("copy the result from the report verbatim, e.g. `Not suspected`".into());
            }
            ReportedAssessment {
                drug: a.drug.as_ref().and_then(|r| v.find("drug", r, &drug_names)),
                reaction: a
                    .reaction
                    .as_ref()
                    .and_then(|r| v.find("reaction", r, &reaction_names)),
                source: a.source.clone(),
                method: a.method.clone(),
                result: a.result.value.trim().to_owned(),
                source_ref: a.source_ref.clone(),
            }
        })
        .collect();

    References {
        alternative_causes,
        contributing_factors,
        assessor_answers,
        reported_assessments,
    }
}
