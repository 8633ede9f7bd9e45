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

fn build_text(yaml: &str) -> (Cluster, Vec<crate::diagnostic::Diagnostic>) {
    build(&input::parse(yaml), &BuildOptions::default())
}

fn endpoints_of(cluster: &Cluster, service: &str, port_idx: usize) -> Vec<String> {
    let Some(service) = cluster.service("default", service) else {
        return vec!["<no service>".into()];
    };
    service.ports[port_idx]
        .endpoints
        .iter()
        .map(|e| {
            let flags = format!(
                "{}{}{}",
                if e.is_ready { "R" } else { "-" },
                if e.is_serving { "S" } else { "-" },
                if e.is_terminating { "T" } else { "-" }
            );
            format!("{}:{} {} {}", e.ip, e.port, e.node_name.as_deref().unwrap_or("-"), flags)
        })
        .collect()
}

fn messages(diagnostics: &[crate::diagnostic::Diagnostic], severity: Severity) -> Vec<String> {
    diagnostics.iter().filter(|d| d.severity == severity).map(|d| d.message.clone()).collect()
}

const SELECTORLESS: &str = "
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  ports:
  - name: pg
    port: 5432
";

#[test]
fn kube_proxy_reads_pasted_slices_by_name_and_protocol_and_sorts_by_ip_port_text() {
    let text = format!(
        "{SELECTORLESS}---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: db-a
  labels:
    kubernetes.io/service-name: db
addressType: IPv4
ports:
- name: pg
  port: 5432
- name: other
  port: 6000
- name: pg
  port: 5433
  protocol: UDP
endpoints:
- addresses: [10.0.0.2, 10.0.0.99]
  nodeName: kind-worker
- addresses: [10.0.0.10]
  conditions:
    terminating: true
    ready: false
- addresses: [10.0.0.3]
  conditions:
    ready: false
    serving: false
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: db-b
  labels:
    kubernetes.io/service-name: db
addressType: IPv4
ports:
- name: pg
  port: 5432
endpoints:
- addresses: [10.0.0.10]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: db-fqdn
  labels:
    kubernetes.io/service-name: db
addressType: FQDN
ports:
- name: pg
  port: 5432
endpoints:
- addresses: [db.example.com]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: db-no-port
  labels:
    kubernetes.io/service-name: db
addressType: IPv4
ports:
- name: pg
endpoints:
- addresses: [10.0.0.50]
"
    );
    let (cluster, diagnostics) = build_text(&text);
    assert_eq!(messages(&diagnostics, Severity::Error), Vec::<String>::new());
    // Only addresses[0]; 10.0.0.10 from two slices collapses with the non-terminating
    // copy winning; the unready, unserving endpoint is kept (kube-proxy filters later);
    // byte order puts 10.0.0.10 before 10.0.0.2; the UDP, FQDN and port-less slice ports
    // give nothing.
    assert_eq!(
        endpoints_of(&cluster, "db", 0),
        ["10.0.0.10:5432 - RS-", "10.0.0.2:5432 kind-worker RS-", "10.0.0.3:5432 - ---"]
    );
    // The service has pasted slices, so the controller writes none.
    assert_eq!(cluster.endpoint_slices.iter().filter(|s| s.doc.is_none()).count(), 0);
}

const PODS_FOR_CONTROLLER: &str = "
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: http
  - name: dns
    port: 53
    protocol: UDP
    targetPort: dns
  - name: admin
    port: 9000
---
apiVersion: v1
kind: Pod
metadata:
  name: ready
  labels: {app: web}
spec:
  nodeName: kind-worker
  containers:
  - name: app
    ports:
    - {name: dns, containerPort: 5353}
    - {name: http, containerPort: 8080}
  - name: udp
    ports:
    - {name: dns, containerPort: 5354, protocol: UDP}
status:
  phase: Running
  podIP: 10.244.2.10
  conditions: [{type: Ready, status: 'True'}]
---
apiVersion: v1
kind: Pod
metadata:
  name: sidecar
  labels: {app: web}
spec:
  nodeName: kind-worker2
  initContainers:
  - name: proxy
    restartPolicy: Always
    ports:
    - {name: http, containerPort: 8443}
  - name: setup
    ports:
    - {name: dns, containerPort: 5300, protocol: UDP}
  containers:
  - name: app
status:
  phase: Running
  podIP: 10.244.1.10
  conditions: [{type: Ready, status: 'False'}]
---
apiVersion: v1
kind: Pod
metadata:
  name: leaving
  labels: {app: web}
  deletionTimestamp: '2026-11-25T10:00:00Z'
spec:
  nodeName: kind-worker
  containers:
  - name: app
    ports:
    - {name: http, containerPort: 8080}
status:
  phase: Running
  podIP: 10.244.2.11
  conditions: [{type: Ready, status: 'True'}]
---
apiVersion: v1
kind: Pod
metadata:
  name: done
  labels: {app: web}
spec:
  nodeName: kind-worker
  containers:
  - name: app
status:
  phase: Succeeded
  podIP: 10.244.2.12
---
apiVersion: v1
kind: Pod
metadata:
  name: ghost
  labels: {app: web}
spec:
  nodeName: kind-worker9
  containers:
  - name: app
status:
  phase: Running
  podIP: 10.244.9.9
  conditions: [{type: Ready, status: 'True'}]
";

#[test]
fn the_controller_resolves_named_ports_per_pod_and_writes_conditions() {
    let (cluster, diagnostics) = build_text(PODS_FOR_CONTROLLER);
    assert_eq!(
        messages(&diagnostics, Severity::Warning),
        [
            "pod ghost is on node kind-worker9, which is not in the input",
            "no UDP container port named dns in pod leaving, sidecar, so it is no endpoint of port dns"
        ]
    );
    // http: by name and protocol; the sidecar's restartable init container counts.
    assert_eq!(
        endpoints_of(&cluster, "web", 0),
        [
            "10.244.1.10:8443 kind-worker2 ---",
            "10.244.2.10:8080 kind-worker RS-",
            "10.244.2.11:8080 kind-worker -ST"
        ]
    );
    // dns over UDP: the TCP port named dns does not count, nor does a plain init container;
    // a pod lacking the port is no endpoint of this port.
    assert_eq!(endpoints_of(&cluster, "web", 1), ["10.244.2.10:5354 kind-worker RS-"]);
    // A number applies to every pod. The Succeeded pod and the pod on a missing node are out.
    assert_eq!(
        endpoints_of(&cluster, "web", 2),
        [
            "10.244.1.10:9000 kind-worker2 ---",
            "10.244.2.10:9000 kind-worker RS-",
            "10.244.2.11:9000 kind-worker -ST"
        ]
    );
    let slices: Vec<(usize, usize)> = cluster
        .endpoint_slices
        .iter()
        .map(|slice| (slice.ports.len(), slice.endpoints.len()))
        .collect();
    // Grouped by resolved port list: {http,dns,admin} ready; {http:8443,admin} sidecar;
    // {http:8080,admin} leaving.
    let mut sorted = slices.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [(2, 1), (2, 1), (3, 1)]);
}

#[test]
fn publish_not_ready_addresses_marks_everyone_ready_and_keeps_pods_on_missing_nodes() {
    let text = PODS_FOR_CONTROLLER.replacen(
        "spec:\n  selector:",
        "spec:\n  publishNotReadyAddresses: true\n  selector:",
        1,
    );
    let (cluster, _) = build_text(&text);
    assert_eq!(
        endpoints_of(&cluster, "web", 2),
        [
            "10.244.1.10:9000 kind-worker2 R--",
            "10.244.2.10:9000 kind-worker RS-",
            "10.244.2.11:9000 kind-worker RST",
            "10.244.9.9:9000 kind-worker9 RS-"
        ]
    );
}

#[test]
fn a_service_without_pods_gets_the_empty_placeholder_slice() {
    let (cluster, diagnostics) = build_text("apiVersion: v1\nkind: Service\nmetadata: {name: lonely}\nspec:\n  selector: {app: none}\n  ports: [{port: 80}]\n");
    let slices: Vec<String> = cluster
        .endpoint_slices
        .iter()
        .map(|s| format!("{} {:?} {} {}", s.name, s.service_name, s.ports.len(), s.endpoints.len()))
        .collect();
    assert_eq!(slices.len(), 1);
    assert!(
        slices[0].starts_with("lonely-") && slices[0].ends_with(" Some(\"lonely\") 0 0"),
        "{slices:?}"
    );
    assert_eq!(
        messages(&diagnostics, Severity::Warning),
        ["selector app=none matches no pod in namespace default"]
    );
}

#[test]
fn fills_do_not_depend_on_document_order() {
    let a = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n";
    let b = "apiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n";
    let forward = render(&format!("{a}---\n{b}"), &BuildOptions::default());
    let (backward_cluster, _) = build_text(&format!("{b}---\n{a}"));
    let (forward_cluster, _) = build_text(&format!("{a}---\n{b}"));
    for name in ["a", "b"] {
        let f = forward_cluster.service("default", name).unwrap();
        let r = backward_cluster.service("default", name).unwrap();
        assert_eq!((f.cluster_ip, f.ports[0].node_port), (r.cluster_ip, r.ports[0].node_port));
    }
    // Byte for byte the same on a second run.
    assert_eq!(forward, render(&format!("{a}---\n{b}"), &BuildOptions::default()));
}

#[test]
fn ports_with_the_same_number_share_one_filled_node_port() {
    let (cluster, _) = build_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: dns}\nspec:\n  type: NodePort\n  ports:\n  - {name: tcp, port: 53}\n  - {name: udp, port: 53, protocol: UDP}\n  - {name: other, port: 54}\n",
    );
    let service = cluster.service("default", "dns").unwrap();
    let node_ports: Vec<Option<u16>> = service.ports.iter().map(|port| port.node_port).collect();
    assert_eq!(node_ports[0], node_ports[1]);
    assert_ne!(node_ports[0], node_ports[2]);
    assert!(node_ports.iter().all(|port| port.is_some_and(|p| (30000..=32767).contains(&p))));
}

#[test]
fn load_balancers_without_node_ports_health_checks_and_pending_ips() {
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: lb}\nspec:\n  type: LoadBalancer\n  allocateLoadBalancerNodePorts: false\n  externalTrafficPolicy: Local\n  ports: [{port: 80}]\n";
    let options = BuildOptions { has_load_balancer_support: false };
    let (cluster, diagnostics) = build(&input::parse(text), &options);
    let service = cluster.service("default", "lb").unwrap();
    assert_eq!(service.ports[0].node_port, None);
    assert!(service.health_check_node_port.is_some_and(|p| (30000..=32767).contains(&p)));
    assert!(service.load_balancer_ingress.is_empty());
    let notices = messages(&diagnostics, Severity::Notice);
    assert!(notices.iter().any(|m| m.contains("EXTERNAL-IP stays <pending>")), "{notices:?}");
    assert!(notices.iter().any(|m| m.starts_with("filled in healthCheckNodePort ")), "{notices:?}");
}

#[test]
fn metallb_honours_load_balancer_ip_and_pasted_ingress() {
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: first}\nspec:\n  type: LoadBalancer\n  ports: [{port: 80}]\n---
apiVersion: v1\nkind: Service\nmetadata: {name: second}\nspec:\n  type: LoadBalancer\n  loadBalancerIP: 172.18.255.210\n  ports: [{port: 80}]\n---
apiVersion: v1\nkind: Service\nmetadata: {name: third}\nspec:\n  type: LoadBalancer\n  ports: [{port: 80}]\nstatus:\n  loadBalancer:\n    ingress: [{ip: 172.18.255.200, ipMode: Proxy}]\n";
    let (cluster, _) = build_text(text);
    let ingress = |name: &str| {
        let service = cluster.service("default", name).unwrap();
        service
            .load_balancer_ingress
            .iter()
            .map(|i| format!("{:?} {:?}", i.ip, i.ip_mode))
            .collect::<Vec<_>>()
    };
    assert_eq!(ingress("third"), ["Some(172.18.255.200) Proxy"]);
    assert_eq!(ingress("first"), ["Some(172.18.255.201) Vip"]);
    assert_eq!(ingress("second"), ["Some(172.18.255.210) Vip"]);
}

#[test]
fn pasted_nodes_get_addresses_pod_cidrs_and_the_cluster_cidr_widens() {
    let text = "apiVersion: v1\nkind: Node\nmetadata: {name: a}\n---
apiVersion: v1\nkind: Node\nmetadata: {name: b}\nspec: {podCIDR: 10.245.0.0/24}\nstatus:\n  addresses: [{type: InternalIP, address: 192.168.1.2}]\n  conditions: [{type: Ready, status: 'False'}]\n";
    let (cluster, _) = build_text(text);
    assert!(!cluster.uses_default_nodes);
    let nodes: Vec<String> = cluster
        .nodes
        .iter()
        .map(|n| {
            format!(
                "{} {} {:?} {:?}",
                n.name,
                n.internal_ip,
                n.pod_cidr.map(|c| c.to_string()),
                n.ready
            )
        })
        .collect();
    assert_eq!(
        nodes,
        [
            "a 172.18.0.2 Some(\"10.244.0.0/24\") Some(true)",
            "b 192.168.1.2 Some(\"10.245.0.0/24\") Some(false)"
        ]
    );
    // 10.245.0.0/24 lies outside 10.244.0.0/16: its /16 joins the list.
    let cidrs: Vec<String> = cluster.cluster_cidrs.iter().map(|c| c.to_string()).collect();
    assert_eq!(cidrs, ["10.244.0.0/16", "10.245.0.0/16"]);
}

#[test]
fn cluster_cidr_of_a_cluster_outside_10_244() {
    let text = "apiVersion: v1\nkind: Node\nmetadata: {name: a}\nspec: {podCIDR: 10.4.0.0/24}\n---
apiVersion: v1\nkind: Node\nmetadata: {name: b}\nspec: {podCIDR: 10.4.1.0/24}\n";
    let (cluster, _) = build_text(text);
    assert_eq!(cluster.cluster_cidrs, ["10.4.0.0/16".parse::<Cidr>().unwrap()]);
}

#[test]
fn cluster_cidrs_never_widen_to_everything() {
    let text =
        "apiVersion: v1\nkind: Node\nmetadata: {name: a}\nspec: {podCIDR: 10.244.1.0/24}\n---
apiVersion: v1\nkind: Node\nmetadata: {name: b}\nspec: {podCIDR: 192.168.0.0/24}\n---
apiVersion: v1\nkind: Node\nmetadata: {name: c}\nspec: {podCIDR: 100.64.0.0/10}\n";
    let (cluster, _) = build_text(text);
    let cidrs: Vec<String> = cluster.cluster_cidrs.iter().map(|c| c.to_string()).collect();
    assert_eq!(cidrs, ["10.244.0.0/16", "100.64.0.0/10", "192.168.0.0/16"]);
}

#[test]
fn a_pod_without_status_runs_on_its_node_and_one_without_a_node_stays_pending() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: placed}\nspec:\n  nodeName: kind-worker2\n  containers: [{name: app}]\n---
apiVersion: v1\nkind: Pod\nmetadata: {name: floating}\nspec:\n  containers: [{name: app}]\n";
    let (cluster, _) = build_text(text);
    let placed = cluster.pod("default", "placed").unwrap();
    assert_eq!((placed.phase.as_str(), placed.is_ready), ("Running", true));
    let cidr: Cidr = "10.244.1.0/24".parse().unwrap();
    assert!(placed.ip.is_some_and(|ip| cidr.contains(ip)));
    assert_eq!(placed.status_for_print.container_statuses.len(), 1);
    let floating = cluster.pod("default", "floating").unwrap();
    assert_eq!((floating.phase.as_str(), floating.is_ready, floating.ip), ("Pending", false, None));
}

#[test]
fn a_later_document_replaces_an_earlier_one_with_the_same_name() {
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: kiada}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 30080}]\n---
apiVersion: v1\nkind: Service\nmetadata: {name: kiada}\nspec:\n  type: LoadBalancer\n  ports: [{port: 80, nodePort: 30080}]\n";
    let (cluster, diagnostics) = build_text(text);
    assert_eq!(cluster.services.len(), 1);
    assert_eq!(cluster.services[0].type_, ServiceType::LoadBalancer);
    assert_eq!(messages(&diagnostics, Severity::Error), Vec::<String>::new());
    assert!(messages(&diagnostics, Severity::Warning)
        .iter()
        .any(|m| m.contains("appears again further down")));
}

#[test]
fn a_rejected_service_gives_its_ports_back() {
    // The first Service fails validation (bad name) after claiming 30080; the second gets it.
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: Bad}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 30080}]\n---
apiVersion: v1\nkind: Service\nmetadata: {name: good}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 30080}]\n";
    let (cluster, diagnostics) = build_text(text);
    assert_eq!(cluster.services.len(), 1);
    assert_eq!(cluster.services[0].ports[0].node_port, Some(30080));
    assert_eq!(messages(&diagnostics, Severity::Error).len(), 1);
}

#[test]
fn an_empty_selector_selects_nothing() {
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: all}\nspec:\n  selector: {}\n  ports: [{port: 80}]\n---
apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: x}}\nspec:\n  nodeName: kind-worker\n  containers: [{name: app}]\n";
    let (cluster, diagnostics) = build_text(text);
    assert_eq!(endpoints_of(&cluster, "all", 0), Vec::<String>::new());
    assert!(messages(&diagnostics, Severity::Warning)
        .iter()
        .any(|m| m.contains("has no selector")));
}

#[test]
fn a_kubectl_dump_keeps_its_addresses_and_uses_its_slices() {
    let (cluster, diagnostics) =
        build_text(include_str!("../../tests/data/ok/03_kubectl_get_list.yaml"));
    assert_eq!(messages(&diagnostics, Severity::Error), Vec::<String>::new());
    let kiada = cluster.service("default", "kiada").unwrap();
    assert_eq!(kiada.cluster_ip_text, "10.96.226.212");
    assert_eq!(endpoints_of(&cluster, "kiada", 0), ["10.244.1.90:8080 kind-worker2 RS-"]);
    assert_eq!(endpoints_of(&cluster, "kubernetes", 0), ["172.18.0.3:6443 - RS-"]);
    // Nothing was filled: a dump states everything.
    let filled: Vec<String> = messages(&diagnostics, Severity::Notice)
        .into_iter()
        .filter(|m| m.starts_with("filled in"))
        .collect();
    assert_eq!(filled, Vec::<String>::new());
}

#[test]
fn session_affinity_config_without_client_ip_is_dropped_with_a_notice() {
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 0}}\n  ports: [{port: 80}]\n---
apiVersion: v1\nkind: Service\nmetadata: {name: sticky}\nspec:\n  sessionAffinity: ClientIP\n  ports: [{port: 80}]\n";
    let (cluster, diagnostics) = build_text(text);
    // The out-of-range timeout is never validated: the config is gone before validation.
    assert_eq!(messages(&diagnostics, Severity::Error), Vec::<String>::new());
    assert!(messages(&diagnostics, Severity::Notice)
        .iter()
        .any(|m| m.starts_with("sessionAffinityConfig is dropped")));
    assert_eq!(cluster.service("default", "s").unwrap().session_affinity, SessionAffinity::None);
    assert_eq!(
        cluster.service("default", "sticky").unwrap().session_affinity,
        SessionAffinity::ClientIp { timeout_seconds: 10800 }
    );
}
