//! The dated items of a case: conditions, earlier reactions, drugs with their
//! exposures and earlier exposures, reactions, investigations, dechallenges and
//! rechallenges. Declared first (their ids and events), read next (their
//! times stated to the chronology), settled last (their calendar days and
//! known days read from the solved times).

use super::values::{parse_day_number, parse_dose, parse_regimen};
use super::{Item, Names, Validator, pos_of};
use crate::case::doc::*;
use crate::case::*;
use crate::time::UNBOUNDED;

/// The events of one drug.
pub(super) struct DrugEvents {
    start: Point,
    stop: Point,
    /// Each exposure's start and stop, and its regimen as read.
    exposures: Vec<(Point, Point, Option<Result<Regimen, String>>)>,
    earlier: Vec<Point>,
}

/// Every event other times may count from, declared before any time is read.
pub(super) struct Declared {
    conditions: Vec<(Point, Point)>,
    drugs: Vec<DrugEvents>,
    reactions: Vec<(Point, Point)>,
    rechallenges: Vec<(Point, Point)>,
}

/// Declares every id of the case and the events it names.
pub(super) fn declare<'a>(v: &mut Validator<'a>, doc: &'a CaseDoc) -> Declared {
    let mut conditions = Vec::new();
    for c in doc.patient.iter().flat_map(|p| &p.conditions) {
        let name = c
            .value
            .id
            .as_ref()
            .map_or(&c.value.name.value, |i| &i.value)
            .trim();
        let onset = v.chron.point(format!("`{name}` began"));
        let end = v.chron.point(format!("`{name}` ended"));
        if let Some(id) = &c.value.id
            && v.declare_id(id)
        {
            v.chron.name(id.value.trim(), onset, end, None);
        }
        conditions.push((onset, end));
    }
    let mut drugs = Vec::new();
    for d in &doc.drugs {
        let drug_id = d.value.id.value.trim();
        let declared = v.declare_id(&d.value.id);
        let start = v.chron.point(format!("`{drug_id}` started"));
        let stop = v.chron.point(format!("`{drug_id}` stopped"));
        let mut exposures = Vec::new();
        for (j, e) in d.value.exposures.iter().enumerate() {
            let name = e.value.id.as_ref().map_or_else(
                || format!("`{drug_id}` (exposure {})", j + 1),
                |i| format!("`{}`", i.value.trim()),
            );
            let s = v.chron.point(format!("{name} started"));
            let t = v.chron.point(format!("{name} stopped"));
            let regimen = e.value.regimen.as_ref().map(|r| parse_regimen(&r.value));
            let cycle = match &regimen {
                Some(Ok(r)) => r.cycle.map(|c| c.length),
                _ => None,
            };
            if let Some(id) = &e.value.id
                && v.declare_id(id)
            {
                v.chron.name(id.value.trim(), s, t, cycle);
            }
            exposures.push((s, t, regimen));
        }
        let mut earlier = Vec::new();
        for x in &d.value.earlier_exposures {
            let at = v
                .chron
                .point(format!("an earlier exposure to `{drug_id}` was"));
            if let Some(id) = &x.value.id
                && v.declare_id(id)
            {
                v.chron.name(id.value.trim(), at, at, None);
            }
            earlier.push(at);
        }
        if declared {
            // `day N of cycle C of DRUG` counts in the cycles of its only exposure.
            let cycle = match &exposures[..] {
                [(_, _, Some(Ok(r)))] => r.cycle.map(|c| c.length),
                _ => None,
            };
            v.chron.name(drug_id, start, stop, cycle);
        }
        drugs.push(DrugEvents {
            start,
            stop,
            exposures,
            earlier,
        });
    }
    let mut reactions = Vec::new();
    for r in &doc.reactions {
        let id = r.value.id.value.trim();
        let onset = v.chron.point(format!("`{id}` began"));
        let end = v.chron.point(format!("`{id}` ended"));
        if v.declare_id(&r.value.id) {
            v.chron.name(id, onset, end, None);
        }
        reactions.push((onset, end));
    }
    let mut rechallenges = Vec::new();
    for (i, r) in doc.rechallenges.iter().enumerate() {
        let name = r.value.id.as_ref().map_or_else(
            || format!("rechallenges[{i}]"),
            |id| id.value.trim().to_owned(),
        );
        let start = v.chron.point(format!("`{name}` started"));
        let end = v.chron.point(format!("`{name}` ended"));
        if let Some(id) = &r.value.id
            && v.declare_id(id)
        {
            v.chron.name(id.value.trim(), start, end, None);
        }
        rechallenges.push((start, end));
    }
    Declared {
        conditions,
        drugs,
        reactions,
        rechallenges,
    }
}

/// Reads every dated item, stating its times; the case's other lists stay empty.
pub(super) fn read<'a>(
    v: &mut Validator<'a>,
    doc: &'a CaseDoc,
    declared: &Declared,
    names: &Names,
) -> Case {
    let drug_names: Vec<&str> = names.drugs.iter().map(String::as_str).collect();
    let reaction_names: Vec<&str> = names.reactions.iter().map(String::as_str).collect();
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
            let (onset_at, end_at) = declared.conditions[i];
            let path = format!("patient.conditions[{i}]");
            let item = Item::Condition(i);
            v.state(onset_at, c.value.onset.as_ref(), format!("{path}.onset"), item, None);
            v.state(end_at, c.value.end.as_ref(), format!("{path}.end"), item, Some(true));
            let name = c.value.name.value.trim().to_owned();
            v.chron.order(onset_at, end_at, path.clone(), format!("`{name}` ended on or after it began"));
            v.known_since(item, c.value.known_since.as_ref(), &path);
            patient.conditions.push(Condition {
                id: c.value.id.as_ref().map(|i| i.value.trim().to_owned()),
                name,
                subtype: c.value.subtype.clone(),
                onset: None,
                end: None,
                onset_at,
                end_at,
                path,
                known: None,
            });
        }
        if let Some(list) = &p.previous_reactions {
            let mut out = Vec::new();
            for (i, r) in list.iter().enumerate() {
                let (drug, reaction) = (r.value.drug.value.trim(), r.value.reaction.value.trim());
                let path = format!("patient.previous_reactions[{i}]");
                let at = v
                    .chron
                    .point(format!("the earlier {reaction} with {drug} was"));
                let item = Item::Previous(i);
                v.state(at, r.value.date.as_ref(), format!("{path}.date"), item, None);
                v.known_since(item, r.value.known_since.as_ref(), &path);
                out.push(PreviousReaction {
                    drug: drug.to_owned(),
                    reaction: reaction.to_owned(),
                    date: None,
                    at,
                    path,
                    known: None,
                });
            }
            patient.previous_reactions = Some(out);
        }
    }

    let mut drugs = Vec::new();
    for (i, d) in doc.drugs.iter().enumerate() {
        let events = &declared.drugs[i];
        let drug_id = d.value.id.value.trim().to_owned();
        let mut exposures = Vec::new();
        for (j, e) in d.value.exposures.iter().enumerate() {
            let (start_at, stop_at, regimen) = &events.exposures[j];
            let path = format!("drugs[{i}].exposures[{j}]");
            let item = Item::Exposure(i, j);
            let single = e.value.single_dose.as_ref().is_some_and(|s| s.value);
            v.state(*start_at, e.value.start.as_ref(), format!("{path}.start"), item, None);
            if let (true, Some(stop)) = (single, &e.value.stop) {
                v.error(
                    "case::single-dose-stop",
                    pos_of(stop),
                    "a single dose has no stop of its own",
                )
                .help = Some("leave out `stop`: a single dose stops the day it is given".into());
            }
            let name = e.value.id.as_ref().map_or_else(|| drug_id.clone(), |x| x.value.trim().to_owned());
            if single {
                v.chron.imply(
                    *start_at,
                    *stop_at,
                    crate::time::DaySpan::exact(0),
                    format!("{path}.single_dose"),
                    format!("`{name}` was a single dose, stopped the day it was given"),
                );
            } else {
                v.state(*stop_at, e.value.stop.as_ref(), format!("{path}.stop"), item, Some(true));
            }
            v.chron.order(*start_at, *stop_at, path.clone(), format!("`{name}` stopped on or after it started"));
            let regimen = match (regimen, &e.value.regimen) {
                (Some(Ok(r)), _) => Some(r.clone()),
                (Some(Err(message)), Some(text)) => {
                    v.error("case::bad-regimen", pos_of(text), message.clone()).help = Some(
                        "write a cycle as `days 1-21 of 28`, or describe the regimen in words (`daily`)"
                            .into(),
                    );
                    None
                }
                _ => None,
            };
            v.known_since(item, e.value.known_since.as_ref(), &path);
            exposures.push(Exposure {
                id: e.value.id.as_ref().map(|i| i.value.trim().to_owned()),
                start: None,
                stop: None,
                start_at: *start_at,
                stop_at: *stop_at,
                stopped: single || e.value.stop.is_some(),
                single_dose: single,
                dose: e.value.dose.as_ref().map(|t| parse_dose(&t.value)),
                route: e.value.route.clone(),
                regimen,
                path,
                known: None,
            });
        }
        let path = format!("drugs[{i}]");
        // A drug starts with the earliest of its exposures that give a start
        // (all of them when none does): one without a start says nothing of it.
        let given: Vec<Point> = d
            .value
            .exposures
            .iter()
            .zip(&exposures)
            .filter(|(doc, _)| doc.value.start.is_some())
            .map(|(_, e)| e.start_at)
            .collect();
        let starts = if given.is_empty() {
            exposures.iter().map(|e| e.start_at).collect()
        } else {
            given
        };
        v.chron.first_of(events.start, starts, true, path.clone(), drug_id.clone());
        if !exposures.is_empty() && exposures.iter().all(|e| e.stopped) {
            let stops = exposures.iter().map(|e| e.stop_at).collect();
            v.chron.first_of(events.stop, stops, false, path.clone(), drug_id.clone());
        } else {
            for e in exposures.iter().filter(|e| e.stopped) {
                v.chron.order(e.stop_at, events.stop, path.clone(), format!("`{drug_id}` stopped on or after each of its exposures"));
            }
        }
        let mut earlier = Vec::new();
        for (k, x) in d.value.earlier_exposures.iter().enumerate() {
            let at = events.earlier[k];
            let xpath = format!("{path}.earlier_exposures[{k}]");
            let item = Item::Earlier(i, k);
            v.state(at, x.value.when.as_ref(), format!("{xpath}.when"), item, None);
            v.chron.imply(
                at,
                events.start,
                crate::time::DaySpan { min: 1, max: UNBOUNDED },
                xpath.clone(),
                format!("an earlier exposure to `{drug_id}` came before the exposures under assessment"),
            );
            let reaction = x.value.reaction.as_ref().map(|r| r.value.trim().to_owned());
            if x.value.outcome == EarlierOutcome::Reaction && reaction.as_deref().is_none_or(str::is_empty) {
                v.error(
                    "case::missing-field",
                    pos_of(x),
                    "an earlier exposure with `outcome: reaction` must name the `reaction` it caused",
                )
                .help = Some("add `reaction: TERM`, for example `reaction: maculopapular rash`".into());
            }
            v.known_since(item, x.value.known_since.as_ref(), &xpath);
            earlier.push(EarlierExposure {
                id: x.value.id.as_ref().map(|i| i.value.trim().to_owned()),
                at,
                date: None,
                outcome: x.value.outcome,
                reaction,
                path: xpath,
                known: None,
            });
        }
        v.known_since(Item::Drug(i), d.value.known_since.as_ref(), &path);
        drugs.push(Drug {
            id: drug_id,
            name: d.value.name.value.trim().to_owned(),
            role: d.value.role,
            indication: d.value.indication.clone(),
            exposures,
            action_taken: d.value.action_taken,
            cannot_be_stopped: d.value.cannot_be_stopped,
            earlier,
            start_at: events.start,
            stop_at: events.stop,
            source_ref: d.value.source_ref.clone(),
            path,
            known: None,
        });
    }

    let mut reactions = Vec::new();
    for (i, r) in doc.reactions.iter().enumerate() {
        let (onset_at, end_at) = declared.reactions[i];
        let path = format!("reactions[{i}]");
        let item = Item::Reaction(i);
        let id = r.value.id.value.trim().to_owned();
        v.state(onset_at, r.value.onset.as_ref(), format!("{path}.onset"), item, None);
        v.state(end_at, r.value.end.as_ref(), format!("{path}.end"), item, Some(true));
        v.chron.order(onset_at, end_at, path.clone(), format!("`{id}` ended on or after it began"));
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
        v.known_since(item, r.value.known_since.as_ref(), &path);
        reactions.push(Reaction {
            id,
            term: r.value.term.value.trim().to_owned(),
            phenotype: r.value.phenotype.as_ref().map(|p| p.value.trim().to_owned()),
            phenotype_pos: r.value.phenotype.as_ref().map(pos_of).unwrap_or(Pos::UNKNOWN),
            meddra_code: r.value.meddra_code.clone(),
            onset: None,
            end: None,
            onset_at,
            end_at,
            outcome: r.value.outcome,
            severity_grade,
            seriousness: r.value.seriousness.clone(),
            treatment: r.value.treatment.clone(),
            source_ref: r.value.source_ref.clone(),
            path,
            known: None,
        });
    }

    let mut investigations = Vec::new();
    for (i, x) in doc.investigations.iter().enumerate() {
        let reaction = x
            .value
            .reaction
            .as_ref()
            .and_then(|r| v.find("reaction", r, &reaction_names));
        let drug = x.value.drug.as_ref().and_then(|r| v.find("drug", r, &drug_names));
        if x.value.supports == Supports::Drug && x.value.drug.is_none() {
            v.error(
                "case::missing-field",
                pos_of(&x.value.test),
                "an investigation that `supports: drug` must name the `drug` it points at",
            )
            .help = Some("add `drug: ID`; a test points at one drug, not at every suspect".into());
        }
        let test = x.value.test.value.trim().to_owned();
        let path = format!("investigations[{i}]");
        let at = v.chron.point(format!("`{test}` was done"));
        let item = Item::Investigation(i);
        v.state(at, x.value.date.as_ref(), format!("{path}.date"), item, None);
        v.known_since(item, x.value.known_since.as_ref(), &path);
        investigations.push(Investigation {
            test,
            result: x.value.result.trim().to_owned(),
            kind: x.value.kind,
            supports: x.value.supports,
            reaction,
            drug,
            date: None,
            at,
            path,
            known: None,
        });
    }

    let mut dechallenges = Vec::new();
    for (i, x) in doc.dechallenges.iter().enumerate() {
        let drug = v.find("drug", &x.value.drug, &drug_names);
        let reaction = v.find("reaction", &x.value.reaction, &reaction_names);
        let path = format!("dechallenges[{i}]");
        let at = v
            .chron
            .point(format!("the dechallenge of `{}` was", x.value.drug.value.trim()));
        let item = Item::Dechallenge(dechallenges.len());
        v.state(at, x.value.date.as_ref(), format!("{path}.date"), item, None);
        if let (Some(drug), Some(reaction)) = (drug, reaction) {
            v.known_since(item, x.value.known_since.as_ref(), &path);
            dechallenges.push(Dechallenge {
                drug,
                reaction,
                action: x.value.action,
                date: None,
                at,
                outcome: x.value.outcome,
                treatment: x.value.treatment.clone(),
                tolerance: x.value.tolerance,
                path,
                known: None,
            });
        }
    }

    let mut rechallenges = Vec::new();
    for (i, x) in doc.rechallenges.iter().enumerate() {
        let (start_at, end_at) = declared.rechallenges[i];
        let drug = v.find("drug", &x.value.drug, &drug_names);
        let with_drugs = x
            .value
            .with_drugs
            .iter()
            .filter_map(|w| v.find("drug", w, &drug_names))
            .collect();
        let path = format!("rechallenges[{i}]");
        let item = Item::Rechallenge(rechallenges.len());
        let name = x.value.id.as_ref().map_or_else(|| path.clone(), |id| id.value.trim().to_owned());
        v.state(start_at, x.value.start.as_ref(), format!("{path}.start"), item, None);
        v.state(end_at, x.value.end.as_ref(), format!("{path}.end"), item, Some(true));
        v.chron.order(start_at, end_at, path.clone(), format!("`{name}` ended on or after it started"));
        let mut steps = Vec::new();
        for (j, s) in x.value.steps.iter().enumerate() {
            let spath = format!("{path}.steps[{j}]");
            let at = v.chron.point(format!("step {} of `{name}` was", j + 1));
            let day = match &s.value.day {
                Some(t) => match parse_day_number(&t.value) {
                    Ok(d) => {
                        let fact = v.chron.state_span(
                            start_at,
                            at,
                            crate::time::DaySpan { min: d.min - 1, max: d.max - 1 },
                            format!("{spath}.day"),
                            pos_of(t),
                            format!("on day {} of it", t.value.trim()),
                        );
                        v.owned.push((fact, item, Some(false)));
                        Some(d)
                    }
                    Err(message) => {
                        v.error("case::bad-time", pos_of(t), message).help = Some(
                            "write the day of the episode as `4` or `10-16`; day 1 is its start".into(),
                        );
                        None
                    }
                },
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
                at,
                date: None,
                dose: s.value.dose.as_ref().map(|t| parse_dose(&t.value)),
                outcome: s.value.outcome,
                reaction,
                description: s.value.description.clone(),
                path: spath,
            });
        }
        if let Some(drug) = drug {
            v.known_since(item, x.value.known_since.as_ref(), &path);
            rechallenges.push(Rechallenge {
                id: x.value.id.as_ref().map(|i| i.value.trim().to_owned()),
                drug,
                kind: x.value.kind,
                start: None,
                end: None,
                start_at,
                end_at,
                premedication: x.value.premedication.clone(),
                with_drugs,
                steps,
                path,
                known: None,
            });
        }
    }

    Case {
        id: String::new(),
        source: None,
        digest: String::new(),
        patient,
        drugs,
        reactions,
        investigations,
        dechallenges,
        rechallenges,
        alternative_causes: Vec::new(),
        contributing_factors: None,
        assessor_answers: Vec::new(),
        as_of: None,
        reported_assessments: Vec::new(),
        notes: Vec::new(),
        times: Times::default(),
    }
}

/// Reads each item's calendar days and known day from the solved times, and
/// marks from when each stated fact was known.
pub(super) fn settle(case: &mut Case, known_since: &[(Item, Point)], owned: &[(usize, Item, Option<bool>)]) {
    let times = &case.times;
    let since = |item: &dyn Fn(Item) -> bool| {
        known_since
            .iter()
            .find(|(i, _)| item(*i))
            .and_then(|(_, p)| times.range(*p))
            .map(|r| r.earliest)
    };
    let own = |r: Option<DayRange>| r.map(|r| r.earliest);
    for (i, c) in case.patient.conditions.iter_mut().enumerate() {
        c.onset = times.range(c.onset_at);
        c.end = times.range(c.end_at);
        c.known = since(&|x| matches!(x, Item::Condition(j) if j == i)).or(own(c.onset));
    }
    for (i, p) in case.patient.previous_reactions.iter_mut().flatten().enumerate() {
        p.date = times.range(p.at);
        p.known = since(&|x| matches!(x, Item::Previous(j) if j == i)).or(own(p.date));
    }
    for (i, d) in case.drugs.iter_mut().enumerate() {
        for (j, e) in d.exposures.iter_mut().enumerate() {
            e.start = times.range(e.start_at);
            e.stop = times.range(e.stop_at);
            // A stop the case bounds through other times was a stop all the same.
            e.stopped = e.stopped || e.stop.is_some();
            if !e.stopped {
                e.stop = None;
            }
            e.known = since(&|x| matches!(x, Item::Exposure(a, b) if a == i && b == j)).or(own(e.start));
        }
        for (k, x) in d.earlier.iter_mut().enumerate() {
            x.date = times.range(x.at);
            x.known = since(&|y| matches!(y, Item::Earlier(a, b) if a == i && b == k)).or(own(x.date));
        }
        let first = d
            .exposures
            .iter()
            .filter_map(|e| e.start)
            .min_by_key(|r| r.earliest);
        d.known = since(&|x| matches!(x, Item::Drug(j) if j == i)).or(own(first));
    }
    for (i, r) in case.reactions.iter_mut().enumerate() {
        r.onset = times.range(r.onset_at);
        r.end = times.range(r.end_at);
        r.known = since(&|x| matches!(x, Item::Reaction(j) if j == i)).or(own(r.onset));
    }
    for (i, x) in case.investigations.iter_mut().enumerate() {
        x.date = times.range(x.at);
        x.known = since(&|y| matches!(y, Item::Investigation(j) if j == i)).or(own(x.date));
    }
    for (i, d) in case.dechallenges.iter_mut().enumerate() {
        d.date = times.range(d.at);
        // What followed a withdrawal is known once the reaction's course is: by its end if given.
        let course_known = case.reactions.get(d.reaction).and_then(|r| r.end).map(|e| e.latest);
        let own = match (d.date.map(|x| x.earliest), course_known) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        d.known = since(&|x| matches!(x, Item::Dechallenge(j) if j == i)).or(own);
    }
    for (i, r) in case.rechallenges.iter_mut().enumerate() {
        r.start = times.range(r.start_at);
        r.end = times.range(r.end_at);
        for s in &mut r.steps {
            s.date = times.range(s.at);
        }
        r.known = since(&|x| matches!(x, Item::Rechallenge(j) if j == i)).or(own(r.start));
    }
    for (i, a) in case.alternative_causes.iter_mut().enumerate() {
        a.known = since(&|x| matches!(x, Item::Alternative(j) if j == i));
    }
    for (i, f) in case.contributing_factors.iter_mut().flatten().enumerate() {
        f.known = since(&|x| matches!(x, Item::Factor(j) if j == i));
    }
    for (i, a) in case.assessor_answers.iter_mut().enumerate() {
        a.known = since(&|x| matches!(x, Item::Answer(j) if j == i));
    }
    // Each stated fact is known from when its item is.
    for &(fact, item, once_past) in owned {
        let known = match item {
            Item::Condition(i) => case.patient.conditions.get(i).and_then(|x| x.known),
            Item::Previous(i) => case
                .patient
                .previous_reactions
                .as_ref()
                .and_then(|l| l.get(i))
                .and_then(|x| x.known),
            Item::Drug(i) => case.drugs.get(i).and_then(|x| x.known),
            Item::Exposure(i, j) => case.drugs.get(i).and_then(|d| d.exposures.get(j)).and_then(|x| x.known),
            Item::Earlier(i, j) => case.drugs.get(i).and_then(|d| d.earlier.get(j)).and_then(|x| x.known),
            Item::Reaction(i) => case.reactions.get(i).and_then(|x| x.known),
            Item::Investigation(i) => case.investigations.get(i).and_then(|x| x.known),
            Item::Dechallenge(i) => case.dechallenges.get(i).and_then(|x| x.known),
            Item::Rechallenge(i) => case.rechallenges.get(i).and_then(|x| x.known),
            Item::Alternative(_) | Item::Factor(_) | Item::Answer(_) => None,
        };
        case.times.set_known(fact, known, once_past);
    }
}
