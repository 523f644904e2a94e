//! The progress bar of long commands: records done of the total when the
//! total is known, records per second and time left; shown only on a
//! terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::Path;

/// The bar's look when the total is known, and when it is not.
const WITH_TOTAL: &str =
    "{bar:30} {human_pos}/{human_len} records  {per_sec:.0}  {eta} left  {msg}";
const WITHOUT_TOTAL: &str = "{spinner} {human_pos} records  {per_sec:.0}  {elapsed}  {msg}";

/// How many records the inputs hold, when that is known without reading
/// them: a case file is one, an NDJSON file one per line that is not blank, a
/// folder one per case file. Standard input is not known. (An openFDA or
/// E2B(R3) file counts one and the bar grows as its reports are read.)
pub fn count_records(inputs: &[std::path::PathBuf]) -> Option<u64> {
    let mut total = 0u64;
    for input in inputs {
        total += count_one(input)?;
    }
    Some(total)
}

fn count_one(input: &Path) -> Option<u64> {
    if crate::batch::is_std(input) {
        return None;
    }
    if input.is_dir() {
        return crate::batch::case_files(input).ok().map(|f| f.len() as u64);
    }
    // Only a regular file is read twice (a pipe named `x.ndjson` would be drained).
    if !std::fs::metadata(input).is_ok_and(|m| m.is_file()) {
        return None;
    }
    if input
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("ndjson") || x.eq_ignore_ascii_case("jsonl"))
    {
        use std::io::BufRead as _;
        let f = std::fs::File::open(input).ok()?;
        let lines = std::io::BufReader::new(f)
            .split(b'\n')
            .filter(|l| {
                l.as_ref()
                    .is_ok_and(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
            })
            .count();
        return Some(lines as u64);
    }
    Some(1)
}

/// A bar drawn to `target`, styled for a known or an unknown total.
pub fn bar(total: Option<u64>, target: ProgressDrawTarget) -> ProgressBar {
    let (bar, template) = match total {
        Some(n) => (ProgressBar::with_draw_target(Some(n), target), WITH_TOTAL),
        None => (ProgressBar::with_draw_target(None, target), WITHOUT_TOTAL),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// The bar on stderr when stderr is a terminal (the total counted only
/// then); hidden otherwise.
pub fn on_stderr(total: impl FnOnce() -> Option<u64>) -> ProgressBar {
    use std::io::IsTerminal as _;
    if std::io::stderr().is_terminal() {
        bar(total(), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::TermLike;
    use std::sync::{Arc, Mutex};

    /// A terminal that keeps what is drawn on it.
    #[derive(Debug, Clone, Default)]
    struct Screen(Arc<Mutex<String>>);

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            100
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.write_str(s)
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            self.0.lock().expect("screen").push_str(s);
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn drawn(total: Option<u64>, done: u64) -> String {
        let screen = Screen::default();
        let bar = bar(
            total,
            ProgressDrawTarget::term_like(Box::new(screen.clone())),
        );
        bar.set_position(done);
        bar.tick();
        bar.abandon();
        screen.0.lock().expect("screen").clone()
    }

    #[test]
    fn a_known_total_shows_records_done_of_the_total_the_rate_and_the_time_left() {
        let shown = drawn(Some(81_000), 20_250);
        assert!(shown.contains("20,250/81,000 records"), "{shown}");
        assert!(shown.contains("/s"), "{shown}");
        assert!(shown.contains(" left"), "{shown}");
        // A quarter done: the bar is a quarter full.
        assert!(shown.contains("=======>"), "{shown}");
    }

    #[test]
    fn an_unknown_total_shows_the_count_and_the_rate() {
        let shown = drawn(None, 1_234);
        assert!(shown.contains("1,234 records"), "{shown}");
        assert!(shown.contains("/s"), "{shown}");
        assert!(!shown.contains(" left"), "{shown}");
    }

    #[test]
    fn records_are_counted_by_file_and_by_ndjson_line() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let cases = crate::batch::case_files(&root.join("cases")).expect("fixtures");
        assert_eq!(
            count_records(&[root.join("cases")]),
            Some(cases.len() as u64)
        );
        assert_eq!(
            count_records(&[root.join("bad-input/batch/mixed-lines.ndjson")]),
            Some(6)
        );
        assert_eq!(count_records(&["-".into()]), None);
    }
}
