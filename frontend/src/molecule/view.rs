//! What a molecule share link carries besides the SMILES: the selected task or fingerprint bit.
//! It rides in [`shared::api::ShareState::view`] under the key `molecule`, which is how a link
//! says it is a molecule's (a crystal's view has no such key).

use serde::{Deserialize, Serialize};
use shared::api::ShareState;

/// The key of [`ShareState::view`] that marks a molecule's link.
pub const VIEW_KEY: &str = "molecule";

/// What the drawing highlights.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Selection {
    /// Nothing highlighted.
    #[default]
    None,
    /// The atoms that drove one task's prediction (the task's name, e.g. `esol`).
    Task { name: String },
    /// The atoms of the environments that set one Morgan fingerprint bit (0..2048).
    Bit { bit: usize },
}

/// The page's part of a molecule's [`ShareState::view`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MoleculeLinkView {
    pub selection: Selection,
}

impl MoleculeLinkView {
    /// The view value of a share state: `{"molecule": {...}}`.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::json!({ VIEW_KEY: self })
    }

    /// The molecule view a share state carries; `None` for a crystal's state. A damaged view
    /// reads as the default one.
    pub fn of(state: &ShareState) -> Option<MoleculeLinkView> {
        let value = state.view.get(VIEW_KEY)?;
        Some(serde_json::from_value(value.clone()).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(view: serde_json::Value) -> ShareState {
        ShareState {
            version: ShareState::VERSION,
            structure: "CC(=O)Nc1ccc(O)cc1".into(),
            format: None,
            text: None,
            model: "molecules".into(),
            weights_sha256: "cd".repeat(32),
            view,
        }
    }

    #[test]
    fn molecule_views_round_trip_through_a_link() {
        for selection in [Selection::None, Selection::Task { name: "bace".into() }, Selection::Bit { bit: 1380 }] {
            let view = MoleculeLinkView { selection };
            let encoded = crate::share::encode(&state(view.to_value()));
            let back = crate::share::decode(&encoded).unwrap();
            assert_eq!(back.structure, "CC(=O)Nc1ccc(O)cc1");
            assert_eq!(MoleculeLinkView::of(&back), Some(view));
        }
    }

    #[test]
    fn crystal_views_are_not_molecule_views() {
        let crystal = serde_json::to_value(crate::share::View::default()).unwrap();
        assert_eq!(MoleculeLinkView::of(&state(crystal)), None);
        assert_eq!(MoleculeLinkView::of(&state(serde_json::Value::Null)), None);
        let damaged = serde_json::json!({ VIEW_KEY: { "selection": { "kind": "bit", "bit": "x" } } });
        assert_eq!(MoleculeLinkView::of(&state(damaged)), Some(MoleculeLinkView::default()));
    }
}
