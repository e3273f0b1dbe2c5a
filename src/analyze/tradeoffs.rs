//! Trade-offs of the design choices a proposal raises: for each fired rule that lists options
//! (as `adr` uses them), what each option supports and strains, its effort and admin burden
//! (from `rules/tradeoffs.toml`), and one recommendation with its reason. Pure data for the
//! reports of `analyze`.
use serde::Serialize;

use crate::rules::{Rule, RuleSet};

/// One option of a design choice, with its trade-offs.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OptionRow {
    pub name: String,
    /// Principle ids; empty when the rules do not assess the option.
    pub supports: Vec<String>,
    pub strains: Vec<String>,
    /// `XS` to `XL`, when assessed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effort: Option<String>,
    /// `none`, `low`, `medium` or `high`, when assessed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_burden: Option<String>,
    pub good: Vec<String>,
    pub bad: Vec<String>,
}

/// The option to start from, and why.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Recommendation {
    pub option: String,
    pub reason: String,
}

/// The options of one design choice.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TradeOff {
    /// The rule that raised the choice.
    pub rule: String,
    /// What the choice is about (the rule's summary).
    pub choice: String,
    pub options: Vec<OptionRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<Recommendation>,
}

fn rank(list: &[&str], value: Option<&str>) -> usize {
    value
        .and_then(|v| list.iter().position(|x| *x == v))
        .unwrap_or(list.len())
}

fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The trade-off tables of the fired rules that list options, in rule order.
pub fn build(set: &RuleSet, fired: &[&Rule]) -> Vec<TradeOff> {
    let efforts = crate::rules::EFFORTS;
    let burdens = crate::rules::BURDENS;
    fired
        .iter()
        .filter(|r| !r.options.is_empty())
        .map(|rule| {
            let options: Vec<OptionRow> = rule
                .options
                .iter()
                .map(|o| {
                    let a = set
                        .tradeoffs
                        .iter()
                        .find(|t| t.rule == rule.id && t.option == o.name);
                    OptionRow {
                        name: o.name.clone(),
                        supports: a.map(|a| a.supports.clone()).unwrap_or_default(),
                        strains: a.map(|a| a.strains.clone()).unwrap_or_default(),
                        effort: a.map(|a| a.effort.clone()),
                        admin_burden: a.map(|a| a.admin_burden.clone()),
                        good: o.good.clone(),
                        bad: o.bad.clone(),
                    }
                })
                .collect();
            // Fewest strained principles first, then the cheapest to build and to run.
            let best = options
                .iter()
                .enumerate()
                .filter(|(_, o)| o.effort.is_some())
                .min_by_key(|(i, o)| {
                    (
                        o.strains.len(),
                        rank(efforts, o.effort.as_deref()) + rank(burdens, o.admin_burden.as_deref()),
                        *i,
                    )
                })
                .map(|(_, o)| o);
            let recommendation = best.map(|o| {
                let cost = format!(
                    "effort {}, admin burden {}",
                    o.effort.as_deref().unwrap_or("?"),
                    o.admin_burden.as_deref().unwrap_or("?")
                );
                let keeps = if o.supports.is_empty() {
                    String::new()
                } else {
                    format!("; it keeps {}", join(&o.supports))
                };
                let reason = if o.strains.is_empty() {
                    format!("of the options that strain no principle, it is the cheapest ({cost}){keeps}")
                } else {
                    format!(
                        "of the options, it strains the fewest principles ({}), and it is the cheapest of those ({cost}){keeps}",
                        join(&o.strains)
                    )
                };
                Recommendation {
                    option: o.name.clone(),
                    reason,
                }
            });
            TradeOff {
                rule: rule.id.clone(),
                choice: rule.summary.clone(),
                options,
                recommendation,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_kept_alive_container_gets_a_table_and_a_recommendation() {
        let set = crate::rules::defaults().expect("rules");
        let a = crate::analyze::analyze(
            set,
            "Let students keep a container running over the weekend for long training jobs",
        );
        let t = a
            .tradeoffs
            .iter()
            .find(|t| t.rule == "principle-ephemeral-strained")
            .expect("the keep-alive choice");
        assert_eq!(t.options.len(), 3);
        assert!(t.options.iter().all(|o| o.effort.is_some()));
        let r = t.recommendation.as_ref().expect("a recommendation");
        assert!(r.option.starts_with("Checkpoint"), "{r:?}");
        assert!(
            r.reason.starts_with(
                "of the options that strain no principle, it is the cheapest (effort S"
            ),
            "{r:?}"
        );
    }

    #[test]
    fn every_option_of_the_default_rules_is_assessed() {
        let set = crate::rules::defaults().expect("rules");
        for rule in set.rules.iter().filter(|r| !r.options.is_empty()) {
            for o in &rule.options {
                assert!(
                    set.tradeoffs
                        .iter()
                        .any(|t| t.rule == rule.id && t.option == o.name),
                    "rules/tradeoffs.toml does not assess option `{}` of rule `{}`",
                    o.name,
                    rule.id
                );
            }
        }
    }
}
