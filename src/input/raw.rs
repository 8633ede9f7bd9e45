//! Structs named as the Kubernetes API, holding only the fields svcroute reads; filled by
//! [`super::read`], which skips unknown fields (managedFields, annotations, …) without
//! building anything, which keeps parsing a large `kubectl get -o yaml` dump fast.
//! Numbers are `i64` so that out-of-range values (port 70000, nodePort -1) survive parsing
//! and are reported by `model::validate` with the API server's words.
//! Every list and map accepts `null` (`labels:` with nothing after it) as empty.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub struct ObjectMeta {
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub creation_timestamp: Option<String>,
    pub deletion_timestamp: Option<String>,
}

/// `intstr.IntOrString`, as in `targetPort`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntOrString {
    Int(i64),
    String(String),
}

// ---------------------------------------------------------------- Service

#[derive(Debug, Clone, Default)]
pub struct Service {
    pub metadata: ObjectMeta,
    pub spec: ServiceSpec,
    pub status: ServiceStatus,
}

#[derive(Debug, Clone, Default)]
pub struct ServiceSpec {
    pub type_: Option<String>,
    /// `None` (absent or null) means "selects nothing": endpoints come from EndpointSlices.
    pub selector: Option<BTreeMap<String, String>>,
    pub ports: Vec<ServicePort>,
    pub cluster_ip: Option<String>,
    pub cluster_ips: Vec<String>,
    pub external_ips: Vec<String>,
    pub external_name: Option<String>,
    pub external_traffic_policy: Option<String>,
    pub internal_traffic_policy: Option<String>,
    pub health_check_node_port: Option<i64>,
    pub load_balancer_ip: Option<String>,
    pub load_balancer_source_ranges: Vec<String>,
    pub load_balancer_class: Option<String>,
    pub allocate_load_balancer_node_ports: Option<bool>,
    pub session_affinity: Option<String>,
    pub session_affinity_config: Option<SessionAffinityConfig>,
    pub publish_not_ready_addresses: Option<bool>,
    pub ip_families: Vec<String>,
    pub traffic_distribution: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct SessionAffinityConfig {
    pub client_ip: Option<ClientIpConfig>,
}

#[derive(Debug, Clone, Default)]
pub struct ClientIpConfig {
    pub timeout_seconds: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct ServicePort {
    pub name: Option<String>,
    pub protocol: Option<String>,
    pub app_protocol: Option<String>,
    pub port: Option<i64>,
    pub target_port: Option<IntOrString>,
    pub node_port: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct ServiceStatus {
    pub load_balancer: LoadBalancerStatus,
}

#[derive(Debug, Clone, Default)]
pub struct LoadBalancerStatus {
    pub ingress: Vec<LoadBalancerIngress>,
}

#[derive(Debug, Clone, Default)]
pub struct LoadBalancerIngress {
    pub ip: Option<String>,
    pub hostname: Option<String>,
    /// `VIP` (default when `ip` is set) or `Proxy`.
    pub ip_mode: Option<String>,
}

// ---------------------------------------------------------------- Pod

#[derive(Debug, Clone, Default)]
pub struct Pod {
    pub metadata: ObjectMeta,
    pub spec: PodSpec,
    pub status: PodStatus,
}

#[derive(Debug, Clone, Default)]
pub struct PodSpec {
    pub node_name: Option<String>,
    pub host_network: Option<bool>,
    pub hostname: Option<String>,
    pub subdomain: Option<String>,
    pub containers: Vec<Container>,
    pub init_containers: Vec<Container>,
    pub readiness_gates: Vec<ReadinessGate>,
}

#[derive(Debug, Clone, Default)]
pub struct ReadinessGate {
    pub condition_type: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Container {
    pub name: Option<String>,
    /// `Always` marks a restartable init container (a sidecar), whose ports count.
    pub restart_policy: Option<String>,
    pub ports: Vec<ContainerPort>,
}

#[derive(Debug, Clone, Default)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub container_port: Option<i64>,
    pub protocol: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct PodStatus {
    pub phase: Option<String>,
    pub reason: Option<String>,
    pub pod_ip: Option<String>,
    pub pod_ips: Vec<PodIp>,
    pub host_ip: Option<String>,
    pub nominated_node_name: Option<String>,
    pub conditions: Vec<Condition>,
    pub container_statuses: Vec<ContainerStatus>,
    pub init_container_statuses: Vec<ContainerStatus>,
}

#[derive(Debug, Clone, Default)]
pub struct PodIp {
    pub ip: Option<String>,
}

/// A pod or node condition (`type: Ready`, `status: "True"`).
#[derive(Debug, Clone, Default)]
pub struct Condition {
    pub type_: Option<String>,
    pub status: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ContainerStatus {
    pub name: Option<String>,
    pub ready: Option<bool>,
    pub restart_count: Option<i64>,
    /// Read for restartable init containers (sidecars), which count as started once this is
    /// true (kubectl `printPod`).
    pub started: Option<bool>,
    pub state: Option<ContainerState>,
    pub last_state: Option<ContainerState>,
}

#[derive(Debug, Clone, Default)]
pub struct ContainerState {
    pub running: Option<ContainerStateDetail>,
    pub waiting: Option<ContainerStateDetail>,
    pub terminated: Option<ContainerStateDetail>,
}

#[derive(Debug, Clone, Default)]
pub struct ContainerStateDetail {
    pub reason: Option<String>,
    pub exit_code: Option<i64>,
    pub signal: Option<i64>,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
}

// ---------------------------------------------------------------- Node

#[derive(Debug, Clone, Default)]
pub struct Node {
    pub metadata: ObjectMeta,
    pub spec: NodeSpec,
    pub status: NodeStatus,
}

#[derive(Debug, Clone, Default)]
pub struct NodeSpec {
    pub pod_cidr: Option<String>,
    pub pod_cidrs: Vec<String>,
    pub unschedulable: Option<bool>,
    pub taints: Vec<Taint>,
    pub provider_id: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Taint {
    pub key: Option<String>,
    pub value: Option<String>,
    pub effect: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct NodeStatus {
    pub addresses: Vec<NodeAddress>,
    pub conditions: Vec<Condition>,
    pub node_info: Option<NodeSystemInfo>,
}

#[derive(Debug, Clone, Default)]
pub struct NodeAddress {
    pub type_: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct NodeSystemInfo {
    pub kubelet_version: Option<String>,
    pub os_image: Option<String>,
    pub kernel_version: Option<String>,
    pub container_runtime_version: Option<String>,
}

// ---------------------------------------------------------------- EndpointSlice

#[derive(Debug, Clone, Default)]
pub struct EndpointSlice {
    pub metadata: ObjectMeta,
    pub address_type: Option<String>,
    pub endpoints: Vec<Endpoint>,
    pub ports: Vec<EndpointPort>,
}

#[derive(Debug, Clone, Default)]
pub struct Endpoint {
    pub addresses: Vec<String>,
    pub conditions: EndpointConditions,
    pub node_name: Option<String>,
    pub zone: Option<String>,
    pub hints: Option<EndpointHints>,
    pub target_ref: Option<ObjectReference>,
}

/// Absent `ready`/`serving` mean true and absent `terminating` means false, as kube-proxy
/// reads them (facts 1.4); that is applied in the model, so these stay `Option`.
#[derive(Debug, Clone, Default)]
pub struct EndpointConditions {
    pub ready: Option<bool>,
    pub serving: Option<bool>,
    pub terminating: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct EndpointHints {
    pub for_zones: Vec<NamedHint>,
    pub for_nodes: Vec<NamedHint>,
}

#[derive(Debug, Clone, Default)]
pub struct NamedHint {
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ObjectReference {
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct EndpointPort {
    /// `None` and `Some("")` differ for kube-proxy: a port with no name at all is ignored.
    pub name: Option<String>,
    pub port: Option<i64>,
    pub protocol: Option<String>,
    pub app_protocol: Option<String>,
}

/// One API object svcroute reads.
#[derive(Debug, Clone)]
pub enum Object {
    Service(Service),
    Pod(Pod),
    Node(Node),
    EndpointSlice(EndpointSlice),
}
