//! All of sov-update-cli's integration tests in one binary: one link instead of 6.

mod all_sheets;
mod changes;
mod commands;
mod corrections_workbook;
mod dependencies;
mod interrupt;
mod mapping;
mod reading;
mod run;
mod support;
