//! The static picture of a scenario: the diagram (both policies side by side in compare
//! mode), the shares chart and a caption, as one standalone SVG. The page's "Download SVG"
//! and the CLI's `svcroute render` both call [`render`], so their files are byte-identical.

use crate::chart;
use crate::model::net::{Ip, Socket};
use crate::route::Explanation;
use crate::scenario::{Evaluation, View};
use crate::svg::{self, Placed, Theme};

/// The gap between the two scenes of compare mode, in pixels.
const COMPARE_GAP: f64 = 30.0;

/// The diagram's scenes as placed in the picture, and the diagram's width and height: `view`
/// alone, or with `other` to its right (compare mode) and `other`'s paths numbered after
/// `view`'s. Each scene carries its own title naming its policy.
fn placed<'a>(view: &'a View, other: Option<&'a View>) -> (Vec<Placed<'a>>, f64, f64) {
    let left = Placed { scene: &view.scene, dx: 0.0, first_path: 0 };
    match other {
        None => (vec![left], view.scene.width, view.scene.height),
        Some(other) => {
            let offset = view.scene.width + COMPARE_GAP;
            let first_path = view.explanation.paths.len();
            let right = Placed { scene: &other.scene, dx: offset, first_path };
            let height = view.scene.height.max(other.scene.height);
            (vec![left, right], offset + other.scene.width, height)
        }
    }
}

/// The caption under an exported diagram: service, entry, client, policy, outcome and shares.
pub fn caption(explanation: &Explanation) -> Vec<String> {
    let policy = &explanation.policy;
    let shares = if explanation.pods.is_empty() {
        format!("no pod receives these connections ({})", explanation.outcome.as_str())
    } else {
        let mut pods = Vec::new();
        for pod in &explanation.pods {
            pods.push(format!("{} {} ({})", pod.pod, pod.share, pod.share.percent()));
        }
        pods.join(", ")
    };
    vec![
        format!(
            "{}/{} port {} via {} {} from {} · externalTrafficPolicy {} · internalTrafficPolicy {}",
            explanation.namespace,
            explanation.service,
            if explanation.port.name.is_empty() {
                explanation.port.port.to_string()
            } else {
                explanation.port.name.clone()
            },
            explanation.entry.kind,
            Socket(explanation.entry.address),
            Ip(explanation.client.ip),
            policy.external_traffic_policy,
            policy.internal_traffic_policy
        ),
        format!("{}: {}", explanation.outcome.as_str(), explanation.reason),
        format!("shares of new connections: {shares}"),
    ]
}

/// The standalone SVG of an evaluation, or `None` when it has no picture.
pub fn render(evaluation: &Evaluation, theme: Theme) -> Option<String> {
    let view = evaluation.view.as_ref().ok()?;
    let explanation = &view.explanation;
    let (parts, scene_width, scene_height) = placed(view, evaluation.other.as_ref());
    let (mut caption_lines, title) = match &evaluation.other {
        Some(other) => {
            let mut lines = caption(explanation);
            lines.extend(caption(&other.explanation));
            let title = format!(
                "{}/{}: externalTrafficPolicy {} and {} compared",
                explanation.namespace,
                explanation.service,
                explanation.policy.external_traffic_policy,
                other.explanation.policy.external_traffic_policy
            );
            (lines, title)
        }
        None => {
            let title = format!(
                "{}/{} via {}",
                explanation.namespace, explanation.service, explanation.entry.kind
            );
            (caption(explanation), title)
        }
    };
    let (width, height) = chart::size(explanation.pods.len());
    // Wrap the caption to the picture's width (at the backends' average glyph width).
    let max_chars = ((scene_width.max(f64::from(width) + 40.0) - 40.0) / 6.8) as usize;
    let mut wrapped = vec![String::new()];
    for line in &caption_lines {
        wrapped.extend(wrap(line, max_chars.max(40)));
    }
    caption_lines = wrapped;
    let chart = chart::shares_svg(explanation, None, theme == Theme::Dark);
    let options = svg::Options {
        theme,
        title,
        caption: caption_lines,
        appendix: Some((chart, f64::from(width), f64::from(height))),
    };
    Some(svg::write_placed(&parts, scene_width, scene_height, &options))
}

/// Splits `text` at spaces into lines of at most `max_chars` characters (a longer word
/// stands alone).
pub fn wrap(text: &str, max_chars: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > max_chars {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Point, Scene};
    use crate::presets::PRESETS;

    /// The compare picture as it was made before [`placed`]: both scenes copied into one.
    fn side_by_side(a: &View, b: &View) -> Scene {
        let mut scene = a.scene.as_ref().clone();
        let offset = a.scene.width + COMPARE_GAP;
        let mut right = b.scene.as_ref().clone();
        translate(&mut right, offset);
        scene.boxes.extend(right.boxes);
        scene.ports.extend(right.ports);
        // Wires keep their path index; the second view's paths are numbered after the first's.
        let first_paths = a.explanation.paths.len();
        for mut wire in right.wires {
            wire.path_idx += first_paths;
            scene.wires.push(wire);
        }
        for mut stop in right.stops {
            stop.path_idx += first_paths;
            scene.stops.push(stop);
        }
        scene.labels.extend(right.labels);
        scene.width = offset + b.scene.width;
        scene.height = a.scene.height.max(b.scene.height);
        scene
    }

    fn translate(scene: &mut Scene, dx: f64) {
        let shift = |p: &mut Point| p.x += dx;
        for b in &mut scene.boxes {
            b.rect.x += dx;
        }
        for port in &mut scene.ports {
            shift(&mut port.at);
            shift(&mut port.label_at);
        }
        for wire in &mut scene.wires {
            wire.hops.iter_mut().flatten().for_each(shift);
        }
        for stop in &mut scene.stops {
            shift(&mut stop.at);
        }
        for label in &mut scene.labels {
            shift(&mut label.at);
        }
    }

    /// [`placed`] and `svg::write_placed` must write every preset's picture, alone and in
    /// compare mode, byte for byte as the scenes copied into one by [`side_by_side`] and
    /// written by `svg::write` did (the caption and appendix move with the height).
    #[test]
    fn placed_scenes_are_written_as_the_scene_they_were_copied_into() {
        let options = svg::Options {
            title: "t".to_string(),
            caption: vec!["a caption".to_string()],
            appendix: Some(("<svg></svg>".to_string(), 300.0, 200.0)),
            ..svg::Options::default()
        };
        let mut compared = 0;
        for preset in PRESETS {
            let mut scenario = preset.scenario();
            scenario.compare = true;
            let evaluation = crate::scenario::evaluate(&scenario);
            let Ok(view) = &evaluation.view else { continue };
            let (parts, width, height) = placed(view, None);
            let alone = svg::write_placed(&parts, width, height, &options);
            assert!(alone == svg::write(&view.scene, &options), "{}", preset.file);
            let Some(other) = &evaluation.other else { continue };
            let (parts, width, height) = placed(view, Some(other));
            let both = svg::write_placed(&parts, width, height, &options);
            assert!(both == svg::write(&side_by_side(view, other), &options), "{}", preset.file);
            compared += 1;
        }
        assert!(compared > 5, "only {compared} presets compared");
    }
}
