#![allow(clippy::unwrap_used)]

use std::fs;

use crate::common::{
    downgrade_to_schema_1, downgrade_to_schema_3, downgrade_to_schema_4, job, open, output, raw,
};
use rusqlite::Connection;
use sov_history::{
    HistoryStore, JobStatus, JobStep, Page, TransitionKind, DB_FILE_NAME, SCHEMA_VERSION,
};

/// The pre-release layout (schema 0): one bare `jobs` table and no version number.
fn write_v0_store(folder: &std::path::Path) {
    fs::create_dir_all(folder).unwrap();
    let conn = Connection::open(folder.join(DB_FILE_NAME)).unwrap();
    conn.execute_batch(
        "CREATE TABLE jobs (job_id TEXT PRIMARY KEY NOT NULL, created_at_ms INTEGER NOT NULL, sov_id TEXT NOT NULL,
                            update_id TEXT, status TEXT NOT NULL);
         INSERT INTO jobs VALUES ('old-1', 1000, 's-old-one', 's-old-one-r001', 'finished');
         INSERT INTO jobs VALUES ('old-2', 2000, 's-old-two', NULL, 'failed');",
    )
    .unwrap();
}

#[test]
fn an_older_schema_is_upgraded_and_its_jobs_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    write_v0_store(dir.path());

    let (store, report) = open(dir.path());

    assert_eq!(report.migrated_from, Some(0));
    assert!(!report.created);
    assert_eq!(report.recovered, None);
    assert_eq!(
        report.user_message(),
        None,
        "an upgrade needs no word to the user"
    );
    let listing = store.list_recent(Page::first(10)).unwrap();
    assert!(listing.skipped.is_empty(), "{:?}", listing.skipped);
    let ids: Vec<_> = listing.items.iter().map(|j| j.job_id.as_str()).collect();
    assert_eq!(ids, vec!["old-2", "old-1"]);
    let old = store.get_job("old-1").unwrap();
    assert_eq!(old.sov_id, "s-old-one");
    assert_eq!(old.update_id.as_deref(), Some("s-old-one-r001"));
    assert_eq!(old.status, JobStatus::Finished);
    assert_eq!(
        old.step,
        JobStep::Created,
        "columns the old layout lacked get their defaults"
    );
    assert_eq!(old.extra_data, serde_json::json!({}));
    assert!(old.output_formats.is_empty());

    let version: u32 = raw(dir.path())
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

#[test]
fn an_upgraded_store_records_new_jobs_and_progress_on_old_ones() {
    let dir = tempfile::tempdir().unwrap();
    write_v0_store(dir.path());
    let (store, _) = open(dir.path());

    store.create_job(&job("j-new", &["a.csv"])).unwrap();
    store
        .record_transition("old-2", TransitionKind::Processing, "")
        .unwrap();

    assert_eq!(store.get_job("j-new").unwrap().input_files.len(), 1);
    let old = store.get_job("old-2").unwrap();
    assert_eq!(old.status, JobStatus::Running);
    assert_eq!(old.transitions.len(), 1);
}

#[test]
fn an_upgrade_happens_once() {
    let dir = tempfile::tempdir().unwrap();
    write_v0_store(dir.path());
    drop(open(dir.path()));
    let (store, report) = HistoryStore::open(dir.path()).unwrap();
    assert_eq!(report.migrated_from, None);
    assert_eq!(store.list_recent(Page::first(10)).unwrap().items.len(), 2);
}

#[test]
fn a_new_store_is_created_at_the_current_version_without_calling_it_an_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let (_store, report) = open(dir.path());
    assert!(report.created);
    assert_eq!(report.migrated_from, None);
    let version: u32 = raw(dir.path())
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

#[test]
fn a_schema_1_store_is_upgraded_in_place_keeping_its_jobs_with_no_sheet_or_callback_recorded() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (store, _) = open(dir.path());
        store
            .create_job(&job("old-done", &["corrections.xlsx"]))
            .unwrap();
        store
            .set_update_id("old-done", "s-demo-sample-r001")
            .unwrap();
        store
            .record_output("old-done", &output("Acme.json"))
            .unwrap();
        store.mark_finished("old-done").unwrap();
        store.create_job(&job("old-running", &["a.csv"])).unwrap();
    }
    downgrade_to_schema_1(dir.path());

    let (store, report) = open(dir.path());

    assert_eq!(report.migrated_from, Some(1));
    assert_eq!(report.recovered, None);
    assert_eq!(report.user_message(), None);
    let old = store.get_job("old-done").unwrap();
    assert!(old.skipped.is_empty(), "{:?}", old.skipped);
    assert_eq!(old.status, JobStatus::Finished);
    assert_eq!(old.update_id.as_deref(), Some("s-demo-sample-r001"));
    assert_eq!(old.client_ref.as_deref(), Some("ref-7"));
    assert_eq!(old.outputs, vec![output("Acme.json")]);
    assert_eq!(old.transitions.len(), 4);
    assert_eq!(old.input_files[0].name, "corrections.xlsx");
    assert_eq!(
        old.input_files[0].sheet, None,
        "schema 1 did not record the sheet: it reads as not recorded"
    );
    assert_eq!(old.callback_url, None);
    let unfinished = store.list_unfinished().unwrap();
    assert_eq!(unfinished.items.len(), 1);
    assert_eq!(unfinished.items[0].job_id, "old-running");

    store
        .create_job(&job("new", &["corrections.xlsx"]))
        .unwrap();
    let new = store.get_job("new").unwrap();
    assert_eq!(new.input_files[0].sheet.as_deref(), Some("Corrections"));
    assert_eq!(
        new.callback_url.as_deref(),
        Some("https://hooks.example.invalid/sov-done")
    );
    let version: u32 = raw(dir.path())
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

#[test]
fn a_schema_3_store_is_upgraded_in_place_keeping_its_jobs_with_no_mapping_or_header_row_recorded() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (store, _) = open(dir.path());
        store
            .create_job(&job("old-failed", &["friendly.xlsx"]))
            .unwrap();
        store
            .mark_failed(
                "old-failed",
                &sov_error::AppError::new(sov_error::Code::ServerError, "The server failed.", ""),
            )
            .unwrap();
    }
    downgrade_to_schema_3(dir.path());

    let (store, report) = open(dir.path());

    assert_eq!(report.migrated_from, Some(3));
    assert_eq!(report.recovered, None);
    let old = store.get_job("old-failed").unwrap();
    assert!(old.skipped.is_empty(), "{:?}", old.skipped);
    assert_eq!(old.status, JobStatus::Failed);
    assert_eq!(old.input_files[0].sheet.as_deref(), Some("Corrections"));
    assert_eq!(
        old.input_files[0].header_row, None,
        "schema 3 did not record the header row: it is found by looking again"
    );
    assert!(old.column_mapping.is_empty());

    store.create_job(&job("new", &["friendly.xlsx"])).unwrap();
    let new = store.get_job("new").unwrap();
    assert_eq!(new.input_files[0].header_row, Some(3));
    assert_eq!(
        new.column_mapping.get("Year Built").map(String::as_str),
        Some("const__bldg_year_built")
    );
    assert_eq!(
        new.column_mapping.get("Notes").map(String::as_str),
        Some("-")
    );
    let version: u32 = raw(dir.path())
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

#[test]
fn a_schema_4_store_is_upgraded_keeping_its_jobs_and_then_records_what_a_job_changed() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (store, _) = open(dir.path());
        store
            .create_job(&job("old-done", &["corrections.csv"]))
            .unwrap();
        store.mark_finished("old-done").unwrap();
    }
    downgrade_to_schema_4(dir.path());

    let (store, report) = open(dir.path());

    assert_eq!(report.migrated_from, Some(4));
    assert_eq!(report.user_message(), None);
    let old = store.get_job("old-done").unwrap();
    assert!(old.skipped.is_empty(), "{:?}", old.skipped);
    assert_eq!(old.status, JobStatus::Finished);
    assert_eq!(old.changes, None, "not compared before schema 5");
    let changes = sov_history::ChangeRecord {
        from_revision: 0,
        to_revision: 1,
        confirmed: 2,
        not_applied: 1,
        derived: 1,
        untouched_buildings: 40,
        summary: "2 requested changes confirmed, 1 not applied.".into(),
        report_path: Some("/out/Acme change report 2026-12-06.xlsx".into()),
    };
    store.record_changes("old-done", &changes).unwrap();
    drop(store);
    let (store, _) = open(dir.path());
    assert_eq!(
        store.get_job("old-done").unwrap().changes.as_ref(),
        Some(&changes)
    );
    let recent = store.list_recent(Page::first(10)).unwrap().items;
    assert_eq!(recent[0].changes.as_ref().map(|c| c.not_applied), Some(1));
    let version: u32 = raw(dir.path())
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}
