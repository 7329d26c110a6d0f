//! SOV Fixer client and update-job engine: typed API calls with safe retries, streamed uploads,
//! atomic downloads under sanitized names, and one error type for the app, the CLI and history.
//!
//! ```ignore
//! let client = SovFixerClient::new(ClientConfig::new(Environment::Prod, ApiToken::new(key)))?;
//! let on_progress: ProgressCallback = Arc::new(|p: &JobProgress| println!("{:?}", p.phase));
//! let job = Job::new(client, PollConfig::default(), on_progress, CancellationToken::new());
//! let outcome = job.run(JobSpec { sov_id, files, download_dir, ..JobSpec::default() }).await?;
//! // Later, or after a restart: attach to an update that already exists.
//! job.resume(ResumeSpec { update_id, download_dir, ..ResumeSpec::default() }).await?;
//! // Only the outputs not saved yet: `skip_outputs`; list without saving: `save_outputs: false`.
//! ```

pub mod client;
pub mod credentials;
pub mod download;
pub mod error;
pub mod read;

pub use client::{
    ApiToken, ClientConfig, Environment, FileUpload, OutputFile, OutputFormat, RetryPolicy,
    SovFixerClient, StartOutcome, StartRequest, UpdateStatus, UpdateType, UploadSource,
    DEFAULT_MAX_CONNECTIONS,
};
pub use error::{ErrorKind, Resource, UpdateError};
pub mod engine;

pub use download::{sanitize_filename, SavedOutput};
pub use engine::{
    Job, JobError, JobOutcome, JobProgress, JobSpec, Phase, PollConfig, ProgressCallback,
    ResumePoint, ResumeSpec, RowsNotApplied, Step, UpdateChanges,
};
