//! TOML errors as one-line messages: `file:line:col: message`, with serde's Rust type names
//! in the words a file's author uses and a "did you mean" for unknown keys. Every TOML input
//! (rules, backlog, config, answers, front matter, labelled sets) reports through here.
use crate::text::{did_you_mean, line_col};

/// Turn a TOML deserialization error into a one-line `file:line:col: message`, adding a
/// "did you mean" for unknown keys.
pub(crate) fn toml_error(name: &str, text: &str, err: &toml::de::Error) -> String {
    let (pos, msg) = toml_error_parts(text, err);
    match pos {
        Some((l, c)) => format!("{name}:{l}:{c}: {msg}"),
        None => format!("{name}: {msg}"),
    }
}

/// The position (1-based line and column) and the one-line message of a TOML error.
pub(crate) fn toml_error_parts(
    text: &str,
    err: &toml::de::Error,
) -> (Option<(usize, usize)>, String) {
    let pos = err.span().map(|s| line_col(text, s.start));
    let mut msg = plain_types(&err.message().trim().replace('\n', " "));
    if let Some(hint) = unknown_field_hint(&msg) {
        msg.push_str(&format!(" (did you mean `{hint}`?)"));
    }
    (pos, msg)
}

/// serde names Rust types ("expected f64"); say what a rule author writes instead.
pub(crate) fn plain_types(msg: &str) -> String {
    let mut out = msg.to_owned();
    for (rust, plain) in [
        ("expected f64", "expected a number"),
        ("expected f32", "expected a number"),
        ("expected usize", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected u8", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected a boolean", "expected true or false"),
    ] {
        out = out.replace(rust, plain);
    }
    out
}

fn unknown_field_hint(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("unknown field `")?;
    let (field, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    did_you_mean(field, candidates).map(str::to_owned)
}
