//! Timing findings: did the reaction follow the drug, and does its latency fit
//! the windows the knowledge base gives for it.

use super::latency::{
    Latency, NoLatency, chain, cycle_position, latency, window, window_classes, within_cycle,
};
use super::{Evidence, Finding, Pair, challenge, ev, finding, said};
use crate::kb::doc::LatencyFrom;

/// When no time settles the order: a recurrence when the drug was given again,
/// or an improvement once it was withdrawn, shows the reaction followed it.
fn order_from_events(pair: &Pair) -> Option<(String, Vec<Evidence>)> {
    let re = super::rechallenge::rechallenge(pair);
    if matches!(re.outcome, "positive" | "positive-with-co-suspects") {
        return Some((
            said!(
                pair,
                "the reaction came back when the drug was given again, so it followed the drug"
            ),
            re.evidence,
        ));
    }
    let de = challenge::dechallenge(pair);
    if matches!(de.outcome, "improved" | "improved-under-treatment") {
        return Some((
            said!(
                pair,
                "the reaction improved once the drug was withdrawn, so the drug was being taken while it was present"
            ),
            de.evidence,
        ));
    }
    None
}

pub(super) fn event_after_drug(pair: &Pair) -> Finding {
    let undecided = |why: String, mut evidence: Vec<Evidence>| match order_from_events(pair) {
        Some((how, more)) => {
            evidence.extend(more);
            finding("yes", said!(pair, "{why}; but {how}"), evidence)
        }
        None => finding("unknown", why, evidence),
    };
    match latency(pair) {
        Ok(l) if l.span.min >= 0 => finding(
            "yes",
            said!(pair, "the reaction followed the drug: {}", l.how),
            l.evidence,
        ),
        Ok(l) if l.span.max < 0 => finding(
            "no",
            said!(pair, "the reaction came first: {}", l.how),
            l.evidence,
        ),
        Ok(l) => undecided(
            said!(pair, "the times cannot tell which came first: {}", l.how),
            l.evidence,
        ),
        Err(NoLatency::DrugAfterOnset(why, evidence)) => finding("no", why, evidence),
        Err(NoLatency::Unknown(why, evidence)) => undecided(why, evidence),
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
                "the drug was started after the reaction began: {}",
                l.how
            ),
            evidence,
        );
    }
    if l.span.min < 0 {
        // The order itself is not known: no window can be read.
        return finding(
            "cannot-tell",
            said!(
                pair,
                "the times cannot tell whether the drug came first: {}",
                l.how
            ),
            evidence,
        );
    }
    let r = &pair.case.reactions[pair.reaction];
    let Some(ph) = pair.phenotype() else {
        if pair.traced() {
            evidence.push(ev(format!("{}.term", r.path), &r.term));
        }
        let missing = said!(
            pair,
            "the term `{}` matches no phenotype in the knowledge base",
            r.term
        );
        return super::generic::time_to_onset(pair, Latency { evidence, ..l }, missing);
    };
    let Some(w) = window(pair, l.first) else {
        if pair.traced() {
            evidence.push(ev(
                &ph.origin,
                format!("phenotype `{}` has no latency window", ph.id),
            ));
        }
        let missing = said!(pair, "no latency window is known for {}", ph.id);
        return super::generic::time_to_onset(pair, Latency { evidence, ..l }, missing);
    };
    let (t, p) = (w.typical, w.plausible);
    if pair.traced() {
        let from = match w.from {
            LatencyFrom::FirstDose => "from the first dose",
            LatencyFrom::CycleStart => "from the start of the current cycle",
        };
        evidence.push(ev(
            &w.origin,
            format!(
                "{}: {} windows typical {}-{} days, plausible {}-{} days, counted {from}",
                w.of, w.which, t.0, t.1, p.0, p.1
            ),
        ));
        if let Some(why) = &w.sensitized {
            evidence.push(why.clone());
        }
    }
    let said = said!(
        pair,
        "{}; compared with the {} {} windows (typical {}-{}, plausible {}-{} days)",
        l.how,
        w.of,
        w.which,
        t.0,
        t.1,
        p.0,
        p.1
    );
    // For cyclic regimens the latency is also shown, or tested, from the start of the current cycle.
    let cycle = l
        .exposure
        .regimen
        .as_ref()
        .and_then(|r| r.cycle.map(|c| (r, c)));
    let mut cycle_note = String::new();
    if pair.traced()
        && let Some((regimen, c)) = cycle
    {
        let position = cycle_position(l.span, c);
        evidence.push(ev(
            format!("{}.regimen", l.exposure.path),
            format!("{}: onset on {position}", regimen.text),
        ));
        cycle_note = format!("; the onset fell on {position}");
    }
    // A reaction that began longer after the last dose than any plausible latency did not come from this exposure.
    let e = l.exposure;
    if e.stopped {
        let since_stop = pair.to_onset(e.stop_at);
        if since_stop.min > p.1 {
            let (more, _) = chain(pair, e.stop_at, pair.case.reactions[pair.reaction].onset_at);
            evidence.extend(more);
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
    let (intervals, measured) = match (w.from, cycle) {
        (LatencyFrom::CycleStart, Some((_, c))) => (
            within_cycle(l.span, c),
            " (the windows count from the start of the current cycle)",
        ),
        _ => (vec![(l.span.min, l.span.max)], ""),
    };
    let classes = window_classes(&intervals, t, p);
    match classes[..] {
        [one] => {
            let where_ = match one {
                "compatible" => "inside the typical window",
                "compatible-not-coherent" => {
                    "outside the typical window but inside the plausible one"
                }
                _ => "outside the plausible window",
            };
            finding(
                one,
                said!(pair, "{said}: {where_}{measured}{cycle_note}"),
                evidence,
            )
        }
        _ if !l.span.has_max() => finding(
            "unknown",
            said!(
                pair,
                "{said}: the case gives the order but not how long after{measured}{cycle_note}"
            ),
            evidence,
        ),
        _ => finding(
            "cannot-tell",
            said!(
                pair,
                "{said}: the latency allows {}{measured}{cycle_note}",
                classes.join(" or ")
            ),
            evidence,
        )
        .one_of(classes),
    }
}
