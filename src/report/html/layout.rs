//! A layered (Sugiyama-style) drawing of a dependency graph, as pure data: node positions and
//! edge routes, left to right (prerequisites in the left columns). `report` turns it into SVG.
//!
//! 1. **Layers** by longest path from the prerequisites: an item without prerequisites is in
//!    layer 0, any other one column right of its furthest prerequisite. A cycle (validation
//!    rejects them, so only a library caller can pass one) is broken by forcing the
//!    smallest-index waiting node into place; the edges that then point backwards are drawn as
//!    straight `back` edges instead of failing.
//! 2. **Dummy nodes** on every layer an edge skips, so long edges are routed between the
//!    columns' nodes instead of through them.
//! 3. **Order within a layer**: barycenter sweeps (down by prerequisites, up by dependents),
//!    keeping the order with the fewest crossings seen (counted exactly, by inversions).
//! 4. **Coordinates**: each column is placed as close as possible to the mean position of its
//!    neighbours (weighted isotonic regression under the minimum-gap constraints, so nodes
//!    never overlap and keep their order), alternating down and up a few times.
//!
//! Everything is index-based and sorts stably: the same graph always gives the same drawing.
use std::cmp::Ordering;

use crate::backlog::Backlog;
use crate::backlog::rank::Ranking;

/// Sizes and spacing (in SVG user units).
#[derive(Debug, Clone, Copy)]
pub struct Config {
    pub node_width: f64,
    pub node_height: f64,
    /// Horizontal space between two columns.
    pub layer_gap: f64,
    /// Vertical space between two boxes of a column.
    pub node_gap: f64,
    /// The height a long edge takes where it crosses a column.
    pub dummy_height: f64,
    /// Blank border around the drawing.
    pub margin: f64,
    /// Barycenter sweeps (one down or one up pass each).
    pub sweeps: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            node_width: 200.0,
            node_height: 58.0,
            layer_gap: 70.0,
            node_gap: 16.0,
            dummy_height: 6.0,
            margin: 16.0,
            sweeps: 12,
        }
    }
}

/// A placed node (one per input node): its column, its place in the column and its box.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeBox {
    pub layer: usize,
    /// Position within the layer, from the top (dummy nodes included).
    pub order: usize,
    /// Top-left corner.
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// A routed edge: a polyline from the right side of `from` to the left side of `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeRoute {
    pub from: usize,
    pub to: usize,
    pub points: Vec<(f64, f64)>,
    /// The edge closes a cycle and points right to left (never for a validated backlog).
    pub back: bool,
}

/// The drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// By input node index.
    pub nodes: Vec<NodeBox>,
    /// In input order after removing duplicates and self-loops.
    pub edges: Vec<EdgeRoute>,
    pub layers: usize,
    pub width: f64,
    pub height: f64,
    /// Edge crossings between adjacent columns in the chosen order.
    pub crossings: usize,
    /// Dummy nodes inserted for long edges.
    pub dummies: usize,
}

/// One vertex of the proper layered graph: a real node or a dummy on a long edge.
struct Vertex {
    layer: usize,
    height: f64,
    preds: Vec<usize>,
    succs: Vec<usize>,
}

/// Lay out `n` nodes and `edges` (`(from, to)`: from a prerequisite to its dependent).
/// Out-of-range endpoints, self-loops and duplicate edges are ignored.
pub fn layered(n: usize, edges: &[(usize, usize)], cfg: &Config) -> Layout {
    let mut edges: Vec<(usize, usize)> = edges
        .iter()
        .copied()
        .filter(|&(a, b)| a != b && a < n && b < n)
        .collect();
    edges.sort_unstable();
    edges.dedup();

    let layer = assign_layers(n, &edges);
    let layers = layer.iter().max().map_or(0, |m| m + 1);

    // The proper graph: real nodes first (vertex i = node i), then dummies per edge.
    let mut v: Vec<Vertex> = (0..n)
        .map(|i| Vertex {
            layer: layer[i],
            height: cfg.node_height,
            preds: Vec::new(),
            succs: Vec::new(),
        })
        .collect();
    // Per edge: the chain of vertices it runs through (empty for a back edge).
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(edges.len());
    for &(a, b) in &edges {
        if layer[a] >= layer[b] {
            chains.push(Vec::new());
            continue;
        }
        let mut chain = vec![a];
        for l in layer[a] + 1..layer[b] {
            v.push(Vertex {
                layer: l,
                height: cfg.dummy_height,
                preds: Vec::new(),
                succs: Vec::new(),
            });
            chain.push(v.len() - 1);
        }
        chain.push(b);
        for w in chain.windows(2) {
            v[w[0]].succs.push(w[1]);
            v[w[1]].preds.push(w[0]);
        }
        chains.push(chain);
    }
    let dummies = v.len() - n;

    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for (i, x) in v.iter().enumerate() {
        rows[x.layer].push(i);
    }
    let crossings = order_layers(&v, &mut rows, cfg.sweeps);
    let mut pos = vec![0usize; v.len()];
    for row in &rows {
        for (k, &x) in row.iter().enumerate() {
            pos[x] = k;
        }
    }
    let centre = place_vertically(&v, &rows, cfg);

    let column_x = |l: usize| cfg.margin + l as f64 * (cfg.node_width + cfg.layer_gap);
    let nodes: Vec<NodeBox> = (0..n)
        .map(|i| NodeBox {
            layer: layer[i],
            order: pos[i],
            x: column_x(layer[i]),
            y: centre[i] - cfg.node_height / 2.0,
            width: cfg.node_width,
            height: cfg.node_height,
        })
        .collect();
    let routes = edges
        .iter()
        .zip(&chains)
        .map(|(&(a, b), chain)| {
            let right = |x: usize| (column_x(v[x].layer) + cfg.node_width, centre[x]);
            let left = |x: usize| (column_x(v[x].layer), centre[x]);
            if chain.is_empty() {
                return EdgeRoute {
                    from: a,
                    to: b,
                    points: vec![right(a), left(b)],
                    back: true,
                };
            }
            let mut points = vec![right(a)];
            for &d in &chain[1..chain.len() - 1] {
                points.push(left(d));
                points.push(right(d));
            }
            points.push(left(b));
            EdgeRoute {
                from: a,
                to: b,
                points,
                back: false,
            }
        })
        .collect();
    let height = centre
        .iter()
        .zip(&v)
        .map(|(c, x)| c + x.height / 2.0)
        .fold(0.0f64, f64::max)
        + cfg.margin;
    let width = if layers == 0 {
        2.0 * cfg.margin
    } else {
        column_x(layers - 1) + cfg.node_width + cfg.margin
    };
    Layout {
        nodes,
        edges: routes,
        layers,
        width,
        height: height.max(2.0 * cfg.margin),
        crossings,
        dummies,
    }
}

/// Longest-path layers (Kahn's order, smallest index first). A node left waiting by a cycle is
/// forced into place (the smallest index first), one column right of its placed prerequisites.
fn assign_layers(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut waiting = vec![0usize; n];
    for &(a, b) in edges {
        succs[a].push(b);
        waiting[b] += 1;
    }
    let mut layer = vec![0usize; n];
    let mut placed = vec![false; n];
    let mut heap: std::collections::BinaryHeap<std::cmp::Reverse<usize>> = (0..n)
        .filter(|&i| waiting[i] == 0)
        .map(std::cmp::Reverse)
        .collect();
    let mut next_forced = 0;
    let mut done = 0;
    while done < n {
        let i = match heap.pop() {
            Some(std::cmp::Reverse(i)) => i,
            None => {
                // Only a cycle leaves nodes waiting with an empty queue.
                while placed[next_forced] {
                    next_forced += 1;
                }
                next_forced
            }
        };
        if placed[i] {
            continue;
        }
        placed[i] = true;
        done += 1;
        for &j in &succs[i] {
            if placed[j] {
                continue;
            }
            layer[j] = layer[j].max(layer[i] + 1);
            waiting[j] -= 1;
            if waiting[j] == 0 {
                heap.push(std::cmp::Reverse(j));
            }
        }
    }
    layer
}

/// Reorder each layer to reduce crossings; returns the crossings of the order kept.
fn order_layers(v: &[Vertex], rows: &mut [Vec<usize>], sweeps: usize) -> usize {
    let mut pos = vec![0usize; v.len()];
    let index = |rows: &[Vec<usize>], pos: &mut [usize]| {
        for row in rows {
            for (k, &x) in row.iter().enumerate() {
                pos[x] = k;
            }
        }
    };
    // Start from a depth-first order, which keeps chains together.
    initial_order(v, rows);
    index(rows, &mut pos);
    let mut best = rows.to_vec();
    let mut best_crossings = count_crossings(v, rows, &pos);
    for sweep in 0..sweeps {
        if best_crossings == 0 {
            break;
        }
        let down = sweep % 2 == 0;
        let layer_order: Vec<usize> = if down {
            (1..rows.len()).collect()
        } else {
            (0..rows.len().saturating_sub(1)).rev().collect()
        };
        for l in layer_order {
            let mut keyed: Vec<(f64, usize)> = rows[l]
                .iter()
                .map(|&x| {
                    let nbrs = if down { &v[x].preds } else { &v[x].succs };
                    let bc = if nbrs.is_empty() {
                        pos[x] as f64
                    } else {
                        nbrs.iter().map(|&y| pos[y] as f64).sum::<f64>() / nbrs.len() as f64
                    };
                    (bc, x)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            rows[l] = keyed.into_iter().map(|(_, x)| x).collect();
            for (k, &x) in rows[l].iter().enumerate() {
                pos[x] = k;
            }
        }
        let c = count_crossings(v, rows, &pos);
        if c < best_crossings {
            best_crossings = c;
            best = rows.to_vec();
        }
    }
    rows.clone_from_slice(&best);
    best_crossings
}

/// Depth-first from the sources (smallest index first): each layer lists its vertices in the
/// order the search first reaches them.
fn initial_order(v: &[Vertex], rows: &mut [Vec<usize>]) {
    let mut seen = vec![false; v.len()];
    let mut order: Vec<usize> = Vec::with_capacity(v.len());
    let mut stack: Vec<usize> = Vec::new();
    let roots = (0..v.len()).filter(|&i| v[i].preds.is_empty());
    for r in roots.chain(0..v.len()) {
        if seen[r] {
            continue;
        }
        stack.push(r);
        while let Some(x) = stack.pop() {
            if seen[x] {
                continue;
            }
            seen[x] = true;
            order.push(x);
            for &y in v[x].succs.iter().rev() {
                if !seen[y] {
                    stack.push(y);
                }
            }
        }
    }
    let mut rank = vec![0usize; v.len()];
    for (k, &x) in order.iter().enumerate() {
        rank[x] = k;
    }
    for row in rows.iter_mut() {
        row.sort_by_key(|&x| rank[x]);
    }
}

/// Crossings between every pair of adjacent layers: the inversions of the lower endpoints when
/// the edges are sorted by their upper endpoints (a Fenwick tree, O(E log V) per pair).
fn count_crossings(v: &[Vertex], rows: &[Vec<usize>], pos: &[usize]) -> usize {
    let mut total = 0;
    for l in 0..rows.len().saturating_sub(1) {
        let mut ends: Vec<(usize, usize)> = rows[l]
            .iter()
            .flat_map(|&x| v[x].succs.iter().map(move |&y| (pos[x], pos[y])))
            .collect();
        ends.sort_unstable();
        let size = rows[l + 1].len();
        let mut tree = vec![0usize; size + 1];
        for (seen, &(_, b)) in ends.iter().enumerate() {
            // Edges already seen whose lower end is strictly right of b cross this one.
            let mut k = b + 1;
            let mut at_most = 0;
            while k > 0 {
                at_most += tree[k];
                k &= k - 1;
            }
            total += seen - at_most;
            let mut k = b + 1;
            while k <= size {
                tree[k] += 1;
                k += k & k.wrapping_neg();
            }
        }
    }
    total
}

/// Vertical centres: each column as close as possible to its neighbours' mean, in order and
/// without overlap, alternating down and up passes.
fn place_vertically(v: &[Vertex], rows: &[Vec<usize>], cfg: &Config) -> Vec<f64> {
    let mut centre = vec![0.0f64; v.len()];
    for row in rows {
        let mut y = cfg.margin;
        for &x in row {
            centre[x] = y + v[x].height / 2.0;
            y += v[x].height + cfg.node_gap;
        }
    }
    let gap = |a: usize, b: usize| (v[a].height + v[b].height) / 2.0 + cfg.node_gap;
    for pass in 0..8 {
        let down = pass % 2 == 0;
        let layer_order: Vec<usize> = if down {
            (0..rows.len()).collect()
        } else {
            (0..rows.len()).rev().collect()
        };
        for l in layer_order {
            let row = &rows[l];
            if row.is_empty() {
                continue;
            }
            let targets: Vec<(f64, f64)> = row
                .iter()
                .map(|&x| {
                    let nbrs = if down { &v[x].preds } else { &v[x].succs };
                    let nbrs = if nbrs.is_empty() {
                        if down { &v[x].succs } else { &v[x].preds }
                    } else {
                        nbrs
                    };
                    if nbrs.is_empty() {
                        (centre[x], 0.1)
                    } else {
                        let mean = nbrs.iter().map(|&y| centre[y]).sum::<f64>() / nbrs.len() as f64;
                        // Real boxes pull harder than the dummy points of long edges.
                        let w = if v[x].height >= cfg.node_height {
                            2.0
                        } else {
                            1.0
                        };
                        (mean, w)
                    }
                })
                .collect();
            let gaps: Vec<f64> = row.windows(2).map(|w| gap(w[0], w[1])).collect();
            let placed = isotonic(&targets, &gaps);
            for (&x, y) in row.iter().zip(placed) {
                centre[x] = y;
            }
        }
    }
    close_gaps(v, &mut centre, 2.0 * cfg.node_gap);
    // Shift everything so the topmost box starts at the margin.
    let top = v
        .iter()
        .zip(&centre)
        .map(|(x, c)| c - x.height / 2.0)
        .fold(f64::INFINITY, f64::min);
    if top.is_finite() {
        for c in &mut centre {
            *c += cfg.margin - top;
        }
    }
    centre
}

/// Close horizontal bands wider than `max_gap` that no box and no edge crosses (they appear
/// between unconnected parts of the graph), moving everything below them up.
fn close_gaps(v: &[Vertex], centre: &mut [f64], max_gap: f64) {
    let mut spans: Vec<(f64, f64)> = v
        .iter()
        .zip(centre.iter())
        .map(|(x, &c)| (c - x.height / 2.0, c + x.height / 2.0))
        .collect();
    for (a, x) in v.iter().enumerate() {
        for &b in &x.succs {
            spans.push((centre[a].min(centre[b]), centre[a].max(centre[b])));
        }
    }
    spans.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.total_cmp(&q.1)));
    // (where the gap starts, how much to remove below it)
    let mut cuts: Vec<(f64, f64)> = Vec::new();
    let mut reach = f64::NEG_INFINITY;
    for (lo, hi) in spans {
        if reach.is_finite() && lo - reach > max_gap {
            cuts.push((reach, lo - reach - max_gap));
        }
        reach = reach.max(hi);
    }
    if cuts.is_empty() {
        return;
    }
    for c in centre.iter_mut() {
        let shift: f64 = cuts.iter().filter(|(at, _)| *c > *at).map(|(_, d)| d).sum();
        *c -= shift;
    }
}

/// Positions `y` minimising Σ w·(y − target)² subject to `y[k+1] ≥ y[k] + gaps[k]`: with
/// `z[k] = y[k] − Σ gaps[..k]` the constraint is `z` non-decreasing, which the
/// pool-adjacent-violators algorithm solves exactly.
fn isotonic(targets: &[(f64, f64)], gaps: &[f64]) -> Vec<f64> {
    let mut offset = Vec::with_capacity(targets.len());
    let mut s = 0.0;
    for k in 0..targets.len() {
        offset.push(s);
        if let Some(g) = gaps.get(k) {
            s += g;
        }
    }
    // Blocks of (weighted sum, weight, length).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for (k, &(t, w)) in targets.iter().enumerate() {
        blocks.push((w * (t - offset[k]), w, 1));
        while blocks.len() > 1 {
            let (s2, w2, n2) = blocks[blocks.len() - 1];
            let (s1, w1, n1) = blocks[blocks.len() - 2];
            if (s1 / w1).partial_cmp(&(s2 / w2)) == Some(Ordering::Greater) {
                blocks.pop();
                let last = blocks.len() - 1;
                blocks[last] = (s1 + s2, w1 + w2, n1 + n2);
            } else {
                break;
            }
        }
    }
    let mut out = Vec::with_capacity(targets.len());
    for (sum, w, len) in blocks {
        let z = sum / w;
        for _ in 0..len {
            out.push(z + offset[out.len()]);
        }
    }
    out
}

/// The dependency graph of a backlog as drawn in the report.
#[derive(Debug, Clone)]
pub struct BacklogDrawing {
    /// The drawn items (item indices); node `k` of `layout` is item `items[k]`.
    pub items: Vec<usize>,
    pub layout: Layout,
    /// Open and done items left out because the backlog is larger than the cap.
    pub omitted_open: usize,
    pub omitted_done: usize,
}

/// Draw a backlog. Up to `cap` items, every item is drawn. Above it, a picture of thousands of
/// boxes is unreadable (and slow to lay out), so the drawing keeps the start of the critical
/// chain (at most a third of the cap), then the best-ranked open items (a prefix of the
/// ranking is closed under open prerequisites, since no item ranks above one of its
/// prerequisites), then done prerequisites of drawn items while room remains; the caller says
/// what was left out.
pub fn backlog(b: &Backlog, r: &Ranking, cap: usize, cfg: &Config) -> BacklogDrawing {
    let n = b.items.len();
    let mut drawn = vec![false; n];
    let items: Vec<usize> = if n <= cap {
        drawn.fill(true);
        (0..n).collect()
    } else {
        let mut keep: Vec<usize> = Vec::with_capacity(cap);
        let chain = r.critical.len().min(cap / 3);
        for &i in r.critical[..chain].iter().chain(&r.order) {
            if keep.len() >= cap {
                break;
            }
            if !drawn[i] {
                drawn[i] = true;
                keep.push(i);
            }
        }
        let mut done: Vec<usize> = keep
            .iter()
            .flat_map(|&i| b.items[i].prereqs.iter().copied())
            .filter(|&p| !b.items[p].is_open())
            .collect();
        done.sort_unstable();
        done.dedup();
        for p in done {
            if keep.len() >= cap {
                break;
            }
            drawn[p] = true;
            keep.push(p);
        }
        // File order, so the layout's index tie-breaks follow the file.
        keep.sort_unstable();
        keep
    };
    let mut slot = vec![usize::MAX; n];
    for (k, &i) in items.iter().enumerate() {
        slot[i] = k;
    }
    let edges: Vec<(usize, usize)> = items
        .iter()
        .flat_map(|&i| {
            b.items[i]
                .prereqs
                .iter()
                .filter(|&&p| drawn[p])
                .map(|&p| (slot[p], slot[i]))
                .collect::<Vec<_>>()
        })
        .collect();
    let layout = layered(items.len(), &edges, cfg);
    let open_total = b.items.iter().filter(|it| it.is_open()).count();
    let open_drawn = items.iter().filter(|&&i| b.items[i].is_open()).count();
    BacklogDrawing {
        omitted_open: open_total - open_drawn,
        omitted_done: (n - open_total) - (items.len() - open_drawn),
        items,
        layout,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The invariants every drawing keeps.
    fn check(n: usize, edges: &[(usize, usize)], l: &Layout) {
        assert_eq!(l.nodes.len(), n, "one box per node");
        for e in &l.edges {
            if !e.back {
                assert!(
                    l.nodes[e.from].layer < l.nodes[e.to].layer,
                    "edge {}->{} points right",
                    e.from,
                    e.to
                );
                let first = e.points[0];
                let last = e.points[e.points.len() - 1];
                assert!(first.0 < last.0);
                assert!(e.points.windows(2).all(|w| w[0].0 <= w[1].0));
            }
        }
        for (a, b) in edges {
            if a != b {
                assert!(l.edges.iter().any(|e| e.from == *a && e.to == *b));
            }
        }
        for (i, x) in l.nodes.iter().enumerate() {
            assert!(x.x >= 0.0 && x.y >= 0.0 && x.x + x.width <= l.width + 1e-6);
            assert!(x.y + x.height <= l.height + 1e-6);
            for (j, y) in l.nodes.iter().enumerate().skip(i + 1) {
                if x.layer == y.layer {
                    assert_ne!(x.order, y.order);
                    let apart = x.y + x.height <= y.y + 1e-6 || y.y + y.height <= x.y + 1e-6;
                    assert!(apart, "nodes {i} and {j} overlap in layer {}", x.layer);
                    assert_eq!(x.order < y.order, x.y < y.y, "order is top to bottom");
                }
            }
        }
    }

    #[test]
    fn layers_follow_the_longest_path() {
        // 0 -> 1 -> 2 and 0 -> 2: node 2 goes in layer 2, and the short edge gets a dummy.
        let edges = [(0, 1), (1, 2), (0, 2), (3, 2)];
        let l = layered(4, &edges, &Config::default());
        let layers: Vec<usize> = l.nodes.iter().map(|x| x.layer).collect();
        assert_eq!(layers, vec![0, 1, 2, 0]);
        assert_eq!(l.layers, 3);
        assert_eq!(l.dummies, 2);
        check(4, &edges, &l);
        let long = l
            .edges
            .iter()
            .find(|e| e.from == 0 && e.to == 2)
            .expect("0->2");
        assert_eq!(long.points.len(), 4, "routed through the middle column");
    }

    #[test]
    fn barycenter_sweeps_untangle_a_crossed_pair() {
        // Left column 0, 1; right column 2, 3 with 0->3 and 1->2 crossing in index order.
        let edges = [(0, 3), (1, 2), (0, 4), (1, 5)];
        let l = layered(6, &edges, &Config::default());
        assert_eq!(l.crossings, 0);
        check(6, &edges, &l);
    }

    #[test]
    fn a_cycle_is_drawn_not_fatal() {
        let edges = [(0, 1), (1, 2), (2, 0), (2, 3)];
        let l = layered(4, &edges, &Config::default());
        check(4, &edges, &l);
        assert_eq!(l.edges.iter().filter(|e| e.back).count(), 1);
    }

    #[test]
    fn empty_and_degenerate_inputs() {
        let l = layered(0, &[], &Config::default());
        assert!(l.nodes.is_empty() && l.edges.is_empty() && l.width > 0.0);
        let l = layered(2, &[(0, 0), (0, 9), (0, 1), (0, 1)], &Config::default());
        assert_eq!(l.edges.len(), 1);
        check(2, &[(0, 1)], &l);
    }

    #[test]
    fn isotonic_keeps_gaps_and_hits_free_targets() {
        let y = isotonic(&[(0.0, 1.0), (100.0, 1.0)], &[10.0]);
        assert_eq!(y, vec![0.0, 100.0]);
        let y = isotonic(&[(5.0, 1.0), (5.0, 1.0), (5.0, 1.0)], &[10.0, 10.0]);
        assert_eq!(y, vec![-5.0, 5.0, 15.0]);
    }

    fn dag() -> impl Strategy<Value = (usize, Vec<(usize, usize)>)> {
        (1usize..40).prop_flat_map(|n| {
            let edge = (0..n, 0..n).prop_map(|(a, b)| (a.min(b), a.max(b)));
            (Just(n), proptest::collection::vec(edge, 0..n * 3))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn random_dags_keep_every_invariant((n, edges) in dag()) {
            let cfg = Config::default();
            let l = layered(n, &edges, &cfg);
            check(n, &edges, &l);
            prop_assert!(l.edges.iter().all(|e| !e.back), "a DAG has no back edges");
            prop_assert_eq!(&l, &layered(n, &edges, &cfg), "deterministic");
        }

        #[test]
        fn random_graphs_with_cycles_never_panic(
            n in 1usize..20,
            edges in proptest::collection::vec((0usize..20, 0usize..20), 0..50),
        ) {
            let l = layered(n, &edges, &Config::default());
            prop_assert_eq!(l.nodes.len(), n);
        }
    }
}
