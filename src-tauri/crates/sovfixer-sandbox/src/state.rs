//! The sandbox's in-memory state: SOVs, update jobs (SUDs), knobs, the request log and callback deliveries.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;

use crate::faults::{Endpoint, FaultBook};
use crate::sov::Sov;

/// A locations CSV accepted by add_locations, kept on disk until processing.
#[derive(Debug, Clone, Serialize)]
pub struct Upload {
    pub filename: String,
    pub rows: u64,
    pub bytes: u64,
    #[serde(skip)]
    pub path: PathBuf,
}

/// What `start` asked for.
#[derive(Debug, Clone, Serialize)]
pub struct StartRequest {
    pub extra_data: serde_json::Map<String, serde_json::Value>,
    pub output_formats: Vec<String>,
    pub policy_terms: serde_json::Value,
    pub outputter_name: Option<String>,
    pub metadata: serde_json::Value,
    pub integrations: Vec<String>,
}

/// A generated output file.
#[derive(Debug, Clone, Serialize)]
pub struct StoredOutput {
    pub filename: String,
    pub description: String,
    pub output_format: String,
    pub size: u64,
    #[serde(skip)]
    pub path: PathBuf,
}

/// The `result` block, present once the job finished.
#[derive(Debug, Clone, Serialize)]
pub struct JobResult {
    pub status: String,
    pub message: String,
    pub outputs: Vec<StoredOutput>,
}

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    Pending,
    InProgress,
    Complete,
    Failed,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "PENDING",
            JobStatus::InProgress => "IN_PROGRESS",
            JobStatus::Complete => "COMPLETE",
            JobStatus::Failed => "FAILED",
        }
    }
}

/// One SOV update job (SUD).
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    pub id: String,
    pub sov_id: String,
    pub revision: u32,
    pub record_type: String,
    pub request_uuid: String,
    pub client_ref: Option<String>,
    pub callback_url: Option<String>,
    pub uploads: Vec<Upload>,
    pub start: Option<StartRequest>,
    pub status: JobStatus,
    pub pct_complete: Option<u32>,
    pub last_health_status: Option<String>,
    pub last_health_check_time: Option<String>,
    pub completed_at: Option<String>,
    pub result: Option<JobResult>,
    #[serde(skip)]
    pub dir: PathBuf,
}

impl Job {
    pub fn is_started(&self) -> bool {
        self.start.is_some()
    }

    pub fn is_finished(&self) -> bool {
        matches!(self.status, JobStatus::Complete | JobStatus::Failed)
    }
}

/// One request received on the API (admin requests are not logged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestRecord {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub endpoint: Option<Endpoint>,
    pub token_valid: bool,
    pub status: u16,
}

/// One attempt to POST a finished job's status to its `callback_url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallbackRecord {
    pub sudid: String,
    pub url: String,
    /// The job's status in the body sent: `COMPLETE` or `FAILED`.
    pub job_status: String,
    /// The receiver's HTTP status; `None` when no answer came (see `error`).
    pub status: Option<u16>,
    /// Why no answer came: refused connection, timeout, bad URL…
    pub error: Option<String>,
    /// When the attempt ended (UTC, ISO 8601).
    pub at: String,
}

/// Knobs that `reset` puts back to the configured values.
#[derive(Debug, Clone)]
pub struct Knobs {
    pub processing: Duration,
    pub faults: FaultBook,
    pub output_url_base: Option<String>,
    pub relative_output_urls: bool,
}

#[derive(Debug)]
pub struct Inner {
    pub knobs: Knobs,
    pub sovs: BTreeMap<String, Arc<Sov>>,
    /// Seeded SOV ids in their listing order.
    pub demo_ids: Vec<String>,
    pub next_revision: HashMap<String, u32>,
    pub jobs: BTreeMap<String, Job>,
    pub requests: Vec<RequestRecord>,
    pub callbacks: Vec<CallbackRecord>,
}

/// Shared by every handler and the processing tasks.
#[derive(Debug)]
pub struct SandboxState {
    pub token: String,
    /// `http://HOST:PORT` the sandbox listens on.
    pub base_url: String,
    pub initial_knobs: Knobs,
    /// Uploads and outputs live here; removed when the sandbox is dropped.
    pub files: tempfile::TempDir,
    inner: Mutex<Inner>,
}

impl SandboxState {
    pub fn new(
        token: String,
        base_url: String,
        knobs: Knobs,
        sovs: Vec<Sov>,
    ) -> std::io::Result<Self> {
        let demo_ids = sovs.iter().map(|s| s.id.clone()).collect();
        let sovs = sovs
            .into_iter()
            .map(|s| (s.id.clone(), Arc::new(s)))
            .collect();
        Ok(Self {
            token,
            base_url,
            initial_knobs: knobs.clone(),
            files: tempfile::Builder::new()
                .prefix("sovfixer-sandbox-")
                .tempdir()?,
            inner: Mutex::new(Inner {
                knobs,
                sovs,
                demo_ids,
                next_revision: HashMap::new(),
                jobs: BTreeMap::new(),
                requests: Vec::new(),
                callbacks: Vec::new(),
            }),
        })
    }

    /// Locks the state; a panic elsewhere must not wedge the sandbox, so poisoning is ignored.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Forgets jobs, faults, the request log and callback deliveries; knobs go back to their configured values.
    pub fn reset(&self) {
        let dirs: Vec<PathBuf> = {
            let mut inner = self.lock();
            inner.knobs = self.initial_knobs.clone();
            inner.next_revision.clear();
            inner.requests.clear();
            inner.callbacks.clear();
            let jobs = std::mem::take(&mut inner.jobs);
            jobs.into_values().map(|job| job.dir).collect()
        };
        for dir in dirs {
            // Best effort: a download in flight may still hold a file open on some systems.
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A fresh identifier shaped like the service's `request_uuid` (32 hex digits).
pub fn new_request_uuid() -> String {
    format!("{:032x}", rand::random::<u128>())
}
