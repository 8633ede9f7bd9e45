//! Finding nodes, services and pods by name in O(log n): [`Cluster`] keeps each list sorted
//! by (namespace, name) (`model::build` sorts them), so a binary search finds them; a
//! cluster assembled by hand out of order still answers, by a linear scan on a miss.
//!
//! `Cluster::node` and friends scan linearly, which costs O(services × nodes) when every
//! service of a 5,000-node cluster is explained.

use crate::model::{Cluster, Node, Pod, Service};

/// The node called `name`.
pub fn node<'a>(cluster: &'a Cluster, name: &str) -> Option<&'a Node> {
    let nodes = &cluster.nodes;
    let idx = nodes.partition_point(|node| node.name.as_str() < name);
    match nodes.get(idx) {
        Some(node) if node.name == name => Some(node),
        _ => cluster.node(name),
    }
}

/// The service `namespace/name`.
pub fn service<'a>(cluster: &'a Cluster, namespace: &str, name: &str) -> Option<&'a Service> {
    let services = &cluster.services;
    let idx = services.partition_point(|service| {
        (service.namespace.as_str(), service.name.as_str()) < (namespace, name)
    });
    match services.get(idx) {
        Some(service) if service.namespace == namespace && service.name == name => Some(service),
        _ => cluster.service(namespace, name),
    }
}

/// The pod `namespace/name`.
pub fn pod<'a>(cluster: &'a Cluster, namespace: &str, name: &str) -> Option<&'a Pod> {
    let pods = &cluster.pods;
    let idx =
        pods.partition_point(|pod| (pod.namespace.as_str(), pod.name.as_str()) < (namespace, name));
    match pods.get(idx) {
        Some(pod) if pod.namespace == namespace && pod.name == name => Some(pod),
        _ => cluster.pod(namespace, name),
    }
}

/// Whether the nodes are in name order, as `model::build` leaves them.
pub fn nodes_are_sorted(cluster: &Cluster) -> bool {
    cluster.nodes.windows(2).all(|pair| pair[0].name <= pair[1].name)
}

/// The first node by name: `nodes[0]`, since a [`Cluster`] keeps its nodes sorted by name.
pub fn first_node(cluster: &Cluster) -> Option<&Node> {
    debug_assert!(nodes_are_sorted(cluster), "Cluster::nodes are sorted by name");
    cluster.nodes.first()
}
