//! Retry of a failed, cancelled or interrupted job, for the window and Recent updates alike: the job goes on
//! under its own id where [`decide`](crate::decide) allows, otherwise it is sent again as a new job from its
//! record, once its input files are checked to be the ones that were sent.

use sov_error::AppError;
use sov_history::{JobDetail, JobStatus};

use crate::error::JobsError;
use crate::inputs::{changed_inputs, unrecorded_sheet_choices};
use crate::request::spec_from_detail;
use crate::resume::{Continuation, ResumeAction, INTERRUPTED_CODE};
use crate::runner::{for_job, JobEvents, JobRunner, RunningJob};
use crate::target::Connection;

/// A retry under way.
pub struct Retried {
    pub running: RunningJob,
    /// How it went on: `None` for a new job (`running.job_id` is then new).
    pub continued: Option<ResumeAction>,
}

impl JobRunner {
    /// Retries `job_id` with `connection`. Refused while the job runs, for a finished job, and for a job
    /// recorded against another place; a new job is refused (nothing sent) when an input file is gone or changed.
    pub async fn retry(
        &self,
        connection: &Connection,
        job_id: &str,
        on_progress: Option<JobEvents>,
    ) -> Result<Retried, JobsError> {
        if self.is_running(job_id) {
            return Err(JobsError::StillRunning {
                job_id: job_id.to_owned(),
            });
        }
        let detail = self.store().get_job(job_id)?;
        if detail.status == JobStatus::Finished {
            return Err(JobsError::AlreadyFinished {
                job_id: job_id.to_owned(),
            });
        }
        self.check_environment(connection, &detail)?;
        if !connection.same_server(&detail.base_url) {
            // Sent to an earlier run's demo server, which forgot it when it stopped: only a new job can succeed.
            let running = self.start_again(connection, &detail, on_progress).await?;
            return Ok(Retried {
                running,
                continued: None,
            });
        }
        let forward = on_progress.clone().map(|events| for_job(events, job_id));
        match self.continue_recorded(connection, &detail, forward).await {
            Continuation::Running(action, running) => Ok(Retried {
                running,
                continued: Some(action),
            }),
            Continuation::Unreachable(error) => Err(error.into()),
            Continuation::NewJob { .. } => {
                let running = self.start_again(connection, &detail, on_progress).await?;
                Ok(Retried {
                    running,
                    continued: None,
                })
            }
        }
    }

    /// Sends `detail` again as a new job, after checking its input files.
    async fn start_again(
        &self,
        connection: &Connection,
        detail: &JobDetail,
        on_progress: Option<JobEvents>,
    ) -> Result<RunningJob, JobsError> {
        let files = detail.input_files.clone();
        let (changed, unknown_sheets) = tokio::task::spawn_blocking(move || {
            (changed_inputs(&files), unrecorded_sheet_choices(&files))
        })
        .await
        .map_err(|error| {
            sov_update::UpdateError::new(sov_update::ErrorKind::Internal, error.to_string())
        })?;
        if !changed.is_empty() {
            return Err(JobsError::InputsChanged(changed));
        }
        if !unknown_sheets.is_empty() {
            return Err(JobsError::UnrecordedSheets(unknown_sheets));
        }
        let running = self
            .start(connection, spec_from_detail(detail), on_progress)
            .await?;
        if detail.status == JobStatus::Running {
            // Left "running" by a stopped app and now replaced: recorded as interrupted, so the next start does
            // not pick it up again. Failing to write this only costs a stale entry.
            let superseded = AppError::new(
                INTERRUPTED_CODE,
                detail.resume_point().user_message(),
                "retried as a new update",
            );
            if let Err(err) = self.store().mark_failed(&detail.job_id, &superseded) {
                tracing::warn!(job_id = %detail.job_id, "history: {err}");
            }
        }
        Ok(running)
    }
}
