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

fn policy_from(settings: &[String]) -> Option<causa::policy::Policy> {
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

fn case_files() -> Vec<PathBuf> {
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

fn day(s: &str) -> NaiveDate {
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

/// A fixture case assessed under policy settings (`NAME=VALUE`) with these
/// methods (every method when none is named).
fn assess_under(name: &str, settings: &[&str], methods: &[&str]) -> eval::CaseAssessment<'static> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fixtures/cases/{name}.yaml"));
    let case = causa::case::load(&source(&path)).unwrap();
    let settings: Vec<String> = settings.iter().map(|s| s.to_string()).collect();
    eval::assess(
        shipped(),
        &case,
        &Options {
            policy: policy_from(&settings),
            methods: methods.iter().map(|m| m.to_string()).collect(),
            ..Default::default()
        },
    )
}

/// The co-suspects switch: phenytoin and amoxicillin, both suspects of one
/// SJS, are each the other's stated alternative cause. Counted (the default),
/// SEFV item E takes points from each; not counted, item E finds no other
/// cause and answers "not enough information" (0), and the step says which
/// switch changed it and what the default would have answered.
#[test]
fn the_co_suspects_switch_changes_sefv_item_e_and_marks_the_step() {
    let run =
        |settings: &[&str]| assess_under("phenytoin-sjs-amoxicillin-stopped", settings, &["sefv"]);
    let item_e = |a: &eval::CaseAssessment<'static>, drug: &str| {
        let x = a.assessments.iter().find(|x| x.drug == drug).unwrap();
        let e = x
            .steps
            .iter()
            .find(|s| s.node == "e-alternative-causes")
            .unwrap();
        (
            x.category,
            x.score,
            e.answer,
            e.points,
            e.policy_change.clone(),
        )
    };
    let counted = run(&[]);
    // Amoxicillin: phenytoin (high risk) is the more plausible cause, -3: conditional (1).
    let (cat, score, answer, points, change) = item_e(&counted, "amoxicillin");
    assert_eq!(
        (cat, score, answer, points),
        ("conditional", Some(1), "more-plausible", -3)
    );
    assert!(change.is_none());
    // Phenytoin: amoxicillin is the less plausible cause, -1: possible (5).
    let (cat, score, answer, points, _) = item_e(&counted, "phenytoin");
    assert_eq!(
        (cat, score, answer, points),
        ("possible", Some(5), "equally-or-less-plausible", -1)
    );

    let apart = run(&["co-suspects=not-alternative-cause"]);
    let (cat, score, answer, points, change) = item_e(&apart, "amoxicillin");
    assert_eq!(
        (cat, score, answer, points),
        ("possible", Some(4), "not-enough-information", 0)
    );
    let change = change.expect("the step is marked");
    assert_eq!(change.switches, vec!["co-suspects".to_string()]);
    assert_eq!(
        (change.default_answer.as_str(), change.default_points),
        ("more-plausible", -3)
    );
    let (cat, score, _, points, change) = item_e(&apart, "phenytoin");
    assert_eq!((cat, score, points), ("probable", Some(6), 0));
    assert_eq!(change.expect("the step is marked").default_points, -1);
    let text = causa::report::markdown(&apart);
    assert!(
        text.contains("co-suspects = not-alternative-cause (**not the default**)"),
        "{text}"
    );
    assert!(
        text.contains("Changed by the policy in force (co-suspects)"),
        "{text}"
    );
}

/// The tolerance switch: a desensitization that reached the index dose and
/// was tolerated says nothing under the default reading (not interpretable),
/// and counts against the drug under `negative`: Naranjo question 4 and SEFV
/// item D each lose a point, and each step names the switch and the default.
#[test]
fn the_tolerance_switch_counts_a_tolerated_desensitization_against_the_drug_and_marks_it() {
    let run = |settings: &[&str]| {
        assess_under(
            "lenalidomide-exanthem-tolerated-desensitization",
            settings,
            &[],
        )
    };
    let step = |a: &eval::CaseAssessment<'static>, method: &str, node: &str| {
        let x = a.assessments.iter().find(|x| x.method == method).unwrap();
        let s = x.steps.iter().find(|s| s.node == node).unwrap();
        (
            x.category,
            x.score,
            s.answer,
            s.points,
            s.policy_change.clone(),
        )
    };
    let default = run(&[]);
    let (cat, score, answer, points, change) =
        step(&default, "naranjo", "q4-reappeared-on-readministration");
    assert_eq!(
        (cat, score, answer, points),
        ("possible", Some(4), "dont-know", 0)
    );
    assert!(change.is_none());
    let (cat, score, answer, points, _) = step(&default, "sefv", "d-re-exposure");
    assert_eq!(
        (cat, score, answer, points),
        ("probable", Some(6), "no-re-exposure", 0)
    );

    let negative = run(&["tolerance-under-desensitization=negative"]);
    for (method, node, category, score, answer, default_answer) in [
        (
            "naranjo",
            "q4-reappeared-on-readministration",
            "possible",
            3,
            "no",
            "dont-know",
        ),
        (
            "sefv",
            "d-re-exposure",
            "possible",
            5,
            "negative",
            "no-re-exposure",
        ),
    ] {
        let (cat, got, a, points, change) = step(&negative, method, node);
        assert_eq!(
            (cat, got, a, points),
            (category, Some(score), answer, -1),
            "{method}"
        );
        let change = change.expect("the step is marked");
        assert_eq!(
            change.switches,
            vec!["tolerance-under-desensitization".to_string()]
        );
        assert_eq!(change.default_outcome, "not-interpretable");
        assert_eq!(
            (change.default_answer.as_str(), change.default_points),
            (default_answer, 0)
        );
    }
}

#[test]
fn policy_switches_change_what_they_should_and_the_report_says_so() {
    let run =
        |settings: &[&str]| assess_under("lenalidomide-lv-desensitization", settings, &["sefv"]);
    let default = run(&[]);
    assert!(
        default.assessments[0]
            .steps
            .iter()
            .all(|s| s.policy_change.is_none())
    );
    // Not counting improvement under corticosteroids removes SEFV item C's +2.
    let strict = run(&["improvement-under-treatment=does-not-count"]);
    let c = strict.assessments[0]
        .steps
        .iter()
        .find(|s| s.node == "c-withdrawal")
        .unwrap();
    assert_eq!((c.answer, c.points), ("no-information", 0));
    let change = c
        .policy_change
        .as_ref()
        .expect("marked as changed by the policy");
    assert_eq!(
        change.switches,
        vec!["improvement-under-treatment".to_string()]
    );
    assert_eq!(
        (change.default_answer.as_str(), change.default_points),
        ("improves", 2)
    );
    assert_eq!(strict.assessments[0].score, Some(4));
    let text = causa::report::markdown(&strict);
    assert!(
        text.contains("improvement-under-treatment = does-not-count (**not the default**)"),
        "{text}"
    );
    assert!(
        text.contains("Changed by the policy in force (improvement-under-treatment)"),
        "{text}"
    );
    // The recurrence stays positive under either reading of recurrences; "attenuated" only marks it.
    let attenuated = run(&["recurrence-under-desensitization=attenuated"]);
    let d = attenuated.assessments[0]
        .steps
        .iter()
        .find(|s| s.node == "d-re-exposure")
        .unwrap();
    assert_eq!(d.points, 3);
    assert!(d.reasoning.contains("attenuated"), "{}", d.reasoning);
    assert!(d.policy_change.is_none());
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

/// Working out what would change each result changes no result: every
/// fixture's JSON report is the same with and without it, but for the
/// `follow_up` list itself.
#[test]
fn what_would_change_a_result_changes_no_result() {
    let rules = shipped();
    let mut listed = 0;
    for path in case_files() {
        let case = causa::case::load(&source(&path)).unwrap();
        let plain = causa::report::json(&eval::assess(rules, &case, &Options::default()));
        let with = eval::assess(
            rules,
            &case,
            &Options {
                follow_up: true,
                ..Default::default()
            },
        );
        listed += with.follow_up.as_ref().map_or(0, |f| f.results.len());
        let mut with: serde_json::Value =
            serde_json::from_str(&causa::report::json(&with)).unwrap();
        assert!(
            with["follow_up"]["questions"].is_array(),
            "{}",
            relative(&path)
        );
        with.as_object_mut().unwrap().remove("follow_up");
        let plain: serde_json::Value = serde_json::from_str(&plain).unwrap();
        assert_eq!(plain, with, "{}", relative(&path));
    }
    assert!(
        listed > 50,
        "{listed} results with something that would change them"
    );
}

fn follow_up_of(path: &str, as_of: Option<&str>) -> eval::CaseAssessment<'static> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let rules = shipped();
    let file = source(&path);
    let case = if path.extension().is_some_and(|x| x == "xml") {
        let record = causa::batch::records(&path, causa::import::InputFormat::Auto)
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        rules
            .load_case(&causa::diagnostic::SourceFile {
                name: record.position,
                text: record.text,
            })
            .unwrap()
    } else {
        rules.load_case(&file).unwrap()
    };
    eval::assess(
        rules,
        &case,
        &Options {
            as_of: as_of.map(day),
            follow_up: true,
            ..Default::default()
        },
    )
}

/// Before the desensitization, a re-exposure is what could move SEFV from
/// conditional to probable: what the published case went on to show.
#[test]
fn the_reference_case_before_its_desensitization_asks_for_a_re_exposure() {
    let a = follow_up_of(
        "fixtures/cases/lenalidomide-lv-desensitization.yaml",
        Some("2019-12-31"),
    );
    let f = a.follow_up.as_ref().expect("asked for");
    let q = f
        .questions
        .iter()
        .find(|q| q.finding == "rechallenge")
        .expect("a question about a re-exposure");
    assert!(
        q.ask
            .starts_with("Was lenalidomide given again after leukocytoclastic vasculitis"),
        "{}",
        q.ask
    );
    assert_eq!(q.fills, vec!["rechallenges"]);
    let sefv = q
        .could_move
        .iter()
        .find(|m| m.method == "sefv")
        .expect("moves SEFV");
    assert_eq!(sefv.from, "conditional");
    assert!(sefv.to.contains(&"probable"), "{:?}", sefv.to);
    // With all information the re-exposure is known: no one asks for it.
    let now = follow_up_of("fixtures/cases/lenalidomide-lv-desensitization.yaml", None);
    assert!(
        now.follow_up
            .as_ref()
            .is_some_and(|f| f.questions.iter().all(|q| q.finding != "rechallenge"))
    );
}

/// A sparse E2B report (no drug dates, no action taken, nothing else) asks
/// when the drug was taken, whether it was stopped and what else could
/// explain the reaction, for each suspect and reaction.
#[test]
fn a_sparse_e2b_report_asks_for_the_dechallenge_the_timing_and_other_causes() {
    let a = follow_up_of("fixtures/e2b/FAERS2022Scenario1.xml", None);
    let f = a.follow_up.as_ref().expect("asked for");
    for finding in [
        "dechallenge",
        "event-after-drug",
        "time-to-onset",
        "alternative-causes",
    ] {
        for (drug, reaction) in [
            ("drug-a", "r1"),
            ("drug-a", "r2"),
            ("drug-b", "r1"),
            ("drug-b", "r2"),
        ] {
            let q = f
                .questions
                .iter()
                .find(|q| q.finding == finding && q.drug == drug && q.reaction == reaction)
                .unwrap_or_else(|| panic!("no {finding} question for {drug} and {reaction}"));
            assert!(!q.could_move.is_empty() && !q.fills.is_empty());
        }
    }
    // Most telling first: no question moves more results than the first.
    let most = f
        .questions
        .iter()
        .map(|q| q.could_move.len())
        .max()
        .unwrap();
    assert_eq!(f.questions[0].could_move.len(), most);
    let dechallenge = f
        .questions
        .iter()
        .find(|q| q.finding == "dechallenge")
        .unwrap();
    assert!(
        dechallenge
            .ask
            .starts_with("Was Ingredient A stopped or its dose reduced"),
        "{}",
        dechallenge.ask
    );
}
