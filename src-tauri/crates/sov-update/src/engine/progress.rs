//! Cumulative job snapshots and the one callback they go through.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::verdict::RowsNotApplied;
use crate::download::SavedOutput;
use crate::error::UpdateError;

/// Where an update job is. `Done`, `Failed` and `Cancelled` are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Validating,
    Initiating,
    Uploading,
    Starting,
    Queued,
    Processing,
    Downloading,
    Done,
    Failed,
    Cancelled,
}

impl Phase {
    pub fn is_final(self) -> bool {
        matches!(self, Self::Done | Self::Failed | Self::Cancelled)
    }
}

/// The step a failure happened in; what a "retry from here" starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Validate,
    Initiate,
    Upload,
    Start,
    Process,
    Download,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UploadProgress {
    /// 1-based: file `file_index` of `file_count`.
    pub file_index: usize,
    pub file_count: usize,
    pub file_name: String,
    pub file_bytes_sent: u64,
    pub file_bytes_total: u64,
    pub bytes_sent: u64,
    pub bytes_total: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcessingProgress {
    /// The server's `request.status`, e.g. `PENDING`, `IN_PROGRESS`.
    pub status: String,
    pub pct_complete: Option<f64>,
    /// The server's `last_health_status`.
    pub health: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DownloadProgress {
    /// 1-based: output `output_index` of `output_count`.
    pub output_index: usize,
    pub output_count: usize,
    pub filename: String,
    pub bytes_received: u64,
    pub bytes_total: Option<u64>,
}

/// A failure with the step it happened in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobError {
    pub step: Step,
    pub error: UpdateError,
    /// Set once the update exists on the server, so the job can be resumed or looked up.
    pub update_id: Option<String>,
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for JobError {}

/// Everything known about a job at one moment. Every event carries the full picture, so a
/// consumer that missed events (a reloaded window) is never out of date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobProgress {
    pub phase: Phase,
    pub sov_id: Option<String>,
    pub update_id: Option<String>,
    pub elapsed_ms: u64,
    pub upload: Option<UploadProgress>,
    pub processing: Option<ProcessingProgress>,
    /// Neither pct_complete nor the health text changed for the configured time.
    pub stalled: bool,
    pub download: Option<DownloadProgress>,
    /// Server names (`OutputFile::name()`) of every output the finished update listed, saved
    /// or not; set once, before the first download. `None` until the update has finished.
    pub listed_outputs: Option<Vec<String>>,
    pub outputs: Vec<SavedOutput>,
    /// Set when the finished update's result says rows matched no building (before any download).
    pub rows_not_applied: Option<RowsNotApplied>,
    pub error: Option<JobError>,
}

/// The single way progress leaves the engine.
pub type ProgressCallback = Arc<dyn Fn(&JobProgress) + Send + Sync>;

/// Byte counters may tick thousands of times a second; they are passed on at most this often.
const BYTE_EVENT_INTERVAL: Duration = Duration::from_millis(100);

/// Holds the current snapshot and sends a copy to the callback after each change.
#[derive(Clone)]
pub(crate) struct Reporter {
    state: Arc<Mutex<ReporterState>>,
    callback: ProgressCallback,
}

struct ReporterState {
    snapshot: JobProgress,
    started: Instant,
    last_emit: Option<Instant>,
}

impl Reporter {
    pub(crate) fn new(callback: ProgressCallback, sov_id: Option<String>) -> Self {
        let snapshot = JobProgress {
            phase: Phase::Validating,
            sov_id,
            update_id: None,
            elapsed_ms: 0,
            upload: None,
            processing: None,
            stalled: false,
            download: None,
            listed_outputs: None,
            outputs: Vec::new(),
            rows_not_applied: None,
            error: None,
        };
        Self {
            state: Arc::new(Mutex::new(ReporterState {
                snapshot,
                started: Instant::now(),
                last_emit: None,
            })),
            callback,
        }
    }

    /// Applies a change and always emits (phase changes, final byte counts, poll results).
    pub(crate) fn update(&self, change: impl FnOnce(&mut JobProgress)) {
        self.apply(change, false);
    }

    /// Applies a change and emits only if the last event is older than `BYTE_EVENT_INTERVAL`.
    pub(crate) fn update_throttled(&self, change: impl FnOnce(&mut JobProgress)) {
        self.apply(change, true);
    }

    pub(crate) fn snapshot(&self) -> JobProgress {
        match self.state.lock() {
            Ok(state) => state.snapshot.clone(),
            Err(poisoned) => poisoned.into_inner().snapshot.clone(),
        }
    }

    fn apply(&self, change: impl FnOnce(&mut JobProgress), throttled: bool) {
        let emitted = {
            let mut state = match self.state.lock() {
                Ok(state) => state,
                Err(poisoned) => poisoned.into_inner(),
            };
            change(&mut state.snapshot);
            let now = Instant::now();
            state.snapshot.elapsed_ms =
                u64::try_from(now.duration_since(state.started).as_millis()).unwrap_or(u64::MAX);
            let due = state
                .last_emit
                .is_none_or(|last| now.duration_since(last) >= BYTE_EVENT_INTERVAL);
            if throttled && !due {
                None
            } else {
                state.last_emit = Some(now);
                Some(state.snapshot.clone())
            }
        };
        // Called outside the lock so a callback that reads the job again cannot deadlock.
        if let Some(snapshot) = emitted {
            (self.callback)(&snapshot);
        }
    }
}
