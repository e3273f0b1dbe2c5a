//! The checks: a registry of stable codes with their help text, and the functions that find
//! each problem. Codes are grouped by hundreds: P0xx structure, P1xx front matter, P2xx
//! requirements decided by the concern analysis, P3xx questions, P9xx suppressions.
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use super::proposal::{self, Document, SECTIONS, Shape};
use super::suppress;
use super::{FileReport, Finding, Settings, Severity, SuppressedFinding};
use crate::analyze::{Analysis, Evidence};
use crate::rules::{Family, RuleSet};
use crate::text::{did_you_mean, line_col};

/// One check: a stable code, a kebab name, a default severity and its documentation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CheckInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the check finds.
    pub summary: &'static str,
    /// Why it matters for DS01 and how to fix it; shown as SARIF help and by `--list-checks`.
    pub help: &'static str,
    /// Whether an `allow` comment may silence it.
    pub suppressible: bool,
}

const fn check(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
    help: &'static str,
) -> CheckInfo {
    CheckInfo {
        code,
        name,
        severity,
        summary,
        help,
        suppressible: true,
    }
}

use Severity::{Error as E, Info as I, Warning as W};

/// Every check, in code order. Codes never change meaning; retired codes are not reused.
pub static CHECKS: &[CheckInfo] = &[
    check(
        "P001",
        "missing-section",
        E,
        "A required section is missing.",
        "Every proposal answers the same basic questions so the admin can compare them: the problem, who is affected and how they work today, the proposed change, how success is measured, and how it is rolled out and back. Add the section (`ds01-pm new --template` shows them all). Headings match leniently: case, numbering and synonyms such as \"Motivation\" for Problem or \"Deployment\" for Rollout are accepted; `[check.synonyms]` adds more and `[check] required_sections` changes the list.",
    ),
    check(
        "P002",
        "empty-section",
        E,
        "A section has a heading but no content.",
        "An empty section looks answered in a table of contents but is not. Write at least a sentence; \"None: this change does not touch GPUs\" is a fine answer when it is true. HTML comments (such as the template's guidance) do not count as content.",
    ),
    check(
        "P003",
        "placeholder-text",
        E,
        "Template placeholder text is left in.",
        "Placeholders (TODO, TBD, FIXME, <describe ...>, lorem ipsum) mean the proposal is not finished. Replace them with the answer. Placeholders inside `inline code` or fenced code blocks are ignored, and so is DS01's own `TODO-NOT-IMPLEMENTED` marker.",
    ),
    check(
        "P004",
        "duplicate-section",
        W,
        "The same section appears twice.",
        "Two headings name the same section (for example \"Rollout\" and, later, \"Deployment plan\"), so a reader cannot tell which one is current. Merge them, or nest the second under the first.",
    ),
    check(
        "P005",
        "missing-title",
        W,
        "The proposal has no title.",
        "Give the proposal a `# Title` heading or a `title` in the front matter; the title names it in review, in the backlog and in CI annotations, which point at the title line for document-level findings.",
    ),
    check(
        "P101",
        "front-matter-syntax",
        E,
        "The front matter is not valid TOML or has an unknown key.",
        "The optional front matter is TOML between `+++` lines at the very top: `id`, `title`, `status`, `author`, `tiers`, `tags` and the RICE fields `reach`, `impact`, `confidence`, `effort`, `depends_on`. Unknown keys are errors so that typos (`confidance`) do not silently drop a value. YAML front matter (`---`) is not read.",
    ),
    check(
        "P102",
        "front-matter-value",
        E,
        "A front-matter value is invalid.",
        "Front-matter values follow the rules of backlog.toml items, so an accepted proposal can be copied into the backlog: impact on the 3 / 2 / 1 / 0.5 / 0.25 scale (or massive, high, medium, low, minimal), confidence from 0.5 to 1.0 or \"50%\" to \"100%\", effort a positive number of person-weeks or a t-shirt size XS to XL, reach a number of users ≥ 0, an id without spaces, tiers among student, researcher (faculty counts as researcher) and admin, and a known status.",
    ),
    check(
        "P103",
        "front-matter-incomplete",
        W,
        "An accepted proposal lacks the fields the backlog needs.",
        "Once a proposal is accepted (or in progress, or implemented) it flows into backlog.toml, which needs `id`, `title`, `reach`, `impact`, `confidence` and `effort` to rank it with RICE. Fill in the missing fields.",
    ),
    check(
        "P104",
        "tiers-disagree",
        I,
        "The text concerns a user tier the front matter does not list.",
        "`tiers` in the front matter says whom the proposal is for; the analysis found evidence for another tier as well. Either add the tier or make the text clearer about who is affected. This is a hint, based on the rules' tier signals.",
    ),
    check(
        "P201",
        "gpu-when-none-free",
        E,
        "GPU impact, but no word on what happens when no GPU or MIG slice is free.",
        "With 4 A100s shared by up to 200 users, \"no GPU free\" is the normal case at peak. When the analysis finds that a proposal changes GPU allocation, release, visibility or quota (GPU impact other than `none`), the GPU and MIG impact section must say what a user sees when every GPU or MIG slice is taken: a queue position, a clear refusal with the next step, a CPU-only fallback, or the wrapper's 180 s retry.",
    ),
    check(
        "P202",
        "principle-exception-missing",
        E,
        "A strained DS01 principle is not justified.",
        "When the analysis finds that a proposal works against a DS01 principle (for example a keep-alive that strains `ephemeral-containers` and `gpu-efficiency`), the Principles and exceptions section must name that principle and justify the exception: why it is worth it, for whom, and how it is limited (expiry, cap, audit record).",
    ),
    check(
        "P203",
        "rollback-plan-missing",
        E,
        "A data-loss risk without a rollback or backup plan.",
        "When the analysis finds a data-loss risk (deleting, pruning or overwriting workspaces, images or containers), the Rollout and rollback section must give the way back: a backup or snapshot, a restore path, a dry run, a grace period or an undo.",
    ),
    check(
        "P204",
        "alternatives-missing",
        E,
        "A heavy new dependency without alternatives considered.",
        "When the analysis finds a heavy new dependency (a scheduler such as SLURM or Kubernetes, a new database or state store), the proposal must compare alternatives in an Alternatives considered section: build a small piece, integrate an existing tool, configure what exists, or do nothing. One admin runs everything DS01 adds.",
    ),
    check(
        "P205",
        "maintenance-window-missing",
        W,
        "A change that disrupts running work without a maintenance window.",
        "When the analysis finds that the change interrupts running containers or jobs (MIG reconfiguration, GPU resets, reboots, daemon restarts), the Rollout and rollback section should say when it happens and how the owners of running containers are told in advance.",
    ),
    check(
        "P301",
        "open-checkbox",
        W,
        "A question of the checklist is left unanswered.",
        "Checklists pasted from `ds01-pm questions --format markdown` start unticked. Answer each question in the proposal (for example indented below the item) and tick it (`- [x]`). A task-list item counts as a question when it ends with `?`, sits under Open questions, or is one of the rule set's questions.",
    ),
    check(
        "P302",
        "top-question-unaddressed",
        W,
        "One of the most important questions for this proposal is not addressed.",
        "The analysis ranks the questions a DS01 PM would ask first about this proposal. This check looks for each of the top ones (`[check] top_questions`, default 5) in the text: a question counts as addressed when it is ticked in a pasted checklist, or when at least a third of its key terms (and at least two) appear in the proposal outside the checklist. It is a heuristic: if the text answers the question in other words, say so with an `allow` comment and a reason.",
    ),
    CheckInfo {
        suppressible: false,
        ..check(
            "P901",
            "unused-suppression",
            W,
            "A suppression matches no finding.",
            "An `allow` comment whose finding has gone (the text was fixed, or the finding moved to another section) only hides future problems. Remove it, or move it into the section the finding is reported in.",
        )
    },
    CheckInfo {
        suppressible: false,
        ..check(
            "P902",
            "invalid-suppression",
            E,
            "A suppression comment is malformed or has no reason.",
            "Write `<!-- ds01-pm: allow CODE reason=\"why this is fine\" -->` with a known check code or name (several may be separated by commas) and a non-empty quoted reason. The reason is what a reviewer reads instead of the finding.",
        )
    },
];

fn info(code: &str) -> &'static CheckInfo {
    CHECKS
        .iter()
        .find(|c| c.code == code)
        .expect("every code used by a check is registered")
}

/// A finding before severities, suppressions and positions are applied.
#[derive(Debug, Clone)]
pub(crate) struct Raw {
    pub(crate) check: &'static CheckInfo,
    /// Byte offset in the document.
    pub(crate) at: usize,
    pub(crate) message: String,
    /// The canonical section the finding is about.
    pub(crate) about: Option<&'static str>,
    /// What the finding is about, for its fingerprint (not its line number).
    pub(crate) key: String,
}

struct Ctx<'a> {
    doc: &'a Document<'a>,
    settings: &'a Settings,
    raws: Vec<Raw>,
    /// Offset of the title, where document-level findings point.
    title_at: usize,
}

impl Ctx<'_> {
    fn push(
        &mut self,
        code: &str,
        at: usize,
        about: Option<&'static str>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.raws.push(Raw {
            check: info(code),
            at,
            message: message.into(),
            about,
            key: key.into(),
        });
    }

    fn line(&self, at: usize) -> usize {
        line_col(self.doc.text, at).0
    }
}

fn section_title(id: &str) -> &'static str {
    SECTIONS
        .iter()
        .find(|(s, _)| *s == id)
        .map_or("?", |(_, t)| t)
}

// ---------------------------------------------------------------------------------------
// Front matter (P101-P104)

/// The keys front matter may have.
const FRONT_MATTER_KEYS: &[&str] = &[
    "id",
    "title",
    "status",
    "author",
    "tiers",
    "tags",
    "reach",
    "impact",
    "confidence",
    "effort",
    "depends_on",
];

/// Front matter as written. Keys follow backlog.toml items; unknown keys are reported one by
/// one before this is read (so one typo does not hide the other problems).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
struct RawFrontMatter {
    #[serde(default)]
    id: Option<Spanned<String>>,
    #[serde(default)]
    title: Option<Spanned<String>>,
    #[serde(default)]
    status: Option<Spanned<String>>,
    #[serde(default)]
    author: Option<Spanned<toml::Value>>,
    #[serde(default)]
    tiers: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    reach: Option<Spanned<toml::Value>>,
    #[serde(default)]
    impact: Option<Spanned<toml::Value>>,
    #[serde(default)]
    confidence: Option<Spanned<toml::Value>>,
    #[serde(default)]
    effort: Option<Spanned<toml::Value>>,
    #[serde(default)]
    depends_on: Option<Vec<Spanned<String>>>,
}

/// What the other checks need from the front matter.
#[derive(Debug, Default)]
struct FrontInfo {
    title: Option<(String, usize)>,
    tiers: Option<Vec<(String, usize)>>,
}

// TODO(backlog): these mirror `backlog::validate::parse_*`; call them directly once the
// backlog module exposes an item-field validator that takes plain TOML values.
const IMPACT_WORDS: &[(&str, f64)] = &[
    ("massive", 3.0),
    ("high", 2.0),
    ("medium", 1.0),
    ("low", 0.5),
    ("minimal", 0.25),
];
const TSHIRT: &[&str] = &["XS", "S", "M", "L", "XL"];

fn number(v: &toml::Value) -> Option<f64> {
    match v {
        #[allow(clippy::cast_precision_loss)]
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn describe(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

fn validate_reach(v: &toml::Value) -> Result<(), String> {
    match number(v) {
        Some(x) if x.is_finite() && x >= 0.0 => Ok(()),
        Some(x) if !x.is_finite() => Err(format!("`reach` must be a finite number, got {x}")),
        Some(x) => Err(format!("`reach` must not be negative, got {x}")),
        None => Err(format!(
            "`reach` must be a number (users per reach period), got {}",
            describe(v)
        )),
    }
}

fn validate_impact(v: &toml::Value) -> Result<(), String> {
    let scale = "3, 2, 1, 0.5 or 0.25 (or massive, high, medium, low, minimal)";
    if let toml::Value::String(s) = v {
        let w = s.trim().to_ascii_lowercase();
        if IMPACT_WORDS.iter().any(|(k, _)| *k == w) {
            return Ok(());
        }
        let hint = did_you_mean(&w, IMPACT_WORDS.iter().map(|(k, _)| *k))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(format!("`impact` must be {scale}, got \"{s}\"{hint}"));
    }
    match number(v) {
        Some(x) if IMPACT_WORDS.iter().any(|(_, y)| (x - y).abs() < 1e-9) => Ok(()),
        Some(x) => Err(format!(
            "`impact` is off the scale: must be {scale}, got {x}"
        )),
        None => Err(format!("`impact` must be {scale}, got {}", describe(v))),
    }
}

fn validate_confidence(v: &toml::Value) -> Result<(), String> {
    if let toml::Value::String(s) = v {
        let Some(p) = s.trim().strip_suffix('%') else {
            return Err(format!(
                "`confidence` must be a fraction (0.8) or a percent (\"80%\"), got \"{s}\""
            ));
        };
        return match p.trim().parse::<f64>() {
            Ok(x) if x.is_finite() && (50.0..=100.0).contains(&x) => Ok(()),
            Ok(_) => Err(format!(
                "`confidence` must be between 50% and 100%, got \"{s}\""
            )),
            Err(_) => Err(format!(
                "`confidence` must be a percent such as \"80%\", got \"{s}\""
            )),
        };
    }
    match number(v) {
        Some(x) if x.is_finite() && (0.5..=1.0).contains(&x) => Ok(()),
        Some(x) if (50.0..=100.0).contains(&x) => Err(format!(
            "`confidence` must be between 0.5 and 1.0, got {x}: write {} or \"{x}%\"",
            x / 100.0
        )),
        Some(x) => Err(format!(
            "`confidence` must be between 0.5 and 1.0 (50% to 100%), got {x}"
        )),
        None => Err(format!(
            "`confidence` must be a fraction (0.8) or a percent (\"80%\"), got {}",
            describe(v)
        )),
    }
}

fn validate_effort(v: &toml::Value) -> Result<(), String> {
    if let toml::Value::String(s) = v {
        return if TSHIRT.contains(&s.trim().to_ascii_uppercase().as_str()) {
            Ok(())
        } else {
            Err(format!(
                "`effort` \"{s}\" is not a t-shirt size: expected a number of person-weeks or one of {}",
                TSHIRT.join(", ")
            ))
        };
    }
    match number(v) {
        Some(x) if x.is_finite() && x > 0.0 => Ok(()),
        Some(x) if !x.is_finite() => Err(format!("`effort` must be a finite number, got {x}")),
        Some(x) => Err(format!("`effort` must be greater than 0, got {x}")),
        None => Err(format!(
            "`effort` must be a number or a t-shirt size, got {}",
            describe(v)
        )),
    }
}

/// Proposal statuses, and whether the proposal has reached the backlog at that status.
const STATUSES: &[(&str, bool)] = &[
    ("draft", false),
    ("proposed", false),
    ("review", false),
    ("in-review", false),
    ("accepted", true),
    ("approved", true),
    ("todo", true),
    ("in-progress", true),
    ("implemented", true),
    ("done", true),
    ("rejected", false),
    ("declined", false),
    ("withdrawn", false),
    ("superseded", false),
];

fn front_matter(ctx: &mut Ctx<'_>, set: &RuleSet) -> FrontInfo {
    let doc = ctx.doc;
    match &doc.shape {
        Some(Shape::Unclosed) => ctx.push(
            "P101",
            0,
            None,
            "unclosed",
            "the front matter opened by `+++` on line 1 is never closed: end it with a `+++` line",
        ),
        Some(Shape::Yaml(_)) => ctx.push(
            "P101",
            0,
            None,
            "yaml",
            "YAML front matter (`---`) is not read: write it as TOML between `+++` lines (`title = \"...\"`)",
        ),
        None => {}
    }
    let Some(fm) = &doc.front_matter else {
        return FrontInfo::default();
    };
    let base = fm.body.start;
    let body = &doc.text[fm.body.clone()];
    // Parsed twice: as a table to name unknown keys, then into the typed shape; a syntax or
    // type error is one P101 either way.
    let syntax_error = |ctx: &mut Ctx<'_>, e: &toml::de::Error| {
        let (_, message) = crate::rules::toml_error_parts(body, e);
        let at = base + e.span().map_or(0, |s| s.start);
        ctx.push(
            "P101",
            at,
            None,
            message.clone(),
            format!("front matter: {message}"),
        );
    };
    match toml::from_str::<toml::Table>(body) {
        Ok(table) => {
            for key in table
                .keys()
                .filter(|k| !FRONT_MATTER_KEYS.contains(&k.as_str()))
            {
                let key_at = Regex::new(&format!(
                    r#"(?m)^[ \t]*["']?{}["']?[ \t]*="#,
                    regex::escape(key)
                ))
                .ok()
                .and_then(|re| re.find(body))
                .map_or(0, |m| {
                    m.start() + (m.as_str().len() - m.as_str().trim_start().len())
                });
                let hint = did_you_mean(key, FRONT_MATTER_KEYS.iter().copied())
                    .map(|x| format!(" (did you mean `{x}`?)"))
                    .unwrap_or_default();
                ctx.push(
                    "P101",
                    base + key_at,
                    None,
                    format!("key:{key}"),
                    format!(
                        "front matter: unknown key `{key}`{hint}; expected one of {}",
                        FRONT_MATTER_KEYS.join(", ")
                    ),
                );
            }
        }
        Err(e) => {
            syntax_error(ctx, &e);
            return FrontInfo::default();
        }
    }
    let raw: RawFrontMatter = match toml::from_str(body) {
        Ok(r) => r,
        Err(e) => {
            syntax_error(ctx, &e);
            return FrontInfo::default();
        }
    };
    let mut out = FrontInfo::default();
    let at = |s: &Range<usize>| base + s.start;

    let id = raw.id.as_ref().map(|i| i.get_ref().trim().to_owned());
    if let Some(i) = &raw.id {
        let v = i.get_ref().trim();
        if v.is_empty() || v.chars().any(char::is_whitespace) {
            ctx.push(
                "P102",
                at(&i.span()),
                None,
                "id",
                format!("`id` \"{v}\" must be non-empty and without spaces (it becomes the backlog item id)"),
            );
        }
        placeholder_value(ctx, "id", v, at(&i.span()));
    }
    if let Some(t) = &raw.title {
        let v = t.get_ref().trim();
        if v.is_empty() {
            ctx.push(
                "P102",
                at(&t.span()),
                None,
                "title",
                "`title` must not be empty",
            );
        } else {
            out.title = Some((v.to_owned(), at(&t.span())));
        }
        placeholder_value(ctx, "title", v, at(&t.span()));
    }
    if let Some(a) = &raw.author {
        let ok = match a.get_ref() {
            toml::Value::String(s) => {
                placeholder_value(ctx, "author", s, at(&a.span()));
                true
            }
            toml::Value::Array(v) => v.iter().all(toml::Value::is_str),
            _ => false,
        };
        if !ok {
            ctx.push(
                "P102",
                at(&a.span()),
                None,
                "author",
                format!(
                    "`author` must be a name or a list of names, got {}",
                    describe(a.get_ref())
                ),
            );
        }
    }
    let mut reaches_backlog = false;
    if let Some(s) = &raw.status {
        let v = s.get_ref().trim().to_ascii_lowercase();
        match STATUSES.iter().find(|(k, _)| *k == v) {
            Some((_, b)) => reaches_backlog = *b,
            None => {
                let names: Vec<&str> = STATUSES.iter().map(|(k, _)| *k).collect();
                let hint = did_you_mean(&v, names.iter().copied())
                    .map(|x| format!(" (did you mean `{x}`?)"))
                    .unwrap_or_default();
                ctx.push(
                    "P102",
                    at(&s.span()),
                    None,
                    "status",
                    format!(
                        "unknown `status` \"{}\": expected draft, proposed, accepted, in-progress, implemented, rejected or withdrawn{hint}",
                        s.get_ref()
                    ),
                );
            }
        }
    }
    if let Some(tiers) = &raw.tiers {
        let known: Vec<&str> = set
            .labels_of(Family::Tiers)
            .map(|l| l.id.as_str())
            .collect();
        let mut list = Vec::new();
        for t in tiers {
            let v = t.get_ref().trim().to_ascii_lowercase();
            let v = if v == "faculty" {
                "researcher".to_owned()
            } else {
                v
            };
            if known.contains(&v.as_str()) {
                list.push((v, at(&t.span())));
            } else {
                let hint = did_you_mean(&v, known.iter().copied())
                    .map(|x| format!(" (did you mean `{x}`?)"))
                    .unwrap_or_default();
                ctx.push(
                    "P102",
                    at(&t.span()),
                    None,
                    format!("tier:{v}"),
                    format!(
                        "unknown tier `{}`: expected {} (faculty counts as researcher){hint}",
                        t.get_ref(),
                        known.join(", ")
                    ),
                );
            }
        }
        out.tiers = Some(list);
    }
    type Validate = fn(&toml::Value) -> Result<(), String>;
    let fields: [(&str, &Option<Spanned<toml::Value>>, Validate); 4] = [
        ("reach", &raw.reach, validate_reach),
        ("impact", &raw.impact, validate_impact),
        ("confidence", &raw.confidence, validate_confidence),
        ("effort", &raw.effort, validate_effort),
    ];
    let mut missing = Vec::new();
    for (name, value, validate) in fields {
        match value {
            Some(v) => {
                if let Err(e) = validate(v.get_ref()) {
                    ctx.push("P102", at(&v.span()), None, name, e);
                }
            }
            None => missing.push(name),
        }
    }
    if let Some(deps) = &raw.depends_on {
        for d in deps {
            let v = d.get_ref().trim();
            if v.is_empty() || v.chars().any(char::is_whitespace) {
                ctx.push(
                    "P102",
                    at(&d.span()),
                    None,
                    format!("depends_on:{v}"),
                    format!("`depends_on` entry \"{v}\" must be a backlog item id (non-empty, no spaces)"),
                );
            } else if id.as_deref() == Some(v) {
                ctx.push(
                    "P102",
                    at(&d.span()),
                    None,
                    format!("depends_on:{v}"),
                    format!("the proposal `{v}` depends on itself"),
                );
            }
        }
    }
    if reaches_backlog {
        if raw.id.is_none() {
            missing.insert(0, "id");
        }
        if raw.title.is_none() {
            missing.insert(usize::from(raw.id.is_none()), "title");
        }
        if !missing.is_empty() {
            let status = raw.status.as_ref().map_or(0, |s| at(&s.span()));
            ctx.push(
                "P103",
                status,
                None,
                missing.join(","),
                format!(
                    "status `{}` puts the proposal in the backlog, which needs {}: add {} to the front matter",
                    raw.status.as_ref().map_or("", |s| s.get_ref().as_str()),
                    missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", "),
                    if missing.len() == 1 { "it" } else { "them" }
                ),
            );
        }
    }
    let _ = raw.tags;
    out
}

// ---------------------------------------------------------------------------------------
// Structure (P001-P005)

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \b(?:TODO|TBD|FIXME|XXX)\b
        | (?i:lorem\ ipsum)
        | <[a-z][^<>=\x22/]*\s[^<>=\x22]*>
        | (?i:\[(?:fill\ (?:me\ )?in|describe[^\]]*|insert[^\]]*|your\ [^\]]*|placeholder[^\]]*)\])
        ",
    )
    .expect("static regex")
});

static INLINE_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"`+[^`]*`+").expect("static regex"));

/// Placeholder matches in a line of masked text, with inline code blanked: byte ranges
/// relative to the line.
fn placeholders(line: &str) -> Vec<Range<usize>> {
    let mut blanked = std::borrow::Cow::Borrowed(line);
    if line.contains('`') {
        let owned = blanked.to_mut();
        for m in INLINE_CODE.find_iter(line) {
            owned.replace_range(m.range(), &" ".repeat(m.len()));
        }
    }
    PLACEHOLDER
        .find_iter(&blanked)
        .filter(|m| {
            let after = &blanked[m.end()..];
            // DS01's own marker for YAML keys that are not implemented yet.
            let ds01_marker = m.as_str() == "TODO" && after.starts_with("-NOT-IMPLEMENTED");
            // A Markdown link `[describe it](url)` is not a placeholder.
            let link = m.as_str().starts_with('[') && after.starts_with('(');
            !(ds01_marker || link)
        })
        .map(|m| m.range())
        .collect()
}

fn placeholder_value(ctx: &mut Ctx<'_>, key: &str, value: &str, at: usize) {
    if let Some(r) = placeholders(value).first() {
        ctx.push(
            "P003",
            at,
            None,
            format!("front-matter:{key}"),
            format!(
                "placeholder `{}` left in the front matter's `{key}`: replace it",
                &value[r.clone()]
            ),
        );
    }
}

fn structure(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    // Placeholders, line by line, outside code.
    let mut placeholder_lines: BTreeSet<usize> = BTreeSet::new();
    for r in &doc.lines {
        if doc.in_code(r.start) {
            continue;
        }
        let masked = doc.masked(r.clone());
        for m in placeholders(masked) {
            let at = r.start + m.start;
            let in_section = doc.section_at(at);
            let section = in_section.and_then(|s| s.id);
            let place = match (section, in_section) {
                (Some(id), _) => format!(" `{}`", section_title(id)),
                (None, Some(s)) if s.heading.line_start == r.start => " the heading".to_owned(),
                (None, Some(s)) if s.heading.level == 1 => " the introduction".to_owned(),
                (None, Some(s)) => format!(" `{}`", s.heading.text),
                (None, None) => String::new(),
            };
            ctx.push(
                "P003",
                at,
                section,
                doc.text[r.clone()].trim(),
                format!(
                    "placeholder `{}` left in{place}: replace it with the answer",
                    &masked[m]
                ),
            );
            placeholder_lines.insert(r.start);
        }
    }

    // Canonical sections: duplicates and empties.
    let mut first: BTreeMap<&'static str, &proposal::Section> = BTreeMap::new();
    for s in &doc.sections {
        let Some(id) = s.id else { continue };
        if let Some(f) = first.get(id) {
            let nested = s.heading.line_start >= f.heading.line_start && s.body.end <= f.body.end;
            if !nested {
                ctx.push(
                    "P004",
                    s.heading.at,
                    Some(id),
                    format!("{id}:{}", s.heading.text),
                    format!(
                        "`{}` names the section `{}` again (first on line {}): merge the two",
                        s.heading.text,
                        section_title(id),
                        ctx.line(f.heading.at)
                    ),
                );
            }
            continue;
        }
        first.insert(id, s);
        let heading_lines: Vec<Range<usize>> = doc
            .sections
            .iter()
            .map(|x| x.heading.line_start..x.heading.end)
            .collect();
        let has_content = doc.lines.iter().any(|r| {
            r.start >= s.body.start
                && r.end <= s.body.end
                && !heading_lines
                    .iter()
                    .any(|h| h.start <= r.start && r.end <= h.end)
                && !placeholder_lines.contains(&r.start)
                && !doc.masked(r.clone()).trim().is_empty()
        });
        let has_placeholder = placeholder_lines
            .iter()
            .any(|&l| l >= s.body.start && l < s.body.end);
        if !has_content && !has_placeholder {
            ctx.push(
                "P002",
                s.heading.at,
                Some(id),
                id,
                format!(
                    "section `{}` is empty: answer it, even if only with \"None\" and why",
                    s.heading.text
                ),
            );
        }
    }

    for id in &ctx.settings.required {
        if doc.section(id).is_none() {
            let title = section_title(id);
            ctx.push(
                "P001",
                ctx.title_at,
                Some(id),
                *id,
                format!(
                    "missing required section `{title}`: add a `## {title}` heading and answer it"
                ),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Requirements decided by the analysis (P201-P205)

static NO_FREE_GPU: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        \bno\s+(?:free\s+|available\s+|idle\s+|spare\s+)?(?:gpus?|mig|slices?|slots?|instances?|capacity)\b
        | \b(?:gpus?|slices?|slots?|instances?|mig)\b[^.\n]{0,40}\b(?:busy|taken|full|exhausted|unavailable|in\ use|occupied|all\ allocated)\b
        | \b(?:none|nothing)\s+(?:is\s+|are\s+)?(?:free|available|left)\b
        | \b(?:gpu[-\ ])?queue[ds]?\b|\bqueuing\b|\bqueueing\b
        | \bwait(?:s|ing)?\s+(?:for|in|until)\b
        | \bfall(?:s|ing)?\s+back\b|\bfallback\b|\bcpu[-\ ]only\b
        | \brefus(?:e|es|ed|al)\b|\breject(?:s|ed)?\b|\bdenied\b
        | \bat\s+capacity\b|\bout\s+of\s+(?:gpus?|slices?|capacity)\b
        | \b(?:if|when|while|until)\b[^.\n]{0,60}\b(?:free|available|busy|full|taken|exhausted|in\ use)\b
        ",
    )
    .expect("static regex")
});

static ROLLBACK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)\b(?:roll(?:ed|s|ing)?[-\ ]?back|backups?|back(?:ed)?[-\ ]up|restor(?:e|es|ed|ing)|snapshots?|dry[-\ ]run|undo|revert(?:s|ed)?|recover(?:y|s|ed)?|grace\ period|archiv(?:e|es|ed)|trash|soft[-\ ]delete)\b",
    )
    .expect("static regex")
});

static MAINTENANCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)\b(?:maintenance(?:\ window)?|downtime|announc(?:e|es|ed|ement)|notif(?:y|ies|ied|ication)|notice|warn(?:s|ed|ing)?|drain(?:s|ed|ing)?|off[-\ ]peak|schedul(?:e|ed)|in\ advance|ahead\ of\ time|semester\ break|overnight)\b",
    )
    .expect("static regex")
});

/// Where a concern came from: `“MIG slice” (line 9)`, or the rule that inferred it.
fn evidence_text(doc: &Document<'_>, ev: &[Evidence]) -> (String, Option<usize>) {
    match ev.iter().find(|e| e.span.is_some()) {
        Some(e) => {
            let at = e.span.map_or(0, |s| s[0]);
            (
                format!(
                    "“{}” on line {}",
                    e.matched.trim(),
                    line_col(doc.text, at).0
                ),
                Some(at),
            )
        }
        None => (
            ev.first().map_or_else(
                || "the analysis".to_owned(),
                |e| format!("rule `{}`", e.rule),
            ),
            None,
        ),
    }
}

/// The section's text as prose (comments and front matter blanked).
fn section_text<'a>(doc: &'a Document<'a>, id: &str) -> Option<&'a str> {
    doc.section(id).map(|s| doc.masked(s.body.clone()))
}

fn has_content(text: &str) -> bool {
    text.lines().any(|l| !l.trim().is_empty())
}

fn requirements(ctx: &mut Ctx<'_>, set: &RuleSet, a: &Analysis) {
    let doc = ctx.doc;
    let title_at = ctx.title_at;
    // Where a requirement's finding points: the section that should answer it, else the
    // evidence, else the title.
    let target = |id: &str, evidence_at: Option<usize>| {
        doc.section(id)
            .map(|s| s.heading.at)
            .or(evidence_at)
            .unwrap_or(title_at)
    };

    if !matches!(a.gpu_impact.value.as_str(), "none" | "unknown") {
        let (from, ev_at) = evidence_text(doc, &a.gpu_impact.evidence);
        let what = format!("GPU impact is `{}` (from {from})", a.gpu_impact.value);
        let answered = section_text(doc, "gpu-impact").is_some_and(|t| NO_FREE_GPU.is_match(t));
        if !answered {
            let message = if doc.section("gpu-impact").is_some() {
                format!(
                    "{what}, but `GPU and MIG impact` does not say what happens when no GPU or MIG slice is free (a queue, a refusal with the next step, a CPU-only fallback)"
                )
            } else {
                format!(
                    "{what}, but there is no `GPU and MIG impact` section saying what happens when no GPU or MIG slice is free"
                )
            };
            let at = target("gpu-impact", ev_at);
            ctx.push(
                "P201",
                at,
                Some("gpu-impact"),
                a.gpu_impact.value.clone(),
                message,
            );
        }
    }

    let principles_text = section_text(doc, "principles").map(str::to_lowercase);
    for p in &a.principles.strained {
        let name = set
            .label(Family::Principles, &p.id)
            .map_or_else(|| p.id.clone(), |l| l.name.clone());
        let mentioned = principles_text.as_deref().is_some_and(|t| {
            t.contains(&p.id)
                || t.contains(&p.id.replace('-', " "))
                || t.contains(&name.to_lowercase())
        });
        if mentioned {
            continue;
        }
        let (from, ev_at) = evidence_text(doc, &p.evidence);
        let message = if doc.section("principles").is_some() {
            format!(
                "the proposal strains `{}` (from {from}), but `Principles and exceptions` does not name it: justify the exception (why, for whom, how it is limited)",
                p.id
            )
        } else {
            format!(
                "the proposal strains `{}` (from {from}), but there is no `Principles and exceptions` section justifying the exception",
                p.id
            )
        };
        let at = target("principles", ev_at);
        ctx.push("P202", at, Some("principles"), p.id.clone(), message);
    }

    let risk = |id: &str| a.risks.iter().find(|r| r.id == id);
    let rollout = section_text(doc, "rollout");
    // Risks that the rollout section must answer: (risk, what answers it, code, requirement).
    let rollout_requirements: [(&str, &Regex, &'static str, &str); 2] = [
        (
            "data-loss",
            &ROLLBACK,
            "P203",
            "data-loss risk (from {from}): `Rollout and rollback` must give a rollback or backup plan (backup, restore, dry run, grace period, undo)",
        ),
        (
            "live-disruption",
            &MAINTENANCE,
            "P205",
            "the change interrupts running work (from {from}): `Rollout and rollback` should say when the maintenance window is and how owners of running containers are told",
        ),
    ];
    for (id, answer, code, requirement) in rollout_requirements {
        let Some(r) = risk(id) else { continue };
        if rollout.is_some_and(|t| answer.is_match(t)) {
            continue;
        }
        let (from, ev_at) = evidence_text(doc, &r.evidence);
        let missing = if rollout.is_none() {
            "; the section is missing"
        } else {
            ""
        };
        let message = format!("{}{missing}", requirement.replace("{from}", &from));
        let at = target("rollout", ev_at);
        ctx.push(code, at, Some("rollout"), id, message);
    }
    let heavy: Vec<&crate::analyze::Finding> = ["scope-creep", "state-drift"]
        .iter()
        .filter_map(|id| risk(id))
        .collect();
    if let Some(first) = heavy.first() {
        let alternatives = section_text(doc, "alternatives");
        if !alternatives.is_some_and(has_content) {
            let ev: Vec<Evidence> = heavy.iter().flat_map(|r| r.evidence.clone()).collect();
            let (from, ev_at) = evidence_text(doc, &ev);
            let ids: Vec<String> = heavy.iter().map(|r| format!("`{}`", r.id)).collect();
            let message = format!(
                "a heavy new dependency (from {from}; risk {}) needs `Alternatives considered`: compare building a small piece, integrating an existing tool, configuring what exists, and doing nothing{}",
                ids.join(", "),
                if alternatives.is_none() {
                    ""
                } else {
                    "; the section is empty"
                }
            );
            let at = target("alternatives", ev_at);
            ctx.push("P204", at, Some("alternatives"), first.id.clone(), message);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Questions (P301, P302)

use crate::questions::normalize;

const STOPWORDS: &[&str] = &[
    "about", "above", "after", "again", "against", "also", "another", "anyone", "because", "been",
    "before", "being", "below", "between", "both", "cannot", "could", "does", "doing", "done",
    "down", "during", "each", "else", "even", "every", "first", "from", "further", "have",
    "having", "here", "instead", "into", "itself", "just", "like", "make", "many", "might", "more",
    "most", "much", "must", "need", "needs", "never", "none", "only", "other", "others", "over",
    "same", "should", "since", "some", "still", "such", "than", "that", "their", "them", "then",
    "there", "these", "they", "this", "those", "through", "under", "until", "upon", "very", "want",
    "were", "what", "when", "where", "whether", "which", "while", "whom", "whose", "will", "with",
    "within", "without", "would", "your", "happens", "happen", "today", "change", "changes",
    "feature", "users", "user", "ds01", "gets", "give", "tell", "know", "time", "next", "case",
    "they", "what's", "once", "asked", "this", "used", "uses", "using", "work", "works", "kind",
    "sure", "able", "thing",
];
const SHORT_TERMS: &[&str] = &[
    "gpu", "mig", "cpu", "tty", "ssh", "api", "vpn", "uid", "ldap",
];

fn stem(word: &str) -> String {
    let mut w = word.to_lowercase();
    for suffix in ["ing", "ed", "es", "s"] {
        if w.len() >= suffix.len() + 3 && w.ends_with(suffix) {
            w.truncate(w.len() - suffix.len());
            break;
        }
    }
    if w.len() > 3 && w.ends_with('e') {
        w.pop();
    }
    if let Some((cut, _)) = w.char_indices().nth(6) {
        w.truncate(cut);
    }
    w
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The key terms of a question: content words, deduplicated by stem, in order.
fn key_terms(question: &str) -> Vec<(String, String)> {
    let mut seen = BTreeSet::new();
    words(question)
        .filter_map(|w| {
            let lw = w.to_lowercase();
            let keep = (lw.len() >= 4 && !STOPWORDS.contains(&lw.as_str()))
                || SHORT_TERMS.contains(&lw.as_str());
            (keep && !lw.chars().all(|c| c.is_ascii_digit())).then(|| (stem(&lw), lw))
        })
        .filter(|(s, _)| seen.insert(s.clone()))
        .collect()
}

fn is_question_box(
    doc: &Document<'_>,
    set_questions: &HashSet<String>,
    b: &proposal::Checkbox,
) -> bool {
    let t = b.text.trim_end_matches(['*', '_', ' ']);
    t.ends_with('?')
        || doc.section_at(b.at).and_then(|s| s.id) == Some("open-questions")
        || doc
            .sections
            .iter()
            .any(|s| s.id == Some("open-questions") && s.body.contains(&b.at))
        || set_questions.contains(&normalize(t))
}

fn questions(ctx: &mut Ctx<'_>, set: &RuleSet, a: &Analysis) {
    let doc = ctx.doc;
    let known = set.question_keys();

    let boxes: Vec<&proposal::Checkbox> = doc
        .checkboxes
        .iter()
        .filter(|b| is_question_box(doc, known, b))
        .collect();
    for b in &boxes {
        if !b.checked {
            let shown: String = if b.text.chars().count() > 120 {
                b.text.chars().take(117).collect::<String>() + "..."
            } else {
                b.text.clone()
            };
            ctx.push(
                "P301",
                b.at,
                None,
                normalize(&b.text),
                format!(
                    "open question left unanswered: “{shown}”; answer it and tick the box (`- [x]`)"
                ),
            );
        }
    }

    if ctx.settings.top_questions == 0 {
        return;
    }
    // The text that may answer a question: the proposal and the answers under its open
    // questions, but not the checklist items, headings or placeholders.
    let answer_text = prose(doc, false);
    let present: HashSet<String> = words(&answer_text).map(stem).collect();
    let at = doc
        .section("open-questions")
        .map_or(ctx.title_at, |s| s.heading.at);
    for q in top_questions(a, ctx.settings) {
        let key = normalize(&q.text);
        if let Some(b) = doc.checkboxes.iter().find(|b| normalize(&b.text) == key) {
            // Ticked: addressed. Open: P301 already says so.
            let _ = b;
            continue;
        }
        let terms = key_terms(&q.text);
        let (found, missing): (Vec<_>, Vec<_>) =
            terms.iter().partition(|(s, _)| present.contains(s));
        // "Never addresses": a third of the key terms (at least two) is enough.
        let needed = terms.len().div_ceil(3).max(terms.len().min(2));
        if found.len() >= needed {
            continue;
        }
        let list = |v: &[&(String, String)]| {
            v.iter()
                .map(|(_, w)| w.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        ctx.push(
            "P302",
            at,
            Some("open-questions"),
            key,
            format!(
                "top question for this proposal not addressed: “{}” (heuristic: found {} of its {} key terms outside the checklist{}{}); answer it in the text, or paste the checklist from `ds01-pm questions -f FILE --format markdown` and tick it once answered",
                q.text,
                found.len(),
                terms.len(),
                if found.is_empty() { String::new() } else { format!(": {}", list(&found)) },
                if missing.is_empty() { String::new() } else { format!("; missing: {}", list(&missing)) },
            ),
        );
    }
}

// ---------------------------------------------------------------------------------------
// The pipeline

/// The proposal as prose: the masked document without checklist items, placeholder lines
/// and the headings of canonical sections (so that "## GPU and MIG impact" is not itself
/// evidence of GPU impact). For the concern analysis (`for_analysis`), the alternatives
/// (options the proposal rejects) and the open questions (pasted tool output and answers)
/// are dropped too: the concerns are those of what the proposal would do.
fn prose(doc: &Document<'_>, for_analysis: bool) -> String {
    let mut t = doc.masked.clone();
    // Blank a range byte for byte (a multi-byte character becomes as many spaces), so that
    // the byte offsets of every later range still point at the same text.
    let mut blank = |r: Range<usize>| {
        let s: String = t[r.clone()]
            .chars()
            .flat_map(|c| {
                let n = if c == '\n' { 0 } else { c.len_utf8() };
                std::iter::repeat_n(' ', n).chain((c == '\n').then_some('\n'))
            })
            .collect();
        t.replace_range(r, &s);
    };
    for s in &doc.sections {
        if s.id.is_some() {
            blank(s.heading.line_start..s.heading.end);
        }
        if for_analysis && matches!(s.id, Some("open-questions" | "alternatives")) {
            blank(s.body.clone());
        }
    }
    for b in &doc.checkboxes {
        blank(b.line.clone());
    }
    // Unfinished lines ("TODO: describe the GPU impact") are template text, not the proposal.
    for r in &doc.lines {
        if !doc.in_code(r.start) && !placeholders(doc.masked(r.clone())).is_empty() {
            blank(r.clone());
        }
    }
    t
}

/// The concern analysis of a proposal, as every check that depends on it sees it.
fn analysis_of(set: &RuleSet, doc: &Document<'_>) -> Analysis {
    crate::analyze::analyze(set, &prose(doc, true))
}

/// The concern analysis `check` runs on a proposal's text. `new` runs it on the proposal it
/// is writing, so that the two agree on the concerns and the top questions.
pub(crate) fn analysis(set: &RuleSet, settings: &Settings, text: &str) -> Analysis {
    analysis_of(set, &proposal::scan(text, &settings.synonyms))
}

/// The questions P302 looks for: the first `[check] top_questions` of the analysis's top list.
pub(crate) fn top_questions<'a>(
    a: &'a Analysis,
    settings: &Settings,
) -> impl Iterator<Item = &'a crate::questions::Item> {
    a.questions.top.iter().take(settings.top_questions)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Run every check on one document.
pub(crate) fn run(set: &RuleSet, settings: &Settings, path: &str, text: &str) -> FileReport {
    let doc = proposal::scan(text, &settings.synonyms);
    let mut ctx = Ctx {
        doc: &doc,
        settings,
        raws: Vec::new(),
        title_at: 0,
    };
    let front = front_matter(&mut ctx, set);
    let (title, title_at) = match (doc.title_heading(), &front.title) {
        (Some(h), _) => (Some(h.text.clone()), h.at),
        (None, Some((t, at))) => (Some(t.clone()), *at),
        (None, None) => (None, 0),
    };
    ctx.title_at = title_at;
    if title.is_none() {
        ctx.push(
            "P005",
            0,
            None,
            "title",
            "the proposal has no title: start it with a `# Title` heading",
        );
    }
    structure(&mut ctx);

    let analysis = analysis_of(set, &doc);
    requirements(&mut ctx, set, &analysis);
    if let Some(declared) = &front.tiers {
        // Only well-supported tiers: a single passing mention ("users") is not a disagreement.
        for t in analysis.tiers.iter().filter(|t| t.score >= 2.0) {
            if !declared.iter().any(|(d, _)| *d == t.id) {
                let (from, _) = evidence_text(&doc, &t.evidence);
                let at = declared.first().map_or(title_at, |(_, at)| *at);
                ctx.push(
                    "P104",
                    at,
                    None,
                    t.id.clone(),
                    format!(
                        "the text also concerns `{}` (from {from}), which `tiers` does not list",
                        t.id
                    ),
                );
            }
        }
    }
    questions(&mut ctx, set, &analysis);

    let (mut sups, invalid) = suppress::parse(&doc);
    let raws = std::mem::take(&mut ctx.raws);
    let (kept, silenced) = suppress::apply(raws, &mut sups);
    let mut kept = kept;
    for inv in invalid {
        kept.push(Raw {
            check: info("P902"),
            at: inv.at,
            message: inv.message,
            about: None,
            key: doc.text[doc.line_of(inv.at)].trim().to_owned(),
        });
    }
    for s in &sups {
        for (code, used) in &s.codes {
            if !used {
                let c = info(code);
                kept.push(Raw {
                    check: info("P901"),
                    at: s.at,
                    message: format!(
                        "suppression of `{}` ({}) matches no finding: remove it, or move it into the section the finding is reported in",
                        c.code, c.name
                    ),
                    about: None,
                    key: format!("{}:{}", c.code, s.reason),
                });
            }
        }
    }

    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut finish = |r: &Raw| -> Option<Finding> {
        let severity = settings.severity_of(r.check)?;
        let (line, column) = line_col(text, r.at);
        let n = seen
            .entry((r.check.code.to_owned(), r.key.clone()))
            .or_default();
        let fp = fnv1a(format!("ds01-pm/1\0{}\0{path}\0{}\0{n}", r.check.code, r.key).as_bytes());
        *n += 1;
        Some(Finding {
            code: r.check.code,
            name: r.check.name,
            severity,
            message: r.message.clone(),
            line,
            column,
            section: r.about,
            fingerprint: format!("{fp:016x}"),
        })
    };
    let order = |v: &mut Vec<Raw>| {
        v.sort_by(|a, b| (a.at, a.check.code, &a.message).cmp(&(b.at, b.check.code, &b.message)));
    };
    order(&mut kept);
    let findings: Vec<Finding> = kept.iter().filter_map(&mut finish).collect();
    let mut silenced = silenced;
    silenced.sort_by(|(a, _), (b, _)| {
        (a.at, a.check.code, &a.message).cmp(&(b.at, b.check.code, &b.message))
    });
    let suppressed = silenced
        .iter()
        .filter_map(|(r, i)| {
            let s = &sups[*i];
            finish(r).map(|finding| SuppressedFinding {
                finding,
                reason: s.reason.clone(),
                suppressed_at: line_col(text, s.at).0,
            })
        })
        .collect();

    FileReport {
        path: path.to_owned(),
        title,
        title_line: line_col(text, title_at).0,
        findings,
        suppressed,
        concerns: analysis.concerns(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_codes_and_names_are_unique_and_documented() {
        let code = Regex::new(r"^P[0-9]{3}$").expect("regex");
        let name = Regex::new(r"^[a-z]+(-[a-z]+)*$").expect("regex");
        let mut codes = BTreeSet::new();
        let mut names = BTreeSet::new();
        for c in CHECKS {
            assert!(code.is_match(c.code), "{}", c.code);
            assert!(name.is_match(c.name), "{}", c.name);
            assert!(codes.insert(c.code), "duplicate {}", c.code);
            assert!(names.insert(c.name), "duplicate {}", c.name);
            assert!(c.summary.ends_with('.') && c.help.len() > 80, "{}", c.code);
        }
        let sorted: Vec<_> = CHECKS.iter().map(|c| c.code).collect();
        let mut again = sorted.clone();
        again.sort_unstable();
        assert_eq!(sorted, again, "registry in code order");
    }

    #[test]
    fn placeholders_skip_code_links_and_ds01_markers() {
        assert_eq!(placeholders("TODO: write this").len(), 1);
        assert_eq!(placeholders("<describe the problem>").len(), 1);
        assert_eq!(
            placeholders("keys marked TODO-NOT-IMPLEMENTED in the YAML").len(),
            0
        );
        assert_eq!(placeholders("the `TODO` marker").len(), 0);
        assert_eq!(placeholders("see <https://example.org>").len(), 0);
        assert_eq!(placeholders("a <details> tag").len(), 0);
        assert_eq!(placeholders("[describe it](https://x)").len(), 0);
        assert_eq!(placeholders("[describe the users]").len(), 1);
        assert_eq!(placeholders("todo list of tasks").len(), 0);
    }

    #[test]
    fn key_terms_drop_stopwords_and_share_stems() {
        let t = key_terms("What is the rollback or backup plan if this deletes the wrong data?");
        let words: Vec<&str> = t.iter().map(|(_, w)| w.as_str()).collect();
        assert_eq!(
            words,
            ["rollback", "backup", "plan", "deletes", "wrong", "data"]
        );
        assert_eq!(stem("queued"), stem("queue"));
        assert_eq!(stem("allocations"), stem("allocation"));
    }

    #[test]
    fn fingerprints_do_not_depend_on_line_numbers() {
        assert_eq!(fnv1a(b"abc"), fnv1a(b"abc"));
        assert_ne!(fnv1a(b"abc"), fnv1a(b"abd"));
    }
}
