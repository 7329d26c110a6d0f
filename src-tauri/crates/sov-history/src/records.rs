//! Plain record types: what goes into the store and what comes back. The app maps engine events onto these.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sov_error::AppError;

use crate::transition::{JobStep, TransitionKind};

/// Everything known about a job when it is created (before anything is sent).
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// Local id chosen by the app (e.g. `j-…`); unique in the store.
    pub job_id: String,
    pub sov_id: String,
    pub environment_name: String,
    pub base_url: String,
    pub update_type: Option<String>,
    pub client_ref: Option<String>,
    /// The URL the server calls when the update ends, as sent with `initiate_update`.
    pub callback_url: Option<String>,
    pub extra_data: serde_json::Value,
    pub output_formats: Vec<String>,
    pub download_dir: PathBuf,
    /// The user's column choices, by header text: the attribute a column is sent as, or `-` for a column left
    /// out (as a mapping file writes them). Empty when none were made.
    pub column_mapping: BTreeMap<String, String>,
    /// In upload order: a file's position here is the `file_index` of its upload transitions.
    pub input_files: Vec<InputFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputFile {
    pub name: String,
    pub path: PathBuf,
    pub size: u64,
    pub sha256: String,
    /// The sheet picked in this workbook. `None`: none was picked (a CSV, or the first sheet was read), or the
    /// job was recorded before sheets were (schema 1).
    pub sheet: Option<String>,
    /// The header row picked in this file (as Excel numbers rows). `None`: found by looking, or the job was
    /// recorded before header rows were (schema 3 and older).
    pub header_row: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutputRecord {
    pub filename: String,
    pub description: String,
    pub url: String,
    pub local_path: PathBuf,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Running,
    Finished,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Finished => "finished",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Running, Self::Finished, Self::Failed, Self::Cancelled]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// A finished job in which the server applied fewer rows than were sent: what it said, kept so Recent
/// updates can say so long after the window showed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowsNotApplied {
    /// Rows the server said it could not apply.
    pub count: u64,
    /// The rows it named (`Sheet1 row 99`, `item_key i-…`); fewer than `count` when it named only some.
    pub named: Vec<String>,
    /// The server's own words (`result.message`), or its `result.status` when it gave no message.
    pub server_message: String,
}

/// What a finished update changed, checked against the server's new data: kept so Recent updates still says
/// it months later, even when the report file was moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRecord {
    pub from_revision: i64,
    pub to_revision: i64,
    /// Requested changes the new revision holds.
    pub confirmed: u64,
    /// Requested changes it does not hold.
    pub not_applied: u64,
    /// Values SOV Fixer changed on its own (recomputed from the requested ones).
    pub derived: u64,
    pub untouched_buildings: u64,
    /// The sentence a person reads ("2 requested changes confirmed. 1 building untouched.").
    pub summary: String,
    /// Where the change report was saved, when one was.
    pub report_path: Option<PathBuf>,
}

/// One recorded transition, in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// Increases with every transition in the store; orders a job's transitions.
    pub seq: i64,
    #[serde(flatten)]
    pub kind: TransitionKind,
    pub detail: String,
    pub at_ms: i64,
}

/// A row of "Recent updates".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobSummary {
    pub job_id: String,
    pub created_at_ms: i64,
    pub sov_id: String,
    pub update_id: Option<String>,
    pub environment_name: String,
    pub status: JobStatus,
    pub step: JobStep,
    pub file_names: Vec<String>,
    pub output_formats: Vec<String>,
    pub last_error: Option<AppError>,
    /// `Some` when the job finished with rows the server did not apply.
    pub rows_not_applied: Option<RowsNotApplied>,
    /// `Some` when the finished job's changes were checked (schema 5 on).
    pub changes: Option<ChangeRecord>,
}

/// A job with everything recorded about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobDetail {
    pub job_id: String,
    pub created_at_ms: i64,
    pub sov_id: String,
    pub update_id: Option<String>,
    pub environment_name: String,
    pub base_url: String,
    pub update_type: Option<String>,
    pub client_ref: Option<String>,
    /// `None` also for jobs recorded before callback URLs were (schema 1).
    pub callback_url: Option<String>,
    pub extra_data: serde_json::Value,
    pub output_formats: Vec<String>,
    pub download_dir: PathBuf,
    pub status: JobStatus,
    pub step: JobStep,
    pub last_error: Option<AppError>,
    /// `Some` when the job finished with rows the server did not apply.
    pub rows_not_applied: Option<RowsNotApplied>,
    /// See [`NewJob::column_mapping`]; empty also for jobs recorded before mappings were (schema 3 and older).
    pub column_mapping: BTreeMap<String, String>,
    /// `Some` when the finished job's changes were checked (schema 5 on).
    pub changes: Option<ChangeRecord>,
    pub input_files: Vec<InputFile>,
    pub transitions: Vec<Transition>,
    pub outputs: Vec<OutputRecord>,
    /// Child rows (transitions, files, outputs) that could not be read and were left out.
    pub skipped: Vec<SkippedRow>,
}

/// A row left out of a result because it could not be read; the others are still returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedRow {
    pub job_id: String,
    /// Which table the row is in (`jobs`, `transitions`, `input_files`, `outputs`).
    pub table: &'static str,
    pub reason: String,
}

/// A result list plus the rows that had to be skipped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub skipped: Vec<SkippedRow>,
}

/// Which slice of the newest-first history to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: usize,
    pub limit: usize,
}

impl Page {
    pub fn first(limit: usize) -> Self {
        Self { offset: 0, limit }
    }

    pub fn next(self) -> Self {
        Self {
            offset: self.offset + self.limit,
            limit: self.limit,
        }
    }
}
