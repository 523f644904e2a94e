//! Work on speed must not change a single byte of what users get. Every
//! fixture's JSON report (the full trace) under the default policy and under
//! each switch changed, and the batch rows (CSV and NDJSON, with the errors
//! file) of a generated batch mixing varied synthetic cases, every fixture
//! case, the E2B and openFDA samples and rejected records, are digested and
//! compared with `tests/golden/unchanged-outputs.txt`, recorded from the
//! engine before the change.
//!
//! A deliberate change of results (a rule, a finding, a report field) updates
//! the file with `CAUSA_BLESS=1 cargo test unchanged`, and the commit says
//! why; the reports' insta snapshots show what changed.

use super::{relative, shipped, source};
use causa::batch::{self, RowFormat};
use causa::eval::{self, Options};
use causa::import::InputFormat;
use causa::policy::{Policy, SWITCHES};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const GOLDEN: &str = "tests/golden/unchanged-outputs.txt";
/// Synthetic records in the generated batch: more than one chunk of 2,048.
const SYNTHETIC: usize = 2500;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn digest(bytes: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(bytes);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn fixture_cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/cases"))
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .collect();
    out.sort();
    out
}

/// Each policy a run may set: the default, and each switch on each other value.
fn policies() -> Vec<(String, Policy)> {
    let mut out = vec![("default".to_owned(), Policy::default())];
    for s in SWITCHES {
        for v in &s.values[1..] {
            let mut p = Policy::default();
            p.set(s.name, v).expect("a listed value");
            out.push((format!("{}={v}", s.name), p));
        }
    }
    out
}

fn batch_outputs(out: &mut BTreeMap<String, String>) {
    let rules = shipped();
    let dir = tempfile::tempdir().expect("temp dir");
    let generated = dir.path().join("generated.ndjson");
    std::fs::write(&generated, crate::synthetic_ndjson(SYNTHETIC)).expect("write batch");
    let inputs = vec![
        generated,
        root().join("fixtures/cases"),
        root().join("fixtures/e2b"),
        root().join("fixtures/e2b-edge"),
        root().join("fixtures/openfda"),
        root().join("fixtures/openfda-edge"),
    ];
    let hidden = indicatif::ProgressBar::hidden();
    let runs = [
        ("csv", RowFormat::Csv, Options::default()),
        ("ndjson", RowFormat::Ndjson, Options::default()),
        (
            "csv as of 2024-01-15",
            RowFormat::Csv,
            Options {
                as_of: chrono::NaiveDate::from_ymd_opt(2024, 1, 15),
                ..Options::default()
            },
        ),
    ];
    for (label, format, options) in runs {
        let (mut rows, mut errors) = (Vec::new(), Vec::new());
        let summary = batch::run(
            rules,
            &inputs,
            InputFormat::Auto,
            &options,
            false,
            &format.into(),
            &mut rows,
            &mut errors,
            &mut std::io::sink(),
            &hidden,
        )
        .expect("the batch runs");
        assert!(summary.read > SYNTHETIC as u64 && summary.rejected > 0);
        // Positions name files by their full path; keep the digest machine-independent.
        let own = |bytes: Vec<u8>| {
            String::from_utf8(bytes)
                .expect("UTF-8")
                .replace(&format!("{}/", root().display()), "")
                .replace(&format!("{}/", dir.path().display()), "")
        };
        let (rows, errors) = (own(rows), own(errors));
        // The generated cases reach a spread of results, not one answer.
        let categories: std::collections::BTreeSet<&str> = rows
            .lines()
            .filter_map(|l| {
                l.split("\"category\":\"")
                    .nth(1)
                    .or_else(|| l.split(',').nth(6))
            })
            .map(|c| c.split('"').next().unwrap_or(c))
            .collect();
        assert!(categories.len() >= 8, "{label}: {categories:?}");
        assert!(summary.rows > 3 * SYNTHETIC as u64, "{label}: {summary:?}");
        out.insert(format!("batch {label} rows"), digest(rows.as_bytes()));
        out.insert(format!("batch {label} errors"), digest(errors.as_bytes()));
    }
}

fn outputs() -> BTreeMap<String, String> {
    let rules = shipped();
    let mut out = BTreeMap::new();
    for path in fixture_cases() {
        let case = rules.load_case(&source(&path)).expect("valid fixture");
        for (label, policy) in policies() {
            let options = Options {
                policy: Some(policy),
                ..Options::default()
            };
            let json = causa::report::json(&eval::assess(rules, &case, &options));
            out.insert(
                format!("{} {label}", relative(&path)),
                digest(json.as_bytes()),
            );
        }
    }
    batch_outputs(&mut out);
    out
}

#[test]
fn outputs_are_unchanged() {
    let now = outputs();
    let text: String = now.iter().map(|(k, v)| format!("{v}  {k}\n")).collect();
    let golden = root().join(GOLDEN);
    if std::env::var_os("CAUSA_BLESS").is_some() {
        std::fs::create_dir_all(golden.parent().expect("folder")).expect("golden folder");
        std::fs::write(&golden, &text).expect("write golden digests");
        return;
    }
    let recorded = std::fs::read_to_string(&golden).expect("the recorded digests");
    let recorded: BTreeMap<&str, &str> = recorded
        .lines()
        .filter_map(|l| l.split_once("  ").map(|(d, k)| (k, d)))
        .collect();
    let differ: Vec<&str> = now
        .iter()
        .filter(|(k, v)| recorded.get(k.as_str()) != Some(&v.as_str()))
        .map(|(k, _)| k.as_str())
        .chain(recorded.keys().copied().filter(|k| !now.contains_key(*k)))
        .collect();
    assert!(
        differ.is_empty(),
        "{} of {} outputs differ from {GOLDEN}: {differ:#?}",
        differ.len(),
        now.len()
    );
    // Every fixture under every policy, and three batch runs with their errors.
    assert_eq!(now.len(), fixture_cases().len() * policies().len() + 6);
}
