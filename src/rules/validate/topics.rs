//! `[[topic]]` entries and their cross-references to labels, rules and checks.
use std::collections::BTreeMap;

use toml::Spanned;

use super::{Ctx, RULE_ID, ctx_for};
use crate::rules::model::RawTopic;
use crate::rules::{Family, Label, Location, Source, Topic, TopicList};
use crate::text::did_you_mean;

pub(super) fn topics(
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

/// The names a topic must not shadow and a `see_also` may lead to.
pub(super) struct Names<'r> {
    /// Topic name (id or alias) -> (topic id, `file:line:col` where it is defined).
    pub(super) topics: &'r BTreeMap<String, (String, String)>,
    pub(super) labels: &'r BTreeMap<(Family, String), Label>,
    pub(super) rule_ids: &'r BTreeMap<String, Location>,
}

/// Topic names must not shadow a label or rule id, and `see_also` must lead somewhere.
pub(super) fn cross_references(
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
