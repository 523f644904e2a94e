//! Timing findings: did the reaction follow the drug, and does its latency fit
//! the phenotype's windows from the knowledge base.

use super::{Evidence, Finding, Pair, ev, finding};
use crate::case::Exposure;
use crate::time::{DaySpan, Fit};

/// The exposure the reaction followed, and the latency from its start to onset.
struct Latency {
    span: DaySpan,
    evidence: Vec<Evidence>,
    how: String,
}

/// Finds the exposure in effect at onset: the one the onset was written
/// relative to, or else the latest one that may have started by onset.
fn latency<'a>(pair: &Pair<'a>) -> Result<Latency, NoLatency> {
    let drug = &pair.case.drugs[pair.drug];
    let reaction = &pair.case.reactions[pair.reaction];
    let Some(onset) = reaction.onset else {
        return Err(NoLatency::Unknown(
            format!("the onset of `{}` is not known", reaction.id),
            vec![ev(format!("{}.onset", reaction.path), "not given")],
        ));
    };
    let onset_ev = ev(format!("{}.onset", reaction.path), onset);
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
                span: *span,
                evidence: vec![
                    onset_ev,
                    ev(
                        format!("{}.start", e.path),
                        e.start.map_or("not given".into(), |s| s.to_string()),
                    ),
                ],
                how: format!("onset was given as {span} after the start of `{anchor}`"),
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
        let mut evidence = vec![onset_ev];
        evidence.extend(drug.exposures.iter().map(|e| {
            ev(
                format!("{}.start", e.path),
                e.start.map_or("not given".into(), |s| s.to_string()),
            )
        }));
        return Err(if drug.exposures.iter().any(|e| e.start.is_some()) {
            NoLatency::DrugAfterOnset(
                format!(
                    "every exposure to `{}` started after the onset of `{}`",
                    drug.id, reaction.id
                ),
                evidence,
            )
        } else {
            NoLatency::Unknown(
                format!("no start date is given for `{}`", drug.id),
                evidence,
            )
        });
    };
    let start = e.start.expect("filtered on start");
    let span = start.days_until(&onset);
    Ok(Latency {
        span,
        evidence: vec![ev(format!("{}.start", e.path), start), onset_ev],
        how: format!("from start {start} to onset {onset} is {span}"),
    })
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
            format!("{}: the reaction followed the drug", l.how),
            l.evidence,
        ),
        Ok(l) if l.span.max < 0 => finding(
            "no",
            format!("{}: the reaction came first", l.how),
            l.evidence,
        ),
        Ok(l) => finding(
            "unknown",
            format!(
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
            format!("{}: the drug was started after the reaction began", l.how),
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
    let (t, w) = (window.typical, window.plausible);
    evidence.push(ev(
        &phenotype.origin,
        format!(
            "{}: typical {}-{} days, plausible {}-{} days",
            phenotype.id, t.0, t.1, w.0, w.1
        ),
    ));
    let latency = l.span;
    let said = format!(
        "{}; compared with the {} windows (typical {}-{}, plausible {}-{} days)",
        l.how, phenotype.id, t.0, t.1, w.0, w.1
    );
    match (latency.fits(t.0, t.1), latency.fits(w.0, w.1)) {
        (Fit::Inside, _) => finding(
            "compatible",
            format!("{said}: inside the typical window"),
            evidence,
        ),
        (Fit::Outside, Fit::Inside) => finding(
            "compatible-not-coherent",
            format!("{said}: outside the typical window but inside the plausible one"),
            evidence,
        ),
        (_, Fit::Outside) => finding(
            "incompatible",
            format!("{said}: outside the plausible window"),
            evidence,
        ),
        _ => finding(
            "cannot-tell",
            format!("{said}: the dates are too imprecise to decide"),
            evidence,
        ),
    }
}
