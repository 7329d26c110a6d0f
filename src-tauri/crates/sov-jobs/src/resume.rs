//! After a restart: for each unfinished job, decide from its history (and, where a request's outcome
//! is unknown, from the server) what to do, and never send a non-idempotent request blindly.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use sov_history::{JobDetail, LastError, ResumePoint as Interrupted, SkippedRow, TransitionKind};
use sov_update::client::RequestStatus;
use sov_update::{ErrorKind, ProgressCallback, ResumePoint};

use crate::error::JobsError;
use crate::outputs::remove_partial_downloads;
use crate::request::start_request;
use crate::runner::{for_job, JobEvents, JobRunner, RunningJob};

/// The error code of a job that was interrupted before the server could act on it.
pub const INTERRUPTED_CODE: &str = "interrupted";

/// What was done with one unfinished job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ResumeAction {
    /// The server had the update: polling resumed from the saved id; outputs download as usual.
    Polling,
    /// `start` was sent before the restart and the server confirms it went through: polling resumed.
    StartConfirmed,
    /// The server says the update is still waiting to be started: it was started now (once).
    Started,
    /// Some outputs were saved before the restart; only the others are downloaded.
    DownloadingRemaining { already_saved: Vec<String> },
    /// Nothing can be continued safely: marked failed with this message; Retry makes a new job.
    MarkedInterrupted { message: String },
    /// Recorded against another SOV Fixer environment; left untouched.
    OtherEnvironment { base_url: String },
    /// The server could not be asked now (offline?); left for the next startup.
    Deferred { message: String },
}

/// One unfinished job and what became of it.
pub struct ResumedJob {
    pub job_id: String,
    /// The step the history says was interrupted.
    pub interrupted: Interrupted,
    pub action: ResumeAction,
    /// The background work, when the job continues.
    pub running: Option<RunningJob>,
}

/// What `resume_unfinished` did.
pub struct ResumeReport {
    pub jobs: Vec<ResumedJob>,
    /// History rows that could not be read (reported, never blocking).
    pub skipped: Vec<SkippedRow>,
    /// Partial download files left by a killed download, now deleted.
    pub removed_partials: Vec<PathBuf>,
}

impl JobRunner {
    /// Picks up every job that was running when the app stopped. Call once at startup, before
    /// starting new jobs (partial download files in the jobs' folders are deleted first).
    pub async fn resume_unfinished(
        &self,
        on_progress: Option<JobEvents>,
    ) -> Result<ResumeReport, JobsError> {
        let listing = self.store().list_unfinished()?;
        let folders: BTreeSet<PathBuf> = listing
            .items
            .iter()
            .filter(|detail| self.check_environment(detail).is_ok())
            .map(|detail| detail.download_dir.clone())
            .collect();
        let removed_partials = folders
            .iter()
            .flat_map(|dir| remove_partial_downloads(dir))
            .collect();
        let mut jobs = Vec::new();
        // A job this runner is already running (resume called twice) is not started again.
        for detail in listing
            .items
            .into_iter()
            .filter(|d| !self.is_running(&d.job_id))
        {
            let forward = on_progress
                .as_ref()
                .map(|events| for_job(Arc::clone(events), &detail.job_id));
            jobs.push(self.resume_one(detail, forward).await);
        }
        Ok(ResumeReport {
            jobs,
            skipped: listing.skipped,
            removed_partials,
        })
    }

    async fn resume_one(&self, detail: JobDetail, forward: Option<ProgressCallback>) -> ResumedJob {
        let interrupted = detail.resume_point();
        let (action, running) = match self.check_environment(&detail) {
            Err(JobsError::OtherEnvironment { base_url, .. }) => {
                (ResumeAction::OtherEnvironment { base_url }, None)
            }
            _ => self.decide(&detail, &interrupted, forward).await,
        };
        ResumedJob {
            job_id: detail.job_id,
            interrupted,
            action,
            running,
        }
    }

    async fn decide(
        &self,
        detail: &JobDetail,
        interrupted: &Interrupted,
        forward: Option<ProgressCallback>,
    ) -> (ResumeAction, Option<RunningJob>) {
        let update_id = detail.update_id.clone();
        match (interrupted, update_id) {
            (
                Interrupted::Processing | Interrupted::Downloading { .. } | Interrupted::Finished,
                Some(id),
            ) => self.collect(detail, id, forward),
            (Interrupted::ReadyToStart | Interrupted::StartOutcomeUnknown, Some(id)) => {
                self.ask_then_continue(detail, id, forward, true).await
            }
            // Only a job recorded by an early build has an id without the transitions behind it.
            (Interrupted::NotStarted | Interrupted::InitiateOutcomeUnknown, Some(id)) => {
                self.ask_then_continue(detail, id, forward, false).await
            }
            (Interrupted::InitiateOutcomeUnknown, None) => self.interrupt(
                detail,
                "Interrupted before SOV Updater knew whether the server received it; nothing was \
                 started. Start the update again.",
            ),
            (Interrupted::UploadInterrupted { file_index, .. }, _) => {
                let name = detail
                    .input_files
                    .get(*file_index)
                    .map(|file| file.name.clone())
                    .unwrap_or_else(|| format!("file {}", file_index + 1));
                let message = format!(
                    "Interrupted before the server received it: sending {name} did not finish, so \
                     the update was never started and nothing changed on SOV Fixer. Start the \
                     update again."
                );
                self.interrupt(detail, &message)
            }
            _ => self.interrupt(
                detail,
                "Interrupted before the server received it; nothing changed on SOV Fixer. Start \
                 the update again.",
            ),
        }
    }

    /// Polls (or, when some outputs are already saved, downloads only the others).
    fn collect(
        &self,
        detail: &JobDetail,
        update_id: String,
        forward: Option<ProgressCallback>,
    ) -> (ResumeAction, Option<RunningJob>) {
        let saved = saved_outputs(detail);
        if saved.is_empty() {
            let running = self.resume_job(detail, update_id, ResumePoint::Poll, forward);
            return (ResumeAction::Polling, Some(running));
        }
        let already_saved = saved.iter().cloned().collect();
        let running = self.fetch_outputs(detail, update_id, saved, forward);
        (
            ResumeAction::DownloadingRemaining { already_saved },
            Some(running),
        )
    }

    /// `GET /sov/update/{id}` decides: started → poll; still pending → start it (only when every
    /// file is known to be uploaded) or report the interruption.
    async fn ask_then_continue(
        &self,
        detail: &JobDetail,
        update_id: String,
        forward: Option<ProgressCallback>,
        uploads_complete: bool,
    ) -> (ResumeAction, Option<RunningJob>) {
        let status = match self.client().status(&update_id).await {
            Ok(status) => status,
            Err(error) if matches!(error.kind(), ErrorKind::NotFound(_)) => {
                return self.interrupt(
                    detail,
                    &format!(
                        "SOV Fixer no longer knows the update {update_id} this job created, so it \
                         cannot be continued. Start the update again."
                    ),
                );
            }
            Err(error) => {
                return (
                    ResumeAction::Deferred {
                        message: error.message(),
                    },
                    None,
                );
            }
        };
        if status.request.status != RequestStatus::Pending {
            let recorder_note = format!(
                "SOV Fixer reports {} for this update: it was started before the restart.",
                status.request.status.as_str()
            );
            if let Err(err) = self.store().record_transition(
                &detail.job_id,
                TransitionKind::StartAcknowledged,
                &recorder_note,
            ) {
                // The job still continues; its history misses one line.
                tracing::warn!(job_id = %detail.job_id, "history: {err}");
            }
            let running = self.resume_job(detail, update_id, ResumePoint::Poll, forward);
            return (ResumeAction::StartConfirmed, Some(running));
        }
        if !uploads_complete {
            return self.interrupt(
                detail,
                "Interrupted before the server received it; nothing changed on SOV Fixer. Start \
                 the update again.",
            );
        }
        let from = ResumePoint::Start(start_request(detail));
        let running = self.resume_job(detail, update_id, from, forward);
        (ResumeAction::Started, Some(running))
    }

    fn interrupt(&self, detail: &JobDetail, message: &str) -> (ResumeAction, Option<RunningJob>) {
        let error = LastError {
            code: INTERRUPTED_CODE.to_owned(),
            message: message.to_owned(),
            detail: format!("resume point: {:?}", detail.resume_point()),
        };
        if let Err(err) = self.store().mark_failed(&detail.job_id, &error) {
            tracing::warn!(job_id = %detail.job_id, "history: {err}");
        }
        (
            ResumeAction::MarkedInterrupted {
                message: message.to_owned(),
            },
            None,
        )
    }
}

/// Outputs recorded as saved whose file is still there.
fn saved_outputs(detail: &JobDetail) -> HashSet<String> {
    detail
        .outputs
        .iter()
        .filter(|output| output.local_path.exists())
        .map(|output| output.filename.clone())
        .collect()
}
