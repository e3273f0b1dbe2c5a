//! `score --explain ID`: the arithmetic of one item's score and why it sits where it does.
use super::*;
use crate::backlog::rice::chain_total;

/// `score --explain ID`: the arithmetic, line by line, and why the item sits where it does.
pub fn explain(b: &Backlog, r: &Ranking, i: usize) -> String {
    escape::finish_text(explain_in(&one_line(b), r, i), false)
}

fn explain_in(b: &Backlog, r: &Ranking, i: usize) -> String {
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
        Propagation::Chain => match r.effective.via[i] {
            None => {
                let _ = writeln!(
                    out,
                    "  effective  {} = own score (strategy chain: no chain it is part of gives more value per effort)",
                    num(eff)
                );
            }
            Some(d) => {
                let members = r.chain_prerequisites(d).unwrap_or_default();
                // The same totals `chain` divided, added in the same order.
                let value = chain_total(&members, d, |i| b.items[i].value());
                let effort = chain_total(&members, d, |i| b.items[i].effort);
                let others: Vec<String> = members.iter().map(|&p| id(p)).collect();
                let _ = writeln!(
                    out,
                    "  effective  {} = max(own {}, chain of {}: value {} ÷ effort {}) [strategy chain]",
                    num(eff),
                    num(r.own[i]),
                    id(d),
                    num(value),
                    num(effort)
                );
                let _ = writeln!(
                    out,
                    "  counted    {} and its unfinished prerequisites {} (value = reach × impact × confidence; each item's effort once)",
                    id(d),
                    others.join(", ")
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
