//! Reading the knowledge base: every file under `rules/kb/` read into one
//! [`KnowledgeBase`], with every problem reported at once (unknown drugs and
//! phenotypes named by entries, ambiguous names, duplicate entries, windows
//! out of order, settings out of range).

use super::windows::{check_latency, pos_of};
use super::*;
use crate::diagnostic::{Diagnostic, Diagnostics, Pos, SourceFile, from_yaml_error};
use doc::KbFileDoc;
use serde_saphyr::Spanned;

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
    let mut class_ids: BTreeMap<String, String> = BTreeMap::new();
    for (f, doc) in &docs {
        for c in &doc.classes {
            let id = c.value.id.value.trim().to_owned();
            if let Some(first) = class_ids.insert(id.clone(), origin(f, pos_of(&c.value.id))) {
                diags.push(
                    Diagnostic::new(
                        "kb::duplicate-id",
                        f,
                        pos_of(&c.value.id),
                        format!("class `{id}` is defined twice"),
                    )
                    .with_help(format!("first defined at {first}")),
                );
            }
        }
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

    // What a knowledge or notoriety entry is about: a drug or a class, one of the two.
    let subject = |diags: &mut Diagnostics,
                   f: &SourceFile,
                   at: Pos,
                   drug: &Option<Spanned<String>>,
                   class: &Option<Spanned<String>>|
     -> Option<Subject> {
        match (drug, class) {
            (Some(d), None) => Some(Subject::Drug(known_drug(diags, f, d))),
            (None, Some(c)) => {
                let v = c.value.trim().to_owned();
                if !class_ids.contains_key(&v) {
                    diags.push(
                        Diagnostic::new(
                            "kb::unknown-class",
                            f,
                            pos_of(c),
                            format!("no class `{v}` in the knowledge base"),
                        )
                        .with_suggestion(&v, class_ids.keys().map(String::as_str)),
                    );
                }
                Some(Subject::Class(v))
            }
            (Some(_), Some(_)) | (None, None) => {
                diags.push(
                    Diagnostic::new(
                        "kb::missing-field",
                        f,
                        at,
                        "an entry is about a drug (`drug:`) or a class (`class:`), one of the two",
                    )
                    .with_help("write `drug: <drug id>` or `class: <class id>`"),
                );
                None
            }
        }
    };

    for (f, doc) in docs {
        for c in doc.classes {
            let at = pos_of(&c);
            let c = c.value;
            let id = c.id.value.trim().to_owned();
            if c.members.is_empty() {
                diags.push(
                    Diagnostic::new(
                        "kb::missing-field",
                        f,
                        at,
                        format!("class `{id}` has no members"),
                    )
                    .with_help("list the ids of its drugs under `members`"),
                );
            }
            let members = c
                .members
                .iter()
                .map(|m| known_drug(&mut diags, f, m))
                .collect();
            kb.classes.push(Class {
                id,
                names: c.names,
                atc: c.atc,
                members,
                similar: c.similar,
                source: c.source,
                origin: origin(f, at),
            });
        }
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
            let phenotype = known_phenotype(&mut diags, f, &k.phenotype);
            let Some(drug) = subject(&mut diags, f, at, &k.drug, &k.class) else {
                continue;
            };
            if kb
                .knowledge
                .iter()
                .any(|x| x.subject == drug && x.phenotype == phenotype)
            {
                diags.push(
                    Diagnostic::new(
                        "kb::duplicate-entry",
                        f,
                        at,
                        format!("knowledge for {drug} and `{phenotype}` is given twice"),
                    )
                    .with_help("keep one entry per drug (or class) and phenotype"),
                );
            }
            let latency = k.latency.and_then(|l| check_latency(&mut diags, f, &l));
            kb.knowledge.push(Knowledge {
                subject: drug,
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
        if let Some(g) = doc
            .settings
            .as_ref()
            .and_then(|s| s.generic_time_to_onset.as_ref())
        {
            kb.generic_time = Some(GenericTime {
                answer: g.value.answer,
                source: g.value.source.clone(),
                origin: origin(f, pos_of(g)),
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
            let phenotype = known_phenotype(&mut diags, f, &n.phenotype);
            let Some(drug) = subject(&mut diags, f, at, &n.drug, &n.class) else {
                continue;
            };
            if kb
                .notoriety
                .iter()
                .any(|x| x.subject == drug && x.phenotype == phenotype)
            {
                diags.push(
                    Diagnostic::new(
                        "kb::duplicate-entry",
                        f,
                        at,
                        format!("notoriety of {drug} for `{phenotype}` is given twice"),
                    )
                    .with_help("keep one entry per drug (or class) and phenotype"),
                );
            }
            kb.notoriety.push(Notoriety {
                subject: drug,
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
