//! The load balancer in front of the nodes: which nodes the cloud service controller puts
//! in its backend pool, and which of them pass the health check (facts 8.1, 8.4, 5.4).

use crate::model::{Cluster, Node, Service, TrafficPolicy};

/// The label that keeps a node out of load-balancer pools (facts 8.4).
pub const EXCLUDE_LABEL: &str = "node.kubernetes.io/exclude-from-external-load-balancers";

/// The Cluster Autoscaler's taint on a node it is removing (facts 8.2, 8.4).
pub const TO_BE_DELETED_TAINT: &str = "ToBeDeletedByClusterAutoscaler";

/// Go's `strconv.ParseBool`: the only spellings it accepts.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Why the cloud service controller leaves `node` out of the pool, if it does
/// (`stableNodeSetPredicates` in k8s `staging/src/k8s.io/cloud-provider/controllers/service/controller.go`).
/// Readiness is ignored: the health check deals with unready nodes.
pub fn excluded_from_pool(node: &Node) -> Option<String> {
    if let Some(value) = node.labels.get(EXCLUDE_LABEL) {
        // `false` keeps the node; `true` or anything unparsable (even empty) excludes it.
        if parse_bool(value) != Some(false) {
            return Some(format!("labelled {EXCLUDE_LABEL}={}", crate::diagnostic::quote(value)));
        }
    }
    if node.is_being_deleted {
        return Some("being deleted".to_string());
    }
    if node.taints.iter().any(|taint| taint.key == TO_BE_DELETED_TAINT) {
        return Some(format!("tainted {TO_BE_DELETED_TAINT}"));
    }
    None
}

/// The load balancer's view of the nodes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pool<'a> {
    /// Nodes in the backend set, sorted by name.
    pub members: Vec<&'a Node>,
    /// Nodes left out, with the reason.
    pub excluded: Vec<(&'a Node, String)>,
    /// Members that get new connections: all of them under eTP Cluster; under eTP Local
    /// those whose health check on healthCheckNodePort answers 200.
    pub healthy: Vec<&'a Node>,
    /// Members whose health check answers 503 (eTP Local only).
    pub failing: Vec<&'a Node>,
}

/// The pool and its health for `service` under `external` policy.
///
/// Under eTP Local every kube-proxy answers 200 on healthCheckNodePort only with at least one
/// local ready endpoint (terminating ones do not count; facts 8.1), so the load balancer
/// spreads new connections evenly over those nodes only (facts 5.4).
///
/// O(nodes + endpoints): the nodes with a ready endpoint are collected once, not once per node.
pub fn pool<'a>(cluster: &'a Cluster, service: &Service, external: TrafficPolicy) -> Pool<'a> {
    let mut nodes: Vec<&Node> = Vec::with_capacity(cluster.nodes.len());
    for node in &cluster.nodes {
        nodes.push(node);
    }
    if !super::lookup::nodes_are_sorted(cluster) {
        crate::sort::sort_by(&mut nodes, |a, b| a.name.cmp(&b.name));
    }
    // `local_ready_endpoints(service, node) > 0`, for every node at once: sorted, for a
    // binary search per node.
    let mut with_ready_endpoint = Vec::new();
    for endpoint in service.ports.iter().flat_map(|port| &port.endpoints) {
        if let (true, Some(node)) = (endpoint.is_ready, endpoint.node_name.as_deref()) {
            with_ready_endpoint.push(node);
        }
    }
    let with_ready_endpoint = crate::sort::sorted_unique(with_ready_endpoint);
    let mut pool = Pool {
        members: Vec::with_capacity(nodes.len()),
        healthy: Vec::with_capacity(nodes.len()),
        ..Pool::default()
    };
    for node in nodes {
        if let Some(reason) = excluded_from_pool(node) {
            pool.excluded.push((node, reason));
            continue;
        }
        pool.members.push(node);
        let name = node.name.as_str();
        if external == TrafficPolicy::Cluster || with_ready_endpoint.binary_search(&name).is_ok() {
            pool.healthy.push(node);
        } else {
            pool.failing.push(node);
        }
    }
    pool
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_bool_follows_go() {
        assert_eq!(parse_bool("False"), Some(false));
        assert_eq!(parse_bool("T"), Some(true));
        assert_eq!(parse_bool(""), None);
        assert_eq!(parse_bool("yes"), None);
    }
}
