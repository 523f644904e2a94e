//! An openFDA file as a whole: whether a text is one, and its reports read
//! as cases (or the file refused with openFDA's own error).

use super::super::Refused;
use super::openfda;
use crate::diagnostic::Diagnostic;
use serde_json::{Map, Value};

/// Whether a file's text is an openFDA drug-event response rather than a case:
/// a JSON object with `results` or `meta` at its top (a case has neither), so
/// that one with no reports, or not valid JSON, gets openFDA's own error.
pub fn is_openfda(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let keys = ["\"results\"", "\"meta\"", "\"error\""];
    if !t.starts_with('{') || !keys.iter().any(|k| t.contains(k)) {
        return false;
    }
    match serde_json::from_str::<Map<String, Value>>(t) {
        Ok(top) => {
            top.contains_key("results")
                || top.contains_key("meta")
                || top.get("error").is_some_and(|e| e.get("code").is_some())
        }
        // Not valid JSON: judged by its first key.
        Err(_) => {
            let first = t[1..].trim_start();
            first.starts_with("\"meta\"") || first.starts_with("\"results\"")
        }
    }
}

/// The cases of an openFDA file as (name, case JSON text), each named
/// `FILE#/results/i`, or refused with its position and the reason.
pub fn openfda_cases(file: &str, text: &str) -> Result<Vec<super::super::Report>, Box<Diagnostic>> {
    if let Some(d) = crate::diagnostic::json::syntax_problem(file, text) {
        return Err(Box::new(d));
    }
    let doc: Value =
        serde_json::from_str(crate::diagnostic::json::without_bom(text)).map_err(|e| {
            Box::new(Diagnostic::whole_file(
                "openfda::invalid",
                file,
                format!("not an openFDA response: {e}"),
            ))
        })?;
    let reports = openfda(&doc).map_err(|why| {
        let help = if why.contains("no reports") || why.contains("error response") {
            "nothing to assess: a query that matches no report gives none; check or widen the query"
        } else {
            "give the JSON an openFDA /drug/event query returns: an object with `meta` and a `results` list of reports"
        };
        Box::new(Diagnostic::whole_file("openfda::invalid", file, why).with_help(help))
    })?;
    Ok(reports
        .into_iter()
        .map(|r| match r {
            Ok(i) => Ok((
                format!("{file}#{}", i.pointer),
                serde_json::to_string_pretty(&i.case).unwrap_or_default(),
            )),
            Err(x) => Err(Refused {
                position: format!("{file}#{}", x.position),
                reason: x.reason,
            }),
        })
        .collect())
}
