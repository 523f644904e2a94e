//! What validation reads off a method's graph as a whole: its cycles, and
//! the totals with which a walk can reach the bands.

use super::super::{Node, Target};
use super::MAX_CYCLES;
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{BTreeMap, BTreeSet};

/// Every elementary cycle, each starting at its smallest node, in a stable order.
pub(super) fn find_cycles(graph: &DiGraph<usize, usize>) -> Vec<Vec<usize>> {
    let mut cycles = Vec::new();
    for scc in tarjan_scc(graph) {
        let members: BTreeSet<usize> = scc.iter().map(|n| graph[*n]).collect();
        let self_loop = scc.len() == 1 && graph.contains_edge(scc[0], scc[0]);
        if scc.len() < 2 && !self_loop {
            continue;
        }
        // Enumerate simple cycles through each member as the smallest node.
        for &s in &members {
            let mut path = vec![s];
            walk_cycles(graph, s, s, &members, &mut path, &mut cycles);
            if cycles.len() > MAX_CYCLES {
                break;
            }
        }
    }
    cycles.sort();
    cycles.dedup();
    cycles
}

fn walk_cycles(
    graph: &DiGraph<usize, usize>,
    start: usize,
    at: usize,
    members: &BTreeSet<usize>,
    path: &mut Vec<usize>,
    out: &mut Vec<Vec<usize>>,
) {
    if out.len() > MAX_CYCLES {
        return;
    }
    let mut next: Vec<usize> = graph
        .neighbors(NodeIndex::new(at))
        .map(|n| graph[n])
        .collect();
    next.sort();
    next.dedup();
    for n in next {
        if n == start {
            out.push(path.clone());
        } else if n > start && members.contains(&n) && !path.contains(&n) {
            path.push(n);
            walk_cycles(graph, start, n, members, path, out);
            path.pop();
        }
    }
}

/// The totals with which evaluation can reach a `score-band` end (graph known acyclic).
pub(super) fn reachable_band_totals(nodes: &[Node], start: usize) -> Vec<i64> {
    let mut memo: BTreeMap<usize, BTreeSet<i64>> = BTreeMap::new();
    fn from(
        node: usize,
        nodes: &[Node],
        memo: &mut BTreeMap<usize, BTreeSet<i64>>,
    ) -> BTreeSet<i64> {
        if let Some(m) = memo.get(&node) {
            return m.clone();
        }
        let mut out = BTreeSet::new();
        for e in &nodes[node].edges {
            match e.target {
                Target::Bands => {
                    out.insert(e.points);
                }
                Target::Category(_) => {}
                Target::Node(n) => {
                    for t in from(n, nodes, memo) {
                        out.insert(t.saturating_add(e.points));
                    }
                }
            }
        }
        memo.insert(node, out.clone());
        out
    }
    from(start, nodes, &mut memo).into_iter().collect()
}
