//! What a set of reports names that the knowledge base does not know: drugs,
//! reaction terms, half-lives and drug–reaction pairs, each with how many of
//! the reports' assessed pairs it affects, so the knowledge worth adding first
//! comes first.

use super::{KnowledgeBase, normalize};
use crate::case::{Case, Role};
use std::collections::BTreeMap;

/// One gap: what is missing and how often reports run into it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Gap {
    /// The name as the first report wrote it.
    pub name: String,
    /// A MedDRA code reports gave with it, for a reaction term.
    pub meddra_code: Option<String>,
    /// For a pair: the phenotype the reaction term names.
    pub phenotype: Option<String>,
    /// Drug–reaction pairs assessed (suspect or interacting drug) that it affects.
    pub pairs: u64,
    /// Reports that name it, in any role.
    pub reports: u64,
}

/// Every gap found, each list most pairs first.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Gaps {
    pub reports: u64,
    pub pairs: u64,
    /// Drugs no knowledge-base name matches.
    pub drugs: Vec<Gap>,
    /// Reaction terms (neither matched by a phenotype nor known not to be reactions).
    pub terms: Vec<Gap>,
    /// Knowledge-base drugs with no half-life, so their absence at onset cannot be found.
    pub half_lives: Vec<Gap>,
    /// Known drug and known phenotype with neither listedness nor notoriety, for the drug or its classes.
    pub pairs_unknown: Vec<Gap>,
}

#[derive(Default)]
struct Tally {
    gap: Option<Gap>,
    reports_seen: u64,
}

impl Tally {
    fn count(
        &mut self,
        name: &str,
        code: Option<&str>,
        phenotype: Option<&str>,
        pairs: u64,
        report: u64,
    ) {
        let g = self.gap.get_or_insert_with(|| Gap {
            name: name.to_owned(),
            meddra_code: None,
            phenotype: phenotype.map(str::to_owned),
            pairs: 0,
            reports: 0,
        });
        if g.meddra_code.is_none() {
            g.meddra_code = code.map(str::to_owned);
        }
        g.pairs += pairs;
        if self.reports_seen != report {
            self.reports_seen = report;
            g.reports += 1;
        }
    }
}

fn sorted(tallies: BTreeMap<String, Tally>) -> Vec<Gap> {
    let mut out: Vec<Gap> = tallies.into_values().filter_map(|t| t.gap).collect();
    out.sort_by(|a, b| {
        b.pairs
            .cmp(&a.pairs)
            .then(b.reports.cmp(&a.reports))
            .then(a.name.cmp(&b.name))
    });
    out
}

/// The gaps of the knowledge base for these cases.
pub fn gaps(kb: &KnowledgeBase, cases: &[Case]) -> Gaps {
    let mut drugs: BTreeMap<String, Tally> = BTreeMap::new();
    let mut terms: BTreeMap<String, Tally> = BTreeMap::new();
    let mut half_lives: BTreeMap<String, Tally> = BTreeMap::new();
    let mut pairs_unknown: BTreeMap<String, Tally> = BTreeMap::new();
    let mut all_pairs = 0;
    for (n, case) in cases.iter().enumerate() {
        // Reports are numbered from 1, so a tally's 0 means "none seen yet".
        let report = n as u64 + 1;
        let reactions: Vec<_> = case
            .reactions
            .iter()
            .filter(|r| {
                kb.not_reaction_for_term(&r.term, r.meddra_code.as_deref())
                    .is_none()
            })
            .collect();
        for d in &case.drugs {
            if d.role == Role::NotAdministered {
                continue;
            }
            let assessed = matches!(d.role, Role::Suspect | Role::Interacting);
            let pairs = if assessed { reactions.len() as u64 } else { 0 };
            all_pairs += pairs;
            let Some(kd) = kb.drug(&d.name).or_else(|| kb.drug(&d.id)) else {
                drugs
                    .entry(normalize(&d.name))
                    .or_default()
                    .count(&d.name, None, None, pairs, report);
                continue;
            };
            if kd.half_life_hours.is_none() {
                half_lives
                    .entry(kd.id.clone())
                    .or_default()
                    .count(&kd.id, None, None, pairs, report);
            }
            if !assessed {
                continue;
            }
            for r in &reactions {
                let Some(ph) = crate::findings::phenotype_of(kb, r) else {
                    continue;
                };
                if kb.knowledge(&kd.id, &ph.id).is_none() && kb.notoriety(&kd.id, &ph.id).is_none()
                {
                    pairs_unknown
                        .entry(format!("{}\u{0}{}", kd.id, ph.id))
                        .or_default()
                        .count(&kd.id, None, Some(&ph.id), 1, report);
                }
            }
        }
        let assessed_drugs = case
            .drugs
            .iter()
            .filter(|d| matches!(d.role, Role::Suspect | Role::Interacting))
            .count() as u64;
        for r in &reactions {
            if crate::findings::phenotype_of(kb, r).is_none() {
                terms.entry(normalize(&r.term)).or_default().count(
                    &r.term,
                    r.meddra_code.as_deref(),
                    None,
                    assessed_drugs,
                    report,
                );
            }
        }
    }
    Gaps {
        reports: cases.len() as u64,
        pairs: all_pairs,
        drugs: sorted(drugs),
        terms: sorted(terms),
        half_lives: sorted(half_lives),
        pairs_unknown: sorted(pairs_unknown),
    }
}
