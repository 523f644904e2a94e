//! HTML, for people who would rather look than read: one self-contained page
//! (inline style, nothing fetched, readable with scripts off) rendered from
//! the same context as the Markdown report, so it shows the same results and
//! never recomputes them. Every piece of case text is escaped.

use crate::rules::Method;
use minijinja::{AutoEscape, Value};
use std::collections::BTreeMap;

const HTML_TEMPLATE: &str = include_str!("report.html.j2");
const TIMELINE_TEMPLATE: &str = include_str!("timeline.html.j2");
pub(crate) const STYLE: &str = include_str!("report.css");

/// The report as one HTML page; `methods` draw each method's decision graph
/// with the path taken (the rule set the assessment was made with).
pub fn html(a: &crate::eval::CaseAssessment, methods: &[Method]) -> String {
    html_many(std::slice::from_ref(a), methods)
}

/// Each assessment's decision graph with its path, keyed `drug|reaction|method`.
fn graphs(
    case: usize,
    a: &crate::eval::CaseAssessment,
    methods: &[Method],
) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for (i, x) in a.assessments.iter().enumerate() {
        let Some(m) = methods.iter().find(|m| m.id == x.method) else {
            continue;
        };
        if x.not_applicable.is_some() || x.steps.is_empty() {
            continue;
        }
        let svg = super::graph_svg::svg(m, x, &format!("g{case}-{i}"));
        if !svg.is_empty() {
            out.insert(
                format!("{}|{}|{}", x.drug, x.reaction, x.method),
                Value::from_safe_string(svg),
            );
        }
    }
    out
}

/// Several reports as one page, one article each.
pub fn html_many(all: &[crate::eval::CaseAssessment], methods: &[Method]) -> String {
    let mut env = super::environment();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.add_filter("plain", |s: String| s.replace("**", ""));
    if let Err(e) = env.add_template("report.html", HTML_TEMPLATE) {
        return format!("report template error: {e:#}\n");
    }
    let cases: Vec<Value> = all
        .iter()
        .enumerate()
        .map(|(i, a)| {
            minijinja::context! {
                timeline => Value::from_safe_string(super::svg::timeline(&a.chart)),
                graphs => graphs(i, a, methods),
                ..super::report_context(a)
            }
        })
        .collect();
    super::finish(
        env.get_template("report.html")
            .and_then(|t| t.render(minijinja::context! { style => STYLE, cases => cases })),
    )
}

/// Timelines as one HTML page: the case's course drawn once, then per pair
/// every method's result on each day something became known, and what moved.
pub fn timeline_html(all: &[crate::eval::timeline::Timeline]) -> String {
    let mut env = super::environment();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.add_filter("plain", |s: String| s.replace("**", ""));
    if let Err(e) = env.add_template("timeline.html", TIMELINE_TEMPLATE) {
        return format!("timeline template error: {e:#}\n");
    }
    let cases: Vec<minijinja::Value> = all
        .iter()
        .map(|t| {
            minijinja::context! {
                chart => minijinja::Value::from_safe_string(super::svg::timeline(&t.chart)),
                ..super::timeline_context(t)
            }
        })
        .collect();
    super::finish(
        env.get_template("timeline.html")
            .and_then(|t| t.render(minijinja::context! { style => STYLE, cases => cases })),
    )
}
