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

mod challenge;
mod exposure;
mod generic;
mod history;
mod knowledge;
mod latency;
mod rechallenge;
mod timing;

use crate::case::Case;
use crate::kb::{KnowledgeBase, Phenotype};
use serde::Serialize;

/// A fact a finding used, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// A path into the case file (`reactions[0].onset`) or a place in the
    /// knowledge base (`rules/kb/imids.yaml:12`).
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
    /// The policy switches whose value this outcome depended on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<&'static str>,
    /// When the facts allow several outcomes (a latency straddling a window's
    /// edge), each of them, and the outcome is `cannot-tell`: the rule file
    /// says which reading a method takes when they lead to different answers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub possible: Vec<&'static str>,
}

impl Finding {
    /// The same finding, open between several outcomes the facts all allow.
    /// With one outcome it is simply that outcome.
    pub(crate) fn one_of(mut self, possible: Vec<&'static str>) -> Finding {
        if let [only] = possible[..] {
            self.outcome = only;
        } else {
            self.outcome = "cannot-tell";
            self.possible = possible;
        }
        self
    }

    /// Records that the outcome depended on a policy switch.
    pub(crate) fn under(mut self, switch: &'static str) -> Finding {
        if !self.policies.contains(&switch) {
            self.policies.push(switch);
        }
        self
    }
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
    Rechallenge = "rechallenge": ["positive", "positive-with-co-suspects", "negative", "not-interpretable", "not-done", "unknown"],
    AlternativeCauses = "alternative-causes": ["excluded", "none-identified", "less-plausible", "equally-plausible", "more-plausible"],
    UnderlyingDisease = "underlying-disease": ["excluded", "none-identified", "less-plausible", "equally-plausible", "more-plausible"],
    PreviousKnowledge = "previous-knowledge": ["labelled", "reported", "unknown", "against"],
    ObjectiveEvidence = "objective-evidence": ["points-at-drug", "confirms-reaction", "none", "unknown"],
    ToxicDrugLevel = "toxic-drug-level": ["yes", "no", "unknown"],
    DoseResponse = "dose-response": ["yes", "no", "unknown"],
    PreviousReaction = "previous-reaction": ["same-drug", "similar-drug", "none", "unknown"],
    ContributingFactors = "contributing-factors": ["present", "absent", "unknown"],
    WithdrawalAssessable = "withdrawal-assessable": ["assessable", "intermittent-therapy", "single-administration", "cannot-be-stopped", "unknown"],
    LastingHarm = "lasting-harm": ["yes", "no", "unknown"],
    DelayClass = "delay-class": ["suggestive", "compatible", "likely", "unlikely", "excluded", "cannot-tell", "unknown"],
    DrugPresence = "drug-presence": ["definite", "doubtful", "excluded", "cannot-tell", "unknown"],
    Prechallenge = "prechallenge": [
        "same-reaction-same-drug", "same-reaction-similar-drug", "other-reaction-same-drug",
        "other-reaction-similar-drug", "none", "tolerated",
    ],
    DrugContinued = "drug-continued": ["continued-without-harm", "stopped", "unknown"],
    Notoriety = "notoriety": ["high", "associated", "suspected", "unknown", "not-suspected"],
}

impl FindingId {
    /// Whether an outcome says the case holds no information on the question
    /// (what an information count reports as unknown).
    pub fn no_information(self, outcome: &str) -> bool {
        match self {
            FindingId::AlternativeCauses | FindingId::UnderlyingDisease => {
                outcome == "none-identified"
            }
            FindingId::Rechallenge => matches!(outcome, "not-done" | "unknown"),
            FindingId::Prechallenge => outcome == "none",
            _ => matches!(outcome, "unknown" | "cannot-tell"),
        }
    }

    /// Whether the finding answers from the knowledge base rather than the case.
    pub fn from_knowledge(self) -> bool {
        matches!(self, FindingId::PreviousKnowledge | FindingId::Notoriety)
    }

    /// An outcome's place in the finding's vocabulary (0 for a name not in it,
    /// which validation rules out).
    pub fn outcome_index(self, outcome: &str) -> usize {
        self.outcomes()
            .iter()
            .position(|o| *o == outcome)
            .unwrap_or(0)
    }

    pub fn from_name(name: &str) -> Option<FindingId> {
        FindingId::ALL.iter().copied().find(|f| f.name() == name)
    }
}

/// The knowledge-base phenotype of a reaction: the one it names, or the one
/// its term (or MedDRA code) matches.
pub fn phenotype_of<'a>(kb: &'a KnowledgeBase, r: &crate::case::Reaction) -> Option<&'a Phenotype> {
    match &r.phenotype {
        Some(id) => kb.phenotype_by_id(id),
        None => kb.phenotype_for_term(&r.term, r.meddra_code.as_deref()),
    }
}

/// One drug–event pair of a case, with what the knowledge base knows of both.
/// Built by [`Pair::new`], which looks up the reaction's phenotype and the
/// drug's knowledge-base entry once: findings ask for them again and again.
#[derive(Debug, Clone, Copy)]
pub struct Pair<'a> {
    pub case: &'a Case,
    pub kb: &'a KnowledgeBase,
    pub drug: usize,
    pub reaction: usize,
    pub policy: &'a crate::policy::Policy,
    /// [`phenotype_of`] the reaction.
    phenotype: Option<&'a Phenotype>,
    /// The drug's knowledge-base entry, by name or else by id.
    kb_drug: Option<&'a crate::kb::KbDrug>,
    /// Whether findings write their reasoning and evidence; the lean results
    /// ([`crate::eval::rows`]) need outcomes only.
    traced: bool,
    /// [`Pair::exposure_at_onset`], found once.
    at_onset: Option<&'a crate::case::Exposure>,
    /// What the knowledge base knows of this drug and reaction, found once.
    knowledge: Option<&'a crate::kb::Knowledge>,
    /// The row of the user's listedness table for this drug and reaction, if any.
    listed: Option<&'a crate::kb::listedness::ListedRow>,
}

/// Reasoning text, written only for a traced pair ([`Pair::traced`]).
macro_rules! said {
    ($pair:expr, $($arg:tt)*) => {
        if $pair.traced() { format!($($arg)*) } else { String::new() }
    };
}
pub(crate) use said;

/// A finding whose reasoning and evidence are evaluated only for a traced
/// pair ([`Pair::traced`]); an untraced pair gets its outcome alone.
macro_rules! found {
    ($pair:expr, $outcome:expr, $reasoning:expr, $evidence:expr $(,)?) => {
        if $pair.traced() {
            $crate::findings::finding($outcome, $reasoning, $evidence)
        } else {
            $crate::findings::finding($outcome, String::new(), Vec::new())
        }
    };
}
pub(crate) use found;

impl<'a> Pair<'a> {
    pub fn new(
        case: &'a Case,
        kb: &'a KnowledgeBase,
        drug: usize,
        reaction: usize,
        policy: &'a crate::policy::Policy,
    ) -> Pair<'a> {
        let d = &case.drugs[drug];
        let phenotype = phenotype_of(kb, &case.reactions[reaction]);
        let kb_drug = kb.drug(&d.name).or_else(|| kb.drug(&d.id));
        let r = &case.reactions[reaction];
        let listed = kb.listedness.as_ref().and_then(|t| {
            let names = [d.name.as_str(), d.id.as_str()];
            t.row_for(
                &names,
                kb_drug.map(|k| k.id.as_str()),
                &r.term,
                r.meddra_code.as_deref(),
                phenotype.map(|p| p.id.as_str()),
            )
        });
        Pair {
            listed,
            case,
            kb,
            drug,
            reaction,
            policy,
            phenotype,
            kb_drug,
            traced: true,
            at_onset: exposure_at_onset(case, drug, reaction),
            knowledge: kb_drug
                .zip(phenotype)
                .and_then(|(k, p)| kb.knowledge(&k.id, &p.id)),
        }
    }

    /// The same pair for findings that give their outcome without reasoning
    /// or evidence. Outcomes never depend on those texts.
    pub fn untraced(self) -> Pair<'a> {
        Pair {
            traced: false,
            ..self
        }
    }

    /// Whether findings write reasoning and evidence for this pair.
    pub fn traced(&self) -> bool {
        self.traced
    }

    /// The same pair under another policy.
    pub fn with_policy(&self, policy: &'a crate::policy::Policy) -> Pair<'a> {
        Pair { policy, ..*self }
    }

    pub fn phenotype(&self) -> Option<&'a Phenotype> {
        self.phenotype
    }

    /// The exposure in effect at onset: of those the case's times link to the
    /// onset and that may have started by then, the latest.
    pub fn exposure_at_onset(&self) -> Option<&'a crate::case::Exposure> {
        self.at_onset
    }

    /// The days from `from` to the onset of the pair's reaction, as the case's times bound them.
    pub fn to_onset(&self, from: crate::case::Point) -> crate::time::DaySpan {
        self.case
            .times
            .between(from, self.case.reactions[self.reaction].onset_at)
    }

    /// Whether a drug named elsewhere (a history entry) is this pair's drug: by
    /// name, or as the same knowledge-base drug under another name.
    pub fn is_same_drug(&self, name: &str) -> bool {
        crate::kb::normalizes_to(
            name,
            &crate::kb::normalize(&self.case.drugs[self.drug].name),
        ) || self
            .kb_drug_id()
            .is_some_and(|k| self.kb.drug(name).is_some_and(|x| x.id == k))
    }

    /// Whether a drug named elsewhere is one the knowledge base declares similar to this pair's drug.
    pub fn is_similar_drug(&self, name: &str) -> bool {
        self.similarity(name).is_some()
    }

    /// Why a drug named elsewhere counts as similar to this pair's drug, if it does.
    pub fn similarity(&self, name: &str) -> Option<String> {
        let k = self.kb_drug_id()?;
        let x = self.kb.drug(name)?;
        if x.id == k {
            return None;
        }
        self.kb.similarity(&x.id, k)
    }

    /// The row of the user's listedness table for this drug and reaction, if any.
    pub fn listed(&self) -> Option<&'a crate::kb::listedness::ListedRow> {
        self.listed
    }

    /// The knowledge base's entry for this drug and this reaction's phenotype.
    pub fn knowledge(&self) -> Option<&'a crate::kb::Knowledge> {
        self.knowledge
    }

    /// The drug's knowledge-base entry, if it has one.
    pub fn kb_drug(&self) -> Option<&'a crate::kb::KbDrug> {
        self.kb_drug
    }

    pub fn kb_drug_id(&self) -> Option<&'a str> {
        self.kb_drug.map(|k| k.id.as_str())
    }
}

/// The exposure of `drug` in effect at the onset of `reaction`: of those the
/// case's times link to the onset and that may have started by then, the latest.
fn exposure_at_onset(case: &Case, drug: usize, reaction: usize) -> Option<&crate::case::Exposure> {
    let times = &case.times;
    let onset = case.reactions[reaction].onset_at;
    let exposures = &case.drugs[drug].exposures;
    let may_have_started = |e: &crate::case::Exposure| {
        let s = times.between(e.start_at, onset);
        (s.has_min() || s.has_max()) && s.max >= 0
    };
    if let [only] = &exposures[..] {
        return may_have_started(only).then_some(only);
    }
    let candidates: Vec<&crate::case::Exposure> =
        exposures.iter().filter(|e| may_have_started(e)).collect();
    // Not surely followed by another candidate; the latest known start among those.
    candidates
        .iter()
        .copied()
        .filter(|c| {
            !candidates
                .iter()
                .any(|f| times.between(c.start_at, f.start_at).min > 0)
        })
        .max_by_key(|e| e.start.map(|s| s.earliest))
}

/// Computes one finding for one pair.
pub fn compute(id: FindingId, pair: &Pair) -> Finding {
    match id {
        FindingId::EventAfterDrug => timing::event_after_drug(pair),
        FindingId::TimeToOnset => timing::time_to_onset(pair),
        FindingId::Dechallenge => challenge::dechallenge(pair),
        FindingId::Rechallenge => rechallenge::rechallenge(pair),
        FindingId::AlternativeCauses => history::alternative_causes(pair),
        FindingId::UnderlyingDisease => history::underlying_disease(pair),
        FindingId::PreviousKnowledge => knowledge::previous_knowledge(pair),
        FindingId::ObjectiveEvidence => history::objective_evidence(pair),
        FindingId::ToxicDrugLevel => history::toxic_drug_level(pair),
        FindingId::DoseResponse => challenge::dose_response(pair),
        FindingId::PreviousReaction => history::previous_reaction(pair),
        FindingId::ContributingFactors => history::contributing_factors(pair),
        FindingId::WithdrawalAssessable => challenge::withdrawal_assessable(pair),
        FindingId::LastingHarm => challenge::lasting_harm(pair),
        FindingId::DelayClass => exposure::delay_class(pair),
        FindingId::DrugPresence => exposure::drug_presence(pair),
        FindingId::Prechallenge => exposure::prechallenge(pair),
        FindingId::DrugContinued => exposure::drug_continued(pair),
        FindingId::Notoriety => knowledge::notoriety(pair),
    }
}

pub(crate) fn finding(
    outcome: &'static str,
    reasoning: impl Into<String>,
    evidence: Vec<Evidence>,
) -> Finding {
    Finding {
        outcome,
        reasoning: reasoning.into(),
        evidence,
        policies: Vec::new(),
        possible: Vec::new(),
    }
}

pub(crate) fn ev(source: impl Into<String>, value: impl ToString) -> Evidence {
    Evidence {
        source: source.into(),
        value: value.to_string(),
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
        for (i, f) in FindingId::ALL.iter().enumerate() {
            assert_eq!(*f as usize, i, "findings are numbered in the order of ALL");
            assert!(!f.outcomes().is_empty());
            assert_eq!(FindingId::from_name(f.name()), Some(*f));
        }
    }
}
