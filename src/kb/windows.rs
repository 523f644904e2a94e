//! Latency windows as the knowledge base writes them, checked: each
//! `[low, high]` in order, `plausible` containing `typical`.

use super::{Latency, Windows, doc};
use crate::diagnostic::{Diagnostic, Diagnostics, Pos, SourceFile};
use serde_saphyr::Spanned;

/// A latency block's windows, checked.
pub(super) fn check_latency(
    diags: &mut Diagnostics,
    f: &SourceFile,
    l: &doc::LatencyDoc,
) -> Option<Latency> {
    let first = check_windows(diags, f, &l.typical, &l.plausible)?;
    let reexposure = match &l.reexposure {
        Some(r) => Some(check_windows(diags, f, &r.typical, &r.plausible)?),
        None => None,
    };
    Some(Latency {
        typical: first.typical,
        plausible: first.plausible,
        reexposure,
        from: l.from,
    })
}

fn check_windows(
    diags: &mut Diagnostics,
    f: &SourceFile,
    typical: &Spanned<[i64; 2]>,
    plausible: &Spanned<[i64; 2]>,
) -> Option<Windows> {
    let t = (typical.value[0], typical.value[1]);
    let w = (plausible.value[0], plausible.value[1]);
    if t.0 > t.1 || w.0 > w.1 {
        diags.push(
            Diagnostic::new(
                "kb::bad-window",
                f,
                pos_of(typical),
                "a window must be written `[low, high]` with low <= high",
            )
            .with_help("for example `typical: [7, 21]`"),
        );
        return None;
    }
    if w.0 > t.0 || w.1 < t.1 {
        diags.push(
            Diagnostic::new(
                "kb::bad-window",
                f,
                pos_of(plausible),
                format!(
                    "plausible window `[{}, {}]` does not contain the typical window `[{}, {}]`",
                    w.0, w.1, t.0, t.1
                ),
            )
            .with_help("widen `plausible` so that it contains `typical`"),
        );
        return None;
    }
    Some(Windows {
        typical: t,
        plausible: w,
    })
}

pub(super) fn pos_of<T>(s: &Spanned<T>) -> Pos {
    Pos::from_location(&s.referenced)
}
