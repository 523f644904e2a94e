//! Writing a record's rows: CSV with the columns chosen (every column by
//! default), or NDJSON, each written straight into the record's buffer.

use super::RowFormat;
use crate::eval;

/// A column of CSV rows, named as in [`CSV_HEADER`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Column {
    /// Where the record is: `file`, `file:line`, or `file#N` for the Nth report of a file
    Record,
    /// The case's id
    #[value(name = "case_id")]
    CaseId,
    Drug,
    Reaction,
    Method,
    /// The total, for methods that add points
    Score,
    Category,
    /// Why the method does not apply, or why something is not scored
    Reason,
    /// Answers taken from the case's facts
    Facts,
    /// Answers taken from the knowledge base
    Knowledge,
    /// Answers given by an assessor
    Assessor,
    /// Answers that found no information
    Unknown,
    /// `insufficient`, `provisional`, both, or nothing
    Flags,
    /// The case's content digest
    #[value(name = "case_digest")]
    CaseDigest,
}

impl Column {
    /// Every column, in the order of the default rows.
    pub const ALL: [Column; 14] = [
        Column::Record,
        Column::CaseId,
        Column::Drug,
        Column::Reaction,
        Column::Method,
        Column::Score,
        Column::Category,
        Column::Reason,
        Column::Facts,
        Column::Knowledge,
        Column::Assessor,
        Column::Unknown,
        Column::Flags,
        Column::CaseDigest,
    ];

    /// The column's name in the header.
    pub fn name(self) -> &'static str {
        match self {
            Column::Record => "record",
            Column::CaseId => "case_id",
            Column::Drug => "drug",
            Column::Reaction => "reaction",
            Column::Method => "method",
            Column::Score => "score",
            Column::Category => "category",
            Column::Reason => "reason",
            Column::Facts => "facts",
            Column::Knowledge => "knowledge",
            Column::Assessor => "assessor",
            Column::Unknown => "unknown",
            Column::Flags => "flags",
            Column::CaseDigest => "case_digest",
        }
    }
}

/// How rows are written: the format, and for CSV the columns in their order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub format: RowFormat,
    pub columns: Vec<Column>,
    /// Also write each case's follow-up questions (`--questions`).
    pub questions: bool,
}

impl From<RowFormat> for Layout {
    /// Every column, in the default order.
    fn from(format: RowFormat) -> Layout {
        Layout {
            format,
            columns: Column::ALL.to_vec(),
            questions: false,
        }
    }
}

impl Layout {
    /// The CSV header line (without its line end).
    pub fn csv_header(&self) -> String {
        let names: Vec<&str> = self.columns.iter().map(|c| c.name()).collect();
        names.join(",")
    }
}

/// The header of the follow-up question rows.
pub const QUESTIONS_HEADER: &str =
    "record,case_id,rank,drug,reaction,finding,question,fills,could_move";

/// A case's follow-up questions, one CSV row each, most telling first.
pub(super) fn write_questions(
    out: &mut String,
    position: &str,
    case_id: &str,
    a: &eval::CaseAssessment,
) {
    let Some(f) = &a.follow_up else { return };
    for (i, q) in f.questions.iter().enumerate() {
        let moves: Vec<String> = q
            .could_move
            .iter()
            .map(|m| format!("{} {} -> {}", m.method, m.from, m.to.join(" or ")))
            .collect();
        let fields = [
            position.to_owned(),
            case_id.to_owned(),
            (i + 1).to_string(),
            q.drug.clone(),
            q.reaction.clone(),
            q.finding.to_owned(),
            q.ask.clone(),
            q.fills.join("; "),
            moves.join("; "),
        ];
        for (k, x) in fields.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            push_csv_field(out, x);
        }
        out.push('\n');
    }
}

/// A record's rows, each ending in a newline, straight into the record's buffer.
pub(super) fn write_rows(
    out: &mut String,
    layout: &Layout,
    position: &str,
    case_id: &str,
    digest: &str,
    rows: &[eval::Row],
) {
    match layout.format {
        RowFormat::Csv => csv_rows(out, &layout.columns, position, case_id, digest, rows),
        RowFormat::Ndjson => {
            for x in rows {
                ndjson_row(out, position, case_id, digest, x);
                out.push('\n');
            }
        }
    }
}

/// A record's CSV rows, each ending in a newline, fields in the order of
/// `columns`; the fields every row of the record shares are quoted once.
pub(super) fn csv_rows(
    out: &mut String,
    columns: &[Column],
    position: &str,
    case_id: &str,
    digest: &str,
    rows: &[eval::Row],
) {
    let (mut record, mut case, mut case_digest) = (String::new(), String::new(), String::new());
    push_csv_field(&mut record, position);
    push_csv_field(&mut case, case_id);
    push_csv_field(&mut case_digest, digest);
    for x in rows {
        let i = &x.information;
        // What a result rested on: empty for rows that are not results.
        let count = |out: &mut String, n: u32| {
            if i.total() > 0 {
                push_int(out, i64::from(n));
            }
        };
        for (k, c) in columns.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            match c {
                Column::Record => out.push_str(&record),
                Column::CaseId => out.push_str(&case),
                Column::Drug => push_csv_field(out, x.drug),
                Column::Reaction => push_csv_field(out, x.reaction),
                Column::Method => push_csv_field(out, x.method),
                Column::Score => {
                    if let Some(s) = x.score {
                        push_int(out, s);
                    }
                }
                Column::Category => push_csv_field(out, x.category),
                Column::Reason => push_csv_field(out, &x.reason),
                Column::Facts => count(out, i.facts),
                Column::Knowledge => count(out, i.knowledge),
                Column::Assessor => count(out, i.assessor),
                Column::Unknown => count(out, i.unknown),
                Column::Flags => {
                    if i.total() > 0 {
                        out.push_str(flags(x));
                    }
                }
                Column::CaseDigest => out.push_str(&case_digest),
            }
        }
        out.push('\n');
    }
}

/// Writes an integer in decimal: rows write several, and the formatting
/// machinery costs more than the digits.
fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 20];
    let mut v = n.unsigned_abs();
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// What a result's row flags: `insufficient` (most answers found no
/// information), `provisional` (a question only an assessor answers took its
/// default), both joined by `;`, or nothing.
fn flags(x: &eval::Row) -> &'static str {
    match (x.information.insufficient(), x.provisional) {
        (true, true) => "insufficient;provisional",
        (true, false) => "insufficient",
        (false, true) => "provisional",
        (false, false) => "",
    }
}

/// One NDJSON row (without its line end): the keys in sorted order, as
/// `serde_json` writes an object.
fn ndjson_row(out: &mut String, position: &str, case_id: &str, digest: &str, x: &eval::Row) {
    let text = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "null".to_owned());
    let score = x.score.map_or("null".to_owned(), |s| s.to_string());
    // `reason` only when there is one (not applicable, not scored).
    let reason = if x.reason.is_empty() {
        String::new()
    } else {
        format!("\"reason\":{},", text(&x.reason))
    };
    // What a result rested on, and its flags; nothing for other rows.
    let i = &x.information;
    let information = if i.total() > 0 {
        format!(
            "\"flags\":{},\"information\":{{\"assessor\":{},\"facts\":{},\"knowledge\":{},\"unknown\":{}}},",
            text(flags(x)),
            i.assessor,
            i.facts,
            i.knowledge,
            i.unknown
        )
    } else {
        String::new()
    };
    out.push_str(&format!(
        "{{\"case_digest\":{},\"case_id\":{},\"category\":{},\"drug\":{},{information}\"method\":{},\"reaction\":{},{reason}\"record\":{},\"score\":{score}}}",
        text(digest),
        text(case_id),
        text(x.category),
        text(x.drug),
        text(x.method),
        text(x.reaction),
        text(position),
    ));
}

pub(super) fn csv_field(f: &str) -> String {
    let mut out = String::new();
    push_csv_field(&mut out, f);
    out
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn push_csv_field(out: &mut String, f: &str) {
    if f.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push('"');
        out.push_str(&f.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(f);
    }
}

/// The header of the default CSV rows: every [`Column`].
pub const CSV_HEADER: &str = "record,case_id,drug,reaction,method,score,category,reason,facts,knowledge,assessor,unknown,flags,case_digest";

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// The digits written are those `Display` writes.
        #[test]
        fn integers_are_written_as_display_writes_them(n in proptest::num::i64::ANY) {
            let mut out = String::new();
            super::push_int(&mut out, n);
            proptest::prop_assert_eq!(out, n.to_string());
        }
    }

    use super::*;

    /// A result's row carries what it rested on and its flags.
    #[test]
    fn result_rows_carry_their_information() {
        let x = eval::Row {
            drug: "d",
            reaction: "r",
            method: "naranjo",
            score: Some(2),
            category: "possible",
            not_applicable: false,
            reason: "".into(),
            information: eval::Tally {
                facts: 2,
                knowledge: 1,
                assessor: 0,
                unknown: 7,
            },
            provisional: true,
        };
        let mut line = String::new();
        csv_rows(
            &mut line,
            &Column::ALL,
            "f:1",
            "c",
            "sha256:0",
            std::slice::from_ref(&x),
        );
        assert_eq!(
            line,
            "f:1,c,d,r,naranjo,2,possible,,2,1,0,7,insufficient;provisional,sha256:0\n"
        );
        let mut line = String::new();
        ndjson_row(&mut line, "f:1", "c", "sha256:0", &x);
        let v: serde_json::Value = serde_json::from_str(&line).expect("JSON");
        assert_eq!(v["information"]["unknown"], 7);
        assert_eq!(v["flags"], "insufficient;provisional");
        assert_eq!(
            line,
            serde_json::to_string(&v).expect("JSON"),
            "keys in sorted order"
        );
    }

    /// The hand-written rows are the ones `serde_json` and the CSV quoting rules give.
    #[test]
    fn rows_are_written_as_before() {
        for odd in [
            "plain",
            "a,b",
            "say \"hi\"",
            "line\nbreak",
            "tab\tand \\ é \u{1}",
        ] {
            let x = eval::Row {
                drug: odd,
                reaction: "r",
                method: "naranjo",
                score: Some(-3),
                category: "possible",
                not_applicable: false,
                reason: "".into(),
                information: Default::default(),
                provisional: false,
            };
            for (score, reason) in [(Some(-3), ""), (None, odd)] {
                let x = eval::Row {
                    score,
                    reason: reason.into(),
                    ..x.clone()
                };
                let mut line = String::new();
                ndjson_row(&mut line, "f.ndjson:1", odd, "sha256:0", &x);
                let mut expected = serde_json::json!({
                    "record": "f.ndjson:1", "case_id": odd, "drug": x.drug, "reaction": x.reaction,
                    "method": x.method, "score": x.score, "category": x.category, "case_digest": "sha256:0",
                });
                if !reason.is_empty() {
                    expected["reason"] = serde_json::json!(reason);
                }
                assert_eq!(line, expected.to_string());
                let mut lines = String::new();
                csv_rows(
                    &mut lines,
                    &Column::ALL,
                    odd,
                    odd,
                    odd,
                    &[x.clone(), x.clone()],
                );
                let score = x.score.map_or(String::new(), |s| s.to_string());
                let expected = [
                    odd, odd, odd, "r", "naranjo", &score, "possible", reason, "", "", "", "", "",
                    odd,
                ]
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(",");
                assert_eq!(lines, format!("{expected}\n{expected}\n"));
            }
        }
    }
}
