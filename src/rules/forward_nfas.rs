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
        for shift in (0..usize::BITS).step_by(7) {
            let (&b, rest) = self.0.split_first()?;
            self.0 = rest;
            n |= usize::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn byte(&mut self) -> Option<u8> {
        u8::try_from(self.n()?).ok()
    }

    /// A state id, which must name one of the entry's `states` states: `Builder::build`
    /// trusts the ids it is given (an id out of range panics there).
    fn id(&mut self, states: usize) -> Option<StateID> {
        let id = self.n()?;
        if id >= states {
            return None;
        }
        StateID::new(id).ok()
    }

    /// A count, then that many items read by `item`; `None` below `min` items (see `decode`).
    fn list<T>(
        &mut self,
        min: usize,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        let n = self.n()?;
        if n < min {
            return None;
        }
        let mut out = Vec::with_capacity(n.min(256));
        for _ in 0..n {
            out.push(item(self)?);
        }
        Some(out)
    }

    /// A byte-range transition; a range must not run backwards (regex-automata asserts it).
    fn trans(&mut self, states: usize) -> Option<Transition> {
        let (start, end) = (self.byte()?, self.byte()?);
        if start > end {
            return None;
        }
        Some(Transition {
            start,
            end,
            next: self.id(states)?,
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
    decode(blob.get(base + start..base + end)?)
}

/// One entry's bytes read back; `None` when empty or malformed. The blob comes from the same
/// build, but what `Builder` would assert or loop on (ids out of range, ranges that run
/// backwards, unions of one alternate) is refused here; the test below feeds it corrupted
/// entries.
fn decode(bytes: &[u8]) -> Option<Precompiled> {
    if bytes.is_empty() {
        return None;
    }
    let mut r = Reader(bytes);
    let (flags, states) = (r.n()?, r.n()?);
    let (anchored, unanchored, pattern_start) = (r.id(states)?, r.id(states)?, r.id(states)?);
    let mut b = Builder::new();
    b.set_utf8(flags & 2 != 0);
    b.start_pattern().ok()?;
    for _ in 0..states {
        // As the compiler leaves them: a sparse state has two transitions or more, a union
        // three alternates or more (two make a binary union). Fewer would make `Builder`
        // drop the state, and unions of one alternate could form a loop it never leaves.
        let added = match r.byte()? {
            0 => b.add_range(r.trans(states)?),
            1 => b.add_sparse(r.list(2, |r| r.trans(states))?),
            2 => {
                let look = Look::from_repr(u32::try_from(r.n()?).ok()?)?;
                b.add_look(r.id(states)?, look)
            }
            3 => b.add_union(r.list(3, |r| r.id(states))?),
            4 => b.add_union(vec![r.id(states)?, r.id(states)?]),
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

    /// Corrupted entries (each byte of a few real ones replaced, or cut short) read back as
    /// `None` or as some NFA, never a panic or a hang.
    #[test]
    fn corrupted_entries_do_not_panic() {
        let blob = super::ASCII;
        let count = super::u32_at(blob, 0).expect("count");
        let base = 4 + 4 * (count + 1);
        for entry in (0..count).step_by(97) {
            let start = super::u32_at(blob, 4 + 4 * entry).expect("start");
            let end = super::u32_at(blob, 8 + 4 * entry).expect("end");
            let bytes = &blob[base + start..base + end];
            for i in 0..bytes.len().min(200) {
                for value in [0x00, 0x01, 0x7f, 0x80, 0xff] {
                    let mut bad = bytes.to_vec();
                    bad[i] = value;
                    let _ = super::decode(&bad);
                }
                let _ = super::decode(&bytes[..i]);
            }
        }
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
