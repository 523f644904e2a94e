//! What a report shows a person who signs it: the case header, the
//! conclusion, how much of each result rests on facts, provisional results,
//! and each finding shown once.

use crate::shipped;
use causa::diagnostic::SourceFile;
use causa::eval::{self, Options};
use std::path::Path;

fn markdown(text: &str) -> String {
    let case = causa::case::load(&SourceFile {
        name: "t.yaml".into(),
        text: text.into(),
    })
    .unwrap_or_else(|d| panic!("{}", d.render()));
    causa::report::markdown(&eval::assess(shipped(), &case, &Options::default()))
}

const CASE: &str = "id: t
report:
  type: spontaneous
  worldwide_id: FR-ANSM-2024-001
  narrative: A 34-year-old man developed a generalised rash on the eighth day of amoxicillin.
  sender_comments: Consistent with an amoxicillin exanthem.
patient: { age: 34, sex: male, weight: 80, conditions: [{ name: acute otitis media, onset: 2024-02 }] }
drugs:
  - { id: a, name: amoxicillin, role: suspect, action_taken: withdrawn, exposures: [{ id: c, start: 2024-03-01 }] }
reactions:
  - { id: r, term: maculopapular rash, onset: day 8 of c, outcome: recovered, severity_grade: 2, seriousness: [other-medically-important] }
conclusion: { text: Probable amoxicillin exanthem; avoid aminopenicillins., assessor: Dr A. Ortega, date: 2024-03-20 }
";

#[test]
fn the_header_shows_the_report_the_patient_and_each_reaction() {
    let md = markdown(CASE);
    for expected in [
        "Report: spontaneous, worldwide case id `FR-ANSM-2024-001`.",
        "Patient: 34 years, male, 80 kg.",
        "History: acute otitis media, since 2024-02.",
        "| `r` | maculopapular rash | 2024-03-08 |  | recovered | 2 | other-medically-important |",
        "> Narrative: A 34-year-old man developed a generalised rash on the eighth day of amoxicillin.",
        "> Sender's comments: Consistent with an amoxicillin exanthem.",
        "## Conclusion\n\nProbable amoxicillin exanthem; avoid aminopenicillins.\n\nSigned by Dr A. Ortega on 2024-03-20.",
    ] {
        assert!(md.contains(expected), "missing {expected:?} in\n{md}");
    }
}

#[test]
fn each_result_says_what_it_rests_on_and_when_it_is_provisional() {
    let md = markdown(CASE);
    // Naranjo: q1 (knowledge), q2, q3 (facts); the other seven found nothing.
    assert!(
        md.contains("Answers: 2 from the case's facts, 1 from the knowledge base, 0 from an assessor, 7 with no information. **Insufficient information**: 7 of 10 answers had no information to go on."),
        "{md}"
    );
    assert!(
        md.contains("**Provisional** until an assessor answers `q1-adr-suspected`"),
        "{md}"
    );
    assert!(md.contains("† provisional"), "{md}");
    // An assessor's answer lifts the mark.
    let answered = CASE.replace(
        "conclusion:",
        "assessor_answers:\n  - { method: lcat, question: q1-adr-suspected, answer: \"yes\", justification: reported as a suspected reaction, assessor: Dr A. Ortega }\nconclusion:",
    );
    let md = markdown(&answered);
    assert!(
        !md.contains("until an assessor answers `q1-adr-suspected`"),
        "{md}"
    );
}

#[test]
fn a_finding_is_shown_once_and_referred_to_after() {
    let md = markdown(CASE);
    let shown = md
        .matches("The reaction followed the drug: onset 7 days after the start of `c`")
        .count();
    assert_eq!(shown, 1, "{md}");
    assert!(md.contains("The same finding as `lcat` step 2."), "{md}");
}

#[test]
fn a_conclusion_signed_after_the_as_of_day_is_not_shown() {
    let case = causa::case::load(&SourceFile {
        name: "t.yaml".into(),
        text: CASE.into(),
    })
    .unwrap();
    let as_of = |day: &str| {
        let options = Options {
            as_of: Some(chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap()),
            ..Default::default()
        };
        causa::report::markdown(&eval::assess(shipped(), &case, &options))
    };
    assert!(!as_of("2024-03-10").contains("Signed by Dr A. Ortega"));
    assert!(as_of("2024-03-20").contains("Signed by Dr A. Ortega on 2024-03-20."));
}

fn html(text: &str) -> String {
    let case = causa::case::load(&SourceFile {
        name: "t.yaml".into(),
        text: text.into(),
    })
    .unwrap_or_else(|d| panic!("{}", d.render()));
    causa::report::html(
        &eval::assess(shipped(), &case, &Options::default()),
        &shipped().methods,
    )
}

#[test]
fn the_html_report_escapes_every_piece_of_case_text() {
    let hostile = CASE
        .replace("name: amoxicillin", "name: \"<script>alert(1)</script>\"")
        .replace(
            "A 34-year-old man",
            "A <img src=x onerror=alert(2)> 34-year-old & man",
        );
    let page = html(&hostile);
    assert!(!page.contains("<script>alert(1)"), "{page}");
    assert!(!page.contains("<img src=x"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
        "{page}"
    );
    assert!(
        page.contains("&lt;img src=x onerror=alert(2)&gt; 34-year-old &amp; man"),
        "{page}"
    );
    // The only script is the page's own, which opens folded sections for printing.
    assert_eq!(page.matches("<script>").count(), 1, "{page}");
}

#[test]
fn the_html_report_is_one_page_with_the_same_results_as_the_markdown_report() {
    let page = html(CASE);
    let text = markdown(CASE);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.trim_end().ends_with("</html>"));
    // Self-contained: nothing is fetched.
    for external in ["http://", "https://", "src=\"", "<link"] {
        assert!(!page.contains(external), "{external} in the page");
    }
    assert!(page.contains("@media print"), "a print stylesheet");
    // Every method's heading line of the Markdown report is in the page, with its category.
    for line in text.lines().filter(|l| l.starts_with("### ")) {
        let heading = line.trim_start_matches("### ").replace("**", "");
        let (method, result) = heading.split_once(": ").unwrap();
        assert!(
            page.contains(&format!("{method}: <span class=\"category\">")),
            "{method}"
        );
        // As HTML writes it: minijinja escapes `/` too.
        let category = result.split(',').next().unwrap().replace('/', "&#x2f;");
        assert!(page.contains(&category), "{category}");
    }
    // One folded section per method assessment, and the conclusion as signed.
    assert_eq!(
        page.matches("<details>").count(),
        text.matches("\n### ").count()
    );
    assert!(page.contains("Probable amoxicillin exanthem; avoid aminopenicillins."));
    assert!(page.contains("Signed by Dr A. Ortega on 2024-03-20."));
    // Without a conclusion, lines to sign.
    let unsigned = html(&CASE.replace("conclusion:", "# conclusion:"));
    assert!(unsigned.contains("No conclusion is recorded"), "{unsigned}");
}

#[test]
fn the_html_report_draws_the_case_timeline_with_a_lane_per_drug_and_a_mark_per_dated_step() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cases/lenalidomide-lv-desensitization.yaml");
    let case = causa::case::load(&SourceFile {
        name: "reference.yaml".into(),
        text: std::fs::read_to_string(path).unwrap(),
    })
    .unwrap();
    let page = causa::report::html(
        &eval::assess(shipped(), &case, &Options::default()),
        &shipped().methods,
    );
    let svg_start = page.find("<svg class=\"timeline\"").expect("a timeline");
    let svg = &page[svg_start..page[svg_start..].find("</svg>").unwrap() + svg_start];
    // Lenalidomide and dexamethasone, the vasculitis, the 2022 and 2023 desensitizations.
    assert_eq!(svg.matches("<g class=\"lane drug\"").count(), 2, "{svg}");
    assert_eq!(svg.matches("<g class=\"lane reaction\"").count(), 1);
    assert_eq!(svg.matches("<g class=\"lane rechallenge\"").count(), 2);
    // Every desensitization step the case dates is a mark, and the recurrence is among them.
    let dated_steps: usize = case
        .rechallenges
        .iter()
        .map(|r| r.steps.iter().filter(|s| s.date.is_some()).count())
        .sum();
    let step_marks = ["tolerated", "recurrence", "other-reaction", "unknown"]
        .iter()
        .map(|k| svg.matches(&format!("class=\"mark {k}\"")).count())
        .sum::<usize>();
    assert_eq!(step_marks, dated_steps);
    assert_eq!(svg.matches("class=\"mark recurrence\"").count(), 1);
    // The onset known to within a month is drawn as a range, not a point.
    assert!(
        svg.contains("leukocytoclastic vasculitis (lv): 2018-10-03 to 2018-11-03 until"),
        "{svg}"
    );
}

#[test]
fn the_timeline_as_html_draws_the_course_and_names_what_became_known_in_words() {
    let out = crate::causa(&[
        "assess",
        "fixtures/cases/lenalidomide-lv-desensitization.yaml",
        "--timeline",
        "--format",
        "html",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<svg class=\"timeline\""));
    // The day the recurrence became known, in words, and the two results it moved.
    let row = page
        .lines()
        .find(|l| l.contains("<td class=\"num\">2022-10-10</td>"))
        .expect("a row for 2022-10-10");
    assert!(
        row.contains(
            "desensitization-2022, days 10-16 at 2.5 mg: recurrence of leukocytoclastic vasculitis"
        ),
        "{row}"
    );
    assert_eq!(
        row.matches("class=\"category changed\"").count(),
        2,
        "{row}"
    );
    assert!(row.contains(">probable (6)</td>"));
}

#[test]
fn the_html_report_draws_each_methods_decision_graph_with_the_path_taken() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cases/lenalidomide-lv-desensitization.yaml");
    let case = causa::case::load(&crate::source(&path)).unwrap();
    let a = eval::assess(shipped(), &case, &Options::default());
    let page = causa::report::html(&a, &shipped().methods);
    // One graph per applicable method: ALDEN is for SJS/TEN only.
    let applicable = a
        .assessments
        .iter()
        .filter(|x| x.not_applicable.is_none())
        .count();
    assert_eq!(applicable, 4);
    assert_eq!(page.matches("<svg class=\"graph\"").count(), applicable);
    // Naranjo's picture: every question on the path, the total and the result in red.
    let start = page
        .find("The decision graph of Naranjo")
        .and_then(|end| page[..end].rfind("<svg class=\"graph\""))
        .expect("Naranjo's graph");
    let naranjo = &page[start..page[start..].find("</svg>").unwrap() + start];
    for label in [
        ">q4-reappeared-on-readministration<",
        ">yes (+2)<",
        ">total 6 (band 5 to 8)<",
        ">Probable<",
    ] {
        assert!(naranjo.contains(label), "{label} missing");
    }
    // Several pictures in one page: every id is unique, and every reference points at one of them.
    let ids: Vec<&str> = page
        .split("id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "repeated ids");
    for r in page.split("href=\"#").skip(1) {
        let target = &r[..r.find('"').unwrap()];
        assert!(unique.contains(target), "#{target} points nowhere");
    }
}

#[test]
fn the_html_report_is_the_same_bytes_in_every_run() {
    // Layout runs in each process with its own hash seeds; the page must not depend on them.
    let run = || {
        crate::causa(&[
            "assess",
            "fixtures/cases/lenalidomide-lv-desensitization.yaml",
            "fixtures/cases/lamotrigine-ten.yaml",
            "--format",
            "html",
        ])
        .stdout
    };
    let first = run();
    assert!(first.len() > 50_000);
    for _ in 0..4 {
        assert!(run() == first, "two runs gave different pages");
    }
}

#[test]
fn the_timeline_marks_what_a_follow_up_made_known_and_a_cycle_known_to_the_day() {
    let page = html(
        "id: t
drugs:
  - id: len
    name: lenalidomide
    role: suspect
    exposures:
      - { id: c1, start: 2024-01-01, stop: 2024-03-24, dose: 25 mg, regimen: days 1-21 of 28 }
reactions:
  - { id: r, term: maculopapular rash, onset: day 10 of c1, known_since: 2024-02-15 }
",
    );
    let svg = &page[page.find("<svg class=\"timeline\"").unwrap()..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    // The rash began on 2024-01-10 and was reported on 2024-02-15.
    assert!(
        svg.contains(
            "<g class=\"mark known\"><title>maculopapular rash became known, 2024-02-15</title>"
        ),
        "{svg}"
    );
    // Three cycles of 21 days on and 7 off, each rest week drawn.
    assert_eq!(svg.matches("class=\"rest\"").count(), 3, "{svg}");
    assert!(svg.contains(">25 mg</text>"), "{svg}");
}
