//! The stable concern taxonomy of PRODUCT.md. Ids live here so that rule files can be checked
//! against them; names, descriptions and questions live in `rules/*.toml`.
use std::fmt;

use serde::{Serialize, Serializer};

/// Layer ids, L0 (Docker runtime) to L4 (wizards).
pub const LAYERS: &[&str] = &["L0", "L1", "L2", "L3", "L4"];
/// User tiers; faculty is folded into `researcher`.
pub const TIERS: &[&str] = &["student", "researcher", "admin"];
/// GPU/MIG impact values.
pub const GPU: &[&str] = &["none", "mig", "full-gpu", "both"];
/// DS01 design principles.
pub const PRINCIPLES: &[&str] = &[
    "ephemeral-containers",
    "persistent-workspaces",
    "gpu-efficiency",
    "multi-tenant-isolation",
    "interactive-first",
    "progressive-disclosure",
    "dispatcher-consistency",
    "aime-foundation",
];
/// The five dimensions of the PM's question framework, in the order they are asked.
pub const DIMENSIONS: &[&str] = &[
    "user-context",
    "problem-definition",
    "solution-space",
    "technical",
    "implementation",
];

/// What kind of concern a signal names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Layer,
    Tier,
    Gpu,
    Supports,
    Strains,
    Risk,
}

impl Kind {
    /// Every kind, in display order.
    pub const ALL: [Kind; 6] = [
        Kind::Layer,
        Kind::Tier,
        Kind::Gpu,
        Kind::Supports,
        Kind::Strains,
        Kind::Risk,
    ];

    /// The prefix used in rule files (`layer:L0`).
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Layer => "layer",
            Kind::Tier => "tier",
            Kind::Gpu => "gpu",
            Kind::Supports => "supports",
            Kind::Strains => "strains",
            Kind::Risk => "risk",
        }
    }

    fn from_prefix(p: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.prefix() == p)
    }
}

/// One concern: a kind and a taxonomy id, written `kind:id` in rule files and JSON.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Concern {
    pub kind: Kind,
    pub id: String,
}

impl Concern {
    /// Parse `kind:id`, without checking that the id is known.
    pub fn parse(s: &str) -> Result<Concern, String> {
        let (prefix, id) = s.split_once(':').ok_or_else(|| {
            format!("`{s}` is not a concern: write `kind:id`, e.g. `layer:L0` or `risk:data-loss`")
        })?;
        let kind = Kind::from_prefix(prefix.trim()).ok_or_else(|| {
            let kinds: Vec<_> = Kind::ALL.iter().map(|k| k.prefix()).collect();
            format!(
                "unknown concern kind `{prefix}` in `{s}`: expected one of {}",
                kinds.join(", ")
            )
        })?;
        Ok(Concern {
            kind,
            id: id.trim().to_owned(),
        })
    }
}

impl fmt::Display for Concern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.prefix(), self.id)
    }
}

impl Serialize for Concern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_round_trip() {
        let c = Concern::parse("strains:gpu-efficiency").unwrap();
        assert_eq!(c.kind, Kind::Strains);
        assert_eq!(c.to_string(), "strains:gpu-efficiency");
        assert!(Concern::parse("layer").is_err());
        assert!(
            Concern::parse("lair:L0")
                .unwrap_err()
                .contains("unknown concern kind")
        );
    }
}
