//! Reading one table of a damaged file row by row, in rowid order, stepping past the parts that cannot be read.
//!
//! A full-table cursor stops for good at the first unreadable page. Seeking by rowid goes down the tree from the
//! root instead, so a seek that lands beyond a lost or garbled page still works: after an error the scan probes
//! further and further ahead until a seek succeeds, then narrows down to the first rowid it can reach again.

use rusqlite::types::Value;
use rusqlite::Connection;

/// A row read from the damaged file: its rowid and the values of the columns asked for, in order.
pub(crate) struct RawRow {
    pub rowid: i64,
    pub values: Vec<Value>,
}

/// How reading one table went.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ScanOutcome {
    /// Places the scan could not read and stepped past (or stopped at).
    pub unreadable_parts: usize,
}

/// Calls `on_row` for every row of `table` that can be read. `columns` are quoted identifiers.
pub(crate) fn scan_table(
    conn: &Connection,
    table: &str,
    columns: &[String],
    mut on_row: impl FnMut(RawRow),
) -> ScanOutcome {
    let rows_sql = format!(
        "SELECT rowid, {} FROM \"{table}\" WHERE rowid > ?1 ORDER BY rowid",
        columns.join(", ")
    );
    let probe_sql =
        format!("SELECT rowid FROM \"{table}\" WHERE rowid > ?1 ORDER BY rowid LIMIT 1");
    let mut outcome = ScanOutcome::default();
    // The store never writes a rowid below 1 (SQLite's own numbering), so starting at 0 misses nothing and keeps
    // the probing arithmetic well inside i64.
    let mut after = 0;
    loop {
        match read_rows_after(conn, &rows_sql, columns.len(), &mut after, &mut on_row) {
            Ok(()) => return outcome,
            Err(()) => {
                outcome.unreadable_parts += 1;
                match restart_point(conn, &probe_sql, after) {
                    Some(next_after) => after = next_after,
                    None => return outcome,
                }
            }
        }
    }
}

/// Reads rows with a rowid above `after`, moving `after` along; `Err` when a row or page could not be read.
fn read_rows_after(
    conn: &Connection,
    sql: &str,
    column_count: usize,
    after: &mut i64,
    on_row: &mut impl FnMut(RawRow),
) -> Result<(), ()> {
    let mut statement = conn.prepare_cached(sql).map_err(|_| ())?;
    let mut rows = statement.query([*after]).map_err(|_| ())?;
    while let Some(row) = rows.next().map_err(|_| ())? {
        let rowid: i64 = row.get(0).map_err(|_| ())?;
        // A garbled tree could hand back rows out of order; going backwards could loop forever.
        if rowid <= *after {
            return Err(());
        }
        let values = (1..=column_count)
            .map(|index| row.get::<_, Value>(index))
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|_| ())?;
        *after = rowid;
        on_row(RawRow { rowid, values });
    }
    Ok(())
}

/// The first row after `after` could not be read. Finds an `after` further on from which a seek works again:
/// doubling the distance until a seek succeeds, then halving back towards the failure so as few readable rows
/// as possible are passed over. `None` when no seek beyond the damage works (the rest of the table is lost).
fn restart_point(conn: &Connection, probe_sql: &str, after: i64) -> Option<i64> {
    let seek_works = |from: i64| {
        conn.prepare_cached(probe_sql)
            .and_then(|mut statement| statement.query_row([from], |_| Ok(())).map(|()| true))
            .or_else(|err| match err {
                rusqlite::Error::QueryReturnedNoRows => Ok(true),
                other => Err(other),
            })
            .unwrap_or(false)
    };
    let mut failing = after;
    let mut distance: i64 = 1;
    let working = loop {
        let candidate = after.checked_add(distance)?;
        if seek_works(candidate) {
            break candidate;
        }
        failing = candidate;
        distance = distance.checked_mul(2)?;
    };
    let mut working = working;
    while working - failing > 1 {
        let middle = failing + (working - failing) / 2;
        if seek_works(middle) {
            working = middle;
        } else {
            failing = middle;
        }
    }
    Some(working)
}
