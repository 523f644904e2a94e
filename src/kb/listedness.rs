//! The user's own listedness table: which reactions their reference safety
//! information (a product label, a company core data sheet) lists for which
//! drugs. Read from CSV or YAML with `--listedness FILE`; for previous
//! knowledge it takes precedence over the shipped knowledge base.
//!
//! Columns (CSV header, or keys of each YAML row): `drug` (a name or active
//! substance), `meddra_code` and/or `term` (the reaction as a MedDRA PT code
//! or term), `listed` (yes or no), `document` (the reference it comes from)
//! and `version` (optional).

use super::{KnowledgeBase, normalize};
use crate::diagnostic::{Diagnostic, Diagnostics, Pos, SourceFile, from_yaml_error};
use serde::Deserialize;
use serde_saphyr::Spanned;

/// The table as read, stamped with its digest.
#[derive(Debug, Clone)]
pub struct ListednessTable {
    /// The file name as given.
    pub file: String,
    /// `sha256:` of the file's bytes.
    pub digest: String,
    pub rows: Vec<ListedRow>,
}

/// One row: whether a reference document lists a reaction for a drug.
#[derive(Debug, Clone)]
pub struct ListedRow {
    pub drug: String,
    /// The knowledge-base drug the name is, if any, so that any of its names matches.
    pub kb_drug: Option<String>,
    pub meddra_code: Option<String>,
    pub term: Option<String>,
    /// The knowledge-base phenotype the term or code names, if any.
    pub phenotype: Option<String>,
    pub listed: bool,
    pub document: String,
    pub version: Option<String>,
    /// `file:line`, for evidence.
    pub origin: String,
}

impl ListedRow {
    /// "Company core data sheet (version 12)".
    pub fn reference(&self) -> String {
        match &self.version {
            Some(v) => format!("{} (version {v})", self.document),
            None => self.document.clone(),
        }
    }
}

impl ListednessTable {
    /// The documents the table cites, each once, in order of first use.
    pub fn documents(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in &self.rows {
            let d = r.reference();
            if !out.contains(&d) {
                out.push(d);
            }
        }
        out
    }

    /// The row for a drug and a reaction: by MedDRA code first, then by term,
    /// then by the knowledge-base phenotype both name.
    pub fn row_for(
        &self,
        drug_names: &[&str],
        kb_drug: Option<&str>,
        term: &str,
        meddra_code: Option<&str>,
        phenotype: Option<&str>,
    ) -> Option<&ListedRow> {
        let drug_matches = |r: &ListedRow| {
            let n = normalize(&r.drug);
            drug_names.iter().any(|d| normalize(d) == n)
                || (r.kb_drug.is_some() && r.kb_drug.as_deref() == kb_drug)
        };
        let rows: Vec<&ListedRow> = self.rows.iter().filter(|r| drug_matches(r)).collect();
        let code = meddra_code.map(str::trim).filter(|c| !c.is_empty());
        let term = normalize(term);
        rows.iter()
            .find(|r| code.is_some() && r.meddra_code.as_deref() == code)
            .or_else(|| {
                rows.iter()
                    .find(|r| r.term.as_deref().is_some_and(|t| normalize(t) == term))
            })
            .or_else(|| {
                rows.iter()
                    .find(|r| phenotype.is_some() && r.phenotype.as_deref() == phenotype)
            })
            .copied()
    }
}

/// `listed` as people write it: yes/no, true/false, listed/unlisted.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ListedDoc {
    Flag(bool),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RowDoc {
    drug: Option<String>,
    meddra_code: Option<Code>,
    term: Option<String>,
    listed: Option<ListedDoc>,
    document: Option<String>,
    version: Option<Code>,
}

/// A code or version written as a number or as text.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Code {
    Number(u64),
    Text(String),
}

impl Code {
    fn text(self) -> String {
        match self {
            Code::Number(n) => n.to_string(),
            Code::Text(t) => t.trim().to_owned(),
        }
    }
}

const COLUMNS: &str = "drug, meddra_code, term, listed, document, version";

/// Reads a listedness table (CSV by its `.csv` extension or a header line
/// naming `drug`, YAML otherwise), checking every row against the knowledge
/// base's names; every problem is reported at once.
pub fn read(file: &SourceFile, kb: &KnowledgeBase) -> Result<ListednessTable, Diagnostics> {
    let csv = file.name.to_ascii_lowercase().ends_with(".csv")
        || file
            .text
            .lines()
            .next()
            .is_some_and(|l| l.to_ascii_lowercase().starts_with("drug,"));
    let mut diags = Diagnostics::default();
    let rows = if csv {
        csv_rows(file, &mut diags)
    } else {
        yaml_rows(file, &mut diags)
    };
    let mut table = ListednessTable {
        file: file.name.clone(),
        digest: crate::case::digest_bytes(file.text.as_bytes()),
        rows: Vec::new(),
    };
    for (pos, raw) in rows {
        if let Some(row) = check(file, pos, raw, kb, &mut diags) {
            let twice = table.rows.iter().find(|r| {
                normalize(&r.drug) == normalize(&row.drug)
                    && ((row.meddra_code.is_some() && r.meddra_code == row.meddra_code)
                        || (row.term.is_some()
                            && r.term.as_deref().map(normalize)
                                == row.term.as_deref().map(normalize)))
            });
            if let Some(first) = twice {
                diags.push(
                    Diagnostic::new(
                        "listedness::duplicate-row",
                        file,
                        pos,
                        format!(
                            "`{}` with `{}` is already given at {}",
                            row.drug,
                            row.meddra_code
                                .as_deref()
                                .or(row.term.as_deref())
                                .unwrap_or(""),
                            first.origin
                        ),
                    )
                    .with_help("keep one row per drug and reaction"),
                );
                continue;
            }
            table.rows.push(row);
        }
    }
    if table.rows.is_empty() && diags.is_empty() {
        diags.push(
            Diagnostic::whole_file("listedness::empty", &file.name, "the table has no rows")
                .with_help(format!(
                    "give one row per drug and reaction, with the columns {COLUMNS}"
                )),
        );
    }
    if diags.is_empty() {
        Ok(table)
    } else {
        Err(diags.sorted())
    }
}

fn yaml_rows(file: &SourceFile, diags: &mut Diagnostics) -> Vec<(Pos, RowDoc)> {
    match serde_saphyr::from_str::<Vec<Spanned<RowDoc>>>(&file.text) {
        Ok(rows) => rows
            .into_iter()
            .map(|r| (Pos::from_location(&r.referenced), r.value))
            .collect(),
        Err(e) => {
            diags.push(from_yaml_error(file, &e).with_help(format!(
                "a listedness table in YAML is a list of rows with the keys {COLUMNS}"
            )));
            Vec::new()
        }
    }
}

fn csv_rows(file: &SourceFile, diags: &mut Diagnostics) -> Vec<(Pos, RowDoc)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(file.text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.to_ascii_lowercase()).collect::<Vec<_>>(),
        Err(e) => {
            diags.push(csv_problem(file, &e));
            return Vec::new();
        }
    };
    for (i, h) in headers.iter().enumerate() {
        if !COLUMNS.split(", ").any(|c| c == h) {
            diags.push(
                Diagnostic::new(
                    "listedness::unknown-column",
                    file,
                    Pos {
                        line: 1,
                        column: (i + 1) as u64,
                    },
                    format!("unknown column `{h}`"),
                )
                .with_help(
                    match crate::diagnostic::suggest(h, COLUMNS.split(", ")) {
                        Some(best) => format!("did you mean `{best}`? The columns are {COLUMNS}"),
                        None => format!("the columns are {COLUMNS}"),
                    },
                ),
            );
        }
    }
    let column = |record: &csv::StringRecord, name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let mut out = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line());
                out.push((
                    Pos { line, column: 1 },
                    RowDoc {
                        drug: column(&r, "drug"),
                        meddra_code: column(&r, "meddra_code").map(Code::Text),
                        term: column(&r, "term"),
                        listed: column(&r, "listed").map(ListedDoc::Text),
                        document: column(&r, "document"),
                        version: column(&r, "version").map(Code::Text),
                    },
                ));
            }
            Err(e) => diags.push(csv_problem(file, &e)),
        }
    }
    out
}

fn csv_problem(file: &SourceFile, e: &csv::Error) -> Diagnostic {
    let line = e.position().map_or(0, |p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("this row has {len} fields where the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "this row is not UTF-8 text".to_owned(),
        _ => format!("this line cannot be read as CSV: {e}"),
    };
    Diagnostic::new(
        "listedness::bad-row",
        file,
        Pos { line, column: 1 },
        message,
    )
    .with_help(format!(
        "write one row per line with the columns {COLUMNS}, quoting a field that holds a comma"
    ))
}

/// Checks one row; `None` when it is refused (the reasons are in `diags`).
fn check(
    file: &SourceFile,
    pos: Pos,
    raw: RowDoc,
    kb: &KnowledgeBase,
    diags: &mut Diagnostics,
) -> Option<ListedRow> {
    let before = diags.len();
    let missing = |diags: &mut Diagnostics, field: &str, help: &str| {
        diags.push(
            Diagnostic::new(
                "listedness::missing-field",
                file,
                pos,
                format!("this row gives no `{field}`"),
            )
            .with_help(help.to_owned()),
        );
    };
    let drug = raw
        .drug
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty());
    if drug.is_none() {
        missing(
            diags,
            "drug",
            "name the drug or its active substance, as reports name it",
        );
    }
    let meddra_code = raw.meddra_code.map(Code::text).filter(|c| !c.is_empty());
    let term = raw
        .term
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    if meddra_code.is_none() && term.is_none() {
        missing(
            diags,
            "meddra_code` or `term",
            "give the reaction's MedDRA PT code, its term, or both",
        );
    }
    if let Some(c) = &meddra_code
        && !(c.len() == 8 && c.bytes().all(|b| b.is_ascii_digit()))
    {
        diags.push(
            Diagnostic::new(
                "listedness::bad-code",
                file,
                pos,
                format!("`meddra_code` is `{c}`"),
            )
            .with_help("a MedDRA code has eight digits, for example 10042033"),
        );
    }
    let listed = match raw.listed {
        Some(ListedDoc::Flag(b)) => Some(b),
        Some(ListedDoc::Text(t)) => match t.trim().to_ascii_lowercase().as_str() {
            "yes" | "y" | "true" | "listed" | "1" => Some(true),
            "no" | "n" | "false" | "unlisted" | "not listed" | "0" => Some(false),
            other => {
                diags.push(
                    Diagnostic::new(
                        "listedness::bad-listed",
                        file,
                        pos,
                        format!("`listed` is `{other}`"),
                    )
                    .with_help("write `yes` (the document lists the reaction) or `no`"),
                );
                None
            }
        },
        None => {
            missing(
                diags,
                "listed",
                "write `yes` (the document lists the reaction) or `no`",
            );
            None
        }
    };
    let document = raw
        .document
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty());
    if document.is_none() {
        missing(
            diags,
            "document",
            "name the reference safety information the row comes from, e.g. `Company core data sheet`",
        );
    }
    if diags.len() > before {
        return None;
    }
    let drug = drug?;
    let phenotype = kb
        .phenotype_for_term(term.as_deref().unwrap_or(""), meddra_code.as_deref())
        .map(|p| p.id.clone());
    Some(ListedRow {
        kb_drug: kb.drug(&drug).map(|d| d.id.clone()),
        drug,
        meddra_code,
        term,
        phenotype,
        listed: listed?,
        document: document?,
        version: raw.version.map(Code::text).filter(|v| !v.is_empty()),
        origin: format!("{}:{}", file.name, pos.line),
    })
}
