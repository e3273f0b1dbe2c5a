//! ds01-pm: an offline technical product manager for the DS01 GPU server.
//!
//! Data flow: [`cli::Cli`] → [`Ctx`] (resolved options) → rules ([`rules::load`]) → pure analysis
//! ([`analyze`], [`backlog`]) → [`report`] (the only module that writes) → [`error::ExitStatus`].
//! Each subcommand lives in [`commands`]; this file only declares modules and dispatches.
//! The layering (dependencies point down only) is drawn in the README and enforced by the
//! `module_layering` test.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod adr;
pub mod analyze;
pub mod backlog;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diag;
pub mod error;
pub mod eval;
pub mod explain;
pub mod fsio;
pub mod interview;
pub mod llm;
pub mod report;
pub mod rules;
pub mod shell_integration;
pub mod taxonomy;
pub mod text;

use std::io::IsTerminal;
use std::process::ExitCode;

use cli::{Cli, Command};
pub use commands::{Ctx, Rules};
use error::{Error, ExitStatus};

/// Run a parsed command line and turn the outcome into the process exit code. Tool errors are
/// printed here, once, as `error: ...` plus an optional `hint: ...`.
pub fn main_with(cli: Cli) -> ExitCode {
    if cli.global.quiet && cli.global.verbose {
        // clap refuses `-q -v` given at one level; split over two (`-v check -q`), both arrive
        // set. One rule for every order: the same usage error.
        let err = <Cli as clap::CommandFactory>::command().error(
            clap::error::ErrorKind::ArgumentConflict,
            "the argument '--verbose' cannot be used with '--quiet'",
        );
        let _ = err.print();
        return ExitCode::from(ExitStatus::Error as u8);
    }
    if let Some(name) = cli.global.llm.then(|| without_llm(&cli.command)).flatten() {
        // Accepted and ignored would let a user believe the model took part.
        let err = <Cli as clap::CommandFactory>::command().error(
            clap::error::ErrorKind::ArgumentConflict,
            format!(
                "the argument '--llm' does nothing for `{name}`: only `analyze`, `questions` and `llm doctor` ask the model"
            ),
        );
        let _ = err.print();
        return ExitCode::from(ExitStatus::Error as u8);
    }
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
/// The name of a command the model takes no part in (`None` for those it does).
fn without_llm(command: &Command) -> Option<&'static str> {
    Some(match command {
        Command::Analyze(_) | Command::Questions(_) | Command::Llm(_) => return None,
        Command::Rules(_) => "rules",
        Command::Score(_) => "score",
        Command::Plan(_) => "plan",
        Command::Graph(_) => "graph",
        Command::Report(_) => "report",
        Command::Check(_) => "check",
        Command::New(_) => "new",
        Command::Explain(_) => "explain",
        Command::Adr(_) => "adr",
        Command::Import(_) => "import",
        Command::Completions { .. } => "completions",
        Command::Man { .. } => "man",
    })
}

pub fn run(cli: Cli, ctx: &Ctx) -> Result<ExitStatus, Error> {
    match cli.command {
        Command::Analyze(args) => commands::analyze::analyze(&args, ctx),
        Command::Questions(args) => commands::analyze::questions(&args, ctx),
        Command::Llm(cmd) => commands::llm::run(&cmd, ctx),
        Command::Rules(cmd) => commands::rules::run(cmd, ctx),
        Command::Score(args) => commands::backlog::score(&args, ctx),
        Command::Plan(args) => commands::backlog::plan(&args, ctx),
        Command::Graph(args) => commands::backlog::graph(&args, ctx),
        Command::Report(args) => commands::backlog::report(&args, ctx),
        Command::Check(args) => commands::check::check(&args, ctx),
        Command::New(args) => commands::new::new(&args, ctx),
        Command::Explain(args) => commands::explain::run(&args, ctx),
        Command::Adr(args) => commands::adr::run(&args, ctx),
        Command::Import(cmd) => commands::import::run(&cmd, ctx),
        Command::Completions { shell } => commands::shell::completions(shell),
        Command::Man { dir, force } => commands::shell::man(dir.as_deref(), force),
    }
}
