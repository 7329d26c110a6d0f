//! The corrections files: pre-flight check and one-click fixes. The checks run off the async threads because a
//! large file takes a while to read.

use crate::AppResult;
use serde::Serialize;
use sov_error::{AppError, Code};
use sov_preflight::{CheckOptions, FileReport, PreflightError};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Checks the files together (so rows repeated across files are found). `sheets` holds the sheet the user picked
/// for a workbook, by path; other workbooks are read from their first sheet.
pub async fn check_files(
    paths: Vec<PathBuf>,
    sheets: Option<BTreeMap<PathBuf, String>>,
) -> AppResult<Vec<FileReport>> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let options = CheckOptions {
        sheet_for: sheets.unwrap_or_default(),
        ..CheckOptions::default()
    };
    tokio::task::spawn_blocking(move || sov_preflight::check_files(&paths, &options))
        .await
        .map_err(AppError::internal)
}

#[derive(Debug, Serialize)]
pub struct FixedFile {
    pub fixed_path: PathBuf,
    pub report: FileReport,
}

/// Writes a fixed copy of `path`; for a workbook, of `sheet` (the first sheet when `None`).
pub async fn apply_fixes(path: PathBuf, sheet: Option<String>) -> AppResult<FixedFile> {
    let options = CheckOptions {
        sheet,
        ..CheckOptions::default()
    };
    let result = tokio::task::spawn_blocking(move || sov_preflight::apply_fixes(&path, &options))
        .await
        .map_err(AppError::internal)?;
    let (fixed_path, report) = result.map_err(preflight_error)?;
    Ok(FixedFile { fixed_path, report })
}

/// A fix that could not be written is a file problem; any other refusal is about the file's contents.
fn preflight_error(error: PreflightError) -> AppError {
    let code = match error {
        PreflightError::Io { .. } => Code::FileError,
        _ => Code::InvalidInput,
    };
    AppError::new(code, error.to_string(), format!("{error:?}"))
}
