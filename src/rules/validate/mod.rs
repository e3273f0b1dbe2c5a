//! Raw rule files -> [`RuleSet`]: every problem is collected with its file, line and rule id
//! before the load fails, in the manner of cargo-deny's validation context.
//!
//! [`validate`] is the driver: each file is read through one function per part (`settings`,
//! `labels`, `questions`, `topics`, `rules`), then the checks that need every file run.
mod labels;
mod questions;
mod rules;
mod settings;
mod topics;

use std::collections::BTreeMap;

use toml::Spanned;

use super::model::RuleFile;
use super::{
    Band, Family, GenericQuestion, Label, Location, Negation, Rule, RuleSet, Source, Topic,
};
use crate::diag::toml_error;
use crate::error::Error;
use crate::taxonomy::{self, Kind};
use crate::text::line_col;
use labels::{labels, taxonomy_complete};
use questions::generic_questions;
use rules::{PendingRule, components, rule_ids, rules};
use settings::{bands_present, direction, negation, size_bands, threshold};
use topics::{Names, cross_references, topics};

/// Compiled-size cap per regex: a pathological pattern (`a{1000}{1000}`) is a load error,
/// not an out-of-memory.
pub(crate) const REGEX_SIZE_LIMIT: usize = 2 * 1024 * 1024;
/// Cap for each lazy DFA of the prefilter's fallback patterns.
const SET_SIZE_LIMIT: usize = 256 * 1024 * 1024;

static RULE_ID: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$").expect("static regex")
});

/// The first `{...}` in a question's text that is not one of the `allowed` placeholders.
pub(crate) fn unknown_placeholder(text: &str, allowed: &[&str]) -> Option<String> {
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        let end = rest[i..].find('}').map_or(rest.len(), |j| i + j + 1);
        let p = &rest[i..end];
        if !allowed.contains(&p) {
            return Some(p.to_owned());
        }
        rest = &rest[end..];
    }
    None
}

/// Whether `id` has the shape of a rule id (lowercase words joined by dashes).
pub(crate) fn is_rule_id(id: &str) -> bool {
    RULE_ID.is_match(id)
}

/// `kind `id`` (`rule `gpu-mig``), as messages name what they are about: formatted only when
/// a message is, not once per rule and label at every load.
struct Who<'a>(&'static str, &'a str);

impl std::fmt::Display for Who<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} `{}`", self.0, self.1)
    }
}

/// Collects problems, each already prefixed with `file:line:col`.
struct Ctx<'a> {
    src: &'a Source,
    /// Byte offsets of the newlines of `src.text`, for line numbers without rescanning.
    newlines: &'a [usize],
    problems: Vec<String>,
}

impl<'a> Ctx<'a> {
    fn new(src: &'a Source, newlines: &'a [usize]) -> Self {
        Ctx {
            src,
            newlines,
            problems: Vec::new(),
        }
    }

    /// `file:line:col` of a byte offset, as `text::line_col` gives it, but with the line
    /// found in the newline index: topics record where each is defined at every load, and a
    /// scan from the start of the file per topic cost 3.2M instructions at each start.
    fn at(&self, offset: usize) -> String {
        let text = &self.src.text;
        let line = self
            .newlines
            .partition_point(|&n| n < offset.min(text.len()));
        let start = if line == 0 {
            0
        } else {
            self.newlines[line - 1] + 1
        };
        let (_, col) = line_col(&text[start..], offset.min(text.len()) - start);
        format!("{}:{}:{col}", self.src.name, line + 1)
    }

    fn push<T>(&mut self, spanned: &Spanned<T>, msg: impl AsRef<str>) {
        let at = self.at(spanned.span().start);
        self.problems.push(format!("{at}: {}", msg.as_ref()));
    }

    fn location<T>(&self, spanned: &Spanned<T>) -> Location {
        let offset = spanned.span().start;
        Location {
            file: self.src.name.clone().into(),
            line: self.newlines.partition_point(|&n| n < offset) + 1,
        }
    }
}

fn parse_family(name: &str) -> Option<Family> {
    Family::ALL.into_iter().find(|f| f.name() == name)
}

fn fixed_ids(family: Family) -> Option<&'static [&'static str]> {
    match family {
        Family::Layers => Some(taxonomy::LAYERS),
        Family::Tiers => Some(taxonomy::TIERS),
        Family::Gpu => Some(taxonomy::GPU),
        Family::Principles => Some(taxonomy::PRINCIPLES),
        Family::Questions => Some(taxonomy::DIMENSIONS),
        Family::Risks
        | Family::Size
        | Family::Topics
        | Family::Components
        | Family::Inference
        | Family::Extra => None,
    }
}

/// Check a pattern (it compiles under the size limit, its automaton is affordable: see
/// `cost::check`) to report its problems at the rule's location. The embedded defaults
/// (`trusted`) skip this at run time: the test suite compiles every one of their patterns, and
/// compiling ~550 patterns at every start dominated start-up time. (`cost::check` compiles the
/// pattern as the regex crate would, so it is not compiled a second time here.)
fn check_regex(
    pattern: &str,
    case_sensitive: bool,
    trusted: bool,
) -> Result<super::cost::Checked, String> {
    if trusted {
        return Ok(super::cost::Checked::default());
    }
    super::cost::check(pattern, case_sensitive)
}

/// Validate and compile rule files. Every problem is reported at once (exit 2).
pub fn validate(sources: &[Source]) -> Result<RuleSet, Error> {
    let newlines: Vec<Vec<usize>> = sources.iter().map(newline_offsets).collect();
    let mut read = Read::default();
    for ((src, newlines), parsed) in sources.iter().zip(&newlines).zip(parse_files(sources)) {
        rule_file(&mut read, src, newlines, parsed);
    }
    let Read {
        mut problems,
        labels,
        generic_questions,
        bands,
        thresholds,
        negation,
        direction,
        seen_rule_ids,
        mut topics,
        seen_topic_names,
        raw_see_also,
        raw_rules,
        combination_files,
        unreadable,
    } = read;
    // A file that cannot be read leaves its labels, rules and ids missing: the checks across
    // files would report each reference to them (dozens of lines after the one that matters).
    if unreadable > 0 {
        return Err(Error::Many {
            problems,
            hint: Some(
                "fix what does not parse above, then re-check with `ds01-pm rules check` and the same --rules/--extend-rules; the checks across files (ids, labels, references) run once every file parses".into(),
            ),
        });
    }
    taxonomy_complete(&labels, &mut problems);
    let compiled = rules(sources, &newlines, raw_rules, &labels, &mut problems);
    let names = Names {
        topics: &seen_topic_names,
        labels: &labels,
        rule_ids: &seen_rule_ids,
    };
    cross_references(
        sources,
        &newlines,
        &names,
        raw_see_also,
        &mut topics,
        &mut problems,
    );
    let (combinations, tradeoffs) =
        combinations(combination_files, &labels, &compiled.rules, &mut problems);
    bands_present(&bands, &mut problems);

    if !problems.is_empty() {
        return Err(Error::Many {
            problems,
            hint: Some(
                "fix the rule files above, then re-check them with `ds01-pm rules check` and the same --rules/--extend-rules".into(),
            ),
        });
    }

    let set = prefilter(&compiled.rules, &compiled.owners, None)?;

    let rule_set = RuleSet {
        rules: compiled.rules,
        set,
        owners: compiled.owners,
        labels,
        generic_questions,
        bands,
        thresholds,
        negation,
        topics,
        direction,
        sources: sources.to_vec(),
        question_keys: std::sync::OnceLock::new(),
        conditional: std::sync::OnceLock::new(),
        pattern_followers: std::sync::OnceLock::new(),
        suffix_index: std::sync::OnceLock::new(),
        suffix_bytes: std::sync::atomic::AtomicUsize::new(0),
        combinations,
        tradeoffs,
    };

    Ok(rule_set)
}

/// The prefilter of the patterns of `rules`, each pattern of `owners` (rule index, pattern
/// index within the rule) in order.
/// `entries`, when given, are the table entries of the patterns (see
/// `prefilter::build_with_entries`).
pub(crate) fn prefilter(
    rules: &[Rule],
    owners: &[(usize, usize)],
    entries: Option<&[Option<usize>]>,
) -> Result<super::prefilter::Prefilter, Error> {
    let known = |i: usize| {
        let (r, p) = owners[i];
        rules[r].patterns[p].known_literals()
    };
    let set_patterns: Vec<(&str, bool)> = owners
        .iter()
        .map(|&(r, p)| {
            let re = &rules[r].patterns[p];
            (&*re.source, re.case_sensitive)
        })
        .collect();
    match entries {
        Some(entries) => {
            super::prefilter::build_with_entries(&set_patterns, entries, known, SET_SIZE_LIMIT)
        }
        None => super::prefilter::build_known(&set_patterns, known, SET_SIZE_LIMIT),
    }
    .map_err(|e| {
        Error::invalid(
            format!("rules: the combined pattern set does not compile: {e}"),
            Some("remove very large patterns"),
        )
    })
}

/// Byte offsets of the newlines of `src.text`.
fn newline_offsets(src: &Source) -> Vec<usize> {
    // `match_indices` of a char searches with memchr: a byte-by-byte filter over the 200 KB of
    // embedded rules was 1.2M instructions of every start.
    src.text.match_indices('\n').map(|(i, _)| i).collect()
}

/// The context of the source named `name` (the file a rule or topic came from).
fn ctx_for<'a>(sources: &'a [Source], newlines: &'a [Vec<usize>], name: &str) -> Ctx<'a> {
    let i = sources
        .iter()
        .position(|s| s.name == name)
        .expect("the source of a rule or topic");
    Ctx::new(&sources[i], &newlines[i])
}

/// Everything read from the rule files, file by file, before the cross-file checks.
#[derive(Default)]
struct Read<'s> {
    problems: Vec<String>,
    labels: BTreeMap<(Family, String), Label>,
    generic_questions: Vec<GenericQuestion>,
    bands: Vec<Band>,
    thresholds: BTreeMap<Kind, f64>,
    negation: Option<Negation>,
    direction: Option<super::Direction>,
    seen_rule_ids: BTreeMap<String, Location>,
    topics: Vec<Topic>,
    /// Topic name (id or alias) -> (topic id, `file:line:col` where it is defined).
    seen_topic_names: BTreeMap<String, (String, String)>,
    /// Source name, topic id and its unresolved `see_also`.
    raw_see_also: Vec<(String, String, Vec<Spanned<String>>)>,
    raw_rules: Vec<PendingRule>,
    combination_files: Vec<&'s Source>,
    /// Files that could not be read at all (TOML that does not parse, an unknown family).
    unreadable: usize,
}

/// Each rule file parsed, in order; `None` for the combination files, which
/// `combinations::parse` reads once the rules are known. The embedded files are read from the
/// trees `build.rs` pre-parsed (see `preparsed.rs`): no TOML is parsed for them. Parsing other
/// files is most of the cost of loading them: with two cores and 64 KiB of TOML or more, the
/// files are parsed in two groups of about equal size at once.
fn parse_files(sources: &[Source]) -> Vec<Option<Result<RuleFile, toml::de::Error>>> {
    let parse = |src: &Source| {
        if let Some(tree) = super::preparsed::tree(&src.name, &src.text) {
            if super::preparsed::is_combinations(tree) {
                return None;
            }
            // A tree that does not fit (it cannot: build.rs read it into the same types)
            // falls back to the TOML, which reports the error.
            if let Ok(file) = super::preparsed::from_tree(tree) {
                return Some(Ok(file));
            }
        }
        (!super::combinations::is_combinations(&src.text)).then(|| toml::from_str(&src.text))
    };
    let toml_bytes = |s: &Source| {
        if super::preparsed::tree(&s.name, &s.text).is_some() {
            0
        } else {
            s.text.len()
        }
    };
    let sizes: Vec<usize> = sources.iter().map(toml_bytes).collect();
    let total: usize = sizes.iter().sum();
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    if cores < 2 || sources.len() < 2 || total < 64 * 1024 {
        return sources.iter().map(parse).collect();
    }
    // The first `split` files on another thread, the rest here: the split nearest half the bytes.
    let mut before = 0;
    let mut split = 1;
    for (i, &size) in sizes.iter().enumerate() {
        if (before + size) * 2 > total {
            split = if (before + size) * 2 - total < total - before * 2 {
                i + 1
            } else {
                i
            };
            break;
        }
        before += size;
    }
    let split = split.clamp(1, sources.len() - 1);
    let (first, rest) = sources.split_at(split);
    std::thread::scope(|s| {
        let other = s.spawn(|| first.iter().map(parse).collect::<Vec<_>>());
        let mine: Vec<_> = rest.iter().map(parse).collect();
        let mut all = other
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        all.extend(mine);
        all
    })
}

/// Read one rule file into `read`, checking what needs no other file. `parsed` is the file
/// parsed (see [`parse_files`]), `None` for a combination file.
fn rule_file<'s>(
    read: &mut Read<'s>,
    src: &'s Source,
    newlines: &[usize],
    parsed: Option<Result<RuleFile, toml::de::Error>>,
) {
    let Some(parsed) = parsed else {
        read.combination_files.push(src);
        return;
    };
    let file: RuleFile = match parsed {
        Ok(f) => f,
        Err(e) => {
            read.problems.push(toml_error(&src.name, &src.text, &e));
            read.unreadable += 1;
            return;
        }
    };
    let mut ctx = Ctx::new(src, newlines);
    let Some(family) = parse_family(file.family.get_ref()) else {
        let names: Vec<_> = Family::ALL.iter().map(|f| f.name()).collect();
        ctx.push(
            &file.family,
            format!(
                "unknown family `{}`: expected one of {}",
                file.family.get_ref(),
                names.join(", ")
            ),
        );
        read.problems.append(&mut ctx.problems);
        read.unreadable += 1;
        return;
    };

    if let Some(t) = &file.threshold {
        threshold(&mut ctx, t, family, &mut read.thresholds);
    }
    labels(&mut ctx, family, file.label, &mut read.labels);
    generic_questions(&mut ctx, file.question, &mut read.generic_questions);
    size_bands(&mut ctx, file.band, &mut read.bands);
    if let Some(n) = file.negation {
        negation(&mut ctx, n, &mut read.negation);
    }
    topics(
        &mut ctx,
        file.topic,
        &mut read.topics,
        &mut read.seen_topic_names,
        &mut read.raw_see_also,
    );
    let generated = components(&mut ctx, family, file.component);
    if let Some(d) = file.direction {
        direction(&mut ctx, d, &mut read.direction);
    }
    rule_ids(
        &mut ctx,
        family,
        file.rule.into_iter().chain(generated),
        &mut read.seen_rule_ids,
        &mut read.raw_rules,
    );
    read.problems.append(&mut ctx.problems);
}

/// Parse the combination files (see `combinations.rs`), sorted by id.
fn combinations(
    combination_files: Vec<&Source>,
    labels: &BTreeMap<(Family, String), Label>,
    rules: &[Rule],
    problems: &mut Vec<String>,
) -> (Vec<super::Combination>, Vec<super::OptionAssessment>) {
    let mut seen_combinations = BTreeMap::new();
    let (mut combinations, mut tradeoffs) = (Vec::new(), Vec::new());
    for src in combination_files {
        let (c, t) =
            super::combinations::parse(src, labels, rules, &mut seen_combinations, problems);
        combinations.extend(c);
        tradeoffs.extend(t);
    }
    combinations.sort_by(|a: &super::Combination, b| a.id.cmp(&b.id));
    (combinations, tradeoffs)
}
