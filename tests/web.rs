//! Browser tests (wasm32 only): mount the real app in headless Chromium, type into the
//! labelled textarea, switch controls, and assert what a user sees in the DOM.
#![cfg(target_arch = "wasm32")]

use svcroute::app::{App, AppProps};
use svcroute::presets::{Preset, PRESETS};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlSelectElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts a fresh app with no saved state and no debounce delay.
async fn mount() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let _ = web_sys::window().unwrap().local_storage().unwrap().unwrap().clear();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let props = AppProps { initial: None, debounce_ms: 0 };
    yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    settle().await;
    root
}

/// Lets Yew render, and lets a zero-length debounce timer fire and its render finish.
async fn settle() {
    for _ in 0..3 {
        yew::scheduler::flush().await;
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
                .unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    }
    yew::scheduler::flush().await;
}

fn bubbling(kind: &str) -> Event {
    let init = EventInit::new();
    init.set_bubbles(true);
    Event::new_with_event_init_dict(kind, &init).unwrap()
}

/// The form control inside the `<label>` whose text starts with `text`.
fn control(root: &Element, text: &str) -> Element {
    let labels = root.query_selector_all("label").unwrap();
    for idx in 0..labels.length() {
        let label = labels.item(idx).unwrap().dyn_into::<Element>().unwrap();
        if label.text_content().unwrap_or_default().trim_start().starts_with(text) {
            if let Some(control) = label.query_selector("select, input, textarea").unwrap() {
                return control;
            }
            if let Some(id) = label.get_attribute("for") {
                return root.query_selector(&format!("#{id}")).unwrap().unwrap();
            }
        }
    }
    panic!("no control labelled {text:?}");
}

async fn type_manifests(root: &Element, text: &str) {
    let area = control(root, "Manifests").dyn_into::<HtmlTextAreaElement>().unwrap();
    area.set_value(text);
    area.dispatch_event(&bubbling("input")).unwrap();
    settle().await;
}

async fn choose(root: &Element, label: &str, value: &str) {
    let select = control(root, label).dyn_into::<HtmlSelectElement>().unwrap();
    select.set_value(value);
    assert_eq!(select.value(), value, "{label} has no option {value}");
    select.dispatch_event(&bubbling("change")).unwrap();
    settle().await;
}

/// The rows of the first shares table: (pod, exact share, percent).
fn shares(root: &Element) -> Vec<(String, String, String)> {
    let table = root.query_selector(".shares table").unwrap().expect("a shares table");
    let rows = table.query_selector_all("tbody tr").unwrap();
    (0..rows.length())
        .map(|idx| {
            let row = rows.item(idx).unwrap().dyn_into::<Element>().unwrap();
            let cells = row.query_selector_all("th, td").unwrap();
            let cell = |n: u32| cells.item(n).unwrap().text_content().unwrap_or_default();
            (cell(0), cell(2), cell(3))
        })
        .collect()
}

fn diagram_ids(root: &Element) -> Vec<String> {
    let boxes = root.query_selector_all(".diagram .scene [data-id]").unwrap();
    (0..boxes.length())
        .map(|idx| {
            boxes
                .item(idx)
                .unwrap()
                .dyn_into::<Element>()
                .unwrap()
                .get_attribute("data-id")
                .unwrap()
        })
        .collect()
}

#[wasm_bindgen_test]
async fn default_scenario_draws_the_kind_cluster_and_listing_11_4() {
    let root = mount().await;
    let ids = diagram_ids(&root);
    for id in [
        "node/kind-control-plane",
        "node/kind-worker",
        "node/kind-worker2",
        "pod/kiada-001",
        "pod/kiada-002",
        "pod/kiada-003",
        "load-balancer",
    ] {
        assert!(ids.iter().any(|i| i == id), "{id} missing from the diagram: {ids:?}");
    }
    let text = root.text_content().unwrap();
    assert!(root
        .query_selector(".diagram .scene")
        .unwrap()
        .unwrap()
        .inner_html()
        .contains("172.18.255.200"));
    assert!(!text.contains("error:"), "the default scenario shows an error: {text}");
    let rows = shares(&root);
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter().all(|(_, exact, percent)| exact == "1/3" && percent == "33.3%"),
        "{rows:?}"
    );
}

#[wasm_bindgen_test]
async fn every_preset_typed_in_renders_without_errors() {
    let root = mount().await;
    for preset in PRESETS {
        type_manifests(&root, preset.text).await;
        let problems =
            root.query_selector("#problems").unwrap().unwrap().text_content().unwrap_or_default();
        assert!(!problems.contains("error"), "{}: {problems}", preset.file);
        assert!(
            root.query_selector(".diagram .scene svg").unwrap().is_some(),
            "{}: no diagram",
            preset.file
        );
        assert!(
            root.query_selector(".diagram.dimmed").unwrap().is_none(),
            "{}: picture is stale",
            preset.file
        );
    }
}

#[wasm_bindgen_test]
async fn figure_11_11_local_gives_half_and_quarters_and_cluster_gives_thirds() {
    let root = mount().await;
    let preset = Preset::by_file("fig-11.11-local.yaml").unwrap();
    type_manifests(&root, preset.text).await;
    choose(&root, "Entry point", "load-balancer").await;
    let mut percents: Vec<String> = shares(&root).into_iter().map(|(_, _, p)| p).collect();
    percents.sort();
    assert_eq!(percents, ["25.0%", "25.0%", "50.0%"]);
    choose(&root, "External traffic policy", "Cluster").await;
    let rows = shares(&root);
    assert!(
        rows.iter().all(|(_, exact, percent)| exact == "1/3" && percent == "33.3%"),
        "{rows:?}"
    );
    assert!(root.text_content().unwrap().contains("Cluster (override)"));
}

#[wasm_bindgen_test]
async fn broken_yaml_lists_the_error_and_keeps_the_last_picture_dimmed() {
    let root = mount().await;
    let good = Preset::by_file("11.4-loadbalancer.yaml").unwrap().text;
    let broken =
        format!("{good}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: [broken\n");
    type_manifests(&root, &broken).await;
    let problems =
        root.query_selector("#problems").unwrap().unwrap().text_content().unwrap_or_default();
    let broken_line = broken.lines().count();
    assert!(
        problems.contains(&format!("{broken_line}:")),
        "no line:column for line {broken_line}: {problems}"
    );
    assert!(problems.contains("error"), "{problems}");
    assert!(
        root.query_selector(".diagram.dimmed .scene svg").unwrap().is_some(),
        "last good picture not kept dimmed"
    );
    assert!(diagram_ids(&root).iter().any(|id| id == "pod/kiada-001"));
}

#[wasm_bindgen_test]
async fn switching_to_a_node_port_shows_the_node_port_on_the_nodes() {
    let root = mount().await;
    choose(&root, "Entry point", "node-port").await;
    choose(&root, "Node", "kind-worker").await;
    let scene = root.query_selector(".diagram .scene").unwrap().unwrap().inner_html();
    assert!(scene.contains(":30080"), "node port 30080 not shown");
    assert!(scene.contains("entry node-port 172.18.0.4:30080"), "entry not on kind-worker");
}
