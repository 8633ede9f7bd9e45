//! The page's state: the scenario the user built, its evaluation, and view-only things
//! (selected path, tab, animation tallies). Every change is an [`Action`]; the reducer is the
//! only place that calls the core, so components only paint and dispatch.

use crate::model::TrafficPolicy;
use crate::presets::{self, PRESETS};
use crate::route::{simulate, EntryKind, PortSelector};
use crate::scenario::{evaluate, ClientChoice, Evaluation, Scenario};
use std::rc::Rc;
use yew::{AttrValue, Reducible};

/// The connections the animation may send, precomputed from the seed.
pub const MAX_CONNECTIONS: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Diagram,
    Kubectl,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The textarea changed; evaluation follows after the debounce.
    Edit(String),
    /// Evaluate the current draft (sent by the debounce timer).
    Apply,
    LoadPreset(usize),
    SetService(String),
    SetPort(PortSelector),
    SetEntry(Option<EntryKind>),
    SetNode(Option<String>),
    SetClient(ClientChoice),
    SetExternalPolicy(Option<TrafficPolicy>),
    SetInternalPolicy(Option<TrafficPolicy>),
    SetLoadBalancerSupport(bool),
    SetCompare(bool),
    SelectPath(Option<usize>),
    /// Simulated connections reached the ends of these paths, in view 0 (main) or 1 (compare).
    Arrived(usize, Vec<usize>),
    /// "Step hop by hop" and "send one connection".
    Step,
    SendOne,
    ResetAnimation,
    SetPlaying(bool),
    SetSpeed(f64),
    SetTab(Tab),
}

/// One view's animation: what it sends and what has arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct AnimationTally {
    pub connections: Rc<Vec<usize>>,
    pub observed: Vec<u64>,
}

#[derive(Debug, Clone)]
pub struct State {
    pub scenario: Rc<Scenario>,
    /// The textarea's text: ahead of `scenario.manifests` until the debounce fires.
    pub draft: AttrValue,
    pub evaluation: Rc<Evaluation>,
    /// The last evaluation that had a picture and no error, shown dimmed while the input is bad.
    pub last_good: Option<Rc<Evaluation>>,
    pub selected_path: Option<usize>,
    pub tab: Tab,
    /// Per view (main, compare): the seeded sequence of paths the animation sends, and the
    /// connections that reached the end of each path so far.
    pub animations: Vec<AnimationTally>,
    pub playing: bool,
    pub steps: u32,
    pub sends: u32,
    /// Bumped on every reset, so the animation restarts.
    pub generation: u32,
    /// A message about the address (a damaged link), shown until the next change.
    pub banner: Option<String>,
    /// The diagram SVG of each shown view, written once per evaluation rather than on every
    /// render (the animation re-renders the page several times a second).
    pub diagram_svgs: Vec<yew::AttrValue>,
}

impl State {
    pub fn new(scenario: Scenario) -> Self {
        let draft = AttrValue::from(scenario.manifests.clone());
        let scenario = Rc::new(scenario);
        let mut state = Self {
            scenario,
            draft,
            evaluation: Rc::new(Evaluation {
                cluster: Default::default(),
                diagnostics: Vec::new(),
                view: Err(String::new()),
                other: None,
            }),
            last_good: None,
            selected_path: None,
            tab: Tab::Diagram,
            animations: Vec::new(),
            playing: !super::hooks::prefers_reduced_motion(),
            steps: 0,
            sends: 0,
            banner: None,
            diagram_svgs: Vec::new(),
            generation: 0,
        };
        state.reevaluate();
        state
    }

    /// The evaluation whose picture is shown, and whether it is a stale one (dimmed).
    pub fn shown(&self) -> (&Rc<Evaluation>, bool) {
        let is_good = self.evaluation.view.is_ok() && !self.evaluation.has_errors();
        match (&self.last_good, is_good) {
            (Some(good), false) => (good, true),
            _ => (&self.evaluation, false),
        }
    }

    fn reevaluate(&mut self) {
        let mut evaluation = evaluate(&self.scenario);
        // New manifests may no longer have what was chosen (a load balancer entry after
        // pasting a NodePort Service, a service that was renamed): fall back step by step to
        // the defaults rather than show nothing.
        let relaxations: [fn(&mut Scenario); 3] = [
            |s| {
                s.entry = None;
                s.node = None;
            },
            |s| {
                s.service = None;
                s.port = PortSelector::First;
            },
            |s| s.client = ClientChoice::External,
        ];
        let mut relaxed = (*self.scenario).clone();
        for relax in relaxations {
            if evaluation.view.is_ok() || evaluation.has_errors() {
                break;
            }
            let before = relaxed.clone();
            relax(&mut relaxed);
            if relaxed == before {
                continue;
            }
            let attempt = evaluate(&relaxed);
            if attempt.view.is_ok() {
                self.scenario = Rc::new(relaxed.clone());
                evaluation = attempt;
            }
        }
        let evaluation = Rc::new(evaluation);
        if evaluation.view.is_ok() && !evaluation.has_errors() {
            self.last_good = Some(evaluation.clone());
        }
        self.evaluation = evaluation;
        self.reset_animation();
    }

    fn reset_animation(&mut self) {
        let shown = self.shown().0.clone();
        self.animations = Vec::new();
        self.diagram_svgs = Vec::new();
        for view in shown.views() {
            let mut connections = Vec::new();
            for path_idx in
                simulate::connections(&view.explanation, self.scenario.seed).take(MAX_CONNECTIONS)
            {
                connections.push(path_idx);
            }
            self.animations.push(AnimationTally {
                connections: Rc::new(connections),
                observed: vec![0; view.explanation.paths.len()],
            });
            self.diagram_svgs.push(yew::AttrValue::from(super::diagram::scene_svg(
                &view.scene,
                &view.explanation,
            )));
        }
        let n_paths = shown.view.as_ref().map_or(0, |v| v.explanation.paths.len());
        self.generation = self.generation.wrapping_add(1);
        if self.selected_path.is_some_and(|idx| idx >= n_paths) {
            self.selected_path = None;
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        // Cloning the state is cheap: the scenario (with the manifests, which may be
        // megabytes) and the draft are shared until an action changes them.
        let mut state = (*self).clone();
        match action {
            Action::Edit(text) => {
                state.draft = AttrValue::from(text);
                return Rc::new(state);
            }
            Action::SelectPath(path) => {
                state.selected_path = path;
                return Rc::new(state);
            }
            Action::Arrived(view, paths) => {
                if let Some(tally) = state.animations.get_mut(view) {
                    for path in paths {
                        if let Some(count) = tally.observed.get_mut(path) {
                            *count += 1;
                        }
                    }
                }
                return Rc::new(state);
            }
            Action::Step => {
                state.playing = false;
                state.steps = state.steps.wrapping_add(1);
                return Rc::new(state);
            }
            Action::SendOne => {
                state.sends = state.sends.wrapping_add(1);
                return Rc::new(state);
            }
            Action::ResetAnimation => {
                state.reset_animation();
                return Rc::new(state);
            }
            Action::SetPlaying(on) => {
                state.playing = on;
                return Rc::new(state);
            }
            Action::SetSpeed(speed) => {
                Rc::make_mut(&mut state.scenario).speed = speed.clamp(0.1, 10.0);
                return Rc::new(state);
            }
            Action::SetTab(tab) => {
                state.tab = tab;
                return Rc::new(state);
            }
            Action::Apply if *state.scenario.manifests == *state.draft => return self,
            _ => {}
        }
        let draft = state.draft.clone();
        let scenario = Rc::make_mut(&mut state.scenario);
        match action {
            Action::Apply => scenario.manifests = draft.to_string(),
            Action::LoadPreset(idx) => {
                let Some(preset) = PRESETS.get(idx) else { return self };
                let mut next = preset.scenario();
                next.seed = scenario.seed;
                next.speed = scenario.speed;
                next.compare = scenario.compare;
                next.has_load_balancer_support = scenario.has_load_balancer_support;
                state.draft = AttrValue::from(next.manifests.clone());
                *scenario = next;
            }
            Action::SetService(value) => {
                // `namespace/name`, as the Service menu writes it.
                let (namespace, name) =
                    value.split_once('/').unwrap_or(("default", value.as_str()));
                scenario.namespace = namespace.to_string();
                scenario.service = Some(name.to_string());
                scenario.port = PortSelector::First;
                scenario.entry = None;
            }
            Action::SetPort(port) => scenario.port = port,
            Action::SetEntry(entry) => scenario.entry = entry,
            Action::SetNode(node) => scenario.node = node,
            Action::SetClient(client) => scenario.client = client,
            Action::SetExternalPolicy(policy) => scenario.external_traffic_policy = policy,
            Action::SetInternalPolicy(policy) => scenario.internal_traffic_policy = policy,
            Action::SetLoadBalancerSupport(on) => scenario.has_load_balancer_support = on,
            Action::SetCompare(on) => scenario.compare = on,
            // Handled above: they change no scenario.
            Action::Edit(_)
            | Action::SelectPath(_)
            | Action::Arrived(..)
            | Action::Step
            | Action::SendOne
            | Action::ResetAnimation
            | Action::SetPlaying(_)
            | Action::SetSpeed(_)
            | Action::SetTab(_) => {}
        }
        state.reevaluate();
        Rc::new(state)
    }
}

impl Default for State {
    fn default() -> Self {
        Self::new(presets::default_scenario())
    }
}
