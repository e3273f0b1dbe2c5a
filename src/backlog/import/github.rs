//! GitHub issues, as `gh issue list --state all --json number,title,body,labels,state,url --limit 1000`
//! writes them, to backlog items `gh-<number>`.
//!
//! Estimates come from labels (`reach:200`, `impact:2`, `confidence:80%`, `effort:M`,
//! `status:in-progress`) or from a `+++` TOML front matter at the start of the body; the front
//! matter wins where both give a value (it is written on purpose, one issue at a time, and can
//! hold what a label name cannot). Dependencies come from "depends on #N", "blocked by #N" and
//! "requires #N" (lists too: "depends on #3, #4 and #5") and from open task-list lines
//! `- [ ] #N` (a ticked `- [x] #N` is a finished prerequisite, not a dependency), outside code
//! blocks (fenced, indented: see [`without_code`]), inline code and HTML comments. Other
//! labels become tags. Closed issues are done.
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value as Json;

use super::{Draft, Import, Sourced, Value};
use crate::error::Error;
use crate::text::did_you_mean;

/// The keys a label (`key:value`) or the front matter may set.
const KEYS: &[&str] = &["reach", "impact", "confidence", "effort", "status"];

/// The `gh` command whose output this reads, for hints.
pub const GH_COMMAND: &str =
    "gh issue list --state all --json number,title,body,labels,state,url --limit 1000";

static DEPENDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:depends\s+on|blocked\s+by|requires)\s*:?\s*(#\d+(?:(?:\s*[,;&]\s*(?:and\s+)?|\s+and\s+|\s+)#\d+)*)",
    )
    .expect("dependency pattern compiles")
});
static TASK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\[ \][ \t]+#(\d+)\b")
        .expect("task-list pattern compiles")
});
static LIST_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t]{0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)").expect("list-item pattern compiles")
});
static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"#(\d+)").expect("number pattern compiles"));

/// One issue as read, before its references are resolved against the others.
struct Issue {
    number: u64,
    draft: Draft,
    /// (referenced issue, the text that referenced it).
    refs: Vec<(u64, String)>,
}

/// Import the JSON `text` (read from `name`).
pub fn import(name: &str, text: &str) -> Result<Import, Error> {
    let json: Json = serde_json::from_str(text).map_err(|e| {
        let msg = e.to_string();
        let msg = msg.find(" at line ").map_or(msg.as_str(), |i| &msg[..i]);
        Error::invalid(
            format!("{name}:{}:{}: not valid JSON: {msg}", e.line(), e.column()),
            Some(&format!("give the output of `{GH_COMMAND}`")),
        )
    })?;
    let Json::Array(entries) = json else {
        return Err(Error::invalid(
            format!(
                "{name}: expected a JSON array of issues, got {}",
                kind(&json)
            ),
            Some(&format!("give the output of `{GH_COMMAND}`")),
        ));
    };
    let mut issues: BTreeMap<u64, Issue> = BTreeMap::new();
    let mut warnings = Vec::new();
    for (k, entry) in entries.iter().enumerate() {
        let issue = read_issue(name, k + 1, entry, &mut warnings)?;
        if let Some(first) = issues.get(&issue.number) {
            return Err(Error::invalid(
                format!(
                    "{name}: issue #{} appears twice (\"{}\" and \"{}\")",
                    issue.number, first.draft.title.value, issue.draft.title.value
                ),
                Some("export each issue once (one `gh issue list` run per repository)"),
            ));
        }
        issues.insert(issue.number, issue);
    }
    let known: BTreeSet<u64> = issues.keys().copied().collect();
    let drafts = issues
        .into_values()
        .map(|mut issue| {
            let mut deps = BTreeSet::new();
            let mut froms: Vec<String> = Vec::new();
            for (n, text) in std::mem::take(&mut issue.refs) {
                if n == issue.number {
                    warnings.push(format!(
                        "issue #{n}: \"{text}\" names the issue itself: reference dropped"
                    ));
                } else if !known.contains(&n) {
                    warnings.push(format!(
                        "issue #{}: \"{text}\" names issue #{n}, which is not in the export: dependency dropped",
                        issue.number
                    ));
                } else if deps.insert(n) {
                    froms.push(format!("\"{text}\""));
                }
            }
            issue.draft.depends_on = Sourced::new(
                deps.iter().map(|n| format!("gh-{n}")).collect(),
                froms.join(", "),
            );
            issue.draft
        })
        .collect();
    super::finish(name, "GitHub issues", drafts, warnings)
}

fn kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

fn read_issue(
    name: &str,
    entry_no: usize,
    entry: &Json,
    warnings: &mut Vec<String>,
) -> Result<Issue, Error> {
    let hint = format!("give the output of `{GH_COMMAND}`");
    let Json::Object(o) = entry else {
        return Err(Error::invalid(
            format!(
                "{name}: entry {entry_no} of the array is {}, not an issue object",
                kind(entry)
            ),
            Some(&hint),
        ));
    };
    let number = match o.get("number") {
        Some(Json::Number(n)) if n.as_u64().is_some_and(|n| n > 0) => {
            n.as_u64().expect("checked above")
        }
        Some(other) => {
            return Err(Error::invalid(
                format!(
                    "{name}: entry {entry_no}: `number` must be a positive whole number, got {other}"
                ),
                Some(&hint),
            ));
        }
        None => {
            let title = o.get("title").and_then(Json::as_str).unwrap_or("");
            return Err(Error::invalid(
                format!(
                    "{name}: entry {entry_no} (\"{}\") has no `number`: the backlog ids are made from it",
                    title.chars().take(60).collect::<String>()
                ),
                Some(&hint),
            ));
        }
    };
    let origin = format!("issue #{number}");
    let text_field = |key: &str| -> Result<Option<&str>, Error> {
        match o.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err(Error::invalid(
                format!(
                    "{name}: {origin}: `{key}` must be a string, got {}",
                    kind(other)
                ),
                Some(&hint),
            )),
        }
    };
    let title = text_field("title")?
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map_or_else(|| format!("Issue #{number}"), str::to_owned);
    let body = text_field("body")?.unwrap_or("");
    let url = text_field("url")?
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(|u| Sourced::new(u.to_owned(), "`url`"));
    let closed = match text_field("state")? {
        None => false,
        Some(s) => match s.trim().to_ascii_uppercase().as_str() {
            "OPEN" => false,
            "CLOSED" | "MERGED" => true,
            other => {
                return Err(Error::invalid(
                    format!(
                        "{name}: {origin}: unknown `state` \"{other}\": expected OPEN or CLOSED"
                    ),
                    Some(&hint),
                ));
            }
        },
    };
    let mut draft = Draft {
        origin: origin.clone(),
        id: Sourced::new(format!("gh-{number}"), "its number"),
        title: Sourced::new(title, "`title`"),
        url,
        ..Draft::default()
    };
    let mut set: BTreeMap<&'static str, Sourced<String>> = BTreeMap::new();
    for label in labels(name, &origin, o.get("labels"), &hint)? {
        let Some((key, value)) = label.split_once(':') else {
            push_tag(&mut draft.tags, &label);
            continue;
        };
        let Some(&key) = KEYS.iter().find(|k| k.eq_ignore_ascii_case(key.trim())) else {
            push_tag(&mut draft.tags, &label);
            continue;
        };
        let value = value.trim();
        if value.is_empty() {
            return Err(Error::invalid(
                format!("{name}: {origin}: label `{label}` has no value"),
                Some(&format!(
                    "write the {key} after the colon, e.g. `{}`",
                    example(key)
                )),
            ));
        }
        let from = format!("label `{label}`");
        if let Some(prev) = set.get(key) {
            if !prev.value.eq_ignore_ascii_case(value) {
                return Err(Error::invalid(
                    format!("{name}: {origin}: {} and {from} disagree", prev.from),
                    Some("keep one of the two labels on the issue"),
                ));
            }
        }
        set.insert(key, Sourced::new(value.to_owned(), from));
    }
    let (front, rest) = front_matter(name, &origin, body)?;
    let mut values: BTreeMap<&'static str, Sourced<Value>> = set
        .into_iter()
        .map(|(k, v)| (k, Sourced::new(Value::parse(&v.value, false), v.from)))
        .collect();
    values.extend(front);
    draft.reach = values.remove("reach");
    draft.impact = values.remove("impact");
    draft.confidence = values.remove("confidence");
    draft.effort = values.remove("effort");
    draft.status = values.remove("status").map(|s| {
        let text = match s.value {
            Value::Str(t) => t,
            Value::Num(x) => x.to_string(),
        };
        Sourced::new(text, s.from)
    });
    if closed {
        draft.status = Some(Sourced::new("done".into(), "`state` CLOSED"));
    }
    let (description, cut) = super::description(rest);
    if let Some(len) = cut {
        warnings.push(format!(
            "{origin}: the description keeps the first {} of the body's {len} bytes (the concern analysis reads it)",
            description.len()
        ));
    }
    draft.description = description;
    let refs = references(rest);
    Ok(Issue {
        number,
        draft,
        refs,
    })
}

fn example(key: &str) -> &'static str {
    match key {
        "reach" => "reach:200",
        "impact" => "impact:2",
        "confidence" => "confidence:80%",
        "effort" => "effort:M",
        _ => "status:in-progress",
    }
}

fn push_tag(tags: &mut Vec<String>, label: &str) {
    let t = label.trim();
    if !t.is_empty() && !tags.iter().any(|x| x == t) {
        tags.push(t.to_owned());
    }
}

/// The label names: objects with `name` (as `gh` writes them) or plain strings.
fn labels(name: &str, origin: &str, v: Option<&Json>, hint: &str) -> Result<Vec<String>, Error> {
    let bad = |what: String| Error::invalid(format!("{name}: {origin}: {what}"), Some(hint));
    match v {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::Array(list)) => list
            .iter()
            .map(|l| match l {
                Json::String(s) => Ok(s.clone()),
                Json::Object(o) => match o.get("name") {
                    Some(Json::String(s)) => Ok(s.clone()),
                    _ => Err(bad("each label must have a `name` string".into())),
                },
                other => Err(bad(format!(
                    "each label must be an object with a `name`, got {}",
                    kind(other)
                ))),
            })
            .collect(),
        Some(other) => Err(bad(format!(
            "`labels` must be an array, got {}",
            kind(other)
        ))),
    }
}

/// The `+++` front matter at the start of `body` (its estimates, each with its source) and
/// the body after it.
fn front_matter<'b>(
    name: &str,
    origin: &str,
    body: &'b str,
) -> Result<(BTreeMap<&'static str, Sourced<Value>>, &'b str), Error> {
    let start = body.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let Some(after) = start.strip_prefix("+++").filter(|a| {
        a.starts_with(['\n', '\r']) || a.trim_start_matches([' ', '\t']).starts_with(['\n', '\r'])
    }) else {
        return Ok((BTreeMap::new(), body));
    };
    let after = after.trim_start_matches([' ', '\t']);
    let after = after
        .strip_prefix("\r\n")
        .or_else(|| after.strip_prefix('\n'))
        .unwrap_or(after);
    // The closing `+++` on a line of its own.
    let mut offset = 0;
    let mut end = None;
    for line in after.split_inclusive('\n') {
        if line.trim() == "+++" {
            end = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((inner_end, rest_start)) = end else {
        return Err(Error::invalid(
            format!("{name}: {origin}: the front matter opened with `+++` is never closed"),
            Some("end it with a line holding only `+++`"),
        ));
    };
    let inner = &after[..inner_end];
    let table: toml::Table = toml::from_str(inner).map_err(|e| {
        let (pos, msg) = crate::diag::toml_error_parts(inner, &e);
        let at = pos.map_or_else(String::new, |(l, c)| format!(" (line {l}, column {c})"));
        Error::invalid(
            format!("{name}: {origin}: the front matter is not valid TOML{at}: {msg}"),
            Some("write `key = value` lines between the two `+++` lines, e.g. `impact = 2`"),
        )
    })?;
    let mut out = BTreeMap::new();
    for (k, v) in &table {
        let Some(&key) = KEYS.iter().find(|x| **x == k.as_str()) else {
            let hint = did_you_mean(k, KEYS.iter().copied()).map_or_else(
                || format!("expected one of {}", KEYS.join(", ")),
                |s| format!("did you mean `{s}`?"),
            );
            return Err(Error::invalid(
                format!("{name}: {origin}: unknown key `{k}` in the front matter ({hint})"),
                Some("the front matter holds reach, impact, confidence, effort and status"),
            ));
        };
        let value = match v {
            #[allow(clippy::cast_precision_loss)]
            toml::Value::Integer(i) => Value::Num(*i as f64),
            toml::Value::Float(f) => Value::Num(*f),
            toml::Value::String(s) => Value::Str(s.clone()),
            _ => {
                return Err(Error::invalid(
                    format!("{name}: {origin}: front matter `{k}` must be a number or a string"),
                    Some("e.g. `reach = 200`, `confidence = \"80%\"`, `effort = \"M\"`"),
                ));
            }
        };
        out.insert(key, Sourced::new(value, format!("front matter `{k}`")));
    }
    Ok((out, &after[rest_start..]))
}

/// The issues `body` says it depends on, in order, with the text that says so; code blocks
/// and HTML comments do not count.
fn references(body: &str) -> Vec<(u64, String)> {
    let text = without_code(&super::strip_comments(body));
    let mut refs = Vec::new();
    for m in DEPENDS.captures_iter(&text) {
        let phrase = m.get(0).map_or("", |x| x.as_str());
        let phrase = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
        for n in NUMBER.captures_iter(&m[1]) {
            if let Ok(n) = n[1].parse::<u64>() {
                refs.push((n, phrase.clone()));
            }
        }
    }
    for m in TASK.captures_iter(&text) {
        if let Ok(n) = m[1].parse::<u64>() {
            refs.push((n, m[0].trim().to_owned()));
        }
    }
    refs
}

/// `text` without fenced code blocks (```` ``` ```` or `~~~`), indented code blocks and inline
/// code spans (each dropped line leaves its line break).
///
/// Indented code, approximately as CommonMark has it: a line indented by 4 columns or more (a
/// tab counts as 4) that follows a blank line (or starts the text) opens a block, unless it
/// continues a list item (the last non-blank line before it was a list item or indented under
/// one); the block runs over indented and blank lines up to the first line indented less.
/// Indented lines right after a paragraph line continue the paragraph and are read.
fn without_code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut fence: Option<&str> = None;
    let mut prev_blank = true;
    let mut in_list = false;
    let mut indented_code = false;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let blank = t.trim().is_empty();
        let indent = line
            .chars()
            .take_while(|c| matches!(c, ' ' | '\t'))
            .fold(0, |w, c| if c == '\t' { w + 4 - w % 4 } else { w + 1 });
        if fence.is_none() {
            if indented_code && (blank || indent >= 4) {
                out.push('\n');
                continue;
            }
            indented_code = false;
            if !blank && indent >= 4 && prev_blank && !in_list {
                indented_code = true;
                prev_blank = false;
                out.push('\n');
                continue;
            }
            if !blank {
                if LIST_ITEM.is_match(line) {
                    in_list = true;
                } else if indent == 0 {
                    in_list = false;
                }
            }
            prev_blank = blank;
        }
        match fence {
            Some(f) => {
                if t.starts_with(f) {
                    fence = None;
                }
                out.push('\n');
            }
            None if t.starts_with("```") || t.starts_with("~~~") => {
                fence = Some(&t[..3]);
                out.push('\n');
            }
            None => {
                // Inline code: drop what is between backticks on the line.
                let mut inside = false;
                for c in line.chars() {
                    if c == '`' {
                        inside = !inside;
                    } else if !inside {
                        out.push(c);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_in_prose_lists_and_task_lists() {
        let body = "Depends on #3, #4 and #5.\nBlocked by: #6\nrequires #7 & #8\n\n- [ ] #9\n- [x] #10 done\n* [ ] #11\nSee #12 (not a dependency). other/repo#13 is not ours: depends on other/repo#14\n```\ndepends on #15\n```\n`blocked by #16`\n<!-- requires #17 -->";
        let got: Vec<u64> = references(body).into_iter().map(|(n, _)| n).collect();
        assert_eq!(got, [3, 4, 5, 6, 7, 8, 9, 11]);
    }

    #[test]
    fn indented_code_blocks_are_not_read() {
        let got =
            |body: &str| -> Vec<u64> { references(body).into_iter().map(|(n, _)| n).collect() };
        assert!(got("Example of syntax:\n\n    requires #2\n").is_empty());
        assert!(got("Example:\n\n\trequires #2\n\n    blocked by #3\nDepends on #4").len() == 1);
        assert!(got("    requires #2\n").is_empty(), "code at the start");
        // A paragraph continuation and a list item's continuation are read.
        assert_eq!(got("Some text\n    requires #2\n"), [2]);
        assert_eq!(got("- item\n\n    requires #3\n"), [3]);
        assert_eq!(got("1. item\n   more\n\n    blocked by #4\n"), [4]);
        // After the list ends, indented lines after a blank are code again.
        assert!(got("- item\n\nParagraph.\n\n    requires #5\n").is_empty());
    }

    #[test]
    fn front_matter_is_read_and_removed() {
        let (fm, rest) = front_matter(
            "x",
            "issue #1",
            "+++\nreach = 200\nconfidence = \"80%\"\n+++\nBody text",
        )
        .expect("valid");
        assert_eq!(rest, "Body text");
        assert_eq!(fm["reach"].value, Value::Num(200.0));
        assert_eq!(fm["confidence"].from, "front matter `confidence`");
        let (fm, rest) = front_matter("x", "issue #1", "+++ is great").expect("no front matter");
        assert!(fm.is_empty());
        assert_eq!(rest, "+++ is great");
        let err = front_matter("x", "issue #1", "+++\nimpcat = 2\n+++\n").unwrap_err();
        assert!(err.to_string().contains("did you mean `impact`"), "{err}");
        assert!(front_matter("x", "issue #1", "+++\nreach = 2\n").is_err());
    }
}
