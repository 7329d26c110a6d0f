//! The `/api/v1` endpoints of the SOV Fixer update workflow.

// Handlers return early with the finished error `Response`; it is built once per request,
// so boxing it would only add noise.
#![allow(clippy::result_large_err)]

mod activity;
mod building;
mod download;
mod history_list;
mod initiate;
mod locations;
mod lookups;
mod output_requests;
mod paging;
mod start;
mod status;

pub use crate::urls::{client_origin, UrlOrigin};

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;

use crate::responses::{json_response, not_found};
use crate::state::SandboxState;

pub fn api_router() -> Router<Arc<SandboxState>> {
    Router::new()
        .route(
            "/sov/{sovid}/initiate_update",
            post(initiate::initiate_update),
        )
        .route(
            "/sov/update/{id}/add_locations",
            // Locations files may be hundreds of MB; they are streamed to disk, never buffered.
            post(locations::add_locations).layer(DefaultBodyLimit::disable()),
        )
        .route("/sov/update/{id}/start", post(start::start))
        .route("/sov/update/{id}", get(status::status))
        .route("/sov/{id}/output/{filename}", get(download::download))
        .route("/output_formats", get(lookups::output_formats))
        .route("/sov/history", get(history_list::history_list))
        .route("/sov/history/{id}", get(lookups::history))
        .route("/sov/activity", get(activity::activity))
        .route(
            "/sov/{id}/get_or_create_output",
            post(output_requests::get_or_create_output),
        )
        .route(
            "/sov/get_or_create_output/{request_id}",
            get(output_requests::output_request),
        )
        .route("/building/{item_key}", get(building::building))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(fallback_not_found)
}

/// The second listener's routes: output downloads only, at the API's paths, without a token.
pub fn output_origin_router() -> Router<Arc<SandboxState>> {
    Router::new()
        .route(
            "/api/v1/sov/{id}/output/{filename}",
            get(download::download),
        )
        .fallback(fallback_not_found)
}

async fn fallback_not_found() -> Response {
    not_found()
}

async fn method_not_allowed(method: Method) -> Response {
    json_response(
        StatusCode::METHOD_NOT_ALLOWED,
        json!({"detail": format!("Method \"{method}\" not allowed.")}),
    )
}

/// JSON type names as DRF words them in validation errors.
pub fn json_type_name(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "NoneType",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(n) if n.is_f64() => "float",
        serde_json::Value::Number(_) => "int",
        serde_json::Value::String(_) => "str",
        serde_json::Value::Array(_) => "list",
        serde_json::Value::Object(_) => "dict",
    }
}
