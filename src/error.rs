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
    #[error("{}: {}", path.display(), io_message(source))]
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
    #[error("cannot write output: {}", io_message(.0))]
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

    /// The problems, one message each (several for [`Error::Many`]), for printing one
    /// `error:` line per problem whatever the messages hold.
    pub fn problems(&self) -> Vec<String> {
        match self {
            Error::Many { problems, .. } => problems.clone(),
            other => vec![other.to_string()],
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
            Error::Output(_) => Some(
                "check that standard output is open and can be written (a full disk, `>/dev/full`, a closed descriptor)".into(),
            ),
        }
    }
}

/// The error for an input over its size limit; `size` when it is known (a file).
pub fn too_large(name: &str, size: Option<u64>, max: u64) -> Error {
    let mib = |n: u64| n as f64 / f64::from(1 << 20);
    let size = match size {
        Some(n) => format!("{:.1} MiB", mib(n)),
        None => format!("over {:.0} MiB", mib(max)),
    };
    Error::invalid(
        format!(
            "{name}: too large to read ({size}; the limit is {:.0} MiB)",
            mib(max)
        ),
        Some("pass the proposal or description itself, not a log or a data file"),
    )
}

/// What a non-regular file is, for messages: "a character device", "a FIFO"...
pub fn file_kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        } else if t.is_char_device() {
            return "a character device";
        } else if t.is_block_device() {
            return "a block device";
        } else if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else if t.is_symlink() {
        "a symbolic link"
    } else if t.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

/// An I/O error as a user reads it: `no such file or directory`, not
/// `No such file or directory (os error 2)`.
pub fn io_message(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => &text[..i],
        _ => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text.to_owned(),
    }
}

/// The largest hand-written input read (a proposal, a description, a rule or config file):
/// 4 MiB is some 600,000 words. Anything larger is a log or a binary passed by mistake, and
/// is refused at once instead of being analysed for seconds.
pub const MAX_TEXT_BYTES: u64 = 4 << 20;

/// The largest backlog read: room for several hundred thousand items.
pub const MAX_BACKLOG_BYTES: u64 = 256 << 20;

/// Read a UTF-8 text file of at most [`MAX_TEXT_BYTES`], naming the path in every failure
/// and stripping a UTF-8 BOM.
pub fn read_text(path: &std::path::Path) -> Result<String, Error> {
    read_text_max(path, MAX_TEXT_BYTES)
}

/// [`read_text`] with another size limit.
pub fn read_text_max(path: &std::path::Path, max: u64) -> Result<String, Error> {
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
    let file = std::fs::File::open(path).map_err(read_err)?;
    let mut bytes = Vec::new();
    // Read one byte past the limit, so a file growing while we read is caught too.
    std::io::Read::read_to_end(&mut std::io::Read::take(file, max + 1), &mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > max {
        let name = path.display().to_string();
        return Err(match std::fs::metadata(path) {
            // A regular file: its size, unless it grew while we read.
            Ok(m) if m.is_file() => too_large(&name, Some(m.len().max(bytes.len() as u64)), max),
            // A device or a pipe (`/dev/zero`, `<(yes)`): it has no size, only what it gave.
            Ok(m) => Error::invalid(
                format!(
                    "{name}: {} that gave more than {:.0} MiB without ending; the limit is {:.0} MiB",
                    file_kind(&m.file_type()),
                    max as f64 / f64::from(1 << 20),
                    max as f64 / f64::from(1 << 20),
                ),
                Some("pass a regular file"),
            ),
            Err(_) => too_large(&name, None, max),
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let before = &bytes[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        // Columns count characters, like every other location the tool prints.
        let col = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        Error::invalid(
            format!(
                "{}:{line}:{col}: not valid UTF-8 (byte 0x{:02x})",
                path.display(),
                bytes[at]
            ),
            Some("save the file as UTF-8, e.g. `iconv -f latin1 -t utf-8 FILE`"),
        )
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}
