//! Rule sets: the methods as validated decision graphs, the common scale and
//! the knowledge base, loaded from YAML.
//!
//! [`load`] reads every file, reports every problem at once, and returns a
//! [`RuleSet`] whose [`Method`]s can only be built here: a `Method` in hand is a
//! graph that has been checked (no dangling references, no cycles, every
//! finding outcome routed, bands covering every reachable total), so the
//! evaluator never checks structure again.

pub mod doc;
mod files;
mod node;
pub mod questions;
mod validate;
pub mod versions;

pub use node::{Ask, AssessorTrace, Edge, Node, Reading, Resolved, Target};

pub use files::{LOCK, RuleFiles, digest, read_dir, shipped_files};

use crate::case::Role;
use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile, from_yaml_error};
use crate::findings::FindingId;
use crate::kb::KnowledgeBase;

/// Methods, scale and knowledge base, all checked.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub methods: Vec<Method>,
    /// The policy switches as the rule set sets them (`policy.yaml`; defaults when absent).
    pub policy: crate::policy::Policy,
    pub scale: Scale,
    pub kb: KnowledgeBase,
    /// `sha256:` over the canonical rule files (see [`digest`]).
    pub digest: String,
    /// Each method's content digest (see [`versions::content_digest`]), by method id.
    pub method_digests: std::collections::BTreeMap<String, String>,
    /// How a follow-up request asks for each finding (`follow-up.yaml`; none when absent).
    pub questions: Vec<questions::FollowUpQuestion>,
}

/// One causality method: a checked decision graph.
#[derive(Debug, Clone)]
pub struct Method {
    pub id: String,
    pub name: String,
    pub version: String,
    /// (version, what changed), newest first.
    pub changelog: Vec<(String, String)>,
    pub citation: String,
    pub description: Option<String>,
    pub applies_to: Applicability,
    /// In the order of the file; for ladders, from the strongest rung down.
    pub categories: Vec<Category>,
    pub bands: Vec<Band>,
    /// Each band as text, in the order of `bands`.
    pub band_texts: Vec<String>,
    pub nodes: Vec<Node>,
    pub start: usize,
    /// The whole-case comparison step, for methods that weigh the drugs against each other.
    pub compare: Option<Compare>,
    /// The rule file, as named to users.
    pub file: String,
    /// Where the method's id is written, to point at it.
    pub id_pos: crate::diagnostic::Pos,
    /// Why the method is not meant for a pair, as far as the rule file says
    /// it: outside its phenotypes, and (when it has a window) a drug not taken
    /// within it. Reports add the pair's particulars; batch rows use these.
    pub not_applicable_because: [String; 2],
    _sealed: Sealed,
}

/// What a method is meant for, as its rule file declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicability {
    pub roles: Vec<Role>,
    /// Empty: every reaction.
    pub phenotypes: Vec<String>,
    pub taken_within_days: Option<i64>,
}

impl Applicability {
    /// One sentence for reports: "suspect and interacting drugs; sjs-ten only".
    pub fn describe(&self) -> String {
        let roles: Vec<String> = self.roles.iter().map(crate::findings::kebab).collect();
        let mut s = format!("{} drugs", roles.join(", "));
        if !self.phenotypes.is_empty() {
            s.push_str(&format!("; reactions: {} only", self.phenotypes.join(", ")));
        }
        if let Some(n) = self.taken_within_days {
            s.push_str(&format!("; drugs taken in the {n} days before onset"));
        }
        s
    }
}

/// A step taken once every drug of the case has been through the graph: the
/// drugs assessed for a reaction are ranked by total; when the top total exceeds
/// `top_total_above`, every drug ranked below the top changes by `points`.
#[derive(Debug, Clone)]
pub struct Compare {
    pub id: String,
    pub question: String,
    pub rationale: String,
    pub reference: String,
    pub top_total_above: i64,
    pub points: i64,
}

/// Keeps `Method` constructible only by the validator.
#[derive(Debug, Clone, Copy)]
struct Sealed;

#[derive(Debug, Clone)]
pub struct Category {
    pub id: String,
    pub label: String,
    /// Index into [`Scale::levels`].
    pub level: usize,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Band {
    pub category: usize,
    pub min: Option<i64>,
    pub max: Option<i64>,
}

impl Band {
    pub fn contains(&self, total: i64) -> bool {
        self.min.is_none_or(|m| total >= m) && self.max.is_none_or(|m| total <= m)
    }

    /// The band as text: `5 to 8`, `9 or more`.
    pub fn text(&self) -> String {
        match (self.min, self.max) {
            (Some(lo), Some(hi)) if lo == hi => format!("{lo}"),
            (Some(lo), Some(hi)) => format!("{lo} to {hi}"),
            (Some(lo), None) => format!("{lo} or more"),
            (None, Some(hi)) => format!("{hi} or less"),
            (None, None) => "any total".to_owned(),
        }
    }
}

impl Method {
    pub fn has_score(&self) -> bool {
        !self.bands.is_empty()
    }

    /// Whether the method is a ladder of categories (WHO-UMC) rather than a score or a flowchart.
    pub fn is_ladder(&self) -> bool {
        self.nodes.iter().any(|n| n.criterion_of.is_some())
    }

    pub fn category_index(&self, id: &str) -> Option<usize> {
        self.categories.iter().position(|c| c.id == id)
    }

    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    /// The band a total falls in; validation guarantees one for every reachable total.
    pub fn band_for(&self, total: i64) -> Option<(usize, Band)> {
        self.bands
            .iter()
            .copied()
            .enumerate()
            .find(|(_, b)| b.contains(total))
    }
}

/// The common ordinal scale across methods.
#[derive(Debug, Clone, Default)]
pub struct Scale {
    pub levels: Vec<Level>,
}

impl Scale {
    /// A level's rank (higher is more likely); `None` for a level off the
    /// ranked scale (conditional, unassessable) or not on the scale.
    pub fn rank(&self, level: &str) -> Option<i64> {
        self.levels
            .iter()
            .find(|l| l.id == level)
            .and_then(|l| l.rank)
    }
}

#[derive(Debug, Clone)]
pub struct Level {
    pub id: String,
    pub label: String,
    pub rank: Option<i64>,
}

impl RuleSet {
    pub fn method(&self, id: &str) -> Option<&Method> {
        self.methods.iter().find(|m| m.id == id)
    }
}

/// Loads and checks a whole rule set: `scale.yaml`, `kb/**.yaml`, and every
/// other `.yaml` file as one method each. Reports every problem in every file.
pub fn load(rules: &RuleFiles) -> Result<RuleSet, Diagnostics> {
    let mut diags = Diagnostics::default();
    let files = &rules.files;
    let rel = |f: &SourceFile| rules.relative(f).to_owned();
    let kb_files: Vec<SourceFile> = files
        .iter()
        .filter(|f| rel(f).starts_with("kb/"))
        .cloned()
        .collect();
    let scale_file = files.iter().find(|f| rel(f) == "scale.yaml");
    let policy_file = files.iter().find(|f| rel(f) == "policy.yaml");
    let questions_file = files.iter().find(|f| rel(f) == "follow-up.yaml");
    let method_files: Vec<&SourceFile> = files
        .iter()
        .filter(|f| {
            !rel(f).starts_with("kb/")
                && !["scale.yaml", "policy.yaml", "follow-up.yaml"].contains(&rel(f).as_str())
        })
        .collect();

    let scale = match scale_file {
        Some(f) => match validate::scale(f) {
            Ok(s) => s,
            Err(d) => {
                diags.extend(d);
                Scale::default()
            }
        },
        None => {
            let dir = &rules.root;
            diags.push(
                Diagnostic::whole_file("rules::missing-scale", &format!("{dir}/scale.yaml"), "the rule set has no `scale.yaml`")
                    .with_help("every rule set needs the common scale that categories are placed on; copy it from the shipped rules"),
            );
            Scale::default()
        }
    };
    let policy = match policy_file.map(crate::policy::load) {
        Some(Ok(p)) => p,
        Some(Err(d)) => {
            diags.extend(d);
            crate::policy::Policy::default()
        }
        None => crate::policy::Policy::default(),
    };
    let questions = match questions_file.map(questions::load) {
        Some(Ok(q)) => q,
        Some(Err(d)) => {
            diags.extend(d);
            Vec::new()
        }
        None => Vec::new(),
    };
    let kb = match crate::kb::load(&kb_files) {
        Ok(kb) => kb,
        Err(d) => {
            diags.extend(d);
            KnowledgeBase::default()
        }
    };
    let mut methods: Vec<Method> = Vec::new();
    for f in method_files {
        let doc: doc::MethodFileDoc = match serde_saphyr::from_str(&f.text) {
            Ok(doc) => doc,
            Err(e) => {
                diags.push(from_yaml_error(f, &e));
                continue;
            }
        };
        let phenotype_ids: Vec<&str> = kb.phenotypes.iter().map(|p| p.id.as_str()).collect();
        match validate::method(doc, f, &scale, &phenotype_ids) {
            Ok(m) => {
                if let Some(other) = methods.iter().find(|o| o.id == m.id) {
                    diags.push(
                        Diagnostic::new(
                            "rules::duplicate-method",
                            f,
                            m.id_pos,
                            format!("method `{}` is also defined in {}", m.id, other.file),
                        )
                        .with_help("each method id must be unique in a rule set"),
                    );
                } else {
                    methods.push(m);
                }
            }
            Err(d) => diags.extend(d),
        }
    }
    if methods.is_empty() && diags.is_empty() {
        diags.push(
            Diagnostic::whole_file(
                "rules::no-methods",
                &rules.root,
                "the rule set defines no method",
            )
            .with_help("add one YAML file per method"),
        );
    }
    methods.sort_by(|a, b| a.id.cmp(&b.id));
    let method_digests: std::collections::BTreeMap<String, String> = methods
        .iter()
        .filter_map(|m| {
            let f = files.iter().find(|f| f.name == m.file)?;
            Some((m.id.clone(), versions::content_digest(&f.text)?))
        })
        .collect();
    if let Some(lock_file) = &rules.lock {
        match versions::read(lock_file) {
            Ok(lock) => {
                let current: Vec<versions::Current> = methods
                    .iter()
                    .filter_map(|m| {
                        Some(versions::Current {
                            id: &m.id,
                            version: &m.version,
                            digest: method_digests.get(&m.id)?.clone(),
                            file: files.iter().find(|f| f.name == m.file)?,
                        })
                    })
                    .collect();
                diags.extend(versions::check(lock_file, &lock, &current));
            }
            Err(d) => diags.extend(d),
        }
    }
    if !diags.is_empty() {
        return Err(diags.sorted());
    }
    Ok(RuleSet {
        methods,
        policy,
        scale,
        kb,
        digest: digest(rules),
        method_digests,
        questions,
    })
}

impl RuleSet {
    /// Reads a case file's text and checks it against these rules: every problem
    /// of the case file, then everything it names that the rules do not have.
    pub fn load_case(&self, file: &SourceFile) -> Result<crate::case::Case, Diagnostics> {
        // A valid JSON case is read fast; anything else, and any problem, is
        // read again by the YAML reader, whose diagnostics carry positions.
        if let Some(case) = crate::case::load_json(file)
            && self.check_case(&case, file).is_empty()
        {
            return Ok(case);
        }
        let case = crate::case::load(file)?;
        let problems = self.check_case(&case, file);
        if problems.is_empty() {
            Ok(case)
        } else {
            Err(problems.sorted())
        }
    }

    /// Checks what a case names in the rules: the phenotype ids of its reactions
    /// must be in the knowledge base, and each assessor answer's method, question
    /// and answer must exist. Problems point into the case file.
    pub fn check_case(&self, case: &crate::case::Case, file: &SourceFile) -> Diagnostics {
        let mut diags = Diagnostics::default();
        for r in &case.reactions {
            if let Some(p) = &r.phenotype
                && self.kb.phenotype_by_id(p).is_none()
            {
                diags.push(
                    Diagnostic::new(
                        "case::unknown-phenotype",
                        file,
                        r.phenotype_pos,
                        format!("no phenotype `{p}` in the knowledge base"),
                    )
                    .with_suggestion(p, self.kb.phenotypes.iter().map(|x| x.id.as_str())),
                );
            }
        }
        let method_ids: Vec<&str> = self.methods.iter().map(|m| m.id.as_str()).collect();
        for a in &case.assessor_answers {
            let [mpos, qpos, apos] = a.positions;
            let Some(m) = self.method(&a.method) else {
                diags.push(
                    Diagnostic::new(
                        "case::unknown-method",
                        file,
                        mpos,
                        format!("no method `{}` in the rules", a.method),
                    )
                    .with_suggestion(&a.method, method_ids.iter().copied()),
                );
                continue;
            };
            let Some(n) = m.nodes.iter().find(|n| n.id == a.question) else {
                let d = Diagnostic::new(
                    "case::unknown-question",
                    file,
                    qpos,
                    format!("method `{}` has no question `{}`", m.id, a.question),
                )
                .with_suggestion(&a.question, m.nodes.iter().map(|n| n.id.as_str()));
                let d = if d.help.is_none() {
                    let ids: Vec<&str> = m.nodes.iter().map(|n| n.id.as_str()).collect();
                    d.with_help(format!("questions of `{}`: {}", m.id, ids.join(", ")))
                } else {
                    d
                };
                diags.push(d);
                continue;
            };
            if n.edge_for_answer(&a.answer).is_none() {
                let answers: Vec<&str> = n.answers().collect();
                diags.push(
                    Diagnostic::new(
                        "case::unknown-answer",
                        file,
                        apos,
                        format!(
                            "question `{}` of `{}` has no answer `{}`",
                            n.id, m.id, a.answer
                        ),
                    )
                    .with_help(format!("answers: {}", answers.join(", "))),
                );
            }
        }
        diags
    }
}
