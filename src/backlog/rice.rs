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
                let inherited =
                    sum_in_order(dependents(g, i).filter(|&j| open[j]).map(|j| score[j]));
                score[i] = (own[i] + decay * inherited).min(f64::MAX);
            }
            Propagation::None | Propagation::Chain => {}
        }
    }
    Effective { score, via, origin }
}

/// How many unfinished prerequisites the `chain` strategy counts behind one item. An item
/// with more than this many does not lend its value to them: its chain is too long to be the
/// reason to start any one of them, and the bound keeps the walk linear in the backlog's size.
pub const CHAIN_HORIZON: usize = 64;

/// The `chain` strategy (cost of delay over the whole chain, as WSJF treats enablers): an open
/// item `d` with unfinished prerequisites offers each of them the ratio of the value of the
/// whole chain to its effort,
///
/// ```text
/// chain(d) = (value(d) + Σ value(p)) / (effort(d) + Σ effort(p)),  p ∈ open prerequisites of d,
///                                                                  direct or not, each once
/// ```
///
/// where value = reach × impact × confidence. A prerequisite's effective score is the larger
/// of its own score and the best `chain(d)` over the items `d` that (transitively) need it;
/// `via` and `origin` name that `d`. An item with more than [`CHAIN_HORIZON`] unfinished
/// prerequisites offers nothing. Done items are satisfied: they are neither counted nor
/// walked through.
pub fn propagate_chain(
    g: &DepGraph,
    own: &[f64],
    value: &[f64],
    effort: &[f64],
    open: &[bool],
    id_rank: &[u32],
) -> Effective {
    let n = own.len();
    let mut score = own.to_vec();
    let mut via = vec![None; n];
    let mut origin: Vec<usize> = (0..n).collect();
    // The best chain offered to each item so far, and by whom (`u32::MAX`: none yet; 16 bytes
    // an item instead of 24, as `best[p]` is written at random).
    let mut best: Vec<(f64, u32)> = vec![(0.0, u32::MAX); n];
    let mut walk = ChainWalk::new(n);
    // Open items already walked and found to have more than CHAIN_HORIZON open prerequisites.
    // An open item that depends on one has them all too (its walk goes through it), so it
    // needs no walk: in a long chain or a graph of far-reaching dependencies almost every item
    // is settled this way, instead of by up to CHAIN_HORIZON random memory accesses each.
    let mut too_many = vec![false; n];
    // Each item's value and effort side by side: a chain's members are read at random, one
    // 16-byte pair each instead of two 8-byte arrays' lines.
    let value_effort: Vec<(f64, f64)> = value.iter().copied().zip(effort.iter().copied()).collect();
    for d in (0..n).filter(|&d| open[d]) {
        if super::graph::prerequisites(g, d).any(|p| open[p] && too_many[p]) {
            too_many[d] = true;
            continue;
        }
        let Some(found) = walk.prerequisites(g, open, d) else {
            too_many[d] = true;
            continue;
        };
        if found.is_empty() {
            continue;
        }
        let ratio = (chain_total(found, d, |i| value_effort[i].0)
            / chain_total(found, d, |i| value_effort[i].1))
        .min(f64::MAX);
        let by = u32::try_from(d).expect("a backlog has fewer than 2^32 items");
        for &p in found {
            let (r, o) = best[p];
            let better = o == u32::MAX
                || ratio
                    .total_cmp(&r)
                    .then_with(|| id_rank[o as usize].cmp(&id_rank[d]))
                    == Ordering::Greater;
            if better {
                best[p] = (ratio, by);
            }
        }
    }
    for i in 0..n {
        let (r, d) = best[i];
        if d != u32::MAX && r > own[i] {
            let d = d as usize;
            score[i] = r;
            via[i] = Some(d);
            origin[i] = d;
        }
    }
    Effective { score, via, origin }
}

/// The unfinished prerequisites, direct or not, of the open item `d`: the chain whose value
/// and effort `chain` divides, in index order. `None` when there are more than
/// [`CHAIN_HORIZON`].
pub fn chain_prerequisites(g: &DepGraph, open: &[bool], d: usize) -> Option<Vec<usize>> {
    let mut found = ChainWalk::new(open.len())
        .prerequisites(g, open, d)?
        .to_vec();
    found.sort_unstable();
    Some(found)
}

/// The total of `x` over an item `d` and its chain's prerequisites `members`, as `chain`
/// divides them (and `score --explain` shows them). Saturates like the scores, so huge
/// estimates give a finite ratio, never NaN.
pub fn chain_total(members: &[usize], d: usize, x: impl Fn(usize) -> f64) -> f64 {
    sum_in_order(members.iter().map(|&p| x(p)).chain([x(d)])).min(f64::MAX)
}

/// The walk up an item's unfinished prerequisites, with buffers reused from one item to the
/// next (`seen` is stamped with the item, so it is never cleared).
struct ChainWalk {
    /// The item whose walk last reached each item (4 bytes: 1.2 MB at 300k items).
    seen: Vec<u32>,
    found: Vec<usize>,
    queue: Vec<usize>,
}

impl ChainWalk {
    fn new(n: usize) -> Self {
        ChainWalk {
            seen: vec![u32::MAX; n],
            found: Vec::new(),
            queue: Vec::new(),
        }
    }

    /// The open prerequisites of `d`, direct or not, each once; `None` past the horizon.
    fn prerequisites(&mut self, g: &DepGraph, open: &[bool], d: usize) -> Option<&[usize]> {
        self.found.clear();
        self.queue.clear();
        self.queue.push(d);
        let stamp = u32::try_from(d).expect("a backlog has fewer than 2^32 items");
        self.seen[d] = stamp;
        while let Some(x) = self.queue.pop() {
            for p in super::graph::prerequisites(g, x) {
                if open[p] && self.seen[p] != stamp {
                    self.seen[p] = stamp;
                    self.found.push(p);
                    if self.found.len() > CHAIN_HORIZON {
                        return None;
                    }
                    self.queue.push(p);
                }
            }
        }
        Some(&self.found)
    }
}

/// A sum that does not depend on the order of its terms: floating-point addition is not
/// associative, so the terms are added smallest first. Reordering a backlog file reorders the
/// graph's edge lists, and must not move a score by one ulp (that can break a tie). Callers
/// saturate the result; the terms are never negative.
fn sum_in_order(mut terms: impl Iterator<Item = f64>) -> f64 {
    // Two terms add the same either way round: only three or more need sorting (and a
    // buffer), which keeps the common case of a propagation pass allocation-free.
    let (a, b, c) = match (terms.next(), terms.next(), terms.next()) {
        (None, ..) => return 0.0,
        (Some(a), None, _) => return a,
        (Some(a), Some(b), None) => return a + b,
        (Some(a), Some(b), Some(c)) => (a, b, c),
    };
    let mut v: Vec<f64> = [a, b, c].into_iter().chain(terms).collect();
    v.sort_unstable_by(f64::total_cmp);
    v.into_iter().sum()
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
    /// The item (4 bytes: the sorted keys of a 300k-item ranking are then 24 bytes each).
    pub index: u32,
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

    /// Graph and estimates for the chain tests: (reach × impact × confidence, effort) per item
    /// and `prereqs[i]` the items `i` depends on.
    fn chain_case(items: &[(f64, f64)], prereqs: &[Vec<usize>], open: &[bool]) -> Effective {
        let g = super::super::graph::build_from(prereqs);
        let value: Vec<f64> = items.iter().map(|&(v, _)| v).collect();
        let effort: Vec<f64> = items.iter().map(|&(_, e)| e).collect();
        let own: Vec<f64> = items.iter().map(|&(v, e)| v / e).collect();
        let id_rank: Vec<u32> = (0..items.len() as u32).collect();
        propagate_chain(&g, &own, &value, &effort, open, &id_rank)
    }

    #[test]
    fn chain_counts_the_effort_of_the_whole_chain() {
        // 0: a migration, value 8 over 4 weeks (own 2); 1: needs it, value 300 over 3 weeks
        // (own 100). Under `max` the migration would score 100; the chain costs 7 weeks for
        // 308 of value, so it scores 44, below a free 120-point item.
        let e = chain_case(
            &[(8.0, 4.0), (300.0, 3.0)],
            &[vec![], vec![0]],
            &[true, true],
        );
        assert!((e.score[0] - 44.0).abs() < 1e-9, "{:?}", e.score);
        assert_eq!(e.via[0], Some(1));
        assert!((e.score[1] - 100.0).abs() < 1e-9);
        assert_eq!(e.via[1], None);
    }

    #[test]
    fn chain_counts_a_shared_prerequisite_once_and_skips_done_items() {
        // 3 needs 1 and 2, both need 0 (a diamond): the chain of 3 is {0, 1, 2, 3}, 0 once.
        let items = [(10.0, 1.0), (10.0, 1.0), (10.0, 1.0), (370.0, 1.0)];
        let prereqs = [vec![], vec![0], vec![0], vec![1, 2]];
        let e = chain_case(&items, &prereqs, &[true; 4]);
        assert!((e.score[0] - 100.0).abs() < 1e-9, "{:?}", e.score);
        assert_eq!(e.origin[0], 3);
        // With 1 done, 3's chain is {0, 2, 3}: (10 + 10 + 370) / 3 = 130.
        let e = chain_case(&items, &prereqs, &[true, false, true, true]);
        assert!((e.score[0] - 130.0).abs() < 1e-9, "{:?}", e.score);
        assert!(
            (e.score[1] - 10.0).abs() < 1e-9,
            "a done item keeps its own score"
        );
    }

    #[test]
    fn chain_keeps_the_own_score_when_it_is_higher_and_stops_at_the_horizon() {
        let e = chain_case(
            &[(50.0, 1.0), (1.0, 1.0)],
            &[vec![], vec![0]],
            &[true, true],
        );
        assert_eq!(e.score[0], 50.0);
        assert_eq!(e.via[0], None);
        // A chain of CHAIN_HORIZON + 2 items: the last has one prerequisite too many and
        // lends nothing, the one before it lends to all of its own.
        let n = CHAIN_HORIZON + 2;
        let mut items = vec![(1.0, 1.0); n];
        items[n - 1] = (1e6, 1.0);
        items[n - 2] = (1e3, 1.0);
        let prereqs: Vec<Vec<usize>> = (0..n)
            .map(|i| if i == 0 { vec![] } else { vec![i - 1] })
            .collect();
        let e = chain_case(&items, &prereqs, &vec![true; n]);
        assert_eq!(e.origin[0], n - 2);
        let expected = (1e3 + (n - 2) as f64) / (n - 1) as f64;
        assert!(
            (e.score[0] - expected).abs() < 1e-9,
            "{} vs {expected}",
            e.score[0]
        );
    }

    #[test]
    fn sums_do_not_depend_on_the_order_of_their_terms() {
        assert_eq!(sum_in_order(std::iter::empty()), 0.0);
        assert_eq!(sum_in_order([2.5].into_iter()), 2.5);
        assert_eq!(sum_in_order([2.5, 1.0].into_iter()), 3.5);
        // 0.1 + 0.2 + 0.3 depends on the order in floating point; the sum must not.
        let terms = [0.1, 0.2, 0.3, 1e-17, 7.0];
        let mut orders = vec![terms.to_vec()];
        orders.push(terms.iter().rev().copied().collect());
        orders.push(vec![0.3, 7.0, 0.1, 1e-17, 0.2]);
        let sums: Vec<f64> = orders
            .into_iter()
            .map(|o| sum_in_order(o.into_iter()))
            .collect();
        assert!(
            sums.windows(2).all(|w| w[0].to_bits() == w[1].to_bits()),
            "{sums:?}"
        );
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
