//! `causa log verify`, and the log lines `causa assess --log` appends.

use crate::Error;
use crate::{case, eval};
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Check that no line of a log was changed, inserted or removed (exit 1 if one was)
    #[command(
        after_help = "Examples:\n  causa assess case.yaml --log assessments.log --assessed-at 2024-05-02T10:30:00Z\n  causa log verify assessments.log"
    )]
    Verify {
        /// The log file
        file: PathBuf,
    },
}

/// Appends one chained line per assessed case to the log.
pub(super) fn append(
    path: &Path,
    at: &str,
    cases: &[case::Case],
    results: &[eval::CaseAssessment],
) -> Result<(), Error> {
    use std::io::Write as _;
    let existing = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::read(path, e)),
    };
    let mut last = crate::log::last_link(&existing).map_err(|why| Error::Usage {
        message: format!("`{}` is not an assessment log: {why}", path.display()),
        help: Some("give a new file, or a log written by `causa assess --log`".into()),
    })?;
    let mut out = String::new();
    for (c, a) in cases.iter().zip(results) {
        let overrides = c
            .assessor_answers
            .iter()
            .filter(|x| a.as_of.is_none_or(|d| x.known.is_none_or(|k| k <= d)))
            .map(|x| {
                serde_json::json!({
                    "method": x.method, "question": x.question, "answer": x.answer,
                    "assessor": x.assessor, "justification": x.justification,
                    "drug": x.drug.map(|d| c.drugs[d].id.clone()),
                    "reaction": x.reaction.map(|r| c.reactions[r].id.clone()),
                })
            })
            .collect();
        let link = last.as_ref().map(|(h, s)| (h.as_str(), *s));
        let line = crate::log::line(
            &crate::log::Record {
                assessed_at: at,
                assessment: a,
                overrides,
            },
            link,
        );
        let v: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| Error::Write(e.to_string()))?;
        last = Some((
            v["hash"].as_str().unwrap_or_default().to_owned(),
            v["entry"]["seq"].as_u64().unwrap_or(0),
        ));
        out.push_str(&line);
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::Write(format!("{}: {e}", path.display())))?;
    f.write_all(out.as_bytes())
        .map_err(|e| Error::Write(format!("{}: {e}", path.display())))
}

pub(super) fn run(command: &LogCommand) -> Result<String, Error> {
    match command {
        LogCommand::Verify { file } => {
            let text = Error::read_text(file)?;
            match crate::log::verify(&text) {
                Ok(n) => Ok(format!("{}: ok, {n} lines, chain intact\n", file.display())),
                Err((line, why)) => {
                    let intact = match line {
                        1 => String::new(),
                        2 => "line 1 holds; ".to_owned(),
                        n => format!("lines 1 to {} hold; ", n - 1),
                    };
                    Err(Error::Tampered(format!(
                        "{}:{line}: line {line} {why}\n  = help: {intact}compare the log with a copy kept elsewhere (the last line's hash, noted when it was written, tells the two apart)",
                        file.display()
                    )))
                }
            }
        }
    }
}
