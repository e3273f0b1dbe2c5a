//! Direction cues (`[direction]` in a rule file): whether a proposal relaxes or tightens the
//! limit behind a principle. Loaded and checked here; applied by `analyze::direction`.
pub(crate) use super::model::RawDirection;

use super::LazyRegex;

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
