//! HTML, for people who would rather look than read: one self-contained page
//! (inline style, nothing fetched, readable with scripts off) rendered from
//! the same context as the Markdown report, so it shows the same results and
//! never recomputes them. Every piece of case text is escaped.

use minijinja::AutoEscape;

const HTML_TEMPLATE: &str = include_str!("report.html.j2");
const TIMELINE_TEMPLATE: &str = include_str!("timeline.html.j2");
pub(super) const STYLE: &str = include_str!("report.css");

/// The report as one HTML page.
pub fn html(a: &crate::eval::CaseAssessment) -> String {
    html_many(std::slice::from_ref(a))
}

/// Several reports as one page, one article each.
pub fn html_many(all: &[crate::eval::CaseAssessment]) -> String {
    let mut env = super::environment();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.add_filter("plain", |s: String| s.replace("**", ""));
    if let Err(e) = env.add_template("report.html", HTML_TEMPLATE) {
        return format!("report template error: {e:#}\n");
    }
    let cases: Vec<minijinja::Value> = all
        .iter()
        .map(|a| {
            minijinja::context! {
                timeline => minijinja::Value::from_safe_string(super::svg::timeline(&a.chart)),
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
