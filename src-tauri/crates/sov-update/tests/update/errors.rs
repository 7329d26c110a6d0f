//! Every error a server (or the network) can produce, mapped to the right code, message and step.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use crate::support::{
    client_for, client_with, fast_poll, list_dir, seed_update, start_sandbox, write_file, Events,
    CORRECTIONS,
};
use sov_update::{ErrorKind, Job, JobError, JobSpec, Phase, StartRequest, Step, UpdateType};
use sovfixer_sandbox::{
    Endpoint, Fault, ForcedFailure, RunningSandbox, ScriptedStatus, SAMPLE_SOV_ID,
};
use tokio_util::sync::CancellationToken;

/// The next `times` requests to `endpoint` each get `fault`.
fn repeat_fault(sandbox: &RunningSandbox, endpoint: Endpoint, fault: Fault, times: usize) {
    sandbox.control().queue_faults(endpoint, vec![fault; times]);
}

fn error_status(status: u16) -> Fault {
    Fault {
        error_status: Some(status),
        ..Fault::default()
    }
}

/// Nothing reached the sandbox, on any endpoint.
fn assert_nothing_sent(sandbox: &RunningSandbox, why: &str) {
    let control = sandbox.control();
    let seen: usize = Endpoint::ALL.map(|e| control.count_seen(e)).iter().sum();
    assert_eq!(seen, 0, "{why}");
    assert!(control.requests().is_empty(), "{why}");
}

struct Run {
    error: JobError,
    events: Events,
    dest: tempfile::TempDir,
}

async fn run_job(client: sov_update::SovFixerClient, adjust: impl FnOnce(&mut JobSpec)) -> Run {
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let mut spec = JobSpec {
        sov_id: SAMPLE_SOV_ID.into(),
        files: vec![file],
        start: StartRequest {
            output_formats: vec!["JSON".into()],
            ..StartRequest::default()
        },
        download_dir: dest.path().to_owned(),
        ..JobSpec::default()
    };
    adjust(&mut spec);
    let events = Events::default();
    let job = Job::new(
        client,
        fast_poll(),
        events.callback(),
        CancellationToken::new(),
    );
    let error = job.run(spec).await.unwrap_err();
    let last = events.last();
    assert_eq!(last.phase, Phase::Failed, "final snapshot must say failed");
    assert_eq!(last.error.as_ref(), Some(&error));
    Run {
        error,
        events,
        dest,
    }
}

#[tokio::test]
async fn a_wrong_api_key_is_credentials_rejected() {
    let sandbox = start_sandbox().await;
    let client = client_with(&sandbox.api_url(), "wrong-key", Duration::from_secs(10));
    let run = run_job(client, |_| {}).await;
    assert_eq!(run.error.step, Step::Initiate);
    assert_eq!(run.error.error.code(), sov_error::Code::CredentialsRejected);
    assert!(run.error.error.message().contains("API key"));
    assert!(run.error.error.detail().contains("Invalid token."));
    assert_eq!(run.error.update_id, None);
}

#[tokio::test]
async fn an_unknown_sov_is_not_found_naming_the_sov() {
    let sandbox = start_sandbox().await;
    let run = run_job(client_for(&sandbox.api_url()), |s| {
        s.sov_id = "s-nope".into()
    })
    .await;
    assert_eq!(run.error.step, Step::Initiate);
    assert_eq!(run.error.error.code(), sov_error::Code::NotFound);
    assert_eq!(
        run.error.error.kind(),
        &ErrorKind::NotFound(sov_update::Resource::Sov("s-nope".into()))
    );
    assert!(run.error.error.message().contains("s-nope"));
}

#[tokio::test]
async fn an_unknown_update_is_not_found_naming_the_update() {
    let sandbox = start_sandbox().await;
    let error = client_for(&sandbox.api_url())
        .status("s-demo-sample-r999")
        .await
        .unwrap_err();
    assert_eq!(error.code(), sov_error::Code::NotFound);
    assert!(error
        .message()
        .contains("update with the id `s-demo-sample-r999`"));
}

#[tokio::test]
async fn an_unknown_column_is_invalid_attribute_naming_column_and_file() {
    let sandbox = start_sandbox().await;
    let input = tempfile::tempdir().unwrap();
    let bad = write_file(
        input.path(),
        "bad columns.csv",
        "sheet_name,sheet_row_numbah,bldg_name\nSheet1,2,House\n",
    );
    let run = run_job(client_for(&sandbox.api_url()), |s| {
        s.files = vec![bad];
        // The pre-flight check would stop this file; the server's own answer is under test.
        s.override_preflight = true;
    })
    .await;
    assert_eq!(run.error.step, Step::Upload);
    assert_eq!(run.error.error.code(), sov_error::Code::InvalidAttribute);
    let message = run.error.error.message();
    assert!(
        message.contains("sheet_row_numbah") && message.contains("bad columns.csv"),
        "{message}"
    );
    assert!(run.error.update_id.is_some());
    assert_eq!(
        sandbox.control().count_seen(Endpoint::Start),
        0,
        "a rejected file must not be started"
    );
}

#[tokio::test]
async fn uploading_or_starting_after_start_is_job_not_pending() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox.api_url());
    let update_id = seed_update(&sandbox, true).await;
    let input = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "c.csv", CORRECTIONS);
    let upload = sov_update::FileUpload::from_path(&file).unwrap();
    let error = client
        .add_locations(&update_id, &upload, None)
        .await
        .unwrap_err();
    assert_eq!(error.code(), sov_error::Code::JobNotPending);
    assert!(error
        .detail()
        .contains("rejected locations file as SUD not pending"));
    let error = client
        .start(&update_id, &StartRequest::default())
        .await
        .unwrap_err();
    assert_eq!(error.code(), sov_error::Code::JobNotPending);
    assert!(error.message().contains("Start a new update"));
}

#[tokio::test]
async fn a_format_that_is_not_enabled_lists_the_allowed_ones() {
    let sandbox = start_sandbox().await;
    let run = run_job(client_for(&sandbox.api_url()), |s| {
        s.start.output_formats = vec!["XLSX".into()];
    })
    .await;
    assert_eq!(run.error.step, Step::Start);
    assert_eq!(
        run.error.error.kind(),
        &ErrorKind::FormatNotEnabled {
            allowed: vec!["JSON".into(), "DEBUGJSON".into(), "CSV".into()]
        }
    );
    assert!(run.error.error.message().contains("JSON, DEBUGJSON, CSV"));
}

#[tokio::test]
async fn an_unknown_update_type_is_invalid_input_with_the_server_reason() {
    let sandbox = start_sandbox().await;
    let run = run_job(client_for(&sandbox.api_url()), |s| {
        s.update_type = Some(UpdateType::Other("BOGUS".into()));
    })
    .await;
    assert_eq!(run.error.step, Step::Initiate);
    assert_eq!(run.error.error.code(), sov_error::Code::InvalidInput);
    assert!(run.error.error.message().contains("BOGUS"));
}

#[tokio::test]
async fn a_failed_update_is_job_failed_with_status_and_message() {
    let sandbox = start_sandbox().await;
    sandbox.control().set_fault(
        Endpoint::Status,
        Fault {
            force_failed: Some(ForcedFailure {
                status: "FAILED_TO_PROCESS".into(),
                message: "Row 7 matches no building.".into(),
            }),
            ..Fault::default()
        },
    );
    let run = run_job(client_for(&sandbox.api_url()), |_| {}).await;
    assert_eq!(run.error.step, Step::Process);
    assert_eq!(
        run.error.error.kind(),
        &ErrorKind::JobFailed {
            status: "FAILED_TO_PROCESS".into(),
            message: "Row 7 matches no building.".into()
        }
    );
    assert!(run
        .error
        .error
        .message()
        .contains("Row 7 matches no building."));
    assert!(list_dir(run.dest.path()).is_empty());
}

#[tokio::test]
async fn persistent_rate_limiting_is_rate_limited_after_bounded_retries() {
    let sandbox = start_sandbox().await;
    let update_id = seed_update(&sandbox, true).await;
    let too_many = Fault {
        retry_after_s: Some(0),
        ..error_status(429)
    };
    repeat_fault(&sandbox, Endpoint::Status, too_many, 10);
    let error = client_for(&sandbox.api_url())
        .status(&update_id)
        .await
        .unwrap_err();
    assert_eq!(error.code(), sov_error::Code::RateLimited);
    assert_eq!(
        sandbox.control().count_requests(Endpoint::Status),
        4,
        "max_attempts bounds the retries"
    );
}

#[tokio::test]
async fn persistent_server_errors_are_server_error() {
    let sandbox = start_sandbox().await;
    repeat_fault(&sandbox, Endpoint::Status, error_status(502), 10);
    let run = run_job(client_for(&sandbox.api_url()), |_| {}).await;
    assert_eq!(run.error.step, Step::Process);
    assert_eq!(run.error.error.code(), sov_error::Code::ServerError);
    assert!(run.error.error.detail().contains("502 Bad Gateway"));
    let error500 = {
        let update_id = seed_update(&sandbox, true).await;
        sandbox.control().clear_faults();
        repeat_fault(&sandbox, Endpoint::Status, error_status(500), 10);
        client_for(&sandbox.api_url())
            .status(&update_id)
            .await
            .unwrap_err()
    };
    assert_eq!(error500.code(), sov_error::Code::ServerError);
}

#[tokio::test]
async fn an_unreachable_server_is_network_unreachable() {
    // Bind and drop a listener to get a port nobody listens on.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let run = run_job(client_for(&format!("http://127.0.0.1:{port}")), |_| {}).await;
    assert_eq!(run.error.step, Step::Initiate);
    assert_eq!(run.error.error.code(), sov_error::Code::NetworkUnreachable);
    assert!(run.error.error.message().contains("internet connection"));
}

#[tokio::test]
async fn a_server_that_stops_answering_is_timed_out() {
    let sandbox = start_sandbox().await;
    let update_id = seed_update(&sandbox, true).await;
    let silent = Fault {
        latency_ms: 3_000,
        ..Fault::default()
    };
    repeat_fault(&sandbox, Endpoint::Status, silent, 4);
    let client = client_with(
        &sandbox.api_url(),
        crate::support::TOKEN,
        Duration::from_millis(300),
    );
    let error = client.status(&update_id).await.unwrap_err();
    assert_eq!(error.code(), sov_error::Code::TimedOut);
}

#[tokio::test]
async fn polling_past_the_deadline_is_timed_out_and_keeps_the_update_id() {
    let sandbox = start_sandbox().await;
    sandbox.control().set_status_script(Some(vec![
        ScriptedStatus {
            status: "IN_PROGRESS".into(),
            pct_complete: Some(10),
            health: "Working.".into(),
        };
        10_000
    ]));
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "c.csv", CORRECTIONS);
    let mut poll = fast_poll();
    poll.deadline = Some(Duration::from_millis(400));
    let events = Events::default();
    let job = Job::new(
        client_for(&sandbox.api_url()),
        poll,
        events.callback(),
        CancellationToken::new(),
    );
    let spec = JobSpec {
        sov_id: SAMPLE_SOV_ID.into(),
        files: vec![file],
        download_dir: dest.path().to_owned(),
        ..JobSpec::default()
    };
    let error = job.run(spec).await.unwrap_err();
    assert_eq!(error.step, Step::Process);
    assert_eq!(error.error.code(), sov_error::Code::TimedOut);
    assert!(error.update_id.is_some());
}

#[tokio::test]
async fn bad_input_fails_validation_before_any_request() {
    let sandbox = start_sandbox().await;
    let missing = run_job(client_for(&sandbox.api_url()), |s| {
        s.files = vec!["/definitely/not/here.csv".into()];
    })
    .await;
    assert_eq!(missing.error.step, Step::Validate);
    assert_eq!(missing.error.error.code(), sov_error::Code::FileError);
    assert!(missing.error.error.message().contains("here.csv"));

    let empty_id = run_job(client_for(&sandbox.api_url()), |s| s.sov_id = "  ".into()).await;
    assert_eq!(empty_id.error.error.code(), sov_error::Code::InvalidInput);
    assert!(empty_id.error.error.message().contains("SOV id"));

    let no_files = run_job(client_for(&sandbox.api_url()), |s| s.files.clear()).await;
    assert_eq!(no_files.error.error.code(), sov_error::Code::InvalidInput);

    let input = tempfile::tempdir().unwrap();
    let empty = write_file(input.path(), "empty.csv", "");
    let empty_file = run_job(client_for(&sandbox.api_url()), |s| s.files = vec![empty]).await;
    assert_eq!(empty_file.error.error.code(), sov_error::Code::FileError);
    assert!(empty_file.error.error.message().contains("empty.csv"));
    assert_eq!(
        empty_file.events.phases(),
        vec![Phase::Validating, Phase::Failed]
    );

    assert_nothing_sent(&sandbox, "nothing may be sent for invalid input");
}

#[tokio::test]
async fn a_file_with_blocking_preflight_errors_is_refused_before_sending() {
    let sandbox = start_sandbox().await;
    let input = tempfile::tempdir().unwrap();
    let bad = write_file(
        input.path(),
        "typo.csv",
        "sheet_name,sheet_row_numbah,bldg_name\nSheet1,2,House\n",
    );
    let run = run_job(client_for(&sandbox.api_url()), |s| s.files = vec![bad]).await;
    assert_eq!(run.error.step, Step::Validate);
    assert_eq!(run.error.error.code(), sov_error::Code::PreflightBlocked);
    let message = run.error.error.message();
    assert!(
        message.contains("typo.csv") && message.contains("sheet_row_numbah"),
        "{message}"
    );
    assert!(run.error.error.detail().contains("sheet_row_numbah"));
    assert_nothing_sent(&sandbox, "nothing may be sent for a blocked file");
}

#[tokio::test]
async fn a_file_that_is_not_a_table_is_refused_even_with_override() {
    let sandbox = start_sandbox().await;
    let input = tempfile::tempdir().unwrap();
    let pdf = input.path().join("scan.csv");
    std::fs::write(
        &pdf,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    )
    .unwrap();
    let run = run_job(client_for(&sandbox.api_url()), |s| {
        s.files = vec![pdf];
        s.override_preflight = true;
    })
    .await;
    assert_eq!(run.error.step, Step::Validate);
    assert_eq!(run.error.error.code(), sov_error::Code::PreflightBlocked);
    assert!(run.error.error.message().contains("scan.csv"));
    assert_nothing_sent(
        &sandbox,
        "nothing may be sent for a file that is not a table",
    );
}
