//! The `svcroute` CLI: reads files, runs the core, prints, and exits with 0, 1 (input
//! errors) or 2 (usage errors).

fn main() {}
