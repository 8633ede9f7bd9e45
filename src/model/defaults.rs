//! What the API server fills in before it validates a Service or an EndpointSlice.
//!
//! Source: k8s `pkg/apis/core/v1/defaults.go` — `SetDefaults_Service`;
//! `pkg/apis/discovery/v1/defaults.go` — `SetDefaults_EndpointPort` (facts 7.2).

use crate::input::raw;

/// The namespace kubectl uses when a manifest names none (the default context's).
pub(crate) const DEFAULT_NAMESPACE: &str = "default";

/// `ClientIP` affinity's default `timeoutSeconds` (`DefaultClientIPServiceAffinitySeconds`).
pub(crate) const DEFAULT_AFFINITY_TIMEOUT: i64 = 10800;

/// `service.ExternallyAccessible`: NodePort, LoadBalancer, or ClusterIP with externalIPs.
pub(crate) fn is_externally_accessible(spec: &raw::ServiceSpec) -> bool {
    match spec.type_.as_deref() {
        Some("NodePort") | Some("LoadBalancer") => true,
        Some("ClusterIP") => !spec.external_ips.is_empty(),
        _ => false,
    }
}

/// `service.NeedsHealthCheck`: LoadBalancer with `externalTrafficPolicy: Local`.
pub(crate) fn needs_health_check(spec: &raw::ServiceSpec) -> bool {
    spec.type_.as_deref() == Some("LoadBalancer")
        && spec.external_traffic_policy.as_deref() == Some("Local")
}

/// Applies `SetDefaults_Service` in place, in the Go function's order.
pub(crate) fn apply_service_defaults(service: &mut raw::Service) {
    let spec = &mut service.spec;
    if spec.session_affinity.as_deref().is_none_or(str::is_empty) {
        spec.session_affinity = Some("None".to_string());
    }
    // The API server drops the config silently under `None`, so the Forbidden rule for it
    // in ValidateService never fires for a v1 object.
    if spec.session_affinity.as_deref() == Some("None") {
        spec.session_affinity_config = None;
    }
    if spec.session_affinity.as_deref() == Some("ClientIP") {
        let has_timeout = spec
            .session_affinity_config
            .as_ref()
            .and_then(|config| config.client_ip.as_ref())
            .is_some_and(|client_ip| client_ip.timeout_seconds.is_some());
        if !has_timeout {
            spec.session_affinity_config = Some(raw::SessionAffinityConfig {
                client_ip: Some(raw::ClientIpConfig {
                    timeout_seconds: Some(DEFAULT_AFFINITY_TIMEOUT),
                }),
            });
        }
    }
    if spec.type_.as_deref().is_none_or(str::is_empty) {
        spec.type_ = Some("ClusterIP".to_string());
    }
    for port in &mut spec.ports {
        if port.protocol.as_deref().is_none_or(str::is_empty) {
            port.protocol = Some("TCP".to_string());
        }
        let is_unset = match &port.target_port {
            None => true,
            Some(raw::IntOrString::Int(0)) => true,
            Some(raw::IntOrString::String(name)) => name.is_empty(),
            Some(raw::IntOrString::Int(_)) => false,
        };
        if is_unset {
            port.target_port = Some(raw::IntOrString::Int(port.port.unwrap_or(0)));
        }
    }
    if is_externally_accessible(spec)
        && spec.external_traffic_policy.as_deref().is_none_or(str::is_empty)
    {
        spec.external_traffic_policy = Some("Cluster".to_string());
    }
    if spec.internal_traffic_policy.is_none()
        && matches!(
            spec.type_.as_deref(),
            Some("NodePort") | Some("LoadBalancer") | Some("ClusterIP")
        )
    {
        spec.internal_traffic_policy = Some("Cluster".to_string());
    }
    if spec.type_.as_deref() == Some("LoadBalancer") {
        if spec.allocate_load_balancer_node_ports.is_none() {
            spec.allocate_load_balancer_node_ports = Some(true);
        }
        for ingress in &mut service.status.load_balancer.ingress {
            if ingress.ip.as_deref().is_some_and(|ip| !ip.is_empty()) && ingress.ip_mode.is_none() {
                ingress.ip_mode = Some("VIP".to_string());
            }
        }
    }
    // The v1 API keeps `clusterIP` and `clusterIPs` in step: a manifest that sets only the
    // former gets `clusterIPs: [clusterIP]` on create (k8s
    // `pkg/registry/core/service/storage/storage.go` — `normalizeClusterIPs`, run in
    // `beginCreate`), which is why errors name `spec.clusterIPs`. The reverse is not done.
    let spec = &mut service.spec;
    if let Some(cluster_ip) = spec.cluster_ip.as_deref().filter(|ip| !ip.is_empty()) {
        if spec.cluster_ips.is_empty() {
            spec.cluster_ips = vec![cluster_ip.to_string()];
        }
    }
}

/// Applies `SetDefaults_EndpointPort`: a port without a name gets `""` and without a
/// protocol gets TCP. So a pasted slice port with no name matches an unnamed Service port,
/// and kube-proxy's "nil name is ignored" rule (facts 1.4) never applies to stored slices.
pub(crate) fn apply_endpoint_port_defaults(port: &mut raw::EndpointPort) {
    if port.name.is_none() {
        port.name = Some(String::new());
    }
    if port.protocol.is_none() {
        port.protocol = Some("TCP".to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaulted(yaml: &str) -> raw::Service {
        let text = format!("kind: Service\n{yaml}");
        let parsed = crate::input::parse(&text);
        let Some(raw::Object::Service(mut service)) =
            parsed.documents.into_iter().next().map(|document| document.object)
        else {
            panic!("not a Service: {:?}", parsed.diagnostics)
        };
        apply_service_defaults(&mut service);
        service
    }

    #[test]
    fn a_bare_service_gets_the_api_servers_defaults() {
        let service = defaulted("spec:\n  ports:\n  - port: 80\n");
        let spec = &service.spec;
        assert_eq!(spec.type_.as_deref(), Some("ClusterIP"));
        assert_eq!(spec.ports[0].protocol.as_deref(), Some("TCP"));
        assert_eq!(spec.ports[0].target_port, Some(raw::IntOrString::Int(80)));
        assert_eq!(spec.session_affinity.as_deref(), Some("None"));
        assert_eq!(spec.internal_traffic_policy.as_deref(), Some("Cluster"));
        // Not externally accessible: no externalTrafficPolicy.
        assert_eq!(spec.external_traffic_policy, None);
    }

    #[test]
    fn external_traffic_policy_defaults_only_when_externally_accessible() {
        let nodeport = defaulted("spec:\n  type: NodePort\n  ports:\n  - port: 80\n");
        assert_eq!(nodeport.spec.external_traffic_policy.as_deref(), Some("Cluster"));
        let with_external_ip =
            defaulted("spec:\n  externalIPs: [1.2.3.4]\n  ports:\n  - port: 80\n");
        assert_eq!(with_external_ip.spec.external_traffic_policy.as_deref(), Some("Cluster"));
    }

    #[test]
    fn load_balancer_defaults() {
        let service = defaulted(
            "spec:\n  type: LoadBalancer\n  sessionAffinity: ClientIP\n  clusterIP: 10.96.0.20\nstatus:\n  loadBalancer:\n    ingress:\n    - ip: 172.18.255.200\n",
        );
        assert_eq!(service.spec.allocate_load_balancer_node_ports, Some(true));
        assert_eq!(service.status.load_balancer.ingress[0].ip_mode.as_deref(), Some("VIP"));
        let timeout = service
            .spec
            .session_affinity_config
            .and_then(|c| c.client_ip)
            .and_then(|c| c.timeout_seconds);
        assert_eq!(timeout, Some(10800));
        assert_eq!(service.spec.cluster_ips, ["10.96.0.20"]);
    }

    #[test]
    fn string_target_port_is_kept_and_empty_one_becomes_the_port() {
        let service = defaulted("spec:\n  ports:\n  - port: 80\n    targetPort: http\n  - port: 81\n    targetPort: ''\n");
        assert_eq!(
            service.spec.ports[0].target_port,
            Some(raw::IntOrString::String("http".into()))
        );
        assert_eq!(service.spec.ports[1].target_port, Some(raw::IntOrString::Int(81)));
    }
}
