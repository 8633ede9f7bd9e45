//! Services, created in document order the way the API server creates them (facts 7.1):
//! defaults, then allocation of what the manifest asks for (stage 2, which stops at its
//! first error), then `ValidateService` (stage 3, all errors). Only after every Service is
//! in does svcroute fill what was left to the cluster, so a Service further down that asks
//! for a port never collides with one picked for a Service above it.

use super::allocate::{
    LoadBalancerIps, NodePorts, ServiceIps, KUBERNETES_SERVICE_IP, KUBE_DNS_SERVICE_IP,
    LB_POOL_FIRST, LB_POOL_LAST, NODE_PORT_MAX, NODE_PORT_MIN, SERVICE_CIDR,
};
use super::build::{namespace_of, Report};
use super::defaults::{apply_service_defaults, needs_health_check, DEFAULT_AFFINITY_TIMEOUT};
use super::field::{go_string_slice, FieldError, Value};
use super::net::Ip;
use super::pod::protocol;
use super::validate::{self, is_headless};
use super::{
    names, BuildOptions, DocId, IpMode, LoadBalancerIngress, Service, ServicePort, ServiceType,
    SessionAffinity, TargetPort, TrafficPolicy,
};
use crate::diagnostic::quote;
use crate::input::raw;
use crate::input::span::FieldPath;
use std::net::IpAddr;

/// A node port of one service port: asked for, left to the cluster, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    None,
    Fixed(u16),
    /// To be picked from the pool; ports with the same `port` number share one.
    Pending(i64),
}

/// What the ports numbered `number` share, among `(port number, value)` pairs.
fn shared_by_port<V: Copy>(pairs: &[(i64, V)], number: i64) -> Option<V> {
    pairs.iter().find(|(other, _)| *other == number).map(|&(_, value)| value)
}

/// What stage 2 claimed for one Service, so it can be given back if stage 3 rejects it.
#[derive(Debug, Default)]
struct Claims {
    cluster_ip: Option<IpAddr>,
    node_ports: Vec<Slot>,
    health_check_node_port: Option<Slot>,
}

impl Claims {
    fn release(&self, ips: &mut ServiceIps, ports: &mut NodePorts) {
        if let Some(ip) = self.cluster_ip {
            ips.release(ip);
        }
        for slot in self.node_ports.iter().chain(&self.health_check_node_port) {
            if let Slot::Fixed(port) = slot {
                ports.release(*port);
            }
        }
    }
}

struct Accepted {
    doc: DocId,
    service: raw::Service,
    namespace: String,
    name: String,
    claims: Claims,
}

/// Creates every Service, in document order, and returns those the API server accepts.
pub(crate) fn build_services(
    docs: &[(DocId, &raw::Service)],
    options: &BuildOptions,
    report: &mut Report<'_>,
) -> Vec<Service> {
    let mut ips = ServiceIps::default();
    // A dump from a real cluster (GKE, EKS, …) carries cluster IPs from that cluster's own
    // service range, which the API server there accepted; svcroute cannot know the range,
    // so it checks those addresses only for clashes (README, Limits).
    // What came from a live API server shows it: a creationTimestamp, or the `kubernetes`
    // Service itself. A hand-written clusterIP outside the range is still an error.
    ips.is_foreign_range = docs.iter().any(|(_, service)| {
        let is_from_a_cluster = service.metadata.creation_timestamp.is_some()
            || (namespace_of(&service.metadata) == "default"
                && service.metadata.name.as_deref() == Some("kubernetes"));
        let is_foreign = |text: &String| {
            names::parse_ip(text).is_some_and(|ip| ip.is_ipv4() && !SERVICE_CIDR.contains(ip))
        };
        is_from_a_cluster
            && (service.spec.cluster_ip.as_ref().is_some_and(is_foreign)
                || service.spec.cluster_ips.iter().any(is_foreign))
    });
    // The Services every kind (kubeadm) cluster already has, unless pasted.
    let has = |namespace: &str, name: &str| {
        docs.iter().any(|(_, s)| {
            namespace_of(&s.metadata) == namespace && s.metadata.name.as_deref() == Some(name)
        })
    };
    if !has("default", "kubernetes") {
        let _ = ips.allocate(IpAddr::V4(KUBERNETES_SERVICE_IP));
    }
    if !has("kube-system", "kube-dns") {
        let _ = ips.allocate(IpAddr::V4(KUBE_DNS_SERVICE_IP));
    }
    let mut node_ports = NodePorts::default();
    // Likewise for node ports outside 30000-32767 in a dump from a cluster with its own
    // --service-node-port-range.
    node_ports.is_foreign_range = docs.iter().any(|(_, service)| {
        service.metadata.creation_timestamp.is_some()
            && service.spec.ports.iter().any(|port| {
                port.node_port.is_some_and(|port| {
                    port != 0
                        && !(i64::from(NODE_PORT_MIN)..=i64::from(NODE_PORT_MAX)).contains(&port)
                })
            })
    });

    let mut accepted = Vec::new();
    for &(doc, original) in docs {
        let mut service = original.clone();
        apply_service_defaults(&mut service);
        let claims = match claim(&service, original, &mut ips, &mut node_ports) {
            Ok(claims) => claims,
            Err(errors) => {
                report.rejects(doc, errors);
                continue;
            }
        };
        let errors = validate::service(&service, original);
        if !errors.is_empty() {
            claims.release(&mut ips, &mut node_ports);
            report.rejects(doc, errors);
            continue;
        }
        if original.spec.session_affinity_config.is_some()
            && service.spec.session_affinity_config.is_none()
        {
            report.notice(Some(doc), "spec.sessionAffinityConfig",
                "sessionAffinityConfig is dropped: sessionAffinity is None, so the API server clears it".to_string(),
                "set `sessionAffinity: ClientIP` to use the timeout",
            );
        }
        let namespace = namespace_of(&service.metadata);
        let name = service.metadata.name.clone().unwrap_or_default();
        accepted.push(Accepted { doc, service, namespace, name, claims });
    }

    let mut lb_ips = LoadBalancerIps::default();
    for item in &accepted {
        for ingress in &item.service.status.load_balancer.ingress {
            if let Some(ip) = ingress.ip.as_deref().and_then(names::parse_ip) {
                lb_ips.mark_used(ip);
            }
        }
    }

    let mut services = Vec::new();
    for item in accepted {
        if let Some(service) = finish(item, &mut ips, &mut node_ports, &mut lb_ips, options, report)
        {
            services.push(service);
        }
    }
    services
}

/// Stage 2 (`allocateCreate`) for what the manifest asks for: clusterIP family checks,
/// the requested clusterIP, requested nodePorts (`initNodePorts`), and a requested
/// healthCheckNodePort. Returns the first failure only, as the API server does.
fn claim(
    service: &raw::Service,
    original: &raw::Service,
    ips: &mut ServiceIps,
    ports: &mut NodePorts,
) -> Result<Claims, Vec<FieldError>> {
    let spec = &service.spec;
    let errors = validate::cluster_ips_related_fields(spec, &original.spec);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut claims = Claims::default();
    let type_ = spec.type_.as_deref().unwrap_or("");
    if type_ != "ExternalName" && !is_headless(spec) {
        if let Some(text) = spec.cluster_ips.first() {
            // Parsed by the family checks above.
            if let Some(ip) = names::parse_ip(text) {
                if let Err(reason) = ips.allocate(ip) {
                    let at = if original.spec.cluster_ips.is_empty() {
                        "spec.clusterIP"
                    } else {
                        "spec.clusterIPs"
                    };
                    let error = FieldError::invalid(
                        FieldPath::parse("spec.clusterIPs"),
                        Value::Go(go_string_slice(&spec.cluster_ips)),
                        &format!("failed to allocate IP {text}: {reason}"),
                    )
                    .at(FieldPath::parse(at))
                    .help(format!(
                        "choose a free address in the Service CIDR {SERVICE_CIDR}, or leave clusterIP out and the cluster picks one"
                    ));
                    return fail(&claims, ips, ports, error);
                }
                claims.cluster_ip = Some(ip);
            }
        }
    }

    if type_ == "NodePort" || type_ == "LoadBalancer" {
        let should_allocate =
            type_ == "NodePort" || spec.allocate_load_balancer_node_ports == Some(true);
        // The slot each port number got, in the order first met (a Service has few ports).
        let mut by_port: Vec<(i64, Slot)> = Vec::new();
        for (idx, port) in spec.ports.iter().enumerate() {
            let requested = port.node_port.unwrap_or(0);
            let number = port.port.unwrap_or(0);
            if requested == 0 && !should_allocate {
                claims.node_ports.push(Slot::None);
                continue;
            }
            let slot = match shared_by_port(&by_port, number) {
                None => {
                    // `findRequestedNodePort`: a later port with the same number may ask.
                    let asked = spec
                        .ports
                        .iter()
                        .filter(|other| other.port.unwrap_or(0) == number)
                        .map(|other| other.node_port.unwrap_or(0))
                        .find(|&node_port| node_port != 0)
                        .unwrap_or(0);
                    let slot = if asked != 0 {
                        match ports.allocate(asked) {
                            Ok(port) => Slot::Fixed(port),
                            Err(reason) => {
                                let error = node_port_error(idx, asked, &reason);
                                return fail(&claims, ips, ports, error);
                            }
                        }
                    } else {
                        Slot::Pending(number)
                    };
                    by_port.push((number, slot));
                    slot
                }
                Some(shared) if requested == 0 => shared,
                Some(shared) if shared == Slot::Fixed(u16::try_from(requested).unwrap_or(0)) => {
                    shared
                }
                Some(_) => match ports.allocate(requested) {
                    Ok(port) => Slot::Fixed(port),
                    Err(reason) => {
                        let error = node_port_error(idx, requested, &reason);
                        return fail(&claims, ips, ports, error);
                    }
                },
            };
            claims.node_ports.push(slot);
        }
    }

    if needs_health_check(spec) {
        let requested = spec.health_check_node_port.unwrap_or(0);
        let slot = if requested != 0 {
            match ports.allocate(requested) {
                Ok(port) => Slot::Fixed(port),
                Err(reason) => {
                    let error = FieldError::internal(
                        FieldPath::parse("spec.healthCheckNodePort"),
                        &format!("failed to allocate requested HealthCheck NodePort {requested}: {reason}"),
                    )
                    .help(format!(
                        "choose a free port from {NODE_PORT_MIN} to {NODE_PORT_MAX} that no nodePort uses, or leave healthCheckNodePort out and the cluster picks one"
                    ));
                    return fail(&claims, ips, ports, error);
                }
            }
        } else {
            Slot::Pending(0)
        };
        claims.health_check_node_port = Some(slot);
    }
    Ok(claims)
}

/// Stage 2 stops at its first error: gives back what `claims` holds (nothing yet, for the
/// clusterIP) and fails with `error`. One function for every failure, so each is one call.
fn fail(
    claims: &Claims,
    ips: &mut ServiceIps,
    ports: &mut NodePorts,
    error: FieldError,
) -> Result<Claims, Vec<FieldError>> {
    claims.release(ips, ports);
    Err(vec![error])
}

fn node_port_error(idx: usize, node_port: i64, reason: &str) -> FieldError {
    let help = if reason.contains("already allocated") {
        format!("{node_port} is taken (node ports are shared by every Service and protocol): choose another port, or leave nodePort out and the cluster picks one")
    } else {
        format!("choose a port from {NODE_PORT_MIN} to {NODE_PORT_MAX}, or leave nodePort out and the cluster picks one")
    };
    FieldError::invalid(
        FieldPath::parse("spec.ports").index(idx).field("nodePort"),
        Value::Int(node_port),
        reason,
    )
    .help(help)
}

/// Fills what was left to the cluster and builds the model Service.
fn finish(
    item: Accepted,
    ips: &mut ServiceIps,
    node_ports: &mut NodePorts,
    lb_ips: &mut LoadBalancerIps,
    options: &BuildOptions,
    report: &mut Report<'_>,
) -> Option<Service> {
    let Accepted { doc, service, namespace, name, claims } = item;
    let spec = &service.spec;
    let key = format!("{namespace}/{name}");
    let type_ = match spec.type_.as_deref() {
        Some("NodePort") => ServiceType::NodePort,
        Some("LoadBalancer") => ServiceType::LoadBalancer,
        Some("ExternalName") => ServiceType::ExternalName,
        _ => ServiceType::ClusterIp,
    };
    let is_headless = is_headless(spec);

    let (cluster_ip, cluster_ip_text) = if type_ == ServiceType::ExternalName {
        (None, "<none>".to_string())
    } else if is_headless {
        (None, "None".to_string())
    } else if let Some(ip) = claims.cluster_ip {
        (Some(ip), Ip(ip).to_string())
    } else {
        let Some(ip) = ips.next(&key) else {
            report.error(
                doc,
                FieldError::internal(
                    FieldPath::parse("spec.clusterIP"),
                    "failed to allocate a serviceIP: range is full",
                ),
            );
            return None;
        };
        let ip = IpAddr::V4(ip);
        report.notice(
            Some(doc),
            "spec.clusterIP",
            format!("filled in clusterIP {} from {SERVICE_CIDR}", Ip(ip)),
            "set spec.clusterIP to choose the address",
        );
        (Some(ip), Ip(ip).to_string())
    };

    // The node port filled for each pending port number (a Service has few ports).
    let mut pending: Vec<(i64, u16)> = Vec::new();
    let mut ports = Vec::new();
    for (idx, port) in spec.ports.iter().enumerate() {
        let node_port = match claims.node_ports.get(idx).copied().unwrap_or(Slot::None) {
            Slot::None => None,
            Slot::Fixed(port) => Some(port),
            Slot::Pending(number) => {
                let filled = match shared_by_port(&pending, number) {
                    Some(port) => port,
                    None => {
                        let protocol = port.protocol.as_deref().unwrap_or("TCP");
                        let Some(filled) = node_ports.next(&format!("{key}:{number}/{protocol}"))
                        else {
                            report.error(
                                doc,
                                FieldError::internal(
                                    FieldPath::parse("spec.ports").index(idx).field("nodePort"),
                                    "failed to allocate a nodePort: range is full",
                                ),
                            );
                            return None;
                        };
                        pending.push((number, filled));
                        filled
                    }
                };
                report.notice_at(
                    Some(doc),
                    &FieldPath::parse("spec.ports").index(idx).field("nodePort"),
                    format!("filled in nodePort {filled} from {NODE_PORT_MIN}-{NODE_PORT_MAX}"),
                    "set nodePort to choose the port",
                );
                Some(filled)
            }
        };
        let number = u16::try_from(port.port.unwrap_or(0)).unwrap_or(0);
        let target_port = match &port.target_port {
            Some(raw::IntOrString::String(name)) => TargetPort::Name(name.clone()),
            Some(raw::IntOrString::Int(target)) => {
                TargetPort::Number(u16::try_from(*target).unwrap_or(number))
            }
            None => TargetPort::Number(number),
        };
        ports.push(ServicePort {
            name: port.name.clone().unwrap_or_default(),
            protocol: protocol(port.protocol.as_deref()),
            app_protocol: port.app_protocol.clone(),
            port: number,
            target_port,
            node_port,
            endpoints: Vec::new(),
        });
    }

    let health_check_node_port = match claims.health_check_node_port {
        None | Some(Slot::None) => None,
        Some(Slot::Fixed(port)) => Some(port),
        Some(Slot::Pending(_)) => {
            let Some(port) = node_ports.next(&format!("{key}#healthCheckNodePort")) else {
                report.error(
                    doc,
                    FieldError::internal(
                        FieldPath::parse("spec.healthCheckNodePort"),
                        "failed to allocate a nodePort: range is full",
                    ),
                );
                return None;
            };
            report.notice(
                Some(doc),
                "spec.healthCheckNodePort",
                format!(
                    "filled in healthCheckNodePort {port} from {NODE_PORT_MIN}-{NODE_PORT_MAX}"
                ),
                "set spec.healthCheckNodePort to choose the port",
            );
            Some(port)
        }
    };

    let load_balancer_ingress = if type_ == ServiceType::LoadBalancer {
        ingress(doc, &service, lb_ips, options, report)
    } else {
        Vec::new()
    };

    let policy = |text: Option<&str>| {
        if text == Some("Local") {
            TrafficPolicy::Local
        } else {
            TrafficPolicy::Cluster
        }
    };
    let session_affinity = if spec.session_affinity.as_deref() == Some("ClientIP") {
        let timeout = spec
            .session_affinity_config
            .as_ref()
            .and_then(|config| config.client_ip.as_ref())
            .and_then(|client_ip| client_ip.timeout_seconds)
            .unwrap_or(DEFAULT_AFFINITY_TIMEOUT);
        SessionAffinity::ClientIp { timeout_seconds: u32::try_from(timeout).unwrap_or(10800) }
    } else {
        SessionAffinity::None
    };

    Some(Service {
        doc,
        namespace,
        name,
        labels: service.metadata.labels.clone(),
        creation_timestamp: service.metadata.creation_timestamp.clone(),
        type_,
        // An empty selector does not survive storage (protobuf has no empty-versus-nil
        // map), so the controller reads it as nil: it selects nothing (facts 1.1).
        selector: spec.selector.clone().filter(|selector| !selector.is_empty()),
        cluster_ip,
        cluster_ip_text,
        external_ips: parsed_each(&spec.external_ips, &|ip| names::parse_ip(ip)),
        external_name: spec.external_name.clone(),
        ports,
        external_traffic_policy: policy(spec.external_traffic_policy.as_deref()),
        internal_traffic_policy: policy(spec.internal_traffic_policy.as_deref()),
        health_check_node_port,
        load_balancer_ingress,
        load_balancer_source_ranges: parsed_each(&spec.load_balancer_source_ranges, &|range| {
            names::parse_cidr(range.trim())
        }),
        load_balancer_class: spec.load_balancer_class.clone(),
        allocate_load_balancer_node_ports: spec.allocate_load_balancer_node_ports.unwrap_or(true),
        session_affinity,
        publish_not_ready_addresses: spec.publish_not_ready_addresses.unwrap_or(false),
    })
}

/// The values of `texts` that `parse` reads, in order. By `&dyn`, and a plain loop: smaller
/// in the page than an iterator chain per list.
fn parsed_each<T>(texts: &[String], parse: &dyn Fn(&str) -> Option<T>) -> Vec<T> {
    let mut values = Vec::new();
    for text in texts {
        if let Some(value) = parse(text) {
            values.push(value);
        }
    }
    values
}

/// `status.loadBalancer.ingress`: as pasted, or what a MetalLB-like controller assigns.
fn ingress(
    doc: DocId,
    service: &raw::Service,
    lb_ips: &mut LoadBalancerIps,
    options: &BuildOptions,
    report: &mut Report<'_>,
) -> Vec<LoadBalancerIngress> {
    let given = &service.status.load_balancer.ingress;
    if !given.is_empty() {
        let mut ingress = Vec::new();
        for (idx, entry) in given.iter().enumerate() {
            let ip = match entry.ip.as_deref().filter(|ip| !ip.is_empty()) {
                None => None,
                Some(text) => match names::parse_ip(text) {
                    Some(ip) => Some(ip),
                    None => {
                        report.warning_at(
                            Some(doc),
                            &FieldPath::parse("status.loadBalancer.ingress").index(idx).field("ip"),
                            format!(
                                "load balancer ingress ip {} is not an IP address; ignored",
                                quote(text)
                            ),
                            "write the load balancer's IP address",
                        );
                        continue;
                    }
                },
            };
            let ip_mode =
                if entry.ip_mode.as_deref() == Some("Proxy") { IpMode::Proxy } else { IpMode::Vip };
            ingress.push(LoadBalancerIngress { ip, hostname: entry.hostname.clone(), ip_mode });
        }
        return ingress;
    }
    if let Some(class) = service.spec.load_balancer_class.as_deref() {
        report.notice(Some(doc), "spec.loadBalancerClass",
            format!("no load balancer controller for loadBalancerClass {} assigns an address, so EXTERNAL-IP stays <pending>", quote(class)),
            "remove loadBalancerClass to let the default controller (MetalLB in kind) serve the Service",
        );
        return Vec::new();
    }
    if !options.has_load_balancer_support {
        report.notice(
            Some(doc),
            "status.loadBalancer.ingress",
            "no load balancer in this cluster assigns an address, so EXTERNAL-IP stays <pending>; the Service is still reachable through its node ports".to_string(),
            "turn on load balancer support (as installing MetalLB would) to get an ingress IP",
        );
        return Vec::new();
    }
    // MetalLB honours the deprecated `loadBalancerIP` and assigns nothing when it cannot
    // give exactly that address.
    let requested = service.spec.load_balancer_ip.as_deref().filter(|text| !text.is_empty());
    let ip = match requested {
        None => lb_ips.next(),
        Some(text) => match names::parse_ip(text) {
            Some(ip) if lb_ips.claim(ip) => Some(ip),
            _ => {
                report.warning(Some(doc), "spec.loadBalancerIP",
                    format!("loadBalancerIP {text} is not a free address of the MetalLB pool {}-{}, so EXTERNAL-IP stays <pending>", Ip(LB_POOL_FIRST.into()), Ip(LB_POOL_LAST.into())),
                    "remove loadBalancerIP and the pool picks an address, or choose a free one from the pool",
                );
                return Vec::new();
            }
        },
    };
    match ip {
        Some(ip) => {
            report.notice(
                Some(doc),
                "status.loadBalancer.ingress",
                format!(
                    "filled in load balancer ingress IP {} from the MetalLB pool {}-{}",
                    Ip(ip),
                    Ip(LB_POOL_FIRST.into()),
                    Ip(LB_POOL_LAST.into())
                ),
                "set status.loadBalancer.ingress to choose the address",
            );
            vec![LoadBalancerIngress { ip: Some(ip), hostname: None, ip_mode: IpMode::Vip }]
        }
        None => {
            report.warning(
                Some(doc),
                "status.loadBalancer.ingress",
                format!(
                    "the MetalLB pool {}-{} is used up, so EXTERNAL-IP stays <pending>",
                    Ip(LB_POOL_FIRST.into()),
                    Ip(LB_POOL_LAST.into())
                ),
                "use fewer LoadBalancer Services, or set their status.loadBalancer.ingress",
            );
            Vec::new()
        }
    }
}
