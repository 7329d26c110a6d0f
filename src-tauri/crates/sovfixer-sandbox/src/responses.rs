//! Response bodies shaped like the service's (Django REST framework conventions).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::faults::InjectedError;

pub fn json_response(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

pub fn not_found() -> Response {
    json_response(StatusCode::NOT_FOUND, json!({"detail": "Not found."}))
}

/// A DRF field error: `{"<field>": ["<message>"]}`.
pub fn field_error(field: &str, message: impl Into<String>) -> Response {
    json_response(StatusCode::BAD_REQUEST, json!({ field: [message.into()] }))
}

pub fn unauthorized(detail: &str) -> Response {
    let mut response = json_response(StatusCode::UNAUTHORIZED, json!({ "detail": detail }));
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Token"));
    response
}

/// An injected error, as a proxy (502 HTML page) or the service (JSON) would send it.
pub fn injected_error(error: &InjectedError) -> Response {
    let retry_after_s = error.retry_after_s;
    let code = StatusCode::from_u16(error.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let mut response = match code {
        _ if error.body.is_some() => {
            let body = error.body.clone().unwrap_or_default();
            let content_type = if body.starts_with('<') {
                "text/html"
            } else {
                "application/json"
            };
            (code, [(header::CONTENT_TYPE, content_type)], body).into_response()
        }
        StatusCode::BAD_GATEWAY => (
            code,
            [(header::CONTENT_TYPE, "text/html")],
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
        )
            .into_response(),
        StatusCode::TOO_MANY_REQUESTS => json_response(
            code,
            json!({"detail": format!(
                "Request was throttled. Expected available in {} seconds.",
                retry_after_s.unwrap_or(1)
            )}),
        ),
        StatusCode::SERVICE_UNAVAILABLE => json_response(
            code,
            json!({"detail": "Service temporarily unavailable, try again later."}),
        ),
        _ => json_response(
            code,
            json!({"detail": format!("Injected error {}.", code.as_u16())}),
        ),
    };
    let retry_after = match code {
        StatusCode::TOO_MANY_REQUESTS => Some(retry_after_s.unwrap_or(1)),
        StatusCode::SERVICE_UNAVAILABLE => retry_after_s,
        _ => None,
    };
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}
