//! Tool failures (exit 2) and the exit-status type shared by every command.
use std::path::PathBuf;

/// How the process ends. The numbers are part of the CLI contract (see PRODUCT.md):
/// CI scripts distinguish "the proposal has problems" (1) from "the tool could not run" (2),
/// the same split typos and ruff make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Success, and nothing at or above the failing level.
    Ok = 0,
    /// Findings at or above `--fail-level`.
    Findings = 1,
    /// The tool could not do its job.
    Error = 2,
}

/// A failure that stops the tool. Rendered once, on stderr, as `error: <message>` plus an
/// optional `hint:` line, then the process exits 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Invalid input with a location already folded into the message.
    #[error("{message}")]
    Invalid {
        message: String,
        hint: Option<String>,
    },
    /// Several problems found in one pass; each is a full one-line message.
    #[error("{}", .problems.join("\n"))]
    Many {
        problems: Vec<String>,
        hint: Option<String>,
    },
    /// Writing the output failed (other than a closed pipe, which ends quietly).
    #[error("cannot write output: {0}")]
    Output(#[source] std::io::Error),
}

impl Error {
    /// A one-problem error with an optional hint.
    pub fn invalid(message: impl Into<String>, hint: Option<&str>) -> Self {
        Error::Invalid {
            message: message.into(),
            hint: hint.map(str::to_owned),
        }
    }

    /// The fix to suggest, if one is obvious.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Invalid { hint, .. } | Error::Many { hint, .. } => hint.clone(),
            Error::Read { source, .. } => match source.kind() {
                std::io::ErrorKind::NotFound => {
                    Some("check the path; it is relative to the current directory".into())
                }
                std::io::ErrorKind::PermissionDenied => Some("check the file's permissions".into()),
                std::io::ErrorKind::IsADirectory => Some("pass a file, not a directory".into()),
                std::io::ErrorKind::InvalidData => Some("the file must be UTF-8 text".into()),
                _ => None,
            },
            Error::Output(_) => None,
        }
    }
}

/// Read a UTF-8 text file, naming the path in every failure and stripping a UTF-8 BOM.
pub fn read_text(path: &std::path::Path) -> Result<String, Error> {
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    if path.is_dir() {
        return Err(read_err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a directory",
        )));
    }
    let bytes = std::fs::read(path).map_err(read_err)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        read_err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "not valid UTF-8 (first bad byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        ))
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}
