//! The corrections files: pre-flight check and one-click fixes. The checks run off the async threads because a
//! large file takes a while to read.

use crate::error::{CommandError, CommandResult};
use serde::Serialize;
use sov_preflight::{CheckOptions, FileReport, PreflightError};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Checks the files together (so rows repeated across files are found). `sheets` holds the sheet the user picked
/// for a workbook, by path; other workbooks are read from their first sheet.
#[tauri::command]
pub async fn check_files(
    paths: Vec<PathBuf>,
    sheets: Option<BTreeMap<PathBuf, String>>,
) -> CommandResult<Vec<FileReport>> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let options = CheckOptions {
        sheet_for: sheets.unwrap_or_default(),
        ..CheckOptions::default()
    };
    tauri::async_runtime::spawn_blocking(move || sov_preflight::check_files(&paths, &options))
        .await
        .map_err(CommandError::internal)
}

#[derive(Debug, Serialize)]
pub struct FixedFile {
    pub fixed_path: PathBuf,
    pub report: FileReport,
}

/// Writes a fixed copy of `path`; for a workbook, of `sheet` (the first sheet when `None`).
#[tauri::command]
pub async fn apply_fixes(path: PathBuf, sheet: Option<String>) -> CommandResult<FixedFile> {
    let options = CheckOptions {
        sheet,
        ..CheckOptions::default()
    };
    let result =
        tauri::async_runtime::spawn_blocking(move || sov_preflight::apply_fixes(&path, &options))
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
