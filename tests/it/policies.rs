//! Policy switches: each changes the results it should, marks the steps it
//! changed, and the report says which switch and what the default would have
//! answered.

use super::fixtures::policy_from;
use crate::{shipped, source};
use causa::eval::{self, Options};
use std::path::Path;

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
