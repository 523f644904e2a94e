//! Pictures of a method's decision graph (Graphviz DOT or Mermaid), with the
//! edges a case's assessments took drawn in bold.

use crate::eval::Assessment;
use crate::rules::{Method, Target};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The edges taken, as (node index, edge index), by a set of assessments of this method.
pub fn taken_edges(method: &Method, assessments: &[&Assessment]) -> BTreeSet<(usize, usize)> {
    let mut out = BTreeSet::new();
    for a in assessments.iter().filter(|a| a.method == method.id) {
        for s in &a.steps {
            if let Some(n) = method.node_index(s.node)
                && let Some(e) = method.nodes[n].edge_for_answer(s.answer)
            {
                out.insert((n, e));
            }
        }
    }
    out
}

fn edge_label(method: &Method, n: usize, e: usize) -> String {
    let edge = &method.nodes[n].edges[e];
    if method.has_score() {
        format!("{} ({:+})", edge.answer, edge.points)
    } else {
        edge.answer.clone()
    }
}

/// A method's score bands, a line each: `probable: 5 to 8`.
fn band_lines(method: &Method) -> Vec<String> {
    method
        .bands
        .iter()
        .map(|b| format!("{}: {}", method.categories[b.category].id, b.text()))
        .collect()
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Graphviz DOT.
pub fn dot(method: &Method, taken: &BTreeSet<(usize, usize)>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", escape(&method.id));
    let _ = writeln!(
        out,
        "  label=\"{} {}\";",
        escape(&method.name),
        escape(&method.version)
    );
    let _ = writeln!(out, "  rankdir=TB;");
    let _ = writeln!(out, "  node [shape=box, fontname=\"Helvetica\"];");
    let reached: BTreeSet<usize> = taken.iter().map(|(n, _)| *n).collect();
    for (i, n) in method.nodes.iter().enumerate() {
        let style = if reached.contains(&i) {
            ", penwidth=2"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  \"{}\" [label=\"{}\\n{}\"{style}];",
            escape(&n.id),
            escape(&n.id),
            escape(&n.question)
        );
    }
    for c in &method.categories {
        let _ = writeln!(
            out,
            "  \"category:{}\" [shape=ellipse, label=\"{}\"];",
            escape(&c.id),
            escape(&c.label)
        );
    }
    if method.has_score() {
        // Each line escaped on its own, then joined with DOT's line break `\n`.
        let lines: Vec<String> = band_lines(method).iter().map(|b| escape(b)).collect();
        let _ = writeln!(
            out,
            "  \"score-band\" [shape=diamond, label=\"score bands\\n{}\"];",
            lines.join("\\n")
        );
    }
    for (i, n) in method.nodes.iter().enumerate() {
        for (j, e) in n.edges.iter().enumerate() {
            let to = match e.target {
                Target::Node(t) => method.nodes[t].id.clone(),
                Target::Category(c) => format!("category:{}", method.categories[c].id),
                Target::Bands => "score-band".to_owned(),
            };
            let style = if taken.contains(&(i, j)) {
                ", color=\"red\", penwidth=3"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  \"{}\" -> \"{}\" [label=\"{}\"{style}];",
                escape(&n.id),
                escape(&to),
                escape(&edge_label(method, i, j))
            );
        }
    }
    out.push_str("}\n");
    out
}

/// Mermaid flowchart.
pub fn mermaid(method: &Method, taken: &BTreeSet<(usize, usize)>) -> String {
    let clean = |s: &str| s.replace('"', "'");
    let mut out = String::from("flowchart TD\n");
    for (i, n) in method.nodes.iter().enumerate() {
        let _ = writeln!(out, "  n{i}[\"{}: {}\"]", clean(&n.id), clean(&n.question));
    }
    for (i, c) in method.categories.iter().enumerate() {
        let _ = writeln!(out, "  c{i}([\"{}\"])", clean(&c.label));
    }
    if method.has_score() {
        let bands: Vec<String> = band_lines(method).iter().map(|b| clean(b)).collect();
        let _ = writeln!(
            out,
            "  bands{{\"score bands<br/>{}\"}}",
            bands.join("<br/>")
        );
    }
    let mut link = 0;
    let mut bold = Vec::new();
    for (i, n) in method.nodes.iter().enumerate() {
        for (j, e) in n.edges.iter().enumerate() {
            let to = match e.target {
                Target::Node(t) => format!("n{t}"),
                Target::Category(c) => format!("c{c}"),
                Target::Bands => "bands".to_owned(),
            };
            let _ = writeln!(
                out,
                "  n{i} -->|\"{}\"| {to}",
                clean(&edge_label(method, i, j))
            );
            if taken.contains(&(i, j)) {
                bold.push(link.to_string());
            }
            link += 1;
        }
    }
    if !bold.is_empty() {
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:red,stroke-width:3px",
            bold.join(",")
        );
    }
    out
}
