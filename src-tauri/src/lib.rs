//! SOV Updater desktop shell: wires Tauri to the GUI-free core crates.
//! Everything that is not about windows lives in `src-tauri/crates/`.

mod close_guard;
mod commands;
mod demo;
pub mod error;
mod finish;
mod history_retry;
mod history_view;
mod jobs;
mod preferences;
pub mod resume;
pub mod secrets;
mod snapshot;
pub mod state;

use state::AppState;
use std::path::PathBuf;
use tauri::Manager;

/// The app's identifier; also the name of its config folder.
pub const IDENTIFIER: &str = "com.sovupdater.desktop";

/// Registers the state, plugins and every command on a builder of any runtime, so tests can build the
/// real app with `tauri::test::mock_builder()`.
pub fn builder<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    state: AppState,
) -> tauri::Builder<R> {
    builder
        .manage(state)
        .manage(close_guard::CloseConfirmed::default())
        .on_window_event(close_guard::on_window_event)
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(tauri::generate_handler![
            commands::about::app_info,
            close_guard::confirm_close,
            commands::connection::test_connection,
            commands::connection::list_output_formats,
            commands::connection::start_demo,
            commands::files::check_files,
            commands::files::apply_fixes,
            commands::jobs::start_job,
            commands::jobs::attach_job,
            commands::jobs::cancel_job,
            commands::jobs::retry_job,
            commands::jobs::redownload,
            commands::settings::get_settings,
            commands::settings::save_connection,
            commands::settings::set_api_key,
            commands::settings::remove_api_key,
            commands::settings::save_preferences,
            commands::history::list_history,
            commands::history::get_history,
            commands::desktop::pick_files,
            commands::desktop::pick_folder,
            commands::desktop::open_path,
            commands::desktop::reveal_path,
        ])
}

/// The state of a normal run: the OS keychain, the user's config folder, the real environment variables.
/// With no key configured anywhere, the app opens in demo mode so a newcomer can try everything.
pub fn default_state() -> AppState {
    let config_dir = dirs::config_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join(IDENTIFIER);
    let ini_path: Option<PathBuf> = dirs::home_dir().map(|home| home.join(".pingintel.ini"));
    let data_dir = dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join(IDENTIFIER);
    let state = AppState::new(
        config_dir,
        Box::new(secrets::KeychainStore),
        ini_path,
        Box::new(|name| std::env::var(name).ok()),
    )
    .with_history_dir(&data_dir);
    state.enter_demo_if_unconfigured();
    state
}

/// Starts the desktop app.
pub fn run() {
    let app = builder(tauri::Builder::default(), default_state())
        .setup(|app| {
            resume::resume_at_startup(app.handle().clone());
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(on_run_event),
        Err(error) => {
            eprintln!("SOV Updater could not start: {error}");
            std::process::exit(1);
        }
    }
}

/// On exit, stops the demo server so its files are removed (the process then ends without running destructors).
pub fn on_run_event<R: tauri::Runtime>(app: &tauri::AppHandle<R>, event: tauri::RunEvent) {
    if let tauri::RunEvent::Exit = event {
        let state = app.state::<AppState>();
        tauri::async_runtime::block_on(state.demo.shutdown());
    }
}
