#![no_main]
//! Fuzz target: the bytes are edits to one of the fixture cases
//! (`causa::robustness::mutated_case`), so most inputs reach the evaluator.

use std::sync::OnceLock;

static CASES: include_dir::Dir = include_dir::include_dir!("$CARGO_MANIFEST_DIR/../fixtures/cases");

fn seeds() -> &'static [serde_json::Value] {
    static SEEDS: OnceLock<Vec<serde_json::Value>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut files: Vec<_> = CASES.files().collect();
        files.sort_by_key(|f| f.path());
        causa::robustness::seeds(files.iter().filter_map(|f| f.contents_utf8()))
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    causa::robustness::mutated_case(seeds(), data);
});
