//! The time from a drug to a reaction, as the case's times bound it, and the
//! latency windows it is compared with: the drug's own windows for the
//! reaction where the knowledge base has them, else the phenotype's, widened
//! to the re-exposure windows for a sensitized patient.

use super::{Evidence, Pair, ev, said};
use crate::case::{Cycle, EarlierOutcome, Exposure, Point};
use crate::kb::doc::LatencyFrom;
use crate::time::DaySpan;

/// The exposure the reaction followed, and the latency from its start to onset.
pub(super) struct Latency<'a> {
    /// The exposure in effect at onset.
    pub exposure: &'a Exposure,
    /// The first exposure of its course (itself, unless a dose change ran into it).
    pub first: &'a Exposure,
    pub span: DaySpan,
    /// The facts behind the latency, one by one.
    pub evidence: Vec<Evidence>,
    /// The latency and the chain of facts it rests on, in words.
    pub how: String,
}

/// The course an exposure belongs to: it and the exposures that surely run
/// into it without a gap of more than a day (a dose titration), back to the first.
pub(super) fn course<'a>(pair: &Pair<'a>, cur: &'a Exposure) -> Vec<&'a Exposure> {
    let times = &pair.case.times;
    let exposures = &pair.case.drugs[pair.drug].exposures;
    let mut members: Vec<&Exposure> = vec![cur];
    // The member no other member surely precedes: the course's first so far.
    let first = |members: &[&'a Exposure]| -> &'a Exposure {
        members
            .iter()
            .copied()
            .find(|m| {
                members
                    .iter()
                    .all(|o| times.between(o.start_at, m.start_at).min <= 0)
            })
            .unwrap_or(members[0])
    };
    loop {
        let head = first(&members);
        let joining = exposures.iter().find(|e| {
            !members.iter().any(|m| std::ptr::eq(*m, *e))
                && times.between(e.start_at, head.start_at).min >= 0
                && times.linked(e.start_at, head.start_at)
                && (!e.stopped || times.between(e.stop_at, head.start_at).max <= 1)
        });
        match joining {
            Some(e) => members.push(e),
            None => break,
        }
    }
    members
}

/// The first exposure of a course.
pub(super) fn course_start<'a>(pair: &Pair<'a>, members: &[&'a Exposure]) -> &'a Exposure {
    let times = &pair.case.times;
    members
        .iter()
        .copied()
        .find(|m| {
            members
                .iter()
                .all(|o| times.between(o.start_at, m.start_at).min <= 0)
        })
        .unwrap_or(members[0])
}

/// Why no latency could be computed.
pub(super) enum NoLatency {
    /// Nothing links the drug to the onset (reasoning, evidence).
    Unknown(String, Vec<Evidence>),
    /// Every exposure surely started after the onset.
    DrugAfterOnset(String, Vec<Evidence>),
}

/// The facts behind the days from `from` to `to`, as evidence, and in one sentence.
pub(super) fn chain(pair: &Pair, from: Point, to: Point) -> (Vec<Evidence>, String) {
    if !pair.traced() {
        return (Vec::new(), String::new());
    }
    let case = pair.case;
    let words = case.words();
    let evidence = case
        .times
        .explain(from, to)
        .iter()
        .map(|f| ev(words.path(f), words.fact(f)))
        .collect();
    (evidence, case.chain(from, to))
}

/// Finds the exposure in effect at onset and the latency from its start.
pub(super) fn latency<'a>(pair: &Pair<'a>) -> Result<Latency<'a>, NoLatency> {
    let case = pair.case;
    let drug = &case.drugs[pair.drug];
    let reaction = &case.reactions[pair.reaction];
    let times = &case.times;
    if let Some(at_onset) = pair.exposure_at_onset() {
        // A dose change written as back-to-back exposures is one course: count from its first day.
        let e = course_start(pair, &course(pair, at_onset));
        let span = pair.to_onset(e.start_at);
        let (evidence, why) = chain(pair, e.start_at, reaction.onset_at);
        let how = if pair.traced() {
            let name = e.id.as_deref().unwrap_or(drug.id.as_str());
            let dates = match (e.start, reaction.onset) {
                (Some(s), Some(o)) => format!("; start {s}, onset {o}"),
                (Some(s), None) => format!("; start {s}"),
                (None, Some(o)) => format!("; onset {o}"),
                (None, None) => String::new(),
            };
            format!("onset {span} after the start of `{name}`, as {why}{dates}")
        } else {
            String::new()
        };
        return Ok(Latency {
            exposure: at_onset,
            first: e,
            span,
            evidence,
            how,
        });
    }
    let linked: Vec<&Exposure> = drug
        .exposures
        .iter()
        .filter(|e| times.linked(e.start_at, reaction.onset_at))
        .collect();
    if let Some(first) = linked.first() {
        // Linked, yet none may have started by the onset: every one came after it.
        let (evidence, why) = chain(pair, first.start_at, reaction.onset_at);
        return Err(NoLatency::DrugAfterOnset(
            said!(
                pair,
                "every exposure to `{}` started after the onset of `{}`, as {why}",
                drug.id,
                reaction.id
            ),
            evidence,
        ));
    }
    let evidence = if pair.traced() {
        let mut evidence = vec![ev(
            format!("{}.onset", reaction.path),
            reaction
                .onset
                .map_or("not given".to_owned(), |o| o.to_string()),
        )];
        evidence.extend(drug.exposures.iter().map(|e| {
            ev(
                format!("{}.start", e.path),
                e.start.map_or("not given".into(), |s| s.to_string()),
            )
        }));
        evidence
    } else {
        Vec::new()
    };
    Err(NoLatency::Unknown(
        said!(
            pair,
            "no time in the case links the start of `{}` to the onset of `{}`",
            drug.id,
            reaction.id
        ),
        evidence,
    ))
}

/// The windows a latency is compared with, and where they come from.
pub(super) struct Window {
    pub typical: (i64, i64),
    pub plausible: (i64, i64),
    /// "first-exposure", or "first-exposure and re-exposure" for a sensitized patient.
    pub which: &'static str,
    pub from: LatencyFrom,
    /// The knowledge-base entry, for evidence.
    pub origin: String,
    /// "lenalidomide and maculopapular-exanthem" or the phenotype id.
    pub of: String,
    /// Why the patient counts as sensitized, when they do.
    pub sensitized: Option<Evidence>,
}

/// The windows for the pair: the drug's own for this reaction, else the
/// phenotype's; `None` when neither is known.
pub(super) fn window(pair: &Pair, exposure: &Exposure) -> Option<Window> {
    let ph = pair.phenotype()?;
    let own = pair.knowledge().and_then(|k| {
        k.latency.map(|l| {
            (
                l,
                k.origin.clone(),
                format!("{} and {}", pair.kb.subject_name(&k.subject), ph.id),
            )
        })
    });
    let (l, origin, of) = match own {
        Some(x) => x,
        None => (ph.latency?, ph.origin.clone(), ph.id.clone()),
    };
    let sensitized = sensitization(pair, exposure);
    // A sensitized patient may react on re-exposure's shorter latency or on the
    // first exposure's: either window counts.
    let (typical, plausible, which) = match (&sensitized, l.reexposure) {
        (Some(_), Some(r)) => (
            (r.typical.0.min(l.typical.0), r.typical.1.max(l.typical.1)),
            (
                r.plausible.0.min(l.plausible.0),
                r.plausible.1.max(l.plausible.1),
            ),
            "first-exposure and re-exposure",
        ),
        _ => (l.typical, l.plausible, "first-exposure"),
    };
    Some(Window {
        typical,
        plausible,
        which,
        from: l.from,
        origin,
        of,
        sensitized,
    })
}

/// Which of `compatible`, `compatible-not-coherent` and `incompatible` some
/// latency in the intervals gives: inside the typical window, inside the
/// plausible window only, outside it. An interval's end may be unbounded.
pub(super) fn window_classes(
    intervals: &[(i64, i64)],
    t: (i64, i64),
    w: (i64, i64),
) -> Vec<&'static str> {
    let meets = |(a, b): (i64, i64), (lo, hi): (i64, i64)| lo <= hi && a <= hi && b >= lo;
    let mut out = Vec::new();
    if intervals.iter().any(|&i| meets(i, t)) {
        out.push("compatible");
    }
    if intervals
        .iter()
        .any(|&i| meets(i, (w.0, t.0 - 1)) || meets(i, (t.1 + 1, w.1)))
    {
        out.push("compatible-not-coherent");
    }
    if intervals.iter().any(|&(a, b)| a < w.0 || b > w.1) {
        out.push("incompatible");
    }
    out
}

/// The days since the start of the current cycle that a latency from the first
/// dose may give: one interval, two when it wraps into the next cycle, or the
/// whole cycle.
pub(super) fn within_cycle(span: DaySpan, cycle: Cycle) -> Vec<(i64, i64)> {
    let len = i64::from(cycle.length);
    if span.max - span.min + 1 >= len {
        return vec![(0, len - 1)];
    }
    let (a, b) = (span.min.rem_euclid(len), span.max.rem_euclid(len));
    if a <= b {
        vec![(a, b)]
    } else {
        vec![(a, len - 1), (0, b)]
    }
}

/// Why the patient counts as already sensitized to this drug, if they do: an
/// earlier reaction of the same kind to it (or a similar drug), recorded in the
/// history, as an earlier exposure, or earlier in this case, before this exposure began.
fn sensitization(pair: &Pair, exposure: &Exposure) -> Option<Evidence> {
    let case = pair.case;
    let times = &case.times;
    let phenotype = pair.phenotype()?;
    let drug = &case.drugs[pair.drug];
    let related = |name: &str| pair.is_same_drug(name) || pair.is_similar_drug(name);
    let same_kind = |term: &str| {
        pair.kb
            .phenotype_for_term(term, None)
            .is_some_and(|x| x.id == phenotype.id)
    };
    // Before the exposure: surely so, or undated.
    let before = |at: Point| {
        let s = times.between(at, exposure.start_at);
        !(s.has_min() || s.has_max()) || s.min > 0
    };
    if let Some(history) = &case.patient.previous_reactions {
        for p in history {
            if same_kind(&p.reaction) && before(p.at) && related(&p.drug) {
                return Some(ev(
                    &p.path,
                    format!(
                        "earlier {} with {}: the patient was already sensitized",
                        p.reaction, p.drug
                    ),
                ));
            }
        }
    }
    for x in &drug.earlier {
        if x.outcome == EarlierOutcome::Reaction
            && x.reaction.as_deref().is_some_and(same_kind)
            && case.is_known(x.known)
        {
            return Some(ev(
                &x.path,
                format!(
                    "an earlier exposure to {} caused {}: the patient was already sensitized",
                    drug.name,
                    x.reaction.as_deref().unwrap_or("")
                ),
            ));
        }
    }
    for (i, r) in case.reactions.iter().enumerate() {
        if i == pair.reaction || !case.is_known(r.known) {
            continue;
        }
        let kind = super::phenotype_of(pair.kb, r).is_some_and(|x| x.id == phenotype.id);
        // Only an earlier reaction while on this drug sensitizes to it.
        let on_drug = drug.exposures.iter().any(|e| {
            times.between(e.start_at, r.onset_at).max >= 0 && times.linked(e.start_at, r.onset_at)
        });
        if kind && on_drug && times.between(r.onset_at, exposure.start_at).min > 0 {
            return Some(ev(
                format!("{}.onset", r.path),
                format!(
                    "earlier {} in this case: the patient was already sensitized",
                    r.term
                ),
            ));
        }
    }
    None
}

/// Where in its cycle a latency from the first dose of the course falls.
pub(super) fn cycle_position(latency: DaySpan, cycle: Cycle) -> String {
    let len = i64::from(cycle.length);
    if latency.min < 0 {
        return "before the course began".to_owned();
    }
    if !latency.has_max() {
        return format!("in cycle {} or later", latency.min / len + 1);
    }
    let (first, last) = (latency.min / len, latency.max / len);
    if first != last {
        return format!(
            "somewhere in cycles {} to {} (the dates are too imprecise to say which)",
            first + 1,
            last + 1
        );
    }
    let day = DaySpan {
        min: latency.min - first * len + 1,
        max: latency.max - first * len + 1,
    };
    let days = if day.min == day.max {
        format!("day {}", day.min)
    } else {
        format!("days {}-{}", day.min, day.max)
    };
    let rest = if day.min > i64::from(cycle.last_day) {
        ", during the rest days"
    } else if day.max > i64::from(cycle.last_day) {
        ", at the end of dosing or in the rest days"
    } else {
        ""
    };
    format!("{days} of cycle {}{rest}", first + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::UNBOUNDED;

    const C: Cycle = Cycle {
        first_day: 1,
        last_day: 21,
        length: 28,
    };

    #[test]
    fn cycle_positions_count_from_day_one_of_each_cycle() {
        assert_eq!(
            cycle_position(DaySpan { min: 2, max: 3 }, C),
            "days 3-4 of cycle 1"
        );
        assert_eq!(cycle_position(DaySpan::exact(30), C), "day 3 of cycle 2");
        assert!(cycle_position(DaySpan::exact(23), C).ends_with("during the rest days"));
        assert!(
            cycle_position(DaySpan { min: 20, max: 40 }, C)
                .starts_with("somewhere in cycles 1 to 2")
        );
        assert_eq!(
            cycle_position(
                DaySpan {
                    min: 60,
                    max: UNBOUNDED
                },
                C
            ),
            "in cycle 3 or later"
        );
    }

    #[test]
    fn classes_are_every_reading_the_interval_allows() {
        let (t, w) = ((4, 14), (1, 21));
        assert_eq!(window_classes(&[(5, 10)], t, w), ["compatible"]);
        assert_eq!(
            window_classes(&[(2, 10)], t, w),
            ["compatible", "compatible-not-coherent"]
        );
        assert_eq!(
            window_classes(&[(15, 21)], t, w),
            ["compatible-not-coherent"]
        );
        assert_eq!(
            window_classes(&[(0, 30)], t, w),
            ["compatible", "compatible-not-coherent", "incompatible"]
        );
        assert_eq!(window_classes(&[(169, UNBOUNDED)], t, w), ["incompatible"]);
        // A window whose typical part starts the plausible one.
        assert_eq!(window_classes(&[(0, 0)], (0, 0), (0, 1)), ["compatible"]);
    }

    #[test]
    fn latencies_fold_into_the_current_cycle() {
        assert_eq!(within_cycle(DaySpan::exact(71), C), vec![(15, 15)]);
        assert_eq!(
            within_cycle(DaySpan { min: 50, max: 60 }, C),
            vec![(22, 27), (0, 4)]
        );
        assert_eq!(within_cycle(DaySpan { min: 0, max: 40 }, C), vec![(0, 27)]);
    }
}
