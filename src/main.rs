//! The `ds01-pm` binary: parse arguments, run, map the outcome to an exit code.
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = ds01_pm::cli::Cli::parse();
    ds01_pm::main_with(cli)
}
