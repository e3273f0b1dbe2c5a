//! Every input the fuzzers found a crash, hang or broken invariant with is kept under
//! `fuzz/regressions/<target>/` and replayed here through the same harness the fuzz targets
//! run (`fuzz/src/lib.rs`, included by path so that `cargo test` needs no nightly and no
//! libFuzzer). The harness panics on any broken invariant; here each input must also come
//! back as the expected kind of result, and a rejection must read as a located tool error.
use std::path::Path;
use std::time::{Duration, Instant};

#[allow(unreachable_pub, dead_code)]
#[path = "../../fuzz/src/lib.rs"]
mod harness;

type Target = fn(&[u8]) -> Result<(), String>;

/// Inputs of one target, sorted by name: (file name, bytes).
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let bytes = std::fs::read(e.path()).expect("readable regression input");
            (name, bytes)
        })
        .filter(|(name, _)| !name.starts_with('.') && !name.ends_with(".md"))
        .collect();
    out.sort();
    out
}

/// Replay a target's inputs. A file named `ok-*` must be accepted, `err-*` rejected with a
/// message; anything else only has to run without a panic. Each must finish quickly: some
/// were hangs.
fn replay(target: &str, run: Target) -> usize {
    let all = inputs(target);
    for (name, bytes) in &all {
        let started = Instant::now();
        let result = std::panic::catch_unwind(|| run(bytes))
            .unwrap_or_else(|_| panic!("fuzz/regressions/{target}/{name}: the harness panicked"));
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(20),
            "fuzz/regressions/{target}/{name}: took {took:?}"
        );
        if name.starts_with("ok-") {
            assert!(result.is_ok(), "{target}/{name}: rejected: {result:?}");
        }
        if name.starts_with("err-") {
            let msg = result.expect_err(&format!("{target}/{name}: accepted"));
            assert!(!msg.trim().is_empty(), "{target}/{name}: empty error");
            assert!(
                !msg.contains("{ ") && !msg.contains("Error("),
                "{target}/{name}: reads like a Debug dump: {msg}"
            );
        }
    }
    all.len()
}

#[test]
fn rules_regressions() {
    replay("rules", harness::rules);
}

#[test]
fn analyze_regressions() {
    replay("analyze", harness::analyze);
}

#[test]
fn backlog_regressions() {
    replay("backlog", harness::backlog);
}

#[test]
fn check_regressions() {
    replay("check", harness::check);
}

/// The seed corpus (real rule files, backlogs, proposals and descriptions) runs through the
/// harness too, so a change that breaks an invariant on ordinary input fails here first.
#[test]
fn seed_corpus_passes_the_harness() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let targets: [(&str, Target); 4] = [
        ("rules", harness::rules),
        ("analyze", harness::analyze),
        ("backlog", harness::backlog),
        ("check", harness::check),
    ];
    for (target, run) in targets {
        let mut entries: Vec<_> = std::fs::read_dir(seeds.join(target))
            .expect("seed directory")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        entries.sort();
        assert!(!entries.is_empty(), "no seeds for {target}");
        for path in entries {
            let bytes = std::fs::read(&path).expect("seed");
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let result = run(&bytes);
            // Seeds named `bad-*` or `cycles*` are invalid on purpose, `partial-*` rule files
            // lean on rules of families the harness leaves out; every other seed is valid.
            let rejected = ["bad-", "cycles", "partial-"]
                .iter()
                .any(|p| name.starts_with(p));
            assert_eq!(result.is_ok(), !rejected, "{target}/{name}: {result:?}");
        }
    }
}
