//! The fast path of reading `backlog.toml`: a hand-written reader for the subset of TOML that
//! backlogs use, feeding the same field dispatch as the toml crate's tree ([`Reader::item`]).
//!
//! After an optional preamble (everything before the first `[[item]]` line, parsed by the toml
//! crate: it holds `[scoring]`), every line must be blank, a comment, an `[[item]]` header or
//! `key = value` with a bare key and one of: a basic string (with the escapes `\b \t \n \f \r
//! \" \\ \uXXXX \UXXXXXXXX`), a literal string, a decimal integer, a float, `true`/`false`,
//! or a one-line array of strings; each optionally followed by a comment. Anything else
//! (multi-line strings or arrays, inline tables, dotted or quoted keys, other tables,
//! datetimes, `inf`/`nan`, underscores in numbers, a duplicate key, control characters) makes
//! the fast path give up (`None`), and the caller parses the whole file with the toml crate, so
//! every error message, with its line and column, is the toml crate's as before. Spans are the
//! toml crate's: a value's starts at its first character (a string's at its quote), a key's at
//! the key, an item's at its `[[item]]` header.
use std::borrow::Cow;
use std::ops::Range;

use toml::de::DeTable;

use super::{Reader, Val};

/// A value the fast reader understands.
#[derive(Debug)]
pub(super) struct Value<'t> {
    span: Range<usize>,
    kind: Kind<'t>,
}

#[derive(Debug)]
enum Kind<'t> {
    Str(Cow<'t, str>),
    Int(i64),
    Float(f64),
    Bool(bool),
    Array(Vec<Value<'t>>),
}

impl<'t> Val for Value<'t> {
    type Elem<'e>
        = &'e Value<'t>
    where
        Self: 'e;

    fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Str(_) => "a string",
            Kind::Int(_) => "an integer",
            Kind::Float(_) => "a float",
            Kind::Bool(_) => "a boolean",
            Kind::Array(_) => "an array",
        }
    }

    fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    fn as_bool(&self) -> Option<bool> {
        match self.kind {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn number(&self, _what: &str) -> Option<Result<f64, String>> {
        match self.kind {
            #[allow(clippy::cast_precision_loss)]
            Kind::Int(n) => Some(Ok(n as f64)),
            Kind::Float(x) => Some(Ok(x)),
            _ => None,
        }
    }

    fn elements(&self) -> Option<Vec<&Value<'t>>> {
        match &self.kind {
            Kind::Array(a) => Some(a.iter().collect()),
            _ => None,
        }
    }
}

/// An array's entries, as [`Val`]s.
impl<'t> Val for &Value<'t> {
    type Elem<'e>
        = &'e Value<'t>
    where
        Self: 'e;

    fn span(&self) -> Range<usize> {
        <Value<'t> as Val>::span(self)
    }

    fn type_name(&self) -> &'static str {
        <Value<'t> as Val>::type_name(self)
    }

    fn as_str(&self) -> Option<&str> {
        <Value<'t> as Val>::as_str(self)
    }

    fn as_bool(&self) -> Option<bool> {
        <Value<'t> as Val>::as_bool(self)
    }

    fn number(&self, what: &str) -> Option<Result<f64, String>> {
        <Value<'t> as Val>::number(self, what)
    }

    fn elements(&self) -> Option<Vec<&Value<'t>>> {
        <Value<'t> as Val>::elements(self)
    }
}

/// Items per list of raw items (see `items`).
pub(super) const LIST_ITEMS: usize = 1 << 16;

/// Files at least this large are read on two threads.
const SPLIT_BYTES: usize = 1 << 20;

/// Read `text` with the fast reader: the preamble's keys and every item go through a
/// [`Reader`] (two for large files, in file order); `None` when the file leaves the subset.
pub(super) fn read(text: &str) -> Option<Vec<Reader>> {
    if text.starts_with('\u{feff}') {
        return None;
    }
    let first = first_header(text)?;
    let mut head = Reader::default();
    if first > 0 {
        let doc = DeTable::parse(&text[..first]).ok()?;
        if doc.get_ref().contains_key("item") {
            return None;
        }
        head.top(doc.get_ref(), 0);
    }
    let rest = text.len() - first;
    let middle = if rest >= SPLIT_BYTES {
        text[first + rest / 2..]
            .match_indices("\n[[item]]")
            .map(|(i, _)| first + rest / 2 + i + 1)
            .find(|&p| clean_header(text, p))
    } else {
        None
    };
    match middle {
        None => {
            items(text, first, text.len(), &mut head)?;
            Some(vec![head])
        }
        Some(m) => {
            let (a, b) = std::thread::scope(|s| {
                let h = s.spawn(|| {
                    let mut r = Reader::default();
                    items(text, m, text.len(), &mut r).map(|()| r)
                });
                let a = items(text, first, m, &mut head);
                (a, h.join().ok().flatten())
            });
            a?;
            Some(vec![head, b?])
        }
    }
}

/// Whether an `[[item]]` header starts at byte `at` and nothing but blanks or a comment
/// follows it on its line.
fn clean_header(text: &str, at: usize) -> bool {
    text[at..].starts_with("[[item]]") && {
        let b = text.as_bytes();
        let mut i = at + 8;
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        matches!(b.get(i), None | Some(b'\n' | b'\r' | b'#'))
    }
}

/// Byte offset of the first `[[` that starts a line (after blanks), when it is a plain
/// `[[item]]` header.
fn first_header(text: &str) -> Option<usize> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start_matches([' ', '\t']);
        if t.starts_with("[[") {
            let at = start + line.len() - t.len();
            return clean_header(text, at).then_some(at);
        }
        start += line.len();
    }
    None
}

/// Read the items of `text[from..to]`, which starts with an `[[item]]` header, into `reader`.
fn items(text: &str, from: usize, to: usize, reader: &mut Reader) -> Option<()> {
    // Lists of at most LIST_ITEMS items, each allocated at its final size: validation frees
    // each list once it is through it, and a list grown by doubling could hold twice what it
    // needs (at a million items, the largest allocation of the run).
    let mut left = 1 + text[from..to].matches("\n[[item]]").count();
    reader.items.reserve(left.min(LIST_ITEMS));
    let mut fields: Vec<(&str, usize, Value<'_>)> = Vec::with_capacity(16);
    let mut start: Option<usize> = None;
    let bytes = text.as_bytes();
    let mut at = from;
    // Line by line (a byte search: lines are short, and `split_inclusive` costs more per line
    // than the search).
    while at < to {
        let line_start = at;
        at = bytes[at..to]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(to, |k| at + k + 1);
        let line = &text[line_start..at];
        let body = line.strip_suffix('\n').unwrap_or(line);
        let body = body.strip_suffix('\r').unwrap_or(body);
        let mut p = Cursor {
            text,
            pos: line_start,
            end: line_start + body.len(),
        };
        p.blanks();
        match p.peek() {
            None => continue,
            Some(b'#') => {
                p.comment()?;
                continue;
            }
            Some(b'[') => {
                if !text[p.pos..p.end].starts_with("[[item]]") {
                    return None;
                }
                let header = p.pos;
                p.pos += 8;
                p.end_of_line()?;
                if let Some(s) = start.replace(header) {
                    reader.item(s, &fields);
                    fields.clear();
                    left = left.saturating_sub(1);
                    if reader.items.len() >= LIST_ITEMS {
                        let next = Vec::with_capacity(left.clamp(1, LIST_ITEMS));
                        let list = std::mem::replace(&mut reader.items, next);
                        reader.full.push(list);
                    }
                }
                continue;
            }
            Some(_) => {}
        }
        start?;
        let key_at = p.pos;
        let key = p.bare_key()?;
        p.blanks();
        if p.peek() != Some(b'=') {
            return None;
        }
        p.pos += 1;
        p.blanks();
        let value = p.value()?;
        p.end_of_line()?;
        if fields.iter().any(|(k, _, _)| *k == key) {
            return None;
        }
        fields.push((key, key_at, value));
    }
    if let Some(s) = start {
        reader.item(s, &fields);
    }
    Some(())
}

/// A position in one line of the text (`end` is the line's end, without its newline).
struct Cursor<'t> {
    text: &'t str,
    pos: usize,
    end: usize,
}

impl<'t> Cursor<'t> {
    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.text.as_bytes()[self.pos])
    }

    fn blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// A comment to the end of the line: no control characters but tab.
    fn comment(&mut self) -> Option<()> {
        let ok = self.text.as_bytes()[self.pos..self.end]
            .iter()
            .all(|&c| c == b'\t' || (c >= 0x20 && c != 0x7f));
        self.pos = self.end;
        ok.then_some(())
    }

    /// Blanks and an optional comment, then the end of the line.
    fn end_of_line(&mut self) -> Option<()> {
        self.blanks();
        match self.peek() {
            None => Some(()),
            Some(b'#') => self.comment(),
            Some(_) => None,
        }
    }

    fn bare_key(&mut self) -> Option<&'t str> {
        let from = self.pos;
        self.pos += self.text.as_bytes()[from..self.end]
            .iter()
            .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'-'))
            .unwrap_or(self.end - from);
        (self.pos > from).then(|| &self.text[from..self.pos])
    }

    fn value(&mut self) -> Option<Value<'t>> {
        let from = self.pos;
        let kind = match self.peek()? {
            b'"' | b'\'' => Kind::Str(self.string()?),
            b'[' => {
                self.pos += 1;
                let mut list = Vec::new();
                loop {
                    self.blanks();
                    match self.peek()? {
                        b']' => break,
                        b'"' | b'\'' => {
                            let at = self.pos;
                            let s = self.string()?;
                            list.push(Value {
                                span: at..self.pos,
                                kind: Kind::Str(s),
                            });
                        }
                        _ => return None,
                    }
                    self.blanks();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b']' => break,
                        _ => return None,
                    }
                }
                self.pos += 1;
                Kind::Array(list)
            }
            b't' | b'f' => {
                let rest = &self.text[self.pos..self.end];
                let yes = rest.starts_with("true");
                if !yes && !rest.starts_with("false") {
                    return None;
                }
                self.pos += if yes { 4 } else { 5 };
                Kind::Bool(yes)
            }
            _ => self.number()?,
        };
        // A value ends at a blank, a comment or the end of the line.
        if !matches!(self.peek(), None | Some(b' ' | b'\t' | b'#')) {
            return None;
        }
        Some(Value {
            span: from..self.pos,
            kind,
        })
    }

    /// A decimal integer or float without underscores: `[+-]?(0|[1-9][0-9]*)(\.[0-9]+)?
    /// ([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Option<Kind<'t>> {
        let b = self.text.as_bytes();
        let from = self.pos;
        let digits = |c: &mut Self| {
            let s = c.pos;
            while matches!(c.peek(), Some(b'0'..=b'9')) {
                c.pos += 1;
            }
            c.pos - s
        };
        if matches!(self.peek(), Some(b'+' | b'-')) {
            self.pos += 1;
        }
        let int_at = self.pos;
        let n = digits(self);
        if n == 0 || (n > 1 && b[int_at] == b'0') {
            return None;
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return None;
            }
            float = true;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return None;
            }
            float = true;
        }
        let s = &self.text[from..self.pos];
        if float {
            s.parse::<f64>().ok().map(Kind::Float)
        } else {
            s.parse::<i64>().ok().map(Kind::Int)
        }
    }

    /// A basic or literal string on one line (not a multi-line one).
    fn string(&mut self) -> Option<Cow<'t, str>> {
        let b = self.text.as_bytes();
        let quote = b[self.pos];
        if self.text[self.pos..self.end].starts_with(if quote == b'"' { "\"\"\"" } else { "'''" }) {
            return None;
        }
        self.pos += 1;
        let from = self.pos;
        let mut owned: Option<String> = None;
        let mut run = from;
        loop {
            // The run of ordinary bytes up to the next quote, backslash or control byte, in
            // one pass over the slice (not a bounds-checked `peek` a byte).
            self.pos += b[self.pos..self.end]
                .iter()
                .position(|&c| c == quote || c == b'\\' || c < 0x20 || c == 0x7f)
                .unwrap_or(self.end - self.pos);
            let c = self.peek()?;
            if c == quote {
                let s = &self.text[run..self.pos];
                self.pos += 1;
                return Some(match owned {
                    None => Cow::Borrowed(s),
                    Some(mut o) => {
                        o.push_str(s);
                        Cow::Owned(o)
                    }
                });
            }
            if (c < 0x20 && c != b'\t') || c == 0x7f {
                return None;
            }
            if c == b'\\' && quote == b'"' {
                let o = owned.get_or_insert_with(String::new);
                o.push_str(&self.text[run..self.pos]);
                self.pos += 1;
                let e = self.peek()?;
                self.pos += 1;
                match e {
                    b'b' => o.push('\u{8}'),
                    b't' => o.push('\t'),
                    b'n' => o.push('\n'),
                    b'f' => o.push('\u{c}'),
                    b'r' => o.push('\r'),
                    b'"' => o.push('"'),
                    b'\\' => o.push('\\'),
                    b'u' | b'U' => {
                        let n = if e == b'u' { 4 } else { 8 };
                        let hex = self.text.get(self.pos..self.pos + n)?;
                        if self.pos + n > self.end || !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                            return None;
                        }
                        o.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
                        self.pos += n;
                    }
                    _ => return None,
                }
                run = self.pos;
                continue;
            }
            self.pos += 1;
        }
    }
}
