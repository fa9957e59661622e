//! The page's building blocks, each a small Leptos component.

mod batch;
mod device_switch;
mod error_note;
mod gallery;
mod input;
mod parse_warnings;
mod predictions;
mod results;
mod share;
mod similar;
mod sites;
mod stability;
mod status;
mod training_map;
mod viewer;
mod whatif;

pub use batch::BatchPanel;
pub use device_switch::DeviceNote;
pub use error_note::ParseErrorNote;
pub use gallery::Gallery;
pub use input::StructureInput;
pub use parse_warnings::ParseWarningsNote;
pub use predictions::PredictionPanel;
pub use results::Results;
pub use share::SharePanel;
pub use similar::SimilarMaterialsPanel;
pub use sites::SitesTable;
pub use stability::StabilityPanel;
pub use status::Status;
pub use training_map::TrainingMapPanel;
pub use viewer::StructureViewer;
pub use whatif::WhatIf;
