//! Laws that must hold for every input, checked exhaustively or with proptest.

use crate::shipped;
use causa::diagnostic::SourceFile;
use causa::eval::{self, Options};
use causa::rules::{Method, Target};
use proptest::prelude::*;

/// Walks every combination of answers through a method; returns how many there were.
fn every_path_ends_in_one_category(m: &Method, node: usize, total: i64) -> u64 {
    let mut paths = 0;
    for e in &m.nodes[node].edges {
        let t = total + e.points;
        paths += match e.target {
            Target::Node(n) => every_path_ends_in_one_category(m, n, t),
            Target::Category(c) => {
                assert!(c < m.categories.len());
                1
            }
            Target::Bands => {
                let matching = m.bands.iter().filter(|b| b.contains(t)).count();
                assert_eq!(matching, 1, "{}: total {t} falls in {matching} bands", m.id);
                1
            }
        };
    }
    paths
}

#[test]
fn every_complete_answer_vector_yields_exactly_one_category() {
    let set = shipped();
    for m in &set.methods {
        let paths = every_path_ends_in_one_category(m, m.start, 0);
        assert!(paths > 0);
        if m.id == "naranjo" {
            // Ten questions with yes / no / don't know each.
            assert_eq!(paths, 3u64.pow(10));
        }
    }
}

#[test]
fn naranjo_totals_span_minus_4_to_13() {
    let set = shipped();
    let m = set.method("naranjo").unwrap();
    let (mut lo, mut hi) = (0, 0);
    for n in &m.nodes {
        lo += n.edges.iter().map(|e| e.points).min().unwrap();
        hi += n.edges.iter().map(|e| e.points).max().unwrap();
    }
    assert_eq!((lo, hi), (-4, 13));
}

/// A small lenalidomide exanthem case with some supporting facts switched on.
fn case_with(
    dechallenge: bool,
    rechallenge: bool,
    drug_test: bool,
    alternatives_excluded: bool,
) -> String {
    let mut s = String::from(
        "id: law\ndrugs:\n  - id: len\n    name: lenalidomide\n    role: suspect\n    exposures:\n      - id: c1\n        start: 2021-03-01\nreactions:\n  - id: r\n    term: maculopapular rash\n    onset: day 10 of c1\n",
    );
    if dechallenge {
        s.push_str(
            "dechallenges:\n  - { drug: len, reaction: r, action: withdrawn, outcome: improved }\n",
        );
    }
    if rechallenge {
        s.push_str("rechallenges:\n  - { drug: len, kind: full-dose, start: 2021-05-01, steps: [{ day: \"3\", outcome: recurrence, reaction: r }] }\n");
    }
    if drug_test {
        s.push_str("investigations:\n  - { test: lymphocyte transformation test, result: positive, supports: drug, drug: len, reaction: r }\n");
    }
    if alternatives_excluded {
        s.push_str("alternative_causes:\n  - { cause: viral exanthem, reaction: r, plausibility: excluded, evidence_against: [negative serology] }\n");
    }
    s
}

fn scores(text: &str) -> Vec<(String, i64)> {
    let case = causa::case::load(&SourceFile {
        name: "law.yaml".into(),
        text: text.into(),
    })
    .expect("valid");
    let result = eval::assess(shipped(), &case, &Options::default());
    result
        .assessments
        .iter()
        .filter_map(|a| a.score.map(|s| (a.method.to_owned(), s)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn more_supporting_evidence_never_lowers_a_score(flags in prop::array::uniform4(any::<bool>()), which in 0usize..4) {
        prop_assume!(!flags[which]);
        let mut more = flags;
        more[which] = true;
        let before = scores(&case_with(flags[0], flags[1], flags[2], flags[3]));
        let after = scores(&case_with(more[0], more[1], more[2], more[3]));
        prop_assert_eq!(before.len(), after.len());
        for ((m, b), (_, a)) in before.iter().zip(&after) {
            prop_assert!(a >= b, "{}: {} -> {} when adding fact {}", m, b, a, which);
        }
    }

    #[test]
    fn case_loader_never_panics_on_arbitrary_text(text in ".{0,400}") {
        let _ = causa::case::load(&SourceFile { name: "x.yaml".into(), text });
    }

    #[test]
    fn case_loader_never_panics_on_damaged_fixtures(cut in 0usize..4000, drop_line in 0usize..200) {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/cases/lenalidomide-lv-desensitization.yaml")).unwrap();
        let truncated: String = text.chars().take(cut).collect();
        let _ = causa::case::load(&SourceFile { name: "x.yaml".into(), text: truncated });
        let dropped: Vec<&str> = text.lines().enumerate().filter(|(i, _)| *i != drop_line).map(|(_, l)| l).collect();
        let _ = causa::case::load(&SourceFile { name: "x.yaml".into(), text: dropped.join("\n") });
    }

    #[test]
    fn rule_loader_never_panics_on_damaged_rules(cut in 0usize..9000, drop_line in 0usize..200) {
        let mut files = causa::rules::shipped_files();
        let i = files.files.iter().position(|f| f.name.ends_with("sefv.yaml")).unwrap();
        let text = files.files[i].text.clone();
        files.files[i].text = text.chars().take(cut).collect();
        let _ = causa::rules::load(&files);
        files.files[i].text = text.lines().enumerate().filter(|(j, _)| *j != drop_line).map(|(_, l)| l).collect::<Vec<_>>().join("\n");
        let _ = causa::rules::load(&files);
    }
}
