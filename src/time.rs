//! Times as intervals of days.
//!
//! Reports give dates to the day, the month or the year, or only relative to
//! another event ("on days 3 to 4 of treatment", "two months after starting").
//! An event's possible days are a [`DayRange`]; the number of days between two
//! events is a [`DaySpan`], which may be open at one end ("at least 6 months");
//! tests against a window answer yes, no or cannot tell ([`Fit`]). Nothing here
//! pretends to a precision the input does not have.
//!
//! [`parse`] reads the time language of case files; [`network`] holds the
//! simple temporal network that keeps every stated time linked to the others.
//! Resolving ids against a case belongs to the case chronology.

pub mod network;
mod parse;

pub use parse::{
    EventRef, MAX_DAYS, TIME_HELP, TimeError, TimeExpr, day_numbers, parse_date, parse_time,
};

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;
use std::fmt;

/// A span end that no fact bounds: `after ID` is `0` to `UNBOUNDED` days.
/// Beyond any day number a date of years 0000 to 9999 has (about 3.65
/// million) and any difference between two of them, so a date is never read
/// as unbounded; small enough that arithmetic on it never overflows.
pub const UNBOUNDED: i64 = 10_000_000;

/// The day number of a date (days since 1 January of year 1), the unit of the
/// temporal network.
pub fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

/// The date of a day number, if the calendar has it.
pub fn from_day_number(n: i64) -> Option<NaiveDate> {
    i32::try_from(n)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

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
    /// Days of an episode as written: "4", or "10-16".
    pub fn day_numbers(&self) -> String {
        if self.min == self.max {
            self.min.to_string()
        } else {
            format!("{}-{}", self.min, self.max)
        }
    }

    /// The same in words: "day 4", or "days 10-16".
    pub fn days_words(&self) -> String {
        let plural = if self.min == self.max { "" } else { "s" };
        format!("day{plural} {}", self.day_numbers())
    }

    pub fn exact(n: i64) -> Self {
        DaySpan { min: n, max: n }
    }

    /// Nothing known: any number of days, either way.
    pub const ANY: DaySpan = DaySpan {
        min: -UNBOUNDED,
        max: UNBOUNDED,
    };

    /// The span the other way round: days from the later event back to the earlier.
    pub fn negated(&self) -> Self {
        DaySpan {
            min: -self.max,
            max: -self.min,
        }
    }

    /// Whether a fact bounds the span from below.
    pub fn has_min(&self) -> bool {
        self.min > -UNBOUNDED
    }

    /// Whether a fact bounds the span from above.
    pub fn has_max(&self) -> bool {
        self.max < UNBOUNDED
    }

    /// Whether both ends are bounded.
    pub fn is_bounded(&self) -> bool {
        self.has_min() && self.has_max()
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
        let days = |n: i64| if n.abs() == 1 { "day" } else { "days" };
        match (self.has_min(), self.has_max()) {
            (true, true) if self.min == self.max => write!(f, "{} {}", self.min, days(self.min)),
            (true, true) => write!(f, "{} to {} days", self.min, self.max),
            (true, false) => write!(f, "{} or more days", self.min),
            (false, true) => write!(f, "{} or fewer days", self.max),
            (false, false) => f.write_str("an unknown number of days"),
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

pub(crate) fn last_day_of_month(y: i32, m: u32) -> Option<NaiveDate> {
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
        assert_eq!(
            DaySpan {
                min: 30,
                max: UNBOUNDED
            }
            .fits(7, 21),
            Fit::Outside
        );
    }

    #[test]
    fn open_spans_say_which_end_is_known() {
        assert_eq!(
            DaySpan {
                min: 0,
                max: UNBOUNDED
            }
            .to_string(),
            "0 or more days"
        );
        assert_eq!(
            DaySpan {
                min: -UNBOUNDED,
                max: -169
            }
            .to_string(),
            "-169 or fewer days"
        );
        assert_eq!(DaySpan::ANY.to_string(), "an unknown number of days");
        assert_eq!(DaySpan { min: 1, max: 24 }.to_string(), "1 to 24 days");
        assert_eq!(DaySpan::exact(1).to_string(), "1 day");
    }

    #[test]
    fn day_numbers_round_trip() {
        let x = d("2018-10-03");
        assert_eq!(from_day_number(day_number(x)), Some(x));
        assert_eq!(day_number(d("2018-10-04")) - day_number(x), 1);
    }
}
