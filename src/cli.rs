//! The command line: parses arguments, runs the pipeline, returns the text to print.
//!
//! Nothing here prints; `main` prints the output or the error in one place and
//! maps errors to exit codes (0 ok, 2 invalid input, 1 anything else).

//!
//! One file per subcommand under `cli/`; this file holds the argument tree,
//! the dispatch, and what several subcommands share (loading rules and cases,
//! evaluation options).

mod assess;
mod batch;
mod export;
mod import;
mod kb;
mod log;
mod progress;
mod rules;
mod serve;
mod shell;

pub use assess::AssessArgs;
pub use batch::BatchArgs;
pub use export::ExportCommand;
pub use import::{CaseFormat, ImportCommand};
pub use kb::{GapsFormat, KbCommand};
pub use log::LogCommand;
pub use rules::{GraphFormat, RulesCommand};
pub use serve::ServeArgs;

use crate::Error;
use crate::case;
use crate::diagnostic::{Diagnostics, SourceFile, suggest};
use crate::eval::Options;
use crate::import::InputFormat;
use crate::rules::RuleSet;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::path::Path;

/// Causality assessment of suspected adverse drug reactions, with auditable reports.
#[derive(Debug, Parser)]
#[command(name = "causa", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Assess every suspect drug x reaction pair of case files, openFDA JSON or E2B(R3) XML
    #[command(after_help = assess::EXAMPLES)]
    Assess(AssessArgs),
    /// Convert other formats to case files
    #[command(subcommand)]
    Import(ImportCommand),
    /// Assess many cases: one output row per drug x reaction pair and method
    #[command(
        after_help = "Examples:\n  causa batch cases.ndjson --out results.csv\n  causa batch fixtures/cases --out results.ndjson --format ndjson --jobs 2\n  causa batch cases.ndjson --out /dev/null --validate-only --errors rejected.csv\n  causa batch fixtures/e2b fixtures/openfda/openfda-drug-event-sample.json --out results.csv\n\nInputs: case files, openFDA drug-event or E2B(R3) files (one record per report),\ndirectories of them, or NDJSON (.ndjson, .jsonl) with one case object per line.\nRows: record, case_id, drug, reaction, method, score, category, reason, case_digest;\na report with nothing to score gives a `not-scored` row with the reason.\nExit 0 when every record was assessed, 2 when some were rejected (see the errors file)."
    )]
    Batch(BatchArgs),
    /// Write assessments back into other formats
    #[command(subcommand)]
    Export(ExportCommand),
    /// Inspect and check rule sets
    #[command(subcommand, after_help = rules::EXAMPLES)]
    Rules(RulesCommand),
    /// Check assessment logs
    #[command(subcommand)]
    Log(LogCommand),
    /// What the knowledge base lacks for a set of reports
    #[command(subcommand)]
    Kb(KbCommand),
    /// A local web page to enter a case in a form and see its assessment as you type
    #[command(after_help = serve::EXAMPLES)]
    Serve(ServeArgs),
    /// Print the shell completion script (bash, zsh, fish, elvish, powershell)
    #[command(
        after_help = "Examples:\n  causa completions bash > ~/.local/share/bash-completion/completions/causa\n  causa completions zsh > \"${fpath[1]}/_causa\"\n  causa completions fish > ~/.config/fish/completions/causa.fish"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of causa, or write a page per command into a folder
    #[command(
        after_help = "Examples:\n  causa manpage > causa.1 && man ./causa.1\n  causa manpage --dir ~/.local/share/man/man1"
    )]
    Manpage {
        /// Write causa.1 and causa-COMMAND.1 for each command into this folder
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
}

pub(crate) fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a day: write it as YYYY-MM-DD, for example 2019-12-31"))
}

/// What a command gives back: the data for stdout, the summary for stderr,
/// and the exit code (0, or 1 when `rules diff` finds a difference, 2 when
/// `batch` rejected records).
#[derive(Debug, Default)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Output {
    fn data(stdout: String) -> Output {
        Output {
            stdout,
            ..Output::default()
        }
    }
}

/// Runs a command.
pub fn run(cli: Cli) -> Result<Output, Error> {
    let coded = |(stdout, code): (String, i32)| Output {
        stdout,
        code,
        ..Output::default()
    };
    match cli.command {
        Command::Assess(args) => assess::run(&args).map(Output::data),
        Command::Import(command) => import::run(&command).map(Output::data),
        Command::Batch(args) => batch::run(&args),
        Command::Export(command) => export::run(&command),
        Command::Rules(command) => rules::run(command).map(coded),
        Command::Log(command) => log::run(&command).map(Output::data),
        Command::Kb(command) => kb::run(&command).map(coded),
        Command::Serve(args) => serve::run(&args),
        Command::Completions { shell } => Ok(Output::data(shell::completions(shell))),
        Command::Manpage { dir } => shell::manpage(dir.as_deref()),
    }
}

/// A file's name and text, `-` being standard input (shown as `<stdin>`).
pub(crate) fn read_input(path: &Path) -> Result<(String, String), Error> {
    if crate::batch::is_std(path) {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes).map_err(|e| {
            Error::Read {
                path: crate::batch::STDIN.into(),
                reason: e.to_string(),
            }
        })?;
        let text = crate::diagnostic::encoding::utf8(crate::batch::STDIN, bytes)
            .map_err(|d| Error::Invalid(d.into()))?;
        return Ok((crate::batch::STDIN.to_owned(), text));
    }
    Ok((path.display().to_string(), Error::read_text(path)?))
}

/// Loads the shipped rules, or those in `dir`.
pub fn load_rules(dir: Option<&Path>) -> Result<RuleSet, Error> {
    let files = match dir {
        Some(d) => crate::rules::read_dir(d)?,
        None => crate::rules::shipped_files(),
    };
    crate::rules::load(&files).map_err(Error::Invalid)
}

/// Loads the rules as [`load_rules`] does, with the user's listedness table when one is given.
pub fn load_rules_with(dir: Option<&Path>, listedness: Option<&Path>) -> Result<RuleSet, Error> {
    let mut rules = load_rules(dir)?;
    if let Some(path) = listedness {
        let text = Error::read_text(path)?;
        let file = SourceFile {
            name: path.display().to_string(),
            text,
        };
        let table = crate::kb::listedness::read(&file, &rules.kb).map_err(Error::Invalid)?;
        rules.kb.listedness = Some(table);
    }
    Ok(rules)
}

/// Reads and validates the cases of a file: a case file, or an openFDA
/// drug-event response or E2B(R3) file (one case per report), as `format`
/// says or, by default, as its content shows.
pub fn load_cases(
    path: &Path,
    rules: &RuleSet,
    format: InputFormat,
) -> Result<Vec<case::Case>, Error> {
    let (name, text) = read_input(path)?;
    let reports =
        crate::import::cases_of(&name, text, format).map_err(|d| Error::Invalid(d.into()))?;
    let mut out = Vec::new();
    let mut problems = Diagnostics::default();
    for report in reports {
        match report {
            Ok((name, text)) => match rules.load_case(&SourceFile { name, text }) {
                Ok(c) => out.push(c),
                Err(d) => problems.extend(d),
            },
            Err(refused) => problems.push(refused.diagnostic()),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Reads and validates a case file, including its assessor answers against the rules.
pub fn load_case(path: &Path, rules: &RuleSet) -> Result<case::Case, Error> {
    let text = Error::read_text(path)?;
    rules
        .load_case(&SourceFile {
            name: path.display().to_string(),
            text,
        })
        .map_err(Error::Invalid)
}

/// The evaluation options of a command line: the methods checked against the
/// rules, the policy with the command line's switches applied.
pub(crate) fn options(
    rules: &RuleSet,
    methods: &[String],
    as_of: Option<NaiveDate>,
    policies: &[String],
) -> Result<Options, Error> {
    for m in methods {
        method_or_hint(rules, m)?;
    }
    let mut policy = rules.policy.clone();
    for setting in policies {
        policy.apply(setting).map_err(|e| Error::Usage {
            message: e.message,
            help: Some(e.help),
        })?;
    }
    Ok(Options {
        as_of,
        methods: methods.to_vec(),
        policy: Some(policy),
        follow_up: false,
    })
}

pub(crate) fn method_or_hint<'a>(
    rules: &'a RuleSet,
    id: &str,
) -> Result<&'a crate::rules::Method, Error> {
    rules.method(id).ok_or_else(|| {
        let ids: Vec<&str> = rules.methods.iter().map(|m| m.id.as_str()).collect();
        Error::Usage {
            message: format!("no method `{id}` in the rules"),
            help: Some(match suggest(id, ids.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("methods: {}", ids.join(", ")),
            }),
        }
    })
}
