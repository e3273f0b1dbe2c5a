//! `ds01-pm llm doctor`: check the configured local model server.
use super::Ctx;
use crate::cli::LlmCommand;
use crate::error::{Error, ExitStatus};
use crate::{llm, report};

/// `ds01-pm llm ...`.
pub(crate) fn run(cmd: &LlmCommand, ctx: &Ctx) -> Result<ExitStatus, Error> {
    match cmd {
        LlmCommand::Doctor { format } => {
            // `llm doctor` is itself the request to probe the server, unless the LLM is
            // turned off explicitly: then only `--llm` makes it connect.
            let config = crate::config::load(None)?;
            let off = config.file.llm.as_ref().and_then(|l| l.enabled) == Some(false);
            if off && !ctx.llm {
                let from = config
                    .path
                    .as_ref()
                    .map_or_else(|| "ds01-pm.toml".to_owned(), |p| p.display().to_string());
                return Err(Error::invalid(
                    format!(
                        "{from}: [llm] enabled = false, so `llm doctor` does not connect to the model server"
                    ),
                    Some("pass --llm to probe it once anyway, or set `enabled = true` under [llm]"),
                ));
            }
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
