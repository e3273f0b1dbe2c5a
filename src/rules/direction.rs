//! Direction cues (`[direction]` in a rule file): whether a proposal relaxes or tightens the
//! limit behind a principle. Loaded and checked here; applied by `analyze::direction`.
use serde::Deserialize;
use toml::Spanned;

use super::LazyRegex;

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
    pub(crate) limits: std::collections::BTreeMap<String, Spanned<String>>,
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

/// Compiled direction cues.
#[derive(Debug)]
pub struct Direction {
    pub relax: LazyRegex,
    pub tighten: LazyRegex,
    /// (principle id, its limits).
    pub limits: Vec<(String, LazyRegex)>,
    pub window: usize,
    /// Proposal markers: see `RawDirection::proposal`.
    pub proposal: Option<LazyRegex>,
    /// (text, principle, expected strained) self-tests.
    pub examples: Vec<(String, String, bool)>,
    pub location: super::Location,
}

impl Direction {
    /// The limits behind a principle, if it has any.
    pub fn limits_of(&self, principle: &str) -> Option<&LazyRegex> {
        self.limits
            .iter()
            .find(|(p, _)| p == principle)
            .map(|(_, re)| re)
    }

    pub(crate) fn from_raw(raw: RawDirection, location: super::Location) -> Self {
        let examples = raw
            .examples
            .strains
            .into_iter()
            .map(|(t, p)| (t, p, true))
            .chain(
                raw.examples
                    .supports
                    .into_iter()
                    .map(|(t, p)| (t, p, false)),
            )
            .collect();
        Direction {
            relax: LazyRegex::new(raw.relax.into_inner(), false),
            tighten: LazyRegex::new(raw.tighten.into_inner(), false),
            limits: raw
                .limits
                .into_iter()
                .map(|(p, re)| (p, LazyRegex::new(re.into_inner(), false)))
                .collect(),
            window: raw.window,
            proposal: raw.proposal.map(|p| LazyRegex::new(p.into_inner(), false)),
            examples,
            location,
        }
    }
}
