//! Raw rule files -> [`RuleSet`]: every problem is collected with its file, line and rule id
//! before the load fails, in the manner of cargo-deny's validation context.
use std::collections::BTreeMap;

use toml::Spanned;

use super::model::{
    RawBand, RawLabel, RawNegation, RawOption, RawQuestion, RawRule, RawTopic, RuleFile,
};
use super::{
    Band, DesignOption, Family, GenericQuestion, Label, LazyRegex, Location, Negation, Question,
    Rule, RuleSet, Source, Topic, TopicList, effective_pattern,
};
use crate::diag::toml_error;
use crate::error::Error;
use crate::taxonomy::{self, Concern, Kind};
use crate::text::{did_you_mean, line_col};

/// Compiled-size cap per regex: a pathological pattern (`a{1000}{1000}`) is a load error,
/// not an out-of-memory.
pub(crate) const REGEX_SIZE_LIMIT: usize = 2 * 1024 * 1024;
/// Cap for each lazy DFA of the prefilter's fallback patterns.
const SET_SIZE_LIMIT: usize = 256 * 1024 * 1024;

static RULE_ID: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$").expect("static regex")
});

/// Whether `id` has the shape of a rule id (lowercase words joined by dashes).
pub(crate) fn is_rule_id(id: &str) -> bool {
    RULE_ID.is_match(id)
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

    fn at(&self, offset: usize) -> String {
        let (line, col) = line_col(&self.src.text, offset);
        format!("{}:{line}:{col}", self.src.name)
    }

    fn push<T>(&mut self, spanned: &Spanned<T>, msg: impl AsRef<str>) {
        let at = self.at(spanned.span().start);
        self.problems.push(format!("{at}: {}", msg.as_ref()));
    }

    fn location<T>(&self, spanned: &Spanned<T>) -> Location {
        let offset = spanned.span().start;
        Location {
            file: self.src.name.clone(),
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

/// Compile a pattern under the size limit to report its problems at the rule's location. The
/// embedded defaults (`trusted`) skip this at run time: the test suite compiles every one of
/// their patterns, and compiling ~550 patterns at every start dominated start-up time.
fn check_regex(pattern: &str, case_sensitive: bool, trusted: bool) -> Result<(), String> {
    if trusted {
        return Ok(());
    }
    super::cost::check(pattern, case_sensitive)?; // compile errors, cost; pattern abbreviated
    regex::RegexBuilder::new(&effective_pattern(pattern, case_sensitive))
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map(|_| ())
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(limit) => format!(
                "regex `{pattern}` is too large once compiled (over {} KiB): reduce repetition counts such as `{{1000}}`",
                limit / 1024
            ),
            other => {
                let text = other.to_string();
                // regex's syntax errors span several lines with a caret; keep the last line.
                let last = text.lines().rev().find(|l| l.starts_with("error:")).unwrap_or(&text);
                format!("invalid regex `{pattern}`: {}", last.trim_start_matches("error: "))
            }
        })
}

/// Validate and compile rule files. Every problem is reported at once (exit 2).
pub fn validate(sources: &[Source]) -> Result<RuleSet, Error> {
    let newlines: Vec<Vec<usize>> = sources.iter().map(newline_offsets).collect();
    let mut read = Read::default();
    for (src, newlines) in sources.iter().zip(&newlines) {
        rule_file(&mut read, src, newlines);
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
    } = read;
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

    let set = super::prefilter::build(&compiled.set_patterns, SET_SIZE_LIMIT).map_err(|e| {
        Error::invalid(
            format!("rules: the combined pattern set does not compile: {e}"),
            Some("remove very large patterns"),
        )
    })?;

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
        combinations,
        tradeoffs,
    };

    Ok(rule_set)
}

/// Byte offsets of the newlines of `src.text`.
fn newline_offsets(src: &Source) -> Vec<usize> {
    src.text
        .bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'\n')
        .map(|(i, _)| i)
        .collect()
}

/// The context of the source named `name` (the file a rule or topic came from).
fn ctx_for<'a>(sources: &'a [Source], newlines: &'a [Vec<usize>], name: &str) -> Ctx<'a> {
    let i = sources
        .iter()
        .position(|s| s.name == name)
        .expect("the source of a rule or topic");
    Ctx::new(&sources[i], &newlines[i])
}

/// A rule, as read from its file and waiting for every label to be known: source name,
/// family, raw rule and location.
type PendingRule = (String, Family, RawRule, Location);

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
}

/// Read one rule file into `read`, checking what needs no other file.
fn rule_file<'s>(read: &mut Read<'s>, src: &'s Source, newlines: &[usize]) {
    if super::combinations::is_combinations(&src.text) {
        read.combination_files.push(src);
        return;
    }
    let file: RuleFile = match toml::from_str(&src.text) {
        Ok(f) => f,
        Err(e) => {
            read.problems.push(toml_error(&src.name, &src.text, &e));
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

fn threshold(
    ctx: &mut Ctx<'_>,
    t: &Spanned<f64>,
    family: Family,
    thresholds: &mut BTreeMap<Kind, f64>,
) {
    let v = *t.get_ref();
    if !(v.is_finite() && v > 0.0) {
        ctx.push(t, format!("`threshold` must be a positive number, got {v}"));
    }
    for kind in Kind::ALL {
        if Family::of_kind(kind) == family {
            thresholds.insert(kind, v);
        }
    }
}

fn labels(
    ctx: &mut Ctx<'_>,
    family: Family,
    raw_labels: Vec<RawLabel>,
    labels: &mut BTreeMap<(Family, String), Label>,
) {
    for raw in raw_labels {
        let id = raw.id.get_ref().clone();
        let allowed = fixed_ids(family);
        match (family, allowed) {
            (
                Family::Size
                | Family::Topics
                | Family::Components
                | Family::Inference
                | Family::Extra,
                _,
            ) => {
                ctx.push(&raw.id, format!("`[[label]]` is not allowed in family `{}`: labels belong to layers, tiers, gpu, principles, risks or questions", family.name()));
                continue;
            }
            (_, Some(ids)) if !ids.contains(&id.as_str()) => {
                let hint = did_you_mean(&id, ids.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                ctx.push(
                    &raw.id,
                    format!(
                        "unknown {} id `{id}`: expected one of {}{hint}",
                        family.name(),
                        ids.join(", ")
                    ),
                );
                continue;
            }
            (Family::Risks, None) if !RULE_ID.is_match(&id) => {
                ctx.push(
                    &raw.id,
                    format!("risk id `{id}` must be lowercase kebab-case"),
                );
                continue;
            }
            _ => {}
        }
        if let Some(prev) = labels.get(&(family, id.clone())) {
            ctx.push(
                &raw.id,
                format!(
                    "duplicate {} label `{id}` (first defined at {})",
                    family.name(),
                    prev.location
                ),
            );
            continue;
        }
        if raw.name.trim().is_empty() || raw.description.trim().is_empty() {
            ctx.push(
                &raw.id,
                format!("label `{id}` needs a non-empty `name` and `description`"),
            );
        }
        if !(raw.size.is_finite() && raw.size >= 0.0) {
            ctx.push(
                &raw.id,
                format!("label `{id}`: `size` must be a non-negative number"),
            );
        }
        let questions = questions(ctx, &raw.questions, &format!("label `{id}`"));
        let details = raw.details.as_ref().map(|d| d.get_ref().trim().to_owned());
        if let Some(raw_d) = raw
            .details
            .as_ref()
            .filter(|d| d.get_ref().trim().is_empty())
        {
            ctx.push(
                raw_d,
                format!("label `{id}`: `details` must not be empty (leave it out instead)"),
            );
        }
        let location = ctx.location(&raw.id);
        labels.insert(
            (family, id.clone()),
            Label {
                family,
                id,
                name: raw.name,
                description: raw.description,
                details,
                size: raw.size,
                questions,
                location,
            },
        );
    }
}

fn generic_questions(ctx: &mut Ctx<'_>, raw: Vec<RawQuestion>, out: &mut Vec<GenericQuestion>) {
    for q in raw {
        let Some(id) = &q.id else {
            ctx.push(&q.dimension, "a generic `[[question]]` needs an `id`");
            continue;
        };
        let what = format!("question `{}`", id.get_ref());
        if let Some(question) = questions(ctx, std::slice::from_ref(&q), &what).pop() {
            out.push(GenericQuestion {
                id: id.get_ref().clone(),
                question,
            });
        }
    }
}

fn size_bands(ctx: &mut Ctx<'_>, raw: Vec<RawBand>, bands: &mut Vec<Band>) {
    for b in raw {
        if !["XS", "S", "M", "L", "XL"].contains(&b.size.get_ref().as_str()) {
            ctx.push(
                &b.size,
                format!(
                    "unknown size `{}`: expected XS, S, M, L or XL",
                    b.size.get_ref()
                ),
            );
        }
        bands.push(Band {
            size: b.size.get_ref().clone(),
            max_points: b.max_points,
            description: b.description,
        });
    }
}

fn negation(ctx: &mut Ctx<'_>, n: RawNegation, negation: &mut Option<Negation>) {
    if negation.is_some() {
        ctx.push(
            &n.cues,
            "negation cues are already defined by another rule file",
        );
        return;
    }
    // User cues are checked like user patterns (for the same messages), then
    // compiled anchored; the embedded ones skip the check, as embedded patterns do.
    match check_regex(n.cues.get_ref(), false, ctx.src.embedded) {
        Ok(()) => {
            match regex::RegexBuilder::new(&format!("^(?:{})$", n.cues.get_ref()))
                .case_insensitive(true)
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
            {
                Ok(re) => {
                    *negation = Some(Negation {
                        cues: re,
                        window: n.window,
                    });
                }
                Err(e) => ctx.push(&n.cues, format!("negation cues: {e}")),
            }
        }
        Err(e) => ctx.push(&n.cues, format!("negation cues: {e}")),
    }
}

fn topics(
    ctx: &mut Ctx<'_>,
    raw_topics: Vec<RawTopic>,
    topics: &mut Vec<Topic>,
    seen_topic_names: &mut BTreeMap<String, (String, String)>,
    raw_see_also: &mut Vec<(String, String, Vec<Spanned<String>>)>,
) {
    for raw in raw_topics {
        let id = raw.id.get_ref().clone();
        let who = format!("topic `{id}`");
        for name in std::iter::once(&raw.id).chain(&raw.aliases) {
            if !RULE_ID.is_match(name.get_ref()) {
                ctx.push(
                    name,
                    format!("{who}: `{}` must be lowercase kebab-case", name.get_ref()),
                );
            }
            if let Some((_, prev)) = seen_topic_names.get(name.get_ref()) {
                ctx.push(
                    name,
                    format!(
                        "{who}: `{}` already names a topic (at {prev})",
                        name.get_ref()
                    ),
                );
            } else {
                seen_topic_names.insert(
                    name.get_ref().clone(),
                    (id.clone(), ctx.at(name.span().start)),
                );
            }
        }
        if raw.name.trim().is_empty() || raw.summary.trim().is_empty() || raw.body.trim().is_empty()
        {
            ctx.push(
                &raw.id,
                format!("{who}: `name`, `summary` and `body` must not be empty"),
            );
        }
        let mut lists = Vec::new();
        for l in &raw.lists {
            match TopicList::ALL.into_iter().find(|t| t.name() == l.get_ref()) {
                Some(t) => lists.push(t),
                None => {
                    let names: Vec<&str> = TopicList::ALL.iter().map(|t| t.name()).collect();
                    let hint = did_you_mean(l.get_ref(), names.iter().copied())
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    ctx.push(
                        l,
                        format!(
                            "{who}: unknown list `{}` in `lists`: expected one of {}{hint}",
                            l.get_ref(),
                            names.join(", ")
                        ),
                    );
                }
            }
        }
        let location = ctx.location(&raw.id);
        raw_see_also.push((ctx.src.name.clone(), id.clone(), raw.see_also));
        topics.push(Topic {
            id,
            aliases: raw.aliases.iter().map(|a| a.get_ref().clone()).collect(),
            name: raw.name.trim().to_owned(),
            summary: raw.summary.trim().to_owned(),
            body: raw.body.trim().to_owned(),
            lists,
            see_also: Vec::new(),
            location,
        });
    }
}

/// Expand `[[component]]` entries into the rules they generate (see `components.rs`).
fn components(
    ctx: &mut Ctx<'_>,
    family: Family,
    raw: Vec<super::components::RawComponent>,
) -> Vec<RawRule> {
    if !raw.is_empty() && family != Family::Components {
        ctx.problems.push(format!(
            "{}: `[[component]]` entries belong in a file of family `components`",
            ctx.src.name
        ));
    }
    let (generated, component_problems) = super::components::expand(raw);
    for (offset, msg) in component_problems {
        let at = ctx.at(offset);
        ctx.problems.push(format!("{at}: {msg}"));
    }
    generated
}

fn direction(
    ctx: &mut Ctx<'_>,
    d: Spanned<super::direction::RawDirection>,
    direction: &mut Option<super::Direction>,
) {
    let location = ctx.location(&d);
    let (span, raw) = (d.span(), d.into_inner());
    if direction.is_some() {
        let at = ctx.at(span.start);
        ctx.problems.push(format!(
            "{at}: `[direction]` is already defined by another rule file"
        ));
    }
    for cue in [&raw.relax, &raw.tighten]
        .into_iter()
        .chain(raw.limits.values())
    {
        if let Err(e) = check_regex(cue.get_ref(), false, ctx.src.embedded) {
            ctx.push(cue, format!("direction: {e}"));
        }
    }
    for (p, re) in &raw.limits {
        if !taxonomy::PRINCIPLES.contains(&p.as_str()) {
            ctx.push(
                re,
                format!("direction: `limits` names unknown principle `{p}`"),
            );
        }
    }
    for (_, p) in raw.examples.strains.iter().chain(&raw.examples.supports) {
        if !taxonomy::PRINCIPLES.contains(&p.as_str()) {
            let at = ctx.at(span.start);
            ctx.problems.push(format!(
                "{at}: direction example names unknown principle `{p}`"
            ));
        }
    }
    *direction = Some(super::Direction::from_raw(raw, location));
}

/// Check rule ids (shape, uniqueness) and keep each rule for [`rules`].
fn rule_ids(
    ctx: &mut Ctx<'_>,
    family: Family,
    raw_rules: impl Iterator<Item = RawRule>,
    seen_rule_ids: &mut BTreeMap<String, Location>,
    pending: &mut Vec<PendingRule>,
) {
    for raw in raw_rules {
        if family == Family::Inference && !raw.patterns.is_empty() {
            ctx.push(
                &raw.id,
                format!(
                    "rule `{}`: inference rules take `when`, not `patterns`",
                    raw.id.get_ref()
                ),
            );
        }
        let id = raw.id.get_ref().clone();
        if !RULE_ID.is_match(&id) {
            ctx.push(
                &raw.id,
                format!("rule id `{id}` must be lowercase kebab-case (e.g. `gpu-mig-profile`)"),
            );
        }
        let location = ctx.location(&raw.id);
        if let Some(prev) = seen_rule_ids.get(&id) {
            ctx.push(
                &raw.id,
                format!("duplicate rule id `{id}` (first defined at {prev})"),
            );
            continue;
        }
        seen_rule_ids.insert(id.clone(), location.clone());
        pending.push((ctx.src.name.clone(), family, raw, location));
    }
}

/// Completeness of the taxonomy: every fixed id needs its prose and questions.
fn taxonomy_complete(labels: &BTreeMap<(Family, String), Label>, problems: &mut Vec<String>) {
    for family in [
        Family::Layers,
        Family::Tiers,
        Family::Gpu,
        Family::Principles,
        Family::Questions,
    ] {
        for id in fixed_ids(family).unwrap_or_default() {
            if !labels.contains_key(&(family, (*id).to_owned())) {
                problems.push(format!(
                    "rules: {} id `{id}` has no `[[label]]` entry in any file of family `{}`",
                    family.name(),
                    family.name()
                ));
            }
        }
    }
}

/// The checked rules, with the patterns of the prefilter set and the owner of each.
struct Compiled {
    rules: Vec<Rule>,
    set_patterns: Vec<String>,
    owners: Vec<(usize, usize)>,
}

/// Check and compile every rule; rules need every label known, so this runs after all files
/// are read.
fn rules(
    sources: &[Source],
    newlines: &[Vec<usize>],
    mut raw_rules: Vec<PendingRule>,
    labels: &BTreeMap<(Family, String), Label>,
    problems: &mut Vec<String>,
) -> Compiled {
    // One canonical rule order, family first (the order of the embedded files), then file name
    // and line: the analysis, its questions and `rules_fired` must not depend on the order in
    // which the rule files were handed over.
    raw_rules.sort_by(|a, b| (a.1, &a.0, a.3.line).cmp(&(b.1, &b.0, b.3.line)));

    let mut compiled = Compiled {
        rules: Vec::new(),
        set_patterns: Vec::new(),
        owners: Vec::new(),
    };
    let mut follows: Vec<Option<String>> = Vec::new();
    for (name, family, raw, location) in raw_rules {
        let mut ctx = ctx_for(sources, newlines, &name);
        let (rule, follow) = rule(&mut ctx, family, raw, location, labels, &mut compiled);
        problems.append(&mut ctx.problems);
        compiled.rules.push(rule);
        follows.push(follow);
    }

    // Component audience rules share the hits of their component's rule.
    let rules = &mut compiled.rules;
    for (i, f) in follows.into_iter().enumerate() {
        if let Some(id) = f {
            rules[i].follows = rules.iter().position(|r| r.id == id);
        }
    }
    compiled
}

/// Check one rule; its patterns join `compiled`'s set as the rule at `compiled.rules.len()`.
/// Returns the rule and the id of the rule it follows, resolved once all are known.
fn rule(
    ctx: &mut Ctx<'_>,
    family: Family,
    raw: RawRule,
    location: Location,
    labels: &BTreeMap<(Family, String), Label>,
    compiled: &mut Compiled,
) -> (Rule, Option<String>) {
    let embedded = ctx.src.embedded;
    let id = raw.id.get_ref().clone();
    let who = format!("rule `{id}`");
    if raw.summary.trim().is_empty() || raw.why.trim().is_empty() {
        ctx.push(
            &raw.id,
            format!("{who}: `summary` and `why` must not be empty"),
        );
    }
    if raw.patterns.is_empty() && raw.when.is_empty() && raw.follows.is_none() {
        ctx.push(
            &raw.id,
            format!("{who}: give `patterns` to match, or `when` to infer from other concerns"),
        );
    }
    let when = concerns(ctx, labels, &raw.when, "when", &who);
    let unless = concerns(ctx, labels, &raw.unless, "unless", &who);
    let signals = signals(ctx, labels, &raw.signals, &who);
    let rule_questions = questions(ctx, &raw.questions, &who);
    let options = options(ctx, &raw.options, &who);
    if raw.examples.must_match.is_empty() || raw.examples.must_not_match.is_empty() {
        ctx.push(
            &raw.id,
            format!("{who}: needs at least one `examples.match` and one `examples.no_match`"),
        );
    }
    let mut patterns = Vec::new();
    for p in &raw.patterns {
        match check_regex(p.get_ref(), raw.case_sensitive, embedded) {
            Ok(()) => {
                compiled.owners.push((compiled.rules.len(), patterns.len()));
                compiled
                    .set_patterns
                    .push(effective_pattern(p.get_ref(), raw.case_sensitive));
                patterns.push(LazyRegex::new(p.get_ref().clone(), raw.case_sensitive));
            }
            Err(e) => ctx.push(p, format!("{who}: {e}")),
        }
    }
    let mut exclude = Vec::new();
    for p in &raw.exclude {
        match check_regex(p.get_ref(), raw.case_sensitive, embedded) {
            Ok(()) => exclude.push(LazyRegex::new(p.get_ref().clone(), raw.case_sensitive)),
            Err(e) => ctx.push(p, format!("{who}: in `exclude`: {e}")),
        }
    }
    let rule = Rule {
        id,
        family,
        summary: raw.summary,
        why: raw.why,
        patterns,
        exclude,
        negatable: raw.negatable,
        when,
        unless,
        signals,
        questions: rule_questions,
        options,
        examples_match: raw.examples.must_match,
        examples_no_match: raw.examples.must_not_match,
        location,
        follows: None,
    };
    (rule, raw.follows)
}

fn known(labels: &BTreeMap<(Family, String), Label>, c: &Concern) -> bool {
    labels.contains_key(&(Family::of_kind(c.kind), c.id.clone()))
}

/// `{who}: unknown <family> id `<id>` in `<what>``, with a hint from the family's labels.
fn unknown_concern(
    labels: &BTreeMap<(Family, String), Label>,
    c: &Concern,
    what: &str,
    who: &str,
) -> String {
    let fam = Family::of_kind(c.kind);
    let ids: Vec<&str> = labels
        .keys()
        .filter(|(f, _)| *f == fam)
        .map(|(_, i)| i.as_str())
        .collect();
    let hint = did_you_mean(&c.id, ids.iter().copied())
        .map(|s| format!(" (did you mean `{}:{s}`?)", c.kind.prefix()))
        .unwrap_or_default();
    format!(
        "{who}: unknown {} id `{}` in `{what}`{hint}",
        fam.name(),
        c.id
    )
}

/// The known concerns of a rule's `when` or `unless` list.
fn concerns(
    ctx: &mut Ctx<'_>,
    labels: &BTreeMap<(Family, String), Label>,
    list: &[Spanned<String>],
    what: &str,
    who: &str,
) -> Vec<Concern> {
    list.iter()
        .filter_map(|s| match Concern::parse(s.get_ref()) {
            Ok(c) if known(labels, &c) => Some(c),
            Ok(c) => {
                ctx.push(s, unknown_concern(labels, &c, what, who));
                None
            }
            Err(e) => {
                ctx.push(s, format!("{who}: {e}"));
                None
            }
        })
        .collect()
}

fn signals(
    ctx: &mut Ctx<'_>,
    labels: &BTreeMap<(Family, String), Label>,
    raw: &Spanned<BTreeMap<String, f64>>,
    who: &str,
) -> Vec<(Concern, f64)> {
    let mut signals = Vec::new();
    for (key, weight) in raw.get_ref() {
        match Concern::parse(key) {
            Ok(c) if known(labels, &c) => {
                if !(weight.is_finite() && *weight > 0.0 && *weight <= 10.0) {
                    ctx.push(
                        raw,
                        format!("{who}: weight of `{key}` must be in (0, 10], got {weight}"),
                    );
                }
                signals.push((c, *weight));
            }
            Ok(c) => ctx.push(raw, unknown_concern(labels, &c, "signals", who)),
            Err(e) => ctx.push(raw, format!("{who}: {e}")),
        }
    }
    if raw.get_ref().is_empty() {
        ctx.push(
            raw,
            format!("{who}: `signals` must name at least one concern"),
        );
    }
    signals
}

/// The names a topic must not shadow and a `see_also` may lead to.
struct Names<'r> {
    /// Topic name (id or alias) -> (topic id, `file:line:col` where it is defined).
    topics: &'r BTreeMap<String, (String, String)>,
    labels: &'r BTreeMap<(Family, String), Label>,
    rule_ids: &'r BTreeMap<String, Location>,
}

/// Topic names must not shadow a label or rule id, and `see_also` must lead somewhere.
fn cross_references(
    sources: &[Source],
    newlines: &[Vec<usize>],
    names: &Names<'_>,
    raw_see_also: Vec<(String, String, Vec<Spanned<String>>)>,
    topics: &mut [Topic],
    problems: &mut Vec<String>,
) {
    topic_names(names, problems);
    for (name, id, see_also) in raw_see_also {
        let mut ctx = ctx_for(sources, newlines, &name);
        let resolved = see_also_of(&mut ctx, names, &id, &see_also);
        if let Some(t) = topics.iter_mut().find(|t| t.id == id) {
            t.see_also = resolved;
        }
        problems.append(&mut ctx.problems);
    }
}

fn topic_names(names: &Names<'_>, problems: &mut Vec<String>) {
    for (name, (topic, at)) in names.topics {
        let label = names
            .labels
            .keys()
            .find(|(_, id)| id.eq_ignore_ascii_case(name));
        if let Some((family, id)) = label {
            problems.push(format!(
                "{at}: topic `{topic}`: `{name}` is already the {} label `{id}`; choose another name",
                family.name()
            ));
        }
        if names.rule_ids.contains_key(name) {
            problems.push(format!(
                "{at}: topic `{topic}`: `{name}` is already a rule id; choose another name"
            ));
        }
    }
}

/// The entries of topic `id`'s `see_also` that name a topic, label, rule or check.
fn see_also_of(
    ctx: &mut Ctx<'_>,
    names: &Names<'_>,
    id: &str,
    see_also: &[Spanned<String>],
) -> Vec<String> {
    let mut resolved = Vec::new();
    for s in see_also {
        let key = s.get_ref();
        let known = names.topics.keys().any(|n| n.eq_ignore_ascii_case(key))
            || names
                .labels
                .keys()
                .any(|(_, l)| l.eq_ignore_ascii_case(key))
            || names.rule_ids.contains_key(key)
            || crate::diag::find(key).is_some();
        if known {
            resolved.push(key.clone());
        } else {
            ctx.push(
                s,
                format!("topic `{id}`: `see_also` names `{key}`, which is not a topic, label, rule or check"),
            );
        }
    }
    resolved
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

fn bands_present(bands: &[Band], problems: &mut Vec<String>) {
    if bands.is_empty() {
        problems.push(
            "rules: no `[[band]]` entries: the `size` family must define the t-shirt bands".into(),
        );
    }
}

fn options(ctx: &mut Ctx<'_>, raw: &[RawOption], who: &str) -> Vec<DesignOption> {
    let mut out: Vec<DesignOption> = Vec::new();
    for o in raw {
        let name = o.name.get_ref().trim();
        if name.is_empty() {
            ctx.push(
                &o.name,
                format!("{who}: an option needs a non-empty `name`"),
            );
            continue;
        }
        if out.iter().any(|p| p.name.eq_ignore_ascii_case(name)) {
            ctx.push(&o.name, format!("{who}: duplicate option `{name}`"));
            continue;
        }
        if o.good.is_empty() && o.bad.is_empty() {
            ctx.push(
                &o.name,
                format!("{who}: option `{name}` needs at least one `good` or `bad` trade-off"),
            );
            continue;
        }
        if o.good.iter().chain(&o.bad).any(|t| t.trim().is_empty()) {
            ctx.push(
                &o.name,
                format!("{who}: option `{name}`: trade-offs must not be empty strings"),
            );
            continue;
        }
        out.push(DesignOption {
            name: name.to_owned(),
            good: o.good.iter().map(|t| t.trim().to_owned()).collect(),
            bad: o.bad.iter().map(|t| t.trim().to_owned()).collect(),
        });
    }
    out
}

fn questions(ctx: &mut Ctx<'_>, raw: &[RawQuestion], who: &str) -> Vec<Question> {
    let mut out = Vec::new();
    for q in raw {
        let dim = q.dimension.get_ref();
        if !taxonomy::DIMENSIONS.contains(&dim.as_str()) {
            let hint = did_you_mean(dim, taxonomy::DIMENSIONS.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            ctx.push(
                &q.dimension,
                format!(
                    "{who}: unknown question dimension `{dim}`: expected one of {}{hint}",
                    taxonomy::DIMENSIONS.join(", ")
                ),
            );
            continue;
        }
        let p = *q.priority.get_ref();
        if !(1..=3).contains(&p) {
            ctx.push(
                &q.priority,
                format!("{who}: question priority must be 1 (ask first), 2 or 3, got {p}"),
            );
            continue;
        }
        if q.text.trim().is_empty() {
            ctx.push(
                &q.dimension,
                format!("{who}: question text must not be empty"),
            );
            continue;
        }
        let text = q.text.trim().to_owned();
        out.push(Question {
            dimension: dim.clone(),
            priority: p,
            key: crate::text::normalize(&text),
            text,
        });
    }
    out
}
