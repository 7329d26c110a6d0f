//! A newer SOV Updater: sov-release decides whether one is offered and what to say; Tauri's updater plugin
//! downloads, verifies and installs it. Installing never starts while an SOV update runs.

use serde::Deserialize;
use sov_app::{AppError, AppState, Code};
use sov_release::{CheckOutcome, Origin, UpdateNotice, UpdateSource, Url};
use std::sync::Arc;
use std::time::Duration;
use tauri::{AppHandle, Runtime, State};

/// The part of tauri.conf.json's `plugins.updater` the check needs (the plugin reads the same block).
#[derive(Deserialize)]
struct UpdaterConfig {
    #[serde(default)]
    endpoints: Vec<Url>,
    pubkey: String,
}

/// Set when the updater plugin is registered (the real app; not the mock-runtime tests).
pub struct UpdaterPlugin;

fn source<R: Runtime>(app: &AppHandle<R>) -> Option<UpdateSource> {
    let block = app.config().plugins.0.get("updater")?.clone();
    let config: UpdaterConfig = serde_json::from_value(block).ok()?;
    Some(UpdateSource {
        endpoint: config.endpoints.into_iter().next()?,
        pubkey: config.pubkey,
        target: sov_release::current_target()?,
        // Long enough for a slow office network to fetch the package; the check runs in the background.
        timeout: Duration::from_secs(120),
    })
}

/// Whether this copy can replace itself: a .deb belongs to the package manager, an AppImage does not.
fn can_install() -> bool {
    let from_package_manager = std::env::var_os("APPIMAGE").is_none();
    sov_release::platform_installs(std::env::consts::OS, from_package_manager)
}

#[tauri::command]
pub async fn check_for_update<R: Runtime>(
    app: AppHandle<R>,
    from_about: bool,
) -> Option<UpdateNotice> {
    let origin = if from_about {
        Origin::About
    } else {
        Origin::Startup
    };
    let outcome = match source(&app) {
        Some(source) => sov_release::check(&source, env!("CARGO_PKG_VERSION")).await,
        None => CheckOutcome::NotConfigured,
    };
    sov_release::notice(&outcome, origin, can_install())
}

fn blocked(state: &AppState) -> Result<(), AppError> {
    match sov_release::install_blocked(state.window_job_running()) {
        Some(why) => Err(AppError::new(
            Code::InvalidInput,
            why,
            "an SOV update is running",
        )),
        None => Ok(()),
    }
}

fn not_installed(detail: impl std::fmt::Display) -> AppError {
    AppError::new(
        Code::NetworkUnreachable,
        "The new version could not be downloaded or installed; nothing was changed. Try again later.",
        detail.to_string(),
    )
}

#[tauri::command]
pub async fn install_update<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<AppState>>,
) -> Result<(), AppError> {
    use tauri::Manager;
    use tauri_plugin_updater::UpdaterExt;
    blocked(&state)?;
    if app.try_state::<UpdaterPlugin>().is_none() {
        return Err(not_installed("the updater plugin is not registered"));
    }
    let update = app
        .updater()
        .map_err(not_installed)?
        .check()
        .await
        .map_err(not_installed)?
        .ok_or_else(|| not_installed("the update is no longer offered"))?;
    // The plugin checks the signature again here; nothing unverified is installed.
    let package = update
        .download(|_, _| {}, || {})
        .await
        .map_err(not_installed)?;
    // An update may have been started while the package downloaded: it must not be cut off.
    blocked(&state)?;
    update.install(package).map_err(not_installed)?;
    app.restart()
}
