//! The bad-input corpus (`fixtures/bad-input`): every input exits with the
//! code its manifest gives, and its message names the file (with a line and
//! column where the problem has one), gives a hint, stays short, and is
//! snapshotted so that a change in wording shows in review.

use crate::causa;
use std::path::Path;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    input: String,
    exit: i32,
    #[serde(default = "yes")]
    position: bool,
}

fn yes() -> bool {
    true
}

const ROOT: &str = "fixtures/bad-input";
/// The most bytes of stderr one bad input may produce.
const MAX_STDERR: usize = 4096;

fn manifest() -> Vec<Expected> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(ROOT)
        .join("expected.yaml");
    let text = std::fs::read_to_string(&path).expect("the manifest");
    serde_saphyr::from_str(&text).expect("the manifest reads")
}

/// Whether `text` gives a line and column: `name…:LINE:COLUMN` after the
/// input's name (a file of a folder, a document of a stream), or a column
/// in a batch's errors file, whose records are single lines.
fn has_position(text: &str, name: &str) -> bool {
    let after_name = text.match_indices(name).any(|(i, _)| {
        let token: String = text[i + name.len()..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != ',' && *c != '"')
            .collect();
        let mut parts = token.rsplitn(3, ':');
        let numeric = |p: Option<&str>| {
            p.is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        };
        numeric(parts.next()) && numeric(parts.next())
    });
    after_name || text.contains("(column ") || text.contains(", column ")
}

#[test]
fn every_bad_input_is_in_the_manifest_and_every_manifest_entry_exists() {
    let listed: std::collections::BTreeSet<String> =
        manifest().into_iter().map(|e| e.input).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(ROOT);
    let mut found = std::collections::BTreeSet::new();
    for kind in std::fs::read_dir(&root).expect("corpus") {
        let kind = kind.expect("entry").path();
        if !kind.is_dir() {
            continue;
        }
        for input in std::fs::read_dir(&kind).expect("kind") {
            let p = input.expect("entry").path();
            let rel = p.strip_prefix(&root).expect("under root");
            found.insert(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    assert_eq!(listed, found, "fixtures/bad-input and expected.yaml differ");
    assert!(listed.len() >= 60, "{} inputs", listed.len());
}

#[test]
fn every_bad_input_gets_its_exit_code_and_a_short_message_naming_the_place() {
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad-input");
    let _ = std::fs::create_dir_all(&out_dir);
    let mut failures = Vec::new();
    for e in manifest() {
        let input = format!("{ROOT}/{}", e.input);
        let kind = e.input.split('/').next().unwrap_or_default();
        let out_file = out_dir.join(e.input.replace('/', "-") + ".csv");
        let out_text = out_file.display().to_string();
        let args: Vec<&str> = match kind {
            "rules" => vec!["rules", "check", &input],
            "batch" => vec!["batch", &input, "--out", &out_text],
            "log" => vec!["log", "verify", &input],
            _ => vec!["assess", &input],
        };
        let out = causa(&args);
        let stderr = String::from_utf8_lossy(&out.stderr).replace(&out_text, "OUT");
        // A batch says what it rejected in its errors file, which the message snapshot holds too.
        let errors = if kind == "batch" {
            std::fs::read_to_string(format!("{out_text}.errors.csv")).unwrap_or_default()
        } else {
            String::new()
        };
        let shown = format!("{stderr}{errors}");
        let mut problems = Vec::new();
        if out.status.code() != Some(e.exit) {
            problems.push(format!("exit {:?}, expected {}", out.status.code(), e.exit));
        }
        if stderr.len() > MAX_STDERR {
            problems.push(format!("{} bytes of stderr", stderr.len()));
        }
        if stderr.contains("panicked") {
            problems.push("panicked".to_owned());
        }
        if !shown.contains(&input) {
            problems.push("the message does not name the input".to_owned());
        }
        if e.position != has_position(&shown, &input) {
            problems.push(format!(
                "line and column given: {}, expected {}",
                !e.position, e.position
            ));
        }
        let hinted = shown.contains("= help: ") || (kind == "batch" && errors.contains("; "));
        if !hinted {
            problems.push("no hint".to_owned());
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}\n{shown}", e.input, problems.join(", ")));
        }
        insta::assert_snapshot!(e.input.replace('/', "__"), shown);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
