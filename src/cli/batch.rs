//! `causa batch`: many records in, one row per drug x reaction pair and method
//! out, rejected records to an errors file.

use super::{load_rules_with, method_or_hint, parse_day};
use crate::Error;
use crate::eval::Options;
use crate::import::InputFormat;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

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
    /// Your listedness table (CSV or YAML: drug, meddra_code and/or term, listed, document, version), decided against your reference safety information; it takes precedence over the knowledge base for previous knowledge
    #[arg(long, value_name = "FILE")]
    pub listedness: Option<PathBuf>,
}

pub(super) fn run(args: &BatchArgs) -> Result<(String, i32), Error> {
    use std::io::IsTerminal as _;
    let rules = load_rules_with(args.rules.as_deref(), args.listedness.as_deref())?;
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
