//! Regenerate `src/rules/prefix_table.rs`, the prefix literals precomputed for the embedded
//! rules' patterns, after a default pattern changes:
//!
//! ```text
//! cargo run --example prefix_table
//! ```
//!
//! The unit test `rules::literals::tests::prefix_table_is_current` fails until the file is
//! current; it never writes it.
use std::io::Write as _;
use std::path::Path;

fn main() -> Result<(), String> {
    let source = ds01_pm::rules::prefix_table_source().map_err(|e| e.to_string())?;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules/prefix_table.rs");
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    if old == source {
        return Ok(());
    }
    std::fs::write(&path, source).map_err(|e| format!("{}: {e}", path.display()))?;
    let _ = writeln!(std::io::stderr(), "rewrote {}", path.display());
    Ok(())
}
