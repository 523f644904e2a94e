//! The case's times in words: what each event is, the path of the field that
//! states a fact, and the fact as a sentence with its line ("`rash` began
//! 1-24 days after `ltg` (line 31)"). Reports and diagnostics read these;
//! nothing here is computed for a case whose explanations nobody reads.

use super::chronology::{Event, Fact, Says};
use super::{Case, Point};
use crate::time::{TimeExpr, parse_time};

/// Puts a case's events and facts in words.
pub struct Words<'a> {
    pub case: &'a Case,
    pub events: &'a [Event],
    pub known: &'a [String],
}

impl Case {
    /// The case's times in words.
    pub fn words(&self) -> Words<'_> {
        Words {
            case: self,
            events: self.times.events(),
            known: self.times.known_paths(),
        }
    }

    /// The facts behind the days from `from` to `to`, as one sentence.
    pub fn chain(&self, from: Point, to: Point) -> String {
        let words = self.words();
        let facts = self.times.explain(from, to);
        if facts.is_empty() {
            return "no fact links them".to_owned();
        }
        facts
            .iter()
            .map(|f| words.fact(f))
            .collect::<Vec<_>>()
            .join(", and ")
    }
}

impl Words<'_> {
    fn event_of(&self, p: Point) -> Event {
        self.events
            .get(p.index())
            .copied()
            .unwrap_or(Event::Calendar)
    }

    /// The event's subject and the verb its time takes: ("`ltg`", "started").
    /// Items are found by their path, which stays the file's when an
    /// assessment as of a day leaves some of them out of the lists.
    pub fn event(&self, e: Event) -> (String, &'static str) {
        let c = self.case;
        let tick = |s: &str| format!("`{s}`");
        let drug = |d: usize| c.drugs.get(d).map_or("?", |x| x.id.as_str());
        let exposure = |d: usize, j: usize| {
            let x = c.drugs.get(d);
            let path = format!("drugs[{d}].exposures[{j}]");
            match x
                .and_then(|x| x.exposures.iter().find(|e| e.path == path))
                .and_then(|e| e.id.as_deref())
            {
                Some(id) => tick(id),
                None if x.is_some_and(|x| x.exposures.len() == 1) => tick(drug(d)),
                None => format!("`{}` (exposure {})", drug(d), j + 1),
            }
        };
        let condition = |i: usize| {
            c.patient
                .conditions
                .get(i)
                .map_or("?".to_owned(), |x| tick(x.id.as_deref().unwrap_or(&x.name)))
        };
        let rechallenge = |i: usize| {
            let path = format!("rechallenges[{i}]");
            c.rechallenges
                .iter()
                .find(|r| r.path == path)
                .map_or("?".to_owned(), |r| match &r.id {
                    Some(id) => tick(id),
                    None => format!("the re-exposure to `{}`", drug(r.drug)),
                })
        };
        match e {
            Event::Calendar => ("the calendar".to_owned(), "is"),
            Event::ConditionOnset(i) => (condition(i), "began"),
            Event::ConditionEnd(i) => (condition(i), "ended"),
            Event::PreviousReaction(i) => (
                c.patient
                    .previous_reactions
                    .as_ref()
                    .and_then(|l| {
                        let path = format!("patient.previous_reactions[{i}]");
                        l.iter().find(|p| p.path == path)
                    })
                    .map_or("an earlier reaction".to_owned(), |p| {
                        format!("the earlier {} with {}", p.reaction, p.drug)
                    }),
                "was",
            ),
            Event::DrugStart(d) => (tick(drug(d)), "started"),
            Event::DrugStop(d) => (tick(drug(d)), "stopped"),
            Event::ExposureStart(d, j) => (exposure(d, j), "started"),
            Event::ExposureStop(d, j) => (exposure(d, j), "stopped"),
            Event::Earlier(d, _) => (format!("an earlier exposure to `{}`", drug(d)), "was"),
            Event::Onset(i) => (
                tick(c.reactions.get(i).map_or("?", |r| r.id.as_str())),
                "began",
            ),
            Event::End(i) => (
                tick(c.reactions.get(i).map_or("?", |r| r.id.as_str())),
                "ended",
            ),
            Event::Investigation(i) => (
                tick(
                    c.investigations
                        .iter()
                        .find(|x| x.path == format!("investigations[{i}]"))
                        .map_or("?", |x| x.test.as_str()),
                ),
                "was done",
            ),
            Event::Dechallenge(i) => (
                format!(
                    "the dechallenge of `{}`",
                    c.dechallenges
                        .iter()
                        .find(|x| x.path == format!("dechallenges[{i}]"))
                        .map_or("?", |x| drug(x.drug))
                ),
                "was",
            ),
            Event::RechallengeStart(i) => (rechallenge(i), "started"),
            Event::RechallengeEnd(i) => (rechallenge(i), "ended"),
            Event::Step(i, j) => (format!("step {} of {}", j + 1, rechallenge(i)), "was"),
            Event::KnownSince(n) => (
                tick(self.known.get(n).map_or("?", String::as_str)),
                "became known",
            ),
        }
    }

    /// The path of the field that states the fact, or of the item an implied fact is about.
    pub fn path(&self, f: &Fact) -> String {
        let (item, field) = match self.event_of(f.at) {
            Event::Calendar => (String::new(), ""),
            Event::ConditionOnset(i) => (format!("patient.conditions[{i}]"), ".onset"),
            Event::ConditionEnd(i) => (format!("patient.conditions[{i}]"), ".end"),
            Event::PreviousReaction(i) => (format!("patient.previous_reactions[{i}]"), ".date"),
            Event::DrugStart(d) | Event::DrugStop(d) => (format!("drugs[{d}]"), ""),
            Event::ExposureStart(d, j) => (format!("drugs[{d}].exposures[{j}]"), ".start"),
            Event::ExposureStop(d, j) => (format!("drugs[{d}].exposures[{j}]"), ".stop"),
            Event::Earlier(d, k) => (format!("drugs[{d}].earlier_exposures[{k}]"), ".when"),
            Event::Onset(i) => (format!("reactions[{i}]"), ".onset"),
            Event::End(i) => (format!("reactions[{i}]"), ".end"),
            Event::Investigation(i) => (format!("investigations[{i}]"), ".date"),
            Event::Dechallenge(i) => (format!("dechallenges[{i}]"), ".date"),
            Event::RechallengeStart(i) => (format!("rechallenges[{i}]"), ".start"),
            Event::RechallengeEnd(i) => (format!("rechallenges[{i}]"), ".end"),
            Event::Step(i, j) => (format!("rechallenges[{i}].steps[{j}]"), ".day"),
            Event::KnownSince(n) => (
                self.known.get(n).cloned().unwrap_or_default(),
                ".known_since",
            ),
        };
        match f.says {
            Says::Written(_) | Says::StepDay(_) => format!("{item}{field}"),
            Says::SingleDose => format!("{item}.single_dose"),
            _ => item,
        }
    }

    /// The fact as a sentence, with its line: "`rash` began 1-24 days after `ltg` (line 31)",
    /// or "(implied)" for a fact the case format implies.
    pub fn fact(&self, f: &Fact) -> String {
        if f.implied() {
            format!("{} (implied)", self.says(f))
        } else {
            format!("{} (line {})", self.says(f), f.pos.line)
        }
    }

    /// What the fact says, without where: "`rash` began 1-24 days after `ltg`".
    pub fn says(&self, f: &Fact) -> String {
        let event = self.event_of(f.at);
        let (subject, verb) = self.event(event);
        match &f.says {
            Says::Written(w) => format!("{subject} {verb} {}", written(w)),
            Says::StepDay(w) => format!("{subject} on day {w} of it"),
            Says::EndsAfterStart => {
                let start = match event {
                    Event::End(_) | Event::ConditionEnd(_) => "began",
                    _ => "started",
                };
                format!("{subject} {verb} on or after it {start}")
            }
            Says::SingleDose => {
                format!("{subject} was a single dose, stopped the day it was given")
            }
            Says::StartsBeforeEach => {
                format!("{subject} started on or before each of its exposures")
            }
            Says::StartsWith => format!("{subject} started with its earliest exposure"),
            Says::StopsAfterEach => format!("{subject} stopped on or after each of its exposures"),
            Says::StopsWith => format!("{subject} stopped with its latest exposure"),
            Says::EarlierBefore => format!("{subject} before the exposures under assessment"),
        }
    }
}

/// A time as written, in words, ids in backticks: "on 2018-10-05", "in 2018-10",
/// "1-24 days after `ltg`", "on day 3-4 of `len`", "on the same day as `ltg.end`".
fn written(w: &str) -> String {
    match parse_time(w) {
        Ok(TimeExpr::Absolute(r)) if r.is_exact() => format!("on {r}"),
        Ok(TimeExpr::Absolute(r)) => format!("in {r}"),
        Ok(TimeExpr::Relative { anchor, span }) if span.min == 0 && span.max == 0 => {
            format!("on the same day as `{anchor}`")
        }
        _ => {
            let (head, id) = w.rsplit_once(' ').unwrap_or(("", w));
            let on = if head.starts_with("day ") { "on " } else { "" };
            format!("{on}{head} `{id}`")
        }
    }
}
