//! The question specificity table is generated from the embedded rules and the labeled sets;
//! it must match what they produce now.
#[path = "../../examples/support/specificity_corpus.rs"]
mod specificity_corpus;

use std::path::Path;

#[test]
fn question_specificity_table_is_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let set = ds01_pm::rules::defaults().expect("embedded rules");
    let corpus = specificity_corpus::corpus(root, set);
    let want = ds01_pm::analyze::questions::specificity_table(set, &corpus);
    let path = root.join("rules/generated/question-specificity.tsv");
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is out of date with the rules or the labeled sets; regenerate it with `cargo run --example gen_specificity` and commit it",
        path.display()
    );
}

#[test]
fn rarer_sources_are_more_specific() {
    use ds01_pm::analyze::questions::specificity;
    // A framework question is asked of every text; a source never seen counts as rare.
    assert!(specificity("framework:who-asked") < 0.1);
    assert!(specificity("rule:some-site-rule") > specificity("tier:student"));
    assert!(specificity("tier:student") < specificity("risk:infra-prerequisite"));
}
