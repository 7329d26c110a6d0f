//! "Recent updates": the job history, newest first.

use crate::error::{CommandError, CommandResult};
use crate::history_view::{self, HistoryDetail, HistoryEntry};
use crate::state::AppState;
use sov_history::{HistoryError, Page};
use tauri::State;

const RECENT_LIMIT: usize = 100;

pub(crate) fn history_error(error: HistoryError) -> CommandError {
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
    let listing = store
        .list_recent(Page::first(RECENT_LIMIT))
        .map_err(history_error)?;
    Ok(listing
        .items
        .iter()
        .map(|summary| history_view::entry(summary, state.jobs.is_running(&summary.job_id)))
        .collect())
}

#[tauri::command]
pub fn get_history(state: State<'_, AppState>, id: String) -> CommandResult<HistoryDetail> {
    let store = state.history().ok_or_else(no_history)?;
    let running = state.jobs.is_running(&id);
    let job = store.get_job(&id).map_err(history_error)?;
    Ok(history_view::detail(&job, running))
}
