//! `causa batch`: every record gives rows or an error row, and the output does not depend on the number of jobs.

use super::causa;

#[test]
fn a_batch_with_corrupted_records_accounts_for_every_record() {
    let dir_tmp = tempfile::tempdir().expect("temp dir");
    let dir = dir_tmp.path().to_path_buf();
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/cases/allopurinol-urticaria-before-drug.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let good = json.to_string();
    let mut lines = Vec::new();
    for i in 0..40 {
        let mut case = json.clone();
        case["id"] = serde_json::Value::String(format!("case-{i}"));
        lines.push(case.to_string());
        match i % 10 {
            3 => lines.push("{ this is not json".to_owned()),
            5 => lines.push(good.replace("\"onset\"", "\"onest\"")),
            7 => lines.push(good.replace("2024-03-05", "2024-02-30")),
            _ => {}
        }
    }
    let input = dir.join("cases.ndjson");
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let run = |jobs: &str, out: &str| {
        let out_path = dir.join(out);
        let errors = dir.join(format!("{out}.errors"));
        let o = causa(&[
            "batch",
            input.to_str().unwrap(),
            "--out",
            out_path.to_str().unwrap(),
            "--errors",
            errors.to_str().unwrap(),
            "--jobs",
            jobs,
        ]);
        (
            o,
            std::fs::read_to_string(out_path).unwrap(),
            std::fs::read_to_string(errors).unwrap(),
        )
    };
    let (o1, rows1, errors1) = run("1", "one.csv");
    let (o2, rows2, errors2) = run("2", "two.csv");
    assert_eq!(o1.status.code(), Some(2), "some records were rejected");
    assert_eq!(o2.status.code(), Some(2));
    assert_eq!(rows1, rows2, "rows differ between --jobs 1 and --jobs 2");
    assert_eq!(errors1, errors2);
    let summary = String::from_utf8_lossy(&o1.stderr);
    // 40 good records and 12 corrupted ones; each good one gives one row per applicable method.
    assert!(
        summary.starts_with("records read 52 = assessed 40 + rejected 12;"),
        "{summary}"
    );
    assert_eq!(errors1.lines().count(), 1 + 12);
    assert!(errors1.contains("cases.ndjson:5,"), "{errors1}");
    assert!(errors1.contains("did you mean"), "{errors1}");
    let methods_per_case = rows1
        .lines()
        .skip(1)
        .filter(|l| l.contains(",case-0,"))
        .count();
    assert_eq!(rows1.lines().count(), 1 + 40 * methods_per_case);
    // Rows come in input order.
    let ids: Vec<&str> = rows1
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    let firsts: Vec<&str> = ids.iter().copied().step_by(methods_per_case).collect();
    assert_eq!(
        firsts,
        (0..40)
            .map(|i| format!("case-{i}"))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );

    let o = causa(&[
        "batch",
        input.to_str().unwrap(),
        "--out",
        dir.join("v.csv").to_str().unwrap(),
        "--validate-only",
    ]);
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .starts_with("records read 52 = assessed 40 + rejected 12; 0 rows")
    );
}

#[test]
fn a_directory_of_fixtures_is_assessed_whole() {
    let out_tmp = tempfile::tempdir().expect("temp dir");
    let out = out_tmp.path().join("batch-dir.ndjson");
    let o = causa(&[
        "batch",
        "fixtures/cases",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "ndjson",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["category"].is_string() && v["method"].is_string());
    }
    assert!(text.lines().any(
        |l| l.contains("\"case_id\":\"lenalidomide-lv-desensitization\"")
            && l.contains("\"method\":\"sefv\"")
            && l.contains("\"category\":\"probable\"")
    ));
    std::fs::remove_file(&out).ok();
    std::fs::remove_file(format!("{}.errors.csv", out.display())).ok();
}

#[test]
fn reports_with_nothing_to_score_give_a_not_scored_row_each() {
    let dir_tmp = tempfile::tempdir().expect("temp dir");
    let dir = dir_tmp.path().to_path_buf();
    let case = |id: &str, role: &str, terms: &[&str]| {
        serde_json::json!({
            "id": id,
            "drugs": [{"id": "d", "name": "lenalidomide", "role": role,
                       "exposures": [{"id": "e", "start": "2024-01-01"}]}],
            "reactions": terms.iter().enumerate().map(|(i, t)| serde_json::json!(
                {"id": format!("r{i}"), "term": t, "onset": "day 10 of e"})).collect::<Vec<_>>(),
        })
        .to_string()
    };
    let lines = [
        case("overdose-only", "suspect", &["Overdose"]),
        case("no-suspect", "concomitant", &["maculopapular rash"]),
        case("mixed", "suspect", &["maculopapular rash", "Off label use"]),
        case("no-reaction", "suspect", &[]),
    ];
    let input = dir.join("cases.ndjson");
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let run = |format: &str| {
        let out = dir.join(format!("rows.{format}"));
        let o = causa(&[
            "batch",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--method",
            "naranjo",
            "--format",
            format,
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            String::from_utf8_lossy(&o.stderr)
                .starts_with("records read 4 = assessed 4 + rejected 0; 5 rows")
        );
        std::fs::read_to_string(&out).unwrap()
    };
    let csv = run("csv");
    assert_eq!(
        csv.lines().next().unwrap(),
        "record,case_id,drug,reaction,method,score,category,reason,facts,knowledge,assessor,unknown,flags,case_digest"
    );
    assert_eq!(csv.lines().count(), 1 + 5);
    let rows: Vec<serde_json::Value> = run("ndjson")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let of = |id: &str| -> Vec<(String, String, String, String)> {
        rows.iter()
            .filter(|r| r["case_id"] == id)
            .map(|r| {
                let s = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
                (s("reaction"), s("method"), s("category"), s("reason"))
            })
            .collect()
    };
    let overdose = of("overdose-only");
    assert_eq!(overdose.len(), 1);
    assert_eq!((&*overdose[0].0, &*overdose[0].2), ("r0", "not-scored"));
    assert!(
        overdose[0]
            .3
            .starts_with("reports a product-use issue (overdose), not an adverse reaction")
    );
    let no_suspect = of("no-suspect");
    assert_eq!(no_suspect.len(), 1);
    assert_eq!((&*no_suspect[0].0, &*no_suspect[0].2), ("", "not-scored"));
    assert!(
        no_suspect[0]
            .3
            .starts_with("the report names no suspect or interacting drug")
    );
    let no_reaction = of("no-reaction");
    assert_eq!(no_reaction.len(), 1);
    assert_eq!(&*no_reaction[0].2, "not-scored");
    assert!(
        no_reaction[0].3.starts_with("no reaction is recorded"),
        "{no_reaction:?}"
    );
    let mixed = of("mixed");
    assert_eq!(mixed.len(), 2, "{mixed:?}");
    assert_eq!(
        (&*mixed[0].0, &*mixed[0].1, &*mixed[0].3),
        ("r0", "naranjo", "")
    );
    assert_eq!((&*mixed[1].0, &*mixed[1].2), ("r1", "not-scored"));
    assert!(
        mixed[1].3.starts_with("reports a product-use issue,"),
        "{mixed:?}"
    );
}

#[test]
fn a_malformed_openfda_record_is_a_rejected_row_with_its_reason_and_the_others_are_assessed() {
    let file = "fixtures/openfda-edge/malformed-records.json";
    let dir_tmp = tempfile::tempdir().expect("temp dir");
    let dir = dir_tmp.path().to_path_buf();
    let (out, errors) = (dir.join("rows.csv"), dir.join("errors.csv"));
    let o = causa(&[
        "batch",
        file,
        "--out",
        out.to_str().unwrap(),
        "--errors",
        errors.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "rejected records give exit 2");
    assert!(
        String::from_utf8_lossy(&o.stderr).starts_with("records read 5 = assessed 2 + rejected 3;"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let errors = std::fs::read_to_string(&errors).unwrap();
    let rejected: Vec<(&str, &str)> = errors
        .lines()
        .skip(1)
        .map(|l| l.split_once(',').unwrap())
        .collect();
    let at = |i: usize| format!("{file}#/results/{i}");
    assert_eq!(rejected.len(), 3, "{errors}");
    // "drug": {...} (an object where openFDA has a list).
    assert_eq!(rejected[0].0, at(1));
    assert!(
        rejected[0]
            .1
            .contains("`/results/1/patient/drug` is an object, not a list"),
        "{errors}"
    );
    // "drug": [{...}, "IBUPROFEN"].
    assert_eq!(rejected[1].0, at(2));
    assert!(
        rejected[1]
            .1
            .contains("`/results/2/patient/drug/1` is text, not an object"),
        "{errors}"
    );
    // "drugstartdate": "20181399", "drugstartdateformat": "102": there is no month 13.
    assert_eq!(rejected[2].0, at(3));
    assert!(
        rejected[2]
            .1
            .contains("`20181399` is not a date of the calendar"),
        "{errors}"
    );
    // The other reports are assessed: rows for /results/0 and /results/4 only.
    let rows = std::fs::read_to_string(&out).unwrap();
    let records: std::collections::BTreeSet<&str> = rows
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(records.into_iter().collect::<Vec<_>>(), [at(0), at(4)]);
    // None of the rejected ones is reported as "not scored" instead.
    assert!(!rows.contains("EDGE-2") && !rows.contains("EDGE-3") && !rows.contains("EDGE-4"));
}

#[test]
fn e2b_batch_rows_carry_the_c11_case_ids() {
    let dir_tmp = tempfile::tempdir().expect("temp dir");
    let dir = dir_tmp.path().to_path_buf();
    let ids = |input: &str| -> Vec<(String, String)> {
        let out = dir.join("rows.csv");
        let o = causa(&["batch", input, "--out", out.to_str().unwrap()]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stdout)
        );
        let mut ids: Vec<(String, String)> = std::fs::read_to_string(&out)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f[0].to_owned(), f[1].to_owned())
            })
            .collect();
        ids.dedup();
        ids
    };
    // Two ICSRs in one batch: C.1.1 `TEST-CASE-1` and `TEST-CASE-2`; their
    // message ids (N.2.r.1) are `TEST-MESSAGE-1` and `TEST-MESSAGE-2`.
    let file = "fixtures/e2b-edge/two-icsrs.xml";
    assert_eq!(
        ids(file),
        [
            (
                format!("{file}#PORR_IN049016UV[1]"),
                "e2b-TEST-CASE-1".to_owned()
            ),
            (
                format!("{file}#PORR_IN049016UV[2]"),
                "e2b-TEST-CASE-2".to_owned()
            ),
        ]
    );
    // The shared instances: Scenario 1's C.1.1 is `US-APHARMA-8744554B` (its
    // N.2.r.1 is `21ec1492-3aea-4069-a2ab-08002b30309d`); Scenario 6's C.1.1 is
    // also `US-APHARMA-8744554B`: both files say so.
    for instance in [
        "fixtures/e2b/FAERS2022Scenario1.xml",
        "fixtures/e2b/FAERS2022Scenario6.xml",
    ] {
        assert_eq!(
            ids(instance),
            [(
                format!("{instance}#PORR_IN049016UV[1]"),
                "e2b-US-APHARMA-8744554B".to_owned()
            )]
        );
    }
    // An ICSR with a date the calendar does not have is a rejected record.
    let out = dir.join("rows.csv");
    let o = causa(&[
        "batch",
        "fixtures/e2b-edge/impossible-date.xml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let errors = std::fs::read_to_string(format!("{}.errors.csv", out.display())).unwrap();
    assert!(
        errors.contains("`20181399` is not a date of the calendar"),
        "{errors}"
    );
}

/// A fresh folder for one test, removed when dropped.
pub(crate) struct Folder(
    pub(crate) std::path::PathBuf,
    #[allow(dead_code)] tempfile::TempDir,
);

impl Folder {
    pub(crate) fn new(test: &str) -> Folder {
        let dir_tmp = tempfile::Builder::new()
            .prefix(&format!("causa-batch-{test}-"))
            .tempdir()
            .expect("temp dir");
        let dir = dir_tmp.path().to_path_buf();
        Folder(dir, dir_tmp)
    }
}

/// Runs the binary with `stdin` as standard input.
fn causa_with_stdin(args: &[&str], stdin: &[u8]) -> std::process::Output {
    use std::io::Write as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_causa"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("written");
    child.wait_with_output().expect("it ends")
}

#[test]
fn a_dash_is_standard_input_and_standard_output_and_summaries_go_to_stderr() {
    let ndjson = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/bad-input/batch/mixed-lines.ndjson"),
    )
    .expect("fixture");
    let o = causa_with_stdin(&["batch", "-", "--out", "-"], &ndjson);
    assert_eq!(o.status.code(), Some(2));
    let rows = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    // Only data on stdout: the header and the rows of line 1, the one good record.
    assert!(rows.starts_with("record,case_id,"), "{rows}");
    assert!(
        rows.lines()
            .skip(1)
            .all(|l| l.starts_with("<stdin>:1,line-1,")),
        "{rows}"
    );
    // The rejected records and the summary on stderr, each with its line.
    assert!(err.contains("<stdin>:2,error[json::invalid]"), "{err}");
    assert!(err.contains("<stdin>:7,error[input::not-utf8]"), "{err}");
    assert!(
        err.contains("records read 6 = assessed 1 + rejected 5;")
            && err.contains("rows written to standard output"),
        "{err}"
    );
    // A case file on standard input reads as the file would.
    let case = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/cases/lamotrigine-ten.yaml"),
    )
    .expect("fixture");
    let piped = causa_with_stdin(&["assess", "-", "--format", "json"], &case);
    let named = causa(&[
        "assess",
        "fixtures/cases/lamotrigine-ten.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(piped.status.code(), Some(0));
    assert_eq!(piped.stdout, named.stdout);
}

#[test]
fn folders_are_read_with_their_subfolders_and_no_errors_file_is_left_when_nothing_is_rejected() {
    let f = Folder::new("tree");
    let sub = f.0.join("2024").join("march");
    std::fs::create_dir_all(&sub).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases");
    std::fs::copy(root.join("lamotrigine-ten.yaml"), f.0.join("a.yaml")).unwrap();
    std::fs::copy(
        root.join("naproxen-sjs-single-dose.yaml"),
        sub.join("b.yaml"),
    )
    .unwrap();
    // A hidden folder (an editor's or a version control's) is not read.
    std::fs::create_dir_all(f.0.join(".git")).unwrap();
    std::fs::write(f.0.join(".git").join("c.yaml"), "not a case").unwrap();
    let out = f.0.join("rows.csv");
    let errors = format!("{}.errors.csv", out.display());
    // An errors file from an earlier run is not left to mislead.
    std::fs::write(&errors, "record,reason\nold,old\n").unwrap();
    let o = causa(&[
        "batch",
        f.0.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("records read 2 = assessed 2 + rejected 0;"),
        "{err}"
    );
    assert!(err.contains("nothing rejected, no errors file"), "{err}");
    assert!(!std::path::Path::new(&errors).exists());
    let rows = std::fs::read_to_string(&out).unwrap();
    assert!(rows.contains("/2024/march/b.yaml,"), "{rows}");
    // `assess DIR` assesses every case in it.
    let a = causa(&["assess", f.0.to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        a.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&a.stderr)
    );
    let all: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(all.as_array().map(Vec::len), Some(2));
}

#[test]
fn a_folder_that_links_back_up_the_tree_is_read_once_and_an_empty_folder_is_a_rejected_record() {
    let f = Folder::new("links");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases");
    std::fs::copy(root.join("lamotrigine-ten.yaml"), f.0.join("A.YAML")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&f.0, f.0.join("loop")).unwrap();
    // NDJSON files in a folder are read line by line.
    let line =
        std::fs::read_to_string(root.join("allopurinol-urticaria-before-drug.json")).unwrap();
    let one_line: serde_json::Value = serde_json::from_str(&line).unwrap();
    std::fs::write(f.0.join("more.ndjson"), format!("{one_line}\n{one_line}\n")).unwrap();
    let out = f.0.join("rows.csv");
    let o = causa(&[
        "batch",
        f.0.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("records read 3 = assessed 3 + rejected 0;"),
        "{err}"
    );
    let empty = f.0.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = causa(&[
        "batch",
        empty.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let errors = std::fs::read_to_string(format!("{}.errors.csv", out.display())).unwrap();
    assert!(errors.contains("the folder holds no case file"), "{errors}");
    // Rows and rejected records never share a destination.
    let o = causa(&[
        "batch",
        empty.to_str().unwrap(),
        "--out",
        "-",
        "--errors",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--errors and --out both name"));
}

#[test]
fn ndjson_on_standard_input_is_read_by_line_even_when_a_line_before_is_stray() {
    let good = r#"{"id": "x", "drugs": [{"id": "a", "name": "amoxicillin", "role": "suspect", "exposures": [{"id": "c", "start": "2024-01-01"}]}], "reactions": [{"id": "r", "term": "maculopapular rash", "onset": "day 8 of c"}]}"#;
    let input = format!("exported by the safety database\n{good}\n{good}\n");
    let o = causa_with_stdin(&["batch", "-", "--out", "-"], input.as_bytes());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("records read 3 = assessed 2 + rejected 1;"),
        "{err}"
    );
    assert!(
        err.contains("<stdin>:1,\"error[ndjson::not-an-object]"),
        "{err}"
    );
}

/// More records than one chunk holds (2,048), so that chunks follow each
/// other and are scored by several workers: the rows and the rejected
/// records are the same, in the same order, for one job and for three.
#[test]
fn several_chunks_give_the_same_rows_for_any_number_of_jobs() {
    let f = Folder::new("chunks");
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/cases/allopurinol-urticaria-before-drug.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let mut lines = Vec::new();
    for i in 0..5000 {
        let mut case = json.clone();
        case["id"] = serde_json::Value::String(format!("case-{i}"));
        // Every 97th record is broken, so rejected records fall in every chunk.
        if i % 97 == 0 {
            lines.push(case.to_string().replace("\"onset\"", "\"onest\""));
        } else {
            lines.push(case.to_string());
        }
    }
    let input = f.0.join("cases.ndjson");
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let run = |jobs: &str| {
        let out = f.0.join(format!("rows-{jobs}.csv"));
        let errors = f.0.join(format!("errors-{jobs}.csv"));
        let o = causa(&[
            "batch",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--errors",
            errors.to_str().unwrap(),
            "--jobs",
            jobs,
        ]);
        assert_eq!(o.status.code(), Some(2));
        let summary = String::from_utf8_lossy(&o.stderr).into_owned();
        (
            summary,
            std::fs::read(out).unwrap(),
            std::fs::read(errors).unwrap(),
        )
    };
    let (s1, rows1, errors1) = run("1");
    let (s3, rows3, errors3) = run("3");
    // 5000 records, 52 broken (0, 97, ..., 4947).
    assert!(
        s1.starts_with("records read 5000 = assessed 4948 + rejected 52;"),
        "{s1}"
    );
    assert_eq!(s1.replace("-1.csv", ""), s3.replace("-3.csv", ""));
    assert!(rows1 == rows3, "rows differ between --jobs 1 and --jobs 3");
    assert_eq!(errors1, errors3);
    let rows = String::from_utf8(rows1).unwrap();
    // Input order: the first row of the last record comes last.
    assert!(
        rows.lines().last().unwrap().contains(",case-4999,"),
        "{}",
        rows.lines().last().unwrap()
    );
    let errors = String::from_utf8(errors1).unwrap();
    assert_eq!(
        errors.lines().nth(1).unwrap().split(',').next(),
        Some(format!("{}:1", input.display()).as_str())
    );
}
