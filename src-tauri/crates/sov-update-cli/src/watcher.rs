//! Receives the engine's snapshots for a command: prints what changed and remembers what a
//! summary needs (outputs saved, last phase, last server status).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use sov_update::{JobProgress, Phase};
use tokio_util::sync::CancellationToken;

use crate::events::{OutputInfo, Tracker};
use crate::output::Output;

/// Receives the engine's snapshots: prints what changed, remembers outputs and the last phase,
/// and with `--nowait` stops the job once the update is started.
pub struct Watcher {
    out: Output,
    tracker: Mutex<Tracker>,
    last_active_phase: Mutex<Option<Phase>>,
    stop_after_start: Option<CancellationToken>,
    stopped_after_start: AtomicBool,
}

impl Watcher {
    pub fn new(out: Output, stop_after_start: Option<CancellationToken>) -> Self {
        Self {
            out,
            tracker: Mutex::new(Tracker::default()),
            last_active_phase: Mutex::new(None),
            stop_after_start,
            stopped_after_start: AtomicBool::new(false),
        }
    }

    pub fn observe(&self, progress: &JobProgress) {
        if !progress.phase.is_final() {
            if let Ok(mut phase) = self.last_active_phase.lock() {
                *phase = Some(progress.phase);
            }
        }
        let events = match self.tracker.lock() {
            Ok(mut tracker) => tracker.changes(progress),
            Err(poisoned) => poisoned.into_inner().changes(progress),
        };
        for event in &events {
            // With --nowait the stream ends at "queued"; the final phase is the summary's.
            if self.stopped_after_start.load(Ordering::SeqCst) {
                break;
            }
            self.out.event(event);
        }
        if progress.phase == Phase::Queued {
            if let Some(stop) = &self.stop_after_start {
                self.stopped_after_start.store(true, Ordering::SeqCst);
                stop.cancel();
            }
        }
    }

    pub fn reached_nowait_stop(&self) -> bool {
        self.stopped_after_start.load(Ordering::SeqCst)
    }

    pub fn last_active_phase(&self) -> Option<Phase> {
        self.last_active_phase.lock().ok().and_then(|p| *p)
    }

    fn with_last<T>(&self, read: impl FnOnce(Option<&JobProgress>) -> T) -> T {
        match self.tracker.lock() {
            Ok(tracker) => read(tracker.last()),
            Err(poisoned) => read(poisoned.into_inner().last()),
        }
    }

    pub fn saved_outputs(&self) -> Vec<OutputInfo> {
        self.with_last(|last| {
            last.map(|p| p.outputs.iter().map(OutputInfo::from).collect())
                .unwrap_or_default()
        })
    }

    pub fn server_status(&self) -> Option<String> {
        self.with_last(|last| {
            last.and_then(|p| p.processing.as_ref())
                .map(|p| p.status.clone())
        })
    }
}
