//! Timing findings: did the reaction follow the drug, and does its latency fit
//! the phenotype's windows from the knowledge base.

use super::{Evidence, Finding, Pair, ev, finding, said};
use crate::case::{Cycle, Exposure};
use crate::time::{DaySpan, Fit};

/// The exposure the reaction followed, and the latency from its start to onset.
struct Latency<'a> {
    exposure: &'a Exposure,
    span: DaySpan,
    evidence: Vec<Evidence>,
    how: String,
}

/// Finds the exposure in effect at onset: the one the onset was written
/// relative to, or else the latest one that may have started by onset.
fn latency<'a>(pair: &Pair<'a>) -> Result<Latency<'a>, NoLatency> {
    let drug = &pair.case.drugs[pair.drug];
    let reaction = &pair.case.reactions[pair.reaction];
    let Some(onset) = reaction.onset else {
        return Err(NoLatency::Unknown(
            said!(pair, "the onset of `{}` is not known", reaction.id),
            traced(pair, || {
                vec![ev(format!("{}.onset", reaction.path), "not given")]
            }),
        ));
    };
    let onset_ev = || ev(format!("{}.onset", reaction.path), onset);
    if let Some((anchor, span)) = &reaction.onset_anchor {
        let anchored = if anchor == &drug.id {
            drug.exposures
                .iter()
                .filter(|e| e.start.is_some())
                .min_by_key(|e| e.start.map(|s| s.earliest))
        } else {
            drug.exposures
                .iter()
                .find(|e| e.id.as_deref() == Some(anchor.as_str()))
        };
        if let Some(e) = anchored {
            return Ok(Latency {
                exposure: e,
                span: *span,
                evidence: traced(pair, || {
                    vec![
                        onset_ev(),
                        ev(
                            format!("{}.start", e.path),
                            e.start.map_or("not given".into(), |s| s.to_string()),
                        ),
                    ]
                }),
                how: said!(
                    pair,
                    "onset was given as {span} after the start of `{anchor}`"
                ),
            });
        }
    }
    let candidates: Vec<&Exposure> = drug
        .exposures
        .iter()
        .filter(|e| e.start.is_some_and(|s| s.earliest <= onset.latest))
        .collect();
    let Some(e) = candidates
        .into_iter()
        .max_by_key(|e| e.start.map(|s| s.earliest))
    else {
        let evidence = traced(pair, || {
            let mut evidence = vec![onset_ev()];
            evidence.extend(drug.exposures.iter().map(|e| {
                ev(
                    format!("{}.start", e.path),
                    e.start.map_or("not given".into(), |s| s.to_string()),
                )
            }));
            evidence
        });
        return Err(if drug.exposures.iter().any(|e| e.start.is_some()) {
            NoLatency::DrugAfterOnset(
                said!(
                    pair,
                    "every exposure to `{}` started after the onset of `{}`",
                    drug.id,
                    reaction.id
                ),
                evidence,
            )
        } else {
            NoLatency::Unknown(
                said!(pair, "no start date is given for `{}`", drug.id),
                evidence,
            )
        });
    };
    let start = e.start.expect("filtered on start");
    let span = start.days_until(&onset);
    Ok(Latency {
        exposure: e,
        span,
        evidence: traced(pair, || {
            vec![ev(format!("{}.start", e.path), start), onset_ev()]
        }),
        how: said!(pair, "from start {start} to onset {onset} is {span}"),
    })
}

/// Evidence, gathered only for a traced pair.
fn traced(pair: &Pair, evidence: impl FnOnce() -> Vec<Evidence>) -> Vec<Evidence> {
    if pair.traced() {
        evidence()
    } else {
        Vec::new()
    }
}

/// Why no latency could be computed.
enum NoLatency {
    Unknown(String, Vec<Evidence>),
    DrugAfterOnset(String, Vec<Evidence>),
}

pub(super) fn event_after_drug(pair: &Pair) -> Finding {
    match latency(pair) {
        Ok(l) if l.span.min >= 0 => finding(
            "yes",
            said!(pair, "{}: the reaction followed the drug", l.how),
            l.evidence,
        ),
        Ok(l) if l.span.max < 0 => finding(
            "no",
            said!(pair, "{}: the reaction came first", l.how),
            l.evidence,
        ),
        Ok(l) => finding(
            "unknown",
            said!(
                pair,
                "{}: the dates are too imprecise to tell which came first",
                l.how
            ),
            l.evidence,
        ),
        Err(NoLatency::DrugAfterOnset(why, evidence)) => finding("no", why, evidence),
        Err(NoLatency::Unknown(why, evidence)) => finding("unknown", why, evidence),
    }
}

pub(super) fn time_to_onset(pair: &Pair) -> Finding {
    let l = match latency(pair) {
        Ok(l) => l,
        Err(NoLatency::DrugAfterOnset(why, evidence)) => {
            return finding("incompatible", why, evidence);
        }
        Err(NoLatency::Unknown(why, evidence)) => return finding("unknown", why, evidence),
    };
    let mut evidence = l.evidence;
    if l.span.max < 0 {
        return finding(
            "incompatible",
            said!(
                pair,
                "{}: the drug was started after the reaction began",
                l.how
            ),
            evidence,
        );
    }
    let Some(phenotype) = pair.phenotype() else {
        let r = &pair.case.reactions[pair.reaction];
        evidence.push(ev(format!("{}.term", r.path), &r.term));
        return finding(
            "unknown",
            format!(
                "{}; the term `{}` matches no phenotype in the knowledge base, so there is no window to compare with",
                l.how, r.term
            ),
            evidence,
        );
    };
    let Some(window) = phenotype.latency else {
        evidence.push(ev(
            &phenotype.origin,
            format!("phenotype `{}` has no latency window", phenotype.id),
        ));
        return finding(
            "unknown",
            format!("{}; no latency window is known for {}", l.how, phenotype.id),
            evidence,
        );
    };
    let sensitized = sensitization(pair, l.exposure);
    // A sensitized patient may react on re-exposure's shorter latency or on the
    // first exposure's: either window counts.
    let (t, w, which) = match (&sensitized, window.reexposure) {
        (Some(_), Some(r)) => (
            (
                r.typical.0.min(window.typical.0),
                r.typical.1.max(window.typical.1),
            ),
            (
                r.plausible.0.min(window.plausible.0),
                r.plausible.1.max(window.plausible.1),
            ),
            "first-exposure and re-exposure",
        ),
        _ => (window.typical, window.plausible, "first-exposure"),
    };
    if pair.traced() {
        evidence.push(ev(
            &phenotype.origin,
            format!(
                "{}: {which} windows typical {}-{} days, plausible {}-{} days",
                phenotype.id, t.0, t.1, w.0, w.1
            ),
        ));
        if let Some(why) = &sensitized {
            evidence.push(why.clone());
        }
    }
    let latency = l.span;
    let said = said!(
        pair,
        "{}; compared with the {} {which} windows (typical {}-{}, plausible {}-{} days)",
        l.how,
        phenotype.id,
        t.0,
        t.1,
        w.0,
        w.1
    );
    // For cyclic regimens the latency is also shown from the start of the current cycle.
    let mut cycle_note = String::new();
    if pair.traced()
        && let Some(regimen) = &l.exposure.regimen
        && let Some(cycle) = regimen.cycle
    {
        let position = cycle_position(latency, cycle);
        evidence.push(ev(
            format!("{}.regimen", l.exposure.path),
            format!("{}: onset on {position}", regimen.text),
        ));
        cycle_note = format!("; counted from the start of the current cycle, onset on {position}");
    }
    // A reaction that began longer after the last dose than any plausible latency did not come from this exposure.
    let onset = pair.case.reactions[pair.reaction].onset;
    if let (Some(stop), Some(onset)) = (l.exposure.stop, onset) {
        let since_stop = stop.days_until(&onset);
        if since_stop.min > w.1 {
            if pair.traced() {
                evidence.push(ev(format!("{}.stop", l.exposure.path), stop));
            }
            return finding(
                "incompatible",
                said!(
                    pair,
                    "{said}; but the onset came {since_stop} after the drug was stopped, longer than the longest plausible latency{cycle_note}"
                ),
                evidence,
            );
        }
    }
    match (latency.fits(t.0, t.1), latency.fits(w.0, w.1)) {
        (Fit::Inside, _) => finding(
            "compatible",
            said!(pair, "{said}: inside the typical window{cycle_note}"),
            evidence,
        ),
        (Fit::Outside, Fit::Inside) => finding(
            "compatible-not-coherent",
            said!(
                pair,
                "{said}: outside the typical window but inside the plausible one{cycle_note}"
            ),
            evidence,
        ),
        (_, Fit::Outside) => finding(
            "incompatible",
            said!(pair, "{said}: outside the plausible window{cycle_note}"),
            evidence,
        ),
        _ => finding(
            "cannot-tell",
            said!(
                pair,
                "{said}: the dates are too imprecise to decide{cycle_note}"
            ),
            evidence,
        ),
    }
}

/// Why the patient counts as already sensitized to this drug, if they do: an
/// earlier reaction of the same kind to it (or a similar drug), recorded in the
/// history or earlier in this case, before this exposure began.
fn sensitization(pair: &Pair, exposure: &Exposure) -> Option<Evidence> {
    let case = pair.case;
    let phenotype = pair.phenotype()?;
    let start = exposure.start?;
    let drug = &case.drugs[pair.drug];
    let related = |name: &str| pair.is_same_drug(name) || pair.is_similar_drug(name);
    if let Some(history) = &case.patient.previous_reactions {
        for p in history {
            let same_kind = pair
                .kb
                .phenotype_for_term(&p.reaction, None)
                .is_some_and(|x| x.id == phenotype.id);
            let before = p.date.is_none_or(|d| d.latest < start.earliest);
            if same_kind && before && related(&p.drug) {
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
    for (i, r) in case.reactions.iter().enumerate() {
        if i == pair.reaction || !case.is_known(r.known) {
            continue;
        }
        let same_kind = super::phenotype_of(pair.kb, r).is_some_and(|x| x.id == phenotype.id);
        // Only an earlier reaction while on this drug sensitizes to it.
        let on_drug = drug.exposures.iter().any(|e| {
            e.start
                .zip(r.onset)
                .is_some_and(|(s, o)| s.earliest <= o.latest)
        });
        if same_kind && on_drug && r.onset.is_some_and(|o| o.latest < start.earliest) {
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
fn cycle_position(latency: DaySpan, cycle: Cycle) -> String {
    let len = i64::from(cycle.length);
    if latency.min < 0 {
        return "before the course began".to_owned();
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

    #[test]
    fn cycle_positions_count_from_day_one_of_each_cycle() {
        let c = Cycle {
            first_day: 1,
            last_day: 21,
            length: 28,
        };
        assert_eq!(
            cycle_position(DaySpan { min: 2, max: 3 }, c),
            "days 3-4 of cycle 1"
        );
        assert_eq!(cycle_position(DaySpan::exact(30), c), "day 3 of cycle 2");
        assert!(cycle_position(DaySpan::exact(23), c).ends_with("during the rest days"));
        assert!(
            cycle_position(DaySpan { min: 20, max: 40 }, c)
                .starts_with("somewhere in cycles 1 to 2")
        );
    }
}
