//! Times as intervals of days.
//!
//! Reports give dates to the day, the month or the year, or only relative to
//! another event ("on days 3 to 4 of treatment"). Every time is therefore a
//! [`DayRange`]: the earliest and latest day it may have been. Differences
//! between two times are [`DaySpan`]s, and tests against a window answer yes,
//! no or cannot tell ([`Fit`]). Nothing here pretends to a precision the input
//! does not have.
//!
//! This module only parses and computes; resolving references to other events
//! belongs to the case validator.

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;
use std::fmt;

/// The days an event may have happened on, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DayRange {
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
}

impl DayRange {
    pub fn day(d: NaiveDate) -> Self {
        DayRange {
            earliest: d,
            latest: d,
        }
    }

    pub fn is_exact(&self) -> bool {
        self.earliest == self.latest
    }

    /// Shifts the range by between `span.min` and `span.max` days.
    pub fn shift(&self, span: DaySpan) -> Option<DayRange> {
        Some(DayRange {
            earliest: add_days(self.earliest, span.min)?,
            latest: add_days(self.latest, span.max)?,
        })
    }

    /// The number of days from `self` to `later`: `later - self` as an interval.
    pub fn days_until(&self, later: &DayRange) -> DaySpan {
        DaySpan {
            min: (later.earliest - self.latest).num_days(),
            max: (later.latest - self.earliest).num_days(),
        }
    }

    /// Whether the whole range lies on or before `day`.
    pub fn is_known_by(&self, day: NaiveDate) -> bool {
        self.latest <= day
    }
}

impl fmt::Display for DayRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = (self.earliest, self.latest);
        if a == b {
            return write!(f, "{a}");
        }
        let month_end = last_day_of_month(a.year(), a.month());
        if a.day() == 1 && a.year() == b.year() && a.month() == b.month() && Some(b) == month_end {
            return write!(f, "{:04}-{:02}", a.year(), a.month());
        }
        if a.month() == 1
            && a.day() == 1
            && b.month() == 12
            && b.day() == 31
            && a.year() == b.year()
        {
            return write!(f, "{:04}", a.year());
        }
        write!(f, "{a}..{b}")
    }
}

impl Serialize for DayRange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A whole number of days known only to lie between `min` and `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DaySpan {
    pub min: i64,
    pub max: i64,
}

impl DaySpan {
    pub fn exact(n: i64) -> Self {
        DaySpan { min: n, max: n }
    }

    /// Whether the span lies inside `[lo, hi]`: all of it, none of it, or cannot tell.
    pub fn fits(&self, lo: i64, hi: i64) -> Fit {
        if self.min >= lo && self.max <= hi {
            Fit::Inside
        } else if self.max < lo || self.min > hi {
            Fit::Outside
        } else {
            Fit::CannotTell
        }
    }
}

impl fmt::Display for DaySpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min == self.max {
            write!(
                f,
                "{} {}",
                self.min,
                if self.min.abs() == 1 { "day" } else { "days" }
            )
        } else {
            write!(f, "{} to {} days", self.min, self.max)
        }
    }
}

impl Serialize for DaySpan {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The answer to "does this uncertain value lie in that window?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    Inside,
    Outside,
    CannotTell,
}

/// A time as written in a case file, before references are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeExpr {
    /// A calendar date at day, month or year precision, or a range of dates.
    Absolute(DayRange),
    /// `span` days after (or, negative, before) the event named `anchor`.
    Relative { anchor: EventRef, span: DaySpan },
}

/// A reference to another dated event in the same case: `id` or `id.end`.
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
(`2018-10-03..2018-10-05`), `day 3-4 of ID` (day 1 is the day of ID), or `3-4 days after ID` / \
`2 weeks before ID`, where ID names a drug, exposure, reaction, condition or rechallenge in this case \
(`ID.end` for its end)";

fn err(message: impl Into<String>) -> TimeError {
    TimeError {
        message: message.into(),
    }
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
    let words: Vec<&str> = t.split_whitespace().collect();
    match words.as_slice() {
        ["day", n, "of", id] => {
            let span = parse_count(n)?;
            if span.min < 1 {
                return Err(err(format!(
                    "`day {n}`: days are counted from 1, the day of the event itself"
                )));
            }
            Ok(TimeExpr::Relative {
                anchor: parse_ref(id)?,
                span: DaySpan {
                    min: span.min - 1,
                    max: span.max - 1,
                },
            })
        }
        [n, unit, dir @ ("after" | "before"), id] => {
            let count = parse_count(n)?;
            let per = match *unit {
                "day" | "days" => 1,
                "week" | "weeks" => 7,
                other => {
                    return Err(err(format!(
                        "unknown unit `{other}`, expected `days` or `weeks`"
                    )));
                }
            };
            let span = DaySpan {
                min: count.min * per,
                max: count.max * per,
            };
            if span.max > MAX_DAYS {
                return Err(err(format!("`{n} {unit}` is more than a hundred years")));
            }
            let span = if *dir == "before" {
                DaySpan {
                    min: -span.max,
                    max: -span.min,
                }
            } else {
                span
            };
            Ok(TimeExpr::Relative {
                anchor: parse_ref(id)?,
                span,
            })
        }
        _ => Err(err(format!("cannot read time `{t}`"))),
    }
}

/// About a hundred years: no relative time in a case spans more.
const MAX_DAYS: i64 = 36_600;

fn parse_count(text: &str) -> Result<DaySpan, TimeError> {
    let number = |s: &str| {
        s.parse::<i64>()
            .map_err(|_| err(format!("`{s}` is not a whole number")))
    };
    let (a, b) = match text.split_once('-') {
        Some((a, b)) => (number(a)?, number(b)?),
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
    let (id, end) = match text
        .strip_suffix(".end")
        .or_else(|| text.strip_suffix(".stop"))
    {
        Some(id) => (id, true),
        None => (text, false),
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

fn last_day_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    let first_next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    first_next?.pred_opt()
}

fn add_days(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    if n >= 0 {
        d.checked_add_days(Days::new(n as u64))
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
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
    fn ranges_print_back_at_their_precision() {
        assert_eq!(parse_date("2018-10").unwrap().to_string(), "2018-10");
        assert_eq!(parse_date("2018").unwrap().to_string(), "2018");
        assert_eq!(parse_date("2018-10-04").unwrap().to_string(), "2018-10-04");
        let TimeExpr::Absolute(r) = parse_time("2018-10-03..2018-10-05").unwrap() else {
            panic!()
        };
        assert_eq!(r.to_string(), "2018-10-03..2018-10-05");
    }

    #[test]
    fn day_n_of_counts_the_first_day_as_day_one() {
        let t = parse_time("day 3-4 of lenalidomide-2018").unwrap();
        assert_eq!(
            t,
            TimeExpr::Relative {
                anchor: EventRef {
                    id: "lenalidomide-2018".into(),
                    end: false
                },
                span: DaySpan { min: 2, max: 3 }
            }
        );
        assert!(parse_time("day 0 of x").is_err());
    }

    #[test]
    fn before_negates_and_weeks_multiply() {
        let t = parse_time("1-2 weeks before lv.end").unwrap();
        assert_eq!(
            t,
            TimeExpr::Relative {
                anchor: EventRef {
                    id: "lv".into(),
                    end: true
                },
                span: DaySpan { min: -14, max: -7 }
            }
        );
        assert!(parse_time("3 fortnights after x").is_err());
        assert!(parse_time("4-3 days after x").is_err());
    }

    #[test]
    fn latency_between_uncertain_days_is_the_widest_interval() {
        let start = parse_date("2018-10").unwrap();
        let onset = DayRange::day(d("2018-11-10"));
        assert_eq!(start.days_until(&onset), DaySpan { min: 10, max: 40 });
        let shifted = DayRange::day(d("2018-10-01"))
            .shift(DaySpan { min: 2, max: 3 })
            .unwrap();
        assert_eq!(
            shifted,
            DayRange {
                earliest: d("2018-10-03"),
                latest: d("2018-10-04")
            }
        );
    }

    #[test]
    fn window_tests_answer_cannot_tell_when_straddling() {
        assert_eq!(DaySpan { min: 2, max: 3 }.fits(7, 21), Fit::Outside);
        assert_eq!(DaySpan { min: 8, max: 10 }.fits(7, 21), Fit::Inside);
        assert_eq!(DaySpan { min: 5, max: 10 }.fits(7, 21), Fit::CannotTell);
        assert_eq!(DaySpan::exact(21).fits(7, 21), Fit::Inside);
    }
}
