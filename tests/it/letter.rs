//! The allergist's letter: the reaction, causality before and after a
//! desensitization, the desensitization record, and the letter's formats.

use crate::{causa, shipped, source};
use causa::eval::{Options, letter};
use chrono::NaiveDate;
use std::path::Path;

fn fixture(name: &str) -> causa::case::Case {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fixtures/cases/{name}.yaml"));
    causa::case::load(&source(&path)).unwrap_or_else(|d| panic!("{}", d.render()))
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn row<'a>(l: &'a letter::Letter, method: &str) -> &'a letter::CompareRow {
    l.comparison
        .rows
        .iter()
        .find(|r| r.method == method)
        .unwrap_or_else(|| panic!("no {method} row"))
}

#[test]
fn the_reference_letter_shows_conditional_before_and_probable_after_with_the_step_that_moved() {
    let case = fixture("lenalidomide-lv-desensitization");
    let l = letter::letter(shipped(), &case, &Options::default(), None);
    // By default "before" is the day before the first desensitization (2022-10).
    assert_eq!(l.comparison.before, Some(day("2022-09-30")));
    assert!(l.comparison.before_reason.contains("desensitization-2022"));
    // Published: SEFV conditional (+3) for the first reaction (Fernández-Concha
    // 2024). After: the recurrence during desensitization "confirmed the
    // suspicion" (same source); SEFV and Naranjo read it as probable.
    let sefv = row(&l, "sefv");
    assert_eq!(sefv.before.as_deref(), Some("conditional (3)"));
    assert_eq!(sefv.after, "probable (6)");
    assert!(sefv.changed);
    assert!(
        sefv.moved
            .iter()
            .any(|m| m.contains("recurrence on days 10-16 at 2.5 mg")
                && m.contains("premedication ebastine 20 mg, prednisone 5 mg")
                && m.ends_with(
                    "`d-re-exposure` went from `no-re-exposure` (0) to `positive` (+3)"
                )),
        "{:?}",
        sefv.moved
    );
    let naranjo = row(&l, "naranjo");
    assert_eq!(naranjo.before.as_deref(), Some("possible (4)"));
    assert_eq!(naranjo.after, "probable (6)");
    // WHO-UMC's possible does not move: the myeloma stays an equally plausible cause.
    let who = row(&l, "who-umc");
    assert_eq!(
        (who.before.as_deref(), who.after.as_str()),
        (Some("possible"), "possible")
    );
    assert!(!who.changed && who.moved.is_empty());

    // The reaction: delayed, type III, not a SCAR, nothing contraindicates re-exposure.
    let lv = &l.reactions[0];
    assert_eq!(lv.timing.as_deref(), Some("delayed"));
    assert_eq!(lv.hypersensitivity_type.as_deref(), Some("type III"));
    assert_eq!(lv.scar, Some(false));
    assert_eq!(lv.contraindication, None);
    assert_eq!(lv.grade, "CTCAE grade 2");

    // The record: 2022 aimed at 15 mg and stopped at 10 mg after two
    // breakthrough reactions; 2023 reached its 10 mg target on day 25.
    let [d22, d23] = &l.desensitizations[..] else {
        panic!("two desensitizations, not {}", l.desensitizations.len())
    };
    assert_eq!(d22.target_dose.as_deref(), Some("15 mg"));
    assert_eq!(d22.target, "not reached: the highest dose given was 10 mg");
    assert_eq!(d22.breakthrough, 2);
    let recurrence = d22.steps.iter().find(|s| s.day == "10-16").unwrap();
    assert_eq!(
        recurrence.outcome,
        "recurrence of leukocytoclastic vasculitis"
    );
    assert_eq!(
        recurrence.premedication,
        ["ebastine 20 mg", "prednisone 5 mg"]
    );
    assert_eq!(recurrence.grade, "not recorded");
    assert_eq!(d22.steps[0].premedication, ["ebastine 20 mg"]);
    assert_eq!(d23.target, "reached on day 25 (10 mg)");
    assert_eq!(d23.breakthrough, 0);
}

#[test]
fn the_before_column_takes_the_day_asked_for() {
    let case = fixture("lenalidomide-lv-desensitization");
    // Before the withdrawal's result was known, SEFV stood at conditional (1).
    let l = letter::letter(
        shipped(),
        &case,
        &Options::default(),
        Some(day("2018-10-15")),
    );
    assert_eq!(l.comparison.before_reason, "as asked");
    let sefv = row(&l, "sefv");
    assert_eq!(sefv.before.as_deref(), Some("conditional (1)"));
    assert!(
        sefv.moved.iter().any(|m| m.contains("`c-withdrawal`")),
        "{:?}",
        sefv.moved
    );
    // A case without a desensitization has one column unless a day is given.
    let plain = fixture("amoxicillin-exanthem-rechallenge");
    let l = letter::letter(shipped(), &plain, &Options::default(), None);
    assert_eq!(l.comparison.before, None);
    assert!(
        l.comparison
            .rows
            .iter()
            .all(|r| r.before.is_none() && !r.changed)
    );
    assert!(l.desensitizations.is_empty());
}

#[test]
fn a_dose_that_brought_the_reaction_back_is_not_a_target_reached() {
    let case = fixture("lenalidomide-exanthem-failed-desensitization");
    let l = letter::letter(shipped(), &case, &Options::default(), None);
    assert_eq!(
        l.desensitizations[0].target,
        "not reached: given on days 38-41 (10 mg) but not tolerated (recurrence)"
    );
    // The letter as of a day before the desensitization compares with an earlier day, never a later one.
    let early = Options {
        as_of: Some(day("2021-05-01")),
        ..Options::default()
    };
    let l = letter::letter(shipped(), &case, &early, None);
    assert_eq!(l.comparison.before, None, "{}", l.comparison.before_reason);
    let out = causa(&[
        "assess",
        "fixtures/cases/lenalidomide-exanthem-failed-desensitization.yaml",
        "--view",
        "allergist",
        "--as-of",
        "2021-05-01",
        "--compare-as-of",
        "2021-06-06",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not before --as-of"));
}

#[test]
fn a_letter_after_sjs_says_re_exposure_is_contraindicated() {
    let case = fixture("lenalidomide-sjs-contraindicated");
    let l = letter::letter(shipped(), &case, &Options::default(), None);
    let r = &l.reactions[0];
    assert_eq!(r.scar, Some(true));
    assert!(
        r.contraindication
            .as_deref()
            .is_some_and(|c| c.contains("severe cutaneous adverse reaction")),
        "{:?}",
        r.contraindication
    );
    assert!(l.warnings.iter().any(|w| w.contains("contraindicated")));
}

#[test]
fn letters_as_written() {
    for name in [
        "lenalidomide-lv-desensitization",
        "lenalidomide-exanthem-failed-desensitization",
    ] {
        let out = causa(&[
            "assess",
            &format!("fixtures/cases/{name}.yaml"),
            "--view",
            "allergist",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        crate::report_settings().bind(|| {
            insta::assert_snapshot!(name, String::from_utf8_lossy(&out.stdout));
        });
    }
}

#[test]
fn the_letter_options_are_refused_where_they_mean_nothing() {
    let case = "fixtures/cases/lenalidomide-lv-desensitization.yaml";
    let out = causa(&["assess", case, "--compare-as-of", "2022-09-30"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--view allergist"));
    let out = causa(&["assess", case, "--view", "allergist", "--timeline"]);
    assert_eq!(out.status.code(), Some(2));
    let out = causa(&[
        "assess",
        case,
        "--view",
        "allergist",
        "--compare-as-of",
        "2022-13-01",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_html_letter_escapes_case_text_and_json_holds_the_same_results() {
    let dir_tmp = tempfile::tempdir().expect("temp dir");
    let dir = dir_tmp.path().to_path_buf();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/cases/lenalidomide-exanthem-failed-desensitization.yaml"
    ))
    .unwrap()
    .replace(
        "description: stopped after the recurrence in week 6",
        "description: \"stopped <script>alert(1)</script>\"",
    )
    .replace(
        "desensitization stopped\n",
        "desensitization stopped <img src=x onerror=alert(2)> `x`\n",
    );
    let path = dir.join("case.yaml");
    std::fs::write(&path, text).unwrap();
    let p = path.to_str().unwrap();
    let out = causa(&["assess", p, "--view", "allergist", "--format", "html"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(!html.contains("<script>alert"), "a script got through");
    assert!(!html.contains("<img src=x"), "an element got through");
    assert!(html.contains("stopped &lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    // Text that reaches the letter through a finding's evidence is escaped too, and only its `code` marks become elements.
    assert!(html.contains("stopped &lt;img src=x onerror=alert(2)&gt; <code>x</code>: <code>d-re-exposure</code> went from"));
    assert!(html.contains("<svg class=\"timeline\""));
    let out = causa(&["assess", p, "--view", "allergist", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sefv = v["comparison"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["method"] == "sefv")
        .unwrap();
    assert_eq!(sefv["before"], "probable (7)");
    assert_eq!(sefv["after"], "definite (10)");
    assert_eq!(
        v["desensitizations"][0]["steps"][4]["grade"],
        "CTCAE grade 2"
    );
}
