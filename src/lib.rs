//! causa: causality assessment of suspected adverse drug reactions.
//!
//! The pipeline is visible in the modules: **load** ([`case`], [`rules`], [`kb`])
//! -> **validate** (inside each loader, collecting [`diagnostic::Diagnostics`]) ->
//! **evaluate** ([`eval`], over [`findings`]) -> **report** ([`report`]).
//! [`cli`] wires them to the command line.

pub mod batch;
pub mod case;
pub mod cli;
pub mod diagnostic;
pub mod diff;
pub mod eval;
pub mod export;
pub mod findings;
pub mod import;
pub mod kb;
pub mod log;
pub mod policy;
pub mod report;
pub mod robustness;
pub mod rules;
pub mod serve;
pub mod time;

use diagnostic::Diagnostics;
use std::path::Path;

/// Everything that can stop a command. Problems in a user's files are
/// [`Error::Invalid`], carrying every diagnostic found.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read `{path}`: {reason}")]
    Read { path: String, reason: String },
    #[error("no rule files (`*.yaml`) in `{0}`")]
    NoRules(String),
    #[error("{}", .0.render().trim_end())]
    Invalid(Diagnostics),
    #[error("{message}")]
    Usage {
        message: String,
        help: Option<String>,
    },
    #[error("cannot write output: {0}")]
    Write(String),
    /// A log whose chain of hashes does not hold.
    #[error("{0}")]
    Tampered(String),
}

impl Error {
    pub fn read(path: &Path, e: std::io::Error) -> Self {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
            std::io::ErrorKind::InvalidData => "not UTF-8 text".to_owned(),
            _ => e.to_string(),
        };
        Error::Read {
            path: path.display().to_string(),
            reason,
        }
    }

    /// A file's text: a file that cannot be read says why, one that is not
    /// UTF-8 says where (line and column) and what to do.
    pub fn read_text(path: &Path) -> Result<String, Error> {
        let bytes = std::fs::read(path).map_err(|e| Error::read(path, e))?;
        diagnostic::encoding::utf8(&path.display().to_string(), bytes)
            .map_err(|d| Error::Invalid(d.into()))
    }

    /// 2 for problems with the user's input, 1 for anything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Read { .. } | Error::NoRules(_) | Error::Invalid(_) | Error::Usage { .. } => 2,
            Error::Write(_) | Error::Tampered(_) => 1,
        }
    }

    /// The text shown on stderr.
    pub fn render(&self) -> String {
        match self {
            Error::Invalid(d) => d.render(),
            Error::Usage {
                message,
                help: Some(help),
            } => format!("error: {message}\n  = help: {help}\n"),
            other => format!("error: {other}\n"),
        }
    }
}
