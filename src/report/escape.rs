//! The output boundary: one sanitiser per medium, used by every renderer.
//!
//! Text from the user's files (titles, ids, front matter, headings, evidence, file names, rule
//! texts) and from the LLM is hostile until it has been through one of these functions. Two
//! classes of harm are closed:
//!
//! * **Control characters** (C0 `U+0000`–`U+001F`, DEL `U+007F`, C1 `U+0080`–`U+009F`), the
//!   bidirectional overrides and isolates (`U+202A`–`U+202E`, `U+2066`–`U+2069`) and the
//!   Unicode line and paragraph separators (`U+2028`, `U+2029`) never reach a terminal, a CI
//!   log or a file raw. They are made visible in Rust notation: ESC prints as `\u{1b}`, a
//!   newline inside a value as `\u{a}`. One notation everywhere, so a user who sees it knows
//!   which byte their file holds.
//! * **Structure injection**: a value never starts a new line in a line-based format (so no
//!   output line can begin with a forged `::error::` workflow command), never closes a
//!   Markdown table cell or fence, a Mermaid label or a DOT string, and a CSV cell never
//!   starts a formula.
//!
//! Each renderer escapes values as it interpolates them ([`term`], [`md_cell`], [`mermaid`],
//! [`dot`], [`csv`], [`xml`]), and each command's output goes through [`finish_text`] or
//! [`finish_json`] once, as a last guard for anything a renderer missed.
use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must never reach the output raw: C0, DEL, C1, bidi overrides and isolates,
/// line and paragraph separators.
pub fn is_hostile(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{2028}'
        | '\u{2029}')
}

fn visible(out: &mut String, c: char) {
    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
}

/// Make every hostile character of `s` visible, `keep` excepted.
fn escape_with(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_hostile(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hostile(c) && !keep(c) {
            visible(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A value on one line of terminal or CI-log output (`human`, `line`, error messages): every
/// control character made visible, newlines and tabs included.
pub fn term(s: &str) -> Cow<'_, str> {
    escape_with(s, |_| false)
}

/// Multi-line text where line breaks are the author's (wrapped prose, LLM text after it has
/// been split into words): tabs and newlines stay, everything else is made visible.
pub fn term_multiline(s: &str) -> Cow<'_, str> {
    escape_with(s, |c| c == '\n' || c == '\t')
}

/// The last guard over a whole rendered text output (terminal, CI log, Markdown, CSV, DOT,
/// Mermaid, XML): newlines and tabs stay, and with `color` the SGR colour sequences
/// (`ESC [ digits ; m`) the renderers wrote; every other hostile character is made visible.
/// And no line starts, after its indentation, with `::` (the GitHub runner trims leading
/// spaces before it looks for a workflow command): word-wrapped text can bring a word of the
/// input to the start of a line, so such a line's first colon is written `\u{3a}`.
pub fn finish_text(s: String, color: bool) -> String {
    neutralise_commands(finish_controls(s, color))
}

/// [`finish_text`] for the `github` format, whose own lines are workflow commands (their
/// values are escaped by the format itself): control characters only.
pub fn finish_github(s: String) -> String {
    finish_controls(s, false)
}

fn neutralise_commands(s: String) -> String {
    let forged = |line: &str| line.trim_start().starts_with("::");
    // A forged line holds `::`; most outputs hold none, and a search for it is much cheaper
    // than trimming each of a table's million lines.
    if !s.contains("::") || !s.split('\n').any(forged) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if forged(line) {
            let indent = line.len() - line.trim_start().len();
            out.push_str(&line[..indent]);
            out.push_str("\\u{3a}");
            out.push_str(&line[indent + 1..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

fn finish_controls(s: String, color: bool) -> String {
    if !any_hostile_in_block(&s) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s.as_str();
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}' && color {
            if let Some(n) = sgr_len(rest) {
                out.push_str(&rest[..n]);
                rest = &rest[n..];
                continue;
            }
        }
        if is_hostile_in_block(c) {
            visible(&mut out, c);
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn is_hostile_in_block(c: char) -> bool {
    is_hostile(c) && c != '\n' && c != '\t'
}

/// `s.chars().any(is_hostile_in_block)`, cheaply for the common case: a table of 100k rows
/// is tens of megabytes, mostly ASCII and box-drawing characters, and decoding every character
/// cost more than rendering it. In UTF-8 the hostile characters are the bytes 0x00-0x1F and
/// 0x7F, C1 (`C2 80`-`C2 9F`), U+2028-U+202E (`E2 80 A8`-`E2 80 AE`) and U+2066-U+2069
/// (`E2 81 A6`-`E2 81 A9`). A branch-free pass over each block of bytes (which the compiler
/// vectorizes) looks for any of those bytes, or an `E2` followed by `80` or `81` (the whole of
/// U+2000-U+207F); only when one is found are the characters decoded and checked exactly.
fn any_hostile_in_block(s: &str) -> bool {
    const BLOCK: usize = 4096;
    let b = s.as_bytes();
    let mut at = 0;
    while at < b.len() {
        // One byte of overlap, so a pair split between blocks is seen.
        let end = (at + BLOCK + 1).min(b.len());
        let block = &b[at..end];
        let single = block.iter().fold(0u8, |acc, &c| {
            acc | (u8::from(c < 0x20) & u8::from(c != b'\n') & u8::from(c != b'\t'))
                | u8::from(c == 0x7f)
        });
        let pair = block.iter().zip(&block[1..]).fold(0u8, |acc, (&c, &n)| {
            acc | (u8::from(c == 0xe2) & u8::from(n <= 0x81))
                | (u8::from(c == 0xc2) & u8::from(n <= 0x9f))
        });
        if single | pair != 0 {
            return s.chars().any(is_hostile_in_block);
        }
        at += BLOCK;
    }
    false
}

/// The length of an SGR sequence (`ESC [ [0-9;]* m`) at the start of `s`.
fn sgr_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.get(1) != Some(&b'[') {
        return None;
    }
    let mut i = 2;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b';') {
        i += 1;
    }
    (b.get(i) == Some(&b'm')).then_some(i + 1)
}

/// The last guard over JSON (and SARIF): `serde_json` escapes C0 itself; DEL, C1, the bidi
/// controls and the line separators, which it writes raw, become `\uXXXX` escapes (the same
/// string to a JSON parser).
pub fn finish_json(s: String) -> String {
    if !s.chars().any(is_hostile_in_block) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_hostile_in_block(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// A URL to put in a link (Markdown `[text](<url>)`, HTML `href`) as it is, or `None`: only
/// http and https, and nothing that could end the link, the attribute or a table cell (space,
/// `<>"'()[]|\\` and backtick, controls, bidi marks). A URL outside that is shown unlinked
/// rather than trusted.
pub fn link_url(url: &str) -> Option<&str> {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 2000
        && !url.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || is_hostile(c)
                || matches!(
                    c,
                    '<' | '>' | '"' | '\'' | '(' | ')' | '[' | ']' | '|' | '\\' | '`' | '&'
                )
        });
    ok.then_some(url)
}

/// A Markdown table cell: on one line, `|` escaped, controls visible.
pub fn md_cell(s: &str) -> String {
    term(s).replace('|', "\\|")
}

/// Markdown text on one line (a list item, a heading, a quote): controls visible, so a value
/// cannot start a new block (a fence, a heading, a table row).
pub fn md_line(s: &str) -> Cow<'_, str> {
    term(s)
}

/// Markdown text on one line that renders as exactly its characters, for text an untrusted
/// author wrote that lands in a GitHub comment (`check --format comment` quotes an issue
/// body's title, headings and words). [`md_line`] only keeps a value on its line, which is
/// enough in a file the author pastes into their own proposal; a comment the bot posts must
/// also carry no markup the author slipped in. So: controls visible as in [`term`]; `&`, `<`
/// and `>` as entities (no HTML, and no `<!-- -->` that could forge or hide the comment's
/// marker); every other ASCII character Markdown gives meaning to backslash-escaped (no
/// emphasis, code, links, images, tables, headings, lists or breaks); and a zero-width space
/// (`&#8203;`) after `@`, between `#` or `GH-` and a digit and inside `://` and `www.`, so no
/// mention (`@user`, `@everyone`), issue reference (`#1`, `GH-1`, which GitHub links after the
/// Markdown is parsed, escaped or not) or autolink is made.
pub fn md_text(s: &str) -> String {
    const ZWSP: &str = "&#8203;";
    let s = term(s);
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s.as_ref();
    while let Some(c) = rest.chars().next() {
        let next = &rest[c.len_utf8()..];
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => {
                out.push('@');
                out.push_str(ZWSP);
            }
            // Only `#1` is an issue reference: `## Problem` quoted in a message must paste
            // back as a heading, without invisible characters.
            '#' => {
                out.push_str("\\#");
                if next.starts_with(|d: char| d.is_ascii_digit()) {
                    out.push_str(ZWSP);
                }
            }
            ':' if next.starts_with("//") => {
                out.push(':');
                out.push_str(ZWSP);
            }
            '-' if out.len() >= 2
                && out.as_bytes()[out.len() - 2..].eq_ignore_ascii_case(b"gh")
                && (out.len() == 2 || !out.as_bytes()[out.len() - 3].is_ascii_alphanumeric())
                && next.starts_with(|d: char| d.is_ascii_digit()) =>
            {
                out.push_str(ZWSP);
                out.push_str("\\-");
            }
            '.' if out.len() >= 3
                && out.as_bytes()[out.len() - 3..].eq_ignore_ascii_case(b"www") =>
            {
                out.push_str(ZWSP);
                out.push_str("\\.");
            }
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '+' | '-' | '.' | '!'
            | '|' | '~' | '=' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
        rest = next;
    }
    out
}

/// A Markdown code span holding `s` on one line, its backtick fence longer than any run of
/// backticks inside, so the value cannot close it.
pub fn md_code(s: &str) -> String {
    let s = term(s);
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    if longest == 0 {
        return format!("`{s}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {s} {fence}")
}

/// A Mermaid label inside `"..."`: entity codes for the quote, angle brackets, backtick (so a
/// title of ```` ``` ```` cannot close the surrounding fence) and `%` (so `%%{init}%%` is no
/// directive); controls and newlines visible.
pub fn mermaid(s: &str) -> String {
    let s = term(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            '%' => out.push_str("#37;"),
            c => out.push(c),
        }
    }
    out
}

/// A DOT string inside `"..."`: controls visible, then `\` and `"` escaped.
pub fn dot(s: &str) -> String {
    term(s).replace('\\', "\\\\").replace('"', "\\\"")
}

/// A CSV field (RFC 4180): controls visible; a text cell starting with `=`, `+`, `-`, `@`,
/// tab or CR is prefixed with `'` so a spreadsheet does not run it as a formula (OWASP CSV
/// injection); quoted when it holds a comma, a quote or spaces at its ends.
pub fn csv(s: &str) -> String {
    let mut v = term(s).into_owned();
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.insert(0, '\'');
    }
    if v.contains([',', '"', '\n', '\r']) || v.starts_with(' ') || v.ends_with(' ') {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// Text for XML and HTML content and attribute values. `newline` is how a line break is
/// written (`&#10;` in an XML attribute, `\n` where it is content).
fn markup(s: &str, apos: &str, newline: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(apos),
            '\n' => out.push_str(newline),
            '\t' => out.push('\t'),
            '\r' => out.push_str("&#13;"),
            '\u{fffe}' | '\u{ffff}' => {}
            c if is_hostile(c) => visible(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// XML (JUnit): markup escaped, a newline as `&#10;`, controls visible (XML 1.0 cannot carry
/// most of them at all).
pub fn xml(s: &str) -> String {
    markup(s, "&apos;", "&#10;")
}

/// HTML and SVG content and attribute values: markup escaped, a newline as `&#10;` (the same
/// whitespace to a browser, but no line of the page's source starts with the input's text),
/// controls visible.
pub fn html(s: &str) -> String {
    markup(s, "&#39;", "&#10;")
}

#[cfg(test)]
mod tests {

    #[test]
    fn hostile_bytes_are_hostile_characters() {
        let mut samples: Vec<String> = Vec::new();
        let chars: Vec<char> = (0u32..0x3000)
            .chain(0xfef0..0x10000)
            .chain([0x1_f600, 0x10_ffff])
            .filter_map(char::from_u32)
            .collect();
        for &c in &chars {
            samples.push(format!("a{c}b"));
            samples.push(c.to_string());
            samples.push(format!("│ x ┆ {c}↑ │"));
        }
        samples.push("plain │ table ┆ ↑ line\n\twith tab".to_owned());
        let long = "│ x ┆ ↑ – “quoted” ─┬─ é\n".repeat(500);
        for c in [
            '\u{7}', '\u{7f}', '\u{85}', '\u{2028}', '\u{202e}', '\u{2066}', '\u{2069}',
        ] {
            for at in [0, 4095, 4096, 4097, 8191, long.len()] {
                let mut t = long.clone();
                let at = (0..=at.min(t.len()))
                    .rev()
                    .find(|&k| t.is_char_boundary(k))
                    .unwrap_or(0);
                t.insert(at, c);
                samples.push(t);
            }
        }
        samples.push(long);
        for s in &samples {
            assert_eq!(
                any_hostile_in_block(s),
                s.chars().any(is_hostile_in_block),
                "{:?}",
                s.chars().map(u32::from).collect::<Vec<_>>()
            );
        }
    }

    use super::*;

    #[test]
    fn terminal_values_stay_on_one_line() {
        assert_eq!(term("a\nb\x1b]0;t\x07"), "a\\u{a}b\\u{1b}]0;t\\u{7}");
        assert_eq!(term("\u{9b}\u{202e}x"), "\\u{9b}\\u{202e}x");
        assert!(matches!(term("plain — text"), Cow::Borrowed(_)));
    }

    #[test]
    fn no_line_starts_a_workflow_command() {
        assert_eq!(
            finish_text(
                "ok\n  ::error::x\n::stop-commands::y\na ::b\n".into(),
                false
            ),
            "ok\n  \\u{3a}:error::x\n\\u{3a}:stop-commands::y\na ::b\n"
        );
        assert_eq!(
            finish_github("::error file=a::m\n".into()),
            "::error file=a::m\n"
        );
    }

    #[test]
    fn finish_keeps_layout_and_own_colours_only() {
        let s = "\x1b[1;31merror\x1b[0m\t\x1b[2J\n".to_owned();
        assert_eq!(
            finish_text(s.clone(), true),
            "\x1b[1;31merror\x1b[0m\t\\u{1b}[2J\n"
        );
        assert_eq!(
            finish_text(s, false),
            "\\u{1b}[1;31merror\\u{1b}[0m\t\\u{1b}[2J\n"
        );
        assert_eq!(
            finish_json("\"a\u{85}\u{2066}\"".into()),
            "\"a\\u0085\\u2066\""
        );
    }

    #[test]
    fn md_text_carries_no_markup() {
        assert_eq!(md_text("plain words"), "plain words");
        assert_eq!(
            md_text("<!-- x --> @everyone #1"),
            "&lt;\\!\\-\\- x \\-\\-&gt; @&#8203;everyone \\#&#8203;1"
        );
        assert_eq!(
            md_text("[a](https://e.x)"),
            "\\[a\\]\\(https:&#8203;//e\\.x\\)"
        );
        assert_eq!(md_text("www.x `c` *b*"), "www&#8203;\\.x \\`c\\` \\*b\\*");
        assert_eq!(md_text("a\n# h|"), "a\\\\u\\{a\\}\\# h\\|");
        assert_eq!(
            md_text("add a ## Problem heading"),
            "add a \\#\\# Problem heading"
        );
        assert_eq!(md_text("GH-1 gh-22"), "GH&#8203;\\-1 gh&#8203;\\-22");
        assert_eq!(md_text("GH-x high-5"), "GH\\-x high\\-5");
    }

    #[test]
    fn media() {
        assert_eq!(md_cell("a|b\nc"), "a\\|b\\u{a}c");
        assert_eq!(md_code("a``b"), "``` a``b ```");
        assert_eq!(md_code("ab"), "`ab`");
        assert_eq!(
            mermaid("```%%{init}%%\n\"<"),
            "#96;#96;#96;#37;#37;{init}#37;#37;\\u{a}#quot;#lt;"
        );
        assert_eq!(dot("a\"\\\n"), "a\\\"\\\\\\\\u{a}");
        assert_eq!(csv("=1+1"), "'=1+1");
        assert_eq!(csv("-x,y"), "\"'-x,y\"");
        assert_eq!(csv("@\ttab"), "'@\\u{9}tab");
        assert_eq!(csv("plain"), "plain");
        assert_eq!(xml("<a\n\r\x1b>"), "&lt;a&#10;&#13;\\u{1b}&gt;");
        assert_eq!(html("'\x07"), "&#39;\\u{7}");
    }
}
