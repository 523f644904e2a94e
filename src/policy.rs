//! Policy switches: readings that no published method settles, made explicit.
//!
//! How a recurrence or a tolerance during desensitization counts, whether other
//! suspect drugs are alternative causes, and whether improvement under a
//! specific treatment counts as improvement. The rule set sets them
//! (`rules/policy.yaml`), a run may override them (`--policy NAME=VALUE`), and
//! every report states the policy in force and marks any answer it changed
//! from the documented defaults.

use crate::diagnostic::{Diagnostic, Diagnostics, Pos, SourceFile, from_yaml_error, suggest};
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

/// One switch: its name, what it decides, its values (the first is the default).
pub struct Switch {
    pub name: &'static str,
    pub question: &'static str,
    pub values: &'static [&'static str],
}

pub const TOLERANCE: &str = "tolerance-under-desensitization";
pub const RECURRENCE: &str = "recurrence-under-desensitization";
pub const CO_SUSPECTS: &str = "co-suspects";
pub const TREATED_IMPROVEMENT: &str = "improvement-under-treatment";

/// Every switch, in the order reports list them.
pub const SWITCHES: &[Switch] = &[
    Switch {
        name: TOLERANCE,
        question: "how a re-exposure tolerated under desensitization or premedication counts",
        values: &["not-interpretable", "negative"],
    },
    Switch {
        name: RECURRENCE,
        question: "how a recurrence despite desensitization or premedication counts",
        values: &["positive", "attenuated"],
    },
    Switch {
        name: CO_SUSPECTS,
        question: "whether the case's other suspect drugs count as alternative causes",
        values: &["alternative-cause", "not-alternative-cause"],
    },
    Switch {
        name: TREATED_IMPROVEMENT,
        question: "whether improvement after withdrawal under a specific treatment (corticosteroids) counts as improvement",
        values: &["counts", "does-not-count"],
    },
];

/// The value of every switch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// (switch, value) in [`SWITCHES`] order.
    values: Vec<(&'static str, &'static str)>,
}

impl Default for Policy {
    /// The documented defaults: the first value of each switch.
    fn default() -> Self {
        Policy {
            values: SWITCHES.iter().map(|s| (s.name, s.values[0])).collect(),
        }
    }
}

/// What is wrong with a `NAME=VALUE` setting; the help says what is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub message: String,
    pub help: String,
}

impl Policy {
    pub fn get(&self, switch: &str) -> &'static str {
        self.values
            .iter()
            .find(|(n, _)| *n == switch)
            .map(|(_, v)| *v)
            .unwrap_or("")
    }

    pub fn is(&self, switch: &str, value: &str) -> bool {
        self.get(switch) == value
    }

    /// Every switch with its value and whether that is the default.
    pub fn entries(&self) -> Vec<(&'static str, &'static str, bool)> {
        self.values
            .iter()
            .map(|(n, v)| (*n, *v, Self::default_of(n) == *v))
            .collect()
    }

    /// A switch's documented default: the first of its values.
    fn default_of(switch: &str) -> &'static str {
        SWITCHES
            .iter()
            .find(|s| s.name == switch)
            .map_or("", |s| s.values[0])
    }

    /// The switches whose value differs from the default (nothing allocated
    /// when there are none, as in most runs).
    pub fn changed(&self) -> Vec<&'static str> {
        self.values
            .iter()
            .filter(|(n, v)| Self::default_of(n) != *v)
            .map(|(n, _)| *n)
            .collect()
    }

    /// Sets one switch by name; unknown names and values are errors with a hint.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), PolicyError> {
        let names: Vec<&str> = SWITCHES.iter().map(|s| s.name).collect();
        let Some(switch) = SWITCHES.iter().find(|s| s.name == name) else {
            let help = match suggest(name, names.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("policy switches: {}", names.join(", ")),
            };
            return Err(PolicyError {
                message: format!("no policy switch `{name}`"),
                help,
            });
        };
        let Some(v) = switch.values.iter().find(|v| **v == value) else {
            let help = match suggest(value, switch.values.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("`{name}` takes {}", switch.values.join(" or ")),
            };
            return Err(PolicyError {
                message: format!("`{value}` is not a value of `{name}`"),
                help,
            });
        };
        for entry in &mut self.values {
            if entry.0 == switch.name {
                entry.1 = v;
            }
        }
        Ok(())
    }

    /// Applies a `NAME=VALUE` setting from the command line.
    pub fn apply(&mut self, setting: &str) -> Result<(), PolicyError> {
        match setting.split_once('=') {
            Some((n, v)) => self.set(n.trim(), v.trim()),
            None => Err(PolicyError {
                message: format!("`{setting}` is not a policy setting"),
                help:
                    "write it as NAME=VALUE, for example tolerance-under-desensitization=negative"
                        .into(),
            }),
        }
    }
}

/// `policy.yaml` as written; a switch left out keeps its default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PolicyDoc {
    tolerance_under_desensitization: Option<Spanned<String>>,
    recurrence_under_desensitization: Option<Spanned<String>>,
    co_suspects: Option<Spanned<String>>,
    improvement_under_treatment: Option<Spanned<String>>,
}

/// Reads `policy.yaml`, reporting every bad value with a hint.
pub fn load(f: &SourceFile) -> Result<Policy, Diagnostics> {
    let doc: Option<PolicyDoc> =
        serde_saphyr::from_str(&f.text).map_err(|e| Diagnostics::from(from_yaml_error(f, &e)))?;
    let doc = doc.unwrap_or_default();
    let mut policy = Policy::default();
    let mut diags = Diagnostics::default();
    for (name, value) in [
        (TOLERANCE, &doc.tolerance_under_desensitization),
        (RECURRENCE, &doc.recurrence_under_desensitization),
        (CO_SUSPECTS, &doc.co_suspects),
        (TREATED_IMPROVEMENT, &doc.improvement_under_treatment),
    ] {
        if let Some(v) = value
            && let Err(e) = policy.set(name, v.value.trim())
        {
            diags.push(
                Diagnostic::new(
                    "rules::bad-policy",
                    f,
                    Pos::from_location(&v.referenced),
                    e.message,
                )
                .with_help(e.help),
            );
        }
    }
    if diags.is_empty() {
        Ok(policy)
    } else {
        Err(diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_first_values_and_settings_change_them() {
        let mut p = Policy::default();
        assert!(p.is(TOLERANCE, "not-interpretable"));
        assert!(p.changed().is_empty());
        p.apply("tolerance-under-desensitization=negative").unwrap();
        assert!(p.is(TOLERANCE, "negative"));
        assert_eq!(p.changed(), vec![TOLERANCE]);
    }

    #[test]
    fn unknown_names_and_values_get_hints() {
        let mut p = Policy::default();
        let e = p.apply("co-suspect=alternative-cause").unwrap_err();
        assert_eq!(e.help, "did you mean `co-suspects`?");
        let e = p.apply("co-suspects=maybe").unwrap_err();
        assert!(
            e.help
                .contains("alternative-cause or not-alternative-cause"),
            "{}",
            e.help
        );
        assert!(p.apply("co-suspects").is_err());
    }
}
