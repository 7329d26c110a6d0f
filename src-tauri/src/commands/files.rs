//! The corrections files: pre-flight check and one-click fixes.

use sov_app::{AppError, FixedFile};
use sov_preflight::FileReport;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[tauri::command]
pub async fn check_files(
    paths: Vec<PathBuf>,
    sheets: Option<BTreeMap<PathBuf, String>>,
) -> Result<Vec<FileReport>, AppError> {
    sov_app::check_files(paths, sheets).await
}

#[tauri::command]
pub async fn apply_fixes(path: PathBuf, sheet: Option<String>) -> Result<FixedFile, AppError> {
    sov_app::apply_fixes(path, sheet).await
}
