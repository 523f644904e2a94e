//! The generic reading of time to onset, for a reaction the knowledge base
//! has no latency window for: an onset while the drug was still in the body
//! (taken up to the onset, or stopped fewer than the set number of
//! elimination half-lives before) answers what the knowledge base's settings
//! say; an onset before the first dose is incompatible as for any reaction
//! (found before this reading is asked); anything else stays unknown, since
//! nothing says how late this reaction can begin.

use super::latency::{Latency, chain};
use super::{Evidence, Finding, Pair, ev, finding, said};
use crate::kb::doc::GenericAnswer;

/// Reads time to onset generically, or says why it cannot (`unknown`).
/// `missing` says why no window is known ("the term `x` matches no
/// phenotype"); `l` is a latency whose order is known (the drug came first).
pub(super) fn time_to_onset(pair: &Pair, l: Latency, missing: String) -> Finding {
    let mut evidence = l.evidence;
    let Some(g) = &pair.kb.generic_time else {
        return finding(
            "unknown",
            said!(
                pair,
                "{}; {missing}, so there is no window to compare with",
                l.how
            ),
            evidence,
        );
    };
    let answer = match g.answer {
        GenericAnswer::Compatible => "compatible",
        GenericAnswer::CompatibleNotCoherent => "compatible-not-coherent",
    };
    if pair.traced() {
        evidence.push(ev(&g.origin, format!("generic reading: {}", g.source)));
    }
    let generic = |why: String, evidence: Vec<Evidence>, outcome: &'static str| {
        finding(
            outcome,
            said!(pair, "generic reading ({missing}): {}; {why}", l.how),
            evidence,
        )
    };
    let e = l.exposure;
    if !e.stopped {
        return generic(
            format!("the drug was being taken at onset: {answer}"),
            evidence,
            answer,
        );
    }
    let reaction = &pair.case.reactions[pair.reaction];
    let days = pair.to_onset(e.stop_at);
    let (more, why) = chain(pair, e.stop_at, reaction.onset_at);
    evidence.extend(more);
    if days.max <= 0 {
        return generic(
            format!("the drug was being taken at onset ({why}): {answer}"),
            evidence,
            answer,
        );
    }
    let Some(kd) = pair.kb_drug().filter(|k| k.half_life_hours.is_some()) else {
        return generic(
            format!(
                "the onset may have come {days} after the last dose, and the knowledge base has no half-life for {}, so whether the drug was still present is not known ({why})",
                pair.case.drugs[pair.drug].name
            ),
            evidence,
            "unknown",
        );
    };
    let h = kd.half_life_hours.unwrap_or_default();
    let (n, _) = &pair.kb.elimination_half_lives;
    let limit = n * h;
    if pair.traced() {
        evidence.push(ev(
            &kd.origin,
            format!("half-life {h} h; {n} half-lives = {limit} h"),
        ));
    }
    // The last dose may have been taken at any hour of the stop day, the
    // reaction may have begun at any hour of its day.
    let hi = if days.has_max() {
        ((days.max + 1) * 24) as f64
    } else {
        f64::INFINITY
    };
    if hi <= limit {
        return generic(
            format!(
                "the onset came {days} after the last dose, within {n} half-lives ({limit} h) while the drug was still present ({why}): {answer}"
            ),
            evidence,
            answer,
        );
    }
    generic(
        format!(
            "the onset came {days} after the last dose, when the drug may have been gone ({n} half-lives = {limit} h), and nothing says how late this reaction can begin ({why})"
        ),
        evidence,
        "unknown",
    )
}
