//! The name, port and address checks of apimachinery's `util/validation`, returning the
//! API server's own messages (one message per failed check, as the Go code does).
//!
//! Source: apimachinery `pkg/util/validation/validation.go` — `IsDNS1035Label`,
//! `IsDNS1123Label`, `IsDNS1123Subdomain`, `IsValidPortName`, `IsValidPortNum`,
//! `IsQualifiedName`, `IsValidLabelValue`, `IsValidIP`, `IsValidCIDR`;
//! k8s `pkg/apis/core/validation/validation.go` — `ValidateNonSpecialIP`.

use super::Cidr;
use std::net::IpAddr;

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QUALIFIED_NAME_ERR: &str =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/// `IsValidIP`'s message.
pub(crate) const INVALID_IP: &str = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
/// `IsValidCIDR`'s message.
pub(crate) const INVALID_CIDR: &str =
    "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";
/// `IsValidPortNum`'s message.
pub(crate) const INVALID_PORT_NUM: &str = "must be between 1 and 65535, inclusive";

/// apimachinery `RegexError`: note the two spaces before `or`, which the Go code prints.
fn regex_error(message: &str, fmt: &str, examples: &[&str]) -> String {
    let mut text = format!("{message} (e.g. ");
    for (idx, example) in examples.iter().enumerate() {
        if idx > 0 {
            text.push_str(" or ");
        }
        text.push('\'');
        text.push_str(example);
        text.push_str("', ");
    }
    text.push_str("regex used for validation is '");
    text.push_str(fmt);
    text.push_str("')");
    text
}

fn max_len_error(length: usize) -> String {
    format!("must be no more than {length} characters")
}

fn is_lower_alnum(byte: u8) -> bool {
    byte.is_ascii_lowercase() || byte.is_ascii_digit()
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
fn matches_dns1123_label(value: &str) -> bool {
    let bytes = value.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) => {
            is_lower_alnum(first)
                && is_lower_alnum(last)
                && bytes.iter().all(|&b| is_lower_alnum(b) || b == b'-')
        }
        _ => false,
    }
}

fn matches_dns1123_subdomain(value: &str) -> bool {
    value.split('.').all(matches_dns1123_label)
}

/// `IsDNS1035Label`: Service names.
pub(crate) fn is_dns1035_label(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > 63 {
        errors.push(max_len_error(63));
    }
    let bytes = value.as_bytes();
    let matches =
        matches_dns1123_label(value) && bytes.first().is_some_and(|b| b.is_ascii_lowercase());
    if !matches {
        errors.push(regex_error(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
            DNS1035_LABEL_FMT,
            &["my-name", "abc-123"],
        ));
    }
    errors
}

/// `IsDNS1123Label`: Service port names, namespaces.
pub(crate) fn is_dns1123_label(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > 63 {
        errors.push(max_len_error(63));
    }
    if !matches_dns1123_label(value) {
        if matches_dns1123_subdomain(value) {
            errors.push("must not contain dots".to_string());
        } else {
            errors.push(regex_error(
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    errors
}

/// `IsDNS1123Subdomain`: Pod names, externalName, label key prefixes.
pub(crate) fn is_dns1123_subdomain(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > 253 {
        errors.push(max_len_error(253));
    }
    if !matches_dns1123_subdomain(value) {
        errors.push(regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errors
}

/// `IsValidPortName` (IANA_SVC_NAME): a string targetPort or a container port name.
pub(crate) fn is_valid_port_name(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > 15 {
        errors.push(max_len_error(15));
    }
    let bytes = value.as_bytes();
    if bytes.is_empty() || !bytes.iter().all(|&b| is_lower_alnum(b) || b == b'-') {
        errors.push(
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_string(),
        );
    }
    if !bytes.iter().any(u8::is_ascii_lowercase) {
        errors.push("must contain at least one letter (a-z)".to_string());
    }
    if value.contains("--") {
        errors.push("must not contain consecutive hyphens".to_string());
    }
    if bytes.first() == Some(&b'-') || bytes.last() == Some(&b'-') {
        errors.push("must not begin or end with a hyphen".to_string());
    }
    errors
}

/// `IsValidPortNum`.
pub(crate) fn is_valid_port_num(port: i64) -> bool {
    (1..=65535).contains(&port)
}

fn matches_qualified_name_part(value: &str) -> bool {
    let bytes = value.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        }
        _ => false,
    }
}

/// `IsQualifiedName`: label keys (`app`, `app.kubernetes.io/name`).
pub(crate) fn is_qualified_name(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    // `prefix/name` with one '/' at most; no list of parts to build.
    let name = match value.split_once('/') {
        None => value,
        Some((prefix, name)) if !name.contains('/') => {
            if prefix.is_empty() {
                errors.push("prefix part must be non-empty".to_string());
            } else {
                for msg in is_dns1123_subdomain(prefix) {
                    errors.push(format!("prefix part {msg}"));
                }
            }
            name
        }
        Some(_) => {
            errors.push(format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, &["MyName", "my.name", "123-abc"])
            ));
            return errors;
        }
    };
    if name.is_empty() {
        errors.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errors.push(format!("name part {}", max_len_error(63)));
    }
    if !matches_qualified_name_part(name) {
        errors.push(format!(
            "name part {}",
            regex_error(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, &["MyName", "my.name", "123-abc"])
        ));
    }
    errors
}

/// `IsValidLabelValue`: selector and label values (may be empty).
pub(crate) fn is_valid_label_value(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > 63 {
        errors.push(max_len_error(63));
    }
    if !value.is_empty() && !matches_qualified_name_part(value) {
        errors.push(regex_error(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            &format!("({QUALIFIED_NAME_FMT})?"),
            &["MyValue", "my_value", "12345"],
        ));
    }
    errors
}

/// Parses an IP as the API server does. Go's `ParseIPSloppy` also accepts leading zeros
/// (`010.0.0.1`); Rust does not. Not modelled: that difference.
pub(crate) fn parse_ip(text: &str) -> Option<IpAddr> {
    super::net::parse_ip(text)
}

/// `IsValidCIDR` (after the `TrimSpace` that loadBalancerSourceRanges gets).
pub(crate) fn parse_cidr(text: &str) -> Option<Cidr> {
    text.parse().ok()
}

/// `ValidateNonSpecialIP`: what externalIPs may not be (facts 7.5).
pub(crate) fn non_special_ip_errors(text: &str, ip: IpAddr) -> Vec<String> {
    let mut errors = Vec::new();
    if ip.is_unspecified() {
        errors.push(format!("may not be unspecified ({text})"));
    }
    if ip.is_loopback() {
        errors.push("may not be in the loopback range (127.0.0.0/8, ::1/128)".to_string());
    }
    let is_link_local_unicast = match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80,
    };
    if is_link_local_unicast {
        errors.push("may not be in the link-local range (169.254.0.0/16, fe80::/10)".to_string());
    }
    let is_link_local_multicast = match ip {
        IpAddr::V4(v4) => v4.octets()[0] == 224 && v4.octets()[1] == 0 && v4.octets()[2] == 0,
        IpAddr::V6(v6) => (v6.segments()[0] & 0xff0f) == 0xff02,
    };
    if is_link_local_multicast {
        errors.push(
            "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)".to_string(),
        );
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_are_dns1035_labels() {
        assert!(is_dns1035_label("kiada").is_empty());
        assert_eq!(
            is_dns1035_label("1web"),
            ["a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]
        );
        assert_eq!(is_dns1035_label(&"a".repeat(64)).len(), 1);
    }

    #[test]
    fn port_names_fail_each_iana_check_separately() {
        assert!(is_valid_port_name("http").is_empty());
        assert_eq!(is_valid_port_name("8080"), ["must contain at least one letter (a-z)"]);
        assert_eq!(
            is_valid_port_name("-Http--"),
            [
                "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                "must not contain consecutive hyphens",
                "must not begin or end with a hyphen"
            ]
        );
        assert_eq!(
            is_valid_port_name("a-very-long-port-name"),
            ["must be no more than 15 characters"]
        );
    }

    #[test]
    fn labels_and_dots() {
        assert_eq!(is_dns1123_label("my.port"), ["must not contain dots"]);
        assert!(is_qualified_name("app.kubernetes.io/name").is_empty());
        assert_eq!(is_qualified_name("/name"), ["prefix part must be non-empty"]);
        let two_slashes = is_qualified_name("a/b/c");
        assert_eq!(two_slashes.len(), 1);
        assert!(two_slashes[0].starts_with("a qualified name must consist of"));
        assert!(is_valid_label_value("").is_empty());
        assert_eq!(is_valid_label_value("-x").len(), 1);
    }

    #[test]
    fn special_ips_are_named() {
        let errors = |text: &str| non_special_ip_errors(text, text.parse().unwrap());
        assert_eq!(errors("0.0.0.0"), ["may not be unspecified (0.0.0.0)"]);
        assert_eq!(
            errors("127.0.0.1"),
            ["may not be in the loopback range (127.0.0.0/8, ::1/128)"]
        );
        assert_eq!(
            errors("169.254.1.1"),
            ["may not be in the link-local range (169.254.0.0/16, fe80::/10)"]
        );
        assert_eq!(
            errors("224.0.0.5"),
            ["may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"]
        );
        assert!(errors("203.0.113.10").is_empty());
    }
}
