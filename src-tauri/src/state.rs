//! What the running app holds: preferences, where keys are kept, the demo server and the current job.

use crate::preferences::Preferences;
use crate::secrets::{MemoryStore, SecretError, SecretStore};
use serde::Serialize;
use sov_update::credentials::{self, KeySource};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

/// Where the key in use came from, as the UI names it.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum KeyOrigin {
    Keychain,
    Env,
    Ini,
    Session,
}

/// Reads an environment variable; injected so tests never depend on the real environment.
pub type EnvLookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

pub struct AppState {
    pub config_dir: PathBuf,
    prefs: Mutex<Preferences>,
    keychain: Box<dyn SecretStore>,
    /// Keys kept for this session only, when the keychain is unavailable and the user chose that.
    session_keys: MemoryStore,
    keychain_available: Mutex<bool>,
    ini_path: Option<PathBuf>,
    pub demo: crate::demo::DemoSlot,
    history_dir: PathBuf,
    history: std::sync::OnceLock<Option<Arc<sov_history::HistoryStore>>>,
    /// What happened when the history was opened (repaired, migrated, unreadable), for the window to show.
    pub history_notice: Mutex<Option<String>>,
    pub jobs: crate::jobs::JobManager,
    env: EnvLookup,
}

impl AppState {
    pub fn new(
        config_dir: PathBuf,
        keychain: Box<dyn SecretStore>,
        ini_path: Option<PathBuf>,
        env: EnvLookup,
    ) -> Self {
        let prefs = Preferences::load(&config_dir);
        let history_dir = config_dir.join("history");
        Self {
            config_dir,
            prefs: Mutex::new(prefs),
            keychain,
            session_keys: MemoryStore::default(),
            keychain_available: Mutex::new(true),
            ini_path,
            demo: Default::default(),
            history_dir,
            history: std::sync::OnceLock::new(),
            history_notice: Mutex::new(None),
            jobs: Default::default(),
            env,
        }
    }

    /// Keeps the job history in `data_dir` (by default it sits in the config folder, which tests use).
    pub fn with_history_dir(mut self, data_dir: &std::path::Path) -> Self {
        self.history_dir = data_dir.to_path_buf();
        self
    }

    /// The job history, opened on first use. A damaged store is set aside by the store itself; if even that
    /// fails, history for this session is kept in a temporary folder rather than refusing to run jobs.
    pub fn history(&self) -> Option<Arc<sov_history::HistoryStore>> {
        self.history
            .get_or_init(|| {
                let (store, notice) = match sov_history::HistoryStore::open(&self.history_dir) {
                    Ok((store, report)) => (store, report.user_message()),
                    Err(error) => {
                        let fallback = std::env::temp_dir().join(format!("sov-updater-history-{}", std::process::id()));
                        match sov_history::HistoryStore::open(&fallback) {
                            Ok((store, _)) => (store, Some(format!("{error} Updates of this session are remembered until SOV Updater closes."))),
                            Err(_) => {
                                *self.history_notice.lock().unwrap_or_else(|p| p.into_inner()) = Some(error.to_string());
                                return None;
                            }
                        }
                    }
                };
                *self.history_notice.lock().unwrap_or_else(|p| p.into_inner()) = notice;
                Some(Arc::new(store))
            })
            .clone()
    }

    pub fn prefs(&self) -> MutexGuard<'_, Preferences> {
        self.prefs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Changes the preferences and saves them at once.
    pub fn update_prefs(
        &self,
        change: impl FnOnce(&mut Preferences),
    ) -> std::io::Result<Preferences> {
        let mut prefs = self.prefs();
        change(&mut prefs);
        prefs.save(&self.config_dir)?;
        Ok(prefs.clone())
    }

    pub fn keychain_available(&self) -> bool {
        *self
            .keychain_available
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    fn note_keychain(&self, result: &Result<impl Sized, SecretError>) {
        let available = !matches!(result, Err(SecretError::Unavailable(_)));
        *self
            .keychain_available
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = available;
    }

    /// The keychain account for the environment in use: one key per environment.
    pub fn account(prefs: &Preferences) -> String {
        match prefs.environment.as_str() {
            "custom" => format!("custom:{}", prefs.custom_url.trim_end_matches('/')),
            other => other.to_owned(),
        }
    }

    /// The key to use now and where it came from: this session, the keychain, then the environment
    /// variables and `~/.pingintel.ini` as the official client reads them.
    pub fn api_key(&self) -> Option<(String, KeyOrigin)> {
        let prefs = self.prefs().clone();
        let account = Self::account(&prefs);
        if let Ok(Some(key)) = self.session_keys.get(&account) {
            return Some((key, KeyOrigin::Session));
        }
        let stored = self.keychain.get(&account);
        self.note_keychain(&stored);
        if let Ok(Some(key)) = stored {
            return Some((key, KeyOrigin::Keychain));
        }
        let environment = if prefs.environment == "custom" {
            "prod"
        } else {
            prefs.environment.as_str()
        };
        credentials::lookup(environment, &self.env, self.ini_path.as_deref()).map(
            |(key, source)| {
                let origin = match source {
                    KeySource::Environment => KeyOrigin::Env,
                    KeySource::IniFile => KeyOrigin::Ini,
                };
                (key, origin)
            },
        )
    }

    /// Saves a key in the keychain; with `session_only` (or no keychain) it is kept in memory for this run.
    pub fn store_key(&self, key: &str, session_only: bool) -> Result<KeyOrigin, SecretError> {
        let account = Self::account(&self.prefs());
        if session_only {
            self.session_keys.set(&account, key)?;
            return Ok(KeyOrigin::Session);
        }
        let result = self.keychain.set(&account, key);
        self.note_keychain(&result);
        result.map(|()| KeyOrigin::Keychain)
    }

    pub fn remove_key(&self) -> Result<(), SecretError> {
        let account = Self::account(&self.prefs());
        self.session_keys.delete(&account)?;
        let result = self.keychain.delete(&account);
        self.note_keychain(&result);
        result
    }

    /// Switches to demo mode when no key is configured for a named environment, so the first launch works
    /// without an account. A custom address is left alone: its user knows what they set up.
    pub fn enter_demo_if_unconfigured(&self) {
        let environment = self.prefs().environment.clone();
        if environment == "demo" || environment == "custom" || self.api_key().is_some() {
            return;
        }
        // Not saved: once the user connects an account, the next start uses it.
        self.prefs().environment = "demo".into();
    }
}
