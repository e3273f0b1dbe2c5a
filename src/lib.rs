//! ds01-pm: an offline technical product manager for the DS01 GPU server.
//!
//! Data flow: [`cli::Cli`] → [`Ctx`] (resolved options) → rules ([`rules::load`]) → pure analysis
//! ([`analyze`], [`backlog`]) → [`report`] (the only module that writes) → [`error::ExitStatus`].
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod adr;
pub mod analyze;
pub mod backlog;
pub mod check;
pub mod cli;
pub mod config;
pub mod error;
pub mod eval;
pub mod explain;
pub mod fsio;
pub mod interview;
pub mod llm;
pub mod questions;
pub mod report;
pub mod rules;
pub mod shell_integration;
pub mod taxonomy;
pub mod text;
pub mod tradeoffs;

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use cli::{Cli, ColorChoice, Command, RulesCommand};
use error::{Error, ExitStatus};
use rules::{RuleSet, RuleSource};

/// Options resolved from the command line, shared by every command.
#[derive(Debug)]
pub struct Ctx {
    /// Whether to colour human output.
    pub color: bool,
    /// Where rules come from.
    pub rules: RuleSource,
    /// `--llm` was given.
    pub llm: bool,
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
        }
    }

    /// The LLM settings if the LLM is enabled (flag or config), from ds01-pm.toml and the
    /// environment. A bad configuration is a tool error; an unreachable server is not.
    pub fn llm_settings(&self, force: bool) -> Result<Option<llm::Settings>, Error> {
        let config = config::load(None)?;
        llm::settings(config.file.llm.as_ref(), self.llm || force, |k| {
            std::env::var(k).ok()
        })
        .map_err(|e| match (e, &config.path) {
            // Name the file the setting came from, like every other input error.
            (Error::Invalid { message, hint }, Some(path)) => Error::Invalid {
                message: match message.strip_prefix("llm configuration: ") {
                    Some(rest) => format!("{}: [llm] {rest}", path.display()),
                    None => message,
                },
                hint,
            },
            (e, _) => e,
        })
    }

    /// Load the rule set this invocation uses (embedded defaults unless overridden).
    pub fn rule_set(&self) -> Result<Rules, Error> {
        let started = std::time::Instant::now();
        let (set, from) = if self.rules.replace.is_none() && self.rules.extend.is_empty() {
            (
                Rules::Default(rules::defaults()?),
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
            (
                Rules::Loaded(Box::new(rules::load(&self.rules)?)),
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

/// Run a parsed command line and turn the outcome into the process exit code. Tool errors are
/// printed here, once, as `error: ...` plus an optional `hint: ...`.
pub fn main_with(cli: Cli) -> ExitCode {
    let ctx = Ctx::from_cli(&cli);
    report::set_verbosity(if cli.global.quiet {
        report::Verbosity::Quiet
    } else if cli.global.verbose {
        report::Verbosity::Verbose
    } else {
        report::Verbosity::Normal
    });
    let started = std::time::Instant::now();
    let result = run(cli, &ctx);
    report::info(&format!(
        "finished in {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    ));
    match result {
        Ok(status) => ExitCode::from(status as u8),
        // A closed pipe (`| head`) is the reader saying it has seen enough: not an error.
        Err(Error::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            report::error(&err, ctx.color && std::io::stderr().is_terminal());
            ExitCode::from(ExitStatus::Error as u8)
        }
    }
}

/// Run one command.
pub fn run(cli: Cli, ctx: &Ctx) -> Result<ExitStatus, Error> {
    match cli.command {
        Command::Analyze(args) => {
            let (a, llm) = analyze_with_llm(&args, ctx)?;
            report::emit(&report::analysis(&a, llm.as_ref(), args.format, ctx.color))?;
            Ok(ExitStatus::Ok)
        }
        Command::Questions(args) => {
            let (a, llm) = analyze_with_llm(&args, ctx)?;
            report::emit(&report::questions(&a, llm.as_ref(), args.format, ctx.color))?;
            Ok(ExitStatus::Ok)
        }
        Command::Llm(cli::LlmCommand::Doctor { format }) => {
            let settings = ctx.llm_settings(true)?.expect("forced on");
            let d = llm::doctor(&settings);
            report::emit(&report::llm_doctor(&d, format))?;
            Ok(if d.healthy() {
                ExitStatus::Ok
            } else {
                ExitStatus::Findings
            })
        }
        Command::Rules(cmd) => run_rules(cmd, ctx),
        Command::Score(args) => backlog::command::score(&args, ctx),
        Command::Plan(args) => backlog::command::plan(&args, ctx),
        Command::Graph(args) => backlog::command::graph(&args, ctx),
        Command::Report(args) => backlog::command::report(&args, ctx),
        Command::Check(args) => check::command::check(&args, ctx),
        Command::New(args) => check::command::new(&args, ctx),
        Command::Explain(args) => {
            let set = ctx.rule_set()?;
            // An empty topic (`explain ""`, an unset shell variable) lists the topics too.
            let out = match args.topic.as_deref().filter(|t| !t.trim().is_empty()) {
                None => report::explain::index(&explain::index(&set), args.format, ctx.color),
                Some(topic) => report::explain::explanation(
                    &explain::resolve(&set, topic)?,
                    args.format,
                    ctx.color,
                ),
            };
            report::emit(&out)?;
            Ok(ExitStatus::Ok)
        }
        Command::Adr(args) => adr::command(&args, ctx),
        Command::Completions { shell } => {
            report::emit(&shell_integration::completions(shell))?;
            Ok(ExitStatus::Ok)
        }
        Command::Man { dir: None, .. } => {
            report::emit(&shell_integration::man_page())?;
            Ok(ExitStatus::Ok)
        }
        Command::Man {
            dir: Some(dir),
            force,
        } => {
            for (name, page) in shell_integration::man_pages() {
                let path = dir.join(name);
                fsio::write_bytes(&path, &page, force)?;
                report::written(&path)?;
            }
            report::note(&format!(
                "next: `man -l {}` shows the main page",
                dir.join("ds01-pm.1").display()
            ));
            Ok(ExitStatus::Ok)
        }
    }
}

fn run_rules(cmd: RulesCommand, ctx: &Ctx) -> Result<ExitStatus, Error> {
    match cmd {
        RulesCommand::List { format } => {
            let set = ctx.rule_set()?;
            report::emit(&report::rules_list(&set, format))?;
            Ok(ExitStatus::Ok)
        }
        RulesCommand::Show { id, format } => {
            let set = ctx.rule_set()?;
            if let Some(c) = set.combinations.iter().find(|c| c.id == id) {
                report::emit(&report::question_eval::combination(c, format))?;
                return Ok(ExitStatus::Ok);
            }
            let Some(rule) = set.rule(&id) else {
                let ids = set.rules.iter().map(|r| r.id.as_str());
                let ids = ids.chain(set.combinations.iter().map(|c| c.id.as_str()));
                let hint = text::did_you_mean(&id, ids).map_or_else(
                    || "`ds01-pm rules list` shows every rule id".to_owned(),
                    |s| format!("did you mean `{s}`?"),
                );
                return Err(Error::invalid(
                    format!("no rule with id `{id}`"),
                    Some(&hint),
                ));
            };
            report::emit(&report::rule_detail(rule, format))?;
            Ok(ExitStatus::Ok)
        }
        RulesCommand::Check | RulesCommand::Test => {
            let set = ctx.rule_set()?;
            let broken = set.compile_all();
            if !broken.is_empty() {
                return Err(Error::Many {
                    problems: broken,
                    hint: Some("fix the patterns above".into()),
                });
            }
            let failures = rules::self_test(&set, false);
            report::emit(&report::self_test(&set, &failures, ctx.color))?;
            Ok(if failures.is_empty() {
                ExitStatus::Ok
            } else {
                ExitStatus::Findings
            })
        }
        RulesCommand::Eval { file, format } => {
            let set = ctx.rule_set()?;
            let name = file.display().to_string();
            let text = error::read_text(&file)?;
            if eval::questions::is_question_set(&text) {
                let data = eval::questions::load(&name, &text)?;
                let result = eval::questions::evaluate(&set, &data);
                report::emit(&report::question_eval::render(&result, format))?;
                return Ok(ExitStatus::Ok);
            }
            let data = eval::load(&name, &text)?;
            let result = eval::evaluate(&set, &data);
            report::emit(&report::eval(&result, format))?;
            Ok(ExitStatus::Ok)
        }
    }
}

/// Analyze the input; when the LLM is enabled, add its suggestions. A failed model call is one
/// warning on stderr and the rules-only result.
fn analyze_with_llm(
    args: &cli::AnalyzeArgs,
    ctx: &Ctx,
) -> Result<(analyze::Analysis, Option<llm::Suggestions>), Error> {
    let set = ctx.rule_set()?;
    let settings = ctx.llm_settings(false)?;
    let text = read_input(args)?;
    let mut a = analyze::analyze(&set, &text);
    let suggestions = settings.and_then(|s| match llm::suggest(&s, &set, &text, &a) {
        Ok(sug) => Some(sug),
        Err(e) => {
            report::warn(&format!(
                "LLM suggestions skipped: {}; hint: {}",
                e.what, e.hint
            ));
            None
        }
    });
    a.questions.truncate_top(args.top);
    Ok((a, suggestions))
}

/// Standard input as UTF-8 text of at most [`error::MAX_TEXT_BYTES`], without a BOM; `hint`
/// says what to do instead when it cannot be read.
pub(crate) fn read_stdin(hint: &str) -> Result<String, Error> {
    let mut s = String::new();
    let limit = error::MAX_TEXT_BYTES;
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

/// The feature text of `analyze`/`questions`: arguments, `-f FILE`, or standard input.
fn read_input(args: &cli::AnalyzeArgs) -> Result<String, Error> {
    let from_stdin = || read_stdin("pipe UTF-8 text, or pass the text as an argument");
    // The text, and where it came from for the "empty" message. A closed stdin reads as
    // empty: Rust reopens closed standard streams on /dev/null at start-up.
    const STDIN: &str = "<stdin>: ";
    let (text, origin) = match (&args.file, args.text.as_slice()) {
        (Some(p), _) if p.as_os_str() == "-" => (from_stdin()?, STDIN.to_owned()),
        (Some(p), _) => (error::read_text(p)?, format!("{}: ", p.display())),
        (None, [dash]) if dash == "-" => (from_stdin()?, STDIN.to_owned()),
        (None, []) if !std::io::stdin().is_terminal() => (from_stdin()?, STDIN.to_owned()),
        (None, []) => {
            return Err(Error::invalid(
                "no feature description given",
                Some(
                    "pass it as text (`ds01-pm analyze \"...\"`), with `-f FILE`, or on standard input (`-`)",
                ),
            ));
        }
        (None, words) => (words.join(" "), String::new()),
    };
    // A proposal's TOML front matter and its guidance in HTML comments (the template's) are
    // not the description: blank both, keeping offsets.
    let text = text::blank_html_comments(&text::blank_front_matter(&text)).into_owned();
    if text.trim().is_empty() {
        let closed = if origin == STDIN {
            " (standard input was empty or closed)"
        } else {
            ""
        };
        return Err(Error::invalid(
            format!("{origin}the feature description is empty{closed}"),
            Some(
                "describe the feature in a sentence or more, e.g. \"let students queue for a GPU\"",
            ),
        ));
    }
    Ok(text)
}
