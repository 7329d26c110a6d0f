//! All of sov-update's integration tests in one binary: one link instead of 13.

mod caller_plans;
mod cancel;
mod compat;
mod connections;
mod errors;
mod faults;
mod reading;
mod sandbox;
mod sandbox_errors;
mod security;
mod support;
mod windows_destination;
mod workbook_sheets;
mod workflow;
