//! Findings about the drug's own exposure, for methods that weigh every drug a
//! patient took (ALDEN): the delay class of the first intake, whether the drug
//! was still in the body at onset, earlier exposures and reactions, whether it
//! was continued, and its risk class for the phenotype.

use super::latency::{course, course_start};
use super::{Finding, Pair, ev, found, kebab};
use crate::case::{ActionTaken, Course, Exposure, Impairment, StepOutcome};

/// The exposure in effect at onset.
fn current<'a>(pair: &Pair<'a>) -> Option<&'a Exposure> {
    pair.exposure_at_onset()
}

/// The "unknown" finding when nothing places the index day (the onset).
fn index_day_unknown(pair: &Pair) -> Option<Finding> {
    let reaction = &pair.case.reactions[pair.reaction];
    let drug = &pair.case.drugs[pair.drug];
    let times = &pair.case.times;
    let placed = drug
        .exposures
        .iter()
        .any(|e| times.linked(e.start_at, reaction.onset_at));
    (!placed).then(|| {
        found!(
            pair,
            "unknown",
            format!(
                "no time in the case links the index day (the onset of `{}`) to `{}`",
                reaction.id, drug.id
            ),
            vec![ev(
                format!("{}.onset", reaction.path),
                reaction
                    .onset
                    .map_or("not given".to_owned(), |o| o.to_string()),
            )],
        )
    })
}

/// An earlier reaction (of any kind) to this very drug, before this exposure
/// began: its path and what it was.
fn earlier_reaction_to_same_drug(pair: &Pair, exposure: &Exposure) -> Option<(String, String)> {
    let times = &pair.case.times;
    let before = |at: crate::case::Point| {
        let s = times.between(at, exposure.start_at);
        !(s.has_min() || s.has_max()) || s.min > 0
    };
    let drug = &pair.case.drugs[pair.drug];
    if let Some(x) = drug
        .earlier
        .iter()
        .find(|x| x.outcome == crate::case::EarlierOutcome::Reaction && pair.case.is_known(x.known))
    {
        return Some((
            x.path.clone(),
            format!(
                "earlier {} with {}",
                x.reaction.as_deref().unwrap_or("reaction"),
                drug.name
            ),
        ));
    }
    pair.case
        .patient
        .previous_reactions
        .iter()
        .flatten()
        .find(|p| pair.is_same_drug(&p.drug) && before(p.at) && pair.case.is_known(p.known))
        .map(|p| {
            (
                p.path.clone(),
                format!("earlier {} with {}", p.reaction, p.drug),
            )
        })
}

/// Delay from the first intake of the current course to the onset (index day),
/// classed against the phenotype's windows: typical is suggestive, above it up
/// to plausible compatible, below it likely, beyond plausible unlikely, and a
/// drug started on or after the index day is excluded. After an earlier reaction
/// to the same drug the re-exposure windows apply, and everything plausible
/// outside their typical window is likely. A delay the times leave open
/// between classes gives each class it allows.
pub(super) fn delay_class(pair: &Pair) -> Finding {
    let reaction = &pair.case.reactions[pair.reaction];
    let drug = &pair.case.drugs[pair.drug];
    let times = &pair.case.times;
    if let Some(unknown) = index_day_unknown(pair) {
        return unknown;
    }
    // The exposure in effect at onset, else the last one placed against the onset.
    let Some(e) = current(pair).or_else(|| {
        drug.exposures
            .iter()
            .rfind(|e| times.linked(e.start_at, reaction.onset_at))
    }) else {
        return found!(
            pair,
            "unknown",
            "no start is given for the drug",
            vec![ev(format!("{}.exposures", drug.path), "no start")],
        );
    };
    // A titration written as several back-to-back exposures is one course: count from its first day.
    let members = course(pair, e);
    let e = course_start(pair, &members);
    let delay = pair.to_onset(e.start_at);
    let traced = pair.traced();
    let (mut evidence, why) = super::latency::chain(pair, e.start_at, reaction.onset_at);
    if delay.max <= 0 {
        return found!(
            pair,
            "excluded",
            format!("delay {delay}: started on or after the index day ({why})"),
            evidence,
        );
    }
    let Some((ph, l)) = pair.phenotype().and_then(|p| p.latency.map(|l| (p, l))) else {
        return found!(
            pair,
            "unknown",
            format!("delay {delay}; no latency window is known for this reaction ({why})"),
            evidence,
        );
    };
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
        if let Some((path, what)) = &sensitized {
            evidence.push(ev(path, what));
        }
    }
    if delay.min <= 0 {
        return found!(
            pair,
            "cannot-tell",
            format!(
                "delay {delay}: the times cannot tell whether the drug was started before the index day ({why})"
            ),
            evidence,
        );
    }
    let said = super::said!(
        pair,
        "delay {delay} from first intake to the index day ({which}): {why}"
    );
    // Each class and the delays it takes, in the order of the criterion.
    let ranges: [(&'static str, i64, i64); 4] = if sensitized.is_some() {
        [
            ("suggestive", t.0, t.1),
            ("likely", 1, t.0 - 1),
            ("likely", t.1 + 1, w.1),
            ("unlikely", w.1 + 1, crate::time::UNBOUNDED),
        ]
    } else {
        [
            ("suggestive", t.0, t.1),
            ("compatible", t.1 + 1, w.1),
            ("likely", 1, t.0 - 1),
            ("unlikely", w.1 + 1, crate::time::UNBOUNDED),
        ]
    };
    let mut classes: Vec<&'static str> = Vec::new();
    for (class, lo, hi) in ranges {
        if lo <= hi && delay.min <= hi && delay.max >= lo && !classes.contains(&class) {
            classes.push(class);
        }
    }
    match classes[..] {
        [one] => found!(pair, one, format!("{said}: {one}"), evidence),
        _ if !delay.has_max() => found!(
            pair,
            "unknown",
            format!("{said}: the case gives the order but not how long before"),
            evidence,
        ),
        _ => found!(
            pair,
            "cannot-tell",
            format!("{said}: could be {}", classes.join(" or ")),
            evidence,
        )
        .one_of(classes),
    }
}

/// Whether the drug was still in the body on the index day: taken up to it, or
/// stopped less than the set number of elimination half-lives before. Day
/// precision gives the interval in hours as a range; a range on both sides of
/// the limit allows both answers, and the rule file says which it takes.
pub(super) fn drug_presence(pair: &Pair) -> Finding {
    let reaction = &pair.case.reactions[pair.reaction];
    let drug = &pair.case.drugs[pair.drug];
    if let Some(unknown) = index_day_unknown(pair) {
        return unknown;
    }
    let Some(e) = current(pair) else {
        return found!(
            pair,
            "unknown",
            "no exposure is known to have started by the index day",
            vec![ev(format!("{}.exposures", drug.path), "none before onset")],
        );
    };
    if !e.stopped {
        return found!(
            pair,
            "definite",
            "taken up to the index day (no stop before it)",
            vec![ev(format!("{}.stop", e.path), "not given: continuing")],
        );
    }
    let days = pair.to_onset(e.stop_at);
    let traced = pair.traced();
    let (mut evidence, why) = super::latency::chain(pair, e.stop_at, reaction.onset_at);
    if days.max <= 0 {
        return found!(
            pair,
            "definite",
            format!("taken up to the index day ({why})"),
            evidence
        );
    }
    if !days.has_min() {
        return found!(
            pair,
            "cannot-tell",
            format!(
                "the times do not say how long before the index day the drug was stopped ({why})"
            ),
            evidence,
        );
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
                "stopped {days} before the index day, and the knowledge base has no half-life for {} ({why})",
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
    let lo = ((days.min - 1).max(0) * 24) as f64;
    let hi = if days.has_max() {
        ((days.max + 1) * 24) as f64
    } else {
        f64::INFINITY
    };
    let impaired = [
        pair.case.patient.renal_impairment,
        pair.case.patient.hepatic_impairment,
    ]
    .iter()
    .flatten()
    .any(|i| matches!(i, Impairment::Severe));
    let gone = if impaired { "doubtful" } else { "excluded" };
    if impaired && traced && hi >= limit {
        evidence.push(ev(
            "patient",
            "severe renal or hepatic impairment (failure)",
        ));
    }
    let hours = if hi.is_finite() {
        format!("{lo}-{hi} h")
    } else {
        format!("at least {lo} h")
    };
    if hi < limit {
        found!(
            pair,
            "definite",
            format!("stopped {days} before the index day: {hours}, under {limit} h ({why})"),
            evidence,
        )
    } else if lo > limit {
        let failure = if impaired {
            ", but with liver or kidney failure slowing elimination"
        } else {
            ""
        };
        found!(
            pair,
            gone,
            format!(
                "stopped {days} before the index day: {hours}, over {limit} h{failure} ({why})"
            ),
            evidence,
        )
    } else {
        found!(
            pair,
            "cannot-tell",
            format!(
                "stopped {days} before the index day: {hours}, which the times cannot place on either side of {limit} h ({why})"
            ),
            evidence,
        )
        .one_of(vec!["definite", gone])
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
        let e = || {
            let why = pair
                .similarity(&p.drug)
                .map_or(String::new(), |w| format!(" (similar: {w})"));
            ev(&p.path, format!("{}: {}{why}", p.drug, p.reaction))
        };
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
    // Earlier exposures the case records, dated or not.
    for x in drug.earlier.iter().filter(|x| case.is_known(x.known)) {
        let same_kind = phenotype.is_some_and(|ph| {
            x.reaction
                .as_deref()
                .and_then(|r| pair.kb.phenotype_for_term(r, None))
                .is_some_and(|p| p.id == ph.id)
        });
        let e = || {
            ev(
                &x.path,
                match (&x.reaction, x.outcome) {
                    (Some(r), crate::case::EarlierOutcome::Reaction) => {
                        format!("an earlier exposure caused {r}")
                    }
                    _ => format!("an earlier exposure: {}", kebab(&x.outcome)),
                },
            )
        };
        match x.outcome {
            crate::case::EarlierOutcome::Reaction if same_kind => {
                consider(5, "same-reaction-same-drug", &e)
            }
            crate::case::EarlierOutcome::Reaction => consider(4, "other-reaction-same-drug", &e),
            crate::case::EarlierOutcome::Tolerated => consider(1, "tolerated", &e),
            crate::case::EarlierOutcome::Unknown => {}
        }
    }
    // An earlier course of the drug, over before the current one began, without a reaction.
    if let Some(cur) = current(pair) {
        let members = course(pair, cur);
        let first = course_start(pair, &members);
        let times = &case.times;
        for e in drug
            .exposures
            .iter()
            .filter(|e| !members.iter().any(|m| std::ptr::eq(*m, *e)))
        {
            if e.stopped && times.between(e.stop_at, first.start_at).min > 0 {
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
    // Stopped: withdrawn, a dechallenge records its withdrawal, or the
    // exposure in effect at onset stopped (unless the action taken says the
    // drug went on: an earlier course that ended says nothing of this one).
    let continued = matches!(
        drug.action_taken,
        Some(ActionTaken::DoseNotChanged | ActionTaken::DoseIncreased)
    );
    let stopped = matches!(drug.action_taken, Some(ActionTaken::Withdrawn))
        || case.dechallenges.iter().any(|d| {
            d.drug == pair.drug && d.reaction == pair.reaction && d.action == ActionTaken::Withdrawn
        })
        || (!continued && pair.exposure_at_onset().is_some_and(|e| e.stopped));
    if stopped {
        found!(
            pair,
            "stopped",
            "the drug was stopped",
            vec![ev(format!("{}.action_taken", drug.path), action)],
        )
    } else if continued {
        found!(
            pair,
            "unknown",
            format!(
                "the drug was continued, and the reaction's outcome ({}) does not show it went on without harm",
                reaction
                    .outcome
                    .map_or("not given".to_owned(), |o| kebab(&o))
            ),
            vec![
                ev(format!("{}.action_taken", drug.path), action),
                ev(
                    format!("{}.outcome", reaction.path),
                    reaction
                        .outcome
                        .map_or("not given".to_owned(), |o| kebab(&o)),
                ),
            ],
        )
    } else {
        found!(
            pair,
            "unknown",
            "whether the drug was continued is not known",
            vec![ev(format!("{}.action_taken", drug.path), action)],
        )
    }
}
