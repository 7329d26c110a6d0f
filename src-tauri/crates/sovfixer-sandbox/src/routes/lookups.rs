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
use crate::sov::ParseStatus;
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

/// An SOV (revision 0, with its latest revision and updates) or a finished SUD; an unfinished SUD, or an SOV
/// still parsing, is not in the history yet.
pub async fn history(
    State(state): State<Arc<SandboxState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let origin = UrlOrigin::for_request(&state, &headers);
    let inner = state.lock();
    if let Some(sov) = inner.sovs.get(&id) {
        let revisions = inner.revisions.get(&id).cloned().unwrap_or_default();
        let (status, error_message) = match &sov.parse {
            ParseStatus::Complete => ("C", None),
            ParseStatus::Failed(message) => ("F", Some(message.clone())),
            ParseStatus::InProgress(_) => return not_found(),
        };
        let updates: Vec<Value> = revisions
            .iter()
            .filter(|r| r.number > 0)
            .map(|r| json!({"id": r.id, "revision": r.number, "record_type": r.record_type, "completed_time": r.completed_time}))
            .collect();
        let body = json!({"result": {
            "id": sov.id,
            "sovid": sov.id,
            "record_type": "ORIG",
            "revision": 0,
            "latest_revision": revisions.last().map(|r| r.number),
            "updates": updates,
            "previous_sovid": null,
            "original_sovid": sov.id,
            "status": status,
            "completed_time": sov.parsed_at,
            "client_ref": null,
            "source_filename": sov.source_filename,
            "insured_name": sov.insured_name,
            "sheet_name": sov.buildings.first().map(|b| b.sheet_name.clone()),
            "num_rows": sov.buildings.len(),
            "incremental": false,
            "error_message": error_message,
            "outputs": [],
        }});
        return json_response(StatusCode::OK, body);
    }
    if let Some(job) = inner.jobs.get(&id) {
        return match job.is_finished() {
            true => json_response(StatusCode::OK, sud_history(&inner, job, &origin)),
            false => not_found(),
        };
    }
    // A seeded update: finished before the sandbox started, so it has no job and no files of its own.
    match inner.revision_by_id(&id) {
        Some((sov, revision)) => {
            let previous = inner
                .revisions
                .get(&sov.id)
                .and_then(|list| list.iter().rev().find(|r| r.number < revision.number))
                .map(|r| r.id.clone());
            json_response(
                StatusCode::OK,
                json!({"result": {
                    "id": revision.id,
                    "sovid": revision.id,
                    "record_type": revision.record_type,
                    "revision": revision.number,
                    "previous_sovid": previous,
                    "original_sovid": sov.id,
                    "status": "C",
                    "completed_time": revision.completed_time,
                    "client_ref": revision.client_ref,
                    "source_filename": "corrections.csv",
                    "num_rows": revision.num_rows,
                    "incremental": true,
                    "error_message": null,
                    "outputs": [],
                }}),
            )
        }
        None => not_found(),
    }
}
