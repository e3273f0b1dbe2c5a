//! The prefilter's literal automaton for the embedded rules, built by `build.rs` from
//! `prefix_table.rs`: a DFA over every prefix literal of the table (ASCII case ignored) that
//! reports every occurrence of every literal, in the order Aho-Corasick's overlapping search
//! reports them (by end, the longest first). Read in place from the bytes `build.rs` wrote (its
//! `automaton` documents the layout), so start-up builds nothing.

mod ids {
    include!(concat!(env!("OUT_DIR"), "/prefix_automaton.rs"));
}

static BLOB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/prefix_automaton.bin"));

/// The automaton's ids of the literals of `prefix_table::TABLE[entry]`, in order.
pub(super) fn entry_literals(entry: usize) -> &'static [u16] {
    ids::ENTRY_LITERALS[entry]
}

/// The number of literals (ids are below it).
pub(super) fn literal_count() -> usize {
    Layout::get().literals
}

/// Offsets of the parts of [`BLOB`].
#[derive(Debug, Clone, Copy)]
struct Layout {
    classes: usize,
    literals: usize,
    /// The first state with matches: those from it on have some, those before none.
    first_match: usize,
    /// Start of the class of each byte.
    class: usize,
    /// Start of the transitions.
    next: usize,
    /// Start of the match-list offsets.
    at: usize,
    /// Start of the match lists.
    lists: usize,
    /// Start of the literal lengths.
    lens: usize,
}

fn u32_at(i: usize) -> usize {
    let b = &BLOB[i..i + 4];
    u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize
}

fn u16_at(i: usize) -> usize {
    usize::from(u16::from_le_bytes([BLOB[i], BLOB[i + 1]]))
}

impl Layout {
    fn get() -> Layout {
        let (states, classes, literals, total) = (u32_at(0), u32_at(4), u32_at(8), u32_at(12));
        let first_match = u32_at(16);
        let class = 20;
        let next = class + 256;
        let at = next + 2 * states * classes;
        let lists = at + 4 * (states + 1);
        let lens = lists + 2 * total;
        debug_assert_eq!(lens + literals, BLOB.len());
        Layout {
            classes,
            literals,
            first_match,
            class,
            next,
            at,
            lists,
            lens,
        }
    }
}

/// Every occurrence of every literal in `text`, as (literal id, start, end), by end and, at
/// the same end, the longest first.
pub(super) fn for_each_match(text: &[u8], mut found: impl FnMut(usize, usize, usize)) {
    let l = Layout::get();
    let class: &[u8; 256] = BLOB[l.class..l.class + 256]
        .try_into()
        .expect("256 byte classes");
    let next = &BLOB[l.next..l.at];
    let mut s = 0usize;
    for (i, &b) in text.iter().enumerate() {
        let c = usize::from(class[usize::from(b)]);
        let k = 2 * (s * l.classes + c);
        s = usize::from(u16::from_le_bytes([next[k], next[k + 1]]));
        // Most bytes lead to a state without matches (numbered below `first_match`).
        if s < l.first_match {
            continue;
        }
        let (from, to) = (u32_at(l.at + 4 * s), u32_at(l.at + 4 * (s + 1)));
        for k in from..to {
            let id = u16_at(l.lists + 2 * k);
            let len = usize::from(BLOB[l.lens + id]);
            found(id, i + 1 - len, i + 1);
        }
    }
}
