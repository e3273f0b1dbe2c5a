//! End-to-end tests of `explain`, and of the rule-file fields it reads (`details`, `options`,
//! `[[topic]]`).
use ds01_pm::cli::ListFormat;
use predicates::prelude::*;
use serde_json::Value;

use crate::common::ds01;

/// `explain TOPIC` fails with exit code 2 and offers `suggestion`.
fn assert_suggests(topic: &str, suggestion: &str) {
    ds01()
        .args(["explain", topic])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "did you mean '{suggestion}'?"
        )));
}

fn json(args: &[&str]) -> Value {
    let out = crate::common::stdout_of(ds01().args(args), &format!("{args:?}"));
    serde_json::from_str(&out).expect("JSON")
}

/// `ds01-pm explain TOPIC` in-process: the library calls the command makes (default rules,
/// no colour), for the tests that loop over every code, rule and label.
fn explain(topic: &str, format: ListFormat) -> String {
    let set = ds01_pm::rules::defaults().expect("default rules");
    let e = ds01_pm::explain::resolve(set, topic).unwrap_or_else(|e| panic!("{topic}: {e}"));
    ds01_pm::report::explain::explanation(&e, format, false)
}

fn explain_json(topic: &str) -> Value {
    serde_json::from_str(&explain(topic, ListFormat::Json)).expect("JSON")
}

#[test]
fn l3_as_json_is_stable() {
    let v = json(&["explain", "L3", "--format", "json"]);
    insta::assert_json_snapshot!("explain_l3", v);
}

#[test]
fn topics_are_case_insensitive() {
    for (topic, kind, id) in [
        ("l3", "layer", "L3"),
        ("L3", "layer", "L3"),
        ("Researcher", "tier", "researcher"),
        ("MIG", "gpu-impact", "mig"),
        ("gpu-efficiency", "principle", "gpu-efficiency"),
        ("data-loss", "risk", "data-loss"),
        ("solution-space", "dimension", "solution-space"),
        ("RICE", "topic", "rice"),
        ("reach", "topic", "rice"),
        ("questions", "topic", "questions"),
        ("Risk-State-Store", "rule", "risk-state-store"),
    ] {
        let v = json(&["explain", topic, "--format", "json"]);
        assert_eq!(v["schema_version"], 1, "{topic}");
        assert_eq!(v["kind"], kind, "{topic}");
        assert_eq!(v["id"], id, "{topic}");
    }
    let v = json(&["explain", "p201", "--format", "json"]);
    assert_eq!(v["kind"], "check");
    assert_eq!(v["code"], "P201");
    let v = json(&["explain", "gpu-when-none-free", "--format", "json"]);
    assert_eq!(v["code"], "P201");
}

#[test]
fn a_finding_code_shows_the_registry_text_of_list_checks() {
    let listed: Value = serde_json::from_slice(
        &ds01()
            .args(["check", "--list-checks", "--format", "json"])
            .output()
            .expect("run")
            .stdout,
    )
    .expect("JSON");
    for c in listed.as_array().expect("checks") {
        let code = c["code"].as_str().expect("code");
        let v = explain_json(code);
        assert_eq!(v["help"], c["help"], "{code}");
        assert_eq!(v["summary"], c["summary"], "{code}");
        // The human text carries the first words of the help (wrapped).
        let first: String = c["help"]
            .as_str()
            .expect("help")
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(explain(code, ListFormat::Human).contains(&first), "{code}");
    }
    // One through the binary.
    ds01()
        .args(["explain", "P201"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("P201 gpu-when-none-free"));
}

/// Every code `score --check` reports on the bad backlogs of `fixtures/backlog/` is an
/// `explain` topic, like the finding codes of `check`: title, meaning, fix, JSON, listed in the
/// index, and a "did you mean" for a near miss.
#[test]
fn every_backlog_finding_code_is_explainable() {
    let mut emitted = std::collections::BTreeSet::new();
    for entry in
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/backlog")).expect("ls")
    {
        let path = entry.expect("entry").path();
        let out = ds01()
            .args(["score", "--check", "--format", "json", "--no-concerns"])
            .arg(&path)
            .output()
            .expect("run");
        let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        for f in v["findings"].as_array().expect("findings") {
            emitted.insert(f["code"].as_str().expect("code").to_owned());
        }
    }
    assert!(
        emitted.len() >= 14,
        "the fixtures cover every code: {emitted:?}"
    );
    let index = json(&["explain", "--format", "json"]);
    let group = index["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["list"] == "backlog-check")
        .expect("a backlog-check group in the index");
    let listed: Vec<&str> = group["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().expect("id"))
        .collect();
    for code in &emitted {
        assert!(listed.contains(&code.as_str()), "{code} not in the index");
        let v = explain_json(&code.to_lowercase());
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["kind"], "backlog-check", "{code}");
        assert_eq!(v["code"], code.as_str());
        assert_eq!(v["severity"], "error");
        let (name, summary, help) = (
            v["name"].as_str().expect("name"),
            v["summary"].as_str().expect("summary"),
            v["help"].as_str().expect("help"),
        );
        assert!(!summary.is_empty() && help.len() > 80, "{code}");
        // By name too, and the human text carries the title, the meaning and the fix.
        assert_eq!(explain_json(name)["code"], code.as_str());
        let first: String = help
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        let human = explain(code, ListFormat::Human);
        assert!(human.starts_with(&format!("{code} {name}")), "{human}");
        assert!(human.contains(summary) && human.contains(&first), "{human}");
    }
    assert_suggests("B0111", "B011");
    assert_suggests("dependancy-cycle", "dependency-cycle");
    // The overview topic lists them, and `score --check` points at `explain`.
    let topic = json(&["explain", "backlog-findings", "--format", "json"]);
    assert_eq!(topic["id"], "backlog-checks");
    assert_eq!(
        topic["lists"][0]["items"].as_array().expect("items").len(),
        listed.len()
    );
    ds01()
        .args(["score", "--check", "fixtures/backlog/cycles.toml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "`ds01-pm explain CODE` explains B011",
        ));
}

#[test]
fn every_label_and_rule_id_in_the_default_rules_is_explainable() {
    let rules = json(&["rules", "list", "--format", "json"]);
    let rules = rules.as_array().expect("rules");
    assert!(rules.len() > 50);
    let mut labels = std::collections::BTreeSet::new();
    for r in rules {
        let id = r["id"].as_str().expect("id");
        let v = explain_json(id);
        assert_eq!(v["kind"], "rule", "{id}");
        assert_eq!(v["id"], id);
        assert_eq!(v["patterns"], r["patterns"], "{id}");
        assert_eq!(v["why"], r["why"], "{id}");
        for (signal, _) in r["signals"]
            .as_array()
            .expect("signals")
            .iter()
            .map(|s| (s[0].as_str().expect("concern"), s[1].clone()))
        {
            labels.insert(signal.split_once(':').expect("kind:id").1.to_owned());
        }
    }
    // Every label a rule can produce explains itself and names that rule among its producers.
    for label in &labels {
        let v = explain_json(label);
        assert_eq!(v["id"], label.as_str());
        assert!(
            !v["description"].as_str().expect("description").is_empty(),
            "{label}"
        );
        assert!(!v["rules"].as_array().expect("rules").is_empty(), "{label}");
    }
    // The index lists every label family, each rule and each check.
    let index = json(&["explain", "--format", "json"]);
    let ids: Vec<&str> = index["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|g| g["items"].as_array().expect("items"))
        .map(|i| i["id"].as_str().expect("id"))
        .collect();
    for label in &labels {
        assert!(ids.contains(&label.as_str()), "{label} not in the index");
    }
    for r in rules {
        assert!(ids.contains(&r["id"].as_str().expect("id")));
    }
    for must in [
        "rice",
        "questions",
        "L0",
        "L4",
        "none",
        "P201",
        "P902",
        "B001",
        "B014",
    ] {
        assert!(ids.contains(&must), "{must} not in the index");
    }
}

#[test]
fn a_label_lists_the_rules_that_produce_it() {
    let v = json(&["explain", "ephemeral-containers", "--format", "json"]);
    let rules = v["rules"].as_array().expect("rules");
    let strain = rules
        .iter()
        .find(|r| {
            r["id"] == "principle-ephemeral-strained"
                && r["signal"] == "strains:ephemeral-containers"
        })
        .expect("the keep-alive rule strains it");
    assert_eq!(strain["weight"], 1.0);
    assert!(!v["questions"].as_array().expect("questions").is_empty());
    ds01()
        .args(["explain", "ephemeral-containers"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Rules that can establish it"))
        .stdout(predicate::str::contains("principle-ephemeral-strained"))
        .stdout(predicate::str::contains("Questions it adds when strained"));
}

#[test]
fn prose_topics_come_from_the_rule_files() {
    let rice = json(&["explain", "rice", "--format", "json"]);
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/topics.toml"))
        .expect("topics.toml");
    let first_words: String = rice["body"]
        .as_str()
        .expect("body")
        .chars()
        .take(40)
        .collect();
    assert!(
        text.contains(&first_words),
        "the RICE text lives in rules/topics.toml"
    );
    let q = json(&["explain", "questions", "--format", "json"]);
    let lists = q["lists"].as_array().expect("lists");
    assert_eq!(lists[0]["list"], "dimensions");
    assert_eq!(lists[0]["items"].as_array().expect("items").len(), 5);
    assert!(
        lists[1]["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i["id"] == "do-nothing")
    );
    // A topic added by an extension file is explainable like the built-in ones.
    let dir = tempfile::tempdir().expect("tmp");
    let extra = dir.path().join("site.toml");
    std::fs::write(
        &extra,
        "family = \"topics\"\n\n[[topic]]\nid = \"office-hours\"\nname = \"Office hours\"\nsummary = \"When to ask the admin.\"\nbody = \"Thursdays 14:00 in room 2.01.\"\nsee_also = [\"admin\"]\n",
    )
    .expect("write");
    ds01()
        .arg("--extend-rules")
        .arg(&extra)
        .args(["explain", "Office-Hours"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Thursdays 14:00"))
        .stdout(predicate::str::contains("See also: admin"));
}

#[test]
fn no_topic_lists_topics_grouped_by_kind() {
    ds01()
        .arg("explain")
        .assert()
        .success()
        .stdout(predicate::str::contains("Topics\n"))
        .stdout(predicate::str::contains("Layers\n"))
        .stdout(predicate::str::contains("  L3  Orchestrators"))
        .stdout(predicate::str::contains(
            "Proposal checks (finding codes of `check`)",
        ))
        .stdout(predicate::str::contains(
            "Backlog checks (finding codes of `score --check`)",
        ));
}

#[test]
fn an_unknown_topic_suggests_a_near_miss() {
    ds01()
        .args(["explain", "L9"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "error: unknown topic 'L9'\nhint: did you mean 'L",
        ))
        .stderr(predicate::str::contains(
            "? run 'ds01-pm explain' for the list",
        ));
    assert_suggests("reseacher", "researcher");
    ds01()
        .args(["explain", "quantum-annealer-thing"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "hint: run 'ds01-pm explain' for the list",
        ));
}

#[test]
fn rules_show_prints_the_design_options() {
    ds01()
        .args(["rules", "show", "risk-heavy-dependency"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Options to weigh:"))
        .stdout(predicate::str::contains("SLURM"));
    let v = json(&["rules", "show", "risk-state-store", "--format", "json"]);
    let options = v["options"].as_array().expect("options");
    assert!(
        options
            .iter()
            .any(|o| o["name"].as_str().expect("name").contains("SQLite"))
    );
    assert!(
        options
            .iter()
            .all(|o| o["good"].is_array() && o["bad"].is_array())
    );
}

#[test]
fn bad_options_and_topics_fail_with_file_line_and_column() {
    let cases = [
        (
            "option-without-tradeoffs",
            "option-without-tradeoffs.toml:11:12: rule `extra-queue-choice`: option `Write our own` needs at least one `good` or `bad` trade-off",
            "hint: fix the rule files above",
        ),
        (
            "option-unknown-key",
            "option-unknown-key.toml:9:39: unknown field `goood`",
            "did you mean `good`?",
        ),
        (
            "topic-bad",
            "topic-bad.toml:8:10: topic `l3`: unknown list `layer`",
            "topic-bad.toml:4:6: topic `l3`: `l3` is already the layers label `L3`",
        ),
        (
            "empty-details",
            "empty-details.toml:7:11: label `site-outage`: `details` must not be empty",
            "hint: fix the rule files above",
        ),
        (
            "topic-bad",
            "topic-bad.toml:9:13: topic `l3`: `see_also` names `nowhere`",
            "did you mean `layers`?",
        ),
    ];
    for (case, first, second) in cases {
        ds01()
            .args([
                "--extend-rules",
                &format!("fixtures/rules-bad/{case}.toml"),
                "explain",
            ])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(first))
            .stderr(predicate::str::contains(second));
    }
}

#[test]
fn ds01_terms_people_type_are_topics() {
    for (term, topic) in [
        ("mlc", "topic `mlc`"),
        ("aime", "topic `mlc`"),
        ("keep-alive", "topic `lifecycle`"),
        ("gpueq", "topic `gpueq`"),
        ("slurm", "topic `schedulers`"),
    ] {
        ds01()
            .args(["explain", term])
            .assert()
            .success()
            .stdout(predicate::str::contains(topic));
    }
}
