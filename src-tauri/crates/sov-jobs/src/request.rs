//! Between the engine's `JobSpec` and the history's `NewJob`: what is recorded about a new job, and
//! how a recorded job becomes a spec again for Retry.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use sov_history::{InputFile, JobDetail, NewJob};
use sov_preflight::ColumnMapping;
use sov_update::{JobSpec, StartRequest, UpdateType};

/// A fresh local job id: time-ordered and unique enough for one user's history.
pub fn new_job_id() -> String {
    format!("j-{}-{:08x}", sov_history::now_ms(), rand::random::<u32>())
}

/// The history record of a job about to run. Input files are hashed here; a file that cannot be
/// read is recorded with size 0 and no hash, and the engine's own check then reports it plainly.
pub fn new_job(job_id: &str, spec: &JobSpec, environment_name: &str, base_url: &str) -> NewJob {
    NewJob {
        job_id: job_id.to_owned(),
        sov_id: spec.sov_id.clone(),
        environment_name: environment_name.to_owned(),
        base_url: base_url.to_owned(),
        update_type: spec.update_type.as_ref().map(|t| t.as_str().to_owned()),
        client_ref: spec.client_ref.clone(),
        callback_url: spec.callback_url.clone(),
        extra_data: serde_json::Value::Object(spec.start.extra_data.clone()),
        output_formats: spec.start.output_formats.clone(),
        download_dir: spec.download_dir.clone(),
        column_mapping: spec.mapping.to_text_choices(),
        input_files: spec
            .files
            .iter()
            .map(|path| {
                input_file(
                    path,
                    spec.sheets.get(path),
                    spec.header_rows.get(path).copied(),
                )
            })
            .collect(),
    }
}

/// The column choices recorded for a job, to send it again with the same columns. A record that is
/// not a valid mapping (written by hand, or by a newer version) is sent without one: the pre-flight
/// check then blocks the unmapped columns rather than send them under the wrong names.
fn mapping_from_record(recorded: &BTreeMap<String, String>) -> ColumnMapping {
    ColumnMapping::from_text_choices(recorded).unwrap_or_default()
}

fn input_file(path: &Path, sheet: Option<&String>, header_row: Option<u64>) -> InputFile {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let (size, sha256) = hash_file(path).unwrap_or_default();
    InputFile {
        name,
        path: path.to_path_buf(),
        size,
        sha256,
        sheet: sheet.cloned(),
        header_row,
    }
}

/// Size and SHA-256 of a file, read in blocks so a large file never sits in memory.
pub fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        size += read as u64;
    }
    Ok((size, hex::encode(hasher.finalize())))
}

/// The spec to send a recorded job again as a new job (Retry): same SOV, files, picked sheets and
/// header rows, column mapping, callback URL, formats and extra data. A job recorded before sheets
/// and callback URLs were goes without them (each workbook read from its first sheet); one recorded
/// before mappings were goes without one (headers found by looking, as that version did).
pub fn spec_from_detail(detail: &JobDetail) -> JobSpec {
    JobSpec {
        sov_id: detail.sov_id.clone(),
        files: detail
            .input_files
            .iter()
            .map(|file| file.path.clone())
            .collect::<Vec<PathBuf>>(),
        update_type: detail.update_type.as_deref().map(UpdateType::parse),
        client_ref: detail.client_ref.clone(),
        callback_url: detail.callback_url.clone(),
        start: start_request(detail),
        download_dir: detail.download_dir.clone(),
        sheets: detail
            .input_files
            .iter()
            .filter_map(|file| Some((file.path.clone(), file.sheet.clone()?)))
            .collect(),
        header_rows: detail
            .input_files
            .iter()
            .filter_map(|file| Some((file.path.clone(), file.header_row?)))
            .collect(),
        mapping: mapping_from_record(&detail.column_mapping),
        ..JobSpec::default()
    }
}

/// The `start` body recorded for a job (extra data and output formats).
pub fn start_request(detail: &JobDetail) -> StartRequest {
    StartRequest {
        extra_data: match &detail.extra_data {
            serde_json::Value::Object(map) => map.clone(),
            _ => serde_json::Map::new(),
        },
        output_formats: detail.output_formats.clone(),
        ..StartRequest::default()
    }
}
