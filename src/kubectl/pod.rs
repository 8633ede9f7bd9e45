//! Pod cells of `kubectl get pods`: READY, STATUS and RESTARTS as kubectl's `printPod`
//! computes them (facts 9.4), and the wide columns.

use super::{age, human_duration, parse_timestamp, GetOptions};
use crate::input::raw;
use crate::model::net::Ip;
use crate::model::Pod;

pub(super) fn pod_row(pod: &Pod, options: &GetOptions) -> Vec<String> {
    let cells = pod_cells(pod, options.now);
    let mut row = vec![
        pod.name.clone(),
        cells.ready,
        cells.status,
        cells.restarts,
        age(pod.creation_timestamp.as_deref(), options.now),
    ];
    if options.wide {
        let status = &pod.status_for_print;
        let spec = &pod.spec_for_print;
        let non_empty = |value: Option<&String>| match value {
            Some(text) if !text.is_empty() => text.clone(),
            _ => "<none>".to_string(),
        };
        // The API server merges `podIP` into `podIPs`; printPod reads `podIPs[0]`. An IP
        // svcroute filled in (with a notice) stands in for the one the cluster would assign,
        // so the table agrees with `explain`.
        let filled_in = pod.ip.map(|ip| Ip(ip).to_string());
        let pod_ip = status
            .pod_ips
            .first()
            .and_then(|ip| ip.ip.as_ref())
            .or(status.pod_ip.as_ref())
            .or(filled_in.as_ref());
        row.push(non_empty(pod_ip));
        row.push(non_empty(spec.node_name.as_ref()));
        row.push(non_empty(status.nominated_node_name.as_ref()));
        row.push(readiness_gates(spec, status));
    }
    row
}

/// A container status without `state`: read by reference, so no state is cloned (deep
/// clone and drop glue for each of the two loops that read one).
const NO_STATE: raw::ContainerState =
    raw::ContainerState { running: None, waiting: None, terminated: None };

/// READY, STATUS and RESTARTS of one pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodCells {
    pub ready: String,
    pub status: String,
    pub restarts: String,
}

fn is_restartable(container: Option<&raw::Container>) -> bool {
    container.and_then(|c| c.restart_policy.as_deref()) == Some("Always")
}

/// `printPod` in printers.go: READY, STATUS (including `Init:…`, container reasons and
/// `Terminating`) and RESTARTS (facts 9.4).
pub fn pod_cells(pod: &Pod, now: i64) -> PodCells {
    let spec = &pod.spec_for_print;
    let status = &pod.status_for_print;
    let phase = status.phase.clone().unwrap_or_default();
    let mut reason = match &status.reason {
        Some(reason) if !reason.is_empty() => reason.clone(),
        _ => phase.clone(),
    };
    let condition =
        |type_: &str| status.conditions.iter().find(|c| c.type_.as_deref() == Some(type_));
    if status.conditions.iter().any(|c| {
        c.type_.as_deref() == Some("PodScheduled") && c.reason.as_deref() == Some("SchedulingGated")
    }) {
        reason = "SchedulingGated".to_string();
    }

    let init_container = |name: &Option<String>| {
        spec.init_containers.iter().find(|container| &container.name == name)
    };
    let total = spec.containers.len()
        + spec.init_containers.iter().filter(|c| is_restartable(Some(c))).count();
    let mut ready = 0usize;
    let mut restarts: i64 = 0;
    let mut sidecar_restarts: i64 = 0;
    let mut last_restart: Option<i64> = None;
    let mut last_sidecar_restart: Option<i64> = None;
    let terminated_at = |state: &Option<raw::ContainerState>| {
        state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .and_then(|t| t.finished_at.as_deref())
            .and_then(parse_timestamp)
    };

    let mut initializing = false;
    for (idx, container) in status.init_container_statuses.iter().enumerate() {
        restarts += container.restart_count.unwrap_or(0);
        let finished = terminated_at(&container.last_state);
        last_restart = last_restart.max(finished);
        let is_sidecar = is_restartable(init_container(&container.name));
        if is_sidecar {
            sidecar_restarts += container.restart_count.unwrap_or(0);
            last_sidecar_restart = last_sidecar_restart.max(finished);
        }
        let state = container.state.as_ref().unwrap_or(&NO_STATE);
        match (&state.terminated, &state.waiting) {
            (Some(terminated), _) if terminated.exit_code.unwrap_or(0) == 0 => continue,
            _ if is_sidecar && container.started == Some(true) => {
                if container.ready == Some(true) {
                    ready += 1;
                }
                continue;
            }
            (Some(terminated), _) => {
                reason = match terminated.reason.as_deref() {
                    Some(why) if !why.is_empty() => format!("Init:{why}"),
                    _ => match terminated.signal {
                        Some(signal) if signal != 0 => format!("Init:Signal:{signal}"),
                        _ => format!("Init:ExitCode:{}", terminated.exit_code.unwrap_or(0)),
                    },
                };
            }
            (None, Some(waiting))
                if waiting
                    .reason
                    .as_deref()
                    .is_some_and(|why| !why.is_empty() && why != "PodInitializing") =>
            {
                reason = format!("Init:{}", waiting.reason.clone().unwrap_or_default());
            }
            _ => reason = format!("Init:{idx}/{}", spec.init_containers.len()),
        }
        initializing = true;
        break;
    }

    let is_initialized = condition("Initialized").and_then(|c| c.status.as_deref()) == Some("True");
    if !initializing || is_initialized {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        for container in status.container_statuses.iter().rev() {
            restarts += container.restart_count.unwrap_or(0);
            last_restart = last_restart.max(terminated_at(&container.last_state));
            let state = container.state.as_ref().unwrap_or(&NO_STATE);
            let waiting =
                state.waiting.as_ref().and_then(|w| w.reason.clone()).filter(|r| !r.is_empty());
            if let Some(why) = waiting {
                reason = why;
            } else if let Some(terminated) = &state.terminated {
                reason = match terminated.reason.as_deref() {
                    Some(why) if !why.is_empty() => why.to_string(),
                    _ => match terminated.signal {
                        Some(signal) if signal != 0 => format!("Signal:{signal}"),
                        _ => format!("ExitCode:{}", terminated.exit_code.unwrap_or(0)),
                    },
                };
            } else if container.ready == Some(true) && state.running.is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let is_ready = condition("Ready").and_then(|c| c.status.as_deref()) == Some("True");
            reason = if is_ready { "Running" } else { "NotReady" }.to_string();
        }
    }

    if pod.is_terminating && status.reason.as_deref() == Some("NodeLost") {
        reason = "Unknown".to_string();
    } else if pod.is_terminating && phase != "Succeeded" && phase != "Failed" {
        reason = "Terminating".to_string();
    }

    let restarts = match last_restart {
        Some(at) if restarts != 0 => format!("{restarts} ({} ago)", human_duration(now - at)),
        _ => restarts.to_string(),
    };
    PodCells { ready: format!("{ready}/{total}"), status: reason, restarts }
}

/// READINESS GATES: `true/total` over `spec.readinessGates`, or `<none>`.
fn readiness_gates(spec: &raw::PodSpec, status: &raw::PodStatus) -> String {
    if spec.readiness_gates.is_empty() {
        return "<none>".to_string();
    }
    let n_true = spec
        .readiness_gates
        .iter()
        .filter(|gate| {
            status
                .conditions
                .iter()
                .find(|condition| condition.type_ == gate.condition_type)
                .is_some_and(|condition| condition.status.as_deref() == Some("True"))
        })
        .count();
    format!("{n_true}/{}", spec.readiness_gates.len())
}
