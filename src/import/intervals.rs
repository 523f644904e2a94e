//! G.k.9.i.3 intervals (from a drug's start or last dose to a reaction's
//! start) turned into times: they date what the report leaves undated, and
//! never overrule a date the report gives.

use crate::time::DayRange;
use serde_json::{Value, json};

/// A G.k.9.i.3 interval: from a drug's start (or its last dose) to a reaction's start.
pub(super) struct Interval {
    /// Index of the drug in the case's drug list.
    pub(super) drug: usize,
    /// The reaction's case id.
    pub(super) reaction: String,
    pub(super) from_last_dose: bool,
    pub(super) value: String,
    /// UCUM unit as given: `a`, `mo`, `wk`, `d`, `h`, `min`, `s`.
    pub(super) unit: String,
}

/// The whole calendar days an interval of `value` `unit` may span: an
/// interval under a day may cross midnight, months and years vary in length.
fn interval_days(value: &str, unit: &str) -> Option<(i64, i64)> {
    let v: f64 = value.trim().parse().ok()?;
    if !(0.0..=36_600.0 * 24.0 * 3600.0).contains(&v) {
        return None;
    }
    let exact = |days: f64| -> (i64, i64) {
        if days.fract() == 0.0 {
            (days as i64, days as i64)
        } else {
            (days.floor() as i64, days.floor() as i64 + 1)
        }
    };
    let span = match unit {
        "d" => exact(v),
        "wk" => exact(v * 7.0),
        "h" => exact(v / 24.0),
        "min" => exact(v / 1440.0),
        "s" => exact(v / 86_400.0),
        "mo" => ((v * 28.0).floor() as i64, (v * 31.0).ceil() as i64),
        "a" => ((v * 365.0).floor() as i64, (v * 366.0).ceil() as i64),
        _ => return None,
    };
    (span.1 <= 36_600).then_some(span)
}

fn days_text((min, max): (i64, i64)) -> String {
    if min == max && min == 1 {
        "1 day".to_owned()
    } else if min == max {
        format!("{min} days")
    } else {
        format!("{min}-{max} days")
    }
}

/// The days a time written by an importer may be: a date at its precision.
pub(super) fn absolute(v: &Value) -> Option<DayRange> {
    match crate::time::parse_time(v.as_str()?) {
        Ok(crate::time::TimeExpr::Absolute(r)) => Some(r),
        _ => None,
    }
}

/// What the dates of a drug's exposures are, as given or as derived here.
#[derive(Default, Clone)]
struct ExposureDays {
    start: Option<DayRange>,
    stop: Option<DayRange>,
}

/// Uses G.k.9.i.3 intervals to date what the report leaves undated: a
/// reaction's onset from a dated drug start (or last dose), or a drug's start
/// (or last dose) from a dated reaction. Dates given in the report always win,
/// and a derived time that cannot fit them (an onset after the reaction's end,
/// a start after the drug's stop) is set aside; every interval used or set
/// aside is named in the notes. Drug times are only derived from reactions
/// dated in the report, so no two times refer to each other.
pub(super) fn apply_intervals(
    intervals: &[Interval],
    drugs: &mut [Value],
    reactions: &mut [Value],
    notes: &mut Vec<String>,
) {
    let field = |from_last_dose: bool| if from_last_dose { "stop" } else { "start" };
    // Every exposure's days, as the report gives them; derived ones are added as they are set.
    let mut days: Vec<Vec<ExposureDays>> = drugs
        .iter()
        .map(|d| {
            d["exposures"]
                .as_array()
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|e| ExposureDays {
                    start: absolute(&e["start"]),
                    stop: absolute(&e["stop"]),
                })
                .collect()
        })
        .collect();
    let onset_in_report: Vec<(String, DayRange)> = reactions
        .iter()
        .filter_map(|r| Some((r["id"].as_str()?.to_owned(), absolute(&r["onset"])?)))
        .collect();
    let onset_of = |id: &str| {
        onset_in_report
            .iter()
            .find(|(r, _)| r == id)
            .map(|(_, d)| *d)
    };
    // A drug's start is its earliest exposure start; its end, the latest stop once every exposure has one.
    let drug_days = |exposures: &[ExposureDays], from_last_dose: bool| -> Option<DayRange> {
        if from_last_dose {
            let stops: Option<Vec<DayRange>> = exposures.iter().map(|e| e.stop).collect();
            stops?.into_iter().reduce(|a, b| DayRange {
                earliest: a.earliest.max(b.earliest),
                latest: a.latest.max(b.latest),
            })
        } else {
            exposures
                .iter()
                .filter_map(|e| e.start)
                .reduce(|a, b| DayRange {
                    earliest: a.earliest.min(b.earliest),
                    latest: a.latest.min(b.latest),
                })
        }
    };
    let describe = |i: &Interval, drug: &Value| {
        format!(
            "G.k.9.i.3.{} gives {} {} from the {} of {} to {}",
            if i.from_last_dose { 2 } else { 1 },
            i.value,
            i.unit,
            if i.from_last_dose {
                "last dose"
            } else {
                "start"
            },
            drug["name"].as_str().unwrap_or("the drug"),
            i.reaction
        )
    };
    let mut pending = Vec::new();
    // First the drugs' dates, from reactions the report dates.
    for i in intervals {
        let Some(drug) = drugs.get_mut(i.drug) else {
            continue;
        };
        let what = describe(i, drug);
        let Some(span) = interval_days(&i.value, &i.unit) else {
            notes.push(format!(
                "{what}: the unit or value cannot be read, so it is not used"
            ));
            continue;
        };
        if drug_days(&days[i.drug], i.from_last_dose).is_some() {
            pending.push((i, span));
            continue;
        }
        let Some(onset) = onset_of(&i.reaction) else {
            pending.push((i, span));
            continue;
        };
        let count = days[i.drug].len();
        let target = match i.from_last_dose {
            false if count > 0 => Some(0),
            true if count == 1 => Some(0),
            _ => None,
        };
        let Some(e) = target else {
            notes.push(format!(
                "{what}: the drug has several dosages, so the interval cannot say which one it counts from"
            ));
            continue;
        };
        let Some(derived) = onset.shift(crate::time::DaySpan {
            min: -span.1,
            max: -span.0,
        }) else {
            notes.push(format!(
                "{what}: it reaches outside the calendar, so it is not used"
            ));
            continue;
        };
        let other = &days[i.drug][e];
        let conflict = if i.from_last_dose {
            other.start.is_some_and(|s| derived.latest < s.earliest)
        } else {
            other.stop.is_some_and(|s| s.latest < derived.earliest)
        };
        if conflict {
            notes.push(format!(
                "{what}: that would put the drug's {} at {derived}, which the dosage's other date rules out, so it is not used",
                if i.from_last_dose { "last dose" } else { "start" }
            ));
            continue;
        }
        if let Some(exposure) = drug["exposures"].get_mut(e) {
            exposure[field(i.from_last_dose)] =
                json!(format!("{} before {}", days_text(span), i.reaction));
        }
        if i.from_last_dose {
            days[i.drug][e].stop = Some(derived);
        } else {
            days[i.drug][e].start = Some(derived);
        }
        notes.push(format!(
            "{what}: the drug's {} is counted back from the reaction",
            if i.from_last_dose {
                "last dose"
            } else {
                "start"
            }
        ));
    }
    // Then the reactions' onsets, from drugs now dated.
    let mut dated_by_interval: Vec<String> = Vec::new();
    for (i, span) in pending {
        let drug = &drugs[i.drug];
        let what = describe(i, drug);
        let Some(reaction) = reactions
            .iter_mut()
            .find(|r| r["id"].as_str() == Some(i.reaction.as_str()))
        else {
            continue;
        };
        if reaction.get("onset").is_some() {
            let why = if dated_by_interval.contains(&i.reaction) {
                "another interval already dates the reaction"
            } else {
                "the report's dates are used"
            };
            notes.push(format!("{what}: {why}"));
            continue;
        }
        let Some(anchor_days) = drug_days(&days[i.drug], i.from_last_dose) else {
            notes.push(format!(
                "{what}: neither is dated in the report, so it dates nothing"
            ));
            continue;
        };
        let Some(onset) = anchor_days.shift(crate::time::DaySpan {
            min: span.0,
            max: span.1,
        }) else {
            notes.push(format!(
                "{what}: it reaches outside the calendar, so it is not used"
            ));
            continue;
        };
        if absolute(&reaction["end"]).is_some_and(|end| end.latest < onset.earliest) {
            notes.push(format!(
                "{what}: that would put the onset at {onset}, after the reaction's end, so it is not used"
            ));
            continue;
        }
        let anchor = drug["id"].as_str().unwrap_or_default();
        let anchor = if i.from_last_dose {
            format!("{anchor}.end")
        } else {
            anchor.to_owned()
        };
        reaction["onset"] = json!(format!("{} after {anchor}", days_text(span)));
        notes.push(format!(
            "{what}: the reaction's onset is counted from the drug"
        ));
        dated_by_interval.push(i.reaction.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_become_whole_day_spans() {
        assert_eq!(interval_days("10", "d"), Some((10, 10)));
        assert_eq!(interval_days("2", "wk"), Some((14, 14)));
        // Under a day: the same day or, across midnight, the next.
        assert_eq!(interval_days("10", "min"), Some((0, 1)));
        assert_eq!(interval_days("36", "h"), Some((1, 2)));
        assert_eq!(interval_days("0", "h"), Some((0, 0)));
        // Months and years vary in length.
        assert_eq!(interval_days("2", "mo"), Some((56, 62)));
        assert_eq!(interval_days("1", "a"), Some((365, 366)));
        for (value, unit) in [
            ("ten", "d"),
            ("-1", "d"),
            ("3", "fortnight"),
            ("1e9", "a"),
            ("NaN", "d"),
        ] {
            assert_eq!(interval_days(value, unit), None, "{value} {unit}");
        }
    }

    fn interval(drug: usize, reaction: &str, from_last_dose: bool, value: &str) -> Interval {
        Interval {
            drug,
            reaction: reaction.to_owned(),
            from_last_dose,
            value: value.to_owned(),
            unit: "d".to_owned(),
        }
    }

    #[test]
    fn report_dates_win_and_derived_times_never_refer_to_each_other() {
        let mut drugs = vec![
            json!({"id": "a", "name": "A", "exposures": [{"start": "2020-01-01", "stop": "2020-01-20"}]}),
            json!({"id": "b", "name": "B", "exposures": [{}]}),
        ];
        let mut reactions = vec![
            json!({"id": "r1", "onset": "2020-01-15"}),
            json!({"id": "r2"}),
            json!({"id": "r3"}),
        ];
        let mut notes = Vec::new();
        apply_intervals(
            &[
                interval(0, "r1", false, "3"), // both dated: the report's dates stand
                interval(0, "r2", true, "2"),  // r2 from A's last dose
                interval(1, "r1", false, "5"), // B's start from r1
                interval(1, "r3", false, "1"), // r3 from B's derived start
                interval(1, "r2", false, "9"), // r2 is already dated by an interval
            ],
            &mut drugs,
            &mut reactions,
            &mut notes,
        );
        assert_eq!(drugs[0]["exposures"][0]["start"], "2020-01-01");
        assert_eq!(reactions[0]["onset"], "2020-01-15");
        assert_eq!(reactions[1]["onset"], "2 days after a.end");
        assert_eq!(drugs[1]["exposures"][0]["start"], "5 days before r1");
        assert_eq!(reactions[2]["onset"], "1 day after b");
        assert_eq!(notes.len(), 5, "{notes:?}");
        assert!(
            notes
                .iter()
                .any(|n| n.contains("3 d from the start of A to r1: the report's dates are used")),
            "{notes:?}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.contains("another interval already dates"))
        );
    }
}
