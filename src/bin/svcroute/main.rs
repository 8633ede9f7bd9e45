//! The `svcroute` CLI: reads files, runs the core, prints, and exits with 0, 1 (input
//! errors) or 2 (usage errors). Native only: on wasm32 (where `cargo test` for the page
//! builds every binary) it is an empty program.

#[cfg(not(target_arch = "wasm32"))]
mod args;
#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(not(target_arch = "wasm32"))]
mod mdbook;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
