//! [`JobRecorder`]: turns the engine's cumulative progress snapshots into history transitions, in
//! the order `sov-history` needs for a safe resume.
//!
//! The engine calls its progress callback synchronously, in its own task, *before* it sends a
//! request whose phase it announces (`Initiating` before `initiate_update`, an upload's first
//! snapshot before `add_locations`, `Starting` before `start`) and right after an answer arrives.
//! So a transition written inside the callback is on disk before the request leaves. An upload has
//! no "acknowledged" event of its own: the engine emits the next file's first snapshot (or
//! `Starting`) straight after the server's 2xx, with no await in between, so that is where the
//! acknowledgement is recorded. Byte ticks are never written (each write is an fsync).
//!
//! Snapshots may arrive slightly out of order (byte ticks come from the HTTP connection's task), so
//! the recorder only ever moves forward.

use std::sync::{Arc, Mutex, MutexGuard};

use sov_error::{AppError, Code};
use sov_history::{HistoryStore, JobDetail, OutputRecord, TransitionKind};
use sov_update::{JobProgress, Phase, ProgressCallback};

/// Records one job. Cheap to share behind an `Arc`; every method is safe to call from any thread.
pub struct JobRecorder {
    store: Arc<HistoryStore>,
    job_id: String,
    state: Mutex<RecorderState>,
}

#[derive(Default)]
struct RecorderState {
    rank: u8,
    validating_recorded: bool,
    initiate_sent: bool,
    update_id_known: bool,
    /// The upload that was announced and not yet acknowledged (0-based file index).
    upload_in_flight: Option<usize>,
    /// The lowest file index that may still be announced.
    next_upload: usize,
    start_pending: bool,
    processing_key: Option<(String, Option<String>)>,
    /// The outputs last recorded as planned (`DownloadsPlanned`), once the server listed them.
    planned: Option<Vec<String>>,
    download_index: Option<usize>,
    outputs_recorded: usize,
    ended: bool,
    warnings: Vec<String>,
}

impl JobRecorder {
    /// For a new job (already created in the store with `create_job`).
    pub fn new(store: Arc<HistoryStore>, job_id: impl Into<String>) -> Self {
        Self {
            store,
            job_id: job_id.into(),
            state: Mutex::new(RecorderState::default()),
        }
    }

    /// For a job picked up again: its update id and planned outputs are already recorded.
    pub fn resuming(store: Arc<HistoryStore>, detail: &JobDetail) -> Self {
        let planned = detail.transitions.iter().rev().find_map(|t| match &t.kind {
            TransitionKind::DownloadsPlanned { filenames } => Some(filenames.clone()),
            _ => None,
        });
        let state = RecorderState {
            update_id_known: detail.update_id.is_some(),
            initiate_sent: true,
            validating_recorded: true,
            planned,
            ..RecorderState::default()
        };
        Self {
            store,
            job_id: detail.job_id.clone(),
            state: Mutex::new(state),
        }
    }

    /// Records nothing (the history is read-only); the reason is kept as the one warning.
    pub fn unrecorded(store: Arc<HistoryStore>, job_id: impl Into<String>, reason: String) -> Self {
        let state = RecorderState {
            ended: true,
            warnings: vec![reason],
            ..RecorderState::default()
        };
        Self {
            store,
            job_id: job_id.into(),
            state: Mutex::new(state),
        }
    }

    pub fn job_id(&self) -> &str {
        &self.job_id
    }

    /// A progress callback that records each snapshot, then passes it on to `forward`.
    pub fn callback(self: &Arc<Self>, forward: Option<ProgressCallback>) -> ProgressCallback {
        let recorder = Arc::clone(self);
        Arc::new(move |progress: &JobProgress| {
            recorder.observe(progress);
            if let Some(forward) = &forward {
                forward(progress);
            }
        })
    }

    /// History writes that failed. The job itself goes on: losing a history line must not stop an
    /// underwriter's update, but the app should say that the history may be incomplete.
    pub fn warnings(&self) -> Vec<String> {
        self.lock().warnings.clone()
    }

    /// Turns one snapshot into the transitions it implies.
    pub fn observe(&self, progress: &JobProgress) {
        let mut state = self.lock();
        if state.ended {
            return;
        }
        let rank = phase_rank(progress.phase);
        if rank < state.rank {
            return;
        }
        state.rank = rank;
        self.record_request_markers(&mut state, progress);
        self.record_processing(&mut state, progress);
        self.record_plan(&mut state, progress);
        self.record_downloads(&mut state, progress);
        self.record_end(&mut state, progress);
    }

    fn record_request_markers(&self, state: &mut RecorderState, progress: &JobProgress) {
        if progress.phase == Phase::Validating && !state.validating_recorded {
            state.validating_recorded = true;
            self.write(state, TransitionKind::Validating, "");
        }
        if progress.phase == Phase::Initiating && !state.initiate_sent {
            state.initiate_sent = true;
            self.write(state, TransitionKind::InitiateSent, "");
        }
        if let (Some(update_id), false) = (&progress.update_id, state.update_id_known) {
            state.update_id_known = true;
            if let Err(err) = self.store.set_update_id(&self.job_id, update_id) {
                state.warnings.push(err.to_string());
            }
        }
        if let (Phase::Uploading, Some(upload)) = (progress.phase, &progress.upload) {
            let index = upload.file_index.saturating_sub(1);
            let newer = state.upload_in_flight.is_none_or(|current| index > current);
            if newer && index >= state.next_upload {
                self.acknowledge_upload(state);
                state.upload_in_flight = Some(index);
                state.next_upload = index + 1;
                self.write(
                    state,
                    TransitionKind::UploadStarted { file_index: index },
                    &upload.file_name,
                );
            }
        }
        if phase_rank(progress.phase) >= phase_rank(Phase::Starting) && !is_end(progress.phase) {
            self.acknowledge_upload(state);
        }
        if progress.phase == Phase::Starting && !state.start_pending {
            state.start_pending = true;
            self.write(state, TransitionKind::StartSent, "");
        }
        let after_start = matches!(
            progress.phase,
            Phase::Queued | Phase::Processing | Phase::Downloading | Phase::Done
        );
        if after_start && state.start_pending {
            state.start_pending = false;
            self.write(state, TransitionKind::StartAcknowledged, "");
        }
    }

    fn acknowledge_upload(&self, state: &mut RecorderState) {
        if let Some(index) = state.upload_in_flight.take() {
            self.write(
                state,
                TransitionKind::UploadAcknowledged { file_index: index },
                "",
            );
        }
    }

    fn record_processing(&self, state: &mut RecorderState, progress: &JobProgress) {
        // Once the outputs are listed processing is over: the status poll that starts a resumed
        // download or a "download again" is not news.
        if !matches!(progress.phase, Phase::Queued | Phase::Processing) || state.planned.is_some() {
            return;
        }
        let Some(processing) = &progress.processing else {
            return;
        };
        let key = (processing.status.clone(), processing.health.clone());
        if state.processing_key.as_ref() == Some(&key) {
            return;
        }
        state.processing_key = Some(key);
        let mut detail = processing.status.clone();
        if let Some(pct) = processing.pct_complete {
            detail.push_str(&format!(" {pct:.0}%"));
        }
        if let Some(health) = &processing.health {
            detail.push_str(&format!(": {health}"));
        }
        self.write(state, TransitionKind::Processing, &detail);
    }

    /// The engine lists every output (saved before or not) before its first download.
    fn record_plan(&self, state: &mut RecorderState, progress: &JobProgress) {
        let Some(listed) = &progress.listed_outputs else {
            return;
        };
        if state.planned.as_ref() == Some(listed) {
            return;
        }
        state.planned = Some(listed.clone());
        let filenames = listed.clone();
        self.write(state, TransitionKind::DownloadsPlanned { filenames }, "");
    }

    fn record_downloads(&self, state: &mut RecorderState, progress: &JobProgress) {
        if let (Phase::Downloading, Some(download)) = (progress.phase, &progress.download) {
            if state
                .download_index
                .is_none_or(|current| download.output_index > current)
            {
                state.download_index = Some(download.output_index);
                self.write(
                    state,
                    TransitionKind::DownloadStarted {
                        filename: download.filename.clone(),
                    },
                    "",
                );
            }
        }
        while state.outputs_recorded < progress.outputs.len() {
            let saved = &progress.outputs[state.outputs_recorded];
            state.outputs_recorded += 1;
            // Recorded under the server's name (what the plan lists), saved under `local_path`.
            let filename = progress
                .download
                .as_ref()
                .filter(|_| state.outputs_recorded == progress.outputs.len())
                .map(|d| d.filename.clone())
                .unwrap_or_else(|| saved.filename.clone());
            let record = OutputRecord {
                filename,
                description: saved.description.clone().unwrap_or_default(),
                url: saved.url.clone(),
                local_path: saved.path.clone(),
                size: saved.size,
                sha256: saved.sha256.clone(),
            };
            if let Err(err) = self.store.record_output(&self.job_id, &record) {
                state.warnings.push(err.to_string());
            }
        }
    }

    fn record_end(&self, state: &mut RecorderState, progress: &JobProgress) {
        let result = match progress.phase {
            Phase::Done => match &progress.rows_not_applied {
                None => self.store.mark_finished(&self.job_id),
                Some(rows) => self.store.mark_finished_with_rows_not_applied(
                    &self.job_id,
                    &sov_history::RowsNotApplied {
                        count: rows.count,
                        named: rows.named.clone(),
                        server_message: rows.server_message.clone(),
                    },
                ),
            },
            Phase::Cancelled => self.store.mark_cancelled(
                &self.job_id,
                "Cancelled in SOV Updater. An update already started keeps running on SOV Fixer.",
            ),
            Phase::Failed => {
                let error = progress
                    .error
                    .as_ref()
                    .map(|failure| failure.error.to_app_error())
                    .unwrap_or_else(|| AppError {
                        code: Code::Internal,
                        message: "The update stopped without saying why. Try again.".to_owned(),
                        detail: String::new(),
                    });
                self.store.mark_failed(&self.job_id, &error)
            }
            _ => return,
        };
        state.ended = true;
        if let Err(err) = result {
            state.warnings.push(err.to_string());
        }
    }

    fn write(&self, state: &mut RecorderState, kind: TransitionKind, detail: &str) {
        if let Err(err) = self.store.record_transition(&self.job_id, kind, detail) {
            state.warnings.push(err.to_string());
        }
    }

    fn lock(&self) -> MutexGuard<'_, RecorderState> {
        match self.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

/// Phases in workflow order; a snapshot of an earlier phase than one already seen is stale.
fn phase_rank(phase: Phase) -> u8 {
    match phase {
        Phase::Validating => 0,
        Phase::Initiating => 1,
        Phase::Uploading => 2,
        Phase::Starting => 3,
        Phase::Queued | Phase::Processing => 4,
        Phase::Downloading => 5,
        Phase::Done | Phase::Failed | Phase::Cancelled => 6,
    }
}

fn is_end(phase: Phase) -> bool {
    phase.is_final()
}
