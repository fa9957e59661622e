//! `matfuse`: the command-line tool and server.

use clap::Parser;

fn main() -> std::process::ExitCode {
    keep_freed_memory();
    let args = backend::cli::Cli::parse();
    match backend::cli::run(args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Keeps freed heap memory in the process for reuse. burn allocates and frees a tensor per op
/// (several MB each in training); by default glibc serves each with a fresh `mmap` and unmaps it
/// on free, so every op page-faults and the kernel zeroes its pages again: 25 % of a training
/// step (BENCHMARKS.md, "Where a training step's time goes"). Up to 32 MiB (glibc's ceiling for
/// this setting) blocks now come from the heap, which is never trimmed.
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before any thread is started.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, libc::c_int::MAX);
    }
}
