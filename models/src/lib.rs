//! matfuse's networks and the on-disk model bundle.
//!
//! A bundle (`models/weights/<id>/`) is a manifest, the weights and the tokenizer/vocabulary
//! they need; [`bundle::Bundle::load`] verifies it before anything runs. The burn modules
//! (CGCNN, text encoders, fusion variants, heads) arrive with the models issue.

pub mod bundle;
pub mod error;

pub use bundle::{Bundle, Manifest};
pub use error::{Error, Result};
