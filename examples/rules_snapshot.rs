//! Regenerate `src/rules/snapshot.bin` and `src/rules/snapshot.txt`, the embedded rules as
//! validation builds them, read back at start-up instead of validating the files again, after
//! a rule file or the validation changes:
//!
//! ```text
//! cargo run --example rules_snapshot
//! ```
//!
//! The snapshot's key is the hash of the rule files and of the code that validates them (see
//! `src/rules/snapshot.rs`), so run it last, after `cargo fmt` and `cargo run --example
//! prefix_table`. Until it runs, start-up validates the embedded files as before (`build.rs`
//! warns), and the unit test `rules::snapshot::tests::snapshot_is_current` fails; the test
//! never writes the files.
use std::io::Write as _;
use std::path::Path;

fn main() -> Result<(), String> {
    let (bin, text) = ds01_pm::rules::snapshot_files().map_err(|e| e.to_string())?;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    for (name, new) in [("snapshot.bin", bin), ("snapshot.txt", text.into_bytes())] {
        let path = dir.join(name);
        if std::fs::read(&path).is_ok_and(|old| old == new) {
            continue;
        }
        std::fs::write(&path, new).map_err(|e| format!("{}: {e}", path.display()))?;
        let _ = writeln!(std::io::stderr(), "rewrote {}", path.display());
    }
    Ok(())
}
