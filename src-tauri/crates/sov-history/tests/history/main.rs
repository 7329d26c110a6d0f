//! All of sov-history's integration tests in one binary: one link instead of 7.

mod common;
mod concurrency;
mod damage_salvage;
mod migration;
mod open_recovery;
mod resume;
mod store_records;
mod unreadable_rows;
