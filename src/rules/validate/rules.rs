//! `[[rule]]` entries (and those generated from `[[component]]`s): ids while the files are
//! read, then each rule's concerns, signals, questions, options, examples and patterns.
use std::collections::BTreeMap;

use toml::Spanned;

use super::questions::{options, questions};
use super::{Ctx, RULE_ID, check_regex, ctx_for};
use crate::rules::cost::Checked;
use crate::rules::model::RawRule;
use crate::rules::{Family, Label, LazyRegex, Location, Rule, Source};
use crate::taxonomy::{Concern, Kind};
use crate::text::did_you_mean;

/// A rule, as read from its file and waiting for every label to be known: source name,
/// family, raw rule and location.
pub(super) type PendingRule = (String, Family, RawRule, Location);

/// Expand `[[component]]` entries into the rules they generate (see `components.rs`).
pub(super) fn components(
    ctx: &mut Ctx<'_>,
    family: Family,
    raw: Vec<crate::rules::components::RawComponent>,
) -> Vec<RawRule> {
    if !raw.is_empty() && family != Family::Components {
        ctx.problems.push(format!(
            "{}: `[[component]]` entries belong in a file of family `components`",
            ctx.src.name
        ));
    }
    let (generated, component_problems) = crate::rules::components::expand(raw);
    for (offset, msg) in component_problems {
        let at = ctx.at(offset);
        ctx.problems.push(format!("{at}: {msg}"));
    }
    generated
}

/// Check rule ids (shape, uniqueness) and keep each rule for [`rules`].
pub(super) fn rule_ids(
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

/// The checked rules, with the owner of each pattern of the prefilter set.
pub(super) struct Compiled {
    pub(super) rules: Vec<Rule>,
    pub(super) owners: Vec<(usize, usize)>,
}

/// Check and compile every rule; rules need every label known, so this runs after all files
/// are read.
pub(super) fn rules(
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
        owners: Vec::new(),
    };
    // The user patterns' checks (`cost::check`, most of the cost of loading user rules), in
    // rule order, patterns then exclusions, worked out on several threads: each is independent.
    // The embedded defaults skip them (see `check_regex`).
    let embedded = |name: &str| sources.iter().any(|s| s.embedded && s.name == name);
    let jobs: Vec<(&str, bool)> = raw_rules
        .iter()
        .filter(|r| !embedded(&r.0))
        .flat_map(|(_, _, raw, _)| {
            raw.patterns
                .iter()
                .chain(&raw.exclude)
                .map(|p| (p.get_ref().as_str(), raw.case_sensitive))
        })
        .collect();
    let checks = crate::rules::par_map(&jobs, |&(p, case_sensitive)| {
        check_regex(p, case_sensitive, false)
    });
    let mut checks = checks.into_iter();
    let mut follows: Vec<(String, Option<Spanned<String>>)> = Vec::new();
    // The rules that name `unless_fired` (their index, file and ids), resolved once all rules
    // are known.
    let mut unless_fired: Vec<(usize, String, Vec<Spanned<String>>)> = Vec::new();
    for (name, family, mut raw, location) in raw_rules {
        let mut ctx = ctx_for(sources, newlines, &name);
        let ids = std::mem::take(&mut raw.unless_fired);
        if !ids.is_empty() {
            unless_fired.push((compiled.rules.len(), name.clone(), ids));
        }
        let (rule, follow) = rule(
            &mut ctx,
            family,
            raw,
            location,
            labels,
            &mut compiled,
            &mut checks,
        );
        problems.append(&mut ctx.problems);
        compiled.rules.push(rule);
        follows.push((name, follow));
    }

    let rules = &mut compiled.rules;
    // `unless_fired` names pattern rules: a conditional rule's firing is not the text's own
    // words, and would make the outcome depend on the order of inference. Whether a rule is one
    // is judged from what every rule declares, before any `unless_fired` is resolved, so the
    // errors do not depend on the order of the rules either.
    let pattern_rule: Vec<bool> = (rules.iter().enumerate())
        .map(|(i, r)| {
            !r.patterns.is_empty()
                && r.when.is_empty()
                && r.unless.is_empty()
                && follows[i].1.is_none()
                && !unless_fired.iter().any(|(k, _, _)| *k == i)
        })
        .collect();
    // A rule that follows another shares its hits (a component's audience rule, a reading
    // that follows from what a component names): the other must be a pattern rule, so that
    // the hits are the text's own words and do not depend on the order of inference, and no
    // default audience, whose hits may yield after the pattern pass. A rule with patterns
    // that also follows another is a pattern rule: it takes no conditions and is no default
    // audience either.
    for (i, (name, f)) in follows.into_iter().enumerate() {
        let Some(id) = f else { continue };
        let who = super::Who("rule", &rules[i].id);
        let r = &rules[i];
        let conditional = !r.when.is_empty()
            || !r.unless.is_empty()
            || unless_fired.iter().any(|(k, _, _)| *k == i);
        let problem = match rules.iter().position(|r| r.id == *id.get_ref()) {
            _ if !r.patterns.is_empty() && (conditional || r.default_audience) => Some(format!(
                "{who}: a rule with `patterns` that also `follows` another is a pattern rule: drop `when`, `unless`, `unless_fired` and `default_audience`, or the patterns"
            )),
            Some(j) if pattern_rule[j] && !rules[j].default_audience => {
                rules[i].follows = Some(j);
                None
            }
            Some(_) => Some(format!(
                "{who}: `follows` names `{}`, which is not a pattern rule; name a rule with `patterns` and no `when`, `unless`, `unless_fired`, `follows` or `default_audience`",
                id.get_ref()
            )),
            None => Some(format!(
                "{who}: `follows` names unknown rule `{}`; see `ds01-pm rules list` for the ids",
                id.get_ref()
            )),
        };
        if let Some(p) = problem {
            let mut ctx = ctx_for(sources, newlines, &name);
            ctx.push(&id, p);
            problems.append(&mut ctx.problems);
        }
    }
    for (i, name, ids) in unless_fired {
        let mut ctx = ctx_for(sources, newlines, &name);
        let who = super::Who("rule", &rules[i].id);
        let mut resolved = Vec::new();
        for id in &ids {
            match rules.iter().position(|r| r.id == *id.get_ref()) {
                Some(j) if !pattern_rule[j] => ctx.push(
                    id,
                    format!(
                        "{who}: `unless_fired` names `{}`, which is not a pattern rule; name a rule with `patterns` and no `when`, `unless`, `unless_fired` or `follows`",
                        id.get_ref()
                    ),
                ),
                Some(j) => resolved.push((j, id.get_ref().clone())),
                None => ctx.push(
                    id,
                    format!(
                        "{who}: `unless_fired` names unknown rule `{}`; see `ds01-pm rules list` for the ids",
                        id.get_ref()
                    ),
                ),
            }
        }
        if rules[i].when.is_empty() {
            ctx.push(
                &ids[0],
                format!("{who}: `unless_fired` needs `when`: it keeps an inference from firing"),
            );
        }
        problems.append(&mut ctx.problems);
        rules[i].unless_fired = resolved;
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
    checks: &mut impl Iterator<Item = Result<Checked, String>>,
) -> (Rule, Option<Spanned<String>>) {
    let embedded = ctx.src.embedded;
    // The check of the next pattern: worked out by [`rules`] for user patterns, skipped for
    // the embedded ones.
    let mut check = |p: &str| {
        if embedded {
            check_regex(p, raw.case_sensitive, true)
        } else {
            checks.next().expect("one check per user pattern")
        }
    };
    let id = raw.id.get_ref().clone();
    let who = super::Who("rule", &id);
    if raw.summary.trim().is_empty() || raw.why.trim().is_empty() {
        ctx.push(
            &raw.id,
            format!("{who}: `summary` and `why` must not be empty"),
        );
    }
    if let Some(f) = &raw.follows {
        if raw.patterns.is_empty() && !raw.exclude.is_empty() {
            ctx.push(
                f,
                format!("{who}: a rule that only `follows` another has no words of its own to exclude: drop `exclude`"),
            );
        }
    }
    if raw.patterns.is_empty() && raw.when.is_empty() && raw.follows.is_none() {
        ctx.push(
            &raw.id,
            format!("{who}: give `patterns` to match, `when` to infer from other concerns, or `follows` to share another rule's hits"),
        );
    }
    let when = concerns(ctx, labels, &raw.when, "when", &who);
    let unless = concerns(ctx, labels, &raw.unless, "unless", &who);
    // A question cue asks and reads nothing: none of a reading rule's checks apply to it.
    let cue = family == Family::Questions;
    let signals = if cue {
        question_cue(ctx, &raw, &who);
        Vec::new()
    } else if raw.tells && raw.signals.get_ref().is_empty() {
        // A `tells` rule marks where a message's content starts; it need read nothing itself.
        Vec::new()
    } else {
        signals(ctx, labels, &raw.signals, &raw.id, &who)
    };
    let user_tier = |c: &Concern| c.kind == Kind::Tier && c.id != "admin";
    if !cue
        && raw.default_audience
        && (signals.is_empty() || !signals.iter().all(|(c, _)| user_tier(c)))
    {
        ctx.push(
            &raw.id,
            format!(
                "{who}: `default_audience` needs `signals` of user tiers only (`tier:student`, `tier:researcher`): it is a default reading of whom a change is for, and all of it yields"
            ),
        );
    }
    if raw.reports && !cue {
        reports_rule(ctx, &raw, &signals, &who);
    }
    if raw.tells && !cue {
        tells_rule(ctx, &raw, &who);
    }
    if raw.stated_audience && !cue {
        let tiers_only = |cs: &[Concern]| cs.iter().all(|c| c.kind == Kind::Tier);
        let problem = if raw.default_audience {
            Some("cannot also be `default_audience` (a default is a guess, which blocks nothing)")
        } else if raw.patterns.is_empty() || !raw.when.is_empty() {
            Some("needs `patterns` of its own and no `when`: it is what the text itself says")
        } else if unless.is_empty() || !tiers_only(&unless) {
            Some("needs `unless` of tiers only: it yields to a tier the text names")
        } else if signals.is_empty() || !signals.iter().all(|(c, _)| c.kind == Kind::Tier) {
            Some("needs `signals` of tiers only: it states whom a change is for")
        } else {
            None
        };
        if let Some(p) = problem {
            ctx.push(&raw.id, format!("{who}: `stated_audience` {p}"));
        }
    }
    if raw.firm_layer && !cue {
        let problem = if raw.patterns.is_empty() || !raw.when.is_empty() {
            Some(
                "needs `patterns` of its own and no `when`: it keeps the layer of a thing the text names",
            )
        } else if !signals.iter().any(|(c, _)| c.kind == Kind::Layer) {
            Some("needs a `layer:` signal: it keeps the layer the rule reads")
        } else {
            None
        };
        if let Some(p) = problem {
            ctx.push(&raw.id, format!("{who}: `firm_layer` {p}"));
        }
    }
    if raw.admin_tooling && !cue {
        let problem = if raw.default_audience {
            Some("cannot also be `default_audience`")
        } else if !raw.when.is_empty() || !raw.unless.is_empty() || raw.patterns.is_empty() {
            Some(
                "must be a pattern rule without `when` or `unless` (the yield is decided on pattern hits)",
            )
        } else if !signals
            .iter()
            .any(|(c, _)| c.kind == Kind::Tier && c.id == "admin")
        {
            Some("needs `tier:admin` in `signals`: the admin's own tooling faces the admin")
        } else if signals.iter().any(|(c, _)| user_tier(c)) {
            // A layer is allowed: the admin's tooling may live in a user layer (the jobs
            // service's key CLI is L3) without being a user command that keeps the defaults.
            Some("cannot signal a user tier: that keeps the default audiences")
        } else {
            None
        };
        if let Some(p) = problem {
            ctx.push(&raw.id, format!("{who}: `admin_tooling` {p}"));
        }
    }
    // `{first}` cites what the rule matched: a rule without patterns of its own or another's
    // (`follows`) matches no text.
    let placeholders: &[&str] = if raw.patterns.is_empty() && raw.follows.is_none() {
        &[]
    } else {
        &["{first}"]
    };
    let rule_questions = questions(ctx, &raw.questions, &who, placeholders);
    let options = options(ctx, &raw.options, &who);
    if raw.examples.must_match.is_empty() || raw.examples.must_not_match.is_empty() {
        ctx.push(
            &raw.id,
            format!("{who}: needs at least one `examples.match` and one `examples.no_match`"),
        );
    }
    let mut patterns = Vec::new();
    for p in &raw.patterns {
        match check(p.get_ref()) {
            Ok(checked) => {
                compiled.owners.push((compiled.rules.len(), patterns.len()));
                patterns.push(LazyRegex::checked(
                    p.get_ref().clone(),
                    raw.case_sensitive,
                    checked,
                ));
            }
            Err(e) => ctx.push(p, format!("{who}: {e}")),
        }
    }
    let mut exclude = Vec::new();
    for p in &raw.exclude {
        match check(p.get_ref()) {
            Ok(checked) => exclude.push(LazyRegex::checked(
                p.get_ref().clone(),
                raw.case_sensitive,
                checked,
            )),
            Err(e) => ctx.push(p, format!("{who}: in `exclude`: {e}")),
        }
    }
    let (examples_match, examples_no_match) = raw.examples.into_lists();
    let rule = Rule {
        id,
        family,
        summary: raw.summary,
        why: raw.why,
        patterns,
        exclude,
        // A message not given ("without ever being told that") is still the message asked for.
        negatable: raw.negatable && !raw.tells,
        when,
        unless,
        unless_fired: Vec::new(),
        signals,
        questions: rule_questions,
        options,
        examples_match,
        examples_no_match,
        location,
        follows: None,
        context: raw.context,
        reports: raw.reports,
        tells: raw.tells,
        default_audience: raw.default_audience,
        admin_tooling: raw.admin_tooling,
        stated_audience: raw.stated_audience,
        firm_layer: raw.firm_layer,
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
    who: &dyn std::fmt::Display,
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
    who: &dyn std::fmt::Display,
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
    id: &Spanned<String>,
    who: &dyn std::fmt::Display,
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
        // Not given at all: point at the rule.
        let msg = format!(
            "{who}: `signals` must name at least one concern (only a question cue, in the `questions` family, and a `tells` rule, which marks where a message's content starts, may have none)"
        );
        if raw.span().is_empty() {
            ctx.push(id, msg);
        } else {
            ctx.push(raw, msg);
        }
    }
    signals
}

/// A question cue (a rule of the `questions` family) asks and establishes nothing: it has
/// questions, and none of the keys that shape a reading (`signals`, even empty, `options`,
/// `context` and the audience and report flags). Every problem is reported, each at its key.
fn question_cue(ctx: &mut Ctx<'_>, raw: &RawRule, who: &dyn std::fmt::Display) {
    const CUE: &str = "a question cue (a rule in the `questions` family)";
    if !raw.signals.span().is_empty() {
        ctx.push(
            &raw.signals,
            format!("{who}: {CUE} establishes no concern: drop `signals`, or move the rule to the family of its concern"),
        );
    }
    if raw.questions.is_empty() {
        ctx.push(
            &raw.id,
            format!("{who}: {CUE} needs `questions`: asking is all it does"),
        );
    }
    let flags = [
        (!raw.options.is_empty(), "options"),
        (raw.context, "context"),
        (raw.default_audience, "default_audience"),
        (raw.stated_audience, "stated_audience"),
        (raw.admin_tooling, "admin_tooling"),
        (raw.firm_layer, "firm_layer"),
        (raw.reports, "reports"),
        (raw.tells, "tells"),
    ];
    for (_, key) in flags.iter().filter(|(set, _)| *set) {
        ctx.push(
            &raw.id,
            format!("{who}: {CUE} takes no `{key}`: it shapes a reading or a decision, and a cue reads nothing"),
        );
    }
}

/// The checks of a rule that marks where some content starts (`reports`: a document's reported
/// content; `tells`: a message a command is asked to give): it needs patterns of its own and
/// no conditions, since it marks that content wherever it matches.
fn marks_content(
    ctx: &mut Ctx<'_>,
    raw: &RawRule,
    who: &dyn std::fmt::Display,
    key: &str,
    content: &str,
) {
    if raw.patterns.is_empty() {
        ctx.push(
            &raw.id,
            format!("{who}: `{key}` needs `patterns` of its own: they mark where {content} starts"),
        );
    } else if !raw.when.is_empty() || !raw.unless.is_empty() {
        ctx.push(
            &raw.id,
            format!(
                "{who}: a `{key}` rule cannot have `when` or `unless`: it marks where {content} starts, wherever it matches"
            ),
        );
    }
}

/// The checks of a `tells` rule: it marks where a message's content starts, and reads nothing
/// itself (its own words lie in that content), nor reports a document.
fn tells_rule(ctx: &mut Ctx<'_>, raw: &RawRule, who: &dyn std::fmt::Display) {
    marks_content(ctx, raw, who, "tells", "a message's content");
    if !raw.signals.get_ref().is_empty() {
        ctx.push(
            &raw.signals,
            format!(
                "{who}: a `tells` rule takes no `signals`: it only marks where a message's content starts, and its own words lie in that content"
            ),
        );
    }
    if raw.reports {
        ctx.push(
            &raw.id,
            format!(
                "{who}: a rule cannot both `tells` and `reports`: a message a command is asked to give is not a document's reported content"
            ),
        );
    }
}

/// The checks of a `reports` rule: it marks where a document's reported content starts, and it
/// is the `gpu:none` cue that outweighs what it reports.
fn reports_rule(
    ctx: &mut Ctx<'_>,
    raw: &RawRule,
    signals: &[(Concern, f64)],
    who: &dyn std::fmt::Display,
) {
    marks_content(ctx, raw, who, "reports", "a document's reported content");
    if !signals
        .iter()
        .any(|(c, w)| c.kind == Kind::Gpu && c.id == "none" && *w > 0.0)
    {
        ctx.push(
            &raw.id,
            format!(
                "{who}: `reports` needs a `gpu:none` signal: a report of what a document says is itself the cue that the change is to the document, and only that cue can outweigh the GPU words it reports"
            ),
        );
    }
}
