//! Fixture cases: each states its expected category per method (asserted
//! directly) and its Markdown report is a snapshot.

use crate::{relative, shipped, source};
use causa::eval::{self, Options};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expectation {
    /// Where the expected result comes from.
    source: Source,
    as_of: Option<String>,
    drug: String,
    reaction: String,
    method: String,
    category: String,
    score: Option<i64>,
    /// Policy settings (`NAME=VALUE`) this expectation is made under; default policy when empty.
    #[serde(default)]
    policy: Vec<String>,
    /// A listedness table (a path from the crate root) the result is read with.
    listedness: Option<String>,
    /// The result a publication gives for this pair and method, and where.
    published: Option<Published>,
    /// Why causa's result (`category`, `score`) differs from the published one.
    differs: Option<String>,
}

/// Where an expected result comes from: a publication that gives this result
/// (`published`, with the citation in `published`), or a reading of ours
/// (`reading`: the comments above the entry say which readings it rests on;
/// a publication that gives another result is cited beside it with `differs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Source {
    Published,
    Reading,
}

/// A causality result as a publication gives it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Published {
    category: String,
    score: Option<i64>,
    /// The table, figure or sentence it comes from.
    source: String,
}

pub(crate) fn policy_from(settings: &[String]) -> Option<causa::policy::Policy> {
    if settings.is_empty() {
        return None;
    }
    let mut p = shipped().policy.clone();
    for s in settings {
        p.apply(s)
            .unwrap_or_else(|e| panic!("{}: {}", e.message, e.help));
    }
    Some(p)
}

pub(crate) fn case_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn expected_for(case: &Path) -> Vec<Expectation> {
    let stem = case.file_stem().unwrap().to_string_lossy();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fixtures/expected/{stem}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} has no expected results in {}",
            relative(case),
            relative(&path)
        )
    });
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", relative(&path)))
}

pub(crate) fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn there_are_at_least_three_fixture_cases() {
    assert!(case_files().len() >= 3, "{:?}", case_files());
}

#[test]
fn every_fixture_gets_its_expected_categories() {
    let rules = shipped();
    // Expected results stated; those that are a publication's; those checked against one.
    let (mut entries, mut published, mut compared) = (0, 0, 0);
    for path in case_files() {
        let file = source(&path);
        let case = causa::case::load(&file).unwrap_or_else(|d| panic!("{}", d.render()));
        let expected = expected_for(&path);
        assert!(!expected.is_empty(), "{} states no expectations", file.name);
        entries += expected.len();
        compared += expected.iter().filter(|e| e.published.is_some()).count();
        for e in &expected {
            let options = Options {
                as_of: e.as_of.as_deref().map(day),
                policy: policy_from(&e.policy),
                ..Default::default()
            };
            let with_table;
            let rules = match &e.listedness {
                Some(table) => {
                    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(table);
                    let mut r = shipped().clone();
                    r.kb.listedness = Some(
                        causa::kb::listedness::read(&source(&path), &r.kb)
                            .unwrap_or_else(|d| panic!("{}", d.render())),
                    );
                    with_table = r;
                    &with_table
                }
                None => rules,
            };
            let result = eval::assess(rules, &case, &options);
            let got = result
                .assessments
                .iter()
                .find(|a| a.drug == e.drug && a.reaction == e.reaction && a.method == e.method)
                .unwrap_or_else(|| {
                    panic!(
                        "{}: no {} assessment of {} x {}",
                        file.name, e.method, e.drug, e.reaction
                    )
                });
            let when = format!(
                "{} {}{}",
                e.as_of.as_deref().unwrap_or("all information"),
                e.policy.join(" "),
                e.listedness
                    .as_deref()
                    .map_or(String::new(), |t| format!(" with {t}"))
            );
            assert_eq!(
                got.category, e.category,
                "{} ({when}): {} x {} by {}",
                file.name, e.drug, e.reaction, e.method
            );
            assert_eq!(
                got.score, e.score,
                "{} ({when}): score of {} x {} by {}",
                file.name, e.drug, e.reaction, e.method
            );
            // A result marked published is the publication's, cited.
            if e.source == Source::Published {
                let p = e.published.as_ref().unwrap_or_else(|| {
                    panic!(
                        "{}: {} x {} by {}: `source: published` without the `published` result and its citation",
                        file.name, e.drug, e.reaction, e.method
                    )
                });
                assert!(
                    p.category == e.category && p.score.is_none_or(|s| Some(s) == e.score),
                    "{}: {} x {} by {}: `source: published` but the publication gives {} {:?}",
                    file.name,
                    e.drug,
                    e.reaction,
                    e.method,
                    p.category,
                    p.score
                );
                published += 1;
            }
            // A published result either is causa's, or the fixture says why not.
            if let Some(p) = &e.published {
                let agrees = p.category == e.category && (p.score.is_none() || p.score == e.score);
                match (&e.differs, agrees) {
                    (None, false) => panic!(
                        "{}: {} x {} by {}: published {} {:?} ({}) but expected {} {:?}, and `differs` does not say why",
                        file.name,
                        e.drug,
                        e.reaction,
                        e.method,
                        p.category,
                        p.score,
                        p.source,
                        e.category,
                        e.score
                    ),
                    (Some(why), true) => panic!(
                        "{}: {} x {} by {}: `differs` ({why}) but the expected result is the published one",
                        file.name, e.drug, e.reaction, e.method
                    ),
                    _ => {}
                }
            } else {
                assert!(
                    e.differs.is_none(),
                    "{}: `differs` without `published`",
                    file.name
                );
            }
        }
        // With all information, every pair and method the engine produces must be stated.
        let all = eval::assess(rules, &case, &Options::default());
        // Every answer shows the facts behind it, even when the fact is that nothing was recorded.
        for a in &all.assessments {
            for step in &a.steps {
                assert!(
                    !step.evidence.is_empty(),
                    "{}: {} step {} of {} x {} shows no evidence",
                    file.name,
                    a.method,
                    step.node,
                    a.drug,
                    a.reaction
                );
            }
        }
        let stated: BTreeSet<(&str, &str, &str)> = expected
            .iter()
            .filter(|e| e.as_of.is_none() && e.policy.is_empty() && e.listedness.is_none())
            .map(|e| (e.drug.as_str(), e.reaction.as_str(), e.method.as_str()))
            .collect();
        for a in &all.assessments {
            assert!(
                stated.contains(&(a.drug.as_str(), a.reaction.as_str(), a.method)),
                "{}: no expectation stated for {} x {} by {} (got {})",
                file.name,
                a.drug,
                a.reaction,
                a.method,
                a.category
            );
        }
    }
    // The figures the README gives: 201 expected results, 9 of them a
    // publication's own, 23 set beside a published result.
    assert_eq!((entries, published, compared), (201, 9, 23));
}

#[test]
fn reference_case_moves_from_conditional_to_probable_through_the_rechallenge() {
    let rules = shipped();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cases/lenalidomide-lv-desensitization.yaml");
    let case = causa::case::load(&source(&path)).unwrap();
    let before = eval::assess(
        rules,
        &case,
        &Options {
            as_of: Some(day("2019-12-31")),
            methods: vec!["sefv".into()],
            ..Default::default()
        },
    );
    let after = eval::assess(
        rules,
        &case,
        &Options {
            as_of: None,
            methods: vec!["sefv".into()],
            ..Default::default()
        },
    );
    let step = |a: &eval::CaseAssessment<'static>, node: &str| {
        a.assessments[0]
            .steps
            .iter()
            .find(|s| s.node == node)
            .unwrap()
            .clone()
    };
    let (b, a) = (
        step(&before, "d-re-exposure"),
        step(&after, "d-re-exposure"),
    );
    assert_eq!((b.outcome, b.points), (Some("not-done"), 0));
    assert_eq!((a.outcome, a.points), (Some("positive"), 3));
    assert!(
        a.evidence
            .iter()
            .any(|e| e.source == "rechallenges[0].steps[6].outcome"),
        "{:?}",
        a.evidence
    );
    // Everything else stays as it was.
    for x in &before.assessments[0].steps {
        if x.node == "d-re-exposure" || x.node == "d-previous-similar-reaction" {
            continue;
        }
        let y = step(&after, x.node);
        assert_eq!((&x.answer, x.points), (&y.answer, y.points), "{}", x.node);
    }
}

/// Renders a fixture as a reader sees it: as of every date and under every policy
/// its expectations name, then with all information under the default policy.
fn render_all(path: &Path) -> String {
    let rules = shipped();
    let case = causa::case::load(&source(path)).unwrap();
    let views: BTreeSet<(Option<String>, Vec<String>)> = expected_for(path)
        .into_iter()
        .map(|e| (e.as_of, e.policy))
        .filter(|v| v.0.is_some() || !v.1.is_empty())
        .collect();
    let mut out = String::new();
    for (as_of, policy) in &views {
        let options = Options {
            as_of: as_of.as_deref().map(day),
            policy: policy_from(policy),
            follow_up: true,
            ..Default::default()
        };
        out.push_str(&causa::report::markdown(&eval::assess(
            rules, &case, &options,
        )));
        out.push_str("\n---\n\n");
    }
    out.push_str(&causa::report::markdown(&eval::assess(
        rules,
        &case,
        &Options {
            follow_up: true,
            ..Default::default()
        },
    )));
    out
}

#[test]
fn fixture_reports() {
    crate::report_settings().bind(|| {
        insta::glob!("../../fixtures/cases", "*.{yaml,json}", |path| {
            insta::assert_snapshot!(render_all(path));
        });
    });
}

#[test]
fn invalid_case_diagnostics() {
    let rules = shipped();
    insta::glob!("../../fixtures/cases-invalid", "*.yaml", |path| {
        let file = source(path);
        let diags = rules.load_case(&file).err().unwrap_or_default();
        assert!(!diags.is_empty(), "{} should be rejected", file.name);
        insta::assert_snapshot!(diags.render());
    });
}

#[test]
fn an_assessor_answer_to_a_question_never_reached_is_reported_not_lost() {
    let text = "id: t\ndrugs:\n  - { id: d, name: amoxicillin, role: suspect, exposures: [{ start: 2024-01-01 }] }\nreactions:\n  - { id: r, term: maculopapular rash, onset: day 8 of d }\nassessor_answers:\n  - { method: who-umc, question: conditional-more-data, answer: \"no\", justification: the patient moved abroad, assessor: A }\n";
    let case = causa::case::load(&causa::diagnostic::SourceFile {
        name: "t.yaml".into(),
        text: text.into(),
    })
    .unwrap();
    let result = eval::assess(shipped(), &case, &Options::default());
    let who = result
        .assessments
        .iter()
        .find(|a| a.method == "who-umc")
        .unwrap();
    // Time compatible, no dechallenge information: possible, so the conditional rung is never reached.
    assert_eq!(who.category, "possible");
    assert!(
        result
            .notes
            .iter()
            .any(|n| n.contains("assessor_answers[0]") && n.contains("was not used")),
        "{:?}",
        result.notes
    );
}

fn reference_as_of(day_text: &str) -> eval::CaseAssessment<'static> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cases/lenalidomide-lv-desensitization.yaml");
    let case = causa::case::load(&source(&path)).unwrap();
    eval::assess(
        shipped(),
        &case,
        &Options {
            as_of: Some(day(day_text)),
            methods: vec!["sefv".into()],
            ..Default::default()
        },
    )
}

fn step_outcome(a: &eval::CaseAssessment, node: &str) -> String {
    a.assessments[0]
        .steps
        .iter()
        .find(|s| s.node == node)
        .and_then(|s| s.outcome.map(str::to_owned))
        .unwrap_or_default()
}

#[test]
fn as_of_hides_the_rechallenge_steps_that_had_not_happened_yet() {
    // Day 2 of the 2022 desensitization: two doses tolerated under premedication.
    let early = reference_as_of("2022-10-02");
    assert_eq!(step_outcome(&early, "d-re-exposure"), "not-interpretable");
    assert_eq!(early.assessments[0].category, "conditional");
    // Day 8: the pruritus and erythema at 5 mg, a different reaction, has happened; the purpura has not.
    let middle = reference_as_of("2022-10-08");
    assert_eq!(step_outcome(&middle, "d-re-exposure"), "not-interpretable");
    // By the end of October the purpura of days 10-16 is known: a positive rechallenge.
    let late = reference_as_of("2022-10-31");
    assert_eq!(step_outcome(&late, "d-re-exposure"), "positive");
    assert_eq!(late.assessments[0].category, "probable");
}

#[test]
fn as_of_keeps_alternative_causes_tied_to_the_right_condition() {
    // The first condition becomes known only later; the stated judgement on the
    // second must still replace the knowledge base's rating of it.
    let text = "id: t
patient:
  conditions:
    - { id: flu, name: influenza, onset: 2023-05-01, known_since: 2023-06-01 }
    - { id: mm, name: multiple myeloma, subtype: IgA kappa, onset: 2020-01 }
drugs:
  - { id: d, name: lenalidomide, role: suspect, exposures: [{ id: c, start: 2023-01-02 }] }
reactions:
  - { id: r, term: leukocytoclastic vasculitis, onset: day 10 of c }
alternative_causes:
  - { cause: IgA myeloma, refers_to: mm, reaction: r, plausibility: excluded, evidence_against: [cryoglobulins negative, no paraprotein rise] }
";
    let case = causa::case::load(&causa::diagnostic::SourceFile {
        name: "t.yaml".into(),
        text: text.into(),
    })
    .unwrap();
    let options = Options {
        as_of: Some(day("2023-02-01")),
        methods: vec!["sefv".into()],
        ..Default::default()
    };
    let a = eval::assess(shipped(), &case, &options);
    assert_eq!(step_outcome(&a, "e-alternative-causes"), "excluded");
}

#[test]
fn alternative_causes_that_the_dates_rule_out_are_shown_but_not_counted() {
    let text = "id: t
patient:
  conditions:
    - { id: flu, name: viral infection, onset: 2024-02-20, end: 2024-02-28 }
drugs:
  - { id: a, name: lenalidomide, role: suspect, exposures: [{ id: c, start: 2024-03-01 }] }
  - { id: s, name: co-trimoxazole, role: concomitant, exposures: [{ start: 2024-04-01 }] }
reactions:
  - { id: r, term: maculopapular rash, onset: day 10 of c }
";
    let case = causa::case::load(&causa::diagnostic::SourceFile {
        name: "t.yaml".into(),
        text: text.into(),
    })
    .unwrap();
    let a = eval::assess(
        shipped(),
        &case,
        &Options {
            as_of: None,
            methods: vec!["naranjo".into()],
            ..Default::default()
        },
    );
    let step = a.assessments[0]
        .steps
        .iter()
        .find(|s| s.node == "q5-alternative-causes")
        .unwrap();
    assert_eq!(step.outcome, Some("none-identified"));
    let shown: Vec<&str> = step.evidence.iter().map(|e| e.value.as_str()).collect();
    assert!(
        shown.iter().any(|v| v.contains(
            "viral infection was over before the reaction's onset (`flu` ended on 2024-02-28"
        )),
        "{shown:?}"
    );
    assert!(
        shown
            .iter()
            .any(|v| v.contains("co-trimoxazole was started after")),
        "{shown:?}"
    );
}

#[test]
fn reference_case_timeline() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cases/lenalidomide-lv-desensitization.yaml");
    let case = causa::case::load(&source(&path)).unwrap();
    let t = eval::timeline::timeline(shipped(), &case, &Options::default());
    // The published conditional (+3) holds from the dechallenge until the desensitization's recurrence.
    let sefv_on = |d: &str| {
        t.points
            .iter()
            .rfind(|p| p.as_of <= day(d))
            .and_then(|p| p.results.iter().find(|r| r.method == "sefv"))
            .map(|r| (r.category.clone(), r.score))
    };
    assert_eq!(sefv_on("2019-12-31"), Some(("conditional".into(), Some(3))));
    assert_eq!(sefv_on("2023-12-31"), Some(("probable".into(), Some(6))));
    let moved = t
        .points
        .iter()
        .find(|p| {
            p.changes
                .iter()
                .any(|c| c.method == "sefv" && c.to_category == "probable")
        })
        .unwrap();
    assert!(
        moved
            .became_known
            .iter()
            .any(|k| k.path == "rechallenges[0].steps[6]"
                && k.what
                    == "desensitization-2022, days 10-16 at 2.5 mg: recurrence of leukocytoclastic vasculitis"),
        "{:?}",
        moved.became_known
    );
    let change = moved.changes.iter().find(|c| c.method == "sefv").unwrap();
    assert!(
        change
            .steps
            .iter()
            .any(|s| s.node == "d-re-exposure" && s.to_points == Some(3))
    );
    crate::report_settings().bind(|| {
        insta::assert_snapshot!(causa::report::timeline_markdown(&t));
    });
}

#[test]
fn re_exposure_after_sjs_is_flagged_contraindicated() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cases/lenalidomide-sjs-contraindicated.yaml");
    let case = causa::case::load(&source(&path)).unwrap();
    let a = eval::assess(shipped(), &case, &Options::default());
    for drug in ["lenalidomide", "allopurinol"] {
        assert!(
            a.warnings.iter().any(|w| w.starts_with(&format!(
                "re-exposure to {drug} (rechallenge or desensitization) is contraindicated"
            )) && w.contains("severe cutaneous adverse reaction")),
            "{:?}",
            a.warnings
        );
    }
    assert!(causa::report::markdown(&a).contains("> **Warning:** re-exposure to lenalidomide"));
    // No warning where re-exposure is allowed.
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cases/lenalidomide-lv-desensitization.yaml");
    let case = causa::case::load(&source(&path)).unwrap();
    assert!(
        eval::assess(shipped(), &case, &Options::default())
            .warnings
            .is_empty()
    );
}
