//! The `[check]` table of `ds01-pm.toml`: severities, required sections, heading synonyms,
//! the default fail level and exclusions. The file itself (discovery, other tables, unknown
//! top-level keys) belongs to `crate::config`; this module re-reads its text to keep spans.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::Severity;
use super::proposal::{SECTIONS, heading_words};
use crate::diag::check::{CHECKS, CheckInfo};
use crate::error::Error;
use crate::text::{did_you_mean, line_col};

/// Sections every proposal needs unless `[check] required_sections` says otherwise. The
/// others (alternatives, GPU impact, principles) are required by what the proposal says.
pub(crate) const DEFAULT_REQUIRED: &[&str] =
    &["problem", "users", "proposal", "success-metrics", "rollout"];
/// How many of the analysis's top questions the proposal is expected to address.
pub(crate) const DEFAULT_TOP_QUESTIONS: usize = 5;

/// `[check]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
struct RawCheck {
    /// `error`, `warning` or `info`: the lowest severity that exits 1 (`--fail-level` wins).
    #[serde(default)]
    fail_level: Option<Spanned<String>>,
    /// Section ids every proposal must have.
    #[serde(default)]
    required_sections: Option<Vec<Spanned<String>>>,
    /// How many top questions P302 looks for (0 turns it off).
    #[serde(default)]
    top_questions: Option<Spanned<i64>>,
    /// Glob patterns of paths to skip when walking directories and patterns.
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    /// Check code or name -> `error`, `warning`, `info` or `off`.
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Section id -> extra headings that name it.
    #[serde(default)]
    synonyms: BTreeMap<Spanned<String>, Vec<String>>,
}

/// Only the `[check]` table; the rest of the file is validated by `crate::config`.
#[derive(Debug, Deserialize)]
struct CheckOnly {
    #[serde(default)]
    check: Option<RawCheck>,
}

/// Resolved settings of `ds01-pm check`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The config file they came from, if any.
    pub path: Option<PathBuf>,
    pub(crate) required: Vec<&'static str>,
    /// Severity overrides by code; `None` turns the check off.
    pub(crate) severity: BTreeMap<&'static str, Option<Severity>>,
    pub(crate) top_questions: usize,
    pub(crate) synonyms: Vec<(String, Vec<String>)>,
    pub(crate) fail_level: Option<Severity>,
    pub(crate) exclude: Vec<glob::Pattern>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            path: None,
            required: DEFAULT_REQUIRED.to_vec(),
            severity: BTreeMap::new(),
            top_questions: DEFAULT_TOP_QUESTIONS,
            synonyms: Vec::new(),
            fail_level: None,
            exclude: Vec::new(),
        }
    }
}

impl Settings {
    /// The severity a check reports at, or `None` if it is off.
    pub fn severity_of(&self, check: &CheckInfo) -> Option<Severity> {
        self.severity
            .get(check.code)
            .copied()
            .unwrap_or(Some(check.severity))
    }

    /// The fail level from the config, if it sets one.
    pub fn fail_level(&self) -> Option<Severity> {
        self.fail_level
    }

    /// Whether a walked path is excluded.
    pub fn excluded(&self, path: &Path) -> bool {
        let opts = glob::MatchOptions {
            require_literal_separator: false,
            ..glob::MatchOptions::new()
        };
        self.exclude.iter().any(|p| p.matches_path_with(path, opts))
    }
}

pub(crate) use crate::diag::check::find as find_check;

/// A "did you mean" over every code and name.
pub(crate) fn suggest_check(key: &str) -> Option<&'static str> {
    did_you_mean(key, CHECKS.iter().flat_map(|c| [c.code, c.name]))
}

/// Load the settings: from `path` if given, else from the nearest `ds01-pm.toml` upward from
/// the working directory; no file gives the defaults.
pub(crate) fn load(path: Option<&Path>) -> Result<Settings, Error> {
    let config = crate::config::load(path)?;
    let Some(path) = config.path else {
        return Ok(Settings::default());
    };
    let text = crate::error::read_text(&path)?;
    let name = path.display().to_string();
    let raw: CheckOnly = toml::from_str(&text).map_err(|e| {
        let message = crate::diag::toml_error(&name, &text, &e);
        let hint = crate::config::hint_for(
            &name,
            &text,
            &message,
            "README.md (section Checking proposals)",
        );
        Error::invalid(message, Some(&hint))
    })?;
    let mut settings = resolve(&name, &text, raw.check.unwrap_or_default())?;
    settings.path = Some(path);
    Ok(settings)
}

/// Parse the text of a config file.
#[cfg(test)]
pub(crate) fn parse(name: &str, text: &str) -> Result<Settings, Error> {
    let raw: CheckOnly = toml::from_str(text)
        .map_err(|e| Error::invalid(crate::diag::toml_error(name, text, &e), None))?;
    resolve(name, text, raw.check.unwrap_or_default())
}

fn resolve(name: &str, text: &str, raw: RawCheck) -> Result<Settings, Error> {
    let mut problems = Vec::new();
    let mut push = |at: std::ops::Range<usize>, msg: String| {
        let (l, c) = line_col(text, at.start);
        problems.push(format!("{name}:{l}:{c}: {msg}"));
    };
    let mut s = Settings::default();
    let levels = "error, warning or info";

    if let Some(f) = &raw.fail_level {
        match Severity::parse(f.get_ref()) {
            Some(x) => s.fail_level = Some(x),
            None => push(
                f.span(),
                format!("`fail_level` must be {levels}, got \"{}\"", f.get_ref()),
            ),
        }
    }

    let section_ids: Vec<&'static str> = SECTIONS.iter().map(|(id, _)| *id).collect();
    let section = |v: &str| section_ids.iter().copied().find(|id| *id == v.trim());
    let unknown_section = |v: &str| {
        let hint = did_you_mean(v, section_ids.iter().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        format!(
            "unknown section `{v}`: expected one of {}{hint}",
            section_ids.join(", ")
        )
    };

    if let Some(list) = &raw.required_sections {
        s.required.clear();
        for v in list {
            match section(v.get_ref()) {
                Some(id) if !s.required.contains(&id) => s.required.push(id),
                Some(_) => {}
                None => push(v.span(), unknown_section(v.get_ref())),
            }
        }
    }

    if let Some(n) = &raw.top_questions {
        match usize::try_from(*n.get_ref()) {
            Ok(x) if x <= 20 => s.top_questions = x,
            _ => push(
                n.span(),
                format!(
                    "`top_questions` must be between 0 (off) and 20, got {}",
                    n.get_ref()
                ),
            ),
        }
    }

    for p in &raw.exclude {
        match glob::Pattern::new(p.get_ref()) {
            Ok(g) => s.exclude.push(g),
            Err(e) => push(
                p.span(),
                format!(
                    "`exclude` pattern \"{}\" is not a valid glob: {e}",
                    p.get_ref()
                ),
            ),
        }
    }

    for (key, value) in &raw.severity {
        let Some(check) = find_check(key.get_ref()) else {
            let hint = suggest_check(key.get_ref())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            push(
                key.span(),
                format!(
                    "unknown check `{}` in `[check.severity]`{hint}; `ds01-pm check --list-checks` shows every code",
                    key.get_ref()
                ),
            );
            continue;
        };
        let v = value.get_ref().trim().to_ascii_lowercase();
        let level = if v == "off" || v == "allow" {
            None
        } else if let Some(x) = Severity::parse(&v) {
            Some(x)
        } else {
            push(
                value.span(),
                format!(
                    "severity of `{}` must be error, warning, info or off, got \"{}\"",
                    check.code,
                    value.get_ref()
                ),
            );
            continue;
        };
        s.severity.insert(check.code, level);
    }

    for (key, headings) in &raw.synonyms {
        match section(key.get_ref()) {
            Some(id) => {
                for h in headings {
                    let words = heading_words(h);
                    if words.is_empty() {
                        push(
                            key.span(),
                            format!("synonym \"{h}\" of `{id}` has no words"),
                        );
                    } else {
                        s.synonyms.push((id.to_owned(), words));
                    }
                }
            }
            None => push(key.span(), unknown_section(key.get_ref())),
        }
    }

    if problems.is_empty() {
        Ok(s)
    } else {
        Err(Error::Many {
            problems,
            hint: Some(
                "fix `[check]` in the config; README.md, section Checking proposals, lists its keys"
                    .into(),
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_severities_sections_and_levels() {
        let s = parse(
            "ds01-pm.toml",
            r#"
[check]
fail_level = "warning"
required_sections = ["problem", "rollout"]
top_questions = 3
exclude = ["**/TEMPLATE.md"]
[check.severity]
P302 = "info"
open-checkbox = "off"
[check.synonyms]
problem = ["Pain we feel"]
"#,
        )
        .expect("valid");
        assert_eq!(s.fail_level, Some(Severity::Warning));
        assert_eq!(s.required, ["problem", "rollout"]);
        assert_eq!(s.top_questions, 3);
        assert_eq!(s.severity.get("P302"), Some(&Some(Severity::Info)));
        assert_eq!(s.severity.get("P301"), Some(&None));
        assert!(s.excluded(Path::new("docs/proposals/TEMPLATE.md")));
        assert_eq!(s.synonyms.len(), 1);
    }

    #[test]
    fn reports_every_bad_value_with_its_position() {
        let err = parse(
            "c.toml",
            "[check]\nfail_level = \"fatal\"\nrequired_sections = [\"problme\"]\n[check.severity]\nP2O1 = \"error\"\nP201 = \"loud\"\n",
        )
        .expect_err("invalid");
        let msg = err.to_string();
        assert!(msg.contains("c.toml:2:14: `fail_level` must be"), "{msg}");
        assert!(
            msg.contains("c.toml:3:22: unknown section `problme`"),
            "{msg}"
        );
        assert!(msg.contains("did you mean `problem`?"), "{msg}");
        assert!(msg.contains("unknown check `P2O1`"), "{msg}");
        assert!(msg.contains("did you mean `P201`?"), "{msg}");
        assert!(msg.contains("must be error, warning, info or off"), "{msg}");
    }

    #[test]
    fn unknown_keys_in_check_are_errors() {
        let err = parse("c.toml", "[check]\nfail_levle = \"error\"\n").expect_err("unknown");
        assert!(err.to_string().contains("c.toml:2:1"), "{err}");
        assert!(err.to_string().contains("fail_level"), "{err}");
    }
}
