//! `GET /building/{item_key}`: one building as its SOV's latest revision has it (contract §14.3).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::outputs::{building_json, Corrected};
use crate::responses::{json_response, not_found};
use crate::state::SandboxState;

pub async fn building(
    State(state): State<Arc<SandboxState>>,
    Path(item_key): Path<String>,
) -> Response {
    // Item keys are `i-<sovid>!<sheet>!<row>`.
    let Some(sov_id) = item_key
        .strip_prefix("i-")
        .and_then(|rest| rest.split('!').next())
    else {
        return not_found();
    };
    let inner = state.lock();
    let (Some(sov), Some(revision)) = (inner.sovs.get(sov_id), inner.latest_revision(sov_id))
    else {
        return not_found();
    };
    let Some(index) = sov.buildings.iter().position(|b| b.item_key == item_key) else {
        return not_found();
    };
    let overlay = Corrected {
        changes: revision
            .changes
            .get(&index)
            .map(|c| [(index, c.clone())].into_iter().collect())
            .unwrap_or_default(),
        rows_total: 0,
        rows_matched: 0,
        unmatched: Vec::new(),
    };
    let mut body = building_json(
        index,
        &sov.buildings[index],
        &overlay,
        inner.knobs.annotated_attributes,
    );
    body["sovid"] = json!(sov.id);
    body["revision"] = json!(revision.number);
    json_response(StatusCode::OK, body)
}
