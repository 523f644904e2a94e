//! The command line: parses arguments, runs the pipeline, returns the text to print.
//!
//! Nothing here prints; `main` prints the output or the error in one place and
//! maps errors to exit codes (0 ok, 2 invalid input, 1 anything else).

use crate::Error;
use crate::case;
use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile, suggest};
use crate::eval::{self, Options};
use crate::import::InputFormat;
use crate::report::{self, Format};
use crate::rules::{self, RuleSet};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const ASSESS_EXAMPLES: &str = "\
Examples:
  causa assess fixtures/cases/lenalidomide-lv-desensitization.yaml
  causa assess case.yaml --as-of 2019-12-31
  causa assess case.yaml --method sefv --method naranjo --format json
  causa assess case.yaml --rules my-rules/
  causa assess case.yaml --policy tolerance-under-desensitization=negative
  causa assess case.yaml --timeline

Policy switches (the first value is the default):
  tolerance-under-desensitization   not-interpretable | negative
  recurrence-under-desensitization  positive | attenuated
  co-suspects                       alternative-cause | not-alternative-cause
  improvement-under-treatment       counts | does-not-count";

const RULES_EXAMPLES: &str = "\
Examples:
  causa rules list
  causa rules check
  causa rules check my-rules/";

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
    #[command(after_help = ASSESS_EXAMPLES)]
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
    #[command(subcommand, after_help = RULES_EXAMPLES)]
    Rules(RulesCommand),
    /// Check assessment logs
    #[command(subcommand)]
    Log(LogCommand),
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// openFDA drug-event JSON (results[] of /drug/event): one case per report, as YAML documents or NDJSON lines
    #[command(
        after_help = "Examples:\n  causa import openfda events.json > cases.yaml\n  causa import openfda events.json --format json > cases.ndjson && causa batch cases.ndjson --out results.csv"
    )]
    Openfda {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = CaseFormat::Yaml)]
        format: CaseFormat,
    },
    /// E2B(R3) ICSR (HL7 v3 XML): one case per message, as YAML documents or NDJSON lines
    #[command(
        after_help = "Examples:\n  causa import e2b icsr.xml > cases.yaml\n  causa import e2b icsr.xml --format json > cases.ndjson"
    )]
    E2b {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = CaseFormat::Yaml)]
        format: CaseFormat,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// An E2B(R3) ICSR with causa's assessments added as further relatedness assessments (G.k.9.i.2.r), everything else unchanged
    #[command(
        after_help = "Examples:\n  causa export e2b icsr.xml --out icsr-assessed.xml\n  causa export e2b icsr.xml --method naranjo --method who-umc > icsr-assessed.xml\n\nOne assessment per assessed drug x reaction pair and applicable method (suspect and interacting drugs;\nALDEN also scores concomitants): source `causa VERSION`, method `ID RULE-VERSION`, result `Category, score N`. Every other byte of the file is kept; an\nassessment the file already holds is not added again, so exporting an exported file changes nothing."
    )]
    E2b {
        /// The ICSR file (MCCI_IN200100UV01 batch or a single PORR_IN049016UV message)
        file: PathBuf,
        /// Where to write the ICSR with the assessments added (default: standard output)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Add only this method's assessments (repeatable); default: every method
        #[arg(long = "method", value_name = "ID")]
        methods: Vec<String>,
        /// Use the rules in this directory instead of the shipped ones
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// Set a policy switch (repeatable), e.g. tolerance-under-desensitization=negative
        #[arg(long = "policy", value_name = "NAME=VALUE")]
        policies: Vec<String>,
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

/// What `causa batch` takes.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// Case files, openFDA or E2B(R3) files, directories of them, or NDJSON files of case objects
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Where to write the rows
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[arg(long, value_enum, default_value_t = crate::batch::RowFormat::Csv)]
    pub format: crate::batch::RowFormat,
    /// Where to write rejected records with their position and reason (default: OUT.errors.csv)
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,
    /// What the inputs hold; by default decided from each file's content (and `.ndjson`/`.jsonl` for NDJSON)
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
    /// Read and validate every record without scoring
    #[arg(long)]
    pub validate_only: bool,
    /// Worker threads (default: one per core); the output is the same for any number
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Run only this method (repeatable)
    #[arg(long = "method", value_name = "ID")]
    pub methods: Vec<String>,
    /// Use only what was known on this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub as_of: Option<NaiveDate>,
    /// Use the rules in this directory instead of the shipped ones
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// What `causa assess` takes.
#[derive(Debug, clap::Args)]
pub struct AssessArgs {
    /// Case files (YAML, or JSON with the same structure), openFDA drug-event JSON, or E2B(R3) ICSRs
    #[arg(required = true, value_name = "CASE")]
    cases: Vec<PathBuf>,
    /// What the files hold; by default decided from each file's content
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    input_format: InputFormat,
    /// Run only this method (repeatable); default: every method
    #[arg(long = "method", value_name = "ID")]
    methods: Vec<String>,
    /// Use only what was known on this day (YYYY-MM-DD); default: all information in the case
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    as_of: Option<NaiveDate>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// Use the rules in this directory instead of the shipped ones
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Show how every method's result changed with each dated piece of information
    #[arg(long, conflicts_with = "as_of")]
    pub timeline: bool,
    /// Append one line per assessed case to this tamper-evident log (needs --assessed-at)
    #[arg(long, value_name = "FILE", requires = "assessed_at")]
    pub log: Option<PathBuf>,
    /// The time of assessment to record in the log, as written (for example 2024-05-02T10:30:00Z)
    #[arg(long, value_name = "TIME")]
    pub assessed_at: Option<String>,
    /// Set a policy switch for this run (repeatable), e.g. tolerance-under-desensitization=negative
    #[arg(long = "policy", value_name = "NAME=VALUE")]
    policies: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Check a rule set and report every problem with file, line and column
    #[command(after_help = RULES_EXAMPLES)]
    Check {
        /// Rule directory; default: the shipped rules
        dir: Option<PathBuf>,
    },
    /// Draw a method's decision graph, with the path a case takes in bold
    #[command(
        after_help = "Examples:\n  causa rules graph naranjo > naranjo.dot\n  causa rules graph sefv --format mermaid --case fixtures/cases/lenalidomide-lv-desensitization.yaml\n  causa rules graph lcat --format svg > lcat.svg   (needs Graphviz `dot`)"
    )]
    Graph {
        /// Method id
        method: String,
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
        /// Highlight the path this case's assessments take
        #[arg(long, value_name = "CASE")]
        case: Option<PathBuf>,
        /// Use the rules in this directory instead of the shipped ones
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// What changes between two rule sets: structure, every answer combination whose category changes, and (with --cases) every case whose result changes. Exit 0 when nothing changed, 1 when something did
    #[command(
        after_help = "Examples:\n  causa rules diff rules/ my-rules/\n  causa rules diff rules/ my-rules/ --cases fixtures/cases --format json"
    )]
    Diff {
        /// The rule directory before the change
        old: PathBuf,
        /// The rule directory after the change
        new: PathBuf,
        /// Also assess every case of this directory under both and list the results that change
        #[arg(long, value_name = "DIR")]
        cases: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Markdown)]
        format: Format,
    },
    /// Which nodes and edges of each method a set of cases exercises, and which it never reaches
    #[command(after_help = "Examples:\n  causa rules coverage --cases fixtures/cases")]
    Coverage {
        /// Directory of case files (YAML or JSON)
        #[arg(long, value_name = "DIR")]
        cases: PathBuf,
        /// Use the rules in this directory instead of the shipped ones
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// List the methods of a rule set
    #[command(after_help = RULES_EXAMPLES)]
    List {
        /// Use the rules in this directory instead of the shipped ones
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    /// Rendered by Graphviz `dot`, which must be installed
    Svg,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a day: write it as YYYY-MM-DD, for example 2019-12-31"))
}

/// Runs a command and returns what it prints on stdout and the exit code
/// (0, or 1 when `rules diff` finds a difference).
pub fn run(cli: Cli) -> Result<(String, i32), Error> {
    if let Command::Rules(RulesCommand::Diff {
        old,
        new,
        cases,
        format,
    }) = &cli.command
    {
        return diff(old, new, cases.as_deref(), *format);
    }
    if let Command::Batch(args) = &cli.command {
        return batch(args);
    }
    run_plain(cli).map(|s| (s, 0))
}

fn diff(
    old: &Path,
    new: &Path,
    cases: Option<&Path>,
    format: Format,
) -> Result<(String, i32), Error> {
    let a = load_rules(Some(old))?;
    let b = load_rules(Some(new))?;
    let mut d = crate::diff::compare(&a, &b);
    if let Some(dir) = cases {
        let mut problems = Diagnostics::default();
        for p in case_files(dir)? {
            // A case is checked against both rule sets; its assessor answers must fit each.
            let case = match load_case(&p, &a).and_then(|c| load_case(&p, &b).map(|_| c)) {
                Ok(c) => c,
                Err(Error::Invalid(x)) => {
                    problems.extend(x);
                    continue;
                }
                Err(e) => return Err(e),
            };
            let before = eval::assess(&a, &case, &Options::default());
            let after = eval::assess(&b, &case, &Options::default());
            d.corpus.extend(crate::diff::corpus_changes(
                &p.display().to_string(),
                &before.assessments,
                &after.assessments,
            ));
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(problems.sorted()));
        }
    }
    let code = if d.is_empty() { 0 } else { 1 };
    let text = match format {
        Format::Json => {
            let mut s =
                serde_json::to_string_pretty(&d).map_err(|e| Error::Write(e.to_string()))?;
            s.push('\n');
            s
        }
        Format::Markdown => report::diff_markdown(&d),
    };
    Ok((text, code))
}

fn batch(args: &BatchArgs) -> Result<(String, i32), Error> {
    use std::io::IsTerminal as _;
    let rules = load_rules(args.rules.as_deref())?;
    for m in &args.methods {
        method_or_hint(&rules, m)?;
    }
    for input in &args.inputs {
        if !input.exists() {
            return Err(Error::read(
                input,
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
    }
    let create = |p: &Path| {
        std::fs::File::create(p)
            .map(std::io::BufWriter::new)
            .map_err(|e| Error::Write(format!("{}: {e}", p.display())))
    };
    let errors_path = args
        .errors
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{}.errors.csv", args.out.display())));
    let mut out = create(&args.out)?;
    let mut errors = create(&errors_path)?;
    let progress = if std::io::stderr().is_terminal() {
        let p = indicatif::ProgressBar::new_spinner();
        p.set_message("records");
        p
    } else {
        indicatif::ProgressBar::hidden()
    };
    let options = Options {
        as_of: args.as_of,
        methods: args.methods.clone(),
        policy: None,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .map_err(|e| Error::Usage {
            message: format!("cannot start {} workers: {e}", args.jobs.unwrap_or(0)),
            help: Some("give a smaller --jobs".into()),
        })?;
    let s = pool.install(|| {
        crate::batch::run(
            &rules,
            &args.inputs,
            args.input_format,
            &options,
            args.validate_only,
            args.format,
            &mut out,
            &mut errors,
            &progress,
        )
    })?;
    progress.finish_and_clear();
    let text = format!(
        "records read {} = assessed {} + rejected {}; {} rows written to {}; rejected records in {}\n",
        s.read,
        s.assessed,
        s.rejected,
        s.rows,
        args.out.display(),
        errors_path.display()
    );
    Ok((text, if s.rejected > 0 { 2 } else { 0 }))
}

fn run_plain(cli: Cli) -> Result<String, Error> {
    match cli.command {
        Command::Rules(RulesCommand::Diff { .. }) | Command::Batch(_) => Ok(String::new()),
        Command::Assess(args) => assess(&args),
        Command::Rules(RulesCommand::Check { dir }) => {
            let set = load_rules(dir.as_deref())?;
            let shown = dir.map_or("shipped rules".to_owned(), |d| d.display().to_string());
            Ok(format!(
                "{shown}: ok, {} methods, {} drugs, {} phenotypes; digest {}\n",
                set.methods.len(),
                set.kb.drugs.len(),
                set.kb.phenotypes.len(),
                set.digest
            ))
        }
        Command::Import(import) => {
            let (file, format) = import.file_and_format();
            let text = std::fs::read_to_string(file).map_err(|e| Error::read(file, e))?;
            let name = file.display().to_string();
            let read = match import {
                ImportCommand::Openfda { .. } => crate::import::openfda_cases(&name, &text),
                ImportCommand::E2b { .. } => crate::import::e2b(&name, &text),
            };
            let cases = read.map_err(|why| Error::Usage {
                message: format!("`{name}`: {why}"),
                help: Some("give an openFDA drug-event response to `import openfda`, an E2B(R3) ICSR to `import e2b`".into()),
            })?;
            let mut out = String::new();
            for (position, json) in cases {
                let value: serde_json::Value =
                    serde_json::from_str(&json).map_err(|e| Error::Write(e.to_string()))?;
                match format {
                    // One case per line (NDJSON), ready for `causa batch`.
                    CaseFormat::Json => out.push_str(&format!("{value}\n")),
                    CaseFormat::Yaml => {
                        out.push_str(&format!("---\n# {position}\n"));
                        out.push_str(
                            &serde_saphyr::to_string(&value)
                                .map_err(|e| Error::Write(e.to_string()))?,
                        );
                    }
                }
            }
            Ok(out)
        }
        Command::Export(ExportCommand::E2b {
            file,
            out,
            methods,
            rules,
            policies,
        }) => export_e2b(&file, out.as_deref(), &methods, rules.as_deref(), &policies),
        Command::Log(LogCommand::Verify { file }) => {
            let text = std::fs::read_to_string(&file).map_err(|e| Error::read(&file, e))?;
            match crate::log::verify(&text) {
                Ok(n) => Ok(format!("{}: ok, {n} lines, chain intact\n", file.display())),
                Err((line, why)) => Err(Error::Tampered(format!(
                    "{}:{line}: line {line} {why}",
                    file.display()
                ))),
            }
        }
        Command::Rules(RulesCommand::Graph {
            method,
            format,
            case,
            rules,
        }) => graph(&method, format, case.as_deref(), rules.as_deref()),
        Command::Rules(RulesCommand::Coverage { cases, rules }) => {
            coverage(&cases, rules.as_deref())
        }
        Command::Rules(RulesCommand::List { rules }) => {
            let set = load_rules(rules.as_deref())?;
            Ok(list(&set))
        }
    }
}

/// Loads the shipped rules, or those in `dir`.
pub fn load_rules(dir: Option<&Path>) -> Result<RuleSet, Error> {
    let files = match dir {
        Some(d) => rules::read_dir(d)?,
        None => rules::shipped_files(),
    };
    rules::load(&files).map_err(Error::Invalid)
}

/// Reads and validates the cases of a file: a case file, or an openFDA
/// drug-event response or E2B(R3) file (one case per report), as `format`
/// says or, by default, as its content shows.
pub fn load_cases(
    path: &Path,
    rules: &RuleSet,
    format: InputFormat,
) -> Result<Vec<case::Case>, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::read(path, e))?;
    let name = path.display().to_string();
    let cases = crate::import::cases_of(&name, text, format).map_err(|why| Error::Usage {
        message: format!("`{name}`: {why}"),
        help: Some(
            "give a case file, an openFDA drug-event response or an E2B(R3) ICSR (see --input-format)"
                .into(),
        ),
    })?;
    let mut out = Vec::new();
    let mut problems = Diagnostics::default();
    for (name, text) in cases {
        match rules.load_case(&SourceFile { name, text }) {
            Ok(c) => out.push(c),
            Err(d) => problems.extend(d),
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
    let text = std::fs::read_to_string(path).map_err(|e| Error::read(path, e))?;
    rules
        .load_case(&SourceFile {
            name: path.display().to_string(),
            text,
        })
        .map_err(Error::Invalid)
}

fn assess(args: &AssessArgs) -> Result<String, Error> {
    let AssessArgs {
        cases: paths,
        input_format,
        methods,
        as_of,
        format,
        rules: dir,
        policies,
        timeline,
        log,
        assessed_at,
    } = args;
    let rules = load_rules(dir.as_deref())?;
    let options = options(&rules, methods, *as_of, policies)?;
    // Read and check every case first, so every problem is shown at once.
    let mut cases = Vec::new();
    let mut problems = Diagnostics::default();
    for p in paths {
        match load_cases(p, &rules, *input_format) {
            Ok(c) => cases.extend(c),
            Err(Error::Invalid(d)) => problems.extend(d),
            // A file that cannot be read is one more problem to show with the rest.
            Err(Error::Read { path, reason }) => problems.push(
                Diagnostic::whole_file(
                    "case::unreadable",
                    &path,
                    format!("cannot read the file: {reason}"),
                )
                .with_help("check the path; case files are YAML or JSON text"),
            ),
            Err(e) => return Err(e),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    if *timeline {
        let all: Vec<_> = cases
            .iter()
            .map(|c| eval::timeline::timeline(&rules, c, &options))
            .collect();
        return Ok(match format {
            Format::Json if all.len() == 1 => report::timeline_json(&all[0]),
            Format::Json => {
                let items: Vec<String> = all
                    .iter()
                    .map(|t| report::timeline_json(t).trim_end().to_owned())
                    .collect();
                format!("[\n{}\n]\n", items.join(",\n"))
            }
            Format::Markdown => all
                .iter()
                .map(report::timeline_markdown)
                .collect::<Vec<_>>()
                .join("\n---\n\n"),
        });
    }
    let results: Vec<_> = cases
        .iter()
        .map(|c| eval::assess(&rules, c, &options))
        .collect();
    if let (Some(path), Some(at)) = (log, assessed_at) {
        append_log(path, at, &cases, &results)?;
    }
    Ok(match format {
        Format::Json if results.len() == 1 => report::json(&results[0]),
        Format::Json => report::json_many(&results),
        Format::Markdown => results
            .iter()
            .map(report::markdown)
            .collect::<Vec<_>>()
            .join("\n---\n\n"),
    })
}

/// The evaluation options of a command line: the methods checked against the
/// rules, the policy with the command line's switches applied.
fn options(
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
    })
}

fn export_e2b(
    file: &Path,
    out: Option<&Path>,
    methods: &[String],
    dir: Option<&Path>,
    policies: &[String],
) -> Result<String, Error> {
    let rules = load_rules(dir)?;
    let options = options(&rules, methods, None, policies)?;
    let text = std::fs::read_to_string(file).map_err(|e| Error::read(file, e))?;
    let name = file.display().to_string();
    let exported = crate::export::e2b(&name, &text, &rules, &options)?;
    let Some(out) = out else {
        return Ok(exported.xml);
    };
    std::fs::write(out, &exported.xml)
        .map_err(|e| Error::Write(format!("cannot write `{}`: {e}", out.display())))?;
    let unlinked = if exported.unlinked > 0 {
        format!(
            ", {} not added because their drug or reaction has no XML id of its own (see the notes of `causa assess`)",
            exported.unlinked
        )
    } else {
        String::new()
    };
    Ok(format!(
        "{name}: {} ICSR(s), {} assessment(s) added, {} already present{unlinked}; written to {}\n",
        exported.messages,
        exported.added,
        exported.present,
        out.display()
    ))
}

fn method_or_hint<'a>(rules: &'a RuleSet, id: &str) -> Result<&'a crate::rules::Method, Error> {
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

fn graph(
    id: &str,
    format: GraphFormat,
    case: Option<&Path>,
    dir: Option<&Path>,
) -> Result<String, Error> {
    let rules = load_rules(dir)?;
    let method = method_or_hint(&rules, id)?;
    let taken = match case {
        Some(p) => {
            let c = load_case(p, &rules)?;
            let a = eval::assess(
                &rules,
                &c,
                &Options {
                    methods: vec![id.to_owned()],
                    ..Default::default()
                },
            );
            let refs: Vec<&eval::Assessment> = a.assessments.iter().collect();
            report::graph::taken_edges(method, &refs)
        }
        None => Default::default(),
    };
    match format {
        GraphFormat::Dot => Ok(report::graph::dot(method, &taken)),
        GraphFormat::Mermaid => Ok(report::graph::mermaid(method, &taken)),
        GraphFormat::Svg => {
            use std::io::Write as _;
            use std::process::{Command as Process, Stdio};
            let mut child = Process::new("dot").arg("-Tsvg").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().map_err(|e| Error::Usage {
                message: format!("cannot run Graphviz `dot`: {e}"),
                help: Some("install Graphviz (the `graphviz` package), or use `--format dot` and render elsewhere".into()),
            })?;
            if let Some(mut stdin) = child.stdin.take() {
                stdin
                    .write_all(report::graph::dot(method, &taken).as_bytes())
                    .map_err(|e| Error::Write(e.to_string()))?;
            }
            let out = child
                .wait_with_output()
                .map_err(|e| Error::Write(e.to_string()))?;
            if !out.status.success() {
                return Err(Error::Write(format!(
                    "Graphviz `dot` failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                )));
            }
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        }
    }
}

/// Reads every case file (`.yaml`, `.yml`, `.json`) of a directory, sorted by name.
fn case_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    crate::batch::case_files(dir)
}

fn coverage(dir: &Path, rules_dir: Option<&Path>) -> Result<String, Error> {
    let rules = load_rules(rules_dir)?;
    let mut assessments = Vec::new();
    let mut problems = Diagnostics::default();
    let files = case_files(dir)?;
    for p in &files {
        match load_case(p, &rules) {
            Ok(c) => assessments.extend(eval::assess(&rules, &c, &Options::default()).assessments),
            Err(Error::Invalid(d)) => problems.extend(d),
            Err(e) => return Err(e),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let refs: Vec<&eval::Assessment> = assessments.iter().collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Rule coverage by {} cases in {}
",
        files.len(),
        dir.display()
    );
    let _ = writeln!(out, "| Method | Nodes reached | Edges taken |");
    let _ = writeln!(out, "|---|---|---|");
    let mut details = String::new();
    for m in &rules.methods {
        let taken = report::graph::taken_edges(m, &refs);
        let nodes: BTreeSet<usize> = taken.iter().map(|(n, _)| *n).collect();
        let edges: usize = m.nodes.iter().map(|n| n.edges.len()).sum();
        let _ = writeln!(
            out,
            "| {} | {} of {} | {} of {} |",
            m.id,
            nodes.len(),
            m.nodes.len(),
            taken.len(),
            edges
        );
        let _ = writeln!(details, "\n## {}\n", m.id);
        let never_nodes: Vec<&str> = (0..m.nodes.len())
            .filter(|i| !nodes.contains(i))
            .map(|i| m.nodes[i].id.as_str())
            .collect();
        if never_nodes.is_empty() {
            let _ = writeln!(details, "Every node is reached.");
        } else {
            let _ = writeln!(
                details,
                "Nodes never reached: {}.",
                never_nodes
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let never_edges: Vec<String> = m
            .nodes
            .iter()
            .enumerate()
            .flat_map(|(i, n)| {
                let taken = &taken;
                n.edges
                    .iter()
                    .enumerate()
                    .filter(move |(j, _)| !taken.contains(&(i, *j)))
                    .map(move |(_, e)| format!("`{}` {}", n.id, e.answer))
            })
            .collect();
        if never_edges.is_empty() {
            let _ = writeln!(details, "Every edge is taken.");
        } else {
            let _ = writeln!(details, "\nEdges never taken:\n");
            for e in never_edges {
                let _ = writeln!(details, "- {e}");
            }
        }
    }
    out.push_str(&details);
    Ok(out)
}

/// Appends one chained line per assessed case to the log.
fn append_log(
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

fn list(set: &RuleSet) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "| Method | Version | Name | Categories | File |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    for m in &set.methods {
        let cats: Vec<&str> = m.categories.iter().map(|c| c.id.as_str()).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            m.id,
            m.version,
            m.name,
            cats.join(", "),
            m.file
        );
    }
    let _ = writeln!(out, "\nRule set digest: {}", set.digest);
    out
}
