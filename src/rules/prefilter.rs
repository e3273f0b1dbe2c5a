//! The prefilter: one pass over a text says which patterns may match and where.
//!
//! Nearly every pattern has a small set of prefix literals (see `literals`): one Aho-Corasick
//! automaton over all of them (overlapping matches, ASCII case ignored) gives, per pattern,
//! the offsets where one of its literals starts. The analyzer then runs the pattern's real
//! regex anchored at those offsets only ([`Candidates::matches`]), which finds exactly the
//! matches `find_iter` would, without scanning the text once per pattern. With the literals of
//! the embedded rules precomputed, start-up builds no regex at all for the prefilter. When the
//! anchored searches of a pattern keep failing (32 times, or twice for a pattern that may scan
//! past a word, like `gpu.*cluster`), its regex searches the rest of the text itself, with a
//! literal prefilter of its own ([`crate::rules::LazyRegex::searcher`]).
//!
//! Patterns without useful literals (`[^.;]{0,30}gpu`, `\b(I|I'd)\b`) fall back to lazy DFAs
//! that only say "may match somewhere"; the regex then searches the whole text. Those DFAs
//! are built from a byte-level superset of each pattern: the rewrite works on the parsed
//! pattern (`regex_syntax::hir`), so it sees exactly what the regex engine sees (flags, nested
//! and negated classes, set operations, case folding): every assertion (`\b`, `^`, `$`, ...)
//! is dropped, which only widens a pattern, and every character class keeps its ASCII part
//! while any non-ASCII member becomes "any one UTF-8 encoded non-ASCII character" (a lead
//! byte and up to three continuation bytes). Literals stay their UTF-8 bytes. So `(?i)k`
//! (which also matches the Kelvin sign), `\pL`, `[^\w]` or `a\w?b` on "aéb" are all covered.
use std::sync::Mutex;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::meta;
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::{Anchored, Input, Match, MatchKind, PatternSet};
use regex_syntax::hir::{Class, ClassBytes, ClassBytesRange, Hir, HirKind, Repetition};

use crate::rules::LazyRegex;

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
    super::literals::parse(pattern).map(|h| widen(&h))
}

/// Patterns per automaton. One lazy DFA over all ~550 patterns thrashed its cache on long
/// inputs (measured: 500 KB of keyword-dense text in 3.9 s); groups of 64 keep each DFA's
/// state count small (44 ms for the same text) at the same build cost.
const GROUP: usize = 64;
/// Cache per group's lazy DFA; it grows only as far as an input needs.
const CACHE: usize = 16 << 20;
/// At most this many candidate starts are kept per pattern; past them, the pattern's own
/// regex searches the rest of the text (see [`Candidates`]), so the memory of a scan stays
/// bounded on a 4 MiB input made of one keyword.
const MAX_STARTS: usize = 256;

/// After this many anchored searches of one pattern found no match in a text, the pattern's
/// regex searches the rest of the text itself. A failed anchored search is cheap when the
/// pattern's matches are short, but one like `\bgpu\w*` still reads to the end of a long
/// token, and many misses mean the search of the rest is the cheaper way; on the 10 MB corpus the bound is reached for 1.9% of (pattern,
/// file) pairs, at no measurable cost (16: 4.1%, 0.18 s; 64: 0.14%, 0.46 s).
const MAX_MISSES: usize = 32;
/// The same bound for a pattern that may scan past a word (`gpu.*cluster`, `kill[^.]*idle`):
/// each of its failed anchored searches may run to the end of the line (of the text, with
/// `(?s)`), as far as the search of the rest. On one 4 MB line of "gpu ", `gpu.*cluster` took
/// 0.77 s with 32 anchored misses and 0.16 s with 2 (`find_iter` alone: 0.19 s); with no
/// bound, 1.8 s.
const MAX_MISSES_FAR: usize = 2;

/// One group: a forward lazy DFA and its cache.
#[derive(Debug)]
struct Group {
    dfa: DFA,
    cache: Mutex<Cache>,
}

/// The literal part: one automaton over the prefix literals of every pattern that has them.
#[derive(Debug)]
struct Literals {
    automaton: Automaton,
    /// The patterns literal `i` of the automaton starts: `owners[owner_at[i]..owner_at[i + 1]]`.
    owner_at: Vec<usize>,
    owners: Vec<usize>,
}

/// Where the literals are searched.
#[derive(Debug)]
enum Automaton {
    /// The automaton `build.rs` built over every literal of the embedded patterns (see
    /// `prefix_automaton`): when every pattern is an embedded one, nothing is built at start.
    Embedded,
    /// Built at load: Aho-Corasick over the literals of these patterns.
    Built(AhoCorasick),
}

impl Literals {
    /// Every occurrence of every literal in `text`, as (literal, start), in the order of
    /// Aho-Corasick's overlapping search.
    fn for_each_match(&self, text: &str, mut found: impl FnMut(usize, usize, usize)) {
        match &self.automaton {
            Automaton::Embedded => super::prefix_automaton::for_each_match(text.as_bytes(), found),
            Automaton::Built(ac) => {
                for m in ac.find_overlapping_iter(text) {
                    found(m.pattern().as_usize(), m.start(), m.end());
                }
            }
        }
    }
}

/// The compiled prefilter. Patterns with prefix literals (nearly all of the defaults) are
/// found by one Aho-Corasick pass that also says where each may start; the others go through
/// a few lazy DFAs, which only say whether each may match somewhere.
#[derive(Debug)]
pub(crate) struct Prefilter {
    patterns: usize,
    literals: Option<Literals>,
    /// The patterns without literals, in the order of `groups`.
    fallback: Vec<usize>,
    groups: Vec<Group>,
}

/// Where one pattern may match in a text.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Candidates<'s> {
    /// Only at these byte offsets (sorted, possibly repeated), and, when `rest` is set, also
    /// anywhere from `rest` on (more starts were found than were kept).
    At {
        starts: &'s [usize],
        rest: Option<usize>,
        /// Whether the whole text is ASCII: the anchored searches may then use the pattern's
        /// ASCII automaton ([`crate::rules::LazyRegex::anchored`]).
        ascii: bool,
    },
    /// Anywhere.
    Anywhere,
}

/// The result of scanning one text: the candidates of every pattern that may match. Only the
/// patterns with a literal in the text have an entry, so a scan costs what the text holds,
/// not the size of the rule set (5,000 user rules have 15,000 patterns, and the self-test of
/// their examples scans 20,000 short texts).
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// Per pattern with a literal start, sorted by pattern: the pattern, the starts of its
    /// literals in text order, and the smallest start that was not kept, if any was dropped.
    found: Vec<(usize, std::ops::Range<usize>, Option<usize>)>,
    /// The kept starts of every pattern of `found`, each pattern's in its range.
    starts: Vec<usize>,
    /// Fallback patterns that may match, sorted.
    anywhere: Vec<usize>,
    /// Whether the text is ASCII.
    ascii: bool,
    /// Every occurrence of a literal of the embedded automaton, as (end, start, literal id), by
    /// end: where an exclusion's literals occur ([`Scan::literal_within`]). Empty when the
    /// automaton was built at load (its ids are not the embedded ones) or past
    /// [`MAX_EVENTS`], and then `events_ok` is false.
    events: Vec<(usize, usize, u16)>,
    events_ok: bool,
}

/// At most this many literal occurrences are kept per scan for [`Scan::literal_within`], so a
/// long text of one keyword does not keep one entry per word; past them, callers look at the
/// text instead. The 10 MB corpus has ~1,050 per file.
const MAX_EVENTS: usize = 1 << 16;

impl Scan {
    /// Whether one of the embedded automaton's literals `ids` (sorted) occurs wholly inside
    /// `text[start..end]`, ASCII case ignored; `None` when the scan cannot tell (see
    /// `events`).
    pub(crate) fn literal_within(&self, ids: &[u16], start: usize, end: usize) -> Option<bool> {
        if !self.events_ok {
            return None;
        }
        let from = self.events.partition_point(|e| e.0 <= start);
        Some(
            self.events[from..]
                .iter()
                .take_while(|e| e.0 <= end)
                .any(|e| e.1 >= start && ids.binary_search(&e.2).is_ok()),
        )
    }

    /// The patterns that may match, in pattern order, with their candidates.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (usize, Candidates<'_>)> + '_ {
        let mut found = self.found.iter().peekable();
        let mut anywhere = self.anywhere.iter().copied().peekable();
        std::iter::from_fn(move || {
            let next_found = found.peek().map(|(p, _, _)| *p);
            match (next_found, anywhere.peek().copied()) {
                (None, None) => None,
                (Some(f), Some(a)) if a <= f => {
                    anywhere.next();
                    if a == f {
                        // A pattern is in one of the two lists only; be safe all the same.
                        found.next();
                    }
                    Some((a, Candidates::Anywhere))
                }
                (None, Some(a)) => {
                    anywhere.next();
                    Some((a, Candidates::Anywhere))
                }
                (Some(_), _) => {
                    let (p, range, rest) = found.next()?;
                    Some((
                        *p,
                        Candidates::At {
                            starts: &self.starts[range.clone()],
                            rest: *rest,
                            ascii: self.ascii,
                        },
                    ))
                }
            }
        })
    }
}

/// (index in `found`, start) of every kept start of a scan, and per entry of `found` how many.
type KeptStarts = (Vec<(u32, usize)>, Vec<u32>);

thread_local! {
    /// Per pattern, 1 + its index in the scan being built (0: none yet). Kept between scans
    /// and reset entry by entry, so a scan does not clear one slot per pattern of the set.
    static SLOTS: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
    /// The kept starts and their counts of [`Prefilter::scan`], emptied after each scan but
    /// kept allocated: grown from nothing for every file, they were 1.5% of the instructions
    /// of the generated corpus.
    static KEPT: std::cell::RefCell<KeptStarts> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
    /// How many literal occurrences and patterns the previous scan of this thread found per
    /// KiB of text (at least 1): the next scan reserves that much, rather than growing its
    /// vectors from nothing.
    static DENSITY: std::cell::Cell<(usize, usize)> = const { std::cell::Cell::new((1, 1)) };
}

impl Candidates<'_> {
    /// The matches of `re` (the pattern these candidates belong to) in `text`: exactly those
    /// of its `find_iter(text)`, found by anchored searches at the candidate starts instead of
    /// a scan. Every match starts with one of the pattern's literals, so the leftmost match at
    /// or after a position is the anchored match at the first candidate start that has one.
    pub(crate) fn matches<'a>(
        self,
        re: &'a LazyRegex,
        text: &'a str,
    ) -> Box<dyn Iterator<Item = Match> + 'a>
    where
        Self: 'a,
    {
        match self {
            Candidates::Anywhere => match re.short_matches(text, usize::MAX) {
                // A short text: anchored searches at every position, rather than compiling
                // the searcher (see `LazyRegex::short_matches`).
                Some(found) => Box::new(
                    found
                        .into_iter()
                        .map(|(s, e)| Match::new(regex_automata::PatternID::ZERO, s..e)),
                ),
                None => Box::new(re.searcher().find_iter(text)),
            },
            Candidates::At {
                starts,
                rest,
                ascii,
            } => {
                // A pattern not compiled yet whose suffix literals do not occur cannot match:
                // it stays uncompiled (compiling was most of a sentence's analysis). Once
                // built, its anchored searches answer as cheaply as this check.
                if !re.forward_built(ascii) && !re.may_match(text) {
                    return Box::new(std::iter::empty());
                }
                let limit = rest.unwrap_or(usize::MAX);
                let mut last_end = 0;
                let mut starts = starts.iter().copied().filter(move |&s| s < limit);
                // Where the regex takes over with its own search: past the kept starts, or
                // after too many anchored searches found nothing.
                let mut tail_from = rest;
                let mut tail: Option<meta::FindMatches<'a, 'a>> = None;
                let mut tried = usize::MAX;
                let mut misses = 0;
                let shape = re.shape();
                let mut searches = re.anchored(ascii);
                Box::new(std::iter::from_fn(move || {
                    if tail.is_none() {
                        for s in starts.by_ref() {
                            if s < last_end || s == tried {
                                continue;
                            }
                            tried = s;
                            // No match is longer than `max_len`, and look-around sees past the
                            // end of the range, so the range changes nothing but the cost: no
                            // engine reads more than one character past it (where the lazy DFA
                            // gives up on a Unicode `\b` in non-ASCII text, the one-pass DFA or
                            // the PikeVM takes over, within the range).
                            let end = shape
                                .max_len
                                .map_or(text.len(), |m| s.saturating_add(m).min(text.len()));
                            // A start where no match can begin counts as a failed search.
                            if !re.cannot_start_at(text.as_bytes(), s) {
                                let input = Input::new(text).range(s..end).anchored(Anchored::Yes);
                                if let Some(m) = searches.search(&input) {
                                    last_end = m.end();
                                    return Some(m);
                                }
                            }
                            misses += 1;
                            // A pattern with a longest match reads at most that far per miss,
                            // so its misses stay cheap and it keeps to its starts: the search
                            // of the rest would run the same lazy DFA at each of its literals'
                            // occurrences, after a prefilter pass over the rest of the text.
                            let bound = if shape.max_len.is_some() {
                                usize::MAX
                            } else {
                                MAX_MISSES
                            };
                            if misses == bound || (misses == MAX_MISSES_FAR && shape.far) {
                                // Every start up to `s` has been tried.
                                let next = text[s..].chars().next().map_or(1, char::len_utf8);
                                tail_from = Some(s + next);
                                break;
                            }
                        }
                    }
                    let from = tail_from?.max(last_end);
                    if from > text.len() {
                        return None;
                    }
                    tail.get_or_insert_with(|| {
                        re.searcher().find_iter(Input::new(text).range(from..))
                    })
                    .next()
                }))
            }
        }
    }
}

impl Prefilter {
    /// Scan `text` once: which patterns may match it, and where.
    pub(crate) fn scan(&self, text: &str) -> Scan {
        let mut scan = Scan {
            ascii: text.is_ascii(),
            ..Scan::default()
        };
        if let Some(lit) = &self.literals {
            SLOTS.with(|slots| {
                let mut slots = slots.borrow_mut();
                if slots.len() < self.patterns {
                    slots.resize(self.patterns, 0);
                }
                let found = &mut scan.found;
                let embedded = matches!(lit.automaton, Automaton::Embedded);
                let events = &mut scan.events;
                let mut events_ok = embedded;
                // (index in `found`, start) of every kept start, in the automaton's order, and
                // per entry of `found` how many were kept: placed in one flat vector after the
                // pass, rather than pushed into a vector per pattern (whose growth was 4% of
                // the instructions of the 10 MB corpus).
                let mut reused = KEPT.with(|k| std::mem::take(&mut *k.borrow_mut()));
                let (kept, counts) = (&mut reused.0, &mut reused.1);
                kept.clear();
                counts.clear();
                let kib = text.len() / 1024 + 1;
                let (per_kib_events, per_kib_found) = DENSITY.get();
                if embedded {
                    events.reserve((per_kib_events * kib).min(MAX_EVENTS));
                }
                found.reserve((per_kib_found * kib).min(self.patterns));
                lit.for_each_match(text, |i, start, end| {
                    if events_ok {
                        if events.len() < MAX_EVENTS {
                            // Literal ids fit u16 (`build.rs` checks it).
                            events.push((end, start, i as u16));
                        } else {
                            events_ok = false;
                            events.clear();
                        }
                    }
                    for &p in &lit.owners[lit.owner_at[i]..lit.owner_at[i + 1]] {
                        let slot = &mut slots[p];
                        // A slot left over by a scan that panicked points at no entry of this
                        // one: checked, it is simply taken anew.
                        if found.get(slot.wrapping_sub(1)).is_none_or(|e| e.0 != p) {
                            found.push((p, 0..0, None));
                            counts.push(0);
                            *slot = found.len();
                        }
                        let entry = *slot - 1;
                        if (counts[entry] as usize) < MAX_STARTS {
                            counts[entry] += 1;
                            kept.push((entry as u32, start));
                        } else {
                            let rest = found[entry].2.get_or_insert(start);
                            *rest = (*rest).min(start);
                        }
                    }
                });
                for (p, _, _) in found.iter() {
                    slots[*p] = 0;
                }
                scan.events_ok = events_ok;
                // Counting sort of the kept starts by entry, each entry's in the pass's order.
                let mut at = 0;
                for ((_, range, _), &n) in found.iter_mut().zip(counts.iter()) {
                    *range = at..at;
                    at += n as usize;
                }
                scan.starts.resize(at, 0);
                for &(entry, start) in kept.iter() {
                    let range = &mut found[entry as usize].1;
                    scan.starts[range.end] = start;
                    range.end += 1;
                }
                KEPT.with(|k| *k.borrow_mut() = reused);
                DENSITY.set((
                    (scan.events.len() / kib).max(1),
                    (scan.found.len() / kib).max(1),
                ));
            });
            // Overlapping matches come in order of their ends; literals of different lengths
            // can put starts slightly out of order.
            for (_, range, _) in &scan.found {
                scan.starts[range.clone()].sort_unstable();
            }
            scan.found.sort_unstable_by_key(|(p, _, _)| *p);
        }
        scan.anywhere = self.fallback_matches(text);
        scan
    }

    /// Indices of the patterns that may match somewhere in `text`.
    pub(crate) fn matches(&self, text: &str) -> Vec<usize> {
        self.scan(text).iter().map(|(p, _)| p).collect()
    }

    /// The fallback patterns (those without literals) that may match `text`, sorted.
    fn fallback_matches(&self, text: &str) -> Vec<usize> {
        let input = Input::new(text.as_bytes());
        let mut out = Vec::new();
        let mut offset = 0;
        for g in &self.groups {
            let len = g.dfa.pattern_len();
            let ids = &self.fallback[offset..offset + len];
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
                Ok(()) => out.extend(set.iter().map(|p| ids[p.as_usize()])),
                // The DFA has no quit bytes and never gives up, so this does not happen; if it
                // did, "every pattern may match" is still a correct prefilter answer.
                Err(_) => out.extend_from_slice(ids),
            }
            offset += len;
        }
        out.sort_unstable();
        out
    }
}

/// The prefilter of `patterns`, none of whose literals is known (see [`build_known`]).
#[cfg(test)]
pub(crate) fn build(patterns: &[String], size_limit: usize) -> Result<Prefilter, String> {
    // An effective pattern is its own source, as for a case-sensitive rule.
    let patterns: Vec<(&str, bool)> = patterns.iter().map(|p| (p.as_str(), true)).collect();
    build_known(&patterns, |_| None, size_limit)
}

/// Build the prefilter from the patterns, each as (source, case-sensitive): see
/// `rules::effective_pattern`. (The effective patterns are formatted only where needed: one
/// string per pattern at every start was 1.1M instructions.)
///
/// Patterns with prefix literals (see `literals`) share one Aho-Corasick automaton, ASCII case
/// ignored, overlapping matches; for the embedded rules their literals are precomputed, so no
/// pattern is parsed at start-up. The rest each get a forward lazy DFA per group over a
/// Thompson NFA without capture states; nothing else is compiled for them (no reverse NFA, no
/// one-pass or backtracking engine), since all we ask is which patterns match. Groups are
/// independent, so when there are several they are built on two threads.
///
/// `known(i)` gives the literals of pattern `i` when validation already extracted them (as
/// `literals::for_user_pattern` does); the others not in the table are extracted here.
pub(crate) fn build_known(
    patterns: &[(&str, bool)],
    known: impl Fn(usize) -> Option<Option<Vec<Vec<u8>>>>,
    size_limit: usize,
) -> Result<Prefilter, String> {
    use super::literals;
    let entries: Vec<Option<usize>> = patterns
        .iter()
        .map(|&(source, case_sensitive)| literals::table_index_of(source, case_sensitive))
        .collect();
    build_with_entries(patterns, &entries, known, size_limit)
}

/// [`build_known`] with each pattern's entry in `prefix_table.rs` (`literals::table_index_of`)
/// known already: the snapshot of the embedded rules holds them (see `snapshot.rs`).
pub(crate) fn build_with_entries(
    patterns: &[(&str, bool)],
    entries: &[Option<usize>],
    known: impl Fn(usize) -> Option<Option<Vec<Vec<u8>>>>,
    size_limit: usize,
) -> Result<Prefilter, String> {
    use super::literals;
    let effective = |p: usize| super::effective_pattern(patterns[p].0, patterns[p].1);
    let literals = if entries.iter().all(Option::is_some) {
        // Every pattern is an embedded one: their literals are all in the automaton `build.rs`
        // built, and only which patterns each literal starts is left to do.
        let mut pairs: Vec<(u16, usize)> = Vec::new();
        let mut fallback = Vec::new();
        for (p, entry) in entries.iter().enumerate() {
            let entry = entry.unwrap_or_default();
            let ids = super::prefix_automaton::entry_literals(entry);
            if literals::precomputed_at(entry).is_some() {
                pairs.extend(ids.iter().map(|&id| (id, p)));
            } else {
                fallback.push(p);
            }
        }
        // Grouped by literal id, each group in pattern order (`pairs` is in pattern order): a
        // counting sort, where sorting the pairs cost 0.65M instructions of every start.
        let count = super::prefix_automaton::literal_count();
        let mut owner_at = vec![0usize; count + 1];
        for &(id, _) in &pairs {
            owner_at[usize::from(id) + 1] += 1;
        }
        for i in 0..count {
            owner_at[i + 1] += owner_at[i];
        }
        let mut next = owner_at.clone();
        let mut owners = vec![0usize; pairs.len()];
        for &(id, p) in &pairs {
            owners[next[usize::from(id)]] = p;
            next[usize::from(id)] += 1;
        }
        let literals = (!pairs.is_empty()).then_some(Literals {
            automaton: Automaton::Embedded,
            owner_at,
            owners,
        });
        (literals, fallback)
    } else {
        let patterns: Vec<String> = (0..patterns.len()).map(effective).collect();
        built_literals(&patterns, known)?
    };
    let (literals, fallback) = literals;
    let chunks: Vec<Vec<String>> = fallback
        .chunks(GROUP)
        .map(|c| c.iter().map(|&p| effective(p)).collect())
        .collect();
    let groups = build_groups(&chunks, size_limit)?;
    Ok(Prefilter {
        patterns: patterns.len(),
        literals,
        fallback,
        groups,
    })
}

/// The literal part built at load, when some pattern is not an embedded one: the literals of
/// the patterns that have them in one Aho-Corasick automaton; and the patterns without.
fn built_literals(
    patterns: &[String],
    known: impl Fn(usize) -> Option<Option<Vec<Vec<u8>>>>,
) -> Result<(Option<Literals>, Vec<usize>), String> {
    let mut pairs: Vec<(std::borrow::Cow<'static, [u8]>, usize)> = Vec::new();
    let mut fallback = Vec::new();
    for (p, pattern) in patterns.iter().enumerate() {
        match super::literals::precomputed(pattern) {
            Some(Some(lits)) => pairs.extend(lits.iter().map(|l| ((*l).into(), p))),
            Some(None) => fallback.push(p),
            None => {
                match known(p).map_or_else(|| super::literals::for_user_pattern(pattern), Ok)? {
                    Some(lits) => pairs.extend(lits.into_iter().map(|l| (l.into(), p))),
                    None => fallback.push(p),
                }
            }
        }
    }
    if pairs.is_empty() {
        return Ok((None, fallback));
    }
    pairs.sort_unstable();
    let mut lits: Vec<&[u8]> = Vec::new();
    let mut owner_at = Vec::new();
    let mut owners = Vec::with_capacity(pairs.len());
    for (lit, p) in &pairs {
        if lits.last() != Some(&&**lit) {
            lits.push(lit);
            owner_at.push(owners.len());
        }
        owners.push(*p);
    }
    owner_at.push(owners.len());
    let ac = AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::Standard)
        .ascii_case_insensitive(true)
        // A DFA searched no faster on the 10 MB corpus and took four times as long to
        // build (40M instructions against 10M, at every start).
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(&lits)
        .map_err(|e| e.to_string())?;
    Ok((
        Some(Literals {
            automaton: Automaton::Built(ac),
            owner_at,
            owners,
        }),
        fallback,
    ))
}

/// Build the lazy DFAs of the fallback patterns, group by group, on two threads when there
/// is more than one group.
fn build_groups(chunks: &[Vec<String>], size_limit: usize) -> Result<Vec<Group>, String> {
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
    built.into_iter().map(|(_, g)| g).collect()
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
mod anchored {
    use super::build;
    use crate::rules::LazyRegex;

    type Spans = Vec<(usize, usize)>;

    /// A pattern's matches through its candidates, and through its own `find_iter`.
    fn both(pattern: &str, text: &str) -> (Spans, Spans) {
        let pre = build(&[pattern.to_owned()], 1 << 24).expect("prefilter builds");
        let re = LazyRegex::new(pattern.to_owned(), true);
        let scan = pre.scan(text);
        let via: Vec<(usize, usize)> = scan
            .iter()
            .flat_map(|(_, c)| c.matches(&re, text).map(|m| (m.start(), m.end())))
            .collect();
        let direct = regex::Regex::new(pattern)
            .expect("pattern")
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect();
        (via, direct)
    }

    #[test]
    fn anchored_searches_find_what_find_iter_finds() {
        let cases = [
            (r"(?i:\bgpus?\b)", "GPU gpus gpuss xgpu gpu."),
            // Overlapping candidates: the second `aa` starts inside the first match.
            (r"aa(a)?", "aaaa aaa"),
            (r"(?i:\b(research )?staff\b)", "research staff and staff"),
            (r"(?i:kb\b)", "\u{212a}B and kb"),
            // Leftmost-first: the first alternative wins at the same start.
            (r"(?i:gpu|gpu cluster)", "a gpu cluster"),
            // Searches end after the longest possible match, but `\b` and `$` still see the
            // text past that point: no match at "gpué" or "gpusK" (Kelvin), one at the end.
            (r"(?i:\bgpus?\b)", "gpué gpus\u{212a} gpu\u{17f}é gpuſ"),
            (r"(?i:\bgpus?$)", "gpus gpus"),
            (r"(?m:\bgpu$)", "gpu\ngpux\ngpu"),
            (r"(?i:gpus?|gpu cluster)", "gpu clusterx"),
        ];
        for (p, text) in cases {
            let (via, direct) = both(p, text);
            assert!(!direct.is_empty(), "{p} should match {text:?}");
            assert_eq!(via, direct, "{p} on {text:?}");
        }
    }

    #[test]
    fn past_the_kept_starts_the_regex_searches_the_rest() {
        // 400 candidate starts that all fail (`\b`), then one real match: more starts than
        // are kept, so the real match is found by the search of the rest.
        let text = format!("{}gpu", "gpux ".repeat(400));
        let (via, direct) = both(r"(?i:\bgpu\b)", &text);
        assert_eq!(direct, [(text.len() - 3, text.len())]);
        assert_eq!(via, direct);
        let text = format!("{}gpux", "gpu ".repeat(400));
        let (via, direct) = both(r"(?i:\bgpu\b)", &text);
        assert_eq!(direct.len(), 400);
        assert_eq!(via, direct);
    }

    #[test]
    fn after_many_misses_the_regex_searches_the_rest() {
        // More failed anchored searches than MAX_MISSES, then matches, some right after.
        let misses = "gpux ".repeat(super::MAX_MISSES + 8);
        for text in [
            format!("{misses}gpu"),
            format!("gpu {misses}gpu gpux gpu"),
            format!("{misses}é gpu"),
            format!("{}gpu", "gpuxé ".repeat(super::MAX_MISSES)),
        ] {
            let (via, direct) = both(r"(?i:\bgpu\b)", &text);
            assert!(!direct.is_empty());
            assert_eq!(via, direct, "{text:?}");
        }
        let text = format!("{}cluster", "gpu ".repeat(100));
        let (via, direct) = both(r"gpu.*cluster", &text);
        assert_eq!(via, direct);
        // A pattern that may scan far gives up on anchored searches after MAX_MISSES_FAR: the
        // matches around and after that point are the same.
        for text in [
            "gpu x\ngpu y\ngpu cluster gpu z\ngpu cluster".to_owned(),
            "gpu\ngpu\ngpu\ncluster gpu cluster".to_owned(),
            format!(
                "{}gpu é cluster",
                "gpu é\n".repeat(super::MAX_MISSES_FAR + 1)
            ),
            format!(
                "{}gpu gpu cluster\n",
                "gpu\n".repeat(super::MAX_MISSES_FAR - 1)
            ),
        ] {
            let (via, direct) = both(r"(?i:\bgpu\b.*\bcluster\b)", &text);
            assert!(!direct.is_empty());
            assert_eq!(via, direct, "{text:?}");
        }
    }

    /// Every example text of every rule, must-match and must-not-match.
    pub(super) fn example_texts(set: &crate::rules::RuleSet) -> Vec<String> {
        set.rules
            .iter()
            .flat_map(|r| r.examples_match.iter().chain(&r.examples_no_match))
            .map(ToString::to_string)
            .collect()
    }

    /// On the rule examples, each alone and all joined, and on texts long enough to overflow
    /// the kept starts, every pattern's matches through the prefilter are exactly its
    /// `find_iter` matches, and a pattern the prefilter leaves out has none.
    #[test]
    fn default_patterns_match_the_same_through_the_prefilter() {
        let set = crate::rules::defaults().expect("rules");
        let mut texts = example_texts(set);
        let joined = texts.join(". ");
        texts.push(joined.repeat(3));
        for text in &texts {
            let through = set.candidate_matches(text);
            for (r, rule) in set.rules.iter().enumerate() {
                for (p, pattern) in rule.patterns.iter().enumerate() {
                    let direct: Vec<_> = pattern
                        .regex()
                        .find_iter(text.as_str())
                        .map(|m| m.range())
                        .collect();
                    let via = through
                        .iter()
                        .find(|(k, _)| *k == (r, p))
                        .map(|(_, m)| m.clone())
                        .unwrap_or_default();
                    assert_eq!(via, direct, "`{}` of `{}`", pattern.source, rule.id);
                }
            }
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
        let texts: Vec<&crate::rules::Text> = set
            .rules
            .iter()
            .flat_map(|r| r.examples_match.iter().chain(&r.examples_no_match))
            .collect();
        for text in texts {
            let reported = set.set.matches(text);
            for (idx, &(r, p)) in set.owners.iter().enumerate() {
                let real = set.rules[r].patterns[p].regex().is_match(&**text);
                assert!(
                    !real || reported.contains(&idx),
                    "prefilter misses `{}` on {text:?}",
                    set.rules[r].patterns[p].source
                );
            }
        }
    }
}

#[cfg(test)]
mod adversarial {
    //! Adversarial patterns and texts: look-around, optional and repeated parts, flags toggled
    //! inside, Unicode case folding (Kelvin sign, long s, dotted and dotless i, final sigma),
    //! literals cut inside a UTF-8 character, leftmost-first alternations, more candidate starts
    //! than are kept. Through the prefilter, every pattern must match exactly what the regex
    //! crate's `find_iter` matches, and a pattern that matches must be reported.
    use super::build;
    use crate::rules::{LazyRegex, effective_pattern, literals};
    use proptest::prelude::*;
    use regex_syntax::hir::{Class, Hir, HirKind};

    type Spans = Vec<(usize, usize)>;

    /// Pattern pieces of at least two bytes, so that most patterns have literals.
    const WORDS: &[&str] = &[
        "gpu",
        "gpus",
        "gpu cluster",
        "mig",
        "kb",
        "ks",
        "is",
        "si",
        "ss",
        "staff",
        "ab",
        "aa",
        "日本",
        "xy",
        "abcdefghij",
        "aéééé",
        "a\u{212a}bcdefg",
        "ǅx",
        "ﬀi",
        "ωσ",
        "ſt",
        "kelvin",
        "ßs",
        "İi",
        "ı i",
        "éé",
        "gp",
        "gpu-",
        "k\u{212a}k",
        "ssss",
        "日本語",
    ];
    /// Single characters, several with case folds beyond ASCII.
    const CHARS: &[&str] = &[
        "a", "b", "k", "s", "i", "K", "S", "I", "ſ", "\u{212a}", "σ", "ς", "Σ", "ß", "ẞ", "é", "É",
        "İ", "ı", "€", "x", "🙂", "ǅ", "ω", "\u{2126}",
    ];
    const CLASSES: &[&str] = &[
        "[a-c]",
        "[kK]",
        "[sſ]",
        "[éè]",
        r"\w",
        r"\d",
        ".",
        "[^a]",
        r"\s",
        "[ks]",
        r"(?-u:\w)",
        r"\pL",
        "[α-ω]",
        "[a-z&&[^aeiou]]",
        "[ıİiI]",
        r"[\x{212a}k]",
        "(?s:.)",
        r"[^\x00-\x{10FFFF}]",
        r"\W",
        "[σς]",
    ];
    const LOOKS: &[&str] = &[
        r"\b",
        r"\B",
        "^",
        "$",
        "(?m:^)",
        "(?m:$)",
        r"\A",
        r"\z",
        r"\b{start}",
        r"\b{end}",
        r"(?-u:\b)",
        r"(?-u:\B)",
        r"\b{start-half}",
        r"\b{end-half}",
        "(?R:$)",
    ];
    const REPEATS: &[&str] = &[
        "?", "??", "*", "*?", "+", "+?", "{2}", "{1,3}", "{0,2}", "{2,}?",
    ];
    const GROUPS: &[&str] = &["(?i:", "(?-i:", "(", "(?U:", "(?m:", "(?s:", "(?-u:"];

    fn combine(inner: BoxedStrategy<String>) -> impl Strategy<Value = String> {
        prop_oneof![
            3 => prop::collection::vec(inner.clone(), 1..5).prop_map(|v| v.concat()),
            2 => prop::collection::vec(inner.clone(), 2..4)
                .prop_map(|v| format!("(?:{})", v.join("|"))),
            2 => (inner.clone(), prop::sample::select(REPEATS))
                .prop_map(|(p, r)| format!("(?:{p}){r}")),
            1 => (inner, prop::sample::select(GROUPS)).prop_map(|(p, g)| format!("{g}{p})")),
        ]
    }

    fn pattern() -> impl Strategy<Value = String> {
        let leaf = |words, chars, classes, looks| {
            prop_oneof![
                words => prop::sample::select(WORDS).prop_map(regex::escape),
                chars => prop::sample::select(CHARS).prop_map(regex::escape),
                classes => prop::sample::select(CLASSES).prop_map(str::to_owned),
                looks => prop::sample::select(LOOKS).prop_map(str::to_owned),
            ]
        };
        let general = leaf(2, 2, 2, 2).prop_recursive(4, 24, 4, combine);
        let literal_ish = leaf(8, 2, 1, 2).prop_recursive(3, 16, 4, combine);
        prop_oneof![
            1 => general,
            2 => literal_ish.clone(),
            2 => (prop::collection::vec(prop::sample::select(LOOKS), 0..2), literal_ish.clone(), literal_ish)
                .prop_map(|(l, a, b)| format!("{}{a}{b}", l.concat())),
        ]
    }

    fn text() -> impl Strategy<Value = Vec<String>> {
        let word = prop::sample::select([WORDS, CHARS].concat());
        prop::collection::vec(
            prop_oneof![
                3 => word.clone().prop_map(str::to_owned),
                1 => word.clone().prop_map(str::to_uppercase),
                1 => word.prop_map(str::to_lowercase),
                2 => prop::sample::select(&[" ", ".", "\n", "-", "_", "\r\n", "'", "0", "\u{a0}"][..])
                    .prop_map(str::to_owned),
            ],
            0..12,
        )
    }

    /// A small deterministic generator (xorshift), seeded by proptest.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            usize::try_from(self.0 % n.max(1) as u64).expect("below n")
        }
    }

    /// A string the pattern is likely to match (look-around ignored).
    fn sample(hir: &Hir, rng: &mut Rng, out: &mut String) {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) | HirKind::Class(Class::Bytes(_)) => {}
            HirKind::Literal(l) => out.push_str(std::str::from_utf8(&l.0).unwrap_or_default()),
            HirKind::Class(Class::Unicode(c)) => {
                if let Some(r) = c.ranges().get(rng.below(c.ranges().len())) {
                    let span = u32::from(r.end()) - u32::from(r.start()) + 1;
                    let pick = rng.below(span as usize) as u32;
                    out.extend(char::from_u32(u32::from(r.start()) + pick));
                }
            }
            HirKind::Repetition(r) => {
                let extra = r.max.map_or(3, |m| (m - r.min).min(3)) as usize;
                for _ in 0..r.min as usize + rng.below(extra + 1) {
                    sample(&r.sub, rng, out);
                }
            }
            HirKind::Capture(c) => sample(&c.sub, rng, out),
            HirKind::Concat(subs) => subs.iter().for_each(|h| sample(h, rng, out)),
            HirKind::Alternation(subs) => sample(&subs[rng.below(subs.len())], rng, out),
        }
    }

    /// The generated words with samples of the patterns in several cases, joined, and at
    /// times repeated past the kept candidate starts.
    fn mix(patterns: &[String], words: &[String], seed: u64) -> String {
        let mut rng = Rng(seed | 1);
        let hirs: Vec<Hir> = patterns
            .iter()
            .filter_map(|p| literals::parse(p).ok())
            .collect();
        let mut parts = words.to_vec();
        for _ in 0..if hirs.is_empty() { 0 } else { 1 + rng.below(6) } {
            let mut s = String::new();
            sample(&hirs[rng.below(hirs.len())], &mut rng, &mut s);
            let s = match rng.below(6) {
                0 => s.to_ascii_uppercase(),
                1 => s.to_uppercase(),
                2 => s.to_lowercase(),
                _ => s,
            };
            parts.insert(rng.below(parts.len() + 1), s);
        }
        let block = parts.join([" ", "", "", "\n", ".", "é"][rng.below(6)]);
        match rng.below(10) {
            0 => block.repeat(260),
            1 => format!("{block}{}", parts.concat().repeat(2)),
            _ => block,
        }
    }

    /// Every pattern's matches through the prefilter are those of the regex crate's
    /// `find_iter` (and of its own), and a pattern that matches is reported.
    fn check(patterns: &[(String, bool)], text: &str) -> Result<(), TestCaseError> {
        let effective: Vec<String> = patterns
            .iter()
            .map(|(p, cs)| effective_pattern(p, *cs))
            .collect();
        let mut truths = Vec::new();
        for e in &effective {
            match regex::RegexBuilder::new(e).size_limit(1 << 21).build() {
                Ok(re) => truths.push(re),
                Err(_) => return Err(TestCaseError::reject("does not compile")),
            }
        }
        let pre = build(&effective, 1 << 24).expect("prefilter builds");
        let scan = pre.scan(text);
        for (i, (p, cs)) in patterns.iter().enumerate() {
            let lazy = LazyRegex::new(p.clone(), *cs);
            let re = lazy.regex();
            let truth: Spans = truths[i]
                .find_iter(text)
                .map(|m| (m.start(), m.end()))
                .collect();
            let own: Spans = re.find_iter(text).map(|m| (m.start(), m.end())).collect();
            prop_assert_eq!(
                &own,
                &truth,
                "find_iter of `{}` on {:?}",
                &effective[i],
                text
            );
            let through: Vec<_> = scan.iter().filter(|(k, _)| *k == i).collect();
            prop_assert!(
                truth.is_empty() || !through.is_empty(),
                "the prefilter misses `{}` on {:?}",
                &effective[i],
                text
            );
            let via: Spans = through
                .iter()
                .flat_map(|(_, c)| c.matches(&lazy, text).map(|m| (m.start(), m.end())))
                .collect();
            prop_assert_eq!(
                &via,
                &truth,
                "through the prefilter: `{}` on {:?}",
                &effective[i],
                text
            );
        }
        Ok(())
    }

    #[test]
    fn tricky_patterns_match_the_same_through_the_prefilter() {
        let many = "gpux gpu ".repeat(300);
        let cases: &[(&str, &str)] = &[
            // Case folds beyond ASCII, with ASCII-lowercased literals.
            (r"(?i:staff)", "STAFF ſtaff \u{17f}TAFF sTaFf"),
            (
                r"(?i:kelvin\b)",
                "kelvin KELVIN \u{212a}ELVIN \u{212a}elvinx",
            ),
            (r"(?i:σας)", "ΣΑΣ σας ςας Σας"),
            (r"(?i:ii)", "İi ıi II ii iİ"),
            (r"(?i:\x{2126}m)", "ωm ΩM \u{2126}m"),
            // Literals cut to 8 bytes inside a character, and non-ASCII text around them.
            ("日本語です", "日本語で 日本語です 日本日本語です"),
            (r"(?i:aéééé)", "AÉÉÉÉ aéééé aéééè"),
            // Leftmost-first: a shorter alternative that comes first wins at the same start.
            (r"(?i:gpu|gpu cluster)", "a GPU cluster, a gpu"),
            (r"(?i:gpu cluster|gpu)", "a GPU cluster, a gpu"),
            (r"(?:ab|a)(?:bc)?", "abc abbc"),
            // Overlapping candidates: starts inside a match are skipped, not re-tried.
            ("aa(?:a)?", "aaaaaaa aaa"),
            (r"(?i:ss+)", "sssſſſ SSSſs"),
            // Look-around before, inside and after the literals.
            (r"(?m:^gpu$)", "gpu\nxgpu\ngpu"),
            (r"\Agpu", "gpu gpu"),
            (r"(?:\b|_)gpu(?:s|\b)", "_gpu xgpus gpu"),
            (r"\Bpu\b", "gpu pu"),
            (r"(?-u:\b)gpu", "égpu gpu"),
            (r"\b{start}gpu\b{end}", "gpu-gpu gpux"),
            (r"gpu\b{end-half}", "gpu. gpus"),
            // More candidate starts than are kept: the rest is searched.
            (r"(?i:\bgpu\b)", &many),
            (r"(?i:\bgpux?\b)", &many),
        ];
        for &(p, text) in cases {
            for cs in [true, false] {
                check(&[(p.to_owned(), cs)], text).expect("same matches");
            }
        }
        let all: Vec<(String, bool)> = cases.iter().map(|&(p, _)| (p.to_owned(), false)).collect();
        for &(_, text) in cases {
            check(&all, text).expect("same matches");
        }
    }

    /// A case-sensitive alternation of 6,000 literals: the extractor trims it to a few
    /// 4-byte prefixes, and the regex crate's configuration searches it with Aho-Corasick
    /// alone (without it, the pattern's NFA exceeds the size limit), anchored searches
    /// included.
    #[test]
    fn a_large_literal_alternation_matches_the_same_through_the_prefilter() {
        let words: Vec<String> = (0..6000u32)
            .map(|i| {
                let stem = ["gpu-", "mig-", "cpu-"][i as usize / 2000];
                format!("{stem}{:x}k{i:x}", i.wrapping_mul(2_654_435_761))
            })
            .collect();
        let pattern = words.join("|");
        let lits = literals::from_hir(&literals::parse(&pattern).expect("pattern"));
        assert!(lits.as_ref().is_some_and(|l| l.len() <= 64), "{lits:?}");
        let mut text = String::new();
        for (i, w) in words.iter().enumerate().step_by(7) {
            text.push_str(if i % 3 == 0 { w } else { &w[..w.len() - 1] });
            text.push_str([" ", "", "x", "GPU"][i % 4]);
        }
        check(&[(pattern, true)], &text).expect("same matches");
    }

    /// Found by the proptest below: on ASCII text, a pattern's Kelvin sign (or long s) under
    /// `(?i)` matches ASCII `k` (`s`), which a regex or DFA compiled without Unicode does not
    /// know; such patterns are searched with their Unicode automata.
    #[test]
    fn a_non_ascii_pattern_folding_to_ascii_matches_ascii_text() {
        let patterns = [
            ("(?i:a\u{212a}bcdefg)".to_owned(), false),
            ("\\b".to_owned(), false),
            ("gpu(?:gpu)?".to_owned(), true),
        ];
        let text = "GPUgpugpugpuaKbcDEfG".repeat(3);
        check(&patterns, &text).expect("same matches");
        let long_s = [("(?i:ma\u{17f}k)".to_owned(), false)];
        check(&long_s, &"a mask, a MASK; ".repeat(3)).expect("same matches");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn adversarial_patterns_match_the_same_through_the_prefilter(
            patterns in prop::collection::vec((pattern(), any::<bool>()), 1..4),
            words in text(),
            seed in any::<u64>(),
        ) {
            let effective: Vec<String> =
                patterns.iter().map(|(p, cs)| effective_pattern(p, *cs)).collect();
            check(&patterns, &mix(&effective, &words, seed))?;
        }
    }
}

#[cfg(test)]
mod embedded_automaton {
    use super::{Automaton, Literals, build, built_literals};

    /// (pattern, start) of every literal match, in the order the scan sees them.
    fn events(lit: &Literals, text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        lit.for_each_match(text, |i, start, _| {
            out.extend(
                lit.owners[lit.owner_at[i]..lit.owner_at[i + 1]]
                    .iter()
                    .map(|&p| (p, start)),
            );
        });
        out
    }

    /// The automaton `build.rs` builds reports, for the default patterns, the same literal
    /// starts in the same order as an Aho-Corasick automaton built at load from the same
    /// literals (the path user rules take).
    #[test]
    fn the_embedded_automaton_finds_what_aho_corasick_finds() {
        let set = crate::rules::defaults().expect("rules");
        let patterns: Vec<String> = set
            .owners
            .iter()
            .map(|&(r, p)| set.rules[r].patterns[p].effective())
            .collect();
        let embedded = build(&patterns, 1 << 24).expect("prefilter");
        let embedded = embedded.literals.expect("literals");
        assert!(matches!(embedded.automaton, Automaton::Embedded));
        let (built, _) = built_literals(&patterns, |_| None).expect("built");
        let built = built.expect("literals");
        assert!(matches!(built.automaton, Automaton::Built(_)));
        let mut texts = super::anchored::example_texts(set);
        texts.push(texts.join(". ").to_uppercase());
        texts.push("GPU gpu GpU \u{212a}ubernetes --\u{212a}eep ma\u{17f}k naïve café ~/wor\u{e9} \u{0}\u{ff}".into());
        for text in &texts {
            assert_eq!(events(&embedded, text), events(&built, text), "{text:?}");
        }
    }
}
