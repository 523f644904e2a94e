//! Knowledge-base files exactly as written under `rules/kb/`.

use crate::case::Plausibility;
use serde::Deserialize;
use serde_saphyr::Spanned;

pub type Text = Spanned<String>;

/// One file under `rules/kb/`. Every section is optional, so knowledge can be
/// split across files as suits the people keeping it (one file per drug, say).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KbFileDoc {
    #[serde(default)]
    pub drugs: Vec<Spanned<DrugDoc>>,
    #[serde(default)]
    pub phenotypes: Vec<Spanned<PhenotypeDoc>>,
    #[serde(default)]
    pub knowledge: Vec<Spanned<KnowledgeEntryDoc>>,
    /// Diseases and the phenotypes they can cause themselves.
    #[serde(default)]
    pub diseases: Vec<Spanned<DiseaseDoc>>,
    /// Drugs' own notoriety for phenotypes, when they appear as alternative causes.
    #[serde(default)]
    pub notoriety: Vec<Spanned<NotorietyDoc>>,
    /// Treatments of reactions: whether they can resolve a reaction themselves.
    #[serde(default)]
    pub treatments: Vec<Spanned<TreatmentDoc>>,
    /// Reported terms that are not adverse reactions (product-use issues,
    /// medication errors, lack of effect): reported, never scored.
    #[serde(default)]
    pub not_reactions: Vec<Spanned<NotReactionDoc>>,
    /// Named groups of drugs (a pharmacological class, or a class a risk
    /// publication names) whose notoriety, knowledge and similarity apply to
    /// every member.
    #[serde(default)]
    pub classes: Vec<Spanned<ClassDoc>>,
    pub settings: Option<SettingsDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassDoc {
    pub id: Text,
    /// How publications name the class; the first is shown in reports.
    pub names: Vec<String>,
    /// WHO ATC codes of the group, where it is one.
    #[serde(default)]
    pub atc: Vec<String>,
    /// Ids of the knowledge-base drugs in the class.
    pub members: Vec<Text>,
    /// `true` when members count as similar drugs of one another
    /// (cross-reactivity), for a previous reaction to a similar drug.
    #[serde(default)]
    pub similar: bool,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotReactionDoc {
    pub id: Text,
    /// What the terms report instead of a reaction, as a report says it: "a product-use issue".
    pub kind: String,
    /// Terms matched case-insensitively against a reaction's whole term.
    pub names: Vec<String>,
    /// MedDRA codes, matched when a report gives one.
    #[serde(default)]
    pub meddra_codes: Vec<String>,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TreatmentDoc {
    pub id: Text,
    /// Names matched, case-insensitively, as words within a treatment as written.
    pub names: Vec<String>,
    /// `true` for treatments that can make a reaction improve by themselves
    /// (corticosteroids); `false` for symptomatic ones (antihistamines, emollients).
    pub specific: bool,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrugDoc {
    pub id: Text,
    /// Generic names and synonyms; the first is the preferred name.
    pub names: Vec<String>,
    #[serde(default)]
    pub brand_names: Vec<String>,
    pub class: Option<String>,
    /// Ids of drugs that count as "similar" (same class, cross-reactivity).
    #[serde(default)]
    pub similar: Vec<Text>,
    pub half_life_hours: Option<f64>,
    #[serde(default)]
    pub usual_regimens: Vec<String>,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhenotypeDoc {
    pub id: Text,
    pub names: Vec<String>,
    #[serde(default)]
    pub meddra_codes: Vec<String>,
    pub latency: Option<LatencyDoc>,
    pub mechanism: Option<String>,
    #[serde(default)]
    pub scar: bool,
    /// Re-exposure (rechallenge, desensitization) is contraindicated after this
    /// reaction; defaults to `scar`.
    pub contraindicates_reexposure: Option<bool>,
    pub source: String,
}

/// Time-to-onset windows in days from the first dose.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatencyDoc {
    /// The interval usually seen: an onset inside it is "compatible".
    pub typical: Spanned<[i64; 2]>,
    /// The widest interval still seen: inside it but outside `typical` is
    /// "compatible but not coherent"; outside it is "incompatible".
    pub plausible: Spanned<[i64; 2]>,
    /// Windows for a patient already sensitized (a previous reaction of this
    /// kind to the same or a similar drug), usually much shorter.
    pub reexposure: Option<WindowsDoc>,
    /// What the windows count from for a cyclic regimen: the first dose of the
    /// course (default) or the first day of the cycle the reaction began in.
    #[serde(default)]
    pub from: LatencyFrom,
}

/// Where a latency window counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LatencyFrom {
    /// The first dose of the course.
    #[default]
    FirstDose,
    /// The first day of the current cycle of a cyclic regimen (the first dose otherwise).
    CycleStart,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowsDoc {
    pub typical: Spanned<[i64; 2]>,
    pub plausible: Spanned<[i64; 2]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Listedness {
    /// In the label or standard reference texts.
    Labelled,
    /// Known from published case reports only.
    Reported,
    Unknown,
    /// Evidence against an association.
    Against,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeEntryDoc {
    /// The drug, or else the class (`class:`) the entry is about.
    pub drug: Option<Text>,
    pub class: Option<Text>,
    pub phenotype: Text,
    pub listedness: Listedness,
    pub frequency: Option<String>,
    /// Latency windows published for this drug and reaction, used instead of
    /// the phenotype's generic ones; `source` cites them.
    pub latency: Option<LatencyDoc>,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiseaseDoc {
    pub id: Text,
    pub names: Vec<String>,
    pub causes: Vec<Spanned<DiseaseCauseDoc>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiseaseCauseDoc {
    pub phenotype: Text,
    pub plausibility: Plausibility,
    /// A different plausibility when the condition's subtype contains this text.
    #[serde(default)]
    pub subtypes: Vec<SubtypeDoc>,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubtypeDoc {
    pub contains: String,
    pub plausibility: Plausibility,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotorietyDoc {
    /// The drug, or else the class (`class:`) the entry is about.
    pub drug: Option<Text>,
    pub class: Option<Text>,
    pub phenotype: Text,
    pub plausibility: Plausibility,
    /// The drug's risk class for the phenotype in epidemiological studies, where
    /// one is known (ALDEN's notoriety criterion).
    pub risk: Option<Risk>,
    pub source: String,
}

/// A drug's risk class for a phenotype (ALDEN criterion 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Risk {
    /// On a high-risk list from case-control studies.
    High,
    /// Definite but lower risk.
    Associated,
    /// Several reports, ambiguous epidemiology.
    Suspected,
    /// No association in an adequate epidemiological study.
    NotSuspected,
}

/// Pharmacokinetic settings used by findings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsDoc {
    /// A drug stopped this many elimination half-lives before onset is gone from the body.
    pub elimination_half_lives: Option<Spanned<f64>>,
    /// How time to onset is read for a reaction whose phenotype has no
    /// latency window, or that matches no phenotype.
    pub generic_time_to_onset: Option<Spanned<GenericTimeDoc>>,
}

/// The generic reading of time to onset: an onset from the first dose until
/// the drug is gone from the body (the set number of half-lives after the last
/// dose) gives `answer`; an onset before the first dose is incompatible; any
/// other onset is unknown.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenericTimeDoc {
    pub answer: GenericAnswer,
    pub source: String,
}

/// What an onset while the drug is present answers under the generic reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GenericAnswer {
    Compatible,
    CompatibleNotCoherent,
}
