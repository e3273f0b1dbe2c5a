//! `--format labels`: what the analysis established, as issue-tracker label names, one per
//! line (`layer:L0`, `tier:student`, `gpu:mig`, `strains:ephemeral-containers`,
//! `risk:data-loss`, `size:M`), for a CI job that labels an issue from its body. Nothing is
//! printed for what was not understood (GPU impact `none` or `unknown`, size `unknown`), nor
//! for readings of the nearest labelled examples alone: a label a bot puts on an issue comes
//! from words in its text (`analyze --format labels` reads with the rules alone, so nothing
//! the nearest examples set aside is missing either).
use crate::analyze::Analysis;

/// The label names, in a fixed order: layers, tiers, GPU impact, strained principles, risks,
/// size.
pub(super) fn labels(a: &Analysis) -> String {
    let mut out: Vec<String> = Vec::new();
    let read = |f: &&crate::analyze::Finding| !f.is_from_examples();
    out.extend(
        a.layers
            .iter()
            .filter(read)
            .map(|f| format!("layer:{}", f.id)),
    );
    out.extend(
        a.tiers
            .iter()
            .filter(read)
            .map(|f| format!("tier:{}", f.id)),
    );
    if !matches!(a.gpu_impact.value.as_str(), "none" | "unknown") {
        out.push(format!("gpu:{}", a.gpu_impact.value));
    }
    out.extend(
        a.principles
            .strained
            .iter()
            .map(|f| format!("strains:{}", f.id)),
    );
    out.extend(a.risks.iter().map(|f| format!("risk:{}", f.id)));
    if a.size.tshirt != "unknown" {
        out.push(format!("size:{}", a.size.tshirt));
    }
    // Ids come from the rule files (kebab-case, validated at load); a user rule set could
    // still name one oddly, so each line keeps to the characters a label name can carry.
    out.iter()
        .map(|l| {
            l.chars()
                .filter(|c| c.is_ascii_alphanumeric() || "-_:.".contains(*c))
                .collect::<String>()
                + "\n"
        })
        .collect()
}
