//! The names of the fusion variants (SCIENCE.md §4), as manifests, configurations and the
//! command line write them.

use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How the modalities are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FusionKind {
    Graph,
    Text,
    Concat,
    Late,
    Matmmfuse,
    Cross,
}

impl FusionKind {
    /// Every variant, in the order of the ablation table.
    pub const ALL: [FusionKind; 6] = [
        FusionKind::Graph,
        FusionKind::Text,
        FusionKind::Concat,
        FusionKind::Late,
        FusionKind::Matmmfuse,
        FusionKind::Cross,
    ];

    /// The variant's name (the same as serde's).
    pub fn as_str(self) -> &'static str {
        match self {
            FusionKind::Graph => "graph",
            FusionKind::Text => "text",
            FusionKind::Concat => "concat",
            FusionKind::Late => "late",
            FusionKind::Matmmfuse => "matmmfuse",
            FusionKind::Cross => "cross",
        }
    }

    /// Every name, comma-separated (for messages).
    pub fn names() -> String {
        FusionKind::ALL.map(FusionKind::as_str).join(", ")
    }
}

impl fmt::Display for FusionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FusionKind {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self, Error> {
        FusionKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .ok_or_else(|| Error::UnknownFusion(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_serdes_and_parse_back() {
        assert_eq!(FusionKind::ALL.map(FusionKind::as_str), ["graph", "text", "concat", "late", "matmmfuse", "cross"]);
        for kind in FusionKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
            assert_eq!(kind.to_string().parse::<FusionKind>().unwrap(), kind);
        }
        let err = "Cross".parse::<FusionKind>().unwrap_err().to_string();
        assert_eq!(err, "unknown fusion variant 'Cross' (one of graph, text, concat, late, matmmfuse, cross)");
    }
}
