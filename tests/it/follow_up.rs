//! What to ask next and what would change a result: the follow-up changes no
//! result, and asks what the published cases and sparse reports call for.

use super::fixtures::{case_files, day};
use crate::{relative, shipped, source};
use causa::eval::{self, Options};
use std::path::Path;

/// Working out what would change each result changes no result: every
/// fixture's JSON report is the same with and without it, but for the
/// `follow_up` list itself.
#[test]
fn what_would_change_a_result_changes_no_result() {
    let rules = shipped();
    let mut listed = 0;
    for path in case_files() {
        let case = causa::case::load(&source(&path)).unwrap();
        let plain = causa::report::json(&eval::assess(rules, &case, &Options::default()));
        let with = eval::assess(
            rules,
            &case,
            &Options {
                follow_up: true,
                ..Default::default()
            },
        );
        listed += with.follow_up.as_ref().map_or(0, |f| f.results.len());
        let mut with: serde_json::Value =
            serde_json::from_str(&causa::report::json(&with)).unwrap();
        assert!(
            with["follow_up"]["questions"].is_array(),
            "{}",
            relative(&path)
        );
        with.as_object_mut().unwrap().remove("follow_up");
        let plain: serde_json::Value = serde_json::from_str(&plain).unwrap();
        assert_eq!(plain, with, "{}", relative(&path));
    }
    assert!(
        listed > 50,
        "{listed} results with something that would change them"
    );
}

fn follow_up_of(path: &str, as_of: Option<&str>) -> eval::CaseAssessment<'static> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let rules = shipped();
    let file = source(&path);
    let case = if path.extension().is_some_and(|x| x == "xml") {
        let record = causa::batch::records(&path, causa::import::InputFormat::Auto)
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        rules
            .load_case(&causa::diagnostic::SourceFile {
                name: record.position,
                text: record.text,
            })
            .unwrap()
    } else {
        rules.load_case(&file).unwrap()
    };
    eval::assess(
        rules,
        &case,
        &Options {
            as_of: as_of.map(day),
            follow_up: true,
            ..Default::default()
        },
    )
}

/// Before the desensitization, a re-exposure is what could move SEFV from
/// conditional to probable: what the published case went on to show.
#[test]
fn the_reference_case_before_its_desensitization_asks_for_a_re_exposure() {
    let a = follow_up_of(
        "fixtures/cases/lenalidomide-lv-desensitization.yaml",
        Some("2019-12-31"),
    );
    let f = a.follow_up.as_ref().expect("asked for");
    let q = f
        .questions
        .iter()
        .find(|q| q.finding == "rechallenge")
        .expect("a question about a re-exposure");
    assert!(
        q.ask
            .starts_with("Was lenalidomide given again after leukocytoclastic vasculitis"),
        "{}",
        q.ask
    );
    assert_eq!(q.fills, vec!["rechallenges"]);
    let sefv = q
        .could_move
        .iter()
        .find(|m| m.method == "sefv")
        .expect("moves SEFV");
    assert_eq!(sefv.from, "conditional");
    assert!(sefv.to.contains(&"probable"), "{:?}", sefv.to);
    // With all information the re-exposure is known: no one asks for it.
    let now = follow_up_of("fixtures/cases/lenalidomide-lv-desensitization.yaml", None);
    assert!(
        now.follow_up
            .as_ref()
            .is_some_and(|f| f.questions.iter().all(|q| q.finding != "rechallenge"))
    );
}

/// A sparse E2B report (no drug dates, no action taken, nothing else) asks
/// when the drug was taken, whether it was stopped and what else could
/// explain the reaction, for each suspect and reaction.
#[test]
fn a_sparse_e2b_report_asks_for_the_dechallenge_the_timing_and_other_causes() {
    let a = follow_up_of("fixtures/e2b/FAERS2022Scenario1.xml", None);
    let f = a.follow_up.as_ref().expect("asked for");
    for finding in [
        "dechallenge",
        "event-after-drug",
        "time-to-onset",
        "alternative-causes",
    ] {
        for (drug, reaction) in [
            ("drug-a", "r1"),
            ("drug-a", "r2"),
            ("drug-b", "r1"),
            ("drug-b", "r2"),
        ] {
            let q = f
                .questions
                .iter()
                .find(|q| q.finding == finding && q.drug == drug && q.reaction == reaction)
                .unwrap_or_else(|| panic!("no {finding} question for {drug} and {reaction}"));
            assert!(!q.could_move.is_empty() && !q.fills.is_empty());
        }
    }
    // Most telling first: no question moves more results than the first.
    let most = f
        .questions
        .iter()
        .map(|q| q.could_move.len())
        .max()
        .unwrap();
    assert_eq!(f.questions[0].could_move.len(), most);
    let dechallenge = f
        .questions
        .iter()
        .find(|q| q.finding == "dechallenge")
        .unwrap();
    assert!(
        dechallenge
            .ask
            .starts_with("Was Ingredient A stopped or its dose reduced"),
        "{}",
        dechallenge.ask
    );
}
