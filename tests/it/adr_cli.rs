//! End-to-end tests of `adr`: numbering, directories, configuration, never overwriting, and
//! what the record is prefilled with. Every test runs in its own temporary directory.
use crate::common::ds01_in as ds01;
use std::path::Path;

use predicates::prelude::*;

const SQLITE: &str = "Switch from file-based state to SQLite";

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf8"))
        .collect();
    v.sort();
    v
}

#[test]
fn first_record_is_0001_and_creates_the_directory() {
    let tmp = tempfile::tempdir().expect("tmp");
    ds01(tmp.path())
        .args(["adr", SQLITE])
        .assert()
        .success()
        .stdout("docs/decisions/0001-switch-from-file-based-state-to-sqlite.md\n")
        .stderr(predicate::str::contains("created docs/decisions"))
        .stderr(predicate::str::contains(
            "next: choose an option under Decision Outcome",
        ));
    let dir = tmp.path().join("docs/decisions");
    assert_eq!(
        names(&dir),
        ["0001-switch-from-file-based-state-to-sqlite.md"]
    );
    let text = std::fs::read_to_string(dir.join(&names(&dir)[0])).expect("read");
    // MADR layout, in order.
    let mut at = 0;
    for heading in [
        "---\nstatus: proposed\ndate: ",
        "# Switch from file-based state to SQLite",
        "## Context and Problem Statement",
        "## Decision Drivers",
        "## Considered Options",
        "## Decision Outcome",
        "### Consequences",
        "## Pros and Cons of the Options",
        "## Open Questions",
    ] {
        let found = text[at..]
            .find(heading)
            .unwrap_or_else(|| panic!("{heading:?} missing or out of order:\n{text}"));
        at += found + heading.len();
    }
    // Today's date, from the system clock.
    let date = text.lines().nth(2).expect("date line");
    let re = regex::Regex::new(r"^date: (\d{4})-(\d{2})-(\d{2})$").expect("re");
    let caps = re.captures(date).expect("a YYYY-MM-DD date");
    assert!(caps[1].parse::<u32>().expect("year") >= 2025);
    // Options: always "do nothing", plus the trade-offs the state-store rule carries.
    assert!(text.contains("* Do nothing: keep the current behaviour"));
    assert!(text.contains("SQLite in WAL mode"));
    assert!(text.contains("* Bad, because a second source of truth"));
    // Consequences from the risk, open questions as a checklist.
    assert!(text.contains("Bad, because of the risk of state drift"));
    assert!(text.contains("- [ ] What is the single source of truth"));
    // The outcome is left to the author, with a placeholder `check` catches.
    assert!(text.contains("Chosen option: \"TODO"));
}

#[test]
fn numbering_continues_after_the_highest_record() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("docs/decisions");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("0001-use-docker-labels.md"), "# old\n").expect("write");
    std::fs::write(dir.join("README.md"), "# index\n").expect("write");
    ds01(tmp.path())
        .args(["adr", "Adopt", "SLURM", "for", "batch", "jobs"])
        .assert()
        .success()
        .stderr(predicate::str::contains("created").not());
    ds01(tmp.path())
        .args(["adr", "Adopt SLURM for batch jobs"])
        .assert()
        .success();
    assert_eq!(
        names(&dir),
        [
            "0001-use-docker-labels.md",
            "0002-adopt-slurm-for-batch-jobs.md",
            "0003-adopt-slurm-for-batch-jobs.md",
            "README.md"
        ]
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("0001-use-docker-labels.md")).expect("read"),
        "# old\n",
        "existing records are never touched"
    );
    let slurm =
        std::fs::read_to_string(dir.join("0002-adopt-slurm-for-batch-jobs.md")).expect("read");
    assert!(slurm.contains("Integrate an existing scheduler or platform"));
    assert!(slurm.contains("Risk to settle: `scope-creep`"));
}

#[test]
fn an_explicit_output_is_never_overwritten_without_force() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("decision.md");
    std::fs::write(&out, "mine\n").expect("write");
    ds01(tmp.path())
        .args(["adr", SQLITE, "-o", "decision.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("decision.md: already exists"))
        .stderr(predicate::str::contains("hint: pass --force"));
    assert_eq!(std::fs::read_to_string(&out).expect("read"), "mine\n");
    ds01(tmp.path())
        .args(["adr", SQLITE, "-o", "decision.md", "--force"])
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&out)
            .expect("read")
            .contains("# Switch from file-based state to SQLite")
    );
    assert!(!tmp.path().join("docs").exists(), "-o writes nowhere else");
}

#[test]
fn dir_flag_and_config_choose_the_directory() {
    let tmp = tempfile::tempdir().expect("tmp");
    ds01(tmp.path())
        .args(["adr", SQLITE, "--dir", "adr"])
        .assert()
        .success();
    assert_eq!(
        names(&tmp.path().join("adr")),
        ["0001-switch-from-file-based-state-to-sqlite.md"]
    );

    // `[adr] dir` is relative to the config file, found from a subdirectory.
    std::fs::write(
        tmp.path().join("ds01-pm.toml"),
        "[adr]\ndir = \"architecture/decisions\"\n",
    )
    .expect("write");
    let sub = tmp.path().join("src/deep");
    std::fs::create_dir_all(&sub).expect("mkdir");
    ds01(&sub)
        .args(["adr", "Notify users by email"])
        .assert()
        .success();
    assert_eq!(
        names(&tmp.path().join("architecture/decisions")),
        ["0001-notify-users-by-email.md"]
    );
    // --dir wins over the config.
    ds01(tmp.path())
        .args(["adr", "Notify users by email", "--dir", "adr"])
        .assert()
        .success();
    assert!(
        tmp.path()
            .join("adr/0002-notify-users-by-email.md")
            .is_file()
    );
}

#[test]
fn a_bad_adr_section_is_a_config_error_with_its_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(
        tmp.path().join("ds01-pm.toml"),
        "[adr]\ndirectory = \"x\"\n",
    )
    .expect("write");
    ds01(tmp.path())
        .args(["adr", SQLITE])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "ds01-pm.toml:2:1: unknown field `directory`",
        ))
        .stderr(predicate::str::contains("did you mean `dir`?"));
    assert!(!tmp.path().join("docs").exists());
}

#[test]
fn stdout_and_context_file() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(
        tmp.path().join("context.md"),
        "Students keep containers alive over the weekend to finish training runs.\n",
    )
    .expect("write");
    let out = ds01(tmp.path())
        .args([
            "adr",
            "Longer idle timeouts",
            "-f",
            "context.md",
            "--stdout",
        ])
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert!(text.contains("Students keep containers alive over the weekend"));
    assert!(text.contains("Strains `ephemeral-containers`"));
    assert!(text.contains("Checkpoint to /workspace and resume"));
    assert!(!tmp.path().join("docs").exists(), "--stdout writes no file");
    // The same with --context.
    ds01(tmp.path())
        .args([
            "adr",
            "Longer idle timeouts",
            "--context",
            "Students keep containers alive over the weekend.",
            "--stdout",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("Strains `gpu-efficiency`"));
    // The context from standard input.
    ds01(tmp.path())
        .args(["adr", "Longer idle timeouts", "-f", "-", "--stdout"])
        .write_stdin("Researchers want a higher max runtime for MIG slices.")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Researchers want a higher max runtime",
        ));
    // An empty title is refused.
    ds01(tmp.path())
        .args(["adr", " ", "--stdout"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: the decision title is empty",
        ));
    // Without context the record asks for one.
    ds01(tmp.path())
        .args(["adr", "Longer idle timeouts", "--stdout"])
        .assert()
        .success()
        .stdout(predicate::str::contains("TODO: describe the situation"));
}

#[test]
fn each_design_choice_brings_its_own_options() {
    let tmp = tempfile::tempdir().expect("tmp");
    for (title, option) in [
        (
            "Add a GPU queue so students wait for a free GPU",
            "DS01's own GPU queue",
        ),
        ("Enable MIG on two of the A100s", "Keep full GPUs only"),
        (
            "Email users before their container is stopped",
            "Email through SMTP",
        ),
        (
            "Let researchers reserve a GPU before a deadline",
            "Priority in the GPU queue instead of a reservation",
        ),
    ] {
        let out = ds01(tmp.path())
            .args(["adr", title, "--stdout"])
            .output()
            .expect("run");
        let text = String::from_utf8(out.stdout).expect("utf8");
        let considered = &text[text.find("## Considered Options").expect("options")
            ..text.find("## Decision Outcome").expect("outcome")];
        assert!(considered.contains(option), "{title}: {considered}");
        assert!(considered.contains("* Do nothing: keep the current behaviour"));
    }
}

#[test]
fn the_record_fails_check_until_the_author_decides() {
    let tmp = tempfile::tempdir().expect("tmp");
    ds01(tmp.path())
        .args(["adr", SQLITE, "-o", "d.md"])
        .assert()
        .success();
    ds01(tmp.path())
        .args(["check", "d.md", "--format", "line"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("P003"));
}

#[test]
fn check_skips_decision_records_next_to_proposals() {
    let dir = tempfile::tempdir().expect("tmp");
    let bin = assert_cmd::cargo::cargo_bin("ds01-pm");
    let run = |args: &[&str]| {
        std::process::Command::new(&bin)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .args(args)
            .output()
            .expect("run")
    };
    assert!(run(&["adr", "Adopt SLURM for batch jobs"]).status.success());
    let out = run(&["check", "--format", "json", "docs/"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("skipped 1 decision record(s)"), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["files"].as_array().expect("files").len(), 0);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn concurrent_runs_in_one_directory_never_share_a_number() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("docs/decisions");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let bin = assert_cmd::cargo::cargo_bin("ds01-pm");
    let children: Vec<std::process::Child> = (0..12)
        .map(|k| {
            std::process::Command::new(&bin)
                .args(["adr", &format!("Decision number {k}")])
                .current_dir(tmp.path())
                .env_remove("DS01_PM_RULES")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for mut c in children {
        assert!(c.wait().expect("wait").success());
    }
    let numbers: Vec<String> = names(&dir).iter().map(|n| n[..4].to_string()).collect();
    let expected: Vec<String> = (1..=12).map(|n| format!("{n:04}")).collect();
    assert_eq!(numbers, expected, "{:?}", names(&dir));
}

#[test]
fn consequences_belong_to_the_decision_not_to_the_alternatives_in_the_context() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = ds01(tmp.path())
        .args([
            "adr",
            "Switch from file-based state to SQLite",
            "--context",
            "Alternatives: keep containers alive over the weekend with a keep-alive exemption, or integrate SLURM.",
            "--stdout",
        ])
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf8");
    let (drivers, rest) = text.split_once("## Considered Options").expect("sections");
    let consequences = rest
        .split_once("### Consequences")
        .and_then(|(_, c)| c.split_once("## Pros and Cons"))
        .map(|(c, _)| c)
        .expect("consequences");
    assert!(
        drivers.contains("`ephemeral-containers`"),
        "the context still drives:\n{drivers}"
    );
    assert!(
        !consequences.contains("ephemeral-containers"),
        "{consequences}"
    );
    assert!(!consequences.contains("scope creep"), "{consequences}");
    assert!(consequences.contains("state drift"), "{consequences}");
}
