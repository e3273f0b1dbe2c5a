//! Rendering of `score`, `plan` and `graph`: human (comfy-table), JSON, CSV, Markdown, DOT and
//! Mermaid. Everything here turns finished data into a string; nothing is computed but layout.
use std::collections::HashSet;
use std::fmt::Write;

use comfy_table::{ColumnConstraint, Table};
use serde::Serialize;

use super::json;
use crate::analyze::ConcernSummary;
use crate::backlog::concerns::Concerns;
use crate::backlog::plan::{Plan, Reason};
use crate::backlog::rank::{Ranking, Sensitivity};
use crate::backlog::{Backlog, Finding, Item, Propagation, Scoring, Status};
use crate::cli::{GraphFormat, ScoreFormat};

/// Version of the JSON shapes of `score`, `score --check` and `plan`.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything `score` shows.
pub struct ScoreView<'a> {
    pub path: &'a str,
    pub backlog: &'a Backlog,
    pub ranking: &'a Ranking,
    /// `None` with `--no-concerns`.
    pub concerns: Option<&'a Concerns>,
    pub top: Option<usize>,
    pub critical_path: bool,
    pub sensitivity: Option<&'a [Sensitivity]>,
}

fn table(header: &[&str]) -> Table {
    super::human::table_with_width(header, 160)
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

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn ids<'a>(b: &'a Backlog, list: &[usize]) -> Vec<&'a str> {
    list.iter().map(|&i| b.items[i].id.as_str()).collect()
}

#[derive(Serialize)]
struct InheritJson<'a> {
    /// The item whose score flows in (for `max`, the original source).
    from: &'a str,
    /// For `max`, the direct dependent it flows through when that is not `from` itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    via: Option<&'a str>,
    value: f64,
}

#[derive(Serialize)]
struct ItemJson<'a> {
    rank: usize,
    id: &'a str,
    title: &'a str,
    status: Status,
    reach: f64,
    impact: f64,
    confidence: f64,
    effort: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    effort_label: Option<&'a str>,
    own_score: f64,
    effective_score: f64,
    inherits: Vec<InheritJson<'a>>,
    unblocks: Vec<&'a str>,
    blocked_by: Vec<&'a str>,
    /// Prerequisites already done.
    satisfied: Vec<&'a str>,
    chain_effort: f64,
    chain_prev: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    concerns: Option<&'a ConcernSummary>,
    tags: &'a [String],
}

#[derive(Serialize)]
struct CriticalJson<'a> {
    items: Vec<&'a str>,
    effort: f64,
}

#[derive(Serialize)]
struct ChangeJson {
    estimate: &'static str,
    from: f64,
    to: f64,
    new_rank: usize,
}

#[derive(Serialize)]
struct SensitivityJson<'a> {
    id: &'a str,
    rank: usize,
    changes: Vec<ChangeJson>,
}

/// The ranked items, serialized one at a time (100k items never exist as JSON structs at once).
struct ItemsJson<'v, 'a> {
    view: &'v ScoreView<'a>,
    count: usize,
}

impl Serialize for ItemsJson<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.view
                .ranking
                .order
                .iter()
                .take(self.count)
                .enumerate()
                .map(|(k, &i)| item_json(self.view, k + 1, i)),
        )
    }
}

#[derive(Serialize)]
struct ScoreJson<'v, 'a> {
    schema_version: u32,
    backlog: &'a str,
    scoring: &'a Scoring,
    open: usize,
    items: ItemsJson<'v, 'a>,
    done: Vec<&'a str>,
    critical_path: CriticalJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sensitivity: Option<Vec<SensitivityJson<'a>>>,
}

/// What `i` inherits, as (source, via, value) rows.
fn inherits<'a>(b: &'a Backlog, r: &Ranking, i: usize) -> Vec<InheritJson<'a>> {
    match b.scoring.propagation {
        Propagation::None => Vec::new(),
        Propagation::Max => r.effective.via[i]
            .map(|via| {
                let origin = r.effective.origin[i];
                InheritJson {
                    from: &b.items[origin].id,
                    via: (via != origin).then(|| b.items[via].id.as_str()),
                    value: round(r.effective.score[i]),
                }
            })
            .into_iter()
            .collect(),
        Propagation::Sum => r
            .sum_contributions(i, b.scoring.decay)
            .into_iter()
            .map(|(j, v)| InheritJson {
                from: &b.items[j].id,
                via: None,
                value: round(v),
            })
            .collect(),
    }
}

fn item_json<'a>(v: &ScoreView<'a>, rank: usize, i: usize) -> ItemJson<'a> {
    let b = v.backlog;
    let r = v.ranking;
    let it = &b.items[i];
    ItemJson {
        rank,
        id: &it.id,
        title: &it.title,
        status: it.status,
        reach: it.reach,
        impact: it.impact,
        confidence: it.confidence,
        effort: it.effort,
        effort_label: it.effort_label.as_deref(),
        own_score: round(r.own[i]),
        effective_score: round(r.effective.score[i]),
        inherits: inherits(b, r, i),
        unblocks: ids(b, &r.unblocks(i)),
        blocked_by: ids(b, &r.blocked_by(i)),
        satisfied: ids(b, &r.satisfied(i)),
        chain_effort: round(r.chain_effort[i]),
        chain_prev: r.chain_prev[i].map(|p| b.items[p].id.as_str()),
        concerns: v.concerns.map(|c| c.get(i)),
        tags: &it.tags,
    }
}

/// `score` in every format.
pub fn score(v: &ScoreView<'_>, format: ScoreFormat) -> String {
    let b = v.backlog;
    let r = v.ranking;
    let n = v.top.unwrap_or(usize::MAX);
    let rows = r
        .order
        .iter()
        .copied()
        .take(n)
        .enumerate()
        .map(|(k, i)| (k + 1, i));
    match format {
        ScoreFormat::Json => {
            let count = n.min(r.order.len());
            let edges: usize = b.items.iter().map(|it| it.prereqs.len()).sum();
            let estimate = 4096 + count * 1000 + edges * 80;
            super::json_sized(
                &ScoreJson {
                    schema_version: SCHEMA_VERSION,
                    backlog: v.path,
                    scoring: &b.scoring,
                    open: r.order.len(),
                    items: ItemsJson { view: v, count },
                    done: b
                        .items
                        .iter()
                        .filter(|it| !it.is_open())
                        .map(|it| it.id.as_str())
                        .collect(),
                    critical_path: CriticalJson {
                        items: ids(b, &r.critical),
                        effort: round(r.critical_effort),
                    },
                    sensitivity: v.sensitivity.map(|s| {
                        s.iter()
                            .map(|x| SensitivityJson {
                                id: &b.items[x.index].id,
                                rank: x.rank,
                                changes: x
                                    .changes
                                    .iter()
                                    .map(|c| ChangeJson {
                                        estimate: c.estimate,
                                        from: round(c.from),
                                        to: round(c.to),
                                        new_rank: c.new_rank,
                                    })
                                    .collect(),
                            })
                            .collect()
                    }),
                },
                estimate,
            )
        }
        ScoreFormat::Csv => {
            let mut out = String::from(
                "rank,id,title,reach,impact,confidence,effort,own_score,effective_score,unblocks,blocked_by,layers,tiers,gpu_impact\n",
            );
            // `--no-concerns` leaves the three concern columns empty.
            let none = ConcernSummary {
                layers: Vec::new(),
                tiers: Vec::new(),
                gpu_impact: String::new(),
            };
            for (k, i) in rows {
                let it = &b.items[i];
                let c = v.concerns.map_or(&none, |c| c.get(i));
                let fields = [
                    k.to_string(),
                    it.id.clone(),
                    it.title.clone(),
                    num(it.reach),
                    num(it.impact),
                    num(it.confidence),
                    num(it.effort),
                    num(r.own[i]),
                    num(r.effective.score[i]),
                    ids(b, &r.unblocks(i)).join(" "),
                    ids(b, &r.blocked_by(i)).join(" "),
                    c.layers.join(" "),
                    c.tiers.join(" "),
                    c.gpu_impact.clone(),
                ];
                let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
                let _ = writeln!(out, "{}", line.join(","));
            }
            out
        }
        ScoreFormat::Markdown => {
            let mut out = String::from(
                "| # | ID | Title | R | I | C | E | Own | Effective | Unblocks | Blocked by | Concerns |\n|---:|---|---|---:|---:|---:|---:|---:|---:|---|---|---|\n",
            );
            for (k, i) in rows {
                let it = &b.items[i];
                let _ = writeln!(
                    out,
                    "| {k} | `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    it.id,
                    md_cell(&it.title),
                    num(it.reach),
                    num(it.impact),
                    pct(it.confidence),
                    md_cell(&effort(it)),
                    num(r.own[i]),
                    num(r.effective.score[i]),
                    ids(b, &r.unblocks(i)).join(", "),
                    ids(b, &r.blocked_by(i)).join(", "),
                    md_cell(
                        &v.concerns
                            .map_or_else(String::new, |c| concerns_cell(c.get(i)))
                    )
                );
            }
            let _ = writeln!(out, "\n{}", footer(v));
            extras(&mut out, v, true);
            out
        }
        ScoreFormat::Human => {
            let mut t = table(&[
                "#",
                "ID",
                "Title",
                "R",
                "I",
                "C",
                "E",
                "Own",
                "Effective",
                "Unblocks",
                "Blocked by",
                "Concerns",
            ]);
            for (k, i) in rows {
                let it = &b.items[i];
                let eff = num(r.effective.score[i]);
                let inherited = r.effective.score[i] > r.own[i] + 1e-9;
                t.add_row(vec![
                    k.to_string(),
                    it.id.clone(),
                    it.title.clone(),
                    num(it.reach),
                    num(it.impact),
                    pct(it.confidence),
                    effort(it),
                    num(r.own[i]),
                    if inherited { format!("{eff} ↑") } else { eff },
                    ids(b, &r.unblocks(i)).join("\n"),
                    ids(b, &r.blocked_by(i)).join("\n"),
                    v.concerns
                        .map_or_else(String::new, |c| concerns_cell(c.get(i))),
                ]);
            }
            if let Some(col) = t.column_mut(1) {
                col.set_constraint(ColumnConstraint::ContentWidth);
            }
            let mut out = format!("{t}\n{}\n", footer(v));
            extras(&mut out, v, false);
            out
        }
    }
}

fn footer(v: &ScoreView<'_>) -> String {
    let s = &v.backlog.scoring;
    let total = v.ranking.order.len();
    let shown = v.top.unwrap_or(total).min(total);
    let done = v.backlog.items.len() - total;
    let strategy = match s.propagation {
        Propagation::None => "strategy none: no inheritance".to_owned(),
        Propagation::Max => "↑ = inherits the best score it unblocks (strategy max)".to_owned(),
        Propagation::Sum => format!(
            "↑ = inherits {} × what it unblocks (strategy sum)",
            num(s.decay)
        ),
    };
    format!(
        "{shown} of {total} open items; {done} done. RICE = reach ({}) × impact × confidence ÷ effort ({}); {strategy}. Never ranked above an unfinished prerequisite; ties: own score, then id. `--explain ID` shows the arithmetic.",
        s.reach_period,
        s.effort_unit.short(),
    )
}

fn extras(out: &mut String, v: &ScoreView<'_>, markdown: bool) {
    let b = v.backlog;
    let unit = b.scoring.effort_unit.short();
    let head = |s: &str| {
        if markdown {
            format!("\n**{s}**")
        } else {
            format!("\n{s}")
        }
    };
    if v.critical_path {
        let _ = writeln!(
            out,
            "{}: {} ({} {unit})",
            head("Critical chain"),
            ids(b, &v.ranking.critical).join(" → "),
            num(v.ranking.critical_effort),
        );
    }
    if let Some(sens) = v.sensitivity {
        let _ = writeln!(
            out,
            "{}",
            head("Sensitivity (one estimate changed at a time):")
        );
        for s in sens {
            let id = &b.items[s.index].id;
            if s.changes.is_empty() {
                let _ = writeln!(
                    out,
                    "- #{} {id}: stays at #{} under every single change (confidence step, impact step, effort ±50%)",
                    s.rank, s.rank
                );
                continue;
            }
            let what: Vec<String> = s
                .changes
                .iter()
                .map(|c| {
                    let (from, to) = match c.estimate {
                        "confidence" => (pct(c.from), pct(c.to)),
                        "effort" => (
                            format!("{} {unit}", num(c.from)),
                            format!("{} {unit}", num(c.to)),
                        ),
                        _ => (num(c.from), num(c.to)),
                    };
                    format!("{} {from} → {to} moves it to #{}", c.estimate, c.new_rank)
                })
                .collect();
            let _ = writeln!(out, "- #{} {id}: {}", s.rank, what.join("; "));
        }
    }
}

/// `score --explain ID`: the arithmetic, line by line, and why the item sits where it does.
pub fn explain(b: &Backlog, r: &Ranking, i: usize) -> String {
    let it = &b.items[i];
    let s = &b.scoring;
    let unit = s.effort_unit.short();
    let id = |j: usize| format!("`{}`", b.items[j].id);
    let mut out = format!("{} — {}\n", it.id, it.title);
    let _ = writeln!(out, "  reach      {} ({})", num(it.reach), s.reach_period);
    let _ = writeln!(
        out,
        "  impact     {} ({})",
        num(it.impact),
        impact_word(it.impact)
    );
    let _ = writeln!(out, "  confidence {}", pct(it.confidence));
    let size = it
        .effort_label
        .as_ref()
        .map(|l| format!(" (t-shirt {l})"))
        .unwrap_or_default();
    let _ = writeln!(out, "  effort     {} {unit}{size}", num(it.effort));
    let _ = writeln!(
        out,
        "  own score  {} × {} × {} ÷ {} = {}",
        num(it.reach),
        num(it.impact),
        num(it.confidence),
        num(it.effort),
        num(r.own[i])
    );
    if !it.is_open() {
        let _ = writeln!(
            out,
            "  status     done: satisfied, so it is not ranked, inherits nothing and blocks nothing"
        );
        let waiting: Vec<String> = r.unblocks(i).into_iter().map(id).collect();
        if !waiting.is_empty() {
            let _ = writeln!(out, "  satisfies  {}", waiting.join(", "));
        }
        return out;
    }
    let eff = r.effective.score[i];
    match s.propagation {
        Propagation::None => {
            let _ = writeln!(
                out,
                "  effective  {} = own score (strategy none: nothing is inherited)",
                num(eff)
            );
        }
        Propagation::Max => match r.effective.via[i] {
            None => {
                let _ = writeln!(
                    out,
                    "  effective  {} = own score (strategy max: nothing it unblocks scores higher)",
                    num(eff)
                );
            }
            Some(via) => {
                let origin = r.effective.origin[i];
                let path = if via == origin {
                    format!("{}, which it unblocks directly", id(origin))
                } else {
                    format!(
                        "{}, reached through {} which it unblocks",
                        id(origin),
                        id(via)
                    )
                };
                let _ = writeln!(
                    out,
                    "  effective  {} = max(own {}, inherited {}: the own score of {path}) [strategy max]",
                    num(eff),
                    num(r.own[i]),
                    num(r.own[origin])
                );
            }
        },
        Propagation::Sum => {
            let parts: Vec<String> = r
                .sum_contributions(i, s.decay)
                .into_iter()
                .map(|(j, v)| {
                    format!(
                        "{} × {} ({}) = {}",
                        num(s.decay),
                        num(r.effective.score[j]),
                        id(j),
                        num(v)
                    )
                })
                .collect();
            if parts.is_empty() {
                let _ = writeln!(
                    out,
                    "  effective  {} = own score (strategy sum: it unblocks nothing open)",
                    num(eff)
                );
            } else {
                let _ = writeln!(
                    out,
                    "  effective  {} = own {} + {} [strategy sum, decay {}]",
                    num(eff),
                    num(r.own[i]),
                    parts.join(" + "),
                    num(s.decay)
                );
            }
        }
    }
    let chain: Vec<String> = r
        .chain(i)
        .into_iter()
        .map(|j| b.items[j].id.clone())
        .collect();
    let _ = writeln!(
        out,
        "  chain      {} ({} {unit}: the longest effort-weighted chain of unfinished prerequisites, this item included)",
        chain.join(" → "),
        num(r.chain_effort[i])
    );
    let my = r.rank[i].expect("open items are ranked");
    let _ = writeln!(out, "  rank       #{my} of {}", r.order.len());
    let before = r.blocked_by(i);
    if !before.is_empty() {
        let list: Vec<String> = before
            .iter()
            .map(|&p| format!("{} (#{})", id(p), r.rank[p].unwrap_or(0)))
            .collect();
        let _ = writeln!(
            out,
            "  after      its unfinished prerequisites {}: nothing ranks above one of its prerequisites",
            list.join(", ")
        );
    }
    let done = r.satisfied(i);
    if !done.is_empty() {
        let list: Vec<String> = done.into_iter().map(id).collect();
        let _ = writeln!(out, "  satisfied  {} (done)", list.join(", "));
    }
    if my > 1 {
        let a = r.order[my - 2];
        let why = why_above(b, r, a, i);
        let _ = writeln!(out, "  below      #{} {}: {why}", my - 1, id(a));
    }
    if let Some(&c) = r.order.get(my) {
        let why = why_above(b, r, i, c);
        let _ = writeln!(out, "  above      #{} {}: {why}", my + 1, id(c));
    }
    let unblocks: Vec<String> = r.unblocks(i).into_iter().map(id).collect();
    if !unblocks.is_empty() {
        let _ = writeln!(out, "  unblocks   {}", unblocks.join(", "));
    }
    out
}

/// Why `a` is ranked directly above `c`, in words.
fn why_above(b: &Backlog, r: &Ranking, a: usize, c: usize) -> String {
    let (ea, ec) = (r.effective.score[a], r.effective.score[c]);
    if r.blocked_by(c).contains(&a) {
        return format!("{} is a prerequisite of {}", b.items[a].id, b.items[c].id);
    }
    if ea > ec {
        return format!("higher effective score ({} > {})", num(ea), num(ec));
    }
    if ea < ec {
        // `c` scores higher but was not available yet: its last prerequisite was placed later.
        let last = r
            .blocked_by(c)
            .into_iter()
            .max_by_key(|&p| r.rank[p])
            .map_or_else(String::new, |p| {
                format!(
                    ": it waited for `{}` (#{})",
                    b.items[p].id,
                    r.rank[p].unwrap_or(0)
                )
            });
        return format!(
            "{} scores higher ({} > {}) but could not come earlier{last}",
            b.items[c].id,
            num(ec),
            num(ea)
        );
    }
    let (oa, oc) = (r.own[a], r.own[c]);
    if oa > oc {
        format!(
            "same effective score, higher own score ({} > {})",
            num(oa),
            num(oc)
        )
    } else {
        format!(
            "same effective and own scores; ids sort `{}` < `{}`",
            b.items[a].id, b.items[c].id
        )
    }
}

#[derive(Serialize)]
struct FindingJson<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    severity: &'static str,
    code: &'static str,
    message: &'a str,
}

/// `score --check`: validation problems and cycles as findings.
pub fn findings(path: &str, findings: &[Finding], format: ScoreFormat) -> String {
    match format {
        ScoreFormat::Json => {
            #[derive(Serialize)]
            struct Out<'a> {
                schema_version: u32,
                backlog: &'a str,
                findings: Vec<FindingJson<'a>>,
            }
            json(&Out {
                schema_version: SCHEMA_VERSION,
                backlog: path,
                findings: findings
                    .iter()
                    .map(|f| FindingJson {
                        file: path,
                        line: f.line,
                        column: f.col,
                        severity: "error",
                        code: f.code,
                        message: &f.message,
                    })
                    .collect(),
            })
        }
        ScoreFormat::Csv => {
            let mut out = String::from("file,line,column,severity,code,message\n");
            for f in findings {
                let _ = writeln!(
                    out,
                    "{},{},{},error,{},{}",
                    csv_field(path),
                    f.line,
                    f.col,
                    f.code,
                    csv_field(&f.message)
                );
            }
            out
        }
        ScoreFormat::Markdown => {
            let mut out = String::from("| Location | Code | Problem |\n|---|---|---|\n");
            for f in findings {
                let _ = writeln!(
                    out,
                    "| {path}:{}:{} | {} | {} |",
                    f.line,
                    f.col,
                    f.code,
                    md_cell(&f.message)
                );
            }
            if findings.is_empty() {
                out.push_str("| — | — | no problems |\n");
            }
            out
        }
        ScoreFormat::Human => {
            let mut out = String::new();
            for f in findings {
                let _ = writeln!(
                    out,
                    "{path}:{}:{}: error {} {}",
                    f.line, f.col, f.code, f.message
                );
            }
            let _ = writeln!(out, "{path}: {} problem(s)", findings.len());
            let codes: std::collections::BTreeSet<&str> = findings.iter().map(|f| f.code).collect();
            if !codes.is_empty() {
                let _ = writeln!(
                    out,
                    "`ds01-pm explain CODE` explains {}",
                    codes.into_iter().collect::<Vec<_>>().join(", ")
                );
            }
            out
        }
    }
}

fn reason_text(b: &Backlog, p: &Plan, reason: &Reason, effort: f64) -> String {
    let unit = b.scoring.effort_unit.short();
    let capacity = p.phases.first().map_or(0.0, |ph| ph.capacity);
    match reason {
        Reason::TooBig => format!(
            "its effort {} {unit} is more than a phase's capacity {} {unit}; split it",
            num(effort),
            num(capacity)
        ),
        Reason::PrerequisiteUnplanned { prerequisite } => format!(
            "its prerequisite `{}` is not planned",
            b.items[*prerequisite].id
        ),
        Reason::NoRoom { earliest: 0 } => format!("no phase has {} {unit} left", num(effort)),
        Reason::NoRoom { earliest } => format!(
            "no phase from `{}` on (where its prerequisites allow it) has {} {unit} left",
            p.phases[*earliest].name,
            num(effort)
        ),
    }
}

/// `plan`.
pub fn plan(b: &Backlog, r: &Ranking, p: &Plan, format: ScoreFormat) -> String {
    let unit = b.scoring.effort_unit.short();
    match format {
        ScoreFormat::Json => {
            #[derive(Serialize)]
            struct PlannedJson<'a> {
                id: &'a str,
                rank: usize,
                effort: f64,
            }
            #[derive(Serialize)]
            struct PhaseJson<'a> {
                name: &'a str,
                capacity: f64,
                used: f64,
                items: Vec<PlannedJson<'a>>,
            }
            #[derive(Serialize)]
            struct UnplannedJson<'a> {
                id: &'a str,
                rank: usize,
                effort: f64,
                #[serde(flatten)]
                reason: &'a Reason,
                #[serde(rename = "message")]
                text: String,
            }
            #[derive(Serialize)]
            struct Out<'a> {
                schema_version: u32,
                effort_unit: crate::backlog::EffortUnit,
                phases: Vec<PhaseJson<'a>>,
                unplanned: Vec<UnplannedJson<'a>>,
            }
            let planned = |i: usize| PlannedJson {
                id: &b.items[i].id,
                rank: r.rank[i].unwrap_or(0),
                effort: b.items[i].effort,
            };
            json(&Out {
                schema_version: SCHEMA_VERSION,
                effort_unit: b.scoring.effort_unit,
                phases: p
                    .phases
                    .iter()
                    .map(|ph| PhaseJson {
                        name: &ph.name,
                        capacity: ph.capacity,
                        used: round(ph.used),
                        items: ph.items.iter().map(|&i| planned(i)).collect(),
                    })
                    .collect(),
                unplanned: p
                    .unplanned
                    .iter()
                    .map(|u| UnplannedJson {
                        id: &b.items[u.index].id,
                        rank: r.rank[u.index].unwrap_or(0),
                        effort: b.items[u.index].effort,
                        reason: &u.reason,
                        text: reason_text(b, p, &u.reason, b.items[u.index].effort),
                    })
                    .collect(),
            })
        }
        ScoreFormat::Csv => {
            let mut out = String::from("phase,rank,id,effort,reason\n");
            for ph in &p.phases {
                for &i in &ph.items {
                    let _ = writeln!(
                        out,
                        "{},{},{},{},",
                        csv_field(&ph.name),
                        r.rank[i].unwrap_or(0),
                        csv_field(&b.items[i].id),
                        num(b.items[i].effort)
                    );
                }
            }
            for u in &p.unplanned {
                let e = b.items[u.index].effort;
                let _ = writeln!(
                    out,
                    "unplanned,{},{},{},{}",
                    r.rank[u.index].unwrap_or(0),
                    csv_field(&b.items[u.index].id),
                    num(e),
                    csv_field(&reason_text(b, p, &u.reason, e))
                );
            }
            out
        }
        ScoreFormat::Markdown | ScoreFormat::Human => {
            let md = format == ScoreFormat::Markdown;
            let bullet = if md { "- " } else { "  " };
            let mut out = String::new();
            for ph in &p.phases {
                let _ = writeln!(
                    out,
                    "{}{} ({} / {} {unit})",
                    if md { "### " } else { "" },
                    ph.name,
                    num(ph.used),
                    num(ph.capacity)
                );
                if ph.items.is_empty() {
                    let _ = writeln!(out, "{bullet}(empty)");
                }
                for &i in &ph.items {
                    let it = &b.items[i];
                    let size = it
                        .effort_label
                        .as_ref()
                        .map(|l| format!(", {l}"))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "{bullet}#{} {} — {} ({} {unit}{size})",
                        r.rank[i].unwrap_or(0),
                        it.id,
                        it.title,
                        num(it.effort)
                    );
                }
                out.push('\n');
            }
            if !p.unplanned.is_empty() {
                let _ = writeln!(out, "{}Not planned", if md { "### " } else { "" });
                for u in &p.unplanned {
                    let it = &b.items[u.index];
                    let _ = writeln!(
                        out,
                        "{bullet}#{} {}: {}",
                        r.rank[u.index].unwrap_or(0),
                        it.id,
                        reason_text(b, p, &u.reason, it.effort)
                    );
                }
                out.push('\n');
            }
            let _ = writeln!(
                out,
                "Phases are filled in ranked order, first fit; an item never lands in an earlier phase than its prerequisites."
            );
            out
        }
    }
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn mermaid_escape(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

/// `graph`: DOT or Mermaid, scores in labels, the critical chain highlighted in red, done
/// items dashed and grey.
pub fn graph(b: &Backlog, r: &Ranking, format: GraphFormat) -> String {
    let on_critical: HashSet<usize> = r.critical.iter().copied().collect();
    let critical_edges: HashSet<(usize, usize)> =
        r.critical.windows(2).map(|w| (w[0], w[1])).collect();
    let label = |i: usize| -> Vec<String> {
        let it = &b.items[i];
        match r.rank[i] {
            Some(k) => vec![
                format!("#{k} {}", it.id),
                it.title.clone(),
                format!(
                    "RICE {} → {} · {} {}",
                    num(r.own[i]),
                    num(r.effective.score[i]),
                    num(it.effort),
                    b.scoring.effort_unit.short()
                ),
            ],
            None => vec![it.id.clone(), it.title.clone(), "done".to_owned()],
        }
    };
    let mut out = String::new();
    match format {
        GraphFormat::Dot => {
            out.push_str("digraph backlog {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
            for (i, it) in b.items.iter().enumerate() {
                let text: Vec<String> = label(i).iter().map(|l| dot_escape(l)).collect();
                let mut attrs = format!("label=\"{}\"", text.join("\\n"));
                if !it.is_open() {
                    attrs.push_str(", style=\"rounded,dashed\", color=gray, fontcolor=gray");
                } else if on_critical.contains(&i) {
                    attrs.push_str(", color=red, penwidth=2");
                }
                let _ = writeln!(out, "  \"{}\" [{attrs}];", dot_escape(&it.id));
            }
            for (i, it) in b.items.iter().enumerate() {
                for &p in &it.prereqs {
                    let style = if critical_edges.contains(&(p, i)) {
                        " [color=red, penwidth=2]"
                    } else if !b.items[p].is_open() {
                        " [style=dashed, color=gray]"
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        out,
                        "  \"{}\" -> \"{}\"{style};",
                        dot_escape(&b.items[p].id),
                        dot_escape(&it.id)
                    );
                }
            }
            out.push_str("}\n");
        }
        GraphFormat::Mermaid => {
            out.push_str("flowchart LR\n");
            for i in 0..b.items.len() {
                let text: Vec<String> = label(i).iter().map(|l| mermaid_escape(l)).collect();
                let _ = writeln!(out, "  n{i}[\"{}\"]", text.join("<br/>"));
            }
            let mut link = 0usize;
            let mut red = Vec::new();
            for (i, it) in b.items.iter().enumerate() {
                for &p in &it.prereqs {
                    let _ = writeln!(out, "  n{p} --> n{i}");
                    if critical_edges.contains(&(p, i)) {
                        red.push(link.to_string());
                    }
                    link += 1;
                }
            }
            out.push_str("  classDef critical stroke:#d00,stroke-width:3px\n  classDef done stroke-dasharray:5 5,color:#888\n");
            for (i, it) in b.items.iter().enumerate() {
                if !it.is_open() {
                    let _ = writeln!(out, "  class n{i} done");
                } else if on_critical.contains(&i) {
                    let _ = writeln!(out, "  class n{i} critical");
                }
            }
            if !red.is_empty() {
                let _ = writeln!(
                    out,
                    "  linkStyle {} stroke:#d00,stroke-width:3px",
                    red.join(",")
                );
            }
        }
    }
    out
}
