//! Re-exposures (rechallenges, desensitizations) with their steps: times
//! stated to the chronology, doses, premedication, grades of what came back,
//! the target dose of a desensitization.

use super::values::parse_dose;
use super::{Item, Validator, pos_of};
use crate::case::chronology::Event;
use crate::case::doc::*;
use crate::case::*;

/// Reads every re-exposure episode, stating its start, end and step days.
pub(super) fn read<'a>(
    v: &mut Validator<'a>,
    doc: &'a CaseDoc,
    declared: &[(Point, Point)],
    drug_names: &[&str],
    reaction_names: &[&str],
) -> Vec<Rechallenge> {
    let mut rechallenges = Vec::new();
    for (i, x) in doc.rechallenges.iter().enumerate() {
        let (start_at, end_at) = declared[i];
        let drug = v.find("drug", &x.value.drug, drug_names);
        let with_drugs = x
            .value
            .with_drugs
            .iter()
            .filter_map(|w| v.find("drug", w, drug_names))
            .collect();
        let path = format!("rechallenges[{i}]");
        let item = Item::Rechallenge(i);
        v.state(start_at, x.value.start.as_ref(), item, None);
        v.state(end_at, x.value.end.as_ref(), item, Some(true));
        v.chron.ends_after(start_at, end_at);
        let mut steps = Vec::new();
        for (j, s) in x.value.steps.iter().enumerate() {
            let at = v.chron.point(Event::Step(i, j));
            let day = match &s.value.day {
                Some(t) => match crate::time::day_numbers(&t.value).map_err(|e| e.message) {
                    Ok(d) => {
                        let fact = v.chron.step_day(start_at, at, d, &t.value, pos_of(t));
                        v.owned.push((fact, item, Some(false)));
                        Some(d)
                    }
                    Err(message) => {
                        v.error("case::bad-time", pos_of(t), message).help = Some(
                            "write the day of the episode as `4` or `10-16`; day 1 is its start"
                                .into(),
                        );
                        None
                    }
                },
                None => None,
            };
            let reaction = s
                .value
                .reaction
                .as_ref()
                .and_then(|r| v.find("reaction", r, reaction_names));
            if s.value.outcome == StepOutcome::Recurrence && s.value.reaction.is_none() {
                v.error(
                    "case::missing-field",
                    pos_of(s),
                    "a step with outcome `recurrence` must name the `reaction` that came back",
                )
                .help = Some(
                    "add `reaction: ID`, or use `outcome: other-reaction` for a different reaction"
                        .into(),
                );
            }
            let reacted = matches!(
                s.value.outcome,
                StepOutcome::Recurrence | StepOutcome::OtherReaction
            );
            if !reacted && (s.value.severity_grade.is_some() || s.value.brown_grade.is_some()) {
                v.error(
                    "case::grade-without-reaction",
                    pos_of(s),
                    "a grade is given for a step without a reaction",
                )
                .help = Some(
                    "a grade describes a reaction: give it on a step whose outcome is `recurrence` or `other-reaction`"
                        .into(),
                );
            }
            let severity_grade = v.severity_grade(s.value.severity_grade.as_ref());
            steps.push(Step {
                day,
                at,
                date: None,
                dose: s.value.dose.as_ref().map(|t| parse_dose(&t.value)),
                outcome: s.value.outcome,
                reaction,
                premedication: s.value.premedication.clone(),
                severity_grade,
                brown_grade: s.value.brown_grade,
                description: s.value.description.clone(),
                path: format!("{path}.steps[{j}]"),
            });
        }
        v.known_since(item, x.value.known_since.as_ref(), &path);
        rechallenges.push(Rechallenge {
            id: x.value.id.as_ref().map(|i| i.value.trim().to_owned()),
            drug: drug.unwrap_or(0),
            kind: x.value.kind,
            start: None,
            end: None,
            start_at,
            end_at,
            premedication: x.value.premedication.clone(),
            with_drugs,
            steps,
            target_dose: x.value.target_dose.as_ref().map(|t| parse_dose(&t.value)),
            description: x.value.description.clone(),
            path,
            known: None,
        });
    }

    rechallenges
}
