//! Where the API key is kept: the OS keychain, or (when none is running) this session's memory only.
//! The key never goes to disk in plain text, never into a log, and never to the webview.

use std::collections::HashMap;
use std::sync::Mutex;

const SERVICE: &str = "SOV Updater";

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

/// A place for one key per environment.
pub trait SecretStore: Send + Sync {
    fn get(&self, account: &str) -> Result<Option<String>, SecretError>;
    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError>;
    fn delete(&self, account: &str) -> Result<(), SecretError>;
}

/// The OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux).
pub struct KeychainStore;

impl KeychainStore {
    fn entry(account: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(SERVICE, account).map_err(classify)
    }
}

fn classify(error: keyring::Error) -> SecretError {
    match error {
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
            SecretError::Unavailable(inner.to_string())
        }
        other => SecretError::Other(other.to_string()),
    }
}

impl SecretStore for KeychainStore {
    fn get(&self, account: &str) -> Result<Option<String>, SecretError> {
        match Self::entry(account)?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(classify(error)),
        }
    }

    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError> {
        Self::entry(account)?.set_password(secret).map_err(classify)
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        match Self::entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(classify(error)),
        }
    }
}

/// Keys held only while the app runs: the fallback when no keychain is available, and the store tests use.
#[derive(Default)]
pub struct MemoryStore {
    secrets: Mutex<HashMap<String, String>>,
}

impl SecretStore for MemoryStore {
    fn get(&self, account: &str) -> Result<Option<String>, SecretError> {
        let secrets = self
            .secrets
            .lock()
            .map_err(|e| SecretError::Other(e.to_string()))?;
        Ok(secrets.get(account).cloned())
    }

    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError> {
        let mut secrets = self
            .secrets
            .lock()
            .map_err(|e| SecretError::Other(e.to_string()))?;
        secrets.insert(account.to_owned(), secret.to_owned());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        let mut secrets = self
            .secrets
            .lock()
            .map_err(|e| SecretError::Other(e.to_string()))?;
        secrets.remove(account);
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
