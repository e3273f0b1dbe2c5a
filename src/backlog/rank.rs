//! The ranked order (a topological order driven by a priority queue), critical chains and
//! sensitivity. Everything is index-based; ids are looked up only by the renderers.
use std::sync::Arc;

use serde::Serialize;

use super::graph::{self, DepGraph};
use super::minqueue::MinQueue;
use super::rice::{self, Effective, Priority};
use super::{Backlog, Item, Propagation};

/// A scored, ordered backlog. Vectors are indexed by item index unless said otherwise.
#[derive(Debug, Clone)]
pub struct Ranking {
    /// Open item indices, best first.
    pub order: Vec<usize>,
    /// 1-based rank of each open item; `None` for done items.
    pub rank: Vec<Option<usize>>,
    pub own: Vec<f64>,
    pub effective: Effective,
    /// Effort of the longest effort-weighted chain of open prerequisites ending at the item,
    /// the item included.
    pub chain_effort: Vec<f64>,
    /// The prerequisite before the item on that chain.
    pub chain_prev: Vec<Option<usize>>,
    /// The backlog's critical chain (first prerequisite first) and its effort.
    pub critical: Vec<usize>,
    pub critical_effort: f64,
    /// The backlog's dependency graph ([`Backlog::graph`]).
    pub graph: Arc<DepGraph>,
    open: Vec<bool>,
    /// `rank` in 4 bytes, 0 for done items: the renderers look up every neighbour's rank to
    /// list them in ranked order, and at 300k items 16-byte ranks are 4.8 MB, 4-byte ones
    /// 1.2 MB (within the second-level cache).
    pos: Vec<u32>,
}

impl Ranking {
    /// Whether an item is open (ranked).
    pub fn is_open(&self, i: usize) -> bool {
        self.open[i]
    }

    /// Open direct dependents of `i`, in ranked order.
    pub fn unblocks(&self, i: usize) -> Vec<usize> {
        let mut v = Vec::new();
        self.unblocks_into(i, &mut v);
        v
    }

    /// [`Ranking::unblocks`] into `v` (cleared first), so a renderer can reuse one buffer.
    pub fn unblocks_into(&self, i: usize, v: &mut Vec<usize>) {
        v.clear();
        v.extend(graph::dependents(&self.graph, i).filter(|&j| self.pos[j] != 0));
        v.sort_unstable_by_key(|&j| self.pos[j]);
    }

    /// Open direct prerequisites of `i`, in ranked order.
    pub fn blocked_by(&self, i: usize) -> Vec<usize> {
        let mut v = Vec::new();
        self.blocked_by_into(i, &mut v);
        v
    }

    /// [`Ranking::blocked_by`] into `v` (cleared first).
    pub fn blocked_by_into(&self, i: usize, v: &mut Vec<usize>) {
        v.clear();
        v.extend(graph::prerequisites(&self.graph, i).filter(|&j| self.pos[j] != 0));
        v.sort_unstable_by_key(|&j| self.pos[j]);
    }

    /// Done direct prerequisites of `i` (satisfied).
    pub fn satisfied(&self, i: usize) -> Vec<usize> {
        let mut v = Vec::new();
        self.satisfied_into(i, &mut v);
        v
    }

    /// [`Ranking::satisfied`] into `v` (cleared first).
    pub fn satisfied_into(&self, i: usize, v: &mut Vec<usize>) {
        v.clear();
        v.extend(graph::prerequisites(&self.graph, i).filter(|&j| self.pos[j] == 0));
        v.sort_unstable();
    }

    /// The critical chain ending at `i`, first prerequisite first.
    pub fn chain(&self, mut i: usize) -> Vec<usize> {
        let mut c = vec![i];
        while let Some(p) = self.chain_prev[i] {
            c.push(p);
            i = p;
        }
        c.reverse();
        c
    }

    /// Under `chain`: the unfinished prerequisites of `d` whose value and effort count with
    /// its own (`None` past the horizon).
    pub fn chain_prerequisites(&self, d: usize) -> Option<Vec<usize>> {
        rice::chain_prerequisites(&self.graph, &self.open, d)
    }

    /// What `i` inherits under `sum`: (dependent, decay × its effective score).
    pub fn sum_contributions(&self, i: usize, decay: f64) -> Vec<(usize, f64)> {
        let mut v: Vec<(usize, f64)> = graph::dependents(&self.graph, i)
            .filter(|&j| self.open[j])
            .map(|j| (j, decay * self.effective.score[j]))
            .collect();
        v.sort_unstable_by_key(|&(j, _)| self.rank[j]);
        v
    }
}

/// The first 16 bytes of an id, big-endian, padded with zeros: ids whose keys differ compare
/// as their keys do (a shorter id padded with zeros is a prefix of the other or smaller at the
/// first byte that differs), so only ids with equal keys need their whole text compared.
fn id_key(id: &str) -> u128 {
    let mut k = [0u8; 16];
    let b = id.as_bytes();
    let n = b.len().min(16);
    k[..n].copy_from_slice(&b[..n]);
    u128::from_be_bytes(k)
}

/// Each item's position in id order (the last tie-break).
///
/// Sorted on a key copied out of each id (see [`id_key`]), one contiguous array, rather than
/// through each item to its id's heap allocation at every comparison: at 300k items that
/// pointer chase was a sixth of the run's first-level cache misses.
fn id_ranks(items: &[Item]) -> Vec<u32> {
    let index = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    let mut by_id: Vec<(u128, u32)> = items
        .iter()
        .enumerate()
        .map(|(i, it)| (id_key(&it.id), index(i)))
        .collect();
    by_id.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| items[a.1 as usize].id.cmp(&items[b.1 as usize].id))
    });
    let mut r = vec![0u32; items.len()];
    for (pos, &(_, i)) in by_id.iter().enumerate() {
        r[i as usize] = index(pos);
    }
    r
}

/// The parts of a ranking that do not depend on the estimates.
struct Shape<'b> {
    graph: Arc<DepGraph>,
    topo: &'b [usize],
    open: Vec<bool>,
    id_rank: Vec<u32>,
    /// reach × impact × confidence of each item, and its effort (for `chain`).
    value: Vec<f64>,
    effort: Vec<f64>,
}

impl<'b> Shape<'b> {
    /// The graph and its order are validation's ([`Backlog::graph`]), not built again. With
    /// it, each item's own score: the figures are taken in one pass over the items (200 bytes
    /// each), not one pass per figure.
    fn of(b: &'b Backlog) -> (Shape<'b>, Vec<f64>) {
        let n = b.items.len();
        let mut open = Vec::with_capacity(n);
        let mut value = Vec::with_capacity(n);
        let mut effort = Vec::with_capacity(n);
        let mut own = Vec::with_capacity(n);
        for it in &b.items {
            open.push(it.is_open());
            value.push(it.value());
            effort.push(it.effort);
            own.push(it.own_score());
        }
        let shape = Shape {
            topo: b.topological(),
            graph: Arc::clone(b.graph()),
            open,
            id_rank: id_ranks(&b.items),
            value,
            effort,
        };
        (shape, own)
    }

    fn effective(&self, own: &[f64], strategy: Propagation, decay: f64) -> Effective {
        self.effective_with(own, &self.value, &self.effort, strategy, decay)
    }

    /// [`Shape::effective`] with other values and efforts (the what-ifs of `sensitivity`).
    fn effective_with(
        &self,
        own: &[f64],
        value: &[f64],
        effort: &[f64],
        strategy: Propagation,
        decay: f64,
    ) -> Effective {
        if strategy == Propagation::Chain {
            return rice::propagate_chain(
                &self.graph,
                own,
                value,
                effort,
                &self.open,
                &self.id_rank,
            );
        }
        rice::propagate(
            &self.graph,
            self.topo.iter().rev().copied(),
            own,
            &self.open,
            &self.id_rank,
            strategy,
            decay,
        )
    }

    /// Kahn's algorithm, taking the ready item with the best place in the [`Priority`] order
    /// first: an item becomes ready only when all its open prerequisites are placed, so it can
    /// never rank above one of them.
    fn order(&self, own: &[f64], eff: &[f64]) -> Vec<usize> {
        let n = own.len();
        // Every open item's place in the priority order (0 the best), from one sort of their
        // keys (made in one pass in item order, then sorted where they lie): the ready queue
        // then holds places (one bit each) instead of 24-byte keys.
        let mut keys: Vec<Priority> = (0..n)
            .filter(|&i| self.open[i])
            .map(|i| Priority {
                effective: eff[i],
                own: own[i],
                id_rank: self.id_rank[i],
                index: u32::try_from(i).expect("a backlog has fewer than 2^32 items"),
            })
            .collect();
        // Best first; the id rank makes the order total, so places are unique.
        keys.sort_unstable_by(|a, b| b.cmp(a));
        let by_place: Vec<u32> = keys.iter().map(|k| k.index).collect();
        drop(keys);
        // Per item, what the walk reads of a dependent in one 8-byte record (one cache line
        // per edge at 300k items and more, where the items' arrays no longer fit a cache):
        // its open prerequisites not yet placed, and its place (`CLOSED` for a done item).
        let mut slot = vec![
            Slot {
                waiting: 0,
                place: CLOSED
            };
            n
        ];
        for (p, &i) in by_place.iter().enumerate() {
            slot[i as usize].place = p as u32;
        }
        for i in (0..n).filter(|&i| self.open[i]) {
            for j in graph::dependents(&self.graph, i) {
                slot[j].waiting += 1;
            }
        }
        // Ready items by place, best first (see `MinQueue`: a heap of this size misses the
        // cache on most of its levels).
        let mut ready = MinQueue::new(by_place.len());
        for s in slot.iter().filter(|s| s.place != CLOSED && s.waiting == 0) {
            ready.push(s.place as usize);
        }
        let mut order = Vec::with_capacity(by_place.len());
        while let Some(p) = ready.pop() {
            let i = by_place[p] as usize;
            order.push(i);
            for j in graph::dependents(&self.graph, i) {
                let s = &mut slot[j];
                if s.place != CLOSED {
                    s.waiting -= 1;
                    if s.waiting == 0 {
                        ready.push(s.place as usize);
                    }
                }
            }
        }
        order
    }
}

/// One item in [`Shape::order`]'s walk.
#[derive(Clone, Copy)]
struct Slot {
    waiting: u32,
    place: u32,
}

/// The place of a done item, which is not ranked.
const CLOSED: u32 = u32::MAX;

/// No prerequisite on the critical chain (in the chain pass's 4-byte array).
const NO_PREV: u32 = u32::MAX;

/// Score and order a validated, acyclic backlog.
pub fn rank(b: &Backlog) -> Ranking {
    let (shape, own) = Shape::of(b);
    let n = b.items.len();
    let effective = shape.effective(&own, b.scoring.propagation, b.scoring.decay);
    let order = shape.order(&own, &effective.score);
    let mut rank = vec![None; n];
    let mut pos = vec![0u32; n];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = Some(r + 1);
        pos[i] = u32::try_from(r + 1).expect("a backlog has fewer than 2^32 items");
    }

    // Critical chains, prerequisites before dependents; equal chains go to the smaller id.
    // This loop visits items in topological order and each item's prerequisites at random: what
    // it reads of one (open? chain effort, id rank) is one 16-byte record, and its results go
    // to 4-byte and 8-byte arrays, made into the ranking's own in one pass in item order.
    #[derive(Clone, Copy)]
    struct Link {
        chain_effort: f64,
        id_rank: u32,
        open: bool,
    }
    let mut links: Vec<Link> = (0..n)
        .map(|i| Link {
            chain_effort: 0.0,
            id_rank: shape.id_rank[i],
            open: shape.open[i],
        })
        .collect();
    let longer = |x: &Link, y: &Link| {
        x.chain_effort
            .total_cmp(&y.chain_effort)
            .then(y.id_rank.cmp(&x.id_rank))
    };
    let mut prev = vec![NO_PREV; n];
    for &i in shape.topo {
        if !links[i].open {
            continue;
        }
        let best = graph::prerequisites(&shape.graph, i)
            .filter(|&p| links[p].open)
            .max_by(|&x, &y| longer(&links[x], &links[y]));
        // Saturates like the scores: two efforts near `f64::MAX` must not add up to infinity.
        // The effort from the shape's 8-byte array, not from the item (200 bytes).
        links[i].chain_effort =
            (shape.effort[i] + best.map_or(0.0, |p| links[p].chain_effort)).min(f64::MAX);
        if let Some(p) = best {
            prev[i] = u32::try_from(p).expect("a backlog has fewer than 2^32 items");
        }
    }
    let end = (0..n)
        .filter(|&i| links[i].open)
        .max_by(|&x, &y| longer(&links[x], &links[y]));
    let chain_effort: Vec<f64> = links.iter().map(|l| l.chain_effort).collect();
    drop(links);
    let chain_prev: Vec<Option<usize>> = prev
        .into_iter()
        .map(|p| (p != NO_PREV).then_some(p as usize))
        .collect();
    let mut ranking = Ranking {
        order,
        rank,
        own,
        effective,
        critical: Vec::new(),
        critical_effort: end.map_or(0.0, |i| chain_effort[i]),
        chain_effort,
        chain_prev,
        graph: shape.graph,
        open: shape.open,
        pos,
    };
    if let Some(i) = end {
        ranking.critical = ranking.chain(i);
    }
    ranking
}

/// What one changed estimate would do.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    /// `confidence`, `impact` or `effort`.
    pub estimate: &'static str,
    pub from: f64,
    pub to: f64,
    pub new_rank: usize,
}

/// The what-ifs of one item that change its rank.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Sensitivity {
    pub index: usize,
    pub rank: usize,
    pub changes: Vec<Change>,
}

const CONFIDENCE_STEPS: [f64; 3] = [0.5, 0.8, 1.0];
const IMPACT_STEPS: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 3.0];

/// The scale values one step below and above `x` (or the nearest ones if it is between).
fn steps(scale: &[f64], x: f64) -> Vec<f64> {
    let below = scale.iter().rev().find(|s| **s < x - 1e-9).copied();
    let above = scale.iter().find(|s| **s > x + 1e-9).copied();
    [below, above].into_iter().flatten().collect()
}

/// For each of the first `top` ranked items: each single change of one estimate (confidence
/// one step on 50/80/100%, impact one step on the scale, effort −50% or +50%) that would move
/// it, and the rank it would move to. Each what-if re-runs propagation and ordering with that
/// one own score changed; the graph is built once.
pub fn sensitivity(b: &Backlog, ranking: &Ranking, top: usize) -> Vec<Sensitivity> {
    let (shape, _) = Shape::of(b);
    let strategy = b.scoring.propagation;
    let decay = b.scoring.decay;
    ranking
        .order
        .iter()
        .take(top)
        .enumerate()
        .map(|(pos, &i)| {
            let it = &b.items[i];
            let mut what_ifs: Vec<(&'static str, f64, f64, f64)> = Vec::new();
            for c in steps(&CONFIDENCE_STEPS, it.confidence) {
                what_ifs.push((
                    "confidence",
                    it.confidence,
                    c,
                    rice::own_score(it.reach, it.impact, c, it.effort),
                ));
            }
            for m in steps(&IMPACT_STEPS, it.impact) {
                what_ifs.push((
                    "impact",
                    it.impact,
                    m,
                    rice::own_score(it.reach, m, it.confidence, it.effort),
                ));
            }
            for f in [0.5, 1.5] {
                // +50% of an effort near `f64::MAX` saturates instead of becoming infinity.
                let e = (it.effort * f).min(f64::MAX);
                what_ifs.push((
                    "effort",
                    it.effort,
                    e,
                    rice::own_score(it.reach, it.impact, it.confidence, e),
                ));
            }
            let mut own = ranking.own.clone();
            let mut value = shape.value.clone();
            let mut effort = shape.effort.clone();
            let changes = what_ifs
                .into_iter()
                .filter_map(|(estimate, from, to, score)| {
                    own[i] = score;
                    // The chain strategy also needs the item's value and effort on their own.
                    if estimate == "effort" {
                        effort[i] = to;
                    } else {
                        value[i] = (score * it.effort).min(f64::MAX);
                    }
                    let eff = shape.effective_with(&own, &value, &effort, strategy, decay);
                    let order = shape.order(&own, &eff.score);
                    own[i] = ranking.own[i];
                    value[i] = shape.value[i];
                    effort[i] = shape.effort[i];
                    let new_rank = order
                        .iter()
                        .position(|&x| x == i)
                        .map_or(pos + 1, |p| p + 1);
                    (new_rank != pos + 1).then_some(Change {
                        estimate,
                        from,
                        to,
                        new_rank,
                    })
                })
                .collect();
            Sensitivity {
                index: i,
                rank: pos + 1,
                changes,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backlog::Status;

    fn item(id: &str) -> Item {
        Item {
            id: id.to_owned(),
            title: String::new(),
            description: String::new(),
            reach: 1.0,
            impact: 1.0,
            confidence: 1.0,
            effort: 1.0,
            effort_label: None,
            prereqs: Vec::new(),
            status: Status::Todo,
            tags: Vec::new(),
            url: None,
            needs_estimate: false,
            line: 1,
        }
    }

    /// The keyed sort puts ids in the order of comparing their text: prefixes, zero bytes,
    /// ids longer than the key with equal first 16 bytes, non-ASCII.
    #[test]
    fn id_ranks_follow_the_ids_text_order() {
        let mut ids: Vec<String> = [
            "",
            "a",
            "a\0",
            "a\0b",
            "ab",
            "abc",
            "b",
            "é",
            "e\u{301}",
            "item-1",
            "item-10",
            "item-100",
            "item-2",
            "Item-1",
            "\u{10ffff}",
            "0123456789abcdef",
            "0123456789abcdef0",
            "0123456789abcdef\0",
            "0123456789abcdefz",
            "0123456789abcdeg",
            "0123456789abcde",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..2000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 24) as usize;
            let id: String = (0..len)
                .map(|k| ['a', 'b', '-', '0', '\0', 'é'][((state >> (k * 2)) % 6) as usize])
                .collect();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let items: Vec<Item> = ids.iter().map(|s| item(s)).collect();
        let mut by_id: Vec<usize> = (0..items.len()).collect();
        by_id.sort_by(|&a, &b| items[a].id.cmp(&items[b].id));
        let mut expected = vec![0u32; items.len()];
        for (pos, &i) in by_id.iter().enumerate() {
            expected[i] = u32::try_from(pos).expect("small");
        }
        assert_eq!(id_ranks(&items), expected);
    }
}
