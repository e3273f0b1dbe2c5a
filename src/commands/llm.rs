//! `ds01-pm llm doctor`: check the configured local model server.
use super::Ctx;
use crate::cli::LlmCommand;
use crate::error::{Error, ExitStatus};
use crate::{llm, report};

/// `ds01-pm llm ...`.
pub(crate) fn run(cmd: &LlmCommand, ctx: &Ctx) -> Result<ExitStatus, Error> {
    match cmd {
        LlmCommand::Doctor { format } => {
            let settings = ctx.llm_settings(true)?.expect("forced on");
            let d = llm::doctor(&settings);
            report::emit(&report::llm_doctor(&d, *format))?;
            Ok(if d.healthy() {
                ExitStatus::Ok
            } else {
                ExitStatus::Findings
            })
        }
    }
}
