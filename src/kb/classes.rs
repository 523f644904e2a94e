//! Drug classes: named groups of drugs whose knowledge applies to every
//! member. An entry about the drug itself always wins over one about a class
//! it belongs to; among its classes, the entry saying most applies.

use super::{Knowledge, KnowledgeBase, Listedness, Notoriety, Risk};
use crate::case::Plausibility;

/// A named group of drugs: a pharmacological class (with its ATC codes), or a
/// class a risk publication names ("oxicam NSAIDs").
#[derive(Debug, Clone)]
pub struct Class {
    pub id: String,
    pub names: Vec<String>,
    pub atc: Vec<String>,
    /// Knowledge-base drug ids.
    pub members: Vec<String>,
    /// Members count as similar drugs of one another.
    pub similar: bool,
    pub source: String,
    pub origin: String,
}

impl Class {
    /// The name reports use: the first name, else the id.
    pub fn name(&self) -> &str {
        self.names.first().map_or(&self.id, String::as_str)
    }
}

/// What a knowledge or notoriety entry is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Drug(String),
    Class(String),
}

impl Subject {
    /// The drug's or the class's id.
    pub fn id(&self) -> &str {
        match self {
            Subject::Drug(id) | Subject::Class(id) => id,
        }
    }

    /// Whether the entry is about this drug itself.
    pub fn is_drug(&self, drug_id: &str) -> bool {
        matches!(self, Subject::Drug(d) if d == drug_id)
    }
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Drug(id) => f.write_str(id),
            Subject::Class(id) => write!(f, "the class {id}"),
        }
    }
}

/// How much a risk class says, most first, for choosing among classes.
fn risk_rank(risk: Option<Risk>, plausibility: Plausibility) -> (u8, u8) {
    let r = match risk {
        Some(Risk::High) => 0,
        Some(Risk::Associated) => 1,
        Some(Risk::Suspected) => 2,
        Some(Risk::NotSuspected) => 3,
        None => 4,
    };
    let p = match plausibility {
        Plausibility::MorePlausible => 0,
        Plausibility::EquallyPlausible => 1,
        Plausibility::LessPlausible => 2,
        Plausibility::Excluded => 3,
    };
    (r, p)
}

impl KnowledgeBase {
    pub fn class(&self, id: &str) -> Option<&Class> {
        self.classes.iter().find(|c| c.id == id)
    }

    /// The classes a drug belongs to, in the order they are written.
    pub fn classes_of<'a>(&'a self, drug_id: &'a str) -> impl Iterator<Item = &'a Class> + 'a {
        self.classes
            .iter()
            .filter(move |c| c.members.iter().any(|m| m == drug_id))
    }

    fn in_class(&self, drug_id: &str, subject: &Subject) -> bool {
        match subject {
            Subject::Class(c) => self
                .class(c)
                .is_some_and(|c| c.members.iter().any(|m| m == drug_id)),
            Subject::Drug(_) => false,
        }
    }

    /// What is known of a drug and a phenotype: the drug's own entry, else
    /// the most telling entry of a class it belongs to (labelled before
    /// reported; the first written among equals).
    pub fn knowledge(&self, drug_id: &str, phenotype_id: &str) -> Option<&Knowledge> {
        if !self.entries_indexed() {
            return self.knowledge_by_scan(drug_id, phenotype_id);
        }
        let i = *self.index.knowledge.get(drug_id)?.get(phenotype_id)?;
        self.knowledge.get(i)
    }

    /// Whether the index of knowledge and notoriety entries is the one for
    /// these lists (else lookups scan them).
    pub(super) fn entries_indexed(&self) -> bool {
        self.index.entries_for
            == (
                self.knowledge.len(),
                self.notoriety.len(),
                self.classes.len(),
            )
    }

    /// [`KnowledgeBase::knowledge`] by scanning every entry.
    pub(super) fn knowledge_by_scan(
        &self,
        drug_id: &str,
        phenotype_id: &str,
    ) -> Option<&Knowledge> {
        let of_phenotype = || {
            self.knowledge
                .iter()
                .filter(move |k| k.phenotype == phenotype_id)
        };
        of_phenotype()
            .find(|k| k.subject.is_drug(drug_id))
            .or_else(|| {
                of_phenotype()
                    .filter(|k| self.in_class(drug_id, &k.subject))
                    .min_by_key(|k| match k.listedness {
                        Listedness::Labelled => 0,
                        Listedness::Reported => 1,
                        Listedness::Against => 2,
                        Listedness::Unknown => 3,
                    })
            })
    }

    /// A drug's notoriety for a phenotype: its own entry, else the highest
    /// risk stated for a class it belongs to (the first written among equals).
    pub fn notoriety(&self, drug_id: &str, phenotype_id: &str) -> Option<&Notoriety> {
        if !self.entries_indexed() {
            return self.notoriety_by_scan(drug_id, phenotype_id);
        }
        let i = *self.index.notoriety.get(drug_id)?.get(phenotype_id)?;
        self.notoriety.get(i)
    }

    /// [`KnowledgeBase::notoriety`] by scanning every entry.
    pub(super) fn notoriety_by_scan(
        &self,
        drug_id: &str,
        phenotype_id: &str,
    ) -> Option<&Notoriety> {
        let of_phenotype = || {
            self.notoriety
                .iter()
                .filter(move |n| n.phenotype == phenotype_id)
        };
        of_phenotype()
            .find(|n| n.subject.is_drug(drug_id))
            .or_else(|| {
                of_phenotype()
                    .filter(|n| self.in_class(drug_id, &n.subject))
                    .min_by_key(|n| risk_rank(n.risk, n.plausibility))
            })
    }

    /// Why two knowledge-base drugs count as similar, if they do: one
    /// declares the other similar, or both belong to a class whose members are.
    pub fn similarity(&self, a: &str, b: &str) -> Option<String> {
        let declares = |x: &str, y: &str| {
            self.drugs
                .iter()
                .find(|d| d.id == x && d.similar.iter().any(|s| s == y))
        };
        if let Some(d) = declares(a, b).or_else(|| declares(b, a)) {
            return Some(format!("declared similar ({})", d.origin));
        }
        self.classes
            .iter()
            .find(|c| {
                c.similar && c.members.iter().any(|m| m == a) && c.members.iter().any(|m| m == b)
            })
            .map(|c| format!("both {} ({})", c.name(), c.origin))
    }

    /// Whether two knowledge-base drugs count as similar ([`KnowledgeBase::similarity`]).
    pub fn are_similar(&self, a: &str, b: &str) -> bool {
        self.similarity(a, b).is_some()
    }

    /// The drug's id, or "the class <name>".
    pub fn subject_name(&self, subject: &Subject) -> String {
        match subject {
            Subject::Drug(id) => id.clone(),
            Subject::Class(c) => format!(
                "the class {}",
                self.class(c).map_or(c.as_str(), Class::name)
            ),
        }
    }

    /// ", through the class X" for an entry about a class; empty for one about the drug.
    pub fn through(&self, subject: &Subject) -> String {
        match subject {
            Subject::Drug(_) => String::new(),
            Subject::Class(c) => format!(
                ", through its class {}",
                self.class(c).map_or(c.as_str(), Class::name)
            ),
        }
    }
}
