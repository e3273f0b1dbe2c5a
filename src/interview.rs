//! `ds01-pm new` as an interview: the feature idea, the analysis's top questions one at a time,
//! then a proposal in the `check` template with the answers in the sections they belong to.
//!
//! This module is pure: the answers (typed at a terminal by [`crate::report::prompt`] or read
//! from an `--answers` file by [`load_answers`]) go in, a [`Draft`] comes out, and
//! [`crate::report::proposal`] renders it.
use std::path::Path;

use serde::Deserialize;

use crate::analyze::Analysis;
use crate::error::Error;
use crate::questions::Item;

/// Everything the author said: the idea, an optional title and author, and one answer per
/// top question, in order (an empty answer skips the question).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    /// The feature idea, a sentence or two.
    pub idea: String,
    /// The proposal's title; derived from the idea when absent.
    #[serde(default)]
    pub title: Option<String>,
    /// The author for the front matter; `$USER` when absent.
    #[serde(default)]
    pub author: Option<String>,
    /// Answers to the top questions, in the order `ds01-pm questions IDEA` lists them.
    #[serde(default)]
    pub answers: Vec<String>,
}

/// The proposal sections an answer can go to, as the template names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Problem,
    Users,
    Change,
    Metrics,
    Alternatives,
    Gpu,
    Rollout,
}

impl Section {
    /// The heading in the template.
    pub fn heading(self) -> &'static str {
        match self {
            Section::Problem => "Problem",
            Section::Users => "Users and current workflow",
            Section::Change => "Proposed change",
            Section::Metrics => "Success metrics",
            Section::Alternatives => "Alternatives considered",
            Section::Gpu => "GPU and MIG impact",
            Section::Rollout => "Rollout and rollback",
        }
    }
}

/// Where the answer to a question belongs. The question framework's dimension decides, with
/// two refinements a reviewer expects: a "how will we know it worked" question goes to Success
/// metrics, and a technical question about GPUs or MIG to the GPU section.
pub fn section_for(q: &Item) -> Section {
    let text = q.text.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    if has(&["know it worked", "metric", "measure", "success"]) {
        return Section::Metrics;
    }
    match q.dimension.as_str() {
        "user-context" => Section::Users,
        "problem-definition" => Section::Problem,
        "solution-space" => Section::Alternatives,
        "implementation" => Section::Rollout,
        _ if has(&["gpu", "mig ", "mig,", "slice"]) => Section::Gpu,
        _ => Section::Change,
    }
}

/// One question of the interview and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Asked {
    pub question: Item,
    pub section: Section,
    /// `None` when skipped.
    pub answer: Option<String>,
}

/// What the interview produced, ready to render.
#[derive(Debug, Clone)]
pub struct Draft {
    pub id: String,
    pub title: String,
    pub author: Option<String>,
    pub idea: String,
    pub tiers: Vec<String>,
    /// Layer ids and names, e.g. (`L3`, `Orchestrators`).
    pub layers: Vec<(String, String)>,
    /// The GPU impact as the analysis named it.
    pub gpu: String,
    /// Principle ids the idea supports and strains.
    pub supports: Vec<String>,
    pub strains: Vec<String>,
    /// The analysis's "What I understood".
    pub summary: String,
    pub asked: Vec<Asked>,
}

impl Draft {
    /// The answers that went to `section`, in question order.
    pub fn answers_for(&self, section: Section) -> impl Iterator<Item = &str> {
        self.asked
            .iter()
            .filter(move |a| a.section == section)
            .filter_map(|a| a.answer.as_deref())
    }

    /// Sections that received no answer (they keep the template's TODO).
    pub fn unanswered_sections(&self) -> Vec<Section> {
        [
            Section::Problem,
            Section::Users,
            Section::Metrics,
            Section::Alternatives,
            Section::Gpu,
            Section::Rollout,
        ]
        .into_iter()
        .filter(|s| self.answers_for(*s).next().is_none())
        .collect()
    }
}

/// The questions the interview asks: the analysis's top list.
pub fn questions(a: &Analysis, top: usize) -> Vec<Item> {
    a.questions.top.iter().take(top).cloned().collect()
}

/// Build the draft from the analysis of the idea and the answers given.
pub fn draft(a: &Analysis, answers: &Answers, questions: &[Item]) -> Draft {
    let idea = answers.idea.trim().to_owned();
    let title = answers
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map_or_else(|| title_from(&idea), str::to_owned);
    let asked = questions
        .iter()
        .enumerate()
        .map(|(i, q)| Asked {
            question: q.clone(),
            section: section_for(q),
            answer: answers
                .answers
                .get(i)
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        })
        .collect();
    Draft {
        id: slug(&title),
        title,
        author: answers
            .author
            .clone()
            .filter(|a| !a.trim().is_empty())
            .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty())),
        idea,
        tiers: a.tiers.iter().map(|t| t.id.clone()).collect(),
        layers: a
            .layers
            .iter()
            .map(|l| (l.id.clone(), l.name.clone()))
            .collect(),
        gpu: a.gpu_impact.name.clone(),
        supports: a
            .principles
            .supported
            .iter()
            .map(|p| p.id.clone())
            .collect(),
        strains: a.principles.strained.iter().map(|p| p.id.clone()).collect(),
        summary: a.summary.clone(),
        asked,
    }
}

/// A title from the idea: its first sentence, capitalised, cut at a word near 70 characters.
pub fn title_from(idea: &str) -> String {
    let first = idea
        .split_terminator(['.', '!', '?', '\n'])
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or("New proposal");
    let mut title = String::new();
    for word in first.split_whitespace() {
        if !title.is_empty() && title.len() + word.len() > 70 {
            break;
        }
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    let mut chars = title.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "New proposal".into(),
    }
}

/// A kebab-case id from a title: ASCII letters and digits, at most six words.
pub fn slug(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        "new-proposal".into()
    } else {
        words.join("-")
    }
}

/// Read an `--answers` file: TOML with `idea`, optional `title` and `author`, and `answers`,
/// one string per top question in order ("" skips one).
pub fn load_answers(path: &Path) -> Result<Answers, Error> {
    let text = crate::error::read_text(path)?;
    let name = path.display().to_string();
    let answers: Answers = toml::from_str(&text).map_err(|e| {
        Error::invalid(
            crate::rules::toml_error(&name, &text, &e),
            Some(
                "an answers file has `idea = \"...\"` and optional `title`, `author` and `answers = [\"...\", ...]`",
            ),
        )
    })?;
    if answers.idea.trim().is_empty() {
        return Err(Error::invalid(
            format!("{name}: `idea` is empty"),
            Some("describe the feature in a sentence or more"),
        ));
    }
    Ok(answers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(dimension: &str, text: &str) -> Item {
        Item {
            text: text.into(),
            dimension: dimension.into(),
            priority: 1,
            importance: 1.0,
            sources: vec![],
        }
    }

    #[test]
    fn answers_go_to_the_section_of_their_dimension() {
        assert_eq!(
            section_for(&item("user-context", "Who uses it today?")),
            Section::Users
        );
        assert_eq!(
            section_for(&item("problem-definition", "What evidence do we have?")),
            Section::Problem
        );
        assert_eq!(
            section_for(&item(
                "problem-definition",
                "How will we know it worked: which number should change?"
            )),
            Section::Metrics
        );
        assert_eq!(
            section_for(&item(
                "technical",
                "How does this count against the GPU quota?"
            )),
            Section::Gpu
        );
        assert_eq!(
            section_for(&item("technical", "Which state file changes?")),
            Section::Change
        );
        assert_eq!(
            section_for(&item("implementation", "How is it rolled back?")),
            Section::Rollout
        );
        assert_eq!(
            section_for(&item("solution-space", "Could configuration do it?")),
            Section::Alternatives
        );
    }

    #[test]
    fn titles_and_slugs_come_from_the_idea() {
        assert_eq!(
            title_from("let students keep containers over the weekend. More later."),
            "Let students keep containers over the weekend"
        );
        assert!(title_from(&"word ".repeat(40)).len() <= 75);
        assert_eq!(
            slug("Weekend keep-alive for student containers!"),
            "weekend-keep-alive-for-student-containers"
        );
        assert_eq!(slug("¿¡!"), "new-proposal");
    }
}
