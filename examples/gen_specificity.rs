//! Regenerate `rules/generated/question-specificity.tsv`, the table of how often each question
//! source (a concern, rule or combination) fires across the reference corpus of DS01 items:
//!
//! ```text
//! cargo run --example gen_specificity
//! ```
//!
//! Run it after changing the embedded rules or the labeled sets; the test
//! `question_specificity_table_is_current` fails until the table matches.
#[path = "support/specificity_corpus.rs"]
mod specificity_corpus;

use std::io::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let set = ds01_pm::rules::defaults().expect("embedded rules");
    let corpus = specificity_corpus::corpus(root, set);
    let table = ds01_pm::analyze::questions::specificity_table(set, &corpus);
    let path = root.join("rules/generated/question-specificity.tsv");
    std::fs::write(&path, table).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let _ = writeln!(
        std::io::stdout(),
        "wrote {} ({} texts)",
        path.display(),
        corpus.len()
    );
}
