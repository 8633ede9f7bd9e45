//! The page's entry point (index.html names it with `data-bin`): mounts the app on wasm32
//! and does nothing natively.

#[cfg(target_arch = "wasm32")]
fn main() {
    if let Some(root) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app"))
    {
        let _handle = svcroute::app::mount(root);
        std::mem::forget(_handle);
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
