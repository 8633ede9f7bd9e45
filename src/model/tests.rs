//! Model tests: pasted text in, the cluster and diagnostics a user would see out.

use super::*;
use crate::diagnostic::Severity;
use crate::input;

/// Builds `yaml` and renders what matters as compact lines: services with their addresses,
/// ports and endpoints, then every diagnostic as `severity line:col field: message`.
fn render(yaml: &str, options: &BuildOptions) -> String {
    let parsed = input::parse(yaml);
    let (cluster, diagnostics) = build(&parsed, options);
    let mut out = String::new();
    for service in &cluster.services {
        let ingress: Vec<String> = service
            .load_balancer_ingress
            .iter()
            .filter_map(|i| i.ip.map(|ip| ip.to_string()))
            .collect();
        out.push_str(&format!(
            "svc {}/{} {} {} lb=[{}] hc={:?}\n",
            service.namespace,
            service.name,
            service.type_,
            service.cluster_ip_text,
            ingress.join(","),
            service.health_check_node_port
        ));
        for port in &service.ports {
            let endpoints: Vec<String> = port
                .endpoints
                .iter()
                .map(|e| {
                    let flags = format!(
                        "{}{}{}",
                        if e.is_ready { "R" } else { "-" },
                        if e.is_serving { "S" } else { "-" },
                        if e.is_terminating { "T" } else { "-" }
                    );
                    format!(
                        "{}:{}@{}/{}",
                        e.ip,
                        e.port,
                        e.node_name.as_deref().unwrap_or("?"),
                        flags
                    )
                })
                .collect();
            out.push_str(&format!(
                "  port {:?} {}/{} -> {} np={:?} eps=[{}]\n",
                port.name,
                port.port,
                port.protocol,
                port.target_port,
                port.node_port,
                endpoints.join(" ")
            ));
        }
    }
    for pod in &cluster.pods {
        out.push_str(&format!(
            "pod {}/{} {} {} ready={} ip={}\n",
            pod.namespace,
            pod.name,
            pod.node_name.as_deref().unwrap_or("-"),
            pod.phase,
            pod.is_ready,
            pod.ip.map(|ip| ip.to_string()).unwrap_or_else(|| "-".into())
        ));
    }
    for slice in &cluster.endpoint_slices {
        out.push_str(&format!(
            "slice {}/{} svc={} ports={} endpoints={}\n",
            slice.namespace,
            slice.name,
            slice.service_name.as_deref().unwrap_or("-"),
            slice.ports.len(),
            slice.endpoints.len()
        ));
    }
    let cidrs: Vec<String> = cluster.cluster_cidrs.iter().map(|c| c.to_string()).collect();
    out.push_str(&format!("cluster_cidrs {}\n", cidrs.join(",")));
    for d in &diagnostics {
        let at = d.span.map(|s| format!("{}:{}", s.line, s.column)).unwrap_or_else(|| "-".into());
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        };
        out.push_str(&format!(
            "{severity} {at} {}: {}\n",
            d.field.as_deref().unwrap_or("-"),
            d.message
        ));
    }
    out
}

const KIADA_POD: &str = "
apiVersion: v1
kind: Pod
metadata:
  name: kiada-001
  labels:
    app: kiada
spec:
  nodeName: kind-worker2
  containers:
  - name: kiada
    ports:
    - name: http
      containerPort: 8080
status:
  phase: Running
  podIP: 10.244.1.90
  conditions:
  - type: Ready
    status: \"True\"
";

#[test]
fn listing_11_3_on_the_default_kind_cluster() {
    let text = format!(
        "{KIADA_POD}---
apiVersion: v1
kind: Service
metadata:
  name: kiada
spec:
  type: NodePort
  selector:
    app: kiada
  ports:
  - name: http
    port: 80
    nodePort: 30080
    targetPort: 8080
  - name: https
    port: 443
    nodePort: 30443
    targetPort: 8443
"
    );
    let rendered = render(&text, &BuildOptions::default());
    assert_eq!(
        rendered,
        "svc default/kiada NodePort 10.99.163.212 lb=[] hc=None
  port \"http\" 80/TCP -> 8080 np=Some(30080) eps=[10.244.1.90:8080@kind-worker2/RS-]
  port \"https\" 443/TCP -> 8443 np=Some(30443) eps=[10.244.1.90:8443@kind-worker2/RS-]
pod default/kiada-001 kind-worker2 Running ready=true ip=10.244.1.90
slice default/kiada-84zk4 svc=kiada ports=2 endpoints=1
cluster_cidrs 10.244.0.0/16
notice - -: no Node given: using the book's three-node kind cluster (kind-control-plane, kind-worker, kind-worker2)
notice 26:1 spec.clusterIP: filled in clusterIP 10.99.163.212 from 10.96.0.0/12
"
    );
}
