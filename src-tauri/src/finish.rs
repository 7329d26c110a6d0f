//! What happens when a job ends: a desktop notification if the user is looking elsewhere.

use crate::jobs::{OnFinish, RunningJob};
use crate::state::AppState;
use sov_jobs::JobResult;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

/// The notification text for an outcome, or `None` for a cancelled job (the user did that themselves).
pub fn notification_text(outcome: &JobResult) -> Option<(String, String)> {
    match outcome {
        Ok(done) => Some((
            "Your SOV update is ready".to_owned(),
            match done.outputs.len() {
                1 => "1 file was downloaded.".to_owned(),
                n => format!("{n} files were downloaded."),
            },
        )),
        Err(error) if error.error.code() == "cancelled" => None,
        Err(error) => Some((
            "Your SOV update did not finish".to_owned(),
            error.error.message(),
        )),
    }
}

pub fn on_finish<R: Runtime>(app: AppHandle<R>) -> OnFinish {
    Box::new(move |_job: &RunningJob, outcome| notify_if_away(&app, outcome))
}

/// A desktop notification of how a job ended, unless notifications are off or the window has the focus.
pub fn notify_if_away<R: Runtime>(app: &AppHandle<R>, outcome: &JobResult) {
    let enabled = app.state::<AppState>().prefs().notifications;
    let focused = app
        .get_webview_window("main")
        .and_then(|window| window.is_focused().ok())
        .unwrap_or(false);
    if !enabled || focused {
        return;
    }
    if let Some((title, body)) = notification_text(outcome) {
        // No notification daemon (a bare desktop) is not an error worth showing: the window has the result.
        let _ = app.notification().builder().title(title).body(body).show();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use sov_update::engine::{JobOutcome, Step};
    use sov_update::{ErrorKind, JobError, SavedOutput, UpdateError};

    fn saved(name: &str) -> SavedOutput {
        SavedOutput {
            filename: name.into(),
            description: None,
            path: name.into(),
            size: 1,
            sha256: String::new(),
            url: String::new(),
        }
    }

    #[test]
    fn a_finished_job_says_how_many_files_arrived() {
        let outcome: JobResult = Ok(JobOutcome {
            update_id: "u".into(),
            outputs: vec![saved("a"), saved("b")],
            listed_outputs: Vec::new(),
        });
        let (title, body) = notification_text(&outcome).unwrap();
        assert_eq!(title, "Your SOV update is ready");
        assert_eq!(body, "2 files were downloaded.");
    }

    #[test]
    fn a_failed_job_gives_the_plain_reason_and_a_cancelled_one_is_not_announced() {
        let failed: JobResult = Err(JobError {
            step: Step::Process,
            error: UpdateError::new(ErrorKind::NetworkUnreachable, "connect refused"),
            update_id: Some("u".into()),
        });
        let (title, body) = notification_text(&failed).unwrap();
        assert_eq!(title, "Your SOV update did not finish");
        assert!(
            !body.contains("connect refused"),
            "raw detail stays out of notifications"
        );
        let cancelled: JobResult = Err(JobError {
            step: Step::Process,
            error: UpdateError::cancelled(),
            update_id: None,
        });
        assert_eq!(notification_text(&cancelled), None);
    }
}
