//! `causa batch`: many records in, one row per drug x reaction pair and method
//! out, rejected records to an errors file.

use super::{load_rules_with, method_or_hint, parse_day};
use crate::Error;
use crate::batch::is_std;
use crate::eval::Options;
use crate::import::InputFormat;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// What `causa batch` takes.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// Case files, openFDA or E2B(R3) files, folders of them (with their subfolders), NDJSON files of case objects, or `-` for standard input
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Where to write the rows (`-`: standard output)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[arg(long, value_enum, default_value_t = crate::batch::RowFormat::Csv)]
    pub format: crate::batch::RowFormat,
    /// The CSV columns to write, in this order, separated by commas (default: all 14, as in `record,case_id,drug,reaction,method,score,category,reason,facts,knowledge,assessor,unknown,flags,case_digest`); leaving out `case_digest` and `reason` makes a million-row file about half as large
    #[arg(long, value_enum, value_delimiter = ',', value_name = "COLUMNS")]
    pub columns: Vec<crate::batch::Column>,
    /// Also write each case's follow-up questions to this CSV file, one row per case and question, most telling first (what to ask the reporter, the case fields the answer fills, the results it could move)
    #[arg(long, value_name = "FILE")]
    pub questions: Option<PathBuf>,
    /// Where to write rejected records with their position and reason (default: OUT.errors.csv, or standard error when OUT is `-`); written only when a record is rejected
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

/// A file created only when something is first written to it, so that a
/// batch with nothing rejected leaves no errors file.
struct CreatedOnWrite {
    path: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

impl std::io::Write for CreatedOnWrite {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.file.is_none() {
            self.file = Some(std::io::BufWriter::new(std::fs::File::create(&self.path)?));
        }
        self.file.as_mut().map_or(Ok(0), |f| f.write(buf))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().map_or(Ok(()), std::io::Write::flush)
    }
}

pub(super) fn run(args: &BatchArgs) -> Result<super::Output, Error> {
    let rules = load_rules_with(args.rules.as_deref(), args.listedness.as_deref())?;
    for m in &args.methods {
        method_or_hint(&rules, m)?;
    }
    if args.inputs.iter().filter(|p| is_std(p)).count() > 1 {
        return Err(Error::Usage {
            message: "`-` (standard input) is given more than once".into(),
            help: Some("standard input can be read once: give `-` once".into()),
        });
    }
    for input in &args.inputs {
        if !is_std(input) && !input.exists() {
            return Err(Error::read(
                input,
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
    }
    // Rows and rejected records never share a destination.
    if let Some(errors) = &args.errors
        && (errors == &args.out || (is_std(errors) && is_std(&args.out)))
    {
        return Err(Error::Usage {
            message: format!("--errors and --out both name `{}`", args.out.display()),
            help: Some("give the rejected records a place of their own (with --out -, they go to stderr by default)".into()),
        });
    }
    let write_error = |p: &Path, e: std::io::Error| Error::Write(format!("{}: {e}", p.display()));
    let mut out: Box<dyn std::io::Write + Send> = if is_std(&args.out) {
        Box::new(std::io::BufWriter::new(std::io::stdout()))
    } else {
        let f = std::fs::File::create(&args.out).map_err(|e| write_error(&args.out, e))?;
        Box::new(std::io::BufWriter::new(f))
    };
    // Rejected records go to the errors file, or to stderr when the rows go to stdout.
    let errors_path = match (&args.errors, is_std(&args.out)) {
        (Some(p), _) => Some(p.clone()),
        (None, false) => Some(PathBuf::from(format!("{}.errors.csv", args.out.display()))),
        (None, true) => None,
    };
    let mut errors: Box<dyn std::io::Write + Send> = match &errors_path {
        Some(p) if is_std(p) => Box::new(std::io::stdout()),
        Some(p) => {
            // An errors file left by an earlier run would list records this run did not reject.
            if p.is_file() {
                std::fs::remove_file(p).map_err(|e| write_error(p, e))?;
            }
            Box::new(CreatedOnWrite {
                path: p.clone(),
                file: None,
            })
        }
        None => Box::new(std::io::stderr()),
    };
    let progress = super::progress::on_stderr(|| super::progress::count_records(&args.inputs));
    let options = Options {
        as_of: args.as_of,
        methods: args.methods.clone(),
        policy: None,
        follow_up: false,
    };
    let mut layout = match (args.format, args.columns.is_empty()) {
        (format, true) => crate::batch::Layout::from(format),
        (crate::batch::RowFormat::Csv, false) => crate::batch::Layout {
            format: crate::batch::RowFormat::Csv,
            columns: args.columns.clone(),
            questions: false,
        },
        (crate::batch::RowFormat::Ndjson, false) => {
            return Err(Error::Usage {
                message: "--columns chooses the columns of CSV rows; NDJSON rows keep every key"
                    .into(),
                help: Some("leave out --columns, or write CSV (--format csv)".into()),
            });
        }
    };
    let mut questions: Box<dyn std::io::Write + Send> = match &args.questions {
        None => Box::new(std::io::sink()),
        Some(p) if p == &args.out || errors_path.as_ref() == Some(p) || is_std(p) => {
            return Err(Error::Usage {
                message: format!(
                    "--questions names `{}`, which the rows or errors use",
                    p.display()
                ),
                help: Some("give the questions a file of their own".into()),
            });
        }
        Some(p) => {
            layout.questions = true;
            let f = std::fs::File::create(p).map_err(|e| write_error(p, e))?;
            Box::new(std::io::BufWriter::new(f))
        }
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
            &layout,
            &mut out,
            &mut errors,
            &mut questions,
            &progress,
        )
    })?;
    progress.finish_and_clear();
    let rows_to = if is_std(&args.out) {
        "standard output".to_owned()
    } else {
        args.out.display().to_string()
    };
    let rejected_to = match (&errors_path, s.rejected) {
        (_, 0) => "nothing rejected, no errors file".to_owned(),
        (Some(p), _) if is_std(p) => "rejected records on standard output".to_owned(),
        (Some(p), _) => format!("rejected records in {}", p.display()),
        (None, _) => "rejected records above".to_owned(),
    };
    let summary = format!(
        "records read {} = assessed {} + rejected {}; {} rows written to {rows_to}; {rejected_to}\n",
        s.read, s.assessed, s.rejected, s.rows,
    );
    Ok(super::Output {
        stdout: String::new(),
        stderr: summary,
        code: if s.rejected > 0 { 2 } else { 0 },
    })
}
