//! Findings at the ground floor: their severity, the registry of every finding code (`check`'s
//! `P…` in [`check`], a backlog's `B…` in [`backlog`]) and TOML error messages. Every layer
//! above may use it; it uses only `text`.
pub mod backlog;
pub mod check;
mod toml_error;

use serde::Serialize;

pub(crate) use toml_error::{toml_error, toml_error_parts};

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    /// The name used in config files, flags and output.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parse `error`, `warning` (or `warn`), `info` (or `note`).
    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "error" | "deny" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" | "note" | "notice" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// A registered finding code of any family, found by code or name, case-insensitively.
#[derive(Debug, Clone, Copy)]
pub enum Code {
    /// A `check` finding (`P…`).
    Check(&'static check::CheckInfo),
    /// A backlog finding (`B…`).
    Backlog(&'static backlog::CodeInfo),
}

/// Find a finding code (`P201`, `B011`) or its name (`gpu-when-none-free`), case-insensitively.
pub fn find(key: &str) -> Option<Code> {
    check::find(key)
        .map(Code::Check)
        .or_else(|| backlog::find(key).map(Code::Backlog))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// `explain` and suppressions resolve a code or a name across both families: no key may
    /// mean two things.
    #[test]
    fn codes_and_names_are_unique_across_families() {
        let mut keys = BTreeSet::new();
        for (code, name) in check::CHECKS
            .iter()
            .map(|c| (c.code, c.name))
            .chain(backlog::CODES.iter().map(|c| (c.code, c.name)))
        {
            assert!(keys.insert(code.to_ascii_lowercase()), "{code} twice");
            assert!(keys.insert(name.to_ascii_lowercase()), "{name} twice");
        }
        assert!(matches!(find("p201"), Some(Code::Check(c)) if c.code == "P201"));
        assert!(matches!(find("dependency-cycle"), Some(Code::Backlog(c)) if c.code == "B011"));
        assert!(find("P999").is_none());
    }
}
