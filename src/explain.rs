//! `ds01-pm explain`: resolve a topic (a prose topic, a label, a rule id, a check code or a
//! backlog finding code) to the data that explains it. The text comes from the rule files, the
//! check registry and the backlog code registry; rendering is `report::explain`.
use serde::Serialize;

use crate::diag::backlog::{CODES, CodeInfo};
use crate::diag::check::{CHECKS, CheckInfo};
use crate::error::Error;
use crate::rules::{Family, GenericQuestion, Label, Rule, RuleSet, Topic, TopicList};
use crate::taxonomy::Kind;

/// Version of the JSON shape of `explain`.
pub const SCHEMA_VERSION: u32 = 1;

/// What a topic resolved to.
#[derive(Debug)]
pub enum Explanation<'a> {
    /// A prose topic of `rules/topics.toml`, with the registries it lists.
    Topic {
        topic: &'a Topic,
        lists: Vec<Listing>,
    },
    /// A taxonomy label (layer, tier, GPU value, principle, risk, question dimension).
    Label {
        label: &'a Label,
        /// Rules whose signals can establish it.
        rules: Vec<RuleRef>,
        /// For a dimension: the framework questions asked in it.
        framework: Vec<&'a GenericQuestion>,
    },
    /// A rule, by id, and the rule it `follows` (whose hits it shares), if any.
    Rule(&'a Rule, Option<&'a Rule>),
    /// A check of `ds01-pm check`, by code or name.
    Check(&'static CheckInfo),
    /// A finding code of a backlog file (`score --check`), by code or name.
    BacklogCheck(&'static CodeInfo),
}

/// A rule that can produce a label, and how.
#[derive(Debug, Clone, Serialize)]
pub struct RuleRef {
    pub id: String,
    pub summary: String,
    /// `kind:id` of the signal, e.g. `strains:gpu-efficiency`.
    pub signal: String,
    pub weight: f64,
    /// Fires only after other concerns are established (`when` / `unless`).
    pub inferred: bool,
}

/// One registry listed by a topic, or one group of the topic index.
#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    pub list: String,
    pub title: String,
    pub items: Vec<Item>,
}

/// One entry of a listing.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: String,
    pub name: String,
    pub summary: String,
}

/// The kind name of a label, as shown and in JSON.
pub fn label_kind(family: Family) -> &'static str {
    match family {
        Family::Layers => "layer",
        Family::Tiers => "tier",
        Family::Gpu => "gpu-impact",
        Family::Principles => "principle",
        Family::Risks => "risk",
        Family::Questions => "dimension",
        Family::Size | Family::Topics | Family::Components | Family::Inference | Family::Extra => {
            "label"
        }
    }
}

/// Label families in the order the index shows them.
const LABEL_FAMILIES: [(Family, &str); 6] = [
    (Family::Layers, "Layers"),
    (Family::Tiers, "User tiers"),
    (Family::Gpu, "GPU impact"),
    (Family::Principles, "Principles"),
    (Family::Risks, "Risks"),
    (Family::Questions, "Question dimensions"),
];

fn label_items(set: &RuleSet, family: Family) -> Vec<Item> {
    // Fixed taxonomies keep their documented order (L0..L4, the five dimensions); risks, which
    // are open-ended, follow the rule files.
    let mut labels: Vec<&Label> = set.labels_of(family).collect();
    labels.sort_by(|a, b| {
        (&*a.location.file, a.location.line).cmp(&(&*b.location.file, b.location.line))
    });
    labels
        .into_iter()
        .map(|l| Item {
            id: l.id.clone(),
            name: l.name.clone(),
            summary: l.description.clone(),
        })
        .collect()
}

/// A registry of finding codes as listing items: `fields` gives each entry's code, name and
/// summary.
fn code_items<T>(registry: &[T], fields: impl Fn(&T) -> [&str; 3]) -> Vec<Item> {
    registry
        .iter()
        .map(|c| {
            let [id, name, summary] = fields(c);
            Item {
                id: id.to_owned(),
                name: name.to_owned(),
                summary: summary.to_owned(),
            }
        })
        .collect()
}

fn check_items() -> Vec<Item> {
    code_items(CHECKS, |c| [c.code, c.name, c.summary])
}

fn backlog_check_items() -> Vec<Item> {
    code_items(CODES, |c| [c.code, c.name, c.summary])
}

fn listing(set: &RuleSet, list: TopicList) -> Listing {
    let family = |f: Family| {
        let title = LABEL_FAMILIES
            .iter()
            .find(|(g, _)| *g == f)
            .map_or("", |(_, t)| *t);
        (title.to_owned(), label_items(set, f))
    };
    let (title, items) = match list {
        TopicList::Layers => family(Family::Layers),
        TopicList::Tiers => family(Family::Tiers),
        TopicList::Gpu => family(Family::Gpu),
        TopicList::Principles => family(Family::Principles),
        TopicList::Risks => family(Family::Risks),
        TopicList::Dimensions => family(Family::Questions),
        TopicList::FrameworkQuestions => (
            "Framework questions, asked of every proposal".to_owned(),
            set.generic_questions
                .iter()
                .map(|q| Item {
                    id: q.id.clone(),
                    name: q.question.dimension.to_string(),
                    summary: q.question.text.to_string(),
                })
                .collect(),
        ),
        TopicList::Bands => (
            "Bands".to_owned(),
            set.bands
                .iter()
                .map(|b| Item {
                    id: b.size.clone(),
                    name: b
                        .max_points
                        .map_or_else(|| "above".to_owned(), |m| format!("up to {m} points")),
                    summary: b.description.clone(),
                })
                .collect(),
        ),
        TopicList::Checks => ("Checks".to_owned(), check_items()),
        TopicList::BacklogChecks => ("Backlog checks".to_owned(), backlog_check_items()),
    };
    Listing {
        list: list.name().to_owned(),
        title,
        items,
    }
}

/// Every topic, grouped by kind: prose topics, each label family, rules, proposal checks,
/// backlog checks.
pub fn index(set: &RuleSet) -> Vec<Listing> {
    let mut out = vec![Listing {
        list: "topics".into(),
        title: "Topics".into(),
        items: set
            .topics
            .iter()
            .map(|t| Item {
                id: t.id.clone(),
                name: t.name.clone(),
                summary: t.summary.clone(),
            })
            .collect(),
    }];
    for (family, title) in LABEL_FAMILIES {
        out.push(Listing {
            list: label_kind(family).to_owned(),
            title: title.to_owned(),
            items: label_items(set, family),
        });
    }
    out.push(Listing {
        list: "rule".into(),
        title: "Rules".into(),
        items: set
            .rules
            .iter()
            .map(|r| Item {
                id: r.id.clone(),
                name: r.family.name().to_owned(),
                summary: r.summary.clone(),
            })
            .collect(),
    });
    out.push(Listing {
        list: "check".into(),
        title: "Proposal checks (finding codes of `check`)".into(),
        items: check_items(),
    });
    out.push(Listing {
        list: "backlog-check".into(),
        title: "Backlog checks (finding codes of `score --check`)".into(),
        items: backlog_check_items(),
    });
    out
}

/// The rules whose signals can establish a label (both `supports:` and `strains:` for a
/// principle), in rule order.
fn producing_rules(set: &RuleSet, label: &Label) -> Vec<RuleRef> {
    let mut out = Vec::new();
    for r in &set.rules {
        for (c, w) in &r.signals {
            if Family::of_kind(c.kind) == label.family && c.id == label.id {
                out.push(RuleRef {
                    id: r.id.clone(),
                    summary: r.summary.clone(),
                    signal: c.to_string(),
                    weight: *w,
                    inferred: r.is_conditional(),
                });
            }
        }
    }
    // Supporting evidence before straining evidence for principles; otherwise rule order.
    out.sort_by_key(|r| r.signal.starts_with(Kind::Strains.prefix()));
    out
}

/// Resolve a topic, case-insensitively: a prose topic (or alias), a label id, a rule id, a
/// check code or name, a backlog finding code or name. Unknown topics are an error with a "did you mean".
pub fn resolve<'a>(set: &'a RuleSet, key: &str) -> Result<Explanation<'a>, Error> {
    let key = key.trim();
    if let Some(topic) = set.topic(key) {
        let lists = topic.lists.iter().map(|l| listing(set, *l)).collect();
        return Ok(Explanation::Topic { topic, lists });
    }
    if let Some(label) = set.labels.values().find(|l| l.id.eq_ignore_ascii_case(key)) {
        let framework = if label.family == Family::Questions {
            set.generic_questions
                .iter()
                .filter(|q| q.question.dimension == label.id)
                .collect()
        } else {
            Vec::new()
        };
        let rules = if label.family == Family::Questions {
            Vec::new()
        } else {
            producing_rules(set, label)
        };
        return Ok(Explanation::Label {
            label,
            rules,
            framework,
        });
    }
    if let Some(rule) = set.rules.iter().find(|r| r.id.eq_ignore_ascii_case(key)) {
        return Ok(Explanation::Rule(rule, rule.follows.map(|f| &set.rules[f])));
    }
    if let Some(check) = crate::diag::check::find(key) {
        return Ok(Explanation::Check(check));
    }
    if let Some(code) = crate::diag::backlog::find(key) {
        return Ok(Explanation::BacklogCheck(code));
    }
    Err(unknown(set, key))
}

fn unknown(set: &RuleSet, key: &str) -> Error {
    let names: Vec<&str> = set
        .topics
        .iter()
        .flat_map(|t| std::iter::once(t.id.as_str()).chain(t.aliases.iter().map(String::as_str)))
        .chain(set.labels.values().map(|l| l.id.as_str()))
        .chain(set.rules.iter().map(|r| r.id.as_str()))
        .chain(CHECKS.iter().flat_map(|c| [c.code, c.name]))
        .chain(CODES.iter().flat_map(|c| [c.code, c.name]))
        .collect();
    let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    let suggestion =
        crate::text::did_you_mean(&key.to_ascii_lowercase(), lower.iter().map(String::as_str))
            .and_then(|s| lower.iter().position(|l| l == s))
            .map(|i| names[i]);
    let list = "run 'ds01-pm explain' for the list";
    let hint = match suggestion {
        Some(s) => format!("did you mean '{s}'? {list}"),
        None => list.to_owned(),
    };
    Error::invalid(format!("unknown topic '{key}'"), Some(&hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_every_kind_case_insensitively() {
        let set = crate::rules::defaults().expect("defaults");
        assert!(
            matches!(resolve(set, "l3"), Ok(Explanation::Label { label, .. }) if label.id == "L3")
        );
        assert!(
            matches!(resolve(set, "RICE"), Ok(Explanation::Topic { topic, .. }) if topic.id == "rice")
        );
        assert!(
            matches!(resolve(set, "framework"), Ok(Explanation::Topic { topic, .. }) if topic.id == "questions")
        );
        assert!(matches!(resolve(set, "p201"), Ok(Explanation::Check(c)) if c.code == "P201"));
        assert!(
            matches!(resolve(set, "b011"), Ok(Explanation::BacklogCheck(c)) if c.code == "B011")
        );
        assert!(
            matches!(resolve(set, "no-items"), Ok(Explanation::BacklogCheck(c)) if c.code == "B012")
        );
        assert!(
            matches!(resolve(set, "GPU-MIG"), Ok(Explanation::Rule(r, None)) if r.id == "gpu-mig")
        );
        let err = resolve(set, "L9").expect_err("unknown");
        assert_eq!(err.to_string(), "unknown topic 'L9'");
        assert!(err.hint().expect("hint").starts_with("did you mean 'L"));
    }

    #[test]
    fn a_principle_lists_supporting_before_straining_rules() {
        let set = crate::rules::defaults().expect("defaults");
        let Ok(Explanation::Label { rules, .. }) = resolve(set, "gpu-efficiency") else {
            panic!("label");
        };
        let first_strain = rules
            .iter()
            .position(|r| r.signal.starts_with("strains:"))
            .expect("some rule strains it");
        assert!(first_strain > 0);
        assert!(
            rules[first_strain..]
                .iter()
                .all(|r| r.signal.starts_with("strains:"))
        );
    }
}
