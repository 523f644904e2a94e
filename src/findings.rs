//! Findings: the fixed set of named computations over a case.
//!
//! Each finding reads the case (and the knowledge base) for one drug–event
//! pair and returns one outcome from its fixed vocabulary, with the evidence it
//! used: paths into the case file or the knowledge base, and the values read.
//! Rule files refer to findings by name and map their outcomes onto each
//! method's answers; thresholds and windows come from the knowledge base.
//!
//! Findings are pure and total: a missing fact is an outcome (`unknown`,
//! `cannot-tell`, `not-done`…), never an error. Adding a finding means adding a
//! variant here and its computation; the evaluator does not change.

use crate::case::{
    ActionTaken, Case, CaseItem, Course, Exposure, Plausibility, ReactionOutcome, Role,
    StepOutcome, Supports,
};
use crate::kb::{KnowledgeBase, Listedness, Phenotype};
use crate::time::{DaySpan, Fit};
use serde::Serialize;

/// A fact a finding used, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// A path into the case file (`reactions[0].onset`) or a place in the
    /// knowledge base (`rules/kb/lenalidomide.yaml:12`).
    pub source: String,
    pub value: String,
}

/// What a finding concluded for one pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub outcome: &'static str,
    /// One sentence of reasoning, with any arithmetic shown.
    pub reasoning: String,
    pub evidence: Vec<Evidence>,
}

macro_rules! findings {
    ($( $variant:ident = $name:literal : [$($outcome:literal),+ $(,)?] ),+ $(,)?) => {
        /// The named computations rule files may ask for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum FindingId { $($variant),+ }

        impl FindingId {
            pub const ALL: &'static [FindingId] = &[$(FindingId::$variant),+];

            /// The name rule files use.
            pub fn name(self) -> &'static str {
                match self { $(FindingId::$variant => $name),+ }
            }

            /// Every outcome the finding can return; a rule node must route each one.
            pub fn outcomes(self) -> &'static [&'static str] {
                match self { $(FindingId::$variant => &[$($outcome),+]),+ }
            }
        }
    };
}

findings! {
    EventAfterDrug = "event-after-drug": ["yes", "no", "unknown"],
    TimeToOnset = "time-to-onset": ["compatible", "compatible-not-coherent", "incompatible", "cannot-tell", "unknown"],
    Dechallenge = "dechallenge": [
        "improved", "improved-under-treatment", "not-improved",
        "not-withdrawn-improved", "not-withdrawn-not-improved", "not-withdrawn-tolerance", "not-withdrawn-treated",
        "fatal-or-irreversible", "unknown",
    ],
    Rechallenge = "rechallenge": ["positive", "negative", "not-interpretable", "not-done", "unknown"],
    AlternativeCauses = "alternative-causes": ["excluded", "none-identified", "less-plausible", "equally-plausible", "more-plausible"],
    PreviousKnowledge = "previous-knowledge": ["labelled", "reported", "unknown", "against"],
    ObjectiveEvidence = "objective-evidence": ["points-at-drug", "confirms-reaction", "none", "unknown"],
    ToxicDrugLevel = "toxic-drug-level": ["yes", "no", "unknown"],
    DoseResponse = "dose-response": ["yes", "no", "unknown"],
    PreviousReaction = "previous-reaction": ["same-drug", "similar-drug", "none", "unknown"],
    ContributingFactors = "contributing-factors": ["present", "absent", "unknown"],
}

impl FindingId {
    pub fn from_name(name: &str) -> Option<FindingId> {
        FindingId::ALL.iter().copied().find(|f| f.name() == name)
    }
}

/// One drug–event pair of a case, with what the knowledge base knows of both.
#[derive(Debug, Clone, Copy)]
pub struct Pair<'a> {
    pub case: &'a Case,
    pub kb: &'a KnowledgeBase,
    pub drug: usize,
    pub reaction: usize,
}

impl<'a> Pair<'a> {
    pub fn phenotype(&self) -> Option<&'a Phenotype> {
        let r = &self.case.reactions[self.reaction];
        match &r.phenotype {
            Some(id) => self.kb.phenotype_by_id(id),
            None => self
                .kb
                .phenotype_for_term(&r.term, r.meddra_code.as_deref()),
        }
    }

    pub fn kb_drug_id(&self) -> Option<&'a str> {
        let d = &self.case.drugs[self.drug];
        self.kb
            .drug(&d.name)
            .or_else(|| self.kb.drug(&d.id))
            .map(|k| k.id.as_str())
    }
}

/// Computes one finding for one pair.
pub fn compute(id: FindingId, pair: &Pair) -> Finding {
    match id {
        FindingId::EventAfterDrug => event_after_drug(pair),
        FindingId::TimeToOnset => time_to_onset(pair),
        FindingId::Dechallenge => dechallenge(pair),
        FindingId::Rechallenge => rechallenge(pair),
        FindingId::AlternativeCauses => alternative_causes(pair),
        FindingId::PreviousKnowledge => previous_knowledge(pair),
        FindingId::ObjectiveEvidence => objective_evidence(pair),
        FindingId::ToxicDrugLevel => toxic_drug_level(pair),
        FindingId::DoseResponse => dose_response(pair),
        FindingId::PreviousReaction => previous_reaction(pair),
        FindingId::ContributingFactors => contributing_factors(pair),
    }
}

fn finding(
    outcome: &'static str,
    reasoning: impl Into<String>,
    evidence: Vec<Evidence>,
) -> Finding {
    Finding {
        outcome,
        reasoning: reasoning.into(),
        evidence,
    }
}

fn ev(source: impl Into<String>, value: impl ToString) -> Evidence {
    Evidence {
        source: source.into(),
        value: value.to_string(),
    }
}

/// The exposure the reaction followed, and the latency from its start to onset.
struct Latency {
    span: DaySpan,
    evidence: Vec<Evidence>,
    how: String,
}

/// Finds the exposure in effect at onset: the one the onset was written
/// relative to, or else the latest one that may have started by onset.
fn latency<'a>(pair: &Pair<'a>) -> Result<Latency, NoLatency> {
    let drug = &pair.case.drugs[pair.drug];
    let reaction = &pair.case.reactions[pair.reaction];
    let Some(onset) = reaction.onset else {
        return Err(NoLatency::Unknown(
            format!("the onset of `{}` is not known", reaction.id),
            vec![ev(format!("{}.onset", reaction.path), "not given")],
        ));
    };
    let onset_ev = ev(format!("{}.onset", reaction.path), onset);
    if let Some((anchor, span)) = &reaction.onset_anchor {
        let anchored = if anchor == &drug.id {
            drug.exposures
                .iter()
                .filter(|e| e.start.is_some())
                .min_by_key(|e| e.start.map(|s| s.earliest))
        } else {
            drug.exposures
                .iter()
                .find(|e| e.id.as_deref() == Some(anchor.as_str()))
        };
        if let Some(e) = anchored {
            return Ok(Latency {
                span: *span,
                evidence: vec![
                    onset_ev,
                    ev(
                        format!("{}.start", e.path),
                        e.start.map_or("not given".into(), |s| s.to_string()),
                    ),
                ],
                how: format!("onset was given as {span} after the start of `{anchor}`"),
            });
        }
    }
    let candidates: Vec<&Exposure> = drug
        .exposures
        .iter()
        .filter(|e| e.start.is_some_and(|s| s.earliest <= onset.latest))
        .collect();
    let Some(e) = candidates
        .into_iter()
        .max_by_key(|e| e.start.map(|s| s.earliest))
    else {
        let mut evidence = vec![onset_ev];
        evidence.extend(drug.exposures.iter().map(|e| {
            ev(
                format!("{}.start", e.path),
                e.start.map_or("not given".into(), |s| s.to_string()),
            )
        }));
        return Err(if drug.exposures.iter().any(|e| e.start.is_some()) {
            NoLatency::DrugAfterOnset(
                format!(
                    "every exposure to `{}` started after the onset of `{}`",
                    drug.id, reaction.id
                ),
                evidence,
            )
        } else {
            NoLatency::Unknown(
                format!("no start date is given for `{}`", drug.id),
                evidence,
            )
        });
    };
    let start = e.start.expect("filtered on start");
    let span = start.days_until(&onset);
    Ok(Latency {
        span,
        evidence: vec![ev(format!("{}.start", e.path), start), onset_ev],
        how: format!("from start {start} to onset {onset} is {span}"),
    })
}

/// Why no latency could be computed.
enum NoLatency {
    Unknown(String, Vec<Evidence>),
    DrugAfterOnset(String, Vec<Evidence>),
}

fn event_after_drug(pair: &Pair) -> Finding {
    match latency(pair) {
        Ok(l) if l.span.min >= 0 => finding(
            "yes",
            format!("{}: the reaction followed the drug", l.how),
            l.evidence,
        ),
        Ok(l) if l.span.max < 0 => finding(
            "no",
            format!("{}: the reaction came first", l.how),
            l.evidence,
        ),
        Ok(l) => finding(
            "unknown",
            format!(
                "{}: the dates are too imprecise to tell which came first",
                l.how
            ),
            l.evidence,
        ),
        Err(NoLatency::DrugAfterOnset(why, evidence)) => finding("no", why, evidence),
        Err(NoLatency::Unknown(why, evidence)) => finding("unknown", why, evidence),
    }
}

fn time_to_onset(pair: &Pair) -> Finding {
    let l = match latency(pair) {
        Ok(l) => l,
        Err(NoLatency::DrugAfterOnset(why, evidence)) => {
            return finding("incompatible", why, evidence);
        }
        Err(NoLatency::Unknown(why, evidence)) => return finding("unknown", why, evidence),
    };
    let mut evidence = l.evidence;
    if l.span.max < 0 {
        return finding(
            "incompatible",
            format!("{}: the drug was started after the reaction began", l.how),
            evidence,
        );
    }
    let Some(phenotype) = pair.phenotype() else {
        let r = &pair.case.reactions[pair.reaction];
        evidence.push(ev(format!("{}.term", r.path), &r.term));
        return finding(
            "unknown",
            format!(
                "{}; the term `{}` matches no phenotype in the knowledge base, so there is no window to compare with",
                l.how, r.term
            ),
            evidence,
        );
    };
    let Some(window) = phenotype.latency else {
        evidence.push(ev(
            &phenotype.origin,
            format!("phenotype `{}` has no latency window", phenotype.id),
        ));
        return finding(
            "unknown",
            format!("{}; no latency window is known for {}", l.how, phenotype.id),
            evidence,
        );
    };
    let (t, w) = (window.typical, window.plausible);
    evidence.push(ev(
        &phenotype.origin,
        format!(
            "{}: typical {}-{} days, plausible {}-{} days",
            phenotype.id, t.0, t.1, w.0, w.1
        ),
    ));
    let latency = l.span;
    let said = format!(
        "{}; latency {latency} against the {} windows (typical {}-{}, plausible {}-{} days)",
        l.how, phenotype.id, t.0, t.1, w.0, w.1
    );
    match (latency.fits(t.0, t.1), latency.fits(w.0, w.1)) {
        (Fit::Inside, _) => finding(
            "compatible",
            format!("{said}: inside the typical window"),
            evidence,
        ),
        (Fit::Outside, Fit::Inside) => finding(
            "compatible-not-coherent",
            format!("{said}: outside the typical window but inside the plausible one"),
            evidence,
        ),
        (_, Fit::Outside) => finding(
            "incompatible",
            format!("{said}: outside the plausible window"),
            evidence,
        ),
        _ => finding(
            "cannot-tell",
            format!("{said}: the dates are too imprecise to decide"),
            evidence,
        ),
    }
}

fn dechallenge(pair: &Pair) -> Finding {
    let case = pair.case;
    let drug = &case.drugs[pair.drug];
    let reaction = &case.reactions[pair.reaction];
    let mut evidence = Vec::new();
    if let Some(o @ ReactionOutcome::Fatal) = reaction.outcome {
        evidence.push(ev(format!("{}.outcome", reaction.path), kebab(&o)));
        return finding(
            "fatal-or-irreversible",
            "the reaction was fatal, so no improvement could be observed",
            evidence,
        );
    }
    let observations: Vec<_> = case
        .dechallenges
        .iter()
        .filter(|d| d.drug == pair.drug && d.reaction == pair.reaction)
        .collect();
    let chosen = observations
        .iter()
        .find(|d| matches!(d.action, ActionTaken::Withdrawn | ActionTaken::DoseReduced))
        .or_else(|| observations.first());
    if let Some(d) = chosen {
        evidence.push(ev(format!("{}.action", d.path), kebab(&d.action)));
        evidence.push(ev(format!("{}.outcome", d.path), kebab(&d.outcome)));
        if !d.treatment.is_empty() {
            evidence.push(ev(format!("{}.treatment", d.path), d.treatment.join(", ")));
        }
        if d.tolerance {
            evidence.push(ev(format!("{}.tolerance", d.path), "true"));
        }
        return classify_dechallenge(
            d.action,
            d.outcome,
            !d.treatment.is_empty(),
            d.tolerance,
            evidence,
        );
    }
    // No explicit observation: read the action taken with the drug and the reaction's outcome (as E2B reports them).
    let Some(action) = drug.action_taken else {
        return finding(
            "unknown",
            "no dechallenge is recorded and the action taken with the drug is not given",
            vec![ev(format!("{}.action_taken", drug.path), "not given")],
        );
    };
    evidence.push(ev(format!("{}.action_taken", drug.path), kebab(&action)));
    let course = match reaction.outcome {
        Some(
            ReactionOutcome::Recovered
            | ReactionOutcome::Recovering
            | ReactionOutcome::RecoveredWithSequelae,
        ) => Course::Improved,
        Some(ReactionOutcome::NotRecovered) => Course::NotImproved,
        _ => Course::Unknown,
    };
    evidence.push(ev(
        format!("{}.outcome", reaction.path),
        reaction
            .outcome
            .map_or("not given".to_owned(), |o| kebab(&o)),
    ));
    if !reaction.treatment.is_empty() {
        evidence.push(ev(
            format!("{}.treatment", reaction.path),
            reaction.treatment.join(", "),
        ));
    }
    classify_dechallenge(
        action,
        course,
        !reaction.treatment.is_empty(),
        false,
        evidence,
    )
}

fn classify_dechallenge(
    action: ActionTaken,
    course: Course,
    treated: bool,
    tolerance: bool,
    evidence: Vec<Evidence>,
) -> Finding {
    let act = kebab(&action);
    match (action, course) {
        (_, Course::Unknown) => finding(
            "unknown",
            format!("drug {act}; what happened to the reaction afterwards is not known"),
            evidence,
        ),
        (ActionTaken::Withdrawn | ActionTaken::DoseReduced, Course::Improved) if treated => {
            finding(
                "improved-under-treatment",
                format!(
                    "drug {act} and the reaction improved while a specific treatment was given; counted as improvement, weaker evidence"
                ),
                evidence,
            )
        }
        (ActionTaken::Withdrawn | ActionTaken::DoseReduced, Course::Improved) => finding(
            "improved",
            format!("drug {act} and the reaction improved"),
            evidence,
        ),
        (ActionTaken::Withdrawn | ActionTaken::DoseReduced, Course::NotImproved) => finding(
            "not-improved",
            format!("drug {act} but the reaction did not improve"),
            evidence,
        ),
        (ActionTaken::DoseNotChanged | ActionTaken::DoseIncreased, Course::Improved)
            if tolerance =>
        {
            finding(
                "not-withdrawn-tolerance",
                format!("drug {act}; the reaction improved through tolerance"),
                evidence,
            )
        }
        (ActionTaken::DoseNotChanged | ActionTaken::DoseIncreased, Course::Improved) if treated => {
            finding(
                "not-withdrawn-treated",
                format!("drug {act}; the reaction improved under treatment"),
                evidence,
            )
        }
        (ActionTaken::DoseNotChanged | ActionTaken::DoseIncreased, Course::Improved) => finding(
            "not-withdrawn-improved",
            format!("drug {act}, yet the reaction improved"),
            evidence,
        ),
        (ActionTaken::DoseNotChanged | ActionTaken::DoseIncreased, Course::NotImproved) => finding(
            "not-withdrawn-not-improved",
            format!("drug {act} and the reaction did not improve"),
            evidence,
        ),
        (ActionTaken::Unknown | ActionTaken::NotApplicable, _) => finding(
            "unknown",
            format!("action taken with the drug: {act}"),
            evidence,
        ),
    }
}

fn rechallenge(pair: &Pair) -> Finding {
    let case = pair.case;
    let episodes: Vec<_> = case
        .rechallenges
        .iter()
        .filter(|r| r.drug == pair.drug)
        .collect();
    if episodes.is_empty() {
        return finding("not-done", "the drug was not given again", vec![]);
    }
    let mut evidence = Vec::new();
    for r in &episodes {
        evidence.push(ev(format!("{}.kind", r.path), kebab(&r.kind)));
        if !r.premedication.is_empty() {
            evidence.push(ev(
                format!("{}.premedication", r.path),
                r.premedication.join(", "),
            ));
        }
        for s in &r.steps {
            if s.outcome == StepOutcome::Recurrence && s.reaction == Some(pair.reaction) {
                evidence.push(ev(format!("{}.outcome", s.path), step_text(s)));
                let masked = matches!(
                    r.kind,
                    crate::case::RechallengeKind::Desensitization
                        | crate::case::RechallengeKind::Graded
                ) || !r.premedication.is_empty();
                let note = if masked {
                    " despite graded doses or premedication, which work against recurrence"
                } else {
                    ""
                };
                return finding(
                    "positive",
                    format!(
                        "the reaction came back on re-exposure ({}){note}",
                        kebab(&r.kind)
                    ),
                    evidence,
                );
            }
        }
    }
    let steps: Vec<_> = episodes.iter().flat_map(|r| r.steps.iter()).collect();
    if steps.is_empty() || steps.iter().any(|s| s.outcome == StepOutcome::Unknown) {
        return finding(
            "unknown",
            "the drug was given again but what happened is not recorded",
            evidence,
        );
    }
    let masked = episodes.iter().any(|r| {
        matches!(
            r.kind,
            crate::case::RechallengeKind::Desensitization | crate::case::RechallengeKind::Graded
        ) || !r.premedication.is_empty()
    });
    if masked {
        finding(
            "not-interpretable",
            "the drug was tolerated, but only under desensitization or premedication, which can induce temporary tolerance",
            evidence,
        )
    } else {
        finding(
            "negative",
            "the drug was given again and the reaction did not come back",
            evidence,
        )
    }
}

fn step_text(s: &crate::case::Step) -> String {
    let mut t = String::from("recurrence");
    if let Some(d) = s.day {
        t.push_str(&if d.min == d.max {
            format!(" on day {}", d.min)
        } else {
            format!(" on days {}-{}", d.min, d.max)
        });
    }
    if let Some(d) = &s.dose {
        t.push_str(&format!(" at {}", d.text));
    }
    if let Some(desc) = &s.description {
        t.push_str(&format!(": {desc}"));
    }
    t
}

fn alternative_causes(pair: &Pair) -> Finding {
    let case = pair.case;
    let reaction = &case.reactions[pair.reaction];
    let phenotype = pair.phenotype();
    let mut candidates: Vec<(Plausibility, String, Evidence)> = Vec::new();
    let stated: Vec<_> = case
        .alternative_causes
        .iter()
        .filter(|a| a.reaction == pair.reaction)
        .collect();
    for a in &stated {
        let mut value = format!("{}: {}", a.cause, kebab(&a.plausibility));
        if !a.evidence_against.is_empty() {
            value.push_str(&format!(" (against: {})", a.evidence_against.join("; ")));
        }
        if !a.evidence_for.is_empty() {
            value.push_str(&format!(" (for: {})", a.evidence_for.join("; ")));
        }
        candidates.push((a.plausibility, a.cause.clone(), ev(&a.path, value)));
    }
    if let Some(ph) = phenotype {
        for (i, c) in case.patient.conditions.iter().enumerate() {
            if stated
                .iter()
                .any(|a| a.refers_to == Some(CaseItem::Condition(i)))
            {
                continue;
            }
            let Some(disease) = pair.kb.disease(&c.name) else {
                continue;
            };
            for cause in disease.causes.iter().filter(|x| x.phenotype == ph.id) {
                let (p, matched) = cause.plausibility_for(c.subtype.as_deref());
                let why = match matched {
                    Some(m) => format!(
                        "{} ({}) can cause {}: {} for subtype `{m}` ({})",
                        c.name,
                        c.subtype.as_deref().unwrap_or(""),
                        ph.id,
                        kebab(&p),
                        cause.source
                    ),
                    None => format!(
                        "{} can cause {}: {} ({})",
                        c.name,
                        ph.id,
                        kebab(&p),
                        cause.source
                    ),
                };
                candidates.push((
                    p,
                    c.name.clone(),
                    ev(format!("{} + {}", c.path, cause.origin), why),
                ));
            }
        }
        for (i, d) in case.drugs.iter().enumerate() {
            if i == pair.drug || d.role != Role::Concomitant || !case.is_known(d.known) {
                continue;
            }
            if stated
                .iter()
                .any(|a| a.refers_to == Some(CaseItem::Drug(i)))
            {
                continue;
            }
            let Some(kd) = pair.kb.drug(&d.name).or_else(|| pair.kb.drug(&d.id)) else {
                continue;
            };
            if let Some(n) = pair.kb.notoriety(&kd.id, &ph.id) {
                candidates.push((
                    n.plausibility,
                    d.name.clone(),
                    ev(
                        format!("{} + {}", d.path, n.origin),
                        format!(
                            "concomitant {} is known to cause {}: {} ({})",
                            d.name,
                            ph.id,
                            kebab(&n.plausibility),
                            n.source
                        ),
                    ),
                ));
            }
        }
    }
    if candidates.is_empty() {
        let why = if phenotype.is_none() {
            format!(
                "no alternative cause is recorded, and `{}` matches no phenotype in the knowledge base to look causes up",
                reaction.term
            )
        } else {
            "no alternative cause is recorded in the case or known in the knowledge base for this patient".to_owned()
        };
        return finding("none-identified", why, vec![]);
    }
    let evidence = candidates.iter().map(|c| c.2.clone()).collect();
    let strongest = candidates.iter().map(|c| c.0).max().expect("non-empty");
    let names: Vec<String> = candidates
        .iter()
        .filter(|c| c.0 == strongest)
        .map(|c| c.1.clone())
        .collect();
    let outcome = match strongest {
        Plausibility::Excluded => "excluded",
        Plausibility::LessPlausible => "less-plausible",
        Plausibility::EquallyPlausible => "equally-plausible",
        Plausibility::MorePlausible => "more-plausible",
    };
    let reasoning = if strongest == Plausibility::Excluded {
        format!(
            "every alternative considered was excluded: {}",
            names.join(", ")
        )
    } else {
        format!("strongest alternative: {} ({})", names.join(", "), outcome)
    };
    finding(outcome, reasoning, evidence)
}

fn previous_knowledge(pair: &Pair) -> Finding {
    let drug = &pair.case.drugs[pair.drug];
    let Some(kd) = pair.kb_drug_id() else {
        return finding(
            "unknown",
            format!("`{}` is not in the knowledge base", drug.name),
            vec![ev(format!("{}.name", drug.path), &drug.name)],
        );
    };
    let Some(ph) = pair.phenotype() else {
        let r = &pair.case.reactions[pair.reaction];
        return finding(
            "unknown",
            format!(
                "the term `{}` matches no phenotype in the knowledge base",
                r.term
            ),
            vec![ev(format!("{}.term", r.path), &r.term)],
        );
    };
    match pair.kb.knowledge(kd, &ph.id) {
        Some(k) => {
            let outcome = match k.listedness {
                Listedness::Labelled => "labelled",
                Listedness::Reported => "reported",
                Listedness::Unknown => "unknown",
                Listedness::Against => "against",
            };
            let mut value = format!("{kd} / {}: {outcome}", ph.id);
            if let Some(f) = &k.frequency {
                value.push_str(&format!(", {f}"));
            }
            value.push_str(&format!(" ({})", k.source));
            finding(
                outcome,
                format!("the knowledge base lists {} with {kd} as {outcome}", ph.id),
                vec![ev(&k.origin, value)],
            )
        }
        None => finding(
            "unknown",
            format!("the knowledge base has nothing on {} with {kd}", ph.id),
            vec![],
        ),
    }
}

fn investigations_for<'a>(pair: &Pair<'a>) -> Vec<&'a crate::case::Investigation> {
    pair.case
        .investigations
        .iter()
        .filter(|i| {
            i.reaction.is_none_or(|r| r == pair.reaction) && i.drug.is_none_or(|d| d == pair.drug)
        })
        .collect()
}

fn investigation_ev(i: &crate::case::Investigation) -> Evidence {
    ev(
        &i.path,
        format!("{}: {} (supports {})", i.test, i.result, kebab(&i.supports)),
    )
}

fn objective_evidence(pair: &Pair) -> Finding {
    let found = investigations_for(pair);
    if found.is_empty() {
        return finding("unknown", "no investigation is recorded", vec![]);
    }
    let evidence = found.iter().map(|i| investigation_ev(i)).collect();
    if found.iter().any(|i| i.supports == Supports::Drug) {
        finding(
            "points-at-drug",
            "an investigation points at the drug as the cause",
            evidence,
        )
    } else if found.iter().any(|i| i.supports == Supports::Reaction) {
        finding(
            "confirms-reaction",
            "investigations confirm the reaction but do not point at the drug",
            evidence,
        )
    } else {
        finding(
            "none",
            "no investigation confirms the reaction or points at the drug",
            evidence,
        )
    }
}

fn toxic_drug_level(pair: &Pair) -> Finding {
    let levels: Vec<_> = investigations_for(pair)
        .into_iter()
        .filter(|i| {
            i.kind == Some(crate::case::InvestigationKind::DrugLevel) && i.drug == Some(pair.drug)
        })
        .collect();
    if levels.is_empty() {
        return finding("unknown", "no drug level was measured", vec![]);
    }
    let evidence = levels.iter().map(|i| investigation_ev(i)).collect();
    if levels.iter().any(|i| i.supports == Supports::Drug) {
        finding("yes", "a drug level was in the toxic range", evidence)
    } else {
        finding("no", "drug levels were measured and not toxic", evidence)
    }
}

fn dose_response(pair: &Pair) -> Finding {
    let reduced: Vec<_> = pair
        .case
        .dechallenges
        .iter()
        .filter(|d| {
            d.drug == pair.drug
                && d.reaction == pair.reaction
                && d.action == ActionTaken::DoseReduced
        })
        .collect();
    let evidence: Vec<Evidence> = reduced
        .iter()
        .map(|d| {
            ev(
                format!("{}.outcome", d.path),
                format!("dose reduced, {}", kebab(&d.outcome)),
            )
        })
        .collect();
    if reduced.iter().any(|d| d.outcome == Course::Improved) {
        finding(
            "yes",
            "the reaction lessened when the dose was reduced",
            evidence,
        )
    } else if reduced.iter().any(|d| d.outcome == Course::NotImproved) {
        finding(
            "no",
            "the reaction did not lessen when the dose was reduced",
            evidence,
        )
    } else {
        finding(
            "unknown",
            "no change of dose with a known effect on the reaction is recorded",
            evidence,
        )
    }
}

fn previous_reaction(pair: &Pair) -> Finding {
    let case = pair.case;
    let Some(history) = &case.patient.previous_reactions else {
        return finding(
            "unknown",
            "the patient's history of drug reactions is not given",
            vec![ev("patient.previous_reactions", "not given")],
        );
    };
    let drug = &case.drugs[pair.drug];
    let kd = pair.kb_drug_id();
    let same = |name: &str| {
        crate::kb::normalize(name) == crate::kb::normalize(&drug.name)
            || kd.is_some_and(|k| pair.kb.drug(name).is_some_and(|x| x.id == k))
    };
    if let Some(p) = history.iter().find(|p| same(&p.drug)) {
        return finding(
            "same-drug",
            format!("a previous reaction to {} is recorded", p.drug),
            vec![ev(&p.path, format!("{}: {}", p.drug, p.reaction))],
        );
    }
    if let Some(k) = kd
        && let Some(p) = history.iter().find(|p| {
            pair.kb
                .drug(&p.drug)
                .is_some_and(|x| pair.kb.are_similar(&x.id, k))
        })
    {
        return finding(
            "similar-drug",
            format!(
                "a previous reaction to the similar drug {} is recorded",
                p.drug
            ),
            vec![ev(&p.path, format!("{}: {}", p.drug, p.reaction))],
        );
    }
    let evidence = history
        .iter()
        .map(|p| ev(&p.path, format!("{}: {}", p.drug, p.reaction)))
        .collect::<Vec<_>>();
    let evidence = if evidence.is_empty() {
        vec![ev("patient.previous_reactions", "none")]
    } else {
        evidence
    };
    finding(
        "none",
        "no previous reaction to this drug or a similar one is recorded",
        evidence,
    )
}

fn contributing_factors(pair: &Pair) -> Finding {
    let Some(factors) = &pair.case.contributing_factors else {
        return finding("unknown", "contributing factors are not stated", vec![]);
    };
    let relevant: Vec<_> = factors
        .iter()
        .filter(|f| {
            f.drug.is_none_or(|d| d == pair.drug) && f.reaction.is_none_or(|r| r == pair.reaction)
        })
        .collect();
    if relevant.is_empty() {
        finding(
            "absent",
            "the case states no factor favouring causality",
            vec![ev("contributing_factors", "none")],
        )
    } else {
        let evidence = relevant.iter().map(|f| ev(&f.path, &f.factor)).collect();
        finding(
            "present",
            "factors favouring causality are present",
            evidence,
        )
    }
}

/// The kebab-case name of a case-file value, as the user wrote it.
pub fn kebab<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::from("?"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_names_are_unique_and_every_vocabulary_is_nonempty() {
        let mut names: Vec<_> = FindingId::ALL.iter().map(|f| f.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), FindingId::ALL.len());
        for f in FindingId::ALL {
            assert!(!f.outcomes().is_empty());
            assert_eq!(FindingId::from_name(f.name()), Some(*f));
        }
    }
}
