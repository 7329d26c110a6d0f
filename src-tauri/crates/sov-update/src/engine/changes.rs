//! What a finished update changed, once checked against the server's new data (by `sov-changes`, which
//! depends on this crate): the counts and the report, carried in the job's outcome.

use std::path::PathBuf;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UpdateChanges {
    pub from_revision: i64,
    pub to_revision: i64,
    /// Requested changes the new revision holds.
    pub confirmed: u64,
    /// Requested changes it does not hold: not a clean success.
    pub not_applied: u64,
    /// Values SOV Fixer changed on its own.
    pub derived: u64,
    pub untouched_buildings: u64,
    /// The sentence a person reads.
    pub summary: String,
    /// Each requested change not applied, in words: building, place, attribute, the value sent, the value
    /// SOV Fixer kept and what to do.
    pub not_applied_changes: Vec<String>,
    /// The change report, when one was saved.
    pub report: Option<PathBuf>,
}
