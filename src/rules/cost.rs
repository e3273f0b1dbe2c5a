//! What a user pattern would cost, checked once when its rule file is loaded.
//!
//! The regex crate guarantees time linear in the text, but the constant is the size of the
//! automaton: where its lazy DFA gives up (too many states, as with nested counted
//! repetitions), the PikeVM walks every NFA state for every byte. `(?:a{0,1000}){0,10}c`
//! compiles (about 10,000 states, far under the crate's 2 MiB size limit) and then costs 14 s on
//! 64 KiB of text. So a user pattern is refused at load, at its `file:line:col`, when its NFA
//! has more than [`MAX_NFA_STATES`] states: some 12 times the largest embedded default
//! pattern (the unit test `defaults_are_far_under_the_limit` keeps that margin), so no
//! pattern a rule author writes by hand comes near it.
//!
//! Messages quote a pattern abbreviated ([`shown`]): an oversized alternation of a word list
//! can be megabytes long, and the location already says where it is.
use regex_automata::nfa::thompson;

use super::effective_pattern;
use super::validate::REGEX_SIZE_LIMIT;

/// The most NFA states a user pattern may compile to (after `(?i)`).
pub(crate) const MAX_NFA_STATES: usize = 10_000;

/// Longest pattern quoted whole in a message, in characters.
const SHOWN_CHARS: usize = 80;

/// The pattern for a message: whole when short, else its start, an ellipsis and its length.
pub(crate) fn shown(pattern: &str) -> String {
    if pattern.chars().count() <= SHOWN_CHARS {
        return pattern.to_owned();
    }
    let head: String = pattern.chars().take(SHOWN_CHARS - 20).collect();
    format!("{head}…` ({} bytes in all) `", pattern.len())
}

/// The number of states of the pattern's Thompson NFA, or why it does not compile.
pub(crate) fn nfa_states(effective: &str) -> Result<usize, String> {
    thompson::Compiler::new()
        .configure(thompson::Config::new().nfa_size_limit(Some(REGEX_SIZE_LIMIT)))
        .build(effective)
        .map(|nfa| nfa.states().len())
        .map_err(|e| e.to_string())
}

/// Whether the pattern matches exactly a finite set of literal strings (a word list): the
/// regex crate searches those with Aho-Corasick, never walking an NFA, so their cost does not
/// follow the NFA's size.
fn is_literal_set(effective: &str) -> bool {
    use regex_syntax::hir::literal::Extractor;
    let Ok(hir) = regex_syntax::parse(effective) else {
        return false;
    };
    let mut extractor = Extractor::new();
    extractor
        .limit_class(4)
        .limit_repeat(4)
        .limit_literal_len(256)
        .limit_total(1 << 20);
    let seq = extractor.extract(&hir);
    seq.is_finite() && seq.is_exact()
}

/// Check a user pattern: it compiles under the size limit, and its automaton is small enough
/// to search any text quickly. The messages name the pattern abbreviated.
pub(crate) fn check(pattern: &str, case_sensitive: bool) -> Result<(), String> {
    let effective = effective_pattern(pattern, case_sensitive);
    let shown = shown(pattern);
    regex::RegexBuilder::new(&effective)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(limit) => format!(
                "regex `{shown}` is too large once compiled (over {} KiB): reduce repetition counts such as `{{1000}}`",
                limit / 1024
            ),
            other => {
                let text = other.to_string();
                // regex's syntax errors span several lines with a caret; keep the last line.
                let last = text
                    .lines()
                    .rev()
                    .find(|l| l.starts_with("error:"))
                    .unwrap_or(&text);
                format!(
                    "invalid regex `{shown}`: {}",
                    last.trim_start_matches("error: ")
                )
            }
        })?;
    if is_literal_set(&effective) || is_literal_set(pattern) {
        // A plain alternation of words (in any case): searched by Aho-Corasick, whatever the
        // size of its NFA.
        return Ok(());
    }
    let states =
        nfa_states(&effective).map_err(|e| format!("regex `{shown}` does not compile: {e}"))?;
    if states > MAX_NFA_STATES {
        return Err(format!(
            "regex `{shown}` would cost {states} automaton states per byte of text searched (the limit is {MAX_NFA_STATES}): reduce nested or large repetition counts such as `{{0,1000}}`, or split the pattern"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_far_under_the_limit() {
        let set = crate::rules::defaults().expect("defaults");
        let (states, id) = set
            .rules
            .iter()
            .flat_map(|r| r.patterns.iter().chain(&r.exclude).map(move |p| (p, &r.id)))
            .map(|(p, id)| (nfa_states(&p.effective()).expect("compiles"), id))
            .max()
            .expect("patterns");
        assert!(
            states * 3 <= MAX_NFA_STATES,
            "`{id}` has {states} NFA states: keep the limit ({MAX_NFA_STATES}) three times above the largest default"
        );
    }

    #[test]
    fn costly_patterns_are_refused_with_their_cost() {
        let e = check("(?:a{0,1000}){0,10}c", false).unwrap_err();
        assert!(e.contains("automaton states per byte"), "{e}");
        assert!(check(r"\bgpu\s+queue\b", false).is_ok());
        assert!(check(r"(?:\w+\s+){0,30}gpu", false).is_ok());
        assert!(check(r"\w{0,100}x", false).is_err());
    }

    #[test]
    fn word_lists_are_not_counted_as_automata() {
        let words: Vec<String> = (0..5000).map(|i| format!("q{i:08x}z")).collect();
        assert!(check(&words.join("|"), true).is_ok());
        assert!(!is_literal_set("(?:a{0,1000}){0,10}c"));
    }

    #[test]
    fn long_patterns_are_abbreviated() {
        let long = (0..100_000)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join("|");
        let e = check(&format!("({long}"), false).unwrap_err();
        assert!(e.len() < 400, "{e}");
        assert!(e.contains("bytes in all"), "{e}");
        assert_eq!(shown("short"), "short");
    }
}
