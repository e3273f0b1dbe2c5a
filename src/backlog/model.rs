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

mod fast;

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
    pub(crate) id: Option<Spanned<String>>,
    pub(crate) title: Option<Spanned<String>>,
    pub(crate) reach: Option<Spanned<Scalar>>,
    pub(crate) impact: Option<Spanned<Scalar>>,
    pub(crate) confidence: Option<Spanned<Scalar>>,
    pub(crate) effort: Option<Spanned<Scalar>>,
    pub(crate) depends_on: Vec<Spanned<String>>,
    pub(crate) description: Option<Spanned<String>>,
    /// The rarer optional keys, boxed once an item has any of them: every raw item of the
    /// file is alive at once, and inline they would add 120 bytes to each (120 MB at a
    /// million).
    pub(crate) extra: Option<Box<RawExtra>>,
}

/// The optional keys of an `[[item]]` other than `depends_on` and `description`.
#[derive(Debug, Default)]
pub(crate) struct RawExtra {
    pub(crate) status: Option<Spanned<String>>,
    pub(crate) tags: Vec<String>,
    /// Optional link to where the item is tracked (an issue's URL).
    pub(crate) url: Option<Spanned<String>>,
    /// Optional: the estimates are defaults put in by `import`, not someone's judgement.
    pub(crate) needs_estimate: Option<Spanned<bool>>,
}

impl RawItem {
    fn extra(&mut self) -> &mut RawExtra {
        self.extra.get_or_insert_with(Box::default)
    }
}

/// The whole file.
#[derive(Debug, Default)]
pub(crate) struct BacklogFile {
    pub(crate) scoring: Option<RawScoring>,
    /// The items in file order, in the chunks they were read in (one list per chunk of the
    /// two-thread reader), so validation can free each chunk's list once it is through it and
    /// the lists are never copied into one.
    pub(crate) items: Vec<Vec<RawItem>>,
    /// `item` is not an array of tables (`[item]`): the reason the file has no items, which
    /// validation then does not report a second time.
    pub(crate) items_mistyped: bool,
}

impl BacklogFile {
    /// How many items the file has.
    pub(crate) fn len(&self) -> usize {
        self.items.iter().map(Vec::len).sum()
    }

    /// The items in file order.
    #[cfg(test)]
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
    if let Some(readers) = fast::read(text) {
        let mut file = BacklogFile::default();
        let mut problems = Vec::new();
        for r in readers {
            if r.scoring.is_some() {
                file.scoring = r.scoring;
            }
            file.items.extend(r.full);
            file.items.push(r.items);
            file.items_mistyped |= r.items_mistyped;
            problems.extend(r.problems);
        }
        return Ok((file, problems));
    }
    read_slow(text, chunk_bytes)
}

/// [`read_in_chunks`] with the toml crate only (the reference the fast reader is tested
/// against, and its fallback).
fn read_slow(
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
        file.items_mistyped |= r.reader.items_mistyped;
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
    /// Lists of items already full (the fast reader's, of [`fast::LIST_ITEMS`] each), before
    /// `items`.
    full: Vec<Vec<RawItem>>,
    items: Vec<RawItem>,
    problems: Vec<Problem>,
    items_mistyped: bool,
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

/// A value as the field dispatch ([`Reader::item`]) sees it, whichever reader produced it: the
/// toml crate's spanned tree ([`De`]) or the fast reader's values (`fast::Value`). Every key
/// of an item goes through the same dispatch, so a field added there is read the same way by
/// both.
pub(crate) trait Val: Sized {
    /// Byte range in the whole file.
    fn span(&self) -> Range<usize>;
    /// The TOML type, with its article, for error messages.
    fn type_name(&self) -> &'static str;
    /// The text of a string value.
    fn as_str(&self) -> Option<&str>;
    /// A boolean value (for boolean item fields).
    fn as_bool(&self) -> Option<bool>;
    /// An integer or float: the number, or why it could not be read. `None` for other types.
    fn number(&self, what: &str) -> Option<Result<f64, String>>;
    /// An entry of an array.
    type Elem<'e>: Val
    where
        Self: 'e;
    /// The entries of an array.
    fn elements(&self) -> Option<Vec<Self::Elem<'_>>>;
}

/// A value of the toml crate's tree, with the offset of the chunk it was parsed from.
#[derive(Clone, Copy)]
pub(crate) struct De<'a, 'b> {
    v: &'a Spanned<DeValue<'b>>,
    offset: usize,
}

impl<'a, 'b> Val for De<'a, 'b> {
    type Elem<'e>
        = De<'a, 'b>
    where
        Self: 'e;

    fn span(&self) -> Range<usize> {
        span(self.offset, self.v.span())
    }

    fn type_name(&self) -> &'static str {
        type_name(self.v.get_ref())
    }

    fn as_str(&self) -> Option<&str> {
        match self.v.get_ref() {
            DeValue::String(x) => Some(x.as_ref()),
            _ => None,
        }
    }

    fn as_bool(&self) -> Option<bool> {
        match self.v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => None,
        }
    }

    fn number(&self, what: &str) -> Option<Result<f64, String>> {
        match self.v.get_ref() {
            DeValue::Integer(i) => Some(match i64::from_str_radix(i.as_str(), i.radix()) {
                #[allow(clippy::cast_precision_loss)]
                Ok(n) => Ok(n as f64),
                Err(_) => Err(format!("{what}: integer out of range")),
            }),
            DeValue::Float(f) => Some(
                f.as_str()
                    .parse::<f64>()
                    .map_err(|_| format!("{what}: unreadable number")),
            ),
            _ => None,
        }
    }

    fn elements(&self) -> Option<Vec<De<'a, 'b>>> {
        match self.v.get_ref() {
            DeValue::Array(a) => Some(
                a.iter()
                    .map(|v| De {
                        v,
                        offset: self.offset,
                    })
                    .collect(),
            ),
            _ => None,
        }
    }
}

/// An item's keys in file order: name, byte offset of the key, value.
pub(crate) type Fields<'k, V> = [(&'k str, usize, V)];

impl Reader {
    /// The file read, as one list of items, and its problems.
    fn into_file(self) -> (BacklogFile, Vec<Problem>) {
        let file = BacklogFile {
            scoring: self.scoring,
            items: vec![self.items],
            items_mistyped: self.items_mistyped,
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
                            self.de_item(it, offset);
                        }
                    }
                    other => {
                        self.items_mistyped = true;
                        self.problem(
                            at,
                            codes::B014.code,
                            format!(
                                "`item` must be an array of tables (`[[item]]`), got {}",
                                type_name(other)
                            ),
                        );
                    }
                },
                other => self.unknown_key(at, other, "the backlog", TOP_KEYS),
            }
        }
    }

    fn string<V: Val>(&mut self, v: &V, what: &str) -> Option<Spanned<String>> {
        let s = v.span();
        if let Some(x) = v.as_str() {
            return Some(Spanned::new(s, x.to_owned()));
        }
        self.problem(
            s.start,
            codes::B014.code,
            format!("{what} must be a string, got {}", v.type_name()),
        );
        None
    }

    fn boolean<V: Val>(&mut self, v: &V, what: &str) -> Option<Spanned<bool>> {
        let s = v.span();
        if let Some(x) = v.as_bool() {
            return Some(Spanned::new(s, x));
        }
        self.problem(
            s.start,
            codes::B014.code,
            format!("{what} must be true or false, got {}", v.type_name()),
        );
        None
    }

    fn scalar<V: Val>(&mut self, v: &V, what: &str) -> Option<Spanned<Scalar>> {
        let s = v.span();
        let x = if let Some(x) = v.as_str() {
            Scalar::Str(x.to_owned())
        } else {
            match v.number(what) {
                Some(Ok(x)) => Scalar::Num(x),
                Some(Err(message)) => {
                    self.problem(s.start, codes::B014.code, message);
                    return None;
                }
                None => Scalar::Other(v.type_name()),
            }
        };
        Some(Spanned::new(s, x))
    }

    fn strings<V: Val>(&mut self, v: &V, what: &str) -> Vec<Spanned<String>> {
        match v.elements() {
            Some(a) => {
                let mut out = Vec::with_capacity(a.len());
                for x in &a {
                    // The message is only written for an entry that is not a string.
                    match x.as_str() {
                        Some(s) => out.push(Spanned::new(x.span(), s.to_owned())),
                        None => {
                            let _ = self.string(x, &format!("each entry of {what}"));
                        }
                    }
                }
                out
            }
            None => {
                self.problem(
                    v.span().start,
                    codes::B014.code,
                    format!("{what} must be an array of strings, got {}", v.type_name()),
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
        let de = |v| De { v, offset };
        let mut raw = RawScoring::default();
        for (k, v) in t {
            let at = span(offset, k.span()).start;
            match k.get_ref().as_ref() {
                "reach_period" => raw.reach_period = self.string(&de(v), "`reach_period`"),
                "effort_unit" => raw.effort_unit = self.string(&de(v), "`effort_unit`"),
                "propagation" => raw.propagation = self.string(&de(v), "`propagation`"),
                "decay" => raw.decay = self.scalar(&de(v), "`decay`"),
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
                        if let Some(e) = self.scalar(&de(effort), "a t-shirt size") {
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

    /// One `[[item]]` of the toml crate's tree.
    fn de_item(&mut self, v: &Spanned<DeValue<'_>>, offset: usize) {
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
        let fields: Vec<(&str, usize, De<'_, '_>)> = t
            .iter()
            .map(|(k, v)| {
                (
                    k.get_ref().as_ref(),
                    span(offset, k.span()).start,
                    De { v, offset },
                )
            })
            .collect();
        self.item(start, &fields);
    }

    /// One `[[item]]` table, from either reader: its byte offset and its keys in file order.
    pub(crate) fn item<V: Val>(&mut self, start: usize, t: &Fields<'_, V>) {
        let mut raw = RawItem::default();
        for (k, at, v) in t {
            let at = *at;
            match *k {
                "id" => raw.id = self.string(v, "`id`"),
                "title" => raw.title = self.string(v, "`title`"),
                "description" => raw.description = self.string(v, "`description`"),
                "reach" => raw.reach = self.scalar(v, "`reach`"),
                "impact" => raw.impact = self.scalar(v, "`impact`"),
                "confidence" => raw.confidence = self.scalar(v, "`confidence`"),
                "effort" => raw.effort = self.scalar(v, "`effort`"),
                "depends_on" => raw.depends_on = self.strings(v, "`depends_on`"),
                "status" => raw.extra().status = self.string(v, "`status`"),
                "url" => raw.extra().url = self.string(v, "`url`"),
                "needs_estimate" => {
                    raw.extra().needs_estimate = self.boolean(v, "`needs_estimate`");
                }
                "tags" => {
                    raw.extra().tags = self
                        .strings(v, "`tags`")
                        .into_iter()
                        .map(Spanned::into_inner)
                        .collect();
                }
                other => {
                    let name = t
                        .iter()
                        .find(|(k, _, _)| *k == "id")
                        .and_then(|(_, _, id)| id.as_str())
                        .map_or_else(|| "an `[[item]]`".to_owned(), |id| format!("item `{id}`"));
                    self.unknown_key(at, other, &name, ITEM_KEYS);
                }
            }
        }
        let missing: Vec<&str> = REQUIRED_ITEM_KEYS
            .iter()
            .copied()
            .filter(|k| !t.iter().any(|(p, _, _)| p == k))
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

    /// Everything a read produced, in file order, spans included. Problems are sorted by
    /// position as validation sorts them (the toml crate's tables iterate keys in their own
    /// order).
    fn dump(r: Result<(BacklogFile, Vec<Problem>), toml::de::Error>) -> String {
        match r {
            Ok((f, mut p)) => format!(
                "{:?}\n{:#?}\n{:#?}",
                f.scoring,
                f.iter().collect::<Vec<_>>(),
                {
                    p.sort_by(|a, b| (a.at, &a.message).cmp(&(b.at, &b.message)));
                    p
                }
            ),
            Err(e) => format!("error {e}"),
        }
    }

    /// The fast reader gives the same raw file and problems as the toml crate, or gives up.
    fn same_as_toml(text: &str) -> bool {
        let Some(readers) = fast::read(text) else {
            return false;
        };
        let mut file = BacklogFile::default();
        let mut problems = Vec::new();
        for r in readers {
            if r.scoring.is_some() {
                file.scoring = r.scoring;
            }
            file.items.extend(r.full);
            file.items.push(r.items);
            problems.extend(r.problems);
        }
        let fast = dump(Ok((file, problems)));
        let slow = dump(read_slow(text, usize::MAX));
        assert_eq!(fast, slow, "fast reader differs on:\n{text}");
        true
    }

    #[test]
    fn the_fast_reader_reads_every_fixture_like_the_toml_crate() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
        let mut files = vec![format!("{root}/backlog.toml")];
        for dir in ["backlog", "bad"] {
            let mut names: Vec<_> = std::fs::read_dir(format!("{root}/{dir}"))
                .expect("fixtures")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().is_some_and(|x| x == "toml")
                        && (dir == "backlog"
                            || p.file_name()
                                .is_some_and(|n| n.to_string_lossy().starts_with("backlog")))
                })
                .collect();
            names.sort();
            files.extend(names.into_iter().map(|p| p.display().to_string()));
        }
        let mut fast = 0;
        for f in &files {
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            };
            if same_as_toml(&text) {
                fast += 1;
            }
        }
        // Most fixtures are in the subset; the syntax errors are not.
        assert!(fast * 2 > files.len(), "{fast} of {}", files.len());
    }

    #[test]
    fn the_fast_reader_reads_values_of_every_kind_like_the_toml_crate() {
        let item = |extra: &str| {
            format!(
                "[[item]]\nid = \"a\"\ntitle = \"T\"\nreach = 1\nimpact = 1\nconfidence = 1.0\neffort = 1\n{extra}\n"
            )
        };
        let fast = [
            item(r#"description = "tab\t, quote \", \u00e9 \U0001F600 é"  # c"#),
            item(r"description = 'lit \ eral'"),
            item("depends_on = []"),
            item(r#"depends_on = [ "x" , 'y', ]"#),
            item("tags = [\"a\",\"b\"]\n# comment\n\n"),
            item("reach2 = true"),
            item("url = \"https://example.org\"\nneeds_estimate = false"),
            item("description = 12"),
            item("depends_on = \"x\""),
            item("depends_on = [\"x\", \"\"]"),
            format!("# preamble\n\n{}", item("")),
            format!(
                "[scoring]\npropagation = \"sum\"\n[scoring.tshirt]\nM = 3\n\n{}",
                item("")
            ),
            format!("top = 1\n{}", item("")),
            item("").replace('\n', "\r\n"),
            format!("  [[item]]  # indented\n\tid = \"x\"\n{}", item("")),
            "[[item]]\n".to_owned(),
            "[[item]]\n[[item]]\nid = 'only'\n".to_owned(),
        ];
        for text in &fast {
            assert!(same_as_toml(text), "fast reader gave up on:\n{text}");
        }
        for effort in [
            "-0.5e3",
            "+7",
            "9223372036854775807",
            "1E-2",
            "0",
            "-0",
            "0.0",
        ] {
            let text = item("").replace("effort = 1", &format!("effort = {effort}"));
            assert!(same_as_toml(&text), "fast reader gave up on:\n{text}");
        }
        let fallback = [
            item("description = \"\"\"multi\nline\"\"\""),
            item("description = '''lit'''"),
            item("depends_on = [\n\"x\"]"),
            item("depends_on = [1, 2]"),
            item("meta = { a = 1 }"),
            item("a.b = 1"),
            item("\"quoted\" = 1"),
            item("day = 2024-01-01"),
            item("id = \"dup\""),
            item(r#"title2 = "bad \q escape""#),
            item("title2 = \"ctl \u{1} char\""),
            item("title2 = \"unterminated"),
            item("title2 = \"x\" y"),
            item("truex = truey"),
            format!("{}[other]\nx = 1\n", item("")),
            format!("{}[[item.sub]]\nx = 1\n", item("")),
            format!("item = []\n{}", item("")),
            format!("\u{feff}{}", item("")),
            "no items = here\n".to_owned(),
            format!("{}# bad \u{7f} comment\n", item("")),
            format!("{}x = 1\rtitle2 = 'y'\n", item("")),
        ];
        for text in &fallback {
            assert!(fast::read(text).is_none(), "fast reader accepted:\n{text}");
        }
        for effort in [
            "1_000",
            "01",
            "inf",
            "nan",
            "0x10",
            "1.",
            ".5",
            "99999999999999999999",
            "1e",
            "+",
        ] {
            let text = item("").replace("effort = 1", &format!("effort = {effort}"));
            assert!(fast::read(&text).is_none(), "fast reader accepted:\n{text}");
        }
    }

    #[test]
    fn the_fast_reader_reads_generated_backlogs_like_the_toml_crate() {
        // Two threads from 1 MB on: a file of about 1.5 MB, with a preamble and without.
        let mut text = String::from("[scoring]\npropagation = \"max\"\n\n");
        for i in 0..9000 {
            text.push_str(&item(i, &format!(r#""Item {i} \"q\" é""#)));
            if i % 7 == 0 {
                text.push_str("[[item]]\nid = 'x'\nstatus = \"done\"\ntags = ['x', \"y\"]\n\n");
            }
        }
        assert!(text.len() > 1 << 20);
        assert!(same_as_toml(&text));
        let (f, _) = read(&text).expect("valid");
        assert_eq!(f.items.len(), 2, "read on two threads");
        let nopre = &text[text.find("[[item]]").expect("items")..];
        assert!(same_as_toml(nopre));
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
        let (f, p) = read_slow(&text, TEST_CHUNK).expect("valid TOML");
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
        let (f, p) = read_slow(&text, TEST_CHUNK).expect("valid TOML");
        assert!(p.is_empty());
        assert_eq!(f.len(), 300);
        assert!(f.iter().all(|it| {
            it.title
                .as_ref()
                .is_some_and(|t| t.get_ref().contains("[[item]]"))
        }));
    }
}
