//! At startup: pick up the jobs that were running when SOV Updater last stopped. Decisions (poll again, start
//! once, or mark as interrupted) are made by `sov_jobs`; this wires them to the window.

use crate::commands::connection::client_for;
use crate::state::AppState;
use serde::Serialize;
use sov_jobs::{JobEvents, ResumeAction};
use sov_update::engine::{JobProgress, Phase};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// Sent to the window when it can follow a resumed job: the page attached at load, possibly before the job was
/// resumed, so it attaches again on this event.
pub const JOB_RESUMED_EVENT: &str = "job-resumed";

/// What the window shows until the job's first progress arrives.
#[derive(Debug, Clone, Serialize)]
pub struct JobResumed {
    pub job_id: String,
    pub sov_id: String,
    pub phase: Phase,
}

fn phase_of(action: &ResumeAction) -> Phase {
    match action {
        ResumeAction::DownloadingRemaining { .. } => Phase::Downloading,
        _ => Phase::Processing,
    }
}

pub fn resume_at_startup<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let Some(store) = state.history() else {
            return;
        };
        let sov_ids: HashMap<String, String> = store
            .list_unfinished()
            .map(|listing| {
                listing
                    .items
                    .into_iter()
                    .map(|detail| (detail.job_id, detail.sov_id))
                    .collect()
            })
            .unwrap_or_default();
        if sov_ids.is_empty() {
            return;
        }
        // Without a key (or with the demo, whose server forgets everything on restart) the jobs wait for the
        // next start with a working connection; the history shows them as interrupted meanwhile.
        let Ok(client) = client_for(&state).await else {
            return;
        };
        let environment = state.prefs().environment.clone();
        let runner = crate::jobs::runner(store, client, &environment);
        // Progress that arrives before a job is adopted would be lost (and a job that ends meanwhile would look
        // running forever): the latest of each is kept and replayed on adoption, under one lock so that a replay
        // never lands after newer progress.
        let latest: Arc<Mutex<HashMap<String, JobProgress>>> = Arc::default();
        let publisher = app.clone();
        let seen = Arc::clone(&latest);
        let events: JobEvents = Arc::new(move |job_id: &str, progress: &JobProgress| {
            let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
            seen.insert(job_id.to_owned(), progress.clone());
            publisher.state::<AppState>().jobs.publish(job_id, progress);
        });
        let Ok(report) = runner.resume_unfinished(Some(events)).await else {
            return;
        };
        for resumed in report.jobs {
            let Some(running) = resumed.running else {
                continue;
            };
            let job_id = resumed.job_id.clone();
            state.jobs.resumed_job_started(&job_id);
            let adopted = state.jobs.adopt(&job_id, running.cancel.clone());
            if adopted.is_some() {
                let seen = latest.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(progress) = seen.get(&job_id) {
                    state.jobs.publish(&job_id, progress);
                }
                drop(seen);
                let _ = app.emit(
                    JOB_RESUMED_EVENT,
                    JobResumed {
                        job_id: job_id.clone(),
                        sov_id: sov_ids.get(&job_id).cloned().unwrap_or_default(),
                        phase: phase_of(&resumed.action),
                    },
                );
            }
            let finisher = app.clone();
            tauri::async_runtime::spawn(async move {
                let outcome = running.task.await;
                finisher.state::<AppState>().jobs.resumed_job_ended(&job_id);
                // Every resumed job is announced when it ends, whether or not the window was following it.
                if let Ok(outcome) = outcome {
                    crate::finish::notify_if_away(&finisher, &outcome);
                }
            });
        }
    });
}
