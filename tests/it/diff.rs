//! `rules diff` on the shipped rules and a copy with one Naranjo point changed.

use crate::{causa, shipped};
use causa::eval::{self, Options};
use std::path::Path;

/// The shipped rules with `fixtures/rules-altered/naranjo.yaml` in place of
/// theirs, in a folder of the calling test's own. The altered method is a
/// proposed change, not a recorded version: the copy has no `versions.lock`.
fn altered_rules(test: &str) -> tempfile::TempDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir_tmp = tempfile::Builder::new()
        .prefix(&format!("causa-altered-{test}-"))
        .tempdir()
        .expect("temp dir");
    let dir = dir_tmp.path().to_path_buf();
    copy_dir(&root.join("rules"), &dir);
    std::fs::copy(
        root.join("fixtures/rules-altered/naranjo.yaml"),
        dir.join("naranjo.yaml"),
    )
    .unwrap();
    std::fs::remove_file(dir.join("versions.lock")).unwrap();
    dir_tmp
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

fn band(total: i64) -> &'static str {
    match total {
        t if t >= 9 => "definite",
        5..=8 => "probable",
        1..=4 => "possible",
        _ => "doubtful",
    }
}

/// Naranjo's table (methods.md), independent of the rule files: points for yes, no, don't know.
const NARANJO: [[i64; 3]; 10] = [
    [1, 0, 0],
    [2, -1, 0],
    [1, 0, 0],
    [2, -1, 0],
    [-1, 2, 0],
    [-1, 1, 0],
    [1, 0, 0],
    [1, 0, 0],
    [1, 0, 0],
    [1, 0, 0],
];

#[test]
fn the_exhaustive_diff_lists_exactly_the_combinations_a_brute_force_count_finds() {
    // Brute force: every one of the 3^10 answer vectors, old table against question 10's "yes" worth +2.
    let mut expected = 0;
    for v in 0..3u32.pow(10) {
        let (mut old, mut new) = (0, 0);
        let mut x = v;
        for (q, points) in NARANJO.iter().enumerate() {
            let a = (x % 3) as usize;
            x /= 3;
            old += points[a];
            new += if q == 9 && a == 0 { 2 } else { points[a] };
        }
        if band(old) != band(new) {
            expected += 1;
        }
    }
    let dir_tmp = altered_rules("t1");
    let dir = dir_tmp.path().to_path_buf();
    let new = causa::rules::load(&causa::rules::read_dir(&dir).unwrap()).unwrap();
    let d = causa::diff::compare(shipped(), &new);
    let naranjo = d.semantic.iter().find(|m| m.method == "naranjo").unwrap();
    assert_eq!(naranjo.combinations, 3u64.pow(10));
    assert_eq!(naranjo.changed.len(), expected);
    for v in &naranjo.changed {
        assert!(
            v.answers
                .iter()
                .any(|(n, a)| n == "q10-objective-evidence" && a == "yes"),
            "{v:?}"
        );
        assert_eq!(v.new_total, v.old_total.map(|t| t + 1));
    }
    assert!(
        d.semantic
            .iter()
            .filter(|m| m.method != "naranjo")
            .all(|m| m.changed.is_empty())
    );
    assert!(
        d.structural.contains(
            &"naranjo: node q10-objective-evidence answer yes points +1 -> +2".to_string()
        ),
        "{:?}",
        d.structural
    );
    insta::assert_snapshot!(causa::report::diff_markdown(&d));
}

#[test]
fn the_corpus_impact_names_the_fixtures_whose_naranjo_result_changes() {
    let dir_tmp = altered_rules("t2");
    let dir = dir_tmp.path().to_path_buf();
    let out = causa(&[
        "rules",
        "diff",
        "rules",
        dir.to_str().unwrap(),
        "--cases",
        "fixtures/cases",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let named: std::collections::BTreeSet<String> = v["corpus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {} {}",
                c["case"].as_str().unwrap(),
                c["drug"].as_str().unwrap(),
                c["method"].as_str().unwrap()
            )
        })
        .collect();
    // Independently: a Naranjo result (its score, and its band when the old total sits at a band's top) changes whenever question 10 is "yes".
    let mut expected = std::collections::BTreeSet::new();
    let rules = shipped();
    let mut files: Vec<_> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
    files.sort();
    for p in files {
        let rel = crate::relative(&p);
        let case = causa::case::load(&crate::source(&p)).unwrap();
        for a in eval::assess(rules, &case, &Options::default())
            .assessments
            .iter()
            .filter(|a| a.method == "naranjo")
        {
            let q10_yes = a
                .steps
                .iter()
                .any(|s| s.node == "q10-objective-evidence" && s.answer == "yes");
            if q10_yes {
                expected.insert(format!("{rel} {} naranjo", a.drug));
            }
        }
    }
    assert!(
        !expected.is_empty(),
        "some fixture must be affected for this test to mean anything"
    );
    assert_eq!(named, expected);
    for c in v["corpus"].as_array().unwrap() {
        assert!(
            c["first_difference"]
                .as_str()
                .unwrap()
                .starts_with("`q10-objective-evidence`: yes (+1) -> yes (+2)"),
            "{c}"
        );
    }
}

#[test]
fn identical_rule_sets_exit_0() {
    let out = causa(&["rules", "diff", "rules", "rules"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No structural change."));
}
