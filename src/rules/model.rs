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
    pub(crate) component: Vec<RawComponent>,
    /// Direction cues: relaxing or tightening the limit behind a principle.
    #[serde(default)]
    pub(crate) direction: Option<Spanned<RawDirection>>,
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
    /// Do not fire if any of these pattern rules (by id) matched the text: what the text's own
    /// words say it is about ("host GPU access" is isolation, not how GPUs are used).
    #[serde(default)]
    pub(crate) unless_fired: Vec<Spanned<String>>,
    /// Concerns this rule signals, with their weights: `{ "layer:L0" = 1.0 }`. Required
    /// except in the `questions` family, whose rules (question cues) only ask, and absent from
    /// a `tells` rule, which only marks where a message's content starts.
    #[serde(default = "no_signals")]
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
    /// A report of what a document says ("the guide still says ..."): from its match to the
    /// end of the sentence, or to the writer's turn ("but", "please", a semicolon), the text is
    /// a page's content, not a change. In the GPU contest, evidence lying wholly there counts
    /// as context.
    #[serde(default)]
    pub(crate) reports: bool,
    /// A message a command, wizard or notice is asked to give ("the wizard should tell you
    /// that ...", "say which group I landed in"): from its match to the end of the sentence,
    /// or to the writer's turn, the text is that message's content. A host layer (L0) read
    /// only there is what the message describes, not a change to it: it is set aside when a
    /// user layer (L2-L4) is read outside the message.
    #[serde(default)]
    pub(crate) tells: bool,
    /// A default audience: the rule names students and researchers only because nothing more
    /// specific was said (first person, "containers", "users"). It yields when the text is
    /// about the admin's own tooling (`admin_tooling`) and names no user tier, user command or
    /// wizard itself. Its signals are user tiers only.
    #[serde(default)]
    pub(crate) default_audience: bool,
    /// The rule names the admin's own tooling (monitoring, alerts, the event log, admin
    /// commands, config files, CI, maintainer work): such a text is the admin's, whoever
    /// writes "I" or mentions containers, so default audiences yield to it.
    #[serde(default)]
    pub(crate) admin_tooling: bool,
    /// An audience the text states in so many words ("my container": a user's own things),
    /// but only where no tier is named (`unless` of tiers). It fires in stratum 2 of the
    /// inference, before the fixed point, so it counts as a named tier and blocks the
    /// inferences about the audience (`infer-host-admin`). Its signals and conditions are
    /// tiers only.
    #[serde(default)]
    pub(crate) stated_audience: bool,
    /// The layer the rule signals stands against the statistical channels: neither the
    /// nearest labelled examples nor the word model set it aside. For a thing named by its
    /// own name (an atomic container command, check-limits), where measured dissent from
    /// that layer was wrong more often than right. Needs a `layer:` signal.
    #[serde(default)]
    pub(crate) firm_layer: bool,
    /// Share the hits of this pattern rule (by id): a reading that follows from what another
    /// rule names. Without `patterns`, the rule fires only when the other fired, with its
    /// evidence (a component's audience rule follows its component's rule); with them, it
    /// fires on its own words and on the other's (naming the `.keep-alive` file strains
    /// ephemeral containers), and takes no `when`, `unless` or `unless_fired`.
    #[serde(default)]
    pub(crate) follows: Option<Spanned<String>>,
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

impl RawExamples {
    /// The two lists, each text converted (into the rule set's `Text`).
    #[allow(dead_code)] // `build.rs` includes this file and needs no conversion.
    pub(crate) fn into_lists<T: From<String>>(self) -> (Vec<T>, Vec<T>) {
        let convert = |v: Vec<String>| v.into_iter().map(T::from).collect();
        (convert(self.must_match), convert(self.must_not_match))
    }
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
    /// Only for generic questions: a pattern of the texts that already answer it (they name
    /// who asked, what they do today, ...); such a text is not asked it first.
    #[serde(default)]
    pub(crate) answered_if: Option<Spanned<String>>,
    /// Texts that answer it (`match`) and texts that leave it open (`no_match`).
    #[serde(default)]
    pub(crate) examples: Option<Spanned<RawExamples>>,
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

/// One `[[component]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(crate) struct RawComponent {
    pub(crate) id: Spanned<String>,
    pub(crate) kind: Spanned<String>,
    /// What it is, in one line (becomes the rule summary).
    pub(crate) summary: String,
    /// Regexes naming it: the command, its aliases, its path.
    pub(crate) names: Vec<Spanned<String>>,
    /// Regexes that cancel a hit in the same sentence.
    #[serde(default)]
    pub(crate) exclude: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) case_sensitive: bool,
    /// The layer it lives in (`L0`..`L4`); absent for things outside the numbered layers.
    #[serde(default)]
    pub(crate) layer: Option<Spanned<String>>,
    /// Further layers it spans (the docker labels are written at L1 and read at L0).
    #[serde(default)]
    pub(crate) also_layers: Vec<Spanned<String>>,
    /// The tiers that face it.
    #[serde(default)]
    pub(crate) tiers: Vec<Spanned<String>>,
    /// Its GPU relevance: `mig`, `full-gpu` or `both`; absent when it has none.
    #[serde(default)]
    pub(crate) gpu: Option<Spanned<String>>,
    /// How much naming it says about GPU impact (1.0 decides alone; less needs other evidence).
    #[serde(default)]
    pub(crate) gpu_weight: Option<f64>,
    /// Principles it embodies (signalled as `supports:`; direction cues may turn them).
    #[serde(default)]
    pub(crate) principles: Vec<Spanned<String>>,
    /// Risk ids changing it raises.
    #[serde(default)]
    pub(crate) risks: Vec<Spanned<String>>,
    /// The admin's own tooling (monitoring, alerts, logs, admin commands, config files, CI):
    /// naming it makes default audiences yield (see `RawRule::admin_tooling`).
    #[serde(default)]
    pub(crate) admin_tooling: bool,
    /// Its layer stands against the statistical channels (see `RawRule::firm_layer`).
    #[serde(default)]
    pub(crate) firm_layer: bool,
    pub(crate) examples: RawExamples,
}

/// The raw `[direction]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(crate) struct RawDirection {
    /// Verbs and modifiers that loosen a limit: raise, extend, exempt, bypass, skip, ...
    pub(crate) relax: Spanned<String>,
    /// Verbs and modifiers that tighten one: enforce, shorten, reclaim, cap, ...
    pub(crate) tighten: Spanned<String>,
    /// Per principle, the limits, checks and guards behind it that a cue must act on (timeouts
    /// for ephemeral-containers, the wrapper's filtering for multi-tenant-isolation, ...).
    /// Principles without an entry have no limit to relax: direction leaves them alone.
    pub(crate) limits: BTreeMap<String, Spanned<String>>,
    /// How many words apart a cue, the limit it acts on and a principle's evidence may stand.
    pub(crate) window: usize,
    /// Words that make a sentence a proposal (should, let, make sure, could we, ...). When a
    /// text has such a sentence, a relax cue in a sentence without one describes today's
    /// problem ("jobs skip people's quotas"), which the proposal fixes: it strains nothing.
    #[serde(default)]
    pub(crate) proposal: Option<Spanned<String>>,
    /// Texts whose principles the cues must turn, and texts they must not (self-test).
    pub(crate) examples: DirectionExamples,
}

/// Self-tests of the direction cues: `strains` texts must strain `principle`; `supports`
/// texts must support it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DirectionExamples {
    pub(crate) strains: Vec<(String, String)>,
    pub(crate) supports: Vec<(String, String)>,
}

/// A combinations or trade-offs file (`family = "combinations"` or `"tradeoffs"`: see
/// `combinations.rs`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    pub(crate) family: Spanned<String>,
    #[serde(default)]
    pub(crate) combination: Vec<RawCombination>,
    #[serde(default)]
    pub(crate) tradeoff: Vec<RawTradeoff>,
}

/// How one option of a rule's design choice weighs: `[[tradeoff]]` in `rules/tradeoffs.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTradeoff {
    /// The rule whose `options` list holds the option.
    pub(crate) rule: Spanned<String>,
    /// The option's `name`, exactly as the rule gives it.
    pub(crate) option: Spanned<String>,
    #[serde(default)]
    pub(crate) supports: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) strains: Vec<Spanned<String>>,
    pub(crate) effort: Spanned<String>,
    pub(crate) admin_burden: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCombination {
    pub(crate) id: Spanned<String>,
    pub(crate) summary: String,
    pub(crate) why: String,
    /// Concerns that must all be established (`kind:id`), one to three.
    pub(crate) all: Spanned<Vec<Spanned<String>>>,
    /// Concerns that stop it.
    #[serde(default)]
    pub(crate) unless: Vec<Spanned<String>>,
    pub(crate) questions: Vec<RawQuestion>,
    pub(crate) examples: RawExamples,
}

/// No `signals` given: an error for a reading rule, the rule for a question cue.
fn no_signals() -> Spanned<BTreeMap<String, f64>> {
    Spanned::new(0..0, BTreeMap::new())
}
