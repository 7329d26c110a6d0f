//! Opening the store file: damage detection, moving a damaged file aside (and salvaging what it still holds),
//! read-only mode for newer schemas.
//! Whatever state the file is in, startup is never blocked by it.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, OpenFlags};
use serde::Serialize;

use crate::companion::with_suffix;
use crate::error::{HistoryError, Result};
use crate::salvage;
use crate::schema::{self, MigrationOutcome, CURRENT_VERSION};
use crate::timestamp;

/// The store's file name inside the folder the app gives.
pub const DB_FILE_NAME: &str = "history.db";

/// Another thread or process may hold the write lock briefly; waiting this long is far beyond any of our
/// transactions, so hitting it means something is really stuck.
const BUSY_TIMEOUT: Duration = Duration::from_secs(15);

/// What happened while opening the store, for the app to show when there is something to say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreOpenReport {
    pub path: PathBuf,
    /// A new, empty history was started (first run, or after a damaged file was moved aside).
    pub created: bool,
    /// The schema was upgraded from this version.
    pub migrated_from: Option<u32>,
    /// A damaged file was moved aside.
    pub recovered: Option<Recovery>,
    /// The file is from a newer build (this schema version): it is open read-only.
    pub newer_version: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recovery {
    /// Where the damaged file now is (`history.db.corrupt-<time>`); `-wal`/`-shm` companions sit beside it.
    /// It is only ever read, never changed.
    pub moved_to: PathBuf,
    /// What SQLite said about the file.
    pub reason: String,
    /// Jobs copied from the damaged file into the new history, with the steps, files and outputs of theirs that
    /// could still be read.
    pub jobs_recovered: usize,
    /// Rows that could be read but were left out: values the store cannot use, or steps, files and outputs of
    /// a job that was not recovered.
    pub rows_rejected: usize,
    /// Parts of the damaged file that could not be read at all; each lost an unknown number of rows.
    pub unreadable_parts: usize,
    /// Why nothing could be copied, when that was the case (the file is unreadable as a database, or in a format
    /// this version cannot copy from).
    pub salvage_not_possible: Option<String>,
}

impl Recovery {
    /// True when everything the damaged file held was found and copied.
    pub fn nothing_lost(&self) -> bool {
        self.salvage_not_possible.is_none() && self.rows_rejected == 0 && self.unreadable_parts == 0
    }
}

impl StoreOpenReport {
    /// A plain-language notice for the user, or `None` when nothing worth mentioning happened.
    pub fn user_message(&self) -> Option<String> {
        if let Some(recovery) = &self.recovered {
            return Some(damage_message(recovery));
        }
        self.newer_version.map(|found| {
            HistoryError::ReadOnly {
                found,
                supported: CURRENT_VERSION,
            }
            .to_string()
        })
    }
}

fn damage_message(recovery: &Recovery) -> String {
    let moved_to = recovery.moved_to.display();
    if recovery.jobs_recovered == 0 {
        return format!(
            "The job history file was damaged and has been moved aside to {moved_to}. A new, empty history was \
             started, so earlier jobs are not listed; updates already done on SOV Fixer are not affected. \
             Keep the moved file if support asks for it."
        );
    }
    let recovered = match recovery.jobs_recovered {
        1 => "1 earlier job was recovered".to_owned(),
        count => format!("{count} earlier jobs were recovered"),
    };
    let losses = if recovery.nothing_lost() {
        ""
    } else {
        ", but some entries could not be read and are not listed"
    };
    format!(
        "The job history file was damaged. {recovered}{losses}; updates already done on SOV Fixer are not \
         affected. The damaged file was kept at {moved_to} in case support asks for it."
    )
}

pub(crate) struct OpenedStore {
    pub conn: Connection,
    pub report: StoreOpenReport,
}

pub(crate) fn open_store(folder: &Path) -> Result<OpenedStore> {
    fs::create_dir_all(folder).map_err(|source| HistoryError::FolderUnavailable {
        folder: folder.to_path_buf(),
        source,
    })?;
    let path = folder.join(DB_FILE_NAME);
    let mut report = StoreOpenReport {
        created: !path.exists(),
        path: path.clone(),
        migrated_from: None,
        recovered: None,
        newer_version: None,
    };

    let conn = open_read_write(&path)?;
    let version = match inspect(&conn, &path) {
        Ok(version) => version,
        Err(Inspection::Damaged(reason)) => {
            // The connection must be closed before the file can be renamed (Windows refuses otherwise).
            drop(conn);
            report.recovered = Some(quarantine(&path, reason)?);
            report.created = true;
            let conn = open_read_write(&path)?;
            let mut opened = finish_read_write(conn, report)?;
            recover_into(&mut opened);
            return Ok(opened);
        }
        Err(Inspection::Failed(source)) => {
            return Err(HistoryError::Database {
                action: "open the history",
                source,
            })
        }
    };

    if version > CURRENT_VERSION {
        drop(conn);
        report.newer_version = Some(version);
        return Ok(OpenedStore {
            conn: open_read_only(&path)?,
            report,
        });
    }
    finish_read_write(conn, report)
}

fn finish_read_write(mut conn: Connection, mut report: StoreOpenReport) -> Result<OpenedStore> {
    // WAL lets the UI read while the engine writes; FULL sync so a committed transition survives a power cut.
    switch_to_wal(&conn).map_err(HistoryError::db("switch the history to WAL mode"))?;
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        .map_err(HistoryError::db("configure the history"))?;
    match schema::migrate(&mut conn).map_err(HistoryError::db("upgrade the history"))? {
        MigrationOutcome::UpToDate => {}
        MigrationOutcome::Migrated { from, .. } => {
            // Version 0 of a brand-new file is not an upgrade worth reporting.
            if !report.created {
                report.migrated_from = Some(from);
            }
        }
        MigrationOutcome::Newer { found } => {
            // Another, newer process upgraded the file between our inspection and now.
            drop(conn);
            report.newer_version = Some(found);
            return Ok(OpenedStore {
                conn: open_read_only(&report.path)?,
                report,
            });
        }
    }
    Ok(OpenedStore { conn, report })
}

/// Copies what is still readable in the file just moved aside into the fresh store and records how it went.
fn recover_into(opened: &mut OpenedStore) {
    // A newer build took the fresh file over in the meantime; it is read-only to us.
    if opened.report.newer_version.is_some() {
        return;
    }
    if let Some(recovery) = opened.report.recovered.as_mut() {
        let salvage = salvage::salvage(&recovery.moved_to, &mut opened.conn);
        recovery.jobs_recovered = salvage.jobs_recovered;
        recovery.rows_rejected = salvage.rows_rejected;
        recovery.unreadable_parts = salvage.unreadable_parts;
        recovery.salvage_not_possible = salvage.not_possible;
    }
}

/// Switching the journal mode needs an exclusive lock, and SQLite answers "busy" at once (without waiting) when
/// another connection is opening the same new file; so wait and retry here, within the busy timeout.
fn switch_to_wal(conn: &Connection) -> rusqlite::Result<()> {
    let deadline = Instant::now() + BUSY_TIMEOUT;
    loop {
        let attempt = conn
            .query_row("PRAGMA journal_mode", [], |row| row.get::<_, String>(0))
            .and_then(|mode| {
                if mode.eq_ignore_ascii_case("wal") {
                    return Ok(());
                }
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| {
                    row.get::<_, String>(0)
                })
                .map(|_| ())
            });
        match attempt {
            Err(err)
                if err.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                    && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(25));
            }
            other => return other,
        }
    }
}

fn open_read_write(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(HistoryError::db("open the history"))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(HistoryError::db("open the history"))?;
    Ok(conn)
}

fn open_read_only(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)
        .map_err(HistoryError::db("open the history read-only"))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(HistoryError::db("open the history read-only"))?;
    conn.execute_batch("PRAGMA query_only = ON;")
        .map_err(HistoryError::db("open the history read-only"))?;
    Ok(conn)
}

enum Inspection {
    Damaged(String),
    Failed(rusqlite::Error),
}

/// Checks the file is a readable database and returns its schema version. Only real damage counts as
/// `Damaged`: a locked or unreachable file is an ordinary error and is never moved aside.
fn inspect(conn: &Connection, path: &Path) -> std::result::Result<u32, Inspection> {
    let classify = |err: rusqlite::Error| {
        if is_damage(&err) {
            Inspection::Damaged(err.to_string())
        } else {
            Inspection::Failed(err)
        }
    };
    // quick_check reads every page, so a file cut short is caught here rather than on some later query.
    let problems: Vec<String> = conn
        .prepare("PRAGMA quick_check(5)")
        .and_then(|mut statement| {
            statement
                .query_map([], |row| row.get::<_, String>(0))?
                .collect()
        })
        .map_err(classify)?;
    if problems.iter().any(|line| line != "ok") {
        return Err(Inspection::Damaged(problems.join("; ")));
    }
    let page_size: u32 = conn
        .query_row("PRAGMA page_size", [], |row| row.get(0))
        .map_err(classify)?;
    if let Some(reason) = cut_short(path, u64::from(page_size)) {
        return Err(Inspection::Damaged(reason));
    }
    schema::read_version(conn).map_err(classify)
}

/// SQLite only ever writes whole pages, so a file that is not a whole number of pages was cut short — damage
/// quick_check misses when the lost bytes were plain row data. Only judged when the WAL holds nothing: while it
/// does, a checkpoint may be part-way and the WAL still completes the file.
fn cut_short(path: &Path, page_size: u64) -> Option<String> {
    let wal_is_empty = fs::metadata(with_suffix(path, "-wal")).map_or(true, |wal| wal.len() == 0);
    let length = fs::metadata(path).ok()?.len();
    (wal_is_empty && page_size > 0 && length % page_size != 0).then(|| {
        format!(
            "the file is cut short: {length} bytes is not a whole number of {page_size}-byte pages"
        )
    })
}

fn is_damage(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
    )
}

/// Renames the damaged file (and its WAL/shared-memory companions, which must not be replayed into the new
/// file) to `history.db.corrupt-<time>`.
fn quarantine(path: &Path, reason: String) -> Result<Recovery> {
    let moved_to = free_quarantine_path(path);
    let fail = |source| HistoryError::QuarantineFailed {
        path: path.to_path_buf(),
        source,
    };
    fs::rename(path, &moved_to).map_err(fail)?;
    for suffix in ["-wal", "-shm"] {
        let companion = with_suffix(path, suffix);
        if companion.exists() {
            fs::rename(&companion, with_suffix(&moved_to, suffix)).map_err(fail)?;
        }
    }
    Ok(Recovery {
        moved_to,
        reason,
        jobs_recovered: 0,
        rows_rejected: 0,
        unreadable_parts: 0,
        salvage_not_possible: None,
    })
}

fn free_quarantine_path(path: &Path) -> PathBuf {
    let base = with_suffix(
        path,
        &format!(".corrupt-{}", timestamp::compact_utc(timestamp::now_ms())),
    );
    if !base.exists() {
        return base;
    }
    (2..)
        .map(|attempt| with_suffix(&base, &format!("-{attempt}")))
        .find(|candidate| !candidate.exists())
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn quarantine_moves_the_file_and_its_companions_together() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE_NAME);
        fs::write(&path, b"main").unwrap();
        fs::write(with_suffix(&path, "-wal"), b"wal").unwrap();
        fs::write(with_suffix(&path, "-shm"), b"shm").unwrap();

        let recovery = quarantine(&path, "damaged".to_owned()).unwrap();

        assert!(
            !path.exists()
                && !with_suffix(&path, "-wal").exists()
                && !with_suffix(&path, "-shm").exists()
        );
        assert_eq!(fs::read(&recovery.moved_to).unwrap(), b"main");
        assert_eq!(
            fs::read(with_suffix(&recovery.moved_to, "-wal")).unwrap(),
            b"wal"
        );
        assert_eq!(
            fs::read(with_suffix(&recovery.moved_to, "-shm")).unwrap(),
            b"shm"
        );
    }

    #[test]
    fn quarantine_never_overwrites_an_earlier_damaged_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE_NAME);
        fs::write(&path, b"first").unwrap();
        let first = quarantine(&path, String::new()).unwrap();
        fs::write(&path, b"second").unwrap();
        let second = quarantine(&path, String::new()).unwrap();
        assert_ne!(first.moved_to, second.moved_to);
        assert_eq!(fs::read(&first.moved_to).unwrap(), b"first");
        assert_eq!(fs::read(&second.moved_to).unwrap(), b"second");
    }
}
