//! Reading jobs back. A row that cannot be understood (bad JSON, unknown status, wrong column type) is left out
//! and reported in `skipped`; it never hides the other rows.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rusqlite::types::{FromSql, Value};
use rusqlite::{params, Connection, OptionalExtension, Row};
use sov_error::{AppError, Code};

use crate::error::{HistoryError, Result};
use crate::records::{
    ChangeRecord, InputFile, JobDetail, JobStatus, JobSummary, Listing, OutputRecord, Page,
    RowsNotApplied, SkippedRow, Transition,
};
use crate::transition::{JobStep, TransitionKind};

const JOB_COLUMNS: &str = "job_id, created_at_ms, sov_id, update_id, environment_name, base_url, update_type,
    client_ref, callback_url, extra_data, output_formats, download_dir, status, step, error_code, error_message,
    error_detail, rows_not_applied, column_mapping, changes";

const INPUT_FILE_COLUMNS: &str = "name, path, size, sha256, sheet, header_row";

/// The `jobs` row, understood.
struct JobRow {
    job_id: String,
    created_at_ms: i64,
    sov_id: String,
    update_id: Option<String>,
    environment_name: String,
    base_url: String,
    update_type: Option<String>,
    client_ref: Option<String>,
    callback_url: Option<String>,
    extra_data: serde_json::Value,
    output_formats: Vec<String>,
    download_dir: PathBuf,
    status: JobStatus,
    step: JobStep,
    last_error: Option<AppError>,
    rows_not_applied: Option<RowsNotApplied>,
    column_mapping: BTreeMap<String, String>,
    changes: Option<ChangeRecord>,
}

pub fn list_recent(conn: &Connection, page: Page) -> Result<Listing<JobSummary>> {
    let sql = format!(
        "SELECT {JOB_COLUMNS} FROM jobs ORDER BY created_at_ms DESC, rowid DESC LIMIT ?1 OFFSET ?2"
    );
    let limit = i64::try_from(page.limit).unwrap_or(i64::MAX);
    let offset = i64::try_from(page.offset).unwrap_or(i64::MAX);
    let (rows, mut skipped) = read_job_rows(conn, &sql, params![limit, offset])?;
    let mut items = Vec::with_capacity(rows.len());
    for job in rows {
        let file_names = read_children(conn, &job.job_id, &FILE_NAMES, &mut skipped)?;
        items.push(JobSummary {
            file_names,
            job_id: job.job_id,
            created_at_ms: job.created_at_ms,
            sov_id: job.sov_id,
            update_id: job.update_id,
            environment_name: job.environment_name,
            status: job.status,
            step: job.step,
            output_formats: job.output_formats,
            last_error: job.last_error,
            rows_not_applied: job.rows_not_applied,
            changes: job.changes,
        });
    }
    Ok(Listing { items, skipped })
}

pub fn get_job(conn: &Connection, job_id: &str) -> Result<JobDetail> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE job_id = ?1");
    let decoded = conn
        .query_row(&sql, params![job_id], |row| Ok(decode_job(row)))
        .optional()
        .map_err(HistoryError::db("read the job"))?;
    match decoded {
        None => Err(HistoryError::JobNotFound {
            job_id: job_id.to_owned(),
        }),
        Some(Err(reason)) => Err(HistoryError::UnreadableRow {
            job_id: job_id.to_owned(),
            reason,
        }),
        Some(Ok(job)) => with_children(conn, job),
    }
}

pub fn list_unfinished(conn: &Connection) -> Result<Listing<JobDetail>> {
    let sql = format!(
        "SELECT {JOB_COLUMNS} FROM jobs WHERE status = 'running' ORDER BY created_at_ms, rowid"
    );
    let (rows, skipped) = read_job_rows(conn, &sql, params![])?;
    let items = rows
        .into_iter()
        .map(|job| with_children(conn, job))
        .collect::<Result<Vec<_>>>()?;
    Ok(Listing { items, skipped })
}

/// Whether the row at `rowid` of one of the store's tables reads back the way the store expects; why not, when
/// it does not. Used to keep garbage out when rows are copied from a damaged file.
pub(crate) fn check_row(
    conn: &Connection,
    table: &str,
    rowid: i64,
) -> std::result::Result<(), String> {
    type Check = fn(&Row) -> std::result::Result<(), String>;
    let (columns, check): (&str, Check) = match table {
        "jobs" => (JOB_COLUMNS, |row| decode_job(row).map(drop)),
        "input_files" => (INPUT_FILE_COLUMNS, |row| decode_input_file(row).map(drop)),
        "transitions" => ("seq, state, file_index, payload, detail, at_ms", |row| {
            decode_transition(row).map(drop)
        }),
        "outputs" => (
            "filename, description, url, local_path, size, sha256",
            |row| decode_output(row).map(drop),
        ),
        other => return Err(format!("`{other}` is not a table of the history")),
    };
    let sql = format!("SELECT {columns} FROM {table} WHERE rowid = ?1");
    conn.query_row(&sql, params![rowid], |row| Ok(check(row)))
        .map_err(|err| format!("the copied row cannot be read back: {err}"))?
}

fn read_job_rows(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<(Vec<JobRow>, Vec<SkippedRow>)> {
    let mut statement = conn
        .prepare(sql)
        .map_err(HistoryError::db("read the history"))?;
    let mut rows = statement
        .query(params)
        .map_err(HistoryError::db("read the history"))?;
    let (mut jobs, mut skipped) = (Vec::new(), Vec::new());
    while let Some(row) = rows.next().map_err(HistoryError::db("read the history"))? {
        match decode_job(row) {
            Ok(job) => jobs.push(job),
            Err(reason) => skipped.push(SkippedRow {
                job_id: id_text(row, 0),
                table: "jobs",
                reason,
            }),
        }
    }
    Ok((jobs, skipped))
}

fn with_children(conn: &Connection, job: JobRow) -> Result<JobDetail> {
    let mut skipped = Vec::new();
    let input_files = read_children(conn, &job.job_id, &INPUT_FILES, &mut skipped)?;
    let transitions = read_children(conn, &job.job_id, &TRANSITIONS, &mut skipped)?;
    let outputs = read_children(conn, &job.job_id, &OUTPUTS, &mut skipped)?;
    Ok(JobDetail {
        job_id: job.job_id,
        created_at_ms: job.created_at_ms,
        sov_id: job.sov_id,
        update_id: job.update_id,
        environment_name: job.environment_name,
        base_url: job.base_url,
        update_type: job.update_type,
        client_ref: job.client_ref,
        callback_url: job.callback_url,
        extra_data: job.extra_data,
        output_formats: job.output_formats,
        download_dir: job.download_dir,
        status: job.status,
        step: job.step,
        last_error: job.last_error,
        rows_not_applied: job.rows_not_applied,
        column_mapping: job.column_mapping,
        changes: job.changes,
        input_files,
        transitions,
        outputs,
        skipped,
    })
}

/// How to read one kind of child row of a job.
struct ChildQuery<T> {
    table: &'static str,
    sql: &'static str,
    decode: fn(&Row) -> std::result::Result<T, String>,
}

const FILE_NAMES: ChildQuery<String> = ChildQuery {
    table: "input_files",
    sql: "SELECT name FROM input_files WHERE job_id = ?1 ORDER BY position",
    decode: decode_file_name,
};

const INPUT_FILES: ChildQuery<InputFile> = ChildQuery {
    table: "input_files",
    sql: "SELECT name, path, size, sha256, sheet, header_row FROM input_files WHERE job_id = ?1 ORDER BY position",
    decode: decode_input_file,
};

const TRANSITIONS: ChildQuery<Transition> = ChildQuery {
    table: "transitions",
    sql: "SELECT seq, state, file_index, payload, detail, at_ms FROM transitions WHERE job_id = ?1 ORDER BY seq",
    decode: decode_transition,
};

const OUTPUTS: ChildQuery<OutputRecord> = ChildQuery {
    table: "outputs",
    sql:
        "SELECT filename, description, url, local_path, size, sha256 FROM outputs WHERE job_id = ?1
          ORDER BY saved_at_ms, filename",
    decode: decode_output,
};

fn read_children<T>(
    conn: &Connection,
    job_id: &str,
    query: &ChildQuery<T>,
    skipped: &mut Vec<SkippedRow>,
) -> Result<Vec<T>> {
    let mut statement = conn
        .prepare_cached(query.sql)
        .map_err(HistoryError::db("read the job's details"))?;
    let mut rows = statement
        .query(params![job_id])
        .map_err(HistoryError::db("read the job's details"))?;
    let mut items = Vec::new();
    while let Some(row) = rows
        .next()
        .map_err(HistoryError::db("read the job's details"))?
    {
        match (query.decode)(row) {
            Ok(item) => items.push(item),
            Err(reason) => skipped.push(SkippedRow {
                job_id: job_id.to_owned(),
                table: query.table,
                reason,
            }),
        }
    }
    Ok(items)
}

fn decode_job(row: &Row) -> std::result::Result<JobRow, String> {
    let extra_data: String = field(row, "extra_data")?;
    let output_formats: String = field(row, "output_formats")?;
    let status: String = field(row, "status")?;
    let step: String = field(row, "step")?;
    let error_code: Option<String> = field(row, "error_code")?;
    let last_error = match error_code {
        None => None,
        Some(code) => {
            let message = field::<Option<String>>(row, "error_message")?.unwrap_or_default();
            let detail = field::<Option<String>>(row, "error_detail")?.unwrap_or_default();
            Some(match code.parse::<Code>() {
                Ok(code) => AppError::new(code, message, detail),
                // Written by a newer version: shown as it was, its code kept in the details.
                Err(unknown) => {
                    AppError::new(Code::Internal, message, format!("{detail} ({unknown})"))
                }
            })
        }
    };
    let rows_not_applied = match field::<Option<String>>(row, "rows_not_applied")? {
        None => None,
        Some(text) => Some(
            serde_json::from_str(&text)
                .map_err(|err| format!("rows_not_applied is not valid JSON: {err}"))?,
        ),
    };
    let column_mapping = match field::<Option<String>>(row, "column_mapping")? {
        None => BTreeMap::new(),
        Some(text) => serde_json::from_str(&text)
            .map_err(|err| format!("column_mapping is not a JSON object of column names: {err}"))?,
    };
    let changes = match field::<Option<String>>(row, "changes")? {
        None => None,
        Some(text) => Some(
            serde_json::from_str(&text)
                .map_err(|err| format!("changes is not valid JSON: {err}"))?,
        ),
    };
    Ok(JobRow {
        job_id: field(row, "job_id")?,
        created_at_ms: field(row, "created_at_ms")?,
        sov_id: field(row, "sov_id")?,
        update_id: field(row, "update_id")?,
        environment_name: field(row, "environment_name")?,
        base_url: field(row, "base_url")?,
        update_type: field(row, "update_type")?,
        client_ref: field(row, "client_ref")?,
        callback_url: field(row, "callback_url")?,
        extra_data: serde_json::from_str(&extra_data)
            .map_err(|err| format!("extra_data is not valid JSON: {err}"))?,
        output_formats: serde_json::from_str(&output_formats)
            .map_err(|err| format!("output_formats is not a JSON list of names: {err}"))?,
        download_dir: PathBuf::from(field::<String>(row, "download_dir")?),
        status: JobStatus::parse(&status).ok_or_else(|| format!("unknown status `{status}`"))?,
        step: JobStep::parse(&step).ok_or_else(|| format!("unknown step `{step}`"))?,
        last_error,
        rows_not_applied,
        column_mapping,
        changes,
    })
}

fn decode_file_name(row: &Row) -> std::result::Result<String, String> {
    field(row, "name")
}

fn decode_input_file(row: &Row) -> std::result::Result<InputFile, String> {
    Ok(InputFile {
        name: field(row, "name")?,
        path: PathBuf::from(field::<String>(row, "path")?),
        size: unsigned(row, "size")?,
        sha256: field(row, "sha256")?,
        sheet: field(row, "sheet")?,
        header_row: field::<Option<i64>>(row, "header_row")?
            .map(|row| u64::try_from(row).map_err(|_| format!("header_row {row} is negative")))
            .transpose()?,
    })
}

fn decode_transition(row: &Row) -> std::result::Result<Transition, String> {
    let state: String = field(row, "state")?;
    Ok(Transition {
        seq: field(row, "seq")?,
        kind: TransitionKind::decode(&state, field(row, "file_index")?, field(row, "payload")?)?,
        detail: field(row, "detail")?,
        at_ms: field(row, "at_ms")?,
    })
}

fn decode_output(row: &Row) -> std::result::Result<OutputRecord, String> {
    Ok(OutputRecord {
        filename: field(row, "filename")?,
        description: field(row, "description")?,
        url: field(row, "url")?,
        local_path: PathBuf::from(field::<String>(row, "local_path")?),
        size: unsigned(row, "size")?,
        sha256: field(row, "sha256")?,
    })
}

/// One column, with a reason naming the column when its value is not what the schema promises.
fn field<T: FromSql>(row: &Row, column: &str) -> std::result::Result<T, String> {
    row.get(column)
        .map_err(|err| format!("column `{column}` cannot be read: {err}"))
}

fn unsigned(row: &Row, column: &str) -> std::result::Result<u64, String> {
    let value: i64 = field(row, column)?;
    u64::try_from(value).map_err(|_| format!("column `{column}` holds a negative number ({value})"))
}

/// The job id as text for a skip report, whatever type the damaged row holds.
fn id_text(row: &Row, index: usize) -> String {
    match row.get::<_, Value>(index) {
        Ok(Value::Text(text)) => text,
        Ok(Value::Integer(number)) => number.to_string(),
        Ok(Value::Real(number)) => number.to_string(),
        _ => "(unknown)".to_owned(),
    }
}
