//! `causa rules`: checking, listing, drawing and comparing rule sets, and the
//! coverage of a case corpus.

use super::{load_case, load_rules, method_or_hint};
use crate::Error;
use crate::diagnostic::Diagnostics;
use crate::eval::{self, Options};
use crate::report::{self, Format};
use crate::rules::RuleSet;
use clap::Subcommand;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub(super) const EXAMPLES: &str = "\
Examples:
  causa rules list
  causa rules check
  causa rules check my-rules/
  causa rules lock my-rules/";

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Check a rule set and report every problem with file, line and column
    #[command(after_help = EXAMPLES)]
    Check {
        /// Rule directory; default: the shipped rules
        dir: Option<PathBuf>,
    },
    /// Record each method's current version and content digest in DIR/versions.lock
    #[command(
        after_help = "Examples:\n  causa rules lock rules/\n\nA version already recorded with other content is refused: give the method a new version first."
    )]
    Lock {
        /// Rule directory
        dir: PathBuf,
    },
    /// Draw a method's decision graph, with the path a case takes in bold
    #[command(
        after_help = "Examples:\n  causa rules graph naranjo > naranjo.dot\n  causa rules graph sefv --format mermaid --case fixtures/cases/lenalidomide-lv-desensitization.yaml\n  causa rules graph lcat --format svg > lcat.svg   (needs Graphviz `dot`)"
    )]
    Graph {
        /// Method id
        method: String,
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
        /// Highlight the path this case's assessments take
        #[arg(long, value_name = "CASE")]
        case: Option<PathBuf>,
        /// Use the rules in this directory instead of the shipped ones
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// What changes between two rule sets: structure, every answer combination whose category changes, and (with --cases) every case whose result changes. Exit 0 when nothing changed, 1 when something did
    #[command(
        after_help = "Examples:\n  causa rules diff rules/ my-rules/\n  causa rules diff rules/ my-rules/ --cases fixtures/cases --format json"
    )]
    Diff {
        /// The rule directory before the change
        old: PathBuf,
        /// The rule directory after the change
        new: PathBuf,
        /// Also assess every case of this directory under both and list the results that change
        #[arg(long, value_name = "DIR")]
        cases: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Markdown)]
        format: Format,
    },
    /// Which nodes and edges of each method a set of cases exercises, and which it never reaches
    #[command(after_help = "Examples:\n  causa rules coverage --cases fixtures/cases")]
    Coverage {
        /// Directory of case files (YAML or JSON)
        #[arg(long, value_name = "DIR")]
        cases: PathBuf,
        /// Use the rules in this directory instead of the shipped ones
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// List the methods of a rule set
    #[command(after_help = EXAMPLES)]
    List {
        /// Use the rules in this directory instead of the shipped ones
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    /// An SVG picture laid out by causa (no Graphviz needed)
    Svg,
}

fn diff(
    old: &Path,
    new: &Path,
    cases: Option<&Path>,
    format: Format,
) -> Result<(String, i32), Error> {
    // Both sets are compared as they are: a version that drifted is reported below, not refused.
    let unlocked = |dir: &Path| -> Result<RuleSet, Error> {
        let mut files = crate::rules::read_dir(dir)?;
        files.lock = None;
        crate::rules::load(&files).map_err(Error::Invalid)
    };
    let a = unlocked(old)?;
    let b = unlocked(new)?;
    let mut d = crate::diff::compare(&a, &b);
    if let Some(dir) = cases {
        let mut problems = Diagnostics::default();
        for p in case_files(dir)? {
            // A case is checked against both rule sets; its assessor answers must fit each.
            let case = match load_case(&p, &a).and_then(|c| load_case(&p, &b).map(|_| c)) {
                Ok(c) => c,
                Err(Error::Invalid(x)) => {
                    problems.extend(x);
                    continue;
                }
                Err(e) => return Err(e),
            };
            let before = eval::assess(&a, &case, &Options::default());
            let after = eval::assess(&b, &case, &Options::default());
            d.corpus.extend(crate::diff::corpus_changes(
                &p.display().to_string(),
                &before.assessments,
                &after.assessments,
            ));
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(problems.sorted()));
        }
    }
    let code = if d.is_empty() { 0 } else { 1 };
    let text = match format {
        Format::Json => {
            let mut s =
                serde_json::to_string_pretty(&d).map_err(|e| Error::Write(e.to_string()))?;
            s.push('\n');
            s
        }
        Format::Markdown => report::diff_markdown(&d),
    };
    Ok((text, code))
}

fn graph(
    id: &str,
    format: GraphFormat,
    case: Option<&Path>,
    dir: Option<&Path>,
) -> Result<String, Error> {
    let rules = load_rules(dir)?;
    let method = method_or_hint(&rules, id)?;
    let mut one: Option<eval::Assessment> = None;
    let taken = match case {
        Some(p) => {
            let c = load_case(p, &rules)?;
            let a = eval::assess(
                &rules,
                &c,
                &Options {
                    methods: vec![id.to_owned()],
                    ..Default::default()
                },
            );
            let refs: Vec<&eval::Assessment> = a.assessments.iter().collect();
            let edges = report::graph::taken_edges(method, &refs);
            // One pair: its result and total are drawn too.
            if let [only] = a.assessments.as_slice() {
                one = Some(only.clone());
            }
            edges
        }
        None => Default::default(),
    };
    match format {
        GraphFormat::Dot => Ok(report::graph::dot(method, &taken)),
        GraphFormat::Mermaid => Ok(report::graph::mermaid(method, &taken)),
        GraphFormat::Svg => {
            use report::graph_svg::{Taken, standalone};
            let path = match &one {
                Some(a) => Taken::of(method, a),
                None => Taken {
                    edges: taken,
                    result: None,
                    total: None,
                },
            };
            Ok(standalone(method, &path))
        }
    }
}

/// Reads every case file (`.yaml`, `.yml`, `.json`) of a directory, sorted by name.
fn case_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    crate::batch::case_files(dir)
}

fn coverage(dir: &Path, rules_dir: Option<&Path>) -> Result<String, Error> {
    let rules = load_rules(rules_dir)?;
    let mut assessments = Vec::new();
    let mut problems = Diagnostics::default();
    let files = case_files(dir)?;
    for p in &files {
        match load_case(p, &rules) {
            Ok(c) => assessments.extend(eval::assess(&rules, &c, &Options::default()).assessments),
            Err(Error::Invalid(d)) => problems.extend(d),
            Err(e) => return Err(e),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let refs: Vec<&eval::Assessment> = assessments.iter().collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Rule coverage by {} cases in {}
",
        files.len(),
        dir.display()
    );
    let _ = writeln!(out, "| Method | Nodes reached | Edges taken |");
    let _ = writeln!(out, "|---|---|---|");
    let mut details = String::new();
    for m in &rules.methods {
        let taken = report::graph::taken_edges(m, &refs);
        let nodes: BTreeSet<usize> = taken.iter().map(|(n, _)| *n).collect();
        let edges: usize = m.nodes.iter().map(|n| n.edges.len()).sum();
        let _ = writeln!(
            out,
            "| {} | {} of {} | {} of {} |",
            m.id,
            nodes.len(),
            m.nodes.len(),
            taken.len(),
            edges
        );
        let _ = writeln!(details, "\n## {}\n", m.id);
        let never_nodes: Vec<&str> = (0..m.nodes.len())
            .filter(|i| !nodes.contains(i))
            .map(|i| m.nodes[i].id.as_str())
            .collect();
        if never_nodes.is_empty() {
            let _ = writeln!(details, "Every node is reached.");
        } else {
            let _ = writeln!(
                details,
                "Nodes never reached: {}.",
                never_nodes
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let never_edges: Vec<String> = m
            .nodes
            .iter()
            .enumerate()
            .flat_map(|(i, n)| {
                let taken = &taken;
                n.edges
                    .iter()
                    .enumerate()
                    .filter(move |(j, _)| !taken.contains(&(i, *j)))
                    .map(move |(_, e)| format!("`{}` {}", n.id, e.answer))
            })
            .collect();
        if never_edges.is_empty() {
            let _ = writeln!(details, "Every edge is taken.");
        } else {
            let _ = writeln!(details, "\nEdges never taken:\n");
            for e in never_edges {
                let _ = writeln!(details, "- {e}");
            }
        }
    }
    out.push_str(&details);
    Ok(out)
}

fn list(set: &RuleSet) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "| Method | Version | Name | Categories | File |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    for m in &set.methods {
        let cats: Vec<&str> = m.categories.iter().map(|c| c.id.as_str()).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            m.id,
            m.version,
            m.name,
            cats.join(", "),
            m.file
        );
    }
    let _ = writeln!(out, "\nRule set digest: {}", set.digest);
    out
}

/// Runs a `rules` subcommand: its output, and 1 when `diff` finds a difference.
pub(super) fn run(command: RulesCommand) -> Result<(String, i32), Error> {
    let plain = |text: String| (text, 0);
    match command {
        RulesCommand::Check { dir } => {
            let set = load_rules(dir.as_deref())?;
            let shown = dir
                .as_ref()
                .map_or("shipped rules".to_owned(), |d| d.display().to_string());
            let locked = match &dir {
                None => true,
                Some(d) => d.join(crate::rules::LOCK).is_file(),
            };
            let versions = if locked {
                "versions match versions.lock"
            } else {
                "no versions.lock, so versions are not checked against content (`causa rules lock DIR` makes one)"
            };
            Ok(plain(format!(
                "{shown}: ok, {} methods, {} drugs, {} phenotypes; digest {}; {versions}\n",
                set.methods.len(),
                set.kb.drugs.len(),
                set.kb.phenotypes.len(),
                set.digest
            )))
        }
        RulesCommand::Lock { dir } => lock(&dir).map(plain),
        RulesCommand::Diff {
            old,
            new,
            cases,
            format,
        } => diff(&old, &new, cases.as_deref(), format),
        RulesCommand::Graph {
            method,
            format,
            case,
            rules,
        } => graph(&method, format, case.as_deref(), rules.as_deref()).map(plain),
        RulesCommand::Coverage { cases, rules } => coverage(&cases, rules.as_deref()).map(plain),
        RulesCommand::List { rules } => {
            let set = load_rules(rules.as_deref())?;
            Ok(plain(list(&set)))
        }
    }
}

/// Adds the current version of every method of `dir` to its `versions.lock`.
fn lock(dir: &Path) -> Result<String, Error> {
    use crate::rules::versions;
    let mut files = crate::rules::read_dir(dir)?;
    let existing = match files.lock.take() {
        Some(f) => versions::read(&f).map_err(Error::Invalid)?,
        None => versions::Lock::new(),
    };
    let set = crate::rules::load(&files).map_err(Error::Invalid)?;
    let current: Vec<versions::Current> = set
        .methods
        .iter()
        .filter_map(|m| {
            Some(versions::Current {
                id: &m.id,
                version: &m.version,
                digest: set.method_digests.get(&m.id)?.clone(),
                file: files.files.iter().find(|f| f.name == m.file)?,
            })
        })
        .collect();
    let before: usize = existing.values().map(|v| v.len()).sum();
    let lock = versions::locked(existing, &current).map_err(|drifted| Error::Usage {
        message: format!(
            "{} changed under a version already recorded in versions.lock",
            drifted.join(", ")
        ),
        help: Some("give each a new version with a changelog entry, then lock again".into()),
    })?;
    let after: usize = lock.values().map(|v| v.len()).sum();
    let path = dir.join(crate::rules::LOCK);
    std::fs::write(&path, versions::render(&lock))
        .map_err(|e| Error::Write(format!("{}: {e}", path.display())))?;
    Ok(format!(
        "{}: {} method version(s) recorded, {} new\n",
        path.display(),
        after,
        after - before
    ))
}
