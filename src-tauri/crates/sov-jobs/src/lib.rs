//! Never lose a job: every SOV update is recorded in the history as it happens, and jobs that were
//! running when the app stopped are picked up again at the next start.
//!
//! ```ignore
//! let (store, report) = HistoryStore::open(&data_dir)?;          // never blocks startup
//! let runner = JobRunner::new(Arc::new(store));                  // one for the app's lifetime
//! let connection = Connection::new(client, Target::Server(Environment::Prod));
//! let resumed = runner.resume_unfinished(&connection, Some(events)).await?;   // once, at startup
//! let job = runner.start(&connection, spec, Some(on_progress)).await?;        // recorded before anything is sent
//! runner.cancel(&job.job_id);
//! runner.retry(&connection, &failed_job_id, None).await?;       // one rule: `decide`
//! runner.redownload(&connection, &finished_job_id, None).await?;
//! ```
//!
//! What happens to a job interrupted at each step (`resume`); a request whose outcome is unknown is
//! resolved by asking the server (`GET /sov/update/{id}`), never by sending it again blindly:
//!
//! | interrupted | ends as |
//! |---|---|
//! | before `initiate_update` was sent | failed `interrupted`: "Interrupted before the server received it" (Retry = new job) |
//! | while `initiate_update` was in flight (no id) | failed `interrupted`: "Interrupted before SOV Updater knew whether the server received it; nothing was started." |
//! | after the id came back, before or during an upload | failed `interrupted`, naming the file; the server's update was never started |
//! | all files uploaded, `start` not sent / in flight | asks the server: left PENDING → polled to done; PENDING → started (a start that was already queued is refused with 409 and counts as started) |
//! | after `start` was acknowledged, while polling | polled to done, outputs downloaded |
//! | while downloading | saved outputs kept, only the others downloaded; partial `.part` files deleted |
//! | server unreachable at startup for a needed question | left running, decided at the next start |
//!
//! Retry follows the same rule; where only a new job can succeed (`interrupted`, `job_failed`, `not_found`,
//! nothing reached the server) it checks every recorded input file (size and SHA-256) before sending.

mod changes;
mod error;
mod inputs;
mod outputs;
mod recorder;
mod request;
mod resume;
mod retry;
mod runner;
mod target;

pub use error::JobsError;
pub use inputs::{changed_inputs, unrecorded_sheet_choices, ChangedInput, InputProblem};
pub use outputs::remove_partial_downloads;
pub use recorder::JobRecorder;
pub use request::{hash_file, new_job_id, spec_from_detail};
pub use resume::{decide, Decision, ResumeAction, ResumeReport, ResumedJob, INTERRUPTED_CODE};
pub use retry::Retried;
pub use runner::{JobEvents, JobResult, JobRunner, RunningJob};
pub use target::{Connection, Target, TargetError};
