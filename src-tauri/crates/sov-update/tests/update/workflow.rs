//! The whole update workflow against the sandbox: one file, several files, resume.
#![allow(clippy::unwrap_used)]

use crate::support::scripted_output;
use crate::support::{
    client_for, fast_poll, list_dir, multipart_file, received_uploads, seed_update, sha256_hex,
    start_sandbox, write_file, Events, CORRECTIONS, TOKEN,
};
use serde_json::json;
use sov_update::{Job, JobSpec, Phase, ResumePoint, ResumeSpec, StartRequest, UpdateType};
use sovfixer_sandbox::{Endpoint, RunningSandbox, ScriptedOutput, ScriptedStatus, SAMPLE_SOV_ID};
use tokio_util::sync::CancellationToken;

const OUTPUT_NAME: &str = "Acme Corp 2026-06.json";
const OUTPUT: &str = r#"{"id": "s-demo-sample", "buildings": []}"#;

fn spec(files: Vec<std::path::PathBuf>, dest: &std::path::Path) -> JobSpec {
    let mut extra = serde_json::Map::new();
    extra.insert("insured_name".into(), json!("Acme Corp"));
    JobSpec {
        sov_id: SAMPLE_SOV_ID.into(),
        files,
        update_type: Some(UpdateType::Scrub),
        client_ref: Some("ticket-42".into()),
        callback_url: None,
        start: StartRequest {
            extra_data: extra,
            output_formats: vec!["JSON".into()],
            ..StartRequest::default()
        },
        download_dir: dest.to_owned(),
        ..JobSpec::default()
    }
}

fn status(status: &str, pct: u32, health: &str) -> ScriptedStatus {
    ScriptedStatus {
        status: status.into(),
        pct_complete: Some(pct),
        health: health.into(),
    }
}

/// A sandbox whose jobs queue, progress in two steps and end with the one output `OUTPUT_NAME`, logging
/// request bodies.
async fn scripted_sandbox() -> RunningSandbox {
    let sandbox = start_sandbox().await;
    let control = sandbox.control();
    control.set_record_bodies(true);
    control.set_status_script(Some(vec![
        status("PENDING", 0, "Queued."),
        status("IN_PROGRESS", 30, "Priming enrichment cache."),
        status("IN_PROGRESS", 70, "Writing outputs."),
    ]));
    control.set_scripted_outputs(Some(vec![scripted_output(OUTPUT_NAME, OUTPUT)]));
    sandbox
}

fn job(sandbox: &RunningSandbox, events: &Events) -> Job {
    Job::new(
        client_for(&sandbox.api_url()),
        fast_poll(),
        events.callback(),
        CancellationToken::new(),
    )
}

/// Resumes `update_id` from `from` with a fresh job, saving into `dest`; it must succeed.
async fn resume_into(
    sandbox: &RunningSandbox,
    update_id: &str,
    from: ResumePoint,
    dest: &std::path::Path,
) -> sov_update::JobOutcome {
    job(sandbox, &Events::default())
        .resume(ResumeSpec {
            sov_id: None,
            update_id: update_id.to_owned(),
            from,
            download_dir: dest.to_owned(),
            ..ResumeSpec::default()
        })
        .await
        .unwrap()
}

/// No start request of this test was accepted (a started update stays started once).
fn assert_never_started_again(sandbox: &RunningSandbox) {
    let starts = sandbox.control().requests_to(Endpoint::Start);
    assert!(starts.iter().all(|r| r.status != 201), "{starts:?}");
}

#[tokio::test]
async fn one_file_goes_through_every_phase_and_is_saved_with_its_hash() {
    let sandbox = scripted_sandbox().await;
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let events = Events::default();

    let outcome = job(&sandbox, &events)
        .run(spec(vec![file], dest.path()))
        .await
        .unwrap();

    assert_eq!(
        events.phases(),
        vec![
            Phase::Validating,
            Phase::Initiating,
            Phase::Uploading,
            Phase::Starting,
            Phase::Queued,
            Phase::Processing,
            Phase::Downloading,
            Phase::Done
        ]
    );
    let expected = OUTPUT.as_bytes();
    assert_eq!(outcome.outputs.len(), 1);
    let saved = &outcome.outputs[0];
    assert_eq!(saved.filename, OUTPUT_NAME);
    assert_eq!(saved.path, dest.path().join(OUTPUT_NAME));
    assert_eq!(std::fs::read(&saved.path).unwrap(), expected);
    assert_eq!(saved.size, expected.len() as u64);
    assert_eq!(saved.sha256, sha256_hex(expected));
    assert_eq!(list_dir(dest.path()), vec![OUTPUT_NAME]);

    // What went over the wire.
    let control = sandbox.control();
    assert_eq!(control.count_requests(Endpoint::InitiateUpdate), 1);
    assert_eq!(control.count_requests(Endpoint::Start), 1);
    let initiate = &control.requests()[0];
    assert_eq!(initiate.endpoint, Some(Endpoint::InitiateUpdate));
    let body: serde_json::Value = serde_json::from_str(initiate.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"update_type": "SCRUB", "client_ref": "ticket-42"})
    );
    assert!(control
        .requests()
        .iter()
        .all(|r| r.header("authorization") == Some(&format!("Token {TOKEN}")[..])));
    let start = &control.requests_to(Endpoint::Start)[0];
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(start.body.as_deref().unwrap()).unwrap(),
        json!({"extra_data": {"insured_name": "Acme Corp"}, "output_formats": ["JSON"]})
    );
    let uploads = control.requests_to(Endpoint::AddLocations);
    assert_eq!(uploads.len(), 1);
    assert_eq!(
        multipart_file(&uploads[0]),
        ("corrections.csv".to_owned(), CORRECTIONS.to_owned())
    );
    let upload_body = uploads[0].body.as_deref().unwrap();
    assert!(
        upload_body
            .to_ascii_lowercase()
            .contains("filename=\"corrections.csv\"\r\ncontent-type: text/csv\r\n"),
        "the file part says it is CSV: {upload_body}"
    );
    let content_length: u64 = uploads[0]
        .header("content-length")
        .unwrap()
        .parse()
        .unwrap();
    assert!(content_length > CORRECTIONS.len() as u64);

    // The last snapshot is the full picture.
    let last = events.last();
    assert_eq!(last.update_id.as_deref(), Some(outcome.update_id.as_str()));
    assert_eq!(last.outputs, outcome.outputs);
    assert!(last.error.is_none());
    let processing = events
        .all()
        .into_iter()
        .filter_map(|e| e.processing)
        .map(|p| (p.status, p.pct_complete, p.health))
        .collect::<Vec<_>>();
    assert!(processing.contains(&(
        "IN_PROGRESS".into(),
        Some(30.0),
        Some("Priming enrichment cache.".into())
    )));
}

#[tokio::test]
async fn several_files_are_uploaded_in_order_with_cumulative_byte_counts() {
    let sandbox = scripted_sandbox().await;
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let big_row = format!("Sheet1,3,{}\n", "x".repeat(300_000));
    let files = vec![
        write_file(input.path(), "a.csv", CORRECTIONS),
        write_file(
            input.path(),
            "b.csv",
            format!("sheet_name,sheet_row_number,bldg_name\n{big_row}"),
        ),
        write_file(
            input.path(),
            "c.csv",
            "sheet_name,sheet_row_number,bldg_name\nSheet1,4,Barn\n",
        ),
    ];
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .collect();
    let events = Events::default();

    let outcome = job(&sandbox, &events)
        .run(spec(files, dest.path()))
        .await
        .unwrap();

    assert_eq!(sandbox.control().count_requests(Endpoint::Start), 1);
    let uploads = received_uploads(&sandbox, &outcome.update_id);
    let names: Vec<_> = uploads.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, vec!["a.csv", "b.csv", "c.csv"]);
    assert_eq!(uploads[1].1.len() as u64, sizes[1]);

    let uploads_seen: Vec<_> = events.all().into_iter().filter_map(|e| e.upload).collect();
    let total: u64 = sizes.iter().sum();
    assert!(uploads_seen
        .iter()
        .all(|u| u.file_count == 3 && u.bytes_total == total));
    assert!(uploads_seen
        .windows(2)
        .all(|w| w[0].bytes_sent <= w[1].bytes_sent));
    let last = uploads_seen.last().unwrap();
    assert_eq!((last.file_index, last.bytes_sent), (3, total));
    assert!(uploads_seen
        .iter()
        .any(|u| u.file_index == 2 && u.file_bytes_sent == sizes[1]));
}

#[tokio::test]
async fn resume_attaches_to_a_started_update_without_initiating_or_starting() {
    let sandbox = start_sandbox().await;
    let dest = tempfile::tempdir().unwrap();
    let update_id = seed_update(&sandbox, true).await;
    let events = Events::default();

    let outcome = job(&sandbox, &events)
        .resume(ResumeSpec {
            sov_id: Some(SAMPLE_SOV_ID.into()),
            update_id: update_id.clone(),
            from: ResumePoint::Poll,
            download_dir: dest.path().to_owned(),
            ..ResumeSpec::default()
        })
        .await
        .unwrap();

    assert_eq!(outcome.update_id, update_id);
    assert_eq!(outcome.outputs.len(), 1);
    let control = sandbox.control();
    assert_eq!(control.count_seen(Endpoint::InitiateUpdate), 0);
    assert_eq!(control.count_seen(Endpoint::AddLocations), 0);
    assert_eq!(control.count_seen(Endpoint::Start), 0);
    assert_eq!(events.last().phase, Phase::Done);
}

#[tokio::test]
async fn resume_from_start_starts_once_then_downloads() {
    let sandbox = start_sandbox().await;
    let dest = tempfile::tempdir().unwrap();
    let update_id = seed_update(&sandbox, false).await;

    let outcome = resume_into(
        &sandbox,
        &update_id,
        ResumePoint::Start(StartRequest::default()),
        dest.path(),
    )
    .await;

    assert_eq!(outcome.outputs.len(), 1);
    let control = sandbox.control();
    let starts = control.requests_to(Endpoint::Start);
    assert_eq!(starts.len(), 1);
    assert_eq!(starts[0].status, 201);
    assert!(
        control
            .jobs()
            .iter()
            .any(|j| j.id == update_id && j.started),
        "the update was started"
    );
    assert_eq!(control.count_seen(Endpoint::InitiateUpdate), 0);
}

#[tokio::test]
async fn output_formats_and_history_are_typed() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox.api_url());
    let formats = client
        .list_output_formats(Some(SAMPLE_SOV_ID))
        .await
        .unwrap();
    let names: Vec<_> = formats.iter().map(|f| f.output_format.as_str()).collect();
    assert_eq!(names, vec!["JSON", "DEBUGJSON", "CSV"]);
    assert!(formats.iter().all(|f| f.is_public));
    assert!(sandbox.control().requests()[0]
        .path
        .ends_with("/api/v1/output_formats"));

    let update_id = seed_update(&sandbox, true).await;
    // History lists an update once it finished.
    job(&sandbox, &Events::default())
        .resume(ResumeSpec {
            sov_id: None,
            update_id: update_id.clone(),
            from: ResumePoint::Poll,
            save_outputs: false,
            ..ResumeSpec::default()
        })
        .await
        .unwrap();
    let record = client.history(&update_id).await.unwrap();
    assert_eq!(record.sovid.as_deref(), Some(update_id.as_str()));
    assert_eq!(record.original_sovid.as_deref(), Some(SAMPLE_SOV_ID));
    assert_eq!(record.outputs.len(), 1);
    assert_eq!(record.extra["record_type"], "API");
}

#[tokio::test]
async fn a_job_reports_stalled_when_progress_does_not_move() {
    let sandbox = start_sandbox().await;
    sandbox
        .control()
        .set_status_script(Some(vec![status("IN_PROGRESS", 40, "Geocoding."); 25]));
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let events = Events::default();
    let mut poll = fast_poll();
    poll.stall_after = std::time::Duration::from_millis(300);
    let job = Job::new(
        client_for(&sandbox.api_url()),
        poll,
        events.callback(),
        CancellationToken::new(),
    );

    job.run(spec(vec![file], dest.path())).await.unwrap();

    let all = events.all();
    assert!(all
        .iter()
        .any(|e| e.phase == Phase::Processing && e.stalled));
    assert!(all
        .iter()
        .any(|e| e.phase == Phase::Processing && !e.stalled));
    assert!(!events.last().stalled);
}

#[tokio::test]
async fn a_large_file_is_sent_in_batches_each_with_the_header() {
    let sandbox = scripted_sandbox().await;
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let mut csv = String::from("sheet_name,sheet_row_number,bldg_name\n");
    for row in 2..=6 {
        csv.push_str(&format!("Sheet1,{row},House {row}\n"));
    }
    let file = write_file(input.path(), "many.csv", &csv);
    let mut job_spec = spec(vec![file], dest.path());
    job_spec.rows_per_batch = Some(2);

    let outcome = job(&sandbox, &Events::default())
        .run(job_spec)
        .await
        .unwrap();

    assert_eq!(sandbox.control().count_requests(Endpoint::Start), 1);
    let uploads = received_uploads(&sandbox, &outcome.update_id);
    let names: Vec<_> = uploads.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "many (part 1 of 3).csv",
            "many (part 2 of 3).csv",
            "many (part 3 of 3).csv"
        ]
    );
    let mut rows_seen = Vec::new();
    for (_, text) in &uploads {
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("sheet_name,sheet_row_number,bldg_name"));
        rows_seen.extend(lines.map(str::to_owned));
    }
    assert_eq!(rows_seen.len(), 5);
    assert_eq!(rows_seen[4], "Sheet1,6,House 6");
}

#[tokio::test]
async fn resume_from_start_of_an_already_started_update_just_collects_the_outputs() {
    let sandbox = start_sandbox().await;
    let dest = tempfile::tempdir().unwrap();
    let update_id = seed_update(&sandbox, true).await;
    let outcome = resume_into(
        &sandbox,
        &update_id,
        ResumePoint::Start(StartRequest::default()),
        dest.path(),
    )
    .await;
    assert_eq!(outcome.outputs.len(), 1);
    assert_never_started_again(&sandbox);
}

#[tokio::test]
async fn an_output_listed_without_a_url_is_fetched_from_the_contract_path() {
    let sandbox = start_sandbox().await;
    sandbox
        .control()
        .set_scripted_outputs(Some(vec![ScriptedOutput {
            listed_without_url: true,
            ..scripted_output(OUTPUT_NAME, OUTPUT)
        }]));
    let update_id = seed_update(&sandbox, true).await;
    let dest = tempfile::tempdir().unwrap();
    let outcome = resume_into(&sandbox, &update_id, ResumePoint::Poll, dest.path()).await;
    assert_eq!(outcome.outputs[0].filename, OUTPUT_NAME);
    let download = &sandbox.control().requests_to(Endpoint::Download)[0];
    assert_eq!(
        download.path,
        format!("/api/v1/sov/{update_id}/output/Acme%20Corp%202026-06.json")
    );
}
