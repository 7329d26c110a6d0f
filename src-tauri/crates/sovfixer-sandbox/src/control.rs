//! `SandboxControl`: the knobs of a running sandbox, for in-process tests (the admin API uses it too).

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::faults::{Endpoint, Fault};
use crate::sov::generated_sov;
use crate::state::{
    CallbackRecord, RequestOrigin, RequestRecord, SandboxState, ScriptedOutput, ScriptedStatus,
    Upload,
};

/// A seeded or generated SOV: its id and a short description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoSov {
    pub id: String,
    pub description: String,
}

/// What the sandbox knows about one update job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobSummary {
    pub id: String,
    pub sov_id: String,
    pub revision: u32,
    pub record_type: String,
    pub status: String,
    pub pct_complete: Option<u32>,
    pub client_ref: Option<String>,
    pub callback_url: Option<String>,
    pub started: bool,
    pub uploads: Vec<UploadSummary>,
    pub output_formats: Vec<String>,
    pub extra_data: serde_json::Value,
    pub result_status: Option<String>,
    pub result_message: Option<String>,
    pub output_filenames: Vec<String>,
}

/// One accepted locations file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UploadSummary {
    pub filename: String,
    pub rows: u64,
    pub bytes: u64,
}

impl From<&Upload> for UploadSummary {
    fn from(upload: &Upload) -> Self {
        Self {
            filename: upload.filename.clone(),
            rows: upload.rows,
            bytes: upload.bytes,
        }
    }
}

/// Why a generated SOV could not be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateSovError {
    InvalidId,
    AlreadyExists,
    InvalidCount,
}

impl std::fmt::Display for CreateSovError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CreateSovError::InvalidId => {
                "id must be non-empty and use only letters, digits, '-' and '_'"
            }
            CreateSovError::AlreadyExists => "an SOV with this id already exists",
            CreateSovError::InvalidCount => "buildings must be between 1 and 500,000",
        })
    }
}

impl std::error::Error for CreateSovError {}

/// About 1.5 KB of memory per generated building, so this caps a generated SOV near 750 MB.
pub const MAX_GENERATED_BUILDINGS: usize = 500_000;

/// Cheap to clone; every clone acts on the same sandbox.
#[derive(Debug, Clone)]
pub struct SandboxControl {
    pub(crate) state: Arc<SandboxState>,
}

impl SandboxControl {
    /// The API key the sandbox accepts.
    pub fn token(&self) -> String {
        self.state.token.clone()
    }

    pub fn processing(&self) -> Duration {
        self.state.lock().knobs.processing
    }

    /// Processing time of jobs started from now on (queue wait included).
    pub fn set_processing(&self, processing: Duration) {
        self.state.lock().knobs.processing = processing;
    }

    /// Replaces the fault on one endpoint.
    pub fn set_fault(&self, endpoint: Endpoint, fault: Fault) {
        self.state.lock().knobs.faults.set(endpoint, Some(fault));
    }

    pub fn clear_fault(&self, endpoint: Endpoint) {
        self.state.lock().knobs.faults.set(endpoint, None);
    }

    /// Scripts the next requests to `endpoint`, one fault each in order (e.g. slow, then 502, then 503);
    /// the standing fault applies once they are used up.
    pub fn queue_faults(&self, endpoint: Endpoint, faults: impl IntoIterator<Item = Fault>) {
        self.state.lock().knobs.faults.queue(endpoint, faults);
    }

    /// Request bodies go into the request log from now on (multipart uploads as their raw text).
    pub fn set_record_bodies(&self, record: bool) {
        self.state.lock().knobs.record_bodies = record;
    }

    /// Updates finishing from now on produce exactly these outputs (`None`: their real ones again).
    pub fn set_scripted_outputs(&self, outputs: Option<Vec<ScriptedOutput>>) {
        self.state.lock().knobs.scripted_outputs = outputs;
    }

    /// Jobs started from now on answer these statuses, one per poll, and end at the first poll after them
    /// (`None`: jobs progress with time again).
    pub fn set_status_script(&self, script: Option<Vec<ScriptedStatus>>) {
        self.state.lock().knobs.status_script = script;
    }

    pub fn clear_faults(&self) {
        self.state.lock().knobs.faults.clear();
    }

    /// The fault in force on an endpoint (with its remaining `error_count`).
    pub fn fault(&self, endpoint: Endpoint) -> Option<Fault> {
        self.state.lock().knobs.faults.get(endpoint).cloned()
    }

    /// Makes output URLs point at another origin (e.g. `http://127.0.0.1:9999`), for token-leak tests.
    pub fn set_output_url_base(&self, base: Option<String>) {
        self.state.lock().knobs.output_url_base = base;
    }

    /// How long get_or_create_output takes to make an output it does not have yet.
    pub fn set_output_delay(&self, delay: Duration) {
        self.state.lock().knobs.output_delay = delay;
    }

    /// JSON outputs made from now on write the † attributes as objects (see the README).
    pub fn set_annotated_attributes(&self, annotated: bool) {
        self.state.lock().knobs.annotated_attributes = annotated;
    }

    /// Fault: updates finishing from now on silently leave `attribute` unchanged, still ending SUCCESS
    /// (`None` ends the fault). Lets "a correction was not applied" be tested.
    pub fn set_ignored_attribute(&self, attribute: Option<String>) {
        self.state.lock().knobs.ignored_attribute = attribute;
    }

    /// Makes output URLs site-relative (`/api/v1/sov/…`).
    pub fn set_relative_output_urls(&self, relative: bool) {
        self.state.lock().knobs.relative_output_urls = relative;
    }

    /// Every API request received so far, oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.state.lock().requests.clone()
    }

    /// How many logged API requests hit an endpoint (the output origin's downloads are not counted).
    pub fn count_requests(&self, endpoint: Endpoint) -> usize {
        self.state
            .lock()
            .requests
            .iter()
            .filter(|r| r.origin == RequestOrigin::Api && r.endpoint == Some(endpoint))
            .count()
    }

    /// The logged API requests to an endpoint, oldest first.
    pub fn requests_to(&self, endpoint: Endpoint) -> Vec<RequestRecord> {
        self.state
            .lock()
            .requests
            .iter()
            .filter(|r| r.origin == RequestOrigin::Api && r.endpoint == Some(endpoint))
            .cloned()
            .collect()
    }

    pub fn clear_requests(&self) {
        let mut inner = self.state.lock();
        inner.requests.clear();
        inner.seen.clear();
    }

    /// Requests to `endpoint` that have arrived so far, answered or not (the answered ones are in `requests`).
    pub fn count_seen(&self, endpoint: Endpoint) -> usize {
        self.state
            .lock()
            .seen
            .iter()
            .filter(|r| r.endpoint == Some(endpoint))
            .count()
    }

    /// Waits until at least `count` requests to `endpoint` have arrived (seen, not necessarily answered),
    /// or `patience` runs out; returns the number seen. A test can then assert exact counts without sleeping.
    pub async fn wait_for_requests(
        &self,
        endpoint: Endpoint,
        count: usize,
        patience: Duration,
    ) -> usize {
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            let arrived = self.state.request_arrived.notified();
            tokio::pin!(arrived);
            // Registered before counting, so an arrival between the count and the wait is not missed.
            arrived.as_mut().enable();
            let seen = self.count_seen(endpoint);
            if seen >= count {
                return seen;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return self.count_seen(endpoint);
            }
        }
    }

    /// Every callback delivery attempt so far, oldest first (recorded once the attempt ended).
    pub fn callbacks(&self) -> Vec<CallbackRecord> {
        self.state.lock().callbacks.clone()
    }

    /// Every update job, in id order.
    pub fn jobs(&self) -> Vec<JobSummary> {
        self.state
            .lock()
            .jobs
            .values()
            .map(|job| {
                let result = job.result.as_ref();
                JobSummary {
                    id: job.id.clone(),
                    sov_id: job.sov_id.clone(),
                    revision: job.revision,
                    record_type: job.record_type.clone(),
                    status: job.status.as_str().to_string(),
                    pct_complete: job.pct_complete,
                    client_ref: job.client_ref.clone(),
                    callback_url: job.callback_url.clone(),
                    started: job.is_started(),
                    uploads: job.uploads.iter().map(UploadSummary::from).collect(),
                    output_formats: job
                        .start
                        .as_ref()
                        .map(|s| s.output_formats.clone())
                        .unwrap_or_default(),
                    extra_data: job
                        .start
                        .as_ref()
                        .map(|s| serde_json::Value::Object(s.extra_data.clone()))
                        .unwrap_or(serde_json::Value::Null),
                    result_status: result.map(|r| r.status.clone()),
                    result_message: result.map(|r| r.message.clone()),
                    output_filenames: result
                        .map(|r| r.outputs.iter().map(|o| o.filename.clone()).collect())
                        .unwrap_or_default(),
                }
            })
            .collect()
    }

    /// The seeded SOVs, in listing order.
    pub fn demo_sovs(&self) -> Vec<DemoSov> {
        let inner = self.state.lock();
        inner
            .demo_ids
            .iter()
            .filter_map(|id| inner.sovs.get(id))
            .map(|sov| DemoSov {
                id: sov.id.clone(),
                description: sov.description.clone(),
            })
            .collect()
    }

    /// Adds an SOV of `buildings` generated buildings (sheet `Locations`, rows 2..), e.g. for benchmarks.
    /// Generation is CPU work: call it from a blocking context for very large counts.
    pub fn add_generated_sov(&self, id: &str, buildings: usize) -> Result<DemoSov, CreateSovError> {
        let valid_id = !id.is_empty()
            && id.len() <= 100
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid_id {
            return Err(CreateSovError::InvalidId);
        }
        if buildings == 0 || buildings > MAX_GENERATED_BUILDINGS {
            return Err(CreateSovError::InvalidCount);
        }
        if self.state.lock().sovs.contains_key(id) {
            return Err(CreateSovError::AlreadyExists);
        }
        let sov = generated_sov(id, buildings, false);
        let summary = DemoSov {
            id: sov.id.clone(),
            description: sov.description.clone(),
        };
        let mut inner = self.state.lock();
        if inner.sovs.contains_key(id) {
            return Err(CreateSovError::AlreadyExists);
        }
        inner
            .revisions
            .insert(id.to_string(), crate::state::seeded_revisions(&sov));
        inner.sovs.insert(id.to_string(), Arc::new(sov));
        Ok(summary)
    }

    /// Forgets jobs, faults, the request log and callback deliveries; knobs go back to the
    /// configured values.
    pub fn reset(&self) {
        self.state.reset();
    }
}
