//! The one rule for a recorded job that did not finish ([`decide`]), and its two users: the startup resume
//! (`resume_unfinished`, here) and Retry (`retry.rs`). A request whose outcome is unknown is resolved by asking
//! the server (`GET /sov/update/{id}`), never by sending it again blindly.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use sov_error::{AppError, Code};
use sov_history::{JobDetail, ResumePoint as Interrupted, SkippedRow, TransitionKind};
use sov_update::client::RequestStatus;
use sov_update::{ErrorKind, ProgressCallback, ResumePoint, UpdateError};

use crate::error::JobsError;
use crate::outputs::remove_partial_downloads;
use crate::request::start_request;
use crate::runner::{for_job, JobEvents, JobRunner, RunningJob};
use crate::target::Connection;

/// What can be done with a recorded job that did not finish, read from its record alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The server accepted the update: wait for it and download the outputs not saved yet.
    Collect {
        update_id: String,
        already_saved: HashSet<String>,
    },
    /// Every file was uploaded; the start may or may not have reached the server: ask, then start at most once.
    Start { update_id: String },
    /// A record of an early build: an update id without the steps behind it. Ask whether it was started; never
    /// start it (its uploads are not known to be complete).
    AskIfStarted { update_id: String },
    /// Nothing can be continued on the server: only a new job from the recorded request can succeed. `reason`
    /// says why, in the user's words.
    NewJob { reason: String },
}

const NOTHING_CHANGED: &str =
    "Interrupted before the server received it; nothing changed on SOV Fixer. \
                               Start the update again.";

/// The retry rule. The server gave up on the update (`job_failed`), no longer knows it (`not_found`), or a
/// restart cut it off before the server could act (`interrupted`): a new job. Otherwise the last step recorded
/// says how far the server got.
pub fn decide(detail: &JobDetail) -> Decision {
    if let Some(error) = &detail.last_error {
        if matches!(
            error.code,
            Code::Interrupted | Code::JobFailed | Code::NotFound
        ) {
            return Decision::NewJob {
                reason: error.message.clone(),
            };
        }
    }
    let interrupted = detail.resume_point();
    match (&interrupted, detail.update_id.clone()) {
        (
            Interrupted::Processing | Interrupted::Downloading { .. } | Interrupted::Finished,
            Some(update_id),
        ) => Decision::Collect {
            update_id,
            already_saved: saved_outputs(detail),
        },
        (Interrupted::ReadyToStart | Interrupted::StartOutcomeUnknown, Some(update_id)) => {
            Decision::Start { update_id }
        }
        (Interrupted::NotStarted | Interrupted::InitiateOutcomeUnknown, Some(update_id)) => {
            Decision::AskIfStarted { update_id }
        }
        (Interrupted::InitiateOutcomeUnknown, None) => Decision::NewJob {
            reason:
                "Interrupted before SOV Updater knew whether the server received it; nothing was \
                     started. Start the update again."
                    .to_owned(),
        },
        (Interrupted::UploadInterrupted { file_index, .. }, _) => {
            let name = detail
                .input_files
                .get(*file_index)
                .map(|file| file.name.clone())
                .unwrap_or_else(|| format!("file {}", file_index + 1));
            Decision::NewJob {
                reason: format!(
                    "Interrupted before the server received it: sending {name} did not finish, so the \
                     update was never started and nothing changed on SOV Fixer. Start the update again."
                ),
            }
        }
        _ => Decision::NewJob {
            reason: NOTHING_CHANGED.to_owned(),
        },
    }
}

/// The rule applied, with the server asked where the record cannot tell.
pub(crate) enum Continuation {
    /// The job goes on under its own id.
    Running(ResumeAction, RunningJob),
    /// Only a new job can succeed.
    NewJob { reason: String },
    /// The server could not be asked.
    Unreachable(UpdateError),
}

/// The error code of a job that was interrupted before the server could act on it.
pub const INTERRUPTED_CODE: Code = Code::Interrupted;

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
        connection: &Connection,
        on_progress: Option<JobEvents>,
    ) -> Result<ResumeReport, JobsError> {
        let listing = self.store().list_unfinished()?;
        let folders: BTreeSet<PathBuf> = listing
            .items
            .iter()
            .filter(|detail| self.on_this_server(connection, detail))
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
            jobs.push(self.resume_one(connection, detail, forward).await);
        }
        Ok(ResumeReport {
            jobs,
            skipped: listing.skipped,
            removed_partials,
        })
    }

    async fn resume_one(
        &self,
        connection: &Connection,
        detail: JobDetail,
        forward: Option<ProgressCallback>,
    ) -> ResumedJob {
        let interrupted = detail.resume_point();
        let (action, running) = match self.on_this_server(connection, &detail) {
            false => (
                ResumeAction::OtherEnvironment {
                    base_url: detail.base_url.clone(),
                },
                None,
            ),
            true => match self.continue_recorded(connection, &detail, forward).await {
                Continuation::Running(action, running) => (action, Some(running)),
                Continuation::NewJob { reason } => (self.interrupt(&detail, &reason), None),
                Continuation::Unreachable(error) => (
                    ResumeAction::Deferred {
                        message: error.message(),
                    },
                    None,
                ),
            },
        };
        ResumedJob {
            job_id: detail.job_id,
            interrupted,
            action,
            running,
        }
    }

    /// Recorded against this very server (an earlier run's demo server is another one).
    fn on_this_server(&self, connection: &Connection, detail: &JobDetail) -> bool {
        self.check_environment(connection, detail).is_ok()
            && connection.same_server(&detail.base_url)
    }

    /// Applies [`decide`] to `detail`: continues the job on the server where it can be.
    pub(crate) async fn continue_recorded(
        &self,
        connection: &Connection,
        detail: &JobDetail,
        forward: Option<ProgressCallback>,
    ) -> Continuation {
        match decide(detail) {
            Decision::Collect {
                update_id,
                already_saved,
            } => self.collect(connection, detail, update_id, already_saved, forward),
            Decision::Start { update_id } => {
                self.ask_then_continue(connection, detail, update_id, forward, true)
                    .await
            }
            Decision::AskIfStarted { update_id } => {
                self.ask_then_continue(connection, detail, update_id, forward, false)
                    .await
            }
            Decision::NewJob { reason } => Continuation::NewJob { reason },
        }
    }

    /// Polls (or, when some outputs are already saved, downloads only the others).
    fn collect(
        &self,
        connection: &Connection,
        detail: &JobDetail,
        update_id: String,
        saved: HashSet<String>,
        forward: Option<ProgressCallback>,
    ) -> Continuation {
        if saved.is_empty() {
            let running =
                self.resume_job(connection, detail, update_id, ResumePoint::Poll, forward);
            return Continuation::Running(ResumeAction::Polling, running);
        }
        let mut already_saved: Vec<String> = saved.iter().cloned().collect();
        already_saved.sort();
        let running = self.fetch_outputs(connection, detail, update_id, saved, forward);
        Continuation::Running(
            ResumeAction::DownloadingRemaining { already_saved },
            running,
        )
    }

    /// `GET /sov/update/{id}` decides: started → poll; still pending → start it (only when every
    /// file is known to be uploaded) or only a new job can succeed.
    async fn ask_then_continue(
        &self,
        connection: &Connection,
        detail: &JobDetail,
        update_id: String,
        forward: Option<ProgressCallback>,
        uploads_complete: bool,
    ) -> Continuation {
        let status = match connection.client.status(&update_id).await {
            Ok(status) => status,
            Err(error) if matches!(error.kind(), ErrorKind::NotFound(_)) => {
                return Continuation::NewJob {
                    reason: format!(
                        "SOV Fixer no longer knows the update {update_id} this job created, so it \
                         cannot be continued. Start the update again."
                    ),
                };
            }
            Err(error) => return Continuation::Unreachable(error),
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
            let running =
                self.resume_job(connection, detail, update_id, ResumePoint::Poll, forward);
            return Continuation::Running(ResumeAction::StartConfirmed, running);
        }
        if !uploads_complete {
            return Continuation::NewJob {
                reason: NOTHING_CHANGED.to_owned(),
            };
        }
        let from = ResumePoint::Start(start_request(detail));
        let running = self.resume_job(connection, detail, update_id, from, forward);
        Continuation::Running(ResumeAction::Started, running)
    }

    fn interrupt(&self, detail: &JobDetail, message: &str) -> ResumeAction {
        let error = AppError::new(
            INTERRUPTED_CODE,
            message,
            format!("resume point: {:?}", detail.resume_point()),
        );
        if let Err(err) = self.store().mark_failed(&detail.job_id, &error) {
            tracing::warn!(job_id = %detail.job_id, "history: {err}");
        }
        ResumeAction::MarkedInterrupted {
            message: message.to_owned(),
        }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use sov_history::{InputFile, JobStatus, JobStep, Transition};

    fn detail(kinds: Vec<TransitionKind>, error: Option<Code>) -> JobDetail {
        JobDetail {
            job_id: "j-1".into(),
            created_at_ms: 0,
            sov_id: "s-a".into(),
            update_id: Some("u-1".into()),
            environment_name: "prod".into(),
            base_url: String::new(),
            update_type: None,
            client_ref: None,
            callback_url: None,
            extra_data: serde_json::json!({}),
            output_formats: vec!["JSON".into()],
            download_dir: PathBuf::from("out"),
            status: JobStatus::Failed,
            step: JobStep::Processing,
            last_error: error.map(|code| AppError::new(code, "what happened", "")),
            rows_not_applied: None,
            column_mapping: Default::default(),
            changes: None,
            input_files: vec![InputFile {
                name: "a.csv".into(),
                path: PathBuf::from("a.csv"),
                size: 0,
                sha256: String::new(),
                sheet: None,
                header_row: None,
            }],
            transitions: kinds
                .into_iter()
                .enumerate()
                .map(|(seq, kind)| Transition {
                    seq: seq as i64,
                    kind,
                    detail: String::new(),
                    at_ms: 0,
                })
                .collect(),
            outputs: Vec::new(),
            skipped: Vec::new(),
        }
    }

    fn until(last: TransitionKind) -> Vec<TransitionKind> {
        let all = [
            TransitionKind::Created,
            TransitionKind::InitiateSent,
            TransitionKind::InitiateAcknowledged {
                update_id: "u-1".into(),
            },
            TransitionKind::UploadStarted { file_index: 0 },
            TransitionKind::UploadAcknowledged { file_index: 0 },
            TransitionKind::StartSent,
            TransitionKind::StartAcknowledged,
        ];
        let end = all.iter().position(|kind| *kind == last).unwrap();
        let mut kinds = all[..=end].to_vec();
        kinds.push(TransitionKind::Failed);
        kinds
    }

    #[test]
    fn a_started_update_is_waited_for_again_never_sent_twice() {
        for code in [Code::NetworkUnreachable, Code::ServerError, Code::Cancelled] {
            assert_eq!(
                decide(&detail(
                    until(TransitionKind::StartAcknowledged),
                    Some(code)
                )),
                Decision::Collect {
                    update_id: "u-1".into(),
                    already_saved: HashSet::new()
                },
                "{code}"
            );
        }
    }

    #[test]
    fn a_start_without_an_answer_is_asked_about_before_it_is_sent_again() {
        assert_eq!(
            decide(&detail(
                until(TransitionKind::StartSent),
                Some(Code::TimedOut)
            )),
            Decision::Start {
                update_id: "u-1".into()
            }
        );
    }

    #[test]
    fn a_job_the_server_failed_lost_or_never_received_is_sent_as_a_new_job() {
        for code in [Code::JobFailed, Code::NotFound, Code::Interrupted] {
            let decision = decide(&detail(
                until(TransitionKind::StartAcknowledged),
                Some(code),
            ));
            assert_eq!(
                decision,
                Decision::NewJob {
                    reason: "what happened".into()
                },
                "{code}"
            );
        }
        let cut_off_upload = decide(&detail(
            until(TransitionKind::UploadStarted { file_index: 0 }),
            Some(Code::NetworkUnreachable),
        ));
        assert!(
            matches!(&cut_off_upload, Decision::NewJob { reason } if reason.contains("sending a.csv did not finish")),
            "{cut_off_upload:?}"
        );
    }
}
