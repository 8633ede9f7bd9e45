//! From a resolved query to the explanation: which node's kube-proxy decides, with which
//! weight (the load balancer's spread, facts 5.4 and 8), and the summary over all paths.

use super::entry::{ClientKind, Resolved};
use super::load_balancer::pool;
use super::nat::apply;
use super::proxy::{Arrival, Destination, Rules};
use super::{
    EntryKind, Explanation, Hop, Outcome, Packet, Path, Place, PodShare, Policy, PortInfo, Query,
    Rewrite, Share, CLIENT_PORT,
};
use crate::model::{Cluster, IpMode, Node, SessionAffinity, TrafficPolicy};
use std::collections::BTreeMap;
use std::net::SocketAddr;

fn hop(from: Place, to: Place, before: Packet, rewrites: Vec<Rewrite>) -> Hop {
    Hop { from, to, before, after: apply(before, &rewrites), rewrites }
}

/// The policies in force: the query's overrides, else the manifest's.
fn policy(resolved: &Resolved<'_>, query: &Query) -> Policy {
    let service = resolved.service;
    let external = query.external_traffic_policy.unwrap_or(service.external_traffic_policy);
    let internal = query.internal_traffic_policy.unwrap_or(service.internal_traffic_policy);
    Policy {
        external_traffic_policy: external,
        internal_traffic_policy: internal,
        external_overridden: external != service.external_traffic_policy,
        internal_overridden: internal != service.internal_traffic_policy,
    }
}

/// Builds the explanation for a resolved query.
pub fn explain(
    cluster: &Cluster,
    query: &Query,
    resolved: Resolved<'_>,
) -> Result<Explanation, super::QueryError> {
    let service = resolved.service;
    let port = resolved.port;
    let policy = policy(&resolved, query);
    let mut warnings = resolved.warnings.clone();
    if policy.external_overridden {
        warnings.push(format!(
            "externalTrafficPolicy is {} here, overriding the manifest's {}",
            policy.external_traffic_policy, service.external_traffic_policy
        ));
    }
    if policy.internal_overridden {
        warnings.push(format!(
            "internalTrafficPolicy is {} here, overriding the manifest's {}",
            policy.internal_traffic_policy, service.internal_traffic_policy
        ));
    }
    let is_accessible = super::endpoints::is_externally_accessible(service, port);
    if policy.external_traffic_policy == TrafficPolicy::Local && !is_accessible {
        // facts 2.1: "externalTrafficPolicy ignored if not externally accessible".
        warnings.push(format!(
            "externalTrafficPolicy Local has no effect: `{}` has no node port, load-balancer IP or external IP",
            service.name
        ));
    }
    let load_balancer_ip = service
        .load_balancer_ingress
        .iter()
        .find_map(|ingress| ingress.ip.filter(|_| ingress.ip_mode == IpMode::Vip));
    let rules = Rules {
        cluster,
        service,
        port,
        external_traffic_policy: policy.external_traffic_policy,
        internal_traffic_policy: policy.internal_traffic_policy,
        load_balancer_ip,
        nodes: cluster.nodes.iter().map(|node| (node.name.as_str(), node)).collect(),
        endpoint_chains: Rules::endpoint_chains_of(service, port),
    };
    let client = &resolved.client;
    let packet =
        Packet { src: SocketAddr::new(client.ip, CLIENT_PORT), dst: resolved.entry.address };
    let client_node = client.node.as_deref().and_then(|name| cluster.node(name));
    let entry_node = resolved.entry.node.as_deref().and_then(|name| cluster.node(name));
    let is_in_cluster = resolved.client_kind != ClientKind::External;
    let mut arrivals: Vec<Arrival<'_>> = Vec::new();
    let mut lb_paths: Vec<Path> = Vec::new();
    let mut load_balancer_nodes = Vec::new();

    // The client's own node, for in-cluster clients whose packets its rules capture.
    let at_own_node = |destination: Destination| -> Option<Arrival<'_>> {
        let node = client_node?;
        Some(Arrival {
            node,
            weight: Share::ONE,
            hops: vec![hop(Place::Client, Place::Node(node.name.clone()), packet, Vec::new())],
            packet,
            destination,
            is_local_source: resolved.client_kind == ClientKind::Host,
        })
    };

    match resolved.entry.kind {
        EntryKind::ClusterIp => {
            if is_in_cluster {
                arrivals.extend(at_own_node(Destination::ClusterIp));
            } else if let Some(node) = entry_node {
                warnings.push(format!(
                    "an off-cluster client reaches a cluster IP only through a route that sends it to a node; \
                     svcroute routes it to {}",
                    node.name
                ));
                arrivals.push(arrive_from_outside(node, packet, Destination::ClusterIp));
            }
        }
        EntryKind::NodePort | EntryKind::ExternalIp => {
            let destination = if resolved.entry.kind == EntryKind::NodePort {
                Destination::NodePort
            } else {
                Destination::ExternalIp
            };
            let captured_at_own_node = match (resolved.entry.kind, client_node, entry_node) {
                // externalIPs are matched in KUBE-SERVICES on every node (facts 3.4 rows 20, 21, 24).
                (EntryKind::ExternalIp, Some(_), _) => true,
                // A node port is matched only for the node's own addresses (`--dst-type LOCAL`).
                (_, Some(own), Some(target)) => own.name == target.name,
                _ => false,
            };
            if captured_at_own_node {
                if resolved.entry.kind == EntryKind::ExternalIp {
                    warnings.push(format!(
                        "the client's own node {} captures connections to the external IP {}: \
                         the packet never leaves the node",
                        client.node.clone().unwrap_or_default(),
                        resolved.entry.address.ip()
                    ));
                }
                arrivals.extend(at_own_node(destination));
            } else if let Some(node) = entry_node {
                match client_node {
                    Some(own) => {
                        // Facts 3.4 row 26: the packet leaves the client's node untouched and
                        // the receiving node decides, seeing the pod IP (or the node IP).
                        if resolved.client_kind == ClientKind::Pod {
                            warnings.push(format!(
                                "the pod's packet to {}'s node port is decided by {} with the pod IP as source; \
                                 svcroute assumes the CNI does not masquerade pod-to-node traffic",
                                node.name, node.name
                            ));
                        }
                        let hops = vec![
                            hop(Place::Client, Place::Node(own.name.clone()), packet, Vec::new()),
                            hop(
                                Place::Node(own.name.clone()),
                                Place::Node(node.name.clone()),
                                packet,
                                Vec::new(),
                            ),
                        ];
                        arrivals.push(Arrival {
                            node,
                            weight: Share::ONE,
                            hops,
                            packet,
                            destination,
                            is_local_source: false,
                        });
                    }
                    None => arrivals.push(arrive_from_outside(node, packet, destination)),
                }
            }
        }
        EntryKind::LoadBalancer => {
            let ip_mode = resolved.ip_mode.unwrap_or(IpMode::Vip);
            if is_in_cluster && ip_mode == IpMode::Vip {
                // Facts 3.4 rows 20–25: the client's own node captures the LB IP.
                warnings.push(format!(
                    "the client's own node {} captures connections to the load balancer IP {}: \
                     the packet never leaves the node for the load balancer",
                    client.node.clone().unwrap_or_default(),
                    resolved.entry.address.ip()
                ));
                arrivals.extend(at_own_node(Destination::LoadBalancerIp));
            } else {
                let lb_pool = pool(cluster, service, policy.external_traffic_policy);
                for (name, why) in &lb_pool.excluded {
                    warnings.push(format!("node {name} is not in the load balancer's pool: {why}"));
                }
                let health_port = service
                    .health_check_node_port
                    .map(|port| format!("healthCheckNodePort {port}"))
                    .unwrap_or_else(|| "healthCheckNodePort".to_string());
                for name in &lb_pool.failing {
                    warnings.push(format!(
                        "node {name} fails the load balancer's health check on {health_port} \
                         (503: no ready local endpoint), so the load balancer sends it no new connections"
                    ));
                }
                if cluster.uses_default_nodes {
                    warnings.push(
                        "on kind the book installs MetalLB: in its L2 mode one speaker node answers for the \
                         load balancer IP, so all connections enter through that node instead of being spread \
                         as shown here"
                            .to_string(),
                    );
                }
                if service.load_balancer_class.is_some() {
                    warnings.push(
                        "loadBalancerClass is set, so the cloud service controller leaves this load balancer to \
                         another controller; svcroute assumes it picks nodes the same way"
                            .to_string(),
                    );
                }
                let first_hop = hop(Place::Client, Place::LoadBalancer, packet, Vec::new());
                let cloud_blocks = ip_mode == IpMode::Proxy
                    && !service.load_balancer_source_ranges.is_empty()
                    && !service
                        .load_balancer_source_ranges
                        .iter()
                        .any(|range| range.contains(client.ip));
                let no_node_port = ip_mode == IpMode::Proxy && port.node_port.is_none();
                if no_node_port {
                    return Err(super::QueryError::EntryUnavailable {
                        entry: EntryKind::LoadBalancer,
                        reason: "the ingress has ipMode Proxy, which proxies to node ports, but \
                                 allocateLoadBalancerNodePorts is false"
                            .to_string(),
                    });
                }
                if cloud_blocks {
                    lb_paths.push(lb_dead_end(
                        first_hop,
                        format!(
                            "source {} is outside loadBalancerSourceRanges: the load balancer (not kube-proxy, \
                             which writes no rules for an ipMode Proxy IP) drops it",
                            client.ip
                        ),
                    ));
                } else if lb_pool.healthy.is_empty() {
                    let reason = if lb_pool.members.is_empty() {
                        "there are no available nodes for the load balancer (every node is excluded), \
                         so it has no backend and the connection hangs"
                            .to_string()
                    } else {
                        format!(
                            "every node fails the health check on {health_port} (no node has a ready local \
                             endpoint), so the load balancer has no healthy backend and the connection hangs"
                        )
                    };
                    warnings.push(reason.clone());
                    lb_paths.push(lb_dead_end(first_hop, reason));
                } else {
                    let weight = Share::new(1, lb_pool.healthy.len() as u128);
                    load_balancer_nodes = lb_pool.healthy.clone();
                    for node in lb_pool
                        .healthy
                        .iter()
                        .filter_map(|name| rules.nodes.get(name.as_str()).copied())
                    {
                        arrivals.push(via_load_balancer(
                            node,
                            weight,
                            packet,
                            ip_mode,
                            port.node_port,
                            first_hop.clone(),
                        ));
                    }
                }
            }
        }
    }

    let mut paths = lb_paths;
    let mut failing_reasons = Vec::new();
    let mut delivering_reasons = Vec::new();
    let mut uses_terminating = false;
    for arrival in arrivals {
        let node_name = arrival.node.name.clone();
        let (mut node_paths, decision) = rules.decide(arrival);
        // Arrivals come in node-name order; only each node's own paths need sorting.
        node_paths.sort_by(|a, b| path_order(a).cmp(&path_order(b)));
        uses_terminating |= decision.uses_terminating;
        let reasons = if decision.outcome == Outcome::Delivered {
            &mut delivering_reasons
        } else {
            &mut failing_reasons
        };
        if !reasons.contains(&decision.reason) {
            reasons.push(decision.reason.clone());
        }
        if policy.internal_traffic_policy == TrafficPolicy::Local
            && resolved.entry.kind == EntryKind::ClusterIp
            && decision.outcome == Outcome::Dropped
        {
            warnings.push(format!(
                "internalTrafficPolicy Local and no local endpoint on node {node_name}"
            ));
        }
        paths.extend(node_paths);
    }
    for path in &paths {
        if path.via_node.is_none()
            && path.outcome != Outcome::Delivered
            && !failing_reasons.contains(&path.reason)
        {
            failing_reasons.push(path.reason.clone());
        }
    }
    if uses_terminating {
        warnings.push(
            "no ready endpoint is available, so kube-proxy falls back to endpoints that are serving but terminating"
                .to_string(),
        );
    }
    let session_affinity_timeout = match service.session_affinity {
        SessionAffinity::ClientIp { timeout_seconds } => {
            warnings.push(format!(
                "sessionAffinity ClientIP: after its first connection one client IP sticks to the same endpoint \
                 (per node) for {timeout_seconds} s; the shares hold over many clients, not for one"
            ));
            Some(timeout_seconds)
        }
        SessionAffinity::None => None,
    };
    let cidrs = &cluster.cluster_cidrs;
    if resolved.client_kind == ClientKind::Pod
        && !cidrs.is_empty()
        && !cidrs.iter().any(|cidr| cidr.contains(resolved.client.ip))
    {
        let cidr_list: Vec<String> = cidrs.iter().map(ToString::to_string).collect();
        warnings.push(format!(
            "the pod's IP {} is outside the cluster CIDR ({}), so kube-proxy's local-traffic detector \
             treats it as an outside source",
            resolved.client.ip,
            cidr_list.join(", ")
        ));
    }
    if cluster.cluster_cidrs.is_empty() {
        warnings.push(
            "no cluster CIDR is configured, so kube-proxy's local-traffic detector is a no-op: \
             pod sources are not told apart"
                .to_string(),
        );
    }

    debug_assert!(paths.windows(2).all(|pair| path_order(&pair[0]) <= path_order(&pair[1])));
    let outcome = if paths.iter().all(|path| path.outcome == Outcome::Delivered) {
        Outcome::Delivered
    } else if paths.iter().any(|path| path.outcome == Outcome::Dropped) {
        Outcome::Dropped
    } else {
        Outcome::Rejected
    };
    let reason =
        if outcome == Outcome::Delivered { delivering_reasons } else { failing_reasons }.join("; ");
    let mut by_pod: BTreeMap<String, (Option<String>, Share)> = BTreeMap::new();
    for path in paths.iter().filter(|path| path.outcome == Outcome::Delivered) {
        if let Some(target) = &path.target {
            let name = target
                .pod
                .clone()
                .unwrap_or_else(|| SocketAddr::new(target.ip, target.port).to_string());
            let entry = by_pod.entry(name).or_insert((target.node.clone(), Share::ZERO));
            entry.1 = entry.1.add(path.share);
        }
    }
    let pods = by_pod
        .into_iter()
        .filter(|(_, (_, share))| !share.is_zero())
        .map(|(pod, (node, share))| PodShare { pod, node, share })
        .collect();
    debug_assert!(
        paths.is_empty() || paths.iter().map(|path| path.share).sum::<Share>() == Share::ONE
    );

    Ok(Explanation {
        namespace: service.namespace.clone(),
        service: service.name.clone(),
        port: PortInfo {
            name: port.name.clone(),
            protocol: port.protocol,
            port: port.port,
            target_port: port.target_port.clone(),
            node_port: port.node_port,
        },
        entry: resolved.entry.clone(),
        client: resolved.client.clone(),
        policy,
        outcome,
        reason,
        paths,
        pods,
        load_balancer_nodes,
        session_affinity_timeout,
        warnings,
    })
}

/// A path's target as it sorts: pod name, then IP and port.
type TargetKey<'a> = (Option<&'a str>, std::net::IpAddr, u16);

/// Paths sort by (via node, pod, endpoint); paths that end at the load balancer first.
fn path_order(path: &Path) -> (Option<&str>, Option<TargetKey<'_>>) {
    let target = path.target.as_ref().map(|target| (target.pod.as_deref(), target.ip, target.port));
    (path.via_node.as_deref(), target)
}

/// An off-cluster client's packet, routed straight to `node`.
fn arrive_from_outside<'a>(
    node: &'a Node,
    packet: Packet,
    destination: Destination,
) -> Arrival<'a> {
    Arrival {
        node,
        weight: Share::ONE,
        hops: vec![hop(Place::Client, Place::Node(node.name.clone()), packet, Vec::new())],
        packet,
        destination,
        is_local_source: false,
    }
}

/// A packet the load balancer hands to `node`.
///
/// ipMode VIP: the packet reaches the node unchanged, dst = LB IP:port, and kube-proxy's
/// "loadbalancer IP" rule catches it. ipMode Proxy: the LB opens its own connection to
/// nodeIP:nodePort from its own address (facts 3.4 rows 17 and 27); kube-proxy sees a
/// node-port packet whose source is the LB. The proxy's source port is shown unchanged.
fn via_load_balancer<'a>(
    node: &'a Node,
    weight: Share,
    packet: Packet,
    ip_mode: IpMode,
    node_port: Option<u16>,
    first_hop: Hop,
) -> Arrival<'a> {
    let (rewrites, destination) = match (ip_mode, node_port) {
        (IpMode::Proxy, Some(node_port)) => (
            vec![
                Rewrite::Dnat { to: SocketAddr::new(node.internal_ip, node_port) },
                Rewrite::Snat { to: packet.dst.ip() },
            ],
            Destination::NodePort,
        ),
        _ => (Vec::new(), Destination::LoadBalancerIp),
    };
    let second = hop(Place::LoadBalancer, Place::Node(node.name.clone()), packet, rewrites);
    let arrived = second.after;
    Arrival {
        node,
        weight,
        hops: vec![first_hop, second],
        packet: arrived,
        destination,
        is_local_source: false,
    }
}

/// A connection that ends at the load balancer.
///
/// Used when the load balancer has no backend: no node in its pool, or (eTP Local) every
/// node failing its health check. The facts say a node answering 503 leaves the pool after
/// the unhealthy threshold (8.3) and name no fail-open behaviour, so svcroute's choice is
/// that the connection goes nowhere and hangs (Dropped), even when some node could have
/// served it from a terminating endpoint. Some clouds fail open instead; that is not modelled.
fn lb_dead_end(first_hop: Hop, reason: String) -> Path {
    Path {
        outcome: Outcome::Dropped,
        share: Share::ONE,
        via_node: None,
        target: None,
        snat: None,
        client_ip_seen: None,
        hops: vec![first_hop],
        reason,
    }
}
