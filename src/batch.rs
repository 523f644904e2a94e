//! Batch scoring: many cases in, one row per drug–event pair and method out.
//!
//! Inputs are read as a stream of records (a case file, a directory of case
//! files, or NDJSON with one case object per line), processed in chunks in
//! parallel, and written in input order, so the output is the same for any
//! number of jobs and memory stays flat however many records there are. A bad
//! record becomes an error row with its position and reason; the rest goes on.

use crate::diagnostic::SourceFile;
use crate::eval::{self, Options};
use crate::import::InputFormat;
use crate::rules::RuleSet;
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;

mod input;
pub use input::{STDIN, case_files, is_std, records};

/// Records processed together; large enough to keep every core busy, small
/// enough that memory does not grow with the input.
const CHUNK: usize = 2048;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RowFormat {
    Csv,
    Ndjson,
}

/// A rejected record: its position and why (unreadable, or invalid).
pub type Rejected = (String, String);

/// The records of an input, in order.
pub type Records = Box<dyn Iterator<Item = Result<Record, Rejected>>>;

/// One input record: where it is (`file`, `file:line`) and its text.
pub struct Record {
    pub position: String,
    pub text: String,
}

/// What happened to the records of a run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub read: u64,
    pub assessed: u64,
    pub rejected: u64,
    pub rows: u64,
}

/// The rows for one record (each ending in a newline) and how many there
/// are, or its position and the reason it was rejected.
fn process(
    rules: &RuleSet,
    record: Record,
    options: &Options,
    validate_only: bool,
    format: RowFormat,
) -> Result<(String, u64), Rejected> {
    let single_line = !record.text.trim_end().contains('\n');
    let position = record.position;
    let file = SourceFile {
        name: position.clone(),
        text: record.text,
    };
    let case = rules.load_case(&file).map_err(|d| {
        (
            position.clone(),
            first_lines(&d.render(), &position, single_line),
        )
    })?;
    if validate_only {
        return Ok((String::new(), 0));
    }
    // A batch row needs the results, not the trace a report shows.
    let rows = eval::rows(rules, &case, options);
    let mut out = String::with_capacity(rows.len() * (position.len() + case.digest.len() + 64));
    match format {
        RowFormat::Csv => csv_rows(&mut out, &position, &case.id, &case.digest, &rows),
        RowFormat::Ndjson => {
            for x in &rows {
                ndjson_row(&mut out, &position, &case.id, &case.digest, x);
                out.push('\n');
            }
        }
    }
    Ok((out, rows.len() as u64))
}

/// A record's CSV rows, each ending in a newline, fields in the order of
/// [`CSV_HEADER`]; the fields every row of the record shares are quoted once.
fn csv_rows(out: &mut String, position: &str, case_id: &str, digest: &str, rows: &[eval::Row]) {
    let mut head = String::new();
    push_csv_field(&mut head, position);
    head.push(',');
    push_csv_field(&mut head, case_id);
    let mut tail = String::from(",");
    push_csv_field(&mut tail, digest);
    for x in rows {
        out.push_str(&head);
        for f in [x.drug, x.reaction, x.method] {
            out.push(',');
            push_csv_field(out, f);
        }
        out.push(',');
        if let Some(s) = x.score {
            push_int(out, s);
        }
        out.push(',');
        push_csv_field(out, x.category);
        out.push(',');
        push_csv_field(out, &x.reason);
        let i = &x.information;
        if i.total() > 0 {
            for n in [i.facts, i.knowledge, i.assessor, i.unknown] {
                out.push(',');
                push_int(out, i64::from(n));
            }
            out.push(',');
            out.push_str(flags(x));
        } else {
            out.push_str(",,,,,");
        }
        out.push_str(&tail);
        out.push('\n');
    }
}

/// Writes an integer in decimal: rows write several, and the formatting
/// machinery costs more than the digits.
fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 20];
    let mut v = n.unsigned_abs();
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// What a result's row flags: `insufficient` (most answers found no
/// information), `provisional` (a question only an assessor answers took its
/// default), both joined by `;`, or nothing.
fn flags(x: &eval::Row) -> &'static str {
    match (x.information.insufficient(), x.provisional) {
        (true, true) => "insufficient;provisional",
        (true, false) => "insufficient",
        (false, true) => "provisional",
        (false, false) => "",
    }
}

/// One NDJSON row (without its line end): the keys in sorted order, as
/// `serde_json` writes an object.
fn ndjson_row(out: &mut String, position: &str, case_id: &str, digest: &str, x: &eval::Row) {
    let text = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "null".to_owned());
    let score = x.score.map_or("null".to_owned(), |s| s.to_string());
    // `reason` only when there is one (not applicable, not scored).
    let reason = if x.reason.is_empty() {
        String::new()
    } else {
        format!("\"reason\":{},", text(&x.reason))
    };
    // What a result rested on, and its flags; nothing for other rows.
    let i = &x.information;
    let information = if i.total() > 0 {
        format!(
            "\"flags\":{},\"information\":{{\"assessor\":{},\"facts\":{},\"knowledge\":{},\"unknown\":{}}},",
            text(flags(x)),
            i.assessor,
            i.facts,
            i.knowledge,
            i.unknown
        )
    } else {
        String::new()
    };
    out.push_str(&format!(
        "{{\"case_digest\":{},\"case_id\":{},\"category\":{},\"drug\":{},{information}\"method\":{},\"reaction\":{},{reason}\"record\":{},\"score\":{score}}}",
        text(digest),
        text(case_id),
        text(x.category),
        text(x.drug),
        text(x.method),
        text(x.reaction),
        text(position),
    ));
}

/// The first problem of a rendered diagnostic list, on one line: message,
/// where in the record (line and column), and the hint.
fn first_lines(rendered: &str, position: &str, single_line: bool) -> String {
    let mut head = String::new();
    let mut at = String::new();
    let mut help = String::new();
    for line in rendered.lines() {
        let t = line.trim();
        if head.is_empty() && t.starts_with("error[") {
            head = t.to_owned();
        } else if at.is_empty() && t.starts_with("--> ") {
            let rest = t.trim_start_matches("--> ");
            let rest = rest
                .strip_prefix(position)
                .unwrap_or(rest)
                .trim_start_matches(':');
            let mut parts = rest.split(':');
            at = match (parts.next(), parts.next()) {
                (Some(_), Some(c)) if single_line => format!("column {c}"),
                (Some(l), Some(c)) if !l.is_empty() => format!("line {l}, column {c}"),
                _ => String::new(),
            };
        } else if help.is_empty() && t.starts_with("= help: ") {
            help = t.trim_start_matches("= help: ").to_owned();
            break;
        } else if t.starts_with("error[") {
            break;
        }
    }
    let mut out = if head.is_empty() {
        "invalid record".to_owned()
    } else {
        head
    };
    if !at.is_empty() {
        out.push_str(&format!(" ({at})"));
    }
    if !help.is_empty() {
        out.push_str(&format!("; {help}"));
    }
    out
}

fn csv_field(f: &str) -> String {
    let mut out = String::new();
    push_csv_field(&mut out, f);
    out
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn push_csv_field(out: &mut String, f: &str) {
    if f.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push('"');
        out.push_str(&f.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(f);
    }
}

pub const CSV_HEADER: &str = "record,case_id,drug,reaction,method,score,category,reason,facts,knowledge,assessor,unknown,flags,case_digest";

/// Runs a batch: every record of every input, `jobs` threads, rows to `out`,
/// rejected records to `errors` (position and reason), a progress bar on
/// `progress` when it is a terminal.
#[allow(clippy::too_many_arguments)]
pub fn run(
    rules: &RuleSet,
    inputs: &[PathBuf],
    input_format: InputFormat,
    options: &Options,
    validate_only: bool,
    format: RowFormat,
    out: &mut dyn Write,
    errors: &mut dyn Write,
    progress: &indicatif::ProgressBar,
) -> Result<Summary, crate::Error> {
    let w = |e: std::io::Error| crate::Error::Write(e.to_string());
    if format == RowFormat::Csv && !validate_only {
        writeln!(out, "{CSV_HEADER}").map_err(w)?;
    }
    let mut summary = Summary::default();
    for input in inputs {
        let mut stream = records(input, input_format)?;
        loop {
            let chunk: Vec<Result<Record, Rejected>> = stream.by_ref().take(CHUNK).collect();
            if chunk.is_empty() {
                break;
            }
            let results: Vec<Result<(String, u64), Rejected>> = chunk
                .into_par_iter()
                .map(|r| r.and_then(|rec| process(rules, rec, options, validate_only, format)))
                .collect();
            for r in results {
                summary.read += 1;
                match r {
                    Ok((rows, count)) => {
                        summary.assessed += 1;
                        summary.rows += count;
                        out.write_all(rows.as_bytes()).map_err(w)?;
                    }
                    Err((pos, why)) => {
                        // The errors file holds a header only once there is a record to list.
                        if summary.rejected == 0 {
                            writeln!(errors, "record,reason").map_err(w)?;
                        }
                        summary.rejected += 1;
                        writeln!(errors, "{},{}", csv_field(&pos), csv_field(&why)).map_err(w)?;
                    }
                }
            }
            // A file of several reports holds more records than it was counted for.
            if progress.length().is_some_and(|n| n < summary.read) {
                progress.set_length(summary.read);
            }
            progress.set_position(summary.read);
        }
    }
    out.flush().map_err(w)?;
    errors.flush().map_err(w)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// The digits written are those `Display` writes.
        #[test]
        fn integers_are_written_as_display_writes_them(n in proptest::num::i64::ANY) {
            let mut out = String::new();
            super::push_int(&mut out, n);
            proptest::prop_assert_eq!(out, n.to_string());
        }
    }

    use super::*;

    /// A result's row carries what it rested on and its flags.
    #[test]
    fn result_rows_carry_their_information() {
        let x = eval::Row {
            drug: "d",
            reaction: "r",
            method: "naranjo",
            score: Some(2),
            category: "possible",
            not_applicable: false,
            reason: "".into(),
            information: eval::Tally {
                facts: 2,
                knowledge: 1,
                assessor: 0,
                unknown: 7,
            },
            provisional: true,
        };
        let mut line = String::new();
        csv_rows(&mut line, "f:1", "c", "sha256:0", std::slice::from_ref(&x));
        assert_eq!(
            line,
            "f:1,c,d,r,naranjo,2,possible,,2,1,0,7,insufficient;provisional,sha256:0\n"
        );
        let mut line = String::new();
        ndjson_row(&mut line, "f:1", "c", "sha256:0", &x);
        let v: serde_json::Value = serde_json::from_str(&line).expect("JSON");
        assert_eq!(v["information"]["unknown"], 7);
        assert_eq!(v["flags"], "insufficient;provisional");
        assert_eq!(
            line,
            serde_json::to_string(&v).expect("JSON"),
            "keys in sorted order"
        );
    }

    /// The hand-written rows are the ones `serde_json` and the CSV quoting rules give.
    #[test]
    fn rows_are_written_as_before() {
        for odd in [
            "plain",
            "a,b",
            "say \"hi\"",
            "line\nbreak",
            "tab\tand \\ é \u{1}",
        ] {
            let x = eval::Row {
                drug: odd,
                reaction: "r",
                method: "naranjo",
                score: Some(-3),
                category: "possible",
                not_applicable: false,
                reason: "".into(),
                information: Default::default(),
                provisional: false,
            };
            for (score, reason) in [(Some(-3), ""), (None, odd)] {
                let x = eval::Row {
                    score,
                    reason: reason.into(),
                    ..x.clone()
                };
                let mut line = String::new();
                ndjson_row(&mut line, "f.ndjson:1", odd, "sha256:0", &x);
                let mut expected = serde_json::json!({
                    "record": "f.ndjson:1", "case_id": odd, "drug": x.drug, "reaction": x.reaction,
                    "method": x.method, "score": x.score, "category": x.category, "case_digest": "sha256:0",
                });
                if !reason.is_empty() {
                    expected["reason"] = serde_json::json!(reason);
                }
                assert_eq!(line, expected.to_string());
                let mut lines = String::new();
                csv_rows(&mut lines, odd, odd, odd, &[x.clone(), x.clone()]);
                let score = x.score.map_or(String::new(), |s| s.to_string());
                let expected = [
                    odd, odd, odd, "r", "naranjo", &score, "possible", reason, "", "", "", "", "",
                    odd,
                ]
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(",");
                assert_eq!(lines, format!("{expected}\n{expected}\n"));
            }
        }
    }
}
