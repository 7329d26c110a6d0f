//! "Recent updates": the job history, newest first.

use sov_app::{AppError, AppState, HistoryDetail, HistoryEntry};
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub fn list_history(state: State<'_, Arc<AppState>>) -> Result<Vec<HistoryEntry>, AppError> {
    state.list_history()
}

#[tauri::command]
pub fn get_history(state: State<'_, Arc<AppState>>, id: String) -> Result<HistoryDetail, AppError> {
    state.get_history(&id)
}
