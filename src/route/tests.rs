//! Checks of the routing engine: each test states a cluster and a query and compares the
//! compact hop table a person would read (one line per path) with the expected text.

use super::*;
use crate::model::{
    Cidr, Cluster, Endpoint, IpMode, LoadBalancerIngress, Node, Pod, Service, ServicePort,
    ServiceType, SessionAffinity, Taint, TargetPort, TrafficPolicy,
};
use crate::route::simulate::{connections, simulate};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::net::SocketAddr;

// ---------------------------------------------------------------- the one check

/// Renders an explanation as the compact hop table: a head line, then one line per path:
/// share, via node, pod, snat, client IP seen, hops with rewrites.
fn render(expl: &Explanation) -> String {
    let pods: Vec<String> =
        expl.pods.iter().map(|pod| format!("{} {}", pod.pod, pod.share)).collect();
    let mut out = format!("{} {} {}", expl.outcome.as_str(), expl.entry.kind, expl.entry.address);
    if !pods.is_empty() {
        out.push_str(&format!("; pods: {}", pods.join(", ")));
    }
    if !expl.load_balancer_nodes.is_empty() {
        out.push_str(&format!("; lb: {}", expl.load_balancer_nodes.join(", ")));
    }
    out.push('\n');
    for path in &expl.paths {
        let via = path.via_node.clone().unwrap_or_else(|| "-".to_string());
        let mut line = format!("{} via {via}", path.share);
        match &path.target {
            Some(target) => line.push_str(&format!(
                " -> {} snat {} seen {}",
                target.pod.clone().unwrap_or_else(|| target.ip.to_string()),
                path.snat.map(|ip| ip.to_string()).unwrap_or_else(|| "-".to_string()),
                path.client_ip_seen.map(|ip| ip.to_string()).unwrap_or_else(|| "-".to_string()),
            )),
            None => {
                // The quoted kube-proxy rule comment, or the whole reason.
                let quoted = path.reason.split('"').nth(1).unwrap_or(&path.reason);
                line.push_str(&format!(" {}: {quoted}", path.outcome.as_str()));
            }
        }
        line.push_str(" |");
        for (idx, hop) in path.hops.iter().enumerate() {
            line.push_str(&format!(" {}>{}", hop.from, hop.to));
            if idx == 0 {
                line.push_str(&format!(" [{}>{}]", hop.before.src, hop.before.dst));
            }
            for rewrite in &hop.rewrites {
                match rewrite {
                    Rewrite::Dnat { to } => line.push_str(&format!(" DNAT {to}")),
                    Rewrite::Snat { to } => line.push_str(&format!(" SNAT {to}")),
                }
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Runs the engine and compares its hop table with `expected` (leading indentation and
/// surrounding blank lines ignored); also checks the invariants every answer must keep.
#[track_caller]
fn check_cluster(cluster: &Cluster, query: &Query, expected: &str) -> Explanation {
    let expl = explain(cluster, query).unwrap_or_else(|err| panic!("query failed: {err}"));
    let total: Share = expl.paths.iter().map(|path| path.share).sum();
    assert_eq!(total, Share::ONE, "shares must sum to 1");
    let expected: Vec<&str> = expected.trim().lines().map(str::trim).collect();
    let actual = render(&expl);
    let actual: Vec<&str> = actual.trim().lines().collect();
    assert_eq!(actual, expected, "\nactual:\n{}\n", actual.join("\n"));
    expl
}

/// The YAML form of the check: `input::parse` and `model::build` (kind cluster by default),
/// then [`check_cluster`]. The manifests must build without errors.
#[track_caller]
fn check(yaml: &str, query: &Query, expected: &str) -> Explanation {
    let parsed = crate::input::parse(yaml);
    let (cluster, diagnostics) =
        crate::model::build(&parsed, &crate::model::BuildOptions::default());
    let errors: Vec<String> = parsed
        .diagnostics
        .iter()
        .chain(&diagnostics)
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "the manifests have errors: {errors:?}");
    check_cluster(&cluster, query, expected)
}

/// The presets the page's menu offers (`presets/*.yaml`), read at build time.
macro_rules! preset {
    ($file:literal) => {
        include_str!(concat!("../../presets/", $file))
    };
}

// ---------------------------------------------------------------- building clusters

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn cidr(text: &str) -> Cidr {
    text.parse().unwrap()
}

fn node(name: &str, internal_ip: &str, pod_cidr: &str) -> Node {
    Node {
        doc: None,
        name: name.to_string(),
        labels: BTreeMap::new(),
        creation_timestamp: None,
        internal_ip: ip(internal_ip),
        external_ip: None,
        pod_cidr: Some(cidr(pod_cidr)),
        ready: Some(true),
        unschedulable: false,
        is_being_deleted: false,
        taints: Vec::new(),
        kubelet_version: None,
        os_image: None,
        kernel_version: None,
        container_runtime_version: None,
    }
}

/// The seed's kind cluster: kiada-001 (10.244.1.90) runs on kind-worker2, so kind-worker2
/// holds 10.244.1.0/24.
fn kind_nodes() -> Vec<Node> {
    vec![
        node("kind-control-plane", "172.18.0.3", "10.244.0.0/24"),
        node("kind-worker", "172.18.0.4", "10.244.2.0/24"),
        node("kind-worker2", "172.18.0.2", "10.244.1.0/24"),
    ]
}

fn pod(name: &str, pod_ip: &str, node_name: &str) -> Pod {
    Pod {
        doc: 0,
        namespace: "default".to_string(),
        name: name.to_string(),
        labels: BTreeMap::new(),
        creation_timestamp: None,
        node_name: Some(node_name.to_string()),
        host_network: false,
        ip: Some(ip(pod_ip)),
        phase: "Running".to_string(),
        is_ready: true,
        is_terminating: false,
        ports: Vec::new(),
        hostname: None,
        subdomain: None,
        spec_for_print: Default::default(),
        status_for_print: Default::default(),
    }
}

/// A ready endpoint of pod `pod` at `ip:port` on `node`.
fn ready(pod: &str, ip_text: &str, port: u16, node_name: &str) -> Endpoint {
    Endpoint {
        ip: ip(ip_text),
        port,
        node_name: Some(node_name.to_string()),
        zone: None,
        is_ready: true,
        is_serving: true,
        is_terminating: false,
        pod: Some(pod.to_string()),
        hint_zones: Vec::new(),
        hint_nodes: Vec::new(),
    }
}

fn terminating(endpoint: Endpoint, is_serving: bool) -> Endpoint {
    Endpoint { is_ready: false, is_serving, is_terminating: true, ..endpoint }
}

fn port(
    name: &str,
    number: u16,
    target: u16,
    node_port: Option<u16>,
    endpoints: Vec<Endpoint>,
) -> ServicePort {
    let mut endpoints = endpoints;
    endpoints.sort_by_key(|endpoint| format!("{}:{}", endpoint.ip, endpoint.port));
    ServicePort {
        name: name.to_string(),
        protocol: crate::model::Protocol::Tcp,
        app_protocol: None,
        port: number,
        target_port: TargetPort::Number(target),
        node_port,
        endpoints,
    }
}

fn service(name: &str, type_: ServiceType, cluster_ip: &str, ports: Vec<ServicePort>) -> Service {
    Service {
        doc: 0,
        namespace: "default".to_string(),
        name: name.to_string(),
        labels: BTreeMap::new(),
        creation_timestamp: None,
        type_,
        selector: Some(BTreeMap::from([("app".to_string(), name.to_string())])),
        cluster_ip: Some(ip(cluster_ip)),
        cluster_ip_text: cluster_ip.to_string(),
        external_ips: Vec::new(),
        external_name: None,
        ports,
        external_traffic_policy: TrafficPolicy::Cluster,
        internal_traffic_policy: TrafficPolicy::Cluster,
        health_check_node_port: None,
        load_balancer_ingress: Vec::new(),
        load_balancer_source_ranges: Vec::new(),
        load_balancer_class: None,
        allocate_load_balancer_node_ports: true,
        session_affinity: SessionAffinity::None,
        publish_not_ready_addresses: false,
    }
}

fn with_lb(mut service: Service, lb_ip: &str, ip_mode: IpMode) -> Service {
    service.type_ = ServiceType::LoadBalancer;
    service.load_balancer_ingress =
        vec![LoadBalancerIngress { ip: Some(ip(lb_ip)), hostname: None, ip_mode }];
    service
}

fn cluster(nodes: Vec<Node>, pods: Vec<Pod>, services: Vec<Service>) -> Cluster {
    Cluster {
        nodes,
        pods,
        services,
        endpoint_slices: Vec::new(),
        cluster_cidrs: vec![cidr("10.244.0.0/16")],
        uses_default_nodes: false,
    }
}

/// The seed: Listing 11.3 (kiada NodePort, http 80→8080 on 30080, https 443→8443 on
/// 30443) with three kiada pods, as in the book.
fn kiada_nodeport() -> Cluster {
    let endpoints = |target| {
        vec![
            ready("kiada-001", "10.244.1.90", target, "kind-worker2"),
            ready("kiada-002", "10.244.2.11", target, "kind-worker"),
            ready("kiada-003", "10.244.1.91", target, "kind-worker2"),
        ]
    };
    let kiada = service(
        "kiada",
        ServiceType::NodePort,
        "10.96.226.212",
        vec![
            port("http", 80, 8080, Some(30080), endpoints(8080)),
            port("https", 443, 8443, Some(30443), endpoints(8443)),
        ],
    );
    cluster(
        kind_nodes(),
        vec![
            pod("kiada-001", "10.244.1.90", "kind-worker2"),
            pod("kiada-002", "10.244.2.11", "kind-worker"),
            pod("kiada-003", "10.244.1.91", "kind-worker2"),
        ],
        vec![kiada],
    )
}

/// Figure 11.11: one pod on node A, two on node B, behind a load balancer.
fn figure_11_11(policy: TrafficPolicy) -> Cluster {
    let nodes = vec![
        node("node-a", "10.0.0.1", "10.244.1.0/24"),
        node("node-b", "10.0.0.2", "10.244.2.0/24"),
    ];
    let endpoints = vec![
        ready("pod-1", "10.244.1.10", 8080, "node-a"),
        ready("pod-2", "10.244.2.10", 8080, "node-b"),
        ready("pod-3", "10.244.2.11", 8080, "node-b"),
    ];
    let mut kiada = with_lb(
        service(
            "kiada",
            ServiceType::LoadBalancer,
            "10.96.0.50",
            vec![port("http", 80, 8080, Some(30080), endpoints)],
        ),
        "198.51.100.7",
        IpMode::Vip,
    );
    kiada.external_traffic_policy = policy;
    if policy == TrafficPolicy::Local {
        kiada.health_check_node_port = Some(31000);
    }
    cluster(
        nodes,
        vec![
            pod("pod-1", "10.244.1.10", "node-a"),
            pod("pod-2", "10.244.2.10", "node-b"),
            pod("pod-3", "10.244.2.11", "node-b"),
        ],
        vec![kiada],
    )
}

fn query(service: &str) -> Query {
    Query::new("default", service)
}

fn from_pod(mut query: Query, name: &str) -> Query {
    query.client = Client::Pod { namespace: "default".to_string(), name: name.to_string() };
    query
}

fn at(mut query: Query, entry: EntryKind, node: Option<&str>) -> Query {
    query.entry = Some(entry);
    query.node = node.map(str::to_string);
    query
}

// ---------------------------------------------------------------- the seed: Listing 11.3

#[test]
fn nodeport_on_kind_worker_reaches_kiada_001_which_sees_the_node_ip() {
    // The book: `curl 172.18.0.4:30080` answered by kiada-001 on kind-worker2, "Client IP:
    // ::ffff:172.18.0.4" (facts 3.4 row 9, 4.2).
    let cluster = kiada_nodeport();
    let mut q = query("kiada");
    q.node = Some("kind-worker".to_string());
    q.port = PortSelector::Name("http".to_string());
    check_cluster(&cluster, &q, "
        delivered node-port 172.18.0.4:30080; pods: kiada-001 1/3, kiada-002 1/3, kiada-003 1/3
        1/3 via kind-worker -> kiada-001 snat 172.18.0.4 seen 172.18.0.4 | client>node/kind-worker [203.0.113.10:51234>172.18.0.4:30080] node/kind-worker>node/kind-worker2 DNAT 10.244.1.90:8080 SNAT 172.18.0.4 node/kind-worker2>pod/kiada-001
        1/3 via kind-worker -> kiada-002 snat 10.244.2.1 seen 10.244.2.1 | client>node/kind-worker [203.0.113.10:51234>172.18.0.4:30080] node/kind-worker>pod/kiada-002 DNAT 10.244.2.11:8080 SNAT 10.244.2.1
        1/3 via kind-worker -> kiada-003 snat 172.18.0.4 seen 172.18.0.4 | client>node/kind-worker [203.0.113.10:51234>172.18.0.4:30080] node/kind-worker>node/kind-worker2 DNAT 10.244.1.91:8080 SNAT 172.18.0.4 node/kind-worker2>pod/kiada-003
    ");
}

#[test]
fn nodeport_answers_on_every_node_including_the_control_plane() {
    let cluster = kiada_nodeport();
    for (name, node_ip) in [
        ("kind-control-plane", "172.18.0.3"),
        ("kind-worker", "172.18.0.4"),
        ("kind-worker2", "172.18.0.2"),
    ] {
        let expl = explain(&cluster, &at(query("kiada"), EntryKind::NodePort, Some(name))).unwrap();
        assert_eq!(expl.outcome, Outcome::Delivered, "{name}");
        assert_eq!(expl.entry.address.to_string(), format!("{node_ip}:30080"));
        let shares: Vec<String> =
            expl.pods.iter().map(|pod| format!("{} {}", pod.pod, pod.share)).collect();
        assert_eq!(shares, ["kiada-001 1/3", "kiada-002 1/3", "kiada-003 1/3"], "{name}");
        // eTP Cluster masquerades every external connection (row 9).
        assert!(expl.paths.iter().all(|path| path.snat.is_some()), "{name}");
    }
}

#[test]
fn a_nodeport_service_defaults_to_the_first_node_by_name_and_its_https_port() {
    let cluster = kiada_nodeport();
    let mut q = query("kiada");
    q.port = PortSelector::Number(443);
    let expl = explain(&cluster, &q).unwrap();
    assert_eq!(expl.entry.kind, EntryKind::NodePort);
    assert_eq!(expl.entry.node.as_deref(), Some("kind-control-plane"));
    assert_eq!(expl.entry.address.to_string(), "172.18.0.3:30443");
    assert!(expl.paths.iter().all(|path| path.target.as_ref().unwrap().port == 8443));
}

// ---------------------------------------------------------------- figure 11.11

#[test]
fn figure_11_11_cluster_policy_gives_each_pod_a_third_with_snat() {
    check_cluster(&figure_11_11(TrafficPolicy::Cluster), &query("kiada"), "
        delivered load-balancer 198.51.100.7:80; pods: pod-1 1/3, pod-2 1/3, pod-3 1/3; lb: node-a, node-b
        1/6 via node-a -> pod-1 snat 10.244.1.1 seen 10.244.1.1 | client>load-balancer [203.0.113.10:51234>198.51.100.7:80] load-balancer>node/node-a node/node-a>pod/pod-1 DNAT 10.244.1.10:8080 SNAT 10.244.1.1
        1/6 via node-a -> pod-2 snat 10.0.0.1 seen 10.0.0.1 | client>load-balancer [203.0.113.10:51234>198.51.100.7:80] load-balancer>node/node-a node/node-a>node/node-b DNAT 10.244.2.10:8080 SNAT 10.0.0.1 node/node-b>pod/pod-2
        1/6 via node-a -> pod-3 snat 10.0.0.1 seen 10.0.0.1 | client>load-balancer [203.0.113.10:51234>198.51.100.7:80] load-balancer>node/node-a node/node-a>node/node-b DNAT 10.244.2.11:8080 SNAT 10.0.0.1 node/node-b>pod/pod-3
        1/6 via node-b -> pod-1 snat 10.0.0.2 seen 10.0.0.2 | client>load-balancer [203.0.113.10:51234>198.51.100.7:80] load-balancer>node/node-b node/node-b>node/node-a DNAT 10.244.1.10:8080 SNAT 10.0.0.2 node/node-a>pod/pod-1
        1/6 via node-b -> pod-2 snat 10.244.2.1 seen 10.244.2.1 | client>load-balancer [203.0.113.10:51234>198.51.100.7:80] load-balancer>node/node-b node/node-b>pod/pod-2 DNAT 10.244.2.10:8080 SNAT 10.244.2.1
        1/6 via node-b -> pod-3 snat 10.244.2.1 seen 10.244.2.1 | client>load-balancer [203.0.113.10:51234>198.51.100.7:80] load-balancer>node/node-b node/node-b>pod/pod-3 DNAT 10.244.2.11:8080 SNAT 10.244.2.1
    ");
}

#[test]
fn figure_11_11_local_policy_gives_half_and_quarters_and_keeps_the_client_ip() {
    check_cluster(&figure_11_11(TrafficPolicy::Local), &query("kiada"), "
        delivered load-balancer 198.51.100.7:80; pods: pod-1 1/2, pod-2 1/4, pod-3 1/4; lb: node-a, node-b
        1/2 via node-a -> pod-1 snat - seen 203.0.113.10 | client>load-balancer [203.0.113.10:51234>198.51.100.7:80] load-balancer>node/node-a node/node-a>pod/pod-1 DNAT 10.244.1.10:8080
        1/4 via node-b -> pod-2 snat - seen 203.0.113.10 | client>load-balancer [203.0.113.10:51234>198.51.100.7:80] load-balancer>node/node-b node/node-b>pod/pod-2 DNAT 10.244.2.10:8080
        1/4 via node-b -> pod-3 snat - seen 203.0.113.10 | client>load-balancer [203.0.113.10:51234>198.51.100.7:80] load-balancer>node/node-b node/node-b>pod/pod-3 DNAT 10.244.2.11:8080
    ");
}

#[test]
fn local_policy_drops_a_connection_straight_to_a_node_without_a_local_pod_and_the_lb_skips_it() {
    let mut cluster = figure_11_11(TrafficPolicy::Local);
    cluster.nodes.push(node("node-c", "10.0.0.3", "10.244.3.0/24"));
    check_cluster(&cluster, &at(query("kiada"), EntryKind::NodePort, Some("node-c")), "
        dropped node-port 10.0.0.3:30080
        1 via node-c dropped: default/kiada:http has no local endpoints | client>node/node-c [203.0.113.10:51234>10.0.0.3:30080]
    ");
    let expl = explain(&cluster, &query("kiada")).unwrap();
    assert_eq!(expl.load_balancer_nodes, ["node-a", "node-b"]);
    assert!(expl.warnings.iter().any(|warning| warning.contains(
        "node node-c fails the load balancer's health check on healthCheckNodePort 31000"
    )));
}

// ---------------------------------------------------------------- a small two-node cluster

/// node-a (10.0.0.1) runs web-a and the client pod `client`; node-b (10.0.0.2) runs web-b;
/// node-c (10.0.0.3) runs only the pod `lonely`. Service `web`: port http 80 → 8080,
/// nodePort 30080, clusterIP 10.96.0.10.
fn two_pods() -> Cluster {
    let endpoints = vec![
        ready("web-a", "10.244.1.10", 8080, "node-a"),
        ready("web-b", "10.244.2.10", 8080, "node-b"),
    ];
    let web = service(
        "web",
        ServiceType::NodePort,
        "10.96.0.10",
        vec![port("http", 80, 8080, Some(30080), endpoints)],
    );
    cluster(
        vec![
            node("node-a", "10.0.0.1", "10.244.1.0/24"),
            node("node-b", "10.0.0.2", "10.244.2.0/24"),
            node("node-c", "10.0.0.3", "10.244.3.0/24"),
        ],
        vec![
            pod("client", "10.244.1.20", "node-a"),
            pod("lonely", "10.244.3.20", "node-c"),
            pod("web-a", "10.244.1.10", "node-a"),
            pod("web-b", "10.244.2.10", "node-b"),
        ],
        vec![web],
    )
}

fn web_mut(cluster: &mut Cluster) -> &mut Service {
    cluster.services.iter_mut().find(|service| service.name == "web").unwrap()
}

fn as_lb(mut cluster: Cluster, policy: TrafficPolicy, ip_mode: IpMode) -> Cluster {
    let web = web_mut(&mut cluster);
    *web = with_lb(web.clone(), "198.51.100.7", ip_mode);
    web.external_traffic_policy = policy;
    cluster
}

fn from_node(mut query: Query, name: &str) -> Query {
    query.client = Client::Node(name.to_string());
    query
}

#[test]
fn row_1_pod_to_cluster_ip_keeps_the_pod_ip() {
    check_cluster(&two_pods(), &from_pod(at(query("web"), EntryKind::ClusterIp, None), "client"), "
        delivered cluster-ip 10.96.0.10:80; pods: web-a 1/2, web-b 1/2
        1/2 via node-a -> web-a snat - seen 10.244.1.20 | client>node/node-a [10.244.1.20:51234>10.96.0.10:80] node/node-a>pod/web-a DNAT 10.244.1.10:8080
        1/2 via node-a -> web-b snat - seen 10.244.1.20 | client>node/node-a [10.244.1.20:51234>10.96.0.10:80] node/node-a>node/node-b DNAT 10.244.2.10:8080 node/node-b>pod/web-b
    ");
}

#[test]
fn row_2_hairpin_masquerades_a_pod_that_reaches_itself() {
    check_cluster(&two_pods(), &from_pod(at(query("web"), EntryKind::ClusterIp, None), "web-a"), "
        delivered cluster-ip 10.96.0.10:80; pods: web-a 1/2, web-b 1/2
        1/2 via node-a -> web-a snat 10.244.1.1 seen 10.244.1.1 | client>node/node-a [10.244.1.10:51234>10.96.0.10:80] node/node-a>pod/web-a DNAT 10.244.1.10:8080 SNAT 10.244.1.1
        1/2 via node-a -> web-b snat - seen 10.244.1.10 | client>node/node-a [10.244.1.10:51234>10.96.0.10:80] node/node-a>node/node-b DNAT 10.244.2.10:8080 node/node-b>pod/web-b
    ");
}

#[test]
fn rows_3_and_4_internal_traffic_policy_local_uses_the_client_node_or_drops() {
    let mut cluster = two_pods();
    web_mut(&mut cluster).internal_traffic_policy = TrafficPolicy::Local;
    check_cluster(&cluster, &from_pod(at(query("web"), EntryKind::ClusterIp, None), "client"), "
        delivered cluster-ip 10.96.0.10:80; pods: web-a 1
        1 via node-a -> web-a snat - seen 10.244.1.20 | client>node/node-a [10.244.1.20:51234>10.96.0.10:80] node/node-a>pod/web-a DNAT 10.244.1.10:8080
    ");
    let expl = check_cluster(&cluster, &from_pod(at(query("web"), EntryKind::ClusterIp, None), "lonely"), "
        dropped cluster-ip 10.96.0.10:80
        1 via node-c dropped: default/web:http has no local endpoints | client>node/node-c [10.244.3.20:51234>10.96.0.10:80]
    ");
    assert!(expl
        .warnings
        .iter()
        .any(|w| w == "internalTrafficPolicy Local and no local endpoint on node node-c"));
    // The node port still works: it follows externalTrafficPolicy (facts 3.3).
    let expl = explain(&cluster, &at(query("web"), EntryKind::NodePort, Some("node-c"))).unwrap();
    assert_eq!(expl.outcome, Outcome::Delivered);
}

#[test]
fn internal_traffic_policy_override_is_reported() {
    let mut q = from_pod(at(query("web"), EntryKind::ClusterIp, None), "lonely");
    q.internal_traffic_policy = Some(TrafficPolicy::Local);
    let expl = explain(&two_pods(), &q).unwrap();
    assert_eq!(expl.outcome, Outcome::Dropped);
    assert!(expl.policy.internal_overridden);
    assert!(expl
        .warnings
        .iter()
        .any(|w| w == "internalTrafficPolicy is Local here, overriding the manifest's Cluster"));
}

#[test]
fn row_5_a_node_process_to_a_cluster_ip_is_masqueraded() {
    check_cluster(&two_pods(), &from_node(at(query("web"), EntryKind::ClusterIp, None), "node-a"), "
        delivered cluster-ip 10.96.0.10:80; pods: web-a 1/2, web-b 1/2
        1/2 via node-a -> web-a snat 10.244.1.1 seen 10.244.1.1 | client>node/node-a [10.0.0.1:51234>10.96.0.10:80] node/node-a>pod/web-a DNAT 10.244.1.10:8080 SNAT 10.244.1.1
        1/2 via node-a -> web-b snat 10.0.0.1 seen 10.0.0.1 | client>node/node-a [10.0.0.1:51234>10.96.0.10:80] node/node-a>node/node-b DNAT 10.244.2.10:8080 SNAT 10.0.0.1 node/node-b>pod/web-b
    ");
}

#[test]
fn row_6_an_off_cluster_host_routed_to_a_node_reaches_the_cluster_ip_masqueraded() {
    check_cluster(&two_pods(), &at(query("web"), EntryKind::ClusterIp, Some("node-b")), "
        delivered cluster-ip 10.96.0.10:80; pods: web-a 1/2, web-b 1/2
        1/2 via node-b -> web-a snat 10.0.0.2 seen 10.0.0.2 | client>node/node-b [203.0.113.10:51234>10.96.0.10:80] node/node-b>node/node-a DNAT 10.244.1.10:8080 SNAT 10.0.0.2 node/node-a>pod/web-a
        1/2 via node-b -> web-b snat 10.244.2.1 seen 10.244.2.1 | client>node/node-b [203.0.113.10:51234>10.96.0.10:80] node/node-b>pod/web-b DNAT 10.244.2.10:8080 SNAT 10.244.2.1
    ");
}

#[test]
fn rows_7_and_12_no_usable_endpoint_anywhere_is_rejected() {
    let mut cluster = two_pods();
    // Unready and not terminating: never used, not even as a fallback (facts 1.2).
    for endpoint in &mut web_mut(&mut cluster).ports[0].endpoints {
        endpoint.is_ready = false;
        endpoint.is_serving = false;
    }
    check_cluster(&cluster, &from_pod(at(query("web"), EntryKind::ClusterIp, None), "client"), "
        rejected cluster-ip 10.96.0.10:80
        1 via node-a rejected: default/web:http has no endpoints | client>node/node-a [10.244.1.20:51234>10.96.0.10:80]
    ");
    check_cluster(&cluster, &at(query("web"), EntryKind::NodePort, Some("node-b")), "
        rejected node-port 10.0.0.2:30080
        1 via node-b rejected: default/web:http has no endpoints | client>node/node-b [203.0.113.10:51234>10.0.0.2:30080]
    ");
}

#[test]
fn rows_10_and_11_node_port_with_local_policy_keeps_the_client_ip_or_drops() {
    let mut cluster = two_pods();
    web_mut(&mut cluster).external_traffic_policy = TrafficPolicy::Local;
    check_cluster(&cluster, &at(query("web"), EntryKind::NodePort, Some("node-a")), "
        delivered node-port 10.0.0.1:30080; pods: web-a 1
        1 via node-a -> web-a snat - seen 203.0.113.10 | client>node/node-a [203.0.113.10:51234>10.0.0.1:30080] node/node-a>pod/web-a DNAT 10.244.1.10:8080
    ");
    check_cluster(&cluster, &at(query("web"), EntryKind::NodePort, Some("node-c")), "
        dropped node-port 10.0.0.3:30080
        1 via node-c dropped: default/web:http has no local endpoints | client>node/node-c [203.0.113.10:51234>10.0.0.3:30080]
    ");
}

#[test]
fn row_16_source_ranges_drop_outsiders_including_pods_but_not_nodes_inside_a_range() {
    let mut cluster = as_lb(two_pods(), TrafficPolicy::Cluster, IpMode::Vip);
    web_mut(&mut cluster).load_balancer_source_ranges =
        vec![cidr("10.0.0.0/24"), cidr("192.0.2.0/24")];
    check_cluster(&cluster, &query("web"), "
        dropped load-balancer 198.51.100.7:80; lb: node-a, node-b, node-c
        1/3 via node-a dropped: default/web:http traffic not accepted by KUBE-FW-CDGGSHYLG3RE2FKL | client>load-balancer [203.0.113.10:51234>198.51.100.7:80] load-balancer>node/node-a
        1/3 via node-b dropped: default/web:http traffic not accepted by KUBE-FW-CDGGSHYLG3RE2FKL | client>load-balancer [203.0.113.10:51234>198.51.100.7:80] load-balancer>node/node-b
        1/3 via node-c dropped: default/web:http traffic not accepted by KUBE-FW-CDGGSHYLG3RE2FKL | client>load-balancer [203.0.113.10:51234>198.51.100.7:80] load-balancer>node/node-c
    ");
    let mut inside = query("web");
    inside.client = Client::External(ip("192.0.2.9"));
    assert_eq!(explain(&cluster, &inside).unwrap().outcome, Outcome::Delivered);
    // A pod's own node checks the pod IP against the ranges before anything else.
    check_cluster(&cluster, &from_pod(query("web"), "client"), "
        dropped load-balancer 198.51.100.7:80
        1 via node-a dropped: default/web:http traffic not accepted by KUBE-FW-CDGGSHYLG3RE2FKL | client>node/node-a [10.244.1.20:51234>198.51.100.7:80]
    ");
    // "node to LB1 (allowed by LoadBalancerSourceRanges)": the node IP is in 10.0.0.0/24.
    check_cluster(&cluster, &from_node(query("web"), "node-b"), "
        delivered load-balancer 198.51.100.7:80; pods: web-a 1/2, web-b 1/2
        1/2 via node-b -> web-a snat 10.0.0.2 seen 10.0.0.2 | client>node/node-b [10.0.0.2:51234>198.51.100.7:80] node/node-b>node/node-a DNAT 10.244.1.10:8080 SNAT 10.0.0.2 node/node-a>pod/web-a
        1/2 via node-b -> web-b snat 10.244.2.1 seen 10.244.2.1 | client>node/node-b [10.0.0.2:51234>198.51.100.7:80] node/node-b>pod/web-b DNAT 10.244.2.10:8080 SNAT 10.244.2.1
    ");
    // NodePorts are not subject to loadBalancerSourceRanges.
    let expl = explain(&cluster, &at(query("web"), EntryKind::NodePort, Some("node-a"))).unwrap();
    assert_eq!(expl.outcome, Outcome::Delivered);
}

#[test]
fn rows_17_and_27_an_ip_mode_proxy_load_balancer_connects_to_node_ports_from_its_own_address() {
    let cluster = as_lb(two_pods(), TrafficPolicy::Local, IpMode::Proxy);
    check_cluster(&cluster, &query("web"), "
        delivered load-balancer 198.51.100.7:80; pods: web-a 1/2, web-b 1/2; lb: node-a, node-b
        1/2 via node-a -> web-a snat - seen 198.51.100.7 | client>load-balancer [203.0.113.10:51234>198.51.100.7:80] load-balancer>node/node-a DNAT 10.0.0.1:30080 SNAT 198.51.100.7 node/node-a>pod/web-a DNAT 10.244.1.10:8080
        1/2 via node-b -> web-b snat - seen 198.51.100.7 | client>load-balancer [203.0.113.10:51234>198.51.100.7:80] load-balancer>node/node-b DNAT 10.0.0.2:30080 SNAT 198.51.100.7 node/node-b>pod/web-b DNAT 10.244.2.10:8080
    ");
    // kube-proxy writes no rule for a Proxy-mode IP: a pod really goes out to the LB.
    let expl = explain(&cluster, &from_pod(query("web"), "client")).unwrap();
    assert_eq!(expl.load_balancer_nodes, ["node-a", "node-b"]);
    assert!(expl.paths.iter().all(|path| path.hops[1].from == Place::LoadBalancer));
}

#[test]
fn rows_18_and_19_external_ips_follow_the_external_policy() {
    let mut cluster = two_pods();
    web_mut(&mut cluster).external_ips = vec![ip("192.0.2.50")];
    check_cluster(&cluster, &at(query("web"), EntryKind::ExternalIp, Some("node-b")), "
        delivered external-ip 192.0.2.50:80; pods: web-a 1/2, web-b 1/2
        1/2 via node-b -> web-a snat 10.0.0.2 seen 10.0.0.2 | client>node/node-b [203.0.113.10:51234>192.0.2.50:80] node/node-b>node/node-a DNAT 10.244.1.10:8080 SNAT 10.0.0.2 node/node-a>pod/web-a
        1/2 via node-b -> web-b snat 10.244.2.1 seen 10.244.2.1 | client>node/node-b [203.0.113.10:51234>192.0.2.50:80] node/node-b>pod/web-b DNAT 10.244.2.10:8080 SNAT 10.244.2.1
    ");
    web_mut(&mut cluster).external_traffic_policy = TrafficPolicy::Local;
    check_cluster(&cluster, &at(query("web"), EntryKind::ExternalIp, Some("node-b")), "
        delivered external-ip 192.0.2.50:80; pods: web-b 1
        1 via node-b -> web-b snat - seen 203.0.113.10 | client>node/node-b [203.0.113.10:51234>192.0.2.50:80] node/node-b>pod/web-b DNAT 10.244.2.10:8080
    ");
    check_cluster(&cluster, &at(query("web"), EntryKind::ExternalIp, Some("node-c")), "
        dropped external-ip 192.0.2.50:80
        1 via node-c dropped: default/web:http has no local endpoints | client>node/node-c [203.0.113.10:51234>192.0.2.50:80]
    ");
}

#[test]
fn row_20_a_pod_to_the_load_balancer_ip_is_captured_and_masqueraded_by_its_own_node() {
    let cluster = as_lb(two_pods(), TrafficPolicy::Cluster, IpMode::Vip);
    let expl = check_cluster(&cluster, &from_pod(query("web"), "lonely"), "
        delivered load-balancer 198.51.100.7:80; pods: web-a 1/2, web-b 1/2
        1/2 via node-c -> web-a snat 10.0.0.3 seen 10.0.0.3 | client>node/node-c [10.244.3.20:51234>198.51.100.7:80] node/node-c>node/node-a DNAT 10.244.1.10:8080 SNAT 10.0.0.3 node/node-a>pod/web-a
        1/2 via node-c -> web-b snat 10.0.0.3 seen 10.0.0.3 | client>node/node-c [10.244.3.20:51234>198.51.100.7:80] node/node-c>node/node-b DNAT 10.244.2.10:8080 SNAT 10.0.0.3 node/node-b>pod/web-b
    ");
    assert!(expl.warnings.iter().any(|w| w.contains("never leaves the node")));
}

#[test]
fn row_21_a_pod_short_circuits_local_policy_even_on_a_node_without_endpoints() {
    let cluster = as_lb(two_pods(), TrafficPolicy::Local, IpMode::Vip);
    check_cluster(&cluster, &from_pod(query("web"), "lonely"), "
        delivered load-balancer 198.51.100.7:80; pods: web-a 1/2, web-b 1/2
        1/2 via node-c -> web-a snat - seen 10.244.3.20 | client>node/node-c [10.244.3.20:51234>198.51.100.7:80] node/node-c>node/node-a DNAT 10.244.1.10:8080 node/node-a>pod/web-a
        1/2 via node-c -> web-b snat - seen 10.244.3.20 | client>node/node-c [10.244.3.20:51234>198.51.100.7:80] node/node-c>node/node-b DNAT 10.244.2.10:8080 node/node-b>pod/web-b
    ");
}

#[test]
fn rows_22_and_23_without_a_cluster_cidr_pods_get_the_local_policy() {
    let mut cluster = as_lb(two_pods(), TrafficPolicy::Local, IpMode::Vip);
    cluster.cluster_cidrs.clear();
    check_cluster(&cluster, &from_pod(query("web"), "client"), "
        delivered load-balancer 198.51.100.7:80; pods: web-a 1
        1 via node-a -> web-a snat - seen 10.244.1.20 | client>node/node-a [10.244.1.20:51234>198.51.100.7:80] node/node-a>pod/web-a DNAT 10.244.1.10:8080
    ");
    let expl = check_cluster(&cluster, &from_pod(query("web"), "lonely"), "
        dropped load-balancer 198.51.100.7:80
        1 via node-c dropped: default/web:http has no local endpoints | client>node/node-c [10.244.3.20:51234>198.51.100.7:80]
    ");
    assert!(expl.warnings.iter().any(|w| w.contains("local-traffic detector is a no-op")));
    // Row 5 with a no-op detector: no masquerade for a node process to a cluster IP.
    let expl =
        explain(&cluster, &from_node(at(query("web"), EntryKind::ClusterIp, None), "node-c"))
            .unwrap();
    assert!(expl.paths.iter().all(|path| path.snat.is_none()));
}

#[test]
fn rows_24_and_25_a_node_to_its_own_external_addresses_uses_the_cluster_list_masqueraded() {
    for policy in [TrafficPolicy::Local, TrafficPolicy::Cluster] {
        let cluster = as_lb(two_pods(), policy, IpMode::Vip);
        check_cluster(&cluster, &from_node(query("web"), "node-c"), "
            delivered load-balancer 198.51.100.7:80; pods: web-a 1/2, web-b 1/2
            1/2 via node-c -> web-a snat 10.0.0.3 seen 10.0.0.3 | client>node/node-c [10.0.0.3:51234>198.51.100.7:80] node/node-c>node/node-a DNAT 10.244.1.10:8080 SNAT 10.0.0.3 node/node-a>pod/web-a
            1/2 via node-c -> web-b snat 10.0.0.3 seen 10.0.0.3 | client>node/node-c [10.0.0.3:51234>198.51.100.7:80] node/node-c>node/node-b DNAT 10.244.2.10:8080 SNAT 10.0.0.3 node/node-b>pod/web-b
        ");
        let own_node_port =
            from_node(at(query("web"), EntryKind::NodePort, Some("node-c")), "node-c");
        assert_eq!(
            explain(&cluster, &own_node_port).unwrap().outcome,
            Outcome::Delivered,
            "{policy}"
        );
    }
}

#[test]
fn row_26_a_pod_to_another_nodes_node_port_is_decided_there_with_the_pod_ip() {
    let mut cluster = two_pods();
    web_mut(&mut cluster).external_traffic_policy = TrafficPolicy::Local;
    let expl = check_cluster(&cluster, &from_pod(at(query("web"), EntryKind::NodePort, Some("node-c")), "client"), "
        delivered node-port 10.0.0.3:30080; pods: web-a 1/2, web-b 1/2
        1/2 via node-c -> web-a snat - seen 10.244.1.20 | client>node/node-a [10.244.1.20:51234>10.0.0.3:30080] node/node-a>node/node-c node/node-c>node/node-a DNAT 10.244.1.10:8080 node/node-a>pod/web-a
        1/2 via node-c -> web-b snat - seen 10.244.1.20 | client>node/node-a [10.244.1.20:51234>10.0.0.3:30080] node/node-a>node/node-c node/node-c>node/node-b DNAT 10.244.2.10:8080 node/node-b>pod/web-b
    ");
    assert!(expl.warnings.iter().any(|w| w.contains("assumes the CNI does not masquerade")));
    // A node process to another node's node port is an ordinary outside source there.
    let expl = explain(
        &cluster,
        &from_node(at(query("web"), EntryKind::NodePort, Some("node-c")), "node-a"),
    )
    .unwrap();
    assert_eq!(expl.outcome, Outcome::Dropped);
}

// ---------------------------------------------------------------- endpoint conditions

#[test]
fn terminating_but_serving_endpoints_are_used_only_when_no_ready_one_exists() {
    let mut cluster = two_pods();
    {
        let endpoints = &mut web_mut(&mut cluster).ports[0].endpoints;
        endpoints[0] = terminating(endpoints[0].clone(), true);
        endpoints[1] = terminating(endpoints[1].clone(), false);
    }
    // web-b is terminating and not serving: never used; web-a carries everything.
    let expl = check_cluster(&cluster, &from_pod(at(query("web"), EntryKind::ClusterIp, None), "client"), "
        delivered cluster-ip 10.96.0.10:80; pods: web-a 1
        1 via node-a -> web-a snat - seen 10.244.1.20 | client>node/node-a [10.244.1.20:51234>10.96.0.10:80] node/node-a>pod/web-a DNAT 10.244.1.10:8080
    ");
    assert!(expl.warnings.iter().any(|w| w.contains("serving but terminating")));
    // With a ready endpoint anywhere, the terminating one is not used.
    web_mut(&mut cluster).ports[0].endpoints[1] = ready("web-b", "10.244.2.10", 8080, "node-b");
    let expl = explain(&cluster, &from_pod(at(query("web"), EntryKind::ClusterIp, None), "client"))
        .unwrap();
    let pods: Vec<&str> = expl.pods.iter().map(|pod| pod.pod.as_str()).collect();
    assert_eq!(pods, ["web-b"]);
}

#[test]
fn the_local_list_falls_back_to_local_terminating_endpoints_independently() {
    // Facts 2.2: remote ready web-b, local terminating-serving web-a on node-a, eTP Local:
    // the Local list of node-a is {web-a} while the Cluster list is {web-b}.
    let mut cluster = two_pods();
    {
        let web = web_mut(&mut cluster);
        web.external_traffic_policy = TrafficPolicy::Local;
        web.ports[0].endpoints[0] = terminating(web.ports[0].endpoints[0].clone(), true);
    }
    check_cluster(&cluster, &at(query("web"), EntryKind::NodePort, Some("node-a")), "
        delivered node-port 10.0.0.1:30080; pods: web-a 1
        1 via node-a -> web-a snat - seen 203.0.113.10 | client>node/node-a [203.0.113.10:51234>10.0.0.1:30080] node/node-a>pod/web-a DNAT 10.244.1.10:8080
    ");
    let expl = explain(
        &cluster,
        &from_pod(at(query("web"), EntryKind::NodePort, Some("node-a")), "client"),
    )
    .unwrap();
    let pods: Vec<&str> = expl.pods.iter().map(|pod| pod.pod.as_str()).collect();
    assert_eq!(pods, ["web-b"], "the pod short-circuits to the Cluster list");
    // The health check counts ready endpoints only: node-a fails it.
    let cluster = as_lb(cluster, TrafficPolicy::Local, IpMode::Vip);
    assert_eq!(explain(&cluster, &query("web")).unwrap().load_balancer_nodes, ["node-b"]);
}

#[test]
fn a_named_target_port_resolves_per_pod() {
    // The model resolves `targetPort: http` per pod; the engine DNATs to each endpoint's port.
    let mut cluster = two_pods();
    {
        let web = web_mut(&mut cluster);
        web.ports[0].target_port = TargetPort::Name("http".to_string());
        web.ports[0].endpoints[1].port = 9090;
    }
    check_cluster(&cluster, &from_pod(at(query("web"), EntryKind::ClusterIp, None), "client"), "
        delivered cluster-ip 10.96.0.10:80; pods: web-a 1/2, web-b 1/2
        1/2 via node-a -> web-a snat - seen 10.244.1.20 | client>node/node-a [10.244.1.20:51234>10.96.0.10:80] node/node-a>pod/web-a DNAT 10.244.1.10:8080
        1/2 via node-a -> web-b snat - seen 10.244.1.20 | client>node/node-a [10.244.1.20:51234>10.96.0.10:80] node/node-a>node/node-b DNAT 10.244.2.10:9090 node/node-b>pod/web-b
    ");
}

#[test]
fn zone_hints_keep_cluster_traffic_in_the_zone_when_every_ready_endpoint_has_one() {
    let mut cluster = two_pods();
    for node in &mut cluster.nodes {
        let zone = if node.name == "node-b" { "zone-b" } else { "zone-a" };
        node.labels.insert(endpoints::ZONE_LABEL.to_string(), zone.to_string());
    }
    for endpoint in &mut web_mut(&mut cluster).ports[0].endpoints {
        let zone =
            if endpoint.node_name.as_deref() == Some("node-b") { "zone-b" } else { "zone-a" };
        endpoint.hint_zones = vec![zone.to_string()];
    }
    let q = from_pod(at(query("web"), EntryKind::ClusterIp, None), "lonely");
    let pods = |cluster: &Cluster| -> Vec<String> {
        explain(cluster, &q)
            .unwrap()
            .pods
            .iter()
            .map(|pod| format!("{} {}", pod.pod, pod.share))
            .collect()
    };
    assert_eq!(pods(&cluster), ["web-a 1"], "node-c is in zone-a");
    // One ready endpoint without a hint disables the filter everywhere.
    web_mut(&mut cluster).ports[0].endpoints[1].hint_zones.clear();
    assert_eq!(pods(&cluster), ["web-a 1/2", "web-b 1/2"]);
}

// ---------------------------------------------------------------- the load balancer's pool

#[test]
fn the_pool_leaves_out_excluded_deleted_and_autoscaler_tainted_nodes_but_not_unready_ones() {
    let mut cluster = as_lb(two_pods(), TrafficPolicy::Cluster, IpMode::Vip);
    let extra = [
        ("node-d", "10.0.0.4"),
        ("node-e", "10.0.0.5"),
        ("node-f", "10.0.0.6"),
        ("node-g", "10.0.0.7"),
    ];
    for (name, node_ip) in extra {
        cluster.nodes.push(node(name, node_ip, "10.244.9.0/24"));
    }
    let label = load_balancer::EXCLUDE_LABEL.to_string();
    cluster.nodes[0].labels.insert(label.clone(), "true".to_string());
    cluster.nodes[1].labels.insert(label.clone(), "False".to_string());
    cluster.nodes[2].labels.insert(label.clone(), String::new());
    cluster.nodes[3].is_being_deleted = true;
    cluster.nodes[4].taints.push(Taint {
        key: load_balancer::TO_BE_DELETED_TAINT.to_string(),
        value: None,
        effect: "NoSchedule".to_string(),
    });
    cluster.nodes[5].labels.insert(label, "no".to_string());
    cluster.nodes[6].ready = Some(false);
    let expl = explain(&cluster, &query("web")).unwrap();
    assert_eq!(expl.load_balancer_nodes, ["node-b", "node-g"]);
    let shares: Vec<String> =
        expl.pods.iter().map(|pod| format!("{} {}", pod.pod, pod.share)).collect();
    assert_eq!(shares, ["web-a 1/2", "web-b 1/2"]);
    assert!(expl.warnings.iter().any(|w| w == "node node-c is not in the load balancer's pool: labelled node.kubernetes.io/exclude-from-external-load-balancers=\"\""));
}

#[test]
fn the_health_check_counts_ready_endpoints_of_every_port_so_a_port_can_still_be_dropped() {
    // node-b has a ready endpoint for https only (a named targetPort it lacks for http):
    // it passes the health check but its Local list for http is empty (facts 8.1, 1.3).
    let mut cluster = as_lb(two_pods(), TrafficPolicy::Local, IpMode::Vip);
    {
        let web = web_mut(&mut cluster);
        let https = port(
            "https",
            443,
            8443,
            Some(30443),
            vec![ready("web-b", "10.244.2.10", 8443, "node-b")],
        );
        web.ports[0].endpoints.retain(|endpoint| endpoint.pod.as_deref() == Some("web-a"));
        web.ports.push(https);
        web.health_check_node_port = Some(31000);
    }
    check_cluster(&cluster, &query("web"), "
        dropped load-balancer 198.51.100.7:80; pods: web-a 1/2; lb: node-a, node-b
        1/2 via node-a -> web-a snat - seen 203.0.113.10 | client>load-balancer [203.0.113.10:51234>198.51.100.7:80] load-balancer>node/node-a node/node-a>pod/web-a DNAT 10.244.1.10:8080
        1/2 via node-b dropped: default/web:http has no local endpoints | client>load-balancer [203.0.113.10:51234>198.51.100.7:80] load-balancer>node/node-b
    ");
}

#[test]
fn with_every_node_failing_the_health_check_the_load_balancer_has_no_backend() {
    // Choice (facts 8.3): a node answering 503 leaves the pool, so with none healthy the
    // load balancer has nowhere to send the connection: it hangs at the load balancer.
    let mut cluster = as_lb(two_pods(), TrafficPolicy::Local, IpMode::Vip);
    for endpoint in &mut web_mut(&mut cluster).ports[0].endpoints {
        *endpoint = terminating(endpoint.clone(), true);
    }
    let expl = check_cluster(&cluster, &query("web"), "
        dropped load-balancer 198.51.100.7:80
        1 via - dropped: every node fails the health check on healthCheckNodePort (no node has a ready local endpoint), so the load balancer has no healthy backend and the connection hangs | client>load-balancer [203.0.113.10:51234>198.51.100.7:80]
    ");
    assert!(expl.load_balancer_nodes.is_empty());
}

#[test]
fn without_node_ports_the_load_balancer_still_reaches_nodes_through_its_ip() {
    let mut cluster = as_lb(two_pods(), TrafficPolicy::Cluster, IpMode::Vip);
    {
        let web = web_mut(&mut cluster);
        web.allocate_load_balancer_node_ports = false;
        web.ports[0].node_port = None;
    }
    let expl = explain(&cluster, &query("web")).unwrap();
    assert_eq!(expl.outcome, Outcome::Delivered);
    assert_eq!(expl.load_balancer_nodes, ["node-a", "node-b", "node-c"]);
    let err = explain(&cluster, &at(query("web"), EntryKind::NodePort, None)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no node-port entry: `web` sets allocateLoadBalancerNodePorts: false, so port 80 has no nodePort"
    );
}

#[test]
fn a_pending_load_balancer_falls_back_to_the_node_port_with_a_warning() {
    let mut cluster = as_lb(two_pods(), TrafficPolicy::Cluster, IpMode::Vip);
    web_mut(&mut cluster).load_balancer_ingress.clear();
    let expl = explain(&cluster, &query("web")).unwrap();
    assert_eq!(expl.entry.kind, EntryKind::NodePort);
    assert_eq!(expl.entry.address.to_string(), "10.0.0.1:30080");
    assert!(expl.warnings.iter().any(|w| w.contains("<pending>")));
    let err = explain(&cluster, &at(query("web"), EntryKind::LoadBalancer, None)).unwrap_err();
    assert!(err.to_string().contains("is <pending>"), "{err}");
}

// ---------------------------------------------------------------- query errors

#[test]
fn query_errors_name_what_exists() {
    let mut cluster = two_pods();
    let mut headless = service("db", ServiceType::ClusterIp, "10.96.0.20", Vec::new());
    headless.cluster_ip = None;
    let mut external = service("ext", ServiceType::ExternalName, "10.96.0.21", Vec::new());
    external.cluster_ip = None;
    let mut other = service("other", ServiceType::ClusterIp, "10.96.0.22", Vec::new());
    other.labels.insert(entry::SERVICE_PROXY_NAME_LABEL.to_string(), "cilium".to_string());
    cluster.services.extend([headless, external, other]);
    let err = |q: Query| explain(&cluster, &q).unwrap_err().to_string();
    assert_eq!(
        err(query("kiada")),
        "no service `kiada` in namespace `default` (services here: web, db, ext, other)"
    );
    let mut q = query("web");
    q.port = PortSelector::Name("https".to_string());
    assert_eq!(err(q), "service `web` has no port `https` (ports: http (80))");
    assert_eq!(
        err(at(query("web"), EntryKind::NodePort, Some("node-z"))),
        "no node `node-z` (nodes: node-a, node-b, node-c)"
    );
    assert_eq!(
        err(from_pod(query("web"), "ghost")),
        "no pod `ghost` in namespace `default` (pods here: client, lonely, web-a, web-b)"
    );
    assert!(err(query("db")).contains("headless"));
    assert!(err(query("ext")).contains("ExternalName"));
    assert!(err(query("other")).contains("kube-proxy ignores it"));
    web_mut(&mut cluster).type_ = ServiceType::ClusterIp;
    web_mut(&mut cluster).ports[0].node_port = None;
    let err = |q: Query| explain(&cluster, &q).unwrap_err().to_string();
    assert_eq!(
        err(at(query("web"), EntryKind::NodePort, None)),
        "no node-port entry: `web` is of type ClusterIP: only NodePort and LoadBalancer Services have node ports"
    );
    assert_eq!(
        err(at(query("web"), EntryKind::ExternalIp, None)),
        "no external-ip entry: `web` has no spec.externalIPs"
    );
}

// ---------------------------------------------------------------- session affinity and the simulation

#[test]
fn with_client_ip_affinity_one_client_sticks_to_one_endpoint_per_node() {
    let mut cluster = figure_11_11(TrafficPolicy::Cluster);
    cluster.services[0].session_affinity = SessionAffinity::ClientIp { timeout_seconds: 10800 };
    let expl = explain(&cluster, &query("kiada")).unwrap();
    assert_eq!(expl.session_affinity_timeout, Some(10800));
    assert!(expl.warnings.iter().any(|w| w.contains("sticks to the same endpoint")));
    let sequence: Vec<usize> = connections(&expl, 7).take(1000).collect();
    for via in ["node-a", "node-b"] {
        let on_node: BTreeSet<usize> = sequence
            .iter()
            .copied()
            .filter(|&idx| expl.paths[idx].via_node.as_deref() == Some(via))
            .collect();
        assert_eq!(on_node.len(), 1, "{via} keeps one endpoint for the client: {on_node:?}");
    }
}

#[test]
fn the_simulation_is_deterministic_for_a_seed() {
    let expl = explain(&figure_11_11(TrafficPolicy::Local), &query("kiada")).unwrap();
    let first: Vec<usize> = connections(&expl, 42).take(50).collect();
    assert_eq!(first, connections(&expl, 42).take(50).collect::<Vec<_>>());
    assert_ne!(first, connections(&expl, 43).take(50).collect::<Vec<_>>());
}

/// 100,000 connections: each path's count is binomial(n, p); it must lie within 5
/// standard deviations, sqrt(n·p·(1−p)), of n·p. A correct simulation fails this with
/// probability below 6e-7 per path (and the seed is fixed, so the test is deterministic).
#[test]
fn simulated_counts_stay_within_five_standard_deviations_of_the_shares() {
    const N: usize = 100_000;
    let mut cases = vec![
        explain(&figure_11_11(TrafficPolicy::Local), &query("kiada")).unwrap(),
        explain(&figure_11_11(TrafficPolicy::Cluster), &query("kiada")).unwrap(),
        explain(&kiada_nodeport(), &query("kiada")).unwrap(),
    ];
    cases.extend(
        generated_cases(40)
            .into_iter()
            .map(|(cluster, q)| explain(&cluster, &q))
            .filter_map(Result::ok),
    );
    for (case_idx, expl) in cases.iter().enumerate() {
        let counts = simulate(expl, 2026 + case_idx as u64, N);
        assert_eq!(counts.iter().sum::<u64>(), N as u64);
        for (path, &count) in expl.paths.iter().zip(&counts) {
            let p = path.share.to_f64();
            let expected = N as f64 * p;
            let sigma = (N as f64 * p * (1.0 - p)).sqrt();
            assert!(
                (count as f64 - expected).abs() <= 5.0 * sigma + 1e-9,
                "case {case_idx}: share {} expected {expected:.0} got {count}",
                path.share
            );
        }
    }
}

// ---------------------------------------------------------------- properties over generated clusters

/// Small random clusters and queries (1–4 nodes, 0–5 endpoints with random conditions,
/// random policies, entries, clients, source ranges), from a fixed seed.
fn generated_cases(n_cases: usize) -> Vec<(Cluster, Query)> {
    let mut rng = simulate::SplitMix64::new(112);
    let mut cases = Vec::new();
    for _ in 0..n_cases {
        let n_nodes = 1 + rng.below(4) as usize;
        let nodes: Vec<Node> = (0..n_nodes)
            .map(|idx| {
                node(
                    &format!("node-{idx}"),
                    &format!("10.0.0.{}", idx + 1),
                    &format!("10.244.{idx}.0/24"),
                )
            })
            .collect();
        let mut pods = Vec::new();
        let mut endpoints = Vec::new();
        for pod_idx in 0..rng.below(6) {
            let node_idx = rng.below(n_nodes as u64);
            let name = format!("pod-{pod_idx}");
            let pod_ip = format!("10.244.{node_idx}.{}", 10 + pod_idx);
            pods.push(pod(&name, &pod_ip, &format!("node-{node_idx}")));
            let mut endpoint = ready(&name, &pod_ip, 8080, &format!("node-{node_idx}"));
            match rng.below(6) {
                0 => endpoint = terminating(endpoint, true),
                1 => endpoint = terminating(endpoint, false),
                2 => {
                    endpoint.is_ready = false;
                    endpoint.is_serving = false;
                }
                _ => {}
            }
            // A hand-written slice may omit nodeName: never local (facts 1.4).
            if rng.below(8) == 0 {
                endpoint.node_name = None;
            }
            if rng.below(4) == 0 {
                endpoint.hint_zones = vec!["zone-a".to_string()];
            }
            endpoints.push(endpoint);
        }
        let mut web = service(
            "web",
            ServiceType::NodePort,
            "10.96.0.10",
            vec![port("http", 80, 8080, Some(30080), endpoints)],
        );
        if rng.below(2) == 0 {
            let ip_mode = if rng.below(4) == 0 { IpMode::Proxy } else { IpMode::Vip };
            web = with_lb(web, "198.51.100.7", ip_mode);
        }
        if rng.below(4) == 0 {
            web.load_balancer_source_ranges = vec![cidr("10.0.0.0/30")];
        }
        web.external_ips = vec![ip("192.0.2.50")];
        web.external_traffic_policy =
            if rng.below(2) == 0 { TrafficPolicy::Local } else { TrafficPolicy::Cluster };
        web.internal_traffic_policy =
            if rng.below(3) == 0 { TrafficPolicy::Local } else { TrafficPolicy::Cluster };
        pods.push(pod("client", "10.244.0.99", "node-0"));
        let mut cluster = cluster(nodes, pods, vec![web]);
        for node in cluster.nodes.iter_mut().filter(|_| rng.below(2) == 0) {
            node.labels.insert(endpoints::ZONE_LABEL.to_string(), "zone-a".to_string());
        }
        if rng.below(5) == 0 {
            cluster.cluster_cidrs.clear();
        }
        let entries = [
            EntryKind::LoadBalancer,
            EntryKind::NodePort,
            EntryKind::ClusterIp,
            EntryKind::ExternalIp,
        ];
        let mut q = query("web");
        q.entry = entries.get(rng.below(4) as usize).copied();
        q.node = Some(format!("node-{}", rng.below(n_nodes as u64)));
        q = match rng.below(3) {
            0 => from_pod(q, "client"),
            1 => from_node(q, "node-0"),
            _ => q,
        };
        cases.push((cluster, q));
    }
    cases
}

/// What every answer keeps: shares sum to exactly 1; pods sum their delivered paths;
/// external traffic under Local never crosses nodes and keeps its source; under Cluster it
/// is always masqueraded; hops and packets chain; the last packet reaches the endpoint.
#[track_caller]
fn assert_properties(expl: &Explanation, q: &Query, case: &str) {
    let total: Share = expl.paths.iter().map(|path| path.share).sum();
    assert_eq!(total.add(expl.omitted_share), Share::ONE, "{case}: shares sum to 1");
    assert_eq!(expl.omitted_paths == 0, expl.omitted_share.is_zero(), "{case}");
    assert!(expl.paths.len() <= MAX_PATHS, "{case}: at most MAX_PATHS listed");
    // Each pod's share, computed over groups of nodes, is the sum of its paths' shares.
    for pod in &expl.pods {
        let listed: Share = expl
            .paths
            .iter()
            .filter(|path| path.outcome == Outcome::Delivered)
            .filter(|path| path.target.as_ref().and_then(|t| t.pod.as_deref()) == Some(&pod.pod))
            .map(|path| path.share)
            .sum();
        if expl.omitted_paths == 0 {
            assert_eq!(pod.share, listed, "{case}: {} sums its paths", pod.pod);
        } else {
            assert!(pod.share >= listed, "{case}: {} counts its omitted paths too", pod.pod);
        }
    }
    let pod_total: Share = expl.pods.iter().map(|pod| pod.share).sum();
    let delivered: Share = expl
        .paths
        .iter()
        .filter(|path| path.outcome == Outcome::Delivered)
        .map(|path| path.share)
        .sum();
    if expl.omitted_paths == 0 {
        assert_eq!(pod_total, delivered, "{case}: pods sum their paths");
    }
    let is_external_entry = expl.entry.kind != EntryKind::ClusterIp;
    let is_outside_client = matches!(q.client, Client::External(_));
    for path in &expl.paths {
        assert!(!path.hops.is_empty(), "{case}: every path has a hop");
        for pair in path.hops.windows(2) {
            assert_eq!(pair[0].to, pair[1].from, "{case}: hops chain");
            assert_eq!(pair[0].after, pair[1].before, "{case}: packets chain");
        }
        let Some(target) = &path.target else {
            assert_ne!(path.outcome, Outcome::Delivered, "{case}");
            continue;
        };
        if is_external_entry && is_outside_client {
            match expl.policy.external_traffic_policy {
                TrafficPolicy::Local => {
                    assert_eq!(target.node, path.via_node, "{case}: Local stays on the node");
                    assert!(path.snat.is_none(), "{case}: Local keeps the source");
                }
                TrafficPolicy::Cluster => {
                    assert!(path.snat.is_some(), "{case}: Cluster masquerades")
                }
            }
        }
        let last = path.hops.last().unwrap();
        assert_eq!(last.after.dst, SocketAddr::new(target.ip, target.port), "{case}");
        assert_eq!(Some(last.after.src.ip()), path.client_ip_seen, "{case}");
    }
}

#[test]
fn properties_hold_over_many_generated_clusters() {
    let mut n_explained = 0;
    for (case_idx, (cluster, q)) in generated_cases(400).into_iter().enumerate() {
        let Ok(expl) = explain(&cluster, &q) else { continue };
        n_explained += 1;
        assert_properties(&expl, &q, &format!("case {case_idx}"));
    }
    assert!(n_explained > 200, "most generated queries are answerable: {n_explained}");
}

#[test]
fn properties_hold_for_every_preset_entry_node_and_client() {
    let presets = [
        preset!("11.3-nodeport.yaml"),
        preset!("11.4-loadbalancer.yaml"),
        preset!("fig-11.11-cluster.yaml"),
        preset!("fig-11.11-local.yaml"),
        preset!("local-node-without-pod.yaml"),
        preset!("source-ranges.yaml"),
        preset!("internal-traffic-policy-local.yaml"),
        preset!("terminating-pod.yaml"),
        preset!("named-target-port-partial.yaml"),
    ];
    let mut n_explained = 0;
    for (preset_idx, yaml) in presets.into_iter().enumerate() {
        let parsed = crate::input::parse(yaml);
        let (cluster, _) = crate::model::build(&parsed, &crate::model::BuildOptions::default());
        let mut clients =
            vec![Client::External(ip("203.0.113.10")), Client::External(ip("198.51.100.7"))];
        clients.extend(
            cluster.pods.iter().map(|pod| Client::Pod {
                namespace: pod.namespace.clone(),
                name: pod.name.clone(),
            }),
        );
        clients.extend(cluster.nodes.iter().map(|node| Client::Node(node.name.clone())));
        for service in &cluster.services {
            for entry_kind in [
                EntryKind::LoadBalancer,
                EntryKind::NodePort,
                EntryKind::ClusterIp,
                EntryKind::ExternalIp,
            ] {
                for node in &cluster.nodes {
                    for client in &clients {
                        for policy in
                            [None, Some(TrafficPolicy::Local), Some(TrafficPolicy::Cluster)]
                        {
                            let mut q = at(
                                Query::new(&service.namespace, &service.name),
                                entry_kind,
                                Some(&node.name),
                            );
                            q.client = client.clone();
                            q.external_traffic_policy = policy;
                            let Ok(expl) = explain(&cluster, &q) else { continue };
                            n_explained += 1;
                            assert_properties(&expl, &q, &format!("preset {preset_idx} {q:?}"));
                        }
                    }
                }
            }
        }
    }
    assert!(n_explained > 500, "{n_explained}");
}
#[test]
fn a_path_reason_names_the_kube_proxy_chains_and_rule_comments() {
    let cluster = kiada_nodeport();
    let expl =
        explain(&cluster, &at(query("kiada"), EntryKind::NodePort, Some("kind-worker"))).unwrap();
    let to_kiada_001 = expl
        .paths
        .iter()
        .find(|path| path.target.as_ref().unwrap().ip == ip("10.244.1.90"))
        .unwrap();
    assert_eq!(
        to_kiada_001.reason,
        "KUBE-EXT-VCVJFQSZPM2BYGKL masquerades external traffic under externalTrafficPolicy Cluster \
         (\"masquerade traffic for default/kiada:http external destinations\"), then KUBE-SVC-VCVJFQSZPM2BYGKL \
         picks from all endpoints; it picks KUBE-SEP-7YUNUNTWWIW4EGWL (\"default/kiada:http -> 10.244.1.90:8080\", \
         one of 3 with equal probability), which DNATs to 10.244.1.90:8080; KUBE-POSTROUTING masquerades the \
         source to 172.18.0.4"
    );
}

#[test]
fn a_host_network_pod_behaves_as_its_node() {
    let mut cluster = as_lb(two_pods(), TrafficPolicy::Local, IpMode::Vip);
    let mut agent = pod("agent", "10.0.0.3", "node-c");
    agent.host_network = true;
    cluster.pods.push(agent);
    let expl = explain(&cluster, &from_pod(query("web"), "agent")).unwrap();
    assert_eq!(expl.client.ip, ip("10.0.0.3"));
    // Source type LOCAL: masqueraded and short-circuited to the Cluster list (row 24).
    assert_eq!(expl.outcome, Outcome::Delivered);
    assert!(expl.paths.iter().all(|path| path.snat == Some(ip("10.0.0.3"))));
}

#[test]
fn node_hints_keep_cluster_traffic_on_the_node_that_has_an_endpoint() {
    // PreferSameNode (facts 2.3): every ready endpoint has a node hint; node-a uses only
    // its own endpoint, node-c (no endpoint, no zone) uses all of them.
    let mut cluster = two_pods();
    for endpoint in &mut web_mut(&mut cluster).ports[0].endpoints {
        endpoint.hint_nodes = vec![endpoint.node_name.clone().unwrap()];
    }
    let shares = |client: &str| -> Vec<String> {
        let q = from_pod(at(query("web"), EntryKind::ClusterIp, None), client);
        explain(&cluster, &q)
            .unwrap()
            .pods
            .iter()
            .map(|pod| format!("{} {}", pod.pod, pod.share))
            .collect()
    };
    assert_eq!(shares("client"), ["web-a 1"]);
    assert_eq!(shares("lonely"), ["web-a 1/2", "web-b 1/2"]);
}

#[test]
fn external_traffic_policy_local_on_a_cluster_ip_service_has_no_effect() {
    let mut cluster = two_pods();
    web_mut(&mut cluster).type_ = ServiceType::ClusterIp;
    web_mut(&mut cluster).ports[0].node_port = None;
    let mut q = from_pod(query("web"), "lonely");
    q.external_traffic_policy = Some(TrafficPolicy::Local);
    let expl = explain(&cluster, &q).unwrap();
    assert_eq!(expl.entry.kind, EntryKind::ClusterIp);
    assert_eq!(expl.pods.len(), 2);
    assert!(expl.warnings.iter().any(|w| w.contains("externalTrafficPolicy Local has no effect")));
}

// ---------------------------------------------------------------- the presets, from YAML

#[test]
fn preset_listing_11_3_kind_worker_forwards_to_kiada_001_which_sees_172_18_0_4() {
    // The book: `curl 172.18.0.4:30080` is answered by kiada-001 on kind-worker2 with
    // "Client IP: ::ffff:172.18.0.4", the IP of the node the request was sent to.
    let mut q = at(query("kiada"), EntryKind::NodePort, Some("kind-worker"));
    q.port = PortSelector::Name("http".to_string());
    check(preset!("11.3-nodeport.yaml"), &q, "
        delivered node-port 172.18.0.4:30080; pods: kiada-001 1/3, kiada-002 1/3, kiada-003 1/3
        1/3 via kind-worker -> kiada-001 snat 172.18.0.4 seen 172.18.0.4 | client>node/kind-worker [203.0.113.10:51234>172.18.0.4:30080] node/kind-worker>node/kind-worker2 DNAT 10.244.1.90:8080 SNAT 172.18.0.4 node/kind-worker2>pod/kiada-001
        1/3 via kind-worker -> kiada-002 snat 10.244.2.1 seen 10.244.2.1 | client>node/kind-worker [203.0.113.10:51234>172.18.0.4:30080] node/kind-worker>pod/kiada-002 DNAT 10.244.2.84:8080 SNAT 10.244.2.1
        1/3 via kind-worker -> kiada-003 snat 10.244.2.1 seen 10.244.2.1 | client>node/kind-worker [203.0.113.10:51234>172.18.0.4:30080] node/kind-worker>pod/kiada-003 DNAT 10.244.2.86:8080 SNAT 10.244.2.1
    ");
}

#[test]
fn preset_listing_11_3_is_reachable_on_30080_and_30443_of_all_three_nodes() {
    let parsed = crate::input::parse(preset!("11.3-nodeport.yaml"));
    let (cluster, _) = crate::model::build(&parsed, &crate::model::BuildOptions::default());
    for node_name in ["kind-control-plane", "kind-worker", "kind-worker2"] {
        for (port_name, node_port, target) in [("http", 30080, 8080), ("https", 30443, 8443)] {
            let mut q = at(query("kiada"), EntryKind::NodePort, Some(node_name));
            q.port = PortSelector::Name(port_name.to_string());
            let expl = explain(&cluster, &q).unwrap();
            assert_eq!(expl.entry.address.port(), node_port);
            assert_eq!(expl.outcome, Outcome::Delivered, "{node_name} {port_name}");
            let shares: Vec<String> =
                expl.pods.iter().map(|pod| format!("{} {}", pod.pod, pod.share)).collect();
            assert_eq!(
                shares,
                ["kiada-001 1/3", "kiada-002 1/3", "kiada-003 1/3"],
                "{node_name} {port_name}"
            );
            assert!(expl.paths.iter().all(|path| path.target.as_ref().unwrap().port == target));
        }
    }
}

#[test]
fn preset_listing_11_4_spreads_over_the_workers_and_masquerades() {
    // kubeadm labels kind's control plane exclude-from-external-load-balancers="" (facts 8.4).
    let expl = check(preset!("11.4-loadbalancer.yaml"), &at(query("kiada"), EntryKind::LoadBalancer, None), "
        delivered load-balancer 172.18.255.200:80; pods: kiada-001 1/3, kiada-002 1/3, kiada-003 1/3; lb: kind-worker, kind-worker2
        1/6 via kind-worker -> kiada-001 snat 172.18.0.4 seen 172.18.0.4 | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/kind-worker node/kind-worker>node/kind-worker2 DNAT 10.244.1.90:8080 SNAT 172.18.0.4 node/kind-worker2>pod/kiada-001
        1/6 via kind-worker -> kiada-002 snat 10.244.2.1 seen 10.244.2.1 | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/kind-worker node/kind-worker>pod/kiada-002 DNAT 10.244.2.84:8080 SNAT 10.244.2.1
        1/6 via kind-worker -> kiada-003 snat 10.244.2.1 seen 10.244.2.1 | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/kind-worker node/kind-worker>pod/kiada-003 DNAT 10.244.2.86:8080 SNAT 10.244.2.1
        1/6 via kind-worker2 -> kiada-001 snat 10.244.1.1 seen 10.244.1.1 | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/kind-worker2 node/kind-worker2>pod/kiada-001 DNAT 10.244.1.90:8080 SNAT 10.244.1.1
        1/6 via kind-worker2 -> kiada-002 snat 172.18.0.2 seen 172.18.0.2 | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/kind-worker2 node/kind-worker2>node/kind-worker DNAT 10.244.2.84:8080 SNAT 172.18.0.2 node/kind-worker>pod/kiada-002
        1/6 via kind-worker2 -> kiada-003 snat 172.18.0.2 seen 172.18.0.2 | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/kind-worker2 node/kind-worker2>node/kind-worker DNAT 10.244.2.86:8080 SNAT 172.18.0.2 node/kind-worker>pod/kiada-003
    ");
    assert!(expl.warnings.iter().any(|w| w.contains("MetalLB")));
}

#[test]
fn preset_figure_11_11_cluster_and_local() {
    check(preset!("fig-11.11-cluster.yaml"), &query("kiada"), "
        delivered load-balancer 172.18.255.200:80; pods: kiada-001 1/3, kiada-002 1/3, kiada-003 1/3; lb: node-a, node-b
        1/6 via node-a -> kiada-001 snat 10.244.1.1 seen 10.244.1.1 | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/node-a node/node-a>pod/kiada-001 DNAT 10.244.1.11:8080 SNAT 10.244.1.1
        1/6 via node-a -> kiada-002 snat 172.18.0.2 seen 172.18.0.2 | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/node-a node/node-a>node/node-b DNAT 10.244.2.21:8080 SNAT 172.18.0.2 node/node-b>pod/kiada-002
        1/6 via node-a -> kiada-003 snat 172.18.0.2 seen 172.18.0.2 | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/node-a node/node-a>node/node-b DNAT 10.244.2.22:8080 SNAT 172.18.0.2 node/node-b>pod/kiada-003
        1/6 via node-b -> kiada-001 snat 172.18.0.3 seen 172.18.0.3 | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/node-b node/node-b>node/node-a DNAT 10.244.1.11:8080 SNAT 172.18.0.3 node/node-a>pod/kiada-001
        1/6 via node-b -> kiada-002 snat 10.244.2.1 seen 10.244.2.1 | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/node-b node/node-b>pod/kiada-002 DNAT 10.244.2.21:8080 SNAT 10.244.2.1
        1/6 via node-b -> kiada-003 snat 10.244.2.1 seen 10.244.2.1 | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/node-b node/node-b>pod/kiada-003 DNAT 10.244.2.22:8080 SNAT 10.244.2.1
    ");
    let expl = check(preset!("fig-11.11-local.yaml"), &query("kiada"), "
        delivered load-balancer 172.18.255.200:80; pods: kiada-001 1/2, kiada-002 1/4, kiada-003 1/4; lb: node-a, node-b
        1/2 via node-a -> kiada-001 snat - seen 203.0.113.10 | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/node-a node/node-a>pod/kiada-001 DNAT 10.244.1.11:8080
        1/4 via node-b -> kiada-002 snat - seen 203.0.113.10 | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/node-b node/node-b>pod/kiada-002 DNAT 10.244.2.21:8080
        1/4 via node-b -> kiada-003 snat - seen 203.0.113.10 | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/node-b node/node-b>pod/kiada-003 DNAT 10.244.2.22:8080
    ");
    assert_eq!(
        expl.reason,
        "KUBE-EXT-VCVJFQSZPM2BYGKL jumps to KUBE-SVL-VCVJFQSZPM2BYGKL without masquerade: externalTrafficPolicy \
         Local keeps it on the node that received it, and the pod sees the client's address"
    );
}

#[test]
fn preset_local_node_without_pod_drops_direct_connections_and_the_lb_avoids_the_node() {
    let yaml = preset!("local-node-without-pod.yaml");
    check(yaml, &at(query("kiada"), EntryKind::NodePort, Some("kind-worker")), "
        dropped node-port 172.18.0.4:30080
        1 via kind-worker dropped: default/kiada:http has no local endpoints | client>node/kind-worker [203.0.113.10:51234>172.18.0.4:30080]
    ");
    let expl = check(yaml, &query("kiada"), "
        delivered load-balancer 172.18.255.200:80; pods: kiada-001 1/2, kiada-002 1/2; lb: kind-worker2
        1/2 via kind-worker2 -> kiada-001 snat - seen 203.0.113.10 | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/kind-worker2 node/kind-worker2>pod/kiada-001 DNAT 10.244.1.90:8080
        1/2 via kind-worker2 -> kiada-002 snat - seen 203.0.113.10 | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/kind-worker2 node/kind-worker2>pod/kiada-002 DNAT 10.244.1.91:8080
    ");
    assert!(expl
        .warnings
        .iter()
        .any(|w| w.starts_with("node kind-worker fails the load balancer's health check")));
}

#[test]
fn preset_source_ranges_drop_an_outside_client_and_pass_an_inside_one() {
    let yaml = preset!("source-ranges.yaml");
    check(yaml, &query("kiada"), "
        dropped load-balancer 172.18.255.200:80; lb: kind-worker, kind-worker2
        1/2 via kind-worker dropped: default/kiada:http traffic not accepted by KUBE-FW-VCVJFQSZPM2BYGKL | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/kind-worker
        1/2 via kind-worker2 dropped: default/kiada:http traffic not accepted by KUBE-FW-VCVJFQSZPM2BYGKL | client>load-balancer [203.0.113.10:51234>172.18.255.200:80] load-balancer>node/kind-worker2
    ");
    let mut inside = query("kiada");
    inside.client = Client::External(ip("198.51.100.7"));
    let parsed = crate::input::parse(yaml);
    let (cluster, _) = crate::model::build(&parsed, &crate::model::BuildOptions::default());
    assert_eq!(explain(&cluster, &inside).unwrap().outcome, Outcome::Delivered);
}

#[test]
fn preset_internal_traffic_policy_local_keeps_the_curl_pod_on_its_node() {
    check(preset!("internal-traffic-policy-local.yaml"), &from_pod(query("kiada"), "curl"), "
        delivered cluster-ip 10.99.163.212:80; pods: kiada-002 1/2, kiada-003 1/2
        1/2 via kind-worker -> kiada-002 snat - seen 10.244.2.5 | client>node/kind-worker [10.244.2.5:51234>10.99.163.212:80] node/kind-worker>pod/kiada-002 DNAT 10.244.2.84:8080
        1/2 via kind-worker -> kiada-003 snat - seen 10.244.2.5 | client>node/kind-worker [10.244.2.5:51234>10.99.163.212:80] node/kind-worker>pod/kiada-003 DNAT 10.244.2.86:8080
    ");
}

#[test]
fn preset_terminating_pod_gets_no_new_connections() {
    check(preset!("terminating-pod.yaml"), &at(query("kiada"), EntryKind::NodePort, Some("kind-worker")), "
        delivered node-port 172.18.0.4:30080; pods: kiada-002 1/2, kiada-003 1/2
        1/2 via kind-worker -> kiada-002 snat 10.244.2.1 seen 10.244.2.1 | client>node/kind-worker [203.0.113.10:51234>172.18.0.4:30080] node/kind-worker>pod/kiada-002 DNAT 10.244.2.84:8080 SNAT 10.244.2.1
        1/2 via kind-worker -> kiada-003 snat 10.244.2.1 seen 10.244.2.1 | client>node/kind-worker [203.0.113.10:51234>172.18.0.4:30080] node/kind-worker>pod/kiada-003 DNAT 10.244.2.86:8080 SNAT 10.244.2.1
    ");
}

#[test]
fn preset_named_target_port_leaves_out_the_pod_without_the_name() {
    check(preset!("named-target-port-partial.yaml"), &at(query("kiada"), EntryKind::NodePort, Some("kind-worker")), "
        delivered node-port 172.18.0.4:30080; pods: kiada-001 1/2, kiada-002 1/2
        1/2 via kind-worker -> kiada-001 snat 172.18.0.4 seen 172.18.0.4 | client>node/kind-worker [203.0.113.10:51234>172.18.0.4:30080] node/kind-worker>node/kind-worker2 DNAT 10.244.1.90:8080 SNAT 172.18.0.4 node/kind-worker2>pod/kiada-001
        1/2 via kind-worker -> kiada-002 snat 10.244.2.1 seen 10.244.2.1 | client>node/kind-worker [203.0.113.10:51234>172.18.0.4:30080] node/kind-worker>pod/kiada-002 DNAT 10.244.2.84:8080 SNAT 10.244.2.1
    ");
}

// ---------------------------------------------------------------- CategorizeEndpoints, case by case

/// The cases of facts 2.2's table (from k8s `pkg/proxy/topology_test.go` —
/// `TestCategorizeEndpoints`), on a node `this` in zone-a.
#[test]
fn categorize_endpoints_matches_kube_proxys_table() {
    let mut this = node("this", "10.0.0.1", "10.244.1.0/24");
    this.labels.insert(endpoints::ZONE_LABEL.to_string(), "zone-a".to_string());
    let ep = |name: &str, last: u8, node_name: &str| {
        ready(name, &format!("10.244.9.{last}"), 80, node_name)
    };
    let unready = |endpoint: Endpoint| Endpoint { is_ready: false, is_serving: false, ..endpoint };
    let show = |list: &[&Endpoint]| {
        list.iter().map(|e| e.pod.clone().unwrap()).collect::<Vec<_>>().join(",")
    };
    let run = |endpoints: &[Endpoint], uses_cluster: bool, uses_local: bool| {
        let out = endpoints::categorize_endpoints(endpoints, &this, uses_cluster, uses_local);
        format!(
            "cluster=[{}] local=[{}] all=[{}] any={}",
            show(&out.cluster_endpoints),
            show(&out.local_endpoints),
            show(&out.all_reachable_endpoints),
            out.has_any_endpoints
        )
    };
    // uses_cluster / uses_local from the Service's settings (facts 2.1).
    assert!(!endpoints::uses_cluster_endpoints(false, TrafficPolicy::Local));
    assert!(endpoints::uses_cluster_endpoints(true, TrafficPolicy::Local));
    assert!(!endpoints::uses_local_endpoints(false, TrafficPolicy::Cluster, TrafficPolicy::Local));
    assert!(endpoints::uses_local_endpoints(true, TrafficPolicy::Cluster, TrafficPolicy::Local));

    let remote = [ep("A", 1, "other"), ep("B", 2, "other")];
    assert_eq!(
        run(&remote, false, true),
        "cluster=[] local=[] all=[] any=true",
        "onlyRemoteEndpoints"
    );
    let remote_terminating = remote.clone().map(|e| terminating(e, true));
    assert_eq!(run(&remote_terminating, true, true), "cluster=[A,B] local=[] all=[A,B] any=true");
    let mixed = [
        ep("A", 1, "other"),
        unready(ep("B", 2, "this")),
        terminating(ep("C", 3, "this"), true),
        terminating(ep("D", 4, "other"), true),
    ];
    assert_eq!(run(&mixed, true, true), "cluster=[A] local=[C] all=[A,C] any=true");
    assert_eq!(run(&remote_terminating, true, false), "cluster=[A,B] local=[] all=[A,B] any=true");
    let dead = [unready(ep("A", 1, "other")), terminating(ep("B", 2, "this"), false)];
    assert_eq!(run(&dead, true, false), "cluster=[] local=[] all=[] any=false");
    let mut hinted = [ep("A", 1, "this"), ep("B", 2, "this"), ep("C", 3, "other")];
    for (endpoint, zone) in hinted.iter_mut().zip(["zone-a", "zone-b", "zone-a"]) {
        endpoint.hint_zones = vec![zone.to_string()];
    }
    assert_eq!(run(&hinted, true, true), "cluster=[A,C] local=[A,B] all=[A,B,C] any=true");
    // Unready endpoints' hints do not matter; only ready ones must all carry a hint.
    hinted[1] = unready(ep("B", 2, "this"));
    assert_eq!(run(&hinted, true, false), "cluster=[A,C] local=[] all=[A,C] any=true");
}

#[test]
fn a_pod_outside_the_cluster_cidr_is_treated_as_an_outside_source() {
    let mut cluster = two_pods();
    cluster.pods.push(pod("stray", "192.168.5.5", "node-c"));
    let expl = explain(&cluster, &from_pod(at(query("web"), EntryKind::ClusterIp, None), "stray"))
        .unwrap();
    assert!(expl.paths.iter().all(|path| path.snat == Some(ip("10.0.0.3"))));
    assert!(expl
        .warnings
        .iter()
        .any(|w| w.contains("is outside the cluster CIDR (10.244.0.0/16)")));
}

#[test]
fn a_pod_to_an_external_ip_is_captured_by_its_own_node() {
    let mut cluster = two_pods();
    web_mut(&mut cluster).external_ips = vec![ip("192.0.2.50")];
    web_mut(&mut cluster).external_traffic_policy = TrafficPolicy::Local;
    let expl = explain(
        &cluster,
        &from_pod(at(query("web"), EntryKind::ExternalIp, Some("node-b")), "lonely"),
    )
    .unwrap();
    assert!(expl.paths.iter().all(|path| path.via_node.as_deref() == Some("node-c")));
    assert_eq!(expl.outcome, Outcome::Delivered, "short-circuit (row 21)");
    assert!(expl
        .warnings
        .iter()
        .any(|w| w.contains("captures connections to the external IP 192.0.2.50")));
}

// ---------------------------------------------------------------- at cluster scale

/// `n_nodes` nodes in three zones and `n_pods` ready endpoints spread over them (pod i on
/// node (7·i) mod n), each with a zone hint for its node's zone when `hinted`; a
/// LoadBalancer Service `web` in front, `policy` for external traffic.
fn many_nodes(n_nodes: usize, n_pods: usize, policy: TrafficPolicy, hinted: bool) -> Cluster {
    let zone = |idx: usize| format!("zone-{}", ["a", "b", "c"][idx % 3]);
    let mut nodes: Vec<Node> = (0..n_nodes)
        .map(|idx| {
            let mut node = node(
                &format!("node-{idx:04}"),
                &format!("10.0.{}.{}", idx / 250, idx % 250 + 1),
                &format!("10.{}.{}.0/24", 100 + idx / 250, idx % 250),
            );
            node.labels.insert(endpoints::ZONE_LABEL.to_string(), zone(idx));
            node
        })
        .collect();
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    let endpoints: Vec<Endpoint> = (0..n_pods)
        .map(|idx| {
            let node_idx = (7 * idx) % n_nodes;
            let mut endpoint = ready(
                &format!("web-{idx:04}"),
                &format!("10.200.{}.{}", idx / 250, idx % 250 + 1),
                8080,
                &format!("node-{node_idx:04}"),
            );
            // Zone c's endpoints are hinted to zone a, so zone c's nodes find no endpoint
            // for their zone and use every endpoint (facts 2.3).
            if hinted {
                let for_zone = if node_idx % 3 == 2 { 0 } else { node_idx };
                endpoint.hint_zones = vec![zone(for_zone)];
            }
            endpoint
        })
        .collect();
    let mut web = with_lb(
        service(
            "web",
            ServiceType::LoadBalancer,
            "10.96.0.50",
            vec![port("http", 80, 8080, Some(30080), endpoints)],
        ),
        "198.51.100.7",
        IpMode::Vip,
    );
    web.external_traffic_policy = policy;
    cluster(nodes, Vec::new(), vec![web])
}

/// facts 5.4 the slow way: per node, `CategorizeEndpoints` and 1/H · 1/|L_N| per endpoint.
fn shares_node_by_node(cluster: &Cluster, pool: &[String]) -> BTreeMap<String, Share> {
    let service = &cluster.services[0];
    let port = &service.ports[0];
    let mut shares: BTreeMap<String, Share> = BTreeMap::new();
    for name in pool {
        let node = cluster.node(name).unwrap();
        let lists = endpoints::categorize_endpoints(
            &port.endpoints,
            node,
            true,
            service.external_traffic_policy == TrafficPolicy::Local,
        );
        let list = match service.external_traffic_policy {
            TrafficPolicy::Cluster => &lists.cluster_endpoints,
            TrafficPolicy::Local => &lists.local_endpoints,
        };
        for endpoint in list {
            let share = Share::new(1, pool.len() as u128 * list.len() as u128);
            let slot = shares.entry(endpoint.pod.clone().unwrap()).or_insert(Share::ZERO);
            *slot = slot.add(share);
        }
    }
    shares
}

#[test]
fn a_load_balancer_over_many_nodes_lists_the_first_nodes_and_keeps_every_pods_share_exact() {
    // 120 nodes × 31 endpoints: 3,720 paths; 6 nodes fit in MAX_PATHS (186 paths).
    let cluster = many_nodes(120, 31, TrafficPolicy::Cluster, false);
    let expl = explain(&cluster, &query("web")).unwrap();
    assert_eq!(expl.outcome, Outcome::Delivered);
    assert_eq!(expl.load_balancer_nodes.len(), 120);
    assert_eq!(expl.paths.len(), 6 * 31);
    assert_eq!(expl.omitted_paths, 114 * 31);
    assert_eq!(expl.omitted_share, Share::new(114, 120));
    let listed_nodes: BTreeSet<&str> =
        expl.paths.iter().filter_map(|path| path.via_node.as_deref()).collect();
    let first_nodes: BTreeSet<&str> =
        expl.load_balancer_nodes[..6].iter().map(String::as_str).collect();
    assert_eq!(listed_nodes, first_nodes, "whole nodes, the first by name");
    assert!(expl.paths.iter().all(|path| path.share == Share::new(1, 120 * 31)));
    // The pods count every node, listed or not: 1/31 each (facts 5.4, eTP Cluster).
    assert_eq!(expl.pods.len(), 31);
    assert!(expl.pods.iter().all(|pod| pod.share == Share::new(1, 31)));
    assert!(
        expl.warnings.iter().any(|w| w.starts_with(
            "3534 of the 3720 paths are not listed (the paths through the 114 nodes after node-0005: \
             95.0% of new connections)"
        )),
        "{:?}",
        expl.warnings
    );
    assert_properties(&expl, &query("web"), "120 nodes");
}

#[test]
fn zone_hints_over_many_nodes_give_the_shares_node_by_node_categorizing_gives() {
    for policy in [TrafficPolicy::Cluster, TrafficPolicy::Local] {
        let cluster = many_nodes(90, 130, policy, true);
        let expl = explain(&cluster, &query("web")).unwrap();
        let expected = shares_node_by_node(&cluster, &expl.load_balancer_nodes);
        let actual: BTreeMap<String, Share> =
            expl.pods.iter().map(|pod| (pod.pod.clone(), pod.share)).collect();
        assert_eq!(actual, expected, "{policy}");
        let distinct: BTreeSet<Share> = actual.values().copied().collect();
        assert!(distinct.len() > 1, "{policy}: the zones make unequal shares: {distinct:?}");
        assert_eq!(actual.values().copied().sum::<Share>(), Share::ONE, "{policy}");
        assert_properties(&expl, &query("web"), &format!("{policy}"));
    }
}

#[test]
fn a_node_with_more_endpoints_than_max_paths_lists_its_first_pods_by_name() {
    let cluster = many_nodes(1, 1200, TrafficPolicy::Cluster, false);
    let mut q = query("web");
    q.entry = Some(EntryKind::NodePort);
    let expl = explain(&cluster, &q).unwrap();
    assert_eq!(expl.paths.len(), MAX_PATHS);
    assert_eq!(expl.omitted_paths, 1000);
    assert_eq!(expl.omitted_share, Share::new(5, 6));
    let listed: Vec<&str> =
        expl.paths.iter().filter_map(|p| p.target.as_ref()?.pod.as_deref()).collect();
    assert_eq!(listed.first(), Some(&"web-0000"));
    assert_eq!(listed.last(), Some(&"web-0199"));
    assert!(expl.warnings.iter().any(|w| w.starts_with(
        "1000 of the 1200 paths are not listed (node node-0000's paths after its first 200 by pod name: \
         83.3% of new connections)"
    )));
    assert_eq!(expl.pods.len(), 1200);
    assert!(expl.pods.iter().all(|pod| pod.share == Share::new(1, 1200)));
    assert_properties(&expl, &q, "one node");
}

#[test]
fn the_simulation_draws_omitted_paths_with_their_share_and_marks_them_past_the_list() {
    const N: usize = 100_000;
    let cluster = many_nodes(120, 31, TrafficPolicy::Cluster, false);
    let expl = explain(&cluster, &query("web")).unwrap();
    let omitted =
        connections(&expl, 11).take(N).filter(|&idx| idx == expl.paths.len()).count() as f64;
    let p = expl.omitted_share.to_f64();
    let sigma = (N as f64 * p * (1.0 - p)).sqrt();
    assert!((omitted - N as f64 * p).abs() <= 5.0 * sigma, "{omitted} omitted of {N}");
    let counts = simulate(&expl, 11, N);
    assert_eq!(counts.len(), expl.paths.len());
    assert_eq!(counts.iter().sum::<u64>(), N as u64 - omitted as u64);
}

#[test]
fn thousands_of_nodes_failing_the_health_check_are_named_up_to_twenty() {
    let cluster = many_nodes(60, 3, TrafficPolicy::Local, false);
    let expl = explain(&cluster, &query("web")).unwrap();
    assert_eq!(expl.load_balancer_nodes.len(), 3);
    let failing: Vec<&String> =
        expl.warnings.iter().filter(|w| w.contains("health check")).collect();
    assert_eq!(failing.len(), 21, "{failing:?}");
    assert!(failing[20].starts_with("37 more nodes fail the load balancer's health check"));
    assert!(expl.pods.iter().all(|pod| pod.share == Share::new(1, 3)));
}
