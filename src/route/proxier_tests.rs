//! kube-proxy's own packet-flow tests, ported: every `runPacketFlowTests` case of k8s
//! `pkg/proxy/iptables/proxier_test.go` and `pkg/proxy/nftables/proxier_test.go` is a packet
//! (source, destination, protocol) with the endpoints it may reach, or DROP or REJECT, and
//! whether it is masqueraded; here the same objects are pasted as YAML and the packet
//! becomes a [`Query`], so svcroute answers exactly what kube-proxy's tracer answers.
//!
//! Where svcroute cannot ask the question (no Service port matches the packet, a second
//! node IP, IPv6, `masqueradeAll`) the test says so and checks what svcroute does instead.

use super::*;
use crate::model::{Cidr, Cluster, Protocol};
use std::net::IpAddr;

// ---------------------------------------------------------------- NewFakeProxier's world

/// `testNodeName` and `testNodeIP` of both proxier_test.go files.
const TEST_NODE: &str = "test-node";
const TEST_NODE_IP: &str = "192.168.0.2";
/// `testExternalClient`, inside the tests' LB source range 203.0.113.0/25.
const EXTERNAL_CLIENT: &str = "203.0.113.2";
/// `testExternalClientBlocked`, outside it.
const EXTERNAL_CLIENT_BLOCKED: &str = "203.0.113.130";

/// The node kube-proxy runs on. Upstream's fake proxier uses
/// `NewDetectLocalByCIDR("10.0.0.0/8")`; svcroute infers the ClusterCIDR detector from the
/// nodes' podCIDRs, so a podCIDR of 10.0.0.0/8 gives exactly that detector (checked below).
const TEST_NODE_YAML: &str = "
apiVersion: v1
kind: Node
metadata: {name: test-node}
spec: {podCIDR: 10.0.0.0/8}
status:
  addresses: [{type: InternalIP, address: 192.168.0.2}]
  conditions: [{type: Ready, status: 'True'}]
";

/// The pod network: a source inside it is a pod on test-node, as the upstream tracer
/// treats `10.0.0.2` and friends.
fn pod_network() -> Cidr {
    "10.0.0.0/8".parse().unwrap()
}

/// One `packetFlowTest`: `output` is upstream's expectation as its tracer prints it
/// (`"10.180.0.1:80, 10.180.2.1:80"`, `"DROP"`, `"REJECT"`).
#[derive(Debug, Clone)]
struct Flow {
    name: String,
    source: &'static str,
    protocol: Protocol,
    dest: &'static str,
    port: u16,
    output: &'static str,
    masq: bool,
    /// What svcroute answers instead, when it deliberately differs.
    differs: Option<Differs>,
}

fn flow(
    name: &str,
    source: &'static str,
    dest: &'static str,
    port: u16,
    output: &'static str,
    masq: bool,
) -> Flow {
    let name = name.to_string();
    Flow { name, source, protocol: Protocol::Tcp, dest, port, output, masq, differs: None }
}

impl Flow {
    fn protocol(self, protocol: Protocol) -> Self {
        Self { protocol, ..self }
    }

    /// svcroute answers `output` and `masq` for this packet; `why` names the upstream
    /// difference (a choice listed in route/mod.rs's "not modelled").
    fn differs(self, output: &'static str, masq: bool, why: &'static str) -> Self {
        let differs = Differs { output, masq, why, test_node_rules_agree: false };
        Self { differs: Some(differs), ..self }
    }

    /// svcroute's load balancer never sends this packet to test-node (see
    /// [`NO_HEALTHY_NODE`]), but test-node's own rules answer what upstream expects.
    fn load_balancer_avoids_test_node(self) -> Self {
        let differs = Differs {
            output: "DROP (at the load balancer)",
            masq: false,
            why: NO_HEALTHY_NODE,
            test_node_rules_agree: true,
        };
        Self { differs: Some(differs), ..self }
    }
}

/// svcroute's deliberate answer for a flow, where it is not upstream's.
#[derive(Debug, Clone)]
struct Differs {
    output: &'static str,
    masq: bool,
    /// Which upstream difference this is.
    why: &'static str,
    /// Also check test-node's rules directly against upstream's expectation.
    test_node_rules_agree: bool,
}

/// The client pods the flows need: one pod on test-node per source inside the pod network.
fn client_pods(flows: &[Flow]) -> String {
    let mut sources: Vec<&str> = flows
        .iter()
        .map(|flow| flow.source)
        .filter(|source| pod_network().contains(source.parse().unwrap()))
        .collect();
    sources.sort_unstable();
    sources.dedup();
    sources
        .iter()
        .map(|source| {
            format!(
                "---
apiVersion: v1
kind: Pod
metadata: {{name: {}, namespace: clients}}
spec: {{nodeName: test-node, containers: [{{name: c, image: client}}]}}
status: {{phase: Running, podIP: {source}, conditions: [{{type: Ready, status: 'True'}}]}}
",
                pod_name(source)
            )
        })
        .collect()
}

fn pod_name(source: &str) -> String {
    format!("client-{}", source.replace('.', "-"))
}

/// test-node, the flows' client pods and `objects`, built as svcroute builds a paste; the
/// objects must build without errors.
#[track_caller]
fn build(objects: &str, flows: &[Flow]) -> Cluster {
    let yaml = format!("{TEST_NODE_YAML}{}---\n{objects}", client_pods(flows));
    let parsed = crate::input::parse(&yaml);
    let (cluster, diagnostics) =
        crate::model::build(&parsed, &crate::model::BuildOptions::default());
    let errors: Vec<String> = parsed
        .diagnostics
        .iter()
        .chain(&diagnostics)
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "the objects have errors: {errors:?}");
    cluster
}

/// The query kube-proxy's tracer asks with `flow`'s packet, and the cluster to ask it of
/// (the same one, except that the addressed load-balancer IP is moved first: a [`Query`]
/// always goes to a Service's first ingress IP). `Err` when no Service port matches.
fn translate(cluster: &Cluster, flow: &Flow) -> Result<(Cluster, Query), String> {
    let dest: IpAddr = flow.dest.parse().unwrap();
    let node_ip: IpAddr = TEST_NODE_IP.parse().unwrap();
    let mut cluster = cluster.clone();
    let mut found = None;
    for service in &mut cluster.services {
        for port in service.ports.iter().filter(|port| port.protocol == flow.protocol) {
            let entry = if service.cluster_ip == Some(dest) && port.port == flow.port {
                Some(EntryKind::ClusterIp)
            } else if dest == node_ip && port.node_port == Some(flow.port) {
                Some(EntryKind::NodePort)
            } else if service.external_ips.first() == Some(&dest) && port.port == flow.port {
                Some(EntryKind::ExternalIp)
            } else if port.port == flow.port
                && service.load_balancer_ingress.iter().any(|ingress| ingress.ip == Some(dest))
            {
                Some(EntryKind::LoadBalancer)
            } else {
                None
            };
            if let Some(entry) = entry {
                let selector = if port.name.is_empty() {
                    PortSelector::Number(port.port)
                } else {
                    PortSelector::Name(port.name.clone())
                };
                found = Some((service.namespace.clone(), service.name.clone(), selector, entry));
                break;
            }
        }
        if let Some((.., EntryKind::LoadBalancer)) = found {
            service.load_balancer_ingress.sort_by_key(|ingress| ingress.ip != Some(dest));
        }
        if found.is_some() {
            break;
        }
    }
    let Some((namespace, name, port, entry)) = found else {
        return Err(format!(
            "no Service port matches {} {}:{}",
            flow.protocol.as_str(),
            flow.dest,
            flow.port
        ));
    };
    let source: IpAddr = flow.source.parse().unwrap();
    let mut query = Query::new(&namespace, &name);
    query.port = port;
    query.entry = Some(entry);
    query.client = if source == node_ip {
        Client::Node(TEST_NODE.to_string())
    } else if pod_network().contains(source) {
        Client::Pod { namespace: "clients".to_string(), name: pod_name(flow.source) }
    } else {
        Client::External(source)
    };
    if matches!(entry, EntryKind::NodePort | EntryKind::ExternalIp)
        || (entry == EntryKind::ClusterIp && matches!(query.client, Client::External(_)))
    {
        query.node = Some(TEST_NODE.to_string());
    }
    Ok((cluster, query))
}

/// The explanation as upstream's tracer prints a result: the endpoints reached (sorted, as
/// kube-proxy orders them) or DROP / REJECT, and whether every path is masqueraded.
/// A decision not taken by test-node's rules says where it was taken.
fn as_tracer_output(expl: &Explanation) -> (String, bool) {
    let at = |path: &Path| match path.via_node.as_deref() {
        Some(TEST_NODE) => String::new(),
        Some(other) => format!(" (at {other})"),
        None => " (at the load balancer)".to_string(),
    };
    let mut outputs: Vec<String> = expl
        .paths
        .iter()
        .map(|path| match (&path.target, path.outcome) {
            (Some(target), Outcome::Delivered) => {
                format!("{}{}", SocketAddr::new(target.ip, target.port), at(path))
            }
            (_, Outcome::Delivered) => format!("delivered nowhere{}", at(path)),
            (_, Outcome::Dropped) => format!("DROP{}", at(path)),
            (_, Outcome::Rejected) => format!("REJECT{}", at(path)),
        })
        .collect();
    outputs.sort();
    outputs.dedup();
    let delivered: Vec<&Path> =
        expl.paths.iter().filter(|path| path.outcome == Outcome::Delivered).collect();
    let masq = !delivered.is_empty() && delivered.iter().all(|path| path.snat.is_some());
    let mixed = delivered.iter().any(|path| path.snat.is_some()) != masq;
    let mut output = outputs.join(", ");
    if mixed {
        output.push_str(" (masquerade differs between paths)");
    }
    (output, masq)
}

/// What test-node's own rules do with `flow`'s packet arriving from outside with the
/// load-balancer IP as destination: upstream's tracer runs exactly this, whatever a load
/// balancer would have done. Same format as [`as_tracer_output`].
fn test_node_rules_for_load_balancer_ip(
    cluster: &Cluster,
    query: &Query,
    flow: &Flow,
) -> (String, bool) {
    let resolved = entry::resolve(cluster, query).unwrap();
    let service = resolved.service;
    let load_balancer_ip = service
        .load_balancer_ingress
        .iter()
        .find_map(|ingress| ingress.ip.filter(|_| ingress.ip_mode == crate::model::IpMode::Vip));
    let rules = proxy::Rules::new(
        cluster,
        service,
        resolved.port,
        service.external_traffic_policy,
        service.internal_traffic_policy,
        load_balancer_ip,
    );
    let node = lookup::node(cluster, TEST_NODE).unwrap();
    let categorized = rules.categorize(node);
    let packet = Packet {
        src: SocketAddr::new(flow.source.parse().unwrap(), CLIENT_PORT),
        dst: SocketAddr::new(flow.dest.parse().unwrap(), flow.port),
    };
    let arrival = proxy::Arrival {
        node,
        weight: Share::ONE,
        hops: Vec::new(),
        packet,
        destination: proxy::Destination::LoadBalancerIp,
        is_local_source: false,
    };
    let verdict = rules.verdict(node, &categorized, &arrival);
    match verdict.outcome {
        Outcome::Delivered => {
            let mut list: Vec<String> = verdict
                .list
                .iter()
                .map(|endpoint| SocketAddr::new(endpoint.ip, endpoint.port).to_string())
                .collect();
            list.sort();
            (list.join(", "), verdict.is_masqueraded)
        }
        Outcome::Dropped => ("DROP".to_string(), false),
        Outcome::Rejected => ("REJECT".to_string(), false),
    }
}

/// `runPacketFlowTests`: every flow is run, and all mismatches are reported together.
#[track_caller]
fn run_flows(cluster: &Cluster, flows: &[Flow]) {
    let mut errors = Vec::new();
    for flow in flows {
        let (cluster, query) = match translate(cluster, flow) {
            Ok(translated) => translated,
            Err(err) => {
                errors.push(format!("{:?}: {err}", flow.name));
                continue;
            }
        };
        let expl = match explain(&cluster, &query) {
            Ok(expl) => expl,
            Err(err) => {
                errors.push(format!("{:?}: query failed: {err}", flow.name));
                continue;
            }
        };
        let (output, masq) = as_tracer_output(&expl);
        let (expected, expected_masq) = match &flow.differs {
            Some(differs) => {
                if differs.test_node_rules_agree {
                    let at_node = test_node_rules_for_load_balancer_ip(&cluster, &query, flow);
                    if at_node != (flow.output.to_string(), flow.masq) {
                        errors.push(format!(
                            "{:?}: test-node's rules say {at_node:?}, upstream {:?} masq {}",
                            flow.name, flow.output, flow.masq
                        ));
                    }
                }
                (differs.output, differs.masq)
            }
            None => (flow.output, flow.masq),
        };
        if output != expected || masq != expected_masq {
            errors.push(format!(
                "{:?} ({} {} -> {}:{}): expected {expected:?} masq {expected_masq}, svcroute says {output:?} masq {masq}: {}",
                flow.name,
                flow.protocol.as_str(),
                flow.source,
                flow.dest,
                flow.port,
                expl.reason
            ));
            if let Some(differs) = &flow.differs {
                errors.push(format!(
                    "    (upstream answers {:?}; svcroute differs on purpose: {})",
                    flow.output, differs.why
                ));
            }
        }
    }
    assert!(errors.is_empty(), "\n{}\n", errors.join("\n"));
}

#[test]
fn the_test_node_gives_upstreams_local_traffic_detector() {
    let cluster = build("", &[]);
    assert_eq!(cluster.cluster_cidrs, [pod_network()]);
}

// ---------------------------------------------------------------- TestOverallIPTablesRules

/// The Services of `TestOverallIPTablesRules` / `TestOverallNFTablesRules`. Upstream's
/// nodePorts 3001-3003 lie outside the API server's default range, which svcroute enforces
/// even for a live cluster's dump, so they are 30001-30003 here. svc5's
/// `healthCheckNodePort: 30000` is left out: the API server allows it only with
/// externalTrafficPolicy Local (and it duplicates svc2's), and kube-proxy ignores it there.
const OVERALL: &str = "
apiVersion: v1
kind: Service
metadata: {name: svc1, namespace: ns1, creationTimestamp: '2024-01-01T00:00:00Z'}
spec:
  clusterIP: 172.30.0.41
  ports: [{name: p80, port: 80, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata: {name: svc2, namespace: ns2, creationTimestamp: '2024-01-01T00:00:00Z'}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  clusterIP: 172.30.0.42
  ports: [{name: p80, port: 80, protocol: TCP, nodePort: 30001}]
  externalIPs: [192.168.99.22]
  healthCheckNodePort: 30000
status: {loadBalancer: {ingress: [{ip: 1.2.3.4}]}}
---
apiVersion: v1
kind: Service
metadata: {name: svc3, namespace: ns3, creationTimestamp: '2024-01-01T00:00:00Z'}
spec:
  type: NodePort
  clusterIP: 172.30.0.43
  ports: [{name: p80, port: 80, protocol: TCP, nodePort: 30003}]
---
apiVersion: v1
kind: Service
metadata: {name: svc4, namespace: ns4, creationTimestamp: '2024-01-01T00:00:00Z'}
spec:
  type: NodePort
  clusterIP: 172.30.0.44
  externalIPs: [192.168.99.33]
  ports: [{name: p80, port: 80, protocol: TCP, targetPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: svc5, namespace: ns5, creationTimestamp: '2024-01-01T00:00:00Z'}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Cluster
  clusterIP: 172.30.0.45
  ports: [{name: p80, port: 80, protocol: TCP, nodePort: 30002}]
  loadBalancerSourceRanges: [' 203.0.113.0/25']
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 10800}}
status: {loadBalancer: {ingress: [{ip: 5.6.7.8}]}}
---
apiVersion: v1
kind: Service
metadata: {name: svc6, namespace: ns6, creationTimestamp: '2024-01-01T00:00:00Z'}
spec:
  type: ClusterIP
  clusterIP: 172.30.0.46
  ports: [{name: p80, port: 80, protocol: TCP, targetPort: 80}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc1-1, namespace: ns1, labels: {kubernetes.io/service-name: svc1}}
addressType: IPv4
endpoints: [{addresses: [10.180.0.1]}]
ports: [{name: p80, port: 80, protocol: TCP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc2-1, namespace: ns2, labels: {kubernetes.io/service-name: svc2}}
addressType: IPv4
endpoints: [{addresses: [10.180.0.2]}]
ports: [{name: p80, port: 80, protocol: TCP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc3-1, namespace: ns3, labels: {kubernetes.io/service-name: svc3}}
addressType: IPv4
endpoints: [{addresses: [10.180.0.3]}]
ports: [{name: p80, port: 80, protocol: TCP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc4-1, namespace: ns4, labels: {kubernetes.io/service-name: svc4}}
addressType: IPv4
endpoints: [{addresses: [10.180.0.4]}, {addresses: [10.180.0.5], nodeName: test-node}]
ports: [{name: p80, port: 80, protocol: TCP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc5-1, namespace: ns5, labels: {kubernetes.io/service-name: svc5}}
addressType: IPv4
endpoints: [{addresses: [10.180.0.3]}]
ports: [{name: p80, port: 80, protocol: TCP}]
";

/// iptables `TestTracePacket`, whose rules are `TestOverallIPTablesRules`' output.
/// Not ported: "no match" (10.0.0.3:80 is no Service's address, so no [`Query`] exists)
/// and "ACCEPT (NodePortHealthCheck)" (the health check node port is no Service entry).
#[test]
fn test_trace_packet_on_the_overall_rules() {
    #[rustfmt::skip]
    let flows = [
        flow("single endpoint", "10.0.0.2", "172.30.0.41", 80, "10.180.0.1:80", false),
        flow("multiple endpoints", "10.0.0.2", "172.30.0.44", 80, "10.180.0.4:80, 10.180.0.5:80", false),
        flow("LOCAL, KUBE-MARK-MASQ", TEST_NODE_IP, "192.168.99.22", 80, "10.180.0.2:80", true),
        flow("DROP", EXTERNAL_CLIENT, "192.168.99.22", 80, "DROP", false),
        flow("REJECT", "10.0.0.2", "172.30.0.46", 80, "REJECT", false),
    ];
    run_flows(&build(OVERALL, &flows), &flows);
}

// ---------------------------------------------------------------- TestNoEndpointsReject

#[test]
fn test_no_endpoints_reject() {
    let objects = "
apiVersion: v1
kind: Service
metadata: {name: svc1, namespace: ns1, creationTimestamp: '2024-01-01T00:00:00Z'}
spec:
  type: LoadBalancer
  clusterIP: 172.30.0.41
  externalIPs: [192.168.99.11]
  ports: [{name: p80, protocol: TCP, port: 80, nodePort: 30001}]
status: {loadBalancer: {ingress: [{ip: 1.2.3.4}]}}
";
    #[rustfmt::skip]
    let flows = [
        flow("pod to cluster IP with no endpoints", "10.0.0.2", "172.30.0.41", 80, "REJECT", false),
        flow("external to external IP with no endpoints", EXTERNAL_CLIENT, "192.168.99.11", 80, "REJECT", false),
        flow("pod to NodePort with no endpoints", "10.0.0.2", TEST_NODE_IP, 30001, "REJECT", false),
        flow("external to NodePort with no endpoints", EXTERNAL_CLIENT, TEST_NODE_IP, 30001, "REJECT", false),
        flow("pod to LoadBalancer IP with no endpoints", "10.0.0.2", "1.2.3.4", 80, "REJECT", false),
        flow("external to LoadBalancer IP with no endpoints", EXTERNAL_CLIENT, "1.2.3.4", 80, "REJECT", false),
    ];
    run_flows(&build(objects, &flows), &flows);
}

// ---------------------------------------------------------------- TestClusterIPGeneral

const CLUSTER_IP_GENERAL: &str = "
apiVersion: v1
kind: Service
metadata: {name: svc1, namespace: ns1, creationTimestamp: '2024-01-01T00:00:00Z'}
spec:
  clusterIP: 172.30.0.41
  ports: [{name: http, port: 80, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata: {name: svc2, namespace: ns2, creationTimestamp: '2024-01-01T00:00:00Z'}
spec:
  clusterIP: 172.30.0.42
  ports:
  - {name: http, port: 80, protocol: TCP}
  - {name: https, port: 443, protocol: TCP, targetPort: 8443}
  - {name: dns-udp, port: 53, protocol: UDP}
  - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 5353}
  - {name: dns-sctp, port: 53, protocol: SCTP}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc1-1, namespace: ns1, labels: {kubernetes.io/service-name: svc1}}
addressType: IPv4
endpoints: [{addresses: [10.180.0.1], nodeName: test-node}]
ports: [{name: http, port: 80, protocol: TCP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc2-1, namespace: ns2, labels: {kubernetes.io/service-name: svc2}}
addressType: IPv4
endpoints:
- {addresses: [10.180.0.1], nodeName: test-node}
- {addresses: [10.180.2.1], nodeName: node2}
ports:
- {name: http, port: 80, protocol: TCP}
- {name: https, port: 8443, protocol: TCP}
- {name: dns-udp, port: 53, protocol: UDP}
- {name: dns-tcp, port: 5353, protocol: TCP}
- {name: dns-sctp, port: 53, protocol: SCTP}
";

#[test]
fn test_cluster_ip_general() {
    #[rustfmt::skip]
    let flows = [
        flow("simple clusterIP", "10.180.0.2", "172.30.0.41", 80, "10.180.0.1:80", false),
        flow("hairpin to cluster IP", "10.180.0.1", "172.30.0.41", 80, "10.180.0.1:80", true),
        flow("clusterIP with multiple endpoints", "10.180.0.2", "172.30.0.42", 80, "10.180.0.1:80, 10.180.2.1:80", false),
        flow("clusterIP with TargetPort", "10.180.0.2", "172.30.0.42", 443, "10.180.0.1:8443, 10.180.2.1:8443", false),
        flow("clusterIP with TCP, UDP, and SCTP on same port (TCP)", "10.180.0.2", "172.30.0.42", 53, "10.180.0.1:5353, 10.180.2.1:5353", false),
        flow("clusterIP with TCP, UDP, and SCTP on same port (UDP)", "10.180.0.2", "172.30.0.42", 53, "10.180.0.1:53, 10.180.2.1:53", false)
            .protocol(Protocol::Udp),
        flow("clusterIP with TCP, UDP, and SCTP on same port (SCTP)", "10.180.0.2", "172.30.0.42", 53, "10.180.0.1:53, 10.180.2.1:53", false)
            .protocol(Protocol::Sctp),
    ];
    run_flows(&build(CLUSTER_IP_GENERAL, &flows), &flows);
}

/// The cases of `TestClusterIPGeneral` whose packet matches no Service port: iptables has
/// no rule for them (output ""), nftables REJECTs them ("TCP-only port does not match UDP
/// traffic", "svc1 does not accept svc2's ports") or DROPs them ("packet to unallocated
/// cluster ip"). svcroute explains connections to a Service port (facts 3.4 row 28 is not
/// modelled), so it answers these as a query naming what exists.
#[test]
fn test_cluster_ip_general_packets_to_no_service_port_are_query_errors() {
    let cluster = build(CLUSTER_IP_GENERAL, &[]);
    for (protocol, dest, port) in [
        (Protocol::Udp, "172.30.0.42", 80),
        (Protocol::Tcp, "172.30.0.41", 443),
        (Protocol::Tcp, "172.30.0.50", 80),
    ] {
        let packet =
            flow("no Service port", "10.180.0.2", dest, port, "", false).protocol(protocol);
        assert!(translate(&cluster, &packet).is_err(), "{dest}:{port} matched a Service port");
    }
    let mut query = Query::new("ns1", "svc1");
    query.port = PortSelector::Number(443);
    let err = explain(&cluster, &query).unwrap_err();
    assert_eq!(err.to_string(), "service `svc1` has no port `443` (ports: http (80))");
}

// ---------------------------------------------------------------- TestLoadBalancer

#[test]
fn test_load_balancer() {
    let objects = "
apiVersion: v1
kind: Service
metadata: {name: svc1, namespace: ns1, creationTimestamp: '2024-01-01T00:00:00Z'}
spec:
  type: LoadBalancer
  clusterIP: 172.30.0.41
  ports: [{name: p80, port: 80, protocol: TCP, nodePort: 30001}]
  loadBalancerSourceRanges: [192.168.0.0/24, ' 203.0.113.0/25']
status: {loadBalancer: {ingress: [{ip: 1.2.3.4}, {ip: 5.6.7.8}]}}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc1-1, namespace: ns1, labels: {kubernetes.io/service-name: svc1}}
addressType: IPv4
endpoints: [{addresses: [10.180.0.1]}]
ports: [{name: p80, port: 80, protocol: TCP}]
";
    let ep = "10.180.0.1:80";
    #[rustfmt::skip]
    let flows = [
        flow("pod to cluster IP", "10.0.0.2", "172.30.0.41", 80, ep, false),
        flow("external to nodePort", EXTERNAL_CLIENT, TEST_NODE_IP, 30001, ep, true),
        flow("nodePort bypasses LoadBalancerSourceRanges", EXTERNAL_CLIENT_BLOCKED, TEST_NODE_IP, 30001, ep, true),
        flow("accepted external to LB1", EXTERNAL_CLIENT, "1.2.3.4", 80, ep, true),
        flow("accepted external to LB2", EXTERNAL_CLIENT, "5.6.7.8", 80, ep, true),
        flow("blocked external to LB1", EXTERNAL_CLIENT_BLOCKED, "1.2.3.4", 80, "DROP", false),
        flow("blocked external to LB2", EXTERNAL_CLIENT_BLOCKED, "5.6.7.8", 80, "DROP", false),
        flow("pod to LB1 (blocked by LoadBalancerSourceRanges)", "10.0.0.2", "1.2.3.4", 80, "DROP", false),
        flow("pod to LB2 (blocked by LoadBalancerSourceRanges)", "10.0.0.2", "5.6.7.8", 80, "DROP", false),
        flow("node to LB1 (allowed by LoadBalancerSourceRanges)", TEST_NODE_IP, "1.2.3.4", 80, ep, true),
        flow("node to LB2 (allowed by LoadBalancerSourceRanges)", TEST_NODE_IP, "5.6.7.8", 80, ep, true),
        flow("same node to LB1, SNATted to LB1 (implicitly allowed)", "1.2.3.4", "1.2.3.4", 80, ep, true),
        flow("same node to LB2, SNATted to LB2 (implicitly allowed)", "5.6.7.8", "5.6.7.8", 80, ep, true),
    ];
    run_flows(&build(objects, &flows), &flows);
}

// ---------------------------------------------------------------- TestNodePorts

/// The IPv4 cases of `TestNodePorts`. Not ported: the secondary node IP 192.168.1.2 and
/// `--nodeport-addresses` (a svcroute Node has one InternalIP and every node port answers
/// on it), localhost node ports (iptables' `--localhost-nodeports`), and the IPv6 cases
/// (svcroute simulates an IPv4 single-stack cluster).
#[test]
fn test_node_ports() {
    let objects = "
apiVersion: v1
kind: Service
metadata: {name: svc1, namespace: ns1, creationTimestamp: '2024-01-01T00:00:00Z'}
spec:
  type: NodePort
  clusterIP: 172.30.0.41
  ports: [{name: p80, port: 80, protocol: TCP, nodePort: 30001}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc1-1, namespace: ns1, labels: {kubernetes.io/service-name: svc1}}
addressType: IPv4
endpoints: [{addresses: [10.180.0.1]}, {addresses: [10.180.2.1], nodeName: test-node}]
ports: [{name: p80, port: 80, protocol: TCP}]
";
    let output = "10.180.0.1:80, 10.180.2.1:80";
    #[rustfmt::skip]
    let flows = [
        flow("pod to cluster IP", "10.0.0.2", "172.30.0.41", 80, output, false),
        flow("external to nodePort", EXTERNAL_CLIENT, TEST_NODE_IP, 30001, output, true),
        flow("node to nodePort", TEST_NODE_IP, TEST_NODE_IP, 30001, output, true),
    ];
    run_flows(&build(objects, &flows), &flows);
}

// ---------------------------------------------------------------- externalTrafficPolicy

/// The Service of `TestExternalTrafficPolicyLocal` and `…Cluster`: 10.180.0.1 has no
/// nodeName (never local), 10.180.2.1 is on test-node.
fn external_policy_objects(policy: &str) -> String {
    let health_check = if policy == "Local" { "\n  healthCheckNodePort: 30000" } else { "" };
    format!(
        "
apiVersion: v1
kind: Service
metadata: {{name: svc1, namespace: ns1, creationTimestamp: '2024-01-01T00:00:00Z'}}
spec:
  type: LoadBalancer
  externalTrafficPolicy: {policy}
  clusterIP: 172.30.0.41
  externalIPs: [192.168.99.11]
  ports: [{{name: p80, port: 80, protocol: TCP, nodePort: 30001, targetPort: 80}}]{health_check}
status: {{loadBalancer: {{ingress: [{{ip: 1.2.3.4}}]}}}}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {{name: svc1-1, namespace: ns1, labels: {{kubernetes.io/service-name: svc1}}}}
addressType: IPv4
endpoints: [{{addresses: [10.180.0.1]}}, {{addresses: [10.180.2.1], nodeName: test-node}}]
ports: [{{name: p80, port: 80, protocol: TCP}}]
"
    )
}

#[test]
fn test_external_traffic_policy_local() {
    let both = "10.180.0.1:80, 10.180.2.1:80";
    let local = "10.180.2.1:80";
    #[rustfmt::skip]
    let flows = [
        flow("pod to cluster IP hits both endpoints, unmasqueraded", "10.0.0.2", "172.30.0.41", 80, both, false),
        flow("pod to external IP hits both endpoints, unmasqueraded", "10.0.0.2", "192.168.99.11", 80, both, false),
        flow("external to external IP hits only local endpoint, unmasqueraded", EXTERNAL_CLIENT, "192.168.99.11", 80, local, false),
        flow("pod to LB IP hits only both endpoints, unmasqueraded", "10.0.0.2", "1.2.3.4", 80, both, false),
        flow("external to LB IP hits only local endpoint, unmasqueraded", EXTERNAL_CLIENT, "1.2.3.4", 80, local, false),
        flow("pod to NodePort hits both endpoints, unmasqueraded", "10.0.0.2", TEST_NODE_IP, 30001, both, false),
        flow("external to NodePort hits only local endpoint, unmasqueraded", EXTERNAL_CLIENT, TEST_NODE_IP, 30001, local, false),
    ];
    run_flows(&build(&external_policy_objects("Local"), &flows), &flows);
}

#[test]
fn test_external_traffic_policy_cluster() {
    let both = "10.180.0.1:80, 10.180.2.1:80";
    #[rustfmt::skip]
    let flows = [
        flow("pod to cluster IP hits both endpoints, unmasqueraded", "10.0.0.2", "172.30.0.41", 80, both, false),
        flow("pod to external IP hits both endpoints, masqueraded", "10.0.0.2", "192.168.99.11", 80, both, true),
        flow("external to external IP hits both endpoints, masqueraded", EXTERNAL_CLIENT, "192.168.99.11", 80, both, true),
        flow("pod to LB IP hits both endpoints, masqueraded", "10.0.0.2", "1.2.3.4", 80, both, true),
        flow("external to LB IP hits both endpoints, masqueraded", EXTERNAL_CLIENT, "1.2.3.4", 80, both, true),
        flow("pod to NodePort hits both endpoints, masqueraded", "10.0.0.2", TEST_NODE_IP, 30001, both, true),
        flow("external to NodePort hits both endpoints, masqueraded", EXTERNAL_CLIENT, TEST_NODE_IP, 30001, both, true),
    ];
    run_flows(&build(&external_policy_objects("Cluster"), &flows), &flows);
}

// ---------------------------------------------------------------- TestInternalTrafficPolicy

/// The Service of `TestInternalTrafficPolicy` with one slice endpoint per `(ip, nodeName)`,
/// all ready, or no slice at all ("endpoints deleted").
fn internal_policy_objects(policy: &str, endpoints: &[(&str, &str)]) -> String {
    let mut yaml = format!(
        "
apiVersion: v1
kind: Service
metadata: {{name: svc1, namespace: ns1, creationTimestamp: '2024-01-01T00:00:00Z'}}
spec:
  clusterIP: 172.30.1.1
  selector: {{foo: bar}}
  internalTrafficPolicy: {policy}
  ports: [{{name: '', port: 80, protocol: TCP}}]
"
    );
    if !endpoints.is_empty() {
        yaml.push_str(
            "---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc1-1, namespace: ns1, labels: {kubernetes.io/service-name: svc1}}
addressType: IPv4
ports: [{name: '', port: 80, protocol: TCP}]
endpoints:
",
        );
        for (ip, node) in endpoints {
            yaml.push_str(&format!(
                "- {{addresses: [{ip}], conditions: {{ready: true}}, nodeName: {node}}}\n"
            ));
        }
    }
    yaml
}

#[test]
fn test_internal_traffic_policy() {
    // (upstream case, internalTrafficPolicy, endpoints, flow name, output)
    type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: [Case<'_>; 4] = [
        (
            "internalTrafficPolicy is cluster",
            "Cluster",
            &[("10.0.1.1", TEST_NODE), ("10.0.1.2", "node1"), ("10.0.1.3", "node2")],
            "pod to ClusterIP hits all endpoints",
            "10.0.1.1:80, 10.0.1.2:80, 10.0.1.3:80",
        ),
        (
            "internalTrafficPolicy is local and there is one local endpoint",
            "Local",
            &[("10.0.1.1", TEST_NODE), ("10.0.1.2", "node1"), ("10.0.1.3", "node2")],
            "pod to ClusterIP hits only local endpoint",
            "10.0.1.1:80",
        ),
        (
            "internalTrafficPolicy is local and there are multiple local endpoints",
            "Local",
            &[("10.0.1.1", TEST_NODE), ("10.0.1.2", TEST_NODE), ("10.0.1.3", "node2")],
            "pod to ClusterIP hits all local endpoints",
            "10.0.1.1:80, 10.0.1.2:80",
        ),
        (
            "internalTrafficPolicy is local and there are no local endpoints",
            "Local",
            &[("10.0.1.1", "node0"), ("10.0.1.2", "node1"), ("10.0.1.3", "node2")],
            "no endpoints",
            "DROP",
        ),
    ];
    for (case, policy, endpoints, name, output) in cases {
        let flows = [flow(&format!("{case}: {name}"), "10.0.0.2", "172.30.1.1", 80, output, false)];
        let cluster = build(&internal_policy_objects(policy, endpoints), &flows);
        run_flows(&cluster, &flows);
        // The selector matches no pod, so without the slice nothing is left.
        let deleted = [flow(
            &format!("{case}: endpoints deleted"),
            "10.0.0.2",
            "172.30.1.1",
            80,
            "REJECT",
            false,
        )];
        run_flows(&build(&internal_policy_objects(policy, &[]), &deleted), &deleted);
    }
}

// ---------------------------------------------------------------- terminating endpoints

/// The Service of `TestTerminatingEndpointsTrafficPolicyLocal` / `…Cluster` and its slice:
/// `(ip, ready, serving, terminating, nodeName)` per endpoint, or no slice ("after endpoints
/// deleted"). The Cluster variant's `healthCheckNodePort: 30000` is left out: the API server
/// allows it only with externalTrafficPolicy Local, and kube-proxy ignores it otherwise.
fn terminating_objects(policy: &str, endpoints: &[(&str, bool, bool, bool, &str)]) -> String {
    let health_check = if policy == "Local" { "\n  healthCheckNodePort: 30000" } else { "" };
    let mut yaml = format!(
        "
apiVersion: v1
kind: Service
metadata: {{name: svc1, namespace: ns1, creationTimestamp: '2024-01-01T00:00:00Z'}}
spec:
  type: LoadBalancer
  externalTrafficPolicy: {policy}
  clusterIP: 172.30.1.1
  ports: [{{name: '', targetPort: 80, port: 80, protocol: TCP}}]{health_check}
status: {{loadBalancer: {{ingress: [{{ip: 1.2.3.4}}]}}}}
"
    );
    if !endpoints.is_empty() {
        yaml.push_str(
            "---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc1-1, namespace: ns1, labels: {kubernetes.io/service-name: svc1}}
addressType: IPv4
ports: [{name: '', port: 80, protocol: TCP}]
endpoints:
",
        );
        for (ip, ready, serving, terminating, node) in endpoints {
            yaml.push_str(&format!(
                "- {{addresses: [{ip}], conditions: {{ready: {ready}, serving: {serving}, terminating: {terminating}}}, nodeName: {node}}}\n"
            ));
        }
    }
    yaml
}

/// Runs one terminating-endpoints case, then the same Service with its slice deleted.
#[track_caller]
fn run_terminating_case(
    policy: &str,
    endpoints: &[(&str, bool, bool, bool, &str)],
    flows: &[Flow],
) {
    run_flows(&build(&terminating_objects(policy, endpoints), flows), flows);
    let mut external = flow(
        "external to LB after endpoints deleted",
        EXTERNAL_CLIENT,
        "1.2.3.4",
        80,
        "REJECT",
        false,
    );
    if policy == "Local" {
        external = external.load_balancer_avoids_test_node();
    }
    #[rustfmt::skip]
    let deleted = [
        flow("pod to clusterIP after endpoints deleted", "10.0.0.2", "172.30.1.1", 80, "REJECT", false),
        external,
    ];
    run_flows(&build(&terminating_objects(policy, &[]), &deleted), &deleted);
}

/// With externalTrafficPolicy Local the cloud load balancer sends only to nodes whose
/// health check counts a ready local endpoint (facts 8.1, 8.3); upstream's tracer instead
/// puts the packet straight onto test-node. So where test-node has no ready local endpoint,
/// svcroute's answer is the load balancer's, and the harness checks test-node's own rules
/// against upstream separately.
const NO_HEALTHY_NODE: &str = "svcroute's load balancer sends nothing to test-node: its health check counts no ready local endpoint (terminating ones do not count, facts 8.1), so the pool is empty";

#[test]
fn test_terminating_endpoints_traffic_policy_local() {
    #[rustfmt::skip]
    run_terminating_case("Local", &[
        ("10.0.1.1", true, true, false, TEST_NODE),
        ("10.0.1.2", true, true, false, TEST_NODE),
        ("10.0.1.3", false, true, true, TEST_NODE),
        ("10.0.1.4", false, false, true, TEST_NODE),
        ("10.0.1.5", true, true, false, "node-1"),
    ], &[
        flow("ready endpoints exist: pod to clusterIP", "10.0.0.2", "172.30.1.1", 80, "10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80", false),
        flow("ready endpoints exist: external to LB", EXTERNAL_CLIENT, "1.2.3.4", 80, "10.0.1.1:80, 10.0.1.2:80", false),
    ]);
    #[rustfmt::skip]
    run_terminating_case("Local", &[
        ("10.0.1.2", false, true, true, TEST_NODE),
        ("10.0.1.3", false, true, true, TEST_NODE),
        ("10.0.1.4", false, false, true, TEST_NODE),
        ("10.0.1.5", true, true, false, "node-1"),
    ], &[
        flow("only terminating endpoints exist: pod to clusterIP", "10.0.0.2", "172.30.1.1", 80, "10.0.1.5:80", false),
        flow("only terminating endpoints exist: external to LB", EXTERNAL_CLIENT, "1.2.3.4", 80, "10.0.1.2:80, 10.0.1.3:80", false)
            .load_balancer_avoids_test_node(),
    ]);
    #[rustfmt::skip]
    run_terminating_case("Local", &[
        ("10.0.1.5", false, true, true, "node-1"),
    ], &[
        flow("terminating endpoints on remote node: pod to clusterIP", "10.0.0.2", "172.30.1.1", 80, "10.0.1.5:80", false),
        flow("terminating endpoints on remote node: external to LB, no locally-usable endpoints", EXTERNAL_CLIENT, "1.2.3.4", 80, "DROP", false)
            .load_balancer_avoids_test_node(),
    ]);
    #[rustfmt::skip]
    run_terminating_case("Local", &[
        ("10.0.1.5", false, false, true, TEST_NODE),
        ("10.0.1.5", false, false, true, "node-1"),
    ], &[
        flow("no usable endpoints on any node: pod to clusterIP, no usable endpoints", "10.0.0.2", "172.30.1.1", 80, "REJECT", false),
        flow("no usable endpoints on any node: external to LB, no usable endpoints", EXTERNAL_CLIENT, "1.2.3.4", 80, "REJECT", false)
            .load_balancer_avoids_test_node(),
    ]);
}

#[test]
fn test_terminating_endpoints_traffic_policy_cluster() {
    #[rustfmt::skip]
    run_terminating_case("Cluster", &[
        ("10.0.1.1", true, true, false, TEST_NODE),
        ("10.0.1.2", true, true, false, TEST_NODE),
        ("10.0.1.3", false, true, true, "another-node"),
        ("10.0.1.4", false, false, true, "another-node"),
        ("10.0.1.5", true, true, false, "another-node"),
    ], &[
        flow("ready endpoints exist: pod to clusterIP", "10.0.0.2", "172.30.1.1", 80, "10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80", false),
        flow("ready endpoints exist: external to LB", EXTERNAL_CLIENT, "1.2.3.4", 80, "10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80", true),
    ]);
    #[rustfmt::skip]
    run_terminating_case("Cluster", &[
        ("10.0.1.2", false, true, true, TEST_NODE),
        ("10.0.1.3", false, true, true, TEST_NODE),
        ("10.0.1.4", false, false, true, "another-node"),
        ("10.0.1.5", false, true, true, "another-node"),
    ], &[
        flow("only terminating endpoints exist: pod to clusterIP", "10.0.0.2", "172.30.1.1", 80, "10.0.1.2:80, 10.0.1.3:80, 10.0.1.5:80", false),
        flow("only terminating endpoints exist: external to LB", EXTERNAL_CLIENT, "1.2.3.4", 80, "10.0.1.2:80, 10.0.1.3:80, 10.0.1.5:80", true),
    ]);
    #[rustfmt::skip]
    run_terminating_case("Cluster", &[
        ("10.0.1.5", false, true, true, "node-1"),
    ], &[
        flow("terminating endpoints on remote node: pod to clusterIP", "10.0.0.2", "172.30.1.1", 80, "10.0.1.5:80", false),
        flow("terminating endpoints on remote node: external to LB", EXTERNAL_CLIENT, "1.2.3.4", 80, "10.0.1.5:80", true),
    ]);
    #[rustfmt::skip]
    run_terminating_case("Cluster", &[
        ("10.0.1.5", false, false, true, TEST_NODE),
        ("10.0.1.5", false, false, true, "node-1"),
    ], &[
        flow("no usable endpoints on any node: pod to clusterIP", "10.0.0.2", "172.30.1.1", 80, "REJECT", false),
        flow("no usable endpoints on any node: external to LB", EXTERNAL_CLIENT, "1.2.3.4", 80, "REJECT", false),
    ]);
}

// ---------------------------------------------------------------- TestInternalExternalMasquerade

/// `TestInternalExternalMasquerade`'s three load balancers: svc1 plain, svc2 with
/// externalTrafficPolicy Local, svc3 with internalTrafficPolicy Local; each has one endpoint
/// on test-node and one on "remote". Upstream's nodePorts 3001-3003 are 31001-31003 here
/// (the default range, and clear of the health check ports 30001-30003); the
/// healthCheckNodePorts of svc1 and svc3 are left out, as the API server allows them only
/// with externalTrafficPolicy Local and kube-proxy ignores them otherwise.
const INTERNAL_EXTERNAL: &str = "
apiVersion: v1
kind: Service
metadata: {name: svc1, namespace: ns1, creationTimestamp: '2024-01-01T00:00:00Z'}
spec:
  type: LoadBalancer
  clusterIP: 172.30.0.41
  ports: [{name: p80, port: 80, protocol: TCP, nodePort: 31001}]
status: {loadBalancer: {ingress: [{ip: 1.2.3.4}]}}
---
apiVersion: v1
kind: Service
metadata: {name: svc2, namespace: ns2, creationTimestamp: '2024-01-01T00:00:00Z'}
spec:
  type: LoadBalancer
  clusterIP: 172.30.0.42
  ports: [{name: p80, port: 80, protocol: TCP, nodePort: 31002}]
  healthCheckNodePort: 30002
  externalTrafficPolicy: Local
status: {loadBalancer: {ingress: [{ip: 5.6.7.8}]}}
---
apiVersion: v1
kind: Service
metadata: {name: svc3, namespace: ns3, creationTimestamp: '2024-01-01T00:00:00Z'}
spec:
  type: LoadBalancer
  clusterIP: 172.30.0.43
  ports: [{name: p80, port: 80, protocol: TCP, nodePort: 31003}]
  internalTrafficPolicy: Local
status: {loadBalancer: {ingress: [{ip: 9.10.11.12}]}}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc1-1, namespace: ns1, labels: {kubernetes.io/service-name: svc1}}
addressType: IPv4
endpoints: [{addresses: [10.180.0.1], nodeName: test-node}, {addresses: [10.180.1.1], nodeName: remote}]
ports: [{name: p80, port: 80, protocol: TCP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc2-1, namespace: ns2, labels: {kubernetes.io/service-name: svc2}}
addressType: IPv4
endpoints: [{addresses: [10.180.0.2], nodeName: test-node}, {addresses: [10.180.1.2], nodeName: remote}]
ports: [{name: p80, port: 80, protocol: TCP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc3-1, namespace: ns3, labels: {kubernetes.io/service-name: svc3}}
addressType: IPv4
endpoints: [{addresses: [10.180.0.3], nodeName: test-node}, {addresses: [10.180.1.3], nodeName: remote}]
ports: [{name: p80, port: 80, protocol: TCP}]
";

/// The base flows of `TestInternalExternalMasquerade` (working detector, no masqueradeAll).
fn internal_external_flows() -> Vec<Flow> {
    let svc1 = "10.180.0.1:80, 10.180.1.1:80";
    let svc2 = "10.180.0.2:80, 10.180.1.2:80";
    let svc3 = "10.180.0.3:80, 10.180.1.3:80";
    #[rustfmt::skip]
    let flows = vec![
        flow("pod to ClusterIP", "10.0.0.2", "172.30.0.41", 80, svc1, false),
        flow("pod to NodePort", "10.0.0.2", TEST_NODE_IP, 31001, svc1, true),
        flow("pod to LB", "10.0.0.2", "1.2.3.4", 80, svc1, true),
        flow("node to ClusterIP", TEST_NODE_IP, "172.30.0.41", 80, svc1, true),
        flow("node to NodePort", TEST_NODE_IP, TEST_NODE_IP, 31001, svc1, true),
        flow("node to LB", TEST_NODE_IP, "1.2.3.4", 80, svc1, true),
        flow("external to ClusterIP", EXTERNAL_CLIENT, "172.30.0.41", 80, svc1, true),
        flow("external to NodePort", EXTERNAL_CLIENT, TEST_NODE_IP, 31001, svc1, true),
        flow("external to LB", EXTERNAL_CLIENT, "1.2.3.4", 80, svc1, true),
        flow("pod to ClusterIP with eTP:Local", "10.0.0.2", "172.30.0.42", 80, svc2, false),
        flow("pod to NodePort with eTP:Local", "10.0.0.2", TEST_NODE_IP, 31002, svc2, false),
        flow("pod to LB with eTP:Local", "10.0.0.2", "5.6.7.8", 80, svc2, false),
        flow("node to ClusterIP with eTP:Local", TEST_NODE_IP, "172.30.0.42", 80, svc2, true),
        // Upstream sends this one to 3001, svc1's node port, despite its name.
        flow("node to NodePort with eTP:Local", TEST_NODE_IP, TEST_NODE_IP, 31001, svc1, true),
        flow("node to LB with eTP:Local", TEST_NODE_IP, "5.6.7.8", 80, svc2, true),
        flow("external to ClusterIP with eTP:Local", EXTERNAL_CLIENT, "172.30.0.42", 80, svc2, true),
        flow("external to NodePort with eTP:Local", EXTERNAL_CLIENT, TEST_NODE_IP, 31002, "10.180.0.2:80", false),
        flow("external to LB with eTP:Local", EXTERNAL_CLIENT, "5.6.7.8", 80, "10.180.0.2:80", false),
        flow("pod to ClusterIP with iTP:Local", "10.0.0.2", "172.30.0.43", 80, "10.180.0.3:80", false),
        flow("pod to NodePort with iTP:Local", "10.0.0.2", TEST_NODE_IP, 31003, svc3, true),
        flow("pod to LB with iTP:Local", "10.0.0.2", "9.10.11.12", 80, svc3, true),
        flow("node to ClusterIP with iTP:Local", TEST_NODE_IP, "172.30.0.43", 80, "10.180.0.3:80", true),
        flow("node to NodePort with iTP:Local", TEST_NODE_IP, TEST_NODE_IP, 31003, svc3, true),
        flow("node to LB with iTP:Local", TEST_NODE_IP, "9.10.11.12", 80, svc3, true),
        flow("external to ClusterIP with iTP:Local", EXTERNAL_CLIENT, "172.30.0.43", 80, "10.180.0.3:80", true),
        flow("external to NodePort with iTP:Local", EXTERNAL_CLIENT, TEST_NODE_IP, 31003, svc3, true),
        flow("external to LB with iTP:Local", EXTERNAL_CLIENT, "9.10.11.12", 80, svc3, true),
    ];
    flows
}

/// `flows` with upstream's per-case overrides of `output` and `masq` applied by name;
/// every override must name a flow, as upstream checks.
fn with_overrides(
    mut flows: Vec<Flow>,
    overrides: &[(&str, Option<&'static str>, Option<bool>)],
) -> Vec<Flow> {
    for (name, output, masq) in overrides {
        let flow = flows.iter_mut().find(|flow| flow.name == *name).unwrap();
        if let Some(output) = output {
            assert_ne!(flow.output, *output, "{name}: override same as base");
            flow.output = output;
        }
        if let Some(masq) = masq {
            assert_ne!(flow.masq, *masq, "{name}: override same as base");
            flow.masq = *masq;
        }
    }
    flows
}

#[test]
fn test_internal_external_masquerade_base() {
    let flows = internal_external_flows();
    run_flows(&build(INTERNAL_EXTERNAL, &flows), &flows);
}

/// The "no LocalTrafficDetector" case: kube-proxy without a cluster CIDR
/// (`NewNoOpLocalDetector`). svcroute takes the detector from the nodes' podCIDRs and
/// falls back to 10.244.0.0/16, so no YAML says "no detector"; the cluster's CIDRs are
/// cleared instead, which is what svcroute does with a cluster that has none.
#[test]
fn test_internal_external_masquerade_no_local_traffic_detector() {
    #[rustfmt::skip]
    let flows = with_overrides(internal_external_flows(), &[
        ("node to ClusterIP", None, Some(false)),
        ("node to ClusterIP with eTP:Local", None, Some(false)),
        ("node to ClusterIP with iTP:Local", None, Some(false)),
        ("external to ClusterIP", None, Some(false)),
        ("external to ClusterIP with eTP:Local", None, Some(false)),
        ("external to ClusterIP with iTP:Local", None, Some(false)),
        ("pod to NodePort with eTP:Local", Some("10.180.0.2:80"), None),
        ("pod to LB with eTP:Local", Some("10.180.0.2:80"), None),
    ]);
    let mut cluster = build(INTERNAL_EXTERNAL, &flows);
    cluster.cluster_cidrs.clear();
    run_flows(&cluster, &flows);
}

/// `masqueradeAll` is not modelled (route/mod.rs): upstream masquerades every packet to a
/// cluster IP, svcroute only those its detector marks, so these flows say what svcroute
/// does and which upstream answer it does not give.
const NO_MASQUERADE_ALL: &str = "masqueradeAll is not modelled (route/mod.rs, facts 3.4 row 8): upstream masquerades every packet to a cluster IP";

/// The "masqueradeAll" and "masqueradeAll, no LocalTrafficDetector" cases.
#[test]
fn test_internal_external_masquerade_masquerade_all() {
    for has_detector in [true, false] {
        #[rustfmt::skip]
        let mut overrides = vec![
            ("pod to ClusterIP", None, Some(true)),
            ("pod to ClusterIP with eTP:Local", None, Some(true)),
            ("pod to ClusterIP with iTP:Local", None, Some(true)),
        ];
        if !has_detector {
            overrides.push(("pod to NodePort with eTP:Local", Some("10.180.0.2:80"), None));
            overrides.push(("pod to LB with eTP:Local", Some("10.180.0.2:80"), None));
        }
        // Every flow to a cluster IP is masqueraded upstream; svcroute masquerades those a
        // working detector marks (sources outside the cluster CIDR) and no others.
        let flows: Vec<Flow> = with_overrides(internal_external_flows(), &overrides)
            .into_iter()
            .map(|flow| {
                let to_cluster_ip = flow.name.contains("to ClusterIP");
                let from_pod = flow.name.starts_with("pod ");
                if to_cluster_ip && (from_pod || !has_detector) {
                    let output = flow.output;
                    flow.differs(output, false, NO_MASQUERADE_ALL)
                } else {
                    flow
                }
            })
            .collect();
        let mut cluster = build(INTERNAL_EXTERNAL, &flows);
        if !has_detector {
            cluster.cluster_cidrs.clear();
        }
        run_flows(&cluster, &flows);
    }
}
