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
    run_in(root(), args, stdin)
}

/// Runs `svcroute` in `dir` with `stdin`: (stdout, stderr, exit status).
fn run_in(dir: &Path, args: &[&str], stdin: &str) -> (String, String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_svcroute"))
        .args(args)
        .current_dir(dir)
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
        // `timeout` ends a chromium that hangs, so the test fails instead of stalling CI.
        let output = Command::new("timeout")
            .arg("120")
            .arg(chromium)
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

/// The contents of every fenced block of `markdown` opened by `fence` (e.g. "```sh").
fn blocks<'a>(markdown: &'a str, fence: &str) -> Vec<&'a str> {
    let close = &fence[..3];
    markdown
        .split(&format!("{fence}\n"))
        .skip(1)
        .map(|rest| rest.split(&format!("\n{close}\n")).next().unwrap())
        .collect()
}

/// Everything between `start` and the next `end` in `text`, for every `start`.
fn between<'a>(text: &'a str, start: &str, end: char) -> Vec<&'a str> {
    text.split(start).skip(1).map(|rest| rest.split(end).next().unwrap()).collect()
}

/// docs/embedding.md as a teacher follows it: its commands run, its iframe carries the
/// fragment its `svcroute link` prints, its images are the files its `svcroute render`
/// writes, and its mdBook chapter becomes the rendered SVG.
#[test]
fn the_embedding_guide_works_as_written() {
    let doc = std::fs::read_to_string(root().join("docs/embedding.md")).unwrap();
    let dir = scratch("docs");
    std::fs::create_dir(dir.join("presets")).unwrap();
    for preset in PRESETS {
        std::fs::write(dir.join("presets").join(preset.file), preset.text).unwrap();
    }

    let commands: Vec<&str> = blocks(&doc, "```sh")
        .into_iter()
        .flat_map(str::lines)
        .filter(|line| line.starts_with("svcroute "))
        .collect();
    assert!(commands.iter().any(|c| c.starts_with("svcroute link ")), "the guide shows link");
    assert!(commands.iter().any(|c| c.starts_with("svcroute render ")), "the guide shows render");
    let mut printed_fragments = Vec::new();
    for command in &commands {
        let words: Vec<&str> = command.split_whitespace().skip(1).collect();
        let (stdout, stderr, status) = run_in(&dir, &words, "");
        assert_eq!(status, 0, "{command}\n{stderr}");
        if words[0] == "link" {
            printed_fragments.push(stdout.trim_end().to_string());
        }
    }

    let iframes = between(&doc, "<iframe src=\"", '"');
    assert!(!iframes.is_empty(), "the guide shows an iframe");
    for src in iframes {
        let (page, fragment) = src.split_once('#').expect("the iframe's src has a fragment");
        assert!(page.starts_with("https://YOUR-HOST/svcroute/?embed"), "{page}");
        let scenario = permalink::from_fragment(fragment)
            .unwrap_or_else(|error| panic!("the guide's iframe: {error}"));
        assert!(
            printed_fragments.iter().any(|printed| printed == fragment),
            "the guide's iframe fragment is not what its `svcroute link` prints today"
        );
        assert_eq!(page.contains("compare"), scenario.compare, "{page}");
    }

    let mut pictures: Vec<&str> = between(&doc, "](", ')');
    pictures.extend(between(&doc, "<img src=\"", '"'));
    assert!(pictures.len() >= 2, "the guide shows a Markdown image and an <img>");
    for picture in pictures {
        let svg = std::fs::read_to_string(dir.join(picture)).unwrap_or_else(|_| {
            panic!("the guide shows {picture}, which its commands do not write")
        });
        check_standalone(picture, &svg);
    }

    let toml = blocks(&doc, "```toml").concat();
    assert!(toml.contains("[preprocessor.svcroute]\ncommand = \"svcroute mdbook\""), "{toml}");
    let chapters = blocks(&doc, "~~~markdown");
    assert_eq!(chapters.len(), 1, "the guide shows one mdBook chapter");
    let chapter = format!("# Services\n\n{}\n\nAfter the picture.\n", chapters[0]);
    let book = mdbook_preprocess(&chapter).unwrap_or_else(|stderr| panic!("{stderr}"));
    let body =
        chapters[0].strip_prefix("```svcroute\n").and_then(|b| b.strip_suffix("\n```")).unwrap();
    let flags = body.lines().next().unwrap().strip_prefix("# query:").unwrap();
    let mut args = vec!["render", "-", "-q"];
    args.extend(flags.split_whitespace());
    let (svg, stderr, status) = run(&args, &format!("{body}\n"));
    assert_eq!(status, 0, "{stderr}");
    let inline: String =
        svg.lines().filter(|l| !l.trim().is_empty()).map(|l| format!("{l}\n")).collect();
    assert_eq!(
        book,
        format!(
            "# Services\n\n<div class=\"svcroute-figure\">\n{inline}</div>\n\nAfter the picture.\n"
        )
    );
    // mdBook turns the chapter into HTML with pulldown-cmark and these options
    // (mdbook::utils::new_cmark_parser); the SVG must come out exactly as it went in.
    let options = pulldown_cmark::Options::ENABLE_TABLES
        | pulldown_cmark::Options::ENABLE_FOOTNOTES
        | pulldown_cmark::Options::ENABLE_STRIKETHROUGH
        | pulldown_cmark::Options::ENABLE_TASKLISTS
        | pulldown_cmark::Options::ENABLE_HEADING_ATTRIBUTES
        | pulldown_cmark::Options::ENABLE_SMART_PUNCTUATION;
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(&book, options));
    assert!(html.contains(&inline), "mdBook's Markdown changes the inline SVG");
    check_standalone("the mdBook chapter's SVG", &inline);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `svcroute mdbook` on a one-chapter book (nested as mdBook 0.4 sends it, under a
/// part title) and returns the chapter's new content, or stderr when it fails.
fn mdbook_preprocess(content: &str) -> Result<String, String> {
    let chapter = |name: &str, content: &str, sub_items: serde_json::Value| {
        serde_json::json!({"Chapter": {
            "name": name, "content": content, "number": [1], "sub_items": sub_items,
            "path": "services.md", "source_path": "services.md", "parent_names": []
        }})
    };
    let inner = chapter("Services", content, serde_json::json!([]));
    let outer = chapter("Part", "No svcroute here.\n", serde_json::json!([inner]));
    let input = serde_json::json!([
        {"root": "/book", "config": {"book": {"title": "Kubernetes in Action"}}, "renderer": "html", "mdbook_version": "0.4.40"},
        {"sections": [{"PartTitle": "Networking"}, outer, "Separator"], "__non_exhaustive": null}
    ]);
    let (stdout, stderr, status) = run(&["mdbook"], &input.to_string());
    if status != 0 {
        return Err(stderr);
    }
    let book: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let outer = &book["sections"][1]["Chapter"];
    assert_eq!(outer["content"], "No svcroute here.\n", "other chapters are left alone");
    assert_eq!(book["sections"][0]["PartTitle"], "Networking");
    Ok(outer["sub_items"][0]["Chapter"]["content"].as_str().unwrap().to_string())
}

#[test]
fn mdbook_supports_html_only_and_stops_the_build_on_a_bad_block() {
    assert_eq!(run(&["mdbook", "supports", "html"], "").2, 0);
    assert_eq!(run(&["mdbook", "supports", "latex"], "").2, 1);
    let missing = "```svcroute\n# query: --service nope\napiVersion: v1\nkind: Service\nmetadata: {name: kiada}\nspec: {ports: [{port: 80}]}\n```\n";
    let stderr = mdbook_preprocess(missing).unwrap_err();
    assert!(stderr.contains("chapter `Services`: svcroute block 1: no service `nope`"), "{stderr}");
    let unclosed = "```svcroute\napiVersion: v1\n";
    let stderr = mdbook_preprocess(unclosed).unwrap_err();
    assert!(stderr.contains("svcroute block 1 has no closing ```"), "{stderr}");
    let untouched = "```yaml\napiVersion: v1\n```\n";
    assert_eq!(mdbook_preprocess(untouched).unwrap(), untouched);
}
