//! `GET /sov/history`: finished parses and completed updates, newest first, in cursor pages (contract §14.2).
//! A failed update is never listed (it only shows at `GET /sov/update/{id}`); a failed parse is, with `F`.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::paging::{self, Direction, QueryPairs, SortKey};
use crate::responses::json_response;
use crate::sov::ParseStatus;
use crate::state::{Inner, SandboxState};

/// Every listed record: (sort key, item).
fn records(inner: &Inner) -> Vec<(SortKey, Value)> {
    let mut records = Vec::new();
    for sov in inner.sovs.values() {
        if let ParseStatus::Failed(_) = sov.parse {
            records.push((
                (sov.parsed_at.clone(), sov.id.clone()),
                json!({
                    "id": sov.id, "sovid": sov.id, "pingid": null, "revision": 0, "status": "F",
                    "client_ref": null, "completed_time": sov.parsed_at, "record_type": "ORIG",
                    "incremental": false, "is_data_ready": false,
                }),
            ));
        }
        for revision in inner.revisions.get(&sov.id).into_iter().flatten() {
            records.push((
                (revision.completed_time.clone(), revision.id.clone()),
                json!({
                    "id": revision.id,
                    "sovid": sov.id,
                    "pingid": null,
                    "revision": revision.number,
                    "status": "C",
                    "client_ref": revision.client_ref,
                    "completed_time": revision.completed_time,
                    "record_type": revision.record_type,
                    "incremental": revision.number > 0,
                    "is_data_ready": true,
                }),
            ));
        }
    }
    records.sort_by(|a, b| b.0.cmp(&a.0));
    records
}

pub async fn history_list(
    State(state): State<Arc<SandboxState>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let query: QueryPairs =
        serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).unwrap_or_default();
    let size = match paging::page_size(&query) {
        Ok(size) => size,
        Err(response) => return response,
    };
    let start = match paging::time_filter(&query, "start") {
        Ok(start) => start,
        Err(response) => return response,
    };
    let inner = state.lock();
    let all = records(&inner);
    drop(inner);
    let after = match paging::first(&query, "cursor_id") {
        None => None,
        Some(id) => match all.iter().find(|(key, _)| key.1 == id) {
            Some((key, _)) => Some(key.clone()),
            None => return paging::invalid_cursor(),
        },
    };
    let matching: Vec<(SortKey, Value)> = all
        .into_iter()
        .filter(|(key, _)| {
            start
                .as_ref()
                .is_none_or(|start| key.0.get(..19).unwrap_or("") >= start.as_str())
        })
        .collect();
    let page = paging::page(&matching, Direction::After(after), size);
    json_response(
        StatusCode::OK,
        json!({"cursor_id": page.next_cursor, "results": page.items}),
    )
}
