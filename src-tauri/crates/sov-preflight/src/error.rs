//! Errors of the operations that produce something (fixed files, upload plans).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum PreflightError {
    /// Reading or writing a file failed.
    #[error("Could not use `{path}`: {source}. Check that the file exists and is not open in another program.")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file cannot be used as a corrections table at all; `message` says why and what to do.
    #[error("{message}")]
    NotUsable { message: String },
    /// `apply_fixes` found nothing it could fix safely.
    #[error("There is nothing in `{file_name}` that can be fixed automatically. Correct the remaining problems in Excel and check the file again.")]
    NothingToFix { file_name: String },
}

impl PreflightError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
