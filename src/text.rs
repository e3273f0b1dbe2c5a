//! Small text helpers shared by the loaders: byte offsets to line/column, near-miss suggestions,
//! ASCII transliteration for ids.

/// 1-based line and column (in characters) of a byte offset in `src`.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..floor_char_boundary(src, offset)];
    // A byte count (vectorised by the compiler): this runs for every rule at load time.
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// [`line_col`] for many offsets into one text: a newline index built once, so each look-up
/// is a binary search (plus a character count within the line when the text is not ASCII)
/// instead of a scan from the start of the text.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of every `\n`.
    newlines: Vec<usize>,
    ascii: bool,
    /// Non-ASCII text only: (byte offset, characters before it) at every 1 KiB (floored to a
    /// character boundary), so a column on a long line costs at most 1 KiB of counting.
    marks: Vec<(usize, usize)>,
}

const MARK_EVERY: usize = 1024;

impl<'a> LineIndex<'a> {
    /// Index `text` (one pass).
    pub fn new(text: &'a str) -> Self {
        let ascii = text.is_ascii();
        let mut marks = Vec::new();
        if !ascii {
            let (mut pos, mut chars) = (0, 0);
            for k in 0..=text.len() / MARK_EVERY {
                let next = floor_char_boundary(text, k * MARK_EVERY);
                chars += text[pos..next].chars().count();
                pos = next;
                marks.push((pos, chars));
            }
        }
        LineIndex {
            text,
            newlines: memchr_newlines(text),
            ascii,
            marks,
        }
    }

    /// Characters before a byte offset (on a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let k = (offset / MARK_EVERY).min(self.marks.len().saturating_sub(1));
        let k = if self.marks.get(k).is_some_and(|&(p, _)| p > offset) {
            k.saturating_sub(1)
        } else {
            k
        };
        let (pos, chars) = self.marks.get(k).copied().unwrap_or((0, 0));
        chars + self.text[pos..offset].chars().count()
    }

    /// 1-based line of a byte offset, as [`line_col`] counts it.
    pub fn line(&self, offset: usize) -> usize {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        self.newlines.partition_point(|&n| n < offset) + 1
    }

    /// 1-based line and column (in characters) of a byte offset, equal to [`line_col`].
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.newlines.partition_point(|&n| n < offset);
        let start = if line == 0 {
            0
        } else {
            self.newlines[line - 1] + 1
        };
        let col = if self.ascii {
            offset - start
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        (line + 1, col + 1)
    }
}

fn memchr_newlines(text: &str) -> Vec<usize> {
    text.bytes()
        .enumerate()
        .filter_map(|(i, b)| (b == b'\n').then_some(i))
        .collect()
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `text` with a leading TOML front matter block (`+++` ... `+++`, as proposals start) blanked
/// to spaces, keeping newlines.
pub fn blank_front_matter(text: &str) -> std::borrow::Cow<'_, str> {
    let Some(body) = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
    else {
        return std::borrow::Cow::Borrowed(text);
    };
    let close = body
        .match_indices("+++")
        .find(|(i, _)| *i == 0 || body.as_bytes()[i - 1] == b'\n')
        .map(|(i, _)| text.len() - body.len() + i + 3);
    match close {
        Some(end) => {
            let blank: String = text[..end]
                .chars()
                .map(|c| if c == '\n' { '\n' } else { ' ' })
                .collect();
            std::borrow::Cow::Owned(blank + &text[end..])
        }
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// `text` with HTML comments (`<!-- ... -->`, as Markdown guidance is written) blanked to
/// spaces, so byte offsets and line numbers still point into the original. An unclosed comment
/// runs to the end. Comments are never part of what a feature description says.
pub fn blank_html_comments(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("<!--") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find("-->").map_or(after.len(), |e| e + 3);
        // Keep newlines so line numbers do not move; everything else becomes spaces.
        out.extend(
            after[..end]
                .chars()
                .map(|c| if c == '\n' { '\n' } else { ' ' }),
        );
        rest = &after[end..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Levenshtein distance, for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate to `word`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let limit = (word.chars().count() / 3).max(2);
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    let close = candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c);
    // A truncated key (`depends` for `depends_on`) is a near miss too.
    close.or_else(|| {
        candidates
            .iter()
            .copied()
            .filter(|c| word.chars().count() >= 4 && (c.starts_with(word) || word.starts_with(c)))
            .min_by_key(|c| (c.len().abs_diff(word.len()), *c))
    })
}

/// Lowercase words without punctuation: the key under which two questions are the same.
pub(crate) fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else if c.is_alphanumeric() {
            if space {
                out.push(' ');
                space = false;
            }
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// `text` in ASCII for an id or a file name: ASCII kept, the common Latin letters with
/// diacritics and ligatures transliterated (`ü` → `u`, `ß` → `ss`, `æ` → `ae`, `ø` → `o`),
/// every other character replaced by a space.
pub fn ascii_fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        let lower = c.to_lowercase().next().unwrap_or(c);
        let folded = match lower {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
            'æ' => "ae",
            'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
            'ď' | 'đ' | 'ð' => "d",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
            'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
            'ĥ' | 'ħ' => "h",
            'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
            'ĵ' => "j",
            'ķ' => "k",
            'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
            'ñ' | 'ń' | 'ņ' | 'ň' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
            'œ' => "oe",
            'ŕ' | 'ŗ' | 'ř' => "r",
            'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
            'ß' => "ss",
            'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
            'þ' => "th",
            'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
            'ŵ' => "w",
            'ý' | 'ÿ' | 'ŷ' => "y",
            'ź' | 'ż' | 'ž' => "z",
            _ => " ",
        };
        out.push_str(folded);
    }
    out
}

/// Unicode format and bidi control characters: the bidi marks, embeddings, overrides and
/// isolates (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069), zero-width and other invisible
/// format characters (U+180E, U+200B–U+200D, U+2060–U+206F, U+FEFF, U+FFF9–U+FFFB) and the
/// line and paragraph separators (U+2028/9).
pub fn invisible(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// At most `max` characters, with an ellipsis in place of the last one when cut (a long id,
/// title or message shown where space is short).
pub(crate) fn clip(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if s.char_indices().nth(max).is_none() {
        return s.into();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_counts_characters() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("ééé", 3), "ééé");
        assert_eq!(clip("", 0), "");
    }

    #[test]
    fn line_index_agrees_with_line_col_everywhere() {
        for text in [
            "",
            "a",
            "\n",
            "ab\ncd\r\n\nef",
            "é\nça va\n\n😀x\n",
            "no newline at all, ünïcode",
            &"é😀a\n".repeat(700),
            &"é😀a".repeat(700),
        ] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    index.line_col(offset),
                    line_col(text, offset),
                    "{text:?} at {offset}"
                );
                assert_eq!(index.line(offset), line_col(text, offset).0);
            }
        }
    }

    #[test]
    fn front_matter_is_blanked_in_place() {
        assert_eq!(
            blank_front_matter("+++\na = 1\n+++\n# T"),
            "   \n     \n   \n# T"
        );
        assert_eq!(blank_front_matter("no +++ here"), "no +++ here");
        assert_eq!(blank_front_matter("+++\nunclosed"), "+++\nunclosed");
    }

    #[test]
    fn html_comments_are_blanked_in_place() {
        assert_eq!(
            blank_html_comments("a <!-- b\nc --> d"),
            "a       \n      d"
        );
        assert_eq!(
            blank_html_comments("x <!-- open"),
            format!("x{}", " ".repeat(10))
        );
        assert_eq!(blank_html_comments("no comment"), "no comment");
    }

    #[test]
    fn line_col_counts_lines_and_chars() {
        let s = "ab\ncdé\nf";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, 3), (2, 1));
        assert_eq!(line_col(s, 7), (2, 4));
        assert_eq!(line_col(s, 8), (3, 1));
    }

    #[test]
    fn suggests_near_misses_only() {
        let c = ["idle-detection", "gpu-queue", "storage-quotas"];
        assert_eq!(did_you_mean("idle-detectoin", c), Some("idle-detection"));
        assert_eq!(did_you_mean("kubernetes", c), None);
        assert_eq!(
            did_you_mean("depends", ["depends_on", "description"]),
            Some("depends_on")
        );
    }
}

/// A fast hasher for the short string keys of per-analysis maps (question texts, question
/// sources): the multiply-rotate hash of `rustc`'s FxHash. Not resistant to chosen collisions,
/// which these keys (the rule set's own words) do not need; SipHash's cost per lookup was 2%
/// of the instructions of an analysis.
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            self.add(u64::from_le_bytes(b));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` with [`FxHasher`].
pub type FxHashMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;
