//! `import github` and `import csv` end to end: the TOML written, its round trip through
//! `score`, warnings, bad input (exit 2, the issue or row and column named, nothing written)
//! and `--force`.
use std::path::Path;

use crate::common::{ROOT, ds01};

const ISSUES: &str = "fixtures/import/issues.json";
const SHEET: &str = "fixtures/import/sheet.csv";
const SHEET_MAP: &str = "Size=effort,Blocked by=depends_on,Link=url";

/// Standard output and standard error of a run that must succeed.
fn ok(args: &[&str]) -> (String, String) {
    let out = ds01().args(args).output().expect("run");
    let stderr = String::from_utf8(out.stderr).expect("utf8");
    assert!(out.status.success(), "{args:?}: {stderr}");
    (String::from_utf8(out.stdout).expect("utf8"), stderr)
}

/// Exit code and standard error of a run that must fail.
fn fails(args: &[&str]) -> (Option<i32>, String) {
    let out = ds01().args(args).output().expect("run");
    assert!(!out.status.success(), "{args:?} succeeded");
    (
        out.status.code(),
        String::from_utf8(out.stderr).expect("utf8"),
    )
}

/// Write `issues` as a `gh` export in `dir` and import it (`extra`: more arguments, such as
/// `-o FILE`); the run must succeed. Standard output and standard error.
fn import_issues(dir: &Path, issues: &serde_json::Value, extra: &[&str]) -> (String, String) {
    let input = dir.join("in.json");
    std::fs::write(&input, issues.to_string()).expect("write");
    let mut args = vec!["import", "github", input.to_str().expect("utf-8")];
    args.extend_from_slice(extra);
    ok(&args)
}

/// Writes an imported backlog to a temporary file and scores it (see `score_json`); the
/// directory lives as long as the returned guard.
fn write_and_score(toml: &str) -> (tempfile::TempDir, std::path::PathBuf, serde_json::Value) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("backlog.toml");
    std::fs::write(&path, toml).expect("write");
    let v = score_json(&path);
    (dir, path, v)
}

/// `score --format json` of a backlog file, without the concern labels (they follow the
/// default rules, which change independently).
fn score_json(path: &Path) -> serde_json::Value {
    let (out, _) = ok(&[
        "score",
        path.to_str().expect("utf-8 path"),
        "--format",
        "json",
        "--no-concerns",
    ]);
    let mut v: serde_json::Value = serde_json::from_str(&out).expect("json");
    v["backlog"] = "BACKLOG".into();
    v
}

#[test]
fn github_issues_become_a_backlog_that_score_reads() {
    let (toml, stderr) = ok(&["import", "github", ISSUES]);
    insta::assert_snapshot!("github_toml", toml);
    insta::assert_snapshot!("github_stderr", stderr);
    // References to issues outside the export and to the issue itself are dropped, naming
    // both numbers; the unestimated items are listed with their issue numbers.
    assert!(stderr.contains("issue #12: \"Depends on #8, #12 and #99\" names issue #99"));
    assert!(stderr.contains("issue #12: \"- [ ] #42\" names issue #42"));
    assert!(stderr.contains("names the issue itself"));
    assert!(stderr.contains("issue #15 (no reach, impact, confidence, effort)"));
    let (_dir, path, v) = write_and_score(&toml);
    let items = v["items"].as_array().expect("items");
    let item = |id: &str| {
        items
            .iter()
            .find(|x| x["id"] == id)
            .unwrap_or_else(|| panic!("{id} ranked"))
    };
    assert_eq!(
        item("gh-12")["url"],
        "https://github.com/ds01-lab/ds01-infra/issues/12"
    );
    assert_eq!(item("gh-12")["needs_estimate"], true);
    assert!(item("gh-8").get("needs_estimate").is_none());
    assert_eq!(v["done"], serde_json::json!(["gh-3"]));
    // The front matter wins over the `impact:1` label.
    assert_eq!(item("gh-5")["impact"], 2.0);
    assert_eq!(item("gh-5")["status"], "in-progress");
    insta::assert_json_snapshot!("github_score", v);
    // The human table and the CSV show which ranks rest on guesses.
    let p = path.to_str().expect("utf-8");
    let (table, _) = ok(&["score", p, "--no-concerns"]);
    assert!(table.contains("[needs estimate]"), "{table}");
    assert!(
        table.contains("3 item(s) marked [needs estimate]"),
        "{table}"
    );
    let (csv, _) = ok(&["score", p, "--no-concerns", "--format", "csv"]);
    assert!(
        csv.lines()
            .next()
            .unwrap_or("")
            .ends_with(",status,needs_estimate,url")
    );
    assert!(
        csv.lines()
            .any(|l| l.contains(",gh-12,") && l.contains(",true,https://"))
    );
    let (html, _) = ok(&["report", p, "--no-concerns"]);
    assert_eq!(html.matches(">needs estimate</span>").count(), 3);
    let (md, _) = ok(&["score", p, "--no-concerns", "--format", "markdown"]);
    assert!(md.contains("[GPU waste alerts](<https://github.com/ds01-lab/ds01-infra/issues/8>)"));
}

#[test]
fn stdin_gives_the_same_backlog_as_the_file() {
    let text = std::fs::read_to_string(Path::new(ROOT).join(ISSUES)).expect("fixture");
    let out = ds01()
        .args(["import", "github", "-"])
        .write_stdin(text)
        .output()
        .expect("run");
    assert!(out.status.success());
    let (file, _) = ok(&["import", "github", ISSUES]);
    assert_eq!(
        String::from_utf8(out.stdout).expect("utf8"),
        file.replace(ISSUES, "<stdin>")
    );
}

#[test]
fn output_is_sorted_by_issue_number_whatever_the_export_order() {
    let text = std::fs::read_to_string(Path::new(ROOT).join(ISSUES)).expect("fixture");
    let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
    v.as_array_mut().expect("array").reverse();
    let dir = tempfile::tempdir().expect("tempdir");
    let reversed = dir.path().join("issues.json");
    std::fs::write(&reversed, v.to_string()).expect("write");
    let (a, _) = ok(&["import", "github", ISSUES]);
    let (b, _) = ok(&["import", "github", reversed.to_str().expect("utf-8")]);
    assert_eq!(a, b.replace(reversed.to_str().expect("utf-8"), ISSUES));
}

#[test]
fn a_huge_unicode_body_is_cut_for_the_description_and_imports_fast() {
    let body = format!(
        "+++\nreach = 30\nimpact = \"low\"\nconfidence = 0.5\neffort = \"XS\"\n+++\nDépend de rien. 🚀 Blocked by #1.\n{}",
        "Journal de GPU: la tranche MIG 3g.40gb est occupée. 日志 ".repeat(40_000)
    );
    assert!(body.len() > 2_000_000);
    let issues = serde_json::json!([
        {"number": 1, "title": "Prérequis", "body": "", "labels": [{"name": "reach:1"}, {"name": "impact:1"}, {"name": "confidence:1"}, {"name": "effort:1"}], "state": "OPEN"},
        {"number": 2, "title": "Énorme 🚀", "body": body, "labels": [], "state": "OPEN", "url": "https://github.com/x/y/issues/2"},
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("huge.json");
    std::fs::write(&input, issues.to_string()).expect("write");
    let output = dir.path().join("backlog.toml");
    let started = std::time::Instant::now();
    let (stdout, stderr) = ok(&[
        "import",
        "github",
        input.to_str().expect("utf-8"),
        "-o",
        output.to_str().expect("utf-8"),
    ]);
    assert!(started.elapsed().as_secs() < 20);
    assert_eq!(stdout.trim(), output.to_str().expect("utf-8"));
    assert!(
        stderr.contains("issue #2: the description keeps the first"),
        "{stderr}"
    );
    let toml = std::fs::read_to_string(&output).expect("written");
    assert!(toml.len() < 10_000, "{} bytes", toml.len());
    assert!(toml.contains("depends_on = [\"gh-1\"]"));
    let v = score_json(&output);
    assert_eq!(v["open"], 2);
}

#[test]
fn a_cycle_through_references_is_reported_as_score_reports_it_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = dir.path().join("backlog.toml");
    let (code, stderr) = fails(&[
        "import",
        "github",
        "fixtures/import/cycle.json",
        "-o",
        output.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, Some(2));
    assert!(!output.exists());
    assert!(
        stderr.starts_with("error: fixtures/import/cycle.json: issue #1: dependency cycle of 3 items: `gh-1`, `gh-2`, `gh-3`; the loop is closed by: `gh-1` depends on `gh-2`; `gh-2` depends on `gh-3`; `gh-3` depends on `gh-1`\nhint: "),
        "{stderr}"
    );
    // The same message as `score` gives for the same backlog.
    let edited = dir.path().join("cycle.toml");
    std::fs::write(
        &edited,
        "[[item]]\nid = \"gh-1\"\ntitle = \"a\"\nreach = 1\nimpact = 1\nconfidence = 1\neffort = 1\ndepends_on = [\"gh-2\"]\n\
         [[item]]\nid = \"gh-2\"\ntitle = \"b\"\nreach = 1\nimpact = 1\nconfidence = 1\neffort = 1\ndepends_on = [\"gh-3\"]\n\
         [[item]]\nid = \"gh-3\"\ntitle = \"c\"\nreach = 1\nimpact = 1\nconfidence = 1\neffort = 1\ndepends_on = [\"gh-1\"]\n",
    )
    .expect("write");
    let (code, score) = fails(&["score", edited.to_str().expect("utf-8")]);
    assert_eq!(code, Some(2));
    let message = |s: &str| {
        s.lines()
            .next()
            .and_then(|l| l.split_once("dependency cycle"))
            .map(|(_, m)| m.to_owned())
    };
    assert_eq!(message(&stderr), message(&score));
}

#[test]
fn bad_github_input_names_the_issue_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = dir.path().join("out.toml");
    let out = output.to_str().expect("utf-8");
    let cases: &[(&str, &str)] = &[(
        "fixtures/import/bad-impact.json",
        "issue #7, label `impact:7`: item `gh-7`: `impact` is off the scale",
    )];
    for (input, expect) in cases {
        let (code, stderr) = fails(&["import", "github", input, "-o", out]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains(expect), "{input}: {stderr}");
        assert!(!output.exists(), "{input}");
    }
    // Generated inputs, each with the words its message must hold.
    let generated: &[(&str, &str)] = &[
        (
            "{\"number\": 1}",
            "expected a JSON array of issues, got an object",
        ),
        (
            "[{\"number\": 1, \"title\": \"a\",]",
            ":1:29: not valid JSON: key must be a string",
        ),
        (
            "[{\"title\": \"No number\"}]",
            "entry 1 (\"No number\") has no `number`",
        ),
        (
            "[{\"number\": -4}]",
            "entry 1: `number` must be a positive whole number, got -4",
        ),
        (
            "[{\"number\": 4, \"title\": \"a\"}, {\"number\": 4, \"title\": \"b\"}]",
            "issue #4 appears twice",
        ),
        (
            "[{\"number\": 4, \"labels\": \"reach:3\"}]",
            "issue #4: `labels` must be an array",
        ),
        (
            "[{\"number\": 4, \"state\": \"DRAFT\"}]",
            "issue #4: unknown `state` \"DRAFT\"",
        ),
        (
            "[{\"number\": 4, \"labels\": [{\"name\": \"impact:1\"}, {\"name\": \"impact:2\"}]}]",
            "issue #4: label `impact:1` and label `impact:2` disagree",
        ),
        (
            "[{\"number\": 4, \"labels\": [{\"name\": \"confidence:30%\"}]}]",
            "issue #4, label `confidence:30%`: item `gh-4`: `confidence` must be between 50% and 100%",
        ),
        (
            "[{\"number\": 4, \"labels\": [{\"name\": \"effort:XXXL\"}]}]",
            "issue #4, label `effort:XXXL`: item `gh-4`: `effort` \"XXXL\" is not a t-shirt size",
        ),
        (
            "[{\"number\": 4, \"labels\": [{\"name\": \"reach:-3\"}]}]",
            "issue #4, label `reach:-3`: item `gh-4`: `reach` must not be negative",
        ),
        (
            "[{\"number\": 4, \"body\": \"+++\\nrech = 3\\n+++\\n\"}]",
            "issue #4: unknown key `rech` in the front matter (did you mean `reach`?)",
        ),
        (
            "[{\"number\": 4, \"body\": \"+++\\nreach = \\n+++\\n\"}]",
            "issue #4: the front matter is not valid TOML (line 1",
        ),
        (
            "[{\"number\": 4, \"body\": \"+++\\nreach = 3\\n\"}]",
            "issue #4: the front matter opened with `+++` is never closed",
        ),
        ("[]", "nothing to import: no item in GitHub issues"),
    ];
    let input = dir.path().join("in.json");
    for (text, expect) in generated {
        std::fs::write(&input, text).expect("write");
        let (code, stderr) = fails(&[
            "import",
            "github",
            input.to_str().expect("utf-8"),
            "-o",
            out,
        ]);
        assert_eq!(code, Some(2), "{text}: {stderr}");
        assert!(stderr.contains(expect), "{text}: {stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(stderr.contains("\nhint: "), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!output.exists(), "{text}");
    }
}

#[test]
fn a_spreadsheet_export_with_bom_semicolons_quoted_newlines_and_formulas() {
    let (toml, stderr) = ok(&["import", "csv", SHEET, "--map", SHEET_MAP]);
    insta::assert_snapshot!("csv_toml", toml);
    assert!(
        stderr.contains("row 5 (no reach, impact, confidence, effort)"),
        "{stderr}"
    );
    // Formula-looking cells stay text, quoted newlines and doubled quotes survive, a decimal
    // comma is read in a `;` export.
    assert!(toml.contains("title = '=HYPERLINK(\"http://evil.example/\",\"GPU waste alerts\")'"));
    assert!(toml.contains("title = \"@SUM(A1:A9) queue\""));
    assert!(toml.contains("Read GPU allocations from container labels;\nno state file."));
    assert!(toml.contains("title = 'Prometheus \"and\" Grafana'"));
    assert!(toml.contains("effort = 1.5"));
    let (_dir, path, v) = write_and_score(&toml);
    insta::assert_json_snapshot!("csv_score", v);
    // score's CSV neutralises the formula-looking title again on the way out.
    let (csv, _) = ok(&[
        "score",
        path.to_str().expect("utf-8"),
        "--format",
        "csv",
        "--no-concerns",
    ]);
    assert!(csv.contains("\"'=HYPERLINK("), "{csv}");
    // --delimiter gives the same result as detection.
    let (same, _) = ok(&[
        "import",
        "csv",
        SHEET,
        "--map",
        SHEET_MAP,
        "--delimiter",
        ";",
    ]);
    assert_eq!(same, toml);
}

#[test]
fn bad_csv_input_names_the_row_and_column_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = dir.path().join("out.toml");
    let out = output.to_str().expect("utf-8");
    let header = "id,title,reach,impact,confidence,effort,depends_on\n";
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "a,A,-3,1,0.8,2,\n",
            &[],
            "row 2, column `reach`: item `a`: `reach` must not be negative, got -3",
        ),
        (
            "a,A,=1+2,1,0.8,2,\n",
            &[],
            "row 2, column `reach`: item `a`: `reach` must be a number (people per reach period), got \"=1+2\"",
        ),
        (
            "a,A,1,1,0.8,2,\nb,B,1,7,0.8,2,\n",
            &[],
            "row 3, column `impact`: item `b`: `impact` is off the scale",
        ),
        (
            "a,A,1,1,0.8,2,zz\n",
            &[],
            "row 2, column `depends_on`: item `a` depends on unknown item `zz`",
        ),
        (
            "a,A,1,1,0.8,2,b\nb,B,1,1,0.8,2,a\n",
            &[],
            "row 2: dependency cycle of 2 items: `a`, `b`",
        ),
        (
            "a,A,1,1,0.8,2,\na,B,1,1,0.8,2,\n",
            &[],
            "row 3, column `id`: duplicate id `a` (first on row 2)",
        ),
        (
            "a,A,1,1,0.8,2,\n,B,1,1,0.8,2,\n",
            &[],
            "row 3, column `id`: the id is empty",
        ),
        (
            "a,\"A,1,1,0.8,2,\n",
            &[],
            "row 2, column 2: the quoted cell opened on line 2 never closes",
        ),
        (
            "a,A,1,1,0.8,2,,extra\n",
            &[],
            "row 2: 8 cells, but the header has 7 columns",
        ),
        (
            "a,A,1,1,0.8,2,\n",
            &["--map", "Size=effort"],
            "--map names column `Size`, which the header row does not have",
        ),
        (
            "a,A,1,1,0.8,2,\n",
            &["--map", "reach=rech"],
            "--map: unknown field `rech` for column `reach`",
        ),
    ];
    let input = dir.path().join("in.csv");
    for (rows, extra, expect) in cases {
        std::fs::write(&input, format!("{header}{rows}")).expect("write");
        let mut args = vec!["import", "csv", input.to_str().expect("utf-8"), "-o", out];
        args.extend_from_slice(extra);
        let (code, stderr) = fails(&args);
        assert_eq!(code, Some(2), "{rows}: {stderr}");
        assert!(stderr.contains(expect), "{rows}: {stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(!output.exists(), "{rows}");
    }
    std::fs::write(&input, "name,reach\nx,3\n").expect("write");
    let (_, stderr) = fails(&["import", "csv", input.to_str().expect("utf-8")]);
    assert!(
        stderr.contains("no column holds `id` (the header has `name`, `reach`)"),
        "{stderr}"
    );
    assert!(stderr.contains("--map \"Your column=id\""), "{stderr}");
}

#[test]
fn an_existing_output_is_kept_without_force_and_replaced_with_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = dir.path().join("backlog.toml");
    std::fs::write(&output, "keep me\n").expect("write");
    let out = output.to_str().expect("utf-8");
    let (code, stderr) = fails(&["import", "github", ISSUES, "-o", out]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("already exists"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&output).expect("kept"), "keep me\n");
    let (stdout, _) = ok(&["import", "github", ISSUES, "-o", out, "--force"]);
    assert_eq!(stdout.trim(), out);
    let written = std::fs::read_to_string(&output).expect("written");
    assert!(written.contains("id = \"gh-12\""));
    // No temporary file is left beside it.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["backlog.toml"]);
    // --force alone (no -o) is a usage error.
    let (code, _) = fails(&["import", "github", ISSUES, "--force"]);
    assert_eq!(code, Some(2));
}

#[test]
fn hostile_text_in_issues_stays_data() {
    let issues = serde_json::json!([
        {"number": 1, "title": "evil\u{1b}[31m title \u{202e} ]] \"\"\" ''' [[item]]", "body": "\"\"\"\n[[item]]\nid = \"x\"\n'''", "url": "javascript:alert(1)", "labels": [{"name": "=cmd|' /C calc'!A0"}]},
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let output = dir.path().join("backlog.toml");
    import_issues(
        dir.path(),
        &issues,
        &["-o", output.to_str().expect("utf-8")],
    );
    let v = score_json(&output);
    assert_eq!(v["open"], 1);
    let item = &v["items"][0];
    assert_eq!(item["url"], "javascript:alert(1)");
    assert_eq!(item["tags"][0], "=cmd|' /C calc'!A0");
    // A URL that is not plain http(s) is not linked in Markdown.
    let (md, _) = ok(&[
        "score",
        output.to_str().expect("utf-8"),
        "--format",
        "markdown",
        "--no-concerns",
    ]);
    assert!(!md.contains("javascript:"), "{md}");
}

#[test]
fn help_shows_an_example_for_each_import_command() {
    for (command, example) in [
        (
            "github",
            "ds01-pm import github issues.json -o backlog.toml",
        ),
        (
            "csv",
            "ds01-pm import csv export.csv --map \"Effort=effort,Blocked by=depends_on\"",
        ),
    ] {
        let (out, _) = ok(&["import", command, "--help"]);
        assert!(out.contains(example), "{command}: {out}");
        assert!(out.contains("needs_estimate = true"), "{command}: {out}");
    }
    // Without --state all, gh exports open issues only and closed issues never become done.
    let (out, _) = ok(&["import", "github", "--help"]);
    assert!(
        out.contains("gh issue list --state all --json number,title,body,labels,state,url --limit 1000 > issues.json"),
        "{out}"
    );
    assert!(!out.contains("gh issue list --json"), "{out}");
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).expect("README");
    assert!(readme.contains(
        "gh issue list --state all --json number,title,body,labels,state,url --limit 1000"
    ));
    assert!(
        !readme.contains("gh issue list --json number"),
        "README: --state all"
    );
    let (man, _) = ok(&["man"]);
    assert!(man.contains("import"), "the manual page lists import");
}

/// A closed issue is done: it is not ranked, so a missing estimate gets the defaults silently,
/// without `needs_estimate` and without being listed as needing an estimate.
#[test]
fn closed_issues_without_estimates_are_not_flagged() {
    let issues = serde_json::json!([
        {"number": 1, "title": "Open one", "body": "", "state": "OPEN"},
        {"number": 2, "title": "Closed one", "body": "", "state": "CLOSED"},
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let (toml, stderr) = import_issues(dir.path(), &issues, &[]);
    assert!(stderr.contains("1 of 2 items need an estimate"), "{stderr}");
    assert!(stderr.contains("issue #1"), "{stderr}");
    assert!(!stderr.contains("issue #2"), "{stderr}");
    let doc: toml::Table = toml::from_str(&toml).expect("toml");
    let items = doc["item"].as_array().expect("items");
    assert_eq!(items[0]["needs_estimate"].as_bool(), Some(true));
    assert_eq!(items[1]["status"].as_str(), Some("done"));
    assert!(items[1].get("needs_estimate").is_none(), "{toml}");
    assert!(
        items[1].get("effort").is_some(),
        "defaults are written: {toml}"
    );
}

/// Bidi overrides and other invisible format characters never reach `backlog.toml` raw: they
/// are escaped (`\u202E`) like ESC, and `score` reads the same text back.
#[test]
fn bidi_controls_are_escaped_in_the_file_and_read_back() {
    let title = "Fix \u{202e}gpj.exe\u{202c} and \u{200f}\u{2066}x\u{2069}";
    let body = "Body \u{202e}reversed\u{200e} text";
    let issues = serde_json::json!([{"number": 1, "title": title, "body": body}]);
    let dir = tempfile::tempdir().expect("tempdir");
    let output = dir.path().join("backlog.toml");
    import_issues(
        dir.path(),
        &issues,
        &["-o", output.to_str().expect("utf-8")],
    );
    let text = std::fs::read_to_string(&output).expect("written");
    for c in [
        '\u{202e}', '\u{202c}', '\u{200f}', '\u{200e}', '\u{2066}', '\u{2069}',
    ] {
        assert!(!text.contains(c), "raw U+{:04X}: {text}", u32::from(c));
    }
    assert!(text.contains("\\u202E"), "{text}");
    let v = score_json(&output);
    assert_eq!(v["items"][0]["title"], title);
    let doc: toml::Table = toml::from_str(&text).expect("toml");
    assert_eq!(doc["item"][0]["description"].as_str(), Some(body));
}

/// A line break in a title (a quoted CSV cell, a GitHub title) becomes one space; the
/// description keeps its newlines.
#[test]
fn line_breaks_in_titles_fold_to_a_space() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("sheet.csv");
    std::fs::write(
        &csv,
        "id,title,description\r\na,\"Multi\r\nline\",\"one\r\ntwo\"\r\nb,\"LF\nonly\rCR \r\n\r\n x\",\r\n",
    )
    .expect("write");
    let (toml, _) = ok(&["import", "csv", csv.to_str().expect("utf-8")]);
    let doc: toml::Table = toml::from_str(&toml).expect("toml");
    let items = doc["item"].as_array().expect("items");
    assert_eq!(items[0]["title"].as_str(), Some("Multi line"));
    assert_eq!(items[0]["description"].as_str(), Some("one\ntwo"));
    assert_eq!(items[1]["title"].as_str(), Some("LF only CR x"));
    let issues = serde_json::json!([{"number": 1, "title": "Two\r\nlines\nhere", "body": "a\nb"}]);
    let (toml, _) = import_issues(dir.path(), &issues, &[]);
    let doc: toml::Table = toml::from_str(&toml).expect("toml");
    assert_eq!(doc["item"][0]["title"].as_str(), Some("Two lines here"));
    assert_eq!(doc["item"][0]["description"].as_str(), Some("a\nb"));
}

/// Indented code blocks are code: a dependency phrase in one is not read. A ticked task
/// (`- [x] #N`) is a finished prerequisite, not a dependency.
#[test]
fn indented_code_and_ticked_tasks_are_not_dependencies() {
    let issues = serde_json::json!([
        {"number": 1, "title": "One", "body": "Example of syntax:\n\n    requires #2\n"},
        {"number": 2, "title": "Two", "body": "- [x] #1\n- [ ] #3\n"},
        {"number": 3, "title": "Three", "body": ""},
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let (toml, _) = import_issues(dir.path(), &issues, &[]);
    let doc: toml::Table = toml::from_str(&toml).expect("toml");
    let items = doc["item"].as_array().expect("items");
    assert!(items[0].get("depends_on").is_none(), "{toml}");
    assert_eq!(
        items[1]["depends_on"].as_array().expect("deps"),
        &[toml::Value::String("gh-3".into())]
    );
}

/// One column per field: two columns named like one field (case-insensitively), or a column
/// `--map` gives a field plus another named like it, exit 2 naming both columns.
#[test]
fn two_columns_for_one_field_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("sheet.csv");
    let path = csv.to_str().expect("utf-8");
    std::fs::write(&csv, "id,title,reach,Reach\na,A,5,7\n").expect("write");
    let (code, stderr) = fails(&["import", "csv", path]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("columns `reach` and `Reach` both hold `reach`"),
        "{stderr}"
    );
    std::fs::write(&csv, "id,title,Effort,effort\na,A,S,L\n").expect("write");
    let (code, stderr) = fails(&["import", "csv", path, "--map", "Effort=effort"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("--map gives `effort` column `Effort`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("column `effort` is named `effort` too"),
        "{stderr}"
    );
    // Giving the same-named column another field resolves it.
    let (toml, _) = ok(&[
        "import",
        "csv",
        path,
        "--map",
        "Effort=effort,effort=description",
    ]);
    assert!(toml.contains("effort = \"S\""), "{toml}");
    assert!(toml.contains("description = \"L\""), "{toml}");
}

/// In a `;`-separated file (a comma-decimal locale) `1.000` may be a thousand: refused with
/// the row and column, not read as 1. `1,5` and `0.125` are still numbers.
#[test]
fn a_thousands_separator_in_a_semicolon_file_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("sheet.csv");
    let path = csv.to_str().expect("utf-8");
    std::fs::write(&csv, "id;title;reach;impact\na;A;1,5;1\nb;B;1.000;1\n").expect("write");
    let (code, stderr) = fails(&["import", "csv", path]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("row 3, column `reach`"), "{stderr}");
    assert!(stderr.contains("`1.000` is ambiguous"), "{stderr}");
    assert!(
        stderr.contains("remove the thousands separator"),
        "{stderr}"
    );
    std::fs::write(
        &csv,
        "id;title;reach;confidence\na;A;1000;0.8\nb;B;2,5;0,5\n",
    )
    .expect("write");
    ok(&["import", "csv", path]);
    // With `,` as the delimiter `1.000` is the decimal 1.
    std::fs::write(&csv, "id,title,reach\na,A,1.000\n").expect("write");
    let (toml, _) = ok(&["import", "csv", path]);
    assert!(toml.contains("reach = 1\n"), "{toml}");
}
