//! Concern inference, run to a fixed point.
//!
//! Conditional rules (`when`, `unless`) fire on what is already established. `when` is checked
//! against everything established so far, including what earlier inferences added, so
//! inference chains (a GPU allocation change with no layer named → L0 → ...). `unless` is
//! checked only against the concerns the text itself established (the unconditional pattern
//! rules; then, stratum 1, the audiences of the components it names, which depend on the
//! pattern rules alone; then, stratum 2, the audiences it states where no tier is named,
//! `stated_audience` rules such as "my container", which depend on strata 0 and 1 alone),
//! never against inferred ones (and `unless_fired` only against the pattern rules that
//! matched); for a tier, only against the tiers the text or its components
//! name or state, not the generic default audiences (first person, "containers"), which are
//! guesses. So every rule only adds, the set of established
//! concerns only grows, and the result is the same in whatever order the rules are tried: the
//! least fixed point. Each rule fires at most once, so the loop ends after at most one round
//! per rule.
//!
//! Default audiences (a rule with `default_audience`) do not fire at all when the text names
//! the admin's own tooling and no user tier (see `admin_tooling_decides`): that is decided on
//! the pattern hits before any rule here runs, so it does not depend on order either.
use std::collections::BTreeMap;

use super::{Evidence, RuleHit, Scores, hit_evidence};
use crate::rules::RuleSet;
use crate::taxonomy::{Concern, Kind};

pub(super) fn run(
    set: &RuleSet,
    text: &str,
    spans: &BTreeMap<usize, Vec<(usize, usize)>>,
    scores: &mut Scores,
    hits: &mut Vec<RuleHit>,
    // The admin's own tooling decides the audience: default audiences do not fire.
    yielding: bool,
) {
    let conditional = set.conditional_rules();
    // Per conditional rule (by its place in `conditional`), whether it has fired.
    let mut fired = vec![false; conditional.len()];
    // Rules whose hits count so far (pattern rules, then each round's), for `follows`.
    let mut hit: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, h) in hits.iter().enumerate() {
        hit.insert(h.rule, i);
    }
    // Stratum 1: the audiences of the components the text names, and any rule that only
    // `follows` a pattern rule without conditions of its own (it fires where that rule fired:
    // the text's own words). They depend only on the pattern rules, and the audiences count
    // as the text's own word on whom a change is for, so the
    // generic defaults ("I", "containers", a user command → students and researchers) yield
    // to them: a change to the jobs runner written in the first person is a researcher's.
    let from_patterns = scores.established(set);
    let mut audiences = Vec::new();
    for (k, &r) in conditional.iter().enumerate() {
        let rule = &set.rules[r];
        let Some(f) = rule.follows else { continue };
        if (yielding && rule.default_audience)
            || !rule.when.is_empty()
            || rule.unless.iter().any(|c| from_patterns.contains(c))
        {
            continue;
        }
        if let Some(&i) = hit.get(&f) {
            fired[k] = true;
            audiences.push(RuleHit {
                rule: r,
                evidence: hits[i].evidence.clone(),
            });
        }
    }
    commit(set, scores, &mut hit, hits, audiences);
    // Stratum 2: the audiences the text states in so many words but only where no tier is
    // named (`stated_audience`: "my container"; whose it is yields to a named tier or a
    // component's audience). They too are the text's own word on whom a change is for, so
    // they block the inferences about the audience below (a user's own container on the
    // host is the user's request, not the admin's chore) and the generic defaults of the
    // same tiers. They depend only on strata 0 and 1.
    let named = scores.named_tiers(set);
    let mut stated = Vec::new();
    for (k, &r) in conditional.iter().enumerate() {
        let rule = &set.rules[r];
        if fired[k] || !rule.stated_audience || rule.unless.iter().any(|c| named.contains(c)) {
            continue;
        }
        if let Some(sp) = spans.get(&r) {
            fired[k] = true;
            stated.push(RuleHit {
                rule: r,
                evidence: hit_evidence(rule, text, sp),
            });
        }
    }
    commit(set, scores, &mut hit, hits, stated);
    let from_text = scores.established(set);
    // A tier in `unless` is one the text names (or a named component faces): the generic
    // default audiences are guesses and do not block an inference about the audience.
    let named = scores.named_tiers(set);
    let blocks = |c: &Concern| {
        if c.kind == Kind::Tier {
            named.contains(c)
        } else {
            from_text.contains(c)
        }
    };
    loop {
        let now = scores.established(set);
        let mut round = Vec::new();
        for (k, &r) in conditional.iter().enumerate() {
            let rule = &set.rules[r];
            if fired[k] || (yielding && rule.default_audience) {
                continue;
            }
            let when_ok = rule.when.is_empty() || rule.when.iter().any(|c| now.contains(c));
            // `unless_fired` names pattern rules only (validated), which enter `hit` from the
            // text's own words and never from a round: it too only keeps a rule from adding.
            let unless_ok = !rule.unless.iter().any(&blocks)
                && !rule.unless_fired.iter().any(|(r, _)| hit.contains_key(r));
            if !(when_ok && unless_ok) {
                continue;
            }
            let evidence = if let Some(f) = rule.follows {
                // A rule that only follows another (a component's audience): the other's own
                // hits, if it fired. (A rule with patterns that follows another is no
                // conditional rule: its hits include the other's from the pattern pass.)
                match hit.get(&f) {
                    Some(&i) => hits[i].evidence.clone(),
                    None => continue,
                }
            } else if rule.patterns.is_empty() {
                vec![Evidence {
                    rule: rule.id.as_str().into(),
                    matched: "".into(),
                    span: None,
                    weight: 0.0,
                    inferred_from: rule
                        .when
                        .iter()
                        .filter(|c| now.contains(c))
                        .map(ToString::to_string)
                        .collect(),
                    neighbours: Vec::new(),
                    words: Vec::new(),
                }]
            } else if let Some(sp) = spans.get(&r) {
                hit_evidence(rule, text, sp)
            } else {
                continue;
            };
            fired[k] = true;
            round.push(RuleHit { rule: r, evidence });
        }
        if round.is_empty() {
            break;
        }
        commit(set, scores, &mut hit, hits, round);
    }
}

/// Count the hits of one stratum or round: their signals into `scores`, the hits themselves
/// into `hits` (and `hit`, rule → its place, for `follows`).
fn commit(
    set: &RuleSet,
    scores: &mut Scores,
    hit: &mut BTreeMap<usize, usize>,
    hits: &mut Vec<RuleHit>,
    round: Vec<RuleHit>,
) {
    for h in &round {
        scores.add(h.rule, &set.rules[h.rule], &h.evidence);
    }
    for h in round {
        hit.insert(h.rule, hits.len());
        hits.push(h);
    }
}
