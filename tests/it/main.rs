//! Integration tests, built as one binary.

mod bad_input;
mod batch;
mod browser;
mod cli;
mod diff;
mod errors;
mod export;
mod findings;
mod fixtures;
mod import_review;
mod json;
mod knowledge;
mod laws;
mod lean;
mod letter;
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
