//! `ds01-pm check`: resolve paths and settings, read files, run the pure checks, hand the
//! outcome to `report::check`.
use std::path::{Path, PathBuf};

use super::Ctx;
use crate::check::{CHECKS, Outcome, SCHEMA_VERSION, Severity, config};
use crate::cli::CheckArgs;
use crate::error::{Error, ExitStatus};
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

/// A repository's own document by its conventional name, written as the convention writes
/// it (`README.md`, `CHANGELOG.md`, `CONTRIBUTING.md`, `CODE_OF_CONDUCT.md`, `SECURITY.md`,
/// `LICENSE.md`): a proposal named `security.md` is still a proposal.
fn is_repository_doc(p: &Path) -> bool {
    const NAMES: [&str; 6] = [
        "README",
        "CHANGELOG",
        "CONTRIBUTING",
        "CODE_OF_CONDUCT",
        "SECURITY",
        "LICENSE",
    ];
    p.file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| NAMES.contains(&s))
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
    // `-` is standard input (an issue body piped in by a workflow), shown as `<stdin>`.
    let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    let paths: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    let files = expand(&paths, &settings)?;
    let set = ctx.rule_set()?;
    let mut texts = Vec::new();
    if stdin {
        texts.push((
            "<stdin>".to_owned(),
            super::read_stdin("pipe the proposal or issue body as UTF-8 text, or pass its file")?,
        ));
    }
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
    let mut repo_docs = Vec::new();
    for f in &files {
        let shown = display(f);
        let walked = !named.contains(&shown);
        // A directory's README (or changelog, contributing guide...) found by walking says
        // what the directory holds: it is not a proposal and would fail every structure check.
        if walked && is_repository_doc(f) {
            repo_docs.push(shown);
            continue;
        }
        match crate::error::read_text(f) {
            // `ds01-pm adr` writes decision records next to proposals (docs/decisions); they
            // are not proposals and would fail every structure check.
            Ok(t) if walked && is_decision_record(&t) => records += 1,
            Ok(t) => texts.push((shown, t)),
            Err(e) => problems.push(e),
        }
    }
    if !repo_docs.is_empty() {
        report::note(&format!(
            "skipped {}: a repository's own documents are not proposals (name one to check it)",
            repo_docs.join(", ")
        ));
    }
    if records > 0 {
        report::note(&format!(
            "skipped {records} decision record(s) (MADR, as `ds01-pm adr` writes them): `check` lints proposals"
        ));
    }
    // A file that cannot be read is bad input (exit 2), named on stderr at the end; the
    // others are still checked and reported, so one stray binary or Latin-1 file does not
    // cost a CI run the report of every other proposal.
    let unreadable = |mut problems: Vec<Error>| {
        if problems.len() == 1 {
            problems.remove(0)
        } else {
            Error::Many {
                problems: problems.iter().map(ToString::to_string).collect(),
                hint: Some("every proposal must be a readable UTF-8 file".into()),
            }
        }
    };
    if texts.is_empty() && !problems.is_empty() {
        return Err(unreadable(problems));
    }
    // Nothing left once the folder's own documents and decision records are skipped passes,
    // as an empty proposals folder should; said on stderr even with `-q`, so a CI log shows
    // that nothing was checked.
    if texts.is_empty() && (records > 0 || !repo_docs.is_empty()) {
        report::warn(
            "no proposals to check: the Markdown files found are the folder's own documents (README.md...) or decision records, which `check` skips unless named",
        );
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
            let r = crate::check::check_text(&set, &settings, path, text);
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
    let rendered = if args.format == crate::cli::CheckFormat::Comment {
        // What ds01-pm understood, as `check` reads each proposal (its prose, without the
        // form's labels and the checklists).
        let analyses: Vec<crate::analyze::Analysis> = texts
            .iter()
            .map(|(_, t)| crate::check::checks::analysis(&set, &settings, t))
            .collect();
        // The questions P302 looks for; with P302's list turned off (`top_questions = 0`),
        // those `analyze` puts first.
        let top = match settings.top_questions {
            0 => crate::analyze::questions::DEFAULT_TOP,
            n => n,
        };
        report::comment::comment(&outcome, &analyses, top)
    } else {
        report::check::render(&outcome, args.format, ctx.color)
    };
    report::emit(&rendered)?;
    if !problems.is_empty() {
        return Err(unreadable(problems));
    }
    Ok(if outcome.failed() {
        ExitStatus::Findings
    } else {
        ExitStatus::Ok
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_use_forward_slashes() {
        assert_eq!(display(Path::new("./docs/x.md")), "docs/x.md");
    }
}
