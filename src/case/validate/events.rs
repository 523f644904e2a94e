//! The dated items of a case: conditions, earlier reactions, drugs with their
//! exposures and earlier exposures, reactions, investigations, dechallenges and
//! rechallenges. Declared first (their ids and events), read next (their
//! times stated to the chronology), settled last (their calendar days and
//! known days read from the solved times).

use super::values::{parse_dose, parse_regimen};
use super::{Item, Names, Validator, pos_of};
use crate::case::chronology::{Event, Says};
use crate::case::doc::*;
use crate::case::*;
use crate::time::UNBOUNDED;

/// An exposure's start and stop, and its regimen as read (or why it cannot be).
type ExposureEvents = (Point, Point, Option<Result<Regimen, String>>);

/// The events of one drug.
pub(super) struct DrugEvents {
    start: Point,
    stop: Point,
    exposures: Vec<ExposureEvents>,
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
        let i = conditions.len();
        let onset = v.chron.point(Event::ConditionOnset(i));
        let end = v.chron.point(Event::ConditionEnd(i));
        if let Some(id) = &c.value.id
            && v.declare_id(id)
        {
            v.chron.name(id.value.trim(), onset, end, None);
        }
        conditions.push((onset, end));
    }
    let mut drugs = Vec::new();
    for (i, d) in doc.drugs.iter().enumerate() {
        let drug_id = d.value.id.value.trim();
        let declared = v.declare_id(&d.value.id);
        let mut exposures = Vec::new();
        for (j, e) in d.value.exposures.iter().enumerate() {
            let s = v.chron.point(Event::ExposureStart(i, j));
            let t = v.chron.point(Event::ExposureStop(i, j));
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
        // A drug with one exposure starts and stops with it; with several, it
        // has events of its own, tied to its earliest start and latest stop.
        let (start, stop) = match &exposures[..] {
            [(s, t, _)] => (*s, *t),
            _ => (
                v.chron.point(Event::DrugStart(i)),
                v.chron.point(Event::DrugStop(i)),
            ),
        };
        let mut earlier = Vec::new();
        for (k, x) in d.value.earlier_exposures.iter().enumerate() {
            let at = v.chron.point(Event::Earlier(i, k));
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
    for (i, r) in doc.reactions.iter().enumerate() {
        let id = r.value.id.value.trim();
        let onset = v.chron.point(Event::Onset(i));
        let end = v.chron.point(Event::End(i));
        if v.declare_id(&r.value.id) {
            v.chron.name(id, onset, end, None);
        }
        reactions.push((onset, end));
    }
    let mut rechallenges = Vec::new();
    for (i, r) in doc.rechallenges.iter().enumerate() {
        let start = v.chron.point(Event::RechallengeStart(i));
        let end = v.chron.point(Event::RechallengeEnd(i));
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
        if let Some(w) = &p.weight {
            if !(0.0..=700.0).contains(&w.value) {
                v.error(
                    "case::impossible-value",
                    pos_of(w),
                    format!("weight `{}` is not a possible weight in kilograms", w.value),
                )
                .help = Some("give the body weight in kilograms, between 0 and 700".into());
            } else {
                patient.weight = Some(w.value);
            }
        }
        patient.renal_impairment = p.renal_impairment;
        patient.hepatic_impairment = p.hepatic_impairment;
        for (i, c) in p.conditions.iter().enumerate() {
            let (onset_at, end_at) = declared.conditions[i];
            let path = format!("patient.conditions[{i}]");
            let item = Item::Condition(i);
            v.state(onset_at, c.value.onset.as_ref(), item, None);
            v.state(end_at, c.value.end.as_ref(), item, Some(true));
            let name = c.value.name.value.trim().to_owned();
            v.chron.ends_after(onset_at, end_at);
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
                let at = v.chron.point(Event::PreviousReaction(i));
                let item = Item::Previous(i);
                v.state(at, r.value.date.as_ref(), item, None);
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
            v.state(*start_at, e.value.start.as_ref(), item, None);
            if let (true, Some(stop)) = (single, &e.value.stop) {
                v.error(
                    "case::single-dose-stop",
                    pos_of(stop),
                    "a single dose has no stop of its own",
                )
                .help = Some("leave out `stop`: a single dose stops the day it is given".into());
            }
            if single {
                v.chron.imply(
                    *start_at,
                    *stop_at,
                    crate::time::DaySpan::exact(0),
                    Says::SingleDose,
                );
            } else {
                v.state(*stop_at, e.value.stop.as_ref(), item, Some(true));
            }
            v.chron.ends_after(*start_at, *stop_at);
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
        if exposures.len() > 1 {
            // A drug starts with the earliest of its exposures that give a time
            // (all of them when none does): one with neither a start nor a stop
            // says nothing of when the drug began.
            let given: Vec<Point> = d
                .value
                .exposures
                .iter()
                .zip(&exposures)
                .filter(|(doc, _)| doc.value.start.is_some() || doc.value.stop.is_some())
                .map(|(_, e)| e.start_at)
                .collect();
            let starts = if given.is_empty() {
                exposures.iter().map(|e| e.start_at).collect()
            } else {
                given
            };
            v.chron.first_of(events.start, starts, true);
            // It stops with the latest stop once every exposure has one.
            let stops: Vec<Point> = exposures
                .iter()
                .filter(|e| e.stopped)
                .map(|e| e.stop_at)
                .collect();
            if stops.len() == exposures.len() {
                v.chron.first_of(events.stop, stops, false);
            } else {
                for s in stops {
                    v.chron.imply(
                        s,
                        events.stop,
                        crate::time::DaySpan {
                            min: 0,
                            max: UNBOUNDED,
                        },
                        Says::StopsAfterEach,
                    );
                }
            }
        }
        let mut earlier = Vec::new();
        for (k, x) in d.value.earlier_exposures.iter().enumerate() {
            let at = events.earlier[k];
            let xpath = format!("{path}.earlier_exposures[{k}]");
            let item = Item::Earlier(i, k);
            v.state(at, x.value.when.as_ref(), item, None);
            v.chron.imply(
                events.start,
                at,
                crate::time::DaySpan {
                    min: -UNBOUNDED,
                    max: -1,
                },
                Says::EarlierBefore,
            );
            let reaction = x.value.reaction.as_ref().map(|r| r.value.trim().to_owned());
            if x.value.outcome == EarlierOutcome::Reaction
                && reaction.as_deref().is_none_or(str::is_empty)
            {
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
        v.state(onset_at, r.value.onset.as_ref(), item, None);
        v.state(end_at, r.value.end.as_ref(), item, Some(true));
        v.chron.ends_after(onset_at, end_at);
        let severity_grade = v.severity_grade(r.value.severity_grade.as_ref());
        v.known_since(item, r.value.known_since.as_ref(), &path);
        reactions.push(Reaction {
            id,
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
            onset: None,
            end: None,
            onset_at,
            end_at,
            outcome: r.value.outcome,
            severity_grade,
            brown_grade: r.value.brown_grade,
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
        let test = x.value.test.value.trim().to_owned();
        let path = format!("investigations[{i}]");
        let at = v.chron.point(Event::Investigation(i));
        let item = Item::Investigation(i);
        v.state(at, x.value.date.as_ref(), item, None);
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

    // Every dechallenge and rechallenge is kept, even one naming an unknown
    // drug or reaction (the case is then rejected anyway), so that positions
    // in the lists are positions in the file.
    let mut dechallenges = Vec::new();
    for (i, x) in doc.dechallenges.iter().enumerate() {
        let drug = v.find("drug", &x.value.drug, &drug_names);
        let reaction = v.find("reaction", &x.value.reaction, &reaction_names);
        let path = format!("dechallenges[{i}]");
        let at = v.chron.point(Event::Dechallenge(i));
        let item = Item::Dechallenge(i);
        v.state(at, x.value.date.as_ref(), item, None);
        v.known_since(item, x.value.known_since.as_ref(), &path);
        dechallenges.push(Dechallenge {
            drug: drug.unwrap_or(0),
            reaction: reaction.unwrap_or(0),
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

    let rechallenges =
        super::rechallenges::read(v, doc, &declared.rechallenges, &drug_names, &reaction_names);

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
        report: Report::default(),
        conclusion: None,
    }
}

/// Reads each item's calendar days and known day from the solved times, and
/// marks from when each stated fact was known.
pub(super) fn settle(
    case: &mut Case,
    known_since: &[(Item, Point)],
    owned: &[(usize, Item, Option<bool>)],
) {
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
    for (i, p) in case
        .patient
        .previous_reactions
        .iter_mut()
        .flatten()
        .enumerate()
    {
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
            e.known =
                since(&|x| matches!(x, Item::Exposure(a, b) if a == i && b == j)).or(own(e.start));
        }
        for (k, x) in d.earlier.iter_mut().enumerate() {
            x.date = times.range(x.at);
            x.known =
                since(&|y| matches!(y, Item::Earlier(a, b) if a == i && b == k)).or(own(x.date));
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
        let course_known = case
            .reactions
            .get(d.reaction)
            .and_then(|r| r.end)
            .map(|e| e.latest);
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
            Item::Exposure(i, j) => case
                .drugs
                .get(i)
                .and_then(|d| d.exposures.get(j))
                .and_then(|x| x.known),
            Item::Earlier(i, j) => case
                .drugs
                .get(i)
                .and_then(|d| d.earlier.get(j))
                .and_then(|x| x.known),
            Item::Reaction(i) => case.reactions.get(i).and_then(|x| x.known),
            Item::Investigation(i) => case.investigations.get(i).and_then(|x| x.known),
            Item::Dechallenge(i) => case.dechallenges.get(i).and_then(|x| x.known),
            Item::Rechallenge(i) => case.rechallenges.get(i).and_then(|x| x.known),
            Item::Alternative(_) | Item::Factor(_) | Item::Answer(_) => None,
        };
        case.times.set_known(fact, known, once_past);
    }
}
