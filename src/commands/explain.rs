//! `ds01-pm explain [TOPIC]`: resolve a topic (term, rule id, finding code) and render it.
use super::Ctx;
use crate::cli::ExplainArgs;
use crate::error::{Error, ExitStatus};
use crate::{explain, report};

/// `ds01-pm explain`.
pub(crate) fn run(args: &ExplainArgs, ctx: &Ctx) -> Result<ExitStatus, Error> {
    let set = ctx.rule_set()?;
    // An empty topic (`explain ""`, an unset shell variable) lists the topics too.
    let out = match args.topic.as_deref().filter(|t| !t.trim().is_empty()) {
        None => report::explain::index(&explain::index(&set), args.format, ctx.color),
        Some(topic) => {
            report::explain::explanation(&explain::resolve(&set, topic)?, args.format, ctx.color)
        }
    };
    report::emit(&out)?;
    Ok(ExitStatus::Ok)
}
