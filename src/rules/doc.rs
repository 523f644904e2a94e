//! Rule files exactly as written: one method per file, and the common scale.

use crate::case::Role;
use serde::Deserialize;
use serde_saphyr::Spanned;

pub type Text = Spanned<String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodFileDoc {
    pub method: MethodMetaDoc,
    /// The node evaluation starts from.
    pub start: Text,
    pub categories: Vec<Spanned<CategoryDoc>>,
    /// Score bands, for methods that add points; edges reach them with `result: score-band`.
    pub bands: Option<Spanned<Vec<Spanned<BandDoc>>>>,
    pub nodes: Vec<Spanned<NodeDoc>>,
    /// A whole-case step taken after every drug of the case has been through the
    /// graph: it compares each drug's total with the other drugs' (ALDEN item 6).
    pub compare_drugs: Option<Spanned<CompareDoc>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareDoc {
    pub id: Text,
    pub question: String,
    pub rationale: String,
    pub reference: String,
    /// When the top-ranked drug for the same reaction totals more than this...
    pub top_total_above: i64,
    /// ...each drug ranked below it changes by these points before the bands apply.
    pub points: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodMetaDoc {
    pub id: Text,
    pub name: String,
    pub version: Text,
    pub citation: String,
    pub description: Option<String>,
    pub applies_to: Option<AppliesToDoc>,
    /// What changed in each version, newest first; the first entry is `version`.
    #[serde(default)]
    pub changelog: Vec<Spanned<ChangeDoc>>,
    /// The reading a node takes when the facts allow several outcomes that
    /// lead to different answers: `lower` (default) or `higher`. A node's own
    /// `when_uncertain` overrides it.
    pub when_uncertain: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeDoc {
    pub version: Text,
    pub changes: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppliesToDoc {
    /// Drug roles the method assesses (default: suspect and interacting).
    pub roles: Option<Vec<Role>>,
    /// Knowledge-base phenotypes the method is meant for (default: every reaction).
    pub phenotypes: Option<Vec<Text>>,
    /// Only drugs taken within this many days before the reaction's onset.
    pub taken_within_days: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryDoc {
    pub id: Text,
    pub label: String,
    /// The category's place on the common scale (`rules/scale.yaml`).
    pub level: Text,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandDoc {
    pub category: Text,
    /// Lowest total in the band (none: no lower bound).
    pub min: Option<i64>,
    /// Highest total in the band (none: no upper bound).
    pub max: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeDoc {
    pub id: Text,
    pub question: String,
    pub rationale: String,
    pub reference: String,
    /// A finding name, or `assessor` for questions only a person can answer.
    pub ask: Text,
    /// For ladders (WHO-UMC): the category whose criteria this node tests.
    pub criterion_of: Option<Text>,
    /// The reading taken when the facts allow outcomes that lead to different
    /// answers: `lower`, `higher`, or one of the node's answers.
    pub when_uncertain: Option<Text>,
    /// For a question only an assessor answers, what its `unknown` edge is
    /// when no assessor has answered: `unknown` (no information, the default)
    /// or `provisional` (a reading the result rests on until an assessor answers).
    pub unanswered: Option<Text>,
    pub edges: Vec<Spanned<EdgeDoc>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EdgeDoc {
    /// The method's answer (`yes`, `no`, `dont-know`, `holds`…).
    pub answer: Text,
    /// The finding outcomes that give this answer (default: the answer itself).
    pub when: Option<Vec<Text>>,
    #[serde(default)]
    pub points: i64,
    /// The next node.
    pub next: Option<Text>,
    /// Or the end: a category id, or `score-band` to conclude from the total.
    pub result: Option<Text>,
}

/// `rules/scale.yaml`: the common ordinal scale methods' categories are placed on.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleDoc {
    pub levels: Vec<Spanned<LevelDoc>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelDoc {
    pub id: Text,
    pub label: String,
    /// Position on the ordinal scale, higher = stronger causality; none for levels off the scale (conditional, unassessable).
    pub rank: Option<i64>,
}
