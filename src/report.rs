//! Reports: render a [`CaseAssessment`] as Markdown (for people) or JSON (for scripts).
//!
//! Rendering only formats what evaluation recorded; it never recomputes a
//! finding, an answer or a category. Output is deterministic: same assessment,
//! same bytes.

mod follow_up;
pub mod graph;
pub mod graph_svg;
mod html;
pub mod letter;
mod svg;

pub(crate) use html::STYLE;
pub use html::{html, html_many, timeline_html};

use crate::eval::timeline::Timeline;
use crate::eval::{Assessment, CaseAssessment};
use minijinja::{Environment, context};
use serde::Serialize;

/// The Markdown template, embedded so the binary needs no files at run time.
const MARKDOWN_TEMPLATE: &str = include_str!("report/report.md.j2");
const TIMELINE_TEMPLATE: &str = include_str!("report/timeline.md.j2");

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Markdown,
    Json,
}

/// How `assess` writes its reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Json,
    /// One self-contained page (inline style, no scripts needed, prints on A4 and Letter)
    Html,
}

/// JSON: the assessment as it is, pretty-printed, with a final newline.
pub fn json(a: &CaseAssessment) -> String {
    let mut s =
        serde_json::to_string_pretty(a).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// JSON for several cases: an array of what [`json`] gives for one.
pub fn json_many(all: &[CaseAssessment]) -> String {
    let mut s =
        serde_json::to_string_pretty(all).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// A pair's section: its drug, reaction and every method's assessment.
#[derive(Serialize)]
struct PairView<'a> {
    drug: &'a str,
    drug_name: &'a str,
    reaction: &'a str,
    reaction_term: &'a str,
    assessments: Vec<&'a Assessment<'a>>,
    /// For each assessment and step: the earlier step of this pair that asked
    /// the same finding and found the same (shown once, referred to after).
    same: Vec<Vec<Option<String>>>,
}

/// A row of the summary table: one cell per method in header order.
#[derive(Serialize)]
struct SummaryRow {
    drug: String,
    reaction: String,
    cells: Vec<String>,
    concordance: String,
    disagreement: bool,
    drivers: Vec<String>,
}

#[derive(Serialize)]
struct ReportedRow {
    drug: String,
    reaction: String,
    source: String,
    method: String,
    result: String,
    ours: String,
}

/// Markdown, for people: header, summary table, then each pair's full trace.
pub fn markdown(a: &CaseAssessment) -> String {
    let env = environment();
    finish(
        env.get_template("report")
            .and_then(|t| t.render(report_context(a))),
    )
}

/// What the report templates (Markdown and HTML) are given: the assessment,
/// its pairs with their assessments, the summary rows, the report's own
/// assessments beside ours, and what the summary's marks mean.
pub(crate) fn report_context(a: &CaseAssessment) -> minijinja::Value {
    let mut pairs: Vec<PairView> = Vec::new();
    for x in &a.assessments {
        match pairs.last_mut() {
            Some(p) if p.drug == x.drug && p.reaction == x.reaction => p.assessments.push(x),
            _ => pairs.push(PairView {
                drug: &x.drug,
                drug_name: &x.drug_name,
                reaction: &x.reaction,
                reaction_term: &x.reaction_term,
                assessments: vec![x],
                same: Vec::new(),
            }),
        }
    }
    for p in &mut pairs {
        p.same = repeated_findings(&p.assessments);
    }
    let rows: Vec<SummaryRow> = a
        .summary
        .iter()
        .map(|s| SummaryRow {
            drug: s.drug.clone(),
            reaction: s.reaction.clone(),
            cells: a
                .methods
                .iter()
                .map(|m| {
                    a.assessments
                        .iter()
                        .find(|x| x.drug == s.drug && x.reaction == s.reaction && x.method == m.id)
                        .map(|x| {
                            let mut cell = match x.score {
                                Some(score) => format!("{} ({score})", x.category),
                                None => x.category.to_owned(),
                            };
                            if x.insufficient {
                                cell.push_str(" *");
                            }
                            if !x.provisional.is_empty() {
                                cell.push_str(" †");
                            }
                            cell
                        })
                        .unwrap_or_else(|| "not applicable".to_owned())
                })
                .collect(),
            concordance: match s.spread {
                None => "no ranked result".to_owned(),
                Some(0) => "agree".to_owned(),
                Some(1) => "within one step".to_owned(),
                Some(n) => format!("**differ by {n} steps**"),
            },
            disagreement: s.disagreement,
            drivers: s.drivers.clone(),
        })
        .collect();
    // The report's own assessments, each beside our results for the same pair.
    let reported: Vec<ReportedRow> = a
        .reported_assessments
        .iter()
        .map(|x| ReportedRow {
            drug: x.drug.clone().unwrap_or_else(|| "not given".to_owned()),
            reaction: x.reaction.clone().unwrap_or_else(|| "not given".to_owned()),
            source: x.source.clone().unwrap_or_else(|| "not given".to_owned()),
            method: x.method.clone().unwrap_or_else(|| "not given".to_owned()),
            result: x.result.clone(),
            ours: rows
                .iter()
                .find(|r| {
                    Some(&r.drug) == x.drug.as_ref() && Some(&r.reaction) == x.reaction.as_ref()
                })
                .map(|r| {
                    a.methods
                        .iter()
                        .zip(&r.cells)
                        .map(|(m, c)| format!("{} {c}", m.id))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_else(|| "not assessed".to_owned()),
        })
        .collect();
    // What the marks in the summary mean, when any is used.
    let mut legend = Vec::new();
    if a.assessments.iter().any(|x| x.insufficient) {
        legend.push(
            "\\* insufficient information: most of the method's answers had no information to go on",
        );
    }
    if a.assessments.iter().any(|x| !x.provisional.is_empty()) {
        legend.push("† provisional: a question only an assessor answers took the rule file's default reading");
    }
    context! {
        r => a,
        pairs => pairs,
        rows => rows,
        reported => reported,
        legend => legend,
        follow_up => follow_up::lines(a),
        questions => follow_up::questions(a),
    }
}

/// For every step of a pair's assessments, the first earlier step (of this
/// or another method) that asked the same finding and found the same, with
/// the same reasoning and evidence: "`naranjo` step 2". Such a step is shown
/// once and referred to after, so a report does not repeat itself.
fn repeated_findings(assessments: &[&Assessment]) -> Vec<Vec<Option<String>>> {
    let mut first: Vec<(&crate::eval::Step, String)> = Vec::new();
    assessments
        .iter()
        .map(|a| {
            a.steps
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    if s.outcome.is_none() || s.evidence.is_empty() {
                        return None;
                    }
                    let same = first.iter().find(|(f, _)| {
                        f.asked == s.asked
                            && f.outcome == s.outcome
                            && f.reasoning == s.reasoning
                            && f.evidence == s.evidence
                    });
                    match same {
                        Some((_, at)) => Some(at.clone()),
                        None => {
                            first.push((s, format!("`{}` step {}", a.method, i + 1)));
                            None
                        }
                    }
                })
                .collect()
        })
        .collect()
}

/// The templates and the filters they use.
pub(crate) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.add_filter("cell", |s: String| s.replace('|', "\\|").replace('\n', " "));
    env.add_filter("sentence", |s: String| {
        let mut c = s.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect::<String>(),
            None => s,
        }
    });
    env.add_filter("signed", |n: i64| {
        if n > 0 {
            format!("+{n}")
        } else {
            n.to_string()
        }
    });
    // Both templates are part of the binary; tests render them on every fixture.
    let _ = env.add_template("report", MARKDOWN_TEMPLATE);
    let _ = env.add_template("timeline", TIMELINE_TEMPLATE);
    env
}

/// One final newline, whatever the template's trailing whitespace.
pub(crate) fn finish(rendered: Result<String, minijinja::Error>) -> String {
    match rendered {
        Ok(mut s) => {
            while s.ends_with('\n') {
                s.pop();
            }
            s.push('\n');
            s
        }
        // The templates are part of the binary and covered by tests; this only guards against a broken build.
        Err(e) => format!("report template error: {e:#}\n"),
    }
}

/// JSON for a timeline.
pub fn timeline_json(t: &Timeline) -> String {
    let mut s =
        serde_json::to_string_pretty(t).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

#[derive(Serialize)]
struct TimelinePair {
    drug: String,
    reaction: String,
    rows: Vec<TimelineRow>,
    changes: Vec<TimelineChange>,
}

#[derive(Serialize)]
struct TimelineRow {
    as_of: String,
    /// What became known that day, in words.
    became_known: Vec<String>,
    cells: Vec<String>,
}

#[derive(Serialize)]
struct TimelineChange {
    as_of: String,
    method: String,
    from: String,
    to: String,
    steps: Vec<crate::eval::timeline::StepChange>,
}

fn shown(category: &str, score: Option<i64>) -> String {
    match score {
        Some(s) => format!("{category} ({s})"),
        None => category.to_owned(),
    }
}

/// Per pair of a timeline: a row per day and the changes with the steps that moved.
fn timeline_pairs(t: &Timeline) -> Vec<TimelinePair> {
    let mut pairs: Vec<TimelinePair> = Vec::new();
    for point in &t.points {
        for r in &point.results {
            if !pairs
                .iter()
                .any(|p| p.drug == r.drug && p.reaction == r.reaction)
            {
                pairs.push(TimelinePair {
                    drug: r.drug.clone(),
                    reaction: r.reaction.clone(),
                    rows: Vec::new(),
                    changes: Vec::new(),
                });
            }
        }
    }
    for p in &mut pairs {
        for point in &t.points {
            let cells =
                t.methods
                    .iter()
                    .map(|m| {
                        let result = point.results.iter().find(|r| {
                            r.drug == p.drug && r.reaction == p.reaction && r.method == m.id
                        });
                        let changed = point.changes.iter().any(|c| {
                            c.drug == p.drug && c.reaction == p.reaction && c.method == m.id
                        });
                        match result {
                            Some(r) if changed => format!("**{}**", shown(&r.category, r.score)),
                            Some(r) => shown(&r.category, r.score),
                            None => "-".to_owned(),
                        }
                    })
                    .collect();
            p.rows.push(TimelineRow {
                as_of: point.as_of.to_string(),
                became_known: point.became_known.iter().map(|k| k.what.clone()).collect(),
                cells,
            });
            for c in point.changes.iter().filter(|c| {
                c.drug == p.drug && c.reaction == p.reaction && c.from_category.is_some()
            }) {
                p.changes.push(TimelineChange {
                    as_of: point.as_of.to_string(),
                    method: c.method.clone(),
                    from: shown(c.from_category.as_deref().unwrap_or(""), c.from_score),
                    to: shown(&c.to_category, c.to_score),
                    steps: c.steps.clone(),
                });
            }
        }
    }
    pairs
}

/// Markdown for a timeline: per pair, a row per day and the changes with the steps that moved.
pub fn timeline_markdown(t: &Timeline) -> String {
    let env = environment();
    finish(
        env.get_template("timeline")
            .and_then(|tpl| tpl.render(context! { t => t, pairs => timeline_pairs(t) })),
    )
}

/// The context of the HTML timeline page.
pub(crate) fn timeline_context(t: &Timeline) -> minijinja::Value {
    context! { t => t, pairs => timeline_pairs(t) }
}

/// Markdown for a rule-set comparison.
pub fn diff_markdown(d: &crate::diff::RuleDiff) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "# Rule changes\n");
    let _ = writeln!(
        out,
        "| | |\n|---|---|\n| Old rule set | `{}` |\n| New rule set | `{}` |\n",
        d.old_digest, d.new_digest
    );
    let _ = writeln!(out, "## Structure\n");
    if d.structural.is_empty() {
        let _ = writeln!(out, "No structural change.");
    }
    for s in &d.structural {
        let _ = writeln!(out, "- {s}");
    }
    let _ = writeln!(out, "\n## Every combination of answers\n");
    for m in &d.semantic {
        let _ = writeln!(out, "### {}\n", m.method);
        let _ = writeln!(
            out,
            "{} of {} answer combinations change category.",
            m.changed.len(),
            m.combinations
        );
        for g in &m.groups {
            let totals = if g.old_totals.is_empty() {
                String::new()
            } else {
                format!(
                    " (old total {})",
                    g.old_totals
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let _ = writeln!(
                out,
                "\n- {} -> {}: {} combinations{totals}, where",
                g.old_category, g.new_category, g.count
            );
            for (node, answers) in &g.pattern {
                let _ = writeln!(out, "  - `{node}` is {}", answers.join(" or "));
            }
        }
        let _ = writeln!(out);
    }
    if !d.corpus.is_empty() {
        let _ = writeln!(out, "## Cases whose results change\n");
        let _ = writeln!(
            out,
            "| Case | Drug | Reaction | Method | Old | New | First step that differs |\n|---|---|---|---|---|---|---|"
        );
        for c in &d.corpus {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                c.case,
                c.drug,
                c.reaction,
                c.method,
                c.old,
                c.new,
                c.first_difference.as_deref().unwrap_or("")
            );
        }
    }
    out
}
