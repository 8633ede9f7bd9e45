//! The explain table people read: service, entry, client, policies, the outcome with its
//! reason, each pod's share, and every path hop by hop with the NAT rewrites marked and the
//! client IP the pod sees. Fits in 100 columns; long reasons are wrapped.

use crate::kubectl::tabwrite;
use crate::model::net::{Ip, Socket};
use crate::route::{Client, Explanation, Hop, Outcome, Path, Rewrite};
use std::fmt::Write as _;

/// The width the report is wrapped to.
pub const WIDTH: usize = 100;

/// Simulated counts to print beside the exact shares: `counts[i]` connections took
/// `explanation.paths[i]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulatedCounts {
    pub seed: u64,
    pub connections: u64,
    pub counts: Vec<u64>,
}

/// Renders the explanation as text.
pub fn render(explanation: &Explanation, simulation: Option<&SimulatedCounts>) -> String {
    let mut out = String::new();
    let port = &explanation.port;
    let policy = &explanation.policy;

    let port_name = if port.name.is_empty() { String::new() } else { format!("{} ", port.name) };
    let node_port = port.node_port.map(|n| format!(", nodePort {n}")).unwrap_or_default();
    let entry_node =
        explanation.entry.node.as_ref().map(|n| format!(" (node {n})")).unwrap_or_default();
    let overridden = |is_overridden: bool| if is_overridden { " (set by flag)" } else { "" };
    let header = vec![
        vec!["service".to_string(), format!("{}/{}", explanation.namespace, explanation.service)],
        vec![
            "port".to_string(),
            format!(
                "{port_name}{}/{} -> targetPort {}{node_port}",
                port.port, port.protocol, port.target_port
            ),
        ],
        vec![
            "entry".to_string(),
            format!("{} {}{entry_node}", explanation.entry.kind, Socket(explanation.entry.address)),
        ],
        vec!["client".to_string(), client_text(explanation)],
        vec![
            "policy".to_string(),
            format!(
                "externalTrafficPolicy {}{}, internalTrafficPolicy {}{}",
                policy.external_traffic_policy,
                overridden(policy.external_overridden),
                policy.internal_traffic_policy,
                overridden(policy.internal_overridden)
            ),
        ],
    ];
    out.push_str(&tabwrite(&header));
    if let Some(timeout) = explanation.session_affinity_timeout {
        let text = format!(
            "sessionAffinity ClientIP ({timeout}s): one client IP keeps its pod; shares hold over many clients"
        );
        push_wrapped(&mut out, "", "affinity  ", &text);
    }
    if !explanation.load_balancer_nodes.is_empty() {
        // A 5,000-node pool is a count, not a paragraph of names.
        const SHOWN: usize = 20;
        let nodes = &explanation.load_balancer_nodes;
        let mut text = nodes.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
        if nodes.len() > SHOWN {
            text += &format!(" and {} more ({} in all)", nodes.len() - SHOWN, nodes.len());
        }
        push_wrapped(&mut out, "", "LB nodes  ", &text);
    }
    out.push('\n');
    push_wrapped(
        &mut out,
        "",
        &format!("{}: ", outcome_word(explanation.outcome)),
        &explanation.reason,
    );

    if !explanation.pods.is_empty() {
        out.push_str("\npods\n");
        let rows: Vec<Vec<String>> = explanation
            .pods
            .iter()
            .map(|pod| {
                vec![
                    format!("  {}", pod.pod),
                    pod.node.clone().map(|n| format!("on {n}")).unwrap_or_default(),
                    pod.share.to_string(),
                    pod.share.percent(),
                ]
            })
            .collect();
        out.push_str(&tabwrite(&rows));
    }

    if !explanation.paths.is_empty() {
        out.push_str("\npaths\n");
    }
    let widths = HopWidths::of(&explanation.paths);
    for (idx, path) in explanation.paths.iter().enumerate() {
        let count = simulation.and_then(|sim| sim.counts.get(idx).map(|count| (sim, *count)));
        push_path(&mut out, idx + 1, path, &widths, count);
    }
    if explanation.omitted_paths > 0 {
        let text = format!(
            "{} more paths are not listed, {} ({}) of new connections (see the warnings); \
             the pods' shares count them",
            explanation.omitted_paths,
            explanation.omitted_share,
            explanation.omitted_share.percent()
        );
        push_wrapped(&mut out, "", "  ...  ", &text);
    }
    if let Some(sim) = simulation {
        let _ = writeln!(
            out,
            "\nsimulated {} new connections with seed {}; counts are per path above",
            sim.connections, sim.seed
        );
        let listed: u64 = sim.counts.iter().sum();
        if explanation.omitted_paths > 0 {
            let _ = writeln!(
                out,
                "{} of them took a path that is not listed",
                sim.connections.saturating_sub(listed)
            );
        }
    }

    if !explanation.warnings.is_empty() {
        out.push('\n');
        for warning in &explanation.warnings {
            push_wrapped(&mut out, "", "warning: ", warning);
        }
    }
    out
}

fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Delivered => "DELIVERED",
        Outcome::Dropped => "DROPPED",
        Outcome::Rejected => "REJECTED",
    }
}

fn client_text(explanation: &Explanation) -> String {
    let client = &explanation.client;
    let on_node = client.node.as_ref().map(|n| format!(" on node {n}")).unwrap_or_default();
    match &client.client {
        Client::External(ip) => format!("{} (outside the cluster)", Ip(*ip)),
        Client::Pod { namespace, name } => {
            format!("pod {namespace}/{name} ({}){on_node}", Ip(client.ip))
        }
        Client::Node(name) => format!("a process on node {name} ({})", Ip(client.ip)),
    }
}

/// Column widths shared by every hop line of the report, so all paths line up.
#[derive(Default)]
struct HopWidths {
    from: usize,
    to: usize,
    src: usize,
}

impl HopWidths {
    fn of(paths: &[Path]) -> Self {
        let mut widths = HopWidths::default();
        for hop in paths.iter().flat_map(|path| &path.hops) {
            widths.from = widths.from.max(hop.from.to_string().chars().count());
            widths.to = widths.to.max(hop.to.to_string().chars().count());
            widths.src = widths.src.max(Socket(hop.after.src).to_string().chars().count());
        }
        widths
    }
}

fn push_path(
    out: &mut String,
    number: usize,
    path: &Path,
    widths: &HopWidths,
    simulated: Option<(&SimulatedCounts, u64)>,
) {
    let via = path.via_node.as_ref().map(|n| format!("via {n}")).unwrap_or_default();
    let end = match (&path.target, path.outcome) {
        (Some(target), Outcome::Delivered) => {
            let pod = target.pod.clone().unwrap_or_else(|| Ip(target.ip).to_string());
            let node = target.node.as_ref().map(|n| format!(" on {n}")).unwrap_or_default();
            format!("-> {pod}{node}")
        }
        (_, outcome) => outcome.as_str().to_string(),
    };
    let counted = simulated
        .map(|(sim, count)| format!("  [{count} of {} simulated]", sim.connections))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  #{number}  {}  {}  {via} {end}{counted}",
        path.share,
        path.share.percent()
    );

    for hop in &path.hops {
        let from = hop.from.to_string();
        let to = hop.to.to_string();
        let src = Socket(hop.after.src).to_string();
        let _ = writeln!(
            out,
            "    {from:<from_width$} -> {to:<to_width$}  {src:<src_width$} -> {}",
            Socket(hop.after.dst),
            from_width = widths.from,
            to_width = widths.to,
            src_width = widths.src,
        );
        for mark in rewrite_marks(hop) {
            let _ = writeln!(out, "        {mark}");
        }
    }
    if let (Outcome::Delivered, Some(seen)) = (path.outcome, path.client_ip_seen) {
        let how = match path.snat {
            Some(_) => "masqueraded: the client's own address is lost",
            None => "no SNAT",
        };
        let _ = writeln!(out, "    the pod sees client IP {} ({how})", Ip(seen));
    }
    push_wrapped(out, "    ", "why: ", &path.reason);
}

/// `DNAT dst 172.18.0.4:30080 -> 10.244.1.90:8080`, `SNAT src … -> …` for the rewrites
/// `hop.from` made before sending the packet on.
fn rewrite_marks(hop: &Hop) -> Vec<String> {
    hop.rewrites
        .iter()
        .map(|rewrite| match rewrite {
            Rewrite::Dnat { .. } => {
                format!("DNAT  dst {} -> {}", Socket(hop.before.dst), Socket(hop.after.dst))
            }
            Rewrite::Snat { .. } => {
                format!(
                    "SNAT  src {} -> {} (masquerade)",
                    Socket(hop.before.src),
                    Socket(hop.after.src)
                )
            }
        })
        .collect()
}

/// Writes `label` + `text` word-wrapped to [`WIDTH`], continuation lines indented under
/// the text.
fn push_wrapped(out: &mut String, indent: &str, label: &str, text: &str) {
    let first = format!("{indent}{label}");
    let hang = " ".repeat(first.chars().count());
    let mut line = first.clone();
    let mut line_has_words = false;
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if line_has_words && len + 1 + word.chars().count() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = hang.clone();
            line_has_words = false;
        }
        if line_has_words {
            line.push(' ');
        }
        line.push_str(word);
        line_has_words = true;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{input, model, route};

    /// A LoadBalancer Service with `n_pods` pods over `n_nodes` nodes, as YAML.
    fn big_cluster(n_nodes: usize, n_pods: usize) -> String {
        let mut yaml = String::new();
        for idx in 0..n_nodes {
            yaml.push_str(&format!(
                "---\napiVersion: v1\nkind: Node\nmetadata: {{name: node-{idx:03}}}\n"
            ));
        }
        for idx in 0..n_pods {
            yaml.push_str(&format!(
                "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: web-{idx:03}, labels: {{app: web}}}}\n\
                 spec: {{nodeName: node-{:03}, containers: [{{name: web, image: web}}]}}\n\
                 status: {{phase: Running, conditions: [{{type: Ready, status: \"True\"}}]}}\n",
                idx % n_nodes
            ));
        }
        yaml.push_str(
            "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n\
             spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}\n",
        );
        yaml
    }

    #[test]
    fn the_report_says_how_many_paths_it_leaves_out_and_where_the_simulation_sent_them() {
        let (cluster, _) =
            model::build(&input::parse(&big_cluster(40, 30)), &model::BuildOptions::default());
        let explanation = route::explain(&cluster, &route::Query::new("default", "web")).unwrap();
        assert_eq!(explanation.omitted_paths, 1200 - explanation.paths.len());
        let counts = route::simulate::simulate(&explanation, 1, 1000);
        let sim = SimulatedCounts { seed: 1, connections: 1000, counts: counts.clone() };
        let text = render(&explanation, Some(&sim));
        assert!(
            text.contains("  ...  1020 more paths are not listed, 17/20 (85.0%) of new connections (see the warnings); the"),
            "{text}"
        );
        let not_listed = 1000 - counts.iter().sum::<u64>();
        assert!(text.contains(&format!("\n{not_listed} of them took a path that is not listed\n")));
        assert!(text.contains("warning: 1020 of the 1200 paths are not listed"), "{text}");
    }
}
