//! The page's building blocks, each a small Leptos component.

mod error_note;
mod gallery;
mod input;
mod results;
mod sites;
mod status;

pub use error_note::ParseErrorNote;
pub use gallery::Gallery;
pub use input::StructureInput;
pub use results::Results;
pub use sites::SitesTable;
pub use status::Status;
