//! Write the default rules' match patterns for the peer tools of `benches/compare.sh`:
//!
//! ```text
//! cargo run --release --example rule_patterns -- rg > patterns.txt       # one regex a line (`rg -f`)
//! cargo run --release --example rule_patterns -- semgrep > semgrep.yaml  # generic-language rules
//! ```
//!
//! The patterns are exactly what the analyzer's first pass scans for: every `patterns` entry of
//! every rule, as handed to the regex engine (`(?i:...)` unless the rule is case-sensitive).
//! Exclusions and negation cues are left out: the analyzer only runs them around hits. An
//! escaped quote (`\'`, which the regex crate accepts and older engines such as ripgrep 13's
//! reject) is written as the plain quote it means. For
//! semgrep, each DS01 rule becomes one rule with a `pattern-either` of `pattern-regex` entries
//! (YAML written as JSON, which YAML parsers accept).
use std::io::Write as _;

fn run() -> Result<(), String> {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let set = ds01_pm::rules::defaults().map_err(|e| e.to_string())?;
    let rules = set.rules.iter().filter(|r| !r.patterns.is_empty());
    let text = match mode.as_str() {
        "rg" => {
            let mut out = String::new();
            for p in rules.flat_map(|r| &r.patterns) {
                out.push_str(&portable(&p.effective()));
                out.push('\n');
            }
            out
        }
        "semgrep" => {
            let list: Vec<serde_json::Value> = rules
                .map(|r| {
                    let either: Vec<serde_json::Value> = r
                        .patterns
                        .iter()
                        .map(|p| serde_json::json!({ "pattern-regex": portable(&p.effective()) }))
                        .collect();
                    serde_json::json!({
                        "id": r.id,
                        "languages": ["generic"],
                        "severity": "INFO",
                        "message": r.summary,
                        "pattern-either": either,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&serde_json::json!({ "rules": list }))
                .map_err(|e| e.to_string())?
        }
        _ => return Err("usage: rule_patterns rg|semgrep".into()),
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| e.to_string())
}

/// The same regex without escapes that only newer engines accept (`\'` is a plain `'`).
fn portable(pattern: &str) -> String {
    pattern.replace("\\'", "'")
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "rule_patterns: error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
