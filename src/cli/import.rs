//! `causa import`: openFDA and E2B(R3) files written as case files.

use super::load_rules;
use crate::Error;
use crate::diagnostic::{Diagnostics, SourceFile};
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// openFDA drug-event JSON (results[] of /drug/event): one case per report, as YAML documents or NDJSON lines
    #[command(
        after_help = "Examples:\n  causa import openfda events.json > cases.yaml\n  causa import openfda events.json --format json > cases.ndjson && causa batch cases.ndjson --out results.csv"
    )]
    Openfda {
        /// The openFDA file, or `-` for standard input
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = CaseFormat::Yaml)]
        format: CaseFormat,
    },
    /// E2B(R3) ICSR (HL7 v3 XML): one case per message, as YAML documents or NDJSON lines
    #[command(
        after_help = "Examples:\n  causa import e2b icsr.xml > cases.yaml\n  causa import e2b icsr.xml --format json > cases.ndjson"
    )]
    E2b {
        /// The E2B(R3) file, or `-` for standard input
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = CaseFormat::Yaml)]
        format: CaseFormat,
    },
}

impl ImportCommand {
    fn file_and_format(&self) -> (&Path, CaseFormat) {
        match self {
            ImportCommand::Openfda { file, format } | ImportCommand::E2b { file, format } => {
                (file, *format)
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CaseFormat {
    Yaml,
    Json,
}

/// Writes the cases of an openFDA or E2B(R3) file as YAML documents or NDJSON
/// lines. Every case written is one `causa assess` reads: each is checked with
/// the shipped rules first, and a report that is refused or would not be read
/// stops the command with every such problem, writing nothing.
pub(super) fn run(import: &ImportCommand) -> Result<String, Error> {
    let (file, format) = import.file_and_format();
    let (name, text) = super::read_input(file)?;
    let read = match import {
        ImportCommand::Openfda { .. } => crate::import::openfda_cases(&name, &text),
        ImportCommand::E2b { .. } => crate::import::e2b(&name, &text),
    };
    let reports = read.map_err(|d| Error::Invalid(d.into()))?;
    let rules = load_rules(None)?;
    let mut problems = Diagnostics::default();
    let mut out = String::new();
    for report in reports {
        let (position, json) = match report {
            Ok(read) => read,
            Err(refused) => {
                problems.push(refused.diagnostic());
                continue;
            }
        };
        let source = SourceFile {
            name: position,
            text: json,
        };
        if let Err(d) = rules.load_case(&source) {
            problems.extend(d);
            continue;
        }
        let value: serde_json::Value =
            serde_json::from_str(&source.text).map_err(|e| Error::Write(e.to_string()))?;
        match format {
            // One case per line (NDJSON), ready for `causa batch`.
            CaseFormat::Json => out.push_str(&format!("{value}\n")),
            CaseFormat::Yaml => {
                out.push_str(&format!("---\n# {}\n", source.name));
                out.push_str(
                    &serde_saphyr::to_string(&value).map_err(|e| Error::Write(e.to_string()))?,
                );
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::Invalid(problems))
    }
}
