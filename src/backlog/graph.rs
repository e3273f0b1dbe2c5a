//! The dependency graph (petgraph): construction, cycles, and a topological order. Edges run
//! from a prerequisite to the item that depends on it; node `i` is item `i`.
//!
//! Every walk here is iterative, with its own explicit stack or queue: petgraph's
//! `is_cyclic_directed` and `tarjan_scc` recurse once per node on a path, which overflows the
//! main thread's stack on a dependency chain of about 100,000 items.
use std::collections::{HashSet, VecDeque};

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};

use super::{Backlog, Finding};
use crate::diag::backlog as codes;

/// The dependency graph of a backlog.
pub type DepGraph = DiGraph<(), (), u32>;

/// How many members and edges of one cycle are named before "and N more".
const CYCLE_LIST: usize = 12;

/// Build the graph from per-item prerequisite lists (indices).
pub fn build_from(prereqs: &[Vec<usize>]) -> DepGraph {
    let edges: usize = prereqs.iter().map(Vec::len).sum();
    let mut g = DiGraph::with_capacity(prereqs.len(), edges);
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

/// Build the graph of a validated backlog.
pub fn build(b: &Backlog) -> DepGraph {
    let prereqs: Vec<Vec<usize>> = b.items.iter().map(|it| it.prereqs.clone()).collect();
    build_from(&prereqs)
}

/// Every strongly connected component with more than one member, as a finding naming its
/// members (in file order) and the `depends_on` edges that close the loop. Self-dependencies
/// are reported by validation and are not in `prereqs`.
pub(crate) fn cycles(ids: &[&str], lines: &[usize], prereqs: &[Vec<usize>]) -> Vec<Finding> {
    let g = build_from(prereqs);
    let mut out = Vec::new();
    // The common case, cheaply: no cycle at all.
    if kahn(&g).len() == g.node_count() {
        return out;
    }
    for mut comp in strongly_connected(&g) {
        if comp.len() < 2 {
            continue;
        }
        comp.sort_unstable();
        let members: HashSet<NodeIndex<u32>> = comp.iter().copied().collect();
        let mut edges: Vec<(usize, usize)> = Vec::new();
        for &n in &comp {
            for m in g.neighbors_directed(n, Direction::Outgoing) {
                if members.contains(&m) {
                    edges.push((m.index(), n.index()));
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
            .map(|n| format!("`{}`", ids[n.index()]))
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
            line: lines[comp[0].index()],
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

/// Kahn's algorithm: sources first, in index order. Nodes on or behind a cycle never reach
/// in-degree zero and are missing from the result, which is how a cycle is detected.
fn kahn(g: &DepGraph) -> Vec<usize> {
    let n = g.node_count();
    let mut indegree: Vec<u32> = (0..n)
        .map(|i| {
            let d = g
                .neighbors_directed(NodeIndex::new(i), Direction::Incoming)
                .count();
            u32::try_from(d).unwrap_or(u32::MAX)
        })
        .collect();
    let mut queue: VecDeque<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = queue.pop_front() {
        order.push(i);
        for j in dependents(g, i) {
            indegree[j] -= 1;
            if indegree[j] == 0 {
                queue.push_back(j);
            }
        }
    }
    order
}

/// Tarjan's strongly connected components with an explicit stack (no recursion), so the depth
/// of the graph is bounded by memory, not by the thread's stack.
fn strongly_connected(g: &DepGraph) -> Vec<Vec<NodeIndex<u32>>> {
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
                    comp.push(NodeIndex::new(w));
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
    g.neighbors_directed(NodeIndex::new(i), Direction::Incoming)
        .map(NodeIndex::index)
}

/// Direct dependents of `i` (targets of outgoing edges).
pub fn dependents(g: &DepGraph, i: usize) -> impl Iterator<Item = usize> + '_ {
    g.neighbors_directed(NodeIndex::new(i), Direction::Outgoing)
        .map(NodeIndex::index)
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

    /// The explicit-stack Tarjan finds the same components as petgraph's recursive one.
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
            let norm = |comps: Vec<Vec<NodeIndex<u32>>>| {
                let mut v: Vec<Vec<usize>> = comps
                    .into_iter()
                    .map(|c| {
                        let mut c: Vec<usize> = c.into_iter().map(NodeIndex::index).collect();
                        c.sort_unstable();
                        c
                    })
                    .collect();
                v.sort();
                v
            };
            assert_eq!(
                norm(strongly_connected(&g)),
                norm(petgraph::algo::tarjan_scc(&g)),
                "{prereqs:?}"
            );
            let acyclic = !petgraph::algo::is_cyclic_directed(&g);
            assert_eq!(kahn(&g).len() == n, acyclic, "{prereqs:?}");
        }
    }
}
