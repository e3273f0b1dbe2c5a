//! The analyzer: free text in, concerns with evidence, size and questions out. Pure: it reads
//! nothing and prints nothing.
pub mod questions;
mod self_test;
pub mod tradeoffs;

use std::collections::BTreeMap;
use std::rc::Rc;

use serde::Serialize;

mod direction;
mod infer;
mod neighbour_terms;
pub mod neighbours;
pub mod word_model;

use crate::rules::{Family, Rule, RuleSet};
use crate::taxonomy::{Concern, Kind};
use questions::Checklist;
pub use self_test::{ExampleFailure, prove_user_rules, self_test, self_test_embedded};

/// Version of the JSON shape of [`Analysis`]; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;
/// At most this many hits of one rule are kept as evidence.
const MAX_HITS_PER_RULE: usize = 3;
/// At most this many occurrences of one pattern are examined (a bound for very long inputs
/// in which every occurrence is cancelled by negation or exclusion).
const MAX_CANDIDATES: usize = 10_000;

/// A string shared by the pieces of evidence that quote it: a rule's hit is reported once per
/// concern it signals, and copying its rule id and matched text each time (allocations and
/// their frees) cost 6% of the instructions of the 10 MB corpus. Serialised as a string.
pub type SharedStr = std::sync::Arc<str>;

fn serialize_shared<S: serde::Serializer>(s: &SharedStr, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s)
}

/// One piece of evidence: which rule fired on which part of the input.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Evidence {
    #[serde(serialize_with = "serialize_shared")]
    pub rule: SharedStr,
    /// The matched text; empty for rules inferred from other concerns.
    #[serde(serialize_with = "serialize_shared")]
    pub matched: SharedStr,
    /// Byte range `[start, end)` in the input; absent for inferred evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<[usize; 2]>,
    pub weight: f64,
    /// For inference rules: the concerns that triggered them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inferred_from: Vec<String>,
    /// For the nearest-examples channel (rule `nearest-examples`): the labelled examples that
    /// carry the concern, most similar first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub neighbours: Vec<neighbours::Neighbour>,
    /// For the word model (rule `word-model`, [`word_model`]): the words of the text that
    /// weighed most for the concern; `weight` is then the model's probability.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<String>,
}

impl Evidence {
    /// The evidence of a reading learned from the labelled examples: rule `rule`
    /// ([`neighbours::RULE`] or [`word_model::RULE`]), no words matched, `weight` (a share or a
    /// probability, rounded to two places), the nearest examples and the model's words.
    fn learned(
        rule: &'static str,
        weight: f64,
        neighbours: Vec<neighbours::Neighbour>,
        words: Vec<String>,
    ) -> Self {
        Self {
            rule: rule.into(),
            matched: "".into(),
            span: None,
            weight: round2(weight),
            inferred_from: Vec::new(),
            neighbours,
            words,
        }
    }

    /// Whether this evidence is a reading learned from the labelled examples (the nearest
    /// examples or the word model), not a rule's.
    pub fn is_from_examples(&self) -> bool {
        &*self.rule == neighbours::RULE || &*self.rule == word_model::RULE
    }
}

impl Finding {
    /// Whether only the examples channel (the nearest examples, the word model) read this
    /// concern.
    pub fn is_from_examples(&self) -> bool {
        !self.evidence.is_empty() && self.evidence.iter().all(Evidence::is_from_examples)
    }
}

/// A concern that crossed its threshold.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    pub id: String,
    pub name: String,
    /// Sum of the weights of the distinct rules that signalled it.
    pub score: f64,
    pub evidence: Vec<Evidence>,
}

/// A hit that was found and then cancelled, or a reading set aside (a secondary layer, the
/// nearest examples' dissent), kept so that users can see why. In [`Analysis::suppressed`]
/// the readings set aside come first, so that a report that shows a few shows those.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Suppressed {
    pub rule: String,
    pub matched: String,
    pub span: [usize; 2],
    pub reason: String,
}

/// The GPU/MIG impact decision and what produced it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GpuImpact {
    pub value: String,
    pub name: String,
    pub evidence: Vec<Evidence>,
    /// Evidence per candidate value, for transparency.
    pub scores: BTreeMap<String, f64>,
}

/// Principles the feature works with and against.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Principles {
    pub supported: Vec<Finding>,
    pub strained: Vec<Finding>,
}

/// One contribution to the t-shirt size.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SizeReason {
    pub concern: String,
    pub name: String,
    pub points: f64,
}

/// A rough t-shirt size with its reasons.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Size {
    pub tshirt: String,
    pub points: f64,
    pub band: String,
    pub reasons: Vec<SizeReason>,
}

/// Everything the analyzer concluded about one text.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Analysis {
    pub schema_version: u32,
    /// "What I understood", generated from the concerns.
    pub summary: String,
    pub layers: Vec<Finding>,
    pub tiers: Vec<Finding>,
    pub gpu_impact: GpuImpact,
    pub principles: Principles,
    pub risks: Vec<Finding>,
    pub size: Size,
    pub questions: Checklist,
    /// The design choices the fired rules raise, with their trade-offs and a recommendation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tradeoffs: Vec<crate::analyze::tradeoffs::TradeOff>,
    pub rules_fired: Vec<String>,
    pub suppressed: Vec<Suppressed>,
    /// Fields that could not be read because no rule found anything (`layers`, `gpu_impact`,
    /// `size`); their values are then `unknown` (GPU impact, size) or empty (layers).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<String>,
}

impl Analysis {
    /// Every piece of evidence of every finding and of the GPU impact, in report order (a
    /// rule's hit appears once per concern it signals).
    pub fn all_evidence(&self) -> impl Iterator<Item = &Evidence> {
        self.findings()
            .flat_map(|f| &f.evidence)
            .chain(&self.gpu_impact.evidence)
    }

    /// Every finding: layers, tiers, principles supported and strained, risks, in report
    /// order.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.layers
            .iter()
            .chain(&self.tiers)
            .chain(&self.principles.supported)
            .chain(&self.principles.strained)
            .chain(&self.risks)
    }

    /// Every concern reported, as `kind:id` (principles as `supports:`/`strains:`).
    pub fn concerns(&self) -> Vec<String> {
        self.concerns_where(|_| true)
    }

    /// [`Analysis::concerns`] without the readings of the nearest examples: what the rules
    /// found.
    pub fn rule_concerns(&self) -> Vec<String> {
        self.concerns_where(|f| !f.is_from_examples())
    }

    fn concerns_where<'a>(&'a self, keep: fn(&Finding) -> bool) -> Vec<String> {
        let ids = |prefix: &'static str, findings: &'a [Finding]| {
            findings
                .iter()
                .filter(move |f| keep(f))
                .map(move |f| format!("{prefix}:{}", f.id))
        };
        ids("layer", &self.layers)
            .chain(ids("tier", &self.tiers))
            .chain(std::iter::once(format!("gpu:{}", self.gpu_impact.value)))
            .chain(ids("supports", &self.principles.supported))
            .chain(ids("strains", &self.principles.strained))
            .chain(ids("risk", &self.risks))
            .collect()
    }

    /// Whether the rules established nothing: no rule fired, or only hits that stayed under
    /// every threshold (then `unknown` names the fields that could not be read).
    pub fn is_empty(&self) -> bool {
        self.rules_fired.is_empty() || !self.unknown.is_empty()
    }
}

/// The hits of one rule that survived exclusions and negation.
struct RuleHit {
    rule: usize,
    evidence: Vec<Evidence>,
}

/// Run the pattern pass: one prefilter scan says which patterns may match and where, and only
/// those patterns are searched, at those places (see `rules::prefilter`).
fn pattern_hits(
    set: &RuleSet,
    text: &str,
    suppressed: &mut Vec<Suppressed>,
) -> BTreeMap<usize, Vec<(usize, usize)>> {
    let mut by_rule: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
    let scan = set.set.scan(text);
    // Patterns whose suffix literals do not occur in `text` have no match there.
    let impossible = set.warm_up(&scan, text);
    let marks = std::cell::OnceCell::new();
    for (idx, candidates) in scan.iter() {
        if impossible.binary_search(&idx).is_ok() {
            continue;
        }
        let (r, p) = set.owners[idx];
        let rule = &set.rules[r];
        // Each pattern contributes its earliest valid hits, so the earliest hits of the rule
        // are kept however long the input is; candidates are bounded for the same reason.
        let mut valid = 0;
        for m in candidates
            .matches(&rule.patterns[p], text)
            .take(MAX_CANDIDATES)
        {
            if m.start() == m.end() {
                continue;
            }
            let span = (m.start(), m.end());
            if let Some(reason) = cancelled(set, rule, text, span, &scan, &marks) {
                note_cancelled(suppressed, rule, text, span, &reason);
                continue;
            }
            by_rule.entry(r).or_default().push(span);
            valid += 1;
            if valid == MAX_HITS_PER_RULE {
                break;
            }
        }
    }
    // A pattern rule that also `follows` another fires where that one fired too: its words
    // plus the other's (naming the `.keep-alive` file strains ephemeral containers). The other
    // is a pattern rule that follows none and is no default audience (validated), so its hits
    // are complete here. A borrowed hit passes the follower's own exclusions and negation too.
    for &r in set.pattern_followers() {
        let rule = &set.rules[r];
        let Some(theirs) = rule.follows.and_then(|f| by_rule.get(&f)).cloned() else {
            continue;
        };
        for span in theirs {
            if let Some(reason) = cancelled(set, rule, text, span, &scan, &marks) {
                note_cancelled(suppressed, rule, text, span, &reason);
                continue;
            }
            by_rule.entry(r).or_default().push(span);
        }
    }
    for spans in by_rule.values_mut() {
        spans.sort_unstable();
        spans.dedup();
        // Keep non-overlapping hits only, earliest first.
        let mut last_end = 0;
        spans.retain(|&(s, e)| {
            let keep = s >= last_end;
            if keep {
                last_end = e;
            }
            keep
        });
    }
    suppressed.sort_by(|a, b| (a.span, &a.rule).cmp(&(b.span, &b.rule)));
    suppressed.dedup_by(|a, b| a.span == b.span && a.rule == b.rule);
    by_rule
}

/// List a cancelled hit in `suppressed`, at most [`MAX_HITS_PER_RULE`] per rule.
fn note_cancelled(
    suppressed: &mut Vec<Suppressed>,
    rule: &Rule,
    text: &str,
    (start, end): (usize, usize),
    reason: &Cancel<'_>,
) {
    if suppressed.iter().filter(|x| x.rule == rule.id).count() < MAX_HITS_PER_RULE {
        suppressed.push(Suppressed {
            rule: rule.id.clone(),
            matched: text[start..end].to_owned(),
            span: [start, end],
            reason: reason.to_string(),
        });
    }
}

/// Why a hit does not count: the exclusion that matches in its sentence, or the negation cue
/// before it. Written out only for the hits kept as suppressed.
enum Cancel<'a> {
    /// The words of the sentence the exclusion matched, and its pattern (named when, for want
    /// of the words, the pattern must be).
    Excluded {
        words: Option<&'a str>,
        source: &'a str,
    },
    Negated(&'a str),
}

impl std::fmt::Display for Cancel<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // The words a reader can find in the text; a pattern only when no words are known
            // (a long alternation by its start and length, as rule errors name it).
            Cancel::Excluded {
                words: Some(words), ..
            } => write!(
                f,
                "excluded by \u{201c}{}\u{201d} in the same sentence",
                crate::text::clip(words, 60)
            ),
            Cancel::Excluded {
                words: None,
                source,
            } => write!(
                f,
                "excluded by {} in the same sentence",
                crate::rules::cost::shown(source)
            ),
            Cancel::Negated(cue) => write!(f, "negated by `{cue}`"),
        }
    }
}

/// Why a hit does not count, if it does not.
fn cancelled<'a>(
    set: &'a RuleSet,
    rule: &'a Rule,
    text: &'a str,
    (start, end): (usize, usize),
    scan: &crate::rules::prefilter::Scan,
    marks: &std::cell::OnceCell<Marks>,
) -> Option<Cancel<'a>> {
    if !rule.exclude.is_empty() {
        let sentence = marks
            .get_or_init(|| Marks::of(text))
            .sentence_bounds(text, start, end);
        if let Some(x) = rule
            .exclude
            .iter()
            .find(|x| x.is_match_within(text, sentence, scan))
        {
            // The words it matched, through the forward DFAs the search above used (a full
            // regex built for each exclusion that cancels a hit cost 6% of the engine).
            let (lo, hi) = sentence;
            let words = (x.find_all(&text[lo..hi]).first())
                .map(|&(s, e)| text[lo + s..lo + e].trim())
                .filter(|w| !w.is_empty());
            return Some(Cancel::Excluded {
                words,
                source: &x.source,
            });
        }
    }
    if rule.negatable {
        if let Some(neg) = &set.negation {
            let clause_start = marks
                .get_or_init(|| Marks::of(text))
                .clause_start(text, start);
            let before = &text[clause_start..start];
            // The last `window` words before the hit, read backwards; the cue reported is the
            // earliest one among them.
            let is_cue = |w: &&str| {
                if w.contains('’') {
                    neg.is_cue(&w.replace('’', "'"))
                } else {
                    neg.is_cue(w)
                }
            };
            let cue = if before.is_ascii() {
                // The same words, split on bytes: in ASCII text a character is alphanumeric
                // when its byte is, and there is no '’'.
                before
                    .as_bytes()
                    .rsplit(|b| !(b.is_ascii_alphanumeric() || *b == b'\'' || *b == b'-'))
                    .filter(|w| !w.is_empty())
                    .take(neg.window)
                    .filter_map(|w| std::str::from_utf8(w).ok())
                    .filter(|w| neg.is_cue(w))
                    .last()
            } else {
                before
                    .rsplit(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
                    .filter(|w| !w.is_empty())
                    .take(neg.window)
                    .filter(is_cue)
                    .last()
            };
            if let Some(cue) = cue {
                return Some(Cancel::Negated(cue));
            }
        }
    }
    None
}

fn is_sentence_end(text: &str, i: usize) -> bool {
    let b = text.as_bytes();
    match b[i] {
        b'\n' | b'!' | b'?' => true,
        b'.' => b.get(i + 1).is_none_or(|c| c.is_ascii_whitespace()),
        _ => false,
    }
}

/// How far (in bytes) a sentence or clause is looked for around a hit. Bounding it keeps the
/// analysis linear on long inputs with little punctuation (a 50 MB log, a table).
const SENTENCE_WINDOW: usize = 600;

fn char_floor(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn char_ceil(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The sentences of a text, in order, each without its end mark.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut ends = (0..text.len()).filter(|&i| is_sentence_end(text, i));
    std::iter::from_fn(move || {
        if start > text.len() {
            return None;
        }
        let end = ends.next().unwrap_or(text.len());
        let s = &text[start..end];
        start = end + 1;
        Some(s)
    })
}

fn sentence_bounds(text: &str, start: usize, end: usize) -> (usize, usize) {
    let lo = char_ceil(text, start.saturating_sub(SENTENCE_WINDOW));
    let hi = char_floor(text, (end + SENTENCE_WINDOW).min(text.len()));
    let s = (lo..start)
        .rev()
        .find(|&i| is_sentence_end(text, i))
        .map_or(lo, |i| i + 1);
    let e = (end..hi).find(|&i| is_sentence_end(text, i)).unwrap_or(hi);
    (s, e)
}

/// Where the sentences and clauses of a text end, found in one pass, so that the sentence or
/// clause around each hit is a binary search instead of a walk over up to
/// [`SENTENCE_WINDOW`] bytes each way (3% of the instructions of the 10 MB corpus). The same
/// bounds as [`sentence_bounds`] and [`clause_start`].
struct Marks {
    /// Every `i` with `is_sentence_end(text, i)`, in order.
    sentence: Vec<usize>,
    /// The same and every `,`, `;`, `:`, `(` and `)`, in order.
    clause: Vec<usize>,
}

impl Marks {
    fn of(text: &str) -> Marks {
        /// The bytes that may end a sentence or a clause: most bytes are neither, and one
        /// look-up tells.
        const MARK: [bool; 256] = {
            let mut t = [false; 256];
            let marks = *b"\n!?.,;:()";
            let mut k = 0;
            while k < marks.len() {
                t[marks[k] as usize] = true;
                k += 1;
            }
            t
        };
        let b = text.as_bytes();
        let (mut sentence, mut clause) = (Vec::new(), Vec::new());
        for (i, &c) in b.iter().enumerate() {
            if !MARK[usize::from(c)] {
                continue;
            }
            match c {
                b'\n' | b'!' | b'?' => {
                    sentence.push(i);
                    clause.push(i);
                }
                b'.' if b.get(i + 1).is_none_or(|c| c.is_ascii_whitespace()) => {
                    sentence.push(i);
                    clause.push(i);
                }
                b',' | b';' | b':' | b'(' | b')' => clause.push(i),
                _ => {}
            }
        }
        Marks { sentence, clause }
    }

    /// [`sentence_bounds`].
    fn sentence_bounds(&self, text: &str, start: usize, end: usize) -> (usize, usize) {
        let lo = char_ceil(text, start.saturating_sub(SENTENCE_WINDOW));
        let hi = char_floor(text, (end + SENTENCE_WINDOW).min(text.len()));
        let before = self.sentence.partition_point(|&i| i < start);
        let s = match before.checked_sub(1).map(|k| self.sentence[k]) {
            Some(i) if i >= lo => i + 1,
            _ => lo,
        };
        let e = match self
            .sentence
            .get(self.sentence.partition_point(|&i| i < end))
        {
            Some(&i) if i < hi => i,
            _ => hi,
        };
        (s, e)
    }

    /// [`clause_start`].
    fn clause_start(&self, text: &str, start: usize) -> usize {
        let lo = char_ceil(text, start.saturating_sub(SENTENCE_WINDOW));
        let before = self.clause.partition_point(|&i| i < start);
        match before.checked_sub(1).map(|k| self.clause[k]) {
            Some(i) if i >= lo => i + 1,
            _ => lo,
        }
    }
}

#[cfg(test)]
fn clause_start(text: &str, start: usize) -> usize {
    let b = text.as_bytes();
    let lo = char_ceil(text, start.saturating_sub(SENTENCE_WINDOW));
    (lo..start)
        .rev()
        .find(|&i| matches!(b[i], b',' | b';' | b':' | b'(' | b')') || is_sentence_end(text, i))
        .map_or(lo, |i| i + 1)
}

/// Accumulated evidence per concern: (rule index -> (weight, evidence)), so a rule counts
/// once. A rule's evidence is shared by the concerns it signals and gets each concern's weight
/// only when [`Scores::evidence`] hands it out, for the concerns that are reported: copying it
/// per signalled concern, weighted, cost 4% of the instructions of a corpus.
#[derive(Default)]
struct Scores {
    /// Keyed by shared concerns, so that [`Scores::established`], built again every round of
    /// inference, copies no concern id.
    by_concern: BTreeMap<Rc<Concern>, BTreeMap<usize, (f64, SharedEvidence)>>,
    /// Byte ranges of a document's reported content: from the match of a `reports` rule
    /// ("the guide still says") to the end of its sentence or the writer's turn (see
    /// [`reported_content`]). Empty for most texts.
    reported: Vec<(usize, usize)>,
    /// Byte ranges of the content of a message a command or wizard is asked to give: from the
    /// match of a `tells` rule ("the wizard should tell you that") to the end of its sentence
    /// or the writer's turn. Empty for most texts.
    told: Vec<(usize, usize)>,
}

/// The concerns whose evidence reached their threshold, sorted (the keys of
/// `Scores::by_concern` come in order): a sorted vector rather than a `BTreeSet`, since
/// inference builds it again every round.
struct Established(Vec<Rc<Concern>>);

impl Established {
    fn contains(&self, c: &Concern) -> bool {
        self.0.binary_search_by(|x| (**x).cmp(c)).is_ok()
    }

    fn iter(&self) -> impl Iterator<Item = &Concern> {
        self.0.iter().map(|c| &**c)
    }
}

/// The evidence of one rule, shared by the concerns it signals.
type SharedEvidence = Rc<[Evidence]>;

impl Scores {
    /// Count a rule's hit. A hit wholly inside what a document is reported to say (and not
    /// the report itself) is the page's content: it places the text (layers, components) but
    /// raises no risk and strains nothing, and a risk rule's other signals (the admin who
    /// answers for it) go with its risk. Set [`Scores::reported`] before the first hit.
    fn add(&mut self, rule_idx: usize, rule: &Rule, evidence: &[Evidence]) {
        let content = !rule.reports && self.is_reported(evidence);
        if content && rule.family == Family::Risks {
            return;
        }
        let shared: SharedEvidence = evidence.into();
        let signals = rule
            .signals
            .iter()
            .filter(|(c, _)| !(content && matches!(c.kind, Kind::Risk | Kind::Strains)));
        for (concern, weight) in signals {
            let entry = (*weight, shared.clone());
            match self.by_concern.get_mut(concern) {
                Some(rules) => {
                    rules.insert(rule_idx, entry);
                }
                None => {
                    self.by_concern.insert(
                        Rc::new(concern.clone()),
                        BTreeMap::from([(rule_idx, entry)]),
                    );
                }
            }
        }
    }

    /// Whether every piece of this evidence lies in a document's reported content (evidence
    /// without a span, inferred from other concerns, never does).
    fn is_reported(&self, evidence: &[Evidence]) -> bool {
        !self.reported.is_empty()
            && !evidence.is_empty()
            && evidence.iter().all(|e| {
                e.span
                    .is_some_and(|[s, t]| self.reported.iter().any(|&(lo, hi)| lo <= s && t <= hi))
            })
    }

    fn score(&self, c: &Concern) -> f64 {
        self.by_concern
            .get(c)
            .map_or(0.0, |rules| rules.values().map(|(w, _)| w).sum())
    }

    /// The concerns whose evidence reaches their family's threshold. For GPU impact, only the
    /// mode the contest decides (`decide_gpu`), so that inference and combinations follow the
    /// reading the user sees: a logging change to the idle checker is not a GPU change.
    fn established(&self, set: &RuleSet) -> Established {
        let mut out: Vec<Rc<Concern>> = self
            .by_concern
            .iter()
            .filter(|(c, rules)| {
                c.kind != Kind::Gpu
                    && rules.values().map(|(w, _)| w).sum::<f64>() >= set.threshold(c.kind) - 1e-9
            })
            .map(|(c, _)| c.clone())
            .collect();
        let gpu = gpu_value(set, self);
        if gpu != "none" {
            let c = gpu_concern(gpu);
            let at = out.binary_search_by(|x| (**x).cmp(c)).unwrap_or_else(|i| i);
            out.insert(at, Rc::new(c.clone()));
        }
        Established(out)
    }

    /// The tiers the text itself names as an audience: like [`Scores::established`] for tiers,
    /// without the generic default audiences (first person, "containers", "users"), which are
    /// a guess about whom a change is for rather than the text's word on it. The audiences of
    /// the components it names count: they say whom that component faces.
    fn named_tiers(&self, set: &RuleSet) -> Established {
        let out = self
            .by_concern
            .iter()
            .filter(|(c, rules)| {
                c.kind == Kind::Tier
                    && rules
                        .iter()
                        .filter(|(r, _)| {
                            let rule = &set.rules[**r];
                            !rule.default_audience || rule.only_follows()
                        })
                        .map(|(_, (w, _))| w)
                        .sum::<f64>()
                        >= set.threshold(c.kind) - 1e-9
            })
            .map(|(c, _)| c.clone())
            .collect();
        Established(out)
    }

    fn evidence(&self, c: &Concern) -> Vec<Evidence> {
        // Sorted as references (stable, so in the same order as the pieces themselves would
        // be), then copied: moving whole pieces of evidence during the sort cost more.
        let mut ev: Vec<(&Evidence, f64)> = self
            .by_concern
            .get(c)
            .into_iter()
            .flat_map(|m| {
                m.values()
                    .flat_map(|(weight, e)| e.iter().map(|e| (e, *weight)))
            })
            .collect();
        ev.sort_by(|(a, _), (b, _)| {
            (a.span.is_none(), a.span, &a.rule).cmp(&(b.span.is_none(), b.span, &b.rule))
        });
        ev.into_iter()
            .map(|(e, weight)| Evidence {
                weight,
                ..e.clone()
            })
            .collect()
    }
}

fn hit_evidence(rule: &Rule, text: &str, spans: &[(usize, usize)]) -> Vec<Evidence> {
    // One shared copy of the rule's id for all its hits.
    let id: SharedStr = rule.id.as_str().into();
    spans
        .iter()
        .take(MAX_HITS_PER_RULE)
        .map(|&(s, e)| Evidence {
            rule: id.clone(),
            matched: text[s..e].into(),
            span: Some([s, e]),
            weight: 0.0,
            inferred_from: Vec::new(),
            neighbours: Vec::new(),
            words: Vec::new(),
        })
        .collect()
}

/// Which rules fire on a text, in rule order (used by the rule self-tests).
pub fn fired_rules<'a>(set: &'a RuleSet, text: &str) -> Vec<&'a str> {
    let (hits, _, _) = run_rules(set, text);
    hits.iter().map(|h| set.rules[h.rule].id.as_str()).collect()
}

fn run_rules(set: &RuleSet, text: &str) -> (Vec<RuleHit>, Scores, Vec<Suppressed>) {
    let mut suppressed = Vec::new();
    let spans = pattern_hits(set, text, &mut suppressed);
    let (hits, scores, yielded) = rules_on_spans(set, text, &spans);
    if !yielded.is_empty() {
        suppressed.extend(yielded);
        suppressed.sort_by(|a, b| (a.span, &a.rule).cmp(&(b.span, &b.rule)));
    }
    (hits, scores, suppressed)
}

/// The admin's own tooling decides the audience: when a text names it (the dashboard, the
/// alerts, the event log, an admin command, a config file, CI, maintainer work) and no rule
/// names a user tier outright, the default audiences (first person, "containers", "users", a
/// component's users) yield, so that "I want the alerts by email" is the admin's. A
/// user command or wizard named (a rule voting for L2-L4) keeps them: it is the users' side,
/// unless the tooling is maintainer work or an audit over every user (an admin-tooling rule
/// that votes for no layer), which is the admin's even beside the commands it works on.
/// Decided on the pattern hits (`spans`), before any conditional rule runs. Returns the
/// admin-tooling rule and the span of its first hit.
fn admin_tooling_decides(
    set: &RuleSet,
    spans: &BTreeMap<usize, Vec<(usize, usize)>>,
) -> Option<(usize, (usize, usize))> {
    let user_tier_named = spans.keys().any(|&r| {
        let rule = &set.rules[r];
        !rule.default_audience
            && rule
                .signals
                .iter()
                .any(|(c, _)| c.kind == Kind::Tier && c.id != "admin")
    });
    // A user command or wizard named (a rule that alone places the text in L2-L4) is the
    // user side of the change; the admin's own tooling in such a layer (the jobs service's
    // key CLI, L3) is not.
    let thr = set.threshold(Kind::Layer) - 1e-9;
    let user_layer_named = spans.keys().any(|&r| {
        !set.rules[r].admin_tooling
            && set.rules[r].signals.iter().any(|(c, w)| {
                c.kind == Kind::Layer && !matches!(c.id.as_str(), "L0" | "L1") && *w >= thr
            })
    });
    if user_tier_named {
        return None;
    }
    // Work on DS01's own code and the admin's audits over every user (tooling that places the
    // text in no layer of its own) is the admin's even when it names the user commands it
    // works on. Looked for only when a user command is named.
    let about_users = || {
        spans.keys().any(|&r| {
            let rule = &set.rules[r];
            rule.admin_tooling && !rule.signals.iter().any(|(c, _)| c.kind == Kind::Layer)
        })
    };
    if user_layer_named && !about_users() {
        return None;
    }
    // The earliest mention of the tooling is the one quoted.
    spans
        .iter()
        .filter(|(r, _)| set.rules[**r].admin_tooling)
        .filter_map(|(r, v)| v.first().map(|s| (*r, *s)))
        .min_by_key(|&(r, s)| (s, r))
}

/// The hits of the default audiences that yielded, as suppressed evidence that says why.
fn yielded_audiences(
    set: &RuleSet,
    text: &str,
    spans: &BTreeMap<usize, Vec<(usize, usize)>>,
    (tooling, (ts, te)): (usize, (usize, usize)),
) -> Vec<Suppressed> {
    let reason = format!(
        "a default audience: it yields to the admin's own tooling named here (`{}` matched '{}'), since the text names no user tier and, unless maintainer work or an audit is named, no user command or wizard",
        set.rules[tooling].id,
        &text[ts..te]
    );
    let mut out = Vec::new();
    for (r, rule) in set.rules.iter().enumerate() {
        if !rule.default_audience {
            continue;
        }
        // A component's audience shares the component rule's hits.
        let own = if rule.only_follows() {
            rule.follows.unwrap_or(r)
        } else {
            r
        };
        if let Some(&(s, e)) = spans.get(&own).and_then(|v| v.first()) {
            out.push(Suppressed {
                rule: rule.id.clone(),
                matched: text[s..e].to_owned(),
                span: [s, e],
                reason: reason.clone(),
            });
        }
    }
    out
}

/// Where the text reports what a document says: from each hit of a `reports` rule to the end
/// of its sentence, or to where the writer turns to their own request first ("the wiki says
/// MIG is off, but please give researchers priority").
///
/// The same for the content of a message a command is asked to give (`tells` rules, with
/// `more_turns`): it also ends where the writer adds a request of their own (", and", "and
/// fix ...", a second "should").
fn reported_content(
    set: &RuleSet,
    text: &str,
    spans: &BTreeMap<usize, Vec<(usize, usize)>>,
    marks: impl Fn(&Rule) -> bool,
    more_turns: &[&str],
) -> Vec<(usize, usize)> {
    spans
        .iter()
        .filter(|(r, _)| marks(&set.rules[**r]))
        .flat_map(|(_, v)| v.iter())
        .map(|&(s, e)| {
            let end = sentence_bounds(text, s, e).1;
            (
                s,
                e + report_turn(&text[e..end], more_turns).unwrap_or(end - e),
            )
        })
        .collect()
}

/// Where the content of a message asked for hands over to another request of the writer's.
const MESSAGE_TURNS: [&str; 9] = [
    ", and ",
    " and fix",
    " and make",
    " and add",
    " and change",
    " and also",
    " should ",
    " must ",
    " needs to ",
];

/// Where a reported clause hands over to the writer's own words: a semicolon, or a turn such
/// as "but", "so", "instead", "please" or "rather", or one of `more`. Byte offset in `rest`,
/// if any.
fn report_turn(rest: &str, more: &[&str]) -> Option<usize> {
    const TURNS: [&str; 7] = [
        " but ",
        ", so ",
        " instead",
        " please",
        " rather ",
        " whereas ",
        " while ",
    ];
    let lower = rest.to_ascii_lowercase();
    let semicolon = lower.find(';');
    TURNS
        .iter()
        .chain(more)
        .filter_map(|t| lower.find(t))
        .chain(semicolon)
        .min()
}

/// The rule stages after pattern matching: unconditional pattern rules on their hits, then
/// inference. With no hits at all, nothing here reads the text (inference works on concerns
/// and on hits), so every such text gets the same result.
fn rules_on_spans(
    set: &RuleSet,
    text: &str,
    spans: &BTreeMap<usize, Vec<(usize, usize)>>,
) -> (Vec<RuleHit>, Scores, Vec<Suppressed>) {
    let mut scores = Scores::default();
    let mut hits = Vec::new();

    // Stage 1: unconditional pattern rules.
    for (&r, sp) in spans {
        let rule = &set.rules[r];
        if rule.is_conditional() {
            continue;
        }
        let ev = hit_evidence(rule, text, sp);
        hits.push(RuleHit {
            rule: r,
            evidence: ev,
        });
    }
    // Default audiences yield to the admin's own tooling (decided on the pattern hits).
    let (yielding, yielded) = match admin_tooling_decides(set, spans) {
        Some(tooling) => {
            let y = yielded_audiences(set, text, spans, tooling);
            hits.retain(|h| !set.rules[h.rule].default_audience);
            (true, y)
        }
        None => (false, Vec::new()),
    };
    // Set before any hit is counted: a hit inside a document's reported content counts less.
    scores.reported = reported_content(set, text, spans, |r| r.reports, &[]);
    scores.told = reported_content(set, text, spans, |r| r.tells, &MESSAGE_TURNS);
    for h in &hits {
        scores.add(h.rule, &set.rules[h.rule], &h.evidence);
    }
    // Conditional rules, then inference rules, to a fixed point (see `infer`).
    infer::run(set, text, spans, &mut scores, &mut hits, yielding);
    hits.sort_by_key(|h| h.rule);
    (hits, scores, yielded)
}

/// Analyze a feature description.
pub fn analyze(set: &RuleSet, text: &str) -> Analysis {
    analyze_with(set, text, Channels::RULES_ONLY)
}

/// Which readings besides the rules' an analysis takes (the caller decides: the analysis
/// stays a pure function of the rule set, the text and this).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Channels {
    /// The examples channel: the two readings learned from the labelled DS01 items, the
    /// nearest examples ([`neighbours`]) and the word model ([`word_model`]), which add what
    /// the rules did not find and set aside, visibly, what they dissent from. On by default.
    pub examples: bool,
}

impl Channels {
    /// The rules alone: what [`analyze`] reads, and what `check`, `adr`, `new`, the backlog
    /// and the rule self-tests use.
    pub const RULES_ONLY: Self = Self { examples: false };
    /// The rules and the readings learned from the labelled examples: what `analyze`,
    /// `questions` and `rules eval` show unless `--no-examples` is given.
    pub const ALL: Self = Self { examples: true };
}

/// [`analyze`] with a choice of channels.
pub fn analyze_with(set: &RuleSet, text: &str, channels: Channels) -> Analysis {
    let mut analysis = read_rules(set, text);
    if channels.examples {
        add_examples(set, text, &mut analysis);
    }
    analysis.summary = summarize(set, &analysis);
    analysis
}

/// The reading with the examples channel, from the rules' reading of the same text (what
/// [`analyze_with`] returns for [`Channels::RULES_ONLY`]): equal to [`analyze_with`] with
/// [`Channels::ALL`], without reading the rules again. For callers that need both readings
/// (`rules eval`'s "rules alone", the LLM's prompt).
pub fn with_examples(set: &RuleSet, text: &str, rules: &Analysis) -> Analysis {
    let mut analysis = rules.clone();
    add_examples(set, text, &mut analysis);
    analysis.summary = summarize(set, &analysis);
    analysis
}

/// The statistical readings add what the rules missed and set aside what they dissent from,
/// and only where the rules understood something: a text no rule understands stays unknown. It is
/// shown and measured, but the size, the checklist and the trade-offs come from the rules'
/// reading alone.
fn add_examples(set: &RuleSet, text: &str, a: &mut Analysis) {
    if rules_established_something(a) {
        examples_apply(set, text, a);
    }
}

/// The rules' reading of a text, without its summary.
fn read_rules(set: &RuleSet, text: &str) -> Analysis {
    let (hits, scores, suppressed) = run_rules(set, text);
    let established = scores.established(set);

    let findings = |kind: Kind| -> Vec<Finding> {
        let family = Family::of_kind(kind);
        let mut v: Vec<Finding> = established
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| Finding {
                id: c.id.clone(),
                name: set
                    .label(family, &c.id)
                    .map_or_else(|| c.id.clone(), |l| l.name.clone()),
                score: round2(scores.score(c)),
                evidence: scores.evidence(c),
            })
            .collect();
        if matches!(kind, Kind::Layer) {
            v.sort_by(|a, b| a.id.cmp(&b.id));
        } else {
            v.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        }
        v
    };

    // The host layer read only in a message a command is asked to give goes first, so that
    // the user layer it leaves is not taken as secondary to it.
    let mut all_layers = findings(Kind::Layer);
    let told = set_aside_told_host_layer(&mut all_layers, &scores.told);
    let (layers, mut secondary) = split_secondary_layers(all_layers);
    secondary.extend(told);
    // Readings set aside before cancelled hits (see `Suppressed`).
    secondary.extend(suppressed);
    let suppressed = secondary;
    let mut tiers = findings(Kind::Tier);
    tiers.sort_by_key(|f| tier_order(&f.id));
    // Risks and strains read wholly inside what a document is reported to say ("the README
    // still describes a ~/.keep-alive file") were never counted (see `Scores::add`).
    let mut strained = findings(Kind::Strains);
    let mut supported: Vec<Finding> = findings(Kind::Supports)
        .into_iter()
        .filter(|f| !strained.iter().any(|s| s.id == f.id))
        .collect();
    direction::apply(set, text, &mut supported, &mut strained);
    let risks = findings(Kind::Risk);
    let gpu_impact = decide_gpu(set, &scores);

    let principles = Principles {
        supported,
        strained,
    };
    let mut gpu_impact = gpu_impact;
    let mut size = size(set, &layers, &gpu_impact, &principles, &risks);
    // Nothing understood: say so instead of claiming no GPU impact and the smallest size. A
    // text whose only hits stayed under every threshold ("gpu stuff doesn't work", a passing
    // mention) established no concern either: no layer, tier, principle, risk or GPU reading.
    let understood_nothing = hits.is_empty()
        || (!establishes(&layers, &tiers, &principles, &risks) && gpu_impact.evidence.is_empty());
    let unknown: Vec<String> = if understood_nothing {
        gpu_impact = unknown_gpu();
        size.tshirt = UNKNOWN.to_owned();
        size.band = "nothing in the text was understood, so no size can be estimated".to_owned();
        vec!["layers".into(), "gpu_impact".into(), "size".into()]
    } else {
        Vec::new()
    };
    let rules_fired: Vec<String> = hits.iter().map(|h| set.rules[h.rule].id.clone()).collect();
    // Each fired rule with the evidence of its own hits (a question cue's are in no finding).
    let fired: Vec<(&Rule, &[Evidence])> = hits
        .iter()
        .map(|h| (&set.rules[h.rule], h.evidence.as_slice()))
        .collect();
    let gpu_changes = !matches!(gpu_impact.value.as_str(), "none" | UNKNOWN);
    let mut analysis = Analysis {
        schema_version: SCHEMA_VERSION,
        summary: String::new(),
        layers,
        tiers,
        gpu_impact,
        principles,
        risks,
        size,
        questions: Checklist::default(),
        // A mode's design choices (MIG partitioning, whole GPUs) are no choice of a change
        // that does not touch allocation: a docs fix that names MIG gets no partitioning
        // advice.
        tradeoffs: crate::analyze::tradeoffs::build(
            set,
            &fired
                .iter()
                .map(|&(r, _)| r)
                .filter(|r| {
                    gpu_changes
                        || !r
                            .signals
                            .iter()
                            .any(|(c, _)| c.kind == Kind::Gpu && c.id != "none")
                })
                .collect::<Vec<_>>(),
        ),
        rules_fired,
        suppressed,
        unknown,
    };
    analysis.questions = questions::build(set, &analysis, &fired, text);
    analysis
}

/// A layer read on less than this share of the main layer's evidence is context (the place a
/// symptom shows, a command named in passing), not a layer the change is made in.
pub const SECONDARY_LAYER_SHARE: f64 = 0.4;

/// The layers to report, and the secondary ones (under [`SECONDARY_LAYER_SHARE`] of the
/// strongest layer's score) as suppressed evidence that says why. Measured on the eleven
/// indexed labelled sets, the weak secondary layers were wrong about three times in four.
fn split_secondary_layers(layers: Vec<Finding>) -> (Vec<Finding>, Vec<Suppressed>) {
    let Some(top) = layers.iter().map(|f| f.score).reduce(f64::max) else {
        return (layers, Vec::new());
    };
    // A layer with no evidence in the text to point at (only inferred) is kept: what is set
    // aside must be shown, with the words it was read from.
    let (keep, weak): (Vec<Finding>, Vec<Finding>) = layers.into_iter().partition(|f| {
        f.score >= SECONDARY_LAYER_SHARE * top - 1e-9
            || !f.evidence.iter().any(|e| e.span.is_some())
    });
    let main = keep
        .iter()
        .find(|f| f.score >= top - 1e-9)
        .map_or("", |f| f.id.as_str());
    let suppressed = weak
        .iter()
        .filter_map(|f| {
            set_aside(f, format!(
                "a secondary layer: {} was read on a score of {}, under {:.0}% of the main layer {}'s {}, so it is taken as context",
                f.id,
                f.score,
                SECONDARY_LAYER_SHARE * 100.0,
                main,
                top
            ))
        })
        .collect();
    (keep, suppressed)
}

/// The host layer (L0) read only inside the content of a message a command or wizard is asked
/// to give ("the setup wizard should tell you that idle containers get stopped"): the message
/// describes the host's mechanism and does not change it. Set aside when a user layer (L2-L4)
/// is read outside the message; kept when any of its evidence lies elsewhere or was inferred.
fn set_aside_told_host_layer(
    layers: &mut Vec<Finding>,
    told: &[(usize, usize)],
) -> Vec<Suppressed> {
    if told.is_empty() {
        return Vec::new();
    }
    let inside = |e: &Evidence| {
        e.span
            .is_some_and(|[s, t]| told.iter().any(|&(lo, hi)| lo <= s && t <= hi))
    };
    let user_layer_outside = layers.iter().any(|f| {
        matches!(f.id.as_str(), "L2" | "L3" | "L4")
            && f.evidence.iter().any(|e| e.span.is_some() && !inside(e))
    });
    let Some(at) = layers.iter().position(|f| f.id == "L0") else {
        return Vec::new();
    };
    let host = &layers[at];
    if !user_layer_outside || host.evidence.is_empty() || !host.evidence.iter().all(inside) {
        return Vec::new();
    }
    let host = layers.remove(at);
    set_aside(
        &host,
        "what a command or wizard is asked to tell: L0 was read only in the content of the message, which describes the host's mechanism without changing it".to_owned(),
    )
    .into_iter()
    .collect()
}

/// A reading set aside, shown by the first words it was read from; `None` for a reading with
/// no words in the text (only inferred), which is therefore never set aside.
fn set_aside(f: &Finding, reason: String) -> Option<Suppressed> {
    let (e, [s, t]) = f.evidence.iter().find_map(|e| Some((e, e.span?)))?;
    Some(Suppressed {
        rule: e.rule.to_string(),
        matched: e.matched.to_string(),
        span: [s, t],
        reason,
    })
}

/// The words a reading was read from, to show it by when it is set aside: (rule, matched,
/// span) of its first evidence with words, or, for a reading only inferred, the inference
/// rule with the words of the concern it was inferred from (looked up in `a`, up to `depth`
/// inferences back; [`inferred_via`] names that concern). `None` when no words stand behind it.
fn words_behind(a: &Analysis, f: &Finding, depth: u8) -> Option<Words> {
    if let Some(e) = f.evidence.iter().find(|e| e.span.is_some()) {
        return Some((e.rule.to_string(), e.matched.to_string(), e.span?));
    }
    if depth == 0 {
        return None;
    }
    f.evidence.iter().find_map(|e| {
        e.inferred_from.iter().find_map(|c| {
            let (kind, id) = c.split_once(':').unwrap_or(("", c.as_str()));
            if kind == "gpu" && a.gpu_impact.value == id {
                let g = a.gpu_impact.evidence.iter().find(|g| g.span.is_some())?;
                return Some((e.rule.to_string(), g.matched.to_string(), g.span?));
            }
            let from = a.findings().find(|g| g.id == id && g.id != f.id)?;
            let (_, matched, span) = words_behind(a, from, depth - 1)?;
            Some((e.rule.to_string(), matched, span))
        })
    })
}

/// For a reading with no words of its own, the concerns it was inferred from
/// (`layer:L4`), to name in the reason it is set aside; empty otherwise.
fn inferred_via(f: &Finding) -> String {
    if f.evidence.iter().any(|e| e.span.is_some()) {
        return String::new();
    }
    let via: Vec<&str> = (f.evidence.iter())
        .flat_map(|e| e.inferred_from.iter().map(String::as_str))
        .collect();
    if via.is_empty() {
        String::new()
    } else {
        format!(" (inferred from {}, shown by its words)", via.join(", "))
    }
}

/// Where a tier stands in the report order (students, researchers, the admin).
fn tier_order(id: &str) -> Option<usize> {
    crate::taxonomy::TIERS.iter().position(|t| *t == id)
}

/// Whether the rules established a layer, tier, principle or risk: a lone weak hit (a bare
/// "GPU") is not understanding, and the nearest examples stay silent then.
fn rules_established_something(a: &Analysis) -> bool {
    establishes(&a.layers, &a.tiers, &a.principles, &a.risks)
}

/// Whether a reading holds a layer, a tier, a principle or a risk.
fn establishes(layers: &[Finding], tiers: &[Finding], p: &Principles, risks: &[Finding]) -> bool {
    !(layers.is_empty()
        && tiers.is_empty()
        && p.supported.is_empty()
        && p.strained.is_empty()
        && risks.is_empty())
}

/// Set aside the rules' layers, tiers and touched principles that the nearest examples dissent
/// from ([`neighbours::Reading::dissent`]), where the rules read more than one in the field:
/// each goes to `suppressed` with the words it was read from, its share and the examples
/// behind the dissent. A finding with no words to point at (only inferred) stays, and so does
/// the last finding of a field and a layer read by a `firm_layer` rule ([`firm`]).
fn neighbours_dissent(
    set: &RuleSet,
    reading: &neighbours::Reading,
    field: neighbours::Field,
    findings: &mut Vec<Finding>,
    suppressed: &mut Vec<Suppressed>,
) -> Vec<String> {
    if findings.len() < 2 {
        return Vec::new();
    }
    let nearest = reading.neighbours();
    let named: Vec<String> = nearest
        .iter()
        .take(3)
        .map(|n| format!("{} {}", n.example, n.similarity))
        .collect();
    let aside: Vec<(usize, Suppressed)> = findings
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let share = reading.dissent(field, &f.id)?;
            if firm(set, field, f) {
                return None;
            }
            let why = set_aside(f, format!(
                "set aside by the nearest examples: {} is carried by {:.1}% of the similarity of the {} labelled DS01 items most like this text (under {:.0}%; nearest: {})",
                f.id,
                // Rounded down, so a share just under the threshold never reads as equal.
                ((share * 1000.0).floor() / 10.0).max(0.0),
                nearest.len(),
                field.dissent_share() * 100.0,
                named.join(", ")
            ))?;
            Some((i, why))
        })
        .collect();
    if aside.len() == findings.len() {
        return Vec::new();
    }
    remove_aside(aside, findings, suppressed)
}

/// Whether a layer was read by a `firm_layer` rule (the atomic container commands, the
/// personal limits view), which the statistical channels never set aside: over the labelled
/// sets (each read leave-one-set-out), their dissent from those layers was wrong 46 times and
/// right 21 (round 37). See [`keeps_layer`].
fn firm(set: &RuleSet, field: neighbours::Field, f: &Finding) -> bool {
    field == neighbours::Field::Layers
        && (f.evidence.iter()).any(|e| set.rule(&e.rule).is_some_and(|r| keeps_layer(r, &f.id)))
}

/// Whether `rule` keeps `layer` against the statistical channels: it is marked `firm_layer`
/// and signals that layer itself (a rule that follows it shares its evidence, not its
/// firmness).
pub fn keeps_layer(rule: &Rule, layer: &str) -> bool {
    rule.firm_layer && (rule.signals.iter()).any(|(c, _)| c.kind == Kind::Layer && c.id == layer)
}

/// Remove the findings set aside (index in `findings`, why) and list them first in
/// `suppressed`, in the findings' order (readings set aside come before cancelled hits: see
/// [`Suppressed`]); returns their ids.
fn remove_aside(
    aside: Vec<(usize, Suppressed)>,
    findings: &mut Vec<Finding>,
    suppressed: &mut Vec<Suppressed>,
) -> Vec<String> {
    // Removed from the last, so the indices stay valid.
    let mut ids = Vec::new();
    for &(i, _) in aside.iter().rev() {
        ids.push(findings.remove(i).id);
    }
    suppressed.splice(0..0, aside.into_iter().map(|(_, why)| why));
    ids
}

/// Apply the examples channel: the nearest examples ([`neighbours`]) first set aside what
/// they dissent from ([`neighbours_dissent`]), then add their votes that the rules did not
/// find and the word model does not dissent from: layers, tiers and principles (as touched,
/// under `supported`: a strain needs a rule's direction cue). Then the word model
/// ([`model_apply`]). What the rules cancelled (a negated or excluded hit, a default audience
/// that yielded) is not added back.
fn examples_apply(set: &RuleSet, text: &str, a: &mut Analysis) {
    // The readings only inferred, with the words behind them, read before the channel may set
    // their premises aside (see `withdraw_orphans`).
    let inferred: Vec<(String, Option<Words>)> = a
        .findings()
        .filter(|f| only_inferred(f))
        .map(|f| (f.id.clone(), words_behind(a, f, 3)))
        .collect();
    // The concerns before the channel, for the withdrawals (none to make: none needed).
    let before = if inferred.is_empty() {
        Vec::new()
    } else {
        a.concerns()
    };
    let terms = neighbours::Terms::of(text);
    let reading = neighbours::Reading::of_terms(&terms);
    let model = word_model::Reading::of_terms(text, &terms);
    // The GPU impact first ([`model_gpu`]): what the examples add may depend on it.
    model_gpu(set, &model, a);
    // The concerns of the rules whose hits were cancelled (each rule looked up once: a long
    // text can cancel thousands of hits of a few rules).
    let cancelled_rules: std::collections::BTreeSet<&str> =
        a.suppressed.iter().map(|s| s.rule.as_str()).collect();
    let cancelled: Vec<&Concern> = set
        .rules
        .iter()
        .filter(|r| cancelled_rules.contains(r.id.as_str()))
        .flat_map(|r| r.signals.iter().map(|(c, _)| c))
        .collect();
    // What the nearest examples set aside, which the word model does not add back.
    let mut aside: Vec<String> = neighbours_dissent(
        set,
        &reading,
        neighbours::Field::Layers,
        &mut a.layers,
        &mut a.suppressed,
    );
    aside.extend(neighbours_dissent(
        set,
        &reading,
        neighbours::Field::Tiers,
        &mut a.tiers,
        &mut a.suppressed,
    ));
    aside.extend(neighbours_dissent(
        set,
        &reading,
        neighbours::Field::Principles,
        &mut a.principles.supported,
        &mut a.suppressed,
    ));
    // A principle the rules infer from GPU impact alone (`gpu-efficiency`: how GPUs are
    // allocated, released or counted): where the reading (the word model's GPU impact
    // included) finds no GPU impact, similar items do not bring it in. On the indexed sets,
    // the channel's `gpu-efficiency` beside GPU impact `none` was wrong 17 times and right 7
    // (round 18).
    let gpu_bound: Vec<&str> = if a.gpu_impact.value == "none" {
        gpu_bound_principles(set)
    } else {
        Vec::new()
    };
    let blocked = |kinds: &[Kind], id: &str| {
        gpu_bound.contains(&id)
            || cancelled
                .iter()
                .any(|c| kinds.contains(&c.kind) && c.id == id)
    };
    let add = |field: neighbours::Field,
               family: Family,
               kinds: &[Kind],
               to: &mut Vec<Finding>,
               also: &[Finding]| {
        for v in reading.votes(field) {
            if to.iter().chain(also).any(|f| f.id == v.label) || blocked(kinds, v.label) {
                continue;
            }
            // The word model dissents from it: the two readings of the examples disagree.
            if model.dissent(field, v.label).is_some() {
                continue;
            }
            let evidence = Evidence::learned(neighbours::RULE, v.share, v.neighbours, Vec::new());
            to.push(learned_finding(set, family, v.label, evidence));
        }
    };
    add(
        neighbours::Field::Layers,
        Family::Layers,
        &[Kind::Layer],
        &mut a.layers,
        &[],
    );
    add(
        neighbours::Field::Tiers,
        Family::Tiers,
        &[Kind::Tier],
        &mut a.tiers,
        &[],
    );
    add(
        neighbours::Field::Principles,
        Family::Principles,
        &[Kind::Supports, Kind::Strains],
        &mut a.principles.supported,
        &a.principles.strained,
    );
    model_apply(set, &model, &reading, &blocked, &aside, a);
    if !inferred.is_empty() {
        withdraw_orphans(&inferred, &before, a);
    }
    a.layers.sort_by(|x, y| x.id.cmp(&y.id));
    a.tiers.sort_by_key(|f| tier_order(&f.id));
}

/// Apply the word model ([`word_model`]) after the nearest examples: set aside the rules'
/// layers, tiers and touched principles it dissents from ([`word_model::Reading::dissent`]),
/// each shown by the words behind it ([`words_behind`]; a field is never emptied, but the
/// rules' last reading may go where the nearest examples added one); then add the layers,
/// tiers and principles it gives at least [`neighbours::Field::add_at`] that no rule read or
/// cancelled and the nearest examples did not set aside, with the words that weighed most and
/// the nearest examples that carry them as evidence; then its GPU impact ([`model_gpu`]).
fn model_apply(
    set: &RuleSet,
    model: &word_model::Reading,
    reading: &neighbours::Reading,
    blocked: &dyn Fn(&[Kind], &str) -> bool,
    aside_by_examples: &[String],
    a: &mut Analysis,
) {
    use neighbours::Field;
    // What the model sets aside in one field, read from the whole analysis (a reading only
    // inferred is shown by the words of the concern it was inferred from).
    let dissent = |field: Field, findings: &[Finding], a: &Analysis| -> Vec<(usize, Suppressed)> {
        if findings.len() < 2 {
            return Vec::new();
        }
        let under = field.dissent_under();
        let aside: Vec<(usize, Suppressed)> = findings
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.is_from_examples())
            .filter_map(|(i, f)| {
                let p = model.dissent(field, &f.id)?;
                if firm(set, field, f) {
                    return None;
                }
                let (rule, matched, span) = words_behind(a, f, 3)?;
                let reason = format!(
                    "set aside by the word model: it gives {}{} a probability of {:.2} (under {:.2}){}",
                    f.id,
                    inferred_via(f),
                    floor2(p),
                    under,
                    words_against(&model.words(field, &f.id, false), "it"),
                );
                Some((i, Suppressed { rule, matched, span, reason }))
            })
            .collect();
        if aside.len() == findings.len() {
            return Vec::new();
        }
        aside
    };
    let aside = dissent(Field::Layers, &a.layers, a);
    remove_aside(aside, &mut a.layers, &mut a.suppressed);
    let aside = dissent(Field::Tiers, &a.tiers, a);
    remove_aside(aside, &mut a.tiers, &mut a.suppressed);
    let aside = dissent(Field::Principles, &a.principles.supported, a);
    remove_aside(aside, &mut a.principles.supported, &mut a.suppressed);
    let add =
        |field: Field, family: Family, kinds: &[Kind], to: &mut Vec<Finding>, also: &[Finding]| {
            for (label, p) in model.additions(field) {
                if to.iter().chain(also).any(|f| f.id == label) || blocked(kinds, label) {
                    continue;
                }
                // The nearest examples set the rules' reading of it aside: the two readings of
                // the examples disagree, and the rules' reading is not brought back.
                if aside_by_examples.iter().any(|id| id == label) {
                    continue;
                }
                let evidence = Evidence::learned(
                    word_model::RULE,
                    p,
                    reading.carriers(field, label),
                    model.words(field, label, true),
                );
                to.push(learned_finding(set, family, label, evidence));
            }
        };
    add(
        Field::Layers,
        Family::Layers,
        &[Kind::Layer],
        &mut a.layers,
        &[],
    );
    add(
        Field::Tiers,
        Family::Tiers,
        &[Kind::Tier],
        &mut a.tiers,
        &[],
    );
    add(
        Field::Principles,
        Family::Principles,
        &[Kind::Supports, Kind::Strains],
        &mut a.principles.supported,
        &a.principles.strained,
    );
}

/// The principles an inference rule reads from GPU impact alone (`infer-gpu-efficiency`:
/// `when` holds only GPU impact values): what GPU impact `none` rules out.
fn gpu_bound_principles(set: &RuleSet) -> Vec<&str> {
    (set.rules.iter())
        .filter(|r| !r.when.is_empty() && r.when.iter().all(|c| c.kind == Kind::Gpu))
        .flat_map(|r| r.signals.iter().map(|(c, _)| c))
        .filter(|c| c.kind == Kind::Supports)
        .map(|c| c.id.as_str())
        .collect()
}

/// The words a reading is shown by ([`words_behind`]): (rule, matched, span).
type Words = (String, String, [usize; 2]);

/// Whether a reading stands only on inference (every piece of its evidence was inferred from
/// other concerns).
fn only_inferred(f: &Finding) -> bool {
    !f.evidence.is_empty() && f.evidence.iter().all(|e| !e.inferred_from.is_empty())
}

/// Withdraw, visibly, the readings only inferred from concerns the examples channel set aside
/// (GPU impact `full-gpu` replaced by the word model's `none` takes `gpu-efficiency`,
/// inferred from it, along; a dissent from L4 takes the wizard's principles), until none is
/// left: a conclusion does not outlive all its premises. `inferred` holds each reading only
/// inferred before the channel, with the words behind it then; `before`, the concerns before
/// the channel ([`Analysis::concerns`]). A reading is withdrawn only when every premise is
/// gone and the channel took at least one of them (a premise the rules had already set aside
/// is not the channel's doing). A GPU premise holds while any GPU impact stands: the
/// inferences from GPU impact take `mig`, `full-gpu` and `both` alike. A field is never
/// emptied; as with the word model's dissent, the rules' last reading may go where the
/// examples added another.
fn withdraw_orphans(inferred: &[(String, Option<Words>)], before: &[String], a: &mut Analysis) {
    loop {
        let present = a.concerns();
        let gpu_stands = !matches!(a.gpu_impact.value.as_str(), "none" | UNKNOWN);
        let holds = |premise: &str| {
            present.iter().any(|c| c == premise)
                || (gpu_stands && premise.starts_with("gpu:") && premise != "gpu:none")
        };
        let taken = |premise: &str| before.iter().any(|c| c == premise);
        let orphan = |f: &Finding| {
            let mut premises = f.evidence.iter().flat_map(|e| &e.inferred_from);
            only_inferred(f) && !premises.clone().any(|p| holds(p)) && premises.any(|p| taken(p))
        };
        let mut withdrawn = false;
        let words = |f: &Finding| {
            inferred
                .iter()
                .find(|(id, _)| *id == f.id)
                .and_then(|(_, w)| w.clone())
        };
        let principles = a.principles.supported.len() + a.principles.strained.len();
        for (field, count) in [
            (&mut a.layers, None),
            (&mut a.tiers, None),
            (&mut a.principles.supported, Some(principles)),
            (&mut a.principles.strained, Some(principles)),
        ] {
            if count.unwrap_or(field.len()) < 2 {
                continue;
            }
            let Some((i, (rule, matched, span))) = (field.iter().enumerate())
                .find_map(|(i, f)| Some((i, words(f).filter(|_| orphan(f))?)))
            else {
                continue;
            };
            let f = &field[i];
            let premises: Vec<&str> = (f.evidence.iter())
                .flat_map(|e| e.inferred_from.iter().map(String::as_str))
                .filter(|p| taken(p))
                .collect();
            let reason = format!(
                "withdrawn: {} was only inferred from {}, which the examples channel set aside",
                f.id,
                premises.join(", ")
            );
            field.remove(i);
            let why = Suppressed {
                rule,
                matched,
                span,
                reason,
            };
            a.suppressed.insert(0, why);
            withdrawn = true;
            break;
        }
        if !withdrawn {
            return;
        }
    }
}

/// The word model's GPU impact ([`word_model::Reading::gpu`]) in place of the rules', where it
/// reads another value at a probability of at least [`word_model::GPU_AT`] and words stand
/// behind the rules' value: that value is listed under "Ignored" with its first words (and the
/// words against it), the scores of the rules' contest stay, and the summary names the change.
fn model_gpu(set: &RuleSet, model: &word_model::Reading, a: &mut Analysis) {
    if a.gpu_impact.value == UNKNOWN {
        return;
    }
    // The rules' `none` stands on no evidence (no GPU signal reached the threshold): it is no
    // reading, and the model may give one (labelled as its own; nothing is set aside).
    if a.gpu_impact.evidence.is_empty() {
        if let Some((value, p)) = model.gpu_unread() {
            set_gpu(set, a, value, gpu_evidence(model, value, p));
        }
        return;
    }
    let Some((value, p)) = model.gpu(&a.gpu_impact.value) else {
        return;
    };
    // Where the words strain `gpu-efficiency` (a container or run kept past the limits that
    // give GPUs back), the GPU impact is not `none`, whatever similar items say.
    if value == "none" && strains_from_words(a, "gpu-efficiency") {
        return;
    }
    // The rules' value is listed by the words it was read from: without words (a value no
    // evidence produced), it is not replaced.
    let Some((rule, matched, span)) = (a.gpu_impact.evidence.iter())
        .find_map(|e| Some((e.rule.to_string(), e.matched.to_string(), e.span?)))
    else {
        return;
    };
    let before = a.gpu_impact.value.clone();
    let reason = format!(
        "{GPU_SET_ASIDE} {before}; it gives {value} a probability of {:.2} (at least {:.2}){}",
        floor2(p),
        word_model::GPU_AT,
        words_against(&model.gpu_words(&before, false), &before),
    );
    a.suppressed.insert(
        0,
        Suppressed {
            rule,
            matched,
            span,
            reason,
        },
    );
    set_gpu(set, a, value, gpu_evidence(model, value, p));
}

/// Whether the rules read principle `id` as strained from words of the text (not only inferred).
fn strains_from_words(a: &Analysis, id: &str) -> bool {
    (a.principles.strained.iter())
        .any(|f| f.id == id && f.evidence.iter().any(|e| e.span.is_some()))
}

/// The word model's evidence for GPU impact `value` at probability `p`.
fn gpu_evidence(model: &word_model::Reading, value: &str, p: f64) -> Evidence {
    Evidence::learned(
        word_model::RULE,
        p,
        Vec::new(),
        model.gpu_words(value, true),
    )
}

/// How the reason for the rules' GPU impact replaced by the word model's begins.
const GPU_SET_ASIDE: &str = "set aside by the word model: the rules read GPU impact";

/// GPU impact `value`, read by the word model (`evidence`).
fn set_gpu(set: &RuleSet, a: &mut Analysis, value: &str, evidence: Evidence) {
    value.clone_into(&mut a.gpu_impact.value);
    a.gpu_impact.name = set
        .label(Family::Gpu, value)
        .map_or_else(|| value.to_owned(), |l| l.name.clone());
    a.gpu_impact.evidence = vec![evidence];
}

/// A reading only the examples channel read: `label` of `family`, named as the rules name it,
/// scored by its one piece of evidence ([`Evidence::learned`]).
fn learned_finding(set: &RuleSet, family: Family, label: &str, evidence: Evidence) -> Finding {
    Finding {
        id: label.to_owned(),
        name: set
            .label(family, label)
            .map_or_else(|| label.to_owned(), |l| l.name.clone()),
        score: evidence.weight,
        evidence: vec![evidence],
    }
}

/// The words against a reading, for the reason it is set aside: `, the words against {what}
/// being “a”, “b”`, or nothing when no word weighed against it.
fn words_against(words: &[String], what: &str) -> String {
    if words.is_empty() {
        String::new()
    } else {
        format!(", the words against {what} being “{}”", words.join("”, “"))
    }
}

/// A probability for a reason, rounded down to two places, so one just under a threshold
/// never reads as equal to it. The epsilon keeps a value that is its two places exactly but
/// not in binary (0.29 is 0.28999…) from losing one.
pub(crate) fn floor2(p: f64) -> f64 {
    (p * 100.0 + 1e-9).floor() / 100.0
}

/// The value of GPU impact and size when nothing in the text was understood.
pub const UNKNOWN: &str = "unknown";

fn unknown_gpu() -> GpuImpact {
    GpuImpact {
        value: UNKNOWN.to_owned(),
        name: "Unknown: nothing in the text was understood".to_owned(),
        evidence: Vec::new(),
        scores: BTreeMap::new(),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// GPU impact: the value [`gpu_value`] decides, its evidence, and the scores of the contest
/// (with components' implied relevance capped as the contest caps it).
fn decide_gpu(set: &RuleSet, scores: &Scores) -> GpuImpact {
    let c = gpu_concern;
    let s = |id: &str| contest_score(set, scores, id);
    let value = gpu_value(set, scores);
    let evidence = match value {
        "both" => ["both", "mig", "full-gpu"]
            .iter()
            .flat_map(|v| scores.evidence(c(v)))
            .collect(),
        v => scores.evidence(c(v)),
    };
    let scores_map = ["none", "mig", "full-gpu", "both"]
        .iter()
        .map(|v| ((*v).to_owned(), round2(s(v))))
        .collect();
    GpuImpact {
        value: value.to_owned(),
        name: set
            .label(Family::Gpu, value)
            .map_or_else(|| value.to_owned(), |l| l.name.clone()),
        evidence,
        scores: scores_map,
    }
}

/// The GPU concern of a value (`none`, `mig`, `full-gpu`, `both`), built once: the contest
/// looks each up several times per round of inference.
fn gpu_concern(id: &str) -> &'static Concern {
    const VALUES: [&str; 4] = ["none", "mig", "full-gpu", "both"];
    static CONCERNS: std::sync::OnceLock<Vec<Concern>> = std::sync::OnceLock::new();
    let all = CONCERNS.get_or_init(|| {
        VALUES
            .iter()
            .map(|v| Concern {
                kind: Kind::Gpu,
                id: (*v).to_owned(),
            })
            .collect()
    });
    let i = VALUES
        .iter()
        .position(|v| *v == id)
        .expect("a GPU impact value");
    &all[i]
}

/// The score of a GPU value in the contest. Components named with implied GPU relevance
/// (`gpu_weight` below the threshold) need a GPU signal that is not a component's name: the
/// wrapper and the limits file named together say where a change is, not that it changes
/// allocation, so a value with no other evidence stays at half the threshold at most.
fn contest_score(set: &RuleSet, scores: &Scores, id: &str) -> f64 {
    let thr = set.threshold(Kind::Gpu) - 1e-9;
    let v = scores.score(gpu_concern(id));
    let names_only = scores
        .by_concern
        .get(gpu_concern(id))
        .is_some_and(|m| m.iter().all(|(r, (w, _))| implied(set, *r, *w, thr)));
    if names_only { v.min(thr / 2.0) } else { v }
}

/// Whether rule `r`'s signal of weight `w` to a GPU value is a component's implied relevance
/// (its `gpu_weight` below the threshold `thr`): where a change is, not that it changes
/// allocation.
fn implied(set: &RuleSet, r: usize, w: f64, thr: f64) -> bool {
    set.rules[r].family == Family::Components && w < thr
}

/// The GPU impact the evidence decides: `none`, `mig`, `full-gpu` or `both`. A MIG-specific
/// and a full-GPU-specific signal together mean `both` unless one mode clearly dominates; one
/// alone names its mode when it outweighs the mode-agnostic evidence or a component that works
/// in that mode only is at stake; mode-agnostic GPU signals mean `both`, unless the only mode
/// evidence is implied (below the threshold) by a component that works in one mode; otherwise
/// `none`.
fn gpu_value(set: &RuleSet, scores: &Scores) -> &'static str {
    let c = gpu_concern;
    let thr = set.threshold(Kind::Gpu) - 1e-9;
    let s = |id: &str| contest_score(set, scores, id);
    let (mig, full, both, none) = (s("mig"), s("full-gpu"), s("both"), s("none"));
    // Specific evidence: what says the change alters allocation in a mode. A bare mention of
    // GPUs (weight below the threshold), context (a component named, a lifecycle word) and
    // what a document is reported to say ("the page still says every card is split into MIG
    // slices") place the text but are no evidence of which mode changes, nor that anything
    // changes at all.
    let is_specific = |r: usize, w: f64, ev: &[Evidence]| {
        let rule = &set.rules[r];
        w >= thr && !rule.context && (rule.reports || !scores.is_reported(ev))
    };
    // A value's specific evidence: its weight, and how often the text names it (the mode a
    // text keeps returning to).
    let specific = |id: &str| -> (f64, usize) {
        scores.by_concern.get(c(id)).map_or((0.0, 0), |m| {
            m.iter()
                .filter(|(r, (w, ev))| is_specific(**r, *w, ev))
                .fold((0.0, 0), |(w, n), (_, (rw, ev))| (w + rw, n + ev.len()))
        })
    };
    let (mig_specific, mig_mentions) = specific("mig");
    let (full_specific, full_mentions) = specific("full-gpu");
    let both_specific = specific("both").0;
    let strongest = mig_specific.max(full_specific).max(both_specific);
    // A component that works in one mode only is at stake (the jobs runner hands out whole
    // GPUs) and the other mode has no evidence at all: the text's own evidence of that mode
    // is its subject, however much mode-agnostic allocation evidence there is ("my job sits
    // in the queue: say it needs 2 GPUs and none is free").
    let implied_only = |id: &str| {
        let other = if id == "mig" { full } else { mig };
        other == 0.0
            && (scores.by_concern.get(c(id)))
                .is_some_and(|m| m.iter().any(|(r, (w, _))| implied(set, *r, *w, thr)))
    };
    // A cue that the change is not about allocation (documentation, logging, a refactor that
    // keeps behaviour) decides `none` unless specific allocation evidence outweighs it.
    if none >= thr && none > strongest {
        "none"
    } else if mig >= thr && full >= thr {
        // Both modes named: one the text keeps returning to (at least twice, and twice as
        // often as the other) is its subject, and a single mention of the other is contrast
        // ("make multi-slice MIG requests give that many MIG instances; --prefer-full does
        // nothing either"). Otherwise the change spans both.
        let (m, f) = (mig_mentions, full_mentions);
        if m >= 2 && m >= 2 * f {
            "mig"
        } else if f >= 2 && f >= 2 * m {
            "full-gpu"
        } else {
            "both"
        }
    } else if mig >= thr && (mig >= both_specific || implied_only("mig")) {
        // One mode is the subject only when its evidence outweighs the mode-agnostic
        // allocation evidence (queue, quota, priority, scheduler, hand back).
        "mig"
    } else if full >= thr && (full >= both_specific || implied_only("full-gpu")) {
        "full-gpu"
    } else if both >= thr && mig < thr && full < thr && (mig > 0.0) != (full > 0.0) {
        // No mode is named, but a component that works in one mode only is at stake (the
        // jobs runner hands out whole GPUs): the allocation change is in that mode.
        if mig > 0.0 { "mig" } else { "full-gpu" }
    } else if mig.max(full).max(both) >= thr {
        "both"
    } else {
        "none"
    }
}

fn size(
    set: &RuleSet,
    layers: &[Finding],
    gpu: &GpuImpact,
    principles: &Principles,
    risks: &[Finding],
) -> Size {
    let mut reasons = Vec::new();
    let mut push = |family: Family, prefix: &str, id: &str| {
        if let Some(l) = set.label(family, id) {
            if l.size > 0.0 {
                reasons.push(SizeReason {
                    concern: format!("{prefix}:{id}"),
                    name: l.name.clone(),
                    points: l.size,
                });
            }
        }
    };
    for f in layers {
        push(Family::Layers, "layer", &f.id);
    }
    push(Family::Gpu, "gpu", &gpu.value);
    for f in &principles.strained {
        push(Family::Principles, "strains", &f.id);
    }
    for f in risks {
        push(Family::Risks, "risk", &f.id);
    }
    reasons.sort_by(|a, b| {
        b.points
            .total_cmp(&a.points)
            .then_with(|| a.concern.cmp(&b.concern))
    });
    let points = round2(reasons.iter().map(|r| r.points).sum::<f64>() + 0.0);
    let band = set
        .bands
        .iter()
        .find(|b| b.max_points.is_none_or(|m| points <= m))
        .or(set.bands.last())
        .expect("validation requires at least one band");
    Size {
        tshirt: band.size.clone(),
        points,
        band: band.description.clone(),
        reasons,
    }
}

/// A label's name inside a sentence: the first letter lower-cased unless the first word is an
/// acronym or a name ("AIME MLC and DS01's patches", "GPU efficiency" stay as they are;
/// "Atomic commands" reads "atomic commands").
fn in_sentence(name: &str) -> String {
    let first = name.split_whitespace().next().unwrap_or("");
    let capitals = first.chars().filter(char::is_ascii_uppercase).count();
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if capitals < 2 && !first.chars().any(|c| c.is_ascii_digit()) => {
            c.to_lowercase().chain(chars).collect()
        }
        _ => name.to_owned(),
    }
}

fn join_names(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "What I understood": one paragraph assembled from the findings, never canned.
fn summarize(set: &RuleSet, a: &Analysis) -> String {
    if a.is_empty() {
        return "I could not tie this text to any DS01 layer, user group, GPU mode, principle or risk. \
                Say which commands or users it affects (e.g. `container deploy`, students, the admin) \
                and the general questions below will become specific."
            .to_owned();
    }
    let mut parts = Vec::new();
    // (start, -(length), text): at one start the longest match first.
    // Borrowed: a long text has thousands of pieces of evidence, and only four are quoted.
    // (Sorted below, so the order evidence comes in does not matter.)
    let mut spans: Vec<(usize, std::cmp::Reverse<usize>, &str)> = a
        .all_evidence()
        .filter_map(|e| {
            e.span
                .map(|s| (s[0], std::cmp::Reverse(s[1] - s[0]), e.matched.trim()))
        })
        .collect();
    spans.sort();
    // Each phrase once, and none that lies inside one already quoted ("idle" inside "idle
    // timeouts") or repeats its words elsewhere ("MIG" after "Re-enable MIG"), so the summary
    // never repeats a word.
    // Only the first four kept are quoted, and later phrases never change which those are, so
    // the walk stops there; each kept phrase's words are normalised once. (Normalising every
    // kept phrase again for every piece of evidence made this quadratic: 56% of the
    // instructions of a 1 MB corpus.)
    const QUOTED: usize = 4;
    let mut kept: Vec<(usize, usize, &str, String)> = Vec::new();
    for (start, std::cmp::Reverse(len), text) in spans {
        if kept.len() == QUOTED {
            break;
        }
        let end = start + len;
        let inside = kept.iter().any(|(s, e, _, _)| *s <= start && end <= *e);
        let words = format!(" {} ", crate::text::normalize(text));
        let same = kept.iter().any(|(_, _, _, w)| w.contains(&words));
        if !inside && !same && !text.is_empty() {
            kept.push((start, end, text, words));
        }
    }
    let quoted: Vec<String> = kept.iter().map(|(_, _, p, _)| format!("“{p}”")).collect();
    if !quoted.is_empty() {
        parts.push(format!("From {}, I read this as", join_names(&quoted)));
    } else {
        parts.push("I read this as".to_owned());
    }
    // The rules' reading first; the nearest examples' additions get a sentence of their own.
    let rules = |f: &&Finding| !f.is_from_examples();
    let layer_names: Vec<String> = a
        .layers
        .iter()
        .filter(rules)
        .map(|f| format!("{} ({})", in_sentence(&f.name), f.id))
        .collect();
    let mut s = if layer_names.is_empty() {
        format!("{} a change whose layer is not clear yet", parts.remove(0))
    } else {
        format!(
            "{} a change to {}",
            parts.remove(0),
            join_names(&layer_names)
        )
    };
    let tier_names: Vec<String> = a
        .tiers
        .iter()
        .filter(rules)
        .map(|f| in_sentence(&f.name))
        .collect();
    if !tier_names.is_empty() {
        s.push_str(&format!(" that mainly affects {}", join_names(&tier_names)));
    }
    s.push('.');
    let gpu = set.label(Family::Gpu, &a.gpu_impact.value);
    // The word model's value, where it replaced the rules' ([`model_gpu`]), is named as such.
    let learned = if !a.gpu_impact.evidence.iter().any(Evidence::is_from_examples) {
        ""
    } else if a
        .suppressed
        .iter()
        .any(|x| x.reason.starts_with(GPU_SET_ASIDE))
    {
        " (the word model's reading: see Ignored)"
    } else {
        " (the word model's reading)"
    };
    match a.gpu_impact.value.as_str() {
        "none" => s.push_str(&format!(
            " It does not seem to change how GPUs are allocated or used{learned}."
        )),
        _ => s.push_str(&format!(
            " GPU impact: {}{learned}.",
            gpu.map_or_else(|| a.gpu_impact.value.clone(), |l| in_sentence(&l.name))
        )),
    }
    let sup: Vec<String> = a
        .principles
        .supported
        .iter()
        .filter(rules)
        .map(|f| format!("`{}`", f.id))
        .collect();
    let str_: Vec<String> = a
        .principles
        .strained
        .iter()
        .map(|f| format!("`{}`", f.id))
        .collect();
    match (sup.is_empty(), str_.is_empty()) {
        (false, false) => s.push_str(&format!(
            " It works with {} but strains {}.",
            join_names(&sup),
            join_names(&str_)
        )),
        (false, true) => s.push_str(&format!(" It works with {}.", join_names(&sup))),
        (true, false) => s.push_str(&format!(" It strains {}.", join_names(&str_))),
        (true, true) => {}
    }
    let risks: Vec<String> = a.risks.iter().map(|f| in_sentence(&f.name)).collect();
    if !risks.is_empty() {
        s.push_str(&format!(" Risks to settle first: {}.", join_names(&risks)));
    }
    let similar = |f: &&Finding| f.is_from_examples();
    let similar: Vec<String> = (a.layers.iter().filter(similar))
        .map(|f| format!("{} ({})", in_sentence(&f.name), f.id))
        .chain(a.tiers.iter().filter(similar).map(|f| in_sentence(&f.name)))
        .chain((a.principles.supported.iter().filter(similar)).map(|f| format!("`{}`", f.id)))
        .collect();
    if !similar.is_empty() {
        s.push_str(&format!(
            " Similar labelled DS01 items also concern {}.",
            join_names(&similar)
        ));
    }
    s.push_str(&format!(" Rough size: {}.", a.size.tshirt));
    s
}

/// The concerns of a text without the checklist, size or summary: what the backlog table
/// shows next to each item.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
pub struct ConcernSummary {
    pub layers: Vec<String>,
    pub tiers: Vec<String>,
    pub gpu_impact: String,
}

/// The layers, tiers and GPU impact of a text (cheaper than [`analyze`]).
pub fn concern_summary(set: &RuleSet, text: &str) -> ConcernSummary {
    let (_, scores, _) = run_rules(set, text);
    summary_of(set, &scores)
}

/// [`concern_summary`] of many texts in turn (the backlog's titles): a text in which no
/// pattern matches gets the summary of no evidence, worked out once in `blank` and cloned,
/// instead of running inference again on nothing.
pub fn concern_summary_cached(
    set: &RuleSet,
    text: &str,
    blank: &mut Option<ConcernSummary>,
) -> ConcernSummary {
    let mut suppressed = Vec::new();
    let spans = pattern_hits(set, text, &mut suppressed);
    if spans.is_empty() {
        if let Some(b) = blank {
            return b.clone();
        }
    }
    let (_, scores, _) = rules_on_spans(set, text, &spans);
    let summary = summary_of(set, &scores);
    if spans.is_empty() {
        *blank = Some(summary.clone());
    }
    summary
}

fn summary_of(set: &RuleSet, scores: &Scores) -> ConcernSummary {
    let established = scores.established(set);
    let ids = |kind: Kind| -> Vec<String> {
        established
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.id.clone())
            .collect()
    };
    let mut tiers = ids(Kind::Tier);
    tiers.sort_by_key(|t| tier_order(t));
    let nothing = scores.by_concern.is_empty();
    ConcernSummary {
        layers: ids(Kind::Layer),
        tiers,
        gpu_impact: if nothing {
            UNKNOWN.to_owned()
        } else {
            decide_gpu(set, scores).value
        },
    }
}

#[cfg(test)]
mod tests {
    use super::{Cancel, Marks, SENTENCE_WINDOW, char_ceil, clause_start, sentence_bounds};

    /// A reading only inferred from GPU impact is withdrawn when the channel takes the GPU
    /// impact to `none`, not when it moves it to another mode (the inference takes every mode),
    /// and not when the premise was never the channel's to take.
    #[test]
    fn inferences_are_withdrawn_only_with_the_premises_the_channel_took() {
        let set = crate::rules::defaults().expect("defaults");
        let text = "use the 1g.10gb profile on two cards";
        let rules = super::read_rules(set, text);
        let inferred_efficiency = |a: &super::Analysis| {
            a.principles.supported.iter().any(|f| {
                f.id == "gpu-efficiency" && f.evidence.iter().all(|e| !e.inferred_from.is_empty())
            })
        };
        assert!(inferred_efficiency(&rules), "{:?}", rules.principles);
        assert!(rules.gpu_impact.value != "none");
        let inferred: Vec<(String, Option<super::Words>)> = rules
            .findings()
            .filter(|f| super::only_inferred(f))
            .map(|f| (f.id.clone(), super::words_behind(&rules, f, 3)))
            .collect();
        let before = rules.concerns();
        let run = |gpu: &str, before: &[String]| {
            let mut a = rules.clone();
            a.gpu_impact.value = gpu.to_owned();
            // A principle the rules read as well, so the withdrawal is not the last.
            let mut other = a.principles.supported[0].clone();
            other.id = "progressive-disclosure".to_owned();
            for e in &mut other.evidence {
                e.inferred_from.clear();
            }
            a.principles.supported.push(other);
            super::withdraw_orphans(&inferred, before, &mut a);
            a
        };
        let other_mode = if rules.gpu_impact.value == "both" {
            "mig"
        } else {
            "both"
        };
        assert!(inferred_efficiency(&run(other_mode, &before)));
        let none = run("none", &before);
        assert!(!inferred_efficiency(&none));
        assert!(
            none.suppressed[0]
                .reason
                .starts_with("withdrawn: gpu-efficiency was only inferred from gpu:"),
            "{:?}",
            none.suppressed[0]
        );
        // The premise was not there before the channel: not the channel's doing.
        assert!(inferred_efficiency(&run("none", &[])));
    }

    /// The host layer a wizard or command is only asked to describe is set aside, shown with
    /// its reason; the same mechanism named outside the message, or with no user layer read,
    /// keeps it.
    #[test]
    fn a_host_layer_only_in_what_a_wizard_is_asked_to_tell_is_set_aside() {
        let set = crate::rules::defaults().expect("defaults");
        let layers = |text: &str| -> (Vec<String>, Vec<String>) {
            let a = super::read_rules(set, text);
            let ids = a.layers.iter().map(|f| f.id.clone()).collect();
            let why = a.suppressed.iter().map(|s| s.reason.clone()).collect();
            (ids, why)
        };
        let told =
            "The setup wizard should tell you that idle containers get stopped after half an hour.";
        let (ids, why) = layers(told);
        assert_eq!(ids, ["L4"], "{why:?}");
        assert!(
            why.iter()
                .any(|w| w.starts_with("what a command or wizard is asked to tell: L0")),
            "{why:?}"
        );
        // The mechanism itself is the subject of another sentence: the host layer stays.
        let (ids, _) = layers(
            "Idle containers get stopped after half an hour by the cron job. The setup wizard should tell you that idle containers get stopped.",
        );
        assert!(
            ids.contains(&"L0".to_owned()) && ids.contains(&"L4".to_owned()),
            "{ids:?}"
        );
        // A long message names several host mechanisms: the wizard is not taken as secondary.
        let (ids, _) = layers(
            "user-setup should explain that the docker wrapper puts every container in your cgroup slice and that the idle-timeout cron stops idle ones.",
        );
        assert_eq!(ids, ["L4"]);
        // The writer's own second request is not the message's content.
        let (ids, _) = layers(
            "Make container deploy say which GPU you got, and fix the GPU allocator so it stops handing out the same MIG slice twice.",
        );
        assert!(ids.contains(&"L0".to_owned()), "{ids:?}");
        // An indicative report of what a command prints is a symptom, not a message asked for.
        let (ids, _) = layers(
            "container deploy tells me 'You have 4 MIG partition(s) allocated' though the GPU allocator gave me one.",
        );
        assert!(ids.contains(&"L0".to_owned()), "{ids:?}");
        // No user layer is read outside the message: nothing is set aside.
        let (ids, _) =
            layers("Please tell users that idle containers get stopped after half an hour.");
        assert!(ids.contains(&"L0".to_owned()), "{ids:?}");
    }

    /// A long exclude alternation is named by its start and length, as rule errors name a
    /// pattern; a short one whole.
    #[test]
    fn an_exclusion_is_named_abbreviated_when_long() {
        let long = format!("\\b({})\\b", vec!["word"; 200].join("|"));
        let note = Cancel::Excluded {
            words: None,
            source: &long,
        }
        .to_string();
        assert!(note.len() < 200, "{note}");
        assert!(
            note.contains(&format!(
                "…` ({} bytes in all) in the same sentence",
                long.len()
            )),
            "{note}"
        );
        assert_eq!(
            Cancel::Excluded {
                words: None,
                source: "\\bdocs\\b"
            }
            .to_string(),
            "excluded by `\\bdocs\\b` in the same sentence"
        );
        // With the words it matched, those are named instead.
        assert_eq!(
            Cancel::Excluded {
                words: Some("the docs"),
                source: &long
            }
            .to_string(),
            "excluded by \u{201c}the docs\u{201d} in the same sentence"
        );
    }

    /// The bounds looked up among the marks are those the walks find, at every position of
    /// texts with every kind of mark, non-ASCII characters and stretches longer than the
    /// window.
    #[test]
    fn marks_give_the_bounds_the_walks_give() {
        let pieces = [
            "word ", "GPU. ", "e.g.", "end.", "x.y ", "why? ", "yes! ", "a, b", "(c) ", "d; ",
            "e: ", "\n", "thé ", "日本 ", "naïve.", ".", "...", "tail",
        ];
        let mut seed = 7u64;
        let mut texts = vec![String::new(), ".".to_owned(), "a.".to_owned()];
        for len in [3, 40, 400] {
            let mut t = String::new();
            for _ in 0..len {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                t.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            texts.push(t);
        }
        texts.push(format!(
            "{}. {} end",
            "long ".repeat(SENTENCE_WINDOW),
            "é".repeat(500)
        ));
        for text in &texts {
            let marks = Marks::of(text);
            let starts = (0..=text.len()).filter(|&i| text.is_char_boundary(i));
            for start in starts {
                assert_eq!(
                    marks.clause_start(text, start),
                    clause_start(text, start),
                    "{text:?} at {start}"
                );
                for end in [
                    start,
                    char_ceil(text, start + 1),
                    char_ceil(text, start + 7),
                ] {
                    assert_eq!(
                        marks.sentence_bounds(text, start, end),
                        sentence_bounds(text, start, end),
                        "{text:?} at {start}..{end}"
                    );
                }
            }
        }
    }
}
