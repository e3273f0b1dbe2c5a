//! `backlog.toml` as written: raw serde types with spans, validated in `validate.rs`.
use serde::Deserialize;
use toml::Spanned;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BacklogFile {
    #[serde(default)]
    pub(crate) scoring: Option<RawScoring>,
    #[serde(default)]
    pub(crate) item: Vec<RawItem>,
}

/// `[scoring]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScoring {
    /// What one unit of reach means, e.g. "users per semester".
    #[serde(default)]
    pub(crate) reach_period: Option<String>,
    /// `person-weeks` or `person-months`.
    #[serde(default)]
    pub(crate) effort_unit: Option<Spanned<String>>,
    /// `none`, `max` or `sum`.
    #[serde(default)]
    pub(crate) propagation: Option<Spanned<String>>,
    /// For `sum`: the share of a dependent's score a prerequisite inherits, in (0, 1].
    #[serde(default)]
    pub(crate) decay: Option<Spanned<f64>>,
    /// T-shirt sizes to effort: `{ XS = 0.5, S = 1, M = 2, L = 4, XL = 8 }`.
    #[serde(default)]
    pub(crate) tshirt: Option<Spanned<std::collections::BTreeMap<String, Spanned<f64>>>>,
}

/// One `[[item]]`. Numbers that accept words or percents are kept as raw TOML values so the
/// validator can say exactly what was wrong.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawItem {
    pub(crate) id: Spanned<String>,
    pub(crate) title: Spanned<String>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    pub(crate) reach: Spanned<toml::Value>,
    pub(crate) impact: Spanned<toml::Value>,
    pub(crate) confidence: Spanned<toml::Value>,
    pub(crate) effort: Spanned<toml::Value>,
    #[serde(default)]
    pub(crate) depends_on: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) status: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) tags: Vec<String>,
}
