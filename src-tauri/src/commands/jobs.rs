//! Start, watch, cancel, retry and re-download update jobs. Progress flows over the channel the window passes in.

use super::connection::{client_for, engine_error};
use super::settings::default_download_dir;
use crate::error::{CommandError, CommandResult};
use crate::jobs::{retry_plan, JobRequest, LaunchError, RetryPlan, Work};
use crate::snapshot::JobSnapshot;
use crate::state::AppState;
use serde::Serialize;
use sov_jobs::JobsError;
use sov_update::engine::ResumePoint;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

#[derive(Debug, Serialize)]
pub struct JobStarted {
    pub job_id: String,
}

fn launch_error(error: LaunchError) -> CommandError {
    match error {
        LaunchError::Busy => CommandError::invalid_input(
            "An update is already running. Wait for it to finish, or cancel it, before starting another.",
        ),
        LaunchError::Jobs(JobsError::Update(error)) => engine_error(error),
        LaunchError::Jobs(error) => CommandError::new(error.code(), error.to_string(), error.detail()),
    }
}

fn no_history() -> CommandError {
    CommandError::new(
        "file_error",
        "SOV Updater cannot record updates on this computer (its data folder cannot be written), so it will not start one it could lose. Check that your user folder is not full, then restart SOV Updater.",
        "",
    )
}

fn validate(request: &JobRequest) -> CommandResult<()> {
    if request.sov_id.trim().is_empty() {
        return Err(CommandError::invalid_input(
            "Enter the SOV ID of the SOV you want to update.",
        ));
    }
    if request.files.is_empty() {
        return Err(CommandError::invalid_input(
            "Add at least one corrections file.",
        ));
    }
    if request.output_formats.is_empty() {
        return Err(CommandError::invalid_input(
            "Tick at least one output format.",
        ));
    }
    Ok(())
}

/// Launches `work` for the environment in use, recorded in the history.
async fn launch<R: Runtime>(
    app: AppHandle<R>,
    state: &AppState,
    work: Work,
    request: Option<JobRequest>,
    on_event: Channel<JobSnapshot>,
) -> CommandResult<JobStarted> {
    let client = client_for(state).await?;
    let store = state.history().ok_or_else(no_history)?;
    let environment = state.prefs().environment.clone();
    let runner = crate::jobs::runner(store, client, &environment);
    let job_id = state
        .jobs
        .launch(
            runner,
            work,
            request,
            Some(on_event),
            crate::finish::on_finish(app),
        )
        .await
        .map_err(launch_error)?;
    Ok(JobStarted { job_id })
}

#[tauri::command]
pub async fn start_job<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    request: JobRequest,
    on_event: Channel<JobSnapshot>,
) -> CommandResult<JobStarted> {
    validate(&request)?;
    let download_dir = request
        .download_dir
        .clone()
        .or_else(|| state.prefs().download_dir.clone())
        .unwrap_or_else(default_download_dir);
    std::fs::create_dir_all(&download_dir).map_err(|error| {
        CommandError::file(
            format!(
                "The download folder “{}” cannot be created. Choose another folder.",
                download_dir.display()
            ),
            error,
        )
    })?;
    let _ = state.update_prefs(|prefs| {
        prefs.remember_sov_id(request.sov_id.trim());
        prefs.last_formats = request.output_formats.clone();
        prefs.download_dir = Some(download_dir.clone());
    });
    let spec = request.spec(download_dir);
    launch(app, &state, Work::Fresh(spec), Some(request), on_event).await
}

#[tauri::command]
pub fn attach_job(
    state: State<'_, AppState>,
    on_event: Channel<JobSnapshot>,
) -> Option<JobSnapshot> {
    let job = state.jobs.current()?;
    job.attach(on_event);
    job.snapshot()
}

#[tauri::command]
pub fn cancel_job(state: State<'_, AppState>, job_id: String) -> CommandResult<()> {
    let job = state
        .jobs
        .find(&job_id)
        .ok_or_else(|| CommandError::invalid_input("That update is no longer running."))?;
    job.cancel();
    Ok(())
}

#[tauri::command]
pub async fn retry_job<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    job_id: String,
    on_event: Channel<JobSnapshot>,
) -> CommandResult<JobStarted> {
    let previous = state
        .jobs
        .find(&job_id)
        .ok_or_else(|| CommandError::invalid_input("That update can no longer be retried here. Open it in Recent updates, or start it again."))?;
    let snapshot = previous
        .snapshot()
        .filter(|s| s.error.is_some())
        .ok_or_else(|| {
            CommandError::invalid_input("Only a failed or cancelled update can be retried.")
        })?;
    let request = previous.request.clone();
    let work = match (retry_plan(&snapshot), &request) {
        (RetryPlan::Start { update_id }, Some(request)) => Work::Resume {
            job_id: job_id.clone(),
            update_id,
            from: ResumePoint::Start(request.start_request()),
        },
        (RetryPlan::Poll { update_id }, _) => Work::Resume { job_id: job_id.clone(), update_id, from: ResumePoint::Poll },
        (_, Some(request)) => {
            let store = state.history().ok_or_else(no_history)?;
            let download_dir = store
                .get_job(&job_id)
                .map(|detail| detail.download_dir)
                .unwrap_or_else(|_| default_download_dir());
            Work::Fresh(request.spec(download_dir))
        }
        (_, None) => {
            return Err(CommandError::invalid_input(
                "This update was started before SOV Updater was last closed. Start it again from the corrections files.",
            ))
        }
    };
    launch(app, &state, work, request, on_event).await
}

#[tauri::command]
pub async fn redownload<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    on_event: Channel<JobSnapshot>,
) -> CommandResult<JobStarted> {
    launch(app, &state, Work::Redownload { job_id: id }, None, on_event).await
}
