//! The shares bar chart, drawn with plotters' SVG backend so the page and the exported SVG
//! share it: per pod, the exact share beside the share observed so far in the animation.

use crate::route::Explanation;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Width and height of the chart in pixels for `n_pods` bars.
pub fn size(n_pods: usize) -> (u32, u32) {
    let width = (140 + 70 * n_pods.max(1)).clamp(360, 960) as u32;
    (width, 240)
}

/// The chart as SVG text. `observed` holds counts per path of the explanation (the
/// animation's tally); `None` draws the exact shares alone.
pub fn shares_svg(explanation: &Explanation, observed: Option<&[u64]>, is_dark: bool) -> String {
    let pods = &explanation.pods;
    let (width, height) = size(pods.len());
    let mut observed_per_pod = vec![0u64; pods.len()];
    let mut total = 0u64;
    if let Some(counts) = observed {
        for (path, count) in explanation.paths.iter().zip(counts) {
            total += count;
            let pod = path.target.as_ref().and_then(|t| t.pod.as_ref());
            if let Some(idx) = pod.and_then(|name| pods.iter().position(|p| &p.pod == name)) {
                if let Some(slot) = observed_per_pod.get_mut(idx) {
                    *slot += count;
                }
            }
        }
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        // A card of its own: white, or the dark theme's background for dark exports (the
        // page follows the system, so it keeps the white card that reads in both).
        let palette = if is_dark { DARK } else { LIGHT };
        let _ = root.fill(&palette.background);
        let _ = draw(&root, explanation, &observed_per_pod, total, observed.is_some(), &palette);
        let _ = root.present();
    }
    svg
}

/// The chart's colours.
struct Palette {
    background: RGBColor,
    text: RGBColor,
    grid: RGBColor,
}

const LIGHT: Palette = Palette {
    background: RGBColor(0xff, 0xff, 0xff),
    text: RGBColor(0x1d, 0x1d, 0x1f),
    grid: RGBColor(0xd0, 0xd4, 0xd9),
};

const DARK: Palette = Palette {
    background: RGBColor(0x15, 0x18, 0x1c),
    text: RGBColor(0xe8, 0xea, 0xed),
    grid: RGBColor(0x3a, 0x42, 0x4b),
};

fn draw(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    explanation: &Explanation,
    observed: &[u64],
    total: u64,
    show_observed: bool,
    palette: &Palette,
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    let pods = &explanation.pods;
    let n = pods.len().max(1);
    let max_share = pods.iter().map(|p| p.share.to_f64()).fold(0.0_f64, f64::max).max(0.1);
    let y_max = (max_share * 1.25).min(1.0) * 100.0;
    // Fonts by enum, not by name: plotters lowercases a name with Unicode's case tables.
    let mut chart = ChartBuilder::on(root)
        .caption(
            "Share of new connections per pod (%)",
            (FontFamily::SansSerif, 14).into_font().color(&palette.text),
        )
        .margin(10)
        .x_label_area_size(28)
        .y_label_area_size(40)
        .build_cartesian_2d(0.0..n as f64, 0.0..y_max)?;
    // The y axis by hand, with plotters' elements: a grid line and a label every `step`
    // percent, then the two axes. (Its mesh would bring its key-point search and f64 label
    // formatting into the page, about 2.5 KB gzipped, for a grid of a line per percent.)
    let step =
        [5u32, 10, 20, 25].into_iter().find(|&step| y_max <= f64::from(step * 6)).unwrap_or(25);
    let label_style = (FontFamily::SansSerif, 12)
        .into_font()
        .color(&palette.text)
        .pos(Pos::new(HPos::Right, VPos::Center));
    let mut tick = 0;
    while f64::from(tick) <= y_max {
        let y = f64::from(tick);
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, y), (n as f64, y)],
            palette.grid,
        )))?;
        let (x, y) = chart.backend_coord(&(0.0, y));
        root.draw(&Text::new(format!("{tick}%"), (x - 6, y), label_style.clone()))?;
        tick += step;
    }
    let corner = chart.backend_coord(&(0.0, 0.0));
    let top = chart.backend_coord(&(0.0, y_max));
    let right = chart.backend_coord(&(n as f64, 0.0));
    root.draw(&PathElement::new(vec![top, corner, right], palette.text))?;
    // Okabe–Ito blue for the exact share, orange for what the animation observed.
    let exact_colour = RGBColor(0x00, 0x72, 0xB2);
    let observed_colour = RGBColor(0xE6, 0x9F, 0x00);
    let bar = if show_observed { 0.38 } else { 0.7 };
    chart.draw_series(pods.iter().enumerate().map(|(idx, pod)| {
        let x0 = idx as f64 + 0.5 - if show_observed { bar } else { bar / 2.0 };
        Rectangle::new([(x0, 0.0), (x0 + bar, pod.share.to_f64() * 100.0)], exact_colour.filled())
    }))?;
    if show_observed && total > 0 {
        chart.draw_series(observed.iter().enumerate().map(|(idx, count)| {
            let x0 = idx as f64 + 0.5;
            Rectangle::new(
                [(x0, 0.0), (x0 + bar, *count as f64 / total as f64 * 100.0)],
                observed_colour.filled(),
            )
        }))?;
    }
    for (idx, pod) in pods.iter().enumerate() {
        chart.draw_series(std::iter::once(Text::new(
            format!("{} {}", crate::layout::fit(&pod.pod, 10), pod.share),
            (idx as f64 + 0.08, -y_max * 0.06),
            (FontFamily::SansSerif, 11).into_font().color(&palette.text),
        )))?;
    }
    Ok(())
}
