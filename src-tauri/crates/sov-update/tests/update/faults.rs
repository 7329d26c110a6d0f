//! Injected faults are survived (or reported as designed), with no duplicate update job, no
//! double start and no partial file.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use crate::support::scripted_output;
use crate::support::{
    client_for, client_with, fast_poll, list_dir, seed_update, sha256_hex, start_sandbox,
    write_file, Events, CORRECTIONS,
};
use sov_update::{Job, JobOutcome, JobSpec, StartRequest};
use sovfixer_sandbox::{Endpoint, Fault, RunningSandbox, ScriptedStatus, SAMPLE_SOV_ID};
use tokio_util::sync::CancellationToken;

async fn run(
    client: sov_update::SovFixerClient,
    dest: &std::path::Path,
) -> Result<JobOutcome, sov_update::JobError> {
    let input = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let spec = JobSpec {
        sov_id: SAMPLE_SOV_ID.into(),
        files: vec![file],
        start: StartRequest::default(),
        download_dir: dest.to_owned(),
        ..JobSpec::default()
    };
    Job::new(
        client,
        fast_poll(),
        Events::default().callback(),
        CancellationToken::new(),
    )
    .run(spec)
    .await
}

fn error_status(status: u16) -> Fault {
    Fault {
        error_status: Some(status),
        ..Fault::default()
    }
}

fn latency(ms: u64) -> Fault {
    Fault {
        latency_ms: ms,
        ..Fault::default()
    }
}

/// The sandbox's next update ends with this one output.
fn one_output(sandbox: &RunningSandbox, name: &str, content: String) {
    sandbox
        .control()
        .set_scripted_outputs(Some(vec![scripted_output(name, &content)]));
}

/// Jobs skip the queue: the first poll after start already says IN_PROGRESS, then the job ends.
fn first_poll_in_progress(sandbox: &RunningSandbox) {
    sandbox
        .control()
        .set_status_script(Some(vec![ScriptedStatus {
            status: "IN_PROGRESS".into(),
            pct_complete: Some(30),
            health: "Priming enrichment cache.".into(),
        }]));
}

/// The update was started, exactly once as far as the sandbox knows.
fn assert_started(sandbox: &RunningSandbox, update_id: &str) {
    let control = sandbox.control();
    assert!(
        control
            .jobs()
            .iter()
            .any(|j| j.id == update_id && j.started),
        "{update_id} was not started"
    );
    let accepted = control
        .requests_to(Endpoint::Start)
        .iter()
        .filter(|r| r.status == 201)
        .count();
    assert!(accepted <= 1, "started twice");
}

#[tokio::test]
async fn status_polls_survive_latency_502_html_503_and_429() {
    let sandbox = start_sandbox().await;
    sandbox.control().queue_faults(
        Endpoint::Status,
        [
            latency(300),
            error_status(502),
            error_status(503),
            error_status(504),
        ],
    );
    let dest = tempfile::tempdir().unwrap();
    let outcome = run(client_for(&sandbox.api_url()), dest.path())
        .await
        .unwrap();
    assert_eq!(outcome.outputs.len(), 1);
    assert_eq!(sandbox.control().jobs().len(), 1);
    assert_eq!(sandbox.control().count_requests(Endpoint::Start), 1);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let sandbox = start_sandbox().await;
    let update_id = seed_update(&sandbox, true).await;
    sandbox.control().queue_faults(
        Endpoint::Status,
        [Fault {
            retry_after_s: Some(1),
            ..error_status(429)
        }],
    );
    let began = Instant::now();
    client_for(&sandbox.api_url())
        .status(&update_id)
        .await
        .unwrap();
    // The quick test backoff is 20 ms; only Retry-After explains a wait of about a second.
    assert!(
        began.elapsed() >= Duration::from_millis(900),
        "{:?}",
        began.elapsed()
    );
    assert_eq!(sandbox.control().count_requests(Endpoint::Status), 2);
}

#[tokio::test]
async fn initiate_after_a_429_is_repeated_once_the_server_allows() {
    let sandbox = start_sandbox().await;
    sandbox.control().queue_faults(
        Endpoint::InitiateUpdate,
        [Fault {
            retry_after_s: Some(0),
            ..error_status(429)
        }],
    );
    let dest = tempfile::tempdir().unwrap();
    run(client_for(&sandbox.api_url()), dest.path())
        .await
        .unwrap();
    assert_eq!(
        sandbox.control().count_requests(Endpoint::InitiateUpdate),
        2
    );
    assert_eq!(
        sandbox.control().jobs().len(),
        1,
        "the 429 was refused unprocessed"
    );
}

#[tokio::test]
async fn initiate_timeout_is_reported_not_repeated() {
    let sandbox = start_sandbox().await;
    sandbox
        .control()
        .queue_faults(Endpoint::InitiateUpdate, [latency(3_000)]);
    let dest = tempfile::tempdir().unwrap();
    let client = client_with(
        &sandbox.api_url(),
        crate::support::TOKEN,
        Duration::from_millis(400),
    );
    let error = run(client, dest.path()).await.unwrap_err();
    assert_eq!(error.error.code(), sov_error::Code::TimedOut);
    // Requests are logged as they arrive, so no wait is needed: the job has ended and sent exactly one.
    assert_eq!(sandbox.control().count_seen(Endpoint::InitiateUpdate), 1);
}

#[tokio::test]
async fn a_start_whose_answer_is_lost_is_confirmed_by_status_not_repeated() {
    let sandbox = start_sandbox().await;
    // The backend starts the update, then the proxy answers 502; the first poll says IN_PROGRESS.
    first_poll_in_progress(&sandbox);
    sandbox.control().queue_faults(
        Endpoint::Start,
        [Fault {
            after_commit: true,
            ..error_status(502)
        }],
    );
    let dest = tempfile::tempdir().unwrap();
    let outcome = run(client_for(&sandbox.api_url()), dest.path())
        .await
        .unwrap();
    assert_eq!(sandbox.control().count_seen(Endpoint::Start), 1);
    assert_started(&sandbox, &outcome.update_id);
}

#[tokio::test]
async fn a_start_refused_by_a_503_is_started_after_checking_status() {
    let sandbox = start_sandbox().await;
    sandbox
        .control()
        .queue_faults(Endpoint::Start, [error_status(503)]);
    let dest = tempfile::tempdir().unwrap();
    let outcome = run(client_for(&sandbox.api_url()), dest.path())
        .await
        .unwrap();
    assert_started(&sandbox, &outcome.update_id);
    assert_eq!(sandbox.control().count_requests(Endpoint::Start), 2);
}

#[tokio::test]
async fn a_start_that_times_out_after_committing_is_confirmed_by_status() {
    let sandbox = start_sandbox().await;
    first_poll_in_progress(&sandbox);
    // The start commits at once but answers after 0.8 s, long after the client's 0.5 s read timeout; the
    // status checks that follow are slow too, so the one that gets through sees the committed start.
    sandbox.control().queue_faults(
        Endpoint::Start,
        [Fault {
            answer_delay_ms: 800,
            ..Fault::default()
        }],
    );
    sandbox
        .control()
        .queue_faults(Endpoint::Status, vec![latency(1_500); 3]);
    let client = client_with(
        &sandbox.api_url(),
        crate::support::TOKEN,
        Duration::from_millis(500),
    );
    let dest = tempfile::tempdir().unwrap();
    let outcome = run(client, dest.path()).await.unwrap();
    assert_eq!(
        sandbox.control().count_seen(Endpoint::Start),
        1,
        "confirmed by status, not repeated"
    );
    assert_started(&sandbox, &outcome.update_id);
}

/// 800,000 bytes that differ along the file, so a wrongly stitched retry would show.
fn varied_payload() -> String {
    (0..100_000u32).map(|i| format!("{i:08}")).collect()
}

#[tokio::test]
async fn a_dropped_download_is_retried_from_scratch_and_leaves_no_partial_file() {
    let sandbox = start_sandbox().await;
    let payload = varied_payload();
    one_output(&sandbox, "big.json", payload.clone());
    sandbox.control().queue_faults(
        Endpoint::Download,
        [Fault {
            drop_after_bytes: Some(100_000),
            ..Fault::default()
        }],
    );
    let dest = tempfile::tempdir().unwrap();
    let outcome = run(client_for(&sandbox.api_url()), dest.path())
        .await
        .unwrap();
    assert_eq!(sandbox.control().count_requests(Endpoint::Download), 2);
    assert_eq!(outcome.outputs[0].sha256, sha256_hex(payload.as_bytes()));
    assert_eq!(
        std::fs::read(dest.path().join("big.json")).unwrap(),
        payload.as_bytes()
    );
    assert_eq!(list_dir(dest.path()), vec!["big.json"]);
}

#[tokio::test]
async fn a_download_that_keeps_dropping_fails_without_any_file() {
    let sandbox = start_sandbox().await;
    one_output(&sandbox, "big.json", "x".repeat(300_000));
    sandbox.control().set_fault(
        Endpoint::Download,
        Fault {
            drop_after_bytes: Some(100_000),
            ..Fault::default()
        },
    );
    let dest = tempfile::tempdir().unwrap();
    let error = run(client_for(&sandbox.api_url()), dest.path())
        .await
        .unwrap_err();
    assert_eq!(error.step, sov_update::Step::Download);
    assert_eq!(error.error.code(), sov_error::Code::NetworkUnreachable);
    assert!(
        error.error.detail().contains("interrupted"),
        "{}",
        error.error.detail()
    );
    assert_eq!(
        sandbox.control().count_requests(Endpoint::Download),
        4,
        "bounded retries"
    );
    assert!(
        list_dir(dest.path()).is_empty(),
        "no partial or temp file may remain"
    );
}

#[tokio::test]
async fn an_existing_file_is_never_overwritten() {
    let sandbox = start_sandbox().await;
    one_output(&sandbox, "Acme Corp 2026-06.json", "{}".into());
    let dest = tempfile::tempdir().unwrap();
    std::fs::write(dest.path().join("Acme Corp 2026-06.json"), "mine").unwrap();
    let outcome = run(client_for(&sandbox.api_url()), dest.path())
        .await
        .unwrap();
    assert_eq!(outcome.outputs[0].filename, "Acme Corp 2026-06 (2).json");
    assert_eq!(
        std::fs::read_to_string(dest.path().join("Acme Corp 2026-06.json")).unwrap(),
        "mine"
    );
    let again = run(client_for(&sandbox.api_url()), dest.path())
        .await
        .unwrap();
    assert_eq!(again.outputs[0].filename, "Acme Corp 2026-06 (3).json");
}

#[tokio::test]
async fn a_non_json_success_body_is_a_clear_error() {
    let sandbox = start_sandbox().await;
    sandbox.control().queue_faults(
        Endpoint::InitiateUpdate,
        [Fault {
            error_body: Some("<html>captive portal</html>".into()),
            ..error_status(200)
        }],
    );
    let dest = tempfile::tempdir().unwrap();
    let error = run(client_for(&sandbox.api_url()), dest.path())
        .await
        .unwrap_err();
    assert_eq!(error.error.code(), sov_error::Code::ServerError);
    assert!(error.error.detail().contains("captive portal"));
}

/// Accepts connections, reads a little of each request, then drops it: the request reached the
/// server, so it must not be repeated.
async fn half_listening_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut buffer = [0u8; 256];
            let _ = socket.read(&mut buffer).await;
            drop(socket);
        }
    });
    (base, accepted)
}

#[tokio::test]
async fn add_locations_that_reached_the_server_is_not_repeated() {
    let (base, accepted) = half_listening_server().await;
    let input = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "c.csv", CORRECTIONS);
    let upload = sov_update::FileUpload::from_path(&file).unwrap();
    let error = client_for(&base)
        .add_locations("s-1-r001", &upload, None)
        .await
        .unwrap_err();
    assert_eq!(error.code(), sov_error::Code::NetworkUnreachable);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn add_locations_to_a_closed_port_is_retried_then_reported() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let input = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "c.csv", CORRECTIONS);
    let upload = sov_update::FileUpload::from_path(&file).unwrap();
    let error = client_for(&format!("http://127.0.0.1:{port}"))
        .add_locations("s-1-r001", &upload, None)
        .await
        .unwrap_err();
    assert_eq!(error.code(), sov_error::Code::NetworkUnreachable);
}

/// A source whose reader fails halfway, like a file on a network drive that disappears.
struct FailingSource;

impl sov_update::UploadSource for FailingSource {
    fn file_name(&self) -> &str {
        "vanishing.csv"
    }
    fn byte_len(&self) -> u64 {
        200_000
    }
    fn open(&self) -> std::io::Result<Box<dyn std::io::Read + Send>> {
        use std::io::Read;
        let head = std::io::Cursor::new(vec![b'a'; 70_000]);
        let fail = std::io::repeat(0).take(0).chain(FailingReader);
        Ok(Box::new(head.chain(fail)))
    }
}

struct FailingReader;

impl std::io::Read for FailingReader {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("the network drive went away"))
    }
}

#[tokio::test]
async fn a_file_that_fails_while_sending_is_a_file_error() {
    let sandbox = start_sandbox().await;
    let update_id = seed_update(&sandbox, false).await;
    let error = client_for(&sandbox.api_url())
        .add_locations(&update_id, &FailingSource, None)
        .await
        .unwrap_err();
    assert_eq!(error.code(), sov_error::Code::FileError);
    assert!(error.message().contains("vanishing.csv"));
    assert!(error.detail().contains("network drive went away"));
}
