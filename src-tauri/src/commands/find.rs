//! "Find your SOV": search results and the chosen SOV's summary card.

use sov_app::{AppError, AppState, FindQuery, SovDetails, SovSearchPage};
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
