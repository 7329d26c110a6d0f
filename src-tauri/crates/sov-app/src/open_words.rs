//! The words when the desktop cannot open or show a saved file or folder (the shell's `open_path` and
//! `reveal_path`): they name what it was, a file or a folder, and what to do instead.

use sov_error::AppError;
use std::path::Path;

/// `path` is gone (moved or deleted since it was saved). Checked before the desktop is asked.
pub fn missing_path(path: &Path) -> AppError {
    AppError::file(
        format!(
            "“{}” is no longer there. It may have been moved or deleted; use “Download again” to fetch it.",
            path.display()
        ),
        "not found",
    )
}

/// No program opened `path`: a folder is opened from the file manager, a file from its folder.
pub fn open_failed(path: &Path, error: impl std::fmt::Display) -> AppError {
    let message = if path.is_dir() {
        format!(
            "No program on this computer could open the folder “{}”. Open it from your file manager; its path is under “Show details”.",
            path.display()
        )
    } else {
        format!(
            "No program on this computer could open the file “{}”. Use “Show in folder” and open it from there.",
            name_of(path)
        )
    };
    AppError::file(message, format!("{}: {error}", path.display()))
}

/// The file manager could not show `path`.
pub fn reveal_failed(path: &Path, error: impl std::fmt::Display) -> AppError {
    let what = if path.is_dir() { "folder" } else { "file" };
    AppError::file(
        format!(
            "The file manager could not show the {what} “{}”. Its path is under “Show details”.",
            name_of(path)
        ),
        format!("{}: {error}", path.display()),
    )
}

fn name_of(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use sov_error::Code;

    #[test]
    fn a_folder_that_cannot_be_opened_is_called_a_folder_and_a_file_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let folder = open_failed(dir.path(), "no handler");
        assert_eq!(folder.code, Code::FileError);
        assert!(
            folder.message.contains("open the folder"),
            "{}",
            folder.message
        );
        assert!(!folder.message.contains("file “"), "{}", folder.message);
        assert!(
            folder.message.contains("file manager"),
            "{}",
            folder.message
        );
        assert!(folder.detail.contains("no handler"));

        let file = dir.path().join("Acme outputs.xlsx");
        std::fs::write(&file, b"x").unwrap();
        let opened = open_failed(&file, "no handler");
        assert!(
            opened.message.contains("open the file “Acme outputs.xlsx”"),
            "{}",
            opened.message
        );
        assert!(
            opened.message.contains("Show in folder"),
            "{}",
            opened.message
        );
        assert!(reveal_failed(dir.path(), "x")
            .message
            .contains("the folder"));
        assert!(reveal_failed(&file, "x")
            .message
            .contains("the file “Acme outputs.xlsx”"));
    }

    #[test]
    fn a_path_that_is_gone_names_it_and_the_next_step() {
        let gone = missing_path(Path::new("outputs/Acme.json"));
        assert_eq!(gone.code, Code::FileError);
        assert!(gone.message.contains("Acme.json"), "{}", gone.message);
        assert!(gone.message.contains("Download again"), "{}", gone.message);
    }
}
