//! The dependency graph (petgraph): construction, cycles, and a topological order. Edges run
//! from a prerequisite to the item that depends on it; node `i` is item `i`.
use std::collections::HashSet;

use petgraph::Direction;
use petgraph::algo::{is_cyclic_directed, tarjan_scc, toposort};
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
    if !is_cyclic_directed(&g) {
        return out;
    }
    for mut comp in tarjan_scc(&g) {
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

/// A topological order of all items (prerequisites first).
pub fn topological(g: &DepGraph) -> Vec<usize> {
    toposort(g, None)
        .expect("cycles are rejected when the backlog is validated")
        .into_iter()
        .map(NodeIndex::index)
        .collect()
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
