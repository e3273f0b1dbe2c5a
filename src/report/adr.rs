//! The decision record as Markdown, in the MADR 4 layout (front matter, context, drivers,
//! options, outcome, consequences, pros and cons), plus DS01's open questions.
use std::fmt::Write;
use std::path::Path;

use crate::adr::Record;

/// The option every record weighs.
const DO_NOTHING: &str = "Do nothing: keep the current behaviour";

fn bullet(out: &mut String, text: &str) {
    let _ = writeln!(
        out,
        "* {}",
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    );
}

/// "A second source" -> "a second source", but "GPU access" stays.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() => {
            a.to_lowercase().chain(s.chars().skip(1)).collect()
        }
        _ => s.to_owned(),
    }
}

/// Render a record: the title on one line, every control character visible (the context
/// keeps its lines: it is the author's Markdown).
pub fn markdown(r: &Record) -> String {
    super::escape::finish_text(markdown_in(r), false)
}

fn markdown_in(r: &Record) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "---\nstatus: {}\ndate: {}\n---\n", r.status, r.date);
    let _ = writeln!(out, "# {}\n", super::escape::md_line(&r.title));

    out.push_str("## Context and Problem Statement\n\n");
    match &r.context {
        Some(c) => {
            let _ = writeln!(out, "{c}\n");
        }
        None => out.push_str(
            "TODO: describe the situation and the problem this decision solves, in two or three sentences.\n\n",
        ),
    }
    let _ = writeln!(
        out,
        "What the DS01 rules read in it: {}\n",
        r.analysis.summary
    );

    out.push_str("## Decision Drivers\n\n");
    if r.drivers.is_empty() {
        out.push_str(
            "* No DS01 principle or risk was recognised in the title and context; name the forces that decide this.\n",
        );
    }
    for d in &r.drivers {
        let evidence = if d.evidence.is_empty() {
            String::new()
        } else {
            format!(" Evidence: {}.", d.evidence.join(", "))
        };
        let what = match d.effect {
            "supports" => "Supports",
            "strains" => "Strains",
            _ => "Risk to settle:",
        };
        bullet(
            &mut out,
            &format!(
                "{what} `{}` ({}): {}{evidence}",
                d.id, d.name, d.description
            ),
        );
    }
    if !matches!(r.analysis.gpu_impact.value.as_str(), "none" | "unknown") {
        bullet(
            &mut out,
            &format!(
                "GPU impact `{}` ({}): say what a user sees when no GPU or MIG slice is free.",
                r.analysis.gpu_impact.value, r.analysis.gpu_impact.name
            ),
        );
    }
    if !r.analysis.tiers.is_empty() {
        let tiers: Vec<String> = r
            .analysis
            .tiers
            .iter()
            .map(|t| format!("`{}`", t.id))
            .collect();
        bullet(&mut out, &format!("Users affected: {}.", tiers.join(", ")));
    }

    out.push_str("\n## Considered Options\n\n");
    bullet(&mut out, DO_NOTHING);
    for o in &r.options {
        bullet(&mut out, &o.option.name);
    }
    if !r.option_prompts.is_empty() {
        out.push_str("\nQuestions that may add options:\n\n");
        for q in &r.option_prompts {
            bullet(&mut out, q);
        }
    }

    out.push_str("\n## Decision Outcome\n\n");
    out.push_str("Chosen option: \"TODO: one of the considered options\", because TODO: the decision drivers it serves best.\n\n");
    out.push_str("### Consequences\n\n");
    if r.consequences.is_empty() {
        out.push_str("* TODO: what becomes easier and what becomes harder.\n");
    }
    for c in &r.consequences {
        let what = match c.kind {
            "supports" => format!("Good, because it supports `{}`", c.id),
            "strains" => format!("Bad, because it strains `{}`", c.id),
            _ => format!("Bad, because of the risk of {}", c.name.to_lowercase()),
        };
        bullet(
            &mut out,
            &format!("{what}: {}", lower_first(&c.description)),
        );
    }

    out.push_str("\n## Pros and Cons of the Options\n\n");
    let _ = writeln!(out, "### {DO_NOTHING}\n");
    bullet(
        &mut out,
        "Good, because nothing new is built, shipped or operated by the admin",
    );
    bullet(
        &mut out,
        "Bad, because the problem in the context stays as it is",
    );
    for o in &r.options {
        let _ = writeln!(out, "\n### {}\n", o.option.name);
        if let Some(rule) = &o.from_rule {
            let _ = writeln!(out, "<!-- from rule `{rule}`: ds01-pm explain {rule} -->\n");
        }
        for g in &o.option.good {
            bullet(&mut out, &format!("Good, because {g}"));
        }
        for b in &o.option.bad {
            bullet(&mut out, &format!("Bad, because {b}"));
        }
    }

    out.push_str("\n## Open Questions\n\n");
    for q in &r.open_questions {
        let _ = writeln!(out, "- [ ] {} [{}]", q.text, q.dimension);
    }

    out.push_str("\n## More Information\n\n");
    let layers: Vec<String> = r
        .analysis
        .layers
        .iter()
        .map(|l| format!("{} ({})", l.id, l.name))
        .collect();
    let _ = writeln!(
        out,
        "Prefilled by `ds01-pm adr` from the analysis of the title and context. Layers: {}. Rough size: {}. Rules that fired: {}. `ds01-pm questions` with the same text prints the full checklist.",
        if layers.is_empty() {
            "none recognised".to_owned()
        } else {
            layers.join(", ")
        },
        r.analysis.size.tshirt,
        if r.analysis.rules_fired.is_empty() {
            "none".to_owned()
        } else {
            r.analysis.rules_fired.join(", ")
        }
    );
    out
}

/// After a record is written: its path on stdout (the result), the next step on stderr.
pub fn wrote(path: &Path) -> Result<(), crate::error::Error> {
    super::written(path)?;
    super::note(
        "next: choose an option under Decision Outcome, answer the open questions, then set its status",
    );
    Ok(())
}
