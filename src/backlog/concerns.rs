//! The concern analysis of each item's description: layers, tiers and GPU impact next to the
//! scores.
use std::collections::HashMap;

use crate::analyze::{ConcernSummary, concern_summary};
use crate::rules::RuleSet;

use super::Backlog;

/// Concern summaries of a backlog's items, computed once per distinct text.
#[derive(Debug, Clone)]
pub struct Concerns {
    unique: Vec<ConcernSummary>,
    of_item: Vec<usize>,
}

impl Concerns {
    /// The summary of item `i`.
    pub fn get(&self, i: usize) -> &ConcernSummary {
        &self.unique[self.of_item[i]]
    }
}

/// Layers, tiers and GPU impact of each item, from its description (its title when it has
/// none).
///
/// [`concern_summary`] is the layer/tier/GPU part of [`crate::analyze::analyze`] (the same
/// rules, scores and GPU decision, without the checklist, size and summary), about 35× cheaper
/// per text; `tests/it/backlog.rs` checks that the two agree. Identical texts are analysed once,
/// and the distinct ones are spread over the available cores (at most 4).
pub fn annotate(b: &Backlog, set: &RuleSet) -> Concerns {
    let mut slot: HashMap<&str, usize> = HashMap::new();
    let mut unique: Vec<&str> = Vec::new();
    let of_item: Vec<usize> = b
        .items
        .iter()
        .map(|it| {
            let text = if it.description.is_empty() {
                it.title.as_str()
            } else {
                it.description.as_str()
            };
            *slot.entry(text).or_insert_with(|| {
                unique.push(text);
                unique.len() - 1
            })
        })
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(4);
    let unique: Vec<ConcernSummary> = if threads < 2 || unique.len() < 64 {
        unique.iter().map(|t| concern_summary(set, t)).collect()
    } else {
        let per = unique.len().div_ceil(threads);
        std::thread::scope(|s| {
            let handles: Vec<_> = unique
                .chunks(per)
                .map(|part| {
                    s.spawn(move || {
                        part.iter()
                            .map(|t| concern_summary(set, t))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("concern analysis does not panic"))
                .collect()
        })
    };
    Concerns { unique, of_item }
}
