//! Connection and preference commands. The key goes in and never comes back out.

use crate::error::{CommandError, CommandResult};
use crate::secrets::SecretError;
use crate::state::{AppState, KeyOrigin};
use serde::Serialize;
use std::path::PathBuf;
use tauri::State;

const ENVIRONMENTS: [&str; 4] = ["prod", "prodeu", "staging", "custom"];

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SettingsView {
    pub environment: String,
    pub custom_url: String,
    pub has_key: bool,
    pub key_source: Option<KeyOrigin>,
    pub keychain_available: bool,
    pub download_dir: PathBuf,
    pub last_formats: Vec<String>,
    pub notifications: bool,
    pub recent_sov_ids: Vec<String>,
    /// Things to tell the user once, e.g. that a damaged history was set aside.
    pub notices: Vec<String>,
}

/// Where outputs go unless the user chose another folder: "SOV Updater" in their Downloads.
pub fn default_download_dir() -> PathBuf {
    dirs::download_dir()
        .or_else(|| dirs::home_dir().map(|home| home.join("Downloads")))
        .unwrap_or_else(std::env::temp_dir)
        .join("SOV Updater")
}

pub fn settings_view(state: &AppState) -> SettingsView {
    let key = if state.prefs().environment == "demo" {
        Some(KeyOrigin::Session)
    } else {
        state.api_key().map(|(_, origin)| origin)
    };
    let prefs = state.prefs().clone();
    // Opening the history (once) is what discovers a damaged or newer store.
    let _ = state.history();
    let notices = state
        .history_notice
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .into_iter()
        .collect();
    SettingsView {
        notices,
        environment: prefs.environment,
        custom_url: prefs.custom_url,
        has_key: key.is_some(),
        key_source: key,
        keychain_available: state.keychain_available(),
        download_dir: prefs.download_dir.unwrap_or_else(default_download_dir),
        last_formats: prefs.last_formats,
        notifications: prefs.notifications,
        recent_sov_ids: prefs.recent_sov_ids,
    }
}

fn save_failed(error: std::io::Error) -> CommandError {
    CommandError::file(
        "Your settings could not be saved. Check that your user folder is not full or read-only, then try again.",
        error,
    )
}

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> SettingsView {
    settings_view(&state)
}

#[tauri::command]
pub fn save_connection(
    state: State<'_, AppState>,
    environment: String,
    custom_url: Option<String>,
) -> CommandResult<SettingsView> {
    if !ENVIRONMENTS.contains(&environment.as_str()) {
        return Err(CommandError::invalid_input(format!(
            "“{environment}” is not an environment SOV Updater knows. Choose Production, Production EU, Staging or a custom address."
        )));
    }
    let custom_url = custom_url.unwrap_or_default().trim().to_owned();
    if environment == "custom" {
        validate_custom_url(&custom_url)?;
    }
    state
        .update_prefs(|prefs| {
            prefs.environment = environment;
            prefs.custom_url = custom_url;
        })
        .map_err(save_failed)?;
    Ok(settings_view(&state))
}

fn validate_custom_url(url: &str) -> CommandResult<()> {
    let parsed = url::Url::parse(url).map_err(|_| {
        CommandError::invalid_input(
            "The custom address is not a web address. It should look like https://api.example.com.",
        )
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(CommandError::invalid_input(
            "The custom address must start with https:// (or http:// for a server on this computer).",
        ));
    }
    Ok(())
}

#[tauri::command]
pub fn set_api_key(
    state: State<'_, AppState>,
    key: String,
    session_only: Option<bool>,
) -> CommandResult<SettingsView> {
    let key = key.trim();
    if key.is_empty() || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(CommandError::invalid_input(
            "That does not look like an API key: it is empty or has spaces in it. Copy the key again from your SOV Fixer account page and paste it here.",
        ));
    }
    match state.store_key(key, session_only.unwrap_or(false)) {
        Ok(_) => Ok(settings_view(&state)),
        Err(SecretError::Unavailable(detail)) => Err(CommandError::new(
            "keychain_unavailable",
            "Your computer's keychain is not available, so the key cannot be saved safely. You can use it for this session only (you will paste it again next time), or start your keychain (on Linux: GNOME Keyring or KWallet) and try again.",
            detail,
        )),
        Err(SecretError::Other(detail)) => Err(CommandError::new(
            "keychain_unavailable",
            "The key could not be saved in your keychain. Try again, or use it for this session only.",
            detail,
        )),
    }
}

#[tauri::command]
pub fn remove_api_key(state: State<'_, AppState>) -> CommandResult<SettingsView> {
    state.remove_key().map_err(|error| {
        CommandError::new(
            "keychain_unavailable",
            "The key could not be removed from your keychain. Try again; if it keeps failing, remove “SOV Updater” from your keychain app.",
            error.to_string(),
        )
    })?;
    Ok(settings_view(&state))
}

#[tauri::command]
pub fn save_preferences(
    state: State<'_, AppState>,
    download_dir: Option<PathBuf>,
    last_formats: Option<Vec<String>>,
    notifications: Option<bool>,
) -> CommandResult<SettingsView> {
    if let Some(dir) = &download_dir {
        if !dir.is_absolute() {
            return Err(CommandError::invalid_input(
                "Choose a download folder with “Change…”.",
            ));
        }
    }
    state
        .update_prefs(|prefs| {
            if download_dir.is_some() {
                prefs.download_dir = download_dir;
            }
            if let Some(formats) = last_formats {
                prefs.last_formats = formats;
            }
            if let Some(enabled) = notifications {
                prefs.notifications = enabled;
            }
        })
        .map_err(save_failed)?;
    Ok(settings_view(&state))
}
