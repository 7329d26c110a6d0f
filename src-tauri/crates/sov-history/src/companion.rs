//! The files SQLite keeps beside a database (`-wal`, `-shm`), named the way it names them. Shared by opening,
//! quarantine and salvage, so none of them imports another for it.

use std::path::{Path, PathBuf};

/// `path` with `suffix` appended to its file name: `history.db` + `-wal` = `history.db-wal`.
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}
