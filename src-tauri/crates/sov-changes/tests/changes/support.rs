//! A sandbox on loopback, a quick client, an update run through the engine.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sov_changes::FinishedUpdate;
use sov_preflight::{plan_upload, CheckOptions};
use sov_update::read::CurrentDataSource;
use sov_update::{
    ApiToken, ClientConfig, Environment, Job, JobSpec, PollConfig, ProgressCallback, RetryPolicy,
    SovFixerClient, StartRequest,
};
use sovfixer_sandbox::{RunningSandbox, SandboxConfig, SAMPLE_SOV_ID};
use tokio_util::sync::CancellationToken;

pub async fn sandbox() -> RunningSandbox {
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let running = sovfixer_sandbox::start(SandboxConfig::default(), addr)
        .await
        .unwrap();
    running.control().set_processing(Duration::from_millis(300));
    running
        .control()
        .set_output_delay(Duration::from_millis(100));
    running
}

pub fn client(sandbox: &RunningSandbox) -> SovFixerClient {
    let mut config = ClientConfig::new(
        Environment::custom(&sandbox.api_url()).unwrap(),
        ApiToken::new("sandbox-token"),
    );
    config.retry = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
        max_retry_after: Duration::from_secs(1),
    };
    SovFixerClient::new(config).unwrap()
}

pub fn poll() -> PollConfig {
    PollConfig {
        initial_interval: Duration::from_millis(50),
        max_interval: Duration::from_millis(200),
        min_interval: Duration::from_millis(25),
        deadline: Some(Duration::from_secs(60)),
        ..PollConfig::default()
    }
}

/// A folder for outputs and reports, one for the cache, and the corrections file.
pub struct Work {
    pub dir: tempfile::TempDir,
}

impl Work {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("out")).unwrap();
        Self { dir }
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    pub fn source(&self, client: &SovFixerClient) -> CurrentDataSource {
        CurrentDataSource::new(client.clone(), self.dir.path().join("cache"), poll())
    }

    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

/// Runs a whole update of the sample SOV with `corrections`, saving `formats` into `out`, and returns what
/// the comparison needs.
pub async fn update(
    client: &SovFixerClient,
    corrections: &Path,
    formats: &[&str],
    out: &Path,
) -> FinishedUpdate {
    let plan = Arc::new(plan_upload(corrections, &CheckOptions::default(), None).unwrap());
    let formats: Vec<String> = formats.iter().map(|f| (*f).to_owned()).collect();
    let spec = JobSpec {
        sov_id: SAMPLE_SOV_ID.into(),
        files: vec![corrections.to_owned()],
        start: StartRequest {
            output_formats: formats.clone(),
            ..StartRequest::default()
        },
        download_dir: out.to_owned(),
        upload_plans: Some(vec![plan.clone()]),
        ..JobSpec::default()
    };
    let callback: ProgressCallback = Arc::new(|_| {});
    let outcome = Job::new(client.clone(), poll(), callback, CancellationToken::new())
        .run(spec)
        .await
        .unwrap();
    FinishedUpdate {
        sov_id: SAMPLE_SOV_ID.into(),
        update_id: outcome.update_id,
        plans: vec![plan],
        saved_outputs: outcome.outputs,
        output_formats: formats,
        report_folder: Some(out.to_owned()),
        insured_name: None,
    }
}

/// Every row of a sheet of an xlsx file, as text.
pub fn sheet_rows(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    use calamine::{open_workbook_auto, Reader};
    let mut workbook = open_workbook_auto(path).unwrap();
    let range = workbook.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|row| row.iter().map(ToString::to_string).collect())
        .collect()
}
