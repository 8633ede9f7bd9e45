//! The only SVG writer: a [`Scene`] becomes standalone SVG text.
//!
//! The page shows this very text as its diagram and downloads it; the CLI's `render` writes
//! it to a file. Styles are inline and there is no script, so the file opens anywhere, and the
//! same scene always gives the same bytes (coordinates are printed with one decimal).

use crate::layout::{BoxKind, BoxState, Point, Scene};
use std::fmt::Write;

/// Colours: the page follows the system (`Auto`); exports pick one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "auto" => Some(Theme::Auto),
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }
}

/// Escapes text for SVG element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

// Okabe–Ito colours: told apart by people with any common colour-vision deficiency.
const LIGHT: &str = "--bg:#ffffff;--fg:#1d1d1f;--muted:#5f6368;--node:#f4f6f8;--node-stroke:#8a9199;\
--pod:#ffffff;--pod-stroke:#0072B2;--lb:#fff7e6;--lb-stroke:#E69F00;--client:#eef6fb;--client-stroke:#56B4E9;\
--wire:#0072B2;--snat:#D55E00;--stop:#D55E00;--port:#009E73;";
const DARK: &str = "--bg:#15181c;--fg:#e8eaed;--muted:#a9b0b8;--node:#1f252c;--node-stroke:#6b747e;\
--pod:#15181c;--pod-stroke:#56B4E9;--lb:#2b2414;--lb-stroke:#E69F00;--client:#142630;--client-stroke:#56B4E9;\
--wire:#56B4E9;--snat:#E69F00;--stop:#ff8a65;--port:#3fd0a4;";

fn style(theme: Theme) -> String {
    let vars = match theme {
        Theme::Light | Theme::Auto => LIGHT,
        Theme::Dark => DARK,
    };
    let mut css = format!(".svcroute{{{vars}}}");
    if theme == Theme::Auto {
        css.push_str(&format!("@media (prefers-color-scheme: dark){{.svcroute{{{DARK}}}}}"));
    }
    css.push_str(
        ".svcroute{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;font-size:12px}\
.svcroute .bg{fill:var(--bg)}\
.svcroute text{fill:var(--fg)}\
.svcroute .heading{font-size:15px;font-weight:600}\
.svcroute .muted{fill:var(--muted)}\
.svcroute .title{font-weight:600}\
.svcroute .box-node rect{fill:var(--node);stroke:var(--node-stroke);stroke-width:1.5}\
.svcroute .box-pod rect,.svcroute .box-more rect{fill:var(--pod);stroke:var(--pod-stroke);stroke-width:1.5}\
.svcroute .box-lb rect{fill:var(--lb);stroke:var(--lb-stroke);stroke-width:1.5}\
.svcroute .box-client rect{fill:var(--client);stroke:var(--client-stroke);stroke-width:1.5}\
.svcroute .state-notready rect,.svcroute .state-terminating rect{stroke-dasharray:5 3}\
.svcroute .state-outofpool rect{stroke-dasharray:2 3;opacity:.75}\
.svcroute .state-isclient rect{stroke-width:3}\
.svcroute .wire{fill:none;stroke:var(--wire);stroke-linecap:round;stroke-linejoin:round;opacity:.8}\
.svcroute .wire.blocked{stroke:var(--stop);stroke-dasharray:6 4}\
.svcroute .stop path{stroke:var(--stop);stroke-width:3;fill:none}\
.svcroute .alert{fill:var(--stop);font-weight:600}\
.svcroute .port rect{fill:var(--port)}\
.svcroute .port text{fill:var(--port);font-weight:600}",
    );
    css
}

fn points(pts: &[Point], dx: f64) -> String {
    let mut out = String::new();
    for (idx, p) in pts.iter().enumerate() {
        if idx > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{:.1},{:.1}", shift(p.x, dx), p.y);
    }
    out
}

/// `x` moved right by `dx`; unmoved (not even `+ 0.0`, which turns -0 into 0) when `dx` is 0.
fn shift(x: f64, dx: f64) -> f64 {
    if dx == 0.0 {
        x
    } else {
        x + dx
    }
}

/// A scene as part of a picture: moved `dx` pixels right, its paths numbered after
/// `first_path` others. Compare mode draws its two scenes where they stand instead of
/// copying both into one scene (a deep copy of every shape, which cost the page 1 KB).
#[derive(Clone, Copy)]
pub struct Placed<'a> {
    pub scene: &'a Scene,
    pub dx: f64,
    pub first_path: usize,
}

/// What to put around the diagram.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub theme: Theme,
    /// A short accessible title (`<title>`), e.g. "default/kiada via load-balancer".
    pub title: String,
    /// Lines under the diagram (service, entry, policy, shares), for exports.
    pub caption: Vec<String>,
    /// A further SVG drawn under the diagram and caption (the shares chart), with its size.
    pub appendix: Option<(String, f64, f64)>,
}

/// Writes `scene` as a standalone SVG document.
pub fn write(scene: &Scene, options: &Options) -> String {
    write_placed(&[Placed { scene, dx: 0.0, first_path: 0 }], scene.width, scene.height, options)
}

/// Writes `parts` as one standalone SVG document of the diagram size `scene_width` by
/// `scene_height`: each kind of shape for every part in turn, labels first, as [`write`]
/// paints one scene.
pub fn write_placed(
    parts: &[Placed<'_>],
    scene_width: f64,
    scene_height: f64,
    options: &Options,
) -> String {
    let caption_h =
        if options.caption.is_empty() { 0.0 } else { 12.0 + 18.0 * options.caption.len() as f64 };
    let (appendix_w, appendix_h) =
        options.appendix.as_ref().map_or((0.0, 0.0), |(_, w, h)| (*w, *h));
    let width = scene_width.max(appendix_w + 40.0);
    let height = scene_height + caption_h + appendix_h;
    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"svcroute\" viewBox=\"0 0 {width:.1} {height:.1}\" \
width=\"{width:.1}\" height=\"{height:.1}\" role=\"img\" aria-label=\"{}\">",
        escape(&options.title)
    );
    // No element ids: several pictures may share one HTML page (compare mode, an mdBook
    // chapter), and ids must be unique there. The root's aria-label names the picture.
    let _ = write!(out, "<title>{}</title>", escape(&options.title));
    let _ = write!(out, "<style>{}</style>", style(options.theme));
    let _ = write!(
        out,
        "<rect class=\"bg\" x=\"0\" y=\"0\" width=\"{width:.1}\" height=\"{height:.1}\"/>"
    );
    for &Placed { scene, dx, .. } in parts {
        for label in &scene.labels {
            let class = if label.is_heading { "heading" } else { "muted" };
            text(&mut out, class, shift(label.at.x, dx), label.at.y, &label.text);
        }
    }
    for &Placed { scene, dx, .. } in parts {
        for shape in &scene.boxes {
            let kind = match shape.kind {
                BoxKind::Client => "client",
                BoxKind::LoadBalancer => "lb",
                BoxKind::Node => "node",
                BoxKind::Pod => "pod",
                BoxKind::MorePods => "more",
            };
            let state = match shape.state {
                BoxState::Normal => "normal",
                BoxState::NotReady => "notready",
                BoxState::Terminating => "terminating",
                BoxState::OutOfPool => "outofpool",
                BoxState::IsClient => "isclient",
            };
            let mut r = shape.rect;
            r.x = shift(r.x, dx);
            let _ = write!(
                out,
                "<g class=\"box box-{kind} state-{state}\" data-id=\"{}\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"6\"/>",
                escape(&shape.id),
                r.x,
                r.y,
                r.w,
                r.h
            );
            text(&mut out, "title", r.x + 10.0, r.y + 18.0, &shape.title);
            for (idx, line) in shape.lines.iter().enumerate() {
                text(&mut out, "muted", r.x + 10.0, r.y + 34.0 + 14.0 * idx as f64, line);
            }
            if let Some(alert) = &shape.alert {
                let y = r.y + 34.0 + 14.0 * shape.lines.len() as f64;
                text(&mut out, "alert", r.x + 10.0, y, alert);
            }
            out.push_str("</g>");
        }
    }
    for &Placed { scene, dx, first_path } in parts {
        for wire in &scene.wires {
            let class = if wire.is_delivered { "wire" } else { "wire blocked" };
            let path_idx = wire.path_idx + first_path;
            let _ = write!(
                out,
                "<g class=\"path\" data-path=\"{}\"><title>path {} · share {}</title>",
                path_idx,
                path_idx + 1,
                escape(&wire.share_label)
            );
            for hop in &wire.hops {
                let _ = write!(
                    out,
                    "<polyline class=\"{class}\" stroke-width=\"{:.1}\" points=\"{}\"/>",
                    wire.width,
                    points(hop, dx)
                );
            }
            out.push_str("</g>");
        }
    }
    for &Placed { scene, dx, .. } in parts {
        for port in &scene.ports {
            let x = shift(port.at.x, dx);
            let _ = write!(
                out,
                "<g class=\"port\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"12\" rx=\"2\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text></g>",
                x - 4.0,
                port.at.y - 6.0,
                shift(port.label_at.x, dx),
                port.label_at.y,
                escape(&port.label)
            );
        }
    }
    for &Placed { scene, dx, first_path } in parts {
        for stop in &scene.stops {
            let (x, y) = (shift(stop.at.x, dx) - 16.0, stop.at.y + 2.0);
            let _ = write!(
                out,
                "<g class=\"stop\" data-path=\"{}\"><title>{}: {}</title><path d=\"M{:.1} {:.1}l10 10m0 -10l-10 10\"/></g>",
                stop.path_idx + first_path,
                escape(&stop.outcome),
                escape(&stop.reason),
                x - 5.0,
                y - 5.0,
            );
        }
    }
    let mut y = scene_height;
    for line in &options.caption {
        y += 18.0;
        let _ = write!(out, "<text x=\"20\" y=\"{y:.1}\">{}</text>", escape(line));
    }
    if let Some((appendix, _, _)) = &options.appendix {
        let _ = write!(
            out,
            "<g transform=\"translate(20 {:.1})\">{}</g>",
            scene_height + caption_h,
            strip_xml_declaration(appendix)
        );
    }
    out.push_str("</svg>\n");
    out
}

/// One `<text>` of a class at (x, y): a call rather than a `write!` inlined at each of the
/// four places `write` puts one.
fn text(out: &mut String, class: &str, x: f64, y: f64, content: &str) {
    let _ =
        write!(out, "<text class=\"{class}\" x=\"{x:.1}\" y=\"{y:.1}\">{}</text>", escape(content));
}

fn strip_xml_declaration(svg: &str) -> &str {
    match svg.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(svg, |(_, after)| after.trim_start()),
        None => svg,
    }
}
