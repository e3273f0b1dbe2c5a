//! `check --format comment`: the Markdown of one GitHub issue comment, for a workflow that
//! triages feature requests (`examples/issue-triage.yml`). Its first line is [`MARKER`], so the
//! workflow finds its own comment and edits it when the issue is edited. Then, per proposal:
//! what ds01-pm understood (layers, tiers, GPU impact, principles, risks, size), the top
//! questions as a task list, and what the proposal still lacks (the findings).
//!
//! Everything that comes from the issue (its title, words quoted in the summary, questions
//! and findings) goes through [`md_text`]: an issue body cannot bring Markdown, HTML, a
//! mention or a second marker into the comment.
use std::fmt::Write;

use super::escape::{finish_text, md_text};
use crate::analyze::{Analysis, Finding as Concern};
use crate::check::{Outcome, Severity};

/// The hidden first line that marks ds01-pm's triage comment; `check` ignores it in a
/// document (`check::suppress::TRIAGE_MARKER`).
pub const MARKER: &str = "<!-- ds01-pm:triage -->";

fn ids(list: &[Concern]) -> String {
    if list.is_empty() {
        return "—".to_owned();
    }
    list.iter()
        .map(|f| md_text(&f.id))
        .collect::<Vec<_>>()
        .join(", ")
}

fn understood(out: &mut String, a: &Analysis) {
    let _ = writeln!(out, "**What I understood.** {}\n", md_text(&a.summary));
    let layers = if a.layers.is_empty() {
        "—".to_owned()
    } else {
        a.layers
            .iter()
            .map(|l| format!("{} {}", md_text(&l.id), md_text(&l.name)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let reasons: Vec<String> = a
        .size
        .reasons
        .iter()
        .map(|r| {
            format!(
                "{} +{}{}",
                md_text(&r.concern),
                r.points,
                super::set_aside_note(a, r)
            )
        })
        .collect();
    let _ = writeln!(out, "| Concern | Reading |\n| --- | --- |");
    let _ = writeln!(out, "| Layers | {layers} |");
    let _ = writeln!(out, "| Tiers | {} |", ids(&a.tiers));
    let _ = writeln!(out, "| GPU impact | {} |", md_text(&a.gpu_impact.value));
    let _ = writeln!(out, "| Supports | {} |", ids(&a.principles.supported));
    let _ = writeln!(out, "| Strains | {} |", ids(&a.principles.strained));
    let _ = writeln!(out, "| Risks | {} |", ids(&a.risks));
    let _ = writeln!(
        out,
        "| Size | **{}** {} |",
        md_text(&a.size.tshirt),
        if reasons.is_empty() {
            String::new()
        } else {
            format!("({})", reasons.join(", "))
        }
    );
    out.push('\n');
}

/// The comment for `o`; `analyses` holds each file's analysis, in the order of `o.files`
/// (empty: the findings only), and `top` how many of its top questions to list.
pub fn comment(o: &Outcome, analyses: &[Analysis], top: usize) -> String {
    let mut out = format!("{MARKER}\n");
    let many = o.files.len() > 1;
    for (i, f) in o.files.iter().enumerate() {
        let title = f.title.as_deref().unwrap_or("this proposal");
        if many {
            let _ = writeln!(
                out,
                "### ds01-pm triage: {} ({})\n",
                md_text(title),
                md_text(&f.path)
            );
        } else {
            let _ = writeln!(out, "### ds01-pm triage: {}\n", md_text(title));
        }
        if let Some(a) = analyses.get(i) {
            understood(&mut out, a);
            let questions: Vec<_> = a.questions.top.iter().take(top).collect();
            if !questions.is_empty() {
                let _ = writeln!(out, "**Questions to answer first**\n");
                for q in questions {
                    let _ = writeln!(out, "- [ ] {}", md_text(&q.text));
                }
                out.push('\n');
            }
        }
        let _ = writeln!(out, "**What the proposal still lacks**\n");
        if f.findings.is_empty() {
            let _ = writeln!(out, "Nothing: every check passes.\n");
        }
        for x in &f.findings {
            let sev = match x.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            let _ = writeln!(
                out,
                "- **{sev}** {} (line {}): {}",
                x.code,
                x.line,
                md_text(&x.message)
            );
        }
        if !f.findings.is_empty() {
            out.push('\n');
        }
    }
    let (e, w, i) = o.counts();
    let verdict = if o.failed() {
        format!("fails at `{}`", o.fail_level.name())
    } else {
        format!("passes at `{}`", o.fail_level.name())
    };
    let _ = writeln!(
        out,
        "<sub>ds01-pm check: {e} error(s), {w} warning(s), {i} info(s); {verdict}. Edit the issue to update this comment; `ds01-pm explain CODE` explains a finding.</sub>"
    );
    finish_text(out, false)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_marker_is_the_one_check_ignores() {
        assert_eq!(
            super::MARKER,
            format!("<!-- ds01-pm:{} -->", crate::check::suppress::TRIAGE_MARKER)
        );
    }
}
