//! The whole update workflow against a scripted server: one file, several files, resume.
#![allow(clippy::unwrap_used)]

use crate::support::mock::{Mock, SOV_ID};
use crate::support::{
    client_for, fast_poll, list_dir, sha256_hex, write_file, Events, CORRECTIONS, TOKEN,
};
use serde_json::json;
use sov_update::{Job, JobSpec, Phase, ResumePoint, ResumeSpec, StartRequest, UpdateType};
use tokio_util::sync::CancellationToken;

fn spec(files: Vec<std::path::PathBuf>, dest: &std::path::Path) -> JobSpec {
    let mut extra = serde_json::Map::new();
    extra.insert("insured_name".into(), json!("Acme Corp"));
    JobSpec {
        sov_id: SOV_ID.into(),
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

#[tokio::test]
async fn one_file_goes_through_every_phase_and_is_saved_with_its_hash() {
    let mock = Mock::start().await;
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let events = Events::default();
    let job = Job::new(
        client_for(&mock.base),
        fast_poll(),
        events.callback(),
        CancellationToken::new(),
    );

    let outcome = job.run(spec(vec![file], dest.path())).await.unwrap();

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
    let expected = br#"{"id": "s-test-sov", "buildings": []}"#;
    assert_eq!(outcome.outputs.len(), 1);
    let saved = &outcome.outputs[0];
    assert_eq!(saved.filename, "Acme Corp 2026-06.json");
    assert_eq!(saved.path, dest.path().join("Acme Corp 2026-06.json"));
    assert_eq!(std::fs::read(&saved.path).unwrap(), expected);
    assert_eq!(saved.size, expected.len() as u64);
    assert_eq!(saved.sha256, sha256_hex(expected));
    assert_eq!(list_dir(dest.path()), vec!["Acme Corp 2026-06.json"]);

    // What went over the wire.
    assert_eq!(mock.count("initiate_update"), 1);
    assert_eq!(mock.count("start"), 1);
    let initiate = &mock.requests()[0];
    let body: serde_json::Value = serde_json::from_slice(&initiate.body).unwrap();
    assert_eq!(
        body,
        json!({"update_type": "SCRUB", "client_ref": "ticket-42"})
    );
    assert!(mock
        .requests()
        .iter()
        .all(|r| r.authorization.as_deref() == Some(&format!("Token {TOKEN}")[..])));
    let (uploads, starts, start_body) = mock.update(&outcome.update_id);
    assert_eq!(starts, 1);
    assert_eq!(
        start_body.unwrap(),
        json!({"extra_data": {"insured_name": "Acme Corp"}, "output_formats": ["JSON"]})
    );
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].file_name.as_deref(), Some("corrections.csv"));
    assert_eq!(uploads[0].content_type.as_deref(), Some("text/csv"));
    assert_eq!(uploads[0].bytes, CORRECTIONS.as_bytes());
    assert!(uploads[0].request_content_length.unwrap() > CORRECTIONS.len() as u64);

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
    let mock = Mock::start().await;
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let big_row = format!("Sheet1,3,{}\n", "x".repeat(300_000));
    let files = vec![
        write_file(input.path(), "a.csv", CORRECTIONS),
        write_file(
            input.path(),
            "b.csv",
            &format!("sheet_name,sheet_row_number,bldg_name\n{big_row}"),
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
    let job = Job::new(
        client_for(&mock.base),
        fast_poll(),
        events.callback(),
        CancellationToken::new(),
    );

    let outcome = job.run(spec(files, dest.path())).await.unwrap();

    let (uploads, starts, _) = mock.update(&outcome.update_id);
    assert_eq!(starts, 1);
    let names: Vec<_> = uploads
        .iter()
        .map(|u| u.file_name.clone().unwrap())
        .collect();
    assert_eq!(names, vec!["a.csv", "b.csv", "c.csv"]);
    assert_eq!(uploads[1].bytes.len() as u64, sizes[1]);

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
    let mock = Mock::start().await;
    let dest = tempfile::tempdir().unwrap();
    let update_id = mock.seed_update(true);
    let events = Events::default();
    let job = Job::new(
        client_for(&mock.base),
        fast_poll(),
        events.callback(),
        CancellationToken::new(),
    );

    let outcome = job
        .resume(ResumeSpec {
            sov_id: Some(SOV_ID.into()),
            update_id: update_id.clone(),
            from: ResumePoint::Poll,
            download_dir: dest.path().to_owned(),
            ..ResumeSpec::default()
        })
        .await
        .unwrap();

    assert_eq!(outcome.update_id, update_id);
    assert_eq!(outcome.outputs.len(), 1);
    assert_eq!(mock.count("initiate_update"), 0);
    assert_eq!(mock.count("add_locations"), 0);
    assert_eq!(mock.count("start"), 0);
    assert_eq!(events.last().phase, Phase::Done);
}

#[tokio::test]
async fn resume_from_start_starts_once_then_downloads() {
    let mock = Mock::start().await;
    let dest = tempfile::tempdir().unwrap();
    let update_id = mock.seed_update(false);
    let events = Events::default();
    let job = Job::new(
        client_for(&mock.base),
        fast_poll(),
        events.callback(),
        CancellationToken::new(),
    );

    let outcome = job
        .resume(ResumeSpec {
            sov_id: None,
            update_id: update_id.clone(),
            from: ResumePoint::Start(StartRequest::default()),
            download_dir: dest.path().to_owned(),
            ..ResumeSpec::default()
        })
        .await
        .unwrap();

    assert_eq!(outcome.outputs.len(), 1);
    assert_eq!(mock.update(&update_id).1, 1);
    assert_eq!(mock.count("initiate_update"), 0);
}

#[tokio::test]
async fn output_formats_and_history_are_typed() {
    let mock = Mock::start().await;
    let client = client_for(&mock.base);
    let formats = client.list_output_formats(Some(SOV_ID)).await.unwrap();
    let names: Vec<_> = formats.iter().map(|f| f.output_format.as_str()).collect();
    assert_eq!(names, vec!["JSON", "CSV"]);
    assert!(formats.iter().all(|f| f.is_public));
    assert!(mock.requests()[0].path.ends_with("/api/v1/output_formats"));

    let update_id = mock.seed_update(true);
    let record = client.history(&update_id).await.unwrap();
    assert_eq!(record.sovid.as_deref(), Some(update_id.as_str()));
    assert_eq!(record.original_sovid.as_deref(), Some(SOV_ID));
    assert_eq!(record.outputs.len(), 1);
    assert_eq!(record.extra["record_type"], "API");
}

#[tokio::test]
async fn a_job_reports_stalled_when_progress_does_not_move() {
    let mock = Mock::start().await;
    mock.with(|s| {
        s.script = vec![("IN_PROGRESS", 40, "Geocoding."); 25];
    });
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let events = Events::default();
    let mut poll = fast_poll();
    poll.stall_after = std::time::Duration::from_millis(300);
    let job = Job::new(
        client_for(&mock.base),
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
    let mock = Mock::start().await;
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let mut csv = String::from("sheet_name,sheet_row_number,bldg_name\n");
    for row in 2..=6 {
        csv.push_str(&format!("Sheet1,{row},House {row}\n"));
    }
    let file = write_file(input.path(), "many.csv", &csv);
    let mut job_spec = spec(vec![file], dest.path());
    job_spec.rows_per_batch = Some(2);
    let job = Job::new(
        client_for(&mock.base),
        fast_poll(),
        Events::default().callback(),
        CancellationToken::new(),
    );

    let outcome = job.run(job_spec).await.unwrap();

    let (uploads, starts, _) = mock.update(&outcome.update_id);
    assert_eq!(starts, 1);
    let names: Vec<_> = uploads
        .iter()
        .map(|u| u.file_name.clone().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            "many (part 1 of 3).csv",
            "many (part 2 of 3).csv",
            "many (part 3 of 3).csv"
        ]
    );
    let mut rows_seen = Vec::new();
    for upload in &uploads {
        let text = String::from_utf8(upload.bytes.clone()).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("sheet_name,sheet_row_number,bldg_name"));
        rows_seen.extend(lines.map(str::to_owned));
    }
    assert_eq!(rows_seen.len(), 5);
    assert_eq!(rows_seen[4], "Sheet1,6,House 6");
}

#[tokio::test]
async fn resume_from_start_of_an_already_started_update_just_collects_the_outputs() {
    let mock = Mock::start().await;
    let dest = tempfile::tempdir().unwrap();
    let update_id = mock.seed_update(true);
    let job = Job::new(
        client_for(&mock.base),
        fast_poll(),
        Events::default().callback(),
        CancellationToken::new(),
    );
    let outcome = job
        .resume(ResumeSpec {
            sov_id: None,
            update_id: update_id.clone(),
            from: ResumePoint::Start(StartRequest::default()),
            download_dir: dest.path().to_owned(),
            ..ResumeSpec::default()
        })
        .await
        .unwrap();
    assert_eq!(outcome.outputs.len(), 1);
    assert_eq!(mock.update(&update_id).1, 1, "never started a second time");
}

#[tokio::test]
async fn an_output_listed_without_a_url_is_fetched_from_the_contract_path() {
    let mock = Mock::start().await;
    let update_id = mock.seed_update(true);
    mock.with(|s| {
        s.final_result = Some(json!({"status": "SUCCESS", "message": "Success.",
            "outputs": [{"filename": "Acme Corp 2026-06.json", "description": "JSON"}]}));
    });
    let dest = tempfile::tempdir().unwrap();
    let job = Job::new(
        client_for(&mock.base),
        fast_poll(),
        Events::default().callback(),
        CancellationToken::new(),
    );
    let outcome = job
        .resume(ResumeSpec {
            sov_id: None,
            update_id: update_id.clone(),
            from: ResumePoint::Poll,
            download_dir: dest.path().to_owned(),
            ..ResumeSpec::default()
        })
        .await
        .unwrap();
    assert_eq!(outcome.outputs[0].filename, "Acme Corp 2026-06.json");
    let download = mock
        .requests()
        .into_iter()
        .find(|r| r.endpoint == "download")
        .unwrap();
    assert_eq!(
        download.path,
        format!("/api/v1/sov/{update_id}/output/Acme%20Corp%202026-06.json")
    );
}
