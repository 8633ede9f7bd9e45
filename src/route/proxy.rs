//! What one node's kube-proxy rules do with a packet that reaches them: the master table of
//! facts 3.4 (rows 1–26), after `syncProxyRules` in k8s `pkg/proxy/iptables/proxier.go`.
//!
//! The caller says which node decides and how the packet got there; this module picks the
//! endpoint list, the masquerade mark, or the REJECT/DROP, and turns each endpoint into a
//! [`Path`].

use super::chain::{endpoint_chain, service_port_suffix};
use super::endpoints::{
    categorize_endpoints, is_externally_accessible, uses_cluster_endpoints, uses_local_endpoints,
};
use super::nat::{apply, masquerade_address};
use super::{Hop, Outcome, Packet, Path, Place, Rewrite, Share, Target};
use crate::model::{Cluster, Endpoint, Node, Service, ServicePort, TrafficPolicy};
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};

/// The kind of address the packet is addressed to when it meets the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// The cluster's nodes by name, so a path finds its endpoint's node in O(log n).
    pub nodes: BTreeMap<&'a str, &'a Node>,
    /// Each endpoint's `KUBE-SEP-…` chain, hashed once rather than once per node.
    pub endpoint_chains: BTreeMap<SocketAddr, String>,
}

/// What a node decided, before it is split into paths.
#[derive(Debug, Clone)]
pub struct Decision {
    pub outcome: Outcome,
    /// The node-level reason: the chain and rule that decided.
    pub reason: String,
    /// True when the node fell back to serving, terminating endpoints.
    pub uses_terminating: bool,
}

impl Rules<'_> {
    /// `servicePortName` as kube-proxy prints it in rule comments (facts 6.3): `ns/svc:port`,
    /// or `ns/svc` for an unnamed port.
    pub fn service_port_name(&self) -> String {
        if self.port.name.is_empty() {
            format!("{}/{}", self.service.namespace, self.service.name)
        } else {
            format!("{}/{}:{}", self.service.namespace, self.service.name, self.port.name)
        }
    }

    /// The `KUBE-SEP-…` chain names of every endpoint of `port`, for [`Rules::endpoint_chains`].
    pub fn endpoint_chains_of(
        service: &Service,
        port: &ServicePort,
    ) -> BTreeMap<SocketAddr, String> {
        let spn = if port.name.is_empty() {
            format!("{}/{}", service.namespace, service.name)
        } else {
            format!("{}/{}:{}", service.namespace, service.name, port.name)
        };
        let protocol = port.protocol.as_str().to_lowercase();
        port.endpoints
            .iter()
            .map(|endpoint| {
                let to = SocketAddr::new(endpoint.ip, endpoint.port);
                (to, endpoint_chain(&spn, &protocol, to))
            })
            .collect()
    }

    /// The 16-character hash shared by this service port's KUBE-SVC/SVL/EXT/FW chains.
    pub fn chain_suffix(&self) -> String {
        service_port_suffix(&self.service_port_name(), &self.port.protocol.as_str().to_lowercase())
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
    fn source_range_allows(&self, node: &Node, src: IpAddr) -> bool {
        let ranges = &self.service.load_balancer_source_ranges;
        if ranges.is_empty() || ranges.iter().any(|range| range.contains(src)) {
            return true;
        }
        // With the node's own IP inside a range, packets from the LB VIP itself pass too.
        Some(src) == self.load_balancer_ip
            && ranges.iter().any(|range| range.contains(node.internal_ip))
    }

    /// Decides for one arrival and returns its paths (one per endpoint, or one that ends
    /// at the node).
    pub fn decide(&self, arrival: Arrival<'_>) -> (Vec<Path>, Decision) {
        let spn = self.service_port_name();
        let hash = self.chain_suffix();
        let accessible = is_externally_accessible(self.service, self.port);
        let categorized = categorize_endpoints(
            &self.port.endpoints,
            arrival.node,
            uses_cluster_endpoints(accessible, self.internal_traffic_policy),
            uses_local_endpoints(
                accessible,
                self.internal_traffic_policy,
                self.external_traffic_policy,
            ),
        );
        let src = arrival.packet.src.ip();
        let is_pod_source = self.is_pod_source(src);
        let is_cluster_ip = arrival.destination == Destination::ClusterIp;

        if !categorized.has_any_endpoints {
            let filter = if is_cluster_ip { "KUBE-SERVICES" } else { "KUBE-EXTERNAL-SERVICES" };
            let reason = format!(
                "no ready or serving endpoint exists anywhere: the filter chain {filter} REJECTs it \
                 (\"{spn} has no endpoints\"), so the client sees connection refused"
            );
            return self.ends_here(arrival, Outcome::Rejected, reason);
        }

        let ends_dropped = |arrival: Arrival<'_>, reason: String| {
            self.ends_here(arrival, Outcome::Dropped, reason)
        };
        let (list, is_masqueraded, reason): (Vec<&Endpoint>, bool, String) = if is_cluster_ip {
            // The SVC/SVL chain's first rule marks sources outside the cluster CIDR
            // (`! -s <clusterCIDR>`), when the detector is implemented (facts 3.2 step 1).
            let is_masqueraded = is_pod_source == Some(false);
            let mark = if is_masqueraded {
                "; its first rule marks the packet for masquerade because the source is not in the cluster CIDR"
            } else {
                ""
            };
            match self.internal_traffic_policy {
                TrafficPolicy::Cluster => (
                    categorized.cluster_endpoints.clone(),
                    is_masqueraded,
                    format!("\"{spn} cluster IP\" jumps to KUBE-SVC-{hash} (internalTrafficPolicy Cluster){mark}"),
                ),
                TrafficPolicy::Local if categorized.local_endpoints.is_empty() => {
                    let reason = format!(
                        "internalTrafficPolicy Local and node {} has no local endpoint: the filter chain \
                         KUBE-SERVICES DROPs it (\"{spn} has no local endpoints\"), so the client hangs",
                        arrival.node.name
                    );
                    return ends_dropped(arrival, reason);
                }
                TrafficPolicy::Local => (
                    categorized.local_endpoints.clone(),
                    is_masqueraded,
                    format!(
                        "\"{spn} cluster IP\" jumps to KUBE-SVL-{hash}: internalTrafficPolicy Local keeps it on \
                         the node that handles it{mark}"
                    ),
                ),
            }
        } else {
            if arrival.destination == Destination::LoadBalancerIp
                && !self.source_range_allows(arrival.node, src)
            {
                let ranges: Vec<String> = self
                    .service
                    .load_balancer_source_ranges
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                let reason = format!(
                    "source {src} is outside loadBalancerSourceRanges ({}): it falls off KUBE-FW-{hash} and \
                     KUBE-PROXY-FIREWALL DROPs it (\"{spn} traffic not accepted by KUBE-FW-{hash}\"), so the client hangs",
                    ranges.join(", ")
                );
                return ends_dropped(arrival, reason);
            }
            match self.external_traffic_policy {
                TrafficPolicy::Cluster => (
                    categorized.cluster_endpoints.clone(),
                    true,
                    format!(
                        "KUBE-EXT-{hash} masquerades external traffic under externalTrafficPolicy Cluster \
                         (\"masquerade traffic for {spn} external destinations\"), then KUBE-SVC-{hash} picks from all endpoints"
                    ),
                ),
                TrafficPolicy::Local if is_pod_source == Some(true) => (
                    categorized.cluster_endpoints.clone(),
                    false,
                    format!(
                        "the source is a pod, so KUBE-EXT-{hash} short-circuits to KUBE-SVC-{hash} without masquerade \
                         (\"pod traffic for {spn} external destinations\"): externalTrafficPolicy Local is ignored"
                    ),
                ),
                TrafficPolicy::Local if arrival.is_local_source => (
                    categorized.cluster_endpoints.clone(),
                    true,
                    format!(
                        "the source is the node itself, so KUBE-EXT-{hash} masquerades it and short-circuits to KUBE-SVC-{hash} \
                         (\"masquerade LOCAL traffic for {spn} external destinations\"): externalTrafficPolicy Local is ignored"
                    ),
                ),
                TrafficPolicy::Local if categorized.local_endpoints.is_empty() => {
                    let reason = format!(
                        "externalTrafficPolicy Local and node {} has no local endpoint: the filter chain \
                         KUBE-EXTERNAL-SERVICES DROPs it (\"{spn} has no local endpoints\"), so the client hangs",
                        arrival.node.name
                    );
                    return ends_dropped(arrival, reason);
                }
                TrafficPolicy::Local => (
                    categorized.local_endpoints.clone(),
                    false,
                    format!(
                        "KUBE-EXT-{hash} jumps to KUBE-SVL-{hash} without masquerade: externalTrafficPolicy Local keeps it on \
                         the node that received it, and the pod sees the client's address"
                    ),
                ),
            }
        };
        if list.is_empty() {
            // Not reachable when kube-proxy's invariants hold (a non-empty Cluster list is what
            // `has_any_endpoints` means); answer as the filter table would rather than lose
            // the connection's share.
            debug_assert!(false, "empty endpoint list with has_any_endpoints");
            let reason = format!(
                "no usable endpoint on node {}: \"{spn} has no endpoints\"",
                arrival.node.name
            );
            return self.ends_here(arrival, Outcome::Rejected, reason);
        }
        let uses_terminating = list.iter().all(|endpoint| !endpoint.is_ready);
        let decision =
            Decision { outcome: Outcome::Delivered, reason: reason.clone(), uses_terminating };
        let n_endpoints = list.len() as u128;
        let paths = list
            .iter()
            .map(|endpoint| {
                self.deliver(
                    &arrival,
                    endpoint,
                    is_masqueraded,
                    Share::new(1, n_endpoints),
                    &spn,
                    &reason,
                )
            })
            .collect();
        (paths, decision)
    }

    /// A path that ends at the arrival's node (REJECT or DROP).
    fn ends_here(
        &self,
        arrival: Arrival<'_>,
        outcome: Outcome,
        reason: String,
    ) -> (Vec<Path>, Decision) {
        let decision = Decision { outcome, reason: reason.clone(), uses_terminating: false };
        let path = Path {
            outcome,
            share: arrival.weight,
            via_node: Some(arrival.node.name.clone()),
            target: None,
            snat: None,
            client_ip_seen: None,
            hops: arrival.hops,
            reason,
        };
        (vec![path], decision)
    }

    /// The path to one endpoint: DNAT (and masquerade) at the deciding node, then across
    /// to the endpoint's node if it is another one.
    fn deliver(
        &self,
        arrival: &Arrival<'_>,
        endpoint: &Endpoint,
        is_masqueraded: bool,
        share_on_node: Share,
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
        let pod_place = Place::Pod(endpoint.pod.clone().unwrap_or_else(|| to.to_string()));
        let mut hops = arrival.hops.clone();
        let endpoint_node =
            endpoint.node_name.as_deref().filter(|name| *name != node.name.as_str());
        match endpoint_node.and_then(|name| self.nodes.get(name).copied()) {
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
        let protocol = self.port.protocol.as_str().to_lowercase();
        let mut reason = format!(
            "{node_reason}; it picks {} (\"{spn} -> {to}\", one of {} with equal probability), which DNATs to {to}",
            self.endpoint_chains.get(&to).cloned().unwrap_or_else(|| endpoint_chain(spn, &protocol, to)),
            share_on_node.denominator()
        );
        if is_hairpin {
            reason.push_str(&format!(
                "; the endpoint is the client itself, so its KUBE-SEP chain marks it for hairpin masquerade to {}",
                snat.map(|ip| ip.to_string()).unwrap_or_default()
            ));
        } else if let Some(snat) = snat {
            reason.push_str(&format!("; KUBE-POSTROUTING masquerades the source to {snat}"));
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
