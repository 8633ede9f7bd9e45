//! The one native integration test binary (links once): golden CLI runs, annotated
//! diagnostics fixtures, the k8s-openapi oracle, CLI behaviour, static SVGs and links, and
//! tidy checks.

mod cli;
mod diagnostics;
mod golden;
mod oracle;
mod render;
mod robust;
mod tidy;
