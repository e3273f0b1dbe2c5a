//! `ds01-pm new` as an interview: the feature idea, the top questions one at a time, then a
//! proposal in the `check` template with the answers in the sections they belong to.
//!
//! The questions are those `ds01-pm check` will look for in the proposal being written, not
//! those of the idea alone: `check` analyses the proposal's prose (the title, the idea and the
//! answers in their sections), and a title or an answer can bring up concerns the idea did not
//! (an answer that mentions SLURM raises the heavy-dependency questions). So [`conduct`] asks
//! the top questions of `check`'s analysis of the draft, renders the draft with the answers,
//! analyses it again and asks what the answers brought up, for a few rounds; what is left of
//! `check`'s top questions is listed, unticked, under Open questions. `check` then never
//! reports a top question (P302) that the proposal does not list.
//!
//! This module is pure: the answers (typed at a terminal by `report::prompt` or read
//! from an `--answers` file by [`load_answers`]) go in through a callback, a [`Draft`] comes
//! out, and `report::proposal` renders it.
use std::path::Path;

use serde::Deserialize;

use crate::analyze::Analysis;
use crate::analyze::questions::Item;
use crate::error::Error;

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
    /// Answers to the questions, in the order `new` asks them (the order of the Open questions
    /// list of the proposal it writes).
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
    /// `None` when skipped or not asked.
    pub answer: Option<String>,
    /// Put to the author (or read from the answers file). `false`: only listed, as one of the
    /// top questions `check` looks for that was past `--top` or came up after the last round.
    pub asked: bool,
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
    /// The questions in the order they were asked, then the ones only listed.
    pub asked: Vec<Asked>,
    /// Concerns (`kind:id`) the answers brought up that the first reading of the draft did
    /// not have: what the interview learned.
    pub learned: Vec<String>,
}

impl Draft {
    /// The answers that went to `section`, in question order.
    pub fn answers_for(&self, section: Section) -> impl Iterator<Item = &str> {
        self.asked
            .iter()
            .filter(move |a| a.section == section)
            .filter_map(|a| a.answer.as_deref())
    }

    /// Take what ds01-pm read (tiers, layers, GPU impact, principles, summary) from `a`.
    fn read_from(&mut self, a: &Analysis) {
        self.tiers = a.tiers.iter().map(|t| t.id.clone()).collect();
        self.layers = a
            .layers
            .iter()
            .map(|l| (l.id.clone(), l.name.clone()))
            .collect();
        self.gpu.clone_from(&a.gpu_impact.name);
        self.supports = a
            .principles
            .supported
            .iter()
            .map(|p| p.id.clone())
            .collect();
        self.strains = a.principles.strained.iter().map(|p| p.id.clone()).collect();
        self.summary.clone_from(&a.summary);
    }

    fn has(&self, q: &Item) -> bool {
        self.asked.iter().any(|a| q.is_asked_by(&a.question.text))
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

/// A draft of the idea, title and author, before any question; what ds01-pm read comes from
/// `a` (the analysis of the idea) until [`conduct`] replaces it with `check`'s reading.
pub fn start(a: &Analysis, answers: &Answers) -> Draft {
    let idea = answers.idea.trim().to_owned();
    let title = answers
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map_or_else(|| title_from(&idea), str::to_owned);
    let mut draft = Draft {
        id: slug(&title),
        title,
        author: answers
            .author
            .clone()
            .filter(|a| !a.trim().is_empty())
            .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty())),
        idea,
        tiers: Vec::new(),
        layers: Vec::new(),
        gpu: String::new(),
        supports: Vec::new(),
        strains: Vec::new(),
        summary: String::new(),
        asked: Vec::new(),
        learned: Vec::new(),
    };
    draft.read_from(a);
    draft
}

/// How many rounds of follow-up questions [`conduct`] asks at most after the first round: an
/// interview that kept going would wear the author out, and answers rarely bring up more than
/// one new concern.
pub const FOLLOW_UP_ROUNDS: usize = 2;

/// One round of questions to put to the author.
#[derive(Debug)]
pub struct Round<'a> {
    pub questions: &'a [Item],
    /// 0 for the first round; later rounds ask what the answers brought up.
    pub number: usize,
    /// How many questions earlier rounds asked.
    pub asked_before: usize,
}

/// One answer per question of a round (`None` or empty: skipped), or why the interview stopped.
pub type RoundAnswers = Result<Vec<Option<String>>, Error>;

/// Ask the questions `check` will look for, in rounds, and fill the draft.
///
/// `view` is `check`'s analysis of the draft as rendered. Each round asks (through `answer`,
/// which returns one answer or `None` per question) the first `top` of its top questions not
/// yet asked; then the draft is rendered and analysed again, and the next round asks what the
/// answers brought up, until nothing new comes up or after [`FOLLOW_UP_ROUNDS`]. The first
/// `listed` top questions of the final analysis (`check`'s `top_questions`) that were not
/// asked are added unanswered, and what ds01-pm read is taken from that analysis, so the front
/// matter's tiers and the comments agree with what `check` will find.
pub fn conduct(
    mut draft: Draft,
    top: usize,
    listed: usize,
    view: &dyn Fn(&Draft) -> Analysis,
    answer: &mut dyn FnMut(&Round<'_>) -> RoundAnswers,
) -> Result<Draft, Error> {
    let mut a = view(&draft);
    let before = a.concerns();
    for number in 0..=FOLLOW_UP_ROUNDS {
        let pending: Vec<Item> = a
            .questions
            .top
            .iter()
            .take(top)
            .filter(|q| !draft.has(q))
            .cloned()
            .collect();
        if pending.is_empty() {
            break;
        }
        let answers = answer(&Round {
            questions: &pending,
            number,
            asked_before: draft.asked.len(),
        })?;
        let mut answers = answers.into_iter();
        for q in pending {
            let answer = answers
                .next()
                .flatten()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty());
            draft.asked.push(Asked {
                section: section_for(&q),
                question: q,
                answer,
                asked: true,
            });
        }
        a = view(&draft);
    }
    let rest: Vec<Item> = a
        .questions
        .top
        .iter()
        .take(listed)
        .filter(|q| !draft.has(q))
        .cloned()
        .collect();
    for q in rest {
        draft.asked.push(Asked {
            section: section_for(&q),
            question: q,
            answer: None,
            asked: false,
        });
    }
    draft.learned = a
        .concerns()
        .into_iter()
        .filter(|c| !before.contains(c) && c != "gpu:none")
        .collect();
    draft.read_from(&a);
    Ok(draft)
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
            crate::diag::toml_error(&name, &text, &e),
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
            template: None,
            cited: vec![],
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

    /// Over every labelled DS01 item as an idea, with other items' text as answers (so that
    /// answers bring up concerns the idea lacks) and some skipped: `check` reports no top
    /// question (P302) and no tier (P104) that the proposal `new` writes leaves out.
    #[test]
    fn check_finds_no_top_question_the_interview_left_out() {
        let set = crate::rules::defaults().expect("rules");
        let settings = crate::check::Settings::default();
        let mut ideas: Vec<String> = Vec::new();
        for (name, text) in [
            (
                "ds01-dev.toml",
                include_str!("../fixtures/eval/ds01-dev.toml"),
            ),
            (
                "ds01-holdout.toml",
                include_str!("../fixtures/eval/ds01-holdout.toml"),
            ),
        ] {
            let data = crate::eval::load(name, text).expect("labelled set");
            ideas.extend(data.features.into_iter().map(|f| f.description));
        }
        let view = |d: &Draft| {
            crate::check::checks::analysis(set, &settings, &crate::report::proposal::render(d))
        };
        let mut follow_ups = 0;
        for (k, idea) in ideas.iter().enumerate() {
            for top in [5, 3] {
                let answers = Answers {
                    idea: idea.clone(),
                    title: (k % 2 == 0).then(|| ideas[(k + 7) % ideas.len()].clone()),
                    author: Some("tester".into()),
                    answers: Vec::new(),
                };
                let start = start(&crate::analyze::analyze(set, idea), &answers);
                let mut n = 0;
                let draft = conduct(start, top, settings.top_questions, &view, &mut |round| {
                    follow_ups += usize::from(round.number > 0);
                    Ok(round
                        .questions
                        .iter()
                        .map(|_| {
                            n += 1;
                            (n % 3 != 2).then(|| ideas[(k + n) % ideas.len()].clone())
                        })
                        .collect())
                })
                .expect("interview");
                let text = crate::report::proposal::render(&draft);
                let report = crate::check::check_text(set, &settings, "p.md", &text);
                let bad: Vec<&str> = report
                    .findings
                    .iter()
                    .filter(|f| f.code == "P302" || f.code == "P104")
                    .map(|f| f.message.as_str())
                    .collect();
                assert!(bad.is_empty(), "idea {k}, --top {top}: {bad:?}\n{text}");
                // What the draft says it read is what `check` reads.
                assert_eq!(view(&draft).summary, draft.summary, "idea {k}");
            }
        }
        assert!(follow_ups > 0, "some answers bring up new questions");
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
