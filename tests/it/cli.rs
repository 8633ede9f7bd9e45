//! The `svcroute` CLI as a script or a learner meets it: exit statuses (0 ok, 1 input or
//! query errors, 2 usage errors), `FILE:LINE:COL: error:` with a caret snippet, and stdin.

// Helpers outside #[test] fns: a failed unwrap there is a failed test too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

fn presets() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/presets"))
}

/// Runs `svcroute` in the presets folder with `stdin` piped in.
fn run(args: &[&str], stdin: &str) -> (String, String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_svcroute"))
        .args(args)
        .current_dir(presets())
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

const BAD_NODE_PORT: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: kiada
spec:
  type: NodePort
  selector:
    app: kiada
  ports:
  - name: http
    port: 80
    nodePort: 40000
    targetPort: 8080
";

#[test]
fn explain_of_a_preset_exits_0() {
    let (stdout, _, status) =
        run(&["explain", "11.3-nodeport.yaml", "--service", "kiada", "--quiet"], "");
    assert_eq!(status, 0);
    assert!(stdout.starts_with("service"), "{stdout}");
}

#[test]
fn stdin_is_read_for_a_dash() {
    let text = std::fs::read_to_string(presets().join("11.4-loadbalancer.yaml")).unwrap();
    let (stdout, stderr, status) =
        run(&["get", "svc", "-", "--now", "2026-11-25T12:00:00Z"], &text);
    assert_eq!(status, 0, "{stderr}");
    let row = stdout.lines().nth(1).unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells[0], "kiada");
    assert_eq!(cells[1], "LoadBalancer");
    assert_eq!(cells[3], "172.18.255.200");
    assert_eq!(cells[4], "80:30080/TCP,443:30443/TCP");
}

#[test]
fn a_bad_node_port_is_reported_at_its_line_and_column_with_a_caret_and_exits_1() {
    let (stdout, stderr, status) =
        run(&["explain", "-", "--service", "kiada", "--quiet"], BAD_NODE_PORT);
    assert_eq!(status, 1, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    let mut lines = stderr.lines();
    let headline = lines.next().unwrap();
    assert!(headline.starts_with("<stdin>:12:15: error: "), "{stderr}");
    assert!(headline.contains("40000"), "{stderr}");
    assert!(stderr.contains("12 |     nodePort: 40000\n"), "{stderr}");
    assert!(stderr.contains("   |               ^^^^^\n"), "{stderr}");
    assert!(stderr.contains("= field: spec.ports[0].nodePort"), "{stderr}");
    assert!(stderr.contains("= help: "), "{stderr}");
}

#[test]
fn several_files_keep_their_own_line_numbers() {
    let dir = std::env::temp_dir().join(format!("svcroute-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, BAD_NODE_PORT).unwrap();
    let good = presets().join("11.3-nodeport.yaml");
    let (_, stderr, status) = run(
        &[
            "get",
            "svc",
            good.to_str().unwrap(),
            bad.to_str().unwrap(),
            "--now",
            "2026-11-25T12:00:00Z",
        ],
        "",
    );
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains(&format!("{}:12:15: error: ", bad.display())), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_service_exits_1_and_names_what_exists() {
    let (_, stderr, status) =
        run(&["explain", "11.3-nodeport.yaml", "--service", "kiado", "--quiet"], "");
    assert_eq!(status, 1);
    assert!(stderr.contains("kiado"), "{stderr}");
    assert!(stderr.contains("kiada, quiz, quote"), "{stderr}");
}

#[test]
fn usage_errors_exit_2_with_a_hint() {
    for args in [
        &["explain", "11.3-nodeport.yaml"][..],
        &["explain", "11.3-nodeport.yaml", "--service", "kiada", "--entry", "ingress"],
        &[
            "explain",
            "11.3-nodeport.yaml",
            "--service",
            "kiada",
            "--from-pod",
            "a",
            "--from-node",
            "b",
        ],
        &["explain", "11.3-nodeport.yaml", "--service", "kiada", "--frobnicate"],
        &["get", "deployments", "11.3-nodeport.yaml"],
        &[],
    ] {
        let (stdout, stderr, status) = run(args, "");
        assert_eq!(status, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.starts_with("svcroute: error: "), "{args:?}: {stderr}");
        assert!(stderr.contains("svcroute --help"), "{args:?}: {stderr}");
    }
}

#[test]
fn help_and_version_exit_0() {
    let (stdout, _, status) = run(&["--help"], "");
    assert_eq!(status, 0);
    assert!(stdout.contains("svcroute explain FILE... --service NAME"));
    let (stdout, _, status) = run(&["--version"], "");
    assert_eq!(status, 0);
    assert_eq!(stdout, format!("svcroute {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn an_empty_listing_goes_to_stderr() {
    let (stdout, stderr, status) =
        run(&["get", "pods", "11.3-nodeport.yaml", "-n", "kube-system", "--quiet"], "");
    assert_eq!(status, 0);
    assert!(stdout.is_empty());
    assert_eq!(stderr, "No resources found in kube-system namespace.\n");
}

/// A scratch folder for one test's files, removed at the end.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("svcroute-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn json_and_yaml_files_together_make_one_cluster() {
    let dir = scratch("mixed");
    let pods = dir.join("pods.json");
    std::fs::write(
        &pods,
        r#"{"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "Pod",
   "metadata": {"name": "kiada-001", "labels": {"app": "kiada"}},
   "spec": {"nodeName": "kind-worker2", "containers": [{"name": "kiada"}]},
   "status": {"phase": "Running", "podIP": "10.244.1.90",
              "conditions": [{"type": "Ready", "status": "True"}]}}
]}"#,
    )
    .unwrap();
    let service = dir.join("svc.yaml");
    std::fs::write(&service, BAD_NODE_PORT.replace("40000", "30080")).unwrap();
    let (stdout, stderr, status) = run(
        &[
            "explain",
            pods.to_str().unwrap(),
            service.to_str().unwrap(),
            "--service",
            "kiada",
            "--format",
            "json",
            "--quiet",
        ],
        "",
    );
    assert_eq!(status, 0, "{stderr}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["pods"][0]["pod"], "kiada-001");
    assert_eq!(value["pods"][0]["share"], "1");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_error_in_another_object_still_explains_but_exits_1() {
    let dir = scratch("other-error");
    let bad = dir.join("web.yaml");
    std::fs::write(&bad, BAD_NODE_PORT.replace("name: kiada", "name: web")).unwrap();
    let good = presets().join("11.3-nodeport.yaml");
    let (stdout, stderr, status) = run(
        &["explain", good.to_str().unwrap(), bad.to_str().unwrap(), "--service", "kiada", "-q"],
        "",
    );
    assert_eq!(status, 1, "{stderr}");
    assert!(stdout.starts_with("service   default/kiada\n"), "{stdout}");
    assert!(stderr.contains(&format!("{}:12:15: error: ", bad.display())), "{stderr}");
    assert!(stderr.contains("1 error: an object with an error is left out"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_that_cannot_be_read_exits_1_naming_it() {
    let (stdout, stderr, status) = run(&["get", "svc", "no-such-file.yaml"], "");
    assert_eq!(status, 1);
    assert!(stdout.is_empty());
    assert!(stderr.starts_with("svcroute: error: cannot read no-such-file.yaml: "), "{stderr}");
}

#[test]
fn curl_prints_the_books_answer_for_kind_worker_to_kiada_001() {
    // Seed 11.2.1: `curl 172.18.0.4:30080`, answered by kiada-001 on kind-worker2.
    let (stdout, _, status) = run(
        &[
            "explain",
            "11.3-nodeport.yaml",
            "--service",
            "kiada",
            "--entry",
            "node-port",
            "--node",
            "kind-worker",
            "--curl",
            "--quiet",
        ],
        "",
    );
    assert_eq!(status, 0);
    assert!(
        stdout.contains(
            "    Request processed by Kubia 1.0 running in pod \"kiada-001\" on node \"kind-worker2\".\n    \
             Pod hostname: kiada-001; Pod IP: 10.244.1.90; Node IP: 172.18.0.2; Client IP: ::ffff:172.18.0.4\n"
        ),
        "{stdout}"
    );
}
