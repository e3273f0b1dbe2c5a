//! Generate a corpus of DS01-like feature proposals (Markdown) for benchmarks:
//!
//! ```text
//! cargo run --release --example gen_corpus -- --out /tmp/corpus --mb 10      # ~10 MB, ~2,000 files
//! cargo run --release --example gen_corpus -- --out /tmp/proposals --files 1000
//! ```
//!
//! Every file is a proposal with TOML front matter and the template's sections (Problem, Users
//! and current workflow, Proposed change, ...), filled with sentences assembled from DS01
//! vocabulary (commands, layers, GPU and MIG terms, lifecycle timers, user tiers, storage, and
//! plain prose that matches no rule). Sentences are built from a dozen templates with random
//! slots and numbers, so they vary the way real proposals do instead of repeating one line;
//! the generator reports how many distinct sentences it wrote. A fixed seed makes every run
//! produce the same files. `--mb` sets the total size (files of 3–8 KB), `--files` the count;
//! with both, `--files` wins.
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

const WHO: &[&str] = &[
    "students",
    "researchers",
    "the lab manager",
    "PhD students",
    "course TAs",
    "new users",
    "faculty",
    "users in the thesis group",
    "the admin",
    "people on the NLP project",
    "master's students",
    "visiting researchers",
];
const WANT: &[&str] = &[
    "keep a container running over the weekend",
    "join a GPU queue when no GPU is free",
    "see their GPU quota and idle timeout",
    "reserve a full GPU for a deadline",
    "get a MIG slice for the course",
    "save pip packages before container retire",
    "archive home directories of departed users",
    "receive alerts for GPU waste in Teams",
    "submit batch jobs through the job API",
    "use project-init with a --guided option",
    "repartition the A100s into MIG instances",
    "store allocation state in SQLite",
    "schedule jobs with SLURM",
    "see only their own containers in docker ps",
    "set storage quotas with XFS",
    "restart a stopped container on the GPU it had",
    "build images with image-create from a requirements.txt",
    "open JupyterLab from container deploy",
    "get a dashboard of GPU hours per group in Grafana",
    "extend the max runtime of a training run",
    "pause a container without losing the GPU",
    "attach VS Code to a running container",
    "share a dataset read-only under /data",
    "run docker compose with GPU access",
    "change resource-limits.yaml without a restart",
];
const COMMANDS: &[&str] = &[
    "container-create",
    "container deploy",
    "container retire",
    "container-stop",
    "container-list",
    "image-create",
    "image-update",
    "project-init",
    "project-launch",
    "user-setup",
    "check-limits",
    "gpu-queue",
    "mlc create",
    "docker run --gpus all",
    "docker ps",
    "nvidia-smi",
    "user-activity-report",
    "devcontainer-init",
];
const THINGS: &[&str] = &[
    "the docker wrapper",
    "the GPU allocator",
    "the idle detector",
    "the cleanup cron job",
    "resource-limits.yaml",
    "the systemd user slice",
    "the cgroup parent",
    "the MIG layout",
    "the lifecycle timers",
    "the container labels",
    "the gpueq fair-share quota",
    "the Prometheus exporter",
    "the event log",
    "the LDAP group mapping",
    "the backup volume",
    "the job runner",
    "the help screens",
    "the banner and next-step hints",
    "the image catalog",
    "mlc-patched.py",
];
const VERBS: &[&str] = &[
    "reads", "rewrites", "checks", "logs", "ignores", "caches", "enforces", "reports", "skips",
    "updates",
];
const WHEN: &[&str] = &[
    "at peak hours",
    "during the exam period",
    "when every GPU is allocated",
    "after the idle timeout",
    "before the semester starts",
    "on Friday evenings",
    "when the disk-space alert fires",
    "after a reboot",
    "while a MIG reconfiguration is pending",
    "when a user leaves the school",
    "overnight",
    "when the hold period ends",
];
const FEEL: &[&str] = &[
    "lose their work",
    "wait without knowing why",
    "ask the admin by email",
    "open a ticket on the hub",
    "retry by hand",
    "keep an idle GPU busy",
    "copy files out of the container first",
    "give up and use Colab",
    "run things on the host",
    "rebuild their image from scratch",
];
const UNITS: &[(&str, u32, u32)] = &[
    ("hours", 1, 72),
    ("minutes", 5, 180),
    ("GB", 10, 900),
    ("users", 3, 200),
    ("containers", 2, 60),
    ("days", 1, 90),
    ("tickets a month", 2, 40),
    ("GPU hours a week", 10, 600),
];
/// Sentences that match no rule, as every real proposal has many of them.
const PLAIN: &[&str] = &[
    "We discussed this at the last lab meeting and most people agreed it is worth a try.",
    "The wording of the messages should follow the existing style guide.",
    "This section will be updated after the pilot.",
    "Feedback from the survey was mixed but mostly positive.",
    "The change is small enough to review in one sitting.",
    "Several people mentioned the same problem independently.",
    "A short how-to page will accompany the release.",
    "We will revisit the decision at the end of the term.",
    "The numbers below come from the last three months.",
    "Nothing here changes how accounts are created.",
];
const STATUS: &[&str] = &["proposed", "draft", "accepted", "proposed", "proposed"];
const TIERS: &[&str] = &["student", "researcher", "admin"];

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

/// Corpus-specific draws on top of the shared generator.
trait RngExt {
    fn amount(&mut self) -> String;
}

impl RngExt for Rng {
    fn amount(&mut self) -> String {
        let (unit, lo, hi) = UNITS[self.below(UNITS.len())];
        let n = lo + u32::try_from(self.below((hi - lo + 1) as usize)).unwrap_or(0);
        format!("{n} {unit}")
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// One sentence from one of the templates.
fn sentence(rng: &mut Rng) -> String {
    match rng.below(14) {
        0 => format!(
            "{} want to {} {}.",
            capitalise(rng.pick(WHO)),
            rng.pick(WANT),
            rng.pick(WHEN)
        ),
        1 => format!(
            "Today {} {} and {} {}.",
            rng.pick(THINGS),
            rng.pick(VERBS),
            rng.pick(WHO),
            rng.pick(FEEL)
        ),
        2 => format!(
            "`{}` would call {}, which {} the request {}.",
            rng.pick(COMMANDS),
            rng.pick(THINGS),
            rng.pick(VERBS),
            rng.pick(WHEN)
        ),
        3 => format!(
            "About {} are affected {}, mostly {}.",
            rng.amount(),
            rng.pick(WHEN),
            rng.pick(WHO)
        ),
        4 => format!(
            "Without this, {} {} {}.",
            rng.pick(WHO),
            rng.pick(FEEL),
            rng.pick(WHEN)
        ),
        5 => format!(
            "The change touches {} and {}, not {}.",
            rng.pick(THINGS),
            rng.pick(THINGS),
            rng.pick(THINGS)
        ),
        6 => format!(
            "We measured {} over the last {} on the four A100s.",
            rng.amount(),
            rng.amount()
        ),
        7 => format!(
            "No change to {} is needed; {} keeps working as it does.",
            rng.pick(THINGS),
            rng.pick(COMMANDS)
        ),
        8 => format!(
            "If {} fails, the operation should fail open and {} should still be able to {}.",
            rng.pick(THINGS),
            rng.pick(WHO),
            rng.pick(WANT)
        ),
        9 => format!(
            "A `--dry-run` of `{}` shows what would happen to {} before anything is deleted.",
            rng.pick(COMMANDS),
            rng.amount()
        ),
        10 => format!(
            "Ask {} whether {} is acceptable, since {} may {}.",
            rng.pick(WHO),
            rng.amount(),
            rng.pick(WHO),
            rng.pick(FEEL)
        ),
        11 => format!(
            "Roll out to {} first, keep {} as it is for {}, and roll back by reverting {}.",
            rng.pick(WHO),
            rng.pick(THINGS),
            rng.amount(),
            rng.pick(THINGS)
        ),
        12 => format!(
            "Success means {} fewer {} and nobody needs to {}.",
            rng.below(90) + 10,
            [
                "tickets",
                "idle GPUs",
                "emails",
                "retries",
                "failed deploys"
            ][rng.below(5)],
            rng.pick(FEEL)
        ),
        _ => rng.pick(PLAIN).to_owned(),
    }
}

fn paragraph(rng: &mut Rng, out: &mut String, seen: &mut HashSet<String>, sentences: usize) {
    let mut width = 0;
    for i in 0..sentences {
        let s = sentence(rng);
        if i > 0 {
            // Wrap at about 100 columns, as proposals in the repository are.
            if width + s.len() > 100 {
                out.push('\n');
                width = 0;
            } else {
                out.push(' ');
                width += 1;
            }
        }
        width += s.len();
        out.push_str(&s);
        seen.insert(s);
    }
    out.push_str("\n\n");
}

fn proposal(rng: &mut Rng, n: usize, target: usize, seen: &mut HashSet<String>) -> String {
    let title = format!("{} {}", capitalise(rng.pick(WANT)), rng.pick(WHEN));
    let mut out = String::with_capacity(target + 1024);
    let tiers: Vec<String> = (0..1 + rng.below(2))
        .map(|_| format!("\"{}\"", rng.pick(TIERS)))
        .collect();
    let _ = write!(
        out,
        "+++\nid = \"proposal-{n}\"\ntitle = \"{title}\"\nstatus = \"{}\"\nauthor = \"Benchmark generator\"\ntiers = [{}]\n+++\n\n# {title}\n\n",
        rng.pick(STATUS),
        tiers.join(", ")
    );
    let sections = [
        "Problem",
        "Users and current workflow",
        "Proposed change",
        "Success metrics",
        "Alternatives considered",
        "GPU and MIG impact",
        "Principles and exceptions",
        "Rollout and rollback",
    ];
    // Spread the target size over the sections; long sections get more paragraphs.
    let per_section = target / sections.len();
    for name in sections {
        let _ = write!(out, "## {name}\n\n");
        let start = out.len();
        while out.len() - start < per_section {
            let k = 2 + rng.below(4);
            paragraph(rng, &mut out, seen, k);
        }
    }
    out.push_str("## Open questions\n\n");
    for _ in 0..2 + rng.below(3) {
        let _ = writeln!(
            out,
            "- [{}] What happens to {} {}?",
            if rng.below(2) == 0 { " " } else { "x" },
            rng.pick(WHO),
            rng.pick(WHEN)
        );
    }
    out
}

fn arg(args: &[String], name: &str) -> Result<Option<String>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => args
            .get(i + 1)
            .cloned()
            .map(Some)
            .ok_or_else(|| format!("{name} needs a value")),
    }
}

fn number(args: &[String], name: &str) -> Result<Option<usize>, String> {
    arg(args, name)?
        .map(|v| {
            v.parse()
                .map_err(|_| format!("{name} takes a whole number, got {v}"))
        })
        .transpose()
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let out = PathBuf::from(arg(&args, "--out")?.ok_or("--out DIR is required")?);
    let files = number(&args, "--files")?;
    let mb = number(&args, "--mb")?.unwrap_or(10);
    let seed = number(&args, "--seed")?.unwrap_or(0) as u64;
    let mut rng = Rng(0x5EED_C0FF_EE00 ^ seed);
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let budget = mb << 20;
    let mut total = 0;
    let mut seen = HashSet::new();
    let mut n = 0;
    loop {
        let done = match files {
            Some(f) => n >= f,
            None => total >= budget,
        };
        if done {
            break;
        }
        let target = 3000 + rng.below(5000);
        let text = proposal(&mut rng, n, target, &mut seen);
        let path = out.join(format!("proposal-{n:05}.md"));
        std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
        total += text.len();
        n += 1;
    }
    let _ = writeln!(
        std::io::stderr(),
        "gen_corpus: {n} files, {:.1} MB, {} distinct sentences in {}",
        total as f64 / 1_048_576.0,
        seen.len(),
        out.display()
    );
    Ok(())
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "gen_corpus: error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
