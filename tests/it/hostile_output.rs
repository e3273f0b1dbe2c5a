//! Every control character, bidi override and escape sequence, pushed through every format of
//! every command: none reaches the output raw (only newlines and tabs, where the medium needs
//! them, and JSON's own escapes), and no output line is a workflow command forged from input.
use std::fmt::Write;
use std::path::Path;

use crate::common::ds01_in;

/// Every hostile character once, then the classic sequences: an OSC 8 link, an OSC title,
/// a screen clear, and forged workflow commands on lines of their own.
pub(crate) fn hostile() -> String {
    let mut s = String::from("T");
    for c in (0u32..0x20).chain([0x7f]).chain(0x80..0xa0) {
        s.push(char::from_u32(c).unwrap());
    }
    s.extend(['\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}']);
    s.extend([
        '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{2028}', '\u{2029}',
    ]);
    s.push_str("\x1b]8;;http://evil.example/\x07link\x1b]8;;\x07");
    s.push_str("\x1b]0;title\x07\x1b[2J\x1b[31mred");
    s.push_str("\n::error::forged\n::stop-commands::token\r\n::warning file=x::forged|=1+1");
    s.push_str("\n```\n%%{init: {}}%%\n");
    s
}

/// `s` as a TOML basic string, every non-printable character as a `\uXXXX` escape.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() || !c.is_ascii() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_raw_hostile(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// Run one command line and check both streams.
fn assert_clean(dir: &Path, args: &[&str], github: bool) {
    let out = ds01_in(dir).args(args).output().expect("run");
    assert_clean_output(args, &out, github);
}

/// Check both streams of a finished run (also used by the LLM tests).
pub(crate) fn assert_clean_output(args: &[&str], out: &std::process::Output, github: bool) {
    let code = out.status.code();
    assert!(matches!(code, Some(0..=2)), "{args:?}: exit {code:?}");
    for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("Usage:"),
            "{args:?}: the command line itself is wrong: {text}"
        );
        assert!(
            !text.contains("panicked"),
            "{args:?}: panic on {name}: {text}"
        );
        if let Some((i, c)) = text.char_indices().find(|&(_, c)| is_raw_hostile(c)) {
            let from = text[..i].char_indices().rev().nth(40).map_or(0, |(j, _)| j);
            panic!(
                "{args:?}: raw U+{:04X} on {name} near {:?}",
                u32::from(c),
                &text[from..i]
            );
        }
        for line in text.lines() {
            let t = line.trim_start();
            let ours = github
                && name == "stdout"
                && [
                    "::error file=",
                    "::warning file=",
                    "::notice file=",
                    "::notice title=",
                ]
                .iter()
                .any(|p| line.starts_with(p));
            assert!(
                !t.starts_with("::") || ours,
                "{args:?}: forged workflow command on {name}: {line:?}"
            );
        }
    }
}

#[test]
fn no_control_character_or_forged_line_reaches_any_format() {
    let h = hostile();
    // An argument cannot hold NUL; files hold everything.
    let arg = h.replace('\0', "");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let proposal = format!(
        "+++\nid = {id}\ntitle = {t}\nstatus = {t}\nauthor = {t}\ntiers = [{t}]\n+++\n\n# Title {h}\n\n## Problem {h}\n\nGPU queue for SLURM jobs {h}\n\n- [ ] TODO {h}\n\n## {h}\n\nText `{h}` and more.\n",
        id = toml_str(&h),
        t = toml_str(&h),
    );
    std::fs::write(dir.join("p.md"), &proposal).unwrap();
    std::fs::write(
        dir.join("desc.txt"),
        format!("Add a GPU queue\u{b}with SLURM\u{c}and Kubeflow{h} MIG {h} students {h}"),
    )
    .unwrap();
    std::fs::write(
        dir.join("rules.toml"),
        format!(
            "family = \"extra\"\n[[rule]]\nid = \"extra-hostile\"\nsummary = {t}\nwhy = {t}\npatterns = ['\\bkubeflow[\\s\\S]{{0,40}}']\nsignals = {{ \"risk:scope-creep\" = 1.0 }}\nquestions = [{{ dimension = \"solution-space\", priority = 1, text = {t} }}]\n",
            t = toml_str(&h)
        ),
    )
    .unwrap();
    let backlog = format!(
        "[[item]]\nid = {a}\ntitle = {t}\nreach = 10\nimpact = \"high\"\nconfidence = \"80%\"\neffort = \"S\"\n\n[[item]]\nid = \"b\"\ntitle = {t}\nreach = 1\nimpact = \"low\"\nconfidence = \"50%\"\neffort = \"M\"\ndepends_on = [{a}]\n",
        a = toml_str(&format!("a{h}")),
        t = toml_str(&h),
    );
    std::fs::write(dir.join("b.toml"), &backlog).unwrap();
    let bad_backlog = format!(
        "[[item]]\nid = {t}\ntitle = {t}\nreach = {t}\n",
        t = toml_str(&h)
    );
    std::fs::write(dir.join("bad.toml"), &bad_backlog).unwrap();

    for cmd in ["analyze", "questions"] {
        for f in ["human", "json", "markdown"] {
            assert_clean(
                dir,
                &[
                    cmd,
                    "-f",
                    "desc.txt",
                    "--extend-rules",
                    "rules.toml",
                    "--format",
                    f,
                ],
                false,
            );
            assert_clean(dir, &[cmd, "--format", f, &arg], false);
        }
    }
    for f in [
        "human", "line", "github", "sarif", "junit", "json", "comment",
    ] {
        assert_clean(dir, &["check", "p.md", "--format", f], f == "github");
    }
    for cmd in ["score", "plan"] {
        for f in ["human", "csv", "json", "markdown"] {
            let cap: &[&str] = if cmd == "plan" {
                &["--capacity", "3"]
            } else {
                &[]
            };
            for file in ["b.toml", "bad.toml"] {
                let mut args = vec![cmd, file, "--format", f];
                args.extend(cap);
                assert_clean(dir, &args, false);
            }
        }
    }
    assert_clean(
        dir,
        &["score", "b.toml", "--critical-path", "--sensitivity"],
        false,
    );
    assert_clean(
        dir,
        &["score", "b.toml", "--explain", &format!("a{arg}")],
        false,
    );
    assert_clean(dir, &["score", "b.toml", "--explain", &arg], false);
    for f in ["dot", "mermaid"] {
        assert_clean(dir, &["graph", "b.toml", "--format", f], false);
    }
    assert_clean(dir, &["report", "b.toml"], false);
    assert_clean(dir, &["explain", &arg], false);
    assert_clean(
        dir,
        &["explain", "--extend-rules", "rules.toml", "extra-hostile"],
        false,
    );
    for f in ["human", "json"] {
        assert_clean(
            dir,
            &[
                "rules",
                "list",
                "--extend-rules",
                "rules.toml",
                "--format",
                f,
            ],
            false,
        );
        assert_clean(
            dir,
            &[
                "rules",
                "show",
                "extra-hostile",
                "--extend-rules",
                "rules.toml",
                "--format",
                f,
            ],
            false,
        );
    }
    assert_clean(
        dir,
        &["rules", "test", "--extend-rules", "rules.toml"],
        false,
    );
    assert_clean(dir, &["adr", "--stdout", &arg], false);
    // Notes and written paths on a hostile directory name.
    assert_clean(dir, &["man", "--dir", &format!("man{arg}")], false);
    // Errors: a file name, a flag value, a rule file.
    assert_clean(dir, &["check", &format!("missing{arg}.md")], false);
    assert_clean(dir, &["analyze", "-f", &format!("missing{arg}.txt")], false);
    assert_clean(dir, &["score", &format!("missing{arg}.toml")], false);
    assert_clean(
        dir,
        &["rules", "check", "--extend-rules", "bad.toml"],
        false,
    );
    assert_clean(dir, &["analyze", "--extend-rules", "p.md", "x"], false);
}

#[test]
fn a_newline_in_a_file_name_stays_on_one_error_line() {
    let out = crate::common::ds01()
        .args(["check", "no\nsuch\n::error::forged.md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("no\\u{a}such\\u{a}::error::forged.md"),
        "{err}"
    );
}

#[test]
fn csv_cells_cannot_start_a_formula() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("b.toml"),
        "[[item]]\nid = \"=HYPERLINK(1)\"\ntitle = \"@SUM(A1)\"\nreach = 1\nimpact = \"low\"\nconfidence = \"50%\"\neffort = \"S\"\n\n[[item]]\nid = \"+x\"\ntitle = \"-2+3\"\nreach = 1\nimpact = \"low\"\nconfidence = \"50%\"\neffort = \"S\"\n",
    )
    .unwrap();
    for cmd in ["score", "plan"] {
        let out = ds01_in(tmp.path())
            .args([cmd, "b.toml", "--format", "csv"])
            .args(if cmd == "plan" {
                &["--capacity", "1"][..]
            } else {
                &[]
            })
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        for cell in text.lines().flat_map(|l| l.split(',')) {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '@']) && !cell.starts_with("-2"),
                "{cmd}: formula cell {cell:?} in\n{text}"
            );
        }
    }
}

/// `check --format json` of one proposal with the default settings.
fn check_json(text: &str) -> serde_json::Value {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("long.md"), text).unwrap();
    let out = ds01_in(tmp.path())
        .args([
            "check",
            "long.md",
            "--format",
            "json",
            "--config",
            "/dev/null",
        ])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A long proposal (thousands of findings, many sections, suppressions in some): every
/// finding at the line and section it is on, every suppression applied in its own section
/// only. The behaviour the line, code and section indexes of `check` must keep; their speed
/// is measured by `benches/check_scale.sh`, not here.
#[test]
fn long_proposals_keep_every_location() {
    let mut text = String::from(
        "+++\nid = \"x\"\ntitle = \"X\"\nstatus = \"proposed\"\nauthor = \"a\"\ntiers = [\"admin\"]\n+++\n\n# X\n",
    );
    let mut expected = Vec::new();
    let mut suppressed = Vec::new();
    let mut line = text.lines().count();
    let push = |text: &mut String, line: &mut usize, s: &str| {
        text.push_str(s);
        text.push('\n');
        *line += 1;
    };
    for k in 0..60 {
        push(&mut text, &mut line, "");
        push(&mut text, &mut line, &format!("## Step {k}"));
        let silenced = k % 3 == 0;
        if silenced {
            push(
                &mut text,
                &mut line,
                "<!-- ds01-pm: allow P003 reason=\"filled in later\" -->",
            );
        }
        push(&mut text, &mut line, "```");
        push(
            &mut text,
            &mut line,
            "TODO inside code is not a placeholder",
        );
        push(&mut text, &mut line, "```");
        for i in 0..40 {
            push(&mut text, &mut line, &format!("- [ ] TODO item {k}.{i}"));
            if silenced {
                suppressed.push(line);
            } else {
                expected.push(line);
            }
        }
    }
    let v = check_json(&text);
    let file = &v["files"][0];
    let lines = |key: &str| -> Vec<usize> {
        file[key]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "P003")
            .map(|f| f["line"].as_u64().unwrap() as usize)
            .collect()
    };
    assert_eq!(lines("findings"), expected);
    assert_eq!(lines("suppressed"), suppressed);
    for f in file["findings"].as_array().unwrap() {
        if f["code"] == "P003" {
            assert_eq!(f["column"], 7, "{f}");
            assert!(f["message"].as_str().unwrap().contains("`Step "), "{f}");
        }
    }
}

/// Thousands of findings on one long non-ASCII line: each at its own column, each with its own
/// fingerprint, and none copies the whole line (that was 150 GB for a 1 MiB line).
#[test]
fn findings_on_one_long_line_keep_their_columns() {
    let head = "+++\nid = \"x\"\ntitle = \"X\"\nstatus = \"proposed\"\nauthor = \"a\"\ntiers = [\"admin\"]\n+++\n\n# X\n\n## Problem\n\n";
    let n = 3000;
    let text = format!("{head}{}\n", "é TODO ".repeat(n));
    let v = check_json(&text);
    let p003: Vec<&serde_json::Value> = v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "P003")
        .collect();
    assert_eq!(p003.len(), n);
    let line = head.lines().count() + 1;
    let mut prints = std::collections::HashSet::new();
    for (i, f) in p003.iter().enumerate() {
        assert_eq!(f["line"], line, "{f}");
        assert_eq!(f["column"], 3 + 7 * i, "{f}");
        assert!(prints.insert(f["fingerprint"].as_str().unwrap().to_owned()));
    }
}
