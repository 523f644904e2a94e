//! `causa assess`: the reports of case files, openFDA or E2B(R3) files, as of
//! a day or over time, with an optional tamper-evident log.

use super::{load_cases, load_rules_with, options, parse_day};
use crate::Error;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::eval;
use crate::import::InputFormat;
use crate::report::{self, ReportFormat as Format};
use chrono::NaiveDate;
use std::path::PathBuf;

pub(super) const EXAMPLES: &str = "\
Examples:
  causa assess fixtures/cases/lenalidomide-lv-desensitization.yaml
  causa assess case.yaml --as-of 2019-12-31
  causa assess case.yaml --method sefv --method naranjo --format json
  causa assess case.yaml --rules my-rules/
  causa assess case.yaml --policy tolerance-under-desensitization=negative
  causa assess case.yaml --timeline
  causa assess case.yaml --view allergist --format html > letter.html
  causa assess case.yaml --view allergist --compare-as-of 2022-09-30

Policy switches (the first value is the default):
  tolerance-under-desensitization   not-interpretable | negative
  recurrence-under-desensitization  positive | attenuated
  co-suspects                       alternative-cause | not-alternative-cause
  improvement-under-treatment       counts | does-not-count";

/// What `causa assess` takes.
#[derive(Debug, clap::Args)]
pub struct AssessArgs {
    /// Case files (YAML, or JSON with the same structure), openFDA drug-event JSON, E2B(R3) ICSRs, folders of them (with their subfolders), or `-` for standard input
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
    /// Your listedness table (CSV or YAML: drug, meddra_code and/or term, listed, document, version), decided against your reference safety information; it takes precedence over the knowledge base for previous knowledge
    #[arg(long, value_name = "FILE")]
    listedness: Option<PathBuf>,
    /// Show how every method's result changed with each dated piece of information
    #[arg(long, conflicts_with_all = ["as_of", "view"])]
    pub timeline: bool,
    /// What to write: the assessment report, or the allergist's letter (the reaction, causality before and after a desensitization, the desensitization record, a conclusion to sign)
    #[arg(long, value_enum, default_value_t = View::Report)]
    view: View,
    /// For the allergist's letter: assess the "before" column as of this day (YYYY-MM-DD); default: the day before the case's first desensitization began
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    compare_as_of: Option<NaiveDate>,
    /// Append one line per assessed case to this tamper-evident log (needs --assessed-at and --assessor)
    #[arg(long, value_name = "FILE", requires_all = ["assessed_at", "assessor"])]
    pub log: Option<PathBuf>,
    /// Who runs the assessment, recorded in each log line
    #[arg(long, value_name = "NAME", requires = "log")]
    pub assessor: Option<String>,
    /// Sign each log line with this private key (from `causa log keygen`)
    #[arg(long, value_name = "FILE", requires = "log")]
    pub sign_key: Option<PathBuf>,
    /// The time of assessment to record in the log, as written (for example 2024-05-02T10:30:00Z)
    #[arg(long, value_name = "TIME")]
    pub assessed_at: Option<String>,
    /// Set a policy switch for this run (repeatable), e.g. tolerance-under-desensitization=negative
    #[arg(long = "policy", value_name = "NAME=VALUE")]
    policies: Vec<String>,
}

/// What `assess` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum View {
    /// Every method's result with its full trace
    Report,
    /// The allergist's letter
    Allergist,
}

pub(super) fn run(args: &AssessArgs) -> Result<String, Error> {
    let AssessArgs {
        cases: paths,
        input_format,
        methods,
        as_of,
        format,
        rules: dir,
        listedness,
        policies,
        timeline,
        log,
        assessed_at,
        assessor,
        sign_key,
        view,
        compare_as_of,
    } = args;
    if let (Some(before), Some(after)) = (compare_as_of, as_of)
        && before >= after
    {
        return Err(Error::Usage {
            message: format!("--compare-as-of {before} is not before --as-of {after}"),
            help: Some("the letter compares an earlier day with a later one: give --compare-as-of a day before --as-of".into()),
        });
    }
    if compare_as_of.is_some() && *view != View::Allergist {
        return Err(Error::Usage {
            message: "--compare-as-of is for the allergist's letter".into(),
            help: Some(
                "add --view allergist, or give --as-of to assess the report as of a day".into(),
            ),
        });
    }
    let rules = load_rules_with(dir.as_deref(), listedness.as_deref())?;
    let mut options = options(&rules, methods, *as_of, policies)?;
    options.follow_up = true;
    // Read and check every case first, so every problem is shown at once.
    let mut cases = Vec::new();
    let mut problems = Diagnostics::default();
    // A folder is every case file in it and its subfolders.
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let found = crate::batch::case_files(p)?;
            if found.is_empty() {
                problems.push(
                    Diagnostic::whole_file(
                        "case::empty-folder",
                        &p.display().to_string(),
                        "the folder holds no case file (`.yaml`, `.yml`, `.json`, `.xml`)",
                    )
                    .with_help("give case files, or a folder that holds some"),
                );
            }
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    if files.iter().filter(|p| crate::batch::is_std(p)).count() > 1 {
        return Err(Error::Usage {
            message: "`-` (standard input) is given more than once".into(),
            help: Some("standard input can be read once: give `-` once".into()),
        });
    }
    for p in &files {
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
            Format::Html => report::timeline_html(&all),
        });
    }
    let results: Vec<_> = cases
        .iter()
        .map(|c| eval::assess(&rules, c, &options))
        .collect();
    if let (Some(path), Some(at), Some(who)) = (log, assessed_at, assessor) {
        let key = super::log::signing_key(sign_key.as_deref())?;
        super::log::append(path, at, who, key.as_ref(), &cases, &results)?;
    }
    if *view == View::Allergist {
        let letters: Vec<_> = cases
            .iter()
            .map(|c| eval::letter::letter(&rules, c, &options, *compare_as_of))
            .collect();
        return Ok(match format {
            Format::Json => report::letter::json(&letters),
            Format::Markdown => report::letter::markdown(&letters),
            Format::Html => report::letter::html(&letters),
        });
    }
    Ok(match format {
        Format::Json if results.len() == 1 => report::json(&results[0]),
        Format::Json => report::json_many(&results),
        Format::Markdown => results
            .iter()
            .map(report::markdown)
            .collect::<Vec<_>>()
            .join("\n---\n\n"),
        Format::Html => report::html_many(&results, &rules.methods),
    })
}
