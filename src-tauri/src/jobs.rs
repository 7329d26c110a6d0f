//! The update job the window is running. Its state lives here, in Rust, so a reloaded page re-attaches to it;
//! every snapshot goes to every attached channel. Jobs run through `sov_jobs::JobRunner`, so each one is recorded
//! in the history as it happens and survives a restart.

use crate::snapshot::{self, JobSnapshot};
use serde::Deserialize;
use serde_json::{Map, Value};
use sov_history::HistoryStore;
use sov_jobs::{JobEvents, JobResult, JobRunner, JobsError};
use sov_update::engine::{JobProgress, JobSpec, ResumePoint, Step};
use sov_update::{SovFixerClient, StartRequest, UpdateType};
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use tauri::ipc::Channel;
use tokio_util::sync::CancellationToken;

/// What the window asks for when the user presses Start.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JobRequest {
    pub sov_id: String,
    #[serde(default)]
    pub update_type: Option<String>,
    #[serde(default)]
    pub client_ref: Option<String>,
    #[serde(default)]
    pub callback_url: Option<String>,
    pub files: Vec<PathBuf>,
    #[serde(default)]
    pub output_formats: Vec<String>,
    #[serde(default)]
    pub extra_data: Map<String, Value>,
    #[serde(default)]
    pub download_dir: Option<PathBuf>,
    #[serde(default)]
    pub override_preflight: bool,
    /// The sheet picked for a workbook among `files`, by path; other workbooks are read from their first sheet.
    #[serde(default)]
    pub sheets: BTreeMap<PathBuf, String>,
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value
        .as_ref()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

impl JobRequest {
    pub fn start_request(&self) -> StartRequest {
        // Empty optional fields from the form are left out rather than sent as "".
        let extra_data = self
            .extra_data
            .iter()
            .filter(|(_, v)| !matches!(v, Value::String(s) if s.trim().is_empty()) && !v.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        StartRequest {
            extra_data,
            output_formats: self.output_formats.clone(),
            ..StartRequest::default()
        }
    }

    pub fn spec(&self, download_dir: PathBuf) -> JobSpec {
        JobSpec {
            sov_id: self.sov_id.trim().to_owned(),
            files: self.files.clone(),
            update_type: non_empty(&self.update_type).map(|t| UpdateType::parse(&t)),
            client_ref: non_empty(&self.client_ref),
            callback_url: non_empty(&self.callback_url),
            start: self.start_request(),
            download_dir,
            override_preflight: self.override_preflight,
            sheets: self.sheets.clone(),
            ..JobSpec::default()
        }
    }
}

/// One job and whoever is watching it.
pub struct RunningJob {
    /// The history's job id, known once the job is recorded.
    id: OnceLock<String>,
    pub request: Option<JobRequest>,
    file_count: usize,
    latest: Mutex<Option<JobSnapshot>>,
    subscribers: Mutex<Vec<Channel<JobSnapshot>>>,
    cancel: OnceLock<CancellationToken>,
}

impl RunningJob {
    fn new(
        request: Option<JobRequest>,
        file_count: usize,
        channel: Option<Channel<JobSnapshot>>,
    ) -> Self {
        Self {
            id: OnceLock::new(),
            request,
            file_count,
            latest: Mutex::new(None),
            subscribers: Mutex::new(channel.into_iter().collect()),
            cancel: OnceLock::new(),
        }
    }

    pub fn id(&self) -> &str {
        self.id.get().map(String::as_str).unwrap_or_default()
    }

    pub fn snapshot(&self) -> Option<JobSnapshot> {
        self.latest
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn attach(&self, channel: Channel<JobSnapshot>) {
        self.subscribers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(channel);
    }

    pub fn cancel(&self) {
        if let Some(token) = self.cancel.get() {
            token.cancel();
        }
    }

    pub fn is_finished(&self) -> bool {
        self.snapshot().is_some_and(|s| s.phase.is_final())
    }

    fn publish(&self, progress: &JobProgress) {
        let view = snapshot::from_progress(self.id(), self.file_count, progress);
        *self.latest.lock().unwrap_or_else(|p| p.into_inner()) = Some(view.clone());
        // A channel whose page was reloaded fails to send: drop it, the new page attaches again.
        self.subscribers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|channel| channel.send(view.clone()).is_ok());
    }
}

/// Where a retry picks up, decided by the step that failed.
#[derive(Debug, Clone, PartialEq)]
pub enum RetryPlan {
    /// Nothing was started on the server: run the whole job again as a new job (a never-started
    /// update is left unused).
    Fresh,
    /// Uploaded but the start failed: start the same update (the engine checks first whether it already began).
    Start { update_id: String },
    /// Started: wait for it and download again; nothing is sent twice.
    Poll { update_id: String },
}

pub fn retry_plan(snapshot: &JobSnapshot) -> RetryPlan {
    let Some(error) = &snapshot.error else {
        return RetryPlan::Fresh;
    };
    match (error.step, &snapshot.update_id, error.code.as_str()) {
        // A job the server itself failed cannot be restarted; only a new update can succeed.
        (_, _, "job_failed") => RetryPlan::Fresh,
        (Some(Step::Start), Some(id), _) => RetryPlan::Start {
            update_id: id.clone(),
        },
        (Some(Step::Process | Step::Download), Some(id), _) => RetryPlan::Poll {
            update_id: id.clone(),
        },
        _ => RetryPlan::Fresh,
    }
}

/// What to run.
pub enum Work {
    /// A new update.
    Fresh(JobSpec),
    /// Continue a recorded job on its update id (retry after a failed start, poll or download).
    Resume {
        job_id: String,
        update_id: String,
        from: ResumePoint,
    },
    /// Fetch a finished job's outputs again.
    Redownload { job_id: String },
}

/// Called once a job ends, with its outcome (for notifications).
pub type OnFinish = Box<dyn FnOnce(&RunningJob, &JobResult) + Send>;

#[derive(Default)]
pub struct JobManager {
    current: Mutex<Option<Arc<RunningJob>>>,
    /// Jobs resumed at startup that are still running, whether or not the window follows them: the history
    /// shows them as running and Retry leaves them alone.
    resumed: Mutex<HashSet<String>>,
}

/// Why a job could not be launched.
#[derive(Debug)]
pub enum LaunchError {
    /// Another job is still running.
    Busy,
    Jobs(JobsError),
}

impl From<JobsError> for LaunchError {
    fn from(error: JobsError) -> Self {
        Self::Jobs(error)
    }
}

impl JobManager {
    pub fn current(&self) -> Option<Arc<RunningJob>> {
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn find(&self, job_id: &str) -> Option<Arc<RunningJob>> {
        self.current().filter(|job| job.id() == job_id)
    }

    fn is_busy(&self) -> bool {
        self.current().is_some_and(|job| !job.is_finished())
    }

    /// True while `job_id` runs in this session (the window's job, or one resumed at startup).
    pub fn is_running(&self, job_id: &str) -> bool {
        self.find(job_id).is_some_and(|job| !job.is_finished())
            || self
                .resumed
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .contains(job_id)
    }

    /// Notes a job resumed at startup as running until `resumed_job_ended` is called.
    pub fn resumed_job_started(&self, job_id: &str) {
        self.resumed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(job_id.to_owned());
    }

    pub fn resumed_job_ended(&self, job_id: &str) {
        self.resumed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(job_id);
    }

    /// Runs `work` in the background, recorded in `store`; progress goes to `channel`. Refuses while another job
    /// is still running. Returns the job's id.
    pub async fn launch(
        &self,
        runner: JobRunner,
        work: Work,
        request: Option<JobRequest>,
        channel: Option<Channel<JobSnapshot>>,
        on_finish: OnFinish,
    ) -> Result<String, LaunchError> {
        let file_count = request.as_ref().map_or(0, |r| r.files.len());
        let job = Arc::new(RunningJob::new(request, file_count, channel));
        {
            let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
            if current.as_ref().is_some_and(|job| !job.is_finished()) {
                return Err(LaunchError::Busy);
            }
            *current = Some(job.clone());
        }
        let publisher = job.clone();
        let events: JobEvents =
            Arc::new(move |_job_id: &str, progress: &JobProgress| publisher.publish(progress));
        let started = match work {
            Work::Fresh(spec) => runner.start(spec, Some(events)).await,
            Work::Redownload { job_id } => runner.redownload(&job_id, Some(events)).await,
            Work::Resume {
                job_id,
                update_id,
                from,
            } => resume(&runner, &job_id, update_id, from, events),
        };
        let running = match started {
            Ok(running) => running,
            Err(error) => {
                self.forget(&job);
                return Err(error.into());
            }
        };
        let _ = job.id.set(running.job_id.clone());
        let _ = job.cancel.set(running.cancel.clone());
        let job_id = running.job_id.clone();
        tauri::async_runtime::spawn(async move {
            let outcome = match running.task.await {
                Ok(outcome) => outcome,
                Err(join_error) => Err(sov_update::JobError {
                    step: Step::Validate,
                    error: sov_update::UpdateError::new(
                        sov_update::ErrorKind::Internal,
                        join_error.to_string(),
                    ),
                    update_id: None,
                }),
            };
            on_finish(&job, &outcome);
        });
        Ok(job_id)
    }

    /// Adopts a job resumed at startup so the window can attach to it (when nothing else is running).
    pub fn adopt(&self, job_id: &str, cancel: CancellationToken) -> Option<Arc<RunningJob>> {
        if self.is_busy() {
            return None;
        }
        let job = Arc::new(RunningJob::new(None, 0, None));
        let _ = job.id.set(job_id.to_owned());
        let _ = job.cancel.set(cancel);
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = Some(job.clone());
        Some(job)
    }

    /// Passes a resumed job's progress to the window, if it is the one the window follows.
    pub fn publish(&self, job_id: &str, progress: &JobProgress) {
        if let Some(job) = self.find(job_id) {
            job.publish(progress);
        }
    }

    fn forget(&self, job: &Arc<RunningJob>) {
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if current.as_ref().is_some_and(|c| Arc::ptr_eq(c, job)) {
            *current = None;
        }
    }
}

fn resume(
    runner: &JobRunner,
    job_id: &str,
    update_id: String,
    from: ResumePoint,
    events: JobEvents,
) -> Result<sov_jobs::RunningJob, JobsError> {
    let detail = runner.store().get_job(job_id)?;
    let id = job_id.to_owned();
    let forward: sov_update::ProgressCallback =
        Arc::new(move |progress: &JobProgress| events(&id, progress));
    Ok(runner.resume_job(&detail, update_id, from, Some(forward)))
}

/// The runner for the environment in use.
pub fn runner(store: Arc<HistoryStore>, client: SovFixerClient, environment: &str) -> JobRunner {
    JobRunner::new(store, client, environment)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::snapshot::ErrorView;
    use sov_update::engine::Phase;

    fn failed_at(step: Step, code: &str, update_id: Option<&str>) -> JobSnapshot {
        JobSnapshot {
            job_id: "j".into(),
            update_id: update_id.map(str::to_owned),
            sov_id: None,
            phase: Phase::Failed,
            steps: Vec::new(),
            overall_progress: 0.0,
            elapsed_ms: 0,
            stalled: false,
            processing: None,
            outputs: Vec::new(),
            error: Some(ErrorView {
                code: code.into(),
                message: String::new(),
                detail: String::new(),
                step: Some(step),
            }),
        }
    }

    #[test]
    fn retry_never_sends_a_started_update_again() {
        assert_eq!(
            retry_plan(&failed_at(Step::Process, "network_unreachable", Some("u"))),
            RetryPlan::Poll {
                update_id: "u".into()
            }
        );
        assert_eq!(
            retry_plan(&failed_at(Step::Download, "server_error", Some("u"))),
            RetryPlan::Poll {
                update_id: "u".into()
            }
        );
        assert_eq!(
            retry_plan(&failed_at(Step::Start, "timed_out", Some("u"))),
            RetryPlan::Start {
                update_id: "u".into()
            }
        );
    }

    #[test]
    fn retry_starts_over_when_nothing_was_started_or_the_server_failed_the_job() {
        assert_eq!(
            retry_plan(&failed_at(Step::Upload, "network_unreachable", Some("u"))),
            RetryPlan::Fresh
        );
        assert_eq!(
            retry_plan(&failed_at(Step::Initiate, "server_error", None)),
            RetryPlan::Fresh
        );
        assert_eq!(
            retry_plan(&failed_at(Step::Process, "job_failed", Some("u"))),
            RetryPlan::Fresh
        );
    }

    #[test]
    fn blank_optional_fields_are_not_sent() {
        let request: JobRequest = serde_json::from_value(serde_json::json!({
            "sovId": " s-a ", "files": ["/f.csv"], "outputFormats": ["JSON"],
            "extraData": {"insured_name": "Acme", "sov_description": "  ", "inception_date": null},
            "clientRef": " ", "updateType": "SCRUB"
        }))
        .unwrap();
        let spec = request.spec(PathBuf::from("/out"));
        assert_eq!(spec.sov_id, "s-a");
        assert_eq!(spec.client_ref, None);
        assert_eq!(spec.update_type, Some(UpdateType::Scrub));
        assert_eq!(spec.start.extra_data.len(), 1);
    }

    #[test]
    fn the_sheet_picked_for_a_workbook_goes_to_the_job() {
        let request: JobRequest = serde_json::from_value(serde_json::json!({
            "sovId": "s-a", "files": ["/book.xlsx", "/f.csv"], "outputFormats": ["JSON"],
            "sheets": {"/book.xlsx": "Corrections"}
        }))
        .unwrap();
        let spec = request.spec(PathBuf::from("/out"));
        assert_eq!(
            spec.sheets
                .get(&PathBuf::from("/book.xlsx"))
                .map(String::as_str),
            Some("Corrections")
        );
        assert_eq!(spec.sheets.len(), 1);
    }
}
