//! Rule sets: the shipped ones validate; broken ones report every problem.

use crate::{relative, shipped};
use causa::rules;
use std::path::Path;

#[test]
fn shipped_rules_validate_and_define_the_methods() {
    let set = shipped();
    let ids: Vec<&str> = set.methods.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["alden", "lcat", "naranjo", "sefv", "who-umc"]);
    assert!(set.digest.starts_with("sha256:") && set.digest.len() == 71);
}

#[test]
fn the_rules_directory_in_the_tree_matches_the_embedded_rules() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let files = rules::read_dir(&dir).unwrap();
    let from_disk = rules::load(&files).unwrap();
    assert_eq!(
        from_disk.digest,
        shipped().digest,
        "the digest must not depend on where the rules live"
    );
}

fn check(dir: &str) -> causa::diagnostic::Diagnostics {
    // Tests run from the crate root, so a relative directory gives stable names.
    let files = rules::read_dir(Path::new(dir)).unwrap();
    rules::load(&files).expect_err("broken rules must be rejected")
}

#[test]
fn planted_cycle_dangling_reference_unrouted_answer_and_overlapping_bands_are_all_reported() {
    let diags = check("fixtures/rules-broken/four-problems");
    let found: Vec<(&str, u64)> = diags.iter().map(|d| (d.code, d.pos.line)).collect();
    for expected in [
        ("rules::cycle", 140),
        ("rules::dangling-reference", 107),
        ("rules::unrouted-outcome", 65),
        ("rules::overlapping-bands", 46),
    ] {
        assert!(
            found.contains(&expected),
            "missing {expected:?} in {found:?}"
        );
    }
    assert_eq!(diags.len(), 4, "{}", diags.render());
}

#[test]
fn broken_rule_sets_render_their_diagnostics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules-broken");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 2);
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let diags = check(&relative(&dir));
        insta::with_settings!({ snapshot_suffix => name, input_file => relative(&dir) }, {
            insta::assert_snapshot!(diags.render());
        });
    }
}

#[test]
fn a_rule_set_without_a_scale_is_rejected_with_a_hint() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/naranjo.yaml"))
            .unwrap();
    let files = rules::RuleFiles {
        root: "mine".into(),
        files: vec![causa::diagnostic::SourceFile {
            name: "mine/naranjo.yaml".into(),
            text,
        }],
    };
    let diags = rules::load(&files).unwrap_err();
    assert!(
        diags.iter().any(|d| d.code == "rules::missing-scale"),
        "{}",
        diags.render()
    );
}
