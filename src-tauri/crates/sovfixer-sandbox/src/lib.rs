//! A faithful, stateful sandbox of the SOV Fixer "update an existing SOV" API
//! (see `docs/api-contract.md`), for tests, benchmarks and the app's demo mode.
//!
//! It shares no code or types with the client: both follow the contract on their own,
//! so a misreading in one cannot hide in the other.

mod admin;
mod book;
mod callback;
mod catalog;
mod clock;
mod control;
mod faults;
mod gate;
mod output_maker;
mod outputs;
mod processing;
mod responses;
mod routes;
mod scripted;
mod server;
mod sov;
mod state;
mod status_body;
mod stop_signal;
mod upload;
mod urls;

pub use catalog::{KNOWN_ATTRIBUTES, UPDATE_TYPES};
pub use control::{CreateSovError, DemoSov, JobSummary, SandboxControl, UploadSummary};
pub use faults::{Endpoint, Fault, ForcedFailure};
pub use server::{start, RunningSandbox, SandboxConfig};
pub use sov::{LARGE_SOV_ID, SAMPLE_SOV_ID};
pub use state::{CallbackRecord, RequestOrigin, RequestRecord, ScriptedOutput, ScriptedStatus};
pub use stop_signal::{stop_requested, StopSignals};
