//! `kubectl get svc|nodes|pods|endpointslices` tables, cell for cell as a live cluster
//! prints them (facts section 9), and the answer the book's kiada app gives to curl.
//!
//! The cells follow kubectl's `pkg/printers/internalversion/printers.go`; the layout follows
//! `cli-runtime/pkg/printers/tabwriter.go`. Time is an argument (`now`, seconds since the
//! Unix epoch): the library never reads the clock.

use crate::input::raw;
use crate::model::{Cluster, EndpointSlice, Node, Pod, Service, ServiceType};
use crate::route::Path;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::net::IpAddr;

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
    let rows: Vec<Vec<String>> = match resource {
        Resource::Services => cluster
            .services
            .iter()
            .filter(|service| in_namespace(&service.namespace))
            .map(|service| service_row(service, options))
            .collect(),
        Resource::Nodes => cluster.nodes.iter().map(|node| node_row(node, options)).collect(),
        Resource::Pods => cluster
            .pods
            .iter()
            .filter(|pod| in_namespace(&pod.namespace))
            .map(|pod| pod_row(pod, options))
            .collect(),
        Resource::EndpointSlices => cluster
            .endpoint_slices
            .iter()
            .filter(|slice| in_namespace(&slice.namespace))
            .map(|slice| endpoint_slice_row(slice, options.now))
            .collect(),
    };
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
    base.iter().chain(extra).map(|header| header.to_string()).collect()
}

/// Lays out cells as kubectl's tabwriter does: minwidth 6, padding 3, pad with spaces; every
/// column but the last is as wide as its longest cell plus 3, at least 6; the last is not
/// padded (cli-runtime `tabwriter.go`, Go `text/tabwriter`).
pub fn tabwrite(rows: &[Vec<String>]) -> String {
    const MIN_WIDTH: usize = 6;
    const PADDING: usize = 3;
    let n_columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n_columns)
        .map(|column| {
            let longest =
                rows.iter().filter_map(|row| row.get(column)).map(|cell| cell.chars().count());
            (longest.max().unwrap_or(0) + PADDING).max(MIN_WIDTH)
        })
        .collect();
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
    let external_ips = || service.external_ips.iter().map(IpAddr::to_string).collect::<Vec<_>>();
    match service.type_ {
        ServiceType::ClusterIp | ServiceType::NodePort => {
            let ips = external_ips();
            if ips.is_empty() {
                "<none>".to_string()
            } else {
                ips.join(",")
            }
        }
        ServiceType::LoadBalancer => {
            // A set: deduplicated and sorted as strings.
            let ingress: BTreeSet<String> = service
                .load_balancer_ingress
                .iter()
                .filter_map(|ingress| match (&ingress.ip, &ingress.hostname) {
                    (Some(ip), _) => Some(ip.to_string()),
                    (None, Some(hostname)) if !hostname.is_empty() => Some(hostname.clone()),
                    _ => None,
                })
                .collect();
            let mut all: Vec<String> = ingress.into_iter().collect();
            all.extend(external_ips());
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
    let pieces: Vec<String> = service
        .ports
        .iter()
        .map(|port| match port.node_port {
            Some(node_port) if node_port > 0 => {
                format!("{}:{}/{}", port.port, node_port, port.protocol)
            }
            _ => format!("{}/{}", port.port, port.protocol),
        })
        .collect();
    if pieces.is_empty() {
        "<none>".to_string()
    } else {
        pieces.join(",")
    }
}

/// `labels.FormatLabels`: `k=v` pairs sorted by key, comma-joined.
fn format_labels<'a>(labels: impl Iterator<Item = (&'a String, &'a String)>) -> String {
    labels.map(|(key, value)| format!("{key}={value}")).collect::<Vec<_>>().join(",")
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
        row.push(node.internal_ip.to_string());
        row.push(node.external_ip.map_or_else(|| "<none>".to_string(), |ip| ip.to_string()));
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
    let roles: BTreeSet<&str> = node
        .labels
        .iter()
        .filter_map(|(key, value)| {
            if let Some(role) = key.strip_prefix("node-role.kubernetes.io/") {
                (!role.is_empty()).then_some(role)
            } else if key == "kubernetes.io/role" && !value.is_empty() {
                Some(value.as_str())
            } else {
                None
            }
        })
        .collect();
    if roles.is_empty() {
        "<none>".to_string()
    } else {
        roles.into_iter().collect::<Vec<_>>().join(",")
    }
}

// ---------------------------------------------------------------- Pod

fn pod_row(pod: &Pod, options: &GetOptions) -> Vec<String> {
    let cells = pod_cells(pod, options.now);
    let mut row = vec![
        pod.name.clone(),
        cells.ready,
        cells.status,
        cells.restarts,
        age(pod.creation_timestamp.as_deref(), options.now),
    ];
    if options.wide {
        let status = &pod.status_for_print;
        let spec = &pod.spec_for_print;
        let non_empty = |value: Option<&String>| match value {
            Some(text) if !text.is_empty() => text.clone(),
            _ => "<none>".to_string(),
        };
        // The API server merges `podIP` into `podIPs`; printPod reads `podIPs[0]`.
        let pod_ip =
            status.pod_ips.first().and_then(|ip| ip.ip.as_ref()).or(status.pod_ip.as_ref());
        row.push(non_empty(pod_ip));
        row.push(non_empty(spec.node_name.as_ref()));
        row.push(non_empty(status.nominated_node_name.as_ref()));
        row.push(readiness_gates(spec, status));
    }
    row
}

/// READY, STATUS and RESTARTS of one pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodCells {
    pub ready: String,
    pub status: String,
    pub restarts: String,
}

fn is_restartable(container: Option<&raw::Container>) -> bool {
    container.and_then(|c| c.restart_policy.as_deref()) == Some("Always")
}

/// `printPod` in printers.go: READY, STATUS (including `Init:…`, container reasons and
/// `Terminating`) and RESTARTS (facts 9.4).
pub fn pod_cells(pod: &Pod, now: i64) -> PodCells {
    let spec = &pod.spec_for_print;
    let status = &pod.status_for_print;
    let phase = status.phase.clone().unwrap_or_default();
    let mut reason = match &status.reason {
        Some(reason) if !reason.is_empty() => reason.clone(),
        _ => phase.clone(),
    };
    let condition =
        |type_: &str| status.conditions.iter().find(|c| c.type_.as_deref() == Some(type_));
    if status.conditions.iter().any(|c| {
        c.type_.as_deref() == Some("PodScheduled") && c.reason.as_deref() == Some("SchedulingGated")
    }) {
        reason = "SchedulingGated".to_string();
    }

    let init_container = |name: &Option<String>| {
        spec.init_containers.iter().find(|container| &container.name == name)
    };
    let total = spec.containers.len()
        + spec.init_containers.iter().filter(|c| is_restartable(Some(c))).count();
    let mut ready = 0usize;
    let mut restarts: i64 = 0;
    let mut sidecar_restarts: i64 = 0;
    let mut last_restart: Option<i64> = None;
    let mut last_sidecar_restart: Option<i64> = None;
    let terminated_at = |state: &Option<raw::ContainerState>| {
        state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .and_then(|t| t.finished_at.as_deref())
            .and_then(parse_timestamp)
    };

    let mut initializing = false;
    for (idx, container) in status.init_container_statuses.iter().enumerate() {
        restarts += container.restart_count.unwrap_or(0);
        let finished = terminated_at(&container.last_state);
        last_restart = last_restart.max(finished);
        let is_sidecar = is_restartable(init_container(&container.name));
        if is_sidecar {
            sidecar_restarts += container.restart_count.unwrap_or(0);
            last_sidecar_restart = last_sidecar_restart.max(finished);
        }
        let state = container.state.clone().unwrap_or_default();
        match (&state.terminated, &state.waiting) {
            (Some(terminated), _) if terminated.exit_code.unwrap_or(0) == 0 => continue,
            _ if is_sidecar && container.started == Some(true) => {
                if container.ready == Some(true) {
                    ready += 1;
                }
                continue;
            }
            (Some(terminated), _) => {
                reason = match terminated.reason.as_deref() {
                    Some(why) if !why.is_empty() => format!("Init:{why}"),
                    _ => match terminated.signal {
                        Some(signal) if signal != 0 => format!("Init:Signal:{signal}"),
                        _ => format!("Init:ExitCode:{}", terminated.exit_code.unwrap_or(0)),
                    },
                };
            }
            (None, Some(waiting))
                if waiting
                    .reason
                    .as_deref()
                    .is_some_and(|why| !why.is_empty() && why != "PodInitializing") =>
            {
                reason = format!("Init:{}", waiting.reason.clone().unwrap_or_default());
            }
            _ => reason = format!("Init:{idx}/{}", spec.init_containers.len()),
        }
        initializing = true;
        break;
    }

    let is_initialized = condition("Initialized").and_then(|c| c.status.as_deref()) == Some("True");
    if !initializing || is_initialized {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        for container in status.container_statuses.iter().rev() {
            restarts += container.restart_count.unwrap_or(0);
            last_restart = last_restart.max(terminated_at(&container.last_state));
            let state = container.state.clone().unwrap_or_default();
            let waiting =
                state.waiting.as_ref().and_then(|w| w.reason.clone()).filter(|r| !r.is_empty());
            if let Some(why) = waiting {
                reason = why;
            } else if let Some(terminated) = &state.terminated {
                reason = match terminated.reason.as_deref() {
                    Some(why) if !why.is_empty() => why.to_string(),
                    _ => match terminated.signal {
                        Some(signal) if signal != 0 => format!("Signal:{signal}"),
                        _ => format!("ExitCode:{}", terminated.exit_code.unwrap_or(0)),
                    },
                };
            } else if container.ready == Some(true) && state.running.is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let is_ready = condition("Ready").and_then(|c| c.status.as_deref()) == Some("True");
            reason = if is_ready { "Running" } else { "NotReady" }.to_string();
        }
    }

    if pod.is_terminating && status.reason.as_deref() == Some("NodeLost") {
        reason = "Unknown".to_string();
    } else if pod.is_terminating && phase != "Succeeded" && phase != "Failed" {
        reason = "Terminating".to_string();
    }

    let restarts = match last_restart {
        Some(at) if restarts != 0 => format!("{restarts} ({} ago)", human_duration(now - at)),
        _ => restarts.to_string(),
    };
    PodCells { ready: format!("{ready}/{total}"), status: reason, restarts }
}

/// READINESS GATES: `true/total` over `spec.readinessGates`, or `<none>`.
fn readiness_gates(spec: &raw::PodSpec, status: &raw::PodStatus) -> String {
    if spec.readiness_gates.is_empty() {
        return "<none>".to_string();
    }
    let n_true = spec
        .readiness_gates
        .iter()
        .filter(|gate| {
            status
                .conditions
                .iter()
                .find(|condition| condition.type_ == gate.condition_type)
                .is_some_and(|condition| condition.status.as_deref() == Some("True"))
        })
        .count();
    format!("{n_true}/{}", spec.readiness_gates.len())
}

// ---------------------------------------------------------------- EndpointSlice

fn endpoint_slice_row(slice: &EndpointSlice, now: i64) -> Vec<String> {
    let ports: Vec<String> = slice
        .ports
        .iter()
        .map(|port| match (port.port, &port.name) {
            (Some(number), _) => number.to_string(),
            (None, Some(name)) => name.clone(),
            (None, None) => "*".to_string(),
        })
        .collect();
    let addresses: Vec<String> =
        slice.endpoints.iter().flat_map(|endpoint| endpoint.addresses.iter().cloned()).collect();
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

// ---------------------------------------------------------------- AGE

/// AGE of an object (`translateTimestampSince`): `<unknown>` without a creationTimestamp.
pub fn age(creation_timestamp: Option<&str>, now: i64) -> String {
    match creation_timestamp.and_then(parse_timestamp) {
        Some(created) => human_duration(now - created),
        None => "<unknown>".to_string(),
    }
}

/// apimachinery `duration.HumanDuration` of a number of seconds (facts 9.7).
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 { format!("{minutes}m") } else { format!("{minutes}m{s}s") };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 { format!("{hours}h") } else { format!("{hours}h{m}m") };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 { format!("{}d", hours / 24) } else { format!("{}d{h}h", hours / 24) };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let days = (hours / 24) % 365;
        let years = hours / 24 / 365;
        return if days == 0 { format!("{years}y") } else { format!("{years}y{days}d") };
    }
    format!("{}y", hours / 24 / 365)
}

/// Parses an RFC 3339 timestamp as the API writes it (`2026-11-25T09:02:11Z`, optionally
/// with fractional seconds or a `+01:00` offset) into seconds since the Unix epoch.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = text.split_once(['T', 't', ' '])?;
    let mut date_parts = date.splitn(3, '-');
    let year: i64 = date_parts.next()?.parse().ok()?;
    let month: i64 = date_parts.next()?.parse().ok()?;
    let day: i64 = date_parts.next()?.parse().ok()?;
    let (clock, offset) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else {
        let sign_at = time.rfind(['+', '-'])?;
        let (clock, zone) = time.split_at(sign_at);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let (zone_hours, zone_minutes) = zone.get(1..)?.split_once(':')?;
        let zone_hours: i64 = zone_hours.parse().ok()?;
        let zone_minutes: i64 = zone_minutes.parse().ok()?;
        (clock, sign * (zone_hours * 3600 + zone_minutes * 60))
    };
    let clock = clock.split('.').next()?;
    let mut clock_parts = clock.splitn(3, ':');
    let hour: i64 = clock_parts.next()?.parse().ok()?;
    let minute: i64 = clock_parts.next()?.parse().ok()?;
    let second: i64 = clock_parts.next()?.parse().ok()?;
    let is_valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..=60).contains(&second);
    if !is_valid {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
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
    let node_ip = cluster.node(node).map(|node| node.internal_ip.to_string())?;
    let client_ip = match path.client_ip_seen? {
        IpAddr::V4(v4) => format!("::ffff:{v4}"),
        IpAddr::V6(v6) => v6.to_string(),
    };
    let mut text = String::new();
    let _ = writeln!(
        text,
        "Request processed by Kubia 1.0 running in pod \"{pod}\" on node \"{node}\"."
    );
    let _ = writeln!(
        text,
        "Pod hostname: {pod}; Pod IP: {}; Node IP: {node_ip}; Client IP: {client_ip}",
        target.ip
    );
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        IpMode, LoadBalancerIngress, Protocol, ServicePort, SessionAffinity, TargetPort,
        TrafficPolicy,
    };
    use std::collections::BTreeMap;

    const NOW: &str = "2026-11-25T12:00:00Z";

    fn now() -> i64 {
        parse_timestamp(NOW).unwrap()
    }

    fn service(name: &str, type_: ServiceType, cluster_ip: &str, ports: &[(u16, u16)]) -> Service {
        Service {
            doc: 0,
            namespace: "default".into(),
            name: name.into(),
            labels: BTreeMap::new(),
            creation_timestamp: None,
            type_,
            selector: Some(BTreeMap::from([("app".to_string(), name.to_string())])),
            cluster_ip: cluster_ip.parse().ok(),
            cluster_ip_text: cluster_ip.into(),
            external_ips: vec![],
            external_name: None,
            ports: ports
                .iter()
                .map(|&(port, node_port)| ServicePort {
                    name: String::new(),
                    protocol: Protocol::Tcp,
                    app_protocol: None,
                    port,
                    target_port: TargetPort::Number(8080),
                    node_port: (node_port > 0).then_some(node_port),
                    endpoints: vec![],
                })
                .collect(),
            external_traffic_policy: TrafficPolicy::Cluster,
            internal_traffic_policy: TrafficPolicy::Cluster,
            health_check_node_port: None,
            load_balancer_ingress: vec![],
            load_balancer_source_ranges: vec![],
            load_balancer_class: None,
            allocate_load_balancer_node_ports: true,
            session_affinity: SessionAffinity::None,
            publish_not_ready_addresses: false,
        }
    }

    fn ingress(ip: Option<&str>, hostname: Option<&str>) -> LoadBalancerIngress {
        LoadBalancerIngress {
            ip: ip.map(|ip| ip.parse().unwrap()),
            hostname: hostname.map(String::from),
            ip_mode: IpMode::Vip,
        }
    }

    fn node(name: &str, ip: &str, labels: &[(&str, &str)]) -> Node {
        Node {
            doc: None,
            name: name.into(),
            labels: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            creation_timestamp: Some("2026-11-20T12:00:00Z".into()),
            internal_ip: ip.parse().unwrap(),
            external_ip: None,
            pod_cidr: None,
            ready: Some(true),
            unschedulable: false,
            is_being_deleted: false,
            taints: vec![],
            kubelet_version: Some("v1.30.0".into()),
            os_image: Some("Debian GNU/Linux 12 (bookworm)".into()),
            kernel_version: None,
            container_runtime_version: Some("containerd://1.7.15".into()),
        }
    }

    fn pod(yaml: &str) -> Pod {
        let raw: raw::Pod = serde_yaml::from_str(yaml).unwrap();
        Pod {
            doc: 0,
            namespace: "default".into(),
            name: raw.metadata.name.clone().unwrap(),
            labels: raw.metadata.labels.clone(),
            creation_timestamp: raw.metadata.creation_timestamp.clone(),
            node_name: raw.spec.node_name.clone(),
            host_network: false,
            ip: None,
            phase: raw.status.phase.clone().unwrap_or_default(),
            is_ready: false,
            is_terminating: raw.metadata.deletion_timestamp.is_some(),
            ports: vec![],
            hostname: None,
            subdomain: None,
            spec_for_print: raw.spec,
            status_for_print: raw.status,
        }
    }

    fn cluster_with_services(services: Vec<Service>) -> Cluster {
        Cluster { services, ..Cluster::default() }
    }

    fn table(cluster: &Cluster, resource: Resource, wide: bool) -> String {
        let options = GetOptions { wide, ..GetOptions::new(now()) };
        match get(cluster, resource, &options) {
            Listing::Table(text) => text,
            Listing::Empty(text) => text,
        }
    }

    #[test]
    fn get_svc_matches_the_books_table_cell_for_cell() {
        let mut kiada =
            service("kiada", ServiceType::NodePort, "10.96.226.212", &[(80, 30080), (443, 30443)]);
        kiada.creation_timestamp = Some("2026-11-25T11:59:00Z".into());
        let mut quiz = service("quiz", ServiceType::ClusterIp, "10.96.173.186", &[(80, 0)]);
        quiz.creation_timestamp = Some("2026-11-25T09:00:00Z".into());
        let mut quote = service("quote", ServiceType::ClusterIp, "10.96.161.97", &[(80, 0)]);
        quote.creation_timestamp = Some("2026-11-25T09:00:00Z".into());
        let cluster = cluster_with_services(vec![kiada, quiz, quote]);
        // Seed 11.2.1, with AGE 60s: kubectl prints seconds below two minutes.
        assert_eq!(
            table(&cluster, Resource::Services, false),
            "\
NAME    TYPE        CLUSTER-IP      EXTERNAL-IP   PORT(S)                      AGE
kiada   NodePort    10.96.226.212   <none>        80:30080/TCP,443:30443/TCP   60s
quiz    ClusterIP   10.96.173.186   <none>        80/TCP                       3h
quote   ClusterIP   10.96.161.97    <none>        80/TCP                       3h
"
        );
        assert_eq!(
            table(&cluster, Resource::Services, true).lines().nth(1).unwrap(),
            "kiada   NodePort    10.96.226.212   <none>        80:30080/TCP,443:30443/TCP   60s   app=kiada"
        );
    }

    #[test]
    fn load_balancer_external_ip_is_ingress_deduplicated_sorted_then_external_ips() {
        let mut lb = service("kiada", ServiceType::LoadBalancer, "10.96.226.212", &[(80, 30080)]);
        assert_eq!(service_external_ip(&lb), "<pending>");
        lb.load_balancer_ingress = vec![ingress(Some("172.18.255.200"), None)];
        assert_eq!(service_external_ip(&lb), "172.18.255.200");
        // printers_test.go: two ingress IPs plus externalIPs, never cut (server-side is wide).
        lb.load_balancer_ingress = vec![
            ingress(Some("3.4.5.6"), None),
            ingress(Some("2.3.4.5"), None),
            ingress(Some("3.4.5.6"), None),
            ingress(None, Some("lb.example.com")),
        ];
        lb.external_ips = vec!["80.11.12.10".parse().unwrap()];
        assert_eq!(service_external_ip(&lb), "2.3.4.5,3.4.5.6,lb.example.com,80.11.12.10");
    }

    #[test]
    fn external_ip_of_cluster_ip_node_port_and_external_name_services() {
        let mut svc = service("web", ServiceType::ClusterIp, "10.9.8.7", &[(2233, 0)]);
        assert_eq!(service_external_ip(&svc), "<none>");
        svc.external_ips = vec!["1.2.3.4".parse().unwrap(), "5.6.7.8".parse().unwrap()];
        assert_eq!(service_external_ip(&svc), "1.2.3.4,5.6.7.8");
        svc.type_ = ServiceType::ExternalName;
        svc.external_name = Some("my.database.example.com".into());
        assert_eq!(service_external_ip(&svc), "my.database.example.com");
    }

    #[test]
    fn port_string_shows_node_ports_and_none() {
        let svc = service("web", ServiceType::NodePort, "10.9.8.7", &[(2233, 9999)]);
        assert_eq!(port_string(&svc), "2233:9999/TCP");
        let mut svc = service("lb", ServiceType::LoadBalancer, "10.9.8.7", &[(80, 0)]);
        assert_eq!(port_string(&svc), "80/TCP");
        svc.ports.clear();
        assert_eq!(port_string(&svc), "<none>");
    }

    #[test]
    fn get_nodes_wide_has_the_books_columns() {
        let cluster = Cluster {
            nodes: vec![
                node(
                    "kind-control-plane",
                    "172.18.0.3",
                    &[
                        ("node-role.kubernetes.io/control-plane", ""),
                        ("node-role.kubernetes.io/master", ""),
                    ],
                ),
                node("kind-worker", "172.18.0.4", &[]),
            ],
            ..Cluster::default()
        };
        assert_eq!(
            table(&cluster, Resource::Nodes, true),
            "\
NAME                 STATUS   ROLES                  AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME
kind-control-plane   Ready    control-plane,master   5d    v1.30.0   172.18.0.3    <none>        Debian GNU/Linux 12 (bookworm)   <unknown>        containerd://1.7.15
kind-worker          Ready    <none>                 5d    v1.30.0   172.18.0.4    <none>        Debian GNU/Linux 12 (bookworm)   <unknown>        containerd://1.7.15
"
        );
    }

    #[test]
    fn node_status_and_roles_follow_print_node() {
        let mut worker = node(
            "w",
            "10.0.0.1",
            &[("kubernetes.io/role", "infra"), ("node-role.kubernetes.io/", "")],
        );
        assert_eq!(node_roles(&worker), "infra");
        worker.ready = Some(false);
        worker.unschedulable = true;
        assert_eq!(node_status(&worker), "NotReady,SchedulingDisabled");
        worker.ready = None;
        assert_eq!(node_status(&worker), "Unknown,SchedulingDisabled");
    }

    const RUNNING: &str = "
metadata: {name: kiada-001, creationTimestamp: '2026-11-25T09:00:00Z'}
spec:
  nodeName: kind-worker2
  containers: [{name: kiada}, {name: envoy}]
status:
  phase: Running
  conditions: [{type: Ready, status: 'True'}, {type: Initialized, status: 'True'}]
  podIP: 10.244.1.90
  podIPs: [{ip: 10.244.1.90}]
  containerStatuses:
  - {name: kiada, ready: true, restartCount: 0, state: {running: {}}}
  - {name: envoy, ready: true, restartCount: 0, state: {running: {}}}
";

    #[test]
    fn get_pods_wide_shows_ready_status_ip_and_node() {
        let cluster = Cluster { pods: vec![pod(RUNNING)], ..Cluster::default() };
        assert_eq!(
            table(&cluster, Resource::Pods, true),
            "\
NAME        READY   STATUS    RESTARTS   AGE   IP            NODE           NOMINATED NODE   READINESS GATES
kiada-001   2/2     Running   0          3h    10.244.1.90   kind-worker2   <none>           <none>
"
        );
    }

    #[test]
    fn a_pod_with_a_deletion_timestamp_is_terminating_even_when_ready() {
        let yaml = RUNNING.replace(
            "creationTimestamp:",
            "deletionTimestamp: '2026-11-25T11:59:40Z', creationTimestamp:",
        );
        let cells = pod_cells(&pod(&yaml), now());
        assert_eq!((cells.ready.as_str(), cells.status.as_str()), ("2/2", "Terminating"));
    }

    #[test]
    fn pod_status_takes_the_first_containers_waiting_reason_and_counts_restarts() {
        // printers_test.go "test2": one running, one waiting with 3 restarts.
        let yaml = "
metadata: {name: test2}
spec: {containers: [{name: a}, {name: b}]}
status:
  phase: podPhase
  containerStatuses:
  - {ready: true, restartCount: 3, state: {running: {}}}
  - {state: {waiting: {reason: ContainerWaitingReason}}, restartCount: 3}
";
        let cells = pod_cells(&pod(yaml), now());
        assert_eq!(
            cells,
            PodCells {
                ready: "1/2".into(),
                status: "ContainerWaitingReason".into(),
                restarts: "6".into()
            }
        );
        let yaml = "
metadata: {name: crash}
spec: {containers: [{name: a}]}
status:
  phase: Running
  containerStatuses:
  - restartCount: 4
    state: {waiting: {reason: CrashLoopBackOff}}
    lastState: {terminated: {exitCode: 1, finishedAt: '2026-11-25T11:55:00Z'}}
";
        let cells = pod_cells(&pod(yaml), now());
        assert_eq!(
            (cells.status.as_str(), cells.restarts.as_str()),
            ("CrashLoopBackOff", "4 (5m ago)")
        );
    }

    #[test]
    fn pod_status_during_init_and_with_a_sidecar() {
        let yaml = "
metadata: {name: init}
spec: {initContainers: [{name: setup}, {name: more}], containers: [{name: app}]}
status:
  phase: Pending
  initContainerStatuses:
  - {name: setup, state: {terminated: {exitCode: 0}}}
  - {name: more, state: {running: {}}}
  containerStatuses: [{name: app, state: {waiting: {reason: PodInitializing}}}]
";
        assert_eq!(pod_cells(&pod(yaml), now()).status, "Init:1/2");
        let yaml = "
metadata: {name: sidecar}
spec: {initContainers: [{name: proxy, restartPolicy: Always}], containers: [{name: app}]}
status:
  phase: Running
  conditions: [{type: Initialized, status: 'True'}]
  initContainerStatuses: [{name: proxy, ready: true, started: true, state: {running: {}}}]
  containerStatuses: [{name: app, ready: true, state: {running: {}}}]
";
        let cells = pod_cells(&pod(yaml), now());
        assert_eq!((cells.ready.as_str(), cells.status.as_str()), ("2/2", "Running"));
    }

    #[test]
    fn endpoint_slice_lists_three_addresses_then_how_many_more() {
        use crate::model::{EndpointSlicePort, SliceEndpoint};
        let endpoint = |ip: &str| SliceEndpoint {
            addresses: vec![ip.into()],
            node_name: None,
            zone: None,
            ready: false,
            serving: false,
            terminating: false,
            pod: None,
            hint_zones: vec![],
            hint_nodes: vec![],
        };
        let slice = EndpointSlice {
            doc: None,
            namespace: "default".into(),
            name: "kiada-x7k2p".into(),
            service_name: Some("kiada".into()),
            address_type: "IPv4".into(),
            ports: vec![
                EndpointSlicePort {
                    name: Some("http".into()),
                    port: Some(8080),
                    protocol: Protocol::Tcp,
                },
                EndpointSlicePort {
                    name: Some("https".into()),
                    port: None,
                    protocol: Protocol::Tcp,
                },
            ],
            endpoints: ["10.244.1.5", "10.244.2.3", "10.244.3.7", "10.244.1.9"]
                .map(endpoint)
                .to_vec(),
            creation_timestamp: None,
        };
        let cluster = Cluster { endpoint_slices: vec![slice], ..Cluster::default() };
        assert_eq!(
            table(&cluster, Resource::EndpointSlices, false),
            "\
NAME          ADDRESSTYPE   PORTS        ENDPOINTS                                      AGE
kiada-x7k2p   IPv4          8080,https   10.244.1.5,10.244.2.3,10.244.3.7 + 1 more...   <unknown>
"
        );
    }

    #[test]
    fn empty_listings_say_no_resources_found() {
        let cluster = Cluster::default();
        assert_eq!(
            table(&cluster, Resource::Pods, false),
            "No resources found in default namespace."
        );
        assert_eq!(table(&cluster, Resource::Nodes, false), "No resources found");
    }

    #[test]
    fn human_duration_follows_apimachinery() {
        let cases = [
            (-2, "<invalid>"),
            (-1, "0s"),
            (45, "45s"),
            (119, "119s"),
            (300, "5m"),
            (330, "5m30s"),
            (45 * 60, "45m"),
            (179 * 60, "179m"),
            (3 * 3600, "3h"),
            (5 * 3600 + 20 * 60, "5h20m"),
            (20 * 3600, "20h"),
            (47 * 3600, "47h"),
            (2 * 86_400, "2d"),
            (3 * 86_400 + 4 * 3600, "3d4h"),
            (45 * 86_400, "45d"),
            (400 * 86_400, "400d"),
            ((3 * 365 + 10) * 86_400, "3y10d"),
            (9 * 365 * 86_400, "9y"),
        ];
        for (seconds, expected) in cases {
            assert_eq!(human_duration(seconds), expected, "{seconds}s");
        }
    }

    #[test]
    fn timestamps_parse_as_rfc3339() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_timestamp("2026-11-25T12:00:00Z"), Some(1_795_608_000));
        assert_eq!(parse_timestamp("2026-11-25T13:00:00.123+01:00"), Some(1_795_608_000));
        assert_eq!(parse_timestamp("yesterday"), None);
        assert_eq!(age(None, 0), "<unknown>");
    }
}
