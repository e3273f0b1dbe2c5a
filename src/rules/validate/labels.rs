//! `[[label]]` entries of the fixed families and of risks, and the taxonomy's completeness.
use std::collections::BTreeMap;

use super::questions::questions;
use super::{Ctx, RULE_ID, fixed_ids};
use crate::rules::model::RawLabel;
use crate::rules::{Family, Label};
use crate::text::did_you_mean;

pub(super) fn labels(
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
        let questions = questions(ctx, &raw.questions, &super::Who("label", &id), &[]);
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

/// Completeness of the taxonomy: every fixed id needs its prose and questions.
pub(super) fn taxonomy_complete(
    labels: &BTreeMap<(Family, String), Label>,
    problems: &mut Vec<String>,
) {
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
