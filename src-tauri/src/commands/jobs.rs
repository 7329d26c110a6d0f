//! Start, watch, cancel, retry and re-download update jobs. Progress flows over the channel the window passes in.

use super::connection::{client_for, engine_error};
use super::history::history_error;
use super::settings::default_download_dir;
use crate::error::{CommandError, CommandResult};
use crate::history_retry;
use crate::jobs::{retry_plan, JobRequest, LaunchError, RetryPlan, Work};
use crate::snapshot::JobSnapshot;
use crate::state::AppState;
use serde::Serialize;
use sov_history::{JobStatus, LastError};
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

/// Retry of a failed, cancelled or interrupted job: from the step that failed when that is safe (nothing is sent
/// twice), otherwise as a new job with the same request. A job this session ran is retried from memory; one known
/// only from the history (the app was restarted since) from its record.
#[tauri::command]
pub async fn retry_job<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    job_id: String,
    on_event: Channel<JobSnapshot>,
) -> CommandResult<JobStarted> {
    if state.jobs.is_running(&job_id) {
        return Err(CommandError::invalid_input(
            "This update is still running. Wait for it to finish, or cancel it, before retrying.",
        ));
    }
    let in_memory = state.jobs.find(&job_id).filter(|job| job.request.is_some());
    let (work, request, supersedes) = match in_memory {
        Some(previous) => (
            retry_in_memory(&state, &job_id, &previous)?,
            previous.request.clone(),
            None,
        ),
        None => retry_recorded(&state, &job_id).await?,
    };
    let started = launch(app, &state, work, request, on_event).await?;
    if let (Some(interrupted), Some(store)) = (supersedes, state.history()) {
        // Left "running" by a stopped app and now replaced by a new job: record it as interrupted, so the next
        // start does not pick it up again. Failing to write this only costs a stale entry.
        let _ = store.mark_failed(&job_id, &interrupted);
    }
    Ok(started)
}

fn retry_in_memory(
    state: &AppState,
    job_id: &str,
    previous: &crate::jobs::RunningJob,
) -> CommandResult<Work> {
    let snapshot = previous
        .snapshot()
        .filter(|s| s.error.is_some())
        .ok_or_else(|| {
            CommandError::invalid_input("Only a failed or cancelled update can be retried.")
        })?;
    let request = previous.request.as_ref();
    if let Some(work) = resume_work(job_id, retry_plan(&snapshot), request) {
        return Ok(work);
    }
    let request = request.ok_or_else(|| {
        CommandError::invalid_input("Start this update again from the corrections files.")
    })?;
    let store = state.history().ok_or_else(no_history)?;
    let download_dir = store
        .get_job(job_id)
        .map(|detail| detail.download_dir)
        .unwrap_or_else(|_| default_download_dir());
    Ok(Work::Fresh(request.spec(download_dir)))
}

/// The work that picks a job up on the server where that is safe, or `None` when it must be sent again as a new
/// job (a start needs the request it would send).
fn resume_work(job_id: &str, plan: RetryPlan, request: Option<&JobRequest>) -> Option<Work> {
    match (plan, request) {
        (RetryPlan::Start { update_id }, Some(request)) => Some(Work::Resume {
            job_id: job_id.to_owned(),
            update_id,
            from: ResumePoint::Start(request.start_request()),
        }),
        (RetryPlan::Poll { update_id }, _) => Some(Work::Resume {
            job_id: job_id.to_owned(),
            update_id,
            from: ResumePoint::Poll,
        }),
        _ => None,
    }
}

/// What to run for a job known from the history, the request behind it, and, when a job left running by a
/// stopped app is replaced by a new one, the error to record on the old one.
async fn retry_recorded(
    state: &AppState,
    job_id: &str,
) -> CommandResult<(Work, Option<JobRequest>, Option<LastError>)> {
    let store = state.history().ok_or_else(no_history)?;
    let detail = store.get_job(job_id).map_err(history_error)?;
    if detail.status == JobStatus::Finished {
        return Err(CommandError::invalid_input(
            "This update finished. To fetch its files again, use “Download again”.",
        ));
    }
    let (environment, custom_url) = {
        let prefs = state.prefs();
        (prefs.environment.clone(), prefs.custom_url.clone())
    };
    history_retry::check_environment(&detail, &environment, &custom_url)?;
    let request = history_retry::request(&detail);
    if let Some(work) = resume_work(job_id, history_retry::plan(&detail), Some(&request)) {
        return Ok((work, Some(request), None));
    }
    let files = detail.input_files.clone();
    let (problems, unknown_sheets) = tauri::async_runtime::spawn_blocking(move || {
        (
            history_retry::changed_inputs(&files),
            history_retry::unrecorded_sheet_choices(&files),
        )
    })
    .await
    .map_err(CommandError::internal)?;
    if !problems.is_empty() {
        return Err(history_retry::changed_inputs_error(&problems));
    }
    if !unknown_sheets.is_empty() {
        return Err(history_retry::unrecorded_sheet_choices_error(
            &unknown_sheets,
        ));
    }
    let supersedes = (detail.status == JobStatus::Running).then(|| LastError {
        code: sov_jobs::INTERRUPTED_CODE.to_owned(),
        message: detail.resume_point().user_message(),
        detail: "retried as a new update".to_owned(),
    });
    Ok((
        Work::Fresh(request.spec(detail.download_dir.clone())),
        Some(request),
        supersedes,
    ))
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
