//! The page's state as three groups of signals, each a `Copy` struct that components take
//! whole or in part: the structure ([`StructureState`]: editor text, example, analysis,
//! what-if edits), the models ([`ModelState`]: loading and predictions) and the page
//! ([`PageState`]: viewer settings, shared-link pinning, server availability). [`links`]
//! opens deep links into them. Molecule mode keeps its own ([`MoleculeState`]), lessons
//! theirs ([`LessonState`]).

mod lesson;
pub mod links;
mod models;
mod molecule;
mod molecule_models;
pub mod neighbours;
mod page;
mod structure;

pub use lesson::LessonState;
pub use models::ModelState;
pub use molecule::{MoleculeRead, MoleculeState};
pub use molecule_models::{MoleculeAnswerState, MoleculeModelsStatus};
pub use page::PageState;
pub use structure::StructureState;
