//! `GET /sov/update/{id}`: the job's request block, and its result once finished.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::{client_origin, UrlOrigin};
use crate::processing::next_scripted_status;
use crate::responses::{json_response, not_found};
use crate::state::SandboxState;
use crate::status_body::status_body;

pub async fn status(
    State(state): State<Arc<SandboxState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    next_scripted_status(&state, &id, client_origin(&state, &headers)).await;
    let origin = UrlOrigin::for_request(&state, &headers);
    let body = {
        let inner = state.lock();
        match inner.jobs.get(&id) {
            Some(job) => status_body(job, &origin),
            None => return not_found(),
        }
    };
    json_response(StatusCode::OK, body)
}
