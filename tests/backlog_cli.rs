//! `score`, `plan` and `graph` end to end.
use assert_cmd::Command;
use predicates::prelude::*;

fn ds01() -> Command {
    let mut c = Command::cargo_bin("ds01-pm").expect("binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("DS01_PM_RULES");
    c
}

const BACKLOG: &str = "fixtures/backlog.toml";

fn stdout(args: &[&str]) -> String {
    let out = ds01().args(args).output().expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf8")
}

#[test]
fn score_json_snapshot() {
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&["score", BACKLOG, "--format", "json"])).expect("json");
    assert_eq!(v["schema_version"], 1);
    insta::assert_json_snapshot!("score_fixture", v);
}

#[test]
fn score_human_csv_markdown_and_top() {
    let human = stdout(&["score", BACKLOG]);
    assert!(human.contains("Effective") && human.contains("multi-signal-idle"));
    let csv = stdout(&["score", BACKLOG, "--format", "csv", "--top", "3"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[0].starts_with("rank,id,title,reach"));
    let md = stdout(&["score", BACKLOG, "--format", "markdown", "--critical-path"]);
    assert!(md.starts_with("| # | ID |"));
    assert!(md.contains("Critical chain"));
}

#[test]
fn explain_shows_the_arithmetic() {
    let out = stdout(&["score", BACKLOG, "--explain", "gpu-queue"]);
    assert!(out.contains("own score  150 × 2 × 0.8 ÷ 4 = 60"), "{out}");
    assert!(out.contains("strategy max"));
    assert!(out.contains("rank       #"));
    ds01()
        .args(["score", BACKLOG, "--explain", "gpu-queu"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `gpu-queue`?"));
}

#[test]
fn sensitivity_and_critical_path() {
    let out = stdout(&[
        "score",
        BACKLOG,
        "--top",
        "2",
        "--sensitivity",
        "--critical-path",
    ]);
    assert!(out.contains("Sensitivity"));
    assert!(out.contains("Critical chain ("));
    let v: serde_json::Value = serde_json::from_str(&stdout(&[
        "score",
        BACKLOG,
        "--format",
        "json",
        "--sensitivity",
        "--top",
        "2",
    ]))
    .expect("json");
    assert_eq!(v["sensitivity"].as_array().expect("array").len(), 2);
}

#[test]
fn invalid_backlogs_report_every_problem_and_exit_2() {
    let out = ds01()
        .args(["score", "fixtures/backlog/bad-values.toml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).expect("utf8");
    for needle in [
        "bad-values.toml:3:15: unknown `propagation`",
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
    ] {
        assert!(err.contains(needle), "missing {needle:?} in\n{err}");
    }
    assert!(!err.contains("panicked"));
    ds01()
        .args(["score", "fixtures/backlog/unknown-key.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown-key.toml:8:1: unknown field `depends`",
        ))
        .stderr(predicate::str::contains("did you mean `depends_on`?"));
    ds01()
        .args(["score", "fixtures/backlog/syntax.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("syntax.toml:2:"));
    ds01()
        .args(["score", "fixtures/backlog/empty.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no `[[item]]` entries"));
    ds01()
        .args(["score", "fixtures/backlog/missing.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.toml"));
}

#[test]
fn cycles_fail_or_become_findings_with_check() {
    ds01()
        .args(["score", "fixtures/backlog/cycles.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "dependency cycle of 2 items: `a`, `b`",
        ))
        .stderr(predicate::str::contains("dependency cycle of 3 items"));
    let out = ds01()
        .args([
            "score",
            "--check",
            "--format",
            "json",
            "fixtures/backlog/cycles.toml",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["findings"].as_array().expect("findings").len(), 2);
    assert_eq!(v["findings"][0]["code"], "B011");
    ds01()
        .args(["score", "--check", "fixtures/backlog/bad-values.toml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("bad-values.toml:9:10: error B006"));
    ds01()
        .args(["score", "--check", BACKLOG])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 problem(s)"));
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
        .stdout(predicate::str::starts_with("file,line,column"));
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
}

#[test]
fn plan_phases() {
    let out = stdout(&["plan", BACKLOG, "--capacity", "8"]);
    assert!(out.contains("Now (") && out.contains("Next (") && out.contains("Later ("));
    assert!(out.contains("Not planned"));
    let v: serde_json::Value = serde_json::from_str(&stdout(&[
        "plan",
        BACKLOG,
        "--capacity",
        "8",
        "--phases",
        "4",
        "--format",
        "json",
    ]))
    .expect("json");
    assert_eq!(v["phases"].as_array().expect("phases").len(), 4);
    assert_eq!(v["phases"][0]["name"], "Phase 1");
    ds01()
        .args(["plan", BACKLOG, "--capacity", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--capacity must be a positive effort",
        ));
}

#[test]
fn graph_exports_with_the_critical_chain_highlighted() {
    let dot = stdout(&["graph", BACKLOG]);
    assert!(dot.starts_with("digraph backlog {"));
    assert!(dot.contains("\"gpu-queue\" -> \"job-api\" [color=red"));
    assert!(
        dot.contains("style=\"rounded,dashed\""),
        "done items are drawn dashed"
    );
    let mermaid = stdout(&["graph", BACKLOG, "--format", "mermaid"]);
    assert!(mermaid.starts_with("flowchart LR"));
    assert!(mermaid.contains("linkStyle"));
    assert!(mermaid.contains("class n2 critical") || mermaid.contains("critical"));
}
