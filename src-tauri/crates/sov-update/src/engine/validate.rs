//! The Validating step: is the job's input usable, and how is it sent? Runs the pre-flight check
//! and turns each file into upload parts (converted from Excel or split into batches as needed,
//! streamed, never written to disk).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sov_preflight::{
    CheckOptions, ColumnMapping, FileReport, PreflightError, Severity, UploadPlan,
};

use crate::client::{FileUpload, UploadSource};
use crate::error::{ErrorKind, UpdateError};

/// Problems quoted in a blocked file's message; the full list is in the pre-flight report.
const PROBLEMS_QUOTED: usize = 3;

/// What `validate_input` needs from the job.
pub(crate) struct ValidationInput {
    pub sov_id: String,
    pub files: Vec<PathBuf>,
    /// `None` when the job saves nothing.
    pub download_dir: Option<PathBuf>,
    pub override_preflight: bool,
    pub rows_per_batch: Option<usize>,
    pub preflight_checked: bool,
    /// Plans made by the caller for `files`; see `JobSpec::upload_plans`.
    pub upload_plans: Option<Vec<Arc<UploadPlan>>>,
    /// See `JobSpec::sheets`.
    pub sheets: BTreeMap<PathBuf, String>,
    /// See `JobSpec::header_rows`.
    pub header_rows: BTreeMap<PathBuf, u64>,
    /// See `JobSpec::mapping`.
    pub mapping: ColumnMapping,
}

/// Checks everything before a request is made; returns the parts to upload, in order.
/// Synchronous and file-bound: run it on a blocking thread.
pub(crate) fn validate_input(
    input: &ValidationInput,
) -> Result<Vec<Box<dyn UploadSource>>, UpdateError> {
    if input.sov_id.trim().is_empty() {
        return Err(invalid(
            "The SOV id is empty. Paste the id of the SOV to update.",
        ));
    }
    if input.files.is_empty() {
        return Err(invalid(
            "No corrections file was chosen. Add at least one CSV file.",
        ));
    }
    if input
        .download_dir
        .as_ref()
        .is_some_and(|dir| dir.as_os_str().is_empty())
    {
        return Err(invalid(
            "No download folder was chosen. Choose where the outputs go.",
        ));
    }
    for path in &input.files {
        require_readable(path)?;
    }
    let plans = plans(input)?;
    let mut sources: Vec<Box<dyn UploadSource>> = Vec::new();
    for plan in plans {
        for (index, part) in plan.parts().iter().enumerate() {
            sources.push(Box::new(PlannedPart {
                plan: plan.clone(),
                index,
                file_name: part.file_name.clone(),
                byte_len: part.byte_len,
            }));
        }
    }
    Ok(sources)
}

/// One plan per file, in order: the caller's, or made here, checking each file in the same read
/// when the caller has not checked them.
fn plans(input: &ValidationInput) -> Result<Vec<Arc<UploadPlan>>, UpdateError> {
    let options = CheckOptions {
        sheet_for: input.sheets.clone(),
        header_row_for: input.header_rows.clone(),
        mapping: input.mapping.clone(),
        ..CheckOptions::default()
    };
    let must_check = !input.override_preflight && !input.preflight_checked;
    let given = input
        .upload_plans
        .as_ref()
        .filter(|plans| plans_are_for(plans, &input.files));
    if let Some(plans) = given {
        if must_check {
            let reports = sov_preflight::check_files(&input.files, &options);
            if let Some(report) = reports.iter().find(|report| report.blocking) {
                return Err(blocked(report));
            }
        }
        return Ok(plans.clone());
    }
    if !must_check {
        return input
            .files
            .iter()
            .map(|path| {
                sov_preflight::plan_upload(path, &options, input.rows_per_batch)
                    .map(Arc::new)
                    .map_err(|error| plan_error(path, error))
            })
            .collect();
    }
    let checked = sov_preflight::check_and_plan_files(&input.files, &options, input.rows_per_batch);
    if let Some(file) = checked.iter().find(|file| file.report.blocking) {
        return Err(blocked(&file.report));
    }
    input
        .files
        .iter()
        .zip(checked)
        .map(|(path, file)| {
            file.plan
                .map(Arc::new)
                .map_err(|error| plan_error(path, error))
        })
        .collect()
}

/// Plans given for other files (or not one per file) are not used.
fn plans_are_for(plans: &[Arc<UploadPlan>], files: &[PathBuf]) -> bool {
    plans.len() == files.len()
        && plans
            .iter()
            .zip(files)
            .all(|(plan, file)| plan.path() == file)
}

/// A file that is missing, a folder, empty or unreadable is a file problem, whatever the
/// pre-flight check would add.
fn require_readable(path: &Path) -> Result<(), UpdateError> {
    let upload = FileUpload::from_path(path)?;
    let file_error = |reason: String| {
        UpdateError::new(
            ErrorKind::FileError {
                path: path.display().to_string(),
                reason: reason.clone(),
            },
            reason,
        )
    };
    if upload.byte_len() == 0 {
        return Err(file_error("the file is empty".to_owned()));
    }
    upload.open().map_err(|e| file_error(e.to_string()))?;
    Ok(())
}

/// One part of a planned upload, opened on demand (again for a retry).
struct PlannedPart {
    plan: Arc<UploadPlan>,
    index: usize,
    file_name: String,
    byte_len: u64,
}

impl UploadSource for PlannedPart {
    fn file_name(&self) -> &str {
        &self.file_name
    }

    fn byte_len(&self) -> u64 {
        self.byte_len
    }

    fn open(&self) -> std::io::Result<Box<dyn std::io::Read + Send>> {
        self.plan.open_part(self.index)
    }
}

fn blocked(report: &FileReport) -> UpdateError {
    let problems: Vec<String> = report
        .findings
        .iter()
        .filter(|finding| finding.severity == Severity::Error)
        .take(PROBLEMS_QUOTED)
        .map(|finding| finding.message.clone())
        .collect();
    let detail = serde_json::to_string(&report.findings).unwrap_or_default();
    UpdateError::new(
        ErrorKind::PreflightBlocked {
            file: report.file_name.clone(),
            problems,
            fix_offered: report.problem_fixes().next().is_some(),
        },
        detail,
    )
}

fn plan_error(path: &Path, error: PreflightError) -> UpdateError {
    let detail = error.to_string();
    match error {
        PreflightError::Io { source, .. } => UpdateError::new(
            ErrorKind::FileError {
                path: path.display().to_string(),
                reason: source.to_string(),
            },
            detail,
        ),
        PreflightError::NotUsable { message } => UpdateError::new(
            ErrorKind::PreflightBlocked {
                file: file_name(path),
                problems: vec![message],
                fix_offered: false,
            },
            detail,
        ),
        PreflightError::NothingToFix { .. } => UpdateError::new(ErrorKind::Internal, detail),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn invalid(reason: &str) -> UpdateError {
    UpdateError::new(
        ErrorKind::InvalidInput {
            reason: reason.to_owned(),
        },
        reason,
    )
}
