//! Layout checks on the book's scenarios: everything is drawn, no two boxes of the same
//! level overlap, wires start and end where their hops say, and big clusters stay readable.

use super::*;
use crate::presets::PRESETS;
use crate::scenario::evaluate;

fn scenes() -> Vec<(String, Scene)> {
    let mut out = Vec::new();
    for preset in PRESETS {
        let mut scenario = preset.scenario();
        for compare in [false, true] {
            scenario.compare = compare;
            let evaluation = evaluate(&scenario);
            let view = evaluation.view.unwrap_or_else(|err| panic!("{}: {err}", preset.file));
            if let Some(path) = std::env::var_os("SVCROUTE_DUMP_SVG") {
                let file = std::path::Path::new(&path).join(preset.file.replace(".yaml", ".svg"));
                let svg = crate::svg::write(&view.scene, &crate::svg::Options::default());
                std::fs::write(file, svg).unwrap();
            }
            out.push((preset.file.to_string(), (*view.scene).clone()));
            if let Some(other) = evaluation.other {
                out.push((format!("{} (other policy)", preset.file), (*other.scene).clone()));
            }
        }
    }
    out
}

fn assert_no_overlap(name: &str, scene: &Scene) {
    // Siblings must not overlap: pods with pods, nodes with nodes and with client/LB.
    for (idx, a) in scene.boxes.iter().enumerate() {
        for b in &scene.boxes[idx + 1..] {
            let same_level = (a.kind == BoxKind::Pod || a.kind == BoxKind::MorePods)
                == (b.kind == BoxKind::Pod || b.kind == BoxKind::MorePods);
            if same_level {
                assert!(!a.rect.overlaps(&b.rect), "{name}: {} overlaps {}", a.id, b.id);
            }
        }
        // Text fits its box: the longest line at the backend's average glyph width.
        let longest = std::iter::once(&a.title)
            .chain(&a.lines)
            .chain(&a.alert)
            .map(|t| t.chars().count())
            .max();
        let width = longest.unwrap_or(0) as f64 * CHAR_W;
        assert!(
            width <= a.rect.w,
            "{name}: text of {} is {width:.0} px in a {:.0} px box",
            a.id,
            a.rect.w
        );
        assert!(
            a.rect.right() <= scene.width && a.rect.bottom() <= scene.height,
            "{name}: {} leaves the scene",
            a.id
        );
    }
    for label in &scene.labels {
        let scale = if label.is_heading { HEADING } else { 1.0 };
        let right = label.at.x + text_width(&label.text, scale);
        assert!(right <= scene.width, "{name}: `{}` is cut at the scene's edge", label.text);
    }
    // A port's label stays on its node's title line, clear of the title, of every other box
    // and of every wire (with room for the widest stroke): wires used to cross the label
    // when it sat left of the port.
    for port in &scene.ports {
        let text_w = text_width(&port.label, BOLD);
        let label = Rect {
            x: port.label_at.x - text_w - 4.0,
            y: port.label_at.y - 16.0,
            w: text_w + 8.0,
            h: 20.0,
        };
        let node_id = format!("node/{}", port.node);
        for b in &scene.boxes {
            if b.id == node_id {
                let title_end = b.rect.x + 10.0 + text_width(&b.title, 1.0);
                assert!(title_end < label.x, "{name}: {}'s port label covers its title", port.node);
                assert!(
                    label.x > b.rect.x && label.right() < b.rect.right(),
                    "{name}: {}'s port label leaves its box",
                    port.node
                );
            } else {
                assert!(
                    !label.overlaps(&b.rect),
                    "{name}: {}'s port label overlaps {}",
                    port.node,
                    b.id
                );
            }
        }
        for wire in &scene.wires {
            for pair in wire.hops.iter().flat_map(|hop| hop.windows(2)) {
                let [from, to] = pair else { continue };
                let steps = ((to.x - from.x).abs().max((to.y - from.y).abs()) as usize).max(1);
                for step in 0..=steps {
                    let t = step as f64 / steps as f64;
                    let (x, y) = (from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t);
                    let inside =
                        x > label.x && x < label.right() && y > label.y && y < label.bottom();
                    assert!(
                        !inside,
                        "{name}: wire {} crosses {}'s port label",
                        wire.path_idx, port.node
                    );
                }
            }
        }
    }
}

#[test]
fn presets_lay_out_without_overlap_and_with_a_wire_per_path() {
    for (name, scene) in scenes() {
        assert_no_overlap(&name, &scene);
        for wire in &scene.wires {
            assert!(wire.hops.iter().all(|hop| !hop.is_empty()), "{name}: empty hop polyline");
        }
        assert!(scene.boxes.iter().any(|b| b.kind == BoxKind::Client), "{name}: no client");
    }
}

#[test]
fn listing_11_4_draws_the_load_balancer_nodes_and_pods_with_their_shares() {
    let preset = crate::presets::Preset::by_file("11.4-loadbalancer.yaml").unwrap();
    let view = evaluate(&preset.scenario()).view.unwrap();
    let ids: Vec<&str> = view.scene.boxes.iter().map(|b| b.id.as_str()).collect();
    for id in [
        "client",
        "load-balancer",
        "node/kind-control-plane",
        "node/kind-worker",
        "node/kind-worker2",
        "pod/kiada-001",
    ] {
        assert!(ids.contains(&id), "{id} missing: {ids:?}");
    }
    let pod = view.scene.boxes.iter().find(|b| b.id == "pod/kiada-001").unwrap();
    assert!(
        pod.lines.iter().any(|l| l.contains("10.244.1.90") && l.contains("1/3")),
        "{:?}",
        pod.lines
    );
    assert_eq!(view.scene.wires.len(), view.explanation.paths.len());
}

#[test]
fn fifty_nodes_and_five_hundred_pods_stay_readable() {
    let mut yaml = String::new();
    for node in 0..50 {
        yaml.push_str(&format!(
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-{node:02}\nspec:\n  podCIDR: 10.244.{node}.0/24\nstatus:\n  addresses:\n  - type: InternalIP\n    address: 10.0.0.{}\n  conditions:\n  - type: Ready\n    status: \"True\"\n---\n",
            node + 10
        ));
        for pod in 0..10 {
            yaml.push_str(&format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-{node:02}-{pod}\n  labels:\n    app: web\nspec:\n  nodeName: node-{node:02}\n  containers:\n  - name: web\nstatus:\n  phase: Running\n  podIP: 10.244.{node}.{}\n  conditions:\n  - type: Ready\n    status: \"True\"\n---\n",
                pod + 10
            ));
        }
    }
    yaml.push_str("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n  selector:\n    app: web\n  ports:\n  - port: 80\n");
    let scenario = crate::scenario::Scenario { manifests: yaml, ..Default::default() };
    let view = evaluate(&scenario).view.unwrap();
    assert_no_overlap("50 nodes", &view.scene);
    let nodes = view.scene.boxes.iter().filter(|b| b.kind == BoxKind::Node).count();
    assert_eq!(nodes, 50);
    // Ten pods per node: six rows, the rest grouped, never drawn over each other.
    let grouped = view.scene.boxes.iter().filter(|b| b.kind == BoxKind::MorePods).count();
    assert_eq!(grouped, 50);
    assert!(view.scene.width < 2200.0, "width {}", view.scene.width);
}

/// Every short form of a box's alert is reached from the route's own reason texts, so a change
/// of their wording cannot silently lose the short form.
#[test]
fn alerts_say_in_a_few_words_where_connections_die() {
    use crate::presets::Preset;
    let alerts = |scenario: &crate::scenario::Scenario| -> Vec<String> {
        let evaluation = evaluate(scenario);
        let view = evaluation.view.unwrap_or_else(|err| panic!("{err}"));
        view.scene.boxes.iter().filter_map(|b| b.alert.clone()).collect()
    };
    let preset = |file: &str| Preset::by_file(file).map(|p| p.scenario()).unwrap_or_default();
    let local = preset("local-node-without-pod.yaml");
    let mut no_pods = local.clone();
    no_pods.manifests =
        local.manifests.replace("selector:\n    app: kiada", "selector:\n    app: nothing-here");
    assert_ne!(no_pods.manifests, local.manifests);
    let mut no_pods_via_lb = no_pods.clone();
    no_pods_via_lb.entry = Some(crate::route::EntryKind::LoadBalancer);
    no_pods_via_lb.node = None;
    for (scenario, expected) in [
        (&local, "✕ dropped: no local endpoint here"),
        (&preset("source-ranges.yaml"), "✕ dropped: source not in allowed ranges"),
        (&no_pods, "✕ rejected: no endpoints at all"),
        (&no_pods_via_lb, "✕ dropped: no healthy node"),
    ] {
        let found = alerts(scenario);
        assert!(found.iter().any(|alert| alert == expected), "{expected:?} not in {found:?}");
    }
}
