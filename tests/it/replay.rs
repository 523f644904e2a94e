//! The fuzz corpus replayed on the stable toolchain: every input the fuzz
//! targets (`fuzz/`) keep, and every input that ever made one fail
//! (`fuzz/artifacts`), goes through the same checks as under the fuzzer, so
//! CI keeps them fixed without nightly.

use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files = Vec::new();
    for dir in ["corpus", "artifacts"] {
        if let Ok(entries) = std::fs::read_dir(fuzz.join(dir).join(target)) {
            files.extend(
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_file()),
            );
        }
    }
    files.sort();
    files
}

fn replay(target: &str, check: impl Fn(&[u8])) -> usize {
    let files = inputs(target);
    for f in &files {
        // A file a running fuzzer has just merged away is no longer there.
        let Ok(data) = std::fs::read(f) else { continue };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&data)));
        assert!(outcome.is_ok(), "{} fails under {target}", f.display());
    }
    files.len()
}

#[test]
fn the_case_reader_survives_its_fuzz_corpus() {
    assert!(replay("case", causa::robustness::case_file) > 30);
}

#[test]
fn the_e2b_reader_survives_its_fuzz_corpus() {
    assert!(replay("e2b", causa::robustness::e2b_file) > 10);
}

#[test]
fn the_openfda_reader_survives_its_fuzz_corpus() {
    assert!(replay("openfda", causa::robustness::openfda_file) > 3);
}

#[test]
fn the_time_language_survives_its_fuzz_corpus() {
    assert!(replay("time", causa::robustness::time_text) > 100);
}

#[test]
fn the_rule_reader_survives_its_fuzz_corpus() {
    assert!(replay("rules", causa::robustness::rule_file) > 20);
}

/// The seed cases as the fuzz target builds them: the fixture cases, by name.
fn seeds() -> Vec<serde_json::Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect();
    causa::robustness::seeds(texts.iter().map(String::as_str))
}

#[test]
fn mutated_cases_survive_and_most_reach_the_evaluator() {
    let seeds = seeds();
    assert!(seeds.len() > 20, "{} seed cases", seeds.len());
    let files = inputs("mutated_case");
    let mut evaluated = 0;
    for f in &files {
        let Ok(data) = std::fs::read(f) else { continue };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            causa::robustness::mutated_case(&seeds, &data)
        }));
        match outcome {
            Ok(true) => evaluated += 1,
            Ok(false) => {}
            Err(_) => panic!("{} fails under mutated_case", f.display()),
        }
    }
    assert!(files.len() > 5, "{} inputs", files.len());
    eprintln!(
        "{evaluated} of {} mutated cases reached the evaluator",
        files.len()
    );
    // Edits keep most cases readable, so that the evaluator sees odd but valid cases.
    assert!(
        evaluated * 4 >= files.len(),
        "{evaluated} of {} mutated cases reach the evaluator",
        files.len()
    );
}
