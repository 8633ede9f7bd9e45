//! Reading one YAML or JSON value into raw API objects in a single streaming pass.
//!
//! The object's `kind` decides which struct its fields go into. kubectl puts `kind` before
//! `metadata`, `spec` and `status`, so those stream straight into typed structs; a field seen
//! before `kind` is buffered as a small `serde_yaml::Value` and replayed once the kind is known.
//! A `List` (`items` before `kind`, as kubectl sorts keys) is read item by item.

use super::raw;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::{Deserialize, Deserializer};
use serde_yaml::Value;
use std::fmt;
use std::marker::PhantomData;

/// What one value of the text held.
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
    /// A `List` (or a bare sequence) of objects.
    List(Vec<Read>),
    /// `null` or an empty document.
    Empty,
}

/// Marks an error raised while replaying a field that came before `kind`: its position is
/// that of `kind`, so the caller re-reads the document with the kind known up front.
pub(crate) const BUFFERED_MARK: &str = "\u{1}buffered\u{1}";

/// Reads one top-level value (a document, or one JSON value).
#[derive(Clone, Copy)]
pub(crate) struct TopSeed<'a> {
    /// The kind to assume from the first key on, when a first read found it late.
    pub forced_kind: Option<&'a str>,
    /// List items before this index are skipped unread: to find the position of an error in
    /// a later item once an earlier one has failed.
    pub skip_items_before: usize,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_> {
    type Value = Read;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Read, D::Error> {
        deserializer.deserialize_any(ObjectVisitor {
            is_top: true,
            forced_kind: self.forced_kind,
            skip_items_before: self.skip_items_before,
        })
    }
}

/// A top-level value as a plain `Deserialize` type, for serde_json's stream of values.
pub(crate) struct TopRead(pub Read);

impl<'de> Deserialize<'de> for TopRead {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        TopSeed { forced_kind: None, skip_items_before: 0 }.deserialize(deserializer).map(TopRead)
    }
}

struct ItemSeed;

impl<'de> DeserializeSeed<'de> for ItemSeed {
    type Value = Read;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Read, D::Error> {
        deserializer.deserialize_any(ObjectVisitor {
            is_top: false,
            forced_kind: None,
            skip_items_before: 0,
        })
    }
}

/// Reads `items` of a List: a sequence of objects (`null` is an empty list).
struct ItemsSeed {
    skip_before: usize,
}

impl<'de> DeserializeSeed<'de> for ItemsSeed {
    type Value = Vec<Read>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<Read>, D::Error> {
        deserializer.deserialize_any(ItemsVisitor { skip_before: self.skip_before })
    }
}

struct ItemsVisitor {
    skip_before: usize,
}

impl<'de> Visitor<'de> for ItemsVisitor {
    type Value = Vec<Read>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of API objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<Read>, A::Error> {
        read_items(seq, self.skip_before)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<Read>, E> {
        Ok(Vec::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<Vec<Read>, E> {
        Ok(Vec::new())
    }
}

fn read_items<'de, A: SeqAccess<'de>>(
    mut seq: A,
    skip_before: usize,
) -> Result<Vec<Read>, A::Error> {
    let mut items = Vec::new();
    while items.len() < skip_before {
        if seq.next_element::<IgnoredAny>()?.is_none() {
            return Ok(items);
        }
        items.push(Read::Empty);
    }
    while let Some(item) = seq.next_element_seed(ItemSeed)? {
        items.push(item);
    }
    Ok(items)
}

/// The fields read so far, in the struct the kind calls for.
enum Body {
    /// `kind` not seen yet: fields wait here.
    Pending(Vec<(String, Value)>),
    Service(raw::Service),
    Pod(raw::Pod),
    Node(raw::Node),
    EndpointSlice(raw::EndpointSlice),
    /// Another kind; only `metadata.name` is kept, for the notice.
    Skipped {
        metadata: Option<Value>,
    },
}

impl Body {
    fn for_kind(kind: &str) -> Body {
        match kind {
            "Service" => Body::Service(raw::Service::default()),
            "Pod" => Body::Pod(raw::Pod::default()),
            "Node" => Body::Node(raw::Node::default()),
            "EndpointSlice" => Body::EndpointSlice(raw::EndpointSlice::default()),
            _ => Body::Skipped { metadata: None },
        }
    }
}

/// Where a field's value comes from: the stream, or a value buffered before `kind`.
trait Source<'de> {
    type Error: de::Error;
    fn read<T: DeserializeOwned>(self) -> Result<T, Self::Error>;
    fn skip(self) -> Result<(), Self::Error>;
}

struct FromMap<'a, A>(&'a mut A);

impl<'de, A: MapAccess<'de>> Source<'de> for FromMap<'_, A> {
    type Error = A::Error;
    fn read<T: DeserializeOwned>(self) -> Result<T, A::Error> {
        self.0.next_value()
    }
    fn skip(self) -> Result<(), A::Error> {
        self.0.next_value::<IgnoredAny>().map(|_| ())
    }
}

struct FromValue<'k, E> {
    key: &'k str,
    value: Value,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> Source<'de> for FromValue<'_, E> {
    type Error = E;
    fn read<T: DeserializeOwned>(self) -> Result<T, E> {
        super::replay::read(self.value).map_err(|e| {
            E::custom(format_args!("{BUFFERED_MARK}{}", super::replay::error_under(self.key, &e)))
        })
    }
    fn skip(self) -> Result<(), E> {
        Ok(())
    }
}

/// Puts one top-level field into the struct for its kind; fields svcroute does not read are
/// skipped without being built.
fn apply<'de, S: Source<'de>>(body: &mut Body, key: &str, source: S) -> Result<(), S::Error> {
    match body {
        Body::Pending(_) => source.skip(),
        Body::Service(service) => match key {
            "metadata" => source.read().map(|v| service.metadata = v),
            "spec" => source.read().map(|v| service.spec = v),
            "status" => source.read().map(|v| service.status = v),
            _ => source.skip(),
        },
        Body::Pod(pod) => match key {
            "metadata" => source.read().map(|v| pod.metadata = v),
            "spec" => source.read().map(|v| pod.spec = v),
            "status" => source.read().map(|v| pod.status = v),
            _ => source.skip(),
        },
        Body::Node(node) => match key {
            "metadata" => source.read().map(|v| node.metadata = v),
            "spec" => source.read().map(|v| node.spec = v),
            "status" => source.read().map(|v| node.status = v),
            _ => source.skip(),
        },
        Body::EndpointSlice(slice) => match key {
            "metadata" => source.read().map(|v| slice.metadata = v),
            "addressType" => source.read().map(|v| slice.address_type = v),
            "endpoints" => {
                source.read::<Option<_>>().map(|v| slice.endpoints = v.unwrap_or_default())
            }
            "ports" => source.read::<Option<_>>().map(|v| slice.ports = v.unwrap_or_default()),
            _ => source.skip(),
        },
        Body::Skipped { metadata } => match key {
            "metadata" => source.read().map(|v| *metadata = Some(v)),
            _ => source.skip(),
        },
    }
}

struct ObjectVisitor<'a> {
    is_top: bool,
    forced_kind: Option<&'a str>,
    skip_items_before: usize,
}

impl<'de> Visitor<'de> for ObjectVisitor<'_> {
    type Value = Read;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an API object (a mapping with `kind`)")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Read, E> {
        Ok(Read::Empty)
    }

    fn visit_none<E: de::Error>(self) -> Result<Read, E> {
        Ok(Read::Empty)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Read, A::Error> {
        if self.is_top {
            read_items(seq, self.skip_items_before).map(Read::List)
        } else {
            Err(de::Error::invalid_type(de::Unexpected::Seq, &self))
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Read, A::Error> {
        let mut kind: Option<String> = self.forced_kind.map(str::to_string);
        let mut body = match self.forced_kind {
            Some(forced) => Body::for_kind(forced),
            None => Body::Pending(Vec::new()),
        };
        let mut items: Option<Vec<Read>> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "kind" => {
                    let value: Option<String> = map.next_value()?;
                    if self.forced_kind.is_some() {
                        continue;
                    }
                    kind = value;
                    let Some(kind) = &kind else { continue };
                    let pending = std::mem::replace(&mut body, Body::for_kind(kind));
                    if let Body::Pending(fields) = pending {
                        for (key, value) in fields {
                            apply(
                                &mut body,
                                &key,
                                FromValue { key: &key, value, error: PhantomData },
                            )?;
                        }
                    }
                }
                "apiVersion" => {
                    map.next_value::<IgnoredAny>()?;
                }
                "items"
                    if self.is_top && kind.as_deref().is_none_or(|kind| kind.ends_with("List")) =>
                {
                    items = Some(
                        map.next_value_seed(ItemsSeed { skip_before: self.skip_items_before })?,
                    );
                }
                _ => match &mut body {
                    Body::Pending(fields) => {
                        let value: Value = map.next_value()?;
                        fields.push((key, value));
                    }
                    _ => apply(&mut body, &key, FromMap(&mut map))?,
                },
            }
        }
        let Some(kind) = kind else {
            return Ok(match items {
                Some(items) => Read::List(items),
                None => Read::NoKind,
            });
        };
        if kind.ends_with("List") && self.is_top {
            return Ok(Read::List(items.unwrap_or_default()));
        }
        Ok(match body {
            Body::Service(service) => Read::Object(raw::Object::Service(service)),
            Body::Pod(pod) => Read::Object(raw::Object::Pod(pod)),
            Body::Node(node) => Read::Object(raw::Object::Node(node)),
            Body::EndpointSlice(slice) => Read::Object(raw::Object::EndpointSlice(slice)),
            Body::Skipped { metadata } => {
                let name = metadata
                    .as_ref()
                    .and_then(|metadata| metadata.get("name"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                Read::Skipped { kind, name }
            }
            Body::Pending(_) => Read::NoKind,
        })
    }
}

/// Reads one List item from a value, when a List is read again after an error.
pub(crate) fn read_item_value(value: Value) -> Result<Read, serde_yaml::Error> {
    super::replay::read_seed(value, ItemSeed)
}
