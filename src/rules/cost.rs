//! What a user pattern would cost, checked once when its rule file is loaded.
//!
//! The regex crate guarantees time linear in the text, but the constant is the size of the
//! automaton: where its lazy DFA gives up (too many states, as with nested counted
//! repetitions), the PikeVM walks every NFA state for every byte. `(?:a{0,1000}){0,10}c`
//! compiles (about 10,000 states, far under the crate's 2 MiB size limit) and then costs 14 s on
//! 64 KiB of text. So a user pattern is refused at load, at its `file:line:col`, when its NFA
//! has more than [`MAX_NFA_STATES`] states: some 3 times the largest embedded default
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

/// The most NFA states all user patterns may have together: each is searched on its own, so
/// their costs add up. About 2.4 times the whole embedded set (some 101,000 states in round
/// 13, 126,000 in round 32), so a copy of the defaults passed with `--rules` fits with room to
/// spare; the test `a_copy_of_the_defaults_fits_the_user_budget_with_room` keeps at least
/// twice. Raised from 250,000 in round 32 rather than writing `\w` as a cheaper class in the
/// costliest defaults: that halved their states but cost the cold start 9% more instructions
/// (the classes are compiled when a text reaches them).
pub(crate) const MAX_TOTAL_NFA_STATES: usize = 300_000;

/// Longest pattern quoted whole in a message, in characters.
const SHOWN_CHARS: usize = 80;

/// The pattern for a message, in backticks: whole when short, else its start and an ellipsis,
/// then its length after the closing backtick.
pub(crate) fn shown(pattern: &str) -> String {
    if pattern.chars().count() <= SHOWN_CHARS {
        return format!("`{pattern}`");
    }
    let head: String = pattern.chars().take(SHOWN_CHARS - 20).collect();
    format!("`{head}…` ({} bytes in all)", pattern.len())
}

/// The cost [`check`] found for each user pattern (by effective pattern; 0 for a word list),
/// so that [`check_total`] does not compile them again. A hash map: 5,000 user rules have
/// 15,000 patterns, and a list searched per pattern made loading them quadratic.
static SEEN: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<String, usize>>> =
    std::sync::LazyLock::new(Default::default);

/// Entries kept in [`SEEN`]: a process loads one rule set; a long-lived one (the fuzzer) must
/// not grow forever.
const SEEN_MAX: usize = 1 << 17;

fn remember(effective: &str, states: usize) {
    if let Ok(mut seen) = SEEN.lock() {
        if seen.len() >= SEEN_MAX {
            seen.clear();
        }
        seen.insert(effective.to_owned(), states);
    }
}

fn cost_of(effective: &str, source: &str) -> usize {
    if let Some(n) = SEEN
        .lock()
        .ok()
        .and_then(|seen| seen.get(effective).copied())
    {
        return n;
    }
    if is_word_list(effective, source) {
        0
    } else {
        nfa_states(effective).unwrap_or(0)
    }
}

/// Whether the pattern (as written, or as searched) is a word list ([`is_literal_set`]). The
/// source is tried first: it is the same answer unless only the case-insensitive form is a
/// literal set, and `(?i)` multiplies the literals of every word by its case variants (`k`,
/// `K` and the Kelvin sign), so the effective pattern of a long word list can cost the
/// extractor a million literals before it gives up, ~0.3 s a pattern.
fn is_word_list(effective: &str, source: &str) -> bool {
    is_literal_set(source) || is_literal_set(effective)
}

/// The number of states of the pattern's Thompson NFA, or why it does not compile.
pub(crate) fn nfa_states(effective: &str) -> Result<usize, String> {
    build_nfa(effective).map(|nfa| nfa.states().len())
}

/// The pattern's Thompson NFA as the regex crate builds it (all captures), under the size
/// limit. Through one compiler per thread, reused: a new compiler allocates and initialises a
/// 10,000-entry cache for the first Unicode class it compiles (and `(?i)` makes nearly every
/// letter one: `k`, `K` and the Kelvin sign), which was about half of the cost of compiling a
/// short pattern; a reused one clears it by bumping a version. The NFA is the same.
fn build_nfa(effective: &str) -> Result<thompson::NFA, String> {
    COMPILER.with(|c| c.build(effective).map_err(|e| e.to_string()))
}

thread_local! {
    /// The compiler of [`build_nfa`], one per thread.
    static COMPILER: thompson::Compiler = {
        let mut c = thompson::Compiler::new();
        c.configure(thompson::Config::new().nfa_size_limit(Some(REGEX_SIZE_LIMIT)));
        c
    };
}

/// Whether the pattern matches exactly a finite set of literal strings (a word list): the
/// regex crate searches those with Aho-Corasick, never walking an NFA, so their cost does not
/// follow the NFA's size.
fn is_literal_set(effective: &str) -> bool {
    regex_syntax::parse(effective).is_ok_and(|hir| is_literal_set_hir(&hir))
}

/// [`is_literal_set`] of a parsed pattern.
fn is_literal_set_hir(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::literal::Extractor;
    let mut extractor = Extractor::new();
    extractor
        .limit_class(4)
        .limit_repeat(4)
        .limit_literal_len(256)
        // A word list longer than this is judged by its NFA like any pattern; a larger bound
        // let the literal cross product of case-insensitive patterns cost seconds per rule.
        .limit_total(1 << 14);
    let seq = extractor.extract(hir);
    seq.is_finite() && seq.is_exact()
}

/// What checking a user pattern learnt that its searches need again: its forward NFA (as the
/// regex crate builds it, when it was small enough to settle the check alone) and its
/// [`Shape`](super::literals::Shape). Kept by its [`LazyRegex`](super::LazyRegex), so the
/// self-test of the user examples neither parses nor compiles the pattern again.
#[derive(Debug, Default)]
pub(crate) struct Checked {
    pub(crate) nfa: Option<thompson::NFA>,
    pub(crate) shape: Option<super::literals::Shape>,
    /// Its prefix literals (`literals::for_user_pattern`), for the prefilter and `is_match`.
    pub(crate) literals: Option<Option<Vec<Vec<u8>>>>,
}

/// The character after a `\b` that begins a pattern (after inline flags such as `(?i)`), when
/// that character is a literal that is not a word character (`\b/opt`, `\b-v`, `\b\.env`):
/// such a boundary holds only right after a word character. That is sometimes meant (`\b\.py`
/// after a file name), so user patterns may have it; the embedded rules are held to having none
/// (`\b/opt/ds01-infra` never matched after a space).
#[cfg(test)]
fn dead_word_boundary(pattern: &str) -> Option<char> {
    let mut rest = pattern;
    while let Some(r) = rest.strip_prefix("(?") {
        match r.find(')') {
            Some(end)
                if r[..end]
                    .chars()
                    .all(|c| c.is_ascii_alphabetic() || c == '-') =>
            {
                rest = &r[end + 1..];
            }
            _ => break,
        }
    }
    let after = rest.strip_prefix(r"\b")?;
    let mut chars = after.chars();
    let c = match chars.next()? {
        '\\' => chars.next().filter(|c| c.is_ascii_punctuation())?,
        c => c,
    };
    let meta = "()[]{}|.^$*+?\\#";
    (c.is_ascii_punctuation() && (after.starts_with('\\') || !meta.contains(c)) && c != '_')
        .then_some(c)
}

/// Check a user pattern: it compiles under the size limit, and its automaton is small enough
/// to search any text quickly. The messages name the pattern abbreviated. The pattern is
/// parsed once, for the NFA, the word-list test and its shape.
pub(crate) fn check(pattern: &str, case_sensitive: bool) -> Result<Checked, String> {
    let effective = effective_pattern(pattern, case_sensitive);
    let shown = shown(pattern);
    // The parser the regex crate uses, with its defaults.
    let hir = super::literals::parse(&effective).ok();
    let forward = hir.as_ref().and_then(forward_nfa_of);
    if forward.is_none() {
        regex_crate_verdict(&effective, &shown)?;
    }
    let shape = hir.as_ref().map(super::literals::Shape::of);
    // The pattern as written, parsed once for the word-list test and the prefilter literals
    // (which extract from `X` of `(?i:X)`).
    let source = super::literals::parse(pattern).ok();
    let literals = hir.as_ref().and_then(|h| {
        let inner = match super::literals::inner_of(&effective) {
            Some(x) if x == pattern => source.as_ref().map(std::borrow::Cow::Borrowed),
            Some(x) => super::literals::parse(x).ok().map(std::borrow::Cow::Owned),
            None => None,
        };
        super::literals::for_user_parsed(|| Ok(h), inner.as_deref()).ok()
    });
    if source.as_ref().is_some_and(is_literal_set_hir)
        || hir.as_ref().is_some_and(is_literal_set_hir)
    {
        // A plain alternation of words (in any case): searched by Aho-Corasick, whatever the
        // size of its NFA.
        remember(&effective, 0);
        return Ok(Checked {
            nfa: forward,
            shape,
            literals,
        });
    }
    let states = match &forward {
        Some(nfa) => nfa.states().len(),
        None => {
            nfa_states(&effective).map_err(|e| format!("regex {shown} does not compile: {e}"))?
        }
    };
    remember(&effective, states);
    if states > MAX_NFA_STATES {
        return Err(format!(
            "regex {shown} would cost {states} automaton states per byte of text searched (the limit is {MAX_NFA_STATES}): reduce nested or large repetition counts such as `{{0,1000}}`, or split the pattern"
        ));
    }
    Ok(Checked {
        nfa: forward,
        shape,
        literals,
    })
}

/// The pattern's forward Thompson NFA under the size limit, if it builds and stays under half
/// the limit. That NFA is what decides whether the regex crate accepts a pattern (syntax
/// errors come from the same parser), and building it alone is far cheaper than a whole
/// `regex::Regex` (reverse NFA, literal prefilter). When it fails, or comes near the limit
/// (the reverse NFA may be larger), the caller asks the regex crate itself
/// ([`regex_build_error`]), so verdicts and messages are the regex crate's.
fn forward_nfa(effective: &str) -> Option<thompson::NFA> {
    build_nfa(effective)
        .ok()
        .filter(|nfa| nfa.memory_usage() <= REGEX_SIZE_LIMIT / 2)
}

/// [`forward_nfa`] of a parsed pattern (the same NFA: the compiler parses with the same
/// parser and defaults, then compiles the same `Hir`).
fn forward_nfa_of(hir: &regex_syntax::hir::Hir) -> Option<thompson::NFA> {
    COMPILER
        .with(|c| c.build_from_hir(hir).ok())
        .filter(|nfa| nfa.memory_usage() <= REGEX_SIZE_LIMIT / 2)
}

/// Whether `regex::RegexBuilder::new(effective).size_limit(REGEX_SIZE_LIMIT)` fails, and how:
/// the regex crate is asked only when the forward NFA alone does not settle it.
pub(crate) fn regex_build_error(effective: &str) -> Option<regex::Error> {
    if forward_nfa(effective).is_some() {
        return None;
    }
    regex::RegexBuilder::new(effective)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .err()
}

/// Compile the pattern with the regex crate under the size limit: its error, as a message.
fn regex_crate_verdict(effective: &str, shown: &str) -> Result<(), String> {
    regex::RegexBuilder::new(effective)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map(|_| ())
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(limit) => format!(
                "regex {shown} is too large once compiled (over {} KiB): reduce repetition counts such as `{{1000}}`",
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
                    "invalid regex {shown}: {}",
                    last.trim_start_matches("error: ")
                )
            }
        })
}

/// Check the user rules of a loaded set together: their patterns' automata may not exceed
/// [`MAX_TOTAL_NFA_STATES`] in all (word lists excepted, as in [`check`]). The error names the
/// costliest rules at their locations.
pub(crate) fn check_total(set: &super::RuleSet) -> Result<(), crate::error::Error> {
    let embedded = |file: &str| set.sources.iter().any(|s| s.embedded && s.name == file);
    let mut per_rule: Vec<(usize, &super::Rule)> = set
        .rules
        .iter()
        .filter(|r| !embedded(&r.location.file))
        .map(|r| {
            let states = r
                .patterns
                .iter()
                .chain(&r.exclude)
                .map(|p| cost_of(&p.effective(), &p.source))
                .sum();
            (states, r)
        })
        .collect();
    let total: usize = per_rule.iter().map(|(n, _)| n).sum();
    if total <= MAX_TOTAL_NFA_STATES {
        return Ok(());
    }
    per_rule.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    let costliest: Vec<String> = per_rule
        .iter()
        .take(3)
        .map(|(n, r)| format!("`{}` at {} ({n})", r.id, r.location))
        .collect();
    Err(crate::error::Error::invalid(
        format!(
            "{}: the user rules' patterns would cost {total} automaton states per byte of text searched in all (the limit for all user rules is {MAX_TOTAL_NFA_STATES}); the costliest: {}",
            per_rule[0].1.location,
            costliest.join(", ")
        ),
        Some(
            "simplify or drop the costliest patterns (large counted repetitions, `\\w` under a count), or merge word lists into one alternation",
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_embedded_pattern_begins_with_a_word_boundary_before_punctuation() {
        for (p, c) in [
            (r"\b/opt/ds01\b", Some('/')),
            (r"(?i)\b-v\b", Some('-')),
            (r"\b\.env\b", Some('.')),
            (r"\b\$HOME", Some('$')),
            (r"\bopt\b", None),
            (r"\b(a|b)\b", None),
            (r"\b[a-z]+", None),
            (r"/opt\b", None),
            (r"\b\d+", None),
            (r"\b_\._", None),
        ] {
            assert_eq!(dead_word_boundary(p), c, "{p}");
        }
        // No embedded pattern has one.
        let set = crate::rules::defaults().expect("defaults");
        for r in &set.rules {
            for p in r.patterns.iter().chain(&r.exclude) {
                let src: &str = &p.source;
                assert_eq!(dead_word_boundary(src), None, "{}: {src}", r.id);
            }
        }
    }

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
    fn a_copy_of_the_defaults_fits_the_user_budget_with_room() {
        let set = crate::rules::defaults().expect("defaults");
        let total: usize = set
            .rules
            .iter()
            .flat_map(|r| r.patterns.iter().chain(&r.exclude))
            .map(|p| cost_of(&p.effective(), &p.source))
            .sum();
        assert!(
            total * 2 <= MAX_TOTAL_NFA_STATES,
            "the defaults have {total} NFA states in all: keep the user budget ({MAX_TOTAL_NFA_STATES}) at least twice that, so a copy passed with `--rules` loads"
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
    fn the_user_rules_together_have_a_budget() {
        let rule = |i: usize| {
            format!(
                "[[rule]]\nid = \"site-r{i}\"\nsummary = \"s\"\nwhy = \"w\"\npatterns = ['(?:a{{0,1000}}){{0,4}}c{i}']\nsignals = {{ \"risk:scope-creep\" = 1.0 }}\nexamples.match = [\"ac{i}\"]\nexamples.no_match = [\"b\"]\n"
            )
        };
        let load = |n: usize| {
            let text = format!(
                "family = \"extra\"\n{}",
                (0..n).map(rule).collect::<Vec<_>>().join("\n")
            );
            let mut sources =
                crate::rules::sources(&crate::rules::RuleSource::default()).expect("defaults");
            sources.push(crate::rules::Source {
                name: "many.toml".into(),
                text: text.into(),
                embedded: false,
            });
            crate::rules::validate(&sources).expect("each pattern is under the limit")
        };
        assert!(check_total(&load(2)).is_ok());
        let e = check_total(&load(40)).unwrap_err().to_string();
        assert!(e.starts_with("many.toml:"), "{e}");
        assert!(
            e.contains(&format!(
                "in all (the limit for all user rules is {MAX_TOTAL_NFA_STATES})"
            )),
            "{e}"
        );
        assert!(check_total(crate::rules::defaults().expect("defaults")).is_ok());
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
        assert!(e.contains("bytes in all)"), "{e}");
        assert!(!e.contains("``"), "no empty code span: {e}");
        assert_eq!(shown("short"), "`short`");
    }
}
