//! What the SOV Updater window does, written without a window (in the manner of yaak's `yaak-commands`): each
//! Tauri command of the desktop shell is a few lines that adapt its arguments and call one method here. What only
//! the shell can do (notifications, events to the window, progress channels, the OS keychain) comes in through
//! [`Host`], [`JobSubscriber`] and [`SecretStore`], so everything here is tested without a desktop.

mod buildings;
mod changes_upload;
mod connection;
mod current;
mod demo;
mod demo_server;
mod files;
mod find;
mod history_view;
mod host;
mod hub;
mod jobs;
mod keys;
mod mapping;
mod notify;
pub mod open_words;
mod preferences;
mod preview;
mod recheck;
mod resume;
mod revisions;
mod secrets;
mod settings;
mod snapshot;
mod state;
#[cfg(all(test, windows))]
mod windows_downloads_tests;
mod workbook;

pub use buildings::{
    AttributeView, BuildingDetail, BuildingRow, BuildingsPage, BuildingsQuery, BUILDINGS_PAGE_SIZE,
};
pub use changes_upload::{KeepValue, StaleDecision};
pub use connection::ConnectionCheck;
pub use demo::{DemoSovView, DemoStarted};
pub use demo_server::{DemoEndpoint, DemoSlot};
pub use files::{apply_fixes, check_files, FixedFile};
pub use find::{
    sov_id_from_text, FindQuery, SovDetails, SovListing, SovOutputView, SovReadiness, SovRevision,
    SovSearchPage, FIND_PAGE_SIZE,
};
pub use history_view::{
    HistoryDetail, HistoryEntry, HistoryOutput, HistoryRowsNotApplied, HistoryStep,
};
pub use host::{Host, JobResumed, JobSubscriber};
pub use jobs::{JobRequest, JobStarted};
pub use keys::{EnvLookup, KeyOrigin};
pub use mapping::{
    attribute_choices, list_problem_rows, save_problem_rows, AttributeChoice, FileChoices,
    ProblemRows, PROBLEM_ROWS_PAGE_LIMIT,
};
pub use notify::notification_text;
pub use preferences::Preferences;
pub use preview::{
    BuildingChanges, CellNote, ChangeView, FilePreview, SentAs, StaleView, UnmatchedView,
};
pub use recheck::changed_since_checked;
pub use revisions::{RevisionChange, RevisionComparison, COMPARISON_LIST_LIMIT};
pub use secrets::{MemoryStore, SecretError, SecretStore};
pub use settings::Settings;
pub use snapshot::{ErrorView, JobSnapshot, ProcessingView, StepStatus, StepView};
pub use sov_error::{AppError, Code};
pub use state::AppState;
pub use workbook::{SavedWorkbook, WorkbookColumns};

/// Every fallible operation here ends in the one error shape the window knows.
pub type AppResult<T> = Result<T, AppError>;
