//! Evaluation: walks each method's graph for each drug–event pair.
//!
//! Pure and total: no IO, no clock, no errors. A missing fact is an outcome the
//! graph routes; the time of assessment is a parameter. The result, an
//! [`Assessment`] with its full trace, holds everything a report shows, so
//! reports never recompute.

mod applicability;
pub mod chart;
mod compare;
mod concordance;
mod contraindications;
pub mod follow_up;
mod header;
pub mod letter;
pub mod questions;
mod rows;
pub mod timeline;
mod walk;

use applicability::{Applies, applicability, not_applicable, why_not};
use compare::compare_drugs;
use concordance::concordance;
use contraindications::contraindications;

pub use header::{CaseHeader, ReactionLine};
pub use rows::{Row, rows};
pub use walk::{Found, assess_pair};

use crate::case::Case;
use crate::findings::{self, Evidence, Pair};
use crate::policy::Policy;
use crate::rules::{Ask, Method, RuleSet, Target};
use chrono::NaiveDate;
use serde::Serialize;
use std::borrow::Cow;
use std::sync::Arc;

/// The version of this engine, stamped on every report.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What to assess.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Use only what was known by this day; `None` uses everything in the case.
    pub as_of: Option<NaiveDate>,
    /// Method ids to run; empty runs every method.
    pub methods: Vec<String>,
    /// The policy switches for this run; `None` uses the rule set's.
    pub policy: Option<Policy>,
    /// Also work out what would change each result ([`CaseAssessment::follow_up`]):
    /// the reports of `causa assess` and `causa serve` show it.
    pub follow_up: bool,
}

/// What a follow-up request could ask, and what each answer could change.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUp<'r> {
    /// The questions whose answers could move a result, most telling first.
    pub questions: Vec<questions::Question<'r>>,
    /// For each pair and method whose result rests on answers no information
    /// gives today: the other categories those answers could lead to, and the
    /// smallest sets of answers that would.
    pub results: Vec<follow_up::WhatIf<'r>>,
}

/// The listedness table an assessment used: file, digest and the documents it cites.
#[derive(Debug, Clone, Serialize)]
pub struct ListednessStamp {
    pub file: String,
    pub digest: String,
    pub documents: Vec<String>,
}

/// Everything assessed for one case. Rule texts (questions, answers,
/// categories) are borrowed from the rule set it was assessed with.
#[derive(Debug, Clone, Serialize)]
pub struct CaseAssessment<'r> {
    pub engine_version: &'static str,
    pub rules_digest: String,
    /// The user's listedness table, when one was given: it decides listedness
    /// before the knowledge base, so it is stamped beside the rule set.
    pub listedness: Option<ListednessStamp>,
    pub case_digest: String,
    pub case_id: String,
    pub source: Option<String>,
    /// What a person who signs the assessment reads first about the case.
    pub header: CaseHeader,
    /// `None`: all information in the case.
    pub as_of: Option<NaiveDate>,
    pub methods: Vec<MethodStamp>,
    /// The policy in force: every switch, its value, and whether that is the default.
    pub policy: Vec<PolicySetting>,
    pub assessments: Vec<Assessment<'r>>,
    pub summary: Vec<PairSummary>,
    /// Safety statements a reader must not miss: re-exposure contraindicated after this reaction.
    pub warnings: Vec<String>,
    /// Things a reader must know that belong to no single step (unmatched terms, nothing to assess).
    pub notes: Vec<String>,
    /// What the report holds but no method scores: terms that are not
    /// reactions (a product-use issue, a medication error), or the whole report
    /// when it names no suspect drug.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_scored: Vec<NotScored>,
    /// Assessments the source report already holds, verbatim, to read beside ours.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reported_assessments: Vec<Reported>,
    /// What to ask next and what the answers could change; `None` when not
    /// asked for ([`Options::follow_up`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<FollowUp<'r>>,
    /// The case's course, drawn as the HTML report's timeline (not part of the JSON).
    #[serde(skip)]
    pub chart: chart::Chart,
}

/// An assessment the source report holds, as written, never mapped onto ours.
#[derive(Debug, Clone, Serialize)]
pub struct Reported {
    pub drug: Option<String>,
    pub reaction: Option<String>,
    pub source: Option<String>,
    pub method: Option<String>,
    pub result: String,
    pub source_ref: Option<String>,
}

/// Something reported, not scored, and why.
#[derive(Debug, Clone, Serialize)]
pub struct NotScored {
    /// The reaction entry; `None` for the whole report.
    pub reaction: Option<String>,
    pub term: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicySetting {
    pub switch: &'static str,
    pub value: &'static str,
    pub default: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct MethodStamp {
    pub id: String,
    /// `score` (points and bands), `ladder` (categories tested top down) or `flowchart`.
    pub kind: &'static str,
    /// What the method is meant for, as its rule file declares.
    pub applies_to: String,
    pub name: String,
    pub version: String,
    pub citation: String,
    pub file: String,
}

/// One method's result for one drug–event pair, with its trace; the rule
/// texts are borrowed from the rule set (`'r`).
#[derive(Debug, Clone, Serialize)]
pub struct Assessment<'r> {
    pub drug: String,
    pub drug_name: String,
    pub reaction: String,
    pub reaction_term: String,
    pub method: &'r str,
    pub method_version: &'r str,
    /// The total, for methods that add points.
    pub score: Option<i64>,
    pub category: &'r str,
    pub category_label: &'r str,
    /// The category's level on the common scale.
    pub level: &'r str,
    /// The band the total fell in, as text (`5 to 8`).
    pub band: Option<&'r str>,
    pub steps: Vec<Step<'r>>,
    /// For ladders: the category just above the result and the criterion that failed.
    pub next_category_missed: Option<LadderMiss<'r>>,
    /// Why the method does not apply to this pair (category `not-applicable`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<String>,
    /// How many answers came from the case's facts, the knowledge base, an
    /// assessor, and how many found no information.
    pub information: Tally,
    /// Most answers found no information.
    pub insufficient: bool,
    /// Questions only an assessor answers that no one has, whose default
    /// reading the result rests on: it is provisional until they are answered.
    pub provisional: Vec<&'r str>,
}

/// What a method's answers for one pair rested on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub facts: u32,
    pub knowledge: u32,
    pub assessor: u32,
    pub unknown: u32,
}

impl Tally {
    pub fn total(&self) -> u32 {
        self.facts + self.knowledge + self.assessor + self.unknown
    }

    /// More than half the answers found no information.
    pub fn insufficient(&self) -> bool {
        self.total() > 0 && 2 * self.unknown > self.total()
    }
}

/// The category of a batch row for something reported but not scored.
pub const NOT_SCORED: &str = "not-scored";
/// The category id of a pair a method is not meant for.
pub const NOT_APPLICABLE: &str = "not-applicable";

/// One question of a method's trace: the rule's texts are borrowed from the
/// rule set, and a finding's reasoning and evidence are shared by every method
/// that asked it for the pair.
#[derive(Debug, Clone, Serialize)]
pub struct Step<'r> {
    pub node: &'r str,
    pub question: &'r str,
    pub rationale: &'r str,
    pub reference: &'r str,
    /// For ladders, the category whose criterion this is.
    pub criterion_of: Option<&'r str>,
    /// The finding asked, or `assessor`.
    pub asked: &'r str,
    /// The finding's outcome (absent for assessor questions).
    pub outcome: Option<&'r str>,
    pub reasoning: Arc<str>,
    /// The answer derived from the case, before any assessor input.
    pub derived_answer: &'r str,
    pub answer: &'r str,
    pub points: i64,
    pub total: i64,
    pub evidence: Arc<[Evidence]>,
    pub assessor_input: Option<Box<AssessorInput>>,
    /// Set when a policy switch away from its default changed this step's answer.
    pub policy_change: Option<Box<PolicyChange>>,
    /// When the facts allowed several outcomes: each, with the answer and
    /// points it gives at this node, and the reading the node took.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertain: Option<Box<Uncertain>>,
    /// What the answer rests on: `facts`, `knowledge`, `assessor` or `unknown`.
    pub basis: &'static str,
}

/// The outcomes a finding left open, and the reading a node took among them.
#[derive(Debug, Clone, Serialize)]
pub struct Uncertain {
    /// (outcome, answer, points), in the order of the finding's vocabulary.
    pub possible: Vec<(String, String, i64)>,
    /// `lower`, `higher` or `the rule file's`; `agree` when every outcome gives the same answer.
    pub reading: String,
}

/// What the documented default policy would have answered instead.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyChange {
    pub switches: Vec<String>,
    pub default_outcome: String,
    pub default_answer: String,
    pub default_points: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssessorInput {
    /// `answer` for a question only a person can answer, `override` when it replaced a derived answer.
    pub kind: &'static str,
    pub answer: String,
    pub assessor: String,
    pub justification: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LadderMiss<'r> {
    pub category: &'r str,
    pub node: &'r str,
    pub question: &'r str,
    pub answer: &'r str,
}

/// All methods' results for one pair, side by side.
#[derive(Debug, Clone, Serialize)]
pub struct PairSummary {
    pub drug: String,
    pub reaction: String,
    /// (method, category, level), in method order.
    pub results: Vec<(String, String, String)>,
    /// Steps on the common scale between the highest and the lowest ranked result
    /// (results off the scale, such as conditional, are not counted).
    pub spread: Option<i64>,
    /// The methods differ by more than one step.
    pub disagreement: bool,
    /// For a disagreement: the answers that lift the highest result and hold down the lowest.
    pub drivers: Vec<String>,
}

/// Assesses every suspect (or interacting) drug × reaction pair with every chosen method.
/// The reactions to assess (known, and reactions rather than product-use
/// issues or the like), and what is reported but not scored with the reason:
/// a reaction index, or `None` for the whole report (no suspect drug).
fn scope(rules: &RuleSet, case: &Case) -> (Vec<usize>, Vec<(Option<usize>, String)>) {
    let mut not_scored = Vec::new();
    let mut reactions: Vec<usize> = Vec::new();
    for r in (0..case.reactions.len()).filter(|&r| case.is_known(case.reactions[r].known)) {
        let reaction = &case.reactions[r];
        let not_reaction = match findings::phenotype_of(&rules.kb, reaction) {
            Some(_) => None,
            None => rules
                .kb
                .not_reaction_for_term(&reaction.term, reaction.meddra_code.as_deref()),
        };
        match not_reaction {
            Some(x) => not_scored.push((
                Some(r),
                format!(
                    "reports {}, not an adverse reaction: reported, not scored (knowledge base `{}`, {})",
                    x.kind, x.id, x.origin
                ),
            )),
            None => reactions.push(r),
        }
    }
    let suspect = case.drugs.iter().any(|d| {
        case.is_known(d.known)
            && matches!(
                d.role,
                crate::case::Role::Suspect | crate::case::Role::Interacting
            )
    });
    if !suspect {
        not_scored.push((
            None,
            "the report names no suspect or interacting drug: reported, not scored".to_owned(),
        ));
        reactions.clear();
    }
    (reactions, not_scored)
}

/// Why nothing was assessed when nothing else says so.
fn nothing_assessed(reactions: &[usize]) -> String {
    if reactions.is_empty() {
        "no reaction is recorded (as of the assessment date): nothing to assess".to_owned()
    } else {
        "no drug with a role the chosen methods assess: nothing to assess".to_owned()
    }
}

pub fn assess<'r>(rules: &'r RuleSet, case: &Case, options: &Options) -> CaseAssessment<'r> {
    let view;
    let case = match options.as_of {
        Some(day) => {
            view = case.known_by(day);
            &view
        }
        None => case,
    };
    let methods: Vec<&'r Method> = rules
        .methods
        .iter()
        .filter(|m| options.methods.is_empty() || options.methods.iter().any(|x| x == &m.id))
        .collect();
    let policy = options
        .policy
        .clone()
        .unwrap_or_else(|| rules.policy.clone());
    let mut notes: Vec<String> = case.notes.clone();
    let (reactions, unscored) = scope(rules, case);
    let mut not_scored: Vec<NotScored> = unscored
        .into_iter()
        .map(|(r, reason)| NotScored {
            reaction: r.map(|r| case.reactions[r].id.clone()),
            term: r.map(|r| case.reactions[r].term.clone()),
            reason,
        })
        .collect();
    for &r in &reactions {
        let reaction = &case.reactions[r];
        if !case.drugs.is_empty() && findings::phenotype_of(&rules.kb, reaction).is_none() {
            notes.push(match &reaction.phenotype {
                Some(p) => format!("reaction `{}`: phenotype `{p}` is not in the knowledge base", reaction.id),
                None => format!(
                    "reaction `{}`: the term `{}` matches no phenotype in the knowledge base; {}",
                    reaction.id,
                    reaction.term,
                    if rules.kb.generic_time.is_some() {
                        "time to onset takes the knowledge base's generic reading, and other findings that need a phenotype answer unknown"
                    } else {
                        "findings that need one answer unknown"
                    }
                ),
            });
        }
    }
    let warnings = contraindications(rules, case, &reactions);
    let refs = source_refs(case);
    let mut assessments = Vec::new();
    let mut summary = Vec::new();
    let mut pairs_seen = Vec::new();
    // Per assessment explored: its index, method, endings and score before any whole-case step.
    let mut explorations = Vec::new();
    for d in 0..case.drugs.len() {
        if !case.is_known(case.drugs[d].known) {
            continue;
        }
        for &r in &reactions {
            let pair = Pair::new(case, &rules.kb, d, r, &policy);
            let mut assessed = false;
            let mut found = Found::new();
            for m in &methods {
                let a = match applicability(m, &pair) {
                    Applies::Yes => {
                        let a = assess_pair(rules, m, &pair, &mut found);
                        if options.follow_up {
                            let explored = follow_up::explore(m, &pair, &mut found);
                            explorations.push((assessments.len(), *m, explored, a.score));
                        }
                        a
                    }
                    Applies::Skip => continue,
                    Applies::No(why) => not_applicable(m, &pair, why_not(m, &pair, why)),
                };
                assessed = true;
                assessments.push(a);
            }
            if assessed {
                pairs_seen.push((d, r));
            }
        }
    }
    compare_drugs(rules, &methods, &mut assessments);
    let follow_up = options.follow_up.then(|| {
        explorations
            .iter()
            .map(|(i, m, explored, walked)| {
                let a = &assessments[*i];
                // A whole-case step (ALDEN's ranking) adds the same points whatever the answers.
                let extra = a.score.unwrap_or(0) - walked.unwrap_or(0);
                follow_up::what_if(rules, m, a, explored, extra)
            })
            .filter(|w| !w.reachable.is_empty())
            .collect::<Vec<_>>()
    });
    let follow_up = follow_up.map(|results| FollowUp {
        questions: questions::questions(rules, &assessments, &results),
        results,
    });
    if !refs.is_empty() {
        for a in &mut assessments {
            for s in &mut a.steps {
                let from = |e: &Evidence| {
                    refs.iter()
                        .find(|(p, _)| e.source == *p || e.source.starts_with(&format!("{p}.")))
                        .map(|(_, r)| r)
                };
                if s.evidence.iter().any(|e| from(e).is_some()) {
                    let evidence: Vec<Evidence> = s
                        .evidence
                        .iter()
                        .map(|e| match from(e) {
                            Some(r) => Evidence {
                                source: format!("{} (from {r})", e.source),
                                value: e.value.clone(),
                            },
                            None => e.clone(),
                        })
                        .collect();
                    s.evidence = Arc::from(evidence);
                }
            }
        }
    }
    for (d, r) in pairs_seen {
        let results = assessments
            .iter()
            .filter(|a| a.drug == case.drugs[d].id && a.reaction == case.reactions[r].id)
            .map(|a| {
                (
                    a.method.to_owned(),
                    a.category.to_owned(),
                    a.level.to_owned(),
                )
            })
            .collect();
        summary.push(concordance(rules, &assessments, d, r, case, results));
    }
    // An assessor answer that no step used is worth knowing: its question was never reached.
    for a in &case.assessor_answers {
        let ran = methods.iter().any(|m| m.id == a.method);
        let used = assessments.iter().any(|x| {
            x.steps.iter().any(|s| {
                s.assessor_input
                    .as_ref()
                    .is_some_and(|i| i.source == a.path)
            })
        });
        if ran && !used {
            notes.push(format!(
                "assessor answer `{}` ({} {} = {}) was not used: no assessed pair reached that question",
                a.path, a.method, a.question, a.answer
            ));
        }
    }
    // A report with nothing assessed says why, so no report is ever silent (a batch gives it a row).
    if assessments.is_empty() && not_scored.is_empty() {
        not_scored.push(NotScored {
            reaction: None,
            term: None,
            reason: nothing_assessed(&reactions),
        });
    }
    CaseAssessment {
        engine_version: ENGINE_VERSION,
        rules_digest: rules.digest.clone(),
        listedness: rules.kb.listedness.as_ref().map(|t| ListednessStamp {
            file: t.file.clone(),
            digest: t.digest.clone(),
            documents: t.documents(),
        }),
        case_digest: case.digest.clone(),
        case_id: case.id.clone(),
        source: case.source.clone(),
        header: header::header(case),
        chart: chart::chart(case, options.as_of),
        as_of: options.as_of,
        methods: methods
            .iter()
            .map(|m| MethodStamp {
                id: m.id.clone(),
                kind: if m.has_score() {
                    "score"
                } else if m.is_ladder() {
                    "ladder"
                } else {
                    "flowchart"
                },
                applies_to: m.applies_to.describe(),
                name: m.name.clone(),
                version: m.version.clone(),
                citation: m.citation.clone(),
                file: m.file.clone(),
            })
            .collect(),
        policy: policy
            .entries()
            .into_iter()
            .map(|(switch, value, default)| PolicySetting {
                switch,
                value,
                default,
            })
            .collect(),
        assessments,
        follow_up,
        summary,
        warnings,
        notes,
        not_scored,
        reported_assessments: case
            .reported_assessments
            .iter()
            .map(|x| Reported {
                drug: x.drug.map(|d| case.drugs[d].id.clone()),
                reaction: x.reaction.map(|r| case.reactions[r].id.clone()),
                source: x.source.clone(),
                method: x.method.clone(),
                result: x.result.clone(),
                source_ref: x.source_ref.clone(),
            })
            .collect(),
    }
}

/// The case paths of imported items and where they came from, longest first.
fn source_refs(case: &Case) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = case
        .drugs
        .iter()
        .filter_map(|d| d.source_ref.clone().map(|r| (d.path.clone(), r)))
        .chain(
            case.reactions
                .iter()
                .filter_map(|r| r.source_ref.clone().map(|s| (r.path.clone(), s))),
        )
        .collect();
    out.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    out
}
