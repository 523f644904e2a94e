//! Checks one method file and builds its graph; checks the scale.
//!
//! Every problem is collected: duplicate ids, unknown findings, finding
//! outcomes with no edge, dangling `next`, undefined categories, unreachable
//! nodes, every cycle in full, and score bands that overlap or leave a
//! reachable total without a category.

use super::doc::*;
use super::*;
use crate::diagnostic::{Diagnostic, Diagnostics, Pos, SourceFile, from_yaml_error};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::Dfs;
use serde_saphyr::Spanned;

mod graph;
use graph::{find_cycles, reachable_band_totals};
use std::collections::{BTreeMap, BTreeSet};

const ASSESSOR: &str = "assessor";
const SCORE_BAND: &str = "score-band";
const UNKNOWN: &str = "unknown";
/// Points an edge may carry; far beyond any published method, and small enough
/// that totals can neither overflow nor grow the band check out of bounds.
const MAX_POINTS: i64 = 1000;
/// Enough cycles to show any real mistake without flooding the screen.
const MAX_CYCLES: usize = 50;

fn pos_of<T>(s: &Spanned<T>) -> Pos {
    Pos::from_location(&s.referenced)
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

pub(super) fn scale(f: &SourceFile) -> Result<Scale, Diagnostics> {
    let doc: ScaleDoc =
        serde_saphyr::from_str(&f.text).map_err(|e| Diagnostics::from(from_yaml_error(f, &e)))?;
    let mut diags = Diagnostics::default();
    let mut levels: Vec<Level> = Vec::new();
    for l in doc.levels {
        let id = l.value.id.value.trim().to_owned();
        if levels.iter().any(|x| x.id == id) {
            diags.push(
                Diagnostic::new(
                    "rules::duplicate-id",
                    f,
                    pos_of(&l.value.id),
                    format!("level `{id}` is defined twice"),
                )
                .with_help("each level id must be unique"),
            );
        }
        levels.push(Level {
            id,
            label: l.value.label,
            rank: l.value.rank,
        });
    }
    if levels.is_empty() {
        diags.push(
            Diagnostic::whole_file("rules::empty-scale", &f.name, "the common scale has no levels")
                .with_help("list the levels categories are placed on, strongest first; copy them from the shipped `scale.yaml`"),
        );
    }
    if diags.is_empty() {
        Ok(Scale { levels })
    } else {
        Err(diags)
    }
}

struct Ctx<'a> {
    f: &'a SourceFile,
    diags: Diagnostics,
}

impl Ctx<'_> {
    fn error(
        &mut self,
        code: &'static str,
        pos: Pos,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diags
            .push(Diagnostic::new(code, self.f, pos, message).with_help(help));
    }

    fn unknown(
        &mut self,
        code: &'static str,
        pos: Pos,
        message: String,
        given: &str,
        candidates: &[&str],
    ) {
        let d = Diagnostic::new(code, self.f, pos, message)
            .with_suggestion(given, candidates.iter().copied());
        let d = if d.help.is_none() && !candidates.is_empty() {
            d.with_help(format!("expected one of: {}", candidates.join(", ")))
        } else {
            d
        };
        self.diags.push(d);
    }
}

pub(super) fn method(
    doc: MethodFileDoc,
    f: &SourceFile,
    scale: &Scale,
    phenotype_ids: &[&str],
) -> Result<Method, Diagnostics> {
    let mut cx = Ctx {
        f,
        diags: Diagnostics::default(),
    };
    let id = doc.method.id.value.trim().to_owned();
    if !is_kebab(&id) {
        cx.error(
            "rules::bad-id",
            pos_of(&doc.method.id),
            format!("method id `{id}` is not lowercase kebab-case"),
            "use lowercase letters, digits and `-`, for example `who-umc`",
        );
    }

    // Categories.
    let level_ids: Vec<&str> = scale.levels.iter().map(|l| l.id.as_str()).collect();
    let mut categories: Vec<Category> = Vec::new();
    for c in &doc.categories {
        let cid = c.value.id.value.trim().to_owned();
        let at = pos_of(&c.value.id);
        if !is_kebab(&cid) {
            cx.error(
                "rules::bad-id",
                at,
                format!("category id `{cid}` is not lowercase kebab-case"),
                "category ids appear in JSON output; use lowercase letters, digits and `-`",
            );
        }
        if categories.iter().any(|x| x.id == cid) {
            cx.error(
                "rules::duplicate-id",
                at,
                format!("category `{cid}` is defined twice"),
                "each category id must be unique in a method",
            );
        }
        let lv = c.value.level.value.trim();
        let level = match level_ids.iter().position(|l| *l == lv) {
            Some(i) => i,
            None => {
                // An empty or missing scale is reported once, not for every category.
                if !scale.levels.is_empty() {
                    cx.unknown(
                        "rules::unknown-level",
                        pos_of(&c.value.level),
                        format!("level `{lv}` is not on the common scale"),
                        lv,
                        &level_ids,
                    );
                }
                0
            }
        };
        categories.push(Category {
            id: cid,
            label: c.value.label.clone(),
            level,
            description: c.value.description.clone(),
        });
    }
    let category_ids: Vec<&str> = categories.iter().map(|c| c.id.as_str()).collect();
    let category_index = |cx: &mut Ctx, t: &Spanned<String>, what: &str| -> Option<usize> {
        let v = t.value.trim();
        let i = category_ids.iter().position(|c| *c == v);
        if i.is_none() {
            cx.unknown(
                "rules::undefined-category",
                pos_of(t),
                format!("{what} names category `{v}`, which the method does not define"),
                v,
                &category_ids,
            );
        }
        i
    };

    // Bands.
    let mut bands = Vec::new();
    let bands_pos = doc.bands.as_ref().map(pos_of).unwrap_or(Pos::UNKNOWN);
    let band_docs: Vec<Spanned<BandDoc>> = doc.bands.map(|b| b.value).unwrap_or_default();
    for b in &band_docs {
        let cat = category_index(&mut cx, &b.value.category, "band");
        if let (Some(lo), Some(hi)) = (b.value.min, b.value.max)
            && lo > hi
        {
            cx.error(
                "rules::bad-band",
                pos_of(b),
                format!(
                    "band `{}` has min {lo} above max {hi}",
                    b.value.category.value
                ),
                "swap them, or correct the bound",
            );
        }
        if let Some(cat) = cat {
            bands.push((
                Band {
                    category: cat,
                    min: b.value.min,
                    max: b.value.max,
                },
                pos_of(b),
            ));
        }
    }
    for i in 0..bands.len() {
        for j in i + 1..bands.len() {
            let (a, pa) = bands[i];
            let (b, pb) = bands[j];
            let lo = a.min.unwrap_or(i64::MIN).max(b.min.unwrap_or(i64::MIN));
            let hi = a.max.unwrap_or(i64::MAX).min(b.max.unwrap_or(i64::MAX));
            if lo <= hi {
                let shown = |x: i64| {
                    if x == i64::MIN || x == i64::MAX {
                        "…".to_owned()
                    } else {
                        x.to_string()
                    }
                };
                cx.error(
                    "rules::overlapping-bands",
                    pb,
                    format!(
                        "bands `{}` and `{}` overlap on totals {} to {}",
                        categories[a.category].id,
                        categories[b.category].id,
                        shown(lo),
                        shown(hi)
                    ),
                    format!(
                        "the band on line {} and this one must not share a total",
                        pa.line
                    ),
                );
            }
        }
    }

    // Nodes: ids first, so edges may point forwards.
    let mut node_ids: Vec<String> = Vec::new();
    for n in &doc.nodes {
        let nid = n.value.id.value.trim().to_owned();
        if node_ids.contains(&nid) {
            cx.error(
                "rules::duplicate-id",
                pos_of(&n.value.id),
                format!("node `{nid}` is defined twice"),
                "each node id must be unique in a method",
            );
        }
        node_ids.push(nid);
    }
    let node_names: Vec<&str> = node_ids.iter().map(String::as_str).collect();
    let finding_names: Vec<&str> = std::iter::once(ASSESSOR)
        .chain(FindingId::ALL.iter().map(|f| f.name()))
        .collect();

    let mut nodes: Vec<Node> = Vec::new();
    // (from node, edge index, to node, position of `next`), for the graph.
    let mut links: Vec<(usize, usize, usize, Pos)> = Vec::new();
    let mut uses_bands: Option<Pos> = None;
    // The method's reading for uncertain outcomes; a node may set its own.
    let method_reading = match &doc.method.when_uncertain {
        Some(t) => match t.value.trim() {
            "lower" => Reading::Lower,
            "higher" => Reading::Higher,
            "lower-unless-against" => Reading::LowerUnlessAgainst,
            other => {
                cx.unknown(
                    "rules::bad-reading",
                    pos_of(t),
                    format!("`when_uncertain` is `{other}`"),
                    other,
                    &["lower", "higher", "lower-unless-against"],
                );
                Reading::Lower
            }
        },
        None => Reading::Lower,
    };
    for (ni, n) in doc.nodes.iter().enumerate() {
        let nd = &n.value;
        let nid = &node_ids[ni];
        let ask_name = nd.ask.value.trim();
        let ask = if ask_name == ASSESSOR {
            Some(Ask::Assessor)
        } else {
            match FindingId::from_name(ask_name) {
                Some(fid) => Some(Ask::Finding(fid)),
                None => {
                    cx.unknown(
                        "rules::unknown-finding",
                        pos_of(&nd.ask),
                        format!("node `{nid}` asks for `{ask_name}`, which is not a finding"),
                        ask_name,
                        &finding_names,
                    );
                    None
                }
            }
        };
        let criterion_of = nd
            .criterion_of
            .as_ref()
            .and_then(|c| category_index(&mut cx, c, "`criterion_of`"));
        let mut edges = Vec::new();
        let mut answers: BTreeMap<String, Pos> = BTreeMap::new();
        let mut covered: BTreeMap<String, Pos> = BTreeMap::new();
        for (ei, e) in nd.edges.iter().enumerate() {
            let ed = &e.value;
            if ed.points.abs() > MAX_POINTS {
                cx.error(
                    "rules::points-out-of-range",
                    pos_of(e),
                    format!(
                        "edge `{}` of node `{nid}` carries `{}` points",
                        ed.answer.value.trim(),
                        ed.points
                    ),
                    format!("points must lie between -{MAX_POINTS} and {MAX_POINTS}"),
                );
            }
            let answer = ed.answer.value.trim().to_owned();
            if let Some(first) = answers.insert(answer.clone(), pos_of(&ed.answer)) {
                cx.error("rules::duplicate-answer", pos_of(&ed.answer), format!("node `{nid}` has two edges answering `{answer}`"), format!("the first is on line {}; list every outcome that gives this answer under one edge's `when`", first.line));
            }
            let when: Vec<(String, Pos)> = match &ed.when {
                Some(list) => list
                    .iter()
                    .map(|w| (w.value.trim().to_owned(), pos_of(w)))
                    .collect(),
                None => vec![(answer.clone(), pos_of(&ed.answer))],
            };
            if let Some(Ask::Finding(fid)) = ask {
                for (w, at) in &when {
                    if !fid.outcomes().contains(&w.as_str()) {
                        cx.unknown(
                            "rules::unknown-outcome",
                            *at,
                            format!("finding `{}` has no outcome `{w}`", fid.name()),
                            w,
                            fid.outcomes(),
                        );
                    }
                }
            }
            for (w, at) in &when {
                if let Some(first) = covered.insert(w.clone(), *at) {
                    cx.error(
                        "rules::outcome-routed-twice",
                        *at,
                        format!("outcome `{w}` of node `{nid}` is routed by two edges"),
                        format!(
                            "it is already routed on line {}; each outcome takes exactly one edge",
                            first.line
                        ),
                    );
                }
            }
            let target = match (&ed.next, &ed.result) {
                (Some(next), None) => {
                    let to = next.value.trim();
                    match node_names.iter().position(|x| *x == to) {
                        Some(ti) => {
                            links.push((ni, ei, ti, pos_of(next)));
                            Some(Target::Node(ti))
                        }
                        None => {
                            cx.unknown("rules::dangling-reference", pos_of(next), format!("edge `{answer}` of node `{nid}` goes to `{to}`, which is not a node"), to, &node_names);
                            None
                        }
                    }
                }
                (None, Some(result)) if result.value.trim() == SCORE_BAND => {
                    if uses_bands.is_none() {
                        uses_bands = Some(pos_of(result));
                    }
                    Some(Target::Bands)
                }
                (None, Some(result)) => {
                    category_index(&mut cx, result, &format!("edge `{answer}` of node `{nid}`"))
                        .map(Target::Category)
                }
                (Some(_), Some(_)) => {
                    cx.error(
                        "rules::ambiguous-edge",
                        pos_of(e),
                        format!("edge `{answer}` of node `{nid}` has both `next` and `result`"),
                        "an edge either goes to another node (`next`) or ends (`result`)",
                    );
                    None
                }
                (None, None) => {
                    cx.error(
                        "rules::edge-goes-nowhere",
                        pos_of(e),
                        format!("edge `{answer}` of node `{nid}` has neither `next` nor `result`"),
                        "add `next: NODE`, `result: CATEGORY` or `result: score-band`",
                    );
                    None
                }
            };
            if let Some(target) = target {
                edges.push(Edge {
                    answer,
                    when: when.into_iter().map(|w| w.0).collect(),
                    points: ed.points,
                    target,
                });
            }
        }
        // Answers with no edge: every outcome must be routed.
        match ask {
            Some(Ask::Finding(fid)) => {
                for o in fid.outcomes() {
                    if !covered.contains_key(*o) {
                        cx.error(
                            "rules::unrouted-outcome",
                            pos_of(&nd.ask),
                            format!(
                                "outcome `{o}` of finding `{}` has no edge in node `{nid}`",
                                fid.name()
                            ),
                            format!("add `{o}` to the `when` list of the edge it should take"),
                        );
                    }
                }
            }
            Some(Ask::Assessor) if !covered.contains_key(UNKNOWN) => {
                cx.error("rules::unrouted-outcome", pos_of(&nd.ask), format!("assessor question `{nid}` has no edge for `unknown`"), "add `unknown` to the `when` list of the edge taken when no assessor has answered");
            }
            Some(Ask::Assessor) | None => {}
        }
        let when_uncertain = match &nd.when_uncertain {
            Some(t) => match t.value.trim() {
                "lower" => Reading::Lower,
                "higher" => Reading::Higher,
                "lower-unless-against" => Reading::LowerUnlessAgainst,
                other => match edges.iter().position(|e| e.answer == other) {
                    Some(i) => Reading::Answer(i),
                    None => {
                        let mut choices: Vec<&str> =
                            vec!["lower", "higher", "lower-unless-against"];
                        choices.extend(edges.iter().map(|e| e.answer.as_str()));
                        cx.unknown(
                            "rules::bad-reading",
                            pos_of(t),
                            format!("`when_uncertain` of node `{nid}` is `{other}`, which is neither a reading nor one of its answers"),
                            other,
                            &choices,
                        );
                        method_reading
                    }
                },
            },
            None => method_reading,
        };
        let provisional_unanswered = match &nd.unanswered {
            None => false,
            Some(t) if !matches!(ask, Some(Ask::Assessor)) => {
                cx.error(
                    "rules::unanswered-not-assessor",
                    pos_of(t),
                    format!("`unanswered` is given for node `{nid}`, which a finding answers"),
                    "`unanswered` says what a question only an assessor answers reads when no one has; leave it out here",
                );
                false
            }
            Some(t) => match t.value.trim() {
                "unknown" => false,
                "provisional" => true,
                other => {
                    cx.unknown(
                        "rules::bad-unanswered",
                        pos_of(t),
                        format!("`unanswered` of node `{nid}` is `{other}`"),
                        other,
                        &["unknown", "provisional"],
                    );
                    false
                }
            },
        };
        let mut node = Node {
            by_outcome: Vec::new(),
            assessor_trace: None,
            provisional_unanswered,
            when_uncertain,
            id: nid.clone(),
            question: nd.question.trim().to_owned(),
            rationale: nd.rationale.trim().to_owned(),
            reference: nd.reference.trim().to_owned(),
            ask: ask.unwrap_or(Ask::Assessor),
            criterion_of,
            edges,
            line: pos_of(n).line,
        };
        node.by_outcome = node.outcome_table();
        nodes.push(node);
    }
    if let Some(at) = uses_bands
        && band_docs.is_empty()
    {
        cx.error(
            "rules::missing-bands",
            at,
            "edges end in `score-band` but the method has no `bands`",
            "add `bands`, or end the edges in categories",
        );
    }

    let start_name = doc.start.value.trim();
    let start = node_names.iter().position(|n| *n == start_name);
    if start.is_none() {
        cx.unknown(
            "rules::dangling-reference",
            pos_of(&doc.start),
            format!("start node `{start_name}` is not a node"),
            start_name,
            &node_names,
        );
    }

    // The graph: reachability and cycles.
    let mut graph: DiGraph<usize, usize> = DiGraph::new();
    let ix: Vec<NodeIndex> = (0..doc.nodes.len()).map(|i| graph.add_node(i)).collect();
    for (from, edge, to, _) in &links {
        graph.add_edge(ix[*from], ix[*to], *edge);
    }
    if let Some(s) = start {
        let mut reached = BTreeSet::new();
        let mut dfs = Dfs::new(&graph, ix[s]);
        while let Some(n) = dfs.next(&graph) {
            reached.insert(graph[n]);
        }
        for (i, n) in doc.nodes.iter().enumerate() {
            if !reached.contains(&i) && i < node_ids.len() {
                cx.error(
                    "rules::unreachable-node",
                    pos_of(&n.value.id),
                    format!(
                        "node `{}` cannot be reached from the start node `{start_name}`",
                        node_ids[i]
                    ),
                    "point an edge's `next` at it, or remove it",
                );
            }
        }
    }
    let cycles = find_cycles(&graph);
    let acyclic = cycles.is_empty();
    for cycle in cycles.iter().take(MAX_CYCLES) {
        let path: Vec<&str> = cycle
            .iter()
            .chain(cycle.first())
            .map(|i| node_ids[*i].as_str())
            .collect();
        let last = cycle[cycle.len() - 1];
        let first = cycle[0];
        let at = links
            .iter()
            .find(|(a, _, b, _)| *a == last && *b == first)
            .map(|l| l.3)
            .unwrap_or(Pos::UNKNOWN);
        cx.error(
            "rules::cycle",
            at,
            format!("cycle `{}`", path.join(" -> ")),
            "a decision graph must not loop; point one of these edges further down",
        );
    }
    if cycles.len() > MAX_CYCLES {
        cx.error(
            "rules::cycle",
            Pos::UNKNOWN,
            format!("{} more cycles not shown", cycles.len() - MAX_CYCLES),
            "fix the cycles above first",
        );
    }

    let compare = doc.compare_drugs.as_ref().map(|c| {
        if band_docs.is_empty() {
            cx.error(
                "rules::compare-without-bands",
                pos_of(c),
                "`compare_drugs` needs `bands`: it changes totals before they are banded",
                "add `bands`, or remove `compare_drugs`",
            );
        }
        if c.value.points.abs() > MAX_POINTS {
            cx.error(
                "rules::points-out-of-range",
                pos_of(c),
                format!("`compare_drugs` carries `{}` points", c.value.points),
                format!("points must lie between -{MAX_POINTS} and {MAX_POINTS}"),
            );
        }
        Compare {
            id: c.value.id.value.trim().to_owned(),
            question: c.value.question.trim().to_owned(),
            rationale: c.value.rationale.trim().to_owned(),
            reference: c.value.reference.trim().to_owned(),
            top_total_above: c.value.top_total_above,
            points: c.value.points,
        }
    });
    // Reachable totals at `score-band` ends must each fall in a band.
    if acyclic && let Some(s) = start {
        let mut totals = reachable_band_totals(&nodes, s);
        if let Some(c) = &compare {
            let shifted: Vec<i64> = totals.iter().map(|t| t.saturating_add(c.points)).collect();
            totals.extend(shifted);
            totals.sort();
            totals.dedup();
        }
        let missing: Vec<i64> = totals
            .iter()
            .copied()
            .filter(|t| !bands.iter().any(|(b, _)| b.contains(*t)))
            .collect();
        if !missing.is_empty() {
            let list: Vec<String> = missing.iter().map(i64::to_string).collect();
            cx.error(
                "rules::band-gap",
                bands_pos,
                format!(
                    "reachable {} {} in no band",
                    if missing.len() == 1 {
                        "total"
                    } else {
                        "totals"
                    },
                    list.join(", ")
                ),
                format!(
                    "reachable totals run from {} to {}; every one needs a category",
                    totals.first().copied().unwrap_or(0),
                    totals.last().copied().unwrap_or(0)
                ),
            );
        }
    }

    let applies_to = match doc.method.applies_to {
        Some(a) => {
            let known: Vec<&str> = phenotype_ids.to_vec();
            let phenotypes = a
                .phenotypes
                .unwrap_or_default()
                .iter()
                .map(|p| {
                    let v = p.value.trim().to_owned();
                    if !known.contains(&v.as_str()) {
                        cx.unknown("rules::unknown-phenotype", pos_of(p), format!("`applies_to` names phenotype `{v}`, which the knowledge base does not define"), &v, &known);
                    }
                    v
                })
                .collect();
            if let Some(n) = &a.taken_within_days
                && !(0..=36_600).contains(&n.value)
            {
                cx.error(
                    "rules::bad-applicability",
                    pos_of(n),
                    format!("`taken_within_days` is `{}`", n.value),
                    "give a number of days from 0 to 36600",
                );
            }
            Applicability {
                roles: a
                    .roles
                    .unwrap_or_else(|| vec![Role::Suspect, Role::Interacting]),
                phenotypes,
                taken_within_days: a.taken_within_days.map(|n| n.value),
            }
        }
        None => Applicability {
            roles: vec![Role::Suspect, Role::Interacting],
            phenotypes: Vec::new(),
            taken_within_days: None,
        },
    };
    let version = doc.method.version.value.trim().to_owned();
    match doc.method.changelog.first() {
        None => cx.error(
            "rules::missing-changelog",
            pos_of(&doc.method.version),
            format!("method `{id}` has no changelog"),
            format!("add `changelog:` with an entry for version `{version}` saying what it contains or changed"),
        ),
        Some(c) if c.value.version.value.trim() != version => cx.error(
            "rules::changelog-out-of-date",
            pos_of(&c.value.version),
            format!("the newest changelog entry is `{}`, but the method is version `{version}`", c.value.version.value.trim()),
            "add an entry for the new version at the top of `changelog`",
        ),
        Some(_) => {}
    }
    let changelog = doc
        .method
        .changelog
        .iter()
        .map(|c| {
            (
                c.value.version.value.trim().to_owned(),
                c.value.changes.trim().to_owned(),
            )
        })
        .collect();
    if !cx.diags.is_empty() {
        return Err(cx.diags);
    }
    let not_applicable_because = [
        format!(
            "{} applies to {} only",
            doc.method.name,
            applies_to.phenotypes.join(", ")
        ),
        format!(
            "{} scores drugs taken in the {} days before onset",
            doc.method.name,
            applies_to.taken_within_days.unwrap_or(0)
        ),
    ];
    let mut method = Method {
        band_texts: Vec::new(),
        not_applicable_because,
        changelog,
        id,
        name: doc.method.name,
        version: doc.method.version.value.trim().to_owned(),
        citation: doc.method.citation.trim().to_owned(),
        description: doc.method.description.map(|d| d.trim().to_owned()),
        applies_to,
        categories,
        bands: bands.into_iter().map(|(b, _)| b).collect(),
        nodes,
        start: start.unwrap_or(0),
        compare,
        file: f.name.clone(),
        id_pos: pos_of(&doc.method.id),
        _sealed: Sealed,
    };
    method.band_texts = method.bands.iter().map(|b| b.text()).collect();
    for i in 0..method.nodes.len() {
        if matches!(method.nodes[i].ask, Ask::Assessor) {
            let trace = AssessorTrace::new(&method.id, &method.nodes[i]);
            method.nodes[i].assessor_trace = Some(Box::new(trace));
        }
    }
    Ok(method)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_ids() {
        assert!(is_kebab("who-umc"));
        assert!(!is_kebab("WHO"));
        assert!(!is_kebab("-x"));
        assert!(!is_kebab(""));
    }

    #[test]
    fn bands_contain_their_bounds() {
        let b = Band {
            category: 0,
            min: Some(1),
            max: Some(4),
        };
        assert!(b.contains(1) && b.contains(4));
        assert!(!b.contains(0) && !b.contains(5));
        let open = Band {
            category: 0,
            min: None,
            max: Some(0),
        };
        assert!(open.contains(-100) && !open.contains(1));
    }
}
