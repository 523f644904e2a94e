//! `follow-up.yaml`: the words in which a follow-up request asks for each
//! finding, and the case fields the answer fills. Read with the rule set, so
//! that the wording lives beside the rules, not in the engine.

use crate::diagnostic::{Diagnostic, Diagnostics, Pos, SourceFile, from_yaml_error, suggest};
use crate::findings::FindingId;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// The name a question for an assessor-only question is filed under.
pub const ASSESSOR: &str = "assessor";

/// How to ask for one finding (or, under `assessor`, for an answer only an
/// assessor gives).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpQuestion {
    /// A finding name, or `assessor`.
    pub finding: String,
    /// The question, with `{drug}` and `{reaction}` standing for the pair's names.
    pub ask: String,
    /// The case fields the answer fills (`dechallenges`, `reactions[].onset`).
    pub fills: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionsDoc {
    questions: Vec<QuestionDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionDoc {
    finding: Spanned<String>,
    ask: Spanned<String>,
    fills: Vec<String>,
}

/// Reads `follow-up.yaml`: every finding named must exist, once, with a
/// question that uses no placeholder but `{drug}` and `{reaction}`, and the
/// fields it fills.
pub fn load(f: &SourceFile) -> Result<Vec<FollowUpQuestion>, Diagnostics> {
    let doc: QuestionsDoc =
        serde_saphyr::from_str(&f.text).map_err(|e| Diagnostics::from(from_yaml_error(f, &e)))?;
    let mut diags = Diagnostics::default();
    let mut out: Vec<FollowUpQuestion> = Vec::new();
    let names: Vec<&str> = FindingId::ALL
        .iter()
        .map(|x| x.name())
        .chain([ASSESSOR])
        .collect();
    for q in doc.questions {
        let name = q.finding.value.trim();
        let at = Pos::from_location(&q.finding.referenced);
        if !names.contains(&name) {
            let help = match suggest(name, names.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("findings: {}", names.join(", ")),
            };
            diags.push(
                Diagnostic::new(
                    "rules::unknown-finding",
                    f,
                    at,
                    format!("`{name}` is not a finding"),
                )
                .with_help(help),
            );
            continue;
        }
        if out.iter().any(|x| x.finding == name) {
            diags.push(
                Diagnostic::new(
                    "rules::repeated-question",
                    f,
                    at,
                    format!("`{name}` has a question already"),
                )
                .with_help("keep one question per finding"),
            );
            continue;
        }
        let ask = q.ask.value.split_whitespace().collect::<Vec<_>>().join(" ");
        let stray = ask
            .replace("{drug}", "")
            .replace("{reaction}", "")
            .contains(['{', '}']);
        if ask.is_empty() || stray || q.fills.is_empty() {
            diags.push(
                Diagnostic::new(
                    "rules::bad-question",
                    f,
                    Pos::from_location(&q.ask.referenced),
                    format!("the question for `{name}` is empty, names no field it fills, or uses a placeholder other than {{drug}} and {{reaction}}"),
                )
                .with_help("write the question in words, with {drug} and {reaction} for the pair, and list the case fields under `fills`"),
            );
            continue;
        }
        out.push(FollowUpQuestion {
            finding: name.to_owned(),
            ask,
            fills: q.fills,
        });
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<FollowUpQuestion>, Diagnostics> {
        load(&SourceFile {
            name: "rules/follow-up.yaml".into(),
            text: text.into(),
        })
    }

    #[test]
    fn a_question_names_a_finding_once_with_words_and_fields() {
        let ok = read("questions:\n  - { finding: dechallenge, ask: \"Was {drug} stopped?\", fills: [dechallenges] }\n")
            .expect("valid");
        assert_eq!(ok[0].ask, "Was {drug} stopped?");
        let bad = read(concat!(
            "questions:\n",
            "  - { finding: dechalenge, ask: \"Was {drug} stopped?\", fills: [dechallenges] }\n",
            "  - { finding: rechallenge, ask: \"Given again to {patient}?\", fills: [rechallenges] }\n",
            "  - { finding: notoriety, ask: \"Known?\", fills: [] }\n",
            "  - { finding: notoriety, ask: \"Known?\", fills: [kb] }\n",
            "  - { finding: notoriety, ask: \"Known again?\", fills: [kb] }\n",
        ))
        .expect_err("four problems");
        let shown = bad.render();
        assert!(
            shown.contains("`dechalenge` is not a finding")
                && shown.contains("did you mean `dechallenge`?"),
            "{shown}"
        );
        assert!(shown.contains("rules/follow-up.yaml:2:"), "{shown}");
        assert_eq!(shown.matches("rules::bad-question").count(), 2, "{shown}");
        assert!(
            shown.contains("`notoriety` has a question already"),
            "{shown}"
        );
    }

    #[test]
    fn the_shipped_questions_cover_every_finding_and_the_assessor() {
        let rules = crate::rules::load(&crate::rules::shipped_files()).expect("shipped rules");
        for f in FindingId::ALL.iter().map(|f| f.name()).chain([ASSESSOR]) {
            assert!(
                rules.questions.iter().any(|q| q.finding == f),
                "no question for `{f}`"
            );
        }
    }
}
