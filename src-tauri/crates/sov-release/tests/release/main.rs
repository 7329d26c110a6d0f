//! sov-release's tests: one binary. The update server is a real HTTP server on loopback.

mod check;
mod notice;
mod support;
