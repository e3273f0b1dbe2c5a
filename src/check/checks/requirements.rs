//! Requirements decided by the concern analysis (P201-P205): what a proposal with GPU impact,
//! a strained principle, a data-loss risk, a heavy dependency or a disruption must say.
use super::*;

static NO_FREE_GPU: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        \bno\s+(?:free\s+|available\s+|idle\s+|spare\s+)?(?:gpus?|mig|slices?|slots?|instances?|capacity)\b
        | \b(?:gpus?|slices?|slots?|instances?|mig)\b[^.\n]{0,40}\b(?:busy|taken|full|exhausted|unavailable|in\ use|occupied|all\ allocated)\b
        | \b(?:none|nothing)\s+(?:is\s+|are\s+)?(?:free|available|left)\b
        | \b(?:gpu[-\ ])?queue[ds]?\b|\bqueuing\b|\bqueueing\b
        | \bwait(?:s|ing)?\s+(?:for|in|until)\b
        | \bfall(?:s|ing)?\s+back\b|\bfallback\b|\bcpu[-\ ]only\b
        | \brefus(?:e|es|ed|al)\b|\breject(?:s|ed)?\b|\bdenied\b
        | \bat\s+capacity\b|\bout\s+of\s+(?:gpus?|slices?|capacity)\b
        | \b(?:if|when|while|until)\b[^.\n]{0,60}\b(?:free|available|busy|full|taken|exhausted|in\ use)\b
        ",
    )
    .expect("static regex")
});

static ROLLBACK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)\b(?:roll(?:ed|s|ing)?[-\ ]?back|backups?|back(?:ed)?[-\ ]up|restor(?:e|es|ed|ing)|snapshots?|dry[-\ ]run|undo|revert(?:s|ed)?|recover(?:y|s|ed)?|grace\ period|archiv(?:e|es|ed)|trash|soft[-\ ]delete)\b",
    )
    .expect("static regex")
});

static MAINTENANCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)\b(?:maintenance(?:\ window)?|downtime|announc(?:e|es|ed|ement)|notif(?:y|ies|ied|ication)|notice|warn(?:s|ed|ing)?|drain(?:s|ed|ing)?|off[-\ ]peak|schedul(?:e|ed)|in\ advance|ahead\ of\ time|semester\ break|overnight)\b",
    )
    .expect("static regex")
});

/// Where a concern came from: `“MIG slice” (line 9)`, or the rule that inferred it.
pub(super) fn evidence_text(doc: &Document<'_>, ev: &[Evidence]) -> (String, Option<usize>) {
    match ev.iter().find(|e| e.span.is_some()) {
        Some(e) => {
            let at = e.span.map_or(0, |s| s[0]);
            (
                format!("“{}” on line {}", e.matched.trim(), doc.index.line(at)),
                Some(at),
            )
        }
        None => (
            ev.first().map_or_else(
                || "the analysis".to_owned(),
                |e| format!("rule `{}`", e.rule),
            ),
            None,
        ),
    }
}

/// The section's text as prose (comments and front matter blanked).
fn section_text<'a>(doc: &'a Document<'a>, id: &str) -> Option<&'a str> {
    doc.section(id).map(|s| doc.masked(s.body.clone()))
}

fn has_content(text: &str) -> bool {
    text.lines().any(|l| !l.trim().is_empty())
}

pub(super) fn requirements(ctx: &mut Ctx<'_>, set: &RuleSet, a: &Analysis) {
    let doc = ctx.doc;
    let title_at = ctx.title_at;
    // Where a requirement's finding points: the section that should answer it, else the
    // evidence, else the title.
    let target = |id: &str, evidence_at: Option<usize>| {
        doc.section(id)
            .map(|s| s.heading.at)
            .or(evidence_at)
            .unwrap_or(title_at)
    };

    if !matches!(a.gpu_impact.value.as_str(), "none" | "unknown") {
        let (from, ev_at) = evidence_text(doc, &a.gpu_impact.evidence);
        let what = format!("GPU impact is `{}` (from {from})", a.gpu_impact.value);
        let answered = section_text(doc, "gpu-impact").is_some_and(|t| NO_FREE_GPU.is_match(t));
        if !answered {
            let message = if doc.section("gpu-impact").is_some() {
                format!(
                    "{what}, but `GPU and MIG impact` does not say what happens when no GPU or MIG slice is free (a queue, a refusal with the next step, a CPU-only fallback)"
                )
            } else {
                format!(
                    "{what}, but there is no `GPU and MIG impact` section saying what happens when no GPU or MIG slice is free"
                )
            };
            let at = target("gpu-impact", ev_at);
            ctx.push(
                &P201,
                at,
                Some("gpu-impact"),
                a.gpu_impact.value.clone(),
                message,
            );
        }
    }

    let principles_text = section_text(doc, "principles").map(str::to_lowercase);
    for p in &a.principles.strained {
        let name = set
            .label(Family::Principles, &p.id)
            .map_or_else(|| p.id.clone(), |l| l.name.clone());
        let mentioned = principles_text.as_deref().is_some_and(|t| {
            t.contains(&p.id)
                || t.contains(&p.id.replace('-', " "))
                || t.contains(&name.to_lowercase())
        });
        if mentioned {
            continue;
        }
        let (from, ev_at) = evidence_text(doc, &p.evidence);
        let message = if doc.section("principles").is_some() {
            format!(
                "the proposal strains `{}` (from {from}), but `Principles and exceptions` does not name it: justify the exception (why, for whom, how it is limited)",
                p.id
            )
        } else {
            format!(
                "the proposal strains `{}` (from {from}), but there is no `Principles and exceptions` section justifying the exception",
                p.id
            )
        };
        let at = target("principles", ev_at);
        ctx.push(&P202, at, Some("principles"), p.id.clone(), message);
    }

    let risk = |id: &str| a.risks.iter().find(|r| r.id == id);
    let rollout = section_text(doc, "rollout");
    // Risks that the rollout section must answer: (risk, what answers it, code, requirement).
    let rollout_requirements: [(&str, &Regex, &'static CheckInfo, &str); 2] = [
        (
            "data-loss",
            &ROLLBACK,
            &P203,
            "data-loss risk (from {from}): `Rollout and rollback` must give a rollback or backup plan (backup, restore, dry run, grace period, undo)",
        ),
        (
            "live-disruption",
            &MAINTENANCE,
            &P205,
            "the change interrupts running work (from {from}): `Rollout and rollback` should say when the maintenance window is and how owners of running containers are told",
        ),
    ];
    for (id, answer, code, requirement) in rollout_requirements {
        let Some(r) = risk(id) else { continue };
        if rollout.is_some_and(|t| answer.is_match(t)) {
            continue;
        }
        let (from, ev_at) = evidence_text(doc, &r.evidence);
        let missing = if rollout.is_none() {
            "; the section is missing"
        } else {
            ""
        };
        let message = format!("{}{missing}", requirement.replace("{from}", &from));
        let at = target("rollout", ev_at);
        ctx.push(code, at, Some("rollout"), id, message);
    }
    let heavy: Vec<&crate::analyze::Finding> = ["scope-creep", "state-drift"]
        .iter()
        .filter_map(|id| risk(id))
        .collect();
    if let Some(first) = heavy.first() {
        let alternatives = section_text(doc, "alternatives");
        if !alternatives.is_some_and(has_content) {
            let ev: Vec<Evidence> = heavy.iter().flat_map(|r| r.evidence.clone()).collect();
            let (from, ev_at) = evidence_text(doc, &ev);
            let ids: Vec<String> = heavy.iter().map(|r| format!("`{}`", r.id)).collect();
            let message = format!(
                "a heavy new dependency (from {from}; risk {}) needs `Alternatives considered`: compare building a small piece, integrating an existing tool, configuring what exists, and doing nothing{}",
                ids.join(", "),
                if alternatives.is_none() {
                    ""
                } else {
                    "; the section is empty"
                }
            );
            let at = target("alternatives", ev_at);
            ctx.push(&P204, at, Some("alternatives"), first.id.clone(), message);
        }
    }
}
