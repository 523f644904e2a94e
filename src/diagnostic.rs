//! Problems found in a user's files, as values.
//!
//! Loaders and validators collect every problem they find into [`Diagnostics`]
//! and hand them back together; nothing here prints or exits. Each diagnostic
//! carries a stable code, the file, line and column, the offending value in
//! backticks inside its message, and an optional help line. [`Diagnostics::render`]
//! turns them into the text a person reads, with the source line and a caret.

pub mod encoding;
pub mod json;
mod path;
pub mod xml;
mod yaml;

pub use path::{Located, path_at};
pub use yaml::from_yaml_error;

use std::fmt::Write as _;

/// A source file as it was read, kept to quote lines in diagnostics.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown to users (a path as given on the command line, or `rules/naranjo.yaml`).
    pub name: String,
    pub text: String,
}

/// A position in a source file, 1-based; line 0 means "the file as a whole".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Pos {
    pub line: u64,
    pub column: u64,
}

impl Pos {
    pub const UNKNOWN: Pos = Pos { line: 0, column: 0 };

    pub fn from_location(loc: &serde_saphyr::Location) -> Pos {
        Pos {
            line: loc.line(),
            column: loc.column(),
        }
    }
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable, kebab-case identifier of the kind of problem (`rules::cycle`).
    pub code: &'static str,
    pub file: String,
    pub pos: Pos,
    /// Lowercase, no final period; the offending value in backticks.
    pub message: String,
    pub help: Option<String>,
    /// The quoted source line, captured when the diagnostic was made: at most
    /// [`QUOTE_WIDTH`] characters around the column, marked `…` where cut.
    pub line_text: Option<String>,
    /// The column of the caret within `line_text`, from 1.
    pub caret: u64,
    /// Further places the problem involves, one line each ("line 8: ..."),
    /// shown after the quoted line.
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        file: &SourceFile,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic::in_text(code, &file.name, &file.text, pos, message)
    }

    /// [`Diagnostic::new`] for a text not held as a [`SourceFile`].
    pub fn in_text(
        code: &'static str,
        name: &str,
        text: &str,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        let quoted = if pos.line > 0 {
            text.lines()
                .nth((pos.line - 1) as usize)
                .map(|line| quote(line, pos.column))
        } else {
            None
        };
        let (line_text, caret) = match quoted {
            Some((t, c)) => (Some(t), c),
            None => (None, pos.column),
        };
        Diagnostic {
            code,
            file: name.to_owned(),
            pos,
            message: message.into(),
            help: None,
            line_text,
            caret,
            notes: Vec::new(),
        }
    }

    /// A problem with a file that has no position (for example a file that cannot be read).
    pub fn whole_file(code: &'static str, file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            file: file.to_owned(),
            pos: Pos::UNKNOWN,
            message: message.into(),
            help: None,
            line_text: None,
            caret: 0,
            notes: Vec::new(),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a "did you mean" help line when a close candidate exists.
    pub fn with_suggestion<'a>(
        self,
        given: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        match suggest(given, candidates) {
            Some(best) => self.with_help(format!("did you mean `{best}`?")),
            None => self,
        }
    }

    fn render_into(&self, out: &mut String) {
        let _ = writeln!(out, "error[{}]: {}", self.code, bounded(&self.message));
        if self.pos.line == 0 {
            let _ = writeln!(out, "  --> {}", self.file);
        } else {
            let _ = writeln!(
                out,
                "  --> {}:{}:{}",
                self.file, self.pos.line, self.pos.column
            );
        }
        if let Some(text) = &self.line_text {
            let number = self.pos.line.to_string();
            let gutter = " ".repeat(number.len());
            let caret_pad: String = text
                .chars()
                .take(self.caret.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(out, "{gutter} |");
            let _ = writeln!(out, "{number} | {text}");
            let _ = writeln!(out, "{gutter} | {caret_pad}^");
        }
        for note in self.notes.iter().take(MAX_NOTES) {
            let _ = writeln!(out, "  = note: {}", bounded(note));
        }
        if self.notes.len() > MAX_NOTES {
            let _ = writeln!(out, "  = note: and {} more", self.notes.len() - MAX_NOTES);
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = help: {}", bounded(help));
        }
    }
}

/// The most characters of a source line a diagnostic quotes.
pub const QUOTE_WIDTH: usize = 120;
/// The most characters of a message, note or help shown (a value quoted in
/// one may be as long as the input).
const MAX_TEXT: usize = 800;
/// The most problems shown at once (the count says how many there are).
const MAX_SHOWN: usize = 25;
/// The most notes shown under one diagnostic.
const MAX_NOTES: usize = 8;

/// A line cut to [`QUOTE_WIDTH`] characters around `column` (from 1), with
/// `…` where it was cut, and the column within what is kept.
fn quote(line: &str, column: u64) -> (String, u64) {
    let n = line.chars().count();
    if n <= QUOTE_WIDTH {
        return (line.to_owned(), column);
    }
    let col = (column.max(1) - 1) as usize;
    let start = col.saturating_sub(QUOTE_WIDTH / 2).min(n - QUOTE_WIDTH);
    let kept: String = line.chars().skip(start).take(QUOTE_WIDTH).collect();
    let mut text = String::new();
    let mut caret = (col - start + 1) as u64;
    if start > 0 {
        text.push('…');
        caret += 1;
    }
    text.push_str(&kept);
    if start + QUOTE_WIDTH < n {
        text.push('…');
    }
    (text, caret)
}

/// A text cut to [`MAX_TEXT`] characters, marked where cut.
fn bounded(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().count() <= MAX_TEXT {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut cut: String = text.chars().take(MAX_TEXT).collect();
    cut.push_str("… (cut)");
    std::borrow::Cow::Owned(cut)
}

/// The closest candidate to `given` by Jaro-Winkler similarity, if it is close enough to help.
pub fn suggest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let given_lower = given.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&given_lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// Every problem found, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Sorts by file, then position, then code, and drops exact repeats.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            (&a.file, a.pos, a.code, &a.message).cmp(&(&b.file, b.pos, b.code, &b.message))
        });
        self.0.dedup();
        self
    }

    /// The text a person reads: every diagnostic with its source line, then a count.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for d in self.0.iter().take(MAX_SHOWN) {
            d.render_into(&mut out);
            out.push('\n');
        }
        let n = self.0.len();
        if n > MAX_SHOWN {
            let _ = writeln!(
                out,
                "... and {} more, not shown: correct these first and run again\n",
                n - MAX_SHOWN
            );
        }
        let _ = writeln!(
            out,
            "{} {} found",
            n,
            if n == 1 { "problem" } else { "problems" }
        );
        out
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl From<Box<Diagnostic>> for Diagnostics {
    fn from(d: Box<Diagnostic>) -> Self {
        Diagnostics(vec![*d])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(suggest("onest", ["onset", "outcome"]), Some("onset"));
        assert_eq!(suggest("zzzz", ["onset", "outcome"]), None);
    }

    #[test]
    fn renders_caret_under_column() {
        let file = SourceFile {
            name: "x.yaml".into(),
            text: "a: 1\nbee: 2\n".into(),
        };
        let d = Diagnostic::new(
            "test::code",
            &file,
            Pos { line: 2, column: 6 },
            "bad value `2`",
        )
        .with_help("use 3");
        let text = Diagnostics::from(d).render();
        assert!(text.contains("  --> x.yaml:2:6\n"), "{text}");
        assert!(text.contains("2 | bee: 2\n  |      ^\n"), "{text}");
        assert!(text.contains("= help: use 3"), "{text}");
    }
}
