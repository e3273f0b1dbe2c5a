//! The concern analysis of each item's description: layers, tiers and GPU impact next to the
//! scores.
use std::collections::HashMap;

use crate::analyze::{ConcernSummary, concern_summary_cached};
use crate::rules::RuleSet;

use super::Backlog;
use super::strtab::StrTable;

/// Concern summaries of a backlog's items, computed once per distinct text and kept once per
/// distinct summary.
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

    /// Which distinct summary item `i` has (an index below the number of distinct summaries):
    /// items with the same slot have the same summary, so renderers can format it once.
    pub fn slot(&self, i: usize) -> usize {
        self.of_item[i]
    }

    /// The distinct summaries, indexed by [`Concerns::slot`].
    pub fn summaries(&self) -> &[ConcernSummary] {
        &self.unique
    }
}

/// Layers, tiers and GPU impact of each item, from its description (its title when it has
/// none).
///
/// [`concern_summary`] is the layer/tier/GPU part of [`crate::analyze::analyze`] (the same
/// rules, scores and GPU decision, without the checklist, size and summary), about 35× cheaper
/// per text; `tests/it/backlog.rs` checks that the two agree. Identical texts are analysed once,
/// and the distinct ones are spread over the available cores (at most 4); texts in which no
/// pattern matches share one inference on no evidence ([`concern_summary_cached`]).
pub fn annotate(b: &Backlog, set: &RuleSet) -> Concerns {
    // The distinct texts, numbered in order of first use: a table whose entries hold short
    // texts (most titles) inline, so finding one reads one entry and not the text again.
    let mut slot = StrTable::with_capacity(b.items.len());
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
            slot.get_or_add(text, &unique).unwrap_or_else(|n| {
                unique.push(text);
                n
            })
        })
        .collect();
    drop(slot);
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(4);
    // Each distinct text's summary, as an index into the distinct summaries: thousands of
    // titles share a handful of (layers, tiers, GPU impact) answers, so each is kept once.
    let analyse = |part: &[&str]| -> (Vec<usize>, Vec<ConcernSummary>) {
        let mut seen: HashMap<Key, usize> = HashMap::new();
        let mut kept: Vec<ConcernSummary> = Vec::new();
        // The summary of texts no pattern matches (most titles), worked out once.
        let mut blank = None;
        let of_text = part
            .iter()
            .map(|t| {
                let s = concern_summary_cached(set, t, &mut blank);
                let key = (s.layers, s.tiers, s.gpu_impact);
                if let Some(&k) = seen.get(&key) {
                    return k;
                }
                let (layers, tiers, gpu_impact) = key.clone();
                kept.push(ConcernSummary {
                    layers,
                    tiers,
                    gpu_impact,
                });
                seen.insert(key, kept.len() - 1);
                kept.len() - 1
            })
            .collect();
        (of_text, kept)
    };
    let parts: Vec<(Vec<usize>, Vec<ConcernSummary>)> = if threads < 2 || unique.len() < 64 {
        vec![analyse(&unique)]
    } else {
        let per = unique.len().div_ceil(threads);
        std::thread::scope(|s| {
            let handles: Vec<_> = unique
                .chunks(per)
                .map(|part| s.spawn(move || analyse(part)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("concern analysis does not panic"))
                .collect()
        })
    };
    let mut summaries = Vec::new();
    let mut of_text = Vec::with_capacity(unique.len());
    for (of_part, kept) in parts {
        let base = summaries.len();
        of_text.extend(of_part.into_iter().map(|k| base + k));
        summaries.extend(kept);
    }
    Concerns {
        unique: summaries,
        of_item: of_item.into_iter().map(|t| of_text[t]).collect(),
    }
}

/// A summary as a hash key: layers, tiers, GPU impact.
type Key = (Vec<String>, Vec<String>, String);
