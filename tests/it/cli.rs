//! The command line as a user runs it: exit codes, formats, determinism.

use super::causa;

const REFERENCE: &str = "fixtures/cases/lenalidomide-lv-desensitization.yaml";

#[test]
fn assess_reference_case_prints_a_markdown_report() {
    let out = causa(&["assess", REFERENCE]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("# Causality assessment: lenalidomide-lv-desensitization\n"));
    assert!(
        text.contains(
            "| lenalidomide | lv | not-applicable | possible † | probable (6) | probable (6) | possible | within one step |"
        ),
        "{text}"
    );
}

#[test]
fn as_of_gives_the_published_sefv_result() {
    let out = causa(&[
        "assess",
        REFERENCE,
        "--as-of",
        "2019-12-31",
        "--method",
        "sefv",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["as_of"], "2019-12-31");
    assert_eq!(v["assessments"][0]["method"], "sefv");
    assert_eq!(v["assessments"][0]["category"], "conditional");
    assert_eq!(v["assessments"][0]["score"], 3);
}

#[test]
fn json_output_keeps_its_contract() {
    let out = causa(&["assess", REFERENCE, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "engine_version",
        "rules_digest",
        "case_digest",
        "assessments",
    ] {
        assert!(v.get(key).is_some(), "missing top-level `{key}`");
    }
    let items = v["assessments"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    for a in items {
        for key in ["drug", "reaction", "method", "score", "category", "steps"] {
            assert!(a.get(key).is_some(), "missing `{key}` in {a}");
        }
        let method = a["method"].as_str().unwrap();
        assert!(["naranjo", "who-umc", "sefv", "lcat", "alden"].contains(&method));
        let scored = ["naranjo", "sefv"].contains(&method);
        assert_eq!(
            a["score"].is_null(),
            !scored,
            "{method}: only Naranjo and SEFV score this case"
        );
        let category = a["category"].as_str().unwrap();
        assert!(
            category.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{category}"
        );
        for s in a["steps"].as_array().unwrap() {
            for key in ["node", "answer", "points", "evidence"] {
                assert!(s.get(key).is_some(), "missing `{key}` in step {s}");
            }
        }
    }
}

#[test]
fn repeated_runs_give_identical_bytes_in_both_formats() {
    for format in ["markdown", "json"] {
        let args = [
            "assess",
            REFERENCE,
            "fixtures/cases/amoxicillin-exanthem-rechallenge.yaml",
            "--format",
            format,
        ];
        let a = causa(&args);
        let b = causa(&args);
        assert_eq!(a.status.code(), Some(0));
        assert!(!a.stdout.is_empty());
        assert_eq!(a.stdout, b.stdout, "{format} output differs between runs");
    }
}

#[test]
fn several_cases_in_json_are_an_array() {
    let out = causa(&[
        "assess",
        REFERENCE,
        "fixtures/cases/allopurinol-urticaria-before-drug.json",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().map(Vec::len), Some(2));
}

#[test]
fn garbage_input_exits_2_with_a_message_naming_the_file() {
    let dir_tmp = tempfile::tempdir().expect("temp dir");
    let dir = dir_tmp.path().to_path_buf();
    let garbage = dir.join("garbage.yaml");
    std::fs::write(&garbage, "\u{0}\u{1}{{{ not: [yaml").unwrap();
    let binary = dir.join("binary.yaml");
    std::fs::write(&binary, [0xffu8, 0xfe, 0x00, 0x41]).unwrap();
    for path in [&garbage, &binary] {
        let out = causa(&["assess", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&*path.file_name().unwrap().to_string_lossy()),
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn missing_file_unknown_method_and_bad_date_exit_2() {
    let out = causa(&["assess", "no/such/case.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/case.yaml"));

    let out = causa(&["assess", REFERENCE, "--method", "naranjoo"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `naranjo`?"));

    let out = causa(&["assess", REFERENCE, "--as-of", "31/12/2019"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD"));
}

#[test]
fn invalid_case_files_exit_2_with_every_problem() {
    let out = causa(&[
        "assess",
        "fixtures/cases-invalid/many-problems.yaml",
        "fixtures/cases-invalid/unknown-field.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("9 problems found"), "{err}");
    assert!(
        err.contains("fixtures/cases-invalid/unknown-field.yaml:11:5"),
        "{err}"
    );
    assert!(err.contains("did you mean `onset`?"), "{err}");
}

#[test]
fn rules_check_and_list() {
    let out = causa(&["rules", "check"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok, 5 methods"));

    let out = causa(&["rules", "check", "rules"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = causa(&["rules", "check", "fixtures/rules-broken/four-problems"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("4 problems found"));

    let out = causa(&["rules", "list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for id in [
        "| naranjo |",
        "| who-umc |",
        "| sefv |",
        "| lcat |",
        "| alden |",
    ] {
        assert!(text.contains(id), "{text}");
    }
}

#[test]
fn other_rules_can_be_used_for_an_assessment() {
    let out = causa(&["assess", REFERENCE, "--rules", "rules", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let shipped = causa(&["assess", REFERENCE, "--format", "json"]);
    assert_eq!(
        out.stdout, shipped.stdout,
        "the same rules from disk give the same report"
    );
}

#[test]
fn help_shows_examples() {
    let out = causa(&["assess", "--help"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Examples:"));
}

#[test]
fn log_verify_catches_an_edited_an_inserted_and_a_deleted_line() {
    let dir_tmp = tempfile::tempdir().expect("temp dir");
    let dir = dir_tmp.path().to_path_buf();
    let log = dir.join("assessments.log");
    let _ = std::fs::remove_file(&log);
    let log_s = log.to_str().unwrap();
    for (case, at) in [
        (REFERENCE, "2024-05-02T10:30:00Z"),
        (
            "fixtures/cases/amoxicillin-exanthem-rechallenge.yaml",
            "2024-05-02T10:31:00Z",
        ),
        (
            "fixtures/cases/lamotrigine-ten.yaml",
            "2024-05-03T09:00:00Z",
        ),
    ] {
        let out = causa(&[
            "assess",
            case,
            "--format",
            "json",
            "--log",
            log_s,
            "--assessed-at",
            at,
            "--assessor",
            "M. Ruiz, pharmacovigilance unit",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let intact = std::fs::read_to_string(&log).unwrap();
    assert_eq!(intact.lines().count(), 3);
    let first: serde_json::Value = serde_json::from_str(intact.lines().nth(1).unwrap()).unwrap();
    assert_eq!(first["entry"]["assessed_at"], "2024-05-02T10:31:00Z");
    assert_eq!(
        first["entry"]["assessor"],
        "M. Ruiz, pharmacovigilance unit"
    );
    assert_eq!(
        first["entry"]["overrides"][0]["assessor"],
        "J. Ortega, pharmacovigilance officer"
    );
    let out = causa(&["log", "verify", log_s]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok, 3 lines"));

    let lines: Vec<&str> = intact.lines().collect();
    let check = |text: String, line: usize, why: &str| {
        std::fs::write(&log, text).unwrap();
        let out = causa(&["log", "verify", log_s]);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("assessments.log:{line}: line {line} {why}")),
            "{err}"
        );
    };
    // Edited: a result changed on line 2.
    check(
        intact.replacen("\"category\":\"definite\"", "\"category\":\"possible\"", 1),
        2,
        "was changed",
    );
    // Inserted: line 2 written twice.
    check(
        format!("{}\n{}\n{}\n{}\n", lines[0], lines[1], lines[1], lines[2]),
        3,
        "does not follow line 2",
    );
    // Deleted: line 2 removed.
    check(
        format!("{}\n{}\n", lines[0], lines[2]),
        2,
        "does not follow line 1",
    );
}

#[test]
fn a_log_needs_the_time_of_assessment_and_the_assessor() {
    let never_tmp = tempfile::tempdir().expect("temp dir");
    let never = never_tmp.path().join("never-written.log");
    let never_s = never.to_str().unwrap();
    let out = causa(&[
        "assess",
        REFERENCE,
        "--log",
        never_s,
        "--assessor",
        "M. Ruiz",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--assessed-at"));
    let out = causa(&[
        "assess",
        REFERENCE,
        "--log",
        never_s,
        "--assessed-at",
        "2024-05-02T10:30:00Z",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--assessor"));
    assert!(
        !never.exists(),
        "nothing is written when the command is refused"
    );
}

#[test]
fn rules_graph_draws_the_path_a_case_takes() {
    let out = causa(&["rules", "graph", "sefv", "--case", REFERENCE]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dot = String::from_utf8(out.stdout).unwrap();
    assert!(dot.starts_with("digraph \"sefv\" {"));
    // With all information the reference case takes seven edges, one per item.
    assert_eq!(dot.matches("color=\"red\"").count(), 7, "{dot}");
    assert!(dot.contains("\"d-re-exposure\" -> \"e-alternative-causes\" [label=\"positive (+3)\", color=\"red\", penwidth=3];"), "{dot}");
    let out = causa(&["rules", "graph", "lcat", "--format", "mermaid"]);
    let mermaid = String::from_utf8(out.stdout).unwrap();
    assert!(mermaid.starts_with("flowchart TD\n"));
    assert!(
        !mermaid.contains("linkStyle"),
        "no case, nothing highlighted"
    );
    // Score bands: one line each, DOT's line break written once (`\n`, never `\\n`).
    let naranjo = String::from_utf8(causa(&["rules", "graph", "naranjo"]).stdout).unwrap();
    assert!(
        naranjo.contains("label=\"score bands\\ndefinite: 9 or more\\nprobable: 5 to 8\\npossible: 1 to 4\\ndoubtful: 0 or less\"]"),
        "{naranjo}"
    );
    assert!(!naranjo.contains("\\\\n"), "{naranjo}");
    let naranjo =
        String::from_utf8(causa(&["rules", "graph", "naranjo", "--format", "mermaid"]).stdout)
            .unwrap();
    assert!(
        naranjo.contains("bands{\"score bands<br/>definite: 9 or more<br/>probable: 5 to 8<br/>possible: 1 to 4<br/>doubtful: 0 or less\"}"),
        "{naranjo}"
    );
    let out = causa(&["rules", "graph", "naranj"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `naranjo`?"));
    // SVG without Graphviz: the reference case's SEFV path, its total and result.
    let out = causa(&[
        "rules", "graph", "sefv", "--format", "svg", "--case", REFERENCE,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = String::from_utf8(out.stdout).unwrap();
    assert!(
        svg.starts_with("<?xml") && svg.contains("<svg ") && svg.trim_end().ends_with("</svg>")
    );
    for label in [
        ">d-re-exposure<",
        ">positive (+3)<",
        ">total 6 (band 6 to 7)<",
        ">Probable<",
    ] {
        assert!(svg.contains(label), "{label} missing");
    }
}

#[test]
fn rules_coverage_lists_what_the_fixtures_never_reach() {
    let out = causa(&["rules", "coverage", "--cases", "fixtures/cases"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("| naranjo | 10 of 10 |"), "{text}");
    // No fixture has a placebo rechallenge.
    assert!(text.contains("- `q6-placebo` yes"), "{text}");
}

const OPENFDA: &str = "fixtures/openfda/openfda-drug-event-sample.json";

#[test]
fn openfda_reports_are_assessed_pair_by_pair_with_their_sources() {
    let out = causa(&["assess", OPENFDA, "--format", "json", "--method", "naranjo"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cases = v.as_array().unwrap();
    assert_eq!(cases.len(), 4, "one case per report");
    // Report 3: FLIXONASE listed twice (`patient.drug[0]` and `[1]`, both
    // `activesubstancename` FLUTICASONE PROPIONATE) is one drug, x three
    // reported terms, of which "Overdose" is a product-use issue: reported,
    // not scored.
    let third = &cases[2];
    assert_eq!(third["case_id"], "openfda-11812020");
    let scored: Vec<&str> = third["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["reaction_term"].as_str().unwrap())
        .collect();
    assert_eq!(scored.len(), 2, "{scored:?}");
    assert!(!scored.contains(&"Overdose"), "{scored:?}");
    let not_scored = third["not_scored"].as_array().unwrap();
    assert_eq!(not_scored.len(), 1, "{not_scored:?}");
    assert_eq!(not_scored[0]["term"], "Overdose");
    assert!(
        not_scored[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("reports a product-use issue (overdose), not an adverse reaction"),
        "{not_scored:?}"
    );
    // The other reports have nothing left unscored.
    assert!(cases[0].get("not_scored").is_none());
    let notes: Vec<&str> = third["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes.iter().any(|n| n
            .contains("drugrecurreadministration = 2 (no) is not read as a negative rechallenge")),
        "{notes:?}"
    );
    // Evidence points back at the JSON elements it came from, both entries.
    let evidence = third["assessments"][0]["steps"].to_string();
    assert!(
        evidence.contains(
            "(from /results/2/patient/drug/0 and /results/2/patient/drug/1, product FLIXONASE)"
        ),
        "{evidence}"
    );
    // Dates keep their precision: 201602 (format 610) is a month.
    let out = causa(&["import", "openfda", OPENFDA]);
    let yaml = String::from_utf8(out.stdout).unwrap();
    assert!(yaml.contains("start: 2016-02\n"), "{yaml}");
    assert!(yaml.contains("# fixtures/openfda/openfda-drug-event-sample.json#/results/0\n"));
}

/// The cases `causa import openfda` writes, one JSON value per report.
fn imported_openfda(file: &str) -> Vec<serde_json::Value> {
    let out = causa(&["import", "openfda", file, "--format", "json"]);
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

#[test]
fn a_product_listed_twice_in_openfda_is_one_drug_with_both_entries() {
    let cases = imported_openfda(OPENFDA);
    // safetyreportid 14026459: `patient.drug[0]` and `[1]` are both
    // "medicinalproduct": "THALOMID", "activesubstancename": "THALIDOMIDE",
    // "drugstartdate" 20170609 (format 102) and 201602 (format 610).
    let drugs = cases[0]["drugs"].as_array().unwrap();
    assert_eq!(drugs.len(), 1, "{drugs:#?}");
    assert_eq!(drugs[0]["name"], "thalidomide");
    assert_eq!(drugs[0]["role"], "suspect");
    assert_eq!(
        drugs[0]["exposures"],
        serde_json::json!([{"start": "2017-06-09"}, {"start": "2016-02"}])
    );
    assert_eq!(
        drugs[0]["source_ref"],
        "/results/0/patient/drug/0 and /results/0/patient/drug/1, product THALOMID"
    );
    // safetyreportid 11812020: FLIXONASE twice, FLUTICASONE PROPIONATE; only
    // the second entry is dated (20151130 to 20151201).
    let drugs = cases[2]["drugs"].as_array().unwrap();
    assert_eq!(drugs.len(), 1, "{drugs:#?}");
    assert_eq!(drugs[0]["name"], "fluticasone propionate");
    assert_eq!(
        drugs[0]["exposures"],
        serde_json::json!([{"start": "2015-11-30", "stop": "2015-12-01"}])
    );
    // One drug, so no pair of the report can have the other entry as its alternative cause.
    let out = causa(&["assess", OPENFDA, "--format", "json", "--method", "naranjo"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let drugs_assessed: std::collections::BTreeSet<&str> = v[0]["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["drug"].as_str().unwrap())
        .collect();
    assert_eq!(
        drugs_assessed.into_iter().collect::<Vec<_>>(),
        ["thalidomide"]
    );
}

#[test]
fn an_openfda_report_keeps_the_patient_seriousness_and_narrative() {
    let cases = imported_openfda(OPENFDA);
    // safetyreportid 11895285: "patientonsetage": "80", "patientonsetageunit":
    // "801" (years), "patientsex": "1", "patientweight": "49", one reaction,
    // "seriousnesslifethreatening": "1", "seriousnesshospitalization": "1",
    // "narrativeincludeclinical": "CASE EVENT DATE: 20150708".
    let c = &cases[3];
    assert_eq!(c["id"], "openfda-11895285");
    assert_eq!(
        c["patient"],
        serde_json::json!({"age": 80.0, "sex": "male", "weight": 49.0})
    );
    assert_eq!(
        c["reactions"][0]["seriousness"],
        serde_json::json!(["life-threatening", "hospitalization"])
    );
    assert_eq!(c["report"]["narrative"], "CASE EVENT DATE: 20150708");
    // safetyreportid 11812020 has "seriousnessother": "1" and three reactions:
    // the flag is the report's, so no reaction carries it and a note says so.
    let c = &cases[2];
    assert!(
        c["reactions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r.get("seriousness").is_none())
    );
    assert!(
        c["notes"].to_string().contains(
            "openFDA gives the report's seriousness (other-medically-important) for the report as a whole"
        ),
        "{}",
        c["notes"]
    );
    // EDGE-5 of the edge file: "patientonsetage": "18", "patientonsetageunit": "802" (months).
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/openfda-edge/malformed-records.json"
    ))
    .unwrap();
    let reports = causa::import::openfda(&serde_json::from_str(&text).unwrap()).unwrap();
    let edge5 = &reports[4].as_ref().ok().unwrap().case;
    assert_eq!(edge5["patient"]["age"], 1.5);
    assert!(
        edge5["notes"]
            .to_string()
            .contains("the patient's age is given as 18 months: read as 1.5 years"),
        "{}",
        edge5["notes"]
    );
    // A file holding a report that cannot be imported is refused by `assess`, naming it.
    let out = causa(&[
        "assess",
        "fixtures/openfda-edge/malformed-records.json",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("malformed-records.json#/results/3")
            && err.contains("this report cannot be imported"),
        "{err}"
    );
}

#[test]
fn import_openfda_never_writes_a_case_assess_would_refuse() {
    // Every case written for the sample loads as it is written.
    let dir_tmp = tempfile::tempdir().expect("temp dir");
    let dir = dir_tmp.path().to_path_buf();
    for (format, ext) in [("yaml", "yaml"), ("json", "ndjson")] {
        let out = causa(&["import", "openfda", OPENFDA, "--format", format]);
        assert_eq!(out.status.code(), Some(0));
        let file = dir.join(format!("cases.{ext}"));
        std::fs::write(&file, &out.stdout).unwrap();
        if format == "json" {
            let rows = dir.join("rows.csv");
            let b = causa(&[
                "batch",
                file.to_str().unwrap(),
                "--out",
                rows.to_str().unwrap(),
            ]);
            assert_eq!(
                b.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&b.stdout)
            );
        } else {
            for (i, doc) in String::from_utf8(out.stdout)
                .unwrap()
                .split("---\n")
                .skip(1)
                .enumerate()
            {
                let one = dir.join(format!("case-{i}.yaml"));
                std::fs::write(&one, doc).unwrap();
                let a = causa(&["assess", one.to_str().unwrap()]);
                assert_eq!(
                    a.status.code(),
                    Some(0),
                    "{doc}\n{}",
                    String::from_utf8_lossy(&a.stderr)
                );
            }
        }
    }
    // A file with reports that cannot be imported writes nothing and names each of them.
    let out = causa(&[
        "import",
        "openfda",
        "fixtures/openfda-edge/malformed-records.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    for i in 1..=3 {
        assert!(
            err.contains(&format!("malformed-records.json#/results/{i}\n")),
            "{err}"
        );
    }
    assert!(!err.contains("2018-13-99"), "{err}");
}

#[test]
fn imported_openfda_cases_feed_a_batch() {
    let dir_tmp = tempfile::tempdir().expect("temp dir");
    let dir = dir_tmp.path().to_path_buf();
    let out = causa(&["import", "openfda", OPENFDA, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let ndjson = dir.join("cases.ndjson");
    std::fs::write(&ndjson, &out.stdout).unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 4);
    let rows = dir.join("rows.csv");
    let direct = dir.join("direct.csv");
    let a = causa(&[
        "batch",
        ndjson.to_str().unwrap(),
        "--out",
        rows.to_str().unwrap(),
    ]);
    let b = causa(&["batch", OPENFDA, "--out", direct.to_str().unwrap()]);
    assert_eq!(
        a.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&a.stderr)
    );
    assert_eq!(b.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&b.stderr).starts_with("records read 4 = assessed 4 + rejected 0;")
    );
    let strip = |p: &std::path::Path| -> Vec<String> {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').skip(1).collect::<Vec<_>>().join(","))
            .collect()
    };
    // The same results whether the report is read directly or through the importer (the record position differs; the case digests too).
    let cut = |v: Vec<String>| -> Vec<String> {
        v.into_iter()
            .map(|l| l.rsplit_once(',').unwrap().0.to_owned())
            .collect()
    };
    assert_eq!(cut(strip(&rows)), cut(strip(&direct)));
}

#[test]
fn e2b_instances_are_assessed_pair_by_pair_and_nulls_stay_unknown() {
    // Scenario 1: two suspects, one concomitant, two reactions; drug dates null-flavoured (ASKU).
    let out = causa(&[
        "assess",
        "fixtures/e2b/FAERS2022Scenario1.xml",
        "--format",
        "json",
        "--method",
        "naranjo",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pairs: Vec<(String, String)> = v["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["drug"].as_str().unwrap().to_owned(),
                a["reaction"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(pairs.len(), 4, "2 suspect drugs x 2 reactions: {pairs:?}");
    let first = &v["assessments"][0]["steps"];
    let q2 = first
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["node"] == "q2-event-after-drug")
        .unwrap();
    assert_eq!(
        q2["answer"], "dont-know",
        "a nullFlavor date is unknown, never day 0"
    );
    // Existing G.k.9.i.2.r assessments are kept verbatim, linked to their pair by XML id.
    let reported: Vec<(String, String, String, String, String)> = v["reported_assessments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            let s = |k: &str| x[k].as_str().unwrap().to_owned();
            (
                s("drug"),
                s("reaction"),
                s("source"),
                s("method"),
                s("result"),
            )
        })
        .collect();
    let row = |d: &str, r: &str, s: &str, res: &str| {
        (
            d.to_owned(),
            r.to_owned(),
            s.to_owned(),
            "Global Introspection".to_owned(),
            res.to_owned(),
        )
    };
    assert_eq!(
        reported,
        [
            row("drug-a", "r1", "PHARMACEUTICAL COMPANY", "Not Suspected"),
            row("drug-a", "r2", "PRIMARY SOURCE REPORTER", "Suspected"),
            row("drug-b", "r2", "PHARMACEUTICAL COMPANY", "Not Suspected"),
            row("drug-b", "r1", "PRIMARY SOURCE REPORTER", "Not Suspected"),
        ]
    );
    // Evidence points at the element it came from.
    assert!(
        v["assessments"][0]["steps"]
            .to_string()
            .contains("G.k substanceAdministration id 68d6f5ce-3b3b-45c7-92dd-69e06730c3a9")
    );

    // Scenario 6: G.k.9.i.4 per reaction, linked by the reaction's id, not document order.
    let out = causa(&[
        "assess",
        "fixtures/e2b/FAERS2022Scenario6.xml",
        "--format",
        "json",
        "--method",
        "sefv",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rechallenge = |drug: &str, reaction: &str| {
        let a = v["assessments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["drug"] == drug && a["reaction"] == reaction)
            .unwrap();
        a["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["node"] == "d-re-exposure")
            .unwrap()["outcome"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        rechallenge("drug-a", "r1"),
        "negative",
        "reaction 154eb889… did not recur"
    );
    assert_eq!(
        rechallenge("drug-a", "r2"),
        "positive",
        "reaction 2baa28d6… recurred"
    );
    let reported = v["reported_assessments"].to_string();
    assert!(
        reported.contains("\"result\":\"Highly related\"")
            && reported.contains("\"result\":\"Likely\""),
        "{reported}"
    );
    let notes = v["notes"].to_string();
    // G.k.4.r: Drug A's two dosages are dated 2009-01-01 (start and last
    // administration) in the second `comp` of their SXPR_TS. G.k.9.i.3.1: 10 d
    // from Drug A's start to each reaction. Reaction 1 is dated 2009-01-01: the
    // report's dates win over the interval. Reaction 2 has no date of its own
    // and is placed 10 days after Drug A's start.
    let time_step = |reaction: &str| {
        v["assessments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["drug"] == "drug-a" && a["reaction"] == reaction)
            .unwrap()["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["node"] == "a-time-sequence")
            .unwrap()
            .to_string()
    };
    assert!(
        time_step("r1").contains("onset 0 days after the start of `drug-a`")
            && time_step("r1").contains("start 2009-01-01, onset 2009-01-01"),
        "{}",
        time_step("r1")
    );
    assert!(
        time_step("r2").contains("10 days after the start of `drug-a`")
            && time_step("r2").contains("start 2009-01-01, onset 2009-01-11"),
        "{}",
        time_step("r2")
    );
    assert!(
        notes.contains("10 d from the start of Drug A to r1: the report's dates are used")
            && notes
                .contains("10 min from the last dose of Drug A to r1: the report's dates are used"),
        "{notes}"
    );
}

#[test]
fn a_directory_of_e2b_files_goes_through_batch() {
    let out_tmp = tempfile::tempdir().expect("temp dir");
    let out = out_tmp.path().join("e2b.csv");
    let o = causa(&["batch", "fixtures/e2b", "--out", out.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).starts_with("records read 2 = assessed 2 + rejected 0;")
    );
    std::fs::remove_file(&out).ok();
    std::fs::remove_file(format!("{}.errors.csv", out.display())).ok();
}

#[test]
fn imported_e2b_cases_feed_a_batch_with_the_same_results() {
    let dir_tmp = tempfile::tempdir().expect("temp dir");
    let dir = dir_tmp.path().to_path_buf();
    let out = causa(&[
        "import",
        "e2b",
        "fixtures/e2b/FAERS2022Scenario6.xml",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ndjson = dir.join("cases.ndjson");
    std::fs::write(&ndjson, &out.stdout).unwrap();
    let (a, b) = (dir.join("a.csv"), dir.join("b.csv"));
    assert_eq!(
        causa(&[
            "batch",
            ndjson.to_str().unwrap(),
            "--out",
            a.to_str().unwrap()
        ])
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        causa(&[
            "batch",
            "fixtures/e2b/FAERS2022Scenario6.xml",
            "--out",
            b.to_str().unwrap()
        ])
        .status
        .code(),
        Some(0)
    );
    // Drop the record position and the case digest; the results must agree.
    let results = |p: &std::path::Path| -> Vec<String> {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                f[1..f.len() - 1].join(",")
            })
            .collect()
    };
    assert!(!results(&a).is_empty());
    assert_eq!(results(&a), results(&b));
}

#[test]
fn assessments_already_in_an_icsr_are_shown_beside_ours() {
    let out = causa(&[
        "assess",
        "fixtures/e2b/FAERS2022Scenario6.xml",
        "--method",
        "naranjo",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("| Drug | Reaction | Assessed by |"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(table.len(), 2 + 4, "{text}");
    assert!(
        table[2]
            .starts_with("| drug-a | r1 | Reporter | Introspection | Highly related | naranjo "),
        "{table:?}"
    );
    // Their result is never mapped onto ours: it stays in its own column, as written.
    assert!(
        table[4].starts_with("| drug-b | r2 | Company | Bayesian | Likely | naranjo "),
        "{table:?}"
    );
}

#[test]
fn input_format_forces_how_a_file_is_read() {
    // Forced to what it is: the same as detected.
    let detected = causa(&["assess", OPENFDA, "--format", "json", "--method", "naranjo"]);
    let forced = causa(&[
        "assess",
        OPENFDA,
        "--format",
        "json",
        "--method",
        "naranjo",
        "--input-format",
        "openfda",
    ]);
    assert_eq!(forced.status.code(), Some(0));
    assert_eq!(detected.stdout, forced.stdout);
    // Forced to what it is not: invalid input, naming the file.
    let wrong = causa(&["assess", REFERENCE, "--input-format", "e2b"]);
    assert_eq!(wrong.status.code(), Some(2));
    let err = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        err.contains("lenalidomide-lv-desensitization.yaml") && err.contains("is not XML"),
        "{err}"
    );
    // An openFDA file read as a case file: its fields are not the case format's.
    let as_case = causa(&["assess", OPENFDA, "--input-format", "case"]);
    assert_eq!(as_case.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&as_case.stderr).contains("unknown field"));
    // Batch takes the same option: a file read as E2B that is not gives an error row.
    let out_tmp = tempfile::tempdir().expect("temp dir");
    let out = out_tmp.path().join("forced.csv");
    let b = causa(&[
        "batch",
        REFERENCE,
        "--out",
        out.to_str().unwrap(),
        "--input-format",
        "e2b",
    ]);
    assert_eq!(b.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&b.stderr).starts_with("records read 1 = assessed 0 + rejected 1;")
    );
    std::fs::remove_file(&out).ok();
    std::fs::remove_file(format!("{}.errors.csv", out.display())).ok();
}

/// The cases `causa import e2b` writes for a file, one JSON value per ICSR.
fn imported_e2b(file: &str) -> Vec<serde_json::Value> {
    let out = causa(&["import", "e2b", file, "--format", "json"]);
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

#[test]
fn an_e2b_case_keeps_the_patient_seriousness_narrative_and_comments() {
    let s1 = &imported_e2b("fixtures/e2b/FAERS2022Scenario1.xml")[0];
    // C.1.1 `<id extension="US-APHARMA-8744554B" root="2.16.840.1.113883.3.989.2.1.3.1"/>`,
    // not N.2.r.1 `21ec1492-3aea-4069-a2ab-08002b30309d`.
    assert_eq!(s1["id"], "e2b-US-APHARMA-8744554B");
    // D.2.2 `<value value="48" unit="a"/>`, D.5 `<administrativeGenderCode code="1"/>`.
    assert_eq!(s1["patient"]["age"], 48.0);
    assert_eq!(s1["patient"]["sex"], "male");
    // E.i.3.2d (code 35) and E.i.3.2f (code 26) `value="true"` for reaction 1, only 26 for reaction 2.
    assert_eq!(
        s1["reactions"][0]["seriousness"],
        serde_json::json!(["disability", "other-medically-important"])
    );
    assert_eq!(
        s1["reactions"][1]["seriousness"],
        serde_json::json!(["other-medically-important"])
    );
    // E.i.7 codes 3 and 1.
    assert_eq!(s1["reactions"][0]["outcome"], "not-recovered");
    assert_eq!(s1["reactions"][1]["outcome"], "recovered");
    // C.1.3 code 1, C.1.8.1, H.1 `<text>`, H.2 (author code 3) and H.4 (author code 1).
    let report = &s1["report"];
    assert_eq!(report["type"], "spontaneous");
    assert_eq!(report["worldwide_id"], "US-APHARMA-8744554B");
    assert!(
        report["narrative"]
            .as_str()
            .unwrap()
            .starts_with("Case Narrative Including Clinical Course")
    );
    assert_eq!(report["reporter_comments"], "Repoeter Comments");
    assert_eq!(report["sender_comments"], "Sender Comments");
    // G.k.2.3.r.1 `<name>Ingredient A</name>` is the name the knowledge base is
    // asked about; G.k.2.2 `<name>Drug A</name>` stays the id and the source.
    let drug_a = &s1["drugs"][0];
    assert_eq!(drug_a["id"], "drug-a");
    assert_eq!(drug_a["name"], "Ingredient A");
    assert!(
        drug_a["source_ref"]
            .as_str()
            .unwrap()
            .ends_with(", product Drug A")
    );
    // D.7.2 `<value xsi:type="ED">None</value>`; D.8.r.1 CureAll without a reaction.
    let notes = s1["notes"].to_string();
    assert!(
        notes.contains("medical history as written (D.7.2): None"),
        "{notes}"
    );
    assert!(
        notes.contains("past drug CureAll (D.8.r) is given without a reaction"),
        "{notes}"
    );

    let s6 = &imported_e2b("fixtures/e2b/FAERS2022Scenario6.xml")[0];
    // D.2.2 `value="10" unit="a"`, D.3 `value="48.2" unit="kg"`.
    assert_eq!(
        s6["patient"]["age"], 10.0,
        "the gestation period (code 16) is not the age"
    );
    assert_eq!(s6["patient"]["weight"], 48.2);
    // Reaction 1: E.i.3.2a death, c hospitalisation, f other; reaction 2: d disabling, f other.
    assert_eq!(
        s6["reactions"][0]["seriousness"],
        serde_json::json!(["death", "hospitalization", "other-medically-important"])
    );
    assert_eq!(
        s6["reactions"][1]["seriousness"],
        serde_json::json!(["disability", "other-medically-important"])
    );
    // E.i.1.2 "Altered Consciousness" is the term; E.i.1.1 `<originalText language="por">` stays beside it.
    assert_eq!(s6["reactions"][0]["term"], "Altered Consciousness");
    assert!(
        s6["reactions"][0]["source_ref"]
            .as_str()
            .unwrap()
            .ends_with("as reported: consciência alterada (por)")
    );
    let report = &s6["report"];
    assert_eq!(
        report["reporter_comments"],
        "It appears very likely that the primary drug is responsible for all the reactions."
    );
    assert_eq!(
        report["sender_comments"],
        "The condition came on suddenly, and was a complete surprise to the responsible clinicians."
    );
    // H.3.r.1b: two MedDRA codes, no text.
    assert_eq!(
        report["sender_diagnosis"],
        "MedDRA 10047319; MedDRA 10047334"
    );
    // D.8.r: ACCURETIC and "Spine and Nerve Balance Core Formula", each with a
    // D.8.r.7 reaction code, are not drugs of the case: previous reactions.
    assert_eq!(
        s6["patient"]["previous_reactions"],
        serde_json::json!([
            {"drug": "ACCURETIC", "reaction": "MedDRA 10067994"},
            {"drug": "Spine and Nerve Balance Core Formula", "reaction": "MedDRA 10050987"}
        ])
    );
    // D.7.1.r: both items are marked family history (D.7.1.r.6 true): not the patient's conditions.
    assert!(s6["patient"].get("conditions").is_none());
    assert!(
        s6["notes"]
            .to_string()
            .contains("medical history MedDRA 10061122 is family history (D.7.1.r.6)")
    );

    // The edge file: D.2.2 `value="18" unit="mo"`, D.3 11.5 kg, D.5 code 2,
    // D.7.1.r with dates (one continuing, D.7.1.r.3), D.8.r Amoxicillin (a drug
    // of the case, with a reaction) and Cefaclor (not).
    let p = &imported_e2b("fixtures/e2b-edge/patient-history.xml")[0];
    assert_eq!(
        p["patient"]["age"], 1.5,
        "18 months; the note says so: {}",
        p["notes"]
    );
    assert!(
        p["notes"]
            .to_string()
            .contains("the patient's age (D.2.2) is given as 18 months: read as 1.5 years")
    );
    assert_eq!(p["patient"]["sex"], "female");
    assert_eq!(p["patient"]["weight"], 11.5);
    assert_eq!(
        p["patient"]["conditions"],
        serde_json::json!([
            {"id": "history-1", "name": "Otitis media", "onset": "2019-12", "end": "2020-01-05"},
            {"id": "history-2", "name": "MedDRA 10000003", "onset": "2019"}
        ])
    );
    assert_eq!(
        p["drugs"][0]["earlier_exposures"],
        serde_json::json!([{"when": "2019-06-01..2019-06-10", "outcome": "reaction", "reaction": "Urticaria"}])
    );
    assert_eq!(
        p["patient"]["previous_reactions"],
        serde_json::json!([{"drug": "Cefaclor", "reaction": "Serum sickness-like reaction"}])
    );
}

#[test]
fn non_reactions_and_drugs_not_administered_are_not_scored() {
    let file = "fixtures/e2b-edge/not-administered-and-not-reactions.xml";
    // Drug Z has G.k.1 code 4 (drug not administered); Drug Y has no G.k.1 and
    // its name says "(No drug exposure)"; Amoxicillin is the suspect (code 1).
    let case = &imported_e2b(file)[0];
    let roles: Vec<(&str, &str)> = case["drugs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["name"].as_str().unwrap(), d["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        roles,
        [
            ("Amoxicillin", "suspect"),
            ("Drug Z (No drug exposure)", "not-administered"),
            ("Drug Y (No drug exposure)", "not-administered")
        ]
    );
    assert!(case["notes"].to_string().contains(
        "Drug Y (No drug exposure) has no role (G.k.1) and its name says it was not taken"
    ));
    let out = causa(&["assess", file, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let drugs: std::collections::BTreeSet<&str> = v["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["drug"].as_str().unwrap())
        .collect();
    assert_eq!(drugs.into_iter().collect::<Vec<_>>(), ["amoxicillin"]);
    // E.i terms "Product adhesion issue", "Renal transplant" and "NO ADVERSE
    // EVENT" are listed as not scored, with what they report; "Rash" is assessed.
    let not_scored: Vec<(&str, &str)> = v["not_scored"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["term"].as_str().unwrap(), x["reason"].as_str().unwrap()))
        .collect();
    let reason_of = |term: &str| {
        not_scored
            .iter()
            .find(|(t, _)| *t == term)
            .map(|(_, r)| *r)
            .unwrap_or_else(|| panic!("{term} is scored: {not_scored:?}"))
    };
    assert_eq!(not_scored.len(), 3, "{not_scored:?}");
    assert!(
        reason_of("Product adhesion issue")
            .starts_with("reports a product quality issue, not an adverse reaction")
    );
    assert!(
        reason_of("Renal transplant")
            .starts_with("reports a surgical or medical procedure, not an adverse reaction")
    );
    assert!(
        reason_of("NO ADVERSE EVENT")
            .starts_with("reports that no adverse event occurred, not an adverse reaction")
    );
    let terms: std::collections::BTreeSet<&str> = v["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["reaction_term"].as_str().unwrap())
        .collect();
    assert_eq!(terms.into_iter().collect::<Vec<_>>(), ["Rash"]);
}

#[test]
fn an_e2b_date_the_calendar_does_not_have_refuses_that_icsr() {
    // E.i.4 `<low value="20181399"/>`.
    let file = "fixtures/e2b-edge/impossible-date.xml";
    let out = causa(&["import", "e2b", file]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("E.i.4 (start) of reaction r1 `20181399` is not a date of the calendar"),
        "{err}"
    );
}

#[test]
fn completions_cover_every_command_and_its_options() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = causa(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        for word in [
            "assess",
            "batch",
            "export",
            "as-of",
            "listedness",
            "input-format",
        ] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    // The bash script defines the completion function and registers it for causa.
    let bash = String::from_utf8_lossy(&causa(&["completions", "bash"]).stdout).into_owned();
    assert!(
        bash.contains("_causa()") && bash.contains("complete -F _causa"),
        "{bash}"
    );
    let wrong = causa(&["completions", "tcsh"]);
    assert_eq!(wrong.status.code(), Some(2));
}

#[test]
fn manual_pages_are_written_for_causa_and_each_command() {
    let page = causa(&["manpage"]);
    assert_eq!(page.status.code(), Some(0));
    let roff = String::from_utf8_lossy(&page.stdout);
    assert!(roff.contains(".TH causa 1"), "{roff}");
    assert!(roff.contains("assess") && roff.contains("batch"), "{roff}");
    let dir_tmp = tempfile::tempdir().expect("temp dir");
    let dir = dir_tmp.path().to_path_buf();
    let out = causa(&["manpage", "--dir", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    for command in ["assess", "batch", "import", "export", "rules", "log", "kb"] {
        let text = std::fs::read_to_string(dir.join(format!("causa-{command}.1")))
            .unwrap_or_else(|e| panic!("causa-{command}.1: {e}"));
        assert!(text.contains(&format!(".TH causa-{command} 1")), "{text}");
    }
    let batch = std::fs::read_to_string(dir.join("causa-batch.1")).unwrap();
    assert!(
        batch.contains("errors") && batch.contains("standard input"),
        "{batch}"
    );
}

#[test]
fn a_signed_log_catches_a_forged_line_even_with_every_hash_recomputed() {
    let dir_tmp = tempfile::tempdir().expect("temp dir");
    let dir = dir_tmp.path().to_path_buf();
    let key = dir.join("ruiz");
    let made = causa(&["log", "keygen", "--out", key.to_str().unwrap()]);
    assert_eq!(
        made.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let (private, public) = (dir.join("ruiz.key"), dir.join("ruiz.pub"));
    assert!(
        std::fs::read_to_string(&private)
            .unwrap()
            .starts_with("-----BEGIN PRIVATE KEY-----")
    );
    assert!(
        std::fs::read_to_string(&public)
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
    // A key is never overwritten.
    assert_eq!(
        causa(&["log", "keygen", "--out", key.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
    let log = dir.join("signed.log");
    for case in [
        REFERENCE,
        "fixtures/cases/amoxicillin-exanthem-rechallenge.yaml",
        "fixtures/cases/lamotrigine-ten.yaml",
    ] {
        let out = causa(&[
            "assess",
            case,
            "--log",
            log.to_str().unwrap(),
            "--assessed-at",
            "2024-05-02T10:30:00Z",
            "--assessor",
            "M. Ruiz",
            "--sign-key",
            private.to_str().unwrap(),
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let verify = |with_key: bool| {
        let mut args = vec!["log", "verify", log.to_str().unwrap()];
        if with_key {
            args.extend(["--public-key", public.to_str().unwrap()]);
        }
        causa(&args)
    };
    let ok = verify(true);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(
        String::from_utf8_lossy(&ok.stdout)
            .contains("ok, 3 lines, chain intact, every line signed by ed25519:")
    );
    // The forger changes line 2's result and recomputes the hash of every line from there on.
    let intact = std::fs::read_to_string(&log).unwrap();
    let mut lines: Vec<serde_json::Value> = intact
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let results = lines[1]["entry"]["results"].as_array_mut().unwrap();
    results[0]["category"] = serde_json::json!("unlikely");
    for i in 1..lines.len() {
        let prev = lines[i - 1]["hash"].clone();
        lines[i]["entry"]["prev"] = prev;
        let hash = causa::case::digest_bytes(lines[i]["entry"].to_string().as_bytes());
        lines[i]["hash"] = serde_json::json!(hash);
    }
    let forged: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&log, forged).unwrap();
    // The chain alone is fooled; the signatures are not.
    let chain_only = verify(false);
    assert_eq!(chain_only.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&chain_only.stdout)
            .contains("signatures not checked (give --public-key)")
    );
    let signed = verify(true);
    assert_eq!(signed.status.code(), Some(1));
    let err = String::from_utf8_lossy(&signed.stderr);
    assert!(
        err.contains("signed.log:2: line 2 has a signature that ed25519:"),
        "{err}"
    );
    // An unsigned log, checked against a key, fails at its first line.
    let unsigned = dir.join("unsigned.log");
    let out = causa(&[
        "assess",
        REFERENCE,
        "--log",
        unsigned.to_str().unwrap(),
        "--assessed-at",
        "2024-05-02T10:30:00Z",
        "--assessor",
        "M. Ruiz",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let plain = causa(&["log", "verify", unsigned.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&plain.stdout).contains("the log is not signed"));
    let keyed = causa(&[
        "log",
        "verify",
        unsigned.to_str().unwrap(),
        "--public-key",
        public.to_str().unwrap(),
    ]);
    assert_eq!(keyed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&keyed.stderr).contains("line 1 is not signed"));
}

#[test]
fn a_log_line_with_a_field_repeated_or_added_fails_even_when_its_hash_holds() {
    let dir_tmp = tempfile::tempdir().expect("temp dir");
    let dir = dir_tmp.path().to_path_buf();
    let log = dir.join("a.log");
    let out = causa(&[
        "assess",
        REFERENCE,
        "--log",
        log.to_str().unwrap(),
        "--assessed-at",
        "2024-05-02T10:30:00Z",
        "--assessor",
        "J. Ortega",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let line = std::fs::read_to_string(&log).unwrap();
    // A second `assessor` before the real one: a JSON reader keeps the last.
    let forged = line.replacen(
        "\"assessor\":\"J. Ortega\"",
        "\"assessor\":\"Mallory\",\"assessor\":\"J. Ortega\"",
        1,
    );
    assert_ne!(forged, line);
    std::fs::write(&log, &forged).unwrap();
    let v = causa(&["log", "verify", log.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&v.stderr).contains("not as causa writes it"));
    let added = line.replacen(
        "{\"entry\"",
        "{\"note\":\"reassessed: certain\",\"entry\"",
        1,
    );
    std::fs::write(&log, &added).unwrap();
    assert_eq!(
        causa(&["log", "verify", log.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
}
