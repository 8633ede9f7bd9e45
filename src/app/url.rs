//! The page's address: `?embed`, `?autoplay`, `?compare`, `?controls=none` in the query, and
//! the whole scenario in the fragment (see `permalink`). Reading and writing it is the only
//! URL IO the page does; nothing in it is executed and nothing is fetched.

use crate::permalink;
use crate::scenario::Scenario;

/// How the page presents itself, from the query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PageMode {
    /// Only the diagram, the shares and the play controls, fitted to the iframe.
    pub embed: bool,
    /// `Some(true)`: play at once; `Some(false)` (`autoplay=0`): start paused; `None`: the
    /// page plays and an embed waits for a click. Reduced motion always starts paused.
    pub autoplay: Option<bool>,
    pub compare: bool,
    /// `controls=none`: not even the play controls.
    pub hide_controls: bool,
}

impl PageMode {
    /// Reads `?embed&autoplay&compare&controls=none` (order and values otherwise ignored).
    pub fn from_query(query: &str) -> Self {
        let mut mode = Self::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "embed" => mode.embed = value != "0" && value != "false",
                "autoplay" => mode.autoplay = Some(value != "0" && value != "false"),
                "compare" => mode.compare = value != "0" && value != "false",
                "controls" => mode.hide_controls = value == "none",
                _ => {}
            }
        }
        mode
    }
}

fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|window| window.location())
}

/// The page mode of the current address.
pub fn current_mode() -> PageMode {
    PageMode::from_query(&location().and_then(|l| l.search().ok()).unwrap_or_default())
}

/// The scenario in the current address's fragment: `None` without one, `Err` with the
/// message to show when it is damaged.
pub fn scenario_from_address() -> Option<Result<Scenario, String>> {
    let hash = location().and_then(|l| l.hash().ok()).unwrap_or_default();
    let fragment = hash.trim_start_matches('#');
    if fragment.is_empty() {
        return None;
    }
    Some(permalink::from_fragment(fragment).map_err(|err| err.to_string()))
}

/// The page's address without query or fragment.
fn base_url() -> String {
    let Some(location) = location() else { return String::new() };
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    format!("{origin}{path}")
}

/// A link that reproduces `scenario` exactly.
pub fn permalink(scenario: &Scenario) -> String {
    format!("{}#{}", base_url(), permalink::to_fragment(scenario))
}

/// A ready `<iframe>` snippet showing `scenario` in embed mode.
pub fn embed_code(scenario: &Scenario) -> String {
    let query = if scenario.compare { "?embed&autoplay&compare" } else { "?embed&autoplay" };
    format!(
        "<iframe src=\"{}{query}#{}\" width=\"960\" height=\"640\" style=\"border:0\" title=\"svcroute: {}\" loading=\"lazy\"></iframe>",
        base_url(),
        permalink::to_fragment(scenario),
        scenario.service.clone().unwrap_or_else(|| "Service routing".to_string())
    )
}

/// Puts `scenario` into the address bar without adding a history entry.
pub fn write_fragment(scenario: &Scenario) {
    let Some(window) = web_sys::window() else { return };
    let Ok(history) = window.history() else { return };
    let search = location().and_then(|l| l.search().ok()).unwrap_or_default();
    let url = format!("{search}#{}", permalink::to_fragment(scenario));
    let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
}

/// Copies `text` to the clipboard (best effort: the browser may refuse outside a click).
pub fn copy(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}

/// Offers `svg` as a file download named `file`.
pub fn download_svg(file: &str, svg: &str) {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(svg));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let document = web_sys::window().and_then(|w| w.document());
    if let Some(anchor) = document
        .and_then(|d| d.create_element("a").ok())
        .and_then(|el| el.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        anchor.set_href(&url);
        anchor.set_download(file);
        anchor.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
