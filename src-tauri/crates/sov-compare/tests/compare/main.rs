//! All of sov-compare's integration tests in one binary: one link instead of 3.

mod libreoffice_round_trip;
mod preview;
mod revision_diff;
mod support;
