//! The dependency graph (petgraph), cycles, effective scores, the ranked order, critical
//! chains and sensitivity. Edges run from a prerequisite to the item that depends on it.
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use petgraph::Direction;
use petgraph::algo::{tarjan_scc, toposort};
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use super::{Backlog, Finding, Item, Propagation, Status};

/// Build the graph: one node per item (weight = index into `items`).
pub fn build(b: &Backlog) -> DiGraph<usize, ()> {
    let mut g = DiGraph::with_capacity(b.items.len(), b.items.len() * 3);
    let index: HashMap<&str, NodeIndex> = b
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.id.as_str(), g.add_node(i)))
        .collect();
    for (i, it) in b.items.iter().enumerate() {
        for d in &it.depends_on {
            if let Some(&p) = index.get(d.as_str()) {
                g.add_edge(p, NodeIndex::new(i), ());
            }
        }
    }
    g
}

/// How many members and edges of one cycle are named before "and N more".
const CYCLE_LIST: usize = 12;

/// Every strongly connected component with more than one member, as a finding naming its
/// members and the edges that close the loop.
pub fn cycles(b: &Backlog) -> Vec<Finding> {
    let g = build(b);
    let mut out = Vec::new();
    for mut comp in tarjan_scc(&g) {
        if comp.len() < 2 {
            continue;
        }
        comp.sort_by_key(|n| g[*n]);
        let g = &g;
        let members: std::collections::HashSet<NodeIndex> = comp.iter().copied().collect();
        let mut edges: Vec<(usize, usize)> = Vec::new();
        for &n in &comp {
            for m in g.neighbors_directed(n, Direction::Outgoing) {
                if members.contains(&m) {
                    edges.push((g[n], g[m]));
                }
            }
        }
        edges.sort_unstable();
        let name = |i: usize| format!("`{}`", b.items[i].id);
        let members: Vec<String> = comp.iter().take(CYCLE_LIST).map(|n| name(g[*n])).collect();
        let more = |n: usize| {
            if n > CYCLE_LIST {
                format!(" and {} more", n - CYCLE_LIST)
            } else {
                String::new()
            }
        };
        // "a -> b" reads "b depends on a".
        let closing: Vec<String> = edges
            .iter()
            .take(CYCLE_LIST)
            .map(|(p, d)| format!("{} depends on {}", name(*d), name(*p)))
            .collect();
        let first = &b.items[g[comp[0]]];
        out.push(Finding {
            code: "B011",
            message: format!(
                "dependency cycle of {} items: {}{}; the loop is closed by: {}{}",
                comp.len(),
                members.join(", "),
                more(comp.len()),
                closing.join("; "),
                more(edges.len())
            ),
            line: first.line,
            col: 1,
        });
    }
    out.sort_by_key(|f| f.line);
    out
}

/// A contribution to an item's effective score.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Inherit {
    /// The dependent it comes through.
    pub from: String,
    pub value: f64,
}

/// One ranked item.
#[derive(Debug, Clone, Serialize)]
pub struct Ranked {
    pub rank: usize,
    /// Index into `Backlog::items`.
    #[serde(skip)]
    pub index: usize,
    pub id: String,
    pub own_score: f64,
    pub effective_score: f64,
    /// Direct contributions (for `max`, the one it took; for `sum`, all of them).
    pub inherits: Vec<Inherit>,
    /// Unfinished items that depend directly on this one.
    pub unblocks: Vec<String>,
    /// Unfinished direct prerequisites.
    pub blocked_by: Vec<String>,
    /// Effort of the longest effort-weighted chain of unfinished prerequisites ending here.
    pub chain_effort: f64,
    /// The prerequisite before this item on that chain (follow it to rebuild the chain).
    pub chain_prev: Option<String>,
}

/// The ranked backlog.
#[derive(Debug, Clone, Serialize)]
pub struct Ranking {
    pub items: Vec<Ranked>,
    /// Ids of done items (satisfied, not ranked).
    pub done: Vec<String>,
    /// The backlog's critical chain: the longest effort-weighted chain of unfinished items.
    pub critical_path: Vec<String>,
    pub critical_effort: f64,
    /// Predecessor on each item's critical chain, by item index.
    #[serde(skip)]
    pred: Vec<Option<usize>>,
}

impl Ranking {
    /// The critical chain ending at item `index`, first prerequisite first.
    pub fn chain(&self, b: &Backlog, mut index: usize) -> Vec<String> {
        let mut c = vec![b.items[index].id.clone()];
        while let Some(p) = self.pred[index] {
            c.push(b.items[p].id.clone());
            index = p;
        }
        c.reverse();
        c
    }

    /// The ranked entry of an item id.
    pub fn get(&self, id: &str) -> Option<&Ranked> {
        self.items.iter().find(|r| r.id == id)
    }
}

#[derive(PartialEq)]
struct Key {
    eff: f64,
    own: f64,
    idx: usize,
}

impl Eq for Key {}

impl Ord for Key {
    // Tie-breaks, in order: higher effective score, higher own score, then the item listed
    // first in the file. The file order is the author's own order, stable across runs.
    fn cmp(&self, other: &Self) -> Ordering {
        self.eff
            .total_cmp(&other.eff)
            .then(self.own.total_cmp(&other.own))
            .then(other.idx.cmp(&self.idx))
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Score and order a validated, acyclic backlog.
pub fn rank(b: &Backlog) -> Ranking {
    let g = build(b);
    let items = &b.items;
    let open = |i: usize| items[i].status != Status::Done;
    let order = toposort(&g, None).expect("cycles are rejected when the backlog is loaded");
    let n = items.len();
    let own: Vec<f64> = items.iter().map(Item::own_score).collect();

    // Effective scores, dependents before prerequisites.
    let mut eff = own.clone();
    let mut inherits: Vec<Vec<Inherit>> = vec![Vec::new(); n];
    if b.scoring.propagation != Propagation::None {
        for &v in order.iter().rev() {
            let i = g[v];
            if !open(i) {
                continue;
            }
            for d in g.neighbors_directed(v, Direction::Outgoing) {
                let j = g[d];
                if !open(j) {
                    continue;
                }
                match b.scoring.propagation {
                    Propagation::Max if eff[j] > eff[i] => {
                        eff[i] = eff[j];
                        inherits[i] = vec![Inherit {
                            from: items[j].id.clone(),
                            value: round(eff[j]),
                        }];
                    }
                    Propagation::Sum => {
                        let add = b.scoring.decay * eff[j];
                        eff[i] += add;
                        inherits[i].push(Inherit {
                            from: items[j].id.clone(),
                            value: round(add),
                        });
                    }
                    _ => {}
                }
            }
            inherits[i].sort_by(|x, y| x.from.cmp(&y.from));
        }
    }

    // Critical chains, prerequisites before dependents.
    let mut chain_effort: Vec<f64> = vec![0.0; n];
    let mut pred: Vec<Option<usize>> = vec![None; n];
    for &v in &order {
        let i = g[v];
        if !open(i) {
            continue;
        }
        let best = g
            .neighbors_directed(v, Direction::Incoming)
            .map(|p| g[p])
            .filter(|&p| open(p))
            .max_by(|&x, &y| chain_effort[x].total_cmp(&chain_effort[y]).then(y.cmp(&x)));
        chain_effort[i] = items[i].effort + best.map_or(0.0, |p| chain_effort[p]);
        pred[i] = best;
    }
    // Topological order with a priority queue: an item enters the queue once all its
    // unfinished prerequisites are placed, so it can never rank above one of them.
    let mut indeg = vec![0usize; n];
    for e in g.edge_indices() {
        let (p, d) = g.edge_endpoints(e).expect("edge");
        if open(g[p]) && open(g[d]) {
            indeg[g[d]] += 1;
        }
    }
    let mut heap: BinaryHeap<Key> = (0..n)
        .filter(|&i| open(i) && indeg[i] == 0)
        .map(|i| Key {
            eff: eff[i],
            own: own[i],
            idx: i,
        })
        .collect();
    let mut ranked = Vec::with_capacity(n);
    while let Some(Key { idx: i, .. }) = heap.pop() {
        let v = NodeIndex::new(i);
        let mut unblocks = Vec::new();
        for d in g.neighbors_directed(v, Direction::Outgoing) {
            let j = g[d];
            if !open(j) {
                continue;
            }
            unblocks.push(items[j].id.clone());
            indeg[j] -= 1;
            if indeg[j] == 0 {
                heap.push(Key {
                    eff: eff[j],
                    own: own[j],
                    idx: j,
                });
            }
        }
        unblocks.sort();
        let mut blocked_by: Vec<String> = g
            .neighbors_directed(v, Direction::Incoming)
            .filter(|p| open(g[*p]))
            .map(|p| items[g[p]].id.clone())
            .collect();
        blocked_by.sort();
        ranked.push(Ranked {
            rank: ranked.len() + 1,
            index: i,
            id: items[i].id.clone(),
            own_score: round(own[i]),
            effective_score: round(eff[i]),
            inherits: std::mem::take(&mut inherits[i]),
            unblocks,
            blocked_by,
            chain_effort: round(chain_effort[i]),
            chain_prev: pred[i].map(|p| items[p].id.clone()),
        });
    }
    let critical = (0..n)
        .filter(|&i| open(i))
        .max_by(|&x, &y| chain_effort[x].total_cmp(&chain_effort[y]).then(y.cmp(&x)));
    let mut ranking = Ranking {
        done: items
            .iter()
            .filter(|it| it.status == Status::Done)
            .map(|it| it.id.clone())
            .collect(),
        critical_path: Vec::new(),
        critical_effort: critical.map_or(0.0, |i| round(chain_effort[i])),
        items: ranked,
        pred,
    };
    if let Some(i) = critical {
        ranking.critical_path = ranking.chain(b, i);
    }
    ranking
}

/// A single change of estimate and the rank it would give.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Sensitivity {
    pub id: String,
    pub rank: usize,
    /// Only the changes that move the item.
    pub changes: Vec<Change>,
}

/// One what-if.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    pub estimate: String,
    pub from: String,
    pub to: String,
    pub new_rank: usize,
}

const CONFIDENCE_STEPS: [f64; 3] = [0.5, 0.8, 1.0];
const IMPACT_STEPS: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 3.0];

fn neighbours(steps: &[f64], x: f64) -> Vec<f64> {
    let pos = steps.iter().position(|s| (s - x).abs() < 1e-9);
    match pos {
        Some(p) => [p.checked_sub(1), Some(p + 1)]
            .into_iter()
            .flatten()
            .filter_map(|q| steps.get(q).copied())
            .collect(),
        None => {
            let below = steps.iter().rev().find(|s| **s < x).copied();
            let above = steps.iter().find(|s| **s > x).copied();
            [below, above].into_iter().flatten().collect()
        }
    }
}

/// For each of the first `top` ranked items: which single estimate change (confidence one
/// step on 50/80/100%, impact one step on the scale, effort ±50%) would change its rank.
pub fn sensitivity(b: &Backlog, ranking: &Ranking, top: usize) -> Vec<Sensitivity> {
    let pct = |x: f64| format!("{:.0}%", x * 100.0);
    let num = |x: f64| format!("{}", round(x));
    ranking
        .items
        .iter()
        .take(top)
        .map(|r| {
            let it = &b.items[r.index];
            let mut what_ifs: Vec<(String, String, String, Item)> = Vec::new();
            for c in neighbours(&CONFIDENCE_STEPS, it.confidence) {
                what_ifs.push((
                    "confidence".into(),
                    pct(it.confidence),
                    pct(c),
                    Item {
                        confidence: c,
                        ..it.clone()
                    },
                ));
            }
            for i in neighbours(&IMPACT_STEPS, it.impact) {
                what_ifs.push((
                    "impact".into(),
                    num(it.impact),
                    num(i),
                    Item {
                        impact: i,
                        ..it.clone()
                    },
                ));
            }
            for f in [0.5, 1.5] {
                let e = it.effort * f;
                what_ifs.push((
                    "effort".into(),
                    num(it.effort),
                    num(e),
                    Item {
                        effort: e,
                        ..it.clone()
                    },
                ));
            }
            let changes = what_ifs
                .into_iter()
                .filter_map(|(estimate, from, to, changed)| {
                    let mut alt = b.clone();
                    alt.items[r.index] = changed;
                    let new_rank = rank(&alt)
                        .items
                        .iter()
                        .find(|x| x.index == r.index)
                        .map_or(r.rank, |x| x.rank);
                    (new_rank != r.rank).then_some(Change {
                        estimate,
                        from,
                        to,
                        new_rank,
                    })
                })
                .collect();
            Sensitivity {
                id: r.id.clone(),
                rank: r.rank,
                changes,
            }
        })
        .collect()
}
