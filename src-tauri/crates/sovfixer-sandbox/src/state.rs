//! The sandbox's in-memory state: SOVs, update jobs (SUDs), knobs, the request log and callback deliveries.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;

use crate::faults::{Endpoint, FaultBook};
use crate::sov::{ParseStatus, Sov};

/// Building index → attribute → value, laid over an SOV's parsed buildings: a revision's data without
/// copying a big SOV.
pub type Changes = HashMap<usize, BTreeMap<&'static str, String>>;

/// One finished revision of an SOV: 0 is the parse, each completed update adds the next.
#[derive(Debug, Clone)]
pub struct Revision {
    pub number: u32,
    /// The SOV id for revision 0, the update (SUD) id otherwise.
    pub id: String,
    pub record_type: String,
    pub completed_time: String,
    pub client_ref: Option<String>,
    /// Every change since the parse (cumulative), so a revision's data is the SOV plus this overlay.
    pub changes: Arc<Changes>,
    pub extra_data: serde_json::Map<String, serde_json::Value>,
    /// Rows of the locations files (0 for the parse).
    pub num_rows: u64,
}

/// One `get_or_create_output` request.
#[derive(Debug, Clone)]
pub struct OutputRequest {
    pub id: String,
    /// The revision's id (SOV id for revision 0, else the SUD id): output URLs live under it.
    pub revision_id: String,
    pub status: JobStatus,
    pub pct_complete: u32,
    pub output: Option<StoredOutput>,
    pub error: Option<String>,
}

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
    /// Set for a scripted output served by the second listener (another origin, like a storage bucket):
    /// its URL points there instead of at the API.
    #[serde(skip)]
    pub origin: Option<String>,
    /// A scripted output listed with no `url` (a client must fall back to the contract's path).
    #[serde(skip)]
    pub listed_without_url: bool,
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
    /// Set when the job was started under a status script: the statuses its next polls answer, one each. The
    /// job ends at the first poll after they ran out.
    #[serde(skip)]
    pub script: Option<std::collections::VecDeque<ScriptedStatus>>,
}

impl Job {
    pub fn is_started(&self) -> bool {
        self.start.is_some()
    }

    pub fn is_finished(&self) -> bool {
        matches!(self.status, JobStatus::Complete | JobStatus::Failed)
    }
}

/// Which listener a request reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestOrigin {
    /// The API (`/api/v1`).
    Api,
    /// The second listener that serves scripted outputs from another origin.
    Outputs,
}

/// One request received on the API or the output origin (admin requests are not logged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestRecord {
    pub origin: RequestOrigin,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub endpoint: Option<Endpoint>,
    pub token_valid: bool,
    pub status: u16,
    /// Every request header as sent (names in lower case), `Authorization` included: the sandbox's token is a
    /// test value, and tests check where it went.
    pub headers: Vec<(String, String)>,
    /// The request body as text (lossy UTF-8), when the `record_bodies` knob was on as it arrived.
    pub body: Option<String>,
}

impl RequestRecord {
    /// The first header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A request as it arrived, before any fault or handling: lets a test wait until the server has *seen* it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeenRequest {
    pub method: String,
    pub path: String,
    pub endpoint: Option<Endpoint>,
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
    /// How long get_or_create_output takes for an output not made yet.
    pub output_delay: Duration,
    /// JSON outputs write the attributes of `catalog::ANNOTATED_ATTRIBUTES` as
    /// `{value, confidence, original, source, units, comment}` objects.
    pub annotated_attributes: bool,
    /// Fault: updates silently leave this attribute unchanged (and still end SUCCESS).
    pub ignored_attribute: Option<String>,
    /// Request bodies go into the request log (off by default: uploads may be hundreds of MB).
    pub record_bodies: bool,
    /// Updates finishing while set produce exactly these outputs instead of the formats asked for.
    pub scripted_outputs: Option<Vec<ScriptedOutput>>,
    /// Jobs started while set answer these statuses, one per poll, instead of progressing with time.
    pub status_script: Option<Vec<ScriptedStatus>>,
}

/// One scripted answer to a status poll of a running job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ScriptedStatus {
    /// `PENDING` or `IN_PROGRESS`; anything else counts as `IN_PROGRESS`.
    pub status: String,
    pub pct_complete: Option<u32>,
    pub health: String,
}

/// An output a finishing update produces instead of its real ones: any file name (hostile ones included),
/// any content, served by the API or by the second listener (another origin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ScriptedOutput {
    pub filename: String,
    pub content: String,
    #[serde(default)]
    pub on_output_origin: bool,
    /// Listed in the status without a `url`; still downloadable at the API's path.
    #[serde(default)]
    pub listed_without_url: bool,
}

#[derive(Debug)]
pub struct Inner {
    pub knobs: Knobs,
    pub sovs: BTreeMap<String, Arc<Sov>>,
    /// The featured seeded SOV ids (sample, large) in their listing order.
    pub demo_ids: Vec<String>,
    pub next_revision: HashMap<String, u32>,
    pub jobs: BTreeMap<String, Job>,
    /// SOV id → its finished revisions, oldest first.
    pub revisions: BTreeMap<String, Vec<Revision>>,
    pub output_requests: HashMap<String, OutputRequest>,
    /// (revision id, canonical format) → the output made for it by get_or_create_output.
    pub made_outputs: HashMap<(String, String), StoredOutput>,
    pub requests: Vec<RequestRecord>,
    pub seen: Vec<SeenRequest>,
    pub callbacks: Vec<CallbackRecord>,
}

/// Shared by every handler and the processing tasks.
#[derive(Debug)]
pub struct SandboxState {
    pub token: String,
    /// `http://HOST:PORT` the sandbox listens on.
    pub base_url: String,
    /// `http://HOST:PORT` of the second listener, which serves outputs without a token (another origin).
    pub output_origin_url: String,
    pub initial_knobs: Knobs,
    /// The seeded revisions, restored by a reset.
    initial_revisions: BTreeMap<String, Vec<Revision>>,
    /// Uploads and outputs live here; removed when the sandbox is dropped.
    pub files: tempfile::TempDir,
    /// Woken whenever a request arrives.
    pub request_arrived: tokio::sync::Notify,
    inner: Mutex<Inner>,
}

impl SandboxState {
    pub fn new(
        token: String,
        (base_url, output_origin_url): (String, String),
        knobs: Knobs,
        sovs: Vec<Sov>,
    ) -> std::io::Result<Self> {
        // The SOVs named at start-up; the rest of the demo book is found through /sov/activity.
        let demo_ids = sovs
            .iter()
            .take(crate::sov::FEATURED_SOVS)
            .map(|s| s.id.clone())
            .collect();
        let initial_revisions: BTreeMap<String, Vec<Revision>> = sovs
            .iter()
            .map(|sov| (sov.id.clone(), seeded_revisions(sov)))
            .collect();
        let sovs = sovs
            .into_iter()
            .map(|s| (s.id.clone(), Arc::new(s)))
            .collect();
        Ok(Self {
            token,
            base_url,
            output_origin_url,
            initial_knobs: knobs.clone(),
            initial_revisions: initial_revisions.clone(),
            files: tempfile::Builder::new()
                .prefix("sovfixer-sandbox-")
                .tempdir()?,
            request_arrived: tokio::sync::Notify::new(),
            inner: Mutex::new(Inner {
                knobs,
                sovs,
                demo_ids,
                next_revision: next_revisions(&initial_revisions),
                jobs: BTreeMap::new(),
                revisions: initial_revisions,
                output_requests: HashMap::new(),
                made_outputs: HashMap::new(),
                requests: Vec::new(),
                seen: Vec::new(),
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

    /// Logs an arriving request and wakes whoever waits for one.
    pub fn note_seen(&self, seen: SeenRequest) {
        self.lock().seen.push(seen);
        self.request_arrived.notify_waiters();
    }

    /// Forgets jobs, faults, the request log and callback deliveries; knobs go back to their configured values.
    pub fn reset(&self) {
        let dirs: Vec<PathBuf> = {
            let mut inner = self.lock();
            inner.knobs = self.initial_knobs.clone();
            inner.revisions = self.initial_revisions.clone();
            // SOVs added since start keep their parse (revision 0).
            let added: Vec<(String, Vec<Revision>)> = inner
                .sovs
                .values()
                .filter(|sov| !inner.revisions.contains_key(&sov.id))
                .map(|sov| (sov.id.clone(), seeded_revisions(sov)))
                .collect();
            inner.revisions.extend(added);
            inner.next_revision = next_revisions(&inner.revisions);
            inner.output_requests.clear();
            inner.made_outputs.clear();
            inner.requests.clear();
            inner.seen.clear();
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

impl Inner {
    /// The latest finished revision of an SOV (None while it is parsing or when its parse failed).
    pub fn latest_revision(&self, sov_id: &str) -> Option<&Revision> {
        self.revisions.get(sov_id).and_then(|list| list.last())
    }

    /// The revision with this id (an SOV id means its revision 0) and the SOV it belongs to.
    pub fn revision_by_id(&self, id: &str) -> Option<(&Arc<Sov>, &Revision)> {
        let sov_id = self.jobs.get(id).map_or(id, |job| job.sov_id.as_str());
        let sov_id = if self.sovs.contains_key(sov_id) {
            sov_id
        } else {
            // A seeded update id: `<sovid>-rNNN`.
            id.rsplit_once("-r").map_or(id, |(sov, _)| sov)
        };
        let sov = self.sovs.get(sov_id)?;
        let revision = self.revisions.get(sov_id)?.iter().find(|r| r.id == id)?;
        Some((sov, revision))
    }
}

/// The parse (when it finished) and the seeded updates of an SOV, each revision carrying all changes so far.
pub fn seeded_revisions(sov: &Sov) -> Vec<Revision> {
    if sov.parse != ParseStatus::Complete {
        return Vec::new();
    }
    let insured = serde_json::Value::String(sov.insured_name.clone());
    let extra_data: serde_json::Map<String, serde_json::Value> = if sov.insured_name.is_empty() {
        serde_json::Map::new()
    } else {
        [("insured_name".to_string(), insured)]
            .into_iter()
            .collect()
    };
    let mut revisions = vec![Revision {
        number: 0,
        id: sov.id.clone(),
        record_type: "ORIG".to_string(),
        completed_time: sov.parsed_at.clone(),
        client_ref: None,
        changes: Arc::new(Changes::new()),
        extra_data: extra_data.clone(),
        num_rows: 0,
    }];
    let mut changes = Changes::new();
    for (index, update) in sov.seeded_updates.iter().enumerate() {
        for (building, attribute, value) in &update.changes {
            changes
                .entry(*building)
                .or_default()
                .insert(attribute, value.clone());
        }
        let number = index as u32 + 1;
        revisions.push(Revision {
            number,
            id: format!("{}-r{number:03}", sov.id),
            record_type: update.record_type.to_string(),
            completed_time: update.completed_time.clone(),
            client_ref: update.client_ref.clone(),
            changes: Arc::new(changes.clone()),
            extra_data: extra_data.clone(),
            num_rows: update.changes.len() as u64,
        });
    }
    revisions
}

/// The last revision number used per SOV, so new update ids follow the seeded ones.
fn next_revisions(revisions: &BTreeMap<String, Vec<Revision>>) -> HashMap<String, u32> {
    revisions
        .iter()
        .filter_map(|(id, list)| Some((id.clone(), list.last()?.number)))
        .collect()
}

/// A fresh identifier shaped like the service's `request_uuid` (32 hex digits).
pub fn new_request_uuid() -> String {
    format!("{:032x}", rand::random::<u128>())
}
