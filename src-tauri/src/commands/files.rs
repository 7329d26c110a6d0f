//! The corrections files: pre-flight check, one-click fixes, and the mapping step (column choices, remembered
//! mappings, the row list of a problem, "Save the list").

use sov_app::{AppError, AppState, AttributeChoice, FileChoices, FixedFile, ProblemRows};
use sov_preflight::{FileReport, FileStamp, ProblemRowsPage};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub async fn check_files(
    state: State<'_, Arc<AppState>>,
    paths: Vec<PathBuf>,
    sheets: Option<BTreeMap<PathBuf, String>>,
    header_rows: Option<BTreeMap<PathBuf, u64>>,
    mapping: Option<BTreeMap<String, String>>,
) -> Result<Vec<FileReport>, AppError> {
    let choices = FileChoices {
        sheets: sheets.unwrap_or_default(),
        header_rows: header_rows.unwrap_or_default(),
        mapping: mapping.unwrap_or_default(),
    };
    state.check_files_with_choices(paths, choices).await
}

#[tauri::command]
pub async fn apply_fixes(path: PathBuf, sheet: Option<String>) -> Result<FixedFile, AppError> {
    sov_app::apply_fixes(path, sheet).await
}

#[tauri::command]
pub fn list_attributes() -> Vec<AttributeChoice> {
    sov_app::attribute_choices()
}

#[tauri::command]
pub fn remember_mapping(
    state: State<'_, Arc<AppState>>,
    header: Vec<String>,
    mapping: BTreeMap<String, String>,
) -> Result<(), AppError> {
    state.remember_mapping(&header, &mapping)
}

#[tauri::command]
pub fn forget_mapping(
    state: State<'_, Arc<AppState>>,
    header: Vec<String>,
) -> Result<(), AppError> {
    state.forget_mapping(&header)
}

/// The files changed (or gone) since the window checked them, by their stamps: asked when the user
/// comes back to the window, so a file edited in Excel meanwhile is checked again.
#[tauri::command]
pub fn changed_files(checked: BTreeMap<PathBuf, FileStamp>) -> Vec<PathBuf> {
    sov_app::changed_since_checked(&checked)
}

/// A page of a problem's row list (the window's "Show all N rows").
#[tauri::command]
pub async fn list_problem_rows(
    problem: ProblemRows,
    choices: FileChoices,
    offset: u64,
    limit: u64,
) -> Result<ProblemRowsPage, AppError> {
    sov_app::list_problem_rows(problem, choices, offset, limit).await
}

/// "Save the list": asks where (the native save dialog), then writes the rows. `None` when cancelled.
#[tauri::command]
pub async fn save_problem_list(
    problem: ProblemRows,
    choices: FileChoices,
    suggested_name: String,
) -> Result<Option<PathBuf>, AppError> {
    let Some(handle) = rfd::AsyncFileDialog::new()
        .set_title("Save the list of rows")
        .set_file_name(&suggested_name)
        .add_filter("CSV (opens in Excel)", &["csv"])
        .save_file()
        .await
    else {
        return Ok(None);
    };
    let out = handle.path().to_path_buf();
    sov_app::save_problem_rows(problem, choices, out.clone()).await?;
    Ok(Some(out))
}
