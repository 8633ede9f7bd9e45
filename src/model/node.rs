//! Pasted Nodes: validated as `ValidateNode` does for the fields svcroute reads, with
//! InternalIP, podCIDR and Ready filled in when a hand-written Node leaves them out.

use super::allocate::{next_node_ip, next_pod_cidr};
use super::build::Report;
use super::field::{FieldError, Value};
use super::net::Ip;
use super::{names, validate, Cidr, DocId, Node, Taint};
use crate::input::raw;
use crate::input::span::FieldPath;
use std::collections::BTreeSet;
use std::net::IpAddr;

/// Builds the valid nodes, in document order (`node_idx` is the index among them).
pub(crate) fn build_nodes(docs: &[(DocId, &raw::Node)], report: &mut Report<'_>) -> Vec<Node> {
    let mut accepted: Vec<(DocId, &raw::Node, Option<Cidr>)> = Vec::new();
    for &(doc, node) in docs {
        let (errors, pod_cidr) = validate(node);
        if !report.rejects(doc, errors) {
            accepted.push((doc, node, pod_cidr));
        }
    }

    // Built by inserting, not by `collect`, which would compile a sort of its own.
    let mut used_ips: BTreeSet<IpAddr> = BTreeSet::new();
    let mut used_cidrs: Vec<Cidr> = Vec::new();
    for (_, node, cidr) in &accepted {
        if let Some(ip) = internal_ip(node) {
            used_ips.insert(ip);
        }
        if let Some(cidr) = cidr {
            used_cidrs.push(*cidr);
        }
    }
    let mut nodes = Vec::new();
    for (node_idx, (doc, raw_node, pod_cidr)) in accepted.into_iter().enumerate() {
        let name = raw_node.metadata.name.clone().unwrap_or_default();
        let internal_ip = match internal_ip(raw_node) {
            Some(ip) => ip,
            None => {
                let Some(ip) = next_node_ip(node_idx, &used_ips) else { continue };
                used_ips.insert(ip);
                report.notice(
                    Some(doc),
                    "status.addresses",
                    format!(
                        "filled in InternalIP {} for node {name} from kind's network 172.18.0.0/16",
                        Ip(ip)
                    ),
                    "add status.addresses with `type: InternalIP` to choose the node's address",
                );
                ip
            }
        };
        let pod_cidr = match pod_cidr {
            Some(cidr) => Some(cidr),
            None => next_pod_cidr(node_idx, &used_cidrs).inspect(|cidr| {
                used_cidrs.push(*cidr);
                report.notice(
                    Some(doc),
                    "spec.podCIDR",
                    format!("filled in podCIDR {cidr} for node {name} from 10.244.0.0/16"),
                    "set spec.podCIDR to choose the node's pod network",
                );
            }),
        };
        let conditions = &raw_node.status.conditions;
        let ready = match conditions.iter().find(|c| c.type_.as_deref() == Some("Ready")) {
            Some(condition) => Some(condition.status.as_deref() == Some("True")),
            None if conditions.is_empty() => {
                report.notice(
                    Some(doc),
                    "status.conditions",
                    format!("node {name} has no status: taken as Ready"),
                    "add a Ready condition under status.conditions to make the node NotReady",
                );
                Some(true)
            }
            None => None,
        };
        let info = raw_node.status.node_info.as_ref();
        nodes.push(Node {
            doc: Some(doc),
            name,
            labels: raw_node.metadata.labels.clone(),
            creation_timestamp: raw_node.metadata.creation_timestamp.clone(),
            internal_ip,
            external_ip: address(raw_node, "ExternalIP"),
            pod_cidr,
            ready,
            unschedulable: raw_node.spec.unschedulable.unwrap_or(false),
            is_being_deleted: raw_node.metadata.deletion_timestamp.is_some(),
            taints: taints(&raw_node.spec.taints),
            kubelet_version: info.and_then(|info| info.kubelet_version.clone()),
            os_image: info.and_then(|info| info.os_image.clone()),
            kernel_version: info.and_then(|info| info.kernel_version.clone()),
            container_runtime_version: info.and_then(|info| info.container_runtime_version.clone()),
        });
    }
    nodes
}

fn taints(taints: &[raw::Taint]) -> Vec<Taint> {
    let mut model = Vec::new();
    for taint in taints {
        model.push(Taint {
            key: taint.key.clone().unwrap_or_default(),
            value: taint.value.clone(),
            effect: taint.effect.clone().unwrap_or_default(),
        });
    }
    model
}

/// The names of `nodes`, for messages: `kind-control-plane, kind-worker`.
pub(crate) fn names_joined(nodes: &[Node]) -> String {
    let mut names = String::new();
    for (idx, node) in nodes.iter().enumerate() {
        if idx > 0 {
            names.push_str(", ");
        }
        names.push_str(&node.name);
    }
    names
}

/// The node called `name` among `nodes`, which `build` sorts by name first: a binary
/// search, so 150,000 pods do not scan 5,000 nodes each.
pub(crate) fn node_named<'a>(nodes: &'a [Node], name: &str) -> Option<&'a Node> {
    nodes.binary_search_by(|node| node.name.as_str().cmp(name)).ok().and_then(|idx| nodes.get(idx))
}

/// The first parseable InternalIP address.
fn internal_ip(node: &raw::Node) -> Option<IpAddr> {
    address(node, "InternalIP")
}

/// The first parseable address of type `kind` (`InternalIP`, `ExternalIP`).
fn address(node: &raw::Node, kind: &str) -> Option<IpAddr> {
    node.status
        .addresses
        .iter()
        .filter(|address| address.type_.as_deref() == Some(kind))
        .find_map(|address| address.address.as_deref().and_then(names::parse_ip))
}

/// `ValidateNode` for the name and podCIDRs; returns the first podCIDR when valid.
/// The v1 API copies `podCIDR` into `podCIDRs[0]`, so errors name `spec.podCIDRs`.
fn validate(node: &raw::Node) -> (Vec<FieldError>, Option<Cidr>) {
    let mut errors = Vec::new();
    validate::name_errors(
        &mut errors,
        node.metadata.name.as_deref(),
        names::is_dns1123_subdomain,
        "Node",
        "a Node name is lowercase letters, digits, '-' and '.'",
    );
    let (texts, at): (Vec<String>, FieldPath) = if node.spec.pod_cidrs.is_empty() {
        (node.spec.pod_cidr.iter().cloned().collect(), FieldPath::parse("spec.podCIDR"))
    } else {
        (node.spec.pod_cidrs.clone(), FieldPath::parse("spec.podCIDRs"))
    };
    let mut first = None;
    for (idx, text) in texts.iter().enumerate() {
        let path = FieldPath::parse("spec.podCIDRs").index(idx);
        let point = if node.spec.pod_cidrs.is_empty() { at.clone() } else { at.index(idx) };
        match names::parse_cidr(text) {
            Some(cidr) => {
                if idx == 0 {
                    first = Some(cidr);
                }
            }
            None => errors.push(
                FieldError::invalid(path, Value::str(text), names::INVALID_CIDR)
                    .at(point)
                    .help("write the node's pod network as address/prefix, such as 10.244.1.0/24"),
            ),
        }
    }
    (errors, first)
}
