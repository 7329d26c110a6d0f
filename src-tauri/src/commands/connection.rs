//! Talking to SOV Fixer (or the demo server).

use sov_app::{AppError, AppState, ConnectionCheck, DemoStarted};
use sov_update::OutputFormat;
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub async fn test_connection(state: State<'_, Arc<AppState>>) -> Result<ConnectionCheck, AppError> {
    state.test_connection().await
}

#[tauri::command]
pub async fn list_output_formats(
    state: State<'_, Arc<AppState>>,
    sov_id: Option<String>,
) -> Result<Vec<OutputFormat>, AppError> {
    state.list_output_formats(sov_id).await
}

#[tauri::command]
pub async fn start_demo(state: State<'_, Arc<AppState>>) -> Result<DemoStarted, AppError> {
    state.start_demo().await
}
