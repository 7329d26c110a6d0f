//! Schema versions (`PRAGMA user_version`) and the migrations between them.
//!
//! Version 0 is either an empty file or the pre-release layout (a bare `jobs` table with fewer columns).
//! Migration 1 creates the schema-1 tables and upgrades a v0 `jobs` table in place by adding the missing columns,
//! so jobs recorded by a pre-release build are kept. Migration 2 adds what Retry needs to send a job again exactly
//! as it was: the sheet picked per input file and the job's callback URL (both `NULL` for older jobs).
//! Migration 3 adds what a finished job's verdict needs: the rows the server did not apply (`NULL`: all were,
//! or the job was recorded before verdicts were).
//! Migration 4 adds the column mapping: the header row picked per input file and the job's column choices
//! (both `NULL` for older jobs: headers found by looking, no choices).
//! Migration 5 adds what an update changed, checked against the server's new data: revisions compared, counts
//! and the change report's path (`NULL`: not compared, or recorded before comparisons were).

use rusqlite::{Connection, TransactionBehavior};

type Migration = fn(&Connection) -> rusqlite::Result<()>;

/// `MIGRATIONS[n]` upgrades schema `n` to `n + 1`. Append only; never edit a released one.
const MIGRATIONS: [Migration; 5] = [
    migrate_0_to_1,
    migrate_1_to_2,
    migrate_2_to_3,
    migrate_3_to_4,
    migrate_4_to_5,
];

/// The newest schema this build understands.
pub const CURRENT_VERSION: u32 = MIGRATIONS.len() as u32;

/// Every schema from this version up to [`CURRENT_VERSION`] differs from the next only by added columns (with
/// defaults) and added tables, so rows salvaged from a damaged file of any of them are copied by column name.
/// Raise it when a migration changes what an existing column means.
pub const SALVAGE_BY_COLUMN_NAME_FROM: u32 = 0;

/// What [`migrate`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationOutcome {
    UpToDate,
    Migrated {
        from: u32,
        to: u32,
    },
    /// The file is from a newer build; it was not touched.
    Newer {
        found: u32,
    },
}

/// `jobs` columns of schema 1, except the key. Each has a default so it can be added to an older table.
const JOB_COLUMNS: &[(&str, &str)] = &[
    ("created_at_ms", "INTEGER NOT NULL DEFAULT 0"),
    ("sov_id", "TEXT NOT NULL DEFAULT ''"),
    ("update_id", "TEXT"),
    ("environment_name", "TEXT NOT NULL DEFAULT ''"),
    ("base_url", "TEXT NOT NULL DEFAULT ''"),
    ("update_type", "TEXT"),
    ("client_ref", "TEXT"),
    ("extra_data", "TEXT NOT NULL DEFAULT '{}'"),
    ("output_formats", "TEXT NOT NULL DEFAULT '[]'"),
    ("download_dir", "TEXT NOT NULL DEFAULT ''"),
    ("status", "TEXT NOT NULL DEFAULT 'running'"),
    ("step", "TEXT NOT NULL DEFAULT 'created'"),
    ("error_code", "TEXT"),
    ("error_message", "TEXT"),
    ("error_detail", "TEXT"),
];

const CHILD_TABLES_V1: &str = "
CREATE INDEX IF NOT EXISTS jobs_by_created ON jobs(created_at_ms DESC);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs(status);
CREATE TABLE IF NOT EXISTS input_files (
    job_id   TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    path     TEXT NOT NULL,
    size     INTEGER NOT NULL,
    sha256   TEXT NOT NULL,
    PRIMARY KEY (job_id, position)
);
CREATE TABLE IF NOT EXISTS transitions (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id     TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
    state      TEXT NOT NULL,
    file_index INTEGER,
    payload    TEXT,
    detail     TEXT NOT NULL DEFAULT '',
    at_ms      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS transitions_by_job ON transitions(job_id, seq);
CREATE TRIGGER IF NOT EXISTS transitions_append_only BEFORE UPDATE ON transitions
BEGIN
    SELECT RAISE(ABORT, 'transitions are append-only');
END;
CREATE TABLE IF NOT EXISTS outputs (
    job_id      TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
    filename    TEXT NOT NULL,
    description TEXT NOT NULL,
    url         TEXT NOT NULL,
    local_path  TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    saved_at_ms INTEGER NOT NULL,
    PRIMARY KEY (job_id, filename)
);
";

pub fn read_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
}

/// Brings the schema to [`CURRENT_VERSION`] in one transaction: either every step applies or none does.
/// Safe to call from several processes at once: the write lock is taken before the version is read.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<MigrationOutcome> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = read_version(&tx)?;
    if found > CURRENT_VERSION {
        return Ok(MigrationOutcome::Newer { found });
    }
    if found == CURRENT_VERSION {
        return Ok(MigrationOutcome::UpToDate);
    }
    for migration in MIGRATIONS.iter().skip(found as usize) {
        migration(&tx)?;
    }
    tx.pragma_update(None, "user_version", CURRENT_VERSION)?;
    tx.commit()?;
    Ok(MigrationOutcome::Migrated {
        from: found,
        to: CURRENT_VERSION,
    })
}

fn migrate_0_to_1(conn: &Connection) -> rusqlite::Result<()> {
    let columns: Vec<String> = JOB_COLUMNS
        .iter()
        .map(|(name, decl)| format!("{name} {decl}"))
        .collect();
    conn.execute_batch(&format!(
        "CREATE TABLE IF NOT EXISTS jobs (job_id TEXT PRIMARY KEY NOT NULL, {});",
        columns.join(", ")
    ))?;
    let existing = column_names(conn, "jobs")?;
    for (name, decl) in JOB_COLUMNS {
        if !existing.iter().any(|column| column == name) {
            conn.execute_batch(&format!("ALTER TABLE jobs ADD COLUMN {name} {decl};"))?;
        }
    }
    conn.execute_batch(CHILD_TABLES_V1)
}

/// Columns added by schema 2, per table: nullable, so rows written before keep `NULL` ("not recorded").
const ADDED_IN_V2: &[(&str, &str, &str)] = &[
    ("input_files", "sheet", "TEXT"),
    ("jobs", "callback_url", "TEXT"),
];

fn migrate_1_to_2(conn: &Connection) -> rusqlite::Result<()> {
    add_columns(conn, ADDED_IN_V2)
}

/// Columns added by schema 3: the JSON `RowsNotApplied` of a job that finished with rows not applied.
const ADDED_IN_V3: &[(&str, &str, &str)] = &[("jobs", "rows_not_applied", "TEXT")];

fn migrate_2_to_3(conn: &Connection) -> rusqlite::Result<()> {
    add_columns(conn, ADDED_IN_V3)
}

/// Columns added by schema 4: the header row picked per input file and the job's column choices (a JSON object
/// header → attribute, `-` for a column not sent).
const ADDED_IN_V4: &[(&str, &str, &str)] = &[
    ("input_files", "header_row", "INTEGER"),
    ("jobs", "column_mapping", "TEXT"),
];

/// Columns added by schema 5: the JSON `ChangeRecord` of a finished job whose changes were checked.
const ADDED_IN_V5: &[(&str, &str, &str)] = &[("jobs", "changes", "TEXT")];

fn migrate_3_to_4(conn: &Connection) -> rusqlite::Result<()> {
    add_columns(conn, ADDED_IN_V4)
}

fn migrate_4_to_5(conn: &Connection) -> rusqlite::Result<()> {
    add_columns(conn, ADDED_IN_V5)
}

fn add_columns(conn: &Connection, added: &[(&str, &str, &str)]) -> rusqlite::Result<()> {
    for (table, name, decl) in added {
        if !column_names(conn, table)?
            .iter()
            .any(|column| column == name)
        {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {name} {decl};"))?;
        }
    }
    Ok(())
}

pub(crate) fn column_names(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    let names = statement.query_map([], |row| row.get::<_, String>("name"))?;
    names.collect()
}
