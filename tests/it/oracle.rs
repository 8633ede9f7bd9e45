//! The k8s-openapi oracle: the official API types read the same files as `input::parse`, and
//! the two must agree on every field svcroute reads.
//!
//! Files: every YAML and JSON file in presets/, tests/data/ok/, tests/data/oracle/ and every
//! tests/golden/*/input.yaml, found when the test runs. Each Service, Pod, Node and
//! EndpointSlice (also inside Lists) is turned into a flat `path → value` table from both
//! sides; the tables must be equal.

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::discovery::v1 as discovery;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use svcroute::input::{self, raw};

/// A flat table of the fields one object holds, as `spec.ports[0].port → Some(80)`.
#[derive(Default, PartialEq, Eq)]
struct Fields(BTreeMap<String, String>);

impl Fields {
    fn put(&mut self, key: impl Into<String>, value: impl Debug) {
        self.0.insert(key.into(), format!("{value:?}"));
    }
}

impl Debug for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (key, value) in &self.0 {
            writeln!(f, "{key} = {value}")?;
        }
        Ok(())
    }
}

fn manifest_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["presets", "tests/data/ok", "tests/data/oracle"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if matches!(ext, "yaml" | "yml" | "json") {
                files.push(path);
            }
        }
    }
    if let Ok(cases) = std::fs::read_dir(root.join("tests/golden")) {
        for case in cases.flatten() {
            let input = case.path().join("input.yaml");
            if input.is_file() {
                files.push(input);
            }
        }
    }
    files.sort();
    files
}

/// The objects of a file as k8s-openapi reads them: every document (or JSON value), with the
/// items of Lists, kept when it is one of the four kinds svcroute reads.
fn oracle_objects(path: &Path, text: &str) -> Vec<(String, Fields)> {
    let mut values = Vec::new();
    if path.extension().is_some_and(|e| e == "json") {
        for value in serde_json::Deserializer::from_str(text).into_iter::<serde_yaml::Value>() {
            values.push(value.unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display())));
        }
    } else {
        for document in serde_yaml::Deserializer::from_str(text) {
            values.push(
                serde_yaml::Value::deserialize(document)
                    .unwrap_or_else(|e| panic!("{}: not YAML: {e}", path.display())),
            );
        }
    }
    let mut objects = Vec::new();
    let mut queue: Vec<serde_yaml::Value> = values.into_iter().rev().collect();
    while let Some(value) = queue.pop() {
        let kind = value.get("kind").and_then(serde_yaml::Value::as_str).unwrap_or("").to_string();
        if let serde_yaml::Value::Sequence(items) = &value {
            queue.extend(items.iter().rev().cloned());
            continue;
        }
        if kind.ends_with("List") {
            if let Some(serde_yaml::Value::Sequence(items)) = value.get("items") {
                queue.extend(items.iter().rev().cloned());
            }
            continue;
        }
        let context = || format!("{}: k8s-openapi cannot read a {kind}", path.display());
        let fields = match kind.as_str() {
            "Service" => oracle_service(
                &serde_yaml::from_value(value).unwrap_or_else(|e| panic!("{}: {e}", context())),
            ),
            "Pod" => oracle_pod(
                &serde_yaml::from_value(value).unwrap_or_else(|e| panic!("{}: {e}", context())),
            ),
            "Node" => oracle_node(
                &serde_yaml::from_value(value).unwrap_or_else(|e| panic!("{}: {e}", context())),
            ),
            "EndpointSlice" => oracle_slice(
                &serde_yaml::from_value(value).unwrap_or_else(|e| panic!("{}: {e}", context())),
            ),
            _ => continue,
        };
        objects.push((kind, fields));
    }
    objects
}

fn our_objects(text: &str) -> Vec<(String, Fields)> {
    input::parse(text)
        .documents
        .iter()
        .map(|document| match &document.object {
            raw::Object::Service(service) => ("Service".to_string(), our_service(service)),
            raw::Object::Pod(pod) => ("Pod".to_string(), our_pod(pod)),
            raw::Object::Node(node) => ("Node".to_string(), our_node(node)),
            raw::Object::EndpointSlice(slice) => ("EndpointSlice".to_string(), our_slice(slice)),
        })
        .collect()
}

#[test]
fn k8s_openapi_reads_every_field_as_svcroute_does() {
    let files = manifest_files();
    assert!(!files.is_empty(), "no manifests found in presets/, tests/data/ok/ or tests/golden/");
    let mut n_objects = 0;
    for path in &files {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let theirs = oracle_objects(path, &text);
        let ours = our_objects(&text);
        let kinds = |objects: &[(String, Fields)]| {
            objects.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>()
        };
        assert_eq!(
            kinds(&ours),
            kinds(&theirs),
            "{}: svcroute and k8s-openapi read different objects",
            path.display()
        );
        for (idx, ((kind, our_fields), (_, their_fields))) in ours.iter().zip(&theirs).enumerate() {
            assert_eq!(
                our_fields,
                their_fields,
                "{}: object {idx} ({kind}) differs",
                path.display()
            );
        }
        n_objects += ours.len();
    }
    assert!(n_objects > 0, "the manifests hold no Service, Pod, Node or EndpointSlice");
}

#[test]
fn the_oracle_notices_a_difference() {
    // A wrong reading must show up as a difference in the tables, or the test above proves
    // nothing: `targetPort: "8080"` is a name (a string), not the number 8080.
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - port: 80\n    targetPort: \"8080\"\n";
    let theirs = oracle_objects(Path::new("x.yaml"), text);
    let ours = our_objects(text);
    assert_eq!(ours, theirs);
    let as_int = our_objects(&text.replace("\"8080\"", "8080"));
    assert_ne!(as_int, theirs);
}

// ---------------------------------------------------------------- svcroute's side

fn our_meta(fields: &mut Fields, meta: &raw::ObjectMeta) {
    fields.put("metadata.name", &meta.name);
    fields.put("metadata.namespace", &meta.namespace);
    fields.put("metadata.labels", &meta.labels);
    let time =
        |t: &Option<String>| t.as_ref().map(|t| t.parse::<k8s_openapi::jiff::Timestamp>().ok());
    fields.put("metadata.creationTimestamp", time(&meta.creation_timestamp));
    fields.put("metadata.deletionTimestamp", time(&meta.deletion_timestamp));
}

fn our_int_or_string(value: &Option<raw::IntOrString>) -> Option<String> {
    value.as_ref().map(|v| match v {
        raw::IntOrString::Int(int) => format!("int {int}"),
        raw::IntOrString::String(string) => format!("string {string:?}"),
    })
}

fn our_service(service: &raw::Service) -> Fields {
    let mut f = Fields::default();
    our_meta(&mut f, &service.metadata);
    let spec = &service.spec;
    f.put("spec.type", &spec.type_);
    f.put("spec.selector", &spec.selector);
    f.put("spec.ports.len", spec.ports.len());
    for (idx, port) in spec.ports.iter().enumerate() {
        f.put(format!("spec.ports[{idx}].name"), &port.name);
        f.put(format!("spec.ports[{idx}].protocol"), &port.protocol);
        f.put(format!("spec.ports[{idx}].appProtocol"), &port.app_protocol);
        f.put(format!("spec.ports[{idx}].port"), port.port);
        f.put(format!("spec.ports[{idx}].targetPort"), our_int_or_string(&port.target_port));
        f.put(format!("spec.ports[{idx}].nodePort"), port.node_port);
    }
    f.put("spec.clusterIP", &spec.cluster_ip);
    f.put("spec.clusterIPs", &spec.cluster_ips);
    f.put("spec.externalIPs", &spec.external_ips);
    f.put("spec.externalName", &spec.external_name);
    f.put("spec.externalTrafficPolicy", &spec.external_traffic_policy);
    f.put("spec.internalTrafficPolicy", &spec.internal_traffic_policy);
    f.put("spec.healthCheckNodePort", spec.health_check_node_port);
    f.put("spec.loadBalancerIP", &spec.load_balancer_ip);
    f.put("spec.loadBalancerSourceRanges", &spec.load_balancer_source_ranges);
    f.put("spec.loadBalancerClass", &spec.load_balancer_class);
    f.put("spec.allocateLoadBalancerNodePorts", spec.allocate_load_balancer_node_ports);
    f.put("spec.sessionAffinity", &spec.session_affinity);
    let timeout = spec
        .session_affinity_config
        .as_ref()
        .and_then(|c| c.client_ip.as_ref())
        .and_then(|c| c.timeout_seconds);
    f.put("spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout);
    f.put("spec.publishNotReadyAddresses", spec.publish_not_ready_addresses);
    f.put("spec.ipFamilies", &spec.ip_families);
    f.put("spec.trafficDistribution", &spec.traffic_distribution);
    let ingress = &service.status.load_balancer.ingress;
    f.put("status.loadBalancer.ingress.len", ingress.len());
    for (idx, entry) in ingress.iter().enumerate() {
        f.put(format!("status.loadBalancer.ingress[{idx}].ip"), &entry.ip);
        f.put(format!("status.loadBalancer.ingress[{idx}].hostname"), &entry.hostname);
        f.put(format!("status.loadBalancer.ingress[{idx}].ipMode"), &entry.ip_mode);
    }
    f
}

fn our_containers(f: &mut Fields, path: &str, containers: &[raw::Container]) {
    f.put(format!("{path}.len"), containers.len());
    for (idx, container) in containers.iter().enumerate() {
        f.put(format!("{path}[{idx}].name"), &container.name);
        f.put(format!("{path}[{idx}].restartPolicy"), &container.restart_policy);
        f.put(format!("{path}[{idx}].ports.len"), container.ports.len());
        for (port_idx, port) in container.ports.iter().enumerate() {
            f.put(format!("{path}[{idx}].ports[{port_idx}].name"), &port.name);
            f.put(format!("{path}[{idx}].ports[{port_idx}].containerPort"), port.container_port);
            f.put(format!("{path}[{idx}].ports[{port_idx}].protocol"), &port.protocol);
        }
    }
}

fn our_conditions(f: &mut Fields, path: &str, conditions: &[raw::Condition]) {
    f.put(format!("{path}.len"), conditions.len());
    for (idx, condition) in conditions.iter().enumerate() {
        f.put(format!("{path}[{idx}].type"), &condition.type_);
        f.put(format!("{path}[{idx}].status"), &condition.status);
        f.put(format!("{path}[{idx}].reason"), &condition.reason);
    }
}

fn our_state(f: &mut Fields, path: &str, state: &Option<raw::ContainerState>) {
    let time =
        |t: &Option<String>| t.as_ref().map(|t| t.parse::<k8s_openapi::jiff::Timestamp>().ok());
    let Some(state) = state else { return };
    if let Some(running) = &state.running {
        f.put(format!("{path}.running.startedAt"), time(&running.started_at));
    }
    if let Some(waiting) = &state.waiting {
        f.put(format!("{path}.waiting.reason"), &waiting.reason);
    }
    if let Some(terminated) = &state.terminated {
        f.put(format!("{path}.terminated.reason"), &terminated.reason);
        f.put(format!("{path}.terminated.exitCode"), terminated.exit_code);
        f.put(format!("{path}.terminated.signal"), terminated.signal);
        f.put(format!("{path}.terminated.startedAt"), time(&terminated.started_at));
        f.put(format!("{path}.terminated.finishedAt"), time(&terminated.finished_at));
    }
}

fn our_pod(pod: &raw::Pod) -> Fields {
    let mut f = Fields::default();
    our_meta(&mut f, &pod.metadata);
    let spec = &pod.spec;
    f.put("spec.nodeName", &spec.node_name);
    f.put("spec.hostNetwork", spec.host_network);
    f.put("spec.hostname", &spec.hostname);
    f.put("spec.subdomain", &spec.subdomain);
    our_containers(&mut f, "spec.containers", &spec.containers);
    our_containers(&mut f, "spec.initContainers", &spec.init_containers);
    let gates: Vec<_> = spec.readiness_gates.iter().map(|g| g.condition_type.clone()).collect();
    f.put("spec.readinessGates", gates);
    let status = &pod.status;
    f.put("status.phase", &status.phase);
    f.put("status.reason", &status.reason);
    f.put("status.podIP", &status.pod_ip);
    f.put("status.podIPs", status.pod_ips.iter().map(|ip| ip.ip.clone()).collect::<Vec<_>>());
    f.put("status.hostIP", &status.host_ip);
    f.put("status.nominatedNodeName", &status.nominated_node_name);
    our_conditions(&mut f, "status.conditions", &status.conditions);
    for (path, statuses) in [
        ("status.containerStatuses", &status.container_statuses),
        ("status.initContainerStatuses", &status.init_container_statuses),
    ] {
        f.put(format!("{path}.len"), statuses.len());
        for (idx, container) in statuses.iter().enumerate() {
            f.put(format!("{path}[{idx}].name"), &container.name);
            f.put(format!("{path}[{idx}].ready"), container.ready);
            f.put(format!("{path}[{idx}].restartCount"), container.restart_count);
            our_state(&mut f, &format!("{path}[{idx}].state"), &container.state);
            our_state(&mut f, &format!("{path}[{idx}].lastState"), &container.last_state);
        }
    }
    f
}

fn our_node(node: &raw::Node) -> Fields {
    let mut f = Fields::default();
    our_meta(&mut f, &node.metadata);
    let spec = &node.spec;
    f.put("spec.podCIDR", &spec.pod_cidr);
    f.put("spec.podCIDRs", &spec.pod_cidrs);
    f.put("spec.unschedulable", spec.unschedulable);
    f.put("spec.providerID", &spec.provider_id);
    let taints: Vec<_> =
        spec.taints.iter().map(|t| (t.key.clone(), t.value.clone(), t.effect.clone())).collect();
    f.put("spec.taints", taints);
    let addresses: Vec<_> =
        node.status.addresses.iter().map(|a| (a.type_.clone(), a.address.clone())).collect();
    f.put("status.addresses", addresses);
    our_conditions(&mut f, "status.conditions", &node.status.conditions);
    if let Some(info) = &node.status.node_info {
        f.put("status.nodeInfo.kubeletVersion", &info.kubelet_version);
        f.put("status.nodeInfo.osImage", &info.os_image);
        f.put("status.nodeInfo.kernelVersion", &info.kernel_version);
        f.put("status.nodeInfo.containerRuntimeVersion", &info.container_runtime_version);
    }
    f
}

fn our_slice(slice: &raw::EndpointSlice) -> Fields {
    let mut f = Fields::default();
    our_meta(&mut f, &slice.metadata);
    f.put("addressType", &slice.address_type);
    f.put("endpoints.len", slice.endpoints.len());
    for (idx, endpoint) in slice.endpoints.iter().enumerate() {
        let path = format!("endpoints[{idx}]");
        f.put(format!("{path}.addresses"), &endpoint.addresses);
        f.put(format!("{path}.conditions.ready"), endpoint.conditions.ready);
        f.put(format!("{path}.conditions.serving"), endpoint.conditions.serving);
        f.put(format!("{path}.conditions.terminating"), endpoint.conditions.terminating);
        f.put(format!("{path}.nodeName"), &endpoint.node_name);
        f.put(format!("{path}.zone"), &endpoint.zone);
        let hints = endpoint.hints.as_ref().map(|h| {
            let names =
                |hints: &[raw::NamedHint]| hints.iter().map(|h| h.name.clone()).collect::<Vec<_>>();
            (names(&h.for_zones), names(&h.for_nodes))
        });
        f.put(format!("{path}.hints"), hints);
        let target = endpoint
            .target_ref
            .as_ref()
            .map(|t| (t.kind.clone(), t.name.clone(), t.namespace.clone()));
        f.put(format!("{path}.targetRef"), target);
    }
    f.put("ports.len", slice.ports.len());
    for (idx, port) in slice.ports.iter().enumerate() {
        f.put(format!("ports[{idx}].name"), &port.name);
        f.put(format!("ports[{idx}].port"), port.port);
        f.put(format!("ports[{idx}].protocol"), &port.protocol);
        f.put(format!("ports[{idx}].appProtocol"), &port.app_protocol);
    }
    f
}

// ---------------------------------------------------------------- k8s-openapi's side

fn oracle_meta(fields: &mut Fields, meta: &ObjectMeta) {
    fields.put("metadata.name", &meta.name);
    fields.put("metadata.namespace", &meta.namespace);
    fields.put("metadata.labels", meta.labels.clone().unwrap_or_default());
    let time = |t: &Option<Time>| t.as_ref().map(|t| Some(t.0));
    fields.put("metadata.creationTimestamp", time(&meta.creation_timestamp));
    fields.put("metadata.deletionTimestamp", time(&meta.deletion_timestamp));
}

fn oracle_int_or_string(value: &Option<IntOrString>) -> Option<String> {
    value.as_ref().map(|v| match v {
        IntOrString::Int(int) => format!("int {int}"),
        IntOrString::String(string) => format!("string {string:?}"),
    })
}

fn oracle_service(service: &core::Service) -> Fields {
    let mut f = Fields::default();
    oracle_meta(&mut f, &service.metadata);
    let spec = service.spec.clone().unwrap_or_default();
    f.put("spec.type", &spec.type_);
    f.put("spec.selector", &spec.selector);
    let ports = spec.ports.clone().unwrap_or_default();
    f.put("spec.ports.len", ports.len());
    for (idx, port) in ports.iter().enumerate() {
        f.put(format!("spec.ports[{idx}].name"), &port.name);
        f.put(format!("spec.ports[{idx}].protocol"), &port.protocol);
        f.put(format!("spec.ports[{idx}].appProtocol"), &port.app_protocol);
        f.put(format!("spec.ports[{idx}].port"), Some(i64::from(port.port)));
        f.put(format!("spec.ports[{idx}].targetPort"), oracle_int_or_string(&port.target_port));
        f.put(format!("spec.ports[{idx}].nodePort"), port.node_port.map(i64::from));
    }
    f.put("spec.clusterIP", &spec.cluster_ip);
    f.put("spec.clusterIPs", spec.cluster_ips.clone().unwrap_or_default());
    f.put("spec.externalIPs", spec.external_ips.clone().unwrap_or_default());
    f.put("spec.externalName", &spec.external_name);
    f.put("spec.externalTrafficPolicy", &spec.external_traffic_policy);
    f.put("spec.internalTrafficPolicy", &spec.internal_traffic_policy);
    f.put("spec.healthCheckNodePort", spec.health_check_node_port.map(i64::from));
    f.put("spec.loadBalancerIP", &spec.load_balancer_ip);
    f.put(
        "spec.loadBalancerSourceRanges",
        spec.load_balancer_source_ranges.clone().unwrap_or_default(),
    );
    f.put("spec.loadBalancerClass", &spec.load_balancer_class);
    f.put("spec.allocateLoadBalancerNodePorts", spec.allocate_load_balancer_node_ports);
    f.put("spec.sessionAffinity", &spec.session_affinity);
    let timeout = spec
        .session_affinity_config
        .as_ref()
        .and_then(|c| c.client_ip.as_ref())
        .and_then(|c| c.timeout_seconds);
    f.put("spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout.map(i64::from));
    f.put("spec.publishNotReadyAddresses", spec.publish_not_ready_addresses);
    f.put("spec.ipFamilies", spec.ip_families.clone().unwrap_or_default());
    f.put("spec.trafficDistribution", &spec.traffic_distribution);
    let ingress = service
        .status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.clone())
        .unwrap_or_default();
    f.put("status.loadBalancer.ingress.len", ingress.len());
    for (idx, entry) in ingress.iter().enumerate() {
        f.put(format!("status.loadBalancer.ingress[{idx}].ip"), &entry.ip);
        f.put(format!("status.loadBalancer.ingress[{idx}].hostname"), &entry.hostname);
        f.put(format!("status.loadBalancer.ingress[{idx}].ipMode"), &entry.ip_mode);
    }
    f
}

fn oracle_containers(f: &mut Fields, path: &str, containers: &[core::Container]) {
    f.put(format!("{path}.len"), containers.len());
    for (idx, container) in containers.iter().enumerate() {
        f.put(format!("{path}[{idx}].name"), Some(&container.name));
        f.put(format!("{path}[{idx}].restartPolicy"), &container.restart_policy);
        let ports = container.ports.clone().unwrap_or_default();
        f.put(format!("{path}[{idx}].ports.len"), ports.len());
        for (port_idx, port) in ports.iter().enumerate() {
            f.put(format!("{path}[{idx}].ports[{port_idx}].name"), &port.name);
            f.put(
                format!("{path}[{idx}].ports[{port_idx}].containerPort"),
                Some(i64::from(port.container_port)),
            );
            f.put(format!("{path}[{idx}].ports[{port_idx}].protocol"), &port.protocol);
        }
    }
}

fn oracle_state(f: &mut Fields, path: &str, state: &Option<core::ContainerState>) {
    let time = |t: &Option<Time>| t.as_ref().map(|t| Some(t.0));
    let Some(state) = state else { return };
    if let Some(running) = &state.running {
        f.put(format!("{path}.running.startedAt"), time(&running.started_at));
    }
    if let Some(waiting) = &state.waiting {
        f.put(format!("{path}.waiting.reason"), &waiting.reason);
    }
    if let Some(terminated) = &state.terminated {
        f.put(format!("{path}.terminated.reason"), &terminated.reason);
        f.put(format!("{path}.terminated.exitCode"), Some(i64::from(terminated.exit_code)));
        f.put(format!("{path}.terminated.signal"), terminated.signal.map(i64::from));
        f.put(format!("{path}.terminated.startedAt"), time(&terminated.started_at));
        f.put(format!("{path}.terminated.finishedAt"), time(&terminated.finished_at));
    }
}

fn oracle_pod(pod: &core::Pod) -> Fields {
    let mut f = Fields::default();
    oracle_meta(&mut f, &pod.metadata);
    let spec = pod.spec.clone().unwrap_or_default();
    f.put("spec.nodeName", &spec.node_name);
    f.put("spec.hostNetwork", spec.host_network);
    f.put("spec.hostname", &spec.hostname);
    f.put("spec.subdomain", &spec.subdomain);
    oracle_containers(&mut f, "spec.containers", &spec.containers);
    oracle_containers(
        &mut f,
        "spec.initContainers",
        &spec.init_containers.clone().unwrap_or_default(),
    );
    let gates: Vec<_> = spec
        .readiness_gates
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|g| Some(g.condition_type))
        .collect();
    f.put("spec.readinessGates", gates);
    let status = pod.status.clone().unwrap_or_default();
    f.put("status.phase", &status.phase);
    f.put("status.reason", &status.reason);
    f.put("status.podIP", &status.pod_ip);
    let pod_ips: Vec<_> =
        status.pod_ips.clone().unwrap_or_default().into_iter().map(|ip| Some(ip.ip)).collect();
    f.put("status.podIPs", pod_ips);
    f.put("status.hostIP", &status.host_ip);
    f.put("status.nominatedNodeName", &status.nominated_node_name);
    let conditions: Vec<_> = status
        .conditions
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|c| (Some(c.type_), Some(c.status), c.reason))
        .collect();
    oracle_conditions(&mut f, "status.conditions", &conditions);
    for (path, statuses) in [
        ("status.containerStatuses", status.container_statuses.clone().unwrap_or_default()),
        (
            "status.initContainerStatuses",
            status.init_container_statuses.clone().unwrap_or_default(),
        ),
    ] {
        f.put(format!("{path}.len"), statuses.len());
        for (idx, container) in statuses.iter().enumerate() {
            f.put(format!("{path}[{idx}].name"), Some(&container.name));
            f.put(format!("{path}[{idx}].ready"), Some(container.ready));
            f.put(format!("{path}[{idx}].restartCount"), Some(i64::from(container.restart_count)));
            oracle_state(&mut f, &format!("{path}[{idx}].state"), &container.state);
            oracle_state(&mut f, &format!("{path}[{idx}].lastState"), &container.last_state);
        }
    }
    f
}

type ConditionRow = (Option<String>, Option<String>, Option<String>);

fn oracle_conditions(f: &mut Fields, path: &str, conditions: &[ConditionRow]) {
    f.put(format!("{path}.len"), conditions.len());
    for (idx, (type_, status, reason)) in conditions.iter().enumerate() {
        f.put(format!("{path}[{idx}].type"), type_);
        f.put(format!("{path}[{idx}].status"), status);
        f.put(format!("{path}[{idx}].reason"), reason);
    }
}

fn oracle_node(node: &core::Node) -> Fields {
    let mut f = Fields::default();
    oracle_meta(&mut f, &node.metadata);
    let spec = node.spec.clone().unwrap_or_default();
    f.put("spec.podCIDR", &spec.pod_cidr);
    f.put("spec.podCIDRs", spec.pod_cidrs.clone().unwrap_or_default());
    f.put("spec.unschedulable", spec.unschedulable);
    f.put("spec.providerID", &spec.provider_id);
    let taints: Vec<_> = spec
        .taints
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|t| (Some(t.key), t.value, Some(t.effect)))
        .collect();
    f.put("spec.taints", taints);
    let status = node.status.clone().unwrap_or_default();
    let addresses: Vec<_> = status
        .addresses
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|a| (Some(a.type_), Some(a.address)))
        .collect();
    f.put("status.addresses", addresses);
    let conditions: Vec<_> = status
        .conditions
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|c| (Some(c.type_), Some(c.status), c.reason))
        .collect();
    oracle_conditions(&mut f, "status.conditions", &conditions);
    if let Some(info) = &status.node_info {
        f.put("status.nodeInfo.kubeletVersion", Some(&info.kubelet_version));
        f.put("status.nodeInfo.osImage", Some(&info.os_image));
        f.put("status.nodeInfo.kernelVersion", Some(&info.kernel_version));
        f.put("status.nodeInfo.containerRuntimeVersion", Some(&info.container_runtime_version));
    }
    f
}

fn oracle_slice(slice: &discovery::EndpointSlice) -> Fields {
    let mut f = Fields::default();
    oracle_meta(&mut f, &slice.metadata);
    f.put("addressType", Some(&slice.address_type));
    let endpoints = slice.endpoints.clone().unwrap_or_default();
    f.put("endpoints.len", endpoints.len());
    for (idx, endpoint) in endpoints.iter().enumerate() {
        let path = format!("endpoints[{idx}]");
        f.put(format!("{path}.addresses"), &endpoint.addresses);
        let conditions = endpoint.conditions.clone().unwrap_or_default();
        f.put(format!("{path}.conditions.ready"), conditions.ready);
        f.put(format!("{path}.conditions.serving"), conditions.serving);
        f.put(format!("{path}.conditions.terminating"), conditions.terminating);
        f.put(format!("{path}.nodeName"), &endpoint.node_name);
        f.put(format!("{path}.zone"), &endpoint.zone);
        let hints = endpoint.hints.as_ref().map(|h| {
            let zones: Vec<_> =
                h.for_zones.clone().unwrap_or_default().into_iter().map(|z| Some(z.name)).collect();
            let nodes: Vec<_> =
                h.for_nodes.clone().unwrap_or_default().into_iter().map(|n| Some(n.name)).collect();
            (zones, nodes)
        });
        f.put(format!("{path}.hints"), hints);
        let target = endpoint
            .target_ref
            .as_ref()
            .map(|t| (t.kind.clone(), t.name.clone(), t.namespace.clone()));
        f.put(format!("{path}.targetRef"), target);
    }
    let ports = slice.ports.clone().unwrap_or_default();
    f.put("ports.len", ports.len());
    for (idx, port) in ports.iter().enumerate() {
        f.put(format!("ports[{idx}].name"), &port.name);
        f.put(format!("ports[{idx}].port"), port.port.map(i64::from));
        f.put(format!("ports[{idx}].protocol"), &port.protocol);
        f.put(format!("ports[{idx}].appProtocol"), &port.app_protocol);
    }
    f
}
