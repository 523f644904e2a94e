//! Where in a YAML document a position falls, as a field path a person
//! recognises (`reactions[0].onset`), so that a parse error names the field
//! rather than only a line and column.
//!
//! The document is read again as YAML events (the serde-saphyr parser's own
//! event reader), keeping the keys and item numbers of the containers open at
//! each node; the last node that starts at or before the position is the one
//! the error is about. A scan error ends the reading where it stands.

use super::Pos;
use serde_saphyr::granit_parser::{Event, Parser};

/// The field at a position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// `reactions[0].onset`; empty for the document itself.
    pub path: String,
    /// The document of a stream the position is in, from 1.
    pub document: usize,
    /// When the node is a key that its mapping already has: the line of the first one.
    pub earlier_key_line: Option<u64>,
}

enum Frame {
    /// A mapping: the keys seen with their lines, and the key whose value comes next.
    Map {
        keys: Vec<(String, u64)>,
        key: Option<String>,
    },
    /// A sequence and the number of its current item.
    Seq { index: Option<usize> },
}

/// Events read at most: beyond this a document is too large to be worth
/// re-reading for a path (the budgets refuse it anyway).
const MAX_EVENTS: usize = 2_000_000;

fn path_of(stack: &[Frame]) -> String {
    let mut out = String::new();
    for f in stack {
        match f {
            Frame::Map { key: Some(k), .. } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Frame::Seq { index: Some(i) } => {
                out.push_str(&format!("[{i}]"));
            }
            _ => {}
        }
    }
    out
}

/// The field at `pos` (1-based line and column) of `text`, if the text reads
/// as YAML up to there.
pub fn path_at(text: &str, pos: Pos) -> Option<Located> {
    if pos.line == 0 {
        return None;
    }
    let target = (pos.line, pos.column.max(1));
    let mut stack: Vec<Frame> = Vec::new();
    let mut document = 0;
    let mut found: Option<Located> = None;
    for (n, next) in Parser::new_from_str(text).enumerate() {
        if n > MAX_EVENTS {
            break;
        }
        let Ok((event, span)) = next else { break };
        let at = (span.start.line() as u64, span.start.col() as u64 + 1);
        let is_node = matches!(
            event,
            Event::Scalar(..)
                | Event::MappingStart(..)
                | Event::SequenceStart(..)
                | Event::Alias(..)
        );
        if is_node && at > target {
            break;
        }
        match event {
            Event::DocumentStart(..) => {
                document += 1;
                stack.clear();
            }
            Event::Scalar(..)
            | Event::MappingStart(..)
            | Event::SequenceStart(..)
            | Event::Alias(..) => {
                // Where this node sits in its parent: a key, a key's value, an item.
                let mut earlier_key_line = None;
                let mut is_key = false;
                match stack.last_mut() {
                    Some(Frame::Map { keys, key }) if key.is_none() => {
                        is_key = true;
                        let name = match &event {
                            Event::Scalar(v, ..) => v.to_string(),
                            _ => "?".to_owned(),
                        };
                        earlier_key_line = keys.iter().find(|(k, _)| *k == name).map(|(_, l)| *l);
                        keys.push((name.clone(), at.0));
                        *key = Some(name);
                    }
                    Some(Frame::Seq { index }) => {
                        *index = Some(index.map_or(0, |i| i + 1));
                    }
                    _ => {}
                }
                found = Some(Located {
                    path: path_of(&stack),
                    document: document.max(1),
                    earlier_key_line,
                });
                // A value ends its key's turn; a container opens a frame.
                match event {
                    Event::MappingStart(..) => stack.push(Frame::Map {
                        keys: Vec::new(),
                        key: None,
                    }),
                    Event::SequenceStart(..) => stack.push(Frame::Seq { index: None }),
                    _ if !is_key => close_value(&mut stack),
                    _ => {}
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                close_value(&mut stack);
            }
            _ => {}
        }
    }
    found
}

/// A value has been read: its mapping waits for the next key.
fn close_value(stack: &mut [Frame]) {
    if let Some(Frame::Map { key, .. }) = stack.last_mut() {
        *key = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, line: u64, column: u64) -> Option<Located> {
        path_at(text, Pos { line, column })
    }

    #[test]
    fn block_and_flow_fields_are_named_by_their_path() {
        let text = "id: t\ndrugs:\n  - id: a\n    exposures:\n      - { id: c, start: 2024-13-01 }\nreactions:\n  - id: r\n    term: rash\n    onset: day 3 of c\n    onset: day 4 of c\n";
        assert_eq!(at(text, 1, 5).unwrap().path, "id");
        assert_eq!(at(text, 5, 28).unwrap().path, "drugs[0].exposures[0].start");
        let dup = at(text, 10, 5).unwrap();
        assert_eq!(dup.path, "reactions[0].onset");
        assert_eq!(dup.earlier_key_line, Some(9));
        assert_eq!(at(text, 8, 11).unwrap().path, "reactions[0].term");
    }

    #[test]
    fn documents_of_a_stream_are_counted() {
        let text = "id: a\n---\nid: b\npatient: { age: forty }\n";
        let l = at(text, 4, 17).unwrap();
        assert_eq!((l.path.as_str(), l.document), ("patient.age", 2));
    }

    #[test]
    fn text_that_does_not_read_gives_what_was_read_before() {
        let text = "id: t\ndrugs:\n\t- id: a\n";
        // The tab stops the reader; the last field read before it is named.
        assert!(at(text, 3, 2).is_some_and(|l| l.path.starts_with("drugs") || l.path == "id"));
        assert_eq!(at("", 1, 1), None);
    }
}
