//! Generate a large random backlog for benchmarks:
//!
//! ```text
//! cargo run --release --example gen_backlog -- --items 100000 --edges 300000 > big.toml
//! cargo run --release --example gen_backlog -- --items 100000 --edges 300000 --unique > worst.toml
//! ```
//!
//! Dependencies only point to earlier items (at most 200 back, as real backlogs cluster), so
//! the graph is acyclic; every sixteenth item is done. Descriptions are built from DS01-like
//! phrases, so the concern analysis does real work. By default they repeat (about 1,400
//! distinct texts, like boilerplate tickets); `--unique` makes every description distinct,
//! the worst case for the analysis cache. A fixed seed makes every run produce the same file.
//! The number of edges written is reported on stderr.
//!
//! Shape switches (issue 19: backlogs of any shape, so no single shape is tuned for):
//!
//! - `--no-preamble`: no `[scoring]` table; the file starts with `[[item]]` (and propagation
//!   is the default, `chain`, instead of the preamble's `max`).
//! - `--comment`: a comment block before the first item (with or without the preamble).
//! - `--no-descriptions`: items have titles only, so the concern analysis reads the titles.
//! - `--titles distinct|repeating`: `Item {i}` (the default, every title distinct) or a
//!   DS01-like phrase drawn like the descriptions (about 1,400 distinct).
//! - `--effort mixed|numeric|tshirt`: the default mixes sizes and numbers.
//! - `--deps local|anywhere|chain`: dependencies at most 200 back (default), anywhere earlier
//!   (uniform), or a single chain (item `i` depends on `i - 1`, `--edges` ignored).
//!
//! `--taskwarrior` writes the same items (same seed, same edges, same descriptions) as a
//! Taskwarrior 2.6 import file instead: one JSON task a line, `depends` as UUIDs, impact as
//! priority (H/M/L), done items as completed. `benches/compare.sh` uses it to time Taskwarrior's
//! dependency-aware urgency over the same graph.
use std::fmt::Write as _;
use std::io::Write as _;

const SUBJECTS: &[&str] = &[
    "Let students",
    "Researchers want to",
    "The admin needs to",
    "Give users a way to",
    "Faculty ask to",
    "New users should",
    "The lab manager wants to",
    "PhD students need to",
    "Course TAs want to",
    "Everyone should",
];
const ACTIONS: &[&str] = &[
    "keep a container running over the weekend",
    "join a GPU queue when no GPU is free",
    "see their GPU quota and idle timeout",
    "reserve a full GPU for a deadline",
    "get a MIG slice for the course",
    "save pip packages before container retire",
    "archive home directories of departed users",
    "receive alerts for GPU waste in Teams",
    "run batch jobs through the job API",
    "rename image-create to image-build",
    "use project-init with a --guided option",
    "repartition GPUs into MIG instances",
    "store allocation state in SQLite",
    "adopt SLURM for scheduling",
    "filter docker ps to their own containers",
    "set storage quotas with XFS",
];
const TAILS: &[&str] = &[
    "",
    " without changing GPU allocation",
    " for long training jobs",
    " with a dry-run first",
    " in the dashboard",
    " through the docker wrapper",
    " during the semester",
    " with an audit record",
    " and no data loss",
];

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map_or(default, |v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} takes a whole number, got {v}"))
        })
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let items = arg(&args, "--items", 1000).max(1);
    let edges = arg(&args, "--edges", items * 3);
    let unique = args.iter().any(|a| a == "--unique");
    let taskwarrior = args.iter().any(|a| a == "--taskwarrior");
    let mut rng = Rng(0x5EED_0001 ^ arg(&args, "--seed", 0) as u64);
    let flag = |name: &str| args.iter().any(|a| a == name);
    let word = |name: &str, default: &'static str, allowed: &[&'static str]| -> &'static str {
        let v = args
            .iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map_or(default, String::as_str);
        allowed
            .iter()
            .copied()
            .find(|a| *a == v)
            .unwrap_or_else(|| panic!("{name} takes one of {allowed:?}, got {v}"))
    };
    let preamble = !flag("--no-preamble");
    let comment = flag("--comment");
    let descriptions = !flag("--no-descriptions");
    let titles = word("--titles", "distinct", &["distinct", "repeating"]);
    let effort_kind = word("--effort", "mixed", &["mixed", "numeric", "tshirt"]);
    let dep_kind = word("--deps", "local", &["local", "anywhere", "chain"]);

    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); items];
    let mut written = 0;
    let mut attempts = 0;
    if dep_kind == "chain" {
        for (i, d) in deps.iter_mut().enumerate().skip(1) {
            d.push(i - 1);
            written += 1;
        }
    }
    while dep_kind != "chain" && written < edges && attempts < edges * 4 && items > 1 {
        attempts += 1;
        let to = 1 + rng.below(items - 1);
        let back = if dep_kind == "anywhere" {
            to
        } else {
            to.min(200)
        };
        let from = to - 1 - rng.below(back);
        if !deps[to].contains(&from) {
            deps[to].push(from);
            written += 1;
        }
    }

    let impacts = ["3", "2", "1", "0.5", "0.25", "\"high\"", "\"medium\""];
    let confidences = ["1.0", "0.8", "0.5", "\"80%\"", "\"100%\""];
    let efforts: &[&str] = match effort_kind {
        "numeric" => &["0.5", "1", "1.5", "2", "3", "5", "8"],
        "tshirt" => &[
            "\"XS\"", "\"S\"", "\"M\"", "\"L\"", "\"XL\"", "\"M\"", "\"S\"",
        ],
        _ => &["\"XS\"", "\"S\"", "\"M\"", "\"L\"", "\"XL\"", "1.5", "3"],
    };
    let mut out = String::with_capacity(items * 300);
    if !taskwarrior && preamble {
        out.push_str(
        "[scoring]\nreach_period = \"users per semester\"\neffort_unit = \"person-weeks\"\npropagation = \"max\"\n\n[scoring.tshirt]\nXS = 0.5\nS = 1\nM = 2\nL = 4\nXL = 8\n\n",
        );
    }
    if !taskwarrior && comment {
        out.push_str("# DS01 backlog, generated by gen_backlog.\n# One [[item]] per feature.\n\n");
    }
    for (i, d) in deps.iter().enumerate() {
        let mut desc = format!(
            "{} {}{}.",
            rng.pick(SUBJECTS),
            rng.pick(ACTIONS),
            rng.pick(TAILS)
        );
        if unique {
            let _ = write!(desc, " Ticket {i}.");
        }
        // Drawn in the same order in both modes, so both files describe the same items.
        let reach = 1 + rng.below(300);
        let impact = rng.below(impacts.len());
        let confidence = rng.pick(&confidences);
        let effort = rng.pick(efforts);
        if taskwarrior {
            let priority = ["H", "H", "M", "L", "L", "H", "M"][impact];
            let uuid = |n: usize| format!("00000000-0000-4000-8000-{n:012x}");
            let depends: Vec<String> = d.iter().map(|&x| uuid(x)).collect();
            let depends = if depends.is_empty() {
                String::new()
            } else {
                format!(",\"depends\":\"{}\"", depends.join(","))
            };
            let status = if i % 16 == 15 {
                "\"status\":\"completed\",\"end\":\"20260102T000000Z\""
            } else {
                "\"status\":\"pending\""
            };
            let _ = writeln!(
                out,
                "{{\"uuid\":\"{}\",\"description\":\"{desc}\",\"entry\":\"20260101T000000Z\",{status},\"priority\":\"{priority}\",\"project\":\"ds01\"{depends}}}",
                uuid(i)
            );
            continue;
        }
        let title = if titles == "distinct" {
            format!("Item {i}")
        } else {
            format!(
                "{} {}{}",
                SUBJECTS[i % SUBJECTS.len()],
                ACTIONS[(i / 7) % ACTIONS.len()],
                TAILS[(i / 3) % TAILS.len()]
            )
        };
        let _ = writeln!(out, "[[item]]\nid = \"item-{i}\"\ntitle = \"{title}\"");
        if descriptions {
            let _ = writeln!(out, "description = \"{desc}\"");
        }
        let _ = writeln!(
            out,
            "reach = {reach}\nimpact = {}\nconfidence = {confidence}\neffort = {effort}",
            impacts[impact]
        );
        if i % 16 == 15 {
            out.push_str("status = \"done\"\n");
        }
        let list: Vec<String> = d.iter().map(|x| format!("\"item-{x}\"")).collect();
        let _ = writeln!(out, "depends_on = [{}]\n", list.join(", "));
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    writeln!(
        std::io::stderr().lock(),
        "gen_backlog: {items} items, {written} edges, {} descriptions",
        if unique { "unique" } else { "repeating" }
    )
}
