//! `ds01-pm import github|csv`: read the export, convert and validate it
//! (`backlog::import`), then write the backlog to `-o FILE` or standard output. Warnings and
//! the items given default estimates go to stderr.
use std::path::Path;

use super::Ctx;
use crate::backlog::import::{self, Import, csv, github};
use crate::cli::{ImportCommand, ImportOutput};
use crate::error::{self, Error, ExitStatus};
use crate::report;

/// How many unestimated items the warning names before it says how many more.
const LISTED: usize = 20;

/// `ds01-pm import`.
pub fn run(cmd: &ImportCommand, _ctx: &Ctx) -> Result<ExitStatus, Error> {
    match cmd {
        ImportCommand::Github(args) => {
            check_output(&args.out)?;
            let (name, text) = read(
                &args.file,
                &format!("pipe the output of `{}`", github::GH_COMMAND),
            )?;
            finish(&github::import(&name, &text)?, &args.out)
        }
        ImportCommand::Csv(args) => {
            check_output(&args.out)?;
            let options = csv::Options {
                map: csv::parse_map(&args.map)?,
                delimiter: args.delimiter,
            };
            let (name, text) = read(&args.file, "pipe a CSV export with its header row")?;
            finish(&csv::import(&name, &text, &options)?, &args.out)
        }
    }
}

/// Refuse an existing output file (without --force) before any work.
fn check_output(out: &ImportOutput) -> Result<(), Error> {
    match &out.output {
        Some(path) => crate::fsio::check_target(path, out.force),
        None => Ok(()),
    }
}

/// The input's name for messages and its text (`-` is standard input).
fn read(path: &Path, stdin_hint: &str) -> Result<(String, String), Error> {
    if path.as_os_str() == "-" {
        let text = super::read_stdin_max(stdin_hint, error::MAX_BACKLOG_BYTES)?;
        return Ok(("<stdin>".into(), text));
    }
    let text = error::read_text_max(path, error::MAX_BACKLOG_BYTES)?;
    Ok((path.display().to_string(), text))
}

fn finish(done: &Import, out: &ImportOutput) -> Result<ExitStatus, Error> {
    for w in &done.warnings {
        report::warn(w);
    }
    if !done.unestimated.is_empty() {
        let listed: Vec<String> = done
            .unestimated
            .iter()
            .take(LISTED)
            .map(|(origin, missing)| {
                if missing.is_empty() {
                    origin.clone()
                } else {
                    format!("{origin} (no {})", missing.join(", "))
                }
            })
            .collect();
        let more = done.unestimated.len().saturating_sub(LISTED);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        report::warn(&format!(
            "{} of {} items need an estimate and got defaults (reach {}, impact {}, confidence {}, effort {}; needs_estimate = true): {}{more}",
            done.unestimated.len(),
            done.items,
            done.default_reach,
            import::DEFAULT_IMPACT,
            import::DEFAULT_CONFIDENCE,
            import::DEFAULT_EFFORT,
            listed.join(", ")
        ));
    }
    match &out.output {
        Some(path) => {
            crate::fsio::write_new(path, &done.toml, out.force)?;
            report::written(path)?;
            report::note(&format!(
                "{} items; rank them with `ds01-pm score {}`",
                done.items,
                path.display()
            ));
        }
        None => report::emit(&done.toml)?,
    }
    Ok(ExitStatus::Ok)
}
