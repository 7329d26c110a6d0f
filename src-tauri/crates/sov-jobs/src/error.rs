//! The error of runner operations (starting, retrying, re-downloading). A job's own failure is a
//! `sov_update::JobError` and is recorded in the history; this type is for the call itself.

use sov_history::HistoryError;
use sov_update::UpdateError;

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

    #[error("Job `{job_id}` was sent to another SOV Fixer environment ({base_url}). Switch to that environment in Settings, then try again.")]
    OtherEnvironment { job_id: String, base_url: String },
}

impl JobsError {
    /// The UI's error code (`docs/architecture.md`, "Errors crossing into the UI").
    pub fn code(&self) -> &'static str {
        match self {
            Self::History(error) => error.code(),
            Self::Update(error) => error.code(),
            Self::NoUpdateId { .. } | Self::NotFinished { .. } | Self::OtherEnvironment { .. } => {
                "invalid_input"
            }
        }
    }

    /// Raw text for "Show details".
    pub fn detail(&self) -> String {
        match self {
            Self::History(error) => error.detail(),
            Self::Update(error) => error.detail().to_owned(),
            Self::NoUpdateId { job_id } | Self::NotFinished { job_id } => {
                format!("job id {job_id}")
            }
            Self::OtherEnvironment { job_id, base_url } => {
                format!("job id {job_id}, recorded base URL {base_url}")
            }
        }
    }
}
