//! Checks of the routing engine: each test states a cluster and a query and compares the
//! compact hop table a person would read (one line per path) with the expected text.

use super::*;
use crate::model::{
    Cidr, Cluster, Endpoint, IpMode, LoadBalancerIngress, Node, Pod, Service, ServicePort,
    ServiceType, SessionAffinity, Taint, TargetPort, TrafficPolicy,
};
use std::collections::BTreeMap;
use std::net::IpAddr;

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
