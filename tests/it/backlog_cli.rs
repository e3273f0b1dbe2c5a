//! `score`, `plan` and `graph` end to end: every format, every validation error, cycles,
//! `--check`. Concern labels come from the default rules, which change independently, so
//! snapshots drop them and only their shape is asserted.
use crate::common::ds01;
use predicates::prelude::*;

const BACKLOG: &str = "fixtures/backlog.toml";

fn stdout(args: &[&str]) -> String {
    crate::common::stdout_of(ds01().args(args), &format!("{args:?}"))
}

fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&stdout(args)).expect("json")
}

/// `score --check --format json FILE`: exit code and the findings document.
fn check_json(file: &str) -> (Option<i32>, serde_json::Value) {
    let out = ds01()
        .args(["score", "--check", "--format", "json", file])
        .output()
        .expect("run");
    let v = serde_json::from_slice(&out.stdout).expect("json");
    (out.status.code(), v)
}

/// Exit code and stderr of a failing run.
fn fails(args: &[&str]) -> (Option<i32>, String) {
    let out = ds01().args(args).output().expect("run");
    (
        out.status.code(),
        String::from_utf8(out.stderr).expect("utf8"),
    )
}

#[test]
fn score_json_snapshot_without_concern_labels() {
    let mut v = json(&["score", BACKLOG, "--format", "json"]);
    assert_eq!(v["schema_version"], 1);
    for item in v["items"].as_array_mut().expect("items") {
        let c = item
            .as_object_mut()
            .expect("object")
            .remove("concerns")
            .expect("every item carries its concerns");
        assert!(c["layers"].is_array() && c["tiers"].is_array());
        assert!(c["gpu_impact"].is_string());
    }
    insta::assert_json_snapshot!("score_fixture", v);
}

#[test]
fn the_ranking_never_lists_an_item_above_its_prerequisites() {
    let v = json(&["score", BACKLOG, "--format", "json"]);
    let items = v["items"].as_array().expect("items");
    let rank = |id: &str| {
        items
            .iter()
            .find(|x| x["id"] == id)
            .map(|x| x["rank"].as_u64().expect("rank"))
    };
    for it in items {
        for p in it["blocked_by"].as_array().expect("blocked_by") {
            assert!(rank(p.as_str().expect("id")) < rank(it["id"].as_str().expect("id")));
        }
    }
}

#[test]
fn score_human_csv_markdown_and_top() {
    let human = stdout(&["score", BACKLOG]);
    for col in ["Effective", "Unblocks", "Blocked by", "Concerns"] {
        assert!(human.contains(col), "{col}");
    }
    assert!(human.contains("multi-signal-idle"));
    assert!(human.contains("ties: own score, then id"));
    let csv = stdout(&["score", BACKLOG, "--format", "csv", "--top", "3"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(
        lines[0],
        "rank,id,title,reach,impact,confidence,effort,own_score,effective_score,unblocks,blocked_by,layers,tiers,gpu_impact,status,needs_estimate,url"
    );
    assert!(lines[1].starts_with("1,"));
    let md = stdout(&["score", BACKLOG, "--format", "markdown", "--critical-path"]);
    assert!(md.starts_with("| # | ID |"));
    assert!(md.contains("**Critical chain**: "));
    let top = json(&["score", BACKLOG, "--format", "json", "--top", "2"]);
    assert_eq!(top["items"].as_array().expect("items").len(), 2);
    assert_eq!(top["open"], 23);
}

#[test]
fn explain_shows_the_arithmetic() {
    let out = stdout(&["score", BACKLOG, "--explain", "monitoring-stack"]);
    insta::assert_snapshot!("explain_monitoring_stack", out);
    let out = stdout(&["score", BACKLOG, "--explain", "gpu-queue"]);
    assert!(out.contains("own score  150 × 2 × 0.8 ÷ 4 = 60"), "{out}");
    assert!(out.contains("[strategy max]"));
    let done = stdout(&["score", BACKLOG, "--explain", "event-log"]);
    assert!(done.contains("status     done"), "{done}");
    let (code, err) = fails(&["score", BACKLOG, "--explain", "gpu-queu"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("did you mean `gpu-queue`?"), "{err}");
}

#[test]
fn explain_under_sum_lists_each_contribution() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sum.toml");
    let text = std::fs::read_to_string(BACKLOG)
        .expect("fixture")
        .replace("propagation = \"max\"", "propagation = \"sum\"");
    std::fs::write(&path, text).expect("write");
    let p = path.to_str().expect("utf8 path");
    let out = stdout(&["score", p, "--explain", "gpu-queue"]);
    assert!(out.contains("[strategy sum, decay 0.5]"), "{out}");
    assert!(out.contains("0.5 × "), "{out}");
}

#[test]
fn sensitivity_and_critical_path() {
    let out = stdout(&[
        "score",
        BACKLOG,
        "--top",
        "3",
        "--sensitivity",
        "--critical-path",
    ]);
    assert!(out.contains("Sensitivity (one estimate changed at a time):"));
    assert!(out.contains("Critical chain: "));
    let v = json(&[
        "score",
        BACKLOG,
        "--format",
        "json",
        "--sensitivity",
        "--top",
        "3",
    ]);
    insta::assert_json_snapshot!("sensitivity_top3", v["sensitivity"]);
    assert!(v["critical_path"]["items"].as_array().expect("items").len() >= 2);
}

/// Each bad fixture, with the located messages it must produce (all at once).
const BAD: &[(&str, &[&str])] = &[
    (
        "bad-unknown-key.toml",
        &[
            "bad-unknown-key.toml:8:1: unknown key `depends` in item `queue` (did you mean `depends_on`?)",
        ],
    ),
    (
        "bad-unknown-keys.toml",
        &[
            "bad-unknown-keys.toml:2:1: unknown key `owner` in the backlog",
            "bad-unknown-keys.toml:5:1: unknown key `propagate` in `[scoring]` (did you mean `propagation`?)",
            "bad-unknown-keys.toml:9:1: unknown key `titel` in item `gpu-queue` (did you mean `title`?)",
            "bad-unknown-keys.toml:14:1: unknown key `depends` in item `gpu-queue` (did you mean `depends_on`?)",
            "item `gpu-queue` is missing required key(s) `title`",
        ],
    ),
    (
        "bad-duplicate-id.toml",
        &["bad-duplicate-id.toml:11:6: duplicate item id `gpu-queue` (first defined on line 3)"],
    ),
    (
        "bad-unknown-dependency.toml",
        &[
            "bad-unknown-dependency.toml:17:15: item `queue-notifications` depends on unknown item `gpu-queu` (did you mean `gpu-queue`?)",
            "depends on unknown item `kubernetes-migration`\n",
        ],
    ),
    (
        "bad-self-dependency.toml",
        &["bad-self-dependency.toml:8:15: item `loop` depends on itself (a cycle of length 1)"],
    ),
    (
        "bad-effort.toml",
        &[
            "bad-effort.toml:5:5: t-shirt size `L` must map to a finite effort greater than 0, got -4",
            "bad-effort.toml:13:10: item `zero`: `effort` must be greater than 0, got 0",
            "item `negative`: `effort` must be greater than 0, got -2.5",
            "item `unknown-size`: `effort` \"XXXL\" is not a t-shirt size",
        ],
    ),
    (
        "bad-impact.toml",
        &[
            "bad-impact.toml:6:10: item `five`: `impact` is off the scale",
            "bad-impact.toml:14:10: item `typo`: `impact` must be 3, 2, 1, 0.5 or 0.25 (or massive, high, medium, low, minimal), got \"hgih\" (did you mean `high`?)",
        ],
    ),
    (
        "bad-confidence.toml",
        &[
            "item `percent-number`: `confidence` must be between 0.5 and 1.0, got 80: write 0.8 or \"80%\"",
            "item `too-low`: `confidence` must be between 50% and 100%, got \"30%\"",
            "item `no-percent-sign`: `confidence` must be a fraction (0.8) or a percent (\"80%\"), got \"high\"",
        ],
    ),
    (
        "bad-nonfinite.toml",
        &[
            "bad-nonfinite.toml:5:9: item `nan-reach`: `reach` must be a finite number, got NaN",
            "item `inf-effort`: `effort` must be a finite number, got inf",
            "item `nan-confidence`: `confidence` must be a finite number between 0.5 and 1.0, got NaN",
        ],
    ),
    (
        "bad-missing-and-types.toml",
        &[
            "bad-missing-and-types.toml:2:1: item `no-estimates` is missing required key(s) `reach`, `impact`, `confidence`, `effort`",
            "`title` must be a string, got an integer",
            "item `wrong-types`: `reach` must be a number (people per reach period), got \"many\"",
            "`impact` must be 3, 2, 1, 0.5 or 0.25 (or massive, high, medium, low, minimal), got a boolean",
            "`effort` must be a number or a t-shirt size, got an array",
            "`depends_on` must be an array of strings, got a string",
        ],
    ),
    (
        "bad-values.toml",
        &[
            "bad-values.toml:3:15: unknown `propagation` \"maximum\": expected chain, max, sum or none",
            "bad-values.toml:8:9: item `queue`: `reach` must not be negative",
            "bad-values.toml:9:10: item `queue`: `impact` is off the scale",
            "write 0.8 or \"80%\"",
            "`effort` must be greater than 0",
            "`reach` must be a finite number, got NaN",
            "(did you mean `high`?)",
            "must be between 50% and 100%",
            "`effort` must be a finite number, got inf",
            "unknown item `queu` (did you mean `queue`?)",
            "item `notify` depends on itself",
            "unknown `status` \"finished\"",
            "duplicate item id `queue` (first defined on line 6)",
        ],
    ),
    ("bad-syntax.toml", &["bad-syntax.toml:2:"]),
    ("bad-empty.toml", &["no `[[item]]` entries"]),
    (
        "cycles.toml",
        &[
            "cycles.toml:3:1: dependency cycle of 2 items: `a`, `b`; the loop is closed by: `a` depends on `b`; `b` depends on `a`",
            "cycles.toml:21:1: dependency cycle of 3 items: `x`, `y`, `z`; the loop is closed by: `x` depends on `z`; `y` depends on `x`; `z` depends on `y`",
        ],
    ),
    (
        "cycles-many.toml",
        &[
            "dependency cycle of 5 items: `c1`, `c2`, `c3`, `c4`, `c5`; the loop is closed by: `c1` depends on `c5`; `c2` depends on `c1`; `c3` depends on `c2`; `c4` depends on `c3`; `c5` depends on `c4`",
        ],
    ),
];

#[test]
fn every_validation_error_is_located_and_exits_2() {
    for (file, needles) in BAD {
        let path = format!("fixtures/backlog/{file}");
        for cmd in ["score", "graph"] {
            let (code, err) = fails(&[cmd, &path]);
            assert_eq!(code, Some(2), "{cmd} {file}:\n{err}");
            assert!(!err.contains("panicked"), "{err}");
            for needle in *needles {
                assert!(err.contains(needle), "{file}: missing {needle:?} in\n{err}");
            }
            assert!(err.contains("hint: "), "{err}");
        }
    }
    let (code, err) = fails(&["score", "fixtures/backlog/missing.toml"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("missing.toml"));
}

#[test]
fn check_reports_findings_in_every_format_and_exits_1() {
    let (code, v) = check_json("fixtures/backlog/bad-values.toml");
    assert_eq!(code, Some(1));
    insta::assert_json_snapshot!("check_bad_values", v);
    let cyc = ds01()
        .args([
            "score",
            "--check",
            "--format",
            "json",
            "fixtures/backlog/cycles.toml",
        ])
        .output()
        .expect("run");
    assert_eq!(cyc.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&cyc.stdout).expect("json");
    assert_eq!(v["findings"].as_array().expect("findings").len(), 2);
    assert_eq!(v["findings"][0]["code"], "B011");
    ds01()
        .args(["score", "--check", "fixtures/backlog/bad-values.toml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("bad-values.toml:9:10: error B006"));
    ds01()
        .args([
            "score",
            "--check",
            "--format",
            "csv",
            "fixtures/backlog/cycles.toml",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "file,line,column,severity,code,message\n",
        ));
    ds01()
        .args([
            "score",
            "--check",
            "--format",
            "markdown",
            "fixtures/backlog/cycles.toml",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("| B011 |"));
    for format in ["human", "json", "csv", "markdown"] {
        ds01()
            .args(["score", "--check", "--format", format, BACKLOG])
            .assert()
            .code(0);
    }
    ds01()
        .args(["score", "--check", BACKLOG])
        .assert()
        .stdout(predicate::str::contains("backlog.toml: no problems"));
    // `-q` drops the all-clear, not the findings.
    ds01()
        .args(["-q", "score", "--check", BACKLOG])
        .assert()
        .code(0)
        .stdout("");
    ds01()
        .args([
            "-q",
            "score",
            "--check",
            "fixtures/bad/backlog-duplicate-id.toml",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("B002"));
    // An item whose id is a duplicate still has its values checked in the same run.
    let (code, v) = check_json("fixtures/bad/backlog-duplicate-id-bad-values.toml");
    assert_eq!(code, Some(1));
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["B002", "B005", "B006", "B007"], "{v}");
    // A file that cannot be read is still a tool error, not a finding.
    ds01()
        .args(["score", "--check", "fixtures/backlog/missing.toml"])
        .assert()
        .code(2);
}

#[test]
fn a_backlog_piped_on_standard_input_reads_as_its_file() {
    let text = std::fs::read_to_string(BACKLOG).expect("read");
    for args in [
        &["score", "--format", "json", "--no-concerns"][..],
        &["plan", "--capacity", "8", "--format", "json"],
        &["graph", "--format", "mermaid"],
    ] {
        let from_file = stdout(&[args, &[BACKLOG]].concat());
        let piped = ds01()
            .args(args)
            .arg("-")
            .write_stdin(text.clone())
            .output()
            .expect("run");
        assert_eq!(piped.status.code(), Some(0), "{args:?}");
        let piped = String::from_utf8(piped.stdout).expect("utf8");
        // Only the name of the backlog differs.
        assert_eq!(
            piped,
            from_file.replace(&format!("\"{BACKLOG}\""), "\"<stdin>\""),
            "{args:?}"
        );
    }
    // Problems are located in `<stdin>`.
    ds01()
        .args(["score", "-"])
        .write_stdin(std::fs::read("fixtures/bad/backlog-duplicate-id.toml").expect("read"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("<stdin>:10:6: duplicate item id"));
}

#[test]
fn plan_capacity_may_be_a_tshirt_size_of_the_backlog() {
    // The fixture's [scoring.tshirt] gives XL = 8.
    let by_size = stdout(&["plan", BACKLOG, "--capacity", "xl", "--format", "json"]);
    let by_number = stdout(&["plan", BACKLOG, "--capacity", "8", "--format", "json"]);
    assert_eq!(by_size, by_number);
    ds01()
        .args(["plan", BACKLOG, "--capacity", "XXL"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "a t-shirt size of [scoring.tshirt] (XS, S, M, L, XL), got XXL",
        ));
}

#[test]
fn plan_refuses_absurd_phase_counts_and_graph_a_missing_rules_path() {
    for n in ["100000000", "18446744073709551615"] {
        ds01()
            .args(["plan", BACKLOG, "--capacity", "4", "--phases", n])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("--phases must be at most 1000"));
    }
    // Commands that read no rules still fail on a rules path that is not there.
    for cmd in [
        &["graph", BACKLOG][..],
        &["plan", BACKLOG, "--capacity", "4"],
    ] {
        ds01()
            .args(["--rules", "fixtures/no-such-rules"])
            .args(cmd)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("fixtures/no-such-rules"));
    }
}

#[test]
fn plan_in_every_format() {
    let v = json(&["plan", BACKLOG, "--capacity", "8", "--format", "json"]);
    assert_eq!(v["schema_version"], 1);
    insta::assert_json_snapshot!("plan_capacity_8", v);
    let human = stdout(&["plan", BACKLOG, "--capacity", "8"]);
    assert!(human.contains("Now (") && human.contains("Next (") && human.contains("Later ("));
    assert!(human.contains("Not planned"));
    let md = stdout(&["plan", BACKLOG, "--capacity", "8", "--format", "markdown"]);
    assert!(md.starts_with("### Now ("));
    let csv = stdout(&["plan", BACKLOG, "--capacity", "8", "--format", "csv"]);
    assert!(csv.starts_with("phase,rank,id,effort,reason\nNow,1,"));
    let four = json(&[
        "plan",
        BACKLOG,
        "--capacity",
        "8",
        "--phases",
        "4",
        "--format",
        "json",
    ]);
    assert_eq!(four["phases"].as_array().expect("phases").len(), 4);
    assert_eq!(four["phases"][0]["name"], "Phase 1");
    for bad in ["0", "-1", "NaN"] {
        ds01()
            .args(["plan", BACKLOG, "--capacity", bad])
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains("--capacity must be a positive effort")
                    .or(predicate::str::contains("error:")),
            );
    }
    ds01()
        .args(["plan", BACKLOG, "--capacity", "8", "--phases", "0"])
        .assert()
        .code(2);
}

#[test]
fn graph_exports_with_the_critical_chain_highlighted() {
    let dot = stdout(&["graph", BACKLOG]);
    insta::assert_snapshot!("graph_dot", dot);
    assert!(dot.starts_with("digraph backlog {"));
    assert!(
        dot.contains("style=\"rounded,dashed\""),
        "done items are drawn dashed"
    );
    assert!(dot.contains("[color=red, penwidth=2]"));
    let mermaid = stdout(&["graph", BACKLOG, "--format", "mermaid"]);
    insta::assert_snapshot!("graph_mermaid", mermaid);
    assert!(mermaid.starts_with("flowchart LR"));
    assert!(mermaid.contains("linkStyle"));
    assert!(mermaid.contains("class n2 critical") || mermaid.contains(" critical\n"));
}

#[test]
fn a_minimal_backlog_uses_the_default_scoring() {
    let v = json(&[
        "score",
        "fixtures/backlog/ok-minimal.toml",
        "--format",
        "json",
    ]);
    assert_eq!(v["scoring"]["propagation"], "chain");
    assert_eq!(v["scoring"]["effort_unit"], "person-weeks");
    assert_eq!(v["items"][0]["effort"], 0.5);
    assert_eq!(v["items"][0]["own_score"], 0.25);
}

#[test]
fn no_concerns_skips_the_analysis_but_not_the_scores() {
    let with = json(&["score", BACKLOG, "--format", "json"]);
    let without = json(&["score", BACKLOG, "--format", "json", "--no-concerns"]);
    assert!(without["items"][0].get("concerns").is_none());
    let order = |v: &serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|x| format!("{} {}", x["id"], x["effective_score"]))
            .collect()
    };
    assert_eq!(order(&with), order(&without));
    let csv = stdout(&[
        "score",
        BACKLOG,
        "--format",
        "csv",
        "--no-concerns",
        "--top",
        "1",
    ]);
    assert!(
        csv.lines()
            .nth(1)
            .expect("row")
            .ends_with(",,,,todo,false,"),
        "{csv}"
    );
}

#[test]
fn the_default_chain_strategy_counts_the_whole_chain_s_effort() {
    let order = |v: &serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|it| it["id"].as_str().expect("id").to_owned())
            .collect()
    };
    let file = "fixtures/backlog/enabler-chain.toml";
    let v = json(&["score", file, "--format", "json"]);
    assert_eq!(v["scoring"]["propagation"], "chain");
    assert_eq!(
        order(&v),
        ["idle-alerts", "storage-migration", "quota-dashboard"]
    );
    // (20 × 0.25 × 1 + 150 × 2 × 1) / (4 + 2) = 305 / 6
    let migration = &v["items"][1];
    assert_eq!(migration["effective_score"], 50.833);
    assert_eq!(migration["inherits"][0]["from"], "quota-dashboard");
    let explained = stdout(&["score", file, "--explain", "storage-migration"]);
    assert!(
        explained.contains("chain of `quota-dashboard`: value 305 ÷ effort 6"),
        "{explained}"
    );

    // The same file under `max`: the enabler inherits its dependent's 150 and leads.
    let tmp = tempfile::tempdir().expect("tmp");
    let text = std::fs::read_to_string(file).expect("read");
    let max = tmp.path().join("max.toml");
    std::fs::write(&max, format!("[scoring]\npropagation = \"max\"\n\n{text}")).expect("write");
    let v = json(&["score", max.to_str().expect("utf8"), "--format", "json"]);
    assert_eq!(
        order(&v),
        ["storage-migration", "quota-dashboard", "idle-alerts"]
    );
}

#[test]
fn work_in_progress_is_shown_and_stays_in_the_first_phase() {
    let plan = json(&["plan", BACKLOG, "--capacity", "8", "--format", "json"]);
    let now: Vec<&str> = plan["phases"][0]["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|x| x["id"].as_str().expect("id"))
        .collect();
    assert!(now.contains(&"monitoring-stack"), "{now:?}");
    let human = stdout(&["plan", BACKLOG, "--capacity", "8"]);
    assert!(
        human.contains(
            "monitoring-stack — Prometheus and Grafana monitoring (4 pw, L, in progress)"
        ),
        "{human}"
    );
    let table = stdout(&["score", BACKLOG]);
    assert!(table.contains("[in-progress]"), "{table}");
    let csv = stdout(&["score", BACKLOG, "--format", "csv"]);
    assert!(
        csv.lines()
            .any(|l| l.contains(",monitoring-stack,") && l.ends_with(",in-progress,false,")),
        "{csv}"
    );
}

#[test]
fn a_decay_the_strategy_does_not_use_is_a_warning_naming_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("b.toml");
    let item =
        "[[item]]\nid = \"a\"\ntitle = \"A\"\nreach = 10\nimpact = 1\nconfidence = 1\neffort = 1\n";
    std::fs::write(
        &path,
        format!("[scoring]\npropagation = \"max\"\ndecay = 0.3\n{item}"),
    )
    .expect("write");
    let p = path.to_str().expect("utf8");
    let out = ds01()
        .args(["score", p, "--no-concerns"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "a warning never fails the run");
    let err = String::from_utf8(out.stderr).expect("utf8");
    assert!(
        err.contains("warning:") && err.contains("b.toml:3:9") && err.contains("\"max\""),
        "{err}"
    );
    // `--check` (the lint mode for CI) shows it too, and still passes.
    let out = ds01().args(["score", p, "--check"]).output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("b.toml:3:9"));
    // Under `sum`, decay is the strategy's own setting: no warning.
    std::fs::write(
        &path,
        format!("[scoring]\npropagation = \"sum\"\ndecay = 0.3\n{item}"),
    )
    .expect("write");
    let out = ds01()
        .args(["score", p, "--no-concerns"])
        .output()
        .expect("run");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The README's first command prints its table and nothing on stderr.
    let out = ds01().args(["score", BACKLOG]).output().expect("run");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
