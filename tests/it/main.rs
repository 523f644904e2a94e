//! Integration tests, built as one binary.

mod bad_input;
mod batch;
mod batch_output;
mod browser;
mod cli;
mod diff;
mod errors;
mod export;
mod findings;
mod fixtures;
mod follow_up;
mod import_review;
mod imports;
mod json;
mod knowledge;
mod laws;
mod lean;
mod letter;
mod monotone;
mod policies;
mod replay;
mod report;
mod rules;
mod serve;
mod serve_browser;
mod times;
mod unchanged;

use causa::diagnostic::SourceFile;
use causa::rules::RuleSet;
use std::path::Path;

/// Runs the binary from the crate root, as a user would.
pub fn causa(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_causa"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

/// The shipped rules, as the binary embeds them, loaded once (assessments
/// borrow their texts).
pub fn shipped() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        causa::rules::load(&causa::rules::shipped_files()).expect("shipped rules are valid")
    })
}

/// A path relative to the crate root, with `/` separators, for stable snapshot content.
pub fn relative(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

pub fn source(path: &Path) -> SourceFile {
    SourceFile {
        name: relative(path),
        text: std::fs::read_to_string(path).expect("readable fixture"),
    }
}

/// Snapshot settings for reports: digests, versions and knowledge-base line
/// numbers are written as placeholders, so that a change to the rules shows
/// in review as the answers it changes, not as every report's stamp. (The
/// stamps themselves are tested where they are made.)
pub fn report_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"sha256:[0-9a-f]{64}", "sha256:[digest]");
    s.add_filter(r"\b\d+\.\d+\.\d+\b", "[version]");
    s.add_filter(r"(kb/[a-z0-9-]+\.yaml):\d+", "$1:[line]");
    s
}

/// Varied one- and two-drug cases: drugs the knowledge base knows and one it
/// does not, terms with and without a phenotype, every action taken and
/// outcome, onsets before, during and after the exposure, a concomitant drug,
/// and an invalid record every 97th.
/// Drugs generated cases name: some the knowledge base knows, one it does not.
pub const SAMPLE_DRUGS: &[&str] = &[
    "lenalidomide",
    "amoxicillin",
    "allopurinol",
    "lamotrigine",
    "carbamazepine",
    "an unlisted drug",
];

/// Reaction terms generated cases use: skin phenotypes, one outside the skin,
/// and one that matches no phenotype.
pub const SAMPLE_TERMS: &[&str] = &[
    "maculopapular rash",
    "urticaria",
    "leukocytoclastic vasculitis",
    "Stevens-Johnson syndrome",
    "toxic epidermal necrolysis",
    "drug reaction with eosinophilia and systemic symptoms",
    "headache",
    "a term nobody uses",
];

pub fn synthetic_ndjson(n: usize) -> String {
    let (drugs, terms) = (SAMPLE_DRUGS, SAMPLE_TERMS);
    let actions = [
        "withdrawn",
        "dose-reduced",
        "dose-not-changed",
        "unknown",
        "not-applicable",
    ];
    let outcomes = ["recovered", "recovering", "not-recovered", "unknown"];
    let mut out = String::new();
    for i in 0..n {
        let mut drug = serde_json::json!({
            "id": "d", "name": drugs[i % drugs.len()], "role": "suspect",
            "exposures": [{"id": "e", "start": "2024-01-01", "stop": "2024-02-01"}],
        });
        if i % 7 != 3 {
            drug["action_taken"] = actions[i % actions.len()].into();
        }
        let onset = match i % 5 {
            0 => format!("day {} of e", 1 + i % 40),
            1 => "2024-01".to_owned(),
            2 => format!("2024-01-{:02}", 1 + i % 28),
            3 => "2023-12-20".to_owned(),
            _ => format!("{} days after e", i % 60),
        };
        let mut reaction = serde_json::json!({
            "id": "r", "term": terms[i % terms.len()], "onset": onset,
        });
        if i % 3 != 0 {
            reaction["outcome"] = outcomes[i % outcomes.len()].into();
        }
        let mut all_drugs = vec![drug];
        if i % 4 == 1 {
            all_drugs.push(serde_json::json!({
                "id": "c", "name": drugs[(i / 4) % drugs.len()],
                "role": if i % 8 == 1 { "suspect" } else { "concomitant" },
                "exposures": [{"start": "2023-11-15"}],
            }));
        }
        let mut case = serde_json::json!({
            "id": format!("synthetic-{i}"),
            "drugs": all_drugs,
            "reactions": [reaction],
        });
        if i % 97 == 50 {
            case["reactions"][0]["onset"] = "day 3 of nowhere".into();
        }
        out.push_str(&case.to_string());
        out.push('\n');
    }
    out
}
