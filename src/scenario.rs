//! A scenario: everything a user chose (manifests, service, port, entry, client, policy
//! overrides, compare mode, animation seed), and [`evaluate`], the one path from it to an
//! explanation and a picture. The page (from its controls or the URL fragment), the CLI's
//! `render` and the presets all go through here, so they cannot disagree.

use crate::diagnostic::{Diagnostic, Severity};
use crate::input;
use crate::layout::{self, Scene};
use crate::model::{self, BuildOptions, Cluster, TrafficPolicy};
use crate::route::{self, Client, EntryKind, Explanation, PortSelector, Query, QueryError};
use std::net::IpAddr;
use std::rc::Rc;

/// Who opens the connection, as the user chose it (names, not yet resolved).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ClientChoice {
    /// An outside host; `None` is the default 203.0.113.10.
    #[default]
    External,
    ExternalIp(IpAddr),
    Pod(String),
    Node(String),
}

/// Everything that decides what is shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub manifests: String,
    pub namespace: String,
    /// `None`: the first Service by namespace and name.
    pub service: Option<String>,
    pub port: PortSelector,
    pub entry: Option<EntryKind>,
    pub node: Option<String>,
    pub client: ClientChoice,
    pub external_traffic_policy: Option<TrafficPolicy>,
    pub internal_traffic_policy: Option<TrafficPolicy>,
    pub has_load_balancer_support: bool,
    /// Show the other externalTrafficPolicy beside the chosen one (figure 11.11).
    pub compare: bool,
    /// Seeds the simulated sequence of connections, so a class sees what the teacher saw.
    pub seed: u64,
    /// Animation speed factor (1 = one hop per 0.6 s).
    pub speed: f64,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            manifests: String::new(),
            namespace: "default".to_string(),
            service: None,
            port: PortSelector::First,
            entry: None,
            node: None,
            client: ClientChoice::External,
            external_traffic_policy: None,
            internal_traffic_policy: None,
            has_load_balancer_support: true,
            compare: false,
            seed: 1,
            speed: 1.0,
        }
    }
}

impl Scenario {
    /// Applies `svcroute explain`-style flags (`--service kiada --entry node-port …`), as the
    /// presets' `# query:` line writes them. Unknown flags are an error naming the flag.
    pub fn apply_flags(&mut self, flags: &str) -> Result<(), String> {
        let mut words = flags.split_whitespace();
        while let Some(flag) = words.next() {
            let (flag, inline) = match flag.split_once('=') {
                Some((flag, value)) => (flag, Some(value.to_string())),
                None => (flag, None),
            };
            if flag == "--compare" {
                self.compare = true;
                continue;
            }
            if flag == "--no-load-balancer" {
                self.has_load_balancer_support = false;
                continue;
            }
            let value = match inline.or_else(|| words.next().map(str::to_string)) {
                Some(value) => value,
                None => return Err(format!("{flag} needs a value")),
            };
            match flag {
                "--service" => self.service = Some(value),
                "--namespace" | "-n" => self.namespace = value,
                "--port" => {
                    self.port = match value.parse::<u16>() {
                        Ok(number) => PortSelector::Number(number),
                        Err(_) => PortSelector::Name(value),
                    }
                }
                "--entry" => {
                    self.entry = Some(EntryKind::parse(&value).ok_or_else(|| {
                        format!("--entry must be load-balancer, node-port, cluster-ip or external-ip, not `{value}`")
                    })?)
                }
                "--node" => self.node = Some(value),
                "--from-pod" => self.client = ClientChoice::Pod(value),
                "--from-node" => self.client = ClientChoice::Node(value),
                "--client-ip" => {
                    self.client = ClientChoice::ExternalIp(
                        model::net::parse_ip(&value).ok_or_else(|| format!("--client-ip needs an IP address, not `{value}`"))?,
                    )
                }
                "--external-traffic-policy" => self.external_traffic_policy = Some(parse_policy(flag, &value)?),
                "--internal-traffic-policy" => self.internal_traffic_policy = Some(parse_policy(flag, &value)?),
                "--seed" => self.seed = value.parse().map_err(|_| format!("--seed needs a number, not `{value}`"))?,
                _ => return Err(format!("unknown flag {flag}")),
            }
        }
        Ok(())
    }

    /// The route query this scenario asks, once the cluster is known (the first Service is
    /// the default).
    pub fn query(&self, cluster: &Cluster) -> Option<Query> {
        // With no service chosen: the first in the namespace, else the first anywhere (a dump
        // of one application's namespace has nothing in `default`).
        let (namespace, service) = match &self.service {
            Some(name) => (self.namespace.clone(), name.clone()),
            None => {
                let service = cluster
                    .services
                    .iter()
                    .find(|svc| svc.namespace == self.namespace)
                    .or_else(|| cluster.services.first())?;
                (service.namespace.clone(), service.name.clone())
            }
        };
        let mut query = Query::new(&namespace, &service);
        query.port = self.port.clone();
        query.entry = self.entry;
        query.node = self.node.clone();
        query.client = match &self.client {
            ClientChoice::External => query.client,
            ClientChoice::ExternalIp(ip) => Client::External(*ip),
            ClientChoice::Pod(name) => {
                Client::Pod { namespace: namespace.clone(), name: name.clone() }
            }
            ClientChoice::Node(name) => Client::Node(name.clone()),
        };
        query.external_traffic_policy = self.external_traffic_policy;
        query.internal_traffic_policy = self.internal_traffic_policy;
        Some(query)
    }
}

fn parse_policy(flag: &str, value: &str) -> Result<TrafficPolicy, String> {
    TrafficPolicy::parse(value)
        .ok_or_else(|| format!("{flag} must be Cluster or Local, not `{value}`"))
}

/// One explanation with its picture.
#[derive(Debug, Clone)]
pub struct View {
    pub explanation: Rc<Explanation>,
    pub scene: Rc<Scene>,
}

/// What a scenario shows.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub cluster: Rc<Cluster>,
    /// Input and model diagnostics, in text order.
    pub diagnostics: Vec<Diagnostic>,
    /// The chosen view, or why there is none (no Service at all, or a query error).
    pub view: Result<View, String>,
    /// With `compare`, the same query under the other externalTrafficPolicy.
    pub other: Option<View>,
}

impl Evaluation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }

    /// The views shown side by side: the chosen one, then the comparison. A plain Vec, so
    /// the page does not compile a chained iterator for each place that walks them.
    pub fn views(&self) -> Vec<&View> {
        let mut views = Vec::new();
        if let Ok(view) = &self.view {
            views.push(view);
        }
        if let Some(other) = &self.other {
            views.push(other);
        }
        views
    }
}

fn view(cluster: &Cluster, query: &Query) -> Result<View, QueryError> {
    let explanation = route::explain(cluster, query)?;
    let scene = layout::layout(cluster, &explanation);
    Ok(View { explanation: Rc::new(explanation), scene: Rc::new(scene) })
}

/// Parses, builds, explains and lays out a scenario.
pub fn evaluate(scenario: &Scenario) -> Evaluation {
    let parsed = input::parse(&scenario.manifests);
    let options = BuildOptions { has_load_balancer_support: scenario.has_load_balancer_support };
    let (cluster, mut diagnostics) = model::build(&parsed, &options);
    crate::sort::sort_by_key(&mut diagnostics, |d| d.span.map(|s| (s.line, s.column)));
    let Some(query) = scenario.query(&cluster) else {
        let view =
            Err("no Service in the manifests: paste a Service (kubectl get svc -o yaml)"
                .to_string());
        return Evaluation { cluster: Rc::new(cluster), diagnostics, view, other: None };
    };
    let view = view(&cluster, &query).map_err(|err| err.to_string());
    let other = match (&view, scenario.compare) {
        (Ok(shown), true) => {
            let mut other_query = query.clone();
            other_query.external_traffic_policy =
                Some(match shown.explanation.policy.external_traffic_policy {
                    TrafficPolicy::Cluster => TrafficPolicy::Local,
                    TrafficPolicy::Local => TrafficPolicy::Cluster,
                });
            self::view(&cluster, &other_query).ok()
        }
        _ => None,
    };
    Evaluation { cluster: Rc::new(cluster), diagnostics, view, other }
}
/// A speed factor as the page, the link and the CLI write it: a decimal (`2`, `0.25`, `.5`),
/// without sign or exponent. Read by hand because `str::parse::<f64>` brings about 15 KB of
/// tables into the page. Exact: the digits and the power of ten are both exact in an `f64`,
/// so the one division rounds as `parse` would.
///
/// ```
/// assert_eq!(svcroute::scenario::parse_speed("0.25"), Some(0.25));
/// assert_eq!(svcroute::scenario::parse_speed("0.3333333333333333"), Some(1.0 / 3.0));
/// assert_eq!(svcroute::scenario::parse_speed("fast"), None);
/// ```
pub fn parse_speed(text: &str) -> Option<f64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() && fraction.is_empty() || fraction.len() > 22 {
        return None;
    }
    let mut mantissa: u64 = 0;
    for byte in whole.bytes().chain(fraction.bytes()) {
        let digit = char::from(byte).to_digit(10)?;
        mantissa = mantissa.checked_mul(10)?.checked_add(u64::from(digit))?;
    }
    if mantissa > 1 << 53 {
        return None;
    }
    let scale = fraction.bytes().fold(1.0, |scale, _| scale * 10.0);
    Some(mantissa as f64 / scale)
}
