//! The book's scenarios, as YAML files in `presets/`, included at build time: the page's
//! presets menu and the tests read the very same files.
//!
//! Each file starts with `# title: …` (the menu entry) and `# query: …` (the flags of
//! `svcroute explain` that select what the scenario shows).

use crate::scenario::Scenario;

/// One preset: its file name, title, query flags and full text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    pub file: &'static str,
    pub text: &'static str,
}

macro_rules! presets {
    ($($file:literal),* $(,)?) => {
        &[$(Preset { file: $file, text: include_str!(concat!("../presets/", $file)) }),*]
    };
}

/// Every preset, in menu order (the book's order).
pub const PRESETS: &[Preset] = presets![
    "11.3-nodeport.yaml",
    "11.4-loadbalancer.yaml",
    "fig-11.11-cluster.yaml",
    "fig-11.11-local.yaml",
    "local-node-without-pod.yaml",
    "source-ranges.yaml",
    "internal-traffic-policy-local.yaml",
    "terminating-pod.yaml",
    "named-target-port-partial.yaml",
];

impl Preset {
    fn header(&self, key: &str) -> Option<&'static str> {
        self.text.lines().take_while(|line| line.starts_with('#')).find_map(|line| {
            line.strip_prefix('#').map(str::trim).and_then(|l| l.strip_prefix(key)).map(str::trim)
        })
    }

    /// The menu title (`# title:`), or the file name.
    pub fn title(&self) -> &'static str {
        self.header("title:").unwrap_or(self.file)
    }

    /// The `# query:` flags.
    pub fn query(&self) -> &'static str {
        self.header("query:").unwrap_or("")
    }

    /// The scenario this preset shows.
    pub fn scenario(&self) -> Scenario {
        let mut scenario = Scenario { manifests: self.text.to_string(), ..Scenario::default() };
        // A preset's own flags are checked by the presets test; a bad one leaves defaults.
        let _ = scenario.apply_flags(self.query());
        scenario
    }

    pub fn by_file(file: &str) -> Option<Preset> {
        PRESETS.iter().copied().find(|preset| preset.file == file)
    }
}

/// The page's default scenario: the kind cluster, the three kiada pods and Listing 11.4.
pub fn default_scenario() -> Scenario {
    Preset::by_file("11.4-loadbalancer.yaml").map(|p| p.scenario()).unwrap_or_default()
}
