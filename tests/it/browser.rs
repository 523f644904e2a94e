//! The HTML report in a real browser: headless Chromium loads it without a
//! console error, draws it (a screenshot that is not blank), and prints it to
//! PDF with every folded section open. CI installs Chromium (`.ci/run`) and
//! sets `CAUSA_REQUIRE_BROWSER`, so there these tests cannot pass by finding
//! no browser; elsewhere, without one, they say so and check nothing else.

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        });
    if found.is_none() {
        assert!(
            std::env::var_os("CAUSA_REQUIRE_BROWSER").is_none(),
            "CAUSA_REQUIRE_BROWSER is set but no Chromium is on the PATH"
        );
        eprintln!("no Chromium on the PATH: the browser tests check nothing here");
    }
    found
}

/// A folder of its own for one test.
fn folder(test: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("causa-browser-{test}-"))
        .tempdir()
        .expect("temp dir")
}

/// The fixture's HTML report, written into `dir`.
fn report(dir: &Path, fixture: &str) -> PathBuf {
    let out = crate::causa(&[
        "assess",
        &format!("fixtures/cases/{fixture}.yaml"),
        "--format",
        "html",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = dir.join(format!("{fixture}.html"));
    std::fs::write(&page, out.stdout).unwrap();
    page
}

fn headless(browser: &Path, args: &[&str], page: &Path) -> std::process::Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs")
}

/// A PNG's width and height, from its IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (be(16), be(20))
}

/// A 1200×1600 screenshot of the page, checked not blank (a blank page
/// compresses to a few kilobytes) and kept in the target folder as `keep_as`,
/// where the README's pictures are taken from.
fn screenshot(browser: &Path, page: &Path, dir: &Path, keep_as: &str) {
    let shot = dir.join(keep_as);
    let out = headless(
        browser,
        &[
            "--window-size=1200,1600",
            &format!("--screenshot={}", shot.display()),
        ],
        page,
    );
    assert!(shot.is_file(), "{}", String::from_utf8_lossy(&out.stderr));
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(png_size(&png), (1200, 1600));
    assert!(png.len() > 40_000, "{} bytes", png.len());
    let _ = std::fs::copy(&shot, Path::new(env!("CARGO_TARGET_TMPDIR")).join(keep_as));
}

/// The page printed to PDF: its number of sheets.
fn printed_pages(browser: &Path, page: &Path, dir: &Path) -> usize {
    let pdf = dir.join("printed.pdf");
    headless(
        browser,
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
        ],
        page,
    );
    let bytes = std::fs::read(&pdf).expect("a PDF");
    let text = String::from_utf8_lossy(&bytes);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

const FIXTURES: [&str; 3] = [
    "lenalidomide-lv-desensitization",
    "amoxicillin-exanthem-rechallenge",
    "lamotrigine-ten",
];

#[test]
fn reports_load_without_console_errors_and_show_the_timeline_and_results() {
    let Some(browser) = chromium() else { return };
    let dir_tmp = folder("dom");
    let dir = dir_tmp.path().to_path_buf();
    for fixture in FIXTURES {
        let page = report(&dir, fixture);
        let out = headless(
            &browser,
            &["--enable-logging=stderr", "--v=0", "--dump-dom"],
            &page,
        );
        let log = String::from_utf8_lossy(&out.stderr);
        let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
        assert!(console.is_empty(), "{fixture}: {console:?}");
        let dom = String::from_utf8_lossy(&out.stdout);
        assert!(
            dom.contains("<svg class=\"timeline\""),
            "{fixture}: no timeline"
        );
        assert!(
            dom.contains("<g class=\"lane drug\""),
            "{fixture}: no drug lane"
        );
        assert!(dom.contains("<h2>Summary</h2>"), "{fixture}");
        assert!(
            dom.contains("<svg class=\"graph\""),
            "{fixture}: no decision graph"
        );
        assert!(dom.contains("class=\"category\""), "{fixture}");
    }
}

#[test]
fn the_reference_report_draws_and_prints_with_every_section_open() {
    let Some(browser) = chromium() else { return };
    let dir_tmp = folder("print");
    let dir = dir_tmp.path().to_path_buf();
    let page = report(&dir, FIXTURES[0]);
    // Kept for the README's picture of the report (docs/html-report.png).
    screenshot(&browser, &page, &dir, "html-report.png");
    let pages = printed_pages(&browser, &page, &dir);
    // Folded, the report prints on two A4 sheets; the print stylesheet unfolds
    // the five traces with four decision graphs (eleven sheets).
    assert!((8..=14).contains(&pages), "{pages} pages");
}

#[test]
fn the_allergist_letter_loads_draws_and_prints() {
    let Some(browser) = chromium() else { return };
    let dir_tmp = folder("letter");
    let dir = dir_tmp.path().to_path_buf();
    let out = crate::causa(&[
        "assess",
        "fixtures/cases/lenalidomide-lv-desensitization.yaml",
        "--view",
        "allergist",
        "--format",
        "html",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let page = dir.join("letter.html");
    std::fs::write(&page, out.stdout).unwrap();
    let out = headless(
        &browser,
        &["--enable-logging=stderr", "--v=0", "--dump-dom"],
        &page,
    );
    let log = String::from_utf8_lossy(&out.stderr);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "{console:?}");
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(dom.contains("<svg class=\"timeline\""), "no timeline");
    // Two desensitization lanes, and a mark for each of their 18 steps.
    assert_eq!(dom.matches("<g class=\"lane rechallenge\"").count(), 2);
    let steps: usize = ["tolerated", "recurrence", "other-reaction"]
        .iter()
        .map(|k| dom.matches(&format!("<g class=\"mark {k}\"")).count())
        .sum();
    assert_eq!(steps, 18);
    assert!(dom.contains("<h2>Causality before and after</h2>"));
    assert!(dom.contains("<tr class=\"moved\">"));
    assert!(dom.contains("<h2>Desensitization record</h2>"));
    // Kept for the README's picture of the letter (docs/allergist-letter.png).
    screenshot(&browser, &page, &dir, "allergist-letter.png");
    let pages = printed_pages(&browser, &page, &dir);
    assert!((2..=6).contains(&pages), "{pages} pages");
}
