//! The runner starts up whatever state the history file is in: corrupt, truncated, from an older
//! schema, or with one unreadable entry; what a damaged file still holds is recovered and resumed.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::Duration;

use crate::support::{resume_action, Harness};
use rusqlite::Connection;
use sov_history::{HistoryStore, InputFile, JobStatus, NewJob, Page, DB_FILE_NAME};
use sovfixer_sandbox::SAMPLE_SOV_ID;

fn db_path(harness: &Harness) -> PathBuf {
    harness.history().join(DB_FILE_NAME)
}

fn new_job(harness: &Harness, job_id: &str) -> NewJob {
    NewJob {
        job_id: job_id.to_owned(),
        sov_id: SAMPLE_SOV_ID.to_owned(),
        environment_name: "test".to_owned(),
        base_url: harness.sandbox().api_url(),
        update_type: None,
        client_ref: None,
        callback_url: None,
        extra_data: serde_json::json!({}),
        output_formats: vec!["JSON".to_owned()],
        download_dir: harness.downloads(),
        column_mapping: Default::default(),
        input_files: vec![InputFile {
            name: "corrections.csv".to_owned(),
            path: harness.sample_file(),
            size: 1,
            sha256: String::new(),
            sheet: None,
            header_row: None,
        }],
    }
}

/// After startup survived, a new job still runs and is recorded.
fn assert_new_jobs_work(harness: &Harness) {
    let file = harness.sample_file();
    let lines = harness.start_job(SAMPLE_SOV_ID, &file, &["JSON"]).finish();
    assert!(lines.iter().any(|l| l.ends_with(" end ok")), "{lines:#?}");
}

#[test]
fn a_corrupt_store_is_moved_aside_and_startup_continues() {
    let harness = Harness::new(Duration::from_millis(300));
    std::fs::create_dir_all(harness.history()).unwrap();
    std::fs::write(
        db_path(&harness),
        b"this is not a database, just garbage bytes ".repeat(200),
    )
    .unwrap();

    let lines = harness.resume().finish();
    assert!(
        lines.iter().any(|l| l.starts_with("store recovered ")),
        "{lines:#?}"
    );
    assert!(!lines.iter().any(|l| l.starts_with("error ")), "{lines:#?}");
    assert_new_jobs_work(&harness);
}

#[test]
fn a_truncated_store_is_survived() {
    let harness = Harness::new(Duration::from_millis(300));
    {
        let (store, _) = HistoryStore::open(&harness.history()).unwrap();
        for index in 0..30 {
            store
                .create_job(&new_job(&harness, &format!("j-old-{index}")))
                .unwrap();
            store.mark_cancelled(&format!("j-old-{index}"), "").unwrap();
        }
    }
    let path = db_path(&harness);
    let length = std::fs::metadata(&path).unwrap().len();
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(length / 2).unwrap();
    drop(file);

    let lines = harness.resume().finish();
    assert!(
        lines.iter().any(|l| l.starts_with("store recovered ")),
        "{lines:#?}"
    );
    assert!(!lines.iter().any(|l| l.starts_with("error ")), "{lines:#?}");
    assert_new_jobs_work(&harness);
}

#[test]
fn an_older_schema_is_upgraded_and_its_unfinished_job_reported_honestly() {
    let harness = Harness::new(Duration::from_millis(300));
    std::fs::create_dir_all(harness.history()).unwrap();
    let conn = Connection::open(db_path(&harness)).unwrap();
    conn.execute_batch(
        "CREATE TABLE jobs (job_id TEXT PRIMARY KEY NOT NULL, created_at_ms INTEGER NOT NULL,
                            sov_id TEXT NOT NULL, update_id TEXT, status TEXT NOT NULL);
         INSERT INTO jobs VALUES ('old-done', 1000, 's-demo-sample', 's-demo-sample-r900', 'finished');
         INSERT INTO jobs VALUES ('old-running', 2000, 's-demo-sample', NULL, 'running');",
    )
    .unwrap();
    drop(conn);

    let lines = harness.resume().finish();
    assert!(
        lines.iter().any(|l| l == "store migrated_from 0"),
        "{lines:#?}"
    );
    assert_eq!(
        resume_action(&lines)["action"],
        "marked_interrupted",
        "{lines:#?}"
    );
    let (store, _) = HistoryStore::open(&harness.history()).unwrap();
    assert_eq!(
        store.get_job("old-done").unwrap().status,
        JobStatus::Finished
    );
    let interrupted = store.get_job("old-running").unwrap();
    assert_eq!(interrupted.status, JobStatus::Failed);
    assert!(interrupted
        .last_error
        .unwrap()
        .message
        .starts_with("Interrupted before the server received it"));
    assert_new_jobs_work(&harness);
}

#[test]
fn an_unreadable_entry_is_reported_and_the_others_are_resumed() {
    let harness = Harness::new(Duration::from_millis(300));
    {
        let (store, _) = HistoryStore::open(&harness.history()).unwrap();
        store.create_job(&new_job(&harness, "j-damaged")).unwrap();
        store.create_job(&new_job(&harness, "j-fine")).unwrap();
    }
    let conn = Connection::open(db_path(&harness)).unwrap();
    conn.execute(
        "UPDATE jobs SET extra_data = '{not json' WHERE job_id = 'j-damaged'",
        [],
    )
    .unwrap();
    drop(conn);

    let lines = harness.resume().finish();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("skipped j-damaged jobs ")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("resume j-fine ")),
        "{lines:#?}"
    );
    let (store, _) = HistoryStore::open(&harness.history()).unwrap();
    let listing = store.list_recent(Page::first(10)).unwrap();
    assert_eq!(listing.skipped.len(), 1);
    assert_eq!(store.get_job("j-fine").unwrap().status, JobStatus::Failed);
}

#[test]
fn jobs_recovered_from_a_damaged_store_are_resumed_like_any_other() {
    let harness = Harness::new(Duration::from_millis(300));
    {
        let (store, _) = HistoryStore::open(&harness.history()).unwrap();
        for index in 0..3 {
            store
                .create_job(&new_job(&harness, &format!("j-running-{index}")))
                .unwrap();
        }
        for index in 0..40 {
            let id = format!("j-old-{index}");
            store.create_job(&new_job(&harness, &id)).unwrap();
            store.mark_cancelled(&id, "").unwrap();
        }
    }
    // Garble an index page: the file is damaged (and moved aside) but every row can still be read.
    let path = db_path(&harness);
    let index_root: i64 = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT rootpage FROM sqlite_master WHERE name = 'transitions_by_job'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    let page = (usize::try_from(index_root).unwrap() - 1) * 4096;
    bytes[page..page + 4096].fill(0x5a);
    std::fs::write(&path, &bytes).unwrap();

    let lines = harness.resume().finish();

    assert!(
        lines.iter().any(|l| l.starts_with("store recovered ")),
        "{lines:#?}"
    );
    assert!(!lines.iter().any(|l| l.starts_with("error ")), "{lines:#?}");
    for index in 0..3 {
        let prefix = format!("resume j-running-{index} ");
        let line = lines
            .iter()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("j-running-{index} was not resumed: {lines:#?}"));
        assert!(line.contains("marked_interrupted"), "{line}");
    }
    let (store, report) = HistoryStore::open(&harness.history()).unwrap();
    assert_eq!(report.recovered, None, "the new file is healthy");
    let listing = store.list_recent(Page::first(100)).unwrap();
    assert_eq!(listing.items.len(), 43);
    assert_eq!(
        store.get_job("j-running-0").unwrap().status,
        JobStatus::Failed,
        "resume recorded its decision in the recovered history"
    );
    assert_new_jobs_work(&harness);
}
