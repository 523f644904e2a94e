//! A method's decision graph as SVG for the HTML report, with the path one
//! assessment took, laid out by layout-rs (no Graphviz at run time).
//!
//! The picture is compact: a box per question (its id; the question is in
//! the trace beside it), one arrow per pair of boxes whatever the number of
//! answers that lead there, the answer taken in red with its points, and the
//! result. The DOT text given to layout-rs is ours; its SVG is taken as it is,
//! with its ids made unique to the picture, since a page holds several.

use crate::eval::Assessment;
use crate::rules::{Method, Target};
use layout::backends::svg::SVGWriter;
use layout::gv::{DotParser, GraphBuilder};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

const TAKEN: &str = "#b3261e";
const TAKEN_FILL: &str = "#fdecea";
const RESULT_FILL: &str = "#eaf4ea";

fn quoted(s: &str) -> String {
    // Our own ids and labels; DOT's quotes and backslashes kept out.
    format!("\"{}\"", s.replace(['\\', '"'], "'"))
}

/// The path to draw: the edges taken (node, edge), and for one assessment
/// its result and total.
pub struct Taken {
    pub edges: BTreeSet<(usize, usize)>,
    /// The category reached, as an index of the method's categories.
    pub result: Option<usize>,
    /// "total 6 (band 5 to 8)", for methods that add points.
    pub total: Option<String>,
}

impl Taken {
    /// The path of one assessment.
    pub fn of(method: &Method, a: &Assessment) -> Taken {
        Taken {
            edges: a
                .steps
                .iter()
                .filter_map(|s| {
                    let n = method.node_index(s.node)?;
                    Some((n, method.nodes[n].edge_for_answer(s.answer)?))
                })
                .collect(),
            result: method.categories.iter().position(|c| c.id == a.category),
            total: match (a.score, &a.band) {
                (Some(s), Some(b)) => Some(format!("total {s} (band {b})")),
                (Some(s), None) => Some(format!("total {s}")),
                _ => None,
            },
        }
    }
}

/// A box's attributes: outlined in red and filled when on the path.
fn box_look(on_path: bool, fill: &str) -> String {
    if on_path {
        format!(", color={}, fillcolor={}", quoted(TAKEN), quoted(fill))
    } else {
        String::new()
    }
}

/// The DOT text of the picture.
fn dot(method: &Method, path: &Taken) -> String {
    let taken = &path.edges;
    let reached = |i: usize| taken.iter().any(|(n, _)| *n == i);
    let mut out = String::from("digraph {\n");
    for (i, n) in method.nodes.iter().enumerate() {
        let look = box_look(reached(i), TAKEN_FILL);
        let _ = writeln!(
            out,
            "  {} [shape=box, label={}{look}];",
            quoted(&format!("n{i}")),
            quoted(&n.id)
        );
    }
    // The categories an edge ends in, and for sums the result through the bands.
    let result = path.result;
    let mut ends: Vec<usize> = method
        .nodes
        .iter()
        .flat_map(|n| n.edges.iter())
        .filter_map(|e| match e.target {
            Target::Category(c) => Some(c),
            _ => None,
        })
        .collect();
    let bands = method
        .nodes
        .iter()
        .any(|n| n.edges.iter().any(|e| e.target == Target::Bands));
    if bands {
        ends.extend(result);
    }
    ends.sort_unstable();
    ends.dedup();
    for c in ends {
        let look = box_look(Some(c) == result, RESULT_FILL);
        let _ = writeln!(
            out,
            "  {} [shape=box, label={}{look}];",
            quoted(&format!("c{c}")),
            quoted(&method.categories[c].label)
        );
    }
    if bands {
        let label = path.total.clone().unwrap_or_else(|| "total".to_owned());
        let reached = path.total.is_some()
            || taken
                .iter()
                .any(|&(n, e)| method.nodes[n].edges[e].target == Target::Bands);
        let look = box_look(reached, TAKEN_FILL);
        let _ = writeln!(
            out,
            "  \"bands\" [shape=box, label={}{look}];",
            quoted(&label)
        );
        if let (Some(c), true) = (result, reached) {
            let _ = writeln!(
                out,
                "  \"bands\" -> {} [color={}];",
                quoted(&format!("c{c}")),
                quoted(TAKEN)
            );
        }
    }
    for (i, n) in method.nodes.iter().enumerate() {
        // One arrow per pair of boxes: the answers that lead there, or the one taken.
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (j, e) in n.edges.iter().enumerate() {
            let to = match e.target {
                Target::Node(t) => format!("n{t}"),
                Target::Category(c) => format!("c{c}"),
                Target::Bands => "bands".to_owned(),
            };
            groups.entry(to).or_default().push(j);
        }
        let mut groups: Vec<(String, Vec<usize>)> = groups.into_iter().collect();
        groups.sort_by_key(|(_, edges)| edges[0]);
        for (to, edges) in groups {
            let chosen: Vec<usize> = edges
                .iter()
                .copied()
                .filter(|j| taken.contains(&(i, *j)))
                .collect();
            let (label, look) = match chosen.as_slice() {
                [_, ..] => {
                    let label = chosen
                        .iter()
                        .map(|&j| {
                            let e = &n.edges[j];
                            if method.has_score() {
                                format!("{} ({:+})", e.answer, e.points)
                            } else {
                                e.answer.clone()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    (label, format!(", color={}", quoted(TAKEN)))
                }
                [] => (
                    edges
                        .iter()
                        .map(|&j| n.edges[j].answer.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    String::new(),
                ),
            };
            let _ = writeln!(
                out,
                "  {} -> {} [label={}{look}];",
                quoted(&format!("n{i}")),
                quoted(&to),
                quoted(&label)
            );
        }
    }
    out.push_str("}\n");
    out
}

/// The picture laid out, as layout-rs writes it (a whole SVG document), or
/// nothing when layout fails.
fn laid_out(method: &Method, path: &Taken) -> String {
    let text = dot(method, path);
    let mut parser = DotParser::new(&text);
    let Ok(graph) = parser.process() else {
        return String::new();
    };
    let mut builder = GraphBuilder::new();
    builder.visit_graph(&graph);
    let mut visual = builder.get();
    let mut writer = SVGWriter::new();
    visual.do_it(false, false, false, &mut writer);
    sorted_styles(&writer.finalize())
}

/// A whole SVG file of a method's graph with the edges taken, for `causa
/// rules graph --format svg`.
pub fn standalone(method: &Method, path: &Taken) -> String {
    let mut s =
        laid_out(method, path).replace("font-family: Times, serif", "font-family: sans-serif");
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// The picture as an inline SVG element, its ids prefixed with `prefix`
/// (unique in the page), or nothing when layout fails.
pub fn svg(method: &Method, a: &Assessment, prefix: &str) -> String {
    let raw = laid_out(method, &Taken::of(method, a));
    if raw.is_empty() {
        return raw;
    }
    let body = raw
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>")
        .unwrap_or(&raw);
    body
        // Inline SVG in HTML needs no namespace, and the page names no address.
        .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
        .replacen(
            "<svg ",
            &format!(
                "<svg class=\"graph\" role=\"img\" aria-label=\"{}\" ",
                label_of(method, a)
            ),
            1,
        )
        .replace("id=\"", &format!("id=\"{prefix}-"))
        .replace("href=\"#", &format!("href=\"#{prefix}-"))
        .replace("url(#", &format!("url(#{prefix}-"))
        .replace(
            "font-family: Times, serif",
            "font-family: system-ui, sans-serif",
        )
}

/// layout-rs writes its font classes in hash-map order; sorted, the same
/// graph gives the same bytes in every run.
fn sorted_styles(svg: &str) -> String {
    let (Some(a), Some(b)) = (svg.find("<style>\n"), svg.find("</style>")) else {
        return svg.to_owned();
    };
    let start = a + "<style>\n".len();
    if b < start {
        return svg.to_owned();
    }
    let mut lines: Vec<&str> = svg[start..b].lines().collect();
    lines.sort_unstable();
    let mut out = String::with_capacity(svg.len());
    out.push_str(&svg[..start]);
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    out.push_str(&svg[b..]);
    out
}

/// The picture in words, for screen readers: its method and where the path ended.
fn label_of(method: &Method, a: &Assessment) -> String {
    let text = format!(
        "The decision graph of {}; this pair's path ends in {}",
        method.name, a.category_label
    );
    super::svg::esc(&text)
}
