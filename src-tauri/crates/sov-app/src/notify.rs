//! How a job's end is announced when the user is looking elsewhere.

use crate::host::Host;
use sov_error::Code;
use sov_jobs::JobResult;

/// The notification text for an outcome, or `None` for a cancelled job (the user did that themselves).
pub fn notification_text(outcome: &JobResult) -> Option<(String, String)> {
    match outcome {
        Ok(done) if done.rows_not_applied.is_some() => Some((
            "Your SOV update finished with rows not applied".to_owned(),
            match &done.rows_not_applied {
                Some(rows) if rows.count == 1 => {
                    "SOV Fixer could not apply 1 row. Open SOV Updater to see which.".to_owned()
                }
                Some(rows) => format!(
                    "SOV Fixer could not apply {} rows. Open SOV Updater to see which.",
                    rows.count
                ),
                None => String::new(),
            },
        )),
        Ok(done) if done.changes.as_ref().is_some_and(|c| c.not_applied > 0) => Some((
            "Your SOV update finished with changes not applied".to_owned(),
            match done.changes.as_ref().map_or(0, |c| c.not_applied) {
                1 => "SOV Fixer kept its own value for 1 of your changes. Open SOV Updater to see which."
                    .to_owned(),
                n => format!(
                    "SOV Fixer kept its own values for {n} of your changes. Open SOV Updater to see which."
                ),
            },
        )),
        Ok(done) => Some((
            "Your SOV update is ready".to_owned(),
            match done.outputs.len() {
                1 => "1 file was downloaded.".to_owned(),
                n => format!("{n} files were downloaded."),
            },
        )),
        Err(error) if error.error.code() == Code::Cancelled => None,
        Err(error) => Some((
            "Your SOV update did not finish".to_owned(),
            error.error.message(),
        )),
    }
}

/// A desktop notification of how a job ended, unless notifications are off or the window has the focus.
pub(crate) fn announce_end(host: &dyn Host, enabled: bool, outcome: &JobResult) {
    if !enabled || host.window_focused() {
        return;
    }
    if let Some((title, body)) = notification_text(outcome) {
        host.notify(&title, &body);
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
            rows_not_applied: None,
            changes: None,
        });
        let (title, body) = notification_text(&outcome).unwrap();
        assert_eq!(title, "Your SOV update is ready");
        assert_eq!(body, "2 files were downloaded.");
    }

    #[test]
    fn a_job_with_changes_not_applied_is_not_announced_as_ready() {
        let outcome: JobResult = Ok(JobOutcome {
            update_id: "u".into(),
            outputs: vec![saved("a")],
            listed_outputs: Vec::new(),
            rows_not_applied: None,
            changes: Some(sov_update::UpdateChanges {
                from_revision: 0,
                to_revision: 1,
                confirmed: 1,
                not_applied: 1,
                derived: 0,
                untouched_buildings: 1,
                summary: "1 requested change confirmed, 1 not applied. 1 building untouched."
                    .into(),
                not_applied_changes: vec!["Lincoln Road Tower (Sheet1 row 2), Year built".into()],
                report: None,
            }),
        });
        let (title, body) = notification_text(&outcome).unwrap();
        assert_eq!(title, "Your SOV update finished with changes not applied");
        assert_eq!(
            body,
            "SOV Fixer kept its own value for 1 of your changes. Open SOV Updater to see which."
        );
    }

    #[test]
    fn a_job_with_rows_not_applied_is_not_announced_as_ready() {
        let outcome: JobResult = Ok(JobOutcome {
            update_id: "u".into(),
            outputs: vec![saved("a")],
            listed_outputs: Vec::new(),
            rows_not_applied: Some(sov_update::RowsNotApplied {
                count: 2,
                named: vec!["Sheet1 row 9".into()],
                server_message: "Success. 2 rows matched no building: Sheet1 row 9 and 1 more."
                    .into(),
                saved_to: None,
            }),
            changes: None,
        });
        let (title, body) = notification_text(&outcome).unwrap();
        assert_eq!(title, "Your SOV update finished with rows not applied");
        assert_eq!(
            body,
            "SOV Fixer could not apply 2 rows. Open SOV Updater to see which."
        );
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
