//! `GET /sov/{id}/output/{filename}`: an output file streamed from disk.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures_util::StreamExt;
use tokio::io::AsyncReadExt;
use tokio_util::io::ReaderStream;

use crate::faults::FaultPlan;
use crate::responses::not_found;
use crate::state::SandboxState;

fn content_type(filename: &str) -> &'static str {
    let lower = filename.to_ascii_lowercase();
    if lower.ends_with(".json") {
        "application/json"
    } else if lower.ends_with(".csv") {
        "text/csv; charset=utf-8"
    } else {
        "application/octet-stream"
    }
}

pub async fn download(
    State(state): State<Arc<SandboxState>>,
    Path((id, filename)): Path<(String, String)>,
    plan: Option<Extension<FaultPlan>>,
) -> Response {
    let output = {
        let inner = state.lock();
        // Outputs made by get_or_create_output first: with overwrite_existing they replace the update's own.
        let made = inner
            .made_outputs
            .iter()
            .find(|((revision_id, _), o)| *revision_id == id && o.filename == filename)
            .map(|(_, o)| o.clone());
        made.or_else(|| {
            inner
                .jobs
                .get(&id)
                .and_then(|job| job.result.as_ref())
                .and_then(|result| result.outputs.iter().find(|o| o.filename == filename))
                .cloned()
        })
    };
    let Some(output) = output else {
        return not_found();
    };
    let file = match tokio::fs::File::open(&output.path).await {
        Ok(file) => file,
        // Removed by a reset between lookup and open.
        Err(_) => return not_found(),
    };
    let drop_after = plan
        .as_ref()
        .and_then(|Extension(plan)| plan.drop_after_bytes)
        .filter(|&limit| limit < output.size);
    let slow = plan.as_ref().and_then(|Extension(plan)| plan.slow);
    let body = match (drop_after, slow) {
        (None, Some((chunk, pause))) => {
            let chunks = ReaderStream::with_capacity(file, chunk as usize);
            Body::from_stream(chunks.then(move |piece| async move {
                tokio::time::sleep(pause).await;
                piece
            }))
        }
        (None, None) => Body::from_stream(ReaderStream::new(file)),
        (Some(limit), _) => {
            // Send `limit` bytes of a response that promised more, then fail the stream:
            // hyper then closes the connection mid-body, as a dropped connection would.
            let cut = futures_util::stream::once(async {
                Err::<bytes::Bytes, _>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "connection dropped by the sandbox fault",
                ))
            });
            Body::from_stream(ReaderStream::new(file.take(limit)).chain(cut))
        }
    };
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                content_type(&output.filename).to_string(),
            ),
            (header::CONTENT_LENGTH, output.size.to_string()),
        ],
        body,
    )
        .into_response()
}
