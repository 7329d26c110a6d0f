#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Barrier};
use std::thread;

use crate::common::{job, open, output};
use sov_history::{HistoryStore, JobStatus, Page, TransitionKind};

const JOBS_PER_WRITER: usize = 25;
const TRANSITIONS_PER_JOB: usize = 6;

fn write_jobs(store: &HistoryStore, writer: &str) {
    for number in 0..JOBS_PER_WRITER {
        let id = format!("{writer}-{number}");
        store.create_job(&job(&id, &["a.csv", "b.csv"])).unwrap();
        for _ in 0..TRANSITIONS_PER_JOB {
            store
                .record_transition(&id, TransitionKind::Processing, writer)
                .unwrap();
        }
        store.record_output(&id, &output("out.json")).unwrap();
        store.mark_finished(&id).unwrap();
    }
}

fn assert_all_recorded(store: &HistoryStore, writers: &[&str]) {
    let listing = store.list_recent(Page::first(1000)).unwrap();
    assert!(listing.skipped.is_empty());
    assert_eq!(listing.items.len(), writers.len() * JOBS_PER_WRITER);
    for writer in writers {
        for number in 0..JOBS_PER_WRITER {
            let detail = store.get_job(&format!("{writer}-{number}")).unwrap();
            assert_eq!(detail.status, JobStatus::Finished);
            // created + processing × N + output saved + finished, none lost or interleaved into another job.
            assert_eq!(detail.transitions.len(), TRANSITIONS_PER_JOB + 3);
            assert!(detail
                .transitions
                .iter()
                .filter(|t| t.kind == TransitionKind::Processing)
                .all(|t| t.detail == *writer));
            assert_eq!(detail.outputs.len(), 1);
        }
    }
}

#[test]
fn two_connections_writing_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    drop(open(dir.path()));
    let start = Arc::new(Barrier::new(2));
    let writers: Vec<_> = ["left", "right"]
        .into_iter()
        .map(|writer| {
            let folder = dir.path().to_path_buf();
            let start = Arc::clone(&start);
            thread::spawn(move || {
                // Each thread has its own store, as two app processes would.
                let (store, _) = HistoryStore::open(&folder).unwrap();
                start.wait();
                write_jobs(&store, writer);
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let (store, _) = open(dir.path());
    assert_all_recorded(&store, &["left", "right"]);
}

#[test]
fn one_store_shared_between_threads_lets_readers_and_writers_work_together() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path());
    let store = Arc::new(store);
    let start = Arc::new(Barrier::new(3));
    let mut handles = Vec::new();
    for writer in ["left", "right"] {
        let (store, start) = (Arc::clone(&store), Arc::clone(&start));
        handles.push(thread::spawn(move || {
            start.wait();
            write_jobs(&store, writer);
        }));
    }
    let reader = {
        let (store, start) = (Arc::clone(&store), Arc::clone(&start));
        thread::spawn(move || {
            start.wait();
            // Reads during the writes see whole jobs only: never a job without its input files.
            for _ in 0..50 {
                for summary in store.list_recent(Page::first(1000)).unwrap().items {
                    assert_eq!(summary.file_names.len(), 2);
                }
            }
        })
    };
    for handle in handles {
        handle.join().unwrap();
    }
    reader.join().unwrap();
    assert_all_recorded(&store, &["left", "right"]);
}

#[test]
fn two_stores_opening_a_new_folder_at_once_both_work() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("fresh");
    let start = Arc::new(Barrier::new(2));
    let openers: Vec<_> = ["left", "right"]
        .into_iter()
        .map(|writer| {
            let (folder, start) = (folder.clone(), Arc::clone(&start));
            thread::spawn(move || {
                start.wait();
                let (store, report) = HistoryStore::open(&folder).unwrap();
                assert_eq!(report.recovered, None);
                store.create_job(&job(writer, &["a.csv"])).unwrap();
            })
        })
        .collect();
    for opener in openers {
        opener.join().unwrap();
    }
    let (store, _) = open(&folder);
    assert_eq!(store.list_recent(Page::first(10)).unwrap().items.len(), 2);
}
