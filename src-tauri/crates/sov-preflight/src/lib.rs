//! Pre-flight check of SOV corrections files (CSV, or an Excel sheet): finds every problem we
//! can detect locally before anything is sent, offers safe one-click fixes, and splits a file
//! into upload batches that are streamed, never written to disk.
//!
//! Everything here is synchronous and streaming: memory does not grow with the file's size
//! (duplicate detection keeps one 64-bit hash per row, at most about a million in memory; the rest go to
//! sorted temporary files).

mod attributes;
mod check;
mod csv_out;
mod decode;
mod detect;
mod distance;
mod duplicates;
mod error;
mod every_sheet;
mod file_in_use;
mod findings;
mod fixes;
mod header;
mod header_row;
mod identity;
mod mapping;
mod mapping_store;
mod options;
mod plan_builder;
mod problem_list;
mod report;
mod source;
mod upload;
mod utf8_guard;
mod values;

use std::path::{Path, PathBuf};

pub use attributes::known_attributes;
pub use error::PreflightError;
pub use every_sheet::{check_and_plan_every_sheet, check_every_sheet, check_files_every_sheet};
pub use file_in_use::is_file_in_use;
pub use findings::ROW_LIST_LIMIT;
pub use fixes::apply_fixes;
pub use mapping::{mapping_csv, ColumnChoice, ColumnMapping, DONT_SEND};
pub use mapping_store::{header_signature, MappingStore};
pub use options::{CheckOptions, DEFAULT_ROWS_PER_BATCH};
pub use problem_list::{problem_rows_page, save_problem_rows, ProblemRow, ProblemRowsPage};
pub use report::{
    ColumnReport, ColumnStatus, FileKind, FileReport, FileStamp, Finding, Fix, Preview, Severity,
    Summary,
};
pub use upload::{plan_upload, UploadPart, UploadPlan};

/// Checks the files of one job, including buildings targeted by more than one file.
pub fn check_files(paths: &[PathBuf], options: &CheckOptions) -> Vec<FileReport> {
    check_job(paths, options, None)
        .into_iter()
        .map(|(report, _)| report)
        .collect()
}

/// Checks each file in order against the buildings of the files before it; with `plan_batch`,
/// also plans its upload in the same read (`None` in the pair when that read stopped early).
fn check_job(
    paths: &[PathBuf],
    options: &CheckOptions,
    plan_batch: Option<u64>,
) -> Vec<(FileReport, Option<Result<UploadPlan, PreflightError>>)> {
    let mut job = check::JobTargets::default();
    paths
        .iter()
        .enumerate()
        .map(|(position, path)| {
            let scan = check::scan(path, options, &job, plan_batch);
            // The last file's targets are compared with nothing: not worth another pass.
            if position + 1 < paths.len() {
                job.add(
                    scan.report.file_name.clone(),
                    scan.targets.into_target_set(),
                );
            }
            (scan.report, scan.upload_plan)
        })
        .collect()
}

/// One file of a job checked and planned in the same read.
#[derive(Debug)]
pub struct CheckedFile {
    /// The file read (for a sheet of a workbook: the workbook; `report.sheet` names the sheet).
    pub path: PathBuf,
    pub report: FileReport,
    /// Exactly what [`plan_upload`] gives for the file.
    pub plan: Result<UploadPlan, PreflightError>,
}

/// [`check_files`] and, in the same read of each file, [`plan_upload`] with `rows_per_batch`.
/// A file the check stops reading early (unreadable, no header) is planned separately.
pub fn check_and_plan_files(
    paths: &[PathBuf],
    options: &CheckOptions,
    rows_per_batch: Option<usize>,
) -> Vec<CheckedFile> {
    let batch = plan_builder::batch_rows(rows_per_batch);
    paths
        .iter()
        .zip(check_job(paths, options, Some(batch)))
        .map(|(path, (report, plan))| CheckedFile {
            path: path.clone(),
            report,
            plan: plan.unwrap_or_else(|| plan_upload(path, options, rows_per_batch)),
        })
        .collect()
}

/// [`check_files`], applying the mappings `store` remembers for files with the same headers (the
/// user's own choices in `options.mapping` win). A report whose mapping came from the store says
/// so in a notice and has `remembered_mapping` set; [`MappingStore::forget`] undoes it.
pub fn check_files_remembering(
    paths: &[PathBuf],
    options: &CheckOptions,
    store: &MappingStore,
) -> Vec<FileReport> {
    let first = check_files(paths, options);
    let mut remembered = ColumnMapping::default();
    let mut used = vec![false; first.len()];
    for (index, report) in first.iter().enumerate() {
        if let Some(mapping) = store.recall(&report.preview.header) {
            remembered.extend(mapping.clone());
            used[index] = true;
        }
    }
    if remembered.is_empty() {
        return first;
    }
    let mut merged = options.clone();
    remembered.extend(std::mem::take(&mut merged.mapping));
    merged.mapping = remembered;
    let mut reports = check_files(paths, &merged);
    for (report, used) in reports.iter_mut().zip(used) {
        if used {
            report.remembered_mapping = true;
            report.notices.push("The column mapping you confirmed before for a file with these headers was used. Undo it to choose the columns again.".into());
        }
    }
    reports
}

/// Checks one file on its own.
pub fn check_file(path: &Path, options: &CheckOptions) -> FileReport {
    check::scan(path, options, &check::JobTargets::default(), None).report
}
