//! Cancelling at every step ends the job promptly as Cancelled and leaves no partial file.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::mock::{Fault, Mock, Output, SOV_ID};
use crate::support::{client_for, fast_poll, list_dir, write_file, Events, CORRECTIONS};
use sov_update::{Job, JobError, JobProgress, JobSpec, Phase, Step};
use tokio_util::sync::CancellationToken;

/// Far longer than any test may take: a job that waits this out was not cancelled.
const SERVER_DELAY: Duration = Duration::from_secs(20);
const PROMPT: Duration = Duration::from_secs(8);

struct Cancelled {
    error: JobError,
    dest: tempfile::TempDir,
    last: JobProgress,
}

/// Runs a job and cancels it `after` the first snapshot matching `when` (mid-request when the
/// server is slow at that point).
async fn cancel_during(
    mock: &Mock,
    when: impl Fn(&JobProgress) -> bool + Send + Sync + 'static,
    after: Duration,
) -> Cancelled {
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let cancel = CancellationToken::new();
    let reached = Arc::new(AtomicBool::new(false));
    let events = Events::default();
    let record = events.callback();
    let flag = reached.clone();
    let callback: sov_update::ProgressCallback = Arc::new(move |p: &JobProgress| {
        if when(p) {
            flag.store(true, Ordering::SeqCst);
        }
        record(p);
    });
    let trigger = cancel.clone();
    tokio::spawn(async move {
        while !reached.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(after).await;
        trigger.cancel();
    });
    let spec = JobSpec {
        sov_id: SOV_ID.into(),
        files: vec![file],
        download_dir: dest.path().to_owned(),
        ..JobSpec::default()
    };
    let began = Instant::now();
    let error = Job::new(client_for(&mock.base), fast_poll(), callback, cancel)
        .run(spec)
        .await
        .unwrap_err();
    let took = began.elapsed();
    let last = events.last();
    assert_eq!(error.error.code(), sov_error::Code::Cancelled);
    assert_eq!(last.phase, Phase::Cancelled);
    assert!(took < PROMPT, "cancel took {took:?}");
    Cancelled { error, dest, last }
}

fn phase_is(phase: Phase) -> impl Fn(&JobProgress) -> bool + Send + Sync + 'static {
    move |p| p.phase == phase
}

#[tokio::test]
async fn cancelled_before_it_starts() {
    let mock = Mock::start().await;
    let cancel = CancellationToken::new();
    cancel.cancel();
    let events = Events::default();
    let spec = JobSpec {
        sov_id: SOV_ID.into(),
        ..JobSpec::default()
    };
    let error = Job::new(
        client_for(&mock.base),
        fast_poll(),
        events.callback(),
        cancel,
    )
    .run(spec)
    .await
    .unwrap_err();
    assert_eq!(
        (error.step, error.error.code()),
        (Step::Validate, sov_error::Code::Cancelled)
    );
    assert_eq!(events.last().phase, Phase::Cancelled);
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn cancelled_while_initiating() {
    let mock = Mock::start().await;
    mock.fault("initiate_update", Fault::Delay(SERVER_DELAY));
    let run = cancel_during(
        &mock,
        phase_is(Phase::Initiating),
        Duration::from_millis(200),
    )
    .await;
    assert_eq!(run.error.step, Step::Initiate);
    assert_eq!(run.error.update_id, None);
}

#[tokio::test]
async fn cancelled_while_uploading() {
    let mock = Mock::start().await;
    mock.fault("add_locations", Fault::Delay(SERVER_DELAY));
    let run = cancel_during(
        &mock,
        phase_is(Phase::Uploading),
        Duration::from_millis(200),
    )
    .await;
    assert_eq!(run.error.step, Step::Upload);
    assert!(
        run.error.update_id.is_some(),
        "the update id is kept for the record"
    );
    assert_eq!(mock.count("start"), 0);
}

#[tokio::test]
async fn cancelled_while_starting() {
    let mock = Mock::start().await;
    mock.fault("start", Fault::Delay(SERVER_DELAY));
    let run = cancel_during(&mock, phase_is(Phase::Starting), Duration::from_millis(200)).await;
    assert_eq!(run.error.step, Step::Start);
    assert_eq!(
        mock.count("start"),
        1,
        "cancel must not trigger a second start"
    );
}

#[tokio::test]
async fn cancelled_while_queued_or_processing() {
    let mock = Mock::start().await;
    mock.with(|s| s.script = vec![("IN_PROGRESS", 50, "Working."); 10_000]);
    let run = cancel_during(
        &mock,
        phase_is(Phase::Processing),
        Duration::from_millis(150),
    )
    .await;
    assert_eq!(run.error.step, Step::Process);
    assert_eq!(
        run.last.processing.as_ref().unwrap().pct_complete,
        Some(50.0)
    );
    // A request already on the wire at cancel time may still be logged by the server; after
    // that settles, no new poll may arrive.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let polls_at_cancel = mock.count("status");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        mock.count("status"),
        polls_at_cancel,
        "polling stops after cancel"
    );
}

#[tokio::test]
async fn cancelled_while_a_status_request_hangs() {
    let mock = Mock::start().await;
    mock.fault("status", Fault::Delay(SERVER_DELAY));
    let run = cancel_during(&mock, phase_is(Phase::Queued), Duration::from_millis(200)).await;
    assert_eq!(run.error.step, Step::Process);
}

#[tokio::test]
async fn cancelled_mid_download_leaves_no_partial_file() {
    let mock = Mock::start().await;
    mock.with(|s| {
        s.outputs = vec![Output {
            filename: "big.json".into(),
            url: None,
            bytes: vec![b'y'; 200_000],
        }];
    });
    mock.fault(
        "download",
        Fault::Slow {
            chunk: 2_000,
            pause: Duration::from_millis(100),
        },
    );
    let run = cancel_during(
        &mock,
        |p| p.download.as_ref().is_some_and(|d| d.bytes_received > 0),
        Duration::from_millis(100),
    )
    .await;
    assert_eq!(run.error.step, Step::Download);
    assert!(
        list_dir(run.dest.path()).is_empty(),
        "no partial or temp file may remain"
    );
}
