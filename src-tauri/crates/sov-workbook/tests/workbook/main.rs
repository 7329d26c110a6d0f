//! All of sov-workbook's integration tests in one binary: one link instead of 3.

mod hostile;
mod support;
mod workbook_layout;
mod workbook_round_trip;
