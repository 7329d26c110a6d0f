//! Every error a server (or the network) can produce, mapped to the right code, message and step.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use crate::support::mock::{Fault, Mock, SOV_ID};
use crate::support::{
    client_for, client_with, fast_poll, list_dir, write_file, Events, CORRECTIONS,
};
use serde_json::json;
use sov_update::{ErrorKind, Job, JobError, JobSpec, Phase, StartRequest, Step, UpdateType};
use tokio_util::sync::CancellationToken;

struct Run {
    error: JobError,
    events: Events,
    dest: tempfile::TempDir,
}

async fn run_job(
    _mock: &Mock,
    client: sov_update::SovFixerClient,
    adjust: impl FnOnce(&mut JobSpec),
) -> Run {
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let mut spec = JobSpec {
        sov_id: SOV_ID.into(),
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
    let mock = Mock::start().await;
    let client = client_with(&mock.base, "wrong-key", Duration::from_secs(10));
    let run = run_job(&mock, client, |_| {}).await;
    assert_eq!(run.error.step, Step::Initiate);
    assert_eq!(run.error.error.code(), sov_error::Code::CredentialsRejected);
    assert!(run.error.error.message().contains("API key"));
    assert!(run.error.error.detail().contains("Invalid token."));
    assert_eq!(run.error.update_id, None);
}

#[tokio::test]
async fn an_unknown_sov_is_not_found_naming_the_sov() {
    let mock = Mock::start().await;
    let run = run_job(&mock, client_for(&mock.base), |s| {
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
    let mock = Mock::start().await;
    let error = client_for(&mock.base)
        .status("s-test-sov-r999")
        .await
        .unwrap_err();
    assert_eq!(error.code(), sov_error::Code::NotFound);
    assert!(error
        .message()
        .contains("update with the id `s-test-sov-r999`"));
}

#[tokio::test]
async fn an_unknown_column_is_invalid_attribute_naming_column_and_file() {
    let mock = Mock::start().await;
    let input = tempfile::tempdir().unwrap();
    let bad = write_file(
        input.path(),
        "bad columns.csv",
        "sheet_name,sheet_row_numbah,bldg_name\nSheet1,2,House\n",
    );
    let run = run_job(&mock, client_for(&mock.base), |s| {
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
        mock.count("start"),
        0,
        "a rejected file must not be started"
    );
}

#[tokio::test]
async fn uploading_or_starting_after_start_is_job_not_pending() {
    let mock = Mock::start().await;
    let client = client_for(&mock.base);
    let update_id = mock.seed_update(true);
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
    let mock = Mock::start().await;
    let run = run_job(&mock, client_for(&mock.base), |s| {
        s.start.output_formats = vec!["XLSX".into()];
    })
    .await;
    assert_eq!(run.error.step, Step::Start);
    assert_eq!(
        run.error.error.kind(),
        &ErrorKind::FormatNotEnabled {
            allowed: vec!["JSON".into(), "CSV".into()]
        }
    );
    assert!(run.error.error.message().contains("JSON, CSV"));
}

#[tokio::test]
async fn an_unknown_update_type_is_invalid_input_with_the_server_reason() {
    let mock = Mock::start().await;
    let run = run_job(&mock, client_for(&mock.base), |s| {
        s.update_type = Some(UpdateType::Other("BOGUS".into()));
    })
    .await;
    assert_eq!(run.error.step, Step::Initiate);
    assert_eq!(run.error.error.code(), sov_error::Code::InvalidInput);
    assert!(run.error.error.message().contains("BOGUS"));
}

#[tokio::test]
async fn a_failed_update_is_job_failed_with_status_and_message() {
    let mock = Mock::start().await;
    mock.with(|s| {
        s.final_result =
            Some(json!({"status": "FAILED_TO_PROCESS", "message": "Row 7 matches no building."}));
    });
    let run = run_job(&mock, client_for(&mock.base), |_| {}).await;
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
    let mock = Mock::start().await;
    for _ in 0..10 {
        mock.fault(
            "status",
            Fault::Respond {
                status: 429,
                body: "{}".into(),
                retry_after: Some(0),
            },
        );
    }
    let update_id = mock.seed_update(true);
    let error = client_for(&mock.base).status(&update_id).await.unwrap_err();
    assert_eq!(error.code(), sov_error::Code::RateLimited);
    assert_eq!(mock.count("status"), 4, "max_attempts bounds the retries");
}

#[tokio::test]
async fn persistent_server_errors_are_server_error() {
    let mock = Mock::start().await;
    for _ in 0..10 {
        mock.fault("status", crate::support::mock::html_502());
    }
    let run = run_job(&mock, client_for(&mock.base), |_| {}).await;
    assert_eq!(run.error.step, Step::Process);
    assert_eq!(run.error.error.code(), sov_error::Code::ServerError);
    assert!(run.error.error.detail().contains("502 Bad Gateway"));
    let error500 = {
        mock.fault(
            "status",
            Fault::Respond {
                status: 500,
                body: "oops".into(),
                retry_after: None,
            },
        );
        client_for(&mock.base)
            .status(&mock.seed_update(true))
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
    let mock = Mock::start().await;
    let run = run_job(
        &mock,
        client_for(&format!("http://127.0.0.1:{port}")),
        |_| {},
    )
    .await;
    assert_eq!(run.error.step, Step::Initiate);
    assert_eq!(run.error.error.code(), sov_error::Code::NetworkUnreachable);
    assert!(run.error.error.message().contains("internet connection"));
}

#[tokio::test]
async fn a_server_that_stops_answering_is_timed_out() {
    let mock = Mock::start().await;
    for _ in 0..4 {
        mock.fault("status", Fault::Delay(Duration::from_secs(3)));
    }
    let client = client_with(
        &mock.base,
        crate::support::TOKEN,
        Duration::from_millis(300),
    );
    let error = client.status(&mock.seed_update(true)).await.unwrap_err();
    assert_eq!(error.code(), sov_error::Code::TimedOut);
}

#[tokio::test]
async fn polling_past_the_deadline_is_timed_out_and_keeps_the_update_id() {
    let mock = Mock::start().await;
    mock.with(|s| s.script = vec![("IN_PROGRESS", 10, "Working."); 10_000]);
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "c.csv", CORRECTIONS);
    let mut poll = fast_poll();
    poll.deadline = Some(Duration::from_millis(400));
    let events = Events::default();
    let job = Job::new(
        client_for(&mock.base),
        poll,
        events.callback(),
        CancellationToken::new(),
    );
    let spec = JobSpec {
        sov_id: SOV_ID.into(),
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
    let mock = Mock::start().await;
    let missing = run_job(&mock, client_for(&mock.base), |s| {
        s.files = vec!["/definitely/not/here.csv".into()];
    })
    .await;
    assert_eq!(missing.error.step, Step::Validate);
    assert_eq!(missing.error.error.code(), sov_error::Code::FileError);
    assert!(missing.error.error.message().contains("here.csv"));

    let empty_id = run_job(&mock, client_for(&mock.base), |s| s.sov_id = "  ".into()).await;
    assert_eq!(empty_id.error.error.code(), sov_error::Code::InvalidInput);
    assert!(empty_id.error.error.message().contains("SOV id"));

    let no_files = run_job(&mock, client_for(&mock.base), |s| s.files.clear()).await;
    assert_eq!(no_files.error.error.code(), sov_error::Code::InvalidInput);

    let input = tempfile::tempdir().unwrap();
    let empty = write_file(input.path(), "empty.csv", "");
    let empty_file = run_job(&mock, client_for(&mock.base), |s| s.files = vec![empty]).await;
    assert_eq!(empty_file.error.error.code(), sov_error::Code::FileError);
    assert!(empty_file.error.error.message().contains("empty.csv"));
    assert_eq!(
        empty_file.events.phases(),
        vec![Phase::Validating, Phase::Failed]
    );

    assert!(
        mock.requests().is_empty(),
        "nothing may be sent for invalid input"
    );
}

#[tokio::test]
async fn a_file_with_blocking_preflight_errors_is_refused_before_sending() {
    let mock = Mock::start().await;
    let input = tempfile::tempdir().unwrap();
    let bad = write_file(
        input.path(),
        "typo.csv",
        "sheet_name,sheet_row_numbah,bldg_name\nSheet1,2,House\n",
    );
    let run = run_job(&mock, client_for(&mock.base), |s| s.files = vec![bad]).await;
    assert_eq!(run.error.step, Step::Validate);
    assert_eq!(run.error.error.code(), sov_error::Code::PreflightBlocked);
    let message = run.error.error.message();
    assert!(
        message.contains("typo.csv") && message.contains("sheet_row_numbah"),
        "{message}"
    );
    assert!(run.error.error.detail().contains("sheet_row_numbah"));
    assert!(
        message.contains("Fix it"),
        "a misspelled column has a one-click fix: {message}"
    );
    assert!(
        mock.requests().is_empty(),
        "nothing may be sent for a blocked file"
    );
}

#[tokio::test]
async fn a_blocked_file_without_a_one_click_fix_is_not_told_to_try_fix_it() {
    let mock = Mock::start().await;
    let input = tempfile::tempdir().unwrap();
    // A converted workbook or encoding would add format conversions, which fix no problem.
    let bad = write_file(
        input.path(),
        "notes.csv",
        "sheet_name,sheet_row_number,Notes\nSheet1,2,call the owner\n",
    );
    let run = run_job(&mock, client_for(&mock.base), |s| s.files = vec![bad]).await;
    assert_eq!(run.error.error.code(), sov_error::Code::PreflightBlocked);
    let message = run.error.error.message();
    assert!(message.contains("Notes"), "{message}");
    assert!(!message.contains("Fix it"), "{message}");
    assert!(message.contains("no one-click fix"), "{message}");
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn a_file_that_is_not_a_table_is_refused_even_with_override() {
    let mock = Mock::start().await;
    let input = tempfile::tempdir().unwrap();
    let pdf = input.path().join("scan.csv");
    std::fs::write(
        &pdf,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    )
    .unwrap();
    let run = run_job(&mock, client_for(&mock.base), |s| {
        s.files = vec![pdf];
        s.override_preflight = true;
    })
    .await;
    assert_eq!(run.error.step, Step::Validate);
    assert_eq!(run.error.error.code(), sov_error::Code::PreflightBlocked);
    assert!(run.error.error.message().contains("scan.csv"));
    assert!(mock.requests().is_empty());
}
