//! A finished job checked against SOV Fixer's new data (`sov-changes`), the result kept in the history.

use std::path::PathBuf;
use std::sync::Arc;

use sov_changes::{compare_update, server_cache_dir, FinishedUpdate};
use sov_error::AppError;
use sov_history::{ChangeRecord, HistoryStore};
use sov_preflight::{plan_upload, CheckOptions};
use sov_update::read::CurrentDataSource;
use sov_update::{JobOutcome, JobSpec, PollConfig, SovFixerClient, UpdateChanges};
use tokio_util::sync::CancellationToken;

pub(crate) struct ChangeCheck {
    pub client: SovFixerClient,
    pub cache_dir: PathBuf,
    pub poll: PollConfig,
    pub store: Arc<HistoryStore>,
    pub job_id: String,
    pub spec: JobSpec,
    pub cancel: CancellationToken,
}

impl ChangeCheck {
    /// The counts, also recorded in the history; `None` when the check could not be made (the update itself
    /// succeeded and its outputs are saved; `sov-update diff` compares later).
    pub async fn run(self, outcome: &JobOutcome) -> Option<UpdateChanges> {
        match self.compare(outcome).await {
            Ok(changes) => {
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
            Err(error) => {
                tracing::warn!(job_id = %self.job_id, code = %error.code.as_str(), detail = %error.detail,
                    "the job's changes were not checked");
                None
            }
        }
    }

    async fn compare(&self, outcome: &JobOutcome) -> Result<UpdateChanges, AppError> {
        let plans = match self.spec.upload_plans.clone() {
            Some(plans) if plans.len() == self.spec.files.len() => plans,
            _ => {
                // The engine planned the files itself: plan them again (one more read, after the update).
                let files = self.spec.files.clone();
                let options = CheckOptions {
                    sheet_for: self.spec.sheets.clone(),
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
                .map_err(AppError::internal)??
            }
        };
        let update = FinishedUpdate {
            sov_id: self.spec.sov_id.trim().to_owned(),
            update_id: outcome.update_id.clone(),
            plans,
            saved_outputs: outcome.outputs.clone(),
            output_formats: self.spec.start.output_formats.clone(),
            report_folder: Some(self.spec.download_dir.clone()),
        };
        let source = CurrentDataSource::new(
            self.client.clone(),
            server_cache_dir(&self.cache_dir, self.client.api_base()),
            self.poll.clone(),
        );
        let comparison = compare_update(&source, &update, &self.cancel).await?;
        Ok(comparison.update_changes())
    }
}
