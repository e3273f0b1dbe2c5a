//! A queue of distinct numbers below a bound, taken out smallest first: the ready list of the
//! two topological walks over a backlog (the order of [`super::graph::topological`] and the
//! ranking's order by priority).
//!
//! A binary heap of 300k entries touches a new cache line at most of its ~18 levels on every
//! pop: with prerequisites anywhere earlier in the file most items are ready at once, and the
//! ranking's walk grew about 11× from 100k to 300k items, the whole rank stage 5–6×
//! (`BENCHMARKS.md`, issue 19, runs 26 and 27). Here a number is one bit, with a summary word
//! above every 64 (bits for the non-empty words below, and so on up to a single word): a
//! million numbers take 125 KB of leaves and 2 KB of summaries, which stay in cache, and a push
//! or pop reads or writes one word per level (four levels for a million).

/// Distinct numbers below the bound given to [`MinQueue::new`].
pub(crate) struct MinQueue {
    /// The bound, for the debug check of what is pushed.
    bound: usize,
    /// `levels[0]`: one bit per number; `levels[k + 1]`: one bit per word of `levels[k]`, set
    /// when that word is not zero. The last level is a single word.
    levels: Vec<Vec<u64>>,
}

impl MinQueue {
    /// An empty queue for numbers below `bound`.
    pub(crate) fn new(bound: usize) -> Self {
        let mut levels = Vec::new();
        let mut len = bound;
        loop {
            let words = len.div_ceil(64).max(1);
            levels.push(vec![0u64; words]);
            if words == 1 {
                return Self { bound, levels };
            }
            len = words;
        }
    }

    /// Add `x` (below the bound, and not in the queue).
    pub(crate) fn push(&mut self, x: usize) {
        debug_assert!(x < self.bound, "{x} is not below the bound {}", self.bound);
        debug_assert!(
            self.levels[0][x / 64] & (1 << (x % 64)) == 0,
            "{x} is already queued"
        );
        let mut at = x;
        for level in &mut self.levels {
            let word = &mut level[at / 64];
            let was_empty = *word == 0;
            *word |= 1 << (at % 64);
            if !was_empty {
                // The levels above already mark this word.
                return;
            }
            at /= 64;
        }
    }

    /// Take out the smallest number, if any.
    pub(crate) fn pop(&mut self) -> Option<usize> {
        let top = self.levels.last()?[0];
        if top == 0 {
            return None;
        }
        // Down from the single top word: the lowest set bit of each word names the word below.
        let mut at = 0usize;
        for level in self.levels.iter().rev() {
            at = at * 64 + level[at].trailing_zeros() as usize;
        }
        let x = at;
        // Clear it, and each summary bit whose word it leaves empty.
        for level in &mut self.levels {
            let word = &mut level[at / 64];
            *word &= !(1 << (at % 64));
            if *word != 0 {
                break;
            }
            at /= 64;
        }
        Some(x)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::MinQueue;

    /// Pushes and pops in a pseudo-random mix, against a sorted set, over bounds that fill
    /// one, two and three levels and end mid-word.
    #[test]
    fn pops_the_smallest_like_a_sorted_set() {
        for bound in [1, 2, 63, 64, 65, 4095, 4096, 4097, 300_001] {
            let mut q = MinQueue::new(bound);
            let mut set = BTreeSet::new();
            let mut state = 0x9e37_79b9_7f4a_7c15u64 ^ bound as u64;
            for _ in 0..(3 * bound).min(200_000) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let x = (state % bound as u64) as usize;
                if state % 3 == 0 || set.contains(&x) {
                    assert_eq!(q.pop(), set.pop_first(), "bound {bound}");
                } else {
                    q.push(x);
                    set.insert(x);
                }
            }
            while let Some(x) = set.pop_first() {
                assert_eq!(q.pop(), Some(x), "bound {bound}");
            }
            assert_eq!(q.pop(), None);
        }
    }

    #[test]
    fn the_largest_number_below_the_bound_is_kept() {
        let mut q = MinQueue::new(4097);
        q.push(4096);
        q.push(0);
        assert_eq!(q.pop(), Some(0));
        assert_eq!(q.pop(), Some(4096));
        assert_eq!(q.pop(), None);
        assert_eq!(MinQueue::new(0).pop(), None);
    }
}
