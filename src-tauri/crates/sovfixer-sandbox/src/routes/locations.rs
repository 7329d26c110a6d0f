//! `POST /sov/update/{id}/add_locations`: one locations CSV per call, streamed to disk.

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use axum::extract::multipart::{Field, MultipartRejection};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;
use tokio::io::{AsyncWriteExt, BufWriter};

use crate::responses::{field_error, json_response, not_found};
use crate::state::{new_request_uuid, SandboxState, Upload};
use crate::upload::check_locations_file;

fn not_pending() -> Response {
    json_response(
        StatusCode::CONFLICT,
        json!({"message": "rejected locations file as SUD not pending"}),
    )
}

/// Whether the job exists and still takes files; `Err` is the answer to send.
fn job_dir_if_pending(state: &SandboxState, id: &str) -> Result<PathBuf, Response> {
    let inner = state.lock();
    match inner.jobs.get(id) {
        None => Err(not_found()),
        Some(job) if job.is_started() => Err(not_pending()),
        Some(job) => Ok(job.dir.join("uploads")),
    }
}

async fn save_field(mut field: Field<'_>, path: &FsPath) -> Result<u64, Response> {
    let write_error = |e: std::io::Error| {
        json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"detail": format!("Could not store the file: {e}")}),
        )
    };
    let file = tokio::fs::File::create(path).await.map_err(write_error)?;
    let mut writer = BufWriter::new(file);
    let mut bytes = 0u64;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                bytes += chunk.len() as u64;
                writer.write_all(&chunk).await.map_err(write_error)?;
            }
            Ok(None) => break,
            Err(e) => {
                return Err(json_response(
                    StatusCode::BAD_REQUEST,
                    json!({"detail": format!("Multipart form parse error - {e}")}),
                ))
            }
        }
    }
    writer.flush().await.map_err(write_error)?;
    Ok(bytes)
}

pub async fn add_locations(
    State(state): State<Arc<SandboxState>>,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let uploads_dir = match job_dir_if_pending(&state, &id) {
        Ok(dir) => dir,
        Err(response) => return response,
    };
    let mut multipart = match multipart {
        Ok(multipart) => multipart,
        Err(_) => {
            return json_response(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                json!({"detail": "Unsupported media type in request: send the file as multipart/form-data."}),
            )
        }
    };
    if let Err(e) = tokio::fs::create_dir_all(&uploads_dir).await {
        return json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"detail": format!("Could not store the file: {e}")}),
        );
    }
    let mut saved: Option<(String, PathBuf, u64)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                return json_response(
                    StatusCode::BAD_REQUEST,
                    json!({"detail": format!("Multipart form parse error - {e}")}),
                )
            }
        };
        // Other fields (delegate_to_team) are accepted and ignored; only the first file counts.
        if field.name() != Some("file") || saved.is_some() {
            continue;
        }
        let filename = field.file_name().unwrap_or("locations.csv").to_string();
        let path = uploads_dir.join(format!("upload-{}.csv", new_request_uuid()));
        match save_field(field, &path).await {
            Ok(bytes) => saved = Some((filename, path, bytes)),
            Err(response) => {
                let _ = tokio::fs::remove_file(&path).await;
                return response;
            }
        }
    }
    let Some((filename, path, bytes)) = saved else {
        return field_error("file", "No file was submitted.");
    };
    let reject = |response: Response, path: PathBuf| async move {
        let _ = tokio::fs::remove_file(&path).await;
        response
    };
    if bytes == 0 {
        return reject(field_error("file", "The submitted file is empty."), path).await;
    }
    let checked = tokio::task::spawn_blocking({
        let path = path.clone();
        move || check_locations_file(&path)
    })
    .await;
    let rows = match checked {
        Ok(Ok(checked)) => checked.rows,
        Ok(Err(rejection)) => {
            let response = json_response(StatusCode::BAD_REQUEST, json!({"file": rejection.0}));
            return reject(response, path).await;
        }
        Err(e) => {
            let response = json_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"detail": format!("Could not check the file: {e}")}),
            );
            return reject(response, path).await;
        }
    };
    let accepted = {
        let mut inner = state.lock();
        match inner.jobs.get_mut(&id) {
            None => Err(not_found()),
            // `start` won the race while the file was uploading.
            Some(job) if job.is_started() => Err(not_pending()),
            Some(job) => {
                job.uploads.push(Upload {
                    filename,
                    rows,
                    bytes,
                    path: path.clone(),
                });
                Ok(())
            }
        }
    };
    match accepted {
        Ok(()) => json_response(StatusCode::CREATED, json!({"message": "OK"})),
        Err(response) => reject(response, path).await,
    }
}
