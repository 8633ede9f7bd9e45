//! The kubectl views of the pasted cluster (`get svc`, `get nodes -o wide`,
//! `get pods -o wide`, `get endpointslices`), to check against the book's outputs.

use crate::kubectl::{get, GetOptions, Listing, Resource};
use crate::scenario::Evaluation;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct KubectlProps {
    pub evaluation: Rc<Evaluation>,
    pub namespace: AttrValue,
    /// Seconds since the epoch, for AGE.
    pub now: i64,
}

#[component]
pub fn KubectlTab(props: &KubectlProps) -> Html {
    let views = [
        ("kubectl get svc", Resource::Services, false),
        ("kubectl get nodes -o wide", Resource::Nodes, true),
        ("kubectl get pods -o wide", Resource::Pods, true),
        ("kubectl get endpointslices", Resource::EndpointSlices, false),
    ];
    html! {
        <section class="kubectl" aria-label="kubectl views">
            { for views.iter().map(|(command, resource, wide)| {
                let options = GetOptions { wide: *wide, namespace: props.namespace.to_string(), now: props.now };
                let text = match get(&props.evaluation.cluster, *resource, &options) {
                    Listing::Table(text) | Listing::Empty(text) => text,
                };
                html! { <><h3><code>{ format!("$ {command}") }</code></h3><pre>{ text }</pre></> }
            }) }
        </section>
    }
}
