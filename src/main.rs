//! The `ds01-pm` binary: parse arguments, run, map the outcome to an exit code.
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

fn main() -> ExitCode {
    match ds01_pm::cli::Cli::try_parse() {
        Ok(cli) => ds01_pm::main_with(cli),
        // Help and version are results on stdout: a failed write must not exit 0.
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            ds01_pm::report::clap_output(&e)
        }
        Err(e) => e.exit(),
    }
}
