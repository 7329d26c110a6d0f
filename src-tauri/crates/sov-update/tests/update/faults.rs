//! Injected faults are survived (or reported as designed), with no duplicate update job, no
//! double start and no partial file.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use crate::support::mock::{html_502, Fault, Mock, Output, SOV_ID};
use crate::support::{
    client_for, client_with, fast_poll, list_dir, sha256_hex, write_file, Events, CORRECTIONS,
};
use sov_update::{Job, JobOutcome, JobSpec, StartRequest};
use tokio_util::sync::CancellationToken;

async fn run(
    _mock: &Mock,
    client: sov_update::SovFixerClient,
    dest: &std::path::Path,
) -> Result<JobOutcome, sov_update::JobError> {
    let input = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let spec = JobSpec {
        sov_id: SOV_ID.into(),
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

#[tokio::test]
async fn status_polls_survive_latency_502_html_503_and_429() {
    let mock = Mock::start().await;
    mock.fault("status", Fault::Delay(Duration::from_millis(300)));
    mock.fault("status", html_502());
    mock.fault(
        "status",
        Fault::Respond {
            status: 503,
            body: String::new(),
            retry_after: None,
        },
    );
    mock.fault(
        "status",
        Fault::Respond {
            status: 504,
            body: String::new(),
            retry_after: None,
        },
    );
    let dest = tempfile::tempdir().unwrap();
    let outcome = run(&mock, client_for(&mock.base), dest.path())
        .await
        .unwrap();
    assert_eq!(outcome.outputs.len(), 1);
    assert_eq!(mock.updates_created(), 1);
    assert_eq!(mock.count("start"), 1);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let mock = Mock::start().await;
    mock.fault(
        "status",
        Fault::Respond {
            status: 429,
            body: "{}".into(),
            retry_after: Some(1),
        },
    );
    let update_id = mock.seed_update(true);
    let began = Instant::now();
    client_for(&mock.base).status(&update_id).await.unwrap();
    // The quick test backoff is 20 ms; only Retry-After explains a wait of about a second.
    assert!(
        began.elapsed() >= Duration::from_millis(900),
        "{:?}",
        began.elapsed()
    );
    assert_eq!(mock.count("status"), 2);
}

#[tokio::test]
async fn initiate_after_a_429_is_repeated_once_the_server_allows() {
    let mock = Mock::start().await;
    mock.fault(
        "initiate_update",
        Fault::Respond {
            status: 429,
            body: "{}".into(),
            retry_after: Some(0),
        },
    );
    let dest = tempfile::tempdir().unwrap();
    run(&mock, client_for(&mock.base), dest.path())
        .await
        .unwrap();
    assert_eq!(mock.count("initiate_update"), 2);
    assert_eq!(mock.updates_created(), 1, "the 429 was refused unprocessed");
}

#[tokio::test]
async fn initiate_timeout_is_reported_not_repeated() {
    let mock = Mock::start().await;
    mock.fault("initiate_update", Fault::Delay(Duration::from_secs(3)));
    let dest = tempfile::tempdir().unwrap();
    let client = client_with(
        &mock.base,
        crate::support::TOKEN,
        Duration::from_millis(400),
    );
    let error = run(&mock, client, dest.path()).await.unwrap_err();
    assert_eq!(error.error.code(), sov_error::Code::TimedOut);
    // Give the slow handler time to finish, then check nothing else arrived.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(mock.count("initiate_update"), 1);
}

#[tokio::test]
async fn a_start_whose_answer_is_lost_is_confirmed_by_status_not_repeated() {
    let mock = Mock::start().await;
    // The backend starts the update, then the proxy answers 502; the first poll says IN_PROGRESS.
    mock.with(|s| s.script.remove(0));
    mock.fault(
        "start",
        Fault::CommitThenRespond {
            status: 502,
            body: "<html>Bad Gateway</html>".into(),
        },
    );
    let dest = tempfile::tempdir().unwrap();
    let outcome = run(&mock, client_for(&mock.base), dest.path())
        .await
        .unwrap();
    assert_eq!(mock.count("start"), 1);
    assert_eq!(mock.update(&outcome.update_id).1, 1);
}

#[tokio::test]
async fn a_start_refused_by_a_503_is_started_after_checking_status() {
    let mock = Mock::start().await;
    mock.fault(
        "start",
        Fault::Respond {
            status: 503,
            body: String::new(),
            retry_after: None,
        },
    );
    let dest = tempfile::tempdir().unwrap();
    let outcome = run(&mock, client_for(&mock.base), dest.path())
        .await
        .unwrap();
    assert_eq!(mock.update(&outcome.update_id).1, 1);
    assert_eq!(mock.count("start"), 2);
}

#[tokio::test]
async fn a_start_that_times_out_after_committing_is_confirmed_by_status() {
    let mock = Mock::start().await;
    mock.with(|s| s.script.remove(0));
    // The start commits after 0.8 s, long after the client's 0.5 s read timeout; the status
    // checks that follow are slow too, so the one that gets through sees the committed start.
    mock.fault("start", Fault::Delay(Duration::from_millis(800)));
    for _ in 0..3 {
        mock.fault("status", Fault::Delay(Duration::from_millis(1_500)));
    }
    let client = client_with(
        &mock.base,
        crate::support::TOKEN,
        Duration::from_millis(500),
    );
    let dest = tempfile::tempdir().unwrap();
    let outcome = run(&mock, client, dest.path()).await.unwrap();
    assert_eq!(mock.count("start"), 1, "confirmed by status, not repeated");
    assert_eq!(mock.update(&outcome.update_id).1, 1);
}

#[tokio::test]
async fn a_dropped_download_is_retried_from_scratch_and_leaves_no_partial_file() {
    let mock = Mock::start().await;
    let payload: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
    mock.with(|s| {
        s.outputs = vec![Output {
            filename: "big.json".into(),
            url: None,
            bytes: payload.clone(),
        }];
    });
    mock.fault("download", Fault::DropAfter(100_000));
    let dest = tempfile::tempdir().unwrap();
    let outcome = run(&mock, client_for(&mock.base), dest.path())
        .await
        .unwrap();
    assert_eq!(mock.count("download"), 2);
    assert_eq!(outcome.outputs[0].sha256, sha256_hex(&payload));
    assert_eq!(
        std::fs::read(dest.path().join("big.json")).unwrap(),
        payload
    );
    assert_eq!(list_dir(dest.path()), vec!["big.json"]);
}

#[tokio::test]
async fn a_download_that_keeps_dropping_fails_without_any_file() {
    let mock = Mock::start().await;
    let payload = vec![b'x'; 300_000];
    mock.with(|s| s.outputs[0].bytes = payload);
    for _ in 0..10 {
        mock.fault("download", Fault::DropAfter(100_000));
    }
    let dest = tempfile::tempdir().unwrap();
    let error = run(&mock, client_for(&mock.base), dest.path())
        .await
        .unwrap_err();
    assert_eq!(error.step, sov_update::Step::Download);
    assert_eq!(error.error.code(), sov_error::Code::NetworkUnreachable);
    assert!(
        error.error.detail().contains("interrupted"),
        "{}",
        error.error.detail()
    );
    assert_eq!(mock.count("download"), 4, "bounded retries");
    assert!(
        list_dir(dest.path()).is_empty(),
        "no partial or temp file may remain"
    );
}

#[tokio::test]
async fn an_existing_file_is_never_overwritten() {
    let mock = Mock::start().await;
    let dest = tempfile::tempdir().unwrap();
    std::fs::write(dest.path().join("Acme Corp 2026-06.json"), "mine").unwrap();
    let outcome = run(&mock, client_for(&mock.base), dest.path())
        .await
        .unwrap();
    assert_eq!(outcome.outputs[0].filename, "Acme Corp 2026-06 (2).json");
    assert_eq!(
        std::fs::read_to_string(dest.path().join("Acme Corp 2026-06.json")).unwrap(),
        "mine"
    );
    let again = run(&mock, client_for(&mock.base), dest.path())
        .await
        .unwrap();
    assert_eq!(again.outputs[0].filename, "Acme Corp 2026-06 (3).json");
}

#[tokio::test]
async fn a_non_json_success_body_is_a_clear_error() {
    let mock = Mock::start().await;
    mock.fault(
        "initiate_update",
        Fault::Respond {
            status: 200,
            body: "<html>captive portal</html>".into(),
            retry_after: None,
        },
    );
    let dest = tempfile::tempdir().unwrap();
    let error = run(&mock, client_for(&mock.base), dest.path())
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
    let mock = Mock::start().await;
    let update_id = mock.seed_update(false);
    let error = client_for(&mock.base)
        .add_locations(&update_id, &FailingSource, None)
        .await
        .unwrap_err();
    assert_eq!(error.code(), sov_error::Code::FileError);
    assert!(error.message().contains("vanishing.csv"));
    assert!(error.detail().contains("network drive went away"));
}
