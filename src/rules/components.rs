//! The DS01 component catalogue (`rules/components.toml`, family `components`): every thing a
//! user or the admin would name (commands and aliases, flags, config files, labels, daemons,
//! cron jobs and timers, scripts, services, dashboards), each with its layer, the tiers that
//! face it and its GPU relevance.
//!
//! A component is loaded as ordinary rules, so it is matched, validated, self-tested and
//! explained like any rule:
//! - `component-<id>` signals the component's layer, GPU relevance, principles and risks;
//!   its evidence names the component;
//! - `component-<id>-audience` signals the tiers that face it, only when the text names no user
//!   tier itself (`unless`), so a component never overrides who the text says it is for. Admin
//!   tools name the admin unconditionally: the admin operates them.
use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;

pub(crate) use super::model::RawComponent;
use super::model::{RawExamples, RawRule};

/// What kind of thing a component is; shown in explanations, checked at load.
pub(crate) const KINDS: &[&str] = &[
    "command",
    "flag",
    "config",
    "label",
    "daemon",
    "cron",
    "script",
    "service",
    "dashboard",
    "alert",
    "file",
    "library",
    "api",
    "variable",
];

fn spanned<T>(range: Range<usize>, value: T) -> Spanned<T> {
    Spanned::new(range, value)
}

const USER_TIERS: [&str; 2] = ["student", "researcher"];

/// Turn components into rules. Problems are (byte offset, message) in the component's file;
/// unknown concern ids are caught when the generated rules are validated.
pub(crate) fn expand(raw: Vec<RawComponent>) -> (Vec<RawRule>, Vec<(usize, String)>) {
    let mut rules = Vec::new();
    let mut problems = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for c in raw {
        let id = c.id.get_ref().clone();
        let at = c.id.span();
        let who = format!("component `{id}`");
        if seen.insert(id.clone(), at.start).is_some() {
            problems.push((at.start, format!("duplicate component id `{id}`")));
            continue;
        }
        if !KINDS.contains(&c.kind.get_ref().as_str()) {
            problems.push((
                c.kind.span().start,
                format!(
                    "{who}: unknown kind `{}`: expected one of {}",
                    c.kind.get_ref(),
                    KINDS.join(", ")
                ),
            ));
        }
        if c.names.is_empty() {
            problems.push((
                at.start,
                format!("{who}: `names` must list at least one regex"),
            ));
        }
        let mut signals = BTreeMap::new();
        if let Some(l) = &c.layer {
            signals.insert(format!("layer:{}", l.get_ref()), 1.0);
        } else if !c.also_layers.is_empty() {
            problems.push((at.start, format!("{who}: `also_layers` needs `layer`")));
        }
        for l in &c.also_layers {
            signals.insert(format!("layer:{}", l.get_ref()), 1.0);
        }
        if let Some(g) = &c.gpu {
            if g.get_ref() == "none" {
                problems.push((
                    g.span().start,
                    format!("{who}: leave `gpu` out when the component has no GPU relevance"),
                ));
            } else {
                let w = c.gpu_weight.unwrap_or(1.0);
                signals.insert(format!("gpu:{}", g.get_ref()), w);
            }
        } else if c.gpu_weight.is_some() {
            problems.push((at.start, format!("{who}: `gpu_weight` needs `gpu`")));
        }
        for p in &c.principles {
            signals.insert(format!("supports:{}", p.get_ref()), 1.0);
        }
        for r in &c.risks {
            signals.insert(format!("risk:{}", r.get_ref()), 1.0);
        }
        let mut user_tiers = BTreeMap::new();
        for t in &c.tiers {
            match t.get_ref().as_str() {
                "admin" => {
                    signals.insert("tier:admin".to_owned(), 1.0);
                }
                u if USER_TIERS.contains(&u) => {
                    user_tiers.insert(format!("tier:{u}"), 1.0);
                }
                other => problems.push((
                    t.span().start,
                    format!("{who}: unknown tier `{other}`: expected student, researcher or admin"),
                )),
            }
        }
        if c.admin_tooling
            && (!c.tiers.iter().any(|t| t.get_ref() == "admin") || !user_tiers.is_empty())
        {
            problems.push((
                at.start,
                format!("{who}: `admin_tooling` needs `tiers = [\"admin\"]`: the admin's own tooling faces the admin only"),
            ));
        }
        if c.firm_layer && c.layer.is_none() {
            problems.push((
                at.start,
                format!(
                    "{who}: `firm_layer` needs `layer`: it keeps the layer the component is in"
                ),
            ));
        }
        if signals.is_empty() && user_tiers.is_empty() {
            problems.push((
                at.start,
                format!(
                    "{who}: give at least one of `layer`, `tiers`, `gpu`, `principles`, `risks`"
                ),
            ));
            continue;
        }
        let kind = c.kind.get_ref().clone();
        let layer = c
            .layer
            .as_ref()
            .map_or_else(|| "outside the layers".to_owned(), |l| l.get_ref().clone());
        let make = |rule_id: String,
                    summary: String,
                    signals: BTreeMap<String, f64>,
                    unless: Vec<Spanned<String>>,
                    follows: Option<String>| RawRule {
            id: spanned(at.clone(), rule_id),
            summary,
            why: format!(
                "DS01 component catalogue: `{id}` is a {kind} ({layer}). Naming it places the proposal there."
            ),
            // An audience rule shares its component rule's hits: no patterns of its own.
            patterns: if follows.is_some() {
                Vec::new()
            } else {
                c.names.clone()
            },
            exclude: if follows.is_some() {
                Vec::new()
            } else {
                c.exclude.clone()
            },
            case_sensitive: c.case_sensitive,
            // Naming a component places the proposal, negated or not: "I don't want project
            // init creating a repo" is about project init. Its audience rule may still yield.
            negatable: follows.is_some(),
            when: Vec::new(),
            unless,
            unless_fired: Vec::new(),
            signals: spanned(at.clone(), signals),
            questions: Vec::new(),
            options: Vec::new(),
            examples: RawExamples {
                must_match: c.examples.must_match.clone(),
                must_not_match: c.examples.must_not_match.clone(),
            },
            context: true,
            reports: false,
            tells: false,
            // A component's audience is what the text says by naming it only when it names
            // no user tier: a default that yields to the admin's tooling.
            default_audience: follows.is_some(),
            admin_tooling: c.admin_tooling && follows.is_none(),
            stated_audience: false,
            firm_layer: c.firm_layer && follows.is_none() && c.layer.is_some(),
            follows: follows.map(|f| spanned(at.clone(), f)),
        };
        let main = format!("component-{id}");
        // The audience rule follows the component rule, which must exist even when the
        // component signals nothing but its tiers.
        rules.push(make(
            main.clone(),
            format!("names `{id}` ({kind}): {}", c.summary.trim()),
            signals,
            Vec::new(),
            None,
        ));
        if !user_tiers.is_empty() {
            let unless = USER_TIERS
                .iter()
                .map(|t| spanned(at.clone(), format!("tier:{t}")))
                .collect();
            rules.push(make(
                format!("component-{id}-audience"),
                format!("`{id}` faces its users; the text names no user tier"),
                user_tiers,
                unless,
                Some(main),
            ));
        }
    }
    (rules, problems)
}
