//! Reading one document's events into raw API objects, by hand.
//!
//! The object's `kind` is looked up among its keys first, so fields may come in any order
//! and every error points at its own value. Fields svcroute does not read are skipped in one
//! step. Each List item is read on its own: a bad item costs only itself.
//! Written by hand rather than derived with serde: a derived deserializer is compiled once
//! per type and per format, which made up a third of the page's wasm.

use super::events::{Doc, Node};
use super::raw;
use super::span::PathSegment;
use crate::diagnostic::quote;
use std::cell::Cell;
use std::collections::BTreeMap;

/// What one object of the text held.
// Objects move straight into `Parsed::documents`; boxing them would cost an allocation each.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub(crate) enum Read {
    /// An object svcroute reads.
    Object(raw::Object),
    /// An object of another kind, with its name when it has one.
    Skipped { kind: String, name: Option<String> },
    /// A mapping with no `kind`.
    NoKind,
    /// `null` or an empty document.
    Empty,
}

/// One object of a document: the document itself, or one item of its List.
#[derive(Debug)]
pub(crate) struct Item {
    /// The object's path in the document: empty, `[2]` in a bare sequence, `items[2]`.
    pub prefix: Vec<PathSegment>,
    /// The event the object starts at.
    pub start: usize,
    pub read: Result<Read, Box<Error>>,
}

/// A value that does not fit the API type, at event `at`, under field `path`.
#[derive(Debug)]
pub(crate) struct Error {
    pub at: usize,
    /// The path from the object down to the value, innermost first while it unwinds.
    path: Vec<PathSegment>,
    pub message: String,
    pub kind: ErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    /// A value of the wrong type.
    Type,
    /// Aliases or merge keys that repeat too much (a YAML bomb) or nest too deeply.
    Repetition,
}

impl Error {
    /// The field path from the object, outermost first.
    pub(crate) fn path(&self) -> Vec<PathSegment> {
        self.path.iter().rev().cloned().collect()
    }

    fn under(mut self: Box<Self>, segment: PathSegment) -> Box<Error> {
        self.path.push(segment);
        self
    }
}

/// Boxed, so that passing a result up moves one pointer: a third less code in the page.
type Res<T> = Result<T, Box<Error>>;

/// How deep merge keys may merge mappings that merge mappings.
const MAX_MERGE_DEPTH: usize = 64;

/// Reads the objects of one document.
pub(crate) fn read_document(doc: &Doc<'_>) -> Vec<Item> {
    let reader = Reader { doc, budget: Cell::new(doc.events.len().saturating_mul(64) + 4096) };
    reader.top()
}

struct Reader<'d> {
    doc: &'d Doc<'d>,
    /// Events that may still be read through aliases and merge keys: a few aliases can
    /// otherwise stand for billions of nodes.
    budget: Cell<usize>,
}

/// What a value is.
enum Shape<'d> {
    Null,
    Scalar(Text<'d>),
    Sequence,
    Mapping,
}

/// A scalar that is not null: its text, and how it was written.
struct Text<'d> {
    value: &'d str,
    plain: bool,
    json: bool,
}

impl<'d> Reader<'d> {
    fn error(&self, at: usize, kind: ErrorKind, message: String) -> Box<Error> {
        Box::new(Error { at, path: Vec::new(), message, kind })
    }

    /// The node at `idx`, following an alias to its anchor.
    fn resolve(&self, idx: usize) -> Res<usize> {
        match self.doc.events.get(idx).map(|event| &event.node) {
            Some(Node::Alias { target }) => {
                self.spend(idx, 1)?;
                Ok(*target)
            }
            _ => Ok(idx),
        }
    }

    fn spend(&self, at: usize, amount: usize) -> Res<()> {
        match self.budget.get().checked_sub(amount) {
            Some(left) => {
                self.budget.set(left);
                Ok(())
            }
            None => Err(self.error(at, ErrorKind::Repetition, "repetition limit exceeded".into())),
        }
    }

    fn shape(&self, idx: usize) -> Shape<'d> {
        match self.doc.events.get(idx).map(|event| &event.node) {
            Some(Node::Scalar(scalar)) => {
                let (value, plain) = (self.doc.text_of(scalar), scalar.plain);
                if plain && is_null(value) {
                    Shape::Null
                } else {
                    Shape::Scalar(Text { value, plain, json: scalar.json })
                }
            }
            Some(Node::Sequence { .. }) => Shape::Sequence,
            Some(Node::Mapping { .. }) => Shape::Mapping,
            _ => Shape::Null,
        }
    }

    /// `invalid type: string "abc", expected an integer`, at the value.
    fn unexpected(&self, idx: usize, expected: &str) -> Box<Error> {
        let found = match self.shape(idx) {
            Shape::Null => "null".to_string(),
            Shape::Sequence => "sequence".to_string(),
            Shape::Mapping => "mapping".to_string(),
            Shape::Scalar(scalar) if scalar.plain => match plain_type(scalar.value) {
                PlainType::Int => format!("integer `{}`", scalar.value),
                PlainType::Float => format!("floating point `{}`", scalar.value),
                PlainType::Bool => format!("boolean `{}`", scalar.value),
                PlainType::Text => format!("string {}", quote(scalar.value)),
            },
            Shape::Scalar(scalar) => format!("string {}", quote(scalar.value)),
        };
        self.error(idx, ErrorKind::Type, format!("invalid type: {found}, expected {expected}"))
    }

    /// A string field. A plain YAML scalar is its text (`7` is "7"); JSON's `7` is not.
    fn string(&self, idx: usize) -> Res<Option<String>> {
        let idx = self.resolve(idx)?;
        match self.shape(idx) {
            Shape::Null => Ok(None),
            Shape::Scalar(scalar) if !scalar.json => Ok(Some(scalar.value.to_string())),
            _ => Err(self.unexpected(idx, "a string")),
        }
    }

    fn int(&self, idx: usize) -> Res<Option<i64>> {
        let idx = self.resolve(idx)?;
        match self.shape(idx) {
            Shape::Null => Ok(None),
            Shape::Scalar(scalar) if scalar.plain => match parse_int(scalar.value) {
                Some(value) => Ok(Some(value)),
                None => Err(self.unexpected(idx, "an integer")),
            },
            _ => Err(self.unexpected(idx, "an integer")),
        }
    }

    fn boolean(&self, idx: usize) -> Res<Option<bool>> {
        let idx = self.resolve(idx)?;
        match self.shape(idx) {
            Shape::Null => Ok(None),
            Shape::Scalar(scalar) if scalar.plain => match parse_bool(scalar.value) {
                Some(value) => Ok(Some(value)),
                None => Err(self.unexpected(idx, "a boolean")),
            },
            _ => Err(self.unexpected(idx, "a boolean")),
        }
    }

    /// `intstr.IntOrString`: a plain integer is a number, any other text a name.
    fn int_or_string(&self, idx: usize) -> Res<Option<raw::IntOrString>> {
        let idx = self.resolve(idx)?;
        let expected = "a port number or a port name";
        match self.shape(idx) {
            Shape::Null => Ok(None),
            Shape::Scalar(scalar) if scalar.plain => match plain_type(scalar.value) {
                PlainType::Int => match parse_int(scalar.value) {
                    Some(value) => Ok(Some(raw::IntOrString::Int(value))),
                    None => Err(self.unexpected(idx, expected)),
                },
                PlainType::Text if !scalar.json => {
                    Ok(Some(raw::IntOrString::String(scalar.value.to_string())))
                }
                _ => Err(self.unexpected(idx, expected)),
            },
            Shape::Scalar(scalar) => Ok(Some(raw::IntOrString::String(scalar.value.to_string()))),
            _ => Err(self.unexpected(idx, expected)),
        }
    }

    /// Calls `read` with each item of a sequence (none for null).
    fn items(&self, idx: usize, read: &mut dyn FnMut(usize) -> Res<()>) -> Res<()> {
        let idx = self.resolve(idx)?;
        match self.doc.events.get(idx).map(|event| &event.node) {
            Some(Node::Sequence { end }) => {
                let mut item = idx + 1;
                let mut item_idx = 0;
                while item < *end {
                    read(item).map_err(|e| e.under(PathSegment::Index(item_idx)))?;
                    item = self.doc.after(item);
                    item_idx += 1;
                }
                Ok(())
            }
            _ if matches!(self.shape(idx), Shape::Null) => Ok(()),
            _ => Err(self.unexpected(idx, "a sequence")),
        }
    }

    fn strings(&self, idx: usize) -> Res<Vec<String>> {
        let mut out = Vec::new();
        self.items(idx, &mut |item| {
            out.push(self.string(item)?.unwrap_or_default());
            Ok(())
        })?;
        Ok(out)
    }

    /// The key and value of each entry of a mapping (none for null), merge keys applied:
    /// the mapping's own keys win over merged ones, and earlier merged mappings over later.
    fn entries(&self, idx: usize, depth: usize) -> Res<Vec<(&'d str, usize)>> {
        let idx = self.resolve(idx)?;
        let Some(Node::Mapping { end }) = self.doc.events.get(idx).map(|event| &event.node) else {
            return match self.shape(idx) {
                Shape::Null => Ok(Vec::new()),
                _ => Err(self.unexpected(idx, "a mapping")),
            };
        };
        let mut own: Vec<(&'d str, usize)> = Vec::new();
        let mut merged: Vec<(&'d str, usize)> = Vec::new();
        let mut key = idx + 1;
        while key < *end {
            let value = self.doc.after(key);
            let key_idx = self.resolve(key)?;
            if let Some(Node::Scalar(scalar)) = self.doc.events.get(key_idx).map(|e| &e.node) {
                if scalar.plain && self.doc.text_of(scalar) == "<<" {
                    self.merge(value, depth, &mut merged)?;
                } else {
                    own.push((self.doc.text_of(scalar), value));
                }
            }
            // A key that is a collection (`? [a, b]`) names no API field: skipped.
            key = self.doc.after(value);
        }
        if !merged.is_empty() {
            self.spend(idx, merged.len())?;
            for (name, value) in merged {
                if !own.iter().any(|(own_name, _)| *own_name == name) {
                    own.push((name, value));
                }
            }
        }
        Ok(own)
    }

    /// The entries a merge key's value brings: a mapping's, or those of each mapping in a
    /// sequence.
    fn merge(&self, idx: usize, depth: usize, out: &mut Vec<(&'d str, usize)>) -> Res<()> {
        if depth >= MAX_MERGE_DEPTH {
            let message = format!("merge keys (`<<`) nest more than {MAX_MERGE_DEPTH} levels deep");
            return Err(self.error(idx, ErrorKind::Repetition, message));
        }
        let resolved = self.resolve(idx)?;
        let mut add = |entries: Vec<(&'d str, usize)>| {
            for entry in entries {
                if !out.iter().any(|(name, _)| *name == entry.0) {
                    out.push(entry);
                }
            }
        };
        match self.doc.events.get(resolved).map(|event| &event.node) {
            Some(Node::Mapping { .. }) => add(self.entries(resolved, depth + 1)?),
            Some(Node::Sequence { .. }) => {
                let mut each = Vec::new();
                self.items(resolved, &mut |item| {
                    let item = self.resolve(item)?;
                    match self.doc.events.get(item).map(|event| &event.node) {
                        Some(Node::Mapping { .. }) => {
                            each.push(self.entries(item, depth + 1)?);
                            Ok(())
                        }
                        _ => Err(self.unexpected(item, "a mapping to merge")),
                    }
                })?;
                each.into_iter().for_each(&mut add);
            }
            _ => return Err(self.unexpected(resolved, "a mapping or a list of mappings to merge")),
        }
        Ok(())
    }

    /// Calls `read` with each field of a mapping; an error gets the field's name in its path.
    fn fields(&self, idx: usize, read: &mut dyn FnMut(&str, usize) -> Res<()>) -> Res<()> {
        for (key, value) in self.entries(idx, 0)? {
            read(key, value).map_err(|e| e.under(PathSegment::Field(key.to_string())))?;
        }
        Ok(())
    }

    fn string_map(&self, idx: usize) -> Res<Option<BTreeMap<String, String>>> {
        let resolved = self.resolve(idx)?;
        if matches!(self.shape(resolved), Shape::Null) {
            return Ok(None);
        }
        let mut map = BTreeMap::new();
        self.fields(resolved, &mut |key, value| {
            map.insert(key.to_string(), self.string(value)?.unwrap_or_default());
            Ok(())
        })?;
        Ok(Some(map))
    }

    /// A list of structs, each read by `read` (a null item is an empty struct, as the API
    /// server reads it).
    fn list<T: Default>(&self, idx: usize, read: fn(&Self, usize) -> Res<T>) -> Res<Vec<T>> {
        let mut out = Vec::new();
        self.items(idx, &mut |item| {
            out.push(read(self, item)?);
            Ok(())
        })?;
        Ok(out)
    }

    // ------------------------------------------------------------ documents and objects

    fn top(&self) -> Vec<Item> {
        let single = |read| vec![Item { prefix: Vec::new(), start: 0, read }];
        let root = match self.resolve(0) {
            Ok(root) => root,
            Err(error) => return single(Err(error)),
        };
        match self.doc.events.get(root).map(|event| &event.node) {
            Some(Node::Sequence { .. }) => self.list_items(root, Vec::new()),
            Some(Node::Mapping { .. }) => {
                let entries = match self.entries(root, 0) {
                    Ok(entries) => entries,
                    Err(error) => return single(Err(error)),
                };
                let kind = match self.kind(&entries) {
                    Ok(kind) => kind,
                    Err(error) => return single(Err(error)),
                };
                let items = entries.iter().find(|(key, _)| *key == "items").map(|(_, v)| *v);
                match (kind.as_deref(), items) {
                    (None, Some(items)) => self.list_items(items, vec![field("items")]),
                    (Some(kind), _) if kind.ends_with("List") => match items {
                        Some(items) => self.list_items(items, vec![field("items")]),
                        None => Vec::new(),
                    },
                    _ => single(self.object_with(kind, &entries)),
                }
            }
            _ => single(self.object(root)),
        }
    }

    /// Each item of a List (or a bare sequence) as an object of its own.
    fn list_items(&self, idx: usize, prefix: Vec<PathSegment>) -> Vec<Item> {
        let mut items = Vec::new();
        let result = self.items(idx, &mut |item| {
            let mut path = prefix.clone();
            path.push(PathSegment::Index(items.len()));
            items.push(Item { prefix: path, start: item, read: self.object(item) });
            Ok(())
        });
        if let Err(error) = result {
            let error = prefix.iter().rev().fold(error, |e, segment| e.under(segment.clone()));
            items.push(Item { prefix: Vec::new(), start: idx, read: Err(error) });
        }
        items
    }

    fn kind(&self, entries: &[(&str, usize)]) -> Res<Option<String>> {
        match entries.iter().find(|(key, _)| *key == "kind") {
            Some((_, value)) => self.string(*value).map_err(|e| e.under(field("kind"))),
            None => Ok(None),
        }
    }

    /// One object: a mapping with `kind`.
    fn object(&self, idx: usize) -> Res<Read> {
        let idx = self.resolve(idx)?;
        match self.shape(idx) {
            Shape::Null => Ok(Read::Empty),
            Shape::Mapping => {
                let entries = self.entries(idx, 0)?;
                let kind = self.kind(&entries)?;
                self.object_with(kind, &entries)
            }
            _ => Err(self.unexpected(idx, "an API object (a mapping with `kind`)")),
        }
    }

    fn object_with(&self, kind: Option<String>, entries: &[(&str, usize)]) -> Res<Read> {
        let Some(kind) = kind else { return Ok(Read::NoKind) };
        let read_fields = |read: &mut dyn FnMut(&str, usize) -> Res<()>| -> Res<()> {
            for &(key, value) in entries {
                read(key, value).map_err(|e| e.under(field(key)))?;
            }
            Ok(())
        };
        let object = match kind.as_str() {
            "Service" => {
                let mut service = raw::Service::default();
                read_fields(&mut |key, v| {
                    match key {
                        "metadata" => service.metadata = self.object_meta(v)?,
                        "spec" => service.spec = self.service_spec(v)?,
                        "status" => service.status = self.service_status(v)?,
                        _ => {}
                    }
                    Ok(())
                })?;
                raw::Object::Service(service)
            }
            "Pod" => {
                let mut pod = raw::Pod::default();
                read_fields(&mut |key, v| {
                    match key {
                        "metadata" => pod.metadata = self.object_meta(v)?,
                        "spec" => pod.spec = self.pod_spec(v)?,
                        "status" => pod.status = self.pod_status(v)?,
                        _ => {}
                    }
                    Ok(())
                })?;
                raw::Object::Pod(pod)
            }
            "Node" => {
                let mut node = raw::Node::default();
                read_fields(&mut |key, v| {
                    match key {
                        "metadata" => node.metadata = self.object_meta(v)?,
                        "spec" => node.spec = self.node_spec(v)?,
                        "status" => node.status = self.node_status(v)?,
                        _ => {}
                    }
                    Ok(())
                })?;
                raw::Object::Node(node)
            }
            "EndpointSlice" => {
                let mut slice = raw::EndpointSlice::default();
                read_fields(&mut |key, v| {
                    match key {
                        "metadata" => slice.metadata = self.object_meta(v)?,
                        "addressType" => slice.address_type = self.string(v)?,
                        "endpoints" => slice.endpoints = self.list(v, Self::endpoint)?,
                        "ports" => slice.ports = self.list(v, Self::endpoint_port)?,
                        _ => {}
                    }
                    Ok(())
                })?;
                raw::Object::EndpointSlice(slice)
            }
            _ => {
                // Another kind: only its name is wanted, for the notice; nothing is an error.
                let name = entries
                    .iter()
                    .find(|(key, _)| *key == "metadata")
                    .and_then(|(_, metadata)| self.entries(*metadata, 0).ok())
                    .and_then(|metadata| {
                        let (_, name) = metadata.into_iter().find(|(key, _)| *key == "name")?;
                        self.string(name).ok().flatten()
                    });
                return Ok(Read::Skipped { kind, name });
            }
        };
        Ok(Read::Object(object))
    }

    // ------------------------------------------------------------ the API types

    fn object_meta(&self, idx: usize) -> Res<raw::ObjectMeta> {
        let mut meta = raw::ObjectMeta::default();
        self.fields(idx, &mut |key, v| {
            match key {
                "name" => meta.name = self.string(v)?,
                "namespace" => meta.namespace = self.string(v)?,
                "labels" => meta.labels = self.string_map(v)?.unwrap_or_default(),
                "creationTimestamp" => meta.creation_timestamp = self.string(v)?,
                "deletionTimestamp" => meta.deletion_timestamp = self.string(v)?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(meta)
    }

    fn service_spec(&self, idx: usize) -> Res<raw::ServiceSpec> {
        let mut spec = raw::ServiceSpec::default();
        self.fields(idx, &mut |key, v| {
            match key {
                "type" => spec.type_ = self.string(v)?,
                "selector" => spec.selector = self.string_map(v)?,
                "ports" => spec.ports = self.list(v, Self::service_port)?,
                "clusterIP" => spec.cluster_ip = self.string(v)?,
                "clusterIPs" => spec.cluster_ips = self.strings(v)?,
                "externalIPs" => spec.external_ips = self.strings(v)?,
                "externalName" => spec.external_name = self.string(v)?,
                "externalTrafficPolicy" => spec.external_traffic_policy = self.string(v)?,
                "internalTrafficPolicy" => spec.internal_traffic_policy = self.string(v)?,
                "healthCheckNodePort" => spec.health_check_node_port = self.int(v)?,
                "loadBalancerIP" => spec.load_balancer_ip = self.string(v)?,
                "loadBalancerSourceRanges" => spec.load_balancer_source_ranges = self.strings(v)?,
                "loadBalancerClass" => spec.load_balancer_class = self.string(v)?,
                "allocateLoadBalancerNodePorts" => {
                    spec.allocate_load_balancer_node_ports = self.boolean(v)?
                }
                "sessionAffinity" => spec.session_affinity = self.string(v)?,
                "sessionAffinityConfig" => {
                    spec.session_affinity_config = self.session_affinity_config(v)?
                }
                "publishNotReadyAddresses" => spec.publish_not_ready_addresses = self.boolean(v)?,
                "ipFamilies" => spec.ip_families = self.strings(v)?,
                "trafficDistribution" => spec.traffic_distribution = self.string(v)?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(spec)
    }

    fn session_affinity_config(&self, idx: usize) -> Res<Option<raw::SessionAffinityConfig>> {
        if matches!(self.shape(self.resolve(idx)?), Shape::Null) {
            return Ok(None);
        }
        let mut config = raw::SessionAffinityConfig::default();
        self.fields(idx, &mut |key, v| {
            if key == "clientIP" && !matches!(self.shape(self.resolve(v)?), Shape::Null) {
                let mut client_ip = raw::ClientIpConfig::default();
                self.fields(v, &mut |key, v| {
                    if key == "timeoutSeconds" {
                        client_ip.timeout_seconds = self.int(v)?;
                    }
                    Ok(())
                })?;
                config.client_ip = Some(client_ip);
            }
            Ok(())
        })?;
        Ok(Some(config))
    }

    fn service_port(&self, idx: usize) -> Res<raw::ServicePort> {
        let mut port = raw::ServicePort::default();
        self.fields(idx, &mut |key, v| {
            match key {
                "name" => port.name = self.string(v)?,
                "protocol" => port.protocol = self.string(v)?,
                "appProtocol" => port.app_protocol = self.string(v)?,
                "port" => port.port = self.int(v)?,
                "targetPort" => port.target_port = self.int_or_string(v)?,
                "nodePort" => port.node_port = self.int(v)?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(port)
    }

    fn service_status(&self, idx: usize) -> Res<raw::ServiceStatus> {
        let mut status = raw::ServiceStatus::default();
        self.fields(idx, &mut |key, v| {
            if key == "loadBalancer" {
                self.fields(v, &mut |key, v| {
                    if key == "ingress" {
                        status.load_balancer.ingress = self.list(v, Self::ingress)?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
        Ok(status)
    }

    fn ingress(&self, idx: usize) -> Res<raw::LoadBalancerIngress> {
        let mut ingress = raw::LoadBalancerIngress::default();
        self.fields(idx, &mut |key, v| {
            match key {
                "ip" => ingress.ip = self.string(v)?,
                "hostname" => ingress.hostname = self.string(v)?,
                "ipMode" => ingress.ip_mode = self.string(v)?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(ingress)
    }

    fn pod_spec(&self, idx: usize) -> Res<raw::PodSpec> {
        let mut spec = raw::PodSpec::default();
        self.fields(idx, &mut |key, v| {
            match key {
                "nodeName" => spec.node_name = self.string(v)?,
                "hostNetwork" => spec.host_network = self.boolean(v)?,
                "hostname" => spec.hostname = self.string(v)?,
                "subdomain" => spec.subdomain = self.string(v)?,
                "containers" => spec.containers = self.list(v, Self::container)?,
                "initContainers" => spec.init_containers = self.list(v, Self::container)?,
                "readinessGates" => {
                    spec.readiness_gates = self.list(v, |r, idx| {
                        let mut gate = raw::ReadinessGate::default();
                        r.fields(idx, &mut |key, v| {
                            if key == "conditionType" {
                                gate.condition_type = r.string(v)?;
                            }
                            Ok(())
                        })?;
                        Ok(gate)
                    })?
                }
                _ => {}
            }
            Ok(())
        })?;
        Ok(spec)
    }

    fn container(&self, idx: usize) -> Res<raw::Container> {
        let mut container = raw::Container::default();
        self.fields(idx, &mut |key, v| {
            match key {
                "name" => container.name = self.string(v)?,
                "restartPolicy" => container.restart_policy = self.string(v)?,
                "ports" => {
                    container.ports = self.list(v, |r, idx| {
                        let mut port = raw::ContainerPort::default();
                        r.fields(idx, &mut |key, v| {
                            match key {
                                "name" => port.name = r.string(v)?,
                                "containerPort" => port.container_port = r.int(v)?,
                                "protocol" => port.protocol = r.string(v)?,
                                _ => {}
                            }
                            Ok(())
                        })?;
                        Ok(port)
                    })?
                }
                _ => {}
            }
            Ok(())
        })?;
        Ok(container)
    }

    fn pod_status(&self, idx: usize) -> Res<raw::PodStatus> {
        let mut status = raw::PodStatus::default();
        self.fields(idx, &mut |key, v| {
            match key {
                "phase" => status.phase = self.string(v)?,
                "reason" => status.reason = self.string(v)?,
                "podIP" => status.pod_ip = self.string(v)?,
                "podIPs" => {
                    status.pod_ips = self.list(v, |r, idx| {
                        let mut pod_ip = raw::PodIp::default();
                        r.fields(idx, &mut |key, v| {
                            if key == "ip" {
                                pod_ip.ip = r.string(v)?;
                            }
                            Ok(())
                        })?;
                        Ok(pod_ip)
                    })?
                }
                "hostIP" => status.host_ip = self.string(v)?,
                "nominatedNodeName" => status.nominated_node_name = self.string(v)?,
                "conditions" => status.conditions = self.list(v, Self::condition)?,
                "containerStatuses" => {
                    status.container_statuses = self.list(v, Self::container_status)?
                }
                "initContainerStatuses" => {
                    status.init_container_statuses = self.list(v, Self::container_status)?
                }
                _ => {}
            }
            Ok(())
        })?;
        Ok(status)
    }

    fn condition(&self, idx: usize) -> Res<raw::Condition> {
        let mut condition = raw::Condition::default();
        self.fields(idx, &mut |key, v| {
            match key {
                "type" => condition.type_ = self.string(v)?,
                "status" => condition.status = self.string(v)?,
                "reason" => condition.reason = self.string(v)?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(condition)
    }

    fn container_status(&self, idx: usize) -> Res<raw::ContainerStatus> {
        let mut status = raw::ContainerStatus::default();
        self.fields(idx, &mut |key, v| {
            match key {
                "name" => status.name = self.string(v)?,
                "ready" => status.ready = self.boolean(v)?,
                "restartCount" => status.restart_count = self.int(v)?,
                "started" => status.started = self.boolean(v)?,
                "state" => status.state = self.container_state(v)?,
                "lastState" => status.last_state = self.container_state(v)?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(status)
    }

    fn container_state(&self, idx: usize) -> Res<Option<raw::ContainerState>> {
        if matches!(self.shape(self.resolve(idx)?), Shape::Null) {
            return Ok(None);
        }
        let mut state = raw::ContainerState::default();
        self.fields(idx, &mut |key, v| {
            match key {
                "running" => state.running = self.state_detail(v)?,
                "waiting" => state.waiting = self.state_detail(v)?,
                "terminated" => state.terminated = self.state_detail(v)?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(Some(state))
    }

    fn state_detail(&self, idx: usize) -> Res<Option<raw::ContainerStateDetail>> {
        if matches!(self.shape(self.resolve(idx)?), Shape::Null) {
            return Ok(None);
        }
        let mut detail = raw::ContainerStateDetail::default();
        self.fields(idx, &mut |key, v| {
            match key {
                "reason" => detail.reason = self.string(v)?,
                "exitCode" => detail.exit_code = self.int(v)?,
                "signal" => detail.signal = self.int(v)?,
                "startedAt" => detail.started_at = self.string(v)?,
                "finishedAt" => detail.finished_at = self.string(v)?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(Some(detail))
    }

    fn node_spec(&self, idx: usize) -> Res<raw::NodeSpec> {
        let mut spec = raw::NodeSpec::default();
        self.fields(idx, &mut |key, v| {
            match key {
                "podCIDR" => spec.pod_cidr = self.string(v)?,
                "podCIDRs" => spec.pod_cidrs = self.strings(v)?,
                "unschedulable" => spec.unschedulable = self.boolean(v)?,
                "taints" => {
                    spec.taints = self.list(v, |r, idx| {
                        let mut taint = raw::Taint::default();
                        r.fields(idx, &mut |key, v| {
                            match key {
                                "key" => taint.key = r.string(v)?,
                                "value" => taint.value = r.string(v)?,
                                "effect" => taint.effect = r.string(v)?,
                                _ => {}
                            }
                            Ok(())
                        })?;
                        Ok(taint)
                    })?
                }
                "providerID" => spec.provider_id = self.string(v)?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(spec)
    }

    fn node_status(&self, idx: usize) -> Res<raw::NodeStatus> {
        let mut status = raw::NodeStatus::default();
        self.fields(idx, &mut |key, v| {
            match key {
                "addresses" => {
                    status.addresses = self.list(v, |r, idx| {
                        let mut address = raw::NodeAddress::default();
                        r.fields(idx, &mut |key, v| {
                            match key {
                                "type" => address.type_ = r.string(v)?,
                                "address" => address.address = r.string(v)?,
                                _ => {}
                            }
                            Ok(())
                        })?;
                        Ok(address)
                    })?
                }
                "conditions" => status.conditions = self.list(v, Self::condition)?,
                "nodeInfo" => status.node_info = self.node_info(v)?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(status)
    }

    fn node_info(&self, idx: usize) -> Res<Option<raw::NodeSystemInfo>> {
        if matches!(self.shape(self.resolve(idx)?), Shape::Null) {
            return Ok(None);
        }
        let mut info = raw::NodeSystemInfo::default();
        self.fields(idx, &mut |key, v| {
            match key {
                "kubeletVersion" => info.kubelet_version = self.string(v)?,
                "osImage" => info.os_image = self.string(v)?,
                "kernelVersion" => info.kernel_version = self.string(v)?,
                "containerRuntimeVersion" => info.container_runtime_version = self.string(v)?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(Some(info))
    }

    fn endpoint(&self, idx: usize) -> Res<raw::Endpoint> {
        let mut endpoint = raw::Endpoint::default();
        self.fields(idx, &mut |key, v| {
            match key {
                "addresses" => endpoint.addresses = self.strings(v)?,
                "conditions" => {
                    let conditions = &mut endpoint.conditions;
                    self.fields(v, &mut |key, v| {
                        match key {
                            "ready" => conditions.ready = self.boolean(v)?,
                            "serving" => conditions.serving = self.boolean(v)?,
                            "terminating" => conditions.terminating = self.boolean(v)?,
                            _ => {}
                        }
                        Ok(())
                    })?;
                }
                "nodeName" => endpoint.node_name = self.string(v)?,
                "zone" => endpoint.zone = self.string(v)?,
                "hints" => endpoint.hints = self.endpoint_hints(v)?,
                "targetRef" => endpoint.target_ref = self.object_reference(v)?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(endpoint)
    }

    fn endpoint_hints(&self, idx: usize) -> Res<Option<raw::EndpointHints>> {
        if matches!(self.shape(self.resolve(idx)?), Shape::Null) {
            return Ok(None);
        }
        let named = |r: &Self, idx| {
            let mut hint = raw::NamedHint::default();
            r.fields(idx, &mut |key, v| {
                if key == "name" {
                    hint.name = r.string(v)?;
                }
                Ok(())
            })?;
            Ok(hint)
        };
        let mut hints = raw::EndpointHints::default();
        self.fields(idx, &mut |key, v| {
            match key {
                "forZones" => hints.for_zones = self.list(v, named)?,
                "forNodes" => hints.for_nodes = self.list(v, named)?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(Some(hints))
    }

    fn object_reference(&self, idx: usize) -> Res<Option<raw::ObjectReference>> {
        if matches!(self.shape(self.resolve(idx)?), Shape::Null) {
            return Ok(None);
        }
        let mut reference = raw::ObjectReference::default();
        self.fields(idx, &mut |key, v| {
            match key {
                "kind" => reference.kind = self.string(v)?,
                "name" => reference.name = self.string(v)?,
                "namespace" => reference.namespace = self.string(v)?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(Some(reference))
    }

    fn endpoint_port(&self, idx: usize) -> Res<raw::EndpointPort> {
        let mut port = raw::EndpointPort::default();
        self.fields(idx, &mut |key, v| {
            match key {
                "name" => port.name = self.string(v)?,
                "port" => port.port = self.int(v)?,
                "protocol" => port.protocol = self.string(v)?,
                "appProtocol" => port.app_protocol = self.string(v)?,
                _ => {}
            }
            Ok(())
        })?;
        Ok(port)
    }
}

fn field(name: &str) -> PathSegment {
    PathSegment::Field(name.to_string())
}

// ---------------------------------------------------------------- YAML 1.2's core schema

/// `null`, `Null`, `NULL`, `~`, or nothing at all.
fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// `80`, `+80`, `-1`, `0x50`, `0o120`; `None` for anything else or out of range.
fn parse_int(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(hex) = digits.strip_prefix("0x") {
        (16, hex)
    } else if let Some(octal) = digits.strip_prefix("0o") {
        (8, octal)
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(digits, radix).ok()?;
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

enum PlainType {
    Int,
    Float,
    Bool,
    Text,
}

/// What YAML makes of a plain scalar that is not null.
fn plain_type(text: &str) -> PlainType {
    if parse_bool(text).is_some() {
        return PlainType::Bool;
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let is_int = !unsigned.is_empty()
        && (unsigned.bytes().all(|b| b.is_ascii_digit())
            || unsigned
                .strip_prefix("0x")
                .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()))
            || unsigned
                .strip_prefix("0o")
                .is_some_and(|o| !o.is_empty() && o.bytes().all(|b| (b'0'..=b'7').contains(&b))));
    if is_int {
        return PlainType::Int;
    }
    if is_float(unsigned) {
        return PlainType::Float;
    }
    PlainType::Text
}

/// `1.5`, `.5`, `1e3`, `2.`, `.inf`, `.nan` (sign already removed).
fn is_float(text: &str) -> bool {
    if matches!(text, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (text.get(..at).unwrap_or(""), text.get(at + 1..)),
        None => (text, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let has_digits = !(whole.is_empty() && fraction.is_empty());
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    has_digits
        && digits(whole)
        && digits(fraction)
        && exponent_ok
        && (mantissa.contains('.') || exponent.is_some())
}
