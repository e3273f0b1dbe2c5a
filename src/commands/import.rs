//! `ds01-pm import github|csv`: read the export, convert and validate it
//! (`backlog::import`), then write the backlog to `-o FILE` or standard output. Warnings and
//! the items given default estimates go to stderr.

use super::Ctx;
use crate::backlog::import::{self, Import, csv, github};
use crate::cli::{ImportCommand, ImportOutput};
use crate::error::{Error, ExitStatus};
use crate::report;

/// How many unestimated items the warning names before it says how many more.
const LISTED: usize = 20;

/// `ds01-pm import`.
pub fn run(cmd: &ImportCommand, _ctx: &Ctx) -> Result<ExitStatus, Error> {
    match cmd {
        ImportCommand::Github(args) => {
            check_output(&args.out)?;
            let (name, text) = super::read_input(
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
            let (name, text) =
                super::read_input(&args.file, "pipe a CSV export with its header row")?;
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
