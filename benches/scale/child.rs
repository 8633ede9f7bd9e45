//! One measurement in a fresh process: the bench re-runs itself with `--child MODE FILE …`,
//! so each figure has its own peak RSS (VmHWM) and a crash or a hang on hostile input costs
//! one row, not the run.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use svcroute::diagnostic::Severity;
use svcroute::{input, model, route};

/// What a child printed, `key=value` per line, or how it died.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub fields: BTreeMap<String, String>,
    /// `None` when the child exited 0.
    pub failure: Option<String>,
}

impl Report {
    pub fn get(&self, key: &str) -> &str {
        self.fields.get(key).map_or("", String::as_str)
    }

    pub fn nanos(&self, key: &str) -> Option<u64> {
        self.fields.get(key).and_then(|value| value.parse().ok())
    }

    pub fn seconds(&self, key: &str) -> Option<f64> {
        self.nanos(key).map(|nanos| nanos as f64 / 1e9)
    }
}

/// Runs `current_exe --child args…`, killing it after `timeout`.
pub fn spawn(args: &[&str], timeout: Duration) -> Report {
    let dir = std::env::temp_dir().join("svcroute-bench");
    let _ = std::fs::create_dir_all(&dir);
    let out_path = dir.join(format!("child-{}.out", std::process::id()));
    let err_path = dir.join(format!("child-{}.err", std::process::id()));
    let started = Instant::now();
    let spawned = (|| -> std::io::Result<std::process::Child> {
        Command::new(std::env::current_exe()?)
            .arg("--child")
            .args(args)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&out_path)?)
            .stderr(std::fs::File::create(&err_path)?)
            .spawn()
    })();
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) => {
            return Report {
                failure: Some(format!("could not start: {error}")),
                ..Report::default()
            }
        }
    };
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => break None,
        }
    };
    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    let fields = stdout
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect();
    let failure = match status {
        None => Some(format!("killed after {:.1} s (timeout)", timeout.as_secs_f64())),
        Some(status) if status.success() => None,
        Some(status) => {
            use std::os::unix::process::ExitStatusExt;
            let how = match status.signal() {
                Some(11) => "crashed: SIGSEGV".to_string(),
                Some(6) => "crashed: SIGABRT".to_string(),
                Some(signal) => format!("crashed: signal {signal}"),
                None => format!("exited {}", status.code().unwrap_or(-1)),
            };
            let said =
                one_line(stderr.lines().rev().find(|line| !line.trim().is_empty()).unwrap_or(""));
            Some(if said.is_empty() { how } else { format!("{how} ({said})") })
        }
    };
    Report { fields, failure }
}

fn one_line(text: &str) -> String {
    let flat: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let flat = flat.trim();
    if flat.chars().count() > 140 {
        format!("{}…", flat.chars().take(140).collect::<String>())
    } else {
        flat.to_string()
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmHWM:")
                    .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            })
        })
        .unwrap_or(0)
}

fn read(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|error| error.to_string())?;
    String::from_utf8(bytes).map_err(|error| error.to_string())
}

/// The child's side: `typed FILE NAMESPACE SERVICE [all]`, `value-yaml FILE`, `value-json FILE`.
/// Prints its figures and exits without dropping anything (dropping is not what we measure).
pub fn run(args: &[String]) -> ! {
    let mut out = String::new();
    let mode = args.first().map_or("", String::as_str);
    let path = Path::new(args.get(1).map_or("", String::as_str));
    let started = Instant::now();
    let text = match read(path) {
        Ok(text) => text,
        Err(error) => {
            println!("error={error}");
            std::process::exit(3);
        }
    };
    let read_ns = started.elapsed().as_nanos();
    let _ = writeln!(out, "read_ns={read_ns}\nbytes={}", text.len());
    match mode {
        "typed" => typed(&mut out, &text, args, started),
        "value-yaml" => {
            let result = serde_yaml::from_str::<serde_yaml::Value>(&text);
            let _ = writeln!(out, "total_ns={}", started.elapsed().as_nanos());
            let said = match &result {
                Ok(_) => "ok".to_string(),
                Err(error) => format!("error: {}", one_line(&error.to_string())),
            };
            let _ = writeln!(out, "result={said}");
            std::mem::forget(result);
        }
        "value-json" => {
            let result = serde_json::from_str::<serde_json::Value>(&text);
            let _ = writeln!(out, "total_ns={}", started.elapsed().as_nanos());
            let said = match &result {
                Ok(_) => "ok".to_string(),
                Err(error) => format!("error: {}", one_line(&error.to_string())),
            };
            let _ = writeln!(out, "result={said}");
            std::mem::forget(result);
        }
        // The floor for a serde-based reader: every event parsed, nothing built.
        "ignored-yaml" => {
            let result = serde_yaml::from_str::<serde::de::IgnoredAny>(&text);
            let _ = writeln!(out, "total_ns={}", started.elapsed().as_nanos());
            let _ = writeln!(
                out,
                "result={}",
                result.map_or_else(|e| one_line(&e.to_string()), |_| "ok".into())
            );
        }
        "ignored-json" => {
            let result = serde_json::from_str::<serde::de::IgnoredAny>(&text);
            let _ = writeln!(out, "total_ns={}", started.elapsed().as_nanos());
            let _ = writeln!(
                out,
                "result={}",
                result.map_or_else(|e| one_line(&e.to_string()), |_| "ok".into())
            );
        }
        _ => {
            let _ = writeln!(out, "error=unknown mode {mode}");
        }
    }
    let _ = writeln!(out, "hwm_kib={}", peak_rss_kib());
    print!("{out}");
    std::mem::forget(text);
    std::process::exit(0);
}

fn typed(out: &mut String, text: &str, args: &[String], started: Instant) {
    let namespace = args.get(2).map_or("default", String::as_str);
    let service = args.get(3).map_or("", String::as_str);
    let wants_all = args.get(4).is_some_and(|arg| arg == "all");

    let mark = Instant::now();
    let parsed = input::parse(text);
    let parse_ns = mark.elapsed().as_nanos();
    let count = |diagnostics: &[svcroute::diagnostic::Diagnostic], severity: Severity| {
        diagnostics.iter().filter(|diagnostic| diagnostic.severity == severity).count()
    };
    let first_error = |diagnostics: &[svcroute::diagnostic::Diagnostic]| {
        diagnostics
            .iter()
            .find(|diagnostic| diagnostic.severity == Severity::Error)
            .map(|diagnostic| {
                let at = diagnostic
                    .span
                    .map(|span| format!("{}:{}: ", span.line, span.column))
                    .unwrap_or_default();
                one_line(&format!("{at}{}", diagnostic.message))
            })
            .unwrap_or_default()
    };
    let _ = writeln!(
        out,
        "parse_ns={parse_ns}\ndocuments={}\nparse_errors={}\nparse_notices={}\nfirst_parse_error={}",
        parsed.documents.len(),
        count(&parsed.diagnostics, Severity::Error),
        count(&parsed.diagnostics, Severity::Notice),
        first_error(&parsed.diagnostics),
    );

    let mark = Instant::now();
    let (cluster, diagnostics) = model::build(&parsed, &model::BuildOptions::default());
    let build_ns = mark.elapsed().as_nanos();
    let _ = writeln!(
        out,
        "build_ns={build_ns}\nbuild_errors={}\nbuild_warnings={}\nbuild_notices={}\nfirst_build_error={}\nnodes={}\npods={}\nservices={}\nslices={}",
        count(&diagnostics, Severity::Error),
        count(&diagnostics, Severity::Warning),
        count(&diagnostics, Severity::Notice),
        first_error(&diagnostics),
        cluster.nodes.len(),
        cluster.pods.len(),
        cluster.services.len(),
        cluster.endpoint_slices.len(),
    );

    let mark = Instant::now();
    let explained = route::explain(&cluster, &route::Query::new(namespace, service));
    let explain_ns = mark.elapsed().as_nanos();
    let total_ns = started.elapsed().as_nanos();
    let said = match &explained {
        Ok(explanation) => format!(
            "{} via {} ({} paths, {} pods)",
            explanation.outcome.as_str(),
            explanation.entry.kind,
            explanation.paths.len(),
            explanation.pods.len()
        ),
        Err(error) => format!("error: {}", one_line(&error.to_string())),
    };
    let _ = writeln!(out, "explain_ns={explain_ns}\ntotal_ns={total_ns}\nexplain={said}");
    std::mem::forget(explained);

    if wants_all {
        let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
        let mut first_failure = String::new();
        // Per entry kind: services, nanoseconds, paths; to tell where the time goes.
        let mut by_entry: BTreeMap<String, (usize, u128, usize)> = BTreeMap::new();
        let mut max_paths = 0;
        let mark = Instant::now();
        for service in &cluster.services {
            let one = Instant::now();
            let explained =
                route::explain(&cluster, &route::Query::new(&service.namespace, &service.name));
            let one_ns = one.elapsed().as_nanos();
            match explained {
                Ok(explanation) => {
                    *outcomes.entry(explanation.outcome.as_str().to_string()).or_default() += 1;
                    let slot =
                        by_entry.entry(explanation.entry.kind.as_str().to_string()).or_default();
                    slot.0 += 1;
                    slot.1 += one_ns;
                    slot.2 += explanation.paths.len();
                    max_paths = max_paths.max(explanation.paths.len());
                }
                Err(error) => {
                    let kind = match &error {
                        route::QueryError::EntryUnavailable { entry, .. } => {
                            format!("no {entry} entry")
                        }
                        route::QueryError::NoService { .. } => "no service".to_string(),
                        route::QueryError::NoPort { .. } => "no port".to_string(),
                        route::QueryError::NoNode { .. } => "no node".to_string(),
                        route::QueryError::NoPod { .. } => "no pod".to_string(),
                    };
                    *outcomes.entry(format!("query error ({kind})")).or_default() += 1;
                    if first_failure.is_empty() {
                        first_failure =
                            one_line(&format!("{}/{}: {error}", service.namespace, service.name));
                    }
                }
            }
        }
        let all_ns = mark.elapsed().as_nanos();
        let summary: Vec<String> =
            outcomes.iter().map(|(outcome, n)| format!("{n} {outcome}")).collect();
        let entries: Vec<String> = by_entry
            .iter()
            .map(|(kind, (n, nanos, paths))| {
                format!("{kind}: {n} services in {:.3} s, {paths} paths", *nanos as f64 / 1e9)
            })
            .collect();
        let _ = writeln!(
            out,
            "all_ns={all_ns}\nall_count={}\nall_outcomes={}\nall_first_error={first_failure}\nall_by_entry={}\nall_max_paths={max_paths}",
            cluster.services.len(),
            summary.join(", "),
            entries.join("; ")
        );
    }
    std::mem::forget(cluster);
    std::mem::forget(diagnostics);
    std::mem::forget(parsed);
}
