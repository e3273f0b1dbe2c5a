//! Direction decides whether a principle is supported or strained: relaxing, extending,
//! exempting or bypassing the limit behind a principle strains it; tightening, enforcing or
//! reclaiming supports it. One mechanism for every principle: a direction cue (`relax` or
//! `tighten` of the rules' `[direction]` table) that acts on one of the limits behind that
//! principle (`limits.<principle>`, within `window` words of the cue) near the principle's
//! evidence (within `window` words) turns that principle.
//! The nearest such cue decides; the cue is added to the finding's evidence.
use super::{Evidence, Finding, sentence_bounds, sentences};
use crate::rules::{Direction, RuleSet};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Way {
    Relax,
    Tighten,
}

/// Byte offsets of the starts of the words of `text[lo..hi]`, as absolute offsets.
fn word_starts(text: &str, lo: usize, hi: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut prev_word = false;
    for (i, ch) in text[lo..hi].char_indices() {
        let w = ch.is_alphanumeric() || ch == '_';
        if w && !prev_word {
            out.push(lo + i);
        }
        prev_word = w || (prev_word && (ch == '-' || ch == '\'' || ch == '.'));
    }
    out
}

/// Words strictly between two byte ranges (0 when they touch or overlap).
fn gap(starts: &[usize], a: (usize, usize), b: (usize, usize)) -> usize {
    let (first, second) = if a.0 <= b.0 { (a, b) } else { (b, a) };
    if second.0 < first.1 {
        return 0;
    }
    let i = starts.partition_point(|&s| s < first.1);
    let j = starts.partition_point(|&s| s < second.0);
    j.saturating_sub(i)
}

fn matches(re: &crate::rules::LazyRegex, text: &str, lo: usize, hi: usize) -> Vec<(usize, usize)> {
    // The lean regex: a sentence is short, and building the searcher's literal prefilter for
    // these long alternations would cost more than the search.
    let hay = &text[lo..hi];
    // Every match kept is non-empty, so it starts with one of the cue's prefix literals and
    // ends with one of its suffix literals: without them in `hay`, nothing is compiled.
    if re.cannot_match(hay) {
        return Vec::new();
    }
    re.regex_for(hay)
        .find_iter(hay)
        .filter(|m| m.start() < m.end())
        .map(|m| (lo + m.start(), lo + m.end()))
        .collect()
}

/// The nearest cue acting on a limit near the evidence `span`, with its direction.
fn decide(
    d: &Direction,
    limits: &crate::rules::LazyRegex,
    text: &str,
    span: (usize, usize),
) -> Option<(Way, (usize, usize))> {
    let (lo, hi) = sentence_bounds(text, span.0, span.1);
    let limits = matches(limits, text, lo, hi);
    if limits.is_empty() {
        return None;
    }
    let starts = word_starts(text, lo, hi);
    let mut best: Option<(usize, Way, (usize, usize))> = None;
    for (way, re) in [(Way::Relax, &d.relax), (Way::Tighten, &d.tighten)] {
        for cue in matches(re, text, lo, hi) {
            // A cue inside a limit's own words is that limit, not an action on it.
            let acts = limits
                .iter()
                .any(|&l| !(cue.0 >= l.0 && cue.1 <= l.1) && gap(&starts, cue, l) <= d.window);
            if !acts {
                continue;
            }
            let dist = gap(&starts, cue, span);
            if dist > d.window {
                continue;
            }
            if best.is_none_or(|(b, _, _)| dist < b) {
                best = Some((dist, way, cue));
            }
        }
    }
    best.map(|(_, w, c)| (w, c))
}

fn cue_evidence(text: &str, way: Way, cue: (usize, usize), principle: &str) -> Evidence {
    let (rule, from) = match way {
        Way::Relax => ("direction-relax", format!("supports:{principle}")),
        Way::Tighten => ("direction-tighten", format!("strains:{principle}")),
    };
    Evidence {
        rule: rule.into(),
        matched: text[cue.0..cue.1].into(),
        span: Some([cue.0, cue.1]),
        weight: 0.0,
        inferred_from: vec![from],
        neighbours: Vec::new(),
    }
}

/// The direction a finding's evidence points, if a cue decides it: the nearest cue acting on
/// one of the principle's own limits, for the first evidence (in text order) that has one.
fn finding_way(d: &Direction, text: &str, f: &Finding) -> Option<(Way, (usize, usize))> {
    let limits = d.limits_of(&f.id)?;
    f.evidence
        .iter()
        .filter_map(|e| e.span)
        .find_map(|s| decide(d, limits, text, (s[0], s[1])))
}

/// Whether the sentence holding `at` proposes something (has a proposal marker; `^` is the
/// sentence's start).
fn proposes(re: &crate::rules::LazyRegex, text: &str, at: usize) -> bool {
    let (lo, hi) = sentence_bounds(text, at, at);
    let s = text[lo..hi].trim_start();
    re.regex_for(s).is_match(s)
}

/// Whether any sentence of the text proposes something.
fn text_proposes(re: &crate::rules::LazyRegex, text: &str) -> bool {
    sentences(text).any(|s| {
        let s = s.trim_start();
        re.regex_for(s).is_match(s)
    })
}

/// Whether a relax cue at `cue` only describes today's problem: some sentence of the text
/// proposes something (`anywhere`, computed once per text and only when needed), but not
/// the cue's.
fn describes_problem(
    d: &Direction,
    text: &str,
    cue: (usize, usize),
    anywhere: &std::cell::OnceCell<bool>,
) -> bool {
    let Some(re) = &d.proposal else { return false };
    !proposes(re, text, cue.0) && *anywhere.get_or_init(|| text_proposes(re, text))
}

/// Turn supported principles whose limit the text relaxes into strained ones, and strained
/// principles whose limit it tightens into supported ones.
pub(super) fn apply(
    set: &RuleSet,
    text: &str,
    supported: &mut Vec<Finding>,
    strained: &mut Vec<Finding>,
) {
    let Some(d) = &set.direction else { return };
    let anywhere = std::cell::OnceCell::new();
    let mut to_strained = Vec::new();
    supported.retain(|f| match finding_way(d, text, f) {
        Some((Way::Relax, cue)) if !describes_problem(d, text, cue, &anywhere) => {
            let mut f = f.clone();
            f.evidence.push(cue_evidence(text, Way::Relax, cue, &f.id));
            to_strained.push(f);
            false
        }
        _ => true,
    });
    let mut to_supported = Vec::new();
    strained.retain(|f| match finding_way(d, text, f) {
        Some((Way::Tighten, cue)) => {
            let mut f = f.clone();
            f.evidence
                .push(cue_evidence(text, Way::Tighten, cue, &f.id));
            to_supported.push(f);
            false
        }
        _ => true,
    });
    strained.extend(to_strained);
    supported.extend(to_supported);
    strained.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    supported.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
}
