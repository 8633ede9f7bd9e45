//! The hop table of the selected path: every hop with the packet's source and destination
//! before and after each rewrite, and the IP the pod sees.

use super::markup::{cell, head};
use crate::model::net::{Ip, Socket};
use crate::model::Cluster;
use crate::route::{Explanation, Rewrite};
use yew::prelude::*;

/// The hop table of path `path_idx` of `explanation`, closed by `onclose`. A plain function
/// rather than a component: it is cheap to draw, and every component type costs the page its
/// own copy of yew's lifecycle code.
pub fn hops(
    explanation: &Explanation,
    cluster: &Cluster,
    path_idx: usize,
    onclose: Callback<MouseEvent>,
) -> Html {
    let Some(path) = explanation.paths.get(path_idx) else { return html! {} };
    let target = path
        .target
        .as_ref()
        .map(|t| {
            format!(
                "{} ({}:{})",
                t.pod.clone().unwrap_or_else(|| "endpoint".to_string()),
                Ip(t.ip),
                t.port
            )
        })
        .unwrap_or_else(|| {
            let at = path.hops.last().map(|hop| hop.to.to_string()).unwrap_or_default();
            format!("nothing: {} at {at}", path.outcome.as_str())
        });
    let rows = path.hops.iter().map(|hop| {
        let rewrites: Vec<String> = hop
            .rewrites
            .iter()
            .map(|rewrite| match rewrite {
                Rewrite::Dnat { to } => format!("DNAT → {}", Socket(*to)),
                Rewrite::Snat { to } => format!("SNAT (masquerade) → {}", Ip(*to)),
            })
            .collect();
        let changed = !hop.rewrites.is_empty();
        html! {
            <tr class={changed.then_some("rewritten")}>
                { cell(None, hop.from.to_string()) }
                { cell(None, hop.to.to_string()) }
                { cell(None, if changed { format!("{} → {}", Socket(hop.before.src), Socket(hop.before.dst)) } else { "".to_string() }) }
                { cell(None, if changed { rewrites.join(", ") } else { "–".to_string() }) }
                { cell(None, format!("{} → {}", Socket(hop.after.src), Socket(hop.after.dst))) }
            </tr>
        }
    });
    html! {
        <section class="hops" aria-label="Hops of the selected path">
            <header>
                <h3>{ format!("Path {} · share {} ({}) · to {}", path_idx + 1, path.share, path.share.percent(), target) }</h3>
                <button type="button" onclick={onclose}>{ "Close" }</button>
            </header>
            <table>
                { head(&["From", "To", "Packet before rewrite", "Rewrite", "Packet on the wire"], html! {}) }
                <tbody>{ for rows }</tbody>
            </table>
            if let Some(seen) = path.client_ip_seen {
                <p>
                    { "The pod sees the client as " }<strong>{ Ip(seen).to_string() }</strong>
                    { if path.snat.is_some() { " (source NAT: the real client IP is lost)." } else { " (no source NAT: the pod sees the real client)." } }
                </p>
            } else {
                <p>{ format!("The connection never reaches a pod: it is {}.", path.outcome.as_str()) }</p>
            }
            <p class="reason">{ &path.reason }</p>
            if let Some(answer) = crate::kubectl::kiada_response(cluster, path) {
                <p>{ "What the book's kiada app answers to curl on this path:" }</p>
                <pre class="curl">{ answer }</pre>
            }
        </section>
    }
}
