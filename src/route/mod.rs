//! The routing engine: what kube-proxy and a load balancer do with one connection.
//!
//! HEADS-UP: read ../shared/kube-proxy-facts.md (sections 1–6 and 8) before changing
//! anything here. Every rule in this module mirrors kube-proxy (`pkg/proxy/…`) or the cloud
//! service controller, and says which; intuition is not a source.
//!
//! Input: a valid [`Cluster`] and a [`Query`] (service, port, entry point, client, policy
//! overrides). Output: an [`Explanation`]: an [`Outcome`] with a reason in plain words, and
//! the paths with their exact [`Share`] of new connections, every hop, and every rewrite.
//!
//! The pipeline inside: [`entry`] resolves the query (service, port, client, entry point);
//! `paths` decides which node's rules see the packet and with what weight (the client's
//! node, the addressed node, or the [`load_balancer`]'s healthy pool); [`proxy`] applies
//! that node's kube-proxy rules (facts 3.4) to the lists of [`endpoints`]; [`nat`] rewrites
//! the packet; [`chain`] names the iptables chains; [`simulate`] draws connections.
//!
//! Modelled as iptables mode with the ClusterCIDR local-traffic detector (a no-op when the
//! cluster has no cluster CIDR). Not modelled: `masqueradeAll` (facts 3.4 row 8), traffic to
//! a port the Service lacks (row 28, unreachable through a [`Query`]), nftables' firewall
//! running before the endpoint check (an out-of-range client of a Service without endpoints
//! is REJECTed here, as iptables does), IPVS round-robin, CNI masquerade of pod-to-node
//! traffic, and overlay CNIs' tunnel addresses for masquerade (facts 4.2).

pub mod chain;
pub mod endpoints;
pub mod entry;
pub mod load_balancer;
mod lookup;
pub mod nat;
mod paths;
pub mod proxy;
pub mod share;
pub mod simulate;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod proxier_tests;

use crate::model::{Cluster, Protocol, TargetPort, TrafficPolicy};
use std::fmt;
use std::net::{IpAddr, SocketAddr};

pub use share::Share;

/// The source port the simulated client uses, fixed so output is deterministic.
pub const CLIENT_PORT: u16 = 51234;

/// The most paths an [`Explanation`] lists. Beyond it, whole nodes are left out (the last
/// ones by name), except when the first node alone has more endpoints: then its first
/// paths by pod name are listed. Shares of pods stay exact over every path.
///
/// 200 because each listed path costs a few microseconds (hops, reason, a dozen small
/// allocations; measured about 3 µs in the heap a parsed 600 MB dump leaves), and
/// explaining all 1,000 load-balanced Services of a 5,000-node cluster must stay within a
/// couple of seconds; a person reads no more than that many paths either.
pub const MAX_PATHS: usize = 200;

/// The default outside client: an address from TEST-NET-3 (RFC 5737).
pub const DEFAULT_CLIENT_IP: &str = "203.0.113.10";

/// How the connection reaches the Service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EntryKind {
    /// To the load balancer's ingress IP and the service port.
    LoadBalancer,
    /// To a node's IP and the service port's nodePort.
    NodePort,
    /// To the Service's cluster IP and port.
    ClusterIp,
    /// To one of `spec.externalIPs` and the service port, routed to a node.
    ExternalIp,
}

impl EntryKind {
    /// The CLI's and JSON's spelling: `load-balancer`, `node-port`, `cluster-ip`, `external-ip`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::LoadBalancer => "load-balancer",
            EntryKind::NodePort => "node-port",
            EntryKind::ClusterIp => "cluster-ip",
            EntryKind::ExternalIp => "external-ip",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [EntryKind::LoadBalancer, EntryKind::NodePort, EntryKind::ClusterIp, EntryKind::ExternalIp]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who opens the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Client {
    /// A host outside the cluster.
    External(IpAddr),
    /// A pod (in the pod network, not hostNetwork unless the pod says so).
    Pod { namespace: String, name: String },
    /// A process on a node, in the node's network namespace.
    Node(String),
}

/// Which service port.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PortSelector {
    #[default]
    First,
    Name(String),
    Number(u16),
}

/// Everything a user chose about one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub namespace: String,
    pub service: String,
    pub port: PortSelector,
    /// `None`: the entry that fits the Service's type (LoadBalancer → load-balancer,
    /// NodePort → node-port, otherwise cluster-ip).
    pub entry: Option<EntryKind>,
    /// The node for node-port and external-ip entries; `None`: the first node by name.
    pub node: Option<String>,
    pub client: Client,
    pub external_traffic_policy: Option<TrafficPolicy>,
    pub internal_traffic_policy: Option<TrafficPolicy>,
}

impl Query {
    /// A query for `namespace/service` with every other choice at its default.
    pub fn new(namespace: &str, service: &str) -> Self {
        Self {
            namespace: namespace.to_string(),
            service: service.to_string(),
            port: PortSelector::First,
            entry: None,
            node: None,
            client: Client::External(IpAddr::from([203, 0, 113, 10])),
            external_traffic_policy: None,
            internal_traffic_policy: None,
        }
    }
}

/// What becomes of the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// A pod accepts it.
    Delivered,
    /// A DROP rule discards it: the client hangs until its connect timeout.
    Dropped,
    /// A REJECT rule answers ICMP port-unreachable: the client sees "connection refused".
    Rejected,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Dropped => "dropped",
            Outcome::Rejected => "rejected",
        }
    }
}

/// A place a packet is at.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    Client,
    LoadBalancer,
    Node(String),
    Pod(String),
}

impl fmt::Display for Place {
    /// `client`, `load-balancer`, `node/NAME`, `pod/NAME`: the JSON contract's spelling.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Client => f.write_str("client"),
            Place::LoadBalancer => f.write_str("load-balancer"),
            Place::Node(name) => write!(f, "node/{name}"),
            Place::Pod(name) => write!(f, "pod/{name}"),
        }
    }
}

/// A packet's addresses as they are on one wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet {
    pub src: SocketAddr,
    pub dst: SocketAddr,
}

/// A NAT rewrite kube-proxy's rules make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rewrite {
    /// Destination NAT to the chosen endpoint (`KUBE-SEP-…` DNAT).
    Dnat { to: SocketAddr },
    /// Masquerade (SNAT in `KUBE-POSTROUTING`) to an address of the node.
    Snat { to: IpAddr },
}

/// One wire a packet crosses, from `from` to `to`.
/// `before` is the packet as it reached `from`; `after` as it leaves on this wire, once
/// the `rewrites` made at `from` are applied (they are empty when nothing changed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub from: Place,
    pub to: Place,
    pub before: Packet,
    pub after: Packet,
    pub rewrites: Vec<Rewrite>,
}

/// The endpoint a path ends at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The pod behind the endpoint; `None` for a hand-written EndpointSlice without targetRef.
    pub pod: Option<String>,
    pub ip: IpAddr,
    pub port: u16,
    /// The endpoint's `nodeName`; `None` when the slice does not say.
    pub node: Option<String>,
}

/// One way a new connection can go, with its exact share of new connections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub outcome: Outcome,
    pub share: Share,
    /// The node whose kube-proxy rules handled the packet (the receiving node, or the
    /// client's own node for pods and node processes).
    pub via_node: Option<String>,
    /// Where the connection ends; `None` when it is dropped or rejected.
    pub target: Option<Target>,
    /// The address the packet was masqueraded to, if it was.
    pub snat: Option<IpAddr>,
    /// The source address the pod sees.
    pub client_ip_seen: Option<IpAddr>,
    pub hops: Vec<Hop>,
    /// Why it ends where it ends, in plain words, naming the kube-proxy rule.
    pub reason: String,
}

/// The service port as the explanation used it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortInfo {
    pub name: String,
    pub protocol: Protocol,
    pub port: u16,
    pub target_port: TargetPort,
    pub node_port: Option<u16>,
}

/// The resolved entry point: where the client sends its first packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: EntryKind,
    pub address: SocketAddr,
    /// The node the packet is addressed or routed to (node-port, external-ip), if one.
    pub node: Option<String>,
}

/// The traffic policies in force, and whether the user overrode the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub external_traffic_policy: TrafficPolicy,
    pub internal_traffic_policy: TrafficPolicy,
    pub external_overridden: bool,
    pub internal_overridden: bool,
}

/// Each pod's share of new connections: the sum of its paths' shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodShare {
    pub pod: String,
    pub node: Option<String>,
    pub share: Share,
}

/// The client as resolved: its address and, for pods and node processes, its node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedClient {
    pub client: Client,
    pub ip: IpAddr,
    pub node: Option<String>,
}

/// What happens to new connections for one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub namespace: String,
    pub service: String,
    pub port: PortInfo,
    pub entry: Entry,
    pub client: ResolvedClient,
    pub policy: Policy,
    /// `Delivered` when every path is delivered; otherwise the outcome of the paths that fail.
    pub outcome: Outcome,
    pub reason: String,
    /// Sorted by (via node, pod); with `omitted_share` their shares sum to 1. At most
    /// [`MAX_PATHS`]: the paths through the first nodes by name (see `omitted_paths`).
    pub paths: Vec<Path>,
    /// Paths not listed in `paths` because there are more than [`MAX_PATHS`] (a load
    /// balancer over thousands of nodes makes one path per node and endpoint). `pods`,
    /// `outcome` and `reason` still count every path, listed or not; a warning says so.
    pub omitted_paths: usize,
    /// The share of new connections that takes an omitted path: zero when none is omitted.
    pub omitted_share: Share,
    /// Sorted by pod name; only pods with a non-zero share.
    pub pods: Vec<PodShare>,
    /// The nodes the load balancer sends to (load-balancer entry only), sorted by name.
    pub load_balancer_nodes: Vec<String>,
    /// `Some(timeout)` with `sessionAffinity: ClientIP`: one client IP sticks to one endpoint
    /// per node, so the shares hold over many clients, not one.
    pub session_affinity_timeout: Option<u32>,
    pub warnings: Vec<String>,
}

/// A query that names something the cluster does not have. Its `Display` names what exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    NoService {
        namespace: String,
        name: String,
        existing: Vec<String>,
    },
    NoPort {
        service: String,
        wanted: String,
        existing: Vec<String>,
    },
    NoNode {
        name: String,
        existing: Vec<String>,
    },
    NoPod {
        namespace: String,
        name: String,
        existing: Vec<String>,
    },
    /// The entry point does not exist for this Service (a node-port on a ClusterIP Service,
    /// an external-ip without `spec.externalIPs`, a load balancer still `<pending>`).
    EntryUnavailable {
        entry: EntryKind,
        reason: String,
    },
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list =
            |items: &[String]| if items.is_empty() { "none".to_string() } else { items.join(", ") };
        match self {
            QueryError::NoService { namespace, name, existing } => write!(
                f,
                "no service `{name}` in namespace `{namespace}` (services here: {})",
                list(existing)
            ),
            QueryError::NoPort { service, wanted, existing } => {
                write!(f, "service `{service}` has no port `{wanted}` (ports: {})", list(existing))
            }
            QueryError::NoNode { name, existing } => {
                write!(f, "no node `{name}` (nodes: {})", list(existing))
            }
            QueryError::NoPod { namespace, name, existing } => write!(
                f,
                "no pod `{name}` in namespace `{namespace}` (pods here: {})",
                list(existing)
            ),
            QueryError::EntryUnavailable { entry, reason } => {
                write!(f, "no {entry} entry: {reason}")
            }
        }
    }
}

/// Adds a warning. One call per warning instead of `format!` and `Vec::push` inlined at
/// each of the twenty-odd places `explain` warns, all of which the page compiles into one
/// function.
#[inline(never)]
fn warn(warnings: &mut Vec<String>, message: fmt::Arguments<'_>) {
    warnings.push(fmt::format(message));
}

/// Explains what kube-proxy and the load balancer do with new connections for `query`.
///
/// A dropped or rejected connection is an answer (`Outcome`), not an error; errors are for
/// queries naming something the cluster lacks.
///
/// ```
/// use svcroute::{input, model, route};
/// let yaml = "
/// apiVersion: v1
/// kind: Service
/// metadata: {name: kiada}
/// spec:
///   type: NodePort
///   selector: {app: kiada}
///   ports: [{name: http, port: 80, nodePort: 30080, targetPort: 8080}]
/// ";
/// let (cluster, _) = model::build(&input::parse(yaml), &model::BuildOptions::default());
/// let mut query = route::Query::new("default", "kiada");
/// query.node = Some("kind-worker".to_string());
/// let explanation = route::explain(&cluster, &query).unwrap();
/// // No pod matches the selector: kube-proxy REJECTs ("has no endpoints").
/// assert_eq!(explanation.outcome, route::Outcome::Rejected);
/// assert_eq!(explanation.entry.address.to_string(), "172.18.0.4:30080");
/// ```
pub fn explain(cluster: &Cluster, query: &Query) -> Result<Explanation, QueryError> {
    let resolved = entry::resolve(cluster, query)?;
    paths::explain(cluster, query, resolved)
}
