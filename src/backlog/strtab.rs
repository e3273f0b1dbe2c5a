//! A set of strings (item ids, distinct texts) numbered in the order they were added, for
//! lookups by text: an open-addressing table whose 24-byte entries hold each string's first
//! 16 bytes and length inline (and its number), so looking up an id of up to 16 bytes reads
//! one entry (one cache miss at most) and never the string itself. `HashMap<&str, usize>` read its bucket and
//! then the key's bytes wherever they were allocated, after a SipHash of the key: at 300k ids
//! the table and the keys no longer fit the second-level cache, and each lookup cost about
//! three misses.
//!
//! The strings themselves stay with the caller, who passes them (numbered as added) to every
//! call that may have to compare a longer string in full.

/// One slot of the table, as six words: the string's first 16 bytes (zero-padded, as four
/// little-endian words), its length in bytes (saturated at `u32::MAX`, which only costs a full
/// comparison) and its number plus one; all zero when the slot is empty, so a new table is
/// zeroed memory, which the system hands out untouched (a table made for a million strings is
/// 48 MB, of which a backlog with a few distinct texts touches a few pages).
type Entry = [u32; 6];

const LEN: usize = 4;
const NUMBER: usize = 5;

/// Strings numbered from 0 in the order they are added; see the module documentation.
pub(crate) struct StrTable {
    entries: Vec<Entry>,
    mask: usize,
    len: usize,
    seed: u64,
}

/// A string's first 16 bytes, zero-padded.
fn head(s: &[u8]) -> [u8; 16] {
    let mut h = [0u8; 16];
    let n = s.len().min(16);
    h[..n].copy_from_slice(&s[..n]);
    h
}

/// [`head`] as four words.
fn head_words(h: &[u8; 16]) -> [u32; 4] {
    let w = |k: usize| u32::from_le_bytes([h[k], h[k + 1], h[k + 2], h[k + 3]]);
    [w(0), w(4), w(8), w(12)]
}

/// The 128-bit product of `a` and `b`, folded to 64 bits.
fn fold_mul(a: u64, b: u64) -> u64 {
    let r = u128::from(a) * u128::from(b);
    #[allow(clippy::cast_possible_truncation)]
    let (lo, hi) = (r as u64, (r >> 64) as u64);
    lo ^ hi
}

fn word(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w[..b.len()].copy_from_slice(b);
    u64::from_le_bytes(w)
}

impl StrTable {
    /// A table for at most `n` strings: it never grows, so adding more than `n` panics.
    pub(crate) fn with_capacity(n: usize) -> Self {
        // At most two thirds full (on average under two entries read per successful lookup,
        // mostly in the same cache line, and under four per miss): a table at most half full
        // was twice as large for half of all sizes (25 MB for 300k strings, over the cache,
        // where 12.6 MB nearly fits it), for about one entry read less per lookup.
        let slots = (n.max(4) * 3 / 2).next_power_of_two();
        // A seed per process, so no file can be made to collide on purpose.
        let seed = std::hash::BuildHasher::hash_one(&std::hash::RandomState::new(), 0x9e37_u64);
        StrTable {
            entries: vec![[0; 6]; slots],
            mask: slots - 1,
            len: 0,
            seed,
        }
    }

    /// How many strings were added.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn hash(&self, head: &[u8; 16], s: &[u8]) -> u64 {
        const K0: u64 = 0xa076_1d64_78bd_642f;
        const K1: u64 = 0xe703_7ed1_a0b4_28db;
        const K2: u64 = 0x8ebc_6af0_9c88_c6e3;
        let a = word(&head[..8]);
        let b = word(&head[8..]);
        let mut h = fold_mul(a ^ self.seed ^ K0, b ^ K1 ^ (s.len() as u64));
        if s.len() > 16 {
            for chunk in s[16..].chunks(16) {
                let (x, y) = chunk.split_at(chunk.len().min(8));
                h = fold_mul(h ^ word(x) ^ K2, word(y) ^ K1);
            }
        }
        fold_mul(h ^ K0, K2 ^ self.seed)
    }

    /// Where `s` is (`Ok`, its number) or would go (`Err`, an empty slot), and its entry.
    fn find(&self, s: &str, strings: &[&str]) -> (Result<usize, usize>, Entry) {
        let bytes = s.as_bytes();
        let h = head(bytes);
        let w = head_words(&h);
        let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        let entry = [w[0], w[1], w[2], w[3], len, 0];
        #[allow(clippy::cast_possible_truncation)]
        let mut i = self.hash(&h, bytes) as usize & self.mask;
        loop {
            let e = &self.entries[i];
            if e[NUMBER] == 0 {
                return (Err(i), entry);
            }
            let n = e[NUMBER] as usize - 1;
            if e[..=LEN] == entry[..=LEN] && (bytes.len() <= 16 || strings[n] == s) {
                return (Ok(n), entry);
            }
            i = (i + 1) & self.mask;
        }
    }

    /// The number of `s`, if it was added. `strings` are the strings added, by number.
    pub(crate) fn get(&self, s: &str, strings: &[&str]) -> Option<usize> {
        self.find(s, strings).0.ok()
    }

    /// The number of `s`: `Ok` if it was already there, `Err` with the new number
    /// ([`StrTable::len`] before the call) if it is added now. The caller pushes a new string
    /// onto `strings` at that number before the next call.
    pub(crate) fn get_or_add(&mut self, s: &str, strings: &[&str]) -> Result<usize, usize> {
        match self.find(s, strings) {
            (Ok(n), _) => Ok(n),
            (Err(slot), mut entry) => {
                let n = self.len;
                assert!(
                    n * 3 < self.entries.len() * 2,
                    "more strings than the table was made for"
                );
                entry[NUMBER] = u32::try_from(n + 1).expect("fewer than 2^32 strings");
                self.entries[slot] = entry;
                self.len += 1;
                Err(n)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StrTable;

    #[test]
    fn numbers_strings_as_added() {
        let words: Vec<String> = (0..5000)
            .map(|i| match i % 5 {
                0 => format!("item-{i}"),
                1 => format!("a-rather-long-identifier-of-item-{i}"),
                2 => format!("{i}\0"),
                3 => "x".repeat(i % 40),
                _ => format!("é{}", i / 7),
            })
            .collect();
        let mut t = StrTable::with_capacity(words.len());
        let mut kept: Vec<&str> = Vec::new();
        let mut want = std::collections::HashMap::new();
        for w in &words {
            let got = t.get_or_add(w, &kept);
            match want.get(w.as_str()) {
                Some(&n) => assert_eq!(got, Ok(n), "{w:?}"),
                None => {
                    assert_eq!(got, Err(kept.len()), "{w:?}");
                    want.insert(w.as_str(), kept.len());
                    kept.push(w);
                }
            }
        }
        assert_eq!(t.len(), kept.len());
        for w in &words {
            assert_eq!(t.get(w, &kept), want.get(w.as_str()).copied(), "{w:?}");
        }
        for miss in [
            "",
            "item-",
            "item-00",
            "x\0",
            "a-rather-long-identifier-of-item-2",
        ] {
            assert_eq!(t.get(miss, &kept), want.get(miss).copied(), "{miss:?}");
        }
    }

    /// A table holds as many distinct strings as it was made for, at every size (up to two
    /// thirds full), and finds each of them and no other.
    #[test]
    fn holds_as_many_strings_as_it_was_made_for() {
        for n in 0..300 {
            let words: Vec<String> = (0..n).map(|i| format!("id-{i}")).collect();
            let mut t = StrTable::with_capacity(n);
            let mut kept: Vec<&str> = Vec::new();
            for w in &words {
                assert_eq!(t.get_or_add(w, &kept), Err(kept.len()), "{n}: {w}");
                kept.push(w);
            }
            for (i, w) in words.iter().enumerate() {
                assert_eq!(t.get(w, &kept), Some(i), "{n}: {w}");
            }
            assert_eq!(t.get("id-x", &kept), None, "{n}");
        }
    }
}
