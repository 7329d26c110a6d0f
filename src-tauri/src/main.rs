// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// The desktop binary: starts the Tauri app (`sov_updater_lib::run`).
fn main() {
    sov_updater_lib::run();
}
