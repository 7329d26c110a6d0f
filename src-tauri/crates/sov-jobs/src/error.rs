//! The error of runner operations (starting, retrying, re-downloading). A job's own failure is a
//! `sov_update::JobError` and is recorded in the history; this type is for the call itself.

use sov_error::{AppError, Code};
use sov_history::HistoryError;
use sov_update::UpdateError;

use crate::inputs::{changed_inputs_detail, changed_inputs_message, ChangedInput};

#[derive(Debug, thiserror::Error)]
pub enum JobsError {
    /// The history could not be read or written.
    #[error("{0}")]
    History(#[from] HistoryError),

    /// Talking to SOV Fixer failed.
    #[error("{0}")]
    Update(#[from] UpdateError),

    #[error("The update of job `{job_id}` never reached SOV Fixer (it has no update id), so there is nothing to download. Start the update again.")]
    NoUpdateId { job_id: String },

    #[error("Job `{job_id}` has not finished, so its files cannot be downloaded again yet. Wait until it finishes, then try again.")]
    NotFinished { job_id: String },

    /// Recorded against another place than the connection in use; `place` names it in the user's words.
    #[error("This update was sent to {place}. Switch to {place} in step 1 (Connect), then retry.")]
    OtherEnvironment {
        job_id: String,
        place: String,
        environment_name: String,
        base_url: String,
    },

    #[error("This update is still running. Wait for it to finish, or cancel it, before retrying.")]
    StillRunning { job_id: String },

    #[error("This update finished. To fetch its files again, use “Download again”.")]
    AlreadyFinished { job_id: String },

    /// Input files gone, unreadable or changed since the job was sent: a new job would not send the same.
    #[error("{}", changed_inputs_message(.0))]
    InputsChanged(Vec<ChangedInput>),

    /// Multi-sheet workbooks recorded without their sheet (by an earlier version), named.
    #[error("Nothing was sent. {} has several sheets, and this update was recorded by an earlier version of SOV Updater, which did not keep which sheet was used, so Retry could send the wrong one. Start a new update with the file and pick the sheet in step 3.", quoted(.0))]
    UnrecordedSheets(Vec<String>),
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|name| format!("“{name}”"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl JobsError {
    /// The UI's error code (`docs/architecture.md`, "Errors crossing into the UI").
    pub fn code(&self) -> Code {
        match self {
            Self::History(error) => error.code(),
            Self::Update(error) => error.code(),
            Self::InputsChanged(_) => Code::FileError,
            Self::NoUpdateId { .. }
            | Self::NotFinished { .. }
            | Self::OtherEnvironment { .. }
            | Self::StillRunning { .. }
            | Self::AlreadyFinished { .. }
            | Self::UnrecordedSheets(_) => Code::InvalidInput,
        }
    }

    /// Raw text for "Show details".
    pub fn detail(&self) -> String {
        match self {
            Self::History(error) => error.detail(),
            Self::Update(error) => error.detail().to_owned(),
            Self::NoUpdateId { job_id }
            | Self::NotFinished { job_id }
            | Self::StillRunning { job_id }
            | Self::AlreadyFinished { job_id } => format!("job id {job_id}"),
            Self::OtherEnvironment {
                job_id,
                environment_name,
                base_url,
                ..
            } => format!("job id {job_id}, recorded environment {environment_name} ({base_url})"),
            Self::InputsChanged(problems) => changed_inputs_detail(problems),
            Self::UnrecordedSheets(names) => format!(
                "multi-sheet workbooks without a recorded sheet: {}",
                names.join(", ")
            ),
        }
    }
}

impl From<JobsError> for AppError {
    fn from(error: JobsError) -> Self {
        match error {
            JobsError::Update(error) => error.into(),
            JobsError::History(error) => error.into(),
            other => AppError::new(other.code(), other.to_string(), other.detail()),
        }
    }
}
