//! `ds01-pm new`: the interview under a real pseudo-terminal, the `--answers` file for scripts,
//! and the refusal without a terminal. Every written proposal must pass `check` without a
//! missing-section error.
use std::path::Path;

use assert_cmd::Command;

const IDEA: &str = "Let students keep a container running over the weekend for long training jobs";

fn ds01(cwd: &Path) -> Command {
    let mut c = crate::common::ds01_in(cwd);
    c.env("NO_COLOR", "1").env("USER", "tester");
    c
}

/// The codes `check --format json` reports for `file`.
fn check_codes(file: &Path) -> Vec<String> {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/config/default.toml");
    let out = ds01(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args(["check", "--format", "json", "--config"])
        .arg(&config)
        .arg(file)
        .output()
        .expect("run check");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("check JSON");
    v["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().expect("code").to_owned())
        .collect()
}

/// An answers file for [`IDEA`] with `[answers]` keyed as given.
fn write_answers(dir: &Path, answers: &[(&str, &str)]) -> std::path::PathBuf {
    let path = dir.join("answers.toml");
    let table: Vec<String> = answers
        .iter()
        .map(|(k, a)| format!("{k} = {a:?}\n"))
        .collect();
    std::fs::write(
        &path,
        format!(
            "idea = {IDEA:?}\ntitle = \"Weekend keep-alive for student containers\"\n\n[answers]\n{}",
            table.concat()
        ),
    )
    .expect("write answers");
    path
}

/// `ds01-pm new --answers FILE` in `dir`: it must succeed (`context` and stderr otherwise);
/// its stdout, the proposal.
fn new_with_answers(dir: &Path, answers: impl AsRef<std::ffi::OsStr>, context: &str) -> String {
    crate::common::stdout_of(ds01(dir).args(["new", "--answers"]).arg(answers), context)
}

/// The body of the `## heading` section of a proposal, without its HTML comments.
fn section_body<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("no section {heading}"))
        + heading.len()
        + 5;
    let end = text[start..]
        .find("\n## ")
        .map_or(text.len(), |e| start + e);
    &text[start..end]
}

#[test]
fn answers_file_writes_a_proposal_that_check_accepts_structurally() {
    let dir = tempfile::tempdir().expect("tmp");
    let answers = write_answers(
        dir.path(),
        &[
            (
                "alternatives",
                "Checkpoint to /workspace and resume; a time-limited exemption for the rest.",
            ),
            (
                "problem",
                "About 40 GPU-hours a week sit idle on weekends while researchers wait.",
            ),
        ],
    );
    let out = dir.path().join("proposal.md");
    ds01(dir.path())
        .args(["new", "--top", "3", "--answers"])
        .arg(&answers)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout(format!("{}\n", out.display()))
        .stderr(predicates::str::contains("next: fill in its sections"));
    let text = std::fs::read_to_string(&out).expect("proposal");
    assert!(text.contains("id = \"weekend-keep-alive-for-student-containers\""));
    assert!(text.contains("author = \"tester\""));
    // Tiers as `check` reads the whole proposal: the problem answer names researchers.
    assert!(
        text.contains("tiers = [\"student\", \"researcher\"]"),
        "{text}"
    );
    assert!(text.contains("# Weekend keep-alive for student containers"));
    assert!(section_body(&text, "Problem").contains("About 40 GPU-hours a week sit idle"));
    assert!(section_body(&text, "Alternatives considered").contains("Checkpoint to /workspace"));
    assert!(
        text.contains("- [ ] "),
        "the questions nobody answered stay open:\n{text}"
    );
    let codes = check_codes(&out);
    assert!(!codes.iter().any(|c| c == "P001"), "{codes:?}");
    // Unanswered sections keep their TODO, so check still says what is left to write.
    assert!(codes.iter().any(|c| c == "P003"), "{codes:?}");

    // The same file again: refused without --force, the first one untouched.
    ds01(dir.path())
        .args(["new", "--top", "3", "--answers"])
        .arg(&answers)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("already exists"))
        .stderr(predicates::str::contains("--force"));
    assert_eq!(std::fs::read_to_string(&out).expect("read"), text);
}

#[test]
fn answers_file_without_output_prints_the_proposal() {
    let dir = tempfile::tempdir().expect("tmp");
    let answers = write_answers(dir.path(), &[]);
    let out = ds01(dir.path())
        .args(["new", "--answers"])
        .arg(&answers)
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.starts_with("+++\n"), "{text}");
    assert!(text.contains(IDEA));
}

#[test]
fn without_a_terminal_new_refuses_and_says_what_to_do() {
    let dir = tempfile::tempdir().expect("tmp");
    ds01(dir.path())
        .arg("new")
        .write_stdin("an idea\n")
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with(
            "error: `ds01-pm new` asks questions and needs a terminal",
        ))
        .stderr(predicates::str::contains("--answers FILE"));
    assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 0);
}

#[test]
fn a_bad_answers_file_names_the_file_and_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("a.toml");
    std::fs::write(&path, "idea = \"x\"\nanswer = [\"typo\"]\n").expect("write");
    ds01(dir.path())
        .args(["new", "--answers", "a.toml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "a.toml:2:1: unknown field `answer`",
        ))
        .stderr(predicates::str::contains("did you mean `answers`?"));
}

#[cfg(unix)]
mod pty {
    use super::*;
    use rexpect::session::spawn_command;

    fn session(cwd: &Path, args: &[&str]) -> rexpect::session::PtySession {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("ds01-pm"));
        cmd.current_dir(cwd)
            .args(args)
            .env("NO_COLOR", "1")
            .env("USER", "tester")
            .env_remove("DS01_PM_RULES");
        spawn_command(cmd, Some(30_000)).expect("spawn under a pty")
    }

    #[test]
    fn the_interview_on_a_terminal_writes_a_checkable_proposal() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut p = session(dir.path(), &["new", "--top", "3"]);
        p.exp_string("Feature idea").expect("idea prompt");
        p.send_line("").expect("send");
        p.exp_string("The idea is the one answer needed")
            .expect("asked again");
        p.send_line(IDEA).expect("send");
        p.exp_string("What I understood").expect("understood");
        p.exp_string("Title [Let students keep a container running")
            .expect("title prompt with a default");
        p.send_line("Weekend keep-alive for student containers")
            .expect("send");
        p.exp_string("Question 1 of 3").expect("q1");
        p.send_line("Checkpoints in /workspace and a resumable job.")
            .expect("send");
        p.exp_string("Question 2 of 3").expect("q2");
        p.send_line("").expect("skip");
        p.exp_string("Question 3 of 3").expect("q3");
        p.send_line("About 40 GPU-hours a week idle on weekends.")
            .expect("send");
        p.exp_string("2 of 3 questions answered").expect("recap");
        // `check` ranks five top questions; the two past --top 3 are listed, not asked.
        p.exp_string("2 more questions that `ds01-pm check` will look for are listed")
            .expect("recap of the listed questions");
        p.exp_string("Save as [docs/proposals/weekend-keep-alive-for-student-containers.md]")
            .expect("save prompt");
        p.send_line("").expect("accept the default");
        p.exp_string("docs/proposals/weekend-keep-alive-for-student-containers.md")
            .expect("the path written");
        p.exp_string("next: fill in its sections").expect("note");
        p.exp_eof().expect("exits");
        let file = dir
            .path()
            .join("docs/proposals/weekend-keep-alive-for-student-containers.md");
        let text = std::fs::read_to_string(&file).expect("proposal written");
        assert!(text.contains("Checkpoints in /workspace and a resumable job."));
        assert!(text.contains("About 40 GPU-hours a week idle on weekends."));
        let codes = check_codes(&file);
        assert!(!codes.iter().any(|c| c == "P001"), "{codes:?}");
        assert!(!codes.iter().any(|c| c == "P302"), "{codes:?}\n{text}");
        assert_eq!(text.matches("\n- [").count(), 5, "{text}");
    }

    /// An answer that brings up a new concern (deleting workspaces: data loss) gets its
    /// question asked in a follow-up round, so `check` finds it answered.
    #[test]
    fn the_interview_asks_what_the_answers_bring_up() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut p = session(dir.path(), &["new", "-o", "p.md"]);
        p.exp_string("Feature idea").expect("idea prompt");
        p.send_line(IDEA).expect("send");
        p.exp_string("Title [").expect("title prompt");
        p.send_line("Weekend keep-alive for student containers")
            .expect("send");
        for (k, answer) in [
            "Checkpoints in /workspace and a resumable job.",
            "",
            "Idle workspaces older than a year are deleted to make room.",
            "",
            "",
        ]
        .iter()
        .enumerate()
        {
            p.exp_string(&format!("Question {} of 5", k + 1))
                .expect("question");
            p.send_line(answer).expect("send");
        }
        p.exp_string("Your answers bring up 1 more question")
            .expect("follow-up round");
        p.exp_string("Question 6 of 6").expect("q6");
        p.exp_string("rollback or backup plan")
            .expect("the data-loss question");
        p.send_line("A nightly snapshot of every workspace, restored with one admin command.")
            .expect("send");
        // That answer names the admin and an admin command (host work): the admin's questions
        // for a kept-alive container and the backup question follow. How many depends on the
        // rules' reading, so the count is read from the prompt and the rounds follow it.
        let (_, said) = p
            .exp_regex(r"Your answers bring up \d+ more question")
            .expect("second follow-up round");
        let more: usize = said
            .split_whitespace()
            .find_map(|w| w.parse().ok())
            .expect("a count");
        assert!(more >= 1, "{said}");
        let total = 6 + more;
        for k in 7..=total {
            p.exp_string(&format!("Question {k} of {total}"))
                .expect("question");
            p.send_line("").expect("skip");
        }
        p.exp_string(&format!("3 of {total} questions answered"))
            .expect("recap");
        // The recap says what the answers brought up and what stays open.
        p.exp_string("Your answers brought up: ")
            .expect("what was learned");
        p.exp_string("risk:data-loss")
            .expect("the concern an answer added");
        p.exp_string(&format!("Still open: {} questions", total - 3))
            .expect("what remains open");
        p.exp_string("p.md").expect("the path written");
        p.exp_eof().expect("exits");
        let file = dir.path().join("p.md");
        let text = std::fs::read_to_string(&file).expect("proposal written");
        assert!(
            text.contains("- [x] What is the rollback or backup plan"),
            "{text}"
        );
        assert!(
            text.contains("A nightly snapshot of every workspace"),
            "{text}"
        );
        let codes = check_codes(&file);
        assert!(!codes.iter().any(|c| c == "P302"), "{codes:?}\n{text}");
    }

    #[test]
    fn ctrl_d_stops_the_interview_and_writes_nothing() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut p = session(dir.path(), &["new", "-o", "p.md"]);
        p.exp_string("Feature idea").expect("idea prompt");
        p.send_line("MIG slices for the deep learning course")
            .expect("send");
        p.exp_string("Title [").expect("title prompt");
        p.send_control('d').expect("ctrl-d");
        p.exp_string("nothing was written").expect("message");
        p.exp_eof().expect("exits");
        assert!(!dir.path().join("p.md").exists());
    }
}

#[test]
fn an_unknown_answers_key_names_the_file_line_and_the_valid_keys() {
    let dir = tempfile::tempdir().expect("tmp");
    let answers = write_answers(
        dir.path(),
        &[("problem", "Idle GPUs."), ("gpu-imapct", "None: CPU only.")],
    );
    ds01(dir.path())
        .args(["new", "--answers"])
        .arg(&answers)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!(
            "error: {}:6: `[answers]` key `gpu-imapct` is no section",
            answers.display()
        )))
        .stderr(predicates::str::contains("(did you mean `gpu-impact`?)"))
        .stderr(predicates::str::contains(
            "hint: valid keys: problem, users, proposal, success-metrics, alternatives, gpu-impact, principles, rollout, user-context,",
        ))
        .stderr(predicates::str::contains("--list-questions"));
}

#[test]
fn the_old_answers_list_is_refused_with_the_new_form() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("a.toml");
    std::fs::write(
        &path,
        "# a comment naming answers\nidea = \"x y\"\nanswers = [\"a\", \"\"]\n",
    )
    .expect("write");
    ds01(dir.path())
        .args(["new", "--answers", "a.toml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "error: a.toml:3: `answers` is a list, matched to the questions in an order you cannot see",
        ))
        .stderr(predicates::str::contains("`[answers]` table"));
}

/// Every section and dimension key lands its answer under the section it names, and a
/// question id from `--list-questions` answers (ticks) that question under its section.
#[test]
fn each_answer_lands_under_the_section_its_key_names() {
    let dir = tempfile::tempdir().expect("tmp");
    let keys = [
        ("problem", "Problem"),
        ("users", "Users and current workflow"),
        ("proposal", "Proposed change"),
        ("success-metrics", "Success metrics"),
        ("alternatives", "Alternatives considered"),
        ("gpu-impact", "GPU and MIG impact"),
        ("principles", "Principles and exceptions"),
        ("rollout", "Rollout and rollback"),
        ("user-context", "Users and current workflow"),
        ("problem-definition", "Problem"),
        ("solution-space", "Alternatives considered"),
        ("technical", "Proposed change"),
        ("implementation", "Rollout and rollback"),
    ];
    let marks: Vec<(String, String)> = keys
        .iter()
        .map(|(k, _)| ((*k).to_owned(), format!("Answer-marker-{k}.")))
        .collect();
    let pairs: Vec<(&str, &str)> = marks
        .iter()
        .map(|(k, m)| (k.as_str(), m.as_str()))
        .collect();
    let answers = write_answers(dir.path(), &pairs);
    let text = new_with_answers(dir.path(), &answers, "");
    for (key, heading) in keys {
        let mark = format!("Answer-marker-{key}.");
        assert!(
            section_body(&text, heading).contains(&mark),
            "`{key}` should land under {heading}:\n{text}"
        );
        assert_eq!(text.matches(&mark).count(), 1, "{key} once:\n{text}");
    }

    // A question id, as --list-questions gives it for this file's idea.
    let list = ds01(dir.path())
        .args(["new", "--list-questions", "--format", "json", "--answers"])
        .arg(&answers)
        .output()
        .expect("run");
    assert!(list.status.success());
    let v: serde_json::Value = serde_json::from_slice(&list.stdout).expect("json");
    let question = v
        .as_array()
        .expect("array")
        .iter()
        .find(|k| k["kind"] == "question")
        .expect("a question key");
    let (id, section) = (
        question["key"].as_str().expect("key"),
        question["section"].as_str().expect("section"),
    );
    let mut pairs = pairs.clone();
    pairs.push((id, "Answer-marker-question."));
    let answers = write_answers(dir.path(), &pairs);
    let text = new_with_answers(dir.path(), &answers, "");
    let heading = keys
        .iter()
        .find(|(k, _)| *k == section)
        .map(|(_, h)| *h)
        .expect("a section id");
    assert!(
        section_body(&text, heading).contains("Answer-marker-question."),
        "{id} should land under {heading}:\n{text}"
    );
    let text_of = question["text"].as_str().expect("text");
    assert!(
        text.contains(&format!("- [x] {text_of}\n  Answered under {heading}.")),
        "{text}"
    );
}

#[test]
fn list_questions_prints_keys_sections_and_texts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = ds01(root)
        .args(["new", "--list-questions"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    for want in [
        "Key",
        "Lands under",
        "gpu-impact",
        "GPU and MIG impact",
        "user-context",
        "question",
        "Who asked for this",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    let out = ds01(root)
        .args(["new", "--list-questions", "--format", "json", "--answers"])
        .arg("fixtures/new/answers.toml")
        .output()
        .expect("run");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let keys = v.as_array().expect("array");
    assert!(
        keys.iter()
            .any(|k| k["key"] == "how-notification-delivered-person-time-act"
                && k["kind"] == "question"
                && k["section"] == "proposal")
    );
    // --format belongs to --list-questions.
    ds01(root)
        .args([
            "new",
            "--format",
            "json",
            "--answers",
            "fixtures/new/answers.toml",
        ])
        .assert()
        .code(2);
}

#[test]
fn derived_titles_end_at_a_sentence_or_a_whole_word() {
    let dir = tempfile::tempdir().expect("tmp");
    for (idea, title) in [
        (
            "Let students open ds01.example.org dashboards (v1.2) from containers. More later.",
            "Let students open ds01.example.org dashboards (v1.2) from containers",
        ),
        (
            "Let researchers reserve a full A100 for a multi-day training run with checkpoints every hour",
            "Let researchers reserve a full A100 for a multi-day training run with…",
        ),
        (
            "Mirror wheels for torch v1.2. Then more.",
            "Mirror wheels for torch v1.2",
        ),
        (
            "Add a queue (see https://example.org/a.b). More.",
            "Add a queue (see https://example.org/a.b)",
        ),
    ] {
        let path = dir.path().join("t.toml");
        std::fs::write(&path, format!("idea = {idea:?}\n")).expect("write");
        let text = new_with_answers(dir.path(), "t.toml", "");
        assert!(text.contains(&format!("\n# {title}\n")), "{title}:\n{text}");
    }
}

#[test]
fn the_sample_answers_file_in_fixtures_works_as_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = crate::common::stdout_of(
        ds01(root).args(["new", "--answers", "fixtures/new/answers.toml"]),
        "new --answers fixtures/new/answers.toml",
    );
    assert!(
        text.contains("# GPU queue with email notifications"),
        "{text}"
    );
    assert!(
        section_body(&text, "Users and current workflow")
            .contains("retry `container deploy` by hand"),
        "{text}"
    );
    assert!(
        section_body(&text, "GPU and MIG impact").contains("A queue position"),
        "{text}"
    );
}

/// `new` and `check` read the same text: the questions `check` ranks first for the proposal
/// `new` wrote are the ones `new` asked (or listed, past `--top`), so `check` never reports
/// P302, a top question never addressed, for a question `new` did not ask; nor P104 for a tier
/// `new` did not put in the front matter.
#[test]
fn check_finds_no_top_question_that_new_did_not_ask() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("tmp");
    // (idea, title, answers): a title that adds concerns the idea lacks, and answers that bring
    // up new ones (a scheduler, deleting workspaces, a MIG reconfiguration).
    /// `[answers]` as (key, answer).
    type Keyed<'a> = &'a [(&'a str, &'a str)];
    let cases: &[(&str, Option<&str>, Keyed<'_>)] = &[
        (
            "Let students queue for a GPU and get an email when a MIG slice is free",
            Some("GPU queue with email notifications"),
            &[],
        ),
        (
            IDEA,
            Some("Weekend keep-alive for student containers"),
            &[
                (
                    "alternatives",
                    "We could adopt SLURM for the long jobs instead, with a database of reservations.",
                ),
                (
                    "rollout",
                    "Idle workspaces older than a year are deleted to make room.",
                ),
                (
                    "gpu-impact",
                    "The MIG layout is changed to 3g.40gb overnight, restarting the containers.",
                ),
            ],
        ),
        (
            "Show researchers their GPU quota in the container-list output",
            None,
            &[(
                "user-context",
                "Researchers with a full A100 ask the admin by email every week.",
            )],
        ),
    ];
    let mut files: Vec<std::path::PathBuf> = vec![root.join("fixtures/new/answers.toml")];
    for (k, (idea, title, answers)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("answers-{k}.toml"));
        let table: Vec<String> = answers
            .iter()
            .map(|(k, a)| format!("{k} = {a:?}\n"))
            .collect();
        let title = title.map_or_else(String::new, |t| format!("title = {t:?}\n"));
        std::fs::write(
            &path,
            format!("idea = {idea:?}\n{title}[answers]\n{}", table.concat()),
        )
        .expect("write");
        files.push(path);
    }
    for (k, answers) in files.iter().enumerate() {
        for top in ["5", "3"] {
            let out = dir.path().join(format!("p-{k}-{top}.md"));
            let run = ds01(dir.path())
                .args(["new", "--top", top, "--answers"])
                .arg(answers)
                .arg("-o")
                .arg(&out)
                .output()
                .expect("run new");
            assert!(
                run.status.success(),
                "{}",
                String::from_utf8_lossy(&run.stderr)
            );
            let text = std::fs::read_to_string(&out).expect("proposal");
            let codes = check_codes(&out);
            assert!(
                !codes.iter().any(|c| c == "P302" || c == "P104"),
                "{} --top {top}: {codes:?}\n{text}",
                answers.display()
            );
        }
    }
}

/// Every question id `new --list-questions` prints without `--answers` (the framework
/// questions asked of every proposal) is accepted in an answers file for any idea, and its
/// answer lands under the section the listing names.
#[test]
fn every_listed_framework_question_id_is_accepted_for_any_idea() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = ds01(root)
        .args(["new", "--list-questions", "--format", "json"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let questions: Vec<(String, String)> = v
        .as_array()
        .expect("array")
        .iter()
        .filter(|k| k["kind"] == "question")
        .map(|k| {
            (
                k["key"].as_str().expect("key").to_owned(),
                k["section"].as_str().expect("section").to_owned(),
            )
        })
        .collect();
    assert!(
        questions
            .iter()
            .any(|(k, _)| k == "what-evidence-we-have-real-problem")
    );
    let dir = tempfile::tempdir().expect("tmp");
    for idea in ["Improve the docs", IDEA] {
        let path = dir.path().join("a.toml");
        let table: Vec<String> = questions
            .iter()
            .map(|(k, _)| format!("{k} = \"Answer to {k}.\"\n"))
            .collect();
        std::fs::write(
            &path,
            format!("idea = {idea:?}\n\n[answers]\n{}", table.concat()),
        )
        .expect("write");
        let text = new_with_answers(dir.path(), "a.toml", idea);
        assert!(
            text.contains("Answer to what-evidence-we-have-real-problem."),
            "{text}"
        );
        // And what --list-questions --answers lists for the idea includes them all.
        let listed = ds01(dir.path())
            .args([
                "new",
                "--list-questions",
                "--format",
                "json",
                "--answers",
                "a.toml",
            ])
            .output()
            .expect("run");
        assert!(listed.status.success());
        let v: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("json");
        for (k, _) in &questions {
            assert!(
                v.as_array()
                    .expect("array")
                    .iter()
                    .any(|x| x["key"] == k.as_str()),
                "{idea}: {k} not listed"
            );
        }
    }
}

/// The answers file printed in `new --help` works as printed.
#[test]
fn the_answers_file_in_new_help_works_as_printed() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = ds01(dir.path())
        .args(["new", "--help"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).expect("utf-8");
    let start = help
        .find("An answers file (TOML):\n")
        .expect("the help shows an answers file")
        + "An answers file (TOML):\n".len();
    let example: String = help[start..]
        .lines()
        .take_while(|l| l.starts_with("  "))
        .map(|l| format!("{}\n", l.trim_start()))
        .collect();
    assert!(example.contains("idea = "), "{example}");
    assert!(example.contains("[answers]"), "{example}");
    std::fs::write(dir.path().join("answers.toml"), &example).expect("write");
    let text = new_with_answers(dir.path(), "answers.toml", &example);
    assert!(
        text.contains("\n# GPU queue with notifications\n"),
        "{text}"
    );
}

/// The id (and so the file name) of a proposal keeps what it can of a title in other Latin
/// scripts: letters with diacritics transliterated, digits kept; nothing left gives a sane id.
#[test]
fn ids_transliterate_latin_letters_with_diacritics() {
    let dir = tempfile::tempdir().expect("tmp");
    for (idea, id) in [
        (
            "Ünïcödé ideas für GPU-Nutzung in 2027",
            "unicode-ideas-fur-gpu-nutzung-in",
        ),
        ("Große Åsen Øl Æble", "grosse-asen-ol-aeble"),
        ("日本語のアイデア", "new-proposal"),
    ] {
        let path = dir.path().join("t.toml");
        std::fs::write(&path, format!("idea = {idea:?}\n")).expect("write");
        let text = new_with_answers(dir.path(), "t.toml", "");
        assert!(
            text.contains(&format!("\nid = \"{id}\"\n")),
            "{id}:\n{text}"
        );
    }
}
