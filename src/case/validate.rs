//! Turns a [`CaseDoc`] into a [`Case`], collecting every problem.
//!
//! In three passes: every id and its events are declared first, so times may
//! refer to events written later; then every item is read, its times stated to
//! the case's [`Chronology`] and its references resolved; then the chronology
//! is solved, and each item's calendar days and the day it became known are
//! read from the solution. Contradicting times are reported together, each
//! with its line.

mod events;
mod rechallenges;
mod references;
mod values;

use super::chronology::{Chronology, Conflict, Event};
use super::describe;
use super::doc::*;
use super::*;
use crate::diagnostic::{Diagnostic, Diagnostics, Pos, SourceFile};
use crate::time;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

fn pos_of<T>(s: &Spanned<T>) -> Pos {
    Pos::from_location(&s.referenced)
}

/// An item of the case whose facts and known day are settled after solving.
#[derive(Debug, Clone, Copy)]
enum Item {
    Condition(usize),
    Previous(usize),
    Drug(usize),
    Exposure(usize, usize),
    Earlier(usize, usize),
    Reaction(usize),
    Investigation(usize),
    Dechallenge(usize),
    Rechallenge(usize),
    Alternative(usize),
    Factor(usize),
    Answer(usize),
}

/// The ids of the case, by kind, for references and suggestions.
struct Names {
    drugs: Vec<String>,
    reactions: Vec<String>,
    conditions: Vec<String>,
}

struct Validator<'a> {
    file: &'a SourceFile,
    diags: Diagnostics,
    chron: Chronology<'a>,
    ids: BTreeMap<&'a str, Pos>,
    /// Each stated fact's item, and whether it is known only once past
    /// (`Some(true)`: surely past, for ends; `Some(false)`: possibly past, for steps).
    owned: Vec<(usize, Item, Option<bool>)>,
    /// The `known_since` point of each item that has one.
    known_since: Vec<(Item, Point)>,
}

impl<'a> Validator<'a> {
    /// A CTCAE grade, or `None` with a problem when it is out of range.
    fn severity_grade(&mut self, g: Option<&Spanned<u8>>) -> Option<u8> {
        let g = g?;
        if (1..=5).contains(&g.value) {
            return Some(g.value);
        }
        self.error(
            "case::impossible-value",
            pos_of(g),
            format!("severity grade `{}` is out of range", g.value),
        )
        .help = Some("CTCAE grades run from 1 (mild) to 5 (death)".into());
        None
    }

    fn error(
        &mut self,
        code: &'static str,
        pos: Pos,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::new(code, self.file, pos, message));
        self.diags.0.last_mut().expect("just pushed")
    }

    fn declare_id(&mut self, id: &'a Spanned<String>) -> bool {
        let pos = pos_of(id);
        let value = id.value.trim();
        if value.is_empty()
            || !value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            self.error(
                "case::bad-id",
                pos,
                format!("`{}` is not a usable id", id.value),
            )
            .help = Some(
                "use letters, digits, `-` and `_` only, for example `lenalidomide-2018`".into(),
            );
            return false;
        }
        if let Some(first) = self.ids.get(value) {
            let line = first.line;
            self.error(
                "case::duplicate-id",
                pos,
                format!("id `{value}` is used twice"),
            )
            .help = Some(format!(
                "ids name one drug, exposure, reaction, condition, rechallenge or earlier exposure; `{value}` is first used on line {line}"
            ));
            return false;
        }
        self.ids.insert(value, pos);
        true
    }

    /// States the time written in `t` for the event `at`, reporting what cannot be read.
    fn state(
        &mut self,
        at: Point,
        t: Option<&'a Spanned<String>>,
        item: Item,
        once_past: Option<bool>,
    ) {
        let Some(t) = t else { return };
        let expr = match time::parse_time(&t.value) {
            Ok(e) => e,
            Err(e) => {
                self.error("case::bad-time", pos_of(t), e.message).help =
                    Some(time::TIME_HELP.into());
                return;
            }
        };
        match self.chron.state(at, &expr, &t.value, pos_of(t)) {
            Ok(fact) => self.owned.push((fact, item, once_past)),
            Err((message, unknown)) => {
                let d = Diagnostic::new("case::bad-time", self.file, pos_of(t), message);
                let d = match unknown {
                    Some(id) => {
                        let d = d.with_suggestion(&id, self.chron.ids());
                        if d.help.is_none() {
                            d.with_help("count from the id of a drug, exposure, reaction, condition, rechallenge or earlier exposure of this case")
                        } else {
                            d
                        }
                    }
                    None => d.with_help(time::TIME_HELP),
                };
                self.diags.push(d);
            }
        }
    }

    /// Records the `known_since` written for an item.
    fn known_since(&mut self, item: Item, t: Option<&'a Spanned<String>>, path: &str) {
        if t.is_none() {
            return;
        }
        let at = self.chron.known_point(path.to_owned());
        self.state(at, t, item, None);
        self.known_since.push((item, at));
    }

    fn find(&mut self, kind: &str, r: &Spanned<String>, names: &[&str]) -> Option<usize> {
        let v = r.value.trim();
        match names.iter().position(|n| *n == v) {
            Some(i) => Some(i),
            None => {
                let d = Diagnostic::new(
                    "case::unknown-reference",
                    self.file,
                    pos_of(r),
                    format!("no {kind} `{v}` in this case"),
                )
                .with_suggestion(v, names.iter().copied());
                let d = if d.help.is_none() && !names.is_empty() {
                    d.with_help(format!("{kind}s in this case: {}", names.join(", ")))
                } else {
                    d
                };
                self.diags.push(d);
                None
            }
        }
    }

    /// One diagnostic for facts that cannot all hold, pointing at the last one written.
    fn conflict(&mut self, c: &Conflict, case: &Case, events: &[Event], known: &[String]) {
        let at = c
            .facts
            .iter()
            .filter(|f| !f.implied())
            .map(|f| f.pos)
            .max()
            .unwrap_or(Pos::UNKNOWN);
        let mut d = Diagnostic::new(
            "case::contradictory-times",
            self.file,
            at,
            format!("these {} facts about times cannot all hold", c.facts.len()),
        );
        let mut facts: Vec<&Fact> = c.facts.iter().collect();
        facts.sort_by_key(|f| (f.implied(), f.pos));
        let words = describe::Words {
            case,
            events,
            known,
        };
        d.notes = facts
            .iter()
            .map(|f| {
                let (says, path) = (words.says(f), words.path(f));
                if f.implied() {
                    format!("{says} (implied by the case format, `{path}`)")
                } else {
                    format!("line {}: {says} (`{path}`)", f.pos.line)
                }
            })
            .collect();
        self.diags.push(d.with_help(
            "check each of them against the report: one is probably mistyped, or counts from the wrong event",
        ));
    }
}

pub(super) fn validate(
    doc: CaseDoc,
    file: &SourceFile,
    digest: String,
) -> Result<Case, Diagnostics> {
    // Two events for most items: room for them all at once.
    let patient = doc.patient.as_ref();
    let events = 2 * patient.map_or(0, |p| p.conditions.len())
        + patient
            .and_then(|p| p.previous_reactions.as_ref())
            .map_or(0, Vec::len)
        + doc
            .drugs
            .iter()
            .map(|d| 2 * d.value.exposures.len() + d.value.earlier_exposures.len() + 2)
            .sum::<usize>()
        + 2 * doc.reactions.len()
        + doc.investigations.len()
        + doc.dechallenges.len()
        + doc
            .rechallenges
            .iter()
            .map(|r| 2 + r.value.steps.len())
            .sum::<usize>();
    let mut v = Validator {
        file,
        diags: Diagnostics::default(),
        chron: Chronology::with_capacity(events),
        ids: BTreeMap::new(),
        owned: Vec::new(),
        known_since: Vec::new(),
    };
    // 1. Every id and its events, so times may refer forwards.
    let declared = events::declare(&mut v, &doc);
    let names = Names {
        drugs: doc
            .drugs
            .iter()
            .map(|d| d.value.id.value.trim().to_owned())
            .collect(),
        reactions: doc
            .reactions
            .iter()
            .map(|r| r.value.id.value.trim().to_owned())
            .collect(),
        conditions: doc
            .patient
            .iter()
            .flat_map(|p| &p.conditions)
            .filter_map(|c| c.value.id.as_ref().map(|i| i.value.trim().to_owned()))
            .collect(),
    };
    // 2. Every item, its times stated and its references resolved.
    let mut case = events::read(&mut v, &doc, &declared, &names);
    let refs = references::references(&mut v, &doc, &names);
    case.alternative_causes = refs.alternative_causes;
    case.contributing_factors = refs.contributing_factors;
    case.assessor_answers = refs.assessor_answers;
    case.reported_assessments = refs.reported_assessments;
    let conclusion = doc
        .conclusion
        .as_ref()
        .and_then(|c| conclusion(&mut v, &c.value));
    // 3. The times solved, and each item's days and known day read from them.
    match std::mem::take(&mut v.chron).solve() {
        Ok(times) => case.times = times,
        Err(conflicts) => {
            for c in &conflicts.list {
                v.conflict(c, &case, &conflicts.events, &conflicts.known_paths);
            }
        }
    }
    if !v.diags.is_empty() {
        return Err(v.diags.sorted());
    }
    events::settle(&mut case, &v.known_since, &v.owned);
    let report = doc.report.map(|r| Report {
        kind: r.kind,
        worldwide_id: r.worldwide_id,
        narrative: r.narrative,
        reporter_comments: r.reporter_comments,
        sender_diagnosis: r.sender_diagnosis,
        sender_comments: r.sender_comments,
    });
    Ok(Case {
        report: report.unwrap_or_default(),
        conclusion,
        id: doc.id.value.trim().to_owned(),
        source: doc.source,
        digest,
        notes: doc.notes,
        ..case
    })
}

/// The assessor's conclusion: text and assessor required, the date a date.
fn conclusion(v: &mut Validator, c: &ConclusionDoc) -> Option<Conclusion> {
    for (what, t) in [("text", &c.text), ("assessor", &c.assessor)] {
        if t.value.trim().is_empty() {
            v.error(
                "case::missing-field",
                pos_of(t),
                format!("a conclusion needs a non-empty `{what}`"),
            )
            .help =
                Some("write the conclusion and who reached it; both appear in the report".into());
        }
    }
    let date = match &c.date {
        Some(t) => match time::parse_date(t.value.trim()) {
            Ok(d) => Some(d),
            Err(e) => {
                v.error("case::bad-time", pos_of(t), e.message).help =
                    Some("give the day the conclusion was signed as a date: `2024-05-01`".into());
                None
            }
        },
        None => None,
    };
    Some(Conclusion {
        text: c.text.value.trim().to_owned(),
        assessor: c.assessor.value.trim().to_owned(),
        date,
    })
}
