//! Browser tests (wasm32 only): mount the real app in headless Chromium, type into the
//! labelled textarea, switch controls, and assert what a user sees in the DOM.
#![cfg(target_arch = "wasm32")]
// Test helpers: a failed unwrap or panic is a failed test with a line number.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

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
    // Earlier tests' apps wrote their scenarios into the address: start from a clean one.
    let history = web_sys::window().unwrap().history().unwrap();
    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("?")).unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let props = AppProps { initial: None, debounce_ms: 0, mode: None, fragment: None };
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
    assert_eq!(class_of(&root, ".diagram"), "diagram dimmed");
    assert!(diagram_ids(&root).iter().any(|id| id == "pod/kiada-001"));
}

/// The whole `class` attribute of the first element matching `selector`: the page writes
/// each class list as one string, so its exact spelling is part of what the page shows.
fn class_of(root: &Element, selector: &str) -> String {
    let element = root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}"));
    element.get_attribute("class").unwrap_or_default()
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

/// Mounts the app as a link with `fragment` (and `mode`) would open it.
async fn mount_link(fragment: &str, mode: svcroute::app::url::PageMode) -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let props = AppProps {
        initial: None,
        debounce_ms: 0,
        mode: Some(mode),
        fragment: Some(fragment.to_string()),
    };
    yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    settle().await;
    root
}

#[wasm_bindgen_test]
async fn a_link_restores_every_preset_exactly() {
    for preset in PRESETS {
        let mut scenario = preset.scenario();
        scenario.seed = 42;
        let fragment = svcroute::permalink::to_fragment(&scenario);
        let root = mount_link(&fragment, Default::default()).await;
        let area = control(&root, "Manifests").dyn_into::<HtmlTextAreaElement>().unwrap();
        assert_eq!(area.value(), preset.text, "{}: manifests differ", preset.file);
        let expected = svcroute::scenario::evaluate(&scenario);
        let view = expected.view.as_ref().unwrap();
        let heading = root
            .query_selector(".diagram .scene text.muted")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap();
        assert!(
            heading.contains(&view.explanation.entry.address.to_string()),
            "{}: {heading}",
            preset.file
        );
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn controls_survive_the_round_trip_through_the_link() {
    let mut scenario = Preset::by_file("fig-11.11-local.yaml").unwrap().scenario();
    scenario.entry = Some(svcroute::route::EntryKind::NodePort);
    scenario.node = Some("node-b".to_string());
    scenario.external_traffic_policy = Some(svcroute::model::TrafficPolicy::Cluster);
    let root = mount_link(&svcroute::permalink::to_fragment(&scenario), Default::default()).await;
    let value =
        |label: &str| control(&root, label).dyn_into::<HtmlSelectElement>().unwrap().value();
    assert_eq!(value("Entry point"), "node-port");
    assert_eq!(value("Node"), "node-b");
    assert_eq!(value("External traffic policy"), "Cluster");
    root.remove();
}

#[wasm_bindgen_test]
async fn damaged_links_say_so_and_show_the_default_scenario() {
    let good = svcroute::permalink::to_fragment(&svcroute::presets::default_scenario());
    let huge = {
        // A valid header with a body that inflates to far more than any scenario.
        let mut scenario = svcroute::presets::default_scenario();
        scenario.manifests = "a".repeat(100 * 1024 * 1024);
        svcroute::permalink::to_fragment(&scenario)
    };
    let damaged = [
        good[..good.len() / 2].to_string(),
        format!("{good}!!**"),
        "v1.%%%not-base64%%%".to_string(),
        huge,
        "hello".to_string(),
    ];
    for fragment in damaged {
        let root = mount_link(&fragment, Default::default()).await;
        let banner = root
            .query_selector(".banner")
            .unwrap()
            .map(|b| b.text_content().unwrap_or_default())
            .unwrap_or_default();
        assert!(
            banner.to_lowercase().contains("link"),
            "no message for a damaged link: {banner:?}"
        );
        assert!(
            diagram_ids(&root).iter().any(|id| id == "pod/kiada-001"),
            "default scenario not shown"
        );
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn embed_mode_shows_the_diagram_and_shares_but_no_editor() {
    let fragment = svcroute::permalink::to_fragment(&svcroute::presets::default_scenario());
    let mode = svcroute::app::url::PageMode {
        embed: true,
        autoplay: Some(true),
        compare: true,
        hide_controls: false,
    };
    let root = mount_link(&fragment, mode).await;
    assert!(root.query_selector("textarea").unwrap().is_none(), "embed mode shows the editor");
    assert!(root.query_selector(".controls").unwrap().is_none(), "embed mode shows the controls");
    assert_eq!(
        root.query_selector_all(".diagram .scene svg").unwrap().length(),
        2,
        "compare shows two diagrams"
    );
    assert!(root.query_selector(".playback").unwrap().is_some());
    assert!(root.query_selector(".shares table").unwrap().is_some());
    assert_eq!(class_of(&root, ".views"), "views compare");
    assert_eq!(class_of(&root, ".diagram"), "diagram");
    root.remove();
    let hidden = svcroute::app::url::PageMode {
        embed: true,
        autoplay: None,
        compare: false,
        hide_controls: true,
    };
    let root = mount_link(&fragment, hidden).await;
    assert!(
        root.query_selector(".playback").unwrap().is_none(),
        "controls=none still shows controls"
    );
    assert_eq!(class_of(&root, ".views"), "views");
    root.remove();
}

/// The paths of the packets stepped through, one new connection per two steps.
async fn stepped_paths(fragment: &str) -> Vec<String> {
    let paused = svcroute::app::url::PageMode { autoplay: Some(false), ..Default::default() };
    let root = mount_link(fragment, paused).await;
    let step = || {
        let buttons = root.query_selector_all(".playback button").unwrap();
        (0..buttons.length())
            .map(|i| buttons.item(i).unwrap().dyn_into::<web_sys::HtmlElement>().unwrap())
            .find(|b| b.text_content().unwrap_or_default() == "Send one connection")
            .unwrap()
    };
    let mut seen = Vec::new();
    for _ in 0..12 {
        step().click();
        settle().await;
        let packets = root.query_selector_all(".packets .packet").unwrap();
        let last = packets.item(packets.length().saturating_sub(1));
        seen.push(
            last.and_then(|p| p.dyn_into::<Element>().ok())
                .and_then(|p| p.get_attribute("data-path"))
                .unwrap_or_default(),
        );
    }
    root.remove();
    seen
}

#[wasm_bindgen_test]
async fn the_same_seed_sends_the_same_connections() {
    let mut scenario = Preset::by_file("fig-11.11-cluster.yaml").unwrap().scenario();
    scenario.seed = 7;
    let fragment = svcroute::permalink::to_fragment(&scenario);
    let first = stepped_paths(&fragment).await;
    let second = stepped_paths(&fragment).await;
    assert_eq!(first, second);
    assert!(
        first.iter().collect::<std::collections::BTreeSet<_>>().len() > 1,
        "all connections took one path: {first:?}"
    );
}

fn button(root: &Element, text: &str) -> web_sys::HtmlElement {
    let buttons = root.query_selector_all("button").unwrap();
    (0..buttons.length())
        .map(|i| buttons.item(i).unwrap().dyn_into::<web_sys::HtmlElement>().unwrap())
        .find(|b| {
            b.text_content().unwrap_or_default().trim() == text
                || b.get_attribute("aria-label").as_deref() == Some(text)
        })
        .unwrap_or_else(|| panic!("no button {text:?}"))
}

#[wasm_bindgen_test]
async fn the_hop_table_shows_where_dnat_and_snat_rewrite_the_packet() {
    let root = mount().await;
    type_manifests(&root, Preset::by_file("11.3-nodeport.yaml").unwrap().text).await;
    choose(&root, "Entry point", "node-port").await;
    choose(&root, "Node", "kind-worker").await;
    // Path 1: the book's curl to kind-worker answered by kiada-001 on kind-worker2.
    button(&root, "Show the hops of path 1").click();
    settle().await;
    let hops = root.query_selector(".hops").unwrap().expect("a hop table").text_content().unwrap();
    assert!(hops.contains("kiada-001"), "{hops}");
    assert!(hops.contains("DNAT → 10.244.1.90:8080"), "{hops}");
    assert!(hops.contains("SNAT (masquerade) → 172.18.0.4"), "{hops}");
    assert!(hops.contains("The pod sees the client as 172.18.0.4"), "{hops}");
    // The selected path is marked on the diagram, and the hops that rewrite are marked.
    assert_eq!(class_of(&root, ".diagram"), "diagram has-selection");
    let rewritten = root.query_selector_all(".hops tr.rewritten").unwrap();
    assert!(rewritten.length() > 0, "no hop marked as rewritten");
    assert_eq!(class_of(&root, ".hops tr.rewritten"), "rewritten");
    // The book's curl output, line for line.
    assert!(
        hops.contains(
            "Request processed by Kubia 1.0 running in pod \"kiada-001\" on node \"kind-worker2\"."
        ),
        "{hops}"
    );
    assert!(hops.contains("Pod hostname: kiada-001; Pod IP: 10.244.1.90; Node IP: 172.18.0.2; Client IP: ::ffff:172.18.0.4"), "{hops}");
}

#[wasm_bindgen_test]
async fn the_kubectl_tab_prints_the_books_tables() {
    let root = mount().await;
    button(&root, "kubectl views").click();
    settle().await;
    let text =
        root.query_selector(".kubectl").unwrap().expect("kubectl views").text_content().unwrap();
    assert!(
        text.contains(
            "kiada   LoadBalancer   10.96.226.212   172.18.255.200   80:30080/TCP,443:30443/TCP"
        ),
        "{text}"
    );
    assert!(text.contains("kind-control-plane"), "{text}");
    assert!(text.contains("INTERNAL-IP"), "{text}");
}

#[wasm_bindgen_test]
async fn json_and_fields_before_kind_are_read_as_on_the_command_line() {
    // The page reads JSON with the same reader as the CLI.
    let root = mount().await;
    let json = r#"{"apiVersion": "v1", "kind": "List", "items": [
      {"metadata": {"name": "web", "labels": {"app": "web"}}, "kind": "Pod", "apiVersion": "v1",
       "spec": {"nodeName": "kind-worker", "containers": [{"name": "web"}]},
       "status": {"phase": "Running", "podIP": "10.244.2.7", "conditions": [{"type": "Ready", "status": "True"}]}},
      {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
       "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80, "nodePort": 30123}]}}]}"#;
    type_manifests(&root, json).await;
    let problems =
        root.query_selector("#problems").unwrap().unwrap().text_content().unwrap_or_default();
    assert!(!problems.contains("error"), "{problems}");
    assert!(diagram_ids(&root).iter().any(|id| id == "pod/web"), "{:?}", diagram_ids(&root));
    let scene = root.query_selector(".diagram .scene").unwrap().unwrap().inner_html();
    assert!(scene.contains(":30123"), "node port not shown");
    // A JSON syntax error is reported at its line and column.
    type_manifests(
        &root,
        "{\"apiVersion\": \"v1\",\n \"kind\": \"Service\",\n \"metadata\": {\"name\": }}",
    )
    .await;
    let problems =
        root.query_selector("#problems").unwrap().unwrap().text_content().unwrap_or_default();
    assert!(problems.contains("3:"), "no line 3 in: {problems}");
}

#[wasm_bindgen_test]
async fn a_dump_without_anything_in_default_shows_its_own_namespace() {
    let root = mount().await;
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: cart-1\n  namespace: shop\n  labels:\n    app: cart\nspec:\n  nodeName: kind-worker\n  containers:\n  - name: cart\nstatus:\n  phase: Running\n  podIP: 10.244.2.40\n  conditions:\n  - type: Ready\n    status: \"True\"\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: cart\n  namespace: shop\nspec:\n  type: NodePort\n  selector:\n    app: cart\n  ports:\n  - port: 80\n";
    type_manifests(&root, yaml).await;
    assert!(diagram_ids(&root).iter().any(|id| id == "pod/cart-1"), "{:?}", diagram_ids(&root));
    let service = control(&root, "Service").dyn_into::<HtmlSelectElement>().unwrap();
    assert_eq!(service.value(), "shop/cart");
    // Choosing it again from the menu keeps it.
    choose(&root, "Service", "shop/cart").await;
    assert!(diagram_ids(&root).iter().any(|id| id == "pod/cart-1"));
}

#[wasm_bindgen_test]
async fn a_reload_keeps_what_was_typed() {
    let root = mount().await;
    let preset = PRESETS.iter().find(|p| p.text.contains("kiada-003")).unwrap_or(&PRESETS[0]);
    let edited = format!("# my notes\n{}", preset.text);
    type_manifests(&root, &edited).await;
    // A second app on the same page, with the scenario gone from the address, stands for the
    // reload: it starts from what was saved.
    let history = web_sys::window().unwrap().history().unwrap();
    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("?")).unwrap();
    let document = web_sys::window().unwrap().document().unwrap();
    let again = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&again).unwrap();
    let props = AppProps { initial: None, debounce_ms: 0, mode: None, fragment: None };
    yew::Renderer::<App>::with_root_and_props(again.clone(), props).render();
    settle().await;
    let area = control(&again, "Manifests").dyn_into::<HtmlTextAreaElement>().unwrap();
    assert_eq!(area.value(), edited);
}
