//! Times as reports write them: every form of the time language, chains of
//! relative times, order established by events, earlier exposures, single
//! doses, cycle days, and readings of latencies that straddle a window.

use crate::findings::step;
use causa::case::Case;
use causa::diagnostic::SourceFile;
use causa::time::{DaySpan, UNBOUNDED};
use proptest::prelude::*;

fn load(text: &str) -> Case {
    causa::case::load(&SourceFile {
        name: "t.yaml".into(),
        text: text.into(),
    })
    .unwrap_or_else(|d| panic!("{}", d.render()))
}

/// The days from the start of exposure `exposure` of drug `drug` to the onset of reaction `reaction`.
fn latency(case: &Case, drug: usize, exposure: usize, reaction: usize) -> DaySpan {
    case.times.between(
        case.drugs[drug].exposures[exposure].start_at,
        case.reactions[reaction].onset_at,
    )
}

fn span(min: i64, max: i64) -> DaySpan {
    DaySpan { min, max }
}

#[test]
fn every_form_of_the_time_language_bounds_the_latency() {
    let forms: &[(&str, DaySpan)] = &[
        ("2024-01-20", span(10, 10)),
        ("2024-01", span(-9, 21)),
        ("2024-01-18..2024-01-20", span(8, 10)),
        ("day 3 of e", span(2, 2)),
        ("day 3-4 of e", span(2, 3)),
        ("day 16 of cycle 3 of e", span(71, 71)),
        ("day 16 of cycle 3 of d", span(71, 71)),
        ("10 days after e", span(10, 10)),
        ("1-2 weeks after e", span(7, 14)),
        ("2 months after e", span(56, 62)),
        ("1 year after e", span(365, 366)),
        ("a week after d", span(7, 7)),
        ("after e", span(0, UNBOUNDED)),
        ("more than 6 months after e", span(169, UNBOUNDED)),
        ("at least 2 weeks after e", span(14, UNBOUNDED)),
        ("less than 3 days after e", span(0, 2)),
        ("within 3 days after e", span(0, 3)),
        ("up to 1 month after e", span(0, 31)),
        ("within 2 days of e", span(-2, 2)),
        ("e", span(0, 0)),
        ("same day as e", span(0, 0)),
        ("e.stop", span(40, 40)),
        ("e.end", span(40, 40)),
        ("3 days before e.stop", span(37, 37)),
        ("2 days after hives", span(12, 12)),
    ];
    for (written, expected) in forms {
        let text = format!(
            "id: t
drugs:
  - id: d
    name: lenalidomide
    role: suspect
    exposures:
      - {{ id: e, start: 2024-01-10, stop: 2024-02-19, regimen: days 1-21 of 28 }}
reactions:
  - {{ id: hives, term: urticaria, onset: 2024-01-20 }}
  - {{ id: r, term: maculopapular rash, onset: \"{written}\" }}
"
        );
        let case = load(&text);
        assert_eq!(latency(&case, 0, 0, 1), *expected, "{written}");
    }
}

#[test]
fn relative_times_stay_linked_however_imprecise_their_anchor() {
    // The example: ibuprofen's start is known only to a range of years.
    let text = "id: t
drugs:
  - { id: ibuprofen, name: ibuprofen, role: concomitant, exposures: [{ id: ibuprofen-course, start: 2003..2010 }] }
  - { id: lamotrigine, name: lamotrigine, role: suspect, exposures: [{ id: lamotrigine-course, start: 1 day after ibuprofen-course }] }
reactions:
  - { id: sjs, term: Stevens-Johnson syndrome, onset: 1-24 days after lamotrigine-course }
";
    let case = load(text);
    assert_eq!(latency(&case, 1, 0, 0), span(1, 24));
    assert_eq!(latency(&case, 0, 0, 0), span(2, 25));
    // The onset's calendar days stay as wide as the anchor's.
    assert_eq!(
        case.reactions[0].onset.unwrap().to_string(),
        "2003-01-03..2011-01-25"
    );
    // ALDEN's delay spans two classes: the lower is taken, and the trace names both.
    let (outcome, points, why) = step(text, "alden", "lamotrigine", "c1-delay");
    assert_eq!((outcome.as_str(), points), ("cannot-tell", 1), "{why}");
    assert!(why.contains("delay 1 to 24 days"), "{why}");
    assert!(
        why.contains(
            "`suggestive` (+3) or `likely` (+1) possible; lower reading `likely` (+1) taken"
        ),
        "{why}"
    );
    assert!(
        why.contains("`sjs` began 1-24 days after `lamotrigine-course` (line 6)"),
        "{why}"
    );
}

#[test]
fn a_chain_is_explained_fact_by_fact_with_its_lines() {
    let text = "id: t
drugs:
  - { id: ibuprofen, name: ibuprofen, role: suspect, exposures: [{ id: ibuprofen-course, start: 2003..2010 }] }
  - { id: lamotrigine, name: lamotrigine, role: suspect, exposures: [{ id: lamotrigine-course, start: 1 day after ibuprofen-course }] }
reactions:
  - { id: sjs, term: Stevens-Johnson syndrome, onset: 1-24 days after lamotrigine-course }
";
    let (_, _, why) = step(text, "naranjo", "ibuprofen", "q2-event-after-drug");
    assert!(
        why.contains("onset 2 to 25 days after the start of `ibuprofen-course`, as `lamotrigine-course` started 1 day after `ibuprofen-course` (line 4), and `sjs` began 1-24 days after `lamotrigine-course` (line 6)"),
        "{why}"
    );
}

#[test]
fn two_drugs_started_the_same_day_share_their_delay() {
    let text = "id: t
drugs:
  - { id: allopurinol, name: allopurinol, role: suspect, exposures: [{ id: allo, start: 2024-02-05 }] }
  - { id: cotrimoxazole, name: trimethoprim-sulfamethoxazole, role: suspect, exposures: [{ id: ctx, start: same day as allo }] }
reactions:
  - { id: sjs, term: Stevens-Johnson syndrome, onset: 14 days after ctx }
";
    for drug in ["allopurinol", "cotrimoxazole"] {
        let (outcome, points, why) = step(text, "alden", drug, "c1-delay");
        assert_eq!(
            (outcome.as_str(), points),
            ("suggestive", 3),
            "{drug}: {why}"
        );
    }
}

#[test]
fn a_single_dose_long_before_onset_is_gone_from_the_body() {
    // Naproxen's half-life is about 14 h: five half-lives are 70 h, and a
    // single dose 7 to 10 days before the onset is surely gone.
    let text = "id: t
drugs:
  - { id: naproxen, name: naproxen, role: suspect, exposures: [{ id: dose, start: 7-10 days before sjs, single_dose: true }] }
reactions:
  - { id: sjs, term: Stevens-Johnson syndrome }
";
    let (outcome, points, why) = step(text, "alden", "naproxen", "c2-drug-present");
    assert_eq!((outcome.as_str(), points), ("excluded", -3), "{why}");
    assert!(why.contains("144-264 h, over 70 h"), "{why}");
    let (outcome, points, why) = step(text, "alden", "naproxen", "c1-delay");
    assert_eq!((outcome.as_str(), points), ("suggestive", 3), "{why}");
    let (outcome, _, _) = step(text, "lcat", "naproxen", "q3-dechallenge-assessable");
    assert_eq!(outcome, "single-administration");
}

#[test]
fn a_stop_on_both_sides_of_five_half_lives_takes_alden_s_stated_reading() {
    // Stopped 2 days before onset: 24 to 72 h, against 70 h.
    let text = "id: t
drugs:
  - { id: naproxen, name: naproxen, role: suspect, exposures: [{ id: c, start: 2024-03-01, stop: 2 days before sjs }] }
reactions:
  - { id: sjs, term: Stevens-Johnson syndrome, onset: 2024-03-12 }
";
    let (outcome, points, why) = step(text, "alden", "naproxen", "c2-drug-present");
    assert_eq!((outcome.as_str(), points), ("cannot-tell", 0), "{why}");
    assert!(
        why.contains(
            "`definite` (+0) or `excluded` (-3) possible; higher reading `definite` (+0) taken"
        ),
        "{why}"
    );
}

#[test]
fn earlier_exposures_count_dated_or_not() {
    let tolerated = "id: t
drugs:
  - id: a
    name: allopurinol
    role: suspect
    earlier_exposures: [{ outcome: tolerated }]
    exposures: [{ id: c, start: 2024-01-01 }]
reactions:
  - { id: sjs, term: Stevens-Johnson syndrome, onset: day 15 of c }
";
    let (outcome, points, _) = step(tolerated, "alden", "a", "c3-prechallenge");
    assert_eq!((outcome.as_str(), points), ("tolerated", -2));
    let reacted = "id: t
drugs:
  - id: a
    name: allopurinol
    role: suspect
    earlier_exposures: [{ when: more than 1 year before c, outcome: reaction, reaction: Stevens-Johnson syndrome }]
    exposures: [{ id: c, start: 2024-01-01 }]
reactions:
  - { id: sjs, term: Stevens-Johnson syndrome, onset: day 3 of c }
";
    let (outcome, points, _) = step(reacted, "alden", "a", "c3-prechallenge");
    assert_eq!((outcome.as_str(), points), ("same-reaction-same-drug", 4));
    // After a reaction to the same drug, 1 to 4 days is suggestive.
    let (outcome, points, _) = step(reacted, "alden", "a", "c1-delay");
    assert_eq!((outcome.as_str(), points), ("suggestive", 3));
    let (outcome, points, _) = step(reacted, "naranjo", "a", "q9-previous-similar-reaction");
    assert_eq!((outcome.as_str(), points), ("same-drug", 1));
    // An earlier exposure dated after the one under assessment contradicts the format.
    let wrong = reacted.replace("more than 1 year before c", "2025-01");
    let err = causa::case::load(&SourceFile {
        name: "t.yaml".into(),
        text: wrong,
    })
    .unwrap_err();
    assert!(
        err.render().contains("case::contradictory-times"),
        "{}",
        err.render()
    );
}

#[test]
fn order_comes_from_events_when_no_time_settles_it() {
    let withdrawn = "id: t
drugs:
  - { id: a, name: amoxicillin, role: suspect, exposures: [{ id: c }] }
reactions:
  - { id: r, term: maculopapular rash }
dechallenges:
  - { drug: a, reaction: r, action: withdrawn, outcome: improved }
";
    let (outcome, points, why) = step(withdrawn, "naranjo", "a", "q2-event-after-drug");
    assert_eq!((outcome.as_str(), points), ("yes", 2), "{why}");
    assert!(
        why.contains("improved once the drug was withdrawn"),
        "{why}"
    );
    let recurred = "id: t
drugs:
  - { id: a, name: amoxicillin, role: suspect, exposures: [{ id: c }] }
reactions:
  - { id: r, term: maculopapular rash }
rechallenges:
  - { drug: a, kind: accidental, steps: [{ outcome: recurrence, reaction: r }] }
";
    let (outcome, points, why) = step(recurred, "naranjo", "a", "q2-event-after-drug");
    assert_eq!((outcome.as_str(), points), ("yes", 2), "{why}");
    assert!(
        why.contains("came back when the drug was given again"),
        "{why}"
    );
    // Without either, the order stays unknown: no evidence against the drug.
    let nothing = "id: t
drugs:
  - { id: a, name: amoxicillin, role: suspect, exposures: [{ id: c }] }
reactions:
  - { id: r, term: maculopapular rash }
";
    let (outcome, points, _) = step(nothing, "naranjo", "a", "q2-event-after-drug");
    assert_eq!((outcome.as_str(), points), ("unknown", 0));
    // Dates that put the drug after the onset are not overruled by events.
    let after = "id: t
drugs:
  - { id: a, name: amoxicillin, role: suspect, exposures: [{ id: c, start: 2024-03-10 }] }
reactions:
  - { id: r, term: maculopapular rash, onset: 2024-03-01 }
dechallenges:
  - { drug: a, reaction: r, action: withdrawn, outcome: improved }
";
    let (outcome, points, _) = step(after, "naranjo", "a", "q2-event-after-drug");
    assert_eq!((outcome.as_str(), points), ("no", -1));
}

#[test]
fn a_latency_inside_the_plausible_window_is_at_least_compatible_not_coherent() {
    // 2 to 10 days for a maculopapular exanthem: typical 4-14, plausible 1-21.
    let text = "id: t
drugs:
  - { id: a, name: amoxicillin, role: suspect, exposures: [{ id: c, start: 2024-03-01 }] }
reactions:
  - { id: r, term: maculopapular rash, onset: 2024-03-03..2024-03-11 }
";
    let (outcome, points, why) = step(text, "sefv", "a", "a-time-sequence");
    assert_eq!((outcome.as_str(), points), ("cannot-tell", 1), "{why}");
    assert!(
        why.contains("lower reading `compatible-not-coherent` (+1) taken"),
        "{why}"
    );
    // WHO-UMC's probable rung accepts either: every reading agrees.
    let (outcome, _, why) = step(text, "who-umc", "a", "probable-time");
    assert_eq!(outcome, "cannot-tell");
    assert!(
        why.contains("every reading the times allow gives `holds`"),
        "{why}"
    );
    // Only the order known, not the delay: no information, not a reading.
    let order_only = text.replace("2024-03-03..2024-03-11", "after c");
    let (outcome, points, why) = step(&order_only, "sefv", "a", "a-time-sequence");
    assert_eq!((outcome.as_str(), points), ("unknown", 0), "{why}");
    assert!(
        why.contains("gives the order but not how long after"),
        "{why}"
    );
}

#[test]
fn a_rash_in_a_later_cycle_is_read_against_the_drug_s_own_window() {
    let text = "id: t
drugs:
  - id: len
    name: lenalidomide
    role: suspect
    exposures: [{ id: c, start: 2024-01-01, regimen: days 1-21 of 28 }]
reactions:
  - { id: r, term: maculopapular rash, onset: day 16 of cycle 3 of c }
";
    let (outcome, points, why) = step(text, "sefv", "len", "a-time-sequence");
    // 71 days: outside lenalidomide's typical 4-28, inside its plausible 1-84.
    assert_eq!(
        (outcome.as_str(), points),
        ("compatible-not-coherent", 1),
        "{why}"
    );
    assert!(
        why.contains("onset 71 days after the start of `c`"),
        "{why}"
    );
    assert!(why.contains("day 16 of cycle 3"), "{why}");
    assert!(
        why.contains("lenalidomide and maculopapular-exanthem"),
        "{why}"
    );
    // A knowledge base that measures this window from the start of the cycle reads day 16.
    let mut files = causa::rules::shipped_files();
    for f in &mut files.files {
        if f.name.ends_with("kb/imids.yaml") {
            assert!(f.text.contains("from: first-dose"));
            // The first such window is lenalidomide's for the exanthem.
            f.text = f.text.replacen("from: first-dose", "from: cycle-start", 1);
        }
    }
    let rules = causa::rules::load(&files).expect("valid rules");
    let case = load(text);
    let a = causa::eval::assess(
        &rules,
        &case,
        &causa::eval::Options {
            methods: vec!["sefv".into()],
            ..Default::default()
        },
    );
    let s = a.assessments[0]
        .steps
        .iter()
        .find(|s| s.node == "a-time-sequence")
        .unwrap();
    assert_eq!(
        (s.outcome, s.points),
        (Some("compatible"), 2),
        "{}",
        s.reasoning
    );
    assert!(
        s.reasoning
            .contains("count from the start of the current cycle"),
        "{}",
        s.reasoning
    );
}

#[test]
fn a_cycle_day_needs_a_cyclic_regimen() {
    let text = "id: t
drugs:
  - { id: a, name: lenalidomide, role: suspect, exposures: [{ id: c, start: 2024-01-01, regimen: daily }] }
reactions:
  - { id: r, term: maculopapular rash, onset: day 16 of cycle 3 of c }
";
    let err = causa::case::load(&SourceFile {
        name: "t.yaml".into(),
        text: text.into(),
    })
    .unwrap_err()
    .render();
    assert!(
        err.contains("`c` has no cyclic regimen to count cycles in"),
        "{err}"
    );
}

#[test]
fn an_assessment_as_of_a_day_leaves_out_facts_not_yet_known() {
    // The reaction's end places its onset early in the month; before the end
    // has surely come, the onset is known only to the month.
    let text = "id: t
drugs:
  - { id: a, name: amoxicillin, role: suspect, exposures: [{ id: c, start: 2024-01-01 }] }
reactions:
  - { id: r, term: maculopapular rash, onset: 2024-01, end: 2024-01-09 }
";
    let case = load(text);
    assert_eq!(latency(&case, 0, 0, 0), span(0, 8));
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2024, 1, d).unwrap();
    assert_eq!(latency(&case.known_by(day(5)), 0, 0, 0), span(0, 30));
    assert_eq!(latency(&case.known_by(day(20)), 0, 0, 0), span(0, 8));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A case whose times are all exact dates gives the difference of its
    /// dates as the latency, as calendar arithmetic does; an onset written
    /// relative to the start gives the same.
    #[test]
    fn exact_dates_give_the_calendar_difference(start in 0i64..3000, delay in -60i64..400, length in 0i64..400) {
        let day = |n: i64| {
            chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(n as u64)
        };
        let (s, o, t) = (day(start), day((start + delay).max(0)), day(start + length));
        let written = format!("id: t
drugs:
  - {{ id: a, name: amoxicillin, role: suspect, exposures: [{{ id: c, start: {s}, stop: {t} }}] }}
reactions:
  - {{ id: r, term: maculopapular rash, onset: {o} }}
");
        let case = load(&written);
        let expected = (o - s).num_days();
        prop_assert_eq!(latency(&case, 0, 0, 0), span(expected, expected));
        if expected >= 0 {
            let relative = written.replace(&format!("onset: {o}"), &format!("onset: {expected} days after c"));
            let case = load(&relative);
            prop_assert_eq!(latency(&case, 0, 0, 0), span(expected, expected));
            prop_assert_eq!(case.reactions[0].onset.map(|r| r.earliest), Some(o));
        }
    }
}

#[test]
fn a_condition_over_before_the_onset_by_a_relative_end_is_not_a_cause() {
    let text = "id: t
patient:
  conditions: [{ id: ebv, name: infectious mononucleosis, end: more than 2 months before r }]
drugs:
  - { id: d, name: amoxicillin, role: suspect, exposures: [{ start: 2020-02-01 }] }
reactions:
  - { id: r, term: maculopapular rash, onset: 2020-02-08 }
";
    let (outcome, points, why) = step(text, "naranjo", "d", "q5-alternative-causes");
    assert_eq!((outcome.as_str(), points), ("none-identified", 0), "{why}");
}

#[test]
fn only_surely_back_to_back_exposures_are_one_course() {
    // The first course stopped some time in 2019: perhaps the day before the
    // second began, perhaps months before. It is not joined to it.
    let text = "id: t
drugs:
  - { id: d, name: allopurinol, role: suspect, exposures: [{ id: c1, start: 2019-01-01, stop: 2019 }, { id: c2, start: 2019-12-01 }] }
reactions:
  - { id: r, term: Stevens-Johnson syndrome, onset: 2019-12-15 }
";
    let (outcome, points, why) = step(text, "alden", "d", "c1-delay");
    assert_eq!((outcome.as_str(), points), ("suggestive", 3), "{why}");
    // Stopped on the day the next began: one course, counted from its first day.
    let titration = text.replace("stop: 2019 }", "stop: c2 }");
    let (outcome, points, why) = step(&titration, "alden", "d", "c1-delay");
    assert_eq!((outcome.as_str(), points), ("unlikely", -1), "{why}");
}

#[test]
fn a_drug_starts_no_later_than_an_exposure_known_only_by_its_stop() {
    let text = "id: t
drugs:
  - { id: d, name: amoxicillin, role: suspect, exposures: [{ id: a, stop: 2020-01-10 }, { id: b, start: 2020-02-01 }] }
reactions:
  - { id: r, term: maculopapular rash, onset: 5 days after d }
";
    let case = load(text);
    let onset = case.times.range(case.reactions[0].onset_at);
    assert_eq!(onset, None, "the onset has no lower bound");
    let to_b = latency(&case, 0, 1, 0);
    assert!(
        to_b.max <= -17,
        "the onset is at least 17 days before b started: {to_b:?}"
    );
}

#[test]
fn an_assessment_as_of_a_day_names_the_items_it_shows() {
    let text = "id: t
drugs:
  - id: d
    name: amoxicillin
    role: suspect
    exposures:
      - { id: early, start: 2019-06-01, stop: 2019-06-05, known_since: 2020-03-01 }
      - { id: first, start: 2020-02-01, stop: 2020-02-03 }
      - { id: second, start: 2020-02-04 }
reactions:
  - { id: r, term: maculopapular rash, onset: 2020-02-03 }
";
    let case = load(text).known_by(chrono::NaiveDate::from_ymd_opt(2020, 2, 20).unwrap());
    let e = &case.drugs[0].exposures[0];
    assert_eq!(e.id.as_deref(), Some("first"));
    let chain = case.chain(e.start_at, case.reactions[0].onset_at);
    assert!(chain.contains("`first` started on 2020-02-01"), "{chain}");
}

#[test]
fn dates_of_any_four_digit_year_stay_bounded() {
    let text = "id: t
drugs:
  - { id: d, name: amoxicillin, role: suspect, exposures: [{ id: e, start: 9999-12-01 }] }
reactions:
  - { id: r, term: maculopapular rash, onset: 9999-12-10 }
";
    assert_eq!(latency(&load(text), 0, 0, 0), span(9, 9));
    let far = text
        .replace("9999-12-01", "0000-01-01")
        .replace("9999-12-10", "9999-12-31");
    assert!(latency(&load(&far), 0, 0, 0).is_bounded());
}

#[test]
fn a_cycle_day_past_the_end_of_the_cycle_is_an_error() {
    let text = "id: t
drugs:
  - { id: d, name: lenalidomide, role: suspect, exposures: [{ id: e, start: 2024-01-01, regimen: days 1-21 of 28 }] }
reactions:
  - { id: r, term: maculopapular rash, onset: day 40 of cycle 1 of e }
";
    let err = causa::case::load(&SourceFile {
        name: "t.yaml".into(),
        text: text.into(),
    })
    .unwrap_err()
    .render();
    assert!(
        err.contains("`day 40` is past the end of `e`'s 28-day cycle"),
        "{err}"
    );
}

#[test]
fn imprecise_dates_allowing_readings_for_and_against_the_drug_say_nothing() {
    // 15 to 24 days for a maculopapular exanthem (plausible up to 21):
    // compatible but not coherent, or incompatible.
    let text = "id: t
drugs:
  - { id: d, name: amoxicillin, role: suspect, exposures: [{ id: e, start: 2020-01-01..2020-01-10 }] }
reactions:
  - { id: r, term: maculopapular rash, onset: 2020-01-25 }
";
    let (outcome, points, why) = step(text, "sefv", "d", "a-time-sequence");
    assert_eq!((outcome.as_str(), points), ("cannot-tell", 0), "{why}");
    assert!(
        why.contains("readings for and against the drug, so they say nothing either way"),
        "{why}"
    );
}

#[test]
fn a_large_case_is_solved_a_point_at_a_time() {
    // 300 concomitant drugs, each started some days after the suspect.
    let mut text = String::from(
        "id: t\ndrugs:\n  - { id: s, name: amoxicillin, role: suspect, exposures: [{ id: e0, start: 2020-01-01 }] }\n",
    );
    for i in 0..300 {
        text.push_str(&format!(
            "  - {{ id: c{i}, name: drug{i}, role: concomitant, exposures: [{{ id: x{i}, start: {} days after e0 }}] }}\n",
            i % 5 + 1
        ));
    }
    text.push_str("reactions:\n  - { id: r, term: maculopapular rash, onset: 10 days after x7 }\n");
    let case = load(&text);
    assert_eq!(latency(&case, 0, 0, 0), span(13, 13));
    assert_eq!(latency(&case, 8, 0, 0), span(10, 10));
    assert_eq!(latency(&case, 1, 0, 0), span(12, 12));
}
