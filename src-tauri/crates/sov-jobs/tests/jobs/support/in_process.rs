//! The runner in-process, in the test's own runtime, against an in-process sandbox.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use sov_history::{HistoryStore, InputFile, JobDetail, NewJob, TransitionKind};
use sov_jobs::{Connection, JobRunner, Target};
use sov_update::client::InitiateUpdateRequest;
use sov_update::{FileUpload, JobSpec, PollConfig, SovFixerClient, StartRequest};
use sovfixer_sandbox::{RunningSandbox, SandboxConfig, SAMPLE_SOV_ID};

pub const WAIT: Duration = sov_test_support::PATIENCE;

pub struct Setup {
    pub sandbox: RunningSandbox,
    pub dir: tempfile::TempDir,
    pub store: Arc<HistoryStore>,
    pub runner: JobRunner,
    /// The sandbox, recorded as the demo.
    pub connection: Connection,
}

pub async fn setup(processing: Duration) -> Setup {
    let sandbox = sov_test_support::start_sandbox_with(SandboxConfig {
        processing,
        ..SandboxConfig::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = HistoryStore::open(&dir.path().join("history")).unwrap();
    let store = Arc::new(store);
    let runner = runner_for(&store);
    let connection = connection_for(&sandbox.api_url());
    Setup {
        sandbox,
        dir,
        store,
        runner,
        connection,
    }
}

/// A client for the sandbox at `api_url` (default token), trying twice in all.
pub fn client_for(api_url: &str) -> SovFixerClient {
    sov_test_support::client_for(api_url, "sandbox-token", Duration::from_secs(30), 2)
}

/// A connection to the sandbox at `api_url`, recorded as the demo.
pub fn connection_for(api_url: &str) -> Connection {
    Connection::new(client_for(api_url), Target::Demo)
}

pub fn runner_for(store: &Arc<HistoryStore>) -> JobRunner {
    let poll = PollConfig {
        initial_interval: Duration::from_millis(50),
        max_interval: Duration::from_millis(200),
        ..PollConfig::default()
    };
    JobRunner::new(Arc::clone(store)).with_poll(poll)
}

impl Setup {
    /// A recorded job that uploaded its file and sent start, then stopped before start's answer.
    pub async fn interrupted_after_start_sent(&self) -> (String, String) {
        self.interrupted_job(
            true,
            &[
                TransitionKind::UploadStarted { file_index: 0 },
                TransitionKind::UploadAcknowledged { file_index: 0 },
                TransitionKind::StartSent,
            ],
        )
        .await
    }

    /// Runs the startup resume against the sandbox (recorded as the demo).
    pub async fn resume(&self) -> sov_jobs::ResumeReport {
        self.runner
            .resume_unfinished(&self.connection, None)
            .await
            .unwrap()
    }

    pub fn file(&self, name: &str, row: u32) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(
            &path,
            format!("sheet_name,sheet_row_number,bldg_name\nSheet1,{row},Renamed {row}\n"),
        )
        .unwrap();
        path
    }

    pub fn downloads(&self) -> PathBuf {
        self.dir.path().join("downloads")
    }

    pub fn spec(&self, files: Vec<PathBuf>, formats: &[&str]) -> JobSpec {
        let mut start = StartRequest {
            output_formats: formats.iter().map(|f| (*f).to_owned()).collect(),
            ..StartRequest::default()
        };
        start
            .extra_data
            .insert("insured_name".into(), "Acme Corp".into());
        JobSpec {
            sov_id: SAMPLE_SOV_ID.to_owned(),
            files,
            start,
            download_dir: self.downloads(),
            ..JobSpec::default()
        }
    }

    pub fn job(&self, job_id: &str) -> JobDetail {
        self.store.get_job(job_id).unwrap()
    }

    /// A job recorded as if a run had stopped after `transitions`, with a real update on the server
    /// (initiated and uploaded when `upload` is true).
    pub async fn interrupted_job(
        &self,
        upload: bool,
        transitions: &[TransitionKind],
    ) -> (String, String) {
        let client = client_for(&self.sandbox.api_url());
        let file = self.file("corrections.csv", 2);
        let update_id = client
            .initiate_update(SAMPLE_SOV_ID, &InitiateUpdateRequest::default())
            .await
            .unwrap()
            .id;
        if upload {
            let source = FileUpload::from_path(&file).unwrap();
            client
                .add_locations(&update_id, &source, None)
                .await
                .unwrap();
        }
        let job_id = format!("j-test-{}", rand_suffix());
        let (size, sha256) = sov_jobs::hash_file(&file).unwrap();
        self.store
            .create_job(&NewJob {
                job_id: job_id.clone(),
                sov_id: SAMPLE_SOV_ID.to_owned(),
                environment_name: "demo".to_owned(),
                base_url: client.api_base().to_string(),
                update_type: None,
                client_ref: None,
                callback_url: None,
                extra_data: serde_json::json!({"insured_name": "Acme Corp"}),
                output_formats: vec!["JSON".to_owned()],
                download_dir: self.downloads(),
                input_files: vec![InputFile {
                    name: "corrections.csv".to_owned(),
                    path: file,
                    size,
                    sha256,
                    sheet: None,
                }],
            })
            .unwrap();
        self.store
            .record_transition(&job_id, TransitionKind::InitiateSent, "")
            .unwrap();
        self.store.set_update_id(&job_id, &update_id).unwrap();
        for kind in transitions {
            self.store
                .record_transition(&job_id, kind.clone(), "")
                .unwrap();
        }
        (job_id, update_id)
    }
}

pub fn rand_suffix() -> u32 {
    rand::random()
}

pub fn kinds(detail: &JobDetail) -> Vec<String> {
    detail
        .transitions
        .iter()
        .map(|t| {
            serde_json::to_value(&t.kind).unwrap()["state"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

pub async fn finish(job: sov_jobs::RunningJob) -> sov_jobs::JobResult {
    tokio::time::timeout(WAIT, job.task).await.unwrap().unwrap()
}
