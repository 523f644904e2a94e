//! Resolves times written relative to other events of the same case.
//!
//! Each dated event is a slot (`id` for its start, `id.end` for its end); a
//! relative time is resolved by resolving the slot it counts from, with
//! detection of unknown names and of times defined in a circle.

use crate::time::{DayRange, EventRef, TimeExpr};
use std::collections::BTreeMap;

/// A dated slot other times may refer to: `id` (start) or `id.end`.
#[derive(Debug, Clone)]
pub(super) enum Slot {
    /// The time written for it: an index into [`Resolver::exprs`].
    Expr(usize),
    /// A drug's start is its earliest exposure start.
    EarliestOf(Vec<EventRef>),
    /// A drug's end is its latest exposure stop (unknown if any exposure is ongoing).
    LatestOf(Vec<EventRef>),
    Undated,
}

pub(super) struct Resolver {
    pub(super) slots: BTreeMap<EventRef, Slot>,
    /// Every time expression of the case, each parsed once.
    pub(super) exprs: Vec<TimeExpr>,
    pub(super) done: BTreeMap<EventRef, Option<DayRange>>,
}

impl Resolver {
    /// Resolves the expression `exprs[e]`.
    pub(super) fn resolve(&mut self, e: usize) -> Result<Option<DayRange>, String> {
        let known = Known {
            slots: &self.slots,
            exprs: &self.exprs,
        };
        known.resolve_expr(&self.exprs[e], &mut self.done, &mut Vec::new())
    }
}

/// What resolution reads: the slots and the expressions, never changed while
/// resolving, so the chain of references in progress can borrow from them.
struct Known<'r> {
    slots: &'r BTreeMap<EventRef, Slot>,
    exprs: &'r [TimeExpr],
}

impl<'r> Known<'r> {
    fn resolve_ref(
        &self,
        r: &'r EventRef,
        done: &mut BTreeMap<EventRef, Option<DayRange>>,
        stack: &mut Vec<&'r EventRef>,
    ) -> Result<Option<DayRange>, String> {
        if let Some(done) = done.get(r) {
            return Ok(*done);
        }
        if let Some(i) = stack.iter().position(|s| *s == r) {
            let cycle: Vec<String> = stack[i..]
                .iter()
                .copied()
                .chain(std::iter::once(r))
                .map(|s| format!("`{s}`"))
                .collect();
            return Err(format!(
                "times refer to each other in a circle: {}",
                cycle.join(" -> ")
            ));
        }
        let Some(slot) = self.slots.get(r) else {
            return Err(format!("no dated event `{r}` in this case"));
        };
        stack.push(r);
        let result = match slot {
            Slot::Undated => Ok(None),
            Slot::Expr(e) => self.resolve_expr(&self.exprs[*e], done, stack),
            Slot::EarliestOf(refs) => self.resolve_all(refs, done, stack).map(|days| {
                // The earliest start of the dated ones.
                days.into_iter().flatten().reduce(|a, b| DayRange {
                    earliest: a.earliest.min(b.earliest),
                    latest: a.latest.min(b.latest),
                })
            }),
            Slot::LatestOf(refs) => self.resolve_all(refs, done, stack).map(|days| {
                // The latest end, unknown while any of them is open.
                days.into_iter()
                    .collect::<Option<Vec<DayRange>>>()
                    .and_then(|days| {
                        days.into_iter().reduce(|a, b| DayRange {
                            earliest: a.earliest.max(b.earliest),
                            latest: a.latest.max(b.latest),
                        })
                    })
            }),
        };
        stack.pop();
        if let Ok(v) = &result {
            done.insert(r.clone(), *v);
        }
        result
    }

    fn resolve_all(
        &self,
        refs: &'r [EventRef],
        done: &mut BTreeMap<EventRef, Option<DayRange>>,
        stack: &mut Vec<&'r EventRef>,
    ) -> Result<Vec<Option<DayRange>>, String> {
        refs.iter()
            .map(|x| self.resolve_ref(x, done, stack))
            .collect()
    }

    fn resolve_expr(
        &self,
        e: &'r TimeExpr,
        done: &mut BTreeMap<EventRef, Option<DayRange>>,
        stack: &mut Vec<&'r EventRef>,
    ) -> Result<Option<DayRange>, String> {
        match e {
            TimeExpr::Absolute(r) => Ok(Some(*r)),
            TimeExpr::Relative { anchor, span } => match self.resolve_ref(anchor, done, stack)? {
                Some(base) => base
                    .shift(*span)
                    .map(Some)
                    .ok_or_else(|| format!("{span} from `{anchor}` falls outside the calendar")),
                None => Err(format!("`{anchor}` has no date to count from")),
            },
        }
    }
}
