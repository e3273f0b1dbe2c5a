//! `score`, `plan` and `graph`: load, rank, annotate with concerns, render.
use std::collections::HashMap;
use std::path::Path;

use super::graph::{self, Ranking};
use super::{Backlog, LoadError, plan as planner};
use crate::Ctx;
use crate::analyze::{ConcernSummary, concern_summary};
use crate::cli::{GraphArgs, PlanArgs, ScoreArgs};
use crate::error::{Error, ExitStatus};
use crate::report::{self, backlog as render};

/// Load a backlog; findings become one tool error listing every problem.
fn load_or_fail(path: &Path) -> Result<Backlog, Error> {
    match super::load(path) {
        Ok(b) => Ok(b),
        Err(LoadError::Tool(e)) => Err(e),
        Err(LoadError::Findings(findings)) => Err(Error::Many {
            problems: findings
                .iter()
                .map(|f| format!("{}:{}:{}: {}", path.display(), f.line, f.col, f.message))
                .collect(),
            hint: Some(if findings.iter().any(|f| f.code == "B011") {
                "remove one `depends_on` edge of each cycle; `ds01-pm score --check` reports the same as findings for CI".into()
            } else {
                "fix the items above; `ds01-pm score --check` reports the same as findings for CI"
                    .into()
            }),
        }),
    }
}

/// Layers, tiers and GPU impact for each item (by index), from its title and description.
/// Identical texts are analysed once.
fn annotate(b: &Backlog, ctx: &Ctx) -> Result<Vec<ConcernSummary>, Error> {
    let set = ctx.rule_set()?;
    let mut cache: HashMap<String, ConcernSummary> = HashMap::new();
    Ok(b.items
        .iter()
        .map(|it| {
            let text = format!("{}. {}", it.title, it.description);
            if let Some(c) = cache.get(&text) {
                return c.clone();
            }
            let c = concern_summary(&set, &text);
            cache.insert(text, c.clone());
            c
        })
        .collect())
}

/// `ds01-pm score`.
pub fn score(args: &ScoreArgs, ctx: &Ctx) -> Result<ExitStatus, Error> {
    let name = args.backlog.display().to_string();
    if args.check {
        let findings = match super::load(&args.backlog) {
            Ok(_) => Vec::new(),
            Err(LoadError::Tool(e)) => return Err(e),
            Err(LoadError::Findings(f)) => f,
        };
        report::emit(&render::findings(&name, &findings, args.format))?;
        return Ok(if findings.is_empty() {
            ExitStatus::Ok
        } else {
            ExitStatus::Findings
        });
    }
    let b = load_or_fail(&args.backlog)?;
    let ranking = graph::rank(&b);
    if let Some(id) = &args.explain {
        let Some(index) = b.items.iter().position(|it| &it.id == id) else {
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
        report::emit(&render::explain(&b, &ranking, index))?;
        return Ok(ExitStatus::Ok);
    }
    let concerns = annotate(&b, ctx)?;
    let sensitivity = args
        .sensitivity
        .then(|| graph::sensitivity(&b, &ranking, args.top.unwrap_or(5)));
    let view = render::ScoreView {
        path: &name,
        backlog: &b,
        ranking: &ranking,
        concerns: &concerns,
        top: args.top,
        critical_path: args.critical_path,
        sensitivity: sensitivity.as_deref(),
    };
    report::emit(&render::score(&view, args.format, ctx.color))?;
    Ok(ExitStatus::Ok)
}

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
    let b = load_or_fail(&args.backlog)?;
    let ranking: Ranking = graph::rank(&b);
    let p = planner::plan(&b, &ranking, args.capacity, args.phases);
    report::emit(&render::plan(&b, &p, args.format, ctx.color))?;
    Ok(ExitStatus::Ok)
}

/// `ds01-pm graph`.
pub fn graph(args: &GraphArgs, _ctx: &Ctx) -> Result<ExitStatus, Error> {
    let b = load_or_fail(&args.backlog)?;
    let ranking = graph::rank(&b);
    report::emit(&render::graph(&b, &ranking, args.format))?;
    Ok(ExitStatus::Ok)
}
