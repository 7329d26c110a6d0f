//! All of sov-app's integration tests in one binary: one link instead of several.

mod buildings;
mod check_again;
mod find;
mod ipc_contract;
mod job_hub;
mod mapping_step;
mod revisions;
mod round_trip;
mod row_list;
mod support;
