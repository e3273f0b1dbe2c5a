//! Properties over generated input (proptest): scores stay finite for every valid backlog,
//! whatever the magnitudes; the ranking never puts an item above an open prerequisite; the
//! JSON of `analyze`, `score` and `check` parses back with its top-level shape; and an
//! analysis depends only on the text and the rules, not on the order the rule files load in.
//! The ordering property over small-integer DAGs (where ties hide bugs) is in
//! `tests/it/backlog.rs`; this file covers the whole range of valid estimates.
use ds01_pm::analyze::analyze;
use ds01_pm::backlog::{LoadError, concerns, parse, plan, rank};
use ds01_pm::check::{self, CHECKS, Outcome, Settings, Severity};
use ds01_pm::cli::{CheckFormat, ScoreFormat, TextFormat};
use ds01_pm::report;
use ds01_pm::rules::{self, EMBEDDED, RuleSet, Source};
use proptest::prelude::*;
use serde_json::Value;

fn defaults() -> &'static RuleSet {
    rules::defaults().expect("rules")
}

/// A valid estimate, written the way a backlog file may write it, over the whole valid range:
/// zero, tiny, ordinary and enormous values, the named scales and t-shirt sizes.
fn reach() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_owned()),
        (0u32..2000).prop_map(|x| x.to_string()),
        prop::num::f64::POSITIVE.prop_map(|x| format!("{x:?}")),
        Just(format!("{:?}", f64::MAX)),
    ]
}

fn impact() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "3",
        "2",
        "1",
        "0.5",
        "0.25",
        "\"massive\"",
        "\"high\"",
        "\"medium\"",
        "\"low\"",
        "\"minimal\"",
    ])
    .prop_map(str::to_owned)
}

fn confidence() -> impl Strategy<Value = String> {
    prop_oneof![
        (50u32..=100).prop_map(|p| format!("\"{p}%\"")),
        (0.5f64..=1.0).prop_map(|x| format!("{x:?}")),
    ]
}

fn effort() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec!["\"XS\"", "\"S\"", "\"M\"", "\"L\"", "\"XL\""])
            .prop_map(str::to_owned),
        (1u32..20).prop_map(|x| x.to_string()),
        prop::num::f64::POSITIVE.prop_map(|x| format!("{x:?}")),
        Just(format!("{:?}", f64::MIN_POSITIVE)),
        Just(format!("{:?}", f64::MAX)),
    ]
}

/// A whole valid backlog: items depend only on earlier ones (a DAG), some are done.
fn backlog_text() -> impl Strategy<Value = String> {
    let item = (
        reach(),
        impact(),
        confidence(),
        effort(),
        proptest::collection::vec(any::<prop::sample::Index>(), 0..3),
        prop::bool::weighted(0.2),
    );
    (
        prop::sample::select(vec!["none", "max", "sum", "chain"]),
        0.01f64..=1.0,
        proptest::collection::vec(item, 1..16),
    )
        .prop_map(|(propagation, decay, items)| {
            let mut s =
                format!("[scoring]\npropagation = \"{propagation}\"\ndecay = {decay:?}\n\n");
            for (i, (reach, impact, confidence, effort, deps, done)) in items.iter().enumerate() {
                let mut d: Vec<usize> = if i == 0 {
                    Vec::new()
                } else {
                    deps.iter().map(|x| x.index(i)).collect()
                };
                d.sort_unstable();
                d.dedup();
                let deps: Vec<String> = d.iter().map(|j| format!("\"item-{j}\"")).collect();
                s.push_str(&format!(
                    "[[item]]\nid = \"item-{i}\"\ntitle = \"Item {i}\"\n\
                     description = \"Let students keep a MIG slice for item {i}\"\n\
                     reach = {reach}\nimpact = {impact}\nconfidence = {confidence}\n\
                     effort = {effort}\ndepends_on = [{}]\n",
                    deps.join(", ")
                ));
                if *done {
                    s.push_str("status = \"done\"\n");
                }
                s.push('\n');
            }
            s
        })
}

/// Every number in a JSON document (an infinite or NaN score serialises as `null`, which a
/// consumer would read as "missing").
fn no_null_numbers(v: &Value, path: &str) -> Result<(), String> {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                no_null_numbers(x, &format!("{path}.{k}"))?;
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                no_null_numbers(x, &format!("{path}[{i}]"))?;
            }
        }
        Value::Number(n) if n.as_f64().is_none_or(|f| !f.is_finite()) => {
            return Err(format!("{path} = {n}"));
        }
        _ => {}
    }
    Ok(())
}

const SCORE_NUMBERS: &[&str] = &[
    "reach",
    "impact",
    "confidence",
    "effort",
    "own_score",
    "effective_score",
    "chain_effort",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn scores_are_finite_and_prerequisites_rank_first_for_every_valid_backlog(
        text in backlog_text()
    ) {
        let b = match parse(&text) {
            Ok(b) => b,
            Err(LoadError::Findings(f)) => return Err(TestCaseError::fail(format!("{f:?}\n{text}"))),
            Err(LoadError::Tool(e)) => return Err(TestCaseError::fail(e.to_string())),
        };
        let r = rank::rank(&b);
        for (i, it) in b.items.iter().enumerate() {
            prop_assert!(r.own[i].is_finite(), "own score of {} is {}", it.id, r.own[i]);
            prop_assert!(r.effective.score[i].is_finite(), "effective score of {}", it.id);
            prop_assert!(r.effective.score[i] >= 0.0);
            prop_assert!(r.chain_effort[i].is_finite(), "chain effort of {}", it.id);
            let Some(me) = r.rank[i] else { continue };
            for &p in &it.prereqs {
                if let Some(pr) = r.rank[p] {
                    prop_assert!(pr < me, "{} (#{pr}) must rank above {} (#{me})", b.items[p].id, it.id);
                }
            }
        }
        prop_assert!(r.critical_effort.is_finite());
        let sens = rank::sensitivity(&b, &r, 5);
        for s in &sens {
            for c in &s.changes {
                prop_assert!(c.from.is_finite() && c.to.is_finite());
            }
        }
        let p = plan::plan(&b, &r, 8.0, 3);
        for ph in &p.phases {
            prop_assert!(ph.used.is_finite() && ph.used <= 8.0 + 1e-9);
        }

        // `score --format json` parses back, with its shape and no number lost to `null`.
        let c = concerns::annotate(&b, defaults());
        let view = report::backlog::ScoreView {
            path: "backlog.toml",
            backlog: &b,
            ranking: &r,
            concerns: Some(&c),
            top: None,
            critical_path: true,
            sensitivity: Some(&sens),
        };
        let v: Value = serde_json::from_str(&report::backlog::score(&view, ScoreFormat::Json))
            .map_err(|e| TestCaseError::fail(format!("score JSON: {e}")))?;
        prop_assert_eq!(&v["schema_version"], &Value::from(1));
        let items = v["items"].as_array().expect("items");
        prop_assert_eq!(items.len(), r.order.len());
        for item in items {
            for key in SCORE_NUMBERS {
                prop_assert!(item.get(*key).is_some_and(Value::is_number), "item lacks numeric `{key}`: {item}");
            }
        }
        no_null_numbers(&v, "$").map_err(TestCaseError::fail)?;
        let planned: Value = serde_json::from_str(&report::backlog::plan(&b, &r, &p, ScoreFormat::Json))
            .map_err(|e| TestCaseError::fail(format!("plan JSON: {e}")))?;
        prop_assert!(planned.get("phases").is_some_and(Value::is_array));
    }
}

/// Phrases from the rules' own examples and plain filler, so generated texts hit many rules,
/// negations and exclusions at once.
fn phrases() -> Vec<String> {
    let mut v: Vec<String> = defaults()
        .rules
        .iter()
        .flat_map(|r| r.examples_match.iter().chain(&r.examples_no_match).take(2))
        .map(ToString::to_string)
        .collect();
    v.extend(
        [
            "no GPU change",
            "without MIG",
            "for students",
            "and",
            ".",
            "é",
            "",
        ]
        .map(str::to_owned),
    );
    v
}

fn text() -> impl Strategy<Value = String> {
    let phrases = phrases();
    proptest::collection::vec(prop::sample::select(phrases), 0..6).prop_map(|v| v.join(" "))
}

/// The embedded rule files in the given order, as a library caller would hand them over.
fn load_in_order(order: &[usize]) -> RuleSet {
    let sources: Vec<Source> = order
        .iter()
        .map(|&i| Source {
            name: format!("rules/{}", EMBEDDED[i].0),
            text: EMBEDDED[i].1.into(),
            embedded: true,
        })
        .collect();
    rules::validate(&sources).expect("the embedded rules load in any order")
}

fn analysis_json(set: &RuleSet, text: &str) -> String {
    report::analysis(&analyze(set, text), None, TextFormat::Json, false)
}

proptest! {
    // Each case loads the whole rule set again: few cases, several texts each.
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn analysis_is_deterministic_and_independent_of_rule_file_order(
        order in Just((0..EMBEDDED.len()).collect::<Vec<usize>>()).prop_shuffle(),
        texts in proptest::collection::vec(text(), 1..6),
    ) {
        let shuffled = load_in_order(&order);
        for text in &texts {
            let reference = analysis_json(defaults(), text);
            prop_assert_eq!(&reference, &analysis_json(defaults(), text), "same input, same output");
            prop_assert_eq!(&reference, &analysis_json(&shuffled, text), "rule files in order {:?}", order);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn analyze_and_check_json_parse_back_with_their_shape(body in text(), title in text()) {
        let a = analyze(defaults(), &body);
        let v: Value = serde_json::from_str(&report::analysis(&a, None, TextFormat::Json, false))
            .map_err(|e| TestCaseError::fail(format!("analyze JSON: {e}")))?;
        prop_assert_eq!(&v["schema_version"], &Value::from(1));
        for key in ["layers", "tiers", "risks", "rules_fired", "suppressed"] {
            prop_assert!(v[key].is_array(), "`{key}` is not an array");
        }
        prop_assert!(v["gpu_impact"]["value"].is_string());
        prop_assert!(v["principles"]["supported"].is_array() && v["principles"]["strained"].is_array());
        prop_assert!(v["size"]["tshirt"].is_string() && v["size"]["points"].is_number());
        prop_assert!(v["questions"]["top"].is_array() && v["questions"]["groups"].is_array());
        no_null_numbers(&v, "$").map_err(TestCaseError::fail)?;

        let doc = format!("# {title}\n\n## Problem\n\n{body}\n\n## Proposal\n\n{body}\n");
        let settings = Settings::default();
        let file = check::check_text(defaults(), &settings, "p.md", &doc);
        let outcome = Outcome {
            schema_version: check::SCHEMA_VERSION,
            fail_level: Severity::Error,
            files: vec![file],
            checks: CHECKS.iter().map(|c| (c, settings.severity_of(c))).collect(),
        };
        let v: Value = serde_json::from_str(&report::check::render(&outcome, CheckFormat::Json, false))
            .map_err(|e| TestCaseError::fail(format!("check JSON: {e}")))?;
        prop_assert_eq!(&v["schema_version"], &Value::from(1));
        let files = v["files"].as_array().expect("files");
        prop_assert_eq!(files.len(), 1);
        prop_assert!(files[0]["findings"].is_array());
        for f in files[0]["findings"].as_array().expect("findings") {
            prop_assert!(f["code"].is_string() && f["line"].is_u64() && f["severity"].is_string());
        }
    }
}

/// The same property through the CLI: a `--rules DIR` copy of the embedded files, named so
/// that they sort in the reverse of the embedded order, gives byte-identical JSON.
#[test]
fn rules_dir_with_files_in_another_order_gives_the_same_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = EMBEDDED.len();
    for (k, (name, text)) in EMBEDDED.iter().enumerate() {
        std::fs::write(dir.path().join(format!("{}-{name}", n - k)), text).expect("write");
    }
    let run = |extra: &[&str], text: &str| {
        crate::common::stdout_of(
            crate::common::ds01()
                .args(extra)
                .args(["analyze", "--format", "json", text]),
            text,
        )
    };
    let rules_dir = dir.path().to_str().expect("utf8 path");
    // One text: loading a `--rules` directory runs every rule example (a few seconds in a
    // debug build); the property test above covers many texts through the library.
    let text = "Queue GPU jobs with SLURM for students over the weekend; store the state in SQLite, no MIG change";
    let default = run(&[], text);
    let json: Value = serde_json::from_str(&default).expect("analyze JSON parses back");
    assert!(
        !json["rules_fired"]
            .as_array()
            .expect("rules_fired")
            .is_empty()
    );
    assert_eq!(default, run(&["--rules", rules_dir], text));
}
