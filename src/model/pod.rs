//! Pasted Pods: container ports checked (facts 7.6), and a hand-written pod scheduled on a
//! node but without status made Running and Ready with an IP from the node's podCIDR, as
//! the kubelet and the CNI would.

use super::allocate::next_pod_ip;
use super::build::{namespace_of, namespace_str, Report};
use super::net::Ip;
use super::node::node_named;
use super::{names, validate, ContainerPort, DocId, Node, Pod, Protocol};
use crate::diagnostic::quote;
use crate::input::raw;
use std::collections::BTreeSet;
use std::net::IpAddr;

/// `Protocol` from the API's spelling; callers validated it first.
pub(crate) fn protocol(text: Option<&str>) -> Protocol {
    match text {
        Some("UDP") => Protocol::Udp,
        Some("SCTP") => Protocol::Sctp,
        _ => Protocol::Tcp,
    }
}

/// The IP a pod reports: `status.podIPs[0]`, else `status.podIP`.
fn reported_ip(pod: &raw::Pod) -> Option<&str> {
    pod.status
        .pod_ips
        .first()
        .and_then(|ip| ip.ip.as_deref())
        .or(pod.status.pod_ip.as_deref())
        .filter(|ip| !ip.is_empty())
}

fn has_no_status(status: &raw::PodStatus) -> bool {
    status.phase.is_none()
        && status.conditions.is_empty()
        && status.pod_ip.is_none()
        && status.pod_ips.is_empty()
        && status.container_statuses.is_empty()
}

fn running_status(container: &raw::Container) -> raw::ContainerStatus {
    raw::ContainerStatus {
        name: container.name.clone(),
        ready: Some(true),
        restart_count: Some(0),
        started: Some(true),
        state: Some(raw::ContainerState {
            running: Some(raw::ContainerStateDetail::default()),
            ..raw::ContainerState::default()
        }),
        ..raw::ContainerStatus::default()
    }
}

/// A restartable init container: a sidecar, which runs beside the containers.
fn is_sidecar(container: &raw::Container) -> bool {
    container.restart_policy.as_deref() == Some("Always")
}

/// The statuses of `containers` (of the sidecars among them when `sidecars_only`) running.
fn running_statuses(
    containers: &[raw::Container],
    sidecars_only: bool,
) -> Vec<raw::ContainerStatus> {
    let mut statuses = Vec::new();
    for container in containers {
        if !sidecars_only || is_sidecar(container) {
            statuses.push(running_status(container));
        }
    }
    statuses
}

/// Ports of `spec.containers`, then of the sidecars, in the order the EndpointSlice
/// controller searches them for a named targetPort (facts 1.3). Plain loops: smaller in the
/// page than a chain of iterator adapters.
fn container_ports(spec: &raw::PodSpec) -> Vec<ContainerPort> {
    let mut ports = Vec::new();
    let sidecars = spec.init_containers.iter().filter(|container| is_sidecar(container));
    for container in spec.containers.iter().chain(sidecars) {
        for port in &container.ports {
            let Some(number) = port.container_port.and_then(|n| u16::try_from(n).ok()) else {
                continue;
            };
            ports.push(ContainerPort {
                name: port.name.clone().filter(|name| !name.is_empty()),
                container_port: number,
                protocol: protocol(port.protocol.as_deref()),
            });
        }
    }
    ports
}

/// Builds the valid pods. Filled IPs avoid every reported one and are chosen in
/// (namespace, name) order, so the result does not depend on document order. `nodes` are
/// sorted by name, as `build` leaves them.
pub(crate) fn build_pods(
    docs: &[(DocId, &raw::Pod)],
    nodes: &[Node],
    report: &mut Report<'_>,
) -> Vec<Pod> {
    let mut accepted: Vec<(DocId, &raw::Pod)> = Vec::new();
    for &(doc, pod) in docs {
        if !report.rejects(doc, validate::pod(pod)) {
            accepted.push((doc, pod));
        }
    }
    crate::sort::sort_by_key(&mut accepted, |&(_, pod)| {
        (namespace_str(&pod.metadata), pod.metadata.name.as_deref())
    });

    let mut used_ips: BTreeSet<IpAddr> = BTreeSet::new();
    for (doc, pod) in &accepted {
        if let Some(text) = reported_ip(pod) {
            match names::parse_ip(text) {
                Some(ip) => {
                    used_ips.insert(ip);
                }
                None => report.warning(
                    Some(*doc),
                    "status.podIP",
                    format!(
                        "status.podIP {} is not an IP address; the pod is taken as having none",
                        quote(text)
                    ),
                    "write an IPv4 address from the node's podCIDR, or leave the status out",
                ),
            }
        }
    }

    let node_names = super::node::names_joined(nodes);
    let mut pods = Vec::new();
    for (doc, raw_pod) in accepted {
        let namespace = namespace_of(&raw_pod.metadata);
        let name = raw_pod.metadata.name.clone().unwrap_or_default();
        let node_name = raw_pod.spec.node_name.clone().filter(|node| !node.is_empty());
        // A binary search per pod, not a scan of every node (150,000 pods × 5,000 nodes at scale).
        let node = node_name.as_deref().and_then(|wanted| node_named(nodes, wanted));
        let host_network = raw_pod.spec.host_network.unwrap_or(false);
        let mut status = raw_pod.status.clone();
        let mut ip = reported_ip(raw_pod).and_then(names::parse_ip);

        match (&node_name, node) {
            (None, _) => report.warning(Some(doc), "spec",
                format!("pod {name} has no nodeName: it is unscheduled (Pending, no IP), so it is no endpoint"),
                &format!("set spec.nodeName to one of the nodes: {}", node_names),
            ),
            (Some(wanted), None) => report.warning(Some(doc), "spec.nodeName",
                format!("pod {name} is on node {wanted}, which is not in the input"),
                &format!("use one of the nodes: {}", node_names),
            ),
            (Some(_), Some(node)) => {
                let is_fresh = has_no_status(&raw_pod.status);
                let may_run = matches!(status.phase.as_deref(), None | Some("Running"));
                if ip.is_none() && may_run {
                    let filled = if host_network {
                        Some((node.internal_ip, "the node's InternalIP (hostNetwork)".to_string()))
                    } else {
                        node.pod_cidr.and_then(|cidr| {
                            next_pod_ip(cidr, &format!("{namespace}/{name}"), &used_ips)
                                .map(|ip| (ip, format!("node {}'s podCIDR {cidr}", node.name)))
                        })
                    };
                    if let Some((filled_ip, source)) = filled {
                        used_ips.insert(filled_ip);
                        ip = Some(filled_ip);
                        status.pod_ip = Some(Ip(filled_ip).to_string());
                        status.pod_ips = vec![raw::PodIp { ip: Some(Ip(filled_ip).to_string()) }];
                        status.host_ip = Some(Ip(node.internal_ip).to_string());
                        report.notice(Some(doc), "status.podIP",
                            format!("filled in podIP {} for pod {name} from {source}", Ip(filled_ip)),
                            "set status.podIP to choose the pod's address",
                        );
                    }
                }
                if is_fresh && ip.is_some() {
                    status.phase = Some("Running".to_string());
                    status.conditions = ["Initialized", "Ready", "ContainersReady", "PodScheduled"]
                        .into_iter()
                        .map(|type_| raw::Condition {
                            type_: Some(type_.to_string()),
                            status: Some("True".to_string()),
                            reason: None,
                        })
                        .collect();
                    // What the kubelet reports for a running pod: every container, and
                    // every restartable init container (sidecar), started and ready.
                    status.container_statuses = running_statuses(&raw_pod.spec.containers, false);
                    status.init_container_statuses =
                        running_statuses(&raw_pod.spec.init_containers, true);
                    report.notice(Some(doc), "status",
                        format!("pod {name} has no status: taken as Running and Ready on node {}", node.name),
                        "add status.conditions with `type: Ready, status: \"False\"` to make it unready",
                    );
                }
            }
        }

        if status.phase.is_none() {
            status.phase = Some(if ip.is_some() { "Running" } else { "Pending" }.to_string());
        }
        let phase = status.phase.clone().unwrap_or_default();
        let is_ready = status.conditions.iter().any(|condition| {
            condition.type_.as_deref() == Some("Ready")
                && condition.status.as_deref() == Some("True")
        });

        let ports = container_ports(&raw_pod.spec);

        pods.push(Pod {
            doc,
            namespace,
            name,
            labels: raw_pod.metadata.labels.clone(),
            creation_timestamp: raw_pod.metadata.creation_timestamp.clone(),
            node_name,
            host_network,
            ip,
            phase,
            is_ready,
            is_terminating: raw_pod.metadata.deletion_timestamp.is_some(),
            ports,
            hostname: raw_pod.spec.hostname.clone(),
            subdomain: raw_pod.spec.subdomain.clone(),
            spec_for_print: raw_pod.spec.clone(),
            status_for_print: status,
        });
    }
    pods
}
