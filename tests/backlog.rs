//! Backlog scoring: strategies, ordering invariants (property test over random DAGs), cycles,
//! critical chains, sensitivity and planning.
use ds01_pm::backlog::graph::{cycles, rank, sensitivity};
use ds01_pm::backlog::plan::plan;
use ds01_pm::backlog::{Backlog, LoadError, Propagation, parse};
use proptest::prelude::*;

fn item(id: &str, reach: f64, effort: f64, deps: &[&str]) -> String {
    format!(
        "[[item]]\nid = \"{id}\"\ntitle = \"{id}\"\nreach = {reach}\nimpact = 1\nconfidence = 1.0\neffort = {effort}\ndepends_on = [{}]\n",
        deps.iter()
            .map(|d| format!("\"{d}\""))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn backlog(strategy: &str, items: &[String]) -> Backlog {
    let text = format!(
        "[scoring]\npropagation = \"{strategy}\"\ndecay = 0.5\n\n{}",
        items.join("\n")
    );
    match parse(&text) {
        Ok(b) => b,
        Err(LoadError::Findings(f)) => panic!("{f:?}"),
        Err(LoadError::Tool(e)) => panic!("{e}"),
    }
}

fn order(b: &Backlog) -> Vec<String> {
    rank(b).items.into_iter().map(|r| r.id).collect()
}

/// `enabler` (own 1) unblocks `payoff` (own 100); `quick` has own 50.
fn chain(strategy: &str) -> Backlog {
    backlog(
        strategy,
        &[
            item("enabler", 1.0, 1.0, &[]),
            item("payoff", 100.0, 1.0, &["enabler"]),
            item("quick", 50.0, 1.0, &[]),
        ],
    )
}

#[test]
fn none_strategy_keeps_own_scores_but_still_respects_prerequisites() {
    let b = chain("none");
    assert_eq!(b.scoring.propagation, Propagation::None);
    let r = rank(&b);
    assert_eq!(r.get("enabler").unwrap().effective_score, 1.0);
    assert_eq!(order(&b), ["quick", "enabler", "payoff"]);
}

#[test]
fn max_strategy_lifts_a_blocker_to_what_it_unblocks_and_sorts_it_first_on_a_tie() {
    let b = chain("max");
    let r = rank(&b);
    let e = r.get("enabler").unwrap();
    assert_eq!(e.effective_score, 100.0);
    assert_eq!(e.inherits[0].from, "payoff");
    assert_eq!(order(&b), ["enabler", "payoff", "quick"]);
}

#[test]
fn sum_strategy_adds_decayed_dependents_transitively() {
    let b = backlog(
        "sum",
        &[
            item("a", 1.0, 1.0, &[]),
            item("b", 10.0, 1.0, &["a"]),
            item("c", 100.0, 1.0, &["b"]),
        ],
    );
    let r = rank(&b);
    // c = 100; b = 10 + 0.5*100 = 60; a = 1 + 0.5*60 = 31.
    assert_eq!(r.get("b").unwrap().effective_score, 60.0);
    assert_eq!(r.get("a").unwrap().effective_score, 31.0);
}

#[test]
fn ties_break_by_own_score_then_file_order() {
    let b = backlog(
        "none",
        &[
            item("second", 5.0, 1.0, &[]),
            item("first", 5.0, 1.0, &[]),
            item("big", 10.0, 2.0, &[]),
        ],
    );
    // All effective 5; same own score -> file order.
    assert_eq!(order(&b), ["second", "first", "big"]);
}

#[test]
fn done_items_leave_the_ranking_and_unblock_their_dependents() {
    let mut items = vec![
        item("base", 1.0, 1.0, &[]),
        item("top", 100.0, 1.0, &["base"]),
    ];
    items[0].push_str("status = \"done\"\n");
    let b = backlog("max", &items);
    let r = rank(&b);
    assert_eq!(r.done, ["base"]);
    assert_eq!(order(&b), ["top"]);
    assert!(r.get("top").unwrap().blocked_by.is_empty());
}

#[test]
fn critical_chain_is_the_longest_effort_weighted_path() {
    let b = backlog(
        "max",
        &[
            item("a", 1.0, 3.0, &[]),
            item("b", 1.0, 1.0, &[]),
            item("c", 1.0, 1.0, &["a", "b"]),
            item("d", 1.0, 2.0, &["c"]),
        ],
    );
    let r = rank(&b);
    assert_eq!(r.critical_path, ["a", "c", "d"]);
    assert_eq!(r.critical_effort, 6.0);
    assert_eq!(r.get("c").unwrap().chain_prev.as_deref(), Some("a"));
}

#[test]
fn cycles_of_every_length_are_reported_with_members() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/backlog/cycles.toml"
    ))
    .unwrap();
    let Err(LoadError::Findings(f)) = parse(&text) else {
        panic!("cycles must fail")
    };
    assert_eq!(f.len(), 2);
    assert!(f[0].message.contains("`a`, `b`"));
    assert!(f[1].message.contains("`x`, `y`, `z`"));
    assert!(f.iter().all(|x| x.code == "B011"));
    let self_loop = item("s", 1.0, 1.0, &["s"]);
    let Err(LoadError::Findings(f)) = parse(&self_loop) else {
        panic!("self-dependency must fail")
    };
    assert_eq!(f[0].code, "B004");
}

#[test]
fn a_long_cycle_is_named_briefly() {
    let n = 500;
    let items: Vec<String> = (0..n)
        .map(|i| item(&format!("i{i}"), 1.0, 1.0, &[&format!("i{}", (i + 1) % n)]))
        .collect();
    let Err(LoadError::Findings(f)) = parse(&items.join("\n")) else {
        panic!("cycle")
    };
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("cycle of 500 items"));
    assert!(f[0].message.contains("and 488 more"));
    assert!(f[0].message.len() < 2000);
}

#[test]
fn sensitivity_names_the_estimates_that_move_an_item() {
    let b = backlog(
        "none",
        &[item("a", 10.0, 1.0, &[]), item("b", 9.0, 1.0, &[])],
    );
    let r = rank(&b);
    let s = sensitivity(&b, &r, 2);
    // b (9) overtakes a (10) if its effort halves; a drops if its confidence falls to 80%.
    assert!(
        s[1].changes
            .iter()
            .any(|c| c.estimate == "effort" && c.new_rank == 1),
        "{s:?}"
    );
    assert!(
        s[0].changes
            .iter()
            .any(|c| c.estimate == "confidence" && c.to == "80%" && c.new_rank == 2),
        "{s:?}"
    );
}

#[test]
fn plan_respects_capacity_and_prerequisite_phases() {
    let b = backlog(
        "max",
        &[
            item("a", 10.0, 3.0, &[]),
            item("b", 9.0, 3.0, &["a"]),
            item("c", 8.0, 3.0, &[]),
            item("huge", 100.0, 9.0, &[]),
        ],
    );
    let r = rank(&b);
    let p = plan(&b, &r, 4.0, 3);
    let phase_of = |id: &str| {
        p.phases
            .iter()
            .position(|ph| ph.items.iter().any(|i| i == id))
    };
    assert!(p.phases.iter().all(|ph| ph.used <= 4.0));
    assert!(phase_of("a") <= phase_of("b"));
    assert_eq!(p.unplanned[0].id, "huge");
    assert!(
        p.unplanned[0]
            .reason
            .contains("more than a phase's capacity")
    );
    assert_eq!(p.phases[0].name, "Now");
}

fn random_dag() -> impl Strategy<Value = Vec<(f64, f64, Vec<usize>, bool)>> {
    (1usize..40).prop_flat_map(|n| {
        proptest::collection::vec(
            (
                0.0f64..500.0,
                0.1f64..20.0,
                proptest::collection::vec(any::<prop::sample::Index>(), 0..4),
                prop::bool::weighted(0.15),
            ),
            n,
        )
        .prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (reach, effort, deps, done))| {
                    // Edges only to earlier items: a DAG by construction.
                    let mut d: Vec<usize> = if i == 0 {
                        Vec::new()
                    } else {
                        deps.iter().map(|x| x.index(i)).collect()
                    };
                    d.sort_unstable();
                    d.dedup();
                    (reach, effort, d, done)
                })
                .collect()
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn no_item_ever_ranks_above_an_unfinished_prerequisite(dag in random_dag(), strategy in prop::sample::select(vec!["none", "max", "sum"])) {
        let items: Vec<String> = dag.iter().enumerate().map(|(i, (reach, effort, deps, done))| {
            let deps: Vec<String> = deps.iter().map(|d| format!("n{d}")).collect();
            let refs: Vec<&str> = deps.iter().map(String::as_str).collect();
            let mut s = item(&format!("n{i}"), *reach, *effort, &refs);
            if *done { s.push_str("status = \"done\"\n"); }
            s
        }).collect();
        let b = backlog(strategy, &items);
        prop_assert!(cycles(&b).is_empty());
        let r = rank(&b);
        let pos: std::collections::HashMap<&str, usize> = r.items.iter().map(|x| (x.id.as_str(), x.rank)).collect();
        for it in &b.items {
            let Some(&me) = pos.get(it.id.as_str()) else { continue };
            for d in &it.depends_on {
                if let Some(&p) = pos.get(d.as_str()) {
                    prop_assert!(p < me, "{d} (#{p}) must rank above {} (#{me})", it.id);
                }
            }
        }
        prop_assert_eq!(r.items.len() + r.done.len(), b.items.len());
        for x in &r.items {
            prop_assert!(x.effective_score.is_finite() && x.own_score.is_finite());
            prop_assert!(x.effective_score >= x.own_score - 1e-6);
        }
        if strategy == "max" {
            // A blocker scores at least as high as anything it blocks.
            for x in &r.items {
                for d in &x.unblocks {
                    prop_assert!(x.effective_score + 1e-6 >= r.get(d).unwrap().effective_score);
                }
            }
        }
    }
}
