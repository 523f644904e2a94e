//! More supporting evidence never lowers a result, for every method: a
//! score never falls, and a category never moves down the common scale.
//! Cases are generated across drugs, phenotypes, a second drug's role (a
//! co-suspect or a concomitant drug), every policy combination, an earlier
//! desensitization with a recurrence, and onsets given to the day, as a day of
//! the course or to the month; the supporting facts added one at a time are a
//! withdrawal with improvement, a full-dose re-exposure with recurrence, a
//! positive drug-specific test and the alternative cause excluded, all about
//! the suspect `d` (for another drug they may count against it, as ALDEN's
//! ranking and a co-suspect named as an alternative cause do). Every
//! comparison names the method, drug and reaction.

use crate::shipped;
use causa::diagnostic::SourceFile;
use causa::eval::{self, Options};
use causa::policy::{Policy, SWITCHES};
use proptest::prelude::*;

use crate::{SAMPLE_DRUGS as DRUGS, SAMPLE_TERMS as TERMS};

const SECOND: &[&str] = &["none", "suspect", "concomitant", "interacting"];

/// The base case and which supporting facts it holds.
#[derive(Debug, Clone)]
struct Base {
    drug: usize,
    term: usize,
    second: usize,
    second_drug: usize,
    /// 0: a date; 1: a day of the course; 2: a month.
    precision: usize,
    onset_day: u32,
    desensitization: bool,
    policy: Vec<usize>,
}

fn case_text(b: &Base, facts: [bool; 4]) -> String {
    let mut s = format!(
        "id: law\ndrugs:\n  - {{ id: d, name: {}, role: suspect, exposures: [{{ id: c, start: 2024-01-01, stop: 2024-03-01 }}] }}\n",
        DRUGS[b.drug]
    );
    if b.second > 0 {
        s.push_str(&format!(
            "  - {{ id: o, name: {}, role: {}, exposures: [{{ start: 2023-12-20 }}] }}\n",
            DRUGS[b.second_drug], SECOND[b.second]
        ));
    }
    let onset = match b.precision {
        0 => format!("2024-01-{:02}", b.onset_day),
        1 => format!("day {} of c", b.onset_day),
        _ => "2024-01".to_owned(),
    };
    s.push_str(&format!(
        "reactions:\n  - {{ id: r, term: {}, onset: \"{onset}\", outcome: recovered }}\n",
        TERMS[b.term]
    ));
    if facts[0] {
        s.push_str(
            "dechallenges:\n  - { drug: d, reaction: r, action: withdrawn, outcome: improved }\n",
        );
    }
    let mut rechallenges = Vec::new();
    if b.desensitization {
        rechallenges.push("  - { drug: d, kind: desensitization, start: 2024-04-01, steps: [{ day: \"1\", dose: 1 mg, outcome: tolerated }, { day: \"5\", dose: 5 mg, outcome: recurrence, reaction: r }] }");
    }
    if facts[1] {
        rechallenges.push("  - { drug: d, kind: full-dose, start: 2024-06-01, steps: [{ day: \"2\", outcome: recurrence, reaction: r }] }");
    }
    if !rechallenges.is_empty() {
        s.push_str("rechallenges:\n");
        for r in rechallenges {
            s.push_str(r);
            s.push('\n');
        }
    }
    if facts[2] {
        s.push_str("investigations:\n  - { test: lymphocyte transformation test, result: positive, supports: drug, drug: d, reaction: r }\n");
    }
    s.push_str(&format!(
        "alternative_causes:\n  - {{ cause: viral infection, reaction: r, plausibility: {} }}\n",
        if facts[3] {
            "excluded"
        } else {
            "equally-plausible"
        }
    ));
    s
}

fn policy(choice: &[usize]) -> Policy {
    let mut p = Policy::default();
    for (s, &v) in SWITCHES.iter().zip(choice) {
        p.set(s.name, s.values[v % s.values.len()])
            .expect("a listed value");
    }
    p
}

/// (method, drug, reaction) to (score, rank on the common scale).
type Results = Vec<((String, String, String), (Option<i64>, Option<i64>))>;

fn results(text: &str, policy: &Policy) -> Results {
    let rules = shipped();
    let case = rules
        .load_case(&SourceFile {
            name: "law.yaml".into(),
            text: text.into(),
        })
        .unwrap_or_else(|d| panic!("{text}\n{}", d.render()));
    let rank = |level: &str| rules.scale.rank(level);
    let options = Options {
        policy: Some(policy.clone()),
        ..Options::default()
    };
    eval::assess(rules, &case, &options)
        .assessments
        .iter()
        .filter(|a| a.not_applicable.is_none())
        .map(|a| {
            (
                (a.method.to_owned(), a.drug.clone(), a.reaction.clone()),
                (a.score, rank(a.level)),
            )
        })
        .collect()
}

fn base() -> impl Strategy<Value = Base> {
    (
        0..DRUGS.len(),
        0..TERMS.len(),
        0..SECOND.len(),
        0..DRUGS.len(),
        0usize..3,
        1u32..29,
        any::<bool>(),
        prop::collection::vec(0usize..2, SWITCHES.len()),
    )
        .prop_map(
            |(drug, term, second, second_drug, precision, onset_day, desensitization, policy)| {
                Base {
                    drug,
                    term,
                    second,
                    second_drug,
                    precision,
                    onset_day,
                    desensitization,
                    policy,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn more_supporting_evidence_never_lowers_any_methods_result(
        b in base(),
        facts in prop::array::uniform4(any::<bool>()),
        which in 0usize..4,
    ) {
        let (mut facts, mut more) = (facts, facts);
        facts[which] = false;
        more[which] = true;
        let p = policy(&b.policy);
        let before = results(&case_text(&b, facts), &p);
        let after = results(&case_text(&b, more), &p);
        prop_assert_eq!(before.len(), after.len());
        for ((key, (s0, r0)), (key1, (s1, r1))) in before.iter().zip(&after) {
            prop_assert_eq!(key, key1);
            let (method, drug, reaction) = key;
            // Evidence for the suspect can count against another drug
            // (ALDEN's ranking, a co-suspect as an alternative cause): the
            // law is about the drug the facts support.
            if drug != "d" {
                continue;
            }
            if let (Some(s0), Some(s1)) = (s0, s1) {
                prop_assert!(s1 >= s0, "{} for {} and {}: score {} -> {} adding fact {}\n{}", method, drug, reaction, s0, s1, which, case_text(&b, more));
            }
            if let (Some(r0), Some(r1)) = (r0, r1) {
                prop_assert!(r1 >= r0, "{} for {} and {}: rank {} -> {} adding fact {}\n{}", method, drug, reaction, r0, r1, which, case_text(&b, more));
            }
        }
    }
}
