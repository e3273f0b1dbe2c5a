//! The one-pass prefilter: every pattern of every rule in one `regex::bytes::RegexSet`, built in
//! ASCII mode. Unicode-aware case folding, `\w` and `\b` made the full set cost ~35 ms to build
//! at every start; the ASCII set builds in a few milliseconds. The prefilter only has to say
//! "may match": each pattern is rewritten to match a superset of what the real (Unicode)
//! pattern matches, and the real pattern then confirms and finds the spans.
//!
//! The rewrite: word-boundary assertions (`\b`, `\B`) are dropped (dropping an assertion only
//! widens a pattern), and the Perl classes `\w`, `\d`, `\s` also accept any non-ASCII byte,
//! because their Unicode versions contain non-ASCII characters. Negated classes (`\W`, `[^...]`)
//! and `.` already accept every non-ASCII byte in ASCII byte mode.
use std::sync::Mutex;

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::syntax;
use regex_automata::{Input, MatchKind, PatternSet};

/// Rewrite one pattern (already wrapped as `(?i:...)` when case-insensitive) for the prefilter.
pub(crate) fn widen(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    let mut in_class = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push('\\');
                    break;
                };
                match (n, in_class > 0) {
                    ('b' | 'B', false) => {}
                    ('w' | 'd' | 's', false) => {
                        out.push_str(&format!(r"(?:\{n}|[\x80-\xFF])"));
                    }
                    ('w' | 'd' | 's', true) => {
                        out.push_str(&format!(r"\{n}\x80-\xFF"));
                    }
                    _ => {
                        out.push('\\');
                        out.push(n);
                    }
                }
            }
            '[' => {
                in_class += 1;
                out.push(c);
                // A `]` right after `[` or `[^` is a literal, not the end of the class.
                let rest = chars.as_str();
                let skip = if rest.starts_with("^]") {
                    2
                } else if rest.starts_with(']') {
                    1
                } else {
                    0
                };
                for _ in 0..skip {
                    if let Some(x) = chars.next() {
                        out.push(x);
                    }
                }
            }
            ']' if in_class > 0 => {
                in_class -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
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
pub(crate) fn build(patterns: &[String], size_limit: usize) -> Result<Prefilter, String> {
    let widened: Vec<String> = patterns.iter().map(|p| widen(p)).collect();
    let groups = widened
        .chunks(GROUP)
        .map(|chunk| {
            let nfa = thompson::Compiler::new()
                .syntax(syntax::Config::new().unicode(false).utf8(false))
                .configure(
                    thompson::Config::new()
                        .which_captures(WhichCaptures::None)
                        .utf8(false)
                        .nfa_size_limit(Some(size_limit)),
                )
                .build_many(chunk)
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
        })
        .collect::<Result<_, String>>()?;
    Ok(Prefilter { groups })
}

#[cfg(test)]
mod tests {
    use super::widen;

    #[test]
    fn drops_boundaries_and_widens_classes() {
        assert_eq!(widen(r"\bmig\b"), "mig");
        assert_eq!(widen(r"pip\w*"), r"pip(?:\w|[\x80-\xFF])*");
        assert_eq!(widen(r"[\w-]+"), r"[\w\x80-\xFF-]+");
        assert_eq!(widen(r"a\.b\\b"), r"a\.b\\b");
        assert_eq!(widen(r"[]\b]"), r"[]\b]");
    }

    #[test]
    fn widened_patterns_match_whatever_the_unicode_pattern_matches() {
        let cases = [
            (r"(?i:\bcafé\b)", "Ein Café."),
            (r"(?i:\bpip[- ]install\w*\b)", "pip-installé packages"),
            (r"(?i:\b(I|I’d)\b)", "I’d like"),
            (r"(?i:[^.;]{0,30}gpu)", "naïve GPU"),
            (r"(?i:\bmig\b)", "MIG\u{a0}slice"),
        ];
        for (p, text) in cases {
            let real = regex::Regex::new(p).expect("pattern");
            let pre = regex::bytes::RegexBuilder::new(&widen(p))
                .unicode(false)
                .build()
                .expect("widened");
            assert!(real.is_match(text), "{p} should match {text}");
            assert!(
                pre.is_match(text.as_bytes()),
                "prefilter for {p} misses {text}"
            );
        }
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
