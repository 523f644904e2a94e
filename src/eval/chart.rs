//! The case's course as lanes of dated items, for the report's timeline
//! picture: each drug's exposures with its dechallenges, each reaction from
//! onset to end, each re-exposure with its steps, the investigations. Every
//! time is a range of days at the precision the case gives, never a point it
//! does not state. Pure: read from the validated case, as of a day or not.

use crate::case::Case;
use crate::time::DayRange;
use chrono::NaiveDate;
use serde::Serialize;

/// What a lane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LaneKind {
    Drug,
    Reaction,
    Rechallenge,
    Investigations,
}

/// A stretch of time: it began within `start` and ended within `end` (no end: still going).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bar {
    pub label: String,
    pub start: DayRange,
    pub end: Option<DayRange>,
    /// What to write on the bar where it is wide enough: an exposure's dose.
    pub note: Option<String>,
    /// A cyclic regimen (first and last dosing day, cycle length), drawn with
    /// its rest days when the start is known to the day.
    pub cycle: Option<(u32, u32, u32)>,
}

/// A dated event on a lane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mark {
    pub label: String,
    pub at: DayRange,
    /// `withdrawn`, `tolerated`, `recurrence`, `other-reaction`, `unknown`, `test`.
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lane {
    pub kind: LaneKind,
    pub label: String,
    pub bars: Vec<Bar>,
    pub marks: Vec<Mark>,
}

/// Every lane, and the as-of day the assessment reads up to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Chart {
    pub lanes: Vec<Lane>,
    pub as_of: Option<NaiveDate>,
}

fn name<T: Serialize>(x: &T) -> String {
    serde_json::to_value(x)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A mark on the day something became known, when that was after it happened
/// (a follow-up): `what` names it.
fn known_later(lane: &mut Lane, what: &str, happened: Option<DayRange>, known: Option<NaiveDate>) {
    let Some(k) = known else { return };
    if happened.is_none_or(|h| k > h.latest) {
        lane.marks.push(Mark {
            label: format!("{what} became known"),
            at: DayRange::day(k),
            kind: "known".into(),
        });
    }
}

/// The chart of a case (already cut to what was known by `as_of`, if given).
pub fn chart(case: &Case, as_of: Option<NaiveDate>) -> Chart {
    let mut lanes = Vec::new();
    for (di, d) in case.drugs.iter().enumerate() {
        let mut lane = Lane {
            kind: LaneKind::Drug,
            label: format!("{} ({})", d.name, name(&d.role)),
            bars: Vec::new(),
            marks: Vec::new(),
        };
        for x in &d.exposures {
            known_later(
                &mut lane,
                &format!("{} {}", d.name, x.id.as_deref().unwrap_or("exposure")),
                x.start,
                x.known,
            );
            let Some(start) = x.start else { continue };
            let label = match &x.dose {
                Some(dose) => format!("{} {}", x.id.as_deref().unwrap_or(&d.id), dose.text),
                None => x.id.clone().unwrap_or_else(|| d.id.clone()),
            };
            if x.single_dose {
                lane.marks.push(Mark {
                    label: format!("{label}: a single dose"),
                    at: start,
                    kind: "dose".into(),
                });
            } else {
                let mut label = label;
                if let Some(r) = &x.regimen {
                    label.push_str(&format!(", {}", r.text));
                }
                lane.bars.push(Bar {
                    label,
                    start,
                    end: x.stop.filter(|_| x.stopped),
                    note: x.dose.as_ref().map(|d| d.text.clone()),
                    cycle: x
                        .regimen
                        .as_ref()
                        .and_then(|r| r.cycle)
                        .map(|c| (c.first_day, c.last_day, c.length)),
                });
            }
        }
        for c in case.dechallenges.iter().filter(|c| c.drug == di) {
            if let Some(at) = c.date {
                lane.marks.push(Mark {
                    label: format!(
                        "{}: {}, {}",
                        d.name,
                        name(&c.action),
                        name(&c.outcome).replace('-', " ")
                    ),
                    at,
                    kind: "withdrawn".into(),
                });
            }
        }
        lanes.push(lane);
    }
    for r in &case.reactions {
        let mut lane = Lane {
            kind: LaneKind::Reaction,
            label: r.term.clone(),
            bars: Vec::new(),
            marks: Vec::new(),
        };
        known_later(&mut lane, &r.term, r.onset, r.known);
        if let Some(start) = r.onset {
            lane.bars.push(Bar {
                label: format!("{} ({})", r.term, r.id),
                start,
                end: r.end,
                note: None,
                cycle: None,
            });
        }
        lanes.push(lane);
    }
    for x in &case.rechallenges {
        let drug = &case.drugs[x.drug];
        let mut lane = Lane {
            kind: LaneKind::Rechallenge,
            label: format!("{} {}", drug.name, name(&x.kind).replace('-', " ")),
            bars: Vec::new(),
            marks: Vec::new(),
        };
        if let Some(start) = x.start {
            lane.bars.push(Bar {
                label: x.id.clone().unwrap_or_else(|| name(&x.kind)),
                start,
                end: x.end,
                note: None,
                cycle: None,
            });
        }
        known_later(
            &mut lane,
            x.id.as_deref().unwrap_or("the re-exposure"),
            x.start,
            x.known,
        );
        for (i, s) in x.steps.iter().enumerate() {
            let Some(at) = s.date else { continue };
            let dose = s
                .dose
                .as_ref()
                .map_or(String::new(), |d| format!(" {}", d.text));
            lane.marks.push(Mark {
                label: format!(
                    "step {}{dose}: {}",
                    i + 1,
                    name(&s.outcome).replace('-', " ")
                ),
                at,
                kind: name(&s.outcome),
            });
        }
        lanes.push(lane);
    }
    let tests: Vec<Mark> = case
        .investigations
        .iter()
        .filter_map(|t| {
            Some(Mark {
                label: format!("{}: {}", t.test, t.result),
                at: t.date?,
                kind: "test".into(),
            })
        })
        .collect();
    if !tests.is_empty() {
        lanes.push(Lane {
            kind: LaneKind::Investigations,
            label: "investigations".into(),
            bars: Vec::new(),
            marks: tests,
        });
    }
    Chart { lanes, as_of }
}
