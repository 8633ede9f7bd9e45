//! A seeded generator of synthetic clusters shaped like `kubectl get
//! svc,pods,nodes,endpointslices -o yaml` output: one `kind: List`, with the noise a real
//! dump carries (managedFields, last-applied-configuration, ownerReferences, full pod specs
//! and statuses, node images), written as YAML and as JSON from the same objects.

use crate::emit;
use serde_json::{json, Map, Value};

/// SplitMix64: small, fast, and the same stream on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound.max(1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn hex(&mut self, len: usize) -> String {
        const DIGITS: &[u8] = b"0123456789abcdef";
        (0..len).map(|_| DIGITS[self.below(16) as usize] as char).collect()
    }

    /// The alphabet Kubernetes uses for generated name suffixes (no vowels, no 0/1/3).
    fn suffix(&mut self, len: usize) -> String {
        const SAFE: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        (0..len).map(|_| SAFE[self.below(SAFE.len() as u64) as usize] as char).collect()
    }

    fn uid(&mut self) -> String {
        format!(
            "{}-{}-4{}-a{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            self.hex(3),
            self.hex(12)
        )
    }

    fn timestamp(&mut self) -> String {
        format!(
            "2026-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            1 + self.below(10),
            1 + self.below(28),
            self.below(24),
            self.below(60),
            self.below(60)
        )
    }
}

/// How big a cluster to make.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub n_nodes: usize,
    pub n_pods: usize,
    pub n_services: usize,
}

impl Size {
    /// `percent` of Kubernetes' documented limits: 5,000 nodes, 150,000 pods, 10,000 services.
    pub fn of_limits(percent: f64) -> Self {
        let scale = |limit: f64| ((limit * percent / 100.0).round() as usize).max(1);
        Self { n_nodes: scale(5_000.0), n_pods: scale(150_000.0), n_services: scale(10_000.0) }
    }
}

/// A service of the generated cluster, to query.
#[derive(Debug, Clone)]
pub struct ServiceRef {
    pub namespace: String,
    pub name: String,
    pub type_: &'static str,
    pub is_local: bool,
}

/// The generated text and what is in it.
pub struct Generated {
    pub yaml: String,
    pub json: String,
    pub services: Vec<ServiceRef>,
    pub n_nodes: usize,
    pub n_pods: usize,
    pub n_slices: usize,
    /// Lines of YAML the pods take, for calibrating the noise.
    pub pod_yaml_lines: usize,
}

const CONTROL_PLANES: usize = 3;
const FIRST_NODE_PORT: u16 = 30000;
const LAST_NODE_PORT: u16 = 32767;
const ZONES: [&str; 3] = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];

struct NodeSpec {
    name: String,
    ip: u32,
    pod_cidr: u32,
    zone: &'static str,
    is_control_plane: bool,
    is_ready: bool,
    is_unschedulable: bool,
    n_pods: u32,
    uid: String,
    created: String,
    images: Vec<usize>,
}

#[derive(Clone)]
struct PortSpec {
    name: Option<&'static str>,
    protocol: &'static str,
    port: u16,
    /// `None`: the target is the container port's name.
    target_number: Option<u16>,
    container_port: u16,
    container_port_name: &'static str,
    node_port: Option<u16>,
}

struct AppSpec {
    namespace: String,
    name: String,
    type_: &'static str,
    is_headless: bool,
    is_local: bool,
    has_affinity: bool,
    ports: Vec<PortSpec>,
    health_check_node_port: Option<u16>,
    lb_ip: Option<u32>,
    cluster_ip: u32,
    replicas: usize,
    template_hash: String,
    image: String,
    n_env: usize,
    has_pod_name_env: bool,
    has_probe: bool,
    mounts_token: bool,
    tier: &'static str,
    has_selector: bool,
    uid: String,
    created: String,
}

struct PodSpec {
    app_idx: Option<usize>,
    name: String,
    namespace: String,
    node_idx: usize,
    ip: u32,
    is_ready: bool,
    is_terminating: bool,
    restarts: u64,
    uid: String,
    created: String,
}

fn ipv4(addr: u32) -> String {
    std::net::Ipv4Addr::from(addr).to_string()
}

const fn ip(a: u32, b: u32, c: u32, d: u32) -> u32 {
    (a << 24) | (b << 16) | (c << 8) | d
}

/// Generates one cluster of `size` from `seed`.
pub fn generate(size: Size, seed: u64) -> Generated {
    let mut rng = Rng::new(seed);
    let mut resource_version: u64 = 1_000_000;
    let image_pool: Vec<(String, u64)> = (0..200)
        .map(|idx| {
            let repo = match idx % 4 {
                0 => format!("registry.k8s.io/component-{idx}"),
                1 => format!("docker.io/library/app-{idx}"),
                2 => format!("quay.io/team/service-{idx}"),
                _ => format!("ghcr.io/org/tool-{idx}"),
            };
            (repo, 5_000_000 + rng.below(400_000_000))
        })
        .collect();

    // Nodes: three control planes (kubeadm labels them out of external load balancers), then
    // workers; a few are cordoned or NotReady, as in any large cluster.
    let n_workers = size.n_nodes.saturating_sub(CONTROL_PLANES).max(1);
    let mut nodes: Vec<NodeSpec> = Vec::new();
    for idx in 0..CONTROL_PLANES + n_workers {
        let is_control_plane = idx < CONTROL_PLANES;
        let name = if is_control_plane {
            format!("control-plane-{}", idx + 1)
        } else {
            format!("worker-{:05}", idx - CONTROL_PLANES + 1)
        };
        let n_images = 20 + rng.below(20) as usize;
        let images = (0..n_images).map(|_| rng.below(image_pool.len() as u64) as usize).collect();
        nodes.push(NodeSpec {
            name,
            ip: ip(172, 16, 0, 10) + idx as u32,
            pod_cidr: ip(10, 128, 0, 0) + ((idx as u32) << 8),
            zone: ZONES[idx % ZONES.len()],
            is_control_plane,
            is_ready: is_control_plane || !rng.chance(1),
            is_unschedulable: !is_control_plane && rng.chance(1),
            n_pods: 0,
            uid: rng.uid(),
            created: rng.timestamp(),
            images,
        });
    }

    // Apps: a Service and the Deployment behind it (the Deployment itself is not in the dump).
    let n_apps = size.n_services.saturating_sub(2).max(1);
    let n_app_pods = size.n_pods.saturating_sub(nodes.len() + 2).max(n_apps);
    let mut replicas: Vec<usize> = (0..n_apps)
        .map(|idx| n_app_pods / n_apps + usize::from(idx < n_app_pods % n_apps))
        .collect();
    for idx in (0..n_apps.saturating_sub(1)).step_by(2) {
        let room = replicas[idx].min(replicas[idx + 1]).saturating_sub(1).min(10);
        let shift = rng.below(room as u64 + 1) as usize;
        replicas[idx] += shift;
        replicas[idx + 1] -= shift;
    }
    let mut node_ports: Vec<u16> = (FIRST_NODE_PORT..=LAST_NODE_PORT).collect();
    for idx in (1..node_ports.len()).rev() {
        node_ports.swap(idx, rng.below(idx as u64 + 1) as usize);
    }
    let mut next_lb_ip = ip(172, 30, 0, 1);
    let mut apps: Vec<AppSpec> = Vec::new();
    for (app_idx, &n_replicas) in replicas.iter().enumerate() {
        let namespace = format!("team-{:04}", app_idx / 25 + 1);
        let name = format!("app-{:05}", app_idx + 1);
        let roll = rng.below(100);
        let mut type_ = if roll < 6 {
            "NodePort"
        } else if roll < 16 {
            "LoadBalancer"
        } else {
            "ClusterIP"
        };
        let is_headless = type_ == "ClusterIP" && rng.chance(4);
        let mut ports = match rng.below(100) {
            0..=59 => vec![port(Some("http"), 80, None, 8080, "http")],
            60..=74 => vec![port(None, 80, Some(8080), 8080, "http")],
            75..=89 => vec![
                port(Some("http"), 80, Some(8080), 8080, "http"),
                port(Some("metrics"), 9090, None, 9090, "metrics"),
            ],
            _ => vec![
                port(Some("http"), 80, Some(8080), 8080, "http"),
                port(Some("https"), 443, None, 8443, "https"),
            ],
        };
        let is_local = type_ != "ClusterIP" && rng.chance(33);
        let mut health_check_node_port = None;
        // Node ports are unique in the cluster; when the range runs out, the app stays ClusterIP.
        if type_ != "ClusterIP" {
            let wanted = ports.len() + usize::from(type_ == "LoadBalancer" && is_local);
            if node_ports.len() >= wanted {
                for service_port in &mut ports {
                    service_port.node_port = node_ports.pop();
                }
                if type_ == "LoadBalancer" && is_local {
                    health_check_node_port = node_ports.pop();
                }
            } else {
                type_ = "ClusterIP";
            }
        }
        let lb_ip = (type_ == "LoadBalancer").then(|| {
            next_lb_ip += 1;
            next_lb_ip
        });
        apps.push(AppSpec {
            namespace,
            name: name.clone(),
            type_,
            is_headless,
            is_local: is_local && type_ != "ClusterIP",
            has_affinity: rng.chance(5),
            ports,
            health_check_node_port,
            lb_ip,
            cluster_ip: ip(10, 96, 8, 0) + ((app_idx as u32).wrapping_mul(97) % ((1 << 20) - 4096)),
            replicas: n_replicas,
            template_hash: rng.suffix(10),
            image: format!("registry.example.com/{name}:1.{}.{}", rng.below(20), rng.below(10)),
            // Optional parts vary per app, so a pod prints as 100 to 150 lines.
            n_env: if rng.chance(30) { 1 + rng.below(3) as usize } else { 0 },
            has_pod_name_env: rng.chance(20),
            has_probe: rng.chance(25),
            mounts_token: rng.chance(25),
            tier: ["frontend", "backend", "worker", "cache"][rng.below(4) as usize],
            has_selector: true,
            uid: rng.uid(),
            created: rng.timestamp(),
        });
    }
    // Two services every cluster has.
    apps.push(AppSpec {
        namespace: "default".into(),
        name: "kubernetes".into(),
        type_: "ClusterIP",
        is_headless: false,
        is_local: false,
        has_affinity: false,
        ports: vec![port(Some("https"), 443, Some(6443), 6443, "https")],
        health_check_node_port: None,
        lb_ip: None,
        cluster_ip: ip(10, 96, 0, 1),
        replicas: 0,
        template_hash: String::new(),
        image: String::new(),
        n_env: 0,
        has_pod_name_env: false,
        has_probe: false,
        mounts_token: false,
        tier: "",
        has_selector: false,
        uid: rng.uid(),
        created: rng.timestamp(),
    });
    apps.push(AppSpec {
        namespace: "kube-system".into(),
        name: "kube-dns".into(),
        type_: "ClusterIP",
        is_headless: false,
        is_local: false,
        has_affinity: false,
        ports: vec![
            PortSpec { protocol: "UDP", ..port(Some("dns"), 53, None, 53, "dns") },
            port(Some("dns-tcp"), 53, None, 53, "dns-tcp"),
            port(Some("metrics"), 9153, None, 9153, "metrics"),
        ],
        health_check_node_port: None,
        lb_ip: None,
        cluster_ip: ip(10, 96, 0, 10),
        replicas: 2,
        template_hash: rng.suffix(10),
        image: "registry.k8s.io/coredns/coredns:v1.11.3".into(),
        n_env: 0,
        has_pod_name_env: false,
        has_probe: true,
        mounts_token: true,
        tier: "dns",
        has_selector: true,
        uid: rng.uid(),
        created: rng.timestamp(),
    });

    // Pods: the apps' replicas on schedulable workers, and one kube-proxy per node.
    let mut pods: Vec<PodSpec> = Vec::new();
    // Generated names are unique in a namespace, as the API server makes them: 5,000
    // kube-proxy pods drawing 5-character suffixes would otherwise collide about once.
    let mut taken: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut unique_name = |prefix: &str, rng: &mut Rng| loop {
        let name = format!("{prefix}{}", rng.suffix(5));
        if taken.insert(name.clone()) {
            break name;
        }
    };
    for (app_idx, app) in apps.iter().enumerate() {
        for _ in 0..app.replicas {
            let node_idx = CONTROL_PLANES + rng.below(n_workers as u64) as usize;
            let node = &mut nodes[node_idx];
            node.n_pods += 1;
            let is_terminating = rng.below(1000) < 3;
            pods.push(PodSpec {
                app_idx: Some(app_idx),
                name: unique_name(&format!("{}-{}-", app.name, app.template_hash), &mut rng),
                namespace: app.namespace.clone(),
                node_idx,
                ip: node.pod_cidr + 1 + node.n_pods,
                is_ready: !is_terminating && !rng.chance(2),
                is_terminating,
                restarts: if rng.chance(10) { 1 + rng.below(5) } else { 0 },
                uid: rng.uid(),
                created: rng.timestamp(),
            });
        }
    }
    for (node_idx, node) in nodes.iter().enumerate() {
        pods.push(PodSpec {
            app_idx: None,
            name: unique_name("kube-proxy-", &mut rng),
            namespace: "kube-system".into(),
            node_idx,
            ip: node.ip,
            is_ready: node.is_ready,
            is_terminating: false,
            restarts: 0,
            uid: rng.uid(),
            created: node.created.clone(),
        });
    }

    // kubectl prints services, then pods, then nodes, then endpointslices, each sorted by
    // namespace and name.
    let mut app_order: Vec<usize> = (0..apps.len()).collect();
    app_order.sort_by(|&a, &b| {
        (&apps[a].namespace, &apps[a].name).cmp(&(&apps[b].namespace, &apps[b].name))
    });
    let mut pod_order: Vec<usize> = (0..pods.len()).collect();
    pod_order.sort_by(|&a, &b| {
        (&pods[a].namespace, &pods[a].name).cmp(&(&pods[b].namespace, &pods[b].name))
    });
    let mut pods_of_app: Vec<Vec<usize>> = vec![Vec::new(); apps.len()];
    for &pod_idx in &pod_order {
        if let Some(app_idx) = pods[pod_idx].app_idx {
            pods_of_app[app_idx].push(pod_idx);
        }
    }

    let mut yaml = String::from(emit::YAML_LIST_HEAD);
    let mut json = String::from(emit::JSON_LIST_HEAD);
    let mut is_first = true;
    let mut push = |item: Value, yaml: &mut String, json: &mut String| {
        emit::yaml_list_item(yaml, &item);
        emit::json_list_item(json, &item, is_first);
        is_first = false;
    };
    let mut next_rv = || {
        resource_version += 1 + rng_step(resource_version);
        resource_version.to_string()
    };
    for &app_idx in &app_order {
        let object = service_object(&apps[app_idx], &mut next_rv);
        push(object, &mut yaml, &mut json);
    }
    let mut pod_yaml_lines = 0;
    for &pod_idx in &pod_order {
        let object = pod_object(&pods[pod_idx], &apps, &nodes, &image_pool, &mut rng, &mut next_rv);
        let before = yaml.len();
        push(object, &mut yaml, &mut json);
        pod_yaml_lines += yaml[before..].matches('\n').count();
    }
    for node in &nodes {
        let object = node_object(node, &image_pool, &mut rng, &mut next_rv);
        push(object, &mut yaml, &mut json);
    }
    let mut n_slices = 0;
    for &app_idx in &app_order {
        for object in slice_objects(
            app_idx,
            &apps,
            &pods,
            &pods_of_app[app_idx],
            &nodes,
            &mut rng,
            &mut next_rv,
        ) {
            push(object, &mut yaml, &mut json);
            n_slices += 1;
        }
    }
    yaml.push_str(emit::YAML_LIST_TAIL);
    json.push_str(emit::JSON_LIST_TAIL);

    let services = app_order
        .iter()
        .map(|&app_idx| ServiceRef {
            namespace: apps[app_idx].namespace.clone(),
            name: apps[app_idx].name.clone(),
            type_: apps[app_idx].type_,
            is_local: apps[app_idx].is_local,
        })
        .collect();
    Generated {
        yaml,
        json,
        services,
        n_nodes: nodes.len(),
        n_pods: pods.len(),
        n_slices,
        pod_yaml_lines,
    }
}

/// Resource versions grow by a few per object, deterministically.
fn rng_step(previous: u64) -> u64 {
    (previous.wrapping_mul(2_862_933_555_777_941_757) >> 60) % 7
}

fn port(
    name: Option<&'static str>,
    port: u16,
    target_number: Option<u16>,
    container_port: u16,
    container_port_name: &'static str,
) -> PortSpec {
    PortSpec {
        name,
        protocol: "TCP",
        port,
        target_number,
        container_port,
        container_port_name,
        node_port: None,
    }
}

fn object(pairs: Vec<(&str, Value)>) -> Value {
    let mut map = Map::new();
    for (key, value) in pairs {
        map.insert(key.to_string(), value);
    }
    Value::Object(map)
}

fn service_object(app: &AppSpec, next_rv: &mut impl FnMut() -> String) -> Value {
    let ports: Vec<Value> = app
        .ports
        .iter()
        .map(|service_port| {
            let mut pairs = vec![
                ("port", json!(service_port.port)),
                ("protocol", json!(service_port.protocol)),
                (
                    "targetPort",
                    match service_port.target_number {
                        Some(number) => json!(number),
                        None => json!(service_port.container_port_name),
                    },
                ),
            ];
            if let Some(name) = service_port.name {
                pairs.push(("name", json!(name)));
            }
            if let Some(node_port) = service_port.node_port {
                pairs.push(("nodePort", json!(node_port)));
            }
            object(pairs)
        })
        .collect();
    let cluster_ip = if app.is_headless { "None".to_string() } else { ipv4(app.cluster_ip) };
    let mut spec = vec![
        ("clusterIP", json!(cluster_ip)),
        ("clusterIPs", json!([cluster_ip])),
        ("internalTrafficPolicy", json!("Cluster")),
        ("ipFamilies", json!(["IPv4"])),
        ("ipFamilyPolicy", json!("SingleStack")),
        ("ports", Value::Array(ports.clone())),
        ("sessionAffinity", json!(if app.has_affinity { "ClientIP" } else { "None" })),
        ("type", json!(app.type_)),
    ];
    if app.has_selector {
        spec.push(("selector", json!({ "app": app.name })));
    }
    if app.has_affinity {
        spec.push(("sessionAffinityConfig", json!({ "clientIP": { "timeoutSeconds": 10800 } })));
    }
    if app.type_ != "ClusterIP" {
        spec.push(("externalTrafficPolicy", json!(if app.is_local { "Local" } else { "Cluster" })));
    }
    if app.type_ == "LoadBalancer" {
        spec.push(("allocateLoadBalancerNodePorts", json!(true)));
    }
    if let Some(health_check_node_port) = app.health_check_node_port {
        spec.push(("healthCheckNodePort", json!(health_check_node_port)));
    }
    let status = match app.lb_ip {
        Some(lb_ip) => {
            json!({ "loadBalancer": { "ingress": [{ "ip": ipv4(lb_ip), "ipMode": "VIP" }] } })
        }
        None => json!({ "loadBalancer": {} }),
    };
    let mut labels = json!({ "app": app.name });
    let mut metadata = vec![
        ("creationTimestamp", json!(app.created)),
        ("name", json!(app.name)),
        ("namespace", json!(app.namespace)),
        ("resourceVersion", json!(next_rv())),
        ("uid", json!(app.uid)),
    ];
    if app.has_selector {
        // What `kubectl apply` stored: the manifest as the user wrote it, one line of JSON.
        let mut applied_spec =
            json!({ "ports": ports, "selector": { "app": app.name }, "type": app.type_ });
        if app.type_ != "ClusterIP" {
            applied_spec["externalTrafficPolicy"] =
                json!(if app.is_local { "Local" } else { "Cluster" });
        }
        let applied = json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": { "annotations": {}, "labels": { "app": app.name }, "name": app.name, "namespace": app.namespace },
            "spec": applied_spec,
        });
        metadata.push((
            "annotations",
            json!({ "kubectl.kubernetes.io/last-applied-configuration": format!("{applied}\n") }),
        ));
        labels["tier"] = json!(app.tier);
        metadata.push(("managedFields", service_managed_fields(app)));
    } else {
        labels = json!({ "component": "apiserver", "provider": "kubernetes" });
    }
    metadata.push(("labels", labels));
    object(vec![
        ("apiVersion", json!("v1")),
        ("kind", json!("Service")),
        ("metadata", object(metadata)),
        ("spec", object(spec)),
        ("status", status),
    ])
}

fn service_managed_fields(app: &AppSpec) -> Value {
    let mut port_fields = Map::new();
    for service_port in &app.ports {
        port_fields.insert(
            format!(
                "k:{{\"port\":{},\"protocol\":\"{}\"}}",
                service_port.port, service_port.protocol
            ),
            json!({ ".": {}, "f:name": {}, "f:port": {}, "f:protocol": {}, "f:targetPort": {} }),
        );
    }
    port_fields.insert(".".into(), json!({}));
    let mut entries = vec![json!({
        "apiVersion": "v1",
        "fieldsType": "FieldsV1",
        "fieldsV1": {
            "f:metadata": {
                "f:annotations": { ".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {} },
                "f:labels": { ".": {}, "f:app": {}, "f:tier": {} },
            },
            "f:spec": {
                "f:internalTrafficPolicy": {},
                "f:ports": Value::Object(port_fields),
                "f:selector": {},
                "f:sessionAffinity": {},
                "f:type": {},
            },
        },
        "manager": "kubectl-client-side-apply",
        "operation": "Update",
        "time": app.created,
    })];
    if app.type_ == "LoadBalancer" {
        entries.push(json!({
            "apiVersion": "v1",
            "fieldsType": "FieldsV1",
            "fieldsV1": { "f:status": { "f:loadBalancer": { "f:ingress": {} } } },
            "manager": "metallb-controller",
            "operation": "Update",
            "subresource": "status",
            "time": app.created,
        }));
    }
    Value::Array(entries)
}

fn pod_object(
    pod: &PodSpec,
    apps: &[AppSpec],
    nodes: &[NodeSpec],
    image_pool: &[(String, u64)],
    rng: &mut Rng,
    next_rv: &mut impl FnMut() -> String,
) -> Value {
    let node = &nodes[pod.node_idx];
    let token_volume = format!("kube-api-access-{}", rng.suffix(5));
    let tolerations = json!([
        { "effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300 },
        { "effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300 },
    ]);
    let (metadata, mut spec, container_name, image) = match pod
        .app_idx
        .and_then(|idx| apps.get(idx))
    {
        Some(app) => {
            let container_ports: Vec<Value> = app
                .ports
                .iter()
                .map(|p| json!({ "containerPort": p.container_port, "name": p.container_port_name, "protocol": p.protocol }))
                .collect();
            let mut env: Vec<Value> = (0..app.n_env)
                .map(|idx| {
                    let (name, value) = [
                        ("LOG_LEVEL", "info"),
                        ("HTTP_PORT", "8080"),
                        ("FEATURE_FLAGS", "beta,fast-path"),
                    ][idx % 3];
                    json!({ "name": name, "value": value })
                })
                .collect();
            if app.has_pod_name_env {
                env.push(json!({ "name": "POD_NAME", "valueFrom": { "fieldRef": { "apiVersion": "v1", "fieldPath": "metadata.name" } } }));
            }
            let mut container = vec![
                ("image", json!(app.image)),
                ("imagePullPolicy", json!("IfNotPresent")),
                ("name", json!(app.name)),
                ("ports", Value::Array(container_ports)),
                (
                    "resources",
                    json!({ "limits": { "cpu": "500m", "memory": "256Mi" }, "requests": { "cpu": "100m", "memory": "128Mi" } }),
                ),
                ("terminationMessagePath", json!("/dev/termination-log")),
                ("terminationMessagePolicy", json!("File")),
            ];
            if !env.is_empty() {
                container.push(("env", Value::Array(env)));
            }
            if app.has_probe {
                container.push((
                    "readinessProbe",
                    json!({ "failureThreshold": 3, "httpGet": { "path": "/healthz", "port": app.ports[0].container_port_name, "scheme": "HTTP" }, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1 }),
                ));
            }
            if app.mounts_token {
                container.push((
                    "volumeMounts",
                    json!([{ "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": token_volume, "readOnly": true }]),
                ));
            }
            let mut labels = json!({ "app": app.name, "pod-template-hash": app.template_hash });
            if !app.tier.is_empty() {
                labels["tier"] = json!(app.tier);
            }
            let mut metadata = vec![
                ("creationTimestamp", json!(pod.created)),
                ("generateName", json!(format!("{}-{}-", app.name, app.template_hash))),
                ("labels", labels),
                ("name", json!(pod.name)),
                ("namespace", json!(pod.namespace)),
                (
                    "ownerReferences",
                    json!([{ "apiVersion": "apps/v1", "blockOwnerDeletion": true, "controller": true, "kind": "ReplicaSet", "name": format!("{}-{}", app.name, app.template_hash), "uid": app.uid }]),
                ),
                ("resourceVersion", json!(next_rv())),
                ("uid", json!(pod.uid)),
            ];
            if app.has_probe {
                metadata.push((
                    "annotations",
                    json!({ "prometheus.io/port": "9090", "prometheus.io/scrape": "true" }),
                ));
            }
            let spec = vec![
                ("containers", Value::Array(vec![object(container)])),
                ("dnsPolicy", json!("ClusterFirst")),
                ("enableServiceLinks", json!(true)),
                ("nodeName", json!(node.name)),
                ("preemptionPolicy", json!("PreemptLowerPriority")),
                ("priority", json!(0)),
                ("restartPolicy", json!("Always")),
                ("schedulerName", json!("default-scheduler")),
                ("securityContext", json!({})),
                ("serviceAccount", json!("default")),
                ("serviceAccountName", json!("default")),
                ("terminationGracePeriodSeconds", json!(30)),
                ("tolerations", tolerations),
            ];
            (metadata, spec, app.name.clone(), app.image.clone())
        }
        None => {
            let image = "registry.k8s.io/kube-proxy:v1.31.2".to_string();
            let container = json!({
                "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"],
                "env": [{ "name": "NODE_NAME", "valueFrom": { "fieldRef": { "apiVersion": "v1", "fieldPath": "spec.nodeName" } } }],
                "image": image, "imagePullPolicy": "IfNotPresent", "name": "kube-proxy", "resources": {},
                "securityContext": { "privileged": true },
                "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                "volumeMounts": [
                    { "mountPath": "/var/lib/kube-proxy", "name": "kube-proxy" },
                    { "mountPath": "/run/xtables.lock", "name": "xtables-lock" },
                    { "mountPath": "/lib/modules", "name": "lib-modules", "readOnly": true },
                ],
            });
            let metadata = vec![
                ("creationTimestamp", json!(pod.created)),
                ("generateName", json!("kube-proxy-")),
                (
                    "labels",
                    json!({ "controller-revision-hash": "5f8b7c9d4", "k8s-app": "kube-proxy", "pod-template-generation": "1" }),
                ),
                ("name", json!(pod.name)),
                ("namespace", json!(pod.namespace)),
                (
                    "ownerReferences",
                    json!([{ "apiVersion": "apps/v1", "blockOwnerDeletion": true, "controller": true, "kind": "DaemonSet", "name": "kube-proxy", "uid": "6b1c2d3e-0000-4000-a000-00000000c0de" }]),
                ),
                ("resourceVersion", json!(next_rv())),
                ("uid", json!(pod.uid)),
            ];
            let spec = vec![
                ("containers", json!([container])),
                ("dnsPolicy", json!("ClusterFirst")),
                ("hostNetwork", json!(true)),
                ("nodeName", json!(node.name)),
                ("priorityClassName", json!("system-node-critical")),
                ("restartPolicy", json!("Always")),
                ("serviceAccountName", json!("kube-proxy")),
                ("tolerations", json!([{ "operator": "Exists" }])),
                (
                    "volumes",
                    json!([
                        { "configMap": { "defaultMode": 420, "name": "kube-proxy" }, "name": "kube-proxy" },
                        { "hostPath": { "path": "/run/xtables.lock", "type": "FileOrCreate" }, "name": "xtables-lock" },
                        { "hostPath": { "path": "/lib/modules", "type": "" }, "name": "lib-modules" },
                    ]),
                ),
            ];
            (metadata, spec, "kube-proxy".to_string(), image)
        }
    };
    let mounts_token =
        pod.app_idx.and_then(|idx| apps.get(idx)).is_some_and(|app| app.mounts_token);
    if mounts_token {
        spec.push((
            "volumes",
            json!([{ "name": token_volume, "projected": { "defaultMode": 420, "sources": [
                { "serviceAccountToken": { "expirationSeconds": 3607, "path": "token" } },
                { "configMap": { "items": [{ "key": "ca.crt", "path": "ca.crt" }], "name": "kube-root-ca.crt" } },
                { "downwardAPI": { "items": [{ "fieldRef": { "apiVersion": "v1", "fieldPath": "metadata.namespace" }, "path": "namespace" }] } },
            ] } }]),
        ));
    } else if pod.app_idx.is_some() {
        spec.push(("automountServiceAccountToken", json!(false)));
    }

    let ready = if pod.is_ready { "True" } else { "False" };
    let condition = |type_: &str, status: &str| {
        let mut value = json!({ "lastProbeTime": null, "lastTransitionTime": pod.created, "status": status, "type": type_ });
        if status == "False" {
            value["reason"] = json!("ContainersNotReady");
            value["message"] = json!(format!("containers with unready status: [{container_name}]"));
        }
        value
    };
    let image_id = image_pool[rng.below(image_pool.len() as u64) as usize].0.clone();
    let mut container_status = json!({
        "containerID": format!("containerd://{}", rng.hex(64)),
        "image": image,
        "imageID": format!("{image_id}@sha256:{}", rng.hex(64)),
        "lastState": {},
        "name": container_name,
        "ready": pod.is_ready,
        "restartCount": pod.restarts,
        "started": true,
        "state": { "running": { "startedAt": pod.created } },
    });
    if pod.restarts > 0 {
        container_status["lastState"] = json!({ "terminated": { "containerID": format!("containerd://{}", rng.hex(64)), "exitCode": 137, "finishedAt": pod.created, "reason": "OOMKilled", "startedAt": pod.created } });
    }
    let status = json!({
        "conditions": [
            condition("PodReadyToStartContainers", "True"),
            condition("Initialized", "True"),
            condition("Ready", ready),
            condition("ContainersReady", ready),
            condition("PodScheduled", "True"),
        ],
        "containerStatuses": [container_status],
        "hostIP": ipv4(node.ip),
        "hostIPs": [{ "ip": ipv4(node.ip) }],
        "phase": "Running",
        "podIP": ipv4(pod.ip),
        "podIPs": [{ "ip": ipv4(pod.ip) }],
        "qosClass": if pod.app_idx.is_some() { "Burstable" } else { "BestEffort" },
        "startTime": pod.created,
    });
    let mut metadata = metadata;
    if pod.is_terminating {
        metadata.push(("deletionGracePeriodSeconds", json!(30)));
        metadata.push(("deletionTimestamp", json!(pod.created)));
    }
    object(vec![
        ("apiVersion", json!("v1")),
        ("kind", json!("Pod")),
        ("metadata", object(metadata)),
        ("spec", object(spec)),
        ("status", status),
    ])
}

fn node_object(
    node: &NodeSpec,
    image_pool: &[(String, u64)],
    rng: &mut Rng,
    next_rv: &mut impl FnMut() -> String,
) -> Value {
    let mut labels = json!({
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/instance-type": "m6i.2xlarge",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": node.name,
        "kubernetes.io/os": "linux",
        "node.kubernetes.io/instance-type": "m6i.2xlarge",
        "topology.kubernetes.io/region": "eu-west-1",
        "topology.kubernetes.io/zone": node.zone,
    });
    let mut spec = json!({
        "podCIDR": format!("{}/24", ipv4(node.pod_cidr)),
        "podCIDRs": [format!("{}/24", ipv4(node.pod_cidr))],
        "providerID": format!("aws:///{}/i-{}", node.zone, rng.hex(17)),
    });
    if node.is_control_plane {
        labels["node-role.kubernetes.io/control-plane"] = json!("");
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = json!("");
        spec["taints"] =
            json!([{ "effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane" }]);
    }
    if node.is_unschedulable {
        spec["unschedulable"] = json!(true);
        spec["taints"] = json!([{ "effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable", "timeAdded": node.created }]);
    }
    let pressure = |type_: &str, reason: &str, message: &str| json!({ "lastHeartbeatTime": node.created, "lastTransitionTime": node.created, "message": message, "reason": reason, "status": "False", "type": type_ });
    let ready_condition = if node.is_ready {
        json!({ "lastHeartbeatTime": node.created, "lastTransitionTime": node.created, "message": "kubelet is posting ready status", "reason": "KubeletReady", "status": "True", "type": "Ready" })
    } else {
        json!({ "lastHeartbeatTime": node.created, "lastTransitionTime": node.created, "message": "Kubelet stopped posting node status.", "reason": "NodeStatusUnknown", "status": "Unknown", "type": "Ready" })
    };
    let images: Vec<Value> = node
        .images
        .iter()
        .map(|&image_idx| {
            let (repo, size) = &image_pool[image_idx];
            json!({ "names": [format!("{repo}@sha256:{}", rng.hex(64)), format!("{repo}:v{}.{}", image_idx % 7, image_idx % 13)], "sizeBytes": size })
        })
        .collect();
    let resources = |pods: u32| json!({ "cpu": "8", "ephemeral-storage": "104845292Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "memory": "32386544Ki", "pods": pods.to_string() });
    json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "annotations": {
                "csi.volume.kubernetes.io/nodeid": format!("{{\"ebs.csi.aws.com\":\"i-{}\"}}", rng.hex(17)),
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
            "creationTimestamp": node.created,
            "labels": labels,
            "managedFields": [
                { "apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": { "f:metadata": { "f:annotations": { ".": {}, "f:node.alpha.kubernetes.io/ttl": {}, "f:volumes.kubernetes.io/controller-managed-attach-detach": {} }, "f:labels": { ".": {}, "f:kubernetes.io/hostname": {} } }, "f:spec": { "f:podCIDR": {}, "f:podCIDRs": { ".": {}, format!("v:\"{}/24\"", ipv4(node.pod_cidr)): {} }, "f:providerID": {} } }, "manager": "kube-controller-manager", "operation": "Update", "time": node.created },
                { "apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": { "f:status": { "f:conditions": { "k:{\"type\":\"Ready\"}": { "f:lastHeartbeatTime": {}, "f:lastTransitionTime": {}, "f:message": {}, "f:reason": {}, "f:status": {} } }, "f:images": {}, "f:nodeInfo": { "f:bootID": {} } } }, "manager": "kubelet", "operation": "Update", "subresource": "status", "time": node.created },
            ],
            "name": node.name,
            "resourceVersion": next_rv(),
            "uid": node.uid,
        },
        "spec": spec,
        "status": {
            "addresses": [
                { "address": ipv4(node.ip), "type": "InternalIP" },
                { "address": node.name, "type": "Hostname" },
                { "address": format!("{}.eu-west-1.compute.internal", node.name), "type": "InternalDNS" },
            ],
            "allocatable": resources(110),
            "capacity": resources(110),
            "conditions": [
                pressure("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                pressure("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                pressure("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                ready_condition,
            ],
            "daemonEndpoints": { "kubeletEndpoint": { "Port": 10250 } },
            "images": images,
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": rng.uid(),
                "containerRuntimeVersion": "containerd://1.7.22",
                "kernelVersion": "6.1.112-124.190.amzn2023.x86_64",
                "kubeProxyVersion": "v1.31.2",
                "kubeletVersion": "v1.31.2",
                "machineID": rng.hex(32),
                "operatingSystem": "linux",
                "osImage": "Amazon Linux 2023.6.20241010",
                "systemUUID": rng.uid(),
            },
        },
    })
}

fn slice_objects(
    app_idx: usize,
    apps: &[AppSpec],
    pods: &[PodSpec],
    pod_idxs: &[usize],
    nodes: &[NodeSpec],
    rng: &mut Rng,
    next_rv: &mut impl FnMut() -> String,
) -> Vec<Value> {
    let app = &apps[app_idx];
    let ports: Vec<Value> = app
        .ports
        .iter()
        .map(|p| {
            let mut value = json!({ "port": p.container_port, "protocol": p.protocol });
            value["name"] = json!(p.name.unwrap_or(""));
            value
        })
        .collect();
    if !app.has_selector {
        // The apiserver's own slice: the control planes' addresses on 6443.
        let endpoints: Vec<Value> = nodes
            .iter()
            .filter(|node| node.is_control_plane)
            .map(|node| json!({ "addresses": [ipv4(node.ip)], "conditions": { "ready": true } }))
            .collect();
        return vec![json!({
            "addressType": "IPv4",
            "apiVersion": "discovery.k8s.io/v1",
            "endpoints": endpoints,
            "kind": "EndpointSlice",
            "metadata": {
                "creationTimestamp": app.created,
                "generation": 1,
                "labels": { "kubernetes.io/service-name": app.name },
                "name": app.name,
                "namespace": app.namespace,
                "resourceVersion": next_rv(),
                "uid": rng.uid(),
            },
            "ports": ports,
        })];
    }
    // The EndpointSlice controller puts at most 100 endpoints in one slice.
    let chunks: Vec<&[usize]> =
        if pod_idxs.is_empty() { vec![&[]] } else { pod_idxs.chunks(100).collect() };
    chunks
        .into_iter()
        .map(|chunk| {
            let endpoints: Vec<Value> = chunk
                .iter()
                .map(|&pod_idx| {
                    let pod = &pods[pod_idx];
                    let node = &nodes[pod.node_idx];
                    json!({
                        "addresses": [ipv4(pod.ip)],
                        "conditions": { "ready": pod.is_ready, "serving": pod.is_ready || pod.is_terminating, "terminating": pod.is_terminating },
                        "nodeName": node.name,
                        "targetRef": { "kind": "Pod", "name": pod.name, "namespace": pod.namespace, "uid": pod.uid },
                        "zone": node.zone,
                    })
                })
                .collect();
            let mut slice = json!({
                "addressType": "IPv4",
                "apiVersion": "discovery.k8s.io/v1",
                "kind": "EndpointSlice",
                "metadata": {
                    "annotations": { "endpoints.kubernetes.io/last-change-trigger-time": app.created },
                    "creationTimestamp": app.created,
                    "generateName": format!("{}-", app.name),
                    "generation": 1 + rng.below(20),
                    "labels": {
                        "app": app.name,
                        "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                        "kubernetes.io/service-name": app.name,
                    },
                    "name": format!("{}-{}", app.name, rng.suffix(5)),
                    "namespace": app.namespace,
                    "ownerReferences": [{ "apiVersion": "v1", "blockOwnerDeletion": true, "controller": true, "kind": "Service", "name": app.name, "uid": app.uid }],
                    "resourceVersion": next_rv(),
                    "uid": rng.uid(),
                },
                "ports": ports,
            });
            // An empty slice prints `endpoints: null`, as the API returns it.
            slice["endpoints"] = if endpoints.is_empty() { Value::Null } else { Value::Array(endpoints) };
            slice
        })
        .collect()
}
