//! `rules eval` on a question set: does the top of the checklist ask what an expert DS01 product
//! manager would ask first? A question set is a list of `[[items]]`, each with a description and
//! the two or three topics an expert asks about first, each topic a list of alternative keywords
//! (matched case-insensitively, at the start of a word, in the text of the top questions).
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analyze::analyze;
use crate::analyze::questions::{Item, code_span};
use crate::error::Error;
use crate::rules::RuleSet;

/// A question set: `[[items]]` as in `fixtures/eval/ds01-questions.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionSet {
    pub items: Vec<QuestionItem>,
}

/// One item: a proposal and what an expert asks about first.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionItem {
    pub id: String,
    /// The labelled item the description comes from (`train:<id>`), if any.
    #[serde(default, rename = "ref")]
    pub reference: Option<String>,
    /// Where in DS01's repositories the item was drawn from (`path@commit (section)`), if any.
    #[serde(default)]
    pub source: Option<String>,
    pub description: String,
    pub topics: Vec<Topic>,
}

/// A topic and the keywords any of which shows that a question asks about it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub topic: String,
    pub any: Vec<String>,
}

/// A question's own words: the proposal's text it cites (`Item::cited`, quoted as a code span,
/// see `questions::code_span`) taken out, so that a keyword counts only when the question asks
/// about it, not when it quotes the proposal's words back. A rule author's own code spans
/// (`container retire`, `--dry-run`) stay.
fn own_words(q: &Item) -> String {
    let mut text = q.text.clone();
    for cited in &q.cited {
        text = text.replace(&code_span(cited), " ");
    }
    text
}

/// Whether `text` (lowercase) has `keyword` starting at a word: `lose` is not in "close".
fn mentions(text: &str, keyword: &str) -> bool {
    text.match_indices(keyword).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let first = keyword.chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) || first.is_some_and(|c| !c.is_alphanumeric())
    })
}

/// Whether a labelled file is a question set rather than a concern set (`[[features]]`).
pub fn is_question_set(text: &str) -> bool {
    toml::from_str::<toml::Table>(text)
        .is_ok_and(|t| t.contains_key("items") && !t.contains_key("features"))
}

/// Parse and check a question set.
pub fn load(name: &str, text: &str) -> Result<QuestionSet, Error> {
    let set: QuestionSet = toml::from_str(text).map_err(|e| {
        Error::invalid(
            crate::diag::toml_error(name, text, &e),
            Some("a question set is a list of `[[items]]` with id, description and topics = [{ topic, any = [keywords] }]"),
        )
    })?;
    let mut problems = Vec::new();
    if set.items.is_empty() {
        problems.push(format!("{name}: no `[[items]]`"));
    }
    for item in &set.items {
        if item.topics.is_empty() {
            problems.push(format!("{name}: item `{}`: no topics", item.id));
        }
        for t in &item.topics {
            if t.any.iter().all(|k| k.trim().is_empty()) {
                problems.push(format!(
                    "{name}: item `{}`: topic `{}` has no keywords",
                    item.id, t.topic
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(set)
    } else {
        Err(Error::Many {
            problems,
            hint: Some("every topic needs at least one keyword".into()),
        })
    }
}

/// What the top questions of one item asked and missed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ItemResult {
    pub id: String,
    pub asked: Vec<String>,
    pub missed: Vec<String>,
    pub top: Vec<String>,
}

/// The question most often in a top list, and in how many.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Commonest {
    pub question: String,
    pub items: usize,
    pub share: f64,
}

/// The result of `rules eval` on a question set.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QuestionEval {
    pub items: usize,
    pub topics: usize,
    /// Expert topics asked by a top question, over all topics.
    pub topic_recall: f64,
    /// Items with at least one expert topic asked.
    pub items_with_topic_asked: f64,
    /// The question in the most top lists.
    pub commonest: Option<Commonest>,
    /// Top questions whose every source is a tier label.
    pub tier_only_share: f64,
    /// Top questions in all.
    pub top_questions: usize,
    pub per_item: Vec<ItemResult>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        (a as f64 / b as f64 * 1000.0).round() / 1000.0
    }
}

/// Analyse every item and check its top questions against the expert's topics.
pub fn evaluate(rules: &RuleSet, set: &QuestionSet) -> QuestionEval {
    let (mut topics, mut asked_topics, mut items_hit, mut tops, mut tier_only) = (0, 0, 0, 0, 0);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut per_item = Vec::new();
    for item in &set.items {
        let a = analyze(rules, &item.description);
        let top = &a.questions.top;
        let texts: Vec<String> = top.iter().map(|q| own_words(q).to_lowercase()).collect();
        tops += top.len();
        tier_only += top
            .iter()
            .filter(|q| !q.sources.is_empty() && q.sources.iter().all(|s| s.starts_with("tier:")))
            .count();
        for q in top {
            *counts.entry(q.text.clone()).or_default() += 1;
        }
        let (mut asked, mut missed) = (Vec::new(), Vec::new());
        for t in &item.topics {
            let hit = t.any.iter().any(|k| {
                let k = k.trim().to_lowercase();
                !k.is_empty() && texts.iter().any(|q| mentions(q, &k))
            });
            if hit {
                asked.push(t.topic.clone());
            } else {
                missed.push(t.topic.clone());
            }
        }
        topics += item.topics.len();
        asked_topics += asked.len();
        items_hit += usize::from(!asked.is_empty());
        per_item.push(ItemResult {
            id: item.id.clone(),
            asked,
            missed,
            top: top.iter().map(|q| q.text.clone()).collect(),
        });
    }
    let n = set.items.len();
    let commonest = counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .map(|(question, items)| Commonest {
            share: ratio(items, n),
            question,
            items,
        });
    QuestionEval {
        items: n,
        topics,
        topic_recall: ratio(asked_topics, topics),
        items_with_topic_asked: ratio(items_hit, n),
        commonest,
        tier_only_share: ratio(tier_only, tops),
        top_questions: tops,
        per_item,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_match_at_the_start_of_a_word() {
        assert!(mentions("what do they lose?", "lose"));
        assert!(!mentions("close to a deadline", "lose"));
        assert!(mentions("the gpueq quota", "gpueq"));
        assert!(mentions("under /workspace", "/workspace"));
        assert!(mentions("isolation", "isolat"));
    }

    #[test]
    fn cited_text_is_not_the_question_asking() {
        let q = |text: &str, cited: &[&str]| Item {
            text: text.into(),
            dimension: "technical".into(),
            priority: 1,
            importance: 1.0,
            sources: vec![],
            template: None,
            cited: cited.iter().map(|c| (*c).to_owned()).collect(),
        };
        let asked = q("You mention `API key`: where is it kept?", &["API key"]);
        assert_eq!(own_words(&asked), "You mention  : where is it kept?");
        assert!(!mentions(&own_words(&asked).to_lowercase(), "api"));
        let ticks = q("You mention ``a `b` c``: why?", &["a `b` c"]);
        assert_eq!(own_words(&ticks), "You mention  : why?");
        // The rule author's own code spans are the question's words.
        let own = q("Does `container retire` keep it (`--dry-run`)?", &[]);
        assert_eq!(own_words(&own), own.text);
    }

    #[test]
    fn the_fixture_sets_load_and_are_told_apart_from_concern_sets() {
        for (name, text) in [
            (
                "ds01-questions.toml",
                include_str!("../../fixtures/eval/ds01-questions.toml"),
            ),
            (
                "ds01-questions-check.toml",
                include_str!("../../fixtures/eval/ds01-questions-check.toml"),
            ),
        ] {
            assert!(is_question_set(text), "{name}");
            let set = load(name, text).expect("question set");
            assert!(set.items.iter().all(|i| (2..=3).contains(&i.topics.len())));
        }
        assert!(!is_question_set(include_str!(
            "../../fixtures/eval/ds01-dev.toml"
        )));
    }

    #[test]
    fn metrics_count_topics_items_and_tier_only_questions() {
        let rules = crate::rules::defaults().expect("rules");
        let text = r#"
[[items]]
id = "a"
description = "Delete the home directories of departed users after the semester."
topics = [
  { topic = "warning", any = ["warn", "dry-run"] },
  { topic = "nothing", any = ["zzzz-never"] },
]
"#;
        let set = load("t.toml", text).expect("loads");
        let r = evaluate(rules, &set);
        assert_eq!((r.items, r.topics), (1, 2));
        assert_eq!(r.topic_recall, 0.5);
        assert_eq!(r.items_with_topic_asked, 1.0);
        assert_eq!(r.commonest.as_ref().map(|c| c.items), Some(1));
        assert!(
            load(
                "t.toml",
                "[[items]]\nid = \"a\"\ndescription = \"x\"\ntopics = []\n"
            )
            .is_err()
        );
    }
}
