//! The "Recent updates" view of the job history: store records in the words and shapes the window shows.

use crate::state::AppState;
use crate::AppResult;
use schemars::JsonSchema;
use serde::Serialize;
use sov_error::{AppError, Code};
use sov_history::{
    InputFile, JobDetail, JobStatus, JobSummary, Page, ResumePoint, Transition, TransitionKind,
};
use std::path::PathBuf;

const RECENT_LIMIT: usize = 100;

/// A job's status as Recent updates shows it.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HistoryStatus {
    Running,
    Done,
    Failed,
    Cancelled,
    /// Was running when the app stopped, and is not running now.
    Interrupted,
}

/// What a recorded step says happened.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HistoryStepStatus {
    Done,
    Failed,
    Cancelled,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct HistoryEntry {
    pub id: String,
    pub update_id: Option<String>,
    pub sov_id: String,
    pub environment: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: HistoryStatus,
    pub files: Vec<String>,
    pub formats: Vec<String>,
    /// Set for a finished job in which SOV Fixer did not apply every row: never shown as a plain "Done".
    pub rows_not_applied: Option<HistoryRowsNotApplied>,
    /// What the update changed, checked against SOV Fixer's new data; kept even when the report was moved.
    pub changes: Option<HistoryChanges>,
}

/// What a finished update changed: the revisions compared, the counts, the report saved beside the outputs.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct HistoryChanges {
    pub from_revision: i64,
    pub to_revision: i64,
    pub confirmed: u64,
    /// Requested values SOV Fixer's new data does not hold: never shown as a plain "Done".
    pub not_applied: u64,
    /// Values SOV Fixer changed on its own.
    pub derived: u64,
    pub untouched_buildings: u64,
    pub summary: String,
    /// The change report as saved; `report_exists` says whether it is still there.
    pub report_path: Option<PathBuf>,
    pub report_exists: bool,
}

fn changes_view(changes: &Option<sov_history::ChangeRecord>) -> Option<HistoryChanges> {
    changes.as_ref().map(|changes| HistoryChanges {
        from_revision: changes.from_revision,
        to_revision: changes.to_revision,
        confirmed: changes.confirmed,
        not_applied: changes.not_applied,
        derived: changes.derived,
        untouched_buildings: changes.untouched_buildings,
        summary: changes.summary.clone(),
        report_path: changes.report_path.clone(),
        report_exists: changes
            .report_path
            .as_ref()
            .is_some_and(|path| path.is_file()),
    })
}

/// The rows SOV Fixer did not apply in a finished job, as it named them.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct HistoryRowsNotApplied {
    pub count: u64,
    /// Possibly fewer than `count`: the server may name only the first few.
    pub named: Vec<String>,
    pub server_message: String,
}

fn rows_view(rows: &Option<sov_history::RowsNotApplied>) -> Option<HistoryRowsNotApplied> {
    rows.as_ref().map(|rows| HistoryRowsNotApplied {
        count: rows.count,
        named: rows.named.clone(),
        server_message: rows.server_message.clone(),
    })
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct HistoryStep {
    pub label: String,
    pub status: HistoryStepStatus,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct HistoryOutput {
    pub filename: String,
    pub description: String,
    pub path: PathBuf,
    pub size: u64,
    /// False when the file was moved or deleted since: the window then offers "Download again".
    pub exists: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct HistoryDetail {
    #[serde(flatten)]
    pub entry: HistoryEntry,
    pub steps: Vec<HistoryStep>,
    /// Newest first: a file fetched again by "Download again" comes before the copy it replaces; the change report
    /// (description "Change report"), made once the outputs were saved, first of all.
    pub outputs: Vec<HistoryOutput>,
    /// The folder the update's files were saved in (its own folder since per-run folders); `None` when no file was.
    pub output_folder: Option<PathBuf>,
    pub error: Option<AppError>,
}

/// RFC 3339 in UTC, which the window formats in the user's own time zone.
fn rfc3339(at_ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at_ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

fn status_word(status: JobStatus, running_now: bool) -> HistoryStatus {
    match status {
        JobStatus::Finished => HistoryStatus::Done,
        JobStatus::Failed => HistoryStatus::Failed,
        JobStatus::Cancelled => HistoryStatus::Cancelled,
        JobStatus::Running if running_now => HistoryStatus::Running,
        JobStatus::Running => HistoryStatus::Interrupted,
    }
}

fn entry(summary: &JobSummary, running_now: bool) -> HistoryEntry {
    HistoryEntry {
        id: summary.job_id.clone(),
        update_id: summary.update_id.clone(),
        sov_id: summary.sov_id.clone(),
        environment: summary.environment_name.clone(),
        started_at: rfc3339(summary.created_at_ms),
        finished_at: None,
        status: status_word(summary.status, running_now),
        files: summary.file_names.clone(),
        formats: summary.output_formats.clone(),
        rows_not_applied: rows_view(&summary.rows_not_applied),
        changes: changes_view(&summary.changes),
    }
}

fn file_name(files: &[InputFile], index: usize) -> String {
    files
        .get(index)
        .map(|f| f.name.clone())
        .unwrap_or_else(|| format!("file {}", index + 1))
}

/// A plain-language line for one recorded step.
fn step_label(kind: &TransitionKind, files: &[InputFile]) -> String {
    match kind {
        TransitionKind::Created => "Update prepared".into(),
        TransitionKind::Validating => "Checked the files".into(),
        TransitionKind::InitiateSent => "Asked the server to create the update job".into(),
        TransitionKind::InitiateAcknowledged { update_id } => {
            format!("Update job created ({update_id})")
        }
        TransitionKind::UploadStarted { file_index } => {
            format!("Uploading {}", file_name(files, *file_index))
        }
        TransitionKind::UploadAcknowledged { file_index } => {
            format!("Uploaded {}", file_name(files, *file_index))
        }
        TransitionKind::StartSent => "Asked the server to start".into(),
        TransitionKind::StartAcknowledged => "Update started".into(),
        TransitionKind::Processing => "Processing on the server".into(),
        TransitionKind::DownloadsPlanned { filenames } => {
            format!("{} result file(s) ready", filenames.len())
        }
        TransitionKind::DownloadStarted { filename } => format!("Downloading {filename}"),
        TransitionKind::OutputSaved { filename } => format!("Saved {filename}"),
        TransitionKind::Finished => "Finished".into(),
        TransitionKind::Failed => "Failed".into(),
        TransitionKind::Cancelled => "Cancelled".into(),
    }
}

fn steps(transitions: &[Transition], files: &[InputFile]) -> Vec<HistoryStep> {
    let mut steps: Vec<HistoryStep> = Vec::new();
    for transition in transitions {
        let status = match transition.kind {
            TransitionKind::Failed => HistoryStepStatus::Failed,
            TransitionKind::Cancelled => HistoryStepStatus::Cancelled,
            _ => HistoryStepStatus::Done,
        };
        let label = step_label(&transition.kind, files);
        // Polls repeat "Processing" many times; one line says it.
        if steps.last().is_some_and(|last| last.label == label) {
            continue;
        }
        steps.push(HistoryStep {
            label,
            status,
            at: rfc3339(transition.at_ms),
        });
    }
    steps
}

fn detail(job: &JobDetail, running_now: bool) -> HistoryDetail {
    let finished_at = matches!(
        job.status,
        JobStatus::Finished | JobStatus::Failed | JobStatus::Cancelled
    )
    .then(|| job.transitions.last().map(|t| rfc3339(t.at_ms)))
    .flatten();
    HistoryDetail {
        entry: HistoryEntry {
            id: job.job_id.clone(),
            update_id: job.update_id.clone(),
            sov_id: job.sov_id.clone(),
            environment: job.environment_name.clone(),
            started_at: rfc3339(job.created_at_ms),
            finished_at,
            status: status_word(job.status, running_now),
            files: job.input_files.iter().map(|f| f.name.clone()).collect(),
            formats: job.output_formats.clone(),
            rows_not_applied: rows_view(&job.rows_not_applied),
            changes: changes_view(&job.changes),
        },
        steps: steps(&job.transitions, &job.input_files),
        outputs: change_report(job)
            .into_iter()
            .chain(
                job.outputs
                    .iter()
                    .map(|o| HistoryOutput {
                        filename: o.filename.clone(),
                        description: o.description.clone(),
                        path: o.local_path.clone(),
                        size: o.size,
                        exists: o.local_path.is_file(),
                    })
                    .rev(),
            )
            .collect(),
        output_folder: (!job.outputs.is_empty()).then(|| job.download_dir.clone()),
        error: job
            .last_error
            .clone()
            .or_else(|| interruption(job, running_now)),
    }
}

/// The change report among the job's files, made after its outputs so listed first (newest first); a moved one is
/// listed as no longer there, as a moved output is.
fn change_report(job: &JobDetail) -> Option<HistoryOutput> {
    let path = job.changes.as_ref()?.report_path.clone()?;
    let size = std::fs::metadata(&path).map_or(0, |meta| meta.len());
    Some(HistoryOutput {
        filename: crate::snapshot::file_name(&path),
        description: crate::snapshot::CHANGE_REPORT_DESCRIPTION.to_owned(),
        exists: path.is_file(),
        path,
        size,
    })
}

/// A job a stopped app left running, not yet picked up again: say honestly where it stopped and whether the
/// server can have received it (the store's own words), so the user knows what Retry will do.
fn interruption(job: &JobDetail, running_now: bool) -> Option<AppError> {
    (job.status == JobStatus::Running && !running_now).then(|| {
        AppError::new(
            Code::Interrupted,
            interruption_message(&job.environment_name, &job.resume_point()),
            "",
        )
    })
}

/// The demo's practice server runs inside the app and stops with it, forgetting its updates: nothing is "checked
/// on again" there. Say what really happened and what Retry does (sends the same files again as a new update).
fn interruption_message(environment_name: &str, point: &ResumePoint) -> String {
    let reached_server = !matches!(
        point,
        ResumePoint::NotStarted
            | ResumePoint::UploadInterrupted {
                may_have_reached_server: false,
                ..
            }
    );
    if environment_name == sov_jobs::Target::Demo.name() && reached_server {
        "This demo update stopped when SOV Updater closed: the demo's practice server stops with the app and \
         forgets its updates. Retry sends the same files to the practice server again as a new update."
            .to_owned()
    } else {
        point.user_message()
    }
}

fn no_history() -> AppError {
    AppError::file(
        "The history of your updates could not be opened, so it cannot be shown. Your updates still run and their files are saved as usual.",
        "",
    )
}

impl AppState {
    /// "Recent updates": the job history, newest first. Jobs of this session's runner count as running.
    pub fn list_history(&self) -> AppResult<Vec<HistoryEntry>> {
        let history = self.history().ok_or_else(no_history)?;
        let listing = history.store.list_recent(Page::first(RECENT_LIMIT))?;
        Ok(listing
            .items
            .iter()
            .map(|summary| entry(summary, history.runner.is_running(&summary.job_id)))
            .collect())
    }

    pub fn get_history(&self, id: &str) -> AppResult<HistoryDetail> {
        let history = self.history().ok_or_else(no_history)?;
        let job = history.store.get_job(id)?;
        Ok(detail(&job, history.runner.is_running(id)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn transition(seq: i64, kind: TransitionKind) -> Transition {
        Transition {
            seq,
            kind,
            detail: String::new(),
            at_ms: 1_780_000_000_000 + seq * 1000,
        }
    }

    #[test]
    fn an_interrupted_demo_update_says_the_practice_server_stopped_and_what_retry_does() {
        let demo = interruption_message("demo", &ResumePoint::Processing);
        assert!(
            demo.contains("practice server stops with the app"),
            "{demo}"
        );
        assert!(demo.contains("as a new update"), "{demo}");
        assert!(!demo.contains("checking on it again"));
        let server = interruption_message("prod", &ResumePoint::Processing);
        assert_eq!(server, ResumePoint::Processing.user_message());
        // Before anything reached the server, the plain truth holds for the demo too.
        assert_eq!(
            interruption_message("demo", &ResumePoint::NotStarted),
            ResumePoint::NotStarted.user_message()
        );
    }

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn a_job_left_running_by_an_earlier_run_reads_as_interrupted() {
        assert_eq!(
            status_word(JobStatus::Running, false),
            HistoryStatus::Interrupted
        );
        assert_eq!(
            status_word(JobStatus::Running, true),
            HistoryStatus::Running
        );
        assert_eq!(status_word(JobStatus::Finished, false), HistoryStatus::Done);
    }

    #[test]
    fn repeated_polls_collapse_into_one_step_and_files_are_named() {
        let files = vec![InputFile {
            name: "fix.csv".into(),
            path: "/x/fix.csv".into(),
            size: 1,
            sha256: String::new(),
            sheet: None,
            header_row: None,
        }];
        let transitions = vec![
            transition(1, TransitionKind::Created),
            transition(2, TransitionKind::UploadStarted { file_index: 0 }),
            transition(3, TransitionKind::Processing),
            transition(4, TransitionKind::Processing),
            transition(5, TransitionKind::Failed),
        ];
        let steps = steps(&transitions, &files);
        let labels: Vec<_> = steps.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Update prepared",
                "Uploading fix.csv",
                "Processing on the server",
                "Failed"
            ]
        );
        assert_eq!(steps[3].status, HistoryStepStatus::Failed);
    }
}
