//! "What would change this assessment" in words: for each pair and method
//! whose result rests on answers no information gives, the other categories
//! those answers could lead to and the smallest sets of answers that would.

use crate::eval::CaseAssessment;
use crate::eval::follow_up::{Change, WhatIf};

/// Sets shown per category before "or N more".
const SHOWN: usize = 3;

fn answer(c: &Change) -> String {
    if c.points == 0 {
        format!("`{}` were `{}`", c.question, c.answer)
    } else {
        format!("`{}` were `{}` ({:+})", c.question, c.answer, c.points)
    }
}

/// One line per pair and method: "`d` × `r`, sefv conditional (3): probable
/// if `d-re-exposure` were `positive` (+3); possible if …".
fn line(a: &CaseAssessment, w: &WhatIf) -> String {
    let score = a
        .assessments
        .iter()
        .find(|x| x.drug == w.drug && x.reaction == w.reaction && x.method == w.method)
        .and_then(|x| x.score);
    let now = match score {
        Some(s) => format!("{} ({s})", w.category),
        None => w.category.to_owned(),
    };
    let reaches: Vec<String> = w
        .reachable
        .iter()
        .map(|r| {
            let sets: Vec<String> =
                r.by.iter()
                    .take(SHOWN)
                    .map(|set| set.iter().map(answer).collect::<Vec<_>>().join(" and "))
                    .collect();
            let more = match r.by.len().saturating_sub(SHOWN) {
                0 => String::new(),
                n => format!(
                    ", or {n} other combination{}",
                    if n == 1 { "" } else { "s" }
                ),
            };
            format!("{} if {}{more}", r.category, sets.join(", or "))
        })
        .collect();
    format!(
        "`{}` × `{}`, {} {now}: {}",
        w.drug,
        w.reaction,
        w.method,
        reaches.join("; ")
    )
}

/// The follow-up questions, most telling first: the question, the case
/// fields its answer fills, and the results it could move.
pub(crate) fn questions(a: &CaseAssessment) -> Vec<String> {
    let Some(f) = &a.follow_up else {
        return Vec::new();
    };
    f.questions
        .iter()
        .map(|q| {
            let mut s = q.ask.clone();
            if !q.about.is_empty() {
                s.push_str(&format!(" ({})", q.about.join(" ")));
            }
            let fills: Vec<String> = q.fills.iter().map(|x| format!("`{x}`")).collect();
            if !fills.is_empty() {
                s.push_str(&format!(" Fills {}.", fills.join(", ")));
            }
            let moves: Vec<String> = q
                .could_move
                .iter()
                .map(|m| format!("{} {} → {}", m.method, m.from, m.to.join(" or ")))
                .collect();
            s.push_str(&format!(
                " Could move (`{}` × `{}`): {}.",
                q.drug,
                q.reaction,
                moves.join("; ")
            ));
            s
        })
        .collect()
}

/// The section's lines, in the order of the assessments.
pub(crate) fn lines(a: &CaseAssessment) -> Vec<String> {
    a.follow_up
        .iter()
        .flat_map(|f| &f.results)
        .map(|w| line(a, w))
        .collect()
}
