//! Permalinks: a whole [`Scenario`] as a URL fragment (`v1.` + base64url of zlib-deflated
//! text) and back. The page writes and reads the fragment; `svcroute link` prints it.
//!
//! A fragment is only data: decoding never runs anything and never panics, however hostile.
//! It rejects anything that would inflate past [`MAX_INFLATED`] before allocating it.
//!
//! The text inside, version 1, is one `key value` line per field in a fixed order, a blank
//! line, then the manifests verbatim:
//!
//! ```text
//! svcroute 1
//! namespace default
//! service kiada
//! port name:http
//! entry node-port
//! node kind-worker
//! client external
//! external-traffic-policy -
//! internal-traffic-policy -
//! load-balancer-support on
//! compare off
//! seed 1
//! speed 1
//!
//! apiVersion: v1
//! …
//! ```
//!
//! `-` means "not chosen" (the default). Values escape `%`, line breaks and a leading `-` as
//! `%25`, `%0A`, `%0D` and `%2D`, so any name survives.

use crate::diagnostic;
use crate::model::net::{parse_ip, Ip};
use crate::model::TrafficPolicy;
use crate::route::{EntryKind, PortSelector};
use crate::scenario::{ClientChoice, Scenario};
use std::fmt;

/// The tag in front of every fragment this version writes.
pub const PREFIX: &str = "v1.";

/// The largest scenario text a fragment may inflate to (1 MiB): far above any real set of
/// manifests, far below what would hurt the page.
pub const MAX_INFLATED: usize = 1 << 20;

/// The longest fragment decoded at all; the base64 of a maximally compressed 1 MiB is far
/// shorter.
const MAX_FRAGMENT: usize = 1 << 20;

/// The first line of the text inside.
const MAGIC: &str = "svcroute 1";

/// Why a fragment cannot be read. Its `Display` is a sentence for the learner who opened
/// the link; the page then shows the default scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FragmentError {
    /// Nothing after `#`.
    Empty,
    /// Longer than [`MAX_FRAGMENT`] characters.
    TooLong { len: usize },
    /// Starts with another version tag (`v7.`): written by a newer svcroute.
    UnknownVersion { version: String },
    /// Not a svcroute link at all (no `v1.` tag).
    NotALink,
    /// A character that is not base64url, at this 0-based position after the tag.
    BadBase64 { position: usize, found: char },
    /// The compressed data is cut short or altered (the checksum caught it).
    Damaged,
    /// It would inflate past [`MAX_INFLATED`] bytes.
    TooLarge,
    /// The inflated bytes are not UTF-8 text.
    NotText,
    /// The text is not svcroute's format (wrong first line, a missing field, no blank line).
    NotScenario { why: String },
    /// A field with a value svcroute does not accept.
    BadField { field: String, value: String, why: String },
}

impl fmt::Display for FragmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self {
            FragmentError::Empty => "it holds no scenario".to_string(),
            FragmentError::TooLong { len } => {
                format!("it is {len} characters long, more than any scenario needs")
            }
            FragmentError::UnknownVersion { version } => format!(
                "it was made by a newer svcroute (format {version}, this page reads v1)"
            ),
            FragmentError::NotALink => {
                "it does not start with `v1.`, so it is not a svcroute link".to_string()
            }
            FragmentError::BadBase64 { position, found } => format!(
                "it has the character `{}` at position {position}, which a svcroute link never contains (was it cut or edited by hand?)",
                diagnostic::escape(&found.to_string())
            ),
            FragmentError::Damaged => {
                "its data is cut short or altered (was it copied only in part?)".to_string()
            }
            FragmentError::TooLarge => format!(
                "it would unpack to more than {} MiB, far more than any scenario",
                MAX_INFLATED >> 20
            ),
            FragmentError::NotText => "it unpacks to something that is not text".to_string(),
            FragmentError::NotScenario { why } => format!("it is not a svcroute scenario ({why})"),
            FragmentError::BadField { field, value, why } => {
                format!("its {field} is `{}`, but {why}", diagnostic::escape(value))
            }
        };
        write!(f, "this link is damaged: {why}; showing the default scenario")
    }
}

impl std::error::Error for FragmentError {}

/// The fragment (without `#`) that restores `scenario` exactly.
///
/// ```
/// use svcroute::permalink::{from_fragment, to_fragment};
/// use svcroute::presets::default_scenario;
/// let scenario = default_scenario();
/// let fragment = to_fragment(&scenario);
/// assert!(fragment.starts_with("v1."));
/// assert_eq!(from_fragment(&fragment), Ok(scenario));
/// ```
pub fn to_fragment(scenario: &Scenario) -> String {
    let text = to_text(scenario);
    // zlib has no timestamp and the compressor is deterministic: the same scenario always
    // gives the same link.
    let compressed = zlib::compress(text.as_bytes());
    let mut fragment = String::from(PREFIX);
    base64url_encode(&compressed, &mut fragment);
    fragment
}

/// Reads a fragment (a leading `#` and surrounding whitespace are ignored).
pub fn from_fragment(fragment: &str) -> Result<Scenario, FragmentError> {
    let fragment = fragment.trim();
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.is_empty() {
        return Err(FragmentError::Empty);
    }
    if fragment.len() > MAX_FRAGMENT {
        return Err(FragmentError::TooLong { len: fragment.len() });
    }
    let Some(data) = fragment.strip_prefix(PREFIX) else {
        return Err(match version_tag(fragment) {
            Some(version) => FragmentError::UnknownVersion { version: version.to_string() },
            None => FragmentError::NotALink,
        });
    };
    let compressed = base64url_decode(data)?;
    let bytes = inflate(&compressed)?;
    let text = String::from_utf8(bytes).map_err(|_| FragmentError::NotText)?;
    from_text(&text)
}

/// `v7` of `v7.…`: a `v`, digits and a dot.
fn version_tag(fragment: &str) -> Option<&str> {
    let (tag, _) = fragment.split_once('.')?;
    let digits = tag.strip_prefix('v')?;
    (!digits.is_empty() && digits.len() <= 6 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(tag)
}

fn inflate(compressed: &[u8]) -> Result<Vec<u8>, FragmentError> {
    // The output grows by doubling up to the limit, so a bomb costs at most MAX_INFLATED.
    zlib::decompress(compressed, MAX_INFLATED).map_err(|error| match error {
        zlib::InflateError::TooLarge => FragmentError::TooLarge,
        zlib::InflateError::Damaged => FragmentError::Damaged,
    })
}

// ---------------------------------------------------------------- the text inside

/// The field names, in the order they are written and must be read.
const FIELDS: [&str; 12] = [
    "namespace",
    "service",
    "port",
    "entry",
    "node",
    "client",
    "external-traffic-policy",
    "internal-traffic-policy",
    "load-balancer-support",
    "compare",
    "seed",
    "speed",
];

fn to_text(scenario: &Scenario) -> String {
    let optional = |value: Option<&str>| value.map_or_else(|| "-".to_string(), escape);
    let on_off = |value: bool| if value { "on" } else { "off" }.to_string();
    let values: [String; 12] = [
        escape(&scenario.namespace),
        optional(scenario.service.as_deref()),
        match &scenario.port {
            PortSelector::First => "-".to_string(),
            PortSelector::Name(name) => format!("name:{}", escape(name)),
            PortSelector::Number(number) => format!("number:{number}"),
        },
        optional(scenario.entry.map(EntryKind::as_str)),
        optional(scenario.node.as_deref()),
        match &scenario.client {
            ClientChoice::External => "external".to_string(),
            ClientChoice::ExternalIp(ip) => format!("ip:{}", Ip(*ip)),
            ClientChoice::Pod(name) => format!("pod:{}", escape(name)),
            ClientChoice::Node(name) => format!("node:{}", escape(name)),
        },
        optional(scenario.external_traffic_policy.map(TrafficPolicy::as_str)),
        optional(scenario.internal_traffic_policy.map(TrafficPolicy::as_str)),
        on_off(scenario.has_load_balancer_support),
        on_off(scenario.compare),
        scenario.seed.to_string(),
        // Rust prints the shortest text that parses back to the same f64.
        scenario.speed.to_string(),
    ];
    let mut text = format!("{MAGIC}\n");
    for (field, value) in FIELDS.iter().zip(values.iter()) {
        text.push_str(field);
        text.push(' ');
        text.push_str(value);
        text.push('\n');
    }
    text.push('\n');
    text.push_str(&scenario.manifests);
    text
}

fn from_text(text: &str) -> Result<Scenario, FragmentError> {
    let not_scenario = |why: &str| FragmentError::NotScenario { why: why.to_string() };
    let Some((header, manifests)) = text.split_once("\n\n") else {
        return Err(not_scenario("no blank line before the manifests"));
    };
    let mut lines = header.split('\n');
    if lines.next() != Some(MAGIC) {
        return Err(not_scenario("its first line is not `svcroute 1`"));
    }
    let mut scenario = Scenario { manifests: manifests.to_string(), ..Scenario::default() };
    for field in FIELDS {
        let Some(line) = lines.next() else {
            return Err(not_scenario(&format!("the field `{field}` is missing")));
        };
        let value = match line.split_once(' ') {
            Some((name, value)) if name == field => value,
            _ => {
                return Err(not_scenario(&format!(
                    "expected the field `{field}`, found `{}`",
                    diagnostic::escape(&line.chars().take(40).collect::<String>())
                )))
            }
        };
        read_field(&mut scenario, field, value)?;
    }
    if let Some(line) = lines.next() {
        return Err(not_scenario(&format!(
            "an unexpected line `{}`",
            diagnostic::escape(&line.chars().take(40).collect::<String>())
        )));
    }
    Ok(scenario)
}

fn read_field(scenario: &mut Scenario, field: &str, value: &str) -> Result<(), FragmentError> {
    let bad = |why: &str| FragmentError::BadField {
        field: field.to_string(),
        value: value.chars().take(60).collect(),
        why: why.to_string(),
    };
    let optional = |value: &str| -> Result<Option<String>, FragmentError> {
        match value {
            "-" => Ok(None),
            _ => non_empty(unescape(value).ok_or_else(|| bad("it is not escaped properly"))?)
                .map(Some)
                .ok_or_else(|| bad("a name cannot be empty")),
        }
    };
    let policy = |value: &str| match value {
        "-" => Ok(None),
        "Cluster" => Ok(Some(TrafficPolicy::Cluster)),
        "Local" => Ok(Some(TrafficPolicy::Local)),
        _ => Err(bad("it must be Cluster or Local")),
    };
    let on_off = |value: &str| match value {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(bad("it must be on or off")),
    };
    match field {
        "namespace" => {
            scenario.namespace = optional(value)?.ok_or_else(|| bad("a namespace is needed"))?
        }
        "service" => scenario.service = optional(value)?,
        "port" => {
            scenario.port = if value == "-" {
                PortSelector::First
            } else if let Some(name) = value.strip_prefix("name:") {
                PortSelector::Name(optional(name)?.ok_or_else(|| bad("a port name is needed"))?)
            } else if let Some(number) = value.strip_prefix("number:") {
                PortSelector::Number(
                    number.parse().map_err(|_| bad("a port number is from 0 to 65535"))?,
                )
            } else {
                return Err(bad("it must be -, name:NAME or number:NUMBER"));
            }
        }
        "entry" => {
            scenario.entry = match value {
                "-" => None,
                _ => Some(EntryKind::parse(value).ok_or_else(|| {
                    bad("it must be load-balancer, node-port, cluster-ip or external-ip")
                })?),
            }
        }
        "node" => scenario.node = optional(value)?,
        "client" => {
            scenario.client = if value == "external" {
                ClientChoice::External
            } else if let Some(ip) = value.strip_prefix("ip:") {
                ClientChoice::ExternalIp(
                    parse_ip(ip).ok_or_else(|| bad("it is not an IP address"))?,
                )
            } else if let Some(name) = value.strip_prefix("pod:") {
                ClientChoice::Pod(optional(name)?.ok_or_else(|| bad("a pod name is needed"))?)
            } else if let Some(name) = value.strip_prefix("node:") {
                ClientChoice::Node(optional(name)?.ok_or_else(|| bad("a node name is needed"))?)
            } else {
                return Err(bad("it must be external, ip:IP, pod:NAME or node:NAME"));
            }
        }
        "external-traffic-policy" => scenario.external_traffic_policy = policy(value)?,
        "internal-traffic-policy" => scenario.internal_traffic_policy = policy(value)?,
        "load-balancer-support" => scenario.has_load_balancer_support = on_off(value)?,
        "compare" => scenario.compare = on_off(value)?,
        "seed" => {
            scenario.seed =
                value.parse().map_err(|_| bad("a seed is a whole number from 0 to 2^64-1"))?
        }
        "speed" => {
            let speed = crate::scenario::parse_speed(value)
                .filter(|speed| *speed > 0.0 && *speed <= MAX_SPEED)
                .ok_or_else(|| bad("a speed is a number above 0 and at most 100"))?;
            scenario.speed = speed;
        }
        _ => return Err(bad("svcroute has no such field")),
    }
    Ok(())
}

/// The fastest animation a link may ask for.
const MAX_SPEED: f64 = 100.0;

fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

/// Escapes `%`, line breaks and a leading `-` (which would read as "not chosen").
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (idx, ch) in value.chars().enumerate() {
        match ch {
            '%' => out.push_str("%25"),
            '\n' => out.push_str("%0A"),
            '\r' => out.push_str("%0D"),
            '-' if idx == 0 => out.push_str("%2D"),
            _ => out.push(ch),
        }
    }
    out
}

fn unescape(value: &str) -> Option<String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(idx) = rest.find('%') {
        out.push_str(rest.get(..idx)?);
        let code = rest.get(idx + 1..idx + 3)?;
        out.push(match code {
            "25" => '%',
            "0A" => '\n',
            "0D" => '\r',
            "2D" => '-',
            _ => return None,
        });
        rest = rest.get(idx + 3..)?;
    }
    out.push_str(rest);
    Some(out)
}

// ---------------------------------------------------------------- base64url (RFC 4648 §5)

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends the unpadded base64url of `bytes`.
fn base64url_encode(bytes: &[u8], out: &mut String) {
    let symbol = |bits: u32| char::from(ALPHABET[(bits & 63) as usize]);
    for chunk in bytes.chunks(3) {
        let b = [chunk.first(), chunk.get(1), chunk.get(2)].map(|b| u32::from(*b.unwrap_or(&0)));
        let group = (b[0] << 16) | (b[1] << 8) | b[2];
        out.push(symbol(group >> 18));
        out.push(symbol(group >> 12));
        if chunk.len() > 1 {
            out.push(symbol(group >> 6));
        }
        if chunk.len() > 2 {
            out.push(symbol(group));
        }
    }
}

fn base64url_value(byte: u8) -> Option<u32> {
    match byte {
        b'A'..=b'Z' => Some(u32::from(byte - b'A')),
        b'a'..=b'z' => Some(u32::from(byte - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(byte - b'0') + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

/// Decodes unpadded base64url; a length that no encoding produces counts as damage.
fn base64url_decode(text: &str) -> Result<Vec<u8>, FragmentError> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut group: u32 = 0;
    let mut n_symbols = 0;
    for (position, ch) in text.char_indices() {
        let value = u8::try_from(ch)
            .ok()
            .and_then(base64url_value)
            .ok_or(FragmentError::BadBase64 { position, found: ch })?;
        group = (group << 6) | value;
        n_symbols += 1;
        if n_symbols == 4 {
            out.extend_from_slice(&group.to_be_bytes()[1..]);
            group = 0;
            n_symbols = 0;
        }
    }
    match n_symbols {
        0 => {}
        2 => out.push((group >> 4) as u8),
        3 => {
            out.push((group >> 10) as u8);
            out.push((group >> 2) as u8);
        }
        _ => return Err(FragmentError::Damaged),
    }
    Ok(out)
}

mod zlib;

#[cfg(test)]
mod tests;
