//! The events a command reports, in the shape of the `--json` stream (docs/cli.md), and the
//! tracker that turns the engine's cumulative snapshots into events for what changed.

use serde::Serialize;
use sov_changes::Comparison;
use sov_preflight::FileReport;
use sov_update::{JobProgress, OutputFile, Phase, RowsNotApplied, SavedOutput, Step, UpdateError};

/// One line of the `--json` stream. Human output is rendered from the same events.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The pre-flight report of one file (before anything is sent).
    Preflight {
        report: Box<FileReport>,
    },
    /// The update exists on SOV Fixer; from now on it can be looked up with `status`.
    UpdateCreated {
        update_id: String,
        sov_id: Option<String>,
    },
    Phase {
        phase: Phase,
    },
    Upload {
        file_index: usize,
        file_count: usize,
        file_name: String,
        file_bytes_sent: u64,
        file_bytes_total: u64,
        bytes_sent: u64,
        bytes_total: u64,
    },
    Processing {
        status: String,
        pct_complete: Option<f64>,
        health: Option<String>,
        stalled: bool,
    },
    Download {
        output_index: usize,
        output_count: usize,
        filename: String,
        bytes_received: u64,
        bytes_total: Option<u64>,
    },
    OutputSaved {
        output: OutputInfo,
    },
    /// What a corrections file will change (`preview`, and `run` of a workbook made by `template`).
    Preview {
        file: String,
        preview: Box<sov_compare::Preview>,
    },
    Summary(Box<Summary>),
}

/// An output, downloaded (`path`, `size`, `sha256` set) or only listed by the server.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OutputInfo {
    pub filename: String,
    pub description: Option<String>,
    pub path: Option<String>,
    pub size: Option<u64>,
    pub sha256: Option<String>,
    pub url: Option<String>,
}

impl From<&SavedOutput> for OutputInfo {
    fn from(saved: &SavedOutput) -> Self {
        Self {
            filename: saved.filename.clone(),
            description: saved.description.clone(),
            path: Some(saved.path.display().to_string()),
            size: Some(saved.size),
            sha256: Some(saved.sha256.clone()),
            url: Some(saved.url.clone()),
        }
    }
}

impl OutputInfo {
    /// An output the server listed but that was not downloaded: no path, size or hash.
    pub fn listed(output: &OutputFile) -> Self {
        Self {
            filename: output.name(),
            description: output.description.clone(),
            path: None,
            size: None,
            sha256: None,
            url: Some(output.url.clone()),
        }
    }
}

/// The error of a summary: the engine's code and plain message, the raw detail, and the step.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ErrorInfo {
    pub code: String,
    pub message: String,
    pub detail: String,
    pub step: Option<Step>,
}

impl ErrorInfo {
    pub fn from_update_error(error: &UpdateError, step: Option<Step>) -> Self {
        Self {
            code: error.code().to_string(),
            message: error.message(),
            detail: error.detail().to_owned(),
            step,
        }
    }

    /// An error found by the CLI itself (no API key, a bad -E, ...).
    pub fn local(code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            code: code.to_owned(),
            detail: message.clone(),
            message,
            step: None,
        }
    }
}

/// The last line of every `--json` stream.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    pub command: &'static str,
    /// `done`, `started`, `running`, `failed`, `cancelled`, `timed_out`, ... (docs/cli.md).
    pub outcome: String,
    pub exit_code: u8,
    pub sov_id: Option<String>,
    pub update_id: Option<String>,
    /// The server's last `request.status`, when one was seen.
    pub server_status: Option<String>,
    pub outputs: Vec<OutputInfo>,
    pub error: Option<ErrorInfo>,
    /// The command that picks this update up again, when that makes sense.
    pub resume_command: Option<String>,
    /// A plain-language next step for an outcome that is not an error (e.g. `started`).
    pub note: Option<String>,
    /// The rows SOV Fixer said it did not apply (outcome `done_with_rows_not_applied`, exit code 8).
    pub rows_not_applied: Option<RowsNotApplied>,
    /// `run`: the new revision checked against the corrections sent (null with --no-report, --no-write, or
    /// when it could not be checked: the note says why).
    pub changes: Option<Comparison>,
}

impl Summary {
    pub fn new(command: &'static str, outcome: &str, exit_code: u8) -> Self {
        Self {
            command,
            outcome: outcome.to_owned(),
            exit_code,
            sov_id: None,
            update_id: None,
            server_status: None,
            outputs: Vec::new(),
            error: None,
            resume_command: None,
            note: None,
            rows_not_applied: None,
            changes: None,
        }
    }
}

/// Remembers the last snapshot and reports only what changed since.
#[derive(Default)]
pub struct Tracker {
    last: Option<JobProgress>,
}

impl Tracker {
    pub fn changes(&mut self, now: &JobProgress) -> Vec<Event> {
        let mut events = Vec::new();
        let last = self.last.as_ref();
        if let Some(update_id) = &now.update_id {
            if last.and_then(|l| l.update_id.as_ref()) != Some(update_id) {
                events.push(Event::UpdateCreated {
                    update_id: update_id.clone(),
                    sov_id: now.sov_id.clone(),
                });
            }
        }
        if last.map(|l| l.phase) != Some(now.phase) {
            events.push(Event::Phase { phase: now.phase });
        }
        if let Some(upload) = &now.upload {
            if last.and_then(|l| l.upload.as_ref()) != Some(upload) {
                events.push(Event::Upload {
                    file_index: upload.file_index,
                    file_count: upload.file_count,
                    file_name: upload.file_name.clone(),
                    file_bytes_sent: upload.file_bytes_sent,
                    file_bytes_total: upload.file_bytes_total,
                    bytes_sent: upload.bytes_sent,
                    bytes_total: upload.bytes_total,
                });
            }
        }
        if let Some(processing) = &now.processing {
            let unchanged = last.is_some_and(|l| {
                l.processing.as_ref() == Some(processing) && l.stalled == now.stalled
            });
            if !unchanged {
                events.push(Event::Processing {
                    status: processing.status.clone(),
                    pct_complete: processing.pct_complete,
                    health: processing.health.clone(),
                    stalled: now.stalled,
                });
            }
        }
        if let Some(download) = &now.download {
            if last.and_then(|l| l.download.as_ref()) != Some(download) {
                events.push(Event::Download {
                    output_index: download.output_index,
                    output_count: download.output_count,
                    filename: download.filename.clone(),
                    bytes_received: download.bytes_received,
                    bytes_total: download.bytes_total,
                });
            }
        }
        let known_outputs = last.map_or(0, |l| l.outputs.len());
        for saved in now.outputs.iter().skip(known_outputs) {
            events.push(Event::OutputSaved {
                output: OutputInfo::from(saved),
            });
        }
        self.last = Some(now.clone());
        events
    }

    pub fn last(&self) -> Option<&JobProgress> {
        self.last.as_ref()
    }
}
