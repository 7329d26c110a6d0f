//! Native dialogs and handing files to the desktop. Dialogs are asynchronous so the window never freezes.

use sov_app::{open_words, AppError};
use std::path::PathBuf;

#[tauri::command]
pub async fn pick_files() -> Vec<PathBuf> {
    rfd::AsyncFileDialog::new()
        .set_title("Choose corrections files")
        .add_filter(
            "Corrections (CSV or Excel)",
            &["csv", "txt", "xlsx", "xlsm", "xls"],
        )
        .add_filter("All files", &["*"])
        .pick_files()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|handle| handle.path().to_path_buf())
        .collect()
}

#[tauri::command]
pub async fn pick_folder() -> Option<PathBuf> {
    rfd::AsyncFileDialog::new()
        .set_title("Choose where to save the outputs")
        .pick_folder()
        .await
        .map(|handle| handle.path().to_path_buf())
}

fn existing(path: &std::path::Path) -> Result<(), AppError> {
    if path.exists() {
        Ok(())
    } else {
        Err(open_words::missing_path(path))
    }
}

#[tauri::command]
pub fn open_path(path: PathBuf) -> Result<(), AppError> {
    existing(&path)?;
    tauri_plugin_opener::open_path(&path, None::<&str>)
        .map_err(|error| open_words::open_failed(&path, error))
}

#[tauri::command]
pub fn reveal_path(path: PathBuf) -> Result<(), AppError> {
    existing(&path)?;
    tauri_plugin_opener::reveal_item_in_dir(&path)
        .map_err(|error| open_words::reveal_failed(&path, error))
}
