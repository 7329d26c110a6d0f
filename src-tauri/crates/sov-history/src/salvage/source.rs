//! Opening the damaged file strictly for reading: it is kept as evidence for support and must not change.

use std::fs;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::companion::with_suffix;

/// Opens the damaged file read-only and checks its list of tables can be read; why not, when it cannot.
pub(crate) fn open_damaged(path: &Path) -> Result<Connection, String> {
    let conn = connect(path).map_err(|err| format!("it cannot be opened: {err}"))?;
    // cell_size_check: each page's cells are checked as they are read, so a garbled page is refused rather than
    // misread. writable_schema: a file cut short (fewer pages than its header counts) is otherwise refused
    // outright; it writes nothing here, the connection being read-only.
    conn.execute_batch(
        "PRAGMA query_only = ON; PRAGMA cell_size_check = ON; PRAGMA writable_schema = ON;",
    )
    .map_err(|err| format!("it cannot be opened: {err}"))?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
        row.get::<_, i64>(0)
    })
    .map_err(|err| format!("its list of tables cannot be read: {err}"))?;
    Ok(conn)
}

/// With commits still in a WAL beside it, the file is opened the ordinary read-only way so they are read too.
/// Without, it is opened as immutable: no locks, and no `-wal`/`-shm` files created beside the evidence.
fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let read_only = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let has_wal = fs::metadata(with_suffix(path, "-wal")).is_ok_and(|wal| wal.len() > 0);
    if !has_wal {
        if let Some(uri) = immutable_uri(path) {
            if let Ok(conn) =
                Connection::open_with_flags(uri, read_only | OpenFlags::SQLITE_OPEN_URI)
            {
                return Ok(conn);
            }
        }
    }
    Connection::open_with_flags(path, read_only)
}

/// `file:<path>?immutable=1`, or `None` for a path that is not Unicode.
fn immutable_uri(path: &Path) -> Option<String> {
    let text = path.to_str()?.replace('\\', "/");
    let mut uri = String::from("file:");
    // A Windows drive path (`C:/…`) needs a leading slash to be read as a path, not a URI scheme.
    if text.as_bytes().get(1) == Some(&b':') {
        uri.push('/');
    }
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/:".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    Some(uri)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_uri_escapes_what_sqlite_would_otherwise_read_as_query_or_fragment() {
        let uri = immutable_uri(Path::new("/data/a b?#%/history.db.corrupt-1")).unwrap();
        assert_eq!(
            uri,
            "file:/data/a%20b%3F%23%25/history.db.corrupt-1?immutable=1"
        );
    }

    #[test]
    fn a_windows_drive_path_becomes_an_absolute_uri_path() {
        let uri = immutable_uri(Path::new(r"C:\Users\u\history.db")).unwrap();
        assert_eq!(uri, "file:/C:/Users/u/history.db?immutable=1");
    }
}
