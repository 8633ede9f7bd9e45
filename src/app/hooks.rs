//! Browser plumbing as hooks, each one IO job turned into a callback or an Action:
//! debouncing, animation frames, local storage, the reduced-motion preference.

use gloo_render::{request_animation_frame, AnimationFrame};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Calls `callback` once `delay_ms` after the last change of `value`.
#[hook]
pub fn use_debounced<T: PartialEq + Clone + 'static>(
    value: T,
    delay_ms: u32,
    callback: Callback<T>,
) {
    let timer = use_mut_ref(|| None::<Timeout>);
    use_effect_with(value, move |value| {
        let value = value.clone();
        *timer.borrow_mut() = Some(Timeout::new(delay_ms, move || callback.emit(value)));
        || ()
    });
}

/// Calls `on_frame(timestamp_ms)` on every animation frame while `running`.
#[hook]
pub fn use_animation_frame(running: bool, on_frame: Callback<f64>) {
    let handle: Rc<RefCell<Option<AnimationFrame>>> = use_mut_ref(|| None);
    let on_frame_ref = use_mut_ref(|| on_frame.clone());
    *on_frame_ref.borrow_mut() = on_frame;
    use_effect_with(running, move |running| {
        fn schedule(
            handle: Rc<RefCell<Option<AnimationFrame>>>,
            on_frame: Rc<RefCell<Callback<f64>>>,
        ) {
            let next_handle = handle.clone();
            let frame = request_animation_frame(move |timestamp| {
                on_frame.borrow().emit(timestamp);
                schedule(next_handle, on_frame);
            });
            *handle.borrow_mut() = Some(frame);
        }
        if *running {
            schedule(handle.clone(), on_frame_ref);
        } else {
            *handle.borrow_mut() = None;
        }
        move || {
            *handle.borrow_mut() = None;
        }
    });
}

/// Calls `on_reduce` whenever the system's reduced-motion setting is switched on while the
/// page is open (the animation then stops; stepping still shows everything).
#[hook]
pub fn use_reduced_motion_listener(on_reduce: Callback<()>) {
    use_effect_with((), move |_| {
        let query = web_sys::window()
            .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten());
        let listener = query.map(|query| {
            let target: web_sys::EventTarget = query.clone().into();
            gloo_events::EventListener::new(&target, "change", move |_| {
                if query.matches() {
                    on_reduce.emit(());
                }
            })
        });
        move || drop(listener)
    });
}

/// Whether the user asked the system for reduced motion.
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|window| window.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|query| query.matches())
}

/// The manifests as typed (earlier versions stored them JSON-encoded under
/// `svcroute.manifests`).
const STORAGE_KEY: &str = "svcroute.manifests.text";

/// The page's local storage, if the browser lets it have one. Reading `localStorage` throws
/// in a sandboxed iframe without `allow-same-origin` or with site data blocked; gloo-storage
/// turns that into a panic, which would kill an embedded diagram, so web-sys is asked
/// directly. (It also keeps serde_json out of the wasm.)
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The manifests saved by the last visit, so a reload loses nothing.
pub fn load_saved_manifests() -> Option<String> {
    local_storage()?.get_item(STORAGE_KEY).ok().flatten()
}

/// Saves the manifests for the next visit (best effort: storage may be disabled or full).
pub fn save_manifests(text: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(STORAGE_KEY, text);
    }
}
