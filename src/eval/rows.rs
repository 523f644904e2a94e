//! The lean results a batch row shows: the same scope, walk and ranking as
//! the full assessment, without its trace.

use super::applicability::{Applies, applicability};
use super::compare::ranking;
use super::walk::{Found, walk};
use super::*;

/// One method's result for one drug–event pair without its trace: what a
/// batch row shows. [`rows`] gives, for any case and options, exactly the
/// drug, reaction, method, score and category of [`assess`]'s assessments, in
/// the same order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<'a> {
    pub drug: &'a str,
    pub reaction: &'a str,
    pub method: &'a str,
    pub score: Option<i64>,
    pub category: &'a str,
    /// The method is not meant for this pair (category `not-applicable`).
    pub not_applicable: bool,
    /// Why the method is not applicable (as the rule file states it; a report
    /// adds the pair's particulars), or why something is not scored (category
    /// `not-scored`, no drug or method); empty for results.
    pub reason: Cow<'a, str>,
    /// What the answers rested on (all zero for rows that are not results).
    pub information: Tally,
    /// The result rests on the default reading of a question no assessor answered.
    pub provisional: bool,
}

/// The results of [`assess`] without the trace: the same walk of every graph,
/// skipping the questions, reasoning, evidence, summary and notes a report
/// needs and a batch row does not.
pub fn rows<'a>(rules: &'a RuleSet, case: &'a Case, options: &Options) -> Vec<Row<'a>> {
    let view;
    let seen = match options.as_of {
        Some(day) => {
            view = case.known_by(day);
            &view
        }
        None => case,
    };
    let default_policy;
    let policy = match &options.policy {
        Some(p) => p,
        None => {
            default_policy = rules.policy.clone();
            &default_policy
        }
    };
    let chosen =
        |m: &&Method| options.methods.is_empty() || options.methods.iter().any(|x| x == &m.id);
    let (reactions, not_scored) = scope(rules, seen);
    let mut out = Vec::with_capacity(seen.drugs.len() * reactions.len() * rules.methods.len());
    for d in 0..seen.drugs.len() {
        if !seen.is_known(seen.drugs[d].known) {
            continue;
        }
        for &r in &reactions {
            let pair = Pair::new(seen, &rules.kb, d, r, policy).untraced();
            let mut found = Found::new();
            // A view as of a day keeps every drug and reaction at its index.
            let (drug, reaction) = (&case.drugs[d].id, &case.reactions[r].id);
            for m in rules.methods.iter().filter(chosen) {
                let row = match applicability(m, &pair) {
                    Applies::Yes => {
                        let end = walk(m, &pair, &mut found, |_| {});
                        Row {
                            drug,
                            reaction,
                            method: &m.id,
                            score: m.has_score().then_some(end.total),
                            category: &m.categories[end.category].id,
                            not_applicable: false,
                            reason: Cow::Borrowed(""),
                            information: end.tally,
                            provisional: !end.provisional.is_empty(),
                        }
                    }
                    Applies::Skip => continue,
                    Applies::No(why) => Row {
                        drug,
                        reaction,
                        method: &m.id,
                        score: None,
                        category: NOT_APPLICABLE,
                        not_applicable: true,
                        reason: Cow::Borrowed(&m.not_applicable_because[why.index()]),
                        information: Tally::default(),
                        provisional: false,
                    },
                };
                out.push(row);
            }
        }
    }
    for m in rules.methods.iter().filter(chosen) {
        let Some(c) = &m.compare else { continue };
        let before: Vec<(usize, &str, &str, i64)> = (0..out.len())
            .filter(|&i| out[i].method == m.id && !out[i].not_applicable)
            .map(|i| (i, out[i].drug, out[i].reaction, out[i].score.unwrap_or(0)))
            .collect();
        for me in &before {
            let (_, _, applies) = ranking(c, me, &before);
            let new_total = me.3.saturating_add(if applies { c.points } else { 0 });
            let cat = m
                .band_for(new_total)
                .map_or(m.categories.len().saturating_sub(1), |(_, b)| b.category);
            let row = &mut out[me.0];
            // The ranking is read from the case's drugs: one more answer from facts.
            row.information.facts += 1;
            row.score = Some(new_total);
            row.category = &m.categories[cat].id;
        }
    }
    // What is reported but not scored follows the results, as in the full assessment.
    let scored = out.len();
    for (r, reason) in not_scored {
        out.push(Row {
            drug: "",
            reaction: r.map_or("", |r| case.reactions[r].id.as_str()),
            method: "",
            score: None,
            category: NOT_SCORED,
            not_applicable: false,
            reason: Cow::Owned(reason),
            information: Tally::default(),
            provisional: false,
        });
    }
    if out.is_empty() && scored == 0 {
        out.push(Row {
            drug: "",
            reaction: "",
            method: "",
            score: None,
            category: NOT_SCORED,
            not_applicable: false,
            reason: Cow::Owned(nothing_assessed(&reactions)),
            information: Tally::default(),
            provisional: false,
        });
    }
    out
}
