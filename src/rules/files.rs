//! The files of a rule set: read from a folder or from the binary (the
//! shipped rules), and their digest. `versions.lock` is read beside them but
//! is not one of them: it records versions and does not change what the rules say.

use crate::diagnostic::SourceFile;
use include_dir::{Dir, include_dir};
use std::path::Path;

/// The rules shipped inside the binary.
static SHIPPED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/rules");

/// The name of the file that records each method version's content digest.
pub const LOCK: &str = "versions.lock";

/// The files of one rule directory: `root` is the directory as shown to users
/// (`rules` for the shipped rules), and every file is named `ROOT/RELATIVE`.
#[derive(Debug, Clone)]
pub struct RuleFiles {
    pub root: String,
    pub files: Vec<SourceFile>,
    /// `versions.lock`, when the rule set has one.
    pub lock: Option<SourceFile>,
}

impl RuleFiles {
    /// A file's path within the rule directory (`naranjo.yaml`, `kb/drugs.yaml`).
    pub fn relative<'a>(&self, f: &'a SourceFile) -> &'a str {
        f.name
            .strip_prefix(&self.root)
            .and_then(|r| r.strip_prefix('/'))
            .unwrap_or(&f.name)
    }
}

/// The rule files shipped in the binary, named `rules/…`.
pub fn shipped_files() -> RuleFiles {
    let mut files = Vec::new();
    collect_embedded(&SHIPPED, &mut files);
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let lock = SHIPPED.get_file(LOCK).map(|f| SourceFile {
        name: format!("rules/{LOCK}"),
        text: String::from_utf8_lossy(f.contents()).into_owned(),
    });
    RuleFiles {
        root: "rules".to_owned(),
        files,
        lock,
    }
}

fn collect_embedded(dir: &Dir<'_>, out: &mut Vec<SourceFile>) {
    for f in dir.files() {
        if f.path()
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml")
        {
            out.push(SourceFile {
                name: format!("rules/{}", f.path().to_string_lossy().replace('\\', "/")),
                text: String::from_utf8_lossy(f.contents()).into_owned(),
            });
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

/// Reads every `.yaml` file under `dir` (recursively), and its `versions.lock`. The directory is shown as
/// given, less any leading `./` and trailing `/`, so that `rules`, `./rules` and
/// `rules/` name files alike.
pub fn read_dir(dir: &Path) -> Result<RuleFiles, crate::Error> {
    let shown = dir.to_string_lossy().replace('\\', "/");
    let mut root = shown.trim_end_matches('/');
    while let Some(rest) = root.strip_prefix("./") {
        root = rest;
    }
    let root = if root.is_empty() {
        ".".to_owned()
    } else {
        root.to_owned()
    };
    let mut files = Vec::new();
    read_dir_into(dir, dir, &root, &mut files)?;
    files.sort_by(|a, b| a.name.cmp(&b.name));
    if files.is_empty() {
        return Err(crate::Error::NoRules(dir.display().to_string()));
    }
    let lock_path = dir.join(LOCK);
    let lock = if lock_path.is_file() {
        Some(SourceFile {
            name: format!("{root}/{LOCK}"),
            text: crate::Error::read_text(&lock_path)?,
        })
    } else {
        None
    };
    Ok(RuleFiles { root, files, lock })
}

fn read_dir_into(
    base: &Path,
    dir: &Path,
    root: &str,
    out: &mut Vec<SourceFile>,
) -> Result<(), crate::Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| crate::Error::read(dir, e))?;
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            read_dir_into(base, &p, root, out)?;
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            let text = crate::Error::read_text(&p)?;
            let rel = p
                .strip_prefix(base)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            out.push(SourceFile {
                name: format!("{root}/{rel}"),
                text,
            });
        }
    }
    Ok(())
}

/// SHA-256 over the canonical rule files: sorted by path relative to the rule
/// directory; for each, the path, a NUL byte, the text with CRLF line ends made
/// LF, and a NUL byte. The same rules give the same digest wherever they live.
pub fn digest(rules: &RuleFiles) -> String {
    let mut entries: Vec<(&str, String)> = rules
        .files
        .iter()
        .map(|f| (rules.relative(f), f.text.replace("\r\n", "\n")))
        .collect();
    entries.sort();
    let mut bytes = Vec::new();
    for (name, text) in entries {
        bytes.extend_from_slice(name.as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(0);
    }
    crate::case::digest_bytes(&bytes)
}
