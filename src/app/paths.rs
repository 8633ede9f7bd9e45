//! The paths as a table: every way a new connection goes, with its share, whether it is
//! masqueraded and which client IP the pod sees, and a button that opens its hop table, so
//! keyboard and screen-reader users reach everything a click on the diagram shows.

use super::markup::{cell, head};
use super::state::Action;
use crate::model::net::Ip;
use crate::route::Explanation;
use yew::prelude::*;

/// Rows shown before the table says how many more there are.
const MAX_ROWS: usize = 60;

/// The table of `explanation`'s paths. A plain function rather than a component: App makes
/// `dispatch` anew on every render, so a component would redraw every time anyway (see
/// `controls`).
pub fn paths(explanation: &Explanation, dispatch: &Callback<Action>) -> Html {
    let paths = &explanation.paths;
    let rows = paths.iter().enumerate().take(MAX_ROWS).map(|(idx, path)| {
        let onclick = super::send(dispatch, Action::SelectPath(Some(idx)));
        let target = path.target.as_ref().map_or_else(
            || format!("{} at {}", path.outcome.as_str(), path.hops.last().map(|h| h.to.to_string()).unwrap_or_default()),
            |t| t.pod.clone().unwrap_or_else(|| format!("{}:{}", Ip(t.ip), t.port)),
        );
        let snat = path.snat.map_or_else(|| "no".to_string(), |ip| format!("to {}", Ip(ip)));
        let seen = path.client_ip_seen.map(|ip| Ip(ip).to_string()).unwrap_or_else(|| "–".to_string());
        html! {
            <tr>
                { cell(Some("num"), (idx + 1).to_string()) }
                { cell(None, path.via_node.clone().unwrap_or_default()) }
                { cell(None, target) }
                { cell(Some("num"), path.share.to_string()) }
                { cell(None, snat) }
                { cell(None, seen) }
                <td><button type="button" {onclick} aria-label={format!("Show the hops of path {}", idx + 1)}>{ "Hops" }</button></td>
            </tr>
        }
    });
    html! {
        <details class="paths">
            <summary>{ format!("All {} paths", paths.len()) }</summary>
            <table>
                { head(&["#", "Via node", "To", "Share", "SNAT", "Client IP the pod sees"],
                    html! { <th scope="col"><span class="visually-hidden">{ "Hops" }</span></th> }) }
                <tbody>{ for rows }</tbody>
            </table>
            if explanation.omitted_paths > 0 {
                <p>{ format!(
                    "The engine lists the paths through the first nodes only: {} more paths carry {} ({}) of new connections; the per-pod shares above count every node.",
                    explanation.omitted_paths, explanation.omitted_share, explanation.omitted_share.percent()
                ) }</p>
            }
            if paths.len() > MAX_ROWS {
                <p>{ format!("… and {} more paths (see the JSON from `svcroute explain --format json`).", paths.len() - MAX_ROWS) }</p>
            }
        </details>
    }
}
