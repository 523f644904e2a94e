//! Findings on small cases written for one point each.

use crate::shipped;
use causa::diagnostic::SourceFile;
use causa::eval::{self, Options};

/// The outcome, points and reasoning of one step of one method for the case written in `text`.
pub fn step(text: &str, method: &str, drug: &str, node: &str) -> (String, i64, String) {
    let case = causa::case::load(&SourceFile {
        name: "t.yaml".into(),
        text: text.into(),
    })
    .unwrap_or_else(|d| panic!("{}", d.render()));
    let a = eval::assess(
        shipped(),
        &case,
        &Options {
            methods: vec![method.into()],
            ..Default::default()
        },
    );
    let a = a
        .assessments
        .iter()
        .find(|a| a.drug == drug)
        .expect("assessed");
    let s = a
        .steps
        .iter()
        .find(|s| s.node == node)
        .expect("step reached");
    (
        s.outcome.unwrap_or_default().to_owned(),
        s.points,
        s.reasoning.to_string(),
    )
}

#[test]
fn a_drug_is_never_an_alternative_cause_of_its_own_reaction() {
    let text = "id: t
drugs:
  - { id: a, name: allopurinol, role: suspect, exposures: [{ id: c, start: 2024-01-01 }] }
reactions:
  - { id: r, term: Stevens-Johnson syndrome, onset: day 15 of c }
alternative_causes:
  - { cause: allopurinol, refers_to: a, reaction: r, plausibility: more-plausible }
";
    let (outcome, points, _) = step(text, "sefv", "a", "e-alternative-causes");
    assert_eq!((outcome.as_str(), points), ("none-identified", 0));
}

#[test]
fn an_exposure_before_the_reaction_is_not_a_rechallenge() {
    let text = "id: t
drugs:
  - { id: a, name: amoxicillin, role: suspect, exposures: [{ id: c, start: 2024-01-01 }] }
reactions:
  - { id: r, term: maculopapular rash, onset: day 8 of c }
rechallenges:
  - { drug: a, kind: full-dose, start: 2022-03-01, steps: [{ day: \"1-7\", outcome: tolerated }] }
";
    let (outcome, points, _) = step(text, "naranjo", "a", "q4-reappeared-on-readministration");
    assert_eq!((outcome.as_str(), points), ("not-done", 0));
}

#[test]
fn only_other_suspects_restarted_alongside_weaken_a_recurrence() {
    let case = |role: &str| {
        format!(
            "id: t
drugs:
  - {{ id: a, name: amoxicillin, role: suspect, exposures: [{{ id: c, start: 2024-01-01 }}] }}
  - {{ id: b, name: dexamethasone, role: {role}, exposures: [{{ start: 2024-01-01 }}] }}
reactions:
  - {{ id: r, term: maculopapular rash, onset: day 8 of c }}
rechallenges:
  - {{ drug: a, kind: accidental, start: 2024-03-01, with_drugs: [b], steps: [{{ day: \"1\", outcome: recurrence, reaction: r }}] }}
"
        )
    };
    assert_eq!(
        step(&case("concomitant"), "sefv", "a", "d-re-exposure").0,
        "positive"
    );
    let (outcome, points, _) = step(&case("suspect"), "sefv", "a", "d-re-exposure");
    assert_eq!((outcome.as_str(), points), ("positive-with-co-suspects", 1));
}

#[test]
fn an_earlier_reaction_to_another_drug_does_not_sensitize() {
    let text = "id: t
patient:
  previous_reactions:
    - { drug: amoxicillin, reaction: maculopapular rash, date: 2023-01 }
drugs:
  - { id: l, name: lenalidomide, role: suspect, exposures: [{ id: c, start: 2024-01-01 }] }
reactions:
  - { id: r, term: maculopapular rash, onset: day 10 of c }
";
    let (outcome, _, reasoning) = step(text, "sefv", "l", "a-time-sequence");
    assert_eq!(outcome, "compatible", "{reasoning}");
    assert!(reasoning.contains("first-exposure windows"), "{reasoning}");
}

#[test]
fn an_earlier_reaction_to_the_same_drug_widens_the_windows_to_re_exposure() {
    let text = "id: t
patient:
  previous_reactions:
    - { drug: Revlimid, reaction: maculopapular rash, date: 2023-01 }
drugs:
  - { id: l, name: lenalidomide, role: suspect, exposures: [{ id: c, start: 2024-01-01 }] }
reactions:
  - { id: r, term: maculopapular rash, onset: day 2 of c }
";
    let (outcome, _, reasoning) = step(text, "sefv", "l", "a-time-sequence");
    assert_eq!(outcome, "compatible", "{reasoning}");
    assert!(
        reasoning.contains("first-exposure and re-exposure windows"),
        "{reasoning}"
    );
}

#[test]
fn a_disagreement_of_more_than_one_step_names_what_drives_it() {
    let text = "id: t
drugs:
  - { id: a, name: amoxicillin, role: suspect, action_taken: withdrawn, exposures: [{ id: c, start: 2024-01-01, stop: 2024-01-08 }] }
reactions:
  - { id: r, term: maculopapular rash, onset: day 8 of c, end: 2024-01-15, outcome: recovered }
investigations:
  - { test: patch test, result: positive, supports: drug, drug: a, reaction: r }
rechallenges:
  - { drug: a, kind: accidental, start: 2024-03-01, steps: [{ day: \"1\", outcome: recurrence, reaction: r }] }
alternative_causes:
  - { cause: viral exanthem, reaction: r, plausibility: equally-plausible, evidence_for: [fever and pharyngitis] }
";
    let case = causa::case::load(&SourceFile {
        name: "t.yaml".into(),
        text: text.into(),
    })
    .unwrap();
    let a = eval::assess(shipped(), &case, &Options::default());
    let sefv = a.assessments.iter().find(|x| x.method == "sefv").unwrap();
    let who = a
        .assessments
        .iter()
        .find(|x| x.method == "who-umc")
        .unwrap();
    assert_eq!((sefv.category, who.category), ("definite", "possible"));
    let s = &a.summary[0];
    assert_eq!(s.spread, Some(2));
    assert!(s.disagreement);
    assert!(
        s.drivers
            .iter()
            .any(|d| d.starts_with("sefv definite") && d.contains("`d-re-exposure` positive (+3)")),
        "{:?}",
        s.drivers
    );
    assert!(
        s.drivers.iter().any(|d| d.starts_with("who-umc possible")
            && d.contains("not probable: `probable-alternatives` fails")),
        "{:?}",
        s.drivers
    );
    let text = causa::report::markdown(&a);
    assert!(text.contains("**differ by 2 steps**"), "{text}");
    assert!(
        text.contains("Disagreements of more than one step"),
        "{text}"
    );
}

fn alden_scores(text: &str) -> Vec<(String, Option<i64>)> {
    let case = causa::case::load(&SourceFile {
        name: "t.yaml".into(),
        text: text.into(),
    })
    .unwrap_or_else(|d| panic!("{}", d.render()));
    let a = eval::assess(
        shipped(),
        &case,
        &Options {
            methods: vec!["alden".into()],
            ..Default::default()
        },
    );
    a.assessments
        .iter()
        .map(|x| (x.drug.clone(), x.score))
        .collect()
}

#[test]
fn a_titration_written_as_back_to_back_exposures_is_one_course() {
    let text = "id: t
drugs:
  - id: ltg
    name: lamotrigine
    role: suspect
    exposures:
      - { id: a, start: 2024-04-02, stop: 2024-04-17, dose: 25 mg }
      - { id: b, start: 2024-04-18, stop: 2024-04-21, dose: 50 mg }
reactions:
  - { id: r, term: Stevens-Johnson syndrome, onset: 2024-04-21 }
";
    // 19 days from the first dose (suggestive, +3), present, no earlier course, stopped, high risk (+3).
    assert_eq!(alden_scores(text), vec![("ltg".to_string(), Some(6))]);
}

#[test]
fn alden_item_6_spares_the_top_ranked_drug() {
    let text = "id: t
drugs:
  - { id: allo, name: allopurinol, role: suspect, exposures: [{ start: 2024-02-05 }] }
  - { id: lev, name: levetiracetam, role: concomitant, exposures: [{ start: 2024-02-05 }] }
reactions:
  - { id: r, term: Stevens-Johnson syndrome, onset: 2024-02-19 }
";
    // allopurinol 3 + 0 + 0 + 0 + 3 = 6 keeps 6; levetiracetam 3 + 0 + 0 + 0 - 1
    // (not suspected, Frey 2017) = 2 loses a point.
    assert_eq!(
        alden_scores(text),
        vec![("allo".to_string(), Some(6)), ("lev".to_string(), Some(1))]
    );
}

#[test]
fn another_suspect_nothing_links_to_the_reaction_costs_nothing() {
    let text = "id: t
drugs:
  - { id: a, name: amoxicillin, role: suspect, exposures: [{ id: c, start: 2024-01-01 }] }
  - { id: z, name: drug-without-knowledge, role: suspect, exposures: [{ start: 2024-01-01 }] }
  - { id: a2, name: amoxicillin, role: suspect, exposures: [{ start: 2024-01-01 }] }
reactions:
  - { id: r, term: maculopapular rash, onset: day 8 of c }
";
    let (outcome, points, why) = step(text, "naranjo", "a", "q5-alternative-causes");
    assert_eq!((outcome.as_str(), points), ("none-identified", 0), "{why}");
    let (outcome, points, _) = step(text, "sefv", "a", "e-alternative-causes");
    assert_eq!((outcome.as_str(), points), ("none-identified", 0));
}

#[test]
fn a_linked_co_suspect_with_an_incompatible_latency_is_less_plausible() {
    // Allopurinol is a high-risk drug for SJS/TEN (more plausible than
    // amoxicillin), but it was started about 105 days before the onset,
    // beyond the 56 days a first exposure plausibly takes.
    let text = "id: t
drugs:
  - { id: a, name: amoxicillin, role: suspect, exposures: [{ id: c, start: 2024-03-01 }] }
  - { id: al, name: allopurinol, role: suspect, exposures: [{ start: 2023-12-01 }] }
reactions:
  - { id: r, term: Stevens-Johnson syndrome, onset: day 15 of c }
";
    let (outcome, _, why) = step(text, "naranjo", "a", "q5-alternative-causes");
    assert_eq!(outcome, "less-plausible", "{why}");
}

#[test]
fn an_earlier_course_that_ended_does_not_make_a_continued_drug_stopped() {
    let text = "id: t
drugs:
  - id: a
    name: allopurinol
    role: suspect
    action_taken: dose-not-changed
    exposures:
      - { id: c1, start: 2023-01-01, stop: 2023-02-01 }
      - { id: c2, start: 2024-01-01 }
reactions:
  - { id: r, term: Stevens-Johnson syndrome, onset: day 15 of c2, outcome: not-recovered }
";
    let (outcome, points, why) = step(text, "alden", "a", "c4-dechallenge");
    assert_eq!((outcome.as_str(), points), ("unknown", 0), "{why}");
    assert!(why.contains("the drug was continued"), "{why}");
}

#[test]
fn a_reaction_that_resulted_in_death_left_lasting_harm() {
    let text = "id: t
drugs:
  - { id: a, name: amoxicillin, role: suspect, exposures: [{ id: c, start: 2024-01-01 }] }
reactions:
  - { id: r, term: maculopapular rash, onset: day 8 of c, seriousness: [death] }
";
    let (outcome, _, why) = step(text, "lcat", "a", "q4-lasting-harm");
    assert_eq!(outcome, "yes", "{why}");
}

#[test]
fn a_concomitant_nothing_links_to_the_reaction_is_listed_as_considered() {
    let text = "id: t
drugs:
  - { id: a, name: amoxicillin, role: suspect, exposures: [{ id: c, start: 2024-01-01 }] }
  - { id: p, name: paracetamol-like-x, role: concomitant, exposures: [{ id: pc, start: 2024-01-01 }] }
reactions:
  - { id: r, term: maculopapular rash, onset: day 8 of c }
";
    let case = causa::case::load(&SourceFile {
        name: "t.yaml".into(),
        text: text.into(),
    })
    .unwrap();
    let a = eval::assess(
        shipped(),
        &case,
        &Options {
            methods: vec!["sefv".into()],
            ..Default::default()
        },
    );
    let s = a.assessments[0]
        .steps
        .iter()
        .find(|s| s.node == "e-alternative-causes")
        .unwrap();
    assert_eq!(s.outcome, Some("none-identified"));
    assert!(
        s.evidence.iter().any(|e| e.value
            == "paracetamol-like-x, concomitant: considered, no link to this reaction known"),
        "{:?}",
        s.evidence
    );
}

/// A desensitization's tolerance read under the `negative` policy: the outcome
/// and points of Naranjo question 4 for the given steps.
fn tolerance_read_as_negative(steps: &str) -> (String, i64, String) {
    let text = format!(
        "id: t
drugs:
  - {{ id: a, name: lenalidomide, role: suspect, exposures: [{{ id: c, start: 2024-01-01, dose: 25 mg }}] }}
reactions:
  - {{ id: r, term: maculopapular rash, onset: day 10 of c }}
rechallenges:
  - {{ drug: a, kind: desensitization, start: 2024-06-01, premedication: [cetirizine], steps: {steps} }}
"
    );
    let case = causa::case::load(&SourceFile {
        name: "t.yaml".into(),
        text,
    })
    .unwrap_or_else(|d| panic!("{}", d.render()));
    let mut policy = shipped().policy.clone();
    policy
        .apply("tolerance-under-desensitization=negative")
        .expect("a known switch");
    let a = eval::assess(
        shipped(),
        &case,
        &Options {
            methods: vec!["naranjo".into()],
            policy: Some(policy),
            ..Default::default()
        },
    );
    let s = a.assessments[0]
        .steps
        .iter()
        .find(|s| s.node == "q4-reappeared-on-readministration")
        .expect("step reached");
    (
        s.outcome.unwrap_or_default().to_owned(),
        s.points,
        s.reasoning.to_string(),
    )
}

#[test]
fn tolerance_under_desensitization_counts_only_once_the_index_dose_is_reached() {
    // Every step below the 25 mg the reaction began on: not a negative rechallenge, whatever the policy.
    let (outcome, points, why) = tolerance_read_as_negative(
        r#"[{ day: "1", dose: 0.1 mg, outcome: tolerated }, { day: "2", dose: 2.5 mg, outcome: tolerated }, { day: "3-9", dose: 10 mg, outcome: tolerated }]"#,
    );
    assert_eq!(
        (outcome.as_str(), points),
        ("not-interpretable", 0),
        "{why}"
    );
    assert!(why.contains("up to 10 mg, below the 25 mg"), "{why}");
    // The step that reaches 25 mg makes the tolerance count, under this policy.
    let (outcome, points, _) = tolerance_read_as_negative(
        r#"[{ day: "1", dose: 0.1 mg, outcome: tolerated }, { day: "2-8", dose: 25 mg, outcome: tolerated }]"#,
    );
    assert_eq!((outcome.as_str(), points), ("negative", -1));
    // Doses not written: whether the index dose was reached is not known, so nothing counts.
    let (outcome, points, why) =
        tolerance_read_as_negative(r#"[{ day: "1-14", outcome: tolerated }]"#);
    assert_eq!(
        (outcome.as_str(), points),
        ("not-interpretable", 0),
        "{why}"
    );
    assert!(why.contains("do not show whether it reached"), "{why}");
}
