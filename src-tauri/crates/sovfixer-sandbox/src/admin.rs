//! `/__sandbox/*`: the admin API (loopback only, no token) over `SandboxControl`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Deserializer};
use serde_json::json;

use crate::control::{CreateSovError, SandboxControl};
use crate::faults::{Endpoint, Fault};
use crate::responses::json_response;
use crate::state::{SandboxState, ScriptedOutput, ScriptedStatus};

pub fn admin_router() -> Router<Arc<SandboxState>> {
    Router::new()
        .route("/state", get(state_view))
        .route("/config", post(update_config))
        .route("/requests", get(requests))
        .route("/callbacks", get(callbacks))
        .route("/reset", post(reset))
        .route("/sovs", post(create_sov))
}

/// The admin API changes what the service answers, so only this computer may use it.
pub async fn loopback_only(request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    match peer {
        Some(ip) if ip.is_loopback() => next.run(request).await,
        _ => json_response(
            StatusCode::FORBIDDEN,
            json!({"detail": "The sandbox admin API only answers requests from this computer."}),
        ),
    }
}

fn control(state: &Arc<SandboxState>) -> SandboxControl {
    SandboxControl {
        state: state.clone(),
    }
}

fn config_view(state: &SandboxState) -> serde_json::Value {
    let inner = state.lock();
    let faults: HashMap<Endpoint, Fault> = inner.knobs.faults.all().clone();
    json!({
        "token": state.token,
        "processing_ms": inner.knobs.processing.as_millis() as u64,
        "faults": faults,
        "output_url_base": inner.knobs.output_url_base,
        "relative_output_urls": inner.knobs.relative_output_urls,
        "output_delay_ms": inner.knobs.output_delay.as_millis() as u64,
        "annotated_attributes": inner.knobs.annotated_attributes,
        "ignored_attribute": inner.knobs.ignored_attribute,
        "queued_faults": inner.knobs.faults.queued(),
        "record_bodies": inner.knobs.record_bodies,
        "scripted_outputs": inner.knobs.scripted_outputs,
        "status_script": inner.knobs.status_script,
    })
}

async fn state_view(State(state): State<Arc<SandboxState>>) -> Response {
    let control = control(&state);
    let sovs: Vec<String> = state.lock().sovs.keys().cloned().collect();
    json_response(
        StatusCode::OK,
        json!({
            "base_url": state.base_url,
            "output_origin_url": state.output_origin_url,
            "config": config_view(&state),
            "demo_sovs": control.demo_sovs(),
            "sovs": sovs,
            "jobs": control.jobs(),
        }),
    )
}

/// Distinguishes an absent key (leave as is) from `null` (clear it).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A partial update: only the keys given change. A fault given for an endpoint replaces its
/// previous fault; `null` removes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigPatch {
    processing_ms: Option<u64>,
    #[serde(default)]
    faults: HashMap<Endpoint, Option<Fault>>,
    #[serde(default, deserialize_with = "present")]
    output_url_base: Option<Option<String>>,
    relative_output_urls: Option<bool>,
    output_delay_ms: Option<u64>,
    annotated_attributes: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    ignored_attribute: Option<Option<String>>,
    /// Appended to each endpoint's scripted faults (one request each, in order).
    #[serde(default)]
    queue_faults: HashMap<Endpoint, Vec<Fault>>,
    record_bodies: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    scripted_outputs: Option<Option<Vec<ScriptedOutput>>>,
    #[serde(default, deserialize_with = "present")]
    status_script: Option<Option<Vec<ScriptedStatus>>>,
}

async fn update_config(
    State(state): State<Arc<SandboxState>>,
    body: axum::body::Bytes,
) -> Response {
    let patch: ConfigPatch = match serde_json::from_slice(&body) {
        Ok(patch) => patch,
        Err(e) => {
            return json_response(
                StatusCode::BAD_REQUEST,
                json!({"detail": format!("Invalid sandbox config: {e}")}),
            )
        }
    };
    {
        let mut inner = state.lock();
        if let Some(ms) = patch.processing_ms {
            inner.knobs.processing = Duration::from_millis(ms);
        }
        for (endpoint, fault) in patch.faults {
            inner.knobs.faults.set(endpoint, fault);
        }
        if let Some(base) = patch.output_url_base {
            inner.knobs.output_url_base = base;
        }
        if let Some(relative) = patch.relative_output_urls {
            inner.knobs.relative_output_urls = relative;
        }
        if let Some(ms) = patch.output_delay_ms {
            inner.knobs.output_delay = Duration::from_millis(ms);
        }
        if let Some(annotated) = patch.annotated_attributes {
            inner.knobs.annotated_attributes = annotated;
        }
        if let Some(ignored) = patch.ignored_attribute {
            inner.knobs.ignored_attribute = ignored;
        }
        for (endpoint, faults) in patch.queue_faults {
            inner.knobs.faults.queue(endpoint, faults);
        }
        if let Some(record) = patch.record_bodies {
            inner.knobs.record_bodies = record;
        }
        if let Some(scripted) = patch.scripted_outputs {
            inner.knobs.scripted_outputs = scripted;
        }
        if let Some(script) = patch.status_script {
            inner.knobs.status_script = script;
        }
    }
    json_response(StatusCode::OK, config_view(&state))
}

async fn requests(State(state): State<Arc<SandboxState>>) -> Response {
    json_response(
        StatusCode::OK,
        json!({"requests": control(&state).requests()}),
    )
}

async fn callbacks(State(state): State<Arc<SandboxState>>) -> Response {
    json_response(
        StatusCode::OK,
        json!({"callbacks": control(&state).callbacks()}),
    )
}

async fn reset(State(state): State<Arc<SandboxState>>) -> Response {
    control(&state).reset();
    json_response(StatusCode::OK, json!({"message": "OK"}))
}

#[derive(Debug, Deserialize)]
struct NewSov {
    id: String,
    buildings: usize,
}

async fn create_sov(State(state): State<Arc<SandboxState>>, Json(new): Json<NewSov>) -> Response {
    let control = control(&state);
    let created =
        tokio::task::spawn_blocking(move || control.add_generated_sov(&new.id, new.buildings))
            .await;
    match created {
        Ok(Ok(sov)) => json_response(StatusCode::CREATED, json!(sov)),
        Ok(Err(CreateSovError::AlreadyExists)) => json_response(
            StatusCode::CONFLICT,
            json!({"detail": CreateSovError::AlreadyExists.to_string()}),
        ),
        Ok(Err(e)) => json_response(StatusCode::BAD_REQUEST, json!({"detail": e.to_string()})),
        Err(e) => json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"detail": format!("could not generate the SOV: {e}")}),
        ),
    }
}
