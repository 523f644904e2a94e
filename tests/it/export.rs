//! `causa export e2b`: our assessments written back into the shared E2B(R3)
//! instances, everything else kept byte for byte.

use super::causa;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

const INSTANCES: [&str; 2] = [
    "fixtures/e2b/FAERS2022Scenario1.xml",
    "fixtures/e2b/FAERS2022Scenario6.xml",
];

fn ok(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The summary a successful export writes on stderr (its data goes to stdout or --out).
fn ok_summary(out: &Output) -> String {
    ok(out);
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// A file path in a folder of its own, removed with the folder when dropped.
struct Temp(#[allow(dead_code)] tempfile::TempDir, PathBuf);

impl std::ops::Deref for Temp {
    type Target = PathBuf;
    fn deref(&self) -> &PathBuf {
        &self.1
    }
}

impl AsRef<Path> for Temp {
    fn as_ref(&self) -> &Path {
        &self.1
    }
}

fn temp(name: &str) -> Temp {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    Temp(dir, path)
}

fn assess_json(file: &Path) -> Value {
    serde_json::from_str(&ok(&causa(&[
        "assess",
        file.to_str().unwrap(),
        "--format",
        "json",
    ])))
    .unwrap()
}

#[test]
fn export_adds_one_assessment_per_pair_and_method_and_keeps_every_other_byte() {
    for instance in INSTANCES {
        let original = std::fs::read_to_string(instance).unwrap();
        let name = Path::new(instance).file_name().unwrap().to_str().unwrap();
        let out = temp(name);
        let summary = ok_summary(&causa(&[
            "export",
            "e2b",
            instance,
            "--out",
            out.to_str().unwrap(),
        ]));
        let exported = std::fs::read_to_string(&out).unwrap();

        // The output is the input with one block inserted: what comes before and
        // after it is the input, byte for byte.
        let prefix = original
            .bytes()
            .zip(exported.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let suffix = original
            .bytes()
            .rev()
            .zip(exported.bytes().rev())
            .take_while(|(a, b)| a == b)
            .count()
            .min(original.len() - prefix);
        assert_eq!(
            prefix + suffix,
            original.len(),
            "{instance}: more than one insertion"
        );
        let inserted = &exported[prefix..exported.len() - suffix];
        assert!(!inserted.is_empty(), "{instance}: nothing added");
        // Line breaks as the file writes them (both instances use CRLF).
        if original.contains("\r\n") {
            assert_eq!(
                inserted.matches('\n').count(),
                inserted.matches("\r\n").count(),
                "{instance}: bare line feeds in a CRLF file"
            );
        }
        assert!(
            !inserted.contains("Global Introspection") && !inserted.contains("Introspection<"),
            "{instance}: an existing assessment was rewritten"
        );
        roxmltree::Document::parse(&exported).expect("the exported file is well-formed XML");

        // Our assessments, as they come back in through the importer (which maps
        // the XML ids back to the case's drugs and reactions), are exactly the
        // applicable results `causa assess` gives for the original file.
        let before = assess_json(Path::new(instance));
        let after = assess_json(&out);
        let version = env!("CARGO_PKG_VERSION");
        let key = |x: &Value| -> String {
            format!(
                "{} x {} by {}, {}: {}",
                x["drug"].as_str().unwrap_or("?"),
                x["reaction"].as_str().unwrap_or("?"),
                x["source"].as_str().unwrap_or("?"),
                x["method"].as_str().unwrap_or("?"),
                x["result"].as_str().unwrap_or("?"),
            )
        };
        let reported: Vec<String> = after["reported_assessments"]
            .as_array()
            .unwrap()
            .iter()
            .map(key)
            .collect();
        let mut expected = Vec::new();
        for a in before["assessments"].as_array().unwrap() {
            if !a["not_applicable"].is_null() {
                continue;
            }
            let mut score = a["score"]
                .as_i64()
                .map(|s| format!(", score {s}"))
                .unwrap_or_default();
            // The flags the report shows beside the result.
            let flags: Vec<&str> = [
                (a["insufficient"] == true).then_some("insufficient"),
                (a["provisional"].as_array().is_some_and(|p| !p.is_empty()))
                    .then_some("provisional"),
            ]
            .into_iter()
            .flatten()
            .collect();
            if !flags.is_empty() {
                score.push_str(&format!("; {}", flags.join(", ")));
            }
            expected.push(format!(
                "{} x {} by causa {version}, {} {}: {}{score}",
                a["drug"].as_str().unwrap(),
                a["reaction"].as_str().unwrap(),
                a["method"].as_str().unwrap(),
                a["method_version"].as_str().unwrap(),
                a["category_label"].as_str().unwrap(),
            ));
        }
        assert!(!expected.is_empty());
        // The report's own assessments come first, unchanged, then ours, one per pair and method.
        let theirs: Vec<String> = before["reported_assessments"]
            .as_array()
            .unwrap()
            .iter()
            .map(key)
            .collect();
        assert!(!theirs.is_empty());
        assert_eq!(reported[..theirs.len()], theirs[..], "{instance}");
        let mut ours = reported[theirs.len()..].to_vec();
        ours.sort();
        expected.sort();
        assert_eq!(ours, expected, "{instance}");
        assert!(
            summary.contains(&format!(
                "{} assessment(s) added, 0 already present",
                expected.len()
            )),
            "{summary}"
        );
        // Nothing else about the case changed: the same results, pair by pair.
        assert_eq!(before["assessments"], after["assessments"], "{instance}");
    }
}

#[test]
fn exporting_an_exported_file_changes_nothing() {
    for instance in INSTANCES {
        let name = Path::new(instance).file_name().unwrap().to_str().unwrap();
        let once = temp(&format!("once-{name}"));
        let twice = temp(&format!("twice-{name}"));
        ok(&causa(&[
            "export",
            "e2b",
            instance,
            "--out",
            once.to_str().unwrap(),
        ]));
        let summary = ok_summary(&causa(&[
            "export",
            "e2b",
            once.to_str().unwrap(),
            "--out",
            twice.to_str().unwrap(),
        ]));
        assert!(summary.contains(" 0 assessment(s) added"), "{summary}");
        assert_eq!(
            std::fs::read(&once).unwrap(),
            std::fs::read(&twice).unwrap(),
            "{instance}"
        );
        // Without --out the file goes to standard output, identical.
        let stdout = ok(&causa(&["export", "e2b", instance]));
        assert_eq!(
            stdout.as_bytes(),
            std::fs::read(&once).unwrap(),
            "{instance}"
        );
    }
}

#[test]
fn one_method_adds_only_that_methods_assessments() {
    let out = temp("naranjo-only.xml");
    let summary = ok_summary(&causa(&[
        "export",
        "e2b",
        INSTANCES[0],
        "--method",
        "naranjo",
        "--out",
        out.to_str().unwrap(),
    ]));
    // Scenario 1: two suspect drugs x two reactions.
    assert!(summary.contains("4 assessment(s) added"), "{summary}");
    let xml = std::fs::read_to_string(&out).unwrap();
    assert_eq!(xml.matches("<originalText>naranjo 1.").count(), 4);
    assert_eq!(xml.matches("<originalText>sefv ").count(), 0);
}

#[test]
fn a_file_that_is_not_an_icsr_is_refused_with_its_name() {
    let out = causa(&[
        "export",
        "e2b",
        "fixtures/cases/lenalidomide-lv-desensitization.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("lenalidomide-lv-desensitization.yaml") && err.contains("not an E2B(R3) ICSR"),
        "{err}"
    );
}

#[test]
fn a_batch_file_of_several_icsrs_gets_each_its_own_assessments() {
    // Scenario 1's message twice in one MCCI_IN200100UV01 batch.
    let original = std::fs::read_to_string(INSTANCES[0]).unwrap();
    let start = original.find("<PORR_IN049016UV>").unwrap();
    let end = original.find("</PORR_IN049016UV>").unwrap() + "</PORR_IN049016UV>".len();
    let message = &original[start..end];
    let two = format!(
        "{}{message}\n\t{message}{}",
        &original[..start],
        &original[end..]
    );
    let input = temp("two-messages.xml");
    std::fs::write(&input, &two).unwrap();
    let out = temp("two-messages-out.xml");
    let summary = ok_summary(&causa(&[
        "export",
        "e2b",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]));
    assert!(
        summary.contains("2 ICSR(s), 32 assessment(s) added"),
        "{summary}"
    );
    let exported = std::fs::read_to_string(&out).unwrap();
    let doc = roxmltree::Document::parse(&exported).unwrap();
    let ours_per_message: Vec<usize> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "PORR_IN049016UV")
        .map(|m| {
            m.descendants()
                .filter(|n| n.tag_name().name() == "originalText")
                .filter(|n| n.text().is_some_and(|t| t.starts_with("causa ")))
                .count()
        })
        .collect();
    assert_eq!(ours_per_message, [16, 16]);
    // Cutting out what we added (our stamp comment and our components, with the
    // whitespace before and between them) gives the input back, byte for byte.
    let mut ours: Vec<std::ops::Range<usize>> = doc
        .descendants()
        .filter(|n| {
            (n.is_comment()
                && n.text()
                    .is_some_and(|t| t.starts_with(" G.k.9.i.2.r added by causa")))
                || (n.tag_name().name() == "component"
                    && n.children().any(|c| {
                        c.tag_name().name() == "causalityAssessment"
                            && c.descendants().any(|d| {
                                d.tag_name().name() == "originalText"
                                    && d.text().is_some_and(|t| t.starts_with("causa "))
                            })
                    }))
        })
        .map(|n| n.range())
        .collect();
    ours.sort_by_key(|r| r.start);
    let mut rest = String::new();
    let mut from = 0;
    for r in &ours {
        // Back over the whitespace before it: the line break and indentation we wrote.
        let start = exported[..r.start]
            .trim_end_matches([' ', '\t', '\r', '\n'])
            .len();
        if start >= from {
            rest.push_str(&exported[from..start]);
        }
        from = r.end;
    }
    rest.push_str(&exported[from..]);
    assert_eq!(rest, two);
}

fn notes_of(file: &str) -> Vec<String> {
    let v = assess_json(Path::new(file));
    v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn an_interval_the_reports_dates_rule_out_is_set_aside_and_the_case_still_assessed() {
    for (file, expected) in [
        (
            "fixtures/e2b-edge/interval-onset-after-end.xml",
            "G.k.9.i.3.1 gives 2 mo from the start of Amoxicillin to r1: that would put the onset at 2020-03-06..2020-03-12, after the reaction's end, so it is not used",
        ),
        (
            "fixtures/e2b-edge/interval-last-dose-before-start.xml",
            "G.k.9.i.3.2 gives 1 wk from the last dose of Amoxicillin to r1: that would put the drug's last dose at 2020-01-13, which the dosage's other date rules out, so it is not used",
        ),
        (
            "fixtures/e2b-edge/interval-start-after-stop.xml",
            "G.k.9.i.3.1 gives 3 d from the start of Amoxicillin to r1: that would put the drug's start at 2020-01-09, which the dosage's other date rules out, so it is not used",
        ),
        (
            "fixtures/e2b-edge/interval-dates-disagree.xml",
            "G.k.9.i.3.2 gives 5 d from the last dose of Amoxicillin to r1: that would put the drug's last dose at 2020-01-15, which the dosage's other date rules out, so it is not used",
        ),
    ] {
        let notes = notes_of(file);
        assert!(notes.iter().any(|n| n == expected), "{file}: {notes:#?}");
    }
    // The first interval of the last file is used: the start is counted back.
    let notes = notes_of("fixtures/e2b-edge/interval-dates-disagree.xml");
    assert!(notes.iter().any(|n| n.ends_with("2 d from the start of Amoxicillin to r1: the drug's start is counted back from the reaction")), "{notes:#?}");
    let v = assess_json(Path::new("fixtures/e2b-edge/interval-dates-disagree.xml"));
    let evidence = v["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["method"] == "naranjo")
        .unwrap()["steps"]
        .to_string();
    assert!(evidence.contains("2020-01-18"), "{evidence}");
}

#[test]
fn a_repeated_reaction_id_links_nothing_and_export_says_it_could_add_nothing() {
    let file = "fixtures/e2b-edge/repeated-reaction-id.xml";
    let notes = notes_of(file);
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("reaction id R1 is given to r1 and r2")),
        "{notes:#?}"
    );
    let v = assess_json(Path::new(file));
    let applicable = v["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["not_applicable"].is_null())
        .count();
    assert!(applicable > 0);
    // Both reactions carry `<id root="R1"/>`: no assessment can point at either.
    let out = temp("repeated.xml");
    std::fs::remove_file(&out).ok();
    let o = causa(&["export", "e2b", file, "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "nothing could be added");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!(
            "none of its {applicable} assessment(s) can be added, as reaction `r1` shares its XML id R1 with another reaction"
        )),
        "{err}"
    );
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn an_icsr_whose_drugs_share_an_id_exports_the_pairs_that_can_be_referenced() {
    // Amoxicillin and Ibuprofen both carry `<id root="D1"/>`; Allopurinol has
    // `<id root="D2"/>`; G.k.1 makes D1 and D2 suspects.
    let file = "fixtures/e2b-edge/shared-drug-id.xml";
    let v = assess_json(Path::new(file));
    let applicable = |drug: &str| {
        v["assessments"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["not_applicable"].is_null() && a["drug"] == drug)
            .count()
    };
    let (referenced, shared) = (
        applicable("allopurinol"),
        applicable("amoxicillin") + applicable("ibuprofen"),
    );
    assert!(referenced > 0 && shared > 0);
    let out = temp("shared-drug-id.xml");
    let summary = ok_summary(&causa(&[
        "export",
        "e2b",
        file,
        "--out",
        out.to_str().unwrap(),
    ]));
    assert!(
        summary.contains(&format!(
            "{referenced} assessment(s) added, 0 already present, {shared} not added"
        )),
        "{summary}"
    );
    let xml = std::fs::read_to_string(&out).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let ours: Vec<&str> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "causalityAssessment")
        .filter(|n| {
            n.descendants()
                .any(|d| d.text().is_some_and(|t| t.starts_with("causa ")))
        })
        .map(|n| {
            n.descendants()
                .find(|d| d.tag_name().name() == "productUseReference")
                .and_then(|p| p.first_element_child())
                .and_then(|i| i.attribute("root"))
                .unwrap()
        })
        .collect();
    assert_eq!(ours.len(), referenced);
    assert!(ours.iter().all(|id| *id == "D2"), "{ours:?}");

    // When every suspect shares the id, nothing can be added: exit 2, with the reason, nothing written.
    let only = temp("shared-drug-id-only.xml");
    std::fs::remove_file(&only).ok();
    let o = causa(&[
        "export",
        "e2b",
        "fixtures/e2b-edge/shared-drug-id-only.xml",
        "--out",
        only.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("nothing could be added to 1 ICSR(s)")
            && err.contains("drug `amoxicillin` shares its XML id D1 with another drug")
            && err.contains("drug `ibuprofen` shares its XML id D1 with another drug"),
        "{err}"
    );
    assert!(!only.exists());
    // Without --out, standard output stays empty.
    let o = causa(&["export", "e2b", "fixtures/e2b-edge/shared-drug-id-only.xml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
}

#[test]
fn source_names_the_assessing_organisation_and_the_method_keeps_causa() {
    let source = "Centre régional de pharmacovigilance, Dr A. Martin";
    let out = temp("with-source.xml");
    ok(&causa(&[
        "export",
        "e2b",
        INSTANCES[0],
        "--method",
        "naranjo",
        "--source",
        source,
        "--out",
        out.to_str().unwrap(),
    ]));
    let xml = std::fs::read_to_string(&out).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    // Ours: the assessments whose method (G.k.9.i.2.r.2) names causa.
    let ours: Vec<(String, String)> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "causalityAssessment")
        .filter_map(|n| {
            let text = |parent: &str| {
                n.descendants()
                    .find(|d| d.tag_name().name() == parent)
                    .and_then(|p| {
                        p.descendants()
                            .find(|d| d.tag_name().name() == "originalText")
                    })
                    .and_then(|t| t.text())
                    .map(str::to_owned)
            };
            let method = text("methodCode")?;
            method
                .contains("causa")
                .then(|| (text("author").unwrap_or_default(), method))
        })
        .collect();
    // Scenario 1: two suspect drugs x two reactions, one method.
    assert_eq!(ours.len(), 4, "{ours:?}");
    for (author, method) in &ours {
        assert_eq!(author, source, "G.k.9.i.2.r.1");
        assert!(
            method.starts_with("naranjo ") && method.ends_with(&format!(" (causa {version})")),
            "{method}"
        );
    }
}

#[test]
fn exported_elements_take_the_files_prefix_and_go_before_the_comments() {
    let out = temp("prefixed.xml");
    ok(&causa(&[
        "export",
        "e2b",
        "fixtures/e2b-edge/hl7-prefix.xml",
        "--out",
        out.to_str().unwrap(),
    ]));
    let xml = std::fs::read_to_string(&out).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let ours: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "causalityAssessment")
        .filter(|n| {
            n.descendants()
                .any(|d| d.text().is_some_and(|t| t.starts_with("causa ")))
        })
        .collect();
    assert!(!ours.is_empty());
    for n in &ours {
        assert_eq!(n.tag_name().namespace(), Some("urn:hl7-org:v3"));
        assert!(xml[n.range()].starts_with("<hl7:causalityAssessment"));
    }
    // Read back, our assessments are there.
    let v = assess_json(&out);
    assert!(v["reported_assessments"].to_string().contains("causa "));

    let out = temp("comments.xml");
    ok(&causa(&[
        "export",
        "e2b",
        "fixtures/e2b-edge/comments-after-assessments.xml",
        "--out",
        out.to_str().unwrap(),
    ]));
    let xml = std::fs::read_to_string(&out).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let aea = doc
        .descendants()
        .find(|n| n.tag_name().name() == "adverseEventAssessment")
        .unwrap();
    let order: Vec<&str> = aea
        .children()
        .filter(|c| c.is_element())
        .map(|c| c.tag_name().name())
        .collect();
    // E2B(R3): subject1, then every component, then every component1.
    let first_component1 = order.iter().position(|n| *n == "component1").unwrap();
    assert!(order[..first_component1].iter().all(|n| *n != "component1"));
    assert!(
        order[first_component1..].iter().all(|n| *n == "component1"),
        "{order:?}"
    );
    let last_component = order.iter().rposition(|n| *n == "component").unwrap();
    let last = aea
        .children()
        .filter(|c| c.is_element())
        .nth(last_component)
        .unwrap();
    assert!(
        xml[last.range()].contains("causa "),
        "ours come last among the assessments"
    );
}
