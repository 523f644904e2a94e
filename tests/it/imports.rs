//! The shared E2B(R3) instances and the openFDA sample are scored as
//! `fixtures/expected-imports/` states, row for row: every drug–reaction pair
//! and method of every record, with the reasoning for each expected value
//! written beside it there. Nothing is skipped: a record that does not load,
//! a row not stated or a statement with no row fails.

use crate::{relative, shipped};
use causa::eval::{self, Options};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    /// The record's position after the file name (`#/results/0`).
    record: String,
    #[serde(default)]
    drug: String,
    reaction: String,
    /// Method to `category` or `category score`.
    #[serde(default)]
    results: BTreeMap<String, String>,
    /// The reaction is reported, not scored.
    #[serde(default)]
    not_scored: bool,
    /// Why each value is what it is, from the record's facts.
    because: String,
}

const IMPORTS: [&str; 3] = [
    "fixtures/e2b/FAERS2022Scenario1.xml",
    "fixtures/e2b/FAERS2022Scenario6.xml",
    "fixtures/openfda/openfda-drug-event-sample.json",
];

type Key = (String, String, String, String);

#[test]
fn the_shared_e2b_and_openfda_samples_get_their_stated_categories() {
    let rules = shipped();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in IMPORTS {
        let path = root.join(file);
        let stem = path.file_stem().unwrap().to_string_lossy();
        let stated = root.join(format!("fixtures/expected-imports/{stem}.yaml"));
        let text = std::fs::read_to_string(&stated).expect("stated results");
        let expected: Vec<Expected> =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", relative(&stated)));
        let mut want: BTreeMap<Key, String> = BTreeMap::new();
        for e in &expected {
            assert!(
                e.because.split_whitespace().count() >= 5,
                "{}: {} {} {} says too little of why",
                relative(&stated),
                e.record,
                e.drug,
                e.reaction
            );
            assert!(
                e.not_scored == e.results.is_empty(),
                "{}: {} {}: results or not_scored, one of them",
                relative(&stated),
                e.record,
                e.reaction
            );
            if e.not_scored {
                let key = (
                    e.record.clone(),
                    String::new(),
                    e.reaction.clone(),
                    String::new(),
                );
                want.insert(key, eval::NOT_SCORED.to_owned());
            }
            for (method, result) in &e.results {
                let key = (
                    e.record.clone(),
                    e.drug.clone(),
                    e.reaction.clone(),
                    method.clone(),
                );
                assert!(
                    want.insert(key, result.clone()).is_none(),
                    "{method} stated twice"
                );
            }
        }
        let mut got: BTreeMap<Key, String> = BTreeMap::new();
        let mut records = 0;
        for record in causa::batch::records(&path, causa::import::InputFormat::Auto).unwrap() {
            let record = record.unwrap_or_else(|(p, why)| panic!("{p}: {why}"));
            let at = record
                .position
                .rsplit_once('#')
                .map(|(_, r)| format!("#{r}"))
                .unwrap();
            let file = causa::diagnostic::SourceFile {
                name: record.position.clone(),
                text: record.text,
            };
            let case = rules
                .load_case(&file)
                .unwrap_or_else(|d| panic!("{}", d.render()));
            records += 1;
            for row in eval::rows(rules, &case, &Options::default()) {
                let shown = match row.score {
                    Some(s) => format!("{} {s}", row.category),
                    None => row.category.to_owned(),
                };
                let key = (
                    at.clone(),
                    row.drug.into(),
                    row.reaction.into(),
                    row.method.into(),
                );
                got.insert(key, shown);
            }
        }
        assert!(records > 0, "{file}: no record read");
        assert_eq!(got, want, "{file}");
    }
}
