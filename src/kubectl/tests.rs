//! Unit tests for the kubectl tables: cells from facts section 9, kubectl's printers_test.go
//! and the book's outputs.

use super::*;
use crate::input::raw;
use crate::model::Pod;
use crate::model::{
    IpMode, LoadBalancerIngress, Protocol, ServicePort, SessionAffinity, TargetPort, TrafficPolicy,
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
    let text = format!("kind: Pod\n{yaml}");
    let Some(raw::Object::Pod(raw)) =
        crate::input::parse(&text).documents.into_iter().next().map(|document| document.object)
    else {
        panic!("not a Pod: {yaml}")
    };
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
    let mut worker =
        node("w", "10.0.0.1", &[("kubernetes.io/role", "infra"), ("node-role.kubernetes.io/", "")]);
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
            EndpointSlicePort { name: Some("https".into()), port: None, protocol: Protocol::Tcp },
        ],
        endpoints: ["10.244.1.5", "10.244.2.3", "10.244.3.7", "10.244.1.9"].map(endpoint).to_vec(),
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
    assert_eq!(table(&cluster, Resource::Pods, false), "No resources found in default namespace.");
    assert_eq!(table(&cluster, Resource::Nodes, false), "No resources found");
}

#[test]
fn kiada_answers_the_books_curl_with_the_client_ip_kind_worker_masqueraded_to() {
    // Seed 11.2.1: `curl 172.18.0.4:30080` answered by kiada-001 on kind-worker2.
    let parsed = crate::input::parse(include_str!("../../presets/11.3-nodeport.yaml"));
    let (cluster, _) = crate::model::build(&parsed, &crate::model::BuildOptions::default());
    let mut query = crate::route::Query::new("default", "kiada");
    query.port = crate::route::PortSelector::Name("http".into());
    query.entry = Some(crate::route::EntryKind::NodePort);
    query.node = Some("kind-worker".into());
    let explanation = crate::route::explain(&cluster, &query).unwrap();
    let path = explanation
        .paths
        .iter()
        .find(|path| path.target.as_ref().and_then(|t| t.pod.as_deref()) == Some("kiada-001"))
        .unwrap();
    assert_eq!(
        kiada_response(&cluster, path).unwrap(),
        "Request processed by Kubia 1.0 running in pod \"kiada-001\" on node \"kind-worker2\".\n\
         Pod hostname: kiada-001; Pod IP: 10.244.1.90; Node IP: 172.18.0.2; Client IP: ::ffff:172.18.0.4\n"
    );
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

#[test]
fn a_pod_ip_svcroute_filled_in_shows_in_the_wide_table() {
    let yaml = RUNNING.replace("  podIP: 10.244.1.90\n  podIPs: [{ip: 10.244.1.90}]\n", "");
    let mut filled = pod(&yaml);
    filled.ip = Some("10.244.1.2".parse().unwrap());
    let cluster = Cluster { pods: vec![filled], ..Cluster::default() };
    let table = table(&cluster, Resource::Pods, true);
    assert!(table.lines().nth(1).unwrap().contains("   10.244.1.2   kind-worker2   "), "{table}");
}
