//! Golden tests: run the real `svcroute` binary on every case folder in tests/golden and
//! compare what it prints with the expected files. `UPDATE_GOLDEN=1` rewrites them; review
//! the diff as you would review code.
//!
//! A case folder holds the input (its own `input.yaml`, or a path to a preset in the
//! arguments) and a file `args` with one line per run: `OUTPUT: ARGUMENTS`, for example
//! `explain.txt: explain input.yaml --service kiada`. The run's stdout is compared with
//! `OUTPUT`; when it writes to stderr or exits non-zero, `OUTPUT.stderr` holds stderr and
//! the exit status. Arguments are split on whitespace and run in the case folder. JSON and
//! SVG (`render`) runs also run twice: the same input gives the same bytes.

// Helpers outside #[test] fns: a failed unwrap there is a failed test too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use svcroute::route::Share;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn presets_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("presets")
}

/// Runs `svcroute` with `args` in `dir`: (stdout, stderr, exit status).
pub fn run(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_svcroute"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("svcroute runs");
    (
        String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        output.status.code().unwrap_or(-1),
    )
}

/// Compares `actual` with the file, or writes it under UPDATE_GOLDEN. Returns a mismatch.
fn check_file(path: &Path, actual: Option<&str>) -> Option<String> {
    let expected = std::fs::read_to_string(path).ok();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        match actual {
            Some(text) => std::fs::write(path, text).expect("golden file written"),
            None if expected.is_some() => std::fs::remove_file(path).expect("golden file removed"),
            None => {}
        }
        return None;
    }
    if expected.as_deref() == actual {
        return None;
    }
    let (expected, actual) = (expected.as_deref(), actual);
    // An SVG is a few very long lines: show where it starts to differ, not all of it.
    if let (Some(expected), Some(actual)) = (expected, actual) {
        if expected.len() + actual.len() > 20_000 {
            return Some(format!(
                "{}: differs from line {}\n(UPDATE_GOLDEN=1 rewrites it; review the diff)",
                path.display(),
                first_difference(expected, actual)
            ));
        }
    }
    Some(format!(
        "{}: expected\n{}\n--- but got\n{}\n(UPDATE_GOLDEN=1 rewrites it; review the diff)",
        path.display(),
        expected.unwrap_or("<no file>"),
        actual.unwrap_or("<nothing>")
    ))
}

/// "LINE: expected `…` but got `…`", around the first character where the texts differ.
fn first_difference(expected: &str, actual: &str) -> String {
    let mut lines = expected.lines().zip(actual.lines()).enumerate();
    let Some((idx, (want, got))) = lines.find(|(_, (want, got))| want != got) else {
        return format!(
            "{}: one text has more lines",
            expected.lines().count().min(actual.lines().count()) + 1
        );
    };
    let at = want.chars().zip(got.chars()).take_while(|(a, b)| a == b).count();
    let around =
        |line: &str| -> String { line.chars().skip(at.saturating_sub(60)).take(160).collect() };
    format!("{}: expected `…{}…` but got `…{}…`", idx + 1, around(want), around(got))
}

/// The shares of a JSON explanation's paths and pods each sum to exactly 1 (when it has
/// any), only delivered paths name a pod, and outside clients through node ports, load
/// balancers and external IPs stay on their node under Local and are masqueraded under Cluster.
fn check_json_properties(name: &str, text: &str) -> Option<String> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => return Some(format!("{name}: not JSON: {error}")),
    };
    let parse = |share: &serde_json::Value| -> Share {
        let text = share.as_str().unwrap_or("");
        match text.split_once('/') {
            Some((num, den)) => Share::new(num.parse().unwrap(), den.parse().unwrap()),
            None => Share::new(text.parse().unwrap(), 1),
        }
    };
    let paths = value["paths"].as_array().cloned().unwrap_or_default();
    if !paths.is_empty() {
        let total: Share = paths.iter().map(|path| parse(&path["share"])).sum();
        if total != Share::ONE {
            return Some(format!("{name}: path shares sum to {total}, not 1"));
        }
    }
    let pods = value["pods"].as_array().cloned().unwrap_or_default();
    if value["outcome"] == "delivered" {
        let total: Share = pods.iter().map(|pod| parse(&pod["share"])).sum();
        if total != Share::ONE {
            return Some(format!("{name}: pod shares sum to {total}, not 1"));
        }
    }
    let is_external_entry = value["entry"]["kind"] != "cluster-ip";
    let is_external_client = value["client"]["kind"] == "external";
    for path in &paths {
        if path["outcome"] != "delivered" && !path["pod"].is_null() {
            return Some(format!("{name}: a {} path names pod {}", path["outcome"], path["pod"]));
        }
        if path["outcome"] != "delivered" || !is_external_entry || !is_external_client {
            continue;
        }
        // Facts 3.2: for outside clients, Local never leaves the receiving node and keeps the
        // client's address; Cluster always masquerades.
        match value["policy"]["externalTrafficPolicy"].as_str() {
            Some("Local") if path["node"] != path["viaNode"] || path["snat"] != false => {
                return Some(format!("{name}: a Local path crosses nodes or masquerades"));
            }
            Some("Cluster") if path["snat"] != true => {
                return Some(format!("{name}: a Cluster path from outside is not masqueraded"));
            }
            _ => {}
        }
    }
    None
}

#[test]
fn golden_cases() {
    let mut failures = Vec::new();
    let mut n_runs = 0;
    let mut cases: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .expect("tests/golden exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no golden cases in tests/golden");
    for case in &cases {
        let args = std::fs::read_to_string(case.join("args"))
            .unwrap_or_else(|_| panic!("{} has no args file", case.display()));
        for line in args.lines().filter(|line| !line.trim().is_empty() && !line.starts_with('#')) {
            let (output, words) =
                line.split_once(':').unwrap_or_else(|| panic!("bad args line: {line}"));
            let words: Vec<&str> = words.split_whitespace().collect();
            let (stdout, stderr, status) = run(case, &words);
            n_runs += 1;
            let output_path = case.join(output.trim());
            failures.extend(check_file(&output_path, Some(&stdout)));
            let mut stderr_path = output_path.clone().into_os_string();
            stderr_path.push(".stderr");
            let stderr_text = (status != 0 || !stderr.is_empty())
                .then(|| format!("{stderr}exit status: {status}\n"));
            failures.extend(check_file(Path::new(&stderr_path), stderr_text.as_deref()));
            if words.contains(&"json") {
                failures.extend(check_json_properties(line, &stdout));
            }
            if words.contains(&"json") || words.first() == Some(&"render") {
                let (again, _, _) = run(case, &words);
                if again != stdout {
                    failures.push(format!("{line}: two runs gave different output"));
                }
            }
        }
    }
    assert!(n_runs > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every preset's `# query:` line runs as written and explains something.
#[test]
fn every_preset_query_runs() {
    let mut presets: Vec<PathBuf> = std::fs::read_dir(presets_dir())
        .expect("presets exist")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    presets.sort();
    assert!(presets.len() >= 8, "the book's scenarios are all there");
    for preset in &presets {
        let text = std::fs::read_to_string(preset).unwrap();
        let mut lines = text.lines();
        let title = lines.next().and_then(|line| line.strip_prefix("# title: "));
        let query = lines.next().and_then(|line| line.strip_prefix("# query: "));
        let (Some(_), Some(query)) = (title, query) else {
            panic!("{} must start with `# title:` and `# query:` lines", preset.display());
        };
        let file = preset.to_str().unwrap();
        let mut args = vec!["explain", file, "--format", "json"];
        args.extend(query.split_whitespace());
        let (stdout, stderr, status) = run(&presets_dir(), &args);
        assert_eq!(status, 0, "{}: {query}\n{stderr}", preset.display());
        if let Some(failure) = check_json_properties(file, &stdout) {
            panic!("{failure}");
        }
        assert!(!stderr.contains(": error: "), "{}: {stderr}", preset.display());
    }
}

/// docs/json.md's example is exactly what the binary prints, so the documentation cannot
/// drift from the contract.
#[test]
fn the_json_documentation_example_is_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/json.md")).unwrap();
    let command = doc
        .lines()
        .find(|line| line.starts_with("svcroute explain "))
        .expect("docs/json.md shows the command of its example");
    let example = doc
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/json.md has a ```json example");
    let args: Vec<&str> = command.split_whitespace().skip(1).chain(["--quiet"]).collect();
    let (stdout, stderr, status) = run(root, &args);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(example, stdout, "update the example in docs/json.md");
    assert_eq!(check_json_properties("docs/json.md", example), None);
}
