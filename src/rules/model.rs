//! Raw rule files as written on disk. Nothing here is validated beyond TOML structure; the
//! validated, compiled form is [`super::RuleSet`].
use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// One `rules/<family>.toml` file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(crate) struct RuleFile {
    /// Which family this file holds: layers, tiers, gpu, principles, risks, questions, size, or
    /// `extra` for site-specific additions.
    pub(crate) family: Spanned<String>,
    /// Evidence a concern needs before it is reported (sum of rule weights). Default 1.0.
    #[serde(default)]
    pub(crate) threshold: Option<Spanned<f64>>,
    /// Taxonomy entries this family defines (name, description, questions).
    #[serde(default)]
    pub(crate) label: Vec<RawLabel>,
    /// Pattern and inference rules.
    #[serde(default)]
    pub(crate) rule: Vec<RawRule>,
    /// Generic framework questions, asked of every proposal.
    #[serde(default)]
    pub(crate) question: Vec<RawQuestion>,
    /// T-shirt bands (only in the `size` family).
    #[serde(default)]
    pub(crate) band: Vec<RawBand>,
    /// Negation cues; at most one file of a rule set may define them.
    #[serde(default)]
    pub(crate) negation: Option<RawNegation>,
    /// Prose topics for `ds01-pm explain` (RICE, the question framework, overviews).
    #[serde(default)]
    pub(crate) topic: Vec<RawTopic>,
    /// DS01 components (only in the `components` family), loaded as rules.
    #[serde(default)]
    pub(crate) component: Vec<super::components::RawComponent>,
    /// Direction cues: relaxing or tightening the limit behind a principle.
    #[serde(default)]
    pub(crate) direction: Option<Spanned<super::direction::RawDirection>>,
}

/// A taxonomy entry: `L0`, `student`, `mig`, `gpu-efficiency`, `data-loss`, `technical`, ...
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(crate) struct RawLabel {
    pub(crate) id: Spanned<String>,
    pub(crate) name: String,
    pub(crate) description: String,
    /// Points toward the t-shirt size when this label is established.
    #[serde(default)]
    pub(crate) size: f64,
    /// Longer prose for `ds01-pm explain`: what belongs here, what does not, examples.
    #[serde(default)]
    pub(crate) details: Option<Spanned<String>>,
    /// Questions asked whenever this label is established (for principles: when strained).
    #[serde(default)]
    pub(crate) questions: Vec<RawQuestion>,
}

/// A rule: patterns (or conditions on other concerns) that signal concerns with a weight.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(crate) struct RawRule {
    pub(crate) id: Spanned<String>,
    pub(crate) summary: String,
    pub(crate) why: String,
    /// Regexes, case-insensitive unless `case_sensitive = true`.
    #[serde(default)]
    pub(crate) patterns: Vec<Spanned<String>>,
    /// Regexes that cancel a hit when they match in the same sentence.
    #[serde(default)]
    pub(crate) exclude: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) case_sensitive: bool,
    /// Whether a negation cue just before the hit ("no GPU change") cancels it. Default true.
    #[serde(default = "yes")]
    pub(crate) negatable: bool,
    /// Fire only if one of these concerns is established by pattern evidence (`kind:id`).
    #[serde(default)]
    pub(crate) when: Vec<Spanned<String>>,
    /// Do not fire if any of these concerns is established by pattern evidence.
    #[serde(default)]
    pub(crate) unless: Vec<Spanned<String>>,
    /// Concerns this rule signals, with their weights: `{ "layer:L0" = 1.0 }`.
    pub(crate) signals: Spanned<BTreeMap<String, f64>>,
    #[serde(default)]
    pub(crate) questions: Vec<RawQuestion>,
    /// Design choices this concern raises (build vs integrate, SQLite vs files, ...): the
    /// considered options of a decision record.
    #[serde(default)]
    pub(crate) options: Vec<RawOption>,
    pub(crate) examples: RawExamples,
    /// Context evidence: the rule says what a text is about (a component it names, a lifecycle
    /// word), not that the change alters it. In the GPU contest, context never outweighs a cue
    /// that the change is not about allocation, and never decides between modes. Component
    /// rules are context.
    #[serde(default)]
    pub(crate) context: bool,
    /// A default audience: the rule names students and researchers only because nothing more
    /// specific was said (first person, "containers", "users"). It yields when the text is
    /// about the admin's own tooling (`admin_tooling`) and names no user tier itself.
    #[serde(default)]
    pub(crate) default_audience: bool,
    /// The rule names the admin's own tooling (monitoring, alerts, the event log, admin
    /// commands, config files, CI, maintainer work): such a text is the admin's, whoever
    /// writes "I" or mentions containers, so default audiences yield to it.
    #[serde(default)]
    pub(crate) admin_tooling: bool,
    /// Set only for rules generated from components: fire when this rule (by id) fired, with
    /// its evidence, instead of matching patterns of its own.
    #[serde(skip)]
    pub(crate) follows: Option<String>,
}

/// One option of a design choice, with its trade-offs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(crate) struct RawOption {
    pub(crate) name: Spanned<String>,
    /// Good, because ...
    #[serde(default)]
    pub(crate) good: Vec<String>,
    /// Bad, because ...
    #[serde(default)]
    pub(crate) bad: Vec<String>,
}

/// A prose topic of `ds01-pm explain`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(crate) struct RawTopic {
    pub(crate) id: Spanned<String>,
    /// Other words that name the topic (`score` for `rice`).
    #[serde(default)]
    pub(crate) aliases: Vec<Spanned<String>>,
    pub(crate) name: String,
    /// One line, shown in the topic list.
    pub(crate) summary: String,
    /// Paragraphs separated by blank lines; lines starting with `- ` are bullets.
    pub(crate) body: String,
    /// Registries listed after the body: layers, tiers, gpu, principles, risks, dimensions,
    /// framework-questions, bands, checks, backlog-checks.
    #[serde(default)]
    pub(crate) lists: Vec<Spanned<String>>,
    /// Other topics worth reading next.
    #[serde(default)]
    pub(crate) see_also: Vec<Spanned<String>>,
}

fn yes() -> bool {
    true
}

/// Texts the rule must fire on, and look-alikes it must not fire on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExamples {
    #[serde(rename = "match")]
    pub(crate) must_match: Vec<String>,
    #[serde(rename = "no_match")]
    pub(crate) must_not_match: Vec<String>,
}

/// A question of the PM's framework.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(crate) struct RawQuestion {
    /// Only for generic questions: a stable id.
    #[serde(default)]
    pub(crate) id: Option<Spanned<String>>,
    pub(crate) dimension: Spanned<String>,
    /// 1 (ask first) to 3 (ask if time allows).
    pub(crate) priority: Spanned<u8>,
    pub(crate) text: String,
}

/// A t-shirt band: sizes up to `max_points` get this size.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(crate) struct RawBand {
    pub(crate) size: Spanned<String>,
    pub(crate) max_points: Option<f64>,
    pub(crate) description: String,
}

/// Negation cues: words that, just before a hit in the same clause, cancel it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(crate) struct RawNegation {
    /// Regex of cue words, matched case-insensitively.
    pub(crate) cues: Spanned<String>,
    /// How many words before the hit a cue may stand.
    pub(crate) window: usize,
}
