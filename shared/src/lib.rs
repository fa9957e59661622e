//! matfuse's common crate: everything about a crystal that needs no machine learning, web server
//! or UI. Compiles to native code and to `wasm32-unknown-unknown`.
//!
//! Data flow: file text ─[`io`]→ [`Structure`] ─[`graph`]→ [`graph::CrystalGraph`]
//! and [`Structure`] ─[`symmetry`] + [`describe`]→ text description.

pub mod api;
pub mod batch;
pub mod composition;
pub mod dataset;
pub mod describe;
pub mod element;
pub mod embedding;
pub mod error;
pub mod features;
pub mod gallery;
pub mod graph;
pub mod io;
pub mod lattice;
pub mod lesson;
pub mod molecule;
pub mod neighbors;
pub mod report;
pub mod rng;
pub mod stability;
pub mod structure;
pub mod symmetry;
pub mod task;
pub mod versioned;

pub use element::Element;
pub use error::{Error, Format, Result};
pub use io::{ParseOptions, parse, parse_with};
pub use lattice::{Lattice, LatticeParameters, Vec3};
pub use structure::{Site, Structure};
