//! `graph`: the dependency graph as DOT or Mermaid.
use super::*;

use super::escape::{dot as dot_escape, mermaid as mermaid_escape};

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
    super::escape::finish_text(out, false)
}
