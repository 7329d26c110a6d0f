//! All of sov-data's integration tests in one binary: one link instead of 1.

mod reader;
