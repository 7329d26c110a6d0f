//! SOV Updater desktop shell: adapts Tauri (commands, progress channels, dialogs, the keychain, notifications,
//! window events) to the app core, `sov-app`. Everything that is not about the desktop lives in the crates.

mod close_guard;
mod host;
pub mod secrets;
mod web_process;

/// Tauri commands: each adapts its arguments to one call of the app core. One module per part of the window.
mod commands {
    pub mod buildings;
    pub mod connection;
    pub mod desktop;
    pub mod files;
    pub mod find;
    pub mod history;
    pub mod jobs;
    pub mod roundtrip;
    pub mod settings;
    pub mod updates;
}

pub use host::{channel_subscriber, desktop_host, JOB_RESUMED_EVENT};
use sov_app::AppState;
use std::sync::Arc;
use tauri::Manager;

/// The app's identifier; also the name of its config folder.
pub const IDENTIFIER: &str = "com.sovupdater.desktop";

/// Registers the state, plugins and every command on a builder of any runtime, so tests can build the
/// real app with `tauri::test::mock_builder()`.
pub fn builder<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    state: Arc<AppState>,
) -> tauri::Builder<R> {
    builder
        .manage(state)
        .manage(close_guard::CloseConfirmed::default())
        .on_window_event(close_guard::on_window_event)
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(tauri::generate_handler![
            commands::settings::app_info,
            close_guard::confirm_close,
            commands::connection::test_connection,
            commands::connection::list_output_formats,
            commands::connection::start_demo,
            commands::files::check_files,
            commands::files::apply_fixes,
            commands::files::list_attributes,
            commands::files::remember_mapping,
            commands::files::forget_mapping,
            commands::files::save_problem_list,
            commands::files::list_problem_rows,
            commands::files::changed_files,
            commands::find::find_sovs,
            commands::find::sov_details,
            commands::buildings::open_buildings,
            commands::buildings::cancel_buildings,
            commands::buildings::current_buildings,
            commands::buildings::building_detail,
            commands::find::compare_revisions,
            commands::find::save_revision_report,
            commands::jobs::start_job,
            commands::jobs::attach_job,
            commands::jobs::cancel_job,
            commands::jobs::retry_job,
            commands::jobs::redownload,
            commands::settings::get_settings,
            commands::settings::save_connection,
            secrets::set_api_key,
            secrets::remove_api_key,
            commands::settings::save_preferences,
            commands::history::list_history,
            commands::history::get_history,
            commands::desktop::pick_files,
            commands::desktop::pick_folder,
            commands::desktop::open_path,
            commands::desktop::reveal_path,
            commands::updates::check_for_update,
            commands::updates::install_update,
            // The Excel round trip (issue 14).
            commands::roundtrip::corrections_workbook,
            commands::roundtrip::preview_files,
        ])
}

/// The state of a normal run: the OS keychain, the user's config folder, the real environment variables.
/// With no key configured anywhere, the app opens in demo mode so a newcomer can try everything.
pub fn default_state() -> Arc<AppState> {
    let config_dir = dirs::config_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join(IDENTIFIER);
    let data_dir = dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join(IDENTIFIER);
    let state = AppState::new(
        config_dir,
        Box::new(secrets::KeychainStore),
        dirs::home_dir().map(|home| home.join(".pingintel.ini")),
        Box::new(|name| std::env::var(name).ok()),
    )
    .with_history_dir(&data_dir);
    state.enter_demo_if_unconfigured();
    Arc::new(state)
}

/// Picks up the jobs a stopped app left running (in the background; the window opens meanwhile).
pub fn resume_at_startup<R: tauri::Runtime>(app: tauri::AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let state = Arc::clone(app.state::<Arc<AppState>>().inner());
        state.resume_at_startup(desktop_host(&app)).await;
    });
}

/// Starts the desktop app.
pub fn run() {
    // Registered here, not in `builder`: the plugin needs tauri.conf.json's updater block, which the mock-runtime
    // tests' context lacks.
    let app = builder(tauri::Builder::default(), default_state())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(commands::updates::UpdaterPlugin)
        .setup(|app| {
            if let Some(window) = app.get_webview_window("main") {
                web_process::reload_when_the_page_process_ends(&window);
            }
            resume_at_startup(app.handle().clone());
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
        let state = app.state::<Arc<AppState>>();
        tauri::async_runtime::block_on(state.shutdown());
    }
}
