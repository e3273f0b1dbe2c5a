//! File-wide settings: the `threshold`, size `[[band]]`s, `[negation]` cues and `[direction]`.
use std::collections::BTreeMap;

use toml::Spanned;

use super::{Ctx, check_regex};
use crate::rules::model::{RawBand, RawNegation};
use crate::rules::{Band, Family, Negation};
use crate::taxonomy::{self, Kind};

pub(super) fn threshold(
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

pub(super) fn size_bands(ctx: &mut Ctx<'_>, raw: Vec<RawBand>, bands: &mut Vec<Band>) {
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

pub(super) fn negation(ctx: &mut Ctx<'_>, n: RawNegation, negation: &mut Option<Negation>) {
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
        Ok(_) => match Negation::new(n.cues.get_ref(), n.window) {
            Ok(cues) => *negation = Some(cues),
            Err(e) => ctx.push(&n.cues, format!("negation cues: {e}")),
        },
        Err(e) => ctx.push(&n.cues, format!("negation cues: {e}")),
    }
}

pub(super) fn direction(
    ctx: &mut Ctx<'_>,
    d: Spanned<crate::rules::direction::RawDirection>,
    direction: &mut Option<crate::rules::Direction>,
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
        .chain(raw.proposal.as_ref())
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
    *direction = Some(crate::rules::Direction::from_raw(raw, location));
}

pub(super) fn bands_present(bands: &[Band], problems: &mut Vec<String>) {
    if bands.is_empty() {
        problems.push(
            "rules: no `[[band]]` entries: the `size` family must define the t-shirt bands".into(),
        );
    }
}
