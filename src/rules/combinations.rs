//! Combination rules (`family = "combinations"`): questions an expert asks first when two
//! concerns meet in one proposal, e.g. a strained `ephemeral-containers` for students, or a
//! MIG change with live containers. They match no text themselves: a combination fires when
//! every concern of its `all` list is established (and none of `unless`), so they run after
//! the reading rules. Each is validated at load (unknown concern ids are errors with
//! `file:line:col` and the combination's id) and proves its `examples` like any rule.
//!
//! Trade-offs (`family = "tradeoffs"`, `[[tradeoff]]`) weigh the options a reading rule lists
//! (`options` on the rule): which principles each supports and strains, its effort and its
//! admin burden, for the trade-off table and recommendation of `analyze`.
use toml::Spanned;

use super::model::{RawFile, RawTradeoff};
use super::{Family, Label, Location, Question, Source};
use crate::taxonomy::Concern;
use crate::text::did_you_mean;

/// Effort sizes of an option, smallest first.
pub const EFFORTS: &[&str] = &["XS", "S", "M", "L", "XL"];
/// Admin burden of an option, lightest first.
pub const BURDENS: &[&str] = &["none", "low", "medium", "high"];

/// What one option of a rule's design choice supports and strains, and what it costs.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OptionAssessment {
    pub rule: String,
    pub option: String,
    /// Principle ids.
    pub supports: Vec<String>,
    pub strains: Vec<String>,
    /// `XS` to `XL`.
    pub effort: String,
    /// `none`, `low`, `medium` or `high`.
    pub admin_burden: String,
}

/// A validated combination rule.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Combination {
    pub id: String,
    pub summary: String,
    pub why: String,
    pub all: Vec<Concern>,
    pub unless: Vec<Concern>,
    pub questions: Vec<Question>,
    pub examples_match: Vec<super::Text>,
    pub examples_no_match: Vec<super::Text>,
    #[serde(skip)]
    pub location: Location,
}

impl Combination {
    /// Whether it fires on these established concerns (`kind:id`, as `Analysis::concerns`).
    pub fn fires(&self, concerns: &[String]) -> bool {
        // `x == c.to_string()` without formatting a string per comparison (it ran for every
        // combination and concern of every analysis).
        let is = |x: &String, c: &Concern| {
            x.strip_prefix(c.kind.prefix())
                .and_then(|r| r.strip_prefix(':'))
                .is_some_and(|id| id == c.id)
        };
        let has = |c: &Concern| concerns.iter().any(|x| is(x, c));
        self.all.iter().all(has) && !self.unless.iter().any(has)
    }
}

/// Whether a rule file holds combinations or trade-offs (`family = "combinations"` or
/// `"tradeoffs"`): such files are read here, after the reading rules they refer to.
pub(crate) fn is_combinations(text: &str) -> bool {
    // Only the lines where `family` occurs, found by substring search: splitting every line of
    // the embedded files was 1M instructions of each start.
    text.match_indices("family").any(|(at, _)| {
        let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        if !text[start..at].chars().all(char::is_whitespace) {
            return false;
        }
        let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
        let l = text[at..end].trim();
        l.strip_prefix("family")
            .map(|r| r.trim_start())
            .and_then(|r| r.strip_prefix('='))
            .is_some_and(|r| FAMILIES.contains(&r.trim().trim_matches(['"', '\''])))
    })
}

/// The families this module reads.
const FAMILIES: &[&str] = &["combinations", "tradeoffs"];

/// Parse and validate the combinations of one file against the labels the rule set defines.
/// Problems are `file:line:col: combination `id`: ...`.
pub(crate) fn parse(
    src: &Source,
    labels: &std::collections::BTreeMap<(Family, String), Label>,
    rules: &[super::Rule],
    seen: &mut std::collections::BTreeMap<String, String>,
    problems: &mut Vec<String>,
) -> (Vec<Combination>, Vec<OptionAssessment>) {
    // One newline index per file: a location is then a binary search, not a rescan.
    let index = crate::text::LineIndex::new(&src.text);
    let at = |offset: usize| {
        let (line, col) = index.line_col(offset);
        format!("{}:{line}:{col}", src.name)
    };
    // The embedded files from the tree `build.rs` pre-parsed (see `preparsed.rs`).
    let tree = super::preparsed::tree(&src.name, &src.text)
        .and_then(|t| super::preparsed::from_tree::<RawFile>(t).ok());
    let file: RawFile = match tree.map_or_else(|| toml::from_str(&src.text), Ok) {
        Ok(f) => f,
        Err(e) => {
            problems.push(crate::diag::toml_error(&src.name, &src.text, &e));
            return (Vec::new(), Vec::new());
        }
    };
    if !FAMILIES.contains(&file.family.get_ref().as_str()) {
        problems.push(format!(
            "{}: a combinations file needs `family = \"combinations\"` or `\"tradeoffs\"`",
            at(file.family.span().start)
        ));
        return (Vec::new(), Vec::new());
    }
    let tradeoffs = parse_tradeoffs(&file.tradeoff, labels, rules, &at, problems);
    let known = |c: &Concern| labels.contains_key(&(Family::of_kind(c.kind), c.id.clone()));
    let mut out = Vec::new();
    for raw in file.combination {
        let id = raw.id.get_ref().clone();
        let here = at(raw.id.span().start);
        let who = format!("combination `{id}`");
        let before = problems.len();
        if !super::validate::is_rule_id(&id) {
            problems.push(format!(
                "{here}: {who}: ids are lowercase words joined by dashes"
            ));
        }
        if let Some(prev) = seen.insert(id.clone(), here.clone()) {
            problems.push(format!(
                "{here}: {who}: duplicate id, first defined at {prev}"
            ));
        }
        if raw.summary.trim().is_empty() || raw.why.trim().is_empty() {
            problems.push(format!(
                "{here}: {who}: `summary` and `why` must not be empty"
            ));
        }
        let mut concerns = |list: &[Spanned<String>], what: &str| -> Vec<Concern> {
            let mut v = Vec::new();
            for s in list {
                let pos = at(s.span().start);
                match Concern::parse(s.get_ref()) {
                    Ok(c) if known(&c) => v.push(c),
                    Ok(c) => {
                        let fam = Family::of_kind(c.kind);
                        let ids = labels
                            .keys()
                            .filter(|(f, _)| *f == fam)
                            .map(|(_, i)| i.as_str());
                        let hint = did_you_mean(&c.id, ids)
                            .map(|x| format!(" (did you mean `{}:{x}`?)", c.kind.prefix()))
                            .unwrap_or_default();
                        problems.push(format!(
                            "{pos}: {who}: unknown {} id `{}` in `{what}`{hint}",
                            fam.name(),
                            c.id
                        ));
                    }
                    Err(e) => problems.push(format!("{pos}: {who}: {e}")),
                }
            }
            v
        };
        let all = concerns(raw.all.get_ref(), "all");
        let unless = concerns(&raw.unless, "unless");
        let n = raw.all.get_ref().len();
        if !(1..=3).contains(&n) {
            problems.push(format!(
                "{}: {who}: `all` names one to three concerns, got {n}",
                at(raw.all.span().start)
            ));
        }
        let mut questions = Vec::new();
        for q in &raw.questions {
            let pos = at(q.dimension.span().start);
            let dim = q.dimension.get_ref();
            let p = *q.priority.get_ref();
            let text = q.text.trim();
            if !crate::taxonomy::DIMENSIONS.contains(&dim.as_str()) {
                problems.push(format!(
                    "{pos}: {who}: unknown question dimension `{dim}`: expected one of {}",
                    crate::taxonomy::DIMENSIONS.join(", ")
                ));
                continue;
            }
            if !(1..=3).contains(&p) || text.is_empty() {
                problems.push(format!(
                    "{pos}: {who}: a question needs a priority of 1 to 3 and a text"
                ));
                continue;
            }
            if let Some(bad) = unknown_placeholder(text, n) {
                problems.push(format!(
                    "{pos}: {who}: unknown placeholder `{bad}`: use {{first}} or {{second}} (the matched text of the first or second concern of `all`)"
                ));
                continue;
            }
            questions.push(Question::new(dim.clone(), p, text.to_owned()));
        }
        if raw.questions.is_empty() {
            problems.push(format!("{here}: {who}: give at least one question"));
        }
        if raw.examples.must_match.is_empty() {
            problems.push(format!(
                "{here}: {who}: give at least one `examples.match` text it fires on"
            ));
        }
        if problems.len() > before {
            continue;
        }
        let (examples_match, examples_no_match) = raw.examples.into_lists();
        out.push(Combination {
            id,
            summary: raw.summary.trim().to_owned(),
            why: raw.why.trim().to_owned(),
            all,
            unless,
            questions,
            examples_match,
            examples_no_match,
            location: Location {
                file: src.name.clone().into(),
                line: index.line(raw.id.span().start),
            },
        });
    }
    (out, tradeoffs)
}

fn parse_tradeoffs(
    raw: &[RawTradeoff],
    labels: &std::collections::BTreeMap<(Family, String), Label>,
    rules: &[super::Rule],
    at: &dyn Fn(usize) -> String,
    problems: &mut Vec<String>,
) -> Vec<OptionAssessment> {
    let mut out: Vec<OptionAssessment> = Vec::new();
    for t in raw {
        let before = problems.len();
        let rule_id = t.rule.get_ref();
        let who = format!("trade-off of rule `{rule_id}`");
        match rules.iter().find(|r| &r.id == rule_id) {
            None => {
                let hint = did_you_mean(rule_id, rules.iter().map(|r| r.id.as_str()))
                    .map(|x| format!(" (did you mean `{x}`?)"))
                    .unwrap_or_default();
                problems.push(format!(
                    "{}: {who}: no such rule{hint}",
                    at(t.rule.span().start)
                ));
            }
            Some(r) if !r.options.iter().any(|o| &o.name == t.option.get_ref()) => {
                let names: Vec<&str> = r.options.iter().map(|o| o.name.as_str()).collect();
                problems.push(format!(
                    "{}: {who}: the rule has no option named `{}`; its options are: {}",
                    at(t.option.span().start),
                    t.option.get_ref(),
                    if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join("; ")
                    }
                ));
            }
            Some(_) => {}
        }
        if out
            .iter()
            .any(|o| &o.rule == rule_id && &o.option == t.option.get_ref())
        {
            problems.push(format!(
                "{}: {who}: option `{}` is assessed twice",
                at(t.option.span().start),
                t.option.get_ref()
            ));
        }
        for p in t.supports.iter().chain(&t.strains) {
            if !labels.contains_key(&(Family::Principles, p.get_ref().clone())) {
                let hint = did_you_mean(p.get_ref(), crate::taxonomy::PRINCIPLES.iter().copied())
                    .map(|x| format!(" (did you mean `{x}`?)"))
                    .unwrap_or_default();
                problems.push(format!(
                    "{}: {who}: unknown principle `{}`{hint}",
                    at(p.span().start),
                    p.get_ref()
                ));
            }
        }
        if !EFFORTS.contains(&t.effort.get_ref().as_str()) {
            problems.push(format!(
                "{}: {who}: effort must be one of {}",
                at(t.effort.span().start),
                EFFORTS.join(", ")
            ));
        }
        if !BURDENS.contains(&t.admin_burden.get_ref().as_str()) {
            problems.push(format!(
                "{}: {who}: admin_burden must be one of {}",
                at(t.admin_burden.span().start),
                BURDENS.join(", ")
            ));
        }
        if problems.len() > before {
            continue;
        }
        out.push(OptionAssessment {
            rule: rule_id.clone(),
            option: t.option.get_ref().clone(),
            supports: t.supports.iter().map(|x| x.get_ref().clone()).collect(),
            strains: t.strains.iter().map(|x| x.get_ref().clone()).collect(),
            effort: t.effort.get_ref().clone(),
            admin_burden: t.admin_burden.get_ref().clone(),
        });
    }
    out
}

/// A `{...}` in a question that is not one of the placeholders `all` can fill.
fn unknown_placeholder(text: &str, concerns: usize) -> Option<String> {
    let allowed: &[&str] = if concerns >= 2 {
        &["{first}", "{second}"]
    } else {
        &["{first}"]
    };
    crate::rules::validate::unknown_placeholder(text, allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_checked() {
        assert_eq!(
            unknown_placeholder("You name {first}: and {second}?", 2),
            None
        );
        assert_eq!(
            unknown_placeholder("You name {second}?", 1).as_deref(),
            Some("{second}")
        );
        assert_eq!(
            unknown_placeholder("What of {evidence}?", 2).as_deref(),
            Some("{evidence}")
        );
    }

    #[test]
    fn recognises_the_family_line() {
        assert!(is_combinations("# x\nfamily = \"combinations\"\n"));
        assert!(is_combinations("family='combinations'"));
        assert!(!is_combinations("family = \"risks\"\n# combinations\n"));
        assert!(is_combinations("a = 1\r\n \tfamily = \"tradeoffs\"\r\n"));
        assert!(!is_combinations(
            "x family = \"combinations\"\nfamily family = \"tradeoffs\""
        ));
    }
}

#[cfg(test)]
mod load_tests {
    use crate::rules::{EMBEDDED, Source, validate};

    fn load_with(extra: &str) -> Result<crate::rules::RuleSet, String> {
        let mut sources: Vec<Source> = EMBEDDED
            .iter()
            .map(|(name, text)| Source {
                name: format!("rules/{name}"),
                text: (*text).into(),
                embedded: true,
            })
            .collect();
        sources.push(Source {
            name: "site/combos.toml".into(),
            text: extra.to_owned().into(),
            embedded: false,
        });
        validate(&sources).map_err(|e| e.to_string())
    }

    #[test]
    fn unknown_concern_ids_are_errors_with_file_line_col_and_id() {
        let err = load_with(
            "family = \"combinations\"\n\n[[combination]]\nid = \"bad-pair\"\nsummary = \"s\"\nwhy = \"w\"\nall = [\"strains:ephemeral\", \"tier:student\"]\nquestions = [{ dimension = \"technical\", priority = 1, text = \"You mention {first}: why?\" }]\nexamples.match = [\"x\"]\nexamples.no_match = []\n",
        )
        .expect_err("unknown principle");
        assert!(
            err.contains("site/combos.toml:7:8: combination `bad-pair`: unknown principles id `ephemeral` in `all` (did you mean `strains:ephemeral-containers`?)"),
            "{err}"
        );
    }

    #[test]
    fn a_site_combination_loads_and_proves_its_examples() {
        let ok = "family = \"combinations\"\n\n[[combination]]\nid = \"site-mig-students\"\nsummary = \"s\"\nwhy = \"w\"\nall = [\"gpu:mig\", \"tier:student\"]\nquestions = [{ dimension = \"technical\", priority = 1, text = \"You mention {first}: which course?\" }]\nexamples.match = [\"Give every student a MIG slice.\"]\nexamples.no_match = [\"Give every researcher a full GPU.\"]\n";
        let set = load_with(ok).expect("loads");
        assert!(set.combinations.iter().any(|c| c.id == "site-mig-students"));
        let failing = ok.replace(
            "Give every researcher a full GPU.",
            "Give students MIG slices.",
        );
        // Loading validates; proving the examples of user rules is the analyzer's job, done by
        // the command layer right after loading (`analyze::prove_user_rules`).
        let set = load_with(&failing).expect("loads");
        let err = crate::analyze::prove_user_rules(set)
            .expect_err("a no_match example that fires")
            .to_string();
        assert!(err.contains("site-mig-students"), "{err}");
    }

    #[test]
    fn trade_offs_name_existing_rules_and_options() {
        let err = load_with(
            "family = \"tradeoffs\"\n\n[[tradeoff]]\nrule = \"risk-state-stor\"\noption = \"x\"\neffort = \"S\"\nadmin_burden = \"low\"\n\n[[tradeoff]]\nrule = \"risk-state-store\"\noption = \"A spreadsheet\"\neffort = \"XXL\"\nadmin_burden = \"low\"\n",
        )
        .expect_err("bad trade-offs");
        assert!(err.contains("site/combos.toml:4:8: trade-off of rule `risk-state-stor`: no such rule (did you mean `risk-state-store`?)"), "{err}");
        assert!(
            err.contains("the rule has no option named `A spreadsheet`"),
            "{err}"
        );
        assert!(
            err.contains("effort must be one of XS, S, M, L, XL"),
            "{err}"
        );
    }
}
