//! End-to-end tests of `analyze`, `questions` and `rules`, run as a user runs them.
use crate::common::{ds01, stdout_of};
use predicates::prelude::*;

const WEEKEND: &str =
    "Let students keep a container running over the weekend for long training jobs";

#[test]
fn analyze_prints_summary_table_size_and_first_questions() {
    ds01()
        .args(["analyze", WEEKEND])
        .assert()
        .success()
        .stdout(predicate::str::contains("What I understood"))
        .stdout(predicate::str::contains("Strains"))
        .stdout(predicate::str::contains("ephemeral-containers"))
        .stdout(predicate::str::contains("Size"))
        .stdout(predicate::str::contains("Ask first"))
        .stdout(predicate::str::contains("\x1b[").not());
}

#[test]
fn analyze_json_is_versioned_and_carries_evidence() {
    let out = ds01()
        .args(["analyze", "--format", "json", WEEKEND])
        .output()
        .expect("run");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["schema_version"], 1);
    let ev = &v["principles"]["strained"][0]["evidence"][0];
    assert!(
        ev["rule"].is_string() && ev["matched"].is_string() && ev["span"].is_array(),
        "{ev}"
    );
    for key in [
        "layers",
        "tiers",
        "gpu_impact",
        "risks",
        "size",
        "questions",
        "summary",
    ] {
        assert!(!v[key].is_null(), "missing {key}");
    }
}

#[test]
fn words_file_and_stdin_give_the_same_analysis() {
    let args = ["analyze", "--format", "json"];
    let from_words = ds01()
        .args(args)
        .args(WEEKEND.split(' '))
        .output()
        .expect("run")
        .stdout;
    let from_stdin = ds01()
        .args(args)
        .arg("-")
        .write_stdin(WEEKEND)
        .output()
        .expect("run")
        .stdout;
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("idea.md");
    std::fs::write(&file, WEEKEND).expect("write");
    let from_file = ds01()
        .args(args)
        .arg("-f")
        .arg(&file)
        .output()
        .expect("run")
        .stdout;
    assert_eq!(from_words, from_stdin);
    assert_eq!(from_words, from_file);
}

#[test]
fn questions_markdown_is_a_pasteable_checklist() {
    let out = ds01()
        .args(["questions", "--format", "markdown", WEEKEND])
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert!(text.contains("### Ask first"));
    for dim in [
        "User context",
        "Problem definition",
        "Solution space",
        "Technical considerations",
        "Implementation reality",
    ] {
        assert!(text.contains(&format!("### {dim}")), "missing {dim}");
    }
    let boxes = text.lines().filter(|l| l.starts_with("- [ ] ")).count();
    assert!(boxes >= 10, "{boxes} checkboxes");
}

#[test]
fn questions_human_groups_by_dimension() {
    ds01()
        .args(["questions", WEEKEND])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Implementation reality (implementation)",
        ))
        .stdout(predicate::str::contains("strains:ephemeral-containers"));
}

#[test]
fn analyze_markdown_has_a_table() {
    ds01()
        .args(["analyze", "--format", "markdown", WEEKEND])
        .assert()
        .success()
        .stdout(predicate::str::contains("| Strains |"));
}

/// What was found and not counted is shown in Markdown as in the human report: the same
/// first entries, with their reasons.
#[test]
fn analyze_markdown_says_what_it_ignored() {
    let text = "Raise the idle timeout for researchers, but never for students";
    let run = |args: &[&str]| stdout_of(ds01().args(args), &args.join(" "));
    let md = run(&["analyze", "--format", "markdown", text]);
    let line = md
        .lines()
        .find(|l| l.starts_with("Ignored: "))
        .unwrap_or_else(|| panic!("no Ignored line in\n{md}"));
    assert!(line.contains("“students” (negated by `never`"), "{line}");
    let human = run(&["analyze", "--color", "never", text]);
    assert!(human.contains("“students” (negated by `never`"), "{human}");
    // Past the first four, the count of the rest and where they are.
    let many = "Never for students, never for admins, no researchers, not for users, no people, not for PhD students";
    let json = run(&["analyze", "--format", "json", many]);
    let suppressed = serde_json::from_str::<serde_json::Value>(&json).unwrap()["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["matched"].as_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    // The entries of the first four distinct words are shown, each word once with all its
    // reasons ("students" is negated twice here).
    let mut words: Vec<&String> = Vec::new();
    for m in &suppressed {
        if !words.contains(&m) && words.len() < 4 {
            words.push(m);
        }
    }
    let shown = suppressed.iter().filter(|m| words.contains(m)).count();
    assert!(shown > words.len() && suppressed.len() > shown, "{json}");
    for args in [
        &["analyze", "--format", "markdown", many][..],
        &["analyze", "--color", "never", many][..],
    ] {
        let out = run(args).replace('\n', " ");
        assert!(
            out.contains(&format!(
                "{} more: `--format json` lists them all",
                suppressed.len() - shown
            )),
            "{out}"
        );
        assert_eq!(out.matches("“students” (").count(), 1, "{out}");
        assert!(
            out.contains("“students” (negated by `Never`; negated by `not`)"),
            "{out}"
        );
    }
    // Nothing ignored, no line.
    let plain = run(&["analyze", "--format", "markdown", WEEKEND]);
    assert!(!plain.contains("Ignored:"), "{plain}");
}

#[test]
fn empty_or_missing_input_is_a_clear_error() {
    ds01()
        .args(["analyze", "-"])
        .write_stdin("   \n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: <stdin>: the feature description is empty",
        ))
        .stderr(predicate::str::contains("hint:"));
    ds01()
        .args(["analyze", "-f", "no/such/file.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("error: no/such/file.md:"))
        .stderr(predicate::str::contains("hint: check the path"));
    ds01()
        .args(["analyze", "-f", "fixtures"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fixtures: is a directory"));
}

#[test]
fn non_utf8_input_names_the_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("latin1.txt");
    std::fs::write(&file, b"caf\xe9 GPU queue").expect("write");
    ds01()
        .args(["analyze", "-f"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not valid UTF-8"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn bom_and_crlf_are_accepted() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("crlf.md");
    std::fs::write(
        &file,
        "\u{feff}# Idea\r\nGive each student a MIG slice.\r\n",
    )
    .expect("write");
    let out = ds01()
        .args(["analyze", "--format", "json", "-f"])
        .arg(&file)
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["gpu_impact"]["value"], "mig");
}

#[test]
fn bad_rule_files_fail_with_file_line_and_rule_id() {
    let cases = [
        (
            "unknown-key",
            "unknown-key.toml:7:1: unknown field `paterns`",
            "did you mean `patterns`?",
        ),
        (
            "bad-regex",
            "bad-regex.toml:7:13: rule `extra-bad-regex`: invalid regex",
            "unclosed group",
        ),
        (
            "huge-regex",
            "huge-regex.toml:7:13: rule `extra-huge-regex`",
            "too large once compiled",
        ),
        (
            "unknown-concern",
            "unknown-concern.toml:8:11: rule `extra-unknown-concern`: unknown layers id `L5`",
            "did you mean `tier:student`?",
        ),
        (
            "duplicate-id",
            "duplicate-id.toml:4:6: duplicate rule id `tier-student`",
            "first defined at rules/tiers.toml:",
        ),
        (
            "failing-example",
            "failing-example.toml:9:45: rule `extra-kubeflow`: example should match but does not",
            "use kube-flow",
        ),
        ("syntax-error", "syntax-error.toml:3:8:", "expected `]`"),
        (
            "unknown-family",
            "unknown-family.toml:1:10: unknown family `layer`",
            "expected one of layers",
        ),
        (
            "no-signals",
            "no-signals.toml:5:6: rule `extra-no-signals`: `signals` must name at least one concern",
            "only a question cue",
        ),
        (
            "cue-with-signals",
            "cue-with-signals.toml:9:11: rule `ask-kubeflow`: a question cue",
            "drop `signals`",
        ),
        (
            "cue-with-options",
            "cue-with-options.toml:9:11: rule `ask-kubeflow-options`: a question cue",
            "takes no `options`",
        ),
        (
            "question-placeholder",
            "question-placeholder.toml:9:28: rule `ask-site-slurm`: unknown placeholder `{match}`",
            "use {first} (the text the rule matched)",
        ),
        (
            "label-placeholder",
            "label-placeholder.toml:8:28: label `site-outage`: unknown placeholder `{first}`",
            "only the questions of a rule with patterns have one",
        ),
    ];
    for (case, first, second) in cases {
        ds01()
            .args([
                "--extend-rules",
                &format!("fixtures/rules-bad/{case}.toml"),
                "analyze",
                "x",
            ])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(first))
            .stderr(predicate::str::contains(second))
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn rules_dir_without_rule_files_is_an_error() {
    let dir = tempfile::tempdir().expect("tmp");
    ds01()
        .arg("--rules")
        .arg(dir.path())
        .args(["analyze", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no `*.toml` rule files"));
}

/// The same extension given twice (as a directory and as its file) is read once, not
/// refused as a duplicate of itself.
#[test]
fn the_same_extension_given_twice_is_read_once() {
    ds01()
        .args([
            "--extend-rules",
            "fixtures/rules-extra",
            "--extend-rules",
            "fixtures/rules-extra/site.toml",
            "--extend-rules",
            "fixtures/rules-extra/",
            "rules",
            "check",
        ])
        .assert()
        .success();
}

#[test]
fn extension_rules_add_concerns_and_questions() {
    ds01()
        .args([
            "--extend-rules",
            "fixtures/rules-extra",
            "questions",
            "Run Kubeflow pipelines for the NLP course",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "could a ds01-jobs pipeline provide it instead",
        ));
    ds01()
        .args(["questions", "Run Kubeflow pipelines for the NLP course"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ds01-jobs pipeline").not());
}

/// A site's question cue asks its question and reads nothing: the reading is the same with
/// and without it.
#[test]
fn a_question_cue_asks_and_reads_nothing() {
    let text = "Run Kubeflow pipelines for the NLP course";
    let json = |extra: &[&str]| -> serde_json::Value {
        let out = ds01()
            .args(extra)
            .args(["analyze", "--format", "json", text])
            .output()
            .expect("run");
        assert!(out.status.success());
        serde_json::from_slice(&out.stdout).expect("json")
    };
    let with = json(&["--extend-rules", "fixtures/rules-cue"]);
    let without = json(&[]);
    for field in [
        "layers",
        "tiers",
        "gpu_impact",
        "principles",
        "risks",
        "size",
    ] {
        assert_eq!(with[field], without[field], "{field}");
    }
    let asked = |v: &serde_json::Value| {
        v["questions"]["top"]
            .as_array()
            .expect("top")
            .iter()
            .any(|q| q["sources"][0] == "rule:ask-site-kubeflow")
    };
    assert!(asked(&with), "{}", with["questions"]["top"]);
    assert!(!asked(&without));
    // `{first}` cites what the cue matched, as written.
    let cited = with["questions"]["top"]
        .as_array()
        .expect("top")
        .iter()
        .any(|q| q["text"] == "You mention `Kubeflow`: could the lab's Kubeflow cluster run it instead of DS01?");
    assert!(cited, "{}", with["questions"]["top"]);
}

#[test]
fn replacing_the_rules_with_a_copy_of_the_defaults_works() {
    ds01()
        .args(["--rules", "rules", "rules", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("examples pass"));
}

/// `ds01-pm rules show <args>` succeeds and prints `needle`.
fn rules_show_says(args: &[&str], needle: &str) {
    ds01()
        .args(["rules", "show"])
        .args(args)
        .assert()
        .success()
        .stdout(predicate::str::contains(needle));
}

#[test]
fn rules_list_show_check_and_eval() {
    ds01()
        .args(["rules", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("tier-student"));
    ds01()
        .args(["rules", "show", "gpu-mig", "--format", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"patterns\""))
        .stdout(predicate::str::contains("\"context\": false"));
    // Component rules are context evidence, and say so.
    rules_show_says(
        &["component-gpu-allocator", "--format", "json"],
        "\"context\": true",
    );
    rules_show_says(
        &["component-gpu-allocator"],
        "Context: its evidence places a text",
    );
    // A stated audience says so, in JSON and in prose.
    rules_show_says(
        &["tier-user-own-things", "--format", "json"],
        "\"stated_audience\": true",
    );
    rules_show_says(&["tier-user-own-things"], "Stated audience:");
    // A rule that follows another names it, in both forms; one that follows none says nothing.
    rules_show_says(
        &["principle-ephemeral-strained", "--format", "json"],
        "\"follows\": \"component-keep-alive-file\"",
    );
    rules_show_says(
        &["principle-ephemeral-strained"],
        "Also fires where this rule fired:\n  component-keep-alive-file",
    );
    rules_show_says(
        &["component-keep-alive-file-audience"],
        "Fires only where this rule fired, with its evidence:\n  component-keep-alive-file",
    );
    ds01()
        .args(["rules", "show", "gpu-mig", "--format", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"follows\"").not());
    // An inference kept from firing by the rules its text matched lists them, in both forms.
    rules_show_says(
        &["infer-gpu-efficiency", "--format", "json"],
        "\"unless_fired\": [\n    \"component-bare-metal-access\"",
    );
    rules_show_says(
        &["infer-gpu-efficiency"],
        "Not when these rules match the text:\n  component-bare-metal-access",
    );
    ds01()
        .args(["rules", "show", "gpu-mgi"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `gpu-mig`?"));
    ds01().args(["rules", "check"]).assert().success();
    let eval_dev = |extra: &[&str]| -> serde_json::Value {
        let out = ds01()
            .args([
                "rules",
                "eval",
                "fixtures/eval/ds01-dev.toml",
                "--format",
                "json",
            ])
            .args(extra)
            .output()
            .expect("run");
        assert!(out.status.success());
        serde_json::from_slice(&out.stdout).expect("JSON")
    };
    let v = eval_dev(&[]);
    assert_eq!(v["items"], 20);
    assert!(v["fields"][0]["micro"]["f1"].as_f64().expect("f1") > 0.0);
    // With the nearest examples on (the default), the rules alone are measured beside them,
    // and they are what `--no-examples` measures.
    let alone = v["rules_alone"].as_array().expect("rules_alone");
    assert_eq!(alone.len(), 5);
    let only = eval_dev(&["--no-examples"]);
    assert!(only.get("rules_alone").is_none());
    for (a, f) in alone.iter().zip(only["fields"].as_array().expect("fields")) {
        assert_eq!(a["field"], f["field"]);
        assert_eq!(a["micro"], f["micro"]);
    }
    ds01()
        .args(["rules", "eval", "fixtures/eval/ds01-dev.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Precision"))
        .stdout(predicate::str::contains(
            "The rules alone, without the readings learned from the labelled examples",
        ));
    // A combination rule is shown like a rule.
    ds01()
        .args(["rules", "show", "mig-change-with-live-containers"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Fires when all of: gpu:mig, risk:live-disruption",
        ));
    // A question set (`[[items]]` with expert topics) gets the question metrics.
    let out = ds01()
        .args([
            "rules",
            "eval",
            "fixtures/eval/ds01-questions.toml",
            "--format",
            "json",
        ])
        .output()
        .expect("run");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(v["topic_recall"].as_f64().is_some());
    assert!(v["commonest"]["share"].as_f64().is_some());
    ds01()
        .args(["rules", "eval", "fixtures/eval/ds01-questions-check.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("topic recall"));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    ds01()
        .args(["--color", "always", "analyze", WEEKEND])
        .assert()
        .success()
        .stdout(predicate::str::contains("\x1b["));
    ds01()
        .args(["--color", "auto", "analyze", WEEKEND])
        .env("NO_COLOR", "1")
        .assert()
        .success()
        .stdout(predicate::str::contains("\x1b[").not());
}

#[test]
fn help_and_version() {
    let help = ds01().arg("--help").output().expect("run");
    insta::assert_snapshot!("help", String::from_utf8(help.stdout).expect("utf8"));
    for cmd in ["analyze", "questions", "rules", "score", "plan", "graph"] {
        ds01()
            .args([cmd, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage:"));
    }
    ds01()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("ds01-pm "));
    ds01().arg("--frobnicate").assert().code(2);
}

#[cfg(unix)]
#[test]
fn bash_completion_completes_commands_and_flags() {
    let script = ds01().args(["completions", "bash"]).output().expect("run");
    assert!(script.status.success());
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("ds01-pm.bash");
    std::fs::write(&path, &script.stdout).expect("write");
    // Call the completion function as bash does on <TAB>, and print what it offers.
    let probe = |words: &str| {
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "source {}; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}}-1)); \
                 _ds01__pm ds01-pm \"${{COMP_WORDS[-1]}}\" \"${{COMP_WORDS[-2]}}\"; \
                 echo \"${{COMPREPLY[@]}}\"",
                path.display()
            ))
            .output()
            .expect("bash");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    assert_eq!(probe("ds01-pm sc"), "score");
    assert!(probe("ds01-pm score --crit").contains("--critical-path"));
}

#[test]
fn man_prints_a_roff_page_and_writes_one_per_command() {
    ds01()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH ds01-pm 1"))
        .stdout(predicate::str::contains("score"));
    let dir = tempfile::tempdir().expect("tmp");
    ds01()
        .args(["man", "--dir"])
        .arg(dir.path())
        .assert()
        .success();
    let page = std::fs::read_to_string(dir.path().join("ds01-pm-check.1")).expect("page");
    assert!(page.contains(r"\-\-fail\-level"), "{page}");
    // A second run does not overwrite without --force.
    ds01()
        .args(["man", "--dir"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    ds01()
        .args(["man", "--force", "--dir"])
        .arg(dir.path())
        .assert()
        .success();
}

/// `--quiet` and `--verbose` keep one contract on every command: machine output never changes,
/// `-q` leaves stderr empty on success, `-v` adds only `info:` lines on stderr.
#[test]
fn quiet_and_verbose_behave_the_same_on_every_command() {
    let dir = tempfile::tempdir().expect("tmp");
    let new_out = dir.path().join("p.md");
    let commands: Vec<Vec<String>> = vec![
        vec!["analyze", "--format", "json", WEEKEND],
        vec!["questions", "--format", "json", WEEKEND],
        vec!["rules", "check"],
        vec!["rules", "list", "--format", "json"],
        vec!["score", "fixtures/backlog.toml", "--format", "json"],
        vec![
            "plan",
            "fixtures/backlog.toml",
            "--capacity",
            "8",
            "--format",
            "json",
        ],
        vec!["graph", "fixtures/backlog.toml"],
        vec![
            "check",
            "--config",
            "fixtures/config/default.toml",
            "--format",
            "json",
            "fixtures/check/complete.md",
        ],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(str::to_owned).collect())
    .collect();
    for args in &commands {
        let run = |flag: Option<&str>| {
            let mut c = ds01();
            if let Some(f) = flag {
                c.arg(f);
            }
            c.args(args).output().expect("run")
        };
        let (normal, quiet, verbose) = (run(None), run(Some("-q")), run(Some("--verbose")));
        assert!(normal.status.success(), "{args:?}");
        assert_eq!(quiet.status.code(), normal.status.code(), "{args:?}");
        assert_eq!(verbose.status.code(), normal.status.code(), "{args:?}");
        let human = args.iter().all(|a| a != "json") && args[0] != "graph";
        if !human {
            assert_eq!(quiet.stdout, normal.stdout, "-q changed {args:?}");
        }
        assert_eq!(verbose.stdout, normal.stdout, "-v changed {args:?}");
        assert!(
            quiet.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&quiet.stderr)
        );
        let info = String::from_utf8_lossy(&verbose.stderr);
        assert!(info.lines().count() >= 1, "{args:?}: no info lines");
        assert!(
            info.lines().all(|l| l.starts_with("info: ")),
            "{args:?}: {info}"
        );
    }
    // The path of a written file is the result: on stdout in every mode. The note on what to
    // do next is chatter: on stderr, dropped by -q.
    let path_line = format!("{}\n", new_out.display());
    ds01()
        .args(["-q", "new", "--template", "-o"])
        .arg(&new_out)
        .assert()
        .success()
        .stdout(path_line.clone())
        .stderr("");
    ds01()
        .args(["new", "--force", "--template", "-o"])
        .arg(&new_out)
        .assert()
        .success()
        .stdout(path_line)
        .stderr(predicate::str::starts_with("next: "));
    // Human summaries that only say all is well go with -q.
    ds01()
        .args(["-q", "rules", "check"])
        .assert()
        .success()
        .stdout("");
}

/// Every command that writes files (`adr`, `new -o`, `report -o`, `man --dir`) prints the path
/// of each file it wrote on stdout, one a line, the same with -q and -v, so a script can take
/// it; its notes go to stderr, -q drops them and -v only adds `info:` lines.
#[test]
fn writers_print_the_paths_they_wrote_on_stdout_even_when_quiet() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let answers = root.join("fixtures/new/answers.toml");
    let backlog = root.join("fixtures/backlog.toml");
    let (answers, backlog) = (
        answers.to_str().expect("utf8"),
        backlog.to_str().expect("utf8"),
    );
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            vec!["adr", "Adopt SLURM for batch jobs"],
            vec!["docs/decisions/0001-adopt-slurm-for-batch-jobs.md"],
        ),
        (
            vec!["adr", "Adopt SLURM for batch jobs", "-o", "slurm.md"],
            vec!["slurm.md"],
        ),
        (
            vec!["adr", "Adopt SLURM", "--dir", "records"],
            vec!["records/0001-adopt-slurm.md"],
        ),
        (vec!["new", "--template", "-o", "p.md"], vec!["p.md"]),
        (
            vec!["new", "--answers", answers, "-o", "q.md"],
            vec!["q.md"],
        ),
        (
            vec!["report", backlog, "--no-concerns", "-o", "r.html"],
            vec!["r.html"],
        ),
        (vec!["man", "--dir", "man"], vec!["man/ds01-pm.1"]),
    ];
    for (args, first_paths) in &cases {
        // A fresh directory per run: nothing is ever overwritten without --force.
        let run = |flag: Option<&str>| {
            let dir = tempfile::tempdir().expect("tmp");
            std::fs::create_dir(dir.path().join("man")).expect("mkdir");
            let mut c = ds01();
            c.current_dir(dir.path()).env("USER", "tester");
            if let Some(f) = flag {
                c.arg(f);
            }
            let out = c.args(args).output().expect("run");
            (dir, out)
        };
        let (dir, normal) = run(None);
        let (_q, quiet) = run(Some("-q"));
        let (_v, verbose) = run(Some("--verbose"));
        for out in [&normal, &quiet, &verbose] {
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let stdout = String::from_utf8(normal.stdout.clone()).expect("utf8");
        let paths: Vec<&str> = stdout.lines().collect();
        assert!(paths.starts_with(first_paths), "{args:?}: {stdout:?}");
        for p in &paths {
            assert!(dir.path().join(p).is_file(), "{args:?}: {p} not written");
        }
        if args[0] == "man" {
            let pages = std::fs::read_dir(dir.path().join("man"))
                .expect("ls")
                .count();
            assert_eq!(paths.len(), pages, "one line per page written");
        } else {
            assert_eq!(paths.len(), 1, "{args:?}: {stdout:?}");
        }
        assert_eq!(
            quiet.stdout, normal.stdout,
            "-q changed the result of {args:?}"
        );
        assert_eq!(
            verbose.stdout, normal.stdout,
            "-v changed the result of {args:?}"
        );
        assert!(
            quiet.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&quiet.stderr)
        );
        let normal_err = String::from_utf8(normal.stderr).expect("utf8");
        assert!(
            !normal_err.contains("wrote"),
            "{args:?}: the path is not repeated as a note: {normal_err}"
        );
        let verbose_err = String::from_utf8(verbose.stderr).expect("utf8");
        let without_info: Vec<&str> = verbose_err
            .lines()
            .filter(|l| !l.starts_with("info: "))
            .collect();
        assert_eq!(
            without_info,
            normal_err.lines().collect::<Vec<_>>(),
            "{args:?}: -v only adds info lines"
        );
    }
}

#[test]
fn analyze_ignores_front_matter_and_html_comments_of_a_proposal_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("p.md");
    std::fs::write(
        &path,
        "+++\ntitle = \"x\" # SLURM, Kubernetes\n+++\n# Rename a command\n\n<!-- guidance: adopt SLURM or Kubernetes? -->\nRename `image-create` to `image-build` in the help text.\n",
    )
    .expect("write");
    let out = ds01()
        .args(["analyze", "--format", "json", "-f"])
        .arg(&path)
        .output()
        .expect("run");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let fired = v["rules_fired"].to_string();
    assert!(!fired.contains("heavy-dependency"), "{fired}");
    // The same words outside a comment do count.
    std::fs::write(&path, "Adopt SLURM for batch jobs.\n").expect("write");
    let out = ds01()
        .args(["analyze", "--format", "json", "-f"])
        .arg(&path)
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(v["rules_fired"].to_string().contains("heavy-dependency"));
}

/// `-q` with `-v` is a usage error in every order, at one level or split over two.
#[test]
fn quiet_with_verbose_is_refused_in_every_order() {
    for args in [
        &["-v", "-q", "check", "fixtures/proposals"][..],
        &["-v", "check", "fixtures/proposals", "-q"],
        &["check", "-q", "fixtures/proposals", "-v"],
        &["-q", "check", "fixtures/proposals", "--verbose"],
    ] {
        ds01().args(args).assert().code(2).stdout("").stderr(
            predicates::str::is_match(
                "'--(quiet|verbose)' cannot be used with '--(quiet|verbose)'",
            )
            .expect("regex"),
        );
    }
}

/// A command that reads ds01-pm.toml validates all of it, not only its own table.
#[test]
fn a_typo_in_any_table_fails_every_command_that_reads_the_config() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(
        tmp.path().join("ds01-pm.toml"),
        "[adr]\ndir = \"docs/adr\"\n\n[check]\nfial_level = \"error\"\n",
    )
    .expect("write");
    for args in [&["adr", "Adopt SLURM"][..], &["--llm", "analyze", "hello"]] {
        ds01()
            .current_dir(tmp.path())
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "ds01-pm.toml:5:1: unknown field `fial_level`",
            ))
            .stderr(predicate::str::contains(
                "hint: fix `fial_level` in ds01-pm.toml",
            ));
    }
    assert!(!tmp.path().join("docs").exists(), "nothing written");
}

/// `--llm` where the model takes no part is refused, not silently ignored.
#[test]
fn llm_is_refused_where_it_does_nothing() {
    for args in [
        &["--llm", "score", "fixtures/backlog.toml"][..],
        &["plan", "fixtures/backlog.toml", "--capacity", "8", "--llm"],
        &["explain", "rice", "--llm"],
    ] {
        ds01()
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(
                "the argument '--llm' does nothing for `",
            ));
    }
}

#[test]
fn labels_come_from_the_rules_alone() {
    // The nearest examples add readings and set some aside; `--format labels` (what a CI job
    // puts on an issue) is the rules' reading either way, the same as with `--no-examples`.
    let text = std::fs::read_to_string("fixtures/eval/ds01-dev.toml").expect("dev set");
    let set = ds01_pm::eval::load("ds01-dev.toml", &text).expect("a labelled set");
    let mut differ = 0;
    for item in &set.features {
        // One more word: the item itself is then a neighbour, as a paraphrase would find it.
        let input = format!("{} Thanks.", item.description);
        let run = |extra: &[&str]| {
            let out = ds01()
                .args(["analyze", &input])
                .args(extra)
                .output()
                .expect("run");
            assert!(out.status.success());
            out.stdout
        };
        assert_eq!(
            run(&["--format", "labels"]),
            run(&["--format", "labels", "--no-examples"]),
            "{}",
            item.id
        );
        if run(&["--format", "json"]) != run(&["--format", "json", "--no-examples"]) {
            differ += 1;
        }
    }
    // The channel does change the full reading of these items (the test would be empty
    // otherwise).
    assert!(
        differ >= 3,
        "the nearest examples changed only {differ} readings"
    );
}

#[test]
fn no_examples_turns_the_nearest_examples_off() {
    // A researcher's wish: the rules read researchers only, and the labelled items most like it
    // (idle containers stopped, warnings first) also carry students.
    let text = "Researchers want to be warned before their containers are stopped for being idle";
    let json = |extra: &[&str]| -> serde_json::Value {
        let out = ds01()
            .args(["analyze", text, "--format", "json"])
            .args(extra)
            .output()
            .expect("run");
        assert!(out.status.success());
        serde_json::from_slice(&out.stdout).expect("JSON")
    };
    let full = json(&[]);
    let only = json(&["--no-examples"]);
    let text_of = |v: &serde_json::Value| v.to_string();
    assert!(text_of(&full).contains("\"nearest-examples\""), "{full}");
    assert!(!text_of(&only).contains("nearest-examples"), "{only}");
    // Human output names the examples and the summary says where a reading came from.
    ds01()
        .args(["analyze", text])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Similar labelled DS01 items also concern",
        ))
        .stdout(predicate::str::contains("← nearest-examples"));
}
