//! `ds01-pm adr`: a decision record (MADR layout) prefilled from the analysis of its title and
//! context. Building the record is pure; `report::adr` renders it and `commands::adr` numbers
//! and writes the file.
use std::path::Path;

use serde::Serialize;

use crate::analyze::questions::Item;
use crate::analyze::{Analysis, Evidence, Finding};
use crate::rules::{DesignOption, Family, RuleSet};

/// Where records go when neither `--dir` nor `[adr] dir` says otherwise.
pub const DEFAULT_DIR: &str = "docs/decisions";
/// How many of the analysis's questions the record lists as open.
pub const OPEN_QUESTIONS: usize = 8;

/// A principle the decision touches or a risk it must settle, and the evidence for it.
#[derive(Debug, Clone, Serialize)]
pub struct Driver {
    /// `supports` or `strains` a principle, or a `risk` to settle.
    pub effect: &'static str,
    pub id: String,
    pub name: String,
    pub description: String,
    /// Matched text and the rule that matched it.
    pub evidence: Vec<String>,
}

/// A considered option, with where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct ConsideredOption {
    #[serde(flatten)]
    pub option: DesignOption,
    /// The rule that carries it; `None` for "do nothing".
    pub from_rule: Option<String>,
}

/// A consequence: good (a principle supported) or bad (a risk, a principle strained).
#[derive(Debug, Clone, Serialize)]
pub struct Consequence {
    pub good: bool,
    /// `supports`, `strains` or `risk`.
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    pub description: String,
}

/// Everything a decision record says before its author decides.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub title: String,
    pub status: &'static str,
    pub date: String,
    /// The context as given (`--context` or `-f`), if any.
    pub context: Option<String>,
    pub analysis: Analysis,
    pub drivers: Vec<Driver>,
    pub options: Vec<ConsideredOption>,
    /// Solution-space questions of the analysis: prompts for options not listed yet.
    pub option_prompts: Vec<String>,
    pub consequences: Vec<Consequence>,
    pub open_questions: Vec<Item>,
}

fn evidence_lines(ev: &[Evidence]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in ev {
        let line = if e.span.is_some() {
            format!("“{}” ({})", e.matched.trim(), e.rule)
        } else {
            format!("inferred from {} ({})", e.inferred_from.join(", "), e.rule)
        };
        if !out.contains(&line) {
            out.push(line);
        }
    }
    out
}

/// Where a rule's evidence first starts in the analysed text (`usize::MAX` if inferred only).
fn first_span(a: &Analysis, rule: &str) -> usize {
    a.all_evidence()
        .filter(|e| &*e.rule == rule)
        .filter_map(|e| e.span.map(|s| s[0]))
        .min()
        .unwrap_or(usize::MAX)
}

fn description(set: &RuleSet, family: Family, id: &str) -> String {
    set.label(family, id)
        .map(|l| l.description.clone())
        .unwrap_or_default()
}

/// Build the record for `title` and optional `context`, analysed with `set`, dated `date`.
pub fn build(set: &RuleSet, title: &str, context: Option<&str>, date: String) -> Record {
    let text = match context {
        Some(c) if !c.trim().is_empty() => format!("{title}\n\n{c}"),
        _ => title.to_owned(),
    };
    let analysis = crate::analyze::analyze(set, &text);
    let driver = |effect: &'static str, f: &Finding| Driver {
        effect,
        id: f.id.clone(),
        name: f.name.clone(),
        description: description(set, Family::Principles, &f.id),
        evidence: evidence_lines(&f.evidence),
    };
    let mut drivers: Vec<Driver> = analysis
        .principles
        .supported
        .iter()
        .map(|f| driver("supports", f))
        .collect();
    drivers.extend(
        analysis
            .principles
            .strained
            .iter()
            .map(|f| driver("strains", f)),
    );

    drivers.extend(analysis.risks.iter().map(|f| driver("risk", f)));
    for d in drivers.iter_mut().filter(|d| d.effect == "risk") {
        d.description = description(set, Family::Risks, &d.id);
    }

    // Options of the rules that matched earliest in the text first: the title leads.
    let mut first_hit: Vec<(usize, &String)> = analysis
        .rules_fired
        .iter()
        .map(|id| (first_span(&analysis, id), id))
        .collect();
    first_hit.sort_by_key(|(at, _)| *at);
    let mut options = Vec::new();
    for (_, id) in first_hit {
        let Some(rule) = set.rule(id) else { continue };
        for o in &rule.options {
            let seen = options
                .iter()
                .any(|p: &ConsideredOption| p.option.name.eq_ignore_ascii_case(&o.name));
            if !seen {
                options.push(ConsideredOption {
                    option: o.clone(),
                    from_rule: Some(rule.id.clone()),
                });
            }
        }
    }
    let option_prompts = analysis
        .questions
        .groups
        .iter()
        .filter(|g| g.dimension == "solution-space")
        .flat_map(|g| g.questions.iter().map(|q| q.text.clone()))
        .collect();

    // The consequences are those of the decision named in the title. The context describes the
    // problem and often the alternatives: what it touches drives the decision (above), but is
    // not credited to the chosen option.
    let decision = crate::analyze::analyze(set, title);
    let mut consequences: Vec<Consequence> = decision
        .principles
        .supported
        .iter()
        .map(|f| Consequence {
            good: true,
            kind: "supports",
            id: f.id.clone(),
            name: f.name.clone(),
            description: description(set, Family::Principles, &f.id),
        })
        .collect();
    consequences.extend(decision.principles.strained.iter().map(|f| Consequence {
        good: false,
        kind: "strains",
        id: f.id.clone(),
        name: f.name.clone(),
        description: description(set, Family::Principles, &f.id),
    }));
    consequences.extend(decision.risks.iter().map(|f| Consequence {
        good: false,
        kind: "risk",
        id: f.id.clone(),
        name: f.name.clone(),
        description: description(set, Family::Risks, &f.id),
    }));

    let mut open_questions = analysis.questions.top.clone();
    let mut rest: Vec<&Item> = analysis
        .questions
        .groups
        .iter()
        .flat_map(|g| &g.questions)
        .filter(|q| !open_questions.iter().any(|t| t.text == q.text))
        .collect();
    rest.sort_by(|a, b| b.importance.total_cmp(&a.importance));
    for q in rest {
        if open_questions.len() >= OPEN_QUESTIONS {
            break;
        }
        open_questions.push(q.clone());
    }

    Record {
        title: title.trim().to_owned(),
        status: "proposed",
        date,
        context: context
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty()),
        analysis,
        drivers,
        options,
        option_prompts,
        consequences,
        open_questions,
    }
}

/// A file-name slug: lowercase ASCII letters and digits joined by single dashes, at most about
/// 60 characters, cut at a dash.
pub fn slug(title: &str) -> String {
    let mut s = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    while s.ends_with('-') {
        s.pop();
    }
    if s.len() > 60 {
        let cut = s[..60].rfind('-').unwrap_or(60);
        s.truncate(cut);
    }
    if s.is_empty() {
        "decision".to_owned()
    } else {
        s
    }
}

/// The number after the highest `NNNN-*.md` in `dir` (1 if there is none or no directory).
pub fn next_number(dir: &Path) -> u32 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 1;
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let (num, rest) = name.split_at_checked(4)?;
            (num.bytes().all(|b| b.is_ascii_digit())
                && rest.starts_with('-')
                && rest.ends_with(".md"))
            .then(|| num.parse::<u32>().ok())
            .flatten()
        })
        .max()
        .map_or(1, |n| n + 1)
}

/// Year, month, day of a count of days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Today's date (UTC) from the system clock, as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days(i64::try_from(secs / 86_400).unwrap_or(0));
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_512), (2026, 2, 28));
        assert_eq!(civil_from_days(20_513), (2026, 3, 1));
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug("Switch from file-based state to SQLite"),
            "switch-from-file-based-state-to-sqlite"
        );
        assert_eq!(slug("  MIG: 3g.20gb — or not?! "), "mig-3g-20gb-or-not");
        assert_eq!(slug("¿¡!"), "decision");
        assert!(slug(&"word ".repeat(40)).len() <= 60);
    }

    #[test]
    fn numbers_follow_the_highest_record() {
        let dir = tempfile::tempdir().expect("tmp");
        assert_eq!(next_number(dir.path()), 1);
        for f in [
            "0002-a.md",
            "0007-b.md",
            "0100.md",
            "notes.md",
            "12345-c.md",
        ] {
            std::fs::write(dir.path().join(f), "x").expect("write");
        }
        assert_eq!(next_number(dir.path()), 8);
        assert_eq!(next_number(&dir.path().join("missing")), 1);
    }

    #[test]
    fn a_state_store_decision_weighs_sqlite_against_labels() {
        let set = crate::rules::defaults().expect("defaults");
        let r = build(
            set,
            "Switch from file-based state to SQLite",
            None,
            "2026-01-01".into(),
        );
        assert!(r.options.iter().any(|o| o.option.name.contains("SQLite")));
        assert!(
            r.consequences
                .iter()
                .any(|c| c.kind == "risk" && c.id == "state-drift" && !c.good)
        );
        assert!(!r.open_questions.is_empty());
    }
}
