//! Walking one method's graph for one pair: the findings asked, the edges
//! taken (with assessor answers, overrides and the readings of uncertain
//! findings), the total and the category. The full assessment records every
//! step; the lean results walk the same way without recording.

use super::*;

/// Findings already computed for one pair: methods ask many of the same, and
/// a finding depends only on the pair, the knowledge base and the policy.
pub struct Found([Option<findings::Finding>; findings::FindingId::ALL.len()]);

impl Found {
    pub fn new() -> Found {
        Found(std::array::from_fn(|_| None))
    }

    /// The finding for this pair, computed on first use.
    fn get(&mut self, fid: findings::FindingId, pair: &Pair) -> &findings::Finding {
        // `FindingId` variants are numbered in the order of `ALL`, from 0.
        self.0[fid as usize].get_or_insert_with(|| findings::compute(fid, pair))
    }
}

impl Default for Found {
    fn default() -> Self {
        Found::new()
    }
}

/// What the walk of a graph met at one node.
pub(super) struct Visit<'n, 'f, 'c> {
    node: &'n crate::rules::Node,
    /// The finding asked, with its outcome (`None` for an assessor question).
    finding: Option<(findings::FindingId, &'f findings::Finding)>,
    /// The edge the case's facts give.
    derived_edge: usize,
    /// The assessor's answer or override, when there is one.
    input: Option<&'c crate::case::AssessorAnswer>,
    /// The edge taken: the assessor's when given, else the derived one.
    edge: usize,
    /// The running total after this node.
    total: i64,
}

/// Where a walk ended: the total and the category (with the band, for totals),
/// and what its answers rested on.
pub(super) struct End {
    pub(super) total: i64,
    pub(super) category: usize,
    pub(super) band: Option<crate::rules::Band>,
    pub(super) tally: Tally,
    /// Questions only an assessor answers, left unanswered, whose default
    /// reading the result rests on (node indices).
    pub(super) provisional: Vec<usize>,
}

/// What an answer rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Basis {
    Facts,
    Knowledge,
    Assessor,
    /// No information: the finding found none, or no assessor answered.
    Unknown,
}

impl Basis {
    pub(super) fn name(self) -> &'static str {
        match self {
            Basis::Facts => "facts",
            Basis::Knowledge => "knowledge",
            Basis::Assessor => "assessor",
            Basis::Unknown => "unknown",
        }
    }

    /// What the answer at a node rests on: an assessor's input, else the
    /// finding's source, unknown when the finding found nothing (a finding open
    /// between outcomes rests on imprecise facts) or no assessor answered.
    pub(super) fn of(
        finding: Option<(findings::FindingId, &findings::Finding)>,
        input: bool,
    ) -> Basis {
        match finding {
            _ if input => Basis::Assessor,
            None => Basis::Unknown,
            Some((fid, f)) if f.possible.is_empty() && fid.no_information(f.outcome) => {
                Basis::Unknown
            }
            Some((fid, _)) if fid.from_knowledge() => Basis::Knowledge,
            Some(_) => Basis::Facts,
        }
    }
}

impl Tally {
    fn add(&mut self, b: Basis) {
        match b {
            Basis::Facts => self.facts += 1,
            Basis::Knowledge => self.knowledge += 1,
            Basis::Assessor => self.assessor += 1,
            Basis::Unknown => self.unknown += 1,
        }
    }
}

/// The edge a finding's outcome takes at a node: for a finding that allows
/// several outcomes, the one they all lead to or the node's reading among them.
#[inline]
fn derived_edge(node: &crate::rules::Node, finding: Option<&findings::Finding>) -> usize {
    match finding {
        Some(f) if !f.possible.is_empty() => node.edge_for_possible(&f.possible).edge,
        Some(f) => node.edge_for_outcome(f.outcome),
        None => node.edge_for_outcome("unknown"),
    }
}

/// Walks one method's graph for one pair, telling `visit` what each node met.
/// The full assessment and the lean results both walk with this one function,
/// so their answers, totals and categories cannot differ.
pub(super) fn walk<'c>(
    method: &Method,
    pair: &Pair<'c>,
    found: &mut Found,
    mut visit: impl FnMut(Visit<'_, '_, 'c>),
) -> End {
    let case = pair.case;
    let mut total = 0i64;
    let mut tally = Tally::default();
    let mut provisional = Vec::new();
    let mut at = method.start;
    let mut visited = 0usize;
    // Validation guarantees an acyclic graph; the bound only documents termination.
    let category = loop {
        if visited > method.nodes.len() {
            break None;
        }
        visited += 1;
        let node = &method.nodes[at];
        let finding = match node.ask {
            Ask::Finding(fid) => Some((fid, found.get(fid, pair))),
            Ask::Assessor => None,
        };
        let derived_edge = derived_edge(node, finding.map(|(_, f)| f));
        let input = assessor_answer(case, method, &node.id, pair);
        let edge = input
            .and_then(|a| node.edge_for_answer(&a.answer))
            .unwrap_or(derived_edge);
        total = total.saturating_add(node.edges[edge].points);
        tally.add(Basis::of(finding, input.is_some()));
        if finding.is_none() && input.is_none() && node.provisional_unanswered {
            provisional.push(at);
        }
        visit(Visit {
            node,
            finding,
            derived_edge,
            input,
            edge,
            total,
        });
        match node.edges[edge].target {
            Target::Node(n) => at = n,
            Target::Category(c) => break Some((c, None)),
            Target::Bands => break method.band_for(total).map(|(_, b)| (b.category, Some(b))),
        }
    };
    // Validated rules always reach a category; the fallback keeps evaluation total.
    let (category, band) = category.unwrap_or((method.categories.len().saturating_sub(1), None));
    End {
        total,
        category,
        band,
        tally,
        provisional,
    }
}

/// Walks one method's graph for one pair, recording every step.
pub fn assess_pair(rules: &RuleSet, method: &Method, pair: &Pair, found: &mut Found) -> Assessment {
    let case = pair.case;
    let mut steps = Vec::new();
    let end = walk(method, pair, found, |v| {
        let node = v.node;
        let mut policy_change = None;
        let uncertain = v
            .finding
            .filter(|(_, f)| !f.possible.is_empty())
            .map(|(_, f)| {
                let r = node.edge_for_possible(&f.possible);
                Uncertain {
                    possible: f
                        .possible
                        .iter()
                        .map(|o| {
                            let e = &node.edges[node.edge_for_outcome(o)];
                            ((*o).to_owned(), e.answer.clone(), e.points)
                        })
                        .collect(),
                    reading: if r.candidates.len() == 1 {
                        "agree".to_owned()
                    } else {
                        node.when_uncertain.name().to_owned()
                    },
                }
            });
        let (asked, outcome, reasoning, evidence) = match v.finding {
            Some((fid, f)) => {
                // Mark an answer that a switch away from its default changed.
                let changed: Vec<String> = pair
                    .policy
                    .changed()
                    .into_iter()
                    .filter(|s| f.policies.contains(s))
                    .map(str::to_owned)
                    .collect();
                // Only an answer the case's own facts decide can be changed by the policy.
                if !changed.is_empty() && v.input.is_none() {
                    let default_policy = Policy::default();
                    let reference = findings::compute(fid, &pair.with_policy(&default_policy));
                    let now = &node.edges[derived_edge(node, Some(f))];
                    let then = &node.edges[derived_edge(node, Some(&reference))];
                    if (&now.answer, now.points) != (&then.answer, then.points) {
                        policy_change = Some(PolicyChange {
                            switches: changed,
                            default_outcome: reference.outcome.to_owned(),
                            default_answer: then.answer.clone(),
                            default_points: then.points,
                        });
                    }
                }
                let reasoning = match uncertain_reading(node, f) {
                    Some(r) => format!("{}; {r}", f.reasoning),
                    None => f.reasoning.clone(),
                };
                (
                    fid.name().to_owned(),
                    Some(f.outcome.to_owned()),
                    reasoning,
                    f.evidence.clone(),
                )
            }
            None => (
                "assessor".to_owned(),
                None,
                match (v.input, node.provisional_unanswered) {
                    (Some(_), _) => "only an assessor can answer this question".to_owned(),
                    (None, true) => format!(
                        "not assessed: only an assessor can answer this question and none has; the rule file's default `{}` is taken, and the result is provisional until an assessor answers",
                        node.edges[v.edge].answer
                    ),
                    (None, false) => format!(
                        "not assessed: only an assessor can answer this question and none has; `{}` (no information) is taken",
                        node.edges[v.edge].answer
                    ),
                },
                vec![Evidence {
                    source: "assessor_answers".to_owned(),
                    value: format!(
                        "{} for {} {}",
                        if v.input.is_some() {
                            "answered"
                        } else {
                            "none"
                        },
                        method.id,
                        node.id
                    ),
                }],
            ),
        };
        let edge = &node.edges[v.edge];
        let assessor_input = v.input.map(|a| AssessorInput {
            kind: if matches!(node.ask, Ask::Assessor) {
                "answer"
            } else {
                "override"
            },
            answer: a.answer.clone(),
            assessor: a.assessor.clone(),
            justification: a.justification.clone(),
            source: a.path.clone(),
        });
        steps.push(Step {
            node: node.id.clone(),
            question: node.question.clone(),
            rationale: node.rationale.clone(),
            reference: node.reference.clone(),
            criterion_of: node.criterion_of.map(|c| method.categories[c].id.clone()),
            asked,
            outcome,
            reasoning,
            derived_answer: node.edges[v.derived_edge].answer.clone(),
            answer: edge.answer.clone(),
            points: edge.points,
            total: v.total,
            evidence,
            assessor_input,
            policy_change,
            uncertain,
            basis: Basis::of(v.finding, v.input.is_some()).name(),
        });
    });
    let (total, cat, band) = (end.total, end.category, end.band);
    let c = &method.categories[cat];
    let next_category_missed = if method.is_ladder() && cat > 0 {
        let above = &method.categories[cat - 1];
        steps
            .iter()
            .rfind(|s| s.criterion_of.as_deref() == Some(above.id.as_str()))
            .map(|s| LadderMiss {
                category: above.id.clone(),
                node: s.node.clone(),
                question: s.question.clone(),
                answer: s.answer.clone(),
            })
    } else {
        None
    };
    Assessment {
        drug: case.drugs[pair.drug].id.clone(),
        drug_name: case.drugs[pair.drug].name.clone(),
        reaction: case.reactions[pair.reaction].id.clone(),
        reaction_term: case.reactions[pair.reaction].term.clone(),
        method: method.id.clone(),
        method_version: method.version.clone(),
        score: method.has_score().then_some(total),
        category: c.id.clone(),
        category_label: c.label.clone(),
        level: rules
            .scale
            .levels
            .get(c.level)
            .map(|l| l.id.clone())
            .unwrap_or_default(),
        band: band.map(band_text),
        steps,
        next_category_missed,
        not_applicable: None,
        information: end.tally,
        insufficient: end.tally.insufficient(),
        provisional: end
            .provisional
            .iter()
            .map(|&n| method.nodes[n].id.clone())
            .collect(),
    }
}

/// For a finding that allows several outcomes, what each gives at this node
/// and the reading taken: "likely (+1) or suggestive (+3) possible; lower
/// reading likely (+1) taken", or that every outcome gives the same answer.
fn uncertain_reading(node: &crate::rules::Node, f: &findings::Finding) -> Option<String> {
    if f.possible.is_empty() {
        return None;
    }
    let r = node.edge_for_possible(&f.possible);
    let show = |e: usize| {
        let edge = &node.edges[e];
        if edge.points == 0 && node.edges.iter().all(|x| x.points == 0) {
            format!("`{}`", edge.answer)
        } else {
            format!("`{}` ({:+})", edge.answer, edge.points)
        }
    };
    if r.candidates.len() == 1 {
        return Some(format!(
            "every reading the times allow gives {}",
            show(r.edge)
        ));
    }
    let options: Vec<String> = r.candidates.iter().map(|&e| show(e)).collect();
    let reading = match node.when_uncertain {
        crate::rules::Reading::LowerUnlessAgainst if !r.candidates.contains(&r.edge) => {
            "the times allow readings for and against the drug, so they say nothing either way:"
                .to_owned()
        }
        crate::rules::Reading::LowerUnlessAgainst => "lower reading".to_owned(),
        other => format!("{} reading", other.name()),
    };
    Some(format!(
        "{} possible; {reading} {} taken",
        options.join(" or "),
        show(r.edge)
    ))
}

/// The assessor's answer to this question for this pair: the most specific one
/// (naming drug and reaction beats naming one, beats naming neither), the last
/// written among equals.
fn assessor_answer<'a>(
    case: &'a Case,
    method: &Method,
    node: &str,
    pair: &Pair,
) -> Option<&'a crate::case::AssessorAnswer> {
    case.assessor_answers
        .iter()
        .filter(|a| a.method == method.id && a.question == node)
        .filter(|a| {
            a.drug.is_none_or(|d| d == pair.drug) && a.reaction.is_none_or(|r| r == pair.reaction)
        })
        .max_by_key(|a| a.drug.is_some() as u8 + a.reaction.is_some() as u8)
        .filter(|a| {
            method
                .nodes
                .iter()
                .any(|n| n.id == node && n.edge_for_answer(&a.answer).is_some())
        })
}
