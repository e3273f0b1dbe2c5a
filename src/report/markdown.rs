//! Markdown output, ready to paste into a proposal.
use std::fmt::Write;

use super::escape::{md_cell, md_code, md_line};
use crate::analyze::{Analysis, Evidence, Finding};

fn ids(f: &[Finding]) -> String {
    if f.is_empty() {
        "—".to_owned()
    } else {
        f.iter()
            .map(|x| {
                let id = md_cell(&md_code(&x.id));
                if x.is_from_examples() {
                    format!("{id} (as in similar labelled items)")
                } else {
                    id
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `analyze --format markdown`.
pub(super) fn analysis(a: &Analysis) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## What I understood\n\n{}\n", md_line(&a.summary));
    let _ = writeln!(out, "| Concern | Value |\n| --- | --- |");
    let _ = writeln!(out, "| Layers | {} |", ids(&a.layers));
    let _ = writeln!(out, "| Tiers | {} |", ids(&a.tiers));
    // The word model's value is marked as the examples channel's other readings are.
    let learned = if a.gpu_impact.evidence.iter().any(Evidence::is_from_examples) {
        " (the word model's reading)"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "| GPU impact | {}{learned} |",
        md_cell(&md_code(&a.gpu_impact.value))
    );
    let _ = writeln!(out, "| Supports | {} |", ids(&a.principles.supported));
    let _ = writeln!(out, "| Strains | {} |", ids(&a.principles.strained));
    let _ = writeln!(out, "| Risks | {} |", ids(&a.risks));
    let reasons: Vec<String> = a
        .size
        .reasons
        .iter()
        .map(|r| format!("{} +{}{}", r.concern, r.points, super::set_aside_note(a, r)))
        .collect();
    let _ = writeln!(
        out,
        "| Size | **{}** ({}) |",
        md_cell(&a.size.tshirt),
        md_cell(&if reasons.is_empty() {
            a.size.band.clone()
        } else {
            reasons.join(", ")
        })
    );
    // The matched words are the author's: a backtick in them would pair with the reason's own
    // code spans.
    if let Some(line) = super::ignored_line(
        a,
        |m| md_line(m).replace('`', "\\`"),
        |r| md_line(r).into_owned(),
    ) {
        let _ = writeln!(out, "\n{line}");
    }
    if !a.questions.top.is_empty() {
        let _ = writeln!(out, "\n## Ask first\n");
        for q in &a.questions.top {
            let _ = writeln!(out, "- [ ] {}", md_line(&q.text));
        }
    }
    tradeoffs(&mut out, &a.tradeoffs);
    out
}

/// A table cell: pipes escaped, line breaks flattened.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn tradeoffs(out: &mut String, list: &[crate::analyze::tradeoffs::TradeOff]) {
    let ids = |v: &[String]| {
        if v.is_empty() {
            "—".to_owned()
        } else {
            v.iter()
                .map(|x| format!("`{x}`"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    for t in list {
        let _ = writeln!(out, "\n## Trade-offs: {}\n", cell(&t.choice));
        let _ = writeln!(
            out,
            "| Option | Supports | Strains | Effort | Admin burden |\n| --- | --- | --- | --- | --- |"
        );
        for o in &t.options {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                cell(&o.name),
                ids(&o.supports),
                ids(&o.strains),
                o.effort.as_deref().unwrap_or("?"),
                o.admin_burden.as_deref().unwrap_or("?")
            );
        }
        if let Some(r) = &t.recommendation {
            let _ = writeln!(out, "\n**Recommendation:** {}: {}.", r.option, r.reason);
        }
    }
}

/// `questions --format markdown`: checkboxes grouped by dimension.
pub(super) fn questions(a: &Analysis) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Open questions\n\n> {}\n", md_line(&a.summary));
    if !a.questions.top.is_empty() {
        let _ = writeln!(out, "### Ask first\n");
        for q in &a.questions.top {
            let _ = writeln!(out, "- [ ] {}", md_line(&q.text));
        }
        out.push('\n');
    }
    for g in &a.questions.groups {
        if g.questions.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {}\n", md_line(&g.name));
        for q in &g.questions {
            if a.questions.top.iter().any(|t| t.text == q.text) {
                continue;
            }
            let _ = writeln!(out, "- [ ] {}", md_line(&q.text));
        }
        out.push('\n');
    }
    out
}

/// The model's suggestions, labelled as model output.
pub(super) fn llm(s: &crate::llm::Suggestions) -> String {
    let mut out = format!(
        "\n## Model suggestions\n\n> LLM output from `{}`; not rule findings.\n\n",
        md_line(&s.model)
    );
    if let Some(n) = &s.narrative {
        // The model's prose keeps its paragraphs, each line quoted so it cannot open a fence,
        // a heading or a table of its own.
        for line in super::escape::term_multiline(n).lines() {
            let _ = writeln!(out, "> {line}");
        }
        out.push('\n');
    }
    for q in &s.questions {
        let _ = writeln!(out, "- [ ] {}", md_line(&q.text));
    }
    out
}
