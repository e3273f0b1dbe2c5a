//! `score`, `plan` and `graph`: load, rank, annotate with concerns, render.
use std::path::Path;

use super::Ctx;
use crate::backlog::concerns::Concerns;
use crate::backlog::{Backlog, LoadError, plan as planner, rank};
use crate::cli::{GraphArgs, PlanArgs, ReportArgs, ScoreArgs, ScoreFormat};
use crate::diag::backlog as codes;
use crate::error::{Error, ExitStatus};
use crate::report::{self, backlog as render, html};

/// How many ranked items `--sensitivity` looks at when `--top` is not given.
const SENSITIVITY_TOP: usize = 5;

/// The settings of a loaded backlog that do nothing as written, as warnings on stderr (they
/// never change the exit code).
fn warn_settings(path: &Path, b: &Backlog) {
    for w in &b.warnings {
        report::warn(&format!(
            "{}:{}:{}: {}",
            path.display(),
            w.line,
            w.col,
            w.message
        ));
    }
}

/// Load a backlog; findings become one tool error listing every problem.
fn load_or_fail(path: &Path) -> Result<Backlog, Error> {
    let started = std::time::Instant::now();
    match crate::backlog::load(path) {
        Ok(b) => {
            warn_settings(path, &b);
            report::info(&format!(
                "{}: {} items, {} dependencies, loaded in {:.1} ms",
                path.display(),
                b.items.len(),
                b.items.iter().map(|it| it.prereqs.len()).sum::<usize>(),
                started.elapsed().as_secs_f64() * 1e3
            ));
            Ok(b)
        }
        Err(LoadError::Tool(e)) => Err(e),
        Err(LoadError::Findings(findings)) => Err(Error::Many {
            problems: findings
                .iter()
                .map(|f| format!("{}:{}:{}: {}", path.display(), f.line, f.col, f.message))
                .collect(),
            hint: Some(if findings.iter().any(|f| f.code == codes::B011.code) {
                "remove one `depends_on` edge of each cycle; `ds01-pm score --check` reports the same as findings for CI".into()
            } else if findings.iter().all(|f| f.code == codes::B001.code) {
                "fix the TOML syntax at that line and column; strings need quotes, tables `[[item]]`".into()
            } else if findings.iter().all(|f| f.code == codes::B012.code) {
                "add at least one `[[item]]` with id, title, reach, impact, confidence and effort (`ds01-pm explain rice` describes them)".into()
            } else {
                "fix the items above; `ds01-pm score --check` reports the same as findings for CI"
                    .into()
            }),
        }),
    }
}

/// Rank a backlog and, unless `no_concerns`, annotate it with the concern analysis.
fn rank_with_concerns(
    b: &Backlog,
    no_concerns: bool,
    ctx: &Ctx,
) -> Result<(rank::Ranking, Option<Concerns>), Error> {
    // Ranking is single-threaded; the concern analysis (rule loading included) runs beside it.
    let (ranking, concerns) = std::thread::scope(|s| {
        let concerns = s.spawn(|| {
            if no_concerns {
                return Ok(None);
            }
            let started = std::time::Instant::now();
            let done = ctx
                .rule_set()
                .map(|set| Some(crate::backlog::concerns::annotate(b, &set)));
            report::info(&format!(
                "concerns: {:.1} ms (rules loaded, one analysis per distinct text)",
                started.elapsed().as_secs_f64() * 1e3
            ));
            done
        });
        let started = std::time::Instant::now();
        let ranking = rank::rank(b);
        report::info(&format!(
            "rank: {:.1} ms",
            started.elapsed().as_secs_f64() * 1e3
        ));
        (
            ranking,
            concerns.join().expect("concern analysis does not panic"),
        )
    });
    Ok((ranking, concerns?))
}

/// `ds01-pm score`.
pub fn score(args: &ScoreArgs, ctx: &Ctx) -> Result<ExitStatus, Error> {
    let name = args.backlog.display().to_string();
    if args.check {
        let findings = match crate::backlog::load(&args.backlog) {
            Ok(b) => {
                warn_settings(&args.backlog, &b);
                Vec::new()
            }
            Err(LoadError::Tool(e)) => return Err(e),
            Err(LoadError::Findings(f)) => f,
        };
        // `-q` drops the all-clear of the human format, as it drops every all-is-well summary.
        let all_clear = findings.is_empty() && args.format == ScoreFormat::Human;
        if !(all_clear && report::verbosity() == report::Verbosity::Quiet) {
            report::emit(&render::findings(&name, &findings, args.format))?;
        }
        return Ok(if findings.is_empty() {
            ExitStatus::Ok
        } else {
            ExitStatus::Findings
        });
    }
    let b = load_or_fail(&args.backlog)?;
    if let Some(id) = &args.explain {
        let Some(index) = b.position(id) else {
            let hint = crate::text::did_you_mean(id, b.items.iter().map(|it| it.id.as_str()))
                .map_or_else(
                    || "`ds01-pm score BACKLOG` lists the item ids".to_owned(),
                    |s| format!("did you mean `{s}`?"),
                );
            return Err(Error::invalid(
                format!("{name}: no item with id `{id}`"),
                Some(&hint),
            ));
        };
        report::emit(&render::explain(&b, &rank::rank(&b), index))?;
        return Ok(ExitStatus::Ok);
    }
    let (ranking, concerns) = rank_with_concerns(&b, args.no_concerns, ctx)?;
    let sensitivity = args
        .sensitivity
        .then(|| rank::sensitivity(&b, &ranking, args.top.unwrap_or(SENSITIVITY_TOP)));
    let started = std::time::Instant::now();
    let view = render::ScoreView {
        path: &name,
        backlog: &b,
        ranking: &ranking,
        concerns: concerns.as_ref(),
        top: args.top,
        critical_path: args.critical_path,
        sensitivity: sensitivity.as_deref(),
    };
    if args.format == ScoreFormat::Json {
        // Streamed: the JSON of a million items is never held in memory whole.
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        render::score_json_to(&view, &mut out)
            .and_then(|()| std::io::Write::flush(&mut out))
            .map_err(Error::Output)?;
        report::info(&format!(
            "render: {:.1} ms (streamed)",
            started.elapsed().as_secs_f64() * 1e3
        ));
        exiting(b, ranking, concerns);
        return Ok(ExitStatus::Ok);
    }
    let out = render::score(&view, args.format);
    report::info(&format!(
        "render: {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    ));
    report::emit(&out)?;
    exiting(b, ranking, concerns);
    Ok(ExitStatus::Ok)
}

/// The backlog and its ranking once the output is written: the process exits next, and the
/// system takes the memory back whole. Dropped, a backlog frees every item's strings and lists
/// one by one, each a cache miss in a heap of millions of allocations (at 300k items, 1.6% of
/// the run's instructions and 4.7% of its misses beyond the second-level cache).
fn exiting(b: Backlog, ranking: rank::Ranking, concerns: Option<Concerns>) {
    std::mem::forget(b);
    std::mem::forget(ranking);
    std::mem::forget(concerns);
}

/// The most phases `plan` lays out.
const MAX_PHASES: usize = 1000;

/// `ds01-pm plan`.
pub fn plan(args: &PlanArgs, ctx: &Ctx) -> Result<ExitStatus, Error> {
    if !(args.capacity.is_finite() && args.capacity > 0.0) {
        return Err(Error::invalid(
            format!(
                "--capacity must be a positive effort, got {}",
                args.capacity
            ),
            Some(
                "give the effort one phase can take, in the backlog's effort unit, e.g. --capacity 8",
            ),
        ));
    }
    if args.phases == 0 {
        return Err(Error::invalid(
            "--phases must be at least 1",
            Some("e.g. --phases 3 for Now / Next / Later"),
        ));
    }
    // Every phase is laid out (and printed, empty or not): a mistyped count must not ask for
    // gigabytes.
    if args.phases > MAX_PHASES {
        return Err(Error::invalid(
            format!("--phases must be at most {MAX_PHASES}, got {}", args.phases),
            Some("plan the next few phases, e.g. --phases 6, and plan again as items are done"),
        ));
    }
    ctx.check_rule_paths()?;
    let b = load_or_fail(&args.backlog)?;
    let ranking = rank::rank(&b);
    let p = planner::plan(&b, &ranking, args.capacity, args.phases);
    report::emit(&render::plan(&b, &ranking, &p, args.format))?;
    Ok(ExitStatus::Ok)
}

/// `ds01-pm graph`.
pub fn graph(args: &GraphArgs, ctx: &Ctx) -> Result<ExitStatus, Error> {
    ctx.check_rule_paths()?;
    let b = load_or_fail(&args.backlog)?;
    let ranking = rank::rank(&b);
    report::emit(&render::graph(&b, &ranking, args.format))?;
    Ok(ExitStatus::Ok)
}

/// `ds01-pm report`: the HTML report, to `-o FILE` or standard output.
pub fn report(args: &ReportArgs, ctx: &Ctx) -> Result<ExitStatus, Error> {
    let name = args.backlog.display().to_string();
    let b = load_or_fail(&args.backlog)?;
    let (ranking, concerns) = rank_with_concerns(&b, args.no_concerns, ctx)?;
    let started = std::time::Instant::now();
    let drawing = html::layout::backlog(&b, &ranking, html::MAX_DRAWN, &html::layout_config());
    report::info(&format!(
        "layout: {} of {} items in {} columns, {} dummy nodes, {} crossings, {:.1} ms",
        drawing.items.len(),
        b.items.len(),
        drawing.layout.layers,
        drawing.layout.dummies,
        drawing.layout.crossings,
        started.elapsed().as_secs_f64() * 1e3
    ));
    let page = html::report(&html::ReportView {
        path: &name,
        backlog: &b,
        ranking: &ranking,
        concerns: concerns.as_ref(),
        drawing: &drawing,
        rows: args.rows.0,
    });
    match &args.output {
        Some(path) => {
            crate::fsio::write_new(path, &page, args.force)?;
            report::written(path)?;
        }
        None => report::emit(&page)?,
    }
    Ok(ExitStatus::Ok)
}
