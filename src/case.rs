//! Cases: the facts of one report, validated.
//!
//! A case file is read into [`doc::CaseDoc`] (the format as written) and then
//! validated into a [`Case`]: times resolved to [`DayRange`]s, references
//! resolved to indices, every problem collected as a [`Diagnostic`]. A `Case`
//! is what findings read; it never touches the file system again.

mod chronology;
mod describe;
pub mod doc;
mod information;
pub use information::Information;
mod validate;

use crate::diagnostic::{Diagnostics, Pos, SourceFile};
pub use crate::time::network::Point;
use crate::time::{DayRange, DaySpan};
use chrono::NaiveDate;
pub use chronology::{Event, Fact, Says, Times};
pub use describe::Words;
pub use doc::{
    ActionTaken, BrownGrade, Course, EarlierOutcome, Impairment, InvestigationKind, Plausibility,
    ReactionOutcome, RechallengeKind, ReportType, Role, Seriousness, Sex, StepOutcome, Supports,
};
use sha2::{Digest, Sha256};

/// One validated case.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: String,
    pub source: Option<String>,
    /// `sha256:` and the hex digest of the case file's bytes.
    pub digest: String,
    pub patient: Patient,
    pub drugs: Vec<Drug>,
    pub reactions: Vec<Reaction>,
    pub investigations: Vec<Investigation>,
    pub dechallenges: Vec<Dechallenge>,
    pub rechallenges: Vec<Rechallenge>,
    pub alternative_causes: Vec<AlternativeCause>,
    /// `None` when the case says nothing; `Some(empty)` when it says there are none.
    pub contributing_factors: Option<Vec<Factor>>,
    pub assessor_answers: Vec<AssessorAnswer>,
    /// Set when the case is viewed as it stood on a day ([`Case::known_by`]).
    pub as_of: Option<NaiveDate>,
    /// Assessments the source report already holds, verbatim.
    pub reported_assessments: Vec<ReportedAssessment>,
    /// Notes to show in reports (for example the assumptions of an importer).
    pub notes: Vec<String>,
    /// When everything happened, as the whole case implies it: every event
    /// below has points in it, and every time question reads its bounds.
    pub times: Times,
    /// What the source report says of itself.
    pub report: Report,
    /// The assessor's own final conclusion, when the case file gives one.
    pub conclusion: Option<Conclusion>,
}

/// What the source report says of itself: shown in reports, never scored.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    #[serde(rename = "type")]
    pub kind: Option<ReportType>,
    pub worldwide_id: Option<String>,
    pub narrative: Option<String>,
    pub reporter_comments: Option<String>,
    pub sender_diagnosis: Option<String>,
    pub sender_comments: Option<String>,
}

/// The assessor's final conclusion on the case.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Conclusion {
    pub text: String,
    pub assessor: String,
    pub date: Option<DayRange>,
}

/// A relatedness assessment the source report already holds, as written.
#[derive(Debug, Clone)]
pub struct ReportedAssessment {
    pub drug: Option<usize>,
    pub reaction: Option<usize>,
    pub source: Option<String>,
    pub method: Option<String>,
    pub result: String,
    pub source_ref: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Patient {
    pub age: Option<f64>,
    pub sex: Option<Sex>,
    /// Kilograms.
    pub weight: Option<f64>,
    pub conditions: Vec<Condition>,
    pub renal_impairment: Option<Impairment>,
    pub hepatic_impairment: Option<Impairment>,
    pub previous_reactions: Option<Vec<PreviousReaction>>,
}

#[derive(Debug, Clone)]
pub struct Condition {
    pub id: Option<String>,
    pub name: String,
    pub subtype: Option<String>,
    pub onset: Option<DayRange>,
    pub end: Option<DayRange>,
    pub onset_at: Point,
    pub end_at: Point,
    pub path: String,
    pub known: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct PreviousReaction {
    pub drug: String,
    pub reaction: String,
    pub date: Option<DayRange>,
    pub at: Point,
    pub path: String,
    pub known: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct Drug {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub indication: Option<String>,
    pub exposures: Vec<Exposure>,
    pub action_taken: Option<ActionTaken>,
    pub cannot_be_stopped: bool,
    /// Exposures to the drug before the one under assessment, tolerated or not.
    pub earlier: Vec<EarlierExposure>,
    /// The start of its earliest exposure, and the stop of its latest.
    pub start_at: Point,
    pub stop_at: Point,
    pub source_ref: Option<String>,
    pub path: String,
    pub known: Option<NaiveDate>,
}

/// An exposure to the drug before the one under assessment, dated or not.
#[derive(Debug, Clone)]
pub struct EarlierExposure {
    pub id: Option<String>,
    pub at: Point,
    pub date: Option<DayRange>,
    pub outcome: EarlierOutcome,
    /// The reaction it caused, as written, when it caused one.
    pub reaction: Option<String>,
    pub path: String,
    pub known: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct Exposure {
    pub id: Option<String>,
    /// The calendar days of the start and stop, where the case bounds them.
    pub start: Option<DayRange>,
    pub stop: Option<DayRange>,
    pub start_at: Point,
    pub stop_at: Point,
    /// The case says the exposure stopped (a stop is given, or it was a single dose).
    pub stopped: bool,
    pub single_dose: bool,
    pub dose: Option<Dose>,
    pub route: Option<String>,
    pub regimen: Option<Regimen>,
    pub path: String,
    pub known: Option<NaiveDate>,
}

/// A dose as written, with its amount and unit when they can be read ("25 mg").
#[derive(Debug, Clone, PartialEq)]
pub struct Dose {
    pub text: String,
    pub amount: Option<f64>,
    pub unit: Option<String>,
}

impl Dose {
    /// The unit for comparing doses: its first word, in lower case ("mg" for
    /// "mg daily"); `None` when the dose has no unit.
    pub fn unit_key(&self) -> Option<String> {
        self.unit
            .as_deref()
            .and_then(|u| u.split_whitespace().next())
            .map(str::to_lowercase)
    }
}

/// How the drug is given over time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regimen {
    pub text: String,
    /// For cyclic regimens such as "days 1-21 of 28".
    pub cycle: Option<Cycle>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cycle {
    pub first_day: u32,
    pub last_day: u32,
    pub length: u32,
}

#[derive(Debug, Clone)]
pub struct Reaction {
    pub id: String,
    pub term: String,
    pub phenotype: Option<String>,
    pub meddra_code: Option<String>,
    pub onset: Option<DayRange>,
    pub end: Option<DayRange>,
    pub onset_at: Point,
    pub end_at: Point,
    pub outcome: Option<ReactionOutcome>,
    pub severity_grade: Option<u8>,
    pub brown_grade: Option<BrownGrade>,
    pub seriousness: Vec<Seriousness>,
    pub treatment: Vec<String>,
    pub source_ref: Option<String>,
    pub path: String,
    pub phenotype_pos: Pos,
    pub known: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct Investigation {
    pub test: String,
    pub result: String,
    pub kind: Option<InvestigationKind>,
    pub supports: Supports,
    pub reaction: Option<usize>,
    pub drug: Option<usize>,
    pub date: Option<DayRange>,
    pub at: Point,
    pub path: String,
    pub known: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct Dechallenge {
    pub drug: usize,
    pub reaction: usize,
    pub action: ActionTaken,
    pub date: Option<DayRange>,
    pub at: Point,
    pub outcome: Course,
    pub treatment: Vec<String>,
    pub tolerance: bool,
    pub path: String,
    pub known: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct Rechallenge {
    pub id: Option<String>,
    pub drug: usize,
    pub kind: RechallengeKind,
    pub start: Option<DayRange>,
    pub end: Option<DayRange>,
    pub start_at: Point,
    pub end_at: Point,
    pub premedication: Vec<String>,
    pub with_drugs: Vec<usize>,
    pub steps: Vec<Step>,
    /// For a desensitization: the dose it aimed at.
    pub target_dose: Option<Dose>,
    pub description: Option<String>,
    pub path: String,
    pub known: Option<NaiveDate>,
}

impl Rechallenge {
    /// The premedication in force at a step: the latest one a step up to it
    /// gives, or the episode's.
    pub fn premedication_at(&self, step: &Step) -> &[String] {
        let mut current: &[String] = &self.premedication;
        for s in &self.steps {
            if let Some(p) = &s.premedication {
                current = p;
            }
            if std::ptr::eq(s, step) {
                break;
            }
        }
        current
    }
}

#[derive(Debug, Clone)]
pub struct Step {
    /// Day of the episode, day 1 being its start.
    pub day: Option<DaySpan>,
    /// The step's place among the case's times (unbounded when no day is given).
    pub at: Point,
    /// The calendar days of the step, where the case bounds them.
    pub date: Option<DayRange>,
    pub dose: Option<Dose>,
    pub outcome: StepOutcome,
    pub reaction: Option<usize>,
    /// The premedication from this step on, when the case says it changed.
    pub premedication: Option<Vec<String>>,
    /// The CTCAE grade of a reaction at this step.
    pub severity_grade: Option<u8>,
    /// Brown's grade of an immediate reaction at this step.
    pub brown_grade: Option<BrownGrade>,
    pub description: Option<String>,
    pub path: String,
}

/// What an alternative cause is, when it is something else in the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseItem {
    Condition(usize),
    Drug(usize),
}

#[derive(Debug, Clone)]
pub struct AlternativeCause {
    pub cause: String,
    pub refers_to: Option<CaseItem>,
    pub reaction: usize,
    pub plausibility: Plausibility,
    pub evidence_for: Vec<String>,
    pub evidence_against: Vec<String>,
    pub path: String,
    pub known: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct Factor {
    pub factor: String,
    pub drug: Option<usize>,
    pub reaction: Option<usize>,
    pub path: String,
    pub known: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct AssessorAnswer {
    pub method: String,
    pub question: String,
    pub answer: String,
    pub drug: Option<usize>,
    pub reaction: Option<usize>,
    pub justification: String,
    pub assessor: String,
    pub path: String,
    /// Positions of `method`, `question` and `answer`, to point at them when the rules disagree.
    pub positions: [Pos; 3],
    pub known: Option<NaiveDate>,
}

/// Reads and validates a case file's text. YAML and JSON are both accepted (JSON is read as YAML).
pub fn load(file: &SourceFile) -> Result<Case, Diagnostics> {
    use crate::diagnostic::json;
    let is_json = json::is_json(&file.text);
    let doc: doc::CaseDoc = serde_saphyr::from_str(&file.text).map_err(|e| {
        // JSON is read as YAML, for the positions; a JSON text that is not
        // JSON (a comment, a cut-off text) is told so in JSON's terms.
        let syntax = is_json
            .then(|| json::syntax_problem(&file.name, &file.text))
            .flatten();
        Diagnostics::from(syntax.unwrap_or_else(|| crate::diagnostic::from_yaml_error(file, &e)))
    })?;
    // What JSON itself rejects and YAML accepts (a trailing comma, a number
    // in quotes) is refused, as JSON reads it.
    if is_json && let Err(e) = serde_json::from_str::<doc::CaseDoc>(json::without_bom(&file.text)) {
        return Err(json::problem(&file.name, &file.text, &e).into());
    }
    let digest = digest_bytes(file.text.as_bytes());
    validate::validate(doc, file, digest)
}

/// Larger texts are left to [`load`]: far below the YAML reader's budgets
/// (250,000 nodes, 64 MiB of text), so no text read here could exceed them.
const JSON_FAST_MAX_BYTES: usize = 64 * 1024;

/// Reads and validates a JSON case (an NDJSON line, typically) with serde_json,
/// several times faster than the YAML reader, or `None`: when the text is not
/// a JSON object, is large, has any problem, or holds anything the two
/// readers might read differently ([`json_reads_as_yaml`]). The case is the
/// one [`load`] gives, except that it keeps no line and column positions, so a
/// caller that finds a problem in it must read the file with [`load`] to point
/// at the problem.
pub fn load_json(file: &SourceFile) -> Option<Case> {
    let text = file.text.as_str();
    if text.len() > JSON_FAST_MAX_BYTES
        || !text.trim_start().starts_with('{')
        || text.contains("__serde_saphyr")
        || !json_reads_as_yaml(text)
    {
        return None;
    }
    let doc: doc::CaseDoc = serde_json::from_str(text).ok()?;
    validate::validate(doc, file, digest_bytes(text.as_bytes())).ok()
}

/// Whether the JSON text holds only what both readers read alike: no `\uXXXX`
/// escape for a character from space to `~` (no JSON writer needs one, and one
/// could spell serde-saphyr's internal span marker), and no number but whole
/// numbers of at most 15 digits (the readers round long or fractional numbers
/// differently).
fn json_reads_as_yaml(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    let mut in_string = false;
    while i < b.len() {
        let c = b[i];
        if in_string {
            match c {
                b'"' => in_string = false,
                b'\\' => {
                    if b.get(i + 1) == Some(&b'u') {
                        let code = b
                            .get(i + 2..i + 6)
                            .and_then(|h| std::str::from_utf8(h).ok())
                            .and_then(|h| u32::from_str_radix(h, 16).ok());
                        if code.is_some_and(|c| (0x20..0x7f).contains(&c)) {
                            return false;
                        }
                    }
                    // Skip the escaped character.
                    i += 1;
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'-' | b'0'..=b'9' => {
                let token = b[i..]
                    .iter()
                    .take_while(|x| matches!(x, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                    .count();
                let number = &b[i..i + token];
                let digits = number.iter().filter(|x| x.is_ascii_digit()).count();
                if digits > 15
                    || number
                        .iter()
                        .any(|x| matches!(x, b'.' | b'e' | b'E' | b'+'))
                {
                    return false;
                }
                i += token;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    true
}

/// `sha256:` followed by the lowercase hex SHA-256 of `bytes`.
pub fn digest_bytes(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in hash {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

impl Case {
    pub fn drug_index(&self, id: &str) -> Option<usize> {
        self.drugs.iter().position(|d| d.id == id)
    }

    pub fn reaction_index(&self, id: &str) -> Option<usize> {
        self.reactions.iter().position(|r| r.id == id)
    }

    /// Whether a drug or reaction (by its `known` day) was known in the current view.
    pub fn is_known(&self, known: Option<NaiveDate>) -> bool {
        match (self.as_of, known) {
            (Some(day), Some(k)) => k <= day,
            _ => true,
        }
    }

    /// The case as it stood on `day`: every piece of information not known by
    /// then is left out, dates after it are not yet known, and the times are
    /// solved again from the facts known then.
    pub fn known_by(&self, day: NaiveDate) -> Case {
        let known = |k: Option<NaiveDate>| k.is_none_or(|k| k <= day);
        let mut case = self.clone();
        case.times = self.times.known_by(day);
        let times = &case.times;
        // An end is known only once it has surely happened.
        let by = |p: Point| times.range(p).filter(|r| r.is_known_by(day));
        // Reactions, drugs and conditions are referred to by index, so they stay in
        // the lists; `as_of` hides the ones not known yet from `is_known`.
        case.as_of = Some(day);
        for r in &mut case.reactions {
            let end = r.end.and_then(|_| by(r.end_at));
            if r.end.is_some() && end.is_none() {
                // The reaction had not ended by then, so its final outcome was not known either.
                r.outcome = Some(ReactionOutcome::Unknown);
            }
            r.onset = times.range(r.onset_at);
            r.end = end;
        }
        for d in &mut case.drugs {
            d.exposures.retain(|e| known(e.known));
            for e in &mut d.exposures {
                e.start = times.range(e.start_at);
                e.stop = e.stop.and_then(|_| by(e.stop_at));
                e.stopped = e.stopped && (e.single_dose || e.stop.is_some());
            }
            d.earlier.retain(|x| known(x.known));
        }
        for c in &mut case.patient.conditions {
            c.onset = times.range(c.onset_at);
            c.end = c.end.and_then(|_| by(c.end_at));
        }
        if let Some(list) = &mut case.patient.previous_reactions {
            list.retain(|p| known(p.known));
        }
        case.investigations.retain(|i| known(i.known));
        case.dechallenges.retain(|d| known(d.known));
        case.rechallenges.retain(|r| known(r.known));
        for r in &mut case.rechallenges {
            r.end = r.end.and_then(|_| by(r.end_at));
            // Steps taken after the day were not known yet.
            r.steps
                .retain(|s| s.date.is_none_or(|at| at.earliest <= day));
        }
        case.alternative_causes.retain(|a| known(a.known));
        if let Some(list) = &mut case.contributing_factors {
            list.retain(|f| known(f.known));
        }
        case.assessor_answers.retain(|a| known(a.known));
        case
    }
}
