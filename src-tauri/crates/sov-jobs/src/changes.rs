//! A finished job checked against SOV Fixer's new data (`sov-changes`), the result kept in the history. Every way
//! a job can finish goes through here: a new job, one resumed after a restart, a retry that went on under its id,
//! and "Download again"; each ends with the same summary and one report, revisions read from the cache.

use std::path::PathBuf;
use std::sync::Arc;

use sov_changes::{compare_update, server_cache_dir, FinishedUpdate};
use sov_error::AppError;
use sov_history::{ChangeRecord, HistoryStore, InputFile, JobDetail};
use sov_preflight::{plan_upload, CheckOptions};
use sov_update::read::CurrentDataSource;
use sov_update::{JobOutcome, JobSpec, PollConfig, SavedOutput, SovFixerClient, UpdateChanges};
use tokio_util::sync::CancellationToken;

use crate::inputs::changed_inputs;
use crate::request::spec_from_detail;

pub(crate) struct ChangeCheck {
    pub client: SovFixerClient,
    pub cache_dir: PathBuf,
    pub poll: PollConfig,
    pub store: Arc<HistoryStore>,
    pub job_id: String,
    pub spec: JobSpec,
    pub cancel: CancellationToken,
    /// A recorded job's story: its input files as sent (checked unchanged before they are read again) and what
    /// an earlier check recorded (its report is kept, not made twice). `None` for a new job.
    pub recorded: Option<Recorded>,
}

pub(crate) struct Recorded {
    inputs: Vec<InputFile>,
    changes: Option<ChangeRecord>,
}

impl ChangeCheck {
    /// The check for a job picked up from its record (resumed, retried under its id, downloaded again).
    pub fn for_recorded(
        client: SovFixerClient,
        cache_dir: PathBuf,
        poll: PollConfig,
        store: Arc<HistoryStore>,
        detail: &JobDetail,
        cancel: CancellationToken,
    ) -> Self {
        Self {
            client,
            cache_dir,
            poll,
            store,
            job_id: detail.job_id.clone(),
            spec: spec_from_detail(detail),
            cancel,
            recorded: Some(Recorded {
                inputs: detail.input_files.clone(),
                changes: detail.changes.clone(),
            }),
        }
    }

    /// The counts, also recorded in the history; `None` when the check could not be made (the update itself
    /// succeeded and its outputs are saved; `sov-update diff` compares later). A job checked before keeps what
    /// was recorded when it cannot be checked again.
    pub async fn run(self, outcome: &JobOutcome) -> Option<UpdateChanges> {
        let earlier = self
            .recorded
            .as_ref()
            .and_then(|recorded| recorded.changes.as_ref())
            .map(from_record);
        match self.compare(outcome).await {
            Ok(Some(changes)) => {
                let record = ChangeRecord {
                    from_revision: changes.from_revision,
                    to_revision: changes.to_revision,
                    confirmed: changes.confirmed,
                    not_applied: changes.not_applied,
                    derived: changes.derived,
                    untouched_buildings: changes.untouched_buildings,
                    summary: changes.summary.clone(),
                    report_path: changes.report.clone(),
                };
                if let Err(error) = self.store.record_changes(&self.job_id, &record) {
                    tracing::warn!(job_id = %self.job_id, %error, "what the job changed was not recorded");
                }
                Some(changes)
            }
            Ok(None) => earlier,
            Err(error) => {
                tracing::warn!(job_id = %self.job_id, code = %error.code.as_str(), detail = %error.detail,
                    "the job's changes were not checked");
                earlier
            }
        }
    }

    /// `Ok(None)`: a recorded job's input files changed since they were sent, so what was asked cannot be read.
    async fn compare(&self, outcome: &JobOutcome) -> Result<Option<UpdateChanges>, AppError> {
        if let Some(recorded) = &self.recorded {
            let inputs = recorded.inputs.clone();
            let changed = tokio::task::spawn_blocking(move || changed_inputs(&inputs))
                .await
                .map_err(AppError::internal)?;
            if !changed.is_empty() {
                tracing::info!(job_id = %self.job_id, files = changed.len(),
                    "input files changed since they were sent: the changes are not checked again");
                return Ok(None);
            }
        }
        // A report an earlier check saved, still in place, is kept: no second copy beside it.
        let kept_report = self
            .recorded
            .as_ref()
            .and_then(|recorded| recorded.changes.as_ref())
            .and_then(|changes| changes.report_path.clone())
            .filter(|path| path.is_file());
        let update = FinishedUpdate {
            sov_id: self.spec.sov_id.trim().to_owned(),
            update_id: outcome.update_id.clone(),
            plans: self.plans().await?,
            saved_outputs: self.saved_outputs(outcome),
            output_formats: self.spec.start.output_formats.clone(),
            insured_name: self
                .spec
                .start
                .extra_data
                .get("insured_name")
                .and_then(|name| name.as_str())
                .map(str::to_owned),
            report_folder: kept_report
                .is_none()
                .then(|| self.spec.download_dir.clone()),
        };
        let source = CurrentDataSource::new(
            self.client.clone(),
            server_cache_dir(&self.cache_dir, self.client.api_base()),
            self.poll.clone(),
        );
        let comparison = compare_update(&source, &update, &self.cancel).await?;
        let mut changes = comparison.update_changes();
        if kept_report.is_some() {
            changes.report = kept_report;
        }
        Ok(Some(changes))
    }

    /// The plans of the files as sent: the caller's, else made again with the job's own sheet, header row and
    /// column choices (one more read, after the update), so the requests carry the attribute names sent.
    async fn plans(&self) -> Result<Vec<Arc<sov_preflight::UploadPlan>>, AppError> {
        if let Some(plans) = &self.spec.upload_plans {
            if plans.len() == self.spec.files.len() {
                return Ok(plans.clone());
            }
        }
        let files = self.spec.files.clone();
        let options = CheckOptions {
            sheet_for: self.spec.sheets.clone(),
            header_row_for: self.spec.header_rows.clone(),
            mapping: self.spec.mapping.clone(),
            ..CheckOptions::default()
        };
        let batch = self.spec.rows_per_batch;
        tokio::task::spawn_blocking(move || {
            files
                .iter()
                .map(|path| {
                    plan_upload(path, &options, batch)
                        .map(Arc::new)
                        .map_err(|error| {
                            AppError::file(
                                format!("{} could not be read again.", path.display()),
                                error,
                            )
                        })
                })
                .collect::<Result<Vec<_>, AppError>>()
        })
        .await
        .map_err(AppError::internal)?
    }

    /// The outputs on disk: this run's, then those an earlier run of the job saved (a resumed job skips them), so
    /// a JSON output saved before an interruption is read instead of downloading its revision.
    fn saved_outputs(&self, outcome: &JobOutcome) -> Vec<SavedOutput> {
        let mut saved = outcome.outputs.clone();
        if self.recorded.is_some() {
            if let Ok(detail) = self.store.get_job(&self.job_id) {
                saved.extend(
                    detail
                        .outputs
                        .into_iter()
                        .filter(|output| {
                            std::fs::metadata(&output.local_path)
                                .is_ok_and(|meta| meta.len() == output.size)
                        })
                        .map(|output| SavedOutput {
                            filename: output.filename,
                            description: Some(output.description),
                            path: output.local_path,
                            size: output.size,
                            sha256: output.sha256,
                            url: output.url,
                        }),
                );
            }
        }
        saved
    }
}

/// What an earlier check recorded, as a job's outcome carries it (the history keeps the counts, not each
/// sentence).
fn from_record(record: &ChangeRecord) -> UpdateChanges {
    UpdateChanges {
        from_revision: record.from_revision,
        to_revision: record.to_revision,
        confirmed: record.confirmed,
        not_applied: record.not_applied,
        derived: record.derived,
        untouched_buildings: record.untouched_buildings,
        summary: record.summary.clone(),
        not_applied_changes: Vec::new(),
        report: record.report_path.clone().filter(|path| path.is_file()),
    }
}
