//! All of sov-app's integration tests in one binary: one link instead of 3.

mod find;
mod ipc_contract;
mod job_hub;
mod mapping_step;
mod round_trip;
