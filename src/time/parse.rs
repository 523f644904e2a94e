//! The time language of case files: what a report says about when something
//! happened, read into a [`TimeExpr`].
//!
//! Every form states a bounded difference between two events, or between an
//! event and the calendar: a date at its precision, `day 3 of ID`, `day 16 of
//! cycle 3 of ID`, `2 months after ID`, `more than 6 months before ID`,
//! `within 3 days of ID`, `after ID` (order only), or `ID.end` on its own.
//! Resolving the ids is the case chronology's work, not this module's.

use super::{DayRange, DaySpan, UNBOUNDED, last_day_of_month};
use chrono::NaiveDate;
use std::fmt;

/// A time as written in a case file, before ids are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeExpr {
    /// A calendar date at day, month or year precision, or a range of dates.
    Absolute(DayRange),
    /// Between `span.min` and `span.max` days after the event `anchor`
    /// (negative: before it). Either end may be [`UNBOUNDED`]: `after ID` is
    /// `[0, UNBOUNDED]`.
    Relative { anchor: EventRef, span: DaySpan },
    /// `day N of cycle C of ID`: `day` counts from 1 within cycle `cycle` of the
    /// cyclic regimen of the exposure `anchor`, whose cycle length the case gives.
    CycleDay {
        anchor: EventRef,
        cycle: u32,
        day: DaySpan,
    },
}

/// A reference to another event in the same case: `id` (its start, onset or
/// date) or `id.end` (its end or stop).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventRef {
    pub id: String,
    pub end: bool,
}

impl fmt::Display for EventRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.end {
            write!(f, "{}.end", self.id)
        } else {
            f.write_str(&self.id)
        }
    }
}

/// What is wrong with a time written in a case file; the help line says what is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError {
    pub message: String,
}

pub const TIME_HELP: &str = "write a date (`2018-10-15`, `2018-10`, `2018`), a range of dates \
(`2018-10-03..2018-10-05`), `day 3-4 of ID` (day 1 is the day of ID), `day 16 of cycle 3 of ID`, \
`3-4 days after ID`, `2 months before ID` (units: days, weeks, months, years), `after ID`, \
`more than 6 months before ID`, `within 3 days of ID`, or `ID` / `ID.end` for the same day, \
where ID names a drug, exposure, reaction, condition, rechallenge or earlier exposure in this case";

fn err(message: impl Into<String>) -> TimeError {
    TimeError {
        message: message.into(),
    }
}

/// About a hundred years: no stated amount of time in a case spans more.
pub const MAX_DAYS: i64 = 36_600;

/// A unit of time as reports use it, in whole days: a month is 28 to 31 days,
/// a year 365 to 366.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Unit {
    min: i64,
    max: i64,
}

fn unit(word: &str) -> Option<Unit> {
    let (min, max) = match word {
        "day" | "days" => (1, 1),
        "week" | "weeks" => (7, 7),
        "month" | "months" => (28, 31),
        "year" | "years" => (365, 366),
        _ => return None,
    };
    Some(Unit { min, max })
}

/// A bound written before an amount: `more than 6 months before ID`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Qualifier {
    /// The amount as written (`3 days`, `3-5 days`).
    Exactly,
    MoreThan,
    AtLeast,
    LessThan,
    /// `at most`, `up to`, `within` … `after`/`before`.
    AtMost,
}

/// Parses a time as written in a case file.
pub fn parse_time(text: &str) -> Result<TimeExpr, TimeError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(err("empty time"));
    }
    if let Some((a, b)) = t.split_once("..") {
        let a = parse_date(a.trim())?;
        let b = parse_date(b.trim())?;
        if b.latest < a.earliest {
            return Err(err(format!("range `{t}` ends before it starts")));
        }
        return Ok(TimeExpr::Absolute(DayRange {
            earliest: a.earliest,
            latest: b.latest,
        }));
    }
    if t.starts_with(|c: char| c.is_ascii_digit()) && !t.contains(' ') {
        return parse_date(t).map(TimeExpr::Absolute);
    }
    let lower = t.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    // Ids keep their case: take the last word from the original text.
    let id = t.split_whitespace().last().unwrap_or(t);
    let relative = |span: DaySpan| -> Result<TimeExpr, TimeError> {
        Ok(TimeExpr::Relative {
            anchor: parse_ref(id)?,
            span,
        })
    };
    match words.as_slice() {
        [_] => relative(DaySpan::exact(0)),
        ["same", "day", "as", _] | ["on", _] => relative(DaySpan::exact(0)),
        ["after", _] => relative(DaySpan {
            min: 0,
            max: UNBOUNDED,
        }),
        ["before", _] => relative(DaySpan {
            min: -UNBOUNDED,
            max: 0,
        }),
        ["day", n, "of", "cycle", c, "of", _] => {
            let day = day_numbers(n)?;
            let cycle = c
                .parse::<u32>()
                .ok()
                .filter(|c| (1..=1000).contains(c))
                .ok_or_else(|| err(format!("`cycle {c}`: cycles are counted from 1")))?;
            Ok(TimeExpr::CycleDay {
                anchor: parse_ref(id)?,
                cycle,
                day,
            })
        }
        ["day", n, "of", _] => {
            let day = day_numbers(n)?;
            relative(DaySpan {
                min: day.min - 1,
                max: day.max - 1,
            })
        }
        ["within", n, u, "of", _] => {
            let (count, unit) = amount(n, u)?;
            let reach = count.max * unit.max;
            relative(DaySpan {
                min: -reach,
                max: reach,
            })
        }
        [rest @ .., dir @ ("after" | "before"), _] => {
            let (qualifier, n, u) = match rest {
                [n, u] => (Qualifier::Exactly, *n, *u),
                ["more", "than", n, u] => (Qualifier::MoreThan, *n, *u),
                ["at", "least", n, u] => (Qualifier::AtLeast, *n, *u),
                ["less", "than", n, u] => (Qualifier::LessThan, *n, *u),
                ["at", "most", n, u] | ["up", "to", n, u] | ["within", n, u] => {
                    (Qualifier::AtMost, *n, *u)
                }
                _ => return Err(err(format!("cannot read time `{t}`"))),
            };
            let (count, unit) = amount(n, u)?;
            if qualifier != Qualifier::Exactly && count.min != count.max {
                return Err(err(format!(
                    "`{n} {u}`: give one number after `{}`",
                    rest[..rest.len() - 2].join(" ")
                )));
            }
            let n = count.min;
            let span = match qualifier {
                Qualifier::Exactly => DaySpan {
                    min: count.min * unit.min,
                    max: count.max * unit.max,
                },
                Qualifier::MoreThan => DaySpan {
                    min: n * unit.min + 1,
                    max: UNBOUNDED,
                },
                Qualifier::AtLeast => DaySpan {
                    min: n * unit.min,
                    max: UNBOUNDED,
                },
                Qualifier::LessThan => {
                    if n == 0 {
                        return Err(err(format!("`less than 0 {u}` is no time at all")));
                    }
                    DaySpan {
                        min: 0,
                        max: n * unit.max - 1,
                    }
                }
                Qualifier::AtMost => DaySpan {
                    min: 0,
                    max: n * unit.max,
                },
            };
            relative(if *dir == "before" {
                span.negated()
            } else {
                span
            })
        }
        _ => Err(err(format!("cannot read time `{t}`"))),
    }
}

/// A count of units (`3`, `3-5`, `a`, `one`) and the unit.
fn amount(n: &str, u: &str) -> Result<(DaySpan, Unit), TimeError> {
    let count = match n {
        "a" | "an" | "one" => DaySpan::exact(1),
        _ => parse_count(n)?,
    };
    let unit = unit(u).ok_or_else(|| {
        err(format!(
            "unknown unit `{u}`, expected `days`, `weeks`, `months` or `years`"
        ))
    })?;
    if count.max * unit.max > MAX_DAYS {
        return Err(err(format!("`{n} {u}` is more than a hundred years")));
    }
    Ok((count, unit))
}

/// `N` or `N-M`, day numbers counted from 1 (`day 3-4 of ID`, a rechallenge step's `day`).
pub fn day_numbers(n: &str) -> Result<DaySpan, TimeError> {
    let n = n.trim();
    let span = parse_count(n)?;
    if span.min < 1 {
        return Err(err(format!(
            "`day {n}`: days are counted from 1, the day of the event itself"
        )));
    }
    Ok(span)
}

fn parse_count(text: &str) -> Result<DaySpan, TimeError> {
    let number = |s: &str| {
        s.parse::<i64>()
            .map_err(|_| err(format!("`{s}` is not a whole number")))
    };
    let (a, b) = match text.split_once('-') {
        Some((a, b)) => (number(a.trim())?, number(b.trim())?),
        None => {
            let n = number(text)?;
            (n, n)
        }
    };
    if a < 0 || b < a {
        return Err(err(format!(
            "`{text}` is not a range of whole numbers from low to high"
        )));
    }
    if b > MAX_DAYS {
        return Err(err(format!("`{text}` is more than a hundred years")));
    }
    Ok(DaySpan { min: a, max: b })
}

fn parse_ref(text: &str) -> Result<EventRef, TimeError> {
    let (id, end) = if let Some(id) = text
        .strip_suffix(".end")
        .or_else(|| text.strip_suffix(".stop"))
    {
        (id, true)
    } else if let Some(id) = text.strip_suffix(".start") {
        (id, false)
    } else {
        (text, false)
    };
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(err(format!("`{text}` is not an id")));
    }
    Ok(EventRef {
        id: id.to_owned(),
        end,
    })
}

/// Parses `YYYY-MM-DD`, `YYYY-MM` or `YYYY` into the days it covers.
pub fn parse_date(text: &str) -> Result<DayRange, TimeError> {
    let bad = || {
        err(format!(
            "`{text}` is not a date (expected `YYYY-MM-DD`, `YYYY-MM` or `YYYY`)"
        ))
    };
    let parts: Vec<&str> = text.split('-').collect();
    let num = |s: &str, len: usize| -> Result<u32, TimeError> {
        if s.len() != len || !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse::<u32>().map_err(|_| bad())
    };
    match parts.as_slice() {
        [y] => {
            let y = num(y, 4)? as i32;
            let a = NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(bad)?;
            let b = NaiveDate::from_ymd_opt(y, 12, 31).ok_or_else(bad)?;
            Ok(DayRange {
                earliest: a,
                latest: b,
            })
        }
        [y, m] => {
            let (y, m) = (num(y, 4)? as i32, num(m, 2)?);
            let a = NaiveDate::from_ymd_opt(y, m, 1)
                .ok_or_else(|| err(format!("`{text}`: no month {m}")))?;
            let b = last_day_of_month(y, m).ok_or_else(bad)?;
            Ok(DayRange {
                earliest: a,
                latest: b,
            })
        }
        [y, m, d] => {
            let (y, m, d) = (num(y, 4)? as i32, num(m, 2)?, num(d, 2)?);
            let day = NaiveDate::from_ymd_opt(y, m, d)
                .ok_or_else(|| err(format!("`{text}` is not a day of the calendar")))?;
            Ok(DayRange::day(day))
        }
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn rel(t: &str) -> (String, bool, DaySpan) {
        match parse_time(t).unwrap() {
            TimeExpr::Relative { anchor, span } => (anchor.id, anchor.end, span),
            other => panic!("{t}: {other:?}"),
        }
    }

    fn span(min: i64, max: i64) -> DaySpan {
        DaySpan { min, max }
    }

    #[test]
    fn partial_dates_cover_their_whole_period() {
        assert_eq!(
            parse_date("2018-10").unwrap(),
            DayRange {
                earliest: d("2018-10-01"),
                latest: d("2018-10-31")
            }
        );
        assert_eq!(parse_date("2024-02").unwrap().latest, d("2024-02-29"));
        assert_eq!(parse_date("2023-02").unwrap().latest, d("2023-02-28"));
        assert_eq!(
            parse_date("2019").unwrap(),
            DayRange {
                earliest: d("2019-01-01"),
                latest: d("2019-12-31")
            }
        );
        assert_eq!(
            parse_date("2019-03-05").unwrap(),
            DayRange::day(d("2019-03-05"))
        );
    }

    #[test]
    fn impossible_dates_are_errors() {
        assert!(parse_date("2019-02-30").is_err());
        assert!(parse_date("2019-13").is_err());
        assert!(parse_date("19-01-01").is_err());
        assert!(parse_time("2019-05..2019-04").is_err());
    }

    #[test]
    fn day_n_of_counts_the_first_day_as_day_one() {
        assert_eq!(
            rel("day 3-4 of lenalidomide-2018"),
            ("lenalidomide-2018".into(), false, span(2, 3))
        );
        assert!(parse_time("day 0 of x").is_err());
    }

    #[test]
    fn cycle_days_keep_their_cycle() {
        assert_eq!(
            parse_time("day 16 of cycle 3 of len").unwrap(),
            TimeExpr::CycleDay {
                anchor: EventRef {
                    id: "len".into(),
                    end: false
                },
                cycle: 3,
                day: DaySpan::exact(16)
            }
        );
        assert!(parse_time("day 2 of cycle 0 of len").is_err());
    }

    #[test]
    fn units_from_days_to_years() {
        assert_eq!(
            rel("1-2 weeks before lv.end"),
            ("lv".into(), true, span(-14, -7))
        );
        assert_eq!(
            rel("2 months after ssz"),
            ("ssz".into(), false, span(56, 62))
        );
        assert_eq!(
            rel("1 year before x"),
            ("x".into(), false, span(-366, -365))
        );
        assert_eq!(rel("a week after x").2, span(7, 7));
        assert!(parse_time("3 fortnights after x").is_err());
        assert!(parse_time("4-3 days after x").is_err());
        assert!(parse_time("200 years before x").is_err());
    }

    #[test]
    fn order_and_bounds_without_an_amount() {
        assert_eq!(rel("after ltg").2, span(0, UNBOUNDED));
        assert_eq!(rel("before ltg").2, span(-UNBOUNDED, 0));
        assert_eq!(
            rel("more than 6 months before ltg").2,
            span(-UNBOUNDED, -169)
        );
        assert_eq!(rel("at least 2 weeks after x").2, span(14, UNBOUNDED));
        assert_eq!(rel("less than 3 days after x").2, span(0, 2));
        assert_eq!(rel("within 3 days after x").2, span(0, 3));
        assert_eq!(rel("up to 1 month before x").2, span(-31, 0));
        assert_eq!(rel("within 3 days of x").2, span(-3, 3));
        assert!(parse_time("more than 2-3 weeks after x").is_err());
    }

    #[test]
    fn an_id_alone_is_the_same_day() {
        assert_eq!(rel("ltg.stop"), ("ltg".into(), true, span(0, 0)));
        assert_eq!(rel("ltg.end"), ("ltg".into(), true, span(0, 0)));
        assert_eq!(rel("ltg.start"), ("ltg".into(), false, span(0, 0)));
        assert_eq!(
            rel("same day as Rash-1"),
            ("Rash-1".into(), false, span(0, 0))
        );
        assert!(parse_time("the day before").is_err());
        assert!(parse_time("rash?").is_err());
    }
}
