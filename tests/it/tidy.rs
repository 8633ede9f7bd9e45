//! Invariants a grep can check: every source file says what it is for, and the pure core
//! (everything outside `src/app/` and `src/bin/`) touches no browser, no file system, no
//! clock and no global random numbers.

// Test helpers: a failed unwrap is a failed test with a line number.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect()
}

#[test]
fn every_source_file_opens_with_a_module_doc() {
    let files = sources();
    assert!(files.len() > 20, "found only {} source files", files.len());
    let missing: Vec<&str> = files
        .iter()
        .filter(|(_, text)| !text.trim_start().starts_with("//!"))
        .map(|(name, _)| name.as_str())
        .collect();
    assert!(missing.is_empty(), "files without a `//!` doc: {missing:?}");
}

#[test]
fn the_core_stays_pure() {
    const FORBIDDEN: [&str; 9] = [
        "yew",
        "web_sys",
        "wasm_bindgen",
        "gloo",
        "js_sys",
        "std::fs",
        "Instant::now",
        "thread_rng",
        "SystemTime",
    ];
    let mut offences = Vec::new();
    for (name, text) in sources() {
        if name.starts_with("src/app/") || name.starts_with("src/bin/") {
            continue;
        }
        // Test modules may read files (fixtures, SVG dumps).
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        if name.ends_with("/tests.rs") {
            continue;
        }
        for (line_idx, line) in code.lines().enumerate() {
            let code_part = line.split("//").next().unwrap_or("");
            for word in FORBIDDEN {
                if code_part.contains(word) {
                    offences.push(format!("{name}:{}: {word}", line_idx + 1));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "the pure core mentions IO, clock or web crates:\n{}",
        offences.join("\n")
    );
}
