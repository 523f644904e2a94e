//! Methods side by side: each pair's results on the common scale, and the
//! answers that drive a disagreement of more than one step.

use super::*;

/// One line naming what places an assessment where it is: the answers given,
/// or (`None`, for a method without points) the answer that ended its path.
fn driver(a: &Assessment, answers: Option<Vec<String>>, path_end: &str, none: &str) -> String {
    let what = match answers {
        None => a.steps.last().map_or_else(String::new, |s| {
            format!("{path_end} `{}` {}", s.node, s.answer)
        }),
        Some(list) if list.is_empty() => none.to_owned(),
        Some(list) => list.join(", "),
    };
    format!("{} {}: {what}", a.method, a.category)
}

/// Places one pair's results on the common scale and, when they differ by more
/// than one step, names the answers that drive the highest and the lowest.
pub(super) fn concordance(
    rules: &RuleSet,
    assessments: &[Assessment],
    d: usize,
    r: usize,
    case: &Case,
    results: Vec<(String, String, String)>,
) -> PairSummary {
    let (drug, reaction) = (&case.drugs[d].id, &case.reactions[r].id);
    let rank = |level: &str| rules.scale.rank(level);
    let ranked: Vec<(&Assessment, i64)> = assessments
        .iter()
        .filter(|a| &a.drug == drug && &a.reaction == reaction)
        .filter_map(|a| rank(a.level).map(|k| (a, k)))
        .collect();
    let top = ranked.iter().max_by_key(|(_, k)| *k);
    let bottom = ranked.iter().min_by_key(|(_, k)| *k);
    // A spread needs at least two results on the scale.
    let spread = if ranked.len() < 2 {
        None
    } else {
        top.zip(bottom).map(|((_, a), (_, b))| a - b)
    };
    let disagreement = spread.is_some_and(|s| s > 1);
    let mut drivers = Vec::new();
    if disagreement && let (Some((hi, _)), Some((lo, _))) = (top, bottom) {
        let answer = |s: &Step| format!("`{}` {} ({:+})", s.node, s.answer, s.points);
        let lifting = hi.score.map(|_| {
            hi.steps
                .iter()
                .filter(|s| s.points > 0)
                .map(answer)
                .collect()
        });
        drivers.push(driver(hi, lifting, "reached at", "no answer scores points"));
        let holding = match (&lo.next_category_missed, lo.score) {
            (Some(miss), _) => Some(vec![format!(
                "not {}: `{}` {}",
                miss.category, miss.node, miss.answer
            )]),
            (None, None) => None,
            // Answers that lower the total, or that score nothing where the highest method scored.
            (None, Some(_)) => Some(
                lo.steps
                    .iter()
                    .filter(|s| {
                        s.points < 0
                            || s.points == 0
                                && hi.steps.iter().any(|h| h.points > 0 && h.asked == s.asked)
                    })
                    .map(answer)
                    .collect(),
            ),
        };
        drivers.push(driver(lo, holding, "ended at", "no answer lowers it"));
    }
    PairSummary {
        drug: drug.clone(),
        reaction: reaction.clone(),
        results,
        spread,
        disagreement,
        drivers,
    }
}
