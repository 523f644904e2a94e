//! The importers on the inputs of a review: a D.8 entry for the course
//! assessed, dosage dates in an SXPR_TS and intended doses, openFDA reports
//! that do not name a drug or reaction, an empty openFDA response, a negative
//! age and the year 0000.

use super::causa;
use serde_json::{Value, json};

/// The cases `causa import FORMAT FILE --format json` writes, one per line.
fn imported(format: &str, file: &str) -> Vec<Value> {
    let out = causa(&["import", format, file, "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Runs `causa ARGS` expecting exit 2 with nothing on stdout; returns stderr.
fn refused(args: &[&str]) -> String {
    let out = causa(args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?} wrote output: {err}");
    err
}

/// A batch of `file`: its summary line and its errors file, with exit 2.
fn batch_with_errors(file: &str, name: &str) -> (String, String) {
    let dir_tmp = tempfile::Builder::new()
        .prefix(&format!("causa-review-{name}-"))
        .tempdir()
        .expect("temp dir");
    let dir = dir_tmp.path().to_path_buf();
    let out = dir.join("rows.csv");
    let o = causa(&["batch", file, "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "rejected records give exit 2");
    let errors = std::fs::read_to_string(format!("{}.errors.csv", out.display())).unwrap();
    (String::from_utf8_lossy(&o.stderr).into_owned(), errors)
}

#[test]
fn a_past_drug_entry_for_the_course_under_assessment_is_noted_only() {
    // Amoxicillin from 2020-01-10, rash 2020-01-12; D.8.r lists amoxicillin
    // 2020-01-10 to 2020-01-12 with the same rash: the course assessed, again.
    let file = "fixtures/e2b-edge/past-drug-same-course.xml";
    let case = &imported("e2b", file)[0];
    assert!(
        case["drugs"][0].get("earlier_exposures").is_none(),
        "{case}"
    );
    assert!(case.get("patient").is_none(), "{case}");
    assert!(
        case["notes"].to_string().contains(
            "past drug Amoxicillin with maculopapular rash (D.8.r, 2020-01-10..2020-01-12) does not come before the exposure to it under assessment (started 2020-01-10)"
        ),
        "{}",
        case["notes"]
    );
    // Naranjo as without the D.8 entry: 3, question 9 not answered by it.
    let out = causa(&["assess", file, "--method", "naranjo", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let a = &v["assessments"][0];
    assert_eq!(a["score"], 3);
    let q9 = a["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["node"] == "q9-previous-similar-reaction")
        .unwrap();
    assert_eq!(q9["outcome"], "unknown");
    // An entry dated before the course is still an earlier exposure.
    let history = &imported("e2b", "fixtures/e2b-edge/patient-history.xml")[0];
    assert_eq!(
        history["drugs"][0]["earlier_exposures"],
        json!([{"when": "2019-06-01..2019-06-10", "outcome": "reaction", "reaction": "Urticaria"}])
    );
}

#[test]
fn dosage_dates_come_from_the_comp_that_holds_them_and_intended_doses_are_no_exposure() {
    // An SXPR_TS whose first `comp` is a PIVL_TS (every 8 h) and second an
    // IVL_TS 2020-01-10 to 2020-01-15; an FLFS relationship to an intended
    // (`moodCode="INT"`) dose; G.k.9.i.3.1 of 10 days to a rash dated 2020-01-12.
    let case = &imported("e2b", "fixtures/e2b-edge/dosage-dates-in-second-comp.xml")[0];
    assert_eq!(
        case["drugs"][0]["exposures"],
        json!([{"start": "2020-01-10", "stop": "2020-01-15"}])
    );
    // The report's dates win over the interval.
    assert_eq!(
        case["notes"],
        json!([
            "G.k.9.i.3.1 gives 10 d from the start of Amoxicillin to r1: the report's dates are used"
        ])
    );
    // FDA's scenario 6: Drug A's two dosages are dated 2009-01-01 in their
    // second `comp`, and its FLFS intended dose is not a third exposure.
    let s6 = &imported("e2b", "fixtures/e2b/FAERS2022Scenario6.xml")[0];
    assert_eq!(
        s6["drugs"][0]["exposures"],
        json!([
            {"start": "2009-01-01", "stop": "2009-01-01"},
            {"start": "2009-01-01", "stop": "2009-01-01"}
        ])
    );
    assert!(
        s6["notes"].to_string().contains(
            "G.k.9.i.3.1 gives 10 d from the start of Drug A to r1: the report's dates are used"
        ),
        "{}",
        s6["notes"]
    );
}

#[test]
fn an_openfda_report_that_does_not_name_a_drug_or_reaction_is_refused() {
    let file = "fixtures/openfda-edge/unnamed-drug-and-reaction.json";
    let (summary, errors) = batch_with_errors(file, "unnamed");
    assert!(
        summary.starts_with("records read 2 = assessed 1 + rejected 1;"),
        "{summary}"
    );
    let rejected: Vec<&str> = errors.lines().skip(1).collect();
    assert_eq!(rejected.len(), 1, "{errors}");
    assert!(rejected[0].starts_with(&format!("{file}#/results/0,")));
    for what in [
        "`/results/0/patient/reaction/0` names no reaction (`reactionmeddrapt` is blank)",
        "`/results/0/patient/reaction/1` names no reaction (no `reactionmeddrapt`)",
        "`/results/0/patient/drug/0` names no drug (`medicinalproduct` is blank",
        "`/results/0/patient/drug/1` names no drug (no `medicinalproduct`",
    ] {
        assert!(rejected[0].contains(what), "{what}: {errors}");
    }
    assert!(!errors.contains("not given"));
    // `assess` and `import` name it and write nothing.
    for args in [&["assess", file][..], &["import", "openfda", file][..]] {
        let err = refused(args);
        assert!(
            err.contains("`/results/0/patient/drug/1` names no drug"),
            "{err}"
        );
    }
}

#[test]
fn an_openfda_response_without_reports_is_refused() {
    let dir_tmp = tempfile::tempdir().expect("temp dir");
    let dir = dir_tmp.path().to_path_buf();
    for (name, text) in [
        ("results.json", r#"{"results":[]}"#),
        ("meta.json", r#"{"meta":{},"results":[]}"#),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap();
        let file = file.to_str().unwrap();
        for args in [
            &["assess", file][..],
            &["assess", "--input-format", "openfda", file][..],
            &["import", "openfda", file][..],
        ] {
            let err = refused(args);
            assert!(
                err.contains("the openFDA response holds no reports (`results` is empty)"),
                "{args:?}: {err}"
            );
        }
        let (summary, errors) = batch_with_errors(file, name);
        assert!(
            summary.starts_with("records read 1 = assessed 0 + rejected 1;"),
            "{summary}"
        );
        assert!(errors.contains("holds no reports"), "{errors}");
    }
}

#[test]
fn a_negative_age_and_the_year_0000_refuse_the_report() {
    let file = "fixtures/openfda-edge/impossible-age-and-year.json";
    let (summary, errors) = batch_with_errors(file, "impossible");
    assert!(
        summary.starts_with("records read 3 = assessed 1 + rejected 2;"),
        "{summary}"
    );
    assert!(
        errors.contains("`/results/0/patient/patientonsetage` -0.001 years is not a possible age"),
        "{errors}"
    );
    assert!(
        errors.contains(
            "`/results/1/patient/drug/0/drugstartdate` `00000101` is not a date of the calendar: there is no year 0000"
        ),
        "{errors}"
    );
    // "-0" is an age of 0, not -0.
    let out = causa(&["assess", file, "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let dir_tmp = tempfile::tempdir().expect("temp dir");
    let dir = dir_tmp.path().to_path_buf();
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let only_third = dir.join("zero.json");
    std::fs::write(
        &only_third,
        json!({"results": [doc["results"][2]]}).to_string(),
    )
    .unwrap();
    let case = &imported("openfda", only_third.to_str().unwrap())[0];
    assert_eq!(case["patient"]["age"].to_string(), "0.0");

    // E2B(R3): D.2.2 `value="-0.001" unit="a"`; E.i.4 `00000101`.
    let err = refused(&["import", "e2b", "fixtures/e2b-edge/negative-age.xml"]);
    assert!(
        err.contains("the patient's age (D.2.2) -0.001 a is not a possible age"),
        "{err}"
    );
    let err = refused(&["import", "e2b", "fixtures/e2b-edge/year-zero-date.xml"]);
    assert!(
        err.contains(
            "E.i.4 (start) of reaction r1 `00000101` is not a date of the calendar: there is no year 0000"
        ),
        "{err}"
    );
}
