//! Table markup the components share. Each `html!` element compiles to its own construction
//! code, so a cell or a heading written once here and called with data is smaller in the page
//! than the same markup written out in every row and table.

use yew::prelude::*;

/// A `<td>` holding `text`, with `class` if any (`Some("num")` right-aligns numbers).
pub fn cell(class: Option<&'static str>, text: String) -> Html {
    html! { <td {class}>{ text }</td> }
}

/// The `<thead>` of a table with these column headings; `last` is appended as is (a heading
/// with a count or with hidden text).
pub fn head(labels: &[&'static str], last: Html) -> Html {
    html! {
        <thead><tr>
            { for labels.iter().map(|&label| html! { <th scope="col">{ label }</th> }) }
            { last }
        </tr></thead>
    }
}
