//! `causa export e2b`: our assessments written back into an ICSR.

use super::{load_rules, options};
use crate::Error;
use clap::Subcommand;
use std::path::{Path, PathBuf};

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

pub(super) fn run(command: &ExportCommand) -> Result<String, Error> {
    match command {
        ExportCommand::E2b {
            file,
            out,
            methods,
            rules,
            policies,
        } => export_e2b(file, out.as_deref(), methods, rules.as_deref(), policies),
    }
}
