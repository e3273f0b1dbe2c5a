//! The embedded rule files as `build.rs` pre-parsed them (`build/embedded_rules.rs`): the TOML
//! document tree of each, with the byte span of every key and value, read here through serde
//! into the same `model.rs` types `toml::from_str` gives, spans included. Start-up then parses
//! no TOML: `toml::from_str` of the embedded files was 15M of a one-sentence run's 48M
//! instructions, reading the tree is a small fraction of that.
//!
//! Layout of a node, integers little-endian: a tag byte, the value's span (`u32` start and
//! end), then by tag:
//! - string: `u32` length and the UTF-8 bytes;
//! - integer: `i64`; unsigned (over `i64::MAX`): `u64`; float: the `f64`'s bits;
//!   boolean: one byte;
//! - array: `u32` length in bytes of what follows the count, `u32` count, the items;
//! - table: the same lengths, then per entry the key's span (`u32` start and end), the key as
//!   a string (`u32` length, bytes) and the value node.
//!
//! Only the trees of the embedded texts are used, and only for a source whose text is the
//! embedded file's: any other source (user rules, an edited copy) is parsed as TOML, with its
//! `file:line:col` errors. Should a tree not fit the model (it cannot: `build.rs` read the same
//! file into the same types), the caller parses the TOML instead, which reports the error.
use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

mod files {
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
}

/// The hash of the embedded rule files and of the code that validates them, as `build.rs` read
/// them: the key of the rules snapshot (see `snapshot.rs`).
pub(crate) const RULES_HASH: u64 = files::RULES_HASH;

// Tags of the tree's nodes, shared with the writer in `build/embedded_rules.rs`.
include!("preparsed_tags.rs");

/// What `toml::Spanned` asks a deserializer for (`serde_spanned`'s private protocol, which
/// `toml` implements the same way).
const SPANNED: &str = "$__serde_spanned_private_Spanned";
const SPANNED_START: &str = "$__serde_spanned_private_start";
const SPANNED_END: &str = "$__serde_spanned_private_end";
const SPANNED_VALUE: &str = "$__serde_spanned_private_value";

/// The pre-parsed tree of the embedded file `name` (`rules/layers.toml`) when `text` is that
/// file's text.
pub(crate) fn tree(name: &str, text: &str) -> Option<&'static [u8]> {
    let file = name.strip_prefix("rules/")?;
    let (_, embedded) = super::EMBEDDED.iter().find(|(n, _)| *n == file)?;
    if *embedded != text {
        return None;
    }
    files::FILES
        .iter()
        .find(|(n, _)| *n == file)
        .map(|(_, tree)| *tree)
}

/// Whether a tree's `family` is one `combinations.rs` reads (as `is_combinations` finds in the
/// text).
pub(crate) fn is_combinations(tree: &'static [u8]) -> bool {
    let family = || -> Result<Option<&str>, Error> {
        let (root, _) = Node::read(tree)?;
        let mut rest = root.body;
        for _ in 0..root.count {
            let (_, r) = u32_at(rest)?;
            let (_, r) = u32_at(r)?;
            let (key, r) = str_at(r)?;
            let (value, r) = Node::read(r)?;
            rest = r;
            if key == "family" && value.tag == STRING {
                return Ok(Some(value.text));
            }
        }
        Ok(None)
    };
    matches!(family(), Ok(Some("combinations" | "tradeoffs")))
}

/// A pre-parsed tree read into `T`, as `toml::from_str` reads the text.
pub(crate) fn from_tree<T: for<'de> Deserialize<'de>>(tree: &'static [u8]) -> Result<T, Error> {
    let (node, _) = Node::read(tree)?;
    T::deserialize(node)
}

/// Why a tree does not fit the model.
#[derive(Debug)]
pub(crate) struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

fn truncated() -> Error {
    Error("truncated pre-parsed rules".into())
}

fn take(buf: &[u8], n: usize) -> Result<(&[u8], &[u8]), Error> {
    if buf.len() < n {
        return Err(truncated());
    }
    Ok(buf.split_at(n))
}

fn u32_at(buf: &[u8]) -> Result<(usize, &[u8]), Error> {
    let (b, rest) = take(buf, 4)?;
    let n = u32::from_le_bytes(b.try_into().map_err(|_| truncated())?);
    Ok((n as usize, rest))
}

fn u64_at(buf: &[u8]) -> Result<(u64, &[u8]), Error> {
    let (b, rest) = take(buf, 8)?;
    Ok((
        u64::from_le_bytes(b.try_into().map_err(|_| truncated())?),
        rest,
    ))
}

fn str_at(buf: &[u8]) -> Result<(&str, &[u8]), Error> {
    let (len, rest) = u32_at(buf)?;
    let (b, rest) = take(rest, len)?;
    let s = std::str::from_utf8(b).map_err(|e| Error(e.to_string()))?;
    Ok((s, rest))
}

/// One node of a tree: its tag, span and the bytes of its value (for a container, its entries).
#[derive(Clone, Copy)]
struct Node<'de> {
    tag: u8,
    start: usize,
    end: usize,
    /// A string's text (also for keys).
    text: &'de str,
    /// A number's or boolean's bits.
    bits: u64,
    /// A container's entries and their count.
    body: &'de [u8],
    count: usize,
}

impl<'de> Node<'de> {
    /// The node at the start of `buf`, and what follows it.
    fn read(buf: &'de [u8]) -> Result<(Self, &'de [u8]), Error> {
        let (tag, rest) = take(buf, 1)?;
        let (start, rest) = u32_at(rest)?;
        let (end, rest) = u32_at(rest)?;
        let mut node = Node {
            tag: tag[0],
            start,
            end,
            text: "",
            bits: 0,
            body: &[],
            count: 0,
        };
        let rest = match node.tag {
            STRING => {
                let (s, rest) = str_at(rest)?;
                node.text = s;
                rest
            }
            INTEGER | UNSIGNED | FLOAT => {
                let (bits, rest) = u64_at(rest)?;
                node.bits = bits;
                rest
            }
            BOOLEAN => {
                let (b, rest) = take(rest, 1)?;
                node.bits = u64::from(b[0]);
                rest
            }
            ARRAY | TABLE => {
                let (len, rest) = u32_at(rest)?;
                let (count, rest) = u32_at(rest)?;
                let (body, rest) = take(rest, len)?;
                node.body = body;
                node.count = count;
                rest
            }
            t => return Err(Error(format!("unknown node tag {t}"))),
        };
        Ok((node, rest))
    }

    fn key(text: &'de str, span: Range<usize>) -> Self {
        Node {
            tag: STRING,
            start: span.start,
            end: span.end,
            text,
            bits: 0,
            body: &[],
            count: 0,
        }
    }
}

impl<'de> de::Deserializer<'de> for Node<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.tag {
            STRING => visitor.visit_borrowed_str(self.text),
            INTEGER => visitor.visit_i64(self.bits as i64),
            UNSIGNED => visitor.visit_u64(self.bits),
            FLOAT => visitor.visit_f64(f64::from_bits(self.bits)),
            BOOLEAN => visitor.visit_bool(self.bits != 0),
            ARRAY => visitor.visit_seq(Items {
                rest: self.body,
                left: self.count,
            }),
            TABLE => visitor.visit_map(Entries {
                rest: self.body,
                left: self.count,
                value: None,
            }),
            t => Err(Error(format!("unknown node tag {t}"))),
        }
    }

    // A present value is `Some`; a missing field is `None` (as in `toml`).
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == SPANNED {
            return visitor.visit_map(Spanned {
                node: self,
                field: 0,
            });
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool u8 u16 u32 u64 u128 i8 i16 i32 i64 i128 f32 f64 char str string seq
        bytes byte_buf map unit enum unit_struct tuple_struct tuple identifier
    }
}

impl<'de> IntoDeserializer<'de, Error> for Node<'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

/// The items of an array.
struct Items<'de> {
    rest: &'de [u8],
    left: usize,
}

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        let (node, rest) = Node::read(self.rest)?;
        self.rest = rest;
        seed.deserialize(node).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

/// The entries of a table.
struct Entries<'de> {
    rest: &'de [u8],
    left: usize,
    value: Option<Node<'de>>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        let (start, rest) = u32_at(self.rest)?;
        let (end, rest) = u32_at(rest)?;
        let (key, rest) = str_at(rest)?;
        let (value, rest) = Node::read(rest)?;
        self.rest = rest;
        self.value = Some(value);
        seed.deserialize(Node::key(key, start..end)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self
            .value
            .take()
            .ok_or_else(|| Error("value before key".into()))?;
        seed.deserialize(value)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

/// A `toml::Spanned` value: its start, end and value, as `toml` hands them over.
struct Spanned<'de> {
    node: Node<'de>,
    field: u8,
}

impl<'de> MapAccess<'de> for Spanned<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let key = match self.field {
            0 => SPANNED_START,
            1 => SPANNED_END,
            2 => SPANNED_VALUE,
            _ => return Ok(None),
        };
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        self.field += 1;
        match self.field {
            1 => seed.deserialize(self.node.start.into_deserializer()),
            2 => seed.deserialize(self.node.end.into_deserializer()),
            _ => seed.deserialize(self.node),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::EMBEDDED;
    use super::super::model::{RawFile, RuleFile};
    use super::*;

    /// The pre-parsed trees and the TOML texts give the same raw files, spans included: the
    /// trees are built from `rules/` at every build, and this proves the reading of them.
    #[test]
    fn the_preparsed_embedded_rules_equal_the_toml() {
        for (name, text) in EMBEDDED {
            let tree = tree(&format!("rules/{name}"), text).expect("a tree per embedded file");
            let combinations = super::super::combinations::is_combinations(text);
            assert_eq!(is_combinations(tree), combinations, "rules/{name}: family");
            let (from_tree, from_toml) = if combinations {
                let a: RawFile = from_tree(tree).expect("the tree fits the model");
                let b: RawFile = toml::from_str(text).expect("the TOML parses");
                (format!("{a:#?}"), format!("{b:#?}"))
            } else {
                let a: RuleFile = from_tree(tree).expect("the tree fits the model");
                let b: RuleFile = toml::from_str(text).expect("the TOML parses");
                (format!("{a:#?}"), format!("{b:#?}"))
            };
            assert!(
                from_tree == from_toml,
                "rules/{name}: the pre-parsed tree differs from the TOML"
            );
        }
    }

    #[test]
    fn only_the_embedded_texts_have_trees() {
        let (name, text) = EMBEDDED[0];
        assert!(tree(&format!("rules/{name}"), text).is_some());
        assert!(tree(&format!("rules/{name}"), &format!("{text}\n")).is_none());
        assert!(tree(&format!("site/{name}"), text).is_none());
    }
}
