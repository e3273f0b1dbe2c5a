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
            let config = super::load_config()?;
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
            // No model named anywhere: look for the usual local servers (or the configured
            // base_url) and say what they serve and what to write, instead of an error.
            let file = config.file.llm.as_ref();
            let no_model = std::env::var_os(llm::ENV_MODEL).is_none()
                && file.and_then(|l| l.model.as_ref()).is_none();
            if no_model {
                let base = std::env::var(llm::ENV_BASE_URL)
                    .ok()
                    .or_else(|| file.and_then(|l| l.base_url.clone()));
                let candidates: Vec<(String, llm::Protocol)> = match base {
                    Some(url) => {
                        // Validated like any configured address (loopback unless allowed).
                        ctx.check_llm_settings_but_model()?;
                        let protocol = file
                            .and_then(|l| l.protocol)
                            .unwrap_or(llm::Protocol::Openai);
                        vec![(url, protocol)]
                    }
                    None => llm::USUAL_SERVERS
                        .iter()
                        .map(|(u, p)| ((*u).to_owned(), *p))
                        .collect(),
                };
                let found = llm::discover(&candidates);
                report::emit(&report::llm_discovery(&found, *format))?;
                return Ok(if found.suggestion.is_some() {
                    ExitStatus::Ok
                } else {
                    ExitStatus::Findings
                });
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
