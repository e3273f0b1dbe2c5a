//! Backlog ranking: RICE over a dependency graph (placeholder until the backlog lands).
pub mod command;
