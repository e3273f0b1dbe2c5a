//! `ds01-pm completions SHELL` and `ds01-pm man [--dir DIR]`.
use std::path::Path;

use crate::error::{Error, ExitStatus};
use crate::{fsio, report, shell_integration};

/// `ds01-pm completions SHELL`.
pub(crate) fn completions(shell: clap_complete::Shell) -> Result<ExitStatus, Error> {
    report::emit(&shell_integration::completions(shell))?;
    Ok(ExitStatus::Ok)
}

/// `ds01-pm man`: the main page on stdout, or every page written into `dir`.
pub(crate) fn man(dir: Option<&Path>, force: bool) -> Result<ExitStatus, Error> {
    let Some(dir) = dir else {
        report::emit(&shell_integration::man_page())?;
        return Ok(ExitStatus::Ok);
    };
    if fsio::ensure_dir(dir, "choose another directory with --dir")? {
        report::note(&format!("created {}", dir.display()));
    }
    // Every page is checked before any is written: all of them, or none.
    let pages = shell_integration::man_pages();
    let problems: Vec<String> = pages
        .iter()
        .filter_map(|(name, _)| fsio::check_target(&dir.join(name), force).err())
        .map(|e| e.to_string())
        .collect();
    if !problems.is_empty() {
        let hint = if force {
            "remove or rename what is in the way; nothing was written"
        } else {
            "pass --force to overwrite the pages, or choose another directory; nothing was written"
        };
        return Err(Error::Many {
            problems,
            hint: Some(hint.to_owned()),
        });
    }
    for (name, page) in pages {
        let path = dir.join(name);
        fsio::write_bytes(&path, &page, force)?;
        report::written(&path)?;
    }
    report::note(&format!(
        "next: `man -l {}` shows the main page",
        dir.join("ds01-pm.1").display()
    ));
    Ok(ExitStatus::Ok)
}
