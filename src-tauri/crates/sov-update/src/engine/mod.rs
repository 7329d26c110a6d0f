//! The update job: an explicit state machine from validation to saved outputs.

mod changes;
mod poll;
mod progress;
mod validate;
mod verdict;

use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sov_preflight::{ColumnMapping, UploadPlan};
use tokio_util::sync::CancellationToken;

pub use changes::UpdateChanges;
pub use poll::PollConfig;
pub use progress::{
    DownloadProgress, JobError, JobProgress, Phase, ProcessingProgress, ProgressCallback, Step,
    UploadProgress,
};
pub use verdict::{rows_not_applied, RowsNotApplied};

use crate::client::{
    InitiateUpdateRequest, OutputFile, RequestStatus, SovFixerClient, StartRequest, UpdateStatus,
    UpdateType, UploadSource,
};
use crate::download::SavedOutput;
use crate::error::{ErrorKind, UpdateError};
use poll::{FinishEstimate, StallDetector};
use progress::Reporter;

/// A new update: which SOV, which corrections, what to produce and where to save it.
#[derive(Debug, Clone)]
pub struct JobSpec {
    pub sov_id: String,
    pub files: Vec<PathBuf>,
    pub update_type: Option<UpdateType>,
    pub client_ref: Option<String>,
    pub callback_url: Option<String>,
    /// extra_data, output_formats and the optional pass-through fields of `start`.
    pub start: StartRequest,
    pub download_dir: PathBuf,
    /// Send files even if the pre-flight check found blocking errors.
    pub override_preflight: bool,
    /// Rows per add_locations request; `None` = the pre-flight crate's default.
    pub rows_per_batch: Option<usize>,
    /// The caller has just run the pre-flight check on these files and refuses to go on when one blocks
    /// (the CLI does, to print the findings): the engine does not read every file a second time for it.
    pub preflight_checked: bool,
    /// Team uuid to act on behalf of, sent with initiate_update, add_locations and start (it
    /// overrides `start.delegate_to_team`); `None` sends no such field.
    pub delegate_to_team: Option<String>,
    /// `false` runs the whole update but saves nothing: the outcome only lists the outputs
    /// (`sovfixerapi update --no-write`). `download_dir` is then not used.
    pub save_outputs: bool,
    /// Upload plans the caller already made for `files` (one per file, same order, with
    /// `rows_per_batch`), e.g. with `sov_preflight::check_and_plan_files`, so the engine does not
    /// read the files again to plan them. Ignored unless they are for exactly `files`. A plan
    /// still refuses a file changed since it was made.
    pub upload_plans: Option<Vec<Arc<UploadPlan>>>,
    /// The sheet picked for a workbook among `files` (by path); other workbooks are read from their
    /// first sheet.
    pub sheets: BTreeMap<PathBuf, String>,
    /// The header row picked for a file among `files` (by path, as Excel numbers rows); the others
    /// have theirs found by looking.
    pub header_rows: BTreeMap<PathBuf, u64>,
    /// The user's column choices (by header text): each file is checked and sent with them, so the
    /// server receives attribute names whatever the headers were.
    pub mapping: ColumnMapping,
}

impl Default for JobSpec {
    fn default() -> Self {
        Self {
            sov_id: String::new(),
            files: Vec::new(),
            update_type: None,
            client_ref: None,
            callback_url: None,
            start: StartRequest::default(),
            download_dir: PathBuf::new(),
            override_preflight: false,
            rows_per_batch: None,
            preflight_checked: false,
            delegate_to_team: None,
            save_outputs: true,
            upload_plans: None,
            sheets: BTreeMap::new(),
            header_rows: BTreeMap::new(),
            mapping: ColumnMapping::default(),
        }
    }
}

/// Where to pick up an update that already exists on the server.
#[derive(Debug, Clone)]
pub enum ResumePoint {
    /// Files are uploaded but the update was not started (or the start failed).
    Start(StartRequest),
    /// The update was started: poll until it finishes, then download (also right for an update
    /// that has already finished).
    Poll,
}

/// Attach to an existing update id (CLI `status --wait --download`, app resume after restart,
/// "download again"). `ResumeSpec { update_id, download_dir, ..ResumeSpec::default() }` polls and
/// saves every output.
#[derive(Debug, Clone)]
pub struct ResumeSpec {
    pub sov_id: Option<String>,
    pub update_id: String,
    pub from: ResumePoint,
    pub download_dir: PathBuf,
    /// Server names (`OutputFile::name()`) of outputs already saved: still listed in
    /// `JobOutcome::listed_outputs` but not downloaded again (that would save a second copy,
    /// `name (2).json`).
    pub skip_outputs: HashSet<String>,
    /// Like `JobSpec::save_outputs`: `false` waits for the update and lists its outputs but saves
    /// nothing (`download_dir` is then not used).
    pub save_outputs: bool,
}

impl Default for ResumeSpec {
    fn default() -> Self {
        Self {
            sov_id: None,
            update_id: String::new(),
            from: ResumePoint::Poll,
            download_dir: PathBuf::new(),
            skip_outputs: HashSet::new(),
            save_outputs: true,
        }
    }
}

/// What a successful job produced.
#[derive(Debug, Clone, PartialEq)]
pub struct JobOutcome {
    pub update_id: String,
    /// The outputs saved on disk (none when the job was told not to save).
    pub outputs: Vec<SavedOutput>,
    /// Every output the server listed for the finished update, saved or not, each with its URL.
    pub listed_outputs: Vec<OutputFile>,
    /// `Some` when the server finished but said some rows matched no building: not a clean success.
    pub rows_not_applied: Option<RowsNotApplied>,
    /// What the update changed, when the caller checked it after the job (`sov-jobs` does); the engine
    /// leaves it `None`.
    pub changes: Option<UpdateChanges>,
}

/// What `poll_and_download` ends with.
struct Finished {
    listed_outputs: Vec<OutputFile>,
    outputs: Vec<SavedOutput>,
    rows_not_applied: Option<RowsNotApplied>,
}

impl Finished {
    fn into_outcome(self, update_id: String) -> JobOutcome {
        JobOutcome {
            update_id,
            outputs: self.outputs,
            listed_outputs: self.listed_outputs,
            rows_not_applied: self.rows_not_applied,
            changes: None,
        }
    }
}

/// One update job. Progress goes through the callback given to `new`; `cancel` stops it at any
/// moment (an update already started keeps running on the server; it can be resumed by id).
pub struct Job {
    client: SovFixerClient,
    poll: PollConfig,
    callback: ProgressCallback,
    cancel: CancellationToken,
}

type StepResult<T> = Result<T, (Step, UpdateError)>;

impl Job {
    pub fn new(
        client: SovFixerClient,
        poll: PollConfig,
        callback: ProgressCallback,
        cancel: CancellationToken,
    ) -> Self {
        Self {
            client,
            poll,
            callback,
            cancel,
        }
    }

    /// Validate, initiate, upload every file, start, poll, download.
    pub async fn run(&self, spec: JobSpec) -> Result<JobOutcome, JobError> {
        let reporter = Reporter::new(self.callback.clone(), Some(spec.sov_id.clone()));
        reporter.update(|p| p.phase = Phase::Validating);
        let result = self.run_steps(&spec, &reporter).await;
        self.finish(&reporter, result)
    }

    /// Attach to an existing update without initiating or uploading anything.
    pub async fn resume(&self, spec: ResumeSpec) -> Result<JobOutcome, JobError> {
        let reporter = Reporter::new(self.callback.clone(), spec.sov_id.clone());
        let update_id = spec.update_id.clone();
        reporter.update(|p| {
            p.update_id = Some(update_id.clone());
            p.phase = match spec.from {
                ResumePoint::Start(_) => Phase::Starting,
                ResumePoint::Poll => Phase::Queued,
            };
        });
        let result = async {
            if let ResumePoint::Start(start) = &spec.from {
                match self.start(&reporter, &update_id, start).await {
                    // Not pending any more means it was started (perhaps by the session that
                    // was interrupted): carry on and collect the outputs.
                    Err((_, error)) if matches!(error.kind(), ErrorKind::JobNotPending) => {}
                    other => other?,
                }
            }
            let downloads = Downloads {
                dir: spec.save_outputs.then_some(spec.download_dir.as_path()),
                skip: &spec.skip_outputs,
            };
            let finished = self
                .poll_and_download(&reporter, &update_id, downloads)
                .await?;
            Ok(finished.into_outcome(update_id.clone()))
        }
        .await;
        self.finish(&reporter, result)
    }

    /// Polls an existing update until the server reports a final status and returns that status
    /// as it is, failed or not, downloading nothing: for a caller that reads the result itself
    /// (CLI `status --wait`). Snapshots are those of `resume` while it polls, and end with the
    /// last poll's (no `Done`: the update may have failed). A cancel, the deadline or an
    /// unreachable server end it as in `resume`, at `Step::Process`.
    pub async fn watch(&self, update_id: &str) -> Result<UpdateStatus, JobError> {
        let reporter = Reporter::new(self.callback.clone(), None);
        reporter.update(|p| {
            p.update_id = Some(update_id.to_owned());
            p.phase = Phase::Queued;
        });
        self.poll_until_finished(&reporter, update_id)
            .await
            .map_err(|error| self.fail(&reporter, Step::Process, error))
    }

    async fn run_steps(&self, spec: &JobSpec, reporter: &Reporter) -> StepResult<JobOutcome> {
        if self.cancel.is_cancelled() {
            return Err((Step::Validate, UpdateError::cancelled()));
        }
        let input = validate::ValidationInput {
            sov_id: spec.sov_id.clone(),
            files: spec.files.clone(),
            download_dir: spec.save_outputs.then(|| spec.download_dir.clone()),
            override_preflight: spec.override_preflight,
            rows_per_batch: spec.rows_per_batch,
            preflight_checked: spec.preflight_checked,
            upload_plans: spec.upload_plans.clone(),
            sheets: spec.sheets.clone(),
            header_rows: spec.header_rows.clone(),
            mapping: spec.mapping.clone(),
        };
        let sources = self
            .cancellable(async move {
                tokio::task::spawn_blocking(move || validate::validate_input(&input))
                    .await
                    .map_err(|e| UpdateError::new(ErrorKind::Internal, e.to_string()))?
            })
            .await
            .map_err(|e| (Step::Validate, e))?;
        reporter.update(|p| p.phase = Phase::Initiating);
        let request = InitiateUpdateRequest {
            update_type: spec.update_type.clone(),
            callback_url: spec.callback_url.clone(),
            client_ref: spec.client_ref.clone(),
            delegate_to_team: spec.delegate_to_team.clone(),
        };
        let initiated = self
            .cancellable(self.client.initiate_update(&spec.sov_id, &request))
            .await
            .map_err(|e| (Step::Initiate, e))?;
        let update_id = initiated.id;
        reporter.update(|p| p.update_id = Some(update_id.clone()));
        let delegate = spec.delegate_to_team.as_deref();
        self.upload_all(reporter, &update_id, &sources, delegate)
            .await?;
        let start = StartRequest {
            delegate_to_team: spec
                .delegate_to_team
                .clone()
                .or_else(|| spec.start.delegate_to_team.clone()),
            ..spec.start.clone()
        };
        self.start(reporter, &update_id, &start).await?;
        let nothing_saved_yet = HashSet::new();
        let downloads = Downloads {
            dir: spec.save_outputs.then_some(spec.download_dir.as_path()),
            skip: &nothing_saved_yet,
        };
        let finished = self
            .poll_and_download(reporter, &update_id, downloads)
            .await?;
        Ok(finished.into_outcome(update_id))
    }

    async fn upload_all(
        &self,
        reporter: &Reporter,
        update_id: &str,
        sources: &[Box<dyn UploadSource>],
        delegate_to_team: Option<&str>,
    ) -> StepResult<()> {
        let bytes_total: u64 = sources.iter().map(|s| s.byte_len()).sum();
        let mut bytes_before: u64 = 0;
        for (index, source) in sources.iter().enumerate() {
            let base = UploadProgress {
                file_index: index + 1,
                file_count: sources.len(),
                file_name: source.file_name().to_owned(),
                file_bytes_sent: 0,
                file_bytes_total: source.byte_len(),
                bytes_sent: bytes_before,
                bytes_total,
            };
            let starting = base.clone();
            reporter.update(move |p| {
                p.phase = Phase::Uploading;
                p.upload = Some(starting);
            });
            let tick_reporter = reporter.clone();
            let tick_base = base.clone();
            let on_bytes: crate::client::BytesSent = Arc::new(move |sent: u64| {
                let mut upload = tick_base.clone();
                upload.file_bytes_sent = sent;
                upload.bytes_sent = tick_base.bytes_sent + sent;
                tick_reporter.update_throttled(move |p| p.upload = Some(upload));
            });
            self.cancellable(self.client.add_locations_delegated(
                update_id,
                source.as_ref(),
                delegate_to_team,
                Some(on_bytes),
            ))
            .await
            .map_err(|e| (Step::Upload, e.with_file(source.file_name())))?;
            bytes_before += source.byte_len();
            let mut done = base;
            done.file_bytes_sent = done.file_bytes_total;
            done.bytes_sent = bytes_before;
            reporter.update(move |p| p.upload = Some(done));
        }
        Ok(())
    }

    async fn start(
        &self,
        reporter: &Reporter,
        update_id: &str,
        start: &StartRequest,
    ) -> StepResult<()> {
        reporter.update(|p| p.phase = Phase::Starting);
        self.cancellable(self.client.start(update_id, start))
            .await
            .map_err(|e| (Step::Start, e))?;
        reporter.update(|p| p.phase = Phase::Queued);
        Ok(())
    }

    /// Waits for the update to finish; returns the outputs it listed and the ones saved now.
    async fn poll_and_download(
        &self,
        reporter: &Reporter,
        update_id: &str,
        downloads: Downloads<'_>,
    ) -> StepResult<Finished> {
        let finished = self
            .poll_until_finished(reporter, update_id)
            .await
            .map_err(|e| (Step::Process, e))?;
        let outputs = successful_outputs(&finished).map_err(|e| (Step::Process, e))?;
        let not_applied = finished.result.as_ref().and_then(rows_not_applied);
        let reported = not_applied.clone();
        reporter.update(move |p| p.rows_not_applied = reported);
        let outputs = outputs
            .into_iter()
            .map(|output| self.client.with_output_url(update_id, output))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| (Step::Download, e))?;
        // Announced before any download, so a recorder can plan them all (sov-jobs does).
        let names = outputs.iter().map(OutputFile::name).collect();
        reporter.update(move |p| p.listed_outputs = Some(names));
        let saved = match downloads.dir {
            Some(dir) => {
                let wanted: Vec<&OutputFile> = outputs
                    .iter()
                    .filter(|output| !downloads.skip.contains(&output.name()))
                    .collect();
                self.download_all(reporter, &wanted, dir).await?
            }
            None => Vec::new(),
        };
        let not_applied = match (not_applied, downloads.dir) {
            (Some(mut rows), Some(dir)) => {
                let name = format!("{update_id} rows not applied.csv");
                let path = crate::download::save_text_unique(dir, &name, &rows.to_csv())
                    .map_err(|e| (Step::Download, e))?;
                rows.saved_to = Some(path);
                let reported = rows.clone();
                reporter.update(move |p| p.rows_not_applied = Some(reported));
                Some(rows)
            }
            (rows, _) => rows,
        };
        Ok(Finished {
            listed_outputs: outputs,
            outputs: saved,
            rows_not_applied: not_applied,
        })
    }

    async fn poll_until_finished(
        &self,
        reporter: &Reporter,
        update_id: &str,
    ) -> Result<UpdateStatus, UpdateError> {
        let started = tokio::time::Instant::now();
        let mut stall = StallDetector::new(self.poll.stall_after);
        let mut estimate = FinishEstimate::default();
        let mut poll_count: u32 = 0;
        loop {
            let status = self.cancellable(self.client.status(update_id)).await?;
            let request = &status.request;
            let stalled =
                stall.observe(request.pct_complete, request.last_health_status.as_deref());
            let phase = match request.status {
                RequestStatus::Pending => Phase::Queued,
                _ => Phase::Processing,
            };
            let processing = ProcessingProgress {
                status: request.status.as_str().to_owned(),
                pct_complete: request.pct_complete,
                health: request.last_health_status.clone(),
            };
            reporter.update(move |p| {
                p.phase = phase;
                p.processing = Some(processing);
                p.stalled = stalled;
            });
            if request.status.is_terminal() {
                return Ok(status);
            }
            estimate.observe(if phase == Phase::Processing {
                request.pct_complete
            } else {
                None
            });
            let mut wait = estimate.wait(self.poll.interval(poll_count), self.poll.min_interval);
            if let Some(deadline) = self.poll.deadline {
                let left = deadline.saturating_sub(started.elapsed());
                if left.is_zero() {
                    return Err(UpdateError::new(
                        ErrorKind::DeadlinePassed,
                        format!(
                            "update {update_id} still {} after {} s of waiting",
                            request.status.as_str(),
                            deadline.as_secs()
                        ),
                    ));
                }
                wait = wait.min(left);
            }
            self.cancellable(async {
                tokio::time::sleep(wait).await;
                Ok(())
            })
            .await?;
            poll_count = poll_count.saturating_add(1);
        }
    }

    async fn download_all(
        &self,
        reporter: &Reporter,
        outputs: &[&OutputFile],
        download_dir: &Path,
    ) -> StepResult<Vec<SavedOutput>> {
        let mut saved = Vec::with_capacity(outputs.len());
        for (index, output) in outputs.iter().enumerate() {
            let base = DownloadProgress {
                output_index: index + 1,
                output_count: outputs.len(),
                filename: output.name(),
                bytes_received: 0,
                bytes_total: None,
            };
            let starting = base.clone();
            reporter.update(move |p| {
                p.phase = Phase::Downloading;
                p.download = Some(starting);
            });
            let tick_reporter = reporter.clone();
            let on_bytes: crate::download::BytesReceived = Arc::new(move |received, total| {
                let mut download = base.clone();
                download.bytes_received = received;
                download.bytes_total = total;
                tick_reporter.update_throttled(move |p| p.download = Some(download));
            });
            let file = self
                .cancellable(
                    self.client
                        .download_output(output, download_dir, Some(on_bytes)),
                )
                .await
                .map_err(|e| (Step::Download, e))?;
            saved.push(file.clone());
            reporter.update(move |p| {
                if let Some(download) = &mut p.download {
                    download.bytes_received = file.size;
                    download.bytes_total = Some(file.size);
                }
                p.outputs.push(file);
            });
        }
        Ok(saved)
    }

    /// Runs `future` unless the job is cancelled first; dropping it aborts any request in flight
    /// and deletes a partial download.
    async fn cancellable<T>(
        &self,
        future: impl Future<Output = Result<T, UpdateError>>,
    ) -> Result<T, UpdateError> {
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err(UpdateError::cancelled()),
            result = future => result,
        }
    }

    fn finish(
        &self,
        reporter: &Reporter,
        result: StepResult<JobOutcome>,
    ) -> Result<JobOutcome, JobError> {
        match result {
            Ok(outcome) => {
                reporter.update(|p| {
                    p.phase = Phase::Done;
                    p.stalled = false;
                });
                Ok(outcome)
            }
            Err((step, error)) => Err(self.fail(reporter, step, error)),
        }
    }

    /// Reports the job as cancelled or failed and returns the failure.
    fn fail(&self, reporter: &Reporter, step: Step, error: UpdateError) -> JobError {
        let cancelled = matches!(error.kind(), ErrorKind::Cancelled);
        let failure = JobError {
            step,
            error,
            update_id: reporter.snapshot().update_id,
        };
        let reported = failure.clone();
        reporter.update(move |p| {
            p.phase = if cancelled {
                Phase::Cancelled
            } else {
                Phase::Failed
            };
            p.error = Some(reported);
        });
        failure
    }
}

/// Where outputs go: `dir` (none = save nothing), leaving out those named in `skip`.
#[derive(Clone, Copy)]
struct Downloads<'a> {
    dir: Option<&'a Path>,
    skip: &'a HashSet<String>,
}

/// The outputs of a finished update, or why it failed.
fn successful_outputs(status: &UpdateStatus) -> Result<Vec<OutputFile>, UpdateError> {
    let failed = |result_status: &str, message: &str| {
        UpdateError::new(
            ErrorKind::JobFailed {
                status: result_status.to_owned(),
                message: message.to_owned(),
            },
            serde_json::to_string(status).unwrap_or_default(),
        )
    };
    match (&status.request.status, &status.result) {
        (RequestStatus::Complete, Some(result)) if result.is_success() => {
            Ok(result.outputs.clone())
        }
        (_, Some(result)) => Err(failed(
            result.status.as_deref().unwrap_or("FAILED"),
            result
                .message
                .as_deref()
                .or(status.request.last_health_status.as_deref())
                .unwrap_or("no reason given"),
        )),
        (_, None) => Err(failed(
            status.request.status.as_str(),
            "the update finished without a result",
        )),
    }
}
