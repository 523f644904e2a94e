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
mod rows;
pub use input::{STDIN, case_files, is_std, records};
use rows::csv_field;
pub use rows::{CSV_HEADER, Column, Layout};

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
    layout: &Layout,
) -> Result<Done, Rejected> {
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
        return Ok(Done::default());
    }
    // A batch row needs the results, not the trace a report shows.
    let rows = eval::rows(rules, &case, options);
    let mut out = String::with_capacity(rows.len() * (position.len() + case.digest.len() + 64));
    rows::write_rows(&mut out, layout, &position, &case.id, &case.digest, &rows);
    let mut questions = String::new();
    if layout.questions {
        let with = Options {
            follow_up: true,
            ..options.clone()
        };
        let a = eval::assess(rules, &case, &with);
        rows::write_questions(&mut questions, &position, &case.id, &a);
    }
    Ok(Done {
        rows: out,
        count: rows.len() as u64,
        questions,
    })
}

/// What one record gave: its rows (each ending in a newline), how many, and
/// its follow-up question rows when asked for.
#[derive(Default)]
struct Done {
    rows: String,
    count: u64,
    questions: String,
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

/// The records of the inputs in order, a chunk at a time; an input that
/// cannot be opened is an error when its turn comes.
struct Chunks<'a> {
    inputs: std::slice::Iter<'a, PathBuf>,
    format: InputFormat,
    stream: Option<Records>,
}

impl Chunks<'_> {
    /// The next chunk of records; empty when every input is read.
    fn next_chunk(&mut self) -> Result<Vec<Result<Record, Rejected>>, crate::Error> {
        loop {
            if let Some(stream) = &mut self.stream {
                let chunk: Vec<_> = stream.by_ref().take(CHUNK).collect();
                if !chunk.is_empty() {
                    return Ok(chunk);
                }
            }
            match self.inputs.next() {
                Some(input) => self.stream = Some(records(input, self.format)?),
                None => return Ok(Vec::new()),
            }
        }
    }
}

/// The results of a chunk, in the order of its records.
type Processed = Vec<Result<Done, Rejected>>;

/// Runs a batch: every record of every input, `jobs` threads, rows to `out`,
/// rejected records to `errors` (position and reason), a progress bar on
/// `progress` when it is a terminal; with `layout.questions`, each case's
/// follow-up questions to `questions`. While the workers assess one chunk,
/// this thread writes the rows of the one before and reads the one after.
#[allow(clippy::too_many_arguments)]
pub fn run(
    rules: &RuleSet,
    inputs: &[PathBuf],
    input_format: InputFormat,
    options: &Options,
    validate_only: bool,
    layout: &Layout,
    out: &mut dyn Write,
    errors: &mut dyn Write,
    questions: &mut dyn Write,
    progress: &indicatif::ProgressBar,
) -> Result<Summary, crate::Error> {
    let w = |e: std::io::Error| crate::Error::Write(e.to_string());
    if layout.format == RowFormat::Csv && !validate_only {
        writeln!(out, "{}", layout.csv_header()).map_err(w)?;
    }
    if layout.questions && !validate_only {
        writeln!(questions, "{}", rows::QUESTIONS_HEADER).map_err(w)?;
    }
    let mut sinks = Sinks {
        out,
        errors,
        questions,
        progress,
    };
    let mut summary = Summary::default();
    let mut chunks = Chunks {
        inputs: inputs.iter(),
        format: input_format,
        stream: None,
    };
    let mut chunk = chunks.next_chunk()?;
    let mut written: Processed = Vec::new();
    while !chunk.is_empty() {
        let mut processed: Processed = Vec::new();
        let (mut wrote, mut next) = (Ok(()), Ok(Vec::new()));
        rayon::in_place_scope(|s| {
            let work = std::mem::take(&mut chunk);
            let processed = &mut processed;
            s.spawn(move |_| {
                *processed = work
                    .into_par_iter()
                    .map(|r| r.and_then(|rec| process(rules, rec, options, validate_only, layout)))
                    .collect();
            });
            wrote = write(&mut written, &mut summary, &mut sinks);
            next = chunks.next_chunk();
        });
        wrote?;
        written = processed;
        match next {
            Ok(c) => chunk = c,
            Err(e) => {
                // The records read before the input that failed keep their rows.
                write(&mut written, &mut summary, &mut sinks)?;
                return Err(e);
            }
        }
    }
    write(&mut written, &mut summary, &mut sinks)?;
    sinks.out.flush().map_err(w)?;
    sinks.errors.flush().map_err(w)?;
    sinks.questions.flush().map_err(w)?;
    Ok(summary)
}

/// Where a run writes: rows, rejected records, follow-up questions, progress.
struct Sinks<'a> {
    out: &'a mut dyn Write,
    errors: &'a mut dyn Write,
    questions: &'a mut dyn Write,
    progress: &'a indicatif::ProgressBar,
}

/// Writes a chunk's rows and rejected records, counting them, and moves the progress bar.
fn write(
    results: &mut Processed,
    summary: &mut Summary,
    sinks: &mut Sinks,
) -> Result<(), crate::Error> {
    let Sinks {
        out,
        errors,
        questions,
        progress,
    } = sinks;
    let w = |e: std::io::Error| crate::Error::Write(e.to_string());
    if results.is_empty() {
        return Ok(());
    }
    for r in results.drain(..) {
        summary.read += 1;
        match r {
            Ok(done) => {
                summary.assessed += 1;
                summary.rows += done.count;
                out.write_all(done.rows.as_bytes()).map_err(w)?;
                questions.write_all(done.questions.as_bytes()).map_err(w)?;
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
    Ok(())
}
