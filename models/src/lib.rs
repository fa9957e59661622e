//! matfuse's networks and the on-disk model bundle.
//!
//! A bundle (`models/weights/<id>/`) is a manifest, the weights and the tokenizer/vocabulary
//! they need; [`bundle::Bundle::load`] verifies it before anything runs. [`nn`] holds the burn
//! modules (one code path for every device), [`batch`] turns structures into tensors.

pub mod batch;
pub mod bundle;
pub mod calibration;
pub mod device;
pub mod encoder;
pub mod error;
pub mod metrics;
pub mod molecule_batch;
pub mod molecule_split;
pub mod neighbours;
pub mod neighbours_info;
pub mod nn;
pub mod ood;
pub mod phases;
pub mod predictor;
/// The seeded generator, shared with `shared` (random SMILES writings, scaffold splits).
pub use shared::rng;
pub mod text_cache;
pub mod train;
pub mod training_map;
pub mod vocab;
pub mod weights;

pub use bundle::{Bundle, Manifest};
pub use error::{Error, Result};
