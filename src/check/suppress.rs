//! In-document suppressions: `<!-- ds01-pm: allow P201 reason="..." -->`.
//!
//! Scope: a suppression covers the findings of its codes that lie in the section holding the
//! comment (subsections included), or that are *about* that section (a missing justification
//! under "Principles and exceptions" is silenced from there); a comment above the first `##`
//! section covers the whole document. A reason is required, and a suppression that matches
//! nothing is reported, so stale exceptions do not pile up.
use std::ops::Range;

use super::checks::Raw;
use super::config::{find_check, suggest_check};
use super::proposal::Document;

/// The word of ds01-pm's own triage marker, `<!-- ds01-pm:triage -->` (the first line of the
/// comment `check --format comment` writes): no directive, so a body that quotes it (an
/// author pasting the bot's comment into their issue) is not told of an unknown directive.
pub(crate) const TRIAGE_MARKER: &str = "triage";

/// A valid suppression.
#[derive(Debug, Clone)]
pub(crate) struct Suppression {
    /// (code, whether it matched a finding).
    pub(crate) codes: Vec<(&'static str, bool)>,
    pub(crate) reason: String,
    /// Byte offset of the comment.
    pub(crate) at: usize,
    /// The byte range it covers.
    pub(crate) scope: Range<usize>,
    /// The canonical section it sits in, if any.
    pub(crate) section: Option<&'static str>,
}

/// A comment that looks like a suppression but is not a valid one.
#[derive(Debug, Clone)]
pub(crate) struct Invalid {
    pub(crate) at: usize,
    pub(crate) message: String,
}

/// Find the suppressions of a document.
pub(crate) fn parse(doc: &Document<'_>) -> (Vec<Suppression>, Vec<Invalid>) {
    let mut valid = Vec::new();
    let mut invalid = Vec::new();
    for (whole, inner) in &doc.comments {
        let body = doc.text[inner.clone()].trim();
        let Some(rest) = strip_prefix_ci(body, "ds01-pm:") else {
            continue;
        };
        if rest.trim().eq_ignore_ascii_case(TRIAGE_MARKER) {
            continue;
        }
        let at = whole.start;
        match directive(rest.trim()) {
            Ok((codes, reason)) => {
                let section = doc.section_at(at);
                let scope = match section {
                    // Above the first `##`: the whole document.
                    Some(s) if s.heading.level > 1 => s.heading.line_start..s.body.end,
                    _ => 0..doc.text.len(),
                };
                valid.push(Suppression {
                    codes: codes.into_iter().map(|c| (c, false)).collect(),
                    reason,
                    at,
                    scope,
                    section: section.and_then(|s| s.id),
                });
            }
            Err(message) => invalid.push(Invalid { at, message }),
        }
    }
    (valid, invalid)
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    s.get(..prefix.len())
        .filter(|p| p.eq_ignore_ascii_case(prefix))
        .map(|_| &s[prefix.len()..])
}

const SYNTAX: &str = "write `<!-- ds01-pm: allow CODE reason=\"why this is fine\" -->`";

/// Parse `allow P201, P302 reason="..."`.
fn directive(s: &str) -> Result<(Vec<&'static str>, String), String> {
    let Some(rest) = strip_prefix_ci(s, "allow") else {
        let word = s.split_whitespace().next().unwrap_or("");
        return Err(format!(
            "unknown ds01-pm directive `{word}`: only `allow` is understood; {SYNTAX}"
        ));
    };
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return Err(format!("malformed suppression: {SYNTAX}"));
    }
    let (codes_part, reason) = match rest.find("reason") {
        Some(i) => (&rest[..i], Some(&rest[i + "reason".len()..])),
        None => (rest, None),
    };
    let mut codes = Vec::new();
    for key in codes_part
        .split([',', ' ', '\t', '\n'])
        .filter(|k| !k.trim().is_empty())
    {
        match find_check(key) {
            Some(c) if !c.suppressible => {
                return Err(format!(
                    "`{}` ({}) cannot be suppressed: fix or remove the suppression it is about",
                    c.code, c.name
                ));
            }
            Some(c) => {
                if !codes.contains(&c.code) {
                    codes.push(c.code);
                }
            }
            None => {
                let hint = suggest_check(key)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "unknown check `{key}` in suppression{hint}; `ds01-pm check --list-checks` shows every code"
                ));
            }
        }
    }
    if codes.is_empty() {
        return Err(format!("suppression names no check: {SYNTAX}"));
    }
    let Some(reason) = reason else {
        return Err(format!(
            "suppression of {} needs a reason: {SYNTAX}",
            codes.join(", ")
        ));
    };
    let reason = reason.trim_start();
    let Some(value) = reason.strip_prefix('=') else {
        return Err(format!("malformed reason: {SYNTAX}"));
    };
    let value = value.trim();
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'');
    let Some(q) = quote else {
        return Err(format!("the reason must be quoted: {SYNTAX}"));
    };
    let inner = &value[1..];
    let Some(end) = inner.find(q) else {
        return Err(format!("the reason's closing quote is missing: {SYNTAX}"));
    };
    if !inner[end + 1..].trim().is_empty() {
        return Err(format!(
            "unexpected text after the reason: `{}`",
            inner[end + 1..].trim()
        ));
    }
    let text = inner[..end].trim();
    if text.is_empty() {
        return Err(format!(
            "suppression of {} has an empty reason: say why the finding does not apply",
            codes.join(", ")
        ));
    }
    Ok((codes, text.to_owned()))
}

/// Split findings into kept and suppressed; marks which codes of which suppression matched.
///
/// A finding goes to the first suppression (in document order) of its code whose scope holds
/// it or whose section it is about. The suppressions are indexed by (code, scope) and by
/// (code, section), so each finding costs a few look-ups (one per section enclosing it),
/// not a pass over every suppression.
pub(crate) fn apply(
    doc: &Document<'_>,
    findings: Vec<Raw>,
    sups: &mut [Suppression],
) -> (Vec<Raw>, Vec<(Raw, usize)>) {
    use std::collections::HashMap;
    let mut by_scope: HashMap<(&'static str, usize, usize), usize> = HashMap::new();
    let mut by_section: HashMap<(&'static str, &'static str), usize> = HashMap::new();
    for (i, s) in sups.iter().enumerate() {
        for &(code, _) in &s.codes {
            by_scope
                .entry((code, s.scope.start, s.scope.end))
                .or_insert(i);
            if let Some(section) = s.section {
                by_section.entry((code, section)).or_insert(i);
            }
        }
    }
    let whole = (0, doc.text.len());
    let mut kept = Vec::new();
    let mut silenced = Vec::new();
    for f in findings {
        let code = f.check.code;
        let by_about = f.about.and_then(|a| by_section.get(&(code, a)).copied());
        let in_scope = doc
            .sections_containing(f.at)
            .map(|k| {
                let s = &doc.sections[k];
                (s.heading.line_start, s.body.end)
            })
            .chain(std::iter::once(whole))
            .filter_map(|(a, b)| by_scope.get(&(code, a, b)).copied())
            .filter(|&i| sups[i].scope.contains(&f.at));
        let hit = in_scope.chain(by_about).min();
        if let Some(i) = hit {
            if let Some(slot) = sups[i].codes.iter_mut().find(|(c, _)| *c == code) {
                slot.1 = true;
            }
        }
        match hit {
            Some(i) => silenced.push((f, i)),
            None => kept.push(f),
        }
    }
    (kept, silenced)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_names_and_reasons() {
        let (codes, reason) =
            directive("allow P201, top-question-unaddressed reason=\"queue exists\"").expect("ok");
        assert_eq!(codes, ["P201", "P302"]);
        assert_eq!(reason, "queue exists");
        assert!(
            directive("allow P201")
                .unwrap_err()
                .contains("needs a reason")
        );
        assert!(
            directive("allow P201 reason=\"  \"")
                .unwrap_err()
                .contains("empty reason")
        );
        assert!(
            directive("allow P2O1 reason=\"x\"")
                .unwrap_err()
                .contains("did you mean `P201`")
        );
        assert!(
            directive("disable P201")
                .unwrap_err()
                .contains("only `allow`")
        );
        assert!(
            directive("allow P901 reason=\"x\"")
                .unwrap_err()
                .contains("cannot be suppressed")
        );
        assert!(
            directive("allow reason=\"x\"")
                .unwrap_err()
                .contains("names no check")
        );
        assert!(
            directive("allow P201 reason=x")
                .unwrap_err()
                .contains("quoted")
        );
    }
}
