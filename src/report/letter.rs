//! The allergist's letter as Markdown, HTML (one self-contained page, the
//! report's style and timeline) or JSON, from a [`Letter`] that evaluation
//! built: nothing here recomputes a result.

use crate::eval::letter::Letter;
use minijinja::{AutoEscape, Value, context};

const MARKDOWN_TEMPLATE: &str = include_str!("letter.md.j2");
const HTML_TEMPLATE: &str = include_str!("letter.html.j2");

/// Markdown letters, one after the other.
pub fn markdown(all: &[Letter]) -> String {
    let mut env = super::environment();
    if let Err(e) = env.add_template("letter", MARKDOWN_TEMPLATE) {
        return format!("letter template error: {e:#}\n");
    }
    all.iter()
        .map(|l| {
            super::finish(
                env.get_template("letter")
                    .and_then(|t| t.render(context! { l => l, c => &l.comparison })),
            )
        })
        .collect::<Vec<_>>()
        .join("\n---\n\n")
}

/// Case text escaped, then `` `x` `` shown as code.
fn ticks(s: String) -> Value {
    let escaped = super::svg::esc(&s);
    let mut out = String::new();
    for (i, part) in escaped.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(part);
            out.push_str("</code>");
        } else {
            out.push_str(part);
        }
    }
    // An unpaired backtick leaves an open element: fall back to the text alone.
    if escaped.matches('`').count() % 2 == 1 {
        out = escaped;
    }
    Value::from_safe_string(out)
}

/// HTML letters: one page, an article per case.
pub fn html(all: &[Letter]) -> String {
    let mut env = super::environment();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.add_filter("ticks", ticks);
    if let Err(e) = env.add_template("letter.html", HTML_TEMPLATE) {
        return format!("letter template error: {e:#}\n");
    }
    let letters: Vec<Value> = all
        .iter()
        .map(|l| {
            context! {
                l => l,
                timeline => Value::from_safe_string(super::svg::timeline(&l.chart)),
            }
        })
        .collect();
    super::finish(
        env.get_template("letter.html")
            .and_then(|t| t.render(context! { style => super::html::STYLE, letters => letters })),
    )
}

/// JSON: the letter as it is (an array for several cases).
pub fn json(all: &[Letter]) -> String {
    let text = match all {
        [one] => serde_json::to_string_pretty(one),
        _ => serde_json::to_string_pretty(all),
    };
    let mut s = text.unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
