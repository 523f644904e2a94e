//! HTML, for people who would rather look than read: one self-contained page
//! (inline style, nothing fetched, readable with scripts off) rendered from
//! the same context as the Markdown report, so it shows the same results and
//! never recomputes them. Every piece of case text is escaped.

use minijinja::AutoEscape;

const HTML_TEMPLATE: &str = include_str!("report.html.j2");
const STYLE: &str = include_str!("report.css");

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
