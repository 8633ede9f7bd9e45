//! Layout: an [`Explanation`] on a [`Cluster`] becomes a [`Scene`] of positioned shapes.
//!
//! The client stands on the left, the load balancer (when the entry is one) beside it, and
//! the nodes in columns on the right, each with the pods that back the Service inside it.
//! Every path is a wire, one polyline per hop, so packets can travel it hop by hop; the extra
//! node-to-node hop of `externalTrafficPolicy: Cluster` runs outside the nodes, on their right.
//! Text is cut to fit its box, so labels never overlap, from 1 node to hundreds.

pub mod motion;
pub mod scene;

use crate::model::net::{Ip, Socket};
use crate::model::{Cluster, Endpoint};
use crate::route::{EntryKind, Explanation, Outcome, Place};
pub use scene::{BoxKind, BoxShape, BoxState, Label, Point, PortMark, Rect, Scene, Stop, Wire};
use std::collections::BTreeMap;

const MARGIN: f64 = 20.0;
const HEADING_H: f64 = 56.0;
const CLIENT_W: f64 = 170.0;
const CLIENT_H: f64 = 58.0;
const LB_W: f64 = 200.0;
const GAP_X: f64 = 70.0;
const NODE_W: f64 = 300.0;
const NODE_HEADER: f64 = 50.0;
const NODE_PAD: f64 = 16.0;
const NODE_GAP: f64 = 26.0;
const POD_H: f64 = 46.0;
/// The extra height of a box that carries an alert line.
const ALERT_H: f64 = 16.0;
/// The height of each further line of text in a box.
const LINE_H: f64 = 14.0;
const POD_GAP: f64 = 8.0;
const COLUMN_GAP: f64 = 90.0;
/// Pods drawn one by one per node; the rest share one "+N more pods" box.
pub const MAX_PODS_PER_NODE: usize = 6;
/// Average glyph width at the 12 px font the backends use, to cut text to fit.
const CHAR_W: f64 = 6.8;
/// How much wider bold 12 px type (port labels) and the 15 px heading are than [`CHAR_W`].
const BOLD: f64 = 1.1;
const HEADING: f64 = 1.35;

/// How wide `text` is drawn at `scale` times the average glyph width (1.0, [`BOLD`],
/// [`HEADING`]): the one estimate the layout (and its tests) make of text on screen.
fn text_width(text: &str, scale: f64) -> f64 {
    text.chars().count() as f64 * CHAR_W * scale
}

/// A few words for a box's alert line; the full reason is in the hop table and the title.
/// kube-proxy's rule comments are the shortest faithful summary, so they are preferred.
fn short_reason(reason: &str) -> String {
    const COMMENTS: [(&str, &str); 4] = [
        ("has no local endpoints", "no local endpoint here"),
        ("has no endpoints", "no endpoints at all"),
        ("traffic not accepted by", "source not in allowed ranges"),
        ("health check", "no healthy node"),
    ];
    COMMENTS
        .iter()
        .find(|(needle, _)| reason.contains(needle))
        .map_or_else(|| reason.to_string(), |(_, short)| short.to_string())
}

/// Cuts `text` to at most `max_chars` characters, ending with `…` when cut.
pub fn fit(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let kept: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    format!("{kept}…")
}

fn fit_width(text: &str, width: f64) -> String {
    fit(text, ((width / CHAR_W).floor() as usize).max(4))
}

/// A backend of the service port as drawn: a pod, or a bare endpoint from a hand-written slice.
struct Backend<'a> {
    id: String,
    title: String,
    endpoint: &'a Endpoint,
}

/// Things by name or box id: a `BTreeMap<String, usize>` into a Vec, the one string-keyed
/// index the crate uses, rather than one more tree type per kind of value in the page.
struct ByName<T> {
    index: BTreeMap<String, usize>,
    items: Vec<T>,
}

impl<T> ByName<T> {
    fn new() -> Self {
        Self { index: BTreeMap::new(), items: Vec::new() }
    }

    /// Files `item` under `name`, in place of what was there, as `BTreeMap::insert` does.
    fn insert(&mut self, name: String, item: T) {
        self.index.insert(name, self.items.len());
        self.items.push(item);
    }

    fn get(&self, name: &str) -> Option<&T> {
        self.index.get(name).and_then(|&idx| self.items.get(idx))
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut T> {
        self.index.get(name).and_then(|&idx| self.items.get_mut(idx))
    }

    /// Names and items, in name order.
    fn iter(&self) -> impl Iterator<Item = (&String, &T)> {
        self.index.iter().filter_map(|(name, &idx)| Some((name, self.items.get(idx)?)))
    }
}

/// Where a node's box went.
#[derive(Debug, Clone, Copy)]
struct NodePlace {
    rect: Rect,
    column: usize,
    /// The height of the box's header, above its pods.
    header: f64,
}

fn backend_id(endpoint: &Endpoint) -> String {
    match &endpoint.pod {
        Some(pod) => format!("pod/{pod}"),
        None => endpoint_id(endpoint.ip, endpoint.port),
    }
}

/// The box id of an endpoint without a pod (a hand-written EndpointSlice's address).
fn endpoint_id(ip: std::net::IpAddr, port: u16) -> String {
    format!("endpoint/{}:{port}", Ip(ip))
}

/// Lays out `explanation` over `cluster`.
pub fn layout(cluster: &Cluster, explanation: &Explanation) -> Scene {
    let mut scene = Scene::default();
    let service = cluster.service(&explanation.namespace, &explanation.service);
    let port = service.and_then(|svc| svc.ports.iter().find(|p| p.name == explanation.port.name));
    let no_endpoints: Vec<Endpoint> = Vec::new();
    let endpoints = port.map_or(&no_endpoints, |p| &p.endpoints);

    // Shares per box id, from the explanation.
    let mut shares: BTreeMap<String, String> = BTreeMap::new();
    for pod in &explanation.pods {
        shares
            .insert(format!("pod/{}", pod.pod), format!("{} · {}", pod.share, pod.share.percent()));
    }
    for path in &explanation.paths {
        if let Some(target) = path.target.as_ref().filter(|target| target.pod.is_none()) {
            let id = endpoint_id(target.ip, target.port);
            if !shares.contains_key(id.as_str()) {
                shares.insert(id, format!("{} · {}", path.share, path.share.percent()));
            }
        }
    }

    // Backends grouped by node; endpoints without nodeName go to a stand-in node.
    const NO_NODE: &str = "(no nodeName)";
    let mut by_node: ByName<Vec<Backend>> = ByName::new();
    // Each backend id drawn, with the index of its endpoint.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (idx, endpoint) in endpoints.iter().enumerate() {
        let id = backend_id(endpoint);
        if seen.contains_key(id.as_str()) {
            continue;
        }
        seen.insert(id.clone(), idx);
        let title = endpoint
            .pod
            .clone()
            .unwrap_or_else(|| format!("{}:{}", Ip(endpoint.ip), endpoint.port));
        let node = endpoint.node_name.clone().unwrap_or_else(|| NO_NODE.to_string());
        let backend = Backend { id, title, endpoint };
        match by_node.get_mut(&node) {
            Some(backends) => backends.push(backend),
            None => by_node.insert(node, vec![backend]),
        }
    }
    let client_pod = match &explanation.client.client {
        crate::route::Client::Pod { name, .. } => Some(name.clone()),
        _ => None,
    };
    let client_node = explanation.client.node.clone();

    // Where connections die: the box their last hop reaches gets an alert line.
    let mut alerts: BTreeMap<String, String> = BTreeMap::new();
    for path in explanation.paths.iter().filter(|p| p.outcome != Outcome::Delivered) {
        let id = match path.hops.last().map(|h| &h.to) {
            Some(Place::Node(name)) => format!("node/{name}"),
            Some(Place::LoadBalancer) => "load-balancer".to_string(),
            Some(Place::Pod(name)) => format!("pod/{name}"),
            Some(Place::Client) | None => "client".to_string(),
        };
        if !alerts.contains_key(id.as_str()) {
            let alert = format!("✕ {}: {}", path.outcome.as_str(), short_reason(&path.reason));
            alerts.insert(id, alert);
        }
    }

    // Node order: by name, as kubectl lists them; the stand-in last.
    let mut node_names: Vec<String> = Vec::new();
    for node in &cluster.nodes {
        node_names.push(node.name.clone());
    }
    if by_node.get(NO_NODE).is_some() {
        node_names.push(NO_NODE.to_string());
    }
    for (name, _) in by_node.iter() {
        if !node_names.contains(name) {
            node_names.push(name.clone());
        }
    }

    // Heading.
    let policy = &explanation.policy;
    scene.labels.push(Label {
        at: Point::new(MARGIN, 24.0),
        text: format!(
            "{}/{} · port {} {}/{} → {}",
            explanation.namespace,
            explanation.service,
            if explanation.port.name.is_empty() { "(unnamed)" } else { &explanation.port.name },
            explanation.port.port,
            explanation.port.protocol,
            explanation.port.target_port
        ),
        is_heading: true,
    });
    scene.labels.push(Label {
        at: Point::new(MARGIN, 44.0),
        text: format!(
            "entry {} {} · externalTrafficPolicy {}{} · internalTrafficPolicy {}{} · {}",
            explanation.entry.kind,
            Socket(explanation.entry.address),
            policy.external_traffic_policy,
            if policy.external_overridden { " (override)" } else { "" },
            policy.internal_traffic_policy,
            if policy.internal_overridden { " (override)" } else { "" },
            explanation.outcome.as_str()
        ),
        is_heading: false,
    });

    let has_lb = explanation.entry.kind == EntryKind::LoadBalancer
        || explanation.paths.iter().any(|p| p.hops.iter().any(|h| h.to == Place::LoadBalancer));
    let nodes_x = MARGIN + CLIENT_W + GAP_X + if has_lb { LB_W + GAP_X } else { 0.0 };
    // The port the entry's packets arrive at on each node, written at the right of the node's
    // title line: left of the port, where it was, the wires fanning out to the nodes crossed it.
    let port_label = match explanation.entry.kind {
        EntryKind::NodePort => explanation.port.node_port.map(|p| format!(":{p}")),
        EntryKind::LoadBalancer => explanation.port.node_port.map(|p| format!(":{p}")),
        EntryKind::ExternalIp => Some(format!(":{}", explanation.port.port)),
        EntryKind::ClusterIp => None,
    };
    // Its width, and a gap before it.
    let port_label_w = port_label.as_ref().map_or(0.0, |label| text_width(label, BOLD) + 8.0);
    let top = HEADING_H + 14.0;

    // Node boxes in columns.
    let n_nodes = node_names.len().max(1);
    let columns =
        if n_nodes <= 4 { 1 } else { ((n_nodes as f64 / 4.0).sqrt().ceil() as usize).max(1) };
    let per_column = n_nodes.div_ceil(columns);
    let mut nodes: ByName<NodePlace> = ByName::new();
    let mut column_right = vec![0.0_f64; columns];
    let mut max_bottom = top;
    let mut pod_rects: ByName<Rect> = ByName::new();
    let mut lb_pool = Vec::new();
    for name in &explanation.load_balancer_nodes {
        lb_pool.push(name);
    }
    let lb_pool = crate::sort::sorted_unique(lb_pool);
    let is_in_lb_pool = |name: &String| lb_pool.binary_search(&name).is_ok();
    for (idx, node_name) in node_names.iter().enumerate() {
        let column = idx / per_column;
        let row_in_column = idx % per_column;
        let x = nodes_x + column as f64 * (NODE_W + COLUMN_GAP);
        let _ = row_in_column;
        let backends = by_node.get(node_name).map(Vec::as_slice).unwrap_or(&[]);
        let mut drawn: Vec<&Backend> = Vec::with_capacity(backends.len());
        for backend in backends {
            drawn.push(backend);
        }
        crate::sort::sort_by(&mut drawn, |a, b| a.title.cmp(&b.title));
        let mut shown_pods = drawn.len().min(MAX_PODS_PER_NODE);
        let has_more = drawn.len() > MAX_PODS_PER_NODE;
        if has_more {
            shown_pods = MAX_PODS_PER_NODE - 1;
        }
        let client_pod_here = client_pod.as_ref().filter(|name| {
            cluster
                .pods
                .iter()
                .any(|p| &p.name == *name && p.node_name.as_deref() == Some(node_name.as_str()))
                && !drawn.iter().any(|b| b.endpoint.pod.as_deref() == Some(name.as_str()))
        });
        let rows = shown_pods + usize::from(has_more) + usize::from(client_pod_here.is_some());
        let node = cluster.node(node_name);
        let mut lines = Vec::new();
        if let Some(node) = node {
            let mut line = Ip(node.internal_ip).to_string();
            if let Some(cidr) = &node.pod_cidr {
                line.push_str(&format!(" · pods {cidr}"));
            }
            lines.push(fit_width(&line, NODE_W - 2.0 * NODE_PAD));
        }
        if let (true, false, Some(node)) = (has_lb, is_in_lb_pool(node_name), node) {
            // Say why, as the cloud service controller and the health check decide it.
            let why = match crate::route::load_balancer::excluded_from_pool(node) {
                Some(_)
                    if node.labels.contains_key(
                        "node.kubernetes.io/exclude-from-external-load-balancers",
                    ) =>
                {
                    "not behind the LB: exclude label".to_string()
                }
                Some(reason) => format!("not behind the LB: {reason}"),
                None if explanation.policy.external_traffic_policy
                    == crate::model::TrafficPolicy::Local =>
                {
                    "LB health check fails (no ready pod)".to_string()
                }
                None => "not a target of the load balancer".to_string(),
            };
            lines.push(fit_width(&why, NODE_W - 2.0 * NODE_PAD));
        }
        let alert = alerts
            .get(format!("node/{node_name}").as_str())
            .map(|text| fit_width(text, NODE_W - 2.0 * NODE_PAD));
        let header = NODE_HEADER
            + LINE_H * lines.len().saturating_sub(1) as f64
            + if alert.is_some() { ALERT_H } else { 0.0 };
        let height = header
            + rows as f64 * (POD_H + POD_GAP)
            + if rows == 0 { 10.0 } else { NODE_PAD - POD_GAP };
        let y = column_y(&nodes, column, top);
        let rect = Rect { x, y, w: NODE_W, h: height };
        nodes.insert(node_name.clone(), NodePlace { rect, column, header });
        column_right[column] = rect.right();
        max_bottom = max_bottom.max(rect.bottom());

        let state = if node.is_some_and(|n| n.ready == Some(false)) {
            BoxState::NotReady
        } else if has_lb && !is_in_lb_pool(node_name) {
            BoxState::OutOfPool
        } else if client_node.as_deref() == Some(node_name.as_str()) && client_pod.is_none() {
            BoxState::IsClient
        } else {
            BoxState::Normal
        };
        scene.boxes.push(BoxShape {
            kind: BoxKind::Node,
            id: format!("node/{node_name}"),
            rect,
            title: fit_width(node_name, NODE_W - 2.0 * NODE_PAD - port_label_w),
            lines,
            alert,
            state,
        });

        // Pods inside the node.
        let mut row = 0usize;
        let pod_w = NODE_W - 2.0 * NODE_PAD;
        // The box of the `row`-th pod row inside this node.
        let row_rect = |row: usize| Rect {
            x: x + NODE_PAD,
            y: y + header + row as f64 * (POD_H + POD_GAP),
            w: pod_w,
            h: POD_H,
        };
        for backend in drawn.iter().take(shown_pods) {
            let pod_rect = row_rect(row);
            row += 1;
            let endpoint = backend.endpoint;
            let readiness = if endpoint.is_terminating {
                if endpoint.is_serving {
                    "terminating, serving"
                } else {
                    "terminating"
                }
            } else if endpoint.is_ready {
                "ready"
            } else {
                "not ready"
            };
            let mut line = format!("{} · {}", Ip(endpoint.ip), readiness);
            if let Some(share) = shares.get(backend.id.as_str()) {
                line = format!("{line} · {share}");
            }
            let state = if endpoint.is_terminating {
                BoxState::Terminating
            } else if !endpoint.is_ready {
                BoxState::NotReady
            } else if client_pod.as_deref() == endpoint.pod.as_deref() && client_pod.is_some() {
                BoxState::IsClient
            } else {
                BoxState::Normal
            };
            pod_rects.insert(backend.id.clone(), pod_rect);
            scene.boxes.push(BoxShape {
                kind: BoxKind::Pod,
                id: backend.id.clone(),
                rect: pod_rect,
                title: fit_width(&backend.title, pod_w - 16.0),
                lines: vec![fit_width(&line, pod_w - 16.0)],
                alert: None,
                state,
            });
        }
        if has_more {
            let hidden = &drawn[shown_pods..];
            let more_rect = row_rect(row);
            row += 1;
            let id = format!("more/{node_name}");
            for backend in hidden {
                pod_rects.insert(backend.id.clone(), more_rect);
            }
            let with_traffic = hidden.iter().filter(|b| shares.contains_key(b.id.as_str())).count();
            scene.boxes.push(BoxShape {
                kind: BoxKind::MorePods,
                id,
                rect: more_rect,
                title: format!("+{} more pods", hidden.len()),
                lines: vec![format!("{with_traffic} of them receive traffic")],
                alert: None,
                state: BoxState::Normal,
            });
        }
        if let Some(name) = client_pod_here {
            let pod_rect = row_rect(row);
            pod_rects.insert(format!("pod/{name}"), pod_rect);
            let ip = Ip(explanation.client.ip).to_string();
            scene.boxes.push(BoxShape {
                kind: BoxKind::Pod,
                id: format!("pod/{name}"),
                rect: pod_rect,
                title: fit_width(name, pod_w - 16.0),
                lines: vec![fit_width(&format!("{ip} · client"), pod_w - 16.0)],
                alert: None,
                state: BoxState::IsClient,
            });
        }
    }

    // Client and load balancer, centred on the first column.
    let first_column_bottom = nodes
        .iter()
        .filter(|(_, place)| place.column == 0)
        .map(|(_, place)| place.rect.bottom())
        .fold(top + CLIENT_H, f64::max);
    let mid_y = ((top + first_column_bottom) / 2.0).min(top + 260.0);
    let client_h = CLIENT_H + if alerts.contains_key("client") { ALERT_H } else { 0.0 };
    let client_rect = Rect { x: MARGIN, y: mid_y - CLIENT_H / 2.0, w: CLIENT_W, h: client_h };
    let (client_title, client_line) = match &explanation.client.client {
        crate::route::Client::External(ip) => ("client (outside)".to_string(), Ip(*ip).to_string()),
        crate::route::Client::Pod { name, .. } => {
            (format!("pod {name}"), Ip(explanation.client.ip).to_string())
        }
        crate::route::Client::Node(name) => {
            (format!("node {name}"), Ip(explanation.client.ip).to_string())
        }
    };
    scene.boxes.insert(
        0,
        BoxShape {
            kind: BoxKind::Client,
            id: "client".to_string(),
            rect: client_rect,
            title: fit_width(&client_title, CLIENT_W - 16.0),
            lines: vec![fit_width(&client_line, CLIENT_W - 16.0)],
            alert: alerts.get("client").map(|text| fit_width(text, CLIENT_W - 16.0)),
            state: BoxState::Normal,
        },
    );
    let lb_h = CLIENT_H + if alerts.contains_key("load-balancer") { ALERT_H } else { 0.0 };
    let lb_rect =
        Rect { x: MARGIN + CLIENT_W + GAP_X, y: mid_y - CLIENT_H / 2.0, w: LB_W, h: lb_h };
    if has_lb {
        scene.boxes.insert(
            1,
            BoxShape {
                kind: BoxKind::LoadBalancer,
                id: "load-balancer".to_string(),
                rect: lb_rect,
                title: "load balancer".to_string(),
                lines: vec![fit_width(&Socket(explanation.entry.address).to_string(), LB_W - 16.0)],
                alert: alerts.get("load-balancer").map(|text| fit_width(text, LB_W - 16.0)),
                state: BoxState::Normal,
            },
        );
    }

    // Port marks: where the entry's packets arrive on each node.
    if let Some(label) = port_label {
        for (name, place) in nodes.iter() {
            if cluster.node(name).is_some() {
                scene.ports.push(PortMark {
                    node: name.clone(),
                    at: port_point(&place.rect),
                    label: label.clone(),
                    label_at: Point::new(place.rect.right() - 10.0, place.rect.y + 18.0),
                });
            }
        }
    }

    // Wires.
    let client_pod_id = client_pod.as_ref().map(|name| format!("pod/{name}"));
    for (path_idx, path) in explanation.paths.iter().enumerate() {
        let mut hops: Vec<Vec<Point>> = Vec::new();
        let mut cursor: Option<Point> = None;
        // A count, not an f64: `%` on floats would bring libm's fmod (1.2 KB) into the page.
        let mut lane = 0u32;
        for hop in &path.hops {
            // A packet leaves the load balancer on its far side, never across its label.
            let cursor_here = if hop.from == Place::LoadBalancer { None } else { cursor };
            let start = cursor_here.unwrap_or_else(|| match &hop.from {
                Place::Client => match &client_pod_id {
                    Some(id) => pod_rects.get(id).map_or(right_mid(&client_rect), right_mid),
                    None => right_mid(&client_rect),
                },
                Place::LoadBalancer => right_mid(&lb_rect),
                Place::Node(name) => {
                    nodes.get(name).map_or(right_mid(&client_rect), |place| port_point(&place.rect))
                }
                Place::Pod(name) => {
                    pod_rects.get(&format!("pod/{name}")).map_or(right_mid(&client_rect), right_mid)
                }
            });
            let points = match (&hop.from, &hop.to) {
                (_, Place::LoadBalancer) => curve(start, left_mid(&lb_rect)),
                (Place::Node(from), Place::Node(to)) if from != to => {
                    let (Some(place_a), Some(place_b)) = (nodes.get(from), nodes.get(to)) else {
                        hops.push(vec![start]);
                        continue;
                    };
                    let (a, b) = (&place_a.rect, &place_b.rect);
                    lane += 1;
                    let (col_a, col_b) = (place_a.column, place_b.column);
                    let lane_a = column_right.get(col_a).copied().unwrap_or(a.right())
                        + 12.0
                        + 5.0 * f64::from(lane % 6);
                    let lane_b = column_right.get(col_b).copied().unwrap_or(b.right())
                        + 12.0
                        + 5.0 * f64::from(lane % 6);
                    let ya = a.y + place_a.header - 6.0;
                    let yb = b.y + place_b.header - 6.0;
                    let mut pts = vec![
                        start,
                        Point::new(a.x + 10.0, ya),
                        Point::new(a.right(), ya),
                        Point::new(lane_a, ya),
                    ];
                    if col_a != col_b {
                        let over = top - 8.0;
                        pts.push(Point::new(lane_a, over));
                        pts.push(Point::new(lane_b, over));
                    }
                    pts.push(Point::new(lane_b, yb));
                    pts.push(Point::new(b.right(), yb));
                    pts
                }
                (_, Place::Node(name)) => match nodes.get(name) {
                    Some(&NodePlace { rect, column, .. }) => {
                        let from_own_pod = matches!(&hop.from, Place::Pod(_))
                            || (matches!(&hop.from, Place::Client) && client_pod_id.is_some());
                        if from_own_pod {
                            // A pod's packet is caught by its own node's rules: a short hook
                            // up to the node's header.
                            vec![start, Point::new(rect.x + NODE_W - 30.0, rect.y + 30.0)]
                        } else if column > 0 {
                            // A node in a further column: over the top of the nodes and down
                            // the gap before its column, never across another column's pods.
                            let port = port_point(&rect);
                            let gap_x = rect.x - COLUMN_GAP / 2.0 - 10.0;
                            let over = top - 8.0;
                            let mut pts = curve(start, Point::new(nodes_x - 24.0, over));
                            pts.extend([Point::new(gap_x, over), Point::new(gap_x, port.y), port]);
                            pts
                        } else {
                            curve(start, port_point(&rect))
                        }
                    }
                    None => vec![start],
                },
                (_, Place::Pod(name)) => {
                    let id = format!("pod/{name}");
                    let target = pod_rects.get(&id).copied().or_else(|| {
                        path.target
                            .as_ref()
                            .and_then(|t| pod_rects.get(&endpoint_id(t.ip, t.port)).copied())
                    });
                    match target {
                        Some(rect) => {
                            if start.x > rect.x + rect.w / 2.0 {
                                vec![
                                    start,
                                    Point::new(rect.right() + 6.0, start.y),
                                    right_mid(&rect),
                                ]
                            } else {
                                curve(start, left_mid(&rect))
                            }
                        }
                        None => vec![start],
                    }
                }
                (_, Place::Client) => vec![start, right_mid(&client_rect)],
            };
            cursor = points.last().copied();
            hops.push(points);
        }
        let is_delivered = path.outcome == Outcome::Delivered;
        scene.wires.push(Wire {
            path_idx,
            hops,
            width: 1.5 + 12.0 * path.share.to_f64(),
            is_delivered,
            share_label: path.share.to_string(),
        });
        if !is_delivered {
            let at = cursor.unwrap_or_else(|| right_mid(&client_rect));
            scene.stops.push(Stop {
                path_idx,
                at,
                outcome: path.outcome.as_str().to_string(),
                reason: path.reason.clone(),
            });
        }
    }

    let right =
        column_right.iter().copied().fold(nodes_x + NODE_W, f64::max) + COLUMN_GAP / 2.0 + 20.0;
    // The heading and the line under it are never cut: the scene is at least as wide as they
    // are (the heading's type is larger and bold).
    let text_right = scene
        .labels
        .iter()
        .map(|label| {
            label.at.x + text_width(&label.text, if label.is_heading { HEADING } else { 1.0 })
        })
        .fold(0.0, f64::max);
    scene.width = right.max(640.0).max(text_right + MARGIN);
    scene.height = max_bottom.max(client_rect.bottom()) + MARGIN + 10.0;
    scene
}

fn column_y(nodes: &ByName<NodePlace>, column: usize, top: f64) -> f64 {
    nodes
        .iter()
        .filter(|(_, place)| place.column == column)
        .map(|(_, place)| place.rect.bottom() + NODE_GAP)
        .fold(top, f64::max)
}

fn port_point(rect: &Rect) -> Point {
    Point::new(rect.x, rect.y + 26.0)
}

fn right_mid(rect: &Rect) -> Point {
    Point::new(rect.right(), rect.center_y())
}

fn left_mid(rect: &Rect) -> Point {
    Point::new(rect.x, rect.center_y())
}

/// A smooth S-curve from `a` to `b` with horizontal ends, sampled as a polyline so a packet
/// can follow it at constant speed.
fn curve(a: Point, b: Point) -> Vec<Point> {
    const STEPS: usize = 16;
    let dx = (b.x - a.x) / 2.0;
    let c1 = Point::new(a.x + dx, a.y);
    let c2 = Point::new(b.x - dx, b.y);
    let mut points = Vec::with_capacity(STEPS + 1);
    for step in 0..=STEPS {
        let t = step as f64 / STEPS as f64;
        let u = 1.0 - t;
        points.push(Point::new(
            u * u * u * a.x + 3.0 * u * u * t * c1.x + 3.0 * u * t * t * c2.x + t * t * t * b.x,
            u * u * u * a.y + 3.0 * u * u * t * c1.y + 3.0 * u * t * t * c2.y + t * t * t * b.y,
        ));
    }
    points
}

#[cfg(test)]
mod tests;
