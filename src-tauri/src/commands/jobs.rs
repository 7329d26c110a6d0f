//! Start, watch, cancel, retry and re-download update jobs. Progress flows over the channel the window passes in.

use crate::host::{channel_subscriber as subscriber, desktop_host as host};
use sov_app::{AppError, AppState, JobRequest, JobSnapshot, JobStarted};
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

#[tauri::command]
pub async fn start_job<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<AppState>>,
    request: JobRequest,
    on_event: Channel<JobSnapshot>,
) -> Result<JobStarted, AppError> {
    let subscriber = subscriber(on_event);
    state.start_job(host(&app), request, subscriber).await
}

#[tauri::command]
pub fn attach_job(
    state: State<'_, Arc<AppState>>,
    on_event: Channel<JobSnapshot>,
) -> Option<JobSnapshot> {
    state.attach_job(subscriber(on_event))
}

#[tauri::command]
pub fn cancel_job(state: State<'_, Arc<AppState>>, job_id: String) -> Result<(), AppError> {
    state.cancel_job(&job_id)
}

#[tauri::command]
pub async fn retry_job<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<AppState>>,
    job_id: String,
    on_event: Channel<JobSnapshot>,
) -> Result<JobStarted, AppError> {
    let subscriber = subscriber(on_event);
    state.retry_job(host(&app), &job_id, subscriber).await
}

#[tauri::command]
pub async fn redownload<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<AppState>>,
    id: String,
    on_event: Channel<JobSnapshot>,
) -> Result<JobStarted, AppError> {
    let subscriber = subscriber(on_event);
    state.redownload(host(&app), &id, subscriber).await
}
