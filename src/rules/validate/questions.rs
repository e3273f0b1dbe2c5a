//! Questions (generic `[[question]]`s and those of labels and rules) and design options.
use super::Ctx;
use crate::rules::model::{RawOption, RawQuestion};
use crate::rules::{DesignOption, GenericQuestion, LazyRegex, Question};
use crate::taxonomy;
use crate::text::did_you_mean;

pub(super) fn generic_questions(
    ctx: &mut Ctx<'_>,
    raw: Vec<RawQuestion>,
    out: &mut Vec<GenericQuestion>,
) {
    for q in raw {
        let Some(id) = &q.id else {
            ctx.push(&q.dimension, "a generic `[[question]]` needs an `id`");
            continue;
        };
        let what = format!("question `{}`", id.get_ref());
        let location = ctx.location(id);
        let answered_if = q.answered_if.as_ref().and_then(|re| {
            match super::check_regex(re.get_ref(), false, ctx.src.embedded) {
                Ok(_) => Some(LazyRegex::new(re.get_ref().clone(), false)),
                Err(e) => {
                    ctx.push(re, format!("{what}: `answered_if`: {e}"));
                    None
                }
            }
        });
        let (examples_answered, examples_open) = match (&q.answered_if, &q.examples) {
            (_, None) => (Vec::new(), Vec::new()),
            (None, Some(ex)) => {
                ctx.push(
                    ex,
                    format!("{what}: `examples` test `answered_if`, which it does not have"),
                );
                (Vec::new(), Vec::new())
            }
            (Some(_), Some(ex)) => ex.get_ref().clone().into_lists(),
        };
        if q.answered_if.is_some() && examples_answered.is_empty() {
            ctx.push(
                id,
                format!(
                    "{what}: `answered_if` needs `examples.match` (texts that answer the \
                     question) to prove it"
                ),
            );
        }
        if let Some(question) = questions(ctx, std::slice::from_ref(&q), &what, &[]).pop() {
            out.push(GenericQuestion {
                id: id.get_ref().clone(),
                question,
                answered_if,
                examples_answered,
                examples_open,
                location,
            });
        }
    }
}

pub(super) fn options(
    ctx: &mut Ctx<'_>,
    raw: &[RawOption],
    who: &dyn std::fmt::Display,
) -> Vec<DesignOption> {
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

/// The questions of a generic `[[question]]`, a label or a rule. A rule's may cite what it
/// matched with `{first}`; no other text has a placeholder to fill.
pub(super) fn questions(
    ctx: &mut Ctx<'_>,
    raw: &[RawQuestion],
    who: &dyn std::fmt::Display,
    placeholders: &[&str],
) -> Vec<Question> {
    let mut out = Vec::new();
    for q in raw {
        if q.id.is_none() {
            if let Some(re) = &q.answered_if {
                ctx.push(
                    re,
                    format!("{who}: only a generic `[[question]]` can have `answered_if`"),
                );
            }
            if let Some(ex) = &q.examples {
                ctx.push(
                    ex,
                    format!("{who}: only a generic `[[question]]` can have `examples`"),
                );
            }
        }
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
        if let Some(bad) = super::unknown_placeholder(&q.text, placeholders) {
            let hint = if placeholders.is_empty() {
                "only the questions of a rule with patterns have one ({first}, the text the rule matched)".to_owned()
            } else {
                format!(
                    "use {} (the text the rule matched)",
                    placeholders.join(" or ")
                )
            };
            ctx.push(
                &q.dimension,
                format!("{who}: unknown placeholder `{bad}` in a question: {hint}"),
            );
            continue;
        }
        let text = q.text.trim().to_owned();
        out.push(Question::new(dim.clone(), p, text));
    }
    out
}
