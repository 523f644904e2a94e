//! The records a batch reads: the files of a folder and its subfolders, the
//! lines of an NDJSON file, the reports of an openFDA or E2B(R3) file, or
//! standard input (`-`), each record with its position.

use super::{Record, Records, Rejected};
use crate::import::InputFormat;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// The name standard input is shown by in positions and messages.
pub const STDIN: &str = "<stdin>";

/// Whether a path given on the command line means standard input or output.
pub fn is_std(p: &Path) -> bool {
    p.as_os_str() == "-"
}

/// A file's extension, lower-cased (`A.YAML` is a YAML file).
fn extension(p: &Path) -> String {
    p.extension()
        .map(|x| x.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

fn is_case_file(p: &Path) -> bool {
    matches!(extension(p).as_str(), "yaml" | "yml" | "json" | "xml")
}

fn is_ndjson(p: &Path) -> bool {
    matches!(extension(p).as_str(), "ndjson" | "jsonl")
}

/// The case files (`.yaml`, `.yml`, `.json`, E2B `.xml`, in any case) of a
/// folder and its subfolders, sorted by path; hidden files and folders are
/// skipped, and so are links to folders (which could lead back up the tree).
pub fn case_files(dir: &Path) -> Result<Vec<PathBuf>, crate::Error> {
    files_in(dir, is_case_file)
}

/// The files of a folder and its subfolders that `keep` keeps, sorted by path.
fn files_in(dir: &Path, keep: fn(&Path) -> bool) -> Result<Vec<PathBuf>, crate::Error> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| crate::Error::read(&d, e))?;
        for e in entries.filter_map(Result::ok) {
            let p = e.path();
            let hidden = p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            let Ok(kind) = e.file_type() else { continue };
            if hidden {
                continue;
            }
            if kind.is_dir() {
                pending.push(p);
            } else if (kind.is_file() || (kind.is_symlink() && p.is_file())) && keep(&p) {
                files.push(p);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A file that cannot be read as a whole, as a rejected record: its position
/// (`FILE:LINE:COLUMN` where it has one) and the reason with its hint.
fn rejected(d: crate::diagnostic::Diagnostic) -> Rejected {
    let position = if d.pos.line > 0 {
        format!("{}:{}:{}", d.file, d.pos.line, d.pos.column)
    } else {
        d.file
    };
    let reason = match d.help {
        Some(help) => format!("error[{}]: {}; {help}", d.code, d.message),
        None => format!("error[{}]: {}", d.code, d.message),
    };
    (position, reason)
}

/// The records of one file's text: a case, or one per report of an openFDA or
/// E2B(R3) file (a report the importer refuses is a rejected record with its reason).
fn text_records(name: String, text: String, format: InputFormat) -> Vec<Result<Record, Rejected>> {
    match crate::import::cases_of(&name, text, format) {
        Ok(reports) => reports
            .into_iter()
            .map(|r| match r {
                Ok((position, text)) => Ok(Record { position, text }),
                Err(refused) => Err((refused.position, refused.reason)),
            })
            .collect(),
        Err(d) => vec![Err(rejected(*d))],
    }
}

/// A file's bytes as text, or the rejected record that says why they are not.
fn utf8(name: &str, bytes: Vec<u8>) -> Result<String, Rejected> {
    crate::diagnostic::encoding::utf8(name, bytes).map_err(|d| rejected(*d))
}

fn file_records(path: &Path, format: InputFormat) -> Vec<Result<Record, Rejected>> {
    let name = path.display().to_string();
    match std::fs::read(path).map_err(|e| (name.clone(), format!("cannot read: {e}"))) {
        Ok(bytes) => match utf8(&name, bytes) {
            Ok(text) => text_records(name, text, format),
            Err(r) => vec![Err(r)],
        },
        Err(r) => vec![Err(r)],
    }
}

/// Whether a text is NDJSON: one of its first lines is a whole JSON object
/// written from the line's start (a case written as JSON over several lines
/// indents the objects it holds), so that a stray first line does not turn
/// every record into one bad file.
fn looks_like_ndjson(text: &str) -> bool {
    text.lines()
        .map(|l| l.trim_start_matches('\u{feff}').trim_end())
        .filter(|l| !l.trim().is_empty())
        .take(5)
        .any(|l| l.starts_with('{') && l.ends_with('}') && l.len() > 2)
}

/// The records of standard input: NDJSON lines when it is NDJSON (or
/// `--input-format case` is not forcing one case), else the cases of one file.
fn stdin_records(format: InputFormat) -> Result<Records, crate::Error> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes).map_err(|e| {
        crate::Error::Read {
            path: STDIN.into(),
            reason: e.to_string(),
        }
    })?;
    // Judged on the text as far as it reads: a line that is not UTF-8 is one rejected record.
    if format == InputFormat::Auto && looks_like_ndjson(&String::from_utf8_lossy(&bytes)) {
        let lines: Vec<Vec<u8>> = bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
        return Ok(Box::new(ndjson_lines(
            STDIN.to_owned(),
            lines.into_iter().map(Ok),
        )));
    }
    Ok(Box::new(
        match utf8(STDIN, bytes) {
            Ok(text) => text_records(STDIN.to_owned(), text, format),
            Err(r) => vec![Err(r)],
        }
        .into_iter(),
    ))
}

/// Numbered NDJSON lines as records, blank lines skipped.
fn ndjson_lines(
    name: String,
    lines: impl Iterator<Item = std::io::Result<Vec<u8>>> + 'static,
) -> impl Iterator<Item = Result<Record, Rejected>> {
    lines.enumerate().filter_map(move |(i, line)| {
        let position = format!("{name}:{}", i + 1);
        let bytes = match line {
            Ok(b) => b,
            Err(e) => return Some(Err((position, format!("cannot read the line: {e}")))),
        };
        Some(ndjson_record(position, bytes))
            .filter(|r| !matches!(r, Ok(Record { text, .. }) if text.trim().is_empty()))
    })
}

/// The records of one input, in order: a folder's files (and its
/// subfolders') sorted by path, an NDJSON file's lines, standard input
/// (`-`), or the records of a single file.
pub fn records(input: &Path, format: InputFormat) -> Result<Records, crate::Error> {
    if is_std(input) {
        return stdin_records(format);
    }
    if input.is_dir() {
        let files = files_in(input, |p| is_case_file(p) || is_ndjson(p))?;
        if files.is_empty() {
            let why = "error[batch::empty-folder]: the folder holds no case file (.yaml, .yml, .json, .xml, .ndjson); give case files, or a folder that holds some";
            return Ok(Box::new(std::iter::once(Err((
                input.display().to_string(),
                why.to_owned(),
            )))));
        }
        return Ok(Box::new(files.into_iter().flat_map(move |p| {
            // An NDJSON file of a folder is read line by line, as when named.
            match records(&p, format) {
                Ok(r) => r,
                Err(e) => Box::new(std::iter::once(Err((
                    p.display().to_string(),
                    e.to_string(),
                )))),
            }
        })));
    }
    // NDJSON lines are case objects: read so unless another format is forced.
    if matches!(format, InputFormat::Auto | InputFormat::Case) && is_ndjson(input) {
        let f = std::fs::File::open(input).map_err(|e| crate::Error::read(input, e))?;
        let name = input.display().to_string();
        let lines = std::io::BufReader::new(f).split(b'\n');
        return Ok(Box::new(ndjson_lines(name, lines)));
    }
    std::fs::metadata(input).map_err(|e| crate::Error::read(input, e))?;
    Ok(Box::new(file_records(input, format).into_iter()))
}

/// One line of an NDJSON file as a record, or why it cannot be one: text
/// that is not UTF-8 (with its column), or a line that is not a JSON object.
fn ndjson_record(position: String, mut bytes: Vec<u8>) -> Result<Record, Rejected> {
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    let text = match crate::diagnostic::encoding::utf8(&position, bytes) {
        Ok(t) => t,
        Err(d) => {
            let help = d.help.unwrap_or_default();
            return Err((
                position,
                format!(
                    "error[{}]: {} (column {}); {help}",
                    d.code, d.message, d.pos.column
                ),
            ));
        }
    };
    let t = text.trim_start_matches('\u{feff}').trim();
    if !t.is_empty() && !t.starts_with('{') {
        return Err((
            position,
            "error[ndjson::not-an-object]: this line is not a JSON object; each line of an NDJSON file holds one case as a JSON object (`{\"id\": ...}`)".to_owned(),
        ));
    }
    Ok(Record { position, text })
}
