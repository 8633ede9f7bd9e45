//! A cluster you can trust: the API objects after the API server's defaults, svcroute's
//! deterministic allocations and the API server's validation.
//!
//! Holding a [`Cluster`] means every object in it is valid: nothing the API server would
//! have defaulted is an `Option`, and every address is parsed.
//! [`build`] never fails: it returns the cluster plus diagnostics, and one bad object costs
//! only that object.
//!
//! In [`build`]'s order: `kind` (the book's nodes when none is pasted), `node`, `pod`,
//! `service` (`defaults`, then `allocate` and `validate` in the API server's stage order,
//! facts 7.1), then `endpoints` (the EndpointSlice controller and kube-proxy's reading of
//! slices, facts 1). `field` and `names` word errors exactly as the API server does.
//! Not modelled: dual-stack Services, `ipFamilyPolicy`, topology-aware slice hints written
//! by the controller, and Services in a CIDR other than 10.96.0.0/12.

mod allocate;
mod build;
mod defaults;
mod endpoints;
mod field;
pub mod kind;
mod names;
pub mod net;
mod node;
mod pod;
mod service;
mod validate;

use crate::input::raw;
use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;

pub use build::build;
pub use endpoints::SERVICE_NAME_LABEL;
pub use net::Cidr;

/// Choices about the simulated cluster that no manifest states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOptions {
    /// Whether a load-balancer implementation (a cloud, MetalLB) assigns ingress IPs.
    /// Without one, a LoadBalancer Service's EXTERNAL-IP stays `<pending>`.
    pub has_load_balancer_support: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self { has_load_balancer_support: true }
    }
}

/// Where an object came from in the pasted text: the document index in [`crate::input::Parsed`].
pub type DocId = usize;

/// All objects of the cluster, valid, defaulted, sorted by (namespace, name).
#[derive(Debug, Clone, Default)]
pub struct Cluster {
    pub nodes: Vec<Node>,
    pub pods: Vec<Pod>,
    pub services: Vec<Service>,
    /// The slices kube-proxy reads: those pasted, plus those the EndpointSlice controller
    /// would write for Services with a selector and no pasted slice.
    pub endpoint_slices: Vec<EndpointSlice>,
    /// The cluster CIDRs that kube-proxy's default `ClusterCIDR` local-traffic detector
    /// matches: "is the source a pod?" (facts 3.1).
    pub cluster_cidrs: Vec<Cidr>,
    /// True when no Node was pasted and the seed's three-node kind cluster stands in.
    pub uses_default_nodes: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ServiceType {
    ClusterIp,
    NodePort,
    LoadBalancer,
    ExternalName,
}

impl ServiceType {
    /// The API's spelling (`ClusterIP`, `NodePort`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::ClusterIp => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
            ServiceType::ExternalName => "ExternalName",
        }
    }
}

impl fmt::Display for ServiceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `externalTrafficPolicy` and `internalTrafficPolicy` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TrafficPolicy {
    Cluster,
    Local,
}

impl TrafficPolicy {
    /// The API's spelling, `Cluster` or `Local` (case-sensitive, as the API server reads it).
    pub fn parse(text: &str) -> Option<Self> {
        [TrafficPolicy::Cluster, TrafficPolicy::Local]
            .into_iter()
            .find(|policy| policy.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TrafficPolicy::Cluster => "Cluster",
            TrafficPolicy::Local => "Local",
        }
    }
}

impl fmt::Display for TrafficPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetPort {
    Number(u16),
    /// A container port name, resolved per pod by the EndpointSlice controller.
    Name(String),
}

impl fmt::Display for TargetPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetPort::Number(port) => write!(f, "{port}"),
            TargetPort::Name(name) => f.write_str(name),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionAffinity {
    None,
    ClientIp { timeout_seconds: u32 },
}

/// `status.loadBalancer.ingress[].ipMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpMode {
    /// The LB delivers packets with the LB IP as destination; kube-proxy captures them.
    Vip,
    /// The LB proxies to the nodes; kube-proxy writes no rule for this IP (facts 3.4 row 27).
    Proxy,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadBalancerIngress {
    pub ip: Option<IpAddr>,
    pub hostname: Option<String>,
    pub ip_mode: IpMode,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub doc: DocId,
    pub namespace: String,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub creation_timestamp: Option<String>,
    pub type_: ServiceType,
    /// `None`: the Service selects no pods; its endpoints come from pasted EndpointSlices.
    pub selector: Option<BTreeMap<String, String>>,
    /// `None` for headless (`clusterIP: None`) and ExternalName Services.
    pub cluster_ip: Option<IpAddr>,
    /// As `kubectl get svc` prints CLUSTER-IP (`None`, `<none>` or the address).
    pub cluster_ip_text: String,
    pub external_ips: Vec<IpAddr>,
    pub external_name: Option<String>,
    pub ports: Vec<ServicePort>,
    pub external_traffic_policy: TrafficPolicy,
    pub internal_traffic_policy: TrafficPolicy,
    pub health_check_node_port: Option<u16>,
    pub load_balancer_ingress: Vec<LoadBalancerIngress>,
    pub load_balancer_source_ranges: Vec<Cidr>,
    pub load_balancer_class: Option<String>,
    pub allocate_load_balancer_node_ports: bool,
    pub session_affinity: SessionAffinity,
    pub publish_not_ready_addresses: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePort {
    /// `""` when the port is unnamed (allowed only on single-port Services).
    pub name: String,
    pub protocol: Protocol,
    pub app_protocol: Option<String>,
    pub port: u16,
    pub target_port: TargetPort,
    pub node_port: Option<u16>,
    /// The endpoints kube-proxy has for this service port, from the EndpointSlices, with
    /// duplicates collapsed and sorted by the string `IP:port` as kube-proxy sorts them
    /// (facts 1.4), which is the order of its probability chain.
    pub endpoints: Vec<Endpoint>,
}

/// One (IP, port) kube-proxy may DNAT to, with the EndpointSlice conditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub ip: IpAddr,
    pub port: u16,
    pub node_name: Option<String>,
    pub zone: Option<String>,
    pub is_ready: bool,
    pub is_serving: bool,
    pub is_terminating: bool,
    /// The pod behind the endpoint (`targetRef`), when there is one.
    pub pod: Option<String>,
    pub hint_zones: Vec<String>,
    pub hint_nodes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub container_port: u16,
    pub protocol: Protocol,
}

#[derive(Debug, Clone)]
pub struct Pod {
    pub doc: DocId,
    pub namespace: String,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub creation_timestamp: Option<String>,
    pub node_name: Option<String>,
    pub host_network: bool,
    /// `status.podIPs[0]` (or `status.podIP`), filled in when the manifest has none.
    pub ip: Option<IpAddr>,
    pub phase: String,
    /// The pod's `Ready` condition is `True`.
    pub is_ready: bool,
    /// The pod has a `deletionTimestamp`.
    pub is_terminating: bool,
    /// Ports of `spec.containers`, then of restartable init containers, in the order the
    /// EndpointSlice controller searches them for a named targetPort (facts 1.3).
    pub ports: Vec<ContainerPort>,
    pub hostname: Option<String>,
    pub subdomain: Option<String>,
    /// Kept verbatim only for `kubectl get pods` (READY, STATUS, RESTARTS columns).
    pub spec_for_print: raw::PodSpec,
    pub status_for_print: raw::PodStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taint {
    pub key: String,
    pub value: Option<String>,
    pub effect: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub doc: Option<DocId>,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub creation_timestamp: Option<String>,
    pub internal_ip: IpAddr,
    pub external_ip: Option<IpAddr>,
    pub pod_cidr: Option<Cidr>,
    /// The `Ready` condition: `Some(true)` True, `Some(false)` False or Unknown, `None` absent.
    pub ready: Option<bool>,
    pub unschedulable: bool,
    /// The node has a `deletionTimestamp`.
    pub is_being_deleted: bool,
    pub taints: Vec<Taint>,
    pub kubelet_version: Option<String>,
    pub os_image: Option<String>,
    pub kernel_version: Option<String>,
    pub container_runtime_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSlicePort {
    pub name: Option<String>,
    pub port: Option<i64>,
    pub protocol: Protocol,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SliceEndpoint {
    pub addresses: Vec<String>,
    pub node_name: Option<String>,
    pub zone: Option<String>,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
    pub pod: Option<String>,
    pub hint_zones: Vec<String>,
    pub hint_nodes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSlice {
    /// `None` when svcroute wrote the slice as the EndpointSlice controller would.
    pub doc: Option<DocId>,
    pub namespace: String,
    pub name: String,
    /// The `kubernetes.io/service-name` label; a slice without it is ignored by kube-proxy.
    pub service_name: Option<String>,
    /// `IPv4`, `IPv6` or `FQDN`.
    pub address_type: String,
    pub ports: Vec<EndpointSlicePort>,
    pub endpoints: Vec<SliceEndpoint>,
    pub creation_timestamp: Option<String>,
}

impl Cluster {
    pub fn node(&self, name: &str) -> Option<&Node> {
        // `build` sorts by name: a binary search, with a scan for hand-built clusters.
        match self.nodes.binary_search_by(|node| node.name.as_str().cmp(name)) {
            Ok(idx) => self.nodes.get(idx),
            Err(_) => self.nodes.iter().find(|node| node.name == name),
        }
    }

    pub fn pod(&self, namespace: &str, name: &str) -> Option<&Pod> {
        match self.pods.binary_search_by(|pod| {
            (pod.namespace.as_str(), pod.name.as_str()).cmp(&(namespace, name))
        }) {
            Ok(idx) => self.pods.get(idx),
            Err(_) => self.pods.iter().find(|pod| pod.namespace == namespace && pod.name == name),
        }
    }

    pub fn service(&self, namespace: &str, name: &str) -> Option<&Service> {
        match self.services.binary_search_by(|svc| {
            (svc.namespace.as_str(), svc.name.as_str()).cmp(&(namespace, name))
        }) {
            Ok(idx) => self.services.get(idx),
            Err(_) => {
                self.services.iter().find(|svc| svc.namespace == namespace && svc.name == name)
            }
        }
    }
}

#[cfg(test)]
mod tests;
