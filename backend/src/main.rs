//! `matfuse`: the command-line tool and server.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = backend::cli::Cli::parse();
    match backend::cli::run(args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
