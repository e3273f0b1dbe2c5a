//! `backlog.toml` as written: raw types with byte spans, read from the toml crate's spanned
//! document tree and validated in `validate.rs`.
//!
//! Why not `serde` with `deny_unknown_fields`: serde stops at the first unknown key, missing
//! key or wrong type, and the issue asks for every problem at once. Walking the spanned tree
//! (`toml::de::DeTable`, the same parser `toml::from_str` uses) lets the reader collect all
//! structural problems and still hand every well-formed value on to validation.
//!
//! Large files are parsed in chunks split at top-level `[[item]]` headers, on two threads. The
//! chunked result is only used when it is provably the same document: every chunk parses on
//! its own, and no top-level key other than `item` appears in more than one chunk. Anything
//! else (a syntax error, `[scoring]` split over chunks, an `item = [...]` array before the
//! headers) falls back to parsing the whole file, which is the reference behaviour and gives
//! the toml crate's own error message.
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::backlog as codes;
use crate::text::did_you_mean;

/// A number or a word, as `reach`, `impact`, `confidence`, `effort` and `decay` accept.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    Num(f64),
    Str(String),
    /// Any other TOML type, by name with its article (for the error message).
    Other(&'static str),
}

impl Scalar {
    /// How the value reads in an error message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Scalar::Num(x) => x.to_string(),
            Scalar::Str(s) => format!("\"{s}\""),
            Scalar::Other(t) => (*t).to_owned(),
        }
    }
}

/// `[scoring.tshirt]`: size names and efforts in file order; the span is the whole table's.
pub(crate) type RawTshirt = Spanned<Vec<(Spanned<String>, Spanned<Scalar>)>>;

/// `[scoring]`.
#[derive(Debug, Default)]
pub(crate) struct RawScoring {
    pub(crate) reach_period: Option<Spanned<String>>,
    pub(crate) effort_unit: Option<Spanned<String>>,
    pub(crate) propagation: Option<Spanned<String>>,
    pub(crate) decay: Option<Spanned<Scalar>>,
    pub(crate) tshirt: Option<RawTshirt>,
}

/// One `[[item]]`.
#[derive(Debug, Default)]
pub(crate) struct RawItem {
    /// Byte offset of the item's table, for problems about missing keys.
    pub(crate) start: usize,
    pub(crate) id: Option<Spanned<String>>,
    pub(crate) title: Option<Spanned<String>>,
    pub(crate) description: Option<Spanned<String>>,
    pub(crate) reach: Option<Spanned<Scalar>>,
    pub(crate) impact: Option<Spanned<Scalar>>,
    pub(crate) confidence: Option<Spanned<Scalar>>,
    pub(crate) effort: Option<Spanned<Scalar>>,
    pub(crate) depends_on: Vec<Spanned<String>>,
    pub(crate) status: Option<Spanned<String>>,
    pub(crate) tags: Vec<String>,
    /// Optional link to where the item is tracked (an issue's URL).
    pub(crate) url: Option<Spanned<String>>,
    /// Optional: the estimates are defaults put in by `import`, not someone's judgement.
    pub(crate) needs_estimate: Option<Spanned<bool>>,
}

/// The whole file.
#[derive(Debug, Default)]
pub(crate) struct BacklogFile {
    pub(crate) scoring: Option<RawScoring>,
    /// The items in file order, in the chunks they were read in (one list per chunk of the
    /// two-thread reader), so validation can free each chunk's list once it is through it and
    /// the lists are never copied into one.
    pub(crate) items: Vec<Vec<RawItem>>,
}

impl BacklogFile {
    /// How many items the file has.
    pub(crate) fn len(&self) -> usize {
        self.items.iter().map(Vec::len).sum()
    }

    /// The items in file order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &RawItem> {
        self.items.iter().flatten()
    }
}

/// A structural problem (unknown key, wrong type, missing key) at a byte offset.
#[derive(Debug)]
pub(crate) struct Problem {
    pub(crate) at: usize,
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

pub(crate) const TOP_KEYS: &[&str] = &["scoring", "item"];
pub(crate) const SCORING_KEYS: &[&str] = &[
    "reach_period",
    "effort_unit",
    "propagation",
    "decay",
    "tshirt",
];
pub(crate) const ITEM_KEYS: &[&str] = &[
    "id",
    "title",
    "description",
    "reach",
    "impact",
    "confidence",
    "effort",
    "depends_on",
    "status",
    "tags",
    "url",
    "needs_estimate",
];
const REQUIRED_ITEM_KEYS: &[&str] = &["id", "title", "reach", "impact", "confidence", "effort"];

/// Files smaller than this are parsed in one piece.
const CHUNK_BYTES: usize = 1 << 20;

/// Parse `text`. A TOML syntax error is returned as the toml crate's error; otherwise the raw
/// file and every structural problem.
pub(crate) fn read(text: &str) -> Result<(BacklogFile, Vec<Problem>), toml::de::Error> {
    read_in_chunks(text, CHUNK_BYTES)
}

/// [`read`], parsing files of `chunk_bytes` or more in chunks of about a quarter of that (a
/// parameter so that tests exercise the chunked path on small files).
fn read_in_chunks(
    text: &str,
    chunk_bytes: usize,
) -> Result<(BacklogFile, Vec<Problem>), toml::de::Error> {
    if text.len() >= chunk_bytes {
        if let Some(done) = read_chunked(text, chunk_bytes) {
            return Ok(done);
        }
    }
    let doc = DeTable::parse(text)?;
    let mut reader = Reader::default();
    reader.top(doc.get_ref(), 0);
    Ok(reader.into_file())
}

/// Byte offsets where a line starts with the `[[item]]` header (the chunk boundaries),
/// including offset 0 when the file starts with one (no preamble).
fn split_points(text: &str, chunk_bytes: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let clean_end = |start: usize| {
        matches!(
            bytes.get(start + 8).copied(),
            None | Some(b'\n' | b'\r' | b' ' | b'\t' | b'#')
        )
    };
    let mut points = Vec::new();
    if text.starts_with("[[item]]") && clean_end(0) {
        points.push(0);
    }
    let mut last = 0;
    for (i, _) in text.match_indices("\n[[item]]") {
        let start = i + 1;
        // The first header always starts a chunk, so the chunk before it holds no items.
        if clean_end(start) && (points.is_empty() || start - last >= chunk_bytes / 4) {
            points.push(start);
            last = start;
        }
    }
    points
}

/// Parse each chunk on its own (two threads); `None` when the fast path cannot prove it reads
/// the same document as a whole-file parse.
fn read_chunked(text: &str, chunk_bytes: usize) -> Option<(BacklogFile, Vec<Problem>)> {
    let points = split_points(text, chunk_bytes);
    // Whether the first chunk is the preamble before the first header (it holds no items).
    let preamble = points.first() != Some(&0);
    let mut bounds = vec![0];
    bounds.extend(points.into_iter().filter(|&p| p > 0));
    bounds.push(text.len());
    let chunks: Vec<(usize, &str)> = bounds
        .windows(2)
        .map(|w| (w[0], &text[w[0]..w[1]]))
        .collect();
    if chunks.len() < 2 {
        return None;
    }
    let parse = |part: &[(usize, &str)]| -> Option<Vec<ChunkRead>> {
        part.iter()
            .map(|&(offset, chunk)| {
                let doc = DeTable::parse(chunk).ok()?;
                let keys: Vec<String> = doc
                    .get_ref()
                    .iter()
                    .map(|(k, _)| k.get_ref().to_string())
                    .filter(|k| k != "item")
                    .collect();
                // The chunk before the first `[[item]]` header has no items unless they are
                // written another way (`item = [...]`, an indented header); let the
                // whole-file parse handle those rare files.
                if offset == 0 && preamble && doc.get_ref().contains_key("item") {
                    return None;
                }
                let mut reader = Reader::default();
                reader.top(doc.get_ref(), offset);
                Some(ChunkRead { keys, reader })
            })
            .collect()
    };
    let half = chunks.len().div_ceil(2);
    let (first, second) = chunks.split_at(half);
    let (a, b) = std::thread::scope(|s| {
        let h = s.spawn(|| parse(second));
        let a = parse(first);
        (a, h.join().ok().flatten())
    });
    let mut reads = a?;
    reads.extend(b?);
    let mut seen: Vec<String> = Vec::new();
    let mut file = BacklogFile::default();
    let mut problems = Vec::new();
    for r in reads {
        for k in r.keys {
            if seen.contains(&k) {
                return None;
            }
            seen.push(k);
        }
        if r.reader.scoring.is_some() {
            file.scoring = r.reader.scoring;
        }
        file.items.push(r.reader.items);
        problems.extend(r.reader.problems);
    }
    Some((file, problems))
}

struct ChunkRead {
    keys: Vec<String>,
    reader: Reader,
}

#[derive(Default)]
struct Reader {
    scoring: Option<RawScoring>,
    items: Vec<RawItem>,
    problems: Vec<Problem>,
}

fn span(offset: usize, r: Range<usize>) -> Range<usize> {
    r.start + offset..r.end + offset
}

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

impl Reader {
    /// The file read, as one list of items, and its problems.
    fn into_file(self) -> (BacklogFile, Vec<Problem>) {
        let file = BacklogFile {
            scoring: self.scoring,
            items: vec![self.items],
        };
        (file, self.problems)
    }

    fn problem(&mut self, at: usize, code: &'static str, message: String) {
        self.problems.push(Problem { at, code, message });
    }

    fn unknown_key(&mut self, at: usize, key: &str, table: &str, known: &[&str]) {
        let hint = did_you_mean(key, known.iter().copied()).map_or_else(
            || format!(" (expected one of {})", known.join(", ")),
            |s| format!(" (did you mean `{s}`?)"),
        );
        self.problem(
            at,
            codes::B013.code,
            format!("unknown key `{key}` in {table}{hint}"),
        );
    }

    fn top(&mut self, doc: &DeTable<'_>, offset: usize) {
        for (k, v) in doc {
            let at = span(offset, k.span()).start;
            match k.get_ref().as_ref() {
                "scoring" => self.scoring(v, offset),
                "item" => match v.get_ref() {
                    DeValue::Array(items) => {
                        for it in items.iter() {
                            self.item(it, offset);
                        }
                    }
                    other => self.problem(
                        at,
                        codes::B014.code,
                        format!(
                            "`item` must be an array of tables (`[[item]]`), got {}",
                            type_name(other)
                        ),
                    ),
                },
                other => self.unknown_key(at, other, "the backlog", TOP_KEYS),
            }
        }
    }

    fn string(
        &mut self,
        v: &Spanned<DeValue<'_>>,
        offset: usize,
        what: &str,
    ) -> Option<Spanned<String>> {
        let s = span(offset, v.span());
        match v.get_ref() {
            DeValue::String(x) => Some(Spanned::new(s, x.to_string())),
            other => {
                self.problem(
                    s.start,
                    codes::B014.code,
                    format!("{what} must be a string, got {}", type_name(other)),
                );
                None
            }
        }
    }

    fn boolean(
        &mut self,
        v: &Spanned<DeValue<'_>>,
        offset: usize,
        what: &str,
    ) -> Option<Spanned<bool>> {
        let s = span(offset, v.span());
        match v.get_ref() {
            DeValue::Boolean(x) => Some(Spanned::new(s, *x)),
            other => {
                self.problem(
                    s.start,
                    codes::B014.code,
                    format!("{what} must be true or false, got {}", type_name(other)),
                );
                None
            }
        }
    }

    fn scalar(
        &mut self,
        v: &Spanned<DeValue<'_>>,
        offset: usize,
        what: &str,
    ) -> Option<Spanned<Scalar>> {
        let s = span(offset, v.span());
        let x = match v.get_ref() {
            DeValue::String(x) => Scalar::Str(x.to_string()),
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                #[allow(clippy::cast_precision_loss)]
                Ok(n) => Scalar::Num(n as f64),
                Err(_) => {
                    self.problem(
                        s.start,
                        codes::B014.code,
                        format!("{what}: integer out of range"),
                    );
                    return None;
                }
            },
            DeValue::Float(f) => match f.as_str().parse::<f64>() {
                Ok(x) => Scalar::Num(x),
                Err(_) => {
                    self.problem(
                        s.start,
                        codes::B014.code,
                        format!("{what}: unreadable number"),
                    );
                    return None;
                }
            },
            other => Scalar::Other(type_name(other)),
        };
        Some(Spanned::new(s, x))
    }

    fn strings(
        &mut self,
        v: &Spanned<DeValue<'_>>,
        offset: usize,
        what: &str,
    ) -> Vec<Spanned<String>> {
        match v.get_ref() {
            DeValue::Array(a) => a
                .iter()
                .filter_map(|x| self.string(x, offset, &format!("each entry of {what}")))
                .collect(),
            other => {
                self.problem(
                    span(offset, v.span()).start,
                    codes::B014.code,
                    format!(
                        "{what} must be an array of strings, got {}",
                        type_name(other)
                    ),
                );
                Vec::new()
            }
        }
    }

    fn scoring(&mut self, v: &Spanned<DeValue<'_>>, offset: usize) {
        let DeValue::Table(t) = v.get_ref() else {
            self.problem(
                span(offset, v.span()).start,
                codes::B014.code,
                format!("`scoring` must be a table, got {}", type_name(v.get_ref())),
            );
            return;
        };
        let mut raw = RawScoring::default();
        for (k, v) in t {
            let at = span(offset, k.span()).start;
            match k.get_ref().as_ref() {
                "reach_period" => raw.reach_period = self.string(v, offset, "`reach_period`"),
                "effort_unit" => raw.effort_unit = self.string(v, offset, "`effort_unit`"),
                "propagation" => raw.propagation = self.string(v, offset, "`propagation`"),
                "decay" => raw.decay = self.scalar(v, offset, "`decay`"),
                "tshirt" => {
                    let DeValue::Table(sizes) = v.get_ref() else {
                        self.problem(
                            at,
                            codes::B014.code,
                            format!(
                                "`tshirt` must be a table of sizes, got {}",
                                type_name(v.get_ref())
                            ),
                        );
                        continue;
                    };
                    let mut list = Vec::new();
                    for (size, effort) in sizes {
                        if let Some(e) = self.scalar(effort, offset, "a t-shirt size") {
                            list.push((
                                Spanned::new(span(offset, size.span()), size.get_ref().to_string()),
                                e,
                            ));
                        }
                    }
                    raw.tshirt = Some(Spanned::new(span(offset, v.span()), list));
                }
                other => self.unknown_key(at, other, "`[scoring]`", SCORING_KEYS),
            }
        }
        self.scoring = Some(raw);
    }

    fn item(&mut self, v: &Spanned<DeValue<'_>>, offset: usize) {
        let start = span(offset, v.span()).start;
        let DeValue::Table(t) = v.get_ref() else {
            self.problem(
                start,
                codes::B014.code,
                format!(
                    "each `item` must be a table, got {}",
                    type_name(v.get_ref())
                ),
            );
            return;
        };
        let mut raw = RawItem {
            start,
            ..RawItem::default()
        };
        for (k, v) in t {
            let at = span(offset, k.span()).start;
            match k.get_ref().as_ref() {
                "id" => raw.id = self.string(v, offset, "`id`"),
                "title" => raw.title = self.string(v, offset, "`title`"),
                "description" => raw.description = self.string(v, offset, "`description`"),
                "reach" => raw.reach = self.scalar(v, offset, "`reach`"),
                "impact" => raw.impact = self.scalar(v, offset, "`impact`"),
                "confidence" => raw.confidence = self.scalar(v, offset, "`confidence`"),
                "effort" => raw.effort = self.scalar(v, offset, "`effort`"),
                "depends_on" => raw.depends_on = self.strings(v, offset, "`depends_on`"),
                "status" => raw.status = self.string(v, offset, "`status`"),
                "url" => raw.url = self.string(v, offset, "`url`"),
                "needs_estimate" => {
                    raw.needs_estimate = self.boolean(v, offset, "`needs_estimate`");
                }
                "tags" => {
                    raw.tags = self
                        .strings(v, offset, "`tags`")
                        .into_iter()
                        .map(Spanned::into_inner)
                        .collect();
                }
                other => {
                    let name = t
                        .get("id")
                        .and_then(|id| id.get_ref().as_str())
                        .map_or_else(|| "an `[[item]]`".to_owned(), |id| format!("item `{id}`"));
                    self.unknown_key(at, other, &name, ITEM_KEYS);
                }
            }
        }
        let present: Vec<&str> = t.iter().map(|(k, _)| k.get_ref().as_ref()).collect();
        let missing: Vec<&str> = REQUIRED_ITEM_KEYS
            .iter()
            .copied()
            .filter(|k| !present.contains(k))
            .collect();
        if !missing.is_empty() {
            let name = raw.id.as_ref().map_or_else(
                || "an `[[item]]`".to_owned(),
                |id| format!("item `{}`", id.get_ref()),
            );
            let keys: Vec<String> = missing.iter().map(|k| format!("`{k}`")).collect();
            self.problem(
                start,
                codes::B014.code,
                format!("{name} is missing required key(s) {}", keys.join(", ")),
            );
        }
        self.items.push(raw);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(i: usize, title: &str) -> String {
        format!(
            "[[item]]\nid = \"i{i}\"\ntitle = {title}\nreach = {i}\nimpact = 1\nconfidence = 1.0\neffort = 1\ndepends_on = [{}]\n\n",
            if i > 0 {
                format!("\"i{}\"", i - 1)
            } else {
                String::new()
            }
        )
    }

    fn summary(f: &BacklogFile) -> Vec<(String, usize, Vec<String>)> {
        f.iter()
            .map(|it| {
                (
                    it.id
                        .as_ref()
                        .map(|x| x.get_ref().clone())
                        .unwrap_or_default(),
                    it.id.as_ref().map_or(0, |x| x.span().start),
                    it.depends_on.iter().map(|d| d.get_ref().clone()).collect(),
                )
            })
            .collect()
    }

    /// Small chunks: the chunked path on a few hundred items instead of a megabyte.
    const TEST_CHUNK: usize = 4 << 10;

    #[test]
    fn chunked_reading_matches_a_whole_file_parse() {
        let mut text = String::from("[scoring]\npropagation = \"sum\"\n\n");
        for i in 0..300 {
            text.push_str(&item(i, "\"T\""));
        }
        assert!(text.len() > 4 * TEST_CHUNK);
        let (chunked, p1) = read_chunked(&text, TEST_CHUNK).expect("chunked path applies");
        let doc = DeTable::parse(&text).expect("valid");
        let mut whole = Reader::default();
        whole.top(doc.get_ref(), 0);
        let (whole, p2) = whole.into_file();
        assert_eq!(summary(&chunked), summary(&whole));
        assert_eq!(p1.len(), p2.len());
        assert!(chunked.scoring.is_some());
    }

    #[test]
    fn a_file_without_a_preamble_is_read_in_chunks() {
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&item(i, "\"T\""));
        }
        assert!(text.starts_with("[[item]]"));
        let (chunked, p1) = read_chunked(&text, TEST_CHUNK).expect("chunked path applies");
        let doc = DeTable::parse(&text).expect("valid");
        let mut whole = Reader::default();
        whole.top(doc.get_ref(), 0);
        let (whole, p2) = whole.into_file();
        assert_eq!(summary(&chunked), summary(&whole));
        assert_eq!(chunked.len(), 300);
        assert!(chunked.items.len() > 1, "read in more than one chunk");
        assert_eq!(p1.len(), p2.len());
        assert!(chunked.scoring.is_none());
    }

    #[test]
    fn scoring_split_over_chunks_falls_back() {
        let mut text = String::from("[scoring]\npropagation = \"sum\"\n\n");
        for i in 0..300 {
            text.push_str(&item(i, "\"T\""));
        }
        text.push_str("[scoring.tshirt]\nM = 3\n");
        assert!(read_chunked(&text, TEST_CHUNK).is_none());
        let (f, p) = read_in_chunks(&text, TEST_CHUNK).expect("valid TOML");
        assert!(p.is_empty());
        assert_eq!(
            f.scoring.and_then(|s| s.tshirt).map(|t| t.get_ref().len()),
            Some(1)
        );
    }

    #[test]
    fn a_header_inside_a_multiline_string_is_not_a_boundary() {
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&item(i, "\"\"\"multi\n[[item]]\nline\"\"\""));
        }
        assert!(text.len() > 4 * TEST_CHUNK);
        let (f, p) = read_in_chunks(&text, TEST_CHUNK).expect("valid TOML");
        assert!(p.is_empty());
        assert_eq!(f.len(), 300);
        assert!(f.iter().all(|it| {
            it.title
                .as_ref()
                .is_some_and(|t| t.get_ref().contains("[[item]]"))
        }));
    }
}
