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
    let exists = || {
        Error::invalid(
            format!("{}: already exists", path.display()),
            Some("pass --force to overwrite it, or choose another file name"),
        )
    };
    if path.is_dir() {
        return Err(Error::invalid(
            format!("{}: is a directory", path.display()),
            Some("give the path of a file inside that directory"),
        ));
    }
    if !force && path.exists() {
        return Err(exists());
    }
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
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists()),
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
}
