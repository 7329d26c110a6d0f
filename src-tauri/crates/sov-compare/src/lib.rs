//! Comparisons an underwriter reads: what a corrections file will change before it is sent (`preview`, with
//! `flags` and the cells to send in `upload`), and what an update changed between two revisions
//! (`revision_diff`, saved by `change_report`).

pub mod change_report;
pub mod flags;
pub mod matching;
pub mod preview;
pub mod revision_diff;
pub mod summary;
pub mod upload;

pub use preview::{
    preview, Change, ClearedCell, Preview, StaleCell, UnchangedRow, UnmatchedReason, UnmatchedRow,
};
pub use revision_diff::{compare_revisions, Outcome, RequestedChange, RevisionDiff};
