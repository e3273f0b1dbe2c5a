//! Pure RICE arithmetic: own scores, value inherited along the dependency graph, and the
//! priority key of the ranked order. No I/O, no strings beyond ids.
use std::cmp::Ordering;

use super::Propagation;
use super::graph::{DepGraph, dependents};

/// RICE: reach × impact × confidence ÷ effort (effort > 0 is guaranteed by validation). Every
/// finite estimate is valid, so the product can exceed `f64::MAX` (a reach of 1e308, an
/// effort of 1e-300); it saturates there instead of becoming infinity.
pub fn own_score(reach: f64, impact: f64, confidence: f64, effort: f64) -> f64 {
    (reach * impact * confidence / effort).min(f64::MAX)
}

/// Effective scores and where they came from.
#[derive(Debug, Clone)]
pub struct Effective {
    /// By item index; done items keep their own score (they are not ranked).
    pub score: Vec<f64>,
    /// `max`: the direct dependent whose effective score this item took, if any.
    pub via: Vec<Option<usize>>,
    /// `max`: the item whose own score this item carries (itself when it inherits nothing).
    pub origin: Vec<usize>,
}

/// Propagate value from dependents to prerequisites over open items only: a done item is
/// satisfied, so nothing flows into or through it.
///
/// - `none`: effective = own.
/// - `max`: effective = max(own, effective of each open direct dependent), hence transitively
///   the best score anywhere downstream. A dependent that only ties the item's own score is
///   not "inherited from".
/// - `sum`: effective = own + decay × Σ effective of open direct dependents. Value reaches a
///   prerequisite once per path (a diamond counts twice); the result saturates at `f64::MAX`
///   so an enormous graph cannot produce infinity.
///
/// `reverse_topo` lists every item, dependents before their prerequisites. `id_rank` is each
/// item's position in id order, used to pick deterministically between equal dependents.
pub fn propagate(
    g: &DepGraph,
    reverse_topo: impl Iterator<Item = usize>,
    own: &[f64],
    open: &[bool],
    id_rank: &[u32],
    strategy: Propagation,
    decay: f64,
) -> Effective {
    let n = own.len();
    let mut score = own.to_vec();
    let mut via = vec![None; n];
    let mut origin: Vec<usize> = (0..n).collect();
    if strategy == Propagation::None {
        return Effective { score, via, origin };
    }
    for i in reverse_topo {
        if !open[i] {
            continue;
        }
        match strategy {
            Propagation::Max => {
                let mut best: Option<usize> = None;
                for j in dependents(g, i).filter(|&j| open[j]) {
                    let better = best.is_none_or(|b| {
                        score[j]
                            .total_cmp(&score[b])
                            .then(id_rank[b].cmp(&id_rank[j]))
                            == Ordering::Greater
                    });
                    if better {
                        best = Some(j);
                    }
                }
                if let Some(b) = best.filter(|&b| score[b] > own[i]) {
                    score[i] = score[b];
                    via[i] = Some(b);
                    origin[i] = origin[b];
                }
            }
            Propagation::Sum => {
                let inherited: f64 = dependents(g, i)
                    .filter(|&j| open[j])
                    .map(|j| score[j])
                    .sum();
                score[i] = (own[i] + decay * inherited).min(f64::MAX);
            }
            Propagation::None => {}
        }
    }
    Effective { score, via, origin }
}

/// The ranked order's priority. Ties are broken, in order, by: higher effective score, higher
/// own score (the item worth more by itself goes first), then id ascending — not file order,
/// so reordering the file never reorders the ranking. This key only chooses among items whose
/// unfinished prerequisites are already placed, so a blocker that ties its dependent still
/// sorts first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Priority {
    pub effective: f64,
    pub own: f64,
    pub id_rank: u32,
    pub index: usize,
}

impl Eq for Priority {}

impl Ord for Priority {
    fn cmp(&self, other: &Self) -> Ordering {
        self.effective
            .total_cmp(&other.effective)
            .then(self.own.total_cmp(&other.own))
            .then(other.id_rank.cmp(&self.id_rank))
    }
}

impl PartialOrd for Priority {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BinaryHeap;

    #[test]
    fn rice_is_reach_impact_confidence_over_effort() {
        assert!((own_score(150.0, 2.0, 0.8, 4.0) - 60.0).abs() < 1e-9);
    }

    #[test]
    fn priority_breaks_ties_by_own_score_then_id() {
        let p = |effective, own, id_rank| Priority {
            effective,
            own,
            id_rank,
            index: 0,
        };
        let mut heap = BinaryHeap::from(vec![
            p(5.0, 5.0, 2),
            p(5.0, 5.0, 1),
            p(5.0, 6.0, 3),
            p(7.0, 1.0, 4),
        ]);
        let order: Vec<u32> = std::iter::from_fn(|| heap.pop())
            .map(|x| x.id_rank)
            .collect();
        assert_eq!(order, [4, 3, 1, 2]);
    }
}
