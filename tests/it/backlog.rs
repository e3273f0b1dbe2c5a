//! Backlog scoring: strategies, tie-breaks, done items, critical chains, cycles, sensitivity,
//! planning, concern annotation, and the ordering invariant as a property over random DAGs.
use ds01_pm::backlog::plan::{Reason, plan};
use ds01_pm::backlog::rank::{Ranking, rank, sensitivity};
use ds01_pm::backlog::{Backlog, Finding, LoadError, Propagation, parse};
use proptest::prelude::*;

fn item(id: &str, reach: f64, effort: f64, deps: &[&str]) -> String {
    format!(
        "[[item]]\nid = \"{id}\"\ntitle = \"{id}\"\nreach = {reach:?}\nimpact = 1\nconfidence = 1.0\neffort = {effort:?}\ndepends_on = [{}]\n",
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

fn findings(text: &str) -> Vec<Finding> {
    match parse(text) {
        Err(LoadError::Findings(f)) => f,
        Ok(_) => panic!("expected findings"),
        Err(LoadError::Tool(e)) => panic!("{e}"),
    }
}

fn order(b: &Backlog) -> Vec<String> {
    rank(b)
        .order
        .into_iter()
        .map(|i| b.items[i].id.clone())
        .collect()
}

fn eff(b: &Backlog, r: &Ranking, id: &str) -> f64 {
    r.effective.score[b.position(id).expect("id")]
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
    assert_eq!(eff(&b, &r, "enabler"), 1.0);
    assert_eq!(order(&b), ["quick", "enabler", "payoff"]);
}

#[test]
fn max_strategy_lifts_a_blocker_to_what_it_unblocks_and_sorts_it_first_on_a_tie() {
    let b = chain("max");
    let r = rank(&b);
    assert_eq!(eff(&b, &r, "enabler"), 100.0);
    let e = b.position("enabler").unwrap();
    assert_eq!(r.effective.via[e], b.position("payoff"));
    assert_eq!(order(&b), ["enabler", "payoff", "quick"]);
}

#[test]
fn max_strategy_is_transitive_and_names_the_origin() {
    let b = backlog(
        "max",
        &[
            item("a", 1.0, 1.0, &[]),
            item("b", 2.0, 1.0, &["a"]),
            item("c", 90.0, 1.0, &["b"]),
        ],
    );
    let r = rank(&b);
    let a = b.position("a").unwrap();
    assert_eq!(r.effective.score[a], 90.0);
    assert_eq!(r.effective.via[a], b.position("b"));
    assert_eq!(r.effective.origin[a], b.position("c").unwrap());
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
    assert_eq!(eff(&b, &r, "c"), 100.0);
    assert_eq!(eff(&b, &r, "b"), 60.0);
    assert_eq!(eff(&b, &r, "a"), 31.0);
    assert_eq!(order(&b), ["a", "b", "c"]);
}

#[test]
fn sum_strategy_counts_a_diamond_once_per_path() {
    let b = backlog(
        "sum",
        &[
            item("root", 0.0, 1.0, &[]),
            item("left", 0.0, 1.0, &["root"]),
            item("right", 0.0, 1.0, &["root"]),
            item("goal", 8.0, 1.0, &["left", "right"]),
        ],
    );
    let r = rank(&b);
    // left = right = 0.5*8 = 4; root = 0.5*(4+4) = 4.
    assert_eq!(eff(&b, &r, "left"), 4.0);
    assert_eq!(eff(&b, &r, "root"), 4.0);
    assert_eq!(order(&b), ["root", "left", "right", "goal"]);
}

#[test]
fn ties_break_by_own_score_then_id_not_file_order() {
    let b = backlog(
        "none",
        &[
            item("second", 5.0, 1.0, &[]),
            item("first", 5.0, 1.0, &[]),
            item("big", 10.0, 2.0, &[]),
            item("better", 6.0, 1.0, &["zz"]),
            item("zz", 1.0, 1.0, &[]),
        ],
    );
    // effective 5 for three items with own 5: id order; `better` (6) waits for `zz` (1).
    assert_eq!(order(&b), ["big", "first", "second", "zz", "better"]);
    let mut reversed: Vec<String> = Vec::new();
    for (id, reach, effort) in [
        ("big", 10.0, 2.0),
        ("first", 5.0, 1.0),
        ("second", 5.0, 1.0),
    ] {
        reversed.push(item(id, reach, effort, &[]));
    }
    reversed.reverse();
    let b2 = backlog("none", &reversed);
    assert_eq!(order(&b2), ["big", "first", "second"]);
}

#[test]
fn done_items_leave_the_ranking_and_unblock_their_dependents() {
    let mut items = vec![
        item("base", 1.0, 1.0, &[]),
        item("top", 100.0, 1.0, &["base"]),
        item("next", 1.0, 1.0, &["top"]),
    ];
    items[0].push_str("status = \"done\"\n");
    let b = backlog("max", &items);
    let r = rank(&b);
    assert_eq!(order(&b), ["top", "next"]);
    let top = b.position("top").unwrap();
    let base = b.position("base").unwrap();
    assert!(r.blocked_by(top).is_empty());
    assert_eq!(r.satisfied(top), [base]);
    assert_eq!(r.rank[base], None);
    // Nothing flows into a done item.
    assert_eq!(r.effective.score[base], 1.0);
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
    let ids: Vec<&str> = r.critical.iter().map(|&i| b.items[i].id.as_str()).collect();
    assert_eq!(ids, ["a", "c", "d"]);
    assert_eq!(r.critical_effort, 6.0);
    assert_eq!(r.chain_prev[b.position("c").unwrap()], b.position("a"));
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/fixtures/backlog/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

#[test]
fn cycles_of_length_one_two_and_three_are_reported_with_members_and_edges() {
    let f = findings(&fixture("cycles.toml"));
    let cycles: Vec<&Finding> = f.iter().filter(|x| x.code == "B011").collect();
    assert_eq!(cycles.len(), 2, "{f:?}");
    assert!(cycles[0].message.contains("cycle of 2 items: `a`, `b`"));
    assert!(
        cycles[0]
            .message
            .contains("`a` depends on `b`; `b` depends on `a`")
    );
    assert!(
        cycles[1]
            .message
            .contains("cycle of 3 items: `x`, `y`, `z`")
    );
    let one = findings(&fixture("bad-self-dependency.toml"));
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].code, "B004");
    assert!(one[0].message.contains("cycle of length 1"));
}

#[test]
fn a_long_cycle_is_named_briefly() {
    let n = 500;
    let items: Vec<String> = (0..n)
        .map(|i| {
            item(
                &format!("i{i:03}"),
                1.0,
                1.0,
                &[&format!("i{:03}", (i + 1) % n)],
            )
        })
        .collect();
    let f = findings(&items.join("\n"));
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("cycle of 500 items"));
    assert!(f[0].message.contains("and 488 more"));
    assert!(f[0].message.len() < 2000);
}

#[test]
fn cycles_are_reported_together_with_value_problems() {
    let mut text = item("a", 1.0, 1.0, &["b"]);
    text.push_str(&item("b", -1.0, 1.0, &["a"]));
    let f = findings(&text);
    let codes: Vec<&str> = f.iter().map(|x| x.code).collect();
    assert!(codes.contains(&"B005") && codes.contains(&"B011"), "{f:?}");
}

#[test]
fn every_structural_problem_is_collected_in_one_pass() {
    let text = "owner = \"lab\"\n[scoring]\npropagate = \"max\"\n\n[[item]]\nid = \"a\"\ntitel = \"A\"\nreach = 1\nimpact = 1\nconfidence = 1.0\neffort = 0\ndepends = [\"b\"]\n\n[[item]]\nid = \"b\"\ntitle = 5\nreach = \"many\"\nimpact = 1\nconfidence = 1.0\n";
    let f = findings(text);
    let text_of = |line: usize| -> Vec<&str> {
        f.iter()
            .filter(|x| x.line == line)
            .map(|x| x.message.as_str())
            .collect()
    };
    assert!(text_of(1)[0].contains("unknown key `owner` in the backlog"));
    assert!(text_of(3)[0].contains("did you mean `propagation`?"));
    assert!(text_of(7)[0].contains("did you mean `title`?"));
    assert!(text_of(11)[0].contains("`effort` must be greater than 0"));
    assert!(text_of(12)[0].contains("did you mean `depends_on`?"));
    assert!(text_of(16)[0].contains("`title` must be a string, got an integer"));
    assert!(text_of(17)[0].contains("`reach` must be a number"));
    assert!(f.iter().any(|x| {
        x.message
            .contains("item `a` is missing required key(s) `title`")
    }));
    assert!(f.iter().any(|x| {
        x.message
            .contains("item `b` is missing required key(s) `effort`")
    }));
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
            .any(|c| c.estimate == "effort" && c.to == 0.5 && c.new_rank == 1),
        "{s:?}"
    );
    assert!(
        s[0].changes
            .iter()
            .any(|c| c.estimate == "confidence" && c.to == 0.8 && c.new_rank == 2),
        "{s:?}"
    );
    // Raising a's effort by half (10/1.5 = 6.7 < 9) also moves it.
    assert!(
        s[0].changes
            .iter()
            .any(|c| c.estimate == "effort" && c.to == 1.5)
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
            item("after-huge", 100.0, 1.0, &["huge"]),
        ],
    );
    let r = rank(&b);
    let p = plan(&b, &r, 4.0, 3);
    let phase_of = |id: &str| {
        let i = b.position(id).unwrap();
        p.phases.iter().position(|ph| ph.items.contains(&i))
    };
    assert!(p.phases.iter().all(|ph| ph.used <= 4.0));
    assert!(phase_of("a") <= phase_of("b"));
    assert_eq!(phase_of("a"), Some(0));
    assert_eq!(phase_of("b"), Some(1));
    assert_eq!(phase_of("c"), Some(2));
    assert_eq!(p.phases[0].name, "Now");
    let huge = b.position("huge").unwrap();
    let reasons: Vec<(usize, Reason)> = p
        .unplanned
        .iter()
        .map(|u| (u.index, u.reason.clone()))
        .collect();
    assert!(reasons.contains(&(huge, Reason::TooBig)));
    assert!(reasons.contains(&(
        b.position("after-huge").unwrap(),
        Reason::PrerequisiteUnplanned { prerequisite: huge }
    )));
    let numbered = plan(&b, &r, 4.0, 2);
    assert_eq!(numbered.phases[1].name, "Phase 2");
}

#[test]
fn concern_summary_agrees_with_the_full_analysis() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/backlog.toml"
    ))
    .expect("fixture");
    let Ok(b) = parse(&text) else {
        panic!("fixture parses")
    };
    let set = ds01_pm::rules::defaults().expect("default rules");
    let c = ds01_pm::backlog::concerns::annotate(&b, set);
    for (i, it) in b.items.iter().enumerate() {
        // The backlog table shows the rules' reading (no nearest examples).
        let full = ds01_pm::analyze::analyze_with(
            set,
            &it.description,
            ds01_pm::analyze::Channels::RULES_ONLY,
        );
        let ids =
            |v: &[ds01_pm::analyze::Finding]| v.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
        assert_eq!(c.get(i).layers, ids(&full.layers), "{}", it.id);
        assert_eq!(c.get(i).tiers, ids(&full.tiers), "{}", it.id);
        assert_eq!(c.get(i).gpu_impact, full.gpu_impact.value, "{}", it.id);
    }
}

#[test]
fn cached_concern_summaries_are_the_summaries() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/backlog.toml"
    ))
    .expect("fixture");
    let Ok(b) = parse(&text) else {
        panic!("fixture parses")
    };
    let set = ds01_pm::rules::defaults().expect("default rules");
    let mut texts: Vec<String> = vec![
        "Item 1".into(),
        String::new(),
        "Item 2 with nothing in it".into(),
        "Let students get a MIG slice for the course".into(),
        "Item 3".into(),
    ];
    for it in &b.items {
        texts.push(it.title.clone());
        texts.push(it.description.clone());
        texts.push(format!("Item {}", it.id));
    }
    let mut blank = None;
    for t in &texts {
        assert_eq!(
            ds01_pm::analyze::concern_summary_cached(set, t, &mut blank),
            ds01_pm::analyze::concern_summary(set, t),
            "{t}"
        );
    }
    assert!(blank.is_some(), "some texts match nothing");
}

fn random_dag() -> impl Strategy<Value = Vec<(u32, u32, Vec<usize>, bool)>> {
    (1usize..40).prop_flat_map(|n| {
        proptest::collection::vec(
            (
                0u32..50,
                1u32..8,
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
    #![proptest_config(ProptestConfig::with_cases(256))]
    // Small integer reach and effort make ties common, which is where ordering bugs hide.
    #[test]
    fn no_item_ever_ranks_above_an_unfinished_prerequisite(
        dag in random_dag(),
        strategy in prop::sample::select(vec!["none", "max", "sum", "chain"]),
    ) {
        let items: Vec<String> = dag.iter().enumerate().map(|(i, (reach, effort, deps, done))| {
            let deps: Vec<String> = deps.iter().map(|d| format!("n{d}")).collect();
            let refs: Vec<&str> = deps.iter().map(String::as_str).collect();
            let mut s = item(&format!("n{i}"), f64::from(*reach), f64::from(*effort) / 2.0, &refs);
            if *done { s.push_str("status = \"done\"\n"); }
            s
        }).collect();
        let b = backlog(strategy, &items);
        let r = rank(&b);
        for (i, it) in b.items.iter().enumerate() {
            let Some(me) = r.rank[i] else { continue };
            for &p in &it.prereqs {
                if let Some(pr) = r.rank[p] {
                    prop_assert!(pr < me, "{} (#{pr}) must rank above {} (#{me})", b.items[p].id, it.id);
                }
            }
        }
        let open = b.items.iter().filter(|it| it.is_open()).count();
        prop_assert_eq!(r.order.len(), open);
        // The order is the priority walk's: among the open items whose open prerequisites are
        // all placed, the one with the higher effective score, then the higher own score, then
        // the smaller id (a direct reference, quadratic, for what the ready queue computes).
        let mut placed = vec![false; b.items.len()];
        let mut expected = Vec::new();
        while let Some(best) = (0..b.items.len())
            .filter(|&i| b.items[i].is_open() && !placed[i])
            .filter(|&i| b.items[i].prereqs.iter().all(|&p| !b.items[p].is_open() || placed[p]))
            .max_by(|&x, &y| {
                r.effective.score[x]
                    .total_cmp(&r.effective.score[y])
                    .then(r.own[x].total_cmp(&r.own[y]))
                    .then(b.items[y].id.cmp(&b.items[x].id))
            })
        {
            placed[best] = true;
            expected.push(best);
        }
        prop_assert_eq!(&r.order, &expected);
        for &i in &r.order {
            prop_assert!(r.effective.score[i].is_finite() && r.own[i].is_finite());
            prop_assert!(r.effective.score[i] >= r.own[i] - 1e-9);
        }
        if strategy == "max" {
            // A blocker scores at least as high as anything it blocks.
            for &i in &r.order {
                for j in r.unblocks(i) {
                    prop_assert!(r.effective.score[i] + 1e-9 >= r.effective.score[j]);
                }
            }
        }
        // The order is a function of the content, not of the file order.
        let mut shuffled = items.clone();
        shuffled.reverse();
        let b2 = backlog(strategy, &shuffled);
        prop_assert_eq!(order(&b), order(&b2));
        // Plans never put an item before a prerequisite's phase.
        let p = plan(&b, &r, 4.0, 3);
        let mut phase = vec![None; b.items.len()];
        for (k, ph) in p.phases.iter().enumerate() {
            prop_assert!(ph.used <= 4.0 + 1e-9);
            for &i in &ph.items { phase[i] = Some(k); }
        }
        for (i, it) in b.items.iter().enumerate() {
            let Some(mine) = phase[i] else { continue };
            for &q in &it.prereqs {
                if b.items[q].is_open() {
                    prop_assert!(phase[q].is_some_and(|x| x <= mine));
                }
            }
        }
    }
}
