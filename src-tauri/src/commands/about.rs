//! The About box.

use serde::Serialize;

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
