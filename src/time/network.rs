//! A simple temporal network: time points, and bounded differences between them.
//!
//! Every time a case states is a constraint `min <= t(to) - t(from) <= max` in
//! whole days; a calendar date is a difference from the origin (day number 0).
//! [`Network::solve`] finds the tightest bounds the constraints imply between
//! every two points: all-pairs shortest paths (Floyd–Warshall) on the distance
//! graph, where a constraint is an arc `from -> to` of weight `max` and an arc
//! `to -> from` of weight `-min`. Constraints that contradict each other form a
//! negative cycle; [`Contradiction`] names every constraint on one.
//!
//! The network knows nothing of cases: constraints carry the index of the fact
//! that stated them, and [`Solved::path`] gives back the facts behind a bound.
//!
//! Floyd–Warshall is written here on a dense matrix of the points that carry a
//! constraint, rather than taken from petgraph, whose version returns the
//! distances in a hash map: every case of a batch builds and solves one
//! network, and that map would cost more than the solving. Above `DENSE_MAX`
//! points the cube would dominate, so a large network is solved
//! a point at a time when first asked about (Johnson's reweighting, then
//! Dijkstra forwards and backwards). petgraph's Bellman–Ford finds the cycle
//! behind a contradiction.

use super::{DaySpan, UNBOUNDED};
use std::sync::OnceLock;

/// A time point of a [`Network`]. [`Point::ORIGIN`] is day number 0 of the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Point(u32);

impl Point {
    pub const ORIGIN: Point = Point(0);

    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// `span.min <= t(to) - t(from) <= span.max`; an end at [`UNBOUNDED`] states nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Constraint {
    pub from: Point,
    pub to: Point,
    pub span: DaySpan,
    /// The caller's tag for the fact that states this constraint.
    pub fact: usize,
}

/// Time points and the constraints between them.
#[derive(Debug, Clone)]
pub struct Network {
    points: u32,
    constraints: Vec<Constraint>,
}

impl Default for Network {
    fn default() -> Self {
        Network::new()
    }
}

/// Constraints that cannot all hold: the indices (into
/// [`Network::constraints`]) of the constraints on one negative cycle, in the
/// order the cycle runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contradiction {
    pub constraints: Vec<usize>,
}

/// No arc, no point.
const NONE: u32 = u32::MAX;
/// No bound: far above any sum of stated days.
const INF: i64 = i64::MAX / 4;

impl Network {
    /// A network holding only the origin.
    pub fn new() -> Network {
        Network::with_capacity(0)
    }

    /// A network holding only the origin, with room for `constraints` constraints.
    pub fn with_capacity(constraints: usize) -> Network {
        Network {
            points: 1,
            constraints: Vec::with_capacity(constraints),
        }
    }

    /// Adds a new, unconstrained point.
    pub fn point(&mut self) -> Point {
        self.points += 1;
        Point(self.points - 1)
    }

    /// The number of points, the origin included.
    pub fn len(&self) -> usize {
        self.points as usize
    }

    pub fn is_empty(&self) -> bool {
        self.points == 0
    }

    pub fn constraints(&self) -> &[Constraint] {
        &self.constraints
    }

    /// States `span.min <= t(to) - t(from) <= span.max`.
    pub fn constrain(&mut self, from: Point, to: Point, span: DaySpan, fact: usize) {
        self.constraints.push(Constraint {
            from,
            to,
            span,
            fact,
        });
    }

    /// The tightest bounds between every two points.
    pub fn solve(&self) -> Result<Solved, Contradiction> {
        self.solve_with(|_| true)
    }

    /// The tightest bounds the constraints `keep` accepts imply.
    pub fn solve_with(&self, keep: impl Fn(&Constraint) -> bool) -> Result<Solved, Contradiction> {
        self.solve_as(keep, false)
    }

    /// Solves whole below [`DENSE_MAX`] points, a point at a time above it or when `sparse`.
    fn solve_as(
        &self,
        keep: impl Fn(&Constraint) -> bool,
        sparse: bool,
    ) -> Result<Solved, Contradiction> {
        let n = self.len();
        let kept = |c: &Constraint| (c.span.has_min() || c.span.has_max()) && keep(c);
        // Only points that some kept constraint bounds take part in the solution.
        let mut slot = vec![NONE; n];
        let mut k = 0u32;
        for c in self.constraints.iter().filter(|c| kept(c)) {
            for p in [c.from, c.to] {
                if slot[p.index()] == NONE {
                    slot[p.index()] = k;
                    k += 1;
                }
            }
        }
        let k = k as usize;
        if sparse || k > DENSE_MAX {
            return self.solve_sparse(slot, k, &kept);
        }
        let kk = k * k;
        let mut dist = vec![INF; kk];
        // The points before each end of a best path, then the constraint behind each direct arc.
        let mut links = vec![NONE; 2 * kk];
        let (prev, arc) = links.split_at_mut(kk);
        for i in 0..k {
            dist[i * k + i] = 0;
            prev[i * k + i] = i as u32;
        }
        for (ci, c) in self.constraints.iter().enumerate().filter(|(_, c)| kept(c)) {
            let (a, b) = (slot[c.from.index()] as usize, slot[c.to.index()] as usize);
            let mut set = |x: usize, y: usize, w: i64| {
                if w < dist[x * k + y] {
                    dist[x * k + y] = w;
                    prev[x * k + y] = x as u32;
                    arc[x * k + y] = ci as u32;
                }
            };
            if c.span.has_max() {
                set(a, b, c.span.max);
            }
            if c.span.has_min() {
                set(b, a, -c.span.min);
            }
        }
        for m in 0..k {
            for i in 0..k {
                let im = dist[i * k + m];
                if im >= INF {
                    continue;
                }
                for j in 0..k {
                    let mj = dist[m * k + j];
                    // Around a negative cycle distances fall without end: held at -INF,
                    // they stay negative (the contradiction is found below) and never overflow.
                    let via = (im + mj).max(-INF);
                    if mj < INF && via < dist[i * k + j] {
                        dist[i * k + j] = via;
                        prev[i * k + j] = prev[m * k + j];
                    }
                }
            }
        }
        if let Some(i) = (0..k).find(|&i| dist[i * k + i] < 0) {
            return Err(self.cycle_through(Some(i), k, &kept, &slot));
        }
        Ok(Solved {
            slot,
            k,
            matrix: Matrix::Dense { dist, links },
        })
    }

    /// Solving a network of more than [`DENSE_MAX`] constrained points, where
    /// a dense matrix would cost cubic time and square memory: Johnson's
    /// reweighting (potentials from Bellman–Ford), then one Dijkstra per point
    /// asked about, forwards and backwards, the first time it is asked about.
    fn solve_sparse(
        &self,
        slot: Vec<u32>,
        k: usize,
        kept: &impl Fn(&Constraint) -> bool,
    ) -> Result<Solved, Contradiction> {
        let mut out: Vec<Vec<Arc>> = vec![Vec::new(); k];
        let mut inc: Vec<Vec<Arc>> = vec![Vec::new(); k];
        let mut arcs: Vec<(usize, usize, i64)> = Vec::new();
        for (ci, c) in self.constraints.iter().enumerate().filter(|(_, c)| kept(c)) {
            let (a, b) = (slot[c.from.index()] as usize, slot[c.to.index()] as usize);
            let mut add = |x: usize, y: usize, w: i64| {
                out[x].push(Arc {
                    at: y as u32,
                    w,
                    c: ci as u32,
                });
                inc[y].push(Arc {
                    at: x as u32,
                    w,
                    c: ci as u32,
                });
                arcs.push((x, y, w));
            };
            if c.span.has_max() {
                add(a, b, c.span.max);
            }
            if c.span.has_min() {
                add(b, a, -c.span.min);
            }
        }
        // Potentials: shortest distances from a source joined to every point by 0.
        let mut h = vec![0i64; k];
        let mut settled = false;
        for _ in 0..=k {
            let mut changed = false;
            for &(x, y, w) in &arcs {
                if h[x] + w < h[y] {
                    h[y] = h[x] + w;
                    changed = true;
                }
            }
            if !changed {
                settled = true;
                break;
            }
        }
        if !settled {
            return Err(self.cycle_through(None, k, kept, &slot));
        }
        Ok(Solved {
            slot,
            k,
            matrix: Matrix::Sparse(Box::new(Sparse {
                fwd: (0..k).map(|_| OnceLock::new()).collect(),
                bwd: (0..k).map(|_| OnceLock::new()).collect(),
                out,
                inc,
                h,
            })),
        })
    }

    /// The constraints of a negative cycle, found with petgraph's
    /// Bellman–Ford over the kept constraints' arcs: from slot `start`, which
    /// lies on one, or else from a source joined to every point.
    fn cycle_through(
        &self,
        start: Option<usize>,
        k: usize,
        kept: &impl Fn(&Constraint) -> bool,
        slot: &[u32],
    ) -> Contradiction {
        use petgraph::graph::{DiGraph, NodeIndex};
        let kept: Vec<usize> = (0..self.constraints.len())
            .filter(|&i| kept(&self.constraints[i]))
            .collect();
        let mut g: DiGraph<(), f64> = DiGraph::with_capacity(k + 1, kept.len() * 2 + k);
        for _ in 0..k {
            g.add_node(());
        }
        // Each arc: (from, to, weight, constraint).
        let mut arcs: Vec<(usize, usize, i64, usize)> = Vec::new();
        for &ci in &kept {
            let c = &self.constraints[ci];
            let (a, b) = (slot[c.from.index()] as usize, slot[c.to.index()] as usize);
            if c.span.has_max() {
                arcs.push((a, b, c.span.max, ci));
            }
            if c.span.has_min() {
                arcs.push((b, a, -c.span.min, ci));
            }
        }
        for &(a, b, w, _) in &arcs {
            g.add_edge(NodeIndex::new(a), NodeIndex::new(b), w as f64);
        }
        let source = match start {
            Some(s) => NodeIndex::new(s),
            None => {
                let v = g.add_node(());
                for i in 0..k {
                    g.add_edge(v, NodeIndex::new(i), 0.0);
                }
                v
            }
        };
        let cycle = petgraph::algo::find_negative_cycle(&g, source).unwrap_or_default();
        let mut constraints = Vec::new();
        for (i, a) in cycle.iter().enumerate() {
            let b = cycle[(i + 1) % cycle.len()];
            // The tightest arc between the two: the cycle stays negative with it.
            let tightest = arcs
                .iter()
                .filter(|(x, y, _, _)| *x == a.index() && *y == b.index())
                .min_by_key(|(_, _, w, ci)| (*w, *ci));
            if let Some(&(_, _, _, ci)) = tightest
                && !constraints.contains(&ci)
            {
                constraints.push(ci);
            }
        }
        if constraints.is_empty() {
            // Not reached for a real negative cycle; name what touches the point anyway.
            constraints = kept
                .iter()
                .copied()
                .filter(|&ci| {
                    let c = &self.constraints[ci];
                    start.is_none_or(|s| {
                        slot[c.from.index()] as usize == s || slot[c.to.index()] as usize == s
                    })
                })
                .collect();
        }
        Contradiction { constraints }
    }
}

/// Networks of up to this many constrained points are solved whole
/// (Floyd–Warshall); larger ones a point at a time, when asked about.
const DENSE_MAX: usize = 64;

/// An arc of the distance graph: the point at its other end, its weight and
/// the constraint behind it.
#[derive(Debug, Clone, Copy)]
struct Arc {
    at: u32,
    w: i64,
    c: u32,
}

/// The shortest distances from (or to) one point, and the arc each path takes
/// last (or first): `(the point beyond, the constraint)`.
#[derive(Debug, Clone)]
struct Row {
    dist: Vec<i64>,
    via: Vec<(u32, u32)>,
}

/// A large network's arcs, the potentials that make every weight non-negative,
/// and the rows computed so far.
#[derive(Debug, Clone)]
struct Sparse {
    out: Vec<Vec<Arc>>,
    inc: Vec<Vec<Arc>>,
    h: Vec<i64>,
    /// Distances from each point.
    fwd: Vec<OnceLock<Row>>,
    /// Distances to each point.
    bwd: Vec<OnceLock<Row>>,
}

impl Sparse {
    /// Dijkstra on the reweighted arcs, from `s` along `out` (forwards) or
    /// towards `s` along `inc` (backwards); distances given back unweighted.
    fn row(&self, s: usize, forwards: bool) -> Row {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let k = self.h.len();
        let mut reduced = vec![INF; k];
        let mut via = vec![(NONE, NONE); k];
        let mut heap = BinaryHeap::new();
        reduced[s] = 0;
        heap.push(Reverse((0i64, s)));
        let arcs = if forwards { &self.out } else { &self.inc };
        while let Some(Reverse((d, u))) = heap.pop() {
            if d > reduced[u] {
                continue;
            }
            for a in &arcs[u] {
                let v = a.at as usize;
                // Forwards the arc runs u -> v; backwards it runs v -> u.
                let w = if forwards {
                    a.w + self.h[u] - self.h[v]
                } else {
                    a.w + self.h[v] - self.h[u]
                };
                if d + w < reduced[v] {
                    reduced[v] = d + w;
                    via[v] = (u as u32, a.c);
                    heap.push(Reverse((d + w, v)));
                }
            }
        }
        let dist = (0..k)
            .map(|v| {
                if reduced[v] >= INF {
                    INF
                } else if forwards {
                    reduced[v] - self.h[s] + self.h[v]
                } else {
                    reduced[v] - self.h[v] + self.h[s]
                }
            })
            .collect();
        Row { dist, via }
    }

    fn forwards(&self, s: usize) -> &Row {
        self.fwd[s].get_or_init(|| self.row(s, true))
    }

    fn backwards(&self, s: usize) -> &Row {
        self.bwd[s].get_or_init(|| self.row(s, false))
    }
}

/// The solution, whole for a small network, a row at a time for a large one.
#[derive(Debug, Clone)]
enum Matrix {
    Dense {
        /// `dist[i * k + j]`: the tightest upper bound of `t(j) - t(i)`.
        dist: Vec<i64>,
        /// `links[i * k + j]`: the point before `j` on the path that sets `dist`;
        /// `links[k * k + i * k + j]`: the constraint behind the tightest direct arc `i -> j`.
        links: Vec<u32>,
    },
    Sparse(Box<Sparse>),
}

/// The tightest bounds between every two points of a consistent network.
#[derive(Debug, Clone)]
pub struct Solved {
    /// For each point, its place in the solution, or [`NONE`] when no constraint bounds it.
    slot: Vec<u32>,
    k: usize,
    matrix: Matrix,
}

impl Solved {
    fn row(&self, p: Point) -> Option<usize> {
        self.slot
            .get(p.index())
            .copied()
            .filter(|&s| s != NONE)
            .map(|s| s as usize)
    }

    /// The tightest upper bound of `t(j) - t(i)`, between slots.
    fn dist(&self, i: usize, j: usize) -> i64 {
        match &self.matrix {
            Matrix::Dense { dist, .. } => dist[i * self.k + j],
            Matrix::Sparse(s) => s.forwards(i).dist[j],
        }
    }

    /// The tightest upper bound of `t(i) - t(j)`, between slots, from the rows of `i`.
    fn dist_back(&self, i: usize, j: usize) -> i64 {
        match &self.matrix {
            Matrix::Dense { dist, .. } => dist[j * self.k + i],
            Matrix::Sparse(s) => s.backwards(i).dist[j],
        }
    }

    /// What every consistent assignment of days agrees on for `t(to) - t(from)`.
    pub fn bounds(&self, from: Point, to: Point) -> DaySpan {
        if from == to {
            return DaySpan::exact(0);
        }
        let (Some(i), Some(j)) = (self.row(from), self.row(to)) else {
            return DaySpan::ANY;
        };
        let max = self.dist(i, j);
        let back = self.dist_back(i, j);
        DaySpan {
            min: if back >= INF {
                -UNBOUNDED
            } else {
                (-back).max(-UNBOUNDED)
            },
            max: if max >= INF {
                UNBOUNDED
            } else {
                max.min(UNBOUNDED)
            },
        }
    }

    /// The indices of the constraints along the path that sets the upper
    /// bound of `t(to) - t(from)`, from `from` to `to`; empty when nothing bounds it.
    pub fn path(&self, from: Point, to: Point) -> Vec<usize> {
        let (Some(i), Some(j)) = (self.row(from), self.row(to)) else {
            return Vec::new();
        };
        let k = self.k;
        if self.dist(i, j) >= INF {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut at = j;
        // A path visits each point at most once.
        for _ in 0..k {
            if at == i {
                break;
            }
            let (p, ci) = match &self.matrix {
                Matrix::Dense { links, .. } => {
                    let p = links[i * k + at];
                    (
                        p,
                        if p == NONE {
                            NONE
                        } else {
                            links[k * k + p as usize * k + at]
                        },
                    )
                }
                Matrix::Sparse(s) => s.forwards(i).via[at],
            };
            if p == NONE {
                break;
            }
            if ci != NONE {
                out.push(ci as usize);
            }
            at = p as usize;
        }
        out.reverse();
        out
    }

    /// The constraints behind both bounds of `t(to) - t(from)`: the upper
    /// bound's path, then those of the lower bound's not already named.
    pub fn explain(&self, from: Point, to: Point) -> Vec<usize> {
        let mut out = self.path(from, to);
        for c in self.path(to, from).into_iter().rev() {
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(min: i64, max: i64) -> DaySpan {
        DaySpan { min, max }
    }

    #[test]
    fn chains_keep_their_links_whatever_the_anchor() {
        // ibuprofen started some time in 2003-2010; lamotrigine 1 day later;
        // the rash 1 to 24 days after lamotrigine.
        let mut n = Network::new();
        let (ibu, ltg, rash) = (n.point(), n.point(), n.point());
        n.constrain(Point::ORIGIN, ibu, span(731_000, 734_000), 0);
        n.constrain(ibu, ltg, span(1, 1), 1);
        n.constrain(ltg, rash, span(1, 24), 2);
        let s = n.solve().unwrap();
        assert_eq!(s.bounds(ltg, rash), span(1, 24));
        assert_eq!(s.bounds(ibu, rash), span(2, 25));
        assert_eq!(s.bounds(rash, ibu), span(-25, -2));
        assert_eq!(s.path(ibu, rash), vec![1, 2]);
        assert_eq!(s.explain(ibu, rash), vec![1, 2]);
        assert_eq!(s.bounds(Point::ORIGIN, rash), span(731_002, 734_025));
    }

    #[test]
    fn order_alone_bounds_one_end() {
        let mut n = Network::new();
        let (a, b, c) = (n.point(), n.point(), n.point());
        n.constrain(a, b, span(0, UNBOUNDED), 0);
        let s = n.solve().unwrap();
        assert_eq!(s.bounds(a, b), span(0, UNBOUNDED));
        assert_eq!(s.bounds(a, c), DaySpan::ANY);
        assert_eq!(s.bounds(c, c), span(0, 0));
    }

    #[test]
    fn constraints_from_both_sides_meet() {
        // Onset between day 3 and day 10 after the start; the stop 2 days
        // before the onset; the stop no later than 5 days after the start.
        let mut n = Network::new();
        let (start, onset, stop) = (n.point(), n.point(), n.point());
        n.constrain(start, onset, span(3, 10), 0);
        n.constrain(onset, stop, span(-2, -2), 1);
        n.constrain(start, stop, span(0, 5), 2);
        let s = n.solve().unwrap();
        assert_eq!(s.bounds(start, onset), span(3, 7));
        assert_eq!(s.path(start, onset), vec![2, 1]);
    }

    #[test]
    fn contradictions_name_every_constraint_on_the_cycle() {
        let mut n = Network::new();
        let (a, b, c) = (n.point(), n.point(), n.point());
        n.constrain(a, b, span(5, 10), 0);
        n.constrain(b, c, span(5, 10), 1);
        n.constrain(a, c, span(0, 3), 2);
        let _unrelated = n.point();
        let mut found = n.solve().unwrap_err().constraints;
        found.sort();
        assert_eq!(found, vec![0, 1, 2]);
    }

    #[test]
    fn dropping_constraints_solves_what_remains() {
        let mut n = Network::new();
        let (a, b) = (n.point(), n.point());
        n.constrain(a, b, span(5, 10), 0);
        n.constrain(a, b, span(0, 3), 1);
        assert!(n.solve().is_err());
        let s = n.solve_with(|c| c.fact != 1).unwrap();
        assert_eq!(s.bounds(a, b), span(5, 10));
    }

    mod laws {
        use super::*;
        use proptest::prelude::*;

        /// Points 1..=K, each dated within days 0..=D of the origin.
        const K: usize = 4;
        const D: i64 = 7;

        fn network(
            extra: &[(usize, usize, i64, i64)],
            anchors: &[(i64, i64)],
        ) -> (Network, Vec<Point>) {
            let mut n = Network::new();
            let points: Vec<Point> = (0..K).map(|_| n.point()).collect();
            for (i, &(a, b)) in anchors.iter().enumerate() {
                n.constrain(Point::ORIGIN, points[i], span(a.min(b), a.max(b)), i);
            }
            for (i, &(x, y, a, b)) in extra.iter().enumerate() {
                if x != y {
                    n.constrain(points[x], points[y], span(a.min(b), a.max(b)), K + i);
                }
            }
            (n, points)
        }

        /// Every assignment of days 0..=D to the points that satisfies every constraint.
        fn assignments(n: &Network) -> Vec<[i64; K + 1]> {
            let mut out = Vec::new();
            let mut t = [0i64; K + 1];
            let total = (D + 1).pow(K as u32);
            for code in 0..total {
                let mut c = code;
                for slot in t.iter_mut().skip(1) {
                    *slot = c % (D + 1);
                    c /= D + 1;
                }
                let ok = n.constraints().iter().all(|c| {
                    let d = t[c.to.index()] - t[c.from.index()];
                    d >= c.span.min && d <= c.span.max
                });
                if ok {
                    out.push(t);
                }
            }
            out
        }

        fn anchors() -> impl Strategy<Value = Vec<(i64, i64)>> {
            prop::collection::vec((0..=D, 0..=D), K)
        }

        fn extra() -> impl Strategy<Value = Vec<(usize, usize, i64, i64)>> {
            prop::collection::vec((0..K, 0..K, -6i64..=6, -6i64..=6), 0..5)
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]

            /// The bounds are exactly what the consistent assignments of days
            /// allow: never excluding a difference one of them has (sound), and
            /// reached by one at each end (tight); no assignment at all is a
            /// contradiction.
            #[test]
            fn bounds_are_what_every_consistent_assignment_allows(a in anchors(), x in extra()) {
                let (n, _) = network(&x, &a);
                let all = assignments(&n);
                match n.solve() {
                    Err(c) => {
                        prop_assert!(all.is_empty(), "a contradiction was found, yet {:?} satisfies every constraint", all[0]);
                        prop_assert!(!c.constraints.is_empty());
                    }
                    Ok(s) => {
                        prop_assert!(!all.is_empty(), "no assignment satisfies the constraints, yet they were solved");
                        for i in 0..=K {
                            for j in 0..=K {
                                let b = s.bounds(Point(i as u32), Point(j as u32));
                                let diffs = all.iter().map(|t| t[j] - t[i]);
                                let lo = diffs.clone().min().unwrap();
                                let hi = diffs.max().unwrap();
                                prop_assert_eq!(b, span(lo, hi), "points {} and {}", i, j);
                            }
                        }
                    }
                }
            }

            /// Solving a point at a time (large networks) gives what solving whole
            /// gives: the same bounds between every two points, the same verdict on
            /// contradictions, and paths whose constraints add up to the bound.
            #[test]
            fn solving_a_point_at_a_time_agrees_with_solving_whole(a in anchors(), x in extra()) {
                let (n, _) = network(&x, &a);
                match (n.solve(), n.solve_as(|_| true, true)) {
                    (Ok(whole), Ok(parts)) => {
                        for i in 0..=K {
                            for j in 0..=K {
                                let (i, j) = (Point(i as u32), Point(j as u32));
                                prop_assert_eq!(whole.bounds(i, j), parts.bounds(i, j));
                                let max = parts.bounds(i, j).max;
                                if i != j && max < UNBOUNDED {
                                    // The path's constraints, taken forwards or backwards, sum to the bound.
                                    let mut at = i;
                                    let mut sum = 0;
                                    for ci in parts.path(i, j) {
                                        let c = n.constraints()[ci];
                                        if c.from == at {
                                            sum += c.span.max;
                                            at = c.to;
                                        } else {
                                            prop_assert_eq!(c.to, at);
                                            sum -= c.span.min;
                                            at = c.from;
                                        }
                                    }
                                    prop_assert_eq!((at, sum), (j, max));
                                }
                            }
                        }
                    }
                    (Err(_), Err(c)) => prop_assert!(n.solve_with(|k| c.constraints.iter().any(|&i| n.constraints()[i].fact == k.fact)).is_err()),
                    (whole, parts) => prop_assert!(false, "whole {:?} but parts {:?}", whole.is_ok(), parts.is_ok()),
                }
            }

            /// A further constraint never widens a bound.
            #[test]
            fn adding_a_constraint_never_widens_a_bound(
                a in anchors(), x in extra(), (p, q, lo, hi) in (0..K, 0..K, -6i64..=6, -6i64..=6),
            ) {
                let (mut n, points) = network(&x, &a);
                let Ok(before) = n.solve() else { return Ok(()) };
                if p != q {
                    n.constrain(points[p], points[q], span(lo.min(hi), lo.max(hi)), 99);
                }
                let Ok(after) = n.solve() else { return Ok(()) };
                for i in 0..=K {
                    for j in 0..=K {
                        let (i, j) = (Point(i as u32), Point(j as u32));
                        let (b, c) = (before.bounds(i, j), after.bounds(i, j));
                        prop_assert!(c.min >= b.min && c.max <= b.max, "{:?} widened to {:?}", b, c);
                    }
                }
            }

            /// Leaving constraints out (an assessment as of an earlier day) never tightens a bound.
            #[test]
            fn leaving_constraints_out_never_tightens_a_bound(a in anchors(), x in extra(), drop in 0usize..9) {
                let (n, _) = network(&x, &a);
                let Ok(all) = n.solve() else { return Ok(()) };
                let fewer = n.solve_with(|c| c.fact != drop).expect("a subset of consistent constraints holds");
                for i in 0..=K {
                    for j in 0..=K {
                        let (i, j) = (Point(i as u32), Point(j as u32));
                        let (b, c) = (all.bounds(i, j), fewer.bounds(i, j));
                        prop_assert!(c.min <= b.min && c.max >= b.max);
                    }
                }
            }

            /// The constraints a contradiction names contradict each other by themselves.
            #[test]
            fn a_contradiction_names_constraints_that_cannot_hold_together(a in anchors(), x in extra()) {
                let (n, _) = network(&x, &a);
                if let Err(c) = n.solve() {
                    let facts: Vec<usize> = c.constraints.iter().map(|&i| n.constraints()[i].fact).collect();
                    // Together they contradict each other, whatever else is left out.
                    prop_assert!(n.solve_with(|k| facts.contains(&k.fact)).is_err());
                }
            }
        }
    }
}
