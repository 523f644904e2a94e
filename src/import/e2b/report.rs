//! What an ICSR says of itself (sections C.1 and H): its safety report id
//! (C.1.1, the case id), worldwide id (C.1.8.1), type (C.1.3), narrative
//! (H.1), the reporter's comments (H.2), the sender's diagnoses (H.3) and
//! comments (H.4). Shown beside the assessment, never scored.

use super::super::hl7::{child, e2b_code, hl7, is_hl7};
use super::value_text;
use serde_json::{Value, json};

/// The id of C.1.1, the sender's safety report unique identifier; N.2.r.1, the message id, has the same root.
const REPORT_ID: &str = "2.16.840.1.113883.3.989.2.1.3.1";
/// The id of C.1.8.1, the worldwide unique case identification number.
const WORLDWIDE_ID: &str = "2.16.840.1.113883.3.989.2.1.3.2";

/// The ICSR's case id and the case's `report` section.
pub(super) struct Summary {
    pub case_id: String,
    pub report: Value,
}

pub(super) fn summary(msg: roxmltree::Node, pointer: &str) -> Summary {
    let mut report = json!({});
    let event = msg.descendants().find(|n| is_hl7(n, "investigationEvent"));
    let id_of = |root: &str| {
        event
            .into_iter()
            .flat_map(|e| hl7(e, "id"))
            .find(|i| i.attribute("root") == Some(root))
            .and_then(|i| i.attribute("extension"))
            .map(str::trim)
            .filter(|x| !x.is_empty())
    };
    // C.1.1; without one, the message id (N.2.r.1), and without that the message's place in the file.
    let case_id = id_of(REPORT_ID)
        .or_else(|| {
            hl7(msg, "id")
                .find(|i| i.attribute("root") == Some(REPORT_ID))
                .and_then(|i| i.attribute("extension"))
        })
        .map_or_else(|| pointer.to_owned(), str::to_owned);
    let Some(event) = event else {
        return Summary { case_id, report };
    };
    // C.1.3 type of report: 1 spontaneous, 2 study, 3 other, 4 not available to the sender.
    if let Some(kind) = hl7(event, "subjectOf2")
        .filter_map(|s| child(s, "investigationCharacteristic"))
        .find(|c| {
            child(*c, "code").is_some_and(|code| {
                code.attribute("code") == Some("1")
                    && code.attribute("codeSystem") == Some("2.16.840.1.113883.3.989.2.1.1.23")
            })
        })
        .and_then(|c| child(c, "value"))
        .and_then(|v| v.attribute("code"))
        .and_then(|code| match code {
            "1" => Some("spontaneous"),
            "2" => Some("study"),
            "3" => Some("other"),
            "4" => Some("not-available"),
            _ => None,
        })
    {
        report["type"] = json!(kind);
    }
    if let Some(id) = id_of(WORLDWIDE_ID) {
        report["worldwide_id"] = json!(id);
    }
    // H.1 case narrative.
    if let Some(text) = child(event, "text")
        .and_then(|t| t.text())
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        report["narrative"] = json!(text);
    }
    // H.2 and H.4 are comments (code 10) by the reporter (author code 3) and the sender (1); H.3.r diagnoses (code 15).
    let mut reporter = Vec::new();
    let mut sender = Vec::new();
    let mut diagnoses = Vec::new();
    let observations = event
        .descendants()
        .filter(|n| is_hl7(n, "adverseEventAssessment"))
        .flat_map(|a| hl7(a, "component1"))
        .filter_map(|c| child(c, "observationEvent"));
    for o in observations {
        let Some(text) = child(o, "value").and_then(value_text) else {
            continue;
        };
        let author = child(o, "author")
            .and_then(|a| child(a, "assignedEntity"))
            .and_then(|e| child(e, "code"))
            .and_then(|c| c.attribute("code"));
        match (e2b_code(o), author) {
            (Some("10"), Some("3")) => reporter.push(text),
            (Some("10"), Some("1")) => sender.push(text),
            (Some("15"), _) => diagnoses.push(text),
            _ => {}
        }
    }
    for (key, texts) in [
        ("reporter_comments", reporter),
        ("sender_diagnosis", diagnoses),
        ("sender_comments", sender),
    ] {
        if !texts.is_empty() {
            report[key] = json!(texts.join("; "));
        }
    }
    Summary { case_id, report }
}
