//! The burn modules: graph encoder, light text encoder, fusion variants, evidential head.

pub mod activation;
pub mod bert;
pub mod cgcnn;
pub mod cpu_kernels;
pub mod evidential;
pub mod frozen_text;
pub mod fusion;
pub mod gated_message;
pub mod light_text;
pub mod molecule;

pub use fusion::{CrossReadout, FusionKind, FusionNet, FusionOutput, NetConfig};
