//! `causa kb`: what the knowledge base knows, and what it lacks for a set of reports.

use super::load_rules;
use crate::Error;
use crate::import::InputFormat;
use crate::kb::gaps::{Gap, Gaps};
use clap::Subcommand;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum KbCommand {
    /// List the drugs and reaction terms a set of reports names that the knowledge base does not know, most affected pairs first
    #[command(
        after_help = "Examples:\n  causa kb gaps fixtures/openfda/openfda-drug-event-sample.json\n  causa kb gaps fixtures/cases fixtures/e2b --format csv > gaps.csv\n\nPairs are the drug x reaction pairs assessed (suspect and interacting drugs, terms that are reactions);\nreports count every report naming the drug or term in any role. Exit 2 when some reports could not\nbe read (they are listed)."
    )]
    Gaps {
        /// Case files, openFDA drug-event JSON, E2B(R3) ICSRs, NDJSON, or directories of them
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// What the files hold; by default decided from each file's content
        #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
        input_format: InputFormat,
        /// Output format
        #[arg(long, value_enum, default_value_t = GapsFormat::Markdown)]
        format: GapsFormat,
        /// Use the knowledge base of the rules in this directory instead of the shipped one
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GapsFormat {
    Markdown,
    Csv,
}

pub(super) fn run(command: &KbCommand) -> Result<(String, i32), Error> {
    let KbCommand::Gaps {
        inputs,
        input_format,
        format,
        rules,
    } = command;
    let rules = load_rules(rules.as_deref())?;
    let mut cases = Vec::new();
    let mut unread: Vec<(String, String)> = Vec::new();
    for input in inputs {
        for record in crate::batch::records(input, *input_format)? {
            match record {
                Ok(r) => {
                    let file = crate::diagnostic::SourceFile {
                        name: r.position.clone(),
                        text: r.text,
                    };
                    match rules.load_case(&file) {
                        Ok(c) => cases.push(c),
                        Err(d) => {
                            let first =
                                d.iter().next().map_or(String::new(), |x| x.message.clone());
                            unread.push((r.position, first));
                        }
                    }
                }
                Err((position, why)) => unread.push((position, why)),
            }
        }
    }
    let gaps = crate::kb::gaps::gaps(&rules.kb, &cases);
    let text = match format {
        GapsFormat::Markdown => markdown(&gaps, &unread),
        GapsFormat::Csv => csv(&gaps, &unread),
    };
    Ok((text, if unread.is_empty() { 0 } else { 2 }))
}

fn table(out: &mut String, title: &str, what: &str, gaps: &[Gap], code: bool) {
    let _ = writeln!(out, "\n## {title}\n");
    if gaps.is_empty() {
        out.push_str("None.\n");
        return;
    }
    if code {
        let _ = writeln!(
            out,
            "| {what} | MedDRA code | Pairs | Reports |\n|---|---|---|---|"
        );
    } else {
        let _ = writeln!(out, "| {what} | Pairs | Reports |\n|---|---|---|");
    }
    for g in gaps {
        let name = match &g.phenotype {
            Some(p) => format!("{} / {p}", g.name),
            None => g.name.clone(),
        };
        if code {
            let _ = writeln!(
                out,
                "| {name} | {} | {} | {} |",
                g.meddra_code.as_deref().unwrap_or(""),
                g.pairs,
                g.reports
            );
        } else {
            let _ = writeln!(out, "| {name} | {} | {} |", g.pairs, g.reports);
        }
    }
}

fn markdown(g: &Gaps, unread: &[(String, String)]) -> String {
    let mut out = format!(
        "# Knowledge-base gaps\n\n{} reports read, {} drug x reaction pairs to assess.\n",
        g.reports, g.pairs
    );
    table(
        &mut out,
        "Drugs the knowledge base does not know",
        "Drug",
        &g.drugs,
        false,
    );
    table(
        &mut out,
        "Reaction terms no phenotype matches",
        "Term",
        &g.terms,
        true,
    );
    table(
        &mut out,
        "Drugs without a half-life (their absence at onset cannot be found)",
        "Drug",
        &g.half_lives,
        false,
    );
    table(
        &mut out,
        "Known drug and reaction, with no listedness or notoriety for the pair",
        "Drug / phenotype",
        &g.pairs_unknown,
        false,
    );
    if !unread.is_empty() {
        out.push_str("\n## Reports not read\n\n| Report | Why |\n|---|---|\n");
        for (position, why) in unread {
            let _ = writeln!(
                out,
                "| {position} | {} |",
                why.replace('|', "\\|").replace('\n', " ")
            );
        }
    }
    out
}

fn csv(g: &Gaps, unread: &[(String, String)]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "gap",
        "name",
        "phenotype",
        "meddra_code",
        "pairs",
        "reports",
    ]);
    for (kind, list) in [
        ("unknown-drug", &g.drugs),
        ("unknown-term", &g.terms),
        ("no-half-life", &g.half_lives),
        ("unknown-pair", &g.pairs_unknown),
    ] {
        for x in list {
            let _ = w.write_record([
                kind,
                &x.name,
                x.phenotype.as_deref().unwrap_or(""),
                x.meddra_code.as_deref().unwrap_or(""),
                &x.pairs.to_string(),
                &x.reports.to_string(),
            ]);
        }
    }
    for (position, why) in unread {
        let _ = w.write_record(["report-not-read", position, "", "", "", why]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
