//! Rendering: the only module that writes to stdout or stderr. Everything else returns data.
#![allow(clippy::print_stderr)]

pub mod adr;
pub mod backlog;
pub mod check;
pub mod comment;
pub mod escape;
pub mod explain;
pub mod html;
mod human;
mod labels;
mod markdown;
pub(crate) mod prompt;
pub(crate) mod proposal;
pub mod question_eval;

use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};

use serde::Serialize;

use crate::analyze::ExampleFailure;
use crate::analyze::questions::Checklist;
use crate::analyze::{Analysis, SCHEMA_VERSION};
use crate::cli::{ListFormat, TextFormat};
use crate::error::Error;
use crate::eval::EvalResult;
use crate::llm::{Doctor, Suggestions};
use crate::rules::{Rule, RuleSet};

/// Write a rendered report to stdout in one go. A closed pipe surfaces as
/// `Error::Output(BrokenPipe)`, which `main_with` turns into a quiet exit 0.
pub fn emit(out: &str) -> Result<(), Error> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes()).map_err(Error::Output)?;
    stdout.flush().map_err(Error::Output)
}

/// Print clap's `--help`, `help` or `--version` text on stdout. A write that fails (a full
/// disk, `/dev/full`, a closed stdout) is a tool error, exit 2 with its cause on stderr; a
/// closed pipe (`| head`) ends quietly, as for every command.
pub fn clap_output(e: &clap::Error) -> std::process::ExitCode {
    use std::io::IsTerminal;
    let styled = e.render();
    let text = if std::io::stdout().is_terminal() {
        styled.ansi().to_string()
    } else {
        styled.to_string()
    };
    match emit(&text) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(Error::Output(io)) if io.kind() == std::io::ErrorKind::BrokenPipe => {
            std::process::ExitCode::SUCCESS
        }
        Err(err) => {
            error(&err, false);
            std::process::ExitCode::from(crate::error::ExitStatus::Error as u8)
        }
    }
}

/// Print a tool error on stderr: `error: <cause>` (one line per problem) and `hint: <fix>`.
pub fn error(err: &Error, color: bool) {
    let mut stderr = std::io::stderr().lock();
    let (red, yellow, reset) = if color {
        ("\x1b[1;31m", "\x1b[33m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    // One `error:` line per problem: a newline or an escape sequence inside a problem (from a
    // file name, a TOML key, a pattern) is made visible, never a second line.
    for line in err.problems() {
        let _ = writeln!(stderr, "{red}error{reset}: {}", escape::term(&line));
    }
    if let Some(hint) = err.hint() {
        let _ = writeln!(stderr, "{yellow}hint{reset}: {}", escape::term(&hint));
    }
}

/// How chatty stderr is, set once from `--quiet` / `--verbose` for the whole process.
///
/// The contract, the same for every command: machine formats (JSON, SARIF, CSV...) never
/// change; errors and warnings always print; the path of a file a command wrote is its result
/// and prints on stdout ([`written`]). `--quiet` drops status notes ("created DIR", next steps),
/// progress, and the human summaries that only say all is well ("ok" lines, "N checked"
/// totals), leaving findings, tables and results. `--verbose` adds `info:` lines on stderr
/// (rules in use, files read, timings) and never changes stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet = 0,
    Normal = 1,
    Verbose = 2,
}

static VERBOSITY: AtomicU8 = AtomicU8::new(Verbosity::Normal as u8);

/// Set the process-wide verbosity (from `main_with`).
pub fn set_verbosity(v: Verbosity) {
    VERBOSITY.store(v as u8, Ordering::Relaxed);
}

/// The process-wide verbosity.
pub fn verbosity() -> Verbosity {
    match VERBOSITY.load(Ordering::Relaxed) {
        0 => Verbosity::Quiet,
        2 => Verbosity::Verbose,
        _ => Verbosity::Normal,
    }
}

/// Print the path of a file a command wrote, one line on stdout. The path is the command's
/// result, not chatter: it prints even with `--quiet`, so a script can take it
/// (`path=$(ds01-pm adr -q "...")`). What to do next goes to stderr with [`note`].
pub fn written(path: &std::path::Path) -> Result<(), Error> {
    emit(&format!("{}\n", escape::term(&path.display().to_string())))
}

/// Print one warning line on stderr (shown even with `--quiet`). Like every stderr line, one
/// line whatever the message holds (a file name, a model server's answer).
pub fn warn(message: &str) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "warning: {}",
        escape::term(message)
    );
}

/// Print a status note on stderr ("created DIR", what to do next), unless `--quiet`.
pub fn note(message: &str) {
    if verbosity() >= Verbosity::Normal {
        let _ = writeln!(std::io::stderr().lock(), "{}", escape::term(message));
    }
}

/// Print an `info:` line on stderr, only with `--verbose`.
pub fn info(message: &str) {
    if verbosity() >= Verbosity::Verbose {
        let _ = writeln!(std::io::stderr().lock(), "info: {}", escape::term(message));
    }
}

/// A one-line progress counter on stderr for runs over many files: drawn only when stderr is
/// a terminal and not `--quiet`, redrawn at most every 100 ms, erased when dropped.
#[derive(Debug)]
pub struct Progress {
    label: &'static str,
    total: usize,
    done: usize,
    live: bool,
    last: Option<std::time::Instant>,
}

impl Progress {
    /// Runs with fewer items than this finish before a counter would be readable.
    pub const MIN_ITEMS: usize = 20;

    /// A counter for `total` items; inert unless stderr is a terminal, the run is large enough
    /// and not `--quiet`.
    pub fn new(label: &'static str, total: usize) -> Progress {
        use std::io::IsTerminal;
        let live = total >= Self::MIN_ITEMS
            && verbosity() >= Verbosity::Normal
            && std::io::stderr().is_terminal();
        Progress {
            label,
            total,
            done: 0,
            live,
            last: None,
        }
    }

    /// Count one finished item.
    pub fn tick(&mut self) {
        self.done += 1;
        if !self.live {
            return;
        }
        let now = std::time::Instant::now();
        if self
            .last
            .is_some_and(|t| now.duration_since(t).as_millis() < 100)
            && self.done < self.total
        {
            return;
        }
        self.last = Some(now);
        let _ = write!(
            std::io::stderr().lock(),
            "\r\x1b[2K{} {}/{}",
            self.label,
            self.done,
            self.total
        );
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.live && self.last.is_some() {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}

/// The note after a size reason of a layer the nearest examples set aside or a GPU impact the
/// word model read otherwise (listed under "Ignored"): the size comes from the rules' reading
/// alone, so it still counts them. Empty for every other reason.
fn set_aside_note(a: &crate::analyze::Analysis, r: &crate::analyze::SizeReason) -> &'static str {
    let set_aside = r
        .concern
        .strip_prefix("layer:")
        .is_some_and(|id| !a.layers.iter().any(|l| l.id == id));
    let read_otherwise = r
        .concern
        .strip_prefix("gpu:")
        .is_some_and(|v| v != a.gpu_impact.value);
    if set_aside {
        " (set aside, still counted)"
    } else if read_otherwise {
        " (the rules' reading, still counted)"
    } else {
        ""
    }
}

/// How many ignored hits the human and Markdown reports show (JSON has them all).
const IGNORED_SHOWN: usize = 4;

/// The "Ignored: …" line of the human and Markdown reports, or `None` when nothing was
/// ignored: the words of the first [`IGNORED_SHOWN`] entries as “matched” (reason; reason…),
/// each escaped by the report's own `matched` and `reason`, with the reasons of every entry of
/// the same words gathered under them (a name set aside for a layer and withdrawn for a
/// principle is listed once), then how many more entries JSON lists. The readings set aside
/// come first in [`crate::analyze::Analysis::suppressed`], so none is cut off by cancelled hits.
fn ignored_line(
    a: &crate::analyze::Analysis,
    matched: impl Fn(&str) -> String,
    reason: impl Fn(&str) -> String,
) -> Option<String> {
    if a.suppressed.is_empty() {
        return None;
    }
    // The distinct words in order of their first entry, each with its distinct reasons.
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut shown = 0;
    for s in &a.suppressed {
        if let Some((_, reasons)) = groups.iter_mut().find(|(m, _)| *m == s.matched) {
            if !reasons.contains(&s.reason.as_str()) {
                reasons.push(&s.reason);
            }
        } else if groups.len() < IGNORED_SHOWN {
            groups.push((&s.matched, vec![&s.reason]));
        } else {
            continue;
        }
        shown += 1;
    }
    let mut parts: Vec<String> = groups
        .iter()
        .map(|(m, reasons)| {
            let reasons: Vec<String> = reasons.iter().map(|r| reason(r)).collect();
            format!("“{}” ({})", matched(m), reasons.join("; "))
        })
        .collect();
    let more = a.suppressed.len() - shown;
    if more > 0 {
        parts.push(format!("{more} more: `--format json` lists them all"));
    }
    Some(format!("Ignored: {}", parts.join("; ")))
}

pub(crate) fn json<T: Serialize>(value: &T) -> String {
    json_sized(value, 0)
}

/// Pretty JSON and a final newline, into a buffer of `estimate` bytes reserved up front:
/// reallocating an 80 MB string while it grows would copy it several times and double the
/// peak memory of a large backlog's report.
pub(crate) fn json_sized<T: Serialize>(value: &T, estimate: usize) -> String {
    let mut buf = Vec::with_capacity(estimate);
    serde_json::to_writer_pretty(&mut buf, value).expect("report values serialize to JSON");
    buf.push(b'\n');
    escape::finish_json(String::from_utf8(buf).expect("serde_json writes UTF-8"))
}

/// The JSON shape of `analyze`: the analysis, plus the model's suggestions under `llm` when
/// the LLM is enabled and answered.
#[derive(Serialize)]
struct AnalysisJson<'a> {
    #[serde(flatten)]
    analysis: &'a Analysis,
    #[serde(skip_serializing_if = "Option::is_none")]
    llm: Option<&'a Suggestions>,
}

/// `analyze` output.
pub fn analysis(
    a: &Analysis,
    llm: Option<&Suggestions>,
    format: TextFormat,
    color: bool,
) -> String {
    match format {
        TextFormat::Human => escape::finish_text(
            human::analysis(a, color) + &llm.map(|s| human::llm(s, color)).unwrap_or_default(),
            color,
        ),
        TextFormat::Json => json(&AnalysisJson { analysis: a, llm }),
        TextFormat::Markdown => escape::finish_text(
            markdown::analysis(a) + &llm.map(markdown::llm).unwrap_or_default(),
            false,
        ),
        TextFormat::Labels => labels::labels(a),
    }
}

/// `llm doctor` output.
pub fn llm_doctor(d: &Doctor, format: ListFormat) -> String {
    match format {
        ListFormat::Human => escape::finish_text(human::llm_doctor(d), false),
        ListFormat::Json => json(d),
    }
}

/// `llm doctor` when no model is configured: what each usual local server answered.
pub fn llm_discovery(d: &crate::llm::Discovery, format: ListFormat) -> String {
    match format {
        ListFormat::Human => escape::finish_text(human::llm_discovery(d), false),
        ListFormat::Json => json(d),
    }
}

/// The JSON shape of `questions`.
#[derive(Serialize)]
struct QuestionsJson<'a> {
    schema_version: u32,
    summary: &'a str,
    #[serde(flatten)]
    checklist: &'a Checklist,
    #[serde(skip_serializing_if = "Option::is_none")]
    llm: Option<&'a Suggestions>,
}

/// `questions` output.
pub fn questions(
    a: &Analysis,
    llm: Option<&Suggestions>,
    format: TextFormat,
    color: bool,
) -> String {
    match format {
        TextFormat::Human => escape::finish_text(
            human::questions(a, color) + &llm.map(|s| human::llm(s, color)).unwrap_or_default(),
            color,
        ),
        TextFormat::Json => json(&QuestionsJson {
            schema_version: SCHEMA_VERSION,
            summary: &a.summary,
            checklist: &a.questions,
            llm,
        }),
        TextFormat::Markdown => escape::finish_text(
            markdown::questions(a) + &llm.map(markdown::llm).unwrap_or_default(),
            false,
        ),
        TextFormat::Labels => labels::labels(a),
    }
}

/// The JSON shape of a rule.
#[derive(Serialize)]
pub(crate) struct RuleJson<'a> {
    id: &'a str,
    family: crate::rules::Family,
    summary: &'a str,
    why: &'a str,
    location: String,
    patterns: Vec<&'a str>,
    exclude: Vec<&'a str>,
    negatable: bool,
    /// Context evidence: it places a text but never outweighs a `none` cue in the GPU contest.
    context: bool,
    /// A report of what a document says: GPU evidence in the rest of its sentence is context.
    reports: bool,
    /// A message a command is asked to give: a host layer read only in its content is set
    /// aside when a user layer is read outside it.
    tells: bool,
    /// A default audience: it yields to the admin's own tooling.
    default_audience: bool,
    /// Names the admin's own tooling: default audiences yield to it.
    admin_tooling: bool,
    /// An audience stated where no tier is named: it blocks the audience inferences.
    stated_audience: bool,
    firm_layer: bool,
    when: Vec<String>,
    unless: Vec<String>,
    /// Ids of the pattern rules whose match keeps this rule from firing.
    unless_fired: Vec<&'a str>,
    /// The pattern rule whose hits this rule shares (absent when it follows none).
    #[serde(skip_serializing_if = "Option::is_none")]
    follows: Option<&'a str>,
    signals: Vec<(String, f64)>,
    questions: &'a [crate::rules::Question],
    options: &'a [crate::rules::DesignOption],
    examples: Examples<'a>,
}

#[derive(Serialize)]
struct Examples<'a> {
    #[serde(rename = "match")]
    must_match: &'a [crate::rules::Text],
    no_match: &'a [crate::rules::Text],
}

pub(crate) fn rule_json<'a>(r: &'a Rule, follows: Option<&'a Rule>) -> RuleJson<'a> {
    RuleJson {
        id: &r.id,
        family: r.family,
        summary: &r.summary,
        why: &r.why,
        location: r.location.to_string(),
        patterns: r.patterns.iter().map(|p| &*p.source).collect(),
        exclude: r.exclude.iter().map(|p| &*p.source).collect(),
        negatable: r.negatable,
        context: r.context,
        reports: r.reports,
        tells: r.tells,
        default_audience: r.default_audience,
        admin_tooling: r.admin_tooling,
        stated_audience: r.stated_audience,
        firm_layer: r.firm_layer,
        when: r.when.iter().map(ToString::to_string).collect(),
        unless: r.unless.iter().map(ToString::to_string).collect(),
        unless_fired: r.unless_fired.iter().map(|(_, id)| id.as_str()).collect(),
        follows: follows.map(|f| f.id.as_str()),
        signals: r.signals.iter().map(|(c, w)| (c.to_string(), *w)).collect(),
        questions: &r.questions,
        options: &r.options,
        examples: Examples {
            must_match: &r.examples_match,
            no_match: &r.examples_no_match,
        },
    }
}

/// `rules list` output.
pub fn rules_list(set: &RuleSet, format: ListFormat) -> String {
    match format {
        ListFormat::Human => escape::finish_text(human::rules_list(set), false),
        ListFormat::Json => json(
            &(set.rules.iter())
                .map(|r| rule_json(r, r.follows.map(|f| &set.rules[f])))
                .collect::<Vec<_>>(),
        ),
    }
}

/// `rules show` output.
pub fn rule_detail(rule: &Rule, follows: Option<&Rule>, format: ListFormat) -> String {
    match format {
        ListFormat::Human => escape::finish_text(human::rule_detail(rule, follows), false),
        ListFormat::Json => json(&rule_json(rule, follows)),
    }
}

/// `rules check` / `rules test` output.
pub fn self_test(set: &RuleSet, failures: &[ExampleFailure], color: bool) -> String {
    escape::finish_text(human::self_test(set, failures, color), color)
}

/// `rules eval` output.
pub fn eval(result: &EvalResult, format: ListFormat) -> String {
    match format {
        ListFormat::Human => escape::finish_text(human::eval(result), false),
        ListFormat::Json => json(result),
    }
}
