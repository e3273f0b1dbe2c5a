//! The proposal `ds01-pm new` writes: the `check` template with the interview's answers in
//! place of the TODO lines they answer. Sections nobody answered keep their TODO, so `check`
//! still says what is left to write; what ds01-pm read from the proposal (as `check` reads it)
//! goes into HTML comments, which `check` never counts as content.
use std::fmt::Write;

use crate::check::template::TEMPLATE;
use crate::interview::{Draft, Section};

/// The TODO line of each section in [`TEMPLATE`].
const TODO_LINES: &[(Section, &str)] = &[
    (Section::Problem, "TODO: describe the problem."),
    (
        Section::Users,
        "TODO: describe who is affected and how they work today.",
    ),
    (Section::Change, "TODO: describe the change."),
    (Section::Metrics, "TODO: say how we will know it worked."),
    (Section::Alternatives, "TODO: compare the alternatives."),
    (Section::Gpu, "TODO: answer this section."),
    (
        Section::Rollout,
        "TODO: describe the rollout and the rollback.",
    ),
];
const PRINCIPLES_TODO: &str = "TODO: name the principles this supports or strains.";
const OPEN_QUESTIONS_TODO: &str = "TODO: list the open questions.";

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// Replace the one line of `text` equal to `line` (trimmed) with `with`.
fn replace_line(text: &str, line: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len());
    let mut done = false;
    for l in text.split_inclusive('\n') {
        if !done && l.trim_end() == line {
            out.push_str(with);
            out.push('\n');
            done = true;
        } else {
            out.push_str(l);
        }
    }
    debug_assert!(done, "template line not found: {line}");
    out
}

/// Replace the first line of `text` starting with `prefix` with `with`.
fn replace_prefixed(text: &str, prefix: &str, with: &str) -> String {
    let line = text
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or(prefix)
        .to_owned();
    replace_line(text, &line, with)
}

/// The proposal for `draft`.
pub(crate) fn render(draft: &Draft) -> String {
    let mut text = TEMPLATE.to_owned();
    text = replace_prefixed(&text, "id = ", &format!("id = {}", toml_string(&draft.id)));
    text = replace_prefixed(
        &text,
        "title = ",
        &format!("title = {}", toml_string(&draft.title)),
    );
    if let Some(author) = &draft.author {
        text = replace_prefixed(
            &text,
            "author = ",
            &format!("author = {}", toml_string(author)),
        );
    }
    let tiers: Vec<String> = draft.tiers.iter().map(|t| toml_string(t)).collect();
    text = replace_prefixed(
        &text,
        "tiers = ",
        &format!(
            "tiers = [{}]  # as ds01-pm reads the text; any of \"student\", \"researcher\", \"admin\"",
            tiers.join(", ")
        ),
    );
    let mut heading = format!("# {}\n\n{}\n", draft.title, draft.idea);
    let _ = write!(
        heading,
        "\n<!-- What ds01-pm understood (check it): {} -->",
        draft.summary.replace("--", "-")
    );
    text = replace_line(&text, "# TODO: Proposal title", &heading);

    for (section, todo) in TODO_LINES {
        let answers: Vec<&str> = draft.answers_for(*section).collect();
        let mut body = String::new();
        if *section == Section::Change {
            // The idea is the author's own statement of the change.
            body.push_str(&draft.idea);
            if !draft.layers.is_empty() {
                let layers: Vec<String> = draft
                    .layers
                    .iter()
                    .map(|(id, name)| format!("{id} ({name})"))
                    .collect();
                let _ = write!(
                    body,
                    "\n\n<!-- ds01-pm reads the layers touched as: {} -->",
                    layers.join(", ")
                );
            }
        }
        for a in &answers {
            if !body.is_empty() {
                body.push_str("\n\n");
            }
            body.push_str(a);
        }
        if *section == Section::Gpu && answers.is_empty() {
            body = format!(
                "<!-- ds01-pm reads the GPU impact as: {} -->\n\nTODO: confirm the GPU impact and say what a user sees when no GPU or MIG slice is free.",
                draft.gpu
            );
        }
        if !body.is_empty() {
            text = replace_line(&text, todo, &body);
        }
    }

    let principles: Vec<&str> = draft.answers_for(Section::Principles).collect();
    if !draft.strains.is_empty() || !draft.supports.is_empty() || !principles.is_empty() {
        let list = |ids: &[String]| {
            if ids.is_empty() {
                "none".to_owned()
            } else {
                ids.join(", ")
            }
        };
        let body = if principles.is_empty() {
            PRINCIPLES_TODO.to_owned()
        } else {
            principles.join("\n\n")
        };
        text = replace_line(
            &text,
            PRINCIPLES_TODO,
            &format!(
                "<!-- ds01-pm reads: strains {}; supports {}. Justify each strained one. -->\n\n{body}",
                list(&draft.strains),
                list(&draft.supports)
            ),
        );
    }

    let mut open = String::new();
    for a in &draft.asked {
        match &a.answer {
            Some(_) => {
                let _ = writeln!(
                    open,
                    "- [x] {}\n  Answered under {}.",
                    a.question.text,
                    a.section.heading()
                );
            }
            None => {
                let _ = writeln!(open, "- [ ] {}", a.question.text);
            }
        }
    }
    if !open.is_empty() {
        text = replace_line(&text, OPEN_QUESTIONS_TODO, open.trim_end());
    }
    text
}

/// `new --list-questions`: the keys an answers file may use and the section each lands in.
/// `for_idea`: the questions are those of an answers file's idea (else the framework's).
pub(crate) fn answer_keys(
    keys: &[crate::interview::AnswerKey],
    for_idea: bool,
    format: crate::cli::ListFormat,
) -> String {
    use super::escape::term;
    if format == crate::cli::ListFormat::Json {
        return super::json(&keys);
    }
    let mut t = super::human::table_with_width(&["Key", "Lands under", "What it is"], 120);
    for k in keys {
        let what = match (&k.dimension, k.kind) {
            (Some(d), "question") => format!("[{}] {}", term(d), term(&k.text)),
            (_, kind) => format!("[{kind}] {}", term(&k.text)),
        };
        t.add_row(vec![
            term(&k.key).into_owned(),
            k.section.id().to_owned(),
            what,
        ]);
    }
    // Keys are copied into a file: never wrapped.
    for i in 0..2 {
        if let Some(c) = t.column_mut(i) {
            c.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
        }
    }
    let note = if for_idea {
        "Question ids: the questions `new` asks or lists for this idea and these answers, then the framework questions asked of every proposal."
    } else {
        "Question ids: the questions asked of every proposal, accepted for any idea; `--answers FILE` (with its idea) also lists that idea's own."
    };
    super::escape::finish_text(
        format!(
            "{t}\n{note}\nWrite `[answers]` then `key = \"answer\"` lines in the answers file.\n"
        ),
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_replaced_line_is_in_the_template() {
        for (_, line) in TODO_LINES {
            assert!(TEMPLATE.lines().any(|l| l == *line), "{line}");
        }
        for line in [
            OPEN_QUESTIONS_TODO,
            PRINCIPLES_TODO,
            "# TODO: Proposal title",
        ] {
            assert!(TEMPLATE.lines().any(|l| l == line), "{line}");
        }
        for prefix in ["id = ", "title = ", "author = ", "tiers = "] {
            assert!(TEMPLATE.lines().any(|l| l.starts_with(prefix)), "{prefix}");
        }
    }
}
