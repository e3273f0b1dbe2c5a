// The terms the nearest-examples channel compares texts by. Shared, through `#[path]`, by the
// program (`src/analyze/neighbours.rs`) and by `build.rs` (`build/neighbours.rs`), which
// weighs the labelled examples with the same function, so the two cannot drift apart.
// Standard library only.

/// Words that say nothing about a DS01 concern.
const STOP: &[&str] = &[
    "a", "about", "all", "also", "an", "and", "any", "are", "as", "at", "be", "but", "by", "can",
    "could", "did", "do", "does", "each", "for", "from", "get", "gets", "had", "has", "have",
    "how", "i", "ie", "if", "in", "into", "is", "it", "its", "just", "me", "more", "most", "my",
    "no", "not", "of", "on", "only", "or", "our", "out", "should", "so", "some", "such", "than",
    "that", "the", "their", "then", "there", "they", "this", "to", "too", "up", "us", "very",
    "via", "was", "we", "were", "what", "when", "which", "who", "will", "with", "would", "you",
];

/// A crude stem: a trailing `ing`, `ed`, `es` or `s` is cut from words longer than four
/// letters, so that "containers" and "container", "limiting" and "limit" meet.
fn stem(w: &[u8]) -> &[u8] {
    for suffix in [&b"ing"[..], b"ed", b"es", b"s"] {
        if w.len() > 4 {
            if let Some(s) = w.strip_suffix(suffix) {
                return s;
            }
        }
    }
    w
}

/// Where the words of a text are: runs of ASCII letters and digits (anything else separates
/// words; a byte of a non-ASCII character is never a letter or digit).
fn word_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && !b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        (i > start).then_some((start, i))
    })
}

/// Whether a (lower-case) word counts: not a single letter and not a stop word (the longest
/// has six letters).
fn kept(w: &[u8]) -> bool {
    w.len() > 1 && (w.len() > 6 || STOP.binary_search_by(|s| s.as_bytes().cmp(w)).is_err())
}

#[allow(dead_code)]
/// The terms of a text: its stemmed words without stop words or single letters, then each
/// pair of neighbouring such words joined by `_`.
pub(crate) fn terms(text: &str) -> Vec<String> {
    let kept: Vec<String> = word_spans(text)
        .map(|(s, e)| text[s..e].to_ascii_lowercase())
        .filter(|w| kept(w.as_bytes()))
        .map(|w| String::from_utf8_lossy(stem(w.as_bytes())).into_owned())
        .collect();
    let mut out = kept.clone();
    out.extend(kept.windows(2).map(|p| format!("{}_{}", p[0], p[1])));
    out
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// The hash of a word: 64-bit FNV-1a of its bytes.
fn word_hash(w: &[u8]) -> u64 {
    fnv(FNV_OFFSET, w)
}

/// Two hashes combined, in order: a pair of words, or a fingerprint and the next word.
fn mix(a: u64, b: u64) -> u64 {
    (a.rotate_left(23) ^ b).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The hash of a term: a word's [`word_hash`], a pair `a_b` the [`mix`] of its words'. How
/// the index finds a term.
#[allow(dead_code)]
pub(crate) fn term_hash(term: &str) -> u64 {
    match term.split_once('_') {
        Some((a, b)) => mix(word_hash(a.as_bytes()), word_hash(b.as_bytes())),
        None => word_hash(term.as_bytes()),
    }
}

/// Call `f` with each word of [`words`], lower-cased in a buffer rather than a new string:
/// one pass over the bytes (a non-ASCII byte is never a letter or digit, so it separates words
/// as its character does).
fn each_word(text: &str, mut f: impl FnMut(&[u8])) {
    let mut word: Vec<u8> = Vec::with_capacity(64);
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() {
            word.push(b.to_ascii_lowercase());
        } else if !word.is_empty() {
            f(&word);
            word.clear();
        }
    }
    if !word.is_empty() {
        f(&word);
    }
}

/// [`STOP`], each word's bytes packed little-endian into a `u64` ([`pack`]), sorted: whether a
/// word of up to six letters is a stop word is then a binary search among integers rather
/// than among strings (the string comparisons were a third of [`term_hashes`]).
const STOP_KEYS: [u64; STOP.len()] = {
    let mut k = [0u64; STOP.len()];
    let mut i = 0;
    while i < STOP.len() {
        k[i] = pack(STOP[i].as_bytes());
        i += 1;
    }
    // Insertion sort, at compile time.
    let mut i = 1;
    while i < k.len() {
        let mut j = i;
        while j > 0 && k[j - 1] > k[j] {
            let t = k[j - 1];
            k[j - 1] = k[j];
            k[j] = t;
            j -= 1;
        }
        i += 1;
    }
    k
};

/// The bytes of a word of at most eight bytes, lower-cased (ASCII letters and digits only:
/// `| 0x20` lower-cases a letter and leaves a digit as it is), little-endian in a `u64`. No
/// letter or digit is a zero byte, so two words of up to eight bytes differ in their keys.
const fn pack(w: &[u8]) -> u64 {
    let mut k = 0u64;
    let mut i = 0;
    while i < w.len() && i < 8 {
        k |= ((w[i] | 0x20) as u64) << (8 * i);
        i += 1;
    }
    k
}

/// The ASCII letters and digits: the bytes of a word.
const WORD_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// [`kept`] of a word of ASCII letters and digits in any case.
fn kept_any_case(w: &[u8]) -> bool {
    w.len() > 1 && (w.len() > 6 || STOP_KEYS.binary_search(&pack(w)).is_err())
}

/// The length of [`stem`] of a word of ASCII letters and digits in any case.
fn stem_len_any_case(w: &[u8]) -> usize {
    let n = w.len();
    if n > 4 {
        let last = |k: usize| w[n - k] | 0x20;
        if last(3) == b'i' && last(2) == b'n' && last(1) == b'g' {
            return n - 3;
        }
        if last(2) == b'e' && (last(1) == b'd' || last(1) == b's') {
            return n - 2;
        }
        if last(1) == b's' {
            return n - 1;
        }
    }
    n
}

/// The hashes of [`terms`], in the same order, without building a string per term, and the
/// [`fingerprint`] of the text, in one pass: how the program reads a text (a term's hash is
/// [`term_hash`] of its text). The words are those of [`each_word`], read in place: a word is
/// lower-cased as it is hashed, not copied.
#[allow(dead_code)]
pub(crate) fn term_hashes(text: &str, out: &mut Vec<u64>) -> u64 {
    out.clear();
    let mut pairs: Vec<u64> = Vec::new();
    let print = scan(text, |h, _, _, pair| {
        if pair {
            pairs.push(h);
        } else {
            out.push(h);
        }
    });
    out.extend(pairs);
    print
}

/// `at(hash, start, end)` for each term of [`terms`] (words and pairs interleaved, each in
/// text order), where in the text it was read from (a pair runs from its first word's start
/// to its second word's end), to show a term as the text writes it; returns the text's
/// [`fingerprint`].
#[allow(dead_code)]
pub(crate) fn each_term(text: &str, mut at: impl FnMut(u64, usize, usize)) -> u64 {
    scan(text, |h, start, end, _| at(h, start, end))
}

/// One pass over the words of a text: `term(hash, start, end, is_pair)` for each kept word
/// and each pair of neighbouring kept words (a pair right after its second word); returns
/// the text's [`fingerprint`].
fn scan(text: &str, mut term: impl FnMut(u64, usize, usize, bool)) -> u64 {
    let mut print = FNV_OFFSET;
    let mut prev: Option<(u64, usize)> = None;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !WORD_BYTE[usize::from(b[i])] {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && WORD_BYTE[usize::from(b[i])] {
            i += 1;
        }
        let w = &b[start..i];
        if !kept_any_case(w) {
            continue;
        }
        let mut h = FNV_OFFSET;
        for &c in &w[..stem_len_any_case(w)] {
            h ^= u64::from(c | 0x20);
            h = h.wrapping_mul(FNV_PRIME);
        }
        print = mix(print, h);
        term(h, start, i, false);
        if let Some((p, p_start)) = prev {
            term(mix(p, h), p_start, i, true);
        }
        prev = Some((h, start));
    }
    print
}

/// A fingerprint of a text's terms (case, punctuation, stop words and word endings ignored):
/// an example with the same fingerprint as the text being read is that text: neither it nor
/// any example of its set is a neighbour, and the word model that reads it never saw its set.
#[allow(dead_code)]
pub(crate) fn fingerprint(text: &str) -> u64 {
    let mut h = FNV_OFFSET;
    each_word(text, |w| {
        if kept(w) {
            h = mix(h, word_hash(stem(w)));
        }
    });
    h
}

/// The weight of a term that occurs `count` times in a text.
pub(crate) fn term_weight(count: usize) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let c = count as f64;
    1.0 + c.ln()
}

#[cfg(test)]
mod tests {
    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(super::STOP.windows(2).all(|w| w[0] < w[1]));
        assert!(super::STOP.iter().all(|w| w.len() <= 6));
    }

    #[test]
    fn the_fast_word_checks_answer_as_the_plain_ones() {
        let mut words: Vec<String> = super::STOP.iter().map(|w| (*w).to_owned()).collect();
        for w in [
            "ing",
            "sing",
            "thing",
            "things",
            "running",
            "RUNNING",
            "used",
            "uses",
            "bus",
            "buses",
            "class",
            "Es",
            "eds",
            "a1",
            "Z",
            "x9ing",
            "ABOUT",
            "About",
            "abouts",
            "thEIr",
            "vs",
            "Their",
            "12345s",
            "aaaaaaaaaaaaing",
        ] {
            words.push(w.to_owned());
        }
        for w in &words {
            let lower = w.to_ascii_lowercase();
            assert_eq!(
                super::kept_any_case(w.as_bytes()),
                super::kept(lower.as_bytes()),
                "{w}"
            );
            assert_eq!(
                super::stem_len_any_case(w.as_bytes()),
                super::stem(lower.as_bytes()).len(),
                "{w}"
            );
        }
    }

    #[test]
    fn each_term_gives_the_terms_where_the_text_writes_them() {
        for text in [
            "Let students keep a container running over the weekend — for long training jobs.",
            "GPU-hours per user, on the ds01-user dashboard: über größe 日本 I/O",
            "",
            "a of the",
        ] {
            let mut spans = Vec::new();
            let mut hashes = Vec::new();
            super::term_hashes(text, &mut hashes);
            let print = super::each_term(text, |h, s, e| spans.push((h, s, e)));
            assert_eq!(print, super::fingerprint(text), "{text}");
            let mut from_spans: Vec<u64> = spans.iter().map(|s| s.0).collect();
            from_spans.sort_unstable();
            hashes.sort_unstable();
            assert_eq!(from_spans, hashes, "{text}");
            for &(h, start, end) in &spans {
                // The terms of the span are its word, or its pair's two words and their pair.
                let terms = super::terms(&text[start..end]);
                assert!(
                    terms.iter().any(|t| super::term_hash(t) == h),
                    "{text}: {:?}",
                    &text[start..end]
                );
            }
        }
    }
}
