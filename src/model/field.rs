//! Field errors worded exactly as apimachinery's `field.Error` prints them, so that each
//! model error reads like the cause line kubectl shows (facts 7.3).
//!
//! Source: apimachinery `pkg/util/validation/field/errors.go` — `Error.Error`, `ErrorBody`.

use crate::input::span::FieldPath;

/// The bad value in an error, printed as Go's `field.Error` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    /// A Go string: printed with `%q`.
    Str(String),
    /// A Go number: printed plain.
    Int(i64),
    /// Already in Go's `%#v` form (`[]string{"1.1.1.1"}`, `core.ServicePort{…}`).
    Go(String),
}

impl Value {
    pub(crate) fn str(text: &str) -> Self {
        Value::Str(text.to_string())
    }

    fn render(&self) -> String {
        match self {
            Value::Str(text) => go_quote(text),
            Value::Int(number) => number.to_string(),
            Value::Go(text) => text.clone(),
        }
    }
}

/// One rejected field: the API server's text plus what svcroute adds for a learner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    /// The path as the API server prints it.
    pub path: FieldPath,
    /// Where to point in the pasted text, when that differs from `path` (the API reports
    /// `spec.clusterIPs[0]` for a manifest that only wrote `clusterIP`).
    pub at: Option<FieldPath>,
    /// The whole cause line: `spec.ports[0].port: Invalid value: 0: must be between …`.
    pub message: String,
    pub help: String,
}

impl FieldError {
    fn new(path: FieldPath, body: String) -> Self {
        let message = format!("{path}: {body}");
        Self { path, at: None, message, help: String::new() }
    }

    /// `field.Invalid`.
    pub(crate) fn invalid(path: FieldPath, value: Value, detail: &str) -> Self {
        let body = with_detail(format!("Invalid value: {}", value.render()), detail);
        Self::new(path, body)
    }

    /// `field.Required`: no value is printed.
    pub(crate) fn required(path: FieldPath, detail: &str) -> Self {
        Self::new(path, with_detail("Required value".to_string(), detail))
    }

    /// `field.Forbidden`: no value is printed.
    pub(crate) fn forbidden(path: FieldPath, detail: &str) -> Self {
        Self::new(path, with_detail("Forbidden".to_string(), detail))
    }

    /// `field.Duplicate`.
    pub(crate) fn duplicate(path: FieldPath, value: Value) -> Self {
        Self::new(path, format!("Duplicate value: {}", value.render()))
    }

    /// `field.NotSupported`, with the supported values sorted and quoted.
    pub(crate) fn not_supported(path: FieldPath, value: &str, supported: &[&str]) -> Self {
        let mut supported: Vec<&str> = supported.to_vec();
        crate::sort::sort_by(&mut supported, |a, b| a.cmp(b));
        let list: Vec<String> = supported.iter().map(|value| go_quote(value)).collect();
        let body = format!(
            "Unsupported value: {}: supported values: {}",
            go_quote(value),
            list.join(", ")
        );
        Self::new(path, body)
    }

    /// `errors.NewInternalError`: kubectl prints it without a field path.
    pub(crate) fn internal(path: FieldPath, detail: &str) -> Self {
        Self {
            path,
            at: None,
            message: format!("Internal error occurred: {detail}"),
            help: String::new(),
        }
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }

    pub(crate) fn at(mut self, at: FieldPath) -> Self {
        self.at = Some(at);
        self
    }
}

fn with_detail(mut body: String, detail: &str) -> String {
    if !detail.is_empty() {
        body.push_str(": ");
        body.push_str(detail);
    }
    body
}

/// Go's `%q` for the strings a manifest can hold: `"`, `\` and control characters escaped.
pub(crate) fn go_quote(text: &str) -> String {
    // The escapes Go's `%q` uses for what API objects hold (quotes, backslashes, control
    // characters) are the ones every svcroute message uses.
    crate::diagnostic::quote(text)
}

/// Go's `%#v` of a `[]string`: `[]string{"a", "b"}`.
pub(crate) fn go_string_slice(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|value| go_quote(value)).collect();
    format!("[]string{{{}}}", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> FieldPath {
        FieldPath::parse(text)
    }

    #[test]
    fn messages_read_as_kubectl_prints_the_cause() {
        let error = FieldError::invalid(
            path("spec.ports[0].nodePort"),
            Value::Int(40000),
            "provided port is not in the valid range. The range of valid ports is 30000-32767",
        );
        assert_eq!(
            error.message,
            "spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. The range of valid ports is 30000-32767"
        );
        assert_eq!(
            FieldError::required(path("spec.ports"), "").message,
            "spec.ports: Required value"
        );
        assert_eq!(
            FieldError::forbidden(
                path("spec.ports[0].nodePort"),
                "may not be used when `type` is 'ClusterIP'"
            )
            .message,
            "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"
        );
        assert_eq!(
            FieldError::not_supported(path("spec.ports[0].protocol"), "HTTP", &["TCP", "UDP", "SCTP"]).message,
            "spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""
        );
        assert_eq!(
            FieldError::duplicate(path("spec.ports[1].name"), Value::str("http")).message,
            "spec.ports[1].name: Duplicate value: \"http\""
        );
    }

    #[test]
    fn go_formatting_of_strings_and_slices() {
        assert_eq!(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(
            go_string_slice(&["1.1.1.1".to_string(), "::1".to_string()]),
            "[]string{\"1.1.1.1\", \"::1\"}"
        );
    }
}
