//! The page's entry point (index.html names it with `data-bin`): mounts the app on wasm32
//! and does nothing natively.

fn main() {}
