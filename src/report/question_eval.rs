//! `rules eval` on a question set, and `rules show` of a combination rule.
use std::fmt::Write;

use crate::cli::ListFormat;
use crate::eval::questions::QuestionEval;
use crate::rules::Combination;

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

/// `rules show ID` for a combination: when it fires, its questions and examples.
pub fn combination(c: &Combination, format: ListFormat) -> String {
    if format == ListFormat::Json {
        return super::json(c);
    }
    let mut out = String::new();
    let all: Vec<String> = c.all.iter().map(ToString::to_string).collect();
    let _ = writeln!(out, "{} — {}\n  {}", c.id, c.summary, c.location);
    let _ = writeln!(out, "\nWhy: {}", c.why);
    let _ = writeln!(out, "\nFires when all of: {}", all.join(", "));
    if !c.unless.is_empty() {
        let unless: Vec<String> = c.unless.iter().map(ToString::to_string).collect();
        let _ = writeln!(out, "Unless any of: {}", unless.join(", "));
    }
    let _ = writeln!(out, "\nQuestions");
    for q in &c.questions {
        let _ = writeln!(out, "  [{} p{}] {}", q.dimension, q.priority, q.text);
    }
    let _ = writeln!(out, "\nExamples");
    for e in &c.examples_match {
        let _ = writeln!(out, "  fires on:     {e}");
    }
    for e in &c.examples_no_match {
        let _ = writeln!(out, "  not on:       {e}");
    }
    out
}
