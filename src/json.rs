//! The stable JSON contract of `svcroute explain --format json`: its own camelCase types,
//! not the model's, so that the model can change without breaking pipelines.
//!
//! docs/json.md documents every field. The output is deterministic: the same explanation
//! gives byte-identical text (fields in a fixed order, lists in the engine's sorted order,
//! floats printed by serde_json's shortest round-trip formatting).

use crate::model::net::{Ip, Socket};
use crate::model::TargetPort;
use crate::route::{self, Client, Explanation, Hop, Rewrite};
use serde::Serialize;
use std::net::SocketAddr;

/// The version of this contract, bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// One explanation, as the JSON contract spells it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub schema_version: u32,
    /// `namespace/name`.
    pub service: String,
    pub port: Port,
    pub entry: Entry,
    pub client: ClientInfo,
    pub policy: Policy,
    /// `delivered`, `dropped` or `rejected`.
    pub outcome: &'static str,
    pub reason: String,
    /// `{"timeoutSeconds": N}` with `sessionAffinity: ClientIP`, else null.
    pub session_affinity: Option<SessionAffinity>,
    pub paths: Vec<PathInfo>,
    /// Present only when `paths` leaves some out (more than `route::MAX_PATHS`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub omitted_paths: Option<OmittedPaths>,
    pub pods: Vec<PodShare>,
    pub load_balancer_nodes: Vec<String>,
    pub warnings: Vec<String>,
    /// Present only when a simulation was asked for (`--connections`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simulation: Option<Simulation>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Port {
    /// `""` for an unnamed port.
    pub name: String,
    pub port: u16,
    pub protocol: &'static str,
    /// A number, or a container port name, as in the Service.
    pub target_port: TargetPortValue,
    pub node_port: Option<u16>,
}

/// `targetPort` as the API writes it: a number or a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum TargetPortValue {
    Number(u16),
    Name(String),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// `load-balancer`, `node-port`, `cluster-ip` or `external-ip`.
    pub kind: &'static str,
    /// `IP:port` the client connects to.
    pub address: String,
    pub node: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientInfo {
    /// `external`, `pod` or `node`.
    pub kind: &'static str,
    /// `IP:port` of the client's first packet.
    pub address: String,
    /// The client pod's name (`pod` clients only).
    pub pod: Option<String>,
    /// The client's node (`pod` and `node` clients).
    pub node: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    pub external_traffic_policy: &'static str,
    pub internal_traffic_policy: &'static str,
    /// The policies set by a flag instead of the manifest: `externalTrafficPolicy`,
    /// `internalTrafficPolicy`.
    pub overridden: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionAffinity {
    pub timeout_seconds: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PathInfo {
    /// The pod the connection ends at; null when dropped or rejected, or for an endpoint
    /// without a pod (a hand-written EndpointSlice).
    pub pod: Option<String>,
    #[serde(rename = "podIP")]
    pub pod_ip: Option<String>,
    pub pod_port: Option<u16>,
    /// The endpoint's node.
    pub node: Option<String>,
    /// The node whose kube-proxy rules handled the packet.
    pub via_node: Option<String>,
    /// Exact fraction of new connections: `1/3`, `1`.
    pub share: String,
    /// The same share as a float.
    pub share_value: f64,
    pub outcome: &'static str,
    pub snat: bool,
    /// The address the packet was masqueraded to, or null.
    pub snat_to: Option<String>,
    /// The source address the pod sees, or null when no pod is reached.
    pub client_ip_seen: Option<String>,
    pub hops: Vec<HopInfo>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HopInfo {
    /// `client`, `load-balancer`, `node/NAME` or `pod/NAME`.
    pub from: String,
    pub to: String,
    /// The packet's source `IP:port` on this wire.
    pub src: String,
    /// The packet's destination `IP:port` on this wire.
    pub dst: String,
    /// What `from` rewrote before sending the packet on this wire, or null.
    pub rewrite: Option<RewriteInfo>,
}

/// The NAT done at a hop's `from`, each part with the address before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RewriteInfo {
    /// Destination NAT to the endpoint: `from` is the destination before, `to` after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dnat: Option<AddressChange>,
    /// Masquerade: `from` is the source before, `to` after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snat: Option<AddressChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddressChange {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodShare {
    pub pod: String,
    pub node: Option<String>,
    pub share: String,
    pub share_value: f64,
}

/// The paths `paths` leaves out: how many, and their share of new connections together.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OmittedPaths {
    pub count: usize,
    pub share: String,
    pub share_value: f64,
}

/// Counts from a seeded simulation of new connections, one per path in `paths` order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Simulation {
    pub seed: u64,
    pub connections: u64,
    /// `counts[i]` connections took `paths[i]`.
    pub counts: Vec<u64>,
}

/// Builds the contract's value for an explanation.
pub fn report(explanation: &Explanation) -> Report {
    let port = &explanation.port;
    let policy = &explanation.policy;
    let mut overridden = Vec::new();
    if policy.external_overridden {
        overridden.push("externalTrafficPolicy");
    }
    if policy.internal_overridden {
        overridden.push("internalTrafficPolicy");
    }
    Report {
        schema_version: SCHEMA_VERSION,
        service: format!("{}/{}", explanation.namespace, explanation.service),
        port: Port {
            name: port.name.clone(),
            port: port.port,
            protocol: port.protocol.as_str(),
            target_port: match &port.target_port {
                TargetPort::Number(number) => TargetPortValue::Number(*number),
                TargetPort::Name(name) => TargetPortValue::Name(name.clone()),
            },
            node_port: port.node_port,
        },
        entry: Entry {
            kind: explanation.entry.kind.as_str(),
            address: Socket(explanation.entry.address).to_string(),
            node: explanation.entry.node.clone(),
        },
        client: client_info(explanation),
        policy: Policy {
            external_traffic_policy: policy.external_traffic_policy.as_str(),
            internal_traffic_policy: policy.internal_traffic_policy.as_str(),
            overridden,
        },
        outcome: explanation.outcome.as_str(),
        reason: explanation.reason.clone(),
        session_affinity: explanation
            .session_affinity_timeout
            .map(|timeout_seconds| SessionAffinity { timeout_seconds }),
        paths: explanation.paths.iter().map(path_info).collect(),
        omitted_paths: (explanation.omitted_paths > 0).then(|| OmittedPaths {
            count: explanation.omitted_paths,
            share: explanation.omitted_share.to_string(),
            share_value: explanation.omitted_share.to_f64(),
        }),
        pods: explanation
            .pods
            .iter()
            .map(|pod| PodShare {
                pod: pod.pod.clone(),
                node: pod.node.clone(),
                share: pod.share.to_string(),
                share_value: pod.share.to_f64(),
            })
            .collect(),
        load_balancer_nodes: explanation.load_balancer_nodes.clone(),
        warnings: explanation.warnings.clone(),
        simulation: None,
    }
}

fn client_info(explanation: &Explanation) -> ClientInfo {
    let client = &explanation.client;
    let (kind, pod) = match &client.client {
        Client::External(_) => ("external", None),
        Client::Pod { name, .. } => ("pod", Some(name.clone())),
        Client::Node(_) => ("node", None),
    };
    // The first hop's source is the client's socket; without hops, the fixed client port.
    let address = explanation
        .paths
        .iter()
        .flat_map(|path| path.hops.first())
        .map(|hop| hop.before.src)
        .next()
        .unwrap_or_else(|| SocketAddr::new(client.ip, route::CLIENT_PORT));
    ClientInfo { kind, address: Socket(address).to_string(), pod, node: client.node.clone() }
}

fn path_info(path: &route::Path) -> PathInfo {
    let target = path.target.as_ref();
    PathInfo {
        pod: target.and_then(|target| target.pod.clone()),
        pod_ip: target.map(|target| Ip(target.ip).to_string()),
        pod_port: target.map(|target| target.port),
        node: target.and_then(|target| target.node.clone()),
        via_node: path.via_node.clone(),
        share: path.share.to_string(),
        share_value: path.share.to_f64(),
        outcome: path.outcome.as_str(),
        snat: path.snat.is_some(),
        snat_to: path.snat.map(|ip| Ip(ip).to_string()),
        client_ip_seen: path.client_ip_seen.map(|ip| Ip(ip).to_string()),
        hops: path.hops.iter().map(hop_info).collect(),
        reason: path.reason.clone(),
    }
}

fn hop_info(hop: &Hop) -> HopInfo {
    let mut rewrite = RewriteInfo { dnat: None, snat: None };
    for change in &hop.rewrites {
        match change {
            Rewrite::Dnat { .. } => {
                rewrite.dnat = Some(AddressChange {
                    from: Socket(hop.before.dst).to_string(),
                    to: Socket(hop.after.dst).to_string(),
                })
            }
            Rewrite::Snat { .. } => {
                rewrite.snat = Some(AddressChange {
                    from: Socket(hop.before.src).to_string(),
                    to: Socket(hop.after.src).to_string(),
                })
            }
        }
    }
    let has_rewrite = rewrite.dnat.is_some() || rewrite.snat.is_some();
    HopInfo {
        from: hop.from.to_string(),
        to: hop.to.to_string(),
        src: Socket(hop.after.src).to_string(),
        dst: Socket(hop.after.dst).to_string(),
        rewrite: has_rewrite.then_some(rewrite),
    }
}

/// The contract as pretty-printed JSON with a final newline.
pub fn to_string(report: &Report) -> String {
    match serde_json::to_string_pretty(report) {
        Ok(mut text) => {
            text.push('\n');
            text
        }
        // Serializing plain strings, numbers and finite floats cannot fail; say so rather
        // than panic if it ever does.
        Err(_) => "{\"error\": \"the explanation could not be serialized\"}\n".to_string(),
    }
}

/// Shorthand: [`report`] then [`to_string`].
pub fn explanation_to_string(explanation: &Explanation) -> String {
    to_string(&report(explanation))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Protocol, TrafficPolicy};
    use crate::route::{
        EntryKind, Outcome, Packet, Path, Place, PortInfo, ResolvedClient, Share, Target,
    };

    fn addr(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    /// The book's curl to kind-worker's node port, answered by kiada-001 on kind-worker2.
    fn book_explanation() -> Explanation {
        let client = addr("203.0.113.10:51234");
        let node_port = addr("172.18.0.4:30080");
        let pod = addr("10.244.1.90:8080");
        let masqueraded = addr("172.18.0.4:51234");
        let path = Path {
            outcome: Outcome::Delivered,
            share: Share::new(1, 3),
            via_node: Some("kind-worker".into()),
            target: Some(Target {
                pod: Some("kiada-001".into()),
                ip: pod.ip(),
                port: 8080,
                node: Some("kind-worker2".into()),
            }),
            snat: Some(masqueraded.ip()),
            client_ip_seen: Some(masqueraded.ip()),
            hops: vec![
                Hop {
                    from: Place::Client,
                    to: Place::Node("kind-worker".into()),
                    before: Packet { src: client, dst: node_port },
                    after: Packet { src: client, dst: node_port },
                    rewrites: vec![],
                },
                Hop {
                    from: Place::Node("kind-worker".into()),
                    to: Place::Node("kind-worker2".into()),
                    before: Packet { src: client, dst: node_port },
                    after: Packet { src: masqueraded, dst: pod },
                    rewrites: vec![
                        Rewrite::Dnat { to: pod },
                        Rewrite::Snat { to: masqueraded.ip() },
                    ],
                },
            ],
            reason: "kind-worker forwards to a pod on another node".into(),
        };
        Explanation {
            namespace: "default".into(),
            service: "kiada".into(),
            port: PortInfo {
                name: "http".into(),
                protocol: Protocol::Tcp,
                port: 80,
                target_port: TargetPort::Number(8080),
                node_port: Some(30080),
            },
            entry: route::Entry {
                kind: EntryKind::NodePort,
                address: node_port,
                node: Some("kind-worker".into()),
            },
            client: ResolvedClient {
                client: Client::External(client.ip()),
                ip: client.ip(),
                node: None,
            },
            policy: route::Policy {
                external_traffic_policy: TrafficPolicy::Cluster,
                internal_traffic_policy: TrafficPolicy::Cluster,
                external_overridden: true,
                internal_overridden: false,
            },
            outcome: Outcome::Delivered,
            reason: "delivered".into(),
            paths: vec![path],
            omitted_paths: 0,
            omitted_share: Share::ZERO,
            pods: vec![route::PodShare {
                pod: "kiada-001".into(),
                node: Some("kind-worker2".into()),
                share: Share::new(1, 3),
            }],
            load_balancer_nodes: vec![],
            session_affinity_timeout: None,
            warnings: vec![],
        }
    }

    #[test]
    fn hops_show_the_packet_on_the_wire_and_the_rewrites_made_before_it() {
        let value: serde_json::Value =
            serde_json::from_str(&explanation_to_string(&book_explanation())).unwrap();
        let path = &value["paths"][0];
        assert_eq!(path["share"], "1/3");
        assert_eq!(path["shareValue"], 0.3333333333333333);
        assert_eq!(path["clientIpSeen"], "172.18.0.4");
        assert_eq!(path["podIP"], "10.244.1.90");
        assert_eq!(path["snat"], true);
        assert_eq!(path["hops"][0]["rewrite"], serde_json::Value::Null);
        assert_eq!(path["hops"][0]["from"], "client");
        assert_eq!(path["hops"][0]["dst"], "172.18.0.4:30080");
        assert_eq!(
            path["hops"][1]["rewrite"],
            serde_json::json!({
                "dnat": {"from": "172.18.0.4:30080", "to": "10.244.1.90:8080"},
                "snat": {"from": "203.0.113.10:51234", "to": "172.18.0.4:51234"}
            })
        );
        assert_eq!(path["hops"][1]["src"], "172.18.0.4:51234");
        assert_eq!(value["service"], "default/kiada");
        assert_eq!(value["port"]["targetPort"], 8080);
        assert_eq!(value["policy"]["overridden"], serde_json::json!(["externalTrafficPolicy"]));
        assert_eq!(value["client"]["address"], "203.0.113.10:51234");
        assert!(value.get("simulation").is_none());
    }

    #[test]
    fn omitted_paths_appear_only_when_paths_are_left_out() {
        let mut explanation = book_explanation();
        let value = serde_json::to_value(report(&explanation)).unwrap();
        assert!(value.get("omittedPaths").is_none());
        explanation.omitted_paths = 2728;
        explanation.omitted_share = Share::new(11, 15);
        let value = serde_json::to_value(report(&explanation)).unwrap();
        assert_eq!(
            value["omittedPaths"],
            serde_json::json!({"count": 2728, "share": "11/15", "shareValue": 11.0 / 15.0})
        );
    }

    #[test]
    fn keys_come_in_the_documented_order() {
        let text = explanation_to_string(&book_explanation());
        let keys = [
            "\"schemaVersion\"",
            "\"service\"",
            "\"port\"",
            "\"entry\"",
            "\"client\"",
            "\"policy\"",
            "\"outcome\"",
            "\"reason\"",
            "\"sessionAffinity\"",
            "\"paths\"",
            "\"pods\"",
            "\"loadBalancerNodes\"",
            "\"warnings\"",
        ];
        let positions: Vec<usize> = keys.iter().map(|key| text.find(key).unwrap()).collect();
        assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "{text}");
        assert!(text.ends_with("}\n"));
    }
}
