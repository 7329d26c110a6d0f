//! The app's jobs end to end without a desktop: the demo sandbox, a recording host and a recording subscriber
//! stand where the shell puts notifications and the window's progress channel.
#![allow(clippy::unwrap_used)]

use super::support::Recording;
use serde_json::json;
use sov_app::{AppState, Host, JobResumed, MemoryStore};
use sov_update::engine::Phase;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct RecordingHost {
    focused: AtomicBool,
    notifications: Mutex<Vec<(String, String)>>,
    resumed: Mutex<Vec<JobResumed>>,
}

impl Host for RecordingHost {
    fn window_focused(&self) -> bool {
        self.focused.load(Ordering::SeqCst)
    }
    fn notify(&self, title: &str, body: &str) {
        self.notifications
            .lock()
            .unwrap()
            .push((title.to_owned(), body.to_owned()));
    }
    fn job_resumed(&self, resumed: &JobResumed) {
        self.resumed.lock().unwrap().push(resumed.clone());
    }
}

fn app(dir: &tempfile::TempDir) -> Arc<AppState> {
    Arc::new(AppState::new(
        dir.path().join("config"),
        Box::new(MemoryStore::default()),
        None,
        Box::new(|_| None),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_job_reaches_its_subscriber_and_is_announced_only_when_the_user_looks_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let state = app(&dir);
    let demo = state.start_demo().await.unwrap();
    let host = Arc::new(RecordingHost::default());
    let request = |insured: &str| {
        serde_json::from_value(json!({
            "sovId": demo.sov_id, "files": [demo.sample_files[0]], "outputFormats": ["JSON"],
            "extraData": {"insured_name": insured}, "downloadDir": dir.path().join("out")
        }))
        .unwrap()
    };

    let away = Recording::default();
    let started = state
        .start_job(host.clone(), request("Away Co"), Box::new(away.clone()))
        .await
        .unwrap();
    let end = away.until_final().await;
    assert_eq!(end.phase, Phase::Done, "{end:?}");
    assert_eq!(end.job_id, started.job_id);
    assert!(end.outputs[0].filename.starts_with("Away Co"));
    // The notification is sent after the job's task ends, which is just after its last snapshot.
    let announced = async {
        while host.notifications.lock().unwrap().is_empty() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), announced)
        .await
        .unwrap();
    assert_eq!(
        host.notifications.lock().unwrap()[0],
        (
            "Your SOV update is ready".to_owned(),
            "1 file was downloaded.".to_owned()
        )
    );
    assert_eq!(
        state.list_history().unwrap()[0].id,
        started.job_id,
        "every job is recorded"
    );

    host.focused.store(true, Ordering::SeqCst);
    let looking = Recording::default();
    state
        .start_job(
            host.clone(),
            request("Looking Co"),
            Box::new(looking.clone()),
        )
        .await
        .unwrap();
    assert_eq!(looking.until_final().await.phase, Phase::Done);
    let attached = Recording::default();
    let latest = state.attach_job(Box::new(attached)).unwrap();
    assert_eq!(
        latest.phase,
        Phase::Done,
        "a reloaded page sees how it ended"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        host.notifications.lock().unwrap().len(),
        1,
        "no notification while the user looks at the window"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_job_is_refused_while_the_first_runs_and_cancel_ends_it() {
    let dir = tempfile::tempdir().unwrap();
    let state = app(&dir);
    let demo = state.start_demo().await.unwrap();
    let host = Arc::new(RecordingHost::default());
    let request = || {
        serde_json::from_value::<sov_app::JobRequest>(json!({
            "sovId": demo.sov_id, "files": [demo.sample_files[0]], "outputFormats": ["JSON"],
            "downloadDir": dir.path().join("out")
        }))
        .unwrap()
    };
    let first = Recording::default();
    let started = state
        .start_job(host.clone(), request(), Box::new(first.clone()))
        .await
        .unwrap();
    let refused = state
        .start_job(host.clone(), request(), Box::new(Recording::default()))
        .await
        .unwrap_err();
    assert!(refused.message.contains("already running"), "{refused:?}");
    assert_eq!(
        std::fs::read_dir(dir.path().join("out")).unwrap().count(),
        1,
        "the refused run leaves no folder of its own"
    );
    state.cancel_job(&started.job_id).unwrap();
    assert_eq!(first.until_final().await.phase, Phase::Cancelled);
    assert_eq!(state.list_history().unwrap()[0].id, started.job_id);
    // A run that saved nothing leaves no empty folder: it goes once the job's task has ended.
    let out = dir.path().join("out");
    let emptied = async {
        while std::fs::read_dir(&out).unwrap().count() > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), emptied)
        .await
        .expect("the cancelled run's empty folder is removed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_offers_one_sample_file_that_passes_the_check_and_applies_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let state = app(&dir);
    let demo = state.start_demo().await.unwrap();
    assert_eq!(demo.sample_files.len(), 1, "{:?}", demo.sample_files);
    let reports = sov_app::check_files(demo.sample_files.clone(), None)
        .await
        .unwrap();
    assert!(reports.iter().all(|report| !report.blocking), "{reports:?}");
    let host = Arc::new(RecordingHost::default());
    let request = serde_json::from_value(json!({
        "sovId": demo.sov_id, "files": demo.sample_files, "outputFormats": ["JSON"],
        "downloadDir": dir.path().join("out")
    }))
    .unwrap();
    let recording = Recording::default();
    state
        .start_job(host, request, Box::new(recording.clone()))
        .await
        .unwrap();
    let end = recording.until_final().await;
    assert_eq!(end.phase, Phase::Done, "{end:?}");
    assert_eq!(end.rows_not_applied, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_the_server_did_not_apply_reach_the_window_the_notification_and_recent_updates() {
    let dir = tempfile::tempdir().unwrap();
    let state = app(&dir);
    let demo = state.start_demo().await.unwrap();
    let corrections = dir.path().join("some-unknown.csv");
    std::fs::write(
        &corrections,
        "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\nSheet1,99,Nowhere\n",
    )
    .unwrap();
    let host = Arc::new(RecordingHost::default());
    let request = serde_json::from_value(json!({
        "sovId": demo.sov_id, "files": [corrections], "outputFormats": ["JSON"],
        "extraData": {"insured_name": "Renamed Co"}, "downloadDir": dir.path().join("out")
    }))
    .unwrap();
    let recording = Recording::default();
    let started = state
        .start_job(host.clone(), request, Box::new(recording.clone()))
        .await
        .unwrap();
    let end = recording.until_final().await;
    assert_eq!(end.phase, Phase::Done, "{end:?}");
    let rows = end.rows_not_applied.clone().expect("the window is told");
    assert_eq!(
        (rows.count, rows.named.clone()),
        (1, vec!["Sheet1 row 99".to_owned()])
    );
    let saved = rows.saved_to.expect("the list is saved beside the outputs");
    assert_eq!(
        saved.parent(),
        end.output_folder.as_deref(),
        "beside the outputs, in the run's own folder"
    );
    assert_eq!(
        saved.parent().and_then(|folder| folder.parent()),
        Some(dir.path().join("out").as_path())
    );
    assert!(std::fs::read_to_string(&saved)
        .unwrap()
        .contains("Sheet1 row 99"));

    let announced = async {
        while host.notifications.lock().unwrap().is_empty() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), announced)
        .await
        .unwrap();
    assert_eq!(
        host.notifications.lock().unwrap()[0].0,
        "Your SOV update finished with rows not applied"
    );
    let recent = state.list_history().unwrap();
    let entry = recent.iter().find(|e| e.id == started.job_id).unwrap();
    let kept = entry.rows_not_applied.as_ref().expect("history keeps it");
    assert_eq!(kept.count, 1);
    assert_eq!(kept.named, vec!["Sheet1 row 99"]);
}

/// "Acme Corp 2026-12-06 14.05", possibly with " (2)": the label, then the local date and time to the minute.
fn is_run_folder_of(folder: &std::path::Path, label: &str) -> bool {
    let name = folder.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let Some(rest) = name.strip_prefix(&format!("{label} ")) else {
        return false;
    };
    let (stamp, suffix) = rest.split_at(rest.len().min(16));
    let shape_ok = stamp.chars().enumerate().all(|(i, c)| match i {
        4 | 7 => c == '-',
        10 => c == ' ',
        13 => c == '.',
        _ => c.is_ascii_digit(),
    });
    stamp.len() == 16 && shape_ok && (suffix.is_empty() || suffix.starts_with(" ("))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_run_saves_into_a_new_folder_named_after_the_insured_and_the_time_and_the_newest_is_listed_first(
) {
    let dir = tempfile::tempdir().unwrap();
    let state = app(&dir);
    let demo = state.start_demo().await.unwrap();
    let host = Arc::new(RecordingHost::default());
    let out = dir.path().join("out");
    let run = |extra: serde_json::Value| {
        let state = state.clone();
        let host = host.clone();
        let request = serde_json::from_value(json!({
            "sovId": demo.sov_id, "files": [demo.sample_files[0]], "outputFormats": ["JSON"],
            "extraData": extra, "downloadDir": out
        }))
        .unwrap();
        async move {
            let recording = Recording::default();
            let started = state
                .start_job(host, request, Box::new(recording.clone()))
                .await
                .unwrap();
            let end = recording.until_final().await;
            assert_eq!(end.phase, Phase::Done, "{end:?}");
            (started.job_id, end)
        }
    };

    let (first_id, first) = run(json!({"insured_name": "Acme Corp"})).await;
    let (second_id, second) = run(json!({"insured_name": "Acme Corp"})).await;
    let first_folder = first
        .output_folder
        .clone()
        .expect("the window is told the folder");
    let second_folder = second
        .output_folder
        .clone()
        .expect("the window is told the folder");
    for folder in [&first_folder, &second_folder] {
        assert_eq!(folder.parent(), Some(out.as_path()));
        assert!(
            is_run_folder_of(folder, "Acme Corp"),
            "{}",
            folder.display()
        );
    }
    assert_ne!(first_folder, second_folder, "a run never shares a folder");
    // Each run's files keep the server's names, in their own folder: no "(2)" copies side by side.
    assert_eq!(first.outputs[0].filename, second.outputs[0].filename);
    assert!(!second.outputs[0].filename.contains("(2)"));
    assert_eq!(first.outputs[0].path.parent(), Some(first_folder.as_path()));
    assert!(first.outputs[0].path.is_file() && second.outputs[0].path.is_file());

    // Without an insured name, the folder is named after the SOV.
    let (_, unnamed) = run(json!({})).await;
    let unnamed_folder = unnamed.output_folder.clone().unwrap();
    assert!(
        is_run_folder_of(&unnamed_folder, &demo.sov_id),
        "{}",
        unnamed_folder.display()
    );

    let listed = state.list_history().unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[1].id, second_id, "newest first");
    assert_eq!(listed[2].id, first_id);
    let detail = state.get_history(&first_id).unwrap();
    assert_eq!(detail.output_folder, Some(first_folder));
    assert!(detail.outputs.iter().all(|o| o.exists));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_folder_that_cannot_hold_a_run_folder_is_refused_in_words_before_anything_is_sent(
) {
    let dir = tempfile::tempdir().unwrap();
    let state = app(&dir);
    let demo = state.start_demo().await.unwrap();
    let not_a_folder = dir.path().join("report.txt");
    std::fs::write(&not_a_folder, "").unwrap();
    let request = serde_json::from_value(json!({
        "sovId": demo.sov_id, "files": [demo.sample_files[0]], "outputFormats": ["JSON"],
        "downloadDir": not_a_folder
    }))
    .unwrap();
    let error = state
        .start_job(
            Arc::new(RecordingHost::default()),
            request,
            Box::new(Recording::default()),
        )
        .await
        .unwrap_err();
    assert_eq!(error.code, sov_error::Code::FileError);
    assert!(error.message.contains("report.txt"), "{}", error.message);
    assert!(
        error.message.contains("Choose another folder"),
        "{}",
        error.message
    );
    assert!(
        state.list_history().unwrap().is_empty(),
        "nothing was started"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_updates_details_list_its_files_newest_first_so_a_file_downloaded_again_comes_first() {
    let dir = tempfile::tempdir().unwrap();
    let state = app(&dir);
    let demo = state.start_demo().await.unwrap();
    let host = Arc::new(RecordingHost::default());
    let request = serde_json::from_value(json!({
        "sovId": demo.sov_id, "files": [demo.sample_files[0]], "outputFormats": ["JSON", "CSV"],
        "extraData": {"insured_name": "Acme Corp"}, "downloadDir": dir.path().join("out")
    }))
    .unwrap();
    let recording = Recording::default();
    let started = state
        .start_job(host.clone(), request, Box::new(recording.clone()))
        .await
        .unwrap();
    let end = recording.until_final().await;
    assert_eq!(end.phase, Phase::Done, "{end:?}");
    assert_eq!(end.outputs.len(), 2);
    // The file saved first is deleted, then fetched again: it is now the newest.
    let first_saved = end.outputs[0].clone();
    std::fs::remove_file(&first_saved.path).unwrap();

    let again = Recording::default();
    state
        .redownload(host.clone(), &started.job_id, Box::new(again.clone()))
        .await
        .unwrap();
    assert_eq!(again.until_final().await.phase, Phase::Done);
    let detail = state.get_history(&started.job_id).unwrap();
    let names: Vec<&str> = detail
        .outputs
        .iter()
        .filter(|o| o.description != "Change report")
        .map(|o| o.filename.as_str())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[0], first_saved.filename, "newest first: {names:?}");
    assert!(detail.outputs.iter().all(|o| o.exists));
    assert_eq!(detail.output_folder, end.output_folder);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_update_changed_reaches_the_window_and_stays_in_recent_updates() {
    let dir = tempfile::tempdir().unwrap();
    let state = app(&dir);
    let demo = state.start_demo().await.unwrap();
    let corrections = dir.path().join("rename.csv");
    std::fs::write(
        &corrections,
        "sheet_name,sheet_row_number,bldg_name,city\nSheet1,2,Normal House,Miami\n",
    )
    .unwrap();
    let host = Arc::new(RecordingHost::default());
    let request = serde_json::from_value(json!({
        "sovId": demo.sov_id, "files": [corrections], "outputFormats": ["JSON"],
        "extraData": {"insured_name": "Renamed Co"}, "downloadDir": dir.path().join("out")
    }))
    .unwrap();
    let recording = Recording::default();
    let started = state
        .start_job(host, request, Box::new(recording.clone()))
        .await
        .unwrap();

    let end = recording.until_changes().await;
    assert_eq!(end.phase, Phase::Done);
    let changes = end.changes.clone().unwrap();
    assert_eq!(
        (changes.confirmed, changes.not_applied),
        (2, 0),
        "{changes:?}"
    );
    assert_eq!(
        changes.derived, 1,
        "the address line recomputed from the city"
    );
    let report = changes.report.clone().expect("the report is saved");
    let outputs_folder = end.outputs[0].path.parent().unwrap();
    assert_eq!(
        report.parent(),
        Some(outputs_folder),
        "beside the new files"
    );
    let report_name = report.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        report_name.starts_with("Renamed Co change report ")
            && end.outputs[0].filename.starts_with("Renamed Co"),
        "named after the insured the update named, as its outputs are: {report_name}"
    );

    // Listed among the new files, opened like them.
    let listed = end
        .outputs
        .iter()
        .find(|output| output.path == report)
        .expect("the report is among the job's files");
    assert_eq!(listed.description.as_deref(), Some("Change report"));
    assert_eq!(listed.size, std::fs::metadata(&report).unwrap().len());
    assert_eq!(end.outputs.len(), 2, "the JSON output and the report");
    let detail = state.get_history(&started.job_id).unwrap();
    assert_eq!(detail.outputs[0].path, report, "newest first: {detail:?}");
    assert_eq!(detail.outputs[0].description, "Change report");
    assert!(detail.outputs[0].exists);

    let recent = state.list_history().unwrap();
    let entry = recent.iter().find(|e| e.id == started.job_id).unwrap();
    let kept = entry
        .changes
        .as_ref()
        .expect("Recent updates keeps what changed");
    assert_eq!((kept.confirmed, kept.derived), (2, 1));
    assert!(kept.report_exists);
    std::fs::remove_file(&report).unwrap();
    let recent = state.list_history().unwrap();
    let entry = recent.iter().find(|e| e.id == started.job_id).unwrap();
    let kept = entry.changes.as_ref().unwrap();
    assert_eq!(
        kept.confirmed, 2,
        "still says what changed after the report was moved"
    );
    assert!(!kept.report_exists);
    let detail = state.get_history(&started.job_id).unwrap();
    assert!(!detail.outputs[0].exists, "listed as no longer there");

    // "Download again" ends with the same changes in the window, the report made again beside the files.
    let again = Recording::default();
    state
        .redownload(
            Arc::new(RecordingHost::default()),
            &started.job_id,
            Box::new(again.clone()),
        )
        .await
        .unwrap();
    let end = again.until_changes().await;
    let remade = end.changes.clone().unwrap();
    assert_eq!(remade.summary, changes.summary);
    let report = remade.report.unwrap();
    assert!(report.is_file());
    assert!(end.outputs.iter().any(|output| output.path == report));
}
