//! Helpers for the client and engine tests, which all run against the project's sandbox (`sovfixer-sandbox`)
//! on loopback over HTTP: its request log, scripted outputs, status scripts and faults stand in for any
//! server behaviour a test needs.
#![allow(dead_code, unused_imports, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use sov_test_support::{list_dir, sha256_hex, write_file, CORRECTIONS};
use sov_update::{
    Job, JobProgress, JobSpec, PollConfig, ProgressCallback, SovFixerClient, StartRequest,
};
use tokio_util::sync::CancellationToken;

pub const TOKEN: &str = "test-token-abc";

/// How long the sandbox's jobs take from start to end in these tests: a few polls, no waiting.
pub const PROCESSING: Duration = Duration::from_millis(300);

/// The project's sandbox on loopback over HTTP, accepting `TOKEN`; `client_for(&sandbox.api_url())` talks to it.
pub async fn start_sandbox() -> sovfixer_sandbox::RunningSandbox {
    sov_test_support::start_sandbox(TOKEN, PROCESSING).await
}

/// A client with quick retries, for the sandbox at `base`.
pub fn client_for(base: &str) -> SovFixerClient {
    client_with(base, TOKEN, Duration::from_secs(10))
}

/// Four tries in all: the retry tests count on it.
pub fn client_with(base: &str, token: &str, read_timeout: Duration) -> SovFixerClient {
    sov_test_support::client_for(base, token, read_timeout, 4)
}

/// A job against the sandbox at `base` with quick retries and polls, reporting to `events`.
pub fn quick_job(base: &str, events: &Events) -> Job {
    Job::new(
        client_for(base),
        fast_poll(),
        events.callback(),
        CancellationToken::new(),
    )
}

/// A new update of the sandbox's sample SOV from `files`, asking for JSON, saved into `dest`.
pub fn json_spec(files: Vec<PathBuf>, dest: &Path) -> JobSpec {
    JobSpec {
        sov_id: sovfixer_sandbox::SAMPLE_SOV_ID.into(),
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

/// The sample SOV updated with `CORRECTIONS` (the default format), outputs saved into `dest`; it must succeed.
pub async fn run_corrections(
    sandbox: &sovfixer_sandbox::RunningSandbox,
    dest: &Path,
    events: &Events,
) -> sov_update::JobOutcome {
    let input = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let spec = JobSpec {
        sov_id: sovfixer_sandbox::SAMPLE_SOV_ID.into(),
        files: vec![file],
        download_dir: dest.to_owned(),
        ..JobSpec::default()
    };
    Job::new(
        client_for(&sandbox.api_url()),
        fast_poll(),
        events.callback(),
        CancellationToken::new(),
    )
    .run(spec)
    .await
    .unwrap()
}

/// An output the sandbox's next updates end with: this name and content, at the API.
pub fn scripted_output(filename: &str, content: &str) -> sovfixer_sandbox::ScriptedOutput {
    sovfixer_sandbox::ScriptedOutput {
        filename: filename.to_owned(),
        content: content.to_owned(),
        on_output_origin: false,
        listed_without_url: false,
    }
}

/// Creates an update of the sample SOV as an earlier session would have left it (initiated, `CORRECTIONS`
/// uploaded, started when `started`), then clears the request log so a test counts only its own requests.
pub async fn seed_update(sandbox: &sovfixer_sandbox::RunningSandbox, started: bool) -> String {
    let http = reqwest::Client::new();
    let auth = format!("Token {TOKEN}");
    let api = sandbox.api_url();
    let sov = sovfixer_sandbox::SAMPLE_SOV_ID;
    let created: serde_json::Value = http
        .post(format!("{api}/sov/{sov}/initiate_update"))
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let part = reqwest::multipart::Part::bytes(CORRECTIONS.as_bytes().to_vec())
        .file_name("corrections.csv");
    let uploaded = http
        .post(format!("{api}/sov/update/{id}/add_locations"))
        .header("Authorization", &auth)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 201);
    if started {
        let start = http
            .post(format!("{api}/sov/update/{id}/start"))
            .header("Authorization", &auth)
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(start.status(), 201);
    }
    sandbox.control().clear_requests();
    id
}

/// The `file` part of a logged upload (the sandbox's `record_bodies` knob on): its file name and its text.
pub fn multipart_file(request: &sovfixer_sandbox::RequestRecord) -> (String, String) {
    let body = request.body.as_deref().unwrap();
    let marker = "name=\"file\"; filename=\"";
    let start = body.find(marker).unwrap() + marker.len();
    let name_end = start + body[start..].find('"').unwrap();
    let content_start = name_end + body[name_end..].find("\r\n\r\n").unwrap() + 4;
    let content_end = content_start + body[content_start..].find("\r\n--").unwrap();
    (
        body[start..name_end].to_owned(),
        body[content_start..content_end].to_owned(),
    )
}

/// File name and text of every upload the sandbox accepted for `update_id`, in order.
pub fn received_uploads(
    sandbox: &sovfixer_sandbox::RunningSandbox,
    update_id: &str,
) -> Vec<(String, String)> {
    sandbox
        .control()
        .requests_to(sovfixer_sandbox::Endpoint::AddLocations)
        .iter()
        .filter(|r| r.path.contains(&format!("/{update_id}/")) && r.status == 201)
        .map(multipart_file)
        .collect()
}
