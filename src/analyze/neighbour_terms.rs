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
fn stem(w: &str) -> &str {
    for suffix in ["ing", "ed", "es", "s"] {
        if w.len() > 4 {
            if let Some(s) = w.strip_suffix(suffix) {
                return s;
            }
        }
    }
    w
}

/// The words of a text: runs of ASCII letters and digits, lower-cased (anything else
/// separates words).
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
}

/// The terms of a text: its stemmed words without stop words or single letters, then each
/// pair of neighbouring such words joined by `_`.
pub(crate) fn terms(text: &str) -> Vec<String> {
    let kept: Vec<String> = words(text)
        .filter(|w| w.len() > 1 && STOP.binary_search(&w.as_str()).is_err())
        .map(|w| stem(&w).to_owned())
        .collect();
    let mut out = kept.clone();
    out.extend(kept.windows(2).map(|p| format!("{}_{}", p[0], p[1])));
    out
}

/// A fingerprint of a text's words (case and punctuation ignored): an example with the same
/// fingerprint as the text being read is that text, and is never its own neighbour.
pub(crate) fn fingerprint(text: &str) -> u64 {
    // FNV-1a over the words, separated by a space.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for w in words(text) {
        for b in w.bytes().chain([b' ']) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The weight of a term that occurs `count` times in a text.
pub(crate) fn term_weight(count: usize) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let c = count as f64;
    1.0 + c.ln()
}
