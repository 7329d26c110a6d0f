//! The corrections files: pre-flight check and one-click fixes. The checks run off the async threads because a
//! large file takes a while to read.

use crate::error::{CommandError, CommandResult};
use serde::Serialize;
use sov_preflight::{CheckOptions, FileReport, PreflightError};
use std::path::PathBuf;

#[tauri::command]
pub async fn check_files(paths: Vec<PathBuf>) -> CommandResult<Vec<FileReport>> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    tauri::async_runtime::spawn_blocking(move || {
        sov_preflight::check_files(&paths, &CheckOptions::default())
    })
    .await
    .map_err(CommandError::internal)
}

#[derive(Debug, Serialize)]
pub struct FixedFile {
    pub fixed_path: PathBuf,
    pub report: FileReport,
}

#[tauri::command]
pub async fn apply_fixes(path: PathBuf) -> CommandResult<FixedFile> {
    let result = tauri::async_runtime::spawn_blocking(move || {
        sov_preflight::apply_fixes(&path, &CheckOptions::default())
    })
    .await
    .map_err(CommandError::internal)?;
    match result {
        Ok((fixed_path, report)) => Ok(FixedFile { fixed_path, report }),
        Err(error @ PreflightError::Io { .. }) => {
            Err(CommandError::file(error.to_string(), format!("{error:?}")))
        }
        Err(error) => Err(CommandError::new(
            "invalid_input",
            error.to_string(),
            format!("{error:?}"),
        )),
    }
}
