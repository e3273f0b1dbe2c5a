//! `report`: one self-contained HTML page (inline CSS and SVG; no script, no external URL)
//! with summary cards, the layered dependency graph, a chart of effective score against effort
//! and the ranked table. The positions come from [`layout`]; this module only draws.
pub mod layout;

use std::fmt::Write;

use self::layout::{BacklogDrawing, EdgeRoute};
use super::backlog::{concerns_cell, effort, impact_word, num, pct};
use crate::backlog::Backlog;
use crate::backlog::concerns::Concerns;
use crate::backlog::rank::Ranking;
use crate::text::clip;

/// The most items the graph draws (see `layout::backlog` for which ones).
pub const MAX_DRAWN: usize = 150;
/// The most items the chart plots (the best-ranked open ones).
pub const MAX_POINTS: usize = 1000;
/// How many items of the critical chain the graph's caption names.
const CHAIN_NAMED: usize = 30;
/// How many of the best-ranked points the chart labels with their id.
const CHART_LABELS: usize = 8;

/// Box sizes and spacing of the graph.
pub fn layout_config() -> layout::Config {
    layout::Config::default()
}

/// Everything the report shows.
pub struct ReportView<'a> {
    pub path: &'a str,
    pub backlog: &'a Backlog,
    pub ranking: &'a Ranking,
    /// `None` with `--no-concerns`.
    pub concerns: Option<&'a Concerns>,
    pub drawing: &'a BacklogDrawing,
    /// The most rows the table lists (`None`: every item).
    pub rows: Option<usize>,
}

/// The table's rows: open items in rank order, then done items in file order, cut at
/// `v.rows`; and how many open and done items were left out.
struct TableRows {
    items: Vec<usize>,
    omitted_open: usize,
    omitted_done: usize,
}

fn table_rows(v: &ReportView<'_>) -> TableRows {
    let b = v.backlog;
    let limit = v.rows.unwrap_or(usize::MAX);
    let done = (0..b.items.len()).filter(|&i| !b.items[i].is_open());
    let items: Vec<usize> = v
        .ranking
        .order
        .iter()
        .copied()
        .chain(done)
        .take(limit)
        .collect();
    let open_shown = items.iter().filter(|&&i| b.items[i].is_open()).count();
    let open = v.ranking.order.len();
    TableRows {
        omitted_open: open - open_shown,
        omitted_done: (b.items.len() - open) - (items.len() - open_shown),
        items,
    }
}

/// The largest effective score in the ranking (0 when empty), for bar widths.
fn max_effective(r: &Ranking) -> f64 {
    r.order
        .iter()
        .map(|&i| r.effective.score[i])
        .fold(0.0f64, f64::max)
}

/// Whether each item is on the critical chain.
fn critical_mask(b: &Backlog, r: &Ranking) -> Vec<bool> {
    let mut on = vec![false; b.items.len()];
    for &i in &r.critical {
        on[i] = true;
    }
    on
}

/// Escape text for HTML and SVG content and attribute values (the shared boundary escape:
/// markup escaped, control characters made visible).
pub fn esc(s: &str) -> String {
    crate::report::escape::html(s)
}

/// A path as one shell word, for a command the reader can paste: quoted when it holds anything
/// but letters, digits and `/._-`.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

const STYLE: &str = r#"
:root{--ink:#1f2933;--muted:#616e7c;--line:#d9e2ec;--bg:#f5f7fa;--card:#fff;--accent:#2f6fbf;--crit:#d64545;--critbg:#fff3f3;--done:#9aa5b1}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
main{max-width:1240px;margin:0 auto;padding:24px 24px 48px}
h1{font-size:24px;margin:0 0 2px}
h2{font-size:17px;margin:0 0 4px}
.sub,.note,.legend,footer{color:var(--muted);font-size:13px}
.sub code{font-size:12px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0 20px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:150px;flex:1}
.card b{display:block;font-size:22px}
.card span{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card.crit b{color:var(--crit)}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin:0 0 20px}
.note{background:#fffbea;border:1px solid #f0d98c;border-radius:6px;padding:6px 10px;color:#7a5b00}
.legend{display:flex;flex-wrap:wrap;gap:16px;margin:6px 0 10px}
.legend i{display:inline-block;width:14px;height:10px;border-radius:3px;margin-right:5px;vertical-align:-1px;border:1.5px solid var(--accent);background:#fff}
.legend i.crit{border-color:var(--crit);background:var(--critbg)}
.legend i.done{border:1.5px dashed var(--done);background:#f2f4f6}
.legend i.own{border:0;border-radius:50%;width:8px;height:8px;background:#bcccdc}
.legend i.pt{border:0;border-radius:50%;width:10px;height:10px;background:var(--accent)}
.legend i.ptc{border:0;border-radius:50%;width:10px;height:10px;background:var(--crit)}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:6px;background:#fbfcfd}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
.node rect.box{fill:#fff;stroke:var(--accent);stroke-width:1.3}
.node.critical rect.box{fill:var(--critbg);stroke:var(--crit);stroke-width:2.5}
.node.done rect.box{fill:#f2f4f6;stroke:var(--done);stroke-dasharray:5 3}
.node .id{font:600 11px ui-monospace,"DejaVu Sans Mono",monospace;fill:var(--ink)}
.node .rank{font-weight:700;fill:var(--accent)}
.node.critical .rank{fill:var(--crit)}
.node .title{font-size:12px;fill:var(--ink)}
.node .score{font-size:11px;fill:var(--muted)}
.node.done text{fill:var(--done)}
.node .bar{fill:#d9e8f7}
.node.critical .bar{fill:#f7d4d4}
.node:hover rect.box{stroke-width:3}
.edge{fill:none;stroke:#9fb3c8;stroke-width:1.4}
.edge.critical{stroke:var(--crit);stroke-width:2.6}
.edge.satisfied{stroke:#c3ccd5;stroke-dasharray:5 4}
.edge.back{stroke:#e8a33d;stroke-dasharray:2 3}
.axis line,.axis path{stroke:#829ab1}
.grid line{stroke:#eef2f6}
.tick{font-size:11px;fill:var(--muted)}
.axis-title{font-size:12px;fill:var(--ink)}
.pt{fill:var(--accent);fill-opacity:.85;stroke:#fff;stroke-width:1.5}
.pt.critical{fill:var(--crit)}
.pt:hover{stroke:var(--ink);stroke-width:2}
.own{fill:#bcccdc}
.lift{stroke:#bcccdc;stroke-width:1.2;stroke-dasharray:2 3}
.plabel{font-size:11px;fill:var(--ink);paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
table{border-collapse:collapse;width:100%;font-size:13px}
th{text-align:left;font-weight:600;color:var(--muted);border-bottom:2px solid var(--line);padding:6px 8px;white-space:nowrap;position:sticky;top:0;background:var(--card)}
td{border-bottom:1px solid var(--line);padding:6px 8px;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td .id{font:12px ui-monospace,"DejaVu Sans Mono",monospace;color:var(--ink)}
td .t{color:var(--muted);font-size:12px}
td.deps{font:11px ui-monospace,"DejaVu Sans Mono",monospace;color:var(--muted)}
tr.critical td:first-child{box-shadow:inset 3px 0 0 var(--crit)}
tr.done td{color:var(--done)}
.pill{display:inline-block;font-size:10px;font-weight:700;text-transform:uppercase;letter-spacing:.04em;border-radius:10px;padding:1px 7px;margin-left:6px;vertical-align:1px}
.pill.crit{background:var(--critbg);color:var(--crit);border:1px solid #f2b8b8}
.pill.todo{background:#eef2f6;color:var(--muted)}
.pill.in-progress{background:#e6f0fb;color:var(--accent)}
.pill.done{background:#f2f4f6;color:var(--done)}
.effbar{display:inline-block;height:6px;border-radius:3px;background:var(--accent);opacity:.55;margin-right:6px;vertical-align:1px}
tr.critical .effbar{background:var(--crit)}
footer{margin-top:8px}
"#;

/// The whole page.
pub fn report(v: &ReportView<'_>) -> String {
    let b = v.backlog;
    let r = v.ranking;
    let unit = b.scoring.effort_unit.short();
    let open = r.order.len();
    let done = b.items.len() - open;
    let mut out = String::with_capacity(64 * 1024 + b.items.len() * 1200);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>DS01 backlog report: {}</title>", esc(v.path));
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>\n<main>");
    let _ = writeln!(
        out,
        "<header>\n<h1>DS01 backlog</h1>\n<p class=\"sub\"><code>{}</code> · RICE = reach ({}) × impact × confidence ÷ effort ({}) · propagation <b>{}</b>. Nothing is ranked above an unfinished prerequisite.</p>",
        esc(v.path),
        esc(&b.scoring.reach_period),
        b.scoring.effort_unit.name(),
        b.scoring.propagation.name()
    );

    // Summary cards.
    out.push_str("<div class=\"cards\">\n");
    let _ = writeln!(
        out,
        "<div class=\"card\"><span>Open items</span><b>{open}</b></div>"
    );
    let _ = writeln!(
        out,
        "<div class=\"card\"><span>Done</span><b>{done}</b></div>"
    );
    let _ = writeln!(
        out,
        "<div class=\"card crit\"><span>Critical chain</span><b>{} {unit}</b>{} items</div>",
        num(r.critical_effort),
        r.critical.len()
    );
    if let Some(&top) = r.order.first() {
        let _ = writeln!(
            out,
            "<div class=\"card\"><span>Do first</span><b class=\"id\">{}</b>{}</div>",
            esc(&clip(&b.items[top].id, 28)),
            esc(&clip(&b.items[top].title, 40))
        );
    }
    out.push_str("</div>\n</header>\n");

    let rows = table_rows(v);
    graph_section(&mut out, v, &rows);
    chart_section(&mut out, v);
    table_section(&mut out, v, &rows);

    let _ = writeln!(
        out,
        "<footer>Generated by ds01-pm {} from <code>{}</code>. This file is self-contained: no network, no scripts.</footer>\n</main>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION"),
        esc(v.path)
    );
    out
}

fn graph_section(out: &mut String, v: &ReportView<'_>, rows: &TableRows) {
    let b = v.backlog;
    let r = v.ranking;
    let d = v.drawing;
    let l = &d.layout;
    let unit = b.scoring.effort_unit.short();
    out.push_str("<section id=\"graph\">\n<h2>Dependency graph</h2>\n");
    let mut chain: Vec<String> = r
        .critical
        .iter()
        .take(CHAIN_NAMED)
        .map(|&i| format!("<code>{}</code>", esc(&b.items[i].id)))
        .collect();
    if r.critical.len() > CHAIN_NAMED {
        chain.push(format!("… ({} more)", r.critical.len() - CHAIN_NAMED));
    }
    let _ = writeln!(
        out,
        "<p class=\"sub\">Prerequisites on the left, what they unblock to the right. Critical chain (the longest effort-weighted chain of unfinished prerequisites, {} {unit}): {}.</p>",
        num(r.critical_effort),
        if chain.is_empty() {
            "none".to_owned()
        } else {
            chain.join(" → ")
        }
    );
    out.push_str("<div class=\"legend\"><span><i></i>open (bar: effective score)</span><span><i class=\"crit\"></i>critical chain</span><span><i class=\"done\"></i>done (satisfied)</span></div>\n");
    if d.omitted_open + d.omitted_done > 0 {
        let open_drawn = d.items.iter().filter(|&&i| b.items[i].is_open()).count();
        let chain_drawn = r.critical.iter().filter(|i| d.items.contains(i)).count();
        let chain = if chain_drawn == r.critical.len() {
            "the critical chain".to_owned()
        } else {
            format!(
                "the first {chain_drawn} of the {} items of the critical chain",
                r.critical.len()
            )
        };
        let table = if rows.omitted_open + rows.omitted_done == 0 {
            "The table below lists every item.".to_owned()
        } else {
            format!(
                "The table below lists the first {} by rank.",
                rows.items.len()
            )
        };
        let _ = writeln!(
            out,
            "<p class=\"note\">Drawing {} of {} items: {chain}, the best-ranked open items ({open_drawn} open in all) and done prerequisites of drawn items. Left out of the picture: {} open and {} done items. {table}</p>",
            d.items.len(),
            b.items.len(),
            d.omitted_open,
            d.omitted_done
        );
    }
    let max_eff = max_effective(r);
    let on_critical = critical_mask(b, r);
    let critical_edge = |p: usize, i: usize| {
        r.critical.windows(2).any(|w| w[0] == p && w[1] == i) && on_critical[p]
    };
    let _ = writeln!(
        out,
        "<div class=\"scroll\">\n<svg id=\"graph-svg\" role=\"img\" aria-label=\"Dependency graph of {} items\" width=\"{:.0}\" height=\"{:.0}\" viewBox=\"0 0 {:.0} {:.0}\">",
        d.items.len(),
        l.width,
        l.height,
        l.width,
        l.height
    );
    out.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,1 L9,5 L0,9 z\" fill=\"#9fb3c8\"/></marker><marker id=\"arrow-critical\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M0,1 L9,5 L0,9 z\" fill=\"#d64545\"/></marker></defs>\n");
    // Edges first, so boxes sit on top of them; critical edges last among edges.
    let mut edges: Vec<&EdgeRoute> = l.edges.iter().collect();
    edges.sort_by_key(|e| critical_edge(d.items[e.from], d.items[e.to]));
    out.push_str("<g class=\"edges\">\n");
    for e in edges {
        let (p, i) = (d.items[e.from], d.items[e.to]);
        let (class, marker) = if e.back {
            ("edge back", "arrow")
        } else if critical_edge(p, i) {
            ("edge critical", "arrow-critical")
        } else if !b.items[p].is_open() {
            ("edge satisfied", "arrow")
        } else {
            ("edge", "arrow")
        };
        let _ = writeln!(
            out,
            "<path class=\"{class}\" data-from=\"{}\" data-to=\"{}\" d=\"{}\" marker-end=\"url(#{marker})\"/>",
            esc(&b.items[p].id),
            esc(&b.items[i].id),
            edge_path(&e.points)
        );
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    for (k, &i) in d.items.iter().enumerate() {
        let it = &b.items[i];
        let n = &l.nodes[k];
        let mut class = String::from("node");
        if !it.is_open() {
            class.push_str(" done");
        } else if on_critical[i] {
            class.push_str(" critical");
        }
        let (head, score, tip) = match r.rank[i] {
            Some(rank) => {
                let inherited = r.effective.score[i] > r.own[i] + 1e-9;
                (
                    format!(
                        "<tspan class=\"rank\">#{rank}</tspan> {}",
                        esc(&clip(&it.id, 24))
                    ),
                    format!(
                        "score {}{} · {} {unit}",
                        num(r.effective.score[i]),
                        if inherited { " ↑" } else { "" },
                        num(it.effort)
                    ),
                    format!(
                        "#{rank} {}: {}\nRICE {} → effective {} · effort {} {unit}{}",
                        it.id,
                        it.title,
                        num(r.own[i]),
                        num(r.effective.score[i]),
                        num(it.effort),
                        if on_critical[i] {
                            "\nOn the critical chain"
                        } else {
                            ""
                        }
                    ),
                )
            }
            None => (
                esc(&clip(&it.id, 28)),
                "done".to_owned(),
                format!("{}: {}\nDone", it.id, it.title),
            ),
        };
        let bar = if it.is_open() && max_eff > 0.0 {
            let w = (n.width - 2.0) * (r.effective.score[i] / max_eff).clamp(0.0, 1.0);
            format!(
                "<rect class=\"bar\" x=\"1\" y=\"{:.1}\" width=\"{w:.1}\" height=\"4\"/>",
                n.height - 5.0
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "<g class=\"{class}\" data-id=\"{}\" transform=\"translate({:.1},{:.1})\"><title>{}</title><rect class=\"box\" width=\"{:.0}\" height=\"{:.0}\" rx=\"7\"/>{bar}<text class=\"id\" x=\"10\" y=\"17\">{head}</text><text class=\"title\" x=\"10\" y=\"33\">{}</text><text class=\"score\" x=\"10\" y=\"48\">{score}</text></g>",
            esc(&it.id),
            n.x,
            n.y,
            esc(&tip),
            n.width,
            n.height,
            esc(&clip(&it.title, 27)),
        );
    }
    out.push_str("</g>\n</svg>\n</div>\n</section>\n");
}

/// An SVG path through the route: curves between columns (horizontal tangents), straight
/// lines where a long edge crosses a column.
fn edge_path(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    let Some(&(x0, y0)) = points.first() else {
        return d;
    };
    let _ = write!(d, "M{x0:.1},{y0:.1}");
    for (k, w) in points.windows(2).enumerate() {
        let ((ax, ay), (bx, by)) = (w[0], w[1]);
        if k % 2 == 0 {
            let mx = (ax + bx) / 2.0;
            let _ = write!(d, " C{mx:.1},{ay:.1} {mx:.1},{by:.1} {bx:.1},{by:.1}");
        } else {
            let _ = write!(d, " L{bx:.1},{by:.1}");
        }
    }
    d
}

/// A step of 1, 2, 2.5 or 5 × 10^k giving about `target` intervals up to `max`.
fn nice_step(max: f64, target: f64) -> f64 {
    let raw = (max / target).max(f64::MIN_POSITIVE);
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let m = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * mag
}

/// An axis from 0: (upper bound, step).
fn axis(max: f64) -> (f64, f64) {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    // A little headroom, so the largest point is not cut by the plot's edge.
    let max = max * 1.04;
    let step = nice_step(max, 5.0);
    ((max / step).ceil().max(1.0) * step, step)
}

fn chart_section(out: &mut String, v: &ReportView<'_>) {
    let b = v.backlog;
    let r = v.ranking;
    let unit_name = b.scoring.effort_unit.name();
    out.push_str("<section id=\"chart\">\n<h2>Effective score against effort</h2>\n");
    out.push_str("<p class=\"sub\">Top left is cheap and valuable. The grey dot under a point is the item's own RICE score; the line up to it is value inherited from what it unblocks. Hover a point for its numbers.</p>\n");
    out.push_str("<div class=\"legend\"><span><i class=\"pt\"></i>open item</span><span><i class=\"ptc\"></i>on the critical chain</span><span><i class=\"own\"></i>own score</span></div>\n");
    let shown: Vec<usize> = r.order.iter().copied().take(MAX_POINTS).collect();
    if r.order.len() > shown.len() {
        let _ = writeln!(
            out,
            "<p class=\"note\">Plotting the {} best-ranked of {} open items.</p>",
            shown.len(),
            r.order.len()
        );
    }
    if shown.is_empty() {
        out.push_str("<p class=\"sub\">No open items.</p>\n</section>\n");
        return;
    }
    let (w, h) = (1100.0, 420.0);
    let (left, right, top, bottom) = (64.0, 28.0, 16.0, 50.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let (xmax, xstep) = axis(
        shown
            .iter()
            .map(|&i| b.items[i].effort)
            .fold(0.0f64, f64::max),
    );
    let (ymax, ystep) = axis(
        shown
            .iter()
            .map(|&i| r.effective.score[i])
            .fold(0.0f64, f64::max),
    );
    let sx = |x: f64| left + pw * (x / xmax).clamp(0.0, 1.0);
    let sy = |y: f64| top + ph * (1.0 - (y / ymax).clamp(0.0, 1.0));
    let _ = writeln!(
        out,
        "<svg id=\"chart-svg\" role=\"img\" aria-label=\"Effective score against effort\" width=\"100%\" viewBox=\"0 0 {w:.0} {h:.0}\" preserveAspectRatio=\"xMinYMin meet\" style=\"max-width:{w:.0}px\">"
    );
    // Grid, ticks and axes.
    out.push_str("<g class=\"grid\">");
    let ticks = |max: f64, step: f64| -> Vec<f64> {
        let n = (max / step).round() as usize;
        (0..=n).map(|k| k as f64 * step).collect()
    };
    for x in ticks(xmax, xstep) {
        let _ = write!(
            out,
            "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{top:.1}\" y2=\"{1:.1}\"/>",
            sx(x),
            top + ph
        );
    }
    for y in ticks(ymax, ystep) {
        let _ = write!(
            out,
            "<line x1=\"{left:.1}\" x2=\"{0:.1}\" y1=\"{1:.1}\" y2=\"{1:.1}\"/>",
            left + pw,
            sy(y)
        );
    }
    out.push_str("</g>\n<g class=\"axis\">");
    let _ = write!(
        out,
        "<line x1=\"{left:.1}\" x2=\"{left:.1}\" y1=\"{top:.1}\" y2=\"{0:.1}\"/><line x1=\"{left:.1}\" x2=\"{1:.1}\" y1=\"{0:.1}\" y2=\"{0:.1}\"/>",
        top + ph,
        left + pw
    );
    for x in ticks(xmax, xstep) {
        let _ = write!(
            out,
            "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            sx(x),
            top + ph + 16.0,
            num(x)
        );
    }
    for y in ticks(ymax, ystep) {
        let _ = write!(
            out,
            "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 8.0,
            sy(y) + 4.0,
            num(y)
        );
    }
    let _ = write!(
        out,
        "<text class=\"axis-title\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">Effort ({unit_name})</text><text class=\"axis-title\" transform=\"translate(16,{:.1}) rotate(-90)\" text-anchor=\"middle\">Effective score</text>",
        left + pw / 2.0,
        h - 10.0,
        top + ph / 2.0
    );
    out.push_str("</g>\n<g class=\"points\">\n");
    let on_critical = critical_mask(b, r);
    // Points that would sit on one another (same effort, close scores) are spread sideways,
    // best-ranked in the middle.
    let mut spots: Vec<(f64, f64)> = Vec::with_capacity(shown.len());
    for &i in &shown {
        let (x0, y) = (sx(b.items[i].effort), sy(r.effective.score[i]));
        let free = |x: f64| {
            spots
                .iter()
                .all(|&(px, py)| (px - x).powi(2) + (py - y).powi(2) >= 100.0)
        };
        let x = [0.0, 11.0, -11.0, 22.0, -22.0]
            .iter()
            .map(|dx| x0 + dx)
            .find(|&x| free(x))
            .unwrap_or(x0);
        spots.push((x, y));
    }
    // Worst first, so the best-ranked points are drawn on top.
    for (&i, &(x, y)) in shown.iter().zip(&spots).rev() {
        let it = &b.items[i];
        let own = sy(r.own[i]);
        if own - y > 1.0 {
            let _ = write!(
                out,
                "<line class=\"lift\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{own:.1}\" y2=\"{y:.1}\"/><circle class=\"own\" cx=\"{x:.1}\" cy=\"{own:.1}\" r=\"3\"/>"
            );
        }
        let rank = r.rank[i].unwrap_or(0);
        let tip = format!(
            "#{rank} {}: {}\neffort {} {}, effective score {} (own {})",
            it.id,
            it.title,
            num(it.effort),
            b.scoring.effort_unit.short(),
            num(r.effective.score[i]),
            num(r.own[i])
        );
        let _ = writeln!(
            out,
            "<circle class=\"pt{}\" data-id=\"{}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"6\"><title>{}</title></circle>",
            if on_critical[i] { " critical" } else { "" },
            esc(&it.id),
            esc(&tip)
        );
    }
    // Labels for the best-ranked points, skipping any that would overlap a placed one.
    let mut placed: Vec<(f64, f64, f64, f64)> = spots
        .iter()
        .map(|&(x, y)| (x - 5.0, y - 5.0, x + 5.0, y + 5.0))
        .collect();
    for (&i, &(x, y)) in shown.iter().zip(&spots).take(CHART_LABELS) {
        let it = &b.items[i];
        let label = format!("#{} {}", r.rank[i].unwrap_or(0), clip(&it.id, 22));
        let lw = label.chars().count() as f64 * 6.2;
        let flip = x + 10.0 + lw > w - 4.0;
        let lx = if flip { x - 10.0 - lw } else { x + 10.0 };
        for dy in [0.0, 13.0, -13.0, 26.0, -26.0] {
            let ly = y + 4.0 + dy;
            let rect = (lx, ly - 10.0, lx + lw, ly + 2.0);
            let clash = placed
                .iter()
                .any(|p| rect.0 < p.2 && p.0 < rect.2 && rect.1 < p.3 && p.1 < rect.3);
            if !clash && ly > top && ly < top + ph {
                placed.push(rect);
                let _ = writeln!(
                    out,
                    "<text class=\"plabel\" x=\"{lx:.1}\" y=\"{ly:.1}\">{}</text>",
                    esc(&label)
                );
                break;
            }
        }
    }
    out.push_str("</g>\n</svg>\n</section>\n");
}

fn table_section(out: &mut String, v: &ReportView<'_>, rows: &TableRows) {
    let b = v.backlog;
    let r = v.ranking;
    let max_eff = max_effective(r);
    let on_critical = critical_mask(b, r);
    out.push_str("<section id=\"ranking\">\n<h2>Ranking</h2>\n");
    out.push_str("<p class=\"sub\">Best first. ↑ marks an effective score inherited from what the item unblocks. Done items follow, unranked.</p>\n");
    if rows.omitted_open + rows.omitted_done > 0 {
        let open_shown = rows.items.len()
            - rows
                .items
                .iter()
                .filter(|&&i| !b.items[i].is_open())
                .count();
        let done_shown = rows.items.len() - open_shown;
        let done = if done_shown > 0 {
            format!(" and {done_shown} done items")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "<p class=\"note\">Listing {} of {} items: the {open_shown} best-ranked open items{done}. Left out of the table: {} open and {} done items. <code>ds01-pm report {} --rows all</code> lists every item; <code>ds01-pm score {} --format csv</code> exports the whole ranking.</p>",
            rows.items.len(),
            b.items.len(),
            rows.omitted_open,
            rows.omitted_done,
            esc(&shell_word(v.path)),
            esc(&shell_word(v.path))
        );
    }
    out.push_str("<table>\n<thead><tr><th class=\"n\">#</th><th>Item</th><th>Status</th><th class=\"n\">Reach</th><th class=\"n\">Impact</th><th class=\"n\">Conf.</th><th class=\"n\">Effort</th><th class=\"n\">Own</th><th>Effective</th><th>Blocked by</th><th>Unblocks</th>");
    if v.concerns.is_some() {
        out.push_str("<th>Concerns</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let ids = |list: Vec<usize>| -> String {
        list.iter()
            .map(|&j| esc(&b.items[j].id))
            .collect::<Vec<_>>()
            .join("<br>")
    };
    for &i in &rows.items {
        let it = &b.items[i];
        let class = if !it.is_open() {
            " class=\"done\""
        } else if on_critical[i] {
            " class=\"critical\""
        } else {
            ""
        };
        let status = it.status.name();
        let crit = if on_critical[i] {
            "<span class=\"pill crit\">critical</span>"
        } else {
            ""
        };
        let (rank, eff_cell) = match r.rank[i] {
            Some(k) => {
                let eff = r.effective.score[i];
                let width = if max_eff > 0.0 {
                    (60.0 * eff / max_eff).max(2.0)
                } else {
                    2.0
                };
                let up = if eff > r.own[i] + 1e-9 { " ↑" } else { "" };
                (
                    k.to_string(),
                    format!(
                        "<span class=\"effbar\" style=\"width:{width:.0}px\"></span>{}{up}",
                        num(eff)
                    ),
                )
            }
            None => ("—".to_owned(), "—".to_owned()),
        };
        let impact = match impact_word(it.impact) {
            "" => num(it.impact),
            w => format!("{} ({w})", num(it.impact)),
        };
        // The estimates are `import` defaults: the rank rests on guesses.
        let guess = if it.needs_estimate {
            "<span class=\"pill todo\" title=\"default estimates from import\">needs estimate</span>"
        } else {
            ""
        };
        let _ = write!(
            out,
            "<tr{class}><td class=\"n\">{rank}</td><td><span class=\"id\">{}</span>{crit}<br><span class=\"t\">{}</span>{guess}</td><td><span class=\"pill {status}\">{status}</span></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{eff_cell}</td><td class=\"deps\">{}</td><td class=\"deps\">{}</td>",
            esc(&it.id),
            esc(&it.title),
            num(it.reach),
            esc(&impact),
            pct(it.confidence),
            esc(&effort(it)),
            if it.is_open() {
                num(r.own[i])
            } else {
                "—".to_owned()
            },
            ids(r.blocked_by(i)),
            ids(r.unblocks(i)),
        );
        if let Some(c) = v.concerns {
            let _ = write!(
                out,
                "<td class=\"t\">{}</td>",
                esc(&concerns_cell(c.get(i)))
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<a & \"b\" 'c'>"),
            "&lt;a &amp; &quot;b&quot; &#39;c&#39;&gt;"
        );
    }

    #[test]
    fn nice_axes() {
        assert_eq!(axis(8.0), (10.0, 2.0));
        assert_eq!(axis(120.0), (125.0, 25.0));
        assert_eq!(axis(37.0), (40.0, 10.0));
        for max in [0.0, 0.003, 0.5, 1.0, 7.3, 99.0, 120.0, 1234.0, 5e6] {
            let (top, step) = axis(max);
            assert!(top > max, "{max}: headroom");
            let intervals = top / step;
            assert!(
                (intervals - intervals.round()).abs() < 1e-9,
                "{max}: whole steps"
            );
            assert!(
                (2.0..=10.0).contains(&intervals.round()),
                "{max}: {intervals}"
            );
            let mantissa = step / 10f64.powf(step.log10().floor());
            assert!(
                [1.0, 2.0, 2.5, 5.0]
                    .iter()
                    .any(|m| (m - mantissa).abs() < 1e-9),
                "{max}: step {step}"
            );
        }
    }

    #[test]
    fn paths_in_commands_are_one_shell_word() {
        assert_eq!(shell_word("fixtures/backlog.toml"), "fixtures/backlog.toml");
        assert_eq!(shell_word("my backlog.toml"), "'my backlog.toml'");
        assert_eq!(shell_word("it's.toml"), r"'it'\''s.toml'");
    }

    #[test]
    fn curves_between_columns_lines_across_them() {
        let d = edge_path(&[(0.0, 0.0), (10.0, 5.0), (20.0, 5.0), (30.0, 0.0)]);
        assert_eq!(
            d,
            "M0.0,0.0 C5.0,0.0 5.0,5.0 10.0,5.0 L20.0,5.0 C25.0,5.0 25.0,0.0 30.0,0.0"
        );
    }
}
