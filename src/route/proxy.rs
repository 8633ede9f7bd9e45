//! What one node's kube-proxy rules do with a packet that reaches them: the master table of
//! facts 3.4 (rows 1–26), after `syncProxyRules` in k8s `pkg/proxy/iptables/proxier.go`.
//!
//! The caller says which node decides and how the packet got there; this module picks the
//! endpoint list, the masquerade mark, or the REJECT/DROP, and turns each endpoint into a
//! [`Path`].

use super::chain::{endpoint_chain, service_port_suffix};
use super::endpoints::{
    categorize_endpoints, is_externally_accessible, uses_cluster_endpoints, uses_local_endpoints,
    Categorized, ZONE_LABEL,
};
use super::lookup;
use super::nat::{apply, masquerade_address};
use super::{Hop, Outcome, Packet, Path, Place, Rewrite, Share, Target};
use crate::model::net::{Ip, Socket};
use crate::model::{Cluster, Endpoint, Node, Service, ServicePort, TrafficPolicy};
use std::cell::RefCell;
use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};

/// The kind of address the packet is addressed to when it meets the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Destination {
    /// `KUBE-SERVICES` "<spn> cluster IP" → the internal policy chain.
    ClusterIp,
    /// `KUBE-NODEPORTS` → `KUBE-EXT-…`.
    NodePort,
    /// "<spn> external IP" → `KUBE-EXT-…`.
    ExternalIp,
    /// "<spn> loadbalancer IP" → (`KUBE-FW-…` →) `KUBE-EXT-…`.
    LoadBalancerIp,
}

/// A packet arriving at the node whose kube-proxy rules decide.
#[derive(Debug, Clone)]
pub struct Arrival<'a> {
    pub node: &'a Node,
    /// The share of new connections that arrive here.
    pub weight: Share,
    /// The hops so far; the last one ends at this node.
    pub hops: Vec<Hop>,
    /// The packet as it reaches the node's rules.
    pub packet: Packet,
    pub destination: Destination,
    /// The source address is one of this node's own (a node process or hostNetwork pod on
    /// this node): address type LOCAL.
    pub is_local_source: bool,
}

/// Everything about the Service port that does not change from node to node.
#[derive(Debug, Clone)]
pub struct Rules<'a> {
    pub cluster: &'a Cluster,
    pub service: &'a Service,
    pub port: &'a ServicePort,
    pub external_traffic_policy: TrafficPolicy,
    pub internal_traffic_policy: TrafficPolicy,
    /// The load balancer's ingress IP, for the source-range exception (facts 3.4 notes).
    pub load_balancer_ip: Option<IpAddr>,
    /// Every node name an endpoint of the port mentions (`nodeName`, `hints.forNodes`),
    /// sorted, without repeats: `CategorizeEndpoints` gives the same lists on every node not
    /// named here (in one zone).
    pub mentioned_nodes: Vec<&'a str>,
    /// Some endpoint carries a zone hint, so a node's zone can change its lists.
    pub has_zone_hints: bool,
    /// Each listed endpoint's `KUBE-SEP-…` chain and `IP:port` text, hashed and written once
    /// though a load balancer lists the endpoint once per node; sorted by address (at most
    /// one per listed path, so a sorted Vec, not one more tree type in the page).
    endpoint_texts: RefCell<Vec<(SocketAddr, EndpointText<'a>)>>,
}

/// What a path's words and hops need of one endpoint, found once per explanation.
#[derive(Debug, Clone)]
struct EndpointText<'a> {
    /// `KUBE-SEP-…`.
    chain: String,
    /// `IP:port`.
    to: String,
    /// The endpoint's node, when the cluster has it.
    node: Option<&'a Node>,
}

/// The inputs of `CategorizeEndpoints` that differ between nodes: nodes with equal keys get
/// equal lists (facts 2.2, 2.3), so the lists are computed once per key, not once per node.
pub type TopologyKey<'a> = (Option<&'a str>, Option<&'a str>);

/// Which kube-proxy rule decides, without its words: reasons are rendered only for what is
/// shown, not for each of thousands of nodes ([`Rules::rule_text`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule<'a> {
    /// No ready or serving endpoint anywhere: REJECT (facts 3.4 rows 7, 12).
    NoEndpoints { is_cluster_ip: bool },
    /// Cluster IP → `KUBE-SVC-…` (iTP Cluster).
    ClusterIpToSvc { is_masqueraded: bool },
    /// iTP Local and no local endpoint on the node: DROP (row 4).
    InternalLocalWithoutEndpoint { node: &'a str },
    /// Cluster IP → `KUBE-SVL-…` (iTP Local).
    ClusterIpToSvl { is_masqueraded: bool },
    /// Outside `loadBalancerSourceRanges`: DROP (row 16).
    OutsideSourceRanges { src: IpAddr },
    /// `KUBE-EXT-…` masquerades, then `KUBE-SVC-…` (eTP Cluster).
    ExternalCluster,
    /// eTP Local, the source is a pod: short-circuit to `KUBE-SVC-…` (row 21).
    PodShortCircuit,
    /// eTP Local, the source is the node: masquerade and short-circuit (row 24).
    NodeShortCircuit,
    /// eTP Local and no local endpoint on the node: DROP (rows 11, 15, 19).
    ExternalLocalWithoutEndpoint { node: &'a str },
    /// `KUBE-EXT-…` → `KUBE-SVL-…` (eTP Local).
    ExternalLocalToSvl,
    /// An empty list despite `hasAnyEndpoints` (not reachable when kube-proxy's invariants hold).
    NoUsableEndpoint { node: &'a str },
}

/// What one node's rules do with a packet, before any path is built.
#[derive(Debug, Clone, Copy)]
pub struct Verdict<'a, 'c> {
    pub outcome: Outcome,
    pub rule: Rule<'a>,
    /// The endpoints the policy chain picks from with equal probability; empty unless
    /// delivered.
    pub list: &'c [&'a Endpoint],
    pub is_masqueraded: bool,
}

impl<'a> Rule<'a> {
    /// The same rule as it reads on `node`: the rules that name a node name that one.
    pub fn on_node(self, node: &'a str) -> Rule<'a> {
        match self {
            Rule::InternalLocalWithoutEndpoint { .. } => {
                Rule::InternalLocalWithoutEndpoint { node }
            }
            Rule::ExternalLocalWithoutEndpoint { .. } => {
                Rule::ExternalLocalWithoutEndpoint { node }
            }
            Rule::NoUsableEndpoint { .. } => Rule::NoUsableEndpoint { node },
            other => other,
        }
    }
}

impl Verdict<'_, '_> {
    /// The number of paths the node's decision makes: one per endpoint, or one that ends there.
    pub fn n_paths(&self) -> usize {
        if self.outcome == Outcome::Delivered {
            self.list.len()
        } else {
            1
        }
    }
}

impl<'a> Rules<'a> {
    /// The rules for one service port under the given policies.
    pub fn new(
        cluster: &'a Cluster,
        service: &'a Service,
        port: &'a ServicePort,
        external_traffic_policy: TrafficPolicy,
        internal_traffic_policy: TrafficPolicy,
        load_balancer_ip: Option<IpAddr>,
    ) -> Self {
        let mut mentioned_nodes = Vec::new();
        let mut has_zone_hints = false;
        for endpoint in &port.endpoints {
            mentioned_nodes.extend(endpoint.node_name.as_deref());
            mentioned_nodes.extend(endpoint.hint_nodes.iter().map(String::as_str));
            has_zone_hints |= !endpoint.hint_zones.is_empty();
        }
        let mentioned_nodes = crate::sort::sorted_unique(mentioned_nodes);
        Self {
            cluster,
            service,
            port,
            external_traffic_policy,
            internal_traffic_policy,
            load_balancer_ip,
            mentioned_nodes,
            has_zone_hints,
            endpoint_texts: RefCell::new(Vec::new()),
        }
    }

    /// `servicePortName` as kube-proxy prints it in rule comments (facts 6.3): `ns/svc:port`,
    /// or `ns/svc` for an unnamed port.
    pub fn service_port_name(&self) -> String {
        if self.port.name.is_empty() {
            format!("{}/{}", self.service.namespace, self.service.name)
        } else {
            format!("{}/{}:{}", self.service.namespace, self.service.name, self.port.name)
        }
    }

    /// The 16-character hash shared by this service port's KUBE-SVC/SVL/EXT/FW chains.
    pub fn chain_suffix(&self) -> String {
        service_port_suffix(
            &self.service_port_name(),
            &self.port.protocol.as_str().to_ascii_lowercase(),
        )
    }

    /// What of `node` `CategorizeEndpoints` reads: its name only if an endpoint mentions it,
    /// its zone only if some endpoint has a zone hint.
    pub fn topology_key(&self, node: &'a Node) -> TopologyKey<'a> {
        let name = node.name.as_str();
        let zone =
            self.has_zone_hints.then(|| node.labels.get(ZONE_LABEL).map(String::as_str)).flatten();
        (self.mentioned_nodes.binary_search(&name).is_ok().then_some(name), zone)
    }

    /// `CategorizeEndpoints` for `node` and this port (facts 2).
    pub fn categorize(&self, node: &Node) -> Categorized<'a> {
        let accessible = is_externally_accessible(self.service, self.port);
        categorize_endpoints(
            &self.port.endpoints,
            node,
            uses_cluster_endpoints(accessible, self.internal_traffic_policy),
            uses_local_endpoints(
                accessible,
                self.internal_traffic_policy,
                self.external_traffic_policy,
            ),
        )
    }

    /// kube-proxy's ClusterCIDR local-traffic detector: "is the source a pod?" (facts 3.1).
    /// `None` when no cluster CIDR is configured: the detector is a no-op.
    fn is_pod_source(&self, ip: IpAddr) -> Option<bool> {
        let cidrs = &self.cluster.cluster_cidrs;
        if cidrs.iter().all(|cidr| cidr.addr.is_ipv4() != ip.is_ipv4()) {
            return None;
        }
        Some(cidrs.iter().any(|cidr| cidr.contains(ip)))
    }

    /// Whether `KUBE-FW-…` lets the source through (facts 3.4 row 16 and notes).
    pub fn source_range_allows(&self, node: &Node, src: IpAddr) -> bool {
        let ranges = &self.service.load_balancer_source_ranges;
        if ranges.is_empty() || ranges.iter().any(|range| range.contains(src)) {
            return true;
        }
        // With the node's own IP inside a range, packets from the LB VIP itself pass too.
        Some(src) == self.load_balancer_ip
            && ranges.iter().any(|range| range.contains(node.internal_ip))
    }

    /// The master table (facts 3.4) for one arrival at `node`, whose lists are `categorized`.
    /// No strings: this runs for every node the load balancer may pick.
    pub fn verdict<'c>(
        &self,
        node: &'a Node,
        categorized: &'c Categorized<'a>,
        arrival: &Arrival<'_>,
    ) -> Verdict<'a, 'c> {
        let src = arrival.packet.src.ip();
        let is_pod_source = self.is_pod_source(src);
        let is_cluster_ip = arrival.destination == Destination::ClusterIp;
        let ends = |outcome: Outcome, rule: Rule<'a>| Verdict {
            outcome,
            rule,
            list: &[],
            is_masqueraded: false,
        };
        if !categorized.has_any_endpoints {
            return ends(Outcome::Rejected, Rule::NoEndpoints { is_cluster_ip });
        }
        let node_name = node.name.as_str();
        let (list, is_masqueraded, rule): (&'c [&'a Endpoint], bool, Rule<'a>) = if is_cluster_ip {
            // The SVC/SVL chain's first rule marks sources outside the cluster CIDR
            // (`! -s <clusterCIDR>`), when the detector is implemented (facts 3.2 step 1).
            let is_masqueraded = is_pod_source == Some(false);
            match self.internal_traffic_policy {
                TrafficPolicy::Cluster => (
                    &categorized.cluster_endpoints,
                    is_masqueraded,
                    Rule::ClusterIpToSvc { is_masqueraded },
                ),
                TrafficPolicy::Local if categorized.local_endpoints.is_empty() => {
                    return ends(
                        Outcome::Dropped,
                        Rule::InternalLocalWithoutEndpoint { node: node_name },
                    );
                }
                TrafficPolicy::Local => (
                    &categorized.local_endpoints,
                    is_masqueraded,
                    Rule::ClusterIpToSvl { is_masqueraded },
                ),
            }
        } else {
            if arrival.destination == Destination::LoadBalancerIp
                && !self.source_range_allows(node, src)
            {
                return ends(Outcome::Dropped, Rule::OutsideSourceRanges { src });
            }
            match self.external_traffic_policy {
                TrafficPolicy::Cluster => {
                    (&categorized.cluster_endpoints, true, Rule::ExternalCluster)
                }
                TrafficPolicy::Local if is_pod_source == Some(true) => {
                    (&categorized.cluster_endpoints, false, Rule::PodShortCircuit)
                }
                TrafficPolicy::Local if arrival.is_local_source => {
                    (&categorized.cluster_endpoints, true, Rule::NodeShortCircuit)
                }
                TrafficPolicy::Local if categorized.local_endpoints.is_empty() => {
                    return ends(
                        Outcome::Dropped,
                        Rule::ExternalLocalWithoutEndpoint { node: node_name },
                    );
                }
                TrafficPolicy::Local => {
                    (&categorized.local_endpoints, false, Rule::ExternalLocalToSvl)
                }
            }
        };
        if list.is_empty() {
            // Not reachable when kube-proxy's invariants hold (a non-empty Cluster list is what
            // `has_any_endpoints` means); answer as the filter table would rather than lose
            // the connection's share.
            debug_assert!(false, "empty endpoint list with has_any_endpoints");
            return ends(Outcome::Rejected, Rule::NoUsableEndpoint { node: node_name });
        }
        Verdict { outcome: Outcome::Delivered, rule, list, is_masqueraded }
    }

    /// The node-level reason for `rule`, in plain words, naming the kube-proxy rule.
    pub fn rule_text(&self, rule: Rule<'_>) -> String {
        let spn = self.service_port_name();
        let hash = self.chain_suffix();
        let mark = |is_masqueraded: bool| {
            if is_masqueraded {
                "; its first rule marks the packet for masquerade because the source is not in the cluster CIDR"
            } else {
                ""
            }
        };
        match rule {
            Rule::NoEndpoints { is_cluster_ip } => {
                let filter =
                    if is_cluster_ip { "KUBE-SERVICES" } else { "KUBE-EXTERNAL-SERVICES" };
                format!(
                    "no ready or serving endpoint exists anywhere: the filter chain {filter} REJECTs it \
                     (\"{spn} has no endpoints\"), so the client sees connection refused"
                )
            }
            Rule::ClusterIpToSvc { is_masqueraded } => format!(
                "\"{spn} cluster IP\" jumps to KUBE-SVC-{hash} (internalTrafficPolicy Cluster){}",
                mark(is_masqueraded)
            ),
            Rule::InternalLocalWithoutEndpoint { node } => format!(
                "internalTrafficPolicy Local and node {node} has no local endpoint: the filter chain \
                 KUBE-SERVICES DROPs it (\"{spn} has no local endpoints\"), so the client hangs"
            ),
            Rule::ClusterIpToSvl { is_masqueraded } => format!(
                "\"{spn} cluster IP\" jumps to KUBE-SVL-{hash}: internalTrafficPolicy Local keeps it on \
                 the node that handles it{}",
                mark(is_masqueraded)
            ),
            Rule::OutsideSourceRanges { src } => {
                let mut ranges: Vec<String> = Vec::new();
                for range in &self.service.load_balancer_source_ranges {
                    ranges.push(range.to_string());
                }
                format!(
                    "source {} is outside loadBalancerSourceRanges ({}): it falls off KUBE-FW-{hash} and \
                     KUBE-PROXY-FIREWALL DROPs it (\"{spn} traffic not accepted by KUBE-FW-{hash}\"), so the client hangs",
                    Ip(src),
                    ranges.join(", ")
                )
            }
            Rule::ExternalCluster => format!(
                "KUBE-EXT-{hash} masquerades external traffic under externalTrafficPolicy Cluster \
                 (\"masquerade traffic for {spn} external destinations\"), then KUBE-SVC-{hash} picks from all endpoints"
            ),
            Rule::PodShortCircuit => format!(
                "the source is a pod, so KUBE-EXT-{hash} short-circuits to KUBE-SVC-{hash} without masquerade \
                 (\"pod traffic for {spn} external destinations\"): externalTrafficPolicy Local is ignored"
            ),
            Rule::NodeShortCircuit => format!(
                "the source is the node itself, so KUBE-EXT-{hash} masquerades it and short-circuits to KUBE-SVC-{hash} \
                 (\"masquerade LOCAL traffic for {spn} external destinations\"): externalTrafficPolicy Local is ignored"
            ),
            Rule::ExternalLocalWithoutEndpoint { node } => format!(
                "externalTrafficPolicy Local and node {node} has no local endpoint: the filter chain \
                 KUBE-EXTERNAL-SERVICES DROPs it (\"{spn} has no local endpoints\"), so the client hangs"
            ),
            Rule::ExternalLocalToSvl => format!(
                "KUBE-EXT-{hash} jumps to KUBE-SVL-{hash} without masquerade: externalTrafficPolicy Local keeps it on \
                 the node that received it, and the pod sees the client's address"
            ),
            Rule::NoUsableEndpoint { node } => {
                format!("no usable endpoint on node {node}: \"{spn} has no endpoints\"")
            }
        }
    }

    /// The paths of one arrival whose `verdict` is known: one per endpoint, at most `limit`,
    /// taken from `in_path_order` (the verdict's list sorted by pod, IP and port), or one
    /// that ends at the node. `reason` is [`Rules::rule_text`] of the verdict's rule.
    pub fn paths(
        &self,
        arrival: Arrival<'a>,
        verdict: &Verdict<'a, '_>,
        in_path_order: &[&'a Endpoint],
        reason: &str,
        limit: usize,
    ) -> Vec<Path> {
        if verdict.outcome != Outcome::Delivered {
            return vec![self.ends_here(arrival, verdict.outcome, reason.to_string())];
        }
        debug_assert_eq!(in_path_order.len(), verdict.list.len());
        let share_on_node = Share::new(1, verdict.list.len() as u128);
        let spn = self.service_port_name();
        let n_endpoints = verdict.list.len().to_string();
        let listed = in_path_order.get(..limit).unwrap_or(in_path_order);
        let mut paths = Vec::with_capacity(listed.len());
        for endpoint in listed {
            let on_node = (share_on_node, n_endpoints.as_str());
            paths.push(self.deliver(
                &arrival,
                endpoint,
                verdict.is_masqueraded,
                on_node,
                &spn,
                reason,
            ));
        }
        paths
    }

    /// A path that ends at the arrival's node (REJECT or DROP).
    fn ends_here(&self, arrival: Arrival<'_>, outcome: Outcome, reason: String) -> Path {
        Path {
            outcome,
            share: arrival.weight,
            via_node: Some(arrival.node.name.clone()),
            target: None,
            snat: None,
            client_ip_seen: None,
            hops: arrival.hops,
            reason,
        }
    }

    /// The path to one endpoint: DNAT (and masquerade) at the deciding node, then across
    /// to the endpoint's node if it is another one.
    fn deliver(
        &self,
        arrival: &Arrival<'_>,
        endpoint: &Endpoint,
        is_masqueraded: bool,
        (share_on_node, n_endpoints): (Share, &str),
        spn: &str,
        node_reason: &str,
    ) -> Path {
        let node = arrival.node;
        let to = SocketAddr::new(endpoint.ip, endpoint.port);
        // KUBE-SEP's first rule: a pod reaching itself through the Service is masqueraded
        // (hairpin), or the reply would bypass conntrack (facts 3.2 step 3).
        let is_hairpin = endpoint.ip == arrival.packet.src.ip();
        let snat = (is_masqueraded || is_hairpin)
            .then(|| masquerade_address(node, endpoint.node_name.as_deref()));
        let mut rewrites = vec![Rewrite::Dnat { to }];
        if let Some(snat) = snat {
            rewrites.push(Rewrite::Snat { to: snat });
        }
        let after = apply(arrival.packet, &rewrites);
        let pod_place = Place::Pod(endpoint.pod.clone().unwrap_or_else(|| Socket(to).to_string()));
        let mut hops = Vec::with_capacity(arrival.hops.len() + 2);
        hops.extend_from_slice(&arrival.hops);
        let mut texts = self.endpoint_texts.borrow_mut();
        let text = crate::sort::sorted_entry(&mut texts, to, || {
            let protocol = self.port.protocol.as_str().to_ascii_lowercase();
            EndpointText {
                chain: endpoint_chain(spn, &protocol, to),
                to: Socket(to).to_string(),
                node: endpoint
                    .node_name
                    .as_deref()
                    .and_then(|name| lookup::node(self.cluster, name)),
            }
        });
        match text.node.filter(|other| other.name != node.name) {
            Some(other) => {
                hops.push(Hop {
                    from: Place::Node(node.name.clone()),
                    to: Place::Node(other.name.clone()),
                    before: arrival.packet,
                    after,
                    rewrites,
                });
                hops.push(Hop {
                    from: Place::Node(other.name.clone()),
                    to: pod_place,
                    before: after,
                    after,
                    rewrites: Vec::new(),
                });
            }
            None => hops.push(Hop {
                from: Place::Node(node.name.clone()),
                to: pod_place,
                before: arrival.packet,
                after,
                rewrites,
            }),
        }
        let mut reason = String::with_capacity(node_reason.len() + spn.len() + 320);
        reason.push_str(node_reason);
        {
            let (chain, to_text) = (&text.chain, &text.to);
            for piece in [
                "; it picks ",
                chain.as_str(),
                " (\"",
                spn,
                " -> ",
                to_text.as_str(),
                "\", one of ",
                n_endpoints,
                " with equal probability), which DNATs to ",
                to_text.as_str(),
            ] {
                reason.push_str(piece);
            }
        }
        if is_hairpin {
            reason.push_str(&format!(
                "; the endpoint is the client itself, so its KUBE-SEP chain marks it for hairpin masquerade to {}",
                snat.map(|ip| Ip(ip).to_string()).unwrap_or_default()
            ));
        } else if let Some(snat) = snat {
            let _ = write!(reason, "; KUBE-POSTROUTING masquerades the source to {}", Ip(snat));
        }
        if !endpoint.is_ready {
            reason.push_str(
                "; no ready endpoint, so kube-proxy falls back to this serving, terminating one",
            );
        }
        Path {
            outcome: Outcome::Delivered,
            share: arrival.weight.mul(share_on_node),
            via_node: Some(node.name.clone()),
            target: Some(Target {
                pod: endpoint.pod.clone(),
                ip: endpoint.ip,
                port: endpoint.port,
                node: endpoint.node_name.clone(),
            }),
            snat,
            client_ip_seen: Some(after.src.ip()),
            hops,
            reason,
        }
    }
}
