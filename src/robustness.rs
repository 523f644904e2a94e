//! What every input must survive, shared by the fuzz targets (`fuzz/`) and
//! the test that replays their corpus on the stable toolchain.
//!
//! Each function takes arbitrary bytes and runs them through a reader; what
//! the reader accepts is evaluated and rendered in every report format. A
//! panic anywhere is a failure; so is an error message larger than
//! [`MAX_RENDERED`] or a JSON report that does not read back as JSON.

use crate::diagnostic::{Diagnostics, SourceFile};
use crate::eval::{self, Options};
use crate::import::InputFormat;
use crate::rules::RuleSet;
use serde_json::Value;

/// The most bytes the rendered problems of one input may take.
pub const MAX_RENDERED: usize = 64 * 1024;

/// The shipped rules, loaded once.
pub fn shipped_rules() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        crate::rules::load(&crate::rules::shipped_files()).expect("the shipped rules load")
    })
}

fn checked(problems: &Diagnostics) {
    let shown = problems.render();
    assert!(
        shown.len() <= MAX_RENDERED,
        "{} bytes of problems for one input",
        shown.len()
    );
}

/// Evaluates a case every way a user can (report, rows, timeline, the
/// allergist's letter) and renders each result in every format.
fn evaluate(rules: &RuleSet, case: &crate::case::Case) {
    let options = Options {
        policy: Some(rules.policy.clone()),
        ..Options::default()
    };
    // The report as `causa assess` makes it, with what would change each result.
    let result = eval::assess(
        rules,
        case,
        &Options {
            follow_up: true,
            ..options.clone()
        },
    );
    let json = crate::report::json(&result);
    assert!(
        serde_json::from_str::<Value>(&json).is_ok(),
        "the JSON report does not read back"
    );
    let _ = crate::report::markdown(&result);
    let _ = eval::rows(rules, case, &options).len();
    let timeline = eval::timeline::timeline(rules, case, &options);
    let _ = crate::report::timeline_markdown(&timeline);
    let _ = crate::report::timeline_json(&timeline);
    let _ = crate::report::html(&result, &rules.methods);
    let _ = crate::report::timeline_html(std::slice::from_ref(&timeline));
    let letter = eval::letter::letter(rules, case, &options, None);
    let _ = crate::report::letter::markdown(std::slice::from_ref(&letter));
    let _ = crate::report::letter::html(std::slice::from_ref(&letter));
    assert!(
        serde_json::from_str::<Value>(&crate::report::letter::json(&[letter])).is_ok(),
        "the letter's JSON does not read back"
    );
}

/// The cases of a file's bytes, read as `format` says, each loaded and evaluated.
fn read_and_evaluate(rules: &RuleSet, data: &[u8], format: InputFormat) {
    let text = match crate::diagnostic::encoding::utf8("input", data.to_vec()) {
        Ok(t) => t,
        Err(d) => return checked(&d.into()),
    };
    let reports = match crate::import::cases_of("input", text, format) {
        Ok(r) => r,
        Err(d) => return checked(&d.into()),
    };
    for report in reports {
        match report {
            Ok((name, text)) => match rules.load_case(&SourceFile { name, text }) {
                Ok(case) => evaluate(rules, &case),
                Err(problems) => checked(&problems),
            },
            Err(refused) => checked(&refused.diagnostic().into()),
        }
    }
}

/// A case file (YAML or JSON), or whatever `causa assess` detects in it.
pub fn case_file(data: &[u8]) {
    read_and_evaluate(shipped_rules(), data, InputFormat::Auto);
}

/// An E2B(R3) file, imported, assessed, and exported back with the assessments.
pub fn e2b_file(data: &[u8]) {
    let rules = shipped_rules();
    read_and_evaluate(rules, data, InputFormat::E2b);
    if let Ok(text) = std::str::from_utf8(data) {
        let options = Options {
            policy: Some(rules.policy.clone()),
            ..Options::default()
        };
        let _ = crate::export::e2b("input", text, rules, &options, None);
    }
}

/// An openFDA drug-event response.
pub fn openfda_file(data: &[u8]) {
    read_and_evaluate(shipped_rules(), data, InputFormat::Openfda);
}

/// A time as a case writes it (`day 8 of c1`, `2019-03`, `2 weeks after x`).
pub fn time_text(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::time::parse_time(text);
        let _ = crate::time::parse_date(text);
        let _ = crate::time::day_numbers(text);
    }
}

/// A rule file: the first byte picks which shipped file the rest replaces;
/// a rule set that loads is used on a small case.
pub fn rule_file(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mut files = crate::rules::shipped_files();
    if files.files.is_empty() {
        return;
    }
    let i = usize::from(pick) % files.files.len();
    // An edited method is a new version: the lock would refuse every input.
    files.lock = None;
    files.files[i].text = text.to_owned();
    match crate::rules::load(&files) {
        Ok(rules) => {
            let case = SourceFile {
                name: "case.yaml".into(),
                text: SMALL_CASE.into(),
            };
            if let Ok(case) = rules.load_case(&case) {
                evaluate(&rules, &case);
            }
        }
        Err(problems) => checked(&problems),
    }
}

/// A case every rule set can be tried on: a suspect drug, a reaction after it,
/// a dechallenge.
const SMALL_CASE: &str = "id: small
drugs:
  - id: a
    name: lenalidomide
    role: suspect
    exposures:
      - { id: c, start: 2024-01-01, end: 2024-01-20 }
reactions:
  - id: r
    term: maculopapular rash
    onset: day 10 of c
    end: 2024-01-28
dechallenges:
  - { drug: a, reaction: r, outcome: improved }
";

/// A mutated case's text: loaded and, when accepted, evaluated; whether it was.
fn read_mutated(file: &SourceFile) -> bool {
    let rules = shipped_rules();
    match rules.load_case(file) {
        Ok(case) => {
            evaluate(rules, &case);
            true
        }
        Err(problems) => {
            checked(&problems);
            false
        }
    }
}

pub mod mutate;
pub use mutate::{mutated_case, seeds};
