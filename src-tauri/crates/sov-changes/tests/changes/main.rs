//! sov-changes' integration tests: real updates against the project's sandbox over HTTP on loopback.

mod after_update;
mod libreoffice;
mod support;
mod two_revisions;
