//! Findings about everything else that bears on causality: alternative
//! causes, what is known of the drug, investigations, the patient's history and
//! contributing factors.

use super::{Evidence, Finding, Pair, ev, finding, found, kebab};
use crate::case::{CaseItem, Drug, Plausibility, Role, Supports};
use crate::kb::Phenotype;
use crate::policy;

pub(super) fn alternative_causes(pair: &Pair) -> Finding {
    candidates_among(pair, false)
}

/// The alternative causes that are diseases or conditions, leaving other drugs
/// aside (the Liverpool tool's "probability that the event was due to an
/// underlying disease").
pub(super) fn underlying_disease(pair: &Pair) -> Finding {
    candidates_among(pair, true)
}

fn candidates_among(pair: &Pair, diseases_only: bool) -> Finding {
    let case = pair.case;
    let reaction = &case.reactions[pair.reaction];
    let phenotype = pair.phenotype();
    let mut candidates: Vec<(Plausibility, String, Evidence)> = Vec::new();
    // Candidates from the knowledge base that the timing rules out, shown but not counted.
    let mut ruled_out: Vec<Evidence> = Vec::new();
    // A drug is never an alternative to itself; another suspect only under the policy.
    let co_suspect = |i: usize| {
        i != pair.drug && matches!(case.drugs[i].role, Role::Suspect | Role::Interacting)
    };
    let mut co_suspects_seen = false;
    let stated: Vec<_> = case
        .alternative_causes
        .iter()
        .filter(|a| a.reaction == pair.reaction && a.refers_to != Some(CaseItem::Drug(pair.drug)))
        .collect();
    for a in &stated {
        if diseases_only && matches!(a.refers_to, Some(CaseItem::Drug(_))) {
            continue;
        }
        if let Some(CaseItem::Drug(i)) = a.refers_to
            && co_suspect(i)
        {
            co_suspects_seen = true;
            if pair.policy.is(policy::CO_SUSPECTS, "not-alternative-cause") {
                ruled_out.push(ev(
                    &a.path,
                    format!(
                        "{}, another suspect: not counted, by the policy in force",
                        a.cause
                    ),
                ));
                continue;
            }
        }
        let mut value = format!("{}: {}", a.cause, kebab(&a.plausibility));
        if !a.evidence_against.is_empty() {
            value.push_str(&format!(" (against: {})", a.evidence_against.join("; ")));
        }
        if !a.evidence_for.is_empty() {
            value.push_str(&format!(" (for: {})", a.evidence_for.join("; ")));
        }
        candidates.push((a.plausibility, a.cause.clone(), ev(&a.path, value)));
    }
    if let Some(ph) = phenotype {
        for (i, c) in case.patient.conditions.iter().enumerate() {
            if !case.is_known(c.known)
                || stated
                    .iter()
                    .any(|a| a.refers_to == Some(CaseItem::Condition(i)))
            {
                continue;
            }
            let Some(disease) = pair.kb.disease(&c.name) else {
                continue;
            };
            if disease.causes.iter().all(|x| x.phenotype != ph.id) {
                continue;
            }
            // A condition that began after the reaction, or was over before it, did not cause it.
            let times = &case.times;
            let timing = if times.between(reaction.onset_at, c.onset_at).min > 0 {
                Some(format!(
                    "began after the reaction's onset ({})",
                    case.chain(reaction.onset_at, c.onset_at)
                ))
            } else if times.between(c.end_at, reaction.onset_at).min > 0 {
                Some(format!(
                    "was over before the reaction's onset ({})",
                    case.chain(c.end_at, reaction.onset_at)
                ))
            } else {
                None
            };
            if let Some(why) = timing {
                ruled_out.push(ev(&c.path, format!("{} {why}: not counted", c.name)));
                continue;
            }
            for cause in disease.causes.iter().filter(|x| x.phenotype == ph.id) {
                let (p, matched) = cause.plausibility_for(c.subtype.as_deref());
                let why = match matched {
                    Some(m) => format!(
                        "{} ({}) can cause {}: {} for subtype `{m}` ({})",
                        c.name,
                        c.subtype.as_deref().unwrap_or(""),
                        ph.id,
                        kebab(&p),
                        cause.source
                    ),
                    None => format!(
                        "{} can cause {}: {} ({})",
                        c.name,
                        ph.id,
                        kebab(&p),
                        cause.source
                    ),
                };
                candidates.push((
                    p,
                    c.name.clone(),
                    ev(format!("{} + {}", c.path, cause.origin), why),
                ));
            }
        }
    }
    // Other drugs of the case, each only through what links it to this
    // reaction (its own notoriety or listedness for the phenotype), weighed with
    // its own timing and challenges; other suspects only under the policy.
    for (i, d) in case.drugs.iter().enumerate() {
        if diseases_only || i == pair.drug || !case.is_known(d.known) {
            continue;
        }
        let co_suspect = co_suspect(i);
        if !co_suspect && d.role != Role::Concomitant {
            continue;
        }
        if stated
            .iter()
            .any(|a| a.refers_to == Some(CaseItem::Drug(i)))
        {
            continue;
        }
        // The same drug listed twice is not its own alternative.
        if pair.is_same_drug(&d.name) {
            ruled_out.push(ev(
                &d.path,
                format!(
                    "{}: the same drug as the one assessed, listed again: not counted",
                    d.name
                ),
            ));
            continue;
        }
        if co_suspect {
            co_suspects_seen = true;
            if pair.policy.is(policy::CO_SUSPECTS, "not-alternative-cause") {
                ruled_out.push(ev(
                    &d.path,
                    format!(
                        "{}, another suspect: not counted, by the policy in force",
                        d.name
                    ),
                ));
                continue;
            }
        }
        let (strength, known) = super::knowledge::association(pair, i);
        let Some(known) = known.filter(|_| strength > 0) else {
            // Nothing links it to this reaction: considered, and it moves nothing.
            if pair.traced() {
                let role = if co_suspect {
                    "another suspect"
                } else {
                    "concomitant"
                };
                ruled_out.push(ev(
                    &d.path,
                    format!(
                        "{}, {role}: considered, no link to this reaction known",
                        d.name
                    ),
                ));
            }
            continue;
        };
        if let Some(ph) = phenotype
            && let Some(why) = drug_timing_rules_out(case, d, reaction, ph)
        {
            ruled_out.push(ev(&d.path, format!("{} {why}: not counted", d.name)));
            continue;
        }
        // Rated against what is known of the drug under assessment.
        let (own, _) = super::knowledge::association(pair, pair.drug);
        let mut plausibility = if strength > own {
            Plausibility::MorePlausible
        } else if strength == own {
            Plausibility::EquallyPlausible
        } else {
            Plausibility::LessPlausible
        };
        // Its own timing and challenges: an incompatible latency, or a drug
        // continued (or given again) without harm, makes it less plausible.
        let other = super::Pair::new(case, pair.kb, i, pair.reaction, pair.policy).untraced();
        let against = [
            (super::timing::time_to_onset(&other).outcome == "incompatible")
                .then_some("its time to onset is incompatible"),
            (super::exposure::drug_continued(&other).outcome == "continued-without-harm")
                .then_some("it was continued without harm"),
            (super::rechallenge::rechallenge(&other).outcome == "negative")
                .then_some("it was given again without recurrence"),
        ];
        let against: Vec<&str> = against.into_iter().flatten().collect();
        if !against.is_empty() {
            plausibility = Plausibility::LessPlausible;
        }
        let role = if co_suspect {
            "another suspect"
        } else {
            "concomitant"
        };
        let weighed = if against.is_empty() {
            String::new()
        } else {
            format!("; but {}", against.join(" and "))
        };
        candidates.push((
            plausibility,
            d.name.clone(),
            ev(
                &d.path,
                format!(
                    "{role} {}: {known}{weighed}; {} than {} ({})",
                    d.name,
                    match plausibility {
                        Plausibility::MorePlausible => "more plausible",
                        Plausibility::EquallyPlausible => "as plausible",
                        _ => "less plausible",
                    },
                    case.drugs[pair.drug].name,
                    super::knowledge::association(pair, pair.drug)
                        .1
                        .unwrap_or_else(|| "no known association".to_owned()),
                ),
            ),
        ));
    }
    let consulted = |f: Finding| {
        if co_suspects_seen {
            f.under(policy::CO_SUSPECTS)
        } else {
            f
        }
    };
    if candidates.is_empty() && !pair.traced() {
        return consulted(finding("none-identified", String::new(), Vec::new()));
    }
    if candidates.is_empty() {
        let why = if phenotype.is_none() {
            format!(
                "no alternative cause is recorded, and `{}` matches no phenotype in the knowledge base to look causes up",
                reaction.term
            )
        } else {
            "no alternative cause is recorded in the case or known in the knowledge base for this patient".to_owned()
        };
        let mut evidence = vec![ev(
            "alternative_causes",
            format!("none recorded for {}", reaction.id),
        )];
        if let Some(ph) = phenotype {
            evidence.push(ev(
                "rules/kb",
                format!(
                    "no condition or other drug of this patient is known to cause {}",
                    ph.id
                ),
            ));
        }
        evidence.extend(ruled_out);
        return consulted(finding("none-identified", why, evidence));
    }
    let strongest = candidates
        .iter()
        .map(|c| c.0)
        .max()
        .unwrap_or(Plausibility::Excluded);
    let names: Vec<String> = candidates
        .iter()
        .filter(|c| c.0 == strongest)
        .map(|c| c.1.clone())
        .collect();
    let outcome = match strongest {
        Plausibility::Excluded => "excluded",
        Plausibility::LessPlausible => "less-plausible",
        Plausibility::EquallyPlausible => "equally-plausible",
        Plausibility::MorePlausible => "more-plausible",
    };
    if !pair.traced() {
        return consulted(finding(outcome, String::new(), Vec::new()));
    }
    let mut evidence: Vec<Evidence> = candidates.iter().map(|c| c.2.clone()).collect();
    evidence.extend(ruled_out);
    let reasoning = if strongest == Plausibility::Excluded {
        format!(
            "every alternative considered was excluded: {}",
            names.join(", ")
        )
    } else {
        format!("strongest alternative: {} ({})", names.join(", "), outcome)
    };
    consulted(finding(outcome, reasoning, evidence))
}

/// Why a concomitant drug cannot have caused a reaction with this onset, if the times say so:
/// every exposure began after the onset, or ended longer before it than the phenotype's
/// plausible latency.
fn drug_timing_rules_out(
    case: &crate::case::Case,
    d: &Drug,
    reaction: &crate::case::Reaction,
    ph: &Phenotype,
) -> Option<String> {
    let times = &case.times;
    let on = reaction.onset_at;
    if d.exposures.is_empty() {
        return None;
    }
    if d.exposures
        .iter()
        .all(|e| times.between(on, e.start_at).min > 0)
    {
        return Some(format!(
            "was started after the reaction's onset ({})",
            case.chain(on, d.exposures[0].start_at)
        ));
    }
    let window = ph.latency?.plausible.1;
    let all_stopped_long_before = d
        .exposures
        .iter()
        .all(|e| e.stopped && times.between(e.stop_at, on).min > window);
    all_stopped_long_before.then(|| {
        format!(
            "was stopped more than {window} days (the longest plausible latency) before the onset ({})",
            case.chain(d.exposures[0].stop_at, on)
        )
    })
}

fn investigations_for<'a>(pair: &Pair<'a>) -> Vec<&'a crate::case::Investigation> {
    pair.case
        .investigations
        .iter()
        .filter(|i| {
            i.reaction.is_none_or(|r| r == pair.reaction) && i.drug.is_none_or(|d| d == pair.drug)
        })
        .collect()
}

fn investigation_ev(i: &crate::case::Investigation) -> Evidence {
    ev(
        &i.path,
        format!("{}: {} (supports {})", i.test, i.result, kebab(&i.supports)),
    )
}

pub(super) fn objective_evidence(pair: &Pair) -> Finding {
    let found = investigations_for(pair);
    if found.is_empty() {
        return found!(
            pair,
            "unknown",
            "no investigation is recorded",
            vec![ev("investigations", "none recorded")],
        );
    }
    let evidence = || found.iter().map(|i| investigation_ev(i)).collect();
    if found.iter().any(|i| i.supports == Supports::Drug) {
        found!(
            pair,
            "points-at-drug",
            "an investigation points at the drug as the cause",
            evidence(),
        )
    } else if found.iter().any(|i| i.supports == Supports::Reaction) {
        found!(
            pair,
            "confirms-reaction",
            "investigations confirm the reaction but do not point at the drug",
            evidence(),
        )
    } else {
        found!(
            pair,
            "none",
            "no investigation confirms the reaction or points at the drug",
            evidence(),
        )
    }
}

pub(super) fn toxic_drug_level(pair: &Pair) -> Finding {
    let levels: Vec<_> = investigations_for(pair)
        .into_iter()
        .filter(|i| {
            i.kind == Some(crate::case::InvestigationKind::DrugLevel) && i.drug == Some(pair.drug)
        })
        .collect();
    if levels.is_empty() {
        return found!(
            pair,
            "unknown",
            "no drug level was measured",
            vec![ev(
                "investigations",
                format!("no drug level of {}", pair.case.drugs[pair.drug].id),
            )],
        );
    }
    let evidence = || levels.iter().map(|i| investigation_ev(i)).collect();
    if levels.iter().any(|i| i.supports == Supports::Drug) {
        found!(
            pair,
            "yes",
            "a drug level was in the toxic range",
            evidence()
        )
    } else {
        found!(
            pair,
            "no",
            "drug levels were measured and not toxic",
            evidence()
        )
    }
}

pub(super) fn previous_reaction(pair: &Pair) -> Finding {
    let case = pair.case;
    let drug = &case.drugs[pair.drug];
    let phenotype = pair.phenotype();
    // An earlier exposure to this drug that caused a reaction of the same kind.
    if let Some(x) = drug.earlier.iter().find(|x| {
        x.outcome == crate::case::EarlierOutcome::Reaction
            && case.is_known(x.known)
            && x.reaction.as_deref().is_some_and(|r| {
                match (phenotype, pair.kb.phenotype_for_term(r, None)) {
                    (Some(a), Some(b)) => a.id == b.id,
                    _ => crate::kb::normalizes_to(
                        r,
                        &crate::kb::normalize(&case.reactions[pair.reaction].term),
                    ),
                }
            })
    }) {
        return found!(
            pair,
            "same-drug",
            format!(
                "an earlier exposure to {} caused {}",
                drug.name,
                x.reaction.as_deref().unwrap_or("")
            ),
            vec![ev(
                &x.path,
                format!("{}: {}", drug.name, x.reaction.as_deref().unwrap_or(""))
            )],
        );
    }
    let Some(history) = &case.patient.previous_reactions else {
        return found!(
            pair,
            "unknown",
            "the patient's history of drug reactions is not given",
            vec![ev("patient.previous_reactions", "not given")],
        );
    };
    let reaction = &case.reactions[pair.reaction];
    // Only earlier reactions of the same kind count: the same phenotype, or the same term.
    let similar = |p: &&crate::case::PreviousReaction| {
        let same_kind = match (phenotype, pair.kb.phenotype_for_term(&p.reaction, None)) {
            (Some(a), Some(b)) => a.id == b.id,
            _ => crate::kb::normalizes_to(&p.reaction, &crate::kb::normalize(&reaction.term)),
        };
        // Not surely after the onset: undated, or possibly before it.
        let s = case.times.between(reaction.onset_at, p.at);
        let earlier = !(s.has_min() || s.has_max()) || s.min < 0;
        same_kind && earlier
    };
    let history: Vec<&crate::case::PreviousReaction> = history.iter().collect();
    let relevant: Vec<&crate::case::PreviousReaction> =
        history.iter().copied().filter(similar).collect();
    if let Some(p) = relevant.iter().find(|p| pair.is_same_drug(&p.drug)) {
        return found!(
            pair,
            "same-drug",
            format!("a previous reaction to {} is recorded", p.drug),
            vec![ev(&p.path, format!("{}: {}", p.drug, p.reaction))],
        );
    }
    if let Some((p, why)) = relevant
        .iter()
        .find_map(|p| pair.similarity(&p.drug).map(|why| (p, why)))
    {
        return found!(
            pair,
            "similar-drug",
            format!(
                "a previous reaction to the similar drug {} is recorded ({why})",
                p.drug
            ),
            vec![ev(&p.path, format!("{}: {}", p.drug, p.reaction))],
        );
    }
    let evidence = || {
        let evidence = history
            .iter()
            .map(|p| ev(&p.path, format!("{}: {}", p.drug, p.reaction)))
            .collect::<Vec<_>>();
        if evidence.is_empty() {
            vec![ev("patient.previous_reactions", "none")]
        } else {
            evidence
        }
    };
    found!(
        pair,
        "none",
        "no earlier reaction of this kind to this drug or a similar one is recorded",
        evidence(),
    )
}

pub(super) fn contributing_factors(pair: &Pair) -> Finding {
    let Some(factors) = &pair.case.contributing_factors else {
        return found!(
            pair,
            "unknown",
            "contributing factors are not stated",
            vec![ev("contributing_factors", "not given")],
        );
    };
    let relevant: Vec<_> = factors
        .iter()
        .filter(|f| {
            f.drug.is_none_or(|d| d == pair.drug) && f.reaction.is_none_or(|r| r == pair.reaction)
        })
        .collect();
    if relevant.is_empty() {
        found!(
            pair,
            "absent",
            "the case states no factor favouring causality",
            vec![ev("contributing_factors", "none")],
        )
    } else {
        found!(
            pair,
            "present",
            "factors favouring causality are present",
            relevant.iter().map(|f| ev(&f.path, &f.factor)).collect(),
        )
    }
}
