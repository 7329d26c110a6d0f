//! Which API key is used and where it came from: this session's memory, the keychain, then the environment
//! variables and `~/.pingintel.ini` as the official client reads them.

use crate::preferences::Preferences;
use crate::secrets::{MemoryStore, SecretError, SecretStore};
use schemars::JsonSchema;
use serde::Serialize;
use sov_jobs::Target;
use sov_update::credentials::{self, KeySource};
use sov_update::Environment;
use std::path::PathBuf;
use std::sync::Mutex;

/// Where the key in use came from, as the window names it.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeyOrigin {
    Keychain,
    Env,
    Ini,
    Session,
}

/// Reads an environment variable; injected so tests never depend on the real environment.
pub type EnvLookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

pub(crate) struct Keys {
    keychain: Box<dyn SecretStore>,
    /// Keys kept for this session only, when the keychain is unavailable and the user chose that.
    session: MemoryStore,
    keychain_available: Mutex<bool>,
    ini_path: Option<PathBuf>,
    env: EnvLookup,
}

impl Keys {
    pub(crate) fn new(
        keychain: Box<dyn SecretStore>,
        ini_path: Option<PathBuf>,
        env: EnvLookup,
    ) -> Self {
        Self {
            keychain,
            session: MemoryStore::default(),
            keychain_available: Mutex::new(true),
            ini_path,
            env,
        }
    }

    pub(crate) fn keychain_available(&self) -> bool {
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

    /// The keychain account for the environment in use: one key per environment, per custom address.
    fn account(prefs: &Preferences) -> String {
        match &prefs.target {
            Target::Server(Environment::Custom(_)) => {
                format!("custom:{}", prefs.custom_url.trim_end_matches('/'))
            }
            target => target.name().to_owned(),
        }
    }

    /// The key to use now and where it came from.
    pub(crate) fn api_key(&self, prefs: &Preferences) -> Option<(String, KeyOrigin)> {
        let account = Self::account(prefs);
        if let Ok(Some(key)) = self.session.get(&account) {
            return Some((key, KeyOrigin::Session));
        }
        let stored = self.keychain.get(&account);
        self.note_keychain(&stored);
        if let Ok(Some(key)) = stored {
            return Some((key, KeyOrigin::Keychain));
        }
        // The official client's names: a custom server reads the production variables.
        let official_name = match &prefs.target {
            Target::Server(Environment::Custom(_)) => Target::Server(Environment::Prod).name(),
            target => target.name(),
        };
        credentials::lookup(official_name, &self.env, self.ini_path.as_deref()).map(
            |(key, source)| {
                let origin = match source {
                    KeySource::Environment => KeyOrigin::Env,
                    KeySource::IniFile => KeyOrigin::Ini,
                };
                (key, origin)
            },
        )
    }

    /// Saves a key in the keychain; with `session_only` it is kept in memory for this run.
    pub(crate) fn store(
        &self,
        prefs: &Preferences,
        key: &str,
        session_only: bool,
    ) -> Result<KeyOrigin, SecretError> {
        let account = Self::account(prefs);
        if session_only {
            self.session.set(&account, key)?;
            return Ok(KeyOrigin::Session);
        }
        let result = self.keychain.set(&account, key);
        self.note_keychain(&result);
        result.map(|()| KeyOrigin::Keychain)
    }

    pub(crate) fn remove(&self, prefs: &Preferences) -> Result<(), SecretError> {
        let account = Self::account(prefs);
        self.session.delete(&account)?;
        let result = self.keychain.delete(&account);
        self.note_keychain(&result);
        result
    }
}
