#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;

use crate::common::{job, open, raw};
use sov_history::{HistoryError, HistoryStore, Page, DB_FILE_NAME, SCHEMA_VERSION};

fn corrupt_copies(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("history.db.corrupt-"))
        .collect();
    names.sort();
    names
}

/// A real store with enough jobs to span many pages, closed cleanly (so the WAL is folded into the file).
fn filled_store(folder: &Path) {
    let (store, _) = open(folder);
    for number in 0..60 {
        let id = format!("j-{number}");
        store
            .create_job(&job(&id, &["corrections.csv", "more.csv"]))
            .unwrap();
        store
            .set_update_id(&id, &format!("s-demo-sample-r{number:03}"))
            .unwrap();
    }
}

#[test]
fn a_garbage_file_is_moved_aside_and_a_fresh_store_starts() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = b"this is not a database, it is a shopping list\n".repeat(200);
    fs::write(dir.path().join(DB_FILE_NAME), &garbage).unwrap();

    let (store, report) = HistoryStore::open(dir.path()).unwrap();

    let recovery = report.recovered.clone().expect("the damage is reported");
    assert!(report.created);
    assert_eq!(
        fs::read(&recovery.moved_to).unwrap(),
        garbage,
        "the damaged file is kept, unchanged"
    );
    let moved_name = recovery
        .moved_to
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        moved_name.starts_with("history.db.corrupt-"),
        "{moved_name}"
    );
    assert!(!recovery.reason.is_empty());
    assert_eq!(recovery.jobs_recovered, 0);
    assert!(
        recovery.salvage_not_possible.is_some(),
        "nothing in it can be read: {recovery:?}"
    );
    let message = report.user_message().expect("the user is told");
    assert!(message.contains(&moved_name), "{message}");
    assert!(message.contains("moved aside"), "{message}");

    store.create_job(&job("j-new", &["a.csv"])).unwrap();
    assert_eq!(store.list_recent(Page::first(10)).unwrap().items.len(), 1);
}

#[test]
fn a_file_truncated_mid_page_is_moved_aside_and_what_it_still_holds_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    filled_store(dir.path());
    let path = dir.path().join(DB_FILE_NAME);
    let full = fs::read(&path).unwrap();
    assert!(
        full.len() > 8 * 4096,
        "the store spans many pages ({} bytes)",
        full.len()
    );
    // Cut in the middle of a page, about half-way through the file. (In this small store every job row sits in
    // the second half, so none may come back; damage_salvage.rs measures what a bigger store keeps.)
    let cut = full.len() / 2 + 1000;
    fs::write(&path, &full[..cut]).unwrap();

    let (store, report) = HistoryStore::open(dir.path()).unwrap();

    let recovery = report
        .recovered
        .clone()
        .expect("the truncation is detected");
    assert_eq!(
        fs::read(&recovery.moved_to).unwrap(),
        full[..cut],
        "the damaged file is kept, unchanged"
    );
    let listing = store.list_recent(Page::first(100)).unwrap();
    assert_eq!(listing.items.len(), recovery.jobs_recovered);
    assert!(listing.skipped.is_empty(), "{:?}", listing.skipped);
    let message = report.user_message().unwrap();
    let expected = match recovery.jobs_recovered {
        0 => "A new, empty history was started".to_owned(),
        1 => "1 earlier job was recovered".to_owned(),
        count => format!("{count} earlier jobs were recovered"),
    };
    assert!(message.contains(&expected), "{message}");
    store.create_job(&job("j-new", &["a.csv"])).unwrap();
}

#[test]
fn truncation_anywhere_is_survived() {
    let template = tempfile::tempdir().unwrap();
    filled_store(template.path());
    let full = fs::read(template.path().join(DB_FILE_NAME)).unwrap();
    // Inside the header, inside the first page, on a page boundary near the end, one byte short.
    for cut in [50, 3000, full.len() - 3 * 4096, full.len() - 1] {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(DB_FILE_NAME), &full[..cut]).unwrap();

        let (store, report) = HistoryStore::open(dir.path())
            .unwrap_or_else(|err| panic!("cut at {cut}: startup blocked: {err:?}"));

        let recovery = report
            .recovered
            .unwrap_or_else(|| panic!("cut at {cut}: damage not detected"));
        store.create_job(&job("j-new", &["a.csv"])).unwrap();
        assert_eq!(
            store.list_recent(Page::first(100)).unwrap().items.len(),
            recovery.jobs_recovered + 1,
            "cut at {cut}"
        );
        if cut > full.len() / 2 {
            assert!(
                recovery.jobs_recovered >= 30,
                "cut at {cut}: the part before the cut comes back ({recovery:?})"
            );
        }
    }
}

#[test]
fn a_stale_wal_beside_a_damaged_file_does_not_leak_into_the_fresh_store() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(DB_FILE_NAME), b"garbage".repeat(1000)).unwrap();
    fs::write(dir.path().join("history.db-wal"), b"old wal").unwrap();

    let (store, report) = HistoryStore::open(dir.path()).unwrap();

    assert!(report.recovered.is_some());
    // SQLite itself may discard an invalid WAL while probing the file; either way it must not sit beside the
    // fresh store (it would be replayed into it).
    let current_wal = fs::read(dir.path().join("history.db-wal")).unwrap_or_default();
    assert_ne!(current_wal, b"old wal");
    store.create_job(&job("j-new", &["a.csv"])).unwrap();
    assert_eq!(store.list_recent(Page::first(10)).unwrap().items.len(), 1);
}

#[test]
fn damage_twice_in_a_row_keeps_both_damaged_files() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..2 {
        fs::write(
            dir.path().join(DB_FILE_NAME),
            format!("garbage round {round}").repeat(500),
        )
        .unwrap();
        let (_store, report) = HistoryStore::open(dir.path()).unwrap();
        assert!(report.recovered.is_some());
    }
    assert_eq!(corrupt_copies(dir.path()).len(), 2);
}

#[test]
fn a_healthy_store_is_never_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    filled_store(dir.path());
    let (store, report) = open(dir.path());
    assert_eq!(report.recovered, None);
    assert!(corrupt_copies(dir.path()).is_empty());
    assert_eq!(store.list_recent(Page::first(100)).unwrap().items.len(), 60);
}

#[test]
fn a_store_from_a_newer_version_opens_read_only_and_is_not_changed() {
    let dir = tempfile::tempdir().unwrap();
    filled_store(dir.path());
    let newer = SCHEMA_VERSION + 1;
    raw(dir.path())
        .pragma_update(None, "user_version", newer)
        .unwrap();
    let before = fs::read(dir.path().join(DB_FILE_NAME)).unwrap();

    let (store, report) = HistoryStore::open(dir.path()).unwrap();

    assert_eq!(report.newer_version, Some(newer));
    assert_eq!(report.recovered, None);
    assert!(store.is_read_only());
    let message = report.user_message().expect("the user is told");
    assert!(message.contains("newer version"), "{message}");
    assert_eq!(
        store.list_recent(Page::first(100)).unwrap().items.len(),
        60,
        "old jobs are still listed"
    );
    let err = store.create_job(&job("j-new", &["a.csv"])).unwrap_err();
    assert!(
        matches!(err, HistoryError::ReadOnly { found, .. } if found == newer),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("Install the newer version"),
        "{err}"
    );
    assert!(store.mark_finished("j-1").is_err());
    drop(store);
    assert_eq!(
        fs::read(dir.path().join(DB_FILE_NAME)).unwrap(),
        before,
        "the newer file is left untouched"
    );
    assert!(corrupt_copies(dir.path()).is_empty());
}

#[test]
fn the_data_folder_is_created_when_missing() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("deep").join("app data");
    let (store, report) = HistoryStore::open(&folder).unwrap();
    assert!(report.created);
    assert_eq!(report.path, folder.join(DB_FILE_NAME));
    store.create_job(&job("j-1", &["a.csv"])).unwrap();
}

#[test]
fn an_unusable_data_folder_is_a_clear_error_naming_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_folder = dir.path().join("occupied");
    fs::write(&not_a_folder, b"a file where the folder should be").unwrap();
    let folder = not_a_folder.join("history");

    let err = HistoryStore::open(&folder)
        .err()
        .expect("cannot open a store under a file");

    assert!(
        matches!(err, HistoryError::FolderUnavailable { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains(&folder.display().to_string()),
        "{err}"
    );
    assert_eq!(err.code(), sov_error::Code::FileError);
    assert!(!err.detail().is_empty());
}

#[test]
fn files_left_by_a_killed_process_open_with_every_committed_job() {
    let live = tempfile::tempdir().unwrap();
    let (store, _) = open(live.path());
    for number in 0..20 {
        store
            .create_job(&job(&format!("j-{number}"), &["a.csv"]))
            .unwrap();
    }
    store.set_update_id("j-19", "s-demo-sample-r019").unwrap();
    // Copy the files while the store is still open: exactly what a killed process leaves behind, with the
    // latest commits only in the WAL.
    let after_kill = tempfile::tempdir().unwrap();
    for name in [DB_FILE_NAME, "history.db-wal", "history.db-shm"] {
        let from = live.path().join(name);
        if from.exists() {
            fs::copy(&from, after_kill.path().join(name)).unwrap();
        }
    }
    assert!(
        after_kill.path().join("history.db-wal").exists(),
        "the test needs commits still in the WAL"
    );

    let (restarted, report) = HistoryStore::open(after_kill.path()).unwrap();

    assert_eq!(
        report.recovered, None,
        "an interrupted but healthy store is not treated as damaged"
    );
    assert_eq!(restarted.list_unfinished().unwrap().items.len(), 20);
    let last = restarted.get_job("j-19").unwrap();
    assert_eq!(last.update_id.as_deref(), Some("s-demo-sample-r019"));
    drop(store);
}
