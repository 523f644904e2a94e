//! The timeline picture of the HTML report, drawn as SVG by hand: one lane
//! per drug, reaction and re-exposure, a day axis scaled to the case (weeks,
//! months or years), and every time drawn at its precision: the solid part of
//! a bar is when it surely ran, the pale ends are when it may have begun or
//! ended. Every text is escaped.

use crate::eval::chart::{Chart, LaneKind};
use crate::time::{DayRange, day_number, from_day_number};
use std::fmt::Write as _;

const WIDTH: f64 = 960.0;
const LABEL: f64 = 210.0;
const LANE: f64 = 26.0;
const TOP: f64 = 28.0;

/// Text as it may stand in SVG, in an element or an attribute.
pub(super) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A label cut to what fits the label column.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut cut: String = s.chars().take(n - 1).collect();
        cut.push('…');
        cut
    }
}

fn range_text(r: &DayRange) -> String {
    if r.is_exact() {
        r.earliest.to_string()
    } else {
        format!("{} to {}", r.earliest, r.latest)
    }
}

/// The day axis: first and last day shown, and where a day falls.
struct Axis {
    first: i64,
    last: i64,
}

impl Axis {
    fn x(&self, day: i64) -> f64 {
        let span = (self.last - self.first).max(1) as f64;
        LABEL + (WIDTH - LABEL - 12.0) * (day - self.first) as f64 / span
    }

    /// Ticks and their labels: weeks for a few months, months for a few years, else years.
    fn ticks(&self) -> Vec<(i64, String)> {
        let span = self.last - self.first;
        let mut out = Vec::new();
        let (Some(a), Some(b)) = (from_day_number(self.first), from_day_number(self.last)) else {
            return out;
        };
        use chrono::Datelike as _;
        if span <= 120 {
            let mut d = self.first;
            while d <= self.last {
                if let Some(date) = from_day_number(d) {
                    out.push((d, date.format("%Y-%m-%d").to_string()));
                }
                d += if span <= 31 { 7 } else { 14 };
            }
        } else if span <= 3 * 366 {
            let step = if span <= 400 { 1 } else { 3 };
            let (mut y, mut m) = (a.year(), a.month());
            while (y, m) <= (b.year(), b.month()) {
                if let Some(date) = chrono::NaiveDate::from_ymd_opt(y, m, 1)
                    && m % step == 1 % step
                {
                    out.push((day_number(date), date.format("%Y-%m").to_string()));
                }
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        } else {
            let step = ((b.year() - a.year()) / 8).max(1);
            let mut y = a.year();
            while y <= b.year() {
                if let Some(date) = chrono::NaiveDate::from_ymd_opt(y, 1, 1) {
                    out.push((day_number(date), y.to_string()));
                }
                y += step;
            }
        }
        out.retain(|(d, _)| *d >= self.first && *d <= self.last);
        out
    }
}

fn colour(kind: LaneKind) -> &'static str {
    match kind {
        LaneKind::Drug => "#3b6ea5",
        LaneKind::Reaction => "#b3261e",
        LaneKind::Rechallenge => "#7a4fa0",
        LaneKind::Investigations => "#5f6368",
    }
}

fn mark_colour(kind: &str) -> &'static str {
    match kind {
        "recurrence" => "#b3261e",
        "tolerated" => "#2e7d32",
        "other-reaction" => "#e07b00",
        "withdrawn" => "#1d1d1f",
        _ => "#5f6368",
    }
}

/// The rest days of a cyclic regimen begun on day `start` (first and last
/// dosing day of each cycle, its length), up to day `until`: inclusive
/// stretches of day numbers, at most 400 cycles.
fn rest_days(start: i64, until: i64, (first, last, length): (u32, u32, u32)) -> Vec<(i64, i64)> {
    let (first, last, length) = (i64::from(first), i64::from(last), i64::from(length));
    let mut out = Vec::new();
    if length <= 0 {
        return out;
    }
    for k in 0..400 {
        let cycle = start + k * length;
        if cycle > until {
            break;
        }
        // Before the first dosing day, then after the last one.
        for (a, b) in [
            (cycle, cycle + first - 2),
            (cycle + last, cycle + length - 1),
        ] {
            let b = b.min(until);
            if a <= b {
                out.push((a, b));
            }
        }
    }
    out
}

/// The chart as an SVG element, or nothing when the case dates nothing.
pub fn timeline(chart: &Chart) -> String {
    let days: Vec<i64> = chart
        .lanes
        .iter()
        .flat_map(|l| {
            l.bars
                .iter()
                .flat_map(|b| [Some(b.start), b.end].into_iter().flatten())
                .chain(l.marks.iter().map(|m| m.at))
        })
        .flat_map(|r| [day_number(r.earliest), day_number(r.latest)])
        .chain(chart.as_of.map(day_number))
        .collect();
    let (Some(&lo), Some(&hi)) = (days.iter().min(), days.iter().max()) else {
        return String::new();
    };
    let pad = ((hi - lo) / 30).max(1);
    let axis = Axis {
        first: lo - pad,
        last: hi + pad,
    };
    let lanes: Vec<_> = chart
        .lanes
        .iter()
        .filter(|l| !l.bars.is_empty() || !l.marks.is_empty())
        .collect();
    let height = TOP + LANE * lanes.len() as f64 + 8.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"timeline\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" role=\"img\" aria-label=\"Timeline of the case\">"
    );
    let _ = write!(
        s,
        "<style>text{{font:11px system-ui,sans-serif;fill:#1d1d1f}} .tick{{fill:#5f6368}} .note{{font-size:9px;fill:#3b4650}}</style>"
    );
    for (day, label) in axis.ticks() {
        let x = axis.x(day);
        let _ = write!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#e3e6ea\"/><text class=\"tick\" x=\"{x:.1}\" y=\"14\" text-anchor=\"middle\">{}</text>",
            TOP - 8.0,
            height - 4.0,
            esc(&label)
        );
    }
    for (i, lane) in lanes.iter().enumerate() {
        let y = TOP + LANE * i as f64;
        let mid = y + LANE / 2.0;
        let c = colour(lane.kind);
        let _ = write!(
            s,
            "<g class=\"lane {}\"><text x=\"4\" y=\"{:.1}\">{}<title>{}</title></text>",
            serde_json::to_value(lane.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            mid + 4.0,
            esc(&short(&lane.label, 32)),
            esc(&lane.label)
        );
        for b in &lane.bars {
            // Surely running: from the latest possible start to the earliest possible end.
            let s0 = axis.x(day_number(b.start.earliest));
            let s1 = axis.x(day_number(b.start.latest));
            let (e0, e1, open) = match b.end {
                Some(e) => (
                    axis.x(day_number(e.earliest)),
                    axis.x(day_number(e.latest)),
                    false,
                ),
                None => (axis.x(axis.last), axis.x(axis.last), true),
            };
            let title = match b.end {
                Some(e) => format!(
                    "{}: {} until {}",
                    b.label,
                    range_text(&b.start),
                    range_text(&e)
                ),
                None => format!("{}: from {}, no end given", b.label, range_text(&b.start)),
            };
            let _ = write!(s, "<g class=\"bar\"><title>{}</title>", esc(&title));
            if s1 > s0 {
                let _ = write!(
                    s,
                    "<rect x=\"{s0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"10\" fill=\"{c}\" opacity=\"0.3\"/>",
                    mid - 5.0,
                    s1 - s0
                );
            }
            let body = (e0 - s1).max(1.5);
            let _ = write!(
                s,
                "<rect x=\"{s1:.1}\" y=\"{:.1}\" width=\"{body:.1}\" height=\"10\" fill=\"{c}\" opacity=\"{}\"/>",
                mid - 5.0,
                if open { "0.55" } else { "0.9" }
            );
            if e1 > e0 {
                let _ = write!(
                    s,
                    "<rect x=\"{e0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"10\" fill=\"{c}\" opacity=\"0.3\"/>",
                    mid - 5.0,
                    e1 - e0
                );
            }
            // Rest days of a cycle, only where the start is known to the day.
            if let Some(cycle) = b.cycle.filter(|_| b.start.earliest == b.start.latest) {
                let until = match b.end {
                    Some(e) => day_number(e.earliest),
                    None => axis.last,
                };
                for (from, to) in rest_days(day_number(b.start.earliest), until, cycle) {
                    let _ = write!(
                        s,
                        "<rect class=\"rest\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"10\" fill=\"#ffffff\" opacity=\"0.7\"/>",
                        axis.x(from),
                        mid - 5.0,
                        (axis.x(to + 1) - axis.x(from)).max(0.5)
                    );
                }
            }
            if let Some(note) = &b.note
                && e0 - s1 > 7.0 * note.chars().count() as f64
            {
                let _ = write!(
                    s,
                    "<text class=\"note\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                    s1 + 3.0,
                    mid - 7.0,
                    esc(note)
                );
            }
            s.push_str("</g>");
        }
        for m in &lane.marks {
            let x0 = axis.x(day_number(m.at.earliest));
            let x1 = axis.x(day_number(m.at.latest));
            let mc = mark_colour(&m.kind);
            let title = esc(&format!("{}, {}", m.label, range_text(&m.at)));
            if m.kind == "known" {
                // A small triangle above the lane: the day a follow-up brought it.
                let x = (x0 + x1) / 2.0;
                let _ = write!(
                    s,
                    "<g class=\"mark known\"><title>{title}</title><path d=\"M{:.1} {:.1}h8l-4 5z\" fill=\"#1d1d1f\"/></g>",
                    x - 4.0,
                    mid - 11.0
                );
                continue;
            }
            if x1 - x0 > 3.0 {
                let _ = write!(
                    s,
                    "<g class=\"mark {}\"><title>{title}</title><rect x=\"{x0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"6\" rx=\"3\" fill=\"{mc}\" opacity=\"0.6\"/></g>",
                    esc(&m.kind),
                    mid - 3.0,
                    x1 - x0
                );
            } else {
                let _ = write!(
                    s,
                    "<g class=\"mark {}\"><title>{title}</title><circle cx=\"{:.1}\" cy=\"{mid:.1}\" r=\"4.5\" fill=\"{mc}\"/></g>",
                    esc(&m.kind),
                    (x0 + x1) / 2.0
                );
            }
        }
        s.push_str("</g>");
    }
    if let Some(day) = chart.as_of {
        let x = axis.x(day_number(day));
        let _ = write!(
            s,
            "<g class=\"as-of\"><title>as of {day}</title><line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#1d1d1f\" stroke-dasharray=\"4 3\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">as of {day}</text></g>",
            TOP - 6.0,
            height - 4.0,
            TOP - 2.0
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::chart::{Bar, Lane, Mark};

    fn d(s: &str) -> chrono::NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn an_imprecise_start_is_drawn_as_a_range_and_text_is_escaped() {
        let chart = Chart {
            lanes: vec![
                Lane {
                    kind: LaneKind::Drug,
                    label: "<b>drug</b> & co".into(),
                    bars: vec![Bar {
                        label: "c1".into(),
                        start: DayRange {
                            earliest: d("2018-10-01"),
                            latest: d("2018-10-31"),
                        },
                        end: Some(DayRange::day(d("2019-02-01"))),
                        note: None,
                        cycle: None,
                    }],
                    marks: vec![Mark {
                        label: "step 1 2.5 mg: recurrence".into(),
                        at: DayRange::day(d("2019-01-10")),
                        kind: "recurrence".into(),
                    }],
                },
                Lane {
                    kind: LaneKind::Reaction,
                    label: "rash".into(),
                    bars: vec![],
                    marks: vec![],
                },
            ],
            as_of: Some(d("2019-01-15")),
        };
        let svg = timeline(&chart);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("&lt;b&gt;drug&lt;/b&gt; &amp; co"), "{svg}");
        assert!(!svg.contains("<b>"), "{svg}");
        // The month of the start is a pale range; the rest is solid.
        assert_eq!(svg.matches("opacity=\"0.3\"").count(), 1, "{svg}");
        assert!(
            svg.contains("2018-10-01 to 2018-10-31 until 2019-02-01"),
            "{svg}"
        );
        assert_eq!(svg.matches("class=\"mark recurrence\"").count(), 1);
        assert!(svg.contains("as of 2019-01-15"));
        // A lane with nothing dated is left out; months are the ticks of a few months' span.
        assert_eq!(svg.matches("<g class=\"lane ").count(), 1);
        assert!(svg.contains(">2018-11<"), "{svg}");
    }

    #[test]
    fn a_cycle_known_to_the_day_shows_its_rest_days_and_the_dose() {
        let bar = |start: DayRange| Chart {
            lanes: vec![Lane {
                kind: LaneKind::Drug,
                label: "lenalidomide".into(),
                bars: vec![Bar {
                    label: "course 25 mg, days 1-21 of 28".into(),
                    start,
                    end: Some(DayRange::day(d("2024-03-24"))),
                    note: Some("25 mg".into()),
                    cycle: Some((1, 21, 28)),
                }],
                marks: vec![],
            }],
            as_of: None,
        };
        // 2024-01-01 to 2024-03-24 is 84 days: three cycles, each with a week of rest.
        let svg = timeline(&bar(DayRange::day(d("2024-01-01"))));
        assert_eq!(svg.matches("class=\"rest\"").count(), 3, "{svg}");
        assert!(svg.contains(">25 mg</text>"), "{svg}");
        // Started some day in January: where the rest weeks fall is not known, so none is drawn.
        let svg = timeline(&bar(DayRange {
            earliest: d("2024-01-01"),
            latest: d("2024-01-31"),
        }));
        assert_eq!(svg.matches("class=\"rest\"").count(), 0, "{svg}");
        assert_eq!(
            rest_days(0, 60, (1, 21, 28)),
            vec![(21, 27), (49, 55)],
            "days 22-28 of each cycle, up to day 60"
        );
        assert_eq!(rest_days(0, 10, (3, 5, 7)), vec![(0, 1), (5, 6), (7, 8)]);
    }

    #[test]
    fn a_case_that_dates_nothing_draws_nothing() {
        assert_eq!(timeline(&Chart::default()), "");
    }
}
