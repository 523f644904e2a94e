//! Warnings that re-exposure is contraindicated: after a severe cutaneous
//! adverse reaction, a phenotype the knowledge base marks so, or grade 4.

use super::*;

/// Re-exposure is contraindicated after a severe cutaneous adverse reaction (or
/// any phenotype the knowledge base marks so) and after a grade 4 reaction; says
/// so for every suspect drug, and flags a re-exposure recorded despite it.
pub(super) fn contraindications(rules: &RuleSet, case: &Case, reactions: &[usize]) -> Vec<String> {
    let mut out = Vec::new();
    for &r in reactions {
        let reaction = &case.reactions[r];
        let Some(why) = reason(rules, reaction) else {
            continue;
        };
        for (d, drug) in case.drugs.iter().enumerate() {
            if !matches!(
                drug.role,
                crate::case::Role::Suspect | crate::case::Role::Interacting
            ) || !case.is_known(drug.known)
            {
                continue;
            }
            out.push(format!(
                "re-exposure to {} (rechallenge or desensitization) is contraindicated after `{}` ({}): {why}",
                drug.name, reaction.id, reaction.term
            ));
            for x in case.rechallenges.iter().filter(|x| x.drug == d) {
                out.push(format!(
                    "a re-exposure to {} is nevertheless recorded (`{}`, {})",
                    drug.name,
                    x.path,
                    crate::findings::kebab(&x.kind)
                ));
            }
        }
    }
    out
}

/// Why re-exposure is contraindicated after this reaction, if it is.
pub(super) fn reason(rules: &RuleSet, reaction: &crate::case::Reaction) -> Option<String> {
    Some(
        match (
            findings::phenotype_of(&rules.kb, reaction),
            reaction.severity_grade,
        ) {
            (Some(p), _) if p.contraindicates_reexposure => {
                if p.scar {
                    format!("it is a severe cutaneous adverse reaction ({})", p.id)
                } else {
                    format!("the knowledge base marks {} so", p.id)
                }
            }
            (_, Some(g)) if g >= 4 => format!("it reached severity grade {g}"),
            _ => return None,
        },
    )
}
