//! Reading HL7 v3 XML as E2B(R3) writes it: the namespace and code system,
//! element helpers, dates at their precision, and G.k.9.i.2.r relatedness
//! assessments. Export uses the same helpers.

pub(crate) const HL7: &str = "urn:hl7-org:v3";
/// The E2B(R3) code system of observation and assessment codes.
pub(crate) const E2B_CODES: &str = "2.16.840.1.113883.3.989.2.1.1.19";

/// Whether a file's text is an E2B(R3) ICSR (HL7 v3 XML).
pub fn is_e2b(text: &str) -> bool {
    let head: String = text.chars().take(4000).collect();
    head.contains(HL7) && (head.contains("MCCI_IN200100UV01") || head.contains("PORR_IN049016UV"))
}

/// Whether a node is the HL7 v3 element `name`.
pub(crate) fn is_hl7(n: &roxmltree::Node, name: &str) -> bool {
    n.is_element() && n.tag_name().name() == name && n.tag_name().namespace() == Some(HL7)
}

/// The HL7 v3 children named `name`.
pub(crate) fn hl7<'a, 'i, 'n>(
    n: roxmltree::Node<'a, 'i>,
    name: &'n str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + use<'a, 'i, 'n> {
    n.children().filter(move |c| is_hl7(c, name))
}

/// The first HL7 v3 child named `name`.
pub(crate) fn child<'a, 'i>(
    n: roxmltree::Node<'a, 'i>,
    name: &str,
) -> Option<roxmltree::Node<'a, 'i>> {
    hl7(n, name).next()
}

/// The E2B code of an observation-like element (`<code code=".." codeSystem="..19"/>`).
pub(crate) fn e2b_code<'a>(n: roxmltree::Node<'a, '_>) -> Option<&'a str> {
    child(n, "code")
        .filter(|c| c.attribute("codeSystem") == Some(E2B_CODES))
        .and_then(|c| c.attribute("code"))
}

pub(crate) fn id_root<'a>(n: roxmltree::Node<'a, '_>) -> Option<&'a str> {
    child(n, "id").and_then(|i| i.attribute("root"))
}

/// An HL7 TS value (`CCYY[MM[DD[hh...]]]`) at the precision it was given; `None` for a null flavour.
pub(crate) fn hl7_date(v: Option<&str>) -> Option<String> {
    let d: String = v?.chars().take_while(char::is_ascii_digit).collect();
    match d.len() {
        4 | 5 => Some(d[..4].to_owned()),
        6 | 7 => Some(format!("{}-{}", &d[..4], &d[4..6])),
        n if n >= 8 => Some(format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..8])),
        _ => None,
    }
}

/// A G.k.9.i.2.r relatedness assessment as written, with the XML ids
/// (`id/@root`) of the reaction and the drug it is about; empty when not given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Relatedness {
    pub source: String,
    pub method: String,
    pub result: String,
    pub reaction: String,
    pub drug: String,
}

/// Reads a `causalityAssessment` (code 39): source (.r.1), method (.r.2) and
/// result (.r.3) as free text, or a coded value's display name or code.
pub(crate) fn relatedness(ca: roxmltree::Node) -> Relatedness {
    let text = |n: Option<roxmltree::Node>| {
        n.and_then(|n| {
            n.text()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .or_else(|| child(n, "originalText").and_then(|t| t.text()))
                .or(n.attribute("displayName"))
                .or(n.attribute("code"))
        })
        .unwrap_or_default()
        .trim()
        .to_owned()
    };
    let id = |subject: &str, reference: &str| {
        child(ca, subject)
            .and_then(|s| child(s, reference))
            .and_then(id_root)
            .unwrap_or_default()
            .to_owned()
    };
    Relatedness {
        source: text(
            child(ca, "author")
                .and_then(|a| child(a, "assignedEntity"))
                .and_then(|e| child(e, "code")),
        ),
        method: text(child(ca, "methodCode")),
        result: text(child(ca, "value")),
        reaction: id("subject1", "adverseEffectReference"),
        drug: id("subject2", "productUseReference"),
    }
}
