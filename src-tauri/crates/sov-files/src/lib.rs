//! Saving a finished file without ever replacing an existing one, and without ever leaving a partial file where a
//! finished one is expected: the bytes go to a hidden temporary file in the destination folder (same file system,
//! so the final rename is atomic), which is then renamed to the wanted name, or "name (2).ext", "name (3).ext"…
//! The rename itself refuses to replace a file, so even a file created a moment ago by someone else, or one held
//! open by Excel on Windows, is left untouched.
//!
//! One implementation for every file the app saves: downloaded outputs, the corrections workbook, the change
//! report, reports of problems, and the CLI's `--out` files. [`name`] makes names from outside (an insured's, a
//! server's) safe to save under on Windows and Unix.

use std::io::Write as _;
use std::path::{Path, PathBuf};

pub mod name;

/// How many numbered names (`name (2).ext` …) are tried before giving up.
pub const MAX_NAME_VARIANTS: u32 = 999;

/// Why a file could not be saved.
#[derive(Debug)]
pub enum SaveError {
    /// Reading or writing `path` failed (a missing folder, no permission, a full disk…).
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `name` and all its numbered variants are taken in the folder.
    NoFreeName { path: PathBuf },
    /// The exact path asked for already exists (`persist_exact`).
    Exists { path: PathBuf },
}

impl SaveError {
    /// The file or folder the error is about.
    pub fn path(&self) -> &Path {
        match self {
            SaveError::Io { path, .. }
            | SaveError::NoFreeName { path }
            | SaveError::Exists { path } => path,
        }
    }
}

impl std::fmt::Display for SaveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SaveError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            SaveError::NoFreeName { path } => write!(
                f,
                "{}: {MAX_NAME_VARIANTS} files with this name already exist",
                path.display()
            ),
            SaveError::Exists { path } => write!(f, "{} already exists", path.display()),
        }
    }
}

impl std::error::Error for SaveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SaveError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> SaveError + '_ {
    move |source| SaveError::Io {
        path: path.to_owned(),
        source,
    }
}

/// A hidden temporary file in `folder`, deleted if dropped before it is persisted. Readable like any other saved
/// file on Unix (temporary files are owner-only by default; the umask still applies).
pub fn temp_file_in(folder: &Path) -> Result<tempfile::NamedTempFile, SaveError> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".sov-updater-").suffix(".part");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    builder.tempfile_in(folder).map_err(io_error(folder))
}

/// `name`, then `stem (2).ext`, `stem (3).ext`, … inside `folder`.
pub fn candidate_path(folder: &Path, name: &str, index: u32) -> PathBuf {
    if index <= 1 {
        return folder.join(name);
    }
    match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => {
            folder.join(format!("{stem} ({index}).{extension}"))
        }
        _ => folder.join(format!("{name} ({index})")),
    }
}

/// Renames the finished `temp` (already flushed) to `name` in `folder`, or the first free numbered variant.
pub fn persist_numbered(
    mut temp: tempfile::NamedTempFile,
    folder: &Path,
    name: &str,
) -> Result<PathBuf, SaveError> {
    for index in 1..=MAX_NAME_VARIANTS {
        let candidate = candidate_path(folder, name, index);
        match temp.persist_noclobber(&candidate) {
            Ok(_) => {
                sync_folder(folder);
                return Ok(candidate);
            }
            Err(error) if error.error.kind() == std::io::ErrorKind::AlreadyExists => {
                temp = error.file;
            }
            Err(error) => return Err(io_error(&candidate)(error.error)),
        }
    }
    Err(SaveError::NoFreeName {
        path: folder.join(name),
    })
}

/// Renames the finished `temp` to exactly `path`, refusing (`SaveError::Exists`) when it is taken: for a name the
/// user typed, where a numbered variant would surprise.
pub fn persist_exact(temp: tempfile::NamedTempFile, path: &Path) -> Result<PathBuf, SaveError> {
    match temp.persist_noclobber(path) {
        Ok(_) => {
            sync_folder(&folder_of(path));
            Ok(path.to_owned())
        }
        Err(error) if error.error.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(SaveError::Exists {
                path: path.to_owned(),
            })
        }
        Err(error) => Err(io_error(path)(error.error)),
    }
}

/// Writes `bytes` into `folder` as `name` or its first free numbered variant; returns where it landed.
pub fn write_new_file(folder: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, SaveError> {
    let temp = write_temp(folder, |file| file.write_all(bytes))?;
    persist_numbered(temp, folder, name)
}

/// Writes through `fill` into a temporary file in `folder`, flushed to disk, ready to persist. On any error the
/// temporary file is removed.
pub fn write_temp(
    folder: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<tempfile::NamedTempFile, SaveError> {
    let mut temp = temp_file_in(folder)?;
    let path = temp.path().to_owned();
    fill(temp.as_file_mut())
        .and_then(|()| temp.as_file().sync_all())
        .map_err(io_error(&path))?;
    Ok(temp)
}

/// The folder a path is in; `.` for a bare file name.
pub fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Makes a rename durable on Unix; best effort, as some file systems refuse to sync a folder.
fn sync_folder(folder: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = std::fs::File::open(folder) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = folder;
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn names_in(folder: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn numbered_candidates() {
        let folder = Path::new("out");
        assert_eq!(
            candidate_path(folder, "Acme Corp 2026-06.json", 1),
            folder.join("Acme Corp 2026-06.json")
        );
        assert_eq!(
            candidate_path(folder, "Acme Corp 2026-06.json", 2),
            folder.join("Acme Corp 2026-06 (2).json")
        );
        assert_eq!(
            candidate_path(folder, "README", 3),
            folder.join("README (3)")
        );
        assert_eq!(
            candidate_path(folder, ".hidden", 2),
            folder.join(".hidden (2)")
        );
    }

    #[test]
    fn a_taken_name_gets_a_number_and_the_first_file_is_kept() {
        let folder = tempfile::tempdir().unwrap();
        let first = write_new_file(folder.path(), "Acme corrections.xlsx", b"one").unwrap();
        let second = write_new_file(folder.path(), "Acme corrections.xlsx", b"two").unwrap();
        let third = write_new_file(folder.path(), "Acme corrections.xlsx", b"three").unwrap();
        assert_eq!(second.file_name().unwrap(), "Acme corrections (2).xlsx");
        assert_eq!(third.file_name().unwrap(), "Acme corrections (3).xlsx");
        assert_eq!(std::fs::read(first).unwrap(), b"one");
        assert_eq!(std::fs::read(second).unwrap(), b"two");
        assert_eq!(
            names_in(folder.path()),
            [
                "Acme corrections (2).xlsx",
                "Acme corrections (3).xlsx",
                "Acme corrections.xlsx"
            ],
            "no temporary file is left"
        );
    }

    #[test]
    fn an_exact_name_that_is_taken_is_refused_and_nothing_is_left() {
        let folder = tempfile::tempdir().unwrap();
        let target = folder.path().join("current.csv");
        std::fs::write(&target, "old").unwrap();
        let temp = write_temp(folder.path(), |file| file.write_all(b"new")).unwrap();
        let error = persist_exact(temp, &target).unwrap_err();
        assert!(matches!(error, SaveError::Exists { .. }), "{error}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(names_in(folder.path()), ["current.csv"]);
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file() {
        let folder = tempfile::tempdir().unwrap();
        let error =
            write_temp(folder.path(), |_| Err(std::io::Error::other("disk full"))).unwrap_err();
        assert!(error.to_string().contains("disk full"), "{error}");
        assert!(names_in(folder.path()).is_empty());
    }

    #[test]
    fn a_missing_folder_names_the_folder() {
        let folder = tempfile::tempdir().unwrap();
        let missing = folder.path().join("gone");
        let error = write_new_file(&missing, "x.xlsx", b"x").unwrap_err();
        assert!(matches!(error, SaveError::Io { .. }));
        assert_eq!(error.path(), missing);
    }
}
