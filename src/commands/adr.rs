//! `ds01-pm adr`: resolve the title, context and directory, build the record (`adr`), render
//! it (`report::adr`) and write it under the next free number.
use std::path::PathBuf;

use super::Ctx;
use crate::adr;
use crate::cli::AdrArgs;
use crate::error::{Error, ExitStatus};
use crate::report;

/// The directory records go to: `--dir`, else `[adr] dir` (relative to the config file), else
/// `docs/decisions` under the working directory.
fn records_dir(args: &AdrArgs) -> Result<PathBuf, Error> {
    if let Some(d) = &args.dir {
        return Ok(d.clone());
    }
    let config = super::load_config()?;
    let from_config = config.file.adr.as_ref().and_then(|a| a.dir.clone());
    Ok(match (from_config, &config.path) {
        (Some(d), Some(path)) if d.is_relative() => path.parent().map_or(d.clone(), |p| p.join(&d)),
        (Some(d), _) => d,
        (None, _) => PathBuf::from(adr::DEFAULT_DIR),
    })
}

/// `ds01-pm adr`: build the record, number it and write it.
pub(crate) fn run(args: &AdrArgs, ctx: &Ctx) -> Result<ExitStatus, Error> {
    let title = args.title.join(" ");
    if title.trim().is_empty() {
        return Err(Error::invalid(
            "the decision title is empty",
            Some(
                "name the decision, e.g. `ds01-pm adr \"Switch from file-based state to SQLite\"`",
            ),
        ));
    }
    let context = match (&args.context, &args.file) {
        (Some(c), _) => Some(c.clone()),
        (None, Some(f)) if f.as_os_str() == "-" => Some(super::read_stdin(
            "pipe UTF-8 text, or pass the context with --context TEXT",
        )?),
        (None, Some(f)) => Some(crate::error::read_text(f)?),
        (None, None) => None,
    };
    let set = ctx.rule_set()?;
    let record = adr::build(&set, &title, context.as_deref(), adr::today());
    let text = report::adr::markdown(&record);
    if args.stdout {
        report::emit(&text)?;
        return Ok(ExitStatus::Ok);
    }
    if let Some(path) = &args.output {
        crate::fsio::write_new(path, &text, args.force)?;
        report::adr::wrote(path)?;
        return Ok(ExitStatus::Ok);
    }
    let dir = records_dir(args)?;
    if !dir.is_dir() {
        std::fs::create_dir_all(&dir).map_err(|e| {
            Error::invalid(
                format!(
                    "{}: cannot create the directory: {}",
                    dir.display(),
                    crate::error::io_message(&e)
                ),
                Some("choose another directory with --dir or `[adr] dir` in ds01-pm.toml"),
            )
        })?;
        report::note(&format!("created {}", dir.display()));
    }
    let name = adr::slug(&title);
    // Concurrent runs in one directory each get their own number (see `write_numbered`).
    let path = crate::fsio::write_numbered(&dir, adr::next_number(&dir), &name, &text)?;
    report::adr::wrote(&path)?;
    Ok(ExitStatus::Ok)
}
