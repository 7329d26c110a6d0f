//! The API key in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux), and the
//! commands that put it there or take it out. The key goes in and never comes back out to the webview.

use sov_app::{AppError, AppState, SecretError, SecretStore, Settings};
use std::sync::Arc;
use tauri::State;

const SERVICE: &str = "SOV Updater";

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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// What another program on the desktop (here `secret-tool`, from libsecret) finds in the keychain for an account.
    fn lookup_with_secret_tool(account: &str) -> Option<String> {
        let output = std::process::Command::new("secret-tool")
            .args(["lookup", "service", SERVICE, "username", account])
            .output()
            .expect("secret-tool runs (package libsecret-tools)");
        output
            .status
            .success()
            .then(|| String::from_utf8(output.stdout).unwrap())
    }

    // The two tests below need a real OS keychain. `tests/keychain/run.sh` (part of scripts/test) runs the first in a
    // private D-Bus session with gnome-keyring, and the second where no session bus exists at all.

    #[test]
    #[ignore = "needs a Secret Service: run by tests/keychain/run.sh"]
    fn real_keychain_holds_the_key_where_other_programs_find_it() {
        let store = KeychainStore;
        let account = format!("test-{}", std::process::id());
        assert_eq!(store.get(&account).unwrap(), None);

        store.set(&account, "first-key").unwrap();
        assert_eq!(store.get(&account).unwrap().as_deref(), Some("first-key"));
        assert_eq!(
            lookup_with_secret_tool(&account).as_deref(),
            Some("first-key"),
            "the key is in the OS keychain, not only in this process"
        );

        store.set(&account, "replacement-key").unwrap();
        assert_eq!(
            store.get(&account).unwrap().as_deref(),
            Some("replacement-key")
        );
        assert_eq!(
            lookup_with_secret_tool(&account).as_deref(),
            Some("replacement-key")
        );

        store.delete(&account).unwrap();
        assert_eq!(store.get(&account).unwrap(), None);
        assert_eq!(lookup_with_secret_tool(&account), None);
        store
            .delete(&account)
            .expect("removing a key that is already gone is not an error");
    }

    #[test]
    #[ignore = "needs a session without a Secret Service: run by tests/keychain/run.sh"]
    fn real_keychain_absent_is_reported_as_unavailable_so_the_app_can_offer_its_fallback() {
        let store = KeychainStore;
        assert!(matches!(
            store.set("test-absent", "key"),
            Err(SecretError::Unavailable(_))
        ));
        assert!(matches!(
            store.get("test-absent"),
            Err(SecretError::Unavailable(_))
        ));
    }
}
