//! `causa completions SHELL` and `causa manpage`: what a shell and `man`
//! need, generated from the same argument tree as the command line itself.

use clap::CommandFactory as _;
use std::path::Path;

/// The completion script for `shell`, to be sourced or installed where the shell looks.
pub(super) fn completions(shell: clap_complete::Shell) -> String {
    let mut command = super::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "causa", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn render(page: clap::Command) -> Result<Vec<u8>, crate::Error> {
    let mut out = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut out)
        .map_err(|e| crate::Error::Write(e.to_string()))?;
    Ok(out)
}

/// The pages: `causa.1`, then `causa-COMMAND.1` for each command.
fn pages() -> Result<Vec<(String, Vec<u8>)>, crate::Error> {
    let command = super::Cli::command();
    let mut pages = vec![("causa.1".to_owned(), render(command.clone())?)];
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("causa-{}", sub.get_name());
        let page = sub
            .clone()
            .name(name.clone())
            .bin_name(format!("causa {}", sub.get_name()))
            .version(env!("CARGO_PKG_VERSION"));
        pages.push((format!("{name}.1"), render(page)?));
    }
    Ok(pages)
}

/// The manual page of causa on stdout, or every page written into `dir`.
pub(super) fn manpage(dir: Option<&Path>) -> Result<super::Output, crate::Error> {
    let pages = pages()?;
    let Some(dir) = dir else {
        return Ok(super::Output {
            stdout: String::from_utf8_lossy(&pages[0].1).into_owned(),
            ..super::Output::default()
        });
    };
    let write = |p: &Path, e: std::io::Error| crate::Error::Write(format!("{}: {e}", p.display()));
    std::fs::create_dir_all(dir).map_err(|e| write(dir, e))?;
    for (name, page) in &pages {
        let p = dir.join(name);
        std::fs::write(&p, page).map_err(|e| write(&p, e))?;
    }
    Ok(super::Output {
        stderr: format!(
            "{} manual pages written to {}\n",
            pages.len(),
            dir.display()
        ),
        ..super::Output::default()
    })
}
