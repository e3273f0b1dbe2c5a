//! `rules eval` on a question set.
use std::fmt::Write;

use crate::cli::ListFormat;
use crate::eval::questions::QuestionEval;

/// The question-set report, human or JSON.
pub fn render(r: &QuestionEval, format: ListFormat) -> String {
    if format == ListFormat::Json {
        return super::json(r);
    }
    let mut out = String::new();
    let pct = |x: f64| format!("{:.0}%", x * 100.0);
    let _ = writeln!(out, "{} items, {} expert topics", r.items, r.topics);
    let _ = writeln!(
        out,
        "topic recall in the top questions:       {:.3}",
        r.topic_recall
    );
    let _ = writeln!(
        out,
        "items with at least one topic asked:     {}",
        pct(r.items_with_topic_asked)
    );
    if let Some(c) = &r.commonest {
        let _ = writeln!(
            out,
            "most common top question:                {} of items ({}): {}",
            pct(c.share),
            c.items,
            c.question
        );
    }
    let _ = writeln!(
        out,
        "top questions from tier labels alone:    {} of {}",
        pct(r.tier_only_share),
        r.top_questions
    );
    let missed: Vec<_> = r.per_item.iter().filter(|i| i.asked.is_empty()).collect();
    if !missed.is_empty() {
        let _ = writeln!(out, "\nNo expert topic asked ({})", missed.len());
        for i in missed {
            let _ = writeln!(out, "  {}: missed {}", i.id, i.missed.join("; "));
        }
    }
    out
}
