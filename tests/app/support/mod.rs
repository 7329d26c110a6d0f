//! The real app built on Tauri's mock runtime, with its state in a temporary folder, and a way to call its
//! commands through IPC as the webview does.
#![allow(clippy::unwrap_used, dead_code)]

use serde_json::Value;
use sov_app::{AppState, MemoryStore};
use std::path::Path;
use std::sync::Arc;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;

pub struct Harness {
    pub app: tauri::App<MockRuntime>,
    pub window: tauri::WebviewWindow<MockRuntime>,
    pub dir: tempfile::TempDir,
}

/// The app with its config (and history) under a fresh temporary folder and only `env` as environment.
pub fn harness(env: &'static [(&'static str, &'static str)]) -> Harness {
    harness_in(tempfile::tempdir().unwrap(), env)
}

/// The app with its config under `dir/config`, for tests that prepare files there first.
pub fn harness_in(dir: tempfile::TempDir, env: &'static [(&'static str, &'static str)]) -> Harness {
    let state = state_in(&dir.path().join("config"), env);
    let app = sov_updater_lib::builder(mock_builder(), state)
        .build(mock_context(noop_assets()))
        .unwrap();
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness { app, window, dir }
}

pub fn state_in(config: &Path, env: &'static [(&'static str, &'static str)]) -> Arc<AppState> {
    Arc::new(AppState::new(
        config.to_path_buf(),
        Box::new(MemoryStore::default()),
        None,
        Box::new(move |name| {
            env.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }),
    ))
}

/// The app's core, as the commands see it.
pub fn state(h: &Harness) -> Arc<AppState> {
    use tauri::Manager;
    Arc::clone(h.app.state::<Arc<AppState>>().inner())
}

/// Calls a command as the webview would (from the app's own origin) and returns its answer or its error.
pub fn invoke(h: &Harness, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        &h.window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}
