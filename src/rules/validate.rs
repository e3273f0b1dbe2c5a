//! Raw rule files -> [`RuleSet`]: every problem is collected with its file, line and rule id
//! before the load fails, in the manner of cargo-deny's validation context.
use std::collections::BTreeMap;

use toml::Spanned;

use super::model::{RawOption, RawQuestion, RuleFile};
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
    let mut problems = Vec::new();
    let mut labels: BTreeMap<(Family, String), Label> = BTreeMap::new();
    let mut rules: Vec<Rule> = Vec::new();
    let mut raw_rules = Vec::new();
    let mut generic_questions = Vec::new();
    let mut bands = Vec::new();
    let mut thresholds = BTreeMap::new();
    let mut negation = None;
    let mut direction = None;
    let mut seen_rule_ids: BTreeMap<String, Location> = BTreeMap::new();
    let mut topics: Vec<Topic> = Vec::new();
    // Topic name (id or alias) -> (topic id, `file:line:col` where it is defined).
    let mut seen_topic_names: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut raw_see_also = Vec::new();

    let newlines: Vec<Vec<usize>> = sources
        .iter()
        .map(|s| {
            s.text
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    let ctx_for = |name: &str| {
        let i = sources
            .iter()
            .position(|s| s.name == name)
            .expect("the source of a rule or topic");
        Ctx::new(&sources[i], &newlines[i])
    };

    let mut combination_files = Vec::new();
    for (src, newlines) in sources.iter().zip(&newlines) {
        if super::combinations::is_combinations(&src.text) {
            combination_files.push(src);
            continue;
        }
        let file: RuleFile = match toml::from_str(&src.text) {
            Ok(f) => f,
            Err(e) => {
                problems.push(toml_error(&src.name, &src.text, &e));
                continue;
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
            problems.append(&mut ctx.problems);
            continue;
        };

        if let Some(t) = &file.threshold {
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

        for raw in file.label {
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
            let questions = questions(&mut ctx, &raw.questions, &format!("label `{id}`"));
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

        for q in file.question {
            let Some(id) = &q.id else {
                ctx.push(&q.dimension, "a generic `[[question]]` needs an `id`");
                continue;
            };
            let what = format!("question `{}`", id.get_ref());
            if let Some(question) = questions(&mut ctx, std::slice::from_ref(&q), &what).pop() {
                generic_questions.push(GenericQuestion {
                    id: id.get_ref().clone(),
                    question,
                });
            }
        }

        for b in file.band {
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

        if let Some(n) = file.negation {
            if negation.is_some() {
                ctx.push(
                    &n.cues,
                    "negation cues are already defined by another rule file",
                );
            } else {
                // User cues are checked like user patterns (for the same messages), then
                // compiled anchored; the embedded ones skip the check, as embedded patterns do.
                match check_regex(n.cues.get_ref(), false, src.embedded) {
                    Ok(()) => {
                        match regex::RegexBuilder::new(&format!("^(?:{})$", n.cues.get_ref()))
                            .case_insensitive(true)
                            .size_limit(REGEX_SIZE_LIMIT)
                            .build()
                        {
                            Ok(re) => {
                                negation = Some(Negation {
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
        }

        for raw in file.topic {
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
            if raw.name.trim().is_empty()
                || raw.summary.trim().is_empty()
                || raw.body.trim().is_empty()
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
            raw_see_also.push((src.name.clone(), id.clone(), raw.see_also));
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

        if !file.component.is_empty() && family != Family::Components {
            ctx.problems.push(format!(
                "{}: `[[component]]` entries belong in a file of family `components`",
                src.name
            ));
        }
        let (generated, component_problems) = super::components::expand(file.component);
        for (offset, msg) in component_problems {
            let at = ctx.at(offset);
            ctx.problems.push(format!("{at}: {msg}"));
        }
        if let Some(d) = file.direction {
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
                if let Err(e) = check_regex(cue.get_ref(), false, src.embedded) {
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
            direction = Some(super::Direction::from_raw(raw, location));
        }
        for raw in file.rule.into_iter().chain(generated) {
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
            raw_rules.push((src.name.clone(), family, raw, location));
        }
        problems.append(&mut ctx.problems);
    }

    // Completeness of the taxonomy: every fixed id needs its prose and questions.
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

    // One canonical rule order, family first (the order of the embedded files), then file name
    // and line: the analysis, its questions and `rules_fired` must not depend on the order in
    // which the rule files were handed over.
    raw_rules.sort_by(|a, b| (a.1, &a.0, a.3.line).cmp(&(b.1, &b.0, b.3.line)));

    // Rules need every label known, so they are checked after all files are read.
    let known = |c: &Concern| labels.contains_key(&(Family::of_kind(c.kind), c.id.clone()));
    let mut set_patterns = Vec::new();
    let mut owners = Vec::new();
    let mut follows: Vec<Option<String>> = Vec::new();
    for (name, family, raw, location) in raw_rules {
        let mut ctx = ctx_for(&name);
        let src = ctx.src;
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
        let concerns = |list: &[Spanned<String>], what: &str, ctx: &mut Ctx<'_>| -> Vec<Concern> {
            list.iter()
                .filter_map(|s| match Concern::parse(s.get_ref()) {
                    Ok(c) if known(&c) => Some(c),
                    Ok(c) => {
                        let fam = Family::of_kind(c.kind);
                        let ids: Vec<&str> = labels
                            .keys()
                            .filter(|(f, _)| *f == fam)
                            .map(|(_, i)| i.as_str())
                            .collect();
                        let hint = did_you_mean(&c.id, ids.iter().copied())
                            .map(|s| format!(" (did you mean `{}:{s}`?)", c.kind.prefix()))
                            .unwrap_or_default();
                        ctx.push(
                            s,
                            format!(
                                "{who}: unknown {} id `{}` in `{what}`{hint}",
                                fam.name(),
                                c.id
                            ),
                        );
                        None
                    }
                    Err(e) => {
                        ctx.push(s, format!("{who}: {e}"));
                        None
                    }
                })
                .collect()
        };
        let when = concerns(&raw.when, "when", &mut ctx);
        let unless = concerns(&raw.unless, "unless", &mut ctx);
        let mut signals = Vec::new();
        for (key, weight) in raw.signals.get_ref() {
            match Concern::parse(key) {
                Ok(c) if known(&c) => {
                    if !(weight.is_finite() && *weight > 0.0 && *weight <= 10.0) {
                        ctx.push(
                            &raw.signals,
                            format!("{who}: weight of `{key}` must be in (0, 10], got {weight}"),
                        );
                    }
                    signals.push((c, *weight));
                }
                Ok(c) => {
                    let fam = Family::of_kind(c.kind);
                    let ids: Vec<&str> = labels
                        .keys()
                        .filter(|(f, _)| *f == fam)
                        .map(|(_, i)| i.as_str())
                        .collect();
                    let hint = did_you_mean(&c.id, ids.iter().copied())
                        .map(|s| format!(" (did you mean `{}:{s}`?)", c.kind.prefix()))
                        .unwrap_or_default();
                    ctx.push(
                        &raw.signals,
                        format!(
                            "{who}: unknown {} id `{}` in `signals`{hint}",
                            fam.name(),
                            c.id
                        ),
                    );
                }
                Err(e) => ctx.push(&raw.signals, format!("{who}: {e}")),
            }
        }
        if raw.signals.get_ref().is_empty() {
            ctx.push(
                &raw.signals,
                format!("{who}: `signals` must name at least one concern"),
            );
        }
        let rule_questions = questions(&mut ctx, &raw.questions, &who);
        let options = options(&mut ctx, &raw.options, &who);
        if raw.examples.must_match.is_empty() || raw.examples.must_not_match.is_empty() {
            ctx.push(
                &raw.id,
                format!("{who}: needs at least one `examples.match` and one `examples.no_match`"),
            );
        }
        let mut patterns = Vec::new();
        for p in &raw.patterns {
            match check_regex(p.get_ref(), raw.case_sensitive, src.embedded) {
                Ok(()) => {
                    owners.push((rules.len(), patterns.len()));
                    set_patterns.push(effective_pattern(p.get_ref(), raw.case_sensitive));
                    patterns.push(LazyRegex::new(p.get_ref().clone(), raw.case_sensitive));
                }
                Err(e) => ctx.push(p, format!("{who}: {e}")),
            }
        }
        let mut exclude = Vec::new();
        for p in &raw.exclude {
            match check_regex(p.get_ref(), raw.case_sensitive, src.embedded) {
                Ok(()) => exclude.push(LazyRegex::new(p.get_ref().clone(), raw.case_sensitive)),
                Err(e) => ctx.push(p, format!("{who}: in `exclude`: {e}")),
            }
        }
        problems.append(&mut ctx.problems);
        rules.push(Rule {
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
        });
        follows.push(raw.follows);
    }

    // Component audience rules share the hits of their component's rule.
    for (i, f) in follows.into_iter().enumerate() {
        if let Some(id) = f {
            rules[i].follows = rules.iter().position(|r| r.id == id);
        }
    }

    // Topic names must not shadow a label or rule id, and `see_also` must lead somewhere.
    for (name, (topic, at)) in &seen_topic_names {
        let label = labels.keys().find(|(_, id)| id.eq_ignore_ascii_case(name));
        if let Some((family, id)) = label {
            problems.push(format!(
                "{at}: topic `{topic}`: `{name}` is already the {} label `{id}`; choose another name",
                family.name()
            ));
        }
        if seen_rule_ids.contains_key(name) {
            problems.push(format!(
                "{at}: topic `{topic}`: `{name}` is already a rule id; choose another name"
            ));
        }
    }
    for (name, id, see_also) in raw_see_also {
        let mut ctx = ctx_for(&name);
        let mut resolved = Vec::new();
        for s in &see_also {
            let key = s.get_ref();
            let known = seen_topic_names.keys().any(|n| n.eq_ignore_ascii_case(key))
                || labels.keys().any(|(_, l)| l.eq_ignore_ascii_case(key))
                || seen_rule_ids.contains_key(key)
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
        if let Some(t) = topics.iter_mut().find(|t| t.id == id) {
            t.see_also = resolved;
        }
        problems.append(&mut ctx.problems);
    }

    let mut seen_combinations = BTreeMap::new();
    let (mut combinations, mut tradeoffs) = (Vec::new(), Vec::new());
    for src in combination_files {
        let (c, t) =
            super::combinations::parse(src, &labels, &rules, &mut seen_combinations, &mut problems);
        combinations.extend(c);
        tradeoffs.extend(t);
    }
    combinations.sort_by(|a: &super::Combination, b| a.id.cmp(&b.id));

    if bands.is_empty() {
        problems.push(
            "rules: no `[[band]]` entries: the `size` family must define the t-shirt bands".into(),
        );
    }

    if !problems.is_empty() {
        return Err(Error::Many {
            problems,
            hint: Some(
                "fix the rule files above, then re-check them with `ds01-pm rules check` and the same --rules/--extend-rules".into(),
            ),
        });
    }

    let set = super::prefilter::build(&set_patterns, SET_SIZE_LIMIT).map_err(|e| {
        Error::invalid(
            format!("rules: the combined pattern set does not compile: {e}"),
            Some("remove very large patterns"),
        )
    })?;

    let rule_set = RuleSet {
        rules,
        set,
        owners,
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
