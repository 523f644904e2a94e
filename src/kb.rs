//! The knowledge base: what is known about drugs, phenotypes and alternative
//! causes, read from YAML under `rules/kb/`.
//!
//! Findings consult it for latency windows, listedness, similar drugs and the
//! plausibility of alternative causes. It holds data only: no clinical logic,
//! and nothing about any particular drug is written in Rust.

pub mod doc;

use crate::case::Plausibility;
use crate::diagnostic::{Diagnostic, Diagnostics, Pos, SourceFile, from_yaml_error};
use doc::KbFileDoc;
pub use doc::{Listedness, Risk};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct KnowledgeBase {
    pub drugs: Vec<KbDrug>,
    pub phenotypes: Vec<Phenotype>,
    pub knowledge: Vec<Knowledge>,
    pub diseases: Vec<Disease>,
    pub notoriety: Vec<Notoriety>,
    pub treatments: Vec<Treatment>,
    pub not_reactions: Vec<NotReaction>,
    /// How many elimination half-lives clear a drug (default 5), and where that is set.
    pub elimination_half_lives: (f64, String),
    /// Drugs and phenotypes by normalized name, built by [`load`].
    index: Index,
}

/// Normalized names to the first entry bearing them, so that looking up a
/// case's drug or reaction term does not compare it with every name of the
/// knowledge base. Lookups scan the lists instead when they no longer have
/// the lengths the index was built for.
#[derive(Debug, Clone, Default)]
struct Index {
    drugs: BTreeMap<String, usize>,
    phenotypes: BTreeMap<String, usize>,
    /// The numbers of drugs and phenotypes indexed.
    built_for: (usize, usize),
}

impl Index {
    fn build(kb: &KnowledgeBase) -> Index {
        let mut index = Index {
            built_for: (kb.drugs.len(), kb.phenotypes.len()),
            ..Index::default()
        };
        for (i, d) in kb.drugs.iter().enumerate() {
            for name in std::iter::once(&d.id).chain(&d.names).chain(&d.brand_names) {
                index.drugs.entry(normalize(name)).or_insert(i);
            }
        }
        for (i, p) in kb.phenotypes.iter().enumerate() {
            for name in std::iter::once(&p.id).chain(&p.names) {
                index.phenotypes.entry(normalize(name)).or_insert(i);
            }
        }
        index
    }
}

/// A reported term that is not an adverse reaction: reported, never scored.
#[derive(Debug, Clone)]
pub struct NotReaction {
    pub id: String,
    pub kind: String,
    pub names: Vec<String>,
    pub meddra_codes: Vec<String>,
    pub origin: String,
}

#[derive(Debug, Clone)]
pub struct Treatment {
    pub id: String,
    pub names: Vec<String>,
    pub specific: bool,
    pub origin: String,
}

#[derive(Debug, Clone)]
pub struct KbDrug {
    pub id: String,
    pub names: Vec<String>,
    pub brand_names: Vec<String>,
    pub class: Option<String>,
    pub similar: Vec<String>,
    pub half_life_hours: Option<f64>,
    pub usual_regimens: Vec<String>,
    pub source: String,
    /// Where the entry is written, `rules/kb/file.yaml:LINE`, for evidence.
    pub origin: String,
}

#[derive(Debug, Clone)]
pub struct Phenotype {
    pub id: String,
    pub names: Vec<String>,
    pub meddra_codes: Vec<String>,
    pub latency: Option<Latency>,
    pub mechanism: Option<String>,
    pub scar: bool,
    pub contraindicates_reexposure: bool,
    pub source: String,
    pub origin: String,
}

/// Time-to-onset windows in days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Latency {
    pub typical: (i64, i64),
    pub plausible: (i64, i64),
    /// The windows for a patient already sensitized, when known.
    pub reexposure: Option<Windows>,
    /// What the windows count from for a cyclic regimen.
    pub from: doc::LatencyFrom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    pub typical: (i64, i64),
    pub plausible: (i64, i64),
}

#[derive(Debug, Clone)]
pub struct Knowledge {
    pub drug: String,
    pub phenotype: String,
    pub listedness: Listedness,
    pub frequency: Option<String>,
    /// Windows published for this drug and reaction, replacing the phenotype's.
    pub latency: Option<Latency>,
    pub source: String,
    pub origin: String,
}

#[derive(Debug, Clone)]
pub struct Disease {
    pub id: String,
    pub names: Vec<String>,
    pub causes: Vec<DiseaseCause>,
}

#[derive(Debug, Clone)]
pub struct DiseaseCause {
    pub phenotype: String,
    pub plausibility: Plausibility,
    pub subtypes: Vec<(String, Plausibility)>,
    pub source: String,
    pub origin: String,
}

#[derive(Debug, Clone)]
pub struct Notoriety {
    pub drug: String,
    pub phenotype: String,
    pub plausibility: Plausibility,
    pub risk: Option<doc::Risk>,
    pub source: String,
    pub origin: String,
}

/// Lowercases and collapses whitespace, for matching names as people write them.
pub fn normalize(name: &str) -> String {
    if !name.is_ascii() {
        return normalize_any(name);
    }
    // ASCII (all but a few names): one pass, one allocation, the same text.
    let mut out = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    }
    out
}

/// [`normalize`] for any text: words joined by one space, lowercased.
fn normalize_any(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether `normalize(name) == normalized`, without building the normalized
/// text: lookups compare a case's term with every name of the knowledge base.
/// ASCII names (all but a few) are compared word by word; any other name is
/// normalized, so the answer is always exactly `normalize`'s.
pub fn normalizes_to(name: &str, normalized: &str) -> bool {
    if !name.is_ascii() {
        return normalize(name) == normalized;
    }
    let mut want = normalized.bytes();
    for (i, word) in name.split_whitespace().enumerate() {
        if i > 0 && want.next() != Some(b' ') {
            return false;
        }
        if !word
            .bytes()
            .all(|b| want.next() == Some(b.to_ascii_lowercase()))
        {
            return false;
        }
    }
    want.next().is_none()
}

impl Default for KnowledgeBase {
    fn default() -> Self {
        KnowledgeBase {
            drugs: Vec::new(),
            phenotypes: Vec::new(),
            knowledge: Vec::new(),
            diseases: Vec::new(),
            notoriety: Vec::new(),
            treatments: Vec::new(),
            not_reactions: Vec::new(),
            elimination_half_lives: (5.0, "default".to_owned()),
            index: Index::default(),
        }
    }
}

impl KnowledgeBase {
    /// The drug whose id, name, synonym or brand name matches `name` (the first such).
    pub fn drug(&self, name: &str) -> Option<&KbDrug> {
        if self.index.built_for != (self.drugs.len(), self.phenotypes.len()) {
            return self.drug_by_scan(name);
        }
        self.index
            .drugs
            .get(&normalize(name))
            .and_then(|&i| self.drugs.get(i))
    }

    /// [`KnowledgeBase::drug`] by comparing every name.
    fn drug_by_scan(&self, name: &str) -> Option<&KbDrug> {
        let n = normalize(name);
        self.drugs.iter().find(|d| {
            normalizes_to(&d.id, &n)
                || d.names
                    .iter()
                    .chain(&d.brand_names)
                    .any(|x| normalizes_to(x, &n))
        })
    }

    pub fn phenotype_by_id(&self, id: &str) -> Option<&Phenotype> {
        self.phenotypes.iter().find(|p| p.id == id)
    }

    /// The phenotype whose id, name or synonym (or a supplied MedDRA code) matches a reported term.
    pub fn phenotype_for_term(&self, term: &str, meddra_code: Option<&str>) -> Option<&Phenotype> {
        let by_name = if self.index.built_for == (self.drugs.len(), self.phenotypes.len()) {
            self.index
                .phenotypes
                .get(&normalize(term))
                .and_then(|&i| self.phenotypes.get(i))
        } else {
            self.phenotype_by_scan(term)
        };
        by_name.or_else(|| {
            let code = meddra_code?.trim();
            self.phenotypes
                .iter()
                .find(|p| p.meddra_codes.iter().any(|c| c == code))
        })
    }

    /// The phenotype whose id, name or synonym matches a term, by comparing every name.
    fn phenotype_by_scan(&self, term: &str) -> Option<&Phenotype> {
        let n = normalize(term);
        self.phenotypes
            .iter()
            .find(|p| normalizes_to(&p.id, &n) || p.names.iter().any(|x| normalizes_to(x, &n)))
    }

    #[cfg(test)]
    fn phenotype_for_term_by_scan(
        &self,
        term: &str,
        meddra_code: Option<&str>,
    ) -> Option<&Phenotype> {
        self.phenotype_by_scan(term).or_else(|| {
            let code = meddra_code?.trim();
            self.phenotypes
                .iter()
                .find(|p| p.meddra_codes.iter().any(|c| c == code))
        })
    }

    /// The entry saying a reported term is not an adverse reaction, if any.
    pub fn not_reaction_for_term(
        &self,
        term: &str,
        meddra_code: Option<&str>,
    ) -> Option<&NotReaction> {
        let n = normalize(term);
        self.not_reactions
            .iter()
            .find(|x| x.names.iter().any(|m| normalizes_to(m, &n)))
            .or_else(|| {
                let code = meddra_code?.trim();
                self.not_reactions
                    .iter()
                    .find(|x| x.meddra_codes.iter().any(|c| c == code))
            })
    }

    pub fn knowledge(&self, drug_id: &str, phenotype_id: &str) -> Option<&Knowledge> {
        self.knowledge
            .iter()
            .find(|k| k.drug == drug_id && k.phenotype == phenotype_id)
    }

    /// Whether two knowledge-base drugs are declared similar (either way round).
    pub fn are_similar(&self, a: &str, b: &str) -> bool {
        let declares = |x: &str, y: &str| {
            self.drugs
                .iter()
                .any(|d| d.id == x && d.similar.iter().any(|s| s == y))
        };
        declares(a, b) || declares(b, a)
    }

    pub fn disease(&self, name: &str) -> Option<&Disease> {
        let n = normalize(name);
        self.diseases
            .iter()
            .find(|d| normalizes_to(&d.id, &n) || d.names.iter().any(|x| normalizes_to(x, &n)))
    }

    /// The knowledge-base treatment a treatment as written names, if any: one
    /// of its names appears in it as a word or words.
    pub fn treatment(&self, written: &str) -> Option<&Treatment> {
        let words = |s: &str| {
            let spaced: String = s
                .to_lowercase()
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { ' ' })
                .collect();
            format!(
                " {} ",
                spaced.split_whitespace().collect::<Vec<_>>().join(" ")
            )
        };
        let text = words(written);
        self.treatments
            .iter()
            .find(|t| t.names.iter().any(|n| text.contains(&words(n))))
    }

    pub fn notoriety(&self, drug_id: &str, phenotype_id: &str) -> Option<&Notoriety> {
        self.notoriety
            .iter()
            .find(|x| x.drug == drug_id && x.phenotype == phenotype_id)
    }
}

impl DiseaseCause {
    /// The plausibility for a condition with this subtype (first matching subtype rule wins).
    pub fn plausibility_for(&self, subtype: Option<&str>) -> (Plausibility, Option<&str>) {
        if let Some(sub) = subtype {
            let s = sub.to_lowercase();
            for (contains, p) in &self.subtypes {
                if s.contains(&contains.to_lowercase()) {
                    return (*p, Some(contains));
                }
            }
        }
        (self.plausibility, None)
    }
}

/// Checks a pair of windows: each `[low, high]` in order, `plausible` containing `typical`.
/// A latency block's windows, checked.
fn check_latency(diags: &mut Diagnostics, f: &SourceFile, l: &doc::LatencyDoc) -> Option<Latency> {
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

fn pos_of<T>(s: &Spanned<T>) -> Pos {
    Pos::from_location(&s.referenced)
}

/// Reads and checks every knowledge-base file, reporting all problems together.
pub fn load(files: &[SourceFile]) -> Result<KnowledgeBase, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut docs = Vec::new();
    for f in files {
        match serde_saphyr::from_str::<Option<KbFileDoc>>(&f.text) {
            Ok(doc) => docs.push((f, doc.unwrap_or_default())),
            Err(e) => diags.push(from_yaml_error(f, &e)),
        }
    }
    let mut kb = KnowledgeBase::default();
    let origin = |f: &SourceFile, p: Pos| format!("{}:{}", f.name, p.line);

    // Ids first, so references may point anywhere in the knowledge base.
    let mut drug_ids: BTreeMap<String, String> = BTreeMap::new();
    let mut drug_names: BTreeMap<String, String> = BTreeMap::new();
    let mut phenotype_ids: BTreeMap<String, String> = BTreeMap::new();
    let mut phenotype_names: BTreeMap<String, String> = BTreeMap::new();
    for (f, doc) in &docs {
        for d in &doc.drugs {
            let id = d.value.id.value.trim().to_owned();
            if let Some(first) = drug_ids.insert(id.clone(), origin(f, pos_of(&d.value.id))) {
                diags.push(
                    Diagnostic::new(
                        "kb::duplicate-id",
                        f,
                        pos_of(&d.value.id),
                        format!("drug `{id}` is defined twice"),
                    )
                    .with_help(format!("first defined at {first}")),
                );
            }
            for n in d.value.names.iter().chain(&d.value.brand_names) {
                if let Some(other) = drug_names.insert(normalize(n), id.clone())
                    && other != id
                {
                    diags.push(
                        Diagnostic::new(
                            "kb::ambiguous-name",
                            f,
                            pos_of(d),
                            format!("name `{n}` is given to drugs `{other}` and `{id}`"),
                        )
                        .with_help("a name must identify one drug; remove it from one of them"),
                    );
                }
            }
        }
        for p in &doc.phenotypes {
            let id = p.value.id.value.trim().to_owned();
            if let Some(first) = phenotype_ids.insert(id.clone(), origin(f, pos_of(&p.value.id))) {
                diags.push(
                    Diagnostic::new(
                        "kb::duplicate-id",
                        f,
                        pos_of(&p.value.id),
                        format!("phenotype `{id}` is defined twice"),
                    )
                    .with_help(format!("first defined at {first}")),
                );
            }
            for n in &p.value.names {
                if let Some(other) = phenotype_names.insert(normalize(n), id.clone())
                    && other != id
                {
                    diags.push(
                        Diagnostic::new(
                            "kb::ambiguous-name",
                            f,
                            pos_of(p),
                            format!("name `{n}` is given to phenotypes `{other}` and `{id}`"),
                        )
                        .with_help(
                            "a name must identify one phenotype; remove it from one of them",
                        ),
                    );
                }
            }
        }
    }
    let known_drug = |diags: &mut Diagnostics, f: &SourceFile, t: &Spanned<String>| -> String {
        let v = t.value.trim().to_owned();
        if !drug_ids.contains_key(&v) {
            diags.push(
                Diagnostic::new(
                    "kb::unknown-drug",
                    f,
                    pos_of(t),
                    format!("no drug `{v}` in the knowledge base"),
                )
                .with_suggestion(&v, drug_ids.keys().map(String::as_str)),
            );
        }
        v
    };
    let known_phenotype =
        |diags: &mut Diagnostics, f: &SourceFile, t: &Spanned<String>| -> String {
            let v = t.value.trim().to_owned();
            if !phenotype_ids.contains_key(&v) {
                diags.push(
                    Diagnostic::new(
                        "kb::unknown-phenotype",
                        f,
                        pos_of(t),
                        format!("no phenotype `{v}` in the knowledge base"),
                    )
                    .with_suggestion(&v, phenotype_ids.keys().map(String::as_str)),
                );
            }
            v
        };

    for (f, doc) in docs {
        for d in doc.drugs {
            let at = pos_of(&d);
            let d = d.value;
            if d.names.is_empty() {
                diags.push(
                    Diagnostic::new(
                        "kb::missing-field",
                        f,
                        at,
                        format!("drug `{}` has no names", d.id.value),
                    )
                    .with_help("list at least its generic name under `names`"),
                );
            }
            let similar = d
                .similar
                .iter()
                .map(|s| known_drug(&mut diags, f, s))
                .collect();
            kb.drugs.push(KbDrug {
                id: d.id.value.trim().to_owned(),
                names: d.names,
                brand_names: d.brand_names,
                class: d.class,
                similar,
                half_life_hours: d.half_life_hours,
                usual_regimens: d.usual_regimens,
                source: d.source,
                origin: origin(f, at),
            });
        }
        for p in doc.phenotypes {
            let at = pos_of(&p);
            let p = p.value;
            let latency = p.latency.and_then(|l| check_latency(&mut diags, f, &l));
            kb.phenotypes.push(Phenotype {
                id: p.id.value.trim().to_owned(),
                names: p.names,
                meddra_codes: p.meddra_codes,
                latency,
                mechanism: p.mechanism,
                scar: p.scar,
                contraindicates_reexposure: p.contraindicates_reexposure.unwrap_or(p.scar),
                source: p.source,
                origin: origin(f, at),
            });
        }
        for k in doc.knowledge {
            let at = pos_of(&k);
            let k = k.value;
            let drug = known_drug(&mut diags, f, &k.drug);
            let phenotype = known_phenotype(&mut diags, f, &k.phenotype);
            if kb
                .knowledge
                .iter()
                .any(|x| x.drug == drug && x.phenotype == phenotype)
            {
                diags.push(
                    Diagnostic::new(
                        "kb::duplicate-entry",
                        f,
                        at,
                        format!("knowledge for `{drug}` and `{phenotype}` is given twice"),
                    )
                    .with_help("keep one entry per drug and phenotype"),
                );
            }
            let latency = k.latency.and_then(|l| check_latency(&mut diags, f, &l));
            kb.knowledge.push(Knowledge {
                drug,
                phenotype,
                listedness: k.listedness,
                frequency: k.frequency,
                latency,
                source: k.source,
                origin: origin(f, at),
            });
        }
        for d in doc.diseases {
            let d = d.value;
            let id = d.id.value.trim();
            for n in &d.names {
                if let Some(other) = kb
                    .diseases
                    .iter()
                    .find(|x| x.names.iter().any(|m| normalize(m) == normalize(n)))
                {
                    diags.push(
                        Diagnostic::new(
                            "kb::ambiguous-name",
                            f,
                            pos_of(&d.id),
                            format!("name `{n}` is given to diseases `{}` and `{id}`", other.id),
                        )
                        .with_help(
                            "a name must identify one disease; list all its causes under one entry",
                        ),
                    );
                }
            }
            if kb.diseases.iter().any(|x| x.id == id) {
                diags.push(
                    Diagnostic::new(
                        "kb::duplicate-id",
                        f,
                        pos_of(&d.id),
                        format!("disease `{id}` is defined twice"),
                    )
                    .with_help("keep one entry per disease and list all its causes there"),
                );
            }
            let causes = d
                .causes
                .into_iter()
                .map(|c| {
                    let at = pos_of(&c);
                    let c = c.value;
                    DiseaseCause {
                        phenotype: known_phenotype(&mut diags, f, &c.phenotype),
                        plausibility: c.plausibility,
                        subtypes: c
                            .subtypes
                            .into_iter()
                            .map(|s| (s.contains, s.plausibility))
                            .collect(),
                        source: c.source,
                        origin: origin(f, at),
                    }
                })
                .collect();
            kb.diseases.push(Disease {
                id: d.id.value.trim().to_owned(),
                names: d.names,
                causes,
            });
        }
        if let Some(s) = &doc.settings
            && let Some(n) = &s.elimination_half_lives
        {
            if !(n.value > 0.0 && n.value <= 20.0) {
                diags.push(
                    Diagnostic::new(
                        "kb::bad-setting",
                        f,
                        pos_of(n),
                        format!("`elimination_half_lives` is `{}`", n.value),
                    )
                    .with_help("give a number of half-lives between 0 and 20; 5 is the usual"),
                );
            } else {
                kb.elimination_half_lives = (n.value, origin(f, pos_of(n)));
            }
        }
        for t in doc.treatments {
            let at = pos_of(&t);
            let t = t.value;
            kb.treatments.push(Treatment {
                id: t.id.value.trim().to_owned(),
                names: t.names,
                specific: t.specific,
                origin: origin(f, at),
            });
        }
        for n in doc.not_reactions {
            let at = pos_of(&n);
            let n = n.value;
            let id = n.id.value.trim().to_owned();
            for name in &n.names {
                let clash = kb
                    .not_reactions
                    .iter()
                    .find(|x| x.names.iter().any(|m| normalize(m) == normalize(name)))
                    .map(|x| format!("`{}`", x.id))
                    .or_else(|| {
                        phenotype_names
                            .get(&normalize(name))
                            .map(|p| format!("phenotype `{p}`"))
                    });
                if let Some(other) = clash {
                    diags.push(
                        Diagnostic::new(
                            "kb::ambiguous-name",
                            f,
                            pos_of(&n.id),
                            format!("name `{name}` of `{id}` is also given to {other}"),
                        )
                        .with_help("a term is either a reaction's phenotype or not a reaction, and belongs to one entry"),
                    );
                }
            }
            if n.names.is_empty() {
                diags.push(
                    Diagnostic::new(
                        "kb::no-names",
                        f,
                        pos_of(&n.id),
                        format!("`{id}` has no names"),
                    )
                    .with_help(
                        "list the reported terms (MedDRA preferred terms) that are not reactions",
                    ),
                );
            }
            kb.not_reactions.push(NotReaction {
                id,
                kind: n.kind,
                names: n.names,
                meddra_codes: n.meddra_codes,
                origin: origin(f, at),
            });
        }
        for n in doc.notoriety {
            let at = pos_of(&n);
            let n = n.value;
            let drug = known_drug(&mut diags, f, &n.drug);
            let phenotype = known_phenotype(&mut diags, f, &n.phenotype);
            if kb
                .notoriety
                .iter()
                .any(|x| x.drug == drug && x.phenotype == phenotype)
            {
                diags.push(
                    Diagnostic::new(
                        "kb::duplicate-entry",
                        f,
                        at,
                        format!("notoriety of `{drug}` for `{phenotype}` is given twice"),
                    )
                    .with_help("keep one entry per drug and phenotype"),
                );
            }
            kb.notoriety.push(Notoriety {
                drug,
                phenotype,
                plausibility: n.plausibility,
                risk: n.risk,
                source: n.source,
                origin: origin(f, at),
            });
        }
    }
    if diags.is_empty() {
        kb.index = Index::build(&kb);
        Ok(kb)
    } else {
        Err(diags.sorted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The one-pass normalization of ASCII text gives what the general one gives.
        #[test]
        fn normalize_of_ascii_is_that_of_any_text(
            a in "[ \t\n\x0b\x0c\rAbZz09-]{0,12}",
        ) {
            prop_assert_eq!(normalize(&a), normalize_any(&a));
        }

        /// The allocation-free comparison answers exactly as comparing normalized texts.
        #[test]
        fn normalizes_to_agrees_with_normalize(
            a in "[ \t\n\x0b\x0cAbZz\u{3a3}\u{130}\u{a0}-]{0,8}",
            b in "[ \t\n\x0b\x0cAbZz\u{3a3}\u{130}\u{a0}-]{0,8}",
        ) {
            let nb = normalize(&b);
            prop_assert_eq!(normalizes_to(&a, &nb), normalize(&a) == nb);
            prop_assert!(normalizes_to(&a, &normalize(&a)));
        }
    }

    /// The indexed lookups find what comparing with every name finds, in the shipped knowledge base.
    #[test]
    fn indexed_lookups_agree_with_scanning() {
        let rules = crate::rules::load(&crate::rules::shipped_files()).expect("shipped rules");
        let kb = &rules.kb;
        assert_eq!(kb.index.built_for, (kb.drugs.len(), kb.phenotypes.len()));
        let mut names: Vec<String> = vec!["".into(), "  ".into(), "no such thing".into()];
        for d in &kb.drugs {
            names.extend(
                std::iter::once(&d.id)
                    .chain(&d.names)
                    .chain(&d.brand_names)
                    .cloned(),
            );
        }
        for p in &kb.phenotypes {
            names.extend(std::iter::once(&p.id).chain(&p.names).cloned());
        }
        let variants: Vec<String> = names
            .iter()
            .flat_map(|n| {
                [
                    n.clone(),
                    n.to_uppercase(),
                    format!("  {}\t", n.replace(' ', "   ")),
                    format!("{n}x"),
                ]
            })
            .collect();
        let code = kb
            .phenotypes
            .iter()
            .find_map(|p| p.meddra_codes.first().cloned());
        for v in &variants {
            let id = |d: Option<&KbDrug>| d.map(|d| d.id.clone());
            assert_eq!(id(kb.drug(v)), id(kb.drug_by_scan(v)), "{v:?}");
            for c in [None, code.as_deref()] {
                let id = |p: Option<&Phenotype>| p.map(|p| p.id.clone());
                assert_eq!(
                    id(kb.phenotype_for_term(v, c)),
                    id(kb.phenotype_for_term_by_scan(v, c)),
                    "{v:?}"
                );
            }
        }
    }

    #[test]
    fn normalizes_to_examples() {
        assert!(normalizes_to(
            "  Stevens-Johnson   Syndrome ",
            "stevens-johnson syndrome"
        ));
        assert!(!normalizes_to(
            "Stevens-Johnson",
            "stevens-johnson syndrome"
        ));
        assert!(!normalizes_to(
            "Stevens-Johnson syndrome x",
            "stevens-johnson syndrome"
        ));
        assert!(normalizes_to(
            "\u{3a3}A\u{3a3}",
            &normalize("\u{3a3}A\u{3a3}")
        ));
    }

    fn file(name: &str, text: &str) -> SourceFile {
        SourceFile {
            name: name.to_owned(),
            text: text.to_owned(),
        }
    }

    #[test]
    fn a_term_is_a_phenotype_or_not_a_reaction_never_both() {
        let phenotypes = file(
            "kb/phenotypes.yaml",
            "phenotypes:\n  - id: urticaria\n    names: [urticaria, hives]\n    latency: {typical: [0, 7], plausible: [0, 30]}\n    source: test\n",
        );
        // Read before the phenotypes (file order), and still caught.
        let not_reactions = file(
            "kb/a-not-reactions.yaml",
            "not_reactions:\n  - id: overdose\n    kind: a product-use issue\n    names: [Overdose, Hives]\n    source: test\n  - id: errors\n    kind: a medication error\n    names: [overdose]\n    source: test\n  - id: empty\n    kind: nothing\n    names: []\n    source: test\n",
        );
        let problems = load(&[not_reactions, phenotypes]).unwrap_err().render();
        assert!(
            problems.contains("name `Hives` of `overdose` is also given to phenotype `urticaria`"),
            "{problems}"
        );
        assert!(
            problems.contains("name `overdose` of `errors` is also given to `overdose`"),
            "{problems}"
        );
        assert!(problems.contains("`empty` has no names"), "{problems}");
        assert!(problems.contains("kb/a-not-reactions.yaml:"), "{problems}");
    }

    #[test]
    fn shipped_product_use_terms_are_matched_whole_and_case_insensitively() {
        let set = crate::rules::load(&crate::rules::shipped_files()).unwrap();
        let kb = &set.kb;
        assert_eq!(
            kb.not_reaction_for_term("OVERDOSE", None)
                .map(|x| x.id.as_str()),
            Some("overdose")
        );
        assert_eq!(
            kb.not_reaction_for_term("off label use", None)
                .map(|x| x.id.as_str()),
            Some("product-use-issue")
        );
        assert!(kb.not_reaction_for_term("Overdose rash", None).is_none());
        assert!(
            kb.not_reaction_for_term("maculopapular rash", None)
                .is_none()
        );
    }
}
