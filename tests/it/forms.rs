//! GitHub issue forms (issue 18): a form's body read as a proposal by `check` and `analyze`,
//! `check --format comment` for the triage workflow, and the example form and workflow in
//! `examples/`. Concern-driven checks use the small rule set in `fixtures/check/rules`.
use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{ROOT, ds01};

const RULES: &str = "fixtures/check/rules";
const SNAPSHOT_CONFIG: &str = "fixtures/config/snapshot.toml";
const BLANKS: &str = "fixtures/forms/feature-request-blanks.md";
const FORM: &str = "examples/.github/ISSUE_TEMPLATE/feature-request.yml";
const WORKFLOW: &str = "examples/issue-triage.yml";

/// `check` with the test rules and the snapshot config: (exit code, stdout, stderr).
fn check(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = ds01();
    cmd.args(["--rules", RULES, "check", "--config", SNAPSHOT_CONFIG])
        .args(args);
    if let Some(s) = stdin {
        cmd.write_stdin(s.to_owned());
    }
    let out = cmd.output().expect("run");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("UTF-8"),
        String::from_utf8(out.stderr).expect("UTF-8"),
    )
}

fn findings(v: &Value) -> Vec<(String, Option<String>)> {
    v["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().expect("code").to_owned(),
                f["section"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(ROOT).join(path)).expect("read")
}

/// The form's fields as GitHub renders an issue: `### Label`, a blank line, the answer (or
/// `_No response_`), from the labels of the example form's `textarea`, `input` and `dropdown`
/// items, in order. `answer` gives each label's answer (`None`: left blank).
fn rendered_form(answer: impl Fn(&str) -> Option<String>) -> String {
    let yaml = read(FORM);
    let mut body = String::new();
    let mut kind = "";
    for line in yaml.lines() {
        let t = line.trim();
        if let Some(k) = t.strip_prefix("- type: ") {
            kind = k;
        } else if let Some(label) = t.strip_prefix("label: ") {
            if matches!(kind, "textarea" | "input" | "dropdown") {
                let text = answer(label).unwrap_or_else(|| "_No response_".into());
                body.push_str(&format!("### {label}\n\n{text}\n\n"));
            }
        }
    }
    body
}

#[test]
fn a_form_body_with_blanks_reads_as_a_proposal_with_missing_sections() {
    let (code, out, err) = check(&["--format", "json", BLANKS], None);
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let found = findings(&v);
    // Blank and `_No response_` fields are missing sections (P001), exactly as a Markdown
    // proposal without them; never an empty section (P002).
    for id in ["success-metrics", "rollout"] {
        assert!(
            found.contains(&("P001".into(), Some(id.into()))),
            "{id}: {found:?}"
        );
    }
    for id in ["problem", "users", "proposal"] {
        assert!(
            !found.contains(&("P001".into(), Some(id.into()))),
            "{id}: {found:?}"
        );
    }
    assert!(!found.iter().any(|(c, _)| c == "P002"), "{found:?}");
    insta::assert_json_snapshot!("form-blanks", v);
}

#[test]
fn a_form_body_reads_the_same_from_standard_input() {
    let (code, file_out, _) = check(&["--format", "json", BLANKS], None);
    let (stdin_code, stdin_out, err) = check(&["--format", "json", "-"], Some(&read(BLANKS)));
    assert_eq!((code, stdin_code), (1, 1), "{err}");
    let (a, b): (Value, Value) = (
        serde_json::from_str(&file_out).expect("JSON"),
        serde_json::from_str(&stdin_out).expect("JSON"),
    );
    assert_eq!(b["files"][0]["path"], "<stdin>");
    assert_eq!(findings(&a), findings(&b));
    // GitHub stores form bodies with CRLF line ends: read the same.
    let crlf = read(BLANKS).replace('\n', "\r\n");
    let (_, crlf_out, _) = check(&["--format", "json", "-"], Some(&crlf));
    let c: Value = serde_json::from_str(&crlf_out).expect("JSON");
    assert_eq!(findings(&a), findings(&c));
}

/// The same answers as a Markdown proposal with `##` sections: an empty section there is P002
/// (as before), while in a form a blank field is a missing section (P001).
#[test]
fn markdown_proposals_are_read_as_before() {
    let md = "# Queue\n\nA GPU queue for students.\n\n## Problem\n\nStudents wait.\n\n## Users and current workflow\n\nStudents.\n\n## Proposed change\n\nA queue.\n\n## Success metrics\n\n## Rollout and rollback\n\nA switch.\n";
    let (_, out, _) = check(&["--format", "json", "-"], Some(md));
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let found = findings(&v);
    assert!(
        found.contains(&("P002".into(), Some("success-metrics".into()))),
        "{found:?}"
    );
    assert!(!found.iter().any(|(c, _)| c == "P001"), "{found:?}");

    let form = md
        .replace("## ", "### ")
        .replace("# Queue\n\nA GPU queue for students.\n\n", "# Queue\n\n");
    let (_, out, _) = check(&["--format", "json", "-"], Some(&form));
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let found = findings(&v);
    assert!(
        found.contains(&("P001".into(), Some("success-metrics".into()))),
        "{found:?}"
    );
    assert!(!found.iter().any(|(c, _)| c == "P002"), "{found:?}");
}

/// The labels of the example form's `textarea`, `input` and `dropdown` items marked
/// `required: true`.
fn required_labels() -> Vec<String> {
    let yaml = read(FORM);
    let mut out = Vec::new();
    let (mut kind, mut label) = ("", None::<String>);
    for line in yaml.lines() {
        let t = line.trim();
        if let Some(k) = t.strip_prefix("- type: ") {
            kind = k;
            label = None;
        } else if let Some(l) = t.strip_prefix("label: ") {
            label.get_or_insert_with(|| l.to_owned());
        } else if t == "required: true" && matches!(kind, "textarea" | "input" | "dropdown") {
            out.extend(label.take());
        }
    }
    out
}

/// The sections `check` reports missing (P001) for a form body.
fn missing_sections(body: &str) -> BTreeSet<String> {
    let (_, out, _) = check(&["--format", "json", "-"], Some(&format!("# T\n\n{body}")));
    let v: Value = serde_json::from_str(&out).expect("JSON");
    findings(&v)
        .into_iter()
        .filter(|(c, _)| c == "P001")
        .filter_map(|(_, s)| s)
        .collect()
}

/// The form's required fields are exactly the sections `check` requires: a request with only
/// the required fields filled has no missing section, and leaving out any one of them (were
/// it optional) is a missing section.
#[test]
fn the_example_forms_required_fields_are_the_sections_check_requires() {
    let required = required_labels();
    let minimal = rendered_form(|label| {
        required
            .iter()
            .any(|r| r == label)
            .then(|| "Students wait for GPUs.".to_owned())
    });
    assert_eq!(missing_sections(&minimal), BTreeSet::new(), "{minimal}");
    for left_out in &required {
        let body = rendered_form(|label| {
            (label != left_out && required.iter().any(|r| r == label))
                .then(|| "Students wait for GPUs.".to_owned())
        });
        assert_eq!(
            missing_sections(&body).len(),
            1,
            "`{left_out}` is required by the form but no section check requires"
        );
    }
}

/// Every section field of the example form maps to its section: filled in, no section is
/// missing; left blank, each required section is.
#[test]
fn the_example_forms_labels_map_to_the_sections() {
    let filled = rendered_form(|label| {
        Some(match label {
            "Tiers affected" => "Students".to_owned(),
            "Contact" => "someone".to_owned(),
            l => format!("An answer about {}.", l.to_lowercase()),
        })
    });
    let (_, out, _) = check(
        &["--format", "json", "-"],
        Some(&format!("# T\n\n{filled}")),
    );
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let found = findings(&v);
    assert!(
        !found.iter().any(|(c, _)| c == "P001" || c == "P004"),
        "{found:?}\n{filled}"
    );
    let blank = rendered_form(|label| {
        matches!(label, "Who is it for?" | "Problem" | "Proposed change")
            .then(|| "Students wait for GPUs.".to_owned())
    });
    let (_, out, _) = check(&["--format", "json", "-"], Some(&format!("# T\n\n{blank}")));
    let v: Value = serde_json::from_str(&out).expect("JSON");
    let missing: BTreeSet<String> = findings(&v)
        .into_iter()
        .filter(|(c, _)| c == "P001")
        .filter_map(|(_, s)| s)
        .collect();
    assert_eq!(
        missing,
        BTreeSet::from(["rollout".to_owned(), "success-metrics".to_owned()]),
        "{blank}"
    );
}

/// `analyze` reads the answers, not the form's labels: a form whose only GPU words are in its
/// labels has no GPU impact.
#[test]
fn analyze_reads_the_answers_not_the_labels() {
    let body = rendered_form(|label| {
        (label == "Problem").then(|| "Students forget their passwords.".to_owned())
    });
    let out = crate::common::stdout_of(
        ds01()
            .args(["analyze", "--format", "json", "-"])
            .write_stdin(body.clone()),
        &body,
    );
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_ne!(v["gpu_impact"]["value"], "mig", "{body}");
    assert_ne!(v["gpu_impact"]["value"], "both", "{body}");
    let evidence = v.to_string();
    assert!(!evidence.contains("No response"), "{evidence}");
}

#[test]
fn comment_format_snapshot() {
    let body = format!("# GPU queue for the MIG course\n\n{}", read(BLANKS));
    let (code, out, err) = check(&["--format", "comment", "-"], Some(&body));
    assert_eq!(code, 1, "exit codes as for the other formats: {err}");
    assert!(out.starts_with("<!-- ds01-pm:triage -->\n"), "{out}");
    assert!(out.contains("- [ ] ") || out.contains("**What the proposal still lacks**"));
    insta::assert_snapshot!("form-comment", out);
}

/// Nothing from the issue reaches the comment as markup: no HTML, no second marker, no
/// mention, link, code span, heading or control character.
#[test]
fn a_hostile_body_cannot_inject_into_the_comment() {
    let hostile = "# <img src=x onerror=alert(1)> @everyone <!-- ds01-pm:triage --> `x`\n\n### Who is it for?\n\n@everyone and @admin, see [here](https://evil.example/x) or www.evil.example\n\n### Problem\n\n<!-- ds01-pm:triage -->\n<script>alert(1)</script> ``` fence #1 **bold** \u{1b}[31mred\u{7} \u{202e}rtl\n\n### Proposed change\n\n</details> | table | ![img](https://evil.example/i.png)\n";
    let (code, out, err) = check(&["--format", "comment", "-"], Some(hostile));
    assert!(code == 0 || code == 1, "{err}");
    assert_eq!(out.matches("<!--").count(), 1, "one marker, ours:\n{out}");
    assert!(out.starts_with("<!-- ds01-pm:triage -->\n"));
    for bad in [
        "<img",
        "<script",
        "</details>",
        "@everyone",
        "@admin",
        "](http",
        "https://",
        "www.evil",
        "\u{1b}",
        "\u{7}",
        "\u{202e}",
        "**bold**",
        "#1",
    ] {
        assert!(!out.contains(bad), "`{bad}` in:\n{out}");
    }
    // Our own lines stay Markdown: the task list and the headings.
    assert!(out.contains("\n### ds01-pm triage: "), "{out}");
    assert!(out.contains("**What the proposal still lacks**"), "{out}");
    // No line of the comment starts with a backtick fence or a heading made of input.
    for line in out.lines().skip(1) {
        assert!(
            !line.starts_with("```") && !line.starts_with("# "),
            "{line}"
        );
    }
}

/// The workflow never puts the issue's text into a shell script, asks for the least
/// permissions, and finds its comment by the marker `check --format comment` writes.
#[test]
fn the_triage_workflow_is_injection_safe_and_least_privilege() {
    let yaml = read(WORKFLOW);
    assert!(yaml.contains("\non:\n  issues:\n    types: [opened, edited]\n"));
    assert!(
        yaml.contains("\npermissions:\n  issues: write\n\n"),
        "only issues: write"
    );
    // Inside `run:` blocks (a `run:` line and the indented lines below it), no expression at
    // all: every value reaches the shell through `env:`.
    let mut in_run: Option<usize> = None;
    for (n, line) in yaml.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        if let Some(i) = in_run {
            if !line.trim().is_empty() && indent <= i {
                in_run = None;
            }
        }
        if let Some(rest) = line.trim_start().strip_prefix("run:") {
            assert!(!rest.contains("${{"), "line {}: {line}", n + 1);
            if rest.trim() == "|" {
                in_run = Some(indent);
            }
        } else if in_run.is_some() {
            assert!(!line.contains("${{"), "line {}: {line}", n + 1);
        }
    }
    assert!(yaml.contains("BODY: ${{ github.event.issue.body }}"));
    assert!(yaml.contains("\"$BODY\""));
    for cmd in [
        "ds01-pm check --format comment issue.md",
        "ds01-pm analyze -f issue.md --format labels",
        "gh api --paginate \"repos/$REPO/issues/$NUMBER/comments\"",
        "startswith(\"<!-- ds01-pm:triage -->\")",
        "select(.user.login == \"github-actions[bot]\"",
        "gh issue comment",
        "gh label create",
        "gh issue edit \"$NUMBER\"",
    ] {
        assert!(yaml.contains(cmd), "{cmd}");
    }
    assert!(!yaml.contains("curl "), "gh CLI only");
}

/// ds01-pm is installed from a full commit SHA (a tag can move), a check step fails while the
/// placeholder is unfilled, actions/cache is pinned by SHA and the cache key holds the pin.
#[test]
fn the_triage_workflow_pins_ds01_pm_and_the_cache_by_commit() {
    let yaml = read(WORKFLOW);
    assert!(yaml.contains("DS01_PM_REV: REPLACE_WITH_FULL_COMMIT_SHA\n"));
    assert!(
        yaml.contains(
            "cargo install --locked --git \"$DS01_PM_GIT\" --rev \"$DS01_PM_REV\" ds01-pm"
        )
    );
    assert!(!yaml.contains("--tag"), "never installed from a tag");
    assert!(
        yaml.contains("grep -qxE '[0-9a-f]{40}'"),
        "the pin is checked"
    );
    let check = yaml
        .find("name: Check the ds01-pm pin")
        .expect("check step");
    let cache = yaml.find("name: Cache ds01-pm").expect("cache step");
    assert!(check < cache, "the pin is checked first");
    for line in yaml.lines().filter(|l| l.trim_start().starts_with("uses:")) {
        let r#ref = line.split('@').nth(1).expect("uses: x@ref");
        let r#ref = r#ref.split_whitespace().next().unwrap_or("");
        assert!(
            r#ref.len() == 40 && r#ref.bytes().all(|b| b.is_ascii_hexdigit())
                || r#ref.starts_with("REPLACE_WITH_"),
            "pinned by full commit SHA: {line}"
        );
    }
    assert!(yaml.contains("key: ds01-pm-issue-triage-${{ runner.os }}-${{ env.DS01_PM_REV }}\n"));
}

#[test]
fn the_issue_form_follows_the_schema() {
    let yaml = read(FORM);
    for key in ["name: ", "description: ", "title: ", "labels: ", "body:"] {
        assert!(yaml.lines().any(|l| l.starts_with(key)), "{key}");
    }
    // Every item has a type GitHub knows; every id is unique and of the allowed characters;
    // every non-markdown item has a label and says whether it is required.
    let mut ids = BTreeSet::new();
    let mut types = 0;
    for line in yaml.lines().map(str::trim) {
        if let Some(t) = line.strip_prefix("- type: ") {
            assert!(
                ["markdown", "textarea", "input", "dropdown", "checkboxes"].contains(&t),
                "{t}"
            );
            types += 1;
        }
        if let Some(id) = line.strip_prefix("id: ") {
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                "{id}"
            );
            assert!(ids.insert(id.to_owned()), "duplicate id {id}");
        }
    }
    assert_eq!(
        ids.len() + 1,
        types,
        "every item but the markdown one has an id"
    );
    // The checkboxes item says `required` per option instead.
    assert_eq!(yaml.matches("\n    validations:\n").count(), ids.len() - 1);
    assert!(yaml.contains("          required: true\n"));
    for field in ["textarea", "input", "dropdown", "checkboxes"] {
        assert!(yaml.contains(&format!("- type: {field}\n")), "{field}");
    }
}

/// `GH-1` in an issue title is no issue link in the comment: GitHub links `GH-N` after
/// parsing the Markdown, so an escaped `GH\-1` would still link; a zero-width space breaks it
/// as it breaks `#1`.
#[test]
fn gh_references_in_the_issue_are_not_linked_in_the_comment() {
    let body = "# Fix GH-1 and gh-22 for the queue\n\n### Problem\n\nLike GH-3, students wait.\n";
    let (code, out, err) = check(&["--format", "comment", "-"], Some(body));
    assert!(code == 0 || code == 1, "{err}");
    assert!(out.contains("GH&#8203;\\-1"), "{out}");
    for bad in ["GH-1", "GH\\-1", "gh\\-22", "gh-22", "GH\\-3", "GH-3"] {
        assert!(!out.contains(bad), "`{bad}` in:\n{out}");
    }
}

/// An issue body that quotes ds01-pm's own triage marker (an author pasting the bot's
/// comment) is not told of an unknown directive: the marker is ds01-pm's, not a directive.
#[test]
fn the_triage_marker_in_a_body_is_no_unknown_directive() {
    let body = format!(
        "# T\n\n<!-- ds01-pm:triage -->\n\n{}",
        rendered_form(|_| Some("Students wait for GPUs.".to_owned()))
    );
    for format in ["json", "comment"] {
        let (code, out, err) = check(&["--format", format, "-"], Some(&body));
        assert!(code == 0 || code == 1, "{err}");
        assert!(!out.contains("P902"), "{format}:\n{out}");
        assert!(
            !out.contains("unknown ds01-pm directive"),
            "{format}:\n{out}"
        );
    }
    // A real unknown directive is still reported.
    let (_, out, _) = check(
        &["--format", "json", "-"],
        Some(&body.replace("ds01-pm:triage", "ds01-pm:disable P201")),
    );
    assert!(out.contains("P902"), "{out}");
}
