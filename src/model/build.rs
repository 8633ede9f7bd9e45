//! [`build`]: raw documents in, a valid [`Cluster`] plus diagnostics out, in the order the
//! cluster itself would get there: nodes, pods, Services (defaults, allocation,
//! validation), then the EndpointSlices kube-proxy reads.

use super::field::FieldError;
use super::{endpoints, kind, node, pod, service, BuildOptions, Cidr, Cluster, DocId, Node};
use crate::diagnostic::{Diagnostic, Severity};
use crate::input::span::{FieldPath, Span};
use crate::input::{raw, Parsed};
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

/// Collects diagnostics, turning field paths into spans through [`Parsed::locate`].
pub(crate) struct Report<'a> {
    parsed: &'a Parsed,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Every diagnostic so far by [`problem_key`], with its index, to drop repeats cheaply.
    seen: BTreeMap<String, usize>,
}

impl<'a> Report<'a> {
    pub(crate) fn new(parsed: &'a Parsed) -> Self {
        Self { parsed, diagnostics: Vec::new(), seen: BTreeMap::new() }
    }

    fn push(
        &mut self,
        severity: Severity,
        doc: Option<DocId>,
        at: &FieldPath,
        field: String,
        message: String,
        help: &str,
    ) {
        let span = doc.and_then(|doc| self.parsed.locate(doc, at));
        let diagnostic = Diagnostic {
            severity,
            span,
            field: (!field.is_empty()).then_some(field),
            message,
            help: (!help.is_empty()).then(|| help.to_string()),
        };
        // Never the same problem twice (kubectl, too, drops repeated causes).
        let key = problem_key(severity, span, &diagnostic.message);
        if !self.seen.contains_key(key.as_str()) {
            self.seen.insert(key, self.diagnostics.len());
            self.diagnostics.push(diagnostic);
        }
    }

    /// An error the API server would return for the object in document `doc`.
    pub(crate) fn error(&mut self, doc: DocId, error: FieldError) {
        let at = error.at.clone().unwrap_or_else(|| error.path.clone());
        self.push(
            Severity::Error,
            Some(doc),
            &at,
            error.path.to_string(),
            error.message,
            &error.help,
        );
    }

    /// A warning about the field at `at` (`spec.ports[0].nodePort`) of document `doc`: the
    /// path as text, parsed here once rather than built at each caller.
    /// Reports each of `errors` for the object in document `doc`; true when there was any,
    /// so that the object is left out. One loop for every kind of object.
    pub(crate) fn rejects(&mut self, doc: DocId, errors: Vec<FieldError>) -> bool {
        let is_rejected = !errors.is_empty();
        for error in errors {
            self.error(doc, error);
        }
        is_rejected
    }

    pub(crate) fn warning(&mut self, doc: Option<DocId>, at: &str, message: String, help: &str) {
        self.warning_at(doc, &FieldPath::parse(at), message, help);
    }

    /// [`Report::warning`] for a path that text cannot spell (a label key with dots).
    pub(crate) fn warning_at(
        &mut self,
        doc: Option<DocId>,
        at: &FieldPath,
        message: String,
        help: &str,
    ) {
        self.push(Severity::Warning, doc, at, at.to_string(), message, help);
    }

    /// A notice about the field at `at`, as [`Report::warning`].
    pub(crate) fn notice(&mut self, doc: Option<DocId>, at: &str, message: String, help: &str) {
        self.notice_at(doc, &FieldPath::parse(at), message, help);
    }

    pub(crate) fn notice_at(
        &mut self,
        doc: Option<DocId>,
        at: &FieldPath,
        message: String,
        help: &str,
    ) {
        self.push(Severity::Notice, doc, at, at.to_string(), message, help);
    }
}

/// What makes two diagnostics the same problem: severity, span and message. One string, so
/// that [`Report`]'s set is the crate's usual `BTreeMap<String, usize>` (one map type in the
/// page's wasm instead of one per key type).
fn problem_key(severity: Severity, span: Option<Span>, message: &str) -> String {
    let severity = severity as u8;
    match span {
        Some(Span { line, column, len }) => format!("{severity} {line}:{column}+{len} {message}"),
        None => format!("{severity} - {message}"),
    }
}

/// Builds the cluster the pasted objects describe, as the API server, the EndpointSlice
/// controller and a kind cluster with MetalLB would make it.
///
/// Never fails: an object the API server would reject is reported as an error and left
/// out; everything svcroute fills in is reported as a notice.
///
/// ```
/// use svcroute::model::{build, BuildOptions};
/// let parsed = svcroute::input::Parsed::default();
/// let (cluster, _diagnostics) = build(&parsed, &BuildOptions::default());
/// // No Node given: the book's kind cluster stands in.
/// assert!(cluster.uses_default_nodes);
/// assert_eq!(cluster.nodes.len(), 3);
/// ```
pub fn build(parsed: &Parsed, options: &BuildOptions) -> (Cluster, Vec<Diagnostic>) {
    let mut report = Report::new(parsed);
    let is_replaced = replaced_documents(parsed, &mut report);

    let mut services = Vec::new();
    let mut pods = Vec::new();
    let mut nodes = Vec::new();
    let mut slices = Vec::new();
    for (doc, document) in parsed.documents.iter().enumerate() {
        if is_replaced.get(doc).copied().unwrap_or(false) {
            continue;
        }
        match &document.object {
            raw::Object::Service(service) => services.push((doc, service)),
            raw::Object::Pod(pod) => pods.push((doc, pod)),
            raw::Object::Node(node) => nodes.push((doc, node)),
            raw::Object::EndpointSlice(slice) => slices.push((doc, slice)),
        }
    }

    let uses_default_nodes = nodes.is_empty();
    let mut nodes = if uses_default_nodes {
        let defaults = kind::default_nodes();
        report.notice(
            None,
            "",
            format!(
                "no Node given: using the book's three-node kind cluster ({})",
                node::names_joined(&defaults)
            ),
            "paste Node objects (kubectl get nodes -o yaml) to use your own cluster's nodes",
        );
        defaults
    } else {
        node::build_nodes(&nodes, &mut report)
    };
    crate::sort::sort_by(&mut nodes, |a, b| a.name.cmp(&b.name));

    let mut pods = pod::build_pods(&pods, &nodes, &mut report);
    crate::sort::sort_by(&mut pods, |a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));

    let mut services = service::build_services(&services, options, &mut report);

    let pasted_slices = endpoints::build_slices(&slices, &services, &mut report);
    let endpoint_slices =
        endpoints::fill_endpoints(&mut services, pasted_slices, &pods, &nodes, &mut report);
    crate::sort::sort_by(&mut services, |a, b| {
        (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name))
    });

    let cluster = Cluster {
        cluster_cidrs: cluster_cidrs(&nodes),
        nodes,
        pods,
        services,
        endpoint_slices,
        uses_default_nodes,
    };
    let mut diagnostics = parsed.diagnostics.clone();
    diagnostics.extend(report.diagnostics);
    (cluster, diagnostics)
}

/// Which documents a later one replaces: when one object (kind, namespace, name) appears
/// twice, the later one wins, as `kubectl apply -f` would leave it. The others are built
/// from, in text order.
fn replaced_documents(parsed: &Parsed, report: &mut Report<'_>) -> Vec<bool> {
    let mut latest: BTreeMap<String, DocId> = BTreeMap::new();
    // Marked when a later document takes its identity: one pass, no second lookup.
    let mut is_replaced = vec![false; parsed.documents.len()];
    for (doc, document) in parsed.documents.iter().enumerate() {
        let (kind, namespace, name) = identity(&document.object);
        let Some(name) = name.filter(|name| !name.is_empty()) else { continue };
        if let Some(earlier) = latest.insert(identity_key(kind, &namespace, &name), doc) {
            if let Some(flag) = is_replaced.get_mut(earlier) {
                *flag = true;
            }
            let shown = if kind == "Node" { name.clone() } else { format!("{namespace}/{name}") };
            report.warning(
                Some(earlier),
                "metadata.name",
                format!(
                    "{kind} {shown} appears again further down; the later one replaces this one"
                ),
                "remove one of the two, or rename one",
            );
        }
    }
    is_replaced
}

fn identity(object: &raw::Object) -> (&'static str, String, Option<String>) {
    let (kind, metadata) = match object {
        raw::Object::Service(service) => ("Service", &service.metadata),
        raw::Object::Pod(pod) => ("Pod", &pod.metadata),
        raw::Object::Node(node) => ("Node", &node.metadata),
        raw::Object::EndpointSlice(slice) => ("EndpointSlice", &slice.metadata),
    };
    let namespace = if kind == "Node" { String::new() } else { namespace_of(metadata) };
    (kind, namespace, metadata.name.clone())
}

/// One string per (kind, namespace, name): the namespace's length goes first, so that no two
/// identities share a key whatever characters the names hold.
fn identity_key(kind: &str, namespace: &str, name: &str) -> String {
    format!("{kind} {} {namespace}{name}", namespace.len())
}

/// A namespaced object's namespace, `default` when the manifest names none (kubectl's
/// default context).
pub(crate) fn namespace_of(metadata: &raw::ObjectMeta) -> String {
    namespace_str(metadata).to_string()
}

/// [`namespace_of`], borrowed: for comparing without allocating.
pub(crate) fn namespace_str(metadata: &raw::ObjectMeta) -> &str {
    metadata
        .namespace
        .as_deref()
        .filter(|namespace| !namespace.is_empty())
        .unwrap_or(super::defaults::DEFAULT_NAMESPACE)
}

/// kind's and kubeadm's usual pod network (`--cluster-cidr` / `podSubnet`).
const DEFAULT_CLUSTER_CIDR: Cidr =
    Cidr { addr: IpAddr::V4(Ipv4Addr::new(10, 244, 0, 0)), prefix: 16 };

/// The cluster CIDRs kube-proxy's `ClusterCIDR` local-traffic detector matches (facts 3.1).
///
/// No manifest states `--cluster-cidr`, so it is inferred from the nodes' IPv4 podCIDRs,
/// which the node IPAM controller carves out of it: 10.244.0.0/16 when every podCIDR lies
/// inside it (or none is given); otherwise 10.244.0.0/16 if some podCIDR lies inside it,
/// plus the /16 around each podCIDR outside it (or the podCIDR itself when wider), without
/// repeats, in address order. Widening to one common supernet instead could reach
/// 0.0.0.0/0 and make every source look like a pod.
pub(crate) fn cluster_cidrs(nodes: &[Node]) -> Vec<Cidr> {
    let mut pod_cidrs: Vec<Cidr> = Vec::new();
    for node in nodes {
        if let Some(cidr) = node.pod_cidr.filter(|cidr| cidr.addr.is_ipv4()) {
            pod_cidrs.push(cidr);
        }
    }
    let inside = |cidr: &Cidr| {
        DEFAULT_CLUSTER_CIDR.contains(cidr.addr) && cidr.prefix >= DEFAULT_CLUSTER_CIDR.prefix
    };
    let mut cidrs = Vec::new();
    if pod_cidrs.is_empty() || pod_cidrs.iter().any(inside) {
        cidrs.push(DEFAULT_CLUSTER_CIDR);
    }
    for cidr in pod_cidrs.iter().filter(|cidr| !inside(cidr)) {
        let IpAddr::V4(addr) = cidr.addr else { continue };
        let prefix = cidr.prefix.min(16);
        let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix)) };
        cidrs.push(Cidr { addr: IpAddr::V4(Ipv4Addr::from(u32::from(addr) & mask)), prefix });
    }
    // A wider network found later swallows narrower ones inside it.
    let all = crate::sort::sorted_unique(cidrs);
    let mut widest = Vec::new();
    for cidr in &all {
        let is_swallowed = all
            .iter()
            .any(|other| other != cidr && other.prefix < cidr.prefix && other.contains(cidr.addr));
        if !is_swallowed {
            widest.push(*cidr);
        }
    }
    widest
}
