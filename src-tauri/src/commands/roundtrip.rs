//! The Excel round trip: "Get a corrections workbook" for the chosen SOV, and the preview of what the added
//! corrections files will change.

use sov_app::{AppError, AppState, FilePreview, SavedWorkbook, WorkbookColumns};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub async fn corrections_workbook(
    state: State<'_, Arc<AppState>>,
    sov_id: String,
    columns: Option<WorkbookColumns>,
) -> Result<SavedWorkbook, AppError> {
    state
        .corrections_workbook(&sov_id, columns.unwrap_or_default())
        .await
}

#[tauri::command]
pub async fn preview_files(
    state: State<'_, Arc<AppState>>,
    sov_id: String,
    paths: Vec<PathBuf>,
) -> Result<Vec<FilePreview>, AppError> {
    state.preview_files(&sov_id, &paths).await
}
