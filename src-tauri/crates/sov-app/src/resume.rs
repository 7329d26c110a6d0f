//! At startup: pick up the jobs that were running when SOV Updater last stopped. What to do with each is
//! `sov_jobs::decide`; here the window is told about them and may follow one.

use crate::host::{Host, JobResumed};
use crate::state::AppState;
use sov_jobs::{JobEvents, ResumeAction};
use sov_update::engine::{JobProgress, Phase};
use std::collections::HashMap;
use std::sync::Arc;

fn phase_of(action: &ResumeAction) -> Phase {
    match action {
        ResumeAction::DownloadingRemaining { .. } => Phase::Downloading,
        _ => Phase::Processing,
    }
}

impl AppState {
    /// Resumes the unfinished jobs with the connection in use. The first one goes to the window when it follows
    /// nothing running; every one is announced by a notification when it ends. Without a key the jobs wait for
    /// the next start with a working connection (and jobs of an earlier run's demo server, which forgot them, wait
    /// for Retry); the history shows them as interrupted meanwhile.
    pub async fn resume_at_startup(self: &Arc<Self>, host: Arc<dyn Host>) {
        let Some(history) = self.history() else {
            return;
        };
        let sov_ids: HashMap<String, String> = history
            .store
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
        let Ok(connection) = self.connection().await else {
            return;
        };
        let state = Arc::clone(self);
        let events: JobEvents = Arc::new(move |job_id: &str, progress: &JobProgress| {
            state.hub.publish_resumed(job_id, progress);
        });
        let Ok(report) = history
            .runner
            .resume_unfinished(&connection, Some(events))
            .await
        else {
            return;
        };
        for resumed in report.jobs {
            let Some(running) = resumed.running else {
                continue;
            };
            // The window following the job gets its checked changes at the end, as for a job it started.
            let followed = self.hub.adopt(&resumed.job_id).then(|| {
                host.job_resumed(&JobResumed {
                    sov_id: sov_ids.get(&resumed.job_id).cloned().unwrap_or_default(),
                    job_id: resumed.job_id.clone(),
                    phase: phase_of(&resumed.action),
                });
                self.hub.current()
            });
            self.announce_when_done(Arc::clone(&host), running, None, followed.flatten());
        }
    }
}
