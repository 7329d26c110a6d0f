//! The one error type of the history store. `Display` is the plain-language message for the user;
//! [`HistoryError::detail`] is the raw text for "Show details".

use std::path::PathBuf;

use sov_error::{AppError, Code};

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(
        "SOV Updater could not use its history folder {}. Check that the folder exists and that you may write to it, then restart SOV Updater.",
        folder.display()
    )]
    FolderUnavailable {
        folder: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "The job history file {} is damaged and could not be moved aside. Close every other copy of SOV Updater and restart it; if this keeps happening, move that file away by hand.",
        path.display()
    )]
    QuarantineFailed {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "The job history was written by a newer version of SOV Updater (history format {found}; this version knows up to {supported}), so it is open read-only and new jobs are not recorded. Install the newer version of SOV Updater to keep recording jobs."
    )]
    ReadOnly { found: u32, supported: u32 },

    #[error("SOV Updater could not {action} in its job history. Try again; if it keeps failing, restart SOV Updater.")]
    Database {
        action: &'static str,
        #[source]
        source: rusqlite::Error,
    },

    #[error(
        "No job `{job_id}` is in the history. It may have been removed as old; refresh the list."
    )]
    JobNotFound { job_id: String },

    #[error("A job with the id `{job_id}` is already in the history. Start the job again to get a new id.")]
    DuplicateJob { job_id: String },

    #[error("The history entry for job `{job_id}` is damaged and cannot be shown ({reason}). The other entries are not affected.")]
    UnreadableRow { job_id: String, reason: String },

    #[error("The job history is unavailable after an internal error. Restart SOV Updater.")]
    LockPoisoned,
}

impl HistoryError {
    /// The error code the UI contract uses (`docs/architecture.md`, "Errors crossing into the UI").
    pub fn code(&self) -> Code {
        match self {
            Self::JobNotFound { .. } => Code::NotFound,
            Self::DuplicateJob { .. } | Self::LockPoisoned => Code::Internal,
            Self::FolderUnavailable { .. }
            | Self::QuarantineFailed { .. }
            | Self::ReadOnly { .. }
            | Self::Database { .. }
            | Self::UnreadableRow { .. } => Code::FileError,
        }
    }

    /// Raw technical text for "Show details".
    pub fn detail(&self) -> String {
        match self {
            Self::FolderUnavailable { source, .. } | Self::QuarantineFailed { source, .. } => {
                source.to_string()
            }
            Self::Database { source, .. } => source.to_string(),
            Self::UnreadableRow { reason, .. } => reason.clone(),
            Self::ReadOnly { found, supported } => {
                format!("PRAGMA user_version = {found}, supported up to {supported}")
            }
            Self::JobNotFound { job_id } | Self::DuplicateJob { job_id } => {
                format!("job id {job_id}")
            }
            Self::LockPoisoned => "history connection mutex poisoned by a panic".to_owned(),
        }
    }

    pub(crate) fn db(action: &'static str) -> impl FnOnce(rusqlite::Error) -> Self {
        move |source| Self::Database { action, source }
    }
}

impl From<HistoryError> for AppError {
    fn from(error: HistoryError) -> Self {
        AppError::new(error.code(), error.to_string(), error.detail())
    }
}

pub type Result<T> = std::result::Result<T, HistoryError>;
