//! `rules eval`: precision, recall and F1 of the classifier on a labeled set.
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::analyze::{Analysis, Channels, Finding, analyze_with, with_examples};
use crate::error::Error;
use crate::rules::RuleSet;
use crate::taxonomy;

/// A labeled set: `[[features]]` as in `ds01-dev.toml`.
#[derive(Debug, Deserialize)]
pub struct LabeledSet {
    pub features: Vec<LabeledItem>,
}

/// One labeled work item. Fields other than these (source, status, justification,
/// depends_on) are allowed and ignored.
#[derive(Debug, Deserialize)]
pub struct LabeledItem {
    pub id: String,
    pub description: String,
    #[serde(default)]
    pub layers: Vec<String>,
    #[serde(default)]
    pub tiers: Vec<String>,
    pub gpu_impact: String,
    #[serde(default)]
    pub principles: Vec<String>,
    #[serde(default)]
    pub strains: Vec<String>,
}

/// The fields measured, in report order.
pub const FIELDS: &[&str] = &["layers", "tiers", "gpu_impact", "principles", "strains"];

/// Parse and check a labeled set (label ids must belong to the taxonomy).
pub fn load(name: &str, text: &str) -> Result<LabeledSet, Error> {
    let set: LabeledSet = toml::from_str(text).map_err(|e| {
        Error::invalid(
            crate::diag::toml_error(name, text, &e),
            Some("a labeled set is a list of `[[features]]` with id, description, layers, tiers, gpu_impact and principles"),
        )
    })?;
    let mut problems = Vec::new();
    for item in &set.features {
        let check =
            |field: &str, values: &[String], allowed: &[&str], problems: &mut Vec<String>| {
                for v in values {
                    if !allowed.contains(&v.as_str()) {
                        problems.push(format!(
                            "{name}: item `{}`: unknown {field} label `{v}`: expected one of {}",
                            item.id,
                            allowed.join(", ")
                        ));
                    }
                }
            };
        check("layers", &item.layers, taxonomy::LAYERS, &mut problems);
        check("tiers", &item.tiers, taxonomy::TIERS, &mut problems);
        check(
            "gpu_impact",
            std::slice::from_ref(&item.gpu_impact),
            taxonomy::GPU,
            &mut problems,
        );
        check(
            "principles",
            &item.principles,
            taxonomy::PRINCIPLES,
            &mut problems,
        );
        check(
            "strains",
            &item.strains,
            taxonomy::PRINCIPLES,
            &mut problems,
        );
    }
    if set.features.is_empty() {
        problems.push(format!("{name}: no `[[features]]` items"));
    }
    if problems.is_empty() {
        Ok(set)
    } else {
        Err(Error::Many {
            problems,
            hint: Some("label ids are those of PRODUCT.md's taxonomy".into()),
        })
    }
}

/// Precision, recall and F1 with the counts behind them.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Score {
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Score {
    fn finish(mut self) -> Self {
        let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        self.precision = round3(ratio(self.tp, self.tp + self.fp));
        self.recall = round3(ratio(self.tp, self.tp + self.fn_));
        let (p, r) = (
            ratio(self.tp, self.tp + self.fp),
            ratio(self.tp, self.tp + self.fn_),
        );
        self.f1 = round3(if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        });
        self
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Scores for one field.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldScore {
    pub field: String,
    pub micro: Score,
    pub per_label: BTreeMap<String, Score>,
}

/// Where an item's prediction differs from its labels.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Miss {
    pub id: String,
    pub field: String,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
}

/// The result of `rules eval`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EvalResult {
    pub items: usize,
    pub fields: Vec<FieldScore>,
    pub misses: Vec<Miss>,
    /// Items for which no rule fired at all.
    pub items_without_concerns: Vec<String>,
    /// What a constant answer scores on the same items: the floor a reading must beat.
    pub baselines: Vec<Baseline>,
    /// The micro scores of the rules without the nearest-examples channel (empty when the
    /// channel is off, `--no-examples`): what the statistical readings add or cost.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules_alone: Vec<FieldMicro>,
}

/// A field's micro scores.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldMicro {
    pub field: String,
    pub micro: Score,
}

/// The micro-F1 of answering the same thing for every item.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Baseline {
    pub field: String,
    /// The constant answer, e.g. `["student", "researcher"]`.
    pub answer: Vec<String>,
    pub micro: Score,
}

/// The constant answers measured: the most common tiers and the mode-agnostic GPU impact.
const BASELINES: &[(&str, &[&str])] = &[
    ("tiers", &["student", "researcher"]),
    ("gpu_impact", &["both"]),
];

fn baselines(data: &LabeledSet) -> Vec<Baseline> {
    BASELINES
        .iter()
        .map(|(field, answer)| {
            let mut score = Score::default();
            for item in &data.features {
                let gold: BTreeSet<&str> = match *field {
                    "tiers" => item.tiers.iter().map(String::as_str).collect(),
                    _ => BTreeSet::from([item.gpu_impact.as_str()]),
                };
                let tp = answer.iter().filter(|a| gold.contains(*a)).count();
                score.tp += tp;
                score.fp += answer.len() - tp;
                score.fn_ += gold.len() - tp;
            }
            Baseline {
                field: (*field).to_owned(),
                answer: answer.iter().map(|a| (*a).to_owned()).collect(),
                micro: score.finish(),
            }
        })
        .collect()
}

/// The labels an analysis gives each field, and whether no rule fired.
fn predicted(a: &Analysis) -> (BTreeMap<&'static str, BTreeSet<String>>, bool) {
    let ids = |f: &[Finding]| f.iter().map(|x| x.id.clone()).collect::<BTreeSet<_>>();
    let mut m = BTreeMap::new();
    m.insert("layers", ids(&a.layers));
    m.insert("tiers", ids(&a.tiers));
    m.insert("gpu_impact", BTreeSet::from([a.gpu_impact.value.clone()]));
    let mut touched = ids(&a.principles.supported);
    touched.extend(ids(&a.principles.strained));
    m.insert("principles", touched);
    m.insert("strains", ids(&a.principles.strained));
    (m, a.is_empty())
}

/// Run the analyzer over every item and compare with the labels. With the nearest-examples
/// channel on, the rules alone are measured too.
pub fn evaluate(set: &RuleSet, data: &LabeledSet, channels: Channels) -> EvalResult {
    // The rules read each item once; the nearest examples are applied to that reading, which
    // is also the "rules alone" figure (the channel adds and sets aside).
    let rules: Vec<Analysis> = data
        .features
        .iter()
        .map(|item| analyze_with(set, &item.description, Channels::RULES_ONLY))
        .collect();
    if !channels.examples {
        return score_analyses(data, &rules);
    }
    let analyses: Vec<Analysis> = data
        .features
        .iter()
        .zip(&rules)
        .map(|(item, r)| with_examples(set, &item.description, r))
        .collect();
    let mut result = score_analyses(data, &analyses);
    result.rules_alone = score_analyses(data, &rules)
        .fields
        .into_iter()
        .map(|f| FieldMicro {
            field: f.field,
            micro: f.micro,
        })
        .collect();
    result
}

fn score_analyses(data: &LabeledSet, analyses: &[Analysis]) -> EvalResult {
    let mut micro: BTreeMap<&str, Score> = BTreeMap::new();
    let mut per_label: BTreeMap<&str, BTreeMap<String, Score>> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut empty = Vec::new();
    for (item, a) in data.features.iter().zip(analyses) {
        let (pred, nothing) = predicted(a);
        if nothing {
            empty.push(item.id.clone());
        }
        for field in FIELDS {
            let gold: BTreeSet<String> = match *field {
                "layers" => item.layers.iter().cloned().collect(),
                "tiers" => item.tiers.iter().cloned().collect(),
                "gpu_impact" => BTreeSet::from([item.gpu_impact.clone()]),
                "principles" => item
                    .principles
                    .iter()
                    .chain(&item.strains)
                    .cloned()
                    .collect(),
                _ => item.strains.iter().cloned().collect(),
            };
            let p = &pred[field];
            let m = micro.entry(field).or_default();
            let labels = per_label.entry(field).or_default();
            for l in gold.union(p) {
                let s = labels.entry(l.clone()).or_default();
                match (gold.contains(l), p.contains(l)) {
                    (true, true) => {
                        m.tp += 1;
                        s.tp += 1;
                    }
                    (false, true) => {
                        m.fp += 1;
                        s.fp += 1;
                    }
                    _ => {
                        m.fn_ += 1;
                        s.fn_ += 1;
                    }
                }
            }
            if &gold != p {
                misses.push(Miss {
                    id: item.id.clone(),
                    field: (*field).to_owned(),
                    missing: gold.difference(p).cloned().collect(),
                    extra: p.difference(&gold).cloned().collect(),
                });
            }
        }
    }
    let fields = FIELDS
        .iter()
        .map(|f| FieldScore {
            field: (*f).to_owned(),
            micro: micro.remove(f).unwrap_or_default().finish(),
            per_label: per_label
                .remove(f)
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, v.finish()))
                .collect(),
        })
        .collect();
    EvalResult {
        items: data.features.len(),
        fields,
        misses,
        items_without_concerns: empty,
        baselines: baselines(data),
        rules_alone: Vec::new(),
    }
}

pub mod questions;
