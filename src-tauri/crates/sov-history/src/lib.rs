//! Job history store for SOV Updater: every job, its input files, its state transitions and its outputs, in a
//! SQLite database (WAL mode) in the app's data folder.
//!
//! - [`HistoryStore::open`] never blocks startup: a damaged file is moved aside (`history.db.corrupt-<time>`), a
//!   fresh one started and every row still readable in the damaged file copied into it; a file from a newer
//!   version opens read-only. [`StoreOpenReport`] says what happened.
//! - Writes are single transactions; transitions are append-only.
//! - [`classify_resume`] tells, after a restart, which step was interrupted and whether it is safe to retry.
//!
//! This crate knows nothing of the engine: the app maps engine events onto [`TransitionKind`]s.
//!
//! # Recording protocol (what makes resume safe)
//! 1. `create_job` before anything is sent.
//! 2. `record_transition(InitiateSent)` *before* sending `initiate_update`; `set_update_id` when it answers.
//! 3. Per file: `UploadStarted { i }` before sending, `UploadAcknowledged { i }` after the server's 2xx.
//! 4. `StartSent` before `start`, `StartAcknowledged` after its 2xx; `Processing` for a poll whose status changed
//!    (not every poll: each write is an fsync, a few ms).
//! 5. `DownloadsPlanned { filenames }` when the server lists the outputs, `record_output` once each file is saved
//!    and verified, then `mark_finished`. Errors: `mark_failed`; the user cancelling: `mark_cancelled`.
//!
//! On startup, `list_unfinished` + [`JobDetail::resume_point`] say what to do with each job.

mod companion;
mod error;
mod open;
mod read;
mod records;
mod resume;
mod salvage;
mod schema;
mod store;
mod timestamp;
mod transition;

pub use error::{HistoryError, Result};
pub use open::{Recovery, StoreOpenReport, DB_FILE_NAME};
pub use records::{
    ChangeRecord, InputFile, JobDetail, JobStatus, JobSummary, Listing, NewJob, OutputRecord, Page,
    RowsNotApplied, SkippedRow, Transition,
};
pub use resume::{classify_resume, ResumePoint};
pub use schema::CURRENT_VERSION as SCHEMA_VERSION;
pub use store::HistoryStore;
pub use timestamp::now_ms;
pub use transition::{JobStep, TransitionKind};
