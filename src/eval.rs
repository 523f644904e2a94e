//! Evaluation: walks each method's graph for each drug–event pair.
//!
//! Pure and total: no IO, no clock, no errors. A missing fact is an outcome the
//! graph routes; the time of assessment is a parameter. The result, an
//! [`Assessment`] with its full trace, holds everything a report shows, so
//! reports never recompute.

pub mod timeline;

use crate::case::Case;
use crate::findings::{self, Evidence, Pair};
use crate::policy::Policy;
use crate::rules::{Ask, Method, RuleSet, Target};
use chrono::NaiveDate;
use serde::Serialize;
use std::borrow::Cow;

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
}

/// Everything assessed for one case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseAssessment {
    pub engine_version: &'static str,
    pub rules_digest: String,
    pub case_digest: String,
    pub case_id: String,
    pub source: Option<String>,
    /// `None`: all information in the case.
    pub as_of: Option<NaiveDate>,
    pub methods: Vec<MethodStamp>,
    /// The policy in force: every switch, its value, and whether that is the default.
    pub policy: Vec<PolicySetting>,
    pub assessments: Vec<Assessment>,
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

/// One method's result for one drug–event pair, with its trace.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub drug: String,
    pub drug_name: String,
    pub reaction: String,
    pub reaction_term: String,
    pub method: String,
    pub method_version: String,
    /// The total, for methods that add points.
    pub score: Option<i64>,
    pub category: String,
    pub category_label: String,
    /// The category's level on the common scale.
    pub level: String,
    /// The band the total fell in, as text (`5 to 8`).
    pub band: Option<String>,
    pub steps: Vec<Step>,
    /// For ladders: the category just above the result and the criterion that failed.
    pub next_category_missed: Option<LadderMiss>,
    /// Why the method does not apply to this pair (category `not-applicable`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<String>,
}

/// The category of a batch row for something reported but not scored.
pub const NOT_SCORED: &str = "not-scored";
/// The category id of a pair a method is not meant for.
pub const NOT_APPLICABLE: &str = "not-applicable";

enum Applies {
    Yes,
    /// Outside the method's roles (or a concomitant outside its time window): no row at all.
    Skip,
    /// A suspect the method is not meant for: a row saying so ([`why_not`] words it).
    No(WhyNot),
}

/// Why a method is not meant for a suspect.
enum WhyNot {
    /// The reaction is not one of the method's phenotypes.
    Phenotype,
    /// The drug was not taken within the method's window before onset.
    NotTaken,
}

impl WhyNot {
    /// Its index in [`Method::not_applicable_because`].
    fn index(&self) -> usize {
        match self {
            WhyNot::Phenotype => 0,
            WhyNot::NotTaken => 1,
        }
    }
}

/// Whether a method's declared applicability covers a pair.
fn applicability(m: &Method, pair: &Pair) -> Applies {
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
fn why_not(m: &Method, pair: &Pair, why: WhyNot) -> String {
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

fn not_applicable(m: &Method, pair: &Pair, reason: String) -> Assessment {
    Assessment {
        drug: pair.case.drugs[pair.drug].id.clone(),
        drug_name: pair.case.drugs[pair.drug].name.clone(),
        reaction: pair.case.reactions[pair.reaction].id.clone(),
        reaction_term: pair.case.reactions[pair.reaction].term.clone(),
        method: m.id.clone(),
        method_version: m.version.clone(),
        score: None,
        category: NOT_APPLICABLE.to_owned(),
        category_label: "Not applicable".to_owned(),
        level: String::new(),
        band: None,
        steps: Vec::new(),
        next_category_missed: None,
        not_applicable: Some(reason),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub node: String,
    pub question: String,
    pub rationale: String,
    pub reference: String,
    /// For ladders, the category whose criterion this is.
    pub criterion_of: Option<String>,
    /// The finding asked, or `assessor`.
    pub asked: String,
    /// The finding's outcome (absent for assessor questions).
    pub outcome: Option<String>,
    pub reasoning: String,
    /// The answer derived from the case, before any assessor input.
    pub derived_answer: String,
    pub answer: String,
    pub points: i64,
    pub total: i64,
    pub evidence: Vec<Evidence>,
    pub assessor_input: Option<AssessorInput>,
    /// Set when a policy switch away from its default changed this step's answer.
    pub policy_change: Option<PolicyChange>,
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
pub struct LadderMiss {
    pub category: String,
    pub node: String,
    pub question: String,
    pub answer: String,
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

pub fn assess(rules: &RuleSet, case: &Case, options: &Options) -> CaseAssessment {
    let view;
    let case = match options.as_of {
        Some(day) => {
            view = case.known_by(day);
            &view
        }
        None => case,
    };
    let methods: Vec<&Method> = rules
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
                None => format!("reaction `{}`: the term `{}` matches no phenotype in the knowledge base; findings that need one answer unknown", reaction.id, reaction.term),
            });
        }
    }
    let warnings = contraindications(rules, case, &reactions);
    let refs = source_refs(case);
    let mut assessments = Vec::new();
    let mut summary = Vec::new();
    let mut pairs_seen = Vec::new();
    for d in 0..case.drugs.len() {
        if !case.is_known(case.drugs[d].known) {
            continue;
        }
        for &r in &reactions {
            let pair = Pair::new(case, &rules.kb, d, r, &policy);
            let mut results = Vec::new();
            let mut found = Found::new();
            for m in &methods {
                let a = match applicability(m, &pair) {
                    Applies::Yes => assess_pair(rules, m, &pair, &mut found),
                    Applies::Skip => continue,
                    Applies::No(why) => not_applicable(m, &pair, why_not(m, &pair, why)),
                };
                results.push((a.method.clone(), a.category.clone(), a.level.clone()));
                assessments.push(a);
            }
            if !results.is_empty() {
                pairs_seen.push((d, r));
            }
        }
    }
    compare_drugs(rules, &methods, &mut assessments);
    if !refs.is_empty() {
        for a in &mut assessments {
            for s in &mut a.steps {
                for e in &mut s.evidence {
                    if let Some((path, r)) = refs
                        .iter()
                        .find(|(p, _)| e.source == *p || e.source.starts_with(&format!("{p}.")))
                    {
                        let _ = path;
                        e.source = format!("{} (from {r})", e.source);
                    }
                }
            }
        }
    }
    for (d, r) in pairs_seen {
        let results = assessments
            .iter()
            .filter(|a| a.drug == case.drugs[d].id && a.reaction == case.reactions[r].id)
            .map(|a| (a.method.clone(), a.category.clone(), a.level.clone()))
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
        case_digest: case.digest.clone(),
        case_id: case.id.clone(),
        source: case.source.clone(),
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
    let mut out = Vec::new();
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
        });
    }
    out
}

/// The whole-case step of methods that compare drugs (ALDEN item 6): every drug
/// assessed for a reaction gains the step's points when another drug assessed
/// for the same reaction totals more than the threshold; then the bands apply.
fn compare_drugs(rules: &RuleSet, methods: &[&Method], assessments: &mut [Assessment]) {
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
                .map(|(_, b)| (b.category, Some(b)))
                .unwrap_or((m.categories.len().saturating_sub(1), None));
            let a = &mut assessments[*i];
            a.steps.push(Step {
                node: c.id.clone(),
                question: c.question.clone(),
                rationale: c.rationale.clone(),
                reference: c.reference.clone(),
                criterion_of: None,
                asked: "other drugs of the case".to_owned(),
                outcome: Some(answer.to_owned()),
                reasoning,
                derived_answer: answer.to_owned(),
                answer: answer.to_owned(),
                points,
                total: new_total,
                evidence,
                assessor_input: None,
                policy_change: None,
            });
            let category = &m.categories[cat];
            a.score = Some(new_total);
            a.category = category.id.clone();
            a.category_label = category.label.clone();
            a.level = rules
                .scale
                .levels
                .get(category.level)
                .map(|l| l.id.clone())
                .unwrap_or_default();
            a.band = band.map(band_text);
        }
    }
}

/// A drug a comparing method scored: (position, drug, reaction, total before the step).
type Ranked<S> = (usize, S, S, i64);

/// One drug's place among the drugs a comparing method scored for the same
/// reaction, each given as (position, drug, reaction, total before the step):
/// the top total, the other drugs holding it when it exceeds the threshold, and
/// whether the step's points apply (the drug ranks below such a leader). The
/// full assessment and the lean results both rank with this.
fn ranking<'x, S: PartialEq>(
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

/// A band as text: `5 to 8`, `9 or more`.
pub fn band_text(b: crate::rules::Band) -> String {
    match (b.min, b.max) {
        (Some(lo), Some(hi)) if lo == hi => format!("{lo}"),
        (Some(lo), Some(hi)) => format!("{lo} to {hi}"),
        (Some(lo), None) => format!("{lo} or more"),
        (None, Some(hi)) => format!("{hi} or less"),
        (None, None) => "any total".to_owned(),
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
fn concordance(
    rules: &RuleSet,
    assessments: &[Assessment],
    d: usize,
    r: usize,
    case: &Case,
    results: Vec<(String, String, String)>,
) -> PairSummary {
    let (drug, reaction) = (&case.drugs[d].id, &case.reactions[r].id);
    let rank = |level: &str| {
        rules
            .scale
            .levels
            .iter()
            .find(|l| l.id == level)
            .and_then(|l| l.rank)
    };
    let ranked: Vec<(&Assessment, i64)> = assessments
        .iter()
        .filter(|a| &a.drug == drug && &a.reaction == reaction)
        .filter_map(|a| rank(&a.level).map(|k| (a, k)))
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

/// Re-exposure is contraindicated after a severe cutaneous adverse reaction (or
/// any phenotype the knowledge base marks so) and after a grade 4 reaction; says
/// so for every suspect drug, and flags a re-exposure recorded despite it.
fn contraindications(rules: &RuleSet, case: &Case, reactions: &[usize]) -> Vec<String> {
    let mut out = Vec::new();
    for &r in reactions {
        let reaction = &case.reactions[r];
        let why = match (
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
            _ => continue,
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
struct Visit<'n, 'f, 'c> {
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

/// Where a walk ended: the total and the category (with the band, for totals).
struct End {
    total: i64,
    category: usize,
    band: Option<crate::rules::Band>,
}

/// The edge a finding's outcome takes at a node: for a finding that allows
/// several outcomes, the one they all lead to or the node's reading among them.
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
fn walk<'c>(
    method: &Method,
    pair: &Pair<'c>,
    found: &mut Found,
    mut visit: impl FnMut(Visit<'_, '_, 'c>),
) -> End {
    let case = pair.case;
    let mut total = 0i64;
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
    }
}

/// Walks one method's graph for one pair, recording every step.
pub fn assess_pair(rules: &RuleSet, method: &Method, pair: &Pair, found: &mut Found) -> Assessment {
    let case = pair.case;
    let mut steps = Vec::new();
    let end = walk(method, pair, found, |v| {
        let node = v.node;
        let mut policy_change = None;
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
                "only an assessor can answer this question".to_owned(),
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
    Some(format!(
        "{} possible; {} reading {} taken",
        options.join(" or "),
        node.when_uncertain.name(),
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
