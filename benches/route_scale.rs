//! Routing-engine benchmark: figures, not pass/fail. Builds clusters straight in the model
//! (no YAML, so only `route::explain` is timed) shaped like `benches/scale.rs`'s at 1 %,
//! 10 % and 100 % of Kubernetes' limits, and explains every service from its natural entry;
//! then the worst single query, a LoadBalancer with externalTrafficPolicy Cluster on 5,000
//! nodes with 100 endpoints (500,000 node × endpoint paths before the path bound).
//!
//! `cargo bench --bench route_scale`; `SVCROUTE_ROUTE_SCALES=1,10` limits the scales;
//! `SVCROUTE_ROUTE_HEAP=packed` skips fragmenting the heap first (see `generate`). Run one
//! scale per process for comparable figures: the fragmenting adds up.

// A bench measures wall time and prints a report: both are its job.
#![allow(clippy::disallowed_methods, clippy::print_stdout)]

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;
use svcroute::model::{
    Cidr, Cluster, Endpoint, IpMode, LoadBalancerIngress, Node, Protocol, Service, ServicePort,
    ServiceType, SessionAffinity, TargetPort, TrafficPolicy,
};
use svcroute::route::{self, simulate::SplitMix64, Query};

const ZONES: [&str; 3] = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];

fn v4(value: u32) -> IpAddr {
    IpAddr::V4(Ipv4Addr::from(value))
}

fn node(idx: usize) -> Node {
    let mut labels = BTreeMap::new();
    // The labels a cloud node carries: kube-proxy and the cloud controller look up one or
    // two of them, and a lookup compares keys.
    for (key, value) in [
        ("beta.kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/instance-type", "m5.xlarge"),
        ("beta.kubernetes.io/os", "linux"),
        ("failure-domain.beta.kubernetes.io/region", "eu-west-1"),
        ("kubernetes.io/arch", "amd64"),
        ("kubernetes.io/os", "linux"),
        ("node.kubernetes.io/instance-type", "m5.xlarge"),
        ("topology.kubernetes.io/region", "eu-west-1"),
    ] {
        labels.insert(key.to_string(), value.to_string());
    }
    labels.insert(
        "kubernetes.io/hostname".to_string(),
        format!("ip-172-16-{}-{}", idx / 250, idx % 250),
    );
    labels.insert("topology.kubernetes.io/zone".to_string(), ZONES[idx % 3].to_string());
    if idx < 3 {
        labels.insert(
            "node.kubernetes.io/exclude-from-external-load-balancers".to_string(),
            String::new(),
        );
    }
    let name = if idx < 3 {
        format!("control-plane-{}", idx + 1)
    } else {
        format!("worker-{:05}", idx - 2)
    };
    Node {
        doc: None,
        name,
        labels,
        creation_timestamp: None,
        internal_ip: v4(0xAC10_000A + idx as u32),
        external_ip: None,
        pod_cidr: Some(Cidr { addr: v4(0x0A80_0000 + ((idx as u32) << 8)), prefix: 24 }),
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

#[allow(clippy::too_many_arguments)]
fn service(
    idx: usize,
    type_: ServiceType,
    policy: TrafficPolicy,
    n_ports: usize,
    endpoints: &[(u32, usize, bool, bool)],
    nodes: &[Node],
    affinity: bool,
) -> Service {
    let ports = (0..n_ports)
        .map(|port_idx| {
            let mut eps: Vec<Endpoint> = endpoints
                .iter()
                .enumerate()
                .map(|(pod_idx, &(ip, node_idx, ready, terminating))| Endpoint {
                    ip: v4(ip),
                    port: 8080 + port_idx as u16,
                    node_name: Some(nodes[node_idx].name.clone()),
                    zone: None,
                    is_ready: ready,
                    is_serving: ready || terminating,
                    is_terminating: terminating,
                    pod: Some(format!("app-{:05}-7d9f8c6b5d-{pod_idx:05}", idx + 1)),
                    hint_zones: Vec::new(),
                    hint_nodes: Vec::new(),
                })
                .collect();
            eps.sort_by_key(|e| format!("{}:{}", e.ip, e.port));
            ServicePort {
                name: if port_idx == 0 { "http".into() } else { "metrics".into() },
                protocol: Protocol::Tcp,
                app_protocol: None,
                port: 80 + port_idx as u16,
                target_port: TargetPort::Number(8080 + port_idx as u16),
                node_port: (type_ != ServiceType::ClusterIp)
                    .then_some(30000 + ((idx * 2 + port_idx) % 2768) as u16),
                endpoints: eps,
            }
        })
        .collect();
    Service {
        doc: 0,
        namespace: format!("team-{:04}", idx / 25 + 1),
        name: format!("app-{:05}", idx + 1),
        labels: BTreeMap::new(),
        creation_timestamp: None,
        type_,
        selector: None,
        cluster_ip: Some(v4(0x0A60_0800 + idx as u32)),
        cluster_ip_text: String::new(),
        external_ips: Vec::new(),
        external_name: None,
        ports,
        external_traffic_policy: policy,
        internal_traffic_policy: TrafficPolicy::Cluster,
        health_check_node_port: (type_ == ServiceType::LoadBalancer
            && policy == TrafficPolicy::Local)
            .then_some(32000),
        load_balancer_ingress: if type_ == ServiceType::LoadBalancer {
            vec![LoadBalancerIngress {
                ip: Some(v4(0xAC1E_0001 + idx as u32)),
                hostname: None,
                ip_mode: IpMode::Vip,
            }]
        } else {
            Vec::new()
        },
        load_balancer_source_ranges: Vec::new(),
        load_balancer_class: None,
        allocate_load_balancer_node_ports: true,
        session_affinity: if affinity {
            SessionAffinity::ClientIp { timeout_seconds: 10800 }
        } else {
            SessionAffinity::None
        },
        publish_not_ready_addresses: false,
    }
}

fn empty_cluster(nodes: Vec<Node>) -> Cluster {
    Cluster {
        nodes,
        pods: Vec::new(),
        services: Vec::new(),
        endpoint_slices: Vec::new(),
        cluster_cidrs: vec![Cidr { addr: v4(0x0A80_0000), prefix: 9 }],
        uses_default_nodes: false,
    }
}

/// 6 % NodePort, 10 % LoadBalancer, a third of those Local, the pods spread at random over
/// the workers, 2 % unready and 0.3 % terminating: the shape of `benches/scale.rs`.
fn generate(percent: f64, seed: u64, fragmented: bool) -> Cluster {
    let n_nodes = ((5000.0 * percent / 100.0) as usize).max(4);
    let n_pods = (150_000.0 * percent / 100.0) as usize;
    let n_services = ((10_000.0 * percent / 100.0) as usize).max(1);
    let mut rng = SplitMix64::new(seed);
    // Each node's strings land between other allocations, as in a cluster built from a dump
    // with 150,000 pods, rather than packed together: lookups then miss the cache as they do
    // there. The filler stays allocated until the end.
    let mut filler: Vec<Vec<u8>> = Vec::new();
    let nodes: Vec<Node> = (0..n_nodes)
        .map(|idx| {
            filler.push(vec![1; 48 * 1024]);
            node(idx)
        })
        .collect();
    std::mem::forget(filler);
    let mut pods_on_node = vec![0u32; n_nodes];
    let mut services = Vec::new();
    for idx in 0..n_services {
        let roll = rng.below(100);
        let type_ = match roll {
            0..=5 => ServiceType::NodePort,
            6..=15 => ServiceType::LoadBalancer,
            _ => ServiceType::ClusterIp,
        };
        let policy = if type_ != ServiceType::ClusterIp && rng.below(3) == 0 {
            TrafficPolicy::Local
        } else {
            TrafficPolicy::Cluster
        };
        let replicas = n_pods / n_services + usize::from(idx < n_pods % n_services);
        let endpoints: Vec<(u32, usize, bool, bool)> = (0..replicas)
            .map(|_| {
                let node_idx = 3 + rng.below((n_nodes - 3) as u64) as usize;
                pods_on_node[node_idx] += 1;
                let ip = 0x0A80_0000 + ((node_idx as u32) << 8) + 1 + pods_on_node[node_idx] % 250;
                let terminating = rng.below(1000) < 3;
                let ready = !terminating && rng.below(100) >= 2;
                (ip, node_idx, ready, terminating)
            })
            .collect();
        let n_ports = 1 + usize::from(rng.below(100) >= 75);
        let affinity = rng.below(100) < 5;
        services.push(service(idx, type_, policy, n_ports, &endpoints, &nodes, affinity));
    }
    services.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    // A heap like the one parsing and building a 600 MB dump leaves: millions of small
    // blocks, every other one freed, so `malloc` searches fragmented free lists. This makes
    // each allocation (a path has a dozen) several times dearer, as in `benches/scale.rs`.
    if !fragmented {
        return with_services(nodes, services);
    }
    let mut junk: Vec<String> =
        (0..n_pods * 40).map(|idx| "x".repeat(8 + (idx * 7) % 120)).collect();
    let mut keep = false;
    junk.retain(|_| {
        keep = !keep;
        keep
    });
    std::mem::forget(junk);
    with_services(nodes, services)
}

fn with_services(nodes: Vec<Node>, services: Vec<Service>) -> Cluster {
    let mut cluster = empty_cluster(nodes);
    cluster.services = services;
    cluster
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmHWM:")
                    .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            })
        })
        .unwrap_or(0.0)
        / 1024.0
}

/// This process's CPU time (user + system) in seconds, from /proc (clock ticks of 10 ms): on a
/// shared machine it moves less than wall time.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |idx: usize| fields.get(idx).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    // After the name: state is field 0, utime 11, stime 12.
    (ticks(11) + ticks(12)) / 100.0
}

fn explain_all(cluster: &Cluster) -> String {
    let mut by_entry: BTreeMap<&'static str, (usize, f64, usize, usize)> = BTreeMap::new();
    let mut errors = 0;
    let started = Instant::now();
    let cpu_started = cpu_seconds();
    for service in &cluster.services {
        let one = Instant::now();
        let explained = route::explain(cluster, &Query::new(&service.namespace, &service.name));
        let seconds = one.elapsed().as_secs_f64();
        match explained {
            Ok(expl) => {
                let slot = by_entry.entry(expl.entry.kind.as_str()).or_default();
                slot.0 += 1;
                slot.1 += seconds;
                slot.2 += expl.paths.len();
                slot.3 = slot.3.max(expl.paths.len());
            }
            Err(_) => errors += 1,
        }
    }
    let total = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_started;
    let kinds: Vec<String> = by_entry
        .iter()
        .map(|(kind, (n, seconds, paths, max))| {
            format!("{kind}: {n} in {seconds:.3} s, {paths} paths (max {max})")
        })
        .collect();
    format!("{total:.3} s wall, {cpu:.2} s CPU ({errors} query errors); {}", kinds.join("; "))
}

fn main() {
    let scales: Vec<f64> = std::env::var("SVCROUTE_ROUTE_SCALES")
        .unwrap_or_else(|_| "1,10,100".to_string())
        .split(',')
        .filter_map(|part| part.trim().parse().ok())
        .collect();
    let fragmented = !std::env::var("SVCROUTE_ROUTE_HEAP").is_ok_and(|heap| heap == "packed");
    let heap = if fragmented { "fragmented" } else { "packed" };
    for percent in scales {
        let cluster = generate(percent, 42, fragmented);
        println!(
            "{percent} % ({} nodes, {} services, {heap} heap): explain every service: {}; peak RSS {:.0} MiB",
            cluster.nodes.len(),
            cluster.services.len(),
            explain_all(&cluster),
            peak_rss_mib()
        );
    }

    // The worst single query: eTP Cluster on 5,000 nodes, 100 endpoints.
    let nodes: Vec<Node> = (0..5000).map(node).collect();
    let endpoints: Vec<(u32, usize, bool, bool)> = (0..100)
        .map(|idx| (0x0A80_0000 + (((3 + idx * 49) as u32) << 8) + 2, 3 + idx * 49, true, false))
        .collect();
    let mut cluster = empty_cluster(nodes);
    for (idx, policy) in [TrafficPolicy::Cluster, TrafficPolicy::Local].into_iter().enumerate() {
        let lb =
            service(idx, ServiceType::LoadBalancer, policy, 1, &endpoints, &cluster.nodes, false);
        cluster.services.push(lb);
    }
    for service in &cluster.services {
        let started = Instant::now();
        let explained = route::explain(&cluster, &Query::new(&service.namespace, &service.name));
        let explain_s = started.elapsed().as_secs_f64();
        let Ok(expl) = explained else { continue };
        let started = Instant::now();
        let counts = route::simulate::simulate(&expl, 7, 100_000);
        let simulate_s = started.elapsed().as_secs_f64();
        println!(
            "LB {} on 5,000 nodes × 100 endpoints: explain {explain_s:.3} s, {} paths listed, {} pods; \
             simulate 100,000 connections {simulate_s:.3} s ({} on listed paths); peak RSS {:.0} MiB",
            expl.policy.external_traffic_policy,
            expl.paths.len(),
            expl.pods.len(),
            counts.iter().sum::<u64>(),
            peak_rss_mib()
        );
    }
}
