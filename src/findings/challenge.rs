//! Challenge findings: what happened when the drug was withdrawn or reduced,
//! dose response, whether withdrawal can be judged, lasting harm. Re-exposure
//! is in `rechallenge.rs`.

use super::{Evidence, Finding, Pair, ev, found, kebab};
use crate::case::{ActionTaken, Course, ReactionOutcome};
use crate::policy;

pub(super) fn dechallenge(pair: &Pair) -> Finding {
    let f = dechallenge_as_recorded(pair);
    if f.outcome != "improved-under-treatment" {
        return f;
    }
    if pair
        .policy
        .is(policy::TREATED_IMPROVEMENT, "does-not-count")
    {
        let reasoning = if pair.traced() {
            format!(
                "{}; the policy in force does not count improvement under a specific treatment, so the effect of withdrawal is unknown",
                f.reasoning
                    .trim_end_matches("; counted as improvement, weaker evidence")
            )
        } else {
            String::new()
        };
        return Finding {
            outcome: "unknown",
            reasoning,
            ..f
        }
        .under(policy::TREATED_IMPROVEMENT);
    }
    f.under(policy::TREATED_IMPROVEMENT)
}

fn dechallenge_as_recorded(pair: &Pair) -> Finding {
    let case = pair.case;
    let drug = &case.drugs[pair.drug];
    let reaction = &case.reactions[pair.reaction];
    let mut evidence = Vec::new();
    let traced = pair.traced();
    if let Some(o @ ReactionOutcome::Fatal) = reaction.outcome {
        return found!(
            pair,
            "fatal-or-irreversible",
            "the reaction was fatal, so no improvement could be observed",
            vec![ev(format!("{}.outcome", reaction.path), kebab(&o))],
        );
    }
    let observations: Vec<_> = case
        .dechallenges
        .iter()
        .filter(|d| d.drug == pair.drug && d.reaction == pair.reaction)
        .collect();
    // The most telling observation: a withdrawal over a dose reduction over a
    // continued drug, and the latest of those (the last one written if undated).
    let rank = |a: ActionTaken| match a {
        ActionTaken::Withdrawn => 2,
        ActionTaken::DoseReduced => 1,
        _ => 0,
    };
    let chosen = observations
        .iter()
        .enumerate()
        .max_by_key(|(i, d)| (rank(d.action), d.date.map(|x| x.earliest), *i))
        .map(|(_, d)| d);
    if let Some(d) = chosen {
        if traced {
            evidence.push(ev(format!("{}.action", d.path), kebab(&d.action)));
            evidence.push(ev(format!("{}.outcome", d.path), kebab(&d.outcome)));
        }
        let specific = specific_treatment(pair, &d.treatment);
        if traced && !d.treatment.is_empty() {
            evidence.push(ev(
                format!("{}.treatment", d.path),
                treatment_text(pair, &d.treatment),
            ));
        }
        if traced && d.tolerance {
            evidence.push(ev(format!("{}.tolerance", d.path), "true"));
        }
        return classify_dechallenge(
            pair,
            d.action,
            d.outcome,
            (specific, !d.treatment.is_empty()),
            d.tolerance,
            evidence,
        );
    }
    // No explicit observation: read the action taken with the drug and the reaction's outcome (as E2B reports them).
    let Some(action) = drug.action_taken else {
        return found!(
            pair,
            "unknown",
            "no dechallenge is recorded and the action taken with the drug is not given",
            vec![ev(format!("{}.action_taken", drug.path), "not given")],
        );
    };
    if traced {
        evidence.push(ev(format!("{}.action_taken", drug.path), kebab(&action)));
    }
    let course = match reaction.outcome {
        Some(
            ReactionOutcome::Recovered
            | ReactionOutcome::Recovering
            | ReactionOutcome::RecoveredWithSequelae,
        ) => Course::Improved,
        Some(ReactionOutcome::NotRecovered) => Course::NotImproved,
        _ => Course::Unknown,
    };
    if traced {
        evidence.push(ev(
            format!("{}.outcome", reaction.path),
            reaction
                .outcome
                .map_or("not given".to_owned(), |o| kebab(&o)),
        ));
    }
    let specific = specific_treatment(pair, &reaction.treatment);
    if traced && !reaction.treatment.is_empty() {
        evidence.push(ev(
            format!("{}.treatment", reaction.path),
            treatment_text(pair, &reaction.treatment),
        ));
    }
    classify_dechallenge(
        pair,
        action,
        course,
        (specific, !reaction.treatment.is_empty()),
        false,
        evidence,
    )
}

/// Whether any treatment given can make a reaction improve by itself: one the
/// knowledge base marks specific (corticosteroids), or one it does not know
/// (assumed specific, the cautious reading). Symptomatic ones do not count.
fn specific_treatment(pair: &Pair, given: &[String]) -> bool {
    given
        .iter()
        .any(|t| pair.kb.treatment(t).is_none_or(|k| k.specific))
}

/// The treatments as written, each with how the knowledge base classes it.
fn treatment_text(pair: &Pair, given: &[String]) -> String {
    given
        .iter()
        .map(|t| match pair.kb.treatment(t) {
            Some(k) if k.specific => format!("{t} (specific: {})", k.id),
            Some(k) => format!("{t} (symptomatic: {}, not counted)", k.id),
            None => format!("{t} (not in the knowledge base: counted as specific)"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn classify_dechallenge(
    pair: &Pair,
    action: ActionTaken,
    course: Course,
    // (a specific treatment was given, any treatment was given)
    (specific, treated): (bool, bool),
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
        (_, Course::Unknown) => found!(
            pair,
            "unknown",
            format!("{act}; what happened to the reaction afterwards is not known"),
            evidence,
        ),
        // After withdrawal only a specific treatment weakens the improvement;
        // with the drug continued, any treatment explains it.
        (ActionTaken::Withdrawn | ActionTaken::DoseReduced, Course::Improved) if specific => {
            found!(
                pair,
                "improved-under-treatment",
                format!(
                    "{act} and the reaction improved while a specific treatment was given; counted as improvement, weaker evidence"
                ),
                evidence,
            )
        }
        (ActionTaken::Withdrawn | ActionTaken::DoseReduced, Course::Improved) => found!(
            pair,
            "improved",
            format!("{act} and the reaction improved"),
            evidence,
        ),
        (ActionTaken::Withdrawn | ActionTaken::DoseReduced, Course::NotImproved) => found!(
            pair,
            "not-improved",
            format!("{act} but the reaction did not improve"),
            evidence,
        ),
        (ActionTaken::DoseNotChanged | ActionTaken::DoseIncreased, Course::Improved)
            if tolerance =>
        {
            found!(
                pair,
                "not-withdrawn-tolerance",
                format!("{act}; the reaction improved through tolerance"),
                evidence,
            )
        }
        (ActionTaken::DoseNotChanged | ActionTaken::DoseIncreased, Course::Improved) if treated => {
            found!(
                pair,
                "not-withdrawn-treated",
                format!("{act}; the reaction improved under treatment"),
                evidence,
            )
        }
        (ActionTaken::DoseNotChanged | ActionTaken::DoseIncreased, Course::Improved) => found!(
            pair,
            "not-withdrawn-improved",
            format!("{act}, yet the reaction improved"),
            evidence,
        ),
        (ActionTaken::DoseNotChanged | ActionTaken::DoseIncreased, Course::NotImproved) => found!(
            pair,
            "not-withdrawn-not-improved",
            format!("{act} and the reaction did not improve"),
            evidence,
        ),
        (ActionTaken::Unknown | ActionTaken::NotApplicable, _) => {
            found!(pair, "unknown", act.to_owned(), evidence)
        }
    }
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
    let evidence = || {
        let mut evidence: Vec<Evidence> = reduced
            .iter()
            .map(|d| {
                ev(
                    format!("{}.outcome", d.path),
                    format!("dose reduced, {}", kebab(&d.outcome)),
                )
            })
            .collect();
        if evidence.is_empty() {
            evidence.push(ev("dechallenges", "no change of dose recorded"));
        }
        evidence
    };
    if reduced.iter().any(|d| d.outcome == Course::Improved) {
        found!(
            pair,
            "yes",
            "the reaction lessened when the dose was reduced",
            evidence(),
        )
    } else if reduced.iter().any(|d| d.outcome == Course::NotImproved) {
        found!(
            pair,
            "no",
            "the reaction did not lessen when the dose was reduced",
            evidence(),
        )
    } else {
        found!(
            pair,
            "unknown",
            "no change of dose with a known effect on the reaction is recorded",
            evidence(),
        )
    }
}

/// Whether the effect of withdrawal can be judged at all: not for intermittent
/// therapy (cycles with rest days), a single administration, or a drug that
/// cannot be stopped (the Liverpool tool's footnote).
pub(super) fn withdrawal_assessable(pair: &Pair) -> Finding {
    let drug = &pair.case.drugs[pair.drug];
    if drug.cannot_be_stopped {
        return found!(
            pair,
            "cannot-be-stopped",
            "the drug cannot be stopped, so the effect of withdrawal cannot be judged",
            vec![ev(format!("{}.cannot_be_stopped", drug.path), "true")],
        );
    }
    // The exposure in effect at onset; with no onset to place it, the latest one with a start.
    let current = pair.exposure_at_onset().or_else(|| {
        let onset = pair.case.reactions[pair.reaction].onset_at;
        let placed = drug
            .exposures
            .iter()
            .any(|e| pair.case.times.linked(e.start_at, onset));
        (!placed)
            .then(|| {
                drug.exposures
                    .iter()
                    .filter(|e| e.start.is_some() || e.single_dose)
                    .max_by_key(|e| e.start.map(|s| s.earliest))
            })
            .flatten()
    });
    let Some(e) = current else {
        return found!(
            pair,
            "unknown",
            "no exposure with a start date precedes the reaction",
            vec![ev(format!("{}.exposures", drug.path), "no dated exposure")],
        );
    };
    if e.single_dose {
        return found!(
            pair,
            "single-administration",
            "a single dose",
            vec![ev(format!("{}.single_dose", e.path), "true")],
        );
    }
    if let Some(r) = &e.regimen {
        if let Some(c) = r.cycle
            && c.last_day < c.length
        {
            return found!(
                pair,
                "intermittent-therapy",
                format!(
                    "intermittent therapy ({}): the drug stops every cycle anyway, so withdrawal cannot be judged",
                    r.text
                ),
                vec![ev(format!("{}.regimen", e.path), &r.text)],
            );
        }
        let t = crate::kb::normalize(&r.text);
        if [
            "single dose",
            "single administration",
            "once",
            "one dose",
            "a single dose",
        ]
        .contains(&t.as_str())
        {
            return found!(
                pair,
                "single-administration",
                format!("a single administration ({})", r.text),
                vec![ev(format!("{}.regimen", e.path), &r.text)],
            );
        }
    }
    if let (Some(s), Some(t)) = (e.start, e.stop)
        && s.is_exact()
        && s == t
    {
        return found!(
            pair,
            "single-administration",
            format!("given on one day only ({s})"),
            vec![
                ev(format!("{}.start", e.path), s),
                ev(format!("{}.stop", e.path), t),
            ],
        );
    }
    found!(
        pair,
        "assessable",
        "a continuous exposure that could be withdrawn",
        vec![ev(
            format!("{}.regimen", e.path),
            e.regimen
                .as_ref()
                .map_or("not given".to_owned(), |r| r.text.clone()),
        )],
    )
}

/// Whether the reaction left lasting disability or impairment (or was fatal).
pub(super) fn lasting_harm(pair: &Pair) -> Finding {
    let r = &pair.case.reactions[pair.reaction];
    let evidence = || {
        let mut evidence = vec![ev(
            format!("{}.outcome", r.path),
            r.outcome.map_or("not given".to_owned(), |o| kebab(&o)),
        )];
        if !r.seriousness.is_empty() {
            evidence.push(ev(
                format!("{}.seriousness", r.path),
                r.seriousness
                    .iter()
                    .map(kebab)
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        }
        evidence
    };
    let disabling = r
        .seriousness
        .contains(&crate::case::Seriousness::Disability);
    let fatal = r.seriousness.contains(&crate::case::Seriousness::Death);
    match r.outcome {
        _ if disabling => found!(pair, "yes", "the reaction caused disability", evidence()),
        _ if fatal => found!(
            pair,
            "yes",
            "the reaction resulted in death (its seriousness)",
            evidence()
        ),
        Some(ReactionOutcome::Fatal | ReactionOutcome::RecoveredWithSequelae) => {
            found!(
                pair,
                "yes",
                "the reaction was fatal or left sequelae",
                evidence()
            )
        }
        Some(ReactionOutcome::Recovered | ReactionOutcome::Recovering) => found!(
            pair,
            "no",
            "the reaction resolved or is resolving without lasting harm",
            evidence(),
        ),
        _ => found!(
            pair,
            "unknown",
            "whether the reaction left lasting harm is not known",
            evidence(),
        ),
    }
}
