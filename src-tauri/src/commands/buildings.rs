//! "See its buildings": what an SOV holds now, its pages and one building. Progress words go over the channel.

use sov_app::{AppError, AppState, BuildingDetail, BuildingsPage, BuildingsQuery};
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::State;

#[tauri::command]
pub async fn open_buildings(
    state: State<'_, Arc<AppState>>,
    sov_id: String,
    on_progress: Channel<String>,
) -> Result<BuildingsPage, AppError> {
    // A closed page only loses the words; the reading goes on.
    let progress = move |words: &str| {
        let _ = on_progress.send(words.to_owned());
    };
    state.open_buildings(&sov_id, &progress).await
}

#[tauri::command]
pub fn cancel_buildings(state: State<'_, Arc<AppState>>) -> bool {
    state.cancel_buildings()
}

#[tauri::command]
pub async fn current_buildings(
    state: State<'_, Arc<AppState>>,
    query: BuildingsQuery,
) -> Result<BuildingsPage, AppError> {
    state.current_buildings(query).await
}

#[tauri::command]
pub async fn building_detail(
    state: State<'_, Arc<AppState>>,
    sov_id: String,
    key: String,
) -> Result<BuildingDetail, AppError> {
    state.building_detail(&sov_id, &key).await
}
