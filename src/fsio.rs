//! Files ds01-pm writes (proposal templates, reports, decision records): always through a
//! temporary file in the same directory and a rename or link, so a reader never sees half a
//! file and an interrupted run leaves the destination untouched.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::Error;

/// Temporary files being written right now, removed by the interrupt handler.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    PENDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// On Ctrl-C, SIGTERM or SIGHUP, remove the temporary files of writes in progress and exit
/// 130, so an interrupted run leaves neither a partial file nor a stray `.NAME.PID.tmp`.
/// (SIGKILL cannot be caught: then only the temporary file can remain, never a partial
/// destination.)
/// Installed on the first write, so commands that write nothing pay nothing for it.
fn clean_up_on_interrupt() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Failing to install the handler (one is already set) only loses the tidy-up.
        let _ = ctrlc::set_handler(|| {
            // Keep the lock until the process is gone: no write starts or ends meanwhile.
            let mut pending = pending();
            for tmp in pending.drain(..) {
                let _ = std::fs::remove_file(tmp);
            }
            std::process::exit(130);
        });
    });
}

/// Write `text` to `path` through a temporary file in the same directory, so a reader never
/// sees half a file. Without `force`, an existing file is never replaced, even one created
/// while we write (the final step is a hard link, which fails if the name exists).
///
/// The temporary file is `.NAME.PID.tmp`; it is removed on every error path. Only a kill
/// between its creation and the final link can leave it behind, never a partial `path`.
pub fn write_new(path: &Path, text: &str, force: bool) -> Result<(), Error> {
    write_bytes(path, text.as_bytes(), force)
}

/// [`write_new`] for bytes.
pub fn write_bytes(path: &Path, bytes: &[u8], force: bool) -> Result<(), Error> {
    let fail = |e: std::io::Error| {
        let hint = match e.kind() {
            std::io::ErrorKind::NotFound => "create the directory first, or choose another path",
            std::io::ErrorKind::PermissionDenied => "check the directory's permissions",
            _ => "check that the directory exists and is writable",
        };
        Error::invalid(
            format!(
                "{}: cannot write: {}",
                path.display(),
                crate::error::io_message(&e)
            ),
            Some(hint),
        )
    };
    check_target(path, force)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    clean_up_on_interrupt();
    // Create and register the temporary file under the lock the interrupt handler takes, so
    // the handler never runs between the two (it holds the lock until the process exits).
    let created = {
        let mut pending = pending();
        let f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp);
        if f.is_ok() {
            pending.push(tmp.clone());
        }
        f
    };
    let result = (|| -> Result<(), Error> {
        let mut f = created.map_err(fail)?;
        f.write_all(bytes).map_err(fail)?;
        f.sync_all().map_err(fail)?;
        drop(f);
        if force {
            std::fs::rename(&tmp, path).map_err(fail)
        } else {
            match std::fs::hard_link(&tmp, path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists(path)),
                // No hard links on this filesystem: the check above is the best we can do.
                Err(_) => std::fs::rename(&tmp, path).map_err(fail),
            }
        }
    })();
    {
        let mut pending = pending();
        if pending.contains(&tmp) {
            let _ = std::fs::remove_file(&tmp);
            pending.retain(|p| p != &tmp);
        }
    }
    result
}

fn exists(path: &Path) -> Error {
    Error::invalid(
        format!("{}: already exists", path.display()),
        Some("pass --force to overwrite it, or choose another file name"),
    )
}

/// What [`write_bytes`] checks before it writes anything: `path` is not a directory, does not
/// exist (without `force`), and is a regular file if it exists (with `force`). A command that
/// writes several files checks them all first, so it writes all or nothing.
pub fn check_target(path: &Path, force: bool) -> Result<(), Error> {
    if path.is_dir() {
        return Err(Error::invalid(
            format!("{}: is a directory", path.display()),
            Some("give the path of a file inside that directory"),
        ));
    }
    if !force && std::fs::symlink_metadata(path).is_ok() {
        return Err(exists(path));
    }
    if force {
        refuse_special(path)?;
    }
    Ok(())
}

/// Create `dir` (and its parents) unless it is a directory already; `Ok(true)` when created.
pub fn ensure_dir(dir: &Path, hint: &str) -> Result<bool, Error> {
    if dir.is_dir() {
        return Ok(false);
    }
    if std::fs::symlink_metadata(dir).is_ok() {
        return Err(Error::invalid(
            format!("{}: exists and is not a directory", dir.display()),
            Some(hint),
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::invalid(
            format!(
                "{}: cannot create the directory: {}",
                dir.display(),
                crate::error::io_message(&e)
            ),
            Some(hint),
        )
    })?;
    Ok(true)
}

/// `--force` replaces regular files only. A FIFO, a device, a socket or a symbolic link (even
/// one to a regular file, or to `/proc/self/fd/1`) is refused: renaming over it would swap the
/// special file for a regular one instead of writing where it points.
fn refuse_special(path: &Path) -> Result<(), Error> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    let t = meta.file_type();
    if t.is_file() {
        return Ok(());
    }
    let kind = if t.is_symlink() {
        "a symbolic link"
    } else {
        special_kind(&t)
    };
    Err(Error::invalid(
        format!(
            "{}: is {kind}, not a regular file; --force only replaces regular files",
            path.display()
        ),
        Some("write to a regular file, or print to standard output and redirect it"),
    ))
}

#[cfg(unix)]
fn special_kind(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// Write `text` as `dir/NNNN-{name}.md` under the first free number from `start` on, where a
/// number is free when no `NNNN-*.md` has it. Safe against concurrent writers in the same
/// directory: a number is claimed by creating `.NNNN.claim` exclusively, the directory is checked
/// for that number while the claim is held, and the claim is removed only after the record is in
/// place, so two runs never end up with the same number.
pub fn write_numbered(dir: &Path, start: u32, name: &str, text: &str) -> Result<PathBuf, Error> {
    let taken = |n: u32| -> bool {
        let prefix = format!("{n:04}-");
        std::fs::read_dir(dir).is_ok_and(|entries| {
            entries.filter_map(Result::ok).any(|e| {
                let f = e.file_name();
                let f = f.to_string_lossy();
                f.starts_with(&prefix) && f.ends_with(".md")
            })
        })
    };
    clean_up_on_interrupt();
    let mut number = start;
    for _ in 0..10_000 {
        let claim = dir.join(format!(".{number:04}.claim"));
        let created = {
            let mut pending = pending();
            let f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&claim);
            if f.is_ok() {
                pending.push(claim.clone());
            }
            f
        };
        match created {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                number += 1;
                continue;
            }
            Err(e) => {
                return Err(Error::invalid(
                    format!(
                        "{}: cannot write: {}",
                        dir.display(),
                        crate::error::io_message(&e)
                    ),
                    Some("check that the directory exists and is writable"),
                ));
            }
        }
        let result = if taken(number) {
            None
        } else {
            let path = dir.join(format!("{number:04}-{name}.md"));
            Some(write_new(&path, text, false).map(|()| path))
        };
        {
            let mut pending = pending();
            let _ = std::fs::remove_file(&claim);
            pending.retain(|p| p != &claim);
        }
        match result {
            Some(Ok(path)) => return Ok(path),
            Some(Err(e)) if !taken(number) => return Err(e),
            _ => number += 1,
        }
    }
    Err(Error::invalid(
        format!("{}: could not find a free record number", dir.display()),
        Some("write to an explicit file with -o FILE"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_overwrite_without_force() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("p.md");
        write_new(&p, "one", false).expect("first write");
        let err = write_new(&p, "two", false).expect_err("exists");
        assert!(err.to_string().contains("already exists"));
        assert_eq!(std::fs::read_to_string(&p).expect("read"), "one");
        write_new(&p, "two", true).expect("forced");
        assert_eq!(std::fs::read_to_string(&p).expect("read"), "two");
        let left: Vec<_> = std::fs::read_dir(dir.path()).expect("ls").collect();
        assert_eq!(left.len(), 1, "no temporary files left behind");
    }

    #[test]
    fn missing_directory_names_the_path_and_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("no/such/dir/p.md");
        let err = write_new(&p, "x", false).expect_err("no dir");
        assert!(err.to_string().contains("p.md: cannot write"), "{err}");
        assert!(err.hint().is_some());
    }

    #[test]
    fn a_directory_is_not_a_file() {
        let dir = tempfile::tempdir().expect("tmp");
        let err = write_new(dir.path(), "x", true).expect_err("dir");
        assert!(err.to_string().contains("is a directory"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn force_replaces_only_regular_files() {
        let dir = tempfile::tempdir().expect("tmp");
        let target = dir.path().join("target.txt");
        write_new(&target, "keep", false).expect("target");
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let err = write_new(&link, "x", true).expect_err("symlink");
        assert!(err.to_string().contains("is a symbolic link"), "{err}");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        let err = write_new(Path::new("/dev/null"), "x", true).expect_err("device");
        assert!(err.to_string().contains("is a character device"), "{err}");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "keep");
    }

    #[test]
    fn numbered_writes_in_parallel_get_distinct_numbers() {
        let dir = tempfile::tempdir().expect("tmp");
        let paths: Vec<PathBuf> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..16)
                .map(|k| {
                    let d = dir.path();
                    s.spawn(move || {
                        write_numbered(d, 1, &format!("title-{k}"), "x").expect("write")
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("thread"))
                .collect()
        });
        let mut numbers: Vec<String> = paths
            .iter()
            .map(|p| p.file_name().expect("name").to_string_lossy()[..4].to_string())
            .collect();
        numbers.sort();
        let expected: Vec<String> = (1..=16).map(|n| format!("{n:04}")).collect();
        assert_eq!(numbers, expected);
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|n| !n.starts_with('.')),
            "claims left: {names:?}"
        );
    }
}
