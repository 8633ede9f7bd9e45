//! Resolving a [`Query`] against the cluster: the Service and port, the client, and the
//! entry point the client's first packet goes to.
//!
//! Errors name what exists, so a typo is fixed in one try.

use super::{lookup, warn};
use super::{Client, Entry, EntryKind, PortSelector, Query, QueryError, ResolvedClient};
use crate::model::net::{Ip, Socket};
use crate::model::{Cluster, IpMode, Node, Service, ServicePort, ServiceType};
use std::net::SocketAddr;

/// The label that hands a Service to another proxy; kube-proxy ignores such Services
/// (facts 1.6, k8s `cmd/kube-proxy/app/server.go`).
pub const SERVICE_PROXY_NAME_LABEL: &str = "service.kubernetes.io/service-proxy-name";

/// What kind of source the client is, as kube-proxy's rules tell sources apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    /// A host outside the cluster.
    External,
    /// A pod in the pod network.
    Pod,
    /// A node process or a hostNetwork pod: its packets leave through the node's OUTPUT
    /// chain with a node address as source (address type LOCAL on that node).
    Host,
}

/// The query, resolved.
#[derive(Debug, Clone)]
pub struct Resolved<'a> {
    pub service: &'a Service,
    pub port: &'a ServicePort,
    pub client: ResolvedClient,
    pub client_kind: ClientKind,
    pub entry: Entry,
    /// The ingress's `ipMode` for the load-balancer entry.
    pub ip_mode: Option<IpMode>,
    pub warnings: Vec<String>,
}

/// Nodes sorted by name, the order "the first node" refers to.
fn nodes_by_name(cluster: &Cluster) -> Vec<&Node> {
    let mut nodes: Vec<&Node> = Vec::with_capacity(cluster.nodes.len());
    for node in &cluster.nodes {
        nodes.push(node);
    }
    crate::sort::sort_by(&mut nodes, |a, b| a.name.cmp(&b.name));
    nodes
}

/// The names of the objects in `namespace`, for an error that lists what exists. By `&mut
/// dyn Iterator`, so the page compiles one loop for pods and Services.
fn names_in<'a>(
    namespace: &str,
    objects: &mut dyn Iterator<Item = (&'a String, &'a String)>,
) -> Vec<String> {
    let mut names = Vec::new();
    for (object_namespace, name) in objects {
        if object_namespace == namespace {
            names.push(name.clone());
        }
    }
    names
}

fn node_names(cluster: &Cluster) -> Vec<String> {
    let mut names = Vec::new();
    for node in nodes_by_name(cluster) {
        names.push(node.name.clone());
    }
    names
}

/// The node named by the query, or the first node by name.
fn pick_node<'a>(
    cluster: &'a Cluster,
    wanted: Option<&str>,
    entry: EntryKind,
) -> Result<&'a Node, QueryError> {
    match wanted {
        Some(name) => lookup::node(cluster, name).ok_or_else(|| QueryError::NoNode {
            name: name.to_string(),
            existing: node_names(cluster),
        }),
        None => lookup::first_node(cluster).ok_or_else(|| QueryError::EntryUnavailable {
            entry,
            reason: "the cluster has no nodes to send the packet to".to_string(),
        }),
    }
}

fn port_label(port: &ServicePort) -> String {
    if port.name.is_empty() {
        port.port.to_string()
    } else {
        format!("{} ({})", port.name, port.port)
    }
}

fn pick_port<'a>(
    service: &'a Service,
    wanted: &PortSelector,
) -> Result<&'a ServicePort, QueryError> {
    let found = match wanted {
        PortSelector::First => service.ports.first(),
        PortSelector::Name(name) => service.ports.iter().find(|port| &port.name == name),
        PortSelector::Number(number) => service.ports.iter().find(|port| port.port == *number),
    };
    found.ok_or_else(|| QueryError::NoPort {
        service: service.name.clone(),
        wanted: match wanted {
            PortSelector::First => "(first)".to_string(),
            PortSelector::Name(name) => name.clone(),
            PortSelector::Number(number) => number.to_string(),
        },
        existing: service.ports.iter().map(port_label).collect(),
    })
}

fn resolve_client(
    cluster: &Cluster,
    query: &Query,
    entry: EntryKind,
) -> Result<(ResolvedClient, ClientKind), QueryError> {
    match &query.client {
        Client::External(ip) => Ok((
            ResolvedClient { client: query.client.clone(), ip: *ip, node: None },
            ClientKind::External,
        )),
        Client::Node(name) => {
            let node = lookup::node(cluster, name).ok_or_else(|| QueryError::NoNode {
                name: name.clone(),
                existing: node_names(cluster),
            })?;
            Ok((
                ResolvedClient {
                    client: query.client.clone(),
                    ip: node.internal_ip,
                    node: Some(node.name.clone()),
                },
                ClientKind::Host,
            ))
        }
        Client::Pod { namespace, name } => {
            let pod = lookup::pod(cluster, namespace, name).ok_or_else(|| QueryError::NoPod {
                namespace: namespace.clone(),
                name: name.clone(),
                existing: names_in(
                    namespace,
                    &mut cluster.pods.iter().map(|pod| (&pod.namespace, &pod.name)),
                ),
            })?;
            let node = pod.node_name.as_deref().and_then(|node| lookup::node(cluster, node));
            let (Some(node), Some(pod_ip)) = (node, pod.ip) else {
                return Err(QueryError::EntryUnavailable {
                    entry,
                    reason: format!("pod `{name}` is not running on a known node with an IP, so it opens no connection"),
                });
            };
            // A hostNetwork pod shares its node's network namespace: it behaves as the node.
            let (ip, kind) = if pod.host_network {
                (node.internal_ip, ClientKind::Host)
            } else {
                (pod_ip, ClientKind::Pod)
            };
            Ok((
                ResolvedClient { client: query.client.clone(), ip, node: Some(node.name.clone()) },
                kind,
            ))
        }
    }
}

/// Why kube-proxy writes no rules at all for this Service, if it doesn't (facts 1.6,
/// `ShouldSkipService`).
pub fn skipped_by_kube_proxy(service: &Service) -> Option<String> {
    if service.type_ == ServiceType::ExternalName {
        return Some(format!(
            "`{}` is an ExternalName Service: it is a DNS alias, kube-proxy writes no rules for it",
            service.name
        ));
    }
    if service.cluster_ip.is_none() {
        return Some(format!(
            "`{}` is headless (clusterIP: None): DNS returns the pod IPs, kube-proxy writes no rules for it",
            service.name
        ));
    }
    if let Some(proxy) = service.labels.get(SERVICE_PROXY_NAME_LABEL) {
        return Some(format!(
            "`{}` carries the label {SERVICE_PROXY_NAME_LABEL}={proxy}: kube-proxy ignores it and leaves it to that proxy",
            service.name
        ));
    }
    None
}

/// Resolves service, port, client and entry point.
pub fn resolve<'a>(cluster: &'a Cluster, query: &Query) -> Result<Resolved<'a>, QueryError> {
    let service = lookup::service(cluster, &query.namespace, &query.service).ok_or_else(|| {
        QueryError::NoService {
            namespace: query.namespace.clone(),
            name: query.service.clone(),
            existing: names_in(
                &query.namespace,
                &mut cluster.services.iter().map(|service| (&service.namespace, &service.name)),
            ),
        }
    })?;
    let default_kind = match service.type_ {
        ServiceType::LoadBalancer => EntryKind::LoadBalancer,
        ServiceType::NodePort => EntryKind::NodePort,
        ServiceType::ClusterIp | ServiceType::ExternalName => EntryKind::ClusterIp,
    };
    let mut kind = query.entry.unwrap_or(default_kind);
    if let Some(reason) = skipped_by_kube_proxy(service) {
        return Err(QueryError::EntryUnavailable { entry: kind, reason });
    }
    let port = pick_port(service, &query.port)?;
    let mut warnings = Vec::new();

    let ingress = service
        .load_balancer_ingress
        .iter()
        .find_map(|ingress| ingress.ip.map(|ip| (ip, ingress.ip_mode)));
    if kind == EntryKind::LoadBalancer {
        if service.type_ != ServiceType::LoadBalancer {
            return Err(QueryError::EntryUnavailable {
                entry: kind,
                reason: format!(
                    "`{}` is of type {}, not LoadBalancer",
                    service.name, service.type_
                ),
            });
        }
        if ingress.is_none() {
            if query.entry.is_some() || port.node_port.is_none() {
                return Err(QueryError::EntryUnavailable {
                    entry: kind,
                    reason: format!(
                        "the load balancer of `{}` is <pending>: no load-balancer implementation has assigned an IP",
                        service.name
                    ),
                });
            }
            warn(&mut warnings, format_args!(
                "the load balancer of `{}` is <pending> (no ingress IP), so this shows the node port instead, \
                 as the book says: the service is then only reachable through its node ports",
                service.name
            ));
            kind = EntryKind::NodePort;
        }
    }

    let (client, client_kind) = resolve_client(cluster, query, kind)?;
    if kind == EntryKind::LoadBalancer {
        if let Some(node) = &query.node {
            warn(&mut warnings, format_args!(
                "the node `{node}` was named, but with the load-balancer entry the load balancer picks the node"
            ));
        }
    }
    let (address, node, ip_mode) = match kind {
        EntryKind::LoadBalancer => match ingress {
            Some((ip, ip_mode)) => (SocketAddr::new(ip, port.port), None, Some(ip_mode)),
            None => {
                return Err(QueryError::EntryUnavailable {
                    entry: kind,
                    reason: "the load balancer has no ingress IP".to_string(),
                })
            }
        },
        EntryKind::NodePort => {
            let Some(node_port) = port.node_port else {
                let reason = if service.type_ == ServiceType::LoadBalancer {
                    format!(
                        "`{}` sets allocateLoadBalancerNodePorts: false, so port {} has no nodePort",
                        service.name, port.port
                    )
                } else {
                    format!("`{}` is of type {}: only NodePort and LoadBalancer Services have node ports", service.name, service.type_)
                };
                return Err(QueryError::EntryUnavailable { entry: kind, reason });
            };
            // A pod or a node process with no node named dials its own node's port.
            let node = pick_node(cluster, query.node.as_deref().or(client.node.as_deref()), kind)?;
            (SocketAddr::new(node.internal_ip, node_port), Some(node.name.clone()), None)
        }
        EntryKind::ExternalIp => {
            let Some(ip) = service.external_ips.first() else {
                return Err(QueryError::EntryUnavailable {
                    entry: kind,
                    reason: format!("`{}` has no spec.externalIPs", service.name),
                });
            };
            let node = pick_node(cluster, query.node.as_deref().or(client.node.as_deref()), kind)?;
            (SocketAddr::new(*ip, port.port), Some(node.name.clone()), None)
        }
        EntryKind::ClusterIp => {
            let Some(ip) = service.cluster_ip else {
                return Err(QueryError::EntryUnavailable {
                    entry: kind,
                    reason: format!("`{}` has no cluster IP", service.name),
                });
            };
            // An off-cluster client reaches a cluster IP only if something routes it to a
            // node (facts 3.4 row 6).
            let node = if client_kind == ClientKind::External {
                Some(pick_node(cluster, query.node.as_deref(), kind)?.name.clone())
            } else {
                None
            };
            (SocketAddr::new(ip, port.port), node, None)
        }
    };
    if address.is_ipv4() != client.ip.is_ipv4() {
        warn(&mut warnings, format_args!(
            "the client {} and the entry {} are of different IP families; svcroute shows the route as if they matched",
            Ip(client.ip), Socket(address)
        ));
    }
    Ok(Resolved {
        service,
        port,
        client,
        client_kind,
        entry: Entry { kind, address, node },
        ip_mode,
        warnings,
    })
}
