//! Rendering of `score`, `plan` and `graph`: human (comfy-table), JSON, CSV, Markdown, DOT and
//! Mermaid. Everything here turns finished data into a string; nothing is computed but layout.
//! One file per renderer; this one holds the cell formats they share.
mod explain;
mod findings;
mod graph;
mod plan;
mod score;
use std::collections::HashSet;
use std::fmt::Write;

use comfy_table::{ColumnConstraint, Table};
use serde::Serialize;

use super::json;
use crate::analyze::ConcernSummary;
use crate::backlog::concerns::Concerns;
use crate::backlog::plan::{Plan, Reason};
use crate::backlog::rank::{Ranking, Sensitivity};
use crate::backlog::{Backlog, Finding, Item, Propagation, Status};
use crate::cli::{GraphFormat, ScoreFormat};

/// Version of the JSON shapes of `score`, `score --check` and `plan`.
pub const SCHEMA_VERSION: u32 = 1;

pub use explain::explain;
pub use findings::findings;
pub use graph::graph;
pub use plan::plan;
pub use score::{ScoreView, score, score_json_to};

/// The width the backlog tables fill when stdout is not a terminal (stable piped output).
const PIPE_WIDTH: u16 = 160;

fn table(header: &[&str]) -> Table {
    super::human::table_with_width(header, PIPE_WIDTH)
}

/// A number for people: at most two decimals, no trailing zeros.
pub(super) fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A number for machines: three decimals, so snapshots do not churn on float noise.
fn round(x: f64) -> f64 {
    let r = (x * 1000.0).round() / 1000.0;
    // Above ~1e305 the scaling overflows (and JSON would print infinity as `null`); such
    // numbers have no decimals to round anyway.
    if r.is_finite() { r } else { x }
}

pub(super) fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

pub(super) fn effort(it: &Item) -> String {
    match &it.effort_label {
        Some(l) => format!("{} ({l})", num(it.effort)),
        None => num(it.effort),
    }
}

pub(super) fn impact_word(x: f64) -> &'static str {
    crate::backlog::validate::IMPACT_WORDS
        .iter()
        .find(|(_, v)| (v - x).abs() < 1e-9)
        .map_or("", |(w, _)| w)
}

pub(super) fn concerns_cell(c: &ConcernSummary) -> String {
    let mut parts = Vec::new();
    if !c.layers.is_empty() {
        parts.push(c.layers.join(" "));
    }
    if !c.tiers.is_empty() {
        parts.push(c.tiers.join(" "));
    }
    if c.gpu_impact != "none" {
        parts.push(format!("gpu:{}", c.gpu_impact));
    }
    parts.join("; ")
}

use super::escape;
use escape::{csv as csv_field, md_cell};

/// The backlog with every text a line of terminal or Markdown output shows (ids, titles,
/// effort labels, the reach period) made visible-safe by [`escape::term`]; borrowed when there
/// is nothing to escape, as in nearly every backlog.
pub(super) fn one_line(b: &Backlog) -> std::borrow::Cow<'_, Backlog> {
    let bad = |s: &str| s.chars().any(escape::is_hostile);
    let hostile = bad(&b.scoring.reach_period)
        || b.items
            .iter()
            .any(|it| bad(&it.id) || bad(&it.title) || it.effort_label.as_deref().is_some_and(bad));
    if !hostile {
        return std::borrow::Cow::Borrowed(b);
    }
    let mut c = b.clone();
    let fix = |s: &mut String| {
        if let std::borrow::Cow::Owned(t) = escape::term(s) {
            *s = t;
        }
    };
    fix(&mut c.scoring.reach_period);
    for it in &mut c.items {
        fix(&mut it.id);
        fix(&mut it.title);
        if let Some(l) = &mut it.effort_label {
            fix(l);
        }
    }
    std::borrow::Cow::Owned(c)
}

fn ids<'a>(b: &'a Backlog, list: &[usize]) -> Vec<&'a str> {
    list.iter().map(|&i| b.items[i].id.as_str()).collect()
}
