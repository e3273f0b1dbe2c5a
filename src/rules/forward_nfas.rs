//! The forward NFAs of the embedded patterns, compiled by `build.rs` (`build/forward_nfas.rs`
//! documents the layout and why): for ASCII text, and with Unicode for the few patterns that
//! are not ASCII. [`get`] rebuilds the NFA of a `prefix_table::TABLE` entry from its states with
//! regex-automata's `thompson::Builder`, which parses nothing and compiles nothing. The result
//! is the NFA `LazyRegex::build_forward` would compile, state for state (the test below checks
//! every entry).
use regex_automata::nfa::thompson::{Builder, NFA, Transition};
use regex_automata::util::look::Look;
use regex_automata::util::primitives::StateID;

static ASCII: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/forward_nfas.bin"));
static UNICODE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/forward_nfas_unicode.bin"));

fn u32_at(blob: &[u8], i: usize) -> Option<usize> {
    let b = blob.get(i..i + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

/// A reader of LEB128 integers over one entry.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn n(&mut self) -> Option<usize> {
        let mut n = 0usize;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = self.0.split_first()?;
            self.0 = rest;
            n |= usize::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn byte(&mut self) -> Option<u8> {
        u8::try_from(self.n()?).ok()
    }

    fn id(&mut self) -> Option<StateID> {
        StateID::new(self.n()?).ok()
    }

    fn trans(&mut self) -> Option<Transition> {
        Some(Transition {
            start: self.byte()?,
            end: self.byte()?,
            next: self.id()?,
        })
    }
}

/// A precompiled NFA and what the build learnt of its pattern.
pub(super) struct Precompiled {
    pub(super) nfa: NFA,
    /// Every match begins with a word boundary.
    pub(super) word_start: bool,
    /// No match is empty.
    pub(super) nonempty: bool,
}

/// The forward NFA of table entry `entry` for ASCII text (an ASCII pattern) or, with
/// `unicode`, for any text (a pattern that is not ASCII); `None` when it was not precompiled
/// (or, which the build rules out, its bytes do not read back).
pub(super) fn get(entry: usize, unicode: bool) -> Option<Precompiled> {
    let blob = if unicode { UNICODE } else { ASCII };
    let count = u32_at(blob, 0)?;
    if entry >= count {
        return None;
    }
    let base = 4 + 4 * (count + 1);
    let (start, end) = (u32_at(blob, 4 + 4 * entry)?, u32_at(blob, 8 + 4 * entry)?);
    let bytes = blob.get(base + start..base + end)?;
    if bytes.is_empty() {
        return None;
    }
    let mut r = Reader(bytes);
    let flags = r.n()?;
    let (anchored, unanchored, pattern_start) = (r.id()?, r.id()?, r.id()?);
    let states = r.n()?;
    let mut b = Builder::new();
    b.set_utf8(flags & 2 != 0);
    b.start_pattern().ok()?;
    for _ in 0..states {
        let added = match r.byte()? {
            0 => b.add_range(r.trans()?),
            1 => {
                let n = r.n()?;
                let mut ts = Vec::with_capacity(n.min(256));
                for _ in 0..n {
                    ts.push(r.trans()?);
                }
                b.add_sparse(ts)
            }
            2 => {
                let look = Look::from_repr(u32::try_from(r.n()?).ok()?)?;
                b.add_look(r.id()?, look)
            }
            3 => {
                let n = r.n()?;
                let mut alts = Vec::with_capacity(n.min(1024));
                for _ in 0..n {
                    alts.push(r.id()?);
                }
                b.add_union(alts)
            }
            4 => b.add_union(vec![r.id()?, r.id()?]),
            5 => b.add_fail(),
            6 => b.add_match(),
            _ => return None,
        };
        added.ok()?;
    }
    if !r.0.is_empty() {
        return None;
    }
    b.finish_pattern(pattern_start).ok()?;
    let nfa = b.build(anchored, unanchored).ok()?;
    Some(Precompiled {
        nfa,
        word_start: flags & 1 != 0,
        nonempty: flags & 4 != 0,
    })
}

#[cfg(test)]
mod tests {
    use super::super::prefix_table::TABLE;

    /// Every entry of the table is precompiled (an ASCII pattern for ASCII text, any other with
    /// Unicode), and reads back as the very NFA the program would compile for it (same states, starts, modes and byte classes: their
    /// `Debug` forms show all of them), with the same word-boundary and non-empty flags.
    #[test]
    fn every_entry_reads_back_as_the_compiled_nfa() {
        use regex_automata::nfa::thompson;
        let mut checked = [0, 0];
        for unicode in [false, true] {
            let config = super::super::syntax_config(!unicode);
            let mut compiler = thompson::Compiler::new();
            compiler.syntax(config).configure(
                thompson::Config::new()
                    .which_captures(thompson::WhichCaptures::None)
                    .nfa_size_limit(Some(super::super::validate::REGEX_SIZE_LIMIT)),
            );
            for (i, (pattern, ..)) in TABLE.iter().enumerate() {
                let got = super::get(i, unicode);
                if pattern.is_ascii() == unicode {
                    assert!(got.is_none(), "{pattern}: in the other file");
                    continue;
                }
                let got = got.unwrap_or_else(|| panic!("{pattern}: not precompiled"));
                let (nfa, word_start) = (got.nfa, got.word_start);
                let hir = regex_automata::util::syntax::parse_with(pattern, &config).unwrap();
                let want = compiler.build_from_hir(&hir).unwrap();
                assert_eq!(format!("{nfa:?}"), format!("{want:?}"), "{pattern}");
                assert_eq!(nfa.is_utf8(), want.is_utf8(), "{pattern}");
                assert_eq!(
                    format!("{:?}", nfa.byte_classes()),
                    format!("{:?}", want.byte_classes()),
                    "{pattern}"
                );
                let prefix = hir.properties().look_set_prefix();
                assert_eq!(
                    word_start,
                    prefix.contains(regex_syntax::hir::Look::WordUnicode)
                        || prefix.contains(regex_syntax::hir::Look::WordAscii),
                    "{pattern}"
                );
                assert_eq!(
                    got.nonempty,
                    hir.properties().minimum_len().is_some_and(|n| n > 0),
                    "{pattern}"
                );
                checked[usize::from(unicode)] += 1;
            }
            assert!(super::get(TABLE.len(), unicode).is_none());
        }
        assert!(checked[0] > 1000 && checked[1] > 0, "checked {checked:?}");
    }

    /// `build/forward_nfas.rs` compiles with the program's size limit.
    #[test]
    fn the_build_uses_the_programs_size_limit() {
        assert_eq!(super::super::validate::REGEX_SIZE_LIMIT, 2 * 1024 * 1024);
        assert!(
            include_str!("../../build/forward_nfas.rs")
                .contains("const REGEX_SIZE_LIMIT: usize = 2 * 1024 * 1024;")
        );
    }
}
