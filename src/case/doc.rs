//! The case file exactly as written (YAML, or JSON with the same structure).
//!
//! These types mirror the format one to one and do no checking beyond what
//! serde does (unknown fields, wrong types, unknown enum values). Times and
//! references stay as spanned text here; `case::validate` resolves them.

use serde::Deserialize;
use serde_saphyr::Spanned;

pub type Text = Spanned<String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseDoc {
    pub id: Text,
    pub source: Option<String>,
    pub patient: Option<PatientDoc>,
    #[serde(default)]
    pub drugs: Vec<Spanned<DrugDoc>>,
    #[serde(default)]
    pub reactions: Vec<Spanned<ReactionDoc>>,
    #[serde(default)]
    pub investigations: Vec<Spanned<InvestigationDoc>>,
    #[serde(default)]
    pub dechallenges: Vec<Spanned<DechallengeDoc>>,
    #[serde(default)]
    pub rechallenges: Vec<Spanned<RechallengeDoc>>,
    #[serde(default)]
    pub alternative_causes: Vec<Spanned<AlternativeCauseDoc>>,
    pub contributing_factors: Option<Vec<Spanned<FactorDoc>>>,
    #[serde(default)]
    pub assessor_answers: Vec<Spanned<AssessorAnswerDoc>>,
    /// Relatedness assessments the source report already holds (E2B
    /// G.k.9.i.2.r), kept verbatim and shown beside ours, never scored.
    #[serde(default)]
    pub reported_assessments: Vec<Spanned<ReportedAssessmentDoc>>,
    /// Notes a reader must see, such as the assumptions an importer made.
    #[serde(default)]
    pub notes: Vec<String>,
    /// What the source report says of itself: its type, ids, narrative and comments.
    pub report: Option<ReportDoc>,
    /// The assessor's own final conclusion on the case, signed and dated.
    pub conclusion: Option<Spanned<ConclusionDoc>>,
}

/// The type of a report (E2B(R3) C.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportType {
    Spontaneous,
    /// A report from a study.
    Study,
    Other,
    /// Not available to the sender.
    NotAvailable,
}

/// What the source report says of itself, kept to show beside the assessment.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportDoc {
    #[serde(rename = "type")]
    pub kind: Option<ReportType>,
    /// The worldwide unique case id (E2B C.1.8.1).
    pub worldwide_id: Option<String>,
    /// The case narrative (E2B H.1).
    pub narrative: Option<String>,
    /// The reporter's comments (E2B H.2).
    pub reporter_comments: Option<String>,
    /// The sender's diagnosis or syndrome (E2B H.3).
    pub sender_diagnosis: Option<String>,
    /// The sender's comments (E2B H.4).
    pub sender_comments: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConclusionDoc {
    /// The conclusion in the assessor's words.
    pub text: Text,
    pub assessor: Text,
    /// The day it was signed, a date.
    pub date: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportedAssessmentDoc {
    /// The drug assessed; absent when the report does not say.
    pub drug: Option<Text>,
    pub reaction: Option<Text>,
    /// Who assessed: "PHARMACEUTICAL COMPANY", "Reporter".
    pub source: Option<String>,
    pub method: Option<String>,
    /// The result as written: "Not Suspected", "Highly related".
    pub result: Text,
    pub source_ref: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatientDoc {
    pub age: Option<Spanned<f64>>,
    pub sex: Option<Sex>,
    /// Body weight in kilograms.
    pub weight: Option<Spanned<f64>>,
    #[serde(default)]
    pub conditions: Vec<Spanned<ConditionDoc>>,
    pub renal_impairment: Option<Impairment>,
    pub hepatic_impairment: Option<Impairment>,
    /// Absent: not known. Empty list: known to have none.
    pub previous_reactions: Option<Vec<Spanned<PreviousReactionDoc>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sex {
    Female,
    Male,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Impairment {
    None,
    Mild,
    Moderate,
    Severe,
    Unknown,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionDoc {
    pub id: Option<Text>,
    pub name: Text,
    pub subtype: Option<String>,
    pub onset: Option<Text>,
    pub end: Option<Text>,
    pub known_since: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviousReactionDoc {
    pub drug: Text,
    pub reaction: Text,
    pub date: Option<Text>,
    pub known_since: Option<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Suspect,
    Concomitant,
    Interacting,
    NotAdministered,
}

/// What was done with the drug because of the reaction (E2B(R3) G.k.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionTaken {
    Withdrawn,
    DoseReduced,
    DoseIncreased,
    DoseNotChanged,
    Unknown,
    NotApplicable,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrugDoc {
    pub id: Text,
    pub name: Text,
    pub role: Role,
    pub indication: Option<String>,
    #[serde(default)]
    pub exposures: Vec<Spanned<ExposureDoc>>,
    pub action_taken: Option<ActionTaken>,
    /// The drug cannot be stopped (no alternative), so withdrawal cannot be assessed.
    #[serde(default)]
    pub cannot_be_stopped: bool,
    /// Exposures to the drug before the one under assessment, dated or not.
    #[serde(default)]
    pub earlier_exposures: Vec<Spanned<EarlierExposureDoc>>,
    /// Where the drug came from in an imported file (a JSON pointer, an E2B element path).
    pub source_ref: Option<String>,
    pub known_since: Option<Text>,
}

/// What an earlier exposure to the drug did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EarlierOutcome {
    /// Taken without a reaction.
    Tolerated,
    /// Taken, and a reaction followed (`reaction` names it).
    Reaction,
    Unknown,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlierExposureDoc {
    pub id: Option<Text>,
    /// When it was taken, in any form a time takes; absent when not known.
    pub when: Option<Text>,
    pub outcome: EarlierOutcome,
    /// The reaction it caused, as written, for `outcome: reaction`.
    pub reaction: Option<Text>,
    pub known_since: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExposureDoc {
    pub id: Option<Text>,
    pub start: Option<Text>,
    pub stop: Option<Text>,
    /// One administration: the stop is the start.
    #[serde(default)]
    pub single_dose: Option<Spanned<bool>>,
    pub dose: Option<Text>,
    pub route: Option<String>,
    pub regimen: Option<Text>,
    pub known_since: Option<Text>,
}

/// Outcome of the reaction (E2B(R3) E.i.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReactionOutcome {
    Recovered,
    Recovering,
    NotRecovered,
    RecoveredWithSequelae,
    Fatal,
    Unknown,
}

/// ICH seriousness criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Seriousness {
    Death,
    LifeThreatening,
    Hospitalization,
    Disability,
    CongenitalAnomaly,
    OtherMedicallyImportant,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReactionDoc {
    pub id: Text,
    pub term: Text,
    /// Knowledge-base phenotype id; when absent the term is matched by name and synonyms.
    pub phenotype: Option<Text>,
    pub meddra_code: Option<String>,
    pub onset: Option<Text>,
    pub end: Option<Text>,
    pub outcome: Option<ReactionOutcome>,
    /// CTCAE grade, 1 (mild) to 5 (death).
    pub severity_grade: Option<Spanned<u8>>,
    /// For an immediate reaction: its grade on Brown's scale.
    pub brown_grade: Option<BrownGrade>,
    #[serde(default)]
    pub seriousness: Vec<Seriousness>,
    #[serde(default)]
    pub treatment: Vec<String>,
    /// Where the reaction came from in an imported file.
    pub source_ref: Option<String>,
    pub known_since: Option<Text>,
}

/// What an investigation's result says about causality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Supports {
    /// Points at the drug as the cause: drug level, positive patch, provocation or lymphocyte transformation test.
    Drug,
    /// Only confirms the reaction itself: a biopsy showing vasculitis, eosinophilia.
    Reaction,
    /// Points at an alternative cause.
    Alternative,
    /// Argues against an alternative cause (negative serology, negative cultures).
    AgainstAlternative,
    /// Uninformative.
    Nothing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InvestigationKind {
    DrugLevel,
    AllergyTest,
    Biopsy,
    Laboratory,
    Imaging,
    Other,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvestigationDoc {
    pub test: Text,
    pub result: String,
    pub kind: Option<InvestigationKind>,
    pub supports: Supports,
    pub reaction: Option<Text>,
    pub drug: Option<Text>,
    pub date: Option<Text>,
    pub known_since: Option<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Course {
    Improved,
    NotImproved,
    Unknown,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DechallengeDoc {
    pub drug: Text,
    pub reaction: Text,
    pub action: ActionTaken,
    pub date: Option<Text>,
    pub outcome: Course,
    /// Specific treatment given for the reaction meanwhile (corticosteroids, antihistamines).
    #[serde(default)]
    pub treatment: Vec<String>,
    /// The reaction improved while the drug continued because the patient adapted to it.
    #[serde(default)]
    pub tolerance: bool,
    pub known_since: Option<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RechallengeKind {
    FullDose,
    Accidental,
    Graded,
    Desensitization,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepOutcome {
    Tolerated,
    /// The reaction under assessment came back.
    Recurrence,
    /// Some other reaction appeared.
    OtherReaction,
    Unknown,
}

/// The grade of an immediate (anaphylactic) reaction: Brown SG, Clinical
/// features and severity grading of anaphylaxis, J Allergy Clin Immunol
/// 2004;114:371-376.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BrownGrade {
    /// Skin and subcutaneous tissues only.
    Mild,
    /// Respiratory, cardiovascular or gastrointestinal involvement.
    Moderate,
    /// Hypoxia, hypotension or neurological compromise.
    Severe,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RechallengeDoc {
    pub id: Option<Text>,
    pub drug: Text,
    pub kind: RechallengeKind,
    pub start: Option<Text>,
    pub end: Option<Text>,
    #[serde(default)]
    pub premedication: Vec<String>,
    /// Other suspect drugs restarted together with this one.
    #[serde(default)]
    pub with_drugs: Vec<Text>,
    #[serde(default)]
    pub steps: Vec<Spanned<StepDoc>>,
    /// For a desensitization: the dose it aimed at.
    pub target_dose: Option<Text>,
    /// How the episode went, in words.
    pub description: Option<String>,
    pub known_since: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepDoc {
    /// Day of the episode, `4` or `4-10`; day 1 is the episode's start.
    pub day: Option<Text>,
    pub dose: Option<Text>,
    pub outcome: StepOutcome,
    /// For a recurrence: the reaction that came back.
    pub reaction: Option<Text>,
    /// The premedication from this step on, when it changed; the episode's otherwise.
    pub premedication: Option<Vec<String>>,
    /// For a reaction at this step: its CTCAE grade, 1 to 5.
    pub severity_grade: Option<Spanned<u8>>,
    /// For an immediate reaction at this step: its grade on Brown's scale.
    pub brown_grade: Option<BrownGrade>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Plausibility {
    Excluded,
    LessPlausible,
    EquallyPlausible,
    MorePlausible,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlternativeCauseDoc {
    pub cause: Text,
    /// The condition or drug of this case that the cause is, if any.
    pub refers_to: Option<Text>,
    pub reaction: Text,
    pub plausibility: Plausibility,
    #[serde(default)]
    pub evidence_for: Vec<String>,
    #[serde(default)]
    pub evidence_against: Vec<String>,
    pub known_since: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactorDoc {
    pub factor: Text,
    pub drug: Option<Text>,
    pub reaction: Option<Text>,
    pub known_since: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessorAnswerDoc {
    pub method: Text,
    pub question: Text,
    pub answer: Text,
    pub drug: Option<Text>,
    pub reaction: Option<Text>,
    pub justification: Text,
    pub assessor: Text,
    pub known_since: Option<Text>,
}
