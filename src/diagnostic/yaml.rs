//! YAML reading errors in the terms of the file a person wrote: the field by
//! its path, what was expected there, and what to do, rather than the YAML
//! library's words.

use super::path::{Located, path_at};
use super::{Diagnostic, Pos, SourceFile, suggest};
use serde_saphyr::Error;
use serde_saphyr::budget::BudgetBreach;

/// "at `drugs[0].start`" (with the document of a stream when there are several).
fn at_field(located: Option<&Located>) -> String {
    match located {
        Some(l) if !l.path.is_empty() && l.document > 1 => {
            format!(" at `{}` of document {}", l.path, l.document)
        }
        Some(l) if !l.path.is_empty() => format!(" at `{}`", l.path),
        Some(l) if l.document > 1 => format!(" in document {}", l.document),
        _ => String::new(),
    }
}

/// " in `drugs[0]`" for a key at `drugs[0].colour`; empty at the top level.
fn in_parent(located: Option<&Located>) -> String {
    let Some(l) = located else {
        return String::new();
    };
    let parent = match l.path.rfind('.') {
        Some(i) => &l.path[..i],
        None => "",
    };
    match (parent.is_empty(), l.document > 1) {
        (false, false) => format!(" in `{parent}`"),
        (false, true) => format!(" in `{parent}` of document {}", l.document),
        (true, true) => format!(" in document {}", l.document),
        (true, false) => String::new(),
    }
}

/// What a Rust type the reader expected is called in a file.
pub(super) fn kind(expected: &str) -> &str {
    let e = expected.trim();
    if e.contains("f64") || e.contains("f32") || e.contains("floating point") {
        "a number (for example `72.5`)"
    } else if e.contains("u8")
        || e.contains("u16")
        || e.contains("u32")
        || e.contains("u64")
        || e.contains("usize")
        || e.contains("i64")
        || e.contains("i32")
        || e.contains("integer")
    {
        "a whole number (for example `3`)"
    } else if e.contains("bool") || e.contains("boolean") {
        "`true` or `false`"
    } else if e.contains("sequence") || e.contains("Vec") || e.contains("array") {
        "a list (`- item` lines, or `[a, b]`)"
    } else if e.contains("map") || e.contains("struct") {
        "a mapping of fields (`key: value` lines, or `{ key: value }`)"
    } else if e.contains("string") || e.contains("str") {
        "text"
    } else {
        e
    }
}

/// The error's message, help and notes, by what went wrong.
fn explain(err: &Error, located: Option<&Located>) -> (String, Option<String>, Vec<String>) {
    let at = at_field(located);
    let field = located.map_or("", |l| l.path.rsplit('.').next().unwrap_or(""));
    let mut notes = Vec::new();
    let (message, help) = match err {
        Error::DuplicateMappingKey { key, .. } => {
            let key = key.clone().unwrap_or_else(|| field.to_owned());
            if let Some(line) = located.and_then(|l| l.earlier_key_line) {
                notes.push(format!("line {line}: `{key}` is first given here"));
            }
            (
                format!("`{key}` is given twice{at}"),
                Some(format!(
                    "a mapping holds each key once: keep one `{key}` and remove the other"
                )),
            )
        }
        Error::InvalidScalar { ty, .. } => (
            format!("this value is not {}{at}", kind(ty)),
            Some(format!("write {} here", kind(ty))),
        ),
        Error::NonFiniteFloat { value, .. } => (
            format!("`{value}` is not a finite number{at}"),
            Some("write a number such as `72.5`".to_owned()),
        ),
        Error::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => (
            format!(
                "found {unexpected}{at}, where {} is expected",
                kind(expected)
            ),
            Some(format!("write {} here", kind(expected))),
        ),
        Error::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => (
            format!("{unexpected} is not a valid value{at}"),
            Some(format!("expected {expected}")),
        ),
        Error::SerdeInvalidLength { len, expected, .. } => (
            format!("{len} items{at}, where {expected} are expected"),
            Some(format!("give {expected}")),
        ),
        Error::NullIntoString { .. } | Error::InvalidCharNull { .. } => (
            format!("this value is empty (null){at}"),
            Some("give a value, or leave the field out where it is optional".to_owned()),
        ),
        Error::InvalidBooleanStrict { .. } => (
            format!("this value is not `true` or `false`{at}"),
            Some("write `true` or `false`".to_owned()),
        ),
        // Reported where the mapping ends: the field belongs to the mapping the last key is in.
        Error::SerdeMissingField { field, .. } => (
            format!("`{field}` is missing{}", in_parent(located)),
            Some(format!("add `{field}:` with its value")),
        ),
        Error::SerdeUnknownField {
            field, expected, ..
        } => (
            format!("unknown field `{field}`{}", in_parent(located)),
            Some(match suggest(field, expected.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("the fields here are: {}", expected.join(", ")),
            }),
        ),
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => (
            format!("`{variant}` is not one of the accepted values{at}"),
            Some(match suggest(variant, expected.iter().copied()) {
                Some(best) => format!(
                    "did you mean `{best}`? The values are: {}",
                    expected.join(", ")
                ),
                None => format!("the values are: {}", expected.join(", ")),
            }),
        ),
        Error::MultipleDocuments { .. } => (
            "this file holds several YAML documents (`---`) where one is read".to_owned(),
            Some("keep one document in this file, or split the documents into files".to_owned()),
        ),
        Error::Eof { .. } => (
            format!("the file ends too early{at}"),
            Some("a mapping, list or quoted text is not finished; complete it".to_owned()),
        ),
        Error::InvalidUtf8Input => (
            "the file is not UTF-8 text".to_owned(),
            Some("save the file as UTF-8".to_owned()),
        ),
        Error::Budget { breach, .. } => budget(breach),
        Error::IndentationError {
            required, actual, ..
        } => (
            format!("indentation: {actual} spaces where {required} are expected{at}"),
            Some("indent each level of the file by the same number of spaces".to_owned()),
        ),
        Error::QuotingRequired { value, .. } => (
            format!("`{value}` must be quoted{at}"),
            Some(format!("write it as \"{value}\"")),
        ),
        other => {
            let text = other.without_snippet().to_string();
            let text = match text.rfind(" at line ") {
                Some(i) => text[..i].to_owned(),
                None => text,
            };
            scanner_words(&text, &at)
        }
    };
    (message, help, notes)
}

/// Words for the reader's scan errors (tabs, unfinished quotes, bad indentation).
fn scanner_words(text: &str, at: &str) -> (String, Option<String>) {
    let t = text.to_lowercase();
    if t.contains("tab") {
        (
            format!("a tab character is used for indentation{at}"),
            Some(
                "YAML indents with spaces: replace the tab at this position with spaces".to_owned(),
            ),
        )
    } else if t.contains("recursion limit") || t.contains("nesting") {
        (
            format!("the file nests more deeply than a case or rule file does{at}"),
            Some("a case nests a few levels; check for runaway brackets or indentation".to_owned()),
        )
    } else if t.contains("expected mapping start") {
        (
            format!("a list or a single value is given{at}, where a mapping of fields is expected"),
            Some(
                "write `key: value` lines here, indented under the field, not `- item` lines"
                    .to_owned(),
            ),
        )
    } else if t.contains("expected string scalar") || t.contains("expected scalar") {
        (
            format!("a list or a mapping is given{at}, where one value is expected"),
            Some("write a single value here (text in quotes if it holds `: ` or starts with `[` or `{`)".to_owned()),
        )
    } else if t.contains("unknown anchor") {
        (
            format!("an alias (`*name`) refers to no anchor (`&name`) defined before it{at}"),
            Some(
                "write the value itself, or define the anchor `&name` on an earlier value"
                    .to_owned(),
            ),
        )
    } else if t.contains("expected sequence start") {
        (
            format!("a mapping or a single value is given{at}, where a list is expected"),
            Some("write `- item` lines here, or `[a, b]`".to_owned()),
        )
    } else if t.contains("only valid inside a block") || t.contains("flow") {
        (
            format!("a `{{` or `[` opened before this point is not closed{at}"),
            Some(
                "close the bracket on the line where it was opened (`{ key: value }`, `[a, b]`)"
                    .to_owned(),
            ),
        )
    } else if t.contains("did not find expected key")
        || t.contains("mapping values are not allowed")
    {
        (
            format!("a line does not fit the mapping it is in{at}"),
            Some("check the indentation of this line and the `key: value` form (a value holding `: ` needs quotes)".to_owned()),
        )
    } else if t.contains("unclosed") || t.contains("unterminated") || t.contains("end of stream") {
        (
            format!("a quoted text or bracket is not closed{at}"),
            Some("close the quote or bracket opened before this point".to_owned()),
        )
    } else if text.is_empty() {
        (format!("this is not valid YAML{at}"), None)
    } else {
        (
            format!("this is not valid YAML{at}: {}", lowercase_first(text)),
            Some("check the indentation and punctuation of this line".to_owned()),
        )
    }
}

/// A budget that protects the reader, in words: the limit, what was found.
fn budget(breach: &BudgetBreach) -> (String, Option<String>) {
    let help = Some(
        "a case or rule file is far smaller; check the file is the one meant (the limits protect against hostile input)"
            .to_owned(),
    );
    let what = match breach {
        BudgetBreach::Nodes { nodes } => {
            format!("{nodes} values, more than the 250,000 a file may hold")
        }
        BudgetBreach::Depth { depth } => {
            format!("nesting {depth} levels deep, more than the 64 allowed")
        }
        BudgetBreach::Events { events } => {
            format!("{events} YAML events, more than the 1,000,000 allowed")
        }
        BudgetBreach::Aliases { aliases } => {
            format!("{aliases} aliases, more than the 50,000 allowed")
        }
        BudgetBreach::Anchors { anchors } => {
            format!("{anchors} anchors, more than the 50,000 allowed")
        }
        BudgetBreach::Documents { documents } => {
            format!("{documents} documents, more than the 1,024 allowed")
        }
        BudgetBreach::ScalarBytes { total_scalar_bytes } => {
            format!("{total_scalar_bytes} bytes of text values, more than the 64 MiB allowed")
        }
        other => format!("more than the reader allows ({other:?})"),
    };
    (format!("the file is too large to read: {what}"), help)
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Turns a serde-saphyr error into a diagnostic in the file's own terms.
pub fn from_yaml_error(file: &SourceFile, err: &Error) -> Diagnostic {
    let pos = err
        .location()
        .map(|l| Pos::from_location(&l))
        .unwrap_or(Pos::UNKNOWN);
    // Only a bounded text is read again for the path (the reader's budgets
    // already refused anything larger).
    let located = if file.text.len() <= 16 * 1024 * 1024 {
        path_at(&file.text, pos)
    } else {
        None
    };
    let mut inner = err.without_snippet();
    while let Error::AliasError { error, .. } = inner {
        inner = error.without_snippet();
    }
    let (mut message, mut help, notes) = explain(inner, located.as_ref());
    let mut pos = pos;
    if !has_content(&file.text) {
        message = "the file is empty: it holds nothing but blank lines and comments".to_owned();
        help = Some("write the file's fields as `key: value` lines (the README shows an example of each kind of file)".to_owned());
    } else if message.starts_with("a tab character") {
        // The reader reports the tab where the value before it began: point at the tab.
        if let Some(tab) = first_indenting_tab(&file.text, pos.line) {
            pos = tab;
            message = "a tab character indents this line".to_owned();
        }
    }
    let mut d = Diagnostic::new("yaml::invalid", file, pos, message);
    d.notes = notes;
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

/// Whether a YAML text holds anything but blank lines, comments and document markers.
fn has_content(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#') && t != "---" && t != "..."
    })
}

/// The first tab in the indentation of a line at or after `from`.
fn first_indenting_tab(text: &str, from: u64) -> Option<Pos> {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1) as usize)
        .find_map(|(i, line)| {
            let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
            indent.chars().position(|c| c == '\t').map(|col| Pos {
                line: i as u64 + 1,
                column: col as u64 + 1,
            })
        })
}
