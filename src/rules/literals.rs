//! Prefix literals: for a pattern, a few short byte strings such that every match of the
//! pattern starts with one of them, ASCII case ignored. The prefilter finds all of them in one
//! Aho-Corasick pass, and each pattern is then tried only where one of its literals starts.
//!
//! The literals come from the pattern as the regex engine parses it (`regex_syntax`, Unicode
//! mode), through `regex_syntax`'s own prefix extractor, so case folding beyond ASCII (`(?i)k`
//! also matches the Kelvin sign), alternations and optional parts are all accounted for. A
//! pattern gets no literals (and goes to the lazy-DFA fallback) when its prefixes are not a
//! small finite set of strings of at least [`MIN_LEN`] bytes: `\w+ing`, `[^.]{0,30}gpu`, `I`.
//!
//! Extracting with the large limits used here costs ~0.2 ms a pattern, so the literals of the
//! embedded default patterns are computed once, ahead of time, into `prefix_table.rs`; a test
//! keeps that table equal to what [`from_hir`] computes.
use regex_syntax::hir::Hir;
use regex_syntax::hir::literal::{ExtractKind, Extractor};

/// Shorter literals would match too often to be worth an anchored search each.
pub(crate) const MIN_LEN: usize = 2;
/// Literals are cut to this many bytes: a prefix of a prefix is still a prefix, and shorter
/// literals keep the automaton small. 8 bytes already single out a DS01 term.
pub(crate) const MAX_LEN: usize = 8;
/// A pattern with more distinct literals than this is left to the lazy DFA.
pub(crate) const MAX_LITERALS: usize = 64;
/// The extractor's budget of literals while it expands case variants and alternations; above
/// it, it shortens or gives up.
const EXTRACT_LIMIT: usize = 5000;

/// Parse a pattern exactly as `regex::Regex::new` does.
pub(crate) fn parse(pattern: &str) -> Result<Hir, String> {
    regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .map_err(|e| e.to_string())
}

/// The prefix literals of a parsed pattern (lowercase ASCII, sorted, none a prefix of
/// another), or `None` when they would not make a useful prefilter.
pub(crate) fn from_hir(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let mut extractor = Extractor::new();
    extractor
        .kind(ExtractKind::Prefix)
        .limit_total(EXTRACT_LIMIT);
    cut(&extractor.extract(hir))
}

/// The suffix literals of a parsed pattern: every match ends with one of them, ASCII case
/// ignored (each cut to its last [`MAX_LEN`] bytes, lowercase ASCII, sorted), or `None` when
/// they would not make a useful filter. A text that holds none of them holds no match: the
/// analyzer then neither compiles nor searches the pattern (most patterns the prefix literals
/// let through for a sentence do not match it, and compiling them was most of its analysis).
pub(crate) fn suffixes_from_hir(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let mut extractor = Extractor::new();
    extractor
        .kind(ExtractKind::Suffix)
        .limit_total(EXTRACT_LIMIT);
    let mut lits: Vec<Vec<u8>> = extractor
        .extract(hir)
        .literals()?
        .iter()
        .map(|l| {
            let b = l.as_bytes();
            b[b.len().saturating_sub(MAX_LEN)..].to_ascii_lowercase()
        })
        .collect();
    lits.sort_unstable();
    lits.dedup();
    let useful =
        !lits.is_empty() && lits.len() <= MAX_LITERALS && lits.iter().all(|l| l.len() >= MIN_LEN);
    useful.then_some(lits)
}

/// The prefix literals of a user pattern (an effective pattern, see
/// `rules::effective_pattern`), with the same guarantee as [`from_hir`]: every match starts
/// with one of them, ASCII case ignored. Computed more cheaply than [`from_hir`], which the
/// embedded patterns keep (precomputed in `prefix_table.rs`):
///
/// - literals are cut to [`MAX_LEN`] bytes while they are extracted, not after;
/// - for a case-insensitive pattern `(?i:X)`, the literals are extracted from `X` as written
///   (case-sensitive) and then given the only non-ASCII case variants an ASCII letter has
///   (`k`: the Kelvin sign, `s`: the long s; a unit test checks every ASCII character), since
///   the prefilter already ignores ASCII case. Extracting from `(?i:X)` itself expands every
///   letter into its case variants first, thousands of literals for a long word list
///   (2.5M instructions a pattern). When `X`'s literals are not all ASCII, the literals of
///   `(?i:X)` are extracted as they are.
pub(crate) fn for_user_pattern(effective: &str) -> Result<Option<Vec<Vec<u8>>>, String> {
    let inner = inner_of(effective).and_then(|x| parse(x).ok());
    for_user_parsed(|| parse(effective), inner.as_ref())
}

/// `X` of a case-insensitive effective pattern `(?i:X)`.
pub(crate) fn inner_of(effective: &str) -> Option<&str> {
    effective
        .strip_prefix("(?i:")
        .and_then(|x| x.strip_suffix(')'))
}

/// [`for_user_pattern`] from the parsed pattern (parsed only when needed) and, when it is
/// `(?i:X)` with `X` a valid pattern, the parsed `X` (`inner`): validation has both already.
pub(crate) fn for_user_parsed<H: std::borrow::Borrow<Hir>>(
    effective: impl FnOnce() -> Result<H, String>,
    inner: Option<&Hir>,
) -> Result<Option<Vec<Vec<u8>>>, String> {
    let full = || Ok(cut(&extract_cut(effective()?.borrow())));
    // `(?i:X)` with `X` a valid pattern is the group of all of `X` (tokenised alike, the group
    // cannot close early and leave `X` balanced).
    let Some(hir) = inner else {
        return full();
    };
    let seq = extract_cut(hir);
    let Some(lits) = seq.literals() else {
        return Ok(None);
    };
    if lits.iter().any(|l| !l.as_bytes().is_ascii()) {
        return full();
    }
    let mut out = Vec::new();
    for l in lits {
        fold_variants(l.as_bytes(), &mut Vec::new(), &mut out);
    }
    Ok(minimise(out))
}

/// The non-ASCII characters that Unicode simple case folding puts with an ASCII one.
fn non_ascii_fold(b: u8) -> Option<&'static str> {
    match b.to_ascii_lowercase() {
        b'k' => Some("\u{212a}"),
        b's' => Some("\u{17f}"),
        _ => None,
    }
}

/// Push every variant of `rest` (after `prefix`) with `k`/`s` also replaced by their non-ASCII
/// case variants, each cut to [`MAX_LEN`] bytes.
fn fold_variants(rest: &[u8], prefix: &mut Vec<u8>, out: &mut Vec<Vec<u8>>) {
    if prefix.len() >= MAX_LEN || rest.is_empty() {
        out.push(prefix[..prefix.len().min(MAX_LEN)].to_vec());
        return;
    }
    let n = prefix.len();
    prefix.push(rest[0]);
    fold_variants(&rest[1..], prefix, out);
    prefix.truncate(n);
    if let Some(v) = non_ascii_fold(rest[0]) {
        prefix.extend_from_slice(v.as_bytes());
        fold_variants(&rest[1..], prefix, out);
        prefix.truncate(n);
    }
}

fn extract_cut(hir: &Hir) -> regex_syntax::hir::literal::Seq {
    let mut extractor = Extractor::new();
    extractor
        .kind(ExtractKind::Prefix)
        .limit_literal_len(MAX_LEN)
        .limit_total(EXTRACT_LIMIT);
    extractor.extract(hir)
}

fn cut(seq: &regex_syntax::hir::literal::Seq) -> Option<Vec<Vec<u8>>> {
    minimise(
        seq.literals()?
            .iter()
            .map(|l| l.as_bytes().to_vec())
            .collect(),
    )
}

/// Cut to [`MAX_LEN`] bytes, lowercase, sort and minimise extracted literals (see
/// [`from_hir`]).
fn minimise(lits: Vec<Vec<u8>>) -> Option<Vec<Vec<u8>>> {
    let mut lits: Vec<Vec<u8>> = lits
        .into_iter()
        .map(|b| b[..b.len().min(MAX_LEN)].to_ascii_lowercase())
        .collect();
    lits.sort_unstable();
    lits.dedup();
    // In sorted order every extension of a literal follows it directly: keep the shortest.
    let mut kept: Vec<Vec<u8>> = Vec::with_capacity(lits.len());
    for l in lits {
        if kept.last().is_some_and(|k| l.starts_with(k)) {
            continue;
        }
        kept.push(l);
    }
    let useful =
        !kept.is_empty() && kept.len() <= MAX_LITERALS && kept.iter().all(|l| l.len() >= MIN_LEN);
    useful.then_some(kept)
}

/// What the anchored searches need to know of a pattern besides its literals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    /// The length in bytes of its longest possible match, if it has one: an anchored search
    /// need not look further (`\bgpus?\b` 4, `\bgpu\w*` none).
    pub max_len: Option<usize>,
    /// Whether a match attempt may run on past a word ([`may_scan_far`]).
    pub far: bool,
}

impl Shape {
    pub(crate) fn of(hir: &Hir) -> Shape {
        Shape {
            max_len: hir.properties().maximum_len(),
            far: may_scan_far(hir),
        }
    }

    /// What to assume of a pattern that does not parse (validation makes that impossible).
    pub(crate) const UNKNOWN: Shape = Shape {
        max_len: None,
        far: true,
    };
}

/// Unicode's White_Space characters (what `\s` matches).
const WHITE_SPACE: &[char] = &[
    '\t', '\n', '\u{b}', '\u{c}', '\r', ' ', '\u{85}', '\u{a0}', '\u{1680}', '\u{2000}',
    '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}', '\u{2006}', '\u{2007}', '\u{2008}',
    '\u{2009}', '\u{200a}', '\u{2028}', '\u{2029}', '\u{202f}', '\u{205f}', '\u{3000}',
];

/// Whether a match attempt of the pattern may run on across words: it has a repetition with
/// no upper bound (`.*`, `[^.;]+`, `(gpu )*`) of something other than a class without
/// whitespace (`\w+`, `[a-z-]*` stop at the end of a word). A failed anchored search of such a
/// pattern may scan to the end of the line or text, so the prefilter gives it fewer. (`\w+`
/// still runs to the end of one long token, such as a URL: the 32-miss bound covers that.)
pub(crate) fn may_scan_far(hir: &Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Repetition(rep) => {
            let stops_at_spaces = match rep.sub.kind() {
                HirKind::Class(Class::Unicode(c)) => !c.iter().any(|r| {
                    WHITE_SPACE
                        .iter()
                        .any(|&ch| r.start() <= ch && ch <= r.end())
                }),
                HirKind::Class(Class::Bytes(c)) => !c.iter().any(|r| {
                    WHITE_SPACE
                        .iter()
                        .filter_map(|&ch| u8::try_from(ch).ok())
                        .any(|b| r.start() <= b && b <= r.end())
                }),
                _ => false,
            };
            (rep.max.is_none() && !stops_at_spaces) || may_scan_far(&rep.sub)
        }
        HirKind::Capture(cap) => may_scan_far(&cap.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().any(may_scan_far),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => false,
    }
}

/// The table entry of a pattern, if the table has one (`Some(None)`: no useful literals).
pub(crate) fn precomputed(pattern: &str) -> Option<Option<&'static [&'static [u8]]>> {
    table_entry(pattern).map(|e| e.1)
}

/// The suffix literals of a pattern (see [`suffixes_from_hir`]), if the table has its entry
/// (`Some(None)`: no useful ones).
pub(crate) fn precomputed_suffixes(pattern: &str) -> Option<Option<&'static [&'static [u8]]>> {
    table_entry(pattern).map(|e| e.3)
}

/// The [`Shape`] of a pattern, if the table has it.
pub(crate) fn precomputed_shape(pattern: &str) -> Option<Shape> {
    table_entry(pattern).map(|e| e.2)
}

fn table_entry(pattern: &str) -> Option<&'static super::prefix_table::Entry> {
    table_index(pattern).map(|i| &super::prefix_table::TABLE[i])
}

/// The literals of the table's entry `i` (`None`: no useful literals).
pub(crate) fn precomputed_at(i: usize) -> Option<&'static [&'static [u8]]> {
    super::prefix_table::TABLE[i].1
}

/// [`table_index`] of the effective pattern of `source` (see `rules::effective_pattern`),
/// without formatting it.
pub(crate) fn table_index_of(source: &str, case_sensitive: bool) -> Option<usize> {
    if case_sensitive {
        return table_index(source);
    }
    let parts: [&[u8]; 3] = [b"(?i:", source.as_bytes(), b")"];
    super::prefix_table::TABLE
        .binary_search_by(|(p, _, _, _)| cmp_concat(p.as_bytes(), &parts))
        .ok()
}

/// Whether the table's entry `i` is the effective pattern of `source` (as
/// [`table_index_of`] finds it, with one comparison rather than a search).
pub(crate) fn is_table_entry_of(i: usize, source: &str, case_sensitive: bool) -> bool {
    let Some((p, _, _, _)) = super::prefix_table::TABLE.get(i) else {
        return false;
    };
    let parts: [&[u8]; 3] = if case_sensitive {
        [source.as_bytes(), b"", b""]
    } else {
        [b"(?i:", source.as_bytes(), b")"]
    };
    cmp_concat(p.as_bytes(), &parts) == std::cmp::Ordering::Equal
}

/// `a` compared with the concatenation of `parts`.
fn cmp_concat(mut a: &[u8], parts: &[&[u8]]) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    for part in parts {
        let n = a.len().min(part.len());
        match a[..n].cmp(&part[..n]) {
            Ordering::Equal => {}
            o => return o,
        }
        if a.len() < part.len() {
            return Ordering::Less;
        }
        a = &a[n..];
    }
    if a.is_empty() {
        Ordering::Equal
    } else {
        Ordering::Greater
    }
}

/// The index of a pattern's entry in the table, if it has one.
pub(crate) fn table_index(pattern: &str) -> Option<usize> {
    super::prefix_table::TABLE
        .binary_search_by(|(p, _, _, _)| (*p).cmp(pattern))
        .ok()
}

/// The source of `prefix_table.rs` for these effective patterns.
pub(crate) fn render_table(patterns: &[String]) -> String {
    use std::fmt::Write as _;
    let mut patterns: Vec<&String> = patterns.iter().collect();
    patterns.sort();
    patterns.dedup();
    let mut out = String::from(
        "//! @generated from the embedded rules by `cargo run --example prefix_table`; the test\n\
         //! `rules::literals::tests::prefix_table_is_current` fails when a default pattern\n\
         //! changes and this file is out of date: do not edit. For each effective pattern (sorted), its\n\
         //! prefix literals as computed by `rules::literals::from_hir`, or `None`, its\n\
         //! `rules::literals::Shape`, and its suffix literals (`rules::literals::suffixes_from_hir`).\n\
         use super::literals::Shape;\n\
         pub(super) type Entry = (\n    &'static str,\n    Option<&'static [&'static [u8]]>,\n    Shape,\n    Option<&'static [&'static [u8]]>,\n);\n\
         #[rustfmt::skip]\n\
         pub(super) static TABLE: &[Entry] = &[\n",
    );
    for p in patterns {
        let hir = parse(p).expect("embedded patterns parse");
        let render = |lits: Option<Vec<Vec<u8>>>| match lits {
            None => "None".to_owned(),
            Some(lits) => {
                let items: Vec<String> = lits
                    .iter()
                    .map(|l| format!("b\"{}\"", l.escape_ascii()))
                    .collect();
                format!("Some(&[{}])", items.join(", "))
            }
        };
        let lits = render(from_hir(&hir));
        let suffixes = render(suffixes_from_hir(&hir));
        let Shape { max_len, far } = Shape::of(&hir);
        writeln!(
            out,
            "    ({p:?}, {lits}, Shape {{ max_len: {max_len:?}, far: {far} }}, {suffixes}),"
        )
        .expect("write to a String");
    }
    out.push_str("];\n");
    out
}

#[cfg(test)]
mod tests {
    use super::{for_user_pattern, from_hir, may_scan_far, non_ascii_fold, parse};

    /// `for_user_pattern` relies on this: under `(?i)`, an ASCII character matches itself, its
    /// ASCII case pair and at most the one non-ASCII character `non_ascii_fold` names.
    #[test]
    fn ascii_case_folds_are_known() {
        for b in 0x20u8..0x7f {
            let c = b as char;
            let re = regex::Regex::new(&format!("^(?i:{})$", regex::escape(&c.to_string())))
                .expect("regex");
            let matched: Vec<char> = (0..0x11_0000u32)
                .filter_map(char::from_u32)
                .filter(|&x| !x.is_ascii() && re.is_match(&x.to_string()))
                .collect();
            let expected: Vec<char> = non_ascii_fold(b)
                .map(|v| v.chars().collect())
                .unwrap_or_default();
            assert_eq!(matched, expected, "{c:?}");
        }
    }

    /// The cheaper literals of user patterns are prefixes of every match, like `from_hir`'s.
    #[test]
    fn user_pattern_literals_start_every_match() {
        let cases = [
            (
                r"(?i:\bkalomir[- ](cluster|service)s?\b)",
                "a KALOMIR clu\u{17f}ter, kalomir-service",
            ),
            (r"(?i:\bsks\b)", "\u{17f}\u{212a}\u{17f} SKS sks"),
            (
                r"(?i:\b(kubeflow|kube-flow)\b)",
                "\u{212a}ubeflow KUBE-FLOW",
            ),
            ("(?i:caf\u{e9})", "CAF\u{c9} caf\u{e9}"),
            (r"(?i:a)(?i:b)", "ab AB"),
            (r"\bGPU\b", "GPU gpu"),
        ];
        for (p, text) in cases {
            let lits = for_user_pattern(p).expect("parses").expect("literals");
            let re = regex::Regex::new(p).expect("regex");
            let mut n = 0;
            for m in re.find_iter(text) {
                n += 1;
                let at = text.as_bytes()[m.start()..].to_ascii_lowercase();
                assert!(
                    lits.iter().any(|l| at.starts_with(l)),
                    "{p} at {:?}: {lits:?}",
                    m.as_str()
                );
            }
            assert!(n > 0, "{p} should match {text:?}");
        }
    }

    fn lits(pattern: &str) -> Option<Vec<String>> {
        from_hir(&parse(pattern).expect("pattern")).map(|v| {
            v.into_iter()
                .map(|l| String::from_utf8_lossy(&l).into_owned())
                .collect()
        })
    }

    #[test]
    fn literals_are_lowercase_short_and_minimal() {
        assert_eq!(lits(r"(?i:\bgpus?\b)"), Some(vec!["gpu".into()]));
        // An optional part gives both starts; `ſ` (long s) folds to `s`, so it has its own.
        let staff = lits(r"(?i:\b(research )?staff\b)").expect("literals");
        for start in ["research staff", "staff", "\u{17f}taff"] {
            assert!(
                staff
                    .iter()
                    .any(|l| l.len() >= 3 && start.starts_with(l.as_str())),
                "a literal starting {start:?} in {staff:?}"
            );
        }
        assert!(staff.iter().all(|l| l.len() <= super::MAX_LEN));
        for a in &staff {
            assert!(
                !staff.iter().any(|b| b != a && b.starts_with(a.as_str())),
                "{staff:?}"
            );
        }
        // Case folding beyond ASCII is kept as its own literal.
        let kelvin = lits(r"(?i:kb)").expect("literals");
        assert!(kelvin.contains(&"kb".to_owned()));
        assert!(kelvin.contains(&"\u{212a}b".to_owned()), "{kelvin:?}");
    }

    #[test]
    fn patterns_without_useful_literals_go_to_the_fallback() {
        assert_eq!(lits(r"(?i:[^.;]{0,30}gpu)"), None);
        assert_eq!(lits(r"\w+ing"), None);
        assert_eq!(lits(r"\b(I|I'd)\b"), None, "one-byte literal");
        assert_eq!(lits(r"[^\x00-\x{10FFFF}]"), None, "never matches");
    }

    #[test]
    fn table_lookups_without_formatting_find_the_same_entries() {
        for (p, ..) in super::super::prefix_table::TABLE {
            let i = super::table_index(p);
            assert!(i.is_some());
            assert_eq!(super::table_index_of(p, true), i);
            if let Some(inner) = p.strip_prefix("(?i:").and_then(|x| x.strip_suffix(')')) {
                assert_eq!(super::table_index_of(inner, false), i, "{p}");
            }
        }
        assert_eq!(super::table_index_of("no such pattern", false), None);
        assert_eq!(super::table_index_of("", false), None);
    }

    /// The table of precomputed literals must be what `from_hir` computes for the embedded
    /// patterns today. The test only checks; `cargo run --example prefix_table` rewrites it.
    #[test]
    fn prefix_table_is_current() {
        let want = crate::rules::prefix_table_source().expect("rules");
        let have = include_str!("prefix_table.rs");
        assert!(
            have == want,
            "src/rules/prefix_table.rs is out of date: run `cargo run --example prefix_table` and commit it"
        );
    }

    /// A default pattern without prefix literals cannot be skipped by the prefilter: it is
    /// searched in every text, and costs every cold start (round 14 found one led by `\w`).
    /// These are the ones known; a new one should start at a word of its own, or be added
    /// here with the reason it cannot.
    #[test]
    fn few_default_patterns_lack_prefix_literals() {
        let known = [
            // The admin-audience exclusion and the proposal cue open with an alternation of
            // many phrases, some led by a class.
            "(?i)\\b(?:(for|to) (the )?(admin",
            "(?i:(?i)(\\b(should(n't| not)?|must",
            "(?i:(?i)\\b(?:(for|to) (the )?(admin",
            // Counts led by `\d+`.
            "(?i:\\b(\\d+|one|two|three|four|five) containers? (per",
            "(?i:\\b(\\d+|one|two|three|four|five)[- ]containers?[- ]",
            // A job's or run's GPU count ("a 4-GPU job"), led by its digits.
            "(?i:\\b([0-9]+|one|two|three|four|eight|a single)[- ]gpus? (jobs?",
            // Too short or too many case variants to be useful.
            "(?i:\\b(oom|out[- ]of[- ]memory)",
            "(?i:\\b(rais(e|es|ed|ing)|bump",
            "\\bI\\b",
        ];
        let lacking: Vec<&str> = super::super::prefix_table::TABLE
            .iter()
            .filter(|e| e.1.is_none())
            .map(|e| e.0)
            .filter(|p| !known.iter().any(|k| p.starts_with(k)))
            .collect();
        assert!(
            lacking.is_empty(),
            "default patterns without prefix literals (searched in every text): {lacking:?}"
        );
    }

    #[test]
    fn patterns_that_may_scan_past_a_word() {
        let far = |p: &str| may_scan_far(&parse(p).expect("pattern"));
        for p in [
            r"gpu.*cluster",
            r"(?i:\bgpu\b.*\bcluster\b)",
            r"(?s)gpu.+?x",
            r"kill[^.;]*idle",
            r"a\s*b",
            r"(gpu )+queue",
            r"gpu[^ \n]*cluster",
            r"gpu[^\n]+x",
            r"(?:x(?:y.*))?z",
        ] {
            assert!(far(p), "{p} may scan far");
        }
        for p in [
            r"(?i:\b(hand|give|grab|take|get)\w* (my |the )?(gpu|card)s?\b)",
            r"(?i:\b(cut off|kill\w*|reap\w*)\b[^.;]{0,40}\b(idle|timeout)\b)",
            r"--[a-z][a-z-]{2,}\b",
            r"(?-u:\w+)x",
            r"gpu",
        ] {
            assert!(!far(p), "{p} stops within a word or a bounded window");
        }
    }
}
