//! `score`, `plan` and `graph` entry points.
use crate::Ctx;
use crate::cli::{GraphArgs, PlanArgs, ScoreArgs};
use crate::error::{Error, ExitStatus};

fn pending() -> Result<ExitStatus, Error> {
    Err(Error::invalid("backlog commands are not built yet", None))
}

/// `ds01-pm score`.
pub fn score(_args: &ScoreArgs, _ctx: &Ctx) -> Result<ExitStatus, Error> {
    pending()
}

/// `ds01-pm plan`.
pub fn plan(_args: &PlanArgs, _ctx: &Ctx) -> Result<ExitStatus, Error> {
    pending()
}

/// `ds01-pm graph`.
pub fn graph(_args: &GraphArgs, _ctx: &Ctx) -> Result<ExitStatus, Error> {
    pending()
}
