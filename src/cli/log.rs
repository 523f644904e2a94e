//! `causa log verify`, and the log lines `causa assess --log` appends.

use crate::Error;
use crate::{case, eval};
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Check that no line of a log was changed, inserted or removed (exit 1 if one was), and with --public-key every line's signature
    #[command(
        after_help = "Examples:\n  causa assess case.yaml --log assessments.log --assessed-at 2024-05-02T10:30:00Z --assessor \"J. Ortega\" --sign-key ortega.key\n  causa log verify assessments.log --public-key ortega.pub"
    )]
    Verify {
        /// The log file
        file: PathBuf,
        /// The public key (PEM) whose signatures every line must carry
        #[arg(long, value_name = "FILE")]
        public_key: Option<PathBuf>,
    },
    /// Make a key pair to sign logs with: PREFIX.key (private, keep it to yourself) and PREFIX.pub (give it to whoever verifies)
    #[command(after_help = "Examples:\n  causa log keygen --out ortega")]
    Keygen {
        /// The files' names without their extensions
        #[arg(long, value_name = "PREFIX")]
        out: PathBuf,
    },
}

/// How a log line is signed, if it is.
pub(super) fn signing_key(path: Option<&Path>) -> Result<Option<ed25519_dalek::SigningKey>, Error> {
    let Some(path) = path else { return Ok(None) };
    let pem = Error::read_text(path)?;
    crate::log::keys::signing_key(&pem)
        .map(Some)
        .map_err(|why| Error::Usage {
            message: format!("`{}`: {why}", path.display()),
            help: Some("give the .key file `causa log keygen` wrote".into()),
        })
}

/// Appends one chained line per assessed case to the log.
pub(super) fn append(
    path: &Path,
    at: &str,
    assessor: &str,
    key: Option<&ed25519_dalek::SigningKey>,
    cases: &[case::Case],
    results: &[eval::CaseAssessment],
) -> Result<(), Error> {
    use std::io::Write as _;
    let existing = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::read(path, e)),
    };
    let mut last = crate::log::last_link(&existing).map_err(|why| Error::Usage {
        message: format!("`{}` is not an assessment log: {why}", path.display()),
        help: Some("give a new file, or a log written by `causa assess --log`".into()),
    })?;
    let mut out = String::new();
    for (c, a) in cases.iter().zip(results) {
        let overrides = c
            .assessor_answers
            .iter()
            .filter(|x| a.as_of.is_none_or(|d| x.known.is_none_or(|k| k <= d)))
            .map(|x| {
                serde_json::json!({
                    "method": x.method, "question": x.question, "answer": x.answer,
                    "assessor": x.assessor, "justification": x.justification,
                    "drug": x.drug.map(|d| c.drugs[d].id.clone()),
                    "reaction": x.reaction.map(|r| c.reactions[r].id.clone()),
                })
            })
            .collect();
        let link = last.as_ref().map(|(h, s)| (h.as_str(), *s));
        let line = crate::log::line(
            &crate::log::Record {
                assessed_at: at,
                assessor,
                assessment: a,
                overrides,
            },
            link,
            key,
        );
        let v: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| Error::Write(e.to_string()))?;
        last = Some((
            v["hash"].as_str().unwrap_or_default().to_owned(),
            v["entry"]["seq"].as_u64().unwrap_or(0),
        ));
        out.push_str(&line);
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::Write(format!("{}: {e}", path.display())))?;
    f.write_all(out.as_bytes())
        .map_err(|e| Error::Write(format!("{}: {e}", path.display())))
}

pub(super) fn run(command: &LogCommand) -> Result<String, Error> {
    match command {
        LogCommand::Keygen { out } => keygen(out),
        LogCommand::Verify { file, public_key } => {
            let key = match public_key {
                Some(p) => {
                    let pem = Error::read_text(p)?;
                    Some(
                        crate::log::keys::verifying_key(&pem).map_err(|why| Error::Usage {
                            message: format!("`{}`: {why}", p.display()),
                            help: Some("give the .pub file `causa log keygen` wrote".into()),
                        })?,
                    )
                }
                None => None,
            };
            let text = Error::read_text(file)?;
            match crate::log::verify(&text, key.as_ref()) {
                Ok(v) => Ok(format!(
                    "{}: ok, {}\n",
                    file.display(),
                    verified(&v, key.as_ref())
                )),
                Err((line, why)) => {
                    let intact = match line {
                        1 => String::new(),
                        2 => "line 1 holds; ".to_owned(),
                        n => format!("lines 1 to {} hold; ", n - 1),
                    };
                    Err(Error::Tampered(format!(
                        "{}:{line}: line {line} {why}\n  = help: {intact}compare the log with a copy kept elsewhere (the last line's hash, noted when it was written, tells the two apart)",
                        file.display()
                    )))
                }
            }
        }
    }
}

/// What an intact log's check established, in words.
fn verified(v: &crate::log::Verified, key: Option<&ed25519_dalek::VerifyingKey>) -> String {
    let keys: Vec<&str> = v.keys.iter().map(String::as_str).collect();
    match key {
        Some(k) => format!(
            "{} lines, chain intact, every line signed by {} and verified",
            v.lines,
            crate::log::keys::fingerprint(k)
        ),
        None if v.signed == 0 => format!(
            "{} lines, chain intact; the log is not signed, so whoever can write the file could rewrite a line and every hash after it (sign with `assess --sign-key`)",
            v.lines
        ),
        None => format!(
            "{} lines, chain intact; {} signed by {}, signatures not checked (give --public-key)",
            v.lines,
            v.signed,
            keys.join(", ")
        ),
    }
}

/// Writes a new key pair; never overwrites a key.
fn keygen(out: &Path) -> Result<String, Error> {
    let private = out.with_extension("key");
    let public = out.with_extension("pub");
    for p in [&private, &public] {
        if p.exists() {
            return Err(Error::Usage {
                message: format!("`{}` exists already", p.display()),
                help: Some("a key is never overwritten: give another --out, or move the old key away first".into()),
            });
        }
    }
    let (private_pem, public_pem) = crate::log::keys::generate().map_err(Error::Write)?;
    let write = |p: &Path, text: &str| -> Result<(), Error> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            // Only its owner may read a private key.
            if p.extension().is_some_and(|x| x == "key") {
                options.mode(0o600);
            }
        }
        let mut f = options
            .open(p)
            .map_err(|e| Error::Write(format!("{}: {e}", p.display())))?;
        std::io::Write::write_all(&mut f, text.as_bytes())
            .map_err(|e| Error::Write(format!("{}: {e}", p.display())))
    };
    write(&private, &private_pem)?;
    write(&public, &public_pem)?;
    let key = crate::log::keys::verifying_key(&public_pem).map_err(Error::Write)?;
    Ok(format!(
        "key {}: private key in {} (keep it to yourself), public key in {}\n",
        crate::log::keys::fingerprint(&key),
        private.display(),
        public.display()
    ))
}
