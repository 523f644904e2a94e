//! Versions that cannot drift: `versions.lock` records, for each method and
//! version, the digest of the method's content. A method whose content
//! changed while its version did not is an error, so "naranjo 1.0.0" always
//! means one rule file.
//!
//! The content digest is taken over what the file says, not how it is
//! written: the method file read as data (comments, layout and key order do
//! not count), less its changelog (correcting the history is not a new
//! version), as canonical JSON, SHA-256.

use crate::diagnostic::{Diagnostic, Diagnostics, Pos, SourceFile};
use std::collections::BTreeMap;

/// Method id → version → content digest.
pub type Lock = BTreeMap<String, BTreeMap<String, String>>;

/// The content digest of a method file's text, or `None` when it does not read.
pub fn content_digest(text: &str) -> Option<String> {
    let mut value: serde_json::Value = serde_saphyr::from_str(text).ok()?;
    if let Some(method) = value.get_mut("method").and_then(|m| m.as_object_mut()) {
        method.remove("changelog");
    }
    // serde_json's maps are ordered by key: the text is canonical.
    let canonical = serde_json::to_string(&value).ok()?;
    Some(crate::case::digest_bytes(canonical.as_bytes()))
}

/// Reads `versions.lock`.
pub fn read(file: &SourceFile) -> Result<Lock, Diagnostics> {
    serde_saphyr::from_str(&file.text)
        .map_err(|e| Diagnostics::from(crate::diagnostic::from_yaml_error(file, &e)))
}

/// Where a method file writes its version, to point at it.
fn version_pos(text: &str) -> Pos {
    text.lines()
        .enumerate()
        .find_map(|(i, l)| {
            l.find("version:")
                .filter(|_| l.trim_start().starts_with("version:"))
                .map(|c| Pos {
                    line: i as u64 + 1,
                    column: c as u64 + 1,
                })
        })
        .unwrap_or(Pos { line: 1, column: 1 })
}

/// One method as the lock sees it: its id, version, content digest and file.
pub struct Current<'a> {
    pub id: &'a str,
    pub version: &'a str,
    pub digest: String,
    pub file: &'a SourceFile,
}

/// Every method whose content differs from what the lock records for its
/// version, and every method version the lock does not record.
pub fn check(lock_file: &SourceFile, lock: &Lock, current: &[Current]) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for m in current {
        let pos = version_pos(&m.file.text);
        match lock.get(m.id).and_then(|v| v.get(m.version)) {
            Some(locked) if *locked == m.digest => {}
            Some(locked) => diags.push(
                Diagnostic::new(
                    "rules::version-drift",
                    m.file,
                    pos,
                    format!(
                        "method `{}` changed but its version is still `{}`: {} records {locked} for it, the file now gives {}",
                        m.id, m.version, lock_file.name, m.digest
                    ),
                )
                .with_help(format!(
                    "give the method a new version with a changelog entry saying what changed, then record it with `causa rules lock {}`",
                    lock_dir(lock_file)
                )),
            ),
            None => diags.push(
                Diagnostic::new(
                    "rules::version-not-locked",
                    m.file,
                    pos,
                    format!(
                        "version `{}` of method `{}` is not recorded in {}",
                        m.version, m.id, lock_file.name
                    ),
                )
                .with_help(format!(
                    "record it with `causa rules lock {}` once the method is as it will be released",
                    lock_dir(lock_file)
                )),
            ),
        }
    }
    diags
}

fn lock_dir(lock_file: &SourceFile) -> &str {
    lock_file
        .name
        .strip_suffix(super::files::LOCK)
        .map(|d| d.trim_end_matches('/'))
        .filter(|d| !d.is_empty())
        .unwrap_or(".")
}

/// The lock with every current method version added. A version already
/// recorded with another digest is refused: that is the drift `check` reports.
pub fn locked(mut lock: Lock, current: &[Current]) -> Result<Lock, Vec<String>> {
    let mut drifted = Vec::new();
    for m in current {
        let versions = lock.entry(m.id.to_owned()).or_default();
        match versions.get(m.version) {
            Some(d) if *d != m.digest => drifted.push(format!("{} {}", m.id, m.version)),
            Some(_) => {}
            None => {
                versions.insert(m.version.to_owned(), m.digest.clone());
            }
        }
    }
    if drifted.is_empty() {
        Ok(lock)
    } else {
        Err(drifted)
    }
}

/// The lock as written to `versions.lock`.
pub fn render(lock: &Lock) -> String {
    let mut out = String::from(
        "# Each method version and the digest of its content (the method file read as\n\
         # data, without its changelog). `causa rules check` fails when a method's\n\
         # content changes and its version does not; `causa rules lock DIR` records a\n\
         # new version. Never edit a recorded line.\n",
    );
    // Ids and versions in JSON quotes, which YAML reads as the same text whatever they hold.
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    for (id, versions) in lock {
        out.push_str(&format!("{}:\n", quoted(id)));
        for (version, digest) in versions {
            out.push_str(&format!("  {}: {digest}\n", quoted(version)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const METHOD: &str = "# a comment\nmethod:\n  id: m\n  version: 1.0.0\n  changelog:\n    - { version: 1.0.0, changes: first }\nnodes: [{ id: a, points: 1 }]\n";

    #[test]
    fn the_digest_ignores_comments_layout_and_changelog_but_not_content() {
        let d = content_digest(METHOD).unwrap();
        let relaid =
            "method: { version: 1.0.0, id: m, changelog: [] }\nnodes:\n  - id: a\n    points: 1\n";
        assert_eq!(content_digest(relaid).unwrap(), d);
        let changed = METHOD.replace("points: 1", "points: 2");
        assert_ne!(content_digest(&changed).unwrap(), d);
    }

    #[test]
    fn a_changed_method_with_the_same_version_is_drift() {
        let file = SourceFile {
            name: "r/m.yaml".into(),
            text: METHOD.into(),
        };
        let lock_file = SourceFile {
            name: "r/versions.lock".into(),
            text: String::new(),
        };
        let now = |digest: &str| Current {
            id: "m",
            version: "1.0.0",
            digest: digest.into(),
            file: &file,
        };
        let lock = locked(Lock::new(), &[now("sha256:a")]).unwrap();
        assert!(check(&lock_file, &lock, &[now("sha256:a")]).is_empty());
        let drift = check(&lock_file, &lock, &[now("sha256:b")]);
        assert_eq!(drift.iter().next().unwrap().code, "rules::version-drift");
        assert!(
            drift.render().contains("causa rules lock r"),
            "{}",
            drift.render()
        );
        assert_eq!(
            locked(lock, &[now("sha256:b")]).unwrap_err(),
            vec!["m 1.0.0"]
        );
    }
}
