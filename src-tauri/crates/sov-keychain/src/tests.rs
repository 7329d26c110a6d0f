#![allow(clippy::unwrap_used)]
use super::*;

/// A fresh account per run, so a key left by an earlier, interrupted run cannot make a test pass.
fn scratch_account() -> String {
    format!("test-{}", std::process::id())
}

/// What another program on the desktop (here `secret-tool`, from libsecret) finds in the keychain for an account.
#[cfg(target_os = "linux")]
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

// The two Linux tests need a real OS keychain. `tests/keychain/run.sh` (part of scripts/test) runs the first in a
// private D-Bus session with gnome-keyring, and the second where no session bus exists at all.

#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs a Secret Service: run by tests/keychain/run.sh"]
fn real_keychain_holds_the_key_where_other_programs_find_it() {
    let store = KeychainStore;
    let account = scratch_account();
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

#[cfg(target_os = "linux")]
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

/// Windows Credential Manager (wine's credential store when run by scripts/windows/test): the key is kept as a
/// generic credential that a separate keyring entry, as the app opens at its next start, reads back.
#[cfg(windows)]
#[test]
fn windows_credential_manager_holds_replaces_and_removes_the_key() {
    let store = KeychainStore;
    let account = scratch_account();
    let read_afresh = || match keyring::Entry::new(SERVICE, &account)
        .unwrap()
        .get_password()
    {
        Ok(secret) => Some(secret),
        Err(keyring::Error::NoEntry) => None,
        Err(error) => panic!("Credential Manager failed: {error}"),
    };
    assert_eq!(store.get(&account).unwrap(), None);

    store.set(&account, "first-key").unwrap();
    assert_eq!(store.get(&account).unwrap().as_deref(), Some("first-key"));
    assert_eq!(read_afresh().as_deref(), Some("first-key"));

    store.set(&account, "replacement-key").unwrap();
    assert_eq!(read_afresh().as_deref(), Some("replacement-key"));

    store.delete(&account).unwrap();
    assert_eq!(store.get(&account).unwrap(), None);
    assert_eq!(read_afresh(), None);
    store
        .delete(&account)
        .expect("removing a key that is already gone is not an error");
}
