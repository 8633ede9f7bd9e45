//! The cluster that stands in when no Node is pasted: the book's three-node kind cluster
//! (section 11.2.1, `kubectl get nodes -o wide`).

use super::{Cidr, Node, Taint};
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

/// The label kubeadm puts on control-plane nodes (k8s `cmd/kubeadm/app/constants` —
/// `LabelNodeRoleControlPlane`).
pub const CONTROL_PLANE_LABEL: &str = "node-role.kubernetes.io/control-plane";

/// Excludes a node from cloud load balancers (facts 8.4). kubeadm sets it on every
/// control-plane node: k8s `cmd/kubeadm/app/phases/markcontrolplane/markcontrolplane.go` —
/// `labelsToAdd` holds `constants.LabelExcludeFromExternalLB`, written with value `""`,
/// which the service controller reads as "exclude" (an empty value does not parse as a bool).
/// kind runs kubeadm, so kind-control-plane carries it too.
pub const EXCLUDE_FROM_EXTERNAL_LB_LABEL: &str =
    "node.kubernetes.io/exclude-from-external-load-balancers";

/// The three nodes, sorted by name. Addresses and podCIDRs are the book's: kiada-001 runs
/// on kind-worker2 with pod IP 10.244.1.90, so kind-worker2 holds 10.244.1.0/24.
pub fn default_nodes() -> Vec<Node> {
    vec![
        kind_node("kind-control-plane", Ipv4Addr::new(172, 18, 0, 3), 0, true),
        kind_node("kind-worker", Ipv4Addr::new(172, 18, 0, 4), 2, false),
        kind_node("kind-worker2", Ipv4Addr::new(172, 18, 0, 2), 1, false),
    ]
}

fn kind_node(name: &str, internal_ip: Ipv4Addr, pod_subnet: u8, is_control_plane: bool) -> Node {
    // Inserted one by one: `collect` would compile a sort of its own for the pairs.
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    for (key, value) in [
        ("beta.kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("kubernetes.io/hostname", name),
        ("kubernetes.io/os", "linux"),
    ] {
        labels.insert(key.to_string(), value.to_string());
    }
    let mut taints = Vec::new();
    if is_control_plane {
        labels.insert(CONTROL_PLANE_LABEL.to_string(), String::new());
        labels.insert(EXCLUDE_FROM_EXTERNAL_LB_LABEL.to_string(), String::new());
        // kubeadm's control-plane taint; kind keeps it when the cluster has workers.
        taints.push(Taint {
            key: CONTROL_PLANE_LABEL.to_string(),
            value: None,
            effect: "NoSchedule".to_string(),
        });
    }
    Node {
        doc: None,
        name: name.to_string(),
        labels,
        creation_timestamp: None,
        internal_ip: IpAddr::V4(internal_ip),
        external_ip: None,
        pod_cidr: Some(Cidr {
            addr: IpAddr::V4(Ipv4Addr::new(10, 244, pod_subnet, 0)),
            prefix: 24,
        }),
        ready: Some(true),
        unschedulable: false,
        is_being_deleted: false,
        taints,
        kubelet_version: Some("v1.33.1".to_string()),
        os_image: Some("Debian GNU/Linux 12 (bookworm)".to_string()),
        kernel_version: None,
        container_runtime_version: Some("containerd://2.1.1".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_books_kind_cluster() {
        let nodes = default_nodes();
        let rows: Vec<String> = nodes
            .iter()
            .map(|node| {
                let cidr = node.pod_cidr.map(|c| c.to_string()).unwrap_or_default();
                format!("{} {} {} {:?}", node.name, node.internal_ip, cidr, node.ready)
            })
            .collect();
        assert_eq!(
            rows,
            [
                "kind-control-plane 172.18.0.3 10.244.0.0/24 Some(true)",
                "kind-worker 172.18.0.4 10.244.2.0/24 Some(true)",
                "kind-worker2 172.18.0.2 10.244.1.0/24 Some(true)",
            ]
        );
        assert!(nodes[0].labels.contains_key(EXCLUDE_FROM_EXTERNAL_LB_LABEL));
        assert!(!nodes[1].labels.contains_key(EXCLUDE_FROM_EXTERNAL_LB_LABEL));
        assert_eq!(
            nodes[2].labels.get("kubernetes.io/hostname").map(String::as_str),
            Some("kind-worker2")
        );
    }
}
