//! Challenge findings: what happened when the drug was withdrawn, reduced or
//! given again (including re-exposure during desensitization).

use super::{Evidence, Finding, Pair, ev, finding, kebab};
use crate::case::{ActionTaken, Course, ReactionOutcome, RechallengeKind, StepOutcome};

pub(super) fn dechallenge(pair: &Pair) -> Finding {
    let case = pair.case;
    let drug = &case.drugs[pair.drug];
    let reaction = &case.reactions[pair.reaction];
    let mut evidence = Vec::new();
    if let Some(o @ ReactionOutcome::Fatal) = reaction.outcome {
        evidence.push(ev(format!("{}.outcome", reaction.path), kebab(&o)));
        return finding(
            "fatal-or-irreversible",
            "the reaction was fatal, so no improvement could be observed",
            evidence,
        );
    }
    let observations: Vec<_> = case
        .dechallenges
        .iter()
        .filter(|d| d.drug == pair.drug && d.reaction == pair.reaction)
        .collect();
    let chosen = observations
        .iter()
        .find(|d| matches!(d.action, ActionTaken::Withdrawn | ActionTaken::DoseReduced))
        .or_else(|| observations.first());
    if let Some(d) = chosen {
        evidence.push(ev(format!("{}.action", d.path), kebab(&d.action)));
        evidence.push(ev(format!("{}.outcome", d.path), kebab(&d.outcome)));
        if !d.treatment.is_empty() {
            evidence.push(ev(format!("{}.treatment", d.path), d.treatment.join(", ")));
        }
        if d.tolerance {
            evidence.push(ev(format!("{}.tolerance", d.path), "true"));
        }
        return classify_dechallenge(
            d.action,
            d.outcome,
            !d.treatment.is_empty(),
            d.tolerance,
            evidence,
        );
    }
    // No explicit observation: read the action taken with the drug and the reaction's outcome (as E2B reports them).
    let Some(action) = drug.action_taken else {
        return finding(
            "unknown",
            "no dechallenge is recorded and the action taken with the drug is not given",
            vec![ev(format!("{}.action_taken", drug.path), "not given")],
        );
    };
    evidence.push(ev(format!("{}.action_taken", drug.path), kebab(&action)));
    let course = match reaction.outcome {
        Some(
            ReactionOutcome::Recovered
            | ReactionOutcome::Recovering
            | ReactionOutcome::RecoveredWithSequelae,
        ) => Course::Improved,
        Some(ReactionOutcome::NotRecovered) => Course::NotImproved,
        _ => Course::Unknown,
    };
    evidence.push(ev(
        format!("{}.outcome", reaction.path),
        reaction
            .outcome
            .map_or("not given".to_owned(), |o| kebab(&o)),
    ));
    if !reaction.treatment.is_empty() {
        evidence.push(ev(
            format!("{}.treatment", reaction.path),
            reaction.treatment.join(", "),
        ));
    }
    classify_dechallenge(
        action,
        course,
        !reaction.treatment.is_empty(),
        false,
        evidence,
    )
}

fn classify_dechallenge(
    action: ActionTaken,
    course: Course,
    treated: bool,
    tolerance: bool,
    evidence: Vec<Evidence>,
) -> Finding {
    let act = match action {
        ActionTaken::Withdrawn => "the drug was withdrawn",
        ActionTaken::DoseReduced => "the dose was reduced",
        ActionTaken::DoseIncreased => "the dose was increased",
        ActionTaken::DoseNotChanged => "the dose was not changed",
        ActionTaken::Unknown => "what was done with the drug is unknown",
        ActionTaken::NotApplicable => "withdrawal does not apply",
    };
    match (action, course) {
        (_, Course::Unknown) => finding(
            "unknown",
            format!("{act}; what happened to the reaction afterwards is not known"),
            evidence,
        ),
        (ActionTaken::Withdrawn | ActionTaken::DoseReduced, Course::Improved) if treated => {
            finding(
                "improved-under-treatment",
                format!(
                    "{act} and the reaction improved while a specific treatment was given; counted as improvement, weaker evidence"
                ),
                evidence,
            )
        }
        (ActionTaken::Withdrawn | ActionTaken::DoseReduced, Course::Improved) => finding(
            "improved",
            format!("{act} and the reaction improved"),
            evidence,
        ),
        (ActionTaken::Withdrawn | ActionTaken::DoseReduced, Course::NotImproved) => finding(
            "not-improved",
            format!("{act} but the reaction did not improve"),
            evidence,
        ),
        (ActionTaken::DoseNotChanged | ActionTaken::DoseIncreased, Course::Improved)
            if tolerance =>
        {
            finding(
                "not-withdrawn-tolerance",
                format!("{act}; the reaction improved through tolerance"),
                evidence,
            )
        }
        (ActionTaken::DoseNotChanged | ActionTaken::DoseIncreased, Course::Improved) if treated => {
            finding(
                "not-withdrawn-treated",
                format!("{act}; the reaction improved under treatment"),
                evidence,
            )
        }
        (ActionTaken::DoseNotChanged | ActionTaken::DoseIncreased, Course::Improved) => finding(
            "not-withdrawn-improved",
            format!("{act}, yet the reaction improved"),
            evidence,
        ),
        (ActionTaken::DoseNotChanged | ActionTaken::DoseIncreased, Course::NotImproved) => finding(
            "not-withdrawn-not-improved",
            format!("{act} and the reaction did not improve"),
            evidence,
        ),
        (ActionTaken::Unknown | ActionTaken::NotApplicable, _) => {
            finding("unknown", act.to_owned(), evidence)
        }
    }
}

pub(super) fn rechallenge(pair: &Pair) -> Finding {
    let case = pair.case;
    let episodes: Vec<_> = case
        .rechallenges
        .iter()
        .filter(|r| r.drug == pair.drug)
        .collect();
    if episodes.is_empty() {
        return finding("not-done", "the drug was not given again", vec![]);
    }
    let mut evidence = Vec::new();
    for r in &episodes {
        evidence.push(ev(format!("{}.kind", r.path), kebab(&r.kind)));
        if !r.premedication.is_empty() {
            evidence.push(ev(
                format!("{}.premedication", r.path),
                r.premedication.join(", "),
            ));
        }
        for s in &r.steps {
            if s.outcome == StepOutcome::Recurrence && s.reaction == Some(pair.reaction) {
                evidence.push(ev(format!("{}.outcome", s.path), step_text(s)));
                let masked = matches!(
                    r.kind,
                    RechallengeKind::Desensitization | RechallengeKind::Graded
                ) || !r.premedication.is_empty();
                let note = if masked {
                    " despite graded doses or premedication, which work against recurrence"
                } else {
                    ""
                };
                return finding(
                    "positive",
                    format!(
                        "the reaction came back on re-exposure ({}){note}",
                        kebab(&r.kind)
                    ),
                    evidence,
                );
            }
        }
    }
    let steps: Vec<_> = episodes.iter().flat_map(|r| r.steps.iter()).collect();
    if steps.is_empty() || steps.iter().any(|s| s.outcome == StepOutcome::Unknown) {
        return finding(
            "unknown",
            "the drug was given again but what happened is not recorded",
            evidence,
        );
    }
    if let Some(s) = steps.iter().find(|s| {
        s.outcome == StepOutcome::OtherReaction
            || (s.outcome == StepOutcome::Recurrence && s.reaction != Some(pair.reaction))
    }) {
        evidence.push(ev(format!("{}.outcome", s.path), kebab(&s.outcome)));
        return finding(
            "not-interpretable",
            "a different reaction appeared on re-exposure, which neither confirms nor excludes this one",
            evidence,
        );
    }
    let masked = episodes.iter().any(|r| {
        matches!(
            r.kind,
            RechallengeKind::Desensitization | RechallengeKind::Graded
        ) || !r.premedication.is_empty()
    });
    if masked {
        finding(
            "not-interpretable",
            "the drug was tolerated, but only under desensitization or premedication, which can induce temporary tolerance",
            evidence,
        )
    } else {
        finding(
            "negative",
            "the drug was given again and the reaction did not come back",
            evidence,
        )
    }
}

fn step_text(s: &crate::case::Step) -> String {
    let mut t = String::from("recurrence");
    if let Some(d) = s.day {
        t.push_str(&if d.min == d.max {
            format!(" on day {}", d.min)
        } else {
            format!(" on days {}-{}", d.min, d.max)
        });
    }
    if let Some(d) = &s.dose {
        t.push_str(&format!(" at {}", d.text));
    }
    if let Some(desc) = &s.description {
        t.push_str(&format!(": {desc}"));
    }
    t
}

pub(super) fn dose_response(pair: &Pair) -> Finding {
    let reduced: Vec<_> = pair
        .case
        .dechallenges
        .iter()
        .filter(|d| {
            d.drug == pair.drug
                && d.reaction == pair.reaction
                && d.action == ActionTaken::DoseReduced
        })
        .collect();
    let evidence: Vec<Evidence> = reduced
        .iter()
        .map(|d| {
            ev(
                format!("{}.outcome", d.path),
                format!("dose reduced, {}", kebab(&d.outcome)),
            )
        })
        .collect();
    if reduced.iter().any(|d| d.outcome == Course::Improved) {
        finding(
            "yes",
            "the reaction lessened when the dose was reduced",
            evidence,
        )
    } else if reduced.iter().any(|d| d.outcome == Course::NotImproved) {
        finding(
            "no",
            "the reaction did not lessen when the dose was reduced",
            evidence,
        )
    } else {
        finding(
            "unknown",
            "no change of dose with a known effect on the reaction is recorded",
            evidence,
        )
    }
}
