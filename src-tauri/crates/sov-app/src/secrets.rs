//! Where API keys are kept: a trait the shell implements over the OS keychain, and an in-memory store for keys
//! kept for this session only (and for tests). A key never goes to disk in plain text, a log, or the webview.

use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretError {
    /// No keychain answers (on Linux: no Secret Service on the session bus).
    Unavailable(String),
    Other(String),
}

impl std::fmt::Display for SecretError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unavailable(detail) | Self::Other(detail) => f.write_str(detail),
        }
    }
}

/// A place for one key per account (one account per environment).
pub trait SecretStore: Send + Sync {
    fn get(&self, account: &str) -> Result<Option<String>, SecretError>;
    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError>;
    fn delete(&self, account: &str) -> Result<(), SecretError>;
}

/// Keys held only while the app runs.
#[derive(Default)]
pub struct MemoryStore {
    secrets: Mutex<HashMap<String, String>>,
}

impl MemoryStore {
    fn secrets(&self) -> Result<std::sync::MutexGuard<'_, HashMap<String, String>>, SecretError> {
        self.secrets
            .lock()
            .map_err(|e| SecretError::Other(e.to_string()))
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, account: &str) -> Result<Option<String>, SecretError> {
        Ok(self.secrets()?.get(account).cloned())
    }

    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError> {
        self.secrets()?
            .insert(account.to_owned(), secret.to_owned());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        self.secrets()?.remove(account);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn memory_store_keeps_one_key_per_account() {
        let store = MemoryStore::default();
        store.set("prod", "k1").unwrap();
        store.set("staging", "k2").unwrap();
        assert_eq!(store.get("prod").unwrap().as_deref(), Some("k1"));
        store.delete("prod").unwrap();
        assert_eq!(store.get("prod").unwrap(), None);
        assert_eq!(store.get("staging").unwrap().as_deref(), Some("k2"));
    }
}
