//! The reference corpus of the question specificity table: the labeled DS01 sets the rules are
//! tuned on (`fixtures/eval/ds01-train.toml`, `ds01-dev.toml`; never the held-out sets) and the
//! `match` examples of every embedded reading rule. Shared by
//! `examples/gen_specificity.rs`, which writes the table, and the test that keeps it current.
use std::path::Path;

/// The corpus texts, in a stable order.
pub(crate) fn corpus(root: &Path, set: &ds01_pm::rules::RuleSet) -> Vec<String> {
    let mut texts = Vec::new();
    for name in ["ds01-train.toml", "ds01-dev.toml"] {
        let path = root.join("fixtures/eval").join(name);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let data = ds01_pm::eval::load(name, &text).expect("labeled set");
        texts.extend(data.features.into_iter().map(|f| f.description));
    }
    for rule in &set.rules {
        texts.extend(rule.examples_match.iter().map(ToString::to_string));
    }
    texts
}
