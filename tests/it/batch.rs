//! `causa batch`: every record gives rows or an error row, and the output does not depend on the number of jobs.

use std::process::Command;

fn causa(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_causa"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

#[test]
fn a_batch_with_corrupted_records_accounts_for_every_record() {
    let dir = std::env::temp_dir().join(format!("causa-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
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
    let summary = String::from_utf8_lossy(&o1.stdout);
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
        String::from_utf8_lossy(&o.stdout)
            .starts_with("records read 52 = assessed 40 + rejected 12; 0 rows")
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_directory_of_fixtures_is_assessed_whole() {
    let out = std::env::temp_dir().join(format!("causa-batch-dir-{}.ndjson", std::process::id()));
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
