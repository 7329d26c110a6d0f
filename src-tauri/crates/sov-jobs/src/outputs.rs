//! Removing the partial files a killed download left behind. (Downloading only the outputs not
//! saved yet is the engine's: `ResumeSpec::skip_outputs`, see `JobRunner::fetch_outputs`.)

use std::path::{Path, PathBuf};

/// The engine saves into hidden `.sov-updater-*.part` files and renames them when complete; a
/// process killed mid-download leaves one behind.
const PARTIAL_PREFIX: &str = ".sov-updater-";
const PARTIAL_SUFFIX: &str = ".part";

/// Deletes partial download files in `dir`. Called only at startup, before anything of this
/// process downloads into the folder, so every such file is a leftover of a killed download.
pub fn remove_partial_downloads(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let partial = name.starts_with(PARTIAL_PREFIX) && name.ends_with(PARTIAL_SUFFIX);
        let is_file = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
        if partial && is_file && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}
