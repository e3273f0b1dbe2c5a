//! In-process benchmarks (divan): `cargo bench --bench engine`.
//!
//! - `rules_load`: parse, validate and compile the embedded rules (the fixed part of every
//!   start; no process start-up, no output).
//! - `analyze_sentence` / `analyze_proposal`: the full analysis of one sentence and of each
//!   real proposal in `fixtures/proposals/` (rules loaded once, lazily compiled patterns warm).
//! - `analyze_fixtures`: all fixture proposals, with throughput in bytes.
//! - `backlog_*`: parse and validate, rank, and annotate with concerns a generated backlog of
//!   1k and 10k items with about 3 edges per item.
//!
//! Whole-process figures and the comparison with ripgrep, semgrep and Taskwarrior are in
//! `benches/compare.sh`; method and results in BENCHMARKS.md.
use std::fmt::Write as _;

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use ds01_pm::rules::{self, RuleSource};

fn main() {
    divan::main();
}

const SENTENCE: &str =
    "Let students keep a container running over the weekend for long training jobs";

fn fixtures() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/proposals");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| {
                    let p = e.path();
                    let text = std::fs::read_to_string(&p).ok()?;
                    Some((p.file_name()?.to_string_lossy().into_owned(), text))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[divan::bench(sample_count = 30)]
fn rules_load() -> usize {
    rules::load(&RuleSource::default())
        .map(|s| s.rules.len())
        .unwrap_or(0)
}

#[divan::bench]
fn analyze_sentence(b: Bencher<'_, '_>) {
    let Ok(set) = rules::defaults() else { return };
    b.bench(|| ds01_pm::analyze::analyze(set, black_box(SENTENCE)));
}

#[divan::bench]
fn analyze_fixtures(b: Bencher<'_, '_>) {
    let Ok(set) = rules::defaults() else { return };
    let texts = fixtures();
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    b.counter(BytesCount::new(bytes)).bench(|| {
        texts
            .iter()
            .map(|(_, t)| {
                ds01_pm::analyze::analyze(set, black_box(t))
                    .rules_fired
                    .len()
            })
            .sum::<usize>()
    });
}

/// A backlog of `n` items, each depending on up to 3 of the 200 items before it, with
/// descriptions assembled from DS01 phrases (about 300 distinct texts).
fn backlog(n: usize) -> String {
    const WHO: [&str; 5] = [
        "Let students",
        "Researchers want to",
        "The admin needs to",
        "Give users a way to",
        "PhD students need to",
    ];
    const WHAT: [&str; 6] = [
        "keep a container running over the weekend",
        "join a GPU queue when no GPU is free",
        "get a MIG slice for the course",
        "archive home directories of departed users",
        "store allocation state in SQLite",
        "filter docker ps to their own containers",
    ];
    const TAIL: [&str; 10] = [
        "",
        " in the dashboard",
        " with a dry-run first",
        " during the semester",
        " through the docker wrapper",
        " with an audit record",
        " for long training jobs",
        " without changing GPU allocation",
        " and no data loss",
        " at peak hours",
    ];
    let mut out = String::from("[scoring]\npropagation = \"max\"\n\n");
    let mut x: u64 = 0x5EED;
    let mut next = |m: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        usize::try_from(x % m.max(1) as u64).unwrap_or(0)
    };
    for i in 0..n {
        let desc = format!(
            "{} {}{}.",
            WHO[next(WHO.len())],
            WHAT[next(WHAT.len())],
            TAIL[next(TAIL.len())]
        );
        let mut deps: Vec<usize> = (0..3.min(i)).map(|_| i - 1 - next(i.min(200))).collect();
        deps.sort_unstable();
        deps.dedup();
        let deps: Vec<String> = deps.iter().map(|d| format!("\"item-{d}\"")).collect();
        let _ = writeln!(
            out,
            "[[item]]\nid = \"item-{i}\"\ntitle = \"Item {i}\"\ndescription = \"{desc}\"\nreach = {}\nimpact = 2\nconfidence = 0.8\neffort = {}\ndepends_on = [{}]\n",
            1 + next(300),
            1 + next(8),
            deps.join(", ")
        );
    }
    out
}

#[divan::bench(args = [1_000, 10_000], sample_count = 10)]
fn backlog_parse(b: Bencher<'_, '_>, n: usize) {
    let text = backlog(n);
    b.bench(|| ds01_pm::backlog::parse(black_box(&text)).is_ok());
}

#[divan::bench(args = [1_000, 10_000], sample_count = 10)]
fn backlog_rank(b: Bencher<'_, '_>, n: usize) {
    let Ok(parsed) = ds01_pm::backlog::parse(&backlog(n)) else {
        return;
    };
    b.bench(|| ds01_pm::backlog::rank::rank(black_box(&parsed)));
}

#[divan::bench(args = [1_000, 10_000], sample_count = 10)]
fn backlog_concerns(b: Bencher<'_, '_>, n: usize) {
    let (Ok(set), Ok(parsed)) = (rules::defaults(), ds01_pm::backlog::parse(&backlog(n))) else {
        return;
    };
    b.bench(|| ds01_pm::backlog::concerns::annotate(black_box(&parsed), set));
}
