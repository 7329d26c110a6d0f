//! [`JobRunner`]: what the app and the tests use to run jobs that are recorded as they happen.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use sov_history::{HistoryError, HistoryStore, JobDetail, JobStatus};
use sov_update::{
    Job, JobError, JobOutcome, JobProgress, JobSpec, PollConfig, ProgressCallback, ResumePoint,
    ResumeSpec,
};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::changes::ChangeCheck;
use crate::error::JobsError;
use crate::recorder::JobRecorder;
use crate::request;
use crate::target::{Connection, Target};

/// How a job run ended: the engine's own result type.
pub type JobResult = Result<JobOutcome, JobError>;

/// Progress of any of several jobs (resume at startup): the job id, then its snapshot.
pub type JobEvents = Arc<dyn Fn(&str, &JobProgress) + Send + Sync>;

/// A job running in the background.
pub struct RunningJob {
    pub job_id: String,
    pub cancel: CancellationToken,
    pub task: JoinHandle<JobResult>,
    /// History writes that failed show up here (`JobRecorder::warnings`).
    pub recorder: Arc<JobRecorder>,
}

/// Runs update jobs and records each in the history. One runner lives as long as the app: it owns every running
/// job (the window's and the ones resumed at startup); each operation that reaches a server is given the
/// [`Connection`] in use, so switching environments never needs a second runner.
pub struct JobRunner {
    store: Arc<HistoryStore>,
    poll: PollConfig,
    running: Arc<Mutex<HashMap<String, CancellationToken>>>,
    /// Where revisions fetched for the change check are kept; `None`: new jobs are not checked.
    change_cache: Option<PathBuf>,
}

impl JobRunner {
    pub fn new(store: Arc<HistoryStore>) -> Self {
        Self {
            store,
            poll: PollConfig::default(),
            running: Arc::new(Mutex::new(HashMap::new())),
            change_cache: None,
        }
    }

    /// Checks every job that saves its outputs against SOV Fixer's new data once it has finished (new, resumed,
    /// retried or downloaded again): the counts go into the job's outcome and the history, the change report
    /// beside the outputs (once: one still in place is kept). Revisions are kept in `cache_dir` so none is
    /// downloaded twice.
    pub fn with_change_check(mut self, cache_dir: impl Into<PathBuf>) -> Self {
        self.change_cache = Some(cache_dir.into());
        self
    }

    pub fn with_poll(mut self, poll: PollConfig) -> Self {
        self.poll = poll;
        self
    }

    pub fn store(&self) -> &Arc<HistoryStore> {
        &self.store
    }

    /// Records a new job (input files with name, size and SHA-256) and runs it in the background.
    /// The history is written before each request is sent, so the job survives a crash.
    pub async fn start(
        &self,
        connection: &Connection,
        spec: JobSpec,
        on_progress: Option<JobEvents>,
    ) -> Result<RunningJob, JobsError> {
        let job_id = request::new_job_id();
        let base_url = connection.client.api_base().to_string();
        let environment = connection.target.name();
        let record_spec = spec.clone();
        let record_id = job_id.clone();
        // Hashing reads every input file: keep it off the async workers.
        let new_job = tokio::task::spawn_blocking(move || {
            request::new_job(&record_id, &record_spec, environment, &base_url)
        })
        .await
        .map_err(|e| {
            sov_update::UpdateError::new(sov_update::ErrorKind::Internal, e.to_string())
        })?;
        let recorder = match self.store.create_job(&new_job) {
            Ok(()) => JobRecorder::new(Arc::clone(&self.store), job_id.clone()),
            // A history from a newer version is read-only: the update still runs, unrecorded,
            // and the warning says so (the store's message names the way out).
            Err(error @ HistoryError::ReadOnly { .. }) => {
                JobRecorder::unrecorded(Arc::clone(&self.store), job_id.clone(), error.to_string())
            }
            Err(error) => return Err(error.into()),
        };
        let recorder = Arc::new(recorder);
        let callback = recorder.callback(on_progress.map(|events| for_job(events, &job_id)));
        let cancel = CancellationToken::new();
        let job = Job::new(
            connection.client.clone(),
            self.poll.clone(),
            callback,
            cancel.clone(),
        );
        let check = self
            .change_cache
            .clone()
            .filter(|_| spec.save_outputs)
            .map(|cache_dir| ChangeCheck {
                client: connection.client.clone(),
                cache_dir,
                poll: self.poll.clone(),
                store: Arc::clone(&self.store),
                job_id: job_id.clone(),
                spec: spec.clone(),
                cancel: cancel.clone(),
                recorded: None,
            });
        Ok(self.spawn(job_id, recorder, cancel, async move {
            let mut outcome = job.run(spec).await?;
            if let Some(check) = check {
                outcome.changes = check.run(&outcome).await;
            }
            Ok(outcome)
        }))
    }

    /// Downloads a finished job's outputs again from the server: the ones whose local file is gone
    /// (or no longer has the recorded size), or all of them when none is missing.
    pub async fn redownload(
        &self,
        connection: &Connection,
        job_id: &str,
        on_progress: Option<JobEvents>,
    ) -> Result<RunningJob, JobsError> {
        let detail = self.store.get_job(job_id)?;
        let update_id = detail
            .update_id
            .clone()
            .ok_or_else(|| JobsError::NoUpdateId {
                job_id: job_id.to_owned(),
            })?;
        if detail.status != JobStatus::Finished {
            return Err(JobsError::NotFinished {
                job_id: job_id.to_owned(),
            });
        }
        self.check_environment(connection, &detail)?;
        let present: HashSet<String> = detail
            .outputs
            .iter()
            .filter(|output| {
                std::fs::metadata(&output.local_path).is_ok_and(|meta| meta.len() == output.size)
            })
            .map(|output| output.filename.clone())
            .collect();
        let skip = if present.len() == detail.outputs.len() {
            HashSet::new()
        } else {
            present
        };
        let forward = on_progress.map(|events| for_job(events, job_id));
        Ok(self.fetch_outputs(connection, &detail, update_id, skip, forward))
    }

    /// Asks a running job to stop. An update already started keeps running on SOV Fixer.
    pub fn cancel(&self, job_id: &str) -> bool {
        match lock(&self.running).get(job_id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    pub fn is_running(&self, job_id: &str) -> bool {
        lock(&self.running).contains_key(job_id)
    }

    /// `Job::resume` for a recorded job, recorded by a recorder that knows its past.
    pub(crate) fn resume_job(
        &self,
        connection: &Connection,
        detail: &JobDetail,
        update_id: String,
        from: ResumePoint,
        on_progress: Option<ProgressCallback>,
    ) -> RunningJob {
        let spec = ResumeSpec {
            from,
            ..resume_spec(detail, update_id)
        };
        self.resume_recorded(connection, detail, spec, on_progress)
    }

    /// Downloads the outputs of `detail` not in `skip` (server names), then ends the job as
    /// finished.
    pub(crate) fn fetch_outputs(
        &self,
        connection: &Connection,
        detail: &JobDetail,
        update_id: String,
        skip: HashSet<String>,
        on_progress: Option<ProgressCallback>,
    ) -> RunningJob {
        let spec = ResumeSpec {
            skip_outputs: skip,
            ..resume_spec(detail, update_id)
        };
        self.resume_recorded(connection, detail, spec, on_progress)
    }

    /// Runs `Job::resume(spec)` in the background, recorded as a continuation of `detail`.
    fn resume_recorded(
        &self,
        connection: &Connection,
        detail: &JobDetail,
        spec: ResumeSpec,
        on_progress: Option<ProgressCallback>,
    ) -> RunningJob {
        let recorder = Arc::new(JobRecorder::resuming(Arc::clone(&self.store), detail));
        let callback = recorder.callback(on_progress);
        let cancel = CancellationToken::new();
        let job = Job::new(
            connection.client.clone(),
            self.poll.clone(),
            callback,
            cancel.clone(),
        );
        // Resumed, retried under its id or downloaded again: checked like a new job, from its record.
        let check = self
            .change_cache
            .clone()
            .filter(|_| spec.save_outputs)
            .map(|cache_dir| {
                ChangeCheck::for_recorded(
                    connection.client.clone(),
                    cache_dir,
                    self.poll.clone(),
                    Arc::clone(&self.store),
                    detail,
                    cancel.clone(),
                )
            });
        self.spawn(detail.job_id.clone(), recorder, cancel, async move {
            let mut outcome = job.resume(spec).await?;
            if let Some(check) = check {
                outcome.changes = check.run(&outcome).await;
            }
            Ok(outcome)
        })
    }

    /// A job recorded against another place is not touched with this connection's key (its SOV lives there).
    pub fn check_environment(
        &self,
        connection: &Connection,
        detail: &JobDetail,
    ) -> Result<(), JobsError> {
        if connection.sent_here(&detail.environment_name, &detail.base_url) {
            return Ok(());
        }
        let place = Target::from_record(&detail.environment_name, &detail.base_url)
            .map(|target| target.describe())
            .unwrap_or_else(|| format!("the address {}", detail.base_url));
        Err(JobsError::OtherEnvironment {
            job_id: detail.job_id.clone(),
            place,
            environment_name: detail.environment_name.clone(),
            base_url: detail.base_url.clone(),
        })
    }

    fn spawn(
        &self,
        job_id: String,
        recorder: Arc<JobRecorder>,
        cancel: CancellationToken,
        work: impl std::future::Future<Output = JobResult> + Send + 'static,
    ) -> RunningJob {
        lock(&self.running).insert(job_id.clone(), cancel.clone());
        let running = Arc::clone(&self.running);
        let finished_id = job_id.clone();
        let task = tokio::spawn(async move {
            let result = work.await;
            lock(&running).remove(&finished_id);
            result
        });
        RunningJob {
            job_id,
            cancel,
            task,
            recorder,
        }
    }
}

/// Polls `update_id` of the recorded job and saves every output into its folder.
fn resume_spec(detail: &JobDetail, update_id: String) -> ResumeSpec {
    ResumeSpec {
        sov_id: Some(detail.sov_id.clone()),
        update_id,
        download_dir: detail.download_dir.clone(),
        ..ResumeSpec::default()
    }
}

/// The caller's multi-job callback, bound to one job id.
pub(crate) fn for_job(events: JobEvents, job_id: &str) -> ProgressCallback {
    let job_id = job_id.to_owned();
    Arc::new(move |progress: &JobProgress| events(&job_id, progress))
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}
