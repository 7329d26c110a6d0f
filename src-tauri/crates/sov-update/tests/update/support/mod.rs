//! A scripted SOV Fixer stand-in for the client and engine tests: records every request, and
//! injects faults per endpoint. Independent of the project's sandbox on purpose.
#![allow(dead_code, clippy::unwrap_used)]

pub mod mock;
pub mod recorder;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sov_update::{
    ApiToken, ClientConfig, Environment, Job, JobProgress, JobSpec, PollConfig, ProgressCallback,
    RetryPolicy, SovFixerClient, StartRequest,
};
use tokio_util::sync::CancellationToken;

pub const TOKEN: &str = "test-token-abc";

/// A client with quick retries, for a mock at `base`.
pub fn client_for(base: &str) -> SovFixerClient {
    client_with(base, TOKEN, Duration::from_secs(10))
}

pub fn client_with(base: &str, token: &str, read_timeout: Duration) -> SovFixerClient {
    let mut config = ClientConfig::new(Environment::custom(base).unwrap(), ApiToken::new(token));
    config.read_timeout = read_timeout;
    config.connect_timeout = Duration::from_secs(5);
    config.retry = RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        max_retry_after: Duration::from_secs(5),
    };
    SovFixerClient::new(config).unwrap()
}

/// A job against the mock at `base` with quick retries and polls, reporting to `events`.
pub fn quick_job(base: &str, events: &Events) -> Job {
    Job::new(
        client_for(base),
        fast_poll(),
        events.callback(),
        CancellationToken::new(),
    )
}

/// A new update of the mock's SOV from `files`, asking for JSON, saved into `dest`.
pub fn json_spec(files: Vec<PathBuf>, dest: &Path) -> JobSpec {
    JobSpec {
        sov_id: mock::SOV_ID.into(),
        files,
        start: StartRequest {
            output_formats: vec!["JSON".into()],
            ..StartRequest::default()
        },
        download_dir: dest.to_owned(),
        ..JobSpec::default()
    }
}

pub fn fast_poll() -> PollConfig {
    PollConfig {
        initial_interval: Duration::from_millis(20),
        max_interval: Duration::from_millis(100),
        min_interval: Duration::from_millis(10),
        jitter: 0.2,
        deadline: Some(Duration::from_secs(60)),
        stall_after: Duration::from_secs(60),
    }
}

/// Collects every snapshot the engine reports.
#[derive(Clone, Default)]
pub struct Events(pub Arc<Mutex<Vec<JobProgress>>>);

impl Events {
    pub fn callback(&self) -> ProgressCallback {
        let store = self.0.clone();
        Arc::new(move |p: &JobProgress| store.lock().unwrap().push(p.clone()))
    }

    pub fn all(&self) -> Vec<JobProgress> {
        self.0.lock().unwrap().clone()
    }

    pub fn phases(&self) -> Vec<sov_update::Phase> {
        let mut phases = Vec::new();
        for event in self.all() {
            if phases.last() != Some(&event.phase) {
                phases.push(event.phase);
            }
        }
        phases
    }

    pub fn last(&self) -> JobProgress {
        self.all().last().cloned().unwrap()
    }
}

pub fn write_file(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// Names of the files in `dir`, sorted.
pub fn list_dir(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

pub const CORRECTIONS: &str = "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\n";
