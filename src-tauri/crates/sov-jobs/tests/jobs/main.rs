//! All of sov-jobs's integration tests in one binary: one link instead of 5.

mod changes;
mod kill_restart;
mod mapping;
mod recorder;
mod resume_decisions;
mod runner;
mod store_damage;
mod support;
