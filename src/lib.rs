//! svcroute explains what Kubernetes does with a connection to a Service from outside
//! (and inside) the cluster: which nodes and pods it reaches, where DNAT and SNAT rewrite
//! the packet, which client IP the pod sees, and each pod's share of new connections.
//!
//! The core is a pipeline of pure steps, in reading order:
//! [`input`] turns pasted YAML or JSON into raw API objects with positions,
//! [`model`] applies the API server's defaults and rules and builds a valid [`model::Cluster`],
//! [`route`] computes what kube-proxy and the load balancer do with a connection,
//! and [`layout`] places the result as plain shapes that the shells paint.
//! Two thin shells sit around the core: the `svcroute` CLI and the Yew page in `app`.

pub mod diagnostic;
pub mod input;
pub mod model;
pub mod route;

pub mod chart;
pub mod export;
pub mod layout;
pub mod svg;

pub mod permalink;
pub mod presets;
pub mod scenario;
pub mod sort;

#[cfg(target_arch = "wasm32")]
pub mod app;

/// The page's allocator: Talc instead of Rust's default dlmalloc, about 3 KB smaller gzipped
/// (the page has a size budget, issue 4) and faster. Declared here, not in the page's binary,
/// so the browser tests (tests/web.rs) run on the allocator the page ships with.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub mod json;
pub mod kubectl;
pub mod report;
