//! The desktop commands against the in-process demo sandbox, through the real IPC wiring (mock runtime).
#![allow(clippy::unwrap_used)]

mod support;

use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::{invoke, Harness};

fn harness() -> Harness {
    support::harness(&[])
}

/// A channel id as the webview would pass it; the mock webview drops what is sent to it.
const CHANNEL: &str = "__CHANNEL__:4242";

fn wait_for_end(h: &Harness) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let snapshot = invoke(h, "attach_job", json!({"onEvent": CHANNEL})).unwrap();
        if matches!(
            snapshot["phase"].as_str(),
            Some("done" | "failed" | "cancelled")
        ) {
            return snapshot;
        }
        assert!(Instant::now() < deadline, "job did not finish: {snapshot}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn demo(h: &Harness) -> Value {
    invoke(h, "start_demo", json!({})).unwrap()
}

#[test]
fn the_demo_runs_a_whole_update_and_saves_the_outputs() {
    let h = harness();
    let started = demo(&h);
    assert_eq!(started["settings"]["environment"], "demo");
    let sov_id = started["sov_id"].as_str().unwrap().to_owned();
    let sample = started["sample_files"][0].as_str().unwrap().to_owned();

    let formats = invoke(&h, "list_output_formats", json!({"sovId": sov_id})).unwrap();
    assert!(formats
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["output_format"] == "JSON"));

    let reports = invoke(&h, "check_files", json!({"paths": [sample]})).unwrap();
    assert_eq!(reports[0]["blocking"], false);

    let out = h.dir.path().join("out");
    let job = invoke(
        &h,
        "start_job",
        json!({"request": {"sovId": sov_id, "files": [sample], "outputFormats": ["JSON", "CSV"],
               "extraData": {"insured_name": "Acme Corp", "sov_description": ""}, "downloadDir": out},
               "onEvent": CHANNEL}),
    )
    .unwrap();
    assert!(job["job_id"].as_str().unwrap().starts_with("j-"));

    let end = wait_for_end(&h);
    assert_eq!(end["phase"], "done", "{end}");
    assert_eq!(end["overall_progress"], 1.0);
    assert!(end["steps"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["status"] == "done"));
    let outputs = end["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 2);
    for output in outputs {
        let path = std::path::PathBuf::from(output["path"].as_str().unwrap());
        assert!(path.starts_with(&out));
        assert!(path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("Acme Corp"));
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            output["size"].as_u64().unwrap()
        );
    }
    let json_output = outputs
        .iter()
        .find(|o| o["filename"].as_str().unwrap().ends_with(".json"))
        .unwrap();
    let body = std::fs::read_to_string(json_output["path"].as_str().unwrap()).unwrap();
    assert!(
        body.contains("125000000"),
        "the demo sample's building value is in the output"
    );

    let settings = invoke(&h, "get_settings", json!({})).unwrap();
    assert_eq!(settings["recent_sov_ids"][0], sov_id.as_str());
    assert_eq!(settings["last_formats"], json!(["JSON", "CSV"]));
}

#[test]
fn an_unknown_sov_is_reported_as_not_found() {
    let h = harness();
    demo(&h);
    let error = invoke(
        &h,
        "list_output_formats",
        json!({"sovId": "s-does-not-exist"}),
    )
    .unwrap_err();
    assert_eq!(error["code"], "not_found");
    assert!(!error["message"].as_str().unwrap().is_empty());
}

#[test]
fn a_file_with_a_blocking_error_stops_the_job_before_anything_is_sent() {
    let h = harness();
    let started = demo(&h);
    let bad = h.dir.path().join("bad.csv");
    std::fs::write(&bad, "sheet_name,sheet_row_numbah,bldg_name\nSheet1,2,X\n").unwrap();
    let reports = invoke(&h, "check_files", json!({"paths": [bad]})).unwrap();
    assert_eq!(reports[0]["blocking"], true);
    invoke(
        &h,
        "start_job",
        json!({"request": {"sovId": started["sov_id"], "files": [bad], "outputFormats": ["JSON"],
               "downloadDir": h.dir.path().join("out")}, "onEvent": CHANNEL}),
    )
    .unwrap();
    let end = wait_for_end(&h);
    assert_eq!(end["phase"], "failed");
    assert_eq!(end["error"]["code"], "preflight_blocked");
    assert_eq!(end["update_id"], Value::Null, "no update job was created");
}

#[test]
fn a_fixable_file_is_fixed_into_a_new_file_next_to_it() {
    let h = harness();
    let bad = h.dir.path().join("corrections.csv");
    std::fs::write(&bad, "sheet_name,sheet_row_numbah,bldg_name\nSheet1,2,X\n").unwrap();
    let fixed = invoke(&h, "apply_fixes", json!({"path": bad})).unwrap();
    assert!(fixed["fixed_path"]
        .as_str()
        .unwrap()
        .ends_with("corrections (fixed).csv"));
    assert_eq!(fixed["report"]["blocking"], false);
    assert!(
        std::fs::read_to_string(&bad).unwrap().contains("numbah"),
        "the original is untouched"
    );
}

#[test]
fn a_job_without_files_or_formats_is_refused_with_the_reason() {
    let h = harness();
    demo(&h);
    let error = invoke(&h, "start_job", json!({"request": {"sovId": "s-demo-sample", "files": [], "outputFormats": ["JSON"]}, "onEvent": CHANNEL})).unwrap_err();
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("corrections file"));
    let error = invoke(&h, "start_job", json!({"request": {"sovId": "s-demo-sample", "files": ["/x.csv"], "outputFormats": []}, "onEvent": CHANNEL})).unwrap_err();
    assert!(error["message"].as_str().unwrap().contains("output format"));
}

#[test]
fn without_a_key_a_real_environment_asks_for_one() {
    let h = harness();
    invoke(&h, "save_connection", json!({"environment": "staging"})).unwrap();
    let error = invoke(&h, "test_connection", json!({})).unwrap_err();
    assert_eq!(error["code"], "no_api_key");
}

#[test]
fn cancelling_a_running_job_ends_it_as_cancelled() {
    let h = harness();
    let started = demo(&h);
    let sample = started["sample_files"][0].clone();
    let job = invoke(
        &h,
        "start_job",
        json!({"request": {"sovId": started["sov_id"], "files": [sample], "outputFormats": ["JSON"],
               "downloadDir": h.dir.path().join("out")}, "onEvent": CHANNEL}),
    )
    .unwrap();
    invoke(&h, "cancel_job", json!({"jobId": job["job_id"]})).unwrap();
    let end = wait_for_end(&h);
    assert_eq!(end["phase"], "cancelled", "{end}");
    // Nothing was saved, and the run's own folder, empty, goes once the job's task has ended.
    let out = h.dir.path().join("out");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0) > 0 {
        assert!(
            Instant::now() < deadline,
            "something was left in the download folder"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends a request to the demo sandbox's admin API (loopback, no token), as a test harness would.
fn sandbox_admin(h: &Harness, method: &str, path: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let endpoint = tauri::async_runtime::block_on(support::state(h).demo.endpoint()).unwrap();
    let address = endpoint.base_url.trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 2"), "{response}");
    response
}

fn start_sample_job(h: &Harness, started: &Value) -> String {
    let sample = started["sample_files"][0].clone();
    let job = invoke(
        h,
        "start_job",
        json!({"request": {"sovId": started["sov_id"], "files": [sample], "outputFormats": ["JSON"],
               "extraData": {"insured_name": "Retry Co"}, "downloadDir": h.dir.path().join("out")},
               "onEvent": CHANNEL}),
    )
    .unwrap();
    job["job_id"].as_str().unwrap().to_owned()
}

#[test]
fn every_job_is_in_the_history_and_its_files_can_be_downloaded_again() {
    let h = harness();
    let started = demo(&h);
    let job_id = start_sample_job(&h, &started);
    assert_eq!(wait_for_end(&h)["phase"], "done");

    let history = invoke(&h, "list_history", json!({})).unwrap();
    let entry = &history[0];
    assert_eq!(entry["id"], job_id.as_str());
    assert_eq!(entry["status"], "done");
    assert_eq!(entry["files"], json!(["demo-corrections.csv"]));
    assert_eq!(entry["formats"], json!(["JSON"]));

    let detail = invoke(&h, "get_history", json!({"id": job_id})).unwrap();
    let output = detail["outputs"][0].clone();
    assert_eq!(output["exists"], true);
    assert!(detail["steps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["label"] == "Finished"));
    assert!(detail["update_id"]
        .as_str()
        .unwrap()
        .starts_with("s-demo-sample-r"));

    let path = std::path::PathBuf::from(output["path"].as_str().unwrap());
    std::fs::remove_file(&path).unwrap();
    let detail = invoke(&h, "get_history", json!({"id": job_id})).unwrap();
    assert_eq!(detail["outputs"][0]["exists"], false);
    invoke(&h, "redownload", json!({"id": job_id, "onEvent": CHANNEL})).unwrap();
    assert_eq!(wait_for_end(&h)["phase"], "done");
    assert!(path.is_file(), "the file is back where it was");
}

#[test]
fn retry_after_a_failed_poll_waits_for_the_same_update_without_creating_another() {
    let h = harness();
    let started = demo(&h);
    sandbox_admin(
        &h,
        "POST",
        "/__sandbox/config",
        r#"{"faults": {"status": {"error_status": 503, "error_count": 1000}}}"#,
    );
    let job_id = start_sample_job(&h, &started);
    let failed = wait_for_end(&h);
    assert_eq!(failed["phase"], "failed", "{failed}");
    assert_eq!(failed["error"]["code"], "server_error");
    assert_eq!(failed["error"]["step"], "process");

    sandbox_admin(
        &h,
        "POST",
        "/__sandbox/config",
        r#"{"faults": {"status": null}}"#,
    );
    let retried = invoke(
        &h,
        "retry_job",
        json!({"jobId": job_id, "onEvent": CHANNEL}),
    )
    .unwrap();
    assert_eq!(retried["job_id"], job_id.as_str(), "the same job continues");
    let end = wait_for_end(&h);
    assert_eq!(end["phase"], "done", "{end}");
    let log = sandbox_admin(&h, "GET", "/__sandbox/requests", "");
    assert_eq!(
        log.matches(r#""endpoint":"initiate_update""#).count(),
        1,
        "one update job only: {log}"
    );
    assert_eq!(
        log.matches(r#""endpoint":"start""#).count(),
        1,
        "started once: {log}"
    );
}

#[test]
fn quitting_the_app_stops_the_demo_server() {
    let h = harness();
    demo(&h);
    let state = support::state(&h);
    let endpoint = tauri::async_runtime::block_on(state.demo.endpoint()).unwrap();
    let address = endpoint.base_url.trim_start_matches("http://").to_owned();
    assert!(std::net::TcpStream::connect(&address).is_ok());

    sov_updater_lib::on_run_event(h.app.handle(), tauri::RunEvent::Exit);
    assert!(!tauri::async_runtime::block_on(state.demo.is_running()));
    assert!(
        std::net::TcpStream::connect(&address).is_err(),
        "the demo server still listens after exit"
    );
}

/// Records a job as a stopped app leaves it when it was killed before anything was sent: created, nothing more.
/// No sheet or callback URL is recorded, as by a version from before they were.
fn record_unsent_job(h: &Harness, sov_id: &str, file: &std::path::Path) -> String {
    let state = support::state(h);
    let store = state.history_store().unwrap();
    let base_url = tauri::async_runtime::block_on(state.demo.endpoint())
        .map_or(String::new(), |e| format!("{}/api/v1/", e.base_url));
    let (size, sha256) = sov_jobs::hash_file(file).unwrap();
    let job_id = sov_jobs::new_job_id();
    store
        .create_job(&sov_history::NewJob {
            job_id: job_id.clone(),
            sov_id: sov_id.to_owned(),
            environment_name: "demo".into(),
            base_url,
            update_type: None,
            client_ref: None,
            callback_url: None,
            extra_data: json!({"insured_name": "Restart Co"}),
            output_formats: vec!["JSON".into()],
            download_dir: h.dir.path().join("out"),
            column_mapping: Default::default(),
            input_files: vec![sov_history::InputFile {
                name: file.file_name().unwrap().to_string_lossy().into_owned(),
                path: file.to_path_buf(),
                size,
                sha256,
                sheet: None,
                header_row: None,
            }],
        })
        .unwrap();
    job_id
}

/// The app "killed" with an unsent job recorded, then started again over the same folders (a new demo server).
fn restarted_with_an_unsent_job() -> (Harness, String, std::path::PathBuf) {
    let before = harness();
    let started = demo(&before);
    let sov_id = started["sov_id"].as_str().unwrap().to_owned();
    let file = before.dir.path().join("corrections.csv");
    std::fs::copy(started["sample_files"][0].as_str().unwrap(), &file).unwrap();
    let job_id = record_unsent_job(&before, &sov_id, &file);
    (restart(before), job_id, file)
}

/// Stops the app and its demo server and starts it again over the same folders (a new demo server).
fn restart(before: Harness) -> Harness {
    let state = support::state(&before);
    let Harness { app, window, dir } = before;
    drop(window);
    tauri::async_runtime::block_on(state.demo.shutdown());
    drop(state);
    drop(app);
    let after = support::harness_in(dir, &[]);
    demo(&after);
    after
}

#[test]
fn an_interrupted_job_is_retried_from_recent_updates_after_a_restart_and_runs_to_the_end() {
    let (h, job_id, _) = restarted_with_an_unsent_job();
    let detail = invoke(&h, "get_history", json!({"id": job_id})).unwrap();
    assert_eq!(detail["status"], "interrupted");
    assert!(
        detail["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Interrupted before the server received it"),
        "{detail}"
    );

    let retried = invoke(
        &h,
        "retry_job",
        json!({"jobId": job_id, "onEvent": CHANNEL}),
    )
    .unwrap();
    let new_id = retried["job_id"].as_str().unwrap().to_owned();
    assert_ne!(
        new_id, job_id,
        "nothing had reached the server: a new update"
    );
    let end = wait_for_end(&h);
    assert_eq!(end["phase"], "done", "{end}");
    assert_eq!(
        end["job_id"],
        new_id.as_str(),
        "the window follows the new job"
    );
    let output = std::path::PathBuf::from(end["outputs"][0]["path"].as_str().unwrap());
    assert!(output.starts_with(h.dir.path().join("out")) && output.is_file());
    assert!(output
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("Restart Co"));

    let history = invoke(&h, "list_history", json!({})).unwrap();
    let status_of = |id: &str| {
        history
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status_of(&new_id), "done");
    assert_eq!(
        status_of(&job_id),
        "failed",
        "the interrupted one is not picked up again"
    );
    let log = sandbox_admin(&h, "GET", "/__sandbox/requests", "");
    assert_eq!(
        log.matches(r#""endpoint":"initiate_update""#).count(),
        1,
        "{log}"
    );
}

#[test]
fn retry_after_a_restart_refuses_a_changed_or_missing_file_and_sends_nothing() {
    let (h, job_id, file) = restarted_with_an_unsent_job();
    let mut changed = std::fs::read_to_string(&file).unwrap();
    changed.push_str("Sheet1,99,Added later\n");
    std::fs::write(&file, changed).unwrap();
    let error = invoke(
        &h,
        "retry_job",
        json!({"jobId": job_id, "onEvent": CHANNEL}),
    )
    .unwrap_err();
    assert_eq!(error["code"], "file_error");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("“corrections.csv” has changed since this update was sent"),
        "{message}"
    );
    assert!(message.contains("start a new update"), "{message}");

    std::fs::remove_file(&file).unwrap();
    let error = invoke(
        &h,
        "retry_job",
        json!({"jobId": job_id, "onEvent": CHANNEL}),
    )
    .unwrap_err();
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("“corrections.csv” is no longer where it was"),
        "{message}"
    );
    assert!(message.contains("Put it back there and retry"), "{message}");

    assert_eq!(
        invoke(&h, "attach_job", json!({"onEvent": CHANNEL})).unwrap(),
        Value::Null
    );
    assert_eq!(
        invoke(&h, "list_history", json!({}))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let log = sandbox_admin(&h, "GET", "/__sandbox/requests", "");
    assert_eq!(
        log.matches(r#""endpoint":"initiate_update""#).count(),
        0,
        "{log}"
    );
}

#[test]
fn a_job_resumed_at_startup_is_announced_to_the_window_which_can_attach_to_it() {
    use tauri::Listener;
    let h = harness();
    let started = demo(&h);
    let first = start_sample_job(&h, &started);
    let done = wait_for_end(&h);
    assert_eq!(done["phase"], "done", "{done}");
    let update_id = done["update_id"].as_str().unwrap().to_owned();

    // A job the server accepted, recorded as a stopped app leaves it mid-poll.
    let store = support::state(&h).history_store().unwrap();
    let recorded = store.get_job(&first).unwrap();
    let job_id = sov_jobs::new_job_id();
    store
        .create_job(&sov_history::NewJob {
            job_id: job_id.clone(),
            sov_id: recorded.sov_id.clone(),
            environment_name: recorded.environment_name.clone(),
            base_url: recorded.base_url.clone(),
            update_type: None,
            client_ref: None,
            callback_url: None,
            extra_data: recorded.extra_data.clone(),
            output_formats: recorded.output_formats.clone(),
            download_dir: h.dir.path().join("resumed"),
            column_mapping: Default::default(),
            input_files: recorded.input_files.clone(),
        })
        .unwrap();
    store.set_update_id(&job_id, &update_id).unwrap();
    store
        .record_transition(&job_id, sov_history::TransitionKind::StartAcknowledged, "")
        .unwrap();

    let (announced, heard) = std::sync::mpsc::channel::<String>();
    h.app
        .listen_any(sov_updater_lib::JOB_RESUMED_EVENT, move |event| {
            let _ = announced.send(event.payload().to_owned());
        });
    sov_updater_lib::resume_at_startup(h.app.handle().clone());
    let payload: Value =
        serde_json::from_str(&heard.recv_timeout(Duration::from_secs(60)).unwrap()).unwrap();
    assert_eq!(payload["job_id"], job_id.as_str());
    assert_eq!(payload["sov_id"], recorded.sov_id.as_str());

    let end = wait_for_end(&h);
    assert_eq!(
        end["job_id"],
        job_id.as_str(),
        "attach_job follows the resumed job"
    );
    assert_eq!(end["phase"], "done", "{end}");
    let saved = std::path::PathBuf::from(end["outputs"][0]["path"].as_str().unwrap());
    assert!(saved.starts_with(h.dir.path().join("resumed")) && saved.is_file());
    let detail = invoke(&h, "get_history", json!({"id": job_id})).unwrap();
    assert_eq!(detail["status"], "done");
}

/// A copy of the two-sheet workbook (`Corrections`, first: Sheet1 row 2 renamed "Normal, House"; `Notes`: only a
/// `bldg_name` column), so fixed copies are written next to it in the test's folder.
fn two_sheet_workbook(h: &Harness) -> std::path::PathBuf {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src-tauri/crates/sov-preflight/tests/corpus/legacy_workbook.xls");
    let copy = h.dir.path().join("corrections.xls");
    std::fs::copy(source, &copy).unwrap();
    copy
}

#[test]
fn a_workbook_is_checked_and_fixed_on_the_sheet_the_user_picks() {
    let h = harness();
    let workbook = two_sheet_workbook(&h);
    let other = h.dir.path().join("more.csv");
    std::fs::write(
        &other,
        "sheet_name,sheet_row_number,bldg_name\nSheet1,3,X\n",
    )
    .unwrap();

    let first = invoke(&h, "check_files", json!({"paths": [workbook, other]})).unwrap();
    assert_eq!(first[0]["sheet"], "Corrections");
    assert_eq!(first[0]["sheets"], json!(["Corrections", "Notes"]));
    assert_eq!(first[0]["blocking"], false, "{}", first[0]);

    let picked = invoke(
        &h,
        "check_files",
        json!({"paths": [workbook, other], "sheets": {workbook.to_str().unwrap(): "Notes"}}),
    )
    .unwrap();
    assert_eq!(picked[0]["sheet"], "Notes");
    assert_eq!(picked[0]["preview"]["header"], json!(["bldg_name"]));
    assert_eq!(
        picked[0]["blocking"], true,
        "no building ids: {}",
        picked[0]
    );
    assert_eq!(picked[1]["blocking"], false, "the CSV is read as before");

    let fixed = invoke(
        &h,
        "apply_fixes",
        json!({"path": workbook, "sheet": "Notes"}),
    )
    .unwrap();
    let text = std::fs::read_to_string(fixed["fixed_path"].as_str().unwrap()).unwrap();
    assert!(text.starts_with("bldg_name"), "{text}");
    assert!(!text.contains("Normal, House"), "{text}");
}

#[test]
fn a_job_started_with_a_picked_sheet_sends_that_sheet() {
    let h = harness();
    let started = demo(&h);
    let workbook = two_sheet_workbook(&h);
    let start = |sheet: &str| {
        invoke(
            &h,
            "start_job",
            json!({"request": {"sovId": started["sov_id"], "files": [workbook], "outputFormats": ["JSON"],
                   "sheets": {workbook.to_str().unwrap(): sheet},
                   "downloadDir": h.dir.path().join("out")}, "onEvent": CHANNEL}),
        )
        .unwrap();
        wait_for_end(&h)
    };

    let notes = start("Notes");
    assert_eq!(notes["phase"], "failed", "{notes}");
    assert_eq!(notes["error"]["code"], "preflight_blocked");
    assert_eq!(notes["update_id"], Value::Null, "nothing was sent");

    let corrections = start("Corrections");
    assert_eq!(corrections["phase"], "done", "{corrections}");
    let output = corrections["outputs"][0]["path"].as_str().unwrap();
    let body = std::fs::read_to_string(output).unwrap();
    assert!(
        body.contains("Normal, House"),
        "the sheet's correction is in the output"
    );
}

/// The demo sandbox's state: its update jobs with the callback URL each asked for.
fn sandbox_state(h: &Harness) -> Value {
    let response = sandbox_admin(h, "GET", "/__sandbox/state", "");
    let (_, body) = response.split_once("\r\n\r\n").unwrap();
    serde_json::from_str(body).unwrap()
}

#[test]
fn a_job_with_a_picked_sheet_and_a_callback_url_is_retried_after_a_restart_with_both() {
    let before = harness();
    let started = demo(&before);
    let workbook = two_sheet_workbook(&before);
    let callback = "http://127.0.0.1:9/sov-done";
    sandbox_admin(
        &before,
        "POST",
        "/__sandbox/config",
        r#"{"faults": {"start": {"force_failed": {}}}}"#,
    );
    let first = invoke(
        &before,
        "start_job",
        json!({"request": {"sovId": started["sov_id"], "files": [workbook], "outputFormats": ["JSON"],
               "sheets": {workbook.to_str().unwrap(): "Corrections"}, "callbackUrl": callback,
               "downloadDir": before.dir.path().join("out")}, "onEvent": CHANNEL}),
    )
    .unwrap();
    let job_id = first["job_id"].as_str().unwrap().to_owned();
    let failed = wait_for_end(&before);
    assert_eq!(failed["phase"], "failed", "{failed}");
    assert_eq!(failed["error"]["code"], "job_failed");

    let h = restart(before);
    let retried = invoke(
        &h,
        "retry_job",
        json!({"jobId": job_id, "onEvent": CHANNEL}),
    )
    .unwrap();
    let new_id = retried["job_id"].as_str().unwrap().to_owned();
    assert_ne!(new_id, job_id, "the server gave up on the first update");
    let end = wait_for_end(&h);
    assert_eq!(end["phase"], "done", "{end}");

    let body = std::fs::read_to_string(end["outputs"][0]["path"].as_str().unwrap()).unwrap();
    assert!(
        body.contains("Normal, House"),
        "the Corrections sheet was sent"
    );
    let jobs = sandbox_state(&h)["jobs"].clone();
    assert_eq!(jobs.as_array().unwrap().len(), 1, "{jobs}");
    assert_eq!(jobs[0]["callback_url"], callback, "{jobs}");
    let store = support::state(&h).history_store().unwrap();
    let recorded = store.get_job(&new_id).unwrap();
    assert_eq!(
        recorded.input_files[0].sheet.as_deref(),
        Some("Corrections")
    );
    assert_eq!(recorded.callback_url.as_deref(), Some(callback));
}

#[test]
fn a_workbook_job_recorded_without_its_sheet_is_not_retried_and_says_why() {
    let h = harness();
    let started = demo(&h);
    let workbook = two_sheet_workbook(&h);
    let job_id = record_unsent_job(&h, started["sov_id"].as_str().unwrap(), &workbook);

    let error = invoke(
        &h,
        "retry_job",
        json!({"jobId": job_id, "onEvent": CHANNEL}),
    )
    .unwrap_err();

    assert_eq!(error["code"], "invalid_input");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("“corrections.xls” has several sheets"),
        "{message}"
    );
    assert!(message.contains("earlier version"), "{message}");
    let log = sandbox_admin(&h, "GET", "/__sandbox/requests", "");
    assert_eq!(
        log.matches(r#""endpoint":"initiate_update""#).count(),
        0,
        "{log}"
    );
}

#[test]
fn retry_after_the_server_lost_the_update_during_processing_sends_a_new_update() {
    let h = harness();
    let started = demo(&h);
    sandbox_admin(
        &h,
        "POST",
        "/__sandbox/config",
        r#"{"faults": {"status": {"error_status": 404, "error_count": 1000}}}"#,
    );
    let job_id = start_sample_job(&h, &started);
    let failed = wait_for_end(&h);
    assert_eq!(failed["phase"], "failed", "{failed}");
    assert_eq!(failed["error"]["code"], "not_found");
    assert_eq!(failed["error"]["step"], "process");

    sandbox_admin(
        &h,
        "POST",
        "/__sandbox/config",
        r#"{"faults": {"status": null}}"#,
    );
    let retried = invoke(
        &h,
        "retry_job",
        json!({"jobId": job_id, "onEvent": CHANNEL}),
    )
    .unwrap();
    assert_ne!(
        retried["job_id"],
        job_id.as_str(),
        "the server said it no longer knows the update: waiting for it again cannot succeed"
    );
    let end = wait_for_end(&h);
    assert_eq!(end["phase"], "done", "{end}");
    let log = sandbox_admin(&h, "GET", "/__sandbox/requests", "");
    assert_eq!(
        log.matches(r#""endpoint":"initiate_update""#).count(),
        2,
        "a second update was created: {log}"
    );
}

#[test]
fn retry_in_the_same_session_refuses_a_changed_file_and_sends_nothing() {
    let h = harness();
    let started = demo(&h);
    let file = h.dir.path().join("corrections.csv");
    std::fs::copy(started["sample_files"][0].as_str().unwrap(), &file).unwrap();
    sandbox_admin(
        &h,
        "POST",
        "/__sandbox/config",
        r#"{"faults": {"start": {"force_failed": {}}}}"#,
    );
    let first = invoke(
        &h,
        "start_job",
        json!({"request": {"sovId": started["sov_id"], "files": [file], "outputFormats": ["JSON"],
               "downloadDir": h.dir.path().join("out")}, "onEvent": CHANNEL}),
    )
    .unwrap();
    let job_id = first["job_id"].as_str().unwrap().to_owned();
    let failed = wait_for_end(&h);
    assert_eq!(failed["error"]["code"], "job_failed", "{failed}");
    sandbox_admin(
        &h,
        "POST",
        "/__sandbox/config",
        r#"{"faults": {"start": null}}"#,
    );

    let mut changed = std::fs::read_to_string(&file).unwrap();
    changed.push_str("Sheet1,99,Added later\n");
    std::fs::write(&file, changed).unwrap();
    let error = invoke(
        &h,
        "retry_job",
        json!({"jobId": job_id, "onEvent": CHANNEL}),
    )
    .unwrap_err();
    assert_eq!(error["code"], "file_error", "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("“corrections.csv” has changed since this update was sent"),
        "{error}"
    );
    let log = sandbox_admin(&h, "GET", "/__sandbox/requests", "");
    assert_eq!(
        log.matches(r#""endpoint":"initiate_update""#).count(),
        1,
        "nothing more was sent: {log}"
    );
}

#[test]
fn a_real_channel_receives_every_snapshot_of_the_job_in_order() {
    use tauri::ipc::{Channel, InvokeResponseBody};
    let h = harness();
    let started = demo(&h);
    let (sent, received) = std::sync::mpsc::channel::<Value>();
    let channel = Channel::new(move |body| {
        if let InvokeResponseBody::Json(json) = body {
            let _ = sent.send(serde_json::from_str(&json).unwrap());
        }
        Ok(())
    });
    let request = serde_json::from_value(json!({
        "sovId": started["sov_id"], "files": [started["sample_files"][0]], "outputFormats": ["JSON"],
        "extraData": {"insured_name": "Channel Co"}, "downloadDir": h.dir.path().join("out")
    }))
    .unwrap();
    let state = support::state(&h);
    let job = tauri::async_runtime::block_on(state.start_job(
        sov_updater_lib::desktop_host(h.app.handle()),
        request,
        sov_updater_lib::channel_subscriber(channel),
    ))
    .unwrap();

    let mut snapshots = Vec::new();
    while snapshots
        .last()
        .is_none_or(|last: &Value| !matches!(last["phase"].as_str(), Some("done" | "failed")))
    {
        snapshots.push(received.recv_timeout(Duration::from_secs(120)).unwrap());
    }
    let last = snapshots.last().unwrap();
    assert_eq!(last["phase"], "done", "{last}");
    assert_eq!(last["overall_progress"], 1.0);
    assert!(last["outputs"][0]["filename"]
        .as_str()
        .unwrap()
        .starts_with("Channel Co"));
    assert!(
        snapshots.iter().all(|s| s["job_id"] == job.job_id.as_str()),
        "every snapshot names the job"
    );
    let phases: Vec<&str> = snapshots
        .iter()
        .map(|s| s["phase"].as_str().unwrap())
        .collect();
    let order = [
        "validating",
        "initiating",
        "uploading",
        "starting",
        "queued",
        "processing",
        "downloading",
        "done",
    ];
    let positions: Vec<usize> = phases
        .iter()
        .map(|phase| order.iter().position(|p| p == phase).unwrap())
        .collect();
    assert!(
        positions.windows(2).all(|pair| pair[0] <= pair[1]),
        "phases only move forward: {phases:?}"
    );
    for phase in ["initiating", "uploading", "processing", "downloading"] {
        assert!(phases.contains(&phase), "{phase} was shown: {phases:?}");
    }
    let progress: Vec<f64> = snapshots
        .iter()
        .map(|s| s["overall_progress"].as_f64().unwrap())
        .collect();
    assert!(
        progress.windows(2).all(|pair| pair[0] <= pair[1] + 1e-9),
        "the bar never goes back: {progress:?}"
    );
}

/// The Excel round trip's commands, as the window calls them: the workbook is saved in the download folder, its
/// preview (nothing edited yet) changes nothing, and a call without an SOV says to choose one.
#[test]
fn the_corrections_workbook_is_saved_in_the_download_folder_and_previewed_through_ipc() {
    let h = harness();
    let started = demo(&h);
    let downloads = h.dir.path().join("downloads");
    invoke(&h, "save_preferences", json!({"downloadDir": downloads})).unwrap();

    let saved = invoke(
        &h,
        "corrections_workbook",
        json!({"sovId": started["sov_id"], "columns": "default"}),
    )
    .unwrap();
    let path = std::path::PathBuf::from(saved["path"].as_str().unwrap());
    assert_eq!(path.parent(), Some(downloads.as_path()));
    assert!(path.is_file(), "{saved}");
    assert!(
        saved["file_name"].as_str().unwrap().ends_with(".xlsx"),
        "{saved}"
    );

    let previews = invoke(
        &h,
        "preview_files",
        json!({"sovId": started["sov_id"], "paths": [path]}),
    )
    .unwrap();
    assert_eq!(previews[0]["sent_as"], "changes_only", "{previews}");
    assert_eq!(previews[0]["change_count"], 0, "{previews}");
    assert_eq!(previews[0]["blocked"], false, "{previews}");

    let refused = invoke(&h, "corrections_workbook", json!({"sovId": ""})).unwrap_err();
    assert_eq!(refused["code"], "invalid_input", "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .starts_with("Choose the SOV first"),
        "{refused}"
    );
}
