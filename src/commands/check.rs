//! `ds01-pm check` and `ds01-pm new`: resolve paths and settings, read files, run the pure
//! checks, hand the outcome to `report::check`.
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::{CHECKS, Outcome, SCHEMA_VERSION, Severity, config, template::TEMPLATE};
use crate::Ctx;
use crate::cli::{CheckArgs, NewArgs};
use crate::error::{Error, ExitStatus};
use crate::interview::Round;
use crate::report;

fn has_glob_chars(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

fn is_markdown(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

fn walk(dir: &Path, settings: &config::Settings, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden || settings.excluded(&p) {
            continue;
        }
        if p.is_dir() {
            walk(&p, settings, out)?;
        } else if is_markdown(&p) {
            out.push(p);
        }
    }
    Ok(())
}

/// Files, directories (every Markdown file inside, recursively) and glob patterns the shell
/// did not expand, in a stable order without duplicates. `exclude` applies to what is found
/// by walking and globbing; a file named explicitly is always checked.
pub(crate) fn expand(
    paths: &[PathBuf],
    settings: &config::Settings,
) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for p in paths {
        let shown = p.display().to_string();
        if p.is_dir() {
            let before = out.len();
            walk(p, settings, &mut out)?;
            if out.len() == before {
                return Err(Error::invalid(
                    format!("{shown}: no Markdown (`*.md`) proposals in this directory"),
                    Some("pass the proposal files, or a directory that holds them"),
                ));
            }
        } else if p.exists() {
            out.push(p.clone());
        } else if has_glob_chars(&shown) {
            let entries = glob::glob(&shown).map_err(|e| {
                Error::invalid(
                    format!("`{shown}`: not a valid glob pattern: {e}"),
                    Some("quote the pattern, e.g. 'docs/proposals/*.md'"),
                )
            })?;
            let before = out.len();
            for entry in entries {
                let path = entry.map_err(|e| Error::Read {
                    path: e.path().to_path_buf(),
                    source: e.into(),
                })?;
                if path.is_file() && !settings.excluded(&path) {
                    out.push(path);
                }
            }
            if out.len() == before {
                return Err(Error::invalid(
                    format!("`{shown}`: the pattern matches no files"),
                    Some("check the pattern; it is relative to the current directory"),
                ));
            }
        } else {
            return Err(Error::Read {
                path: p.clone(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no such file or directory",
                ),
            });
        }
    }
    let mut shown: Vec<(String, PathBuf)> = out.into_iter().map(|p| (display(&p), p)).collect();
    shown.sort();
    shown.dedup_by(|a, b| a.0 == b.0);
    Ok(shown.into_iter().map(|(_, p)| p).collect())
}

/// A MADR decision record: YAML front matter, then the "Considered Options" and "Decision
/// Outcome" sections every record has.
fn is_decision_record(text: &str) -> bool {
    let heading = |h: &str| text.lines().any(|l| l.trim_end() == h);
    text.lines().next().is_some_and(|l| l.trim_end() == "---")
        && heading("## Considered Options")
        && heading("## Decision Outcome")
}

/// A path as every output shows it: forward slashes, no leading `./`.
fn display(p: &Path) -> String {
    let s = p.display().to_string().replace('\\', "/");
    let mut t = s.as_str();
    while let Some(rest) = t.strip_prefix("./") {
        t = rest;
    }
    t.to_owned()
}

/// `ds01-pm check`.
pub fn check(args: &CheckArgs, ctx: &Ctx) -> Result<ExitStatus, Error> {
    let settings = config::load(args.config.as_deref())?;
    if args.list_checks {
        report::emit(&report::check::list_checks(&settings, args.format))?;
        return Ok(ExitStatus::Ok);
    }
    let files = expand(&args.paths, &settings)?;
    let set = ctx.rule_set()?;
    let mut texts = Vec::new();
    let mut problems = Vec::new();
    // Files named on the command line are always checked; found by walking or globbing,
    // decision records are skipped.
    let named: std::collections::HashSet<String> = args
        .paths
        .iter()
        .filter(|p| p.is_file())
        .map(|p| display(p))
        .collect();
    let mut records = 0;
    for f in &files {
        match crate::error::read_text(f) {
            // `ds01-pm adr` writes decision records next to proposals (docs/decisions); they
            // are not proposals and would fail every structure check.
            Ok(t) if !named.contains(&display(f)) && is_decision_record(&t) => records += 1,
            Ok(t) => texts.push((display(f), t)),
            Err(e) => problems.push(e),
        }
    }
    if records > 0 {
        report::note(&format!(
            "skipped {records} decision record(s) (MADR, as `ds01-pm adr` writes them): `check` lints proposals"
        ));
    }
    if problems.len() == 1 {
        return Err(problems.remove(0));
    }
    if !problems.is_empty() {
        return Err(Error::Many {
            problems: problems.iter().map(ToString::to_string).collect(),
            hint: Some("every proposal must be a readable UTF-8 file".into()),
        });
    }
    report::info(&format!(
        "checking {} proposal file(s){}",
        texts.len(),
        settings.path.as_ref().map_or_else(String::new, |p| format!(
            " with settings from {}",
            p.display()
        ))
    ));
    let mut progress = report::Progress::new("checking", texts.len());
    let reports = texts
        .iter()
        .map(|(path, text)| {
            let r = super::check_text(&set, &settings, path, text);
            progress.tick();
            r
        })
        .collect();
    drop(progress);
    let fail_level = args
        .fail_level
        .map(|f| match f {
            crate::cli::FailLevel::Error => Severity::Error,
            crate::cli::FailLevel::Warning => Severity::Warning,
            crate::cli::FailLevel::Info => Severity::Info,
        })
        .or(settings.fail_level())
        .unwrap_or(Severity::Error);
    let outcome = Outcome {
        schema_version: SCHEMA_VERSION,
        fail_level,
        files: reports,
        checks: CHECKS
            .iter()
            .map(|c| (c, settings.severity_of(c)))
            .collect(),
    };
    report::emit(&report::check::render(&outcome, args.format, ctx.color))?;
    Ok(if outcome.failed() {
        ExitStatus::Findings
    } else {
        ExitStatus::Ok
    })
}

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
        super::checks::analysis(&set, &settings, &report::proposal::render(d))
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
                std::fs::create_dir_all(dir).map_err(|e| {
                    Error::invalid(
                        format!(
                            "{}: cannot create the directory: {}",
                            dir.display(),
                            crate::error::io_message(&e)
                        ),
                        Some("choose another path, or pass -o FILE"),
                    )
                })?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_use_forward_slashes() {
        assert_eq!(display(Path::new("./docs/x.md")), "docs/x.md");
    }
}
