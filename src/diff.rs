//! Comparing two rule sets: what changed in the files (structure, wording,
//! points, bands), every combination of answers whose category changes
//! (exhaustive), and which cases' results change.
//!
//! Pure: it reads two validated rule sets (and assessments made with them).

use crate::eval::Assessment;
use crate::rules::{Method, RuleSet, Target};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Serialize)]
pub struct RuleDiff {
    pub old_digest: String,
    pub new_digest: String,
    /// One line per structural change, `method: what`.
    pub structural: Vec<String>,
    pub semantic: Vec<MethodSemantics>,
    pub corpus: Vec<CaseChange>,
}

impl RuleDiff {
    pub fn is_empty(&self) -> bool {
        self.structural.is_empty()
            && self.semantic.iter().all(|m| m.changed.is_empty())
            && self.corpus.is_empty()
    }
}

/// Every combination of answers of one method, under both versions.
#[derive(Debug, Clone, Serialize)]
pub struct MethodSemantics {
    pub method: String,
    /// How many answer combinations were compared.
    pub combinations: u64,
    /// Those whose category changed.
    pub changed: Vec<ChangedVector>,
    /// The same, grouped by old and new category, with the answers they share.
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct ChangedVector {
    /// (node, answer) in the order asked.
    pub answers: Vec<(String, String)>,
    pub old_category: String,
    pub new_category: String,
    pub old_total: Option<i64>,
    pub new_total: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub old_category: String,
    pub new_category: String,
    pub count: usize,
    /// The old totals of the group's combinations, for scored methods.
    pub old_totals: Vec<i64>,
    /// For each node whose answers in the group are not all of its answers: those answers.
    pub pattern: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseChange {
    pub case: String,
    pub drug: String,
    pub reaction: String,
    pub method: String,
    pub old: String,
    pub new: String,
    /// The first step that differs: node, old answer (points), new answer (points).
    pub first_difference: Option<String>,
}

/// Compares two rule sets.
pub fn compare(old: &RuleSet, new: &RuleSet) -> RuleDiff {
    let mut structural = Vec::new();
    let mut semantic = Vec::new();
    let ids: BTreeSet<&str> = old
        .methods
        .iter()
        .chain(&new.methods)
        .map(|m| m.id.as_str())
        .collect();
    for id in ids {
        match (old.method(id), new.method(id)) {
            (Some(_), None) => structural.push(format!("{id}: method removed")),
            (None, Some(_)) => structural.push(format!("{id}: method added")),
            (Some(a), Some(b)) => {
                // The same version must mean the same content (see `rules::versions`).
                let (da, db) = (old.method_digests.get(id), new.method_digests.get(id));
                if a.version == b.version && da.is_some() && db.is_some() && da != db {
                    structural.push(format!(
                        "{id}: content changed but the version is still {}: give the method a new version (`rules check` refuses a changed method under a recorded version)",
                        a.version
                    ));
                }
                structure(a, b, &mut structural);
                semantic.push(semantics(a, b));
            }
            (None, None) => {}
        }
    }
    if old.policy != new.policy {
        structural.push("policy.yaml: default policy changed".to_owned());
    }
    RuleDiff {
        old_digest: old.digest.clone(),
        new_digest: new.digest.clone(),
        structural,
        semantic,
        corpus: Vec::new(),
    }
}

fn target_name(m: &Method, t: Target) -> String {
    match t {
        Target::Node(n) => format!("next {}", m.nodes[n].id),
        Target::Category(c) => format!("result {}", m.categories[c].id),
        Target::Bands => "result score-band".to_owned(),
    }
}

fn structure(a: &Method, b: &Method, out: &mut Vec<String>) {
    let id = &a.id;
    if a.version != b.version {
        out.push(format!("{id}: version {} -> {}", a.version, b.version));
    }
    let cats = |m: &Method| {
        m.categories
            .iter()
            .map(|c| (c.id.clone(), c.label.clone()))
            .collect::<Vec<_>>()
    };
    if cats(a) != cats(b) {
        out.push(format!(
            "{id}: categories {:?} -> {:?}",
            cats(a).iter().map(|c| &c.0).collect::<Vec<_>>(),
            cats(b).iter().map(|c| &c.0).collect::<Vec<_>>()
        ));
    }
    let bands = |m: &Method| {
        m.bands
            .iter()
            .map(|x| format!("{} {}", m.categories[x.category].id, x.text()))
            .collect::<Vec<_>>()
    };
    if bands(a) != bands(b) {
        out.push(format!(
            "{id}: bands [{}] -> [{}]",
            bands(a).join(", "),
            bands(b).join(", ")
        ));
    }
    if a.start != b.start && a.nodes[a.start].id != b.nodes[b.start].id {
        out.push(format!(
            "{id}: start {} -> {}",
            a.nodes[a.start].id, b.nodes[b.start].id
        ));
    }
    for n in &a.nodes {
        let Some(m) = b.nodes.iter().find(|x| x.id == n.id) else {
            out.push(format!("{id}: node {} removed", n.id));
            continue;
        };
        for (what, x, y) in [
            ("question", &n.question, &m.question),
            ("rationale", &n.rationale, &m.rationale),
            ("reference", &n.reference, &m.reference),
        ] {
            if x != y {
                out.push(format!("{id}: node {} {what} reworded", n.id));
            }
        }
        if n.ask != m.ask {
            out.push(format!(
                "{id}: node {} asks {:?} -> {:?}",
                n.id, n.ask, m.ask
            ));
        }
        for e in &n.edges {
            match m.edges.iter().find(|f| f.answer == e.answer) {
                None => out.push(format!("{id}: node {} answer {} removed", n.id, e.answer)),
                Some(f) => {
                    if e.points != f.points {
                        out.push(format!(
                            "{id}: node {} answer {} points {:+} -> {:+}",
                            n.id, e.answer, e.points, f.points
                        ));
                    }
                    if e.when != f.when {
                        out.push(format!(
                            "{id}: node {} answer {} when [{}] -> [{}]",
                            n.id,
                            e.answer,
                            e.when.join(", "),
                            f.when.join(", ")
                        ));
                    }
                    if target_name(a, e.target) != target_name(b, f.target) {
                        out.push(format!(
                            "{id}: node {} answer {} {} -> {}",
                            n.id,
                            e.answer,
                            target_name(a, e.target),
                            target_name(b, f.target)
                        ));
                    }
                }
            }
        }
        for f in &m.edges {
            if !n.edges.iter().any(|e| e.answer == f.answer) {
                out.push(format!("{id}: node {} answer {} added", n.id, f.answer));
            }
        }
    }
    for m in &b.nodes {
        if !a.nodes.iter().any(|n| n.id == m.id) {
            out.push(format!("{id}: node {} added", m.id));
        }
    }
}

/// Where a walk through a method ends: (category id, total for scored methods).
fn ending(m: &Method, t: Target, total: i64) -> (&str, Option<i64>) {
    match t {
        Target::Category(c) => (m.categories[c].id.as_str(), m.has_score().then_some(total)),
        Target::Bands => (
            m.band_for(total)
                .map_or("no-band", |(_, b)| m.categories[b.category].id.as_str()),
            Some(total),
        ),
        Target::Node(_) => ("no-category", None),
    }
}

/// The old version's answers, as the new version sees them: for each node of
/// `b`, whether the old path asked it, and the edge of `b` with the answer it
/// gave (none when `b` lacks that answer). Filled from indices computed once,
/// so the walks compare no text.
struct Given {
    asked: Vec<bool>,
    edge: Vec<Option<usize>>,
}

/// For each node of `a`, the node of `b` with its id, and for each of its
/// edges the edge of that node with the same answer.
struct Correspondence {
    node: Vec<Option<usize>>,
    edge: Vec<Vec<Option<usize>>>,
}

impl Correspondence {
    fn of(a: &Method, b: &Method) -> Correspondence {
        let node: Vec<Option<usize>> = a.nodes.iter().map(|n| b.node_index(&n.id)).collect();
        let edge = a
            .nodes
            .iter()
            .zip(&node)
            .map(|(n, bn)| {
                n.edges
                    .iter()
                    .map(|e| bn.and_then(|bn| b.nodes[bn].edge_for_answer(&e.answer)))
                    .collect()
            })
            .collect();
        Correspondence { node, edge }
    }
}

/// Walks every path of `a`; for each, walks `b` with the same answers, branching
/// over the answers of nodes the path of `a` never asked.
fn semantics(a: &Method, b: &Method) -> MethodSemantics {
    let mut walk = Walk {
        a,
        b,
        map: Correspondence::of(a, b),
        given: Given {
            asked: vec![false; b.nodes.len()],
            edge: vec![None; b.nodes.len()],
        },
        old_path: Vec::new(),
        new_path: Vec::new(),
        count: 0,
        changed: Vec::new(),
    };
    walk.through_old(a.start, 0);
    let mut changed = walk.changed;
    changed.sort();
    let groups = group(b, a, &changed);
    MethodSemantics {
        method: a.id.clone(),
        combinations: walk.count,
        changed,
        groups,
    }
}

/// The state of the two walks: the paths taken so far as (node, edge)
/// indices, and what they found. Text is made only for a changed vector.
struct Walk<'m> {
    a: &'m Method,
    b: &'m Method,
    map: Correspondence,
    given: Given,
    old_path: Vec<(usize, usize)>,
    new_path: Vec<(usize, usize)>,
    count: u64,
    changed: Vec<ChangedVector>,
}

impl<'m> Walk<'m> {
    fn through_old(&mut self, at: usize, total: i64) {
        let a = self.a;
        for (ei, e) in a.nodes[at].edges.iter().enumerate() {
            self.old_path.push((at, ei));
            let t = total.saturating_add(e.points);
            match e.target {
                Target::Node(n) => self.through_old(n, t),
                end => {
                    let (old_cat, old_total) = ending(a, end, t);
                    self.given.asked.fill(false);
                    self.given.edge.fill(None);
                    for &(n, e) in &self.old_path {
                        if let Some(bn) = self.map.node[n] {
                            self.given.asked[bn] = true;
                            self.given.edge[bn] = self.map.edge[n][e];
                        }
                    }
                    self.through_new(self.b.start, 0, old_cat, old_total);
                }
            }
            self.old_path.pop();
        }
    }

    fn through_new(&mut self, at: usize, total: i64, old_cat: &str, old_total: Option<i64>) {
        let b = self.b;
        let node = &b.nodes[at];
        // The old version's answer when it asked this node (and the answer still exists), else every answer.
        let choices = match self.given.edge[at] {
            Some(e) => e..e + 1,
            None => 0..node.edges.len(),
        };
        let asked_before = self.given.asked[at];
        for e in choices {
            let edge = &node.edges[e];
            let t = total.saturating_add(edge.points);
            if !asked_before {
                self.new_path.push((at, e));
            }
            match edge.target {
                Target::Node(n) => self.through_new(n, t, old_cat, old_total),
                end => {
                    self.count += 1;
                    let (new_cat, new_total) = ending(b, end, t);
                    if new_cat != old_cat {
                        let a = self.a;
                        // (node, answer) in the order asked: the old path, then what only the new one asked.
                        let answers = self
                            .old_path
                            .iter()
                            .map(|&(n, e)| (&a.nodes[n], &a.nodes[n].edges[e]))
                            .chain(
                                self.new_path
                                    .iter()
                                    .map(|&(n, e)| (&b.nodes[n], &b.nodes[n].edges[e])),
                            )
                            .map(|(n, e)| (n.id.clone(), e.answer.clone()))
                            .collect();
                        self.changed.push(ChangedVector {
                            answers,
                            old_category: old_cat.to_owned(),
                            new_category: new_cat.to_owned(),
                            old_total,
                            new_total,
                        });
                    }
                }
            }
            if !asked_before {
                self.new_path.pop();
            }
        }
    }
}

/// Groups changed combinations by (old, new) category and keeps, for each node,
/// the answers seen when they are not all of that node's answers.
fn group(b: &Method, a: &Method, changed: &[ChangedVector]) -> Vec<Group> {
    let mut by: BTreeMap<(String, String), Vec<&ChangedVector>> = BTreeMap::new();
    for v in changed {
        by.entry((v.old_category.clone(), v.new_category.clone()))
            .or_default()
            .push(v);
    }
    by.into_iter()
        .map(|((old_category, new_category), vs)| {
            let mut seen: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for v in &vs {
                for (n, ans) in &v.answers {
                    seen.entry(n.as_str()).or_default().insert(ans.as_str());
                }
            }
            let all_answers = |node: &str| -> usize {
                let count = |m: &Method| {
                    m.nodes
                        .iter()
                        .find(|x| x.id == node)
                        .map_or(0, |x| x.edges.len())
                };
                count(a).max(count(b))
            };
            let order: Vec<&str> = a
                .nodes
                .iter()
                .chain(&b.nodes)
                .map(|n| n.id.as_str())
                .collect();
            let mut pattern: Vec<(String, Vec<String>)> = seen
                .into_iter()
                .filter(|(n, answers)| {
                    answers.len() < all_answers(n)
                        || vs.iter().any(|v| !v.answers.iter().any(|(x, _)| x == n))
                })
                .map(|(n, answers)| {
                    (
                        n.to_owned(),
                        answers.into_iter().map(str::to_owned).collect(),
                    )
                })
                .collect();
            pattern.sort_by_key(|(n, _)| order.iter().position(|x| x == n).unwrap_or(usize::MAX));
            let old_totals: BTreeSet<i64> = vs.iter().filter_map(|v| v.old_total).collect();
            Group {
                old_category,
                new_category,
                count: vs.len(),
                old_totals: old_totals.into_iter().collect(),
                pattern,
            }
        })
        .collect()
}

/// The result changes between assessments of the same case under the two versions.
pub fn corpus_changes(case: &str, old: &[Assessment], new: &[Assessment]) -> Vec<CaseChange> {
    let mut out = Vec::new();
    for b in new {
        let a = old
            .iter()
            .find(|a| a.drug == b.drug && a.reaction == b.reaction && a.method == b.method);
        let shown = |x: &Assessment| match x.score {
            Some(s) => format!("{} ({s})", x.category),
            None => x.category.to_owned(),
        };
        let Some(a) = a else {
            out.push(CaseChange {
                case: case.to_owned(),
                drug: b.drug.clone(),
                reaction: b.reaction.clone(),
                method: b.method.to_owned(),
                old: "not assessed".into(),
                new: shown(b),
                first_difference: None,
            });
            continue;
        };
        if a.category == b.category && a.score == b.score {
            continue;
        }
        let first = a
            .steps
            .iter()
            .zip(&b.steps)
            .find(|(x, y)| x.node != y.node || x.answer != y.answer || x.points != y.points)
            .map(|(x, y)| {
                if x.node == y.node {
                    format!(
                        "`{}`: {} ({:+}) -> {} ({:+})",
                        x.node, x.answer, x.points, y.answer, y.points
                    )
                } else {
                    format!("`{}` {} -> `{}` {}", x.node, x.answer, y.node, y.answer)
                }
            })
            .or_else(|| {
                (a.steps.len() != b.steps.len())
                    .then(|| "the path got longer or shorter".to_owned())
            });
        out.push(CaseChange {
            case: case.to_owned(),
            drug: b.drug.clone(),
            reaction: b.reaction.clone(),
            method: b.method.to_owned(),
            old: shown(a),
            new: shown(b),
            first_difference: first,
        });
    }
    out
}
