//! The API key in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux), and the
//! commands that put it there or take it out. The key goes in and never comes back out to the webview.

use sov_app::{AppError, AppState, Settings};
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub fn set_api_key(
    state: State<'_, Arc<AppState>>,
    key: String,
    session_only: Option<bool>,
) -> Result<Settings, AppError> {
    state.set_api_key(&key, session_only.unwrap_or(false))
}

#[tauri::command]
pub fn remove_api_key(state: State<'_, Arc<AppState>>) -> Result<Settings, AppError> {
    state.remove_api_key()
}

/// The OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux): the GUI-free `sov-keychain`.
pub use sov_keychain::KeychainStore;
