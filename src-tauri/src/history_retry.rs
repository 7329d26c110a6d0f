//! Retry of an update known only from the history (after a restart): which step to pick up from, the request to
//! send again, and whether the files recorded with it are still the ones that were sent.

use crate::error::CommandError;
use crate::jobs::{JobRequest, RetryPlan};
use sov_history::{InputFile, JobDetail, ResumePoint};
use sov_preflight::CheckOptions;
use std::path::PathBuf;

/// Where a recorded job picks up. Codes after which nothing can be continued on the server start a new update.
pub fn plan(detail: &JobDetail) -> RetryPlan {
    let code = detail.last_error.as_ref().map(|error| error.code.as_str());
    // `interrupted`: startup already decided nothing could be continued safely; `job_failed`: the server gave up
    // on the update; `not_found`: the server no longer knows it.
    if matches!(
        code,
        Some(sov_jobs::INTERRUPTED_CODE | "job_failed" | "not_found")
    ) {
        return RetryPlan::Fresh;
    }
    let Some(update_id) = detail.update_id.clone() else {
        return RetryPlan::Fresh;
    };
    match detail.resume_point() {
        ResumePoint::ReadyToStart | ResumePoint::StartOutcomeUnknown => {
            RetryPlan::Start { update_id }
        }
        ResumePoint::Processing | ResumePoint::Downloading { .. } | ResumePoint::Finished => {
            RetryPlan::Poll { update_id }
        }
        _ => RetryPlan::Fresh,
    }
}

/// The request as the window sent it, with its picked sheets and callback URL. A job recorded before those were
/// goes without them (see `unrecorded_sheet_choices`).
pub fn request(detail: &JobDetail) -> JobRequest {
    // The same spec the job runner's own Retry sends, in the window's request shape.
    let spec = sov_jobs::spec_from_detail(detail);
    JobRequest {
        sov_id: spec.sov_id,
        update_type: spec.update_type.map(|t| t.as_str().to_owned()),
        client_ref: spec.client_ref,
        callback_url: spec.callback_url,
        files: spec.files,
        output_formats: spec.start.output_formats,
        extra_data: spec.start.extra_data,
        download_dir: Some(spec.download_dir),
        override_preflight: spec.override_preflight,
        sheets: spec.sheets,
    }
}

/// The recorded files that are workbooks with several sheets but no recorded sheet: jobs recorded by a version of
/// SOV Updater that did not keep the sheet picked (the window always sends one for such a workbook). Sending such a
/// file again could send another sheet than the first time. Reads those files: call it off the async threads.
pub fn unrecorded_sheet_choices(files: &[InputFile]) -> Vec<String> {
    files
        .iter()
        .filter(|file| file.sheet.is_none())
        .filter(|file| {
            sov_preflight::check_file(&file.path, &CheckOptions::default())
                .sheets
                .len()
                > 1
        })
        .map(|file| file.name.clone())
        .collect()
}

/// The message for workbooks that stop a retry because their sheet is not known.
pub fn unrecorded_sheet_choices_error(names: &[String]) -> CommandError {
    let listed = names
        .iter()
        .map(|name| format!("“{name}”"))
        .collect::<Vec<_>>()
        .join(", ");
    CommandError::new(
        "invalid_input",
        format!(
            "Nothing was sent. {listed} has several sheets, and this update was recorded by an earlier version of SOV Updater, which did not keep which sheet was used, so Retry could send the wrong one. Start a new update with the file and pick the sheet in step 3."
        ),
        format!("multi-sheet workbooks without a recorded sheet: {}", names.join(", ")),
    )
}

/// A job recorded against another environment is not retried with this one's key (its SOV lives there).
pub fn check_environment(
    detail: &JobDetail,
    environment: &str,
    custom_url: &str,
) -> Result<(), CommandError> {
    let same_place = detail.environment_name == environment
        && (environment != "custom"
            || detail.base_url.trim_end_matches('/') == custom_url.trim_end_matches('/'));
    if same_place {
        return Ok(());
    }
    let place = match detail.environment_name.as_str() {
        "prod" => "Production".to_owned(),
        "prodeu" => "Production EU".to_owned(),
        "staging" => "Staging".to_owned(),
        "demo" => "the demo".to_owned(),
        _ => format!("the custom address {}", detail.base_url),
    };
    Err(CommandError::new(
        "invalid_input",
        format!(
            "This update was sent to {place}. Switch to {place} in step 1 (Connect), then retry."
        ),
        format!(
            "recorded environment {} ({}), current environment {environment}",
            detail.environment_name, detail.base_url
        ),
    ))
}

#[derive(Debug, Clone, PartialEq)]
pub enum InputProblem {
    Missing,
    Unreadable(String),
    Changed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChangedInput {
    pub name: String,
    pub path: PathBuf,
    pub problem: InputProblem,
}

/// The recorded input files that are gone, unreadable, or no longer what was sent (size or SHA-256 differ).
/// Reads every file: call it off the async threads.
pub fn changed_inputs(files: &[InputFile]) -> Vec<ChangedInput> {
    files
        .iter()
        .filter_map(|file| {
            let problem = match sov_jobs::hash_file(&file.path) {
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => InputProblem::Missing,
                Err(error) => InputProblem::Unreadable(error.to_string()),
                // A file unreadable when the job was recorded has no hash: nothing to compare against.
                Ok(_) if file.sha256.is_empty() => return None,
                Ok((size, sha256)) if size == file.size && sha256 == file.sha256 => return None,
                Ok(_) => InputProblem::Changed,
            };
            Some(ChangedInput {
                name: file.name.clone(),
                path: file.path.clone(),
                problem,
            })
        })
        .collect()
}

/// The message for files that stop a retry: each file by name, what happened, and what to do.
pub fn changed_inputs_error(problems: &[ChangedInput]) -> CommandError {
    let sentences: Vec<String> = problems
        .iter()
        .map(|input| match &input.problem {
            InputProblem::Missing => format!(
                "“{}” is no longer where it was when this update was sent ({}). Put it back there and retry, or start a new update with the file from its new place.",
                input.name,
                input.path.display()
            ),
            InputProblem::Unreadable(_) => format!(
                "“{}” cannot be read (it may be open in another program). Close it and retry.",
                input.name
            ),
            InputProblem::Changed => format!(
                "“{}” has changed since this update was sent, so Retry would not send the same corrections. To send the file as it is now, start a new update with it.",
                input.name
            ),
        })
        .collect();
    let detail: Vec<String> = problems
        .iter()
        .map(|input| {
            let what = match &input.problem {
                InputProblem::Missing => "missing".to_owned(),
                InputProblem::Unreadable(error) => format!("unreadable: {error}"),
                InputProblem::Changed => "size or SHA-256 differ from the recorded ones".to_owned(),
            };
            format!("{}: {what}", input.path.display())
        })
        .collect();
    CommandError::new(
        "file_error",
        format!("Nothing was sent. {}", sentences.join(" ")),
        detail.join("\n"),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use sov_history::{JobStatus, JobStep, LastError, Transition, TransitionKind};
    use std::collections::BTreeMap;

    fn detail(kinds: Vec<TransitionKind>, error_code: Option<&str>) -> JobDetail {
        JobDetail {
            job_id: "j-1".into(),
            created_at_ms: 0,
            sov_id: "s-a".into(),
            update_id: Some("u-1".into()),
            environment_name: "prod".into(),
            base_url: "https://example.invalid/".into(),
            update_type: Some("SCRUB".into()),
            client_ref: None,
            callback_url: Some("https://hooks.example.invalid/done".into()),
            extra_data: serde_json::json!({"insured_name": "Acme"}),
            output_formats: vec!["JSON".into()],
            download_dir: PathBuf::from("out"),
            status: JobStatus::Failed,
            step: JobStep::Processing,
            last_error: error_code.map(|code| LastError {
                code: code.into(),
                message: String::new(),
                detail: String::new(),
            }),
            input_files: vec![InputFile {
                name: "a.csv".into(),
                path: PathBuf::from("a.csv"),
                size: 0,
                sha256: String::new(),
                sheet: None,
            }],
            transitions: kinds
                .into_iter()
                .enumerate()
                .map(|(seq, kind)| Transition {
                    seq: seq as i64,
                    kind,
                    detail: String::new(),
                    at_ms: 0,
                })
                .collect(),
            outputs: Vec::new(),
            skipped: Vec::new(),
        }
    }

    fn started() -> Vec<TransitionKind> {
        vec![
            TransitionKind::Created,
            TransitionKind::InitiateSent,
            TransitionKind::InitiateAcknowledged {
                update_id: "u-1".into(),
            },
            TransitionKind::UploadStarted { file_index: 0 },
            TransitionKind::UploadAcknowledged { file_index: 0 },
            TransitionKind::StartSent,
            TransitionKind::StartAcknowledged,
            TransitionKind::Failed,
        ]
    }

    #[test]
    fn a_started_update_is_waited_for_again_never_sent_twice() {
        assert_eq!(
            plan(&detail(started(), Some("network_unreachable"))),
            RetryPlan::Poll {
                update_id: "u-1".into()
            }
        );
    }

    #[test]
    fn an_interrupted_or_server_failed_job_starts_over() {
        assert_eq!(
            plan(&detail(started(), Some("job_failed"))),
            RetryPlan::Fresh
        );
        let uploading = vec![
            TransitionKind::Created,
            TransitionKind::InitiateSent,
            TransitionKind::InitiateAcknowledged {
                update_id: "u-1".into(),
            },
            TransitionKind::Failed,
        ];
        assert_eq!(
            plan(&detail(uploading, Some(sov_jobs::INTERRUPTED_CODE))),
            RetryPlan::Fresh
        );
    }

    #[test]
    fn the_recorded_request_is_sent_again_as_it_was() {
        let request = request(&detail(started(), None));
        let spec = request.spec(PathBuf::from("out"));
        assert_eq!(spec.sov_id, "s-a");
        assert_eq!(spec.files, vec![PathBuf::from("a.csv")]);
        assert_eq!(spec.start.output_formats, vec!["JSON".to_owned()]);
        assert_eq!(spec.start.extra_data["insured_name"], "Acme");
        assert_eq!(
            spec.update_type.map(|t| t.as_str().to_owned()),
            Some("SCRUB".into())
        );
        assert_eq!(
            spec.callback_url.as_deref(),
            Some("https://hooks.example.invalid/done")
        );
        assert!(spec.sheets.is_empty(), "no sheet was picked for the CSV");
    }

    #[test]
    fn the_recorded_sheet_of_a_workbook_is_sent_again() {
        let mut job = detail(started(), None);
        job.input_files.push(InputFile {
            name: "book.xlsx".into(),
            path: PathBuf::from("book.xlsx"),
            size: 0,
            sha256: String::new(),
            sheet: Some("Notes".into()),
        });
        let spec = request(&job).spec(PathBuf::from("out"));
        assert_eq!(
            spec.sheets,
            BTreeMap::from([(PathBuf::from("book.xlsx"), "Notes".to_owned())])
        );
    }

    #[test]
    fn a_job_from_another_environment_names_where_to_switch() {
        let job = detail(started(), None);
        assert!(check_environment(&job, "prod", "").is_ok());
        let error = check_environment(&job, "staging", "").unwrap_err();
        assert!(error.message.contains("Production"), "{}", error.message);
    }

    #[test]
    fn a_changed_or_missing_file_is_named_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fix.csv");
        std::fs::write(&path, "sheet_name\nSheet1\n").unwrap();
        let (size, sha256) = sov_jobs::hash_file(&path).unwrap();
        let recorded = InputFile {
            name: "fix.csv".into(),
            path: path.clone(),
            size,
            sha256,
            sheet: None,
        };
        assert!(changed_inputs(std::slice::from_ref(&recorded)).is_empty());

        std::fs::write(&path, "sheet_name\nSheet2\n").unwrap();
        let problems = changed_inputs(std::slice::from_ref(&recorded));
        assert_eq!(problems[0].problem, InputProblem::Changed);
        let message = changed_inputs_error(&problems).message;
        assert!(message.contains("“fix.csv” has changed"), "{message}");

        std::fs::remove_file(&path).unwrap();
        let problems = changed_inputs(&[recorded]);
        assert_eq!(problems[0].problem, InputProblem::Missing);
        assert!(changed_inputs_error(&problems)
            .message
            .contains("“fix.csv” is no longer where it was"));
    }

    #[test]
    fn only_a_workbook_with_several_sheets_and_no_recorded_sheet_is_not_sent_again() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("fix.csv");
        std::fs::write(&csv, "sheet_name,sheet_row_number,bldg_name\nSheet1,2,X\n").unwrap();
        let workbook = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("src-tauri/crates/sov-preflight/tests/corpus/legacy_workbook.xls");
        let recorded = |name: &str, path: &PathBuf, sheet: Option<&str>| InputFile {
            name: name.into(),
            path: path.clone(),
            size: 0,
            sha256: String::new(),
            sheet: sheet.map(str::to_owned),
        };

        let picked = [
            recorded("fix.csv", &csv, None),
            recorded("legacy_workbook.xls", &workbook, Some("Corrections")),
        ];
        assert!(
            unrecorded_sheet_choices(&picked).is_empty(),
            "the recorded sheet is sent again"
        );

        let from_an_earlier_version = [
            recorded("fix.csv", &csv, None),
            recorded("legacy_workbook.xls", &workbook, None),
        ];
        let names = unrecorded_sheet_choices(&from_an_earlier_version);
        assert_eq!(names, vec!["legacy_workbook.xls".to_owned()]);
        let message = unrecorded_sheet_choices_error(&names).message;
        assert!(
            message.contains("“legacy_workbook.xls” has several sheets"),
            "{message}"
        );
        assert!(message.contains("earlier version"), "{message}");
        assert!(message.contains("pick the sheet"), "{message}");
    }
}
