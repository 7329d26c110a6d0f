//! [`HistoryStore`]: the handle the app keeps. Every write is one transaction; reads are in `read`.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, ErrorCode, Transaction, TransactionBehavior};
use sov_error::AppError;

use crate::error::{HistoryError, Result};
use crate::open::{open_store, StoreOpenReport};
use crate::read;
use crate::records::{
    ChangeRecord, JobDetail, JobStatus, JobSummary, Listing, NewJob, OutputRecord, Page,
    RowsNotApplied,
};
use crate::schema::CURRENT_VERSION;
use crate::timestamp::now_ms;
use crate::transition::TransitionKind;

/// The job history in one folder. `Send + Sync`: share it behind an `Arc`. Several stores (threads or
/// processes) may use the same folder at once; SQLite's WAL mode and locking keep them consistent.
pub struct HistoryStore {
    conn: Mutex<Connection>,
    path: PathBuf,
    newer_version: Option<u32>,
}

impl HistoryStore {
    /// Opens (or creates) `folder/history.db`. A damaged file is moved aside, a fresh store started and every row
    /// still readable in the damaged file copied into it; a file from a newer version is opened read-only. The
    /// report says which, for the app to show.
    pub fn open(folder: &Path) -> Result<(Self, StoreOpenReport)> {
        let opened = open_store(folder)?;
        let store = Self {
            conn: Mutex::new(opened.conn),
            path: opened.report.path.clone(),
            newer_version: opened.report.newer_version,
        };
        Ok((store, opened.report))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True when the file is from a newer version: reads work, every write returns [`HistoryError::ReadOnly`].
    pub fn is_read_only(&self) -> bool {
        self.newer_version.is_some()
    }

    /// Records a new job with its input files and a `Created` transition, before anything is sent.
    pub fn create_job(&self, job: &NewJob) -> Result<()> {
        self.write("record a new job", |tx| {
            let at = now_ms();
            let inserted = tx.execute(
                "INSERT INTO jobs (job_id, created_at_ms, sov_id, environment_name, base_url, update_type, client_ref,
                                   extra_data, output_formats, download_dir, callback_url, column_mapping, status, step)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'running', 'created')",
                params![
                    job.job_id,
                    at,
                    job.sov_id,
                    job.environment_name,
                    job.base_url,
                    job.update_type,
                    job.client_ref,
                    job.extra_data.to_string(),
                    serde_json::Value::from(job.output_formats.clone()).to_string(),
                    path_text(&job.download_dir),
                    job.callback_url,
                    column_mapping_text(&job.column_mapping),
                ],
            );
            if let Err(err) = inserted {
                return Err(if err.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) {
                    HistoryError::DuplicateJob { job_id: job.job_id.clone() }
                } else {
                    HistoryError::Database { action: "record a new job", source: err }
                });
            }
            for (position, file) in job.input_files.iter().enumerate() {
                tx.execute(
                    "INSERT INTO input_files (job_id, position, name, path, size, sha256, sheet, header_row)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        job.job_id,
                        as_i64(position as u64),
                        file.name,
                        path_text(&file.path),
                        as_i64(file.size),
                        file.sha256,
                        file.sheet,
                        file.header_row.map(as_i64),
                    ],
                )
                .map_err(HistoryError::db("record the job's files"))?;
            }
            append_transition(tx, &job.job_id, &TransitionKind::Created, "", at)
        })
    }

    /// Saves the update id the server returned for `initiate_update` (as an `InitiateAcknowledged` transition).
    pub fn set_update_id(&self, job_id: &str, update_id: &str) -> Result<()> {
        self.record_transition(
            job_id,
            TransitionKind::InitiateAcknowledged {
                update_id: update_id.to_owned(),
            },
            "",
        )
    }

    /// Appends a transition and moves the job's current status and step along with it. A progress transition
    /// on a failed or cancelled job (a retry) makes it `running` again.
    pub fn record_transition(
        &self,
        job_id: &str,
        kind: TransitionKind,
        detail: &str,
    ) -> Result<()> {
        self.write("record the job's progress", |tx| {
            apply_transition(tx, job_id, &kind, detail)
        })
    }

    /// Records a saved output (replacing an earlier copy of the same file) and an `OutputSaved` transition.
    pub fn record_output(&self, job_id: &str, output: &OutputRecord) -> Result<()> {
        self.write("record a downloaded file", |tx| {
            let kind = TransitionKind::OutputSaved { filename: output.filename.clone() };
            apply_transition(tx, job_id, &kind, &path_text(&output.local_path))?;
            tx.execute(
                "INSERT OR REPLACE INTO outputs (job_id, filename, description, url, local_path, size, sha256, saved_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    job_id,
                    output.filename,
                    output.description,
                    output.url,
                    path_text(&output.local_path),
                    as_i64(output.size),
                    output.sha256,
                    now_ms()
                ],
            )
            .map_err(HistoryError::db("record a downloaded file"))?;
            Ok(())
        })
    }

    pub fn mark_finished(&self, job_id: &str) -> Result<()> {
        self.record_transition(job_id, TransitionKind::Finished, "")
    }

    /// Ends the job as finished, keeping the rows the server said it did not apply.
    pub fn mark_finished_with_rows_not_applied(
        &self,
        job_id: &str,
        rows: &RowsNotApplied,
    ) -> Result<()> {
        // Numbers and strings only: serializing cannot fail.
        let json = serde_json::to_string(rows).unwrap_or_default();
        self.write("record that the job finished", |tx| {
            apply_transition(tx, job_id, &TransitionKind::Finished, &rows.server_message)?;
            tx.execute(
                "UPDATE jobs SET rows_not_applied = ?2 WHERE job_id = ?1",
                params![job_id, json],
            )
            .map_err(HistoryError::db("record that the job finished"))?;
            Ok(())
        })
    }

    /// Keeps what a finished job changed (its changes checked after the outputs were saved).
    pub fn record_changes(&self, job_id: &str, changes: &ChangeRecord) -> Result<()> {
        // Numbers, strings and a path: serializing cannot fail.
        let json = serde_json::to_string(changes).unwrap_or_default();
        self.write("record what the job changed", |tx| {
            tx.execute(
                "UPDATE jobs SET changes = ?2 WHERE job_id = ?1",
                params![job_id, json],
            )
            .map_err(HistoryError::db("record what the job changed"))?;
            Ok(())
        })
    }

    /// Ends the job as failed and keeps `error` as its last error; the step stays where it failed.
    pub fn mark_failed(&self, job_id: &str, error: &AppError) -> Result<()> {
        self.write("record that the job failed", |tx| {
            apply_transition(tx, job_id, &TransitionKind::Failed, &error.message)?;
            tx.execute(
                "UPDATE jobs SET error_code = ?2, error_message = ?3, error_detail = ?4 WHERE job_id = ?1",
                params![job_id, error.code.as_str(), error.message, error.detail],
            )
            .map_err(HistoryError::db("record that the job failed"))?;
            Ok(())
        })
    }

    pub fn mark_cancelled(&self, job_id: &str, detail: &str) -> Result<()> {
        self.record_transition(job_id, TransitionKind::Cancelled, detail)
    }

    /// "Recent updates", newest first. Unreadable jobs are left out and listed in `skipped`.
    pub fn list_recent(&self, page: Page) -> Result<Listing<JobSummary>> {
        read::list_recent(&*self.lock()?, page)
    }

    /// One job with its files, transitions and outputs.
    pub fn get_job(&self, job_id: &str) -> Result<JobDetail> {
        read::get_job(&*self.lock()?, job_id)
    }

    /// Jobs still `running` (oldest first): the ones to resume at startup.
    pub fn list_unfinished(&self) -> Result<Listing<JobDetail>> {
        read::list_unfinished(&*self.lock()?)
    }

    /// Deletes ended (finished, failed, cancelled) jobs created before `cutoff_ms`, with everything recorded about
    /// them. Running jobs are never deleted. Returns how many jobs were removed.
    pub fn delete_ended_before(&self, cutoff_ms: i64) -> Result<usize> {
        self.write("remove old jobs", |tx| {
            tx.execute(
                "DELETE FROM jobs WHERE created_at_ms < ?1 AND status <> 'running'",
                params![cutoff_ms],
            )
            .map_err(HistoryError::db("remove old jobs"))
        })
    }

    fn lock(&self) -> Result<MutexGuard<'_, Connection>> {
        self.conn.lock().map_err(|_| HistoryError::LockPoisoned)
    }

    /// Runs `body` in an immediate (write-locked up front, so it cannot deadlock on upgrade) transaction.
    fn write<T>(
        &self,
        action: &'static str,
        body: impl FnOnce(&Transaction) -> Result<T>,
    ) -> Result<T> {
        if let Some(found) = self.newer_version {
            return Err(HistoryError::ReadOnly {
                found,
                supported: CURRENT_VERSION,
            });
        }
        let mut conn = self.lock()?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(HistoryError::db(action))?;
        let value = body(&tx)?;
        tx.commit().map_err(HistoryError::db(action))?;
        Ok(value)
    }
}

fn apply_transition(
    tx: &Transaction,
    job_id: &str,
    kind: &TransitionKind,
    detail: &str,
) -> Result<()> {
    let status = match kind {
        TransitionKind::Finished => JobStatus::Finished,
        TransitionKind::Failed => JobStatus::Failed,
        TransitionKind::Cancelled => JobStatus::Cancelled,
        _ => JobStatus::Running,
    };
    let update_id = match kind {
        TransitionKind::InitiateAcknowledged { update_id } => Some(update_id.as_str()),
        _ => None,
    };
    let changed = tx
        .execute(
            "UPDATE jobs SET status = ?2, step = COALESCE(?3, step), update_id = COALESCE(?4, update_id)
             WHERE job_id = ?1",
            params![job_id, status.as_str(), kind.step().map(|step| step.as_str()), update_id],
        )
        .map_err(HistoryError::db("record the job's progress"))?;
    if changed == 0 {
        return Err(HistoryError::JobNotFound {
            job_id: job_id.to_owned(),
        });
    }
    append_transition(tx, job_id, kind, detail, now_ms())
}

fn append_transition(
    tx: &Transaction,
    job_id: &str,
    kind: &TransitionKind,
    detail: &str,
    at_ms: i64,
) -> Result<()> {
    let encoded = kind.encode();
    tx.execute(
        "INSERT INTO transitions (job_id, state, file_index, payload, detail, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![job_id, encoded.state, encoded.file_index, encoded.payload, detail, at_ms],
    )
    .map_err(HistoryError::db("record the job's progress"))?;
    Ok(())
}

/// SQLite integers are signed; no real file or index comes near the limit, so saturating is only a formality.
fn as_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Paths are stored as text; a path that is not valid Unicode keeps its readable parts.
fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// `NULL` when no choices were made, so a job without a mapping reads like one recorded before mappings were.
fn column_mapping_text(mapping: &std::collections::BTreeMap<String, String>) -> Option<String> {
    (!mapping.is_empty()).then(|| serde_json::to_string(mapping).unwrap_or_default())
}
