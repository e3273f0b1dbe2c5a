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

fn write_answers(dir: &Path, answers: &[&str]) -> std::path::PathBuf {
    let path = dir.join("answers.toml");
    let list: Vec<String> = answers.iter().map(|a| format!("{a:?}")).collect();
    std::fs::write(
        &path,
        format!(
            "idea = {IDEA:?}\ntitle = \"Weekend keep-alive for student containers\"\nanswers = [{}]\n",
            list.join(", ")
        ),
    )
    .expect("write answers");
    path
}

#[test]
fn answers_file_writes_a_proposal_that_check_accepts_structurally() {
    let dir = tempfile::tempdir().expect("tmp");
    let answers = write_answers(
        dir.path(),
        &[
            "Checkpoint to /workspace and resume; a time-limited exemption for the rest.",
            "",
            "About 40 GPU-hours a week sit idle on weekends while researchers wait.",
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
    // Tiers as `check` reads the whole proposal: the last answer names researchers.
    assert!(
        text.contains("tiers = [\"student\", \"researcher\", \"admin\"]"),
        "{text}"
    );
    assert!(text.contains("# Weekend keep-alive for student containers"));
    assert!(text.contains("About 40 GPU-hours a week sit idle"));
    assert!(
        text.contains("- [ ] "),
        "the skipped question stays open:\n{text}"
    );
    assert_eq!(text.matches("- [x] ").count(), 2, "{text}");
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
        // That answer names the admin: the admin's questions for a kept-alive container follow.
        p.exp_string("Your answers bring up 3 more questions")
            .expect("second follow-up round");
        for k in 7..=9 {
            p.exp_string(&format!("Question {k} of 9"))
                .expect("question");
            p.send_line("").expect("skip");
        }
        p.exp_string("3 of 9 questions answered").expect("recap");
        // The recap says what the answers brought up and what stays open.
        p.exp_string("Your answers brought up: ")
            .expect("what was learned");
        p.exp_string("risk:data-loss")
            .expect("the concern an answer added");
        p.exp_string("Still open: 6 questions")
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
fn more_answers_than_questions_is_an_error_not_a_silent_drop() {
    let dir = tempfile::tempdir().expect("tmp");
    let answers = write_answers(dir.path(), &["a", "b", "c", "d"]);
    ds01(dir.path())
        .args(["new", "--top", "3", "--answers"])
        .arg(&answers)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "`answers` has 4 entries, but this idea has 3 top question(s) to answer",
        ));
}

#[test]
fn the_sample_answers_file_in_fixtures_works_as_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = ds01(root)
        .args(["new", "--answers", "fixtures/new/answers.toml"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        text.contains("# GPU queue with email notifications"),
        "{text}"
    );
    assert!(text.contains("retry `container deploy` by hand"), "{text}");
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
    let cases: &[(&str, Option<&str>, &[&str])] = &[
        (
            "Let students queue for a GPU and get an email when a MIG slice is free",
            Some("GPU queue with email notifications"),
            &[],
        ),
        (
            IDEA,
            Some("Weekend keep-alive for student containers"),
            &[
                "We could adopt SLURM for the long jobs instead, with a database of reservations.",
                "",
                "Idle workspaces older than a year are deleted to make room.",
                "The MIG layout is changed to 3g.40gb overnight, restarting the containers.",
            ],
        ),
        (
            "Show researchers their GPU quota in the container-list output",
            None,
            &["Researchers with a full A100 ask the admin by email every week."],
        ),
    ];
    let mut files: Vec<std::path::PathBuf> = vec![root.join("fixtures/new/answers.toml")];
    for (k, (idea, title, answers)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("answers-{k}.toml"));
        let list: Vec<String> = answers.iter().map(|a| format!("{a:?}")).collect();
        let title = title.map_or_else(String::new, |t| format!("title = {t:?}\n"));
        std::fs::write(
            &path,
            format!("idea = {idea:?}\n{title}answers = [{}]\n", list.join(", ")),
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
            if !run.status.success() {
                // More answers than questions with --top 3 is refused, as documented.
                assert!(top == "3", "{}", String::from_utf8_lossy(&run.stderr));
                continue;
            }
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
