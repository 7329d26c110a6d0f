//! Connection and preference settings. The key goes in and never comes back out.

use crate::keys::KeyOrigin;
use crate::secrets::SecretError;
use crate::state::AppState;
use crate::AppResult;
use schemars::JsonSchema;
use serde::Serialize;
use sov_error::{AppError, Code};
use sov_jobs::{Target, TargetError};
use std::path::PathBuf;

/// The settings the window shows (`docs/architecture.md`, `Settings`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct Settings {
    /// `prod`, `prodeu`, `staging`, `custom` or `demo`.
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
pub(crate) fn default_download_dir() -> PathBuf {
    dirs::download_dir()
        .or_else(|| dirs::home_dir().map(|home| home.join("Downloads")))
        .unwrap_or_else(std::env::temp_dir)
        .join("SOV Updater")
}

fn save_failed(error: std::io::Error) -> AppError {
    AppError::file(
        "Your settings could not be saved. Check that your user folder is not full or read-only, then try again.",
        error,
    )
}

impl AppState {
    pub fn settings(&self) -> Settings {
        let prefs = self.prefs().clone();
        let key = match prefs.target {
            Target::Demo => Some(KeyOrigin::Session),
            _ => self.keys.api_key(&prefs).map(|(_, origin)| origin),
        };
        Settings {
            notices: self.notices(),
            environment: prefs.target.name().to_owned(),
            custom_url: prefs.custom_url,
            has_key: key.is_some(),
            key_source: key,
            keychain_available: self.keys.keychain_available(),
            download_dir: prefs.download_dir.unwrap_or_else(default_download_dir),
            last_formats: prefs.last_formats,
            notifications: prefs.notifications,
            recent_sov_ids: prefs.recent_sov_ids,
        }
    }

    /// The environment picked in step 1 (the demo is entered with `start_demo` instead).
    pub fn save_connection(
        &self,
        environment: &str,
        custom_url: Option<String>,
    ) -> AppResult<Settings> {
        let custom_url = custom_url.unwrap_or_default().trim().to_owned();
        let target = match Target::from_name(environment, &custom_url) {
            Ok(Target::Demo) | Err(TargetError::UnknownName(_)) => {
                return Err(AppError::invalid_input(format!(
                    "“{environment}” is not an environment SOV Updater knows. Choose Production, Production EU, Staging or a custom address."
                )))
            }
            Err(TargetError::BadCustomUrl(_)) => {
                return Err(AppError::invalid_input(
                    "The custom address is not a web address. It should look like https://api.example.com (or http:// for a server on this computer).",
                ))
            }
            Ok(target) => target,
        };
        self.update_prefs(|prefs| {
            prefs.target = target;
            prefs.custom_url = custom_url;
        })
        .map_err(save_failed)?;
        Ok(self.settings())
    }

    pub fn set_api_key(&self, key: &str, session_only: bool) -> AppResult<Settings> {
        let key = key.trim();
        if key.is_empty() || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(AppError::invalid_input(
                "That does not look like an API key: it is empty or has spaces in it. Copy the key again from your SOV Fixer account page and paste it here.",
            ));
        }
        let prefs = self.prefs().clone();
        match self.keys.store(&prefs, key, session_only) {
            Ok(_) => Ok(self.settings()),
            Err(SecretError::Unavailable(detail)) => Err(AppError::new(
                Code::KeychainUnavailable,
                "Your computer's keychain is not available, so the key cannot be saved safely. You can use it for this session only (you will paste it again next time), or start your keychain (on Linux: GNOME Keyring or KWallet) and try again.",
                detail,
            )),
            Err(SecretError::Other(detail)) => Err(AppError::new(
                Code::KeychainUnavailable,
                "The key could not be saved in your keychain. Try again, or use it for this session only.",
                detail,
            )),
        }
    }

    pub fn remove_api_key(&self) -> AppResult<Settings> {
        let prefs = self.prefs().clone();
        self.keys.remove(&prefs).map_err(|error| {
            AppError::new(
                Code::KeychainUnavailable,
                "The key could not be removed from your keychain. Try again; if it keeps failing, remove “SOV Updater” from your keychain app.",
                error.to_string(),
            )
        })?;
        Ok(self.settings())
    }

    pub fn save_preferences(
        &self,
        download_dir: Option<PathBuf>,
        last_formats: Option<Vec<String>>,
        notifications: Option<bool>,
    ) -> AppResult<Settings> {
        if download_dir.as_ref().is_some_and(|dir| !dir.is_absolute()) {
            return Err(AppError::invalid_input(
                "Choose a download folder with “Change…”.",
            ));
        }
        self.update_prefs(|prefs| {
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
        Ok(self.settings())
    }
}
