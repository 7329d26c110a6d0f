//! Turns the engine's progress into the step list the window shows.

use schemars::JsonSchema;
use serde::Serialize;
use sov_error::AppError;
use sov_update::download::SavedOutput;
use sov_update::engine::{JobProgress, Phase, RowsNotApplied, Step, UpdateChanges};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Pending,
    Active,
    Done,
    Failed,
    Skipped,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct StepView {
    pub key: &'static str,
    pub label: String,
    pub status: StepStatus,
    pub progress: Option<f64>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct ProcessingView {
    pub pct_complete: Option<f64>,
    pub health: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
/// A job's error: the usual `{code, message, detail}` and the step it happened in.
pub struct ErrorView {
    #[serde(flatten)]
    pub error: AppError,
    pub step: Option<Step>,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
/// What the window is sent about a job: always cumulative (`docs/architecture.md`, `JobSnapshot`).
pub struct JobSnapshot {
    pub job_id: String,
    pub update_id: Option<String>,
    pub sov_id: Option<String>,
    pub phase: Phase,
    pub steps: Vec<StepView>,
    pub overall_progress: f64,
    pub elapsed_ms: u64,
    pub stalled: bool,
    pub processing: Option<ProcessingView>,
    pub outputs: Vec<SavedOutput>,
    /// The run's own folder that the outputs were saved in (the window's "Open folder"); `None` before the first.
    pub output_folder: Option<PathBuf>,
    /// Set when the update finished but SOV Fixer did not apply every row: the window must not say plain "Done".
    pub rows_not_applied: Option<RowsNotApplied>,
    /// What the update changed, checked against SOV Fixer's new data after the outputs were saved: set by one
    /// last snapshot once the check is done (`None` before, and when it could not be made).
    pub changes: Option<UpdateChanges>,
    pub error: Option<ErrorView>,
}

/// How the change report is described among a job's files ("Your new files", Recent updates).
pub const CHANGE_REPORT_DESCRIPTION: &str = "Change report";

/// The finished job's checked changes, and their report listed among its files, opened like the others.
pub(crate) fn add_changes(view: &mut JobSnapshot, changes: UpdateChanges) {
    if let Some(report) = &changes.report {
        if !view.outputs.iter().any(|output| &output.path == report) {
            // Only the size shows; a report that cannot be hashed is still listed.
            let (size, sha256) = sov_jobs::hash_file(report).unwrap_or_default();
            view.outputs.push(SavedOutput {
                filename: file_name(report),
                description: Some(CHANGE_REPORT_DESCRIPTION.to_owned()),
                path: report.clone(),
                size,
                sha256,
                url: String::new(),
            });
        }
    }
    view.changes = Some(changes);
}

pub(crate) fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}

/// The order steps happen in; a step before the current one is done.
const ORDER: [(&str, Phase); 7] = [
    ("validate", Phase::Validating),
    ("initiate", Phase::Initiating),
    ("upload", Phase::Uploading),
    ("start", Phase::Starting),
    ("queue", Phase::Queued),
    ("processing", Phase::Processing),
    ("download", Phase::Downloading),
];

/// Share of the overall bar each step stands for; processing dominates on a real server.
const WEIGHTS: [f64; 7] = [0.02, 0.03, 0.20, 0.03, 0.02, 0.55, 0.15];

fn step_key_of(step: Step) -> &'static str {
    match step {
        Step::Validate => "validate",
        Step::Initiate => "initiate",
        Step::Upload => "upload",
        Step::Start => "start",
        Step::Process => "processing",
        Step::Download => "download",
    }
}

fn position(phase: Phase) -> Option<usize> {
    ORDER.iter().position(|(_, p)| *p == phase)
}

/// A size as people read it: "812 bytes", "45 KB", "3.2 MB".
fn human_size(bytes: u64) -> String {
    match bytes {
        0..=999 => format!("{bytes} bytes"),
        1_000..=999_999 => format!("{:.0} KB", bytes as f64 / 1_000.0),
        1_000_000..=999_999_999 => format!("{:.1} MB", bytes as f64 / 1_000_000.0),
        _ => format!("{:.2} GB", bytes as f64 / 1_000_000_000.0),
    }
}

fn ratio(done: u64, total: u64) -> Option<f64> {
    (total > 0).then(|| (done as f64 / total as f64).clamp(0.0, 1.0))
}

/// Builds the window's view of a job from one engine snapshot.
pub fn from_progress(job_id: &str, file_count: usize, progress: &JobProgress) -> JobSnapshot {
    let failed_key = progress.error.as_ref().map(|e| step_key_of(e.step));
    let current = match progress.phase {
        Phase::Done => ORDER.len(),
        Phase::Failed | Phase::Cancelled => failed_key
            .and_then(|key| ORDER.iter().position(|(k, _)| *k == key))
            .unwrap_or(0),
        phase => position(phase).unwrap_or(0),
    };
    let mut steps = Vec::with_capacity(ORDER.len());
    let mut overall = 0.0;
    for (index, (key, _)) in ORDER.iter().enumerate() {
        let (mut label, step_progress, detail) = describe(key, file_count, progress);
        let status = if index < current {
            StepStatus::Done
        } else if index > current {
            StepStatus::Pending
        } else {
            match progress.phase {
                Phase::Failed => StepStatus::Failed,
                Phase::Cancelled => StepStatus::Skipped,
                _ => StepStatus::Active,
            }
        };
        if status == StepStatus::Done {
            if let Some(finished) = finished_label(key, file_count, progress) {
                label = finished;
            }
        }
        overall += WEIGHTS[index]
            * match status {
                StepStatus::Done => 1.0,
                StepStatus::Active => step_progress.unwrap_or(0.0),
                _ => 0.0,
            };
        steps.push(StepView {
            key,
            label,
            status,
            progress: if status == StepStatus::Done {
                Some(1.0)
            } else {
                step_progress
            },
            detail,
        });
    }
    JobSnapshot {
        job_id: job_id.to_owned(),
        update_id: progress.update_id.clone(),
        sov_id: progress.sov_id.clone(),
        phase: progress.phase,
        steps,
        overall_progress: if progress.phase == Phase::Done {
            1.0
        } else {
            overall.min(0.99)
        },
        elapsed_ms: progress.elapsed_ms,
        stalled: progress.stalled,
        processing: progress.processing.as_ref().map(|p| ProcessingView {
            pct_complete: p.pct_complete,
            health: p.health.clone(),
        }),
        outputs: progress.outputs.clone(),
        output_folder: progress
            .outputs
            .first()
            .and_then(|output| output.path.parent())
            .map(Path::to_path_buf),
        rows_not_applied: progress.rows_not_applied.clone(),
        changes: None,
        error: progress.error.as_ref().map(|e| ErrorView {
            error: e.error.to_app_error(),
            step: Some(e.step),
        }),
    }
}

/// What a finished step says, where "Uploading …" would read wrong once it is over.
fn finished_label(key: &str, file_count: usize, progress: &JobProgress) -> Option<String> {
    match key {
        "upload" => Some(match (file_count, &progress.upload) {
            (1, Some(u)) => format!("Uploaded {}", u.file_name),
            (1, None) => "Uploaded your corrections".to_owned(),
            (n, _) => format!("Uploaded your corrections ({n} files)"),
        }),
        "processing" => Some("Processed on the server".to_owned()),
        "download" => Some(match progress.outputs.len() {
            1 => "Downloaded 1 result file".to_owned(),
            n => format!("Downloaded {n} result files"),
        }),
        _ => None,
    }
}

/// Label, progress (0..1) and detail line of one step, in the words the window uses.
fn describe(
    key: &str,
    file_count: usize,
    progress: &JobProgress,
) -> (String, Option<f64>, Option<String>) {
    match key {
        "validate" => ("Checking your files".into(), None, None),
        "initiate" => (
            "Creating the update job".into(),
            None,
            progress.update_id.clone(),
        ),
        "upload" => match &progress.upload {
            Some(u) => (
                format!(
                    "Uploading {} ({} of {})",
                    u.file_name, u.file_index, u.file_count
                ),
                ratio(u.bytes_sent, u.bytes_total),
                Some(format!(
                    "{} of {}",
                    human_size(u.bytes_sent),
                    human_size(u.bytes_total)
                )),
            ),
            None if file_count == 1 => ("Uploading your corrections".into(), None, None),
            None => (
                format!("Uploading your corrections ({file_count} files)"),
                None,
                None,
            ),
        },
        "start" => ("Starting the update".into(), None, None),
        "queue" => ("Waiting in the server's queue".into(), None, None),
        "processing" => {
            let pct = progress.processing.as_ref().and_then(|p| p.pct_complete);
            let label = match pct {
                Some(pct) => format!("Processing on the server ({pct:.0} %)"),
                None => "Processing on the server".into(),
            };
            // The window shows the server's health text under this step itself (from `processing`).
            (label, pct.map(|p| (p / 100.0).clamp(0.0, 1.0)), None)
        }
        _ => match &progress.download {
            Some(d) => (
                format!(
                    "Downloading results ({} of {})",
                    d.output_index, d.output_count
                ),
                Some(
                    ((d.output_index.saturating_sub(1)) as f64
                        + d.bytes_total
                            .and_then(|t| ratio(d.bytes_received, t))
                            .unwrap_or(0.0))
                        / d.output_count.max(1) as f64,
                ),
                Some(d.filename.clone()),
            ),
            None => ("Downloading results".into(), None, None),
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use sov_update::engine::{ProcessingProgress, UploadProgress};

    fn progress(phase: Phase) -> JobProgress {
        JobProgress {
            phase,
            sov_id: Some("s-a".into()),
            update_id: Some("s-a-r001".into()),
            elapsed_ms: 1,
            upload: None,
            processing: None,
            stalled: false,
            download: None,
            listed_outputs: None,
            outputs: Vec::new(),
            rows_not_applied: None,
            error: None,
        }
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(812), "812 bytes");
        assert_eq!(human_size(45_200), "45 KB");
        assert_eq!(human_size(3_240_000), "3.2 MB");
    }

    #[test]
    fn steps_before_the_current_one_are_done_and_say_so_in_the_past() {
        let mut p = progress(Phase::Processing);
        p.upload = Some(UploadProgress {
            file_index: 1,
            file_count: 1,
            file_name: "fix.csv".into(),
            file_bytes_sent: 10,
            file_bytes_total: 10,
            bytes_sent: 10,
            bytes_total: 10,
        });
        p.processing = Some(ProcessingProgress {
            status: "IN_PROGRESS".into(),
            pct_complete: Some(40.0),
            health: Some("Geocoding.".into()),
        });
        let view = from_progress("j", 1, &p);
        let upload = view.steps.iter().find(|s| s.key == "upload").unwrap();
        assert_eq!(upload.status, StepStatus::Done);
        assert_eq!(upload.label, "Uploaded fix.csv");
        let processing = view.steps.iter().find(|s| s.key == "processing").unwrap();
        assert_eq!(processing.status, StepStatus::Active);
        assert_eq!(processing.progress, Some(0.4));
        assert_eq!(
            processing.detail, None,
            "the health text is shown once, from `processing`"
        );
        assert!(view.overall_progress > 0.3 && view.overall_progress < 0.99);
    }

    #[test]
    fn a_failure_marks_its_own_step_and_leaves_the_later_ones_pending() {
        let mut p = progress(Phase::Failed);
        p.error = Some(sov_update::JobError {
            step: Step::Start,
            error: sov_update::UpdateError::cancelled(),
            update_id: Some("s-a-r001".into()),
        });
        let view = from_progress("j", 1, &p);
        let statuses: Vec<_> = view.steps.iter().map(|s| (s.key, s.status)).collect();
        assert_eq!(statuses[3], ("start", StepStatus::Failed));
        assert_eq!(statuses[2].1, StepStatus::Done);
        assert_eq!(statuses[4].1, StepStatus::Pending);
        assert_eq!(view.error.unwrap().error.code, sov_error::Code::Cancelled);
    }
}
