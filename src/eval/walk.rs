//! Walking one method's graph for one pair: the findings asked, the edges
//! taken (with assessor answers, overrides and the readings of uncertain
//! findings), the total and the category. The full assessment records every
//! step; the lean results walk the same way without recording.

use super::*;

/// Findings already computed for one pair: methods ask many of the same, and
/// a finding depends only on the pair, the knowledge base and the policy.
pub struct Found([Option<Derived>; findings::FindingId::ALL.len()]);

/// A finding computed for a pair, with its reasoning and evidence as the
/// traces of every method that asks it share them (made on first use).
struct Derived {
    finding: findings::Finding,
    /// The outcome's place in the finding's vocabulary, which indexes each
    /// node's table of edges.
    outcome_at: usize,
    /// The outcome says the case holds no information ([`findings::FindingId::no_information`]).
    no_information: bool,
    shared: std::cell::OnceCell<(Arc<str>, Arc<[Evidence]>)>,
}

impl Derived {
    /// The finding's reasoning and evidence, shared.
    fn shared(&self) -> &(Arc<str>, Arc<[Evidence]>) {
        self.shared.get_or_init(|| {
            (
                Arc::from(self.finding.reasoning.as_str()),
                Arc::from(self.finding.evidence.as_slice()),
            )
        })
    }
}

impl Found {
    pub fn new() -> Found {
        Found(std::array::from_fn(|_| None))
    }

    /// The finding for this pair, computed on first use.
    fn get(&mut self, fid: findings::FindingId, pair: &Pair) -> &Derived {
        // `FindingId` variants are numbered in the order of `ALL`, from 0.
        self.0[fid as usize].get_or_insert_with(|| {
            let finding = findings::compute(fid, pair);
            Derived {
                outcome_at: fid.outcome_index(finding.outcome),
                no_information: finding.possible.is_empty() && fid.no_information(finding.outcome),
                finding,
                shared: std::cell::OnceCell::new(),
            }
        })
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
    /// The same, with its reasoning and evidence to share.
    derived: Option<&'f Derived>,
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
    /// The band the total fell in (its index in the method's bands).
    pub(super) band: Option<usize>,
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
    fn of(derived: Option<(findings::FindingId, &Derived)>, input: bool) -> Basis {
        match derived {
            _ if input => Basis::Assessor,
            None => Basis::Unknown,
            Some((_, d)) if d.no_information => Basis::Unknown,
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
/// several outcomes, the one they all lead to or the node's reading among them;
/// for an assessor question, the edge for `unknown`.
#[inline]
fn derived_edge(node: &crate::rules::Node, derived: Option<&Derived>) -> usize {
    match derived {
        Some(d) if !d.finding.possible.is_empty() => {
            node.edge_for_possible(&d.finding.possible).edge
        }
        Some(d) => node.edge_for_outcome_at(d.outcome_at),
        None => node.edge_for_outcome_at(0),
    }
}

/// The edge a finding computed apart (under another policy) takes at a node.
fn edge_of(node: &crate::rules::Node, f: &findings::Finding) -> usize {
    if f.possible.is_empty() {
        node.edge_for_outcome(f.outcome)
    } else {
        node.edge_for_possible(&f.possible).edge
    }
}

/// What one node of a method meets for a pair: the finding asked (`None`
/// for an assessor question), the edge its outcome takes, the assessor's
/// answer or override, and the edge taken.
pub(super) struct Met<'f, 'c> {
    derived: Option<(findings::FindingId, &'f Derived)>,
    derived_edge: usize,
    input: Option<&'c crate::case::AssessorAnswer>,
    pub(super) edge: usize,
}

impl Met<'_, '_> {
    /// What the answer taken rests on.
    pub(super) fn basis(&self) -> Basis {
        Basis::of(self.derived, self.input.is_some())
    }
}

/// What node `at` of a method meets for a pair.
#[inline]
pub(super) fn meet<'f, 'c>(
    method: &Method,
    at: usize,
    pair: &Pair<'c>,
    found: &'f mut Found,
) -> Met<'f, 'c> {
    let node = &method.nodes[at];
    let derived = match node.ask {
        Ask::Finding(fid) => Some((fid, found.get(fid, pair))),
        Ask::Assessor => None,
    };
    let derived_edge = derived_edge(node, derived.map(|(_, d)| d));
    let input = assessor_answer(pair.case, method, &node.id, pair);
    let edge = input
        .and_then(|a| node.edge_for_answer(&a.answer))
        .unwrap_or(derived_edge);
    Met {
        derived,
        derived_edge,
        input,
        edge,
    }
}

/// Walks one method's graph for one pair, telling `visit` what each node met.
/// The full assessment and the lean results both walk with this one function,
/// so their answers, totals and categories cannot differ.
pub(super) fn walk<'m, 'c>(
    method: &'m Method,
    pair: &Pair<'c>,
    found: &mut Found,
    mut visit: impl FnMut(Visit<'m, '_, 'c>),
) -> End {
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
        let met = meet(method, at, pair, found);
        let Met {
            derived,
            derived_edge,
            input,
            edge,
        } = met;
        let finding = derived.map(|(fid, d)| (fid, &d.finding));
        total = total.saturating_add(node.edges[edge].points);
        tally.add(met.basis());
        if finding.is_none() && input.is_none() && node.provisional_unanswered {
            provisional.push(at);
        }
        visit(Visit {
            node,
            finding,
            derived: derived.map(|(_, d)| d),
            derived_edge,
            input,
            edge,
            total,
        });
        match node.edges[edge].target {
            Target::Node(n) => at = n,
            Target::Category(c) => break Some((c, None)),
            Target::Bands => break method.band_for(total).map(|(i, b)| (b.category, Some(i))),
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

/// Walks one method's graph for one pair, recording every step. The steps
/// borrow the rule texts and share each finding's reasoning and evidence.
pub fn assess_pair<'r>(
    rules: &'r RuleSet,
    method: &'r Method,
    pair: &Pair,
    found: &mut Found,
) -> Assessment<'r> {
    let case = pair.case;
    let mut steps: Vec<Step<'r>> = Vec::with_capacity(method.nodes.len());
    let end = walk(method, pair, found, |v| {
        let node = v.node;
        let mut policy_change = None;
        let uncertain = v
            .finding
            .filter(|(_, f)| !f.possible.is_empty())
            .map(|(_, f)| {
                let r = node.edge_for_possible(&f.possible);
                Box::new(Uncertain {
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
                })
            });
        let (asked, outcome, reasoning, evidence) = match (v.finding, v.derived) {
            (Some((fid, f)), Some(d)) => {
                // Mark an answer that a switch away from its default changed.
                // Only an answer the case's own facts decide can be changed by the policy.
                if !f.policies.is_empty() && v.input.is_none() {
                    let changed: Vec<String> = pair
                        .policy
                        .changed()
                        .into_iter()
                        .filter(|s| f.policies.contains(s))
                        .map(str::to_owned)
                        .collect();
                    if !changed.is_empty() {
                        let default_policy = Policy::default();
                        let reference = findings::compute(fid, &pair.with_policy(&default_policy));
                        let now = &node.edges[edge_of(node, f)];
                        let then = &node.edges[edge_of(node, &reference)];
                        if (&now.answer, now.points) != (&then.answer, then.points) {
                            policy_change = Some(Box::new(PolicyChange {
                                switches: changed,
                                default_outcome: reference.outcome.to_owned(),
                                default_answer: then.answer.clone(),
                                default_points: then.points,
                            }));
                        }
                    }
                }
                let (shared_reasoning, shared_evidence) = d.shared();
                let reasoning = match uncertain_reading(node, f) {
                    Some(r) => Arc::from(format!("{}; {r}", f.reasoning)),
                    None => Arc::clone(shared_reasoning),
                };
                (
                    fid.name(),
                    Some(f.outcome),
                    reasoning,
                    Arc::clone(shared_evidence),
                )
            }
            _ => {
                // Validation makes the texts of every assessor question.
                let texts = node.assessor_trace.as_deref().map(|t| {
                    if v.input.is_some() {
                        &t.answered
                    } else {
                        &t.unanswered
                    }
                });
                let (reasoning, evidence) = texts.cloned().unwrap_or_default();
                ("assessor", None, reasoning, evidence)
            }
        };
        let edge = &node.edges[v.edge];
        let assessor_input = v.input.map(|a| {
            Box::new(AssessorInput {
                kind: if matches!(node.ask, Ask::Assessor) {
                    "answer"
                } else {
                    "override"
                },
                answer: a.answer.clone(),
                assessor: a.assessor.clone(),
                justification: a.justification.clone(),
                source: a.path.clone(),
            })
        });
        steps.push(Step {
            node: &node.id,
            question: &node.question,
            rationale: &node.rationale,
            reference: &node.reference,
            criterion_of: node.criterion_of.map(|c| method.categories[c].id.as_str()),
            asked,
            outcome,
            reasoning,
            derived_answer: &node.edges[v.derived_edge].answer,
            answer: &edge.answer,
            points: edge.points,
            total: v.total,
            evidence,
            assessor_input,
            policy_change,
            uncertain,
            basis: Basis::of(
                v.finding.zip(v.derived).map(|((fid, _), d)| (fid, d)),
                v.input.is_some(),
            )
            .name(),
        });
    });
    let (total, cat, band) = (end.total, end.category, end.band);
    let c = &method.categories[cat];
    let next_category_missed = if method.is_ladder() && cat > 0 {
        let above = &method.categories[cat - 1];
        steps
            .iter()
            .rfind(|s| s.criterion_of == Some(above.id.as_str()))
            .map(|s| LadderMiss {
                category: &above.id,
                node: s.node,
                question: s.question,
                answer: s.answer,
            })
    } else {
        None
    };
    Assessment {
        drug: case.drugs[pair.drug].id.clone(),
        drug_name: case.drugs[pair.drug].name.clone(),
        reaction: case.reactions[pair.reaction].id.clone(),
        reaction_term: case.reactions[pair.reaction].term.clone(),
        method: &method.id,
        method_version: &method.version,
        score: method.has_score().then_some(total),
        category: &c.id,
        category_label: &c.label,
        level: rules
            .scale
            .levels
            .get(c.level)
            .map_or("", |l| l.id.as_str()),
        band: band
            .and_then(|b| method.band_texts.get(b))
            .map(String::as_str),
        steps,
        next_category_missed,
        not_applicable: None,
        information: end.tally,
        insufficient: end.tally.insufficient(),
        provisional: end
            .provisional
            .iter()
            .map(|&n| method.nodes[n].id.as_str())
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
