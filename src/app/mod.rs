//! The page (wasm32 only): App holds the one `use_reducer` and wires the components
//! together. Components paint what the core computed and dispatch Actions; none of them
//! computes a route or a coordinate.

pub mod controls;
pub mod diagram;
pub mod editor;
pub mod hooks;
pub mod hops;
pub mod kubectl_tab;
mod markup;
pub mod paths;
pub mod shares;
pub mod state;
pub mod url;

use diagram::DiagramProps;
use kubectl_tab::KubectlTab;
use shares::Shares;
use state::{Action, State, Tab};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// How long typing must pause before the page re-explains, in milliseconds.
pub const DEBOUNCE_MS: u32 = 150;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// Start from this scenario instead of the saved or default one (tests and embeds).
    #[prop_or_default]
    pub initial: Option<crate::scenario::Scenario>,
    /// How long typing must pause before the page re-explains (tests use 0: one tick).
    #[prop_or(DEBOUNCE_MS)]
    pub debounce_ms: u32,
    /// The page mode; `None` reads it from the address (`?embed` …).
    #[prop_or_default]
    pub mode: Option<url::PageMode>,
    /// A fragment to start from instead of the address's (tests).
    #[prop_or_default]
    pub fragment: Option<String>,
}

fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let mode = props.mode.unwrap_or_else(url::current_mode);
    let initial = props.initial.clone();
    let fragment = props.fragment.clone();
    let state = use_reducer(move || {
        // A scenario given by the embedding code wins, then the link's fragment, then what
        // the last visit typed, then the book's Listing 11.4.
        let from_link = match fragment {
            Some(fragment) => {
                Some(crate::permalink::from_fragment(&fragment).map_err(|err| err.to_string()))
            }
            None => url::scenario_from_address(),
        };
        let mut banner = None;
        let mut scenario = match (initial, from_link) {
            (Some(scenario), _) => scenario,
            (None, Some(Ok(scenario))) => scenario,
            (None, from_link) => {
                if let Some(Err(message)) = from_link {
                    banner = Some(message);
                }
                let mut scenario = crate::presets::default_scenario();
                if let Some(saved) = hooks::load_saved_manifests().filter(|s| !s.trim().is_empty())
                {
                    if banner.is_none() {
                        scenario.manifests = saved;
                    }
                }
                scenario
            }
        };
        if mode.compare {
            scenario.compare = true;
        }
        let mut state = State::new(scenario);
        state.banner = banner;
        state.playing = !hooks::prefers_reduced_motion() && mode.autoplay.unwrap_or(!mode.embed);
        state
    });
    hooks::use_reduced_motion_listener(dispatch_for_motion(&state));
    // The address always holds the scenario shown, so "copy the URL" is a permalink too.
    {
        // Keyed on the evaluation's generation (and the speed, which needs none), not on the
        // scenario itself: comparing megabytes of manifests on every render would cost more.
        let scenario = state.scenario.clone();
        use_effect_with((state.generation, state.scenario.speed.to_bits()), move |_| {
            url::write_fragment(&scenario)
        });
    }
    let dispatch = {
        let state = state.clone();
        Callback::from(move |action: Action| state.dispatch(action))
    };
    // Re-explain once typing pauses; save what was typed for the next visit.
    {
        let dispatch = dispatch.clone();
        hooks::use_debounced(
            state.draft.clone(),
            props.debounce_ms,
            Callback::from(move |text: AttrValue| {
                hooks::save_manifests(&text);
                dispatch.emit(Action::Apply);
            }),
        );
    }

    let (shown, dimmed) = state.shown();
    let shown = shown.clone();
    let explanation = shown.view.as_ref().ok().map(|v| v.explanation.clone());
    let mut views: Vec<Html> = Vec::new();
    for (view_idx, view) in shown.views().into_iter().enumerate() {
        views.push(view_html(&state, &dispatch, view_idx, view, dimmed));
    }
    let views = html! {
        <div class={if shown.other.is_some() { "views compare" } else { "views" }}>{ for views }</div>
    };
    let playback = playback(&state, &dispatch);
    let link_banner = state
        .banner
        .clone()
        .map(|message| html! { <div class="banner" role="alert">{ message }</div> });
    if mode.embed {
        return html! {
            <div class="app embed">
                { for link_banner }
                if !mode.hide_controls { { playback } }
                { views }
            </div>
        };
    }
    let evaluation = &state.evaluation;
    let error_banner = match (&evaluation.view, evaluation.has_errors()) {
        (Err(message), _) if !message.is_empty() => Some(message.clone()),
        (_, true) => Some("The manifests have errors: fix them to update the picture.".to_string()),
        _ => None,
    };
    let on_download = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(svg) = crate::export::render(&shown, crate::svg::Theme::Auto) {
                let name =
                    shown.view.as_ref().map(|v| v.explanation.service.clone()).unwrap_or_default();
                url::download_svg(&format!("svcroute-{name}.svg"), &svg);
            }
        })
    };
    let tab = state.tab;
    html! {
        <div class="app">
            <header class="top">
                <h1>{ "svcroute" }</h1>
                <p>{ "How Kubernetes routes a connection to a Service: every hop, every NAT, every pod's share." }</p>
            </header>
            <main class="layout">
                { editor::editor(&state.draft, evaluation, dispatch.reform(Action::Edit), dispatch.reform(Action::LoadPreset)) }
                <div class="work">
                    { controls::controls(&state.scenario, &shown.cluster, explanation.as_deref(), &dispatch) }
                    <div class="share-bar" role="group" aria-label="Share">
                        { copy_button("Copy link", &state.scenario, url::permalink) }
                        { copy_button("Copy embed code", &state.scenario, url::embed_code) }
                        { button("Download SVG", on_download) }
                    </div>
                    { for link_banner }
                    if let Some(message) = error_banner {
                        <div class="banner" role="alert">{ message }
                            if dimmed { <span>{ " The last good picture is shown, dimmed." }</span> }
                        </div>
                    }
                    <div class="tabs" role="tablist">
                        { tab_button("Diagram", Tab::Diagram, tab, &dispatch) }
                        { tab_button("kubectl views", Tab::Kubectl, tab, &dispatch) }
                    </div>
                    if tab == Tab::Diagram {
                        { playback }
                        { views }
                        if let (Some(idx), Some(explanation)) = (state.selected_path, explanation) {
                            { hops::hops(&explanation, &shown.cluster, idx, send(&dispatch, Action::SelectPath(None))) }
                        }
                    } else {
                        <KubectlTab evaluation={shown.clone()} namespace={AttrValue::from(state.scenario.namespace.clone())} now={now_seconds()} />
                    }
                </div>
            </main>
        </div>
    }
}

/// A click that dispatches `action`. Every button's callback is this one closure type, so the
/// page holds one copy of the callback code rather than one per button.
fn send(dispatch: &Callback<Action>, action: Action) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |_: MouseEvent| dispatch.emit(action.clone()))
}

/// A plain button (one copy of the markup for every button of the page).
fn button(label: &'static str, onclick: Callback<MouseEvent>) -> Html {
    html! { <button type="button" {onclick}>{ label }</button> }
}

/// A button that copies `text(scenario)` (the permalink or the embed code) when clicked.
fn copy_button(
    label: &'static str,
    scenario: &Rc<crate::scenario::Scenario>,
    text: fn(&crate::scenario::Scenario) -> String,
) -> Html {
    let scenario = scenario.clone();
    button(label, Callback::from(move |_: MouseEvent| url::copy(&text(&scenario))))
}

fn tab_button(label: &'static str, tab: Tab, current: Tab, dispatch: &Callback<Action>) -> Html {
    html! {
        <button role="tab" aria-selected={(tab == current).to_string()}
            onclick={send(dispatch, Action::SetTab(tab))}>{ label }</button>
    }
}

/// Play, pause, step, send one, reset and the speed.
fn playback(state: &State, dispatch: &Callback<Action>) -> Html {
    let on_speed = dispatch.reform(|event: Event| {
        let value = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            .and_then(|input| crate::scenario::parse_speed(&input.value()))
            .unwrap_or(1.0);
        Action::SetSpeed(value)
    });
    let playing = state.playing;
    html! {
        <div class="playback" role="group" aria-label="Animation">
            { button(if playing { "Pause" } else { "Play" }, send(dispatch, Action::SetPlaying(!playing))) }
            { button("Send one connection", send(dispatch, Action::SendOne)) }
            { button("Step one hop", send(dispatch, Action::Step)) }
            { button("Reset", send(dispatch, Action::ResetAnimation)) }
            <label>{ "Speed" }
                <input type="range" min="0.25" max="8" step="0.25" value={state.scenario.speed.to_string()} onchange={on_speed} />
            </label>
        </div>
    }
}

/// One view (the main one, or the compare one): its diagram, outcome, shares and, for the
/// main view, the table of paths.
fn view_html(
    state: &State,
    dispatch: &Callback<Action>,
    view_idx: usize,
    view: &crate::scenario::View,
    dimmed: bool,
) -> Html {
    let tally = state.animations.get(view_idx).cloned();
    let observed = tally.as_ref().map(|t| t.observed.clone()).unwrap_or_default();
    let connections = tally.map(|t| t.connections).unwrap_or_default();
    let onarrive = dispatch.reform(move |paths: Vec<usize>| Action::Arrived(view_idx, paths));
    let onselect =
        if view_idx == 0 { dispatch.reform(Action::SelectPath) } else { Callback::noop() };
    let policy = view.explanation.policy.external_traffic_policy;
    let caption = AttrValue::from(format!("externalTrafficPolicy {policy}"));
    let svg = state.diagram_svgs.get(view_idx).cloned().unwrap_or_default();
    html! {
        <div class="view" key={view_idx}>
            <h2 class="view-title">{ caption.clone() }</h2>
            { diagram::diagram(DiagramProps {
                scene: view.scene.clone(),
                svg,
                explanation: view.explanation.clone(),
                connections,
                playing: state.playing,
                speed: state.scenario.speed,
                generation: state.generation,
                steps: state.steps,
                sends: state.sends,
                dimmed,
                selected: if view_idx == 0 { state.selected_path } else { None },
                onselect,
                onarrive,
            }) }
            <p class="outcome-line"><strong>{ view.explanation.outcome.as_str() }</strong>{ ": " }{ &view.explanation.reason }</p>
            <Shares explanation={view.explanation.clone()} observed={observed} caption={caption} />
            if view_idx == 0 { { paths::paths(&view.explanation, dispatch) } }
        </div>
    }
}

fn dispatch_for_motion(state: &UseReducerHandle<State>) -> Callback<()> {
    let state = state.clone();
    Callback::from(move |()| state.dispatch(Action::SetPlaying(false)))
}

/// Mounts the app on `element` (used by the page's entry point and by the browser tests).
pub fn mount(element: web_sys::Element) -> AppHandle<App> {
    yew::Renderer::<App>::with_root_and_props(
        element,
        AppProps { initial: None, debounce_ms: DEBOUNCE_MS, mode: None, fragment: None },
    )
    .render()
}

/// Component props compare evaluations on every render. An evaluation is never changed once
/// made, so two are the same exactly when they are the same value in memory; comparing whole
/// clusters field by field would cost more than the render it saves.
impl PartialEq for crate::scenario::Evaluation {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}
