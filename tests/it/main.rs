//! The integration tests, in one binary (one link, one process start-up): a module per command
//! or area, and [`common`] for what they share. Snapshots are in `snapshots/`, named
//! `it__<module>__<name>.snap` after the module path.
mod adr_cli;
mod analyze;
mod backlog;
mod backlog_cli;
mod bad_input;
mod check_cli;
mod cli;
mod common;
mod explain_cli;
mod forms;
mod fuzz_regressions;
mod hostile_output;
mod import;
mod layering;
mod llm;
mod new_cli;
mod properties;
mod question_specificity;
mod report_cli;
mod rules;
