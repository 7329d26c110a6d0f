//! Turns HTTP answers and transport failures into `UpdateError`s.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::error::{ErrorKind, Resource, UpdateError};

/// Longest server body kept in an error's detail; an HTML error page can be large.
const MAX_DETAIL_CHARS: usize = 2_000;

/// What the failed request was about, so a 404 can name the right id.
pub(crate) fn error_from_response(
    status: StatusCode,
    body: &[u8],
    retry_after: Option<Duration>,
    subject: Resource,
) -> UpdateError {
    let text = String::from_utf8_lossy(body);
    let detail = format!("HTTP {}: {}", status.as_u16(), truncate(text.trim()));
    // A non-JSON body (an HTML 502 page from a proxy) simply yields `None` here.
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let kind = match status.as_u16() {
        401 | 403 => ErrorKind::CredentialsRejected {
            status: status.as_u16(),
        },
        404 => ErrorKind::NotFound(subject),
        409 => ErrorKind::JobNotPending,
        429 => ErrorKind::RateLimited { retry_after },
        400 | 422 => bad_request_kind(json.as_ref(), &text),
        code if code >= 500 => ErrorKind::ServerError { status: Some(code) },
        code => ErrorKind::ServerError { status: Some(code) },
    };
    UpdateError::new(kind, detail)
}

fn bad_request_kind(json: Option<&Value>, text: &str) -> ErrorKind {
    if let Some(messages) = json.and_then(|body| body.get("file")).map(string_list) {
        if let Some(column) = messages.iter().find_map(|m| column_of_unknown_attribute(m)) {
            return ErrorKind::InvalidAttribute {
                column: Some(column),
                file: None,
            };
        }
        if messages
            .iter()
            .any(|m| m.to_ascii_lowercase().contains("attribute"))
        {
            return ErrorKind::InvalidAttribute {
                column: None,
                file: None,
            };
        }
    }
    if is_about_output_formats(json, text) {
        return ErrorKind::FormatNotEnabled {
            allowed: allowed_formats(json, text),
        };
    }
    let reason = json
        .map(readable_messages)
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "SOV Fixer rejected the request as invalid.".to_owned());
    ErrorKind::InvalidInput { reason }
}

/// A 400 about the requested output formats (not, say, about the CSV file's format).
fn is_about_output_formats(json: Option<&Value>, text: &str) -> bool {
    let keyed =
        matches!(json, Some(Value::Object(map)) if map.keys().any(|k| k.contains("output_format")));
    let lower = text.to_ascii_lowercase();
    keyed || lower.contains("output format") || lower.contains("allowed formats")
}

/// `"sheet_row_numbah: unknown attribute"` → `sheet_row_numbah`.
fn column_of_unknown_attribute(message: &str) -> Option<String> {
    let (column, rest) = message.split_once(':')?;
    let column = column
        .trim()
        .trim_matches(|c| c == '`' || c == '"' || c == '\'');
    (rest.to_ascii_lowercase().contains("unknown") && !column.is_empty()).then(|| column.to_owned())
}

/// A DRF field error is a string or a list of strings.
fn string_list(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(string_list).collect(),
        other => vec![other.to_string()],
    }
}

/// The formats a 400 says may be requested: an explicit list field if there is one, otherwise the
/// comma-separated words after the last colon of the message.
fn allowed_formats(json: Option<&Value>, text: &str) -> Vec<String> {
    if let Some(Value::Object(map)) = json {
        for (key, value) in map {
            if key.to_ascii_lowercase().contains("allowed") {
                if let Value::Array(items) = value {
                    return items
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect();
                }
            }
        }
    }
    let messages = json
        .map(readable_messages)
        .unwrap_or_else(|| text.to_owned());
    let Some((_, tail)) = messages.rsplit_once(':') else {
        return Vec::new();
    };
    tail.split(',')
        .map(|word| {
            word.trim()
                .trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '-')
                .to_owned()
        })
        .filter(|word| !word.is_empty() && !word.contains(' '))
        .collect()
}

/// Every string inside a JSON error body, joined; good enough for "Show details" and matching.
fn readable_messages(value: &Value) -> String {
    match value {
        Value::Object(map) => map
            .values()
            .map(readable_messages)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        Value::Array(items) => items
            .iter()
            .map(readable_messages)
            .collect::<Vec<_>>()
            .join(" "),
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A transport failure (no HTTP answer, or the answer broke off).
pub(crate) fn error_from_transport(error: &reqwest::Error) -> UpdateError {
    // reqwest's Display never includes request headers, so the token cannot leak into the detail.
    let detail = error_chain(error);
    let kind = if error.is_timeout() {
        ErrorKind::TimedOut
    } else if error.is_connect() || error.is_request() || error.is_body() {
        ErrorKind::NetworkUnreachable
    } else if error.is_decode() {
        ErrorKind::ServerError { status: None }
    } else {
        ErrorKind::NetworkUnreachable
    };
    UpdateError::new(kind, detail)
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// The answer was 2xx but not the JSON we expected.
pub(crate) fn unreadable_success(status: StatusCode, body: &[u8], why: &str) -> UpdateError {
    let text = String::from_utf8_lossy(body);
    UpdateError::new(
        ErrorKind::ServerError {
            status: Some(status.as_u16()),
        },
        format!(
            "HTTP {} with a body SOV Updater could not read ({why}): {}",
            status.as_u16(),
            truncate(text.trim())
        ),
    )
}

fn truncate(text: &str) -> String {
    if text.chars().count() <= MAX_DETAIL_CHARS {
        return text.to_owned();
    }
    let cut: String = text.chars().take(MAX_DETAIL_CHARS).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(status: u16, body: &str) -> UpdateError {
        error_from_response(
            StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT),
            body.as_bytes(),
            None,
            Resource::Update("s-1-r001".into()),
        )
    }

    #[test]
    fn unknown_attribute_as_string_or_list() {
        for body in [
            r#"{"file": "sheet_row_numbah: unknown attribute"}"#,
            r#"{"file": ["sheet_row_numbah: unknown attribute"]}"#,
        ] {
            let error = map(400, body);
            assert_eq!(error.code(), sov_error::Code::InvalidAttribute);
            assert_eq!(
                error.kind(),
                &ErrorKind::InvalidAttribute {
                    column: Some("sheet_row_numbah".into()),
                    file: None
                }
            );
        }
    }

    #[test]
    fn format_not_enabled_lists_allowed_formats() {
        let error = map(
            400,
            r#"{"output_formats": ["Output format 'XLSX' is not enabled. Allowed formats: JSON, CSV"]}"#,
        );
        assert_eq!(
            error.kind(),
            &ErrorKind::FormatNotEnabled {
                allowed: vec!["JSON".into(), "CSV".into()]
            }
        );
        assert!(error.message().contains("JSON, CSV"));
        let explicit = map(
            400,
            r#"{"message": "output format not enabled", "allowed_formats": ["JSON"]}"#,
        );
        assert_eq!(
            explicit.kind(),
            &ErrorKind::FormatNotEnabled {
                allowed: vec!["JSON".into()]
            }
        );
    }

    #[test]
    fn other_format_complaints_are_not_about_output_formats() {
        let error = map(400, r#"{"detail": "Unsupported file format."}"#);
        assert_eq!(error.code(), sov_error::Code::InvalidInput);
        assert!(error.message().contains("Unsupported file format."));
    }

    #[test]
    fn html_error_page_is_a_server_error_not_a_panic() {
        let error = map(502, "<html><body><h1>502 Bad Gateway</h1></body></html>");
        assert_eq!(error.code(), sov_error::Code::ServerError);
        assert!(error.detail().contains("502 Bad Gateway"));
        let garbage = map(400, "\u{0}\u{1}not json at all");
        assert_eq!(garbage.code(), sov_error::Code::InvalidInput);
    }

    #[test]
    fn status_codes_map_to_codes() {
        assert_eq!(
            map(401, r#"{"detail": "Invalid token."}"#).code(),
            sov_error::Code::CredentialsRejected
        );
        assert_eq!(map(403, "").code(), sov_error::Code::CredentialsRejected);
        assert_eq!(map(409, "{}").code(), sov_error::Code::JobNotPending);
        assert_eq!(map(429, "").code(), sov_error::Code::RateLimited);
        assert_eq!(map(503, "").code(), sov_error::Code::ServerError);
        let not_found = map(404, r#"{"detail": "Not found."}"#);
        assert_eq!(not_found.code(), sov_error::Code::NotFound);
        assert!(not_found.message().contains("s-1-r001"));
        let bad_type = map(
            400,
            r#"{"update_type": ["\"BOGUS\" is not a valid choice."]}"#,
        );
        assert_eq!(bad_type.code(), sov_error::Code::InvalidInput);
        assert!(bad_type.message().contains("BOGUS"));
    }

    #[test]
    fn long_bodies_are_truncated_in_detail() {
        let body = "x".repeat(10_000);
        assert!(map(500, &body).detail().chars().count() < 2_100);
    }
}
