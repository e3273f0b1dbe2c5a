//! Phase planning: walk the ranked order and put each item in the first phase that has room
//! and is not earlier than the phase of any of its open prerequisites (the same phase is
//! allowed: the prerequisite comes first within it). First fit, so a smaller item further
//! down may fill the room a big one could not use; an item whose prerequisite was left out
//! is left out too.
use serde::Serialize;

use super::rank::Ranking;
use super::{Backlog, Status};

/// One phase.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    pub name: String,
    pub capacity: f64,
    pub used: f64,
    /// Item indices, in ranked order.
    #[serde(skip)]
    pub items: Vec<usize>,
}

/// Why an item was left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Reason {
    /// Its effort exceeds one phase's capacity.
    TooBig,
    /// A prerequisite (item index) is not planned.
    PrerequisiteUnplanned { prerequisite: usize },
    /// No phase from `earliest` on has room.
    NoRoom { earliest: usize },
}

/// An item left out, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Unplanned {
    pub index: usize,
    pub reason: Reason,
}

/// The plan.
#[derive(Debug, Clone)]
pub struct Plan {
    pub phases: Vec<Phase>,
    pub unplanned: Vec<Unplanned>,
}

/// Plan `phases` phases of `capacity` effort each (3 phases are named Now, Next, Later).
pub fn plan(b: &Backlog, ranking: &Ranking, capacity: f64, phases: usize) -> Plan {
    let names: Vec<String> = if phases == 3 {
        vec!["Now".into(), "Next".into(), "Later".into()]
    } else {
        (1..=phases).map(|i| format!("Phase {i}")).collect()
    };
    let mut out: Vec<Phase> = names
        .into_iter()
        .map(|name| Phase {
            name,
            capacity,
            used: 0.0,
            items: Vec::new(),
        })
        .collect();
    let mut phase_of: Vec<Option<usize>> = vec![None; b.items.len()];
    let mut unplanned = Vec::new();
    // Effort sums are compared with a small tolerance so 0.1 + 0.2 fits in 0.3.
    let fits = |used: f64, effort: f64| used + effort <= capacity + 1e-9;
    // Work already under way stays in the first phase, before anything new is fitted around
    // it (even past the capacity: it has started). One still waiting for an open
    // prerequisite is planned like the rest, so it never lands before that prerequisite.
    if let Some(first) = out.first_mut() {
        for &i in &ranking.order {
            if b.items[i].status == Status::InProgress && ranking.blocked_by(i).is_empty() {
                first.used += b.items[i].effort;
                first.items.push(i);
                phase_of[i] = Some(0);
            }
        }
    }
    for &i in &ranking.order {
        if phase_of[i].is_some() {
            continue;
        }
        let effort = b.items[i].effort;
        let mut earliest = 0;
        let mut missing = None;
        for p in ranking.blocked_by(i) {
            match phase_of[p] {
                Some(ph) => earliest = earliest.max(ph),
                None => {
                    missing = Some(p);
                    break;
                }
            }
        }
        let reason = if let Some(p) = missing {
            Some(Reason::PrerequisiteUnplanned { prerequisite: p })
        } else if !fits(0.0, effort) {
            Some(Reason::TooBig)
        } else if let Some(ph) = (earliest..out.len()).find(|&ph| fits(out[ph].used, effort)) {
            out[ph].used += effort;
            out[ph].items.push(i);
            phase_of[i] = Some(ph);
            None
        } else {
            Some(Reason::NoRoom { earliest })
        };
        if let Some(reason) = reason {
            unplanned.push(Unplanned { index: i, reason });
        }
    }
    // In ranked order within each phase, the work under way included.
    for ph in &mut out {
        ph.items.sort_by_key(|&i| ranking.rank[i]);
    }
    Plan {
        phases: out,
        unplanned,
    }
}
