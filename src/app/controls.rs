//! The controls: service and port, entry point, client, the traffic policy overrides and the
//! cluster options. Each is a labelled form control that dispatches one Action.

use super::state::Action;
use crate::model::net::Ip;
use crate::model::Cluster;
use crate::model::TrafficPolicy;
use crate::route::{EntryKind, Explanation, PortSelector};
use crate::scenario::{ClientChoice, Scenario};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

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

fn option(value: &str, label: &str, selected: bool) -> Html {
    html! { <option value={value.to_string()} {selected}>{ label }</option> }
}

/// Options with fixed values and labels, the one whose value is `current` selected.
fn fixed_options(choices: &[(&str, &str)], current: &str) -> Html {
    let mut options = Vec::new();
    for &(value, label) in choices {
        options.push(option(value, label, value == current));
    }
    list(options)
}

/// Sibling nodes as one. Every list of options is a Vec turned into Html here, so the page
/// compiles one `FromIterator` instead of one per iterator chain.
fn list(items: Vec<Html>) -> Html {
    Html::from_iter(items)
}

/// A labelled menu. Every menu is this one function called with data, so the page holds one
/// copy of the markup rather than one per menu.
fn menu(
    label: &'static str,
    title: Option<&'static str>,
    disabled: bool,
    onchange: Callback<Event>,
    options: Html,
) -> Html {
    html! {
        <label {title}>{ label }
            <select {disabled} {onchange}>{ options }</select>
        </label>
    }
}

/// A traffic policy menu: the manifest's value (shown as in force) or an override.
fn policy_menu(
    label: &'static str,
    in_force: &str,
    chosen: Option<TrafficPolicy>,
    onchange: Callback<Event>,
) -> Html {
    let options = html! { <>
        { option("", &format!("as in the manifest ({in_force})"), chosen.is_none()) }
        { fixed_options(&[("Cluster", "Cluster (override)"), ("Local", "Local (override)")], chosen.map_or("", TrafficPolicy::as_str)) }
    </> };
    menu(label, None, false, onchange, options)
}

/// A labelled checkbox (one copy for both, see [`menu`]).
fn check(label: &'static str, checked: bool, onchange: Callback<Event>) -> Html {
    html! {
        <label class="check">
            <input type="checkbox" {checked} {onchange} />
            { label }
        </label>
    }
}

/// The controls for `scenario`, with the values in force from `explanation` (the one shown).
/// A plain function rather than a component: App makes `dispatch` anew on every render, so a
/// component would redraw every time anyway, and each component type costs the page its own
/// copy of yew's lifecycle code.
pub fn controls(
    scenario: &Scenario,
    cluster: &Cluster,
    explanation: Option<&Explanation>,
    d: &Callback<Action>,
) -> Html {
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
    let mut service_options = Vec::new();
    for svc in &services {
        let value = format!("{}/{}", svc.namespace, svc.name);
        let label = if svc.namespace == "default" {
            format!("{} ({})", svc.name, svc.type_)
        } else {
            format!("{value} ({})", svc.type_)
        };
        service_options.push(option(
            &value,
            &label,
            svc.name == service_name && svc.namespace == namespace,
        ));
    }
    let service_options = list(service_options);
    let port_menu = service.filter(|svc| svc.ports.len() > 1).map(|svc| {
        let mut options = Vec::new();
        for port in &svc.ports {
            let value =
                if port.name.is_empty() { port.port.to_string() } else { port.name.clone() };
            let label = format!("{} {}/{}", port.name, port.port, port.protocol);
            options.push(option(&value, &label, value == port_value));
        }
        let onchange = on_select(d, |v| match v.parse::<u16>() {
            Ok(n) => Action::SetPort(PortSelector::Number(n)),
            Err(_) => Action::SetPort(PortSelector::Name(v)),
        });
        menu("Port", None, false, onchange, list(options))
    });
    let entries = [
        ("load-balancer", "load balancer"),
        ("node-port", "node port of a node"),
        ("cluster-ip", "cluster IP"),
        ("external-ip", "external IP"),
    ];
    let mut node_options = Vec::new();
    for node in &cluster.nodes {
        let label = format!("{} {}", node.name, Ip(node.internal_ip));
        node_options.push(option(&node.name, &label, node.name == node_value));
    }
    let node_options = list(node_options);
    let on_node = on_select(d, |v| Action::SetNode(if v.is_empty() { None } else { Some(v) }));
    let on_client = on_select(d, |v| {
        Action::SetClient(if let Some(pod) = v.strip_prefix("pod:") {
            ClientChoice::Pod(pod.to_string())
        } else if let Some(node) = v.strip_prefix("node:") {
            ClientChoice::Node(node.to_string())
        } else {
            ClientChoice::External
        })
    });
    let client_option = |prefix: &str, name: &str| {
        let value = format!("{prefix}:{name}");
        option(&value, &format!("{prefix} {name}"), value == client_value)
    };
    let mut pod_options = Vec::new();
    for pod in &cluster.pods {
        if pod.namespace == namespace {
            pod_options.push(client_option("pod", &pod.name));
        }
    }
    let mut node_process_options = Vec::new();
    for node in &cluster.nodes {
        node_process_options.push(client_option("node", &node.name));
    }
    let client_options = html! { <>
        { option("outside", "a host outside the cluster (203.0.113.10)", client_value == "outside") }
        <optgroup label="a pod">
            { list(pod_options) }
        </optgroup>
        <optgroup label="a process on a node">
            { list(node_process_options) }
        </optgroup>
    </> };
    html! {
        <section class="controls" aria-label="Connection">
            { menu("Service", None, false, on_select(d, Action::SetService), service_options) }
            { for port_menu }
            { menu("Entry point", None, false, on_select(d, |v| Action::SetEntry(EntryKind::parse(&v))), fixed_options(&entries, entry_value)) }
            { menu("Node", Some("The node a node-port or external-IP connection is sent to"),
                entry_value == "load-balancer", on_node, node_options) }
            { menu("Client", None, false, on_client, client_options) }
            { policy_menu("External traffic policy", etp_in_force, scenario.external_traffic_policy,
                on_select(d, |v| Action::SetExternalPolicy(TrafficPolicy::parse(&v)))) }
            { policy_menu("Internal traffic policy", itp_in_force, scenario.internal_traffic_policy,
                on_select(d, |v| Action::SetInternalPolicy(TrafficPolicy::parse(&v)))) }
            { check("cluster has load-balancer support", scenario.has_load_balancer_support,
                on_check(d, Action::SetLoadBalancerSupport)) }
            { check("compare Cluster and Local side by side", scenario.compare, on_check(d, Action::SetCompare)) }
        </section>
    }
}
