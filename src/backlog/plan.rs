//! Phase planning: fill phases of a fixed capacity in ranked order, never placing an item in
//! an earlier phase than any of its prerequisites.
use std::collections::HashMap;

use serde::Serialize;

use super::Backlog;
use super::graph::Ranking;

/// One phase.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    pub name: String,
    pub capacity: f64,
    pub used: f64,
    pub items: Vec<String>,
}

/// An item left out, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Unplanned {
    pub id: String,
    pub effort: f64,
    pub reason: String,
}

/// The plan.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub phases: Vec<Phase>,
    pub unplanned: Vec<Unplanned>,
}

/// Plan `phases` phases of `capacity` effort each.
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
    let mut placed: HashMap<&str, usize> = HashMap::new();
    let mut unplanned = Vec::new();
    for r in &ranking.items {
        let it = &b.items[r.index];
        let mut earliest = 0;
        let mut missing = None;
        for p in &r.blocked_by {
            match placed.get(p.as_str()) {
                Some(&ph) => earliest = earliest.max(ph),
                None => {
                    missing = Some(p.clone());
                    break;
                }
            }
        }
        let reason = if let Some(p) = missing {
            Some(format!("its prerequisite `{p}` is not planned"))
        } else if it.effort > capacity + 1e-9 {
            Some(format!(
                "its effort {} is more than a phase's capacity {}",
                it.effort, capacity
            ))
        } else if let Some(ph) =
            (earliest..out.len()).find(|&ph| out[ph].used + it.effort <= capacity + 1e-9)
        {
            out[ph].used += it.effort;
            out[ph].items.push(it.id.clone());
            placed.insert(&it.id, ph);
            None
        } else if earliest > 0 {
            Some(format!(
                "no room left from phase `{}` on, where its prerequisites allow it",
                out[earliest].name
            ))
        } else {
            Some("no room left in any phase".to_owned())
        };
        if let Some(reason) = reason {
            unplanned.push(Unplanned {
                id: it.id.clone(),
                effort: it.effort,
                reason,
            });
        }
    }
    for p in &mut out {
        p.used = (p.used * 1000.0).round() / 1000.0;
    }
    Plan {
        phases: out,
        unplanned,
    }
}
