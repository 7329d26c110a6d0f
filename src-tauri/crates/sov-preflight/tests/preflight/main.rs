//! All of sov-preflight's integration tests in one binary: one link instead of 13.

mod arbitrary_bytes;
mod corpus_findings;
mod every_sheet;
mod excel;
mod fixes;
mod header_row;
mod large_files;
mod mapping;
mod one_pass;
mod plausibility;
mod problem_rows;
mod support;
mod underwriter_corpus;
mod upload_plan;
mod windows_sharing;
