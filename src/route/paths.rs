//! From a resolved query to the explanation: which node's kube-proxy decides, with which
//! weight (the load balancer's spread, facts 5.4 and 8), and the summary over all paths.
//!
//! Two passes, so that a load balancer over 5,000 nodes stays cheap: the first decides every
//! node without a string, computing `CategorizeEndpoints` once per group of nodes it cannot
//! tell apart, and sums each pod's exact share group by group; the second builds hops and
//! reasons only for the paths listed, those of the first nodes by name up to `MAX_PATHS`.

use super::endpoints::Categorized;
use super::entry::{ClientKind, Resolved};
use super::load_balancer::pool;
use super::lookup;
use super::nat::apply;
use super::proxy::{Arrival, Destination, Rule, Rules, TopologyKey};
use super::warn;
use super::{
    EntryKind, Explanation, Hop, Outcome, Packet, Path, Place, PodShare, Policy, PortInfo, Query,
    Rewrite, Share, CLIENT_PORT, MAX_PATHS,
};
use crate::model::net::{Ip, Socket};
use crate::model::{Cluster, Endpoint, IpMode, Node, SessionAffinity, TrafficPolicy};
use crate::sort::{sort_by, sorted_entry};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};

/// Per-node warnings (left out of the pool, failing the health check) named one by one up
/// to this many; the rest are counted in one line, so 5,000 nodes make 21 warnings, not 5,000.
const MAX_NODE_WARNINGS: usize = 20;

/// A sum of many equal weights without a fraction addition per node: the load balancer
/// gives each of its nodes the same 1/H.
#[derive(Debug, Clone, Copy)]
struct WeightSum {
    unit: Share,
    count: u128,
    rest: Share,
}

impl WeightSum {
    const ZERO: WeightSum = WeightSum { unit: Share::ZERO, count: 0, rest: Share::ZERO };

    fn add(&mut self, weight: Share) {
        if self.count == 0 {
            self.unit = weight;
            self.count = 1;
        } else if weight == self.unit {
            self.count += 1;
        } else {
            self.rest = self.rest.add(weight);
        }
    }

    fn total(self) -> Share {
        self.unit.mul(Share::new(self.count, 1)).add(self.rest)
    }
}

/// What makes two arrivals decide alike: the node's topology key (what
/// `CategorizeEndpoints` reads of it), whether `KUBE-FW-…` lets the source through on it,
/// and the packet as the rules see it.
type GroupKey<'a> = (TopologyKey<'a>, bool, IpAddr, Destination, bool);

/// Arrivals that decide alike, and the weight they carry together.
struct Group {
    /// The first arrival of the group, which stands for all of them.
    first: usize,
    /// Its endpoint lists: an index into the lists computed once per topology key.
    list: usize,
    weight: WeightSum,
}

/// The order of a node's paths: by pod name, then IP and port.
fn by_pod_then_address(a: &&Endpoint, b: &&Endpoint) -> Ordering {
    (&a.pod, a.ip, a.port).cmp(&(&b.pod, b.ip, b.port))
}

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
        warn(
            &mut warnings,
            format_args!(
                "externalTrafficPolicy is {} here, overriding the manifest's {}",
                policy.external_traffic_policy, service.external_traffic_policy
            ),
        );
    }
    if policy.internal_overridden {
        warn(
            &mut warnings,
            format_args!(
                "internalTrafficPolicy is {} here, overriding the manifest's {}",
                policy.internal_traffic_policy, service.internal_traffic_policy
            ),
        );
    }
    let is_accessible = super::endpoints::is_externally_accessible(service, port);
    if policy.external_traffic_policy == TrafficPolicy::Local && !is_accessible {
        // facts 2.1: "externalTrafficPolicy ignored if not externally accessible".
        warn(&mut warnings, format_args!(
            "externalTrafficPolicy Local has no effect: `{}` has no node port, load-balancer IP or external IP",
            service.name
        ));
    }
    let load_balancer_ip = service
        .load_balancer_ingress
        .iter()
        .find_map(|ingress| ingress.ip.filter(|_| ingress.ip_mode == IpMode::Vip));
    let rules = Rules::new(
        cluster,
        service,
        port,
        policy.external_traffic_policy,
        policy.internal_traffic_policy,
        load_balancer_ip,
    );
    let client = &resolved.client;
    let packet =
        Packet { src: SocketAddr::new(client.ip, CLIENT_PORT), dst: resolved.entry.address };
    let client_node = client.node.as_deref().and_then(|name| lookup::node(cluster, name));
    let entry_node = resolved.entry.node.as_deref().and_then(|name| lookup::node(cluster, name));
    let is_in_cluster = resolved.client_kind != ClientKind::External;
    let mut arrivals: Vec<Arrival<'_>> = Vec::new();
    let mut lb_paths: Vec<Path> = Vec::new();
    let mut load_balancer_nodes = Vec::new();
    // The load balancer's arrivals get their hops only when their paths are listed.
    let mut lb_hops: Option<(Hop, IpMode)> = None;

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
                warn(&mut warnings, format_args!(
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
                    warn(
                        &mut warnings,
                        format_args!(
                            "the client's own node {} captures connections to the external IP {}: \
                         the packet never leaves the node",
                            client.node.clone().unwrap_or_default(),
                            Ip(resolved.entry.address.ip())
                        ),
                    );
                }
                arrivals.extend(at_own_node(destination));
            } else if let Some(node) = entry_node {
                match client_node {
                    Some(own) => {
                        // Facts 3.4 row 26: the packet leaves the client's node untouched and
                        // the receiving node decides, seeing the pod IP (or the node IP).
                        if resolved.client_kind == ClientKind::Pod {
                            warn(&mut warnings, format_args!(
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
                warn(
                    &mut warnings,
                    format_args!(
                    "the client's own node {} captures connections to the load balancer IP {}: \
                     the packet never leaves the node for the load balancer",
                    client.node.clone().unwrap_or_default(),
                    Ip(resolved.entry.address.ip())
                ),
                );
                arrivals.extend(at_own_node(Destination::LoadBalancerIp));
            } else {
                let lb_pool = pool(cluster, service, policy.external_traffic_policy);
                for (node, why) in lb_pool.excluded.iter().take(MAX_NODE_WARNINGS) {
                    warn(
                        &mut warnings,
                        format_args!(
                            "node {} is not in the load balancer's pool: {why}",
                            node.name
                        ),
                    );
                }
                if let Some(more) = lb_pool.excluded.len().checked_sub(MAX_NODE_WARNINGS + 1) {
                    warn(
                        &mut warnings,
                        format_args!(
                            "{} more nodes are not in the load balancer's pool either",
                            more + 1
                        ),
                    );
                }
                let health_port = service
                    .health_check_node_port
                    .map(|port| format!("healthCheckNodePort {port}"))
                    .unwrap_or_else(|| "healthCheckNodePort".to_string());
                for node in lb_pool.failing.iter().take(MAX_NODE_WARNINGS) {
                    warn(&mut warnings, format_args!(
                        "node {} fails the load balancer's health check on {health_port} \
                         (503: no ready local endpoint), so the load balancer sends it no new connections",
                        node.name
                    ));
                }
                if let Some(more) = lb_pool.failing.len().checked_sub(MAX_NODE_WARNINGS + 1) {
                    warn(&mut warnings, format_args!(
                        "{} more nodes fail the load balancer's health check on {health_port} likewise",
                        more + 1
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
                            Ip(client.ip)
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
                    arrivals.reserve(lb_pool.healthy.len());
                    for node in &lb_pool.healthy {
                        load_balancer_nodes.push(node.name.clone());
                        arrivals.push(via_load_balancer(
                            node,
                            weight,
                            packet,
                            ip_mode,
                            port.node_port,
                        ));
                    }
                    lb_hops = Some((first_hop, ip_mode));
                }
            }
        }
    }

    // Pass 1, over every arrival: each node's verdict, from lists computed once per group
    // of nodes that `CategorizeEndpoints` cannot tell apart (facts 2), so a load balancer
    // over 5,000 nodes costs O(nodes + groups × endpoints), not O(nodes × endpoints).
    // The keys are few and met mostly in order (arrivals come by node name), so the maps
    // are sorted Vecs (`sorted_entry`) rather than one more tree type each in the page.
    let mut lists: Vec<Categorized<'_>> = Vec::new();
    let mut list_index: Vec<(TopologyKey<'_>, usize)> = Vec::new();
    let mut group_index: Vec<(GroupKey<'_>, usize)> = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut last_group: Option<(GroupKey<'_>, usize)> = None;
    let mut n_paths_at: Vec<usize> = Vec::with_capacity(arrivals.len());
    let mut group_at: Vec<usize> = Vec::with_capacity(arrivals.len());
    let mut delivering_rules: Vec<Rule<'_>> = Vec::new();
    let mut failing_rules: Vec<Rule<'_>> = Vec::new();
    // Sorted, for a binary search per arrival.
    let mut seen_rules: Vec<Rule<'_>> = Vec::new();
    let mut uses_terminating = false;
    let mut has_dropping_node = false;
    for (idx, arrival) in arrivals.iter().enumerate() {
        let node = arrival.node;
        let topology = rules.topology_key(node);
        let allows = rules.source_range_allows(node, arrival.packet.src.ip());
        let key = (
            topology,
            allows,
            arrival.packet.src.ip(),
            arrival.destination,
            arrival.is_local_source,
        );
        let group = match last_group {
            Some((last, group)) if last == key => group,
            _ => *sorted_entry(&mut group_index, key, || {
                let list = *sorted_entry(&mut list_index, topology, || {
                    lists.push(rules.categorize(node));
                    lists.len() - 1
                });
                groups.push(Group { first: idx, list, weight: WeightSum::ZERO });
                groups.len() - 1
            }),
        };
        last_group = Some((key, group));
        let Some(slot) = groups.get_mut(group) else {
            debug_assert!(false, "every group index is a group's");
            continue;
        };
        let Some(categorized) = lists.get(slot.list) else {
            debug_assert!(false, "every group has its lists");
            continue;
        };
        slot.weight.add(arrival.weight);
        group_at.push(group);
        let verdict = rules.verdict(node, categorized, arrival);
        n_paths_at.push(verdict.n_paths());
        has_dropping_node |= verdict.outcome == Outcome::Dropped;
        let rule = verdict.rule.on_node(&node.name);
        if verdict.outcome == Outcome::Delivered {
            uses_terminating |= verdict.list.iter().all(|endpoint| !endpoint.is_ready);
        } else if policy.internal_traffic_policy == TrafficPolicy::Local
            && resolved.entry.kind == EntryKind::ClusterIp
            && verdict.outcome == Outcome::Dropped
        {
            warn(
                &mut warnings,
                format_args!(
                    "internalTrafficPolicy Local and no local endpoint on node {}",
                    node.name
                ),
            );
        }
        if let Err(slot) = seen_rules.binary_search(&rule) {
            seen_rules.insert(slot, rule);
            match verdict.outcome {
                Outcome::Delivered => delivering_rules.push(rule),
                _ => failing_rules.push(rule),
            }
        }
    }
    let has_failing_node = !failing_rules.is_empty();

    // Each pod's share over every arrival: Σ_N w_N · [p ∈ L_N] / |L_N| (facts 5.4), one
    // group at a time, in the order of the groups' first nodes so that a pod's node is the
    // one its first path names.
    // Each pod's (node, share) in `pod_shares`, indexed by pod name.
    let mut by_pod: BTreeMap<String, usize> = BTreeMap::new();
    let mut pod_shares: Vec<(Option<String>, Share)> = Vec::new();
    for group in &groups {
        let Some(arrival) = arrivals.get(group.first) else { continue };
        let Some(categorized) = lists.get(group.list) else { continue };
        let verdict = rules.verdict(arrival.node, categorized, arrival);
        if verdict.outcome != Outcome::Delivered {
            continue;
        }
        let share = group.weight.total().mul(Share::new(1, verdict.list.len() as u128));
        let mut list = verdict.list.to_vec();
        sort_by(&mut list, by_pod_then_address);
        for endpoint in list {
            let name = endpoint
                .pod
                .clone()
                .unwrap_or_else(|| Socket(SocketAddr::new(endpoint.ip, endpoint.port)).to_string());
            let slot = match by_pod.get(name.as_str()) {
                Some(&slot) => slot,
                None => {
                    by_pod.insert(name, pod_shares.len());
                    pod_shares.push((endpoint.node_name.clone(), Share::ZERO));
                    pod_shares.len() - 1
                }
            };
            if let Some(entry) = pod_shares.get_mut(slot) {
                entry.1 = entry.1.add(share);
            }
        }
    }

    // Pass 2: the paths of the first nodes by name, up to MAX_PATHS, with hops and reasons.
    // Each group's list is sorted into path order once, each rule worded once.
    let mut paths = lb_paths;
    paths.reserve(n_paths_at.iter().sum::<usize>().min(MAX_PATHS));
    let mut omitted_paths = 0;
    let mut omitted_share = WeightSum::ZERO;
    let mut omitted_nodes = 0;
    let mut cut_node: Option<(String, usize)> = None;
    let mut is_listing = true;
    // Each group's list in path order, sorted when first listed.
    let mut in_path_order: Vec<Option<Vec<&Endpoint>>> = Vec::new();
    in_path_order.resize_with(groups.len(), || None);
    let mut rule_texts: Vec<(Rule<'_>, String)> = Vec::new();
    for ((arrival, n_paths), group) in arrivals.into_iter().zip(n_paths_at).zip(group_at) {
        let room = MAX_PATHS.saturating_sub(paths.len());
        let fits = n_paths <= room || (paths.is_empty() && room > 0);
        if !is_listing || !fits {
            is_listing = false;
            omitted_paths += n_paths;
            omitted_nodes += 1;
            omitted_share.add(arrival.weight);
            continue;
        }
        let categorized = groups.get(group).and_then(|group| lists.get(group.list));
        let (Some(categorized), Some(sorted)) = (categorized, in_path_order.get_mut(group)) else {
            debug_assert!(false, "pass 1 categorized every arrival's node");
            continue;
        };
        let verdict = rules.verdict(arrival.node, categorized, &arrival);
        let sorted = sorted.get_or_insert_with(|| {
            let mut list = verdict.list.to_vec();
            sort_by(&mut list, by_pod_then_address);
            list
        });
        let reason = sorted_entry(&mut rule_texts, verdict.rule, || rules.rule_text(verdict.rule));
        let arrival = match &lb_hops {
            Some((first_hop, ip_mode)) => with_load_balancer_hops(arrival, first_hop, *ip_mode),
            None => arrival,
        };
        let weight = arrival.weight;
        let node_name = arrival.node.name.as_str();
        let node_paths = rules.paths(arrival, &verdict, sorted, reason, room);
        if n_paths > node_paths.len() {
            // Only the first node can be cut: its first paths by pod are listed.
            let left_out = n_paths - node_paths.len();
            omitted_paths += left_out;
            omitted_share.add(weight.mul(Share::new(left_out as u128, n_paths as u128)));
            cut_node = Some((node_name.to_string(), node_paths.len()));
            is_listing = false;
        }
        paths.extend(node_paths);
    }
    let omitted_share = omitted_share.total();
    if omitted_paths > 0 {
        let last_listed = paths.iter().rev().find_map(|path| path.via_node.as_deref());
        let mut which = Vec::new();
        if let Some((node, listed)) = &cut_node {
            which.push(format!("node {node}'s paths after its first {listed} by pod name"));
        }
        if omitted_nodes > 0 {
            which.push(format!(
                "the paths through the {omitted_nodes} nodes after {}",
                last_listed.unwrap_or("the first")
            ));
        }
        warn(
            &mut warnings,
            format_args!(
                "{omitted_paths} of the {} paths are not listed ({}: {} of new connections); \
             the pods' shares and the outcome still count every path",
                omitted_paths + paths.len(),
                which.join(", and "),
                omitted_share.percent()
            ),
        );
    }
    let text_of = |rule: &Rule<'_>| match rule_texts.binary_search_by(|(other, _)| other.cmp(rule))
    {
        Ok(slot) => rule_texts.get(slot).map(|(_, text)| text.clone()).unwrap_or_default(),
        Err(_) => rules.rule_text(*rule),
    };
    let mut delivering_reasons: Vec<String> = Vec::new();
    for rule in &delivering_rules {
        delivering_reasons.push(text_of(rule));
    }
    let mut failing_reasons: Vec<String> = Vec::new();
    for rule in &failing_rules {
        failing_reasons.push(text_of(rule));
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
            warn(&mut warnings, format_args!(
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
        let mut cidr_list: Vec<String> = Vec::new();
        for cidr in cidrs {
            cidr_list.push(cidr.to_string());
        }
        warn(&mut warnings, format_args!(
            "the pod's IP {} is outside the cluster CIDR ({}), so kube-proxy's local-traffic detector \
             treats it as an outside source",
            Ip(resolved.client.ip),
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
    let ends_at_load_balancer = paths.iter().any(|path| path.via_node.is_none());
    let outcome = if !has_failing_node && !ends_at_load_balancer {
        Outcome::Delivered
    } else if has_dropping_node || ends_at_load_balancer {
        // A dead end at the load balancer is a hang (`lb_dead_end`).
        Outcome::Dropped
    } else {
        Outcome::Rejected
    };
    let reason =
        if outcome == Outcome::Delivered { delivering_reasons } else { failing_reasons }.join("; ");
    let mut pods = Vec::new();
    for (pod, &slot) in &by_pod {
        let Some((node, share)) = pod_shares.get_mut(slot) else { continue };
        if !share.is_zero() {
            pods.push(PodShare { pod: pod.clone(), node: node.take(), share: *share });
        }
    }
    debug_assert!(
        paths.is_empty()
            || paths.iter().map(|path| path.share).sum::<Share>().add(omitted_share) == Share::ONE
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
        omitted_paths,
        omitted_share,
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

/// A packet the load balancer hands to `node`, without its hops (see
/// [`with_load_balancer_hops`]): thousands of nodes are decided, only the listed get hops.
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
) -> Arrival<'a> {
    let (arrived, destination) = match (ip_mode, node_port) {
        (IpMode::Proxy, Some(node_port)) => {
            (apply(packet, &load_balancer_rewrites(node, packet, node_port)), Destination::NodePort)
        }
        _ => (packet, Destination::LoadBalancerIp),
    };
    Arrival { node, weight, hops: Vec::new(), packet: arrived, destination, is_local_source: false }
}

/// The proxying load balancer's rewrites: DNAT to the node port, SNAT to its own address.
fn load_balancer_rewrites(node: &Node, packet: Packet, node_port: u16) -> Vec<Rewrite> {
    vec![
        Rewrite::Dnat { to: SocketAddr::new(node.internal_ip, node_port) },
        Rewrite::Snat { to: packet.dst.ip() },
    ]
}

/// Adds the hops client → load balancer → node to an arrival of [`via_load_balancer`].
fn with_load_balancer_hops<'a>(
    mut arrival: Arrival<'a>,
    first_hop: &Hop,
    ip_mode: IpMode,
) -> Arrival<'a> {
    let node = arrival.node;
    let packet = first_hop.before;
    let rewrites = match (ip_mode, arrival.destination) {
        (IpMode::Proxy, Destination::NodePort) => {
            load_balancer_rewrites(node, packet, arrival.packet.dst.port())
        }
        _ => Vec::new(),
    };
    let second = hop(Place::LoadBalancer, Place::Node(node.name.clone()), packet, rewrites);
    debug_assert_eq!(second.after, arrival.packet);
    arrival.hops = vec![first_hop.clone(), second];
    arrival
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
