//! The client and engine against the project's SOV Fixer sandbox (started in-process).
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use crate::support::{list_dir, sha256_hex, write_file, Events};
use sov_update::{
    ApiToken, ClientConfig, Environment, Job, JobError, JobOutcome, JobSpec, OutputFile, Phase,
    PollConfig, ResumeSpec, RetryPolicy, SovFixerClient, StartRequest, Step,
};
use sovfixer_sandbox::{
    Endpoint, Fault, ForcedFailure, RunningSandbox, SandboxConfig, SAMPLE_SOV_ID,
};
use tokio_util::sync::CancellationToken;

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../samples")
        .join(name)
}

async fn sandbox(config: SandboxConfig) -> RunningSandbox {
    sov_test_support::start_sandbox_with(SandboxConfig {
        processing: Duration::from_millis(800),
        ..config
    })
    .await
}

fn client(sandbox: &RunningSandbox, token: &str) -> SovFixerClient {
    let mut config = ClientConfig::new(
        Environment::custom(&sandbox.api_url()).unwrap(),
        ApiToken::new(token),
    );
    config.retry = RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(500),
        max_retry_after: Duration::from_secs(5),
    };
    SovFixerClient::new(config).unwrap()
}

fn poll() -> PollConfig {
    PollConfig {
        initial_interval: Duration::from_millis(50),
        max_interval: Duration::from_millis(250),
        min_interval: Duration::from_millis(25),
        deadline: Some(Duration::from_secs(90)),
        ..PollConfig::default()
    }
}

fn spec(files: Vec<PathBuf>, dest: &std::path::Path, formats: &[&str]) -> JobSpec {
    let mut extra = serde_json::Map::new();
    extra.insert("insured_name".into(), "Acme Corp".into());
    JobSpec {
        sov_id: SAMPLE_SOV_ID.into(),
        files,
        start: StartRequest {
            extra_data: extra,
            output_formats: formats.iter().map(|f| f.to_string()).collect(),
            ..StartRequest::default()
        },
        download_dir: dest.to_owned(),
        ..JobSpec::default()
    }
}

async fn run(
    sandbox: &RunningSandbox,
    spec: JobSpec,
    events: &Events,
) -> Result<JobOutcome, JobError> {
    Job::new(
        client(sandbox, &sandbox.token()),
        poll(),
        events.callback(),
        CancellationToken::new(),
    )
    .run(spec)
    .await
}

/// The sample corrections against the sample SOV, asking for `formats`, saved into a new temp folder.
async fn run_sample(
    sandbox: &RunningSandbox,
    formats: &[&str],
) -> (Result<JobOutcome, JobError>, tempfile::TempDir) {
    let dest = tempfile::tempdir().unwrap();
    let spec = spec(vec![sample("corrections.csv")], dest.path(), formats);
    (run(sandbox, spec, &Events::default()).await, dest)
}

#[tokio::test]
async fn the_sample_corrections_update_the_sample_sov_end_to_end() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let formats = client(&sandbox, &sandbox.token())
        .list_output_formats(Some(SAMPLE_SOV_ID))
        .await
        .unwrap();
    let names: Vec<&str> = formats.iter().map(|f| f.output_format.as_str()).collect();
    assert!(names.contains(&"JSON"), "{names:?}");
    let dest = tempfile::tempdir().unwrap();
    let events = Events::default();

    let outcome = run(
        &sandbox,
        spec(vec![sample("corrections.csv")], dest.path(), &["JSON"]),
        &events,
    )
    .await
    .unwrap();

    assert_eq!(events.last().phase, Phase::Done);
    assert!(events.phases().contains(&Phase::Processing));
    assert_eq!(outcome.outputs.len(), 1);
    let saved = &outcome.outputs[0];
    assert!(
        saved.filename.starts_with("Acme Corp "),
        "{}",
        saved.filename
    );
    let bytes = std::fs::read(&saved.path).unwrap();
    assert_eq!(saved.sha256, sha256_hex(&bytes));
    assert_eq!(saved.size, bytes.len() as u64);
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert!(json["buildings"].is_array());
    let control = sandbox.control();
    assert_eq!(control.count_requests(Endpoint::InitiateUpdate), 1);
    assert_eq!(control.count_requests(Endpoint::Start), 1);
    let jobs = control.jobs();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].uploads.len(), 1);
    assert_eq!(jobs[0].uploads[0].filename, "corrections.csv");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn several_files_and_formats_against_the_sandbox() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let input = tempfile::tempdir().unwrap();
    let second = write_file(
        input.path(),
        "year built.csv",
        "sheet_name,sheet_row_number,const__bldg_year_built\nSheet1,3,1990\n",
    );
    let dest = tempfile::tempdir().unwrap();
    let outcome = run(
        &sandbox,
        spec(
            vec![sample("corrections.csv"), second],
            dest.path(),
            &["JSON", "CSV"],
        ),
        &Events::default(),
    )
    .await
    .unwrap();
    assert_eq!(outcome.outputs.len(), 2);
    assert_eq!(list_dir(dest.path()).len(), 2);
    let jobs = sandbox.control().jobs();
    let uploaded: Vec<&str> = jobs[0]
        .uploads
        .iter()
        .map(|u| u.filename.as_str())
        .collect();
    assert_eq!(uploaded, vec!["corrections.csv", "year built.csv"]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn sandbox_errors_map_to_the_right_codes() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let dest = tempfile::tempdir().unwrap();

    let wrong_key = Job::new(
        client(&sandbox, "nope"),
        poll(),
        Events::default().callback(),
        CancellationToken::new(),
    )
    .run(spec(vec![sample("corrections.csv")], dest.path(), &[]))
    .await
    .unwrap_err();
    assert_eq!(
        (wrong_key.step, wrong_key.error.code()),
        (Step::Initiate, sov_error::Code::CredentialsRejected)
    );

    let mut unknown_sov = spec(vec![sample("corrections.csv")], dest.path(), &[]);
    unknown_sov.sov_id = "s-does-not-exist".into();
    let error = run(&sandbox, unknown_sov, &Events::default())
        .await
        .unwrap_err();
    assert_eq!(error.error.code(), sov_error::Code::NotFound);
    assert!(error.error.message().contains("s-does-not-exist"));

    let input = tempfile::tempdir().unwrap();
    let typo = write_file(
        input.path(),
        "typo.csv",
        "sheet_name,sheet_row_numbah,bldg_name\nSheet1,2,X\n",
    );
    let mut forced = spec(vec![typo], dest.path(), &[]);
    forced.override_preflight = true;
    let error = run(&sandbox, forced, &Events::default()).await.unwrap_err();
    assert_eq!(error.step, Step::Upload);
    assert_eq!(error.error.code(), sov_error::Code::InvalidAttribute);
    assert!(error.error.message().contains("sheet_row_numbah"));

    let error = run(
        &sandbox,
        spec(
            vec![sample("corrections.csv")],
            dest.path(),
            &["NOT_A_FORMAT"],
        ),
        &Events::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(error.step, Step::Start);
    match error.error.kind() {
        sov_update::ErrorKind::FormatNotEnabled { allowed } => {
            assert!(allowed.contains(&"JSON".to_owned()), "{allowed:?}")
        }
        other => panic!("expected format_not_enabled, got {other:?}"),
    }

    let started = error.update_id.clone().unwrap();
    let c = client(&sandbox, &sandbox.token());
    c.start(&started, &StartRequest::default()).await.unwrap();
    let upload = sov_update::FileUpload::from_path(&sample("corrections.csv")).unwrap();
    let late = c.add_locations(&started, &upload, None).await.unwrap_err();
    assert_eq!(late.code(), sov_error::Code::JobNotPending);
    let twice = c
        .start(&started, &StartRequest::default())
        .await
        .unwrap_err();
    assert_eq!(twice.code(), sov_error::Code::JobNotPending);

    sandbox.control().set_fault(
        Endpoint::Status,
        Fault {
            force_failed: Some(ForcedFailure {
                status: "FAILED_TO_PROCESS".into(),
                message: "Injected.".into(),
            }),
            ..Fault::default()
        },
    );
    let error = run(
        &sandbox,
        spec(vec![sample("corrections.csv")], dest.path(), &[]),
        &Events::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(error.step, Step::Process);
    assert_eq!(
        error.error.kind(),
        &sov_update::ErrorKind::JobFailed {
            status: "FAILED_TO_PROCESS".into(),
            message: "Injected.".into()
        }
    );
    assert!(list_dir(dest.path()).is_empty());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn sandbox_faults_are_survived_without_duplicates() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let control = sandbox.control();
    control.set_fault(
        Endpoint::Status,
        Fault {
            error_status: Some(502),
            error_count: 2,
            latency_ms: 100,
            ..Fault::default()
        },
    );
    control.set_fault(
        Endpoint::OutputFormats,
        Fault {
            error_status: Some(429),
            error_count: 1,
            retry_after_s: Some(1),
            ..Fault::default()
        },
    );
    control.set_fault(
        Endpoint::Download,
        Fault {
            error_status: Some(503),
            error_count: 1,
            ..Fault::default()
        },
    );
    client(&sandbox, &sandbox.token())
        .list_output_formats(Some(SAMPLE_SOV_ID))
        .await
        .unwrap();
    let (result, _dest) = run_sample(&sandbox, &[]).await;
    let outcome = result.unwrap();
    assert_eq!(outcome.outputs.len(), 1);
    assert_eq!(control.jobs().len(), 1, "exactly one update job");
    assert_eq!(control.count_requests(Endpoint::Start), 1);
    assert_eq!(control.count_requests(Endpoint::OutputFormats), 2);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_download_the_sandbox_keeps_dropping_leaves_no_file() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    sandbox.control().set_fault(
        Endpoint::Download,
        Fault {
            drop_after_bytes: Some(20),
            ..Fault::default()
        },
    );
    let (result, dest) = run_sample(&sandbox, &[]).await;
    let error = result.unwrap_err();
    assert_eq!(error.step, Step::Download);
    assert!(error.error.is_transient(), "{:?}", error.error);
    assert!(list_dir(dest.path()).is_empty());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn sandbox_outputs_on_another_origin_never_get_the_token() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    // Output URLs point at the sandbox's second listener: another origin that serves them without a token.
    sandbox
        .control()
        .set_output_url_base(Some(sandbox.output_origin_url()));
    let (result, _dest) = run_sample(&sandbox, &[]).await;
    result.unwrap();
    let seen: Vec<_> = sandbox
        .control()
        .requests()
        .into_iter()
        .filter(|r| r.origin == sovfixer_sandbox::RequestOrigin::Outputs)
        .collect();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].status, 200, "the output was fetched there");
    assert_eq!(seen[0].header("authorization"), None);
    assert_eq!(
        sandbox.control().count_seen(Endpoint::Download),
        0,
        "nor was it fetched from the API with the token"
    );
    sandbox.shutdown().await;
}

/// A job on `sandbox` reporting to `events`, for attaching to an update that already exists.
fn attach(sandbox: &RunningSandbox, events: &Events) -> Job {
    Job::new(
        client(sandbox, &sandbox.token()),
        poll(),
        events.callback(),
        CancellationToken::new(),
    )
}

/// A finished update with two outputs (JSON and CSV), saved in `dest`.
async fn finished_update(sandbox: &RunningSandbox, dest: &std::path::Path) -> JobOutcome {
    let outcome = run(
        sandbox,
        spec(vec![sample("corrections.csv")], dest, &["JSON", "CSV"]),
        &Events::default(),
    )
    .await
    .unwrap();
    assert_eq!(outcome.outputs.len(), 2);
    outcome
}

fn names(outputs: &[OutputFile]) -> Vec<String> {
    outputs.iter().map(OutputFile::name).collect()
}

#[tokio::test]
async fn resuming_with_saved_outputs_skipped_downloads_only_the_others_once() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let dest = tempfile::tempdir().unwrap();
    let first = finished_update(&sandbox, dest.path()).await;
    // The first output is still saved; the second was lost (a kill mid-download, a deleted file).
    let gone = &first.outputs[1];
    std::fs::remove_file(&gone.path).unwrap();
    let saved_name = first.listed_outputs[0].name();
    sandbox.control().clear_requests();
    let events = Events::default();

    let outcome = attach(&sandbox, &events)
        .resume(ResumeSpec {
            update_id: first.update_id.clone(),
            download_dir: dest.path().to_owned(),
            skip_outputs: HashSet::from([saved_name]),
            ..ResumeSpec::default()
        })
        .await
        .unwrap();

    assert_eq!(outcome.listed_outputs, first.listed_outputs);
    assert_eq!(outcome.outputs.len(), 1);
    assert_eq!(outcome.outputs[0].path, gone.path);
    assert_eq!(outcome.outputs[0].sha256, gone.sha256);
    assert_eq!(sandbox.control().count_requests(Endpoint::Download), 1);
    let files = list_dir(dest.path());
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(!files.iter().any(|f| f.contains("(2)")), "{files:?}");
    // Every listed output is announced before the first download starts.
    let all = events.all();
    let listed_at = all.iter().position(|p| p.listed_outputs.is_some()).unwrap();
    let download_at = all.iter().position(|p| p.download.is_some()).unwrap();
    assert!(listed_at < download_at);
    let last = events.last();
    assert_eq!(last.listed_outputs, Some(names(&first.listed_outputs)));
    assert_eq!(last.download.unwrap().output_count, 1);
    assert_eq!(last.phase, Phase::Done);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn resuming_without_saving_lists_every_output_and_writes_nothing() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let first = finished_update(&sandbox, tempfile::tempdir().unwrap().path()).await;
    let dest = tempfile::tempdir().unwrap();
    sandbox.control().clear_requests();
    let events = Events::default();

    let outcome = attach(&sandbox, &events)
        .resume(ResumeSpec {
            update_id: first.update_id.clone(),
            download_dir: dest.path().to_owned(),
            save_outputs: false,
            ..ResumeSpec::default()
        })
        .await
        .unwrap();

    assert!(outcome.outputs.is_empty());
    assert_eq!(names(&outcome.listed_outputs), names(&first.listed_outputs));
    assert!(list_dir(dest.path()).is_empty());
    assert_eq!(sandbox.control().count_requests(Endpoint::Download), 0);
    assert!(!events.phases().contains(&Phase::Downloading));
    assert_eq!(events.last().phase, Phase::Done);
    assert_eq!(
        events.last().listed_outputs,
        Some(names(&first.listed_outputs))
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn watching_a_failed_update_returns_its_final_status_and_downloads_nothing() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    sandbox.control().set_fault(
        Endpoint::Status,
        Fault {
            force_failed: Some(ForcedFailure {
                status: "FAILED_TO_PROCESS".into(),
                message: "Injected.".into(),
            }),
            ..Fault::default()
        },
    );
    let (result, _dest) = run_sample(&sandbox, &["JSON"]).await;
    let failure = result.unwrap_err();
    let update_id = failure.update_id.unwrap();
    let events = Events::default();

    let status = attach(&sandbox, &events).watch(&update_id).await.unwrap();

    assert!(status.request.status.is_terminal());
    let result = status.result.unwrap();
    assert!(!result.is_success());
    assert_eq!(result.message.as_deref(), Some("Injected."));
    assert_eq!(sandbox.control().count_requests(Endpoint::Download), 0);
    let last = events.last();
    assert_eq!(last.update_id.as_deref(), Some(update_id.as_str()));
    assert!(last.processing.is_some());
    assert!(
        !last.phase.is_final(),
        "the caller judges the result: {:?}",
        last.phase
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn initiate_is_never_repeated_after_a_502_that_came_after_the_work() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let control = sandbox.control();
    control.set_fault(
        Endpoint::InitiateUpdate,
        Fault {
            error_status: Some(502),
            error_count: 1,
            after_commit: true,
            ..Fault::default()
        },
    );
    let (result, _dest) = run_sample(&sandbox, &["JSON"]).await;
    let error = result.unwrap_err();
    assert_eq!(error.error.code(), sov_error::Code::ServerError);
    assert_eq!(
        control.count_requests(Endpoint::InitiateUpdate),
        1,
        "a repeat could create a second update job"
    );
    assert_eq!(control.jobs().len(), 1, "the server did create one");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_lost_start_answer_on_a_queued_update_never_starts_twice() {
    // The start went through but its answer was lost (504 after the work); the update is still queued
    // (PENDING for the first fifth of 5 s), so the client repeats the start, the server refuses with 409,
    // and that counts as started.
    let sandbox = sandbox(SandboxConfig::default()).await;
    let control = sandbox.control();
    control.set_processing(Duration::from_secs(5));
    control.set_fault(
        Endpoint::Start,
        Fault {
            error_status: Some(504),
            error_count: 1,
            after_commit: true,
            ..Fault::default()
        },
    );
    let (result, _dest) = run_sample(&sandbox, &["JSON"]).await;
    let outcome = result.unwrap();
    assert_eq!(control.count_requests(Endpoint::Start), 2);
    let jobs = control.jobs();
    assert_eq!(jobs.len(), 1, "one update job");
    assert_eq!(jobs[0].status, "COMPLETE");
    assert_eq!(outcome.outputs.len(), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn rows_the_server_did_not_match_make_a_finished_update_with_rows_not_applied_saved_beside_the_outputs(
) {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let dest = tempfile::tempdir().unwrap();
    let inputs = tempfile::tempdir().unwrap();
    let corrections = inputs.path().join("some-unknown.csv");
    std::fs::write(
        &corrections,
        "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\nSheet1,99,Nowhere\n",
    )
    .unwrap();
    let events = Events::default();
    let outcome = run(
        &sandbox,
        spec(vec![corrections], dest.path(), &["JSON"]),
        &events,
    )
    .await
    .unwrap();

    let rows = outcome.rows_not_applied.expect("a row matched no building");
    assert_eq!(rows.count, 1);
    assert_eq!(rows.named, vec!["Sheet1 row 99"]);
    let csv_path = rows
        .saved_to
        .expect("the rows are saved beside the outputs");
    assert_eq!(csv_path.parent(), Some(dest.path()));
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert!(csv.contains("Sheet1 row 99,"), "{csv}");
    assert_eq!(outcome.outputs.len(), 1, "the outputs are still saved");
    let last = events.last();
    assert_eq!(last.phase, Phase::Done);
    assert_eq!(last.rows_not_applied.map(|r| r.count), Some(1));

    let clean = run(
        &sandbox,
        spec(vec![sample("corrections.csv")], dest.path(), &["JSON"]),
        &Events::default(),
    )
    .await
    .unwrap();
    assert_eq!(clean.rows_not_applied, None);
}
