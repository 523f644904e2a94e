//! Values written as text in a case file: doses and regimens.

use crate::case::{Cycle, Dose, Regimen};

pub(super) fn parse_dose(text: &str) -> Dose {
    let t = text.trim();
    let mut parts = t.splitn(2, char::is_whitespace);
    let amount = parts
        .next()
        .and_then(|a| a.parse::<f64>().ok())
        .filter(|a| a.is_finite() && *a >= 0.0);
    let unit = amount
        .and(parts.next())
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty());
    Dose {
        text: t.to_owned(),
        amount,
        unit,
    }
}

pub(super) fn parse_regimen(text: &str) -> Result<Regimen, String> {
    let t = text.trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    if let ["days", range, "of", length] = words.as_slice() {
        let bad = || format!("cannot read the cycle in `{t}`");
        let (a, b) = range.split_once('-').ok_or_else(bad)?;
        let (a, b, n) = (
            a.parse::<u32>().map_err(|_| bad())?,
            b.parse::<u32>().map_err(|_| bad())?,
            length.parse::<u32>().map_err(|_| bad())?,
        );
        if a == 0 || a > b || b > n {
            return Err(format!(
                "cycle `{t}` must have 1 <= first day <= last day <= cycle length"
            ));
        }
        return Ok(Regimen {
            text: t.to_owned(),
            cycle: Some(Cycle {
                first_day: a,
                last_day: b,
                length: n,
            }),
        });
    }
    Ok(Regimen {
        text: t.to_owned(),
        cycle: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doses_keep_text_and_read_amounts() {
        let d = parse_dose("2.5 mg");
        assert_eq!(d.amount, Some(2.5));
        assert_eq!(d.unit.as_deref(), Some("mg"));
        assert_eq!(parse_dose("half a tablet").amount, None);
    }

    #[test]
    fn cyclic_regimens_are_read_and_checked() {
        let r = parse_regimen("days 1-21 of 28").unwrap();
        assert_eq!(
            r.cycle,
            Some(Cycle {
                first_day: 1,
                last_day: 21,
                length: 28
            })
        );
        assert!(parse_regimen("days 1-30 of 28").is_err());
        assert_eq!(parse_regimen("daily").unwrap().cycle, None);
    }
}
