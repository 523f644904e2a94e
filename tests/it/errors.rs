//! Bad input in the user's terms: every structural problem names the field by
//! its path, says what was expected and what to do, and stays short.

use crate::causa;

/// A fresh directory for one test's files, removed when dropped.
struct Scratch(std::path::PathBuf, #[allow(dead_code)] tempfile::TempDir);

impl Scratch {
    fn new(test: &str) -> Scratch {
        let dir_tmp = tempfile::Builder::new()
            .prefix(&format!("causa-errors-{test}-"))
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

/// stderr and exit code of `assess` on a file with this text.
fn assess(s: &Scratch, name: &str, text: &str) -> (String, Option<i32>) {
    let path = s.file(name, text);
    let out = causa(&["assess", &path]);
    (
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

const CASE: &str = "id: t
drugs:
  - id: a
    name: amoxicillin
    role: suspect
    exposures:
      - { id: c, start: 2024-01-01 }
reactions:
  - id: r
    term: maculopapular rash
    onset: day 8 of c
";

#[test]
fn a_repeated_key_names_both_lines_and_the_field() {
    let s = Scratch::new("dup");
    let (err, code) = assess(&s, "dup.yaml", &format!("{CASE}    onset: day 9 of c\n"));
    assert_eq!(code, Some(2));
    assert!(
        err.contains("`onset` is given twice at `reactions[0].onset`"),
        "{err}"
    );
    assert!(err.contains("dup.yaml:12:5"), "{err}");
    assert!(
        err.contains("note: line 11: `onset` is first given here"),
        "{err}"
    );
    assert!(err.contains("keep one `onset`"), "{err}");
    assert!(!err.contains("DuplicateKeyPolicy"), "{err}");
}

#[test]
fn a_wrong_type_says_what_is_expected_there() {
    let s = Scratch::new("type");
    let (err, code) = assess(
        &s,
        "age.yaml",
        &CASE.replace("id: t\n", "id: t\npatient: { age: forty }\n"),
    );
    assert_eq!(code, Some(2));
    assert!(
        err.contains("this value is not a number (for example `72.5`) at `patient.age`"),
        "{err}"
    );
    assert!(err.contains("age.yaml:2:17"), "{err}");
    assert!(!err.contains("floating point"), "{err}");
}

#[test]
fn an_empty_value_says_it_can_be_left_out() {
    let s = Scratch::new("null");
    let (err, _) = assess(
        &s,
        "null.yaml",
        &CASE.replace("name: amoxicillin", "name: ~"),
    );
    assert!(
        err.contains("this value is empty (null) at `drugs[0].name`"),
        "{err}"
    );
    assert!(
        err.contains("leave the field out where it is optional"),
        "{err}"
    );
    assert!(!err.contains("Option<String>"), "{err}");
}

#[test]
fn a_tab_says_where_to_put_spaces() {
    let s = Scratch::new("tab");
    let (err, code) = assess(&s, "tab.yaml", &CASE.replace("  - id: a", "\t- id: a"));
    assert_eq!(code, Some(2));
    assert!(err.contains("a tab character indents this line"), "{err}");
    assert!(
        err.contains("replace the tab at this position with spaces"),
        "{err}"
    );
    assert!(err.contains("tab.yaml:3:1"), "{err}");
}

#[test]
fn an_unknown_field_or_value_is_named_with_its_place_and_a_suggestion() {
    let s = Scratch::new("unknown");
    let (err, _) = assess(&s, "f.yaml", &CASE.replace("    onset:", "    onest:"));
    assert!(
        err.contains("unknown field `onest` in `reactions[0]`"),
        "{err}"
    );
    assert!(err.contains("did you mean `onset`?"), "{err}");
    let (err, _) = assess(
        &s,
        "v.yaml",
        &CASE.replace("role: suspect", "role: suspekt"),
    );
    assert!(
        err.contains("`suspekt` is not one of the accepted values at `drugs[0].role`"),
        "{err}"
    );
    assert!(
        err.contains("did you mean `suspect`? The values are: suspect, concomitant"),
        "{err}"
    );
}

#[test]
fn a_stream_of_cases_is_read_case_by_case_with_their_own_lines() {
    let s = Scratch::new("stream");
    let two = format!(
        "{CASE}---\n{}",
        CASE.replace("id: t", "id: u")
            .replace("day 8 of c", "day 8 of q")
    );
    let (err, code) = assess(&s, "two.yaml", &two);
    assert_eq!(code, Some(2));
    // The second document's problem, at its line in the file.
    assert!(err.contains("two.yaml#2:23:"), "{err}");
    let path = s.file(
        "ok.yaml",
        &format!("{CASE}---\n{}", CASE.replace("id: t", "id: u")),
    );
    let out = causa(&["assess", &path, "--method", "naranjo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("# Causality assessment: t")
            && report.contains("# Causality assessment: u")
    );
    // What `import` writes is read back.
    let imported = causa(&[
        "import",
        "openfda",
        "fixtures/openfda/openfda-drug-event-sample.json",
    ]);
    let path = s.file("imported.yaml", &String::from_utf8_lossy(&imported.stdout));
    let out = causa(&["assess", &path, "--method", "naranjo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_huge_line_or_deep_nesting_gives_a_short_message() {
    let s = Scratch::new("huge");
    let long = format!(
        "id: t\ndrugs:\n  - {{ id: a, name: {}, role: suspekt }}\nreactions: []\n",
        "x".repeat(1_000_000)
    );
    let (err, code) = assess(&s, "long.yaml", &long);
    assert_eq!(code, Some(2));
    assert!(err.len() < 4096, "{} bytes", err.len());
    assert!(err.contains('…'), "{err}");
    let deep = format!("id: t\ndrugs: {}\n", "[".repeat(100_000));
    let (err, code) = assess(&s, "deep.yaml", &deep);
    assert_eq!(code, Some(2));
    assert!(err.len() < 4096, "{} bytes", err.len());
}

#[test]
fn a_byte_order_mark_and_flow_style_yaml_are_read_as_their_formats() {
    let s = Scratch::new("bom");
    let json = "\u{feff}{\"id\": \"t\", \"drugs\": [{\"id\": \"a\", \"name\": \"amoxicillin\", \"role\": \"suspect\", \"exposures\": [{\"id\": \"c\", \"start\": \"2024-01-01\"}]}], \"reactions\": [{\"id\": \"r\", \"term\": \"maculopapular rash\", \"onset\": \"day 8 of c\"}]}\n";
    let (err, code) = assess(&s, "bom.json", json);
    assert_eq!(code, Some(0), "{err}");
    let flow = "{id: t, drugs: [{id: a, name: amoxicillin, role: suspect, exposures: [{id: c, start: 2024-01-01}]}], reactions: [{id: r, term: maculopapular rash, onset: day 8 of c}]}\n";
    let (err, code) = assess(&s, "flow.yaml", flow);
    assert_eq!(code, Some(0), "{err}");
    // A column counts characters, not bytes: the caret stands under the `}` after the comma (13, not 14).
    let accented = "{\n  \"id\": \"é\",}\n";
    let (err, code) = assess(&s, "accent.json", accented);
    assert_eq!(code, Some(2));
    assert!(err.contains("accent.json:2:13"), "{err}");
}
