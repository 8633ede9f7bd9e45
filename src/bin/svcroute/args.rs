//! Command-line flags → what the user asked for: `explain`, `render` and `link` with a
//! scenario (the same `Scenario` the page holds), `get` with a kind, `mdbook`, or
//! help/version. Usage errors are values; `main` prints them and exits 2.

use lexopt::prelude::*;
use std::ffi::OsString;
use std::net::IpAddr;
use svcroute::kubectl::Resource;
use svcroute::model::TrafficPolicy;
use svcroute::route::{EntryKind, PortSelector};
use svcroute::scenario::{ClientChoice, Scenario};
use svcroute::svg::Theme;

pub const USAGE: &str = "\
Usage: svcroute explain FILE... --service NAME [OPTIONS]
       svcroute render FILE... --service NAME [OPTIONS] [--compare] [--theme auto|light|dark] [-o OUT.svg]
       svcroute link FILE... --service NAME [OPTIONS] [--compare] [--speed N]
       svcroute get svc|nodes|pods|endpointslices FILE... [-o wide] [-n NAMESPACE]
       svcroute mdbook [supports RENDERER]
       svcroute --help | --version

Explains how Kubernetes routes a connection to a Service: which nodes and pods it reaches,
where DNAT and SNAT rewrite the packet, which client IP the pod sees, and each pod's share.
FILE is YAML or JSON (several documents, a `kind: List`, `kubectl get -o yaml` output);
`-` reads stdin. Several files make one cluster. Without Node objects the book's
three-node kind cluster stands in.

explain, render and link options (what to show):
  --service NAME                    the Service (required)
  -n, --namespace NS                its namespace [default: default]
  --port NAME|NUMBER                the service port [default: the first]
  --entry KIND                      load-balancer, node-port, cluster-ip or external-ip
                                    [default: the one that fits the Service's type]
  --node NODE                       the node a node-port or external-ip connection goes to
                                    [default: the first node by name]
  --from-pod POD                    the client is this pod
  --from-node NODE                  the client is a process on this node
  --client-ip IP                    the client is this outside address [default: 203.0.113.10]
  --external-traffic-policy Cluster|Local   override the Service's externalTrafficPolicy
  --internal-traffic-policy Cluster|Local   override the Service's internalTrafficPolicy
  --no-load-balancer                the cluster has no load-balancer support (EXTERNAL-IP
                                    stays <pending>)
  --format table|json               [default: table]; docs/json.md describes the JSON
  --connections N                   also simulate N new connections and print the counts
  --curl                            also print what the book's kiada app answers to curl on
                                    each path (the pod, its node and the client IP it sees)
  --seed N                          the simulation's seed [default: 1]

render options (the picture the page's \"Download SVG\" saves, byte for byte):
  --compare                         both externalTrafficPolicy values side by side
  --theme auto|light|dark           colours [default: auto, following the reader's system]
  -o, --output FILE                 write the SVG to FILE [default: stdout]

link options (prints the page's URL fragment for this scenario; docs/embedding.md):
  --compare                         the page opens in compare mode
  --speed N                         the animation's speed factor [default: 1]
  --seed N                          the animation's seed [default: 1]

mdbook: an mdBook preprocessor. With `[preprocessor.svcroute]` and
`command = \"svcroute mdbook\"` in book.toml, every ```svcroute block of manifests (optionally
starting with a `# query: FLAGS` line) becomes its rendered SVG (docs/embedding.md).

get options:
  -o wide                           add the wide columns
  -n, --namespace NS                [default: default]
  --now TIMESTAMP                   compute AGE at this RFC 3339 time instead of the clock

common options:
  -q, --quiet                       do not print notices (what svcroute filled in or skipped)
  -h, --help                        print this help
  -V, --version                     print the version

Exit status: 0 success, 1 input errors or a query naming what does not exist, 2 usage errors.
";

/// The output format of `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
}

/// Who opens the connection, by name, before the cluster is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientArg {
    External(Option<IpAddr>),
    Pod(String),
    Node(String),
}

/// The flags of `explain`, `render` and `link`: what to show, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplainArgs {
    pub files: Vec<String>,
    pub service: String,
    pub namespace: String,
    pub port: PortSelector,
    pub entry: Option<EntryKind>,
    pub node: Option<String>,
    pub client: ClientArg,
    pub external_traffic_policy: Option<TrafficPolicy>,
    pub internal_traffic_policy: Option<TrafficPolicy>,
    pub has_load_balancer_support: bool,
    pub format: Format,
    pub seed: u64,
    pub connections: Option<u64>,
    /// `explain`: also print what the book's kiada app answers to curl on each path.
    pub curl: bool,
    pub quiet: bool,
    /// `render`, `link`: show both externalTrafficPolicy values.
    pub compare: bool,
    /// `render`: the colours.
    pub theme: Theme,
    /// `render`: the file to write; `None`: stdout.
    pub output: Option<String>,
    /// `link`: the animation's speed factor.
    pub speed: f64,
}

impl ExplainArgs {
    /// The scenario these flags choose over `manifests`: the very value the page holds, so
    /// a flag means the same here and there.
    pub fn scenario(&self, manifests: String) -> Scenario {
        Scenario {
            manifests,
            namespace: self.namespace.clone(),
            service: Some(self.service.clone()),
            port: self.port.clone(),
            entry: self.entry,
            node: self.node.clone(),
            client: match &self.client {
                ClientArg::External(None) => ClientChoice::External,
                ClientArg::External(Some(ip)) => ClientChoice::ExternalIp(*ip),
                ClientArg::Pod(name) => ClientChoice::Pod(name.clone()),
                ClientArg::Node(name) => ClientChoice::Node(name.clone()),
            },
            external_traffic_policy: self.external_traffic_policy,
            internal_traffic_policy: self.internal_traffic_policy,
            has_load_balancer_support: self.has_load_balancer_support,
            compare: self.compare,
            seed: self.seed,
            speed: self.speed,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetArgs {
    pub resource: Resource,
    pub files: Vec<String>,
    pub namespace: String,
    pub wide: bool,
    /// `--now`, as given; `None`: the clock.
    pub now: Option<String>,
    pub has_load_balancer_support: bool,
    pub quiet: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Explain(ExplainArgs),
    Render(ExplainArgs),
    Link(ExplainArgs),
    Get(GetArgs),
    /// `mdbook` (preprocess the book on stdin) or `mdbook supports RENDERER`.
    Mdbook {
        supports: Option<String>,
    },
    Help,
    Version,
}

/// A usage error: what is wrong, in the user's spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl From<lexopt::Error> for UsageError {
    fn from(error: lexopt::Error) -> Self {
        UsageError(error.to_string())
    }
}

fn string(value: OsString) -> Result<String, UsageError> {
    value.into_string().map_err(|value| UsageError(format!("not valid UTF-8: {value:?}")))
}

fn policy(flag: &str, value: &str) -> Result<TrafficPolicy, UsageError> {
    TrafficPolicy::parse(value)
        .ok_or_else(|| UsageError(format!("{flag} must be Cluster or Local, not `{value}`")))
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, UsageError> {
    value.parse().map_err(|_| UsageError(format!("{flag} needs a number, not `{value}`")))
}

/// The commands that choose a scenario.
const SELECTING: &[&str] = &["explain", "render", "link"];

/// Which commands take each flag, for naming a flag given to the wrong one.
fn commands_of(flag: &str) -> &'static [&'static str] {
    match flag {
        "--format" | "--connections" | "--curl" => &["explain"],
        "--seed" => &["explain", "link"],
        "--compare" => &["render", "link"],
        "--theme" => &["render"],
        "--speed" => &["link"],
        "--now" => &["get"],
        "-o" => &["get", "render"],
        _ => SELECTING,
    }
}

/// "`explain`", "`explain` or `link`", "`explain`, `render` or `link`".
fn either(commands: &[&str]) -> String {
    let quoted: Vec<String> = commands.iter().map(|command| format!("`{command}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, UsageError> {
    let mut parser =
        lexopt::Parser::from_iter(std::iter::once(OsString::from("svcroute")).chain(args));
    let mut subcommand: Option<String> = None;
    let mut positionals: Vec<String> = Vec::new();
    let mut service = None;
    let mut namespace = "default".to_string();
    let mut port = PortSelector::First;
    let mut entry = None;
    let mut node = None;
    let mut clients: Vec<(String, ClientArg)> = Vec::new();
    let mut external_traffic_policy = None;
    let mut internal_traffic_policy = None;
    let mut has_load_balancer_support = true;
    let mut format = Format::Table;
    let mut seed = 1;
    let mut connections = None;
    let mut curl = false;
    let mut quiet = false;
    let mut output = None;
    let mut now = None;
    let mut compare = false;
    let mut theme = Theme::Auto;
    let mut speed = 1.0;
    // The command-specific flags given, to name one used with the wrong command.
    let mut used: Vec<&'static str> = Vec::new();

    while let Some(arg) = parser.next()? {
        match arg {
            Short('h') | Long("help") => return Ok(Command::Help),
            Short('V') | Long("version") => return Ok(Command::Version),
            Short('q') | Long("quiet") => quiet = true,
            Short('n') | Long("namespace") => namespace = string(parser.value()?)?,
            Long("service") => {
                service = Some(string(parser.value()?)?);
                used.push("--service");
            }
            Long("port") => {
                let value = string(parser.value()?)?;
                port = match value.parse::<u16>() {
                    Ok(number) => PortSelector::Number(number),
                    Err(_) => PortSelector::Name(value),
                };
                used.push("--port");
            }
            Long("entry") => {
                let value = string(parser.value()?)?;
                entry = Some(EntryKind::parse(&value).ok_or_else(|| {
                    UsageError(format!(
                        "--entry must be load-balancer, node-port, cluster-ip or external-ip, not `{value}`"
                    ))
                })?);
                used.push("--entry");
            }
            Long("node") => {
                node = Some(string(parser.value()?)?);
                used.push("--node");
            }
            Long("from-pod") => {
                clients.push(("--from-pod".into(), ClientArg::Pod(string(parser.value()?)?)));
                used.push("--from-pod");
            }
            Long("from-node") => {
                clients.push(("--from-node".into(), ClientArg::Node(string(parser.value()?)?)));
                used.push("--from-node");
            }
            Long("client-ip") => {
                let value = string(parser.value()?)?;
                let ip = value.parse().map_err(|_| {
                    UsageError(format!("--client-ip needs an IP address, not `{value}`"))
                })?;
                clients.push(("--client-ip".into(), ClientArg::External(Some(ip))));
                used.push("--client-ip");
            }
            Long("external-traffic-policy") => {
                let value = string(parser.value()?)?;
                external_traffic_policy = Some(policy("--external-traffic-policy", &value)?);
                used.push("--external-traffic-policy");
            }
            Long("internal-traffic-policy") => {
                let value = string(parser.value()?)?;
                internal_traffic_policy = Some(policy("--internal-traffic-policy", &value)?);
                used.push("--internal-traffic-policy");
            }
            Long("no-load-balancer") => has_load_balancer_support = false,
            Long("format") => {
                let value = string(parser.value()?)?;
                format = match value.as_str() {
                    "table" => Format::Table,
                    "json" => Format::Json,
                    _ => {
                        return Err(UsageError(format!(
                            "--format must be table or json, not `{value}`"
                        )))
                    }
                };
                used.push("--format");
            }
            Long("seed") => {
                seed = number("--seed", &string(parser.value()?)?)?;
                used.push("--seed");
            }
            Long("connections") => {
                connections = Some(number("--connections", &string(parser.value()?)?)?);
                used.push("--connections");
            }
            Long("curl") => {
                curl = true;
                used.push("--curl");
            }
            Long("compare") => {
                compare = true;
                used.push("--compare");
            }
            Long("theme") => {
                let value = string(parser.value()?)?;
                theme = Theme::parse(&value).ok_or_else(|| {
                    UsageError(format!("--theme must be auto, light or dark, not `{value}`"))
                })?;
                used.push("--theme");
            }
            Long("speed") => {
                let value = string(parser.value()?)?;
                // The page and the permalink accept decimals above 0 and at most 100.
                speed = svcroute::scenario::parse_speed(&value).unwrap_or(0.0);
                if !(speed > 0.0 && speed <= 100.0) {
                    return Err(UsageError(format!(
                        "--speed must be above 0 and at most 100, not `{value}`"
                    )));
                }
                used.push("--speed");
            }
            Short('o') | Long("output") => {
                output = Some(string(parser.value()?)?);
                used.push("-o");
            }
            Long("now") => {
                now = Some(string(parser.value()?)?);
                used.push("--now");
            }
            Value(value) => {
                let value = string(value)?;
                if subcommand.is_none() {
                    subcommand = Some(value);
                } else {
                    positionals.push(value);
                }
            }
            _ => return Err(arg.unexpected().into()),
        }
    }

    let Some(subcommand) = subcommand else {
        return Err(UsageError("a command is required: explain, render, link or get".into()));
    };
    let known = ["explain", "render", "link", "get", "mdbook"];
    if !known.contains(&subcommand.as_str()) {
        return Err(UsageError(format!(
            "unknown command `{subcommand}`: use explain, render, link, get or mdbook"
        )));
    }
    for flag in &used {
        let commands = commands_of(flag);
        if !commands.contains(&subcommand.as_str()) {
            return Err(UsageError(format!(
                "{flag} is an option of {}, not `{subcommand}`",
                either(commands)
            )));
        }
    }

    match subcommand.as_str() {
        "explain" | "render" | "link" => {
            if clients.len() > 1 {
                let names: Vec<&str> = clients.iter().map(|(flag, _)| flag.as_str()).collect();
                return Err(UsageError(format!(
                    "choose one client: {} were all given",
                    names.join(" and ")
                )));
            }
            let service = service.ok_or_else(|| {
                UsageError(format!("--service NAME is required: which Service to {subcommand}"))
            })?;
            if positionals.is_empty() {
                return Err(UsageError("give at least one FILE (or - for stdin)".into()));
            }
            let args = ExplainArgs {
                files: positionals,
                service,
                namespace,
                port,
                entry,
                node,
                client: clients.pop().map_or(ClientArg::External(None), |(_, client)| client),
                external_traffic_policy,
                internal_traffic_policy,
                has_load_balancer_support,
                format,
                seed,
                connections,
                curl,
                quiet,
                compare,
                theme,
                output: output.filter(|file| file != "-"),
                speed,
            };
            Ok(match subcommand.as_str() {
                "render" => Command::Render(args),
                "link" => Command::Link(args),
                _ => Command::Explain(args),
            })
        }
        "get" => {
            let wide = match output.as_deref() {
                None => false,
                Some("wide") => true,
                Some(other) => {
                    return Err(UsageError(format!("-o supports only `wide`, not `{other}`")))
                }
            };
            let mut positionals = positionals.into_iter();
            let kind = positionals.next().ok_or_else(|| {
                UsageError("get needs a kind: svc, nodes, pods or endpointslices".into())
            })?;
            let resource = Resource::parse(&kind).ok_or_else(|| {
                UsageError(format!("get knows svc, nodes, pods and endpointslices, not `{kind}`"))
            })?;
            let files: Vec<String> = positionals.collect();
            if files.is_empty() {
                return Err(UsageError("give at least one FILE (or - for stdin)".into()));
            }
            Ok(Command::Get(GetArgs {
                resource,
                files,
                namespace,
                wide,
                now,
                has_load_balancer_support,
                quiet,
            }))
        }
        _ => {
            // `mdbook` takes no options; mdBook calls it bare or as `mdbook supports RENDERER`.
            if let Some(flag) = used.first() {
                return Err(UsageError(format!("{flag} is not an option of `mdbook`")));
            }
            match positionals.as_slice() {
                [] => Ok(Command::Mdbook { supports: None }),
                [supports, renderer] if supports == "supports" => {
                    Ok(Command::Mdbook { supports: Some(renderer.clone()) })
                }
                _ => Err(UsageError("mdbook takes no FILE; use `mdbook supports RENDERER`".into())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(words: &str) -> Result<Command, UsageError> {
        parse(words.split_whitespace().map(OsString::from))
    }

    #[test]
    fn explain_flags_become_a_query() {
        let Ok(Command::Explain(args)) = parse_words(
            "explain a.yaml - --service kiada --port 443 --entry node-port --node kind-worker --from-pod curl",
        ) else {
            panic!("not an explain");
        };
        assert_eq!(args.files, ["a.yaml", "-"]);
        assert_eq!(args.port, PortSelector::Number(443));
        assert_eq!(args.entry, Some(EntryKind::NodePort));
        assert_eq!(args.client, ClientArg::Pod("curl".into()));
    }

    #[test]
    fn usage_errors_name_the_problem() {
        let error = |words| parse_words(words).unwrap_err().0;
        assert_eq!(error("explain a.yaml"), "--service NAME is required: which Service to explain");
        assert!(error("explain a.yaml --service k --entry lb").contains("not `lb`"));
        assert_eq!(
            error("explain a.yaml --service k --from-pod p --client-ip 1.2.3.4"),
            "choose one client: --from-pod and --client-ip were all given"
        );
        assert_eq!(
            error("get deployments a.yaml"),
            "get knows svc, nodes, pods and endpointslices, not `deployments`"
        );
        assert!(error("explain a.yaml --service k --bogus").contains("--bogus"));
    }

    #[test]
    fn render_and_link_flags_become_the_pages_scenario() {
        let Ok(Command::Render(args)) = parse_words(
            "render a.yaml --service kiada --entry load-balancer --compare --theme dark -o fig.svg --client-ip 198.51.100.7",
        ) else {
            panic!("not a render");
        };
        assert_eq!((args.theme, args.output.as_deref()), (Theme::Dark, Some("fig.svg")));
        let scenario = args.scenario("manifests".into());
        let mut expected = Scenario {
            manifests: "manifests".into(),
            service: Some("kiada".into()),
            entry: Some(EntryKind::LoadBalancer),
            compare: true,
            client: ClientChoice::ExternalIp("198.51.100.7".parse().unwrap()),
            ..Scenario::default()
        };
        assert_eq!(scenario, expected);
        // The presets' `# query:` flags mean the same through Scenario::apply_flags.
        expected.compare = false;
        let mut applied = Scenario { manifests: "manifests".into(), ..Scenario::default() };
        applied
            .apply_flags("--service kiada --entry load-balancer --client-ip 198.51.100.7")
            .unwrap();
        assert_eq!(applied, expected);

        let Ok(Command::Link(args)) =
            parse_words("link a.yaml --service kiada --speed 2.5 --seed 9")
        else {
            panic!("not a link");
        };
        assert_eq!((args.speed, args.seed, args.output), (2.5, 9, None));
        let Ok(Command::Render(args)) = parse_words("render a.yaml --service kiada -o -") else {
            panic!("not a render");
        };
        assert_eq!(args.output, None, "-o - is stdout");
    }

    #[test]
    fn flags_of_another_command_are_named() {
        let error = |words| parse_words(words).unwrap_err().0;
        assert_eq!(
            error("explain a.yaml --service k --theme dark"),
            "--theme is an option of `render`, not `explain`"
        );
        assert_eq!(
            error("render a.yaml --service k --connections 5"),
            "--connections is an option of `explain`, not `render`"
        );
        assert_eq!(
            error("get svc a.yaml --compare"),
            "--compare is an option of `render` or `link`, not `get`"
        );
        assert_eq!(
            error("get svc a.yaml --service k"),
            "--service is an option of `explain`, `render` or `link`, not `get`"
        );
        assert_eq!(error("get svc a.yaml -o fig.svg"), "-o supports only `wide`, not `fig.svg`");
        assert_eq!(
            error("link a.yaml --service k --speed 0"),
            "--speed must be above 0 and at most 100, not `0`"
        );
        assert_eq!(error("render a.yaml"), "--service NAME is required: which Service to render");
        assert_eq!(
            error("mdbook book.json"),
            "mdbook takes no FILE; use `mdbook supports RENDERER`"
        );
        assert_eq!(
            parse_words("mdbook supports html").unwrap(),
            Command::Mdbook { supports: Some("html".into()) }
        );
    }
}
