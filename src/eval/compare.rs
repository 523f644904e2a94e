//! The whole-case step of methods that weigh every drug against the others
//! (ALDEN item 6), and the ranking both the full and the lean results use.

use super::*;

/// The whole-case step of methods that compare drugs (ALDEN item 6): every drug
/// assessed for a reaction gains the step's points when another drug assessed
/// for the same reaction totals more than the threshold; then the bands apply.
pub(super) fn compare_drugs<'r>(
    rules: &'r RuleSet,
    methods: &[&'r Method],
    assessments: &mut [Assessment<'r>],
) {
    for m in methods {
        let Some(c) = &m.compare else { continue };
        let scored: Vec<usize> = (0..assessments.len())
            .filter(|&i| assessments[i].method == m.id && assessments[i].not_applicable.is_none())
            .collect();
        let before: Vec<(usize, String, String, i64)> = scored
            .iter()
            .map(|&i| {
                let a = &assessments[i];
                (i, a.drug.clone(), a.reaction.clone(), a.score.unwrap_or(0))
            })
            .collect();
        for me in &before {
            let (i, _, reaction, total) = me;
            let (top, leaders, applies) = ranking(c, me, &before);
            let points = if applies { c.points } else { 0 };
            let new_total = total.saturating_add(points);
            let evidence: Vec<Evidence> = before
                .iter()
                .filter(|(j, _, r, _)| j != i && r == reaction)
                .map(|(_, d, _, t)| Evidence {
                    source: format!("{}: {d}", m.id),
                    value: format!("total before this step {t}"),
                })
                .collect();
            let evidence = if evidence.is_empty() {
                vec![Evidence {
                    source: m.id.clone(),
                    value: "no other drug was assessed for this reaction".to_owned(),
                }]
            } else {
                evidence
            };
            let answer = if applies { "yes" } else { "no" };
            let reasoning = if applies {
                let names: Vec<String> = leaders
                    .iter()
                    .map(|(_, d, _, t)| format!("{d} ({t})"))
                    .collect();
                format!(
                    "{} ranks first with more than {}; this drug ({total}) ranks below",
                    names.join(", "),
                    c.top_total_above
                )
            } else if *total == top && top > c.top_total_above {
                format!("this drug ranks first ({total}); it keeps its total")
            } else {
                format!(
                    "no drug assessed for this reaction totals more than {}",
                    c.top_total_above
                )
            };
            let (cat, band) = m
                .band_for(new_total)
                .map(|(i, b)| (b.category, Some(i)))
                .unwrap_or((m.categories.len().saturating_sub(1), None));
            let a = &mut assessments[*i];
            a.steps.push(Step {
                node: &c.id,
                question: &c.question,
                rationale: &c.rationale,
                reference: &c.reference,
                criterion_of: None,
                asked: "other drugs of the case",
                outcome: Some(answer),
                reasoning: Arc::from(reasoning),
                derived_answer: answer,
                answer,
                points,
                total: new_total,
                evidence: Arc::from(evidence),
                assessor_input: None,
                policy_change: None,
                uncertain: None,
                // Read from the case's other drugs and their totals.
                basis: "facts",
            });
            a.information.facts += 1;
            a.insufficient = a.information.insufficient();
            let category = &m.categories[cat];
            a.score = Some(new_total);
            a.category = &category.id;
            a.category_label = &category.label;
            a.level = rules
                .scale
                .levels
                .get(category.level)
                .map_or("", |l| l.id.as_str());
            a.band = band.and_then(|b| m.band_texts.get(b)).map(String::as_str);
        }
    }
}

/// A drug a comparing method scored: (position, drug, reaction, total before the step).
pub(super) type Ranked<S> = (usize, S, S, i64);

/// One drug's place among the drugs a comparing method scored for the same
/// reaction, each given as (position, drug, reaction, total before the step):
/// the top total, the other drugs holding it when it exceeds the threshold, and
/// whether the step's points apply (the drug ranks below such a leader). The
/// full assessment and the lean results both rank with this.
pub(super) fn ranking<'x, S: PartialEq>(
    c: &crate::rules::Compare,
    me: &Ranked<S>,
    before: &'x [Ranked<S>],
) -> (i64, Vec<&'x Ranked<S>>, bool) {
    let (i, drug, reaction, total) = me;
    // The top-ranked drug (every drug sharing the top total) keeps its total;
    // each drug ranked below it changes when that top total exceeds the threshold.
    let top = before
        .iter()
        .filter(|(_, _, r, _)| r == reaction)
        .map(|x| x.3)
        .max()
        .unwrap_or(*total);
    let leaders: Vec<&Ranked<S>> = before
        .iter()
        .filter(|(j, d, r, t)| {
            j != i && d != drug && r == reaction && *t == top && top > c.top_total_above
        })
        .collect();
    let applies = *total < top && !leaders.is_empty();
    (top, leaders, applies)
}
