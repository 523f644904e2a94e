//! What is known of a drug and a reaction beyond the case: whether the
//! reaction is listed (the user's listedness table first, then the knowledge
//! base, the drug's own entry before its classes'), the drug's risk class for
//! the reaction, and how strongly any drug of the case is associated with it.

use super::{Finding, Pair, ev, finding, found, kebab};
use crate::case::Plausibility;
use crate::kb::listedness::ListedRow;
use crate::kb::{Listedness, Risk};

/// What the listedness of the pair's drug and reaction is, and why.
struct Listing {
    listedness: Listedness,
    /// The sentence saying why (empty for an untraced pair).
    why: String,
    /// Where it is written, and what it says.
    evidence: Vec<super::Evidence>,
}

/// The reaction as a row of the user's table names it.
fn row_names(row: &ListedRow) -> String {
    match (&row.term, &row.meddra_code) {
        (Some(t), Some(c)) => format!("{t} ({c})"),
        (Some(t), None) => t.clone(),
        (None, Some(c)) => format!("MedDRA {c}"),
        (None, None) => String::new(),
    }
}

/// Listedness from the user's table: listed there is labelled; not listed
/// there leaves what the knowledge base knows from published reports
/// (labelled elsewhere counts as reported) or against it, else unknown.
fn from_table(pair: &Pair, row: &ListedRow) -> Listing {
    let drug = &pair.case.drugs[pair.drug];
    let traced = pair.traced();
    let reference = if traced {
        row.reference()
    } else {
        String::new()
    };
    let mut evidence = Vec::new();
    if traced {
        evidence.push(ev(
            &row.origin,
            format!(
                "{} / {}: {} ({reference})",
                row.drug,
                row_names(row),
                if row.listed { "listed" } else { "not listed" }
            ),
        ));
    }
    if row.listed {
        return Listing {
            listedness: Listedness::Labelled,
            why: super::said!(
                pair,
                "{reference} lists {} for {}",
                row_names(row),
                drug.name
            ),
            evidence,
        };
    }
    let known = pair
        .knowledge()
        .filter(|k| k.listedness != Listedness::Unknown);
    let listedness = match known.map(|k| k.listedness) {
        Some(Listedness::Labelled | Listedness::Reported) => Listedness::Reported,
        Some(Listedness::Against) => Listedness::Against,
        _ => Listedness::Unknown,
    };
    let why = match known {
        Some(k) if traced => {
            evidence.push(ev(&k.origin, &k.source));
            format!(
                "{reference} does not list {} for {}; the knowledge base knows it as {}{}: {}",
                row_names(row),
                drug.name,
                kebab(&k.listedness),
                pair.kb.through(&k.subject),
                kebab(&listedness)
            )
        }
        _ => super::said!(
            pair,
            "{reference} does not list {} for {}",
            row_names(row),
            drug.name
        ),
    };
    Listing {
        listedness,
        why,
        evidence,
    }
}

fn outcome_of(l: Listedness) -> &'static str {
    match l {
        Listedness::Labelled => "labelled",
        Listedness::Reported => "reported",
        Listedness::Unknown => "unknown",
        Listedness::Against => "against",
    }
}

pub(super) fn previous_knowledge(pair: &Pair) -> Finding {
    if let Some(row) = pair.listed() {
        let l = from_table(pair, row);
        return finding(outcome_of(l.listedness), l.why, l.evidence);
    }
    let drug = &pair.case.drugs[pair.drug];
    let Some(kd) = pair.kb_drug_id() else {
        return found!(
            pair,
            "unknown",
            format!("`{}` is not in the knowledge base", drug.name),
            vec![ev(format!("{}.name", drug.path), &drug.name)],
        );
    };
    let Some(ph) = pair.phenotype() else {
        let r = &pair.case.reactions[pair.reaction];
        return found!(
            pair,
            "unknown",
            format!(
                "the term `{}` matches no phenotype in the knowledge base",
                r.term
            ),
            vec![ev(format!("{}.term", r.path), &r.term)],
        );
    };
    match pair.knowledge() {
        Some(k) => {
            let outcome = outcome_of(k.listedness);
            if !pair.traced() {
                return finding(outcome, String::new(), Vec::new());
            }
            let mut value = format!(
                "{} / {}: {outcome}",
                pair.kb.subject_name(&k.subject),
                ph.id
            );
            if let Some(f) = &k.frequency {
                value.push_str(&format!(", {f}"));
            }
            value.push_str(&format!(" ({})", k.source));
            let through = pair.kb.through(&k.subject);
            finding(
                outcome,
                format!(
                    "the knowledge base lists {} with {kd} as {outcome}{through}",
                    ph.id
                ),
                vec![ev(&k.origin, value)],
            )
        }
        None => from_notoriety(pair, kd, ph),
    }
}

/// Previous knowledge without a listedness entry: a notoriety entry naming
/// the drug (or its class) as a cause of the phenotype says the reaction is
/// known from published reports; else nothing is known.
fn from_notoriety(pair: &Pair, kd: &str, ph: &crate::kb::Phenotype) -> Finding {
    let named = pair
        .kb
        .notoriety(kd, &ph.id)
        .filter(|n| n.plausibility != Plausibility::Excluded && n.risk != Some(Risk::NotSuspected));
    match named {
        Some(n) => found!(
            pair,
            "reported",
            format!(
                "the knowledge base names {kd} as a cause of {}{} ({} notoriety), with no listedness entry: reported",
                ph.id,
                pair.kb.through(&n.subject),
                n.risk
                    .map_or_else(|| kebab(&n.plausibility), |r| format!("{} risk", kebab(&r)))
            ),
            vec![ev(&n.origin, &n.source)],
        ),
        None if !pair.traced() => finding("unknown", String::new(), Vec::new()),
        None => finding(
            "unknown",
            format!("the knowledge base has nothing on {} with {kd}", ph.id),
            vec![ev(
                "rules/kb",
                format!("no knowledge entry for {kd} and {}", ph.id),
            )],
        ),
    }
}

/// The drug's risk class for the phenotype: from the knowledge base's notoriety
/// entry (the drug's own, else its classes'), else "suspected" when the
/// reaction is listed in the user's table or labelled or reported in the
/// knowledge base.
pub(super) fn notoriety(pair: &Pair) -> Finding {
    let drug = &pair.case.drugs[pair.drug];
    if let (Some(ph), Some(kd)) = (pair.phenotype(), pair.kb_drug_id())
        && let Some(n) = pair.kb.notoriety(kd, &ph.id)
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
            format!(
                "{kd} is {outcome} risk for {}{}",
                ph.id,
                pair.kb.through(&n.subject)
            ),
            vec![ev(&n.origin, &n.source)],
        );
    }
    if let Some(row) = pair.listed() {
        let l = from_table(pair, row);
        if matches!(l.listedness, Listedness::Labelled | Listedness::Reported) {
            return finding(
                "suspected",
                super::said!(pair, "{}, but no risk class is known: suspected", l.why),
                l.evidence,
            );
        }
    } else if let (Some(ph), Some(kd), Some(k)) =
        (pair.phenotype(), pair.kb_drug_id(), pair.knowledge())
        && matches!(k.listedness, Listedness::Labelled | Listedness::Reported)
    {
        return found!(
            pair,
            "suspected",
            format!(
                "{} with {kd} is {}{} but no risk class is known: suspected",
                ph.id,
                kebab(&k.listedness),
                pair.kb.through(&k.subject)
            ),
            vec![ev(&k.origin, &k.source)],
        );
    }
    match (pair.phenotype(), pair.kb_drug_id()) {
        (Some(ph), Some(kd)) => found!(
            pair,
            "unknown",
            format!("nothing is known of {kd} and {}", ph.id),
            vec![ev(
                "rules/kb",
                format!("no notoriety or knowledge entry for {kd} and {}", ph.id),
            )],
        ),
        _ => found!(
            pair,
            "unknown",
            format!(
                "{} or this reaction is not in the knowledge base",
                drug.name
            ),
            vec![ev(format!("{}.name", drug.path), &drug.name)],
        ),
    }
}

/// How strongly a drug of the case is known to cause this pair's phenotype:
/// 3 high-risk, 2 associated or labelled (or listed in the user's table), 1
/// occasional reports, 0 nothing known; with the entry that says so.
pub(super) fn association(pair: &Pair, drug: usize) -> (u8, Option<String>) {
    let d = &pair.case.drugs[drug];
    let r = &pair.case.reactions[pair.reaction];
    let row = pair.kb.listedness.as_ref().and_then(|t| {
        t.row_for(
            &[d.name.as_str(), d.id.as_str()],
            pair.kb
                .drug(&d.name)
                .or_else(|| pair.kb.drug(&d.id))
                .map(|k| k.id.as_str()),
            &r.term,
            r.meddra_code.as_deref(),
            pair.phenotype().map(|p| p.id.as_str()),
        )
    });
    let tabled = row.filter(|row| row.listed).map(|row| {
        (
            2,
            format!(
                "listed for {} in {} ({})",
                row_names(row),
                row.reference(),
                row.origin
            ),
        )
    });
    let Some(ph) = pair.phenotype() else {
        return tabled.map_or((0, None), |(s, w)| (s, Some(w)));
    };
    let Some(kd) = pair.kb.drug(&d.name).or_else(|| pair.kb.drug(&d.id)) else {
        return tabled.map_or((0, None), |(s, w)| (s, Some(w)));
    };
    let notoriety = pair.kb.notoriety(&kd.id, &ph.id).map(|n| {
        let s = match n.plausibility {
            Plausibility::MorePlausible => 3,
            Plausibility::EquallyPlausible => 2,
            Plausibility::LessPlausible => 1,
            Plausibility::Excluded => 0,
        };
        (
            s,
            format!(
                "{} notoriety for {}{} ({}, {})",
                kebab(&n.plausibility),
                ph.id,
                pair.kb.through(&n.subject),
                n.source,
                n.origin
            ),
        )
    });
    // A row of the user's table replaces the knowledge base's listedness.
    let listed = match row {
        Some(_) => tabled,
        None => pair.kb.knowledge(&kd.id, &ph.id).map(|k| {
            let s = match k.listedness {
                Listedness::Labelled => 2,
                Listedness::Reported => 1,
                Listedness::Unknown | Listedness::Against => 0,
            };
            (
                s,
                format!(
                    "{} for {}{} ({}, {})",
                    kebab(&k.listedness),
                    ph.id,
                    pair.kb.through(&k.subject),
                    k.source,
                    k.origin
                ),
            )
        }),
    };
    match (notoriety, listed) {
        (Some(a), Some(b)) => {
            if a.0 >= b.0 {
                (a.0, Some(a.1))
            } else {
                (b.0, Some(b.1))
            }
        }
        (Some(a), None) | (None, Some(a)) => (a.0, Some(a.1)),
        (None, None) => (0, None),
    }
}
