//! The dependency graph: construction, cycles, and a topological order. Edges run from a
//! prerequisite to the item that depends on it; node `i` is item `i`.
//!
//! The graph is stored as two compressed adjacency arrays (CSR): the prerequisites and the
//! dependents of every node, each node's list contiguous, as `u32`. Against petgraph's linked
//! edge lists this is about half the memory and, more importantly at 300k+ items, one cache
//! line per neighbour list instead of one per edge. Neighbours come out in the order
//! petgraph gave them (last added first), so every float sum and tie over them is unchanged.
//!
//! Every walk here is iterative, with its own explicit stack or queue: a recursive walk
//! overflows the main thread's stack on a dependency chain of about 100,000 items.
use std::collections::HashSet;

use super::minqueue::MinQueue;
use super::{Backlog, Finding};
use crate::diag::backlog as codes;

/// The dependency graph of a backlog.
#[derive(Debug, Clone, Default)]
pub struct DepGraph {
    /// Prerequisites of `i`: `pre[pre_start[i]..pre_start[i + 1]]`.
    pre_start: Vec<u32>,
    pre: Vec<u32>,
    /// Dependents of `i`: `dep[dep_start[i]..dep_start[i + 1]]`.
    dep_start: Vec<u32>,
    dep: Vec<u32>,
}

impl DepGraph {
    /// The number of items.
    pub fn node_count(&self) -> usize {
        self.pre_start.len().saturating_sub(1)
    }
}

/// How many members and edges of one cycle are named before "and N more".
const CYCLE_LIST: usize = 12;

fn index(x: usize) -> u32 {
    u32::try_from(x).expect("a backlog has fewer than 2^32 items and edges")
}

/// Build the graph from per-item prerequisite lists (indices), each list in file order.
pub fn build_from(prereqs: &[Vec<usize>]) -> DepGraph {
    build_lists(prereqs.len(), |i| prereqs[i].iter().copied())
}

/// Build the graph from `n` prerequisite lists given by `list(i)`.
fn build_lists<I: Iterator<Item = usize>>(n: usize, list: impl Fn(usize) -> I) -> DepGraph {
    let mut pre_start = Vec::with_capacity(n + 1);
    let mut pre = Vec::new();
    let mut outdegree = vec![0u32; n + 1];
    pre_start.push(0);
    for i in 0..n {
        let from = pre.len();
        pre.extend(list(i).map(index));
        // Last added first, as petgraph walks its edge lists.
        pre[from..].reverse();
        for &p in &pre[from..] {
            outdegree[p as usize] += 1;
        }
        pre_start.push(index(pre.len()));
    }
    // Dependents: counting sort by prerequisite; each list from the last dependent added to
    // the first, filled from the back.
    let mut dep_start = vec![0u32; n + 1];
    for i in 0..n {
        dep_start[i + 1] = dep_start[i] + outdegree[i];
    }
    drop(outdegree);
    let mut fill: Vec<u32> = dep_start[1..].to_vec();
    let mut dep = vec![0u32; pre.len()];
    for i in 0..n {
        for k in (pre_start[i] as usize..pre_start[i + 1] as usize).rev() {
            let p = pre[k] as usize;
            fill[p] -= 1;
            dep[fill[p] as usize] = index(i);
        }
    }
    DepGraph {
        pre_start,
        pre,
        dep_start,
        dep,
    }
}

/// Build the graph of a validated backlog (validation keeps the one it built: see
/// [`Backlog::graph`]).
pub fn build(b: &Backlog) -> DepGraph {
    build_lists(b.items.len(), |i| b.items[i].prereqs.iter().copied())
}

/// Every strongly connected component with more than one member, as a finding naming its
/// members (in file order) and the `depends_on` edges that close the loop. Self-dependencies
/// are reported by validation and are not in `prereqs`.
#[cfg(test)]
pub(crate) fn cycles(ids: &[&str], lines: &[usize], prereqs: &[Vec<usize>]) -> Vec<Finding> {
    checked(ids, lines, prereqs).2
}

/// The graph of `prereqs`, its topological order ([`topological`]) and the findings of
/// [`cycles`]: validation builds the graph once to look for cycles, and the ranking reuses it
/// and its order instead of building both again.
pub(crate) fn checked(
    ids: &[&str],
    lines: &[usize],
    prereqs: &[Vec<usize>],
) -> (DepGraph, Vec<usize>, Vec<Finding>) {
    let g = build_from(prereqs);
    let order = kahn(&g);
    // The common case, cheaply: no cycle at all.
    if order.len() == g.node_count() {
        return (g, order, Vec::new());
    }
    let out = cycle_findings(&g, ids, lines);
    (g, order, out)
}

/// Every strongly connected component of `g` with more than one member, as a finding.
fn cycle_findings(g: &DepGraph, ids: &[&str], lines: &[usize]) -> Vec<Finding> {
    let mut out = Vec::new();
    for mut comp in strongly_connected(g) {
        if comp.len() < 2 {
            continue;
        }
        comp.sort_unstable();
        let members: HashSet<usize> = comp.iter().copied().collect();
        let mut edges: Vec<(usize, usize)> = Vec::new();
        for &n in &comp {
            for m in dependents(g, n) {
                if members.contains(&m) {
                    edges.push((m, n));
                }
            }
        }
        edges.sort_unstable();
        // A short loop is listed whole; of a long one, a few edges show where to cut and the
        // count says how many there are, so the message stays one readable line.
        let edge_list = if edges.len() <= CYCLE_LIST {
            CYCLE_LIST
        } else {
            4
        };
        let more = |n: usize, shown: usize| {
            if n > shown {
                format!(" and {} more", n - shown)
            } else {
                String::new()
            }
        };
        let names: Vec<String> = comp
            .iter()
            .take(CYCLE_LIST)
            .map(|&n| format!("`{}`", ids[n]))
            .collect();
        let closing: Vec<String> = edges
            .iter()
            .take(edge_list)
            .map(|(d, p)| format!("`{}` depends on `{}`", ids[*d], ids[*p]))
            .collect();
        out.push(Finding {
            code: codes::B011.code,
            message: format!(
                "dependency cycle of {} items: {}{}; the loop is closed by: {}{}",
                comp.len(),
                names.join(", "),
                more(comp.len(), CYCLE_LIST),
                closing.join("; "),
                more(edges.len(), edge_list)
            ),
            line: lines[comp[0]],
            col: 1,
        });
    }
    out
}

/// A topological order of all items (prerequisites first). Cycles are rejected when the
/// backlog is validated; items on one (only reachable through a graph built by hand) are left
/// out.
pub fn topological(g: &DepGraph) -> Vec<usize> {
    kahn(g)
}

/// Kahn's algorithm, taking the smallest ready index first: the topological order smallest in
/// index order, which is the file order whenever that is one (prerequisites listed before their
/// dependents), so that the walks over it (`max` and `sum` propagation, critical chains) read
/// and write the items' arrays in sequence rather than at random. Any topological order gives
/// those walks the same results. Nodes on or behind a cycle never reach in-degree zero and are missing from the
/// result, which is how a cycle is detected.
fn kahn(g: &DepGraph) -> Vec<usize> {
    let n = g.node_count();
    let mut indegree: Vec<u32> = g.pre_start.windows(2).map(|w| w[1] - w[0]).collect();
    let mut ready = MinQueue::new(n);
    for i in (0..n).filter(|&i| indegree[i] == 0) {
        ready.push(i);
    }
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop() {
        order.push(i);
        for j in dependents(g, i) {
            indegree[j] -= 1;
            if indegree[j] == 0 {
                ready.push(j);
            }
        }
    }
    order
}

/// Tarjan's strongly connected components with an explicit stack (no recursion), so the depth
/// of the graph is bounded by memory, not by the thread's stack.
fn strongly_connected(g: &DepGraph) -> Vec<Vec<usize>> {
    const UNVISITED: usize = usize::MAX;
    let n = g.node_count();
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut comps = Vec::new();
    let mut next = 0usize;
    // Each frame: a node and the outgoing neighbours still to look at.
    let succs = |v: usize| -> Vec<usize> { dependents(g, v).collect() };
    let mut frames: Vec<(usize, Vec<usize>)> = Vec::new();
    for root in 0..n {
        if index[root] != UNVISITED {
            continue;
        }
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        frames.push((root, succs(root)));
        while let Some((v, todo)) = frames.last_mut() {
            let v = *v;
            if let Some(w) = todo.pop() {
                if index[w] == UNVISITED {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    frames.push((w, succs(w)));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            frames.pop();
            if let Some((parent, _)) = frames.last() {
                low[*parent] = low[*parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                comps.push(comp);
            }
        }
    }
    comps
}

/// Direct prerequisites of `i` (sources of incoming edges).
pub fn prerequisites(g: &DepGraph, i: usize) -> impl Iterator<Item = usize> + '_ {
    g.pre[g.pre_start[i] as usize..g.pre_start[i + 1] as usize]
        .iter()
        .map(|&p| p as usize)
}

/// Direct dependents of `i` (targets of outgoing edges).
pub fn dependents(g: &DepGraph, i: usize) -> impl Iterator<Item = usize> + '_ {
    g.dep[g.dep_start[i] as usize..g.dep_start[i + 1] as usize]
        .iter()
        .map(|&j| j as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Item `i` depends on item `i - 1`: one path through every node.
    fn chain(n: usize) -> Vec<Vec<usize>> {
        (0..n)
            .map(|i| if i == 0 { vec![] } else { vec![i - 1] })
            .collect()
    }

    #[test]
    fn a_million_item_chain_orders_without_recursion() {
        let g = build_from(&chain(1_000_000));
        let order = topological(&g);
        assert_eq!(order.len(), 1_000_000);
        assert!(order.iter().enumerate().all(|(k, &i)| k == i));
        let ids: Vec<String> = (0..1_000_000).map(|i| format!("i{i}")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        assert!(cycles(&ids, &vec![1; ids.len()], &chain(ids.len())).is_empty());
    }

    #[test]
    fn a_million_item_cycle_is_one_finding() {
        let n = 1_000_000;
        let mut prereqs = chain(n);
        prereqs[0] = vec![n - 1];
        let ids: Vec<String> = (0..n).map(|i| format!("i{i}")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let lines: Vec<usize> = (1..=n).collect();
        let found = cycles(&ids, &lines, &prereqs);
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .starts_with("dependency cycle of 1000000 items: `i0`, `i1`"),
            "{}",
            found[0].message
        );
        assert_eq!(found[0].line, 1);
    }

    use petgraph::Direction;
    use petgraph::graph::{DiGraph, NodeIndex};

    /// The graph as petgraph builds it, the reference for the CSR one.
    fn petgraph_of(prereqs: &[Vec<usize>]) -> DiGraph<(), (), u32> {
        let mut g = DiGraph::default();
        for _ in prereqs {
            g.add_node(());
        }
        for (i, ps) in prereqs.iter().enumerate() {
            for &p in ps {
                g.add_edge(NodeIndex::new(p), NodeIndex::new(i), ());
            }
        }
        g
    }

    /// The explicit-stack Tarjan finds the same components as petgraph's recursive one, and
    /// the CSR graph lists neighbours in petgraph's order.
    #[test]
    fn components_match_petgraph_on_small_graphs() {
        // A deterministic pseudo-random sequence (xorshift), so failures reproduce.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % bound as u64).unwrap_or(0)
        };
        for _ in 0..300 {
            let n = 1 + next(12);
            let prereqs: Vec<Vec<usize>> = (0..n)
                .map(|i| {
                    let k = next(3);
                    (0..k).map(|_| next(n)).filter(|&p| p != i).collect()
                })
                .collect();
            let g = build_from(&prereqs);
            let pg = petgraph_of(&prereqs);
            for i in 0..n {
                let node = NodeIndex::new(i);
                let pre: Vec<usize> = pg
                    .neighbors_directed(node, Direction::Incoming)
                    .map(NodeIndex::index)
                    .collect();
                let dep: Vec<usize> = pg
                    .neighbors_directed(node, Direction::Outgoing)
                    .map(NodeIndex::index)
                    .collect();
                assert_eq!(prerequisites(&g, i).collect::<Vec<_>>(), pre, "{prereqs:?}");
                assert_eq!(dependents(&g, i).collect::<Vec<_>>(), dep, "{prereqs:?}");
            }
            let norm = |comps: Vec<Vec<usize>>| {
                let mut v: Vec<Vec<usize>> = comps
                    .into_iter()
                    .map(|mut c| {
                        c.sort_unstable();
                        c
                    })
                    .collect();
                v.sort();
                v
            };
            let reference: Vec<Vec<usize>> = petgraph::algo::tarjan_scc(&pg)
                .into_iter()
                .map(|c| c.into_iter().map(NodeIndex::index).collect())
                .collect();
            assert_eq!(norm(strongly_connected(&g)), norm(reference), "{prereqs:?}");
            let acyclic = !petgraph::algo::is_cyclic_directed(&pg);
            assert_eq!(kahn(&g).len() == n, acyclic, "{prereqs:?}");
        }
    }
}
