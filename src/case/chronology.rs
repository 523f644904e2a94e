//! The case's times as one temporal network.
//!
//! Every event of a case (an exposure's start and stop, a reaction's onset and
//! end, a rechallenge and its steps, a dechallenge, an investigation, a
//! condition, an earlier exposure, the day something became known) is a point;
//! every time written in the case file, and every order the format implies (a
//! stop on or after its start, a step on its day of the episode), is a fact
//! bounding the days between two points, or between a point and the calendar.
//! [`Chronology::solve`] turns the facts into [`Times`]: the tightest bounds
//! the whole case implies between any two events, with the facts behind each
//! bound for the report. Facts that contradict each other are reported
//! together, each with its line.

use crate::diagnostic::Pos;
use crate::time::network::{Network, Point, Solved};
use crate::time::{DayRange, DaySpan, EventRef, TimeExpr, UNBOUNDED, day_number, from_day_number};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// One stated or implied fact about when something happened.
#[derive(Debug, Clone)]
pub struct Fact {
    /// The field that states it (`reactions[0].onset`), or the item the format's rule is about.
    pub path: String,
    /// Where it is written; line 0 for a fact the format implies.
    pub pos: Pos,
    /// The fact in words: "`rash` began 1-24 days after `ltg`".
    pub says: String,
    /// Implied by the case format rather than written in the file.
    pub implied: bool,
    /// From when the fact was known, for assessments as of a day; `None`: from the start.
    pub(crate) known: Option<NaiveDate>,
    /// A fact known only once it has happened: `Some(true)` when the event it
    /// dates counts as known once surely past (ends, stops), `Some(false)` once
    /// possibly past (rechallenge steps); `None` otherwise.
    pub(crate) once_past: Option<bool>,
}

impl Fact {
    /// "`rash` began 1-24 days after `ltg` (line 31)".
    pub fn sentence(&self) -> String {
        if self.implied {
            format!("{} (implied)", self.says)
        } else if self.pos.line > 0 {
            format!("{} (line {})", self.says, self.pos.line)
        } else {
            self.says.clone()
        }
    }
}

/// The events an id names: its start (or onset, or date) and its end.
#[derive(Debug, Clone, Copy)]
struct Anchor {
    start: Point,
    end: Point,
    /// The cycle length of an exposure with a cyclic regimen, for `day N of cycle C of ID`.
    cycle: Option<u32>,
}

/// Points whose first (or last) member defines another point: a drug starts
/// with its earliest exposure and ends with its latest stop.
#[derive(Debug, Clone)]
struct Group {
    of: Point,
    members: Vec<Point>,
    earliest: bool,
    path: String,
    name: String,
}

/// The facts of a case as they are read, before solving.
#[derive(Debug, Default)]
pub(super) struct Chronology {
    network: Network,
    facts: Vec<Fact>,
    labels: Vec<String>,
    anchors: BTreeMap<String, Anchor>,
    groups: Vec<Group>,
}

/// Facts that cannot all hold, each with where it is written.
#[derive(Debug, Clone)]
pub(super) struct Conflict {
    pub facts: Vec<Fact>,
}

impl Chronology {
    pub(super) fn new() -> Chronology {
        Chronology {
            network: Network::new(),
            facts: Vec::new(),
            labels: vec!["the calendar".to_owned()],
            anchors: BTreeMap::new(),
            groups: Vec::new(),
        }
    }

    /// A new event, with the words that introduce it in explanations ("`rash` began").
    pub(super) fn point(&mut self, label: String) -> Point {
        self.labels.push(label);
        self.network.point()
    }

    /// Lets other times count from `id`: its start and its end (`id.end`).
    pub(super) fn name(&mut self, id: &str, start: Point, end: Point, cycle: Option<u32>) {
        self.anchors
            .insert(id.to_owned(), Anchor { start, end, cycle });
    }

    /// The ids other times may count from.
    pub(super) fn ids(&self) -> impl Iterator<Item = &str> {
        self.anchors.keys().map(String::as_str)
    }

    fn fact(&mut self, path: String, pos: Pos, says: String, implied: bool) -> usize {
        self.facts.push(Fact {
            path,
            pos,
            says,
            implied,
            known: None,
            once_past: None,
        });
        self.facts.len() - 1
    }

    /// States the time written for the event `at`, or says why it cannot:
    /// `Err((message, the id that names nothing))`.
    pub(super) fn state(
        &mut self,
        at: Point,
        expr: &TimeExpr,
        written: &str,
        path: String,
        pos: Pos,
    ) -> Result<usize, (String, Option<String>)> {
        let says = format!("{} {}", self.labels[at.index()], words(expr, written));
        let (from, span) = match expr {
            TimeExpr::Absolute(r) => (
                Point::ORIGIN,
                DaySpan {
                    min: day_number(r.earliest),
                    max: day_number(r.latest),
                },
            ),
            TimeExpr::Relative { anchor, span } => (self.anchor(anchor)?, *span),
            TimeExpr::CycleDay { anchor, cycle, day } => {
                let a = self.anchors.get(&anchor.id).copied().ok_or_else(|| unknown(anchor))?;
                let Some(length) = a.cycle else {
                    return Err((
                        format!(
                            "`{}` has no cyclic regimen to count cycles in (such as `days 1-21 of 28`)",
                            anchor.id
                        ),
                        None,
                    ));
                };
                let before = i64::from(cycle - 1) * i64::from(length);
                (
                    a.start,
                    DaySpan {
                        min: before + day.min - 1,
                        max: before + day.max - 1,
                    },
                )
            }
        };
        if from == at {
            return Err((
                format!("`{written}` dates the event by itself"),
                None,
            ));
        }
        let fact = self.fact(path, pos, says, false);
        self.network.constrain(from, at, span, fact);
        Ok(fact)
    }

    /// A fact written in the file in a form of its own (the day of a
    /// rechallenge step): `span.min <= t(at) - t(from) <= span.max`.
    pub(super) fn state_span(
        &mut self,
        from: Point,
        at: Point,
        span: DaySpan,
        path: String,
        pos: Pos,
        says: String,
    ) -> usize {
        let says = format!("{} {says}", self.labels[at.index()]);
        let fact = self.fact(path, pos, says, false);
        self.network.constrain(from, at, span, fact);
        fact
    }

    fn anchor(&self, r: &EventRef) -> Result<Point, (String, Option<String>)> {
        let a = self.anchors.get(&r.id).ok_or_else(|| unknown(r))?;
        Ok(if r.end { a.end } else { a.start })
    }

    /// A fact the case format implies: `min <= t(to) - t(from) <= max`.
    pub(super) fn imply(&mut self, from: Point, to: Point, span: DaySpan, path: String, says: String) {
        let fact = self.fact(path, Pos::UNKNOWN, says, true);
        self.network.constrain(from, to, span, fact);
    }

    /// `later` is on or after `earlier`.
    pub(super) fn order(&mut self, earlier: Point, later: Point, path: String, says: String) {
        self.imply(
            earlier,
            later,
            DaySpan {
                min: 0,
                max: UNBOUNDED,
            },
            path,
            says,
        );
    }

    /// `of` is the earliest (or the latest) of `members`: a drug's start is
    /// its earliest exposure start, its end the latest stop.
    pub(super) fn first_of(&mut self, of: Point, members: Vec<Point>, earliest: bool, path: String, name: String) {
        for &m in &members {
            let says = if earliest {
                format!("`{name}` started on or before each of its exposures")
            } else {
                format!("`{name}` stopped on or after each of its exposures")
            };
            if earliest {
                self.order(of, m, path.clone(), says);
            } else {
                self.order(m, of, path.clone(), says);
            }
        }
        if let [only] = members[..] {
            self.imply(of, only, DaySpan::exact(0), path, self.group_says(&name, earliest));
        } else if !members.is_empty() {
            self.groups.push(Group {
                of,
                members,
                earliest,
                path,
                name,
            });
        }
    }

    fn group_says(&self, name: &str, earliest: bool) -> String {
        if earliest {
            format!("`{name}` started with its earliest exposure")
        } else {
            format!("`{name}` stopped with its latest exposure")
        }
    }

    /// The tightest bounds the facts imply, or every set of facts that cannot
    /// all hold (each contradiction found is set aside to look for the next).
    pub(super) fn solve(mut self) -> Result<Times, Vec<Conflict>> {
        let mut conflicts = Vec::new();
        let mut set_aside: Vec<usize> = Vec::new();
        let solve = |network: &Network, set_aside: &[usize]| {
            network.solve_with(|c| !set_aside.contains(&c.fact))
        };
        let mut solved = loop {
            match solve(&self.network, &set_aside) {
                Ok(s) => break s,
                Err(c) => {
                    let facts: Vec<usize> = c
                        .constraints
                        .iter()
                        .map(|&i| self.network.constraints()[i].fact)
                        .collect();
                    // Set aside the last stated fact of the cycle and look again.
                    let drop = facts
                        .iter()
                        .copied()
                        .filter(|&f| !self.facts[f].implied)
                        .max()
                        .or_else(|| facts.iter().copied().max());
                    conflicts.push(Conflict {
                        facts: facts.iter().map(|&f| self.facts[f].clone()).collect(),
                    });
                    match drop {
                        Some(f) if conflicts.len() < 10 => set_aside.push(f),
                        _ => return Err(conflicts),
                    }
                }
            }
        };
        if !conflicts.is_empty() {
            return Err(conflicts);
        }
        // A drug with several exposures starts with the one surely earliest (ends with the one surely latest).
        let groups = std::mem::take(&mut self.groups);
        let mut refined = false;
        for g in &groups {
            let first = g.members.iter().copied().find(|&m| {
                g.members.iter().all(|&o| {
                    let span = solved.bounds(m, o);
                    if g.earliest { span.min >= 0 } else { span.max <= 0 }
                })
            });
            if let Some(m) = first {
                let says = self.group_says(&g.name, g.earliest);
                self.imply(g.of, m, DaySpan::exact(0), g.path.clone(), says);
                refined = true;
            }
        }
        if refined {
            solved = match self.network.solve() {
                Ok(s) => s,
                // Not reached: the equality adds nothing the bounds did not allow.
                Err(_) => solved,
            };
        }
        Ok(Times {
            network: self.network,
            solved,
            facts: self.facts,
        })
    }
}

fn unknown(r: &EventRef) -> (String, Option<String>) {
    (
        format!("no event `{}` in this case to count from", r.id),
        Some(r.id.clone()),
    )
}

/// A time as written, in words for explanations, ids in backticks.
fn words(expr: &TimeExpr, written: &str) -> String {
    match expr {
        TimeExpr::Absolute(r) if r.is_exact() => format!("on {r}"),
        TimeExpr::Absolute(r) => format!("in {r}"),
        TimeExpr::Relative { anchor, span } if span.min == 0 && span.max == 0 => {
            format!("on the same day as `{anchor}`")
        }
        _ => {
            let t = written.trim();
            let (head, id) = t.rsplit_once(' ').unwrap_or(("", t));
            let on = if head.starts_with("day ") { "on " } else { "" };
            format!("{on}{head} `{id}`")
        }
    }
}

/// What the whole case implies about when each event happened.
#[derive(Debug, Clone)]
pub struct Times {
    network: Network,
    solved: Solved,
    facts: Vec<Fact>,
}

impl Default for Times {
    fn default() -> Self {
        let network = Network::new();
        let solved = network.solve().unwrap_or_else(|_| unreachable!("an empty network holds"));
        Times {
            network,
            solved,
            facts: Vec::new(),
        }
    }
}

impl Times {
    /// What every consistent reading of the case agrees on for the days from `from` to `to`.
    pub fn between(&self, from: Point, to: Point) -> DaySpan {
        self.solved.bounds(from, to)
    }

    /// The calendar days the event may have happened on, when the case bounds both ends.
    pub fn range(&self, p: Point) -> Option<DayRange> {
        let s = self.solved.bounds(Point::ORIGIN, p);
        if !s.is_bounded() {
            return None;
        }
        Some(DayRange {
            earliest: from_day_number(s.min)?,
            latest: from_day_number(s.max)?,
        })
    }

    /// Whether any fact links the two events (bounds them at either end).
    pub fn linked(&self, from: Point, to: Point) -> bool {
        let s = self.between(from, to);
        s.has_min() || s.has_max()
    }

    /// The facts behind the bounds of the days from `from` to `to`.
    pub fn explain(&self, from: Point, to: Point) -> Vec<&Fact> {
        self.solved
            .explain(from, to)
            .into_iter()
            .map(|c| &self.facts[self.network.constraints()[c].fact])
            .collect()
    }

    /// The facts behind a bound, in one sentence.
    pub fn chain(&self, from: Point, to: Point) -> String {
        let facts = self.explain(from, to);
        if facts.is_empty() {
            return "no fact links them".to_owned();
        }
        facts
            .iter()
            .map(|f| f.sentence())
            .collect::<Vec<_>>()
            .join(", and ")
    }

    /// Marks from when a fact was known, for assessments as of a day.
    pub(super) fn set_known(&mut self, fact: usize, known: Option<NaiveDate>, once_past: Option<bool>) {
        if let Some(f) = self.facts.get_mut(fact) {
            f.known = known;
            f.once_past = once_past;
        }
    }

    /// Every fact, stated or implied.
    pub fn facts(&self) -> &[Fact] {
        &self.facts
    }

    /// The times as known on `day`: facts not yet known then (or about
    /// events not yet past) are left out and the rest solved again.
    pub(crate) fn known_by(&self, day: NaiveDate) -> Times {
        let keep = |c: &crate::time::network::Constraint| {
            let fact = &self.facts[c.fact];
            if fact.known.is_some_and(|k| k > day) {
                return false;
            }
            let Some(surely) = fact.once_past else {
                return true;
            };
            // The event is past once its latest (surely) or earliest (possibly) day is.
            self.range(c.to)
                .is_some_and(|r| if surely { r.latest <= day } else { r.earliest <= day })
        };
        let solved = self
            .network
            .solve_with(keep)
            .unwrap_or_else(|_| self.solved.clone());
        Times {
            network: self.network.clone(),
            solved,
            facts: self.facts.clone(),
        }
    }
}
