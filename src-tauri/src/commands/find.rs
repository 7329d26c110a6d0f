//! "Find your SOV": search results, the chosen SOV's summary card, and two of its revisions compared.

use sov_app::{AppError, AppState, FindQuery, RevisionComparison, SovDetails, SovSearchPage};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub async fn find_sovs(
    state: State<'_, Arc<AppState>>,
    query: FindQuery,
) -> Result<SovSearchPage, AppError> {
    state.find_sovs(query).await
}

#[tauri::command]
pub async fn sov_details(
    state: State<'_, Arc<AppState>>,
    reference: String,
) -> Result<SovDetails, AppError> {
    state.sov_details(&reference).await
}

#[tauri::command]
pub async fn compare_revisions(
    state: State<'_, Arc<AppState>>,
    sov_id: String,
    from: i64,
    to: i64,
) -> Result<RevisionComparison, AppError> {
    state.compare_sov_revisions(&sov_id, from, to).await
}

/// "Save the report": asks where (the native save dialog), then writes it. `None` when cancelled.
#[tauri::command]
pub async fn save_revision_report(
    state: State<'_, Arc<AppState>>,
    sov_id: String,
    from: i64,
    to: i64,
    suggested_name: String,
) -> Result<Option<PathBuf>, AppError> {
    let Some(handle) = rfd::AsyncFileDialog::new()
        .set_title("Save the change report")
        .set_file_name(&suggested_name)
        .add_filter("Excel workbook", &["xlsx"])
        .save_file()
        .await
    else {
        return Ok(None);
    };
    let saved = state
        .save_revision_report(&sov_id, from, to, handle.path().to_path_buf())
        .await?;
    Ok(Some(saved))
}
