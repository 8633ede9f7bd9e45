//! The diagram: the scene as `svg.rs` writes it (the very SVG the download saves), with the
//! animation's packets painted on top. Clicking a path or a packet selects it.

use crate::layout::motion::packet_at;
use crate::layout::Scene;
use crate::model::net::Socket;
use crate::route::Explanation;
use crate::svg;

use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::hooks::use_animation_frame;

/// Milliseconds one hop takes at speed 1.
const HOP_MS: f64 = 600.0;
/// Milliseconds between new connections at speed 1.
const SPAWN_MS: f64 = 180.0;

#[derive(Properties, Clone)]
pub struct DiagramProps {
    pub scene: Rc<Scene>,
    pub svg: AttrValue,
    pub explanation: Rc<Explanation>,
    pub connections: Rc<Vec<usize>>,
    pub playing: bool,
    pub speed: f64,
    /// Changes when the animation must restart.
    pub generation: u32,
    /// Bumped by "step" and "send one connection".
    pub steps: u32,
    pub sends: u32,
    pub dimmed: bool,
    pub selected: Option<usize>,
    pub onselect: Callback<Option<usize>>,
    pub onarrive: Callback<Vec<usize>>,
}

/// The scene, explanation and connections compare by pointer: each is made once per
/// evaluation and never changed, and comparing them field by field would cost the page code
/// (and time) for nothing, since the callbacks App makes anew on every render differ anyway.
impl PartialEq for DiagramProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.scene, &other.scene)
            && self.svg == other.svg
            && Rc::ptr_eq(&self.explanation, &other.explanation)
            && Rc::ptr_eq(&self.connections, &other.connections)
            && self.playing == other.playing
            && self.speed == other.speed
            && self.generation == other.generation
            && self.steps == other.steps
            && self.sends == other.sends
            && self.dimmed == other.dimmed
            && self.selected == other.selected
            && self.onselect == other.onselect
            && self.onarrive == other.onarrive
    }
}

/// Renders `scene` as the SVG text the page shows and downloads.
pub fn scene_svg(scene: &Scene, explanation: &Explanation) -> String {
    let options = svg::Options {
        title: format!(
            "{}/{} via {}",
            explanation.namespace, explanation.service, explanation.entry.kind
        ),
        ..svg::Options::default()
    };
    svg::write(scene, &options)
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Flight {
    path_idx: usize,
    progress: f64,
}

#[derive(Default)]
struct Animation {
    flights: Vec<Flight>,
    next: usize,
    since_spawn: f64,
    last_frame: Option<f64>,
    generation: u32,
}

impl Animation {
    fn spawn(&mut self, connections: &[usize], progress: f64) {
        if let Some(&path_idx) = connections.get(self.next) {
            self.flights.push(Flight { path_idx, progress });
            self.next += 1;
        }
    }

    /// Moves every flight by `hops`; returns the paths of the connections that arrived.
    fn advance(&mut self, hops: f64, explanation: &Explanation) -> Vec<usize> {
        let mut arrived = Vec::new();
        self.flights.retain_mut(|flight| {
            flight.progress += hops;
            let n_hops = explanation.paths.get(flight.path_idx).map_or(0, |p| p.hops.len()) as f64;
            if flight.progress >= n_hops {
                arrived.push(flight.path_idx);
                false
            } else {
                true
            }
        });
        arrived
    }
}

/// The packets in flight: the only part of the page that re-renders on every animation
/// frame, so the diagram's SVG is not diffed sixty times a second.
#[component]
fn Packets(props: &DiagramProps) -> Html {
    let animation = use_mut_ref(Animation::default);
    let redraw = use_force_update();
    {
        let mut anim = animation.borrow_mut();
        if anim.generation != props.generation {
            *anim = Animation { generation: props.generation, ..Animation::default() };
        }
    }
    // Step and send-one requests.
    {
        let animation = animation.clone();
        let explanation = props.explanation.clone();
        let connections = props.connections.clone();
        let onarrive = props.onarrive.clone();
        let redraw = redraw.clone();
        use_effect_with(props.steps, move |_| {
            let mut anim = animation.borrow_mut();
            if anim.flights.is_empty() {
                anim.spawn(&connections, 0.5);
            } else {
                let arrived = anim.advance(1.0, &explanation);
                if !arrived.is_empty() {
                    onarrive.emit(arrived);
                }
            }
            drop(anim);
            redraw.force_update();
        });
    }
    {
        let animation = animation.clone();
        let connections = props.connections.clone();
        let redraw = redraw.clone();
        use_effect_with(props.sends, move |_| {
            animation.borrow_mut().spawn(&connections, 0.0);
            redraw.force_update();
        });
    }
    let on_frame = {
        let animation = animation.clone();
        let explanation = props.explanation.clone();
        let connections = props.connections.clone();
        let onarrive = props.onarrive.clone();
        let speed = props.speed;
        let redraw = redraw.clone();
        Callback::from(move |now: f64| {
            let mut anim = animation.borrow_mut();
            let dt = anim.last_frame.map_or(0.0, |last| (now - last).clamp(0.0, 100.0));
            anim.last_frame = Some(now);
            anim.since_spawn += dt * speed;
            while anim.since_spawn >= SPAWN_MS {
                anim.since_spawn -= SPAWN_MS;
                anim.spawn(&connections, 0.0);
            }
            let arrived = anim.advance(dt * speed / HOP_MS, &explanation);
            drop(anim);
            if !arrived.is_empty() {
                onarrive.emit(arrived);
            }
            redraw.force_update();
        })
    };
    let running = props.playing && !props.dimmed;
    {
        let animation = animation.clone();
        use_effect_with(running, move |_| {
            animation.borrow_mut().last_frame = None;
        });
    }
    use_animation_frame(running, on_frame);

    let anim = animation.borrow();
    let scene = &props.scene;
    // Only the newest packet carries its addresses, so labels never pile up.
    let newest = anim.flights.len().checked_sub(1);
    let mut inspector = None;
    let mut dots = Vec::new();
    for (flight_idx, flight) in anim.flights.iter().enumerate() {
        let Some(wire) = scene.wires.iter().find(|w| w.path_idx == flight.path_idx) else {
            continue;
        };
        let Some(path) = props.explanation.paths.get(flight.path_idx) else { continue };
        let Some(at) = packet_at(wire, &path.hops, flight.progress) else { continue };
        let class = if at.is_rewritten { "packet rewritten" } else { "packet" };
        let label = format!("{} → {}", Socket(at.packet.src), Socket(at.packet.dst));
        if Some(flight_idx) == newest {
            inspector = Some((label.clone(), at.is_rewritten, path.hops.get(at.hop_idx).cloned()));
        }
        dots.push(html! {
            <g class={class} data-path={flight.path_idx.to_string()}>
                <circle cx={format!("{:.1}", at.at.x)} cy={format!("{:.1}", at.at.y)} r="6"><title>{ label }</title></circle>
            </g>
        });
    }
    // The newest packet's addresses, in a fixed line under the nodes so they never cover
    // a label; orange once DNAT or SNAT has rewritten them.
    let inspector = inspector.map(|(label, is_rewritten, hop)| {
        let place = hop.map(|hop| format!("{} → {}: ", hop.from, hop.to)).unwrap_or_default();
        let class = if is_rewritten { "inspector rewritten" } else { "inspector" };
        html! {
            <g class={class}>
                <text x="20" y={format!("{:.1}", scene.height - 10.0)}>
                    { format!("newest connection, {place}{label}") }
                </text>
            </g>
        }
    });
    html! {
        <svg class="packets" viewBox={format!("0 0 {:.1} {:.1}", scene.width, scene.height)} aria-hidden="true">
            { for dots }
            { for inspector }
        </svg>
    }
}

/// The diagram with its packets on top; a click on a path or a packet selects it. A plain
/// function rather than a component: App makes the callbacks anew on every render, so a
/// component would redraw every time anyway, and each component type costs the page its own
/// copy of yew's lifecycle code. The packets are a component, so that each animation frame
/// redraws only them.
pub fn diagram(props: DiagramProps) -> Html {
    let onclick = {
        let onselect = props.onselect.clone();
        Callback::from(move |event: MouseEvent| {
            let target = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            let path = target
                .and_then(|el| el.closest("[data-path]").ok().flatten())
                .and_then(|el| el.get_attribute("data-path"))
                .and_then(|v| v.parse::<usize>().ok());
            onselect.emit(path);
        })
    };
    // One string, not `classes!`: the page builds no class list piece by piece, which keeps
    // yew's `Classes::push` (and the copy-on-write of its set) out of the wasm.
    let class = match (props.dimmed, props.selected.is_some()) {
        (false, false) => "diagram",
        (true, false) => "diagram dimmed",
        (false, true) => "diagram has-selection",
        (true, true) => "diagram dimmed has-selection",
    };
    let selected_style = props
        .selected
        .map(|idx| {
            format!(".diagram .path[data-path=\"{idx}\"] polyline{{opacity:1;stroke-width:6px}}")
        })
        .unwrap_or_default();
    html! {
        <figure {class} onclick={onclick} aria-label="Routing diagram">
            <style>{ selected_style }</style>
            <div class="scene">{ Html::from_html_unchecked(props.svg.clone()) }</div>
            <Packets ..props />
        </figure>
    }
}
