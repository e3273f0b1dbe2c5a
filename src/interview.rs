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

/// Everything the author said: the idea, an optional title and author, and the answers, each
/// keyed by the section it belongs to or by the id of the question it answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    /// The feature idea, a sentence or two.
    pub idea: String,
    /// The proposal's title; derived from the idea when absent.
    pub title: Option<String>,
    /// The author for the front matter; `$USER` when absent.
    pub author: Option<String>,
    /// The `[answers]` table of an answers file, in file order.
    pub keyed: Vec<Keyed>,
}

/// One entry of an answers file's `[answers]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyed {
    /// The key as written.
    pub key: String,
    /// Where the answer goes.
    pub target: Target,
    pub text: String,
    /// 1-based line of the key, for error messages.
    pub line: usize,
}

/// What an answers-file key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A section (by its id, or by the question dimension that answers go to).
    Section(Section),
    /// A question, by the id `new --list-questions` shows.
    Question,
}

/// The proposal sections an answer can go to, as the template names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(into = "&'static str")]
pub enum Section {
    Problem,
    Users,
    Change,
    Metrics,
    Alternatives,
    Gpu,
    Principles,
    Rollout,
}

impl From<Section> for &'static str {
    fn from(s: Section) -> &'static str {
        s.id()
    }
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
            Section::Principles => "Principles and exceptions",
            Section::Rollout => "Rollout and rollback",
        }
    }

    /// The section's id, as `check` names it (`check::proposal::SECTIONS`) and as an answers
    /// file's key.
    pub fn id(self) -> &'static str {
        match self {
            Section::Problem => "problem",
            Section::Users => "users",
            Section::Change => "proposal",
            Section::Metrics => "success-metrics",
            Section::Alternatives => "alternatives",
            Section::Gpu => "gpu-impact",
            Section::Principles => "principles",
            Section::Rollout => "rollout",
        }
    }

    /// Every section an answer can go to, in template order.
    pub const ALL: [Section; 8] = [
        Section::Problem,
        Section::Users,
        Section::Change,
        Section::Metrics,
        Section::Alternatives,
        Section::Gpu,
        Section::Principles,
        Section::Rollout,
    ];

    /// The section a question dimension's answers go to (what [`section_for`] gives a question
    /// of that dimension with no refinement).
    pub fn of_dimension(dimension: &str) -> Option<Section> {
        Some(match dimension {
            "user-context" => Section::Users,
            "problem-definition" => Section::Problem,
            "solution-space" => Section::Alternatives,
            "technical" => Section::Change,
            "implementation" => Section::Rollout,
            _ => return None,
        })
    }
}

/// The dimensions an answers file may use as keys, with the section each goes to.
pub const DIMENSION_KEYS: [&str; 5] = [
    "user-context",
    "problem-definition",
    "solution-space",
    "technical",
    "implementation",
];

/// The stable id of a question, as `new --list-questions` shows it and an answers file keys an
/// answer by: the words of its text (of its template, for a question that cites the proposal,
/// so the id does not change with the text cited), lowercase ASCII, without the small words,
/// at most six of them, joined by `-`.
pub fn question_id(q: &Item) -> String {
    const SMALL: &[&str] = &[
        "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "is", "are", "it", "be",
        "do", "does", "this", "that", "with", "by", "at", "as", "from", "first", "second",
    ];
    let text = q.template.as_deref().unwrap_or(&q.text);
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .filter(|w| !SMALL.contains(&w.as_str()))
        .take(6)
        .collect();
    if words.is_empty() {
        "question".into()
    } else {
        words.join("-")
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
    /// Answers given for a whole section (an answers file's section and dimension keys), in
    /// file order; they come before the answers to the questions of that section.
    pub section_answers: Vec<(Section, String)>,
}

impl Draft {
    /// The answers that went to `section`, in question order.
    pub fn answers_for(&self, section: Section) -> impl Iterator<Item = &str> {
        let whole = self
            .section_answers
            .iter()
            .filter(move |(s, _)| *s == section)
            .map(|(_, a)| a.as_str());
        whole.chain(
            self.asked
                .iter()
                .filter(move |a| a.section == section)
                .filter_map(|a| a.answer.as_deref()),
        )
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
        section_answers: answers
            .keyed
            .iter()
            .filter_map(|k| match k.target {
                Target::Section(s) => Some((s, k.text.trim().to_owned())),
                Target::Question => None,
            })
            .filter(|(_, t)| !t.is_empty())
            .collect(),
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

/// The longest title [`title_from`] derives, in characters (the ellipsis included).
pub const TITLE_MAX: usize = 70;

/// A title from the idea: its first sentence, capitalised. A sentence ends at `.`, `!` or `?`
/// followed by a space or the end, or at a line break, so `ds01.example.org`, `v1.2` or
/// `e.g.` do not cut it. A sentence longer than [`TITLE_MAX`] characters is cut after its
/// last whole word that fits and ends with `…`, always: a title never stops mid-word, and a
/// cut one always says so. A single word too long to fit is cut, with the ellipsis.
pub fn title_from(idea: &str) -> String {
    let first = first_sentence(idea).unwrap_or("New proposal");
    let words: Vec<&str> = first.split_whitespace().collect();
    let full = words.join(" ");
    let title = if full.chars().count() <= TITLE_MAX {
        full
    } else {
        // Room for the words and " …" → the words take at most TITLE_MAX - 1 characters.
        let mut title = String::new();
        for word in &words {
            let extra = word.chars().count() + usize::from(!title.is_empty());
            if title.chars().count() + extra > TITLE_MAX - 1 {
                break;
            }
            if !title.is_empty() {
                title.push(' ');
            }
            title.push_str(word);
        }
        if title.is_empty() {
            title = words[0].chars().take(TITLE_MAX - 1).collect();
        }
        let title = title
            .trim_end_matches([',', ';', ':', '-', '(', '—'])
            .trim_end();
        format!("{title}…")
    };
    let mut chars = title.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "New proposal".into(),
    }
}

/// Whether the word before a `.` at the end of `before` is an abbreviation (`e.g`, `i.e`,
/// `etc`, `vs`, `approx`), whose dot does not end the sentence. A word with dots inside that
/// is not dotted letters (`v1.2`, `ds01.example.org`) ends the sentence when `after` (the text
/// after the `.`) starts with a capital letter; a word ending in `)` or a quote is no
/// abbreviation.
fn abbreviation(before: &str, after: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if word.ends_with([')', ']', '"', '\'', '`']) {
        return false;
    }
    if matches!(
        word.as_str(),
        "etc" | "vs" | "cf" | "approx" | "incl" | "resp" | "esp" | "dr" | "prof"
    ) {
        return true;
    }
    if !word.contains('.') {
        return false;
    }
    // `e.g`, `i.e`, `u.s`: dotted letters, an abbreviation whatever follows.
    let dotted_letters = word
        .split('.')
        .all(|p| !p.is_empty() && p.len() <= 2 && p.chars().all(char::is_alphabetic));
    dotted_letters
        || !after
            .trim_start()
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
}

/// The first non-empty sentence of `text`, trimmed, without its final punctuation.
fn first_sentence(text: &str) -> Option<&str> {
    for line in text.lines() {
        let mut start = 0;
        let bytes = line.as_bytes();
        for (i, c) in line.char_indices() {
            let ends = matches!(c, '.' | '!' | '?')
                && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace())
                && !(c == '.' && abbreviation(&line[start..i], &line[i + 1..]));
            if ends {
                let s = line[start..i].trim();
                if !s.is_empty() {
                    return Some(s);
                }
                start = i + 1;
            }
        }
        let s = line[start..].trim();
        if !s.is_empty() {
            return Some(s);
        }
    }
    None
}

/// A kebab-case id from a title: ASCII letters and digits (Latin letters with diacritics
/// transliterated, other letters dropped), at most six words; `new-proposal` when none is left.
pub fn slug(title: &str) -> String {
    let words: Vec<String> = crate::text::ascii_fold(title)
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

/// The raw answers file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswersFile {
    idea: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    answers: std::collections::BTreeMap<toml::Spanned<String>, String>,
}

/// The hint of every answers-file error: what the file looks like.
pub const ANSWERS_HINT: &str = "an answers file has `idea = \"...\"`, optional `title` and `author`, and an `[answers]` table whose keys are sections (`problem`, `gpu-impact`, ...), question dimensions (`user-context`, ...) or question ids; `ds01-pm new --list-questions --answers FILE` lists them";

/// Read an `--answers` file: TOML with `idea`, optional `title` and `author`, and an
/// `[answers]` table keyed by section id, question dimension or question id. A key that is
/// none of the sections or dimensions is taken as a question id: whether the interview asks
/// that question is known only once it has run ([`unknown_question_keys`]).
///
/// The list form of earlier versions (`answers = ["...", ...]`, matched to the questions in the
/// order they were asked, an order the author could not know) is refused with the new form.
pub fn load_answers(path: &Path) -> Result<Answers, Error> {
    let text = crate::error::read_text(path)?;
    let name = path.display().to_string();
    let raw: AnswersFile = toml::from_str(&text).map_err(|e| {
        let listed = toml::from_str::<toml::Table>(&text)
            .ok()
            .and_then(|t| t.get("answers").map(toml::Value::is_array))
            .unwrap_or(false);
        if listed {
            let at = text
                .lines()
                .scan(0, |off, l| {
                    let start = *off;
                    *off += l.len() + 1;
                    Some((start, l))
                })
                .find(|(_, l)| l.trim_start().starts_with("answers"))
                .map_or(0, |(start, _)| start);
            return Error::invalid(
                format!(
                    "{name}:{}: `answers` is a list, matched to the questions in an order you cannot see; key each answer by its section or question instead",
                    crate::text::line_col(&text, at).0
                ),
                Some(
                    "replace `answers = [...]` with an `[answers]` table, e.g. `[answers]` then `gpu-impact = \"...\"` and `rollout = \"...\"`; `ds01-pm new --list-questions --answers FILE` lists the keys",
                ),
            );
        }
        Error::invalid(crate::diag::toml_error(&name, &text, &e), Some(ANSWERS_HINT))
    })?;
    if raw.idea.trim().is_empty() {
        return Err(Error::invalid(
            format!("{name}: `idea` is empty"),
            Some("describe the feature in a sentence or more"),
        ));
    }
    let mut keyed: Vec<Keyed> = raw
        .answers
        .into_iter()
        .map(|(key, text_)| {
            let line = crate::text::line_col(&text, key.span().start).0;
            let k = key.into_inner();
            let norm = k.trim().to_ascii_lowercase();
            let target = Section::ALL
                .into_iter()
                .find(|s| s.id() == norm)
                .or_else(|| Section::of_dimension(&norm))
                .map_or(Target::Question, Target::Section);
            Keyed {
                key: k,
                target,
                text: text_,
                line,
            }
        })
        .collect();
    keyed.sort_by_key(|k| k.line);
    Ok(Answers {
        idea: raw.idea,
        title: raw.title,
        author: raw.author,
        keyed,
    })
}

/// The keys of `answers` that name a question the interview that produced `draft` neither
/// asked nor listed: each is a typo or a question of another idea, and its answer would be
/// lost.
pub fn unknown_question_keys<'a>(answers: &'a Answers, draft: &Draft) -> Vec<&'a Keyed> {
    answers
        .keyed
        .iter()
        .filter(|k| k.target == Target::Question)
        .filter(|k| {
            !draft
                .asked
                .iter()
                .any(|a| k.key.trim().eq_ignore_ascii_case(&question_id(&a.question)))
        })
        .collect()
}

/// Answers to framework questions (asked of every proposal, listed by `new --list-questions`
/// without `--answers`) that this interview neither asked nor listed: each is added to the
/// draft as a listed question with its answer, under that question's section, so an id the
/// listing gives is accepted for any idea.
pub fn add_framework_answers(draft: &mut Draft, answers: &Answers, framework: &[Item]) {
    for q in framework {
        let id = question_id(q);
        if draft
            .asked
            .iter()
            .any(|a| question_id(&a.question).eq_ignore_ascii_case(&id))
        {
            continue;
        }
        let Some(text) = answer_to(answers, q)
            .map(str::trim)
            .filter(|t| !t.is_empty())
        else {
            continue;
        };
        draft.asked.push(Asked {
            question: q.clone(),
            section: section_for(q),
            answer: Some(text.to_owned()),
            asked: false,
        });
    }
}

/// The answer `answers` gives to question `q`, by its id.
pub fn answer_to<'a>(answers: &'a Answers, q: &Item) -> Option<&'a str> {
    let id = question_id(q);
    answers
        .keyed
        .iter()
        .find(|k| k.target == Target::Question && k.key.trim().eq_ignore_ascii_case(&id))
        .map(|k| k.text.as_str())
}

/// One key an answers file may use, as `new --list-questions` lists it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AnswerKey {
    /// The key to write in `[answers]`.
    pub key: String,
    /// `section`, `dimension` or `question`.
    pub kind: &'static str,
    /// The section the answer lands in (its id).
    pub section: Section,
    /// The question dimension (for a dimension or a question).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimension: Option<String>,
    /// The section's heading, or the question's text.
    pub text: String,
}

/// The keys of an answers file: every section, every dimension, then the questions (those the
/// interview asked or listed, or the framework questions asked of every proposal), each with
/// the section its answer lands in.
pub fn answer_keys<'a>(questions: impl IntoIterator<Item = &'a Item>) -> Vec<AnswerKey> {
    let mut keys: Vec<AnswerKey> = Section::ALL
        .iter()
        .map(|s| AnswerKey {
            key: s.id().to_owned(),
            kind: "section",
            section: *s,
            dimension: None,
            text: s.heading().to_owned(),
        })
        .collect();
    for d in DIMENSION_KEYS {
        let section = Section::of_dimension(d).expect("every dimension key has a section");
        keys.push(AnswerKey {
            key: d.to_owned(),
            kind: "dimension",
            section,
            dimension: Some(d.to_owned()),
            text: format!("answers to {d} questions"),
        });
    }
    for q in questions {
        let key = question_id(q);
        if keys.iter().any(|k| k.key == key) {
            continue;
        }
        keys.push(AnswerKey {
            key,
            kind: "question",
            section: section_for(q),
            dimension: Some(q.dimension.clone()),
            text: q.text.clone(),
        });
    }
    keys
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
                    keyed: Vec::new(),
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
    fn question_ids_are_short_and_do_not_change_with_the_text_cited() {
        let mut q = item(
            "solution-space",
            "You mention `SLURM`: could configuration do it?",
        );
        q.template = Some("You mention {first}: could configuration do it?".into());
        let mut other = q.clone();
        other.text = "You mention `a queue`: could configuration do it?".into();
        assert_eq!(question_id(&q), "you-mention-could-configuration");
        assert_eq!(question_id(&q), question_id(&other));
        assert_eq!(
            question_id(&item("technical", "What does a MIG-only student see?")),
            "what-mig-only-student-see"
        );
    }

    #[test]
    fn titles_and_slugs_come_from_the_idea() {
        assert_eq!(
            title_from("let students keep containers over the weekend. More later."),
            "Let students keep containers over the weekend"
        );
        assert_eq!(
            title_from("open ds01.example.org (v1.2) for students, e.g. for TensorBoard. Later."),
            "Open ds01.example.org (v1.2) for students, e.g. for TensorBoard"
        );
        let long = title_from(&"word ".repeat(40));
        assert!(
            long.chars().count() <= TITLE_MAX && long.ends_with("word…"),
            "{long}"
        );
        // Never mid-word: every word of a cut title is a whole word of the idea.
        let idea = "Let researchers reserve a full A100 for a multi-day training run with checkpoints every hour";
        let cut = title_from(idea);
        assert_eq!(
            cut,
            "Let researchers reserve a full A100 for a multi-day training run with…"
        );
        for w in cut.trim_end_matches('…').split(' ') {
            assert!(idea.split(' ').any(|i| i.eq_ignore_ascii_case(w)), "{w}");
        }
        assert_eq!(title_from(&"x".repeat(100)).chars().count(), TITLE_MAX);
        assert_eq!(
            slug("Weekend keep-alive for student containers!"),
            "weekend-keep-alive-for-student-containers"
        );
        assert_eq!(slug("¿¡!"), "new-proposal");
    }

    #[test]
    fn a_dot_after_a_version_or_a_parenthesis_ends_the_sentence() {
        assert_eq!(
            title_from("Mirror wheels for torch v1.2. Then more."),
            "Mirror wheels for torch v1.2"
        );
        assert_eq!(
            title_from("Add a queue (see https://example.org/a.b). More."),
            "Add a queue (see https://example.org/a.b)"
        );
        // A dot inside a version, a host name or after a dotted abbreviation does not.
        assert_eq!(
            title_from("Pin torch v1.2.3 for the course. Later."),
            "Pin torch v1.2.3 for the course"
        );
        assert_eq!(
            title_from("Mirror wheels for torch v1.2. then more"),
            "Mirror wheels for torch v1.2. then more"
        );
        assert_eq!(
            title_from("Use MIG, e.g. For the course. Later."),
            "Use MIG, e.g. For the course"
        );
    }

    #[test]
    fn slugs_transliterate_latin_letters_and_keep_digits() {
        assert_eq!(
            slug("Ünïcödé ideas für GPU-Nutzung"),
            "unicode-ideas-fur-gpu-nutzung"
        );
        assert_eq!(slug("Straße Åse Øl Æble"), "strasse-ase-ol-aeble");
        assert_eq!(slug("Çava ñandú œuvre 2 A100"), "cava-nandu-oeuvre-2-a100");
        // Letters with no mapping are dropped; nothing left falls back to a sane id.
        assert_eq!(slug("日本 GPU"), "gpu");
        assert_eq!(slug("日本語"), "new-proposal");
    }
}
