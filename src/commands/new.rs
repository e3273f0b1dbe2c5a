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
    let (draft, interactive) = match &args.answers {
        Some(path) => {
            let answers = crate::interview::load_answers(path)?;
            let start = crate::interview::start(&analyze(&answers.idea), &answers);
            // The answers in the order the questions are asked; `None` once they run out.
            let mut given = answers.answers.iter();
            let draft = conduct(start, &mut |round: &Round<'_>| {
                Ok(round
                    .questions
                    .iter()
                    .map(|_| given.next().cloned())
                    .collect())
            })?;
            let asked = draft.asked.iter().filter(|a| a.asked).count();
            if answers.answers.len() > asked {
                return Err(Error::invalid(
                    format!(
                        "{}: `answers` has {} entries, but this idea has {asked} top question(s) to answer",
                        path.display(),
                        answers.answers.len(),
                    ),
                    Some(
                        "one answer per question, in the order of the Open questions list `ds01-pm new --answers FILE` writes (at most 5, fewer with --top, and the follow-ups the answers bring up); put other text in the proposal itself",
                    ),
                ));
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
