//! "Recent updates": the job history, newest first.

use crate::error::{CommandError, CommandResult};
use crate::history_view::{self, HistoryDetail, HistoryEntry};
use crate::state::AppState;
use sov_history::{HistoryError, Page};
use tauri::State;

const RECENT_LIMIT: usize = 100;

fn history_error(error: HistoryError) -> CommandError {
    CommandError::new(error.code(), error.to_string(), error.detail())
}

fn no_history() -> CommandError {
    CommandError::new(
        "file_error",
        "The history of your updates could not be opened, so it cannot be shown. Your updates still run and their files are saved as usual.",
        "",
    )
}

#[tauri::command]
pub fn list_history(state: State<'_, AppState>) -> CommandResult<Vec<HistoryEntry>> {
    let store = state.history().ok_or_else(no_history)?;
    let running = state
        .jobs
        .current()
        .filter(|job| !job.is_finished())
        .map(|job| job.id().to_owned());
    let listing = store
        .list_recent(Page::first(RECENT_LIMIT))
        .map_err(history_error)?;
    Ok(listing
        .items
        .iter()
        .map(|summary| {
            history_view::entry(summary, running.as_deref() == Some(summary.job_id.as_str()))
        })
        .collect())
}

#[tauri::command]
pub fn get_history(state: State<'_, AppState>, id: String) -> CommandResult<HistoryDetail> {
    let store = state.history().ok_or_else(no_history)?;
    let running = state
        .jobs
        .current()
        .is_some_and(|job| job.id() == id && !job.is_finished());
    let job = store.get_job(&id).map_err(history_error)?;
    Ok(history_view::detail(&job, running))
}
