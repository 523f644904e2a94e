//! The fast JSON reading of cases (`case::load_json`) gives the case the YAML
//! reader gives, or nothing; and `RuleSet::load_case`, which tries it first,
//! accepts and rejects exactly what the YAML reader does, with the same
//! diagnostics (lines and columns included).

use super::{shipped, source};
use causa::diagnostic::SourceFile;
use proptest::prelude::*;
use std::path::Path;

/// A case's debug text without positions, which only the YAML reader records.
fn without_positions(case: &causa::case::Case) -> String {
    let text = format!("{case:?}");
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("Pos { line: ") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('}').map_or(rest.len(), |e| at + e + 1);
        out.push_str("Pos");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Both readers agree on a text: the fast one gives nothing or the YAML
/// reader's case, and loading against the rules gives the same result.
fn readers_agree(file: &SourceFile) {
    let rules = shipped();
    let slow = causa::case::load(file);
    if let Some(fast) = causa::case::load_json(file) {
        let slow = slow.as_ref().unwrap_or_else(|d| {
            panic!(
                "fast reader accepted what the YAML reader rejects:\n{}\n{}",
                file.text,
                d.render()
            )
        });
        assert_eq!(
            without_positions(&fast),
            without_positions(slow),
            "{}",
            file.text
        );
    }
    let checked = rules.load_case(file);
    let reference = causa::case::load(file).and_then(|c| {
        let problems = rules.check_case(&c, file);
        if problems.is_empty() {
            Ok(c)
        } else {
            Err(problems.sorted())
        }
    });
    match (checked, reference) {
        (Ok(a), Ok(b)) => assert_eq!(without_positions(&a), without_positions(&b)),
        (Err(a), Err(b)) => assert_eq!(a.render(), b.render()),
        (a, b) => panic!(
            "load_case and the YAML reader disagree on\n{}\n{:?}\n{:?}",
            file.text,
            a.map(|_| ()).map_err(|d| d.render()),
            b.map(|_| ()).map_err(|d| d.render())
        ),
    }
}

/// Every fixture case written as one JSON line, as `causa import` and NDJSON inputs have them.
fn fixture_lines() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let value: serde_json::Value =
                serde_saphyr::from_str(&source(p).text).expect("fixture is YAML");
            value.to_string()
        })
        .collect()
}

fn line(text: &str) -> SourceFile {
    SourceFile {
        name: "cases.ndjson:1".into(),
        text: text.into(),
    }
}

/// Whether a JSON value holds a number that is not a whole number.
fn has_fraction(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Number(n) => n.is_f64(),
        serde_json::Value::Array(a) => a.iter().any(has_fraction),
        serde_json::Value::Object(o) => o.values().any(has_fraction),
        _ => false,
    }
}

#[test]
fn every_fixture_as_json_is_read_fast_and_identically() {
    let mut fast = 0;
    for text in fixture_lines() {
        let file = line(&text);
        // YAML reads `onset: 2015` as text; JSON's 2015 is a number, which only the YAML reader accepts.
        match causa::case::load_json(&file) {
            Some(_) => fast += 1,
            // Fractional numbers (an age of 1.67 years) are left to the YAML reader too.
            None => assert!(
                serde_json::from_str::<causa::case::doc::CaseDoc>(&text).is_err()
                    || has_fraction(&serde_json::from_str(&text).expect("JSON")),
                "a valid JSON case not read fast: {text}"
            ),
        }
        readers_agree(&file);
    }
    assert!(fast >= 10, "{fast} fixtures read fast");
}

const LOCATIONS: &str = r#""referenced":{"line":1,"column":1,"span":{"offset":0,"len":1,"byte_info":[0,0]},"source_id":0},"defined":{"line":1,"column":1,"span":{"offset":0,"len":1,"byte_info":[0,0]},"source_id":0}"#;

#[test]
fn awkward_json_is_read_as_the_yaml_reader_reads_it() {
    let base = r#"{"id":"c","drugs":[{"id":"d","name":"amoxicillin","role":"suspect","exposures":[{"id":"e","start":"2024-01-01"}]}],"reactions":[{"id":"r","term":"urticaria","onset":"day 3 of e"}]}"#;
    let variants = [
        base.to_owned(),
        base.replace("\"urticaria\"", "\"urtic\\u00e1ria\""),
        base.replace("\"urticaria\"", "\"\\ud83d\\ude00 urticaria\""),
        base.replace("\"urticaria\"", "\"\\ud83d urticaria\""),
        base.replace("\"urticaria\"", "\"urti\\u0063aria\""),
        base.replace("\"urticaria\"", "\"urticaria\\n\\t\\\"x\\\" \\/ \\\\\""),
        base.replace("\"id\":\"c\"", "\"id\":\"c\",\"id\":\"c\""),
        base.replace("\"id\":\"c\"", "\"\\u005f_serde_saphyr_private_spanned\":1,\"id\":\"c\""),
        base.replace("\"id\":\"c\"", "\"id\":\"c\",\"patient\":{\"age\":1e400}"),
        base.replace("\"id\":\"c\"", "\"id\":\"c\",\"patient\":{\"age\":68}"),
        base.replace("\"id\":\"c\"", "\"id\":\"c\",\"patient\":{\"age\":-0.5}"),
        // Numbers with more digits than a double holds round exactly as the YAML reader rounds them.
        base.replace(
            "\"id\":\"c\"",
            "\"id\":\"c\",\"patient\":{\"age\":68.49999999999999289457264239899814128875732421875}",
        ),
        base.replace(
            "\"id\":\"c\"",
            "\"id\":\"c\",\"patient\":{\"age\":9007199254740993.0000000000000001}",
        ),
        base.replace(
            "\"id\":\"c\"",
            "\"id\":\"c\",\"patient\":{\"age\":0.30000000000000004440892098500626161694526672363281250001}",
        ),
        base.replace("\"id\":\"c\"", "\"id\":\"c\",\"patient\":{\"age\":2.2250738585072011e-308}"),
        base.replace("\"id\":\"c\"", "\"id\":\"c\",\"patient\":{\"age\":123456789012345678901234567890}"),
        base.replace("\"id\":\"c\"", "\"id\":\"c\",\"patient\":{\"age\":9007199254740993}"),
        base.replace("\"id\":\"c\"", "\"id\":\"c\",\"patient\":{\"age\":-0}"),
        base.replace("\"id\":\"c\"", "\"id\":\"c\",\"patient\":{\"age\":68.4}"),
        base.replace("\"id\":\"c\"", "\"id\":12"),
        // serde-saphyr's span marker, which a JSON reader must not honour.
        base.replace(
            "\"id\":\"c\"",
            &format!("\"id\":{{\"__serde_saphyr_private_spanned\":null,\"value\":\"c\",{LOCATIONS}}}"),
        ),
        base.replace(
            "\"id\":\"c\"",
            &format!("\"id\":{{\"\\u005f_serde_saphyr_private_spanned\":null,\"value\":\"c\",{LOCATIONS}}}"),
        ),
        base.replace("\"id\":\"c\"", "\"id\":null"),
        base.replace("\"suspect\"", "\"Suspect\""),
        base.replace("\"onset\":\"day 3 of e\"", "\"onset\":\"day 3 of x\""),
        base.replace("\"term\":\"urticaria\"", "\"term\":\"urticaria\",\"phenotype\":\"no-such\""),
        format!("\u{feff}{base}"),
        format!("  {base}  "),
        format!("{base} # comment"),
        format!("{base}{base}"),
        base.replace(':', " : "),
        base.replace(',', "\t,\t"),
    ];
    for text in variants {
        readers_agree(&line(&text));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A fixture line with a piece cut out and something awkward put in its place.
    #[test]
    fn damaged_json_lines_are_read_as_the_yaml_reader_reads_them(
        which in 0usize..13,
        at in 0usize..4000,
        cut in 0usize..12,
        insert in prop::sample::select(vec![
            "", "\"", "\\", ",", "}", "]", "{", ":", "null", "1e999", "-1", "\\u0041",
            "\\ud800", "\\u00e9", " # x", "\t", "\"role\":\"suspect\",", "\"x\":1,", "true",
        ]),
    ) {
        let lines = fixture_lines();
        let text = &lines[which % lines.len()];
        let mut at = at % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + cut).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let damaged = format!("{}{insert}{}", &text[..at], &text[end..]);
        readers_agree(&line(&damaged));
    }
}

#[test]
fn every_imported_case_loads_and_both_readers_agree_on_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut read = 0;
    for dir in [
        "fixtures/openfda",
        "fixtures/openfda-edge",
        "fixtures/e2b",
        "fixtures/e2b-edge",
    ] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json" || x == "xml"))
            .collect();
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let reports =
                causa::import::cases_of(&path.display().to_string(), text, Default::default())
                    .expect("an openFDA or E2B file");
            // Reports the importer refuses are its own errors; every case it writes loads.
            for (name, text) in reports.into_iter().flatten() {
                let file = SourceFile { name, text };
                if let Err(d) = shipped().load_case(&file) {
                    panic!(
                        "an imported case does not load:\n{}\n{}",
                        file.text,
                        d.render()
                    );
                }
                readers_agree(&file);
                read += 1;
            }
        }
    }
    assert!(read >= 15, "{read} imported cases");
}
