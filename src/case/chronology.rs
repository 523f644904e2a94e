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
//! bound. Facts that contradict each other are reported together, each with
//! its line.
//!
//! Facts are kept as data (the event they date, the text as written); they
//! are put in words only when a report shows them (`case::describe`), since a
//! batch reads many cases whose explanations nobody reads.

use crate::diagnostic::Pos;
use crate::time::network::{Constraint, Network, Point, Solved};
use crate::time::{DayRange, DaySpan, EventRef, TimeExpr, UNBOUNDED, day_number, from_day_number};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// What a point of the case's times is the time of; indices are positions in
/// the case's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Calendar,
    ConditionOnset(usize),
    ConditionEnd(usize),
    PreviousReaction(usize),
    /// A drug with several exposures starts with the earliest.
    DrugStart(usize),
    DrugStop(usize),
    ExposureStart(usize, usize),
    ExposureStop(usize, usize),
    Earlier(usize, usize),
    Onset(usize),
    End(usize),
    Investigation(usize),
    Dechallenge(usize),
    RechallengeStart(usize),
    RechallengeEnd(usize),
    Step(usize, usize),
    /// The day the item named by the `n`th known-since path became known.
    KnownSince(usize),
}

/// What a fact says, beside the event it dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Says {
    /// A time as written in the case file.
    Written(Box<str>),
    /// A rechallenge step's day of the episode, as written.
    StepDay(Box<str>),
    /// An end or stop is on or after its start.
    EndsAfterStart,
    /// A single dose stops the day it is given.
    SingleDose,
    /// A drug starts on or before each of its exposures.
    StartsBeforeEach,
    /// A drug starts with the exposure that is surely its earliest.
    StartsWith,
    /// A drug stops on or after each of its exposures.
    StopsAfterEach,
    /// A drug stops with the exposure that surely stops last.
    StopsWith,
    /// An earlier exposure came before the exposures under assessment.
    EarlierBefore,
}

/// One stated or implied fact about when something happened.
#[derive(Debug, Clone)]
pub struct Fact {
    /// The event whose time the fact states.
    pub at: Point,
    pub says: Says,
    /// Where it is written; line 0 for a fact the format implies.
    pub pos: Pos,
    /// From when the fact was known, for assessments as of a day; `None`: from the start.
    pub(crate) known: Option<NaiveDate>,
    /// A fact known only once it has happened: `Some(true)` when the event it
    /// dates counts as known once surely past (ends, stops), `Some(false)` once
    /// possibly past (rechallenge steps); `None` otherwise.
    pub(crate) once_past: Option<bool>,
}

impl Fact {
    /// Implied by the case format rather than written in the file.
    pub fn implied(&self) -> bool {
        !matches!(self.says, Says::Written(_) | Says::StepDay(_))
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

/// Points whose first (or last) member defines another point: a drug with
/// several exposures starts with its earliest and ends with its latest stop.
#[derive(Debug, Clone)]
struct Group {
    of: Point,
    members: Vec<Point>,
    earliest: bool,
}

/// The facts of a case as they are read, before solving.
#[derive(Debug, Default)]
pub(super) struct Chronology<'a> {
    network: Network,
    facts: Vec<Fact>,
    events: Vec<Event>,
    known_paths: Vec<String>,
    anchors: BTreeMap<&'a str, Anchor>,
    groups: Vec<Group>,
    /// (start, end) pairs whose order is implied once the case is read.
    ends: Vec<(Point, Point)>,
}

/// Facts that cannot all hold.
#[derive(Debug, Clone)]
pub(super) struct Conflict {
    pub facts: Vec<Fact>,
}

/// Every contradiction found, with what the points are the times of, to name them.
#[derive(Debug)]
pub(super) struct Conflicts {
    pub list: Vec<Conflict>,
    pub events: Vec<Event>,
    pub known_paths: Vec<String>,
}

impl<'a> Chronology<'a> {
    pub(super) fn new() -> Chronology<'a> {
        Chronology::with_capacity(0)
    }

    /// A chronology with room for about `points` events and as many facts.
    pub(super) fn with_capacity(points: usize) -> Chronology<'a> {
        let mut events = Vec::with_capacity(points + 1);
        events.push(Event::Calendar);
        Chronology {
            network: Network::with_capacity(points * 2),
            facts: Vec::with_capacity(points * 2),
            events,
            known_paths: Vec::new(),
            anchors: BTreeMap::new(),
            groups: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// A new point, the time of `event`.
    pub(super) fn point(&mut self, event: Event) -> Point {
        self.events.push(event);
        self.network.point()
    }

    /// A new point for the day the item at `path` became known.
    pub(super) fn known_point(&mut self, path: String) -> Point {
        self.known_paths.push(path);
        self.point(Event::KnownSince(self.known_paths.len() - 1))
    }

    /// Lets other times count from `id`: its start and its end (`id.end`).
    pub(super) fn name(&mut self, id: &'a str, start: Point, end: Point, cycle: Option<u32>) {
        self.anchors.insert(id, Anchor { start, end, cycle });
    }

    /// The ids other times may count from.
    pub(super) fn ids(&self) -> impl Iterator<Item = &str> {
        self.anchors.keys().copied()
    }

    fn fact(&mut self, from: Point, at: Point, span: DaySpan, says: Says, pos: Pos) -> usize {
        self.facts.push(Fact {
            at,
            says,
            pos,
            known: None,
            once_past: None,
        });
        let fact = self.facts.len() - 1;
        self.network.constrain(from, at, span, fact);
        fact
    }

    /// States the time written for the event `at`, or says why it cannot:
    /// `Err((message, the id that names nothing))`.
    pub(super) fn state(
        &mut self,
        at: Point,
        expr: &TimeExpr,
        written: &str,
        pos: Pos,
    ) -> Result<usize, (String, Option<String>)> {
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
                let a = self
                    .anchors
                    .get(anchor.id.as_str())
                    .copied()
                    .ok_or_else(|| unknown(anchor))?;
                let Some(length) = a.cycle else {
                    return Err((
                        format!(
                            "`{}` has no cyclic regimen to count cycles in (such as `days 1-21 of 28`)",
                            anchor.id
                        ),
                        None,
                    ));
                };
                if day.max > i64::from(length) {
                    return Err((
                        format!(
                            "`day {}` is past the end of `{}`'s {length}-day cycle",
                            day.max, anchor.id
                        ),
                        None,
                    ));
                }
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
                format!("`{}` dates the event by itself", written.trim()),
                None,
            ));
        }
        Ok(self.fact(from, at, span, Says::Written(written.trim().into()), pos))
    }

    fn anchor(&self, r: &EventRef) -> Result<Point, (String, Option<String>)> {
        let a = self.anchors.get(r.id.as_str()).ok_or_else(|| unknown(r))?;
        Ok(if r.end { a.end } else { a.start })
    }

    /// A rechallenge step on its day of the episode, as written.
    pub(super) fn step_day(
        &mut self,
        start: Point,
        at: Point,
        days: DaySpan,
        written: &str,
        pos: Pos,
    ) -> usize {
        let span = DaySpan {
            min: days.min - 1,
            max: days.max - 1,
        };
        self.fact(start, at, span, Says::StepDay(written.trim().into()), pos)
    }

    /// A fact the case format implies: `span.min <= t(at) - t(from) <= span.max`.
    pub(super) fn imply(&mut self, from: Point, at: Point, span: DaySpan, says: Says) {
        self.fact(from, at, span, says, Pos::UNKNOWN);
    }

    /// `end` is on or after `start`. Stated once the case is read, and only
    /// for an end some other fact dates or counts from: an end nothing else
    /// touches is bounded by nothing but its start, which tells nothing more.
    pub(super) fn ends_after(&mut self, start: Point, end: Point) {
        self.ends.push((start, end));
    }

    /// `of` is the earliest (or the latest) of `members`: a drug with several
    /// exposures starts with the earliest and ends with the latest stop.
    pub(super) fn first_of(&mut self, of: Point, members: Vec<Point>, earliest: bool) {
        let order = DaySpan {
            min: 0,
            max: UNBOUNDED,
        };
        for &m in &members {
            if earliest {
                self.imply(m, of, order.negated(), Says::StartsBeforeEach);
            } else {
                self.imply(m, of, order, Says::StopsAfterEach);
            }
        }
        if !members.is_empty() {
            self.groups.push(Group {
                of,
                members,
                earliest,
            });
        }
    }

    /// The tightest bounds the facts imply, or every set of facts that cannot
    /// all hold (each contradiction found is set aside to look for the next).
    pub(super) fn solve(mut self) -> Result<Times, Conflicts> {
        let ends = std::mem::take(&mut self.ends);
        for (start, end) in ends {
            if self
                .network
                .constraints()
                .iter()
                .any(|c| c.from == end || c.to == end)
            {
                self.imply(
                    start,
                    end,
                    DaySpan {
                        min: 0,
                        max: UNBOUNDED,
                    },
                    Says::EndsAfterStart,
                );
            }
        }
        let mut conflicts = Vec::new();
        let mut set_aside: Vec<usize> = Vec::new();
        let solved = loop {
            match self.network.solve_with(|c| !set_aside.contains(&c.fact)) {
                Ok(s) => break Some(s),
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
                        .filter(|&f| !self.facts[f].implied())
                        .max()
                        .or_else(|| facts.iter().copied().max());
                    conflicts.push(Conflict {
                        facts: facts.iter().map(|&f| self.facts[f].clone()).collect(),
                    });
                    match drop {
                        Some(f) if conflicts.len() < 10 => set_aside.push(f),
                        _ => break None,
                    }
                }
            }
        };
        let (Some(mut solved), true) = (solved, conflicts.is_empty()) else {
            return Err(Conflicts {
                list: conflicts,
                events: self.events,
                known_paths: self.known_paths,
            });
        };
        // A drug with several exposures starts with the one surely earliest (ends with the one surely latest).
        let groups = std::mem::take(&mut self.groups);
        let mut refined = false;
        for g in &groups {
            let first = g.members.iter().copied().find(|&m| {
                g.members.iter().all(|&o| {
                    let span = solved.bounds(m, o);
                    if g.earliest {
                        span.min >= 0
                    } else {
                        span.max <= 0
                    }
                })
            });
            if let Some(m) = first {
                let says = if g.earliest {
                    Says::StartsWith
                } else {
                    Says::StopsWith
                };
                self.imply(m, g.of, DaySpan::exact(0), says);
                refined = true;
            }
        }
        if refined {
            // The equality adds nothing the bounds did not allow, so this holds.
            solved = self.network.solve().unwrap_or(solved);
        }
        Ok(Times {
            network: self.network,
            solved,
            facts: self.facts,
            events: self.events,
            known_paths: self.known_paths,
        })
    }
}

fn unknown(r: &EventRef) -> (String, Option<String>) {
    (
        format!("no event `{}` in this case to count from", r.id),
        Some(r.id.clone()),
    )
}

/// What the whole case implies about when each event happened.
#[derive(Debug, Clone)]
pub struct Times {
    network: Network,
    solved: Solved,
    facts: Vec<Fact>,
    events: Vec<Event>,
    known_paths: Vec<String>,
}

impl Default for Times {
    fn default() -> Self {
        Chronology::new()
            .solve()
            .unwrap_or_else(|_| unreachable!("an empty network holds"))
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

    /// What the point is the time of.
    pub fn event(&self, p: Point) -> Event {
        self.events
            .get(p.index())
            .copied()
            .unwrap_or(Event::Calendar)
    }

    /// What every point is the time of.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The items whose `known_since` the [`Event::KnownSince`] points date.
    pub fn known_paths(&self) -> &[String] {
        &self.known_paths
    }

    /// Every fact, stated or implied.
    pub fn facts(&self) -> &[Fact] {
        &self.facts
    }

    /// Marks from when a fact was known, for assessments as of a day.
    pub(super) fn set_known(
        &mut self,
        fact: usize,
        known: Option<NaiveDate>,
        once_past: Option<bool>,
    ) {
        if let Some(f) = self.facts.get_mut(fact) {
            f.known = known;
            f.once_past = once_past;
        }
    }

    /// The times as known on `day`: facts not yet known then (or about
    /// events not yet past) are left out and the rest solved again.
    pub(crate) fn known_by(&self, day: NaiveDate) -> Times {
        let keep = |c: &Constraint| {
            let fact = &self.facts[c.fact];
            if fact.known.is_some_and(|k| k > day) {
                return false;
            }
            let Some(surely) = fact.once_past else {
                return true;
            };
            // The event is past once its latest (surely) or earliest (possibly) day is.
            self.range(c.to).is_some_and(|r| {
                if surely {
                    r.latest <= day
                } else {
                    r.earliest <= day
                }
            })
        };
        let solved = self
            .network
            .solve_with(keep)
            .unwrap_or_else(|_| self.solved.clone());
        Times {
            solved,
            ..self.clone()
        }
    }
}
