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
    Expr(TimeExpr),
    /// A drug's start is its earliest exposure start.
    EarliestOf(Vec<EventRef>),
    /// A drug's end is its latest exposure stop (unknown if any exposure is ongoing).
    LatestOf(Vec<EventRef>),
    Undated,
}

pub(super) struct Resolver {
    pub(super) slots: BTreeMap<EventRef, Slot>,
    pub(super) done: BTreeMap<EventRef, Option<DayRange>>,
}

impl Resolver {
    pub(super) fn resolve_ref(
        &mut self,
        r: &EventRef,
        stack: &mut Vec<EventRef>,
    ) -> Result<Option<DayRange>, String> {
        if let Some(done) = self.done.get(r) {
            return Ok(*done);
        }
        if let Some(i) = stack.iter().position(|s| s == r) {
            let cycle: Vec<String> = stack[i..]
                .iter()
                .chain(std::iter::once(r))
                .map(|s| format!("`{s}`"))
                .collect();
            return Err(format!(
                "times refer to each other in a circle: {}",
                cycle.join(" -> ")
            ));
        }
        let Some(slot) = self.slots.get(r).cloned() else {
            return Err(format!("no dated event `{r}` in this case"));
        };
        stack.push(r.clone());
        let result = match slot {
            Slot::Undated => Ok(None),
            Slot::Expr(e) => self.resolve_expr(&e, stack),
            Slot::EarliestOf(refs) | Slot::LatestOf(refs) if refs.is_empty() => Ok(None),
            Slot::EarliestOf(refs) => {
                let mut best: Option<DayRange> = None;
                let mut result = Ok(None);
                for x in &refs {
                    match self.resolve_ref(x, stack) {
                        Ok(Some(d)) => {
                            best = Some(match best {
                                None => d,
                                Some(b) => DayRange {
                                    earliest: b.earliest.min(d.earliest),
                                    latest: b.latest.min(d.latest),
                                },
                            })
                        }
                        Ok(None) => {}
                        Err(e) => {
                            result = Err(e);
                            break;
                        }
                    }
                }
                result.map(|_: Option<DayRange>| best)
            }
            Slot::LatestOf(refs) => {
                let mut best: Option<DayRange> = None;
                let mut result = Ok(());
                for x in &refs {
                    match self.resolve_ref(x, stack) {
                        Ok(Some(d)) => {
                            best = Some(match best {
                                None => d,
                                Some(b) => DayRange {
                                    earliest: b.earliest.max(d.earliest),
                                    latest: b.latest.max(d.latest),
                                },
                            })
                        }
                        Ok(None) => {
                            best = None;
                            break;
                        }
                        Err(e) => {
                            result = Err(e);
                            break;
                        }
                    }
                }
                result.map(|_| best)
            }
        };
        stack.pop();
        if let Ok(v) = &result {
            self.done.insert(r.clone(), *v);
        }
        result
    }

    pub(super) fn resolve_expr(
        &mut self,
        e: &TimeExpr,
        stack: &mut Vec<EventRef>,
    ) -> Result<Option<DayRange>, String> {
        match e {
            TimeExpr::Absolute(r) => Ok(Some(*r)),
            TimeExpr::Relative { anchor, span } => match self.resolve_ref(anchor, stack)? {
                Some(base) => base
                    .shift(*span)
                    .map(Some)
                    .ok_or_else(|| format!("{span} from `{anchor}` falls outside the calendar")),
                None => Err(format!("`{anchor}` has no date to count from")),
            },
        }
    }
}
