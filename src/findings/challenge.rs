//! Challenge findings: what happened when the drug was withdrawn, reduced or
//! given again (including re-exposure during desensitization).

use super::{Evidence, Finding, Pair, ev, finding, found, kebab};
use crate::case::{
    ActionTaken, Course, Dose, ReactionOutcome, Rechallenge, RechallengeKind, Step, StepOutcome,
};
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

/// How one re-exposure episode reads for the reaction under assessment.
enum Reading<'a> {
    /// The reaction came back at this step.
    Positive {
        step: &'a Step,
        masked: bool,
        with_others: bool,
    },
    /// Tolerated at full conditions: no desensitization, no premedication, no lower dose.
    Negative,
    /// Tolerated, but only under desensitization or premedication.
    MaskedTolerance,
    /// Something else prevents a reading (another reaction, a lower dose).
    NotInterpretable(String),
    Unknown,
    /// Every step names another reaction: the episode says nothing about this one.
    Unrelated,
}

/// Desensitization, graded doses and premedication all work against a recurrence.
fn is_masked(r: &Rechallenge) -> bool {
    matches!(
        r.kind,
        RechallengeKind::Desensitization | RechallengeKind::Graded
    ) || !r.premedication.is_empty()
        || r.steps
            .iter()
            .any(|s| s.premedication.as_ref().is_some_and(|p| !p.is_empty()))
}

/// The dose the patient was taking when the reaction began: that of the latest
/// exposure that may have started by the onset.
fn dose_at_reaction<'a>(pair: &Pair<'a>) -> Option<&'a Dose> {
    pair.exposure_at_onset().and_then(|e| e.dose.as_ref())
}

fn judge<'a>(pair: &Pair, r: &'a Rechallenge) -> Reading<'a> {
    let masked = is_masked(r);
    // A step that names another reaction without a recurrence says nothing about this one.
    let about_this = |s: &&Step| {
        s.outcome == StepOutcome::Recurrence || s.reaction.is_none_or(|x| x == pair.reaction)
    };
    if !r.steps.is_empty() && !r.steps.iter().any(|s| about_this(&s)) {
        return Reading::Unrelated;
    }
    if let Some(step) = r
        .steps
        .iter()
        .find(|s| s.outcome == StepOutcome::Recurrence && s.reaction == Some(pair.reaction))
    {
        return Reading::Positive {
            step,
            // Masked by what was in force at that step, not by what came later.
            masked: matches!(
                r.kind,
                RechallengeKind::Desensitization | RechallengeKind::Graded
            ) || !r.premedication_at(step).is_empty(),
            // Only other suspects restarted alongside make a recurrence ambiguous.
            with_others: r.with_drugs.iter().any(|d| {
                *d != pair.drug
                    && matches!(
                        pair.case.drugs[*d].role,
                        crate::case::Role::Suspect | crate::case::Role::Interacting
                    )
            }),
        };
    }
    if r.steps.iter().any(|s| {
        s.outcome == StepOutcome::OtherReaction
            || (s.outcome == StepOutcome::Recurrence && s.reaction != Some(pair.reaction))
    }) {
        return Reading::NotInterpretable(
            "a different reaction appeared on re-exposure, which neither confirms nor excludes this one".into(),
        );
    }
    if r.steps.is_empty() || r.steps.iter().any(|s| s.outcome == StepOutcome::Unknown) {
        return Reading::Unknown;
    }
    // Tolerance says little below the dose the reaction began on: under
    // desensitization it counts only from the step that reached that dose.
    match reached_index_dose(pair, r) {
        Reached::Below { top, index } => Reading::NotInterpretable(format!(
            "tolerated only up to {top}, below the {index} taken when the reaction began",
        )),
        Reached::NotKnown if masked => Reading::NotInterpretable(
            "tolerated under desensitization or premedication, but the doses do not show whether it reached the dose the reaction began on"
                .into(),
        ),
        _ if masked => Reading::MaskedTolerance,
        _ => Reading::Negative,
    }
}

/// Whether the steps of a re-exposure reached the dose the patient was taking when the reaction began.
enum Reached {
    /// A step at that dose or above.
    Yes,
    /// Every dosed step below it: the highest dose given, and the index dose, as written.
    Below { top: String, index: String },
    /// A dose missing, or in other units.
    NotKnown,
}

/// A dose's unit for comparison: its first word, in lower case ("mg" for "mg daily").
fn unit_of(d: &Dose) -> Option<String> {
    d.unit
        .as_deref()
        .and_then(|u| u.split_whitespace().next())
        .map(str::to_lowercase)
}

fn reached_index_dose(pair: &Pair, r: &Rechallenge) -> Reached {
    let Some((index, index_unit, index_text)) =
        dose_at_reaction(pair).and_then(|d| Some((d.amount?, unit_of(d)?, d.text.clone())))
    else {
        return Reached::NotKnown;
    };
    let mut top: Option<(f64, &str)> = None;
    for s in &r.steps {
        let Some(d) = &s.dose else { continue };
        let (Some(a), Some(u)) = (d.amount, unit_of(d)) else {
            continue;
        };
        // A step in another unit says nothing either way.
        if u != index_unit {
            continue;
        }
        if a >= index {
            return Reached::Yes;
        }
        if top.is_none_or(|(b, _)| a > b) {
            top = Some((a, d.text.as_str()));
        }
    }
    match top {
        Some((_, text)) => Reached::Below {
            top: text.to_owned(),
            index: index_text,
        },
        None => Reached::NotKnown,
    }
}

pub(super) fn rechallenge(pair: &Pair) -> Finding {
    let case = pair.case;
    // An exposure that surely began before the reaction is earlier history, not a rechallenge.
    let onset = case.reactions[pair.reaction].onset_at;
    let (episodes, earlier): (Vec<&Rechallenge>, Vec<&Rechallenge>) = case
        .rechallenges
        .iter()
        .filter(|r| r.drug == pair.drug)
        .partition(|r| case.times.between(onset, r.start_at).max >= 0);
    let traced = pair.traced();
    let earlier_ev: Vec<Evidence> = if traced {
        earlier
            .iter()
            .map(|r| {
                ev(
                    &r.path,
                    "began before the reaction: earlier exposure, not a rechallenge",
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    if episodes.is_empty() && !earlier.is_empty() {
        return found!(
            pair,
            "not-done",
            "the drug was not given again after the reaction",
            earlier_ev,
        );
    }
    if episodes.is_empty() {
        let drug = &case.drugs[pair.drug];
        return found!(
            pair,
            "not-done",
            "the drug was not given again",
            vec![ev("rechallenges", format!("none recorded for {}", drug.id))],
        );
    }
    let mut evidence = earlier_ev;
    let mut readings = Vec::new();
    for r in &episodes {
        let reading = judge(pair, r);
        if matches!(reading, Reading::Unrelated) {
            continue;
        }
        if !traced {
            readings.push(reading);
            continue;
        }
        let mut conditions = vec![kebab(&r.kind)];
        // A recurrence names the premedication of its step, which may have changed.
        let premedication = match &reading {
            Reading::Positive { step, .. } => r.premedication_at(step),
            _ => &r.premedication,
        };
        if !premedication.is_empty() {
            conditions.push(format!("premedication {}", premedication.join(", ")));
        }
        if !r.with_drugs.is_empty() {
            let others: Vec<&str> = r
                .with_drugs
                .iter()
                .map(|d| case.drugs[*d].name.as_str())
                .collect();
            conditions.push(format!("restarted together with {}", others.join(", ")));
        }
        let said = match &reading {
            Reading::Positive { step, .. } => step_text(step),
            Reading::Negative => "tolerated".to_owned(),
            Reading::MaskedTolerance => {
                "tolerated under desensitization or premedication".to_owned()
            }
            Reading::NotInterpretable(why) => why.clone(),
            Reading::Unknown | Reading::Unrelated => "outcome not recorded".to_owned(),
        };
        let source = match &reading {
            Reading::Positive { step, .. } => format!("{}.outcome", step.path),
            _ => r.path.clone(),
        };
        evidence.push(ev(source, format!("{}: {said}", conditions.join("; "))));
        readings.push(reading);
    }
    let positives: Vec<(&Step, bool, bool)> = readings
        .iter()
        .filter_map(|x| match x {
            Reading::Positive {
                step,
                masked,
                with_others,
            } => Some((*step, *masked, *with_others)),
            _ => None,
        })
        .collect();
    if !positives.is_empty() {
        // The most telling recurrence: with the drug alone, and without masking, if there is one.
        let &(_, masked, with_others) = positives
            .iter()
            .min_by_key(|(_, m, w)| (*w, *m))
            .expect("non-empty");
        let outcome = if with_others {
            "positive-with-co-suspects"
        } else {
            "positive"
        };
        if !traced {
            let f = finding(outcome, String::new(), Vec::new());
            return if masked {
                f.under(policy::RECURRENCE)
            } else {
                f
            };
        }
        let mut why = String::from("the reaction came back on re-exposure");
        if with_others {
            why.push_str(", but together with other suspect drugs, which counts less than re-exposure to the drug alone");
        }
        if masked {
            if pair.policy.is(policy::RECURRENCE, "attenuated") {
                why.push_str("; attenuated: it came back despite desensitization or premedication");
            } else {
                why.push_str(
                    " despite desensitization or premedication, which work against recurrence",
                );
            }
            return finding(outcome, why, evidence).under(policy::RECURRENCE);
        }
        return finding(outcome, why, evidence);
    }
    if readings.iter().any(|x| matches!(x, Reading::Negative)) {
        return found!(
            pair,
            "negative",
            "the drug was given again at full conditions and the reaction did not come back",
            evidence,
        );
    }
    if readings
        .iter()
        .any(|x| matches!(x, Reading::MaskedTolerance))
    {
        return if pair.policy.is(policy::TOLERANCE, "negative") {
            found!(
                pair,
                "negative",
                "the drug was tolerated under desensitization or premedication, read as a negative rechallenge by the policy in force",
                evidence,
            )
        } else {
            found!(
                pair,
                "not-interpretable",
                "the drug was tolerated, but only under desensitization or premedication, which can induce temporary tolerance",
                evidence,
            )
        }
        .under(policy::TOLERANCE);
    }
    if let Some(Reading::NotInterpretable(why)) = readings
        .iter()
        .find(|x| matches!(x, Reading::NotInterpretable(_)))
    {
        return found!(pair, "not-interpretable", why.clone(), evidence);
    }
    if traced && evidence.is_empty() {
        evidence.push(ev(
            "rechallenges",
            "re-administration recorded, but not for this reaction",
        ));
    }
    found!(
        pair,
        "unknown",
        "the drug was given again but what happened to this reaction is not recorded",
        evidence,
    )
}

fn step_text(s: &Step) -> String {
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
