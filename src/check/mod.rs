//! `ds01-pm check`: lint feature proposals the way Vale or conftest lint prose and config,
//! with DS01's product judgement. Pure: a document's text goes in, a [`FileReport`] comes out;
//! `commands::check` wires it to the CLI and `report::check` renders it.
pub(crate) mod checks;
pub(crate) mod config;
pub(crate) mod form;
pub(crate) mod proposal;
pub(crate) mod suppress;
pub(crate) mod template;

use serde::Serialize;

use crate::rules::RuleSet;

pub use crate::diag::Severity;
pub use crate::diag::check::{CHECKS, CheckInfo};
pub use config::Settings;

/// Version of the JSON shape of `check --format json`; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// One problem in one proposal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Stable code, e.g. `P201`.
    pub code: &'static str,
    /// Kebab name of the check, e.g. `gpu-when-none-free`.
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The canonical section the finding is about, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<&'static str>,
    /// Stable across runs and unrelated edits: hashes the code, the path and what the finding
    /// is about (not the line number).
    pub fingerprint: String,
}

/// A finding silenced by an in-document `allow` comment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuppressedFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub reason: String,
    /// Line of the suppression comment.
    pub suppressed_at: usize,
}

/// The result of checking one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileReport {
    /// The path as given (forward slashes), used in every output.
    pub path: String,
    /// The proposal's title (H1 or front-matter `title`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The line document-level findings point at: the title, or 1.
    pub title_line: usize,
    /// Sorted by line, column, code.
    pub findings: Vec<Finding>,
    pub suppressed: Vec<SuppressedFinding>,
    /// The concerns the analysis found (`kind:id`), which decide the concern-driven checks.
    pub concerns: Vec<String>,
}

/// The result of one `check` run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub schema_version: u32,
    pub fail_level: Severity,
    /// Sorted by path.
    pub files: Vec<FileReport>,
    /// Every check with the severity it reports at in this run (`None`: turned off).
    #[serde(skip)]
    pub checks: Vec<(&'static CheckInfo, Option<Severity>)>,
}

impl Outcome {
    /// Every finding of every file, in output order.
    pub fn findings(&self) -> impl Iterator<Item = (&FileReport, &Finding)> {
        self.files
            .iter()
            .flat_map(|f| f.findings.iter().map(move |x| (f, x)))
    }

    /// Number of findings at each severity: (errors, warnings, infos).
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for (_, f) in self.findings() {
            match f.severity {
                Severity::Error => c.0 += 1,
                Severity::Warning => c.1 += 1,
                Severity::Info => c.2 += 1,
            }
        }
        c
    }

    /// Whether any finding is at or above the fail level (exit 1).
    pub fn failed(&self) -> bool {
        self.findings().any(|(_, f)| f.severity >= self.fail_level)
    }
}

/// Check one proposal's text. `path` is only used for display and fingerprints.
pub fn check_text(set: &RuleSet, settings: &Settings, path: &str, text: &str) -> FileReport {
    checks::run(set, settings, path, text)
}
