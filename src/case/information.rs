//! The dated pieces of information of a case: the day each became known, the
//! path of its entry, and what it is in words, for timelines and letters.

use super::{Case, Rechallenge, Step, StepOutcome};
use crate::findings::kebab;
use chrono::NaiveDate;
use serde::Serialize;

/// One piece of information and the day it became known.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Information {
    pub day: NaiveDate,
    /// The entry in the case file, as a path (`rechallenges[0].steps[6]`).
    pub path: String,
    /// What became known, in words.
    pub what: String,
}

/// An enum value as words: `not-recovered` → "not recovered".
fn words<T: Serialize>(value: &T) -> String {
    kebab(value).replace('-', " ")
}

impl Case {
    /// Every dated piece of information, by day, and within a day in the
    /// order of the case file. Items known from the start (no date) are not listed.
    pub fn information(&self) -> Vec<Information> {
        let mut out: Vec<Information> = Vec::new();
        let mut add = |k: Option<NaiveDate>, path: String, what: String| {
            if let Some(day) = k {
                out.push(Information { day, path, what });
            }
        };
        for c in &self.patient.conditions {
            add(c.known, c.path.clone(), format!("condition: {}", c.name));
        }
        for p in self.patient.previous_reactions.iter().flatten() {
            add(
                p.known,
                p.path.clone(),
                format!("previous reaction: {} to {}", p.reaction, p.drug),
            );
        }
        for d in &self.drugs {
            add(
                d.known,
                d.path.clone(),
                format!("{} drug: {}", words(&d.role), d.name),
            );
            for e in &d.exposures {
                let mut what = format!("{} taken", d.name);
                let details: Vec<&str> = [
                    e.dose.as_ref().map(|x| x.text.as_str()),
                    e.regimen.as_ref().map(|x| x.text.as_str()),
                ]
                .into_iter()
                .flatten()
                .collect();
                if let Some(start) = e.start {
                    what.push_str(&format!(" from {start}"));
                }
                if !details.is_empty() {
                    what.push_str(&format!(", {}", details.join(" ")));
                }
                add(e.known, e.path.clone(), what);
                add(
                    e.stop.map(|s| s.latest),
                    format!("{}.stop", e.path),
                    format!("{} stopped", d.name),
                );
            }
            for x in &d.earlier {
                add(
                    x.known,
                    x.path.clone(),
                    format!("an earlier exposure to {}: {}", d.name, words(&x.outcome)),
                );
            }
        }
        for r in &self.reactions {
            add(r.known, r.path.clone(), format!("reaction: {}", r.term));
            let ended = match r.outcome {
                Some(o) => format!("{} ended ({})", r.term, words(&o)),
                None => format!("{} ended", r.term),
            };
            add(r.end.map(|e| e.latest), format!("{}.end", r.path), ended);
        }
        for i in &self.investigations {
            add(i.known, i.path.clone(), format!("{}: {}", i.test, i.result));
        }
        for d in &self.dechallenges {
            add(
                d.known,
                d.path.clone(),
                format!(
                    "{} {}: {} {}",
                    self.drugs[d.drug].name,
                    words(&d.action),
                    self.reactions[d.reaction].term,
                    words(&d.outcome)
                ),
            );
        }
        for r in &self.rechallenges {
            add(r.known, r.path.clone(), self.episode_began(r));
            for s in &r.steps {
                // A step is known once it happened and the episode itself is known.
                add(
                    s.date
                        .map(|at| r.known.map_or(at.earliest, |k| at.earliest.max(k))),
                    s.path.clone(),
                    self.step_words(r, s),
                );
            }
        }
        for a in &self.alternative_causes {
            add(
                a.known,
                a.path.clone(),
                format!(
                    "alternative cause of {}: {} ({})",
                    self.reactions[a.reaction].term,
                    a.cause,
                    words(&a.plausibility)
                ),
            );
        }
        for f in self.contributing_factors.iter().flatten() {
            add(
                f.known,
                f.path.clone(),
                format!("contributing factor: {}", f.factor),
            );
        }
        for a in &self.assessor_answers {
            add(
                a.known,
                a.path.clone(),
                format!(
                    "assessor's answer to {} {}: {}",
                    a.method, a.question, a.answer
                ),
            );
        }
        // By day; within a day, in the order of the case file.
        out.sort_by_key(|i| i.day);
        out.dedup();
        out
    }

    /// "desensitization to lenalidomide began (desensitization-2022)".
    fn episode_began(&self, r: &Rechallenge) -> String {
        let mut what = format!("{} to {} began", words(&r.kind), self.drugs[r.drug].name);
        if let Some(id) = &r.id {
            what.push_str(&format!(" ({id})"));
        }
        what
    }

    /// "desensitization-2022, days 10-16 at 2.5 mg: recurrence of leukocytoclastic vasculitis".
    pub fn step_words(&self, r: &Rechallenge, s: &Step) -> String {
        let episode = match &r.id {
            Some(id) => id.clone(),
            None => format!("{} to {}", words(&r.kind), self.drugs[r.drug].name),
        };
        let mut what = episode;
        if let Some(d) = s.day {
            what.push_str(&format!(", {}", d.days_words()));
        }
        if let Some(dose) = &s.dose {
            what.push_str(&format!(" at {}", dose.text));
        }
        let reaction = s.reaction.map(|x| self.reactions[x].term.as_str());
        what.push_str(&match (s.outcome, reaction) {
            (StepOutcome::Recurrence, Some(t)) => format!(": recurrence of {t}"),
            (StepOutcome::OtherReaction, Some(t)) => format!(": another reaction, {t}"),
            (o, _) => format!(": {}", words(&o)),
        });
        what
    }
}
