//! Follow-up questions: the unknown answers that could move a result, as
//! questions to a reporter or clinician in the rule set's words
//! (`follow-up.yaml`), one per finding and pair, ranked by how many results
//! the answer could move and how far on the common scale.

use super::follow_up::WhatIf;
use super::*;
use crate::rules::questions::ASSESSOR;

/// What an answer could do to one method's result.
#[derive(Debug, Clone, Serialize)]
pub struct Move<'r> {
    pub method: &'r str,
    pub from: &'r str,
    /// The categories it could lead to, alone or with other answers.
    pub to: Vec<&'r str>,
}

/// One question of a follow-up request.
#[derive(Debug, Clone, Serialize)]
pub struct Question<'r> {
    /// The question in words, with the pair's names.
    pub ask: String,
    /// The finding it fills, or `assessor`.
    pub finding: &'r str,
    pub drug: String,
    pub reaction: String,
    /// The case fields the answer fills.
    pub fills: Vec<&'r str>,
    /// For `assessor`: the questions of the methods only an assessor answers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub about: Vec<&'r str>,
    /// Every result the answer could move, and where to.
    pub could_move: Vec<Move<'r>>,
    /// The most steps on the common scale the answer could move a result
    /// (1 for a move to or from a category off the scale).
    pub reach: i64,
}

/// The questions whose answers could move a result, most telling first:
/// the most results moved, then the farthest move, then the rule set's order.
pub(super) fn questions<'r>(
    rules: &'r RuleSet,
    assessments: &[Assessment<'r>],
    what_ifs: &[WhatIf<'r>],
) -> Vec<Question<'r>> {
    let mut out: Vec<Question<'r>> = Vec::new();
    for w in what_ifs {
        let Some(method) = rules.method(w.method) else {
            continue;
        };
        let from_rank = rules
            .scale
            .rank(level_of(rules, method, w.category).unwrap_or(""));
        for r in &w.reachable {
            let steps = match (from_rank, rules.scale.rank(r.level)) {
                (Some(a), Some(b)) => (a - b).abs(),
                _ => 1,
            };
            let mut asked: Vec<(&'r str, &'r str)> = Vec::new();
            for set in &r.by {
                for c in set {
                    if !asked.iter().any(|(f, q)| *f == c.asked && *q == c.question) {
                        asked.push((c.asked, c.question));
                    }
                }
            }
            for (finding, node) in asked {
                let q = match out.iter().position(|q| {
                    q.finding == finding && q.drug == w.drug && q.reaction == w.reaction
                }) {
                    Some(i) => &mut out[i],
                    None => {
                        out.push(new_question(rules, assessments, w, method, finding, node));
                        out.last_mut().expect("just pushed")
                    }
                };
                if finding == ASSESSOR {
                    let text = method
                        .node_index(node)
                        .map(|n| method.nodes[n].question.as_str());
                    if let Some(t) = text.filter(|t| !q.about.contains(t)) {
                        q.about.push(t);
                    }
                }
                q.reach = q.reach.max(steps);
                match q.could_move.iter_mut().find(|m| m.method == w.method) {
                    Some(m) if !m.to.contains(&r.category) => m.to.push(r.category),
                    Some(_) => {}
                    None => q.could_move.push(Move {
                        method: w.method,
                        from: w.category,
                        to: vec![r.category],
                    }),
                }
            }
        }
    }
    let order = |f: &str| {
        rules
            .questions
            .iter()
            .position(|q| q.finding == f)
            .unwrap_or(usize::MAX)
    };
    // A stable sort keeps the order of the pairs among equals.
    out.sort_by(|a, b| {
        b.could_move
            .len()
            .cmp(&a.could_move.len())
            .then(b.reach.cmp(&a.reach))
            .then(order(a.finding).cmp(&order(b.finding)))
    });
    out
}

fn level_of<'r>(rules: &'r RuleSet, method: &Method, category: &str) -> Option<&'r str> {
    let c = method.categories.iter().find(|c| c.id == category)?;
    rules.scale.levels.get(c.level).map(|l| l.id.as_str())
}

/// The question for a finding and pair, in the rule set's words with the
/// pair's names; without words for it, the method's own question.
fn new_question<'r>(
    rules: &'r RuleSet,
    assessments: &[Assessment<'r>],
    w: &WhatIf<'r>,
    method: &'r Method,
    finding: &'r str,
    node: &'r str,
) -> Question<'r> {
    let names = assessments
        .iter()
        .find(|a| a.drug == w.drug && a.reaction == w.reaction)
        .map(|a| (a.drug_name.as_str(), a.reaction_term.as_str()))
        .unwrap_or((w.drug.as_str(), w.reaction.as_str()));
    let words = rules.questions.iter().find(|q| q.finding == finding);
    let ask = match words {
        Some(q) => q
            .ask
            .replace("{drug}", names.0)
            .replace("{reaction}", names.1),
        None => method
            .node_index(node)
            .map(|n| method.nodes[n].question.clone())
            .unwrap_or_default(),
    };
    Question {
        ask,
        finding,
        drug: w.drug.clone(),
        reaction: w.reaction.clone(),
        fills: words.map_or_else(Vec::new, |q| q.fills.iter().map(String::as_str).collect()),
        about: Vec::new(),
        could_move: Vec::new(),
        reach: 0,
    }
}
