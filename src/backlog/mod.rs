//! Backlog ranking: RICE over a dependency graph (compressed adjacency arrays). Loading and
//! validation, scoring, ordering, critical chains, sensitivity and phase planning are pure;
//! `commands::backlog` wires them to the CLI and `report::backlog` renders them.
pub mod concerns;
pub mod graph;
pub mod import;
mod minqueue;
mod model;
pub mod plan;
pub mod rank;
pub mod rice;
mod strtab;
pub mod validate;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diag::backlog as codes;
use crate::error::Error;

/// The effort unit the file declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum EffortUnit {
    #[default]
    PersonWeeks,
    PersonMonths,
}

impl EffortUnit {
    /// Short name for tables.
    pub fn short(self) -> &'static str {
        match self {
            EffortUnit::PersonWeeks => "pw",
            EffortUnit::PersonMonths => "pm",
        }
    }

    /// The name used in `backlog.toml`.
    pub fn name(self) -> &'static str {
        match self {
            EffortUnit::PersonWeeks => "person-weeks",
            EffortUnit::PersonMonths => "person-months",
        }
    }
}

/// How a prerequisite inherits value from what it unblocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Propagation {
    /// Effective score = own score.
    None,
    /// A blocker scores at least as high as anything it (transitively) blocks.
    Max,
    /// Own score plus `decay` × the effective scores of its direct dependents.
    Sum,
    /// A blocker scores at least the value per effort of the best whole chain it is part of:
    /// (value of an item and of all its unfinished prerequisites) ÷ (their summed effort).
    #[default]
    Chain,
}

impl Propagation {
    /// The name used in `backlog.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Propagation::None => "none",
            Propagation::Max => "max",
            Propagation::Sum => "sum",
            Propagation::Chain => "chain",
        }
    }
}

/// `[scoring]`, validated.
#[derive(Debug, Clone, Serialize)]
pub struct Scoring {
    pub reach_period: String,
    pub effort_unit: EffortUnit,
    pub propagation: Propagation,
    pub decay: f64,
    pub tshirt: BTreeMap<String, f64>,
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            reach_period: "users per semester".into(),
            effort_unit: EffortUnit::default(),
            propagation: Propagation::default(),
            decay: 0.5,
            tshirt: validate::DEFAULT_TSHIRT
                .iter()
                .map(|(k, v)| ((*k).to_owned(), *v))
                .collect(),
        }
    }
}

/// Work status; done items satisfy their dependents and leave the ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Todo,
    InProgress,
    Done,
}

impl Status {
    /// The name used in `backlog.toml` and in machine output.
    pub fn name(self) -> &'static str {
        match self {
            Status::Todo => "todo",
            Status::InProgress => "in-progress",
            Status::Done => "done",
        }
    }
}

/// A validated backlog item.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: String,
    pub title: String,
    pub description: String,
    pub reach: f64,
    pub impact: f64,
    pub confidence: f64,
    pub effort: f64,
    /// The t-shirt size the effort came from, if any.
    pub effort_label: Option<String>,
    /// Prerequisites (`depends_on`, deduplicated), as indices into `Backlog::items`.
    pub prereqs: Vec<usize>,
    pub status: Status,
    pub tags: Vec<String>,
    /// Where the item is tracked (an issue's URL), if the file says.
    pub url: Option<String>,
    /// The estimates are defaults `import` put in for an unestimated issue or row: its rank
    /// rests on guesses until someone estimates it.
    pub needs_estimate: bool,
    /// Line of the item's `id` in the file.
    pub line: usize,
}

impl Item {
    /// RICE: reach × impact × confidence ÷ effort.
    pub fn own_score(&self) -> f64 {
        rice::own_score(self.reach, self.impact, self.confidence, self.effort)
    }

    /// reach × impact × confidence: the value an item delivers, before dividing by effort.
    pub fn value(&self) -> f64 {
        (self.reach * self.impact * self.confidence).min(f64::MAX)
    }

    /// Whether the item still needs doing (not `done`).
    pub fn is_open(&self) -> bool {
        self.status != Status::Done
    }
}

/// A validated, acyclic backlog.
#[derive(Debug, Clone)]
pub struct Backlog {
    pub scoring: Scoring,
    pub items: Vec<Item>,
    /// Settings that are valid but have no effect as written (a `decay` under a strategy
    /// that does not use it), for the command to show as warnings. Never a reason to fail.
    pub warnings: Vec<Finding>,
    /// The dependency graph of the items' `prereqs` and a topological order of it, as
    /// validation built them to look for cycles (only validation makes a `Backlog`, and
    /// nothing changes one after). Shared with each [`rank::Ranking`].
    graph: std::sync::Arc<graph::DepGraph>,
    topo: Vec<usize>,
}

impl Backlog {
    /// The dependency graph of the items.
    pub fn graph(&self) -> &std::sync::Arc<graph::DepGraph> {
        &self.graph
    }

    /// A topological order of the items (prerequisites first), as [`graph::topological`]
    /// gives it.
    pub fn topological(&self) -> &[usize] {
        &self.topo
    }

    /// The index of an item id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.items.iter().position(|it| it.id == id)
    }
}

/// A problem in a backlog file, with a stable code and a 1-based position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub message: String,
    pub line: usize,
    pub col: usize,
}

/// Why a backlog could not be loaded: a file problem (tool error) or findings in its content.
#[derive(Debug)]
pub enum LoadError {
    Tool(Error),
    Findings(Vec<Finding>),
}

/// Parse and validate a backlog's text: every problem at once, cycles included.
pub fn parse(text: &str) -> Result<Backlog, LoadError> {
    let (file, problems) = model::read(text).map_err(|e| {
        let (pos, message) = crate::diag::toml_error_parts(text, &e);
        let (line, col) = pos.unwrap_or((1, 1));
        LoadError::Findings(vec![Finding {
            code: codes::B001.code,
            message,
            line,
            col,
        }])
    })?;
    validate::validate(text, file, problems).map_err(LoadError::Findings)
}
