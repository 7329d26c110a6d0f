//! Native dialogs and handing files to the desktop. Dialogs are asynchronous so the window never freezes.

use sov_app::AppError;
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
        Err(AppError::file(
            format!(
                "“{}” is no longer there. It may have been moved or deleted; use “Download again” to fetch it.",
                path.display()
            ),
            "file not found",
        ))
    }
}

#[tauri::command]
pub fn open_path(path: PathBuf) -> Result<(), AppError> {
    existing(&path)?;
    tauri_plugin_opener::open_path(&path, None::<&str>).map_err(|error| {
        AppError::file(
            "No program on this computer could open the file. Use “Show in folder” and open it from there.",
            error,
        )
    })
}

#[tauri::command]
pub fn reveal_path(path: PathBuf) -> Result<(), AppError> {
    existing(&path)?;
    tauri_plugin_opener::reveal_item_in_dir(&path).map_err(|error| {
        AppError::file(
            "The folder could not be shown. The file is at the path under “Show details”.",
            format!("{}: {error}", path.display()),
        )
    })
}
