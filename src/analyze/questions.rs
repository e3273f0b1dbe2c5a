//! The question checklist: generic framework questions plus those the findings add,
//! deduplicated and ordered by importance.
use std::collections::HashMap;

use serde::Serialize;

use crate::analyze::Analysis;
use crate::rules::{Family, Question, Rule, RuleSet};
use crate::taxonomy::DIMENSIONS;

/// How many questions open the checklist unless the user asks otherwise.
pub const DEFAULT_TOP: usize = 5;
/// At most this many of the opening questions come from one dimension, so the top list
/// covers the framework rather than one corner of it.
const TOP_PER_DIMENSION: usize = 2;

/// One question of the checklist, with where it came from.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Item {
    pub text: String,
    pub dimension: String,
    pub priority: u8,
    /// Higher is more important: priority first, then how specific and how well supported.
    pub importance: f64,
    /// `framework:<id>`, `rule:<id>` or `<kind>:<id>` of the concern that asked it.
    pub sources: Vec<String>,
}

/// The questions of one dimension.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Group {
    pub dimension: String,
    pub name: String,
    pub questions: Vec<Item>,
}

/// The whole checklist.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Checklist {
    /// The questions to ask first (also present in their group).
    pub top: Vec<Item>,
    pub groups: Vec<Group>,
}

impl Checklist {
    /// Keep only the first `n` top questions.
    pub fn truncate_top(&mut self, n: usize) {
        self.top.truncate(n);
    }

    /// Total number of distinct questions.
    pub fn len(&self) -> usize {
        self.groups.iter().map(|g| g.questions.len()).sum()
    }

    /// Whether there are no questions at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

pub(crate) use crate::text::normalize;

struct Builder {
    items: Vec<(Item, usize)>,
    /// Normalised text -> index in `items`, so finding a duplicate does not re-normalise
    /// every question asked so far (that made the checklist quadratic: half of the time of
    /// analysing a long proposal went to `normalize`).
    index: HashMap<String, usize>,
}

impl Builder {
    fn add(&mut self, q: &Question, source: String, bonus: f64) {
        let base = f64::from(4 - q.priority.min(3));
        let importance = base + bonus;
        if let Some((item, _)) = self.index.get(&q.key).map(|&i| &mut self.items[i]) {
            if !item.sources.contains(&source) {
                item.sources.push(source);
            }
            // Asked by several concerns: more important, and at the best priority given.
            item.importance = item.importance.max(importance) + 0.25;
            item.priority = item.priority.min(q.priority);
            return;
        }
        let order = self.items.len();
        self.index.insert(q.key.clone(), order);
        self.items.push((
            Item {
                text: q.text.clone(),
                dimension: q.dimension.clone(),
                priority: q.priority,
                importance,
                sources: vec![source],
            },
            order,
        ));
    }
}

/// Build the checklist for an analysis and the rules that fired.
pub fn build(set: &RuleSet, a: &Analysis, fired: &[&Rule]) -> Checklist {
    let mut b = Builder {
        items: Vec::new(),
        index: HashMap::new(),
    };
    // Concern questions: a specific question outranks a generic one of the same priority.
    let mut concern = |family: Family, prefix: &str, id: &str, strength: f64| {
        if let Some(label) = set.label(family, id) {
            for q in &label.questions {
                b.add(q, format!("{prefix}:{id}"), 0.5 + strength);
            }
        }
    };
    for f in &a.principles.strained {
        concern(Family::Principles, "strains", &f.id, 0.4);
    }
    for f in &a.risks {
        concern(Family::Risks, "risk", &f.id, 0.3);
    }
    if a.gpu_impact.value != "none" {
        concern(Family::Gpu, "gpu", &a.gpu_impact.value, 0.3);
    }
    for f in &a.layers {
        concern(Family::Layers, "layer", &f.id, 0.1);
    }
    for f in &a.tiers {
        concern(Family::Tiers, "tier", &f.id, 0.1);
    }
    for rule in fired {
        for q in &rule.questions {
            b.add(q, format!("rule:{}", rule.id), 0.6);
        }
    }
    for g in &set.generic_questions {
        b.add(&g.question, format!("framework:{}", g.id), 0.0);
    }

    let mut items = b.items;
    items.sort_by(|(x, xo), (y, yo)| y.importance.total_cmp(&x.importance).then(xo.cmp(yo)));
    for (item, _) in &mut items {
        item.importance = (item.importance * 100.0).round() / 100.0;
    }

    let mut top = Vec::new();
    for (item, _) in &items {
        if top.len() == DEFAULT_TOP {
            break;
        }
        let same_dim = top
            .iter()
            .filter(|t: &&Item| t.dimension == item.dimension)
            .count();
        if same_dim < TOP_PER_DIMENSION {
            top.push(item.clone());
        }
    }

    let groups = DIMENSIONS
        .iter()
        .map(|d| Group {
            dimension: (*d).to_owned(),
            name: set
                .label(Family::Questions, d)
                .map_or_else(|| (*d).to_owned(), |l| l.name.clone()),
            questions: items
                .iter()
                .filter(|(i, _)| i.dimension == *d)
                .map(|(i, _)| i.clone())
                .collect(),
        })
        .collect();
    Checklist { top, groups }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn normalize_ignores_case_and_punctuation() {
        assert_eq!(
            normalize("Who runs it at 2 a.m.?"),
            normalize("who runs it at 2 am")
        );
        assert_eq!(normalize("  Who\truns -- it?\n"), "who runs it");
        assert_eq!(normalize("ÉTÉ, naïve"), "été naïve");
        assert_eq!(normalize(" ?! "), "");
    }
}
