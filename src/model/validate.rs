//! What the API server would reject: `ValidateService` (stage 3 of a create, facts 7.5),
//! the clusterIP checks of `initIPFamilyFields` (stage 2a), container ports (facts 7.6)
//! and the parts of `ValidateEndpointSlice` that matter for routing.
//!
//! Each check returns every error in the Go code's order, worded as kubectl prints the
//! causes; `help` says what to do in plain words.
//! Source: k8s `pkg/apis/core/validation/validation.go`,
//! `pkg/apis/discovery/validation/validation.go`.

use super::field::{go_quote, go_string_slice, FieldError, Value};
use super::names;
use crate::input::raw;
use crate::input::span::FieldPath;

const PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];
const SERVICE_TYPES: [&str; 4] = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

fn path(text: &str) -> FieldPath {
    FieldPath::parse(text)
}

fn port_path(idx: usize) -> FieldPath {
    path("spec.ports").index(idx)
}

/// `isHeadlessService`: `clusterIPs: [None]` after normalization.
pub(crate) fn is_headless(spec: &raw::ServiceSpec) -> bool {
    spec.cluster_ips.len() == 1 && spec.cluster_ips.first().is_some_and(|ip| ip == "None")
}

/// Where `spec.clusterIPs` errors point when the manifest only wrote `clusterIP`.
fn cluster_ips_at(original: &raw::ServiceSpec, idx: Option<usize>) -> FieldPath {
    if original.cluster_ips.is_empty() {
        path("spec.clusterIP")
    } else {
        match idx {
            Some(idx) => path("spec.clusterIPs").index(idx),
            None => path("spec.clusterIPs"),
        }
    }
}

/// `field.Invalid` for the whole of `spec.clusterIPs`, printed as Go's `[]string`.
fn cluster_ips_error(spec: &raw::ServiceSpec, detail: &str) -> FieldError {
    FieldError::invalid(
        path("spec.clusterIPs"),
        Value::Go(go_string_slice(&spec.cluster_ips)),
        detail,
    )
}

/// `ValidateServiceClusterIPsRelatedFields` (run by `initIPFamilyFields` in stage 2 and
/// again in `ValidateService`), plus the family check of `initIPFamilyFields`: svcroute's
/// cluster is IPv4 single-stack, like kind's default.
pub(crate) fn cluster_ips_related_fields(
    spec: &raw::ServiceSpec,
    original: &raw::ServiceSpec,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if spec.type_.as_deref() == Some("ExternalName") {
        return errors;
    }
    let cluster_ips_path = path("spec.clusterIPs");
    let cluster_ip = spec.cluster_ip.as_deref().unwrap_or("");
    if !cluster_ip.is_empty() {
        if spec.cluster_ips.first().is_some_and(|first| first != cluster_ip) {
            push(
                &mut errors,
                cluster_ips_error(spec, "first value must match `clusterIP`"),
                "make the first entry of clusterIPs equal to clusterIP, or set only clusterIP",
            );
        }
    } else if !spec.cluster_ips.is_empty() {
        push(
            &mut errors,
            cluster_ips_error(spec, "must be empty when `clusterIP` is not specified"),
            "set clusterIP to the first entry of clusterIPs as well, or leave both out",
        );
    }
    let mut seen = Vec::new();
    for (idx, family) in spec.ip_families.iter().enumerate() {
        let family_path = path("spec.ipFamilies").index(idx);
        if family != "IPv4" && family != "IPv6" {
            not_supported(
                &mut errors,
                family_path.clone(),
                family,
                &["IPv4", "IPv6"],
                "use IPv4 (or IPv6 on a dual-stack cluster)",
            );
        }
        if !insert_new(&mut seen, family.as_str()) {
            duplicate(&mut errors, family_path, Value::str(family), "list each IP family once");
        }
    }
    let mut has_invalid_ips = false;
    for (idx, ip) in spec.cluster_ips.iter().enumerate() {
        if idx == 0 && ip == "None" {
            if spec.cluster_ips.len() > 1 {
                has_invalid_ips = true;
                push_at(
                    &mut errors,
                    cluster_ips_error(spec, "'None' must be the first and only value"),
                    cluster_ips_at(original, None),
                    "a headless Service has clusterIPs: [None] and nothing else",
                );
            }
            continue;
        }
        if names::parse_ip(ip).is_none() {
            has_invalid_ips = true;
            push_at(&mut errors, FieldError::invalid(cluster_ips_path.index(idx), Value::str(ip), names::INVALID_IP), cluster_ips_at(original, Some(idx)), "write an IPv4 address from the Service CIDR 10.96.0.0/12, `None` for a headless Service, or leave it out and the cluster picks one");
        }
    }
    if spec.cluster_ips.len() > 2 {
        push(
            &mut errors,
            cluster_ips_error(spec, "may only hold up to 2 values"),
            "give at most one address per IP family",
        );
    }
    if has_invalid_ips {
        return errors;
    }
    if spec.cluster_ips.len() > 1 {
        let (mut has_v4, mut has_v6) = (false, false);
        for ip in spec.cluster_ips.iter().filter_map(|ip| names::parse_ip(ip)) {
            if ip.is_ipv6() {
                has_v6 = true;
            } else {
                has_v4 = true;
            }
        }
        let families = usize::from(has_v4) + usize::from(has_v6);
        if families != spec.cluster_ips.len() {
            push(
                &mut errors,
                cluster_ips_error(spec, "may specify no more than one IP for each IP family"),
                "give at most one IPv4 and one IPv6 address",
            );
        }
    }
    if !is_headless(spec) {
        for (idx, (ip, family)) in spec.cluster_ips.iter().zip(&spec.ip_families).enumerate() {
            let is_v6 = names::parse_ip(ip).is_some_and(|ip| ip.is_ipv6());
            // The family the address should have had, when it has the other one.
            let expected = match (family.as_str(), is_v6) {
                ("IPv4", true) => "IPv4",
                ("IPv6", false) => "IPv6",
                _ => continue,
            };
            push_at(
                &mut errors,
                FieldError::invalid(
                    cluster_ips_path.index(idx),
                    Value::str(ip),
                    &format!("expected an {expected} value as indicated by `ipFamilies[{idx}]`"),
                ),
                cluster_ips_at(original, Some(idx)),
                "make clusterIPs and ipFamilies agree",
            );
        }
    }
    if !errors.is_empty() {
        return errors;
    }
    // `initIPFamilyFields`: the families (given, or implied by clusterIPs) must be configured.
    let mut families: Vec<String> = spec.ip_families.clone();
    for (idx, ip) in spec.cluster_ips.iter().enumerate() {
        if let Some(ip) = names::parse_ip(ip) {
            if idx >= families.len() {
                families.push(if ip.is_ipv6() { "IPv6" } else { "IPv4" }.to_string());
            }
        }
    }
    for (idx, family) in families.iter().enumerate() {
        if family == "IPv6" {
            let at = if idx < spec.ip_families.len() {
                path("spec.ipFamilies").index(idx)
            } else {
                cluster_ips_at(original, Some(idx))
            };
            push_at(&mut errors, FieldError::invalid(path("spec.ipFamilies").index(idx), Value::str(family), "not configured on this cluster"), at, "svcroute simulates an IPv4 single-stack cluster like kind's default; use an IPv4 address");
        }
    }
    errors
}

/// `ValidateService`: every remaining error of a Service, in the Go code's order.
pub(crate) fn service(service: &raw::Service, original: &raw::Service) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let spec = &service.spec;
    let metadata = &service.metadata;
    name_errors(&mut errors, metadata.name.as_deref(), names::is_dns1035_label, "Service", "a Service name is lowercase letters, digits and '-', starts with a letter and ends with a letter or digit (it becomes a DNS name)");
    namespace_errors(&mut errors, metadata);

    let is_headless = is_headless(spec);
    let type_ = spec.type_.as_deref().unwrap_or("");
    if spec.ports.is_empty() && !is_headless && type_ != "ExternalName" {
        required(&mut errors, path("spec.ports"), "", "list at least one port under spec.ports");
    }
    match type_ {
        "LoadBalancer" | "NodePort" if is_headless => {
            push_at(
                &mut errors,
                FieldError::invalid(
                    path("spec.clusterIPs").index(0),
                    Value::str("None"),
                    &format!("may not be set to 'None' for {type_} services"),
                ),
                cluster_ips_at(&original.spec, Some(0)),
                &format!("a {type_} Service needs a cluster IP: remove `clusterIP: None`"),
            );
        }
        "ExternalName" => {
            if !spec.cluster_ips.is_empty() {
                push_at(
                    &mut errors,
                    FieldError::forbidden(
                        path("spec.clusterIPs"),
                        "may not be set for ExternalName services",
                    ),
                    cluster_ips_at(&original.spec, None),
                    "remove clusterIP: an ExternalName Service is only a DNS alias",
                );
            }
            if !spec.ip_families.is_empty() {
                forbidden(
                    &mut errors,
                    path("spec.ipFamilies"),
                    "may not be set for ExternalName services",
                    "remove ipFamilies: an ExternalName Service is only a DNS alias",
                );
            }
            let external_name = spec.external_name.as_deref().unwrap_or("");
            let cname = external_name.strip_suffix('.').unwrap_or(external_name);
            if cname.is_empty() {
                required(
                    &mut errors,
                    path("spec.externalName"),
                    "",
                    "set externalName to the DNS name the Service stands for",
                );
            } else {
                invalid_each(
                    &mut errors,
                    &path("spec.externalName"),
                    None,
                    cname,
                    names::is_dns1123_subdomain(cname),
                    "write a DNS name such as my.database.example.com",
                );
            }
        }
        _ => {}
    }

    let mut port_names = Vec::new();
    let require_name = spec.ports.len() > 1;
    for (idx, port) in spec.ports.iter().enumerate() {
        errors.extend(service_port(port, idx, require_name, &mut port_names));
    }

    if let Some(selector) = &spec.selector {
        for (key, value) in selector {
            let at = path("spec.selector").field(key);
            invalid_each(&mut errors, &path("spec.selector"), Some(&at), key, names::is_qualified_name(key), "a label key is a name of letters, digits, '-', '_' and '.', optionally prefixed by a DNS subdomain and '/'");
            invalid_each(&mut errors, &path("spec.selector"), Some(&at), value, names::is_valid_label_value(value), "a label value is at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
        }
    }

    match spec.session_affinity.as_deref().unwrap_or("") {
        "ClientIP" => {
            let timeout = spec
                .session_affinity_config
                .as_ref()
                .and_then(|config| config.client_ip.as_ref())
                .and_then(|client_ip| client_ip.timeout_seconds);
            if let Some(timeout) = timeout {
                if timeout <= 0 || timeout > 86400 {
                    invalid(&mut errors, path("spec.sessionAffinityConfig.clientIP.timeoutSeconds"), Value::Int(timeout), "must be greater than 0 and less than 86400", "choose a timeout from 1 to 86400 seconds, or leave it out for 10800 (3 hours)");
                }
            }
        }
        "None" => {}
        other => not_supported(
            &mut errors,
            path("spec.sessionAffinity"),
            other,
            &["ClientIP", "None"],
            "use None, or ClientIP to send each client to the same pod",
        ),
    }

    errors.extend(cluster_ips_related_fields(spec, &original.spec));

    for (idx, text) in spec.external_ips.iter().enumerate() {
        let ip_path = path("spec.externalIPs").index(idx);
        match names::parse_ip(text) {
            None => invalid(
                &mut errors,
                ip_path,
                Value::str(text),
                names::INVALID_IP,
                "write an IP address that routes to one of the nodes",
            ),
            Some(ip) => {
                invalid_each(
                    &mut errors,
                    &ip_path,
                    None,
                    text,
                    names::non_special_ip_errors(text, ip),
                    "use an address that routes to one of the nodes, not a special-purpose one",
                );
            }
        }
    }

    if !SERVICE_TYPES.contains(&type_) {
        not_supported(
            &mut errors,
            path("spec.type"),
            type_,
            &SERVICE_TYPES,
            "use ClusterIP, NodePort, LoadBalancer or ExternalName (the spelling and case matter)",
        );
    }

    if type_ == "ClusterIP" {
        for (idx, port) in spec.ports.iter().enumerate() {
            if port.node_port.unwrap_or(0) != 0 {
                forbidden(&mut errors, port_path(idx).field("nodePort"), "may not be used when `type` is 'ClusterIP'", "remove nodePort, or set `type: NodePort` (or LoadBalancer) to open the port on every node");
            }
        }
    }

    let mut node_ports = Vec::new();
    for (idx, port) in spec.ports.iter().enumerate() {
        let node_port = port.node_port.unwrap_or(0);
        if node_port == 0 {
            continue;
        }
        if !insert_new(&mut node_ports, (port.protocol.as_deref(), node_port)) {
            duplicate(
                &mut errors,
                port_path(idx).field("nodePort"),
                Value::Int(node_port),
                "give each port its own nodePort, or leave nodePort out and the cluster picks one",
            );
        }
    }

    let mut ports = Vec::new();
    for (idx, port) in spec.ports.iter().enumerate() {
        let protocol = port.protocol.clone().unwrap_or_default();
        let number = port.port.unwrap_or(0);
        if !insert_new(&mut ports, (protocol.clone(), number)) {
            let key = format!(
                "core.ServicePort{{Name:\"\", Protocol:{}, AppProtocol:(*string)(nil), Port:{number}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}",
                go_quote(&protocol)
            );
            duplicate(&mut errors, port_path(idx), Value::Go(key), &format!("port {number}/{protocol} is listed twice: remove one, or give it another port number"));
        }
    }

    if !spec.load_balancer_source_ranges.is_empty() {
        let ranges_path = path("spec.LoadBalancerSourceRanges");
        if type_ != "LoadBalancer" {
            push_at(
                &mut errors,
                FieldError::forbidden(
                    ranges_path.clone(),
                    "may only be used when `type` is 'LoadBalancer'",
                ),
                path("spec.loadBalancerSourceRanges"),
                "remove loadBalancerSourceRanges, or set `type: LoadBalancer`",
            );
        }
        for (idx, range) in spec.load_balancer_source_ranges.iter().enumerate() {
            let range = range.trim();
            if names::parse_cidr(range).is_none() {
                push_at(
                    &mut errors,
                    FieldError::invalid(
                        ranges_path.index(idx),
                        Value::str(range),
                        names::INVALID_CIDR,
                    ),
                    path("spec.loadBalancerSourceRanges").index(idx),
                    "write a network as address/prefix, such as 203.0.113.0/24",
                );
            }
        }
    }

    if original.spec.allocate_load_balancer_node_ports.is_some() && type_ != "LoadBalancer" {
        forbidden(
            &mut errors,
            path("spec.allocateLoadBalancerNodePorts"),
            "may only be used when `type` is 'LoadBalancer'",
            "remove allocateLoadBalancerNodePorts, or set `type: LoadBalancer`",
        );
    }
    if spec.load_balancer_class.is_some() && type_ != "LoadBalancer" {
        forbidden(
            &mut errors,
            path("spec.loadBalancerClass"),
            "may only be used when `type` is 'LoadBalancer'",
            "remove loadBalancerClass, or set `type: LoadBalancer`",
        );
    }
    if let Some(class) = spec.load_balancer_class.as_deref() {
        invalid_each(
            &mut errors,
            &path("spec.loadBalancerClass"),
            None,
            class,
            names::is_qualified_name(class),
            "a load balancer class is a label-style name such as example.com/internal-vip",
        );
    }

    errors.extend(external_traffic_policy(spec));

    match spec.internal_traffic_policy.as_deref() {
        None | Some("Cluster") | Some("Local") => {}
        Some(other) => not_supported(
            &mut errors,
            path("spec.internalTrafficPolicy"),
            other,
            &["Cluster", "Local"],
            "use Cluster, or Local to keep in-cluster traffic on the client's node",
        ),
    }
    errors
}

/// `validateServicePort`.
fn service_port(
    port: &raw::ServicePort,
    idx: usize,
    require_name: bool,
    port_names: &mut Vec<String>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let at = port_path(idx);
    let name = port.name.as_deref().unwrap_or("");
    if require_name && name.is_empty() {
        push_at(
            &mut errors,
            FieldError::required(at.field("name"), ""),
            at.clone(),
            "a Service with several ports must name each one, e.g. `name: http`",
        );
    } else if !name.is_empty() {
        invalid_each(&mut errors, &at.field("name"), None, name, names::is_dns1123_label(name), "a port name is lowercase letters, digits and '-', starting and ending with a letter or digit");
        if !insert_new(port_names, name.to_string()) {
            duplicate(
                &mut errors,
                at.field("name"),
                Value::str(name),
                "give each port a different name",
            );
        }
    }
    let number = port.port.unwrap_or(0);
    if !names::is_valid_port_num(number) {
        push_at(
            &mut errors,
            FieldError::invalid(at.field("port"), Value::Int(number), names::INVALID_PORT_NUM),
            if port.port.is_some() { at.field("port") } else { at.clone() },
            "choose a port from 1 to 65535",
        );
    }
    let protocol = port.protocol.as_deref().unwrap_or("");
    protocol_errors(
        &mut errors,
        &at,
        protocol,
        "use TCP, UDP or SCTP in capitals; HTTP and the like go in appProtocol",
    );
    match &port.target_port {
        Some(raw::IntOrString::Int(target)) if !names::is_valid_port_num(*target) => {
            invalid(
                &mut errors,
                at.field("targetPort"),
                Value::Int(*target),
                names::INVALID_PORT_NUM,
                "choose a container port from 1 to 65535, or the name of a container port",
            );
        }
        Some(raw::IntOrString::String(target)) => {
            invalid_each(&mut errors, &at.field("targetPort"), None, target, names::is_valid_port_name(target), "write a port number without quotes, or the name of a container port (lowercase letters, digits and '-', at most 15 characters)");
        }
        Some(raw::IntOrString::Int(_)) | None => {}
    }
    if let Some(app_protocol) = port.app_protocol.as_deref() {
        invalid_each(
            &mut errors,
            &at.field("appProtocol"),
            None,
            app_protocol,
            names::is_qualified_name(app_protocol),
            "use a protocol name such as http, or a prefixed one such as kubernetes.io/h2c",
        );
    }
    errors
}

/// `validateServiceExternalTrafficPolicy`.
fn external_traffic_policy(spec: &raw::ServiceSpec) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let policy = spec.external_traffic_policy.as_deref().unwrap_or("");
    if !super::defaults::is_externally_accessible(spec) {
        if !policy.is_empty() {
            invalid(&mut errors, path("spec.externalTrafficPolicy"), Value::str(policy), "may only be set for externally-accessible services", "remove externalTrafficPolicy, or make the Service reachable from outside (type NodePort or LoadBalancer, or externalIPs)");
        }
    } else if policy != "Cluster" && policy != "Local" {
        not_supported(
            &mut errors,
            path("spec.externalTrafficPolicy"),
            policy,
            &["Cluster", "Local"],
            "use Cluster, or Local to keep the client's address and avoid a second hop",
        );
    }
    let health_check_node_port = spec.health_check_node_port.unwrap_or(0);
    if !super::defaults::needs_health_check(spec) {
        if health_check_node_port != 0 {
            invalid(&mut errors, path("spec.healthCheckNodePort"), Value::Int(health_check_node_port), "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'", "remove healthCheckNodePort: only a LoadBalancer Service with externalTrafficPolicy Local has one");
        }
    } else if health_check_node_port != 0 && !names::is_valid_port_num(health_check_node_port) {
        invalid(
            &mut errors,
            path("spec.healthCheckNodePort"),
            Value::Int(health_check_node_port),
            names::INVALID_PORT_NUM,
            "choose a port from 30000 to 32767, or leave it out and the cluster picks one",
        );
    }
    errors
}

/// `metadata.namespace`, when given, is a DNS-1123 label.
fn namespace_errors(errors: &mut Vec<FieldError>, metadata: &raw::ObjectMeta) {
    let Some(namespace) = metadata.namespace.as_deref().filter(|ns| !ns.is_empty()) else {
        return;
    };
    let messages = names::is_dns1123_label(namespace);
    if !messages.is_empty() {
        invalid_each(
            errors,
            &path("metadata.namespace"),
            None,
            namespace,
            messages,
            "a namespace name is lowercase letters, digits and '-'",
        );
    }
}

/// `metadata.name`: required, then one error per message of `check`. One function for
/// every kind, so the page compiles these checks once.
pub(crate) fn name_errors(
    errors: &mut Vec<FieldError>,
    name: Option<&str>,
    check: fn(&str) -> Vec<String>,
    kind: &str,
    help: &str,
) {
    match name {
        None | Some("") => required(
            errors,
            path("metadata.name"),
            "name or generateName is required",
            &format!("give the {kind} a name under metadata"),
        ),
        Some(name) => {
            let messages = check(name);
            if !messages.is_empty() {
                invalid_each(errors, &path("metadata.name"), None, name, messages, help);
            }
        }
    }
}

/// One `field.Invalid` for `value` at `path` (pointing at `at` when given) per message of a
/// name check: one function, so the page compiles this loop once rather than at each check.
pub(crate) fn invalid_each(
    errors: &mut Vec<FieldError>,
    path: &FieldPath,
    at: Option<&FieldPath>,
    value: &str,
    messages: Vec<String>,
    help: &str,
) {
    for message in messages {
        let mut error = FieldError::invalid(path.clone(), Value::str(value), &message).help(help);
        error.at = at.cloned();
        errors.push(error);
    }
}

/// `ValidatePod`'s name and `validateContainerPorts` for every container (facts 7.6).
pub(crate) fn pod(pod: &raw::Pod) -> Vec<FieldError> {
    let mut errors = Vec::new();
    name_errors(
        &mut errors,
        pod.metadata.name.as_deref(),
        names::is_dns1123_subdomain,
        "Pod",
        "a Pod name is lowercase letters, digits, '-' and '.'",
    );
    namespace_errors(&mut errors, &pod.metadata);
    for (list, containers) in
        [("containers", &pod.spec.containers), ("initContainers", &pod.spec.init_containers)]
    {
        for (container_idx, container) in containers.iter().enumerate() {
            let ports_path = path("spec").field(list).index(container_idx).field("ports");
            errors.extend(container_ports(&container.ports, &ports_path));
        }
    }
    errors
}

/// `validateContainerPorts`.
fn container_ports(ports: &[raw::ContainerPort], ports_path: &FieldPath) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut port_names = Vec::new();
    for (idx, port) in ports.iter().enumerate() {
        let at = ports_path.index(idx);
        if let Some(name) = port.name.as_deref().filter(|name| !name.is_empty()) {
            let messages = names::is_valid_port_name(name);
            if !messages.is_empty() {
                invalid_each(&mut errors, &at.field("name"), None, name, messages, "a container port name is at most 15 lowercase letters, digits and '-', with at least one letter");
            } else if !insert_new(&mut port_names, name) {
                duplicate(
                    &mut errors,
                    at.field("name"),
                    Value::str(name),
                    "give each port of a container a different name",
                );
            }
        }
        match port.container_port.unwrap_or(0) {
            0 => push_at(
                &mut errors,
                FieldError::required(at.field("containerPort"), ""),
                if port.container_port.is_some() { at.field("containerPort") } else { at.clone() },
                "set containerPort to the port the container listens on",
            ),
            number if !names::is_valid_port_num(number) => invalid(
                &mut errors,
                at.field("containerPort"),
                Value::Int(number),
                names::INVALID_PORT_NUM,
                "choose a port from 1 to 65535",
            ),
            _ => {}
        }
        let protocol = port.protocol.as_deref().filter(|p| !p.is_empty()).unwrap_or("TCP");
        protocol_errors(&mut errors, &at, protocol, "use TCP, UDP or SCTP in capitals");
    }
    errors
}

/// The parts of `ValidateEndpointSlice` that decide what kube-proxy can read.
pub(crate) fn endpoint_slice(slice: &raw::EndpointSlice) -> Vec<FieldError> {
    let mut errors = Vec::new();
    name_errors(
        &mut errors,
        slice.metadata.name.as_deref(),
        names::is_dns1123_subdomain,
        "EndpointSlice",
        "an EndpointSlice name is lowercase letters, digits, '-' and '.'",
    );
    namespace_errors(&mut errors, &slice.metadata);
    let address_type = slice.address_type.as_deref().unwrap_or("");
    if address_type.is_empty() {
        required(&mut errors, path("addressType"), "", "set addressType: IPv4 (or IPv6, or FQDN)");
    } else if !["FQDN", "IPv4", "IPv6"].contains(&address_type) {
        not_supported(
            &mut errors,
            path("addressType"),
            address_type,
            &["FQDN", "IPv4", "IPv6"],
            "use IPv4, IPv6 or FQDN",
        );
    }
    for (endpoint_idx, endpoint) in slice.endpoints.iter().enumerate() {
        let addresses_path = path("endpoints").index(endpoint_idx).field("addresses");
        if endpoint.addresses.is_empty() {
            push_at(
                &mut errors,
                FieldError::required(addresses_path.clone(), "must contain at least 1 address"),
                path("endpoints").index(endpoint_idx),
                "give the endpoint its address under addresses",
            );
        }
        for (idx, address) in endpoint.addresses.iter().enumerate() {
            let at = addresses_path.index(idx);
            let parsed = names::parse_ip(address);
            let (wanted_v6, family) = match address_type {
                "IPv4" => (false, "IPv4"),
                "IPv6" => (true, "IPv6"),
                _ => continue,
            };
            match parsed {
                Some(ip) if ip.is_ipv6() == wanted_v6 => {
                    invalid_each(
                        &mut errors,
                        &at,
                        None,
                        address,
                        names::non_special_ip_errors(address, ip),
                        "use a pod's or a host's address, not a special-purpose one",
                    );
                }
                _ => invalid(
                    &mut errors,
                    at,
                    Value::str(address),
                    &format!("must be a valid {family} address"),
                    &format!("write an {family} address, matching addressType"),
                ),
            }
        }
    }
    for (idx, port) in slice.ports.iter().enumerate() {
        let at = path("ports").index(idx);
        if let Some(name) = port.name.as_deref().filter(|name| !name.is_empty()) {
            invalid_each(
                &mut errors,
                &at.field("name"),
                None,
                name,
                names::is_dns1123_label(name),
                "use the Service port's name exactly",
            );
        }
        if let Some(number) = port.port {
            if !names::is_valid_port_num(number) {
                invalid(
                    &mut errors,
                    at.field("port"),
                    Value::Int(number),
                    names::INVALID_PORT_NUM,
                    "choose a port from 1 to 65535",
                );
            }
        }
        let protocol = port.protocol.as_deref().unwrap_or("TCP");
        protocol_errors(&mut errors, &at, protocol, "use TCP, UDP or SCTP in capitals");
    }
    errors
}

/// Pushes `error` with its `help`: one call at each check instead of a builder chain and a
/// push compiled at each.
fn push(errors: &mut Vec<FieldError>, error: FieldError, help: &str) {
    errors.push(error.help(help));
}

/// [`push`] for an error that points at `at` in the pasted text rather than at its path.
fn push_at(errors: &mut Vec<FieldError>, error: FieldError, at: FieldPath, help: &str) {
    push(errors, error.at(at), help);
}

/// `field.NotSupported` at `at.protocol` unless `protocol` is TCP, UDP or SCTP.
fn protocol_errors(errors: &mut Vec<FieldError>, at: &FieldPath, protocol: &str, help: &str) {
    if !PROTOCOLS.contains(&protocol) {
        not_supported(errors, at.field("protocol"), protocol, &PROTOCOLS, help);
    }
}

/// `field.Invalid` with its help, pushed: one call at each check.
fn invalid(errors: &mut Vec<FieldError>, path: FieldPath, value: Value, detail: &str, help: &str) {
    push(errors, FieldError::invalid(path, value, detail), help);
}

/// `field.Required` with its help, pushed.
fn required(errors: &mut Vec<FieldError>, path: FieldPath, detail: &str, help: &str) {
    push(errors, FieldError::required(path, detail), help);
}

/// `field.Forbidden` with its help, pushed.
fn forbidden(errors: &mut Vec<FieldError>, path: FieldPath, detail: &str, help: &str) {
    push(errors, FieldError::forbidden(path, detail), help);
}

/// `field.Duplicate` with its help, pushed.
fn duplicate(errors: &mut Vec<FieldError>, path: FieldPath, value: Value, help: &str) {
    push(errors, FieldError::duplicate(path, value), help);
}

/// `field.NotSupported` with its help, pushed.
fn not_supported(
    errors: &mut Vec<FieldError>,
    path: FieldPath,
    value: &str,
    supported: &[&str],
    help: &str,
) {
    push(errors, FieldError::not_supported(path, value, supported), help);
}

/// Adds `item` to `seen` unless it is there already, answering as `BTreeSet::insert` does.
/// These sets hold one object's few ports, names or families: a scan of a Vec is as fast
/// and compiles to far less than a tree per item type.
fn insert_new<T: PartialEq>(seen: &mut Vec<T>, item: T) -> bool {
    let is_new = !seen.contains(&item);
    if is_new {
        seen.push(item);
    }
    is_new
}
