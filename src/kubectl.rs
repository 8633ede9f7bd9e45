//! `kubectl get svc|nodes|pods|endpointslices` tables, cell for cell as a live cluster
//! prints them (facts section 9), and the answer the book's kiada app gives to curl.
//!
//! The cells follow kubectl's `pkg/printers/internalversion/printers.go`; the layout follows
//! `cli-runtime/pkg/printers/tabwriter.go`. Time is an argument (`now`, seconds since the
//! Unix epoch): the library never reads the clock.

use crate::model::net::Ip;
use crate::model::{Cluster, EndpointSlice, Node, Service, ServiceType};
use crate::route::Path;
use std::fmt::Write as _;

mod age;
mod pod;
#[cfg(test)]
mod tests;

pub use age::{age, human_duration, parse_timestamp};
use pod::pod_row;
pub use pod::{pod_cells, PodCells};

/// The resource kinds `get` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Services,
    Nodes,
    Pods,
    EndpointSlices,
}

impl Resource {
    /// Accepts kubectl's names for the kind: singular, plural and short (`svc`, `no`, `po`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "svc" | "service" | "services" => Some(Resource::Services),
            "no" | "node" | "nodes" => Some(Resource::Nodes),
            "po" | "pod" | "pods" => Some(Resource::Pods),
            "endpointslice" | "endpointslices" => Some(Resource::EndpointSlices),
            _ => None,
        }
    }

    /// Whether the kind lives in a namespace (nodes do not).
    pub fn is_namespaced(self) -> bool {
        !matches!(self, Resource::Nodes)
    }
}

/// What the user asked `get` for, besides the kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetOptions {
    /// `-o wide`: adds the Priority-1 columns.
    pub wide: bool,
    /// The namespace (`-n`); ignored for nodes.
    pub namespace: String,
    /// The current time in seconds since the Unix epoch, for AGE.
    pub now: i64,
}

impl GetOptions {
    /// `default` namespace, not wide, at time `now`.
    pub fn new(now: i64) -> Self {
        Self { wide: false, namespace: "default".to_string(), now }
    }
}

/// The output of `get`: a table for stdout, or kubectl's "No resources found" line, which
/// kubectl writes to stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    Table(String),
    Empty(String),
}

/// Prints `kubectl get <resource>` for the cluster.
///
/// ```
/// use svcroute::kubectl::{get, GetOptions, Listing, Resource};
/// let cluster = svcroute::model::Cluster::default();
/// let listing = get(&cluster, Resource::Services, &GetOptions::new(0));
/// assert_eq!(listing, Listing::Empty("No resources found in default namespace.".into()));
/// ```
pub fn get(cluster: &Cluster, resource: Resource, options: &GetOptions) -> Listing {
    let in_namespace = |namespace: &str| namespace == options.namespace;
    let mut rows: Vec<Vec<String>> = Vec::new();
    match resource {
        Resource::Services => {
            for service in &cluster.services {
                if in_namespace(&service.namespace) {
                    rows.push(service_row(service, options));
                }
            }
        }
        Resource::Nodes => {
            for node in &cluster.nodes {
                rows.push(node_row(node, options));
            }
        }
        Resource::Pods => {
            for pod in &cluster.pods {
                if in_namespace(&pod.namespace) {
                    rows.push(pod_row(pod, options));
                }
            }
        }
        Resource::EndpointSlices => {
            for slice in &cluster.endpoint_slices {
                if in_namespace(&slice.namespace) {
                    rows.push(endpoint_slice_row(slice, options.now));
                }
            }
        }
    }
    if rows.is_empty() {
        // kubectl `get.go`: cluster-scoped kinds say no namespace.
        return Listing::Empty(if resource.is_namespaced() {
            format!("No resources found in {} namespace.", options.namespace)
        } else {
            "No resources found".to_string()
        });
    }
    let mut table = vec![headers(resource, options.wide)];
    table.extend(rows);
    Listing::Table(tabwrite(&table))
}

fn headers(resource: Resource, wide: bool) -> Vec<String> {
    let (base, extra): (&[&str], &[&str]) = match resource {
        Resource::Services => {
            (&["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], &["SELECTOR"])
        }
        Resource::Nodes => (
            &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            &["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"],
        ),
        Resource::Pods => (
            &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        ),
        // printEndpointSlice has no Priority-1 column.
        Resource::EndpointSlices => (&["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], &[]),
    };
    let extra = if wide { extra } else { &[] };
    let mut headers = Vec::new();
    for header in base.iter().chain(extra) {
        headers.push(header.to_string());
    }
    headers
}

/// Lays out cells as kubectl's tabwriter does: minwidth 6, padding 3, pad with spaces; every
/// column but the last is as wide as its longest cell plus 3, at least 6; the last is not
/// padded (cli-runtime `tabwriter.go`, Go `text/tabwriter`).
pub fn tabwrite(rows: &[Vec<String>]) -> String {
    const MIN_WIDTH: usize = 6;
    const PADDING: usize = 3;
    let n_columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; n_columns];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for width in &mut widths {
        *width = (*width + PADDING).max(MIN_WIDTH);
    }
    let mut out = String::new();
    for row in rows {
        for (column, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if column + 1 < row.len() {
                let width = widths.get(column).copied().unwrap_or(MIN_WIDTH);
                let pad = width.saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------- Service

fn service_row(service: &Service, options: &GetOptions) -> Vec<String> {
    let mut row = vec![
        service.name.clone(),
        service.type_.to_string(),
        service.cluster_ip_text.clone(),
        service_external_ip(service),
        port_string(service),
        age(service.creation_timestamp.as_deref(), options.now),
    ];
    if options.wide {
        row.push(match &service.selector {
            Some(selector) if !selector.is_empty() => format_labels(selector.iter()),
            _ => "<none>".to_string(),
        });
    }
    row
}

/// `getServiceExternalIP` in printers.go.
///
/// kubectl cuts the load balancer's addresses to 16 characters when not wide
/// (`loadBalancerStatusStringer`), but the API server builds the table (server-side printing)
/// and always passes `Wide: true` (`printerstorage.TableConvertor`), so a live cluster never
/// shows the cut; neither do we.
pub fn service_external_ip(service: &Service) -> String {
    let mut ips = Vec::new();
    for ip in &service.external_ips {
        ips.push(Ip(*ip).to_string());
    }
    match service.type_ {
        ServiceType::ClusterIp | ServiceType::NodePort => {
            if ips.is_empty() {
                "<none>".to_string()
            } else {
                ips.join(",")
            }
        }
        ServiceType::LoadBalancer => {
            // A set: deduplicated and sorted as strings.
            let mut ingress_addresses = Vec::new();
            for ingress in &service.load_balancer_ingress {
                match (&ingress.ip, &ingress.hostname) {
                    (Some(ip), _) => ingress_addresses.push(Ip(*ip).to_string()),
                    (None, Some(hostname)) if !hostname.is_empty() => {
                        ingress_addresses.push(hostname.clone())
                    }
                    _ => {}
                }
            }
            let mut all = crate::sort::sorted_unique(ingress_addresses);
            all.extend(ips);
            if all.is_empty() {
                "<pending>".to_string()
            } else {
                all.join(",")
            }
        }
        ServiceType::ExternalName => service.external_name.clone().unwrap_or_default(),
    }
}

/// `makePortString`: `80:30080/TCP,443:30443/TCP`; `<none>` without ports.
pub fn port_string(service: &Service) -> String {
    let mut pieces: Vec<String> = Vec::new();
    for port in &service.ports {
        pieces.push(match port.node_port {
            Some(node_port) if node_port > 0 => {
                format!("{}:{}/{}", port.port, node_port, port.protocol)
            }
            _ => format!("{}/{}", port.port, port.protocol),
        });
    }
    if pieces.is_empty() {
        "<none>".to_string()
    } else {
        pieces.join(",")
    }
}

/// `labels.FormatLabels`: `k=v` pairs sorted by key, comma-joined.
fn format_labels<'a>(labels: impl Iterator<Item = (&'a String, &'a String)>) -> String {
    let mut pairs = Vec::new();
    for (key, value) in labels {
        pairs.push(format!("{key}={value}"));
    }
    pairs.join(",")
}

// ---------------------------------------------------------------- Node

fn node_row(node: &Node, options: &GetOptions) -> Vec<String> {
    let mut row = vec![
        node.name.clone(),
        node_status(node),
        node_roles(node),
        age(node.creation_timestamp.as_deref(), options.now),
        node.kubelet_version.clone().unwrap_or_default(),
    ];
    if options.wide {
        let or_unknown = |value: &Option<String>| match value {
            Some(text) if !text.is_empty() => text.clone(),
            _ => "<unknown>".to_string(),
        };
        row.push(Ip(node.internal_ip).to_string());
        row.push(node.external_ip.map_or_else(|| "<none>".to_string(), |ip| Ip(ip).to_string()));
        row.push(or_unknown(&node.os_image));
        row.push(or_unknown(&node.kernel_version));
        row.push(or_unknown(&node.container_runtime_version));
    }
    row
}

/// `printNode`: `Ready`, `NotReady` (False or Unknown), `Unknown` without a Ready condition;
/// `,SchedulingDisabled` when cordoned.
pub fn node_status(node: &Node) -> String {
    let mut status = match node.ready {
        Some(true) => "Ready",
        Some(false) => "NotReady",
        None => "Unknown",
    }
    .to_string();
    if node.unschedulable {
        status.push_str(",SchedulingDisabled");
    }
    status
}

/// `findNodeRoles`: `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role` values,
/// sorted and deduplicated.
pub fn node_roles(node: &Node) -> String {
    let mut roles = Vec::new();
    for (key, value) in &node.labels {
        if let Some(role) = key.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.push(role);
            }
        } else if key == "kubernetes.io/role" && !value.is_empty() {
            roles.push(value.as_str());
        }
    }
    let roles = crate::sort::sorted_unique(roles);
    if roles.is_empty() {
        return "<none>".to_string();
    }
    crate::diagnostic::join(&roles, ",")
}

// ---------------------------------------------------------------- EndpointSlice

fn endpoint_slice_row(slice: &EndpointSlice, now: i64) -> Vec<String> {
    let mut ports: Vec<String> = Vec::new();
    for port in &slice.ports {
        ports.push(match (port.port, &port.name) {
            (Some(number), _) => number.to_string(),
            (None, Some(name)) => name.clone(),
            (None, None) => "*".to_string(),
        });
    }
    let mut addresses: Vec<String> = Vec::new();
    for endpoint in &slice.endpoints {
        addresses.extend_from_slice(&endpoint.addresses);
    }
    vec![
        slice.name.clone(),
        slice.address_type.clone(),
        list_with_more(&ports),
        list_with_more(&addresses),
        age(slice.creation_timestamp.as_deref(), now),
    ]
}

/// `listWithMoreString`: the first three, then ` + N more...`; nothing → `<unset>`.
fn list_with_more(items: &[String]) -> String {
    const MAX: usize = 3;
    match items.len() {
        0 => "<unset>".to_string(),
        n if n <= MAX => items.join(","),
        n => format!("{} + {} more...", items.get(..MAX).unwrap_or(items).join(","), n - MAX),
    }
}

// ---------------------------------------------------------------- kiada

/// What the book's kiada app prints at the end of its answer to curl for one delivered path
/// (seed 11.2.1): the pod, its node, the pod's and node's IPs, and the client IP the pod
/// sees. Node.js shows an IPv4 peer on a dual-stack socket as `::ffff:a.b.c.d`.
/// `None` when the path does not end at a pod.
pub fn kiada_response(cluster: &Cluster, path: &Path) -> Option<String> {
    let target = path.target.as_ref()?;
    let pod = target.pod.as_deref()?;
    let node = target.node.as_deref()?;
    let node_ip = cluster.node(node).map(|node| Ip(node.internal_ip).to_string())?;
    let seen = path.client_ip_seen?;
    let client_ip = format!("{}{}", if seen.is_ipv4() { "::ffff:" } else { "" }, Ip(seen));
    let mut text = String::new();
    let _ = writeln!(
        text,
        "Request processed by Kubia 1.0 running in pod \"{pod}\" on node \"{node}\"."
    );
    let _ = writeln!(
        text,
        "Pod hostname: {pod}; Pod IP: {}; Node IP: {node_ip}; Client IP: {client_ip}",
        Ip(target.ip)
    );
    Some(text)
}
