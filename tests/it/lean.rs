//! The lean results batch writes (`eval::rows`) are exactly the drug, reaction,
//! method, score, category, information count and provisional mark of the full
//! assessment, in the same order: for
//! every fixture case and imported record, every method alone and all
//! together, as of every date the case knows and without one, under every
//! policy; and for generated cases.

use super::{relative, shipped, source};
use causa::case::Case;
use causa::eval::{self, Options};
use causa::policy::{Policy, SWITCHES};
use causa::rules::RuleSet;
use chrono::NaiveDate;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

type Key = (
    String,
    String,
    String,
    Option<i64>,
    String,
    bool,
    String,
    eval::Tally,
    bool,
);

fn full(rules: &RuleSet, case: &Case, options: &Options) -> Vec<Key> {
    let a = eval::assess(rules, case, options);
    let scored = a.assessments.into_iter().map(|a| {
        let na = a.not_applicable.is_some();
        // A batch row gives the method's own reason; the report adds the pair's particulars after "; ".
        let reason = a
            .not_applicable
            .map(|r| r.split("; ").next().unwrap_or_default().to_owned())
            .unwrap_or_default();
        (
            a.drug,
            a.reaction,
            a.method.to_owned(),
            a.score,
            a.category.to_owned(),
            na,
            reason,
            a.information,
            !a.provisional.is_empty(),
        )
    });
    let not_scored = a.not_scored.into_iter().map(|x| {
        (
            String::new(),
            x.reaction.unwrap_or_default(),
            String::new(),
            None,
            eval::NOT_SCORED.to_owned(),
            false,
            x.reason,
            eval::Tally::default(),
            false,
        )
    });
    scored.chain(not_scored).collect()
}

fn lean(rules: &RuleSet, case: &Case, options: &Options) -> Vec<Key> {
    eval::rows(rules, case, options)
        .into_iter()
        .map(|r| {
            (
                r.drug.to_owned(),
                r.reaction.to_owned(),
                r.method.to_owned(),
                r.score,
                r.category.to_owned(),
                r.not_applicable,
                r.reason.into_owned(),
                r.information,
                r.provisional,
            )
        })
        .collect()
}

/// The rule set's policy, and every combination of every switch's values
/// (16 for four switches of two values).
fn policies(rules: &RuleSet) -> Vec<Option<Policy>> {
    let mut all: Vec<Policy> = vec![rules.policy.clone()];
    for s in SWITCHES {
        all = all
            .into_iter()
            .flat_map(|p| {
                s.values.iter().map(move |v| {
                    let mut p = p.clone();
                    p.set(s.name, v).expect("a listed value");
                    p
                })
            })
            .collect();
    }
    let combinations: usize = SWITCHES.iter().map(|s| s.values.len()).product();
    assert_eq!(all.len(), combinations);
    std::iter::once(None)
        .chain(all.into_iter().map(Some))
        .collect()
}

/// No date, the day before anything dated was known, and every day something became known.
fn days(case: &Case) -> Vec<Option<NaiveDate>> {
    let dates: Vec<NaiveDate> = case.information().into_iter().map(|i| i.day).collect();
    let mut out = vec![None];
    if let Some(first) = dates.first().and_then(|d| d.pred_opt()) {
        out.push(Some(first));
    }
    out.extend(dates.into_iter().map(Some));
    out.dedup();
    out
}

/// Asserts that the lean and full results agree for a case under every option; returns how many runs were compared.
fn agree_everywhere(rules: &RuleSet, case: &Case, name: &str) -> usize {
    let mut method_sets: Vec<Vec<String>> = vec![Vec::new()];
    method_sets.extend(rules.methods.iter().map(|m| vec![m.id.clone()]));
    let mut runs = 0;
    for as_of in days(case) {
        for policy in policies(rules) {
            for methods in &method_sets {
                let options = Options {
                    as_of,
                    methods: methods.clone(),
                    policy: policy.clone(),
                    follow_up: false,
                };
                assert_eq!(
                    lean(rules, case, &options),
                    full(rules, case, &options),
                    "{name}: as of {as_of:?}, methods {methods:?}, policy {policy:?}"
                );
                runs += 1;
            }
        }
    }
    runs
}

fn files_under(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn lean_rows_equal_the_full_assessment_for_every_fixture() {
    let rules = shipped();
    let mut cases = 0;
    for path in files_under("fixtures/cases") {
        let case = rules
            .load_case(&source(&path))
            .unwrap_or_else(|d| panic!("{}", d.render()));
        assert!(agree_everywhere(rules, &case, &relative(&path)) > 0);
        cases += 1;
    }
    // Imported records (openFDA, E2B) as batch reads them: every one is
    // compared but for the three E2B edge cases made to be refused.
    let refused_on_purpose = [
        "impossible-date.xml",
        "negative-age.xml",
        "year-zero-date.xml",
    ];
    let (mut imported, mut refused) = (0, Vec::new());
    for path in files_under("fixtures/openfda")
        .into_iter()
        .chain(files_under("fixtures/e2b"))
        .chain(files_under("fixtures/e2b-edge"))
        .filter(|p| p.extension().is_some_and(|x| x == "json" || x == "xml"))
    {
        for record in
            causa::batch::records(&path, causa::import::InputFormat::Auto).expect("readable")
        {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let record = match record {
                Ok(r) => r,
                Err(_) if refused_on_purpose.contains(&name.as_str()) => continue,
                Err((position, why)) => {
                    refused.push(format!("{position}: {why}"));
                    continue;
                }
            };
            let file = causa::diagnostic::SourceFile {
                name: record.position.clone(),
                text: record.text,
            };
            match rules.load_case(&file) {
                Ok(case) => {
                    agree_everywhere(rules, &case, &record.position);
                    imported += 1;
                }
                Err(_) if refused_on_purpose.contains(&name.as_str()) => {}
                Err(d) => refused.push(d.render()),
            }
        }
    }
    assert!(refused.is_empty(), "records refused: {refused:#?}");
    // 2 FAERS instances, 15 readable edge cases (one holds two reports), the openFDA sample's reports.
    eprintln!("IMPORTED {imported} CASES {cases}");
    assert!(imported >= 17, "{imported} imported records compared");
    assert!(cases >= 30, "{cases} fixture cases compared");
}

const DRUGS: &[&str] = &[
    "lenalidomide",
    "amoxicillin",
    "allopurinol",
    "lamotrigine",
    "naproxen",
    "phenytoin",
    "no-such-drug",
];
const TERMS: &[&str] = &[
    "maculopapular rash",
    "urticaria",
    "leukocytoclastic vasculitis",
    "Stevens-Johnson syndrome",
    "toxic epidermal necrolysis",
    "deep vein thrombosis",
    "an unknown term",
];
const ROLES: &[&str] = &["suspect", "concomitant", "interacting"];

/// A generated case: drugs with one exposure each, one reaction, and optionally
/// a dechallenge, a rechallenge, an alternative cause and a previous reaction.
#[allow(clippy::too_many_arguments)]
fn generated(
    drugs: &[(usize, usize, u32, u32, bool)],
    term: usize,
    onset: u32,
    dechallenge: Option<bool>,
    rechallenge: Option<bool>,
    alternative: Option<usize>,
    previous: Option<usize>,
) -> String {
    let mut s = String::from("id: generated\ndrugs:\n");
    for (i, &(name, role, start, length, withdrawn)) in drugs.iter().enumerate() {
        let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(start.into());
        let stop = start + chrono::Days::new(length.into());
        s.push_str(&format!(
            "  - id: d{i}\n    name: {}\n    role: {}\n    action_taken: {}\n    exposures:\n      - {{ id: e{i}, start: {start}, stop: {stop} }}\n",
            DRUGS[name],
            ROLES[role],
            if withdrawn { "withdrawn" } else { "dose-not-changed" },
        ));
    }
    s.push_str(&format!(
        "reactions:\n  - {{ id: r, term: {}, onset: day {onset} of e0, outcome: recovered }}\n",
        TERMS[term]
    ));
    if let Some(improved) = dechallenge {
        s.push_str(&format!(
            "dechallenges:\n  - {{ drug: d0, reaction: r, action: withdrawn, outcome: {} }}\n",
            if improved { "improved" } else { "not-improved" }
        ));
    }
    if let Some(recurred) = rechallenge {
        s.push_str(&format!(
            "rechallenges:\n  - {{ drug: d0, kind: full-dose, start: 2024-06-01, steps: [{{ day: \"2\", outcome: {} }}] }}\n",
            if recurred { "recurrence, reaction: r" } else { "tolerated" }
        ));
    }
    if let Some(p) = alternative {
        let plausibility = [
            "excluded",
            "less-plausible",
            "equally-plausible",
            "more-plausible",
        ][p];
        s.push_str(&format!(
            "alternative_causes:\n  - {{ cause: viral infection, reaction: r, plausibility: {plausibility} }}\n"
        ));
    }
    if let Some(d) = previous {
        s.push_str(&format!(
            "patient:\n  previous_reactions:\n    - {{ drug: {}, reaction: {} }}\n",
            DRUGS[d], TERMS[term]
        ));
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn lean_rows_equal_the_full_assessment_for_generated_cases(
        drugs in prop::collection::vec((0..DRUGS.len(), 0..ROLES.len(), 0u32..60, 0u32..40, any::<bool>()), 1..4),
        term in 0..TERMS.len(),
        onset in 1u32..50,
        dechallenge in prop::option::of(any::<bool>()),
        rechallenge in prop::option::of(any::<bool>()),
        alternative in prop::option::of(0usize..4),
        previous in prop::option::of(0..DRUGS.len()),
    ) {
        let rules = shipped();
        let text = generated(&drugs, term, onset, dechallenge, rechallenge, alternative, previous);
        let file = causa::diagnostic::SourceFile { name: "generated.yaml".into(), text };
        let case = rules.load_case(&file);
        prop_assert!(case.is_ok(), "{}\n{}", file.text, case.err().map(|d| d.render()).unwrap_or_default());
        if let Ok(case) = case {
            agree_everywhere(rules, &case, &file.text);
        }
    }
}
