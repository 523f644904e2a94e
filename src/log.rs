//! The assessment log: one JSON line per assessed case, each carrying the hash
//! of the line before it, so that any later change, insertion or removal of a
//! line is detected.
//!
//! A line is `{"entry": {...}, "hash": "sha256:..."}`; `hash` is SHA-256 over the
//! entry written as compact JSON with sorted keys, and the entry's `prev` is the
//! previous line's `hash` (`genesis` for the first). `seq` counts lines from 1.
//! The entry names the assessor. A signed line also carries `key` (the
//! signing key's fingerprint) and `signature` (ed25519 over `hash`): whoever
//! rewrites a line and recomputes every hash after it cannot sign them again
//! without the private key.

pub mod keys;

use crate::eval::CaseAssessment;
use serde_json::{Value, json};

pub const GENESIS: &str = "genesis";

/// What a log records of one assessment, besides its place in the chain.
pub struct Record<'a> {
    /// The time of assessment as the user gave it (never the clock).
    pub assessed_at: &'a str,
    /// Who ran the assessment, as given.
    pub assessor: &'a str,
    pub assessment: &'a CaseAssessment<'a>,
    /// Assessor answers and overrides used, as (method, question, answer, assessor, justification, drug, reaction).
    pub overrides: Vec<Value>,
}

fn entry_hash(entry: &Value) -> String {
    crate::case::digest_bytes(entry.to_string().as_bytes())
}

/// The line to append after a log whose last line is `last` (none for a new
/// log), signed with `key` when one is given.
pub fn line(
    record: &Record,
    last: Option<(&str, u64)>,
    key: Option<&ed25519_dalek::SigningKey>,
) -> String {
    let (prev, seq) = match last {
        Some((hash, seq)) => (hash.to_owned(), seq + 1),
        None => (GENESIS.to_owned(), 1),
    };
    let a = record.assessment;
    let results: Vec<Value> = a
        .assessments
        .iter()
        .map(|x| json!({"drug": x.drug, "reaction": x.reaction, "method": x.method, "method_version": x.method_version, "category": x.category, "score": x.score}))
        .collect();
    let policy: Vec<Value> = a
        .policy
        .iter()
        .map(|p| json!({"switch": p.switch, "value": p.value}))
        .collect();
    let mut entry = json!({
        "seq": seq,
        "prev": prev,
        "assessed_at": record.assessed_at,
        "assessor": record.assessor,
        "engine_version": a.engine_version,
        "rules_digest": a.rules_digest,
        "case_id": a.case_id,
        "case_digest": a.case_digest,
        "as_of": a.as_of,
        "policy": policy,
        "overrides": record.overrides,
        "results": results,
    });
    // Only a run with a listedness table says so, so that other entries read as before.
    if let Some(t) = &a.listedness {
        entry["listedness"] = json!({"file": t.file, "digest": t.digest});
    }
    let hash = entry_hash(&entry);
    let mut line = json!({"entry": entry, "hash": hash});
    if let Some(key) = key {
        line["key"] = json!(keys::fingerprint(&key.verifying_key()));
        line["signature"] = json!(keys::sign(key, &hash));
    }
    let mut s = line.to_string();
    s.push('\n');
    s
}

/// The hash and sequence number of a log's last line, to chain the next one to.
pub fn last_link(text: &str) -> Result<Option<(String, u64)>, String> {
    let Some((n, last)) = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .last()
    else {
        return Ok(None);
    };
    let v: Value =
        serde_json::from_str(last).map_err(|e| format!("line {}: not JSON ({e})", n + 1))?;
    let hash = v["hash"]
        .as_str()
        .ok_or_else(|| format!("line {}: no `hash`", n + 1))?;
    let seq = v["entry"]["seq"]
        .as_u64()
        .ok_or_else(|| format!("line {}: no `entry.seq`", n + 1))?;
    Ok(Some((hash.to_owned(), seq)))
}

/// What an intact log holds.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Verified {
    pub lines: usize,
    /// Lines that carry a signature (checked when a key was given).
    pub signed: usize,
    /// The fingerprints of the keys that signed them.
    pub keys: std::collections::BTreeSet<String>,
}

/// Checks every line of a log, and with `key` every line's signature. `Ok`
/// for an intact log; otherwise the first line that does not hold, and why.
pub fn verify(
    text: &str,
    key: Option<&ed25519_dalek::VerifyingKey>,
) -> Result<Verified, (usize, String)> {
    let mut prev = GENESIS.to_owned();
    let mut verified = Verified::default();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        if raw.trim().is_empty() {
            return Err((n, "is empty: an empty line was inserted".to_owned()));
        }
        let v: Value = serde_json::from_str(raw).map_err(|e| {
            let at = if e.classify() == serde_json::error::Category::Eof {
                "it ends early: the log was cut off here".to_owned()
            } else {
                format!("at column {}, it is not JSON", e.column())
            };
            (n, format!("is not a log line ({at})"))
        })?;
        let (Some(entry), Some(hash)) = (v.get("entry"), v.get("hash").and_then(Value::as_str))
        else {
            return Err((
                n,
                "is not a log line (it has no `entry` and `hash`)".to_owned(),
            ));
        };
        // The line must be as causa writes it: a field repeated (JSON readers keep
        // one of the two) or added beside the entry would pass unhashed.
        let known = ["entry", "hash", "key", "signature"];
        let canonical = v
            .as_object()
            .is_some_and(|o| o.keys().all(|k| known.contains(&k.as_str())))
            && serde_json::to_string(&v).is_ok_and(|w| w == raw.trim_end_matches('\r'));
        if !canonical {
            return Err((
                n,
                "was changed: it is not as causa writes it (a field repeated or added)".to_owned(),
            ));
        }
        if entry_hash(entry) != hash {
            return Err((
                n,
                "was changed: its content no longer matches its hash".to_owned(),
            ));
        }
        if entry.get("prev").and_then(Value::as_str) != Some(prev.as_str()) {
            return Err((
                n,
                if n == 1 {
                    "does not start the chain: a line was removed, inserted or moved before it"
                        .to_owned()
                } else {
                    format!(
                        "does not follow line {}: a line was removed, inserted or moved between them",
                        n - 1
                    )
                },
            ));
        }
        if entry.get("seq").and_then(Value::as_u64) != Some(n as u64) {
            return Err((
                n,
                format!(
                    "is numbered {} but is line {n}: lines were removed or inserted",
                    entry
                        .get("seq")
                        .map_or("nothing".to_owned(), |s| s.to_string())
                ),
            ));
        }
        let signature = v.get("signature").and_then(Value::as_str);
        if let Some(key) = key {
            match signature {
                None => {
                    return Err((
                        n,
                        "is not signed, and every line must be when a public key is given"
                            .to_owned(),
                    ));
                }
                Some(s) if !keys::verifies(key, hash, s) => {
                    return Err((
                        n,
                        format!(
                            "has a signature that {} did not make: the line was rewritten, or signed with another key",
                            keys::fingerprint(key)
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        if signature.is_some() {
            verified.signed += 1;
            if let Some(k) = v.get("key").and_then(Value::as_str) {
                verified.keys.insert(k.to_owned());
            }
        }
        prev = hash.to_owned();
        verified.lines = n;
    }
    if key.is_some() && verified.lines == 0 {
        return Err((1, "is missing: the log is empty".to_owned()));
    }
    Ok(verified)
}
