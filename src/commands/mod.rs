//! One module per subcommand: resolve the inputs, call the domain, hand the data to `report`.
//! Parsing is clap's (`cli`); dispatch is `lib.rs`'s. [`Ctx`] holds what every command shares.
pub mod adr;
pub mod analyze;
pub mod backlog;
pub mod check;
pub mod explain;
pub mod import;
pub mod llm;
pub mod new;
pub mod rules;
pub mod shell;

use std::io::{IsTerminal, Read};

use crate::cli::{Cli, ColorChoice};
use crate::error::{self, Error};
use crate::rules::{RuleSet, RuleSource};
use crate::{config, report};

/// Options resolved from the command line, shared by every command.
#[derive(Debug)]
pub struct Ctx {
    /// Whether to colour human output.
    pub color: bool,
    /// Where rules come from.
    pub rules: RuleSource,
    /// `--llm` was given.
    pub llm: bool,
    /// The readings `analyze`, `questions` and `rules eval` take (`--no-examples`).
    pub channels: crate::analyze::Channels,
}

/// Load `ds01-pm.toml` for a command that reads it, and validate the whole file, every table,
/// whichever the command uses: a typo in `[check]` fails `adr` or `analyze --llm` as it fails
/// `check`, with the file, line, key and a suggestion.
pub(crate) fn load_config() -> Result<config::Config, Error> {
    let config = config::load(None)?;
    if let Some(path) = &config.path {
        crate::check::config::load(Some(path))?;
    }
    Ok(config)
}

impl Ctx {
    /// Resolve the global options (no I/O).
    pub fn from_cli(cli: &Cli) -> Ctx {
        let color = match cli.global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        };
        Ctx {
            color,
            rules: RuleSource {
                replace: cli.global.rules.clone(),
                extend: cli.global.extend_rules.clone(),
            },
            llm: cli.global.llm,
            channels: if cli.global.no_examples {
                crate::analyze::Channels::RULES_ONLY
            } else {
                crate::analyze::Channels::ALL
            },
        }
    }

    /// The LLM settings if the LLM is enabled (flag or config), from ds01-pm.toml and the
    /// environment. A bad configuration is a tool error; an unreachable server is not.
    pub fn llm_settings(&self, force: bool) -> Result<Option<crate::llm::Settings>, Error> {
        let config = load_config()?;
        Self::llm_settings_of(&config, self.llm || force)
    }

    /// The LLM settings for a command whose results the model only adds to (`analyze`,
    /// `questions`). A file that does not parse, or an `[llm]` the file itself enables
    /// (`enabled = true`) that cannot be used, is a tool error naming the file. When only the
    /// `--llm` flag asks for the model and the setup cannot serve it (no model named, a refused
    /// address), that is one warning, and the rules-only result follows with its usual exit
    /// code, as `--llm` promises.
    pub fn llm_settings_or_warn(&self) -> Result<Option<crate::llm::Settings>, Error> {
        let config = load_config()?;
        let enabled_by_file = config
            .file
            .llm
            .as_ref()
            .and_then(|l| l.enabled)
            .unwrap_or(false);
        match Self::llm_settings_of(&config, self.llm) {
            Ok(s) => Ok(s),
            Err(Error::Invalid { message, hint }) if !enabled_by_file => {
                let hint = hint.map(|h| format!("; hint: {h}")).unwrap_or_default();
                report::warn(&format!("LLM suggestions skipped: {message}{hint}"));
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Check every `[llm]` setting but the model (which `llm doctor` is about to look for),
    /// the base URL included: it is refused as for any request (loopback unless
    /// `allow_remote`).
    pub fn check_llm_settings_but_model(&self) -> Result<(), Error> {
        let config = load_config()?;
        Self::llm_settings_env(&config, true, |k| {
            if k == crate::llm::ENV_MODEL {
                Some("any".to_owned())
            } else {
                std::env::var(k).ok()
            }
        })
        .map(|_| ())
    }

    fn llm_settings_of(
        config: &config::Config,
        enabled: bool,
    ) -> Result<Option<crate::llm::Settings>, Error> {
        Self::llm_settings_env(config, enabled, |k| std::env::var(k).ok())
    }

    fn llm_settings_env(
        config: &config::Config,
        enabled: bool,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<crate::llm::Settings>, Error> {
        crate::llm::settings(config.file.llm.as_ref(), enabled, env).map_err(|e| {
            match (e, &config.path) {
                // Name the file the setting came from, like every other input error.
                (Error::Invalid { message, hint }, Some(path)) => Error::Invalid {
                    message: match message.strip_prefix("llm configuration: ") {
                        Some(rest) => format!("{}: [llm] {rest}", path.display()),
                        None => message,
                    },
                    hint,
                },
                (e, _) => e,
            }
        })
    }

    /// For a command or mode that reads no rules (`plan`, `graph`, `score --check`,
    /// `--explain`, `--no-concerns`): rule files named with `--rules`, `--extend-rules` or
    /// `DS01_PM_RULES` are still read, so a mistyped path fails as it fails where the rules
    /// are loaded, instead of going unnoticed until then.
    pub fn check_rule_paths(&self) -> Result<(), Error> {
        if self.rules.replace.is_some() || !self.rules.extend.is_empty() {
            crate::rules::sources(&self.rules)?;
        }
        Ok(())
    }

    /// Load the rule set this invocation uses (embedded defaults unless overridden).
    pub fn rule_set(&self) -> Result<Rules, Error> {
        let started = std::time::Instant::now();
        let (set, from) = if self.rules.replace.is_none() && self.rules.extend.is_empty() {
            (
                Rules::Default(crate::rules::defaults()?),
                "embedded defaults".to_owned(),
            )
        } else {
            let mut from: Vec<String> = Vec::new();
            match &self.rules.replace {
                Some(dir) => from.push(dir.display().to_string()),
                None => from.push("embedded defaults".into()),
            }
            from.extend(
                self.rules
                    .extend
                    .iter()
                    .map(|p| format!("+ {}", p.display())),
            );
            let set = crate::rules::load(&self.rules)?;
            crate::rules::cost::check_total(&set)?;
            (
                Rules::Loaded(Box::new(crate::analyze::prove_user_rules(set)?)),
                from.join(" "),
            )
        };
        report::info(&format!(
            "rules: {} rules from {from}, loaded in {:.1} ms",
            set.rules.len(),
            started.elapsed().as_secs_f64() * 1e3
        ));
        Ok(set)
    }
}

/// The rule set in use: the process-wide defaults, or a set loaded from files.
#[derive(Debug)]
pub enum Rules {
    Default(&'static RuleSet),
    Loaded(Box<RuleSet>),
}

impl std::ops::Deref for Rules {
    type Target = RuleSet;
    fn deref(&self) -> &RuleSet {
        match self {
            Rules::Default(s) => s,
            Rules::Loaded(s) => s,
        }
    }
}

/// Standard input as UTF-8 text of at most [`error::MAX_TEXT_BYTES`], without a BOM; `hint`
/// says what to do instead when it cannot be read.
pub(crate) fn read_stdin(hint: &str) -> Result<String, Error> {
    read_stdin_max(hint, error::MAX_TEXT_BYTES)
}

/// How an input path is shown in messages: `-` (standard input) as `<stdin>`.
pub(crate) fn shown(path: &std::path::Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// A backlog-sized input (a backlog, an export to import): its name for messages
/// ([`shown`]) and its text, read from standard input for `-`.
pub(crate) fn read_input(
    path: &std::path::Path,
    stdin_hint: &str,
) -> Result<(String, String), Error> {
    let text = if path.as_os_str() == "-" {
        read_stdin_max(stdin_hint, error::MAX_BACKLOG_BYTES)?
    } else {
        error::read_text_max(path, error::MAX_BACKLOG_BYTES)?
    };
    Ok((shown(path), text))
}

/// [`read_stdin`] with another size limit.
pub(crate) fn read_stdin_max(hint: &str, limit: u64) -> Result<String, Error> {
    let mut s = String::new();
    std::io::stdin()
        .take(limit + 1)
        .read_to_string(&mut s)
        .map_err(|e| {
            Error::invalid(
                format!(
                    "<stdin>: cannot read standard input: {}",
                    error::io_message(&e)
                ),
                Some(hint),
            )
        })?;
    if s.len() as u64 > limit {
        return Err(error::too_large("<stdin>", None, limit));
    }
    Ok(s.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(s))
}
