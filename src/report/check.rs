//! Rendering of `ds01-pm check`: human, json, sarif, github, junit and line. Every format is
//! built from the same [`Outcome`], in its order (files by path, findings by position), so
//! the outputs agree with each other and are byte-for-byte stable between runs.
use std::fmt::Write;
use std::path::Path;

use serde::Serialize;
use serde_json::{Value, json};

use super::escape::{finish_text, term};
use crate::check::{CHECKS, CheckInfo, FileReport, Finding, Outcome, Settings, Severity};
use crate::cli::CheckFormat;

/// GitHub shows at most this many annotations of each level per step.
pub(crate) const GITHUB_PER_LEVEL: usize = 10;

/// `check` output in the chosen format. Public for the fuzz harness, which renders every
/// format of the outcome of a fuzzed proposal.
pub fn render(o: &Outcome, format: CheckFormat, color: bool) -> String {
    match format {
        CheckFormat::Human => finish_text(human(o, color), color),
        CheckFormat::Json => super::json(&JsonOutcome::new(o)),
        CheckFormat::Sarif => sarif(o),
        CheckFormat::Github => super::escape::finish_github(github(o)),
        CheckFormat::Junit => finish_text(junit(o), false),
        CheckFormat::Line => finish_text(line(o), false),
        // Without the analyses (the fuzz harness): the findings only.
        CheckFormat::Comment => super::comment::comment(o, &[], 0),
    }
}

/// After `new` wrote a proposal: its path on stdout (the result), the next step on stderr.
pub(crate) fn wrote(path: &Path) -> Result<(), crate::error::Error> {
    super::written(path)?;
    super::note(&format!(
        "next: fill in its sections, then run `ds01-pm check {}`",
        path.display()
    ));
    Ok(())
}

fn counts_line(o: &Outcome) -> String {
    let (e, w, i) = o.counts();
    let suppressed: usize = o.files.iter().map(|f| f.suppressed.len()).sum();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut s = format!(
        "{} checked: {}, {}, {}",
        plural(o.files.len(), "proposal", "proposals"),
        plural(e, "error", "errors"),
        plural(w, "warning", "warnings"),
        plural(i, "info", "infos"),
    );
    if suppressed > 0 {
        let _ = write!(s, " ({suppressed} suppressed)");
    }
    s
}

fn human(o: &Outcome, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    };
    let sev = |s: Severity| match s {
        Severity::Error => paint("1;31", "error"),
        Severity::Warning => paint("1;33", "warning"),
        Severity::Info => paint("1;36", "info"),
    };
    // --quiet: the findings only; no "ok" lines for clean files, no summary.
    let quiet = super::verbosity() == super::Verbosity::Quiet;
    let mut out = String::new();
    for f in &o.files {
        if quiet && f.findings.is_empty() {
            continue;
        }
        let title = f
            .title
            .as_deref()
            .map_or_else(String::new, |t| format!(" — {}", term(t)));
        let path = term(&f.path);
        if f.findings.is_empty() {
            let _ = writeln!(out, "{}{title}: {}", paint("1", &path), paint("32", "ok"));
        } else {
            let _ = writeln!(out, "{}{title}", paint("1", &path));
        }
        for x in &f.findings {
            let _ = writeln!(
                out,
                "  {}:{}: {}[{}] {}",
                x.line,
                x.column,
                sev(x.severity),
                x.code,
                term(&x.message)
            );
        }
        for s in &f.suppressed {
            let _ = writeln!(
                out,
                "  {}",
                paint(
                    "2",
                    &format!(
                        "{}:{}: suppressed {} ({}) by line {}: {}",
                        s.finding.line,
                        s.finding.column,
                        s.finding.code,
                        // Enough of the message to tell it from the others its comment silenced.
                        term(&crate::text::clip(&s.finding.message, 120)),
                        s.suppressed_at,
                        term(&s.reason)
                    )
                )
            );
        }
    }
    if quiet {
        return out;
    }
    if !o.files.is_empty() {
        out.push('\n');
    }
    let verdict = if o.failed() {
        paint(
            "1;31",
            &format!("failed: findings at or above `{}`", o.fail_level.name()),
        )
    } else {
        paint(
            "32",
            &format!("passed: nothing at or above `{}`", o.fail_level.name()),
        )
    };
    let _ = writeln!(out, "{}; {verdict}", counts_line(o));
    let codes: std::collections::BTreeSet<&str> = o.findings().map(|(_, f)| f.code).collect();
    if !codes.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            paint(
                "2",
                &format!(
                    "`ds01-pm check --list-checks` explains {}",
                    codes.into_iter().collect::<Vec<_>>().join(", ")
                )
            )
        );
    }
    out
}

/// `path:line:col: severity code message`, the `line` format (also used inside JUnit).
fn line_of(path: &str, f: &Finding) -> String {
    format!(
        "{}:{}:{}: {} {} {}",
        term(path),
        f.line,
        f.column,
        f.severity.name(),
        f.code,
        term(&f.message)
    )
}

fn line(o: &Outcome) -> String {
    let mut out = String::new();
    for (file, f) in o.findings() {
        let _ = writeln!(out, "{}", line_of(&file.path, f));
    }
    out
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    suppressed: usize,
}

/// The JSON shape of `check --format json`.
#[derive(Serialize)]
struct JsonOutcome<'a> {
    schema_version: u32,
    fail_level: Severity,
    failed: bool,
    summary: Summary,
    files: &'a [FileReport],
}

impl<'a> JsonOutcome<'a> {
    fn new(o: &'a Outcome) -> Self {
        let (errors, warnings, infos) = o.counts();
        JsonOutcome {
            schema_version: o.schema_version,
            fail_level: o.fail_level,
            failed: o.failed(),
            summary: Summary {
                files: o.files.len(),
                errors,
                warnings,
                infos,
                suppressed: o.files.iter().map(|f| f.suppressed.len()).sum(),
            },
            files: &o.files,
        }
    }
}

fn sarif_level(s: Option<Severity>) -> &'static str {
    match s {
        Some(Severity::Error) => "error",
        Some(Severity::Warning) => "warning",
        Some(Severity::Info) | None => "note",
    }
}

/// Percent-encode a relative path for a SARIF `uri` (RFC 3986: unreserved and `/` stay).
fn uri(path: &str) -> String {
    let mut s = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(char::from(b));
        } else {
            let _ = write!(s, "%{b:02X}");
        }
    }
    s
}

fn sarif_result(o: &Outcome, file: &FileReport, f: &Finding) -> Value {
    let index = CHECKS.iter().position(|c| c.code == f.code).unwrap_or(0);
    let mut r = json!({
        "ruleId": f.code,
        "ruleIndex": index,
        "level": sarif_level(Some(f.severity)),
        "message": { "text": f.message },
        "locations": [location(&file.path, f.line, f.column)],
        "partialFingerprints": { "ds01PmFingerprint/v1": f.fingerprint },
    });
    if let Some(s) = f.section {
        r["properties"] = json!({ "section": s });
    }
    let _ = o;
    r
}

fn location(path: &str, line: usize, column: usize) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(path) },
            "region": { "startLine": line.max(1), "startColumn": column.max(1) },
        }
    })
}

fn sarif_rule(c: &CheckInfo, level: Option<Severity>) -> Value {
    json!({
        "id": c.code,
        "name": c.name,
        "shortDescription": { "text": c.summary },
        "fullDescription": { "text": c.help },
        "help": {
            "text": format!("{}\n\n{}", c.summary, c.help),
            "markdown": format!("**{} {}**: {}\n\n{}", c.code, c.name, c.summary, c.help),
        },
        "defaultConfiguration": { "level": sarif_level(level), "enabled": level.is_some() },
        "properties": { "tags": ["ds01-pm", "proposal"] },
    })
}

fn sarif(o: &Outcome) -> String {
    let rules: Vec<Value> = o
        .checks
        .iter()
        .map(|(c, level)| sarif_rule(c, *level))
        .collect();
    let mut results: Vec<Value> = Vec::new();
    for file in &o.files {
        for f in &file.findings {
            results.push(sarif_result(o, file, f));
        }
        for s in &file.suppressed {
            let mut r = sarif_result(o, file, &s.finding);
            r["suppressions"] = json!([{
                "kind": "inSource",
                "justification": s.reason,
                "location": location(&file.path, s.suppressed_at, 1),
            }]);
            results.push(r);
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "ds01-pm",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "invocations": [{ "executionSuccessful": true }],
            "results": results,
        }],
    });
    super::json(&doc)
}

/// Escape the message of a workflow command.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property of a workflow command.
fn gh_prop(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn github(o: &Outcome) -> String {
    let mut out = String::new();
    let (e, w, i) = o.counts();
    if e > GITHUB_PER_LEVEL || w > GITHUB_PER_LEVEL || i > GITHUB_PER_LEVEL {
        // First, so that it is itself among the notices GitHub shows.
        let _ = writeln!(
            out,
            "::notice title=ds01-pm::{}",
            gh_data(&format!(
                "{}. GitHub shows at most {GITHUB_PER_LEVEL} errors, {GITHUB_PER_LEVEL} warnings and {GITHUB_PER_LEVEL} notices per step, so some findings are not annotated: see this step's log, run `ds01-pm check --format human`, or upload `--format sarif` to code scanning",
                counts_line(o)
            ))
        );
    }
    for (file, f) in o.findings() {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},title={}::{}",
            gh_prop(&file.path),
            f.line,
            f.column,
            gh_prop(&format!("{} {}", f.code, f.name)),
            gh_data(&f.message)
        );
    }
    out
}

/// Escape text for XML (the shared boundary escape).
fn xml(s: &str) -> String {
    super::escape::xml(s)
}

fn junit(o: &Outcome) -> String {
    struct Case<'a> {
        check: &'a CheckInfo,
        failures: Vec<&'a Finding>,
        below: Vec<&'a Finding>,
        off: bool,
    }
    let mut suites = String::new();
    let (mut total, mut failed, mut skipped) = (0, 0, 0);
    for file in &o.files {
        let cases: Vec<Case<'_>> = o
            .checks
            .iter()
            .map(|(c, level)| {
                let mine: Vec<&Finding> =
                    file.findings.iter().filter(|f| f.code == c.code).collect();
                let (failures, below) = mine.into_iter().partition(|f| f.severity >= o.fail_level);
                Case {
                    check: c,
                    failures,
                    below,
                    off: level.is_none(),
                }
            })
            .collect();
        let n_fail = cases.iter().filter(|c| !c.failures.is_empty()).count();
        let n_skip = cases.iter().filter(|c| c.off).count();
        total += cases.len();
        failed += n_fail;
        skipped += n_skip;
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{n_fail}\" errors=\"0\" skipped=\"{n_skip}\">",
            xml(&file.path),
            cases.len()
        );
        for c in &cases {
            let name = xml(&format!("{} {}", c.check.code, c.check.name));
            let head = format!(
                "    <testcase name=\"{name}\" classname=\"{}\" file=\"{}\"",
                xml(&file.path),
                xml(&file.path)
            );
            let lines = |v: &[&Finding]| {
                v.iter()
                    .map(|f| line_of(&file.path, f))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            if c.off {
                let _ = writeln!(
                    suites,
                    "{head}>\n      <skipped message=\"turned off in the config\"/>\n    </testcase>"
                );
            } else if !c.failures.is_empty() {
                let first = c.failures[0];
                let _ = writeln!(
                    suites,
                    "{head}>\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                    first.severity.name(),
                    xml(&format!(
                        "{}:{}: {}{}",
                        first.line,
                        first.column,
                        first.message,
                        if c.failures.len() > 1 {
                            format!(" (and {} more)", c.failures.len() - 1)
                        } else {
                            String::new()
                        }
                    )),
                    xml(&lines(&c.failures))
                );
            } else if !c.below.is_empty() {
                let _ = writeln!(
                    suites,
                    "{head}>\n      <system-out>{}</system-out>\n    </testcase>",
                    xml(&lines(&c.below))
                );
            } else {
                let _ = writeln!(suites, "{head}/>");
            }
        }
        suites.push_str("  </testsuite>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ds01-pm check\" tests=\"{total}\" failures=\"{failed}\" errors=\"0\" skipped=\"{skipped}\">\n{suites}</testsuites>\n"
    )
}

#[derive(Serialize)]
struct CheckJson<'a> {
    code: &'a str,
    name: &'a str,
    severity: Option<Severity>,
    default_severity: Severity,
    summary: &'a str,
    help: &'a str,
    suppressible: bool,
}

/// `check --list-checks`: every check with the severity it has under the current config.
pub(crate) fn list_checks(settings: &Settings, format: CheckFormat) -> String {
    let rows: Vec<CheckJson<'_>> = CHECKS
        .iter()
        .map(|c| CheckJson {
            code: c.code,
            name: c.name,
            severity: settings.severity_of(c),
            default_severity: c.severity,
            summary: c.summary,
            help: c.help,
            suppressible: c.suppressible,
        })
        .collect();
    if format == CheckFormat::Json {
        return super::json(&rows);
    }
    let mut out = String::new();
    for r in &rows {
        let sev = r.severity.map_or("off", Severity::name);
        let _ = writeln!(out, "{} {:<28} {:<8} {}", r.code, r.name, sev, r.summary);
        out.push_str(&super::human::wrap_hanging(r.help, 95, "     ", "     "));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(gh_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(gh_prop("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(xml("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;\\u{1}");
        assert_eq!(uri("docs/my idea.md"), "docs/my%20idea.md");
    }
}
