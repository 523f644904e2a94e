//! The knowledge base: what is known about drugs, phenotypes and alternative
//! causes, read from YAML under `rules/kb/`.
//!
//! Findings consult it for latency windows, listedness, similar drugs and the
//! plausibility of alternative causes. It holds data only: no clinical logic,
//! and nothing about any particular drug is written in Rust.

mod classes;
pub mod doc;
pub mod gaps;
pub mod listedness;
mod load;
mod names;
mod windows;

pub use classes::{Class, Subject};
pub use load::load;
pub use names::{normalize, normalizes_to};

use crate::case::Plausibility;
pub use doc::{Listedness, Risk};
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
    pub classes: Vec<Class>,
    /// The user's listedness table (`--listedness`), if one was given.
    pub listedness: Option<listedness::ListednessTable>,
    /// How time to onset is read for a reaction with no latency window, if at all.
    pub generic_time: Option<GenericTime>,
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
    /// Drug id, then phenotype id, to the knowledge entry that applies (the
    /// drug's own or its classes'), resolved once at load.
    knowledge: BTreeMap<String, BTreeMap<String, usize>>,
    /// The same for notoriety.
    notoriety: BTreeMap<String, BTreeMap<String, usize>>,
    /// The numbers of knowledge entries, notoriety entries and classes resolved.
    entries_for: (usize, usize, usize),
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
        index.entries_for = (kb.knowledge.len(), kb.notoriety.len(), kb.classes.len());
        // Every drug an entry is about, itself or through a class, with the
        // phenotype: the lookups by scanning resolve which entry applies.
        fn about<'a>(kb: &'a KnowledgeBase, subject: &'a Subject) -> Vec<&'a str> {
            match subject {
                Subject::Drug(d) => vec![d.as_str()],
                Subject::Class(c) => kb
                    .class(c)
                    .map(|c| c.members.iter().map(String::as_str).collect())
                    .unwrap_or_default(),
            }
        }
        for k in &kb.knowledge {
            for drug in about(kb, &k.subject) {
                if let Some(found) = kb.knowledge_by_scan(drug, &k.phenotype) {
                    let i = kb.knowledge.iter().position(|x| std::ptr::eq(x, found));
                    if let Some(i) = i {
                        index
                            .knowledge
                            .entry(drug.to_owned())
                            .or_default()
                            .insert(k.phenotype.clone(), i);
                    }
                }
            }
        }
        for n in &kb.notoriety {
            for drug in about(kb, &n.subject) {
                if let Some(found) = kb.notoriety_by_scan(drug, &n.phenotype) {
                    let i = kb.notoriety.iter().position(|x| std::ptr::eq(x, found));
                    if let Some(i) = i {
                        index
                            .notoriety
                            .entry(drug.to_owned())
                            .or_default()
                            .insert(n.phenotype.clone(), i);
                    }
                }
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

/// The generic reading of time to onset ([`doc::GenericTimeDoc`]).
#[derive(Debug, Clone)]
pub struct GenericTime {
    pub answer: doc::GenericAnswer,
    pub source: String,
    pub origin: String,
}

#[derive(Debug, Clone)]
pub struct Knowledge {
    /// The drug, or the class, the entry is about.
    pub subject: Subject,
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
    /// The drug, or the class, the entry is about.
    pub subject: Subject,
    pub phenotype: String,
    pub plausibility: Plausibility,
    pub risk: Option<doc::Risk>,
    pub source: String,
    pub origin: String,
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
            classes: Vec::new(),
            listedness: None,
            generic_time: None,
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

    /// The phenotype a reported term names: the one listing its MedDRA code
    /// (a PT or LLT code) first, as the code says what the reporter's words
    /// were coded to; else the one whose id, name or synonym (in any language
    /// listed) matches the term.
    pub fn phenotype_for_term(&self, term: &str, meddra_code: Option<&str>) -> Option<&Phenotype> {
        self.phenotype_by_code(meddra_code).or_else(|| {
            if self.index.built_for == (self.drugs.len(), self.phenotypes.len()) {
                self.index
                    .phenotypes
                    .get(&normalize(term))
                    .and_then(|&i| self.phenotypes.get(i))
            } else {
                self.phenotype_by_scan(term)
            }
        })
    }

    /// The phenotype listing a MedDRA code, if any.
    fn phenotype_by_code(&self, meddra_code: Option<&str>) -> Option<&Phenotype> {
        let code = meddra_code?.trim();
        self.phenotypes
            .iter()
            .find(|p| p.meddra_codes.iter().any(|c| c == code))
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
        self.phenotype_by_code(meddra_code)
            .or_else(|| self.phenotype_by_scan(term))
    }

    /// The entry saying a reported term is not an adverse reaction, if any:
    /// by its MedDRA code first, then by name.
    pub fn not_reaction_for_term(
        &self,
        term: &str,
        meddra_code: Option<&str>,
    ) -> Option<&NotReaction> {
        let by_code = meddra_code.map(str::trim).and_then(|code| {
            self.not_reactions
                .iter()
                .find(|x| x.meddra_codes.iter().any(|c| c == code))
        });
        by_code.or_else(|| {
            let n = normalize(term);
            self.not_reactions
                .iter()
                .find(|x| x.names.iter().any(|m| normalizes_to(m, &n)))
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::SourceFile;

    /// The indexed lookups find what comparing with every name finds, in the shipped knowledge base.
    #[test]
    fn indexed_lookups_agree_with_scanning() {
        let rules = crate::rules::load(&crate::rules::shipped_files()).expect("shipped rules");
        let kb = &rules.kb;
        assert_eq!(kb.index.built_for, (kb.drugs.len(), kb.phenotypes.len()));
        assert!(kb.entries_indexed());
        // Knowledge and notoriety, the drug's own or its classes', for every drug and phenotype.
        for d in &kb.drugs {
            for p in &kb.phenotypes {
                let k = |x: Option<&Knowledge>| x.map(|x| x.origin.clone());
                assert_eq!(
                    k(kb.knowledge(&d.id, &p.id)),
                    k(kb.knowledge_by_scan(&d.id, &p.id)),
                    "{} {}",
                    d.id,
                    p.id
                );
                let n = |x: Option<&Notoriety>| x.map(|x| x.origin.clone());
                assert_eq!(
                    n(kb.notoriety(&d.id, &p.id)),
                    n(kb.notoriety_by_scan(&d.id, &p.id)),
                    "{} {}",
                    d.id,
                    p.id
                );
            }
        }
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
    fn a_meddra_code_is_matched_before_the_name() {
        let p = |id: &str, names: &[&str], codes: &[&str]| Phenotype {
            id: id.to_owned(),
            names: names.iter().map(|n| (*n).to_owned()).collect(),
            meddra_codes: codes.iter().map(|c| (*c).to_owned()).collect(),
            latency: None,
            mechanism: None,
            scar: false,
            contraindicates_reexposure: false,
            source: String::new(),
            origin: String::new(),
        };
        let kb = KnowledgeBase {
            phenotypes: vec![
                p("rash", &["rash"], &[]),
                p("urticaria", &["hives"], &["100"]),
            ],
            ..KnowledgeBase::default()
        };
        let id = |term: &str, code: Option<&str>| {
            kb.phenotype_for_term(term, code).map(|p| p.id.clone())
        };
        // The code says what the reporter's words were coded to.
        assert_eq!(id("rash", Some("100")), Some("urticaria".into()));
        assert_eq!(id("rash", Some(" 100 ")), Some("urticaria".into()));
        // A code nobody lists leaves the name to decide.
        assert_eq!(id("rash", Some("999")), Some("rash".into()));
        assert_eq!(id("something else", Some("999")), None);
        assert_eq!(
            kb.phenotype_for_term_by_scan("rash", Some("100"))
                .map(|p| p.id.as_str()),
            Some("urticaria")
        );
    }

    #[test]
    fn reported_terms_in_the_reporters_language_and_codes_find_the_shipped_phenotypes() {
        let set = crate::rules::load(&crate::rules::shipped_files()).unwrap();
        let kb = &set.kb;
        let id = |term: &str, code: Option<&str>| {
            kb.phenotype_for_term(term, code).map(|p| p.id.as_str())
        };
        // FAERS2022Scenario1.xml, E.i.1.2: `<value xsi:type="ED">THROMBOSE VEINEUSE PROFONDE</value>`
        // with E.i.2.1b code 10027940, which no phenotype lists.
        assert_eq!(
            id("THROMBOSE VEINEUSE PROFONDE", Some("10027940")),
            Some("deep-vein-thrombosis")
        );
        // Without accents, as reports often write them.
        assert_eq!(id("NECROLYSE EPIDERMIQUE TOXIQUE", None), Some("sjs-ten"));
        assert_eq!(id("síndrome de Stevens-Johnson", None), Some("sjs-ten"));
        // CTCAE v4.03 codes: 10044223 Toxic epidermal necrolysis, 10046735 Urticaria.
        assert_eq!(id("not given", Some("10044223")), Some("sjs-ten"));
        assert_eq!(id("MedDRA 10046735", Some("10046735")), Some("urticaria"));
        // Every shipped code names one phenotype.
        let mut codes: Vec<&str> = kb
            .phenotypes
            .iter()
            .flat_map(|p| p.meddra_codes.iter().map(String::as_str))
            .chain(
                kb.not_reactions
                    .iter()
                    .flat_map(|x| x.meddra_codes.iter().map(String::as_str)),
            )
            .collect();
        let all = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all, "a MedDRA code listed twice");
    }

    #[test]
    fn procedures_product_issues_social_circumstances_and_no_event_are_not_reactions() {
        let set = crate::rules::load(&crate::rules::shipped_files()).unwrap();
        let kb = &set.kb;
        let kind = |term: &str| kb.not_reaction_for_term(term, None).map(|x| x.id.as_str());
        // Terms of the openFDA records the project was tried on.
        assert_eq!(kind("Product adhesion issue"), Some("product-issue"));
        assert_eq!(kind("Product storage error"), Some("medication-error"));
        assert_eq!(kind("NO ADVERSE EVENT"), Some("no-adverse-event"));
        assert_eq!(kind("Renal transplant"), Some("procedure"));
        assert_eq!(kind("Sinus operation"), Some("procedure"));
        assert_eq!(kind("Smoker"), Some("social-circumstance"));
        assert_eq!(kind("Rash"), None);
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
