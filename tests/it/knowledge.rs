//! Knowledge reaching a case: through a drug's classes, by the generic reading
//! of time to onset, and from the user's listedness table.

use causa::diagnostic::SourceFile;
use causa::eval::{self, Options};
use causa::rules::RuleSet;

/// The shipped rules with one more knowledge-base file, `rules/kb/zz-test.yaml`.
pub fn with_kb(text: &str) -> RuleSet {
    let mut files = causa::rules::shipped_files();
    files.files.push(SourceFile {
        name: "rules/kb/zz-test.yaml".into(),
        text: text.into(),
    });
    causa::rules::load(&files).unwrap_or_else(|d| panic!("{}", d.render()))
}

/// The shipped rules with a knowledge-base file that must be refused: the problems, rendered.
fn refused(text: &str) -> String {
    let mut files = causa::rules::shipped_files();
    files.files.push(SourceFile {
        name: "rules/kb/zz-test.yaml".into(),
        text: text.into(),
    });
    match causa::rules::load(&files) {
        Ok(_) => panic!("the knowledge-base file was accepted"),
        Err(d) => d.render(),
    }
}

/// Outcome, points and reasoning of a step of a method for a drug of the case.
pub fn step_with(
    rules: &RuleSet,
    text: &str,
    method: &str,
    drug: &str,
    node: &str,
) -> (String, i64, String) {
    let case = causa::case::load(&SourceFile {
        name: "t.yaml".into(),
        text: text.into(),
    })
    .unwrap_or_else(|d| panic!("{}", d.render()));
    let a = eval::assess(
        rules,
        &case,
        &Options {
            methods: vec![method.into()],
            ..Default::default()
        },
    );
    let a = a
        .assessments
        .iter()
        .find(|a| a.drug == drug)
        .expect("assessed");
    let s = a
        .steps
        .iter()
        .find(|s| s.node == node)
        .unwrap_or_else(|| panic!("step {node} reached"));
    let evidence: Vec<String> = s
        .evidence
        .iter()
        .map(|e| format!("{}: {}", e.source, e.value))
        .collect();
    (
        s.outcome.unwrap_or_default().to_owned(),
        s.points,
        format!("{} | {}", s.reasoning, evidence.join(" | ")),
    )
}

const CLASS_KB: &str = "
drugs:
  - { id: alphoxicam, names: [alphoxicam], source: test }
  - { id: betoxicam, names: [betoxicam], source: test }
  - { id: gammoxicam, names: [gammoxicam], source: test }
classes:
  - id: test-oxicams
    names: [test oxicams]
    atc: [Z99ZZ]
    members: [alphoxicam, betoxicam]
    similar: true
    source: class membership source
  - id: test-nsaids
    names: [test NSAIDs]
    members: [alphoxicam, gammoxicam]
    source: another class
notoriety:
  - { class: test-nsaids, phenotype: sjs-ten, plausibility: less-plausible, risk: suspected, source: weaker class source }
  - { class: test-oxicams, phenotype: sjs-ten, plausibility: more-plausible, risk: high, source: class risk source }
  - { drug: betoxicam, phenotype: sjs-ten, plausibility: less-plausible, risk: suspected, source: own risk source }
knowledge:
  - { class: test-oxicams, phenotype: sjs-ten, listedness: labelled, source: class label source }
";

fn sjs_case(drug: &str, history: &str) -> String {
    format!(
        "id: t
patient: {{ previous_reactions: [{history}] }}
drugs:
  - {{ id: d, name: {drug}, role: suspect, exposures: [{{ id: c, start: 2024-01-01 }}] }}
reactions:
  - {{ id: r, term: Stevens-Johnson syndrome, onset: day 10 of c }}
"
    )
}

#[test]
fn a_class_entry_reaches_its_members_and_says_so() {
    let rules = with_kb(CLASS_KB);
    let text = sjs_case("alphoxicam", "");
    // ALDEN criterion 5: the strongest of its two classes, named.
    let (outcome, points, why) = step_with(&rules, &text, "alden", "d", "c5-notoriety");
    assert_eq!((outcome.as_str(), points), ("high", 3), "{why}");
    assert!(why.contains("through its class test oxicams"), "{why}");
    assert!(why.contains("class risk source"), "{why}");
    // Naranjo 1: labelled through the class.
    let (outcome, points, why) = step_with(&rules, &text, "naranjo", "d", "q1-previous-reports");
    assert_eq!((outcome.as_str(), points), ("labelled", 1), "{why}");
    assert!(why.contains("through its class test oxicams"), "{why}");
    // A member of the weaker class only gets the weaker class's risk.
    let (outcome, points, why) = step_with(
        &rules,
        &sjs_case("gammoxicam", ""),
        "alden",
        "d",
        "c5-notoriety",
    );
    assert_eq!((outcome.as_str(), points), ("suspected", 1), "{why}");
    assert!(why.contains("through its class test NSAIDs"), "{why}");
}

#[test]
fn an_entry_about_the_drug_itself_wins_over_its_class() {
    let rules = with_kb(CLASS_KB);
    let (outcome, points, why) = step_with(
        &rules,
        &sjs_case("betoxicam", ""),
        "alden",
        "d",
        "c5-notoriety",
    );
    assert_eq!((outcome.as_str(), points), ("suspected", 1), "{why}");
    assert!(why.contains("own risk source"), "{why}");
    assert!(!why.contains("through its class"), "{why}");
}

#[test]
fn members_of_a_class_of_similar_drugs_are_similar_drugs() {
    let rules = with_kb(CLASS_KB);
    let history = "{ drug: betoxicam, reaction: Stevens-Johnson syndrome }";
    let (outcome, _, why) = step_with(
        &rules,
        &sjs_case("alphoxicam", history),
        "alden",
        "d",
        "c3-prechallenge",
    );
    assert_eq!(outcome, "same-reaction-similar-drug", "{why}");
    assert!(why.contains("both test oxicams"), "{why}");
    // A class that does not declare its members similar makes no similar drugs.
    let history = "{ drug: gammoxicam, reaction: Stevens-Johnson syndrome }";
    let (outcome, _, why) = step_with(
        &rules,
        &sjs_case("alphoxicam", history),
        "alden",
        "d",
        "c3-prechallenge",
    );
    assert_eq!(outcome, "none", "{why}");
}

#[test]
fn class_entries_are_checked_like_drug_entries() {
    let problems = refused(
        "
classes:
  - { id: c1, names: [c one], members: [no-such-drug], source: s }
  - { id: c2, names: [c two], members: [], source: s }
notoriety:
  - { class: c3, phenotype: sjs-ten, plausibility: excluded, source: s }
  - { drug: allopurinol, class: c1, phenotype: sjs-ten, plausibility: excluded, source: s }
  - { phenotype: sjs-ten, plausibility: excluded, source: s }
knowledge:
  - { class: c1, phenotype: sjs-ten, listedness: labelled, source: s }
  - { class: c1, phenotype: sjs-ten, listedness: reported, source: s }
",
    );
    for want in [
        "no drug `no-such-drug`",
        "class `c2` has no members",
        "no class `c3`",
        "an entry is about a drug (`drug:`) or a class (`class:`), one of the two",
        "knowledge for the class c1 and `sjs-ten` is given twice",
        "rules/kb/zz-test.yaml:",
    ] {
        assert!(problems.contains(want), "{want}\n{problems}");
    }
}

/// A reaction no phenotype names, on a drug with a known half-life.
fn unknown_reaction(exposure: &str, onset: &str) -> String {
    format!(
        "id: t
drugs:
  - {{ id: d, name: amoxicillin, role: suspect, exposures: [{{ id: c, {exposure} }}] }}
reactions:
  - {{ id: r, term: Hiccups, onset: '{onset}' }}
"
    )
}

#[test]
fn a_reaction_without_a_window_gets_the_generic_reading_marked_as_such() {
    let rules = crate::shipped();
    let step = |exposure: &str, onset: &str| {
        step_with(
            rules,
            &unknown_reaction(exposure, onset),
            "sefv",
            "d",
            "a-time-sequence",
        )
    };
    // Taken up to the onset.
    let (outcome, points, why) = step("start: 2024-01-01", "day 3 of c");
    assert_eq!(
        (outcome.as_str(), points),
        ("compatible-not-coherent", 1),
        "{why}"
    );
    assert!(
        why.starts_with("Generic reading") || why.contains("generic reading"),
        "{why}"
    );
    assert!(why.contains("matches no phenotype"), "{why}");
    // Stopped the day before: amoxicillin's half-life is about an hour, so
    // five of them are long over by the next day.
    let (outcome, points, why) = step("start: 2024-01-01, stop: 2024-01-05", "2024-01-09");
    assert_eq!((outcome.as_str(), points), ("unknown", 0), "{why}");
    assert!(why.contains("may have been gone"), "{why}");
    // Before the first dose: against the drug, as for any reaction.
    let (outcome, _, why) = step("start: 2024-01-10", "2024-01-02");
    assert_eq!(outcome, "incompatible", "{why}");
}

#[test]
fn without_a_generic_reading_in_the_knowledge_base_the_time_stays_unknown() {
    let mut files = causa::rules::shipped_files();
    for f in &mut files.files {
        if f.name.ends_with("kb/settings.yaml") {
            f.text = "settings:\n  elimination_half_lives: 5\n".into();
        }
    }
    let rules = causa::rules::load(&files).unwrap_or_else(|d| panic!("{}", d.render()));
    let (outcome, points, why) = step_with(
        &rules,
        &unknown_reaction("start: 2024-01-01", "day 3 of c"),
        "sefv",
        "d",
        "a-time-sequence",
    );
    assert_eq!((outcome.as_str(), points), ("unknown", 0), "{why}");
    assert!(!why.contains("generic"), "{why}");
}

/// A fresh directory for one test's files, removed when dropped.
struct Scratch(std::path::PathBuf, #[allow(dead_code)] tempfile::TempDir);

impl Scratch {
    fn new(test: &str) -> Scratch {
        let dir_tmp = tempfile::Builder::new()
            .prefix(&format!("causa-{test}-"))
            .tempdir()
            .expect("temp dir");
        let dir = dir_tmp.path().to_path_buf();
        Scratch(dir, dir_tmp)
    }

    fn file(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, text).expect("written");
        p.display().to_string()
    }
}

const UNKNOWN_DRUG_CASE: &str = "id: t
drugs:
  - { id: d, name: Exampliximab, role: suspect, exposures: [{ id: c, start: 2024-01-01 }] }
reactions:
  - { id: r, term: Conjunctivitis, meddra_code: '10010741', onset: day 20 of c }
";

#[test]
fn a_listedness_table_decides_previous_knowledge_and_is_stamped() {
    let s = Scratch::new("listed");
    let case = s.file("case.yaml", UNKNOWN_DRUG_CASE);
    let table = s.file(
        "rsi.csv",
        "drug,meddra_code,term,listed,document,version\nexampliximab,10010741,Conjunctivitis,yes,Exampliximab SmPC,2024-05\n",
    );
    let without = crate::causa(&["assess", &case, "--method", "naranjo"]);
    let without = String::from_utf8_lossy(&without.stdout);
    assert!(
        without.contains("| `q1-previous-reports` Are there previous conclusive reports on this reaction? | dont-know | 0 |"),
        "{without}"
    );
    let out = crate::causa(&[
        "assess",
        &case,
        "--method",
        "naranjo",
        "--listedness",
        &table,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("| `q1-previous-reports` Are there previous conclusive reports on this reaction? | yes | +1 |"),
        "{report}"
    );
    assert!(
        report.contains(
            "Exampliximab SmPC (version 2024-05) lists Conjunctivitis (10010741) for Exampliximab"
        ),
        "{report}"
    );
    let digest = causa::case::digest_bytes(std::fs::read(&table).unwrap().as_slice());
    assert!(
        report.contains(&format!(
            "| Listedness table | `{table}` `{digest}`: Exampliximab SmPC (version 2024-05) |"
        )),
        "{report}"
    );
    // Not listed: nothing else known, so no information either way.
    let table = s.file(
        "rsi-no.yaml",
        "- { drug: Exampliximab, term: conjunctivitis, listed: no, document: Exampliximab SmPC }\n",
    );
    let out = crate::causa(&[
        "assess",
        &case,
        "--method",
        "naranjo",
        "--listedness",
        &table,
    ]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("Exampliximab SmPC does not list conjunctivitis for Exampliximab"),
        "{report}"
    );
    assert!(
        report.contains("| `q1-previous-reports` Are there previous conclusive reports on this reaction? | dont-know | 0 |"),
        "{report}"
    );
}

#[test]
fn a_bad_listedness_table_is_refused_row_by_row() {
    let s = Scratch::new("listed-bad");
    let case = s.file("case.yaml", UNKNOWN_DRUG_CASE);
    let table = s.file(
        "rsi.csv",
        "drug,meddra_code,term,listed,document,verison\nexampliximab,1001,Conjunctivitis,perhaps,SmPC,1\nexampliximab,,,yes,,\n",
    );
    let out = crate::causa(&["assess", &case, "--listedness", &table]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    for want in [
        "unknown column `verison`",
        "rsi.csv:1:",
        "`meddra_code` is `1001`",
        "`listed` is `perhaps`",
        "rsi.csv:2:",
        "this row gives no `document`",
        "this row gives no `meddra_code` or `term`",
        "rsi.csv:3:",
        "did you mean `version`",
    ] {
        assert!(err.contains(want), "{want}\n{err}");
    }
}

#[test]
fn kb_gaps_lists_what_the_openfda_sample_lacks() {
    let out = crate::causa(&[
        "kb",
        "gaps",
        "fixtures/openfda/openfda-drug-event-sample.json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("4 reports read, 6 drug x reaction pairs to assess."),
        "{text}"
    );
    // Each drug or term the knowledge base lacks, with the pairs it affects.
    assert!(text.contains("| paclitaxel | 1 | 1 |"), "{text}");
    assert!(
        text.contains("| fluticasone propionate | 2 | 1 |"),
        "{text}"
    );
    assert!(
        text.contains("## Reaction terms no phenotype matches"),
        "{text}"
    );
    let csv = crate::causa(&[
        "kb",
        "gaps",
        "fixtures/openfda/openfda-drug-event-sample.json",
        "--format",
        "csv",
    ]);
    let csv = String::from_utf8_lossy(&csv.stdout);
    assert!(
        csv.starts_with("gap,name,phenotype,meddra_code,pairs,reports\n"),
        "{csv}"
    );
    assert!(csv.contains("unknown-drug,paclitaxel,,,1,1\n"), "{csv}");
}

#[test]
fn kb_gaps_names_every_report_it_could_not_read_and_exits_2() {
    let s = Scratch::new("gaps-bad");
    let bad = s.file("bad.yaml", "id: x\ndrugs: [oops\n");
    let out = crate::causa(&["kb", "gaps", &bad, "fixtures/cases/lamotrigine-ten.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("1 reports read"), "{text}");
    assert!(text.contains("## Reports not read"), "{text}");
    assert!(text.contains(&bad), "{text}");
}

#[test]
fn every_shipped_knowledge_base_entry_says_where_it_comes_from() {
    let kb = &crate::shipped().kb;
    let mut missing = Vec::new();
    let mut check = |what: String, source: &str| {
        let s = source.trim();
        // A citation, not a placeholder: some words, and no "TODO" or "test".
        if s.len() < 12 || s.eq_ignore_ascii_case("test") || s.contains("TODO") {
            missing.push(what);
        }
    };
    for d in &kb.drugs {
        check(format!("drug {} ({})", d.id, d.origin), &d.source);
    }
    for p in &kb.phenotypes {
        check(format!("phenotype {} ({})", p.id, p.origin), &p.source);
    }
    for k in &kb.knowledge {
        check(
            format!("knowledge {} / {} ({})", k.subject, k.phenotype, k.origin),
            &k.source,
        );
    }
    for n in &kb.notoriety {
        check(
            format!("notoriety {} / {} ({})", n.subject, n.phenotype, n.origin),
            &n.source,
        );
    }
    for c in &kb.classes {
        check(format!("class {} ({})", c.id, c.origin), &c.source);
    }
    for d in &kb.diseases {
        for c in &d.causes {
            check(
                format!("disease {} / {} ({})", d.id, c.phenotype, c.origin),
                &c.source,
            );
        }
    }
    if let Some(g) = &kb.generic_time {
        check(format!("generic reading ({})", g.origin), &g.source);
    }
    assert!(missing.is_empty(), "entries without a source: {missing:#?}");
    // The coverage the knowledge base promises: the drugs and classes the SJS/TEN
    // risk publications name, each graded.
    for drug in [
        "nevirapine",
        "lamotrigine",
        "carbamazepine",
        "phenobarbital",
        "phenytoin",
        "allopurinol",
        "sertraline",
        "pantoprazole",
        "tramadol",
        "piroxicam",
        "meloxicam",
        "sulfasalazine",
        "ibuprofen",
    ] {
        let n = kb.notoriety(drug, "sjs-ten");
        assert!(
            n.is_some_and(|n| n.risk.is_some()),
            "{drug}: no SJS/TEN risk class"
        );
    }
}

#[test]
fn a_listedness_table_answers_naranjo_1_for_drugs_the_knowledge_base_lacks() {
    let case = "fixtures/cases/chi-ibrutinib-cetuximab-vasculitis.yaml";
    let table = "fixtures/listedness/chi-2020-authors-reference.csv";
    let q1 = |report: &str| {
        report
            .lines()
            .find(|l| l.contains("`q1-previous-reports`") && l.starts_with("| 1 |"))
            .map(str::to_owned)
            .unwrap_or_default()
    };
    let without = crate::causa(&["assess", case, "--method", "naranjo"]);
    let without = String::from_utf8_lossy(&without.stdout).into_owned();
    assert!(
        q1(&without).contains("| dont-know | 0 |"),
        "{}",
        q1(&without)
    );
    let with = crate::causa(&["assess", case, "--method", "naranjo", "--listedness", table]);
    assert!(with.status.success());
    let with = String::from_utf8_lossy(&with.stdout).into_owned();
    assert!(q1(&with).contains("| yes | +1 |"), "{}", q1(&with));
    assert!(
        with.contains(&format!("| Listedness table | `{table}` `sha256:")),
        "{with}"
    );
    assert!(with.contains("lists vasculitis for ibrutinib"), "{with}");
    // Known for the reaction through the table, the other suspect is now an alternative cause.
    assert!(with.contains("another suspect cetuximab: listed for vasculitis in Stand-in for the authors' reference"), "{with}");
}

#[test]
fn a_class_entry_reaches_a_published_case_and_the_report_says_so() {
    let out = crate::causa(&[
        "assess",
        "fixtures/cases/idoj-2022-lornoxicam-ten.yaml",
        "--method",
        "alden",
    ]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("| `c5-notoriety` What is the drug's notoriety for SJS/TEN? | strongly-associated | +3 |"),
        "{report}"
    );
    assert!(
        report.contains("Lornoxicam is high risk for sjs-ten, through its class oxicam NSAIDs"),
        "{report}"
    );
}

#[test]
fn thrombocytopenia_and_lung_disease_read_their_phenotypes_windows_and_hyponatraemia_the_generic_reading()
 {
    let time = |case: &str| {
        let out = crate::causa(&["assess", case, "--method", "sefv"]);
        let report = String::from_utf8_lossy(&out.stdout).into_owned();
        report
            .lines()
            .find(|l| l.starts_with("1. `a-time-sequence`"))
            .map(str::to_owned)
            .unwrap_or_default()
    };
    let t = time("fixtures/cases/nguyen-piperacillin-tazobactam-rapid-thrombocytopenia.yaml");
    assert!(
        t.contains("compared with the thrombocytopenia first-exposure windows"),
        "{t}"
    );
    let t = time("fixtures/cases/chen-lenalidomide-interstitial-lung-disease.yaml");
    assert!(
        t.contains("compared with the interstitial-lung-disease first-exposure windows"),
        "{t}"
    );
    assert!(t.contains("**compatible**"), "{t}");
    let t = time("fixtures/cases/svitek-ciprofloxacin-siadh-hyponatraemia.yaml");
    assert!(t.contains("Generic reading (the term `"), "{t}");
    assert!(t.contains("**compatible-not-coherent**"), "{t}");
}
