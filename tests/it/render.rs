//! Static pictures and links: `svcroute render` writes exactly the SVG the page's "Download
//! SVG" saves, `svcroute link` exactly the page's fragment; every picture is well-formed,
//! self-contained XML that Chromium draws; docs/embedding.md's examples work as written.
//!
//! The page's download button calls `export::render(&scenario::evaluate(&scenario),
//! Theme::Auto)` on the scenario it holds, and a preset's scenario is `Preset::scenario()`;
//! so comparing the binary's output with that call compares the CLI with the page.

// Helpers outside #[test] fns: a failed unwrap there is a failed test too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use svcroute::export;
use svcroute::permalink;
use svcroute::presets::{Preset, PRESETS};
use svcroute::scenario;
use svcroute::svg::Theme;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `svcroute` in the repository root with `stdin`: (stdout, stderr, exit status).
fn run(args: &[&str], stdin: &str) -> (String, String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_svcroute"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("svcroute starts");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
        output.status.code().unwrap_or(-1),
    )
}

/// `svcroute COMMAND presets/FILE <the preset's # query: flags> EXTRA…`.
fn run_preset(command: &str, preset: &Preset, extra: &[&str]) -> (String, String, i32) {
    let file = format!("presets/{}", preset.file);
    let mut args = vec![command, file.as_str(), "-q"];
    args.extend(preset.query().split_whitespace());
    args.extend(extra);
    run(&args, "")
}

/// A fresh, empty folder for this test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("svcroute-render-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What makes an SVG safe to embed and print: it parses as XML, its root is an `<svg>`,
/// and it holds no script, no event handler and no reference to another host.
fn check_standalone(name: &str, svg: &str) {
    let document = roxmltree::Document::parse(svg)
        .unwrap_or_else(|error| panic!("{name}: not well-formed XML: {error}"));
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "svg", "{name}");
    assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2000/svg"), "{name}");
    for node in document.descendants().filter(|node| node.is_element()) {
        let tag = node.tag_name().name();
        assert!(!["script", "foreignObject", "iframe"].contains(&tag), "{name}: a <{tag}>");
        for attribute in node.attributes() {
            assert!(!attribute.name().starts_with("on"), "{name}: an {} handler", attribute.name());
            if attribute.name() == "href" {
                assert!(attribute.value().starts_with('#'), "{name}: href={}", attribute.value());
            }
        }
    }
    let lower = svg.to_ascii_lowercase();
    for needle in ["<script", "@import", "url(http", "url(//", "href=\"http", "href='http"] {
        assert!(!lower.contains(needle), "{name}: contains {needle}");
    }
}

#[test]
fn render_of_every_preset_equals_the_pages_download() {
    assert!(PRESETS.len() >= 8);
    for preset in PRESETS {
        let (stdout, stderr, status) = run_preset("render", preset, &[]);
        assert_eq!(status, 0, "{}: {stderr}", preset.file);
        let page = export::render(&scenario::evaluate(&preset.scenario()), Theme::Auto)
            .unwrap_or_else(|| panic!("{}: the page has no picture", preset.file));
        assert!(stdout == page, "{}: the CLI's SVG differs from the page's download", preset.file);
        check_standalone(preset.file, &stdout);
    }
}

#[test]
fn compare_and_themes_are_the_pages_too_and_standalone() {
    for preset in PRESETS {
        for (theme, flag) in [(Theme::Light, "light"), (Theme::Dark, "dark")] {
            let mut scenario = preset.scenario();
            scenario.compare = true;
            let page = export::render(&scenario::evaluate(&scenario), theme).unwrap();
            let (stdout, stderr, status) =
                run_preset("render", preset, &["--compare", "--theme", flag]);
            assert_eq!(status, 0, "{}: {stderr}", preset.file);
            assert!(stdout == page, "{} --compare --theme {flag}: differs", preset.file);
            check_standalone(&format!("{} --compare --theme {flag}", preset.file), &stdout);
        }
    }
}

#[test]
fn two_renders_are_byte_identical_and_o_writes_the_same_bytes() {
    let preset = Preset::by_file("fig-11.11-local.yaml").unwrap();
    let (first, _, _) = run_preset("render", &preset, &["--compare"]);
    let (second, _, _) = run_preset("render", &preset, &["--compare"]);
    assert!(!first.is_empty());
    assert!(first == second, "two runs differ");
    let out = scratch("o").join("fig.svg");
    let (stdout, stderr, status) =
        run_preset("render", &preset, &["--compare", "-o", out.to_str().unwrap()]);
    assert_eq!((stdout.as_str(), status), ("", 0), "{stderr}");
    assert!(std::fs::read_to_string(&out).unwrap() == first, "-o wrote other bytes");
}

#[test]
fn render_reports_errors_as_explain_does() {
    let (stdout, stderr, status) =
        run(&["render", "presets/11.4-loadbalancer.yaml", "--service", "nope", "-q"], "");
    assert_eq!(status, 1);
    assert!(stdout.is_empty());
    assert_eq!(
        stderr,
        "svcroute: error: no service `nope` in namespace `default` (services here: kiada)\n"
    );
    let (_, stderr, status) = run(
        &["render", "presets/11.4-loadbalancer.yaml", "--service", "kiada", "--theme", "pink"],
        "",
    );
    assert_eq!(status, 2);
    assert!(stderr.starts_with("svcroute: error: --theme must be auto, light or dark, not `pink`"));
    let (_, stderr, status) = run(
        &["render", "presets/11.4-loadbalancer.yaml", "--service", "kiada", "--format", "json"],
        "",
    );
    assert_eq!(status, 2);
    assert!(stderr.starts_with("svcroute: error: --format is an option of `explain`, not `render`"));
    let bad = "apiVersion: v1\nkind: Service\nmetadata:\n  name: kiada\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 40000\n";
    let (stdout, stderr, status) = run(&["render", "-", "--service", "kiada", "-q"], bad);
    assert_eq!(status, 1);
    assert!(stdout.is_empty());
    assert!(stderr.starts_with("<stdin>:9:15: error: "), "{stderr}");
}

#[test]
fn link_of_every_preset_is_the_pages_fragment() {
    for preset in PRESETS {
        let (stdout, stderr, status) = run_preset("link", preset, &[]);
        assert_eq!(status, 0, "{}: {stderr}", preset.file);
        let fragment = stdout.trim_end();
        assert_eq!(fragment, permalink::to_fragment(&preset.scenario()), "{}", preset.file);
        assert_eq!(permalink::from_fragment(fragment), Ok(preset.scenario()), "{}", preset.file);
    }
    let preset = Preset::by_file("11.4-loadbalancer.yaml").unwrap();
    let (stdout, _, _) = run_preset(
        "link",
        &preset,
        &["--compare", "--seed", "7", "--speed", "2", "--no-load-balancer", "--entry", "node-port"],
    );
    let scenario = permalink::from_fragment(stdout.trim_end()).unwrap();
    assert!(scenario.compare && !scenario.has_load_balancer_support);
    assert_eq!((scenario.seed, scenario.speed), (7, 2.0));
}

/// What `file` knows of a PNG: its width and height, from the IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

/// Chromium opens an exported SVG and draws it: the screenshot is far larger than the
/// screenshot of an empty page of the same size (a blank PNG compresses to almost nothing).
#[test]
fn chromium_draws_an_exported_svg() {
    let chromium = Path::new("/usr/bin/chromium");
    assert!(
        chromium.exists(),
        "/usr/bin/chromium is missing: run `scripts/tools.sh browser` (make test does) to install it"
    );
    let dir = scratch("chromium");
    let preset = Preset::by_file("fig-11.11-local.yaml").unwrap();
    let svg = export::render(&scenario::evaluate(&preset.scenario()), Theme::Light).unwrap();
    std::fs::write(dir.join("fig.svg"), &svg).unwrap();
    std::fs::write(dir.join("blank.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    let screenshot = |name: &str| -> Vec<u8> {
        let png = dir.join(format!("{name}.png"));
        let output = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", dir.join(format!("profile-{name}")).display()))
            .arg(format!("--screenshot={}", png.display()))
            .arg("--window-size=1200,900")
            .arg(format!("file://{}", dir.join(format!("{name}.svg")).display()))
            .output()
            .expect("chromium runs");
        std::fs::read(&png).unwrap_or_else(|_| {
            panic!(
                "chromium wrote no screenshot of {name}.svg: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
    };
    let picture = screenshot("fig");
    let blank = screenshot("blank");
    assert_eq!(png_size(&picture), (1200, 900));
    assert!(
        picture.len() > 10 * blank.len() && picture.len() > 20_000,
        "the screenshot looks blank: {} bytes (an empty page: {} bytes)",
        picture.len(),
        blank.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
