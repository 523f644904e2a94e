//! Reports: render a [`CaseAssessment`] as Markdown (for people) or JSON (for scripts).
//!
//! Rendering only formats what evaluation recorded; it never recomputes a
//! finding, an answer or a category. Output is deterministic: same assessment,
//! same bytes.

use crate::eval::{Assessment, CaseAssessment};
use minijinja::{Environment, context};
use serde::Serialize;

/// The Markdown template, embedded so the binary needs no files at run time.
const MARKDOWN_TEMPLATE: &str = include_str!("report/report.md.j2");

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Markdown,
    Json,
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
    assessments: Vec<&'a Assessment>,
}

/// A row of the summary table: one cell per method in header order.
#[derive(Serialize)]
struct SummaryRow {
    drug: String,
    reaction: String,
    cells: Vec<String>,
    disagreement: bool,
}

/// Markdown, for people: header, summary table, then each pair's full trace.
pub fn markdown(a: &CaseAssessment) -> String {
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
            }),
        }
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
                        .map(|x| match x.score {
                            Some(score) => format!("{} ({score})", x.category),
                            None => x.category.clone(),
                        })
                        .unwrap_or_else(|| "not applicable".to_owned())
                })
                .collect(),
            disagreement: s.disagreement,
        })
        .collect();
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
    let rendered = env.add_template("report", MARKDOWN_TEMPLATE).and_then(|_| {
        env.get_template("report")?.render(context! {
            r => a,
            pairs => pairs,
            rows => rows,
        })
    });
    match rendered {
        Ok(mut s) => {
            // One final newline, whatever the template's trailing whitespace.
            while s.ends_with('\n') {
                s.pop();
            }
            s.push('\n');
            s
        }
        // The template is part of the binary and covered by tests; this only guards against a broken build.
        Err(e) => format!("report template error: {e:#}\n"),
    }
}
