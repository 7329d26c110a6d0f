//! Start, watch, cancel, retry and re-download update jobs. Every job runs through the app's one
//! `sov_jobs::JobRunner`, so it is recorded in the history as it happens and survives a restart; the window
//! follows it through the hub.

use crate::changes_upload::{add_workbook_columns, StaleDecision};
use crate::host::{Host, JobSubscriber};
use crate::hub::FollowedJob;
use crate::mapping::FileChoices;
use crate::notify::announce_end;
use crate::settings::default_download_dir;
use crate::snapshot::JobSnapshot;
use crate::state::{AppState, History};
use crate::AppResult;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sov_error::AppError;
use sov_jobs::{JobEvents, JobResult, JobsError, RunningJob};
use sov_preflight::FileStamp;
use sov_update::download::{create_run_folder, local_now};
use sov_update::engine::{JobProgress, JobSpec, Step};
use sov_update::{StartRequest, UpdateType};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the window asks for when the user presses Start.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JobRequest {
    pub sov_id: String,
    #[serde(default)]
    pub update_type: Option<String>,
    #[serde(default)]
    pub client_ref: Option<String>,
    #[serde(default)]
    pub callback_url: Option<String>,
    pub files: Vec<PathBuf>,
    #[serde(default)]
    pub output_formats: Vec<String>,
    #[serde(default)]
    pub extra_data: Map<String, Value>,
    #[serde(default)]
    pub download_dir: Option<PathBuf>,
    #[serde(default)]
    pub override_preflight: bool,
    /// "Send the file exactly as it is": our workbook goes whole instead of only its changes.
    #[serde(default)]
    pub send_as_is: bool,
    /// For each cell changed both in the workbook and on SOV Fixer since: the value to keep.
    #[serde(default)]
    pub stale_choices: Vec<StaleDecision>,
    /// The sheet, header row and column choices made in step 3, as the file check was given them.
    #[serde(flatten)]
    pub choices: FileChoices,
    /// Each file's size and change time when the window last checked it; a file that differs now
    /// is checked again before anything is sent (`recheck.rs`). A file not named here is not compared.
    #[serde(default)]
    pub checked: BTreeMap<PathBuf, FileStamp>,
}

#[derive(Debug, Serialize)]
pub struct JobStarted {
    pub job_id: String,
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value
        .as_ref()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

impl JobRequest {
    fn validate(&self) -> AppResult<()> {
        if self.sov_id.trim().is_empty() {
            return Err(AppError::invalid_input(
                "Enter the SOV ID of the SOV you want to update.",
            ));
        }
        if self.files.is_empty() {
            return Err(AppError::invalid_input(
                "Add at least one corrections file.",
            ));
        }
        if self.output_formats.is_empty() {
            return Err(AppError::invalid_input("Tick at least one output format."));
        }
        Ok(())
    }

    /// What a run's folder is named after: the insured, as the underwriter typed it, else the SOV.
    pub fn run_label(&self) -> String {
        self.extra_data
            .get("insured_name")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| self.sov_id.trim())
            .to_owned()
    }

    fn spec(&self, download_dir: PathBuf) -> AppResult<JobSpec> {
        let mapping = self.choices.column_mapping()?;
        // Empty optional fields from the form are left out rather than sent as "".
        let extra_data = self
            .extra_data
            .iter()
            .filter(|(_, v)| !matches!(v, Value::String(s) if s.trim().is_empty()) && !v.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(JobSpec {
            sov_id: self.sov_id.trim().to_owned(),
            files: self.files.clone(),
            update_type: non_empty(&self.update_type).map(|t| UpdateType::parse(&t)),
            client_ref: non_empty(&self.client_ref),
            callback_url: non_empty(&self.callback_url),
            start: StartRequest {
                extra_data,
                output_formats: self.output_formats.clone(),
                ..StartRequest::default()
            },
            download_dir,
            override_preflight: self.override_preflight,
            sheets: self.choices.sheets.clone(),
            header_rows: self.choices.header_rows.clone(),
            mapping,
            ..JobSpec::default()
        })
    }
}

fn no_history() -> AppError {
    AppError::file(
        "SOV Updater cannot record updates on this computer (its data folder cannot be written), so it will not start one it could lose. Check that your user folder is not full, then restart SOV Updater.",
        "",
    )
}

fn busy() -> AppError {
    AppError::invalid_input(
        "An update is already running. Wait for it to finish, or cancel it, before starting another.",
    )
}

/// What a launch asks the runner for.
enum Work {
    Start(Box<JobSpec>),
    Retry(String),
    Redownload(String),
}

impl AppState {
    /// Start: checks the request, remembers the SOV, formats and folder, and runs the job.
    pub async fn start_job(
        self: &Arc<Self>,
        host: Arc<dyn Host>,
        request: JobRequest,
        subscriber: Box<dyn JobSubscriber>,
    ) -> AppResult<JobStarted> {
        request.validate()?;
        self.recheck_changed_files(&request).await?;
        let mut request = request;
        // Our workbook's plain headers are its attributes; then only its changes are sent, unless asked.
        let given = self.given_files(&request.files).await?;
        add_workbook_columns(&given, &mut request.choices.mapping);
        if !request.send_as_is {
            request.files = self.changes_to_send(&request, &given).await?;
        }
        let download_dir = request
            .download_dir
            .clone()
            .or_else(|| self.prefs().download_dir.clone())
            .unwrap_or_else(default_download_dir);
        // Column choices are checked before a folder is made, so a refused request leaves nothing behind.
        let mut spec = request.spec(download_dir.clone())?;
        // Each run's files go into a new folder of their own, named after the insured (or the SOV) and the time.
        let run_folder = create_run_folder(&download_dir, &request.run_label(), local_now())
            .map_err(|error| {
                AppError::file(
                    format!(
                        "A folder for the new files cannot be made in “{}”. Choose another folder in step 4.",
                        download_dir.display()
                    ),
                    error,
                )
            })?;
        // Remembering is a convenience: failing to save it must not stop the update.
        let _ = self.update_prefs(|prefs| {
            prefs.remember_sov_id(request.sov_id.trim());
            prefs.last_formats = request.output_formats.clone();
            prefs.download_dir = Some(download_dir.clone());
        });
        let file_count = request.files.len();
        spec.download_dir = run_folder;
        let work = Work::Start(Box::new(spec));
        self.launch(host, work, file_count, subscriber).await
    }

    /// Retry of a failed, cancelled or interrupted job, from this session or from Recent updates alike:
    /// `sov_jobs::decide` says whether it goes on under its id or is sent again as a new job.
    pub async fn retry_job(
        self: &Arc<Self>,
        host: Arc<dyn Host>,
        job_id: &str,
        subscriber: Box<dyn JobSubscriber>,
    ) -> AppResult<JobStarted> {
        let history = self.history().ok_or_else(no_history)?;
        let file_count = history.store.get_job(job_id)?.input_files.len();
        self.launch(host, Work::Retry(job_id.to_owned()), file_count, subscriber)
            .await
    }

    /// "Download again" for a finished job.
    pub async fn redownload(
        self: &Arc<Self>,
        host: Arc<dyn Host>,
        job_id: &str,
        subscriber: Box<dyn JobSubscriber>,
    ) -> AppResult<JobStarted> {
        self.launch(host, Work::Redownload(job_id.to_owned()), 0, subscriber)
            .await
    }

    /// Re-attach after a reload: the followed job's latest snapshot, and its progress from now on.
    pub fn attach_job(&self, subscriber: Box<dyn JobSubscriber>) -> Option<JobSnapshot> {
        self.hub.attach(subscriber)
    }

    /// Asks a running job (the window's or one resumed at startup) to stop.
    pub fn cancel_job(&self, job_id: &str) -> AppResult<()> {
        let cancelled = self
            .history()
            .is_some_and(|history| history.runner.cancel(job_id));
        if cancelled {
            Ok(())
        } else {
            Err(AppError::invalid_input("That update is no longer running."))
        }
    }

    /// Runs `work` with the connection in use, followed by the window; refuses while the followed job runs.
    async fn launch(
        self: &Arc<Self>,
        host: Arc<dyn Host>,
        work: Work,
        file_count: usize,
        subscriber: Box<dyn JobSubscriber>,
    ) -> AppResult<JobStarted> {
        // A new run's own folder, made by `start_job`: removed again if the run saves nothing into it.
        let run_folder = match &work {
            Work::Start(spec) => Some(spec.download_dir.clone()),
            Work::Retry(_) | Work::Redownload(_) => None,
        };
        let (running, followed) = match self.run_followed(work, file_count, subscriber).await {
            Ok(started) => started,
            Err(error) => {
                remove_if_empty(run_folder.as_deref());
                return Err(error);
            }
        };
        let job_id = running.job_id.clone();
        self.announce_when_done(host, running, run_folder, Some(followed));
        Ok(JobStarted { job_id })
    }

    async fn run_followed(
        self: &Arc<Self>,
        work: Work,
        file_count: usize,
        subscriber: Box<dyn JobSubscriber>,
    ) -> AppResult<(RunningJob, Arc<FollowedJob>)> {
        let connection = self.connection().await?;
        let history = self.history().ok_or_else(no_history)?;
        let followed = self
            .hub
            .follow_new(file_count, subscriber)
            .map_err(|_| busy())?;
        let events = events_to(&followed);
        run(history, &connection, work, events)
            .await
            .map_err(|error| {
                self.hub.forget(&followed);
                error.into()
            })
            .map(|running| (running, followed))
    }

    /// Notifies the user (if they look elsewhere) once `running` ends; first removes `run_folder` if the run ended
    /// without saving anything in it (failed or cancelled before its files), so no empty folder is left to puzzle over.
    /// The window following the job (`followed`) gets its checked changes in one last snapshot.
    pub(crate) fn announce_when_done(
        self: &Arc<Self>,
        host: Arc<dyn Host>,
        running: RunningJob,
        run_folder: Option<PathBuf>,
        followed: Option<Arc<FollowedJob>>,
    ) {
        let state = Arc::clone(self);
        tokio::spawn(async move {
            let outcome = finished(running).await;
            if outcome.is_err() {
                remove_if_empty(run_folder.as_deref());
            }
            if let (Ok(done), Some(followed)) = (&outcome, followed) {
                if let Some(changes) = &done.changes {
                    followed.publish_changes(changes.clone());
                }
            }
            let enabled = state.prefs().notifications;
            announce_end(host.as_ref(), enabled, &outcome);
        });
    }
}

/// `remove_dir` removes only an empty folder, so nothing saved can be lost here; a folder that holds anything stays.
fn remove_if_empty(folder: Option<&Path>) {
    if let Some(folder) = folder {
        let _ = std::fs::remove_dir(folder);
    }
}

async fn run(
    history: &History,
    connection: &sov_jobs::Connection,
    work: Work,
    events: JobEvents,
) -> Result<RunningJob, JobsError> {
    let runner = &history.runner;
    match work {
        Work::Start(spec) => runner.start(connection, *spec, Some(events)).await,
        Work::Redownload(job_id) => runner.redownload(connection, &job_id, Some(events)).await,
        Work::Retry(job_id) => runner
            .retry(connection, &job_id, Some(events))
            .await
            .map(|retried| retried.running),
    }
}

fn events_to(followed: &Arc<FollowedJob>) -> JobEvents {
    let followed = Arc::clone(followed);
    Arc::new(move |job_id: &str, progress: &JobProgress| followed.publish(job_id, progress))
}

/// How the job ended; a task that panicked ends as an internal error.
pub(crate) async fn finished(running: RunningJob) -> JobResult {
    match running.task.await {
        Ok(outcome) => outcome,
        Err(join_error) => Err(sov_update::JobError {
            step: Step::Validate,
            error: sov_update::UpdateError::new(
                sov_update::ErrorKind::Internal,
                join_error.to_string(),
            ),
            update_id: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn blank_optional_fields_are_not_sent() {
        let request: JobRequest = serde_json::from_value(serde_json::json!({
            "sovId": " s-a ", "files": ["/f.csv"], "outputFormats": ["JSON"],
            "extraData": {"insured_name": "Acme", "sov_description": "  ", "inception_date": null},
            "clientRef": " ", "updateType": "SCRUB"
        }))
        .unwrap();
        let spec = request.spec(PathBuf::from("/out")).unwrap();
        assert_eq!(spec.sov_id, "s-a");
        assert_eq!(spec.client_ref, None);
        assert_eq!(spec.update_type, Some(UpdateType::Scrub));
        assert_eq!(spec.start.extra_data.len(), 1);
    }

    #[test]
    fn the_sheet_picked_for_a_workbook_goes_to_the_job() {
        let request: JobRequest = serde_json::from_value(serde_json::json!({
            "sovId": "s-a", "files": ["/book.xlsx", "/f.csv"], "outputFormats": ["JSON"],
            "sheets": {"/book.xlsx": "Corrections"}
        }))
        .unwrap();
        let spec = request.spec(PathBuf::from("/out")).unwrap();
        assert_eq!(
            spec.sheets
                .get(&PathBuf::from("/book.xlsx"))
                .map(String::as_str),
            Some("Corrections")
        );
        assert_eq!(spec.sheets.len(), 1);
    }

    #[test]
    fn the_column_mapping_and_header_row_go_to_the_job() {
        let request: JobRequest = serde_json::from_value(serde_json::json!({
            "sovId": "s-a", "files": ["/friendly.csv"], "outputFormats": ["JSON"],
            "headerRows": {"/friendly.csv": 3},
            "mapping": {"Year Built": "const__bldg_year_built", "Notes": "-"}
        }))
        .unwrap();
        let spec = request.spec(PathBuf::from("/out")).unwrap();
        assert_eq!(
            spec.header_rows.get(&PathBuf::from("/friendly.csv")),
            Some(&3)
        );
        assert_eq!(
            spec.mapping.choice("Year Built"),
            Some(&sov_preflight::ColumnChoice::SendAs(
                "const__bldg_year_built".into()
            ))
        );
        assert_eq!(
            spec.mapping.choice("Notes"),
            Some(&sov_preflight::ColumnChoice::DontSend)
        );
    }

    #[test]
    fn a_column_choice_that_is_not_an_attribute_is_refused_naming_the_column() {
        let request: JobRequest = serde_json::from_value(serde_json::json!({
            "sovId": "s-a", "files": ["/friendly.csv"], "outputFormats": ["JSON"],
            "mapping": {"Year Built": "Year built"}
        }))
        .unwrap();
        let error = request.spec(PathBuf::from("/out")).unwrap_err();
        assert_eq!(error.code, sov_error::Code::InvalidInput);
        assert!(error.message.contains("Year Built"), "{}", error.message);
        assert!(error.message.contains("step 3"), "{}", error.message);
    }

    #[test]
    fn a_request_without_sov_files_or_formats_says_what_is_missing() {
        let request = |value| serde_json::from_value::<JobRequest>(value).unwrap();
        let no_files =
            request(serde_json::json!({"sovId": "s", "files": [], "outputFormats": ["JSON"]}));
        assert!(no_files
            .validate()
            .unwrap_err()
            .message
            .contains("corrections file"));
        let no_formats = request(serde_json::json!({"sovId": "s", "files": ["/x.csv"]}));
        assert!(no_formats
            .validate()
            .unwrap_err()
            .message
            .contains("output format"));
        let no_sov = request(
            serde_json::json!({"sovId": " ", "files": ["/x.csv"], "outputFormats": ["JSON"]}),
        );
        assert!(no_sov.validate().unwrap_err().message.contains("SOV ID"));
    }
}
