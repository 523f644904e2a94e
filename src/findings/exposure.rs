//! Findings about the drug's own exposure, for methods that weigh every drug a
//! patient took (ALDEN): the delay class of the first intake, whether the drug
//! was still in the body at onset, earlier exposures and reactions, whether it
//! was continued, and its risk class for the phenotype.

use super::{Finding, Pair, ev, found, kebab};
use crate::case::{ActionTaken, Course, Exposure, Impairment, StepOutcome};
use crate::kb::Risk;

/// The exposure in effect at onset.
fn current<'a>(pair: &Pair<'a>) -> Option<&'a Exposure> {
    pair.exposure_at_onset()
}

/// The course an exposure belongs to: it and the exposures that run into it
/// without a gap of more than a day (a dose titration), back to the first.
fn course<'a>(pair: &Pair<'a>, cur: &'a Exposure) -> Vec<&'a Exposure> {
    let exposures = &pair.case.drugs[pair.drug].exposures;
    let mut members: Vec<&Exposure> = vec![cur];
    // The earliest start so far; each exposure joined moves it back.
    let first_start = |members: &[&Exposure]| {
        members
            .iter()
            .filter_map(|e| e.start)
            .min_by_key(|s| s.earliest)
    };
    while let Some(first) = first_start(&members)
        && let Some(e) = exposures.iter().find(|e| {
            !members.iter().any(|m| std::ptr::eq(*m, *e))
                && e.start.is_some_and(|s| s.earliest <= first.earliest)
                && e.stop.is_none_or(|stop| {
                    stop.latest
                        .succ_opt()
                        .is_some_and(|next| next >= first.earliest)
                })
        })
    {
        members.push(e);
    }
    members
}

/// The index day (the reaction's onset), or the "unknown" finding that says it is not given.
fn index_day(pair: &Pair) -> Result<crate::time::DayRange, Finding> {
    let reaction = &pair.case.reactions[pair.reaction];
    reaction.onset.ok_or_else(|| {
        found!(
            pair,
            "unknown",
            "the index day (onset) is not known",
            vec![ev(format!("{}.onset", reaction.path), "not given")],
        )
    })
}

/// An earlier reaction (of any kind) to this very drug, before this exposure began.
fn earlier_reaction_to_same_drug<'a>(
    pair: &Pair<'a>,
    exposure: &Exposure,
) -> Option<&'a crate::case::PreviousReaction> {
    let start = exposure.start?;
    pair.case
        .patient
        .previous_reactions
        .iter()
        .flatten()
        .find(|p| {
            pair.is_same_drug(&p.drug)
                && p.date.is_none_or(|d| d.latest < start.earliest)
                && pair.case.is_known(p.known)
        })
}

/// Delay from the first intake of the current exposure to the onset (index day),
/// classed against the phenotype's windows: typical is suggestive, above it up
/// to plausible compatible, below it likely, beyond plausible unlikely, and a
/// drug started on or after the index day is excluded. After an earlier reaction
/// to the same drug the re-exposure windows apply, and everything plausible
/// outside their typical window is likely.
pub(super) fn delay_class(pair: &Pair) -> Finding {
    let reaction = &pair.case.reactions[pair.reaction];
    let drug = &pair.case.drugs[pair.drug];
    let onset = match index_day(pair) {
        Ok(day) => day,
        Err(unknown) => return unknown,
    };
    let Some(e) = drug
        .exposures
        .iter()
        .filter(|e| e.start.is_some())
        .max_by_key(|e| e.start.map(|s| s.earliest))
    else {
        return found!(
            pair,
            "unknown",
            "no start date is given for the drug",
            vec![ev(format!("{}.exposures", drug.path), "no start date")],
        );
    };
    let e = current(pair).unwrap_or(e);
    // A titration written as several back-to-back exposures is one course: count from its first day.
    let members = course(pair, e);
    let first = members
        .iter()
        .copied()
        .filter(|m| m.start.is_some())
        .min_by_key(|m| m.start.map(|s| s.earliest))
        .unwrap_or(e);
    let e = first;
    let start = e.start.expect("filtered on start");
    let delay = match &reaction.onset_anchor {
        Some((anchor, span)) if e.id.as_deref() == Some(anchor.as_str()) => *span,
        _ => start.days_until(&onset),
    };
    let traced = pair.traced();
    let mut evidence = if traced {
        vec![
            ev(format!("{}.start", e.path), start),
            ev(format!("{}.onset", reaction.path), onset),
        ]
    } else {
        Vec::new()
    };
    if delay.max <= 0 {
        return found!(
            pair,
            "excluded",
            format!("delay {delay}: started on or after the index day"),
            evidence,
        );
    }
    let Some(window) = pair.phenotype().and_then(|p| p.latency.map(|l| (p, l))) else {
        return found!(
            pair,
            "unknown",
            format!("delay {delay}; no latency window is known for this reaction"),
            evidence,
        );
    };
    let (ph, l) = window;
    let sensitized = earlier_reaction_to_same_drug(pair, e);
    let (t, w, which) = match (&sensitized, l.reexposure) {
        (Some(_), Some(r)) => (
            r.typical,
            r.plausible,
            "after a previous reaction to the same drug",
        ),
        _ => (l.typical, l.plausible, "first exposure"),
    };
    if traced {
        evidence.push(ev(
            &ph.origin,
            format!(
                "{} ({which}): typical {}-{} days, plausible {}-{} days",
                ph.id, t.0, t.1, w.0, w.1
            ),
        ));
        if let Some(p) = sensitized {
            evidence.push(ev(
                &p.path,
                format!("earlier {} with {}", p.reaction, p.drug),
            ));
        }
    }
    let is_sensitized = sensitized.is_some();
    if delay.min <= 0 {
        return found!(
            pair,
            "cannot-tell",
            format!(
                "delay {delay}: the dates cannot tell whether the drug was started before the index day"
            ),
            evidence,
        );
    }
    let said = super::said!(
        pair,
        "delay {delay} from first intake to the index day ({which})"
    );
    let class = |d: i64| -> &'static str {
        if d >= t.0 && d <= t.1 {
            "suggestive"
        } else if d > w.1 {
            "unlikely"
        } else if is_sensitized || d < t.0 {
            "likely"
        } else {
            "compatible"
        }
    };
    let (a, b) = (class(delay.min), class(delay.max));
    if a == b {
        found!(pair, a, format!("{said}: {a}"), evidence)
    } else {
        found!(
            pair,
            "cannot-tell",
            format!("{said}: between {a} and {b}, the dates cannot tell"),
            evidence,
        )
    }
}

/// Whether the drug was still in the body on the index day: taken up to it, or
/// stopped less than the set number of elimination half-lives before. Day
/// precision gives the interval in hours as a range; when the range straddles
/// the limit the answer is "cannot tell".
pub(super) fn drug_presence(pair: &Pair) -> Finding {
    let reaction = &pair.case.reactions[pair.reaction];
    let drug = &pair.case.drugs[pair.drug];
    let onset = match index_day(pair) {
        Ok(day) => day,
        Err(unknown) => return unknown,
    };
    let Some(e) = current(pair) else {
        return found!(
            pair,
            "unknown",
            "no exposure is known to have started by the index day",
            vec![ev(format!("{}.exposures", drug.path), "none before onset")],
        );
    };
    let Some(stop) = e.stop else {
        return found!(
            pair,
            "definite",
            "taken up to the index day (no stop date before it)",
            vec![ev(format!("{}.stop", e.path), "not given: continuing")],
        );
    };
    let days = stop.days_until(&onset);
    let traced = pair.traced();
    let mut evidence = if traced {
        vec![
            ev(format!("{}.stop", e.path), stop),
            ev(format!("{}.onset", reaction.path), onset),
        ]
    } else {
        Vec::new()
    };
    if days.max <= 0 {
        return found!(pair, "definite", "taken up to the index day", evidence);
    }
    let Some(half_life) = pair
        .kb
        .drug(&drug.name)
        .or_else(|| pair.kb.drug(&drug.id))
        .and_then(|k| k.half_life_hours.map(|h| (h, k)))
    else {
        return found!(
            pair,
            "cannot-tell",
            format!(
                "stopped {days} before the index day, and the knowledge base has no half-life for {}",
                drug.name
            ),
            evidence,
        );
    };
    let (h, k) = half_life;
    let (n, set_at) = &pair.kb.elimination_half_lives;
    let limit = n * h;
    if traced {
        evidence.push(ev(
            &k.origin,
            format!("half-life {h} h; {n} half-lives = {limit} h (set at {set_at})"),
        ));
    }
    // The last dose may have been taken at any hour of the stop day, the reaction may have begun at any hour of its day.
    let (lo, hi) = (
        ((days.min - 1).max(0) * 24) as f64,
        ((days.max + 1) * 24) as f64,
    );
    let impaired = [
        pair.case.patient.renal_impairment,
        pair.case.patient.hepatic_impairment,
    ]
    .iter()
    .flatten()
    .any(|i| matches!(i, Impairment::Severe));
    if hi < limit {
        found!(
            pair,
            "definite",
            format!("stopped {days} before the index day: {lo}-{hi} h, under {limit} h"),
            evidence,
        )
    } else if lo > limit {
        if impaired && traced {
            evidence.push(ev(
                "patient",
                "severe renal or hepatic impairment (failure)",
            ));
        }
        if impaired {
            found!(
                pair,
                "doubtful",
                format!(
                    "stopped {days} before the index day: {lo}-{hi} h, over {limit} h, but with liver or kidney failure slowing elimination"
                ),
                evidence,
            )
        } else {
            found!(
                pair,
                "excluded",
                format!("stopped {days} before the index day: {lo}-{hi} h, over {limit} h"),
                evidence,
            )
        }
    } else {
        found!(
            pair,
            "cannot-tell",
            format!(
                "stopped {days} before the index day: {lo}-{hi} h, which day-precision dates cannot place on either side of {limit} h"
            ),
            evidence,
        )
    }
}

/// Earlier exposure to the drug, and what it did: a previous reaction of the
/// same kind or another, to this drug or a similar one, or an exposure tolerated
/// before or after.
pub(super) fn prechallenge(pair: &Pair) -> Finding {
    let case = pair.case;
    let drug = &case.drugs[pair.drug];
    let phenotype = pair.phenotype();
    let traced = pair.traced();
    // The evidence is written only for a traced pair, and only when it is kept.
    let mut best: Option<(u8, &'static str, Option<super::Evidence>)> = None;
    let mut consider = |rank: u8, outcome: &'static str, e: &dyn Fn() -> super::Evidence| {
        if best.as_ref().is_none_or(|b| rank > b.0) {
            best = Some((rank, outcome, traced.then(e)));
        }
    };
    for p in case
        .patient
        .previous_reactions
        .iter()
        .flatten()
        .filter(|p| case.is_known(p.known))
    {
        let same_drug = pair.is_same_drug(&p.drug);
        let similar = !same_drug && pair.is_similar_drug(&p.drug);
        let same_kind = phenotype.is_some_and(|ph| {
            pair.kb
                .phenotype_for_term(&p.reaction, None)
                .is_some_and(|x| x.id == ph.id)
        });
        let e = || ev(&p.path, format!("{}: {}", p.drug, p.reaction));
        match (same_drug, similar, same_kind) {
            (true, _, true) => consider(5, "same-reaction-same-drug", &e),
            (false, true, true) => consider(4, "same-reaction-similar-drug", &e),
            (true, _, false) => consider(4, "other-reaction-same-drug", &e),
            (false, true, false) => consider(3, "other-reaction-similar-drug", &e),
            _ => {}
        }
    }
    let mut tolerance_consulted = false;
    for r in case.rechallenges.iter().filter(|r| r.drug == pair.drug) {
        if r.steps
            .iter()
            .any(|s| s.outcome == StepOutcome::Recurrence && s.reaction == Some(pair.reaction))
        {
            consider(5, "same-reaction-same-drug", &|| {
                ev(&r.path, "the reaction came back on re-exposure")
            });
        } else if r
            .steps
            .iter()
            .any(|s| s.outcome == StepOutcome::OtherReaction)
        {
            consider(4, "other-reaction-same-drug", &|| {
                ev(&r.path, "another reaction on re-exposure")
            });
        } else if !r.steps.is_empty() && r.steps.iter().all(|s| s.outcome == StepOutcome::Tolerated)
        {
            let masked = matches!(
                r.kind,
                crate::case::RechallengeKind::Desensitization
                    | crate::case::RechallengeKind::Graded
            ) || !r.premedication.is_empty();
            if masked {
                tolerance_consulted = true;
                if !pair.policy.is(crate::policy::TOLERANCE, "negative") {
                    continue;
                }
            }
            consider(1, "tolerated", &|| ev(&r.path, "re-exposure tolerated"));
        }
    }
    // An earlier course of the drug, over before the current one began, without a reaction.
    if let Some(cur) = current(pair) {
        let members = course(pair, cur);
        let start = members
            .iter()
            .filter_map(|m| m.start)
            .map(|s| s.earliest)
            .min();
        for e in drug
            .exposures
            .iter()
            .filter(|e| !members.iter().any(|m| std::ptr::eq(*m, *e)))
        {
            let Some(start) = start else { break };
            let start = crate::time::DayRange::day(start);
            if e.stop.is_some_and(|s| s.latest < start.earliest) {
                consider(1, "tolerated", &|| {
                    ev(&e.path, "an earlier course without a recorded reaction")
                });
            }
        }
    }
    let f = match best {
        Some((_, outcome, e)) => found!(
            pair,
            outcome,
            format!("earlier exposure: {outcome}"),
            e.into_iter().collect(),
        ),
        None => found!(
            pair,
            "none",
            "no earlier exposure to this drug or a similar one is known",
            vec![ev("patient.previous_reactions", "nothing for this drug")],
        ),
    };
    if tolerance_consulted {
        f.under(crate::policy::TOLERANCE)
    } else {
        f
    }
}

/// Whether the drug was continued after the index day without harm.
pub(super) fn drug_continued(pair: &Pair) -> Finding {
    let case = pair.case;
    let drug = &case.drugs[pair.drug];
    let continued = case
        .dechallenges
        .iter()
        .filter(|d| d.drug == pair.drug && d.reaction == pair.reaction)
        .find(|d| {
            matches!(
                d.action,
                ActionTaken::DoseNotChanged | ActionTaken::DoseIncreased
            )
        });
    if let Some(d) = continued
        && d.outcome == Course::Improved
    {
        return found!(
            pair,
            "continued-without-harm",
            "the drug was continued and the reaction improved",
            vec![ev(
                &d.path,
                format!("{}, {}", kebab(&d.action), kebab(&d.outcome)),
            )],
        );
    }
    let reaction = &case.reactions[pair.reaction];
    if matches!(
        drug.action_taken,
        Some(ActionTaken::DoseNotChanged | ActionTaken::DoseIncreased)
    ) && matches!(
        reaction.outcome,
        Some(crate::case::ReactionOutcome::Recovered | crate::case::ReactionOutcome::Recovering)
    ) {
        return found!(
            pair,
            "continued-without-harm",
            "the drug was continued and the reaction resolved",
            vec![
                ev(
                    format!("{}.action_taken", drug.path),
                    drug.action_taken.map_or(String::new(), |a| kebab(&a)),
                ),
                ev(
                    format!("{}.outcome", reaction.path),
                    reaction.outcome.map_or(String::new(), |o| kebab(&o)),
                ),
            ],
        );
    }
    let action = drug
        .action_taken
        .map_or("not given".to_owned(), |a| kebab(&a));
    found!(
        pair,
        "stopped-or-unknown",
        "the drug was stopped, or what was done is not known",
        vec![ev(format!("{}.action_taken", drug.path), action)],
    )
}

/// The drug's risk class for the phenotype: from the knowledge base's notoriety
/// entry, else "suspected" when the reaction is labelled or reported with it.
pub(super) fn notoriety(pair: &Pair) -> Finding {
    let drug = &pair.case.drugs[pair.drug];
    let (Some(ph), Some(kd)) = (pair.phenotype(), pair.kb_drug_id()) else {
        return found!(
            pair,
            "unknown",
            format!(
                "{} or this reaction is not in the knowledge base",
                drug.name
            ),
            vec![ev(format!("{}.name", drug.path), &drug.name)],
        );
    };
    if let Some(n) = pair.kb.notoriety(kd, &ph.id)
        && let Some(risk) = n.risk
    {
        let outcome = match risk {
            Risk::High => "high",
            Risk::Associated => "associated",
            Risk::Suspected => "suspected",
            Risk::NotSuspected => "not-suspected",
        };
        return found!(
            pair,
            outcome,
            format!("{kd} is {outcome} risk for {}", ph.id),
            vec![ev(&n.origin, &n.source)],
        );
    }
    if let Some(k) = pair.kb.knowledge(kd, &ph.id)
        && matches!(
            k.listedness,
            crate::kb::Listedness::Labelled | crate::kb::Listedness::Reported
        )
    {
        return found!(
            pair,
            "suspected",
            format!(
                "{} with {kd} is {} but no risk class is known: suspected",
                ph.id,
                kebab(&k.listedness)
            ),
            vec![ev(&k.origin, &k.source)],
        );
    }
    found!(
        pair,
        "unknown",
        format!("nothing is known of {kd} and {}", ph.id),
        vec![ev(
            "rules/kb",
            format!("no notoriety or knowledge entry for {kd} and {}", ph.id),
        )],
    )
}
