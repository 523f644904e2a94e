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
        lock: None,
    };
    let diags = rules::load(&files).unwrap_err();
    assert!(
        diags.iter().any(|d| d.code == "rules::missing-scale"),
        "{}",
        diags.render()
    );
}

/// A copy of the shipped rules in a fresh folder, removed when dropped.
struct RulesCopy(std::path::PathBuf, #[allow(dead_code)] tempfile::TempDir);

impl RulesCopy {
    fn new(test: &str) -> RulesCopy {
        let dir_tmp = tempfile::Builder::new()
            .prefix(&format!("causa-rules-{test}-"))
            .tempdir()
            .expect("temp dir");
        let dir = dir_tmp.path().to_path_buf();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut pending = vec![root.clone()];
        while let Some(d) = pending.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                let to = dir.join(p.strip_prefix(&root).unwrap());
                if p.is_dir() {
                    pending.push(p);
                } else {
                    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                    std::fs::copy(&p, &to).unwrap();
                }
            }
        }
        RulesCopy(dir, dir_tmp)
    }

    fn edit(&self, file: &str, from: &str, to: &str) {
        let p = self.0.join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{from}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

#[test]
fn a_method_changed_under_the_same_version_fails_the_check_until_it_gets_a_new_one() {
    let r = RulesCopy::new("drift");
    let point = "{ answer: \"yes\", when: [labelled, reported], points: 1,";
    r.edit(
        "naranjo.yaml",
        point,
        "{ answer: \"yes\", when: [labelled, reported], points: 2,",
    );
    // A comment or a changelog entry is not a change of content.
    r.edit("sefv.yaml", "method:", "# reviewed again\nmethod:");
    let out = crate::causa(&["rules", "check", r.path()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(
            "error[rules::version-drift]: method `naranjo` changed but its version is still `1.0.0`"
        ),
        "{err}"
    );
    assert!(err.contains("naranjo.yaml:9:3"), "{err}");
    assert_eq!(
        err.matches("error[").count(),
        1,
        "only naranjo drifted: {err}"
    );
    // `rules diff` reports it beside the content change, and still compares.
    let diff = crate::causa(&["rules", "diff", "rules", r.path()]);
    let text = String::from_utf8_lossy(&diff.stdout);
    assert!(
        text.contains("naranjo: content changed but the version is still 1.0.0"),
        "{text}"
    );
    assert!(
        text.contains("naranjo: node q1-previous-reports answer yes points +1 -> +2"),
        "{text}"
    );
    // Locking cannot hide the drift.
    let lock = crate::causa(&["rules", "lock", r.path()]);
    assert_eq!(lock.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&lock.stderr)
            .contains("naranjo 1.0.0 changed under a version already recorded")
    );
    // A new version is not yet recorded, then locked, then checks.
    r.edit("naranjo.yaml", "  version: 1.0.0\n  changelog:\n", "  version: 1.0.1\n  changelog:\n    - version: 1.0.1\n      changes: Question 1 counts two points.\n");
    let out = crate::causa(&["rules", "check", r.path()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("version `1.0.1` of method `naranjo` is not recorded"),
        "{err}"
    );
    let lock = crate::causa(&["rules", "lock", r.path()]);
    assert_eq!(
        lock.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&lock.stderr)
    );
    assert!(String::from_utf8_lossy(&lock.stdout).contains("6 method version(s) recorded, 1 new"));
    let locked = std::fs::read_to_string(r.0.join("versions.lock")).unwrap();
    assert!(
        locked.contains("\"1.0.0\": sha256:") && locked.contains("\"1.0.1\": sha256:"),
        "{locked}"
    );
    assert_eq!(
        crate::causa(&["rules", "check", r.path()]).status.code(),
        Some(0)
    );
    let diff = crate::causa(&["rules", "diff", "rules", r.path()]);
    let text = String::from_utf8_lossy(&diff.stdout);
    assert!(text.contains("naranjo: version 1.0.0 -> 1.0.1"), "{text}");
    assert!(!text.contains("content changed but"), "{text}");
}

#[test]
fn the_shipped_lock_records_every_shipped_method_version() {
    let set = shipped();
    let lock_text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/versions.lock"))
            .unwrap();
    for m in &set.methods {
        let line = format!("\"{}\": {}", m.version, set.method_digests[&m.id]);
        assert!(lock_text.contains(&line), "{} {}: {line}", m.id, m.version);
    }
}
