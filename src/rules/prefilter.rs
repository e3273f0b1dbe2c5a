//! The one-pass prefilter: every pattern of every rule in a few lazy DFAs over bytes. Built from
//! the Unicode patterns as written, Unicode-aware case folding, `\w` and `\b` made the set cost
//! ~35 ms to build at every start; a byte-level superset builds in a few milliseconds. The
//! prefilter only has to say "may match": each pattern is rewritten to match a superset of what
//! the real (Unicode) pattern matches, and the real pattern then confirms and finds the spans.
//!
//! The rewrite works on the parsed pattern (`regex_syntax::hir`), so it sees exactly what the
//! regex engine sees (flags, nested and negated classes, set operations, case folding):
//! every assertion (`\b`, `^`, `$`, ...) is dropped, which only widens a pattern, and every
//! character class keeps its ASCII part while any non-ASCII member becomes "any one UTF-8
//! encoded non-ASCII character" (a lead byte and up to three continuation bytes). Literals
//! stay their UTF-8 bytes. So `(?i)k` (which also matches the Kelvin sign), `\pL`, `[^\w]` or
//! `a\w?b` on "aéb" are all covered, which a textual rewrite in ASCII mode got wrong.
use std::sync::Mutex;

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::{Input, MatchKind, PatternSet};
use regex_syntax::hir::{Class, ClassBytes, ClassBytesRange, Hir, HirKind, Repetition};

/// One UTF-8 encoded non-ASCII character, loosely: a lead byte, then continuation bytes.
fn any_non_ascii_char() -> Hir {
    Hir::concat(vec![
        Hir::class(Class::Bytes(ClassBytes::new([ClassBytesRange::new(
            0xC0, 0xFF,
        )]))),
        Hir::repetition(Repetition {
            min: 0,
            max: Some(3),
            greedy: true,
            sub: Box::new(Hir::class(Class::Bytes(ClassBytes::new([
                ClassBytesRange::new(0x80, 0xBF),
            ])))),
        }),
    ])
}

/// The byte-level superset of a parsed pattern (see the module documentation).
pub(crate) fn widen(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Hir::empty(),
        HirKind::Literal(lit) => Hir::literal(lit.0.clone()),
        HirKind::Class(Class::Bytes(c)) => Hir::class(Class::Bytes(c.clone())),
        HirKind::Class(Class::Unicode(c)) => {
            let ascii: Vec<ClassBytesRange> = c
                .ranges()
                .iter()
                .filter(|r| u32::from(r.start()) < 0x80)
                .map(|r| {
                    let hi = u32::from(r.end()).min(0x7F);
                    // Both bounds are below 0x80 here, so the casts are lossless.
                    ClassBytesRange::new(r.start() as u8, hi as u8)
                })
                .collect();
            let non_ascii = c.ranges().iter().any(|r| u32::from(r.end()) >= 0x80);
            let mut alternatives = Vec::new();
            if !ascii.is_empty() {
                alternatives.push(Hir::class(Class::Bytes(ClassBytes::new(ascii))));
            }
            if non_ascii {
                alternatives.push(any_non_ascii_char());
            }
            // No alternative at all is an empty class: it never matches, and neither does this.
            Hir::alternation(alternatives)
        }
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            min: r.min,
            max: r.max,
            greedy: r.greedy,
            sub: Box::new(widen(&r.sub)),
        }),
        HirKind::Capture(c) => widen(&c.sub),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(widen).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(widen).collect()),
    }
}

/// Parse a pattern the way `regex::Regex::new` does and widen it.
pub(crate) fn widen_pattern(pattern: &str) -> Result<Hir, String> {
    regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .map(|h| widen(&h))
        .map_err(|e| e.to_string())
}

/// Patterns per automaton. One lazy DFA over all ~550 patterns thrashed its cache on long
/// inputs (measured: 500 KB of keyword-dense text in 3.9 s); groups of 64 keep each DFA's
/// state count small (44 ms for the same text) at the same build cost.
const GROUP: usize = 64;
/// Cache per group's lazy DFA; it grows only as far as an input needs.
const CACHE: usize = 16 << 20;

/// One group: a forward lazy DFA and its cache.
#[derive(Debug)]
struct Group {
    dfa: DFA,
    cache: Mutex<Cache>,
}

/// The compiled prefilter: a few lazy DFAs, each over a group of patterns.
#[derive(Debug)]
pub(crate) struct Prefilter {
    groups: Vec<Group>,
}

impl Prefilter {
    /// Indices of the patterns that may match somewhere in `text`.
    pub(crate) fn matches(&self, text: &str) -> Vec<usize> {
        let input = Input::new(text.as_bytes());
        let mut out = Vec::new();
        let mut offset = 0;
        for g in &self.groups {
            let len = g.dfa.pattern_len();
            let mut set = PatternSet::new(len);
            // A poisoned lock only means another thread panicked mid-search; the cache is
            // still a valid cache.
            let mut cache = g
                .cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match g
                .dfa
                .try_which_overlapping_matches(&mut cache, &input, &mut set)
            {
                Ok(()) => out.extend(set.iter().map(|p| offset + p.as_usize())),
                // The DFA has no quit bytes and never gives up, so this does not happen; if it
                // did, "every pattern may match" is still a correct prefilter answer.
                Err(_) => out.extend(offset..offset + len),
            }
            offset += len;
        }
        out
    }
}

/// Build the prefilter from the effective patterns: one forward lazy DFA per group over a
/// Thompson NFA without capture states. Nothing else is compiled: no reverse NFA, no literal
/// prefilter, no one-pass or backtracking engine, since all we ask is which patterns match.
/// (Through `meta::Regex` the reverse NFA alone was about a third of the build; the literal
/// prefilter cost ~10 ms.)
///
/// Parsing the patterns in Unicode mode and widening them is most of start-up, and groups are
/// independent, so they are built on two threads (`analyze` of one sentence, whole process:
/// 16.2 ms on one thread, 12.9 ms on two, on the 2-core development machine).
pub(crate) fn build(patterns: &[String], size_limit: usize) -> Result<Prefilter, String> {
    let chunks: Vec<&[String]> = patterns.chunks(GROUP).collect();
    let build_all = |which: usize| -> Vec<(usize, Result<Group, String>)> {
        chunks
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == which)
            .map(|(i, c)| (i, build_group(c, size_limit)))
            .collect()
    };
    let mut built = std::thread::scope(|scope| {
        let other = (chunks.len() > 1).then(|| scope.spawn(|| build_all(1)));
        let mut built = build_all(0);
        match other.map(std::thread::ScopedJoinHandle::join) {
            Some(Ok(more)) => built.extend(more),
            // The builder thread panicked: build its groups here, so the panic surfaces the
            // same way as on one thread.
            Some(Err(_)) => built.extend(build_all(1)),
            None => {}
        }
        built
    });
    built.sort_by_key(|(i, _)| *i);
    let groups = built
        .into_iter()
        .map(|(_, g)| g)
        .collect::<Result<_, String>>()?;
    Ok(Prefilter { groups })
}

/// One group: widen its patterns, compile one lazy DFA over them.
fn build_group(patterns: &[String], size_limit: usize) -> Result<Group, String> {
    let chunk: Vec<Hir> = patterns
        .iter()
        .map(|p| widen_pattern(p))
        .collect::<Result<_, _>>()?;
    let nfa = thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .which_captures(WhichCaptures::None)
                .utf8(false)
                .nfa_size_limit(Some(size_limit)),
        )
        .build_many_from_hir(&chunk)
        .map_err(|e| e.to_string())?;
    let dfa = DFA::builder()
        .configure(
            DFA::config()
                .match_kind(MatchKind::All)
                .cache_capacity(CACHE)
                .skip_cache_capacity_check(true)
                .minimum_cache_clear_count(None),
        )
        .build_from_nfa(nfa)
        .map_err(|e| e.to_string())?;
    let cache = Mutex::new(dfa.create_cache());
    Ok(Group { dfa, cache })
}

#[cfg(test)]
mod tests {
    use super::build;

    /// Whether the prefilter built from `pattern` reports it on `text`.
    fn reports(pattern: &str, text: &str) -> bool {
        let pre = build(&[pattern.to_owned()], 1 << 24).expect("prefilter builds");
        pre.matches(text) == [0]
    }

    #[test]
    fn widened_patterns_match_whatever_the_unicode_pattern_matches() {
        let cases = [
            (r"(?i:\bcafé\b)", "Ein Café."),
            (r"(?i:\bpip[- ]install\w*\b)", "pip-installé packages"),
            (r"(?i:\b(I|I’d)\b)", "I’d like"),
            (r"(?i:[^.;]{0,30}gpu)", "naïve GPU"),
            (r"(?i:\bmig\b)", "MIG\u{a0}slice"),
            // Missed or rejected by the former textual rewrite: case folding beyond ASCII,
            // Unicode classes, negated classes, bounded repetitions of multi-byte characters.
            (r"(?i:\bmask\b)", "maſk"),
            (r"(?i:kelvin)", "\u{212a}elvin"),
            (r"\pL+ gpu", "ñ gpu"),
            (r"(?i:[α-ω]+)", "ΑΩ"),
            (r"a[^\w]b", "a’b"),
            (r"a\w?b", "aéb"),
            (r"[a-z--[aeiou]]x", "bx"),
        ];
        for (p, text) in cases {
            let real = regex::Regex::new(p).expect("pattern");
            assert!(real.is_match(text), "{p} should match {text}");
            assert!(reports(p, text), "prefilter for {p} misses {text}");
        }
    }

    #[test]
    fn the_prefilter_still_filters() {
        assert!(!reports(r"(?i:\bmig\b)", "no GPU here"));
        assert!(!reports(r"(?i:\bslurm\b)", "a queue for GPU jobs"));
        assert!(!reports(r"[^\x00-\x{10FFFF}]", "anything at all"));
    }
}

#[cfg(test)]
mod superset {
    /// On every example text of the default rules, every pattern that really matches must be
    /// reported by the prefilter (it may report more).
    #[test]
    fn prefilter_never_misses_a_real_match_on_the_rule_examples() {
        let set = crate::rules::defaults().expect("rules");
        let texts: Vec<&String> = set
            .rules
            .iter()
            .flat_map(|r| r.examples_match.iter().chain(&r.examples_no_match))
            .collect();
        for text in texts {
            let reported = set.set.matches(text);
            for (idx, &(r, p)) in set.owners.iter().enumerate() {
                let real = set.rules[r].patterns[p].regex().is_match(text);
                assert!(
                    !real || reported.contains(&idx),
                    "prefilter misses `{}` on {text:?}",
                    set.rules[r].patterns[p].source
                );
            }
        }
    }
}
