//! Handlers, one module per area of the API.

pub mod batch;
pub mod embed;
pub mod jobs;
pub mod models;
pub mod predict;
pub mod share;
pub mod suggest;
pub mod system;
