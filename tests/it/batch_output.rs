//! What a batch writes besides its default rows: chosen CSV columns, the
//! same bytes for any number of jobs on a large mixed batch, and each case's
//! follow-up questions.

use super::batch::Folder;
use super::causa;

#[test]
fn chosen_columns_are_the_default_rows_cut_to_them_in_the_order_given() {
    let f = Folder::new("columns");
    let cases = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/cases");
    let run = |name: &str, extra: &[&str]| {
        let out = f.0.join(name);
        let mut args = vec!["batch", cases, "--out", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        let o = causa(&args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let text = std::fs::read_to_string(out).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        (header, rows, text.len())
    };
    let (all_header, all_rows, all_bytes) = run("all.csv", &[]);
    assert_eq!(all_header.join(","), causa::batch::CSV_HEADER);
    let chosen = ["method", "category", "score", "record"];
    let (header, rows, bytes) = run("some.csv", &["--columns", &chosen.join(",")]);
    assert_eq!(header, chosen);
    assert_eq!(rows.len(), all_rows.len());
    assert!(rows.len() > 100, "{} rows", rows.len());
    let at = |name: &str| all_header.iter().position(|h| h == name).unwrap();
    for (row, full) in rows.iter().zip(&all_rows) {
        let cut: Vec<&String> = chosen.iter().map(|c| &full[at(c)]).collect();
        assert_eq!(row.iter().collect::<Vec<_>>(), cut);
    }
    // Without the digest and the reasons the file is much smaller.
    assert!(bytes * 2 < all_bytes, "{bytes} of {all_bytes} bytes");

    // NDJSON keeps every key; a column that does not exist is named with the ones that do.
    let out = f.0.join("x.ndjson");
    let o = causa(&[
        "batch",
        cases,
        "--out",
        out.to_str().unwrap(),
        "--format",
        "ndjson",
        "--columns",
        "method",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--columns") && err.contains("--format csv"),
        "{err}"
    );
    let o = causa(&[
        "batch",
        cases,
        "--out",
        out.to_str().unwrap(),
        "--columns",
        "method,digest",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("digest") && err.contains("case_digest"),
        "{err}"
    );
}

/// Many chunks of mixed records (generated cases with every 97th invalid,
/// every fixture case, the E2B and openFDA samples with their edge cases, a
/// file of mixed good and bad lines) give the same bytes of rows and errors
/// with 1, 2 and 4 workers.
#[test]
fn a_mixed_batch_of_many_chunks_gives_the_same_bytes_for_1_2_and_4_jobs() {
    let f = Folder::new("mixed-jobs");
    let generated = f.0.join("generated.ndjson");
    std::fs::write(&generated, crate::synthetic_ndjson(10_000)).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let inputs: Vec<String> = [
        "fixtures/cases",
        "fixtures/e2b",
        "fixtures/e2b-edge",
        "fixtures/openfda",
        "fixtures/openfda-edge",
        "fixtures/bad-input/batch/mixed-lines.ndjson",
    ]
    .iter()
    .map(|p| format!("{root}/{p}"))
    .chain([generated.display().to_string()])
    .collect();
    let run = |jobs: &str| {
        let out = f.0.join(format!("rows-{jobs}.csv"));
        let errors = f.0.join(format!("errors-{jobs}.csv"));
        let mut args: Vec<&str> = vec!["batch"];
        args.extend(inputs.iter().map(String::as_str));
        let (o, e) = (out.display().to_string(), errors.display().to_string());
        args.extend(["--out", &o, "--errors", &e, "--jobs", jobs]);
        let o = causa(&args);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        (
            String::from_utf8_lossy(&o.stderr).replace(&format!("-{jobs}.csv"), ""),
            std::fs::read(out).unwrap(),
            std::fs::read(errors).unwrap(),
        )
    };
    let one = run("1");
    let summary = &one.0;
    // More records than five chunks of 2,048, with rejected ones in every chunk.
    let read: u64 = summary
        .strip_prefix("records read ")
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{summary}"));
    assert!(read > 10_000, "{summary}");
    let rejected = String::from_utf8_lossy(&one.2).lines().count() - 1;
    assert!(rejected > 100, "{rejected} rejected: {summary}");
    for jobs in ["2", "4"] {
        let other = run(jobs);
        assert_eq!(other.0, one.0, "summary with --jobs {jobs}");
        assert!(
            other.1 == one.1,
            "rows differ between --jobs 1 and --jobs {jobs}"
        );
        assert!(
            other.2 == one.2,
            "errors differ between --jobs 1 and --jobs {jobs}"
        );
    }
}

/// `--questions` writes each case's follow-up questions, one row per case and
/// question, most telling first, beside rows that stay what they were.
#[test]
fn questions_are_written_one_row_per_case_and_question_beside_unchanged_rows() {
    let f = Folder::new("questions");
    let root = env!("CARGO_MANIFEST_DIR");
    let inputs = [
        format!("{root}/fixtures/e2b/FAERS2022Scenario1.xml"),
        format!("{root}/fixtures/cases/lenalidomide-lv-desensitization.yaml"),
    ];
    let run = |extra: &[&str]| {
        let out = f.0.join("rows.csv");
        let mut args: Vec<&str> = vec!["batch", &inputs[0], &inputs[1], "--out"];
        let o = out.display().to_string();
        args.push(&o);
        args.extend_from_slice(extra);
        let done = causa(&args);
        assert_eq!(
            done.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        std::fs::read(out).unwrap()
    };
    let plain = run(&[]);
    let questions = f.0.join("questions.csv");
    let q = questions.display().to_string();
    let with = run(&["--questions", &q]);
    assert!(plain == with, "the rows do not depend on --questions");
    let text = std::fs::read_to_string(&questions).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader
            .headers()
            .unwrap()
            .iter()
            .collect::<Vec<_>>()
            .join(","),
        "record,case_id,rank,drug,reaction,finding,question,fills,could_move"
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let sparse: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|r| r[0].contains("FAERS2022Scenario1"))
        .collect();
    // Ranks count from 1 within each case.
    assert_eq!(&sparse[0][2], "1");
    assert!(sparse.iter().any(|r| &r[5] == "dechallenge"
        && &r[3] == "drug-a"
        && r[6].starts_with("Was Ingredient A stopped")));
    assert!(
        sparse
            .iter()
            .all(|r| !r[7].is_empty() && r[8].contains(" -> "))
    );
    // The reference case with all its information: nobody asks for the re-exposure it reports.
    let reference: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|r| r[0].contains("lenalidomide-lv"))
        .collect();
    assert!(!reference.is_empty());
    assert!(reference.iter().all(|r| &r[5] != "rechallenge"));
    // The questions never take the rows' file.
    let out = f.0.join("rows.csv").display().to_string();
    let o = causa(&["batch", &inputs[0], "--out", &out, "--questions", &out]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--questions"));
}
