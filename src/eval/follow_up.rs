//! What would change an assessment: for each pair and method, the answers
//! that rest on no information today (an unknown finding, an unanswered
//! assessor question), every other answer each could take, and the categories
//! those answers reach, each with the smallest sets of answers that reach it.
//! Computed by walking the validated graph with the known answers fixed and
//! only the unknown ones branching: no fact is re-derived or guessed.

use super::walk::{Basis, Found, meet};
use super::*;

/// Sets of changed answers, each a list of (node, edge).
type Sets = Vec<Vec<(usize, usize)>>;

/// One unknown answer set to another of its answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change<'r> {
    /// The question (node id).
    pub question: &'r str,
    /// The finding it asks, or `assessor`.
    pub asked: &'r str,
    pub answer: &'r str,
    pub points: i64,
}

/// A category the unknown answers could lead to.
#[derive(Debug, Clone, Serialize)]
pub struct Reachable<'r> {
    pub category: &'r str,
    /// The category's level on the common scale.
    pub level: &'r str,
    /// The smallest sets of answers that lead there (none is contained in another).
    pub by: Vec<Vec<Change<'r>>>,
}

/// What could change one method's result for one pair.
#[derive(Debug, Clone, Serialize)]
pub struct WhatIf<'r> {
    pub drug: String,
    pub reaction: String,
    pub method: &'r str,
    pub category: &'r str,
    /// The questions whose answer rests on no information today, in the order met.
    pub open: Vec<&'r str>,
    /// Every other category the open answers could lead to.
    pub reachable: Vec<Reachable<'r>>,
}

/// Where one walk ends: a category, or a total the bands (and any whole-case
/// step) still have to place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ending {
    Category(usize),
    Total(i64),
}

/// Every ending the unknown answers of one method allow for one pair, each
/// with the smallest sets of changed answers (node, edge) that lead there,
/// and the open nodes met.
pub(super) struct Explored {
    pub(super) open: Vec<usize>,
    pub(super) endings: Vec<(Ending, Sets)>,
}

/// Explores a method's graph for a pair: known answers fixed, unknown ones
/// taking each of their edges. What lies below a node depends only on the
/// node and the total so far, so each (node, total) is explored once.
pub(super) fn explore(method: &Method, pair: &Pair, found: &mut Found) -> Explored {
    let mut open = Vec::new();
    let mut memo = std::collections::HashMap::new();
    let endings = below(
        method,
        pair,
        found,
        method.start,
        0,
        &mut memo,
        &mut open,
        0,
    );
    Explored { open, endings }
}

#[allow(clippy::too_many_arguments)]
fn below(
    method: &Method,
    pair: &Pair,
    found: &mut Found,
    at: usize,
    total: i64,
    memo: &mut std::collections::HashMap<(usize, i64), Vec<(Ending, Sets)>>,
    open: &mut Vec<usize>,
    depth: usize,
) -> Vec<(Ending, Sets)> {
    if let Some(known) = memo.get(&(at, total)) {
        return known.clone();
    }
    // Validation guarantees an acyclic graph; the bound only keeps this total.
    if depth > method.nodes.len() {
        return Vec::new();
    }
    let met = meet(method, at, pair, found);
    let (taken, is_open) = (met.edge, met.basis() == Basis::Unknown);
    let node = &method.nodes[at];
    if is_open && !open.contains(&at) {
        open.push(at);
    }
    let edges: Vec<usize> = if is_open {
        (0..node.edges.len()).collect()
    } else {
        vec![taken]
    };
    let mut here: Vec<(Ending, Sets)> = Vec::new();
    for e in edges {
        let total = total.saturating_add(node.edges[e].points);
        let rest = match node.edges[e].target {
            Target::Node(n) => below(method, pair, found, n, total, memo, open, depth + 1),
            Target::Category(c) => vec![(Ending::Category(c), vec![Vec::new()])],
            Target::Bands => vec![(Ending::Total(total), vec![Vec::new()])],
        };
        for (ending, sets) in rest {
            let sets = sets.into_iter().map(|mut s| {
                if e != taken {
                    s.push((at, e));
                }
                s
            });
            match here.iter_mut().find(|(x, _)| *x == ending) {
                Some((_, all)) => all.extend(sets),
                None => here.push((ending, sets.collect())),
            }
        }
    }
    for (_, sets) in &mut here {
        *sets = smallest(std::mem::take(sets));
    }
    memo.insert((at, total), here.clone());
    here
}

/// The category an ending reaches, with `extra` points from a whole-case step.
pub(super) fn category_of(method: &Method, ending: Ending, extra: i64) -> usize {
    match ending {
        Ending::Category(c) => c,
        Ending::Total(t) => method
            .band_for(t.saturating_add(extra))
            .map_or(method.categories.len().saturating_sub(1), |(_, b)| {
                b.category
            }),
    }
}

/// The smallest sets among `sets`: those containing no other set of the list.
pub(super) fn smallest(mut sets: Sets) -> Sets {
    for s in &mut sets {
        s.sort_unstable();
    }
    sets.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    sets.dedup();
    let mut kept: Vec<Vec<(usize, usize)>> = Vec::new();
    for s in sets {
        if !kept.iter().any(|k| k.iter().all(|x| s.contains(x))) {
            kept.push(s);
        }
    }
    kept
}

/// What could change assessment `a` of `method` for the pair: every other
/// category its open answers reach, with the smallest sets of answers.
pub(super) fn what_if<'r>(
    rules: &'r RuleSet,
    method: &'r Method,
    a: &Assessment<'r>,
    explored: &Explored,
    extra: i64,
) -> WhatIf<'r> {
    let mut by_category: Vec<(usize, Sets)> = Vec::new();
    for (ending, sets) in &explored.endings {
        let c = category_of(method, *ending, extra);
        if method.categories[c].id == a.category {
            continue;
        }
        match by_category.iter_mut().find(|(x, _)| *x == c) {
            Some((_, all)) => all.extend(sets.iter().cloned()),
            None => by_category.push((c, sets.clone())),
        }
    }
    by_category.sort_by_key(|(c, _)| *c);
    let change = |(n, e): (usize, usize)| {
        let node = &method.nodes[n];
        Change {
            question: &node.id,
            asked: match node.ask {
                Ask::Finding(fid) => fid.name(),
                Ask::Assessor => "assessor",
            },
            answer: &node.edges[e].answer,
            points: node.edges[e].points,
        }
    };
    WhatIf {
        drug: a.drug.clone(),
        reaction: a.reaction.clone(),
        method: a.method,
        category: a.category,
        open: explored
            .open
            .iter()
            .map(|&n| method.nodes[n].id.as_str())
            .collect(),
        reachable: by_category
            .into_iter()
            .map(|(c, sets)| {
                let cat = &method.categories[c];
                Reachable {
                    category: &cat.id,
                    level: rules
                        .scale
                        .levels
                        .get(cat.level)
                        .map_or("", |l| l.id.as_str()),
                    by: smallest(sets)
                        .into_iter()
                        .map(|s| s.into_iter().map(change).collect())
                        .collect(),
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::SourceFile;

    /// Walks the graph with each open node's edge forced as `choose` says
    /// (`None`: the answer taken today); returns the category reached.
    fn forced(
        method: &Method,
        pair: &Pair,
        found: &mut Found,
        choose: &dyn Fn(usize) -> Option<usize>,
    ) -> usize {
        let (mut at, mut total) = (method.start, 0i64);
        for _ in 0..=method.nodes.len() {
            let taken = meet(method, at, pair, found).edge;
            let e = choose(at).unwrap_or(taken);
            let edge = &method.nodes[at].edges[e];
            total = total.saturating_add(edge.points);
            match edge.target {
                Target::Node(n) => at = n,
                Target::Category(c) => return category_of(method, Ending::Category(c), 0),
                Target::Bands => return category_of(method, Ending::Total(total), 0),
            }
        }
        unreachable!("validated graphs are acyclic")
    }

    /// For every fixture, pair and method: the categories the exploration
    /// reaches are exactly those of a brute-force walk over every combination
    /// of answers of every open question; each smallest set reaches its
    /// category when applied alone, and no set with one answer fewer does.
    #[test]
    fn reachable_categories_are_those_of_a_brute_force_walk_for_every_fixture() {
        let rules = crate::rules::load(&crate::rules::shipped_files()).expect("shipped rules");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        let (mut compared, mut with_sets) = (0, 0);
        for path in files {
            let file = SourceFile {
                name: path.display().to_string(),
                text: std::fs::read_to_string(&path).expect("fixture"),
            };
            let case = rules.load_case(&file).expect("valid fixture");
            let (reactions, _) = scope(&rules, &case);
            for d in 0..case.drugs.len() {
                for &r in &reactions {
                    let pair = Pair::new(&case, &rules.kb, d, r, &rules.policy);
                    for m in &rules.methods {
                        if !matches!(applicability(m, &pair), Applies::Yes) {
                            continue;
                        }
                        let mut found = Found::new();
                        let explored = explore(m, &pair, &mut found);
                        let mut reached: Vec<usize> = explored
                            .endings
                            .iter()
                            .map(|(e, _)| category_of(m, *e, 0))
                            .collect();
                        reached.sort_unstable();
                        reached.dedup();
                        // Every node whose answer rests on no information, met or not.
                        let open: Vec<usize> = (0..m.nodes.len())
                            .filter(|&n| meet(m, n, &pair, &mut found).basis() == Basis::Unknown)
                            .collect();
                        let combinations: usize =
                            open.iter().map(|&n| m.nodes[n].edges.len()).product();
                        assert!(combinations <= 1 << 20, "{}: {combinations}", file.name);
                        let mut brute = Vec::new();
                        for k in 0..combinations {
                            let mut rest = k;
                            let choice: Vec<(usize, usize)> = open
                                .iter()
                                .map(|&n| {
                                    let len = m.nodes[n].edges.len();
                                    let e = rest % len;
                                    rest /= len;
                                    (n, e)
                                })
                                .collect();
                            let choose =
                                |n: usize| choice.iter().find(|(x, _)| *x == n).map(|(_, e)| *e);
                            brute.push(forced(m, &pair, &mut found, &choose));
                        }
                        brute.sort_unstable();
                        brute.dedup();
                        assert_eq!(reached, brute, "{} {d} {r} {}", file.name, m.id);
                        compared += 1;
                        // The smallest sets per category, as a report gives them.
                        let mut by_category: Vec<(usize, Sets)> = Vec::new();
                        for (ending, sets) in &explored.endings {
                            let c = category_of(m, *ending, 0);
                            match by_category.iter_mut().find(|(x, _)| *x == c) {
                                Some((_, all)) => all.extend(sets.iter().cloned()),
                                None => by_category.push((c, sets.clone())),
                            }
                        }
                        let today = forced(m, &pair, &mut Found::new(), &|_| None);
                        for (c, sets) in by_category {
                            if c == today {
                                continue;
                            }
                            for set in smallest(sets) {
                                let apply = |s: &[(usize, usize)]| {
                                    let choose =
                                        |n: usize| s.iter().find(|(x, _)| *x == n).map(|(_, e)| *e);
                                    forced(m, &pair, &mut Found::new(), &choose)
                                };
                                assert_eq!(apply(&set), c, "{} {}: {set:?}", file.name, m.id);
                                for i in 0..set.len() {
                                    let mut fewer = set.clone();
                                    fewer.remove(i);
                                    assert_ne!(
                                        apply(&fewer),
                                        c,
                                        "{} {}: {set:?} is not the smallest",
                                        file.name,
                                        m.id
                                    );
                                }
                                with_sets += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(
            compared > 100 && with_sets > 100,
            "{compared} compared, {with_sets} sets"
        );
    }
}
