//! The rechallenge finding: each re-exposure episode (full dose, accidental,
//! graded, desensitization) judged on its conditions for the reaction under
//! assessment, and the episodes read together.

use super::{Evidence, Finding, Pair, ev, finding, found, kebab};
use crate::case::{Dose, Rechallenge, RechallengeKind, Step, StepOutcome};
use crate::policy;

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

fn reached_index_dose(pair: &Pair, r: &Rechallenge) -> Reached {
    let Some((index, index_unit, index_text)) =
        dose_at_reaction(pair).and_then(|d| Some((d.amount?, d.unit_key()?, d.text.clone())))
    else {
        return Reached::NotKnown;
    };
    let mut top: Option<(f64, &str)> = None;
    for s in &r.steps {
        let Some(d) = &s.dose else { continue };
        let (Some(a), Some(u)) = (d.amount, d.unit_key()) else {
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
        t.push_str(&format!(" on {}", d.days_words()));
    }
    if let Some(d) = &s.dose {
        t.push_str(&format!(" at {}", d.text));
    }
    if let Some(desc) = &s.description {
        t.push_str(&format!(": {desc}"));
    }
    t
}
