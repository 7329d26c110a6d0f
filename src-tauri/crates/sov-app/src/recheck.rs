//! Start after the user edited a file outside the app: a file whose size or change time differs from
//! when the window checked it is checked again before anything is sent. If it now has a blocking
//! problem, Start is refused in words; if it is fine, the update goes ahead (the engine checks the
//! files again as it reads them, so what is sent is what was checked last). The window also asks
//! which files changed when the user comes back to it, and checks those again (`changed_since_checked`).

use crate::jobs::JobRequest;
use crate::state::AppState;
use crate::AppResult;
use sov_error::{AppError, Code};
use sov_preflight::{FileReport, FileStamp, Severity};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The files of `checked` whose size or change time differs now from the stamp of their check (a
/// file moved or deleted since included), in path order.
pub fn changed_since_checked(checked: &BTreeMap<PathBuf, FileStamp>) -> Vec<PathBuf> {
    checked
        .iter()
        .filter(|(path, stamp)| differs_from(path, stamp))
        .map(|(path, _)| path.clone())
        .collect()
}

fn differs_from(path: &Path, stamp: &FileStamp) -> bool {
    FileStamp::of(path).as_ref() != Some(stamp)
}

impl AppState {
    pub(crate) async fn recheck_changed_files(&self, request: &JobRequest) -> AppResult<()> {
        let changed: Vec<&PathBuf> = request
            .files
            .iter()
            .filter(|path| {
                request
                    .checked
                    .get(*path)
                    .is_some_and(|stamp| differs_from(path, stamp))
            })
            .collect();
        if changed.is_empty() || request.override_preflight {
            return Ok(());
        }
        // Together, as the window checks them, so a building repeated across files is seen too.
        let reports = self
            .check_files_with_choices(request.files.clone(), request.choices.clone())
            .await?;
        let blocked = request
            .files
            .iter()
            .zip(&reports)
            .find(|(path, report)| changed.contains(path) && report.blocking);
        match blocked {
            Some((path, report)) => Err(changed_and_blocked(report, FileStamp::of(path).is_none())),
            None => Ok(()),
        }
    }
}

/// `gone`: the file cannot even be looked at now (moved, renamed or deleted since it was checked).
fn changed_and_blocked(report: &FileReport, gone: bool) -> AppError {
    let errors: Vec<&str> = report
        .findings
        .iter()
        .filter(|finding| finding.severity == Severity::Error)
        .map(|finding| finding.message.as_str())
        .collect();
    let first = errors.first().copied().unwrap_or("it cannot be read.");
    let message = if gone {
        format!(
            "{} is no longer where it was when it was checked: {first} Nothing was sent. Put it back, or remove it in step 3 and add it again.",
            report.file_name
        )
    } else {
        format!(
            "{} was changed after it was checked, and now it has a problem: {first} Nothing was sent. Click “Check again” on its card in step 3 to see every problem.",
            report.file_name
        )
    };
    AppError::new(Code::PreflightBlocked, message, errors.join("\n"))
}
