//! Backlog import: the output of `gh issue list --json ...` ([`github`]) or a spreadsheet
//! export ([`csv`]) becomes the text of a `backlog.toml`, validated by the loader `score` uses
//! before anyone sees it. Pure: the text, the warnings and the list of unestimated items are
//! returned; `commands::import` prints and writes.
//!
//! Both readers fill [`Draft`]s that remember where each value came from (an issue's label or
//! front matter, a CSV row and column); [`finish`] puts in the defaults for missing estimates,
//! writes the TOML, loads it with [`crate::backlog::parse`] and turns any finding back into the
//! place in the input that caused it.
pub mod csv;
pub mod github;

use std::fmt::Write;

use super::{Finding, LoadError};
use crate::diag::backlog as codes;
use crate::error::Error;
use crate::text::invisible;

/// Impact of an item without one: 1, medium, the middle of the RICE scale.
pub const DEFAULT_IMPACT: f64 = 1.0;
/// Confidence of an item without one: 50%, the lowest the backlog accepts.
pub const DEFAULT_CONFIDENCE: &str = "50%";
/// Effort of an item without one: M, the median t-shirt size.
pub const DEFAULT_EFFORT: &str = "M";
/// Reach of an item without one when no item of the import gives a reach (otherwise the
/// median reach of those that do, so an unestimated item counts as a typical one and its 50%
/// confidence does the discounting).
pub const DEFAULT_REACH: f64 = 1.0;
/// Descriptions are cut to about this many bytes: the concern analysis reads them, and a
/// pasted log or stack trace would add concerns the item does not have.
pub const MAX_DESCRIPTION: usize = 4000;

/// A value as read from a label, front matter or a cell: a plain decimal number is a number,
/// anything else text (never evaluated: `=1+2` is the text `=1+2`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Num(f64),
    Str(String),
}

impl Value {
    /// `decimal_comma`: `1,5` is the number 1.5 (a `;`-separated export from a locale that
    /// writes decimals with a comma).
    pub(crate) fn parse(s: &str, decimal_comma: bool) -> Value {
        let t = s.trim();
        let plain = if decimal_comma && t.matches(',').count() == 1 && !t.contains('.') {
            t.replace(',', ".")
        } else {
            t.to_owned()
        };
        match number(&plain) {
            Some(x) => Value::Num(x),
            None => Value::Str(t.to_owned()),
        }
    }

    fn toml(&self) -> String {
        match self {
            #[allow(clippy::cast_possible_truncation)]
            Value::Num(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", *x as i64),
            Value::Num(x) => toml::Value::Float(*x).to_string(),
            Value::Str(s) => string(s),
        }
    }
}

/// `-?digits[.digits]`: what a person writes as a number; `+5`, `1e3`, `nan` and `inf` are
/// text.
fn number(s: &str) -> Option<f64> {
    let t = s.strip_prefix('-').unwrap_or(s);
    let mut parts = t.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    s.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A TOML string literal (escaped by the toml crate). Text holding an invisible format or
/// bidi control character ([`invisible`]) is written as a basic string with those characters
/// (and controls) escaped as `\uXXXX`, so none reaches the file raw: a U+202E in a title
/// cannot reorder what a reviewer sees in `backlog.toml`.
fn string(s: &str) -> String {
    if !s.chars().any(invisible) {
        return toml::Value::String(s.to_owned()).to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || invisible(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value and where it came from (`label \`impact:2\``, `column \`Effort\``).
#[derive(Debug, Clone)]
pub(crate) struct Sourced<T> {
    pub(crate) value: T,
    pub(crate) from: String,
}

impl<T> Sourced<T> {
    pub(crate) fn new(value: T, from: impl Into<String>) -> Self {
        Sourced {
            value,
            from: from.into(),
        }
    }
}

/// One item to write, with the origin of each value.
#[derive(Debug, Default)]
pub(crate) struct Draft {
    /// The item as a person finds it in the input: `issue #12`, `row 5`.
    pub(crate) origin: String,
    pub(crate) id: Sourced<String>,
    pub(crate) title: Sourced<String>,
    pub(crate) description: String,
    pub(crate) reach: Option<Sourced<Value>>,
    pub(crate) impact: Option<Sourced<Value>>,
    pub(crate) confidence: Option<Sourced<Value>>,
    pub(crate) effort: Option<Sourced<Value>>,
    pub(crate) depends_on: Sourced<Vec<String>>,
    pub(crate) status: Option<Sourced<String>>,
    pub(crate) tags: Vec<String>,
    pub(crate) url: Option<Sourced<String>>,
    /// Said by the input itself (a CSV column); missing estimates set it anyway.
    pub(crate) needs_estimate: bool,
}

impl Default for Sourced<String> {
    fn default() -> Self {
        Sourced::new(String::new(), "")
    }
}

impl Default for Sourced<Vec<String>> {
    fn default() -> Self {
        Sourced::new(Vec::new(), "")
    }
}

/// A finished import.
#[derive(Debug)]
pub struct Import {
    /// The `backlog.toml` text; it loads with `score` as it is.
    pub toml: String,
    /// How many items it holds.
    pub items: usize,
    /// What was dropped or changed on the way (one line each).
    pub warnings: Vec<String>,
    /// The items given default estimates (`needs_estimate = true`): their origin and the
    /// estimates that were missing.
    pub unestimated: Vec<(String, Vec<&'static str>)>,
    /// The reach given to items without one (see [`DEFAULT_REACH`]).
    pub default_reach: f64,
}

/// A description as the backlog keeps it: Windows line ends and HTML comments (issue-template
/// instructions) removed, runs of blank lines shortened, trimmed, and cut after about
/// [`MAX_DESCRIPTION`] bytes at a word boundary. `Some(len)` with the original length when cut.
pub(crate) fn description(body: &str) -> (String, Option<usize>) {
    let text = body.replace("\r\n", "\n").replace('\r', "\n");
    let text = strip_comments(&text);
    let mut out = String::with_capacity(text.len().min(MAX_DESCRIPTION + 8));
    let mut blank = 0;
    for line in text.trim().lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    let out = out.trim_end().to_owned();
    if out.len() <= MAX_DESCRIPTION {
        return (out, None);
    }
    let mut end = MAX_DESCRIPTION;
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    if let Some(space) = out[..end].rfind(char::is_whitespace) {
        if space > MAX_DESCRIPTION / 2 {
            end = space;
        }
    }
    (format!("{} […]", out[..end].trim_end()), Some(body.len()))
}

/// A title on one line: each line break (CR, LF, CRLF, and runs of them) with the blanks
/// around it becomes one space. Descriptions keep their newlines.
pub(crate) fn one_line(title: &str) -> String {
    if !title.contains(['\r', '\n']) {
        return title.to_owned();
    }
    title
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` without `<!-- ... -->` comments (an unclosed one runs to the end).
pub(crate) fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start + 4..].find("-->") {
            Some(end) => rest = &rest[start + 4 + end + 3..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// Where each written line came from: (line, draft index, source of the value on it).
type LineMap = Vec<(usize, usize, String)>;

/// Put in the default estimates, write the TOML, load it as `score` would, and map every
/// finding back to its place in the input `name`. `kind` names the input in the header.
pub(crate) fn finish(
    name: &str,
    kind: &str,
    mut drafts: Vec<Draft>,
    warnings: Vec<String>,
) -> Result<Import, Error> {
    if drafts.is_empty() {
        return Err(Error::invalid(
            format!("{name}: nothing to import: no item in {kind}"),
            Some(
                "an empty export gives an empty backlog, which `score` refuses; check the query or the file",
            ),
        ));
    }
    let reach = default_reach(&drafts);
    let mut unestimated = Vec::new();
    for d in &mut drafts {
        d.title.value = one_line(&d.title.value);
        let mut missing = Vec::new();
        if d.reach.is_none() {
            missing.push("reach");
            d.reach = Some(Sourced::new(reach.clone(), "the default reach"));
        }
        if d.impact.is_none() {
            missing.push("impact");
            d.impact = Some(Sourced::new(
                Value::Num(DEFAULT_IMPACT),
                "the default impact",
            ));
        }
        if d.confidence.is_none() {
            missing.push("confidence");
            d.confidence = Some(Sourced::new(
                Value::Str(DEFAULT_CONFIDENCE.into()),
                "the default confidence",
            ));
        }
        if d.effort.is_none() {
            missing.push("effort");
            d.effort = Some(Sourced::new(
                Value::Str(DEFAULT_EFFORT.into()),
                "the default effort",
            ));
        }
        // A done item is not ranked: its estimates do not matter, so it gets the defaults
        // silently (no flag, not listed) unless the input itself flagged it.
        let done = d
            .status
            .as_ref()
            .is_some_and(|s| s.value.trim().eq_ignore_ascii_case("done"));
        if done && !d.needs_estimate {
            continue;
        }
        if !missing.is_empty() || d.needs_estimate {
            d.needs_estimate = true;
            unestimated.push((d.origin.clone(), missing));
        }
    }
    let default_reach = match reach {
        Value::Num(x) => x,
        Value::Str(_) => DEFAULT_REACH,
    };
    let (toml, lines) = render(name, kind, &drafts, &reach);
    match super::parse(&toml) {
        Ok(b) => Ok(Import {
            toml,
            items: b.items.len(),
            warnings,
            unestimated,
            default_reach,
        }),
        Err(LoadError::Tool(e)) => Err(e),
        Err(LoadError::Findings(findings)) => Err(locate(name, &drafts, &lines, &findings)),
    }
}

/// The lower median of the reaches given as usable numbers, else [`DEFAULT_REACH`].
fn default_reach(drafts: &[Draft]) -> Value {
    let mut given: Vec<f64> = drafts
        .iter()
        .filter_map(|d| match d.reach.as_ref().map(|r| &r.value) {
            Some(Value::Num(x)) if x.is_finite() && *x >= 0.0 => Some(*x),
            _ => None,
        })
        .collect();
    if given.is_empty() {
        return Value::Num(DEFAULT_REACH);
    }
    given.sort_by(f64::total_cmp);
    Value::Num(given[(given.len() - 1) / 2])
}

fn render(name: &str, kind: &str, drafts: &[Draft], reach: &Value) -> (String, LineMap) {
    let mut out = String::new();
    let mut lines: LineMap = Vec::new();
    let _ = writeln!(
        out,
        "# Imported by ds01-pm from {} ({kind}); `ds01-pm score` ranks it.",
        name.replace(|c: char| c.is_control() || invisible(c), " ")
    );
    let _ = writeln!(
        out,
        "# Items with `needs_estimate = true` carry default estimates (reach {}, impact {DEFAULT_IMPACT}, confidence {DEFAULT_CONFIDENCE}, effort {DEFAULT_EFFORT}):\n# estimate them, then remove the flag.",
        reach.toml()
    );
    // The number of the last line written.
    let mut line = out.lines().count();
    for (i, d) in drafts.iter().enumerate() {
        out.push_str("\n[[item]]\n");
        line += 2;
        let mut key = |out: &mut String, k: &str, v: String, from: &str| {
            line += 1;
            lines.push((line, i, from.to_owned()));
            line += v.matches('\n').count();
            let _ = writeln!(out, "{k} = {v}");
        };
        key(&mut out, "id", string(&d.id.value), &d.id.from);
        key(&mut out, "title", string(&d.title.value), &d.title.from);
        if !d.description.is_empty() {
            key(&mut out, "description", string(&d.description), "the body");
        }
        for (k, v) in [
            ("reach", &d.reach),
            ("impact", &d.impact),
            ("confidence", &d.confidence),
            ("effort", &d.effort),
        ] {
            if let Some(v) = v {
                key(&mut out, k, v.value.toml(), &v.from);
            }
        }
        if !d.depends_on.value.is_empty() {
            let list: Vec<String> = d.depends_on.value.iter().map(|x| string(x)).collect();
            key(
                &mut out,
                "depends_on",
                format!("[{}]", list.join(", ")),
                &d.depends_on.from,
            );
        }
        if let Some(s) = &d.status {
            key(&mut out, "status", string(&s.value), &s.from);
        }
        if !d.tags.is_empty() {
            let list: Vec<String> = d.tags.iter().map(|x| string(x)).collect();
            key(&mut out, "tags", format!("[{}]", list.join(", ")), "");
        }
        if let Some(u) = &d.url {
            key(&mut out, "url", string(&u.value), &u.from);
        }
        if d.needs_estimate {
            key(&mut out, "needs_estimate", "true".into(), "");
        }
    }
    (out, lines)
}

/// The loader's findings as one error naming the issue or row (and label or column) of each.
fn locate(name: &str, drafts: &[Draft], lines: &LineMap, findings: &[Finding]) -> Error {
    let problems = findings
        .iter()
        .map(|f| {
            let at = lines.partition_point(|(l, _, _)| *l <= f.line);
            match at.checked_sub(1).map(|k| &lines[k]) {
                Some((_, i, from)) => {
                    let origin = &drafts[*i].origin;
                    if from.is_empty() || f.code == codes::B011.code {
                        format!("{name}: {origin}: {}", f.message)
                    } else {
                        format!("{name}: {origin}, {from}: {}", f.message)
                    }
                }
                None => format!("{name}: {}", f.message),
            }
        })
        .collect();
    let hint = if findings.iter().any(|f| f.code == codes::B011.code) {
        "break each cycle at its source: remove one of its references (\"depends on #N\", \"blocked by #N\", a task-list line `- [ ] #N`, a depends_on cell), then import again; `ds01-pm score` reports cycles the same way"
    } else {
        "fix the value at its source (a label such as `impact:2`, `confidence:80%`, `effort:M`, the issue's +++ front matter, or the cell) and import again; `ds01-pm explain rice` gives the scales"
    };
    Error::Many {
        problems,
        hint: Some(hint.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_plain_decimals_and_everything_else_text() {
        assert_eq!(Value::parse("3", false), Value::Num(3.0));
        assert_eq!(Value::parse(" -3 ", false), Value::Num(-3.0));
        assert_eq!(Value::parse("0.8", false), Value::Num(0.8));
        assert_eq!(Value::parse("1,5", true), Value::Num(1.5));
        assert_eq!(Value::parse("1,5", false), Value::Str("1,5".into()));
        for text in ["=1+2", "+5", "@x", "1e3", "nan", "inf", "80%", "M", ""] {
            assert_eq!(Value::parse(text, false), Value::Str(text.into()), "{text}");
        }
        assert_eq!(Value::Num(2.0).toml(), "2");
        assert_eq!(Value::Num(0.5).toml(), "0.5");
        assert_eq!(Value::Num(1e20).toml(), "100000000000000000000.0");
    }

    #[test]
    fn bidi_and_format_characters_are_escaped() {
        for c in [
            '\u{202E}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{2066}', '\u{2069}',
        ] {
            let text = format!("a{c}b \"q\" \\ \u{1b}\nnext");
            let lit = string(&text);
            assert!(!lit.contains(c), "{lit}");
            assert!(lit.contains(&format!("\\u{:04X}", u32::from(c))), "{lit}");
            let back: toml::Table = toml::from_str(&format!("x = {lit}")).expect("valid TOML");
            assert_eq!(back["x"].as_str(), Some(text.as_str()));
        }
    }

    #[test]
    fn descriptions_are_tidied_and_cut_at_a_word() {
        let (d, cut) = description("<!-- template -->\r\nFirst line  \r\n\r\n\r\n\r\nSecond\n");
        assert_eq!(d, "First line\n\nSecond");
        assert!(cut.is_none());
        let body = "word ".repeat(2000);
        let (d, cut) = description(&body);
        assert_eq!(cut, Some(body.len()));
        assert!(d.len() <= MAX_DESCRIPTION + 8, "{}", d.len());
        assert!(d.ends_with("word […]"), "{d}");
        let (d, _) = description(&"é".repeat(5000));
        assert!(d.ends_with(" […]"));
    }
}
