//! Laws that must hold for every input, checked exhaustively or with proptest.

use crate::shipped;
use causa::diagnostic::SourceFile;
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

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

/// Values a mutation writes in place of a value of a valid input: dates that
/// are not days, times in the case's language pointing nowhere, references to
/// ids that do not exist, words outside every enumeration, numbers out of
/// range, empty and odd text.
const ODD_VALUES: &[&str] = &[
    "2024-02-30",
    "0000-01-01",
    "2024-13",
    "day 0 of nowhere",
    "3 days before c1",
    "day 99999999999 of c1",
    "-1",
    "999999999999999999999",
    "no-such-id",
    "withdrawn",
    "recurrence",
    "",
    "null",
    "[]",
    "{}",
    "\u{202e}é\u{0}",
];

/// The same text with its `n`th value (after `: ` in YAML, between quotes in
/// JSON, in an attribute in XML) replaced by `odd`.
fn with_value_replaced(text: &str, n: usize, odd: &str) -> String {
    let mut spans = Vec::new();
    for (start, _) in text.match_indices(": ") {
        let from = start + 2;
        let to = text[from..]
            .find(['\n', ',', '}'])
            .map_or(text.len(), |e| from + e);
        spans.push((from, to));
    }
    for (start, _) in text.match_indices("=\"") {
        let from = start + 2;
        if let Some(e) = text[from..].find('"') {
            spans.push((from, from + e));
        }
    }
    if spans.is_empty() {
        return text.to_owned();
    }
    spans.sort_unstable();
    let (from, to) = spans[n % spans.len()];
    format!("{}{odd}{}", &text[..from], &text[to..])
}

fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).expect("fixture")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A value of a valid case, E2B instance or openFDA report replaced by an
    /// odd one is read, or refused with problems of bounded size; what is read
    /// is assessed and rendered in every format without a panic
    /// (`causa::robustness`, shared with the fuzz targets).
    #[test]
    fn readers_survive_odd_values_in_valid_inputs(
        which in 0usize..5,
        n in 0usize..10_000,
        odd in 0..ODD_VALUES.len(),
        twice in prop::option::of((0usize..10_000, 0..ODD_VALUES.len())),
    ) {
        let (path, check): (&str, fn(&[u8])) = [
            ("fixtures/cases/lenalidomide-lv-desensitization.yaml", causa::robustness::case_file as fn(&[u8])),
            ("fixtures/cases/chi-ibrutinib-cetuximab-vasculitis.yaml", causa::robustness::case_file),
            ("fixtures/e2b/FAERS2022Scenario6.xml", causa::robustness::e2b_file),
            ("fixtures/e2b-edge/two-icsrs.xml", causa::robustness::e2b_file),
            ("fixtures/openfda/openfda-drug-event-sample.json", causa::robustness::openfda_file),
        ][which];
        let mut text = with_value_replaced(&fixture(path), n, ODD_VALUES[odd]);
        if let Some((m, o)) = twice {
            text = with_value_replaced(&text, m, ODD_VALUES[o]);
        }
        check(text.as_bytes());
    }
}
