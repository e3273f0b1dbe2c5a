//! The checks: the functions that find each problem (the codes and their help text are
//! registered in `diag::check`), one file per code family: P0xx [`structure`], P1xx
//! [`front_matter`], P2xx [`requirements`] decided by the concern analysis, P3xx [`questions`].
//! This file runs them and applies the suppressions (P9xx).
mod front_matter;
mod questions;
mod requirements;
mod structure;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use super::proposal::{self, Document, SECTIONS, Shape};
use super::suppress;
use super::{FileReport, Finding, Settings, SuppressedFinding};
use crate::analyze::{Analysis, Evidence};
use crate::diag::check::{
    CheckInfo, P001, P002, P003, P004, P005, P101, P102, P103, P104, P201, P202, P203, P204, P205,
    P301, P302, P901, P902,
};
use crate::rules::{Family, RuleSet};
use crate::text::did_you_mean;

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
        check: &'static CheckInfo,
        at: usize,
        about: Option<&'static str>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.raws.push(Raw {
            check,
            at,
            message: message.into(),
            about,
            key: key.into(),
        });
    }

    fn line(&self, at: usize) -> usize {
        self.doc.index.line(at)
    }
}

fn section_title(id: &str) -> &'static str {
    SECTIONS
        .iter()
        .find(|(s, _)| *s == id)
        .map_or("?", |(_, t)| t)
}

use front_matter::front_matter;
use questions::questions;
use requirements::{evidence_text, requirements};
use structure::{placeholder_value, placeholders, structure};

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

/// A text as `analyze` and `questions` read it: a Markdown proposal (one with a canonical
/// section) as `check` reads it for its concern analysis ([`prose`]: without the headings of
/// canonical sections, the alternatives it rejects, its open questions, checklist items and
/// placeholder lines), so that the two agree; heading names are the defaults (no
/// `ds01-pm.toml`). Any other text as it is, but for an issue form's labels
/// ([`super::form::prose`]), and so is a proposal with nothing else (only alternatives or open
/// questions): its words are all there is to read. Offsets still point at the text.
pub(crate) fn analysis_prose(text: &str) -> std::borrow::Cow<'_, str> {
    let doc = proposal::scan(text, &[]);
    if doc.sections.iter().any(|s| s.id.is_some()) {
        let p = prose(&doc, true);
        if !p.trim().is_empty() {
            return std::borrow::Cow::Owned(p);
        }
    }
    super::form::prose(text)
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
) -> impl Iterator<Item = &'a crate::analyze::questions::Item> {
    a.questions.top.iter().take(settings.top_questions)
}

/// A line as the key of its findings (what their fingerprints hash): the trimmed line, or for
/// a line over 256 bytes its first 200 bytes and a hash of the whole, so that thousands of
/// findings on one long line do not each copy it (1 MiB × 150,000 findings was 150 GB).
pub(super) fn line_key(line: &str) -> String {
    let line = line.trim();
    if line.len() <= 256 {
        return line.to_owned();
    }
    let mut cut = 200;
    while !line.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…#{:016x}", &line[..cut], fnv1a(line.as_bytes()))
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
            &P005,
            0,
            None,
            "title",
            if doc.form {
                // An issue's title is not in its body: the triage workflow prepends it.
                "the issue form's body has no title: write the issue's title before it as a `# Title` line (examples/issue-triage.yml does)"
            } else {
                "the proposal has no title: start it with a `# Title` heading"
            },
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
                    &P104,
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
    let (kept, silenced) = suppress::apply(&doc, raws, &mut sups);
    let mut kept = kept;
    for inv in invalid {
        kept.push(Raw {
            check: &P902,
            at: inv.at,
            message: inv.message,
            about: None,
            key: line_key(&doc.text[doc.line_of(inv.at)]),
        });
    }
    for s in &sups {
        for (code, used) in &s.codes {
            if !used {
                // Suppressions hold only codes they found in the registry.
                let Some(c) = crate::diag::check::find(code) else {
                    continue;
                };
                kept.push(Raw {
                    check: &P901,
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
        let (line, column) = doc.index.line_col(r.at);
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
                suppressed_at: doc.index.line(s.at),
            })
        })
        .collect();

    FileReport {
        path: path.to_owned(),
        title,
        title_line: doc.index.line(title_at),
        findings,
        suppressed,
        concerns: analysis.concerns(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_do_not_depend_on_line_numbers() {
        assert_eq!(fnv1a(b"abc"), fnv1a(b"abc"));
        assert_ne!(fnv1a(b"abc"), fnv1a(b"abd"));
    }
}
