//! No input makes the pipeline panic (in the browser a panic kills the page): every preset,
//! damaged in thousands of seeded ways, goes through parse, build, explain for every entry
//! and client kind, layout, SVG export and the permalink, and must come back as values.

use svcroute::presets::PRESETS;
use svcroute::route::EntryKind;
use svcroute::scenario::{evaluate, ClientChoice, Scenario};

/// SplitMix64: a fixed seed gives the same damage every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One random edit of the kind a person makes while typing, or a hostile one.
fn damage(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        return String::new();
    }
    let at = rng.below(lines.len());
    const SPECIALS: [&str; 16] =
        ["-", ":", "{", "}", "[", "]", "\"", "'", "&a", "*a", "!!", "0", "-1", "70000", "\t", "é"];
    match rng.below(7) {
        0 => {
            lines.remove(at);
        }
        1 => {
            let line = lines[at].clone();
            lines.insert(at, line);
        }
        2 => {
            let line = &mut lines[at];
            let chars: Vec<char> = line.chars().collect();
            let cut = rng.below(chars.len() + 1);
            *line = chars[..cut].iter().collect();
        }
        3 => {
            let line = &mut lines[at];
            let chars: Vec<char> = line.chars().collect();
            let pos = rng.below(chars.len() + 1);
            let special = SPECIALS[rng.below(SPECIALS.len())];
            *line = format!(
                "{}{special}{}",
                chars[..pos].iter().collect::<String>(),
                chars[pos..].iter().collect::<String>()
            );
        }
        4 => {
            // Swap a value for another field's value: numbers where names go and back.
            let line = &mut lines[at];
            if let Some((key, _)) = line.split_once(": ") {
                *line = format!("{key}: {}", SPECIALS[rng.below(SPECIALS.len())]);
            }
        }
        5 => lines.truncate(at),
        _ => {
            let other = rng.below(lines.len());
            lines.swap(at, other);
        }
    }
    lines.join("\n")
}

#[test]
fn damaged_presets_never_make_the_pipeline_panic() {
    let mut rng = Rng(20261125);
    let mut evaluations = 0;
    for preset in PRESETS {
        let base = preset.scenario();
        let mut text = preset.text.to_string();
        for round in 0..120 {
            // Half the rounds damage the preset afresh, half keep damaging the last text.
            if round % 2 == 0 {
                text = preset.text.to_string();
            }
            text = damage(&text, &mut rng);
            let entries = [
                None,
                Some(EntryKind::LoadBalancer),
                Some(EntryKind::NodePort),
                Some(EntryKind::ClusterIp),
                Some(EntryKind::ExternalIp),
            ];
            let entry = entries[rng.below(entries.len())];
            let clients = [
                ClientChoice::External,
                ClientChoice::Pod("kiada-001".to_string()),
                ClientChoice::Node("kind-worker".to_string()),
            ];
            let scenario = Scenario {
                manifests: text.clone(),
                entry,
                client: clients[rng.below(clients.len())].clone(),
                compare: rng.below(2) == 0,
                ..base.clone()
            };
            let evaluation = evaluate(&scenario);
            let _ = svcroute::export::render(&evaluation, svcroute::svg::Theme::Auto);
            let fragment = svcroute::permalink::to_fragment(&scenario);
            assert_eq!(
                svcroute::permalink::from_fragment(&fragment).ok().as_ref(),
                Some(&scenario)
            );
            evaluations += 1;
        }
    }
    assert_eq!(evaluations, PRESETS.len() * 120);
}
