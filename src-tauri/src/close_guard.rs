//! Closing the window while an update runs: the window is asked to explain first (the job goes on on the server
//! and is picked up at the next start), and closes once the user confirms.

use sov_app::{AppError, AppState};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tauri::{Emitter, Manager, Runtime, Window, WindowEvent};

/// Set once the user confirmed, so the second close request goes through.
#[derive(Default)]
pub struct CloseConfirmed(AtomicBool);

pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    let running = window.state::<Arc<AppState>>().window_job_running();
    let confirmed = window.state::<CloseConfirmed>().0.load(Ordering::SeqCst);
    if running && !confirmed {
        api.prevent_close();
        let _ = window.emit("close-requested", ());
    }
}

#[tauri::command]
pub fn confirm_close<R: Runtime>(window: tauri::Window<R>) -> Result<(), AppError> {
    window
        .state::<CloseConfirmed>()
        .0
        .store(true, Ordering::SeqCst);
    window.close().map_err(AppError::internal)
}
