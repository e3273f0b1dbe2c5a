//! Analyze every file of a directory with the default rules, in one process: the rule engine's
//! whole-process throughput for `benches/compare.sh`, next to ripgrep and semgrep scanning the
//! same files for the same patterns.
//!
//! ```text
//! cargo run --release --example analyze_dir -- /tmp/corpus
//! cargo run --release --example analyze_dir -- /tmp/corpus --no-examples
//! ```
//!
//! `--no-examples` leaves out the nearest-examples channel, as `ds01-pm analyze --no-examples`
//! does. `DS01_PM_RULES=DIR` replaces the embedded rules with the `*.toml` files of `DIR` (as
//! for `ds01-pm`), to time a variant of the rules against the defaults (BENCHMARKS.md §8).
//!
//! Each file gets the full `ds01-pm analyze` treatment (pattern pass, exclusions, negation,
//! conditional rules, scores, size, ranked questions), exactly as [`ds01_pm::analyze::analyze`]
//! runs for `ds01-pm analyze -f FILE`, minus rendering the report. Output: one line per file
//! with the number of rules that fired and the concerns found, then a total on stderr.
use std::io::Write as _;

fn run() -> Result<(), String> {
    let dir = std::env::args()
        .nth(1)
        .ok_or("usage: analyze_dir DIR [--no-examples]")?;
    let channels = if std::env::args().nth(2).as_deref() == Some("--no-examples") {
        ds01_pm::analyze::Channels::RULES_ONLY
    } else {
        ds01_pm::analyze::Channels::ALL
    };
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{dir}: {e}"))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    // `DS01_PM_RULES=DIR` replaces the embedded rules, as it does for the program: how a
    // variant of the rules is timed against the defaults.
    let set: &ds01_pm::rules::RuleSet = match std::env::var_os("DS01_PM_RULES") {
        Some(dir) => Box::leak(Box::new(
            ds01_pm::rules::load(&ds01_pm::rules::RuleSource {
                replace: Some(dir.into()),
                extend: Vec::new(),
            })
            .map_err(|e| e.to_string())?,
        )),
        None => ds01_pm::rules::defaults().map_err(|e| e.to_string())?,
    };
    let mut out = String::new();
    let (mut bytes, mut fired) = (0, 0);
    for p in &paths {
        let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
        let a = ds01_pm::analyze::analyze_with(set, &text, channels);
        bytes += text.len();
        fired += a.rules_fired.len();
        out.push_str(&format!(
            "{}:{}:{}\n",
            p.display(),
            a.rules_fired.len(),
            a.concerns().join(",")
        ));
    }
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .map_err(|e| e.to_string())?;
    let _ = writeln!(
        std::io::stderr(),
        "analyze_dir: {} files, {:.1} MB, {fired} rule firings",
        paths.len(),
        bytes as f64 / 1_048_576.0
    );
    Ok(())
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "analyze_dir: error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
