//! The terminal side of `ds01-pm new`: prompts on one stream, answers from another. Generic
//! over the streams so the dialogue is unit-tested without a terminal; the command passes the
//! locked stdin and stderr (stdout stays free for the proposal when it is redirected).
use std::io::{BufRead, Write};

use super::human::wrap_hanging;
use crate::analyze::Analysis;
use crate::error::Error;
use crate::interview::{self, Answers, Draft, Round};

const WIDTH: usize = 96;

/// Ctrl-D (end of input) at any prompt: stop, write nothing.
fn cancelled() -> Error {
    Error::invalid(
        "the interview was stopped (end of input); nothing was written",
        Some("run `ds01-pm new` again, or write the blank template with `ds01-pm new --template`"),
    )
}

fn out_err(e: std::io::Error) -> Error {
    Error::Output(e)
}

/// Read one line; `None` at end of input.
fn read_line(input: &mut dyn BufRead) -> Result<Option<String>, Error> {
    let mut line = String::new();
    let n = input.read_line(&mut line).map_err(|e| {
        Error::invalid(
            format!(
                "<stdin>: cannot read the answer: {}",
                crate::error::io_message(&e)
            ),
            Some("answers must be UTF-8 text"),
        )
    })?;
    Ok((n > 0).then(|| line.trim().to_owned()))
}

fn ask(input: &mut dyn BufRead, out: &mut dyn Write, prompt: &str) -> Result<String, Error> {
    write!(out, "{prompt}").map_err(out_err)?;
    out.flush().map_err(out_err)?;
    read_line(input)?.ok_or_else(cancelled)
}

/// The start of the interview: the idea (asked until given), what ds01-pm understood of it,
/// and a title. The questions follow, a round at a time, through [`ask_round`].
pub(crate) fn idea_and_title(
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    analyze: &dyn Fn(&str) -> Analysis,
) -> Result<(Answers, Analysis), Error> {
    writeln!(
        out,
        "ds01-pm new: a few questions, then a proposal in the `ds01-pm check` template.\nPress Enter to skip a question; Ctrl-D stops without writing anything.\n"
    )
    .map_err(out_err)?;
    let idea = loop {
        let idea = ask(input, out, "Feature idea (a sentence or two): ")?;
        if !idea.is_empty() {
            break idea;
        }
        writeln!(
            out,
            "  The idea is the one answer needed, e.g. \"let students queue for a GPU\"."
        )
        .map_err(out_err)?;
    };
    let analysis = analyze(&idea);
    write!(
        out,
        "\nWhat I understood\n{}",
        wrap_hanging(&analysis.summary, WIDTH, "  ", "  ")
    )
    .map_err(out_err)?;
    let default_title = interview::title_from(&idea);
    let title = ask(input, out, &format!("\nTitle [{default_title}]: "))?;
    Ok((
        Answers {
            idea,
            title: (!title.is_empty()).then_some(title),
            author: None,
            keyed: Vec::new(),
        },
        analysis,
    ))
}

/// Ask one round of questions, one at a time (Enter skips one). A follow-up round first says
/// why there are more questions.
pub(crate) fn ask_round(
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    round: &Round<'_>,
) -> interview::RoundAnswers {
    let total = round.asked_before + round.questions.len();
    if round.number > 0 {
        let n = round.questions.len();
        writeln!(
            out,
            "\n{}",
            wrap_hanging(
                &format!(
                    "Your answers bring up {n} more question{} that `ds01-pm check` will look for.",
                    if n == 1 { "" } else { "s" }
                ),
                WIDTH,
                "",
                "  "
            )
        )
        .map_err(out_err)?;
    }
    let mut answers = Vec::with_capacity(round.questions.len());
    for (i, q) in round.questions.iter().enumerate() {
        let section = interview::section_for(q);
        writeln!(
            out,
            "\nQuestion {} of {total} ({}, goes under \"{}\")\n{}",
            round.asked_before + i + 1,
            q.dimension,
            section.heading(),
            wrap_hanging(&q.text, WIDTH, "  ", "  ")
        )
        .map_err(out_err)?;
        answers.push(Some(ask(input, out, "> ")?));
    }
    Ok(answers)
}

/// What the draft holds, shown before it is written.
pub(crate) fn recap(out: &mut dyn Write, draft: &Draft) -> Result<(), Error> {
    let answered = draft.asked.iter().filter(|a| a.answer.is_some()).count();
    let asked = draft.asked.iter().filter(|a| a.asked).count();
    writeln!(
        out,
        "\nDraft: \"{}\" (id {}), {answered} of {asked} questions answered.",
        draft.title, draft.id,
    )
    .map_err(out_err)?;
    if !draft.learned.is_empty() {
        writeln!(
            out,
            "{}",
            wrap_hanging(
                &format!("Your answers brought up: {}.", draft.learned.join(", ")),
                WIDTH,
                "",
                "  "
            )
        )
        .map_err(out_err)?;
    }
    let open = draft.asked.iter().filter(|a| a.answer.is_none()).count();
    if open > 0 {
        writeln!(
            out,
            "Still open: {open} question{} under Open questions.",
            if open == 1 { "" } else { "s" }
        )
        .map_err(out_err)?;
    }
    let listed = draft.asked.len() - asked;
    if listed > 0 {
        writeln!(
            out,
            "{}",
            wrap_hanging(
                &format!(
                    "{listed} more question{} that `ds01-pm check` will look for {} listed, unanswered, under Open questions.",
                    if listed == 1 { "" } else { "s" },
                    if listed == 1 { "is" } else { "are" }
                ),
                WIDTH,
                "",
                "  "
            )
        )
        .map_err(out_err)?;
    }
    let todo: Vec<&str> = draft
        .unanswered_sections()
        .iter()
        .map(|s| s.heading())
        .collect();
    if !todo.is_empty() {
        writeln!(
            out,
            "{}",
            wrap_hanging(
                &format!("Still to write (marked TODO): {}.", todo.join(", ")),
                WIDTH,
                "",
                "  "
            )
        )
        .map_err(out_err)?;
    }
    Ok(())
}

/// Ask where to save, with a default; returns the path typed or the default.
pub(crate) fn save_path(
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    default: &str,
) -> Result<String, Error> {
    let typed = ask(input, out, &format!("Save as [{default}]: "))?;
    Ok(if typed.is_empty() {
        default.to_owned()
    } else {
        typed
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyze(text: &str) -> Analysis {
        crate::analyze::analyze(crate::rules::defaults().expect("rules"), text)
    }

    #[test]
    fn the_dialogue_asks_again_for_an_empty_idea_then_asks_a_round() {
        let mut input: &[u8] = b"\nLet students keep a container running over the weekend\n\nfirst answer\n\nthird answer\n";
        let mut out = Vec::new();
        let (answers, analysis) =
            idea_and_title(&mut input, &mut out, &analyze).expect("idea and title");
        assert_eq!(
            answers.idea,
            "Let students keep a container running over the weekend"
        );
        assert_eq!(answers.title, None);
        let questions: Vec<_> = analysis.questions.top.iter().take(3).cloned().collect();
        let given = ask_round(
            &mut input,
            &mut out,
            &Round {
                questions: &questions,
                number: 0,
                asked_before: 0,
            },
        )
        .expect("round");
        assert_eq!(
            given,
            [
                Some("first answer".into()),
                Some(String::new()),
                Some("third answer".into())
            ]
        );
        // A follow-up round says why, and numbers on.
        let mut input: &[u8] = b"fourth\n";
        ask_round(
            &mut input,
            &mut out,
            &Round {
                questions: &questions[..1],
                number: 1,
                asked_before: 3,
            },
        )
        .expect("follow-up");
        let shown = String::from_utf8(out).expect("utf-8");
        assert!(
            shown.contains("The idea is the one answer needed"),
            "{shown}"
        );
        assert!(shown.contains("What I understood"), "{shown}");
        assert!(shown.contains("Question 3 of 3"), "{shown}");
        assert!(
            shown.contains("Your answers bring up 1 more question"),
            "{shown}"
        );
        assert!(shown.contains("Question 4 of 4"), "{shown}");
    }

    #[test]
    fn end_of_input_stops_the_interview() {
        let mut input: &[u8] = b"MIG slices for the course\n";
        let mut out = Vec::new();
        let err = idea_and_title(&mut input, &mut out, &analyze).expect_err("EOF at the title");
        assert!(err.to_string().contains("nothing was written"), "{err}");
    }
}
