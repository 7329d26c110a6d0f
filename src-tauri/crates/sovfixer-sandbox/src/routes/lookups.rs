//! Read-only lookups: `GET /output_formats` and `GET /sov/history/{id}`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use super::UrlOrigin;
use crate::catalog::standard_formats;
use crate::responses::{json_response, not_found};
use crate::state::{Inner, Job, JobStatus, SandboxState};

/// Scoped by `sovid` (an SOV or SUD id); without it, the caller's default team formats.
/// `division_uuid` / `team_uuid` are accepted and answered with the default list.
pub async fn output_formats(
    State(state): State<Arc<SandboxState>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let formats = match query.get("sovid").filter(|s| !s.is_empty()) {
        None => standard_formats(),
        Some(id) => {
            let inner = state.lock();
            let sov_id = inner
                .jobs
                .get(id)
                .map_or(id.as_str(), |job| job.sov_id.as_str());
            match inner.sovs.get(sov_id) {
                Some(sov) => sov.formats.clone(),
                None => return not_found(),
            }
        }
    };
    json_response(StatusCode::OK, json!({ "output_formats": formats }))
}

fn previous_id(inner: &Inner, job: &Job) -> String {
    inner
        .jobs
        .values()
        .filter(|other| {
            other.sov_id == job.sov_id && other.revision < job.revision && other.is_finished()
        })
        .max_by_key(|other| other.revision)
        .map_or_else(|| job.sov_id.clone(), |other| other.id.clone())
}

fn sud_history(inner: &Inner, job: &Job, origin: &UrlOrigin) -> Value {
    let result = job.result.as_ref();
    let outputs: Vec<Value> = result
        .filter(|_| job.status == JobStatus::Complete)
        .map(|r| {
            r.outputs
                .iter()
                .map(|o| {
                    json!({
                        "url": origin.output_url(&job.id, &o.filename),
                        "filename": o.filename,
                        "description": o.description,
                        "output_format": o.output_format,
                        "completed_time": job.completed_at,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let failed = job.status == JobStatus::Failed;
    let rows: u64 = job.uploads.iter().map(|u| u.rows).sum();
    json!({"result": {
        "id": job.id,
        "sovid": job.id,
        "record_type": job.record_type,
        "revision": job.revision,
        "previous_sovid": previous_id(inner, job),
        "original_sovid": job.sov_id,
        "status": if failed { "F" } else { "C" },
        "completed_time": job.completed_at,
        "client_ref": job.client_ref,
        "source_filename": job.uploads.first().map(|u| u.filename.clone()),
        "num_rows": rows,
        "incremental": true,
        "error_message": if failed { result.map(|r| r.message.clone()) } else { None },
        "outputs": outputs,
    }})
}

/// An SOV (revision 0) or a finished SUD; an unfinished SUD is not in the history yet.
pub async fn history(
    State(state): State<Arc<SandboxState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let origin = UrlOrigin::for_request(&state, &headers);
    let inner = state.lock();
    if let Some(sov) = inner.sovs.get(&id) {
        let body = json!({"result": {
            "id": sov.id,
            "sovid": sov.id,
            "record_type": "ORIG",
            "revision": 0,
            "previous_sovid": null,
            "original_sovid": sov.id,
            "status": "C",
            "completed_time": sov.parsed_at,
            "client_ref": null,
            "source_filename": sov.source_filename,
            "sheet_name": sov.buildings.first().map(|b| b.sheet_name.clone()),
            "num_rows": sov.buildings.len(),
            "incremental": false,
            "error_message": null,
            "outputs": [],
        }});
        return json_response(StatusCode::OK, body);
    }
    match inner.jobs.get(&id).filter(|job| job.is_finished()) {
        Some(job) => json_response(StatusCode::OK, sud_history(&inner, job, &origin)),
        None => not_found(),
    }
}
