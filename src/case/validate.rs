//! Turns a [`CaseDoc`] into a [`Case`], collecting every problem.
//!
//! Resolves relative times against the events they name (detecting unknown
//! names and circular definitions), resolves references between items, and
//! rejects impossible values such as a stop before its start.

use super::doc::*;
use super::resolve::{Resolver, Slot};
use super::*;
use crate::diagnostic::{Diagnostic, Diagnostics, Pos, SourceFile};
use crate::time::{self, DayRange, DaySpan, EventRef, TimeExpr};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

fn pos_of<T>(s: &Spanned<T>) -> Pos {
    Pos::from_location(&s.referenced)
}

struct Validator<'a> {
    file: &'a SourceFile,
    diags: Diagnostics,
    resolver: Resolver,
    /// Every time read so far, by the address of its text in the case
    /// document: its index in the resolver's expressions, or why it cannot be
    /// read. Each time is parsed once.
    parsed: BTreeMap<usize, Result<usize, String>>,
    /// The times whose parse error has been reported, so each is reported once.
    reported: std::collections::BTreeSet<usize>,
    ids: BTreeMap<String, Pos>,
}

impl<'a> Validator<'a> {
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

    fn declare_id(&mut self, id: &Spanned<String>) {
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
            return;
        }
        if let Some(first) = self.ids.get(value) {
            let line = first.line;
            self.error(
                "case::duplicate-id",
                pos,
                format!("id `{value}` is used twice"),
            )
            .help = Some(format!(
                "ids name one drug, exposure, reaction, condition or rechallenge; `{value}` is first used on line {line}"
            ));
            return;
        }
        self.ids.insert(value.to_owned(), pos);
    }

    /// A time as written, parsed the first time it is read: its index in the
    /// resolver's expressions, or the reason it cannot be read.
    fn expr(&mut self, t: &'a Spanned<String>) -> &Result<usize, String> {
        let key = std::ptr::from_ref(t) as usize;
        let exprs = &mut self.resolver.exprs;
        self.parsed
            .entry(key)
            .or_insert_with(|| match time::parse_time(&t.value) {
                Ok(e) => {
                    exprs.push(e);
                    Ok(exprs.len() - 1)
                }
                Err(e) => Err(e.message),
            })
    }

    /// A time as written, reporting it if it cannot be read.
    fn parse_time(&mut self, t: &'a Spanned<String>) -> Option<usize> {
        match self.expr(t) {
            Ok(i) => Some(*i),
            Err(message) => {
                let message = message.clone();
                if self.reported.insert(std::ptr::from_ref(t) as usize) {
                    self.error("case::bad-time", pos_of(t), message).help =
                        Some(time::TIME_HELP.into());
                }
                None
            }
        }
    }

    fn slot(&mut self, id: Option<&Spanned<String>>, end: bool, t: Option<&'a Spanned<String>>) {
        let Some(id) = id else { return };
        let slot = match t.and_then(|t| self.parse_time(t)) {
            Some(e) => Slot::Expr(e),
            None => Slot::Undated,
        };
        self.resolver.slots.insert(
            EventRef {
                id: id.value.trim().to_owned(),
                end,
            },
            slot,
        );
    }

    fn time(&mut self, t: Option<&'a Spanned<String>>) -> Option<DayRange> {
        let t = t?;
        // A time that cannot be read is reported once, wherever it is first met.
        let e = self.parse_time(t)?;
        match self.resolver.resolve(e) {
            Ok(r) => r,
            Err(message) => {
                let ids: Vec<String> = self.ids.keys().cloned().collect();
                let anchor = match &self.resolver.exprs[e] {
                    TimeExpr::Relative { anchor, .. } => anchor.id.clone(),
                    TimeExpr::Absolute(_) => String::new(),
                };
                let unknown_anchor = message.starts_with("no dated event");
                let message_is_circular = message.starts_with("times refer to each other");
                let d = Diagnostic::new("case::bad-time", self.file, pos_of(t), message);
                let d = if unknown_anchor {
                    d.with_suggestion(&anchor, ids.iter().map(String::as_str))
                } else {
                    d
                };
                let circular = message_is_circular;
                let d = if d.help.is_none() && circular {
                    d.with_help(
                        "give one of these times as a date, so the others can count from it",
                    )
                } else if d.help.is_none() && !unknown_anchor {
                    d.with_help("check the number of days and the date it counts from")
                } else {
                    d
                };
                self.diags.push(d);
                None
            }
        }
    }

    /// A time that is not itself a slot: parse (reporting errors) and resolve.
    fn free_time(&mut self, t: Option<&'a Spanned<String>>) -> Option<DayRange> {
        let t = t?;
        self.parse_time(t)?;
        self.time(Some(t))
    }

    fn known_since(
        &mut self,
        t: Option<&'a Spanned<String>>,
        own: Option<DayRange>,
    ) -> Option<NaiveDate> {
        match self.free_time(t) {
            Some(r) => Some(r.earliest),
            None => own.map(|r| r.earliest),
        }
    }

    fn order(
        &mut self,
        start: Option<DayRange>,
        end: Option<DayRange>,
        at: Option<&Spanned<String>>,
        what: &str,
    ) {
        if let (Some(s), Some(e), Some(at)) = (start, end, at)
            && e.latest < s.earliest
        {
            self.error(
                "case::ends-before-start",
                pos_of(at),
                format!("{what} `{e}` is before the start `{s}`"),
            )
            .help = Some("check the dates; an end must be on or after its start".into());
        }
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
}

fn parse_dose(text: &str) -> Dose {
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

fn parse_regimen(text: &str) -> Result<Regimen, String> {
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

pub(super) fn validate(
    doc: CaseDoc,
    file: &SourceFile,
    digest: String,
) -> Result<Case, Diagnostics> {
    let mut v = Validator {
        file,
        diags: Diagnostics::default(),
        resolver: Resolver {
            slots: BTreeMap::new(),
            exprs: Vec::new(),
            done: BTreeMap::new(),
        },
        parsed: BTreeMap::new(),
        reported: std::collections::BTreeSet::new(),
        ids: BTreeMap::new(),
    };

    // 1. Declare every id and its dated slots, so times may refer forwards.
    let conditions_doc: &[Spanned<ConditionDoc>] = doc
        .patient
        .as_ref()
        .map(|p| p.conditions.as_slice())
        .unwrap_or(&[]);
    for c in conditions_doc {
        if let Some(id) = &c.value.id {
            v.declare_id(id);
        }
        v.slot(c.value.id.as_ref(), false, c.value.onset.as_ref());
        v.slot(c.value.id.as_ref(), true, c.value.end.as_ref());
    }
    for d in &doc.drugs {
        v.declare_id(&d.value.id);
        let mut starts = Vec::new();
        let mut stops = Vec::new();
        for (j, e) in d.value.exposures.iter().enumerate() {
            // Exposures without an id get a private one so the drug's start can be computed.
            let id = match &e.value.id {
                Some(id) => {
                    v.declare_id(id);
                    id.value.trim().to_owned()
                }
                None => format!("{}#{}", d.value.id.value.trim(), j),
            };
            let start = e
                .value
                .start
                .as_ref()
                .and_then(|t| v.parse_time(t))
                .map_or(Slot::Undated, Slot::Expr);
            let stop = e
                .value
                .stop
                .as_ref()
                .and_then(|t| v.parse_time(t))
                .map_or(Slot::Undated, Slot::Expr);
            v.resolver.slots.insert(
                EventRef {
                    id: id.clone(),
                    end: false,
                },
                start,
            );
            v.resolver.slots.insert(
                EventRef {
                    id: id.clone(),
                    end: true,
                },
                stop,
            );
            starts.push(EventRef {
                id: id.clone(),
                end: false,
            });
            stops.push(EventRef { id, end: true });
        }
        let id = d.value.id.value.trim().to_owned();
        v.resolver.slots.insert(
            EventRef {
                id: id.clone(),
                end: false,
            },
            Slot::EarliestOf(starts),
        );
        v.resolver
            .slots
            .insert(EventRef { id, end: true }, Slot::LatestOf(stops));
    }
    for r in &doc.reactions {
        v.declare_id(&r.value.id);
        v.slot(Some(&r.value.id), false, r.value.onset.as_ref());
        v.slot(Some(&r.value.id), true, r.value.end.as_ref());
    }
    for r in &doc.rechallenges {
        if let Some(id) = &r.value.id {
            v.declare_id(id);
        }
        v.slot(r.value.id.as_ref(), false, r.value.start.as_ref());
        v.slot(r.value.id.as_ref(), true, r.value.end.as_ref());
    }

    let drug_ids: Vec<String> = doc
        .drugs
        .iter()
        .map(|d| d.value.id.value.trim().to_owned())
        .collect();
    let drug_names: Vec<&str> = drug_ids.iter().map(String::as_str).collect();
    let reaction_ids: Vec<String> = doc
        .reactions
        .iter()
        .map(|r| r.value.id.value.trim().to_owned())
        .collect();
    let reaction_names: Vec<&str> = reaction_ids.iter().map(String::as_str).collect();
    let condition_ids: Vec<String> = conditions_doc
        .iter()
        .filter_map(|c| c.value.id.as_ref().map(|i| i.value.trim().to_owned()))
        .collect();

    // 2. Patient.
    let mut patient = Patient::default();
    if let Some(p) = &doc.patient {
        if let Some(age) = &p.age {
            if !(0.0..=130.0).contains(&age.value) {
                v.error(
                    "case::impossible-value",
                    pos_of(age),
                    format!("age `{}` is not a possible age in years", age.value),
                )
                .help = Some("give the age in years, between 0 and 130".into());
            } else {
                patient.age = Some(age.value);
            }
        }
        patient.sex = p.sex;
        patient.renal_impairment = p.renal_impairment;
        patient.hepatic_impairment = p.hepatic_impairment;
        for (i, c) in p.conditions.iter().enumerate() {
            let onset = v.time(c.value.onset.as_ref());
            let end = v.time(c.value.end.as_ref());
            v.order(onset, end, c.value.end.as_ref(), "end");
            let known = v.known_since(c.value.known_since.as_ref(), onset);
            patient.conditions.push(Condition {
                id: c.value.id.as_ref().map(|i| i.value.trim().to_owned()),
                name: c.value.name.value.trim().to_owned(),
                subtype: c.value.subtype.clone(),
                onset,
                end,
                path: format!("patient.conditions[{i}]"),
                known,
            });
        }
        if let Some(list) = &p.previous_reactions {
            let mut out = Vec::new();
            for (i, r) in list.iter().enumerate() {
                let date = v.free_time(r.value.date.as_ref());
                let known = v.known_since(r.value.known_since.as_ref(), date);
                out.push(PreviousReaction {
                    drug: r.value.drug.value.trim().to_owned(),
                    reaction: r.value.reaction.value.trim().to_owned(),
                    date,
                    path: format!("patient.previous_reactions[{i}]"),
                    known,
                });
            }
            patient.previous_reactions = Some(out);
        }
    }

    // 3. Drugs and exposures.
    let mut drugs = Vec::new();
    for (i, d) in doc.drugs.iter().enumerate() {
        let mut exposures = Vec::new();
        for (j, e) in d.value.exposures.iter().enumerate() {
            let start = v.time(e.value.start.as_ref());
            let stop = v.time(e.value.stop.as_ref());
            v.order(start, stop, e.value.stop.as_ref(), "stop");
            let regimen = match &e.value.regimen {
                Some(r) => match parse_regimen(&r.value) {
                    Ok(reg) => Some(reg),
                    Err(message) => {
                        v.error("case::bad-regimen", pos_of(r), message).help =
                            Some("write a cycle as `days 1-21 of 28`, or describe the regimen in words (`daily`)".into());
                        None
                    }
                },
                None => None,
            };
            let known = v.known_since(e.value.known_since.as_ref(), start);
            exposures.push(Exposure {
                id: e.value.id.as_ref().map(|i| i.value.trim().to_owned()),
                start,
                stop,
                dose: e.value.dose.as_ref().map(|t| parse_dose(&t.value)),
                route: e.value.route.clone(),
                regimen,
                path: format!("drugs[{i}].exposures[{j}]"),
                known,
            });
        }
        let first = exposures
            .iter()
            .filter_map(|e| e.start)
            .min_by_key(|r| r.earliest);
        let known = v.known_since(d.value.known_since.as_ref(), first);
        drugs.push(Drug {
            id: d.value.id.value.trim().to_owned(),
            name: d.value.name.value.trim().to_owned(),
            role: d.value.role,
            indication: d.value.indication.clone(),
            exposures,
            action_taken: d.value.action_taken,
            cannot_be_stopped: d.value.cannot_be_stopped,
            source_ref: d.value.source_ref.clone(),
            path: format!("drugs[{i}]"),
            known,
        });
    }

    // 4. Reactions.
    let mut reactions = Vec::new();
    for (i, r) in doc.reactions.iter().enumerate() {
        let onset = v.time(r.value.onset.as_ref());
        let end = v.time(r.value.end.as_ref());
        v.order(onset, end, r.value.end.as_ref(), "end");
        let severity_grade = match &r.value.severity_grade {
            Some(g) if !(1..=5).contains(&g.value) => {
                v.error(
                    "case::impossible-value",
                    pos_of(g),
                    format!("severity grade `{}` is out of range", g.value),
                )
                .help = Some("CTCAE grades run from 1 (mild) to 5 (death)".into());
                None
            }
            g => g.as_ref().map(|g| g.value),
        };
        let onset_anchor = match r
            .value
            .onset
            .as_ref()
            .and_then(|t| v.expr(t).as_ref().ok().copied())
            .map(|e| &v.resolver.exprs[e])
        {
            Some(TimeExpr::Relative { anchor, span }) if !anchor.end => {
                Some((anchor.id.clone(), *span))
            }
            _ => None,
        };
        let known = v.known_since(r.value.known_since.as_ref(), onset);
        reactions.push(Reaction {
            onset_anchor,
            id: r.value.id.value.trim().to_owned(),
            term: r.value.term.value.trim().to_owned(),
            phenotype: r
                .value
                .phenotype
                .as_ref()
                .map(|p| p.value.trim().to_owned()),
            phenotype_pos: r
                .value
                .phenotype
                .as_ref()
                .map(pos_of)
                .unwrap_or(Pos::UNKNOWN),
            meddra_code: r.value.meddra_code.clone(),
            onset,
            end,
            outcome: r.value.outcome,
            severity_grade,
            seriousness: r.value.seriousness.clone(),
            treatment: r.value.treatment.clone(),
            source_ref: r.value.source_ref.clone(),
            path: format!("reactions[{i}]"),
            known,
        });
    }

    // 5. Everything that refers to drugs and reactions.
    let mut investigations = Vec::new();
    for (i, x) in doc.investigations.iter().enumerate() {
        let reaction = x
            .value
            .reaction
            .as_ref()
            .and_then(|r| v.find("reaction", r, &reaction_names));
        let drug = x
            .value
            .drug
            .as_ref()
            .and_then(|r| v.find("drug", r, &drug_names));
        if x.value.supports == Supports::Drug && x.value.drug.is_none() {
            v.error(
                "case::missing-field",
                pos_of(&x.value.test),
                "an investigation that `supports: drug` must name the `drug` it points at",
            )
            .help = Some("add `drug: ID`; a test points at one drug, not at every suspect".into());
        }
        let date = v.free_time(x.value.date.as_ref());
        let known = v.known_since(x.value.known_since.as_ref(), date);
        investigations.push(Investigation {
            test: x.value.test.value.trim().to_owned(),
            result: x.value.result.trim().to_owned(),
            kind: x.value.kind,
            supports: x.value.supports,
            reaction,
            drug,
            date,
            path: format!("investigations[{i}]"),
            known,
        });
    }

    let mut dechallenges = Vec::new();
    for (i, x) in doc.dechallenges.iter().enumerate() {
        let drug = v.find("drug", &x.value.drug, &drug_names);
        let reaction = v.find("reaction", &x.value.reaction, &reaction_names);
        let date = v.free_time(x.value.date.as_ref());
        // What followed a withdrawal is known once the reaction's course is: by its end if given.
        let course_known = reaction
            .and_then(|r| reactions.get(r))
            .and_then(|r: &Reaction| r.end)
            .map(|e| DayRange::day(e.latest));
        let own = match (date, course_known) {
            (Some(d), Some(e)) => Some(if e.earliest > d.earliest { e } else { d }),
            (d, e) => d.or(e),
        };
        let known = v.known_since(x.value.known_since.as_ref(), own);
        if let (Some(drug), Some(reaction)) = (drug, reaction) {
            dechallenges.push(Dechallenge {
                drug,
                reaction,
                action: x.value.action,
                date,
                outcome: x.value.outcome,
                treatment: x.value.treatment.clone(),
                tolerance: x.value.tolerance,
                path: format!("dechallenges[{i}]"),
                known,
            });
        }
    }

    let mut rechallenges = Vec::new();
    for (i, x) in doc.rechallenges.iter().enumerate() {
        let drug = v.find("drug", &x.value.drug, &drug_names);
        let with_drugs = x
            .value
            .with_drugs
            .iter()
            .filter_map(|w| v.find("drug", w, &drug_names))
            .collect();
        let start = v.time(x.value.start.as_ref());
        let end = v.time(x.value.end.as_ref());
        v.order(start, end, x.value.end.as_ref(), "end");
        let mut steps = Vec::new();
        for (j, s) in x.value.steps.iter().enumerate() {
            let day = match &s.value.day {
                Some(t) => {
                    match parse_day_number(&t.value) {
                        Ok(d) => Some(d),
                        Err(message) => {
                            v.error("case::bad-time", pos_of(t), message).help =
                            Some("write the day of the episode as `4` or `10-16`; day 1 is its start".into());
                            None
                        }
                    }
                }
                None => None,
            };
            let reaction = s
                .value
                .reaction
                .as_ref()
                .and_then(|r| v.find("reaction", r, &reaction_names));
            if s.value.outcome == StepOutcome::Recurrence && s.value.reaction.is_none() {
                v.error(
                    "case::missing-field",
                    pos_of(s),
                    "a step with outcome `recurrence` must name the `reaction` that came back",
                )
                .help = Some(
                    "add `reaction: ID`, or use `outcome: other-reaction` for a different reaction"
                        .into(),
                );
            }
            steps.push(Step {
                day,
                dose: s.value.dose.as_ref().map(|t| parse_dose(&t.value)),
                outcome: s.value.outcome,
                reaction,
                description: s.value.description.clone(),
                path: format!("rechallenges[{i}].steps[{j}]"),
            });
        }
        let known = v.known_since(x.value.known_since.as_ref(), start);
        if let Some(drug) = drug {
            rechallenges.push(Rechallenge {
                id: x.value.id.as_ref().map(|i| i.value.trim().to_owned()),
                drug,
                kind: x.value.kind,
                start,
                end,
                premedication: x.value.premedication.clone(),
                with_drugs,
                steps,
                path: format!("rechallenges[{i}]"),
                known,
            });
        }
    }

    let mut alternative_causes = Vec::new();
    for (i, x) in doc.alternative_causes.iter().enumerate() {
        let reaction = v.find("reaction", &x.value.reaction, &reaction_names);
        let refers_to = match &x.value.refers_to {
            Some(r) => {
                let id = r.value.trim();
                if let Some(j) = drug_ids.iter().position(|d| d == id) {
                    Some(CaseItem::Drug(j))
                } else if let Some(j) = conditions_doc.iter().position(|c| {
                    c.value
                        .id
                        .as_ref()
                        .is_some_and(|cid| cid.value.trim() == id)
                }) {
                    Some(CaseItem::Condition(j))
                } else {
                    let candidates: Vec<&str> = drug_ids
                        .iter()
                        .chain(condition_ids.iter())
                        .map(String::as_str)
                        .collect();
                    let d = Diagnostic::new(
                        "case::unknown-reference",
                        file,
                        pos_of(r),
                        format!("no drug or condition `{id}` in this case"),
                    )
                    .with_suggestion(id, candidates.iter().copied());
                    v.diags.push(d);
                    None
                }
            }
            None => None,
        };
        let known = v.known_since(x.value.known_since.as_ref(), None);
        if let Some(reaction) = reaction {
            alternative_causes.push(AlternativeCause {
                cause: x.value.cause.value.trim().to_owned(),
                refers_to,
                reaction,
                plausibility: x.value.plausibility,
                evidence_for: x.value.evidence_for.clone(),
                evidence_against: x.value.evidence_against.clone(),
                path: format!("alternative_causes[{i}]"),
                known,
            });
        }
    }

    let contributing_factors = doc.contributing_factors.as_ref().map(|list| {
        list.iter()
            .enumerate()
            .map(|(i, x)| Factor {
                factor: x.value.factor.value.trim().to_owned(),
                drug: x
                    .value
                    .drug
                    .as_ref()
                    .and_then(|r| v.find("drug", r, &drug_names)),
                reaction: x
                    .value
                    .reaction
                    .as_ref()
                    .and_then(|r| v.find("reaction", r, &reaction_names)),
                path: format!("contributing_factors[{i}]"),
                known: v.known_since(x.value.known_since.as_ref(), None),
            })
            .collect()
    });

    let mut assessor_answers = Vec::new();
    for (i, x) in doc.assessor_answers.iter().enumerate() {
        let a = &x.value;
        let drug = a.drug.as_ref().and_then(|r| v.find("drug", r, &drug_names));
        let reaction = a
            .reaction
            .as_ref()
            .and_then(|r| v.find("reaction", r, &reaction_names));
        for (what, t) in [
            ("justification", &a.justification),
            ("assessor", &a.assessor),
        ] {
            if t.value.trim().is_empty() {
                v.error(
                    "case::missing-field",
                    pos_of(t),
                    format!("an assessor answer needs a non-empty `{what}`"),
                )
                .help = Some(
                    "say why the answer was given and who gave it; both appear in the report"
                        .into(),
                );
            }
        }
        let known = v.known_since(a.known_since.as_ref(), None);
        assessor_answers.push(AssessorAnswer {
            method: a.method.value.trim().to_owned(),
            question: a.question.value.trim().to_owned(),
            answer: a.answer.value.trim().to_owned(),
            drug,
            reaction,
            justification: a.justification.value.trim().to_owned(),
            assessor: a.assessor.value.trim().to_owned(),
            path: format!("assessor_answers[{i}]"),
            positions: [pos_of(&a.method), pos_of(&a.question), pos_of(&a.answer)],
            known,
        });
    }

    let reported_assessments = doc
        .reported_assessments
        .iter()
        .map(|x| {
            let a = &x.value;
            if a.result.value.trim().is_empty() {
                v.error(
                    "case::missing-field",
                    pos_of(&a.result),
                    "a reported assessment needs its `result` as written",
                )
                .help =
                    Some("copy the result from the report verbatim, e.g. `Not suspected`".into());
            }
            ReportedAssessment {
                drug: a.drug.as_ref().and_then(|r| v.find("drug", r, &drug_names)),
                reaction: a
                    .reaction
                    .as_ref()
                    .and_then(|r| v.find("reaction", r, &reaction_names)),
                source: a.source.clone(),
                method: a.method.clone(),
                result: a.result.value.trim().to_owned(),
                source_ref: a.source_ref.clone(),
            }
        })
        .collect();

    if !v.diags.is_empty() {
        return Err(v.diags.sorted());
    }
    Ok(Case {
        id: doc.id.value.trim().to_owned(),
        source: doc.source,
        digest,
        patient,
        drugs,
        reactions,
        investigations,
        dechallenges,
        rechallenges,
        alternative_causes,
        contributing_factors,
        assessor_answers,
        as_of: None,
        reported_assessments,
        notes: doc.notes,
    })
}

fn parse_day_number(text: &str) -> Result<DaySpan, String> {
    let t = text.trim();
    let num = |s: &str| {
        s.trim()
            .parse::<i64>()
            .map_err(|_| format!("`{t}` is not a day number or range"))
    };
    let (a, b) = match t.split_once('-') {
        Some((a, b)) => (num(a)?, num(b)?),
        None => {
            let n = num(t)?;
            (n, n)
        }
    };
    if a < 1 || b < a {
        return Err(format!(
            "`{t}` is not a day number or range counted from day 1"
        ));
    }
    Ok(DaySpan { min: a, max: b })
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
