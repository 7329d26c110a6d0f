//! Shared builders for the history store tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use sov_history::{HistoryStore, InputFile, NewJob, OutputRecord, StoreOpenReport};

pub fn job(job_id: &str, file_names: &[&str]) -> NewJob {
    NewJob {
        job_id: job_id.to_owned(),
        sov_id: "s-demo-sample".to_owned(),
        environment_name: "demo".to_owned(),
        base_url: "http://127.0.0.1:9/api/v1".to_owned(),
        update_type: Some("API".to_owned()),
        client_ref: Some("ref-7".to_owned()),
        extra_data: serde_json::json!({"insured_name": "Acme Corp"}),
        output_formats: vec!["JSON".to_owned(), "AUDITOR".to_owned()],
        download_dir: PathBuf::from("downloads"),
        input_files: file_names
            .iter()
            .enumerate()
            .map(|(index, name)| InputFile {
                name: (*name).to_owned(),
                path: PathBuf::from("inputs").join(name),
                size: 100 + index as u64,
                sha256: format!("{index:064x}"),
            })
            .collect(),
    }
}

pub fn output(filename: &str) -> OutputRecord {
    OutputRecord {
        filename: filename.to_owned(),
        description: "JSON".to_owned(),
        url: format!("/api/v1/sov/s-demo-sample-r001/output/{filename}"),
        local_path: PathBuf::from("downloads").join(filename),
        size: 1234,
        sha256: "ab".repeat(32),
    }
}

pub fn open(folder: &Path) -> (HistoryStore, StoreOpenReport) {
    HistoryStore::open(folder).unwrap()
}

/// A plain connection, to damage or inspect the file the way another program (or a bug) could.
pub fn raw(folder: &Path) -> Connection {
    Connection::open(folder.join(sov_history::DB_FILE_NAME)).unwrap()
}
