//! `POST /sov/{id}/get_or_create_output` and `GET /sov/get_or_create_output/{request_id}` (contract §5.9–5.10).
//!
//! An output already made for that revision and format (by an update or an earlier request) answers at once,
//! `COMPLETE`, with an `immediately-done-…` id; otherwise the request is `PENDING`, then `IN_PROGRESS`, and
//! `COMPLETE` after the `output_delay` knob.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::initiate::parse_body_fields;
use super::UrlOrigin;
use crate::output_maker::spawn_output;
use crate::responses::{field_error, json_response, not_found};
use crate::sov::{ParseStatus, Sov};
use crate::state::{
    new_request_uuid, Inner, JobStatus, OutputRequest, Revision, SandboxState, StoredOutput,
};

fn bad_request(detail: String) -> Response {
    json_response(StatusCode::BAD_REQUEST, json!({ "detail": detail }))
}

/// `revision`: -1 (latest) by default; a whole number, as JSON or form text.
fn requested_revision(fields: &Map<String, Value>) -> Result<i64, Response> {
    match fields.get("revision") {
        None | Some(Value::Null) => Ok(-1),
        Some(Value::Number(n)) => n
            .as_i64()
            .ok_or_else(|| field_error("revision", "A valid integer is required.")),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map_err(|_| field_error("revision", "A valid integer is required.")),
        Some(_) => Err(field_error("revision", "A valid integer is required.")),
    }
}

fn overwrite_existing(fields: &Map<String, Value>) -> Result<bool, Response> {
    match fields.get("overwrite_existing") {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) => match s.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(true),
            "false" | "0" | "no" | "off" | "" => Ok(false),
            _ => Err(field_error(
                "overwrite_existing",
                "Must be a valid boolean.",
            )),
        },
        Some(_) => Err(field_error(
            "overwrite_existing",
            "Must be a valid boolean.",
        )),
    }
}

/// The revision an id names: an SOV id with `revision` (-1 latest), or an update id (revision ignored).
fn resolve(inner: &Inner, id: &str, revision: i64) -> Result<(Arc<Sov>, Revision), Response> {
    if let Some(sov) = inner.sovs.get(id) {
        let list = inner.revisions.get(id).cloned().unwrap_or_default();
        let Some(latest) = list.last() else {
            return Err(bad_request(match &sov.parse {
                ParseStatus::InProgress(_) => format!(
                    "SOV {id} is still being parsed; its outputs can be requested once it is complete."
                ),
                _ => format!("SOV {id} failed to parse, so it has no data to output."),
            }));
        };
        let chosen = if revision == -1 {
            Some(latest.clone())
        } else {
            list.iter()
                .find(|r| i64::from(r.number) == revision)
                .cloned()
        };
        return chosen.map(|r| (sov.clone(), r)).ok_or_else(|| {
            field_error(
                "revision",
                format!(
                    "SOV {id} has no revision {revision}; its latest is {}.",
                    latest.number
                ),
            )
        });
    }
    if let Some((sov, revision)) = inner.revision_by_id(id) {
        return Ok((sov.clone(), revision.clone()));
    }
    match inner.jobs.get(id) {
        Some(job) if job.status == JobStatus::Failed => Err(bad_request(format!(
            "Update {id} failed, so it has no data to output."
        ))),
        Some(_) => Err(bad_request(format!(
            "Update {id} has not completed yet; request its outputs once it is COMPLETE."
        ))),
        None => Err(not_found()),
    }
}

/// An output already made for this revision and format: by get_or_create_output, or by the update itself.
fn cached(inner: &Inner, revision_id: &str, format: &str) -> Option<StoredOutput> {
    inner
        .made_outputs
        .get(&(revision_id.to_string(), format.to_string()))
        .cloned()
        .or_else(|| {
            inner
                .jobs
                .get(revision_id)
                .and_then(|job| job.result.as_ref())
                .and_then(|r| r.outputs.iter().find(|o| o.output_format == format))
                .cloned()
        })
}

fn body(request: &OutputRequest, origin: &UrlOrigin) -> Value {
    let mut body = json!({"request": {
        "id": request.id,
        "status": request.status.as_str(),
        "pct_complete": request.pct_complete,
    }});
    if let Some(output) = &request.output {
        body["result"] = json!({
            "label": output.description,
            "output_format": output.output_format,
            "scrubbed_filename": output.filename,
            "url": origin.output_url(&request.revision_id, &output.filename),
        });
    }
    if let Some(message) = &request.error {
        body["result"] = json!({"status": "FAILED_TO_PROCESS", "message": message});
    }
    body
}

pub async fn get_or_create_output(
    State(state): State<Arc<SandboxState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw_body: Bytes,
) -> Response {
    let fields = match parse_body_fields(&headers, &raw_body) {
        Ok(fields) => fields,
        Err(response) => return response,
    };
    let (revision, overwrite) = match (requested_revision(&fields), overwrite_existing(&fields)) {
        (Ok(revision), Ok(overwrite)) => (revision, overwrite),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let requested_format = match fields.get("output_format") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(Value::String(_)) => {
            return field_error("output_format", "This field may not be blank.")
        }
        None | Some(Value::Null) => return field_error("output_format", "This field is required."),
        Some(_) => return field_error("output_format", "Not a valid string."),
    };
    let origin = UrlOrigin::for_request(&state, &headers);
    let mut inner = state.lock();
    let (sov, revision) = match resolve(&inner, &id, revision) {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Some(format) = sov.format(&requested_format).cloned() else {
        let allowed: Vec<&str> = sov
            .formats
            .iter()
            .map(|f| f.output_format.as_str())
            .collect();
        return field_error(
            "output_format",
            format!(
                "Output format \"{requested_format}\" is not enabled for this SOV. Allowed formats: {}.",
                allowed.join(", ")
            ),
        );
    };
    let existing = (!overwrite)
        .then(|| cached(&inner, &revision.id, &format.output_format))
        .flatten();
    let immediately = existing.is_some();
    let request = OutputRequest {
        id: if immediately {
            format!("immediately-done-{}", new_request_uuid())
        } else {
            new_request_uuid()
        },
        revision_id: revision.id.clone(),
        status: if immediately {
            JobStatus::Complete
        } else {
            JobStatus::Pending
        },
        pct_complete: if immediately { 100 } else { 0 },
        output: existing,
        error: None,
    };
    let answer = body(&request, &origin);
    let request_id = request.id.clone();
    inner.output_requests.insert(request_id.clone(), request);
    drop(inner);
    if !immediately {
        spawn_output(state.clone(), request_id, sov, revision, format);
    }
    json_response(StatusCode::CREATED, answer)
}

pub async fn output_request(
    State(state): State<Arc<SandboxState>>,
    Path(request_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let origin = UrlOrigin::for_request(&state, &headers);
    let inner = state.lock();
    match inner.output_requests.get(&request_id) {
        Some(request) => json_response(StatusCode::OK, body(request, &origin)),
        None => not_found(),
    }
}
