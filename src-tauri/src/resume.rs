//! At startup: pick up the jobs that were running when SOV Updater last stopped. Decisions (poll again, start
//! once, or mark as interrupted) are made by `sov_jobs`; this wires them to the window.

use crate::commands::connection::client_for;
use crate::state::AppState;
use sov_jobs::JobEvents;
use sov_update::engine::JobProgress;
use std::sync::Arc;
use tauri::{AppHandle, Manager, Runtime};

pub fn resume_at_startup<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let Some(store) = state.history() else {
            return;
        };
        let unfinished = store
            .list_unfinished()
            .map(|listing| listing.items.len())
            .unwrap_or(0);
        if unfinished == 0 {
            return;
        }
        // Without a key (or with the demo, whose server forgets everything on restart) the jobs wait for the
        // next start with a working connection; the history shows them as interrupted meanwhile.
        let Ok(client) = client_for(&state).await else {
            return;
        };
        let environment = state.prefs().environment.clone();
        let runner = crate::jobs::runner(store, client, &environment);
        let publisher = app.clone();
        let events: JobEvents = Arc::new(move |job_id: &str, progress: &JobProgress| {
            publisher.state::<AppState>().jobs.publish(job_id, progress);
        });
        let Ok(report) = runner.resume_unfinished(Some(events)).await else {
            return;
        };
        for resumed in report.jobs {
            let Some(running) = resumed.running else {
                continue;
            };
            let adopted = state.jobs.adopt(&resumed.job_id, running.cancel.clone());
            let finisher = app.clone();
            tauri::async_runtime::spawn(async move {
                if let (Ok(outcome), Some(job)) = (running.task.await, adopted) {
                    crate::finish::on_finish(finisher)(&job, &outcome);
                }
            });
        }
    });
}
