//! The allergist's letter: the reaction as an allergist describes it,
//! causality before a desensitization and after it in one table, and the
//! record of every desensitization with its steps and breakthrough reactions.
//!
//! Pure, like the rest of evaluation: two assessments of the case (as of the
//! day before and with what is known after) and what the case records.

use super::{Assessment, CaseAssessment, MethodStamp, Options, PolicySetting, assess};
use crate::case::{Case, Dose, Rechallenge, RechallengeKind, StepOutcome};
use crate::findings::{self, kebab};
use crate::rules::RuleSet;
use chrono::NaiveDate;
use serde::Serialize;

/// Everything the letter shows.
#[derive(Debug, Clone, Serialize)]
pub struct Letter {
    pub engine_version: &'static str,
    pub rules_digest: String,
    pub case_digest: String,
    pub case_id: String,
    pub source: Option<String>,
    pub methods: Vec<MethodStamp>,
    pub policy: Vec<PolicySetting>,
    pub header: super::CaseHeader,
    pub reactions: Vec<ReactionProfile>,
    pub comparison: Comparison,
    pub desensitizations: Vec<Episode>,
    /// Re-exposure contraindicated, and re-exposures recorded despite it.
    pub warnings: Vec<String>,
    /// The case's course as of the later assessment, drawn in the HTML letter.
    #[serde(skip)]
    pub chart: super::chart::Chart,
}

/// A reaction as an allergist describes it.
#[derive(Debug, Clone, Serialize)]
pub struct ReactionProfile {
    pub id: String,
    pub term: String,
    /// The knowledge base's phenotype, when the reaction matches one.
    pub phenotype: Option<String>,
    /// `immediate` or `delayed`, as the knowledge base describes the mechanism.
    pub timing: Option<String>,
    /// The Gell-Coombs type named by the knowledge base (`type III`).
    pub hypersensitivity_type: Option<String>,
    /// The knowledge base's mechanism, as written.
    pub mechanism: Option<String>,
    /// "CTCAE grade 2", "Brown grade severe", or empty.
    pub grade: String,
    /// Whether it is a severe cutaneous adverse reaction, when the knowledge base knows the phenotype.
    pub scar: Option<bool>,
    /// Why rechallenge and desensitization are contraindicated after it, if they are.
    pub contraindication: Option<String>,
}

/// Causality before and after, each method side by side.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The day the "before" column is assessed as of; `None` when there is nothing to compare with.
    pub before: Option<NaiveDate>,
    /// Why that day: "the day before desensitization-2022 began", or "as asked".
    pub before_reason: String,
    /// The day the "after" column is assessed as of; `None` for all information.
    pub after: Option<NaiveDate>,
    pub rows: Vec<CompareRow>,
}

/// One method's result for one pair, before and after.
#[derive(Debug, Clone, Serialize)]
pub struct CompareRow {
    pub drug: String,
    pub drug_name: String,
    pub reaction: String,
    pub reaction_term: String,
    pub method: String,
    pub method_name: String,
    /// "conditional (3)"; `None` when the pair was not yet assessed then.
    pub before: Option<String>,
    pub after: String,
    pub changed: bool,
    /// The steps that moved, in words: what became known, and the answer's change.
    pub moved: Vec<String>,
}

/// One desensitization as the case records it.
#[derive(Debug, Clone, Serialize)]
pub struct Episode {
    pub id: Option<String>,
    pub drug: String,
    /// Its start and end, at their precision.
    pub start: Option<String>,
    pub end: Option<String>,
    pub premedication: Vec<String>,
    pub target_dose: Option<String>,
    /// "reached on day 25 (10 mg)", "not reached: the highest dose was 5 mg", or why it cannot be told.
    pub target: String,
    pub steps: Vec<StepRecord>,
    /// The steps with a reaction (a recurrence or another reaction).
    pub breakthrough: usize,
    /// How it ended, in words.
    pub outcome: String,
    pub description: Option<String>,
}

/// One protocol step.
#[derive(Debug, Clone, Serialize)]
pub struct StepRecord {
    /// "1", "10-16", or empty.
    pub day: String,
    /// Its calendar days, when the episode's start is known to the day.
    pub dates: String,
    pub dose: String,
    /// The premedication in force at this step.
    pub premedication: Vec<String>,
    /// "tolerated", "recurrence of leukocytoclastic vasculitis", "other reaction".
    pub outcome: String,
    pub reacted: bool,
    /// The reaction's grade, when the case gives it; "not recorded" for a reaction without one.
    pub grade: String,
    pub description: Option<String>,
}

/// The day before the first desensitization of a case began (the earliest day its start allows).
pub fn day_before_desensitization(case: &Case) -> Option<(NaiveDate, String)> {
    case.rechallenges
        .iter()
        .filter(|r| r.kind == RechallengeKind::Desensitization)
        .filter_map(|r| Some((r.start?.earliest.pred_opt()?, r)))
        .min_by_key(|(d, _)| *d)
        .map(|(d, r)| {
            let name = r
                .id
                .clone()
                .unwrap_or_else(|| format!("the desensitization to {}", case.drugs[r.drug].name));
            (d, format!("the day before {name} began"))
        })
}

/// The letter for a case: `compare` is the day of the "before" column (by
/// default the day before the first desensitization); `options.as_of` that of
/// the "after" column (all information by default).
pub fn letter(
    rules: &RuleSet,
    case: &Case,
    options: &Options,
    compare: Option<NaiveDate>,
) -> Letter {
    let after = assess(rules, case, options);
    let view;
    let known = match options.as_of {
        Some(day) => {
            view = case.known_by(day);
            &view
        }
        None => case,
    };
    // By default, the day before the first desensitization known at the time of the later column.
    let chosen = match compare {
        Some(d) => Some((d, "as asked".to_owned())),
        None => day_before_desensitization(known),
    };
    let before = chosen.as_ref().map(|(d, _)| {
        assess(
            rules,
            case,
            &Options {
                as_of: Some(*d),
                ..options.clone()
            },
        )
    });
    Letter {
        engine_version: after.engine_version,
        rules_digest: after.rules_digest.clone(),
        case_digest: after.case_digest.clone(),
        case_id: after.case_id.clone(),
        source: after.source.clone(),
        methods: after.methods.clone(),
        policy: after.policy.clone(),
        header: after.header.clone(),
        reactions: known
            .reactions
            .iter()
            .filter(|r| known.is_known(r.known))
            .map(|r| profile(rules, r))
            .collect(),
        comparison: Comparison {
            before: chosen.as_ref().map(|(d, _)| *d),
            before_reason: chosen.map(|(_, why)| why).unwrap_or_else(|| {
                "the case records no desensitization: give --compare-as-of DATE to compare".into()
            }),
            after: options.as_of,
            rows: rows(before.as_ref(), &after),
        },
        desensitizations: known
            .rechallenges
            .iter()
            .filter(|r| r.kind == RechallengeKind::Desensitization && known.is_known(r.known))
            .map(|r| episode(known, r))
            .collect(),
        warnings: after.warnings.clone(),
        chart: after.chart.clone(),
    }
}

fn profile(rules: &RuleSet, r: &crate::case::Reaction) -> ReactionProfile {
    let p = findings::phenotype_of(&rules.kb, r);
    let mechanism = p.and_then(|p| p.mechanism.clone());
    let m = mechanism.as_deref().unwrap_or_default();
    let non_immune = m.starts_with("non-immunological");
    let timing = if m.starts_with("immediate") {
        Some("immediate".to_owned())
    } else if m.starts_with("delayed") || m.contains("(delayed") {
        Some("delayed".to_owned())
    } else {
        None
    };
    // "Gell-Coombs type III (immune complex)" → "type III".
    let hypersensitivity_type = if non_immune {
        Some("none: not immunological".to_owned())
    } else {
        None
    }
    .or_else(|| {
        m.find("Gell-Coombs type ").map(|i| {
            let rest = &m[i + "Gell-Coombs ".len()..];
            let end = rest
                .char_indices()
                .skip("type ".len())
                .find(|(_, c)| !c.is_ascii_alphanumeric())
                .map_or(rest.len(), |(i, _)| i);
            rest[..end].to_owned()
        })
    });
    let mut grades = Vec::new();
    if let Some(g) = r.severity_grade {
        grades.push(format!("CTCAE grade {g}"));
    }
    if let Some(b) = r.brown_grade {
        grades.push(format!("Brown grade {}", kebab(&b)));
    }
    ReactionProfile {
        id: r.id.clone(),
        term: r.term.clone(),
        phenotype: p.map(|p| p.id.clone()),
        timing,
        hypersensitivity_type,
        mechanism,
        grade: grades.join(", "),
        scar: p.map(|p| p.scar),
        contraindication: super::contraindications::reason(rules, r),
    }
}

fn shown(a: &Assessment) -> String {
    match a.score {
        Some(s) => format!("{} ({s})", a.category),
        None => a.category.to_owned(),
    }
}

/// An answer as the rule file names it, with its points: "`positive` (+3)".
fn answer_words(answer: Option<&str>, points: Option<i64>) -> String {
    match (answer, points) {
        (None, _) => "not reached".to_owned(),
        (Some(a), Some(p)) if p > 0 => format!("`{a}` (+{p})"),
        (Some(a), Some(p)) => format!("`{a}` ({p})"),
        (Some(a), None) => format!("`{a}`"),
    }
}

fn rows(before: Option<&CaseAssessment>, after: &CaseAssessment) -> Vec<CompareRow> {
    after
        .assessments
        .iter()
        .map(|a| {
            let b = before.and_then(|b| {
                b.assessments
                    .iter()
                    .find(|x| x.drug == a.drug && x.reaction == a.reaction && x.method == a.method)
            });
            let changed = b.is_some_and(|b| b.category != a.category || b.score != a.score);
            CompareRow {
                drug: a.drug.clone(),
                drug_name: a.drug_name.clone(),
                reaction: a.reaction.clone(),
                reaction_term: a.reaction_term.clone(),
                method: a.method.to_owned(),
                method_name: after
                    .methods
                    .iter()
                    .find(|m| m.id == a.method)
                    .map_or_else(|| a.method.to_owned(), |m| m.name.clone()),
                before: b.map(shown),
                after: shown(a),
                changed,
                moved: match b {
                    Some(b) if changed => moved(b, a),
                    _ => Vec::new(),
                },
            }
        })
        .collect()
}

/// The steps whose answer or points moved, each as what became known (the new
/// step's first piece of evidence the earlier step did not have, or its
/// reasoning) and how the answer changed.
fn moved(before: &Assessment, after: &Assessment) -> Vec<String> {
    let mut nodes: Vec<&str> = before.steps.iter().map(|s| s.node).collect();
    for s in &after.steps {
        if !nodes.contains(&s.node) {
            nodes.push(s.node);
        }
    }
    let mut out = Vec::new();
    for node in nodes {
        let old = before.steps.iter().find(|s| s.node == node);
        let new = after.steps.iter().find(|s| s.node == node);
        if let (Some(o), Some(n)) = (old, new)
            && o.answer == n.answer
            && o.points == n.points
        {
            continue;
        }
        let change = format!(
            "`{node}` went from {} to {}",
            answer_words(old.map(|s| s.answer), old.map(|s| s.points)),
            answer_words(new.map(|s| s.answer), new.map(|s| s.points)),
        );
        let fact = new.and_then(|n| {
            n.evidence
                .iter()
                .find(|e| old.is_none_or(|o| !o.evidence.contains(e)))
                .map(|e| e.value.clone())
                .or_else(|| Some(n.reasoning.to_string()).filter(|r| !r.is_empty()))
        });
        out.push(match fact {
            Some(f) => format!("{f}: {change}"),
            None => change,
        });
    }
    out
}

fn dose_text(d: Option<&Dose>) -> String {
    d.map_or_else(String::new, |d| d.text.clone())
}

fn episode(case: &Case, r: &Rechallenge) -> Episode {
    let mut premedication = r.premedication.clone();
    let mut steps = Vec::new();
    for s in &r.steps {
        if let Some(p) = &s.premedication {
            premedication = p.clone();
        }
        let reacted = matches!(
            s.outcome,
            StepOutcome::Recurrence | StepOutcome::OtherReaction
        );
        let mut grade = Vec::new();
        if let Some(g) = s.severity_grade {
            grade.push(format!("CTCAE grade {g}"));
        }
        if let Some(b) = s.brown_grade {
            grade.push(format!("Brown grade {}", kebab(&b)));
        }
        steps.push(StepRecord {
            day: s.day.map_or_else(String::new, |d| d.day_numbers()),
            // Only the step's own span, not the imprecision of a start known to the month.
            dates: s
                .date
                .filter(|d| {
                    let span = s.day.map_or(0, |x| x.max - x.min);
                    (d.latest - d.earliest).num_days() <= span
                })
                .map_or_else(String::new, |d| d.to_string()),
            dose: dose_text(s.dose.as_ref()),
            premedication: premedication.clone(),
            outcome: match (s.outcome, s.reaction) {
                (StepOutcome::Recurrence, Some(x)) => {
                    format!("recurrence of {}", case.reactions[x].term)
                }
                (StepOutcome::OtherReaction, Some(x)) => {
                    format!("another reaction: {}", case.reactions[x].term)
                }
                (o, _) => kebab(&o).replace('-', " "),
            },
            reacted,
            grade: if grade.is_empty() && reacted {
                "not recorded".to_owned()
            } else {
                grade.join(", ")
            },
            description: s.description.clone(),
        });
    }
    let breakthrough = steps.iter().filter(|s| s.reacted).count();
    let target = target_reached(r);
    let last = r.steps.last();
    let outcome = match last.map(|s| s.outcome) {
        None => "no step recorded".to_owned(),
        Some(StepOutcome::Tolerated) => {
            let at = dose_text(last.and_then(|s| s.dose.as_ref()));
            let mut t = if at.is_empty() {
                "the last step recorded was tolerated".to_owned()
            } else {
                format!("the last step recorded, at {at}, was tolerated")
            };
            if breakthrough > 0 {
                t.push_str(&format!(
                    ", after {breakthrough} breakthrough reaction{}",
                    if breakthrough == 1 { "" } else { "s" }
                ));
            }
            t
        }
        Some(StepOutcome::Unknown) => "the outcome of the last step is not recorded".to_owned(),
        Some(_) => "stopped with a reaction at the last step recorded".to_owned(),
    };
    Episode {
        id: r.id.clone(),
        drug: case.drugs[r.drug].name.clone(),
        start: r.start.map(|d| d.to_string()),
        end: r.end.map(|d| d.to_string()),
        premedication: r.premedication.clone(),
        target_dose: r.target_dose.as_ref().map(|d| d.text.clone()),
        target,
        steps,
        breakthrough,
        outcome,
        description: r.description.clone(),
    }
}

/// Whether a step reached the target dose, in words.
fn target_reached(r: &Rechallenge) -> String {
    let Some(target) = &r.target_dose else {
        return "no target dose recorded".to_owned();
    };
    let (Some(goal), Some(unit)) = (target.amount, target.unit_key()) else {
        return format!("cannot tell whether {} was reached", target.text);
    };
    let mut highest: Option<(f64, &str)> = None;
    let mut given: Option<String> = None;
    for s in &r.steps {
        let Some(d) = &s.dose else { continue };
        // A step in another unit says nothing either way.
        let (Some(a), Some(u)) = (d.amount, d.unit_key()) else {
            continue;
        };
        if u != unit {
            continue;
        }
        if a >= goal {
            let day = s
                .day
                .map_or_else(String::new, |d| format!(" on {}", d.days_words()));
            // Reached means given and tolerated; a dose that brought the reaction back was not reached.
            if s.outcome == StepOutcome::Tolerated {
                return format!("reached{day} ({})", d.text);
            }
            given.get_or_insert(format!(
                "not reached: given{day} ({}) but not tolerated ({})",
                d.text,
                kebab(&s.outcome).replace('-', " ")
            ));
            continue;
        }
        if highest.is_none_or(|(b, _)| a > b) {
            highest = Some((a, &d.text));
        }
    }
    if let Some(g) = given {
        return g;
    }
    match highest {
        Some((_, top)) => format!("not reached: the highest dose given was {top}"),
        None => "not reached: no dose is recorded for any step".to_owned(),
    }
}
