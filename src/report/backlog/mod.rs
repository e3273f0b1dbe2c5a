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
    let mut s = String::new();
    push_num(&mut s, x);
    s
}

/// [`num`] appended to `out` (no String of its own: the human table formats 100k rows).
pub(super) fn push_num(out: &mut String, x: f64) {
    if push_num_exact(out, x) {
        return;
    }
    let start = out.len();
    let _ = write!(out, "{x:.2}");
    // `{:.2}` always writes a `.` for a finite number, so the trim stops there (as
    // `trim_end_matches('0').trim_end_matches('.')` on the number alone would).
    while out.len() > start && out.ends_with('0') {
        out.pop();
    }
    while out.len() > start && out.ends_with('.') {
        out.pop();
    }
}

/// [`num`] without formatting a float (`{:.2}` takes the slow exact path, the largest cost of
/// a 100k-row table) when the rounding to two decimals is certain: `x` positive, `x` × 100
/// below 2^36 (so its rounding error is under 2^-17) and not within 10^-4 of a tie. Then the
/// hundredths are `(x × 100).round()`, as `{:.2}` would round them; anything else (ties,
/// huge values, negatives, -0, NaN, infinities) goes through `format!` (false: nothing
/// written).
fn push_num_exact(out: &mut String, x: f64) -> bool {
    let y = x * 100.0;
    if !(x.is_sign_positive() && y < 68_719_476_736.0) || (y.fract() - 0.5).abs() < 1e-4 {
        return false;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let k = y.round() as u64;
    let (int, frac) = (k / 100, k % 100);
    push_u64(out, int);
    if frac != 0 {
        #[allow(clippy::cast_possible_truncation)]
        let (tens, ones) = ((frac / 10) as u8, (frac % 10) as u8);
        out.push('.');
        out.push(char::from(b'0' + tens));
        if ones != 0 {
            out.push(char::from(b'0' + ones));
        }
    }
    true
}

/// `n` in decimal, appended to `out` without going through `core::fmt`.
pub(super) fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        #[allow(clippy::cast_possible_truncation)]
        let d = (n % 10) as u8;
        digits[at] = b'0' + d;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
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

/// [`pct`] appended to `out`. `{:.0}` rounds the exact value of `x × 100` to the nearest
/// integer (a tie to even); `round()` agrees with it on every value that is not a tie, so
/// those below 2^53 skip the formatting machinery (about 1,700 instructions a cell).
pub(super) fn push_pct(out: &mut String, x: f64) {
    let y = x * 100.0;
    if y.is_sign_positive() && y < 9_007_199_254_740_992.0 && y.fract() != 0.5 {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        push_u64(out, y.round() as u64);
        out.push('%');
        return;
    }
    let _ = write!(out, "{y:.0}%");
}

pub(super) fn effort(it: &Item) -> String {
    let mut s = String::new();
    push_effort(&mut s, it);
    s
}

/// [`effort`] appended to `out`.
pub(super) fn push_effort(out: &mut String, it: &Item) {
    push_num(out, it.effort);
    if let Some(l) = &it.effort_label {
        out.push_str(" (");
        out.push_str(l);
        out.push(')');
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pct_without_float_formatting_is_pct_with_it() {
        let mut xs: Vec<f64> = vec![
            0.0,
            -0.0,
            0.005,
            0.015,
            0.125,
            0.5,
            0.8,
            1.0,
            0.994_999,
            0.995,
            2.5,
            1e10,
            1e14,
            9.1e13,
            1e300,
            f64::MAX,
            f64::MIN_POSITIVE,
            -0.8,
            f64::NAN,
            f64::INFINITY,
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for k in 0..200_000u32 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            xs.push(f64::from(k) / 2000.0);
            xs.push(f64::from_bits(state >> 2) % 1e6);
        }
        for x in xs {
            let mut fast = String::new();
            push_pct(&mut fast, x);
            assert_eq!(fast, pct(x), "{x:e}");
        }
    }

    #[test]
    fn num_without_float_formatting_is_num_with_it() {
        let slow = |x: f64| {
            let s = format!("{x:.2}");
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        };
        let mut xs: Vec<f64> = vec![
            0.0,
            -0.0,
            0.001,
            0.004,
            0.005,
            0.0051,
            0.015,
            0.125,
            0.375,
            1.005,
            2.675,
            1.115,
            0.045,
            10.0,
            100.0,
            99.995,
            99.994_999,
            1e9,
            6.8e8,
            6.9e8,
            7e8,
            1e15,
            1e300,
            f64::MAX,
            f64::MIN_POSITIVE,
            -1.5,
            -0.001,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1.0 / 3.0,
            2.0 / 3.0,
        ];
        // RICE-like values: reach × impact × confidence ÷ effort.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        #[allow(clippy::cast_precision_loss)]
        for _ in 0..200_000 {
            let reach = (next() % 5000) as f64;
            let impact = [0.25, 0.5, 1.0, 2.0, 3.0][(next() % 5) as usize];
            let confidence = (50 + next() % 51) as f64 / 100.0;
            let effort = [0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 8.0, 0.3][(next() % 8) as usize];
            xs.push(reach * impact * confidence / effort);
            xs.push((next() % 10_000_000) as f64 / 1000.0);
            xs.push(f64::from_bits(next() >> 2));
        }
        for k in 0..100_000u32 {
            xs.push(f64::from(k) / 1000.0);
            xs.push(f64::from(k) / 200.0);
        }
        for x in xs {
            assert_eq!(num(x), slow(x), "{x:e} ({:#x})", x.to_bits());
        }
    }
}
