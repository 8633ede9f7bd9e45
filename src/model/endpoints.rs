//! From pods to the endpoints kube-proxy programs (facts section 1): the EndpointSlices the
//! controller would write for a Service with a selector, and what kube-proxy takes from
//! any slice (pasted or written) for each service port.
//!
//! Sources: k8s `staging/src/k8s.io/endpointslice/{reconciler.go,utils.go}`,
//! `util/controller_utils.go`; `pkg/proxy/endpointslicecache.go`.

use super::allocate::stable_hash;
use super::build::{namespace_of, Report};
use super::defaults::apply_endpoint_port_defaults;
use super::net::{parse_ip, Ip};
use super::node::node_named;
use super::pod::protocol;
use super::{
    validate, DocId, Endpoint, EndpointSlice, EndpointSlicePort, Node, Pod, Protocol, Service,
    ServicePort, ServiceType, SliceEndpoint, TargetPort,
};
use crate::input::raw;
use crate::input::span::FieldPath;
use crate::sort::{equal_range, sort_by, sorted_unique};
use std::collections::BTreeMap;

/// The label that ties a slice to its Service; kube-proxy ignores slices without it.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// The controller's `maxEndpointsPerSlice` default.
const MAX_ENDPOINTS_PER_SLICE: usize = 100;

/// The pasted slices, validated and defaulted, in document order.
pub(crate) fn build_slices(
    docs: &[(DocId, &raw::EndpointSlice)],
    services: &[Service],
    report: &mut Report<'_>,
) -> Vec<EndpointSlice> {
    let mut slices = Vec::new();
    let mut service_names = Vec::new();
    for service in services {
        service_names.push((service.namespace.as_str(), service.name.as_str()));
    }
    let service_names = sorted_unique(service_names);
    for &(doc, raw_slice) in docs {
        if report.rejects(doc, validate::endpoint_slice(raw_slice)) {
            continue;
        }
        let namespace = namespace_of(&raw_slice.metadata);
        let name = raw_slice.metadata.name.clone().unwrap_or_default();
        let service_name = raw_slice.metadata.labels.get(SERVICE_NAME_LABEL).cloned();
        match &service_name {
            None => report.warning(Some(doc), "metadata.labels",
                format!("EndpointSlice {name} has no {SERVICE_NAME_LABEL} label, so kube-proxy ignores it"),
                &format!("add the label `{SERVICE_NAME_LABEL}: <service name>` to attach it to a Service"),
            ),
            Some(service) if service_names.binary_search(&(namespace.as_str(), service.as_str())).is_err() => report.warning_at(
                Some(doc),
                &FieldPath::parse("metadata.labels").field(SERVICE_NAME_LABEL),
                format!("EndpointSlice {name} belongs to Service {service}, which is not in namespace {namespace} of the input"),
                "check the label's value against the Service's name",
            ),
            Some(_) => {}
        }
        let mut ports = Vec::new();
        for port in &raw_slice.ports {
            let mut port = port.clone();
            apply_endpoint_port_defaults(&mut port);
            ports.push(EndpointSlicePort {
                name: port.name,
                port: port.port,
                protocol: protocol(port.protocol.as_deref()),
            });
        }
        let mut endpoints = Vec::new();
        for endpoint in &raw_slice.endpoints {
            let conditions = &endpoint.conditions;
            let hints = endpoint.hints.as_ref();
            endpoints.push(SliceEndpoint {
                addresses: endpoint.addresses.clone(),
                node_name: endpoint.node_name.clone(),
                zone: endpoint.zone.clone(),
                // kube-proxy reads absent ready/serving as true, absent terminating as
                // false (facts 1.4).
                ready: conditions.ready.unwrap_or(true),
                serving: conditions.serving.unwrap_or(true),
                terminating: conditions.terminating.unwrap_or(false),
                pod: endpoint
                    .target_ref
                    .as_ref()
                    .filter(|target| target.kind.as_deref().is_none_or(|kind| kind == "Pod"))
                    .and_then(|target| target.name.clone()),
                hint_zones: hint_names(hints.map(|h| h.for_zones.as_slice())),
                hint_nodes: hint_names(hints.map(|h| h.for_nodes.as_slice())),
            });
        }
        slices.push(EndpointSlice {
            doc: Some(doc),
            namespace,
            name,
            service_name,
            address_type: raw_slice.address_type.clone().unwrap_or_default(),
            ports,
            endpoints,
            creation_timestamp: raw_slice.metadata.creation_timestamp.clone(),
        });
    }
    slices
}

/// The names in a slice endpoint's `hints.forZones` or `hints.forNodes`.
fn hint_names(hints: Option<&[raw::NamedHint]>) -> Vec<String> {
    let mut names = Vec::new();
    for hint in hints.unwrap_or_default() {
        if let Some(name) = &hint.name {
            names.push(name.clone());
        }
    }
    names
}

/// Writes the controller's slices for Services that select pods and have no pasted slice,
/// then fills every service port's `endpoints` as kube-proxy reads them. Returns all slices,
/// sorted by (namespace, name).
pub(crate) fn fill_endpoints(
    services: &mut [Service],
    pasted: Vec<EndpointSlice>,
    pods: &[Pod],
    nodes: &[Node],
    report: &mut Report<'_>,
) -> Vec<EndpointSlice> {
    let mut slices = pasted;
    let has_pasted: Vec<bool> = {
        let mut pasted_for = Vec::new();
        for slice in &slices {
            if let Some(service_name) = slice.service_name.as_deref() {
                pasted_for.push((slice.namespace.as_str(), service_name));
            }
        }
        let pasted_for = sorted_unique(pasted_for);
        let mut has_pasted = Vec::new();
        for service in services.iter() {
            let key = (service.namespace.as_str(), service.name.as_str());
            has_pasted.push(pasted_for.binary_search(&key).is_ok());
        }
        has_pasted
    };
    // Pods by (namespace, label key, label value), sorted by that key and in pod order under
    // one key: a selector's first pair narrows the candidates, so a dump with thousands of
    // Services and pods stays fast.
    let mut pods_by_label: Vec<((&str, &str, &str), &Pod)> = Vec::new();
    for pod in pods {
        for (key, value) in &pod.labels {
            pods_by_label.push(((pod.namespace.as_str(), key.as_str(), value.as_str()), pod));
        }
    }
    sort_by(&mut pods_by_label, |a, b| a.0.cmp(&b.0));
    for (service, has_pasted) in services.iter().zip(has_pasted) {
        if has_pasted || service.type_ == ServiceType::ExternalName {
            continue;
        }
        let Some(selector) = &service.selector else {
            report.warning(Some(service.doc), "spec",
                format!(
                    "Service {} has no selector and no EndpointSlice names it, so it has no endpoints",
                    service.name
                ),
                &format!(
                    "add spec.selector to pick pods, or paste an EndpointSlice labelled `{SERVICE_NAME_LABEL}: {}`",
                    service.name
                ),
            );
            continue;
        };
        // `selector` is never empty here: an empty one was stored as nil.
        let mut selected: Vec<&Pod> = Vec::new();
        if let Some((key, value)) = selector.iter().next() {
            let key = (service.namespace.as_str(), key.as_str(), value.as_str());
            for &(_, pod) in equal_range(&pods_by_label, &key) {
                if selector.iter().all(|(key, value)| pod.labels.get(key.as_str()) == Some(value)) {
                    selected.push(pod);
                }
            }
        }
        if selected.is_empty() {
            let wanted: Vec<String> =
                selector.iter().map(|(key, value)| format!("{key}={value}")).collect();
            report.warning(
                Some(service.doc),
                "spec.selector",
                format!(
                    "selector {} matches no pod in namespace {}",
                    wanted.join(","),
                    service.namespace
                ),
                "check the pods' labels and namespace against the selector",
            );
        }
        warn_about_missing_named_ports(service, &selected, nodes, report);
        slices.extend(controller_slices(service, &selected, nodes));
    }

    // Slices by (namespace, Service), in slice order under one Service.
    let mut slices_by_service: Vec<((&str, &str), &EndpointSlice)> = Vec::new();
    for slice in &slices {
        if let Some(service_name) = slice.service_name.as_deref() {
            slices_by_service.push(((slice.namespace.as_str(), service_name), slice));
        }
    }
    sort_by(&mut slices_by_service, |a, b| a.0.cmp(&b.0));
    for service in services.iter_mut() {
        // kube-proxy skips headless and ExternalName Services (facts 1.6).
        if service.cluster_ip.is_none() {
            continue;
        }
        let mut own: Vec<&EndpointSlice> = Vec::new();
        let key = (service.namespace.as_str(), service.name.as_str());
        for &(_, slice) in equal_range(&slices_by_service, &key) {
            own.push(slice);
        }
        for port in &mut service.ports {
            port.endpoints = endpoints_for_port(port, &own);
        }
    }
    sort_by(&mut slices, |a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    slices
}

/// What kube-proxy's IPv4 instance takes from the slices for one service port (facts 1.4):
/// slice ports matched by (name, protocol), a missing name or a missing/zero port ignored,
/// `addresses[0]` only, duplicates collapsed with a non-terminating copy winning, sorted by
/// the string `IP:port`.
pub(crate) fn endpoints_for_port(port: &ServicePort, slices: &[&EndpointSlice]) -> Vec<Endpoint> {
    // Each endpoint's index in `endpoints`, by its `IP:port` text.
    let mut by_address: BTreeMap<String, usize> = BTreeMap::new();
    let mut endpoints: Vec<Option<Endpoint>> = Vec::new();
    for slice in slices.iter().filter(|slice| slice.address_type == "IPv4") {
        for slice_port in &slice.ports {
            let Some(name) = slice_port.name.as_deref() else { continue };
            let Some(number) =
                slice_port.port.and_then(|number| u16::try_from(number).ok()).filter(|n| *n != 0)
            else {
                continue;
            };
            if name != port.name || slice_port.protocol != port.protocol {
                continue;
            }
            for slice_endpoint in &slice.endpoints {
                let Some(ip) = slice_endpoint.addresses.first().and_then(|a| parse_ip(a)) else {
                    continue;
                };
                if !ip.is_ipv4() {
                    continue;
                }
                let endpoint = Endpoint {
                    ip,
                    port: number,
                    node_name: slice_endpoint.node_name.clone(),
                    zone: slice_endpoint.zone.clone(),
                    is_ready: slice_endpoint.ready,
                    is_serving: slice_endpoint.serving,
                    is_terminating: slice_endpoint.terminating,
                    pod: slice_endpoint.pod.clone(),
                    hint_zones: slice_endpoint.hint_zones.clone(),
                    hint_nodes: slice_endpoint.hint_nodes.clone(),
                };
                let key = format!("{}:{number}", Ip(ip));
                // A non-terminating copy replaces a terminating one; otherwise the first stays.
                match by_address.get(key.as_str()).and_then(|&idx| endpoints.get_mut(idx)) {
                    Some(Some(existing)) => {
                        if existing.is_terminating && !endpoint.is_terminating {
                            *existing = endpoint;
                        }
                    }
                    _ => {
                        by_address.insert(key, endpoints.len());
                        endpoints.push(Some(endpoint));
                    }
                }
            }
        }
    }
    let mut sorted = Vec::new();
    for &idx in by_address.values() {
        if let Some(endpoint) = endpoints.get_mut(idx).and_then(Option::take) {
            sorted.push(endpoint);
        }
    }
    sorted
}

/// `ShouldPodBeInEndpoints(pod, includeTerminating=true)`, plus the reconciler's rule that
/// the pod's Node must exist unless `publishNotReadyAddresses` (facts 1.1).
fn should_be_in_endpoints(service: &Service, pod: &Pod, nodes: &[Node]) -> bool {
    let is_terminal = pod.phase == "Succeeded" || pod.phase == "Failed";
    let has_node = pod.node_name.as_deref().is_some_and(|name| node_named(nodes, name).is_some());
    !is_terminal && pod.ip.is_some() && (has_node || service.publish_not_ready_addresses)
}

/// `findPort`: the pod's port number for a service port, or `None` when a named
/// targetPort matches no container port with the same protocol (facts 1.3).
fn find_port(pod: &Pod, target_port: &TargetPort, service_protocol: Protocol) -> Option<u16> {
    match target_port {
        TargetPort::Number(number) => Some(*number),
        TargetPort::Name(name) => pod
            .ports
            .iter()
            .find(|port| {
                port.name.as_deref() == Some(name.as_str()) && port.protocol == service_protocol
            })
            .map(|port| port.container_port),
    }
}

/// A pod's resolved ports for a Service: (service port name, number, protocol) each.
type PortList = Vec<(String, u16, Protocol)>;

/// The slices the EndpointSlice controller writes for `service` (facts 1.1–1.3): pods
/// grouped by their resolved port list, at most 100 endpoints a slice, and one empty
/// placeholder slice when no pod qualifies.
pub(crate) fn controller_slices(
    service: &Service,
    selected: &[&Pod],
    nodes: &[Node],
) -> Vec<EndpointSlice> {
    // Each endpoint with its pod's port list; sorted by that list below, pods in order
    // under one list.
    let mut members: Vec<(PortList, SliceEndpoint)> = Vec::new();
    for pod in selected {
        if !should_be_in_endpoints(service, pod, nodes) {
            continue;
        }
        let Some(ip) = pod.ip else { continue };
        let node = pod.node_name.as_deref().and_then(|name| node_named(nodes, name));
        let mut ports: PortList = Vec::new();
        for port in &service.ports {
            if let Some(number) = find_port(pod, &port.target_port, port.protocol) {
                ports.push((port.name.clone(), number, port.protocol));
            }
        }
        // `podToEndpoint`.
        let serving = pod.is_ready;
        let terminating = pod.is_terminating;
        let endpoint = SliceEndpoint {
            addresses: vec![Ip(ip).to_string()],
            node_name: pod.node_name.clone(),
            zone: node
                .and_then(|node| node.labels.get("topology.kubernetes.io/zone"))
                .filter(|zone| !zone.is_empty())
                .cloned(),
            ready: service.publish_not_ready_addresses || (serving && !terminating),
            serving,
            terminating,
            pod: Some(pod.name.clone()),
            hint_zones: Vec::new(),
            hint_nodes: Vec::new(),
        };
        members.push((ports, endpoint));
    }
    sort_by(&mut members, |a, b| a.0.cmp(&b.0));

    let mut slices = Vec::new();
    let mut rest = members.as_slice();
    while let Some((ports, _)) = rest.first() {
        let (group, after) = rest.split_at(rest.partition_point(|(other, _)| other == ports));
        for chunk in group.chunks(MAX_ENDPOINTS_PER_SLICE) {
            let mut endpoints = Vec::new();
            for (_, endpoint) in chunk {
                endpoints.push(endpoint.clone());
            }
            slices.push(controller_slice(service, ports, endpoints, slices.len()));
        }
        rest = after;
    }
    if slices.is_empty() {
        slices.push(controller_slice(service, &[], Vec::new(), 0));
    }
    slices
}

fn controller_slice(
    service: &Service,
    ports: &[(String, u16, Protocol)],
    endpoints: Vec<SliceEndpoint>,
    slice_idx: usize,
) -> EndpointSlice {
    let mut slice_ports = Vec::new();
    for (name, number, protocol) in ports {
        slice_ports.push(EndpointSlicePort {
            name: Some(name.clone()),
            port: Some(i64::from(*number)),
            protocol: *protocol,
        });
    }
    EndpointSlice {
        doc: None,
        namespace: service.namespace.clone(),
        name: slice_name(&service.namespace, &service.name, slice_idx),
        service_name: Some(service.name.clone()),
        address_type: "IPv4".to_string(),
        ports: slice_ports,
        endpoints,
        // The controller writes a Service's slices as soon as the Service exists, so their
        // AGE in `kubectl get endpointslices` is the Service's (to the second, in practice).
        creation_timestamp: service.creation_timestamp.clone(),
    }
}

/// `<service>-` plus five characters, as the API server's `generateName` makes them
/// (the name generator's alphabet, with the base cut to 58 characters), but taken from a
/// hash so that the same input always gives the same names.
fn slice_name(namespace: &str, service: &str, slice_idx: usize) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let base: String = service.chars().take(57).collect();
    let mut hash = stable_hash(&format!("{namespace}/{service}#{slice_idx}"));
    let mut suffix = String::new();
    for _ in 0..5 {
        let idx = (hash % ALPHABET.len() as u64) as usize;
        suffix.push(char::from(ALPHABET.get(idx).copied().unwrap_or(b'x')));
        hash /= ALPHABET.len() as u64;
    }
    format!("{base}-{suffix}")
}

/// The controller only logs "Failed to find port for service" when a pod lacks a named
/// targetPort (facts 1.3); svcroute says it, since that pod silently gets no traffic on
/// that port.
fn warn_about_missing_named_ports(
    service: &Service,
    selected: &[&Pod],
    nodes: &[Node],
    report: &mut Report<'_>,
) {
    for (port_idx, port) in service.ports.iter().enumerate() {
        let TargetPort::Name(name) = &port.target_port else { continue };
        let mut lacking: Vec<&str> = Vec::new();
        for pod in selected {
            if should_be_in_endpoints(service, pod, nodes)
                && find_port(pod, &port.target_port, port.protocol).is_none()
            {
                lacking.push(&pod.name);
            }
        }
        if lacking.is_empty() {
            continue;
        }
        let port_label =
            if port.name.is_empty() { port.port.to_string() } else { port.name.clone() };
        report.warning_at(
            Some(service.doc),
            &FieldPath::parse("spec.ports").index(port_idx).field("targetPort"),
            format!(
                "no {} container port named {name} in pod {}, so it is no endpoint of port {port_label}",
                port.protocol,
                crate::diagnostic::join(&lacking, ", ")
            ),
            &format!("add a container port `name: {name}` (protocol {}) to the pod, or use a port number", port.protocol),
        );
    }
}
