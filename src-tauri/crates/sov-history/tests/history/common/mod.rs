//! Shared builders for the history store tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use sov_history::{HistoryStore, InputFile, NewJob, OutputRecord, StoreOpenReport};

/// A job as the app records it; a workbook (`.xlsx`) among `file_names` has its `Corrections` sheet picked.
pub fn job(job_id: &str, file_names: &[&str]) -> NewJob {
    NewJob {
        job_id: job_id.to_owned(),
        sov_id: "s-demo-sample".to_owned(),
        environment_name: "demo".to_owned(),
        base_url: "http://127.0.0.1:9/api/v1".to_owned(),
        update_type: Some("API".to_owned()),
        client_ref: Some("ref-7".to_owned()),
        callback_url: Some("https://hooks.example.invalid/sov-done".to_owned()),
        extra_data: serde_json::json!({"insured_name": "Acme Corp"}),
        output_formats: vec!["JSON".to_owned(), "AUDITOR".to_owned()],
        download_dir: PathBuf::from("downloads"),
        column_mapping: [("Year Built", "const__bldg_year_built"), ("Notes", "-")]
            .into_iter()
            .map(|(header, attribute)| (header.to_owned(), attribute.to_owned()))
            .collect(),
        input_files: file_names
            .iter()
            .enumerate()
            .map(|(index, name)| InputFile {
                name: (*name).to_owned(),
                path: PathBuf::from("inputs").join(name),
                size: 100 + index as u64,
                sha256: format!("{index:064x}"),
                sheet: name.ends_with(".xlsx").then(|| "Corrections".to_owned()),
                header_row: Some(3),
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

/// Turns the store in `folder` into a schema-3 file holding the same rows, as a build from before schema 4 would
/// have left it: schema 4 only added the `header_row` and `column_mapping` columns.
/// Turns the store in `folder` into a schema-4 file: schema 5 only added the `changes` column.
pub fn downgrade_to_schema_4(folder: &Path) {
    raw(folder)
        .execute_batch("ALTER TABLE jobs DROP COLUMN changes; PRAGMA user_version = 4; VACUUM;")
        .unwrap();
}

pub fn downgrade_to_schema_3(folder: &Path) {
    downgrade_to_schema_4(folder);
    let conn = raw(folder);
    conn.execute_batch(
        "ALTER TABLE input_files DROP COLUMN header_row;
         ALTER TABLE jobs DROP COLUMN column_mapping;
         PRAGMA user_version = 3;
         VACUUM;",
    )
    .unwrap();
}

/// Turns the store in `folder` into a schema-1 file holding the same rows, as a build from before schema 2 would
/// have left it: schema 2 only added the `sheet` and `callback_url` columns, so dropping them (and those of
/// schema 4) gives schema 1's layout.
pub fn downgrade_to_schema_1(folder: &Path) {
    downgrade_to_schema_3(folder);
    let conn = raw(folder);
    conn.execute_batch(
        "ALTER TABLE input_files DROP COLUMN sheet;
         ALTER TABLE jobs DROP COLUMN callback_url;
         PRAGMA user_version = 1;
         VACUUM;",
    )
    .unwrap();
}
