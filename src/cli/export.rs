//! `causa export e2b`: our assessments written back into an ICSR.

use super::{load_rules_with, options};
use crate::Error;
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// An E2B(R3) ICSR with causa's assessments added as further relatedness assessments (G.k.9.i.2.r), everything else unchanged
    #[command(
        after_help = "Examples:\n  causa export e2b icsr.xml --out icsr-assessed.xml\n  causa export e2b icsr.xml --method naranjo --method who-umc > icsr-assessed.xml\n\nOne assessment per assessed drug x reaction pair and applicable method (suspect and interacting drugs;\nALDEN also scores concomitants): source `causa VERSION` (or --source), method `ID RULE-VERSION`, result `Category, score N`. Every other byte of the file is kept; an\nassessment the file already holds is not added again, so exporting an exported file changes nothing.\nA pair whose drug or reaction has no XML id of its own cannot be referenced; when an ICSR has pairs to\nassess and none can be, the command says why and exits 2."
    )]
    E2b {
        /// The ICSR file (MCCI_IN200100UV01 batch or a single PORR_IN049016UV message), or `-` for standard input
        file: PathBuf,
        /// Where to write the ICSR with the assessments added (default, or `-`: standard output)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Add only this method's assessments (repeatable); default: every method
        #[arg(long = "method", value_name = "ID")]
        methods: Vec<String>,
        /// Use the rules in this directory instead of the shipped ones
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// Your listedness table (CSV or YAML: drug, meddra_code and/or term, listed, document, version), decided against your reference safety information; it takes precedence over the knowledge base for previous knowledge
        #[arg(long, value_name = "FILE")]
        listedness: Option<PathBuf>,
        /// Set a policy switch (repeatable), e.g. tolerance-under-desensitization=negative
        #[arg(long = "policy", value_name = "NAME=VALUE")]
        policies: Vec<String>,
        /// The assessing organisation or person (G.k.9.i.2.r.1); causa and its version then go in the method field
        #[arg(long, value_name = "TEXT")]
        source: Option<String>,
    },
}

/// What `export e2b` does with one file.
struct Export<'a> {
    file: &'a Path,
    out: Option<&'a Path>,
    methods: &'a [String],
    rules: Option<&'a Path>,
    listedness: Option<&'a Path>,
    policies: &'a [String],
    source: Option<&'a str>,
}

fn export_e2b(x: &Export) -> Result<super::Output, Error> {
    let rules = load_rules_with(x.rules, x.listedness)?;
    let options = options(&rules, x.methods, None, x.policies)?;
    let (name, text) = super::read_input(x.file)?;
    // `--out -` is standard output, as no --out is.
    let out_file = x.out.filter(|p| !crate::batch::is_std(p));
    let exported = crate::export::e2b(&name, &text, &rules, &options, x.source)?;
    // Nothing could be added to an ICSR that had pairs to assess: say why, exit 2.
    if !exported.failures.is_empty() {
        let written = match out_file {
            Some(out) if exported.added > 0 => {
                write(out, &exported.xml)?;
                format!(
                    "; the {} assessment(s) that could be added to the other ICSRs are written to {}",
                    exported.added,
                    out.display()
                )
            }
            None if exported.added > 0 => format!(
                "; give --out to write the {} assessment(s) that could be added to the other ICSRs",
                exported.added
            ),
            _ => "; nothing was written".to_owned(),
        };
        return Err(Error::Usage {
            message: format!(
                "`{name}`: nothing could be added to {} ICSR(s): {}{written}",
                exported.failures.len(),
                exported.failures.join(" | ")
            ),
            help: Some(
                "an assessment references its reaction (E.i) and drug (G.k) by their XML ids: give each one an id of its own; `causa assess` shows the results that could not be written"
                    .into(),
            ),
        });
    }
    let unlinked = if exported.unlinked > 0 {
        format!(
            ", {} not added because their drug or reaction has no XML id of its own (see the notes of `causa assess`)",
            exported.unlinked
        )
    } else {
        String::new()
    };
    let (stdout, written_to) = match out_file {
        Some(out) => {
            write(out, &exported.xml)?;
            (String::new(), out.display().to_string())
        }
        None => (exported.xml, "standard output".to_owned()),
    };
    Ok(super::Output {
        stdout,
        stderr: format!(
            "{name}: {} ICSR(s), {} assessment(s) added, {} already present{unlinked}; written to {written_to}\n",
            exported.messages, exported.added, exported.present,
        ),
        code: 0,
    })
}

fn write(out: &Path, xml: &str) -> Result<(), Error> {
    std::fs::write(out, xml)
        .map_err(|e| Error::Write(format!("cannot write `{}`: {e}", out.display())))
}

pub(super) fn run(command: &ExportCommand) -> Result<super::Output, Error> {
    match command {
        ExportCommand::E2b {
            file,
            out,
            methods,
            rules,
            listedness,
            policies,
            source,
        } => export_e2b(&Export {
            file,
            out: out.as_deref(),
            methods,
            rules: rules.as_deref(),
            listedness: listedness.as_deref(),
            policies,
            source: source.as_deref(),
        }),
    }
}
