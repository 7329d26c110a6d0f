//! Kill the runner (SIGKILL) at each step of a job, start it again with `--resume`, and check that
//! the job ends in the right state, nothing was sent twice, no partial file remains and the history
//! tells the whole story.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use crate::support::{resume_action, Harness};
use sov_history::{JobDetail, JobStatus, TransitionKind};
use sovfixer_sandbox::{Endpoint, LARGE_SOV_ID};

fn has(detail: &JobDetail, wanted: impl Fn(&TransitionKind) -> bool) -> bool {
    detail.transitions.iter().any(|t| wanted(&t.kind))
}

/// Holds a request far longer than any test runs. The sandbox acts on a request, and logs it, only once its
/// latency is over; a request whose client is killed meanwhile is dropped with the connection, unlogged and
/// without effect. So after a kill under this latency the request log holds exactly what the resumed run sent
/// (every request of a finished run is logged), and the counts below are exact, with no wait for the cut-off
/// request to run out.
const HELD: u64 = 600_000;

/// Ended as done: every output on disk as recorded, nothing partial, nothing numbered twice.
fn assert_done_with_outputs(harness: &Harness, detail: &JobDetail, outputs: usize) {
    assert_eq!(detail.status, JobStatus::Finished, "{detail:#?}");
    assert_eq!(detail.outputs.len(), outputs, "{detail:#?}");
    for output in &detail.outputs {
        let (size, sha256) = sov_jobs::hash_file(&output.local_path).unwrap();
        assert_eq!(
            (size, sha256.as_str()),
            (output.size, output.sha256.as_str())
        );
    }
    let names = harness.downloaded_names();
    assert_eq!(
        names.len(),
        outputs,
        "exactly the outputs, once each: {names:?}"
    );
    assert!(
        names
            .iter()
            .all(|n| !n.ends_with(".part") && !n.contains(" (2)")),
        "{names:?}"
    );
    assert!(has(detail, |k| matches!(k, TransitionKind::Finished)));
}

/// Ended as honestly interrupted: failed with the `interrupted` code and a plain message.
fn assert_interrupted(detail: &JobDetail, message_part: &str) {
    assert_eq!(detail.status, JobStatus::Failed, "{detail:#?}");
    let error = detail.last_error.as_ref().unwrap();
    assert_eq!(error.code, sov_jobs::INTERRUPTED_CODE);
    assert!(error.message.contains(message_part), "{}", error.message);
    assert!(
        error.message.contains("Start the update again"),
        "{}",
        error.message
    );
}

/// Resumes; the job must be marked interrupted (not continued).
fn resume_marks_interrupted(harness: &Harness) {
    let lines = harness.resume().finish();
    assert_eq!(
        resume_action(&lines)["action"],
        "marked_interrupted",
        "{lines:#?}"
    );
}

/// One initiate, exactly the one upload the kill cut off (never acted on, never sent again), no start.
fn assert_upload_cut_off_and_not_sent_again(harness: &Harness) {
    assert_eq!(harness.seen(Endpoint::InitiateUpdate), 1);
    assert_eq!(
        harness.seen(Endpoint::AddLocations),
        1,
        "exactly the upload cut off by the kill; it was not sent again"
    );
    assert_eq!(harness.count(Endpoint::AddLocations), 0);
    assert_eq!(harness.seen(Endpoint::Start), 0, "nothing was started");
}

#[test]
fn killed_while_initiating_is_failed_honestly_and_never_sent_again() {
    let harness = Harness::new(Duration::from_secs(2));
    harness.hold(Endpoint::InitiateUpdate, HELD);
    let mut run = harness.start_sample_job(&["JSON"]);
    run.wait_for("phase initiating");
    harness.wait_until_seen(Endpoint::InitiateUpdate, 1);
    run.kill();

    let lines = harness.resume().finish();
    let action = resume_action(&lines);
    assert_eq!(action["action"], "marked_interrupted", "{lines:#?}");
    assert_eq!(
        harness.seen(Endpoint::InitiateUpdate),
        1,
        "exactly the one initiate cut off by the kill; none sent again"
    );
    assert_eq!(harness.count(Endpoint::InitiateUpdate), 0, "it never acted");
    assert!(harness.control().jobs().is_empty(), "no update was created");
    assert_eq!(harness.count(Endpoint::Start), 0);
    let detail = harness.only_job();
    assert_interrupted(
        &detail,
        "Interrupted before SOV Updater knew whether the server received it",
    );
    assert!(has(&detail, |k| matches!(k, TransitionKind::InitiateSent)));
    assert!(harness.downloaded_names().is_empty());
}

#[test]
fn killed_between_initiate_and_upload_is_failed_honestly() {
    let harness = Harness::new(Duration::from_secs(2));
    harness.hold(Endpoint::AddLocations, HELD);
    let mut run = harness.start_sample_job(&["JSON"]);
    let update_line = run.wait_for("update_id");
    harness.wait_until_seen(Endpoint::AddLocations, 1);
    run.kill();

    resume_marks_interrupted(&harness);
    assert_eq!(harness.count(Endpoint::InitiateUpdate), 1);
    assert_upload_cut_off_and_not_sent_again(&harness);
    let detail = harness.only_job();
    assert_interrupted(&detail, "Interrupted before the server received it");
    let update_id = update_line.rsplit(' ').next().unwrap();
    assert_eq!(detail.update_id.as_deref(), Some(update_id));
    assert!(harness.control().jobs().iter().all(|job| !job.started));
}

#[test]
fn killed_mid_upload_is_failed_honestly_naming_the_file() {
    let harness = Harness::new(Duration::from_secs(2));
    harness.hold(Endpoint::AddLocations, HELD);
    let file = harness.large_file();
    let mut run = harness.start_job(LARGE_SOV_ID, &file, &["JSON"]);
    run.wait_for("upload_started 1");
    // The server sits on the request (latency) while the client is still sending the file.
    harness.wait_until_seen(Endpoint::AddLocations, 1);
    run.kill();

    resume_marks_interrupted(&harness);
    assert_upload_cut_off_and_not_sent_again(&harness);
    let detail = harness.only_job();
    assert_interrupted(&detail, "large corrections.csv");
    assert!(has(&detail, |k| matches!(
        k,
        TransitionKind::UploadStarted { file_index: 0 }
    )));
    assert!(!has(&detail, |k| matches!(
        k,
        TransitionKind::UploadAcknowledged { .. }
    )));
    assert_eq!(
        detail.input_files[0].size,
        std::fs::metadata(&file).unwrap().len()
    );
}

#[test]
fn killed_after_start_resumes_polling_and_downloads() {
    let harness = Harness::new(Duration::from_secs(4));
    let mut run = harness.start_sample_job(&["JSON"]);
    run.wait_for("phase queued");
    run.kill();

    let lines = harness.resume().finish();
    assert_eq!(resume_action(&lines)["action"], "polling", "{lines:#?}");
    assert!(lines.iter().any(|l| l.ends_with(" end ok")), "{lines:#?}");
    assert_eq!(harness.count(Endpoint::InitiateUpdate), 1);
    assert_eq!(harness.count(Endpoint::AddLocations), 1);
    assert_eq!(harness.count(Endpoint::Start), 1, "start was sent again");
    let detail = harness.only_job();
    assert_done_with_outputs(&harness, &detail, 1);
    assert!(has(&detail, |k| matches!(
        k,
        TransitionKind::StartAcknowledged
    )));
    assert!(has(&detail, |k| matches!(
        k,
        TransitionKind::UploadAcknowledged { file_index: 0 }
    )));
}

#[test]
fn killed_while_start_was_in_flight_asks_the_server_and_starts_once() {
    let harness = Harness::new(Duration::from_secs(2));
    harness.hold(Endpoint::Start, HELD);
    let mut run = harness.start_sample_job(&["JSON"]);
    run.wait_for("phase starting");
    harness.wait_until_seen(Endpoint::Start, 1);
    run.kill();
    harness.control().clear_fault(Endpoint::Start);

    let lines = harness.resume().finish();
    // The cut-off start never acted: the server still has the update PENDING, so it is started now, once.
    assert_eq!(resume_action(&lines)["action"], "started", "{lines:#?}");
    assert!(lines.iter().any(|l| l.ends_with(" end ok")), "{lines:#?}");
    let refused_starts = harness
        .control()
        .requests()
        .iter()
        .filter(|r| r.endpoint == Some(Endpoint::Start) && r.status == 409)
        .count();
    assert_eq!(
        refused_starts, 0,
        "start was sent to an update already started"
    );
    assert_eq!(harness.count(Endpoint::Start), 1);
    assert_eq!(
        harness.seen(Endpoint::Start),
        2,
        "the start cut off by the kill, then exactly one after asking the server"
    );
    let detail = harness.only_job();
    assert_done_with_outputs(&harness, &detail, 1);
    assert!(has(&detail, |k| matches!(k, TransitionKind::StartSent)));
}

#[test]
fn killed_mid_poll_resumes_polling_and_downloads() {
    let harness = Harness::new(Duration::from_secs(5));
    let mut run = harness.start_sample_job(&["JSON", "CSV"]);
    run.wait_for("phase processing");
    run.kill();

    let lines = harness.resume().finish();
    assert_eq!(resume_action(&lines)["action"], "polling", "{lines:#?}");
    assert_eq!(harness.count(Endpoint::InitiateUpdate), 1);
    assert_eq!(harness.count(Endpoint::Start), 1);
    let detail = harness.only_job();
    assert_done_with_outputs(&harness, &detail, 2);
    assert!(has(&detail, |k| matches!(k, TransitionKind::Processing)));
}

#[test]
fn killed_mid_download_keeps_saved_outputs_and_leaves_no_partial_file() {
    let harness = Harness::new(Duration::from_secs(1));
    harness.hold(Endpoint::Download, 1_500);
    let mut run = harness.start_sample_job(&["JSON", "CSV"]);
    run.wait_for(" saved ");
    run.wait_for("download 2");
    harness.wait_until_seen(Endpoint::Download, 2);
    run.kill();
    // What a kill in the middle of writing an output leaves behind.
    std::fs::write(
        harness.downloads().join(".sov-updater-Ab12Cd.part"),
        b"half of a file",
    )
    .unwrap();
    let first = harness
        .downloaded_names()
        .into_iter()
        .find(|n| !n.ends_with(".part"))
        .unwrap();

    let lines = harness.resume().finish();
    let action = resume_action(&lines);
    assert_eq!(action["action"], "downloading_remaining", "{lines:#?}");
    assert_eq!(action["already_saved"][0], first.as_str());
    assert!(
        lines.iter().any(|l| l.starts_with("removed_partial ")),
        "{lines:#?}"
    );
    let first_fetches = harness
        .control()
        .requests()
        .iter()
        .filter(|r| r.endpoint == Some(Endpoint::Download))
        .filter(|r| r.path.ends_with(&first.replace(' ', "%20")))
        .count();
    assert_eq!(first_fetches, 1, "a saved output was downloaded again");
    assert_eq!(
        harness.seen(Endpoint::Download),
        3,
        "the saved output once, the cut-off one twice (before and after the kill)"
    );
    let detail = harness.only_job();
    assert_done_with_outputs(&harness, &detail, 2);
    assert_eq!(harness.count(Endpoint::Start), 1);
}

#[test]
fn killed_before_any_output_was_saved_downloads_all_once() {
    let harness = Harness::new(Duration::from_secs(1));
    harness.hold(Endpoint::Download, 2_000);
    let mut run = harness.start_sample_job(&["JSON"]);
    run.wait_for("phase downloading");
    harness.wait_until_seen(Endpoint::Download, 1);
    run.kill();
    harness.control().clear_fault(Endpoint::Download);

    let lines = harness.resume().finish();
    assert_eq!(resume_action(&lines)["action"], "polling", "{lines:#?}");
    assert_eq!(
        harness.seen(Endpoint::Download),
        2,
        "the download cut off by the kill, then exactly one after the resume"
    );
    let detail = harness.only_job();
    assert_done_with_outputs(&harness, &detail, 1);
    assert!(has(&detail, |k| matches!(
        k,
        TransitionKind::DownloadsPlanned { .. }
    )));
}

#[test]
fn a_second_resume_finds_nothing_left_to_do() {
    let harness = Harness::new(Duration::from_secs(3));
    let mut run = harness.start_sample_job(&["JSON"]);
    run.wait_for("phase processing");
    run.kill();
    harness.resume().finish();

    let lines = harness.resume().finish();
    assert!(
        !lines.iter().any(|l| l.starts_with("resume ")),
        "{lines:#?}"
    );
    assert_eq!(harness.count(Endpoint::Start), 1);
    assert_done_with_outputs(&harness, &harness.only_job(), 1);
}

#[test]
fn killed_while_an_output_is_being_written_leaves_no_partial_file() {
    let harness = Harness::new(Duration::from_secs(1));
    harness
        .control()
        .add_generated_sov("s-big", 60_000)
        .unwrap();
    let file = harness.dir.path().join("big corrections.csv");
    std::fs::write(
        &file,
        "sheet_name,sheet_row_number,bldg_name\nLocations,2,Renamed\n",
    )
    .unwrap();
    let mut run = harness.start_job("s-big", &file, &["JSON"]);
    run.wait_for("download 1");
    let started = std::time::Instant::now();
    let partial = loop {
        let partial = harness
            .downloaded_names()
            .into_iter()
            .find(|n| n.ends_with(".part"));
        let size = partial
            .as_ref()
            .and_then(|n| std::fs::metadata(harness.downloads().join(n)).ok())
            .map_or(0, |m| m.len());
        if size > 0 {
            break partial.unwrap();
        }
        assert!(
            started.elapsed() < crate::support::LINE_WAIT,
            "no partial file appeared"
        );
        std::thread::sleep(Duration::from_millis(2));
    };
    run.kill();
    assert!(
        harness.downloads().join(&partial).exists(),
        "the kill left the partial file"
    );

    let lines = harness.resume().finish();
    assert!(
        lines.iter().any(|l| l.starts_with("removed_partial ")),
        "{lines:#?}"
    );
    let detail = harness.only_job();
    assert_done_with_outputs(&harness, &detail, 1);
}
