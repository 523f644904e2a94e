//! XML reading errors in the user's terms: where the file stops being
//! well-formed XML, with line and column, and what to do about it; a
//! document type declaration is refused by name, not as "not well-formed".

use super::{Diagnostic, Pos};
use roxmltree::Error as X;

/// The line and column of the end of a text (where a cut-off file stops).
fn end_of(text: &str) -> Pos {
    let line = text.lines().count().max(1) as u64;
    let column = text.lines().last().map_or(0, |l| l.chars().count()) as u64 + 1;
    Pos { line, column }
}

/// The position of the first occurrence of `needle`, if any.
fn position_of(text: &str, needle: &str) -> Option<Pos> {
    let at = text.find(needle)?;
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    Some(Pos { line, column })
}

/// Why an XML file cannot be read, at its line and column.
pub fn not_well_formed(name: &str, text: &str, e: &X) -> Diagnostic {
    let p = e.pos();
    let mut pos = Pos {
        line: u64::from(p.row),
        column: u64::from(p.col),
    };
    let (message, help) = match e {
        X::DtdDetected => {
            pos = position_of(text, "<!DOCTYPE").unwrap_or(pos);
            (
                "the XML file has a document type declaration (`<!DOCTYPE ...>`), which is refused".to_owned(),
                "an E2B(R3) ICSR needs none: a DTD can expand entities without end or fetch files from elsewhere, so causa reads no file that has one; remove the declaration".to_owned(),
            )
        }
        X::UnexpectedEndOfStream | X::UnclosedRootNode => {
            pos = end_of(text);
            (
                "the XML file ends before its elements are closed: it may have been cut off".to_owned(),
                "check that the whole file was saved or transferred; the last element opened is not closed".to_owned(),
            )
        }
        X::UnknownToken(p) if p.row == 1 && p.col == 1 => (
            "the file does not start with XML: text stands before the first `<`".to_owned(),
            "an XML file starts with `<?xml ...?>` or its root element; remove what comes before it".to_owned(),
        ),
        X::NoRootNode => (
            "the XML file holds no element".to_owned(),
            "an E2B(R3) file holds an `MCCI_IN200100UV01` batch or a `PORR_IN049016UV` message".to_owned(),
        ),
        X::UnexpectedCloseTag(expected, actual, _) => (
            format!("the closing tag `</{actual}>` does not close the element `<{expected}>` opened before it"),
            format!("close `<{expected}>` with `</{expected}>` first, or remove the stray `</{actual}>`"),
        ),
        X::UnknownEntityReference(entity, _) => (
            format!("the entity `&{entity};` is not one of XML's own"),
            "write `&amp;` for an ampersand in text; XML knows only &amp; &lt; &gt; &quot; &apos; and character references".to_owned(),
        ),
        X::UnknownNamespace(prefix, _) => (
            format!("the namespace prefix `{prefix}:` is used but never declared"),
            format!("declare it (`xmlns:{prefix}=\"...\"`) on this element or one that holds it"),
        ),
        X::NodesLimitReached | X::AttributesLimitReached | X::NamespacesLimitReached => (
            format!("the XML file is larger than an XML reader can hold ({e})"),
            "split the batch into several files".to_owned(),
        ),
        other => {
            let detail = other.to_string();
            let detail = match detail.rfind(" at ") {
                Some(i) if detail[i + 4..].contains(':') => detail[..i].to_owned(),
                _ => detail,
            };
            // An error on the last line is most often a file cut off.
            let cut = if pos.line >= end_of(text).line {
                "; the file ends here, and may have been cut off"
            } else {
                ""
            };
            (
                format!("not well-formed XML: {detail}{cut}"),
                "check the markup here: every `<` opens a tag, text writes `&lt;` and `&amp;`, attribute values are quoted".to_owned(),
            )
        }
    };
    Diagnostic::in_text("xml::invalid", name, text, pos, message).with_help(help)
}

/// A well-formed XML file that is not an E2B(R3) ICSR: what its root is.
pub fn not_e2b(name: &str, text: &str, root: roxmltree::Node) -> Diagnostic {
    let tag = root.tag_name();
    let what = match tag.namespace() {
        Some(ns) => format!("`<{}>` in the namespace `{ns}`", tag.name()),
        None => format!("`<{}>` in no namespace", tag.name()),
    };
    // An ICSR in another namespace (an HL7 namespace misspelt, say) is named as such.
    let elsewhere = root
        .descendants()
        .find(|n| n.is_element() && n.tag_name().name() == "PORR_IN049016UV");
    let what = match elsewhere.and_then(|n| n.tag_name().namespace().map(str::to_owned)) {
        Some(ns) if ns != "urn:hl7-org:v3" => format!(
            "{what}; its `PORR_IN049016UV` is in the namespace `{ns}`, not HL7 v3's `urn:hl7-org:v3`"
        ),
        _ if elsewhere.is_some() => {
            format!(
                "{what}; its `PORR_IN049016UV` is in no namespace, not HL7 v3's `urn:hl7-org:v3`"
            )
        }
        _ => format!("{what}, and it holds no E2B(R3) ICSR (`PORR_IN049016UV`)"),
    };
    let pos = position_of(text, &format!("<{}", tag.name()))
        .or_else(|| position_of(text, &format!(":{}", tag.name())))
        .unwrap_or(Pos { line: 1, column: 1 });
    Diagnostic::in_text(
        "e2b::not-an-icsr",
        name,
        text,
        pos,
        format!("the XML file's root is {what}"),
    )
    .with_help(
        "an E2B(R3) file is HL7 v3 XML in the namespace `urn:hl7-org:v3`, its root an `MCCI_IN200100UV01` batch or a `PORR_IN049016UV` message; E2B(R2) files are not read",
    )
}

/// A file given as E2B(R3) that is not XML at all (a case file, say).
pub fn not_xml(name: &str, text: &str) -> Diagnostic {
    let first = text
        .lines()
        .position(|l| !l.trim().is_empty())
        .map_or(1, |i| i as u64 + 1);
    Diagnostic::in_text(
        "e2b::not-xml",
        name,
        text,
        Pos { line: first, column: 1 },
        "the file is not XML, so not an E2B(R3) ICSR",
    )
    .with_help("an E2B(R3) ICSR is HL7 v3 XML, starting with `<?xml` or `<`; a case file is assessed with `causa assess`")
}
