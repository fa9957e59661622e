//! The `matfuse` binary's library: the command-line interface and the HTTP server (a library so
//! the server's router can be tested in-process).

pub mod cli;
pub mod dataset;
pub mod error;
pub mod screen;
pub mod server;
pub mod suggest;
pub mod table;
pub mod training;
