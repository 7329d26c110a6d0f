//! Shared helpers for the end-to-end tests: the sandbox in this process, a client and a job against it, and
//! reading the outputs that came back.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use sov_update::{
    ApiToken, ClientConfig, Environment, Job, JobOutcome, JobSpec, PollConfig, SovFixerClient,
    StartRequest,
};
use sovfixer_sandbox::{RunningSandbox, SandboxConfig};
use tokio_util::sync::CancellationToken;

pub async fn sandbox() -> RunningSandbox {
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let config = SandboxConfig {
        processing: Duration::from_millis(300),
        ..SandboxConfig::default()
    };
    sovfixer_sandbox::start(config, addr).await.unwrap()
}

pub fn client(sandbox: &RunningSandbox) -> SovFixerClient {
    let config = ClientConfig::new(
        Environment::custom(&sandbox.api_url()).unwrap(),
        ApiToken::new(sandbox.token()),
    );
    SovFixerClient::new(config).unwrap()
}

/// Runs a whole update of `sov_id` from `files`, asking for `formats`, saving into `dest`.
pub async fn update(
    sandbox: &RunningSandbox,
    sov_id: &str,
    files: Vec<PathBuf>,
    formats: &[&str],
    dest: &Path,
) -> JobOutcome {
    let poll = PollConfig {
        initial_interval: Duration::from_millis(50),
        max_interval: Duration::from_millis(250),
        deadline: Some(Duration::from_secs(60)),
        ..PollConfig::default()
    };
    let spec = JobSpec {
        sov_id: sov_id.to_owned(),
        files,
        start: StartRequest {
            output_formats: formats.iter().map(|f| (*f).to_owned()).collect(),
            ..StartRequest::default()
        },
        download_dir: dest.to_owned(),
        ..JobSpec::default()
    };
    Job::new(
        client(sandbox),
        poll,
        Arc::new(|_| {}),
        CancellationToken::new(),
    )
    .run(spec)
    .await
    .unwrap_or_else(|failure| panic!("the update failed: {failure:?}"))
}

/// The JSON output of `outcome`, parsed.
pub fn json_output(outcome: &JobOutcome) -> Value {
    let saved = outcome
        .outputs
        .iter()
        .find(|o| o.path.extension().is_some_and(|ext| ext == "json"))
        .unwrap_or_else(|| panic!("no JSON output among {:?}", outcome.outputs));
    serde_json::from_slice(&std::fs::read(&saved.path).unwrap()).unwrap()
}

/// The building of `output` at `sheet_row_number` (on the demo SOV's only sheet).
pub fn building(output: &Value, sheet_row_number: u64) -> &Value {
    output["buildings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["sheet_row_number"] == serde_json::json!(sheet_row_number))
        .unwrap_or_else(|| panic!("no building at row {sheet_row_number}"))
}
