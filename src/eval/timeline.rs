//! The case over time: every method's result as of each day on which a dated
//! piece of information became known, and what each new piece changed.
//!
//! Pure, like the rest of evaluation: it runs [`assess`] once per day.

use super::{Assessment, CaseAssessment, Options, assess};
use crate::case::Case;
use crate::rules::RuleSet;
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    pub engine_version: &'static str,
    pub rules_digest: String,
    pub case_digest: String,
    pub case_id: String,
    pub source: Option<String>,
    /// The policy in force, as in an assessment.
    pub policy: Vec<super::PolicySetting>,
    pub methods: Vec<super::MethodStamp>,
    pub points: Vec<Point>,
    /// Said when the case has nothing dated to build a timeline from.
    pub notes: Vec<String>,
    /// The case's course with all information, drawn in the HTML timeline.
    #[serde(skip)]
    pub chart: super::chart::Chart,
}

/// The case as of one day.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub as_of: NaiveDate,
    /// The pieces of information that became known since the previous point.
    pub became_known: Vec<Known>,
    pub results: Vec<Result>,
    /// Results that differ from the previous point, with the steps that moved.
    pub changes: Vec<Change>,
}

/// A piece of information that became known: what it is in words, and its entry in the case file.
#[derive(Debug, Clone, Serialize)]
pub struct Known {
    pub what: String,
    pub path: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Result {
    pub drug: String,
    pub reaction: String,
    pub method: String,
    pub category: String,
    pub score: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub drug: String,
    pub reaction: String,
    pub method: String,
    /// `None` when the pair was not assessed before (its drug or reaction was not yet known).
    pub from_category: Option<String>,
    pub from_score: Option<i64>,
    pub to_category: String,
    pub to_score: Option<i64>,
    pub steps: Vec<StepChange>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepChange {
    pub node: String,
    pub from_answer: Option<String>,
    pub from_points: Option<i64>,
    pub to_answer: Option<String>,
    pub to_points: Option<i64>,
    /// The reasoning behind the new answer.
    pub reasoning: Option<String>,
}

/// Assesses the case as of every day on which something became known.
pub fn timeline(rules: &RuleSet, case: &Case, options: &Options) -> Timeline {
    let dated = case.information();
    let mut days: Vec<NaiveDate> = dated.iter().map(|i| i.day).collect();
    days.dedup();
    let mut points: Vec<Point> = Vec::new();
    let mut previous: Option<CaseAssessment> = None;
    for day in days {
        let now = assess(
            rules,
            case,
            &Options {
                as_of: Some(day),
                ..options.clone()
            },
        );
        let became_known = dated
            .iter()
            .filter(|i| i.day == day)
            .map(|i| Known {
                what: i.what.clone(),
                path: i.path.clone(),
            })
            .collect();
        let changes = match &previous {
            Some(before) => differences(&before.assessments, &now.assessments),
            None => now.assessments.iter().map(appeared).collect(),
        };
        points.push(Point {
            as_of: day,
            became_known,
            results: now
                .assessments
                .iter()
                .map(|a| Result {
                    drug: a.drug.clone(),
                    reaction: a.reaction.clone(),
                    method: a.method.to_owned(),
                    category: a.category.to_owned(),
                    score: a.score,
                })
                .collect(),
            changes,
        });
        previous = Some(now);
    }
    let reference = previous.unwrap_or_else(|| assess(rules, case, options));
    Timeline {
        engine_version: reference.engine_version,
        rules_digest: reference.rules_digest.clone(),
        case_digest: reference.case_digest.clone(),
        case_id: reference.case_id.clone(),
        source: reference.source.clone(),
        policy: reference.policy.clone(),
        methods: reference.methods.clone(),
        // The course with all information (a date later than the last day something became known included).
        chart: super::chart::chart(case, None),
        notes: if points.is_empty() {
            vec![
                "nothing in this case is dated, so its results never changed: see the assessment"
                    .to_owned(),
            ]
        } else {
            Vec::new()
        },
        points,
    }
}

fn appeared(a: &Assessment) -> Change {
    Change {
        drug: a.drug.clone(),
        reaction: a.reaction.clone(),
        method: a.method.to_owned(),
        from_category: None,
        from_score: None,
        to_category: a.category.to_owned(),
        to_score: a.score,
        steps: Vec::new(),
    }
}

/// The results that changed between two days, with the steps whose answer or points moved.
fn differences(before: &[Assessment], now: &[Assessment]) -> Vec<Change> {
    let mut out = Vec::new();
    for a in now {
        let Some(b) = before
            .iter()
            .find(|b| b.drug == a.drug && b.reaction == a.reaction && b.method == a.method)
        else {
            out.push(appeared(a));
            continue;
        };
        if a.category == b.category && a.score == b.score {
            continue;
        }
        let mut steps = Vec::new();
        let mut nodes: Vec<&str> = b.steps.iter().map(|s| s.node).collect();
        for s in &a.steps {
            if !nodes.contains(&s.node) {
                nodes.push(s.node);
            }
        }
        for node in nodes {
            let old = b.steps.iter().find(|s| s.node == node);
            let new = a.steps.iter().find(|s| s.node == node);
            let same = match (old, new) {
                (Some(o), Some(n)) => o.answer == n.answer && o.points == n.points,
                _ => false,
            };
            if !same {
                steps.push(StepChange {
                    node: node.to_owned(),
                    from_answer: old.map(|s| s.answer.to_owned()),
                    from_points: old.map(|s| s.points),
                    to_answer: new.map(|s| s.answer.to_owned()),
                    to_points: new.map(|s| s.points),
                    reasoning: new.map(|s| s.reasoning.to_string()),
                });
            }
        }
        out.push(Change {
            drug: a.drug.clone(),
            reaction: a.reaction.clone(),
            method: a.method.to_owned(),
            from_category: Some(b.category.to_owned()),
            from_score: b.score,
            to_category: a.category.to_owned(),
            to_score: a.score,
            steps,
        });
    }
    out
}
