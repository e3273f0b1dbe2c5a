//! The question checklist: generic framework questions plus those the findings add,
//! deduplicated and ordered by importance.
use std::borrow::Cow;
use std::rc::Rc;

use serde::Serialize;

use crate::analyze::{Analysis, Evidence, Finding};
use crate::rules::{Family, Question, Rule, RuleSet};
use crate::taxonomy::{Concern, DIMENSIONS, Kind};
use crate::text::FxHashMap;

/// How many questions open the checklist unless the user asks otherwise.
pub const DEFAULT_TOP: usize = 5;
/// At most this many of the opening questions come from one dimension, so the top list
/// covers the framework rather than one corner of it.
const TOP_PER_DIMENSION: usize = 2;
/// The top list is filled up to this length with generic questions when the proposal gives
/// too little for specific ones; beyond it, only questions this proposal makes specific.
const MIN_TOP: usize = 3;
/// A second question of a dimension already in the top list counts this much of its score.
const DIMENSION_DAMPING: f64 = 0.6;

/// One question of the checklist, with where it came from.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Item {
    pub text: String,
    pub dimension: String,
    pub priority: u8,
    /// Higher is more important: the strength of the source's evidence × how rarely that
    /// source fires across DS01 items (its specificity) × the question's priority.
    pub importance: f64,
    /// `framework:<id>`, `rule:<id>` or `<kind>:<id>` of the concern that asked it.
    pub sources: Vec<String>,
    /// For a question that cites the proposal: its template (`You mention {first}: ...`), so
    /// the same question is recognised when the text it cites changes.
    #[serde(skip)]
    pub template: Option<String>,
    /// The proposal's text the question cites (not evidence that the proposal answers it).
    #[serde(skip)]
    pub cited: Vec<String>,
}

impl Item {
    /// Whether `text` (a checklist item, a question asked before) is this question: the same
    /// words, or the same template citing other text.
    pub fn is_asked_by(&self, text: &str) -> bool {
        let key = normalize(text);
        if key == normalize(&self.text) {
            return true;
        }
        let Some(template) = &self.template else {
            return false;
        };
        // The template's literal parts, in order, around the placeholders.
        let parts: Vec<String> = template
            .split("{first}")
            .flat_map(|p| p.split("{second}"))
            .map(normalize)
            .collect();
        let (Some(head), Some(tail)) = (parts.first(), parts.last()) else {
            return false;
        };
        if !key.starts_with(head.as_str()) || !key.ends_with(tail.as_str()) {
            return false;
        }
        let mut rest = &key[head.len()..key.len() - tail.len().min(key.len() - head.len())];
        for middle in &parts[1..parts.len() - 1] {
            match rest.find(middle.as_str()) {
                Some(i) => rest = &rest[i + middle.len()..],
                None => return false,
            }
        }
        true
    }
}

/// The questions of one dimension.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Group {
    pub dimension: String,
    pub name: String,
    pub questions: Vec<Item>,
}

/// The whole checklist.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Checklist {
    /// The questions to ask first (also present in their group).
    pub top: Vec<Item>,
    pub groups: Vec<Group>,
}

impl Checklist {
    /// Keep only the first `n` top questions.
    pub fn truncate_top(&mut self, n: usize) {
        self.top.truncate(n);
    }

    /// Exactly `n` top questions when the checklist has that many: the chosen ones, then the
    /// most important of the rest (`--top N` given explicitly).
    pub fn set_top(&mut self, n: usize) {
        if n <= self.top.len() {
            self.top.truncate(n);
            return;
        }
        let mut rest: Vec<&Item> = self
            .groups
            .iter()
            .flat_map(|g| &g.questions)
            .filter(|q| !self.top.iter().any(|t| t.text == q.text))
            .collect();
        rest.sort_by(|x, y| y.importance.total_cmp(&x.importance));
        let more: Vec<Item> = rest.into_iter().take(n - self.top.len()).cloned().collect();
        self.top.extend(more);
    }

    /// Total number of distinct questions.
    pub fn len(&self) -> usize {
        self.groups.iter().map(|g| g.questions.len()).sum()
    }

    /// Whether there are no questions at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

pub(crate) use crate::text::normalize;

/// How much a question's priority weighs in its score: priority 1 (ask first) counts fully.
fn priority_weight(priority: u8) -> f64 {
    match priority {
        1 => 1.0,
        2 => 0.75,
        _ => 0.5,
    }
}

/// A concern gets a second question in the top list only from a source at least this
/// specific (most texts have a layer, a tier and L0: their second questions say little).
const SECOND_QUESTION_SPECIFICITY: f64 = 0.2;
/// Beyond MIN_TOP, a question scoring under this share of the best one is left to the
/// full checklist.
const WEAK_SHARE: f64 = 0.3;
/// How much more a combination's evidence weighs than the mean of its concerns'.
const COMBINATION_BONUS: f64 = 1.25;

/// The lowest specificity a source gets: a question every proposal gets still ranks above
/// nothing, below anything this proposal makes specific.
const MIN_SPECIFICITY: f64 = 0.05;

/// How many texts of the reference corpus (the labeled DS01 sets and the rules' examples)
/// gave each question source a question, generated ahead of time by
/// `cargo run --example gen_specificity` and kept current by a test.
const SPECIFICITY_TABLE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/rules/generated/question-specificity.tsv"
));

struct FireCounts {
    corpus: usize,
    fires: FxHashMap<String, usize>,
}

fn fire_counts() -> &'static FireCounts {
    static COUNTS: std::sync::OnceLock<FireCounts> = std::sync::OnceLock::new();
    COUNTS.get_or_init(|| {
        let mut corpus = 0;
        let mut fires = FxHashMap::default();
        for line in SPECIFICITY_TABLE.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let Some((key, n)) = line.split_once('\t') else {
                continue;
            };
            let n: usize = n.trim().parse().unwrap_or(0);
            if key == "corpus" {
                corpus = n;
            } else {
                fires.insert(key.to_owned(), n);
            }
        }
        FireCounts { corpus, fires }
    })
}

/// How rarely a source (`strains:ephemeral-containers`, `rule:risk-fairness`, ...) gives a
/// question across the reference corpus, from 1 (never seen) down to [`MIN_SPECIFICITY`]
/// (every text): a normalised inverse document frequency. A source the corpus never met (a
/// site's own rules) counts as having fired once.
pub fn specificity(source: &str) -> f64 {
    let c = fire_counts();
    let n = c.corpus.max(1) as f64;
    let df = c.fires.get(source).copied().unwrap_or(1).min(c.corpus) as f64;
    let idf = ((n + 1.0) / (df + 1.0)).ln() / (n + 1.0).ln();
    idf.max(MIN_SPECIFICITY)
}

/// Every question source of a text's full checklist, for the specificity table.
pub fn sources_of(a: &Analysis) -> std::collections::BTreeSet<String> {
    a.questions
        .groups
        .iter()
        .flat_map(|g| &g.questions)
        .flat_map(|q| q.sources.iter().cloned())
        .collect()
}

/// The specificity table for a corpus: how many of the texts gave each source a question.
pub fn specificity_table(set: &RuleSet, corpus: &[String]) -> String {
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for text in corpus {
        for s in sources_of(&crate::analyze::analyze(set, text)) {
            *counts.entry(s).or_default() += 1;
        }
    }
    let mut out = String::from(
        "# Generated by `cargo run --example gen_specificity`: do not edit.\n\
         # How many texts of the reference corpus (the labeled DS01 sets and the examples of the\n\
         # embedded rules) gave each question source a question; rarer sources rank higher.\n",
    );
    out.push_str(&format!("corpus\t{}\n", corpus.len()));
    for (k, v) in counts {
        out.push_str(&format!("{k}\t{v}\n"));
    }
    out
}

/// One candidate question with the score of its best source.
struct Candidate {
    item: Item,
    order: usize,
    /// The source that gave the best score.
    primary: Rc<str>,
    /// The concern behind that source (`strains:ephemeral-containers`; a rule's strongest
    /// signal; a combination's first concern): at most one top question per concern.
    concern: Rc<str>,
    best: f64,
}

struct Builder<'q> {
    items: Vec<Candidate>,
    /// Normalised text -> index in `items`, so finding a duplicate does not re-normalise
    /// every question asked so far (that made the checklist quadratic: half of the time of
    /// analysing a long proposal went to `normalize`). The keys are the rule set's own.
    index: FxHashMap<&'q str, usize>,
}

impl<'q> Builder<'q> {
    /// Add a question from a source whose evidence has `strength` (1 = just enough).
    /// Returns the index of the question's candidate.
    /// The source, its concern and the text are shared or borrowed: most questions are asked
    /// once, and a duplicate copies nothing unless it scores better.
    fn add(
        &mut self,
        q: &'q Question,
        text: Cow<'_, str>,
        source: &Rc<str>,
        concern: &Rc<str>,
        strength: f64,
    ) -> usize {
        let score = strength * specificity(source) * priority_weight(q.priority);
        if let Some(&i) = self.index.get(q.key()) {
            let c = &mut self.items[i];
            if !c.item.sources.iter().any(|s| **s == **source) {
                c.item.sources.push(source.to_string());
            }
            // Asked by several concerns: a little more important, at the best priority given.
            if score > c.best {
                c.best = score;
                c.primary = source.clone();
                c.concern = concern.clone();
                c.item.text = text.into_owned();
                // The new text cites what its own source matched, if anything: the caller
                // records that; the old source's citation no longer describes the text.
                c.item.template = None;
                c.item.cited.clear();
            }
            c.item.importance = c.best * 1.1;
            c.item.priority = c.item.priority.min(q.priority);
            return i;
        }
        let order = self.items.len();
        self.index.insert(q.key(), order);
        self.items.push(Candidate {
            item: Item {
                text: text.into_owned(),
                dimension: q.dimension.to_string(),
                priority: q.priority,
                importance: score,
                sources: vec![source.to_string()],
                template: None,
                cited: Vec::new(),
            },
            order,
            primary: source.clone(),
            concern: concern.clone(),
            best: score,
        });
        order
    }
}

/// The strength of a concern's evidence: its score over the threshold it needed, damped.
fn strength(score: f64, threshold: f64) -> f64 {
    (score / threshold.max(1e-9)).clamp(1.0, 3.0).sqrt()
}

/// Whether a tier is the subject of the text: a rule that names that tier alone gave it
/// evidence (not only "users", a first-person voice or containers in general).
fn tier_is_subject(set: &RuleSet, a: &Analysis, tier: &str) -> bool {
    a.tiers.iter().filter(|f| f.id == tier).any(|f| {
        f.evidence.iter().any(|e| {
            set.rule(&e.rule).is_some_and(|r| {
                r.signals.len() == 1
                    && r.signals[0].0.kind == crate::taxonomy::Kind::Tier
                    && r.signals[0].0.id == tier
            })
        })
    })
}

/// How many distinct spans of matched evidence each rule has in the findings (a rule's hit
/// appears once per concern it signals in the findings, once here). Deduplicated in span
/// order, where nearly every comparison is of two integers, then counted per rule id.
fn matched_spans(a: &Analysis) -> FxHashMap<&str, usize> {
    let mut v: Vec<(&str, [usize; 2])> = a
        .all_evidence()
        .filter_map(|e| e.span.map(|s| (&*e.rule, s)))
        .collect();
    v.sort_unstable_by(|x, y| x.1.cmp(&y.1).then_with(|| x.0.cmp(y.0)));
    v.dedup();
    let mut counts = FxHashMap::default();
    for (rule, _) in v {
        *counts.entry(rule).or_insert(0) += 1;
    }
    counts
}

/// The finding of an established concern, if the analysis keeps one.
fn finding<'a>(a: &'a Analysis, c: &Concern) -> Option<&'a Finding> {
    let list = match c.kind {
        Kind::Layer => &a.layers,
        Kind::Tier => &a.tiers,
        Kind::Supports => &a.principles.supported,
        Kind::Strains => &a.principles.strained,
        Kind::Risk => &a.risks,
        Kind::Gpu => return None,
    };
    list.iter().find(|f| f.id == c.id)
}

fn concern_strength(set: &RuleSet, a: &Analysis, c: &Concern) -> f64 {
    let score = match c.kind {
        Kind::Gpu => a.gpu_impact.scores.get(&c.id).copied().unwrap_or(1.0),
        _ => finding(a, c).map_or(1.0, |f| f.score),
    };
    strength(score, set.threshold(c.kind))
}

/// How a question cites a concern: the longest text the proposal matched for it, as a code span
/// (safe in Markdown, plain in a terminal, a string in JSON), or the concern's name when it
/// was inferred rather than matched; and the matched text itself, if any.
fn cited<'a>(set: &RuleSet, a: &'a Analysis, c: &Concern) -> (String, Option<&'a str>) {
    let evidence = match c.kind {
        Kind::Gpu => longest_matched(&a.gpu_impact.evidence),
        _ => finding(a, c).and_then(|f| longest_matched(&f.evidence)),
    };
    match evidence {
        Some(e) => (code_span(&e.matched), Some(&e.matched)),
        None => (set.name_of(c).to_lowercase(), None),
    }
}

/// At most this many characters of matched text are quoted in a question.
const MAX_CITED_CHARS: usize = 60;

/// Quote untrusted text as a Markdown code span: control and format characters dropped
/// (no terminal escapes, no bidi overrides), whitespace collapsed, long text cut, and a
/// backtick fence longer than any run of backticks inside.
pub(crate) fn code_span(text: &str) -> String {
    let mut clean = String::new();
    for c in text.chars() {
        if c.is_whitespace() {
            if !clean.ends_with(' ') && !clean.is_empty() {
                clean.push(' ');
            }
        } else if !c.is_control() && !crate::text::invisible(c) {
            clean.push(c);
        }
    }
    let mut clean = clean.trim_end().to_owned();
    if clean.chars().count() > MAX_CITED_CHARS {
        clean = clean.chars().take(MAX_CITED_CHARS - 1).collect::<String>();
        clean = clean.trim_end().to_owned() + "…";
    }
    let mut longest = 0;
    let mut run = 0;
    for c in clean.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if clean.starts_with('`') || clean.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{clean}{pad}{fence}")
}

/// Whether a combination fires on an analysis: its concerns are established, a user tier it
/// names is the subject of the text (a question "for students" needs a text about students,
/// not one that only says "users"), and a principle it names is read from the text's words
/// ([`principle_is_read`]). The admin counts whenever established: rules infer the admin from
/// what the admin must operate, which is what such questions are about.
pub fn combination_fires(
    set: &RuleSet,
    a: &Analysis,
    c: &crate::rules::Combination,
    concerns: &[String],
) -> bool {
    fires_with(
        c,
        concerns,
        |tier| tier_is_subject(set, a, tier),
        |k| principle_is_read(a, k),
    )
}

fn fires_with(
    c: &crate::rules::Combination,
    concerns: &[String],
    is_subject: impl Fn(&str) -> bool,
    is_read: impl Fn(&Concern) -> bool,
) -> bool {
    c.fires(concerns)
        && c.all.iter().all(|k| match k.kind {
            Kind::Tier => k.id == "admin" || is_subject(&k.id),
            Kind::Supports | Kind::Strains => is_read(k),
            _ => true,
        })
}

/// Whether a principle the analysis supports or strains is read from the text's own words:
/// some of its evidence points at them. One only inferred from other concerns (gpu-efficiency
/// from any GPU impact, a wizard's principles from L4) is not what the text is about, and a
/// combination's question about it ("which number should move", "when the borrowed capacity
/// is taken back") would presume it is.
fn principle_is_read(a: &Analysis, k: &Concern) -> bool {
    let list = match k.kind {
        Kind::Supports => &a.principles.supported,
        Kind::Strains => &a.principles.strained,
        _ => return true,
    };
    (list.iter())
        .filter(|f| f.id == k.id)
        .any(|f| f.evidence.iter().any(|e| e.span.is_some()))
}

/// [`tier_is_subject`] of every tier of the analysis, worked out once per checklist: it looks
/// each piece of a tier's evidence up among all the rules, and the opening questions and the
/// combinations asked it again for every candidate.
struct Subjects<'a>(Vec<(&'a str, bool)>);

impl<'a> Subjects<'a> {
    fn of(set: &RuleSet, a: &'a Analysis) -> Self {
        Subjects(
            a.tiers
                .iter()
                .map(|f| (f.id.as_str(), tier_is_subject(set, a, &f.id)))
                .collect(),
        )
    }

    fn get(&self, tier: &str) -> bool {
        self.0.iter().any(|(t, s)| *s && *t == tier)
    }
}

/// The evidence a question cites: the longest matched text (the earliest of equals), never an
/// inferred piece (no span) or blank text.
fn longest_matched(ev: &[Evidence]) -> Option<&Evidence> {
    ev.iter()
        .filter(|e| e.span.is_some() && !e.matched.trim().is_empty())
        .max_by_key(|e| (e.matched.trim().chars().count(), std::cmp::Reverse(e.span)))
}

/// A rule's question without its citation: `You mention {first}: does it ...?` becomes
/// `Does it ...?`; a `{first}` elsewhere becomes "this".
fn uncited(template: &str) -> String {
    match template.strip_prefix("You mention {first}: ") {
        Some(rest) => {
            let mut c = rest.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
        None => template.replace("{first}", "this"),
    }
}

/// Build the checklist for an analysis of `text` and the rules that fired, each with the
/// evidence of its own hits (a question cue's hits are in no finding).
pub fn build<'s>(
    set: &'s RuleSet,
    a: &Analysis,
    fired: &[(&'s Rule, &[Evidence])],
    text: &str,
) -> Checklist {
    let mut b = Builder {
        items: Vec::new(),
        index: FxHashMap::default(),
    };
    let mut concern = |family: Family, kind: Kind, prefix: &str, f: &Finding| {
        if let Some(label) = set.label(family, &f.id) {
            let s = strength(f.score, set.threshold(kind));
            let source: Rc<str> = format!("{prefix}:{}", f.id).into();
            for q in &label.questions {
                b.add(q, Cow::Borrowed(&q.text), &source, &source, s);
            }
        }
    };
    for f in &a.principles.strained {
        concern(Family::Principles, Kind::Strains, "strains", f);
    }
    for f in &a.risks {
        concern(Family::Risks, Kind::Risk, "risk", f);
    }
    for f in &a.layers {
        concern(Family::Layers, Kind::Layer, "layer", f);
    }
    for f in &a.tiers {
        concern(Family::Tiers, Kind::Tier, "tier", f);
    }
    if a.gpu_impact.value != "none" {
        if let Some(label) = set.label(Family::Gpu, &a.gpu_impact.value) {
            let score = a.gpu_impact.scores.get(&a.gpu_impact.value).copied();
            let s = strength(score.unwrap_or(1.0), set.threshold(Kind::Gpu));
            let source: Rc<str> = format!("gpu:{}", a.gpu_impact.value).into();
            for q in &label.questions {
                b.add(q, Cow::Borrowed(&q.text), &source, &source, s);
            }
        }
    }
    // Rule questions: stronger with more hits of the rule. A reading rule's hits are counted
    // in the findings they fed; a question cue's (which feed none) in its own evidence.
    let spans = matched_spans(a);
    for &(rule, evidence) in fired {
        if rule.questions.is_empty() {
            continue;
        }
        let h = if rule.is_question_cue() {
            evidence.iter().filter(|e| e.span.is_some()).count()
        } else {
            spans.get(rule.id.as_str()).copied().unwrap_or(0)
        };
        let s = 1.0 + 0.15 * (h.clamp(1, 3) as f64 - 1.0);
        // The rule's strongest signal is the concern its questions are about.
        let concern: Rc<str> = rule
            .signals
            .iter()
            .fold(None::<&(Concern, f64)>, |best, x| match best {
                Some(b) if b.1 >= x.1 => Some(b),
                _ => Some(x),
            })
            .map_or_else(|| format!("rule:{}", rule.id), |(c, _)| c.to_string())
            .into();
        let source: Rc<str> = format!("rule:{}", rule.id).into();
        // Quoted only for a question that cites: most rules' questions do not.
        let citation = std::cell::OnceCell::new();
        let quote = || {
            citation
                .get_or_init(|| {
                    longest_matched(evidence).map(|e| (code_span(&e.matched), &*e.matched))
                })
                .as_ref()
        };
        for q in &rule.questions {
            // `{first}` cites what the rule matched ("You mention `port 8888`: ...").
            let (text, cites) = if !q.text.contains("{first}") {
                (Cow::Borrowed(&*q.text), None)
            } else if let Some((quoted, matched)) = quote() {
                (
                    Cow::Owned(q.text.replace("{first}", quoted)),
                    Some(*matched),
                )
            } else {
                // Nothing matched to cite (an inference without words of its own): never claim
                // the author mentioned something.
                (Cow::Owned(uncited(&q.text)), None)
            };
            let i = b.add(q, text, &source, &concern, s);
            let cand = &mut b.items[i];
            if let Some(matched) = cites.filter(|_| cand.primary == source) {
                cand.item.template = Some(q.text.to_string());
                cand.item.cited = vec![matched.to_owned()];
            }
        }
    }
    // Combinations: the questions an expert asks when two concerns meet, citing the text.
    let concerns = a.concerns();
    let subjects = Subjects::of(set, a);
    // Each concern is cited the same way by every combination that names it.
    let mut citations: Vec<(&Concern, (String, Option<&str>))> = Vec::new();
    for c in set.combinations.iter().filter(|c| {
        fires_with(
            c,
            &concerns,
            |t| subjects.get(t),
            |k| principle_is_read(a, k),
        )
    }) {
        let strengths: Vec<f64> = c.all.iter().map(|k| concern_strength(set, a, k)).collect();
        // A pair is more specific than either concern alone, and its questions cite the text.
        let s = COMBINATION_BONUS * strengths.iter().sum::<f64>() / strengths.len().max(1) as f64;
        let quotes: Vec<(String, Option<&str>)> = c
            .all
            .iter()
            .take(2)
            .map(|k| match citations.iter().find(|(c, _)| *c == k) {
                Some((_, q)) => q.clone(),
                None => {
                    let q = cited(set, a, k);
                    citations.push((k, q.clone()));
                    q
                }
            })
            .collect();
        let quote = |n: usize| quotes.get(n).map(|q| q.0.clone()).unwrap_or_default();
        let (first, second) = (quote(0), quote(1));
        // An inferred concern was not written by the author: the question must not say so.
        let inferred_first = quotes.first().is_some_and(|q| q.1.is_none());
        for q in &c.questions {
            let template = if inferred_first {
                q.text
                    .replace("You mention {first}", "This touches {first}")
            } else {
                q.text.to_string()
            };
            let text = template
                .replace("{first}", &first)
                .replace("{second}", &second);
            let concern: Rc<str> = c
                .all
                .first()
                .map_or_else(|| format!("combo:{}", c.id), ToString::to_string)
                .into();
            let source: Rc<str> = format!("combo:{}", c.id).into();
            let i = b.add(q, Cow::Owned(text), &source, &concern, s);
            let cand = &mut b.items[i];
            if cand.primary == source && q.text.contains('{') {
                cand.item.template = Some(template.clone());
                cand.item.cited = quotes
                    .iter()
                    .filter_map(|q| q.1.map(str::to_owned))
                    .collect();
            }
        }
    }
    for g in &set.generic_questions {
        let source: Rc<str> = format!("framework:{}", g.id).into();
        b.add(
            &g.question,
            Cow::Borrowed(&g.question.text),
            &source,
            &source,
            1.0,
        );
    }

    let mut items = b.items;
    items.sort_by(|x, y| {
        y.item
            .importance
            .total_cmp(&x.item.importance)
            .then(x.order.cmp(&y.order))
    });
    for c in &mut items {
        c.item.importance = (c.item.importance * 1000.0).round() / 1000.0;
    }

    // A generic question the text already answers (it names who asked, what they do today)
    // is not asked first; it stays in its dimension's group.
    let answered = |c: &Candidate| {
        c.primary.strip_prefix("framework:").is_some_and(|id| {
            set.generic_questions
                .iter()
                .any(|g| g.id == id && g.answered_by(text))
        })
    };
    let top = diversify(a, &subjects, &items, answered);
    // Each item moves into its dimension's group, in order (an item of no known dimension is
    // in no group).
    let mut by_dimension: Vec<Vec<Item>> = DIMENSIONS.iter().map(|_| Vec::new()).collect();
    for c in items {
        if let Some(d) = DIMENSIONS.iter().position(|d| c.item.dimension == *d) {
            by_dimension[d].push(c.item);
        }
    }
    let groups = DIMENSIONS
        .iter()
        .zip(by_dimension)
        .map(|(d, questions)| Group {
            dimension: (*d).to_owned(),
            name: set
                .label(Family::Questions, d)
                .map_or_else(|| (*d).to_owned(), |l| l.name.clone()),
            questions,
        })
        .collect();
    Checklist { top, groups }
}

/// The opening questions: the best-scored first, at most one per concern, a tier's
/// own question only when that tier is the subject, and each further question of a dimension
/// already present weighed down, so the list spreads over the framework; a generic question
/// only if the text leaves it open.
fn diversify(
    a: &Analysis,
    subjects: &Subjects<'_>,
    items: &[Candidate],
    answered: impl Fn(&Candidate) -> bool,
) -> Vec<Item> {
    let mut top: Vec<Item> = Vec::new();
    let mut used_concerns: Vec<&str> = Vec::new();
    let mut taken = vec![false; items.len()];
    let generic = |c: &Candidate| c.item.sources.iter().all(|s| s.starts_with("framework:"));
    let mut answers: Vec<Option<bool>> = vec![None; items.len()];
    let mut is_answered = |i: usize, c: &Candidate| *answers[i].get_or_insert_with(|| answered(c));
    let tier_ok = |c: &Candidate| match c.primary.strip_prefix("tier:") {
        Some(tier) if c.item.sources.iter().all(|s| s.starts_with("tier:")) => subjects.get(tier),
        _ => true,
    };
    // Three passes, each only while the list is short: the best question per concern; then
    // (below DEFAULT_TOP) a second question of a concern already asked about, if its source
    // is not one most proposals have (a strained principle's or a risk's second question says
    // more than a layer's first); then (below MIN_TOP) generic framework questions, once
    // unless nothing in the text was recognised. WEAK_SHARE still stops a weak question.
    for pass in 0..3 {
        let limit = if pass <= 1 { DEFAULT_TOP } else { MIN_TOP };
        while top.len() < limit {
            let generic_in_top = top
                .iter()
                .any(|t| t.sources.iter().all(|s| s.starts_with("framework:")));
            let mut best: Option<(usize, f64)> = None;
            for (i, c) in items.iter().enumerate() {
                let eligible = match pass {
                    0 => !generic(c) && !used_concerns.contains(&&*c.concern),
                    // A second question, never a third, of one concern.
                    1 => {
                        !generic(c)
                            && specificity(&c.primary) >= SECOND_QUESTION_SPECIFICITY
                            && used_concerns.iter().filter(|u| **u == &*c.concern).count() < 2
                    }
                    _ => generic(c) && (a.is_empty() || !generic_in_top),
                };
                if taken[i] || !eligible || !tier_ok(c) {
                    continue;
                }
                let same_dim = top
                    .iter()
                    .filter(|t| t.dimension == c.item.dimension)
                    .count();
                if same_dim >= TOP_PER_DIMENSION {
                    continue;
                }
                let adjusted = c.best * DIMENSION_DAMPING.powi(same_dim as i32);
                // Whether the text answers a generic question is asked last, and only of one
                // that would be chosen: its pattern is compiled on first use.
                if best.is_none_or(|(_, s)| adjusted > s + 1e-12)
                    && !(pass == 2 && is_answered(i, c))
                {
                    best = Some((i, adjusted));
                }
            }
            let Some((i, _)) = best else { break };
            // Past MIN_TOP, a question far weaker than the first adds noise, not focus.
            let first = top.iter().map(|t| t.importance).fold(0.0, f64::max);
            if top.len() >= MIN_TOP && items[i].item.importance < WEAK_SHARE * first {
                break;
            }
            taken[i] = true;
            used_concerns.push(&items[i].concern);
            top.push(items[i].item.clone());
        }
    }
    // Most important first, whatever the pass that chose them.
    top.sort_by(|x, y| y.importance.total_cmp(&x.importance));
    top
}

#[cfg(test)]
mod tests {
    use super::{code_span, normalize};

    #[test]
    fn a_question_is_recognised_when_its_citation_changes() {
        let q = super::Item {
            text: "You mention `keep-alive` for students: what is lost?".into(),
            dimension: "user-context".into(),
            priority: 1,
            importance: 1.0,
            sources: vec![],
            template: Some("You mention {first} for students: what is lost?".into()),
            cited: vec!["keep-alive".into()],
        };
        assert!(q.is_asked_by("You mention `keep-alive` for students: what is lost?"));
        assert!(q.is_asked_by("you mention `keep a container running` for students: What is lost"));
        assert!(!q.is_asked_by("You mention `x` for researchers: what is lost?"));
        assert!(!q.is_asked_by("what is lost?"));
    }

    #[test]
    fn a_question_with_nothing_to_cite_claims_no_mention() {
        assert_eq!(
            super::uncited("You mention {first}: who reads the token?"),
            "Who reads the token?"
        );
        assert_eq!(super::uncited("Is {first} logged?"), "Is this logged?");
    }

    #[test]
    fn cited_text_is_a_safe_code_span() {
        assert_eq!(
            code_span("lifecycle-exemptions.yaml"),
            "`lifecycle-exemptions.yaml`"
        );
        assert_eq!(code_span("a `b` c"), "``a `b` c``");
        assert_eq!(code_span("`x`"), "`` `x` ``");
        assert_eq!(code_span("red\x1b[31m\u{202E}\n  text"), "`red[31m text`");
        let long = code_span(&"word ".repeat(40));
        assert!(long.chars().count() <= 62 && long.ends_with("…`"), "{long}");
    }

    #[test]
    fn normalize_ignores_case_and_punctuation() {
        assert_eq!(
            normalize("Who runs it at 2 a.m.?"),
            normalize("who runs it at 2 am")
        );
        assert_eq!(normalize("  Who\truns -- it?\n"), "who runs it");
        assert_eq!(normalize("ÉTÉ, naïve"), "été naïve");
        assert_eq!(normalize(" ?! "), "");
    }
}
