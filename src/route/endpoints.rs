//! Which endpoints one node's kube-proxy uses for one service port: a port of
//! `CategorizeEndpoints` in k8s `pkg/proxy/topology.go` (facts section 2).
//!
//! The names mirror the Go so the two can be read side by side.

use crate::model::{Endpoint, Node, Service, ServicePort, TrafficPolicy};

/// The label kube-proxy reads for the node's zone (`v1.LabelTopologyZone`).
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

/// The topology mode `topologyModeFromHints` picks for one node (facts 2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopologyMode {
    /// No hints apply: every ready endpoint is used.
    None,
    PreferSameZone,
    PreferSameNode,
}

/// The four outputs of `CategorizeEndpoints`, for one node and one service port.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Categorized<'a> {
    /// The endpoints `KUBE-SVC-…` jumps to (Cluster policy), in kube-proxy's order.
    pub cluster_endpoints: Vec<&'a Endpoint>,
    /// The endpoints `KUBE-SVL-…` jumps to (Local policy), in kube-proxy's order.
    pub local_endpoints: Vec<&'a Endpoint>,
    /// Every endpoint this node writes a `KUBE-SEP-…` chain for.
    pub all_reachable_endpoints: Vec<&'a Endpoint>,
    /// A usable (ready, or serving and terminating) endpoint exists somewhere.
    pub has_any_endpoints: bool,
    pub topology_mode: Option<TopologyMode>,
}

/// `ServicePort.ExternallyAccessible` (k8s `pkg/proxy/serviceport.go`, facts 2.1): a nodePort,
/// a VIP-mode load-balancer IP, or an externalIP.
pub fn is_externally_accessible(service: &Service, port: &ServicePort) -> bool {
    port.node_port.is_some()
        || service
            .load_balancer_ingress
            .iter()
            .any(|ingress| ingress.ip.is_some() && ingress.ip_mode == crate::model::IpMode::Vip)
        || !service.external_ips.is_empty()
}

/// `UsesClusterEndpoints` (facts 2.1): even eTP Local needs the Cluster list, for the
/// short-circuit of pod and node sources.
pub fn uses_cluster_endpoints(is_externally_accessible: bool, internal: TrafficPolicy) -> bool {
    internal == TrafficPolicy::Cluster || is_externally_accessible
}

/// `UsesLocalEndpoints` (facts 2.1): a ClusterIP-only Service with eTP Local does not.
pub fn uses_local_endpoints(
    is_externally_accessible: bool,
    internal: TrafficPolicy,
    external: TrafficPolicy,
) -> bool {
    internal == TrafficPolicy::Local
        || (external == TrafficPolicy::Local && is_externally_accessible)
}

/// `isLocal` (facts 1.4): an endpoint without `nodeName` is never local.
pub fn is_local(endpoint: &Endpoint, node_name: &str) -> bool {
    endpoint.node_name.as_deref() == Some(node_name)
}

fn is_serving_terminating(endpoint: &Endpoint) -> bool {
    endpoint.is_serving && endpoint.is_terminating
}

/// `topologyModeFromHints`: only ready endpoints count, and every one of them must carry a
/// hint of the kind; the `PreferSameTrafficDistribution` gate is assumed on (beta, on by
/// default since 1.34; facts 2.3).
pub fn topology_mode_from_hints(
    endpoints: &[Endpoint],
    node_name: &str,
    zone: Option<&str>,
) -> TopologyMode {
    let mut has_endpoint_for_node = false;
    let mut all_endpoints_have_node_hints = true;
    let mut has_endpoint_for_zone = false;
    let mut all_endpoints_have_zone_hints = true;
    for endpoint in endpoints.iter().filter(|endpoint| endpoint.is_ready) {
        if endpoint.hint_nodes.is_empty() {
            all_endpoints_have_node_hints = false;
        } else if endpoint.hint_nodes.iter().any(|hint| hint == node_name) {
            has_endpoint_for_node = true;
        }
        if endpoint.hint_zones.is_empty() {
            all_endpoints_have_zone_hints = false;
        } else if zone.is_some_and(|zone| endpoint.hint_zones.iter().any(|hint| hint == zone)) {
            has_endpoint_for_zone = true;
        }
    }
    if all_endpoints_have_node_hints && has_endpoint_for_node {
        TopologyMode::PreferSameNode
    } else if all_endpoints_have_zone_hints && has_endpoint_for_zone {
        TopologyMode::PreferSameZone
    } else {
        TopologyMode::None
    }
}

/// `availableForTopology`.
fn available_for_topology(
    endpoint: &Endpoint,
    mode: TopologyMode,
    node_name: &str,
    zone: Option<&str>,
) -> bool {
    match mode {
        TopologyMode::None => true,
        TopologyMode::PreferSameZone => {
            zone.is_some_and(|zone| endpoint.hint_zones.iter().any(|hint| hint == zone))
        }
        TopologyMode::PreferSameNode => endpoint.hint_nodes.iter().any(|hint| hint == node_name),
    }
}

/// The endpoints `keep` accepts, in kube-proxy's order. By `&dyn` and a plain loop, so the
/// page compiles one filter for `CategorizeEndpoints`' four lists.
fn endpoints_where<'a>(
    endpoints: &'a [Endpoint],
    keep: &dyn Fn(&Endpoint) -> bool,
) -> Vec<&'a Endpoint> {
    let mut kept = Vec::new();
    for endpoint in endpoints {
        if keep(endpoint) {
            kept.push(endpoint);
        }
    }
    kept
}

/// `CategorizeEndpoints` for `node`: the Cluster and Local lists with their independent
/// ready → serving-and-terminating fallbacks (facts 2.2).
pub fn categorize_endpoints<'a>(
    endpoints: &'a [Endpoint],
    node: &Node,
    uses_cluster_endpoints: bool,
    uses_local_endpoints: bool,
) -> Categorized<'a> {
    let mut out = Categorized::default();
    let node_name = node.name.as_str();
    let zone = node.labels.get(ZONE_LABEL).map(String::as_str).filter(|zone| !zone.is_empty());
    let mut topology_mode = TopologyMode::None;

    if uses_cluster_endpoints {
        topology_mode = topology_mode_from_hints(endpoints, node_name, zone);
        out.topology_mode = Some(topology_mode);
        out.cluster_endpoints = endpoints_where(endpoints, &|endpoint| {
            endpoint.is_ready && available_for_topology(endpoint, topology_mode, node_name, zone)
        });
        // No ready endpoint anywhere (topology would have been ignored otherwise): fall back
        // to serving-and-terminating ones, without topology.
        if out.cluster_endpoints.is_empty() {
            out.cluster_endpoints = endpoints_where(endpoints, &is_serving_terminating);
        }
        out.has_any_endpoints = !out.cluster_endpoints.is_empty();
    }

    if !uses_local_endpoints {
        out.all_reachable_endpoints = out.cluster_endpoints.clone();
        return out;
    }

    let mut has_local_ready_endpoints = false;
    let mut has_local_serving_terminating_endpoints = false;
    for endpoint in endpoints {
        if endpoint.is_ready {
            out.has_any_endpoints = true;
            has_local_ready_endpoints |= is_local(endpoint, node_name);
        } else if is_serving_terminating(endpoint) {
            out.has_any_endpoints = true;
            has_local_serving_terminating_endpoints |= is_local(endpoint, node_name);
        }
    }
    let mut use_serving_terminating_endpoints = false;
    if has_local_ready_endpoints {
        out.local_endpoints = endpoints_where(endpoints, &|endpoint| {
            is_local(endpoint, node_name) && endpoint.is_ready
        });
    } else if has_local_serving_terminating_endpoints {
        use_serving_terminating_endpoints = true;
        out.local_endpoints = endpoints_where(endpoints, &|endpoint| {
            is_local(endpoint, node_name) && is_serving_terminating(endpoint)
        });
    }

    if !uses_cluster_endpoints {
        out.all_reachable_endpoints = out.local_endpoints.clone();
        return out;
    }
    if topology_mode == TopologyMode::None && !use_serving_terminating_endpoints {
        out.all_reachable_endpoints = out.cluster_endpoints.clone();
        return out;
    }
    // Merge, keeping kube-proxy's endpoint order: both lists are subsequences of
    // `endpoints`, so one pass with two cursors suffices.
    let (mut cluster_idx, mut local_idx) = (0, 0);
    for endpoint in endpoints {
        let in_cluster =
            out.cluster_endpoints.get(cluster_idx).is_some_and(|e| std::ptr::eq(*e, endpoint));
        let in_local =
            out.local_endpoints.get(local_idx).is_some_and(|e| std::ptr::eq(*e, endpoint));
        cluster_idx += usize::from(in_cluster);
        local_idx += usize::from(in_local);
        if in_cluster || in_local {
            out.all_reachable_endpoints.push(endpoint);
        }
    }
    out
}

/// The number of distinct local **ready** endpoint IPs over all ports of the Service: what
/// kube-proxy's health check on `healthCheckNodePort` counts (facts 8.1,
/// `pkg/proxy/healthcheck/service_health.go`). Terminating endpoints do not count.
pub fn local_ready_endpoints(service: &Service, node_name: &str) -> usize {
    let mut ips = std::collections::BTreeSet::new();
    for port in &service.ports {
        for endpoint in &port.endpoints {
            if endpoint.is_ready && is_local(endpoint, node_name) {
                ips.insert(endpoint.ip);
            }
        }
    }
    ips.len()
}
