//! The real command wiring, built on Tauri's mock runtime: no display needed.
#![allow(clippy::unwrap_used)]

mod support;

use serde_json::json;
use sov_app::{AppState, MemoryStore};
use support::{harness, harness_in, invoke};

#[test]
fn about_box_reports_the_package_version() {
    let h = harness(&[]);
    let info = invoke(&h, "app_info", json!({})).unwrap();
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert!(!info["commit"].as_str().unwrap().is_empty());
}

#[test]
fn a_saved_key_is_reported_but_never_returned() {
    let h = harness(&[]);
    let before = invoke(&h, "get_settings", json!({})).unwrap();
    assert_eq!(before["has_key"], false);
    let after = invoke(&h, "set_api_key", json!({"key": "  secret-key-123  "})).unwrap();
    assert_eq!(after["has_key"], true);
    assert_eq!(after["key_source"], "keychain");
    assert!(!after.to_string().contains("secret-key-123"));
    let removed = invoke(&h, "remove_api_key", json!({})).unwrap();
    assert_eq!(removed["has_key"], false);
}

#[test]
fn a_key_from_the_official_clients_environment_variable_is_found() {
    let h = harness(&[("SOVFIXER_AUTH_TOKEN_STG", "from-env")]);
    invoke(&h, "save_connection", json!({"environment": "staging"})).unwrap();
    let settings = invoke(&h, "get_settings", json!({})).unwrap();
    assert_eq!(settings["key_source"], "env");
    assert!(!settings.to_string().contains("from-env"));
}

#[test]
fn bad_input_is_rejected_with_code_message_and_detail() {
    let h = harness(&[]);
    let error = invoke(&h, "set_api_key", json!({"key": "has space"})).unwrap_err();
    assert_eq!(error["code"], "invalid_input");
    assert!(error["message"].as_str().unwrap().contains("API key"));
    assert!(error.get("detail").is_some());
    let error = invoke(
        &h,
        "save_connection",
        json!({"environment": "custom", "customUrl": "ftp://x"}),
    )
    .unwrap_err();
    assert_eq!(error["code"], "invalid_input");
    let error = invoke(&h, "save_connection", json!({"environment": "mars"})).unwrap_err();
    assert!(error["message"].as_str().unwrap().contains("mars"));
}

#[test]
fn preferences_survive_a_restart() {
    let h = harness(&[]);
    invoke(
        &h,
        "save_preferences",
        json!({"lastFormats": ["JSON", "CSV"], "notifications": false}),
    )
    .unwrap();
    let config = h.dir.path().join("config");
    let reloaded = AppState::new(
        config,
        Box::new(MemoryStore::default()),
        None,
        Box::new(|_| None),
    );
    assert_eq!(reloaded.prefs().last_formats, vec!["JSON", "CSV"]);
    assert!(!reloaded.prefs().notifications);
}

#[test]
fn opening_a_missing_file_says_what_to_do() {
    let h = harness(&[]);
    let error = invoke(&h, "open_path", json!({"path": "/nonexistent/out.json"})).unwrap_err();
    assert_eq!(error["code"], "file_error");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("Download again"));
}

#[test]
fn a_damaged_history_is_set_aside_and_the_user_is_told() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("config").join("history");
    std::fs::create_dir_all(&history).unwrap();
    std::fs::write(history.join("history.db"), vec![0x5a; 8192]).unwrap();
    let h = harness_in(dir, &[]);
    let settings = invoke(&h, "get_settings", json!({})).unwrap();
    let notices = settings["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 1, "{settings}");
    assert!(!notices[0].as_str().unwrap().is_empty());
    assert_eq!(invoke(&h, "list_history", json!({})).unwrap(), json!([]));
    let moved_aside = std::fs::read_dir(history)
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("history.db.corrupt-")
        });
    assert!(moved_aside, "the damaged file is kept, not deleted");
}
