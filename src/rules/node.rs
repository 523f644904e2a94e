//! A method's graph, node by node: the question a node asks, its edges and
//! their points, the table from a finding's outcomes to edges, the reading a
//! node takes when the facts allow several outcomes, and what a trace says at
//! a question only an assessor answers.

use crate::findings::{Evidence, FindingId};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub question: String,
    pub rationale: String,
    pub reference: String,
    pub ask: Ask,
    pub criterion_of: Option<usize>,
    pub edges: Vec<Edge>,
    /// The edge each outcome of the finding asked takes, in the order of the
    /// finding's vocabulary ([`FindingId::outcomes`]); for an assessor
    /// question, the edge for `unknown` alone. Made at validation, so that a
    /// walk never compares outcome names.
    pub by_outcome: Vec<usize>,
    /// For an assessor question, what a trace says at it (made at validation).
    pub assessor_trace: Option<Box<AssessorTrace>>,
    /// The reading taken when the facts allow outcomes that lead to different answers.
    pub when_uncertain: Reading,
    /// For an assessor question: whether the answer taken when no assessor
    /// answered makes the result provisional (`true`) or is no information.
    pub provisional_unanswered: bool,
    /// Line of the node in its rule file.
    pub line: u64,
}

/// Which answer a node takes when the facts allow several outcomes that lead
/// to different edges (a latency straddling a window's edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// The edge with the fewest points; among equals, the one listed last
    /// (rule files list edges from the most to the least favourable).
    Lower,
    /// The edge with the most points; among equals, the one listed first.
    Higher,
    /// The lower reading, except that an answer against the drug (fewer than
    /// 0 points) is taken only when every allowed answer is against it: when
    /// the facts allow readings both for and against, they say nothing either
    /// way, and the edge for `unknown` is taken.
    LowerUnlessAgainst,
    /// This edge when it is among those allowed, else the lower reading.
    Answer(usize),
}

impl Reading {
    /// The word rule files and reports use.
    pub fn name(self) -> &'static str {
        match self {
            Reading::Lower => "lower",
            Reading::Higher => "higher",
            Reading::LowerUnlessAgainst => "lower-unless-against",
            Reading::Answer(_) => "the rule file's",
        }
    }
}

/// The edge a node takes for a finding that allows several outcomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub edge: usize,
    /// The distinct edges the allowed outcomes lead to, in the order of the node.
    pub candidates: Vec<usize>,
}

/// Where a node's answer comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    Finding(FindingId),
    /// Only an assessor can answer; without one the `unknown` edge is taken.
    Assessor,
}

#[derive(Debug, Clone)]
pub struct Edge {
    pub answer: String,
    pub when: Vec<String>,
    pub points: i64,
    pub target: Target,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Node(usize),
    Category(usize),
    /// Conclude from the total through the bands.
    Bands,
}

/// What a trace says at a question only an assessor answers: the reasoning
/// and evidence when one answered and when none did. The same for every pair,
/// so made once, at validation, and shared by every trace.
#[derive(Debug, Clone)]
pub struct AssessorTrace {
    pub answered: (Arc<str>, Arc<[Evidence]>),
    pub unanswered: (Arc<str>, Arc<[Evidence]>),
}

impl AssessorTrace {
    pub(super) fn new(method: &str, node: &Node) -> AssessorTrace {
        let evidence = |what: &str| -> Arc<[Evidence]> {
            Arc::from([Evidence {
                source: "assessor_answers".to_owned(),
                value: format!("{what} for {method} {}", node.id),
            }])
        };
        let taken = &node.edges[node.edge_for_outcome("unknown")].answer;
        let unanswered = if node.provisional_unanswered {
            format!(
                "not assessed: only an assessor can answer this question and none has; the rule file's default `{taken}` is taken, and the result is provisional until an assessor answers"
            )
        } else {
            format!(
                "not assessed: only an assessor can answer this question and none has; `{taken}` (no information) is taken"
            )
        };
        AssessorTrace {
            answered: (
                Arc::from("only an assessor can answer this question"),
                evidence("answered"),
            ),
            unanswered: (Arc::from(unanswered), evidence("none")),
        }
    }
}

impl Node {
    /// The edge a finding outcome (or, for assessor nodes, an answer or `unknown`) takes.
    /// Validation guarantees every outcome has exactly one.
    #[inline]
    pub fn edge_for_outcome(&self, outcome: &str) -> usize {
        self.edges
            .iter()
            .position(|e| e.when.iter().any(|w| w == outcome))
            .unwrap_or(0)
    }

    /// The table of [`Node::by_outcome`] for this node's question.
    pub fn outcome_table(&self) -> Vec<usize> {
        match self.ask {
            Ask::Finding(fid) => fid
                .outcomes()
                .iter()
                .map(|o| self.edge_for_outcome(o))
                .collect(),
            Ask::Assessor => vec![self.edge_for_outcome("unknown")],
        }
    }

    /// The edge an outcome takes, by its place in the finding's vocabulary.
    #[inline]
    pub fn edge_for_outcome_at(&self, at: usize) -> usize {
        self.by_outcome.get(at).copied().unwrap_or(0)
    }

    /// The edge for a finding that allows each of `possible`: the one they all
    /// lead to, or the one the node's reading picks among them.
    pub fn edge_for_possible(&self, possible: &[&str]) -> Resolved {
        let mut candidates: Vec<usize> =
            possible.iter().map(|o| self.edge_for_outcome(o)).collect();
        candidates.sort_unstable();
        candidates.dedup();
        let lower = |c: &[usize]| {
            c.iter()
                .copied()
                .min_by_key(|&e| (self.edges[e].points, std::cmp::Reverse(e)))
                .unwrap_or(0)
        };
        let edge = match self.when_uncertain {
            _ if candidates.len() == 1 => candidates[0],
            Reading::Lower => lower(&candidates),
            Reading::Higher => candidates
                .iter()
                .copied()
                .max_by_key(|&e| (self.edges[e].points, std::cmp::Reverse(e)))
                .unwrap_or(0),
            Reading::LowerUnlessAgainst => {
                let against = |e: &usize| self.edges[*e].points < 0;
                let unknown = self
                    .edges
                    .iter()
                    .position(|e| e.when.iter().any(|w| w == "unknown"));
                match unknown {
                    Some(u)
                        if candidates.iter().any(against) && !candidates.iter().all(against) =>
                    {
                        u
                    }
                    _ => lower(&candidates),
                }
            }
            Reading::Answer(a) if candidates.contains(&a) => a,
            Reading::Answer(_) => lower(&candidates),
        };
        Resolved { edge, candidates }
    }

    /// The edge labelled with a method answer, for assessor answers and overrides.
    pub fn edge_for_answer(&self, answer: &str) -> Option<usize> {
        self.edges.iter().position(|e| e.answer == answer)
    }

    pub fn answers(&self) -> impl Iterator<Item = &str> {
        self.edges.iter().map(|e| e.answer.as_str())
    }
}
