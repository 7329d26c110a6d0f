//! Copying what can still be read from a damaged history file into the fresh file that replaced it.
//!
//! The damaged file is only read (it stays beside the new one as evidence for support). Rows are copied one at a
//! time, parents first, so a row that cannot be read, breaks a constraint (a step of a job that was lost) or does
//! not read back as the store expects is left out, and every other row is kept.

mod scan;
mod source;

use std::path::Path;

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, Transaction, TransactionBehavior};

use crate::read;
use crate::schema::{self, CURRENT_VERSION, SALVAGE_BY_COLUMN_NAME_FROM};
use scan::{scan_table, RawRow};

/// What could be copied out of a damaged file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Salvage {
    pub jobs_recovered: usize,
    pub rows_rejected: usize,
    pub unreadable_parts: usize,
    pub not_possible: Option<String>,
}

/// One table to copy: its name and, when it has one, the column that is its rowid.
struct Table {
    name: &'static str,
    rowid_column: Option<&'static str>,
}

/// Parents before children, so the new file's foreign keys accept the children of every copied job.
const TABLES: [Table; 4] = [
    Table {
        name: "jobs",
        rowid_column: None,
    },
    Table {
        name: "input_files",
        rowid_column: None,
    },
    Table {
        name: "transitions",
        rowid_column: Some("seq"),
    },
    Table {
        name: "outputs",
        rowid_column: None,
    },
];

/// Copies every readable row of the file at `damaged` into `into` (a fresh store at the current schema), in one
/// transaction. Never fails: when nothing can be copied, `not_possible` says why.
pub(crate) fn salvage(damaged: &Path, into: &mut Connection) -> Salvage {
    let not_possible = |reason: String| Salvage {
        not_possible: Some(reason),
        ..Salvage::default()
    };
    let source = match source::open_damaged(damaged) {
        Ok(source) => source,
        Err(reason) => return not_possible(reason),
    };
    let version = match schema::read_version(&source) {
        Ok(version) => version,
        Err(err) => return not_possible(format!("its format version cannot be read: {err}")),
    };
    if !(SALVAGE_BY_COLUMN_NAME_FROM..=CURRENT_VERSION).contains(&version) {
        return not_possible(format!(
            "it is in history format {version}, which cannot be copied into format {CURRENT_VERSION}"
        ));
    }
    match copy_tables(&source, into) {
        Ok(salvage) => salvage,
        Err(err) => not_possible(format!("the new history could not be written: {err}")),
    }
}

fn copy_tables(source: &Connection, into: &mut Connection) -> rusqlite::Result<Salvage> {
    let tx = into.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut salvage = Salvage::default();
    for table in &TABLES {
        let copied = copy_table(source, &tx, table, &mut salvage)?;
        if table.name == "jobs" {
            salvage.jobs_recovered = copied;
        }
    }
    tx.commit()?;
    Ok(salvage)
}

/// Copies one table's readable rows; returns how many were kept. `Err` only when the new file cannot be written.
fn copy_table(
    source: &Connection,
    into: &Transaction,
    table: &Table,
    salvage: &mut Salvage,
) -> rusqlite::Result<usize> {
    let columns = match shared_columns(source, into, table.name) {
        Ok(columns) => columns,
        Err(_) => {
            salvage.unreadable_parts += 1;
            return Ok(0);
        }
    };
    // An older file may lack the table altogether (or hold no column of it we know): nothing to copy.
    if columns.is_empty() {
        return Ok(0);
    }
    let quoted: Vec<String> = columns.iter().map(|name| format!("\"{name}\"")).collect();
    // Keeping each row's rowid keeps the order among jobs created in the same millisecond.
    let with_rowid = !table
        .rowid_column
        .is_some_and(|alias| columns.iter().any(|name| name == alias));
    let insert_columns = if with_rowid {
        format!("rowid, {}", quoted.join(", "))
    } else {
        quoted.join(", ")
    };
    let placeholders = vec!["?"; columns.len() + usize::from(with_rowid)].join(", ");
    let insert = format!(
        "INSERT INTO \"{}\" ({insert_columns}) VALUES ({placeholders})",
        table.name
    );

    let mut kept = 0;
    let mut write_error = None;
    let scanned = scan_table(source, table.name, &quoted, |row| {
        if write_error.is_some() {
            return;
        }
        match copy_row(into, &insert, table.name, row, with_rowid) {
            Ok(true) => kept += 1,
            Ok(false) => salvage.rows_rejected += 1,
            Err(err) => write_error = Some(err),
        }
    });
    if let Some(err) = write_error {
        return Err(err);
    }
    salvage.unreadable_parts += scanned.unreadable_parts;
    Ok(kept)
}

/// Inserts one row and checks it reads back as the store expects; undoes it (returning `false`) when either
/// fails. `Err` only when the new file itself cannot be written.
fn copy_row(
    into: &Transaction,
    insert: &str,
    table: &str,
    row: RawRow,
    with_rowid: bool,
) -> rusqlite::Result<bool> {
    let rowid = with_rowid.then_some(Value::Integer(row.rowid));
    let values = rowid.into_iter().chain(row.values);
    into.execute_batch("SAVEPOINT salvaged_row")?;
    let accepted = into
        .execute(insert, params_from_iter(values))
        .map_err(|err| err.to_string())
        .and_then(|_| read::check_row(into, table, into.last_insert_rowid()));
    if accepted.is_ok() {
        into.execute_batch("RELEASE salvaged_row")?;
    } else {
        into.execute_batch("ROLLBACK TO salvaged_row; RELEASE salvaged_row")?;
    }
    Ok(accepted.is_ok())
}

/// The columns of `table` both files have, in the new file's order. Columns an older file lacks are left to
/// their defaults, just as the migration that added them does.
fn shared_columns(
    source: &Connection,
    into: &Connection,
    table: &str,
) -> rusqlite::Result<Vec<String>> {
    let in_source = schema::column_names(source, table)?;
    Ok(schema::column_names(into, table)?
        .into_iter()
        .filter(|name| in_source.contains(name))
        .collect())
}
