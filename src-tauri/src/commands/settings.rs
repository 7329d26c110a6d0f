//! The About box, the connection and the preferences.

use serde::Serialize;
use sov_app::{AppError, AppState, Settings};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::State;

#[derive(Debug, Serialize)]
pub struct AppInfo {
    pub version: &'static str,
    pub commit: &'static str,
    pub demo_running: bool,
}

#[tauri::command]
pub fn app_info() -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        commit: env!("SOV_UPDATER_COMMIT"),
        demo_running: false,
    }
}

#[tauri::command]
pub fn get_settings(state: State<'_, Arc<AppState>>) -> Settings {
    state.settings()
}

#[tauri::command]
pub fn save_connection(
    state: State<'_, Arc<AppState>>,
    environment: String,
    custom_url: Option<String>,
) -> Result<Settings, AppError> {
    state.save_connection(&environment, custom_url)
}

#[tauri::command]
pub fn save_preferences(
    state: State<'_, Arc<AppState>>,
    download_dir: Option<PathBuf>,
    last_formats: Option<Vec<String>>,
    notifications: Option<bool>,
) -> Result<Settings, AppError> {
    state.save_preferences(download_dir, last_formats, notifications)
}
