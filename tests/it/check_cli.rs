//! End-to-end tests of `ds01-pm check` and `ds01-pm new`, run as CI runs them. Concern-driven
//! checks use the small rule set in `fixtures/check/rules`, never the default rules, which
//! change; every run passes `--config` so that no ds01-pm.toml above the repository counts.
use crate::common::ds01;
use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const RULES: &str = "fixtures/check/rules";
const SNAPSHOT_CONFIG: &str = "fixtures/config/snapshot.toml";
const DEFAULT_CONFIG: &str = "fixtures/config/default.toml";

/// `check` with the test rules and a config; returns (exit code, stdout, stderr).
fn check(config: &str, args: &[&str]) -> (i32, String, String) {
    let out = ds01()
        .args(["--rules", RULES, "check", "--config", config])
        .args(args)
        .output()
        .expect("run");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("UTF-8"),
        String::from_utf8(out.stderr).expect("UTF-8"),
    )
}

fn json(config: &str, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = check(config, &all);
    assert!(err.is_empty(), "{err}");
    (code, serde_json::from_str(&out).expect("JSON"))
}

/// `check --format json DIR` with the test rules and the default config: exit code, the
/// report and stderr.
fn dir_json(dir: &std::path::Path, global: &[&str]) -> (Option<i32>, Value, String) {
    let out = ds01()
        .args(global)
        .args(["--rules", RULES, "check", "--config", DEFAULT_CONFIG])
        .args(["--format", "json"])
        .arg(dir)
        .output()
        .expect("run");
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).expect("JSON"),
        String::from_utf8(out.stderr).expect("UTF-8"),
    )
}

fn codes(file: &Value) -> Vec<String> {
    file["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().expect("code").to_owned())
        .collect()
}

#[test]
fn fixtures_snapshot_as_json() {
    for name in [
        "complete",
        "structure",
        "front-matter",
        "front-matter-accepted",
        "front-matter-syntax",
        "yaml-front-matter",
        "concerns",
        "concerns-answered",
        "questions",
        "suppressions",
        "lenient-headings",
    ] {
        let path = format!("fixtures/check/{name}.md");
        let (_, v) = json(SNAPSHOT_CONFIG, &[&path]);
        insta::assert_json_snapshot!(format!("check-{name}"), v);
    }
}

#[test]
fn concern_driven_requirements_fire_and_are_satisfied_by_answers() {
    let (code, v) = json(SNAPSHOT_CONFIG, &["fixtures/check/concerns.md"]);
    assert_eq!(code, 1);
    let c = codes(&v["files"][0]);
    for expected in ["P201", "P202", "P203", "P204", "P205"] {
        assert!(c.contains(&expected.to_owned()), "{expected} in {c:?}");
    }
    let (code, v) = json(SNAPSHOT_CONFIG, &["fixtures/check/concerns-answered.md"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(codes(&v["files"][0]), Vec::<String>::new());
    let concerns = v["files"][0]["concerns"].to_string();
    for c in [
        "gpu:mig",
        "strains:ephemeral-containers",
        "risk:data-loss",
        "risk:scope-creep",
        "risk:live-disruption",
    ] {
        assert!(concerns.contains(c), "{c} in {concerns}");
    }
}

#[test]
fn top_questions_heuristic_explains_itself() {
    let (_, v) = json(DEFAULT_CONFIG, &["fixtures/check/questions.md"]);
    let findings = v["files"][0]["findings"].as_array().expect("findings");
    let p302: Vec<&Value> = findings.iter().filter(|f| f["code"] == "P302").collect();
    assert!(!p302.is_empty() && p302.len() <= 5, "{p302:?}");
    for f in &p302 {
        let m = f["message"].as_str().expect("message");
        assert!(
            m.contains("heuristic: found") && m.contains("key terms"),
            "{m}"
        );
        assert_eq!(f["section"], "open-questions");
    }
    // A question answered by a ticked checklist item is never reported as unaddressed.
    assert!(
        !p302.iter().any(|f| f["message"]
            .as_str()
            .unwrap_or("")
            .contains("How will we know")),
        "{p302:?}"
    );
    // An open checkbox is P301, not also P302.
    assert!(
        !p302
            .iter()
            .any(|f| f["message"].as_str().unwrap_or("").contains("Who asked")),
        "{p302:?}"
    );
}

#[test]
fn exit_codes_follow_the_fail_level() {
    // Warnings only (open checkboxes): passes at the default level, fails at warning.
    let (code, _, _) = check(SNAPSHOT_CONFIG, &["fixtures/check/questions.md"]);
    assert_eq!(code, 0);
    let (code, _, _) = check(
        SNAPSHOT_CONFIG,
        &["--fail-level", "warning", "fixtures/check/questions.md"],
    );
    assert_eq!(code, 1);
    let (code, _, _) = check(SNAPSHOT_CONFIG, &["fixtures/check/complete.md"]);
    assert_eq!(code, 0);
    let (code, _, _) = check(
        SNAPSHOT_CONFIG,
        &["--fail-level", "info", "fixtures/check/complete.md"],
    );
    assert_eq!(code, 0);
    let (code, _, _) = check(SNAPSHOT_CONFIG, &["fixtures/check/structure.md"]);
    assert_eq!(code, 1);
}

#[test]
fn tool_failures_exit_2_with_a_located_message() {
    for (args, needle) in [
        (
            vec!["--config", DEFAULT_CONFIG, "fixtures/check/missing.md"],
            "fixtures/check/missing.md",
        ),
        (
            vec!["--config", DEFAULT_CONFIG, "fixtures/check/*.nothing"],
            "matches no files",
        ),
        (
            vec!["--config", DEFAULT_CONFIG, "fixtures/config"],
            "no Markdown",
        ),
        (
            vec![
                "--config",
                "fixtures/config/bad.toml",
                "fixtures/check/complete.md",
            ],
            "fixtures/config/bad.toml:2:14: `fail_level` must be error, warning or info",
        ),
        (
            vec![
                "--config",
                "fixtures/config/bad.toml",
                "fixtures/check/complete.md",
            ],
            "did you mean `P201`?",
        ),
        (
            vec![
                "--config",
                "fixtures/config/unknown-key.toml",
                "fixtures/check/complete.md",
            ],
            "fixtures/config/unknown-key.toml:2:1",
        ),
        (
            vec![
                "--config",
                "fixtures/config/nope.toml",
                "fixtures/check/complete.md",
            ],
            "fixtures/config/nope.toml",
        ),
    ] {
        ds01()
            .args(["--rules", RULES, "check"])
            .args(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(needle));
    }
    // Bad rules are a tool failure too.
    ds01()
        .args([
            "--rules",
            "fixtures/rules-bad",
            "check",
            "--config",
            DEFAULT_CONFIG,
        ])
        .arg("fixtures/check/complete.md")
        .assert()
        .code(2);
    // Not UTF-8.
    let dir = tempfile::tempdir().expect("tmp");
    let bin = dir.path().join("binary.md");
    std::fs::write(&bin, [0xff, 0xfe, 0x00]).expect("write");
    ds01()
        .args(["--rules", RULES, "check", "--config", DEFAULT_CONFIG])
        .arg(&bin)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("UTF-8"));
    // Beside readable proposals, the unreadable one still exits 2 and is named, and the
    // others are checked and reported.
    std::fs::copy("fixtures/check/complete.md", dir.path().join("complete.md")).expect("copy");
    let (code, v, err) = dir_json(dir.path(), &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("binary.md") && err.contains("UTF-8"), "{err}");
    let files: Vec<&str> = v["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["path"].as_str().expect("path"))
        .collect();
    assert_eq!(files.len(), 1, "{v}");
    assert!(files[0].ends_with("complete.md"), "{files:?}");
}

#[test]
fn a_suppressed_finding_is_told_by_the_start_of_its_message() {
    let (_, out, _) = check(DEFAULT_CONFIG, &["fixtures/check/suppressions.md"]);
    let lines: Vec<&str> = out.lines().filter(|l| l.contains("suppressed P")).collect();
    assert!(
        lines.iter().any(|l| l.contains(
            "suppressed P003 (placeholder `TODO` left in `Proposed change`: replace it with the answer) by line 16:"
        )),
        "{out}"
    );
    // Two P202s silenced by one comment read differently, each cut with `…`.
    let p202: Vec<&&str> = lines.iter().filter(|l| l.contains("P202")).collect();
    assert_eq!(p202.len(), 2, "{out}");
    assert_ne!(p202[0], p202[1]);
    assert!(p202.iter().all(|l| l.contains("…) by line")), "{out}");
}

#[test]
fn a_directorys_readme_is_not_a_proposal_unless_named() {
    let dir = tempfile::tempdir().expect("tmp");
    let readme = dir.path().join("README.md");
    std::fs::write(&readme, "# Proposals\n\nThis folder holds our proposals.\n").expect("write");
    // Alone, it leaves no proposal to check (a proposals folder before its first proposal),
    // as a folder of decision records does: nothing fails.
    let (code, v, _) = dir_json(dir.path(), &[]);
    assert_eq!(code, Some(0));
    assert_eq!(v["files"].as_array().expect("files").len(), 0, "{v}");
    // Said even with `-q`: a CI log shows that nothing was checked.
    let (code, _, err) = dir_json(dir.path(), &["-q"]);
    assert_eq!(code, Some(0));
    assert!(err.contains("warning: no proposals to check"), "{err}");
    // A proposal that happens to be called `security.md` is still checked.
    let sec = dir.path().join("sub");
    std::fs::create_dir(&sec).expect("mkdir");
    std::fs::copy("fixtures/check/complete.md", sec.join("security.md")).expect("copy");
    let (_, v, _) = dir_json(dir.path(), &[]);
    assert_eq!(v["files"].as_array().expect("files").len(), 1, "{v}");
    std::fs::remove_dir_all(&sec).expect("rm");
    std::fs::copy("fixtures/check/complete.md", dir.path().join("complete.md")).expect("copy");
    let (code, v, err) = dir_json(dir.path(), &[]);
    assert_eq!(code, Some(0));
    assert!(
        err.contains("skipped") && err.contains("README.md"),
        "{err}"
    );
    assert_eq!(v["files"].as_array().expect("files").len(), 1, "{v}");
    // Named, it is checked (and fails: it has none of a proposal's sections).
    ds01()
        .args(["--rules", RULES, "check", "--config", DEFAULT_CONFIG])
        .arg(&readme)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("P001"));
}

#[test]
fn line_format_is_path_line_col_severity_code_message() {
    let (code, out, _) = check(SNAPSHOT_CONFIG, &["--format", "line", "fixtures/check/"]);
    assert_eq!(code, 1);
    let re = regex::Regex::new(
        r"^fixtures/check/[a-z-]+\.md:\d+:\d+: (error|warning|info) P\d{3} \S.*$",
    )
    .expect("regex");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() > 20, "{out}");
    for l in &lines {
        assert!(re.is_match(l), "{l}");
    }
    // Sorted by file, then position.
    let keys: Vec<(String, usize, usize)> = lines
        .iter()
        .map(|l| {
            let mut p = l.splitn(4, ':');
            let f = p.next().unwrap_or_default().to_owned();
            let line = p.next().and_then(|x| x.parse().ok()).unwrap_or(0);
            let col = p.next().and_then(|x| x.parse().ok()).unwrap_or(0);
            (f, line, col)
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn human_format_groups_by_file_and_ends_with_a_verdict() {
    let (code, out, _) = check(
        SNAPSHOT_CONFIG,
        &["fixtures/check/complete.md", "fixtures/check/structure.md"],
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("fixtures/check/complete.md — MIG slices for the ML course: ok"),
        "{out}"
    );
    assert!(
        out.contains("  3:4: error[P002] section `Problem` is empty"),
        "{out}"
    );
    assert!(out.contains("2 proposals checked: "), "{out}");
    assert!(
        out.contains("failed: findings at or above `error`"),
        "{out}"
    );
    assert!(!out.contains("\x1b["), "no colour when not a terminal");
}

#[test]
fn github_annotations_escape_and_summarise_overflow() {
    let (_, out, _) = check(
        SNAPSHOT_CONFIG,
        &["--format", "github", "fixtures/check/structure.md"],
    );
    assert!(
        out.contains("::error file=fixtures/check/structure.md,line=3,col=4,title=P002 empty-section::section `Problem` is empty"),
        "{out}"
    );
    assert!(out.contains(
        "::warning file=fixtures/check/structure.md,line=1,col=1,title=P005 missing-title::"
    ));
    assert!(
        !out.contains("title=ds01-pm::"),
        "no summary below the limit"
    );

    // Twelve placeholders: more errors than GitHub annotates in one step.
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("many.md");
    let body: String = (0..12).map(|i| format!("TODO: item {i}\n\n")).collect();
    std::fs::write(&p, format!("# Many\n\n## Problem\n\n{body}")).expect("write");
    let out = ds01()
        .args([
            "--rules",
            RULES,
            "check",
            "--config",
            SNAPSHOT_CONFIG,
            "--format",
            "github",
        ])
        .arg(&p)
        .output()
        .expect("run");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let first = text.lines().next().unwrap_or_default();
    // 12 placeholders and 4 missing sections.
    assert!(
        first.starts_with("::notice title=ds01-pm::1 proposal checked: 16 errors"),
        "{first}"
    );
    assert!(first.contains("at most 10 errors"), "{first}");
    assert_eq!(
        text.lines().filter(|l| l.starts_with("::error ")).count(),
        16
    );
}

#[test]
fn junit_has_one_case_per_proposal_per_check() {
    let (_, list, _) = check(DEFAULT_CONFIG, &["--list-checks", "--format", "json"]);
    let n_checks = serde_json::from_str::<Value>(&list)
        .expect("JSON")
        .as_array()
        .expect("array")
        .len();
    let (code, out, _) = check(
        "fixtures/config/strict.toml",
        &[
            "--format",
            "junit",
            "fixtures/check/complete.md",
            "fixtures/check/questions.md",
        ],
    );
    assert_eq!(
        code, 1,
        "strict: P302 info does not fail, but P001 alternatives does"
    );
    assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
    assert_eq!(out.matches("<testsuite ").count(), 2);
    assert_eq!(out.matches("<testcase ").count(), 2 * n_checks);
    assert!(out.contains(&format!("tests=\"{}\"", 2 * n_checks)));
    // Turned off in the config: skipped; a failing check carries its findings.
    assert_eq!(
        out.matches("<skipped message=\"turned off in the config\"/>")
            .count(),
        2
    );
    assert!(out.contains(
        "<testcase name=\"P001 missing-section\" classname=\"fixtures/check/complete.md\""
    ));
    assert!(out.contains(
        "<failure type=\"error\" message=\"1:3: missing required section `Alternatives considered`"
    ));
    assert_eq!(
        out.matches("<testsuite ").count(),
        out.matches("</testsuite>").count()
    );
}

#[test]
fn sarif_validates_against_the_2_1_0_schema_and_is_stable() {
    let mut schema: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/data/sarif-schema-2.1.0.json").expect("schema"),
    )
    .expect("schema JSON");
    // The published OASIS schema's `language` patterns (in `run` and `toolComponent`) have a
    // stray `]` (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`), which is not a valid ECMA-262
    // regex, so the draft-07 meta-schema rejects the schema itself. The vendored file stays
    // byte-identical to upstream; the pattern is corrected here, in memory. ds01-pm never
    // writes `language`.
    fn fix_language(v: &mut Value) -> usize {
        const BAD: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
        match v {
            Value::Object(m) => {
                let mut n = 0;
                if m.get("pattern").is_some_and(|p| p == BAD) {
                    m.insert(
                        "pattern".into(),
                        Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$"),
                    );
                    n += 1;
                }
                n + m.values_mut().map(fix_language).sum::<usize>()
            }
            Value::Array(a) => a.iter_mut().map(fix_language).sum(),
            _ => 0,
        }
    }
    assert_eq!(fix_language(&mut schema), 2, "upstream schema changed");
    let validator = jsonschema::draft7::new(&schema).expect("schema compiles");
    let run = || {
        check(
            SNAPSHOT_CONFIG,
            &[
                "--format",
                "sarif",
                "fixtures/check/",
                "fixtures/proposals/",
            ],
        )
    };
    let (code, out, _) = run();
    assert_eq!(code, 1);
    let sarif: Value = serde_json::from_str(&out).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The validator is not vacuous: a level SARIF does not know is rejected.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));

    let run0 = &sarif["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
    for r in rules {
        assert!(
            r["help"]["text"].as_str().is_some_and(|t| t.len() > 80),
            "{r}"
        );
        assert!(r["shortDescription"]["text"].is_string(), "{r}");
    }
    let results = run0["results"].as_array().expect("results");
    assert!(results.len() > 50);
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"].is_string(), "{r}");
        assert!(
            loc["region"]["startLine"].as_u64().is_some_and(|l| l >= 1),
            "{r}"
        );
        assert!(
            r["partialFingerprints"]["ds01PmFingerprint/v1"].is_string(),
            "{r}"
        );
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }
    // Suppressed findings travel as in-source suppressions with their justification.
    assert!(
        results
            .iter()
            .any(|r| r["suppressions"][0]["kind"] == "inSource"
                && r["suppressions"][0]["justification"].is_string())
    );
    // Stable: same bytes on a second run.
    assert_eq!(run().1, out);
}

#[test]
fn fingerprints_survive_unrelated_edits_that_move_lines() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("p.md");
    let text = std::fs::read_to_string("fixtures/check/structure.md").expect("fixture");
    let prints = |t: &str| -> Vec<(String, String)> {
        std::fs::write(&p, t).expect("write");
        let out = ds01()
            .args([
                "--rules",
                RULES,
                "check",
                "--config",
                SNAPSHOT_CONFIG,
                "--format",
                "json",
            ])
            .arg(&p)
            .output()
            .expect("run");
        let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        v["files"][0]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| (f["code"].to_string(), f["fingerprint"].to_string()))
            .collect()
    };
    let before = prints(&text);
    let after = prints(&text.replacen(
        "## Problem",
        "Another paragraph.\n\nAnd one more.\n\n## Problem",
        1,
    ));
    assert_eq!(before, after);
}

#[test]
fn config_severity_off_and_synonyms_apply() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("pain.md");
    std::fs::write(
        &p,
        "# Pain\n\n## Pain points\n\nStudents wait.\n\n## Users\n\nStudents.\n\n## Proposal\n\nA queue.\n\n## Success metrics\n\nShorter waits.\n\n## Alternatives\n\nNone.\n\n## Rollout\n\nNext release.\n\n## Open questions\n\n- [ ] Who asked?\n",
    )
    .expect("write");
    let out = ds01()
        .args([
            "--rules",
            RULES,
            "check",
            "--config",
            "fixtures/config/strict.toml",
            "--format",
            "json",
        ])
        .arg(&p)
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let c = codes(&v["files"][0]);
    assert!(
        !c.contains(&"P001".to_owned()),
        "`Pain points` is the Problem section: {c:?}"
    );
    assert!(
        !c.contains(&"P301".to_owned()),
        "open-checkbox is off: {c:?}"
    );
    assert_eq!(v["fail_level"], "warning");
}

#[test]
fn config_is_discovered_upward_from_the_working_directory() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("ds01-pm.toml"),
        "[check]\nfail_level = \"warning\"\n",
    )
    .expect("write");
    let sub = dir.path().join("docs/proposals");
    std::fs::create_dir_all(&sub).expect("mkdir");
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/check/questions.md");
    std::fs::copy(&fixture, sub.join("q.md")).expect("copy");
    let rules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(RULES);
    // questions.md has warnings only: it fails because the discovered config says so.
    Command::cargo_bin("ds01-pm")
        .expect("binary")
        .current_dir(&sub)
        .arg("--rules")
        .arg(&rules)
        .args(["check", "q.md", "--format", "line"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("q.md:"));
    // A bad discovered config stops the run.
    std::fs::write(dir.path().join("ds01-pm.toml"), "[check]\nunknown = 1\n").expect("write");
    Command::cargo_bin("ds01-pm")
        .expect("binary")
        .current_dir(&sub)
        .arg("--rules")
        .arg(&rules)
        .args(["check", "q.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ds01-pm.toml:2:1"));
}

#[test]
fn directories_globs_and_duplicates_expand_to_one_sorted_list() {
    let (_, v) = json(
        SNAPSHOT_CONFIG,
        &[
            "fixtures/check/questions.md",
            "fixtures/check/c*.md",
            "fixtures/check/complete.md",
            "./fixtures/check/questions.md",
        ],
    );
    let paths: Vec<&str> = v["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["path"].as_str().expect("path"))
        .collect();
    assert_eq!(
        paths,
        [
            "fixtures/check/complete.md",
            "fixtures/check/concerns-answered.md",
            "fixtures/check/concerns.md",
            "fixtures/check/questions.md"
        ]
    );
    let (_, v) = json(SNAPSHOT_CONFIG, &["fixtures/check"]);
    assert_eq!(v["summary"]["files"], 11);
}

#[test]
fn list_checks_documents_every_code() {
    let (code, out, _) = check(DEFAULT_CONFIG, &["--list-checks"]);
    assert_eq!(code, 0);
    for c in [
        "P001", "P003", "P101", "P201", "P202", "P203", "P204", "P301", "P302", "P901", "P902",
    ] {
        assert!(out.contains(c), "{c}");
    }
    let (_, out, _) = check(
        "fixtures/config/strict.toml",
        &["--list-checks", "--format", "json"],
    );
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let p301 = v
        .as_array()
        .expect("array")
        .iter()
        .find(|c| c["code"] == "P301")
        .expect("P301");
    assert_eq!(p301["severity"], Value::Null, "off in strict.toml");
    assert_eq!(p301["default_severity"], "warning");
}

#[test]
fn new_template_to_stdout_and_file() {
    let stdout = ds01()
        .args(["new", "--template"])
        .output()
        .expect("run")
        .stdout;
    let template = String::from_utf8(stdout).expect("UTF-8");
    assert!(template.starts_with("+++\n"));

    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("idea.md");
    ds01()
        .args(["new", "--template", "-o"])
        .arg(&p)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&p).expect("read"), template);
    ds01()
        .args(["new", "--template", "-o"])
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"))
        .stderr(predicate::str::contains("--force"));
    std::fs::write(&p, "changed").expect("write");
    ds01()
        .args(["new", "--template", "--force", "-o"])
        .arg(&p)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&p).expect("read"), template);

    // The untouched template fails only on its placeholders; filled in, it passes.
    let (code, v) = json(SNAPSHOT_CONFIG, &[p.to_str().expect("path")]);
    assert_eq!(code, 1);
    let c = codes(&v["files"][0]);
    assert!(c.iter().all(|c| c == "P003"), "{c:?}");
    assert_eq!(
        c.len(),
        13,
        "front matter id, title, author, the title and nine sections"
    );
    let filled = template
        .replace("TODO-short-kebab-id", "gpu-queue")
        .replace("TODO: your name", "A. Researcher")
        .replace("TODO: one-line title", "Calmer banners")
        .replace("TODO: Proposal title", "Calmer banners")
        .lines()
        .map(|l| {
            if l.starts_with("TODO:") {
                "Answered in a sentence without special words."
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&p, filled).expect("write");
    let (code, v) = json(SNAPSHOT_CONFIG, &[p.to_str().expect("path")]);
    assert_eq!(code, 0, "{v}");
}

#[test]
fn new_without_template_needs_a_terminal() {
    ds01()
        .arg("new")
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a terminal"))
        .stderr(predicate::str::contains("--template"));
}

/// The checked-in proposals with the default rules: the good ones pass at `error`, the bad
/// ones fail. Only codes that do not depend on the default rules' labels are asserted.
#[test]
fn example_proposals_pass_or_fail_as_labelled() {
    let run = |path: &str| -> (i32, Vec<String>) {
        let out = ds01()
            .args([
                "check",
                "--config",
                SNAPSHOT_CONFIG,
                "--format",
                "json",
                path,
            ])
            .output()
            .expect("run");
        let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        (out.status.code().expect("code"), codes(&v["files"][0]))
    };
    for good in [
        "gpu-queue-notifications",
        "mig-reconfiguration-window",
        "weekend-keepalive-students",
        "grafana-gpu-hours-dashboard",
        "departed-user-archive",
    ] {
        let (code, c) = run(&format!("fixtures/proposals/{good}.md"));
        assert_eq!(code, 0, "{good}: {c:?}");
    }
    for (bad, expected) in [
        ("slurm-job-scheduling", &["P003", "P101", "P102"][..]),
        ("sqlite-state-store", &["P102", "P103"][..]),
        ("persistent-containers", &["P301"][..]),
    ] {
        let (code, c) = run(&format!("fixtures/proposals/{bad}.md"));
        assert_eq!(code, 1, "{bad}: {c:?}");
        for e in expected {
            assert!(c.contains(&(*e).to_owned()), "{bad}: {e} in {c:?}");
        }
    }
}

/// The commands in examples/github-workflow.yml and .pre-commit-hooks.yaml are valid: run
/// on the example proposals, each exits 0 or 1 (never 2, a usage or tool error).
#[test]
fn documented_ci_invocations_run() {
    let run = |args: &[String]| -> i32 {
        ds01()
            .args(["--rules", RULES])
            .args(args)
            .args(["--config", SNAPSHOT_CONFIG])
            .output()
            .expect("run")
            .status
            .code()
            .expect("code")
    };
    let workflow = std::fs::read_to_string("examples/github-workflow.yml").expect("workflow");
    let mut n = 0;
    for line in workflow.lines() {
        let Some(cmd) = line.trim().strip_prefix("run: ds01-pm ") else {
            continue;
        };
        let cmd = cmd.split(" > ").next().unwrap_or_default();
        let args: Vec<String> = cmd
            .split_whitespace()
            .map(|a| a.replace("docs/proposals/", "fixtures/proposals/"))
            .collect();
        let code = run(&args);
        assert!(code == 0 || code == 1, "`{cmd}` exited {code}");
        n += 1;
    }
    assert_eq!(n, 3, "three ds01-pm steps in the workflow");
    let hooks = std::fs::read_to_string(".pre-commit-hooks.yaml").expect("hooks");
    let entries: Vec<&str> = hooks
        .lines()
        .filter_map(|l| l.trim().strip_prefix("entry: ds01-pm "))
        .collect();
    assert_eq!(entries.len(), 2);
    for e in entries {
        let mut args: Vec<String> = e.split_whitespace().map(str::to_owned).collect();
        args.push("fixtures/proposals/gpu-queue-notifications.md".into());
        args.push("fixtures/proposals/slurm-job-scheduling.md".into());
        assert_eq!(run(&args), 1, "{e}");
    }
}

/// Over many files on a terminal, `check` shows a progress counter on stderr (and erases it);
/// piped, or with -q, it shows none.
#[cfg(unix)]
#[test]
fn progress_shows_only_on_a_terminal() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/check/complete.md"),
    )
    .expect("fixture");
    for i in 0..25 {
        std::fs::write(dir.path().join(format!("p{i:02}.md")), &text).expect("write");
    }
    let config =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/config/default.toml");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("ds01-pm"));
    cmd.current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["check", "--config"])
        .arg(&config)
        .arg(".");
    let mut p = rexpect::session::spawn_command(cmd, Some(60_000)).expect("pty");
    p.exp_string("checking 25/25").expect("a progress counter");
    p.exp_string("25 proposals checked").expect("the summary");
    p.exp_eof().expect("exits");

    let piped = std::process::Command::new(assert_cmd::cargo::cargo_bin("ds01-pm"))
        .current_dir(dir.path())
        .args(["check", "--config"])
        .arg(&config)
        .arg(".")
        .output()
        .expect("run");
    assert!(
        !String::from_utf8_lossy(&piped.stderr).contains("checking"),
        "no progress when stderr is not a terminal"
    );
}
