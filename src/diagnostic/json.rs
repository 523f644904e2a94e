//! JSON reading errors in the same terms as YAML's: JSON is read as YAML (so
//! that errors carry the field's path), but what JSON itself rejects (a
//! trailing comma, a comment, a single quote) is refused first, and a value
//! of the wrong type is never read as another type.

use super::path::path_at;
use super::yaml::kind;
use super::{Diagnostic, Pos};

/// Whether a text is written as JSON (an object whose first key is in
/// double quotes), rather than YAML (whose flow mappings may start with `{`
/// too: `{id: c1, ...}` is YAML).
pub fn is_json(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.strip_prefix('{')
        .map(str::trim_start)
        .is_some_and(|rest| rest.starts_with('"') || rest.starts_with('}'))
}

/// The text serde_json reads: without a byte-order mark, which it refuses.
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// "at `reactions[0].severity_grade`" for a position of the text.
fn at(text: &str, pos: Pos) -> String {
    match path_at(text, pos) {
        Some(l) if !l.path.is_empty() => format!(" at `{}`", l.path),
        _ => String::new(),
    }
}

/// serde_json's position, its column counted in characters (serde_json counts bytes).
fn pos_of(e: &serde_json::Error, text: &str) -> Pos {
    let line = e.line().max(1);
    let bytes = e.column();
    let column = text.lines().nth(line - 1).map_or(bytes, |l| {
        let mut end = bytes.min(l.len());
        while !l.is_char_boundary(end) {
            end -= 1;
        }
        l[..end].chars().count()
    });
    Pos {
        line: line as u64,
        column: column.max(1) as u64,
    }
}

/// A problem JSON rejects in the text's syntax, in words, if any.
pub fn syntax_problem(name: &str, text: &str) -> Option<Diagnostic> {
    let e = serde_json::from_str::<serde::de::IgnoredAny>(without_bom(text)).err()?;
    Some(problem(name, text, &e))
}

/// A JSON reading error in words: a syntax error, or a value of the wrong type.
pub fn problem(name: &str, text: &str, e: &serde_json::Error) -> Diagnostic {
    if e.classify() == serde_json::error::Category::Data {
        return type_problem(name, text, e);
    }
    let pos = pos_of(e, text);
    let detail = e.to_string();
    let detail = match detail.rfind(" at line ") {
        Some(i) => detail[..i].to_owned(),
        None => detail,
    };
    // `{"a": 1,}` is told "key must be a string" and `[1,]` "expected value": both are a trailing comma.
    let before = text
        .lines()
        .nth(pos.line.saturating_sub(1) as usize)
        .map(|l| {
            l.chars()
                .take(pos.column.saturating_sub(1) as usize)
                .collect::<String>()
        })
        .unwrap_or_default();
    let detail = if before.trim_end().ends_with(',')
        && (detail.contains("key must be a string") || detail.contains("expected value"))
    {
        "trailing comma".to_owned()
    } else {
        detail
    };
    let rest: String = text
        .lines()
        .nth(pos.line.saturating_sub(1) as usize)
        .map(|l| {
            l.chars()
                .skip(pos.column.saturating_sub(1) as usize)
                .collect()
        })
        .unwrap_or_default();
    if rest.starts_with("//") || rest.starts_with("/*") {
        return Diagnostic::in_text(
            "json::invalid",
            name,
            text,
            pos,
            "not valid JSON: JSON has no comments",
        )
        .with_help("remove the comment, or write the case as YAML, where `#` starts a comment");
    }
    let help = if detail.contains("trailing comma") {
        "JSON allows no comma before a closing `}` or `]`: remove it"
    } else if detail.contains("key must be a string") {
        "JSON keys are written in double quotes: \"onset\": ..."
    } else if detail.contains("EOF") && !detail.contains("comment") {
        "the text ends before every `{`, `[` and `\"` is closed"
    } else if detail.contains("control character") {
        "a line break or tab inside a text value is written \\n or \\t in JSON"
    } else {
        "check the punctuation here: JSON writes \"key\": value pairs separated by commas, text in double quotes"
    };
    Diagnostic::in_text(
        "json::invalid",
        name,
        text,
        pos,
        format!("not valid JSON{}: {detail}", at(text, pos)),
    )
    .with_help(help)
}

/// A serde_json type error (a number written as text, say) in the terms of
/// the YAML reader's messages.
fn type_problem(name: &str, text: &str, e: &serde_json::Error) -> Diagnostic {
    let pos = pos_of(e, text);
    let at = at(text, pos);
    let detail = e.to_string();
    let detail = match detail.rfind(" at line ") {
        Some(i) => detail[..i].to_owned(),
        None => detail,
    };
    let (message, help) = match detail
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.split_once(", expected "))
    {
        Some((found, expected)) => {
            let wanted = kind(expected);
            let help = match found
                .strip_prefix("string \"")
                .and_then(|f| f.strip_suffix('"'))
            {
                Some(n) if wanted.contains("number") && n.trim().parse::<f64>().is_ok() => {
                    format!("JSON writes a number without quotes: {}", n.trim())
                }
                _ => format!("write {wanted} here"),
            };
            (
                format!("found {found}{at}, where {wanted} is expected"),
                help,
            )
        }
        None => (
            format!("{detail}{at}"),
            "check the value here against the case format in the README".to_owned(),
        ),
    };
    Diagnostic::in_text("json::invalid", name, text, pos, message).with_help(help)
}
