//! `ds01-pm new`: the blank template, an interview on a terminal, or answers from a file; the
//! interview itself is `interview` (pure), its prompts `report::prompt`.
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::Ctx;
use crate::check::{config, template::TEMPLATE};
use crate::cli::NewArgs;
use crate::error::{Error, ExitStatus};
use crate::interview::Round;
use crate::report;

/// `ds01-pm new`: the blank template, an interview on a terminal, or answers from a file.
pub fn new(args: &NewArgs, ctx: &Ctx) -> Result<ExitStatus, Error> {
    if args.template {
        write_proposal(args.output.as_deref(), TEMPLATE, args.force)?;
        return Ok(ExitStatus::Ok);
    }
    let set = ctx.rule_set()?;
    // The settings `check` will use here (`top_questions`, section synonyms), and `check`'s
    // reading of the draft: the questions come from what `check` will analyse.
    let settings = config::load(None)?;
    let analyze = |text: &str| crate::analyze::analyze(&set, text);
    let view = |d: &crate::interview::Draft| {
        crate::check::checks::analysis(&set, &settings, &report::proposal::render(d))
    };
    let conduct = |start, answer: &mut dyn FnMut(&Round<'_>) -> _| {
        crate::interview::conduct(start, args.top, settings.top_questions, &view, answer)
    };
    if args.list_questions {
        return list_questions(args, &set, &analyze, &conduct);
    }
    let (draft, interactive) = match &args.answers {
        Some(path) => {
            let (answers, mut draft) = interview_from_file(path, &analyze, &conduct)?;
            let framework = framework_questions(&set);
            crate::interview::add_framework_answers(&mut draft, &answers, &framework);
            refuse_unknown_keys(path, &answers, &draft, &framework)?;
            // A question past --top is listed, not asked; its answer, keyed by its id, still
            // lands under its section.
            for a in draft.asked.iter_mut().filter(|a| a.answer.is_none()) {
                a.answer = crate::interview::answer_to(&answers, &a.question)
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty());
            }
            (draft, false)
        }
        None if !std::io::stdin().is_terminal() => {
            return Err(Error::invalid(
                "`ds01-pm new` asks questions and needs a terminal; standard input is not one",
                Some(
                    "give the idea and answers in a file with `--answers FILE` (see `ds01-pm new --help`), or write the blank template with `--template`",
                ),
            ));
        }
        None => {
            let stdin = std::io::stdin();
            let mut input = stdin.lock();
            let mut prompts = std::io::stderr().lock();
            let (answers, analysis) =
                report::prompt::idea_and_title(&mut input, &mut prompts, &analyze)?;
            let start = crate::interview::start(&analysis, &answers);
            let draft = conduct(start, &mut |round: &Round<'_>| {
                report::prompt::ask_round(&mut input, &mut prompts, round)
            })?;
            report::prompt::recap(&mut prompts, &draft)?;
            (draft, true)
        }
    };
    let text = report::proposal::render(&draft);
    let output = match &args.output {
        Some(p) => Some(p.clone()),
        // On a terminal with nowhere given, offer the usual place; a redirected stdout
        // (`ds01-pm new > p.md`) gets the proposal, the prompts having gone to stderr.
        None if interactive && std::io::stdout().is_terminal() => {
            let default = format!("docs/proposals/{}.md", draft.id);
            let stdin = std::io::stdin();
            let typed = report::prompt::save_path(
                &mut stdin.lock(),
                &mut std::io::stderr().lock(),
                &default,
            )?;
            let path = PathBuf::from(typed);
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                crate::fsio::ensure_dir(dir, "choose another path, or pass -o FILE")?;
            }
            Some(path)
        }
        None => None,
    };
    write_proposal(output.as_deref(), &text, args.force)?;
    Ok(ExitStatus::Ok)
}

/// The interview as `new` runs it: a start draft and the answers' source in, the draft out.
type Conduct<'a> = dyn Fn(
        crate::interview::Draft,
        &mut dyn FnMut(&Round<'_>) -> crate::interview::RoundAnswers,
    ) -> Result<crate::interview::Draft, Error>
    + 'a;

/// The interview run from an answers file: its idea analysed, each round answered from the
/// file's keys. Returns the answers too, for what the rounds did not ask.
fn interview_from_file(
    path: &Path,
    analyze: &dyn Fn(&str) -> crate::analyze::Analysis,
    conduct: &Conduct<'_>,
) -> Result<(crate::interview::Answers, crate::interview::Draft), Error> {
    let answers = crate::interview::load_answers(path)?;
    let start = crate::interview::start(&analyze(&answers.idea), &answers);
    let draft = conduct(start, &mut |round: &Round<'_>| {
        Ok(round
            .questions
            .iter()
            .map(|q| crate::interview::answer_to(&answers, q).map(str::to_owned))
            .collect())
    })?;
    Ok((answers, draft))
}

/// `new --list-questions`: the keys an answers file may use. With `--answers FILE`, the
/// questions the interview asks and lists for its idea and answers, then the framework
/// questions; without, the framework questions asked of every proposal (accepted for any idea).
fn list_questions(
    args: &NewArgs,
    set: &crate::rules::RuleSet,
    analyze: &dyn Fn(&str) -> crate::analyze::Analysis,
    conduct: &Conduct<'_>,
) -> Result<ExitStatus, Error> {
    let keys = match &args.answers {
        Some(path) => {
            let (_, draft) = interview_from_file(path, analyze, conduct)?;
            // This idea's questions, then the framework questions it did not ask: an answer to
            // one of those is accepted too and lands under that question's section.
            let framework = framework_questions(set);
            crate::interview::answer_keys(draft.asked.iter().map(|a| &a.question).chain(&framework))
        }
        None => crate::interview::answer_keys(&framework_questions(set)),
    };
    report::emit(&report::proposal::answer_keys(
        &keys,
        args.answers.is_some(),
        args.format.unwrap_or(crate::cli::ListFormat::Human),
    ))?;
    Ok(ExitStatus::Ok)
}

/// The framework questions asked of every proposal, as interview questions.
fn framework_questions(set: &crate::rules::RuleSet) -> Vec<crate::analyze::questions::Item> {
    set.generic_questions
        .iter()
        .map(|g| crate::analyze::questions::Item {
            text: g.question.text.to_string(),
            dimension: g.question.dimension.to_string(),
            priority: g.question.priority,
            importance: 0.0,
            sources: vec![format!("framework:{}", g.id)],
            template: None,
            cited: Vec::new(),
        })
        .collect()
}

/// An `[answers]` key that names no section, dimension or question of this interview is an
/// error: its answer would be lost. Each is named with its file and line, a "did you mean"
/// when one is close, and the hint lists the valid keys.
fn refuse_unknown_keys(
    path: &Path,
    answers: &crate::interview::Answers,
    draft: &crate::interview::Draft,
    framework: &[crate::analyze::questions::Item],
) -> Result<(), Error> {
    let unknown = crate::interview::unknown_question_keys(answers, draft);
    if unknown.is_empty() {
        return Ok(());
    }
    let keys =
        crate::interview::answer_keys(draft.asked.iter().map(|a| &a.question).chain(framework));
    let problems: Vec<String> = unknown
        .iter()
        .map(|k| {
            let near = crate::text::did_you_mean(k.key.trim(), keys.iter().map(|v| v.key.as_str()))
                .map(|m| format!(" (did you mean `{m}`?)"))
                .unwrap_or_default();
            format!(
                "{}:{}: `[answers]` key `{}` is no section, no question dimension, no question this idea is asked and no framework question{near}",
                path.display(),
                k.line,
                k.key
            )
        })
        .collect();
    let listing: Vec<&str> = keys.iter().map(|k| k.key.as_str()).collect();
    let hint = format!(
        "valid keys: {}; `ds01-pm new --list-questions --answers {}` shows the section each lands in",
        listing.join(", "),
        path.display()
    );
    Err(if problems.len() == 1 {
        Error::invalid(problems.into_iter().next().unwrap_or_default(), Some(&hint))
    } else {
        Error::Many {
            problems,
            hint: Some(hint),
        }
    })
}

/// Write a proposal to FILE (atomically, never overwriting without --force; its path goes to
/// stdout) or to stdout.
fn write_proposal(output: Option<&Path>, text: &str, force: bool) -> Result<(), Error> {
    match output {
        None => report::emit(text),
        Some(path) => {
            crate::fsio::write_new(path, text, force)?;
            report::check::wrote(path)
        }
    }
}
