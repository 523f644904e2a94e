//! What a person who signs an assessment reads first about the case: the
//! report's type and ids, the patient, each reaction with its seriousness and
//! outcome, the report's narrative and comments, and the assessor's own
//! conclusion. Taken from the case as it stands (as of the day assessed),
//! never scored.

use crate::case::{Case, Conclusion, Report};
use crate::findings::kebab;
use serde::Serialize;

/// The case as the report's header shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseHeader {
    pub report: Report,
    /// "82 years, female, 70 kg", or empty when none is given.
    pub patient: String,
    /// The patient's conditions and earlier reactions, one line each.
    pub history: Vec<String>,
    pub reactions: Vec<ReactionLine>,
    /// The narrative's first paragraph, at most about 600 characters.
    pub narrative: Option<String>,
    pub conclusion: Option<Conclusion>,
}

/// One reaction as the header lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ReactionLine {
    pub id: String,
    pub term: String,
    pub onset: String,
    pub end: String,
    pub outcome: String,
    pub grade: String,
    pub seriousness: String,
}

/// At most this many characters of the narrative appear in the header.
const NARRATIVE_EXCERPT: usize = 600;

pub(super) fn header(case: &Case) -> CaseHeader {
    let p = &case.patient;
    let mut who = Vec::new();
    if let Some(age) = p.age {
        who.push(format!("{age} years"));
    }
    if let Some(sex) = p.sex {
        who.push(kebab(&sex));
    }
    if let Some(w) = p.weight {
        who.push(format!("{w} kg"));
    }
    let mut history: Vec<String> = p
        .conditions
        .iter()
        .filter(|c| case.is_known(c.known))
        .map(|c| {
            let mut s = c.name.clone();
            if let Some(sub) = &c.subtype {
                s.push_str(&format!(" ({sub})"));
            }
            match (c.onset, c.end) {
                (Some(a), Some(b)) => s.push_str(&format!(", {a} to {b}")),
                (Some(a), None) => s.push_str(&format!(", since {a}")),
                (None, Some(b)) => s.push_str(&format!(", until {b}")),
                (None, None) => {}
            }
            s
        })
        .collect();
    for r in p
        .previous_reactions
        .iter()
        .flatten()
        .filter(|r| case.is_known(r.known))
    {
        let when = r.date.map_or(String::new(), |d| format!(" ({d})"));
        history.push(format!("earlier {} with {}{when}", r.reaction, r.drug));
    }
    let reactions = case
        .reactions
        .iter()
        .filter(|r| case.is_known(r.known))
        .map(|r| ReactionLine {
            id: r.id.clone(),
            term: r.term.clone(),
            onset: r
                .onset
                .map_or_else(|| "not dated".to_owned(), |d| d.to_string()),
            end: r.end.map_or_else(String::new, |d| d.to_string()),
            outcome: r
                .outcome
                .map_or_else(|| "not given".to_owned(), |o| kebab(&o)),
            grade: r.severity_grade.map_or_else(String::new, |g| g.to_string()),
            seriousness: if r.seriousness.is_empty() {
                "none given".to_owned()
            } else {
                r.seriousness
                    .iter()
                    .map(kebab)
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })
        .collect();
    CaseHeader {
        report: case.report.clone(),
        patient: who.join(", "),
        history,
        reactions,
        narrative: case.report.narrative.as_deref().map(excerpt),
        // As of a day, only a conclusion signed by then (an undated one cannot be placed).
        conclusion: case
            .conclusion
            .clone()
            .filter(|c| match (case.as_of, c.date) {
                (None, _) => true,
                (Some(day), Some(d)) => d.latest <= day,
                (Some(_), None) => false,
            }),
    }
}

/// The narrative's first paragraph, cut at a word near [`NARRATIVE_EXCERPT`]
/// characters with an ellipsis when longer.
fn excerpt(text: &str) -> String {
    let first = text.trim().split("\n\n").next().unwrap_or_default();
    let flat: String = first.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= NARRATIVE_EXCERPT && first.len() == text.trim().len() {
        return flat;
    }
    let cut: String = flat.chars().take(NARRATIVE_EXCERPT).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if flat.chars().count() > NARRATIVE_EXCERPT => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{cut} …")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_narrative_is_cut_at_a_word() {
        let long = "word ".repeat(200);
        let e = excerpt(&long);
        assert!(e.ends_with(" …"));
        assert!(e.chars().count() <= NARRATIVE_EXCERPT + 2);
        assert_eq!(excerpt("short  text"), "short text");
        assert_eq!(excerpt("first\n\nsecond"), "first …");
    }
}
