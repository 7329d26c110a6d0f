//! Downloading a finished update's outputs while skipping the ones already saved (resume after a
//! kill mid-download, "download again"), and removing partial files a killed download left behind.
//!
//! The engine's `Job::resume(Poll)` always downloads every output; used after some were saved it
//! would save them a second time as `name (2).json`. Until the engine can skip outputs, this module
//! does that last step itself with the client's public calls.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use sov_update::download::BytesReceived;
use sov_update::engine::DownloadProgress;
use sov_update::{
    ErrorKind, JobError, JobOutcome, JobProgress, OutputFile, Phase, ProgressCallback,
    SovFixerClient, Step, UpdateError,
};
use tokio_util::sync::CancellationToken;

use crate::recorder::JobRecorder;

/// The engine saves into hidden `.sov-updater-*.part` files and renames them when complete; a
/// process killed mid-download leaves one behind.
const PARTIAL_PREFIX: &str = ".sov-updater-";
const PARTIAL_SUFFIX: &str = ".part";

/// Deletes partial download files in `dir`. Called only at startup, before anything of this
/// process downloads into the folder, so every such file is a leftover of a killed download.
pub fn remove_partial_downloads(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let partial = name.starts_with(PARTIAL_PREFIX) && name.ends_with(PARTIAL_SUFFIX);
        let is_file = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
        if partial && is_file && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}

/// One fetch of outputs: where from, where to, which to leave alone.
pub(crate) struct OutputFetch {
    pub client: SovFixerClient,
    pub sov_id: Option<String>,
    pub update_id: String,
    pub download_dir: PathBuf,
    /// Server file names already saved; these are not downloaded again.
    pub skip: HashSet<String>,
    pub recorder: Arc<JobRecorder>,
    pub forward: Option<ProgressCallback>,
    pub cancel: CancellationToken,
}

impl OutputFetch {
    /// Asks the server for the outputs, downloads the ones not skipped, and ends the job.
    pub(crate) async fn run(self) -> Result<JobOutcome, JobError> {
        let mut progress = Snapshots::new(&self);
        let result = self.fetch(&mut progress).await;
        match result {
            Ok((listed_outputs, outputs)) => {
                progress.emit(|p| p.phase = Phase::Done);
                Ok(JobOutcome {
                    update_id: self.update_id.clone(),
                    outputs,
                    listed_outputs,
                })
            }
            Err((step, error)) => {
                let cancelled = matches!(error.kind(), ErrorKind::Cancelled);
                let failure = JobError {
                    step,
                    error,
                    update_id: Some(self.update_id.clone()),
                };
                let reported = failure.clone();
                progress.emit(move |p| {
                    p.phase = if cancelled {
                        Phase::Cancelled
                    } else {
                        Phase::Failed
                    };
                    p.error = Some(reported);
                });
                Err(failure)
            }
        }
    }

    /// Returns every output the server listed (URLs filled in) and the ones saved now.
    async fn fetch(
        &self,
        progress: &mut Snapshots,
    ) -> Result<(Vec<OutputFile>, Vec<sov_update::SavedOutput>), (Step, UpdateError)> {
        let status = self
            .cancellable(self.client.status(&self.update_id))
            .await
            .map_err(|e| (Step::Process, e))?;
        let result = match &status.result {
            Some(result) if result.is_success() => result,
            _ => {
                let message = status
                    .result
                    .as_ref()
                    .and_then(|r| r.message.clone())
                    .unwrap_or_else(|| "the update has no outputs to download".to_owned());
                return Err((
                    Step::Process,
                    UpdateError::new(
                        ErrorKind::JobFailed {
                            status: status.request.status.as_str().to_owned(),
                            message,
                        },
                        serde_json::to_string(&status).unwrap_or_default(),
                    ),
                ));
            }
        };
        let listed: Vec<OutputFile> = result
            .outputs
            .iter()
            .map(|output| self.client.with_output_url(&self.update_id, output.clone()))
            .collect::<Result<_, _>>()
            .map_err(|e| (Step::Download, e))?;
        let outputs: Vec<(String, OutputFile)> = listed
            .iter()
            .map(|output| (output.name(), output.clone()))
            .collect();
        self.recorder
            .plan_downloads(outputs.iter().map(|(name, _)| name.clone()).collect());
        let wanted: Vec<_> = outputs
            .into_iter()
            .filter(|(name, _)| !self.skip.contains(name))
            .collect();
        let mut saved = Vec::with_capacity(wanted.len());
        for (index, (name, output)) in wanted.iter().cloned().enumerate() {
            let base = DownloadProgress {
                output_index: index + 1,
                output_count: wanted.len(),
                filename: name.clone(),
                bytes_received: 0,
                bytes_total: None,
            };
            let starting = base.clone();
            progress.emit(move |p| {
                p.phase = Phase::Downloading;
                p.download = Some(starting);
            });
            // Byte counts are not forwarded here: resumed downloads are the rare case.
            let on_bytes: Option<BytesReceived> = None;
            let file = self
                .cancellable(
                    self.client
                        .download_output(&output, &self.download_dir, on_bytes),
                )
                .await
                .map_err(|e| (Step::Download, e))?;
            saved.push(file.clone());
            progress.emit(move |p| {
                if let Some(download) = &mut p.download {
                    download.bytes_received = file.size;
                    download.bytes_total = Some(file.size);
                }
                p.outputs.push(file);
            });
        }
        Ok((listed, saved))
    }

    async fn cancellable<T>(
        &self,
        future: impl std::future::Future<Output = Result<T, UpdateError>>,
    ) -> Result<T, UpdateError> {
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err(UpdateError::cancelled()),
            result = future => result,
        }
    }
}

/// Cumulative snapshots for the recorder and the caller, like the engine's own.
struct Snapshots {
    snapshot: JobProgress,
    started: Instant,
    recorder: Arc<JobRecorder>,
    forward: Option<ProgressCallback>,
}

impl Snapshots {
    fn new(fetch: &OutputFetch) -> Self {
        Self {
            snapshot: JobProgress {
                phase: Phase::Downloading,
                sov_id: fetch.sov_id.clone(),
                update_id: Some(fetch.update_id.clone()),
                elapsed_ms: 0,
                upload: None,
                processing: None,
                stalled: false,
                download: None,
                outputs: Vec::new(),
                error: None,
            },
            started: Instant::now(),
            recorder: Arc::clone(&fetch.recorder),
            forward: fetch.forward.clone(),
        }
    }

    fn emit(&mut self, change: impl FnOnce(&mut JobProgress)) {
        change(&mut self.snapshot);
        self.snapshot.elapsed_ms =
            u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.recorder.observe(&self.snapshot);
        if let Some(forward) = &self.forward {
            forward(&self.snapshot);
        }
    }
}
