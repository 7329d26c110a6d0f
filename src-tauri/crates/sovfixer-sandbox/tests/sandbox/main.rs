//! All of sovfixer-sandbox's integration tests in one binary: one link instead of 13.

mod admin;
mod auth_and_lookups;
mod binary;
mod callback;
mod common;
mod derived;
mod faults;
mod initiate_and_upload;
mod lifecycle;
mod outputs;
mod proxy_faults;
mod python_client;
mod reading;
mod start_and_progress;
mod test_knobs;
