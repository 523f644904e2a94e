//! Structure-aware mutation of valid cases: the fuzzer's bytes are read as a
//! list of edits to one of the seed cases (a date moved, a reference pointed
//! elsewhere, an enum value swapped, a number changed, a field deleted or
//! duplicated, a time rewritten), so that most inputs stay cases the reader
//! accepts and reach the evaluator, where odd but valid cases matter.

use crate::diagnostic::SourceFile;
use serde_json::Value;

/// The fuzzer's bytes, read one choice at a time (zero once they run out).
struct Choices<'a>(&'a [u8]);

impl Choices<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let v = usize::from(self.byte()) << 8 | usize::from(self.byte());
        v % n
    }

    fn signed(&mut self) -> i64 {
        i64::from(self.byte() as i8)
    }

    fn is_done(&self) -> bool {
        self.0.is_empty()
    }
}

/// Every place in a value, as a JSON pointer, with the key it sits under.
fn places(v: &Value, here: String, key: &str, out: &mut Vec<(String, String)>) {
    out.push((here.clone(), key.to_owned()));
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                places(
                    c,
                    format!("{here}/{}", k.replace('~', "~0").replace('/', "~1")),
                    k,
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                places(c, format!("{here}/{i}"), key, out);
            }
        }
        _ => {}
    }
}

/// Every text of the seed under each key (enum values, ids, names, times).
fn texts_by_key(v: &Value, key: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, c)| texts_by_key(c, k, out)),
        Value::Array(a) => a.iter().for_each(|c| texts_by_key(c, key, out)),
        Value::String(s) => out.push((key.to_owned(), s.clone())),
        _ => {}
    }
}

/// A time written in the case language, built from the case's own ids.
fn time_phrase(c: &mut Choices, ids: &[String]) -> String {
    let id = ids
        .get(c.below(ids.len()))
        .cloned()
        .unwrap_or_else(|| "x".into());
    let n = c.signed();
    let unit = ["days", "weeks", "months", "years", "day"][c.below(5)];
    match c.below(12) {
        0 => format!("day {n} of {id}"),
        1 => format!("{} {unit} after {id}", n.unsigned_abs()),
        2 => format!("{} {unit} before {id}", n.unsigned_abs()),
        3 => format!("same day as {id}"),
        4 => format!("{id}.end"),
        5 => format!("within {} {unit} of {id}", n.unsigned_abs()),
        6 => format!("more than {} {unit} after {id}", n.unsigned_abs()),
        7 => format!("at most {} {unit} after {id}", n.unsigned_abs()),
        8 => format!("day {} of cycle {} of {id}", n.unsigned_abs(), c.byte() % 8),
        9 => format!("20{:02}", c.byte() % 40),
        10 => format!("20{:02}-{:02}", c.byte() % 40, c.byte() % 14),
        _ => format!(
            "20{:02}-{:02}-{:02}",
            c.byte() % 40,
            c.byte() % 14,
            c.byte() % 33
        ),
    }
}

/// A date moved by some days, or a day number changed; other text as it was.
fn shifted(text: &str, by: i64) -> String {
    if let Ok(d) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return (d + chrono::Duration::days(by))
            .format("%Y-%m-%d")
            .to_string();
    }
    let mut words: Vec<String> = text.split(' ').map(str::to_owned).collect();
    for w in &mut words {
        if let Ok(n) = w.parse::<i64>() {
            *w = (n + by).to_string();
            break;
        }
    }
    words.join(" ")
}

/// One edit of the case at a place the choices pick.
fn edit(case: &mut Value, c: &mut Choices, pool: &[(String, String)], ids: &[String]) {
    let mut all = Vec::new();
    places(case, String::new(), "", &mut all);
    let (pointer, key) = all[c.below(all.len())].clone();
    let op = c.byte() % 10;
    // Removing or duplicating needs the parent.
    let (parent, last) = match pointer.rsplit_once('/') {
        Some((p, l)) => (p.to_owned(), l.replace("~1", "/").replace("~0", "~")),
        None => (String::new(), String::new()),
    };
    if op == 3 || op == 4 {
        if let Some(p) = case.pointer_mut(&parent) {
            match p {
                Value::Object(m) if op == 3 => {
                    m.remove(&last);
                }
                Value::Array(a) => {
                    if let Ok(i) = last.parse::<usize>() {
                        if op == 3 && i < a.len() {
                            a.remove(i);
                        } else if i < a.len() {
                            let copy = a[i].clone();
                            a.insert(i, copy);
                        }
                    }
                }
                _ => {}
            }
        }
        return;
    }
    let Some(target) = case.pointer_mut(&pointer) else {
        return;
    };
    let same_key: Vec<&String> = pool
        .iter()
        .filter(|(k, _)| *k == key)
        .map(|(_, t)| t)
        .collect();
    *target = match (op, &*target) {
        // Another value seen under the same key: an enum swapped, a reference moved.
        (0, _) if !same_key.is_empty() => Value::String(same_key[c.below(same_key.len())].clone()),
        (1, Value::String(s)) => Value::String(shifted(s, c.signed())),
        (2, Value::Number(n)) => {
            let x = n.as_f64().unwrap_or(0.0);
            let to = match c.byte() % 4 {
                0 => 0.0,
                1 => -x,
                2 => x * 1000.0,
                _ => x + c.signed() as f64,
            };
            serde_json::Number::from_f64(to).map_or(Value::Null, Value::Number)
        }
        (5, _) => Value::Null,
        (6, _) => Value::String(time_phrase(c, ids)),
        (7, _) => Value::String(ids.get(c.below(ids.len())).cloned().unwrap_or_default()),
        (8, Value::String(s)) => Value::Number(s.len().into()),
        (9, _) => Value::String(
            pool.get(c.below(pool.len()))
                .map(|(_, t)| t.clone())
                .unwrap_or_default(),
        ),
        (_, v) => v.clone(),
    };
}

/// A seed case edited as the bytes say, read back as a case file (YAML or
/// JSON) and, when it is accepted, evaluated and rendered; whether it was.
pub fn mutated_case(seeds: &[Value], data: &[u8]) -> bool {
    if seeds.is_empty() {
        return false;
    }
    let mut c = Choices(data);
    let mut case = seeds[c.below(seeds.len())].clone();
    let as_json = c.byte() % 4 == 0;
    let mut pool = Vec::new();
    texts_by_key(&case, "", &mut pool);
    let ids: Vec<String> = pool
        .iter()
        .filter(|(k, _)| k == "id")
        .map(|(_, t)| t.clone())
        .collect();
    let mut edits = 0;
    while !c.is_done() && edits < 16 {
        edit(&mut case, &mut c, &pool, &ids);
        edits += 1;
    }
    let text = if as_json {
        serde_json::to_string_pretty(&case).unwrap_or_default()
    } else {
        serde_saphyr::to_string(&case).unwrap_or_default()
    };
    super::read_mutated(&SourceFile {
        name: "mutated".into(),
        text,
    })
}

/// The seed cases: each fixture case file's text read as a value (those
/// that are not one YAML mapping are left out).
pub fn seeds<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<Value> {
    texts
        .into_iter()
        .filter_map(|t| serde_saphyr::from_str::<Value>(t).ok())
        .filter(Value::is_object)
        .collect()
}
