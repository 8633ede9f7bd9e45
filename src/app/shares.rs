//! Traffic shares: per pod, the exact share (1/4 and 25.0%) beside the share observed so far
//! in the animation, as a real table and as the plotters bar chart.

use super::markup::{cell, head};
use crate::chart;
use crate::route::Explanation;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties)]
pub struct SharesProps {
    pub explanation: Rc<Explanation>,
    pub observed: Vec<u64>,
    /// A caption naming the policy, for the compare view.
    pub caption: AttrValue,
}

/// The explanation compares by pointer: it is made once per evaluation and never changed, so
/// at worst an equal one made anew redraws the same table, and the page needs no code to
/// compare explanations field by field.
impl PartialEq for SharesProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.explanation, &other.explanation)
            && self.observed == other.observed
            && self.caption == other.caption
    }
}

#[component]
pub fn Shares(props: &SharesProps) -> Html {
    let explanation = &props.explanation;
    let total: u64 = props.observed.iter().sum();
    let observed_for = |pod: &str| -> u64 {
        explanation
            .paths
            .iter()
            .zip(&props.observed)
            .filter(|(path, _)| path.target.as_ref().and_then(|t| t.pod.as_deref()) == Some(pod))
            .map(|(_, count)| *count)
            .sum()
    };
    let rows = explanation.pods.iter().map(|pod| {
        let seen = observed_for(&pod.pod);
        let seen_text = if total == 0 {
            "–".to_string()
        } else {
            format!("{:.1}% ({seen})", seen as f64 * 100.0 / total as f64)
        };
        html! {
            <tr>
                <th scope="row">{ &pod.pod }</th>
                { cell(None, pod.node.clone().unwrap_or_default()) }
                { cell(Some("num"), pod.share.to_string()) }
                { cell(Some("num"), pod.share.percent()) }
                { cell(Some("num"), seen_text) }
            </tr>
        }
    });
    let chart = chart::shares_svg(explanation, Some(&props.observed), false);
    html! {
        <section class="shares" aria-label={format!("Traffic shares, {}", props.caption)}>
            <table>
                <caption>{ format!("Share of new connections per pod — {}", props.caption) }</caption>
                { head(&["Pod", "Node", "Exact share", "Percent"],
                    html! { <th scope="col">{ format!("Observed ({total} connections)") }</th> }) }
                <tbody>{ for rows }</tbody>
            </table>
            if explanation.pods.is_empty() {
                <p class="outcome">{ format!("No pod receives these connections: {} — {}", explanation.outcome.as_str(), explanation.reason) }</p>
            }
            if !explanation.pods.is_empty() {
                <div class="chart" aria-hidden="true">{ Html::from_html_unchecked(AttrValue::from(chart)) }</div>
            }
        </section>
    }
}
