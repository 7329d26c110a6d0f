//! `POST /sov/update/{id}/start`: validates the request and queues processing.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::initiate::parse_body_fields;
use super::{client_origin, json_type_name};
use crate::clock::UtcTime;
use crate::processing::spawn_job;
use crate::responses::{field_error, json_response, not_found};
use crate::sov::Sov;
use crate::state::{JobStatus, SandboxState, StartRequest};

fn not_pending() -> Response {
    json_response(
        StatusCode::CONFLICT,
        json!({"message": "rejected start as SUD not pending"}),
    )
}

fn string_list(fields: &Map<String, Value>, name: &str) -> Result<Vec<String>, Response> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(field_error(name, format!("Not a valid string: {other}."))),
            })
            .collect(),
        Some(other) => Err(field_error(
            name,
            format!(
                "Expected a list of items but got type \"{}\".",
                json_type_name(other)
            ),
        )),
    }
}

fn object_or_empty(fields: &Map<String, Value>, name: &str) -> Result<Value, Response> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(Value::Null),
        Some(Value::Object(map)) => Ok(Value::Object(map.clone())),
        Some(other) => Err(field_error(
            name,
            format!(
                "Expected a dictionary of items but got type \"{}\".",
                json_type_name(other)
            ),
        )),
    }
}

/// Canonical spellings of the requested formats; JSON when none were asked for.
fn resolve_formats(sov: &Sov, requested: &[String]) -> Result<Vec<String>, Response> {
    if requested.is_empty() {
        return Ok(vec!["JSON".to_string()]);
    }
    let mut canonical: Vec<String> = Vec::new();
    for name in requested {
        let Some(format) = sov.format(name) else {
            let allowed: Vec<&str> = sov
                .formats
                .iter()
                .map(|f| f.output_format.as_str())
                .collect();
            return Err(field_error(
                "output_formats",
                format!(
                    "Output format \"{name}\" is not enabled for this SOV. Allowed formats: {}.",
                    allowed.join(", ")
                ),
            ));
        };
        if !canonical.contains(&format.output_format) {
            canonical.push(format.output_format.clone());
        }
    }
    Ok(canonical)
}

fn parse_start(sov: &Sov, fields: &Map<String, Value>) -> Result<StartRequest, Response> {
    let extra_data = match object_or_empty(fields, "extra_data")? {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let outputter_name = match fields.get("outputter_name") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::String(_)) => {
            return Err(field_error(
                "outputter_name",
                "This field may not be blank.",
            ))
        }
        Some(_) => return Err(field_error("outputter_name", "Not a valid string.")),
    };
    Ok(StartRequest {
        extra_data,
        output_formats: resolve_formats(sov, &string_list(fields, "output_formats")?)?,
        policy_terms: object_or_empty(fields, "policy_terms")?,
        outputter_name,
        metadata: object_or_empty(fields, "metadata")?,
        integrations: string_list(fields, "integrations")?,
    })
}

pub async fn start(
    State(state): State<Arc<SandboxState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let sov = {
        let inner = state.lock();
        let Some(job) = inner.jobs.get(&id) else {
            return not_found();
        };
        if job.is_started() {
            return not_pending();
        }
        match inner.sovs.get(&job.sov_id) {
            Some(sov) => sov.clone(),
            None => return not_found(),
        }
    };
    let fields = match parse_body_fields(&headers, &body) {
        Ok(fields) => fields,
        Err(response) => return response,
    };
    let request = match parse_start(&sov, &fields) {
        Ok(request) => request,
        Err(response) => return response,
    };
    {
        let mut inner = state.lock();
        let inner_script = inner.knobs.status_script.clone();
        let Some(job) = inner.jobs.get_mut(&id) else {
            return not_found();
        };
        if job.is_started() {
            return not_pending();
        }
        if job.uploads.is_empty() {
            return json_response(
                StatusCode::BAD_REQUEST,
                json!({"message": "No locations file was added to this SUD; call add_locations before start."}),
            );
        }
        job.start = Some(request);
        job.script = inner_script.map(std::collections::VecDeque::from);
        job.status = JobStatus::Pending;
        job.pct_complete = Some(0);
        job.last_health_status = Some("Queued for processing.".to_string());
        job.last_health_check_time = Some(UtcTime::now().iso());
    }
    spawn_job(state.clone(), id, client_origin(&state, &headers));
    json_response(StatusCode::CREATED, json!({"message": "OK"}))
}
