//! Rendering of `score`, `plan` and `graph`.
use std::fmt::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ColumnConstraint, ContentArrangement, Table};
use serde::Serialize;

use super::json;
use crate::analyze::ConcernSummary;
use crate::backlog::graph::{Inherit, Ranking, Sensitivity};
use crate::backlog::plan::Plan;
use crate::backlog::{Backlog, Finding, Item, Scoring, Status};
use crate::cli::{GraphFormat, ScoreFormat};

/// Version of the JSON shapes of `score` and `plan`.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything `score` shows.
pub struct ScoreView<'a> {
    pub path: &'a str,
    pub backlog: &'a Backlog,
    pub ranking: &'a Ranking,
    /// By item index.
    pub concerns: &'a [ConcernSummary],
    pub top: Option<usize>,
    pub critical_path: bool,
    pub sensitivity: Option<&'a [Sensitivity]>,
}

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    if !t.is_tty() {
        t.set_width(140);
    }
    t
}

fn num(x: f64) -> String {
    let s = format!("{:.2}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_owned()
}

fn effort(it: &Item) -> String {
    match &it.effort_label {
        Some(l) => format!("{} ({l})", num(it.effort)),
        None => num(it.effort),
    }
}

fn concerns_cell(c: &ConcernSummary) -> String {
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
    inherits: &'a [Inherit],
    unblocks: &'a [String],
    blocked_by: &'a [String],
    chain_effort: f64,
    chain_prev: Option<&'a str>,
    concerns: &'a ConcernSummary,
    tags: &'a [String],
}

#[derive(Serialize)]
struct CriticalJson<'a> {
    items: &'a [String],
    effort: f64,
}

#[derive(Serialize)]
struct ScoreJson<'a> {
    schema_version: u32,
    backlog: &'a str,
    scoring: &'a Scoring,
    items: Vec<ItemJson<'a>>,
    done: &'a [String],
    critical_path: CriticalJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sensitivity: Option<&'a [Sensitivity]>,
}

/// `score` in every format.
pub fn score(v: &ScoreView<'_>, format: ScoreFormat, color: bool) -> String {
    let n = v.top.unwrap_or(usize::MAX);
    let rows = v.ranking.items.iter().take(n);
    match format {
        ScoreFormat::Json => {
            let items = rows
                .map(|r| {
                    let it = &v.backlog.items[r.index];
                    ItemJson {
                        rank: r.rank,
                        id: &r.id,
                        title: &it.title,
                        status: it.status,
                        reach: it.reach,
                        impact: it.impact,
                        confidence: it.confidence,
                        effort: it.effort,
                        effort_label: it.effort_label.as_deref(),
                        own_score: r.own_score,
                        effective_score: r.effective_score,
                        inherits: &r.inherits,
                        unblocks: &r.unblocks,
                        blocked_by: &r.blocked_by,
                        chain_effort: r.chain_effort,
                        chain_prev: r.chain_prev.as_deref(),
                        concerns: &v.concerns[r.index],
                        tags: &it.tags,
                    }
                })
                .collect();
            json(&ScoreJson {
                schema_version: SCHEMA_VERSION,
                backlog: v.path,
                scoring: &v.backlog.scoring,
                items,
                done: &v.ranking.done,
                critical_path: CriticalJson {
                    items: &v.ranking.critical_path,
                    effort: v.ranking.critical_effort,
                },
                sensitivity: v.sensitivity,
            })
        }
        ScoreFormat::Csv => {
            let mut out = String::from(
                "rank,id,title,reach,impact,confidence,effort,own_score,effective_score,unblocks,blocked_by,layers,tiers,gpu_impact\n",
            );
            for r in rows {
                let it = &v.backlog.items[r.index];
                let c = &v.concerns[r.index];
                let fields = [
                    r.rank.to_string(),
                    r.id.clone(),
                    it.title.clone(),
                    num(it.reach),
                    num(it.impact),
                    num(it.confidence),
                    num(it.effort),
                    num(r.own_score),
                    num(r.effective_score),
                    r.unblocks.join(" "),
                    r.blocked_by.join(" "),
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
            for r in rows {
                let it = &v.backlog.items[r.index];
                let _ = writeln!(
                    out,
                    "| {} | `{}` | {} | {} | {} | {:.0}% | {} | {} | {} | {} | {} | {} |",
                    r.rank,
                    r.id,
                    md_cell(&it.title),
                    num(it.reach),
                    num(it.impact),
                    it.confidence * 100.0,
                    md_cell(&effort(it)),
                    num(r.own_score),
                    num(r.effective_score),
                    r.unblocks.join(", "),
                    r.blocked_by.join(", "),
                    md_cell(&concerns_cell(&v.concerns[r.index]))
                );
            }
            extras(&mut out, v, false);
            out
        }
        ScoreFormat::Human => {
            let unit = v.backlog.scoring.effort_unit.short();
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
            for r in rows {
                let it = &v.backlog.items[r.index];
                t.add_row(vec![
                    r.rank.to_string(),
                    r.id.clone(),
                    it.title.clone(),
                    num(it.reach),
                    num(it.impact),
                    format!("{:.0}%", it.confidence * 100.0),
                    effort(it),
                    num(r.own_score),
                    if r.inherits.is_empty() {
                        num(r.effective_score)
                    } else {
                        format!("{} ↑", num(r.effective_score))
                    },
                    r.unblocks.join("\n"),
                    r.blocked_by.join("\n"),
                    concerns_cell(&v.concerns[r.index]),
                ]);
            }
            if let Some(col) = t.column_mut(1) {
                col.set_constraint(ColumnConstraint::ContentWidth);
            }
            let mut out = format!("{t}\n");
            let shown = v
                .top
                .unwrap_or(v.ranking.items.len())
                .min(v.ranking.items.len());
            let _ = writeln!(
                out,
                "{} of {} open items; {} done. RICE = reach ({}) × impact × confidence ÷ effort ({unit}); ↑ = inherits from what it unblocks (strategy {}). `--explain ID` shows the arithmetic.",
                shown,
                v.ranking.items.len(),
                v.ranking.done.len(),
                v.backlog.scoring.reach_period,
                v.backlog.scoring.propagation.name()
            );
            let _ = color;
            extras(&mut out, v, true);
            out
        }
    }
}

fn extras(out: &mut String, v: &ScoreView<'_>, human: bool) {
    let unit = v.backlog.scoring.effort_unit.short();
    if v.critical_path {
        let _ = writeln!(
            out,
            "\n{}Critical chain ({} {unit}): {}",
            if human { "" } else { "**" },
            num(v.ranking.critical_effort),
            v.ranking.critical_path.join(" → ")
        );
    }
    if let Some(sens) = v.sensitivity {
        let _ = writeln!(
            out,
            "\n{}Sensitivity (one estimate changed at a time):",
            if human { "" } else { "**" }
        );
        for s in sens {
            if s.changes.is_empty() {
                let _ = writeln!(
                    out,
                    "- #{} {}: no single change of confidence, impact or effort moves it",
                    s.rank, s.id
                );
            } else {
                let what: Vec<String> = s
                    .changes
                    .iter()
                    .map(|c| {
                        format!(
                            "{} {} → {} moves it to #{}",
                            c.estimate, c.from, c.to, c.new_rank
                        )
                    })
                    .collect();
                let _ = writeln!(out, "- #{} {}: {}", s.rank, s.id, what.join("; "));
            }
        }
    }
}

/// `score --explain ID`: the arithmetic, line by line.
pub fn explain(b: &Backlog, ranking: &Ranking, index: usize) -> String {
    let it = &b.items[index];
    let s = &b.scoring;
    let unit = s.effort_unit.short();
    let mut out = format!("{} — {}\n", it.id, it.title);
    let own = it.own_score();
    let _ = writeln!(out, "  reach      {} ({})", num(it.reach), s.reach_period);
    let _ = writeln!(out, "  impact     {}", num(it.impact));
    let _ = writeln!(out, "  confidence {:.0}%", it.confidence * 100.0);
    let size = it
        .effort_label
        .as_ref()
        .map(|l| format!(" ({l})"))
        .unwrap_or_default();
    let _ = writeln!(out, "  effort     {} {unit}{size}", num(it.effort));
    let _ = writeln!(
        out,
        "  own score  {} × {} × {} ÷ {} = {}",
        num(it.reach),
        num(it.impact),
        num(it.confidence),
        num(it.effort),
        num(own)
    );
    if it.status == Status::Done {
        let _ = writeln!(
            out,
            "  status     done: it is satisfied, so it is not ranked and blocks nothing"
        );
        return out;
    }
    let r = ranking
        .items
        .iter()
        .find(|r| r.index == index)
        .expect("every open item is ranked");
    match (s.propagation, r.inherits.as_slice()) {
        (_, []) => {
            let _ = writeln!(
                out,
                "  effective  {} (inherits nothing: strategy {}, and nothing it unblocks scores higher)",
                num(r.effective_score),
                s.propagation.name()
            );
        }
        (crate::backlog::Propagation::Max, [i]) => {
            let _ = writeln!(
                out,
                "  effective  {} = max(own {}, `{}` which it unblocks: {}) [strategy max]",
                num(r.effective_score),
                num(own),
                i.from,
                num(i.value)
            );
        }
        (_, list) => {
            let parts: Vec<String> = list
                .iter()
                .map(|i| format!("{} from `{}`", num(i.value), i.from))
                .collect();
            let _ = writeln!(
                out,
                "  effective  {} = own {} + {} × dependents: {} [strategy sum, decay {}]",
                num(r.effective_score),
                num(own),
                num(s.decay),
                parts.join(" + "),
                num(s.decay)
            );
        }
    }
    let chain = ranking.chain(b, index);
    let _ = writeln!(
        out,
        "  chain      {} ({} {unit} of work up to and including it)",
        chain.join(" → "),
        num(r.chain_effort)
    );
    let _ = writeln!(out, "  rank       #{} of {}", r.rank, ranking.items.len());
    if !r.blocked_by.is_empty() {
        let ranks: Vec<String> = r
            .blocked_by
            .iter()
            .map(|p| format!("`{p}` (#{})", ranking.get(p).map_or(0, |x| x.rank)))
            .collect();
        let _ = writeln!(
            out,
            "  after      its unfinished prerequisites {}: no item is ranked above one of its prerequisites",
            ranks.join(", ")
        );
    }
    if r.rank > 1 {
        let above = &ranking.items[r.rank - 2];
        let why = if above.effective_score > r.effective_score {
            format!(
                "a higher effective score ({} > {})",
                num(above.effective_score),
                num(r.effective_score)
            )
        } else if r.blocked_by.contains(&above.id) {
            "it is one of this item's prerequisites".to_owned()
        } else if above.effective_score < r.effective_score {
            "this item only became available once its prerequisites were placed".to_owned()
        } else if above.own_score > r.own_score {
            format!(
                "the same effective score and a higher own score ({} > {})",
                num(above.own_score),
                num(r.own_score)
            )
        } else {
            "the same scores, and it comes first in the file".to_owned()
        };
        let _ = writeln!(out, "  below      #{} `{}`: {why}", above.rank, above.id);
    }
    if let Some(below) = ranking.items.get(r.rank) {
        let _ = writeln!(
            out,
            "  above      #{} `{}` (effective {})",
            below.rank,
            below.id,
            num(below.effective_score)
        );
    }
    if !r.unblocks.is_empty() {
        let _ = writeln!(out, "  unblocks   {}", r.unblocks.join(", "));
    }
    out
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
            out
        }
    }
}

/// `plan`.
pub fn plan(b: &Backlog, p: &Plan, format: ScoreFormat, color: bool) -> String {
    let unit = b.scoring.effort_unit.short();
    let _ = color;
    match format {
        ScoreFormat::Json => {
            #[derive(Serialize)]
            struct Out<'a> {
                schema_version: u32,
                effort_unit: &'static str,
                #[serde(flatten)]
                plan: &'a Plan,
            }
            json(&Out {
                schema_version: SCHEMA_VERSION,
                effort_unit: unit,
                plan: p,
            })
        }
        ScoreFormat::Csv => {
            let mut out = String::from("phase,id,effort\n");
            for ph in &p.phases {
                for id in &ph.items {
                    let e = b
                        .items
                        .iter()
                        .find(|i| &i.id == id)
                        .map_or(0.0, |i| i.effort);
                    let _ = writeln!(out, "{},{},{}", csv_field(&ph.name), csv_field(id), num(e));
                }
            }
            for u in &p.unplanned {
                let _ = writeln!(out, "unplanned,{},{}", csv_field(&u.id), num(u.effort));
            }
            out
        }
        ScoreFormat::Markdown | ScoreFormat::Human => {
            let md = format == ScoreFormat::Markdown;
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
                    let _ = writeln!(out, "  (empty)");
                }
                for id in &ph.items {
                    let it = b
                        .items
                        .iter()
                        .find(|i| &i.id == id)
                        .expect("planned items exist");
                    let size = it
                        .effort_label
                        .as_ref()
                        .map(|l| format!(", {l}"))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "{}{id} — {} ({} {unit}{size})",
                        if md { "- " } else { "  " },
                        it.title,
                        num(it.effort)
                    );
                }
                out.push('\n');
            }
            if !p.unplanned.is_empty() {
                let _ = writeln!(out, "{}Not planned", if md { "### " } else { "" });
                for u in &p.unplanned {
                    let _ = writeln!(
                        out,
                        "{}{}: {}",
                        if md { "- " } else { "  " },
                        u.id,
                        u.reason
                    );
                }
            }
            out
        }
    }
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// `graph`: DOT or Mermaid, scores in labels, the critical chain highlighted.
pub fn graph(b: &Backlog, ranking: &Ranking, format: GraphFormat) -> String {
    let critical: std::collections::HashSet<&str> =
        ranking.critical_path.iter().map(String::as_str).collect();
    let on_chain = |p: &str, d: &str| {
        ranking
            .critical_path
            .windows(2)
            .any(|w| w[0] == p && w[1] == d)
    };
    let label = |it: &Item| match ranking.get(&it.id) {
        Some(r) => format!(
            "#{} {}\n{}\nRICE {} → {}",
            r.rank,
            it.id,
            it.title,
            num(r.own_score),
            num(r.effective_score)
        ),
        None => format!("{}\n{}\n(done)", it.id, it.title),
    };
    let mut out = String::new();
    match format {
        GraphFormat::Dot => {
            out.push_str("digraph backlog {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
            for it in &b.items {
                let mut attrs =
                    format!("label=\"{}\"", dot_escape(&label(it)).replace('\n', "\\n"));
                if it.status == Status::Done {
                    attrs.push_str(", style=\"rounded,dashed\", color=gray, fontcolor=gray");
                } else if critical.contains(it.id.as_str()) {
                    attrs.push_str(", color=red, penwidth=2");
                }
                let _ = writeln!(out, "  \"{}\" [{attrs}];", dot_escape(&it.id));
            }
            for it in &b.items {
                for d in &it.depends_on {
                    let style = if on_chain(d, &it.id) {
                        " [color=red, penwidth=2]"
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        out,
                        "  \"{}\" -> \"{}\"{style};",
                        dot_escape(d),
                        dot_escape(&it.id)
                    );
                }
            }
            out.push_str("}\n");
        }
        GraphFormat::Mermaid => {
            out.push_str("flowchart LR\n");
            let node = |i: usize| format!("n{i}");
            let index: std::collections::HashMap<&str, usize> = b
                .items
                .iter()
                .enumerate()
                .map(|(i, it)| (it.id.as_str(), i))
                .collect();
            for (i, it) in b.items.iter().enumerate() {
                let text = label(it).replace('"', "#quot;").replace('\n', "<br/>");
                let _ = writeln!(out, "  {}[\"{text}\"]", node(i));
            }
            let mut link = 0;
            let mut red = Vec::new();
            for (i, it) in b.items.iter().enumerate() {
                for d in &it.depends_on {
                    if let Some(&p) = index.get(d.as_str()) {
                        let _ = writeln!(out, "  {} --> {}", node(p), node(i));
                        if on_chain(d, &it.id) {
                            red.push(link.to_string());
                        }
                        link += 1;
                    }
                }
            }
            out.push_str("  classDef critical stroke:#d00,stroke-width:3px\n  classDef done stroke-dasharray:5 5,color:#888\n");
            for (i, it) in b.items.iter().enumerate() {
                if it.status == Status::Done {
                    let _ = writeln!(out, "  class {} done", node(i));
                } else if critical.contains(it.id.as_str()) {
                    let _ = writeln!(out, "  class {} critical", node(i));
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
