//! Which pairs a method is meant for: the roles, phenotypes and time window
//! its rule file declares, and the not-applicable result with the reason.

use super::{Assessment, NOT_APPLICABLE, Tally};
use crate::findings::Pair;
use crate::rules::Method;

pub(super) enum Applies {
    Yes,
    /// Outside the method's roles (or a concomitant outside its time window): no row at all.
    Skip,
    /// A suspect the method is not meant for: a row saying so ([`why_not`] words it).
    No(WhyNot),
}

/// Why a method is not meant for a suspect.
pub(super) enum WhyNot {
    /// The reaction is not one of the method's phenotypes.
    Phenotype,
    /// The drug was not taken within the method's window before onset.
    NotTaken,
}

impl WhyNot {
    /// Its index in [`Method::not_applicable_because`].
    pub(super) fn index(&self) -> usize {
        match self {
            WhyNot::Phenotype => 0,
            WhyNot::NotTaken => 1,
        }
    }
}

/// Whether a method's declared applicability covers a pair.
pub(super) fn applicability(m: &Method, pair: &Pair) -> Applies {
    let drug = &pair.case.drugs[pair.drug];
    let reaction = &pair.case.reactions[pair.reaction];
    if !m.applies_to.roles.contains(&drug.role) {
        return Applies::Skip;
    }
    let suspect = matches!(
        drug.role,
        crate::case::Role::Suspect | crate::case::Role::Interacting
    );
    if !m.applies_to.phenotypes.is_empty() {
        let phenotype = pair.phenotype().map(|p| p.id.as_str());
        if !phenotype.is_some_and(|p| m.applies_to.phenotypes.iter().any(|x| x == p)) {
            if !suspect {
                return Applies::Skip;
            }
            return Applies::No(WhyNot::Phenotype);
        }
    }
    if let Some(n) = m.applies_to.taken_within_days {
        let times = &pair.case.times;
        // Taken within the window: may have started by the onset, and may have
        // stopped no more than `n` days before it. An exposure the times do not
        // place may have been taken then: it counts, and its delay is left undetermined.
        let taken = drug.exposures.is_empty()
            || drug.exposures.iter().any(|e| {
                times.between(e.start_at, reaction.onset_at).max >= 0
                    && (!e.stopped || times.between(e.stop_at, reaction.onset_at).min <= n)
            });
        if !taken {
            if !suspect {
                return Applies::Skip;
            }
            return Applies::No(WhyNot::NotTaken);
        }
    }
    Applies::Yes
}

/// Why a method is not meant for a pair, in words.
pub(super) fn why_not(m: &Method, pair: &Pair, why: WhyNot) -> String {
    let drug = &pair.case.drugs[pair.drug];
    let reaction = &pair.case.reactions[pair.reaction];
    let because = &m.not_applicable_because[why.index()];
    match why {
        WhyNot::Phenotype => {
            let this = pair.phenotype().map_or_else(
                || format!("`{}` matches no phenotype", reaction.term),
                |p| format!("this reaction is {}", p.id),
            );
            format!("{because}; {this}")
        }
        WhyNot::NotTaken => format!("{because}; {} was not", drug.name),
    }
}

pub(super) fn not_applicable<'r>(m: &'r Method, pair: &Pair, reason: String) -> Assessment<'r> {
    Assessment {
        drug: pair.case.drugs[pair.drug].id.clone(),
        drug_name: pair.case.drugs[pair.drug].name.clone(),
        reaction: pair.case.reactions[pair.reaction].id.clone(),
        reaction_term: pair.case.reactions[pair.reaction].term.clone(),
        method: &m.id,
        method_version: &m.version,
        score: None,
        category: NOT_APPLICABLE,
        category_label: "Not applicable",
        level: "",
        band: None,
        steps: Vec::new(),
        next_category_missed: None,
        not_applicable: Some(reason),
        information: Tally::default(),
        insufficient: false,
        provisional: Vec::new(),
    }
}
