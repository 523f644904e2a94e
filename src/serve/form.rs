//! The form's case, a JSON tree whose paths are those of the case file
//! (`drugs[0].exposures[0].stop`): written as the YAML `causa assess` reads,
//! read back from a case file or an import, and each problem of the case
//! placed on the field it concerns.

use crate::diagnostic::{Diagnostics, SourceFile};
use serde::Serialize;
use serde_json::Value;

/// The order fields are written in, as the README's examples write them;
/// a field not listed comes after, by name.
const ORDER: &[&str] = &[
    "id",
    "source",
    "patient",
    "age",
    "sex",
    "weight",
    "renal_impairment",
    "hepatic_impairment",
    "conditions",
    "previous_reactions",
    "drugs",
    "name",
    "term",
    "phenotype",
    "meddra_code",
    "subtype",
    "test",
    "result",
    "cause",
    "factor",
    "method",
    "question",
    "answer",
    "role",
    "indication",
    "action_taken",
    "kind",
    "drug",
    "reaction",
    "refers_to",
    "supports",
    "action",
    "start",
    "stop",
    "onset",
    "end",
    "date",
    "when",
    "day",
    "single_dose",
    "dose",
    "route",
    "regimen",
    "target_dose",
    "premedication",
    "with_drugs",
    "outcome",
    "severity_grade",
    "brown_grade",
    "seriousness",
    "treatment",
    "tolerance",
    "plausibility",
    "evidence_for",
    "evidence_against",
    "justification",
    "assessor",
    "text",
    "description",
    "exposures",
    "earlier_exposures",
    "steps",
    "reactions",
    "investigations",
    "dechallenges",
    "rechallenges",
    "alternative_causes",
    "contributing_factors",
    "assessor_answers",
    "conclusion",
    "notes",
    "known_since",
];

fn rank(key: &str) -> usize {
    ORDER.iter().position(|k| *k == key).unwrap_or(ORDER.len())
}

/// A value written with its fields in [`ORDER`].
struct Ordered<'a>(&'a Value);

impl Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort_by_key(|k| (rank(k), k.as_str()));
                let mut map = s.serialize_map(Some(keys.len()))?;
                for k in keys {
                    map.serialize_entry(k, &Ordered(&m[k]))?;
                }
                map.end()
            }
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for x in items {
                    seq.serialize_element(&Ordered(x))?;
                }
                seq.end()
            }
            other => other.serialize(s),
        }
    }
}

/// Lists where empty means something: `previous_reactions: []` is "known to
/// have none" (leaving the field out is "not known"), and a step's
/// `premedication: []` is "stopped from this step on". The form never sends
/// such a list unless it means it; a file opened into the form keeps its own.
const EMPTY_MEANS_NONE: &[&str] = &[
    "previous_reactions",
    "contributing_factors",
    "premedication",
];

/// The tree without what the form leaves empty: blank text, empty lists and
/// sections, nulls. A field left empty is a field not given, except the lists
/// of [`EMPTY_MEANS_NONE`], kept as they are. A row left blank stays a row
/// (an empty mapping, which the checks then call incomplete), so that the
/// rows after it keep their numbers and each problem lands on its own row.
pub fn cleaned(v: &Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(Value::String(s.trim().to_owned())),
        Value::Array(items) => {
            let kept: Vec<Value> = items
                .iter()
                .filter_map(|x| match x {
                    Value::Object(_) => {
                        Some(cleaned(x).unwrap_or_else(|| Value::Object(Default::default())))
                    }
                    _ => cleaned(x),
                })
                .collect();
            (!kept.is_empty()).then_some(Value::Array(kept))
        }
        Value::Object(m) => {
            let kept: serde_json::Map<String, Value> = m
                .iter()
                .filter_map(|(k, x)| match x {
                    Value::Array(a) if a.is_empty() && EMPTY_MEANS_NONE.contains(&k.as_str()) => {
                        Some((k.clone(), x.clone()))
                    }
                    _ => Some((k.clone(), cleaned(x)?)),
                })
                .collect();
            (!kept.is_empty()).then_some(Value::Object(kept))
        }
        other => Some(other.clone()),
    }
}

/// The case file the form holds, as YAML.
pub fn to_yaml(tree: &Value) -> String {
    let tree = cleaned(tree).unwrap_or_else(|| Value::Object(Default::default()));
    serde_saphyr::to_string(&Ordered(&tree)).unwrap_or_default()
}

/// A problem of the case, on the field it concerns (`path`, empty for the
/// case as a whole), in the form's words: no line or column.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub path: String,
    pub message: String,
    pub help: Option<String>,
}

/// Each problem placed on its field, by the position of the diagnostic in the YAML text.
pub fn problems(yaml: &str, diagnostics: &Diagnostics) -> Vec<Problem> {
    diagnostics
        .0
        .iter()
        .map(|d| Problem {
            path: missing_field(&d.message).unwrap_or_else(|| {
                crate::diagnostic::path_at(yaml, d.pos)
                    .map(|l| l.path)
                    .unwrap_or_default()
            }),
            message: d.message.clone(),
            help: d.help.clone(),
        })
        .collect()
}

/// A missing field is reported where its mapping ends; the form shows it on
/// the field itself: "`id` is missing in `drugs[0]`" → `drugs[0].id`.
fn missing_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix('`')?;
    let (field, rest) = rest.split_once("` is missing")?;
    let parent = rest
        .strip_prefix(" in `")
        .and_then(|p| p.split_once('`'))
        .map(|(p, _)| p);
    Some(match parent {
        Some(p) if !p.is_empty() => format!("{p}.{field}"),
        _ => field.to_owned(),
    })
}

/// A case file, or the first report of an E2B(R3) or openFDA file, as the
/// form's tree; `Err` says why it cannot be opened. The note says what else
/// the file held.
pub fn open(name: &str, text: String) -> Result<(Value, Option<String>), String> {
    let reports = crate::import::cases_of(name, text, crate::import::InputFormat::Auto)
        .map_err(|d| d.message.clone())?;
    let total = reports.len();
    let first = reports
        .into_iter()
        .next()
        .ok_or_else(|| "the file holds no case".to_owned())?;
    let (_, yaml) = first.map_err(|r| format!("{}: {}", r.position, r.reason))?;
    let tree: Value = serde_saphyr::from_str(&yaml).map_err(|e| {
        crate::diagnostic::from_yaml_error(
            &SourceFile {
                name: name.to_owned(),
                text: yaml.clone(),
            },
            &e,
        )
        .message
    })?;
    let note = (total > 1).then(|| format!("the file holds {total} reports; the first is open"));
    Ok((tree, note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_row_keeps_the_numbers_of_the_rows_after_it() {
        let tree = serde_json::json!({
            "id": "t",
            "drugs": [{ "id": "a", "exposures": [{ "start": "" }, { "stop": "2024-01-01" }] }],
        });
        let back: Value = serde_saphyr::from_str(&to_yaml(&tree)).unwrap();
        assert_eq!(back["drugs"][0]["exposures"][0], serde_json::json!({}));
        assert_eq!(back["drugs"][0]["exposures"][1]["stop"], "2024-01-01");
    }

    #[test]
    fn a_missing_field_is_placed_on_itself() {
        assert_eq!(
            missing_field("`id` is missing in `drugs[0]` (add `id:` with its value)").as_deref(),
            Some("drugs[0].id")
        );
        assert_eq!(missing_field("`id` is missing").as_deref(), Some("id"));
        assert_eq!(missing_field("severity grade `7` is out of range"), None);
    }

    #[test]
    fn the_form_is_written_in_the_order_of_the_case_format_without_its_blanks() {
        let tree = serde_json::json!({
            "reactions": [{ "term": "rash", "id": "r", "onset": "day 8 of c", "treatment": [] }],
            "drugs": [{ "role": "suspect", "name": "amoxicillin", "id": "a",
                        "exposures": [{ "start": "2024-03-01", "id": "c", "dose": " " }] }],
            "id": "t",
            "patient": { "age": 34, "sex": "", "previous_reactions": [] },
            "rechallenges": [{ "drug": "a", "kind": "accidental", "steps": [{ "day": "1", "outcome": "tolerated" }] }],
        });
        let yaml = to_yaml(&tree);
        let at = |s: &str| yaml.find(s).unwrap_or_else(|| panic!("{s} in {yaml}"));
        assert!(at("id: t") < at("patient:"));
        assert!(at("patient:") < at("drugs:"));
        assert!(at("drugs:") < at("\nreactions:"));
        assert!(at("- id: a") < at("name: amoxicillin"));
        assert!(!yaml.contains("sex") && !yaml.contains("dose") && !yaml.contains("treatment"));
        // A step's day stays text, as the case format wants it.
        let back: Value = serde_saphyr::from_str(&yaml).unwrap();
        assert_eq!(back["rechallenges"][0]["steps"][0]["day"], "1");
        assert_eq!(back["patient"]["age"], 34);
        // "Known to have none" is not "not known".
        assert_eq!(back["patient"]["previous_reactions"], serde_json::json!([]));
    }
}
