//! `POST /sov/{sovid}/initiate_update`: creates a pending update job (SUD).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::catalog::{DEFAULT_UPDATE_TYPE, UPDATE_TYPES};
use crate::responses::{field_error, json_response, not_found};
use crate::state::{new_request_uuid, Job, JobStatus, SandboxState};

/// Reads a body sent as JSON, as a form, or not at all (the official example sends none).
pub fn parse_body_fields(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Map<String, Value>, Response> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).map_err(|e| {
            json_response(
                StatusCode::BAD_REQUEST,
                json!({"detail": format!("Form parse error - {e}")}),
            )
        })?;
        return Ok(pairs
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect());
    }
    if content_type.starts_with("application/json") || content_type.is_empty() {
        let value: Value = serde_json::from_slice(body).map_err(|e| {
            json_response(
                StatusCode::BAD_REQUEST,
                json!({"detail": format!("JSON parse error - {e}")}),
            )
        })?;
        return match value {
            Value::Object(map) => Ok(map),
            other => Err(json_response(
                StatusCode::BAD_REQUEST,
                json!({"non_field_errors": [format!(
                    "Invalid data. Expected a dictionary, but got {}.",
                    super::json_type_name(&other)
                )]}),
            )),
        };
    }
    Err(json_response(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        json!({"detail": format!("Unsupported media type \"{content_type}\" in request.")}),
    ))
}

fn optional_text(fields: &Map<String, Value>, name: &str) -> Result<Option<String>, Response> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => {
            Err(field_error(name, "This field may not be blank."))
        }
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(field_error(name, "Not a valid string.")),
    }
}

pub async fn initiate_update(
    State(state): State<Arc<SandboxState>>,
    Path(sovid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !state.lock().sovs.contains_key(&sovid) {
        return not_found();
    }
    let fields = match parse_body_fields(&headers, &body) {
        Ok(fields) => fields,
        Err(response) => return response,
    };
    let update_type = match fields.get("update_type") {
        None | Some(Value::Null) => DEFAULT_UPDATE_TYPE.to_string(),
        Some(Value::String(s)) if UPDATE_TYPES.contains(&s.as_str()) => s.clone(),
        Some(Value::String(s)) => {
            return field_error("update_type", format!("\"{s}\" is not a valid choice."))
        }
        Some(other) => {
            return field_error("update_type", format!("\"{other}\" is not a valid choice."))
        }
    };
    let callback_url = match optional_text(&fields, "callback_url") {
        Ok(Some(url)) if !(url.starts_with("http://") || url.starts_with("https://")) => {
            return field_error("callback_url", "Enter a valid URL.")
        }
        Ok(url) => url,
        Err(response) => return response,
    };
    let client_ref = match optional_text(&fields, "client_ref") {
        Ok(value) => value,
        Err(response) => return response,
    };

    let mut inner = state.lock();
    let revision = {
        let next = inner.next_revision.entry(sovid.clone()).or_insert(0);
        *next += 1;
        *next
    };
    let id = format!("{sovid}-r{revision:03}");
    let job = Job {
        id: id.clone(),
        sov_id: sovid,
        revision,
        record_type: update_type,
        request_uuid: new_request_uuid(),
        client_ref,
        callback_url,
        uploads: Vec::new(),
        start: None,
        status: JobStatus::Pending,
        pct_complete: None,
        last_health_status: None,
        last_health_check_time: None,
        completed_at: None,
        result: None,
        dir: state.files.path().join(&id),
        script: None,
    };
    inner.jobs.insert(id.clone(), job);
    json_response(StatusCode::CREATED, json!({"message": "OK", "id": id}))
}
