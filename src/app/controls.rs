//! The controls: service and port, entry point, client, the traffic policy overrides and the
//! cluster options. Each is a labelled form control that dispatches one Action.

use super::state::Action;
use crate::model::TrafficPolicy;
use crate::route::{EntryKind, Explanation, PortSelector};
use crate::scenario::Evaluation;
use crate::scenario::{ClientChoice, Scenario};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub scenario: std::rc::Rc<Scenario>,
    pub evaluation: std::rc::Rc<Evaluation>,
    /// The explanation shown, for the values in force (the manifest's policies).
    pub explanation: Option<std::rc::Rc<Explanation>>,
    pub dispatch: Callback<Action>,
}

/// A select's change as an `Action`. `to_action` is a plain function (the closures here
/// capture nothing): one copy of this code in the page, not one per control.
fn on_select(dispatch: &Callback<Action>, to_action: fn(String) -> Action) -> Callback<Event> {
    let dispatch = dispatch.clone();
    Callback::from(move |event: Event| {
        if let Some(select) = event.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()) {
            dispatch.emit(to_action(select.value()));
        }
    })
}

/// A checkbox's change as an `Action`, one copy for every checkbox (see [`on_select`]).
fn on_check(dispatch: &Callback<Action>, to_action: fn(bool) -> Action) -> Callback<Event> {
    let dispatch = dispatch.clone();
    Callback::from(move |event: Event| {
        if let Some(input) = event.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
            dispatch.emit(to_action(input.checked()));
        }
    })
}

fn policy_value(policy: Option<TrafficPolicy>) -> &'static str {
    policy.map_or("", TrafficPolicy::as_str)
}

fn option(value: &str, label: &str, selected: bool) -> Html {
    html! { <option value={value.to_string()} {selected}>{ label }</option> }
}

#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    let scenario = &props.scenario;
    let cluster = &props.evaluation.cluster;
    let explanation = props.explanation.as_ref();
    // Every Service, in any namespace: a dump of one application's namespace is common.
    let services: Vec<&crate::model::Service> = cluster.services.iter().collect();
    let namespace =
        explanation.map(|e| e.namespace.clone()).unwrap_or_else(|| scenario.namespace.clone());
    let service_name = explanation
        .map(|e| e.service.clone())
        .or_else(|| scenario.service.clone())
        .unwrap_or_default();
    let service =
        services.iter().find(|svc| svc.name == service_name && svc.namespace == namespace);
    let port_value = match &scenario.port {
        PortSelector::First => explanation.map(|e| e.port.name.clone()).unwrap_or_default(),
        PortSelector::Name(name) => name.clone(),
        PortSelector::Number(number) => number.to_string(),
    };
    let entry_value = explanation.map(|e| e.entry.kind.as_str()).unwrap_or("");
    let node_value = explanation
        .and_then(|e| e.entry.node.clone())
        .or_else(|| scenario.node.clone())
        .unwrap_or_default();
    let client_value = match &scenario.client {
        ClientChoice::External => "outside".to_string(),
        ClientChoice::ExternalIp(_) => "outside".to_string(),
        ClientChoice::Pod(name) => format!("pod:{name}"),
        ClientChoice::Node(name) => format!("node:{name}"),
    };
    let etp_in_force =
        explanation.map(|e| e.policy.external_traffic_policy.as_str()).unwrap_or("?");
    let itp_in_force =
        explanation.map(|e| e.policy.internal_traffic_policy.as_str()).unwrap_or("?");
    let d = &props.dispatch;
    html! {
        <section class="controls" aria-label="Connection">
            <label>{ "Service" }
                <select onchange={on_select(d, Action::SetService)}>
                    { for services.iter().map(|svc| {
                        let value = format!("{}/{}", svc.namespace, svc.name);
                        let label = if svc.namespace == "default" { format!("{} ({})", svc.name, svc.type_) } else { format!("{value} ({})", svc.type_) };
                        option(&value, &label, svc.name == service_name && svc.namespace == namespace)
                    }) }
                </select>
            </label>
            if service.is_some_and(|svc| svc.ports.len() > 1) {
                <label>{ "Port" }
                    <select onchange={on_select(d, |v| match v.parse::<u16>() { Ok(n) => Action::SetPort(PortSelector::Number(n)), Err(_) => Action::SetPort(PortSelector::Name(v)) })}>
                        { for service.into_iter().flat_map(|svc| svc.ports.iter()).map(|port| {
                            let value = if port.name.is_empty() { port.port.to_string() } else { port.name.clone() };
                            option(&value, &format!("{} {}/{}", port.name, port.port, port.protocol), value == port_value)
                        }) }
                    </select>
                </label>
            }
            <label>{ "Entry point" }
                <select onchange={on_select(d, |v| Action::SetEntry(EntryKind::parse(&v)))}>
                    { option("load-balancer", "load balancer", entry_value == "load-balancer") }
                    { option("node-port", "node port of a node", entry_value == "node-port") }
                    { option("cluster-ip", "cluster IP", entry_value == "cluster-ip") }
                    { option("external-ip", "external IP", entry_value == "external-ip") }
                </select>
            </label>
            <label title="The node a node-port or external-IP connection is sent to">{ "Node" }
                <select disabled={entry_value == "load-balancer"} onchange={on_select(d, |v| Action::SetNode(if v.is_empty() { None } else { Some(v) }))}>
                    { for cluster.nodes.iter().map(|node| option(&node.name, &format!("{} {}", node.name, node.internal_ip), node.name == node_value)) }
                </select>
            </label>
            <label>{ "Client" }
                <select onchange={on_select(d, |v| Action::SetClient(
                    if let Some(pod) = v.strip_prefix("pod:") { ClientChoice::Pod(pod.to_string()) }
                    else if let Some(node) = v.strip_prefix("node:") { ClientChoice::Node(node.to_string()) }
                    else { ClientChoice::External }))}>
                    { option("outside", "a host outside the cluster (203.0.113.10)", client_value == "outside") }
                    <optgroup label="a pod">
                        { for cluster.pods.iter().filter(|p| p.namespace == namespace).map(|pod| {
                            let value = format!("pod:{}", pod.name);
                            option(&value, &format!("pod {}", pod.name), value == client_value)
                        }) }
                    </optgroup>
                    <optgroup label="a process on a node">
                        { for cluster.nodes.iter().map(|node| {
                            let value = format!("node:{}", node.name);
                            option(&value, &format!("node {}", node.name), value == client_value)
                        }) }
                    </optgroup>
                </select>
            </label>
            <label>{ "External traffic policy" }
                <select onchange={on_select(d, |v| Action::SetExternalPolicy(TrafficPolicy::parse(&v)))}>
                    { option("", &format!("as in the manifest ({etp_in_force})"), scenario.external_traffic_policy.is_none()) }
                    { option("Cluster", "Cluster (override)", policy_value(scenario.external_traffic_policy) == "Cluster") }
                    { option("Local", "Local (override)", policy_value(scenario.external_traffic_policy) == "Local") }
                </select>
            </label>
            <label>{ "Internal traffic policy" }
                <select onchange={on_select(d, |v| Action::SetInternalPolicy(TrafficPolicy::parse(&v)))}>
                    { option("", &format!("as in the manifest ({itp_in_force})"), scenario.internal_traffic_policy.is_none()) }
                    { option("Cluster", "Cluster (override)", policy_value(scenario.internal_traffic_policy) == "Cluster") }
                    { option("Local", "Local (override)", policy_value(scenario.internal_traffic_policy) == "Local") }
                </select>
            </label>
            <label class="check">
                <input type="checkbox" checked={scenario.has_load_balancer_support} onchange={on_check(d, Action::SetLoadBalancerSupport)} />
                { "cluster has load-balancer support" }
            </label>
            <label class="check">
                <input type="checkbox" checked={scenario.compare} onchange={on_check(d, Action::SetCompare)} />
                { "compare Cluster and Local side by side" }
            </label>
        </section>
    }
}
