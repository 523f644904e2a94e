//! Importers: other formats turned into the case format.
//!
//! openFDA drug-event JSON (`results[]` of `/drug/event`) becomes one case per
//! report, the entries of one active substance merged into one drug. Codes are
//! mapped with openFDA's own code lists (they differ from E2B(R3)'s); every case
//! item keeps a JSON pointer to the element it came from (`source_ref`), and the
//! assumptions the mapping makes are written into the case as notes, which
//! reports show.
//!
//! E2B(R3) ICSRs (HL7 v3 XML) become one case per `PORR_IN049016UV` message:
//! reactions, drugs with their roles, dosage dates (a null flavour stays
//! unknown), action taken, G.k.9.i.4 rechallenges and G.k.9.i.3 intervals,
//! linked through XML ids, and the relatedness assessments the ICSR already
//! holds, kept verbatim. `export` reuses the element helpers and the links.
//!
//! Each report is imported on its own: one that cannot be read (a malformed
//! list, an unnamed drug or reaction, an impossible age or date) is
//! [`Refused`] with its position and the reason,
//! and the others go on. An importer never writes a value the case reader
//! would reject: dates are checked with [`crate::time::parse_date`] first.

mod e2b;
mod hl7;
mod intervals;
mod openfda;

pub use e2b::e2b;
pub(crate) use e2b::{E2bLinks, e2b_case, e2b_messages, message_pointer};
pub use hl7::is_e2b;
pub(crate) use hl7::{E2B_CODES, Relatedness, child, e2b_code, hl7, is_hl7, relatedness};
pub use openfda::{is_openfda, openfda, openfda_cases};

use serde_json::Value;

/// One imported report: its case (in the case format, as JSON) and where it came from.
pub struct Imported {
    pub pointer: String,
    pub case: Value,
}

/// A report that could not be turned into a case: where it is (`FILE#pointer`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub position: String,
    pub reason: String,
}

impl Refused {
    /// The refusal as a problem with the input, for commands that show every problem at once.
    pub fn diagnostic(&self) -> crate::diagnostic::Diagnostic {
        crate::diagnostic::Diagnostic::whole_file(
            "import::refused",
            &self.position,
            format!("this report cannot be imported: {}", self.reason),
        )
        .with_help(
            "correct the report at its source; `causa batch` assesses the other reports of the file and lists this one in its errors file",
        )
    }
}

/// One report of a file: its name (`FILE#pointer`) and case text, or why it was refused.
pub type Report = Result<(String, String), Refused>;

/// A date as the case format writes it, checked as the case reader will
/// check it; `Err` says why it is not a date.
pub(crate) fn checked_date(date: String, what: &str, given: &str) -> Result<String, String> {
    // The calendar has no year 0 (1 BC is followed by AD 1), though ISO 8601 counts one.
    if date.starts_with("0000") {
        return Err(format!(
            "{what} `{given}` is not a date of the calendar: there is no year 0000"
        ));
    }
    crate::time::parse_date(&date)
        .map(|_| date)
        .map_err(|_| format!("{what} `{given}` is not a date of the calendar"))
}

/// A readable drug id from its name, numbered when the report lists the same drug twice.
pub(crate) fn drug_id(name: &str, drugs: &[Value]) -> String {
    let slug: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug = if slug.is_empty() {
        "drug".to_owned()
    } else {
        slug
    };
    let numbered = |x: &str| {
        x.strip_prefix(&format!("{slug}-"))
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
    };
    let taken = drugs
        .iter()
        .filter(|d| d["id"].as_str().is_some_and(|x| x == slug || numbered(x)))
        .count();
    if taken == 0 {
        slug
    } else {
        format!("{slug}-{}", taken + 1)
    }
}

pub(crate) fn text(v: &Value) -> Option<&str> {
    v.as_str().filter(|s| !s.trim().is_empty())
}

/// What an input file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum InputFormat {
    /// Decide from the content: openFDA JSON, E2B(R3) XML, or else a case file
    #[default]
    Auto,
    /// A case file (YAML, or JSON with the same structure)
    Case,
    /// openFDA drug-event JSON (`results[]` of /drug/event)
    Openfda,
    /// An E2B(R3) ICSR (HL7 v3 XML)
    E2b,
}

/// The cases of one file as (name, case text): the file itself when it is a
/// case file, one per report of an openFDA or E2B(R3) file, each report that
/// cannot be imported refused with its reason. `Err` says why the file as a
/// whole cannot be read as the format given or detected: a file that starts
/// with `<` is read as E2B(R3) XML, a JSON object with `results` or `meta` at
/// its top as openFDA, so that each gets its own format's error.
pub fn cases_of(
    file: &str,
    text: String,
    format: InputFormat,
) -> Result<Vec<Report>, Box<crate::diagnostic::Diagnostic>> {
    let format = match format {
        InputFormat::Auto if looks_like_xml(&text) || is_e2b(&text) => InputFormat::E2b,
        InputFormat::Auto if is_openfda(&text) => InputFormat::Openfda,
        InputFormat::Auto => InputFormat::Case,
        f => f,
    };
    match format {
        InputFormat::E2b => e2b(file, &text),
        InputFormat::Openfda => openfda_cases(file, &text),
        _ => Ok(case_documents(file, text)),
    }
}

/// Whether a text is XML (its first character, after a byte-order mark and blanks, is `<`).
pub fn looks_like_xml(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
}

/// The cases of a case file: the file itself, or each document of a YAML
/// stream (`---` between documents, as `causa import` writes several cases),
/// named `FILE#N` and kept on its own lines so positions read as in the file.
fn case_documents(file: &str, text: String) -> Vec<Report> {
    let starts_document = |line: &str| {
        line == "---"
            || line.starts_with("--- ")
            || line.starts_with("---\t")
            || line.starts_with("---#")
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut documents: Vec<(usize, String)> = Vec::new();
    let mut current = String::new();
    let mut first_line = 0;
    for (i, line) in lines.iter().enumerate() {
        let bare = line.trim_end_matches(['\n', '\r']);
        if starts_document(bare) {
            documents.push((first_line, std::mem::take(&mut current)));
            // The separator's line stays blank, so the document keeps its line numbers.
            first_line = i;
            current.push('\n');
            continue;
        }
        current.push_str(line);
    }
    documents.push((first_line, current));
    let has_content = |t: &str| {
        t.lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#') && l.trim() != "...")
    };
    let documents: Vec<(usize, String)> = documents
        .into_iter()
        .filter(|(_, t)| has_content(t))
        .collect();
    if documents.len() <= 1 {
        return vec![Ok((file.to_owned(), text))];
    }
    documents
        .into_iter()
        .enumerate()
        .map(|(n, (first, t))| Ok((format!("{file}#{}", n + 1), "\n".repeat(first) + &t)))
        .collect()
}
